#!/bin/sh
# Synthetic files (umv_call_redirect_content) through the synth-test
# module: per-call content for the calling process, 1 MiB read and
# mapped, misuse refused, nothing left in $TMPDIR, with and without the
# path layer.
. "$top_srcdir/tests/lib/harness.sh"

synth="$TMPD/tmp"
mkdir "$synth" || hard_error "mkdir"
run() { TMPDIR="$synth" timeout 60 "$UMVISOR" "$@"; }

# The content is made for the process that opens: exec keeps the pid.
out=$(run -m synth-test -- sh -c 'echo "$$"; exec cat /umvisor-synth-test.hello') ||
	fail "cat of a synthetic file failed: $out"
pid=$(echo "$out" | sed -n 1p)
[ "$(echo "$out" | sed -n 2p)" = "hello $pid $pid" ] || fail "content not made for the caller:
$out"
case "$out" in *BAD*) fail "misuse accepted: $out" ;; esac

# 1 MiB: written whole, read back whole, and mmap works on it.
out=$(run -m synth-test -- sh -c 'wc -c </umvisor-synth-test.big; tr -d 0-9a-f </umvisor-synth-test.big | wc -c') ||
	fail "big synthetic file"
[ "$out" = "1048576
0" ] || fail "big synthetic file reads as: $out"
if command -v python3 >/dev/null 2>&1; then
	out=$(run -m synth-test -- python3 -c '
import mmap, os
fd = os.open("/umvisor-synth-test.big", os.O_RDONLY)
m = mmap.mmap(fd, 0, prot=mmap.PROT_READ)
print(len(m), m[16:32].decode(), os.fstat(fd).st_nlink)') || fail "mmap of a synthetic file"
	[ "$out" = "1048576 0123456789abcdef 0" ] || fail "mmap of a synthetic file: $out"
fi

# With the path layer on, the module sees the host path of a file that
# exists in the guest's view, and redirects it the same way.
mkdir "$TMPD/b" && echo real >"$TMPD/b/umvisor-synth-test.hello" || hard_error "mkdir"
out=$(run -b "$TMPD/b:/mnt/synth-b" -m synth-test -- cat /mnt/synth-b/umvisor-synth-test.hello) ||
	fail "with -b: $out"
case "$out" in "hello "*) ;; *) fail "with -b: $out" ;; esac

left=$(find "$synth" -mindepth 1 | head -3)
[ -z "$left" ] || fail "left behind in TMPDIR: $left"
exit 0
