/* monitor/path_host.c: stat/readlink/open of host paths of any length.
 *
 * The guest may sit in a directory deeper than PATH_MAX (reached by relative
 * steps), so the walk's host paths can be longer than the kernel accepts in
 * one argument. Such a path is opened piecewise: each prefix chunk shorter
 * than PATH_MAX that ends at a '/' becomes a directory fd for the next. The
 * walk only builds host paths from components it has already checked, so
 * the chunks cross no symlink that the walk has not accounted for. */
#include "config.h"

#include "monitor/paths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Opens the directory holding the tail of a long path; *tail points into
 * path at a name shorter than PATH_MAX. Returns the fd or -errno. */
static int open_long_prefix(const char *path, size_t len, const char **tail)
{
	char chunk[PATH_MAX];
	int dirfd = AT_FDCWD;
	const char *p = path;
	size_t left = len;
	while (left >= PATH_MAX) {
		/* cut at the last '/' that keeps the chunk under PATH_MAX */
		size_t cut = PATH_MAX - 1;
		while (cut > 0 && p[cut] != '/')
			cut--;
		if (cut == 0) {
			if (dirfd != AT_FDCWD)
				close(dirfd);
			return -ENAMETOOLONG;
		}
		memcpy(chunk, p, cut);
		chunk[cut] = '\0';
		int fd = openat(dirfd, chunk, O_PATH | O_DIRECTORY | O_CLOEXEC);
		int err = errno;
		if (dirfd != AT_FDCWD)
			close(dirfd);
		if (fd < 0)
			return -err;
		dirfd = fd;
		p += cut + 1;
		left -= cut + 1;
	}
	*tail = p;
	return dirfd;
}

int umv_host_stat(const char *path, size_t len, bool follow, struct stat *st)
{
	int flags = follow ? 0 : AT_SYMLINK_NOFOLLOW;
	if (len == 0)
		path = "/";
	if (len < PATH_MAX)
		return fstatat(AT_FDCWD, path, st, flags) < 0 ? -errno : 0;
	const char *tail;
	int dirfd = open_long_prefix(path, len, &tail);
	if (dirfd < 0)
		return dirfd;
	int rc = fstatat(dirfd, *tail ? tail : ".", st, flags) < 0 ? -errno : 0;
	close(dirfd);
	return rc;
}

long umv_host_readlink(const char *path, size_t len, char *buf, size_t cap)
{
	ssize_t n;
	if (len < PATH_MAX) {
		n = readlink(len ? path : "/", buf, cap);
		if (n < 0)
			return -errno;
		return n;
	}
	const char *tail;
	int dirfd = open_long_prefix(path, len, &tail);
	if (dirfd < 0)
		return dirfd;
	n = readlinkat(dirfd, tail, buf, cap);
	long rc = n < 0 ? -errno : n;
	close(dirfd);
	return rc;
}

int umv_host_open_dir(const char *path, size_t len)
{
	const char *tail;
	int dirfd, fd;

	if (len == 0)
		path = "/";
	if (len < PATH_MAX)
		return (fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 ? -errno : fd;
	if ((dirfd = open_long_prefix(path, len, &tail)) < 0)
		return dirfd;
	fd = openat(dirfd, *tail ? tail : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int rc = fd < 0 ? -errno : fd;
	close(dirfd);
	return rc;
}
