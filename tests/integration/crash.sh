#!/bin/sh
# A program dying of SIGSEGV (a real fault) and of SIGABRT: the calling shell
# sees the same status under umvisor as natively (bash: 139 and 134), because
# the monitor dies of the same signal.
. "$top_srcdir/tests/integration/lib.sh"
command -v bash >/dev/null || skip "bash is not installed"
crash=$(need_guest crash)

for what in segv abort; do
	# The status as bash's $? shows it (bash's own "Segmentation fault"
	# message names the pid and the command line, so stderr is not compared).
	native=$(timeout -k 3 "$GUARD" bash -c '"$@"; echo "\$? = $?"' bash \
		"$crash" "$what" 2>/dev/null)
	if [ "${UMV_TEST_NATIVE:-0}" = 1 ]; then
		ours=$(timeout -k 3 "$GUARD" bash -c '"$@"; echo "\$? = $?"' bash \
			"$crash" "$what" 2>"$TMPD/$what.err")
	else
		ours=$(timeout -k 3 "$GUARD" bash -c '"$@"; echo "\$? = $?"' bash \
			"$UMVISOR" -m count -- "$crash" "$what" 2>"$TMPD/$what.err")
	fi
	case $what in
	segv) expected='$? = 139' ;;
	abort) expected='$? = 134' ;;
	esac
	[ "$native" = "$expected" ] || fail "$what: natively bash saw '$native', expected '$expected'"
	if [ "$ours" != "$native" ]; then
		cat "$TMPD/$what.err" >&2
		fail "$what: under umvisor bash saw '$ours', natively '$native'"
	fi
	echo "ok: $what: bash sees $ours both ways"
	# The same through compare(): stdout, status (stderr is the guest's own).
	compare --no-stderr "crash-$what" "$crash" "$what"
done
