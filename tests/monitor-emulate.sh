#!/bin/sh
# Emulation and rewrites: emulate-getppid answers getppid (x86_64 and i386
# guests, threads, children started with CLONE_UNTRACED through clone and
# clone3); rewrite-test halves read counts, once even when the kernel
# restarts the interrupted read; the monitor's own prctl/ptrace answers.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/monitor-lib.sh"

guests=$GUEST
[ "$HAVE_M32" = yes ] && guests="$guests $GUEST32"
[ "$HAVE_M32" = yes ] || echo "note: no -m32 toolchain, i386 guest not tested" >&2
for g in $guests; do
	out=$("$UMVISOR" -m emulate-getppid:value=777 -- "$g" getppid) || fail "$g getppid"
	expect_eq "$g emulated getppid" "getppid=777" "$out"
	out=$("$UMVISOR" --stats -m emulate-getppid -- "$g" getppid 2>"$TMPD/stats")
	expect_eq "$g default value" "getppid=4242" "$out"
	grep -q "entry stops 1: per stop fetches 1.00 (max 1) writes 2.00 (max 2) resumes 1.00 (max 1) other 0.00 (max 0); over budget 0" \
		"$TMPD/stats" || fail "$g: emulation is not 1 fetch + 2 writes + 1 resume: $(cat "$TMPD/stats")"
	# The child escapes with CLONE_UNTRACED unless the monitor strips it.
	out=$("$UMVISOR" -m emulate-getppid -- "$g" untraced) || fail "$g untraced"
	expect_eq "$g clone(CLONE_UNTRACED) child traced" "child getppid=4242" "$out"
	out=$("$UMVISOR" -m emulate-getppid -- "$g" untraced3) || fail "$g untraced3"
	expect_eq "$g clone3(CLONE_UNTRACED) child traced" "child getppid=4242" "$out"
	out=$("$UMVISOR" -m emulate-getppid -- "$g" threads 8) || fail "$g threads"
	case $out in "threads=8 same=8 "*) ;; *) fail "$g threads: $out" ;; esac
	# An i386 call from a 64-bit process (int $0x80) is decoded as i386.
	out=$("$UMVISOR" -m emulate-getppid -- "$g" int80); expect_eq "$g int80" "int80 getppid=4242" "$out"
	# vsyscall-page calls pass even when a module emulates that call.
	if [ "$g" = "$GUEST32" ] || grep -q '\[vsyscall\]' /proc/self/maps; then
		out=$("$UMVISOR" -m emulate-getppid:call=time,value=5 -- "$g" vsyscall)
		expect_eq "$g vsyscall" "vsyscall time ok, time syscall 5" "$out"
	else
		echo "note: no vsyscall page on this kernel, not tested" >&2
	fi
	# Numbers beyond our tables: ENOSYS (as natively for 1000) + one line.
	out=$("$UMVISOR" -m emulate-getppid -- "$g" beyond 2>"$TMPD/err")
	expect_eq "$g beyond" "syscall 1000: Function not implemented" "$out"
	expect_eq "$g beyond log" 1 "$(grep -c '^umvisor: refused out-of-table syscall 0x3e8 ' "$TMPD/err")"
	# Natively the same programs see their real parent.
	out=$("$g" untraced); expect_eq "$g native untraced" "child getppid=parent" "$out"

	out=$("$UMVISOR" -m rewrite-test:fd=10 -- "$g" restart-read) || fail "$g restart-read"
	expect_eq "$g rewrite once across a restart" "read=4 interrupted=yes data=abcd...." "$out"
	out=$("$UMVISOR" -m rewrite-test:fd=10,post -- "$g" restart-read) || fail "$g restart-read post"
	expect_eq "$g rewrite + leave" "read=1004 interrupted=yes data=abcd...." "$out"
	# Two registers: one SET_SYSCALL_INFO if the kernel has it, else two
	# POKEUSERs; either way within the budget.
	for force in 0 1; do
		out=$(UMVISOR_FORCE_NO_SET_SYSCALL_INFO=$force "$UMVISOR" --stats -m rewrite-test:fd=10,shift -- "$g" restart-read 2>"$TMPD/stats") ||
			fail "$g shift"
		expect_eq "$g two-register rewrite" "read=4 interrupted=yes data=.abcd..." "$out"
		grep -q "entry stops .*over budget 0$" "$TMPD/stats" || fail "$g shift over budget: $(cat "$TMPD/stats")"
	done
	if "$UMVISOR" -vv -m rewrite-test:fd=10 -- true 2>&1 | grep -q "SET_SYSCALL_INFO yes"; then
		UMVISOR_FORCE_NO_SET_SYSCALL_INFO=0 "$UMVISOR" --stats -m rewrite-test:fd=10,shift -- "$g" restart-read \
			>/dev/null 2>"$TMPD/stats"
		grep -q "entry stops .* writes [0-9.]* (max 1)" "$TMPD/stats" ||
			fail "$g: two registers not in one SET_SYSCALL_INFO: $(cat "$TMPD/stats")"
	else
		echo "note: no PTRACE_SET_SYSCALL_INFO (Linux < 6.16): one-write rewrite not tested" >&2
	fi
	out=$("$g" restart-read); expect_eq "$g native restart-read" "read=8 interrupted=yes data=abcdefgh" "$out"

	# PR_SET_DUMPABLE is virtual but reads back as natively.
	UMV_OPTS="-m emulate-getppid" same_as_native "$g" dumpable
	out=$("$UMVISOR" -m emulate-getppid -- "$g" ptrace 2>"$TMPD/err")
	expect_eq "$g nested ptrace" "ptrace: Operation not permitted" "$out"
	grep -q "^umvisor: process [0-9]* called ptrace: EPERM" "$TMPD/err" || fail "no ptrace log line"
	# x32 calls are refused with one line; i386 guests have none.
	out=$("$UMVISOR" -m emulate-getppid -- "$g" x32 2>"$TMPD/err")
	expect_eq "$g x32" "x32 getpid: Function not implemented" "$out"
done
grep -q "^umvisor: refused x32 syscall 0x40000027 " "$TMPD/err" 2>/dev/null ||
	[ "$HAVE_M32" = yes ] || fail "no x32 refusal line"
"$UMVISOR" -m emulate-getppid -- "$GUEST" x32 2>"$TMPD/err" >/dev/null
expect_eq "x32 refusal lines" 1 "$(grep -c 'refused x32 syscall 0x40000027 ' "$TMPD/err")"
exit 0
