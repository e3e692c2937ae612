#!/bin/sh
# cow: listings of merged directories through getdents64 and the old
# getdents (64-bit and, where gcc -m32 works, i386 guests): many small
# reads, d_off seeks, rewind, d_ino/d_type against fstatat, EINVAL for a
# buffer too small; the same names as a native copy-then-modify reference.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/cow-lib.sh"

mktree() {
	mkdir -p "$1/big/sub" || return 1
	i=0; while [ $i -lt 150 ]; do echo $i >"$1/big/file-with-a-longer-name-$i"; i=$((i + 1)); done
	ln -s file-with-a-longer-name-1 "$1/big/link"
	mkfifo "$1/big/fifo"
}
CHANGE='cd "$B/big" && rm file-with-a-longer-name-1[0-4] && rm -r sub && mkdir sub && echo n >new1 && echo n >new2 && mv file-with-a-longer-name-99 renamed && echo m >>file-with-a-longer-name-7'
mktree "$TMPD/ref" && mktree "$TMPD/low" || hard_error mktree
lower_snapshot "$TMPD/low"
(B=$TMPD/ref sh -c "$CHANGE") || hard_error "native changes"
B=$TMPD/low cow_run "$TMPD/low" "$TMPD/up" sh -c "$CHANGE" || { cat "$TMPD/cow.err" >&2; fail "changes in the view"; }
for prog in cow-dents cow-dents32; do
	[ -x "$top_builddir/tests/$prog" ] || { echo "$prog not built (no gcc -m32?)" >&2; continue; }
	"$top_builddir/tests/$prog" "$TMPD/ref/big" >"$TMPD/native.out" 2>&1 || hard_error "$prog natively"
	cow_run "$TMPD/low" "$TMPD/up" "$top_builddir/tests/$prog" "$TMPD/low/big" ||
		{ cat "$TMPD/cow.err" >&2; fail "$prog under cow"; }
	if ! cmp -s "$TMPD/native.out" "$TMPD/cow.out"; then
		diff -u "$TMPD/native.out" "$TMPD/cow.out" | head -40 >&2
		fail "$prog: listing differs from the native reference"
	fi
	grep -q '^problems: 0$' "$TMPD/cow.out" || fail "$prog: no verdict"
done
# unlinking while reading, on the merged directory (then its lower copy
# must still be whole)
for prog in cow-dents cow-dents32; do
	[ -x "$top_builddir/tests/$prog" ] || continue
	rm -rf "$TMPD/ref2" && cp -a "$TMPD/ref" "$TMPD/ref2" || hard_error cp
	"$top_builddir/tests/$prog" "$TMPD/ref2/big" delete >"$TMPD/native.out" 2>&1 || hard_error "$prog delete natively"
	rm -rf "$TMPD/up2" && cp -a "$TMPD/up" "$TMPD/up2" || hard_error cp
	cow_run "$TMPD/low" "$TMPD/up2" "$top_builddir/tests/$prog" "$TMPD/low/big" delete ||
		{ cat "$TMPD/cow.err" >&2; fail "$prog delete under cow"; }
	if ! cmp -s "$TMPD/native.out" "$TMPD/cow.out"; then
		diff -u "$TMPD/native.out" "$TMPD/cow.out" >&2
		fail "$prog: unlinking while reading differs from native"
	fi
done
lower_check "$TMPD/low" "listings"
exit 0
