#!/bin/sh
# bash with subshells, command substitution, pipes, background jobs and wait.
. "$top_srcdir/tests/integration/lib.sh"
command -v bash >/dev/null || skip "bash is not installed"

compare subshells bash -c '
	x=$( (echo inner; (echo deeper) ) | tr a-z A-Z)
	echo "$x"
	( exit 7 ); echo "subshell status $?"
	y=$(echo "$(echo nested "$(echo three)")")
	echo "$y"
	{ echo a; echo b; echo c; } | sort -r | paste -sd,
	echo "pipestatus: $(false | true | (exit 5); echo "${PIPESTATUS[*]}")"'

compare jobs bash -c '
	pids=
	for i in 1 2 3 4 5 6; do (echo "job $i"; exit $i) >"$1/out.$i" & pids="$pids $!"; done
	st=0
	for pid in $pids; do wait "$pid"; st=$((st + $?)); done
	echo "sum of job statuses: $st"
	cat "$1"/out.* | sort
	sleep 0.1 & wait $!; echo "sleep job: $?"
	(kill -TERM $BASHPID) & wait $!; echo "self-killed job: $?"
	exit 4' bash "$TMPD"
