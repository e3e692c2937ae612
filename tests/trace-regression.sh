#!/bin/sh
# The doc/regression.md example, run as the document states it: the
# commands between its markers, then checks of what the last one reported.
. "$top_srcdir/tests/lib/harness.sh"
command -v cc >/dev/null 2>&1 || skip "no C compiler (cc) to build the example"
DIFF="$top_builddir/umvisor-diff"
[ -x "$DIFF" ] || hard_error "$DIFF is not built"

sed -n '/<!-- regression-example: begin -->/,/<!-- regression-example: end -->/p' \
	"$top_srcdir/doc/regression.md" | sed '1,2d;$d' | sed '$d' >"$TMPD/example.sh"
[ "$(wc -l <"$TMPD/example.sh")" -gt 5 ] || hard_error "example not found in doc/regression.md"
grep -q '^umvisor-diff baseline.jsonl run.jsonl$' "$TMPD/example.sh" || hard_error "example has no diff step"

mkdir "$TMPD/bin"
ln -s "$UMVISOR" "$TMPD/bin/umvisor"
ln -s "$DIFF" "$TMPD/bin/umvisor-diff"
(cd "$TMPD" && PATH="$TMPD/bin:$PATH" SRC="$top_srcdir" sh "$TMPD/example.sh") >"$TMPD/out" 2>&1
rc=$?
cat "$TMPD/out"
[ $rc -eq 1 ] || fail "the example's last umvisor-diff exited $rc, want 1"
for want in \
	'equivalent: baseline.jsonl and run.jsonl' \
	'app exited with 1' \
	'  - mkdir("out", 0755) = 0' \
	'  + openat(AT_FDCWD, "app.extra", O_RDONLY) = fd' \
	'  mkdir                1 -> 0 (-1)' \
	'openat(AT_FDCWD, "out/result.txt", O_WRONLY|O_CREAT|O_TRUNC, 0644): succeeded before, now fails with ENOENT' \
	'process P1: +++ exited with 0 +++ -> +++ exited with 1 +++'; do
	grep -qF -- "$want" "$TMPD/out" || fail "the example's report lacks: $want"
done
exit 0
