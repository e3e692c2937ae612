/* Dies of a real fault (segv) or of abort() (abort), so a calling shell
 * can check the terminating signal. Built without sanitizers: they would
 * catch the fault and turn it into an exit code. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

int main(int argc, char **argv)
{
	/* No core file in the test tree. */
	struct rlimit none = { 0, 0 };
	(void)setrlimit(RLIMIT_CORE, &none);
	if (argc == 2 && strcmp(argv[1], "segv") == 0) {
		volatile int *volatile nowhere = NULL;
		*nowhere = 1;
	} else if (argc == 2 && strcmp(argv[1], "abort") == 0) {
		abort();
	}
	fprintf(stderr, "usage: crash segv|abort\n");
	return 2;
}
