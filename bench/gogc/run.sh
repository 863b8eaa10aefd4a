#!/bin/sh
# bench/gogc/run.sh — the GOGC controller benchmark (make bench-gogc).
#
# Builds the Go workload (bench/gogc, linked with the gcpulse Go package and
# $GCPULSE_BUILD/libgcpulse.a), runs every controller in two scenarios,
# prints one JSON line per run, the median table per scenario, and writes
# a PNG per scenario and controller (heap, total memory, limit, GOGC over
# time) with gnuplot.
#
#   S1  traffic pulse (3x rate) that also grows the live heap towards the
#       limit (160 MiB): the memory-safety case;
#   S2  allocation pulse (4x garbage per request, same live heap) with
#       plenty of headroom (512 MiB): the CPU-economy case.
#
# Environment: GCPULSE_ARGS (flags for the gcpulse-* controllers),
# CONTROLLERS (space-separated list), SCENARIOS (default "S1 S2"), BENCH_QUICK=1 — a few seconds per controller, one run each;
# RUNS (default 3), GO (default Go 1.23 when installed, else go),
# GCPULSE_BUILD (default build), OUT (default $GCPULSE_BUILD/bench-gogc).
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
export CGO_LDFLAGS="-L$BUILDDIR ${CGO_LDFLAGS:-}"
# the Go build cache does not hash headers outside the package: a changed
# include/gcpulse.h (e.g. a new config field, a larger struct) would link a
# stale cgo object against the new library (heap corruption); a checksum of
# the header in CGO_CFLAGS makes the cache key follow it
HDRSUM=$(cat "$ROOT/include/gcpulse.h" "$ROOT/go/bridge.h" 2>/dev/null | cksum | cut -d' ' -f1)
export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g} -DGCPULSE_HEADER_SUM=$HDRSUM"

if [ ! -f "$BUILDDIR/libgcpulse.a" ]; then
  make -C "$ROOT" BUILD="$(basename "$BUILDDIR")" static
fi
BIN=$OUT/bench-gogc
(cd "$ROOT/bench/gogc" && "$GO" build -o "$BIN" .)
echo "bench-gogc: built with $("$GO" version)"

CONTROLLERS=${CONTROLLERS:-"gogc100 memlimit off-memlimit gctuner gcpulse-adaptive gcpulse-memory-target gcpulse-cpu-target gcpulse-dual-factor"}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  RUNS=1
  S1="-duration 3 -rate 1000 -pulse-rate 3 -pulse-start 0.8 -pulse-len 1.7 -ttl 1 -limit-mib 160"
  S2="-duration 3 -rate 1000 -pulse-rate 1 -pulse-garbage 4 -pulse-start 0.8 -pulse-len 1.7 -ttl 1 -limit-mib 512"
else
  RUNS=${RUNS:-3}
  S1="-duration 18 -rate 1000 -pulse-rate 3 -pulse-start 4 -pulse-len 10 -ttl 4 -limit-mib 160"
  S2="-duration 18 -rate 1000 -pulse-rate 1 -pulse-garbage 4 -pulse-start 4 -pulse-len 10 -ttl 4 -limit-mib 512"
fi
# gcpulse runs with the library defaults (only its time constants are
# compressed to the short runs, in main.go); GCPULSE_ARGS adds flags such
# as -gcpulse-cpu-target 0.01 -gcpulse-max-gogc 1000 for experiments
GCPULSE_ARGS=${GCPULSE_ARGS:-}
RES=$OUT/results.jsonl
: > "$RES"
echo "bench-gogc: S1 = $S1"
echo "bench-gogc: S2 = $S2"
run=1
failed=0
while [ "$run" -le "$RUNS" ]; do
  for sc in ${SCENARIOS:-S1 S2}; do
    if [ "$sc" = S1 ]; then args=$S1; else args=$S2; fi
    for c in $CONTROLLERS; do
      extra=
      case $c in gcpulse-*) extra=$GCPULSE_ARGS ;; esac
      # shellcheck disable=SC2086
      if ! GOMAXPROCS=${GOMAXPROCS:-2} "$BIN" -controller "$c" -scenario "$sc" -run "$run" \
        -series "$OUT/series-$sc-$c-$run.txt" $args $extra > "$OUT/last.jsonl"; then
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
