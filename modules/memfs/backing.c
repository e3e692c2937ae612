/* memfs: where the tree lives. A private directory on a tmpfs: its pages
 * are memory, and the guest's fds, mmap and exec of its files stay native.
 * Unprivileged users cannot mount a tmpfs of their own, so the directory is
 * made on one the host has (/dev/shm, $XDG_RUNTIME_DIR, /run/shm, /tmp),
 * checked with statfs; one that is not mounted noexec is preferred, so
 * binaries copied there run. */
#include "modules/memfs/memfs.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TMPFS_MAGIC_NUMBER 0x01021994

/* 2: tmpfs allowing exec, 1: tmpfs mounted noexec, 0: no tmpfs there. */
static int tmpfs_rank(const char *dir)
{
	struct statfs sf;
	struct statvfs sv;

	if (!dir || dir[0] != '/' || statfs(dir, &sf) < 0 || sf.f_type != TMPFS_MAGIC_NUMBER ||
	    access(dir, W_OK | X_OK) < 0)
		return 0;
	if (statvfs(dir, &sv) == 0 && (sv.f_flag & ST_NOEXEC))
		return 1;
	return 2;
}

int memfs_backing_create(struct umv_mod *mod, const char *dir, char **out)
{
	const char *candidates[] = { "/dev/shm", getenv("XDG_RUNTIME_DIR"), "/run/shm", "/tmp" };
	const char *best = NULL;
	char *path, *real, *base;
	int best_rank = 0, rc;

	if (dir && !(best_rank = tmpfs_rank(dir))) {
		umv_log(mod, UMV_LOG_ERROR, "tmpfs=%s: not a writable directory on a tmpfs", dir);
		return -ENODEV;
	}
	if (dir)
		best = dir;
	for (size_t i = 0; !dir && i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		int r = tmpfs_rank(candidates[i]);

		if (r > best_rank) {
			best_rank = r;
			best = candidates[i];
		}
	}
	if (!best) {
		umv_log(mod, UMV_LOG_ERROR,
			"no writable tmpfs found (/dev/shm, $XDG_RUNTIME_DIR, /run/shm, /tmp): memfs keeps its tree on one");
		return -ENODEV;
	}
	if (best_rank == 1)
		umv_log(mod, UMV_LOG_WARN, "%s is mounted noexec: programs copied into memfs will not run",
			best);
	/* Locked while we run; one a killed monitor left is removed. */
	if (!(base = realpath(best, NULL)))
		return -errno;
	rc = umv_private_dir(mod, base, &path);
	free(base);
	if (rc < 0) {
		umv_log(mod, UMV_LOG_ERROR, "cannot create a directory in %s: %s", best, strerror(-rc));
		return rc;
	}
	/* mkdtemp's 0700 would lock out a guest that changes its uid; other
	 * users can list the root, as they can /dev/shm itself. */
	if (chmod(path, 0755) < 0 || !(real = realpath(path, NULL))) {
		rc = -errno;
		rmdir(path);
		free(path);
		return rc;
	}
	free(path);
	*out = real;
	return 0;
}

static int remove_at(int at, const char *name, int depth);

/* The entries of directory FD removed with getdents64 and a buffer on the
 * stack (no allocation). Re-reads from the start until it is empty. */
static int remove_entries_raw(int fd, int depth)
{
	char buf[1024];
	int rc = 0;

	for (int pass = 0; pass < 1 << 16; pass++) {
		long n;
		bool any = false;

		if (lseek(fd, 0, SEEK_SET) < 0)
			return -errno;
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
			for (long off = 0; off < n;) {
				const char *name = buf + off + 19;
				unsigned short reclen;

				memcpy(&reclen, buf + off + 16, sizeof(reclen));
				off += reclen;
				if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
					continue;
				any = true;
				if (remove_at(fd, name, depth + 1) < 0)
					rc = rc ? rc : -EIO;
			}
		}
		if (n < 0)
			return -errno;
		if (!any || rc < 0)
			return rc;
	}
	return rc;
}

static int remove_at(int at, const char *name, int depth)
{
	struct stat st;
	int rc = 0;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode)) {
		int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		DIR *d;
		struct dirent *e;

		if (fd < 0 && errno == EACCES && fchmodat(at, name, 0700, 0) == 0)
			fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		fchmod(fd, 0700);	/* a guest's 0555 directory must still empty */
		if (depth > 4096) {
			close(fd);
			return -ELOOP;
		}
		if (!(d = fdopendir(fd))) {
			/* Out of memory: the tree must still go. */
			rc = remove_entries_raw(fd, depth);
			close(fd);
		} else {
			while ((e = readdir(d))) {
				int r;

				if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
					continue;
				if ((r = remove_at(dirfd(d), e->d_name, depth + 1)) < 0 && rc == 0)
					rc = r;
			}
			closedir(d);
		}
		if (unlinkat(at, name, AT_REMOVEDIR) < 0 && rc == 0)
			rc = -errno;
		return rc;
	}
	return unlinkat(at, name, 0) < 0 ? -errno : 0;
}

int memfs_remove_tree(const char *path)
{
	return remove_at(AT_FDCWD, path, 0);
}
