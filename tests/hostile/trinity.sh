#!/bin/sh
# trinity (random syscalls with random arguments) under umvisor with the
# bind and fakeroot modules loaded: the monitor must survive, that is reach
# its normal end (its --stats lines are printed), exit with trinity's own
# status, never hang, and never report an internal error or a sanitizer
# finding.
#
# Safety (a fuzzer is dangerous on a shared machine):
#  - only as root, which drops to a dedicated unprivileged uid (TRINITY_UID,
#    default 64011, not 65534: other tests run as 65534 at the same time,
#    and trinity aims signals, ptrace and process_vm_* at pids of its uid);
#  - the signal-sending calls are excluded; process limit 256; inside a
#    scratch directory; sockets are off (trinity's own socket set-up
#    crashes it here, natively too);
#  - System V IPC objects it leaves are removed at the end.
#
# make check runs TRINITY_OPS=1000 (about 15 s) under -b; `make trinity`
# runs TRINITY_OPS (default 20000) for each seed in TRINITY_SEEDS, under -b
# and, with TRINITY_ROOT=1 (its default), also under -r ROOT with a check
# that no host file outside ROOT was made.
. "$top_srcdir/tests/lib/harness.sh"

TRINITY=$(command -v trinity) || skip "trinity is not installed (apt-get install trinity)"
[ "$(id -u)" = 0 ] || skip "needs root, to run trinity as a dedicated unprivileged uid"
command -v setpriv >/dev/null 2>&1 || skip "setpriv(1) is needed to drop to TRINITY_UID"
command -v prlimit >/dev/null 2>&1 || skip "prlimit(1) is needed to bound trinity's processes"

uid=${TRINITY_UID:-64011}
ops=${TRINITY_OPS:-1000}
seeds=${TRINITY_SEEDS:-1}
limit=${TRINITY_TIMEOUT:-$((ops / 20 + 120))}
getent passwd "$uid" >/dev/null && skip "uid $uid is a real account: set TRINITY_UID to an unused one"
if ps -o uid= -e | grep -qx " *$uid"; then
	skip "uid $uid already runs processes: set TRINITY_UID to an unused one"
fi

cleanup_ipc() {
	for kind in m s q; do
		ipcs -$kind 2>/dev/null | awk -v u="$uid" '$3 == u { print $2 }' |
			while read -r id; do ipcrm -$kind "$id" 2>/dev/null; done
	done
}
trap 'cleanup_ipc; rm -rf "$TMPD"' EXIT

chmod 755 "$TMPD"
total=0
modes=bind
[ "${TRINITY_ROOT:-0}" = 1 ] && modes="bind root"
for seed in $seeds; do
for mode in $modes; do
	run="$TMPD/run-$seed-$mode" host="$TMPD/host-$seed" root="$TMPD/root-$seed"
	mkdir -p "$run" "$host" && chown "$uid:$uid" "$run" "$host" || hard_error "scratch dirs"
	if [ $mode = root ]; then
		# -r ROOT: the guest's / is ROOT; the system comes in by binds
		# the uid cannot write (/usr, /etc) and the kernel's file
		# systems. Host symlinks such as /bin -> usr/bin are copied.
		set -- -r "$root" -w /work -b /usr:/usr -b /etc:/etc -b /proc:/proc -b /dev:/dev -b /sys:/sys
		mkdir -p "$root/work" "$root/tmp" "$root/usr" "$root/etc" "$root/proc" "$root/dev" "$root/sys" ||
			hard_error "root tree"
		for d in bin sbin lib lib32 lib64 libx32; do
			if [ -L "/$d" ]; then
				ln -s "$(readlink "/$d")" "$root/$d"
			elif [ -d "/$d" ]; then
				mkdir -p "$root/$d"
				set -- "$@" -b "/$d:/$d"
			fi
		done
		chown -R "$uid:$uid" "$root" && chmod 1777 "$root/tmp" || hard_error "root tree"
		cwd=$root/work
	else
		set -- -b "$host:/fuzz-bind"
		cwd=$run
	fi
	touch "$TMPD/stamp-$seed-$mode"
	t0=$(date +%s)
	(cd "$cwd" && timeout -k 10 "$limit" prlimit --nproc=256 -- \
		setpriv --reuid="$uid" --regid="$uid" --clear-groups -- \
		"$UMVISOR" --stats "$@" -m "fakeroot:db=$run/owners.db" -- \
		"$TRINITY" --dangerous -N "$ops" -C 2 -s "$seed" --disable-fds=sockets \
		-x kill -x tkill -x tgkill -x rt_sigqueueinfo -x rt_tgsigqueueinfo \
		-x pidfd_send_signal) >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	what="seed $seed ($mode)"
	[ $rc = 124 ] || [ $rc = 137 ] && { tail -20 "$TMPD/err" >&2; fail "$what: the monitor hangs (> $limit s)"; }
	grep -E 'umvisor:.*internal|AddressSanitizer|runtime error|LeakSanitizer' "$TMPD/err" >&2 &&
		fail "$what: the monitor reported an internal error or a sanitizer finding"
	grep -q '^umvisor: stats: ptrace requests total' "$TMPD/err" || {
		tail -20 "$TMPD/err" >&2
		fail "$what: the monitor did not reach its end (exit $rc, no --stats lines)"
	}
	[ $rc -ge 125 ] && [ $rc -le 127 ] && { tail -5 "$TMPD/err" >&2; fail "$what: umvisor exit $rc"; }
	ran=$(sed -n 's/.*Ran \([0-9]*\) syscalls.*/\1/p' "$TMPD/out" "$TMPD/err" | tail -n 1)
	echo "trinity: $what: exit $rc, ${ran:-?} syscalls run in $(($(date +%s) - t0)) s"
	total=$((total + ${ran:-0}))
	if [ $mode = root ]; then
		# Containment: every file the uid made on the host since the
		# start lies inside ROOT or the run directory (the db); the
		# binds it could write to are the kernel's (/dev, /proc, /sys).
		find / /tmp /var/tmp -xdev -user "$uid" -newer "$TMPD/stamp-$seed-$mode" 2>/dev/null |
			grep -v -e "^$root\(/\|\$\)" -e "^$run\(/\|\$\)" | sort -u >"$TMPD/escaped"
		[ -s "$TMPD/escaped" ] && { head -20 "$TMPD/escaped" >&2; fail "$what: host files outside ROOT (above)"; }
	fi
	# What it left in the shared writable places (natively allowed
	# under -b): reported, removed.
	find /tmp /var/tmp /dev/shm -maxdepth 1 -user "$uid" -newer "$TMPD/stamp-$seed-$mode" ! -path "$TMPD*" 2>/dev/null |
		while read -r p; do echo "note: trinity left $p (removed)" >&2; rm -rf "$p"; done
	# The fakeroot db the module saved at exit loads.
	if [ -e "$run/owners.db" ]; then
		setpriv --reuid="$uid" --regid="$uid" --clear-groups -- \
			"$UMVISOR" -m "fakeroot:db=$run/owners.db" -- true 2>"$TMPD/load.err" || {
			kept="$top_builddir/tests/hostile/trinity-seed-$seed.db"
			cp "$run/owners.db" "$kept"
			fail "$what: the saved fakeroot db does not load (kept as $kept): $(cat "$TMPD/load.err")"
		}
	fi
	cleanup_ipc
	rm -rf "$run" "$host" "$root"
done
done
echo "trinity: $total syscalls in all, monitor survived every run"
exit 0
