/* The floor of a ptrace path monitor on a real workload: PROGRAM runs under
 * the very seccomp program a run of umvisor loads (umvisor --dump-filter),
 * so it stops exactly where umvisor stops, and each stop gets only what any
 * path-virtualizing monitor must do: one PTRACE_GET_SYSCALL_INFO, a read of
 * the call's first path argument (to the end of its page, one
 * process_vm_readv; skipped with -n) and PTRACE_CONT. The call then runs
 * natively. No resolution, no rewrite, no bookkeeping: what umvisor spends
 * above this is its own logic. Prints the stop count to stderr; exits with
 * PROGRAM's status.
 * With -u the same filter's TRACE returns become USER_NOTIF: the floor of
 * a seccomp user-notification monitor (receive, read the path, check the
 * id, let the call continue), the other mechanism the kernel offers.
 *   floor_tracer [-n] [-u] FILTER -- PROGRAM [ARGS...] */
#include "syscalls/syscalls.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/ptrace.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define SEIZE_OPTIONS                                                           \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |      \
	 PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP |      \
	 PTRACE_O_EXITKILL)

static long xptrace(int req, pid_t pid, void *addr, void *data)
{
	return syscall(SYS_ptrace, req, pid, addr, data);
}

static int load_file(const char *path, struct sock_fprog *prog)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		close(fd);
		return -EINVAL;
	}
	prog->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	prog->filter = malloc((size_t)st.st_size);
	if (!prog->filter || read(fd, prog->filter, (size_t)st.st_size) != st.st_size) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

/* The address of the first path argument of a call, or 0. */
static uint64_t path_arg(uint32_t arch, uint64_t nr, const __u64 *args)
{
	enum sc_id id = sc_id_from_nr(sc_arch_from_audit(arch), nr);
	const struct sc_info *info = id == SC_ID_UNKNOWN ? NULL : sc_info(id);

	for (unsigned i = 0; info && i < info->nargs && i < 6; i++)
		if (info->kinds[i] == SC_K_PATH)
			return args[i];
	return 0;
}

static void read_path(pid_t tid, uint64_t addr)
{
	char buf[4096];
	size_t len = 4096 - (addr & 4095);
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };

	if (addr && process_vm_readv(tid, &local, 1, &remote, 1, 0) < 0 && errno != EFAULT)
		perror("floor_tracer: process_vm_readv");
}

/* -u: the child loads the filter with a listener, tells the parent its fd
 * number (the parent takes it with pidfd_getfd: sending it would be a
 * sendmsg, which a path filter traps) and waits until the parent has it. */
static __attribute__((noreturn)) void child(const struct sock_fprog *prog, int go, int talk,
					    bool notify, char **argv)
{
	char byte;
	long fd;

	if (read(go, &byte, 1) != 1)
		_exit(125);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    (fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			  notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0, prog)) < 0) {
		perror("floor_tracer: seccomp");
		_exit(125);
	}
	if (notify) {
		int n = (int)fd;

		if (write(talk, &n, sizeof(n)) != sizeof(n) || read(talk, &byte, 1) != 1)
			_exit(125);
		close(n);
	}
	execvp(argv[0], argv);
	perror("floor_tracer: exec");
	_exit(127);
}

struct waiter {
	pid_t pid;
	unsigned long notes;	/* atomic: the receiving loop counts */
};

/* The receiving loop never returns; this thread ends the run when the
 * program does. */
static void *wait_program(void *arg)
{
	struct waiter *w = arg;
	int status;

	while (waitpid(w->pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(125);
	fprintf(stderr, "floor_tracer: %lu stops\n", __atomic_load_n(&w->notes, __ATOMIC_RELAXED));
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static int notify_floor(struct sock_fprog *prog, int read_paths, char **argv)
{
	static struct waiter w;
	int go[2], talk[2], child_fd, listener, pidfd;
	pthread_t thread;

	for (unsigned i = 0; i < prog->len; i++)
		if (prog->filter[i].code == (BPF_RET | BPF_K) &&
		    (prog->filter[i].k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE)
			prog->filter[i].k = SECCOMP_RET_USER_NOTIF;
	if (pipe2(go, O_CLOEXEC) < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, talk) < 0 ||
	    (w.pid = fork()) < 0) {
		perror("floor_tracer");
		return 125;
	}
	if (w.pid == 0)
		child(prog, go[0], talk[1], true, argv);
	if (write(go[1], "g", 1) != 1 || read(talk[0], &child_fd, sizeof(child_fd)) != sizeof(child_fd) ||
	    (pidfd = (int)syscall(SYS_pidfd_open, w.pid, 0)) < 0 ||
	    (listener = (int)syscall(SYS_pidfd_getfd, pidfd, child_fd, 0)) < 0 ||
	    write(talk[0], "g", 1) != 1) {
		perror("floor_tracer: the listener");
		kill(w.pid, SIGKILL);
		return 125;
	}
	if ((errno = pthread_create(&thread, NULL, wait_program, &w)) != 0) {
		perror("floor_tracer: pthread_create");
		kill(w.pid, SIGKILL);
		return 125;
	}
	for (;;) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			continue;	/* interrupted, or its caller died */
		__atomic_add_fetch(&w.notes, 1, __ATOMIC_RELAXED);
		if (read_paths) {
			read_path((pid_t)req.pid, path_arg(req.data.arch, (uint64_t)req.data.nr, req.data.args));
			if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) < 0)
				continue;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
			perror("floor_tracer: SECCOMP_IOCTL_NOTIF_SEND");
	}
}

int main(int argc, char **argv)
{
	struct sock_fprog prog = { 0 };
	int go[2], status, err, code = 125, read_paths = 1, a = 1;
	bool notify = false;
	unsigned long stops = 0;
	pid_t pid;

	for (; a < argc && argv[a][0] == '-' && strcmp(argv[a], "--") != 0; a++) {
		if (strcmp(argv[a], "-n") == 0)
			read_paths = 0;
		else if (strcmp(argv[a], "-u") == 0)
			notify = true;
		else
			break;
	}
	if (argc - a < 3 || strcmp(argv[a + 1], "--") != 0) {
		fprintf(stderr, "usage: floor_tracer [-n] [-u] FILTER -- PROGRAM [ARGS...]\n");
		return 125;
	}
	if ((err = load_file(argv[a], &prog)) < 0) {
		fprintf(stderr, "floor_tracer: %s: %s\n", argv[a], strerror(-err));
		return 125;
	}
	if (notify)
		return notify_floor(&prog, read_paths, argv + a + 2);
	if (pipe2(go, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		perror("floor_tracer");
		return 125;
	}
	if (pid == 0)
		child(&prog, go[0], -1, false, argv + a + 2);
	if (xptrace(PTRACE_SEIZE, pid, NULL, (void *)(long)SEIZE_OPTIONS) < 0 ||
	    write(go[1], "g", 1) != 1) {
		perror("floor_tracer: PTRACE_SEIZE");
		kill(pid, SIGKILL);
		return 125;
	}
	close(go[1]);
	for (;;) {
		pid_t w = waitpid(-1, &status, __WALL);
		int sig = 0, event = status >> 16;

		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;	/* ECHILD: everybody is gone */
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (w == pid)
				code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		if (event == PTRACE_EVENT_SECCOMP) {
			struct ptrace_syscall_info si;

			stops++;
			if (xptrace(PTRACE_GET_SYSCALL_INFO, w, (void *)sizeof(si), &si) > 0 &&
			    read_paths)
				read_path(w, path_arg(si.arch, si.seccomp.nr, si.seccomp.args));
		} else if (event == 0 && WSTOPSIG(status) != (SIGTRAP | 0x80)) {
			sig = WSTOPSIG(status);	/* a signal for the guest */
		}
		if (event == PTRACE_EVENT_STOP) {
			/* group-stop: let it take effect, as a shell expects */
			if (WSTOPSIG(status) != SIGTRAP) {
				xptrace(PTRACE_LISTEN, w, NULL, NULL);
				continue;
			}
		}
		xptrace(PTRACE_CONT, w, NULL, (void *)(long)sig);
	}
	fprintf(stderr, "floor_tracer: %lu stops\n", stops);
	free(prog.filter);
	return code;
}
