#!/bin/sh
# python3 with threads, subprocesses and multiprocessing (fork), see
# python_workload.py.
. "$top_srcdir/tests/integration/lib.sh"
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3) || skip "python3 is not installed"

compare python "$py" "$top_srcdir/tests/integration/python_workload.py"
