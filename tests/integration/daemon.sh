#!/bin/sh
# A daemon that outlives its parent (double fork, writes a file 0.5 s after
# the parent exited). Natively the shell gets its status back at once and the
# file appears later. Under umvisor the monitor waits for every guest process,
# daemons included (like proot), so the file is there as soon as the monitor
# has exited; its status is still the initial program's.
. "$top_srcdir/tests/integration/lib.sh"

script='(sh -c "sleep 0.5; echo daemon-done >\"\$0\"" "$1" </dev/null >/dev/null 2>&1 &)
echo parent-exits; exit 6'

guarded native daemon sh -c "$script" sh "$TMPD/native.file"
# The scenario itself: the daemon does write its file (bounded wait).
n=0
until [ -s "$TMPD/native.file" ]; do
	n=$((n + 1))
	[ "$n" -le 500 ] || fail "natively the daemon wrote nothing within 5 s"
	sleep 0.01
done

guarded umvisor daemon sh -c "$script" sh "$TMPD/umvisor.file"
# No wait here: the monitor must not have exited before the daemon.
if [ "${UMV_TEST_NATIVE:-0}" != 1 ]; then
	[ "$(cat "$TMPD/umvisor.file" 2>/dev/null)" = daemon-done ] ||
		fail "the monitor exited before the guest's daemon finished (no file yet)"
fi
compare_recorded daemon "double-forked daemon"
expect_status daemon native 6
