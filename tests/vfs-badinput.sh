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

# exec of something that is no regular file: the monitor looks at a
# program's first bytes (interpreters), and opening a FIFO for that waited
# for a writer for ever (found by trinity in CI). The kernel's answer,
# EACCES (126 from the shell), as natively; -k: a hung monitor ignores the
# TERM it forwards.
mkfifo "$TMPD/tree/fifo" "$TMPD/native-fifo" && chmod +x "$TMPD/tree/fifo" "$TMPD/native-fifo" ||
	hard_error "mkfifo"
timeout -k 2 "$VFS_TIMEOUT" sh -c '"$1"; echo "status $?"' sh "$TMPD/native-fifo" >"$TMPD/native.out" 2>/dev/null
timeout -k 2 "$VFS_TIMEOUT" "$UMVISOR" -b "$TMPD/tree:$GUESTDIR" -- sh -c '"$1"; echo "status $?"' sh \
	"$GUESTDIR/fifo" >"$TMPD/umv.out" 2>/dev/null
rc=$?
[ $rc = 124 ] || [ $rc = 137 ] && fail "exec of a FIFO: the monitor hangs"
[ -s "$TMPD/native.out" ] || hard_error "exec of a FIFO: no native status"
cmp -s "$TMPD/native.out" "$TMPD/umv.out" ||
	fail "exec of a FIFO: native '$(cat "$TMPD/native.out")', umvisor '$(cat "$TMPD/umv.out")'"
rm -f "$TMPD/tree/fifo" "$TMPD/native-fifo"
echo "ok: exec of a FIFO fails as natively"

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
