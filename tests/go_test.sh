#!/bin/sh
# go_test.sh GO [GO123] — build and test the cgo Go package (go)
# and vet the GOGC benchmark (bench/gogc) with each Go toolchain given
# (Go 1.19 and Go 1.23 in CI); a missing toolchain is skipped with a
# message.  Runs `go vet ./...` and `go test ./...` with the cgo pointer
# checker in its strictest mode (GODEBUG=cgocheck=2 before Go 1.21,
# GOEXPERIMENT=cgocheck2 from Go 1.21 on).  Exits non-zero on failure.
#
# The package links $GCPULSE_BUILD/libgcpulse.a (default: build), built
# here with `make BUILD=... static` when missing.  No network: GOPROXY=off,
# GOTOOLCHAIN=local; HOME, GOCACHE and GOPATH default to temporary
# directories when unset.
set -eu

GO1=${1:-go}
GO2=${2:-/usr/lib/go-1.23/bin/go}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILDDIR=${GCPULSE_BUILD:-build}
case $BUILDDIR in /*) ;; *) BUILDDIR=$ROOT/$BUILDDIR ;; esac

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
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS= GO111MODULE=on CGO_ENABLED=1
# put the chosen build directory first on the linker's search path
export CGO_LDFLAGS="-L$BUILDDIR ${CGO_LDFLAGS:-}"

if [ ! -f "$BUILDDIR/libgcpulse.a" ]; then
  echo "go_test: building $BUILDDIR/libgcpulse.a"
  make -C "$ROOT" BUILD="$(basename "$BUILDDIR")" static
fi
# Go's build cache does not see include/gcpulse.h or libgcpulse.a (both
# live outside the package): put their checksum into CGO_CFLAGS, which is
# part of the cache key, so a changed header or library is never linked
# against a stale cgo object (a struct layout mismatch corrupts memory).
SRCSUM=$(cat "$ROOT/include/gcpulse.h" "$BUILDDIR/libgcpulse.a" | cksum | cut -d' ' -f1)
export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g} -DGCPULSE_SRC_SUM=$SRCSUM"

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
    echo "go_test: $GO is $ver; the package needs Go 1.19 or newer: skipped"
    continue
  fi
  echo "== go_test: $ver ($GO)"
  (cd "$ROOT/go" && "$GO" vet ./...)
  if [ "$minor" -ge 21 ]; then
    (cd "$ROOT/go" && GOEXPERIMENT=cgocheck2 "$GO" test -count=1 -v ./...)
  else
    (cd "$ROOT/go" && GODEBUG=cgocheck=2 "$GO" test -count=1 -v ./...)
  fi
  # the benchmark workload must keep compiling against the package
  (cd "$ROOT/bench/gogc" && "$GO" vet ./...)
  if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists gcpulse 2>/dev/null; then
    (cd "$ROOT/go" && "$GO" build -tags gcpulse_pkgconfig ./...) &&
      echo "go_test: pkg-config build ok"
  fi
  echo "go_test: $ver ok"
  ran=$((ran + 1))
done
if [ "$ran" -eq 0 ]; then
  echo "go_test: no usable Go toolchain found" >&2
  exit 1
fi
