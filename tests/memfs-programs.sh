#!/bin/sh
# memfs: real programs on files in the tree, compared with the same work
# natively on a tmpfs directory: python3 (rename, links, truncate, pwrite,
# mmap), sqlite3 (journal and WAL, whose -shm file is a shared mapping),
# a shared mapping's writes seen by another opener, exec of a
# busybox-static copied in, gcc building and running a program there, git
# (commits, gc, fsck).
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/memfs-lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || skip "python3 not installed"
command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 not installed"
NAT=$(native_tmpfs_dir) || skip "no tmpfs for the native reference"
trap 'rm -rf "$TMPD" "$NAT"' EXIT

cat >"$TMPD/work.py" <<'PY'
import mmap, os, subprocess, sys
os.chdir(sys.argv[1])
with open('data.txt', 'w') as f:
    for i in range(2000):
        f.write('line %d\n' % i)
with open('data.txt', 'r+') as f:
    f.seek(100); f.write('XX'); f.seek(0, 2); print('size', f.tell())
os.rename('data.txt', 'renamed.txt')
os.link('renamed.txt', 'hard.txt')
os.symlink('renamed.txt', 'soft.txt')
os.mkdir('sub'); os.rename('hard.txt', 'sub/hard.txt')
print(sorted(os.listdir('.')), os.stat('sub/hard.txt').st_nlink, os.readlink('soft.txt'))
os.truncate('renamed.txt', 50)
print('truncated', os.path.getsize('sub/hard.txt'), open('soft.txt').read()[:12])
fd = os.open('p.bin', os.O_RDWR | os.O_CREAT, 0o600)
os.pwrite(fd, b'abc', 10)
print('pread', os.pread(fd, 13, 0))
os.ftruncate(fd, 8192)
m = mmap.mmap(fd, 8192, mmap.MAP_SHARED)
m[0:5] = b'hello'
m[4096:4101] = b'world'
# Another process, another open file: the shared pages, no msync.
other = subprocess.run(['dd', 'if=p.bin', 'bs=1', 'skip=4096', 'count=5', 'status=none'],
                       capture_output=True).stdout
print('other opener sees', open('p.bin', 'rb').read(5), other)
# and the other way round: a write() shows in the mapping
with open('p.bin', 'r+b') as f:
    f.seek(6000); f.write(b'viaw')
print('mapping sees', m[6000:6004])
m.close(); os.close(fd)
for e in sorted(os.scandir('.'), key=lambda e: e.name):
    print(e.name, e.is_dir(follow_symlinks=False), e.is_symlink())
PY

cat >"$TMPD/work.sh" <<'EOF2'
set -e
exec 2>&1	# the guest's errors belong in the comparison
cd "$1"
"$PY" "$TMPD/work.py" "$1"
sqlite3 j.db "create table t(a integer primary key, b text);
  with recursive c(x) as (select 1 union all select x + 1 from c where x < 5000)
  insert into t select x, hex(randomblob(20)) from c;
  create index tb on t(b); delete from t where a % 3 = 0;
  select count(*), sum(a) from t; pragma integrity_check;"
sqlite3 w.db "pragma journal_mode=wal; create table t(a); insert into t values (1), (2), (3);
  select sum(a) from t;"
# a second connection while the first holds the WAL's shared memory
sqlite3 w.db "insert into t values (4); select sum(a) from t; pragma integrity_check;"
sqlite3 w.db "pragma wal_checkpoint(truncate); select count(*) from t;"
mkdir bin
cp /bin/busybox bin/busybox
./bin/busybox echo exec ok
"$1/bin/busybox" sh -c 'echo busybox sh: $(./bin/busybox cat renamed.txt | ./bin/busybox wc -c)'
if command -v gcc >/dev/null 2>&1; then
	printf '#include <stdio.h>\nint main(void) { puts("built and run"); return 0; }\n' >h.c
	gcc -O1 -o h h.c && ./h
fi
if command -v git >/dev/null 2>&1; then
	git init -q repo && cd repo
	git config user.email t@example.org && git config user.name t
	seq 1 500 >f && git add f && git commit -qm one
	seq 1 600 >f && git commit -qam two && git gc -q
	git log --format=%s && git fsck --no-progress >/dev/null && echo "git ok"
	cd ..
fi
ls -1 | sort
EOF2

(PY=$PY TMPD=$TMPD sh "$TMPD/work.sh" "$NAT") >"$TMPD/native.out" 2>&1 || {
	cat "$TMPD/native.out" >&2; hard_error "the work fails natively"; }
PY=$PY TMPD=$TMPD memfs_run "" sh "$TMPD/work.sh" "$MEMG" >"$TMPD/memfs.out" 2>&1 || {
	cat "$TMPD/memfs.out" "$TMPD/mon.err" >&2; fail "the work fails in memfs"; }
if ! cmp -s "$TMPD/native.out" "$TMPD/memfs.out"; then
	diff -u "$TMPD/native.out" "$TMPD/memfs.out" >&2
	fail "memfs output differs from native tmpfs"
fi
grep -q "other opener sees b'hello' b'world'" "$TMPD/memfs.out" || fail "shared mapping not seen"
grep -q "^exec ok" "$TMPD/memfs.out" || fail "exec of busybox copied into memfs"
echo "ok: python3, sqlite3 (journal, WAL), shared mmap, exec, gcc, git: same as native tmpfs"

# With a limit the write family is trapped: the same work must still match.
PY=$PY TMPD=$TMPD memfs_run "size=64M" sh "$TMPD/work.sh" "$MEMG" >"$TMPD/memfs2.out" 2>&1 || {
	cat "$TMPD/memfs2.out" "$TMPD/mon.err" >&2; fail "the work fails in memfs with size=64M"; }
cmp -s "$TMPD/native.out" "$TMPD/memfs2.out" || {
	diff -u "$TMPD/native.out" "$TMPD/memfs2.out" >&2; fail "size=64M: output differs from native"; }
echo "ok: the same with size=64M"
# Nothing of the tree is left on the host.
[ -e "$MEMG" ] && fail "$MEMG exists on the host"
exit 0
