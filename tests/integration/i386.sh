#!/bin/sh
# i386 guests (gcc -m32), dynamic and static: the monitor decodes their
# syscalls with the i386 table (fork, vfork, threads, exec, clone3).
. "$top_srcdir/tests/integration/lib.sh"
[ "${HAVE_M32:-no}" = yes ] || skip "no -m32 toolchain at configure time (install gcc-multilib), i386 guests not built"

for guest in fork200 vfork_exec clone3 thread_exec jobctl dumpable sigstorm; do
	for link in m32 m32-static; do
		path=$(need_guest "$guest-$link")
		# ELF class byte: 1 = 32-bit.
		[ "$(od -An -tu1 -j4 -N1 "$path" | tr -d ' ')" = 1 ] ||
			hard_error "$path is not a 32-bit ELF binary"
		if [ "$link" = m32-static ] && readelf -l "$path" | grep -q 'program interpreter'; then
			hard_error "$path is not statically linked"
		fi
		compare "$guest-$link" "$path"
		expect_status "$guest-$link" native 0
	done
done

# Exec across arches in one process tree: a 64-bit shell runs i386 programs,
# which run a 64-bit shell (vfork_exec), and back.
compare mixed-arch sh -c '"$1"; "$2"; "$3" | tail -n 1; echo "statuses $?"' sh \
	"$(need_guest vfork_exec-m32)" "$(need_guest fork200-m32-static)" "$(need_guest vfork_exec)"
