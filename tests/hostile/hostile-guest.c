/* tests/hostile/hostile-guest.c: guest programs that try to hurt or confuse
 * the monitor. One mode per run; each prints what it saw (errno names, not
 * addresses or pids) so the shell tests can compare a run under umvisor with
 * a native one. Exit 0 when the mode ran to its end, 2 on a usage error,
 * 3 when something a mode relies on failed (said on stderr). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *errname(int e)
{
	switch (e) {
	case 0: return "OK";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case ESRCH: return "ESRCH";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case EBADF: return "EBADF";
	case ENOENT: return "ENOENT";
	case ECHILD: return "ECHILD";
	case ENOTSOCK: return "ENOTSOCK";
	case ENOSYS: return "ENOSYS";
	case E2BIG: return "E2BIG";
	case EMSGSIZE: return "EMSGSIZE";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOTCONN: return "ENOTCONN";
	case EDESTADDRREQ: return "EDESTADDRREQ";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	default: return "E?";
	}
}

/* "NAME=RESULT": OK for >= 0, else the errno name. */
static void report(const char *name, long rc)
{
	printf("%s=%s\n", name, rc >= 0 ? "OK" : errname(errno));
	fflush(stdout);
}

static void die(const char *what)
{
	fprintf(stderr, "hostile-guest: %s: %s\n", what, strerror(errno));
	exit(3);
}

/* ---- attack the monitor (our parent) directly ---- */

static int mode_attack_parent(void)
{
	pid_t pp = getppid();
	struct iovec local, remote;
	char buf[16], path[64];
	struct rlimit rl;
	siginfo_t si;
	int fd;

	report("kill", kill(pp, 0));
	report("kill_term", kill(pp, SIGTERM));
	/* its process group (the monitor leads one of its own when it is not
	 * the job's leader) */
	report("kill_group", kill(-pp, 0));
	report("tkill", syscall(SYS_tkill, pp, 0));
	report("tgkill", syscall(SYS_tgkill, pp, pp, 0));
	report("tgkill_tid", syscall(SYS_tgkill, getpid(), pp, 0));
	report("pidfd_open", syscall(SYS_pidfd_open, pp, 0));
	report("ptrace_attach", ptrace(PTRACE_ATTACH, pp, NULL, NULL));
	report("ptrace_seize", ptrace(PTRACE_SEIZE, pp, NULL, NULL));
	local = (struct iovec){ buf, sizeof(buf) };
	remote = (struct iovec){ (void *)0x400000, sizeof(buf) };
	report("process_vm_readv", process_vm_readv(pp, &local, 1, &remote, 1, 0));
	report("process_vm_writev", process_vm_writev(pp, &local, 1, &remote, 1, 0));
	report("prlimit_get", prlimit(pp, RLIMIT_NOFILE, NULL, &rl));
	rl.rlim_cur = rl.rlim_max = 3;
	report("prlimit_set", prlimit(pp, RLIMIT_NOFILE, &rl, NULL));
	memset(&si, 0, sizeof(si));
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	report("rt_sigqueueinfo", syscall(SYS_rt_sigqueueinfo, pp, SIGTERM, &si));
	report("rt_tgsigqueueinfo", syscall(SYS_rt_tgsigqueueinfo, pp, pp, SIGTERM, &si));
	snprintf(path, sizeof(path), "/proc/%d", (int)pp);
	fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		die("open /proc/PARENT");
	report("pidfd_send_signal_procdir", syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0));
	close(fd);
	/* ordinary targets still work */
	report("kill_self", kill(getpid(), 0));
	fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	report("pidfd_open_self", fd);
	report("pidfd_send_signal_self", syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0));
	report("prlimit_self", prlimit(0, RLIMIT_NOFILE, NULL, &rl));
	return 0;
}

/* What the monitor's undumpable flag shows a same-uid guest: whether its
 * /proc files can be read (printed, not compared: it depends on privilege). */
static int mode_probe_parent_proc(void)
{
	pid_t pp = getppid();
	char path[64];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pp);
	fd = open(path, O_RDONLY);
	report("open_mem", fd);
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pp);
	fd = open(path, O_RDONLY);
	report("open_environ", fd);
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pp);
	if (stat(path, &st) == 0)
		printf("status_owner=%s\n", st.st_uid == getuid() ? "self" : st.st_uid == 0 ? "root" : "other");
	return 0;
}

/* ---- huge iovec counts ---- */

static int mode_iovec(void)
{
	int fds[2], sv[2];
	struct msghdr mh;
	struct iovec *bad = (struct iovec *)0x10;	/* never mapped */
	struct iovec good = { "x", 1 };
	struct iovec *many;

	if (pipe(fds) < 0 || socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		die("pipe/socketpair");
	report("writev_1M_garbage", syscall(SYS_writev, fds[1], bad, 1 << 20));
	report("writev_max_garbage", syscall(SYS_writev, fds[1], bad, 1024));
	report("writev_neg", syscall(SYS_writev, fds[1], &good, -1));
	report("readv_1M_garbage", syscall(SYS_readv, fds[0], bad, 1 << 20));
	report("pwritev_garbage", syscall(SYS_pwritev, fds[1], bad, 1 << 20, 0, 0));
	report("preadv2_garbage", syscall(SYS_preadv2, fds[0], bad, 1024, -1, -1, 0));
	report("vmsplice_garbage", syscall(SYS_vmsplice, fds[1], bad, 1 << 20, 0));
	report("process_vm_readv_huge", syscall(SYS_process_vm_readv, getpid(), bad, 1 << 20, bad, 1 << 20, 0));
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = bad;
	mh.msg_iovlen = 1 << 20;
	report("sendmsg_1M", sendmsg(sv[0], &mh, 0));
	mh.msg_iovlen = 1024;
	report("sendmsg_1024_garbage", sendmsg(sv[0], &mh, 0));
	/* a valid array of 1024 entries whose bases are garbage */
	many = calloc(1024, sizeof(*many));
	if (!many)
		die("calloc");
	for (int i = 0; i < 1024; i++)
		many[i] = (struct iovec){ (void *)(uintptr_t)(0x1000 + 4096u * i), 1u << 30 };
	report("writev_garbage_bases", syscall(SYS_writev, fds[1], many, 1024));
	/* an iovec array that ends exactly at an unmapped page */
	char *pg = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pg == MAP_FAILED || munmap(pg + 4096, 4096) < 0)
		die("mmap");
	struct iovec *edge = (struct iovec *)(pg + 4096) - 1;
	*edge = good;
	report("writev_edge_ok", syscall(SYS_writev, fds[1], edge, 1));
	report("writev_edge_past", syscall(SYS_writev, fds[1], edge, 2));
	free(many);
	return 0;
}

/* ---- garbage pointers to every decoded struct argument kind ---- */

static int mode_garbage(void)
{
#if UINTPTR_MAX > 0xffffffffu
	static const uintptr_t bads[] = { 1, 0x10, (uintptr_t)-1, 0xffff800000000000ul };
#else
	static const uintptr_t bads[] = { 1, 0x10, (uintptr_t)-1, 0xfffff000u };
#endif
	int sock = socket(AF_UNIX, SOCK_STREAM, 0);
	int pfd[2];

	if (sock < 0 || pipe(pfd) < 0)
		die("socket/pipe");
	for (unsigned i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		void *b = (void *)bads[i];
		char tag[64];

#define T(name, call) do { snprintf(tag, sizeof(tag), "%s/%u", name, i); report(tag, call); } while (0)
		T("openat_path", syscall(SYS_openat, AT_FDCWD, b, O_RDONLY));
#ifdef SYS_newfstatat
		T("stat_buf", syscall(SYS_newfstatat, AT_FDCWD, "/", b, 0));
#else
		T("stat_buf", syscall(SYS_fstatat64, AT_FDCWD, "/", b, 0));
#endif
		T("fstat_buf", syscall(SYS_fstat, 0, b));
		T("statx_buf", syscall(SYS_statx, AT_FDCWD, "/", 0, 0x7ff, b));
		T("statfs_buf", syscall(SYS_statfs, "/", b));
		T("readlink_buf", syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", b, 64));
		T("getcwd_buf", syscall(SYS_getcwd, b, 64));
		T("uname_buf", syscall(SYS_uname, b));
		T("clock_gettime_ts", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, b));
		T("nanosleep_ts", syscall(SYS_nanosleep, b, NULL));
		T("rt_sigaction_act", syscall(SYS_rt_sigaction, SIGUSR1, b, NULL, 8));
		T("rt_sigaction_old", syscall(SYS_rt_sigaction, SIGUSR1, NULL, b, 8));
		T("rt_sigprocmask_set", syscall(SYS_rt_sigprocmask, SIG_BLOCK, b, NULL, 8));
		T("wait4_status", syscall(SYS_wait4, -1, b, WNOHANG, NULL));
		T("getrusage_buf", syscall(SYS_getrusage, RUSAGE_SELF, b));
		T("connect_addr", syscall(SYS_connect, sock, b, 16));
		T("bind_addr", syscall(SYS_bind, sock, b, 16));
		T("getsockname_len", syscall(SYS_getsockname, sock, b, b));
		T("accept_addr", syscall(SYS_accept4, sock, b, b, SOCK_NONBLOCK));
		T("sendmsg_hdr", syscall(SYS_sendmsg, sock, b, 0));
		T("recvmsg_hdr", syscall(SYS_recvmsg, sock, b, MSG_DONTWAIT));
		T("sendto_addr", syscall(SYS_sendto, sock, "x", 1, 0, b, 16));
		T("execve_path", syscall(SYS_execve, b, NULL, NULL));
		T("execve_argv", syscall(SYS_execve, "/nonexistent-umv", b, b));
		T("clone3_args", syscall(SYS_clone3, b, 88));
		T("openat2_how", syscall(SYS_openat2, AT_FDCWD, "/", b, 24));
		T("poll_fds", syscall(SYS_poll, b, 1, 0));
		T("select_sets", syscall(SYS_select, 1, b, b, b, b));
		T("prlimit_new", syscall(SYS_prlimit64, 0, RLIMIT_CORE, b, NULL));
		T("sysinfo_buf", syscall(SYS_sysinfo, b));
		T("pipe2_fds", syscall(SYS_pipe2, b, 0));
		T("write_buf", syscall(SYS_write, pfd[1], b, 16));
		T("read_buf", syscall(SYS_read, -1, b, 16));
		T("ioctl_arg", syscall(SYS_ioctl, 0, TCGETS, b));
		T("mount_type", syscall(SYS_mount, "none", "/nonexistent-umv", b, 0, NULL));
		T("setxattr_name", syscall(SYS_setxattr, "/nonexistent-umv", b, "v", 1, 0));
		T("futex_ts", syscall(SYS_futex, b, 0 /* FUTEX_WAIT */, 1, NULL, NULL, 0));
#undef T
	}
	return 0;
}

/* ---- a trapped syscall on a stack that is gone ---- */

#if defined(__x86_64__)
/* getppid and openat("/") with rsp on an unmapped page (the page is mapped,
 * made the stack, then unmapped by a raw munmap), then with rsp garbage;
 * no instruction touches the stack between the switch and the restore. */
static int mode_bad_stack(void)
{
	static const char root[] = "/";
	/* static: addressed RIP-relative, not through the stack pointer */
	static long r1, r2, r3;
	char *stk = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (stk == MAP_FAILED)
		die("mmap");
	__asm__ volatile(
		"mov %%rsp, %%r12\n\t"
		"lea 2048(%[stk]), %%rsp\n\t"
		/* munmap(stk, 4096): the stack is gone from here */
		"mov $11, %%eax\n\t"
		"mov %[stk], %%rdi\n\t"
		"mov $4096, %%esi\n\t"
		"syscall\n\t"
		"mov $110, %%eax\n\t"		/* getppid */
		"syscall\n\t"
		"mov %%rax, %[r1]\n\t"
		"mov $257, %%eax\n\t"		/* openat(AT_FDCWD, "/", O_RDONLY) */
		"mov $-100, %%rdi\n\t"
		"mov %[root], %%rsi\n\t"
		"xor %%edx, %%edx\n\t"
		"syscall\n\t"
		"mov %%rax, %[r2]\n\t"
		"mov $0xdead0000dead000, %%rsp\n\t"	/* garbage */
		"mov $39, %%eax\n\t"		/* getpid */
		"syscall\n\t"
		"mov %%rax, %[r3]\n\t"
		"mov %%r12, %%rsp\n\t"
		: [r1] "=m"(r1), [r2] "=m"(r2), [r3] "=m"(r3)
		: [stk] "r"(stk), [root] "r"(root)
		: "rax", "rdi", "rsi", "rdx", "rcx", "r11", "r12", "memory");
	printf("getppid=%s\n", r1 > 0 ? "OK" : "BAD");
	printf("openat=%s\n", r2 >= 0 ? "OK" : errname((int)-r2));
	printf("getpid=%s\n", r3 == getpid() ? "OK" : "BAD");
	if (r2 >= 0)
		close((int)r2);
	return 0;
}
#else
static int mode_bad_stack(void)
{
	fprintf(stderr, "hostile-guest: bad-stack is x86_64 only\n");
	return 77;
}
#endif

/* ---- execve from a thread while siblings block in trapped calls ---- */

static int block_fd = -1;
static const char *self_exe;

static void *blocker(void *arg)
{
	char c;
	(void)arg;
	/* blocks forever: nobody writes */
	if (read(block_fd, &c, 1) < 0)
		return NULL;
	return NULL;
}

static void *execer(void *arg)
{
	char *argv[] = { (char *)self_exe, "exec-done", NULL };
	(void)arg;
	usleep(100 * 1000);	/* let the blockers enter read() */
	execv(self_exe, argv);
	die("execv");
	return NULL;
}

static int mode_exec_from_thread(void)
{
	pthread_t t;
	int fds[2];

	if (pipe(fds) < 0)
		die("pipe");
	block_fd = fds[0];
	for (int i = 0; i < 8; i++)
		if (pthread_create(&t, NULL, blocker, NULL) != 0)
			die("pthread_create");
	if (pthread_create(&t, NULL, execer, NULL) != 0)
		die("pthread_create");
	/* the main thread blocks too (in a different trapped call) */
	for (;;)
		poll(NULL, 0, -1);
	return 0;
}

/* ---- SIGKILL to itself inside trapped syscalls ---- */

static int mode_sigkill_self(void)
{
	pthread_t t;
	int fds[2];

	if (pipe(fds) < 0)
		die("pipe");
	block_fd = fds[0];
	for (int i = 0; i < 4; i++)
		if (pthread_create(&t, NULL, blocker, NULL) != 0)
			die("pthread_create");
	usleep(50 * 1000);
	printf("killing\n");
	fflush(stdout);
	syscall(SYS_tgkill, getpid(), getpid(), SIGKILL);
	printf("survived\n");
	return 0;
}

/* ---- many processes and threads ---- */

static int mode_many_procs(int n)
{
	int done = 0, live = 0;

	for (int i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0)
			die("fork");
		if (p == 0)
			_exit(i & 0x7f);
		if (++live >= 64) {
			int st;
			if (wait(&st) > 0 && WIFEXITED(st))
				done++;
			live--;
		}
	}
	while (live-- > 0) {
		int st;
		if (wait(&st) > 0 && WIFEXITED(st))
			done++;
	}
	printf("processes=%d\n", done);
	return done == n ? 0 : 1;
}

static pthread_barrier_t barrier;

static void *barrier_thread(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&barrier);
	return NULL;
}

static int mode_many_threads(int n)
{
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	pthread_attr_t attr;
	int joined = 0;

	if (!t || pthread_barrier_init(&barrier, NULL, (unsigned)n + 1) != 0 ||
	    pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, 64 * 1024) != 0)
		die("setup");
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], &attr, barrier_thread, NULL) != 0)
			die("pthread_create");
	/* all N alive at once here */
	printf("threads_alive=%d\n", n);
	fflush(stdout);
	pthread_barrier_wait(&barrier);
	for (int i = 0; i < n; i++)
		if (pthread_join(t[i], NULL) == 0)
			joined++;
	printf("threads_joined=%d\n", joined);
	free(t);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	self_exe = argv[0];
	if (!strcmp(mode, "attack-parent"))
		return mode_attack_parent();
	if (!strcmp(mode, "probe-parent-proc"))
		return mode_probe_parent_proc();
	if (!strcmp(mode, "iovec"))
		return mode_iovec();
	if (!strcmp(mode, "garbage"))
		return mode_garbage();
	if (!strcmp(mode, "bad-stack"))
		return mode_bad_stack();
	if (!strcmp(mode, "exec-from-thread"))
		return mode_exec_from_thread();
	if (!strcmp(mode, "exec-done")) {
		printf("exec done\n");
		return 0;
	}
	if (!strcmp(mode, "sigkill-self"))
		return mode_sigkill_self();
	if (!strcmp(mode, "many-procs"))
		return mode_many_procs(argc > 2 ? atoi(argv[2]) : 1000);
	if (!strcmp(mode, "many-threads"))
		return mode_many_threads(argc > 2 ? atoi(argv[2]) : 200);
	fprintf(stderr, "usage: hostile-guest MODE (see the source)\n");
	return 2;
}
