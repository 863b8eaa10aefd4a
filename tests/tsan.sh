#!/bin/sh
# ThreadSanitizer check (`make tsan`): build the library and
# tests/tsan_threads.c with clang -fsanitize=thread into build-tsan (or
# TSAN_BUILD) and run N instances from N threads at once over the corpus
# (TSAN_THREADS, default 8; TSAN_ROUNDS, default 2).  Any race report
# fails the run.  Prints one summary line.
set -u
cd "$(dirname "$0")/.." || exit 2
B=${TSAN_BUILD:-build-tsan}
CC=${TSAN_CC:-clang}
THREADS=${TSAN_THREADS:-8}
ROUNDS=${TSAN_ROUNDS:-2}
command -v "$CC" >/dev/null 2>&1 || { echo "tsan: $CC not found (apt-get install clang)" >&2; exit 1; }
make -s BUILD="$B" CC="$CC" CFLAGS="-O1 -g" SAN="-fsanitize=thread" "$B/libgcpulse.a" || exit 1
JFLAGS=$(pkg-config --cflags jansson 2>/dev/null)
JLIBS=$(pkg-config --libs jansson 2>/dev/null || echo -ljansson)
mkdir -p "$B/tests"
"$CC" -O1 -g -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -fsanitize=thread \
  -Iinclude $JFLAGS -o "$B/tests/tsan_threads" tests/tsan_threads.c \
  "$B/libgcpulse.a" $JLIBS -lm -lpthread || exit 1
log="$B/tests/tsan.log"
TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}" \
  "$B/tests/tsan_threads" "$THREADS" "$ROUNDS" > "$log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
  cat "$log"
  echo "tsan: FAILED (rc $rc)"
  exit 1
fi
grep '^tsan:' "$log"
if grep -q 'WARNING: ThreadSanitizer' "$log"; then cat "$log"; echo "tsan: FAILED (race reported)"; exit 1; fi
echo "tsan: OK, no data race reported"
