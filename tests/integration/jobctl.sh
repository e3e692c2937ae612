#!/bin/sh
# Process-management semantics a tracer can break: a child's stop and
# continue seen by its real parent (WUNTRACED/WCONTINUED), SIGCHLD ignored
# (kernel reaping), a read across a signal with and without SA_RESTART, and
# the main thread calling pthread_exit while another thread ends the process,
# and prctl(PR_SET/GET_DUMPABLE), which the monitor answers itself.
. "$top_srcdir/tests/integration/lib.sh"
jobctl=$(need_guest jobctl)
compare jobctl "$jobctl"
expect_status jobctl native 0
compare jobctl-leader "$jobctl" leader
expect_status jobctl-leader native 7
compare dumpable "$(need_guest dumpable)"
expect_status dumpable native 0
