/* Start the guest: fork; the child waits until the parent has seized it,
 * then undoes what the monitor changed in itself, loads the seccomp filter
 * (a TRACE rule with no tracer would fail the call with ENOSYS, the first
 * execve included, hence the order) and execs the program. */
#include "monitor/monitor.h"
#include "syscalls/syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#define SEIZE_OPTIONS                                                           \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |      \
	 PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP |      \
	 PTRACE_O_EXITKILL)

/* Async-signal-safe message from the forked child. */
static void child_say(const char *a, const char *b, const char *c)
{
	const char *parts[] = { "umvisor: ", a, b, c, "\n" };

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (parts[i] && write(STDERR_FILENO, parts[i], strlen(parts[i])) < 0)
			return;
}

static __attribute__((noreturn)) void child(const struct mon_launch *l, int go_fd)
{
	char byte;
	int rc;

	/* Wait for the parent's PTRACE_SEIZE. EOF means the parent failed. */
	if (read(go_fd, &byte, 1) != 1)
		_exit(MON_EXIT_ERROR);
	close(go_fd);
	mon_signals_restore_child();
	if (l->filter) {
		rc = sc_filter_load(l->filter, SC_FILTER_TRACE);
		if (rc < 0) {
			child_say("cannot load the seccomp filter: ", strerror(-rc), NULL);
			_exit(MON_EXIT_ERROR);
		}
	}
	if (l->stop_before_exec)
		raise(SIGSTOP);
	execvp(l->argv[0], l->argv);
	rc = errno;
	child_say(l->argv[0], ": ", strerror(rc));
	_exit(rc == ENOENT || rc == ENOTDIR ? MON_EXIT_NOTFOUND : MON_EXIT_NOEXEC);
}

pid_t mon_launch(const struct mon_launch *l)
{
	int go[2];
	pid_t pid;
	long rc;

	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(go[0]);
		close(go[1]);
		return (pid_t)rc;
	}
	if (pid == 0) {
		close(go[1]);
		child(l, go[0]);
	}
	close(go[0]);
	rc = mon_ptrace(MON_REQ_OTHER, PTRACE_SEIZE, pid, NULL, (void *)(long)SEIZE_OPTIONS);
	if (rc < 0) {
		close(go[1]);	/* EOF: the child exits */
		waitpid(pid, NULL, 0);
		return (pid_t)rc;
	}
	if (write(go[1], "g", 1) != 1) {
		rc = -errno;
		close(go[1]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		return (pid_t)rc;
	}
	close(go[1]);
	return pid;
}
