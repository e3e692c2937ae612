#!/bin/sh
# AF_NETLINK under policy=deny and policy=loopback: only NETLINK_ROUTE
# sockets, and on them only queries (RTM_GET* requests). A change is
# refused with EPERM by the send call itself, which natively never fails
# for a well-formed request (the kernel answers in an ack): so an EPERM
# from sendto/sendmsg and no ack prove the kernel was not asked. Every
# change names an interface that does not exist, so natively (as root) the
# kernel refuses it with ENODEV/ESRCH and the host never changes.
. "$top_srcdir/tests/lib/harness.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 is needed for the netlink probe"
TMPD=$(mktemp -d) || hard_error "mktemp"
trap 'rm -rf "$TMPD"' EXIT
PROBE="$top_srcdir/tests/net/netlink.py"
T="timeout 60"

expect() {
	[ "$1" = "$2" ] || fail "$3: got '$(echo "$1" | tr '\n' ';')', expected '$(echo "$2" | tr '\n' ';')'"
	echo "ok: $3"
}
probe() {
	opts=$1
	shift
	$T "$UMVISOR" -v -m "net:$opts" -- python3 "$PROBE" "$@" 2>"$TMPD/err"
}
# Programs reading the host's view: the output under OPTS must match a
# native run (one of two, taken before and after: the host's tables may
# change meanwhile, e.g. other tests' namespaces).
same_output() {
	opts=$1
	shift
	$T "$@" >"$TMPD/n1" 2>&1 || fail "natively: '$*' failed: $(cat "$TMPD/n1")"
	$T "$UMVISOR" -m "net:$opts" -- "$@" >"$TMPD/g" 2>&1 || fail "'$*' under net:$opts failed: $(cat "$TMPD/g")"
	$T "$@" >"$TMPD/n2" 2>&1
	if ! cmp -s "$TMPD/n1" "$TMPD/g" && ! cmp -s "$TMPD/n2" "$TMPD/g"; then
		diff -u "$TMPD/n1" "$TMPD/g" >&2
		fail "'$*' under net:$opts differs from the native output"
	fi
	echo "ok: $* (net:$opts) as natively"
}

[ "$(id -u)" = 0 ] && root=yes || root=no

# natively, as root, the kernel is asked and refuses the changes itself
if [ $root = yes ]; then
	out=$($T python3 "$PROBE" change sendto RTM_DELADDR)
	expect "$out" "sendto sent
acks ENODEV" "native: RTM_DELADDR on a missing interface reaches the kernel (ENODEV ack)"
	out=$(probe policy=allow change sendto RTM_DELADDR)
	expect "$out" "sendto sent
acks ENODEV" "policy=allow: RTM_DELADDR as natively"
	out=$(probe policy=allow change sendmsg RTM_DELROUTE)
	expect "$out" "sendmsg sent
acks ESRCH" "policy=allow: RTM_DELROUTE as natively"
	for p in 9 15; do
		out=$(probe policy=allow socket $p)
		expect "$out" "socket $p ok" "policy=allow: netlink protocol $p as natively"
	done
else
	echo "note: not root: the native side of the changes is not compared" >&2
fi

# The C guest: sendto, sendmsg (two iovecs; again with a NULL name but a
# length, which the kernel reads as no name) and sendmmsg (a query, then
# a change) of RTM_DELADDR, then a query; x86_64 and i386 (socketcall).
guests="$top_builddir/tests/net-guest"
if [ "$HAVE_M32" = yes ]; then
	guests="$guests $top_builddir/tests/net-guest32"
else
	echo "note: no -m32 compiler: the i386 socketcall netlink sends are not checked" >&2
fi
index=$(python3 -c "import socket; print(max(i for i, _ in socket.if_nameindex()) + 1000)")
for g in $guests; do
	[ -x "$g" ] || hard_error "$g is not built"
	native=$($T "$g" netlink "$index" | sort)
	# the kernel's answer to the query (no such interface, or no
	# single-address GET for IPv4): whatever it is, it is the same
	get_ack=$(echo "$native" | grep "^ack 2 " | head -n 1)
	[ -n "$get_ack" ] || fail "native ${g##*/}: no ack for the query: $native"
	if [ $root = yes ]; then
		expect "$native" "ack 1 ENODEV
ack 1 ENODEV
ack 1 ENODEV
ack 1 ENODEV
$get_ack
$get_ack
sendmmsg 0
sendmsg 0
sendmsg badiov EFAULT
sendmsg get 0
sendmsg noname 0
sendto 0
sendto badbuf EFAULT" "native ${g##*/}: every change reaches the kernel, refused in its ack"
		out=$($T "$UMVISOR" -m net:policy=allow -- "$g" netlink "$index" | sort)
		expect "$out" "$native" "policy=allow ${g##*/}: as natively"
	fi
	for pol in deny loopback; do
		out=$($T "$UMVISOR" -m net:policy=$pol -- "$g" netlink "$index")
		expect "$out" "sendto EPERM
sendmsg EPERM
sendmsg noname EPERM
sendto badbuf EFAULT
sendmsg badiov EFAULT
sendmmsg EPERM
sendmsg get 0
$get_ack" "policy=$pol ${g##*/}: changes refused before the kernel, the query answered"
	done
done

for pol in deny loopback; do
	for p in 9 15; do	# NETLINK_AUDIT, NETLINK_KOBJECT_UEVENT
		out=$(probe policy=$pol socket $p)
		expect "$out" "socket $p EACCES" "policy=$pol: netlink protocol $p refused"
		[ "$(grep -c "refused (policy=$pol)" "$TMPD/err")" = 1 ] ||
			fail "policy=$pol: expected one log line: $(cat "$TMPD/err")"
	done
	out=$(probe policy=$pol,errno=EPERM socket 9)
	expect "$out" "socket 9 EPERM" "policy=$pol,errno=EPERM: the configured errno"
	out=$(probe policy=$pol socket 0)
	expect "$out" "socket 0 ok" "policy=$pol: NETLINK_ROUTE allowed"

	for how in sendto sendmsg; do
		for kind in RTM_NEWADDR RTM_DELADDR RTM_DELROUTE; do
			out=$(probe policy=$pol change $how $kind)
			expect "$out" "$how EPERM
acks none" "policy=$pol: $kind by $how refused before the kernel"
		done
		grep -q "refused (read-only)" "$TMPD/err" || fail "policy=$pol: the refusal was not logged: $(cat "$TMPD/err")"
		out=$(probe policy=$pol change $how RTM_GETLINK RTM_DELADDR)
		expect "$out" "$how EPERM
acks none" "policy=$pol: a query followed by a change in one $how refused"
		out=$(probe policy=$pol change $how RTM_GETLINK)
		expect "$out" "$how sent
acks ENODEV" "policy=$pol: RTM_GETLINK by $how reaches the kernel"
	done

	same_output policy=$pol python3 -c "import socket; print(socket.if_nameindex())"
	if command -v ip >/dev/null 2>&1; then
		same_output policy=$pol ip addr show dev lo
		same_output policy=$pol ip link show dev lo
		same_output policy=$pol ip route show table local dev lo
		same_output policy=$pol ip -6 route show table local dev lo
		out=$($T "$UMVISOR" -m net:policy=$pol -- ip link set dev lo mtu 65536 2>&1)
		case $out in
		*"Operation not permitted"*) echo "ok: policy=$pol: 'ip link set' refused" ;;
		*) fail "policy=$pol: 'ip link set dev lo mtu 65536' was not refused: $out" ;;
		esac
	else
		echo "note: iproute2 (ip) is not installed: the ip comparisons are skipped" >&2
	fi
done
