/* Execs from a non-leader thread while other threads keep making syscalls,
 * several rounds deep. The kernel kills the other threads and gives the
 * exec'ing thread the leader's tid; the monitor must follow that (and the
 * pid must not change). Usage: thread_exec [ROUND PID] */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ROUNDS 4
#define SPINNERS 3

static atomic_int spinners_started;
static int round_no;
static char pid_arg[32];

static void *spin(void *unused)
{
	(void)unused;
	atomic_fetch_add(&spinners_started, 1);
	for (;;) {
		/* Syscalls in flight while another thread execs. */
		(void)getppid();
		(void)syscall(SYS_gettid);
	}
	return NULL;
}

static void *exec_next(void *unused)
{
	(void)unused;
	while (atomic_load(&spinners_started) < SPINNERS)
		sched_yield();
	char round_arg[16];
	snprintf(round_arg, sizeof round_arg, "%d", round_no + 1);
	char *argv[] = { "thread_exec", round_arg, pid_arg, NULL };
	execv("/proc/self/exe", argv);
	fprintf(stderr, "thread_exec: execv: %s\n", strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc == 3) {
		round_no = atoi(argv[1]);
		if (atoi(argv[2]) != (int)getpid()) {
			printf("round %d: pid changed across exec: %s -> %d\n",
			       round_no, argv[2], (int)getpid());
			return 1;
		}
		if (syscall(SYS_gettid) != getpid()) {
			printf("round %d: tid %ld is not the pid\n", round_no, syscall(SYS_gettid));
			return 1;
		}
	}
	snprintf(pid_arg, sizeof pid_arg, "%d", (int)getpid());
	printf("round %d: pid kept\n", round_no);
	fflush(stdout);
	if (round_no == ROUNDS)
		return 0;

	pthread_t t;
	for (int i = 0; i < SPINNERS; i++) {
		int err = pthread_create(&t, NULL, spin, NULL);
		if (err) {
			fprintf(stderr, "thread_exec: pthread_create: %s\n", strerror(err));
			return 1;
		}
	}
	int err = pthread_create(&t, NULL, exec_next, NULL);
	if (err) {
		fprintf(stderr, "thread_exec: pthread_create: %s\n", strerror(err));
		return 1;
	}
	/* The leader stays busy in syscalls too until the exec replaces it. */
	for (;;)
		(void)getppid();
}
