#!/bin/sh
# What the monitor changes in itself must not leak into the guest: signal
# mask and ignored signals, CPU affinity, resource limits, umask, environment,
# cwd, stdin. (Seccomp, NoNewPrivs and TracerPid differ by design and are not
# compared.)
. "$top_srcdir/tests/integration/lib.sh"
command -v bash >/dev/null || skip "bash is not installed"

compare proc-status sh -c 'grep -E "^(SigBlk|SigIgn|SigCgt|Cpus_allowed_list|Mems_allowed_list):" /proc/self/status'
compare limits bash -c 'ulimit -a; umask; nproc; pwd'
compare environment env
# A guest that reads its stdin gets all of it (the monitor reads none).
for side in native umvisor; do
	if [ "$side" = native ] || [ "${UMV_TEST_NATIVE:-0}" = 1 ]; then
		seq 1 20000 | timeout -k 3 "$GUARD" sha256sum
	else
		seq 1 20000 | timeout -k 3 "$GUARD" "$UMVISOR" -m "count:out=$TMPD/stdin.count" -- sha256sum
	fi >"$TMPD/stdin.$side.out" 2>"$TMPD/stdin.$side.err"
	echo "$?" >"$TMPD/stdin.$side.status"
done
compare_recorded stdin "seq | sha256sum (stdin through the monitor)"
