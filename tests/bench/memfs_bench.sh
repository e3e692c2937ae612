#!/bin/sh
# memfs.rw: 1 GiB written then read back in 1 MiB blocks, in a memfs tree
# vs natively in a directory of the same tmpfs (/dev/shm), interleaved,
# median of several rounds; ms per run as the guest measures it (open to
# unlink). memfs.rw.limit: the same with size=2G, where every write stops
# in the monitor for the limit check. memfs.rw4k.limit: 64 MiB in 4 KiB
# blocks with size=2G, the worst case of that stop (16384 writes). Run by
# `make bench` (pinned by tests/bench/run-all.sh: monitor and guest share
# one CPU).
set -u
UMVISOR=${UMVISOR:-./umvisor}
export UMVISOR_MODULE_PATH=${UMVISOR_MODULE_PATH:-./.libs}
RW=./tests/bench/memfs_rw
ROUNDS=${MEMFS_BENCH_ROUNDS:-5}
MIB=${MEMFS_BENCH_MIB:-1024}
[ -x "$UMVISOR" ] && [ -x "$RW" ] || { echo "memfs_bench: run from the build dir after make check" >&2; exit 1; }
[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] || { echo "bench: memfs.rw: /dev/shm is not a tmpfs, not measured" >&2; exit 0; }
free_kib=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
[ "$free_kib" -gt $((MIB * 1024 * 3)) ] || { echo "bench: memfs.rw: less than 3x ${MIB} MiB of memory free, not measured" >&2; exit 0; }
T=$(mktemp -d "${TMPDIR:-/tmp}/umv-bench.XXXXXX") || exit 1
N=$(mktemp -d /dev/shm/umv-bench-native.XXXXXX) || exit 1
trap 'rm -rf "$T" "$N"' EXIT
G=/umv-bench-$$/memfs
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
line() {	# name ours theirs
	echo "$2 $3" | awk -v n="$1" '{printf "bench: %s: %.2f ms vs tmpfs %.2f ms = %.2fx\n", n, $1, $2, ($2 > 0 ? $1 / $2 : 0)}'
}
: >"$T/n"; : >"$T/u"; : >"$T/l"; : >"$T/n4"; : >"$T/l4"
r=0
while [ $r -lt "$ROUNDS" ]; do
	# The order turns each round: whoever runs first may pay for the
	# pages the last run freed.
	for k in 0 1 2; do
		case $(((r + k) % 3)) in
		0) "$RW" "$N/file" "$MIB" >>"$T/n" || exit 1 ;;
		1) "$UMVISOR" -m "memfs:guest=$G" -- "$RW" "$G/file" "$MIB" >>"$T/u" || exit 1 ;;
		2) "$UMVISOR" -m "memfs:guest=$G,size=2G" -- "$RW" "$G/file" "$MIB" >>"$T/l" || exit 1 ;;
		esac
	done
	"$RW" "$N/file" 64 4096 >>"$T/n4" || exit 1
	"$UMVISOR" -m "memfs:guest=$G,size=2G" -- "$RW" "$G/file" 64 4096 >>"$T/l4" || exit 1
	r=$((r + 1))
done
n=$(median <"$T/n")
line memfs.rw "$(median <"$T/u")" "$n"
line memfs.rw.limit "$(median <"$T/l")" "$n"
line memfs.rw4k.limit "$(median <"$T/l4")" "$(median <"$T/n4")"
