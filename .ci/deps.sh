#!/bin/sh
# Install what a fresh Debian 12 machine lacks for building and testing
# gcpulse.  As root it runs apt-get itself; otherwise it prints the command.
# Arguments: extra package sets: "go" (golang-go + Go 1.23 from backports),
# "bench" (gnuplot), "fuzz" (clang runtime for libFuzzer/sanitizers),
# "prom" (Prometheus, node_exporter, curl, jq: tests/prom_test.sh).
set -e
need=""
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v cc >/dev/null 2>&1 || need="$need gcc"
command -v c++ >/dev/null 2>&1 || need="$need g++"
command -v make >/dev/null 2>&1 || need="$need make"
have_pc jansson || need="$need libjansson-dev"
have_pc cmocka || need="$need libcmocka-dev"
command -v python3 >/dev/null 2>&1 || need="$need python3" # make conformance
command -v localedef >/dev/null 2>&1 && [ -d /usr/share/i18n/locales ] || need="$need locales"
backports=""
for extra in "$@"; do
  case "$extra" in
    go)
      command -v go >/dev/null 2>&1 || [ -x /usr/lib/go/bin/go ] || need="$need golang-go"
      [ -x /usr/lib/go-1.23/bin/go ] || backports="golang-1.23-go" ;;
    bench)
      command -v gnuplot >/dev/null 2>&1 || need="$need gnuplot-nox" ;;
    prom)
      command -v prometheus >/dev/null 2>&1 || need="$need prometheus"
      command -v prometheus-node-exporter >/dev/null 2>&1 || need="$need prometheus-node-exporter"
      command -v curl >/dev/null 2>&1 || need="$need curl"
      command -v jq >/dev/null 2>&1 || need="$need jq" ;;
    fuzz)
      command -v clang >/dev/null 2>&1 || need="$need clang"
      [ -n "$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ] || need="$need libclang-rt-14-dev" ;;
  esac
done
[ -z "$need" ] && [ -z "$backports" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "gcpulse: missing packages:$need $backports" >&2
  [ -n "$need" ] && echo "  run: sudo apt-get update && sudo apt-get install -y$need" >&2
  [ -n "$backports" ] && echo "  and: echo 'deb http://deb.debian.org/debian bookworm-backports main' | sudo tee /etc/apt/sources.list.d/backports.list && sudo apt-get update && sudo apt-get install -y -t bookworm-backports $backports" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ -n "$backports" ] && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/backports.list
fi
echo "gcpulse: installing:$need $backports"
apt-get update
[ -n "$need" ] && apt-get install -y $need
[ -n "$backports" ] && apt-get install -y -t bookworm-backports $backports
exit 0
