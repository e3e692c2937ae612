/* tests/syscalls_dump: print one arch table as "NR NAME" lines, for
 * tests/syscalls-headers.sh to compare with the kernel headers. */
#include "syscalls/syscalls.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	enum sc_arch arch;
	int n;

	if (argc != 2 || sc_arch_parse(argv[1], &arch) < 0) {
		fprintf(stderr, "usage: syscalls_dump x86_64|i386|aarch64\n");
		return 99;
	}
	n = sc_table_print(stdout, arch);
	if (n < 0) {
		fprintf(stderr, "syscalls_dump: %s: %s\n", argv[1], strerror(-n));
		return 99;
	}
	return 0;
}
