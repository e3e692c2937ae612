#!/bin/sh
# The scratch area survives the guest unmapping it or mapping over it, and
# serves threads, vfork children and sigaltstack handlers.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/vfs-lib.sh"

prog=$top_builddir/tests/vfs-scratch
[ -x "$prog" ] || hard_error "$prog is not built"
mkdir -p "$TMPD/tree" && echo data >"$TMPD/tree/f" || hard_error "setup"
timeout "$VFS_TIMEOUT" "$prog" "$TMPD/tree" >"$TMPD/native" 2>&1 || fail "natively: $(cat "$TMPD/native")"
# Also with each engine fallback: the mmap is injected at PTRACE_SYSCALL
# entry stops, registers come from GETREGSET, memory through /proc/PID/mem.
for force in "" UMVISOR_FORCE_NO_SECCOMP=1 UMVISOR_FORCE_NO_GET_SYSCALL_INFO=1 \
	UMVISOR_FORCE_NO_PROCESS_VM=1 "UMVISOR_FORCE_NO_SECCOMP=1 UMVISOR_FORCE_NO_GET_SYSCALL_INFO=1"; do
	env $force timeout "$VFS_TIMEOUT" "$UMVISOR" -b "$TMPD/tree:$GUESTDIR" -- "$prog" "$GUESTDIR" \
		>"$TMPD/umv" 2>&1 || { cat "$TMPD/umv" >&2; fail "under umvisor ${force:-(default engine)}"; }
	if ! cmp -s "$TMPD/native" "$TMPD/umv"; then
		diff -u "$TMPD/native" "$TMPD/umv" >&2
		fail "results differ under umvisor ${force:-(default engine)}"
	fi
	echo "ok: ${force:-default engine}"
done
cat "$TMPD/umv"
