#!/bin/sh
# Runtime mounts from inside the guest: umvisor-mount (mount(2) with type
# umvisor.bind) and umvisor-mount -u (umount2), seen by every guest process;
# other types are ENODEV; nothing reaches the kernel's mount table.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/vfs-lib.sh"

HELPER=$top_builddir/umvisor-mount
[ -x "$HELPER" ] || hard_error "$HELPER is not built"
mkdir -p "$TMPD/src/sub" "$TMPD/dst" && echo "from src" >"$TMPD/src/sub/file" && echo "under" >"$TMPD/dst/hidden" ||
	hard_error "setup"
out=$(timeout "$VFS_TIMEOUT" "$UMVISOR" -m bind -- sh -c "
H=$HELPER
\$H $TMPD/src $TMPD/dst && cat $TMPD/dst/sub/file && ls $TMPD/dst
sh -c 'cd $TMPD/dst/sub && pwd && cat file'
grep -c ' $TMPD/dst ' /proc/self/mounts
\$H -u $TMPD/dst && ls $TMPD/dst
\$H -t umvisor.nosuch $TMPD/src $TMPD/dst; echo \"other type: \$?\"
\$H $TMPD/nonexistent $TMPD/dst; echo \"missing source: \$?\"
\$H $TMPD/src/sub/file $TMPD/dst; echo \"file on dir: \$?\"
" 2>"$TMPD/err")
expect="from src
sub
$TMPD/dst/sub
from src
0
hidden
other type: 1
missing source: 1
file on dir: 1"
[ "$out" = "$expect" ] || { printf 'expected:\n%s\ngot:\n%s\nstderr:\n' "$expect" "$out" >&2; cat "$TMPD/err" >&2; fail "runtime mounts"; }
grep -q "mount $TMPD/nonexistent on $TMPD/dst (umvisor.bind): No such file or directory" "$TMPD/err" ||
	{ cat "$TMPD/err" >&2; fail "missing source: wrong error"; }
grep -q "(umvisor.nosuch): No such device" "$TMPD/err" || fail "other type: not ENODEV"
echo "ok: runtime mounts"
