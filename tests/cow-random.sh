#!/bin/sh
# cow: differential runs of seeded random operation sequences (including
# "." and ".." names, renames onto ancestors and into descendants, rmtree
# of merged directories, links of lower files) natively on a copy and in a
# cow view, in both whiteout formats: every errno and the final tree must
# match, and the lower tree must not change.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/cow-lib.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
SEEDS=${COW_RANDOM_SEEDS:-12}
OPS=${COW_RANDOM_OPS:-70}

mktree() {
	mkdir -p "$1/a0/b1" "$1/c2" && echo x >"$1/a0/f" && echo y >"$1/a0/b1/g" &&
		echo z >"$1/c2/h" && ln -s a0/f "$1/s1"
}
for mode in xattr marker; do
	if [ $mode = xattr ] && ! xattrs_usable "$TMPD"; then
		echo "no user xattrs: xattr whiteouts not run" >&2
		continue
	fi
	seed=1
	while [ $seed -le "$SEEDS" ]; do
		s=$((seed * 7919))
		rm -rf "$TMPD/low" "$TMPD/ref" "$TMPD/up"
		mktree "$TMPD/low" && mktree "$TMPD/ref" || hard_error mktree
		lower_snapshot "$TMPD/low"
		python3 "$top_srcdir/tests/cow-random.py" "$TMPD/ref" $s "$OPS" >"$TMPD/native.out" 2>&1 ||
			hard_error "seed $s natively"
		UMVISOR_COW_WHITEOUTS=$mode cow_run "$TMPD/low" "$TMPD/up" \
			python3 "$top_srcdir/tests/cow-random.py" "$TMPD/low" $s "$OPS" ||
			{ cat "$TMPD/cow.err" >&2; fail "seed $s ($mode): exit status"; }
		if ! cmp -s "$TMPD/native.out" "$TMPD/cow.out"; then
			diff -a -u "$TMPD/native.out" "$TMPD/cow.out" | head -30 >&2
			fail "seed $s ($mode): the view differs from native"
		fi
		lower_check "$TMPD/low" "seed $s ($mode)"
		seed=$((seed + 1))
	done
done
exit 0
