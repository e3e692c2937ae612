/* bench: the floor of each way a monitor can stop a guest's syscall, with
 * no monitor logic at all: a child calls getppid N times under a filter
 * that sends only getppid to its watcher, which lets each call go on
 * unchanged.
 *   ptrace:  SECCOMP_RET_TRACE, one PTRACE_GET_SYSCALL_INFO + PTRACE_CONT
 *            per call (what every umvisor stop costs at least);
 *   unotify: SECCOMP_RET_USER_NOTIF, one NOTIF_RECV + NOTIF_SEND with
 *            SECCOMP_USER_NOTIF_FLAG_CONTINUE per call.
 * Prints one line: ptrace against unotify. Both are probed: a kernel or a
 * seccomp policy without one says so and the comparison is skipped. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/bench/getppid_filter.h"

#define CALLS 20000
#define ROUNDS 5

#if defined(__x86_64__)

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}


/* The guest: waits for a byte on GO, times CALLS getppid, writes the
 * microseconds per call to REPORT. */
static void guest_calls(int go, int report)
{
	double t0, t1, per;
	char byte;

	if (read(go, &byte, 1) != 1)
		_exit(2);
	t0 = now_us();
	for (int i = 0; i < CALLS; i++)
		syscall(SYS_getppid);
	t1 = now_us();
	per = (t1 - t0) / CALLS;
	_exit(write(report, &per, sizeof(per)) == (ssize_t)sizeof(per) ? 0 : 3);
}

static int send_fd(int sock, int fd)
{
	char byte = 'f', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1 || !(cm = CMSG_FIRSTHDR(&msg)) ||
	    cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

/* Reads the guest's figure and reaps it; -1 on any failure. */
static double collect(pid_t pid, int report)
{
	double per = -1;
	int status;

	if (read(report, &per, sizeof(per)) != (ssize_t)sizeof(per))
		per = -1;
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;
	return per;
}

static double run_unotify(void)
{
	int sv[2], rep[2], listener;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	double per;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 || pipe(rep) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = load_getppid_filter(SECCOMP_RET_USER_NOTIF, SECCOMP_FILTER_FLAG_NEW_LISTENER);

		if (fd < 0 || send_fd(sv[1], fd) < 0)
			_exit(4);
		close(fd);
		guest_calls(sv[1], rep[1]);
	}
	close(rep[1]);
	listener = recv_fd(sv[0]);
	if (listener < 0 || write(sv[0], "g", 1) != 1) {
		kill(pid, SIGKILL);
		collect(pid, rep[0]);
		return -1;
	}
	for (int i = 0; i < CALLS; i++) {
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			break;
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
			break;
	}
	per = collect(pid, rep[0]);
	close(listener);
	close(sv[0]);
	close(sv[1]);
	close(rep[0]);
	return per;
}

static double run_ptrace(void)
{
	struct __ptrace_syscall_info info;
	int go[2], rep[2], status;
	double per;
	pid_t pid;

	if (pipe(go) < 0 || pipe(rep) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (load_getppid_filter(SECCOMP_RET_TRACE, 0) < 0)
			_exit(4);
		guest_calls(go[0], rep[1]);
	}
	close(rep[1]);
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) < 0 ||
	    write(go[1], "g", 1) != 1) {
		kill(pid, SIGKILL);
		collect(pid, rep[0]);
		return -1;
	}
	for (;;) {
		if (waitpid(pid, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if ((status >> 8) == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info) <= 0)
				break;
			ptrace(PTRACE_CONT, pid, 0, 0);
		} else {
			ptrace(PTRACE_CONT, pid, 0, WIFSTOPPED(status) ? WSTOPSIG(status) : 0);
		}
	}
	/* The guest wrote its figure before exiting; the read cannot block. */
	if (read(rep[0], &per, sizeof(per)) != (ssize_t)sizeof(per))
		per = -1;
	close(go[0]);
	close(go[1]);
	close(rep[0]);
	return per;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(void)
{
	double p[ROUNDS], u[ROUNDS];

	for (int r = 0; r < ROUNDS; r++) {
		p[r] = run_ptrace();
		u[r] = run_unotify();
		if (p[r] < 0 || u[r] < 0) {
			fprintf(stderr, "bench: engine.stop_floor: skipped: %s unusable here\n",
				p[r] < 0 ? "ptrace with SECCOMP_RET_TRACE" : "seccomp user notification");
			return 0;
		}
	}
	qsort(p, ROUNDS, sizeof(p[0]), by_value);
	qsort(u, ROUNDS, sizeof(u[0]), by_value);
	printf("bench: engine.stop_floor: %.3f us vs seccomp-unotify %.3f us = %.2fx\n",
	       p[ROUNDS / 2], u[ROUNDS / 2], p[ROUNDS / 2] / u[ROUNDS / 2]);
	return 0;
}

#else

int main(void)
{
	fprintf(stderr, "bench: engine.stop_floor: skipped: x86_64 only\n");
	return 0;
}

#endif
