#!/bin/sh
# stress-ng under umvisor with the bind, fakeroot and trace modules loaded,
# compared with a native run: the monitor neither crashes nor hangs, exits
# with stress-ng's own status, and every stressor ends the same way (pass,
# fail or skip) as natively. As an unprivileged user (uid 65534 when the
# suite runs as root) in a scratch directory; the work area is a bind
# (host scratch dir at /stress-area in the guest).
#
# make check runs a short set of stressors at once, 2 s. With
# UMVISOR_STRESS_LONG=1 every stressor of the filesystem class and the
# process ones run one after another, UMVISOR_STRESS_SECONDS each
# (default 3): about 5 minutes; UMVISOR_STRESS_LIST="a b" runs only those.
# doc/reliability.md has the results.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/fakeroot-lib.sh"

STRESS=$(command -v stress-ng) || skip "stress-ng is not installed (apt-get install stress-ng)"

# The process stressors and the filesystem ones that need no privilege.
SHORT="sysbadaddr fork clone sigsegv access chdir chmod chown dentry dir fcntl fstat
getdent link mknod open rename symlink touch utime xattr flock lockf"

if [ "${UMVISOR_STRESS_LONG:-0}" = 1 ]; then
	secs=${UMVISOR_STRESS_SECONDS:-3}
	all=$("$STRESS" --class 'filesystem?' 2>&1 | sed -n "s/^class 'filesystem' stressors: //p")
	[ -n "$all" ] || hard_error "stress-ng --class 'filesystem?' lists nothing"
	all=${UMVISOR_STRESS_LIST:-sysbadaddr fork clone sigsegv $all}
	# one group per stressor
	groups=$(for s in $all; do echo "$s"; done)
	FR_TIMEOUT=$((secs * 10 + 60))
else
	secs=2
	groups=$(echo $SHORT)	# one group: all at once
	FR_TIMEOUT=120
fi

# Differences that are not the monitor's: under the fake root (-0)
# stress-ng believes it holds CAP_SYS_ADMIN and tries what it skips as a
# user. Reported, not failed. (binderfs: its mount fails, natively skipped.)
EXPECTED_DIFF=" binderfs "

host=$(user_dir host)
native=$(user_dir native)
work=$(user_dir work)

# classify OUT NAME: pass, fail or skip, from stress-ng's messages.
classify() {
	if grep -Eq "(fail|error): +\[[0-9]+\] $2:|\($2\) terminated with an error" "$1"; then
		echo fail
	elif grep -Eq "\] $2( stressor will be skipped|: .*skipping)" "$1"; then
		echo skip
	else
		echo pass
	fi
}

while read -r group; do
	[ -n "$group" ] || continue
	args=
	for s in $group; do args="$args --$s 1"; done
	# The same options both ways; only the work area's name differs.
	(cd "$native" && as_user "$STRESS" $args -t "$secs" --temp-path "$native") >"$TMPD/n.out" 2>&1
	nrc=$?
	[ $nrc = 124 ] && fail "$group: stress-ng hangs natively"
	(cd "$work" && as_user "$UMVISOR" -b "$host:/stress-area" -m "fakeroot:db=$work/owners.db" \
		-m trace:out=/dev/null,format=json -- \
		"$STRESS" $args -t "$secs" --temp-path /stress-area) >"$TMPD/u.out" 2>&1
	urc=$?
	[ $urc = 124 ] && { tail -20 "$TMPD/u.out" >&2; fail "$group: the monitor hangs (> $FR_TIMEOUT s)"; }
	grep -E 'umvisor:.*internal|AddressSanitizer|runtime error|LeakSanitizer' "$TMPD/u.out" >&2 &&
		fail "$group: the monitor reported an internal error or a sanitizer finding"
	[ $urc -lt 125 ] || { tail -20 "$TMPD/u.out" >&2; fail "$group: umvisor exit $urc (its own error or a signal)"; }
	for s in $group; do
		nc=$(classify "$TMPD/n.out" "$s")
		uc=$(classify "$TMPD/u.out" "$s")
		echo "stress: $s: native $nc, umvisor $uc"
		if [ "$nc" != "$uc" ] && [ "${EXPECTED_DIFF#* $s }" != "$EXPECTED_DIFF" ]; then
			echo "stress: $s: expected difference (fake root)"
			echo expected >"$TMPD/expected"
		elif [ "$nc" != "$uc" ]; then
			echo "--- native:" >&2; grep -E "\] $s[: ]" "$TMPD/n.out" | head -5 >&2
			echo "--- umvisor:" >&2; grep -E "\] $s[: ]|umvisor:" "$TMPD/u.out" | head -5 >&2
			echo differ >"$TMPD/differ"
		fi
	done
	if [ $nrc != $urc ] && ! [ -f "$TMPD/expected" ]; then
		echo "$group: exit $nrc natively, $urc under umvisor" >&2
		echo differ >"$TMPD/differ"
	fi
	rm -f "$TMPD/expected"
	rm -rf "${host:?}"/* "${native:?}"/*
done <<EOF
$groups
EOF
[ -f "$TMPD/differ" ] && fail "some stressors end differently under umvisor (above)"
# The db the fakeroot module saved at each exit loads.
[ -s "$work/owners.db" ] || fail "no fakeroot db was saved"
as_user "$UMVISOR" -m "fakeroot:db=$work/owners.db" -- true ||
	fail "the saved fakeroot db does not load"
exit 0
