/* The ways glibc 2.34+ and programs create tasks: clone3 called directly,
 * pthread_create (clone3 inside glibc), posix_spawn (clone3 + CLONE_VM|
 * CLONE_VFORK inside glibc), and clone/clone3 with CLONE_UNTRACED, which a
 * monitor must strip so that no child escapes it. Children report whether
 * they have the same tracer as their parent: natively both have none, under
 * a monitor both must have it. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_UNTRACED
#define CLONE_UNTRACED 0x00800000
#endif

extern char **environ;

/* struct clone_args as of CLONE_ARGS_SIZE_VER0 (64 bytes, same on i386). */
struct clone3_args {
	uint64_t flags __attribute__((aligned(8)));
	uint64_t pidfd __attribute__((aligned(8)));
	uint64_t child_tid __attribute__((aligned(8)));
	uint64_t parent_tid __attribute__((aligned(8)));
	uint64_t exit_signal __attribute__((aligned(8)));
	uint64_t stack __attribute__((aligned(8)));
	uint64_t stack_size __attribute__((aligned(8)));
	uint64_t tls __attribute__((aligned(8)));
};

static long tracer_pid(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long tracer = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "TracerPid: %ld", &tracer) == 1)
			break;
	fclose(f);
	return tracer;
}

static int wait_child(pid_t pid, int expected, const char *what)
{
	int status;
	if (waitpid(pid, &status, 0) != pid) {
		printf("%s: waitpid: %s\n", what, strerror(errno));
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != expected) {
		printf("%s: status 0x%x, expected exit %d\n", what, (unsigned)status, expected);
		return 1;
	}
	printf("%s: exit %d\n", what, expected);
	return 0;
}

/* Exit code 20 = same tracer as the parent, 21 = different. */
static int same_tracer_code(long parent_tracer)
{
	return tracer_pid() == parent_tracer ? 20 : 21;
}

static int raw_clone3(uint64_t flags, const char *what, long parent_tracer)
{
	struct clone3_args args;
	memset(&args, 0, sizeof args);
	args.flags = flags;
	args.exit_signal = SIGCHLD;
	fflush(stdout);
	long pid = syscall(SYS_clone3, &args, sizeof args);
	if (pid < 0) {
		printf("%s: %s\n", what, strerror(errno));
		return 1;
	}
	if (pid == 0)
		_exit(same_tracer_code(parent_tracer));
	return wait_child((pid_t)pid, 20, what);
}

static int raw_clone_untraced(long parent_tracer)
{
	fflush(stdout);
	/* Fork-like clone: no new stack, the child returns on a copy of ours. */
	long pid = syscall(SYS_clone, (unsigned long)(CLONE_UNTRACED | SIGCHLD), 0UL, 0UL, 0UL, 0UL);
	if (pid < 0) {
		printf("clone(CLONE_UNTRACED): %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0)
		_exit(same_tracer_code(parent_tracer));
	return wait_child((pid_t)pid, 20, "clone(CLONE_UNTRACED) child has the parent's tracer");
}

static void *thread_main(void *arg)
{
	uintptr_t n = (uintptr_t)arg;
	/* A few syscalls from each thread, and a result the joiner checks. */
	(void)getppid();
	(void)syscall(SYS_gettid);
	return (void *)(n * n);
}

static int threads(void)
{
	enum { N = 8 };
	pthread_t t[N];
	int bad = 0;
	for (uintptr_t i = 0; i < N; i++) {
		int err = pthread_create(&t[i], NULL, thread_main, (void *)i);
		if (err) {
			printf("pthread_create: %s\n", strerror(err));
			return 1;
		}
	}
	for (uintptr_t i = 0; i < N; i++) {
		void *ret;
		int err = pthread_join(t[i], &ret);
		if (err || (uintptr_t)ret != i * i) {
			printf("pthread_join %u: err %d ret %lu\n", (unsigned)i, err, (unsigned long)(uintptr_t)ret);
			bad = 1;
		}
	}
	printf("pthread_create: %d threads joined\n", N);
	return bad;
}

static int spawn(void)
{
	char *argv[] = { "sh", "-c", "exit 33", NULL };
	pid_t pid;
	fflush(stdout);
	int err = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
	if (err) {
		printf("posix_spawn: %s\n", strerror(err));
		return 1;
	}
	int bad = wait_child(pid, 33, "posix_spawn sh");

	char *missing[] = { "no-such-program-umvisor", NULL };
	err = posix_spawnp(&pid, missing[0], NULL, NULL, missing, environ);
	printf("posix_spawnp of a missing program: %s\n", err ? strerror(err) : "spawned");
	if (err == 0)
		bad |= wait_child(pid, 127, "posix_spawnp missing");
	return bad;
}

int main(void)
{
	long parent_tracer = tracer_pid();
	int bad = 0;

	bad |= raw_clone3(0, "clone3 child has the parent's tracer", parent_tracer);
	bad |= raw_clone3(CLONE_UNTRACED, "clone3(CLONE_UNTRACED) child has the parent's tracer",
			  parent_tracer);
	bad |= raw_clone_untraced(parent_tracer);
	bad |= threads();
	bad |= spawn();
	return bad ? 1 : 0;
}
