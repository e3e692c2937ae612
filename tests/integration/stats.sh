#!/bin/sh
# The engine's cost per trapped syscall, from `umvisor --stats`: every
# syscall-entry stop that needs no exit stop costs exactly one fetch
# (PTRACE_GET_SYSCALL_INFO or GETREGSET), at most two writes (skip + result)
# and one resume, and no other ptrace request. Checked with the count module
# (passes every call: no writes needed) on real workloads, 64-bit and i386,
# and with the emulate-getppid test module (skip + result: two writes).
#
# --stats prints on stderr, after the guest has exited:
#   umvisor: stats: entry stops N: per stop fetches F (max a) writes W (max b)
#     resumes R (max c) other O (max d); over budget X
#   umvisor: stats: exit stops ...
#   umvisor: stats: syscall NAME COUNT
. "$top_srcdir/tests/integration/lib.sh"
[ "${UMV_TEST_NATIVE:-0}" = 1 ] && skip "--stats needs the engine (UMV_TEST_NATIVE=1)"

# stats_field LABEL CLASS FIELD: one number from the CLASS (entry|exit) line:
# FIELD is stops, fetches, fetches_max, writes, writes_max, resumes,
# resumes_max, other, other_max or over_budget.
stats_field() {
	awk -v class="$2" -v field="$3" '
	$0 ~ "^umvisor: stats: " class " stops [0-9]+: per stop fetches [0-9.]+ \\(max [0-9]+\\) writes [0-9.]+ \\(max [0-9]+\\) resumes [0-9.]+ \\(max [0-9]+\\) other [0-9.]+ \\(max [0-9]+\\); over budget [0-9]+$" {
		gsub(/[():;]/, "")
		v["stops"] = $5; v["fetches"] = $9; v["fetches_max"] = $11
		v["writes"] = $13; v["writes_max"] = $15; v["resumes"] = $17
		v["resumes_max"] = $19; v["other"] = $21; v["other_max"] = $23
		v["over_budget"] = $26
		print v[field]; found = 1; exit
	}
	END { exit !found }' "$TMPD/$1.err"
}

# run_stats LABEL MODULE CMD...: runs CMD under the monitor with --stats.
run_stats() {
	_label=$1
	_module=$2
	shift 2
	timeout -k 3 "$GUARD" "$UMVISOR" --stats -m "$_module" -- "$@" \
		</dev/null >"$TMPD/$_label.out" 2>"$TMPD/$_label.err"
	_st=$?
	if [ "$_st" != 0 ]; then
		cat "$TMPD/$_label.err" >&2
		fail "$_label: umvisor --stats -m $_module -- $* exited with $_st"
	fi
	grep -q '^umvisor: stats: entry stops ' "$TMPD/$_label.err" || {
		cat "$TMPD/$_label.err" >&2
		fail "$_label: no 'umvisor: stats: entry stops' line in the --stats output"
	}
}

# check_budget LABEL MAX_WRITES: the invariant on the entry stops of LABEL.
check_budget() {
	stops=$(stats_field "$1" entry stops) || fail "$1: cannot parse the entry stops line"
	exits=$(stats_field "$1" exit stops) || fail "$1: cannot parse the exit stops line"
	[ "$stops" -gt 0 ] || fail "$1: no syscall was trapped (entry stops $stops)"
	# These modules never ask for an exit stop.
	[ "$exits" = 0 ] || fail "$1: $exits exit stops, but no module asked for one"
	problems=""
	[ "$(stats_field "$1" entry fetches_max)" = 1 ] &&
		[ "$(stats_field "$1" entry fetches)" = 1.00 ] ||
		problems="$problems fetches/stop=$(stats_field "$1" entry fetches) (max $(stats_field "$1" entry fetches_max)), want exactly 1;"
	[ "$(stats_field "$1" entry writes_max)" -le "$2" ] ||
		problems="$problems writes/stop max $(stats_field "$1" entry writes_max), want <= $2;"
	[ "$(stats_field "$1" entry resumes_max)" = 1 ] &&
		[ "$(stats_field "$1" entry resumes)" = 1.00 ] ||
		problems="$problems resumes/stop=$(stats_field "$1" entry resumes) (max $(stats_field "$1" entry resumes_max)), want exactly 1;"
	[ "$(stats_field "$1" entry other_max)" = 0 ] ||
		problems="$problems other requests/stop max $(stats_field "$1" entry other_max), want 0;"
	[ "$(stats_field "$1" entry over_budget)" = 0 ] ||
		problems="$problems the monitor itself counted $(stats_field "$1" entry over_budget) stops over budget;"
	if [ -n "$problems" ]; then
		grep '^umvisor: stats:' "$TMPD/$1.err" | head -5 >&2
		fail "$1: ptrace requests per trapped syscall:$problems"
	fi
	echo "ok: $1: $stops entry stops, each 1 fetch + <= $2 writes + 1 resume, nothing else"
}

run_stats coreutils count sh -c 'ls -la /usr/bin | sort | head -n 5; seq 1 10000 | sha256sum'
check_budget coreutils 2
run_stats fork200 count "$(need_guest fork200)"
check_budget fork200 2
run_stats clone3 count "$(need_guest clone3)"
check_budget clone3 2
if [ "${HAVE_M32:-no}" = yes ]; then
	run_stats fork200-m32 count "$(need_guest fork200-m32)"
	check_budget fork200-m32 2
else
	echo "note: no -m32 toolchain, i386 part skipped"
fi

# Emulation: the getppid guest calls it 7 times; each is skipped and
# answered (two writes on x86_64), on both arches.
emulated=getppid
[ "${HAVE_M32:-no}" = yes ] && emulated="$emulated getppid-m32 getppid-m32-static"
for g in $emulated; do
	run_stats "emulate-$g" emulate-getppid:value=31337 "$(need_guest "$g")"
	check_budget "emulate-$g" 2
	grep -qx 'getppid=31337' "$TMPD/emulate-$g.out" ||
		fail "emulate-$g: guest printed '$(cat "$TMPD/emulate-$g.out")'"
	grep -qx 'umvisor: stats: syscall getppid 7' "$TMPD/emulate-$g.err" || {
		grep '^umvisor: stats: syscall' "$TMPD/emulate-$g.err" >&2
		fail "emulate-$g: expected exactly 7 getppid stops"
	}
	echo "ok: emulate-$g: 7 getppid stops, each answered"
done
