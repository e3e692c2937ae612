#!/bin/sh
# Hostile path arguments get exactly the native errors (EFAULT,
# ENAMETOOLONG, EBADF, ENOTDIR...), for x86_64 and i386 guests; a bind of a
# missing host directory is a clear startup error.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/vfs-lib.sh"

mkdir -p "$TMPD/tree" && echo data >"$TMPD/tree/f" || hard_error "setup"
# A static i386 build too (its own syscall entry, no vDSO), when it links.
static32=
if [ "$HAVE_M32" = yes ] && gcc -m32 -static -std=gnu11 -o "$TMPD/vfs-badpath32s" \
	"$top_srcdir/tests/vfs-badpath.c" 2>/dev/null; then
	static32=$TMPD/vfs-badpath32s
else
	echo "not run: static i386 (gcc -m32 -static cannot link here)"
fi
for prog in "$top_builddir/tests/vfs-badpath" "$top_builddir/tests/vfs-badpath32" $static32; do
	case $prog in *32) [ "$HAVE_M32" = yes ] || { echo "not run: i386 (no gcc -m32)"; continue; } ;; esac
	[ -x "$prog" ] || hard_error "$prog is not built"
	timeout "$VFS_TIMEOUT" "$prog" "$TMPD/tree" >"$TMPD/native" 2>&1 || fail "$prog natively"
	timeout "$VFS_TIMEOUT" "$UMVISOR" -b "$TMPD/tree:$GUESTDIR" -- "$prog" "$GUESTDIR" \
		>"$TMPD/umv" 2>&1 || { cat "$TMPD/umv" >&2; fail "$prog under umvisor"; }
	if ! cmp -s "$TMPD/native" "$TMPD/umv"; then
		diff -u "$TMPD/native" "$TMPD/umv" >&2
		fail "$(basename "$prog"): results differ under umvisor"
	fi
	echo "ok: $(basename "$prog") ($(wc -l <"$TMPD/native") calls)"
done

"$UMVISOR" -b "$TMPD/missing:/x" -- true >"$TMPD/out" 2>"$TMPD/err"; rc=$?
[ "$rc" = 125 ] || fail "bind of a missing dir: exit $rc, expected 125"
grep -q "^umvisor: bind: cannot bind $TMPD/missing at /x: No such file or directory$" "$TMPD/err" ||
	fail "bind of a missing dir: $(cat "$TMPD/err")"
"$UMVISOR" -b "$TMPD/tree:/x" -w /x/nonexistent -- true >"$TMPD/out" 2>"$TMPD/err"; rc=$?
[ "$rc" = 125 ] || fail "-w to a missing dir: exit $rc, expected 125"
grep -q "^umvisor: initial directory /x/nonexistent: No such file or directory$" "$TMPD/err" ||
	fail "-w to a missing dir: $(cat "$TMPD/err")"
echo "ok: startup errors"

# io_uring would open paths in kernel workers no stop can see: ENOSYS, and
# one log line however many times it is tried.
if command -v python3 >/dev/null 2>&1; then
	out=$(timeout "$VFS_TIMEOUT" "$UMVISOR" -b "$TMPD/tree:$GUESTDIR" -- python3 -c '
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
for i in range(3):
    r = libc.syscall(425, 4, None)
    print(r, ctypes.get_errno())' 2>"$TMPD/err")
	[ "$out" = "-1 38
-1 38
-1 38" ] || fail "io_uring_setup: got '$out'"
	[ "$(grep -c 'io_uring_setup: ENOSYS' "$TMPD/err")" = 1 ] || fail "io_uring_setup: not one log line: $(cat "$TMPD/err")"
	echo "ok: io_uring_setup is ENOSYS with one log line"
fi
