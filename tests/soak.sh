#!/bin/sh
# Soak: a build loop (generate C files, gcc, link, run, tar, chown -R,
# chmod -R, a subshell, rm -rf) under bind + fakeroot + trace for
# SOAK_MINUTES (default 30), sampling the monitor's RSS and open fds every
# SOAK_INTERVAL seconds (default 5). Fails when, after the warm-up
# (SOAK_WARMUP seconds, default a fifth of the run, at most 120), the RSS
# grows more than SOAK_RSS_SLACK_KB (default 1024) above its value at the
# end of the warm-up, when the fds exceed 64, or when the monitor dies,
# hangs or reports an internal error. Not in make check: `make soak`
# (doc/reliability.md). Prints one line per sample and a summary.
#
# Run from a build tree: make soak SOAK_MINUTES=30, or by hand with
# top_srcdir, UMVISOR and UMVISOR_MODULE_PATH set.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/fakeroot-lib.sh"

minutes=${SOAK_MINUTES:-30}
interval=${SOAK_INTERVAL:-5}
slack=${SOAK_RSS_SLACK_KB:-1024}
duration=$((minutes * 60))
warmup=${SOAK_WARMUP:-$((duration / 5 < 120 ? duration / 5 : 120))}
command -v gcc >/dev/null 2>&1 || skip "gcc is needed for the build loop"
FR_TIMEOUT=$((duration + 300))

work=$(user_dir work)
host=$(user_dir host)
cat >"$TMPD/loop.sh" <<'EOF'
# The guest: one build per iteration until the stop file appears.
cd /soak || exit 1
i=0
while [ ! -e "$1/stop" ]; do
	i=$((i + 1))
	mkdir -p b/src && cd b || exit 1
	for k in 1 2 3 4; do printf 'int f%d(int x) { return x * %d; }\n' $k $k >src/f$k.c; done
	printf '#include <stdio.h>\nint f3(int);\nint main(void) { printf("%%d\\n", f3(%d)); return 0; }\n' $i >src/main.c
	for c in src/*.c; do gcc -O0 -c "$c" || exit 1; done
	gcc -o prog ./*.o || exit 1
	[ "$(./prog)" = $((i * 3)) ] || { echo "iteration $i: wrong result" >&2; exit 1; }
	tar cf out.tar src ./*.o prog || exit 1
	chown -R 0:0 . && chmod -R go-w . || exit 1
	[ "$(stat -c %u out.tar)" = 0 ] || { echo "iteration $i: chown not seen" >&2; exit 1; }
	(x=0; while [ $x -lt 20 ]; do x=$((x + 1)); done) &
	wait
	cd .. && rm -rf b || exit 1
	echo $i >"$1/iterations.tmp" && mv "$1/iterations.tmp" "$1/iterations"
done
EOF
chmod 644 "$TMPD/loop.sh"

# UMVISOR_DUMPABLE=1: an unprivileged test run can read /proc/MONITOR.
as_user sh -c "echo \$\$ >'$work/mon.pid'; UMVISOR_DUMPABLE=1 exec '$UMVISOR' \
	-b '$host:/soak' -m 'fakeroot:db=$work/owners.db' -m trace:out=/dev/null,format=json \
	-- sh '$TMPD/loop.sh' '$work'" >"$work/out" 2>"$work/err" &
job=$!
n=0
until [ -s "$work/mon.pid" ]; do
	n=$((n + 1)); [ $n -lt 200 ] || fail "the monitor never started"; sleep 0.05
done
mon=$(cat "$work/mon.pid")

start=$(date +%s)
base= max=0 maxfd=0 first=
echo "soak: ${minutes} min, sample every ${interval} s, warm-up ${warmup} s, slack ${slack} kB"
while :; do
	now=$(($(date +%s) - start))
	rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$mon/status" 2>/dev/null)
	[ -n "$rss" ] || { wait $job; fail "the monitor is gone after $now s (exit $?): $(tail -5 "$work/err")"; }
	fds=$(ls "/proc/$mon/fd" 2>/dev/null | wc -l)
	its=$(cat "$work/iterations" 2>/dev/null || echo 0)
	echo "soak: t=${now}s rss=${rss}kB fds=$fds iterations=$its"
	[ -n "$first" ] || first=$rss
	[ "$fds" -le 64 ] || fail "the monitor holds $fds fds"
	[ "$fds" -gt "$maxfd" ] && maxfd=$fds
	if [ $now -ge "$warmup" ]; then
		[ -n "$base" ] || base=$rss
		[ "$rss" -gt "$max" ] && max=$rss
	fi
	[ $now -ge $duration ] && break
	sleep "$interval"
done
last_its=$its
touch "$work/stop"
wait $job; rc=$?
[ $rc = 0 ] || fail "the guest or the monitor failed (exit $rc): $(tail -5 "$work/err")"
grep -E 'internal|AddressSanitizer|runtime error' "$work/err" >&2 && fail "the monitor reported an error"
[ -n "$base" ] || fail "the run ended before the warm-up did"
echo "soak: summary: ${minutes} min, $last_its builds; monitor RSS ${first} kB at start, ${base} kB after warm-up, ${rss} kB at the end, max ${max} kB after warm-up; fds max $maxfd"
[ $((max - base)) -le "$slack" ] ||
	fail "the monitor's RSS grew by $((max - base)) kB after the warm-up (slack $slack kB)"
exit 0
