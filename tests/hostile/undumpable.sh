#!/bin/sh
# The monitor makes itself undumpable after it forks the guest: a same-uid
# guest cannot open /proc/MONITOR/mem or environ, whose files then belong to
# root. Only visible to an unprivileged uid (root has CAP_SYS_PTRACE), so
# the test drops to nobody with setpriv when it runs as root.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/hostile/lib.sh"

if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux) to drop root"
	as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
	# nobody must be able to reach the build tree
	$as_user test -x "$HOSTILE" || skip "uid 65534 cannot execute $HOSTILE (build tree not world-readable)"
else
	as_user=
fi
out=$($as_user "$UMVISOR" -m count -- "$HOSTILE" probe-parent-proc 2>"$TMPD/err")
rc=$?
[ "$rc" = 0 ] || { cat "$TMPD/err" >&2; fail "probe-parent-proc: exit $rc"; }
echo "$out" | grep -qx 'open_mem=EACCES' || fail "guest opened /proc/MONITOR/mem: $out"
echo "$out" | grep -qx 'open_environ=EACCES' || fail "guest opened /proc/MONITOR/environ: $out"
echo "$out" | grep -qx 'status_owner=root' || fail "/proc/MONITOR not root-owned: $out"
# UMVISOR_DUMPABLE=1 keeps the monitor dumpable (debugging): the same
# probe then succeeds, so the test above can fail.
out=$($as_user env UMVISOR_DUMPABLE=1 "$UMVISOR" -m count -- "$HOSTILE" probe-parent-proc 2>/dev/null)
echo "$out" | grep -qx 'open_mem=OK' || fail "UMVISOR_DUMPABLE=1: /proc/MONITOR/mem still closed: $out"
# and the guest still runs normally as that user
same=$($as_user "$UMVISOR" -m count -- "$HOSTILE" attack-parent 2>/dev/null | grep -c '=ESRCH$')
[ "$same" = 16 ] || fail "attack-parent as an unprivileged user: $same ESRCH lines, want 16"
echo "monitor undumpable: /proc/MONITOR/{mem,environ} refused to the guest"
