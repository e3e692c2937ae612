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

# Modules' directories (umv_private_dir): cow's working directory (in
# $TMPDIR) and memfs's tree (on a tmpfs), swept the same way by the next
# instance of the same module; a memfs tree kept after a failed save is
# renamed out of the pattern and stays.
export UMVISOR_MODULE_PATH="${UMVISOR_MODULE_PATH:-$top_builddir/.libs}"
[ -f "$top_builddir/.libs/cow.so" ] && [ -f "$top_builddir/.libs/memfs.so" ] ||
	hard_error "cow.so and memfs.so are not built"
in_dir() { (cd "$1" && ls -d "$2"* 2>/dev/null | sort | tr '\n' ' '); }
mkdir -p "$TMPD/lower" "$T/umvisor-cow.STALE2/absent" "$T/umvisor-cow.LIVE02" || hard_error "mkdir"
rm -f "$TMPD/locked" "$TMPD/release"
mkfifo "$TMPD/locked" "$TMPD/release"
flock "$T/umvisor-cow.LIVE02" sh -c "echo >'$TMPD/locked'; read -r _ <'$TMPD/release'" &
locker=$!
read -r _ <"$TMPD/locked"
"$UMVISOR" -m "cow:lower=$TMPD/lower,guest=/no/such/cow" -- true ||
	fail "a cow run beside stale directories"
echo >"$TMPD/release"
wait "$locker"
[ "$(in_dir "$T" umvisor-cow)" = "umvisor-cow.LIVE02 " ] ||
	fail "cow's directories after the sweep: '$(in_dir "$T" umvisor-cow)'"
echo "ok: cow swept umvisor-cow.STALE2, kept the locked umvisor-cow.LIVE02"

SHM=""
[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && SHM=$(mktemp -d /dev/shm/umv-privdir.XXXXXX)
if [ -n "$SHM" ]; then
	trap 'rm -rf "$TMPD" "$SHM"' EXIT
	mkdir -p "$SHM/umvisor-memfs.STALE3/x" "$SHM/umvisor-memfs-kept.KEPT01" || hard_error "mkdir"
	"$UMVISOR" -m "memfs:guest=/no/such/mem,tmpfs=$SHM" -- true || fail "a memfs run"
	[ "$(in_dir "$SHM" umvisor-memfs)" = "umvisor-memfs-kept.KEPT01 " ] ||
		fail "memfs's directories after the sweep: '$(in_dir "$SHM" umvisor-memfs)'"
	# A failed save keeps the tree under the kept name, and says where.
	"$UMVISOR" -m "memfs:guest=/no/such/mem,tmpfs=$SHM,save=/proc/no-save" -- \
		sh -c 'echo x >/no/such/mem/f' 2>"$TMPD/save.err"
	kept=$(sed -n 's/.*the tree is left in \(.*\)$/\1/p' "$TMPD/save.err")
	case $kept in
	"$SHM"/umvisor-memfs-kept.*) [ -f "$kept/f" ] || fail "the kept tree $kept lacks the file" ;;
	*) cat "$TMPD/save.err" >&2; fail "a failed save did not keep the tree under the kept name" ;;
	esac
	"$UMVISOR" -m "memfs:guest=/no/such/mem,tmpfs=$SHM" -- true || fail "a memfs run"
	[ -d "$kept" ] || fail "the next memfs run removed the kept tree $kept"
	echo "ok: memfs swept umvisor-memfs.STALE3; kept trees stay ($kept)"
else
	echo "note: /dev/shm is no tmpfs here: memfs's sweep is not tested" >&2
fi
exit 0
