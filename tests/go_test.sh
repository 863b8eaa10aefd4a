#!/bin/sh
# go_test.sh GO [GO123] — test the Go module (go/) with each Go toolchain
# given (Go 1.19 and Go 1.23 in CI; a missing one is skipped with a
# message), as a new user would get it:
#
#   1. go vet, and go test -race with the cgo pointer checker in its
#      strictest mode (GODEBUG=cgocheck=2 before Go 1.21,
#      GOEXPERIMENT=cgocheck2 from 1.21), in go/;
#   2. a consumer module outside the repository that requires the module
#      and replaces it with a copy of go/ alone: `go build` (default,
#      dynamic link: libc, libm), a fully static build
#      (-linkmode=external -extldflags=-static) and a vendored build
#      (go mod vendor), all run; the one-line
#      `import _ .../auto` path, run with GCPULSE=dry;
#   3. CGO_ENABLED=0: the consumer still builds and Start says cgo is needed;
#   4. go vet of the GOGC benchmark (bench/gogc); the overhead benchmarks
#      (go/bench_test.go, run by bench/go-overhead/run.sh) run 10 iterations.
#
# No network: GOPROXY=off, GOFLAGS=-mod=mod, GOTOOLCHAIN=local.  HOME,
# GOCACHE and GOPATH fall back to temporary directories when unusable.
# Exits non-zero on the first failure.
set -eu

GO1=${1:-go}
GO2=${2:-/usr/lib/go-1.23/bin/go}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODULE=github.com/gcpulse/gcpulse/go

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gcpulse-go.XXXXXX")
trap 'chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
: "${HOME:=$TMP/home}"
mkdir -p "$HOME" 2>/dev/null || true
export HOME
# keep the user's build cache when it is usable (a cold cgo build of the
# standard library takes a minute); fall back to temporary directories
if [ -z "${GOCACHE:-}" ]; then
  GOCACHE=$("$GO1" env GOCACHE 2>/dev/null || true)
  if [ -z "$GOCACHE" ] || [ "$GOCACHE" = off ] || ! mkdir -p "$GOCACHE" 2>/dev/null ||
     [ ! -w "$GOCACHE" ]; then
    GOCACHE=$TMP/gocache
  fi
fi
if [ -z "${GOPATH:-}" ]; then
  GOPATH=$("$GO1" env GOPATH 2>/dev/null || true)
  if [ -z "$GOPATH" ] || ! mkdir -p "$GOPATH" 2>/dev/null || [ ! -w "$GOPATH" ]; then
    GOPATH=$TMP/gopath
  fi
fi
mkdir -p "$GOCACHE" "$GOPATH"
export GOCACHE GOPATH
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod GO111MODULE=on CGO_ENABLED=1
unset CGO_CFLAGS CGO_LDFLAGS 2>/dev/null || true

fail() { echo "go_test: FAIL: $*" >&2; exit 1; }

# ---- the consumer: a module outside the repository --------------------------
# A copy of go/ alone (what a module download contains), and a program that
# starts a tuner, runs GCs, checks records arrived, stops.
mkdir -p "$TMP/gcpulse-go" "$TMP/consumer" "$TMP/oneline"
(cd "$ROOT/go" && tar cf - --exclude=testdata --exclude='*_test.go' .) | (cd "$TMP/gcpulse-go" && tar xf -)
cat >"$TMP/consumer/go.mod" <<EOF
module example.com/consumer

go 1.19

require $MODULE v0.0.0

replace $MODULE => ../gcpulse-go
EOF
cat >"$TMP/consumer/main.go" <<EOF
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	gcpulse "$MODULE"
)

func main() {
	t, err := gcpulse.Start(gcpulse.Config{MemoryLimit: 256 << 20})
	if errors.Is(err, gcpulse.ErrCgoRequired) {
		fmt.Println("nocgo:", err)
		return
	}
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	var keep [][]byte
	for i := 0; i < 5; i++ {
		keep = append(keep, make([]byte, 1<<20))
		runtime.GC()
	}
	runtime.KeepAlive(keep)
	for end := time.Now().Add(3 * time.Second); t.Stats().Records < 4 && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	s := t.Stats()
	t.Stop()
	fmt.Printf("records %d goal-limit %d\n", s.Records, s.GoMemoryLimit)
	if s.Records < 4 {
		os.Exit(1)
	}
}
EOF
sed "s#example.com/consumer#example.com/oneline#" "$TMP/consumer/go.mod" >"$TMP/oneline/go.mod"
cat >"$TMP/oneline/main.go" <<EOF
package main

import (
	"fmt"

	"$MODULE/auto"
)

func main() {
	fmt.Println("auto:", auto.Tuner() != nil, auto.Err())
}
EOF

ran=0
seen=""
for GO in "$GO1" "$GO2"; do
  if ! command -v "$GO" >/dev/null 2>&1 && [ ! -x "$GO" ]; then
    echo "go_test: $GO not found: skipped"
    continue
  fi
  ver=$("$GO" env GOVERSION 2>/dev/null || "$GO" version | awk '{print $3}')
  case " $seen " in *" $ver "*) echo "go_test: $GO is $ver again: skipped"; continue ;; esac
  seen="$seen $ver"
  minor=$(echo "$ver" | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
  [ -n "$minor" ] || minor=99
  if [ "$minor" -lt 19 ]; then
    echo "go_test: $GO is $ver; the module needs Go 1.19 or newer: skipped"
    continue
  fi
  echo "== go_test: $ver ($GO)"
  # 1. the module's own tests
  fmt=$(cd "$ROOT/go" && "$("$GO" env GOROOT)/bin/gofmt" -l .)
  [ -z "$fmt" ] || fail "$ver: not gofmt-formatted: $fmt"
  (cd "$ROOT/go" && "$GO" vet ./...)
  if [ "$minor" -ge 21 ]; then
    (cd "$ROOT/go" && GOEXPERIMENT=cgocheck2 "$GO" test -race -count=1 -v ./...)
  else
    (cd "$ROOT/go" && GODEBUG=cgocheck=2 "$GO" test -race -count=1 -v ./...)
  fi
  # 2. the consumer: default (dynamic) and fully static links
  out=$TMP/bin-$minor
  (cd "$TMP/consumer" && "$GO" build -o "$out-dyn" .) || fail "$ver: consumer build"
  ldd "$out-dyn" | grep -q 'libc\.so' || fail "$ver: default build is not dynamically linked"
  if ldd "$out-dyn" | grep -q 'not found'; then fail "$ver: dynamic binary misses a library"; fi
  "$out-dyn" | tee "$TMP/run" && grep -q '^records' "$TMP/run" || fail "$ver: dynamic consumer run"
  (cd "$TMP/consumer" && "$GO" build -ldflags '-linkmode=external -extldflags=-static' -o "$out-static" .) ||
    fail "$ver: static build (needs libc.a: Debian libc6-dev)"
  if ldd "$out-static" >/dev/null 2>&1; then fail "$ver: static binary has dynamic dependencies"; fi
  "$out-static" | tee "$TMP/run" && grep -q '^records' "$TMP/run" || fail "$ver: static consumer run"
  (cd "$TMP/consumer" && rm -rf vendor && "$GO" mod vendor && "$GO" build -mod=vendor -o "$out-vendor" . && rm -rf vendor) ||
    fail "$ver: go mod vendor && go build -mod=vendor"
  "$out-vendor" | grep -q '^records' || fail "$ver: vendored consumer run"
  echo "go_test: consumer dynamic + static + vendored ok"
  (cd "$TMP/oneline" && "$GO" build -o "$out-auto" .) || fail "$ver: one-line import build"
  GCPULSE=dry "$out-auto" 2>"$TMP/log" | tee "$TMP/run"
  grep -q '^auto: true <nil>' "$TMP/run" && grep -q 'gcpulse: tuning' "$TMP/log" ||
    fail "$ver: one-line import did not start a tuner: $(cat "$TMP/log")"
  GCPULSE=off "$out-auto" 2>/dev/null | grep -q '^auto: false GCPULSE=off' || fail "$ver: GCPULSE=off"
  echo "go_test: one-line import ok"
  # 3. without cgo: compiles; Start says why it cannot run
  (cd "$ROOT/go" && CGO_ENABLED=0 "$GO" vet ./... && CGO_ENABLED=0 "$GO" test -count=1 ./...)
  (cd "$TMP/consumer" && CGO_ENABLED=0 "$GO" build -o "$out-nocgo" .) || fail "$ver: CGO_ENABLED=0 build"
  "$out-nocgo" | grep -q '^nocgo: .*CGO_ENABLED=1' || fail "$ver: CGO_ENABLED=0 Start error"
  echo "go_test: CGO_ENABLED=0 ok"
  # 4. the benchmarks keep compiling against the module
  (cd "$ROOT/bench/gogc" && "$GO" vet ./...)
  (cd "$ROOT/go" && "$GO" test -run "^$" -bench . -benchtime 10x . >/dev/null) || fail "$ver: go/bench_test.go"
  echo "go_test: $ver ok"
  ran=$((ran + 1))
done
if [ "$ran" -eq 0 ]; then
  echo "go_test: no usable Go toolchain found" >&2
  exit 1
fi
