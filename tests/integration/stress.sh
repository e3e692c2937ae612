#!/bin/sh
# Races in the engine show up now and then, not every run: repeat the
# scenarios with the most concurrent events (exec from a thread while
# others run, 200 children exiting at once, clone3/posix_spawn).
. "$top_srcdir/tests/integration/lib.sh"
thread_exec=$(need_guest thread_exec)
fork200=$(need_guest fork200)
clone3=$(need_guest clone3)

for i in 1 2 3 4 5; do
	compare "thread_exec-$i" "$thread_exec"
	compare "fork200-$i" "$fork200"
	compare "clone3-$i" "$clone3"
done
# Several guests side by side, each with its own monitor.
for side in native umvisor; do
	pids=""
	for j in 1 2 3 4; do
		if [ "$side" = native ] || [ "${UMV_TEST_NATIVE:-0}" = 1 ]; then
			timeout -k 3 "$GUARD" "$thread_exec" >"$TMPD/par$j.$side.out" 2>&1 &
		else
			timeout -k 3 "$GUARD" "$UMVISOR" -m "count:out=$TMPD/par$j.count" -- "$thread_exec" \
				>"$TMPD/par$j.$side.out" 2>&1 &
		fi
		pids="$pids $!"
	done
	j=0
	for pid in $pids; do
		j=$((j + 1))
		wait "$pid"
		echo "$?" >"$TMPD/par$j.$side.status"
		: >"$TMPD/par$j.$side.err"
	done
done
for j in 1 2 3 4; do
	compare_recorded "par$j" "4 monitors at once, thread_exec"
done
