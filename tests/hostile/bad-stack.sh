#!/bin/sh
# A guest that unmaps its own stack, then sets rsp to garbage, around
# trapped syscalls (raw syscall instructions, x86_64): as natively.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/hostile/lib.sh"

[ "$(uname -m)" = x86_64 ] || skip "the bad-stack guest is x86_64 assembly"
same_as_native "$HOSTILE" bad-stack
grep -qx 'openat=OK' "$TMPD/umv.out" || fail "openat on an unmapped stack did not succeed"
echo "trapped calls on an unmapped stack and a garbage rsp: as natively"
