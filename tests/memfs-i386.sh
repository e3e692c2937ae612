#!/bin/sh
# memfs with an i386 guest: statfs/statfs64/fstatfs64 layouts report the
# limit; write stops at it; pwrite64 (split offset) is refused past it.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/memfs-lib.sh"
G32=$top_builddir/tests/memfs-guest32
[ "${HAVE_M32:-no}" = yes ] || skip "no -m32 toolchain: i386 guest not built"
[ -x "$G32" ] || hard_error "$G32 is not built"
memfs_run size=1M "$G32" "$MEMG" >"$TMPD/out" || { cat "$TMPD/out" "$TMPD/mon.err" >&2; fail "i386 guest failed"; }
cat >"$TMPD/exp" <<'EOF2'
statfs 4096 256 256 256
statfs64 4096 256 256 256
wrote 1048576 then No space left on device
pwrite64 far: No space left on device
pwrite64 inside: 100
fstatfs64 256 0
EOF2
cmp -s "$TMPD/exp" "$TMPD/out" || { diff -u "$TMPD/exp" "$TMPD/out" >&2; fail "i386: unexpected"; }
echo "ok: i386 statfs layouts and limits"
