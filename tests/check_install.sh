#!/bin/sh
# Install into a scratch DESTDIR and build a tiny program against the
# installed copy with pkg-config, both shared and static, and run it.
set -e
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
prefix=/opt/gcpulse-test
make -s install DESTDIR="$dest" PREFIX="$prefix" >/dev/null
abi=$(sed -n 's/^#define GCPULSE_ABI_MAJOR \([0-9]*\).*/\1/p' include/gcpulse.h)
for f in include/gcpulse.h lib/libgcpulse.a lib/libgcpulse.so lib/libgcpulse.so.$abi lib/pkgconfig/gcpulse.pc bin/gcpulse; do
  [ -e "$dest$prefix/$f" ] || { echo "check-install: missing $f" >&2; exit 1; }
done
# the .pc file names the install prefix; point pkg-config at the DESTDIR copy
export PKG_CONFIG_PATH="$dest$prefix/lib/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$dest"
cat > "$dest/prog.c" <<'C'
#include <gcpulse.h>
#include <stdio.h>
#include <string.h>
static int n;
static int on_event(void *u, const gcpulse_event_t *ev) { (void)u; (void)ev; n++; return 0; }
int main(void) {
  gcpulse_callbacks_t cb; gcpulse_callbacks_init(&cb); cb.on_event = on_event;
  gcpulse_t *g; if (gcpulse_new(NULL, &cb, &g)) return 1;
  const char *l = "gc 1 @0.019s 2%: 0.14+1.3+0.045 ms clock, 1.1+0.50/1.9/1.4+0.36 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 8 P\n";
  gcpulse_feed(g, l, strlen(l)); gcpulse_finish(g); gcpulse_free(g);
  printf("version %s events %d\n", gcpulse_version_string(), n);
  return gcpulse_version() == GCPULSE_VERSION_HEX && n == 1 ? 0 : 1;
}
C
cc $(pkg-config --cflags gcpulse) "$dest/prog.c" -o "$dest/prog" $(pkg-config --libs gcpulse)
LD_LIBRARY_PATH="$dest$prefix/lib" "$dest/prog"
cc $(pkg-config --cflags gcpulse) "$dest/prog.c" -o "$dest/prog-static" "$dest$prefix/lib/libgcpulse.a" $(pkg-config --libs-only-l --static gcpulse | sed 's/-lgcpulse//')
"$dest/prog-static"
soname=$(objdump -p "$dest$prefix/lib/libgcpulse.so" | awk '/SONAME/ {print $2}')
[ "$soname" = "libgcpulse.so.$abi" ] || { echo "check-install: bad soname $soname" >&2; exit 1; }
echo "check-install: installed copy builds and runs via pkg-config (shared and static), soname $soname"
