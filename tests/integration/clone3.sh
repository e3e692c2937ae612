#!/bin/sh
# clone3 called directly, pthread_create and posix_spawn (clone3 in glibc
# 2.34+), and CLONE_UNTRACED, which must not let a child escape the monitor.
. "$top_srcdir/tests/integration/lib.sh"
compare clone3 "$(need_guest clone3)"
expect_status clone3 native 0
