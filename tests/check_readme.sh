#!/bin/sh
# Extract every ```c block of README.md that contains "int main" and
# compile + link it against the in-tree library, so the quick start can't rot.
set -e
out=build/readme
mkdir -p "$out"
awk -v dir="$out" '
  /^```c[ \t]*$/ { inblk = 1; n++; file = sprintf("%s/snippet%d.c", dir, n); printf "" > file; next }
  /^```/ && inblk { inblk = 0; close(file); next }
  inblk { print >> file }
' README.md
count=0
for f in "$out"/snippet*.c; do
  [ -e "$f" ] || continue
  grep -q 'int main' "$f" || continue
  cc -std=c11 -Wall -Wextra -Werror -Iinclude "$f" -o "${f%.c}" build/libgcpulse.a -lm
  count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "check-readme: no compilable example found in README.md" >&2; exit 1; }
echo "check-readme: $count README example(s) compile and link"
