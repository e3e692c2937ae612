#!/bin/sh
# Path virtualization benchmarks: umvisor -b vs native and vs proot -b, in
# the same run, interleaved, medians of several rounds. Run by `make bench`
# from the build directory (tests/bench/run-all.sh pins every runner, the
# monitor and its guest included, to one CPU).
#   vfs.stat    stat(2) of a file inside a bind, a C loop: us per call
#   vfs.cat200  200 x cat of small files inside a bind: ms per run
#   vfs.find    find over /usr/share bound at a guest path: ms per run
#   vfs.gcc     gcc -c of 8 small C files + link, in a bind: ms per run
#   vfs.gcc.floor  the same job under tests/bench/floor_tracer with our own
#               filter: every stop we take, with nothing done at it but the
#               fetch and the read of the path (the least any ptrace path
#               monitor must do), against native; and we against that floor.
#               notify_floor: the same with seccomp user notifications
# Plus, per benchmark, our overhead (time - native) against proot's.
set -u
UMVISOR=${UMVISOR:-./umvisor}
export UMVISOR_MODULE_PATH=${UMVISOR_MODULE_PATH:-./.libs}
LOOP=./tests/bench/vfs_stat_loop
FLOOR=./tests/bench/floor_tracer
ROUNDS=${VFS_BENCH_ROUNDS:-5}
[ -x "$UMVISOR" ] && [ -x "$LOOP" ] || { echo "vfs_bench: run from the build dir after make check" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/umv-bench.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
G=/umv-bench-$$/guest/dir
mkdir -p "$T/tree" && echo data >"$T/tree/file"
i=0; while [ $i -lt 200 ]; do echo "small file $i" >"$T/tree/f$i"; i=$((i + 1)); done
mkdir -p "$T/tree/proj"
i=0; while [ $i -lt 8 ]; do
	printf '#include <stdio.h>\n#include <string.h>\nint f%d(const char *s) { return (int)strlen(s) + %d; }\n' $i $i >"$T/tree/proj/f$i.c"
	i=$((i + 1))
done
printf 'int f0(const char *);\nint main(void) { return f0("x") == 1 ? 0 : 1; }\n' >"$T/tree/proj/main.c"
GCC='cd "$D/proj" && gcc -O1 -c f*.c main.c && gcc -o prog *.o && ./prog && rm -f *.o prog'
have_gcc=no
command -v gcc >/dev/null 2>&1 && have_gcc=yes
have_proot=no
command -v proot >/dev/null 2>&1 && proot -b "$T/tree:$G" true 2>/dev/null && have_proot=yes

now_ms() { date +%s%N | awk '{printf "%.3f", $1 / 1e6}'; }
# time_ms CMD...: wall time of one run in ms
time_ms() { t0=$(now_ms); "$@" >/dev/null 2>&1; t1=$(now_ms); echo "$t0 $t1" | awk '{printf "%.3f\n", $2 - $1}'; }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
line() {	# name unit ours baseline theirs
	echo "$3 $5" | awk -v n="$1" -v u="$2" -v b="$4" \
		'{printf "bench: %s: %.2f %s vs %s %.2f %s = %.2fx\n", n, $1, u, b, $2, u, ($2 > 0 ? $1 / $2 : 0)}'
}
report() {	# name unit file-native file-umv file-proot
	n=$(median <"$3"); u=$(median <"$4")
	line "$1" "$2" "$u" native "$n"
	if [ $have_proot = yes ]; then
		p=$(median <"$5")
		line "$1" "$2" "$u" proot "$p"
		echo "$u $n $p" | awk -v name="$1" -v unit="$2" '{o = $1 - $2; q = $3 - $2;
			printf "bench: %s.overhead: %.2f %s vs proot %.2f %s = %.2fx\n", name, o, unit, q, unit, (q > 0 ? o / q : 0)}'
	else
		echo "bench: $1: proot not installed, no proot comparison" >&2
	fi
}

: >"$T/stat.n"; : >"$T/stat.u"; : >"$T/stat.p"
: >"$T/cat.n"; : >"$T/cat.u"; : >"$T/cat.p"
: >"$T/find.n"; : >"$T/find.u"; : >"$T/find.p"
: >"$T/gcc.n"; : >"$T/gcc.u"; : >"$T/gcc.p"; : >"$T/gcc.f"; : >"$T/gcc.nf"
have_floor=no
if [ $have_gcc = yes ] && [ -x "$FLOOR" ] &&
	"$UMVISOR" --dump-filter "$T/gcc.bpf" -b "$T/tree:$G" -- true; then
	have_floor=yes
fi
CAT='for i in $(seq 0 199); do cat "$D/f$i"; done'
r=0
while [ $r -lt "$ROUNDS" ]; do
	"$LOOP" "$T/tree/file" 20000 5 >>"$T/stat.n"
	"$UMVISOR" -b "$T/tree:$G" -- "$LOOP" "$G/file" 2000 5 >>"$T/stat.u"
	[ $have_proot = yes ] && proot -b "$T/tree:$G" "$LOOP" "$G/file" 2000 5 >>"$T/stat.p"
	D=$T/tree time_ms sh -c "$CAT" >>"$T/cat.n"
	D=$G time_ms "$UMVISOR" -b "$T/tree:$G" -- sh -c "$CAT" >>"$T/cat.u"
	[ $have_proot = yes ] && D=$G time_ms proot -b "$T/tree:$G" sh -c "$CAT" >>"$T/cat.p"
	time_ms find /usr/share >>"$T/find.n"
	time_ms "$UMVISOR" -b "/usr/share:$G/share" -- find "$G/share" >>"$T/find.u"
	[ $have_proot = yes ] && time_ms proot -b "/usr/share:$G/share" find "$G/share" >>"$T/find.p"
	if [ $have_gcc = yes ]; then
		D=$T/tree time_ms sh -c "$GCC" >>"$T/gcc.n"
		D=$G time_ms "$UMVISOR" -b "$T/tree:$G" -- sh -c "$GCC" >>"$T/gcc.u"
		[ $have_proot = yes ] && D=$G time_ms proot -b "$T/tree:$G" sh -c "$GCC" >>"$T/gcc.p"
		[ $have_floor = yes ] && D=$T/tree time_ms "$FLOOR" "$T/gcc.bpf" -- sh -c "$GCC" >>"$T/gcc.f"
		[ $have_floor = yes ] && D=$T/tree time_ms "$FLOOR" -u "$T/gcc.bpf" -- sh -c "$GCC" >>"$T/gcc.nf"
	fi
	r=$((r + 1))
done
report vfs.stat us "$T/stat.n" "$T/stat.u" "$T/stat.p"
report vfs.cat200 ms "$T/cat.n" "$T/cat.u" "$T/cat.p"
report vfs.find ms "$T/find.n" "$T/find.u" "$T/find.p"
if [ $have_gcc = yes ]; then
	report vfs.gcc ms "$T/gcc.n" "$T/gcc.u" "$T/gcc.p"
	if [ $have_floor = yes ]; then
		f=$(median <"$T/gcc.f"); n=$(median <"$T/gcc.n"); u=$(median <"$T/gcc.u")
		line vfs.gcc.floor ms "$f" native "$n"
		line vfs.gcc.notify_floor ms "$(median <"$T/gcc.nf")" native "$n"
		line vfs.gcc.vs_floor ms "$u" ptrace-floor "$f"
	else
		echo "bench: vfs.gcc.floor: floor_tracer or --dump-filter unavailable, not measured" >&2
	fi
else
	echo "bench: vfs.gcc: gcc not installed, not measured" >&2
fi
