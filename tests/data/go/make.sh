#!/bin/sh
# Regenerate the Go gctrace fixtures in this directory (Go 1.19 at `go`,
# Go 1.23 at /usr/lib/go-1.23/bin/go were used).  Timings vary run to run:
# tests pin the values of the committed copies.  Run: sh make.sh
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/churn119" src/churn.go
/usr/lib/go-1.23/bin/go build -o "$tmp/churn123" src/churn.go
GOMAXPROCS=2 GOGC=50 GODEBUG=gctrace=1 "$tmp/churn119" 300 2> go1.19-gogc50-2p.log
GOMAXPROCS=2 GODEBUG=gctrace=1,scavtrace=1 "$tmp/churn123" 200 2> go1.23-scavtrace-2p.log
wc -c go1.19-gogc50-2p.log go1.23-scavtrace-2p.log
