#!/bin/sh
# A thread calls execve while its siblings (and the main thread) block in
# trapped syscalls; a process SIGKILLs itself while threads block in
# trapped syscalls. Same output and status as natively, no hang.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/hostile/lib.sh"

LIMIT=30
for g in $GUESTS; do
	same_as_native "$g" exec-from-thread
	grep -qx 'exec done' "$TMPD/umv.out" || fail "$g: exec from a thread did not run the new image"
	same_as_native "$g" sigkill-self
	[ "$rc" = 137 ] || fail "$g: SIGKILL to itself: exit $rc, want 137 (128+9, as the shell reports it)"
	grep -q survived "$TMPD/umv.out" && fail "$g: the guest survived its SIGKILL"
	echo "$(basename "$g"): exec from a thread and SIGKILL inside trapped calls: as natively"
done
