#!/bin/sh
# Regenerate the JVM GC-log fixtures in this directory with the installed
# OpenJDK (17 was used).  Logs vary run to run (timings); tests that use these
# files check shapes and counts that hold for any run, or pin the values of
# the committed copies.  Run from this directory: sh make.sh
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
javac -d "$tmp" src/Churn.java
J="java -cp $tmp -XX:ActiveProcessorCount=2 -XX:-UsePerfData"
run() { # run OUT  JVM-ARGS... -- PROGRAM-ARGS
  out=$1; shift
  $J "$@" >/dev/null 2>&1 || true
  sz=$(wc -c <"$out")
  echo "$out: $sz bytes"
}
# OOM runs (gc* default decorators), small heap so they stay small.
run jdk17-g1-oom.log -Xmx24m -XX:+UseG1GC -Xlog:gc*:file=jdk17-g1-oom.log Churn oom
run jdk17-parallel-oom.log -Xmx24m -XX:+UseParallelGC -Xlog:gc*:file=jdk17-parallel-oom.log Churn oom
run jdk17-serial-oom.log -Xmx24m -XX:+UseSerialGC -Xlog:gc*:file=jdk17-serial-oom.log Churn oom
# Other decorator sets and levels.
run jdk17-g1-alldecor.log -Xmx64m -XX:+UseG1GC -Xlog:gc*:file=jdk17-g1-alldecor.log:time,uptime,pid,tid,level,tags Churn steady 200
run jdk17-g1-gconly.log -Xmx64m -XX:+UseG1GC -Xlog:gc:file=jdk17-g1-gconly.log Churn steady 200
run jdk17-parallel-none.log -Xmx64m -XX:+UseParallelGC -Xlog:gc*:file=jdk17-parallel-none.log:none Churn steady 200
run jdk17-serial-debug.log -Xmx32m -XX:+UseSerialGC -Xlog:gc*=debug:file=jdk17-serial-debug.log:uptimemillis,level,tags Churn steady 100
run jdk17-g1-utc-hostname.log -Xmx64m -XX:+UseG1GC -Xlog:gc*:file=jdk17-g1-utc-hostname.log:utctime,uptimenanos,hostname,level,tags Churn steady 100
# Concurrent collectors (gc* default decorators).
run jdk17-shenandoah-gcstar.log -Xmx64m -XX:+UseShenandoahGC -Xlog:gc*:file=jdk17-shenandoah-gcstar.log Churn steady 60
run jdk17-z-gcstar.log -Xmx64m -XX:+UseZGC -Xlog:gc*:file=jdk17-z-gcstar.log Churn steady 300
# G1 with back-to-back concurrent marking cycles (the GC CPU fraction test).
javac -d "$tmp" src/Marking.java
run jdk17-g1-marking.log -Xmx128m -XX:+UseG1GC -Xlog:gc*:file=jdk17-g1-marking.log Marking 6 72
# Not recorded (no JDK 11/21 here): jdk11-serial-nested.log,
# jdk21-zgc-gen.log, jdk17-shenandoah-degenerated.log,
# jdk21-g1-timeonly.log and jdk1x-shenandoah-comma.log are written by hand
# from trace-formats.md §2.2, §2.5.3, §2.5.6 and §2.5.7 (shapes that a
# healthy JDK 17 run does not print).
