#!/bin/sh
# config_doc.sh GENERATOR FILE write|check
# Replace (write) or compare (check) the lines between
#   <!-- BEGIN GENERATED: make config-doc -->
#   <!-- END GENERATED -->
# in FILE with the output of GENERATOR (tests/config_doc.c).
set -eu
gen=$1 file=$2 mode=$3
begin='<!-- BEGIN GENERATED: make config-doc -->'
end='<!-- END GENERATED -->'
grep -qxF "$begin" "$file" && grep -qxF "$end" "$file" || {
  echo "config_doc: $file lacks the GENERATED markers" >&2; exit 1; }
tmp=$(mktemp) body=$(mktemp)
trap 'rm -f "$tmp" "$body"' EXIT
"$gen" > "$body"
awk -v b="$begin" -v e="$end" -v body="$body" '
  $0 == b { print; while ((getline l < body) > 0) print l; skip = 1; next }
  $0 == e { skip = 0 }
  !skip { print }' "$file" > "$tmp"
if [ "$mode" = write ]; then
  cat "$tmp" > "$file"
  echo "config-doc: $file regenerated"
elif cmp -s "$tmp" "$file"; then
  echo "check-config-doc: $file matches the configuration table"
else
  diff -u "$file" "$tmp" | head -40 >&2
  echo "check-config-doc: $file is stale: run make config-doc" >&2
  exit 1
fi
