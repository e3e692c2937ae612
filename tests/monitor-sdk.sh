#!/bin/sh
# The tutorial in doc/modules.md is true: its module, compiled out of tree
# against modules/include only, loads and changes what uname reports for
# x86_64 and i386 guests alike.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/monitor-lib.sh"

cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || skip "no C compiler ($cc) for the out-of-tree module"
awk '/^```c$/ { on = 1; next } /^```$/ { on = 0 } on' "$top_srcdir/doc/modules.md" >"$TMPD/hostname.c"
[ -s "$TMPD/hostname.c" ] || hard_error "no C block in doc/modules.md"
"$cc" -std=gnu11 -Wall -Wextra -Werror -shared -fPIC -o "$TMPD/hostname.so" "$TMPD/hostname.c" \
	-I"$top_srcdir/modules/include" || fail "the tutorial module does not build"
out=$("$UMVISOR" -m "$TMPD/hostname.so:name=guestbox" -- uname -n) || fail "uname under the module"
expect_eq "uname -n" guestbox "$out"
for g in "$GUEST" $( [ "$HAVE_M32" = yes ] && echo "$GUEST32" ); do
	out=$("$UMVISOR" -m "$TMPD/hostname.so:name=guestbox" -- "$g" uname) || fail "$g uname"
	expect_eq "$g uname" "$(uname -s) guestbox" "$out"
done
expect_eq "other fields untouched" "$(uname -s)" "$("$UMVISOR" -m "$TMPD/hostname.so:name=x" -- uname -s)"
"$UMVISOR" -m "$TMPD/hostname.so" -- true 2>"$TMPD/err"
expect_eq "bad options" 125 $?
grep -q "^umvisor: hostname: usage: -m hostname:name=NAME" "$TMPD/err" || fail "no usage line: $(cat "$TMPD/err")"
exit 0
