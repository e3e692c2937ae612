#!/bin/sh
# timeout(1) inside the guest and around the monitor: exit 124 both ways,
# after about 1 s (the 5 s sleep must not be waited for).
. "$top_srcdir/tests/integration/lib.sh"

compare timeout-inside timeout 1 sleep 5
expect_status timeout-inside native 124

# Around the monitor: timeout's SIGTERM goes to the monitor, which forwards
# it to the guest, so sleep dies and the monitor exits at once.
start=$(date +%s)
if [ "${UMV_TEST_NATIVE:-0}" = 1 ]; then
	timeout 1 sleep 5
else
	timeout -k 3 1 "$UMVISOR" -m "count:out=$TMPD/outer.count" -- sleep 5
fi
status=$?
elapsed=$(( $(date +%s) - start ))
[ "$status" = 124 ] || fail "timeout 1 umvisor -- sleep 5: status $status, expected 124"
[ "$elapsed" -le 4 ] ||
	fail "timeout 1 umvisor -- sleep 5 took $elapsed s: SIGTERM not forwarded to the guest?"
echo "ok: timeout around the monitor: status 124 after $elapsed s"
