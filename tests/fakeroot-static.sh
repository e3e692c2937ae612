#!/bin/sh
# fakeroot module: programs LD_PRELOAD cannot reach. A static busybox
# chowns and lists; a raw-syscall guest (x86_64 and i386: getuid16,
# chown32, stat64, fstatat64, statx) sees the virtual ids and owners.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/fakeroot-lib.sh"

expected_guest() {
	cat <<EOT
getuid 0 geteuid 0 getgid 0
${1}capget full
getresuid 0 0 0
after setresuid(5,6,7): getuid 5 geteuid 6
setresuid back to 0 refused (saved id was 7): ok
stat 123 456
fstat 123 456
fstatat 123 456
statx 123 456
fstat closed fd: EBADF
fstatat bad buffer: EFAULT
fstatat missing: ENOENT
EOT
	printf '%s' "$2"
}

d=$(user_dir guest)
touch "$d/f" && chown "$FR_USER_UID:$FR_USER_GID" "$d/f"
fr "$top_builddir/tests/fakeroot/guest" "$d/f" >"$TMPD/g64.out" 2>&1 ||
	{ cat "$TMPD/g64.out" >&2; fail "x86_64 guest under -0"; }
expected_guest "" "raw stat 123 456
raw newfstatat 123 456
" >"$TMPD/g64.exp"
diff -u "$TMPD/g64.exp" "$TMPD/g64.out" >&2 || fail "x86_64 guest: unexpected output"

if [ "$HAVE_M32" = yes ]; then
	touch "$d/f32" && chown "$FR_USER_UID:$FR_USER_GID" "$d/f32"
	fr "$top_builddir/tests/fakeroot/guest32" "$d/f32" >"$TMPD/g32.out" 2>&1 ||
		{ cat "$TMPD/g32.out" >&2; fail "i386 guest under -0"; }
	expected_guest "getuid16 0 getgid16 0
getuid32 0
" "raw stat64 123 456
raw fstatat64 123 456
raw stat 123 456
" >"$TMPD/g32.exp"
	diff -u "$TMPD/g32.exp" "$TMPD/g32.out" >&2 || fail "i386 guest: unexpected output"
else
	echo "i386 guest not built (no gcc -m32): x86_64 only" >&2
fi

# Credentials per thread, inherited by new threads and processes.
fr "$top_builddir/tests/fakeroot/threads" >"$TMPD/thr.out" 2>&1 ||
	{ cat "$TMPD/thr.out" >&2; fail "threads guest under -0"; }
cat >"$TMPD/thr.exp" <<EOT
thread after setresuid(1,1,1): 1
main thread still: 0
new thread inherits: 7
forked child inherits: 7
EOT
diff -u "$TMPD/thr.exp" "$TMPD/thr.out" >&2 || fail "per-thread credentials"

BB=$(command -v busybox) || skip "busybox is not installed (raw-syscall guests passed)"
file "$BB" 2>/dev/null | grep -q "statically linked" ||
	echo "note: $BB may not be static" >&2
b=$(user_dir bb)
fr "$BB" sh -c "cd '$b' && touch x && mkdir y && $BB chown 5:6 x && $BB chown 7:8 y && $BB mknod z c 4 5 && $BB ls -ln | $BB awk '{print \$1, \$3, \$4, \$NF}'" >"$TMPD/bb.out" 2>&1 ||
	{ cat "$TMPD/bb.out" >&2; fail "busybox under -0"; }
cat >"$TMPD/bb.exp" <<EOT
-rw-r--r-- 5 6 x
drwxr-xr-x 7 8 y
crw-r--r-- 0 0 z
EOT
grep -v '^total' "$TMPD/bb.out" >"$TMPD/bb.got"
diff -u "$TMPD/bb.exp" "$TMPD/bb.got" >&2 || fail "static busybox: unexpected ls -ln"
exit 0
