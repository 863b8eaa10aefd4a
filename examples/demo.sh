#!/bin/sh
# make demo: replay the bundled real Go trace through the whole pipeline.
set -e
cli=${1:-build/gcpulse}
trace=examples/data/go-demo.gctrace
cat <<TXT
gcpulse demo
============
Replaying $trace: a real GODEBUG=gctrace=1,scavtrace=1 log recorded here
with Go 1.19 from examples/demo-workload (steady traffic, a 6.4x traffic
pulse from 30 s to 55 s that also grows the live heap, then a slow leak),
with a 300 MiB memory limit (GOMEMLIMIT when it was recorded, told with
--memory-limit; everything else default): watch GOGC come down
as the leak pushes the heap toward the limit, and the policy escalate.

Every line below is one decision as JSON: {"type":"gogc"} is a change of
the recommended GOGC with the limiter stages and reasons (the controller
decides at every GC; --all-gogc prints the decisions that hold GOGC too),
{"type":"action"} a scaling-policy action with its explanation.

TXT
"$cli" replay --memory-limit 300MiB --summary text "$trace"
echo
echo "Try: $cli events $trace | head -3      (the parsed GC events)"
echo "     $cli replay --help                                (all options)"
echo "     docs/sidecar.md                                       (follow, run, metrics, deployment)"

# The same trace live: through a pipe into the sidecar, scraped over HTTP.
if command -v curl >/dev/null 2>&1; then
  port=$((20000 + $$ % 20000))
  echo
  echo "Live: the trace through a pipe into '$cli follow --listen 127.0.0.1:$port -',"
  echo "then a scrape of /metrics (a few of its series):"
  { cat "$trace"; sleep 1.5; } |
    "$cli" follow --memory-limit 300MiB --listen 127.0.0.1:$port --label pod=demo-0 - >/dev/null &
  follower=$!
  sleep 0.8
  curl -s "http://127.0.0.1:$port/metrics" |
    grep -E '^gcpulse_(up|heap_live_bytes|heap_limit_ratio|gc_cpu_ratio|next_gc_seconds|gogc)\{|oom_bump' || true
  wait $follower
fi
if command -v gnuplot >/dev/null 2>&1; then
  "$cli" plot --memory-limit 300MiB "$trace" -o build/demo.png
  echo "Picture of the replay: build/demo.png (docs/demo.png is the committed copy)"
fi
