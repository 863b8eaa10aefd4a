#!/bin/sh
# tests/data/go/make-bench.sh — how the go1.23-pulse-500to3200 and
# go1.23-livepulse-memlimit144m fixtures (test_gogc) were recorded
# (Go 1.23.5, GOMAXPROCS=2, on this project's 2-core build machine), with
# the GOGC benchmark workload (bench/gogc, built by `make bench-gogc`):
#   go1.23-pulse-500to3200.log         GOGC=100, 500 -> 3200 req/s for 2 s
#   go1.23-livepulse-memlimit144m.log  GOGC=100 + GOMEMLIMIT 144 MiB, 3x
#                                      traffic for 4 s filling the cache
# Only the gctrace lines (stderr) are kept.
set -eu
B=${B:-build/bench-gogc/bench-gogc}
GODEBUG=gctrace=1 GOMAXPROCS=2 $B -controller gogc100 -duration 6 -rate 500 \
  -pulse-rate 6.4 -pulse-start 2 -pulse-len 2 -ttl 2 -limit-mib 512 \
  2> tests/data/go/go1.23-pulse-500to3200.log > /dev/null
GODEBUG=gctrace=1 GOMAXPROCS=2 $B -controller memlimit -duration 8 -rate 1000 \
  -pulse-rate 3 -pulse-start 2 -pulse-len 4 -ttl 4 -limit-mib 160 \
  2> tests/data/go/go1.23-livepulse-memlimit144m.log > /dev/null
