#!/bin/sh
# A syscall answered by the monitor (the emulate-getppid test module) is seen
# by 64-bit and i386 guests, dynamic and static, and by the raw syscall.
. "$top_srcdir/tests/integration/lib.sh"
[ "${UMV_TEST_NATIVE:-0}" = 1 ] && skip "emulation needs the engine (UMV_TEST_NATIVE=1)"

guests=getppid
if [ "${HAVE_M32:-no}" = yes ]; then
	guests="$guests getppid-m32 getppid-m32-static"
else
	echo "note: no -m32 toolchain at configure time, i386 guests not built: 64-bit only"
fi
for g in $guests; do
	path=$(need_guest "$g")
	native=$(timeout 10 "$path") || fail "$g: native run failed"
	[ "$native" != "getppid=31337" ] ||
		hard_error "$g: native getppid is already 31337, pick another value"
	out=$(timeout -k 3 "$GUARD" "$UMVISOR" -m emulate-getppid:value=31337 -- "$path" 2>"$TMPD/$g.err")
	st=$?
	if [ "$st" != 0 ] || [ "$out" != getppid=31337 ]; then
		cat "$TMPD/$g.err" >&2
		fail "$g: under -m emulate-getppid:value=31337 printed '$out' (status $st), expected getppid=31337"
	fi
	echo "ok: $g: getppid answered by the module (natively: $native)"
done
