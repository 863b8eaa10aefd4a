#!/bin/sh
# Extract every ```c block of README.md and docs/*.md that contains
# "int main" and compile + link it against the in-tree library (C11,
# warnings as errors), so the examples cannot rot.  Blocks without a main
# are fragments and are not compiled.  Fails when README.md has none.
set -e
out=build/readme
rm -rf "$out"
mkdir -p "$out"
for md in README.md docs/*.md; do
  [ -e "$md" ] || continue
  base=$(basename "$md" .md)
  awk -v dir="$out" -v base="$base" '
    /^```c[ \t]*$/ { inblk = 1; n++; file = sprintf("%s/%s-%d.c", dir, base, n); printf "" > file; next }
    /^```/ && inblk { inblk = 0; close(file); next }
    inblk { print >> file }
  ' "$md"
done
count=0 readme=0
for f in "$out"/*.c; do
  [ -e "$f" ] || continue
  grep -q 'int main' "$f" || continue
  if ! cc -std=c11 -Wall -Wextra -Werror -Iinclude "$f" -o "${f%.c}" build/libgcpulse.a -lm; then
    echo "check-readme: the example $(basename "$f") (block of that .md file) does not compile" >&2
    exit 1
  fi
  count=$((count + 1))
  case "$(basename "$f")" in README-*) readme=$((readme + 1)) ;; esac
done
[ "$readme" -gt 0 ] || { echo "check-readme: no compilable example found in README.md" >&2; exit 1; }
echo "check-readme: $count example(s) with main() compile and link ($readme in README.md, $((count - readme)) in docs/)"
