/* A short-lived cache of fast-path resolutions for the path layer (vfs.c).
 * A build stats the same paths again and again; each proof costs the
 * fast path's openat2 + fstat + close. A result the fast path proved (an
 * existing object, no symlink crossed, not under /proc, in a plain
 * redirect mount, not a module's) is kept for the
 * same (path, base, root, flags) for at most RCACHE_TTL_NS, and forgotten
 * at once when any guest call that can change the namespace enters
 * (rename, unlink, rmdir, mkdir, mknod, symlink, link, mount calls,
 * chroot). A change made by a process outside the guest is seen at the
 * latest when the entry expires: the same window, widened from
 * microseconds to one millisecond, that exists anyway between a proof
 * and the guest's call. UMVISOR_VFS_CACHE=0 turns it off. */
#include "monitor/vfs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RCACHE_SIZE 64
#define RCACHE_TTL_NS 1000000ull

struct rcache_entry {
	uint64_t gen, expires;
	unsigned flags;
	char *key;		/* path NUL base NUL root */
	size_t key_len;
	struct umv_path_result res;	/* guest and host owned here */
};
static struct rcache_entry rcache[RCACHE_SIZE];
static uint64_t rcache_gen = 1;
static bool rcache_off;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void mon_vfs_cache_forget(void)
{
	rcache_gen++;
}

void mon_vfs_cache_setup(void)
{
	const char *c = getenv("UMVISOR_VFS_CACHE");

	rcache_off = c && strcmp(c, "0") == 0;
}

void mon_vfs_cache_fini(void)
{
	for (size_t i = 0; i < RCACHE_SIZE; i++) {
		free(rcache[i].key);
		umv_path_result_free(&rcache[i].res);
		memset(&rcache[i], 0, sizeof(rcache[i]));
	}
}

static int copy_result(const struct umv_path_result *from, struct umv_path_result *to)
{
	*to = *from;
	to->guest = to->host = NULL;
	if (!(to->guest = strdup(from->guest)) || (from->host && !(to->host = strdup(from->host)))) {
		umv_path_result_free(to);
		return -ENOMEM;
	}
	return 0;
}

int mon_vfs_cached_resolve(struct mon_thread *t, const char *base, const char *path,
			   unsigned flags, struct umv_path_result *res)
{
	const char *b = base ? base : mon_vfs_cwd(t->proc), *root = t->proc->root ? t->proc->root : "";
	size_t pl = strlen(path), bl = strlen(b), rl = strlen(root), kl = pl + bl + rl + 2;
	uint64_t h = 1469598103934665603ull, now;
	struct rcache_entry *e;
	char *key;
	int rc;

	if (rcache_off)
		return mon_vfs_resolve(t, base, path, flags, res);
	if (!(key = malloc(kl + 1)))
		return -ENOMEM;
	memcpy(key, path, pl + 1);
	memcpy(key + pl + 1, b, bl + 1);
	memcpy(key + pl + bl + 2, root, rl + 1);
	for (size_t i = 0; i < kl; i++)
		h = (h ^ (unsigned char)key[i]) * 1099511628211ull;
	h ^= flags;
	e = &rcache[h % RCACHE_SIZE];
	now = now_ns();
	if (e->key && e->gen == rcache_gen && e->expires > now && e->flags == flags &&
	    e->key_len == kl && memcmp(e->key, key, kl) == 0) {
		free(key);
		return copy_result(&e->res, res);
	}
	rc = mon_vfs_resolve(t, base, path, flags, res);
	/* Only plain redirects (binds, the root): a module's mount may answer
	 * differently after a call that changes no name (a copy-up). */
	if (rc < 0 || !res->fast || res->exists != 1 || !res->host || !res->mount ||
	    res->mount->kind != UMV_MOUNT_REDIRECT || res->mount->owner ||
	    strncmp(res->guest, "/proc", 5) == 0) {
		free(key);
		return rc;
	}
	free(e->key);
	umv_path_result_free(&e->res);
	e->key = NULL;
	if (copy_result(res, &e->res) < 0) {
		free(key);
		return rc;
	}
	e->key = key;
	e->key_len = kl;
	e->flags = flags;
	e->gen = rcache_gen;
	e->expires = now + RCACHE_TTL_NS;
	return rc;
}
