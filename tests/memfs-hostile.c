/* memfs hostile guest: bad pointers, counts, offsets and fds on the calls
 * memfs traps with a limit. Prints each call's outcome; tests/memfs-hostile.sh
 * compares runs in memfs (with room, and with the tree full: "DIR full"
 * first writes 1 MiB, which fills a small tree) with a native run on a
 * tmpfs directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static void show(const char *what, long rc)
{
	printf("%s: %s\n", what, rc < 0 ? strerrorname_np(errno) : "ok");
}

int main(int argc, char **argv)
{
	char buf[64] = "data", path[4096];
	struct iovec iov[2] = { { buf, 4 }, { buf, (size_t)-1 } };
	char big[65536];
	int fd, ro;
	bool full = argc == 3 && strcmp(argv[2], "full") == 0;

	if (argc < 2 || chdir(argv[1]) < 0)
		return 2;
	ro = open("ro", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (ro < 0 || write(ro, "x", 1) != 1)
		return perror("ro"), 2;
	close(ro);
	fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return perror("open"), 2;
	if (full) {
		int f = open("fill", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		memset(big, 'f', sizeof(big));
		for (int i = 0; i < 16 && f >= 0; i++)
			if (write(f, big, sizeof(big)) < 0)
				break;	/* ENOSPC in memfs: full */
		close(f);
	}
	ro = open("ro", O_RDONLY);
	show("write NULL", syscall(SYS_write, fd, NULL, 10));
	show("write bad fd", write(12345, buf, 4));
	show("write negative fd", syscall(SYS_write, -7, buf, 4));
	show("writev bad iov", syscall(SYS_writev, fd, (void *)1, 3));
	show("writev huge count", syscall(SYS_writev, fd, iov, 5000));
	show("writev overflowing len", syscall(SYS_writev, fd, iov, 2));
	show("pwritev2 offset -5", syscall(SYS_pwritev2, fd, iov, 1, -5L, 0, 0));
	show("pwrite64 negative", syscall(SYS_pwrite64, fd, buf, 4, -1L));
	show("statfs bad path", syscall(SYS_statfs, (void *)1, buf));
	show("fstatfs bad buf", syscall(SYS_fstatfs, fd, (void *)1));
	show("statfs64-like bad buf", syscall(SYS_statfs, ".", (void *)8));
	show("truncate bad path", syscall(SYS_truncate, (void *)1, 10));
	show("truncate empty path", syscall(SYS_truncate, "", 10));
	show("ftruncate negative", ftruncate(fd, -1));
	show("fallocate negative", fallocate(fd, 0, -1, 10));
	show("fallocate zero len", fallocate(fd, 0, 0, 0));
	show("fallocate past max", fallocate(fd, 0, INT64_MAX - 10, 100));
	show("openat2 bad how", syscall(SYS_openat2, AT_FDCWD, "g", (void *)1, 24));
	show("open bad path", syscall(SYS_open, (void *)1, O_CREAT | O_WRONLY, 0644));
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	show("open long path", open(path, O_CREAT | O_WRONLY, 0644));
	show("mkdirat bad dirfd", mkdirat(9999, "d", 0755));
	show("sendfile bad in", syscall(SYS_sendfile, fd, -1, NULL, 10));
	show("copy_file_range bad in", syscall(SYS_copy_file_range, -1, NULL, fd, NULL, 10, 0));
	show("splice bad", syscall(SYS_splice, -1, NULL, fd, NULL, 10, 0));
	show("write read-only fd", syscall(SYS_write, ro, buf, 4));
	show("pwrite64 read-only fd", syscall(SYS_pwrite64, ro, buf, 4, 100L));
	show("writev read-only fd", syscall(SYS_writev, ro, iov, 1));
	show("ftruncate read-only fd", ftruncate(ro, 1 << 20));
	show("fallocate read-only fd", fallocate(ro, 0, 0, 1 << 20));
	show("pwritev offset -1", syscall(SYS_pwritev, fd, iov, 1, -1L, 0));
	show("write directory fd", syscall(SYS_write, open(".", O_RDONLY | O_DIRECTORY), buf, 4));
	if (!full)
		show("write ok", write(fd, buf, 4));
	return 0;
}
