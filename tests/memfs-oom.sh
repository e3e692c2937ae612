#!/bin/sh
# memfs and dev with the monitor out of memory (tests/hostile's failmalloc
# shim: every allocation after the N-th fails, or only the N+1-th), swept
# over a run that writes, reads a stream and saves: the monitor never
# crashes or hangs, and never leaves a private directory behind unless it
# says so (a failed save keeps the tree and logs where).
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/memfs-lib.sh"
SHIM="$top_builddir/tests/hostile/.libs/failmalloc.so"
[ -f "$SHIM" ] || hard_error "$SHIM is not built"
[ -f "$top_builddir/.libs/dev.so" ] || hard_error "dev.so is not built"
if ldd "$UMVISOR" 2>/dev/null | grep -q 'libasan'; then
	skip "umvisor is built with AddressSanitizer, whose allocator an LD_PRELOAD shim cannot replace"
fi
# Private places for this test's trees (tmpfs=) and stream directories
# ($TMPDIR), so that tests running beside it cannot look like leftovers.
PRIV=$(native_tmpfs_dir) || skip "no tmpfs for the trees"
trap 'rm -rf "$TMPD" "$PRIV"' EXIT
mkdir "$TMPD/t" || hard_error "mkdir"
GUEST="echo x >$MEMG/a; head -n 2 /dev/umvisor/counter; cat $MEMG/a; stat -f -c %b $MEMG"
OPTS="memfs:guest=$MEMG,size=1M,save=$TMPD/s,tmpfs=$PRIV"
env TMPDIR="$TMPD/t" LD_PRELOAD="$SHIM" UMV_FAILMALLOC_REPORT=1 "$UMVISOR" -m "$OPTS" -m dev -- sh -c "$GUEST" \
	>"$TMPD/o" 2>"$TMPD/e" || { cat "$TMPD/e" >&2; hard_error "the run without failures fails"; }
total=$(sed -n 's/^failmalloc: \([0-9]*\) allocations$/\1/p' "$TMPD/e")
[ -n "$total" ] && [ "$total" -gt 0 ] || hard_error "no allocation count from the shim"
dirs() {
	for d in "$PRIV"/* "$TMPD/t"/umvisor-streams.*; do
		[ -e "$d" ] && readlink -f "$d"
	done | sort -u
}
# one_run N ONCE: one run with allocation N+1 (and, unless ONCE, all
# after it) failing; fails the test on a crash, a hang or a directory
# left behind unannounced.
one_run() {
	rm -rf "$TMPD/s"
	dirs >"$TMPD/before"
	started=$(date +%s)
	timeout -k 2 30 env TMPDIR="$TMPD/t" LD_PRELOAD="$SHIM" UMV_FAILMALLOC_AFTER=$1 UMV_FAILMALLOC_ONCE=$2 \
		"$UMVISOR" -m "$OPTS" -m dev -- sh -c "$GUEST" >"$TMPD/o" 2>"$TMPD/e"
	rc=$?
	runs=$((runs + 1))
	what="allocation $1 of $total failing$([ "$2" = 1 ] && echo ' (once)')"
	# 137 is also the guest's own status when the process the monitor
	# could not track (and killed) ran its last command: only the time
	# tells a hang.
	if [ $rc = 124 ] || { [ $rc = 137 ] && [ $(($(date +%s) - started)) -ge 30 ]; }; then
		cat "$TMPD/e" >&2
		fail "$what: the monitor hangs"
	fi
	grep -E 'AddressSanitizer|runtime error|Segmentation' "$TMPD/e" >&2 && fail "$what: crash report"
	if [ $rc -gt 128 ] && ! { [ $rc = 137 ] && grep -q 'cannot track .*: killed' "$TMPD/e"; }; then
		cat "$TMPD/e" >&2
		fail "$what: umvisor exit $rc (crash?)"
	fi
	left=$(sed -n 's/.*the tree is left in \(.*\)$/\1/p' "$TMPD/e")
	dirs | comm -13 "$TMPD/before" - >"$TMPD/new"
	for d in $(cat "$TMPD/new"); do
		[ "$d" = "$left" ] || { cat "$TMPD/e" >&2; rm -rf "$d"; fail "$what: $d left behind unannounced"; }
		rm -rf "$d"
	done
}
runs=0
# Start-up, where each module makes its directory: every allocation.
n=0
while [ $n -le 150 ] && [ $n -le "$total" ]; do one_run $n 1; n=$((n + 1)); done
# The whole run, sampled.
for once in 0 1; do
	n=0
	while [ $n -le $((total + 2)) ]; do one_run $n $once; n=$((n + (total / 40) + 1)); done
done
echo "memfs-oom: $runs runs over $total allocations: no crash, no hang, nothing left unannounced"
