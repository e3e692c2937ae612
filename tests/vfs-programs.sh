#!/bin/sh
# Real programs on a bound tree: tar round trip, a 6000-byte-deep tree,
# python3 os.walk + shutil, gcc compiling and running a program, sqlite3,
# git. Same output and tree as natively.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/vfs-lib.sh"

vfs_compare "tar round trip" mktree_basic '
T=$(mktemp) && tar -cf "$T" --sort=name --mtime=@0 --owner=0 --group=0 a x "sp ace" && mkdir out &&
tar -xf "$T" -C out && tar -tvf "$T" --full-time | awk "{print \$1, \$6}"
ls -lR --time-style=+ out | grep -v "^total"; rm -f "$T"'

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

if command -v python3 >/dev/null 2>&1; then
cat >"$TMPD/flags.py" <<'PY'
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
B = os.environ["B"]
def t(name, f):
    try:
        r = f()
        print(name, "ok", "" if r is None or isinstance(r, int) else r)
    except OSError as e:
        print(name, errno.errorcode.get(e.errno, e.errno))
class How(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64), ("resolve", ctypes.c_uint64)]
def openat2(dfd, path, flags, resolve):
    how = How(flags, 0, resolve)
    fd = libc.syscall(437, dfd, path.encode(), ctypes.byref(how), ctypes.sizeof(how))
    if fd < 0:
        raise OSError(ctypes.get_errno(), "openat2")
    os.close(fd)
t("creat through dangling link", lambda: os.close(os.open("x/dangling", os.O_CREAT | os.O_WRONLY, 0o644)))
t("dangling target now exists", lambda: os.stat("x/nowhere").st_size)
t("O_EXCL on a link", lambda: os.open("a/rel", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
t("O_NOFOLLOW on a link", lambda: os.open("a/rel", os.O_RDONLY | os.O_NOFOLLOW))
t("O_DIRECTORY on a file", lambda: os.open("a/f1", os.O_RDONLY | os.O_DIRECTORY))
t("O_TMPFILE", lambda: os.close(os.open("a", os.O_TMPFILE | os.O_WRONLY, 0o600)))
t("trailing slash create", lambda: os.open("newfile/", os.O_CREAT | os.O_WRONLY, 0o644))
t("lstat loop", lambda: os.lstat("x/loop1").st_mode >> 12)
t("stat loop", lambda: os.stat("x/loop1"))
t("stat through link", lambda: os.stat(B + "/x/up/c/f3").st_size)
t("openat2 BENEATH ok", lambda: openat2(-100, "a/b/f2", os.O_RDONLY, 0x08))
t("openat2 BENEATH escape", lambda: openat2(-100, "../tree", os.O_RDONLY, 0x08))
t("openat2 BENEATH abs link", lambda: openat2(os.open("x", os.O_RDONLY), "up/c/f3", os.O_RDONLY, 0x08))
t("openat2 NO_SYMLINKS", lambda: openat2(-100, "a/rel", os.O_RDONLY, 0x04))
t("openat2 IN_ROOT abs", lambda: openat2(os.open("a", os.O_RDONLY), "/b/f2", os.O_RDONLY, 0x10))
t("openat2 absolute", lambda: openat2(-100, B + "/a/b/f2", os.O_RDONLY, 0))
t("access W_OK", lambda: os.access("a/f1", os.W_OK))
t("utime", lambda: os.utime("a/f1", (1, 2)))
t("mtime", lambda: os.stat("a/f1").st_mtime)
t("chmod via link", lambda: os.chmod("a/rel", 0o600))
t("mode", lambda: oct(os.stat("a/f1").st_mode & 0o777))
t("rename dir into itself", lambda: os.rename("a", "a/b/a"))
t("rename over dir", lambda: os.rename("a/f1", "x"))
t("link to dir", lambda: os.link("a", "a2"))
t("mkdir existing", lambda: os.mkdir("a"))
t("rmdir nonempty", lambda: os.rmdir("a"))
t("unlink dir", lambda: os.unlink("a"))
t("symlink existing", lambda: os.symlink("t", "a/f1"))
t("xattr set", lambda: os.setxattr("a/f1", "user.k", b"v"))
t("xattr get", lambda: os.getxattr("a/rel", "user.k"))
t("xattr list nofollow", lambda: os.listxattr("a/rel", follow_symlinks=False))
t("truncate", lambda: os.truncate("a/rel", 1))
t("size", lambda: os.stat("a/f1").st_size)
t("statvfs", lambda: os.statvfs("a").f_bsize > 0)
t("chdir file", lambda: os.chdir("a/f1"))
t("chdir link", lambda: os.chdir("x/up"))
t("cwd", lambda: os.getcwd().replace(B, "@B@"))
PY
export PYPROG=$TMPD/flags.py
vfs_compare "open flags, openat2 RESOLVE_*, errors of every kind" mktree_basic 'python3 "$PYPROG"'
fi
