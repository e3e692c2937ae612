#!/bin/sh
# Root-needing file operations; prints what a root user sees afterwards.
# Run in DIR once as real root and once under umvisor -0: same output.
set -e
cd "$1"
mkdir -p tree/sub/deeper
touch tree/f1 tree/sub/f2 tree/sub/deeper/f3
ln -s f1 tree/link
chown -R 1000:1000 tree
chgrp -R 50 tree/sub
chown -h 7:8 tree/link
# set-uid/set-gid bits after chown (the kernel drops them)
touch s1 s2 s3
chmod 6755 s1; chown 3:3 s1
chmod 2755 s2; chgrp 9 s2
chmod 2745 s3; chown 4 s3
touch s4; chown 5:5 s4; chmod 4711 s4
# device nodes, FIFOs
mknod cdev c 1 3
mknod bdev b 7 0
mknod fifo p
chown 11:12 cdev
# set-gid directory inheritance
mkdir sg; chown 0:77 sg; chmod 2775 sg
mkdir sg/child; touch sg/file; mkdir -p sg/child/grandchild
# DAC override: mode-000 files, 555 and 000 directories
echo data >m0; chmod 000 m0
echo "m0: $(cat m0)"
echo more >>m0
[ -r m0 ] && [ -w m0 ] && echo "m0: test -r -w ok"
[ -x m0 ] || echo "m0: test -x fails"
mkdir d555; touch d555/x; chmod 555 d555
touch d555/y; echo "d555: $(ls d555 | tr '\n' ' ')"
mkdir d000; echo secret >d000/z; chmod 000 d000
echo "d000: $(ls d000) $(cat d000/z)"
chmod 700 d000; chmod 755 d555
# removal and hard links keep the records right
touch h1; chown 21:22 h1; ln h1 h2; rm h1
touch gone; chown 31:32 gone; rm gone; touch gone2
echo "id: $(id -u) $(id -g) $(id -G)"
# exec of a set-uid/set-gid file changes the effective ids
cp "$(command -v id)" myid
chown 5:6 myid; chmod 6755 myid
echo "setid exec: $(./myid -u) $(./myid -g) $(./myid -ru) $(./myid -rg)"
# fchmod runs natively for u+rw modes without set-id bits: the view follows
if command -v python3 >/dev/null 2>&1; then
	python3 -c '
import os
fd = os.open("fm", os.O_WRONLY | os.O_CREAT, 0o600)
os.fchown(fd, 41, 42)
def show(what):
    st = os.fstat(fd)
    print("%s: %o %d %d" % (what, st.st_mode, st.st_uid, st.st_gid))
for m in (0o644, 0o600, 0o000, 0o4755):
    os.fchmod(fd, m)
    show("fchmod %o" % m)
os.fchown(fd, 43, -1)
show("fchown after 4755")
os.fchmod(fd, 0o640)
show("fchmod 640")
# openat2 creating a mode-000 file: recorded, and still readable by root
import ctypes, struct
libc = ctypes.CDLL(None, use_errno=True)
how = struct.pack("QQQ", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0, 0)
fd2 = libc.syscall(437, -100, b"o2", how, 24)
if fd2 < 0:
    print("openat2 failed:", os.strerror(ctypes.get_errno()))
else:
    os.write(fd2, b"o2 data")
    os.close(fd2)
    print("openat2 mode 000: %o %s" % (os.stat("o2").st_mode, open("o2").read()))
'
fi
find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r f; do
	stat -c '%n %u %g %A %t %T' "$f"
done
