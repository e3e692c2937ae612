/* Signals a tracer must pass on one by one, exactly: 2000 queued real-time
 * signals from a child (none may be lost or doubled, each keeps its
 * sigqueue value), first taken after being blocked, then arriving while the
 * receiver is busy in syscalls (each can land on a syscall stop), and 200
 * SIGSEGVs recovered by a handler on an alternate stack with siglongjmp (a
 * fault the tracer sees first and must inject). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RT_COUNT 2000
#define FAULTS 200

static volatile sig_atomic_t rt_seen;
static volatile long long rt_sum;
static sigjmp_buf recover;
static volatile sig_atomic_t faults;

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	rt_seen++;
	rt_sum += si->si_value.sival_int;
}

static void on_segv(int sig)
{
	(void)sig;
	faults++;
	siglongjmp(recover, 1);
}

static int rt_storm(int blocked)
{
	struct sigaction sa;
	sigset_t block, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	if (sigaction(SIGRTMIN, &sa, NULL) < 0)
		return 1;
	/* Blocked while the child queues them all, then taken in one go: the
	 * queue must hold every one (RLIMIT_SIGPENDING allows it as root). */
	sigemptyset(&block);
	sigaddset(&block, SIGRTMIN);
	sigprocmask(blocked ? SIG_BLOCK : SIG_UNBLOCK, &block, &old);
	rt_seen = 0;
	rt_sum = 0;
	pid_t parent = getpid();
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		for (int i = 1; i <= RT_COUNT; i++) {
			union sigval v = { .sival_int = i };
			if (sigqueue(parent, SIGRTMIN, v) < 0) {
				fprintf(stderr, "sigstorm: sigqueue %d: %s\n", i, strerror(errno));
				_exit(1);
			}
		}
		_exit(0);
	}
	int status;
	pid_t done;
	if (blocked) {
		done = waitpid(pid, &status, 0);
	} else {
		/* Stay busy in syscalls while the signals come in; all pending
		 * ones are handled before waitpid's return reaches this code. */
		while ((done = waitpid(pid, &status, WNOHANG)) == 0)
			(void)getppid();
	}
	if (done != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("queueing child failed\n");
		return 1;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("%s: real-time signals taken: %d, sum of values: %lld (expected %d, %lld)\n",
	       blocked ? "blocked" : "unblocked", (int)rt_seen, (long long)rt_sum, RT_COUNT, (long long)RT_COUNT * (RT_COUNT + 1) / 2);
	return rt_seen == RT_COUNT && rt_sum == (long long)RT_COUNT * (RT_COUNT + 1) / 2 ? 0 : 1;
}

static int fault_storm(void)
{
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
	struct sigaction sa;
	if (sigaltstack(&ss, NULL) < 0)
		return 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_segv;
	sa.sa_flags = SA_ONSTACK | SA_NODEFER;
	if (sigaction(SIGSEGV, &sa, NULL) < 0)
		return 1;
	/* volatile: it lives across siglongjmp. */
	for (volatile int i = 0; i < FAULTS; i++) {
		if (sigsetjmp(recover, 1) == 0) {
			volatile int *volatile bad = (int *)(uintptr_t)(16 + i);
			*bad = i;
		}
	}
	printf("faults recovered: %d of %d\n", (int)faults, FAULTS);
	return faults == FAULTS ? 0 : 1;
}

int main(void)
{
	int bad = rt_storm(1);
	bad |= rt_storm(0);
	bad |= fault_storm();
	return bad;
}
