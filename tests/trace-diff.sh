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

# 7b. Temporary names by pattern, anywhere: mkstemp/mkdtemp names (learnt
# from the creating calls), each labelled by order of appearance, so two
# runs with other random names are equivalent ...
export TRACE_GUEST_SWAP=0
record tmpfiles "$TMPD/tmpf-1.jsonl"
record tmpfiles "$TMPD/tmpf-2.jsonl"
n1=$(grep -o 'umvisor-diff\.[A-Za-z0-9]\{6\}' "$TMPD/tmpf-1.jsonl" | sort -u | tr '\n' ' ')
n2=$(grep -o 'umvisor-diff\.[A-Za-z0-9]\{6\}' "$TMPD/tmpf-2.jsonl" | sort -u | tr '\n' ' ')
[ "$n1" != "$n2" ] || hard_error "two runs made the same temporary names: the test proves nothing"
expect 0 "$TMPD/tmpf-1.jsonl" "$TMPD/tmpf-2.jsonl"
# ... a name that looks like no word, in a directory that is not a
# temporary one, is still a temporary name when a call created it so ...
sed 's|/tmp/umvisor-diff\.|/srv/data/umvisor-diff.|g' "$TMPD/tmpf-1.jsonl" >"$TMPD/tmpf-srv-1.jsonl"
sed 's|/tmp/umvisor-diff\.|/srv/data/umvisor-diff.|g' "$TMPD/tmpf-2.jsonl" >"$TMPD/tmpf-srv-2.jsonl"
expect 0 "$TMPD/tmpf-srv-1.jsonl" "$TMPD/tmpf-srv-2.jsonl"
# ... but the same files removed in the other order is a real difference,
# reported with the labels ...
TRACE_GUEST_SWAP=1 record tmpfiles "$TMPD/tmpf-swapped.jsonl"
expect 1 "$TMPD/tmpf-1.jsonl" "$TMPD/tmpf-swapped.jsonl"
report_has '  - unlink("/tmp/umvisor-diff.TMP1") = 0'
report_has '  + unlink("/tmp/umvisor-diff.TMP2") = 0'
# ... and so is another file in a temporary directory (not random-looking).
sed 's|/tmp/umvisor-dir\.\([A-Za-z0-9]*\)/data|/tmp/umvisor-dir.\1/other|' "$TMPD/tmpf-2.jsonl" >"$TMPD/tmpf-other.jsonl"
cmp -s "$TMPD/tmpf-2.jsonl" "$TMPD/tmpf-other.jsonl" && hard_error "injection 7b changed nothing"
expect 1 "$TMPD/tmpf-1.jsonl" "$TMPD/tmpf-other.jsonl"
report_has '/data", O_WRONLY|O_CREAT|O_TRUNC, 0644) = fd'
report_has '/other", O_WRONLY|O_CREAT|O_TRUNC, 0644) = fd'
# Built-in patterns: mktemp(1)'s tmp.XXXXXXXXXX, Python's tmpXXXXXXXX.
if command -v mktemp >/dev/null 2>&1; then
	for k in 1 2; do
		"$UMVISOR" -m trace:out="$TMPD/mktemp-$k.jsonl",format=json -- mktemp -p "$TMPD" >"$TMPD/mktemp-$k.out" ||
			fail "mktemp run $k failed"
	done
	grep -q '/tmp\.[A-Za-z0-9]\{10\}"' "$TMPD/mktemp-1.jsonl" || fail "mktemp made no tmp.XXXXXXXXXX name"
	expect 0 "$TMPD/mktemp-1.jsonl" "$TMPD/mktemp-2.jsonl"
fi
printf '%s\n' '{"v":3,"seq":1,"type":"syscall","time":1.0,"pid":1,"tid":1,"arch":"x86_64","syscall":"unlink","classes":["file"],"args":["\"/x/tmpab_12xyz\""],"nin":1,"ret":0,"errno":null,"duration":0.0,"outcome":"passed","module":null,"text":"unlink(\"/x/tmpab_12xyz\") = 0","values":["/x/tmpab_12xyz"]}' >"$TMPD/py-1.jsonl"
sed 's/tmpab_12xyz/tmp_q9zz0k1/g' "$TMPD/py-1.jsonl" >"$TMPD/py-2.jsonl"
expect 0 "$TMPD/py-1.jsonl" "$TMPD/py-2.jsonl"
sed 's/tmpab_12xyz/tmpab_12xy/g' "$TMPD/py-1.jsonl" >"$TMPD/py-3.jsonl"
expect 1 "$TMPD/py-1.jsonl" "$TMPD/py-3.jsonl"

# 7c. execve from a thread: the superseded record names the former tid by
# its label; runs compare equal, and a missing takeover is a difference.
record exec-vfork "$TMPD/xv-1.jsonl"
record exec-vfork "$TMPD/xv-2.jsonl"
expect 0 "$TMPD/xv-1.jsonl" "$TMPD/xv-2.jsonl"
grep -v '"type":"superseded"' "$TMPD/xv-2.jsonl" >"$TMPD/xv-none.jsonl"
expect 1 "$TMPD/xv-1.jsonl" "$TMPD/xv-none.jsonl"
report_has '+++ superseded by execve in T2 +++'

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
