#!/bin/sh
# fakeroot module: /proc/self/status, /proc/thread-self/status and
# /proc/PID[/task/TID]/status of guest processes read with the virtual ids
# (synthetic files, umv_call_redirect_content), for python3 (glibc) and a
# static busybox; other processes' files stay real, and the materialised
# files do not outlive their open.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/fakeroot-lib.sh"

ids='^(Uid|Gid|Groups):'
# The monitor's private files go here, to check none is left behind.
synth=$(user_dir synth)
fr_env() { as_user env TMPDIR="$synth" "$UMVISOR" -0 -- "$@"; }

out=$(fr_env grep -E "$ids" /proc/self/status) || fail "grep under -0 failed"
exp=$(printf 'Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t0 ')
[ "$out" = "$exp" ] || fail "/proc/self/status under -0:
$out"
out=$(as_user env TMPDIR="$synth" "$UMVISOR" -m fakeroot:uid=12:gid=34 -- \
	grep -E "$ids" /proc/self/status) || fail "grep with uid=12 failed"
exp=$(printf 'Uid:\t12\t12\t12\t12\nGid:\t34\t34\t34\t34\nGroups:\t34 ')
[ "$out" = "$exp" ] || fail "/proc/self/status with uid=12:gid=34:
$out"

# A static binary: no libc of ours in the way.
bb=$(command -v busybox || true)
if [ -n "$bb" ] && file -L "$bb" 2>/dev/null | grep -q 'statically linked'; then
	out=$(fr_env "$bb" grep -E "$ids" /proc/self/status) || fail "static busybox grep failed"
	exp=$(printf 'Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t0 ')
	[ "$out" = "$exp" ] || fail "static busybox reads /proc/self/status as:
$out"
else
	echo "note: no static busybox, that part not run" >&2
fi

command -v python3 >/dev/null 2>&1 || skip "python3 is missing for the set*id part"
cat >"$TMPD/ids.py" <<'EOF'
import os, sys

def lines(path, dir_fd=None):
    fd = os.open(path, os.O_RDONLY, dir_fd=dir_fd)
    with os.fdopen(fd) as f:
        return [l.rstrip("\n") for l in f if l.startswith(("Uid:", "Gid:", "Groups:"))]

os.setgroups([4, 5])
os.setresgid(7, 8, 9)
r, w = os.pipe()
back_r, back_w = os.pipe()
child = os.fork()
if child == 0:
    os.setuid(1000)
    os.write(back_w, b"x")
    os.read(r, 1)
    os._exit(0)
os.read(back_r, 1)
print("child", lines("/proc/%d/status" % child))
print("child task", lines("/proc/%d/task/%d/status" % (child, child)))
os.write(w, b"x")
os.waitpid(child, 0)
# A raw setresuid acts on one thread: thread-self shows it, self the
# leader. In a child: glibc aborts a later set*id once threads disagree.
import ctypes, sys, threading
def worker():
    ctypes.CDLL(None).syscall(117, 2000, 2001, 2002)
    print("thread", lines("/proc/thread-self/status")[:1], lines("/proc/self/status")[:1])
    print("task", lines("/proc/self/task/%d/status" % threading.get_native_id())[:1])
    sys.stdout.flush()
child = os.fork()
if child == 0:
    th = threading.Thread(target=worker)
    th.start()
    th.join()
    os._exit(0)
os.waitpid(child, 0)
os.setresuid(1000, 1001, 1002)
print("self", lines("/proc/self/status"))
print("thread-self", lines("/proc/thread-self/status"))
d = os.open("/proc/self", os.O_RDONLY | os.O_DIRECTORY)
print("dirfd", lines("status", dir_fd=d))
import ctypes, struct
libc = ctypes.CDLL(None, use_errno=True)
fd2 = libc.syscall(437, -100, b"/proc/self/status", struct.pack("QQQ", os.O_RDONLY, 0, 0), 24)
with os.fdopen(fd2) as f:
    print("openat2", [l.rstrip("\n") for l in f if l.startswith("Uid:")])
fd = os.open("/proc/self/status", os.O_RDONLY)
print("fd target deleted:", os.readlink("/proc/self/fd/%d" % fd).endswith(" (deleted)"))
print("fd reads:", os.read(fd, 5))
print("monitor", lines("/proc/%d/status" % os.getppid())[:1])
EOF
fr_env python3 "$TMPD/ids.py" >"$TMPD/py.out" 2>&1 || { cat "$TMPD/py.out" >&2; fail "python3 under -0"; }
cat >"$TMPD/py.exp" <<'EOF'
child ['Uid:\t1000\t1000\t1000\t1000', 'Gid:\t7\t8\t9\t8', 'Groups:\t4 5 ']
child task ['Uid:\t1000\t1000\t1000\t1000', 'Gid:\t7\t8\t9\t8', 'Groups:\t4 5 ']
thread ['Uid:\t2000\t2001\t2002\t2001'] ['Uid:\t0\t0\t0\t0']
task ['Uid:\t2000\t2001\t2002\t2001']
self ['Uid:\t1000\t1001\t1002\t1001', 'Gid:\t7\t8\t9\t8', 'Groups:\t4 5 ']
thread-self ['Uid:\t1000\t1001\t1002\t1001', 'Gid:\t7\t8\t9\t8', 'Groups:\t4 5 ']
dirfd ['Uid:\t1000\t1001\t1002\t1001', 'Gid:\t7\t8\t9\t8', 'Groups:\t4 5 ']
openat2 ['Uid:\t1000\t1001\t1002\t1001']
fd target deleted: True
fd reads: b'Name:'
monitor ['Uid:\t@U@\t@U@\t@U@\t@U@']
EOF
sed -i "s/@U@/$FR_USER_UID/g" "$TMPD/py.exp"
diff -u "$TMPD/py.exp" "$TMPD/py.out" >&2 || fail "python3: /proc status files (diff above: - expected, + got)"
left=$(find "$synth" -mindepth 1 | head -3)
[ -z "$left" ] || fail "materialised files left behind: $left"

# The Uid/Gid lines read as they do under real root.
need_real_root
grep -E '^(Uid|Gid):' /proc/self/status >"$TMPD/real.out"
fr_env grep -E '^(Uid|Gid):' /proc/self/status >"$TMPD/virt.out" || fail "grep under -0"
same_text "/proc/self/status ids" "$TMPD/real.out" "$TMPD/virt.out"
exit 0
