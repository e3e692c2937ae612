#!/bin/sh
# coreutils on a bound tree whose guest parents do not exist on the host:
# same output, same exit status, same tree afterwards as natively.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/vfs-lib.sh"

vfs_compare "ls -lR, stat, du, find" mktree_basic '
ls -lR --time-style=+ . | grep -v "^total"
stat -c "%n %F %s %a %h" a a/f1 a/rel x/hard "sp ace/file with spaces"
stat -L -c "%n %F %s" a/rel x/up
du -a --apparent-size -b . | LC_ALL=C sort -k2
find . | LC_ALL=C sort
find "$B" -type l | LC_ALL=C sort
find -L . -name f2 2>&1 | LC_ALL=C sort'

vfs_compare "readlink -f, realpath, symlink chains" mktree_basic '
readlink -f a/rel x/up x/up/c "$B/x/up/../f1" x/dangling
realpath a/rel "$B/x/up/c/f3" x/up/..
realpath -e x/dangling; echo "dangling $?"
cat x/loop1; echo "loop $?"
cat "$B/x/up/c/f3" x/up/../f1
readlink x/up x/dangling "$B/a/rel"
test -e x/dangling; echo "exists $?"
test -L x/dangling; echo "link $?"'

vfs_compare "cp -a, mv, ln, rename across dirs, touch -d" mktree_basic '
cp -a a copy && ls -lR --time-style=+ copy | grep -v "^total"
mv copy/b x/moved && ls x/moved
mv a/f1 x/ && ls a x
ln x/f1 x/f1.hard && stat -c "%h" x/f1
ln -s "$B/x/f1" abs && cat abs
ln -sf ../x/f1 a/rel2 && cat a/rel2
touch -d "2001-02-03 04:05:06" x/f1 && stat -c "%y" x/f1 | cut -c1-19
mkdir -p new/deep/dir && rmdir new/deep/dir new/deep && ls new
rm -r "sp ace" && ls'

vfs_compare "odd names" mktree_basic '
printf x >"$(printf "new\nline")" && printf y >"$(printf "bad\377byte")" && touch " lead"
ls -b . | LC_ALL=C sort
for f in *; do printf "%s|" "$f" | od -An -c | tr -s " "; done | LC_ALL=C sort'

vfs_compare "cd, pwd, /proc/self/cwd, /proc/self/fd" mktree_basic '
cd a/b && pwd && /bin/pwd && readlink /proc/self/cwd
cd ../../x/up && pwd && pwd -P && cd .. && pwd -P
exec 3<"$B/a/f1" && readlink /proc/self/fd/3 && readlink /proc/$$/fd/3
cd "$B/x/up/c" && cat f3 && ls ..'

# The synthetic parents exist as directories and list the way down.
out=$(timeout "$VFS_TIMEOUT" "$UMVISOR" -b "$TMPD/n/tree:$GUESTDIR" -- sh -c "
cd $GUESTTOP/no && pwd && ls -a && stat -c '%F' . such such/parents && ls -p such/parents" 2>&1)
expect="$GUESTTOP/no
.
..
such
directory
directory
directory
mnt/"
[ "$out" = "$expect" ] || { printf 'expected:\n%s\ngot:\n%s\n' "$expect" "$out" >&2; fail "synthetic parents"; }
echo "ok: synthetic parents"

# A bind whose parent is a real host directory lacking its name: listings
# of that directory show it, with its type (a dir and a file bind).
mkdir -p "$TMPD/exists/real" && echo f >"$TMPD/file" || hard_error "setup"
out=$(timeout "$VFS_TIMEOUT" "$UMVISOR" -b "$TMPD/n/tree:$TMPD/exists/newdir" -b "$TMPD/file:$TMPD/exists/newfile" -- sh -c "
ls $TMPD/exists; find $TMPD/exists -maxdepth 1 -type d | sort; find $TMPD/exists -maxdepth 1 -type f" 2>&1)
expect="newdir
newfile
real
$TMPD/exists
$TMPD/exists/newdir
$TMPD/exists/real
$TMPD/exists/newfile"
[ "$out" = "$expect" ] || { printf 'expected:\n%s\ngot:\n%s\n' "$expect" "$out" >&2; fail "merged listing"; }
[ ! -e "$TMPD/exists/newdir" ] || fail "the host directory was changed"
echo "ok: merged listing"
