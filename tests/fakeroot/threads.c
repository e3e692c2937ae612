/* fakeroot test guest: credentials are per thread (as the raw syscalls
 * are) and inherited by threads and processes created afterwards. */
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long raw_uid(void)
{
	return syscall(SYS_getuid);
}

static void *changer(void *arg)
{
	(void)arg;
	if (syscall(SYS_setresuid, 1, 1, 1) != 0)
		return (void *)1L;
	printf("thread after setresuid(1,1,1): %ld\n", raw_uid());
	return NULL;
}

static void *reporter(void *arg)
{
	(void)arg;
	printf("new thread inherits: %ld\n", raw_uid());
	return NULL;
}

int main(void)
{
	pthread_t t;
	void *res;
	pid_t child;
	int status;

	if (pthread_create(&t, NULL, changer, NULL) != 0 || pthread_join(t, &res) != 0 || res)
		return 1;
	printf("main thread still: %ld\n", raw_uid());
	if (syscall(SYS_setresuid, 7, 7, 7) != 0)
		return 1;
	if (pthread_create(&t, NULL, reporter, NULL) != 0 || pthread_join(t, NULL) != 0)
		return 1;
	fflush(stdout);
	child = fork();
	if (child == 0) {
		printf("forked child inherits: %ld\n", raw_uid());
		return 0;
	}
	if (child < 0 || waitpid(child, &status, 0) != child || status != 0)
		return 1;
	return 0;
}
