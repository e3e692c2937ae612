#!/bin/sh
# ^C typed on a terminal: the kernel sends SIGINT to the foreground process
# group (monitor and guest). The guest must get each ^C once, as natively:
# the monitor must not forward a terminal-generated signal. Runs the guest on
# a pseudo-terminal (tty_signals.py), three ^C, then SIGTERM.
. "$top_srcdir/tests/integration/lib.sh"
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3) || skip "python3 is not installed (needed for a pty)"
sigcount=$(need_guest sigcount)

for side in native umvisor; do
	if [ "$side" = umvisor ] && [ "${UMV_TEST_NATIVE:-0}" != 1 ]; then
		set -- "$UMVISOR" -m "count:out=$TMPD/tty.count" -- "$sigcount"
	else
		set -- "$sigcount"
	fi
	timeout -k 3 "$GUARD" "$py" "$top_srcdir/tests/integration/tty_signals.py" "$TMPD/$side.acks" "$@" \
		</dev/null >"$TMPD/tty.$side.out" 2>"$TMPD/tty.$side.err"
	echo "$?" >"$TMPD/tty.$side.status"
done
compare_recorded tty "3 x ^C on a pty, then SIGTERM"
grep -qx 'SIGINT received 3 times' "$TMPD/tty.native.out" ||
	fail "natively: $(cat "$TMPD/tty.native.out")"
