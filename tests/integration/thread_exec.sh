#!/bin/sh
# exec from a non-leader thread while other threads make syscalls, 4 rounds.
. "$top_srcdir/tests/integration/lib.sh"
compare thread_exec "$(need_guest thread_exec)"
expect_status thread_exec native 0
