#!/bin/sh
# Garbage pointers to every decoded struct argument kind, and huge iovec
# counts (1<<20 with garbage arrays, garbage bases, an array ending at an
# unmapped page): the same errors as natively, and the monitor survives,
# also under the trace module, whose printer reads all of it.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/hostile/lib.sh"

for g in $GUESTS; do
	UMV_OPTS="-m count"
	same_as_native "$g" garbage
	same_as_native "$g" iovec
	# the trace module prints every argument: the printer reads the garbage
	UMV_OPTS="-m trace:out=$TMPD/trace.txt"
	same_as_native "$g" garbage
	grep -q '^[0-9]* *uname(0x1) *= -1 EFAULT' "$TMPD/trace.txt" ||
		fail "$g: no 'uname(0x1) = -1 EFAULT' in the trace"
	same_as_native "$g" iovec
	grep -q 'writev(.*= -1 EINVAL' "$TMPD/trace.txt" || fail "$g: no writev EINVAL in the trace"
	echo "$(basename "$g"): garbage pointers and huge iovec counts: as natively, under count and trace"
done
