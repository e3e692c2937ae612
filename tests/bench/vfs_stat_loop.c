/* vfs_stat_loop PATH N BATCHES: stat(PATH) N times per batch and print the
 * median per-call time of the batches in microseconds. The guest side of
 * the vfs.stat benchmark (run natively, under umvisor and under proot). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct stat st;
	double us[64];
	long n, batches;

	if (argc != 4 || (n = atol(argv[2])) <= 0 || (batches = atol(argv[3])) <= 0 ||
	    batches > 64) {
		fprintf(stderr, "usage: vfs_stat_loop PATH N BATCHES(<=64)\n");
		return 2;
	}
	for (long b = 0; b < batches; b++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (long i = 0; i < n; i++)
			if (stat(argv[1], &st) < 0) {
				perror(argv[1]);
				return 1;
			}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		us[b] = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / n;
	}
	qsort(us, (size_t)batches, sizeof(us[0]), cmp_double);
	printf("%.3f\n", us[batches / 2]);
	return 0;
}
