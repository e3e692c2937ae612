#!/bin/sh
# bench trace.workload: `tar -cf` of /usr/share/doc traced to a file, by
# umvisor -o, by `strace -f -o` and by `strace -f --seccomp-bpf -o`, rounds
# interleaved, same CPU placement (run-all.sh pins this script and all its
# children), median wall time of each. Lower ratio is better; target <= 1.0.
set -u
# `make bench` runs this from the build directory without the test
# environment: default to the binaries built there.
UMVISOR=${UMVISOR:-$(pwd)/umvisor}
UMVISOR_MODULE_PATH=${UMVISOR_MODULE_PATH:-$(pwd)/.libs}
export UMVISOR_MODULE_PATH
[ -x "$UMVISOR" ] || { echo "bench: trace.workload: $UMVISOR is not built" >&2; exit 1; }
ROUNDS=${TRACE_BENCH_ROUNDS:-5}
SRC=${TRACE_BENCH_TREE:-/usr/share/doc}
command -v strace >/dev/null 2>&1 || { echo "bench: trace.workload: SKIP (strace not installed)" >&2; exit 0; }
command -v tar >/dev/null 2>&1 || { echo "bench: trace.workload: SKIP (tar not installed)" >&2; exit 0; }
[ -d "$SRC" ] || { echo "bench: trace.workload: SKIP ($SRC missing)" >&2; exit 0; }
T=$(mktemp -d "${TMPDIR:-/tmp}/umvisor-bench.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

now_us() { echo $(( $(date +%s%N) / 1000 )); }

# Runs "$@" once; prints its wall time in microseconds. A tar archive in a
# file (tar skips reading the files when the archive is /dev/null).
timed() {
	t0=$(now_us)
	"$@" >/dev/null 2>&1 || { echo "bench: trace.workload: run failed: $*" >&2; exit 1; }
	t1=$(now_us)
	echo $((t1 - t0))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

: >"$T/ours"; : >"$T/strace"; : >"$T/seccomp"
tar -cf "$T/warm.tar" "$SRC" 2>/dev/null	# warm the page cache
for i in $(seq "$ROUNDS"); do
	timed "$UMVISOR" -o "$T/ours.trace" -- tar -cf "$T/a.tar" "$SRC" >>"$T/ours"
	timed strace -f -o "$T/strace.trace" tar -cf "$T/a.tar" "$SRC" >>"$T/strace"
	timed strace -f --seccomp-bpf -o "$T/seccomp.trace" tar -cf "$T/a.tar" "$SRC" >>"$T/seccomp"
done
ours=$(median <"$T/ours")
st=$(median <"$T/strace")
sc=$(median <"$T/seccomp")
lines=$(wc -l <"$T/ours.trace")
echo "bench: trace.workload: ($lines trace lines, $ROUNDS rounds, median wall time)" >&2
awk -v o="$ours" -v s="$st" 'BEGIN { printf "bench: trace.workload: %.1f ms vs strace-f %.1f ms = %.2fx\n", o / 1000, s / 1000, o / s }'
awk -v o="$ours" -v s="$sc" 'BEGIN { printf "bench: trace.workload: %.1f ms vs strace-f-seccomp-bpf %.1f ms = %.2fx\n", o / 1000, s / 1000, o / s }'
