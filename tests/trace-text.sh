#!/bin/sh
# Text trace: golden files of deterministic programs (single process, a
# fork with its SIGCHLD and wait, a process killed by a signal), threads,
# -t on stderr, filter=, path=, strsize=, summary.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/trace-lib.sh"

for mode in files fork kill; do
	"$UMVISOR" -o "$TMPD/$mode.txt" -- "$GUEST" $mode >/dev/null 2>"$TMPD/$mode.err"
	rc=$?
	case $mode in
	kill) [ $rc -eq 137 ] || fail "$mode: umvisor exit $rc, want 137 (SIGKILL)" ;;
	*) [ $rc -eq 0 ] || fail "$mode: umvisor exit $rc: $(cat "$TMPD/$mode.err")" ;;
	esac
	normalise_text "$TMPD/$mode.txt" | join_threads >"$TMPD/$mode.norm"
	if ! diff -u "$top_srcdir/tests/trace/golden/$mode.txt" "$TMPD/$mode.norm"; then
		fail "$mode: trace differs from tests/trace/golden/$mode.txt"
	fi
done

# Every line of a file trace starts with the tid, as strace -f -o does.
pid_lines=$(grep -c '^[0-9][0-9]* ' "$TMPD/fork.txt")
all_lines=$(wc -l <"$TMPD/fork.txt")
[ "$pid_lines" -eq "$all_lines" ] || fail "fork: $((all_lines - pid_lines)) lines without a tid prefix"
# Two processes interleave: the parent's wait4 is unfinished, then resumed.
grep -q 'wait4([0-9]*,  <unfinished \.\.\.>$' "$TMPD/fork.txt" || fail "fork: no '<unfinished ...>' wait4"
grep -q '<\.\.\. wait4 resumed>' "$TMPD/fork.txt" || fail "fork: no '<... wait4 resumed>'"

# Threads: the second thread's calls carry its own tid; both exits show.
"$UMVISOR" -o "$TMPD/threads.txt" -- "$GUEST" threads >/dev/null || fail "threads: umvisor failed"
normalise_text "$TMPD/threads.txt" | join_threads >"$TMPD/threads.norm"
grep -q '^T2 getppid() = T1$' "$TMPD/threads.norm" && fail "threads: getppid of a thread is the process's parent, not T1"
grep -q '^T2 getppid() = PPID$' "$TMPD/threads.norm" || fail "threads: no getppid from the second thread: $(cat "$TMPD/threads.norm")"
grep -q '^T2 exit(0) = ?$' "$TMPD/threads.norm" || fail "threads: no exit(0) = ? from the thread"
grep -q '^T2 +++ exited with 0 +++$' "$TMPD/threads.norm" || fail "threads: no thread exit line"
grep -q '^T1 exit_group(0) = ?$' "$TMPD/threads.norm" || fail "threads: no exit_group"

# -t alone writes to stderr, without prefixes while one thread runs.
"$UMVISOR" -t -- "$GUEST" files >/dev/null 2>"$TMPD/stderr.txt" || fail "-t: umvisor failed"
grep -q '^openat(AT_FDCWD, "/dev/null", O_RDONLY|O_CLOEXEC) = 3$' "$TMPD/stderr.txt" ||
	fail "-t: no unprefixed openat line on stderr"
grep -q '^+++ exited with 0 +++$' "$TMPD/stderr.txt" || fail "-t: no exit line"
# ... and with "[pid N] " once several run.
"$UMVISOR" -t -- "$GUEST" fork >/dev/null 2>"$TMPD/stderr-fork.txt" || fail "-t fork: umvisor failed"
grep -q '^\[pid  *[0-9]*\] getppid(' "$TMPD/stderr-fork.txt" || fail "-t fork: no [pid N] prefix"

# filter= names and classes, accumulated; everything else is not traced.
"$UMVISOR" -m trace:out="$TMPD/filter.txt",filter=read,filter=close -- "$GUEST" files >/dev/null ||
	fail "filter: umvisor failed"
grep -v '+++' "$TMPD/filter.txt" | grep -v ' read(\| close(' && fail "filter=read,filter=close let other calls through"
grep -q ' read(3, "", 64) *= 0$' "$TMPD/filter.txt" || fail "filter: read missing"
"$UMVISOR" -m trace:out="$TMPD/class.txt",filter=file -- "$GUEST" files >/dev/null || fail "filter=file failed"
grep -q 'openat(AT_FDCWD, "/nonexistent/umvisor-trace"' "$TMPD/class.txt" || fail "filter=file: openat missing"
grep -q ' read(' "$TMPD/class.txt" && fail "filter=file: read is not a file call"
"$UMVISOR" -m trace:out="$TMPD/bad.txt",filter=nosuchcall -- "$GUEST" files >/dev/null 2>&1 &&
	fail "filter=nosuchcall accepted"

# path= keeps only calls with a path under the prefix.
"$UMVISOR" -m trace:out="$TMPD/path.txt",path=/nonexistent -- "$GUEST" files >/dev/null || fail "path= failed"
[ "$(grep -vc '+++' "$TMPD/path.txt")" -eq 1 ] || fail "path=/nonexistent: want one call: $(cat "$TMPD/path.txt")"
grep -q '"/nonexistent/umvisor-trace"' "$TMPD/path.txt" || fail "path=: the call under the prefix is missing"

# strsize= shortens strings as strace -s does.
"$UMVISOR" -m trace:out="$TMPD/s.txt",strsize=3 -- "$GUEST" files >/dev/null || fail "strsize= failed"
grep -q 'write(1, "hel"\.\.\., 6)' "$TMPD/s.txt" || fail "strsize=3: write not cut: $(grep write "$TMPD/s.txt")"

# summary: a strace -c style table at the end.
"$UMVISOR" -m trace:out="$TMPD/sum.txt",summary -- "$GUEST" files >/dev/null || fail "summary failed"
grep -q '^% time     seconds  usecs/call     calls    errors syscall$' "$TMPD/sum.txt" || fail "summary: no header"
grep -q '^ *[0-9.]* *[0-9.]* *[0-9]* *[0-9]* *[0-9]* openat$' "$TMPD/sum.txt" || fail "summary: no openat row with errors"
tail -1 "$TMPD/sum.txt" | grep -q 'total$' || fail "summary: no total row"
exit 0
