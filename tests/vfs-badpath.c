/* Path calls with hostile arguments, printed one result per line so the
 * output under umvisor can be compared with the native one: NULL,
 * unmapped and unterminated path pointers, over-long names and paths, bad
 * dirfds. Usage: vfs-badpath DIR (an existing directory with a file f). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
	return 0;
}
