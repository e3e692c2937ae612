/* The scratch area under attack: path calls keep working after the guest
 * unmaps it, maps over it, from many threads at once, from a vfork child
 * (shared memory) and from a signal handler on an alternate stack. Prints
 * the same lines natively and under umvisor. Usage: vfs-scratch DIR (with
 * a file DIR/f). Under umvisor the area is the one anonymous rw mapping of
 * exactly SCRATCH_BYTES (monitor/scratch.c). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SCRATCH_BYTES (4096ul + 256ul * 65536ul)

static char path[4096];
static volatile int handler_ok = -1;

static int check(void)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_size == 5 ? 0 : -1;
}

/* Finds the scratch area (only under umvisor); 0 if none. */
static unsigned long find_area(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi, found = 0;
	char line[512], perms[8];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && hi - lo == SCRATCH_BYTES &&
		    strcmp(perms, "rw-p") == 0 && !strchr(line, '/'))
			found = lo;
	fclose(f);
	return found;
}

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 300; i++)
		if (check() < 0)
			return (void *)1;
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
	handler_ok = check();
}

int main(int argc, char **argv)
{
	pthread_t th[8];
	unsigned long area;
	stack_t ss;
	pid_t pid;
	int status, bad = 0;

	if (argc != 2 || snprintf(path, sizeof(path), "%s/f", argv[1]) >= (int)sizeof(path))
		return 99;
	printf("first: %d\n", check());
	area = find_area();
	if (area) {
		munmap((void *)area, SCRATCH_BYTES);
		printf("after munmap: %d\n", check());
	} else {
		printf("after munmap: %d\n", check());
	}
	area = find_area();
	if (area) {
		void *p = mmap((void *)area, SCRATCH_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p != MAP_FAILED)
			memset(p, 0xff, SCRATCH_BYTES);
	}
	printf("after mmap over it: %d\n", check());
	for (int i = 0; i < 8; i++)
		if (pthread_create(&th[i], NULL, worker, NULL) != 0)
			return 99;
	for (int i = 0; i < 8; i++) {
		void *r;
		pthread_join(th[i], &r);
		bad += r != NULL;
	}
	printf("8 threads: %d failed\n", bad);
	pid = vfork();
	if (pid == 0)
		_exit(check() == 0 ? 0 : 1);
	waitpid(pid, &status, 0);
	printf("vfork child: %d, parent after: %d\n", WEXITSTATUS(status), check());
	ss.ss_sp = malloc(1 << 16);
	ss.ss_size = 1 << 16;
	ss.ss_flags = 0;
	if (!ss.ss_sp || sigaltstack(&ss, NULL) < 0)
		return 99;
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_ONSTACK };
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("signal handler on sigaltstack: %d\n", handler_ok);
	return 0;
}
