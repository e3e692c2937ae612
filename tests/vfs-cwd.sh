#!/bin/sh
# The guest cwd follows its directory: a rename of an ancestor (by the
# process itself, by another guest process, by a process outside the
# guest), a removed cwd (getcwd ENOENT), and cwd shared through CLONE_FS
# and threads. Native-vs-umvisor.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/vfs-lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
cat >"$TMPD/cwd.py" <<'PY'
import os, subprocess, sys
B = os.environ["B"]
def cwd():
    try:
        return os.getcwd().replace(B, "@B@")
    except OSError as e:
        return "getcwd: %d" % e.errno
def show(what):
    print(what, cwd(), os.readlink("/proc/self/cwd").replace(B, "@B@").replace(" (deleted)", ""),
          os.path.exists("f2"), sorted(os.listdir("..")))
    sys.stdout.flush()
os.chdir("a/b")
show("start")
os.rename(B + "/a", B + "/z")
show("after renaming an ancestor")
subprocess.run(["mv", B + "/z", B + "/y"], check=True)
show("after another process renamed it")
print("child pwd:", subprocess.run(["sh", "-c", "pwd; /bin/pwd"], capture_output=True,
      text=True).stdout.replace(B, "@B@").split())
os.rename("../b", "../c")
show("after renaming the cwd itself")
os.rename(B + "/x", B + "/y/c/x")
show("after renaming something else")
os.mkdir(B + "/gone"); os.chdir(B + "/gone"); os.rmdir(B + "/gone")
print("removed cwd:", cwd())
os.chdir(B)
fd = os.open("y", os.O_RDONLY)
os.rename("y", "v")
os.chdir(fd)
print("fchdir to a renamed dir:", cwd())
PY
export PYPROG=$TMPD/cwd.py
vfs_compare "cwd across renames of its ancestors" mktree_basic 'python3 "$PYPROG"'

# A rename by a process outside the guest: the native run and the umvisor
# run each ask a helper on the host (through a fifo) to rename their tree's
# a to z while they sit in a/b.
cat >"$TMPD/outside.py" <<'PY'
import os
B = os.environ["B"]
os.chdir("a/b")
with open(os.environ["REQ"], "w") as f:
    f.write("go\n")
with open(os.environ["ACK"]) as f:
    f.read()
print(os.getcwd().replace(B, "@B@"), os.path.exists("f2"))
PY
outside() {	# SIDE: renames $TMPD/SIDE/tree/a once asked
	mkfifo "$TMPD/req" "$TMPD/ack" || hard_error "mkfifo"
	( read -r _ <"$TMPD/req" && mv "$TMPD/$1/tree/a" "$TMPD/$1/tree/z"; echo done >"$TMPD/ack" ) &
}
for side in n u; do
	rm -rf "$TMPD/$side" "$TMPD/req" "$TMPD/ack"
	mkdir -p "$TMPD/$side/tree" && mktree_basic "$TMPD/$side/tree" || hard_error "mktree"
	outside $side
	if [ $side = n ]; then
		(cd "$TMPD/n/tree" && B=$TMPD/n/tree REQ=$TMPD/req ACK=$TMPD/ack timeout "$VFS_TIMEOUT" \
			python3 "$TMPD/outside.py") >"$TMPD/n.out" 2>"$TMPD/n.err"
	else
		B=$GUESTDIR REQ=$TMPD/req ACK=$TMPD/ack timeout "$VFS_TIMEOUT" "$UMVISOR" \
			-b "$TMPD/u/tree:$GUESTDIR" -w "$GUESTDIR" -- python3 "$TMPD/outside.py" \
			>"$TMPD/u.out" 2>"$TMPD/u.err"
	fi
	wait
done
if ! diff -u "$TMPD/n.out" "$TMPD/u.out" >&2; then
	cat "$TMPD/u.err" >&2
	fail "cwd after a rename outside the guest: output differs"
fi
grep -q "^@B@/z/b True$" "$TMPD/n.out" || hard_error "natively: $(cat "$TMPD/n.out")"
echo "ok: cwd after a rename outside the guest (getcwd)"

# The resolution cache (a fast-path result kept for 1 ms) is forgotten
# when the guest changes the namespace: a directory replaced by an
# absolute symlink, right after its paths were resolved, is followed in the
# guest's namespace (the stale host path would reach the host's view).
cat >"$TMPD/cache.py" <<'PY'
import os
B = os.environ["B"]
def t(name, f):
    try:
        print(name, "ok", f())
    except OSError as e:
        print(name, "errno", e.errno)
for i in range(3):
    t("stat a/b/c/f3", lambda: os.stat("a/b/c/f3").st_size)
os.rename("a/b", "a/old"); os.symlink(B + "/a/old", "a/b")
t("through the new link", lambda: os.stat("a/b/c/f3").st_size)
t("its parent", lambda: os.path.realpath("a/b/c").replace(B, "@B@"))
os.unlink("a/b"); os.mkdir("a/b")
t("a fresh directory", lambda: sorted(os.listdir("a/b")))
t("the old file", lambda: os.stat("a/b/c/f3").st_size)
os.rmdir("a/b"); os.rename("a/old", "a/b")
t("back", lambda: os.stat("a/b/c/f3").st_size)
PY
export PYPROG=$TMPD/cache.py
vfs_compare "namespace changes right after resolutions" mktree_basic 'python3 "$PYPROG"'
UMVISOR_VFS_CACHE=0 vfs_compare "the same without the cache" mktree_basic 'python3 "$PYPROG"'

for prog in "$top_builddir/tests/vfs-clonefs" "$top_builddir/tests/vfs-clonefs32"; do
	case $prog in *32) [ "$HAVE_M32" = yes ] || { echo "not run: i386 CLONE_FS (no gcc -m32)"; continue; } ;; esac
	[ -x "$prog" ] || hard_error "$prog is not built"
	export PROG=$prog
	vfs_compare "cwd shared through CLONE_FS and threads ($(basename "$prog"))" mktree_basic '"$PROG"'
done
