#!/bin/sh
# 1. The synthetic parents of a bind (guest directories missing on the
#    host) are read-only directories: creating, removing or renaming in
#    them is EACCES, as natively for a user in a 0555 directory, while the
#    bind below stays writable. Native side: the same tree with 0555
#    parents, run as uid 65534.
# 2. A short guest path whose host path is longer than PATH_MAX (a bind of
#    a deep host directory) works as natively through a real bind mount
#    (native side: unshare -m), not ENAMETOOLONG.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/vfs-lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 not installed"

# compare NAME: $TMPD/n.out against $TMPD/u.out, exit statuses $nrc $urc.
compare() {
	if ! diff -u "$TMPD/n.out" "$TMPD/u.out" >&2; then
		head -20 "$TMPD/u.err" >&2
		fail "$1: output differs"
	fi
	[ "$nrc" = "$urc" ] || { cat "$TMPD/n.err" "$TMPD/u.err" >&2; fail "$1: exit $nrc natively, $urc under umvisor"; }
	echo "ok: $1"
}

cat >"$TMPD/synth.py" <<'PY'
import errno, os
B = os.environ["B"]
top = B.split("/no/")[0]
def t(name, f):
    try:
        r = f()
        print(name, "ok", "" if r is None else r)
    except OSError as e:
        print(name, errno.errorcode.get(e.errno, e.errno))
t("stat", lambda: os.path.isdir(top + "/no/such"))
t("list", lambda: os.listdir(top + "/no"))
t("mode", lambda: oct(os.stat(top + "/no/such").st_mode & 0o7777))
t("mkdir", lambda: os.mkdir(top + "/no/new"))
t("mkdir top", lambda: os.mkdir(top + "/new"))
t("creat", lambda: os.close(os.open(top + "/no/such/f", os.O_CREAT | os.O_WRONLY, 0o644)))
t("creat excl", lambda: os.close(os.open(top + "/no/f", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)))
t("creat on the dir", lambda: os.open(top + "/no/such", os.O_CREAT | os.O_WRONLY, 0o644))
t("open existing dir", lambda: os.close(os.open(top + "/no/such", os.O_RDONLY)))
t("symlink", lambda: os.symlink("x", top + "/no/l"))
t("mknod fifo", lambda: os.mkfifo(top + "/no/such/p"))
t("rmdir", lambda: os.rmdir(top + "/no/such"))
t("unlink", lambda: os.unlink(top + "/no/such"))
t("rename within", lambda: os.rename(top + "/no/such", top + "/no/such2"))
t("O_TMPFILE", lambda: os.close(os.open(top + "/no", os.O_TMPFILE | os.O_WRONLY, 0o600)))
t("O_TMPFILE in the bind", lambda: os.close(os.open(B, os.O_TMPFILE | os.O_WRONLY, 0o600)))
t("creat in the bind", lambda: os.close(os.open(B + "/inbind", os.O_CREAT | os.O_WRONLY, 0o644)))
t("mkdir in the bind", lambda: os.mkdir(B + "/dir"))
os.chdir(top + "/no/such")
t("relative creat", lambda: os.close(os.open("rel", os.O_CREAT | os.O_WRONLY, 0o644)))
t("relative mkdir", lambda: os.mkdir("reldir"))
d = os.open("parents", os.O_RDONLY | os.O_DIRECTORY)
t("mkdirat", lambda: os.mkdir("x", dir_fd=d))
t("unlinkat", lambda: os.unlink("mnt", dir_fd=d))
t("list after", lambda: sorted(os.listdir(".")))
PY

# The native run is as uid 65534: a python3 it may execute.
PY65534=
for p in /usr/bin/python3 /usr/local/bin/python3; do
	[ -x "$p" ] && setpriv --reuid=65534 --regid=65534 --clear-groups "$p" -c pass 2>/dev/null &&
		{ PY65534=$p; break; }
done
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null 2>&1 || [ -z "$PY65534" ]; then
	echo "not run: synthetic parents (needs root, setpriv and a python3 uid 65534 may run, to compare natively)"
else
	N=$TMPD/n
	mkdir -p "$N/top/no/such/parents/mnt" && chmod 0777 "$N/top/no/such/parents/mnt" &&
		chmod 0555 "$N/top/no/such/parents" "$N/top/no/such" "$N/top/no" "$N/top" &&
		chmod 0755 "$TMPD" "$N" || hard_error "native tree"
	(cd / && B=$N/top/no/such/parents/mnt timeout "$VFS_TIMEOUT" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$PY65534" "$TMPD/synth.py") \
		>"$TMPD/n.out" 2>"$TMPD/n.err"
	nrc=$?
	mkdir -p "$TMPD/u/mnt" || hard_error "mkdir"
	B=$GUESTDIR timeout "$VFS_TIMEOUT" "$UMVISOR" -b "$TMPD/u/mnt:$GUESTDIR" -w / \
		-- "$PY65534" "$TMPD/synth.py" >"$TMPD/u.out" 2>"$TMPD/u.err"
	urc=$?
	grep -q "^mkdir EACCES" "$TMPD/n.out" ||
		{ cat "$TMPD/n.err" >&2; hard_error "natively, a 0555 directory did not refuse uid 65534"; }
	compare "synthetic parents are read-only (EACCES), the bind below is not"
	[ -f "$TMPD/u/mnt/inbind" ] && [ -d "$TMPD/u/mnt/dir" ] || fail "creation in the bind did not land on the host"
fi

# 2. Host directory ~3000 bytes deep, and ~1300 more below it: the guest's
# absolute paths are short, the host's over PATH_MAX.
command -v unshare >/dev/null 2>&1 && unshare -m true 2>/dev/null ||
	{ echo "not run: long host paths (unshare -m refused: no native bind mount to compare with)"; exit 0; }
mkdeep() {	# DIR COUNT [FILE]: COUNT nested components of 100 bytes below DIR
	# (python: relative steps; a shell's cd may try the whole logical path)
	python3 - "$@" <<'PY'
import os, sys
os.chdir(sys.argv[1])
for i in range(int(sys.argv[2])):
    n = "c%099d" % i
    os.mkdir(n)
    os.chdir(n)
if len(sys.argv) > 3:
    open(sys.argv[3], "w").write("data\n")
print(os.getcwd() if len(os.getcwd()) < 4096 else "")
PY
}
SUB=
i=0; while [ $i -lt 13 ]; do SUB=$SUB/$(printf 'c%099d' $i); i=$((i + 1)); done
SUB=${SUB#/}
for side in n u; do
	mkdir -p "$TMPD/$side/long" && LONG=$(mkdeep "$TMPD/$side/long" 30) && [ -n "$LONG" ] ||
		hard_error "mkdeep"
	mkdeep "$LONG" 13 file >/dev/null || hard_error "deep file"
	eval "LONG_$side=\$LONG"
done
[ $((${#LONG_u} + ${#SUB})) -gt 4096 ] || hard_error "the host path is not longer than PATH_MAX"
cat >"$TMPD/long.py" <<'PY'
import errno, os
B = os.environ["B"]
d = os.path.join(B, os.environ["SUB"])
def t(name, f):
    try:
        r = f()
        print(name, "ok", "" if r is None else r)
    except OSError as e:
        print(name, errno.errorcode.get(e.errno, e.errno))
print(len(d) < 4096, len(d) - len(B))
t("stat", lambda: os.stat(d + "/file").st_size)
t("read", lambda: open(d + "/file").read().strip())
t("creat", lambda: open(d + "/new", "w").write("x"))
t("mkdir", lambda: os.mkdir(d + "/sub"))
t("mkdir again", lambda: os.mkdir(d + "/sub"))
t("symlink", lambda: os.symlink("file", d + "/l"))
t("readlink", lambda: os.readlink(d + "/l"))
t("lstat", lambda: os.lstat(d + "/l").st_mode >> 12)
t("stat via link", lambda: os.stat(d + "/l").st_size)
t("rename", lambda: os.rename(d + "/new", d + "/sub/new2"))
t("link", lambda: os.link(d + "/file", d + "/hard"))
t("chmod", lambda: os.chmod(d + "/file", 0o600))
t("mode", lambda: oct(os.stat(d + "/file").st_mode & 0o777))
t("utime", lambda: os.utime(d + "/file", (5, 6)))
t("list", lambda: sorted(os.listdir(d)))
t("list sub/", lambda: sorted(os.listdir(d + "/sub/")))
t("unlink", lambda: os.unlink(d + "/hard"))
t("rmdir nonempty", lambda: os.rmdir(d + "/sub"))
t("missing", lambda: os.stat(d + "/nosuch"))
t("dot", lambda: os.stat(d + "/sub/.").st_nlink)
t("access", lambda: os.access(d + "/file", os.R_OK))
os.chdir(d)
t("getcwd", lambda: os.getcwd().replace(B, "@B@") == "@B@/" + os.environ["SUB"])
t("relative read", lambda: open("file").read().strip())
t("walk", lambda: sum(len(f) for _, _, f in os.walk(B)))
PY
export SUB
N=$TMPD/n
mkdir -p "$N/mp" || hard_error "mkdir"
(cd / && B=$N/mp timeout "$VFS_TIMEOUT" unshare -m sh -c \
	"mount --bind \"\$0\" '$N/mp' && python3 '$TMPD/long.py'" "$LONG_n") >"$TMPD/n.out" 2>"$TMPD/n.err"
nrc=$?
grep -q "^read ok data" "$TMPD/n.out" || { cat "$TMPD/n.err" >&2; hard_error "natively, the bind mount did not work"; }
(cd / && B=$GUESTDIR timeout "$VFS_TIMEOUT" "$UMVISOR" \
	-b "$LONG_u:$GUESTDIR" -w / -- python3 "$TMPD/long.py") >"$TMPD/u.out" 2>"$TMPD/u.err"
urc=$?
compare "short guest paths to host paths longer than PATH_MAX"
