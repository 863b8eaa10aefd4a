#!/bin/sh
# Compare the shared library's exported symbols with the committed list.
# Regenerate the list deliberately with: sh tests/check_abi.sh LIB LIST --update
set -e
lib=$1; list=$2
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sed 's/@.*//' | sort -u > "$lib.symbols"
if [ "$3" = "--update" ]; then cp "$lib.symbols" "$list"; echo "check-abi: $list updated"; exit 0; fi
if ! diff -u "$list" "$lib.symbols"; then
  echo "check-abi: exported symbols differ from $list (update it deliberately with --update)" >&2
  exit 1
fi
bad=$(grep -v '^gcpulse_' "$lib.symbols" || true)
[ -z "$bad" ] || { echo "check-abi: non-gcpulse_ symbols exported: $bad" >&2; exit 1; }
echo "check-abi: $(wc -l < "$list") exported symbols match $list"
