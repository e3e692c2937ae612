/* Path calls with hostile arguments, printed one result per line so the
 * output under umvisor can be compared with the native one: NULL,
 * unmapped and unterminated path pointers, over-long names and paths, bad
 * dirfds, failing execveat calls, AF_UNIX names into unmapped buffers. Usage: vfs-badpath DIR (an existing directory with a file f). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef SYS_newfstatat
#define SYS_FSTATAT SYS_newfstatat
#else
#define SYS_FSTATAT SYS_fstatat64
#endif

static void show(const char *what, long rc)
{
	printf("%s: %s\n", what, rc < 0 ? strerrorname_np(errno) : "ok");
}

int main(int argc, char **argv)
{
	static char st[256];
	long page = sysconf(_SC_PAGESIZE);
	char *map, *end, *path;
	char name[5001], buf[64];
	int dfd, ffd;

	if (argc != 2 || chdir(argv[1]) < 0) {
		fprintf(stderr, "usage: vfs-badpath DIR\n");
		return 99;
	}
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || munmap(map + page, page) < 0)
		return 99;
	/* "f" with no NUL before the unmapped page. */
	end = map + page - 1;
	*end = 'f';
	show("fstatat NULL", syscall(SYS_FSTATAT, AT_FDCWD, NULL, st, 0));
	show("fstatat unmapped", syscall(SYS_FSTATAT, AT_FDCWD, map + page, st, 0));
	show("fstatat unterminated", syscall(SYS_FSTATAT, AT_FDCWD, end, st, 0));
	show("openat NULL", syscall(SYS_openat, AT_FDCWD, NULL, O_RDONLY));
	show("openat unmapped", syscall(SYS_openat, AT_FDCWD, (char *)8, O_RDONLY));
	show("mkdirat unterminated", syscall(SYS_mkdirat, AT_FDCWD, end, 0755));
	show("renameat NULL new", syscall(SYS_renameat, AT_FDCWD, "f", AT_FDCWD, NULL));
	show("renameat unmapped old", syscall(SYS_renameat, AT_FDCWD, map + page, AT_FDCWD, "g"));
	memset(name, 'a', 5000);
	name[5000] = '\0';
	show("fstatat 5000-byte name", syscall(SYS_FSTATAT, AT_FDCWD, name, st, 0));
	name[300] = '\0';
	show("fstatat 300-byte name", syscall(SYS_FSTATAT, AT_FDCWD, name, st, 0));
	show("openat 300-byte name O_CREAT", syscall(SYS_openat, AT_FDCWD, name, O_CREAT | O_WRONLY, 0644));
	if (asprintf(&path, "%s/f/x", argv[1]) < 0)
		return 99;
	show("fstatat file/x", syscall(SYS_FSTATAT, AT_FDCWD, path, st, 0));
	free(path);
	show("fstatat empty", syscall(SYS_FSTATAT, AT_FDCWD, "", st, 0));
	show("openat bad dirfd", syscall(SYS_openat, 999, "f", O_RDONLY));
	ffd = open("f", O_RDONLY);
	show("openat file dirfd", syscall(SYS_openat, ffd, "f", O_RDONLY));
	show("fstatat AT_EMPTY_PATH", syscall(SYS_FSTATAT, ffd, "", st, AT_EMPTY_PATH));
	dfd = open(".", O_RDONLY | O_DIRECTORY);
	show("openat dirfd", syscall(SYS_openat, dfd, "f", O_RDONLY));
	show("openat dirfd ..", syscall(SYS_openat, dfd, "../nonexistent-xyz", O_RDONLY));
	show("readlinkat bufsiz 0", syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/cwd", buf, 0));
	show("readlinkat not a link", syscall(SYS_readlinkat, AT_FDCWD, "f", buf, sizeof(buf)));
	show("getcwd small", syscall(SYS_getcwd, buf, 2));
	show("getcwd unmapped", syscall(SYS_getcwd, map + page, 64));
	show("chdir file", syscall(SYS_chdir, "f"));
	show("unlinkat dir no flag", syscall(SYS_unlinkat, AT_FDCWD, ".", 0));
	show("mkdirat existing", syscall(SYS_mkdirat, AT_FDCWD, "f", 0755));
	show("openat O_EXCL existing", syscall(SYS_openat, AT_FDCWD, "f", O_CREAT | O_EXCL | O_WRONLY, 0644));
	show("openat trailing slash file", syscall(SYS_openat, AT_FDCWD, "f/", O_RDONLY));
	/* exec calls that must fail (the file is not executable) */
	show("execveat NULL path", syscall(SYS_execveat, AT_FDCWD, NULL, NULL, NULL, 0));
	show("execveat unmapped path", syscall(SYS_execveat, AT_FDCWD, map + page, NULL, NULL, 0));
	show("execveat dirfd AT_EMPTY_PATH", syscall(SYS_execveat, dfd, "", NULL, NULL, AT_EMPTY_PATH));
	show("execveat bad fd AT_EMPTY_PATH", syscall(SYS_execveat, 999, "", NULL, NULL, AT_EMPTY_PATH));
	show("execveat not executable", syscall(SYS_execveat, ffd, "", (char **)8, NULL, AT_EMPTY_PATH));
	/* AF_UNIX names given back into hostile buffers */
	{
		int sv[2];
		socklen_t len = 110;

		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
			return 99;
		send(sv[0], "x", 1, 0);
		show("recvfrom unmapped name", recvfrom(sv[1], buf, 1, MSG_DONTWAIT, (void *)(map + page), &len));
		send(sv[0], "x", 1, 0);
		show("recvfrom unmapped addrlen", recvfrom(sv[1], buf, 1, MSG_DONTWAIT, (void *)st, (socklen_t *)(map + page)));
		/* through libc: i386's goes through socketcall or its own numbers */
		show("recvmsg unmapped msghdr", recvmsg(sv[1], (void *)(map + page), MSG_DONTWAIT));
		show("recvmmsg unmapped vector", recvmmsg(sv[1], (void *)(map + page), 4, MSG_DONTWAIT, NULL));
		show("getsockname unmapped len", getsockname(sv[1], (void *)st, (socklen_t *)(map + page)));
		show("accept4 not listening", accept4(sv[1], (void *)st, (socklen_t *)(map + page), 0));
		close(sv[0]);
		close(sv[1]);
	}
	return 0;
}
