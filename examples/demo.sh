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
with a 300 MiB memory limit (examples/demo.json): watch GOGC come down
as the leak pushes the heap toward the limit, and the policy escalate.

Every line below is one decision as JSON: {"type":"gogc"} is a GOGC
recommendation with the limiter stages and reasons, {"type":"action"} a
scaling-policy action with its explanation.

TXT
"$cli" replay --config examples/demo.json --summary text "$trace"
echo
echo "Try: $cli events $trace | head -3      (the parsed GC events)"
echo "     $cli replay --help                  (all options)"
