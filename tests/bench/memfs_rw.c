/* memfs.rw guest: writes MIB MiB to FILE sequentially in blocks of BLOCK
 * bytes (default 1 MiB), reads it back, removes it, and prints the elapsed
 * wall time in ms (open to unlink: the data path, not the monitor's
 * start-up). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	char *buf;
	long mib, block = 1 << 20, blocks;
	double t0, t1;
	int fd;

	if ((argc != 3 && argc != 4) || (mib = strtol(argv[2], NULL, 10)) <= 0 ||
	    (argc == 4 && ((block = strtol(argv[3], NULL, 10)) <= 0 || (1L << 20) % block != 0))) {
		fprintf(stderr, "usage: memfs_rw FILE MIB [BLOCK (a divisor of 1 MiB)]\n");
		return 2;
	}
	blocks = mib * ((1L << 20) / block);
	if (!(buf = malloc((size_t)block)))
		return 1;
	memset(buf, 0x5a, (size_t)block);
	t0 = now_ms();
	if ((fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644)) < 0) {
		fprintf(stderr, "memfs_rw: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (long i = 0; i < blocks; i++)
		if (write(fd, buf, (size_t)block) != block) {
			fprintf(stderr, "memfs_rw: write: %s\n", strerror(errno));
			return 1;
		}
	if (lseek(fd, 0, SEEK_SET) != 0)
		return 1;
	for (long i = 0; i < blocks; i++)
		if (read(fd, buf, (size_t)block) != block || buf[block - 1] != 0x5a) {
			fprintf(stderr, "memfs_rw: short or wrong read\n");
			return 1;
		}
	close(fd);
	unlink(argv[1]);
	t1 = now_ms();
	printf("%.3f\n", t1 - t0);
	free(buf);
	return 0;
}
