#!/bin/sh
# memfs size=: ENOSPC at the limit (dd, truncate, fallocate, new names when
# full), statfs reporting the limit, space given back by rm, a write
# shortened at the edge, and a move in from another mount (EXDEV: mv
# copies up to the limit).
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/memfs-lib.sh"

cat >"$TMPD/limit.sh" <<'EOF2'
cd "$1" || exit 2
say() { echo "$*"; }
# statfs: 4 MiB in 4 KiB blocks, all free
say "statfs empty: $(stat -f -c '%S %b %f %a' .)"
dd if=/dev/zero of=big bs=1M count=8 2>"$2/dd.err"
say "dd status $? $(grep -c 'No space left on device' "$2/dd.err") size $(stat -c %s big)"
say "statfs full: $(stat -f -c '%b %a' .)"
touch new 2>/dev/null && say "created when full" || say "create refused"
touch big && say "touch of an existing name when full ok"
mkdir d 2>/dev/null && say "mkdir when full" || say "mkdir refused"
rm big
say "statfs after rm: $(stat -f -c '%b %a' .)"
truncate -s 8M t 2>/dev/null && say "truncate 8M ok" || say "truncate 8M refused"
rm -f t
truncate -s 3M t && say "truncate 3M ok size $(stat -c %s t)"
fallocate -l 2M f 2>/dev/null && say "fallocate 2M ok" || say "fallocate 2M refused"
fallocate -l 512K f && say "fallocate 512K ok"
# writing into the sparse 3M file does not grow it: already paid for
dd if=/dev/zero of=t bs=64K count=16 conv=notrunc status=none && say "overwrite in paid space ok"
rm -f t f
# one write larger than the room left: shortened, then ENOSPC
head -c 3000000 /dev/zero >a
python3 -c '
import os
fd = os.open("b", os.O_WRONLY | os.O_CREAT, 0o644)
n = os.write(fd, b"x" * 2000000)
print("short write", n < 2000000, n > 0)
try:
    os.write(fd, b"y" * 100000)
    print("second write passed")
except OSError as e:
    print("second write", e.strerror)
'
rm -f a b
dd if=/dev/zero of=big bs=1M count=3 status=none && say "space back: 3M ok"
# Another mount (the scratch directory outside the tree): rename is EXDEV,
# as between real mounts, so mv copies; a copy that does not fit stops at
# the limit and leaves its partial file (coreutils does so natively too),
# whose space comes back when it is removed. A rename inside the tree
# costs nothing, even when full.
head -c 2000000 /dev/zero >"$2/outside"
python3 -c '
import os, sys
try:
    os.rename(sys.argv[1], "in")
    print("rename in: moved")
except OSError as e:
    print("rename in:", e.strerror)
' "$2/outside"
mv "$2/outside" in 2>/dev/null && say "mv in: moved" || say "mv in: refused, partial $(stat -c %s in)"
say "statfs with the partial file: $(stat -f -c %a .)"
mv in in.renamed && say "rename within when full: moved"
rm -f "$2/outside" in.renamed
say "statfs without it: $(stat -f -c %a .)"
head -c 500000 /dev/zero >"$2/small" && mv "$2/small" in2 && say "small mv in: moved size $(stat -c %s in2)"
rm -f in2
# O_APPEND: the growth is counted from the end, whatever the fd's offset
python3 -c '
import os
fd = os.open("ap", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
os.write(fd, b"a" * 100)
os.lseek(fd, 0, os.SEEK_SET)
n = os.write(fd, b"b" * 2000000)
print("append shortened", 0 < n < 1048576, os.fstat(fd).st_size <= 1048576)
'
EOF2

memfs_run size=4M sh "$TMPD/limit.sh" "$MEMG" "$TMPD" >"$TMPD/out" 2>&1
st=$?
cat >"$TMPD/expected" <<'EOF2'
statfs empty: 4096 1024 1024 1024
dd status 1 1 size 4194304
statfs full: 1024 0
create refused
touch of an existing name when full ok
mkdir refused
statfs after rm: 1024 1024
truncate 8M refused
truncate 3M ok size 3145728
fallocate 2M refused
fallocate 512K ok
overwrite in paid space ok
short write True True
second write No space left on device
space back: 3M ok
rename in: Invalid cross-device link
mv in: refused, partial 1048576
statfs with the partial file: 0
rename within when full: moved
statfs without it: 256
small mv in: moved size 500000
append shortened True True
EOF2
if ! cmp -s "$TMPD/expected" "$TMPD/out"; then
	diff -u "$TMPD/expected" "$TMPD/out" >&2
	cat "$TMPD/mon.err" >&2
	fail "size=4M: unexpected behaviour"
fi
[ $st = 0 ] || fail "size=4M: exit $st"
echo "ok: size=4M: ENOSPC, statfs, shortened write, space given back"

# Without a limit statfs is the tmpfs's own (nothing trapped).
memfs_run "" stat -f -c %T "$MEMG" >"$TMPD/t" || fail "stat -f without a limit"
[ "$(cat "$TMPD/t")" = tmpfs ] || fail "no limit: statfs type $(cat "$TMPD/t")"
echo "ok: no limit: statfs is the tmpfs's"
exit 0
