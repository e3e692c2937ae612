/* A guest for the monitor's smoke tests: each subcommand exercises one
 * engine feature and prints what a test compares (natively and under
 * umvisor). Built for x86_64 and, with gcc -m32, for i386. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

static int usage(void)
{
	fputs("usage: monitor-guest getppid|untraced|untraced3|restart-read|x32|dumpable|ptrace|"
	      "fork N|thread-exec PROG|vfork-exec PROG|daemon FILE|segv|threads N|leader-exit|loop N|own-filter|uname|beyond|int80|vsyscall|enoent|sigcount FILE\n", stderr);
	return 2;
}

/* A child started with CLONE_UNTRACED reports its getppid() through a pipe. */
static int untraced(int use_clone3)
{
	int p[2];
	long child;
	long value = -1;

	if (pipe(p) < 0)
		return 1;
	if (use_clone3) {
		struct {
			uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
				stack_size, tls;
		} args;
		memset(&args, 0, sizeof(args));
		args.flags = CLONE_UNTRACED;
		args.exit_signal = SIGCHLD;
		child = syscall(SYS_clone3, &args, sizeof(args));
	} else {
		child = syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, 0, 0, 0, 0);
	}
	if (child < 0) {
		perror("clone");
		return 1;
	}
	if (child == 0) {
		value = syscall(SYS_getppid);
		if (write(p[1], &value, sizeof(value)) != sizeof(value))
			_exit(1);
		_exit(0);
	}
	if (read(p[0], &value, sizeof(value)) != sizeof(value))
		return 1;
	waitpid((pid_t)child, NULL, 0);
	if (value == getpid())
		printf("child getppid=parent\n");
	else
		printf("child getppid=%ld\n", value);
	return 0;
}

/* Counts SIGINTs until a SIGTERM, taking them with sigwaitinfo (so no
 * signal-delivery stop, nothing the monitor must do): creates READY when
 * set up and READY.N after the Nth SIGINT, prints the count at the end. */
static int sigcount(const char *ready)
{
	sigset_t set;
	char path[4096];
	int n = 0, fd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return 1;
	if ((fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return 1;
	close(fd);
	for (;;) {
		int sig = sigwaitinfo(&set, NULL);
		if (sig == SIGTERM)
			break;
		if (sig != SIGINT)
			continue;
		snprintf(path, sizeof(path), "%s.%d", ready, ++n);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0)
			close(fd);
	}
	printf("ints=%d\n", n);
	return 0;
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* read(fd 10, 8 bytes) interrupted by SIGALRM (SA_RESTART) before the data
 * arrives: the kernel restarts it with the registers as they were. */
static int restart_read(void)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	int p[2];
	char buf[9] = { 0 };
	pid_t writer;
	ssize_t n;

	if (pipe(p) < 0 || dup2(p[0], 10) < 0)
		return 1;
	close(p[0]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	writer = fork();
	if (writer == 0) {
		struct timespec ts = { 0, 400000000 };
		nanosleep(&ts, NULL);
		if (write(p[1], "abcdefgh", 8) != 8)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	setitimer(ITIMER_REAL, &it, NULL);
	n = read(10, buf, 8);
	waitpid(writer, NULL, 0);
	for (int i = 0; i < 8; i++)
		if (buf[i] == 0)
			buf[i] = '.';
	printf("read=%zd interrupted=%s data=%s\n", n, alarms > 0 ? "yes" : "no", buf);
	return 0;
}

static int x32(void)
{
#if defined(__x86_64__)
	long rc = syscall(0x40000000L | 39 /* x32 getpid */);
	printf("x32 getpid: %s\n", rc < 0 ? strerror(errno) : "ran");
#else
	printf("x32 getpid: %s\n", strerror(ENOSYS));
#endif
	return 0;
}

static int dumpable(void)
{
	int before = prctl(PR_GET_DUMPABLE);
	int set = prctl(PR_SET_DUMPABLE, 0);
	int after = prctl(PR_GET_DUMPABLE);
	int bad = prctl(PR_SET_DUMPABLE, 7);

	printf("dumpable before=%d set=%d after=%d bad=%d(%s)\n", before, set, after, bad,
	       bad < 0 ? strerror(errno) : "ok");
	return 0;
}

static int do_ptrace(void)
{
	long rc = ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	printf("ptrace: %s\n", rc < 0 ? strerror(errno) : "ok");
	return 0;
}

static int fork_many(int n)
{
	long sum = 0;

	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0)
			_exit(i % 7);
	}
	for (int i = 0; i < n; i++) {
		int st;
		if (wait(&st) < 0)
			return 1;
		sum += WEXITSTATUS(st);
	}
	printf("children=%d sum=%ld\n", n, sum);
	return 0;
}

static char **exec_argv;
static void *exec_thread(void *arg)
{
	(void)arg;
	execvp(exec_argv[0], exec_argv);
	perror("execvp");
	_exit(127);
}

static void *spin_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static int thread_exec(char **argv)
{
	pthread_t spin, t;

	exec_argv = argv;
	pthread_create(&spin, NULL, spin_thread, NULL);
	pthread_create(&t, NULL, exec_thread, NULL);
	pthread_join(t, NULL);
	return 1;
}

static int vfork_exec(char **argv)
{
	int st;
	pid_t pid = vfork();

	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return 1;
	printf("vfork child status=%d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}

/* The parent exits at once; a grandchild writes FILE later. */
static int daemonize(const char *file)
{
	pid_t pid = fork();

	if (pid < 0)
		return 1;
	if (pid == 0) {
		if (setsid() < 0 || fork() != 0)
			_exit(0);
		struct timespec ts = { 0, 300000000 };
		nanosleep(&ts, NULL);
		int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			if (write(fd, "daemon\n", 7) != 7)
				_exit(1);
			close(fd);
		}
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	return 0;
}

static void *ppid_thread(void *arg)
{
	*(long *)arg = syscall(SYS_getppid);
	return NULL;
}

static int threads(int n)
{
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	long *v = calloc((size_t)n, sizeof(*v));
	int same = 0;

	if (!t || !v)
		return 1;
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, ppid_thread, &v[i]) != 0)
			return 1;
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		same += v[i] == v[0];
	}
	printf("threads=%d same=%d value=%s\n", n, same, v[0] == getppid() ? "native" : "other");
	free(t);
	free(v);
	return 0;
}

/* The guest's own filter: TRACE getpid (natively, with no tracer: ENOSYS),
 * ERRNO(EACCES) for getppid. Neither may be changed by the monitor. */
static int own_filter(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 0x77),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(code) / sizeof(code[0]), code };
	long a, b;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("seccomp");
		return 1;
	}
	a = syscall(SYS_getpid);
	printf("getpid: %s\n", a < 0 ? strerror(errno) : "ran");
	b = syscall(SYS_getppid);
	printf("getppid: %s\n", b < 0 ? strerror(errno) : "ran");
	return 0;
}

/* The leader leaves first (pthread_exit); the last thread sets the code. */
static void *late_exit(void *arg)
{
	struct timespec ts = { 0, 200000000 };

	(void)arg;
	nanosleep(&ts, NULL);
	exit(5);
}

static int leader_exit(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, late_exit, NULL) != 0)
		return 1;
	pthread_exit(NULL);
}

/* N getppid calls, timed: ns per call on stdout. */
static int loop(long n)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.0f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double)n);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "getppid")) {
		printf("getppid=%ld\n", (long)syscall(SYS_getppid));
		return 0;
	}
	if (!strcmp(argv[1], "untraced"))
		return untraced(0);
	if (!strcmp(argv[1], "untraced3"))
		return untraced(1);
	if (!strcmp(argv[1], "restart-read"))
		return restart_read();
	if (!strcmp(argv[1], "x32"))
		return x32();
	if (!strcmp(argv[1], "dumpable"))
		return dumpable();
	if (!strcmp(argv[1], "ptrace"))
		return do_ptrace();
	if (!strcmp(argv[1], "fork") && argc > 2)
		return fork_many(atoi(argv[2]));
	if (!strcmp(argv[1], "thread-exec") && argc > 2)
		return thread_exec(argv + 2);
	if (!strcmp(argv[1], "vfork-exec") && argc > 2)
		return vfork_exec(argv + 2);
	if (!strcmp(argv[1], "daemon") && argc > 2)
		return daemonize(argv[2]);
	if (!strcmp(argv[1], "threads") && argc > 2)
		return threads(atoi(argv[2]));
	if (!strcmp(argv[1], "vsyscall")) {
		/* The legacy vsyscall page's time() (x86_64): the kernel
		 * emulates it through seccomp; skipping or renumbering it is
		 * SIGSYS. i386 has no such page. */
		time_t t = time(NULL);
		long direct;
#if defined(__x86_64__)
		time_t (*vtime)(time_t *) = (time_t (*)(time_t *))0xffffffffff600400UL;
		t = vtime(NULL);
#endif
		direct = syscall(SYS_time, NULL);
		printf("vsyscall time %s, time syscall %s\n", t > 1000000000 ? "ok" : "wrong",
		       direct > 1000000000 ? "real" : direct == 5 ? "5" : "other");
		return 0;
	}
	if (!strcmp(argv[1], "beyond")) {
		long rc = syscall(1000);
		printf("syscall 1000: %s\n", rc < 0 ? strerror(errno) : "ran");
		return 0;
	}
	if (!strcmp(argv[1], "int80")) {
		/* An i386 getppid (64) from a 64-bit process: AUDIT_ARCH_I386. */
		long rc = 64;
#if defined(__x86_64__)
		__asm__ volatile("int $0x80" : "+a"(rc) : : "memory");
#else
		rc = syscall(SYS_getppid);
#endif
		printf("int80 getppid=%s\n", rc == 4242 ? "4242" : rc == getppid() ? "real" : "other");
		return 0;
	}
	if (!strcmp(argv[1], "sigcount") && argc > 2)
		return sigcount(argv[2]);
	if (!strcmp(argv[1], "enoent")) {
		int fd = open("/nonexistent/umvisor-test", O_RDONLY);
		printf("open: %s\n", fd < 0 ? strerror(errno) : "opened");
		return 0;
	}
	if (!strcmp(argv[1], "uname")) {
		struct utsname u;
		if (uname(&u) < 0)
			return 1;
		printf("%s %s\n", u.sysname, u.nodename);
		return 0;
	}
	if (!strcmp(argv[1], "own-filter"))
		return own_filter();
	if (!strcmp(argv[1], "leader-exit"))
		return leader_exit();
	if (!strcmp(argv[1], "loop") && argc > 2)
		return loop(atol(argv[2]));
	if (!strcmp(argv[1], "segv")) {
		volatile int *p = NULL;
		return *p;
	}
	return usage();
}
