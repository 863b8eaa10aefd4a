#!/bin/sh
# Regenerate the policy fixtures in this directory: real GC traces that make
# each built-in policy rule fire (or stay silent), recorded on this machine
# with OpenJDK 17 and Go 1.19.  Takes about 11 minutes: the two steady runs
# (450 s and 660 s) run in parallel with the others.  Logs vary run to run;
# tests/test_policy.c asserts what must hold for any run of these programs
# and prints the values it saw.  Run from anywhere:
#   sh tests/data/policy/make.sh         (GO=/usr/lib/go-1.23/bin/go to pick a Go)
#
#   jdk17-metaspace.log  Serial GC, MaxMetaspaceSize=16m, class loaders kept
#                        at a rising rate: "Metadata GC Threshold" full GCs
#                        come faster and faster, metaspace > 90 % of
#                        committed, ends in OutOfMemoryError: Metaspace
#                        -> memory_bound
#   jdk17-pauses.log     Serial GC, 1 GiB heap, pointer-rich old generation
#                        growing while medium-lived garbage is promoted:
#                        full GCs of 0.3 s growing to 1.9 s -> pause_spike
#   jdk17-steady.log     Serial GC, 64 MiB heap, 1 MB/s of garbage for
#                        450 s -> scale_down_memory (with a 512 MiB limit),
#                        silent otherwise
#   go-spiral.log        GOGC=off GOMEMLIMIT=84MiB, pointer-rich live heap
#                        grown to 72 MiB then held while garbage is allocated
#                        flat out, 90 s -> death_spiral (and gogc_exhausted
#                        under a memory-target controller)
#   go-offheap.log       flat 8 MiB live heap, 4 MB/s of garbage, plus
#   go-offheap-rss.csv   2 MiB/s of mmap'd memory touched and kept; the CSV
#                        is the process's own RSS (/proc/self/statm) each
#                        second, "t_s,rss_bytes", t on gctrace's @T clock
#                        -> offheap_leak
#   go-steady.log        50 KiB/s of garbage for 660 s: a GC every 55-75 s
#   go-steady-rss.csv    (RSS every 5 s: the caller's metric that keeps the
#                        window alive between GCs) -> scale_in
set -e
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
GO=${GO:-go}
javac -d "$tmp" src/PolicyLoad.java src/ClassGen.java
(cd src && "$GO" build -o "$tmp/gcload" gcload.go)
# the JVM rotates an existing log file to NAME.0: start clean
rm -f jdk17-*.log jdk17-*.log.[0-9]*
J="java -cp $tmp -XX:ActiveProcessorCount=2 -XX:-UsePerfData -XX:+UseSerialGC"
G="env GODEBUG=gctrace=1 GOMAXPROCS=2"

# the two long steady runs in the background
$J -Xms64m -Xmx64m -Xmn8m -Xlog:gc*:file=jdk17-steady.log \
  PolicyLoad steady 450 >/dev/null 2>&1 &
js=$!
$G "$tmp/gcload" steady 660 >go-steady-rss.csv 2>go-steady.log &
gs=$!

$J -Xmx64m -XX:MaxMetaspaceSize=16m -Xlog:gc*:file=jdk17-metaspace.log \
  PolicyLoad metaspace 120 20 0.3 >/dev/null 2>&1 || true
$J -Xmx1g -Xmn32m -Xlog:gc:file=jdk17-pauses.log PolicyLoad pauses 60 \
  >/dev/null 2>&1
$G GOGC=off GOMEMLIMIT=84MiB "$tmp/gcload" spiral 90 72 >/dev/null \
  2>go-spiral.log
$G "$tmp/gcload" offheap 60 2 >go-offheap-rss.csv 2>go-offheap.log
wait $js $gs
for f in *.log *.csv; do
  sz=$(wc -c <"$f")
  echo "$f: $sz bytes"
  if [ "$sz" -gt 204800 ]; then echo "$f is over 200 KB" >&2; exit 1; fi
done
