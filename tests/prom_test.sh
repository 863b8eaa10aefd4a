#!/bin/sh
# prom_test.sh — the sidecar against a real Prometheus (Debian's 2.42) and
# node_exporter (textfile collector), all on 127.0.0.1 with temporary
# storage.  The bundled real Go trace is fed through a pipe, paced over
# about 6 s, into `gcpulse follow --listen ... --prom-textfile ...`; the pipe
# then stays open and silent, so the source is lost after the default
# silence (5 GC intervals, at least 10 s).  Asserted over Prometheus's HTTP
# API:
#   - gcpulse_up is 1 while the trace flows, then 0 (scraped directly and
#     through node_exporter's textfile collector);
#   - increase(gcpulse_actions_total{...}[1m]) > 0 for the action the trace
#     triggers (read from gcpulse's own decision output);
#   - histogram_quantile(0.99, ...) of the pause histogram is within its
#     bucket's width of the window's p99 (the test config widens the window
#     to 120 s so it holds the whole 96 s trace: both then describe the same
#     pauses);
#   - the PromQL of docs/deploy/*.yaml (KEDA and HPA) returns a value;
#   - two sidecars' textfiles (labels pod=api-0 and pod=api-1) sit in one
#     node_exporter textfile directory without a collision;
#   - promtool check metrics passes on /metrics and on the textfile.
# Every process started here is stopped by PID; the whole run is bounded.
# Usage: sh tests/prom_test.sh [path/to/gcpulse]
set -u
cli=${1:-build/gcpulse}
for tool in prometheus promtool prometheus-node-exporter curl jq; do
  command -v $tool >/dev/null 2>&1 || { echo "prom_test: $tool missing (sh .ci/deps.sh prom)"; exit 1; }
done
[ -x "$cli" ] || { echo "prom_test: $cli not built"; exit 1; }
trace=examples/data/go-demo.gctrace
tmp=$(mktemp -d /tmp/gcpulse-prom-XXXXXX)
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null; done
  sleep 0.3
  for p in $pids; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail() { echo "prom_test: FAIL: $*"; echo "--- gcpulse stderr"; cat "$tmp/gcpulse.err"; exit 1; }
ok() { echo "prom_test: ok: $*"; }

# three free ports on 127.0.0.1
ports=$(python3 -c 'import socket
s=[socket.socket() for _ in range(3)]
[x.bind(("127.0.0.1",0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))' 2>/dev/null) ||
  ports="$((20000 + $$ % 15000)) $((35001 + $$ % 15000)) $((50002 + $$ % 15000))"
set -- $ports
p_gc=$1 p_node=$2 p_prom=$3

mkdir -p "$tmp/textfile" "$tmp/data"
cat > "$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: gcpulse
    static_configs: [{targets: ['127.0.0.1:$p_gc']}]
  - job_name: node
    static_configs: [{targets: ['127.0.0.1:$p_node']}]
EOF
promtool check config "$tmp/prometheus.yml" >/dev/null || fail "promtool check config"
echo '{"window": {"window_s": 120}}' > "$tmp/window.json"

# a second sidecar's textfile on the same node, told apart by its labels
"$cli" replay --memory-limit 300MiB --prom-textfile "$tmp/textfile/api-1.prom" \
  --label namespace=shop --label pod=api-1 "$trace" >/dev/null || fail "replay --prom-textfile"

prometheus-node-exporter --web.listen-address=127.0.0.1:$p_node \
  --collector.disable-defaults --collector.textfile \
  --collector.textfile.directory="$tmp/textfile" >"$tmp/node.log" 2>&1 &
pids="$pids $!"
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
  --web.listen-address=127.0.0.1:$p_prom --log.level=warn >"$tmp/prom.log" 2>&1 &
pids="$pids $!"

# the trace, paced: 6 chunks of 50 lines a second apart, then 25 s of silence
mkfifo "$tmp/pipe"
"$cli" follow --config "$tmp/window.json" --memory-limit 300MiB \
  --listen 127.0.0.1:$p_gc --prom-textfile "$tmp/textfile/gcpulse.prom" \
  --label namespace=shop --label pod=api-0 - <"$tmp/pipe" >"$tmp/decisions" 2>"$tmp/gcpulse.err" &
gc_pid=$!
pids="$pids $gc_pid"
exec 3>"$tmp/pipe"

api="http://127.0.0.1:$p_prom/api/v1"
i=0
until curl -sf "http://127.0.0.1:$p_prom/-/ready" >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -gt 100 ] && fail "prometheus not ready (see $tmp/prom.log)"; sleep 0.1
done
i=0
until [ "$(curl -s "$api/query" --data-urlencode 'query=count(up == 1)' | jq -r '.data.result[0].value[1] // 0')" = 2 ]; do
  i=$((i + 1)); [ $i -gt 100 ] && fail "targets not up"; sleep 0.1
done
ok "prometheus scrapes gcpulse :$p_gc and node_exporter :$p_node"
t_start=$(date +%s)
sleep 1.5 # a scrape of the action counters at 0
for from in 1 51 101 151 201 251; do
  sed -n "${from},$((from + 49))p" "$trace" >&3
  t_last=$(date +%s.%N)
  sleep 1
done
t_fed=$(date +%s.%N)

q() { curl -s "$api/query" --data-urlencode "query=$1" ${2:+--data-urlencode "time=$2"} | jq -r '.data.result[0].value[1] // "none"'; }
# the instant at which Prometheus holds the whole trace (136 pauses) from both paths
i=0
until [ "$(q 'gcpulse_gc_pause_seconds_count{job="gcpulse"}')" = 136 ] &&
      [ "$(q 'gcpulse_gc_pause_seconds_count{job="node",pod="api-0"}')" = 136 ]; do
  i=$((i + 1)); [ $i -gt 80 ] && fail "Prometheus never saw the whole trace"; sleep 0.1
done
t_q=$(date +%s.%N)
[ "$(q 'gcpulse_up{job="gcpulse"}' "$t_q")" = 1 ] || fail "gcpulse_up is not 1 while the trace flows"
[ "$(q 'gcpulse_up{job="node",pod="api-0"}' "$t_q")" = 1 ] || fail "textfile gcpulse_up is not 1 while the trace flows"
ok "gcpulse_up 1 while the trace flows (direct and textfile)"
[ "$(q 'count(gcpulse_up{job="node"})' "$t_q")" = 2 ] || fail "node_exporter does not show both sidecars' textfiles"
[ "$(q 'node_textfile_scrape_error' "$t_q")" = 0 ] || fail "node_exporter reports a textfile scrape error"
ok "two sidecars' textfiles on one node_exporter: 2 series, node_textfile_scrape_error 0"

# the pause histogram against the window's p99, at the same instant
hq=$(q 'histogram_quantile(0.99, sum by (le) (gcpulse_gc_pause_seconds_bucket{job="gcpulse"}))' "$t_q")
p99=$(q 'gcpulse_gc_pause_window_seconds{job="gcpulse",stat="p99"}' "$t_q")
[ "$hq" != none ] && [ "$p99" != none ] || fail "no histogram_quantile ($hq) or window p99 ($p99)"
width=$(awk -v p="$p99" 'BEGIN { split("0 0.000025 0.00005 0.0001 0.00025 0.0005 0.001 0.0025 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10", b, " ");
  for (i = 2; i <= 19; i++) if (p <= b[i] + 1e-12) { print b[i] - b[i-1]; exit } print 1e9 }')
awk -v a="$hq" -v b="$p99" -v w="$width" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= w) }' ||
  fail "histogram_quantile(0.99) = $hq, window p99 = $p99: further apart than the bucket width $width"
ok "histogram_quantile(0.99) = $hq s, window p99 = $p99 s, bucket width $width s"

# the action the trace triggers, from gcpulse's own output
action=$(jq -r 'select(.type == "action") | .action' "$tmp/decisions" | head -1)
rule=$(jq -r 'select(.type == "action") | .rule' "$tmp/decisions" | head -1)
[ -n "$action" ] || fail "the trace triggered no action"
inc=$(q "increase(gcpulse_actions_total{job=\"gcpulse\",action=\"$action\",rule=\"$rule\"}[1m])" "$t_q")
awk -v v="$inc" 'BEGIN { exit !(v > 0) }' || fail "increase(gcpulse_actions_total{action=$action}[1m]) = $inc"
ok "increase(gcpulse_actions_total{action=\"$action\",rule=\"$rule\"}[1m]) = $inc"
[ "$(q "gcpulse_action_active{job=\"gcpulse\",action=\"$action\",rule=\"$rule\"}" "$t_q")" = 1 ] ||
  fail "gcpulse_action_active not 1 after the action"

# the PromQL of the deployment examples (docs/deploy/*.yaml)
for f in docs/deploy/keda-scaledobject.yaml docs/deploy/hpa-external.yaml; do
  [ -f "$f" ] || fail "$f missing"
  sed -n 's/^ *# promql: //p; s/^ *query: //p; s/^ *metricsQuery: //p' "$f" | grep -v '^|' |
    while IFS= read -r expr; do
      expr=$(printf '%s' "$expr" | sed "s/^'//; s/'\$//; s/<<\.LabelMatchers>>/namespace=\"shop\"/g")
      v=$(q "$expr" "$t_q")
      [ "$v" != none ] || { echo "prom_test: FAIL: $f: '$expr' returned nothing"; exit 1; }
      echo "prom_test: ok: $f: $expr = $v"
    done || exit 1
done

# promtool on both outputs
curl -s "http://127.0.0.1:$p_gc/metrics" > "$tmp/metrics.txt"
promtool check metrics < "$tmp/metrics.txt" || fail "promtool check metrics on /metrics"
promtool check metrics < "$tmp/textfile/gcpulse.prom" || fail "promtool check metrics on the textfile"
ok "promtool check metrics: /metrics and textfile clean"

# silence: the source is lost after the default 10 s, in both paths
i=0
until [ "$(q 'gcpulse_up{job="gcpulse"}')" = 0 ] && [ "$(q 'gcpulse_up{job="node",pod="api-0"}')" = 0 ]; do
  i=$((i + 1)); [ $i -gt 200 ] && fail "gcpulse_up never became 0"; sleep 0.1
done
lost_after=$(awk -v a="$(date +%s.%N)" -v t="$t_last" 'BEGIN { printf "%.1f", a - t }')
grep -q '"state":"lost"' "$tmp/decisions" || fail "no source lost line"
[ "$(q 'gcpulse_heap_live_bytes{job="gcpulse"}')" = none ] || fail "features still reported after the source was lost"
[ "$(q 'gcpulse_action_active{job="gcpulse"} == 1')" = none ] || fail "an action still stands after the source was lost"
ok "gcpulse_up 0 ${lost_after} s after the last line; features and standing actions gone"
sleep 1.1
seen=$(curl -s "$api/query_range" --data-urlencode 'query=gcpulse_up{job="gcpulse"}' \
  --data-urlencode "start=$t_start" --data-urlencode "end=$(date +%s.%N)" --data-urlencode step=0.5 |
  jq -r '[.data.result[0].values[][1]] | join("")' | tr -s '01')
[ "$seen" = 10 ] || fail "gcpulse_up over the run was '$seen', want 1 then 0"
ok "gcpulse_up over the run: 1 then 0"

exec 3>&-
wait "$gc_pid"; rc=$?
[ $rc = 0 ] || fail "gcpulse follow exited $rc at end of input"
ok "gcpulse follow exited 0 at end of input; total $(($(date +%s) - t_start)) s"
echo "prom_test: PASS"
