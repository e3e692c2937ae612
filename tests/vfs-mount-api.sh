#!/bin/sh
# Paths the kernel resolves from inside mount options, and objects named by
# handle: fsconfig (the new mount API), mount(2)'s overlay options and
# open_by_handle_at, each natively and under umvisor -b. Needs root (fsopen,
# mount and open_by_handle_at need capabilities) and overlay mounts.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/vfs-lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root: fsopen, mount(2) and open_by_handle_at need capabilities"
M=$top_builddir/tests/vfs-mntapi
H=$TMPD/host
fresh() {	# a clean overlay tree under $H
	rm -rf "$H" && mkdir -p "$H/lower" "$H/lower2" "$H/upper" "$H/work" "$H/mnt" &&
		echo lowerdata >"$H/lower/f" || hard_error "cannot build $H"
}
U() { timeout "$VFS_TIMEOUT" "$UMVISOR" -b "$H:$GUESTDIR" -- "$M" "$@"; }

fresh
out=$("$M" fsconfig-overlay "$H/lower" "$H/upper" "$H/work")
case $out in ERR*) skip "overlay mounts unavailable on this machine ($out)" ;; esac

# fsconfig SET_STRING of one path: rewritten like any path argument.
fresh
out=$(U fsconfig-overlay "$GUESTDIR/lower" "$GUESTDIR/upper" "$GUESTDIR/work")
expect_eq "fsconfig: overlay on guest paths" lowerdata "$out"
# A list of guest paths ("::" before data-only layers, '\' escapes):
# each path rewritten, the list rebuilt.
fresh
out=$(U fsconfig-overlay "$GUESTDIR/lower:$GUESTDIR/lower2" "$GUESTDIR/upper" "$GUESTDIR/work")
expect_eq "fsconfig: a lowerdir list of guest paths" lowerdata "$out"
# A list whose paths the guest sees where the host has them goes as written.
fresh
native=$("$M" fsconfig-overlay "$H/lower:$H/lower2" "$H/upper" "$H/work")
fresh
out=$(U fsconfig-overlay "$H/lower:$H/lower2" "$H/upper" "$H/work")
expect_eq "fsconfig: a lowerdir list of host-alike paths" "$native" "$out"
expect_eq "fsconfig: that list natively" lowerdata "$native"
# Names with the list's special characters, escaped on both sides.
fresh
mkdir "$H/a:b,c" && echo special >"$H/a:b,c/f" || hard_error "mkdir a:b,c"
native=$("$M" fsconfig-overlay "$H/a\:b,c:$H/lower" "$H/upper" "$H/work")
fresh
mkdir "$H/a:b,c" && echo special >"$H/a:b,c/f" || hard_error "mkdir a:b,c"
out=$(U fsconfig-overlay "$GUESTDIR/a\:b,c:$GUESTDIR/lower" "$GUESTDIR/upper" "$GUESTDIR/work")
expect_eq "fsconfig: an escaped ':' in a guest list" "$native" "$out"
expect_eq "fsconfig: that list natively" special "$native"

# FSCONFIG_SET_PATH: the value is resolved in the guest (whether overlay
# takes a path value depends on the kernel: the answer must be native's).
fresh
native=$("$M" set-path "lowerdir+" "$H/lower")
out=$(U set-path "lowerdir+" "$GUESTDIR/lower")
expect_eq "fsconfig SET_PATH" "$native" "$out"
timeout "$VFS_TIMEOUT" "$UMVISOR" -vv -b "$H:$GUESTDIR" -- "$M" set-path "lowerdir+" "$GUESTDIR/lower" \
	>/dev/null 2>"$TMPD/err"
grep -q "fsconfig: .* 1 rewritten first $H/lower" "$TMPD/err" ||
	fail "fsconfig SET_PATH: value not rewritten to $H/lower: $(grep fsconfig "$TMPD/err")"

# mount(2): the overlay data string is rebuilt with host paths (',' in
# names escaped too); the target is a path argument.
fresh
out=$(U mount-overlay "$GUESTDIR/mnt" "lowerdir=$GUESTDIR/lower:$GUESTDIR/lower2,upperdir=$GUESTDIR/upper,workdir=$GUESTDIR/work")
expect_eq "mount(2): overlay data with guest paths" lowerdata "$out"
grep -q " $H/mnt " /proc/mounts && fail "mount(2): the overlay stayed mounted"
fresh
mkdir "$H/a:b,c" && echo special >"$H/a:b,c/f" || hard_error "mkdir a:b,c"
native=$("$M" mount-overlay "$H/mnt" "lowerdir=$H/a\:b\,c,upperdir=$H/upper,workdir=$H/work")
fresh
mkdir "$H/a:b,c" && echo special >"$H/a:b,c/f" || hard_error "mkdir a:b,c"
out=$(U mount-overlay "$GUESTDIR/mnt" "lowerdir=$GUESTDIR/a\:b\,c,upperdir=$GUESTDIR/upper,workdir=$GUESTDIR/work")
expect_eq "mount(2): escaped names in guest paths" "$native" "$out"
expect_eq "mount(2): escaped names natively" special "$native"
fresh
out=$(U mount-overlay "$GUESTDIR/mnt" "lowerdir=$H/lower,upperdir=$H/upper,workdir=$H/work")
expect_eq "mount(2): overlay data with host-alike paths, guest target" lowerdata "$out"
# A guest path that does not exist: the kernel's error, as natively.
fresh
native=$("$M" mount-overlay "$H/mnt" "lowerdir=$H/nothere,upperdir=$H/upper,workdir=$H/work")
fresh
out=$(U mount-overlay "$GUESTDIR/mnt" "lowerdir=$GUESTDIR/nothere,upperdir=$GUESTDIR/upper,workdir=$GUESTDIR/work")
expect_eq "mount(2): a missing lower dir" "$native" "$out"

# open_by_handle_at: a handle for an object the guest sees opens; one for
# an object a bind hides is stale to the guest.
fresh
expect_eq "name_to_handle_at natively" saved "$("$M" handle-save "$H/lower/f" "$TMPD/handle")"
out=$(U handle-open "$TMPD/handle" "$GUESTDIR")
expect_eq "open_by_handle_at: a visible object" lowerdata "$out"
mkdir -p "$TMPD/other" && echo other >"$TMPD/other/f"
expect_eq "open_by_handle_at natively" lowerdata "$("$M" handle-open "$TMPD/handle" "$TMPD")"
out=$(timeout "$VFS_TIMEOUT" "$UMVISOR" -b "$TMPD/other:$H/lower" -- "$M" handle-open "$TMPD/handle" "$TMPD" 2>"$TMPD/err")
expect_eq "open_by_handle_at: an object a bind hides" "ERR open_by_handle_at ESTALE" "$out"
grep -q 'outside the guest' "$TMPD/err" || fail "no log line for the hidden object: $(cat "$TMPD/err")"

# Paths inside structs: bpf's pathname, perf's uprobe_path. A guest-only
# path is refused; a host-alike one gets the kernel's own answer.
for mode in bpf-get uprobe; do
	native=$("$M" $mode "$H/lower/f")
	out=$(U $mode "$H/lower/f")
	expect_eq "$mode with a host-alike path" "$native" "$out"
	out=$(U $mode "$GUESTDIR/lower/f" 2>"$TMPD/err")
	case $native in
	"ERR uprobe-type"*) ;;	# no uprobe PMU here: nothing reaches the kernel
	*) expect_eq "$mode with a guest path" "ERR ${mode%-get} EOPNOTSUPP" "$(echo "$out" | sed 's/perf_event_open/uprobe/')"
	   grep -q 'inside a struct' "$TMPD/err" || fail "$mode: no log line: $(cat "$TMPD/err")" ;;
	esac
done

# Bad pointers, sizes and descriptors: the kernel's own errors, and the
# monitor survives them.
native=$("$M" garbage "$H")
out=$(U garbage "$GUESTDIR")
if [ "$native" != "$out" ]; then
	printf '%s\n' "$native" >"$TMPD/g.n"; printf '%s\n' "$out" >"$TMPD/g.u"
	diff -u "$TMPD/g.n" "$TMPD/g.u" >&2
	fail "bad input: results differ under umvisor"
fi
exit 0
