#!/bin/sh
# Valgrind memcheck over the cmocka suite (`make valgrind`): run every test
# binary given as argument under
#   valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite
# from the repository root, with GCPULSE_VALGRIND=1 so heavy tests shrink
# their loops.  Prints one line per binary and a summary; exits non-zero
# if any binary fails or valgrind reports an error.  VALGRIND_FLAGS adds
# options; logs go next to each binary as <binary>.valgrind.log.
set -u
cd "$(dirname "$0")/.." || exit 2
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed (apt-get install valgrind)" >&2; exit 1; }
[ $# -gt 0 ] || { echo "usage: $0 test-binary..." >&2; exit 2; }
ok=0; bad=0; failing=""
start=$(date +%s)
for t in "$@"; do
  log="$t.valgrind.log"
  t0=$(date +%s)
  GCPULSE_VALGRIND=1 valgrind -q --error-exitcode=1 --leak-check=full \
    --errors-for-leak-kinds=definite --track-origins=yes ${VALGRIND_FLAGS:-} \
    --log-file="$log.vg" "$t" > "$log" 2>&1
  rc=$?
  cat "$log.vg" >> "$log"; rm -f "$log.vg"
  secs=$(( $(date +%s) - t0 ))
  errs=$(grep -c '^==[0-9]*== ' "$log")
  if [ $rc -eq 0 ]; then
    ok=$((ok + 1)); echo "valgrind: $t OK (${secs}s)"
  else
    bad=$((bad + 1)); failing="$failing $t"
    echo "valgrind: $t FAILED (rc $rc, ${secs}s, $errs valgrind lines; see $log)"
    grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Mismatched|Syscall|[0-9,]+ bytes in .* definitely)' "$log" | head -5 | sed 's/^/  /'
    grep -E '^\[  FAILED  \] [a-z]' "$log" | head -5 | sed 's/^/  /'
  fi
done
echo "valgrind: $ok passed, $bad failed in $(( $(date +%s) - start ))s"
[ $bad -eq 0 ] || { echo "failing:$failing"; exit 1; }
