#!/bin/sh
# Job control from a terminal: an interactive bash on a pty runs umvisor;
# ^Z stops the job (the monitor mirrors the guest's stop, so bash reports
# it), fg resumes it; the job stays stopped while a guest process outside
# it (its own session) runs programs, and fg resumes it every time; ^C
# reaches the guest once (through the process group, not forwarded a second
# time) and kills it with SIGINT (exit 130); an interactive bash runs as the
# guest with its own job control.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/monitor-lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed to drive a pty"
command -v bash >/dev/null 2>&1 || skip "bash is needed as the interactive shell"

cat >"$TMPD/jobctl.py" <<'PY'
import os, pty, re, select, sys, time
umv, opts, fifo = sys.argv[1], sys.argv[2], sys.argv[3]
pid, fd = pty.fork()
if pid == 0:
    os.environ["PS1"] = "PROMPT$ "
    os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
log = b""
pos = 0
def read_until(pat, timeout=10):
    global log, pos
    end = time.time() + timeout
    while time.time() < end:
        m = re.compile(pat.encode()).search(log, pos)
        if m:
            pos = m.end()
            return log[:m.start()]
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                log += os.read(fd, 4096)
            except OSError:
                break
    sys.exit("timeout waiting for %r; output: %r" % (pat, log[-600:]))
def send(s):
    os.write(fd, s.encode() if isinstance(s, str) else s)
read_until(r"PROMPT\$ ")
# The guest's child waits for a line from the terminal, not for a clock:
# a loaded machine cannot let it finish before the ^Z lands.
send("%s %s -- sh -c 'echo STA\"\"RTED; head -n 1; echo FIN'\n" % (umv, opts))
read_until(r"[\r\n]STARTED")
time.sleep(0.2)
send(b"\x1a")
read_until(r"Stopped")
read_until(r"PROMPT\$ ")
send("fg\n")
read_until(r"fg\r?\n")
send("go-on\n")
read_until(r"\nFIN")
send("echo rc=$?\n")
read_until(r"rc=0")
# A guest process in a session of its own runs a program per fifo line,
# also while the job is stopped: the shell must go on seeing the job
# stopped (a monitor woken for those events looked continued to it, and
# its fg then sent no SIGCONT).
send("%s %s -- sh -c 'setsid sh -c \"while read x; do [ \\$x = q ] && exit; /bin/true; done <%s\" & "
     "echo STA\"\"RTED; for i in 1 2 3; do head -n 1 >/dev/null; echo GOT\"\"$i; done'\n" % (umv, opts, fifo))
read_until(r"[\r\n]STARTED")
w = open(fifo, "w")
for i in range(1, 4):
    time.sleep(0.2)
    send(b"\x1a")
    read_until(r"Stopped")
    read_until(r"PROMPT\$ ")
    for j in range(5):
        w.write("x\n")
        w.flush()
    send("jobs\n")
    out = read_until(r"PROMPT\$ ")
    if not re.search(rb"Stopped", out[out.rfind(b"jobs"):]):
        sys.exit("the job looks running while stopped: %r" % out[-300:])
    send("fg\n")
    read_until(r"fg\r?\n")
    send("line\n")
    read_until(r"GOT%d" % i)
w.write("q\n")
w.close()
send("echo rc=$?\n")
read_until(r"rc=0")
start = len(log)
# STARTED comes from the process that becomes the sleeper, so the ^C
# always finds it (or the inner shell) running: one SIGINT, then END.
send("%s %s -- sh -c 'trap \"echo GOT-INT\" INT; sh -c \"echo STA\"\"RTED; exec sleep 30\"; echo END'\n" % (umv, opts))
read_until(r"[\r\n]STARTED")
send(b"\x03")
read_until(r"\nEND")
n = log[start:].count(b"GOT-INT\r\n")
if n != 1:
    sys.exit("the guest got %d SIGINTs for one ^C: %r" % (n, log[start:]))
send("%s %s -- sh -c 'echo STA\"\"RTED; exec sleep 30'\n" % (umv, opts))
read_until(r"[\r\n]STARTED")
time.sleep(0.2)
send(b"\x03")
send("echo rc3=$?\n")
read_until(r"rc3=130")
# An interactive shell as the guest: it takes the terminal for its own
# process group (the monitor, now in the background, must not stop on
# SIGTTOU) and runs its own job control.
send("%s %s -- bash --norc --noprofile -i\n" % (umv, opts))
time.sleep(0.5)
send("PS1='INNER$ '\n")
read_until(r"INNER\$ ")
send("echo inner$((1+1))\n")
read_until(r"inner2")
send("sh -c 'echo STA\"\"RTED; exec sleep 30'\n")
read_until(r"[\r\n]STARTED")
time.sleep(0.2)
send(b"\x1a")
read_until(r"Stopped")
read_until(r"INNER\$ ")
send("kill -9 %1\n")
read_until(r"INNER\$ ")
time.sleep(0.3)
send("jobs; exit 7\n")
read_until(r"PROMPT\$ ")
send("echo rc4=$?\n")
read_until(r"rc4=7")
send("exit\n")
PY
for opts in "" "-m count:out=/dev/null"; do
	rm -f "$TMPD/fifo"
	mkfifo "$TMPD/fifo" || hard_error "mkfifo"
	timeout 90 python3 "$TMPD/jobctl.py" "$UMVISOR" "$opts" "$TMPD/fifo" || fail "job control ($opts)"
done
exit 0
