#!/bin/sh
# run.sh [GO...] — the Go tuner's overhead with each toolchain (default:
# go and /usr/lib/go-1.23/bin/go), from the benchmarks in go/bench_test.go:
#
#   BenchmarkPerGCWork  the tuner's work for one GC cycle with the default
#                       configuration: read runtime/metrics, build the
#                       record, feed it to the library (window, controller,
#                       policy), apply/deliver the results.  The cycle
#                       counter is rewound each iteration so every
#                       iteration is a new cycle.  Not included: the
#                       finalizer's wake-up of the tuner goroutine (a
#                       channel send) and the scheduler switch.
#   BenchmarkStats      one Stats() call.
#   BenchmarkObserve    one Observe(MetricQPS, v) call.
#
# 5 runs of 20000 iterations each; prints the runs and their medians.
# Run under nice on a shared machine.
set -eu
cd "$(dirname "$0")/../../go"
export GOFLAGS= GOPROXY=off GOTOOLCHAIN=local
[ $# -gt 0 ] || set -- go /usr/lib/go-1.23/bin/go
for GO in "$@"; do
  echo "== $("$GO" env GOVERSION)"
  "$GO" test -run '^$' -bench . -benchtime 20000x -count 5 . | grep '^Benchmark' | tee /tmp/gcpulse-overhead.$$
  awk '{ n[$1]++; v[$1, n[$1]] = $3; a[$1] = $7 }
       END { for (k in n) { m = n[k]; for (i = 1; i <= m; i++) x[i] = v[k, i]
               for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
               printf "median %-24s %10.0f ns/op %s allocs/op\n", k, x[int((m + 1) / 2)], a[k] } }' \
      /tmp/gcpulse-overhead.$$ | sort
  rm -f /tmp/gcpulse-overhead.$$
done
