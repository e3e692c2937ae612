#!/bin/sh
# Out of memory in the monitor: an LD_PRELOAD shim (failmalloc.so) makes
# every allocation after the N-th fail (and, in a second pass, only the
# N+1-th). Swept over the allocations of a run of 20 forks under -m count:
# the monitor must never crash or hang; it either finishes (the guest may
# have lost a child, which it then sees killed), or exits 125 and says why.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/hostile/lib.sh"

SHIM="$top_builddir/tests/hostile/.libs/failmalloc.so"
[ -f "$SHIM" ] || hard_error "$SHIM is not built"
if ldd "$UMVISOR" 2>/dev/null | grep -q 'libasan'; then
	skip "umvisor is built with AddressSanitizer, whose allocator an LD_PRELOAD shim cannot replace"
fi

# one_run N ONCE: sets rc, secs; output in $TMPD/o, $TMPD/e
one_run() {
	start=$(date +%s)
	timeout -k 2 20 env LD_PRELOAD="$SHIM" UMV_FAILMALLOC_AFTER="$1" UMV_FAILMALLOC_ONCE="$2" \
		"$UMVISOR" -m count -- "$HOSTILE" many-procs 20 >"$TMPD/o" 2>"$TMPD/e"
	rc=$?
	secs=$(( $(date +%s) - start ))
}

env LD_PRELOAD="$SHIM" UMV_FAILMALLOC_REPORT=1 "$UMVISOR" -m count -- "$HOSTILE" many-procs 20 \
	>"$TMPD/o" 2>"$TMPD/e" || { cat "$TMPD/e" >&2; hard_error "the run without failures fails"; }
total=$(sed -n 's/^failmalloc: \([0-9]*\) allocations$/\1/p' "$TMPD/e")
[ -n "$total" ] && [ "$total" -gt 0 ] || hard_error "no allocation count from the shim"

points=$(awk -v t="$total" 'BEGIN {
	for (n = 0; n < 64 && n <= t; n++) print n;
	for (; n < t - 150; n += 7) print n;
	for (; n <= t + 2; n++) print n; }')
runs=0 finished=0 clean125=0
for once in 0 1; do
	for n in $points; do
		[ "$once" = 1 ] && [ $((n % 3)) != 0 ] && continue
		one_run "$n" "$once"
		runs=$((runs + 1))
		what="allocation $n of $total failing$([ "$once" = 1 ] && echo ' (once)' || echo ' (and all after)')"
		[ "$secs" -ge 20 ] && { cat "$TMPD/e" >&2; fail "$what: the monitor hangs"; }
		grep -E 'AddressSanitizer|runtime error|Segmentation' "$TMPD/e" >&2 && fail "$what: crash report"
		case $rc in
		0|1) finished=$((finished + 1)) ;;
		125)
			grep -q '^umvisor: ' "$TMPD/e" || fail "$what: exit 125 without a word"
			clean125=$((clean125 + 1)) ;;
		*)
			cat "$TMPD/e" >&2
			fail "$what: umvisor exit $rc (crash?)" ;;
		esac
	done
done
echo "oom: $runs runs over $total allocations: $finished finished, $clean125 exited 125 with a message, 0 crashes, 0 hangs"
