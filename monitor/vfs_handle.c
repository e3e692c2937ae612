/* open_by_handle_at while paths are virtualized. A handle names an object,
 * not a path: one made by name_to_handle_at on a guest path is fine, but a
 * handle made outside (or forged) can name any object of that file system,
 * also one the guest's view hides (outside -r ROOT, under a bind). The
 * monitor opens the handle itself, finds the object's host path, maps it
 * to a guest path and resolves that forward: the call goes to the kernel
 * only when the guest can see that very object. Else ESTALE, the kernel's
 * answer for a handle that names nothing the caller can reach. Handles the
 * monitor cannot open (no CAP_DAC_READ_SEARCH, a bad handle) are left to
 * the kernel, which then refuses the guest the same way. */
#include "monitor/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HANDLE_MAX 128		/* MAX_HANDLE_SZ */

/* The guest's mount_fd (or cwd) as a descriptor of the monitor's: a real
 * open, as the kernel takes no O_PATH descriptor there. -errno. */
static int open_mount_fd(pid_t tid, int mount_fd)
{
	char path[64];
	int fd;

	if (mount_fd == AT_FDCWD)
		snprintf(path, sizeof(path), "/proc/%d/cwd", (int)tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)tid, mount_fd);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* 1: the guest sees the object open in FD at a guest path; 0: it does not;
 * -errno. */
static int object_visible(struct mon_thread *t, int fd)
{
	struct umv_path_result res = { 0 };
	char *guest = NULL;
	struct stat obj, seen;
	int rc;

	if (fstat(fd, &obj) < 0)
		return -errno;
	/* the monitor's own fd, named as the guest would name it */
	rc = mon_vfs_fd_guest_path(getpid(), fd, &guest);
	if (rc != 0) {
		free(guest);
		return rc == 1 || rc == -ENOENT ? 0 : rc;	/* no name, or none the guest sees */
	}
	rc = mon_vfs_resolve(t, NULL, guest, UMV_PATH_NOFOLLOW, &res);
	free(guest);
	if (rc == 0 && res.host && lstat(res.host, &seen) == 0)
		rc = seen.st_dev == obj.st_dev && seen.st_ino == obj.st_ino;
	else
		rc = 0;
	umv_path_result_free(&res);
	return rc;
}

int mon_vfs_open_by_handle(struct umv_call *call)
{
	static bool logged;
	struct mon_thread *t = call->thread;
	unsigned char buf[sizeof(struct file_handle) + HANDLE_MAX];
	struct file_handle *fh = (struct file_handle *)buf;
	int mfd, fd, rc;

	if (umv_vm_read(call, call->sc.args[1], fh, sizeof(*fh)) != (ssize_t)sizeof(*fh) ||
	    fh->handle_bytes > HANDLE_MAX ||
	    umv_vm_read(call, call->sc.args[1] + sizeof(*fh), fh->f_handle, fh->handle_bytes) !=
		    (ssize_t)fh->handle_bytes)
		return UMV_PASS;	/* the kernel's EFAULT or EINVAL */
	if ((mfd = open_mount_fd(t->tid, (int)call->sc.args[0])) == -ENOENT)
		return UMV_PASS;	/* no such fd: the kernel's EBADF */
	if (mfd < 0)	/* one we cannot read through (write-only): unchecked */
		return mon_vfs_emulate(call, mfd == -EACCES ? -EBADF : mfd);
	fd = open_by_handle_at(mfd, fh, O_PATH | O_CLOEXEC);
	close(mfd);
	if (fd < 0)
		return UMV_PASS;	/* EPERM, ESTALE...: the kernel says the same */
	rc = object_visible(t, fd);
	close(fd);
	if (rc == 1)
		return UMV_PASS;
	if (rc < 0)
		return mon_vfs_emulate(call, rc);
	mon_log_once(logged, MON_LOG_WARN,
		     "open_by_handle_at: a handle for an object outside the guest's view: ESTALE");
	return mon_vfs_emulate(call, -ESTALE);
}
