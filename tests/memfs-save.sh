#!/bin/sh
# memfs save=DIR: the tree written out at exit is the one a native run
# builds on a tmpfs directory: content, modes, symlinks, hard links, fifos,
# times. Also after the guest is killed by SIGTERM sent to the monitor.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/memfs-lib.sh"

NAT=$(native_tmpfs_dir) || skip "no tmpfs for the native reference"
trap 'rm -rf "$TMPD" "$NAT"' EXIT

cat >"$TMPD/tree.sh" <<'EOF2'
set -e
cd "$1"
mkdir -p a/b/c empty ro
printf 'hello\n' >a/f1
head -c 300000 /bin/busybox >a/b/rand
cp a/b/rand a/b/c/copy
printf 'x' >a/b/c/exe && chmod 4755 a/b/c/exe
ln a/f1 a/b/hard1 && ln a/f1 hard2
ln -s f1 a/rel && ln -s /nowhere/at/all dangling && ln -s a/b up
mkfifo a/fifo
printf 'secret' >private && chmod 600 private
truncate -s 1M sparse && printf 'end' >>sparse
echo inside >ro/file && chmod 555 ro
chmod 1777 empty
find . -exec touch -h -d '2021-02-03 04:05:06.123456789' {} +
EOF2

listing() {
	# (a directory's size is its file system's business)
	(cd "$1" && find . \( -type l -printf '%p l %l %T@\n' \) -o \
		\( -type d -printf '%p d %m %n %T@ %U\n' \) -o \
		-printf '%p %y %m %s %n %T@ %U\n' | LC_ALL=C sort)
}

chmod 755 "$NAT"	# as memfs's root
sh "$TMPD/tree.sh" "$NAT" || hard_error "the tree cannot be built natively"
memfs_run "save=$TMPD/saved" sh "$TMPD/tree.sh" "$MEMG" || {
	cat "$TMPD/mon.err" >&2; fail "building the tree in memfs"; }
[ -d "$TMPD/saved" ] || fail "save=DIR not written"
listing "$NAT" >"$TMPD/n.list"
listing "$TMPD/saved" >"$TMPD/s.list"
if ! cmp -s "$TMPD/n.list" "$TMPD/s.list"; then
	diff -u "$TMPD/n.list" "$TMPD/s.list" >&2
	fail "saved tree differs from the native one (names, types, modes, sizes, links, times)"
fi
diff -r --no-dereference -x fifo "$NAT" "$TMPD/saved" >&2 || fail "saved content differs"
echo "ok: save=DIR equals the native tree"

# An existing, non-empty DIR is refused at start-up; an empty one is used.
timeout 30 "$UMVISOR" -m "memfs:guest=$MEMG,save=$TMPD/saved" -- true 2>"$TMPD/err"
[ $? = 125 ] || fail "save= to a non-empty directory must fail at start-up"
grep -q "not empty" "$TMPD/err" || fail "no clear message for a non-empty save dir"
mkdir "$TMPD/empty"
memfs_run "save=$TMPD/empty" sh -c "echo kept >$MEMG/k" || fail "save into an empty dir"
[ "$(cat "$TMPD/empty/k")" = kept ] || fail "save into an empty dir: content"
echo "ok: non-empty save dir refused, empty one used"

# Unreadable entries (mode 0000) are saved too; as a user (uid 65534
# when we are root), for whom the mode really bars reading.
W=$(mktemp -d "${TMPDIR:-/tmp}/umv-memfs-user.XXXXXX") || hard_error "mktemp"
trap 'rm -rf "$TMPD" "$NAT" "$W"' EXIT
chmod 755 "$W"
as_user=""
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null 2>&1 || skip "as root without setpriv: cannot run as a user"
	chown 65534:65534 "$W"
	as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
(cd "$W" && $as_user timeout 60 "$UMVISOR" -m "memfs:guest=$MEMG,save=$W/saved" -- sh -c \
	"cd $MEMG && mkdir d && echo secret >d/f && echo x >z && chmod 000 z d/f d") 2>"$TMPD/err" ||
	{ cat "$TMPD/err" >&2; fail "0000 entries as a user"; }
[ "$(stat -c '%a' "$W/saved/z" "$W/saved/d" "$W/saved/d/f" | tr '\n' ' ')" = "0 0 0 " ] ||
	fail "0000 entries not saved: $(ls -laR "$W/saved")"
[ "$(cat "$W/saved/d/f")" = secret ] || fail "0000 file content not saved"
echo "ok: mode 0000 files and directories saved by a user"

# SIGTERM to the monitor: forwarded to the guest, the tree still saved.
mkfifo "$TMPD/ready"
timeout 60 "$UMVISOR" -m "memfs:guest=$MEMG,save=$TMPD/term" -- \
	sh -c "echo before-term >$MEMG/t; echo >$TMPD/ready; exec sleep 50" 2>"$TMPD/err" &
mon=$!
read _ <"$TMPD/ready"
kill -TERM $mon
wait $mon
st=$?
[ $st = 143 ] || { cat "$TMPD/err" >&2; fail "SIGTERM: monitor exit $st, expected 143"; }
[ "$(cat "$TMPD/term/t" 2>/dev/null)" = before-term ] || fail "SIGTERM: tree not saved"
echo "ok: tree saved when the monitor gets SIGTERM"
exit 0
