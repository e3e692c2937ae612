#!/bin/sh
# memfs with a limit, fed bad pointers, counts, offsets and fds on every
# call it traps: each gets the errno it gets natively on a tmpfs, and the
# monitor survives.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/memfs-lib.sh"
H=$top_builddir/tests/memfs-hostile
[ -x "$H" ] || hard_error "$H is not built"
NAT=$(native_tmpfs_dir) || skip "no tmpfs for the native reference"
trap 'rm -rf "$TMPD" "$NAT"' EXIT
"$H" "$NAT" >"$TMPD/native" 2>&1 || { cat "$TMPD/native" >&2; hard_error "native run failed"; }
memfs_run size=1G "$H" "$MEMG" >"$TMPD/memfs" 2>&1 || { cat "$TMPD/memfs" "$TMPD/mon.err" >&2; fail "memfs run failed"; }
if ! cmp -s "$TMPD/native" "$TMPD/memfs"; then
	diff -u "$TMPD/native" "$TMPD/memfs" >&2
	fail "errors differ from native"
fi
echo "ok: $(wc -l <"$TMPD/native") hostile calls answered as natively"
# The same with the tree full (ENOSPC must not hide the kernel's errors).
rm -rf "$NAT"/*
"$H" "$NAT" full | grep -v '^write ok' >"$TMPD/native" 2>&1 || hard_error "native run failed"
memfs_run size=64K "$H" "$MEMG" full >"$TMPD/memfs" 2>&1 || { cat "$TMPD/memfs" "$TMPD/mon.err" >&2; fail "memfs run (full) failed"; }
if ! cmp -s "$TMPD/native" "$TMPD/memfs"; then
	diff -u "$TMPD/native" "$TMPD/memfs" >&2
	fail "full tree: errors differ from native"
fi
echo "ok: the same with the tree full"
