# Helpers for the hostile-guest tests (sourced after tests/lib/harness.sh).
HOSTILE="$top_builddir/tests/hostile/hostile-guest"
[ -x "$HOSTILE" ] || hard_error "$HOSTILE is not built"
# The guests to run: the i386 one too where gcc -m32 works.
GUESTS=$HOSTILE
if [ "${HAVE_M32:-no}" = yes ]; then
	HOSTILE32="$top_builddir/tests/hostile/hostile-guest32"
	[ -x "$HOSTILE32" ] || hard_error "$HOSTILE32 is not built"
	GUESTS="$HOSTILE $HOSTILE32"
else
	echo "note: no -m32 toolchain: i386 guests not run" >&2
fi
# Every syscall the tables know is trapped: the harshest engine setting.
UMV_OPTS=${UMV_OPTS:--m count}
# A hang is a failure, not a stuck test run.
LIMIT=${HOSTILE_TIMEOUT:-60}

# run_umv OUT ERR ARGS...: the guest under umvisor; sets rc.
run_umv() {
	out=$1 err=$2; shift 2
	timeout -k 5 "$LIMIT" "$UMVISOR" $UMV_OPTS -- "$@" >"$out" 2>"$err"
	rc=$?
	[ "$rc" = 124 ] && { cat "$err" >&2; fail "$*: hangs under umvisor (> $LIMIT s)"; }
	# The monitor must never report its own failure or crash.
	grep -E 'internal|AddressSanitizer|runtime error|LeakSanitizer' "$err" >&2 &&
		fail "$*: the monitor reported an internal error or a sanitizer finding"
	return 0
}

# same_as_native ARGS...: stdout and exit status identical natively and
# under umvisor (the count table on stderr is ignored).
same_as_native() {
	timeout -k 5 "$LIMIT" "$@" >"$TMPD/native.out" 2>"$TMPD/native.err"
	nrc=$?
	[ "$nrc" = 124 ] && fail "$*: hangs natively"
	run_umv "$TMPD/umv.out" "$TMPD/umv.err" "$@"
	[ "$nrc" = "$rc" ] || { cat "$TMPD/umv.err" >&2; fail "$*: exit $nrc natively, $rc under umvisor $UMV_OPTS"; }
	if ! cmp -s "$TMPD/native.out" "$TMPD/umv.out"; then
		diff -u "$TMPD/native.out" "$TMPD/umv.out" >&2
		fail "$*: output differs under umvisor $UMV_OPTS"
	fi
}
