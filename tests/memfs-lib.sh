# Helpers for the memfs tests (sourced after tests/lib/harness.sh; not a
# test). The tree appears at MEMG, a guest path missing on the host.
export UMVISOR_MODULE_PATH="${UMVISOR_MODULE_PATH:-$top_builddir/.libs}"
[ -f "$top_builddir/.libs/memfs.so" ] || hard_error "memfs.so is not built"
MEMG=/umv-memfs-test-$$/mnt
[ -e "/umv-memfs-test-$$" ] && hard_error "/umv-memfs-test-$$ exists on the host"
MEMFS_TIMEOUT=${MEMFS_TIMEOUT:-120}

# A native reference directory on a tmpfs, like memfs's own backing.
native_tmpfs_dir() {
	for d in /dev/shm "${XDG_RUNTIME_DIR:-}" /run/shm /tmp; do
		[ -n "$d" ] && [ -d "$d" ] && [ -w "$d" ] || continue
		[ "$(stat -f -c %T "$d" 2>/dev/null)" = tmpfs ] || continue
		mktemp -d "$d/umv-memfs-native.XXXXXX" && return 0
	done
	return 1
}

# memfs_run OPTS CMD...: umvisor -v -m memfs:guest=$MEMG,OPTS -- CMD, with
# the monitor's log in $TMPD/mon.err; the private directory it used is
# checked to be gone afterwards. Returns the guest's status.
memfs_run() {
	opts=$1
	shift
	timeout "$MEMFS_TIMEOUT" "$UMVISOR" -v -m "memfs:guest=$MEMG${opts:+,$opts}" -- "$@" 2>"$TMPD/mon.err"
	st=$?
	[ $st = 124 ] && { cat "$TMPD/mon.err" >&2; fail "timed out: $*"; }
	priv=$(sed -n 's/.*memfs: tree at .* in \(.*\), limit.*/\1/p' "$TMPD/mon.err" | head -1)
	[ -n "$priv" ] || { cat "$TMPD/mon.err" >&2; fail "no private directory in the log: $*"; }
	if ! grep -q "the tree is left in" "$TMPD/mon.err"; then
		[ -e "$priv" ] && fail "private directory $priv left behind"
	fi
	return $st
}
