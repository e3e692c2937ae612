#!/bin/sh
# ^Z and fg in an interactive bash on a terminal (tty_jobctl.py): the job
# stops, bash says so, fg resumes it and it finishes, natively and under the
# monitor (which mirrors the guest's stop so that bash sees the job stop).
. "$top_srcdir/tests/integration/lib.sh"
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3) || skip "python3 is not installed (needed for a pty)"
command -v bash >/dev/null || skip "bash is not installed"

guest='echo "ready $$" >"$1"; read x <"$2"; echo "resumed $x"'
for side in native umvisor; do
	mkdir "$TMPD/$side"
	if [ "$side" = umvisor ] && [ "${UMV_TEST_NATIVE:-0}" != 1 ]; then
		set -- "$UMVISOR" -m "count:out=$TMPD/tty.count" -- sh -c "$guest" sh
	else
		set -- sh -c "$guest" sh
	fi
	timeout -k 3 "$GUARD" "$py" "$top_srcdir/tests/integration/tty_jobctl.py" "$TMPD/$side" "$@" \
		</dev/null >"$TMPD/tty.$side.out" 2>"$TMPD/tty.$side.err"
	echo "$?" >"$TMPD/tty.$side.status"
done
compare_recorded tty "^Z, fg in an interactive bash"
