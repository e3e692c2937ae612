/* The baseline of engine.emulate: the least a ptrace monitor can do to
 * answer one syscall. It runs PROGRAM with a seccomp filter that traps only
 * getppid (SECCOMP_RET_TRACE) and answers each trapped call with VALUE:
 * one PTRACE_GET_SYSCALL_INFO, POKEUSER orig_rax = -1 (skip), POKEUSER
 * rax = VALUE, PTRACE_CONT. Exits with PROGRAM's status.
 *   engine_rawtracer VALUE PROGRAM [ARGS...] */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/bench/getppid_filter.h"

#if defined(__x86_64__)

static _Noreturn void run_child(int go_fd, char **argv)
{
	char go;
	/* Wait until the parent has seized us: a TRACE rule without a tracer
	 * would fail the call with ENOSYS. */
	if (read(go_fd, &go, 1) != 1) {
		fprintf(stderr, "engine_rawtracer: child: parent went away\n");
		_exit(126);
	}
	int err = load_getppid_filter(SECCOMP_RET_TRACE, 0);
	if (err < 0) {
		fprintf(stderr, "engine_rawtracer: seccomp filter: %s\n", strerror(-err));
		_exit(126);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "engine_rawtracer: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int answer(pid_t tid, long value)
{
	struct __ptrace_syscall_info info;
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof info, &info) < 0)
		return -errno;
	if (info.op != PTRACE_SYSCALL_INFO_SECCOMP || info.seccomp.nr != __NR_getppid)
		return -EINVAL;
	if (ptrace(PTRACE_POKEUSER, tid, (void *)offsetof(struct user_regs_struct, orig_rax), (void *)-1L) < 0 ||
	    ptrace(PTRACE_POKEUSER, tid, (void *)offsetof(struct user_regs_struct, rax), (void *)value) < 0)
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	char *end;
	long value = argc >= 3 ? strtol(argv[1], &end, 10) : 0;
	if (argc < 3 || *end) {
		fprintf(stderr, "usage: engine_rawtracer VALUE PROGRAM [ARGS...]\n");
		return 2;
	}
	int go[2];
	if (pipe(go) < 0) {
		perror("engine_rawtracer: pipe");
		return 1;
	}
	pid_t child = fork();
	if (child < 0) {
		perror("engine_rawtracer: fork");
		return 1;
	}
	if (child == 0) {
		close(go[1]);
		run_child(go[0], argv + 2);
	}
	close(go[0]);
	if (ptrace(PTRACE_SEIZE, child, NULL,
		   (void *)(long)(PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)) < 0) {
		perror("engine_rawtracer: PTRACE_SEIZE");
		kill(child, SIGKILL);
		return 1;
	}
	if (write(go[1], "g", 1) != 1) {
		perror("engine_rawtracer: write");
		return 1;
	}
	close(go[1]);

	for (;;) {
		int status;
		pid_t tid = waitpid(-1, &status, __WALL);
		if (tid < 0) {
			perror("engine_rawtracer: waitpid");
			return 1;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (tid != child)
				continue;
			if (WIFSIGNALED(status)) {
				fprintf(stderr, "engine_rawtracer: guest died of signal %d\n", WTERMSIG(status));
				return 1;
			}
			return WEXITSTATUS(status);
		}
		if (!WIFSTOPPED(status))
			continue;
		int sig = 0;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			int err = answer(tid, value);
			if (err < 0) {
				fprintf(stderr, "engine_rawtracer: answering getppid: %s\n", strerror(-err));
				return 1;
			}
		} else if (status >> 16 == 0) {
			sig = WSTOPSIG(status); /* signal-delivery stop: pass it on */
		}
		if (ptrace(PTRACE_CONT, tid, NULL, (void *)(long)sig) < 0 && errno != ESRCH) {
			perror("engine_rawtracer: PTRACE_CONT");
			return 1;
		}
	}
}

#else

int main(void)
{
	fprintf(stderr, "engine_rawtracer: x86_64 only (register offsets)\n");
	return 77;
}

#endif
