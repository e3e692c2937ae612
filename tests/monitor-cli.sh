#!/bin/sh
# CLI: --help/--version/--syscalls, usage errors and module errors exit 125
# with one "umvisor: ..." line; -b/-r/-w/-0/-t/-o name their module.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/monitor-lib.sh"

"$UMVISOR" --help | grep -q "^Usage: umvisor" || fail "--help"
"$UMVISOR" --version | grep -q "^umvisor [0-9]" || fail "--version"
"$UMVISOR" --syscalls | grep -q "getppid" || fail "--syscalls"
"$UMVISOR" --syscalls=i386 | grep -q "stat64" || fail "--syscalls=i386"

# one_line_125 EXPECTED-REGEX ARGS...: exit 125 with exactly that one line.
one_line_125() {
	re=$1; shift
	"$UMVISOR" "$@" >"$TMPD/out" 2>"$TMPD/err"; rc=$?
	expect_eq "exit of umvisor $*" 125 "$rc"
	[ "$(wc -l <"$TMPD/err")" -eq 1 ] || fail "umvisor $*: not one line: $(cat "$TMPD/err")"
	grep -q "^umvisor: $re" "$TMPD/err" || fail "umvisor $*: unexpected: $(cat "$TMPD/err")"
}
one_line_125 "no program to run"
one_line_125 "unknown option '--bogus'" --bogus -- true
one_line_125 "option '-m' needs an argument" -m
one_line_125 "--syscalls: unknown arch 'vax'" --syscalls=vax
one_line_125 "--engine: unknown engine 'kvm'" --engine=kvm -- true
one_line_125 "module 'bind' not found (" -b /tmp:/x -- true
one_line_125 "module 'bind' not found (" -r /tmp -- true
one_line_125 "module 'bind' not found (" -w /tmp -- true
one_line_125 "module 'fakeroot' not found (" -0 -- true
# The trace module is built: a copy of umvisor outside the build tree, with
# an empty module path, sees no module, so -t/-o show which one they name.
cp "$UMVISOR" "$TMPD/umvisor-copy" || hard_error "cannot copy $UMVISOR"
(UMVISOR="$TMPD/umvisor-copy"; UMVISOR_MODULE_PATH="$TMPD/no-modules"; export UMVISOR_MODULE_PATH
 one_line_125 "module 'trace' not found (" -t -- true
 one_line_125 "module 'trace' not found (" -o "$TMPD/t" -- true
 one_line_125 "module 'count' not found (searched $TMPD/no-modules:[^:]*)\$" -m count -- true) || exit 1
# The binary in its build tree finds the modules built beside it, with no
# UMVISOR_MODULE_PATH (the README's example relies on it).
(unset UMVISOR_MODULE_PATH
 "$UMVISOR" -m count:out=/dev/null -- true) || fail "uninstalled umvisor did not find module count"
one_line_125 "module 'no-such-module' not found (" -m no-such-module -- true
one_line_125 "module '/nonexistent.so' not found" -m /nonexistent.so -- true
printf 'not an ELF' >"$TMPD/bad.so"
one_line_125 "module '$TMPD/bad.so': cannot load" -m "$TMPD/bad.so" -- true
# A shared object without the descriptor.
for lib in /lib/x86_64-linux-gnu/libm.so.6 /usr/lib64/libm.so.6 /lib64/libm.so.6; do
	[ -e "$lib" ] || continue
	one_line_125 "module '.*': .* has no umv_module_v1 descriptor" -m "$lib" -- true
	break
done
one_line_125 "module 'bad-abi': ABI version 2 (size [0-9]*) is not ours (1)" -m bad-abi -- true
one_line_125 "count: unknown option 'bogus'" -m count:bogus -- true
one_line_125 "count: only=: 'nosuchcall' is neither a syscall nor a class" -m count:only=nosuchcall -- true
one_line_125 "emulate-getppid: value=: not a number" -m emulate-getppid:value=x -- true
# The guest's own options stay its own.
out=$("$UMVISOR" sh -c 'echo "$0 $1"' -v --help) || fail "options after the program"
expect_eq "program options" "-v --help" "$out"
exit 0
