/* memfs module: state shared by its files. The tree lives in a private
 * directory on a tmpfs the monitor owns, bound at the guest path, so the
 * guest's fds, mmap and exec are the kernel's own; the module only keeps
 * the size limit, answers statfs and saves the tree at exit. */
#ifndef UMV_MEMFS_H
#define UMV_MEMFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <umvisor/module.h>

#define MEMFS_PAGE 4096u

/* Syscall ids, looked up at init (not part of the ABI). */
struct memfs_ids {
	int write, pwrite64, writev, pwritev, pwritev2, truncate, truncate64, ftruncate,
		ftruncate64, fallocate, copy_file_range, sendfile, sendfile64, splice, open, openat,
		openat2, creat, mkdir, mkdirat, mknod, mknodat, symlink, symlinkat, link, linkat,
		statfs, statfs64, fstatfs, fstatfs64, rename, renameat, renameat2;
};

struct memfs {
	struct umv_mod *mod;
	char *guest;		/* where the guest sees the tree */
	char *root;		/* the private directory (canonical host path) */
	size_t root_len;
	uint64_t limit;		/* bytes; 0: only the tmpfs's own */
	uint64_t estimate;	/* >= usage as far as trapped calls tell */
	char *save_dir;		/* absolute; NULL: nothing saved */
	char *tmpfs;		/* tmpfs=DIR: where the tree is made; NULL: looked for */
	bool started;
	struct memfs_ids id;		/* the guest ran: there is something to save */
};

/* backing.c: a fresh private directory on a tmpfs, in DIR (NULL: the
 * first fit of /dev/shm, $XDG_RUNTIME_DIR, /run/shm, /tmp). *OUT is
 * malloc'd, canonical. Returns 0 or -errno (-ENODEV: no tmpfs there). */
int memfs_backing_create(struct umv_mod *mod, const char *dir, char **out);
/* Removes the tree at PATH and PATH itself. 0 or the first -errno. */
int memfs_remove_tree(const char *path);

/* space.c: the size limit. A file counts for max(allocated bytes, size
 * rounded up to a page): holes are paid for when the size is set, so
 * writes through a shared mapping (which the monitor never sees) cannot
 * pass the limit. */
uint64_t memfs_charge(const struct stat *st);
/* The tree's charge now (a walk). 0 with *USAGE, or -errno. */
int memfs_usage(const struct memfs *m, uint64_t *usage);
/* enter() for the calls that can grow the tree. */
enum umv_verdict memfs_space_enter(struct memfs *m, struct umv_call *call);
/* Is host path P (absolute, normalised lexically) inside the tree? */
bool memfs_path_inside(const struct memfs *m, const char *p);
/* The host path argument IDX names (after the path layer's rewrite),
 * made absolute via /proc/TID/{cwd,fd/N} and normalised lexically, in
 * OUT. 0, or -errno (-ENOENT for an empty path). */
int memfs_arg_path(struct umv_call *call, int dirfd_idx, unsigned idx, char *out, size_t size);
/* 1 if guest fd FD of the calling process is a file of the tree, 0 if
 * not, -errno. */
int memfs_fd_inside(const struct memfs *m, struct umv_call *call, int fd);

/* save.c: copies the tree (content, modes, owners when permitted, times,
 * symlinks, hard links, fifos) into DIR, created if missing. Returns the
 * number of entries that could not be copied (0: all), or -errno. */
int memfs_save(const struct memfs *m, const char *dir);

#endif
