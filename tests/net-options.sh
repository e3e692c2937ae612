#!/bin/sh
# Malformed options stop start-up with a reason (exit 125); hosts=FILE is
# the guest's /etc/hosts.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/net/lib.sh"

for bad in policy=maybe errno=EWHAT map=80 map=0:80 map=80:70000 map=80:x map=80:81,map=80:82 \
	redirect=1.2.3.4:5 redirect=1.2.3.4:5=[::1]:5 redirect=nohost:5=1.2.3.4:5 bogus=1 \
	policy= hosts=/nonexistent/file; do
	"$UMVISOR" -m "net:$bad" -- true 2>"$TMPD/err"
	rc=$?
	[ $rc = 125 ] || fail "net:$bad: exit $rc, expected 125"
	[ -s "$TMPD/err" ] || fail "net:$bad: no reason given"
	echo "ok: net:$bad refused: $(head -1 "$TMPD/err")"
done
"$UMVISOR" -m "net:map=80:18080,map=443:18443,redirect=[::1]:5=[::1]:6,log,policy=allow" -- true ||
	fail "accumulated options refused"
echo "ok: repeated keys accumulate"

printf '127.0.0.1 localhost\n127.0.0.42 umvisor-test.invalid\n' >"$TMPD/hosts"
out=$("$UMVISOR" -m "net:hosts=$TMPD/hosts" -- python3 -c "
import socket; print(socket.gethostbyname('umvisor-test.invalid'))" 2>&1)
[ "$out" = 127.0.0.42 ] || fail "hosts=: got '$out'"
out=$("$UMVISOR" -m "net:hosts=$TMPD/hosts" -- cat /etc/hosts)
[ "$out" = "$(cat "$TMPD/hosts")" ] || fail "hosts=: /etc/hosts is not the file"
echo "ok: hosts=FILE is the guest's /etc/hosts"
