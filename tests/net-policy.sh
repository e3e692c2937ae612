#!/bin/sh
# policy=deny refuses INET sockets with the configured errno while AF_UNIX
# works; policy=loopback refuses a connect to a non-loopback address before
# any packet (192.0.2.1, TEST-NET-1, is never reached: the refusal must be
# immediate) and lets 127.0.0.1 through; io_uring_setup is refused.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/net/lib.sh"

P=18611
need_free_port $P
start_echo $P echo

connect_py="import socket, sys
try:
    socket.create_connection(('127.0.0.1', $P), timeout=5).close()
    print('connected')
except OSError as e:
    print('refused', e.errno)
"
unix_py="import socket
a, b = socket.socketpair(socket.AF_UNIX)
a.send(b'x'); print('unix', b.recv(1).decode())
s = socket.socket(socket.AF_UNIX); s.bind('$TMPD/sock'); s.listen()
c = socket.socket(socket.AF_UNIX); c.connect('$TMPD/sock'); print('unix path ok')
"
expect() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
	echo "ok: $3"
}

out=$("$UMVISOR" -m net:policy=deny -- python3 -c "$connect_py" 2>/dev/null)
expect "$out" "refused 13" "policy=deny: create_connection fails with EACCES"
out=$("$UMVISOR" -m net:policy=deny,errno=ENETUNREACH -- python3 -c "$connect_py" 2>/dev/null)
expect "$out" "refused 101" "policy=deny,errno=ENETUNREACH"
out=$("$UMVISOR" -m net:policy=deny -- python3 -c "$unix_py" 2>&1)
expect "$out" "unix x
unix path ok" "policy=deny: AF_UNIX works"
out=$("$UMVISOR" -m net:policy=deny -- python3 -c "import socket; socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0); print('netlink ok')" 2>&1)
expect "$out" "netlink ok" "policy=deny: AF_NETLINK NETLINK_ROUTE allowed"
out=$("$UMVISOR" -m net:policy=deny -- python3 -c "
import socket
try:
    socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); print('created')
except OSError as e: print('refused', e.errno)" 2>/dev/null)
expect "$out" "refused 13" "policy=deny: AF_INET6 datagram socket refused"

# loopback: the TEST-NET-1 connect is refused at once (a real attempt would
# hang until the timeout or fail otherwise). 192.0.2.1 is the guest's
# argument only; the module refuses it before the kernel sees it.
start=$(date +%s)
out=$("$UMVISOR" -m net:policy=loopback -- "$GUEST_NET" connect 192.0.2.1 80 2>/dev/null)
end=$(date +%s)
expect "$out" "connect EACCES" "policy=loopback: connect to 192.0.2.1 refused"
[ $((end - start)) -le 3 ] || fail "policy=loopback: the refusal took $((end - start)) s"
out=$("$UMVISOR" -m net:policy=loopback -- "$GUEST_NET" connect ::ffff:192.0.2.1 80 2>/dev/null)
expect "$out" "connect EACCES" "policy=loopback: v4-mapped 192.0.2.1 refused"
out=$("$UMVISOR" -m net:policy=loopback -- "$GUEST_NET" connect 2001:db8::1 80 2>/dev/null)
expect "$out" "connect EACCES" "policy=loopback: 2001:db8::1 refused"
out=$("$UMVISOR" -m net:policy=loopback -- "$GUEST_NET" connect 127.0.0.1 $P 2>/dev/null)
expect "$out" "connect 0" "policy=loopback: 127.0.0.1 allowed"
if [ "$HAVE_M32" = yes ]; then
	out=$("$UMVISOR" -m net:policy=loopback -- "$GUEST_NET32" connect 192.0.2.1 80 2>/dev/null)
	expect "$out" "connect EACCES" "policy=loopback: i386 socketcall connect to 192.0.2.1 refused"
	out=$("$UMVISOR" -m net:policy=loopback -- "$GUEST_NET32" connect 127.0.0.1 $P 2>/dev/null)
	expect "$out" "connect 0" "policy=loopback: i386 socketcall connect to 127.0.0.1 allowed"
	out=$("$UMVISOR" -m net:policy=deny -- "$GUEST_NET32" connect 127.0.0.1 $P 2>/dev/null)
	expect "$out" "socket EACCES" "policy=deny: i386 socketcall socket refused"
else
	echo "note: no -m32 compiler: the i386 socketcall refusals are not checked" >&2
fi
out=$("$UMVISOR" -m net:policy=loopback -- python3 -c "$connect_py" 2>/dev/null)
expect "$out" "connected" "policy=loopback: python create_connection to 127.0.0.1"
out=$("$UMVISOR" -m net:policy=loopback -- python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.sendto(b'x', ('192.0.2.1', 9)); print('sent')
except OSError as e: print('refused', e.errno)" 2>/dev/null)
expect "$out" "refused 13" "policy=loopback: sendto 192.0.2.1 refused"

# a bind to the unspecified address is narrowed to loopback, and logged
out=$("$UMVISOR" -m net:policy=loopback -- python3 -c "
import socket
s = socket.socket(); s.bind(('0.0.0.0', 0)); print(s.getsockname()[0])" 2>"$TMPD/err")
expect "$out" "127.0.0.1" "policy=loopback: bind 0.0.0.0 narrowed"
grep -q "narrowed to 127.0.0.1" "$TMPD/err" || fail "the narrowing was not logged: $(cat "$TMPD/err")"

# io_uring would open sockets behind the module's back
out=$("$UMVISOR" -m net -- python3 -c "
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
params = ctypes.create_string_buffer(120)
r = libc.syscall(425, 4, params)
print(r, errno.errorcode.get(ctypes.get_errno()))" 2>"$TMPD/err")
expect "$out" "-1 ENOSYS" "io_uring_setup refused"
[ "$(grep -c io_uring "$TMPD/err")" = 1 ] || fail "io_uring refusal: expected one log line: $(cat "$TMPD/err")"

# The data path never stops: send()/recv() (sendto/recvfrom with no
# address) are not trapped, only the calls that name an address.
"$UMVISOR" --stats -m net:policy=loopback,map=18612:18613 -- python3 -c "
import socket
c = socket.create_connection(('127.0.0.1', $P))
c.send(b'ping')
while c.recv(100): pass" 2>"$TMPD/stats" || fail "stats run: $(cat "$TMPD/stats")"
grep -q "syscall connect [0-9]" "$TMPD/stats" || fail "connect was not trapped: $(cat "$TMPD/stats")"
if grep -E "syscall (sendto|recvfrom)" "$TMPD/stats" >&2; then
	fail "send()/recv() with no address stopped in the monitor"
fi
echo "ok: send()/recv() run natively"
