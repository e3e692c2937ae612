#!/bin/sh
# dev module: stream fds. Per-open counter streams, random bytes, a write
# stream, listing and stat of the nodes, the fd's state across dup2, fork,
# exec with and without close-on-exec, SCM_RIGHTS and close_range, refused
# open modes, and the monitor's fds not growing over 400 opens.
. "$top_srcdir/tests/lib/harness.sh"
export UMVISOR_MODULE_PATH="${UMVISOR_MODULE_PATH:-$top_builddir/.libs}"
[ -f "$top_builddir/.libs/dev.so" ] || hard_error "dev.so is not built"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || PY=
D=/dev/umvisor

run() {	# NAME EXPECTED SCRIPT: the guest's output must be EXPECTED
	timeout 60 "$UMVISOR" -m dev -- sh -c "$3" >"$TMPD/out" 2>"$TMPD/err"
	st=$?
	printf '%s\n' "$2" >"$TMPD/exp"
	if ! cmp -s "$TMPD/exp" "$TMPD/out" || [ $st != 0 ]; then
		diff -u "$TMPD/exp" "$TMPD/out" >&2
		cat "$TMPD/err" >&2
		fail "$1 (exit $st)"
	fi
	echo "ok: $1"
}

run "ls and stat of the nodes" "counter
log
random
fifo fifo" "ls $D; echo \$(stat -c %F $D/counter $D/random)"
run "each open counts from 1" "1
2
3
1
2
3" "head -n 3 $D/counter; head -n 3 $D/counter"
run "random gives N bytes, different each time" "7000
different" "dd if=$D/random bs=1000 count=7 iflag=fullblock status=none | wc -c
a=\$(head -c 16 $D/random | od -An -tx1); b=\$(head -c 16 $D/random | od -An -tx1)
[ \"\$a\" != \"\$b\" ] && echo different"
run "dup2, fork, exec without close-on-exec share one stream" "1
child 2
3
dup 4
exec 5" "exec 3<$D/counter; read a <&3; echo \$a; (read b <&3; echo child \$b); read c <&3; echo \$c
exec 4<&3; exec 3<&-; read d <&4; echo dup \$d; sh -c 'read e <&4; echo exec \$e'"
timeout 60 "$UMVISOR" -v -m dev -- sh -c "echo hello >$D/log; printf 'two\nlines\n' >$D/log" 2>"$TMPD/err" ||
	fail "writing to $D/log"
grep -q "dev: log: hello" "$TMPD/err" && grep -q "dev: log: lines" "$TMPD/err" ||
	{ cat "$TMPD/err" >&2; fail "the log stream's lines are not in the monitor's log"; }
echo "ok: a write stream reaches the module"
run "refused opens" "counter: Permission denied
counter rdwr: Invalid argument
dir: Not a directory
excl: File exists
log read: Permission denied
O_PATH: fifo" "$PY -c '
import os
def t(what, path, flags):
    try:
        os.close(os.open(path, flags))
        print(what, \"opened\")
    except OSError as e:
        print(what + \":\", e.strerror)
t(\"counter\", \"$D/counter\", os.O_WRONLY)
t(\"counter rdwr\", \"$D/counter\", os.O_RDWR)
t(\"dir\", \"$D/counter\", os.O_RDONLY | os.O_DIRECTORY)
t(\"excl\", \"$D/counter\", os.O_WRONLY | os.O_CREAT | os.O_EXCL)
t(\"log read\", \"$D/log\", os.O_RDONLY)
import stat
fd = os.open(\"$D/counter\", os.O_PATH)
print(\"O_PATH: fifo\" if stat.S_ISFIFO(os.fstat(fd).st_mode) else \"O_PATH: not a fifo\")
'"
[ -n "$PY" ] || skip "python3 not installed: close-on-exec, SCM_RIGHTS, close_range not tested"
run "close-on-exec, SCM_RIGHTS, close_range" "inheritable: 1
cloexec: closed
passed: 2
parent after child: 3
after close_range: closed" "$PY -c '
import os, socket, subprocess
fd = os.open(\"$D/counter\", os.O_RDONLY)   # Python: O_CLOEXEC
f = os.fdopen(fd, \"rb\", buffering=0)
def line():
    s = b\"\"
    while not s.endswith(b\"\\n\"):
        s += f.read(1)
    return s.decode().strip()
os.set_inheritable(fd, True)
sh = \"read x <&%d && echo \$x || echo closed\" % fd
r = subprocess.run([\"sh\", \"-c\", sh + \" 2>/dev/null\"], close_fds=False, stdout=subprocess.PIPE, text=True)
print(\"inheritable:\", r.stdout.strip())
os.set_inheritable(fd, False)
r = subprocess.run([\"sh\", \"-c\", sh + \" 2>/dev/null\"], close_fds=False, stdout=subprocess.PIPE, text=True)
print(\"cloexec:\", r.stdout.strip())
a, b = socket.socketpair()
pid = os.fork()
if pid == 0:
    msg, fds, _, _ = socket.recv_fds(b, 16, 1)
    g = os.fdopen(fds[0], \"rb\", buffering=0)
    s = b\"\"
    while not s.endswith(b\"\\n\"):
        s += g.read(1)
    print(\"passed:\", s.decode().strip(), flush=True)
    os._exit(0)
socket.send_fds(a, [b\"x\"], [fd])
os.waitpid(pid, 0)
print(\"parent after child:\", line())
f.close()
fd = os.open(\"$D/counter\", os.O_RDONLY)
os.closerange(fd, fd + 1)
try:
    os.read(fd, 1)
    print(\"after close_range: open\")
except OSError:
    print(\"after close_range: closed\")
'"

run "streams are capped (ENFILE), and come back" "opened 512: Too many open files in system
again after closing: 1" "$PY -c '
import os, resource, time
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
fds = []
try:
    for i in range(2000):
        fds.append(os.open(\"$D/counter\", os.O_RDONLY))
    print(\"opened all\")
except OSError as e:
    print(\"opened %d: %s\" % (len(fds), e.strerror))
for fd in fds:
    os.close(fd)
for tries in range(20000):   # the stream thread releases them
    try:
        fd = os.open(\"$D/counter\", os.O_RDONLY)
        break
    except OSError:
        time.sleep(0.001)
print(\"again after closing:\", os.read(fd, 2).decode().strip())
'"

# 400 opens: the monitor's fds come back to where they were (streams
# released when the guest closes its end).
mkfifo "$TMPD/to" "$TMPD/from"
UMVISOR_DUMPABLE=1 timeout 120 "$UMVISOR" -m dev -- sh -c "
	head -n 1 $D/counter >/dev/null; head -c 1 $D/random >/dev/null
	echo warm >$TMPD/from; read x <$TMPD/to
	i=0; while [ \$i -lt 200 ]; do
		head -n 1 $D/counter >/dev/null; head -c 10 $D/random >/dev/null; i=\$((i + 1))
	done
	echo done >$TMPD/from; read x <$TMPD/to" 2>"$TMPD/err" &
mon=$!
read _ <"$TMPD/from"
[ -d /proc/$mon/fd ] || hard_error "no /proc/$mon/fd"
before=$(ls /proc/$mon/fd | wc -l)
echo go >"$TMPD/to"
read _ <"$TMPD/from"
# Release is the stream thread's, after the guest's close: poll for it.
n=0
while after=$(ls /proc/$mon/fd | wc -l); [ "$after" -gt "$before" ] && [ $n -lt 200 ]; do
	n=$((n + 1)); sleep 0.05
done
echo go >"$TMPD/to"
wait $mon || { cat "$TMPD/err" >&2; fail "the 400-open guest failed"; }
[ "$after" -le "$before" ] || fail "monitor fds grew from $before to $after over 400 opens"
echo "ok: monitor fds $before before and $after after 400 opens"

# Bad options.
for o in "guest=relative" "colour=blue" "guest=/x,more"; do
	timeout 30 "$UMVISOR" -m "dev:$o" -- true 2>"$TMPD/err"
	[ $? = 125 ] || fail "-m dev:$o must fail at start-up"
	grep -q "umvisor: dev:" "$TMPD/err" || fail "-m dev:$o: no message"
done
echo "ok: bad options refused"
exit 0
