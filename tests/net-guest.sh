#!/bin/sh
# The guest's view of its sockets under -m net is the native one: names
# reported by getsockname/getpeername/accept4/recvfrom/recvmsg/recvmmsg,
# non-blocking connects, v4, v6 and v4-mapped, and hostile arguments
# (garbage pointers, lengths 0/1/200, unknown families) answered with the
# kernel's own errno. The i386 build goes through socketcall(2).
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/net/lib.sh"

P=18601	# the guest's port
H=18602	# the host port it is mapped to
need_free_port $P
need_free_port $H

guests="$GUEST_NET"
if [ "$HAVE_M32" = yes ]; then
	[ -x "$GUEST_NET32" ] || hard_error "$GUEST_NET32 is not built"
	guests="$guests $GUEST_NET32"
else
	echo "note: no -m32 compiler: the i386 socketcall runs are skipped" >&2
fi
for g in $guests; do
	for mode in tcp udp bad; do
		same_view "map=$P:$H" "$g" $mode $P
		same_view "map=$P:$H,redirect=127.0.0.9:9=127.0.0.1:19,log" "$g" $mode $P
		same_view "policy=loopback,map=$P:$H" env NET_GUEST_NO_ANY=1 "$g" $mode $P
	done
done

# The map is real: with the guest's port taken on the host, the guest
# still binds it (the host socket is at $H) and sees the same as natively.
"$GUEST_NET" tcp $P >"$TMPD/native.tcp" 2>&1 || fail "native tcp run failed"
start_echo $P host
for g in $guests; do
	"$UMVISOR" -m "net:map=$P:$H" -- "$g" tcp $P >"$TMPD/mapped" 2>&1 ||
		fail "$g tcp under map=$P:$H with $P taken on the host: exit $?"
	cmp -s "$TMPD/native.tcp" "$TMPD/mapped" || {
		diff -u "$TMPD/native.tcp" "$TMPD/mapped" >&2
		fail "$g: guest view differs with $P taken on the host"
	}
	"$g" tcp $P >/dev/null 2>&1 && fail "natively $g binds the taken port $P: the check proves nothing"
done
echo "ok: map moves the host side of the guest's port"
