#!/bin/sh
# memfs: malformed options fail at start-up with exit 125, a clear one-line
# reason, no guest run and nothing left in the tmpfs.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/memfs-lib.sh"

# The trees go in PRIV (tmpfs=, overridden by a later tmpfs=), so that
# nothing a failed start-up leaves can be confused with other tests' trees.
PRIV=$(native_tmpfs_dir) || skip "no tmpfs for the trees"
trap 'rm -rf "$TMPD" "$PRIV"' EXIT
check() {	# OPTIONS MESSAGE
	timeout 30 "$UMVISOR" -m "memfs:tmpfs=$PRIV,$1" -- sh -c "echo ran >$TMPD/ran" 2>"$TMPD/err"
	st=$?
	[ $st = 125 ] || fail "-m memfs:$1: exit $st, expected 125"
	[ -e "$TMPD/ran" ] && fail "-m memfs:$1: the guest ran"
	grep -q "$2" "$TMPD/err" || { cat "$TMPD/err" >&2; fail "-m memfs:$1: no '$2' in the message"; }
	echo "ok: $1 -> $(head -1 "$TMPD/err")"
}
check "" "needs guest=PATH"
check "size=1M" "needs guest=PATH"
check "guest=relative/path" "must be an absolute path"
check "guest=$MEMG,size=garbage" "size=garbage: not a size"
check "guest=$MEMG,size=12Q" "size=12Q: not a size"
check "guest=$MEMG,size=10MB" "size=10MB: not a size"
check "guest=$MEMG,size=" "size=: not a size"
check "guest=$MEMG,size=0" "size=0: not a size"
check "guest=$MEMG,size=99999999999999999999" "not a size"
check "guest=$MEMG,size=20000000T" "not a size"
check "guest=$MEMG,colour=blue" "unknown option 'colour=blue'"
check "guest=$MEMG,save=/no/such/parent/dir" "save=/no/such/parent/dir: cannot create it"
: >"$TMPD/file"
check "guest=$MEMG,save=$TMPD/file" "not a directory"
[ "$(stat -f -c %T /proc)" != tmpfs ] && check "guest=$MEMG,tmpfs=/proc" "tmpfs=/proc: not a writable directory on a tmpfs"
check "guest=$MEMG,tmpfs=/no/such/dir" "not a writable directory on a tmpfs"
[ -z "$(ls -A "$PRIV")" ] || fail "a failed start-up left a private directory: $(ls "$PRIV")"
# sizes that parse
for s in 4096 64K 1m 2G 1T; do
	memfs_run "size=$s" true || fail "size=$s refused"
done
echo "ok: 4096 64K 1m 2G 1T accepted"
exit 0
