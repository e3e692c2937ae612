#!/bin/sh
# kill -STOP / kill -CONT of guest processes: each stops, resumes and
# finishes with the same output and status as natively. The guest is blocked
# opening a fifo when stopped, so the stop interrupts a syscall that must be
# restarted on resume.
#  child:   STOP and CONT to a process the guest forked (not the initial one)
#  initial: STOP to the initial program alone; the monitor mirrors the stop
#           on itself so that its shell sees the job stop; CONT to the job's
#           process group (what the shell's fg does)
#  job:     STOP and CONT to the whole process group (^Z / fg, kill -STOP -PGID)
#  initial-pid: STOP and CONT to the initial program's pid alone (a user's
#           kill, htop, a supervisor): natively it resumes; under the monitor
#           it must too, even though the monitor mirrored the stop
. "$top_srcdir/tests/integration/lib.sh"
# Each run is a job of a job-control shell, as when a user starts it from an
# interactive one: the shell sees the job stop and waits on across it.
BG_JOB=1

waiter='echo $$ >"$1"; read go <"$2"; echo "resumed: $go"; seq 1 3'

for variant in child initial job initial-pid; do
	for side in native umvisor; do
		ready=$TMPD/$variant.$side.ready
		go=$TMPD/$variant.$side.go
		mkfifo "$ready" "$go" || hard_error "mkfifo"
		case $variant in
		child)
			start_bg "$side" "$variant" sh -c \
				'sh -c "$0" sh "$1" "$2"; echo "child status $?"' "$waiter" "$ready" "$go" ;;
		*)
			start_bg "$side" "$variant" sh -c "$waiter" sh "$ready" "$go" ;;
		esac
		pid=$(wait_fifo_line "$ready") || exit 1
		case $pid in
		''|*[!0-9]*) fail "$variant: $side guest sent '$pid', not a pid" ;;
		esac
		case $variant in
		child|initial-pid)
			kill -STOP "$pid"
			wait_state "$pid" '[Tt]'
			kill -CONT "$pid" ;;
		initial)
			kill -STOP "$pid"
			wait_state "$pid" '[Tt]'
			if [ "$side" = umvisor ] && [ "${UMV_TEST_NATIVE:-0}" != 1 ]; then
				# The shell sees a job stop only if the monitor stops too.
				wait_state "$BG_PID" T
			fi
			kill -CONT "-$BG_PID" ;;
		job)
			kill -STOP "-$BG_PID"
			wait_state "$pid" '[Tt]'
			kill -CONT "-$BG_PID" ;;
		esac
		wait_state "$pid" '[!Tt]'
		timeout 10 sh -c 'echo go >"$1"' sh "$go" ||
			fail "$variant: $side guest did not read its fifo after SIGCONT"
		finish_bg "$side" "$variant"
	done
	compare_recorded "$variant" "kill -STOP/-CONT ($variant)"
done
