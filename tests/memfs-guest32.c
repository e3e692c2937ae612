/* memfs i386 guest: statfs, statfs64 and fstatfs64 with their 32-bit
 * layouts, writes up to the limit, pwrite64 (its offset split over two
 * registers) past it. Prints what it sees; tests/memfs-i386.sh compares. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct k_statfs {		/* i386 struct statfs: 32-bit words */
	uint32_t type, bsize, blocks, bfree, bavail, files, ffree;
	int32_t fsid[2];
	uint32_t namelen, frsize, flags, spare[4];
};

struct k_statfs64 {		/* i386 struct statfs64: 64-bit counts, 4-aligned */
	uint32_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree;
	int32_t fsid[2];
	uint32_t namelen, frsize, flags, spare[4];
} __attribute__((packed, aligned(4)));

int main(int argc, char **argv)
{
	struct k_statfs s;
	struct k_statfs64 s64;
	char path[4096], buf[8192];
	long total = 0;
	ssize_t n;
	int fd;

	if (argc != 2)
		return 2;
	if (syscall(SYS_statfs, argv[1], &s) < 0)
		return perror("statfs"), 1;
	printf("statfs %u %u %u %u\n", s.bsize, s.blocks, s.bfree, s.bavail);
	if (syscall(SYS_statfs64, argv[1], sizeof(s64), &s64) < 0)
		return perror("statfs64"), 1;
	printf("statfs64 %u %llu %llu %llu\n", s64.bsize, (unsigned long long)s64.blocks,
	       (unsigned long long)s64.bfree, (unsigned long long)s64.bavail);
	snprintf(path, sizeof(path), "%s/f", argv[1]);
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644)) < 0)
		return perror("open"), 1;
	memset(buf, 'x', sizeof(buf));
	while ((n = write(fd, buf, sizeof(buf))) > 0)
		total += n;
	printf("wrote %ld then %s\n", total, n < 0 ? strerror(errno) : "EOF");
	n = syscall(SYS_pwrite64, fd, buf, 100, 0x100000, 0x1);	/* offset 4 GiB + 1 MiB */
	printf("pwrite64 far: %s\n", n < 0 ? strerror(errno) : "written");
	n = syscall(SYS_pwrite64, fd, buf, 100, 0, 0);	/* inside what is paid for */
	printf("pwrite64 inside: %zd\n", n);
	if (syscall(SYS_fstatfs64, fd, sizeof(s64), &s64) < 0)
		return perror("fstatfs64"), 1;
	printf("fstatfs64 %llu %llu\n", (unsigned long long)s64.blocks, (unsigned long long)s64.bavail);
	return 0;
}
