#!/bin/sh
# sqlite3 (every journal mode, WAL with its -shm mapping, a reader while a
# writer holds the WAL) and git (init, add, commit, branch, merge, log,
# status, diff, mv, rm, gc) on a tree bound at a guest path whose parents do
# not exist on the host. Output and trees must match a native run; fixed
# author/committer dates make the commit hashes the same on both sides.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/vfs-lib.sh"

ran=0
if command -v sqlite3 >/dev/null 2>&1; then
ran=1
vfs_compare "sqlite3 journal modes" mktree_basic '
for mode in delete truncate persist memory off wal; do
	sqlite3 "db-$mode" <<SQL || echo "$mode failed"
pragma journal_mode=$mode;
create table t(k integer primary key, v text);
begin; insert into t(v) values ("one"), ("two"); commit;
begin; insert into t(v) values ("rolled back"); rollback;
create index iv on t(v); update t set v = upper(v) where k = 2;
SQL
	sqlite3 "$B/db-$mode" "select k, v from t order by k; pragma integrity_check;" ||
		echo "$mode reread failed"
	ls "db-$mode"* | sort
done
# WAL: a second connection reads while the first holds a write
# transaction open; then a checkpoint folds the WAL back.
sqlite3 db-wal <<SQL
begin immediate; insert into t(v) values ("pending");
.shell sqlite3 db-wal "select count(*) from t"
.shell ls db-wal-wal db-wal-shm
commit;
pragma wal_checkpoint(truncate);
select count(*) from t;
SQL
ls db-wal*
sqlite3 db-wal ".dump" | head -5
sqlite3 a/b/c/db2 "create table u(x); insert into u values (42);" &&
sqlite3 "$B/a/b/c/db2" "attach \"$B/db-wal\" as w; select x, (select count(*) from w.t) from u;"
rm -f db-* a/b/c/db2*'
fi

if command -v git >/dev/null 2>&1; then
ran=1
vfs_compare "git init, add, commit, branch, merge, log, status, diff" mktree_basic '
export GIT_AUTHOR_DATE="@1000000000 +0000" GIT_COMMITTER_DATE="@1000000000 +0000"
export HOME=$B GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t \
	GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
git init -q -b main repo && cd repo &&
cp -a ../a ../x ../"sp ace" . && git add -A && git commit -qm one &&
echo change >>a/f1 && printf "new\n" >a/b/new && git status --short &&
git diff --stat && git diff a/f1 | tail -3 &&
git add -A && git commit -qm two && git checkout -qb side &&
git mv a/b/f2 moved && git rm -q x/hard && git commit -qm three &&
git checkout -q main && echo main >>a/b/c/f3 && git commit -qam four &&
git merge -q --no-edit side && git log --format="%H %s" --graph &&
git diff HEAD~2 --name-status | sort && git status --short --branch &&
git ls-files -s | sort && git gc -q && git count-objects -v | grep -v size &&
git fsck --no-progress 2>&1 && git rev-parse HEAD^{tree} &&
git show --stat --format=%s HEAD~1 && git blame -s a/f1 &&
cd .. && git -C "$B/repo" log --oneline -1 && realpath repo/.git | sed "s|$B|@B@|"
cd "$B" && rm -rf repo'
fi

[ $ran = 1 ] || skip "neither sqlite3 nor git is installed"
