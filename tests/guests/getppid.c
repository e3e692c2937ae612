/* Prints getppid() a few times, from the raw syscall too, so a module that
 * answers getppid can be checked on every arch the guest is built for. */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	long first = (long)getppid();
	for (int i = 0; i < 3; i++)
		if ((long)getppid() != first || syscall(SYS_getppid) != first) {
			printf("getppid is not stable\n");
			return 1;
		}
	printf("getppid=%ld\n", first);
	return 0;
}
