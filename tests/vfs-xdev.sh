#!/bin/sh
# rename and link between two binds whose host directories share a file
# system: natively those are two mounts and the kernel answers EXDEV (mv
# then copies and unlinks); under umvisor the binds must behave the same.
# The native side uses real bind mounts in a private mount namespace.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/vfs-lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
command -v unshare >/dev/null 2>&1 || skip "unshare not installed (native bind mounts)"
unshare -m true 2>/dev/null || skip "unshare -m refused (not root?): no native bind mounts to compare with"

# top: the outer bind; h1 bound at top/one and again at top/three, h2 at
# top/two.
mktrees() {
	mkdir -p "$1/top/one" "$1/top/two" "$1/top/three" "$1/top/d" "$1/h1/sub" "$1/h2" &&
	echo f >"$1/h1/f" && echo g >"$1/h1/g" && echo s >"$1/h1/sub/s" &&
	echo t >"$1/top/t" && echo u >"$1/top/u" && echo h >"$1/h2/h"
}
mkdir -p "$TMPD/n" "$TMPD/u" && mktrees "$TMPD/n" && mktrees "$TMPD/u" || hard_error "mktrees"

cat >"$TMPD/xdev.py" <<'PY'
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def t(name, f):
    try:
        f()
        print(name, "ok")
    except OSError as e:
        print(name, errno.errorcode.get(e.errno, e.errno))
def renameat2(od, o, nd, n, flags):
    if libc.syscall(316, od, o.encode(), nd, n.encode(), flags) < 0:
        raise OSError(ctypes.get_errno(), "renameat2")
one = os.open("one", os.O_RDONLY | os.O_DIRECTORY)
two = os.open("two", os.O_RDONLY | os.O_DIRECTORY)
t("rename across binds", lambda: os.rename("one/f", "two/f"))
t("rename absolute", lambda: os.rename(os.environ["B"] + "/one/f", os.environ["B"] + "/two/f"))
t("rename to the outer bind", lambda: os.rename("one/f", "f"))
t("rename from the outer bind", lambda: os.rename("t", "two/t"))
t("rename dir across binds", lambda: os.rename("one/sub", "two/sub"))
t("rename to the same host dir bound twice", lambda: os.rename("one/f", "three/f2"))
t("rename missing source across binds", lambda: os.rename("one/nosuch", "two/x"))
t("rename into a missing dir across binds", lambda: os.rename("one/f", "two/nodir/x"))
t("renameat across binds", lambda: os.rename("f", "f", src_dir_fd=one, dst_dir_fd=two))
t("renameat2 across binds", lambda: renameat2(one, "f", two, "f", 0))
t("renameat2 NOREPLACE across binds", lambda: renameat2(one, "f", two, "h", 1))
t("renameat2 EXCHANGE across binds", lambda: renameat2(one, "f", two, "h", 2))
t("link across binds", lambda: os.link("one/f", "two/lf"))
t("linkat across binds", lambda: os.link("f", "lf", src_dir_fd=one, dst_dir_fd=two))
t("link to the outer bind", lambda: os.link("one/f", "lf"))
t("rename within a bind", lambda: os.rename("one/f", "one/f3"))
t("renameat within a bind", lambda: os.rename("f3", "f", src_dir_fd=one, dst_dir_fd=one))
t("rename dir within a bind", lambda: os.rename("one/sub", "one/sub2"))
t("link within a bind", lambda: os.link("one/f", "one/lf"))
t("rename within the outer bind", lambda: os.rename("u", "d/u"))
t("link within the outer bind", lambda: os.link("t", "d/lt"))
os.chdir("one")
t("relative rename across binds", lambda: os.rename("g", "../two/g"))
t("relative rename within", lambda: os.rename("g", "../one/g2"))
PY
cat >"$TMPD/xdev.sh" <<'SH'
python3 "$PYPROG" && mv one/g2 two/ && echo "mv across binds: $?" &&
mv one/sub2 two/ && echo "mv dir across binds: $?" && ls one two three | sed "s|$B|@B@|"
SH
export PYPROG=$TMPD/xdev.py
N=$TMPD/n
(cd "$N/top" && B=$N/top timeout "$VFS_TIMEOUT" unshare -m sh -c "
	mount --bind '$N/h1' '$N/top/one' && mount --bind '$N/h2' '$N/top/two' &&
	mount --bind '$N/h1' '$N/top/three' && sh '$TMPD/xdev.sh'") >"$TMPD/n.out" 2>"$TMPD/n.err"
nrc=$?
grep -q "rename across binds EXDEV" "$TMPD/n.out" ||
	{ cat "$TMPD/n.err" >&2; hard_error "natively, bind mounts did not give EXDEV"; }
U=$TMPD/u
B=$GUESTDIR timeout "$VFS_TIMEOUT" "$UMVISOR" -b "$U/top:$GUESTDIR" -b "$U/h1:$GUESTDIR/one" \
	-b "$U/h2:$GUESTDIR/two" -b "$U/h1:$GUESTDIR/three" -w "$GUESTDIR" \
	-- sh "$TMPD/xdev.sh" >"$TMPD/u.out" 2>"$TMPD/u.err"
urc=$?
if ! diff -u "$TMPD/n.out" "$TMPD/u.out" >&2; then
	head -20 "$TMPD/u.err" >&2
	fail "rename/link across binds: output differs"
fi
[ "$nrc" = "$urc" ] || { cat "$TMPD/u.err" >&2; fail "exit $nrc natively, $urc under umvisor"; }
(cd "$N" && find . -printf '%p %y %s %n\n' | LC_ALL=C sort) >"$TMPD/n.tree"
(cd "$U" && find . -printf '%p %y %s %n\n' | LC_ALL=C sort) >"$TMPD/u.tree"
diff -u "$TMPD/n.tree" "$TMPD/u.tree" >&2 || fail "rename/link across binds: trees differ"
echo "ok: rename/link across binds (EXDEV), within a bind, mv across binds"
