#!/bin/sh
# execve from a thread that is not the leader: the kernel gives the thread
# the leader's tid. strace -f prints the leader's call in flight as "= ?",
# "+++ superseded by execve in pid FORMER +++" under the leader's pid (after
# " <pid changed to PID ...>" when the execve's entry half was the last
# thing written), and the execve's result as the leader's "<... execve
# resumed>". The guest modes are deterministic; the lines around the
# takeover must be those strace 6.1 writes (tids normalised), and the
# JSON trace must say the same.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/trace-lib.sh"

# The takeover's lines: from the exec'ing thread's execve to its result.
takeover_lines() {
	awk '/execve\(.*"exec-done"/ { on = 1 } on { print } on && /<\.\.\. execve resumed>/ { exit }' "$1"
}

have_strace=no
if command -v strace >/dev/null 2>&1 && strace -f -o /dev/null true 2>/dev/null; then
	have_strace=yes
else
	echo "strace missing or cannot trace here: checking our lines only" >&2
fi

for mode in exec-vfork exec-spin exec-leader-exit; do
	env -i PATH=/usr/bin:/bin UMVISOR_MODULE_PATH="$UMVISOR_MODULE_PATH" \
		"$UMVISOR" -o "$TMPD/$mode.ours" -- "$GUEST" $mode >/dev/null 2>"$TMPD/$mode.err" ||
		fail "$mode: umvisor exit $?: $(cat "$TMPD/$mode.err")"
	normalise_text "$TMPD/$mode.ours" all >"$TMPD/$mode.on"
	takeover_lines "$TMPD/$mode.on" >"$TMPD/$mode.o"
	cat "$TMPD/$mode.o"
	# The shape, whatever strace says.
	grep -q '^T1 +++ superseded by execve in pid T2 +++$' "$TMPD/$mode.o" ||
		fail "$mode: no 'T1 +++ superseded by execve in pid T2 +++'"
	grep -q '^T1 <\.\.\. execve resumed>) = 0$' "$TMPD/$mode.o" ||
		fail "$mode: the execve result is not the leader's"
	case $mode in
	exec-vfork)
		grep -q '^T1 <\.\.\. clone resumed>) = ?$' "$TMPD/$mode.o" ||
			fail "$mode: the leader's clone in flight is not '= ?'"
		grep -q ' <unfinished \.\.\.>$' "$TMPD/$mode.o" || fail "$mode: execve not unfinished" ;;
	exec-spin|exec-leader-exit)
		grep -q '^T2 execve(".*", \[".*, "exec-done"\], 0xADDR /\* N vars \*/ <pid changed to T1 \.\.\.>$' "$TMPD/$mode.o" ||
			fail "$mode: no decoded execve ending in ' <pid changed to T1 ...>'" ;;
	esac
	if [ $mode = exec-leader-exit ]; then
		# "= ?" when the leader exits, not when the process ends.
		at_exit=$(grep -n '^T1 exit(0) = ?$' "$TMPD/$mode.on" | cut -d: -f1)
		at_exec=$(grep -n '^T2 execve(' "$TMPD/$mode.on" | cut -d: -f1)
		[ -n "$at_exit" ] && [ -n "$at_exec" ] && [ "$at_exit" -lt "$at_exec" ] ||
			fail "$mode: no 'T1 exit(0) = ?' before the execve"
	fi
	# The former tid never appears after the takeover, and the new image's
	# calls are the leader's.
	sed -n '/superseded/,$p' "$TMPD/$mode.on" | grep -q '^T2 ' &&
		fail "$mode: lines under the former tid after the takeover"
	grep -q '^T1 exit_group(0) = ?$' "$TMPD/$mode.on" || fail "$mode: no exit_group of the new image"
	[ "$(grep -c '+++ exited with' "$TMPD/$mode.on")" -eq 1 ] ||
		fail "$mode: want exactly one exit line: $(grep '+++' "$TMPD/$mode.on")"
	if [ $have_strace = yes ]; then
		env -i PATH=/usr/bin:/bin UMVISOR_MODULE_PATH="$UMVISOR_MODULE_PATH" strace -f -o "$TMPD/$mode.strace" "$GUEST" $mode >/dev/null 2>&1 ||
			hard_error "$mode: strace run failed"
		normalise_text "$TMPD/$mode.strace" all | takeover_lines /dev/stdin >"$TMPD/$mode.s"
		[ -s "$TMPD/$mode.s" ] || hard_error "$mode: no takeover in strace's output"
		diff -u "$TMPD/$mode.s" "$TMPD/$mode.o" || fail "$mode: takeover lines differ from strace's"
	fi

	# JSON: the leader's call (if any) without a result, a superseded
	# record, the execve under the leader's tid; every line valid.
	env -i PATH=/usr/bin:/bin UMVISOR_MODULE_PATH="$UMVISOR_MODULE_PATH" \
		"$UMVISOR" -m trace:out="$TMPD/$mode.jsonl",format=json -- "$GUEST" $mode >/dev/null ||
		fail "$mode: json run failed"
	"$VALIDATE" "$TMPD/$mode.jsonl" || fail "$mode: JSON trace does not validate"
	leader=$(head -1 "$TMPD/$mode.jsonl" | sed 's/.*"pid":\([0-9]*\).*/\1/')
	grep -q "\"type\":\"superseded\",.*\"pid\":$leader,\"tid\":$leader,\"former_tid\":[0-9]*}" \
		"$TMPD/$mode.jsonl" || fail "$mode: no superseded record for $leader"
	# One process all along (clone(CLONE_VFORK|CLONE_THREAD) makes a
	# thread, though the kernel reports it as a vfork event).
	pids=$(grep -o '"pid":[0-9]*' "$TMPD/$mode.jsonl" | sort -u | wc -l)
	[ "$pids" -eq 1 ] || fail "$mode: records of $pids processes, want 1"
	grep -q "\"tid\":$leader,\"arch\":\"[a-z0-9_]*\",\"syscall\":\"execve\",.*exec-done.*\"ret\":0," \
		"$TMPD/$mode.jsonl" || fail "$mode: the execve record is not under the leader's tid"
done
exit 0
