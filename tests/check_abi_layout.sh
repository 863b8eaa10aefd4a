#!/bin/sh
# check_abi_layout.sh GENERATOR RECORD check|write
# GENERATOR (tests/abi_layout.c) prints "abi_major N" and the layout of
# every public struct.  check: fail unless RECORD (tests/abi-layout.txt)
# is identical.  write: regenerate RECORD, refused when a layout changed
# but the ABI major did not (raise GCPULSE_ABI_MAJOR in include/gcpulse.h).
set -eu
gen=$1 record=$2 mode=$3
now=$(mktemp)
trap 'rm -f "$now"' EXIT
"$gen" > "$now" || { echo "check-abi: $gen failed" >&2; exit 1; }
major() { sed -n 's/^abi_major //p' "$1"; }
# every struct the header defines must be in the generator's list
header=$(dirname "$0")/../include/gcpulse.h
missing=$(awk '/^typedef struct gcpulse_[a-z_]* \{/ {s = 1} s && /^\} gcpulse_[a-z_]*_t;/ {sub(/;/, "", $2); print $2; s = 0}' "$header" |
  while read -r t; do grep -q "^struct $t " "$now" || echo "$t"; done)
[ -z "$missing" ] || { echo "check-abi: public structs missing from tests/abi_layout.c: $missing" >&2; exit 1; }
if [ -f "$record" ] && cmp -s "$now" "$record"; then
  echo "check-abi: $(grep -c '^struct' "$record") public struct layouts match $record (ABI $(major "$record"))"
  exit 0
fi
same_major=0
[ -f "$record" ] && [ "$(major "$now")" = "$(major "$record")" ] && same_major=1
# Under the same major the record may only grow: every struct it holds
# must be unchanged in the new layout (a new struct is compatible).
changed=""
if [ $same_major = 1 ]; then
  changed=$(awk '
    FNR == 1 { file++ }
    /^struct / { name = $2 }
    /^struct / || /^  / { blk[file, name] = blk[file, name] $0 "\n"; names[file, name] = 1 }
    END { for (k in names) { split(k, p, SUBSEP); if (p[1] == 1 && blk[1, p[2]] != blk[2, p[2]]) print p[2] } }
  ' "$record" "$now")
fi
if [ "$mode" = write ]; then
  if [ -n "$changed" ]; then
    diff -u "$record" "$now" | head -40 >&2 || true
    echo "abi-layout: the layout of $changed changed but GCPULSE_ABI_MAJOR is still $(major "$now"): raise it in include/gcpulse.h first" >&2
    exit 1
  fi
  cp "$now" "$record"
  echo "abi-layout: $record written for ABI $(major "$now")"
  exit 0
fi
diff -u "$record" "$now" | head -40 >&2 || true
if [ -n "$changed" ]; then
  echo "check-abi: the layout of $changed changed without raising GCPULSE_ABI_MAJOR ($(major "$now")) in include/gcpulse.h" >&2
elif [ $same_major = 1 ]; then
  echo "check-abi: new public structs: record them with make abi-layout" >&2
else
  echo "check-abi: $record is not the layout of ABI $(major "$now"): run make abi-layout" >&2
fi
exit 1
