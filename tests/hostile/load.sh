#!/bin/sh
# 1,000 short-lived processes (64 alive at a time) and 200 threads alive at
# once: all run, and the monitor's own fd count stays small (sampled from
# /proc/MONITOR/fd during the run; UMVISOR_DUMPABLE=1 lets an unprivileged
# test user read it).
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/hostile/lib.sh"

FD_LIMIT=64
for mode in "many-procs 1000" "many-threads 200"; do
	UMVISOR_DUMPABLE=1 "$UMVISOR" $UMV_OPTS -- "$HOSTILE" $mode >"$TMPD/out" 2>"$TMPD/err" &
	mpid=$!
	max=0
	samples=0
	while kill -0 "$mpid" 2>/dev/null; do
		n=$(ls "/proc/$mpid/fd" 2>/dev/null | wc -l)
		[ "$n" -gt "$max" ] && max=$n
		samples=$((samples + 1))
		[ "$samples" -gt 3000 ] && { kill -KILL "$mpid"; fail "$mode: still running after ~60 s"; }
		sleep 0.02
	done
	wait "$mpid"
	rc=$?
	[ "$rc" = 0 ] || { cat "$TMPD/err" >&2; fail "$mode: exit $rc"; }
	[ "$max" -lt "$FD_LIMIT" ] || fail "$mode: the monitor had $max fds open (limit $FD_LIMIT)"
	echo "$mode: ok, monitor fds at most $max over $samples samples; $(grep -v '^ ' "$TMPD/out" | tr '\n' ' ')"
done
