#!/bin/sh
# Garbage pointers to every decoded struct argument kind, and huge iovec
# counts (1<<20 with garbage arrays, garbage bases, an array ending at an
# unmapped page): the same errors as natively, and the monitor survives.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/hostile/lib.sh"

same_as_native "$HOSTILE" garbage
same_as_native "$HOSTILE" iovec
echo "garbage pointers and huge iovec counts: as natively"
