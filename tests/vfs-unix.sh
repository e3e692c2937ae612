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
PY
export PYPROG=$TMPD/unix.py
vfs_compare "AF_UNIX names" mktree_basic 'python3 "$PYPROG"'

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
PY
out=$(timeout "$VFS_TIMEOUT" "$UMVISOR" -b "$L:/u" -- python3 "$TMPD/long.py" /u 2>"$TMPD/err")
[ "$out" = "ping
dgram
/u/s" ] || { cat "$TMPD/err" >&2; fail "long host path: got '$out'"; }
[ -S "$L/s" ] && [ -S "$L/sd" ] || fail "long host path: sockets not created in the bind"
echo "ok: host path longer than sun_path"
