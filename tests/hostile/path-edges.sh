#!/bin/sh
# Path-argument edges (tests/hostile/path-edges.c) under the bind module,
# the fakeroot module (-0) and both, for x86_64 and i386 guests: every call
# ends with the native errno. As an unprivileged user (uid 65534 when the
# suite runs as root), owner of the tree, natively and under umvisor.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/fakeroot-lib.sh"

progs="$top_builddir/tests/hostile/path-edges"
[ "${HAVE_M32:-no}" = yes ] && progs="$progs $top_builddir/tests/hostile/path-edges32"
tree=$(user_dir tree)
as_user sh -c "echo data >'$tree/f' && chmod 644 '$tree/f'" || hard_error "setup"

for prog in $progs; do
	[ -x "$prog" ] || hard_error "$prog is not built"
	name=$(basename "$prog")
	as_user "$prog" "$tree" >"$TMPD/native" 2>&1 || { cat "$TMPD/native" >&2; fail "$name natively"; }
	grep -q '4096-byte-path: ENAMETOOLONG' "$TMPD/native" || hard_error "$name: the kernel took a 4096-byte path?"
	for mode in bind fakeroot both; do
		case $mode in
		bind) set -- -b "$tree:/pe"; dir=/pe ;;
		fakeroot) set -- -0; dir=$tree ;;
		both) set -- -b "$tree:/pe" -0; dir=/pe ;;
		esac
		as_user "$UMVISOR" "$@" -- "$prog" "$dir" >"$TMPD/umv" 2>"$TMPD/err" ||
			{ cat "$TMPD/umv" "$TMPD/err" >&2; fail "$name under $mode"; }
		grep -E 'internal|AddressSanitizer|runtime error' "$TMPD/err" >&2 &&
			fail "$name under $mode: the monitor reported an error"
		if ! cmp -s "$TMPD/native" "$TMPD/umv"; then
			diff -u "$TMPD/native" "$TMPD/umv" >&2
			fail "$name under $mode: results differ from the native run (- native, + umvisor)"
		fi
		echo "ok: $name under $mode ($(wc -l <"$TMPD/native") calls)"
	done
	[ "$(cat "$tree/f")" = data ] || fail "$name: f changed"
done
exit 0
