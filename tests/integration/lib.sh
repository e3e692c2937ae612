# Shared by the integration tests (sourced, not run): run a scenario natively
# and under `umvisor -m count` (which traps every syscall the tables know: the
# worst case for the engine) and compare stdout, stderr and exit status.
#
# Set UMV_TEST_NATIVE=1 to run the "under umvisor" side natively as well: that
# validates a scenario itself (it must pass natively) without the engine.

# Until the monitor layer provides the binary there is nothing to compare
# with (once it is in bin_PROGRAMS, `make check` always builds it first).
if [ "${UMV_TEST_NATIVE:-0}" != 1 ] && [ -n "${UMVISOR:-}" ] && [ ! -e "$UMVISOR" ]; then
	echo "SKIP: $UMVISOR does not exist: the monitor layer is not built in this tree" >&2
	exit 77
fi
. "$top_srcdir/tests/lib/harness.sh"
# Also end a background run a failed test leaves behind (it may be stopped).
trap '[ -n "${BG_PID:-}" ] && kill -KILL "$BG_PID" 2>/dev/null; rm -rf "$TMPD"' EXIT

GUESTS=$top_builddir/tests/guests
# Each command runs under this guard: a hang fails the test instead of
# blocking the suite (TERM, then KILL 3 s later).
GUARD=${UMV_TEST_GUARD:-15}
# Stable output from programs that look at the locale or the terminal.
LC_ALL=C
export LC_ALL
unset COLUMNS LS_COLORS

# guarded SIDE LABEL CMD...: runs CMD (natively or under the monitor) with
# stdin from /dev/null and output in $TMPD/LABEL.SIDE.{out,err,status}.
# A run that hits the guard fails the test at once.
guarded() {
	_side=$1
	_label=$2
	shift 2
	_start=$(date +%s)
	if [ "$_side" = native ] || [ "${UMV_TEST_NATIVE:-0}" = 1 ]; then
		timeout -k 3 "$GUARD" "$@"
	else
		timeout -k 3 "$GUARD" "$UMVISOR" -m "count:out=$TMPD/$_label.count" -- "$@"
	fi </dev/null >"$TMPD/$_label.$_side.out" 2>"$TMPD/$_label.$_side.err"
	_status=$?
	echo "$_status" >"$TMPD/$_label.$_side.status"
	if [ "$_status" -eq 124 ] || [ "$_status" -eq 137 ]; then
		if [ $(( $(date +%s) - _start )) -ge "$GUARD" ]; then
			echo "--- stderr ($_side):" >&2
			cat "$TMPD/$_label.$_side.err" >&2
			fail "$_label: $_side run did not finish within $GUARD s: $*"
		fi
	fi
	return 0
}

# show_diff WHAT LABEL EXT: prints a unified diff native vs umvisor.
show_diff() {
	echo "--- $2: $1 differs (native vs umvisor):" >&2
	diff -u "$TMPD/$2.native.$3" "$TMPD/$2.umvisor.$3" >&2
}

# compare [--no-stderr] LABEL CMD...: runs CMD both ways and fails on any
# difference in stdout, stderr (unless --no-stderr: it names pids) or status.
# Under the monitor, it also checks that the count module saw calls, so a
# run that silently trapped nothing does not pass.
compare() {
	_check_err=1
	if [ "$1" = --no-stderr ]; then
		_check_err=0
		shift
	fi
	_label=$1
	shift
	guarded native "$_label" "$@"
	guarded umvisor "$_label" "$@"
	if [ "$_check_err" = 1 ]; then
		compare_recorded "$_label" "$*"
	else
		compare_recorded --no-stderr "$_label" "$*"
	fi
}

# compare_recorded [--no-stderr] LABEL [DESCRIPTION]: compares the recorded
# native and umvisor runs of LABEL.
compare_recorded() {
	_check_err=1
	if [ "$1" = --no-stderr ]; then
		_check_err=0
		shift
	fi
	_label=$1
	_ok=1
	if ! cmp -s "$TMPD/$_label.native.status" "$TMPD/$_label.umvisor.status"; then
		echo "--- $_label: exit status native $(cat "$TMPD/$_label.native.status")," \
			"under umvisor $(cat "$TMPD/$_label.umvisor.status")" >&2
		_ok=0
	fi
	if ! cmp -s "$TMPD/$_label.native.out" "$TMPD/$_label.umvisor.out"; then
		show_diff stdout "$_label" out
		_ok=0
	fi
	if [ "$_check_err" = 1 ] &&
	   ! cmp -s "$TMPD/$_label.native.err" "$TMPD/$_label.umvisor.err"; then
		show_diff stderr "$_label" err
		_ok=0
	fi
	if [ "$_ok" = 0 ]; then
		echo "--- $_label: umvisor stderr:" >&2
		cat "$TMPD/$_label.umvisor.err" >&2
		fail "$_label: the run under umvisor differs from the native run${2:+: $2}"
	fi
	expect_counted "$_label"
	echo "ok: $_label: same stdout$([ "$_check_err" = 1 ] && echo ", stderr"), status $(cat "$TMPD/$_label.native.status")"
}

# expect_counted LABEL: the count module's table exists and is not empty.
# A monitor that dies of a mirrored signal cannot write it, so that case is
# not checked (status >= 128).
expect_counted() {
	[ "${UMV_TEST_NATIVE:-0}" = 1 ] && return 0
	[ "${NO_COUNT_CHECK:-0}" = 1 ] && return 0
	_st=$(cat "$TMPD/$1.umvisor.status" 2>/dev/null || echo 0)
	[ "$_st" -ge 128 ] && return 0
	[ -s "$TMPD/$1.count" ] ||
		fail "$1: the count module wrote no table to $TMPD/$1.count: was anything trapped?"
}

# expect_status LABEL SIDE N: the recorded status of one side is N.
expect_status() {
	_got=$(cat "$TMPD/$1.$2.status")
	[ "$_got" = "$3" ] || {
		cat "$TMPD/$1.$2.err" >&2
		fail "$1: $2 run exited with status $_got, expected $3"
	}
}

# need_guest NAME: the path of a built guest program, or a hard error.
need_guest() {
	[ -x "$GUESTS/$1" ] || hard_error "guest $GUESTS/$1 is not built"
	echo "$GUESTS/$1"
}

# wait_fifo_line FIFO: prints the first line written to FIFO, bounded. It
# runs in $(...), so call it as `x=$(wait_fifo_line F) || exit 1`.
wait_fifo_line() {
	timeout 10 head -n 1 "$1" || fail "nothing came through $1 within 10 s"
}

# proc_state PID: the one-letter state of PID from /proc/PID/stat.
proc_state() {
	sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null
}

# wait_state PID PATTERN: polls (bounded, 10 s) until PID's state matches
# PATTERN (a case pattern). Polling is not a race: it only waits longer.
wait_state() {
	[ -d "/proc/$1" ] || fail "pid '$1' does not exist (waiting for state $2)"
	_n=0
	while :; do
		# shellcheck disable=SC2254
		case $(proc_state "$1") in
		$2) return 0 ;;
		esac
		_n=$((_n + 1))
		[ "$_n" -ge 1000 ] && fail "pid $1 did not reach state $2 within 10 s (state: $(proc_state "$1"))"
		sleep 0.01
	done
}

# start_bg SIDE LABEL CMD...: starts CMD in the background, under the
# monitor when SIDE=umvisor, with SIGINT/SIGTERM/SIGHUP at their default
# action (a non-interactive shell ignores SIGINT in background jobs).
# Output goes to $TMPD/LABEL.SIDE.{out,err}; BG_PID is the pid of the monitor
# (umvisor) or of CMD (native), and the id of its process group: nobody else
# is in it. A watchdog kills it after $GUARD s.
# By default CMD leads a session of its own (setsid). With BG_JOB=1 it is a
# job of a job-control shell instead (bash -m, itself in a new session), as
# when a user starts it from an interactive shell: its own process group, not
# a session leader, and the shell waits for it across stops.
# BG_MODULE, if set, replaces the count module (the test then sets
# NO_COUNT_CHECK=1: there is no count table to check).
start_bg() {
	_side=$1
	_label=$2
	shift 2
	rm -f "$TMPD/$_label.$_side.hung" "$TMPD/$_label.$_side.pid"
	if [ "$_side" = umvisor ] && [ "${UMV_TEST_NATIVE:-0}" != 1 ]; then
		set -- "$UMVISOR" -m "${BG_MODULE:-count:out=$TMPD/$_label.count}" -- "$@"
	fi
	if [ "${BG_JOB:-0}" = 1 ]; then
		command -v bash >/dev/null || skip "bash is not installed (job-control shell)"
		# The job shell's own notices ("[1]+ Stopped") go to .jobshell.
		setsid bash -c '
			set -m
			out=$1 err=$2 pidfile=$3
			shift 3
			env --default-signal=INT,TERM,HUP "$@" </dev/null >"$out" 2>"$err" &
			pid=$!
			echo "$pid" >"$pidfile.tmp" && mv "$pidfile.tmp" "$pidfile"
			# wait also returns when the job stops: wait again until it is gone.
			while :; do
				wait "$pid"
				st=$?
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.05
			done
			exit "$st"' bash "$TMPD/$_label.$_side.out" "$TMPD/$_label.$_side.err" \
			"$TMPD/$_label.$_side.pid" "$@" </dev/null >"$TMPD/$_label.$_side.jobshell" 2>&1 &
		BG_SHELL=$!
		_n=0
		until [ -s "$TMPD/$_label.$_side.pid" ]; do
			_n=$((_n + 1))
			[ "$_n" -le 1000 ] || fail "$_label: the job shell did not start $1 within 10 s"
			sleep 0.01
		done
		BG_PID=$(cat "$TMPD/$_label.$_side.pid")
	else
		setsid env --default-signal=INT,TERM,HUP "$@" \
			</dev/null >"$TMPD/$_label.$_side.out" 2>"$TMPD/$_label.$_side.err" &
		BG_PID=$!
		BG_SHELL=$BG_PID
	fi
	# tail --pid ends as soon as BG_PID does; otherwise the watchdog fires.
	(
		if ! timeout "$GUARD" tail -s 0.1 --pid="$BG_PID" -f /dev/null; then
			: >"$TMPD/$_label.$_side.hung"
			kill -KILL "$BG_PID"
		fi
	) </dev/null >/dev/null 2>&1 &
	BG_WATCHDOG=$!
}

# finish_bg SIDE LABEL: waits for the background run and records its status;
# fails if the watchdog had to kill it.
finish_bg() {
	wait "$BG_SHELL"
	echo "$?" >"$TMPD/$2.$1.status"
	BG_PID=
	wait "$BG_WATCHDOG"
	if [ -e "$TMPD/$2.$1.hung" ]; then
		cat "$TMPD/$2.$1.err" >&2
		fail "$2: $1 run did not finish within $GUARD s (killed)"
	fi
}
