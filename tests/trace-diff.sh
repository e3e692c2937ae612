#!/bin/sh
# umvisor-diff on recorded runs: identical runs are equivalent (exit 0)
# though pids, addresses and times differ; each injected difference is
# found (exit 1) and reported with the right context; bad input exits 2.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/trace-lib.sh"
[ -x "$DIFF" ] || hard_error "$DIFF is not built"

record() { # MODE OUT
	"$UMVISOR" -m trace:out="$2",format=json -- "$GUEST" $1 >/dev/null 2>&1
	[ -s "$2" ] || fail "no trace recorded for $1"
}
expect() { # RC PATTERN... -- A B [options]
	want=$1; shift
	"$DIFF" "$@" >"$TMPD/out" 2>&1
	rc=$?
	[ $rc -eq $want ] || { cat "$TMPD/out"; fail "umvisor-diff $*: exit $rc, want $want"; }
}
report_has() {
	grep -qF -- "$1" "$TMPD/out" || { cat "$TMPD/out"; fail "report lacks: $1"; }
}

# Identical workloads, separate runs (other pids, addresses, times).
for mode in files fork threads; do
	record $mode "$TMPD/$mode-1.jsonl"
	record $mode "$TMPD/$mode-2.jsonl"
	expect 0 "$TMPD/$mode-1.jsonl" "$TMPD/$mode-2.jsonl"
	report_has "equivalent"
done
A="$TMPD/files-1.jsonl"
grep -q '"pid":[0-9]*' "$A" && ! cmp -s "$A" "$TMPD/files-2.jsonl" || hard_error "runs are byte-identical: the test proves nothing"

# 1. A call that succeeded fails now: new error, first divergence in context.
sed 's#\("args":\["AT_FDCWD","\\"/dev/null\\"","O_RDONLY|O_CLOEXEC"\],"nin":3,"ret":\)3,"errno":null#\1-13,"errno":"EACCES"#' \
	"$A" >"$TMPD/err.jsonl"
cmp -s "$A" "$TMPD/err.jsonl" && hard_error "injection 1 changed nothing"
expect 1 "$A" "$TMPD/err.jsonl"
report_has 'process P1: first difference at event'
report_has '  - openat(AT_FDCWD, "/dev/null", O_RDONLY|O_CLOEXEC) = fd'
report_has '  + openat(AT_FDCWD, "/dev/null", O_RDONLY|O_CLOEXEC) = -1 EACCES'
report_has '    access("/umvisor-trace-start", F_OK) = -1 ENOENT'
report_has 'new errors:'
report_has 'openat(AT_FDCWD, "/dev/null", O_RDONLY|O_CLOEXEC): succeeded before, now fails with EACCES'

# 1b. A failing call prints its output arguments differently (an address
# instead of the struct): it is still the same call, matched on its inputs.
awk 'BEGIN { done = 0 }
	!done && /"syscall":"newfstatat"/ && /"ret":0,"errno":null/ {
		sub(/"\{st_mode=[^"]*\}"/, "\"0x7ffd12345678\"")
		sub(/"ret":0,"errno":null/, "\"ret\":-2,\"errno\":\"ENOENT\"")
		gsub(/\\"ret\\"/, "ret"); done = 1
	}
	{ print }' "$A" | sed 's/\\"ret\\":-2,\\"errno\\":\\"ENOENT\\"/"ret":-2,"errno":"ENOENT"/' >"$TMPD/stat.jsonl"
grep -q '"0x7ffd12345678"' "$TMPD/stat.jsonl" || hard_error "injection 1b changed nothing"
expect 1 "$A" "$TMPD/stat.jsonl"
report_has 'new errors:'
report_has ', ...): succeeded before, now fails with ENOENT'
grep -q '  newfstatat(fd[0-9]*, "", \.\.\.): succeeded before' "$TMPD/out" ||
	{ cat "$TMPD/out"; fail "the failing newfstatat is not matched on its inputs"; }

# 2. A call removed: counted per syscall name.
reads=$(grep -c '"syscall":"read"' "$A")
grep -v '"syscall":"read","classes":\["fd"\],"args":\["3","\\"\\"","64"\]' "$A" >"$TMPD/rm.jsonl"
expect 1 "$A" "$TMPD/rm.jsonl"
report_has 'calls added/removed:'
report_has "read                 $reads -> $((reads - 1)) (-1)"

# 3. Exit status change.
sed 's/"status":"exited","code":0}/"status":"exited","code":1}/' "$A" >"$TMPD/exit.jsonl"
expect 1 "$A" "$TMPD/exit.jsonl"
report_has 'exit status changes:'
report_has 'process P1: +++ exited with 0 +++ -> +++ exited with 1 +++'

# 4. A process more.
expect 1 "$A" "$TMPD/fork-1.jsonl"
report_has 'process P2: only in'

# 5. Environment-specific paths: --map OLD=NEW.
sed 's|/nonexistent/umvisor-trace|/elsewhere/umvisor-trace|g' "$TMPD/files-2.jsonl" >"$TMPD/moved.jsonl"
expect 1 "$A" "$TMPD/moved.jsonl"
expect 0 --map /nonexistent=/elsewhere "$A" "$TMPD/moved.jsonl"

# 6. Fds by allocation order: the same program getting fd 4 instead of 3.
# (in this workload "3" and a result of 3 are always fd 3)
sed '/"syscall":"\(openat\|read\|close\|newfstatat\|pread64\|mmap\)"/{s/"3"/"4"/g; s/"ret":3,/"ret":4,/}' \
	"$TMPD/files-2.jsonl" >"$TMPD/fd4.jsonl"
expect 0 "$A" "$TMPD/fd4.jsonl"

# 7. Temp-file names.
sed 's|/nonexistent/umvisor-trace|/tmp/run.AbC123|g' "$A" >"$TMPD/tmp1.jsonl"
sed 's|/nonexistent/umvisor-trace|/tmp/run.XyZ789|g' "$A" >"$TMPD/tmp2.jsonl"
expect 0 "$TMPD/tmp1.jsonl" "$TMPD/tmp2.jsonl"

# 8. Order across processes is not compared unless asked.
expect 0 "$TMPD/fork-1.jsonl" "$TMPD/fork-2.jsonl"

# Bad input: exit 2 with a message naming the line, never a crash.
head -c 100 "$A" >"$TMPD/cut.jsonl"
printf '\n' >>"$TMPD/cut.jsonl"
expect 2 "$A" "$TMPD/cut.jsonl"
report_has "cut.jsonl:"; report_has ": not JSON: "
printf '{"v":1,"seq":1,"type":"syscall","time":1,"pid":1,"tid":1}\n' >"$TMPD/short.jsonl"
expect 2 "$A" "$TMPD/short.jsonl"
report_has "short.jsonl:1: syscall record needs"
printf '[1,2]\n' >"$TMPD/arr.jsonl"
expect 2 "$A" "$TMPD/arr.jsonl"
awk 'BEGIN { s = "{\"a\":"; for (i = 0; i < 100000; i++) s = s "["; print s }' >"$TMPD/deep.jsonl"
expect 2 "$A" "$TMPD/deep.jsonl"
head -c 4096 /dev/urandom >"$TMPD/noise.jsonl"
expect 2 "$A" "$TMPD/noise.jsonl"
expect 2 "$A" "$TMPD/does-not-exist.jsonl"
expect 2 "$A"
expect 2 --map nothing "$A" "$A"
exit 0
