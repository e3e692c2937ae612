#!/bin/sh
# redirect=A:P=B:Q sends a client's connect to A:P to the test server at
# B:Q; the guest sees the address it asked for. Both are loopback.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/net/lib.sh"

S=18631		# the real server
need_free_port $S
need_free_port 18632
start_echo $S server

out=$("$UMVISOR" -m "net:redirect=127.0.0.1:18632=127.0.0.1:$S" -- "$GUEST_NET" echo 18632 2>&1) ||
	fail "redirected client: $out"
printf '%s\n' "$out" | grep -q "^reply server ping" || fail "no reply through the redirect: $out"
printf '%s\n' "$out" | grep -q "^echo: peer 127.0.0.1:PORT/len16" || fail "peer is not what the guest asked for: $out"
echo "ok: redirect of a connect (x86_64)"
if [ "$HAVE_M32" = yes ]; then
	out=$("$UMVISOR" -m "net:redirect=127.0.0.1:18632=127.0.0.1:$S" -- "$GUEST_NET32" echo 18632 2>&1) ||
		fail "redirected i386 client: $out"
	printf '%s\n' "$out" | grep -q "^reply server ping" || fail "i386: no reply through the redirect: $out"
	printf '%s\n' "$out" | grep -q "^echo: peer 127.0.0.1:PORT/len16" || fail "i386: peer: $out"
	echo "ok: redirect of a connect through socketcall (i386)"
else
	echo "note: no -m32 compiler: the i386 socketcall client is not run" >&2
fi
# a redirect to another loopback address, with python's client
out=$("$UMVISOR" -m "net:redirect=127.0.0.77:7=127.0.0.1:$S" -- python3 -c "
import socket
c = socket.create_connection(('127.0.0.77', 7)); c.sendall(b'hi')
print(c.recv(100).decode(), c.getpeername())") || fail "python client"
[ "$out" = "server hi ('127.0.0.77', 7)" ] || fail "python client got '$out'"
echo "ok: redirect seen as asked by python"
# redirects go through loopback policy checks on the host's side
out=$("$UMVISOR" -m "net:policy=loopback,redirect=127.0.0.1:18632=192.0.2.1:80" -- "$GUEST_NET" connect 127.0.0.1 18632 2>/dev/null)
[ "$out" = "connect EACCES" ] || fail "a redirect out of loopback was not refused: '$out'"
echo "ok: policy=loopback applies to the redirect's target"

# UDP: a datagram to the redirected address reaches the server, and its
# answer is reported as coming from the address the guest asked for.
need_free_port 18633
python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 18633))
while True:
    data, peer = s.recvfrom(100)
    s.sendto(b'udp ' + data, peer)" &
KILL_PIDS="$KILL_PIDS $!"
sleep 0.3
out=$("$UMVISOR" -m "net:redirect=127.0.0.1:18634=127.0.0.1:18633" -- python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(b'hi', ('127.0.0.1', 18634))
data, peer = s.recvfrom(100)
print(data.decode(), peer)") || fail "UDP client through the redirect"
[ "$out" = "udp hi ('127.0.0.1', 18634)" ] || fail "UDP redirect: got '$out'"
echo "ok: UDP sendto/recvfrom through a redirect, seen as asked"
