#!/bin/sh
# Real multi-process tools: gcc (driver, cc1, as, ld through pipes and
# posix_spawn), make -j with its jobserver, tar | gzip.
. "$top_srcdir/tests/integration/lib.sh"
command -v gcc >/dev/null || skip "gcc is not installed"
command -v make >/dev/null || skip "make is not installed"

cat >"$TMPD/hello.c" <<'EOC'
#include <stdio.h>
int main(void) { puts("hello from a program built under the monitor"); return 3; }
EOC
# Each side builds in its own directory; the outputs must be the same bytes.
for side in native umvisor; do
	mkdir -p "$TMPD/$side"
	cp "$TMPD/hello.c" "$TMPD/$side/"
	cat >"$TMPD/$side/Makefile" <<'EOM'
all: a.out b.out c.out d.out
%.out:
	@echo "job $@"; echo "$@" >$@
EOM
done
# The same command line both ways: run from a directory named by the side.
guarded native gcc-dir sh -c 'cd "$1" && gcc -pipe -O2 -o hello hello.c && ./hello; echo "status $?"; sha256sum <hello' sh "$TMPD/native"
guarded umvisor gcc-dir sh -c 'cd "$1" && gcc -pipe -O2 -o hello hello.c && ./hello; echo "status $?"; sha256sum <hello' sh "$TMPD/umvisor"
compare_recorded gcc-dir "gcc -pipe -O2 in a fresh directory, same binary"

guarded native make sh -c 'env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s -j2 -C "$1" | sort; cat "$1"/*.out' sh "$TMPD/native"
guarded umvisor make sh -c 'env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s -j2 -C "$1" | sort; cat "$1"/*.out' sh "$TMPD/umvisor"
compare_recorded make "make -j2"

compare tar-gzip sh -c 'tar -C /usr/share/doc -cf - --sort=name --mtime=@0 --owner=0 --group=0 coreutils dpkg 2>&1 | gzip -n -1 | sha256sum'
