#!/bin/sh
# Garbage pointers to every decoded struct argument kind, and huge iovec
# counts (1<<20 with garbage arrays, garbage bases, an array ending at an
# unmapped page): the same errors as natively, and the monitor survives.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/hostile/lib.sh"

for g in $GUESTS; do
	same_as_native "$g" garbage
	same_as_native "$g" iovec
	echo "$(basename "$g"): garbage pointers and huge iovec counts: as natively"
done
