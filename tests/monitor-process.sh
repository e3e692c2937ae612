#!/bin/sh
# Process life cycle: many children, exec from a thread, vfork, a daemon
# that outlives its parent (the monitor waits for it), static binaries.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/monitor-lib.sh"

for opts in "" "-m count:out=/dev/null"; do
	UMV_OPTS=$opts
	same_as_native "$GUEST" fork 200
	same_as_native "$GUEST" vfork-exec sh -c 'exit 9'
	same_as_native "$GUEST" thread-exec "$GUEST" fork 3
	same_as_native "$GUEST" leader-exit
	same_as_native "$GUEST" own-filter
	rm -f "$TMPD/daemon"
	"$UMVISOR" $opts -- "$GUEST" daemon "$TMPD/daemon" || fail "daemon run ($opts)"
	# The daemon writes 0.3 s after its parent exited: we waited for it.
	[ -s "$TMPD/daemon" ] || fail "umvisor returned before the daemon finished ($opts)"
done
# New threads whose first stop comes before their parent's fork event are
# adopted later: forced by holding fork events back.
export UMVISOR_TEST_DEFER_FORK_EVENTS=1
for opts in "" "-m count:out=/dev/null" "-m emulate-getppid"; do
	UMV_OPTS=$opts
	same_as_native "$GUEST" fork 50
	same_as_native "$GUEST" vfork-exec sh -c 'exit 4'
	same_as_native "$GUEST" thread-exec sh -c 'exit 3'
	"$UMVISOR" --stats $opts -- "$GUEST" threads 20 >/dev/null 2>"$TMPD/stats" || fail "threads ($opts)"
	grep -q "first stop before the parent's event [1-9]" "$TMPD/stats" ||
		fail "the orphan path was not taken ($opts): $(grep events "$TMPD/stats")"
done
out=$("$UMVISOR" -m emulate-getppid -- "$GUEST" untraced3)
expect_eq "clone3 child adopted late" "child getppid=4242" "$out"
unset UMVISOR_TEST_DEFER_FORK_EVENTS

bb=$(command -v busybox || true)
if [ -n "$bb" ] && file -L "$bb" 2>/dev/null | grep -q 'statically linked'; then
	UMV_OPTS="-m count:out=/dev/null" same_as_native "$bb" sh -c 'echo static; ls /usr | wc -l'
else
	echo "note: no static busybox, static exec not tested" >&2
fi
exit 0
