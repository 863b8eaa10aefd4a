#!/bin/sh
# bench/run_extra.sh — extra benchmarks run by `make bench` after the C ones.
#
# Go gctrace parsing: gcpulse vs a Go regexp parser (bench/go_regexp, the
# approach gcvis takes) on the SAME generated input.  bench_parse_go writes
# its in-memory input (corpus lines repeated to >= 100 MB, BENCH_QUICK=1:
# ~5 MB) with --emit, runs its own measurement, then the Go program parses
# the file; the ratio of the two MB/s figures is printed.
#
# Environment: BUILD (build dir holding bench/bench_parse_go, default
# "build"), GO (go command), BENCH_QUICK.  Exits 0 with a message when go
# or the benchmark binary is missing.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
BIN="$BUILD/bench/bench_parse_go"
GO=${GO:-$(command -v go 2>/dev/null || echo /usr/lib/go/bin/go)}
if ! [ -x "$GO" ] && ! command -v "$GO" >/dev/null 2>&1; then
  echo "run_extra: go not found: Go regexp comparison skipped"
  exit 0
fi
if ! [ -x "$BIN" ]; then
  echo "run_extra: $BIN not built (make BUILD=$BUILD bench): comparison skipped"
  exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gcpulse-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
echo "== Go gctrace parsing: gcpulse vs Go regexp (same input)"
out=$("$BIN" --emit "$tmp/input.txt") || { echo "$out"; exit 1; }
printf '%s\n' "$out"
if ! [ -s "$tmp/input.txt" ]; then
  echo "run_extra: no input generated (corpus absent?): comparison skipped"
  exit 0
fi
( cd bench/go_regexp && "$GO" build -o "$tmp/goregexp" . ) || {
  echo "run_extra: building bench/go_regexp failed"; exit 1; }
runs=3
[ -n "${BENCH_QUICK:-}" ] && [ "${BENCH_QUICK}" != 0 ] && runs=1
gout=$("$tmp/goregexp" -in "$tmp/input.txt" -runs "$runs") || { echo "$gout"; exit 1; }
printf '%s\n' "$gout"
c=$(printf '%s\n' "$out" | sed -n 's/^RESULT .*direct_MBps=\([0-9.]*\).*/\1/p')
f=$(printf '%s\n' "$out" | sed -n 's/^RESULT feed_MBps=\([0-9.]*\).*/\1/p')
ce=$(printf '%s\n' "$out" | sed -n 's/^RESULT .*events=\([0-9]*\).*/\1/p')
r=$(printf '%s\n' "$gout" | sed -n 's/^RESULT regexp_MBps=\([0-9.]*\).*/\1/p')
re=$(printf '%s\n' "$gout" | sed -n 's/^RESULT .*records=\([0-9]*\).*/\1/p')
awk -v c="$c" -v f="$f" -v r="$r" -v ce="$ce" -v re="$re" 'BEGIN {
  if (r <= 0) { print "run_extra: no regexp figure"; exit 0 }
  printf "speed-up vs Go regexp: parser %.1fx, whole feed pipeline %.1fx\n", c / r, f / r
  if (ce != re) printf "note: event counts differ (gcpulse %s, regexp %s)\n", ce, re
}'

# JVM GC log parsing: gcpulse vs a Python regex pause-line summariser on the
# SAME input (bench_parse_jvm dumps its in-memory input when BENCH_JVM_DUMP
# is set).  The regex extracts pauses only; gcpulse parses full detail.
JBIN="$BUILD/bench/bench_parse_jvm"
if [ -x "$JBIN" ] && command -v python3 >/dev/null 2>&1; then
  echo "== JVM GC log parsing: gcpulse vs Python regex (same input)"
  BENCH_JVM_DUMP="$tmp/jvm.log" "$JBIN" || exit 1
  if [ -s "$tmp/jvm.log" ]; then
    python3 bench/jvm_regex.py --bench "$tmp/jvm.log" 0 || exit 1
  fi
else
  echo "run_extra: $JBIN or python3 missing: JVM comparison skipped"
fi
exit 0
