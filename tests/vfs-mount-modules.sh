#!/bin/sh
# Runtime mounts of modules from inside the guest: umvisor-mount -t
# umvisor.NAME OPTIONS TARGET loads NAME (memfs, cow) at TARGET, umount
# unloads it and gives the old directory back. A module whose syscalls are
# not trapped is refused (EINVAL, one line naming them) unless umvisor runs
# with --runtime-mounts; unknown modules are ENODEV; bad options give the
# module's errno; no privilege is needed.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/vfs-lib.sh"

HELPER=$top_builddir/umvisor-mount
[ -x "$HELPER" ] || hard_error "$HELPER is not built"
for m in memfs cow count trace; do
	[ -f "$top_builddir/.libs/$m.so" ] || hard_error "$m.so is not built"
done
M=$TMPD/m
mkdir -p "$M" "$TMPD/lower/d" "$TMPD/c" && echo under >"$M/old" && echo low >"$TMPD/lower/f" &&
	echo gone >"$TMPD/lower/d/x" && echo keep >"$TMPD/c/was" || hard_error "setup"
sum_lower() { (cd "$TMPD/lower" && find . -printf '%p %s %m\n' | sort && cat f d/x); }
lower_before=$(sum_lower)

check() {	# check NAME EXPECTED GOT
	[ "$2" = "$3" ] || { printf 'expected:\n%s\ngot:\n%s\nstderr:\n' "$2" "$3" >&2; cat "$TMPD/err" >&2; fail "$1"; }
}

# 1. memfs without a limit traps nothing: any path layer (-m bind) takes it.
out=$(timeout "$VFS_TIMEOUT" "$UMVISOR" -m bind -- sh -c "
H=$HELPER
\$H -t umvisor.memfs none $M && ls -A $M && echo hi >$M/new && sh -c 'cat $M/new'
grep -c '^none $M umvisor.memfs ' /proc/self/mounts
mkdir $M/sub && \$H -t umvisor.memfs none $M/sub && echo inner >$M/sub/i
\$H -u $M; echo \"busy: \$?\"
\$H -u $M/sub && \$H -u $M && ls $M
\$H -t umvisor.memfs size=1M $M; echo \"limit without superset: \$?\"
\$H -t umvisor.nosuch x $M; echo \"unknown: \$?\"
\$H -t umvisor.count '' $M; echo \"mounts nothing: \$?\"
\$H -t umvisor.trace '' $M; echo \"observer: \$?\"
ls $M
" 2>"$TMPD/err")
check "memfs at run time" "hi
1
busy: 1
old
limit without superset: 1
unknown: 1
mounts nothing: 1
observer: 1
old" "$out"
grep -q "umvisor.memfs at $M: EINVAL (.*not trapped.*--runtime-mounts.*: write, pwrite64" "$TMPD/err" ||
	{ cat "$TMPD/err" >&2; fail "limit without superset: no line naming the syscalls"; }
grep -q "mount size=1M on $M (umvisor.memfs): Invalid argument" "$TMPD/err" || fail "limit: not EINVAL"
grep -q "umount $M: Device or resource busy" "$TMPD/err" || fail "umount under a mount: not EBUSY"
grep -q "(umvisor.nosuch): No such device" "$TMPD/err" || fail "unknown module: not ENODEV"
grep -q "umvisor.count at $M: EINVAL (the module mounted nothing" "$TMPD/err" ||
	fail "a module that mounts nothing is not refused"
grep -q "(umvisor.trace): Invalid argument" "$TMPD/err" || fail "an observer is not refused"
[ -e "$M/new" ] && fail "the memfs file reached the host directory"
echo "ok: memfs without a limit, refusals"

# 2. --runtime-mounts: memfs with a limit (statfs tells it, writes stop at
# it), cow over a lower tree, bad options get the module's errno.
# Path options are guest paths: lower= through a bind at /umv-rtm-$$.
out=$(timeout "$VFS_TIMEOUT" "$UMVISOR" --runtime-mounts -b "$TMPD:/umv-rtm-$$" -- sh -c "
H=$HELPER
\$H -t umvisor.memfs size=1M $M && stat -f -c '%b %S' $M | awk '{ print \$1 * \$2 }'
dd if=/dev/zero of=$M/big bs=64k count=32 2>/dev/null; echo \"over the limit: \$?\"
rm $M/big && echo small >$M/s && cat $M/s
\$H -u $M && ls $M
\$H -t umvisor.memfs -o size=64K none $M && stat -f -c '%b %S' $M | awk '{ print \$1 * \$2 }' &&
	grep -c '^size=64K $M umvisor.memfs ' /proc/self/mounts && \$H -u $M
\$H -t umvisor.cow lower=/umv-rtm-$$/lower,upper=/umv-rtm-$$/up $TMPD/c && ls $TMPD/c
echo more >>$TMPD/c/f && cat $TMPD/c/f && rm $TMPD/c/d/x && echo n >$TMPD/c/n && ls $TMPD/c $TMPD/c/d
grep -c '^lower=/umv-rtm-$$/lower,upper=/umv-rtm-$$/up $TMPD/c umvisor.cow ' /proc/self/mounts
\$H -u $TMPD/c && ls $TMPD/c
\$H -t umvisor.memfs size=zz $M; echo \"bad size: \$?\"
\$H -t umvisor.cow lower=$TMPD/nonexistent $TMPD/c; echo \"bad lower: \$?\"
\$H -t umvisor.memfs guest=/elsewhere $M; echo \"guest=: \$?\"
\$H -t umvisor.memfs save=/umv-no-such-dir/s $M; echo \"save= outside the view: \$?\"
ls $M; ls $TMPD/c
" 2>"$TMPD/err")
check "memfs and cow with --runtime-mounts" "1048576
over the limit: 1
small
old
65536
1
d
f
low
more
$TMPD/c:
d
f
n

$TMPD/c/d:
1
was
bad size: 1
bad lower: 1
guest=: 1
save= outside the view: 1
old
was" "$out"
grep -q "mount size=zz on $M (umvisor.memfs): Invalid argument" "$TMPD/err" || fail "bad size: not EINVAL"
grep -q "mount lower=$TMPD/nonexistent on $TMPD/c (umvisor.cow): No such file or directory" "$TMPD/err" ||
	fail "bad lower: not ENOENT"
[ "$(sum_lower)" = "$lower_before" ] || fail "cow changed the lower tree"
[ "$(ls "$TMPD/c")" = was ] || fail "cow wrote into the directory it covered"
[ "$(cat "$TMPD/up/f" 2>/dev/null)" = "low
more" ] || fail "cow upper= (a guest path) did not get the change"
echo "ok: memfs with a limit, cow, bad options"

# Garbage from a guest calling mount(2) itself: errnos, nothing mounted.
if command -v python3 >/dev/null 2>&1; then
	out=$(timeout "$VFS_TIMEOUT" "$UMVISOR" -m bind -- python3 -c "
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def m(src, tgt, typ):
    r = libc.mount(src, tgt, typ, ctypes.c_ulong(0), None)
    print(r, os.strerror(ctypes.get_errno()) if r else 'ok')
m(b'x', ctypes.c_void_p(1), b'umvisor.memfs')
m(ctypes.c_void_p(1), b'$M', b'umvisor.memfs')
m(None, b'$M/old', b'umvisor.memfs')
m(None, b'$M/nonexistent', b'umvisor.memfs')
m(b'x', b'$M', b'umvisor.')
m(b'x', b'$M', b'umvisor.../memfs')
m(b'none', b'$M', b'umvisor.memfs')
print(sorted(os.listdir('$M')))
" 2>"$TMPD/err")
	check "garbage mount arguments" "-1 Bad address
-1 Bad address
-1 Not a directory
-1 No such file or directory
-1 No such device
-1 No such device
0 ok
[]" "$out"
	echo "ok: garbage mount(2) arguments"
fi

# 3. Many mounts and unmounts in one run: unmounted instances' slots are
# reused (at most 62 modules at once).
out=$(timeout "$VFS_TIMEOUT" "$UMVISOR" -m bind -- sh -c "
i=0; while [ \$i -lt 80 ]; do
	$HELPER -t umvisor.memfs none $M && echo \$i >$M/i && [ \"\$(cat $M/i)\" = \$i ] &&
		$HELPER -u $M || { echo \"cycle \$i failed\"; break; }
	i=\$((i + 1))
done; echo \$i; ls $M" 2>"$TMPD/err")
check "80 mount cycles" "80
old" "$out"
echo "ok: 80 mount/umount cycles"

# 4. A user mounts: nothing needs privilege (the mount is the monitor's).
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null 2>&1 || skip "as root without setpriv: cannot run as a user"
	W=$(mktemp -d "${TMPDIR:-/tmp}/umv-rtmount-user.XXXXXX") || hard_error "mktemp"
	trap 'rm -rf "$TMPD" "$W"' EXIT
	mkdir "$W/m" && chown -R 65534:65534 "$W" && chmod 755 "$W" || hard_error "setup"
	out=$(cd "$W" && setpriv --reuid=65534 --regid=65534 --clear-groups timeout "$VFS_TIMEOUT" \
		"$UMVISOR" --runtime-mounts -- sh -c "
id -u; $HELPER -t umvisor.memfs size=64K $W/m && echo u >$W/m/f && cat $W/m/f &&
stat -f -c '%b %S' $W/m | awk '{ print \$1 * \$2 }' && $HELPER -u $W/m && ls -A $W/m; echo end" \
		2>"$TMPD/err")
	check "a user mounts" "65534
u
65536
end" "$out"
	echo "ok: uid 65534 mounts and unmounts memfs"
else
	echo "ok: (not root: this whole test ran as a user)"
fi
exit 0
