#!/bin/sh
# A real server: python3 -m http.server run as an unprivileged user binds
# port 80 in the guest (map=80:18621 puts it at 18621 on the host); a guest
# client fetches it at 80, a host client at 18621.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/net/lib.sh"

H=18621
need_free_port $H
[ "$(id -u)" = 0 ] || skip "needs root to start the server as uid 65534"
command -v setpriv >/dev/null 2>&1 || skip "setpriv (util-linux) is needed to drop privileges"
# the unprivileged user needs a python3 it can run (not a shim under /root)
UPY=""
for p in /usr/bin/python3 /usr/local/bin/python3; do
	[ -x "$p" ] && setpriv --reuid=65534 --regid=65534 --clear-groups "$p" -c pass 2>/dev/null && { UPY=$p; break; }
done
[ -n "$UPY" ] || skip "no python3 that uid 65534 can run"

mkdir -p "$TMPD/www" && echo "hello from the guest" >"$TMPD/www/index.txt"
chmod -R a+rX "$TMPD"
# unprivileged: port 80 natively needs root, so a bind that reaches the
# kernel as 80 fails with EACCES and the test sees it
cd "$TMPD/www" || hard_error "cd"
"$UMVISOR" -m net:map=80:$H,log -- setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$UPY" -m http.server 80 --bind 127.0.0.1 >"$TMPD/server.log" 2>&1 &
KILL_PIDS="$!"
wait_port $H

fetch="import urllib.request, sys
print(urllib.request.urlopen('http://127.0.0.1:%s/index.txt' % sys.argv[1], timeout=10).read().decode(), end='')"
out=$(python3 -c "$fetch" $H) || fail "host client at $H: $(cat "$TMPD/server.log")"
[ "$out" = "hello from the guest" ] || fail "host client got '$out'"
echo "ok: host client at $H"
out=$("$UMVISOR" -m net:map=80:$H -- setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$UPY" -c "$fetch" 80) || fail "guest client at 80"
[ "$out" = "hello from the guest" ] || fail "guest client got '$out'"
echo "ok: guest client at 80"
# the server's log lines name the guest's addresses
grep -q "bind 127.0.0.1:80 (host 127.0.0.1:$H)" "$TMPD/server.log" ||
	fail "no bind log line: $(cat "$TMPD/server.log")"
grep -q "accept from 127.0.0.1:" "$TMPD/server.log" || fail "no accept log line: $(cat "$TMPD/server.log")"
# a guest sees its server at the port it bound
out=$("$UMVISOR" -m net:map=80:$H -- python3 -c "
import socket
c = socket.create_connection(('127.0.0.1', 80)); print(c.getpeername()[1])")
[ "$out" = 80 ] || fail "getpeername in the guest: '$out'"
echo "ok: getpeername reports 80"
