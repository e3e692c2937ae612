#!/bin/sh
# fakeroot module: chown/chgrp -R, set-id bits, device nodes, set-gid
# directories, DAC override, id: the same result as a real-root run.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/fakeroot-lib.sh"

out=$(fr id) || fail "id under -0 failed"
[ "$out" = "uid=0(root) gid=0(root) groups=0(root)" ] || fail "id under -0: $out"
out=$(fr_opts -m fakeroot:uid=12:gid=34 -- id -u) || fail "id -u with uid=12"
[ "$out" = 12 ] || fail "uid=12: id -u says $out"
# capset under a non-root identity answers as natively: dropping works,
# raising a capability is refused.
if command -v setpriv >/dev/null 2>&1; then
	fr_opts -m fakeroot:uid=12:gid=34 -- setpriv --inh-caps=-all -- true ||
		fail "uid=12: capset dropping every inheritable capability was refused"
	fr_opts -m fakeroot:uid=12:gid=34 -- setpriv --inh-caps=+chown -- true 2>/dev/null &&
		fail "uid=12: capset raising CAP_CHOWN succeeded"
fi

# With the path layer (-b), path arguments reach the module as host paths.
b=$(user_dir bound)
as_user touch "$b/f" || hard_error "touch"
out=$(fr_opts -0 -b "$b:/mnt/fr" -- sh -c 'chown 5:6 /mnt/fr/f && mknod /mnt/fr/c c 1 7 && cd /mnt/fr && stat -c "%n %u %g %A %t %T" f c') ||
	fail "-0 with -b failed: $out"
exp="f 5 6 -rw-r--r-- 0 0
c 0 0 crw-r--r-- 1 7"
[ "$out" = "$exp" ] || fail "-0 with -b: got
$out
expected
$exp"

need_real_root
SCEN="$top_srcdir/tests/fakeroot/scenario.sh"
real=$(user_dir real)
virt=$(user_dir virt)
timeout "$FR_TIMEOUT" sh "$SCEN" "$real" >"$TMPD/real.out" 2>&1 || {
	cat "$TMPD/real.out" >&2; hard_error "the scenario failed as real root"; }
fr sh "$SCEN" "$virt" >"$TMPD/virt.out" 2>&1 || {
	cat "$TMPD/virt.out" >&2; fail "the scenario failed under umvisor -0"; }
same_text "scenario" "$TMPD/real.out" "$TMPD/virt.out"
# Nothing was really chowned: the files are the user's.
[ "$(stat -c %u "$virt/tree/f1")" = "$FR_USER_UID" ] || fail "a real chown happened"
[ -f "$virt/cdev" ] || fail "the device placeholder is not a regular file"
exit 0
