# Helpers for the monitor smoke tests (sourced after tests/lib/harness.sh; not a test).
GUEST="$top_builddir/tests/monitor-guest"
GUEST32="$top_builddir/tests/monitor-guest32"
[ -x "$GUEST" ] || hard_error "$GUEST is not built"

# Run "$@" natively and under umvisor with the options in $UMV_OPTS;
# stdout and exit status must be identical.
same_as_native() {
	native_out=$("$@" 2>/dev/null); native_rc=$?
	umv_out=$("$UMVISOR" $UMV_OPTS -- "$@" 2>/dev/null); umv_rc=$?
	[ "$native_rc" = "$umv_rc" ] || fail "$*: exit $native_rc natively, $umv_rc under umvisor $UMV_OPTS"
	[ "$native_out" = "$umv_out" ] || {
		printf 'native:\n%s\numvisor:\n%s\n' "$native_out" "$umv_out" >&2
		fail "$*: output differs under umvisor $UMV_OPTS"
	}
}

# stats_field LINE-KIND FIELD FILE: a number from --stats output, e.g.
# stats_field entry stops FILE -> the number of entry stops.
stats_value() {
	sed -n "s/^umvisor: stats: $1 stops \([0-9]*\):.*$2 [0-9.]* (max \([0-9]*\)).*/\1 \2/p" "$3"
}
