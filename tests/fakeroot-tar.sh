#!/bin/sh
# fakeroot module: tar --same-owner extraction of an archive with several
# owners, modes and device nodes, then re-creation: `tar -tvv` of the new
# archive is the real-root run's. dpkg-deb -b of a user's tree is root/root.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/fakeroot-lib.sh"

need_real_root
command -v tar >/dev/null 2>&1 || skip "tar is not installed"

# The source archive, built as real root with fixed times.
src="$TMPD/src"
mkdir -p "$src/etc/app" "$src/home/alice" "$src/var/spool" "$src/dev" || hard_error "mkdir"
echo conf >"$src/etc/app/conf"
echo hi >"$src/home/alice/notes"
echo secret >"$src/etc/shadow"
echo run >"$src/usr-bin-su"
ln -s ../etc/app/conf "$src/home/alice/conf-link"
mknod "$src/dev/null" c 1 3
mknod "$src/dev/loop0" b 7 0
mknod "$src/dev/fifo" p
chown -R 0:0 "$src"
chown -R 1001:1001 "$src/home/alice"
chown -h 1001:100 "$src/home/alice/conf-link"
chown 0:42 "$src/etc/shadow"; chmod 640 "$src/etc/shadow"
chmod 4755 "$src/usr-bin-su"
chown 8:12 "$src/var/spool"; chmod 1777 "$src/var/spool"
chmod 700 "$src/home/alice"
chmod 000 "$src/etc/app/conf"
find "$src" -exec touch -h -d '2020-01-02 03:04:05' {} +
tar -C "$src" --sort=name -cf "$TMPD/in.tar" . || hard_error "tar -c as root"
chmod 644 "$TMPD/in.tar"

# extract_recreate DIR OUT: extract in DIR as the current identity, re-create.
cat >"$TMPD/xr.sh" <<'EOS'
set -e
cd "$1"
tar --same-owner --same-permissions -xf "$2"
tar --sort=name -cf "$3" .
tar --numeric-owner -tvvf "$3"
EOS
real=$(user_dir real)
virt=$(user_dir virt)
vout=$(user_dir vout)
timeout "$FR_TIMEOUT" sh "$TMPD/xr.sh" "$real" "$TMPD/in.tar" "$TMPD/real.tar" >"$TMPD/real.out" 2>&1 ||
	{ cat "$TMPD/real.out" >&2; hard_error "extraction as real root failed"; }
fr sh "$TMPD/xr.sh" "$virt" "$TMPD/in.tar" "$vout/virt.tar" >"$TMPD/virt.out" 2>&1 ||
	{ cat "$TMPD/virt.out" >&2; fail "extraction under umvisor -0 failed"; }
same_text "tar -tvv of the re-created archive" "$TMPD/real.out" "$TMPD/virt.out"

# dpkg-deb -b of a package tree the user owns: root/root inside.
command -v dpkg-deb >/dev/null 2>&1 || skip "dpkg-deb is not installed (tar part passed)"
pkg=$(user_dir pkg)
cat >"$TMPD/deb.sh" <<'EOS'
set -e
cd "$1"
mkdir -p p/DEBIAN p/usr/bin p/usr/share/doc/hello
printf 'Package: hello\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: test\n' >p/DEBIAN/control
printf '#!/bin/sh\necho hello\n' >p/usr/bin/hello
chmod 755 p/usr/bin/hello
echo doc >p/usr/share/doc/hello/README
dpkg-deb -b p hello.deb >/dev/null
dpkg-deb -c hello.deb | awk '{print $1, $2, $6}'
EOS
fr sh "$TMPD/deb.sh" "$pkg" >"$TMPD/deb.out" 2>&1 ||
	{ cat "$TMPD/deb.out" >&2; fail "dpkg-deb -b under umvisor -0 failed"; }
realpkg="$TMPD/realpkg"; mkdir -p "$realpkg"
timeout "$FR_TIMEOUT" sh "$TMPD/deb.sh" "$realpkg" >"$TMPD/deb-real.out" 2>&1 ||
	{ cat "$TMPD/deb-real.out" >&2; hard_error "dpkg-deb -b as real root failed"; }
same_text "dpkg-deb -c" "$TMPD/deb-real.out" "$TMPD/deb.out"
grep -q "root/root ./usr/bin/hello" "$TMPD/deb.out" || fail "dpkg-deb -c: not root/root: $(cat "$TMPD/deb.out")"
exit 0
