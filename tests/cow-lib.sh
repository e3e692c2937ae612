# Helpers for the cow module tests (sourced after tests/lib/harness.sh).
export UMVISOR_MODULE_PATH="${UMVISOR_MODULE_PATH:-$top_builddir/.libs}"
[ -f "$top_builddir/.libs/cow.so" ] || hard_error "cow.so is not built"
COW_TIMEOUT=${COW_TIMEOUT:-120}

# tree_state DIR: everything about DIR that a change could touch: names,
# types, modes, owners, sizes, mtimes, link targets, link counts and every
# file's content hash (xattrs too, where python3 can read them).
tree_state() {
	(cd "$1" && find . -printf '%p %y %m %U:%G %s %T@ %n %l\n' | LC_ALL=C sort &&
		find . -type f -exec sha256sum {} + | LC_ALL=C sort &&
		if command -v python3 >/dev/null 2>&1; then
			python3 -c '
import os, sys
for root, dirs, files in sorted(os.walk(".")):
    for n in sorted(dirs + files):
        p = os.path.join(root, n)
        try:
            for a in sorted(os.listxattr(p, follow_symlinks=False)):
                print(p, a, os.getxattr(p, a, follow_symlinks=False).hex())
        except OSError as e:
            print(p, "xattr", e.errno)
'
		fi)
}

# lower_snapshot DIR / lower_check DIR WHAT: the lower tree must be
# bit-for-bit what it was.
lower_snapshot() { tree_state "$1" >"$TMPD/lower.before" || hard_error "tree_state $1"; }
lower_check() {
	tree_state "$1" >"$TMPD/lower.after" || hard_error "tree_state $1"
	if ! cmp -s "$TMPD/lower.before" "$TMPD/lower.after"; then
		diff -u "$TMPD/lower.before" "$TMPD/lower.after" | head -40 >&2
		fail "$2: the lower tree changed"
	fi
}

# cow_run LOWER UPPER(or -) CMD...: CMD under umvisor with LOWER seen at its
# own path; stdout/stderr to $TMPD/cow.out/cow.err; returns the exit status.
cow_run() {
	lower=$1 upper=$2
	shift 2
	opt="lower=$lower"
	[ "$upper" = - ] || opt="$opt,upper=$upper"
	timeout "$COW_TIMEOUT" "$UMVISOR" -m "cow:$opt" -- "$@" >"$TMPD/cow.out" 2>"$TMPD/cow.err"
	rc=$?
	[ $rc = 124 ] && fail "timed out under umvisor: $*"
	return $rc
}

# ls_norm: ls -la output without what legitimately differs between a cow
# view and a native copy: times, "total" blocks, directories' link counts
# and sizes (a merged directory's are its upper copy's).
ls_norm() {
	awk '/^total / { next }
	     NF >= 7 { d = substr($1, 1, 1) == "d"; o = $1 " " $3 " " $4 " " (d ? "-" : $5);
		       for (i = 7; i <= NF; i++) o = o " " $i; print o; next }
	     { print }'
}

# xattrs_usable DIR: can user.* xattrs be set on files in DIR?
xattrs_usable() {
	python3 -c 'import os, sys; p = sys.argv[1] + "/.xattr-probe"; open(p, "w").close()
try:
    os.setxattr(p, "user.probe", b"1")
finally:
    os.unlink(p)' "$1" 2>/dev/null
}
