#!/bin/sh
# cow: a workload of changes (append, chmod, truncate, rm -rf and recreate,
# rename of a directory with children, rmdir of merged directories, fchmod
# and futimens through a read-only descriptor, links) run natively on a
# copy of a tree and under umvisor on a cow view of the tree itself: the
# listings (ls -laR), contents, os.walk and d_ino/stat coherence must match,
# the lower tree must be bit-for-bit unchanged, and a second run with the
# same upper= must see the same view. COW_MODE=marker: .wh. marker files.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/cow-lib.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
COW_MODE=${COW_MODE:-xattr}
if [ "$COW_MODE" = marker ]; then
	export UMVISOR_COW_WHITEOUTS=marker
else
	xattrs_usable "$TMPD" || skip "no user xattrs on ${TMPDIR:-/tmp} (cow-ops-marker.sh covers marker whiteouts)"
	export UMVISOR_COW_WHITEOUTS=xattr
fi

mktree() {
	mkdir -p "$1" && cd "$1" || return 1
	for i in 1 2 3 4 5 6; do echo "content of file$i" >file$i; done
	mkdir -p dir1/b dir2/sub dir3 emptydir
	echo a >dir1/a; echo c >dir1/b/c
	echo x >dir2/x; echo y >dir2/sub/y
	echo p >dir3/p; echo q >dir3/q
	ln -s file1 link
	mkfifo fifo
	chmod 751 dir2; chmod 640 file6
	touch -d @1600000000 file1 file2 file3 file4 file5 file6 dir1/a dir2/x
	cd - >/dev/null
}

WORK='set -e
cd "$B"
echo appended >>file1
chmod 600 file2
truncate -s 3 file3
rm -rf dir1
mkdir dir1
echo new >dir1/x
mv dir2 dir2moved
ln -s file1 sym2
rm file4
mkdir -p newdir/a/b
echo z >newdir/a/b/z
mv newdir/a newdir/c
touch -d @1000000000 file5
if rmdir dir3 2>/dev/null; then echo "rmdir of a non-empty merged dir succeeded"; fi
rm dir3/p dir3/q
rmdir dir3
mkdir dir3
echo "dir3 after recreate: [$(ls -A dir3)]"
python3 -c "
import os
fd = os.open(\"file6\", os.O_RDONLY)
os.fchmod(fd, 0o604)
os.utime(fd, (1, 2))
os.close(fd)
"
ln file5 file5link
mv file2 emptydir/file2
rmdir emptydir 2>/dev/null || echo "emptydir is not empty"
ls -laR --time-style=+T .
find . | LC_ALL=C sort
cat file1 file3 dir1/x dir2moved/x dir2moved/sub/y newdir/c/b/z
stat -c "%n %a %s %h" file2 emptydir/file2 file3 file5 file6 2>&1 || true
stat -c "%n %Y" emptydir/file2 file5 file6
python3 -c "
import os
for root, dirs, files in sorted(os.walk(\".\")):
    print(root, sorted(dirs), sorted(files))
bad = 0
for root, dirs, files in os.walk(\".\"):
    for e in os.scandir(root):
        st = os.lstat(e.path)
        if e.inode() != st.st_ino:
            bad += 1
            print(\"d_ino differs from stat:\", e.path)
        if e.is_dir(follow_symlinks=False) != (os.path.isdir(e.path) and not os.path.islink(e.path)):
            print(\"d_type differs from stat:\", e.path)
print(\"inode check done\", bad)
"
'

mktree "$TMPD/ref/tree" || hard_error mktree
mktree "$TMPD/low/tree" || hard_error mktree
L=$TMPD/low/tree
lower_snapshot "$L"

(B=$TMPD/ref/tree sh -c "$WORK") >"$TMPD/native.raw" 2>"$TMPD/native.err" || {
	cat "$TMPD/native.err" >&2; hard_error "the workload fails natively"; }
B=$L cow_run "$L" "$TMPD/up" sh -c "$WORK"
rc=$?
[ $rc = 0 ] || { cat "$TMPD/cow.err" >&2; fail "the workload exits $rc under cow ($COW_MODE)"; }
sed "s|$TMPD/ref/tree|@B@|g" "$TMPD/native.raw" | ls_norm >"$TMPD/native.out"
sed "s|$L|@B@|g" "$TMPD/cow.out" | ls_norm >"$TMPD/cow.norm"
if ! cmp -s "$TMPD/native.out" "$TMPD/cow.norm"; then
	diff -u "$TMPD/native.out" "$TMPD/cow.norm" | head -80 >&2
	head -20 "$TMPD/cow.err" >&2
	fail "cow view ($COW_MODE) differs from the native copy-then-modify reference"
fi
grep -q "inode check done 0" "$TMPD/cow.out" || fail "inode check did not run"
lower_check "$L" "workload ($COW_MODE)"

# The same upper again: the view persists (whiteouts, opaque directories).
LIST='cd "$B" && ls -laR --time-style=+T . && find . | LC_ALL=C sort && cat file1 dir1/x'
(B=$TMPD/ref/tree sh -c "$LIST") 2>&1 | sed "s|$TMPD/ref/tree|@B@|g" | ls_norm >"$TMPD/native2.out"
B=$L cow_run "$L" "$TMPD/up" sh -c "$LIST" || { cat "$TMPD/cow.err" >&2; fail "second run fails"; }
sed "s|$L|@B@|g" "$TMPD/cow.out" | ls_norm >"$TMPD/cow2.out"
if ! cmp -s "$TMPD/native2.out" "$TMPD/cow2.out"; then
	diff -u "$TMPD/native2.out" "$TMPD/cow2.out" | head -60 >&2
	fail "second run with the same upper= ($COW_MODE) does not see the first one's changes"
fi
lower_check "$L" "second run ($COW_MODE)"

# Without upper=: a private temporary upper, gone at exit.
B=$L cow_run "$L" - sh -c 'cd "$B" && echo changed >file1 && rm file2 && cat file1 && ls' ||
	{ cat "$TMPD/cow.err" >&2; fail "run with a temporary upper fails"; }
grep -q '^changed$' "$TMPD/cow.out" || fail "temporary upper: change not seen"
grep -q '^file2$' "$TMPD/cow.out" && fail "temporary upper: deleted file still listed"
lower_check "$L" "temporary upper ($COW_MODE)"
ls -d "${TMPDIR:-/tmp}"/umvisor-cow.* 2>/dev/null | while read -r d; do
	[ -d "$d/upper" ] && [ -f "$d/upper/file1" ] && grep -q changed "$d/upper/file1" &&
		echo "left behind: $d" >&2
done
exit 0
