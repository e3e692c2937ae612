#!/bin/sh
# AF_UNIX names on a bind (bind, connect, sendto, sendmsg, relative names),
# a host path longer than sun_path behind a short guest path, and
# fexecve/execveat of a program in the bind.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/vfs-lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
cat >"$TMPD/unix.py" <<'PY'
import os, socket, sys
base = os.environ["B"]
p = os.path.join(base, "sock")
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); srv.bind(p); srv.listen(1)
cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); cli.connect(p)
c, _ = srv.accept(); cli.sendall(b"ping"); print(c.recv(4), os.stat(p).st_mode >> 12)
print("names:", srv.getsockname().replace(base, "@B@"), cli.getpeername().replace(base, "@B@"))
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); dp = os.path.join(base, "dg"); d.bind(dp)
s2 = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s2.sendto(b"dgram", dp); print(d.recv(10))
s2.sendmsg([b"msg"], [], 0, dp); print(d.recv(10))
os.chdir("a"); r = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); r.bind("rel"); r.listen(1)
q = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); q.connect("../a/rel"); print("relative ok")
try:
    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect(os.path.join(base, "nosuch"))
except OSError as e:
    print("connect missing:", e.errno)
a = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); a.bind("\0abstract-%d" % os.getpid()); print("abstract ok")
# Peer names: clients bound to paths (absolute, relative) as accept,
# recvfrom and recvmsg report them.
k = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); k.bind(os.path.join(base, "client")); k.connect(p)
c2, peer = srv.accept(); print("accept peer:", peer.replace(base, "@B@"), c2.getpeername().replace(base, "@B@"))
k2 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); k2.bind("relclient"); k2.connect(p)
print("accept relative peer:", srv.accept()[1])
s3 = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s3.bind(os.path.join(base, "sender"))
s3.sendto(b"a", dp); s3.sendto(b"b", dp); s3.sendto(b"c", dp)
print("recvfrom peer:", [x.replace(base, "@B@") if isinstance(x, str) else x for x in d.recvfrom(10)])
m = d.recvmsg(10); print("recvmsg peer:", m[0], m[3].replace(base, "@B@"))
print("recv_into peer:", d.recvfrom_into(bytearray(4))[1].replace(base, "@B@"))
s2.sendto(b"anon", dp); print("unbound peer:", repr(d.recvfrom(10)[1]))
PY
export PYPROG=$TMPD/unix.py
vfs_compare "AF_UNIX names" mktree_basic 'python3 "$PYPROG"'

# The same from C, x86_64 and i386 (whose libc goes through socketcall:
# the argument block is rewritten, not the registers).
for prog in "$top_builddir/tests/vfs-unixsock" "$top_builddir/tests/vfs-unixsock32"; do
	case $prog in *32) [ "$HAVE_M32" = yes ] || { echo "not run: i386 sockets (no gcc -m32)"; continue; } ;; esac
	[ -x "$prog" ] || hard_error "$prog is not built"
	export PROG=$prog
	vfs_compare "AF_UNIX names from $(basename "$prog")" mktree_basic '"$PROG"'
done

cat >"$TMPD/exec.py" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.execve(fd, ["echo", "fexecve", "ok"], {})
PY
export PYPROG=$TMPD/exec.py
mktree_echo() { mktree_basic "$1" && cp /bin/echo "$1/echo"; }
vfs_compare "fexecve of a program in the bind" mktree_echo 'python3 "$PYPROG" "$B/echo"'

# The host directory is long, the guest one short: sun_path (108 bytes)
# cannot hold the host path.
L=$TMPD/long/$(printf '%080d' 0)/$(printf '%080d' 1)
mkdir -p "$L" || hard_error "mkdir"
cat >"$TMPD/long.py" <<'PY'
import os, socket, sys
p = sys.argv[1] + "/s"
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); srv.bind(p); srv.listen(1)
cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); cli.connect(p)
c, _ = srv.accept(); cli.sendall(b"ping"); print(c.recv(4).decode())
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); d.bind(p + "d")
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"dgram", p + "d"); print(d.recv(10).decode())
print(srv.getsockname())
k = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); k.bind(p + "c"); k.connect(p)
print(srv.accept()[1], k.getsockname())
e = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); e.bind(p + "e"); e.sendto(b"x", p + "d")
print(d.recvfrom(10)[1])
PY
out=$(timeout "$VFS_TIMEOUT" "$UMVISOR" -b "$L:/u" -- python3 "$TMPD/long.py" /u 2>"$TMPD/err")
[ "$out" = "ping
dgram
/u/s
/u/sc /u/sc
/u/se" ] || { cat "$TMPD/err" >&2; fail "long host path: got '$out'"; }
[ -S "$L/s" ] && [ -S "$L/sd" ] || fail "long host path: sockets not created in the bind"
echo "ok: host path longer than sun_path"
