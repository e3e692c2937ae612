#!/bin/sh
# Real programs on a bound tree: tar round trip, a 6000-byte-deep tree,
# python3 os.walk + shutil, gcc compiling and running a program, sqlite3,
# git. Same output and tree as natively.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/vfs-lib.sh"

vfs_compare "tar round trip" mktree_basic '
tar -cf ../t.tar --sort=name --mtime=@0 --owner=0 --group=0 a x "sp ace" && mkdir out &&
tar -xf ../t.tar -C out && tar -tvf ../t.tar --full-time | awk "{print \$1, \$6}"
ls -lR --time-style=+ out | grep -v "^total"; rm -f ../t.tar'

# 6000 bytes of path below the bind: longer than PATH_MAX, walked by cd.
mktree_deep() {
	(cd "$1" && i=0 && while [ $i -lt 60 ]; do
		mkdir d123456789012345678901234567890123456789012345678901234567890123456789012345678901234567 &&
		cd d12345678901234567890123456789012345678901234567890123456789012345678901234567890123456* || exit 1
		i=$((i + 1))
	done && echo bottom >leaf)
}
vfs_compare "6000-byte-deep tree" mktree_deep '
i=0; while [ $i -lt 60 ]; do cd d1* || exit 1; i=$((i + 1)); done
cat leaf && echo new >new && ls && cd .. && ls d1*/ && pwd | wc -c && /bin/pwd 2>&1 | wc -c'

if command -v python3 >/dev/null 2>&1; then
vfs_compare "python3 os.walk, shutil, getcwd" mktree_basic '
python3 - <<PY
import os, shutil
for root, dirs, files in sorted(os.walk(".")):
    print(root, sorted(dirs), sorted(files))
shutil.copytree("a", "a2", symlinks=True)
shutil.rmtree("a2/b")
shutil.move("a2", "x/a2")
print(sorted(os.listdir("x/a2")))
os.chdir("x/up")
print(os.getcwd().replace(os.environ["B"], "@B@"), os.path.realpath(".").replace(os.environ["B"], "@B@"))
fd = os.open("c/f3", os.O_RDONLY)
print(os.readlink("/proc/self/fd/%d" % fd).replace(os.environ["B"], "@B@"))
try:
    os.stat("../x/loop1")
except OSError as e:
    print("stat loop:", e.errno)
PY'
else
	echo "not run: python3 (not installed)"
fi

if command -v gcc >/dev/null 2>&1; then
mktree_c() {
	mkdir -p "$1/src" && cat >"$1/src/main.c" <<'C'
#include <stdio.h>
#include "greet.h"
int main(void) { printf("%s\n", GREETING); return 0; }
C
	echo '#define GREETING "hello from the bind"' >"$1/src/greet.h"
}
vfs_compare "gcc compiles and runs a program in the bind" mktree_c '
cd src && gcc -o ../prog main.c && cd .. && ./prog && "$B/prog" && rm prog'
else
	echo "not run: gcc (not installed)"
fi

if command -v sqlite3 >/dev/null 2>&1; then
vfs_compare "sqlite3" mktree_basic '
sqlite3 db "create table t(x); insert into t values (1), (2);" && sqlite3 "$B/db" "select sum(x) from t;" && rm db'
fi

if command -v git >/dev/null 2>&1; then
vfs_compare "git init, commit, log" mktree_basic '
export GIT_AUTHOR_DATE=@0 GIT_COMMITTER_DATE=@0 HOME=$B
git init -q repo && cd repo && cp ../a/f1 . && git add f1 &&
git -c user.name=t -c user.email=t@t commit -qm one && git log --format=%H%n%s && git status --short
cd .. && rm -rf repo'
fi
