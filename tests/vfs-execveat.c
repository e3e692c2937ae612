/* execveat and fexecve of a program, for the -r rootfs test (built static
 * at test time, run inside the rootfs natively under chroot and under
 * umvisor -r): MODE is "fd" (execveat(fd, "", AT_EMPTY_PATH), the fd
 * without O_CLOEXEC), "fd-cloexec" (the same with O_CLOEXEC, what glibc's
 * fexecve gets from most callers), "at" (execveat(dirfd of PROG's
 * directory, its name)) or "abs" (execveat(a bad dirfd, absolute PROG)).
 * ARGS follow argv[0] "arg0". Exits 1 with the errno if the exec fails. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	char *args[16] = { "arg0" }, dir[4096], name[4096];
	int fd = -1;
	const char *path = "";

	if (argc < 3 || argc > 16)
		return 2;
	for (int i = 3; i < argc; i++)
		args[i - 2] = argv[i];
	if (strcmp(argv[1], "fd") == 0 || strcmp(argv[1], "fd-cloexec") == 0) {
		fd = open(argv[2], O_RDONLY | (argv[1][2] ? O_CLOEXEC : 0));
	} else if (strcmp(argv[1], "at") == 0) {
		snprintf(dir, sizeof(dir), "%s", argv[2]);
		snprintf(name, sizeof(name), "%s", argv[2]);
		fd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
		path = basename(name);
	} else if (strcmp(argv[1], "abs") == 0) {
		fd = 12345;
		path = argv[2];
	} else {
		return 2;
	}
	if (fd < 0) {
		printf("open: %s\n", strerror(errno));
		return 1;
	}
	fflush(stdout);
	syscall(SYS_execveat, fd, path, args, environ, *path ? 0 : AT_EMPTY_PATH);
	printf("execveat: %s\n", strerror(errno));
	return 1;
}
