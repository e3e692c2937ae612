#!/bin/sh
# -r ROOT: a chroot-like rootfs built from busybox-static, with a dynamic
# binary that must load the rootfs's own ld.so and libc, and a #! script
# that must run the rootfs's /bin/sh; /proc, /sys, /dev bound from the host
# unless hostfs=0; -w sets the initial directory.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/vfs-lib.sh"

BUSYBOX=$(command -v busybox) || skip "busybox not installed"
file -L "$BUSYBOX" 2>/dev/null | grep -q "statically linked" || skip "$BUSYBOX is not static (busybox-static)"
R=$TMPD/root
mkdir -p "$R/bin" "$R/etc" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" || hard_error "mkdir"
cp "$BUSYBOX" "$R/bin/busybox" || hard_error "cp busybox"
for a in sh ls cat pwd readlink mkdir echo tr grep sort wc; do ln -s busybox "$R/bin/$a"; done
echo "inside the root" >"$R/etc/hello"
printf '#!/bin/sh\necho "script $0 $*"\nreadlink /proc/$$/exe\n' >"$R/bin/script" && chmod +x "$R/bin/script"

run() { timeout "$VFS_TIMEOUT" "$UMVISOR" "$@" 2>"$TMPD/err"; }
check() {	# name expected actual
	[ "$2" = "$3" ] || { printf 'expected:\n%s\ngot:\n%s\nstderr:\n%s\n' "$2" "$3" "$(cat "$TMPD/err")" >&2; fail "$1"; }
	echo "ok: $1"
}

out=$(run -r "$R" -- /bin/sh -c 'ls /; cat /etc/hello; pwd; readlink /proc/self/exe; ls /proc/self/root/etc')
check "static rootfs" "bin
dev
etc
proc
sys
tmp
inside the root
/
/bin/busybox
hello" "$out"

out=$(run -r "$R" -w /etc -- /bin/sh -c 'pwd; cat hello; mkdir /tmp/made; ls /tmp')
check "-w and writes" "/etc
inside the root
made" "$out"
[ -d "$R/tmp/made" ] || fail "mkdir /tmp/made did not land in ROOT/tmp"

out=$(run -r "$R" -- /bin/script one two)
check "#! script runs the rootfs's /bin/sh" "script /bin/script one two
/bin/busybox" "$out"

out=$(run -m "bind:root=$R,hostfs=0" -- /bin/sh -c 'ls /proc | wc -l')
check "hostfs=0 binds no /proc" "0" "$out"

# A dynamic binary with its own ld.so and libc copied into the rootfs.
DYN=$(command -v cat)
if ldd "$DYN" >/dev/null 2>&1; then
	for lib in $(ldd "$DYN" | grep -o '/[^ ]*'); do
		mkdir -p "$R$(dirname "$lib")" && cp -L "$lib" "$R$lib" || hard_error "copy $lib"
	done
	cp "$DYN" "$R/bin/dyn" || hard_error "cp $DYN"
	out=$(run -r "$R" -- /bin/dyn /proc/self/maps | grep -E 'ld-linux|libc\.so|/bin/dyn$' |
		sed 's/.* //' | sort -u)
	bad=$(printf '%s\n' "$out" | grep -v "^$R/")
	[ -n "$out" ] && [ -z "$bad" ] || { printf '%s\n' "$out" >&2; cat "$TMPD/err" >&2; fail "dynamic binary: mapped files outside ROOT"; }
	echo "ok: dynamic binary loads the rootfs's ld.so and libc"
	out=$(run -r "$R" -- /bin/dyn /etc/hello)
	check "dynamic binary runs" "inside the root" "$out"
	RL=$(command -v readlink)
	if ldd "$RL" >/dev/null 2>&1; then
		for lib in $(ldd "$RL" | grep -o '/[^ ]*'); do
			mkdir -p "$R$(dirname "$lib")" && cp -L "$lib" "$R$lib" || hard_error "copy $lib"
		done
		cp "$RL" "$R/bin/dynreadlink" || hard_error "cp $RL"
		out=$(run -r "$R" -- /bin/sh -c '/bin/dynreadlink /proc/self/exe; cd /bin && ./dynreadlink -f /proc/self/exe')
		check "/proc/self/exe of a dynamic binary run through the rootfs's ld.so" "/bin/dynreadlink
/bin/dynreadlink" "$out"
	fi
	# AT_EXECFN is the name given to execve, also through the rootfs's
	# ld.so and through a script whose interpreter is dynamic (glibc's
	# ld.so prints its auxv with LD_SHOW_AUXV).
	printf '#!/bin/dyn\n' >"$R/bin/catscript" && chmod +x "$R/bin/catscript"
	out=$(run -r "$R" -w /bin -- /bin/sh -c 'LD_SHOW_AUXV=1 /bin/dyn /dev/null; LD_SHOW_AUXV=1 ./dyn /dev/null;
		LD_SHOW_AUXV=1 /bin/catscript' | grep AT_EXECFN | sed 's/  */ /g')
	check "AT_EXECFN through the rootfs's ld.so" "AT_EXECFN: /bin/dyn
AT_EXECFN: ./dyn
AT_EXECFN: /bin/catscript" "$out"
	# execveat/fexecve: the same interpreters as execve (a static helper
	# in the rootfs does the call), against a native chroot.
	if gcc -static -std=gnu11 -o "$R/bin/execveat" "$top_srcdir/tests/vfs-execveat.c" 2>"$TMPD/err"; then
		# i386 too (its execveat registers are 32-bit), when it links
		ea32=
		if [ "$HAVE_M32" = yes ] && gcc -m32 -static -std=gnu11 -o "$R/bin/execveat32" \
			"$top_srcdir/tests/vfs-execveat.c" 2>/dev/null; then
			ea32="execveat32 fd /bin/script four|execveat32 at /bin/dyn /etc/hello"
		else
			echo "not run: i386 execveat (gcc -m32 -static cannot link here)"
		fi
		IFS0=$IFS; IFS='|'
		set -- "execveat fd /bin/script one" "execveat fd /bin/dyn /etc/hello" \
			"execveat at /bin/script two" "execveat at /bin/dyn /etc/hello" \
			"execveat abs /bin/script three" "execveat abs /bin/dyn /etc/hello" \
			"execveat fd-cloexec /bin/dyn /etc/hello" $ea32
		IFS=$IFS0
		for m in "$@"; do
			out=$(run -r "$R" -- /bin/$m 2>&1)
			if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null 2>&1; then
				# (the native /dev/fd needs /proc in the root)
				nat=$(unshare -m sh -c "mount --bind /proc '$R/proc' && mount --bind /dev '$R/dev' &&
					chroot '$R' /bin/$m" 2>&1)
			else
				nat=$out
				echo "not compared with a native chroot: not root"
			fi
			check "$m (as natively: $(printf '%s' "$nat" | head -1))" "$nat" "$out"
		done
		out=$(run -r "$R" -- /bin/execveat fd /bin/dyn /proc/self/maps | grep -E 'ld-linux|libc\.so' |
			sed 's/.* //' | sort -u)
		bad=$(printf '%s\n' "$out" | grep -v "^$R/")
		[ -n "$out" ] && [ -z "$bad" ] || { printf '%s\n' "$out" >&2; cat "$TMPD/err" >&2; fail "fexecve: mapped files outside ROOT"; }
		echo "ok: fexecve of a dynamic binary loads the rootfs's ld.so and libc"
	else
		echo "not run: execveat in the rootfs (gcc -static cannot link here)"
	fi
else
	echo "not run: dynamic binary (ldd failed on $DYN)"
fi

# A rootfs without /proc, /sys, /dev: its / lists them anyway (the host
# directory is merged with the mount points' names, with their types).
R2=$TMPD/root2
mkdir -p "$R2/bin" && cp "$BUSYBOX" "$R2/bin/busybox" && ln -s busybox "$R2/bin/sh" && ln -s busybox "$R2/bin/ls" && ln -s busybox "$R2/bin/wc" ||
	hard_error "root2"
out=$(run -r "$R2" -- /bin/sh -c 'ls /; ls -d /*/; ls -a / | wc -l')
check "merged listing of a real directory" "bin
dev
proc
sys
/bin/
/dev/
/proc/
/sys/
6" "$(printf '%s\n' "$out" | sed 's/^ *//')"

# chroot inside the guest: the monitor keeps the new root per process
# (the real root must stay); compared with a native chroot (both EPERM
# without CAP_SYS_CHROOT).
if command -v python3 >/dev/null 2>&1; then
mktree_jail() {
	mkdir -p "$1/jail/bin" "$1/jail/etc" "$1/jail/sub" && cp "$BUSYBOX" "$1/jail/bin/busybox" &&
	for a in sh ls cat pwd; do ln -s busybox "$1/jail/bin/$a" || return 1; done &&
	echo "in the jail" >"$1/jail/etc/hello" && ln -s /etc/hello "$1/jail/abs" &&
	ln -s ../../etc "$1/jail/sub/up"
}
cat >"$TMPD/chroot.py" <<'PY'
import os
try:
    os.chroot(os.path.join(os.environ["B"], "jail"))
except OSError as e:
    print("chroot", e.errno); raise SystemExit(0)
try:
    print(os.getcwd())
except OSError as e:
    print("getcwd outside the root:", e.errno)
os.chdir("/sub")
print(os.getcwd(), sorted(os.listdir("/")), sorted(os.listdir("..")), sorted(os.listdir("/../..")))
print(open("/abs").read().strip(), open("up/hello").read().strip(), os.path.realpath("up"))
os.execv("/bin/sh", ["sh", "-c", "pwd; cat /etc/hello; ls /"])
PY
export PYPROG=$TMPD/chroot.py
vfs_compare "chroot in the guest" mktree_jail 'python3 "$PYPROG"'
fi
