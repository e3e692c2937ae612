/* memfs: save=DIR. The tree is copied out at exit: regular files (content,
 * holes not kept), directories, symlinks, fifos, and device nodes where the
 * host permits; modes, times, and owners when the monitor may set them.
 * Files with several names stay hard links of each other. Sockets are not
 * copied (a bound socket is no content). */
#include "modules/memfs/memfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

struct saved_link {
	ino_t ino;
	char *path;		/* where the first name went */
};

struct saver {
	struct umv_mod *mod;
	struct saved_link *links;
	size_t nlinks, cap;
	int failures;
};

static void failed(struct saver *s, const char *what, const char *path, int err)
{
	if (s->failures++ < 10)
		umv_log(s->mod, UMV_LOG_ERROR, "save: %s %s: %s", what, path, strerror(err));
}

/* Owner, mode, times of a copy (by fd, or by name for a symlink). */
static void set_attrs(struct saver *s, int fd, int dirfd, const char *name, const char *path,
		      const struct stat *st)
{
	struct timespec times[2] = { st->st_atim, st->st_mtim };
	bool link = S_ISLNK(st->st_mode);

	/* Owners only when we may (root): otherwise the saving user's. */
	if (geteuid() == 0) {
		int rc = fd >= 0 ? fchown(fd, st->st_uid, st->st_gid)
				 : fchownat(dirfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW);
		if (rc < 0)
			failed(s, "owner of", path, errno);
	}
	if (!link && (fd >= 0 ? fchmod(fd, st->st_mode & 07777)
			      : fchmodat(dirfd, name, st->st_mode & 07777, 0)) < 0)
		failed(s, "mode of", path, errno);
	if ((fd >= 0 ? futimens(fd, times) : utimensat(dirfd, name, times, AT_SYMLINK_NOFOLLOW)) < 0)
		failed(s, "times of", path, errno);
}

static int copy_data(int in, int out, off_t size)
{
	char buf[65536];
	off_t done = 0;

	while (done < size) {
		ssize_t n = sendfile(out, in, NULL, (size_t)(size - done > 1 << 30 ? 1 << 30 : size - done));

		if (n < 0 && (errno == EINVAL || errno == ENOSYS) && done == 0)
			break;	/* no sendfile here: plain copy */
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;	/* shrank meanwhile */
		done += n;
	}
	if (done >= size)
		return 0;
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf)), w = 0;

		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		while (w < n) {
			ssize_t k = write(out, buf + w, (size_t)(n - w));
			if (k < 0)
				return -errno;
			w += k;
		}
	}
}

static const char *linked_before(struct saver *s, const struct stat *st, const char *path)
{
	for (size_t i = 0; i < s->nlinks; i++)
		if (s->links[i].ino == st->st_ino)
			return s->links[i].path;
	if (s->nlinks == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		struct saved_link *grown = realloc(s->links, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		s->links = grown;
		s->cap = cap;
	}
	if ((s->links[s->nlinks].path = strdup(path)))
		s->links[s->nlinks++].ino = st->st_ino;
	return NULL;
}

static void save_dir(struct saver *s, int src, int dst, const char *dpath, int depth);
static int open_src(int src, const char *name, int flags);

static void save_entry(struct saver *s, int src, int dst, const char *name, const char *dpath,
		       int depth)
{
	struct stat st;
	char *path;
	int in, out;

	if (asprintf(&path, "%s/%s", dpath, name) < 0) {
		failed(s, "copy", name, ENOMEM);
		return;
	}
	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		free(path);
		return;	/* gone */
	}
	if (S_ISDIR(st.st_mode)) {
		if (mkdirat(dst, name, 0700) < 0 && errno != EEXIST) {
			failed(s, "directory", path, errno);
		} else if ((in = open_src(src, name, O_DIRECTORY)) < 0) {
			failed(s, "directory", path, errno);
		} else if ((out = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
			failed(s, "directory", path, errno);
			close(in);
		} else {
			if (depth < 4096)
				save_dir(s, in, out, path, depth + 1);	/* closes IN */
			else
				close(in);
			set_attrs(s, out, dst, name, path, &st);
			close(out);
		}
	} else if (S_ISREG(st.st_mode)) {
		const char *first = st.st_nlink > 1 ? linked_before(s, &st, path) : NULL;

		if (first) {
			if (linkat(AT_FDCWD, first, dst, name, 0) < 0)
				failed(s, "hard link", path, errno);
		} else if ((in = open_src(src, name, 0)) < 0) {
			failed(s, "file", path, errno);
		} else {
			out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
			if (out < 0) {
				failed(s, "file", path, errno);
			} else {
				int rc = copy_data(in, out, st.st_size);
				if (rc < 0)
					failed(s, "content of", path, -rc);
				set_attrs(s, out, dst, name, path, &st);
				if (close(out) < 0)
					failed(s, "content of", path, errno);
			}
			close(in);
		}
	} else if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);

		if (n < 0) {
			failed(s, "symlink", path, errno);
		} else {
			target[n] = '\0';
			if (symlinkat(target, dst, name) < 0)
				failed(s, "symlink", path, errno);
			else
				set_attrs(s, -1, dst, name, path, &st);
		}
	} else if (S_ISSOCK(st.st_mode)) {
		umv_log(s->mod, UMV_LOG_INFO, "save: socket %s not copied", path);
	} else if (mknodat(dst, name, st.st_mode & (S_IFMT | 07777), st.st_rdev) < 0) {
		failed(s, "special file", path, errno);
	} else {
		set_attrs(s, -1, dst, name, path, &st);
	}
	free(path);
}

/* Opens NAME in SRC for reading; a guest's 0000 file or directory is made
 * readable by its owner first (the tree is removed after the save). */
static int open_src(int src, const char *name, int flags)
{
	/* O_NONBLOCK: a FIFO swapped in since the lstat must not block */
	int fd = openat(src, name, flags | O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat st;

	if (fd < 0 && errno == EACCES && fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    fchmodat(src, name, (st.st_mode & 07777) | (S_ISDIR(st.st_mode) ? 0500 : 0400), 0) == 0)
		fd = openat(src, name, flags | O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	return fd;
}

/* Copies the entries of SRC into DST; closes SRC. */
static void save_dir(struct saver *s, int src, int dst, const char *dpath, int depth)
{
	DIR *d = fdopendir(src);
	struct dirent *e;

	if (!d) {
		failed(s, "directory", dpath, errno);
		close(src);
		return;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			save_entry(s, dirfd(d), dst, e->d_name, dpath, depth);
	closedir(d);
}

int memfs_save(const struct memfs *m, const char *dir)
{
	struct saver s = { .mod = m->mod };
	struct stat st;
	int src, dst;

	if (stat(m->root, &st) < 0)
		return -errno;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if ((src = open(m->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	if ((dst = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		int rc = -errno;
		close(src);
		return rc;
	}
	save_dir(&s, src, dst, dir, 0);
	set_attrs(&s, dst, AT_FDCWD, dir, dir, &st);
	close(dst);
	for (size_t i = 0; i < s.nlinks; i++)
		free(s.links[i].path);
	free(s.links);
	return s.failures;
}
