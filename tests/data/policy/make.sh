#!/bin/sh
# Regenerate the policy fixtures in this directory: real GC traces of
# service-shaped programs (a request loop and retained state) that show
# each pathology the default policy table answers, and healthy controls,
# recorded on this machine with OpenJDK 17 and Go 1.19.  Logs vary run to
# run; tests/test_policy.c asserts, per recording, the action set and when
# the first right action comes, and prints what it saw.  At most two
# programs run at a time (about 9 minutes in all).  Run from anywhere:
#   sh tests/data/policy/make.sh         (GO=/usr/lib/go-1.23/bin/go to pick a Go)
#
# Second set (src/Service.java, src/gcservice.go), 60-90 s each:
#   jdk17-g1-leak.log    G1, -Xmx128m, 100 req/s of 64 KB garbage, 16 KB of
#                        each request kept forever: ~1.6 MB/s to OOM (~85 s)
#   jdk17-promo.log      Parallel, -Xmx256m -Xmn32m, 200 -> 1600 req/s and a
#                        result cache whose entries live 0.2 s -> 3 s: young
#                        GCs come faster while promotion rises
#   jdk17-zgc-stall.log  ZGC, -Xmx256m, 150 MB live cache updated in place,
#                        700 MB/s of request garbage: allocation stalls
#   jdk17-g1-healthy.log G1, -Xmx256m, 300 req/s, bounded 24 MB cache
#   jdk17-g1-leak-xms.log    the G1 leak with -Xms16m -Xmx256m (a container's
#                        default sizing: the heap grows from 16 MB), -Xlog:gc*,
#                        90 s: marking cycles that leave nothing to collect
#   jdk17-g1-leak-xms-gconly.log  the same leak, -Xlog:gc only
#   jdk17-g1-healthy-xms.log the healthy G1 service with -Xms16m -Xmx512m
#                        and -Xlog:gc only (no -Xmx in the log), 60 s
#   go-leak.log          500 req/s, 3 KiB of each request kept: ~1.5 MB/s
#   go-leak-rss.csv      of live heap, no memory limit
#   go-cgoleak.log       flat 16 MiB of sessions, 4 KiB per request
#   go-cgoleak-rss.csv   malloc'd in C and kept: RSS +2 MB/s, heap flat
#   go-pulse.log         500 req/s of 64 KiB garbage, 3200 req/s from 20 s
#   go-pulse-rss.csv     to 28 s and from 50 s to 58 s
#   go-healthy.log       500 req/s, flat 32 MiB of sessions
#   go-healthy-rss.csv
# (*-rss.csv: the process's own RSS each second, "t_s,rss_bytes", t on
# gctrace's @T clock.)
#
# First set (src/PolicyLoad.java, src/gcload.go):
#   jdk17-metaspace.log  Serial GC, MaxMetaspaceSize=16m, class loaders kept
#                        at a rising rate: "Metadata GC Threshold" full GCs
#                        come faster and faster, metaspace at 94 % of the
#                        maximum before each, ends in OutOfMemoryError:
#                        Metaspace (~82 s)
#   jdk17-pauses.log     Serial GC, 1 GiB heap, pointer-rich old generation
#                        growing while medium-lived garbage is promoted:
#                        full GCs of 0.3 s growing to 1.9 s, then back to
#                        back at the heap limit
#   jdk17-steady.log     Serial GC, 64 MiB heap, 1 MB/s of garbage for
#                        450 s -> scale_down_memory (with a 512 MiB limit),
#                        silent otherwise
#   go-spiral.log        GOGC=off GOMEMLIMIT=84MiB, pointer-rich live heap
#                        grown to 72 MiB then held while garbage is allocated
#                        flat out, 90 s: thrashing at the limit
#   go-offheap.log       flat 8 MiB live heap, 4 MB/s of garbage, plus
#   go-offheap-rss.csv   2 MiB/s of mmap'd memory touched and kept
#   go-steady.log        50 KiB/s of garbage for 660 s: a GC every 55-75 s
#   go-steady-rss.csv    (RSS every 5 s) -> scale_in
set -e
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
GO=${GO:-go}
javac -d "$tmp" src/PolicyLoad.java src/ClassGen.java src/Service.java
(cd src && "$GO" build -o "$tmp/gcload" gcload.go && "$GO" build -o "$tmp/gcservice" gcservice.go)
# the JVM rotates an existing log file to NAME.0: start clean
rm -f jdk17-*.log jdk17-*.log.[0-9]*
J="nice java -cp $tmp -XX:ActiveProcessorCount=2 -XX:-UsePerfData"
T="-Xlog:gc,gc+start,gc+init,gc+heap,gc+metaspace"
G="env GODEBUG=gctrace=1 GOMAXPROCS=2 nice"

# two at a time: the long steady runs first, then pairs
$J -XX:+UseSerialGC -Xms64m -Xmx64m -Xmn8m -Xlog:gc*:file=jdk17-steady.log \
  PolicyLoad steady 450 >/dev/null 2>&1 &
js=$!
$G "$tmp/gcload" steady 660 >go-steady-rss.csv 2>go-steady.log &
gs=$!
wait $js $gs
$J -XX:+UseSerialGC -Xmx64m -XX:MaxMetaspaceSize=16m \
  $T:file=jdk17-metaspace.log PolicyLoad metaspace 150 20 0.15 >/dev/null 2>&1 &
a=$!
$J -XX:+UseSerialGC -Xmx1g -Xmn32m -Xlog:gc:file=jdk17-pauses.log \
  PolicyLoad pauses 60 >/dev/null 2>&1 || true
wait $a || true
$G GOGC=off GOMEMLIMIT=84MiB "$tmp/gcload" spiral 90 72 >/dev/null \
  2>go-spiral.log &
a=$!
$G "$tmp/gcload" offheap 60 2 >go-offheap-rss.csv 2>go-offheap.log
wait $a
$J -XX:+UseG1GC -Xmx128m $T:file=jdk17-g1-leak.log Service leak 150 100 16 \
  >/dev/null 2>&1 &
a=$!
$J -XX:+UseParallelGC -Xmx256m -Xmn32m $T:file=jdk17-promo.log \
  Service promo 90 >/dev/null 2>&1
wait $a || true
$J -XX:+UseG1GC -Xmx256m $T:file=jdk17-g1-healthy.log Service healthy 90 \
  >/dev/null 2>&1 &
a=$!
$J -XX:+UseZGC -Xmx256m -Xlog:gc,gc+init:file=jdk17-zgc-stall.log \
  Service stall 75 700 >/dev/null 2>&1
wait $a
$J -XX:+UseG1GC -Xms16m -Xmx256m -Xlog:gc*:file=jdk17-g1-leak-xms.log \
  Service leak 90 100 16 >/dev/null 2>&1 &
a=$!
$J -XX:+UseG1GC -Xms16m -Xmx512m -Xlog:gc:file=jdk17-g1-healthy-xms.log \
  Service healthy 60 >/dev/null 2>&1
wait $a
$J -XX:+UseG1GC -Xms16m -Xmx256m -Xlog:gc:file=jdk17-g1-leak-xms-gconly.log \
  Service leak 90 100 16 >/dev/null 2>&1
$G "$tmp/gcservice" leak 90 >go-leak-rss.csv 2>go-leak.log &
a=$!
$G "$tmp/gcservice" cgoleak 75 >go-cgoleak-rss.csv 2>go-cgoleak.log
wait $a
$G "$tmp/gcservice" pulse 75 >go-pulse-rss.csv 2>go-pulse.log &
a=$!
$G "$tmp/gcservice" healthy 90 >go-healthy-rss.csv 2>go-healthy.log
wait $a
for f in *.log *.csv; do
  sz=$(wc -c <"$f")
  echo "$f: $sz bytes"
  if [ "$sz" -gt 204800 ]; then echo "$f is over 200 KB" >&2; exit 1; fi
done
