#!/bin/sh
# Direct attacks on the monitor (the guest's parent): kill, tkill, tgkill,
# pidfd_open, ptrace, process_vm_*, prlimit, sigqueueinfo and
# pidfd_send_signal on a /proc/MONITOR fd all get ESRCH, as if the monitor
# were not there; the same calls on ordinary targets work and are not even
# stopped (their filter rules carry a pid condition).
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/hostile/lib.sh"

for opts in "-m count" "--stats -m rewrite-test:fd=99"; do
  for g in $GUESTS; do
	UMV_OPTS=$opts
	run_umv "$TMPD/out" "$TMPD/err" "$g" attack-parent
	[ "$rc" = 0 ] || { cat "$TMPD/err" >&2; fail "attack-parent under $opts: exit $rc"; }
	for call in kill kill_term kill_group tkill tgkill tgkill_tid pidfd_open ptrace_attach ptrace_seize \
		process_vm_readv process_vm_writev prlimit_get prlimit_set rt_sigqueueinfo \
		rt_tgsigqueueinfo pidfd_send_signal_procdir; do
		grep -qx "$call=ESRCH" "$TMPD/out" ||
			fail "$call aimed at the monitor under $opts: $(grep "^$call=" "$TMPD/out") (want ESRCH)"
	done
	for call in kill_self pidfd_open_self pidfd_send_signal_self prlimit_self; do
		grep -qx "$call=OK" "$TMPD/out" || fail "$call under $opts: $(grep "^$call=" "$TMPD/out") (want OK)"
	done
  done
done
# (The last run is the last guest's.) With a module that wants only read: the attacks stop (3 kills at the
# monitor or its group), the kill of itself does not (it would make 4).
kills=$(sed -n 's/^umvisor: stats: syscall kill \([0-9]*\)$/\1/p' "$TMPD/err")
expect() { [ "$2" = "$3" ] || fail "$1: expected $2, got '$3'"; }
expect "kill stops" 3 "$kills"
expect "prlimit64 stops" 2 "$(sed -n 's/^umvisor: stats: syscall prlimit64 \([0-9]*\)$/\1/p' "$TMPD/err")"
echo "attacks refused with ESRCH; ordinary targets untouched and not stopped"
