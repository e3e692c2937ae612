#!/bin/sh
# JSON Lines: every line of every workload valid against schema v3
# (tests/trace_validate.c), and the outcome of the chain recorded whatever
# the load order (emulated and rewritten calls, by which module).
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/trace-lib.sh"
[ -x "$VALIDATE" ] || hard_error "$VALIDATE is not built"

for mode in files fork threads kill status; do
	"$UMVISOR" -m trace:out="$TMPD/$mode.jsonl",format=json -- "$GUEST" $mode >/dev/null 2>&1
	"$VALIDATE" "$TMPD/$mode.jsonl" || fail "$mode: JSON trace does not match schema v3"
done
grep -q '"type":"exit","time":[0-9.]*,"pid":[0-9]*,"tid":[0-9]*,"status":"killed","signal":"SIGKILL","core":false' \
	"$TMPD/kill.jsonl" || fail "kill: no killed exit record"
grep -q '"type":"signal".*"signal":"SIGCHLD","siginfo":"{si_signo=SIGCHLD, si_code=CLD_EXITED' \
	"$TMPD/fork.jsonl" || fail "fork: no SIGCHLD record"
grep -q '"type":"thread"' "$TMPD/threads.jsonl" || fail "threads: no thread record"
grep -q '"syscall":"openat".*"args":\["AT_FDCWD","\\"/nonexistent/umvisor-trace\\"","O_RDONLY"\],"nin":3,"ret":-2,"errno":"ENOENT"' \
	"$TMPD/files.jsonl" || fail "files: the failed openat is not recorded with its args and errno"
grep -q '"syscall":"openat".*"args":\["AT_FDCWD","\\"/nonexistent/umvisor-trace\\"","O_RDONLY"\],"nin":3.*"values":\[{"name":"AT_FDCWD"},"/nonexistent/umvisor-trace",{"name":"O_RDONLY"}\]}$' \
	"$TMPD/files.jsonl" || fail "files: the failed openat has no structured values"
grep -q '"syscall":"exit_group".*"args":\["0"\],"nin":1,"ret":null.*"values":\[0\]}$' "$TMPD/files.jsonl" ||
	fail "files: exit_group has no null result"
# v3: wait statuses and device numbers as values of their own.
grep -q '"syscall":"wait4".*"args":\["[0-9]*","\[{WIFEXITED(s) && WEXITSTATUS(s) == 3}\]",.*"values":\[[0-9]*,\[{"exited":3}\],0,null\]}$' \
	"$TMPD/fork.jsonl" || fail "fork: wait4's status is not {\"exited\":3}"
grep -q '"syscall":"wait4".*"values":\[[0-9]*,\[{"signaled":"SIGKILL","core":false}\],0,null\]}$' \
	"$TMPD/status.jsonl" || fail "status: wait4's status is not {\"signaled\":\"SIGKILL\",...}"
grep -q '"values":\[[0-9]*,"",{"st_mode":{"flags":\["S_IFCHR","0666"\]},"st_rdev":{"major":1,"minor":3},"_more":true}' \
	"$TMPD/status.jsonl" || fail "status: st_rdev of /dev/null is not {\"major\":1,\"minor\":3}"

# summary with JSON: the table goes to stderr, the file stays JSON Lines.
"$UMVISOR" -m trace:out="$TMPD/sum.jsonl",format=json,summary -- "$GUEST" files >/dev/null 2>"$TMPD/sum.err"
"$VALIDATE" "$TMPD/sum.jsonl" >/dev/null || fail "summary broke the JSON trace"
grep -q 'total$' "$TMPD/sum.err" || fail "summary with JSON: no table on stderr"

# The validator itself rejects what breaks the schema (and accepts the
# good form of the syscall lines below, so that they fail for their fault).
printf '%s\n' '{"v":3,"seq":1,"type":"syscall","time":1.0,"pid":1,"tid":1,"arch":"x86_64","syscall":"close","classes":["fd"],"args":["3"],"nin":1,"ret":0,"errno":null,"duration":0.0,"outcome":"passed","module":null,"text":"close(3) = 0","values":[3]}' >"$TMPD/good.jsonl"
"$VALIDATE" "$TMPD/good.jsonl" >/dev/null || fail "validator refused a valid v3 syscall line"
printf '%s\n' '{"v":3,"seq":1,"type":"superseded","time":1.0,"pid":5,"tid":5,"former_tid":6}' >"$TMPD/good.jsonl"
"$VALIDATE" "$TMPD/good.jsonl" >/dev/null || fail "validator refused a valid superseded line"
for badline in '{"v":1,"seq":1,"type":"exit","time":1.0,"pid":1,"tid":1,"status":"exited","code":0}' \
	'{"v":2,"seq":1,"type":"exit","time":1.0,"pid":1,"tid":1,"status":"exited","code":0}' \
	'{"v":4,"seq":1,"type":"exit","time":1.0,"pid":1,"tid":1,"status":"exited","code":0}' \
	'{"v":3,"seq":1,"type":"superseded","time":1.0,"pid":5,"tid":5,"former_tid":5}' \
	'{"v":3,"seq":1,"type":"superseded","time":1.0,"pid":5,"tid":6,"former_tid":6}' \
	'{"v":3,"seq":1,"type":"superseded","time":1.0,"pid":5,"tid":5}' \
	'{"v":3,"seq":1,"type":"syscall","time":1.0,"pid":1,"tid":1,"arch":"x86_64","syscall":"close","classes":["fd"],"args":["3"],"nin":1,"ret":0,"errno":null,"duration":0.0,"outcome":"passed","module":null,"text":"close(3) = 0"}' \
	'{"v":3,"seq":1,"type":"syscall","time":1.0,"pid":1,"tid":1,"arch":"x86_64","syscall":"close","classes":["fd"],"args":["3"],"values":["3"],"nin":1,"ret":0,"errno":null,"duration":0.0,"outcome":"passed","module":null,"text":"close(3) = 0"}' \
	'{"v":3,"seq":1,"type":"syscall","time":1.0,"pid":1,"tid":1,"arch":"x86_64","syscall":"close","classes":["fd"],"args":["3"],"nin":1,"ret":0,"errno":null,"duration":0.0,"outcome":"passed","module":null,"text":"close(3) = 0","values":[3],"extra":1}' \
	'{"v":1,"seq":1,"type":"syscall","time":1.0,"pid":1,"tid":1}' \
	'{"v":1,"seq":1,"type":"exit","time":1.0,"pid":1,"tid":1,"status":"exited","code":0' \
	'not json'; do
	printf '%s\n' "$badline" >"$TMPD/bad.jsonl"
	"$VALIDATE" "$TMPD/bad.jsonl" 2>/dev/null && fail "validator accepted: $badline"
done

# Emulated by a module loaded before or after trace: same record.
for order in before after; do
	if [ $order = before ]; then
		set -- -m emulate-getppid:value=4242 -m trace:out="$TMPD/emu-$order.jsonl",format=json
	else
		set -- -m trace:out="$TMPD/emu-$order.jsonl",format=json -m emulate-getppid:value=4242
	fi
	"$UMVISOR" "$@" -- "$GUEST" kill >/dev/null 2>&1
	"$VALIDATE" "$TMPD/emu-$order.jsonl" >/dev/null || fail "emulate ($order): invalid JSON"
	grep -q '"syscall":"getppid",.*"ret":4242,"errno":null,"duration":[0-9.]*,"outcome":"emulated","module":"emulate-getppid"' \
		"$TMPD/emu-$order.jsonl" || fail "emulate ($order): getppid not recorded as emulated by emulate-getppid"
done
# Composed with the real modules: bind's mount is served by the monitor's
# path layer (a rewrite by "umvisor"), fakeroot emulates the ids.
mkdir "$TMPD/host" && echo hi >"$TMPD/host/f" || hard_error "cannot make $TMPD/host/f"
"$UMVISOR" -b "$TMPD/host:/umvisor-virt" -m trace:out="$TMPD/bind.jsonl",format=json -- cat /umvisor-virt/f \
	>"$TMPD/bind.out" 2>&1 || fail "bind + trace: $(cat "$TMPD/bind.out")"
"$VALIDATE" "$TMPD/bind.jsonl" >/dev/null || fail "bind + trace: invalid JSON"
grep -q '"syscall":"openat",.*"\\"/umvisor-virt/f\\"".*"outcome":"rewritten","module":"umvisor"' "$TMPD/bind.jsonl" ||
	fail "bind + trace: the redirected openat is not recorded as rewritten by umvisor"
"$UMVISOR" -0 -m trace:out="$TMPD/fakeroot.jsonl",format=json -- id -u >"$TMPD/fakeroot.out" 2>&1 ||
	fail "fakeroot + trace: $(cat "$TMPD/fakeroot.out")"
"$VALIDATE" "$TMPD/fakeroot.jsonl" >/dev/null || fail "fakeroot + trace: invalid JSON"
grep -q '"syscall":"geteuid",.*"ret":0,.*"outcome":"emulated","module":"fakeroot"' "$TMPD/fakeroot.jsonl" ||
	fail "fakeroot + trace: geteuid is not recorded as emulated by fakeroot"

# Text mode says nothing of outcomes (strace has no such field) but shows
# the result the guest got.
"$UMVISOR" -m emulate-getppid:value=4242 -o "$TMPD/emu.txt" -- "$GUEST" kill >/dev/null 2>&1
grep -q 'getppid() *= 4242$' "$TMPD/emu.txt" || fail "text: emulated getppid result not shown"

# Rewritten: rewrite-test halves read(3, ..., 64) to 32.
"$UMVISOR" -m rewrite-test:fd=3 -m trace:out="$TMPD/rw.jsonl",format=json -- "$GUEST" files >/dev/null 2>&1
grep -q '"syscall":"read",.*"outcome":"rewritten","module":"rewrite-test"' "$TMPD/rw.jsonl" ||
	fail "rewrite: read not recorded as rewritten by rewrite-test"
grep -q '"syscall":"close",.*"outcome":"passed","module":null' "$TMPD/rw.jsonl" ||
	fail "rewrite: a passed call does not say passed"
# Many processes at once (a shell starting 8 jobs, each a pipeline) and
# threads: every line valid, one exit record per thread, every process's
# calls attributed to it.
printf 'for i in 1 2 3 4 5 6 7 8; do ls /usr | wc -l >/dev/null & done; wait\n' >"$TMPD/jobs.sh"
"$UMVISOR" -m trace:out="$TMPD/jobs.jsonl",format=json -- /bin/sh "$TMPD/jobs.sh" >/dev/null 2>&1 ||
	fail "jobs: umvisor failed"
"$VALIDATE" "$TMPD/jobs.jsonl" >/dev/null || fail "jobs: invalid JSON"
tids=$(sed -n 's/.*"type":"thread",.*"tid":\([0-9]*\),.*/\1/p' "$TMPD/jobs.jsonl" | sort -u | wc -l)
exits=$(grep -c '"type":"exit"' "$TMPD/jobs.jsonl")
[ "$tids" -ge 17 ] || fail "jobs: only $tids threads announced (want 1 + 8 x 2 at least)"
[ "$exits" -eq "$tids" ] || fail "jobs: $exits exit records for $tids threads"
[ "$(grep -c '"syscall":"execve",.*"args":\["\\"/usr/bin/wc\\""' "$TMPD/jobs.jsonl")" -eq 8 ] ||
	[ "$(grep -c '"syscall":"execve",.*"wc\\"' "$TMPD/jobs.jsonl")" -eq 8 ] || fail "jobs: not 8 execs of wc"

# The monitor's own emulation is reported as by "umvisor".
MG="$top_builddir/tests/monitor-guest"
"$UMVISOR" -m trace:out="$TMPD/ptrace.jsonl",format=json -- "$MG" ptrace >/dev/null 2>&1
"$VALIDATE" "$TMPD/ptrace.jsonl" >/dev/null || fail "ptrace: invalid JSON"
grep -q '"syscall":"ptrace",.*"errno":"EPERM",.*"outcome":"emulated","module":"umvisor"' "$TMPD/ptrace.jsonl" ||
	fail "ptrace refused by the monitor is not recorded as emulated by umvisor"

# A rewritten read interrupted by a signal and restarted by the kernel: the
# interrupted attempt ends in ERESTARTSYS, the restart is recorded again as
# rewritten (the chain is not asked twice), then the real result.
"$UMVISOR" -m rewrite-test:fd=10 -m trace:out="$TMPD/restart.jsonl",format=json -- "$MG" restart-read \
	>"$TMPD/restart.out" 2>&1 || fail "restart-read failed: $(cat "$TMPD/restart.out")"
"$VALIDATE" "$TMPD/restart.jsonl" >/dev/null || fail "restart-read: invalid JSON"
grep '"syscall":"read","classes":\["fd"\],"args":\["10"' "$TMPD/restart.jsonl" >"$TMPD/reads"
grep -q '"errno":"ERESTARTSYS".*"outcome":"rewritten","module":"rewrite-test"' "$TMPD/reads" ||
	fail "restart-read: no interrupted read: $(cat "$TMPD/reads")"
grep -q '"ret":4,"errno":null.*"outcome":"rewritten","module":"rewrite-test"' "$TMPD/reads" ||
	fail "restart-read: the restarted read (count halved to 4) is not recorded: $(cat "$TMPD/reads")"
grep -q '"type":"signal",.*"signal":"SIGALRM"' "$TMPD/restart.jsonl" || fail "restart-read: no SIGALRM record"

# A 32-bit guest: its calls carry arch i386 and its own syscall names.
if [ "${HAVE_M32:-no}" = yes ] && [ -x "$top_builddir/tests/monitor-guest32" ]; then
	"$UMVISOR" -m trace:out="$TMPD/m32.jsonl",format=json -- "$top_builddir/tests/monitor-guest32" enoent >/dev/null 2>&1
	"$VALIDATE" "$TMPD/m32.jsonl" >/dev/null || fail "i386: invalid JSON"
	grep -q '"arch":"i386","syscall":"openat",.*"\\"/nonexistent/umvisor-test\\"".*"errno":"ENOENT"' "$TMPD/m32.jsonl" ||
		grep -q '"arch":"i386","syscall":"open",.*"\\"/nonexistent/umvisor-test\\"".*"errno":"ENOENT"' "$TMPD/m32.jsonl" ||
		fail "i386: the failed open is not recorded with arch i386"
	grep -q '"arch":"x86_64"' "$TMPD/m32.jsonl" && ! grep -q '"arch":"i386","syscall":"exit_group"' "$TMPD/m32.jsonl" &&
		fail "i386: the guest's calls are not all i386"
else
	echo "note: no -m32 guest (HAVE_M32=${HAVE_M32:-no}): the i386 case is not run"
fi
exit 0
