/* monitor/private_dir.c: the monitor's private working directories under
 * $TMPDIR (or /tmp), e.g. where synthetic directories and files live, and
 * those of modules (umv_private_dir, in module_loader.c).
 *
 * A monitor killed by SIGKILL cannot remove its own directory. So each
 * monitor holds an flock on its directory while it lives (the kernel drops
 * it when the process dies, in whatever pid namespace), and every new one
 * removes the unlocked directories of the same user it finds beside its
 * own. A directory is made under a name the sweep ignores (".STEM-new.*")
 * and renamed only once locked, so a sweep never sees a live one unlocked. */
#include "monitor/monitor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *tmp_base(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && tmp[0] == '/' ? tmp : "/tmp";
}

/* Pre-order: directories the guest or we made read-only become writable. */
static int open_up(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_D && (st->st_mode & 0700) != 0700)
		chmod(path, 0700);
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void mon_private_dir_remove_tree(const char *path)
{
	nftw(path, open_up, 16, FTW_PHYS);
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Is NAME "STEM.SUFFIX"? Only the exact stems the monitor makes: other
 * programs' (and modules') umvisor-* directories are none of our business. */
static bool ours_by_name(const char *name, const char *stem)
{
	size_t len = strlen(stem);

	return strncmp(name, stem, len) == 0 && name[len] == '.' && name[len + 1] != '\0';
}

/* Removes the stale STEM directories of this user under BASE. */
static void sweep_stale(const char *base, const char *stem)
{
	DIR *dir = opendir(base);
	struct dirent *de;
	unsigned removed = 0;

	if (!dir)
		return;
	while ((de = readdir(dir)) != NULL) {
		struct stat st;
		char *path;
		int fd;

		if (!ours_by_name(de->d_name, stem))
			continue;
		if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		fd = openat(dirfd(dir), de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 &&
		    asprintf(&path, "%s/%s", base, de->d_name) >= 0) {
			mon_private_dir_remove_tree(path);
			free(path);
			removed++;
		}
		close(fd);
	}
	closedir(dir);
	if (removed)
		mon_log(MON_LOG_DEBUG, "removed %u private directories left by killed monitors in %s",
			removed, base);
}

int mon_private_dir_make(const char *stem, char **path_out, int *lock_fd_out)
{
	return mon_private_dir_make_in(NULL, stem, path_out, lock_fd_out);
}

int mon_private_dir_make_in(const char *base, const char *stem, char **path_out,
			    int *lock_fd_out)
{
	char *fresh, *path;
	int fd, rc;

	*path_out = NULL;
	*lock_fd_out = -1;
	if (!base)
		base = tmp_base();
	sweep_stale(base, stem);
	if (asprintf(&fresh, "%s/.%s-new.XXXXXX", base, stem) < 0)
		return -ENOMEM;
	if (!mkdtemp(fresh)) {
		rc = -errno;
		mon_log(MON_LOG_ERROR, "cannot create a private directory %s: %s", fresh,
			strerror(-rc));
		free(fresh);
		return rc;
	}
	fd = open(fresh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = -errno;
		mon_log(MON_LOG_ERROR, "cannot lock the private directory %s: %s", fresh,
			strerror(-rc));
		if (fd >= 0)
			close(fd);
		rmdir(fresh);
		free(fresh);
		return rc;
	}
	/* Same random suffix under the visible name; keep the hidden one if
	 * the file system cannot rename without replacing (it still works,
	 * it is just not swept after a SIGKILL). */
	if (asprintf(&path, "%s/%s.%s", base, stem, strrchr(fresh, '.') + 1) < 0) {
		path = fresh;
	} else if (renameat2(AT_FDCWD, fresh, AT_FDCWD, path, RENAME_NOREPLACE) < 0) {
		mon_log(MON_LOG_DEBUG, "keeping %s (rename: %s)", fresh, strerror(errno));
		free(path);
		path = fresh;
	} else {
		free(fresh);
	}
	*path_out = path;
	*lock_fd_out = fd;
	return 0;
}
