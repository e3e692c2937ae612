# Helpers for the path virtualization tests (sourced after
# tests/lib/harness.sh; not a test). The guest sees the host tree HOSTDIR at
# GUESTDIR, a path whose parents do not exist on the host.
export UMVISOR_MODULE_PATH="${UMVISOR_MODULE_PATH:-$top_builddir/.libs}"
[ -f "$top_builddir/.libs/bind.so" ] || hard_error "bind.so is not built"
GUESTTOP=/umv-vfs-test-$$
GUESTDIR=$GUESTTOP/no/such/parents/mnt
[ -e "$GUESTTOP" ] && hard_error "$GUESTTOP exists on the host"
# Each run is bounded: a hang fails the test instead of the suite.
VFS_TIMEOUT=${VFS_TIMEOUT:-60}

# vfs_compare NAME MKTREE SCRIPT: builds the same tree twice with MKTREE DIR,
# runs SCRIPT with sh, cwd at the tree and $B its absolute path, natively on
# one copy and under umvisor (tree bound at GUESTDIR) on the other. Output
# (with $B written as @B@), exit status and the trees afterwards must match.
vfs_compare() {
	name=$1 mktree=$2 script=$3
	rm -rf "$TMPD/n" "$TMPD/u"
	mkdir -p "$TMPD/n/tree" "$TMPD/u/tree" || hard_error "mkdir"
	$mktree "$TMPD/n/tree" || hard_error "$mktree"
	$mktree "$TMPD/u/tree" || hard_error "$mktree"
	(cd "$TMPD/n/tree" && B=$TMPD/n/tree timeout "$VFS_TIMEOUT" sh -c "$script") \
		>"$TMPD/n.out" 2>"$TMPD/n.err"
	nrc=$?
	B=$GUESTDIR timeout "$VFS_TIMEOUT" "$UMVISOR" -b "$TMPD/u/tree:$GUESTDIR" -w "$GUESTDIR" \
		-- sh -c "$script" >"$TMPD/u.out" 2>"$TMPD/u.err"
	urc=$?
	[ "$urc" = 124 ] && fail "$name: timed out under umvisor"
	sed "s|$TMPD/n/tree|@B@|g" "$TMPD/n.out" >"$TMPD/n.norm"
	sed "s|$GUESTDIR|@B@|g" "$TMPD/u.out" >"$TMPD/u.norm"
	if ! cmp -s "$TMPD/n.norm" "$TMPD/u.norm"; then
		diff -u "$TMPD/n.norm" "$TMPD/u.norm" | head -60 >&2
		echo "--- umvisor stderr:" >&2; head -20 "$TMPD/u.err" >&2
		fail "$name: output differs under umvisor"
	fi
	[ "$nrc" = "$urc" ] || { cat "$TMPD/u.err" >&2; fail "$name: exit $nrc natively, $urc under umvisor"; }
	# (a symlink's size is its body's length, which holds the base path)
	(cd "$TMPD/n/tree" && find . \( -type l -printf '%p l %l\n' \) -o -printf '%p %y %s %m %n\n' |
		LC_ALL=C sort) >"$TMPD/n.tree"
	(cd "$TMPD/u/tree" && find . \( -type l -printf '%p l %l\n' \) -o -printf '%p %y %s %m %n\n' |
		LC_ALL=C sort) >"$TMPD/u.tree"
	sed -i "s|$TMPD/n/tree|@B@|g" "$TMPD/n.tree"
	sed -i "s|$GUESTDIR|@B@|g" "$TMPD/u.tree"
	if ! cmp -s "$TMPD/n.tree" "$TMPD/u.tree"; then
		diff -u "$TMPD/n.tree" "$TMPD/u.tree" | head -60 >&2
		fail "$name: the trees differ afterwards"
	fi
	echo "ok: $name"
}

# A small tree: files, dirs, relative/absolute/dangling/looping links.
mktree_basic() {
	d=$1
	mkdir -p "$d/a/b/c" "$d/x" "$d/sp ace" &&
	echo one >"$d/a/f1" && echo two >"$d/a/b/f2" && echo three >"$d/a/b/c/f3" &&
	printf 'spaces\n' >"$d/sp ace/file with spaces" &&
	ln -s f1 "$d/a/rel" && ln -s ../a/b "$d/x/up" && ln -s nowhere "$d/x/dangling" &&
	ln -s loop2 "$d/x/loop1" && ln -s loop1 "$d/x/loop2" &&
	ln "$d/a/f1" "$d/x/hard"
}
