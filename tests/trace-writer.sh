#!/bin/sh
# The trace writer: io_uring and the forced write(2) fallback give the same
# trace; a full disk and a closed pipe give one clear error, after which the
# guest runs on untraced (default) or is stopped (on-error=stop).
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/trace-lib.sh"
N=20000	# getppid calls: about 1 MB of trace, many writer buffers

count_getppid() { grep -c ' getppid() *= [0-9]*$' "$1"; }

# Default writer (io_uring when the kernel lets us use it).
"$UMVISOR" -v -o "$TMPD/auto.txt" -- "$GUEST" many $N 2>"$TMPD/auto.err" || fail "auto writer: umvisor failed"
[ "$(count_getppid "$TMPD/auto.txt")" -eq $N ] || fail "auto writer: $(count_getppid "$TMPD/auto.txt") of $N lines"
if grep -q 'trace: writer: io_uring' "$TMPD/auto.err"; then
	echo "default writer: io_uring"
elif grep -q 'trace: writer: write(2)' "$TMPD/auto.err"; then
	echo "default writer: write(2) (io_uring refused by this kernel: the fallback is all we can test)"
else
	fail "the writer in use is not logged with -v: $(cat "$TMPD/auto.err")"
fi

# Forced fallback, by environment and by option: the same trace.
UMVISOR_TRACE_NO_URING=1 "$UMVISOR" -v -o "$TMPD/env.txt" -- "$GUEST" many $N 2>"$TMPD/env.err" ||
	fail "UMVISOR_TRACE_NO_URING=1: umvisor failed"
grep -q 'trace: writer: write(2)' "$TMPD/env.err" || fail "UMVISOR_TRACE_NO_URING=1 did not force write(2)"
"$UMVISOR" -v -m trace:out="$TMPD/opt.txt",writer=sync -- "$GUEST" many $N 2>"$TMPD/opt.err" ||
	fail "writer=sync: umvisor failed"
grep -q 'trace: writer: write(2)' "$TMPD/opt.err" || fail "writer=sync did not force write(2)"
for f in env opt; do
	normalise_text "$TMPD/$f.txt" >"$TMPD/$f.norm"
done
normalise_text "$TMPD/auto.txt" >"$TMPD/auto.norm"
cmp -s "$TMPD/auto.norm" "$TMPD/env.norm" || fail "io_uring and write(2) traces differ"
cmp -s "$TMPD/auto.norm" "$TMPD/opt.norm" || fail "writer=sync trace differs"

# A live trace (flush=line, the default on a terminal, a pipe or stderr):
# lines reach the target while the guest still runs, the entry half of
# the blocking call included.
# The guest writes a line, then blocks opening a fifo until we release it:
# the write must be in the trace while the guest is still blocked. Polled,
# not timed, so a slow (sanitizer) build waits longer instead of failing.
release() { timeout 20 sh -c "echo >'$1'" || fail "cannot release the guest blocked on $1"; }
for writer in auto sync; do
	mkfifo "$TMPD/go-$writer"
	"$UMVISOR" -m trace:out="$TMPD/live-$writer.txt",writer=$writer,flush=line -- \
		/bin/sh -c "echo live >/dev/null; read x <'$TMPD/go-$writer'" &
	live=$!
	polls=0
	until grep -q 'write(1, "live\\n"' "$TMPD/live-$writer.txt" 2>/dev/null; do
		polls=$((polls + 1))
		[ $polls -le 300 ] || { release "$TMPD/go-$writer"; kill $live;
			fail "live trace ($writer): nothing written while the guest runs"; }
		sleep 0.1
	done
	release "$TMPD/go-$writer"
	wait $live || fail "live trace ($writer): umvisor failed"
done

# The default on a pipe is per line too: head gets the first line while
# the guest is still blocked.
mkfifo "$TMPD/go-pipe"
{ "$UMVISOR" -t -o /dev/stdout -- /bin/sh -c "read x <'$TMPD/go-pipe'" 2>/dev/null & } |
	timeout 30 head -1 >"$TMPD/pipe-live.txt" 2>/dev/null
release "$TMPD/go-pipe"
grep -q 'execve(' "$TMPD/pipe-live.txt" || fail "live trace on a pipe: nothing while the guest runs"
wait

# A closed pipe: head takes one line and goes; the guest finishes.
{ "$UMVISOR" -t -o /dev/stdout -- "$GUEST" many $N 2>"$TMPD/pipe.err"; echo $? >"$TMPD/pipe.rc"; } |
	head -1 >"$TMPD/pipe.first"
[ "$(cat "$TMPD/pipe.rc")" -eq 0 ] || fail "closed pipe: umvisor exit $(cat "$TMPD/pipe.rc"), want the guest's 0"
grep -q 'execve(' "$TMPD/pipe.first" || fail "closed pipe: first line is not the execve: $(cat "$TMPD/pipe.first")"
[ "$(grep -c 'Broken pipe; the guest keeps running untraced' "$TMPD/pipe.err")" -eq 1 ] ||
	fail "closed pipe: want one clear error, got: $(cat "$TMPD/pipe.err")"

# A full disk: a 64 KiB tmpfs.
mkdir "$TMPD/full"
if ! mount -t tmpfs -o size=64k tmpfs "$TMPD/full" 2>"$TMPD/mount.err"; then
	echo "SKIP (part): full-disk cases: cannot mount a tmpfs: $(cat "$TMPD/mount.err")" >&2
	exit 77
fi
trap 'umount "$TMPD/full" 2>/dev/null; rm -rf "$TMPD"' EXIT
for writer in auto sync; do
	rm -f "$TMPD/full/t.txt"
	"$UMVISOR" -m trace:out="$TMPD/full/t.txt",writer=$writer -- "$GUEST" many $N 2>"$TMPD/full.err"
	rc=$?
	[ $rc -eq 0 ] || fail "full disk ($writer): umvisor exit $rc, want the guest's 0"
	[ "$(grep -c 'No space left on device; the guest keeps running untraced' "$TMPD/full.err")" -eq 1 ] ||
		fail "full disk ($writer): want one clear error, got: $(cat "$TMPD/full.err")"
	rm -f "$TMPD/full/t.txt"
	"$UMVISOR" -m trace:out="$TMPD/full/t.txt",writer=$writer,on-error=stop -- "$GUEST" many $N 2>"$TMPD/stop.err"
	rc=$?
	[ $rc -eq 137 ] || fail "full disk, on-error=stop ($writer): exit $rc, want 137 (guest killed)"
	grep -q 'No space left on device; stopping the guest (on-error=stop)' "$TMPD/stop.err" ||
		fail "full disk, on-error=stop ($writer): no error line: $(cat "$TMPD/stop.err")"
done
exit 0
