#!/bin/sh
# The monitor exits with the program's exit code, or dies of the signal that
# killed it, for a spread of codes and signals; SIGPIPE reaches a writer to a
# closed pipe as it would natively (the monitor must not leak an ignored
# SIGPIPE into the guest).
. "$top_srcdir/tests/integration/lib.sh"
command -v bash >/dev/null || skip "bash is not installed"

for code in 0 1 42 126 255; do
	compare "exit-$code" sh -c "exit $code"
done
for sig in KILL USR1 QUIT ALRM; do
	# QUIT would dump core natively: keep core files out of the tree.
	compare --no-stderr "kill-$sig" sh -c "ulimit -c 0; kill -$sig \$\$; echo not reached"
done
compare sigpipe bash -c 'yes | head -n 2; echo "pipestatus ${PIPESTATUS[*]}"'
compare sigpipe-write bash -c 'trap "" PIPE; { sleep 0.1; echo x; } | true; echo "status $?"'
