#!/bin/sh
# Build and run the libFuzzer harnesses in tests/fuzz/.
#
#   sh tests/fuzz/run.sh SECONDS [HARNESS...]     run each harness SECONDS
#   sh tests/fuzz/run.sh runs=COUNT [HARNESS...]  run each harness COUNT inputs
#   sh tests/fuzz/run.sh replay [HARNESS...]      run every corpus input once
#
# (`make fuzz FUZZ_SECONDS=N` calls the first form.)  Everything goes to
# build-fuzz/ (override with FUZZ_BUILD): the library built with
# -fsanitize=fuzzer-no-link,address,undefined, the harnesses, seed corpora
# cut from ../shared/corpus at run time (GCPULSE_CORPUS overrides), the
# growing working corpora, crash artifacts and logs.  Regression inputs in
# tests/fuzz/regress/<harness>/ are replayed first.  Prints one line per
# harness with its execution count; exits non-zero on any failure.
# FUZZ_NICE (default 10) and FUZZ_FLAGS (extra libFuzzer flags) are honoured.
#
# FUZZ_SANITIZE (default address,undefined) picks the sanitizers.  Long runs
# go about twice as fast with FUZZ_SANITIZE=undefined, and three times
# faster again with FUZZ_CMP=0, in their own FUZZ_BUILD; `replay` then runs
# every input those runs kept through the ASan+UBSan build: FUZZ_CORPORA is
# a colon-separated list of corpus roots holding <harness>/ directories
# (default $FUZZ_BUILD/corpus).
set -u
cd "$(dirname "$0")/../.." || exit 2
ARG=${1:-10}
[ $# -gt 0 ] && shift
HARNESSES=${*:-"fuzz_go_line fuzz_jvm fuzz_pipeline fuzz_config"}
B=${FUZZ_BUILD:-build-fuzz}
CORPUS=${GCPULSE_CORPUS:-../shared/corpus}
CC=${FUZZ_CC:-clang}
NICE=${FUZZ_NICE:-10}
SAN="-fsanitize=${FUZZ_SANITIZE:-address,undefined} -fno-sanitize-recover=all -fno-omit-frame-pointer"
# FUZZ_CMP=0 drops comparison tracing (libFuzzer's trace-cmp): about 3x the
# executions per second once the corpus and dictionary carry the tokens
[ "${FUZZ_CMP:-1}" = 0 ] && SAN="$SAN -fno-sanitize-coverage=trace-cmp"

case "$ARG" in
  replay) LIMIT="-runs=0"; WHAT="replay" ;;
  runs=*) LIMIT="-runs=${ARG#runs=}"; WHAT="${ARG#runs=} runs" ;;
  *[!0-9]*|"") echo "usage: $0 SECONDS|runs=COUNT|replay [harness...]" >&2; exit 2 ;;
  *) LIMIT="-max_total_time=$ARG"; WHAT="$ARG s" ;;
esac

# ---- toolchain: clang with the libFuzzer runtime ---------------------------
mkdir -p "$B/fuzz" "$B/seeds" "$B/corpus" "$B/artifacts" "$B/logs"
probe="$B/fuzz/probe.c"
printf '%s\n' '#include <stdint.h>' '#include <stddef.h>' \
  'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
  'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' > "$probe"
if ! "$CC" -fsanitize=fuzzer,address,undefined -o "$B/fuzz/probe" "$probe" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "fuzz: installing clang and the libFuzzer runtime (libclang-rt-14-dev)"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q libclang-rt-14-dev clang >/dev/null
    if ! "$CC" -fsanitize=fuzzer,address,undefined -o "$B/fuzz/probe" "$probe" >/dev/null 2>&1; then
      echo "fuzz: $CC still cannot link -fsanitize=fuzzer" >&2; exit 1
    fi
  else
    echo "fuzz: $CC cannot link -fsanitize=fuzzer (clang and its libFuzzer runtime are missing)" >&2
    echo "  run: sudo apt-get update && sudo apt-get install -y libclang-rt-14-dev clang" >&2
    exit 1
  fi
fi

# ---- build -----------------------------------------------------------------
make -s -j2 BUILD="$B" CC="$CC" CFLAGS="-O1 -g" \
  SAN="-fsanitize=fuzzer-no-link $SAN" "$B/libgcpulse.a" || exit 1
JFLAGS=$(pkg-config --cflags jansson 2>/dev/null)
JLIBS=$(pkg-config --libs jansson 2>/dev/null || echo -ljansson)
for h in $HARNESSES; do
  src=tests/fuzz/$h.c
  [ -f "$src" ] || { echo "fuzz: no harness $src" >&2; exit 2; }
  "$CC" -O1 -g -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow -Wno-unused-function \
    -fsanitize=fuzzer $SAN -Iinclude $JFLAGS -o "$B/fuzz/$h" "$src" \
    "$B/libgcpulse.a" $JLIBS -lm || exit 1
done

# ---- seeds from the shared corpus ------------------------------------------
# Every file is cut into pieces of about 4000 bytes at line ends (one awk
# per file); the option bytes each harness reads first are put in front so
# the text is parsed as is.  Option bytes are chosen without NUL.
seed_split() { # harness tag option-bytes(awk escapes) files...
  h=$1; tag=$2; hdr=$3; shift 3
  for f in "$@"; do
    [ -f "$f" ] || continue
    base=$(basename "$f" | tr -c 'A-Za-z0-9_.\n-' '_')
    awk -v hdr="$hdr" -v out="$B/seeds/$h/$base.$tag." '
      function flush() { if (n > 0) { close(name); } n = 0; k++ }
      BEGIN { k = 0; n = 0 }
      {
        if (n == 0) { name = out k; printf "%s", hdr > name }
        print > name; n += length($0) + 1
        if (n >= 4000) flush()
      }
      END { if (n > 0) close(name) }' "$f"
  done
}
rm -rf "$B/seeds"
for h in $HARNESSES; do mkdir -p "$B/seeds/$h" "$B/corpus/$h"; done
if [ -d "$CORPUS" ]; then
  GO_FILES=$(find "$CORPUS" -path '*/go/*' -type f ! -name '*.md' | sort)
  JVM_FILES=$(find "$CORPUS" -path '*/jvm/*' -type f ! -name '*.md' | sort)
else
  echo "fuzz: no corpus at $CORPUS: running from the committed fixtures only" >&2
  GO_FILES=""; JVM_FILES=""
fi
# the committed fixtures (every grammar the parsers read) seed too
GO_FILES="$GO_FILES $(find tests/data/go -type f -name '*.log' 2>/dev/null | sort)"
JVM_FILES="$JVM_FILES $(find tests/data/jvm tests/data/jvm8 -type f -name '*.log' 2>/dev/null | sort)"
for h in $HARNESSES; do
  case $h in
    fuzz_go_line) seed_split $h a '\002' $GO_FILES ;;
    fuzz_jvm) seed_split $h a '\002\002' $JVM_FILES ;;
    fuzz_pipeline)
      seed_split $h a '\003\003\012\004\100\004\006\003' $GO_FILES $JVM_FILES ;;
    fuzz_config)
      printf '\002{}' > "$B/seeds/$h/empty"
      i=0
      for f in $(find tests/data examples tests/fuzz/config-seeds -name '*.json' 2>/dev/null | sort); do
        i=$((i + 1)); { printf '\002'; cat "$f"; } > "$B/seeds/$h/file$i"
      done
      if "$CC" -O1 -g -std=c11 $SAN -Iinclude -o "$B/fuzz/seed_config" \
          tests/fuzz/seed_config.c "$B/libgcpulse.a" $JLIBS -lm 2>/dev/null; then
        "$B/fuzz/seed_config" "$B/seeds/$h" || true
      fi ;;
  esac
done

# ---- run -------------------------------------------------------------------
fail=0
total=0
for h in $HARNESSES; do
  log="$B/logs/$h.log"
  dict=""
  case $h in
    fuzz_config) [ -f tests/fuzz/json.dict ] && dict="-dict=tests/fuzz/json.dict" ;;
    *) [ -f tests/fuzz/gc.dict ] && dict="-dict=tests/fuzz/gc.dict" ;;
  esac
  # replay committed regression inputs first
  if [ -d "tests/fuzz/regress/$h" ] && [ -n "$(ls "tests/fuzz/regress/$h")" ]; then
    if ! "$B/fuzz/$h" "tests/fuzz/regress/$h"/* > "$B/logs/$h.regress.log" 2>&1; then
      echo "$h: regression input FAILED (see $B/logs/$h.regress.log)"; fail=1; continue
    fi
  fi
  if [ "$ARG" = replay ]; then
    dirs=""; n_in=0
    for root in $(echo "${FUZZ_CORPORA:-$B/corpus}" | tr ':' ' '); do
      [ -d "$root/$h" ] || continue
      dirs="$dirs $root/$h"; n_in=$((n_in + $(ls "$root/$h" | wc -l)))
    done
    if [ -z "$dirs" ]; then echo "$h: nothing to replay"; continue; fi
    if "$B/fuzz/$h" -runs=0 -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
        $dirs > "$log" 2>&1; then
      echo "$h: OK, replayed $n_in inputs from$dirs"
    else
      fail=1
      echo "$h: FAILED on replay, see $log"
      grep -m1 -E 'invariant broken|ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|runtime error' "$log" | sed 's/^/  /'
    fi
    continue
  fi
  start=$(date +%s)
  nice -n "$NICE" "$B/fuzz/$h" $LIMIT -timeout=10 -rss_limit_mb=2048 \
    -max_len=16384 -print_final_stats=1 -artifact_prefix="$B/artifacts/$h-" \
    $dict ${FUZZ_FLAGS:-} "$B/corpus/$h" "$B/seeds/$h" > "$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -n "$execs" ] || execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
  [ -n "$execs" ] || execs=0
  ncorp=$(ls "$B/corpus/$h" | wc -l)
  total=$((total + execs))
  if [ $rc -eq 0 ]; then
    echo "$h: OK, $execs executions in ${secs}s ($WHAT), corpus $ncorp inputs"
  else
    fail=1
    echo "$h: FAILED (rc $rc) after $execs executions in ${secs}s, see $log"
    grep -m1 -E 'invariant broken|ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|runtime error' "$log" | sed 's/^/  /'
    ls "$B/artifacts/$h-"* 2>/dev/null | sed 's/^/  artifact: /'
  fi
done
echo "fuzz: $total executions over all harnesses, $([ $fail -eq 0 ] && echo OK || echo FAILED)"
exit $fail
