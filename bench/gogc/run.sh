#!/bin/sh
# bench/gogc/run.sh — the GOGC controller benchmark (make bench-gogc).
#
# Builds the Go workload (bench/gogc, with the gcpulse Go package, which
# compiles the amalgamation of lib/), runs the controllers in five scenarios,
# prints one JSON line per run, the median table per scenario, and writes
# a PNG per scenario and controller (heap, total memory, limit, GOGC over
# time) with gnuplot.  The gcpulse row runs the quick start exactly:
# gcpulse.Start(gcpulse.Config{MemoryLimit: L}), nothing else set.
#
#   S1  live-heap pulse near the limit: 3x traffic for 10 s that also fills
#       the TTL cache towards a 160 MiB limit;
#   S2  allocation pulse (4x garbage per request, same live heap) with
#       512 MiB of headroom;
#   S3  the published pulse: 500 -> 3200 req/s for 8 s, 64 KiB of garbage
#       per request, 512 MiB limit;
#   S4  a train of 4x pulses (10 s every 30 s) over 130 s (stability);
#   S5  a slow leak of 2 MiB/s of live heap towards a 256 MiB limit.
#
# Environment: CONTROLLERS (override every scenario's list), SCENARIOS
# (default "S1 S2 S3 S4 S5"), RUNS (default 5), BENCH_QUICK=1 (a few
# seconds per run, one run each, for CI), GO (default Go 1.23 when
# installed, else go), GCPULSE_BUILD (default build), OUT (default
# $GCPULSE_BUILD/bench-gogc), TUNED_JSON (adds a gcpulse-tuned row with
# that JSON configuration, labelled tuned).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILDDIR=${GCPULSE_BUILD:-build}
case $BUILDDIR in /*) ;; *) BUILDDIR=$ROOT/$BUILDDIR ;; esac
OUT=${OUT:-$BUILDDIR/bench-gogc}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd) # absolute: the Go build runs in bench/gogc

if [ -z "${GO:-}" ]; then
  if [ -x /usr/lib/go-1.23/bin/go ]; then GO=/usr/lib/go-1.23/bin/go
  elif command -v go >/dev/null 2>&1; then GO=go
  else GO=/usr/lib/go/bin/go; fi
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gcpulse-bench.XXXXXX")
trap 'chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
: "${HOME:=$TMP/home}"
mkdir -p "$HOME" 2>/dev/null || true
export HOME
# keep the user's build cache when it is usable (a cold cgo build of the
# standard library takes a minute); fall back to temporary directories
if [ -z "${GOCACHE:-}" ]; then
  GOCACHE=$("$GO" env GOCACHE 2>/dev/null || true)
  if [ -z "$GOCACHE" ] || [ "$GOCACHE" = off ] || ! mkdir -p "$GOCACHE" 2>/dev/null ||
     [ ! -w "$GOCACHE" ]; then
    GOCACHE=$TMP/gocache
  fi
fi
if [ -z "${GOPATH:-}" ]; then
  GOPATH=$("$GO" env GOPATH 2>/dev/null || true)
  if [ -z "$GOPATH" ] || ! mkdir -p "$GOPATH" 2>/dev/null || [ ! -w "$GOPATH" ]; then
    GOPATH=$TMP/gopath
  fi
fi
mkdir -p "$GOCACHE" "$GOPATH"
export GOCACHE GOPATH GOTOOLCHAIN=local GOPROXY=off GOFLAGS= CGO_ENABLED=1
# the Go module compiles the amalgamation of lib/ (go/gcpulse.[ch]): bring
# it up to date so that the benchmark measures this tree's controller (the
# Go build cache hashes the package's own files)
make -C "$ROOT" amalgamation >/dev/null
BIN=$OUT/bench-gogc
(cd "$ROOT/bench/gogc" && "$GO" build -o "$BIN" .)
echo "bench-gogc: built with $("$GO" version)"

BASE="gogc100 memlimit off-memlimit gctuner gcpulse"
[ -n "${TUNED_JSON:-}" ] && BASE="$BASE gcpulse-tuned"
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  RUNS=1
  S1="-duration 3 -rate 1000 -pulse-rate 3 -pulse-start 0.8 -pulse-len 1.7 -ttl 1 -limit-mib 160"
  S2="-duration 3 -rate 1000 -pulse-rate 1 -pulse-garbage 4 -pulse-start 0.8 -pulse-len 1.7 -ttl 1 -limit-mib 512"
  S3="-duration 3 -rate 500 -pulse-rate 6.4 -pulse-start 0.8 -pulse-len 1.5 -ttl 1 -limit-mib 512"
  S4="-duration 6 -rate 500 -pulse-rate 4 -pulse-start 1 -pulse-len 1 -pulse-every 2 -pulse-count 3 -ttl 1 -limit-mib 256"
  S5="-duration 4 -rate 500 -pulse-rate 1 -pulse-len 0 -leak-mibps 8 -ttl 1 -limit-mib 256"
else
  RUNS=${RUNS:-5}
  S1="-duration 18 -rate 1000 -pulse-rate 3 -pulse-start 4 -pulse-len 10 -ttl 4 -limit-mib 160"
  S2="-duration 18 -rate 1000 -pulse-rate 1 -pulse-garbage 4 -pulse-start 4 -pulse-len 10 -ttl 4 -limit-mib 512"
  S3="-duration 16 -rate 500 -pulse-rate 6.4 -pulse-start 4 -pulse-len 8 -ttl 2 -limit-mib 512"
  S4="-duration 130 -rate 500 -pulse-rate 4 -pulse-start 10 -pulse-len 10 -pulse-every 30 -pulse-count 4 -ttl 2 -limit-mib 256"
  S5="-duration 110 -rate 500 -pulse-rate 1 -pulse-len 0 -leak-mibps 2 -ttl 2 -limit-mib 256"
fi
# the long scenarios run the baseline their goals compare with
ctl_for() {
  if [ -n "${CONTROLLERS:-}" ]; then echo "$CONTROLLERS"; return; fi
  case $1 in
    S4|S5) echo "memlimit gcpulse" ;;
    *) echo "$BASE" ;;
  esac
}
RES=$OUT/results.jsonl
: > "$RES"
for sc in ${SCENARIOS:-S1 S2 S3 S4 S5}; do
  eval "echo \"bench-gogc: $sc = \$$sc\""
done
run=1
failed=0
while [ "$run" -le "$RUNS" ]; do
  for sc in ${SCENARIOS:-S1 S2 S3 S4 S5}; do
    eval "args=\$$sc"
    for c in $(ctl_for "$sc"); do
      set -- -controller "$c" -scenario "$sc" -run "$run" -series "$OUT/series-$sc-$c-$run.txt"
      [ "$c" = gcpulse-tuned ] && set -- "$@" -gcpulse-json "$TUNED_JSON"
      # shellcheck disable=SC2086
      if ! GOMAXPROCS=${GOMAXPROCS:-2} "$BIN" "$@" $args > "$OUT/last.jsonl"; then
        echo "bench-gogc: $c in $sc (run $run) FAILED" >&2
        failed=$((failed + 1))
      fi
      cat "$OUT/last.jsonl"
      cat "$OUT/last.jsonl" >> "$RES"
    done
  done
  run=$((run + 1))
done
"$BIN" -summarize "$RES" | tee "$OUT/table.txt"

# plots (from run 1)
if ! command -v gnuplot >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench-gogc: installing gnuplot"
    (apt-get install -y -qq gnuplot-nox >/dev/null 2>&1 ||
      (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq gnuplot-nox >/dev/null 2>&1)) || true
  fi
fi
if command -v gnuplot >/dev/null 2>&1; then
  for f in "$OUT"/series-*-1.txt; do
    [ -f "$f" ] || continue
    name=$(basename "$f" -1.txt)
    gnuplot <<GP || echo "bench-gogc: gnuplot failed for $name"
set terminal png size 900,500
set output "$OUT/$name.png"
set title "$name: heap, memory and GOGC over time"
set xlabel "seconds"
set ylabel "MiB"
set y2label "GOGC"
set y2tics
set ytics nomirror
set y2range [-10:*]
set key top left
plot "$f" using 1:2 with lines title "heap objects", \
     "$f" using 1:3 with lines title "total (mapped - released)", \
     "$f" using 1:4 with lines title "heap goal", \
     "$f" using 1:5 with lines dt 2 lw 2 title "limit", \
     "$f" using 1:6 axes x1y2 with steps title "GOGC"
GP
  done
  echo "bench-gogc: plots in $OUT/*.png"
else
  echo "bench-gogc: gnuplot not available (not root or no apt-get): plots skipped"
fi
echo "bench-gogc: results in $RES, table in $OUT/table.txt"
if [ "$failed" -gt 0 ]; then
  echo "bench-gogc: $failed run(s) failed" >&2
  exit 1
fi
