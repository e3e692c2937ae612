#!/bin/sh
# A signal sent to the job's process group (kill -INT -PGID, bash's
# kill %1) reaches the guest directly; the
# monitor gets it too and must not forward it a second time. The guest counts
# the SIGINTs it gets in three rounds, then a SIGTERM (to the monitor's pid:
# forwarded) ends it and it prints the count.
#
# To make a duplicate visible every time (two pending SIGINTs merge into
# one), the monitor is held with SIGSTOP while the group's SIGINT reaches the
# guest and is acknowledged, and let go (SIGCONT) after: anything the monitor
# then sends is counted apart. A stopped monitor cannot serve syscall stops,
# so this test loads a module that traps only getppid (which the guest never
# calls) instead of count.
. "$top_srcdir/tests/integration/lib.sh"
sigcount=$(need_guest sigcount)

# next_line FD: one line from the fifo open on FD, bounded (read(1) reads
# byte by byte from a fifo, so nothing beyond the line is consumed).
next_line() {
	timeout 10 sh -c 'IFS= read -r l && printf "%s\n" "$l"' <&"$1" ||
		fail "no line from the guest within 10 s"
}

BG_MODULE=emulate-getppid
NO_COUNT_CHECK=1
# Started from a job-control shell, as a user would: a monitor that leads a
# session cannot leave its process group (see umvisor(1)).
BG_JOB=1
for side in native umvisor; do
	monitored=0
	[ "$side" = umvisor ] && [ "${UMV_TEST_NATIVE:-0}" != 1 ] && monitored=1
	acks=$TMPD/$side.acks
	mkfifo "$acks" || hard_error "mkfifo"
	start_bg "$side" pgrp "$sigcount" "$acks"
	# Read-write open: does not block, keeps the fifo open between lines.
	exec 3<>"$acks"
	line=$(next_line 3) || exit 1
	[ "$line" = ready ] || fail "$side: guest said '$line', not ready"
	for round in 1 2 3; do
		if [ "$monitored" = 1 ]; then
			kill -STOP "$BG_PID"
			wait_state "$BG_PID" T
		fi
		kill -INT "-$BG_PID"
		line=$(next_line 3) || exit 1
		case $line in
		"int "*) ;;
		*) fail "$side: after SIGINT #$round to the process group the guest said '$line'" ;;
		esac
		[ "$monitored" = 1 ] && kill -CONT "$BG_PID"
	done
	kill -TERM "$BG_PID"
	finish_bg "$side" pgrp
	exec 3<&-
done
compare_recorded pgrp "3 x kill -INT -PGID, then kill -TERM to the monitor"
grep -qx 'SIGINT received 3 times' "$TMPD/pgrp.native.out" ||
	fail "natively: $(cat "$TMPD/pgrp.native.out")"
