/* tests/bench/paths_bench.c: cost of resolving a guest path, against the
 * C library's realpath() of the same host object (the kernel-only answer).
 * Both sides run interleaved in batches; the median batch is reported. */
#include "config.h"

#include "monitor/paths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BATCHES 15
#define PER_BATCH 2000

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int make_dirs(const char *path)
{
	char b[PATH_MAX];
	snprintf(b, sizeof(b), "%s", path);
	for (char *s = b + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			if (mkdir(b, 0755) < 0 && errno != EEXIST)
				return -errno;
			*s = '/';
		}
	}
	if (mkdir(b, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

struct side {
	const struct umv_mount_table *mt;
	struct umv_path_ctx ctx;
	const char *guest;
	unsigned flags;
	const char *host;
};

/* One comparison: returns 0, prints the bench line. */
static int compare(const char *name, const struct side *s)
{
	double ours[BATCHES], theirs[BATCHES];
	char rp[PATH_MAX];
	/* check both answer the same object before timing anything */
	struct umv_path_result r;
	int rc = umv_path_resolve(s->mt, &s->ctx, s->guest, s->flags, &r);
	if (rc < 0 || !r.host || !realpath(s->host, rp) || strcmp(r.host, rp) != 0) {
		fprintf(stderr, "bench: %s: resolution disagrees (%d, %s vs %s)\n", name, rc,
		        rc == 0 && r.host ? r.host : "-", s->host);
		return 1;
	}
	umv_path_result_free(&r);
	for (int b = 0; b < BATCHES; b++) {
		double t0 = now_us();
		for (int i = 0; i < PER_BATCH; i++) {
			if (umv_path_resolve(s->mt, &s->ctx, s->guest, s->flags, &r) < 0)
				return 1;
			umv_path_result_free(&r);
		}
		double t1 = now_us();
		for (int i = 0; i < PER_BATCH; i++)
			if (!realpath(s->host, rp))
				return 1;
		double t2 = now_us();
		ours[b] = (t1 - t0) / PER_BATCH;
		theirs[b] = (t2 - t1) / PER_BATCH;
	}
	qsort(ours, BATCHES, sizeof(double), cmp_double);
	qsort(theirs, BATCHES, sizeof(double), cmp_double);
	double o = ours[BATCHES / 2], t = theirs[BATCHES / 2];
	printf("bench: %s: %.2f us vs realpath %.2f us = %.2fx\n", name, o, t, o / t);
	return 0;
}

/* The obvious alternative to the trie: scan every mount prefix, keep the
 * longest that matches on a component boundary. */
static size_t linear_lookup(char prefixes[][64], size_t n, const char *path, size_t len)
{
	size_t best = 0, best_len = 0;
	for (size_t i = 0; i < n; i++) {
		size_t pl = strlen(prefixes[i]);
		if (pl <= len && pl > best_len && memcmp(prefixes[i], path, pl) == 0 &&
		    (pl == len || path[pl] == '/')) {
			best = i;
			best_len = pl;
		}
	}
	return best;
}

#define NMOUNTS 64

static int bench_lookup(void)
{
	struct umv_mount_table *mt;
	if (umv_mount_table_new(&mt) < 0)
		return 99;
	static char prefixes[NMOUNTS][64];
	for (int i = 0; i < NMOUNTS; i++) {
		snprintf(prefixes[i], sizeof(prefixes[i]), "/home/user%d/project/mnt%d", i % 8, i);
		if (umv_mount_add(mt, prefixes[i], UMV_MOUNT_REDIRECT, "/srv", NULL, 0) < 0) {
			umv_mount_table_free(mt);
			return 99;
		}
	}
	const char *path = "/home/user3/project/mnt43/src/lib/util.c";
	size_t len = strlen(path);
	if (strcmp(umv_mount_lookup(mt, path, len)->guest, prefixes[linear_lookup(prefixes, NMOUNTS, path, len)]) != 0) {
		fprintf(stderr, "bench: paths.mount_lookup: trie and scan disagree\n");
		umv_mount_table_free(mt);
		return 1;
	}
	double ours[BATCHES], theirs[BATCHES];
	volatile size_t sink = 0;
	for (int b = 0; b < BATCHES; b++) {
		double t0 = now_us();
		for (int i = 0; i < PER_BATCH * 10; i++)
			sink += umv_mount_lookup(mt, path, len)->guest_len;
		double t1 = now_us();
		for (int i = 0; i < PER_BATCH * 10; i++)
			sink += linear_lookup(prefixes, NMOUNTS, path, len);
		double t2 = now_us();
		ours[b] = (t1 - t0) / (PER_BATCH * 10);
		theirs[b] = (t2 - t1) / (PER_BATCH * 10);
	}
	(void)sink;
	qsort(ours, BATCHES, sizeof(double), cmp_double);
	qsort(theirs, BATCHES, sizeof(double), cmp_double);
	double o = ours[BATCHES / 2], t = theirs[BATCHES / 2];
	printf("bench: paths.mount_lookup_64: %.3f us vs linear_scan %.3f us = %.2fx\n", o, t, o / t);
	umv_mount_table_free(mt);
	return 0;
}

int main(void)
{
	char tmp[] = "/tmp/umv-paths-bench-XXXXXX";
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 99;
	}
	int status = 0;
	char host_dir[PATH_MAX], host_file[PATH_MAX + 16], guest_root[64], guest_file[128];
	snprintf(host_dir, sizeof(host_dir), "%s/proj/src/lib", tmp);
	snprintf(host_file, sizeof(host_file), "%s/util.c", host_dir);
	snprintf(guest_root, sizeof(guest_root), "/umv-bench-%d", (int)getpid());
	/* a typical 5-component guest path: /umv-bench-PID/proj/src/lib/util.c */
	snprintf(guest_file, sizeof(guest_file), "%s/proj/src/lib/util.c", guest_root);
	struct umv_mount_table *binds = NULL, *identity = NULL;
	int fd;
	if (make_dirs(host_dir) < 0 || (fd = open(host_file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) < 0) {
		perror("bench tree");
		status = 99;
		goto out;
	}
	close(fd);
	if (umv_mount_table_new(&binds) < 0 || umv_mount_table_new(&identity) < 0) {
		status = 99;
		goto out;
	}
	/* a few binds, like -b options: the project, a toolchain, a data dir */
	char proj[PATH_MAX + 8];
	snprintf(proj, sizeof(proj), "%s/proj", tmp);
	char g[128];
	snprintf(g, sizeof(g), "%s/proj", guest_root);
	if (umv_mount_add(binds, g, UMV_MOUNT_REDIRECT, proj, NULL, 0) < 0 ||
	    umv_mount_add(binds, "/opt/umv-bench-tools", UMV_MOUNT_REDIRECT, "/usr", NULL, 0) < 0 ||
	    umv_mount_add(binds, "/srv/umv-bench-data", UMV_MOUNT_REDIRECT, tmp, NULL, UMV_MOUNT_RDONLY) < 0) {
		status = 99;
		goto out;
	}
	struct side s = { .mt = binds, .ctx = { .cwd = "/" }, .guest = guest_file, .host = host_file };
	status |= compare("paths.resolve", &s);
	s.flags = UMV_PATH_NO_FAST;
	status |= compare("paths.resolve_component_walk", &s);
	struct side id = { .mt = identity, .ctx = { .cwd = "/" }, .guest = host_file, .host = host_file };
	status |= compare("paths.resolve_identity", &id);
	id.flags = UMV_PATH_NO_FAST;
	status |= compare("paths.resolve_identity_component_walk", &id);
	/* a one-component relative path from a cwd inside the bind: the
	 * kernel-side baseline is realpath from the same host cwd */
	char guest_dir[192];
	snprintf(guest_dir, sizeof(guest_dir), "%s/proj/src/lib", guest_root);
	if (chdir(host_dir) < 0) {
		perror("chdir");
		status = 99;
		goto out;
	}
	struct side rel = { .mt = binds, .ctx = { .cwd = guest_dir }, .guest = "util.c", .host = "util.c" };
	status |= compare("paths.resolve_relative_1", &rel);
	if (chdir("/") < 0) {
		status = 99;
		goto out;
	}
	/* the same file through a directory symlink (like /lib -> usr/lib) */
	char link[PATH_MAX + 8], via_link[PATH_MAX + 32];
	snprintf(link, sizeof(link), "%s/link", tmp);
	snprintf(via_link, sizeof(via_link), "%s/link/src/lib/util.c", tmp);
	if (symlink("proj", link) < 0) {
		perror("symlink");
		status = 99;
		goto out;
	}
	struct side ln = { .mt = identity, .ctx = { .cwd = "/" }, .guest = via_link, .host = via_link };
	status |= compare("paths.resolve_via_symlink", &ln);
	ln.flags = UMV_PATH_NO_FAST;
	status |= compare("paths.resolve_via_symlink_component_walk", &ln);
	status |= bench_lookup();
out:
	umv_mount_table_free(binds);
	umv_mount_table_free(identity);
	char cmd[PATH_MAX];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "bench: could not remove %s\n", tmp);
	return status;
}
