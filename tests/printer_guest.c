/* tests/printer_guest.c: the guest of tests/printer_vs_strace. Makes a
 * fixed, deterministic sequence of syscalls between two marker writes, so
 * that strace 6.1 and our printer can be run on it and their lines diffed.
 * Built without sanitizers (their run-time adds its own syscalls), and with
 * -m32 too when available. No pids, times or random data appear in the
 * traced lines. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <termios.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/statfs.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <netinet/tcp.h>
#include <linux/futex.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __i386__
#include <linux/net.h>
#endif

#define CAP_MAC_OVERRIDE_NR 32

static void marker(const char *what)
{
	syscall(SYS_write, -1, what, strlen(what));
}

int main(void)
{
	char buf[256];
	struct stat st;
	int fd, pfd[2], sv[2], s;

	marker("BEGIN");
	fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	syscall(SYS_read, fd, buf, 1);
	syscall(SYS_close, fd);
	syscall(SYS_write, -1, "hello\tworld\n\"x\\\001\0012\377", 19);
	syscall(SYS_write, -1, "0123456789012345678901234567890123456789", 40);
	syscall(SYS_write, -1, "\0\1\2a\177\2009\r\33[0m", 12);
	syscall(SYS_openat, AT_FDCWD, "/nonexistent/x", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0640);
	syscall(SYS_openat, AT_FDCWD, (char *)1, O_RDONLY);
	syscall(SYS_access, NULL, F_OK);
	syscall(SYS_mkdirat, AT_FDCWD, "/nonexistent/d", 01755);
	syscall(SYS_unlinkat, AT_FDCWD, "/nonexistent/d", AT_REMOVEDIR);
	syscall(SYS_faccessat, AT_FDCWD, "/", R_OK | X_OK);
	stat("/", &st);
	lstat("/nonexistent", &st);
	fstat(0, &st);
	syscall(SYS_umask, 022);
	syscall(SYS_umask, 022);
	syscall(SYS_pipe2, pfd, O_CLOEXEC);
	syscall(SYS_write, pfd[1], "abcdefgh", 8);
	{
		char a[3], b[10];
		struct iovec riov[2] = { { a, 3 }, { b, 10 } };
		struct iovec wiov[2] = { { "hello", 5 }, { "world\n", 6 } };

		syscall(SYS_readv, pfd[0], riov, 2);
		syscall(SYS_writev, pfd[1], wiov, 2);
	}
	syscall(SYS_fcntl, pfd[0], F_GETFL);
	syscall(SYS_fcntl, pfd[0], F_SETFL, O_NONBLOCK);
	syscall(SYS_fcntl, pfd[0], F_GETFL);
	syscall(SYS_fcntl, pfd[0], F_GETFD);
	syscall(SYS_fcntl, pfd[0], F_SETFD, FD_CLOEXEC);
	syscall(SYS_fcntl, pfd[0], F_DUPFD_CLOEXEC, 20);
	syscall(SYS_dup3, pfd[0], 30, O_CLOEXEC);
	syscall(SYS_ioctl, pfd[0], 0x5401, buf);
	syscall(SYS_lseek, pfd[0], 0, SEEK_CUR);
	syscall(SYS_kill, 0x7fffffff, 0);
	syscall(SYS_kill, 0x7fffffff, SIGTERM);
	{
		struct sigaction sa = { .sa_handler = SIG_IGN, .sa_flags = SA_RESTART };

		sigemptyset(&sa.sa_mask);
		sigaddset(&sa.sa_mask, SIGINT);
		sigaction(SIGUSR2, &sa, NULL);
	}
	{
		sigset_t ss;

		sigemptyset(&ss);
		sigaddset(&ss, SIGCHLD);
		syscall(SYS_rt_sigprocmask, SIG_BLOCK, &ss, NULL, 8);
		syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &ss, &ss, 8);
	}
	syscall(SYS_wait4, -1, NULL, WNOHANG | __WALL, NULL);
	{
		void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		mprotect(p, 4096, PROT_READ);
		munmap(p, 8192);
		mmap((void *)0x10000, 4096, PROT_NONE, MAP_SHARED | MAP_FIXED, -1, 0);
	}
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	{
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(1) };

		inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
		connect(s, (struct sockaddr *)&sin, sizeof(sin));
	}
	{
		int s6 = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(9) };

		inet_pton(AF_INET6, "::1", &sin6.sin6_addr);
		sendto(s6, "ping", 4, MSG_DONTWAIT, (struct sockaddr *)&sin6, sizeof(sin6));
	}
	{
		int su = socket(AF_UNIX, SOCK_STREAM, 0);
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		strcpy(sun.sun_path, "/nonexistent/sock");
		connect(su, (struct sockaddr *)&sun, sizeof(sun));
	}
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	{
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);

		getsockname(sv[0], (struct sockaddr *)&ss, &sl);
		send(sv[0], "hi", 2, 0);
		recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
		recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
	}
#ifdef __i386__
	{
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(1) };
		unsigned long args[3] = { (unsigned long)s, (unsigned long)&sin, sizeof(sin) };

		inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
		syscall(SYS_socketcall, SYS_CONNECT, args);
		syscall(SYS_socketcall, SYS_CONNECT, (void *)4);
		syscall(SYS_stat64, "/", buf);
		syscall(SYS_fstat64, 0, buf);
		syscall(SYS_stat, "/", buf);
		syscall(SYS_lstat, "/nonexistent", buf);
		unsigned long sargs[3] = { AF_UNIX, SOCK_DGRAM, 0 };

		syscall(SYS_socketcall, SYS_SOCKET, sargs);
		long long off;
		int f = open("/proc/self/cmdline", O_RDONLY);

		syscall(SYS__llseek, f, 0, 1, &off, SEEK_SET);
		syscall(SYS_pread64, f, buf, 1, 2, 0);
		syscall(SYS_fcntl64, f, F_GETFD);
		syscall(SYS_mmap2, 0, 4096, PROT_READ, MAP_PRIVATE, f, 1);
		syscall(SYS_ftruncate64, f, 0x12345678, 0x9);
	}
#endif
	{
		char *const argv[] = { "/nonexistent/prog", "-l", "a\nb", NULL };
		char *const envp[] = { "A=1", "B=2", NULL };

		syscall(SYS_execve, "/nonexistent/prog", argv, envp);
	}
	{
		struct timespec ts = { 0, 1000 };

		syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
	}
	{
		struct pollfd pf[2] = { { pfd[0], POLLIN, 0 }, { pfd[1], POLLIN | POLLOUT, 0 } };

		syscall(SYS_write, pfd[1], "x", 1);
		poll(pf, 2, 0);
	}
	syscall(SYS_getcwd, buf, sizeof(buf));
	syscall(SYS_readlink, "/proc/self/exe", buf, 5);
	syscall(SYS_readlink, "/nonexistent", buf, 5);
	{
		struct rlimit rl;

		syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl);
		syscall(SYS_getrlimit, RLIMIT_STACK, &rl);
	}
	{
		int e = epoll_create1(EPOLL_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u64 = 3 };

		epoll_ctl(e, EPOLL_CTL_ADD, pfd[0], &ev);
		epoll_wait(e, &ev, 1, 0);
	}
	eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);
	inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	{
		sigset_t ss;

		sigemptyset(&ss);
		sigaddset(&ss, SIGINT);
		sigaddset(&ss, SIGRTMIN + 3);
		signalfd(-1, &ss, SFD_NONBLOCK);
	}
	memfd_create("umv", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	{
		void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		void *q = mremap(p, 8192, 16384, MREMAP_MAYMOVE);

		msync(q, 4096, MS_SYNC | MS_INVALIDATE);
		madvise(q, 4096, MADV_DONTNEED);
	}
	{
		int one = 1, sk = socket(AF_INET, SOCK_STREAM, 0);
		socklen_t ol = sizeof(one);

		setsockopt(sk, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		setsockopt(sk, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		getsockopt(sk, SOL_SOCKET, SO_TYPE, &one, &ol);
		shutdown(sk, SHUT_RDWR);
		accept4(sk, NULL, NULL, SOCK_CLOEXEC);
		listen(sk, 5);
	}
	flock(pfd[0], LOCK_EX | LOCK_NB);
	syscall(SYS_renameat2, AT_FDCWD, "/nonexistent/a", AT_FDCWD, "/nonexistent/b", 1);
	{
		struct utsname u;

		uname(&u);
	}
	syscall(SYS_chown, "/nonexistent", -1, -1);
	syscall(SYS_close_range, 100, ~0U, 0);
	{
		static int word;

		syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
	}
	{
		int dfd = open("/", O_RDONLY | O_DIRECTORY);
		char dents[65536];

		syscall(SYS_getdents64, dfd, dents, sizeof(dents));
		syscall(SYS_getdents64, dfd, dents, sizeof(dents));
		syscall(SYS_lseek, dfd, 0, SEEK_SET);
#ifdef SYS_statx
		{
			char sx[256];

			syscall(SYS_statx, dfd, "", AT_EMPTY_PATH, 0x7ff, sx);
			syscall(SYS_statx, AT_FDCWD, "/nonexistent", AT_SYMLINK_NOFOLLOW, 0xfff, sx);
		}
#endif
	}
	syscall(SYS_brk, 0);
	{
		struct iovec iov = { "hi", 2 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		char rb[10];
		struct iovec riov = { rb, sizeof(rb) };
		struct msghdr rh = { .msg_iov = &riov, .msg_iovlen = 1 };

		sendmsg(sv[0], &mh, MSG_NOSIGNAL);
		recvmsg(sv[1], &rh, 0);
	}
	{
		struct timespec ts = { 0, 1 };

		syscall(SYS_nanosleep, &ts, NULL);
	}
	{
		/* child pids differ between runs: the harness replaces them */
		int status;
		pid_t c = fork();

		if (c == 0)
			_exit(3);
		wait4(c, &status, 0, NULL);
		c = fork();
		if (c == 0) {
			raise(SIGKILL);
			_exit(0);
		}
		wait4(c, &status, 0, NULL);
	}
	{
		struct statfs sf;
		gid_t groups[64];
		int pf = open("/proc", O_RDONLY | O_DIRECTORY);

		statfs("/proc", &sf);
		fstatfs(pf, &sf);
		prctl(PR_SET_NAME, "umv-guest");
		prctl(PR_GET_NAME, buf);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		prctl(PR_GET_DUMPABLE);
		syscall(SYS_getgroups, 0, NULL);
		syscall(SYS_getgroups, 64, groups);
		posix_fadvise(pf, 0, 0, POSIX_FADV_SEQUENTIAL);
		stat("/tmp", &st);
		syscall(SYS_chmod, "/nonexistent", 04755);
		syscall(SYS_mknodat, AT_FDCWD, "/nonexistent/fifo", S_IFIFO | 0644, 0);
	}
	{
		static char altstack[65536];
		stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
		stack_t old;
		cpu_set_t cpus;
		int n = 1, sk = socket(AF_INET, SOCK_DGRAM, 0);
		struct timespec ts = { 0, 1 }, rem;

		sigaltstack(&ss, NULL);
		sigaltstack(NULL, &old);
		syscall(SYS_sched_getaffinity, 0, sizeof(cpus), &cpus);
		syscall(SYS_write, pfd[1], "xyz", 3);
		ioctl(pfd[0], FIONREAD, &n);
		ioctl(pfd[0], FIONBIO, &n);
		setsockopt(sk, SOL_IP, IP_RECVERR, &n, sizeof(n));
		prctl(PR_CAPBSET_READ, CAP_MAC_OVERRIDE_NR);
		syscall(SYS_nanosleep, &ts, &rem);
	}
	{
		/* timers, all disarmed: the values read back are zeros */
		struct sigevent sev = { .sigev_notify = SIGEV_NONE, .sigev_signo = SIGALRM };
		struct itimerspec its = { { 0, 0 }, { 0, 0 } }, old;
		struct itimerval itv = { { 0, 0 }, { 0, 0 } }, oitv;
		int tid = -1, tfd = timerfd_create(CLOCK_MONOTONIC, 0);

		syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &tid);
		syscall(SYS_timer_settime, tid, 0, &its, &old);
		syscall(SYS_timer_gettime, tid, &old);
		syscall(SYS_timer_delete, tid);
		timerfd_settime(tfd, 0, &its, &old);
		timerfd_gettime(tfd, &old);
		setitimer(ITIMER_REAL, &itv, &oitv);
		getitimer(ITIMER_VIRTUAL, &oitv);
		getpriority(PRIO_PROCESS, 0);
	}
	{
		/* zero timeouts: the time left is always 0 */
		fd_set r, w, e;
		struct timeval tv = { 0, 0 };
		struct timespec ts = { 0, 0 };
		sigset_t ss;
		struct { void *p; size_t l; } sm = { &ss, 8 };

		FD_ZERO(&r);
		FD_ZERO(&w);
		FD_ZERO(&e);
		FD_SET(pfd[0], &r);
		FD_SET(pfd[1], &w);
		syscall(SYS_write, pfd[1], "s", 1);
		syscall(SYS_select, pfd[1] + 1, &r, &w, NULL, &tv);
		FD_ZERO(&r);
		syscall(SYS_select, 1, NULL, NULL, &e, &tv);
		sigemptyset(&ss);
		sigaddset(&ss, SIGINT);
		FD_SET(pfd[0], &r);
		syscall(SYS_pselect6, pfd[0] + 1, &r, NULL, NULL, &ts, &sm);
		syscall(SYS_pselect6, 0, NULL, NULL, NULL, &ts, NULL);
	}
	{
		/* a pty without its /dev/pts/N name, which changes between runs */
		struct termios t;
		struct winsize ws = { .ws_row = 24, .ws_col = 80 };
		int m = open("/dev/ptmx", O_RDWR | O_NOCTTY), z = 0, sl;

		ioctl(m, TIOCSPTLCK, &z);
		sl = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
		ioctl(sl, TCGETS, &t);
		ioctl(sl, TCSETSW, &t);
		ioctl(sl, TIOCSWINSZ, &ws);
		ioctl(sl, TIOCGWINSZ, &ws);
		t.c_iflag = 0;
		t.c_lflag = 0;
		t.c_oflag |= TAB3 | NL1;
		t.c_cflag = (t.c_cflag & ~CBAUD) | B115200;
		ioctl(sl, TCSETSF, &t);
	}
	syscall(0x1f4, 1, 2, 3, 0, 0, 0);
	marker("END");
	return 0;
}
