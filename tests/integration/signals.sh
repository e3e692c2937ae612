#!/bin/sh
# SIGINT, SIGTERM and SIGHUP sent to the monitor's pid while the guest waits
# reach the guest: it dies of the signal (default action) or catches it
# (handler), and the monitor's status is what the guest's is natively.
. "$top_srcdir/tests/integration/lib.sh"
sigwait=$(need_guest sigwait)

# 2000 queued real-time signals (blocked, then arriving during syscalls) and
# 200 recovered SIGSEGVs: every one delivered once, values intact.
compare sigstorm "$(need_guest sigstorm)"
expect_status sigstorm native 0

for sig in INT TERM HUP; do
	for mode in default catch; do
		label=$sig-$mode
		for side in native umvisor; do
			ready=$TMPD/$label.$side.ready
			mkfifo "$ready" || hard_error "mkfifo $ready"
			start_bg "$side" "$label" "$sigwait" "$mode" "$ready"
			line=$(wait_fifo_line "$ready") || exit 1
			[ "$line" = ready ] || fail "$label: $side guest said '$line', not ready"
			# Natively BG_PID is the guest, under umvisor the monitor.
			kill -s "$sig" "$BG_PID"
			finish_bg "$side" "$label"
		done
		compare_recorded "$label" "kill -$sig to the monitor, guest in mode $mode"
	done
done
expect_status INT-default native 130
expect_status TERM-catch native 3
