#!/bin/sh
# Exit status fidelity: exit codes, death signals (as a shell sees them),
# exec failures (127/126), with and without a module loaded.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/monitor-lib.sh"

for opts in "" "-m count:out=/dev/null"; do
	"$UMVISOR" $opts -- sh -c 'exit 3'; expect_eq "exit 3 ($opts)" 3 $?
	"$UMVISOR" $opts -- true; expect_eq "true ($opts)" 0 $?
	"$UMVISOR" $opts -- false; expect_eq "false ($opts)" 1 $?
	# Death by signal: the calling shell must see 128+N, like natively.
	for sig in SEGV ABRT TERM KILL; do
		native=$(sh -c "sh -c 'kill -$sig \$\$'; echo \$?" 2>/dev/null)
		ours=$(sh -c "\"$UMVISOR\" $opts -- sh -c 'kill -$sig \$\$'; echo \$?" 2>/dev/null)
		expect_eq "kill -$sig ($opts)" "$native" "$ours"
	done
	ours=$(sh -c "\"$UMVISOR\" $opts -- \"$GUEST\" segv; echo \$?" 2>/dev/null)
	expect_eq "real SIGSEGV ($opts)" 139 "$ours"
	"$UMVISOR" $opts -- /nonexistent/program 2>"$TMPD/err"; expect_eq "not found ($opts)" 127 $?
	grep -q "^umvisor: /nonexistent/program: No such file or directory$" "$TMPD/err" ||
		fail "no clear message for a missing program: $(cat "$TMPD/err")"
	"$UMVISOR" $opts -- no-such-command-anywhere 2>/dev/null; expect_eq "PATH miss ($opts)" 127 $?
	printf 'x' >"$TMPD/noexec"; chmod 644 "$TMPD/noexec"
	"$UMVISOR" $opts -- "$TMPD/noexec" 2>/dev/null; expect_eq "not executable ($opts)" 126 $?
done
# No core file from the monitor's own death (the guest may dump one).
cd "$TMPD" && sh -c "ulimit -c unlimited; \"$UMVISOR\" -- sh -c 'kill -ABRT \$\$'" 2>/dev/null
for f in "$TMPD"/core*; do
	[ -e "$f" ] || continue
	file "$f" 2>/dev/null | grep -q "from '[^']*umvisor" && fail "the monitor dumped core: $(file "$f")"
done
exit 0
