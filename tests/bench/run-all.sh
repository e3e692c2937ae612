#!/bin/sh
# Runs every benchmark named on the command line, each pinned to the same one
# CPU, so that the monitor and the guest (and every baseline: native, raw
# kernel primitives, proot) share the same placement. Each benchmark prints
#   bench: <name>: <ours> <unit> vs <baseline> <theirs> <unit> = <ratio>x
# lines; this script only runs them and reports ones that fail.
set -u
cpu=${UMVISOR_BENCH_CPU:-}
if [ -z "$cpu" ]; then
	# The last CPU we are allowed to run on: CPU 0 takes more interrupts.
	cpu=$(taskset -pc $$ 2>/dev/null | sed 's/.*: //; s/.*[,-]//')
fi
pin=""
if command -v taskset >/dev/null 2>&1 && [ -n "$cpu" ]; then
	pin="taskset -c $cpu"
	echo "# placement: every runner pinned to CPU $cpu (monitor and guest share it)"
else
	echo "# placement: taskset unavailable, runners not pinned"
fi
status=0
for b in "$@"; do
	case "$b" in
	*.sh) cmd="sh ${top_srcdir:-.}/$b" ;;
	*) cmd="./$b" ;;
	esac
	if ! $pin $cmd; then
		echo "bench: $b: FAILED (exit $?)" >&2
		status=1
	fi
done
exit $status
