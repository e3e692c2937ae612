# tests/fuzz/run-fuzz.sh NAME: replay NAME's seed corpus, then fuzz it.
#   FUZZ_MODE=check (default): FUZZ_CHECK_SECONDS (20) with seed 1, a fresh
#                              copy of the seeds as corpus (make check)
#   FUZZ_MODE=long:            FUZZ_SECONDS (600), corpus kept in the build
#                              tree across runs (make fuzz)
# Exit 0 pass, 1 a crash or sanitizer report (the input is kept and named),
# 77 skip (harness not built), 99 harness error.
set -u
name=${1:?usage: run-fuzz.sh NAME}
: "${top_srcdir:?}" "${top_builddir:?}"
bin=$top_builddir/tests/fuzz/$name
seeds=$top_srcdir/tests/fuzz/corpus/$name
mode=${FUZZ_MODE:-check}

if [ ! -x "$bin" ]; then
	echo "SKIP: $name not built: configure --enable-fuzzers (needs clang -fsanitize=fuzzer, Debian clang-14 + libclang-rt-14-dev)" >&2
	exit 77
fi
[ -d "$seeds" ] || { echo "ERROR: no seed corpus $seeds" >&2; exit 99; }

if [ "$mode" = long ]; then
	secs=${FUZZ_SECONDS:-600}
	work=$top_builddir/tests/fuzz/work-$name
	mkdir -p "$work/corpus" "$work/artifacts" || exit 99
	seed_opt=
else
	secs=${FUZZ_CHECK_SECONDS:-20}
	work=$(mktemp -d "${TMPDIR:-/tmp}/umv-fuzz-$name.XXXXXX") || exit 99
	trap 'rm -rf "$work"' EXIT
	mkdir -p "$work/corpus" "$work/artifacts" || exit 99
	seed_opt=-seed=1
fi
cp "$seeds"/* "$work/corpus/" 2>/dev/null

log=$work/log
# 1. every seed once: the regressions of what was found before
if ! "$bin" -runs=1 "$seeds"/* >"$log" 2>&1; then
	tail -40 "$log" >&2
	echo "FAIL: $name: a seed input crashes" >&2
	exit 1
fi
nseeds=$(ls "$seeds" | wc -l)

# 2. fuzz
if ! "$bin" $seed_opt -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" >"$log" 2>&1; then
	tail -60 "$log" >&2
	for a in "$work"/artifacts/*; do
		[ -f "$a" ] || continue
		mkdir -p "$top_builddir/tests/fuzz/found" && cp "$a" "$top_builddir/tests/fuzz/found/"
		echo "FAIL: $name: input kept as tests/fuzz/found/$(basename "$a")" >&2
	done
	exit 1
fi
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
echo "fuzz: $name: $nseeds seeds replayed, ${execs:-?} executions in ${secs} s (${speed:-?}/s, $cov), crashes 0"
exit 0
