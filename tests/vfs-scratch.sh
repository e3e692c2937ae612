#!/bin/sh
# The scratch area survives the guest unmapping it or mapping over it, and
# serves threads, vfork children and sigaltstack handlers.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/vfs-lib.sh"

prog=$top_builddir/tests/vfs-scratch
[ -x "$prog" ] || hard_error "$prog is not built"
mkdir -p "$TMPD/tree" && echo data >"$TMPD/tree/f" || hard_error "setup"
timeout "$VFS_TIMEOUT" "$prog" "$TMPD/tree" >"$TMPD/native" 2>&1 || fail "natively: $(cat "$TMPD/native")"
timeout "$VFS_TIMEOUT" "$UMVISOR" -b "$TMPD/tree:$GUESTDIR" -- "$prog" "$GUESTDIR" >"$TMPD/umv" 2>&1 ||
	{ cat "$TMPD/umv" >&2; fail "under umvisor"; }
if ! cmp -s "$TMPD/native" "$TMPD/umv"; then
	diff -u "$TMPD/native" "$TMPD/umv" >&2
	fail "results differ under umvisor"
fi
cat "$TMPD/umv"
