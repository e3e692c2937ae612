#!/bin/sh
# cow: real programs in a cow view of a source tree: a gcc + make build
# (objects, a binary run from the view, make clean), a git repository
# (init, add, commit, log, a second commit after an edit), rm -rf of the
# whole tree then recreating it. The lower tree must be unchanged after each.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/cow-lib.sh"

L=$TMPD/src
mkdir -p "$L/lib" "$L/include" || hard_error mkdir
cat >"$L/include/util.h" <<'EOT'
int triple(int x);
EOT
cat >"$L/lib/util.c" <<'EOT'
#include "util.h"
int triple(int x) { return 3 * x; }
EOT
cat >"$L/main.c" <<'EOT'
#include <stdio.h>
#include "util.h"
int main(void) { printf("triple(14) = %d\n", triple(14)); return 0; }
EOT
printf 'CFLAGS = -O1 -Iinclude\nprog: main.o lib/util.o\n\t$(CC) -o $@ main.o lib/util.o\nclean:\n\trm -f prog main.o lib/util.o\n' >"$L/Makefile"
lower_snapshot "$L"

if command -v gcc >/dev/null 2>&1 && command -v make >/dev/null 2>&1; then
	B=$L cow_run "$L" "$TMPD/up1" sh -c 'cd "$B" && make && ./prog && ls lib && make clean && ls lib && make -s && ./prog' ||
		{ cat "$TMPD/cow.out" "$TMPD/cow.err" >&2; fail "gcc + make in a cow view"; }
	[ "$(grep -c '^triple(14) = 42$' "$TMPD/cow.out")" = 2 ] || { cat "$TMPD/cow.out" >&2; fail "build output"; }
	grep -q '^util.o$' "$TMPD/cow.out" || fail "lib/util.o not listed after the build"
	[ -f "$TMPD/up1/prog" ] || fail "the binary is not in upper"
	[ -e "$L/prog" ] && fail "the binary is in lower"
	lower_check "$L" "gcc + make"
else
	echo "gcc or make missing: build part not run" >&2
fi

if command -v git >/dev/null 2>&1; then
	GITSCRIPT='set -e; cd "$B"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org
export GIT_CONFIG_NOSYSTEM=1 HOME="$B"
git init -q -b main .
git add -A
git commit -q -m "first"
echo "int unused;" >>lib/util.c
git commit -q -am "second"
git log --format=%s
git status --porcelain
git fsck --no-progress 2>&1 | grep -v "^notice" || true
git show --stat --format=%s HEAD | tail -2'
	B=$L cow_run "$L" "$TMPD/up2" sh -c "$GITSCRIPT" ||
		{ cat "$TMPD/cow.out" "$TMPD/cow.err" >&2; fail "git in a cow view"; }
	printf 'second\nfirst\n' >"$TMPD/git.want"
	head -2 "$TMPD/cow.out" | cmp -s - "$TMPD/git.want" || { cat "$TMPD/cow.out" >&2; fail "git log"; }
	grep -q 'lib/util.c' "$TMPD/cow.out" || { cat "$TMPD/cow.out" >&2; fail "git show --stat"; }
	[ -d "$TMPD/up2/.git" ] || fail ".git is not in upper"
	lower_check "$L" "git"
	# again on the same upper: the repository is there
	B=$L cow_run "$L" "$TMPD/up2" sh -c 'cd "$B" && GIT_CONFIG_NOSYSTEM=1 HOME="$B" git log --format=%s' ||
		{ cat "$TMPD/cow.err" >&2; fail "git log on the second run"; }
	cmp -s "$TMPD/cow.out" "$TMPD/git.want" || { cat "$TMPD/cow.out" >&2; fail "git log, second run"; }
else
	echo "git missing: git part not run" >&2
fi

# rm -rf of the whole lower content, then recreate part of it.
B=$L cow_run "$L" "$TMPD/up3" sh -c 'cd "$B" && rm -rf lib include main.c Makefile && echo "[$(ls -A)]" &&
	mkdir lib && echo fresh >lib/util.c && ls -A lib && cat lib/util.c && ls -A' ||
	{ cat "$TMPD/cow.err" >&2; fail "rm -rf then recreate"; }
printf '[]\nutil.c\nfresh\nlib\n' >"$TMPD/rm.want"
cmp -s "$TMPD/cow.out" "$TMPD/rm.want" || { diff -u "$TMPD/rm.want" "$TMPD/cow.out" >&2; fail "rm -rf then recreate: view"; }
lower_check "$L" "rm -rf then recreate"
exit 0
