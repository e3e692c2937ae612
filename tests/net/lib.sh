# Shared helpers of the net module tests (sourced after harness.sh).
# Only loopback addresses are ever used.
GUEST_NET="$top_builddir/tests/net-guest"
GUEST_NET32="$top_builddir/tests/net-guest32"
[ -x "$GUEST_NET" ] || hard_error "$GUEST_NET is not built"
command -v python3 >/dev/null 2>&1 || skip "python3 is needed to serve and fetch"

# Fails the test (skips) if a TCP port is already taken on the host.
need_free_port() {
	python3 - "$1" <<'PY' || skip "loopback port $1 is busy on this host"
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
PY
}

# Waits (up to 10 s) until something listens on 127.0.0.1:PORT.
wait_port() {
	python3 - "$1" <<'PY' || fail "nothing listens on 127.0.0.1:$1 after 10 s"
import socket, sys, time
end = time.time() + 10
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

# A line-echo TCP server on 127.0.0.1:PORT (host side, backgrounded);
# each reply is "TAG LINE". Its pid is in $SERVER_PID.
start_echo() {
	python3 - "$1" "$2" <<'PY' &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    c, _ = s.accept()
    data = c.recv(100)
    c.sendall(sys.argv[2].encode() + b" " + data)
    c.close()
PY
	SERVER_PID=$!
	KILL_PIDS="${KILL_PIDS:-} $SERVER_PID"
	wait_port "$1"
}

cleanup_net() {
	for p in ${KILL_PIDS:-}; do kill "$p" 2>/dev/null; done
	rm -rf "$TMPD"
}
trap cleanup_net EXIT

# Runs the guest program natively and under OPTS; the outputs must match.
same_view() {
	opts=$1
	shift
	"$@" >"$TMPD/native" 2>&1
	nrc=$?
	"$UMVISOR" -m "net:$opts" -- "$@" >"$TMPD/guest" 2>"$TMPD/guest.err"
	grc=$?
	if [ $nrc -ne $grc ] || ! cmp -s "$TMPD/native" "$TMPD/guest"; then
		diff -u "$TMPD/native" "$TMPD/guest" >&2
		cat "$TMPD/guest.err" >&2
		fail "'$*' under net:$opts: exit $grc vs native $nrc, or output differs"
	fi
	echo "ok: $* (net:$opts)"
}
