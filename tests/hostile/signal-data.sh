#!/bin/sh
# Signals to the monitor while the guest is writing, with the trace module
# (-m trace:out=FILE) and the fakeroot module (db=FILE) loaded.
#  - SIGTERM, SIGINT, SIGHUP: forwarded to the guest, which dies of it; the
#    monitor then flushes the trace, saves the db and dies of the same
#    signal (exit 128+N). Every trace line is whole (JSON: every line
#    parses) and ends with the guest's death; the db loads and holds the
#    last chown the guest reported.
#  - A guest that handles SIGTERM goes on, and the monitor with it.
#  - SIGKILL: every guest process dies with it (PTRACE_O_EXITKILL), also a
#    stopped one and one blocked in a trapped call; the db on disk is the
#    last periodic save, loadable; the trace holds whole lines only.
# Synchronisation is by polling files the guest writes (bounded), never by
# sleeping for a fixed time.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/fakeroot-lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed for the writing guest"

cat >"$TMPD/guest.py" <<'EOF'
import os, signal, sys
# A background job of a script starts with SIGINT ignored: take it back.
signal.signal(signal.SIGINT, signal.SIG_DFL)
d, mode = sys.argv[1], sys.argv[2]
if mode == "handles":
    # Handles SIGTERM: says so, and goes on until told to stop.
    def on_term(sig, frame):
        open(os.path.join(d, "got-term"), "w").close()
    signal.signal(signal.SIGTERM, on_term)

def publish(name, text):
    with open(os.path.join(d, name + ".tmp"), "w") as p:
        p.write(text)
    os.rename(os.path.join(d, name + ".tmp"), os.path.join(d, name))

f = os.path.join(d, "f")
open(f, "w").close()
pids = [os.getpid()]
if mode == "family":
    r, w = os.pipe()
    for k in range(2):
        pid = os.fork()
        if pid == 0:
            os.read(r, 1)          # blocked in a trapped read for ever
            os._exit(0)
        pids.append(pid)
    os.kill(pids[-1], signal.SIGSTOP)   # and one of them stopped
publish("pids", " ".join(map(str, pids)))
out = open(os.path.join(d, "data"), "w")
i = 0
while not os.path.exists(os.path.join(d, "stop")):
    i += 1
    os.chown(f, 1, i)
    out.write("line %d\n" % i)
    out.flush()
    publish("progress", str(i))
EOF
chmod 644 "$TMPD/guest.py"

# wait_for WHAT CMD...: poll CMD (every 50 ms, at most 60 s).
wait_for() {
	what=$1; shift
	n=0
	until "$@"; do
		n=$((n + 1))
		[ $n -lt 1200 ] || return 1
		sleep 0.05
	done
}
progress_at_least() { [ "$(cat "$d/progress" 2>/dev/null || echo 0)" -ge "$1" ]; }

# start DIR FORMAT MODE: the guest under umvisor as the user, in the
# background; sets job (the setpriv/timeout wrapper) and mon (the monitor).
start() {
	d=$1
	rm -f "$d/mon.pid" "$d/progress" "$d/pids"
	as_user sh -c "echo \$\$ >'$d/mon.pid'; exec '$UMVISOR' \
		-m 'trace:out=$d/trace,format=$2' -m 'fakeroot:db=$d/owners.db' \
		-- python3 '$TMPD/guest.py' '$d' $3" 2>"$d/err" &
	job=$!
	wait_for "the monitor's pid" test -s "$d/mon.pid" || fail "the monitor never started"
	mon=$(cat "$d/mon.pid")
}

# check_trace DIR FORMAT [killed]: whole lines only; JSON lines all parse.
# After a SIGKILL the kernel may cut the writer's last write(2) short (a
# fatal signal stops a regular-file write between pages; umvisor(1) says
# so): then only the final line may be torn, and it is left out.
check_trace() {
	[ -s "$1/trace" ] || fail "$1: empty trace"
	if [ "$(tail -c 1 "$1/trace" | od -An -c | tr -d ' ')" != '\n' ]; then
		[ "${3:-}" = killed ] ||
			fail "$1: the trace ends in a torn line: $(tail -c 100 "$1/trace")"
		echo "note: $1: the killed monitor's last write was cut short; its last line is left out" >&2
		sed '$d' "$1/trace" >"$1/trace.whole" && mv "$1/trace.whole" "$1/trace" ||
			hard_error "cannot trim the trace"
	fi
	if [ "$2" = json ]; then
		python3 -c '
import json, sys
for n, l in enumerate(open(sys.argv[1]), 1):
    try:
        json.loads(l)
    except ValueError as e:
        sys.exit("line %d does not parse (%s): %r" % (n, e, l[:200]))
' "$1/trace" || fail "$1: the JSON trace does not parse"
	fi
}

# db_gid DIR: the group of DIR/f as a fresh monitor loads the db (fails
# the test if the db does not load).
db_gid() {
	out=$(as_user "$UMVISOR" -m "fakeroot:db=$1/owners.db" -- stat -c '%u %g' "$1/f" 2>"$1/load.err") ||
		fail "$1: the saved db does not load: $(cat "$1/load.err")"
	set -- $out
	[ "$1" = 1 ] || fail "db: owner $1 of f, expected 1"
	echo "$2"
}

grep_monitor_errors() {
	grep -E 'internal|AddressSanitizer|runtime error|cannot save' "$1/err" >&2 &&
		fail "$1: the monitor reported an error"
	return 0
}

# ---- SIGTERM, SIGINT, SIGHUP ----
for sig in TERM INT HUP; do
	case $sig in TERM) num=15 fmt=json ;; INT) num=2 fmt=text ;; HUP) num=1 fmt=json ;; esac
	d=$(user_dir "sig$sig")
	start "$d" $fmt plain
	wait_for "progress" progress_at_least 50 || { kill -9 "$mon"; fail "SIG$sig: the guest made no progress: $(cat "$d/err")"; }
	reported=$(cat "$d/progress")
	kill -$sig "$mon"
	wait $job; rc=$?
	[ $rc = $((128 + num)) ] || fail "SIG$sig: monitor exit $rc, expected $((128 + num)) (the guest's death): $(cat "$d/err")"
	grep_monitor_errors "$d"
	check_trace "$d" $fmt
	gpid=$(cat "$d/pids")
	if [ $fmt = json ]; then
		tail -n 1 "$d/trace" | grep -q "\"type\":\"exit\".*\"pid\":$gpid,.*\"status\":\"killed\",\"signal\":\"SIG$sig\"" ||
			fail "SIG$sig: the trace does not end with the guest's death: $(tail -n 1 "$d/trace")"
	else
		tail -n 1 "$d/trace" | grep -Eq "^$gpid +\\+\\+\\+ killed by SIG$sig \\+\\+\\+\$" ||
			fail "SIG$sig: the trace does not end with the guest's death: $(tail -n 1 "$d/trace")"
	fi
	gid=$(db_gid "$d")
	[ "$gid" -ge "$reported" ] ||
		fail "SIG$sig: the db holds gid $gid, but the guest had done chown 1:$reported before the signal"
	ls "$d" | grep -q 'owners.db.tmp' && fail "SIG$sig: a temp file of the db was left behind"
done

# ---- a guest that handles the signal: it goes on, and so does the monitor
d=$(user_dir handles)
start "$d" json handles
wait_for "progress" progress_at_least 20 || { kill -9 "$mon"; fail "handler: no progress"; }
kill -TERM "$mon"
wait_for "the guest's handler" test -e "$d/got-term" || { kill -9 "$mon"; fail "SIGTERM was not forwarded to the guest"; }
before=$(cat "$d/progress")
wait_for "more progress" progress_at_least $((before + 20)) ||
	{ kill -9 "$mon"; fail "the guest stopped after handling SIGTERM"; }
as_user touch "$d/stop"
wait $job; rc=$?
[ $rc = 0 ] || fail "handled SIGTERM: monitor exit $rc, expected the guest's 0: $(cat "$d/err")"
grep_monitor_errors "$d"
check_trace "$d" json

# ---- SIGKILL ----
# A db from a first run, so that the second run's first save is periodic
# (SAVE_INTERVAL after the load), not the immediate one of a new db.
d=$(user_dir kill)
as_user sh -c ": >'$d/f'" || hard_error "setup"
as_user "$UMVISOR" -m "fakeroot:db=$d/owners.db" -- chown 1:0 "$d/f" || fail "first run"
[ "$(db_gid "$d")" = 0 ] || fail "first run: chown 1:0 not saved"
start "$d" json family
saved_gid_positive() { grep -q 'uid=1,gid=[1-9]' "$d/owners.db"; }
wait_for "a periodic save" saved_gid_positive || {
	ps -o pid,stat,wchan:24,args -u "$FR_USER_UID" >&2
	kill -9 "$mon"
	fail "SIGKILL: no periodic save of the db within 60 s (guest progress $(cat "$d/progress" 2>&1)): $(cat "$d/err")"
}
wait_for "the guest's pids" test -s "$d/pids" || fail "SIGKILL: no pids"
pids=$(cat "$d/pids")
set -- $pids
[ $# = 3 ] || fail "SIGKILL: expected 3 guest pids, got '$pids'"
kill -KILL "$mon"
wait $job; rc=$?
[ $rc = 137 ] || fail "SIGKILL: exit $rc, expected 137"
# Every guest process dies (a zombie nobody reaped yet is dead too).
alive() {
	for p in $pids; do
		st=$(sed -n 's/^State:[[:space:]]*\([A-Za-z]\).*/\1/p' "/proc/$p/status" 2>/dev/null)
		[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ] && return 0
	done
	return 1
}
not_alive() { ! alive; }
wait_for "the guest's death" not_alive || {
	for p in $pids; do grep -H State "/proc/$p/status" 2>/dev/null; done >&2
	fail "SIGKILL: guest processes outlived the monitor"
}
# The guest publishes its progress after each chown: one more may be saved.
last=$(($(cat "$d/progress") + 1))
gid=$(db_gid "$d")
[ "$gid" -ge 1 ] && [ "$gid" -le "$last" ] ||
	fail "SIGKILL: the db holds gid $gid, expected a periodic save in 1..$last"
check_trace "$d" json killed
exit 0
