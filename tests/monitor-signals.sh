#!/bin/sh
# Signals: injected into the guest as natively; kill(1) to the monitor's
# pid is forwarded to the guest; a stopped guest stops the monitor (so the
# calling shell sees the job stop) and SIGCONT resumes both.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/monitor-lib.sh"

state_of() { sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null; }
# wait_state PID STATE: up to 5 s
wait_state() {
	i=0
	while [ "$(state_of "$1")" != "$2" ]; do
		i=$((i + 1)); [ $i -gt 50 ] && return 1
		sleep 0.1
	done
}
# wait_file FILE: up to 10 s
wait_file() {
	i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1
		sleep 0.1
	done
}
child_of() { cat "/proc/$1/task/$1/children" 2>/dev/null | awk '{ print $1 }'; }

for opts in "" "-m count:out=/dev/null"; do
	UMV_OPTS=$opts
	same_as_native sh -c 'trap "echo got USR1" USR1; kill -USR1 $$; echo after; trap "echo got HUP; exit 5" HUP; kill -HUP $$; sleep 1'
	same_as_native sh -c 'kill -TERM $$'
	same_as_native timeout 0.3 sleep 5

	# kill -TERM to the monitor: the guest dies of it, the monitor too.
	"$UMVISOR" $opts -- sleep 10 &
	mon=$!
	sleep 0.3
	kill -TERM $mon
	wait $mon; expect_eq "forwarded SIGTERM ($opts)" 143 $?

	# A guest handling SIGUSR1 gets the forwarded signal and exits 0.
	rm -f "$TMPD/ready"
	"$UMVISOR" $opts -- sh -c 'trap "echo usr1; exit 0" USR1; : >"$1"; while :; do sleep 0.05; done' \
		sh "$TMPD/ready" >"$TMPD/out" &
	mon=$!
	wait_file "$TMPD/ready" || fail "the guest never got ready ($opts)"
	kill -USR1 $mon
	wait $mon; expect_eq "forwarded SIGUSR1 ($opts)" 0 $?
	expect_eq "handler ran ($opts)" usr1 "$(cat "$TMPD/out")"

	# Job control: the guest is stopped -> the monitor stops; SIGCONT to the
	# monitor resumes both.
	# The guest waits on a fifo, not a timer: however slow the build, it
	# is still there when it is stopped.
	# The job runs in a session of its own. Under a parallel make check
	# its process group would be make's, kept from being orphaned only by
	# other tests' guests (their monitors left the group); the last of them
	# exiting while this job is stopped orphans the group, and the kernel
	# then sends the stopped job SIGHUP and SIGCONT: the guest died of the
	# hangup (seen in CI, stops 2 and 3). A shell's own job never depends
	# on another job's processes like that.
	rm -f "$TMPD/ready" "$TMPD/go" "$TMPD/mon.pid"
	mkfifo "$TMPD/go"
	PIDF=$TMPD/mon.pid OUT=$TMPD/out setsid sh -c '"$@" >"$OUT" & echo $! >"$PIDF"; wait $!' sh \
		"$UMVISOR" $opts -- sh -c ': >"$1"; read x <"$2"; echo done' sh "$TMPD/ready" "$TMPD/go" &
	sess=$!
	wait_file "$TMPD/ready" || fail "the guest never got ready ($opts)"
	mon=$(cat "$TMPD/mon.pid")
	guest=$(child_of $mon)
	[ -n "$guest" ] || fail "no guest under $mon"
	# A guest found running again (the orphaned-group SIGCONT above, were
	# it to come back) is stopped again, at most three times, each
	# announced; a stopped guest with a running monitor fails at once.
	tries=0
	until kill -STOP "$guest"; wait_state $mon T; do
		gs=$(state_of $guest)
		what="$(state_of $mon) in $(cat /proc/$mon/wchan 2>/dev/null); guest $gs; children $(cat /proc/$mon/task/$mon/children 2>/dev/null)"
		tries=$((tries + 1))
		case $gs in
		T|t) fail "monitor not stopped with its stopped guest ($opts): $what" ;;
		esac
		[ $tries -lt 3 ] || fail "monitor not stopped with its guest ($opts), $tries tries: $what"
		echo "note: the guest was running again after SIGSTOP ($opts): $what; stopping it again" >&2
	done
	kill -CONT $mon
	timeout 20 sh -c 'echo >"$1"' sh "$TMPD/go" || fail "the resumed guest never read its fifo ($opts)"
	wait $sess; expect_eq "resumed job ($opts)" 0 $?
	expect_eq "resumed output ($opts)" done "$(cat "$TMPD/out")"
done

# A job of a shell with job control: signals to the job's process group
# (kill %1, kill -INT -PGID) reach the guest once, signals to the monitor's
# pid are forwarded: the monitor steps out of the job's group. To make a
# duplicate visible every time, the monitor is held stopped while the
# group's SIGINT reaches the guest (which takes it with sigwaitinfo, needing
# no monitor), and let go after; only getppid is trapped, so the guest runs
# on meanwhile.
if command -v bash >/dev/null 2>&1; then
	for side in native umvisor; do
		run=""
		[ $side = umvisor ] && run="$UMVISOR -m emulate-getppid --"
		rm -f "$TMPD/ready"*
		UMV_RUN=$run GUEST=$GUEST READY=$TMPD/ready SIDE=$side bash -c '
			wait_for() { i=0; while [ ! -e "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; }
			set -m
			$UMV_RUN "$GUEST" sigcount "$READY" &
			job=$!
			wait_for "$READY"
			for n in 1 2 3; do
				[ $SIDE = umvisor ] && kill -STOP $job
				kill -INT -$job
				wait_for "$READY.$n"
				[ $SIDE = umvisor ] && kill -CONT $job
				sleep 0.2
			done
			kill -INT $job
			wait_for "$READY.4"
			kill -TERM $job
			wait $job; echo "status $?"' 2>&1 | grep -v -e "^\[" -e "^\$" >"$TMPD/$side.jobsig"
	done
	expect_eq "signals to a job's group" "$(cat "$TMPD/native.jobsig")" "$(cat "$TMPD/umvisor.jobsig")"
	expect_eq "signals to a job's group (native)" "ints=4
status 0" "$(cat "$TMPD/native.jobsig")"
else
	echo "note: no bash, job-group signals not tested" >&2
fi
exit 0
