#!/bin/sh
# exec of a static binary: busybox from busybox-static.
. "$top_srcdir/tests/integration/lib.sh"
bb=/bin/busybox
[ -x "$bb" ] || skip "$bb is not installed (Debian: busybox-static)"
# A dynamic busybox names a program interpreter.
command -v readelf >/dev/null || skip "readelf (binutils) is not installed"
if readelf -l "$bb" | grep -q 'program interpreter'; then
	skip "$bb is dynamically linked (install busybox-static)"
fi

compare busybox "$bb" sh -c 'echo hi; ls /'
compare busybox-nested "$bb" sh -c '"$0" echo nested; "$0" sh -c "exit 4"; echo "inner $?"; exit 5' "$bb"
