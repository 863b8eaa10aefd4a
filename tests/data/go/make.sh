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
# Go 1.19 scavtrace (the "KiB total" scav form, its time borrowed from the
# gc line before it)
GOMAXPROCS=2 GODEBUG=gctrace=1,scavtrace=1 "$tmp/churn119" 60 2> go1.19-scavtrace-2p.log
# three runs of one program in one stream, program output between them:
# restarts (gc 1 again) and foreign lines
: > go1.19-restarts-2p.log
for run in 1 2 3; do
  echo "run $run: churn 30" >> go1.19-restarts-2p.log
  GOMAXPROCS=2 GODEBUG=gctrace=1 "$tmp/churn119" 30 2>> go1.19-restarts-2p.log
done
# a process killed while writing: 30 whole lines, then the 31st cut just
# before " MB goal, " with no newline
GOMAXPROCS=2 GOGC=50 GODEBUG=gctrace=1 "$tmp/churn119" 300 2> "$tmp/full.log"
head -n 30 "$tmp/full.log" > go1.19-truncated-2p.log
sed -n 31p "$tmp/full.log" | sed 's/ MB goal, .*//' | tr -d '\n' >> go1.19-truncated-2p.log
wc -c go1.19-scavtrace-2p.log go1.19-restarts-2p.log go1.19-truncated-2p.log
# lines.txt and go14-scvg.txt are written by hand from
# docs trace-formats.md §1 (one line per grammar; a Go 1.4 stream with
# "GC forced", scvg pairs, a foreign and a blank line), not recorded.
