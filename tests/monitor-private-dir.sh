#!/bin/sh
# The monitor's private directories (synthetic parents of a bind, synthetic
# files): removed at a normal exit; one left by a monitor killed with
# SIGKILL is removed by the next monitor of the same user, while those of a
# live monitor (flock held), of other users and of other programs stay.
. "$top_srcdir/tests/lib/harness.sh"
command -v flock >/dev/null 2>&1 || skip "flock(1) is needed to hold a directory lock"

T=$TMPD/tmp
mkdir -p "$T" "$TMPD/host" || hard_error "mkdir"
export TMPDIR="$T"
left() { (cd "$T" && ls -d umvisor.* 2>/dev/null | sort | tr '\n' ' '); }

# A normal run leaves nothing.
"$UMVISOR" -b "$TMPD/host:/no/such/parent/x" -- ls /no/such/parent >/dev/null ||
	fail "a run with a synthetic parent"
[ -z "$(left)" ] || fail "a normal exit left: $(left)"

# Killed: the guest dies with it (PTRACE_O_EXITKILL), the directory stays.
mkfifo "$TMPD/ready"
"$UMVISOR" -b "$TMPD/host:/no/such/parent/x" -- sh -c "echo up >'$TMPD/ready'; exec sleep 300" &
mon=$!
read -r _ <"$TMPD/ready"
kill -9 "$mon"
wait "$mon" 2>/dev/null
killed=$(left)
[ -n "$killed" ] || fail "a killed monitor left no directory to test with"

# Beside it: a stale one with a read-only tree inside, a live one (locked),
# another program's, and (as root) another user's.
mkdir -p "$T/umvisor.STALE1/synth/a" && echo x >"$T/umvisor.STALE1/synth/a/f" &&
	chmod 0555 "$T/umvisor.STALE1/synth/a" "$T/umvisor.STALE1/synth" || hard_error "stale tree"
mkdir "$T/umvisor.LIVE01" "$T/umvisor-test.OTHER1" || hard_error "mkdir"
mkfifo "$TMPD/locked" "$TMPD/release"
flock "$T/umvisor.LIVE01" sh -c "echo >'$TMPD/locked'; read -r _ <'$TMPD/release'" &
locker=$!
read -r _ <"$TMPD/locked"
expect="umvisor.LIVE01 "
if [ "$(id -u)" = 0 ]; then
	mkdir "$T/umvisor.NOBODY" && chown 65534 "$T/umvisor.NOBODY" || hard_error "chown"
	expect="umvisor.LIVE01 umvisor.NOBODY "
fi

"$UMVISOR" -b "$TMPD/host:/no/such/parent/x" -- true || fail "the run after the kill"
echo >"$TMPD/release"
wait "$locker"
[ "$(left)" = "$expect" ] || fail "after the sweep: '$(left)', expected '$expect' (killed: $killed)"
[ -d "$T/umvisor-test.OTHER1" ] || fail "another program's directory was removed"
echo "ok: swept $killed and umvisor.STALE1; kept $expect umvisor-test.OTHER1"
exit 0
