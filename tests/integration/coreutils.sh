#!/bin/sh
# Coreutils pipelines give the same output and status under umvisor -m count.
. "$top_srcdir/tests/integration/lib.sh"

compare ls-sort-head sh -c 'ls -la /usr/bin | sort | head -n 40'
compare find-wc sh -c 'find /usr/share/doc -maxdepth 2 | wc -l'
compare seq-sha256 sh -c 'seq 1 100000 | sha256sum'
# A failing pipeline stage: the status of the last one, the message of the
# failing one.
compare ls-missing sh -c 'ls /nonexistent-umvisor-test 2>&1 | cat; exit 3'
