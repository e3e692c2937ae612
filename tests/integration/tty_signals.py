"""Runs a sigcount guest (see tests/guests/sigcount.c) as the foreground job
of a new pseudo-terminal, types ^C three times, each once the guest has
acknowledged the previous one, then sends SIGTERM to the process it started
(the monitor, or the guest natively). Prints what the guest printed on the
terminal (CR LF turned into LF), exits with the started process's status as
a shell reports it.

usage: tty_signals.py ACK_FIFO COMMAND [ARGS...]   (COMMAND's last arg gets ACK_FIFO)
"""
import os
import select
import signal
import sys
import termios
import tty


def read_line(fd, deadline_s=10.0):
    line = b""
    while not line.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], deadline_s)
        if not ready:
            sys.exit("tty_signals: no acknowledgement from the guest within %g s (got %r)"
                     % (deadline_s, line))
        chunk = os.read(fd, 1)
        if not chunk:
            sys.exit("tty_signals: the guest closed its fifo (got %r)" % line)
        line += chunk
    return line.decode().rstrip("\n")


def main():
    acks_path, cmd = sys.argv[1], sys.argv[2:] + [sys.argv[1]]
    os.mkfifo(acks_path)
    acks = os.open(acks_path, os.O_RDWR)
    pid, master = os.forkpty()
    if pid == 0:
        # forkpty made us a session leader with the pty as controlling
        # terminal and foreground process group: ^C reaches us and our children.
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    attrs = termios.tcgetattr(master)
    intr = attrs[tty.CC][termios.VINTR]
    if read_line(acks) != "ready":
        sys.exit("tty_signals: the guest did not say ready")
    for n in range(1, 4):
        os.write(master, intr)
        got = read_line(acks)
        if got != "int %d" % n:
            sys.exit("tty_signals: after ^C #%d the guest said %r" % (n, got))
    os.kill(pid, signal.SIGTERM)
    output = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the terminal's last user closed it
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    # The terminal echoes ^C as "^C": keep only the guest's own lines.
    text = output.decode(errors="replace").replace("\r\n", "\n").replace("^C", "")
    sys.stdout.write(text)
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())
