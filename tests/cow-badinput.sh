#!/bin/sh
# cow: bad options at start-up fail with a clear message and exit 125
# (a module's init failure), before the guest runs.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/cow-lib.sh"

mkdir -p "$TMPD/low/inner" "$TMPD/up/inner" && echo x >"$TMPD/file" || hard_error mkdir
# expect_start_error OPTIONS PATTERN
expect_start_error() {
	timeout "$COW_TIMEOUT" "$UMVISOR" -m "cow${1:+:$1}" -- sh -c 'echo guest ran' \
		>"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	[ $rc = 125 ] || { cat "$TMPD/err" >&2; fail "-m cow:$1: exit $rc, want 125"; }
	grep -q 'guest ran' "$TMPD/out" && fail "-m cow:$1: the guest ran"
	grep -qi -- "$2" "$TMPD/err" || { cat "$TMPD/err" >&2; fail "-m cow:$1: no message matching '$2'"; }
}
expect_start_error "" "lower=DIR"
expect_start_error "upper=$TMPD/up" "lower=DIR is required"
expect_start_error "lower=$TMPD/missing" "No such file"
expect_start_error "lower=$TMPD/file" "not a directory"
expect_start_error "lower=relative/dir" "absolute"
expect_start_error "lower=$TMPD/low,upper=$TMPD/low/inner" "must not contain each other"
expect_start_error "lower=$TMPD/up/inner,upper=$TMPD/up" "must not contain each other"
expect_start_error "lower=$TMPD/low,upper=$TMPD/low" "must not contain each other"
expect_start_error "lower=$TMPD/low,colour=blue" "unknown option"
expect_start_error "lower=$TMPD/low,lower=$TMPD/low" "twice"
expect_start_error "lower=$TMPD/low,guest=/" "guest=/"
expect_start_error "lower=$TMPD/low,upper=$TMPD/file" "not a directory"
# and a good one runs
timeout "$COW_TIMEOUT" "$UMVISOR" -m "cow:lower=$TMPD/low,guest=/umv-cow-guest-$$" -- ls -A "/umv-cow-guest-$$" \
	>"$TMPD/out" 2>"$TMPD/err" || { cat "$TMPD/err" >&2; fail "a good cow start"; }
[ "$(cat "$TMPD/out")" = inner ] || { cat "$TMPD/out" >&2; fail "guest= path listing"; }
[ -e "/umv-cow-guest-$$" ] && fail "guest= path created on the host"
exit 0
