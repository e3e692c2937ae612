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
bb=$(command -v busybox || true)
if [ -n "$bb" ] && file -L "$bb" 2>/dev/null | grep -q 'statically linked'; then
	UMV_OPTS="-m count:out=/dev/null" same_as_native "$bb" sh -c 'echo static; ls / | wc -l'
else
	echo "note: no static busybox, static exec not tested" >&2
fi
exit 0
