#!/bin/sh
# cow.untar: extracting a 5,000-file tarball into a cow view (umvisor -m
# cow, fresh upper each round) vs into a plain directory natively. Rounds
# interleaved, median of COW_BENCH_ROUNDS; run by `make bench` from the
# build dir (tests/bench/run-all.sh pins the monitor, the guest and the
# native run to the same CPU).
set -u
UMVISOR=${UMVISOR:-./umvisor}
export UMVISOR_MODULE_PATH=${UMVISOR_MODULE_PATH:-./.libs}
ROUNDS=${COW_BENCH_ROUNDS:-5}
[ -x "$UMVISOR" ] && [ -f "$UMVISOR_MODULE_PATH/cow.so" ] ||
	{ echo "cow_bench: run from the build dir after make" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/umv-cowbench.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

# 50 directories x 100 files of 100..1000 bytes
mkdir -p "$T/src" || exit 1
python3 - "$T/src" <<'EOT' || exit 1
import os, sys
root = sys.argv[1]
for d in range(50):
    p = os.path.join(root, "d%02d" % d)
    os.mkdir(p)
    for f in range(100):
        with open(os.path.join(p, "f%03d.txt" % f), "w") as fh:
            fh.write(("%d-%d " % (d, f)) * (20 + (d * 7 + f * 13) % 180))
EOT
tar -C "$T/src" -cf "$T/t.tar" . || exit 1
n=$(tar -tf "$T/t.tar" | grep -c '\.txt$')
[ "$n" = 5000 ] || { echo "cow_bench: tarball has $n files" >&2; exit 1; }
mkdir -p "$T/lower" && echo keep >"$T/lower/existing" || exit 1

now_ms() { date +%s%N | awk '{printf "%.3f", $1 / 1e6}'; }
time_ms() { t0=$(now_ms); "$@" >/dev/null 2>&1 || echo "cow_bench: failed: $*" >&2; t1=$(now_ms); echo "$t0 $t1" | awk '{printf "%.3f\n", $2 - $1}'; }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

: >"$T/n"; : >"$T/u"
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	rm -rf "$T/native" "$T/upper" && mkdir "$T/native" "$T/upper"
	# each side starts with no writeback pending from the other
	sync
	time_ms tar -xf "$T/t.tar" -C "$T/native" >>"$T/n"
	sync
	time_ms "$UMVISOR" -m "cow:lower=$T/lower,upper=$T/upper" -- tar -xf "$T/t.tar" -C "$T/lower" >>"$T/u"
	r=$((r + 1))
done
got=$(find "$T/upper" -name '*.txt' | wc -l)
[ "$got" = 5000 ] || { echo "cow_bench: $got files in upper, want 5000" >&2; exit 1; }
[ "$(ls -A "$T/lower")" = existing ] || { echo "cow_bench: the lower tree changed" >&2; exit 1; }
nm=$(median <"$T/n"); um=$(median <"$T/u")
echo "$um $nm" | awk '{printf "bench: cow.untar: %.2f ms vs native %.2f ms = %.2fx\n", $1, $2, ($2 > 0 ? $1 / $2 : 0)}'
