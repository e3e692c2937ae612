"""Job control as a user does it: an interactive bash on a new pseudo-terminal
runs a command, ^Z stops it, bash reports the job stopped, `fg` resumes it
and it finishes. Prints the milestones seen, one a line, for the caller to
compare between a native run and one under the monitor.

usage: tty_jobctl.py WORKDIR COMMAND [ARGS...]
COMMAND is run with two more arguments: a fifo on which it writes "ready"
once running, and a fifo it then reads a word from (it is stopped while it
waits there) before it prints "resumed WORD" and exits.
"""
import os
import select
import shlex
import signal
import sys
import time


class Pty:
    def __init__(self, fd):
        self.fd = fd
        self.seen = b""

    def expect(self, needle, timeout_s=10.0):
        """Reads the terminal until needle shows up; fails after timeout_s.
        Returns what came before it."""
        deadline = time.monotonic() + timeout_s
        while needle.encode() not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                sys.exit("tty_jobctl: %r not seen on the terminal within %g s; got:\n%s"
                         % (needle, timeout_s, self.seen.decode(errors="replace")))
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    sys.exit("tty_jobctl: the terminal closed before %r; got:\n%s"
                             % (needle, self.seen.decode(errors="replace")))
                self.seen += chunk
        # Consume up to the needle so the next expect looks further on.
        at = self.seen.index(needle.encode())
        before = self.seen[:at].decode(errors="replace")
        self.seen = self.seen[at + len(needle):]
        return before

    def type(self, text):
        os.write(self.fd, text.encode())


def state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def wait_state(pid, accept, what):
    for _ in range(1000):
        if state(pid) in accept:
            return
        time.sleep(0.01)
    sys.exit("tty_jobctl: %s: process %d is in state %s" % (what, pid, state(pid)))


def main():
    workdir, cmd = sys.argv[1], sys.argv[2:]
    ready, go = os.path.join(workdir, "ready"), os.path.join(workdir, "go")
    os.mkfifo(ready)
    os.mkfifo(go)
    ready_fd = os.open(ready, os.O_RDWR)
    env = dict(os.environ, PS1="$ ", TERM="dumb", HISTFILE="/dev/null")
    pid, master = os.forkpty()
    if pid == 0:
        try:
            os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"], env)
        finally:
            os._exit(127)
    term = Pty(master)
    term.expect("$ ")
    line = " ".join(shlex.quote(a) for a in cmd + [ready, go])
    # The guest's pid comes back through the ready fifo.
    # A stopped job abandons the rest of its command list: one command a line.
    term.type(line + "\n")
    got = b""
    while not got.endswith(b"\n"):
        r, _, _ = select.select([ready_fd], [], [], 10)
        if not r:
            sys.exit("tty_jobctl: the command did not say ready within 10 s")
        got += os.read(ready_fd, 1)
    guest = int(got.decode().split()[1])
    print("ready")
    term.type("\x1a")  # ^Z
    term.expect("Stopped")
    wait_state(guest, "Tt", "after ^Z")
    print("bash: job stopped")
    term.type("fg\n")
    wait_state(guest, "SR", "after fg")
    with open(go, "w") as f:
        f.write("go\n")
    term.expect("resumed go")
    print("resumed go")
    term.expect("$ ")
    term.type('echo "exit status $?"\n')
    term.expect("exit status $?")  # the echoed command line
    term.expect("exit status ")
    print("job exit status", term.expect("\r\n").strip())
    term.type("exit\n")
    _, status = os.waitpid(pid, 0)
    print("bash exited", os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1)
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    sys.exit(main())
