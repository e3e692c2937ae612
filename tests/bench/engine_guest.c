/* The timed side of the engine benchmarks: it times its own loop (so the
 * monitor's start-up and exit are not counted) and prints microseconds per
 * iteration on stdout.
 *   engine_guest getppid N    N raw getppid calls
 *   engine_guest forkexec N   N times fork + exec /bin/true + waitpid */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void getppid_loop(long n)
{
	for (long i = 0; i < n; i++)
		(void)syscall(SYS_getppid);
}

static int forkexec_loop(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			fprintf(stderr, "engine_guest: fork: %s\n", strerror(errno));
			return -1;
		}
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		int status;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "engine_guest: /bin/true failed (status 0x%x)\n", (unsigned)status);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	char *end;
	long n = argc == 3 ? strtol(argv[2], &end, 10) : 0;
	if (argc != 3 || *end || n <= 0) {
		fprintf(stderr, "usage: engine_guest getppid|forkexec ITERATIONS\n");
		return 2;
	}
	double start;
	if (strcmp(argv[1], "getppid") == 0) {
		getppid_loop(n / 100 + 1); /* warm-up: caches, the first stops */
		start = now_us();
		getppid_loop(n);
	} else if (strcmp(argv[1], "forkexec") == 0) {
		if (forkexec_loop(n / 50 + 1) < 0)
			return 1;
		start = now_us();
		if (forkexec_loop(n) < 0)
			return 1;
	} else {
		fprintf(stderr, "engine_guest: unknown loop '%s'\n", argv[1]);
		return 2;
	}
	printf("%.4f\n", (now_us() - start) / (double)n);
	return 0;
}
