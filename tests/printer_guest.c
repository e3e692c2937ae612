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
#include <sys/mman.h>
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
	syscall(0x1f4, 1, 2, 3, 0, 0, 0);
	marker("END");
	return 0;
}
