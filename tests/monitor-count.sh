#!/bin/sh
# -m count traps every syscall and passes them: real programs must behave
# exactly as natively; its table lands in out=FILE; the request-count
# invariant holds for every trapped call.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/monitor-lib.sh"

UMV_OPTS="-m count:out=$TMPD/count"
same_as_native ls -lA "$top_srcdir/monitor" "$top_srcdir/doc"
same_as_native ls -R "$top_srcdir/monitor"
same_as_native sh -c 'for i in 1 2 3; do echo $i | tr 123 abc; done | sort -r; (exit 4)'
same_as_native sh -c 'ls /usr | wc -l; cat /etc/hostname | od -c | head -2'
same_as_native "$GUEST" fork 100
same_as_native "$GUEST" dumpable
same_as_native "$GUEST" vfork-exec true
same_as_native "$GUEST" thread-exec sh -c 'echo from exec in a thread; exit 7'
same_as_native "$GUEST" threads 16
same_as_native "$GUEST" own-filter
same_as_native "$GUEST" leader-exit
if [ "$HAVE_M32" = yes ]; then
	same_as_native "$GUEST32" fork 50
	same_as_native "$GUEST32" thread-exec sh -c 'echo i386 exec; exit 5'
	same_as_native "$GUEST32" dumpable
	same_as_native "$GUEST32" own-filter
	# Personality changes across exec, both ways.
	same_as_native "$GUEST" vfork-exec "$GUEST32" fork 3
	same_as_native "$GUEST32" thread-exec "$GUEST" threads 4
fi

# The table: one row per syscall name, a total that adds up.
"$UMVISOR" -m "count:out=$TMPD/count" -- sh -c 'echo hi >/dev/null' || fail "count run"
grep -q ' execve$' "$TMPD/count" || fail "no execve row: $(cat "$TMPD/count")"
sum=$(awk '$NF != "total" && $1 ~ /^[0-9]+$/ { s += $1 } END { print s }' "$TMPD/count")
total=$(awk '$NF == "total" { print $1 }' "$TMPD/count")
expect_eq "count total" "$sum" "$total"

# errors: failed calls are counted at their exit stop.
"$UMVISOR" -m "count:only=openat,close:errors:out=$TMPD/count" -- cat /nonexistent 2>/dev/null
awk '$NF == "openat" && $2 >= 1 { ok = 1 } END { exit !ok }' "$TMPD/count" ||
	fail "openat error not counted: $(cat "$TMPD/count")"
grep -q ' execve$' "$TMPD/count" && fail "only= did not restrict: $(cat "$TMPD/count")"

# The invariant: per trapped entry 1 fetch, <= 2 writes, 1 resume; per
# exit stop the same. --stats reports stops over that budget.
"$UMVISOR" --stats -m "count:errors:out=/dev/null" -- sh -c 'ls / | wc -l' >/dev/null 2>"$TMPD/stats"
grep -q "^umvisor: stats: entry stops [1-9]" "$TMPD/stats" || fail "no stats: $(cat "$TMPD/stats")"
grep "^umvisor: stats: e[a-z]* stops" "$TMPD/stats" | grep -v "over budget 0$" &&
	fail "requests over budget"
grep "^umvisor: stats: entry stops" "$TMPD/stats" | grep -q "fetches 1.00 (max 1) writes [0-9.]* (max [012]) resumes 1.00 (max 1)" ||
	fail "entry invariant: $(cat "$TMPD/stats")"
grep "^umvisor: stats: exit stops" "$TMPD/stats" | grep -q "fetches 1.00 (max 1) writes [0-9.]* (max [01]) resumes 1.00 (max 1)" ||
	fail "exit invariant: $(cat "$TMPD/stats")"
exit 0
