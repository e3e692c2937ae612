#!/bin/sh
# The stream SDK's return codes (a test module checks umv_stream_dir in
# init and after it), and a module serving streams with only produce.
. "$top_srcdir/tests/lib/harness.sh"
[ -f "$top_builddir/tests/.libs/stream-args.so" ] || hard_error "tests/stream-args.so is not built"
out=$(timeout 60 "$UMVISOR" -m "$top_builddir/tests/.libs/stream-args.so" -- \
	sh -c 'ls /umv-stream-args; head -c 6 /umv-stream-args/z; echo; cat /proc/self/status >/dev/null; sh -c "echo \$PPID" >/dev/null' 2>"$TMPD/err")
st=$?
[ $st = 0 ] || { cat "$TMPD/err" >&2; fail "exit $st"; }
grep -q "stream-args: init ok" "$TMPD/err" || { cat "$TMPD/err" >&2; fail "umv_stream_dir return codes"; }
grep -q "after init: EBUSY ok" "$TMPD/err" || { cat "$TMPD/err" >&2; fail "umv_stream_dir after init is not -EBUSY"; }
[ "$out" = "z
zzzzzz" ] || fail "served stream: got '$out'"
echo "ok: umv_stream_dir codes (EINVAL x11, EEXIST, EBUSY), a produce-only module"
