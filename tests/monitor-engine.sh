#!/bin/sh
# Fallbacks forced through the probe's overrides give the same results:
# no seccomp (PTRACE_SYSCALL stops), no GET_SYSCALL_INFO (GETREGSET), no
# SET_SYSCALL_INFO, no process_vm.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/monitor-lib.sh"

run_all() {
	UMV_OPTS="-m count:out=/dev/null"
	same_as_native sh -c 'ls /usr | sort | head -3; exit 6'
	same_as_native "$GUEST" fork 20
	same_as_native "$GUEST" own-filter
	same_as_native "$GUEST" leader-exit
	same_as_native "$GUEST" thread-exec sh -c 'echo exec; exit 2'
	out=$("$UMVISOR" -m emulate-getppid -- "$GUEST" getppid); expect_eq "$1 emulate" "getppid=4242" "$out"
	out=$("$UMVISOR" -m emulate-getppid -- "$GUEST" untraced3); expect_eq "$1 clone3" "child getppid=4242" "$out"
	out=$("$UMVISOR" -m emulate-getppid -- "$GUEST" int80); expect_eq "$1 int80" "int80 getppid=4242" "$out"
	out=$("$UMVISOR" -m rewrite-test:fd=10,post -- "$GUEST" restart-read); expect_eq "$1 restart" "read=1004 interrupted=yes data=abcd...." "$out"
	# Results seen at the exit stop (errors counted, big i386 addresses not
	# taken for errors).
	for g in "$GUEST" $( [ "$HAVE_M32" = yes ] && echo "$GUEST32" ); do
		"$UMVISOR" -m "count:only=openat,open,mmap,mmap2:errors:out=$TMPD/count" -- "$g" enoent >/dev/null
		awk '$NF ~ /^open(at)?$/ && $2 >= 1 { e = 1 } $NF ~ /^mmap2?$/ && $2 ~ /^[0-9]+$/ { bad = 1 }
		     END { exit !(e && !bad) }' "$TMPD/count" ||
			fail "$1 $g: error counts wrong: $(cat "$TMPD/count")"
	done
	if [ "$HAVE_M32" = yes ]; then
		out=$("$UMVISOR" -m emulate-getppid -- "$GUEST32" getppid); expect_eq "$1 i386 emulate" "getppid=4242" "$out"
		out=$("$UMVISOR" -m rewrite-test:fd=10 -- "$GUEST32" restart-read); expect_eq "$1 i386 restart" "read=4 interrupted=yes data=abcd...." "$out"
	fi
}

run_all default
UMVISOR_FORCE_NO_SET_SYSCALL_INFO=1 run_all no-set-info
UMVISOR_FORCE_NO_PROCESS_VM=1 run_all no-process-vm
UMVISOR_FORCE_NO_GET_SYSCALL_INFO=1 run_all no-get-info
UMVISOR_FORCE_NO_SECCOMP=1 run_all no-seccomp
UMVISOR_FORCE_NO_SECCOMP=1 UMVISOR_FORCE_NO_GET_SYSCALL_INFO=1 run_all no-seccomp-no-info

# -v says once that the slow fallback is in use.
UMVISOR_FORCE_NO_SECCOMP=1 "$UMVISOR" -v -m count:out=/dev/null -- true 2>"$TMPD/err"
expect_eq "fallback notice" 1 "$(grep -c 'PTRACE_SYSCALL' "$TMPD/err")"
"$UMVISOR" -m count:out=/dev/null -- true 2>"$TMPD/err"
[ -s "$TMPD/err" ] && fail "unexpected output without -v: $(cat "$TMPD/err")"
# --same-cpu: the guest sees one CPU.
out=$("$UMVISOR" --same-cpu -m count:out=/dev/null -- nproc); expect_eq "--same-cpu nproc" 1 "$out"
out=$("$UMVISOR" -m count:out=/dev/null -- nproc); expect_eq "default nproc" "$(nproc)" "$out"
# --dump-filter: the program we load, loadable by a bare tracer that then
# stops exactly where we stop (make bench's floors rely on it).
"$UMVISOR" --stats --dump-filter "$TMPD/f.bpf" -m count:only=openat:out=/dev/null -- \
	cat /etc/hostname >/dev/null 2>"$TMPD/stats" || fail "--dump-filter run failed"
size=$(wc -c <"$TMPD/f.bpf")
[ "$size" -gt 0 ] && [ $((size % 8)) -eq 0 ] || fail "--dump-filter: $size bytes is no BPF program"
ours=$(sed -n 's/.*entry stops \([0-9]*\):.*/\1/p' "$TMPD/stats")
"$top_builddir/tests/bench/floor_tracer" "$TMPD/f.bpf" -- cat /etc/hostname >"$TMPD/out" 2>"$TMPD/floor" ||
	fail "floor_tracer failed: $(cat "$TMPD/floor")"
expect_eq "floor_tracer output" "$(cat /etc/hostname)" "$(cat "$TMPD/out")"
expect_eq "floor_tracer stops where we stop" "floor_tracer: $ours stops" "$(cat "$TMPD/floor")"
"$UMVISOR" --dump-filter "$TMPD/f.bpf" -- true 2>"$TMPD/err" && fail "--dump-filter without a module succeeded"
grep -q 'no module loaded' "$TMPD/err" || fail "--dump-filter without a module: $(cat "$TMPD/err")"
"$UMVISOR" --dump-filter /nonexistent-umv/f -m count:out=/dev/null -- true 2>"$TMPD/err" &&
	fail "--dump-filter to a missing directory succeeded"
grep -q 'cannot write' "$TMPD/err" || fail "--dump-filter unwritable: $(cat "$TMPD/err")"
exit 0
