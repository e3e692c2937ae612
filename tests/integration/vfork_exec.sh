#!/bin/sh
# vfork + exec, vfork + _exit, vfork + failing exec.
. "$top_srcdir/tests/integration/lib.sh"
compare vfork_exec "$(need_guest vfork_exec)"
expect_status vfork_exec native 0
