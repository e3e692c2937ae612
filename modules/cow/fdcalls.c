/* Calls on descriptors the cow view must see: getdents64/getdents of a
 * merged directory (served from the union), and metadata changes through
 * a descriptor of a lower file (applied to its upper copy instead, since
 * the kernel lets an owner fchmod even a read-only descriptor). */
#include "cow.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

int cow_guest_creds(pid_t tid, uid_t *fsuid, gid_t *fsgid, mode_t *umask_out)
{
	char path[64], line[256];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (!(f = fopen(path, "re")))
		return -errno;
	*umask_out = 022;
	while (fgets(line, sizeof(line), f)) {
		unsigned long r, e, s, fs, m;
		if (sscanf(line, "Uid: %lu %lu %lu %lu", &r, &e, &s, &fs) == 4) {
			*fsuid = (uid_t)fs;
			found |= 1;
		} else if (sscanf(line, "Gid: %lu %lu %lu %lu", &r, &e, &s, &fs) == 4) {
			*fsgid = (gid_t)fs;
			found |= 2;
		} else if (sscanf(line, "Umask: %lo", &m) == 1) {
			*umask_out = (mode_t)m & 0777;
		}
	}
	fclose(f);
	return found == 3 ? 0 : -EIO;
}

/* The host path behind the guest's FD (malloc'd), or NULL. */
static char *fd_host(pid_t pid, int fd)
{
	char link[64], buf[PATH_MAX];
	ssize_t n;

	if (fd < 0)
		return NULL;
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0 || buf[0] != '/')
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/* Our own descriptor for the guest's FD (same open file, so the same
 * position), or -errno. */
static int grab_fd(pid_t pid, int fd)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int ours;

	if (pfd < 0)
		return -errno;
	ours = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	if (ours < 0) {
		int rc = -errno;
		close(pfd);
		return rc;
	}
	close(pfd);
	return ours;
}

static enum umv_verdict answer(struct umv_call *call, int64_t result)
{
	umv_call_set_result(call, result);
	return UMV_EMULATE;
}

/* linux_dirent64, or the old linux_dirent (WORD bytes for ino/off). */
static size_t put_dirent(unsigned char *buf, size_t room, bool old, size_t word,
			 const struct cow_dirent *e, uint64_t off)
{
	size_t nl = strlen(e->name);
	size_t reclen = old ? (2 * word + 2 + nl + 2 + word - 1) & ~(word - 1)
			    : (19 + nl + 1 + 7) & ~(size_t)7;
	uint16_t rl = (uint16_t)reclen;

	if (reclen > room)
		return 0;
	memset(buf, 0, reclen);
	if (old) {
		if (word == 4) {
			uint32_t ino = (uint32_t)e->ino, o = (uint32_t)off;
			memcpy(buf, &ino, 4);
			memcpy(buf + 4, &o, 4);
		} else {
			memcpy(buf, &e->ino, 8);
			memcpy(buf + 8, &off, 8);
		}
		memcpy(buf + 2 * word, &rl, 2);
		memcpy(buf + 2 * word + 2, e->name, nl);
		buf[reclen - 1] = e->type;	/* d_type is the record's last byte */
	} else {
		int64_t o = (int64_t)off;
		memcpy(buf, &e->ino, 8);
		memcpy(buf + 8, &o, 8);
		memcpy(buf + 16, &rl, 2);
		buf[18] = e->type;
		memcpy(buf + 19, e->name, nl);
	}
	return reclen;
}

/* Directory positions that survive changes between two reads (rm -r that
 * unlinks while it reads): each entry's d_off is a key from its name, "."
 * 1 and ".." 2, the listing sorted by key, and a read resumes after the
 * last key given, whatever was removed or added since. 31 bits, so i386
 * guests can seekdir to them; equal keys are bumped apart. */
static uint64_t name_key(const char *name)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	if (strcmp(name, ".") == 0)
		return 1;
	if (strcmp(name, "..") == 0)
		return 2;
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	h &= 0x7ffffff0u;
	return h < 16 ? 16 : h;
}

static int key_cmp(const void *a, const void *b)
{
	const struct cow_dirent *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void order_listing(struct cow_listing *l)
{
	for (size_t i = 0; i < l->n; i++)
		l->e[i].off = name_key(l->e[i].name);
	if (l->n > 1)
		qsort(l->e, l->n, sizeof(l->e[0]), key_cmp);
	for (size_t i = 1; i < l->n; i++)
		if (l->e[i].off <= l->e[i - 1].off)
			l->e[i].off = l->e[i - 1].off + 1;
}

static enum umv_verdict serve_getdents(struct cow *c, struct umv_call *call, bool old)
{
	pid_t pid = umv_call_pid(call);
	int fd = (int)umv_call_arg(call, 0);
	uint64_t addr = umv_call_arg(call, 1);
	size_t count = (size_t)(unsigned)umv_call_arg(call, 2);
	size_t word = umv_call_arch(call) == UMV_ARCH_I386 ? 4 : 8;
	char *host = fd_host(pid, fd), *rel = NULL, *up = NULL;
	struct cow_listing l = { 0 };
	struct stat st;
	unsigned char *buf = NULL;
	size_t used = 0;
	off_t pos;
	int ours = -1;
	enum umv_verdict v = UMV_PASS;

	if (!host || cow_host_to_rel(c, host, &rel) < 0)
		goto out;
	if (cow_inside(host, c->lower, c->lower_len)) {
		/* a lower directory with no upper copy lists natively */
		if (!(up = cow_join(c->upper, rel)) || lstat(up, &st) < 0 || !S_ISDIR(st.st_mode))
			goto out;
	}
	if ((ours = grab_fd(pid, fd)) < 0) {
		umv_log(c->mod, UMV_LOG_WARN, "getdents of %s: pidfd_getfd: %s (listed natively)",
			host, strerror(-ours));
		goto out;
	}
	int fl = fcntl(ours, F_GETFL);
	if (fl < 0 || (fl & O_PATH) || fstat(ours, &st) < 0 || !S_ISDIR(st.st_mode))
		goto out;	/* the kernel's EBADF or ENOTDIR */
	if ((pos = lseek(ours, 0, SEEK_CUR)) < 0) {
		v = answer(call, -errno);
		goto out;
	}
	if (cow_list(c, rel, st.st_ino, &l) < 0) {
		v = answer(call, -ENOMEM);
		goto out;
	}
	if (count > 65536)
		count = 65536;
	if (!(buf = malloc(count ? count : 1))) {
		v = answer(call, -ENOMEM);
		goto out;
	}
	/* the file position is the cursor: the key of the last entry given */
	order_listing(&l);
	size_t i = 0;
	while (i < l.n && l.e[i].off <= (uint64_t)pos)
		i++;
	size_t last = SIZE_MAX;
	for (; i < l.n; i++) {
		size_t n;
		if (old && word == 4 && l.e[i].ino > UINT32_MAX) {
			if (used == 0) {
				v = answer(call, -EOVERFLOW);
				goto out;
			}
			break;
		}
		n = put_dirent(buf + used, count - used, old, word, &l.e[i], l.e[i].off);
		if (n == 0)
			break;
		used += n;
		last = i;
	}
	if (used == 0 && i < l.n) {
		v = answer(call, -EINVAL);	/* buffer too small for one entry */
		goto out;
	}
	if (used && umv_vm_write(call, addr, buf, used) != (ssize_t)used) {
		v = answer(call, -EFAULT);
		goto out;
	}
	if (last != SIZE_MAX && lseek(ours, (off_t)l.e[last].off, SEEK_SET) < 0) {
		v = answer(call, -errno);
		goto out;
	}
	v = answer(call, (int64_t)used);
out:
	if (ours >= 0)
		close(ours);
	cow_listing_free(&l);
	free(buf);
	free(host);
	free(rel);
	free(up);
	return v;
}

/* Is the guest's FD an O_PATH descriptor (/proc/PID/fdinfo/FD "flags:")? */
static bool is_opath(pid_t pid, int fd)
{
	char path[64], line[128];
	unsigned long flags = 0;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	if (!(f = fopen(path, "re")))
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "flags: %lo", &flags) == 1;
	fclose(f);
	return found && (flags & O_PATH);
}

/* fchmod & co. on a descriptor of a lower object: 1 with *UP = the upper
 * copy's path to change instead, 0 not ours, -errno. */
static int lower_fd_target(struct cow *c, struct umv_call *call, int fd, char **up)
{
	char *host = fd_host(umv_call_pid(call), fd), *rel;
	struct stat st;
	uid_t uid;
	gid_t gid;
	mode_t mask;
	int rc;

	if (!host)
		return 0;
	rel = cow_rel_of(host, c->lower, c->lower_len);
	free(host);
	if (!rel)
		return 0;
	if (is_opath(umv_call_pid(call), fd)) {
		free(rel);
		return 0;	/* the kernel's EBADF: these calls refuse O_PATH */
	}
	char *now = NULL;
	if ((rc = cow_lookup(c, rel, NULL, &now)) < 0) {
		free(rel);
		return rc;
	}
	if (cow_inside(now, c->upper, c->upper_len)) {
		/* copied up already: the view's object is the upper copy */
		free(rel);
		*up = now;
		return 1;
	}
	bool gone = !cow_inside(now, c->lower, c->lower_len) || !cow_lower_visible(c, rel, &st);
	free(now);
	if (gone) {
		umv_log(c->mod, UMV_LOG_WARN,
			"%s on a descriptor of deleted lower file %s: EROFS", umv_call_name(call), rel);
		free(rel);
		return -EROFS;
	}
	/* the kernel's rule for these calls: the owner (or root) */
	if ((rc = cow_guest_creds(umv_call_tid(call), &uid, &gid, &mask)) < 0 ||
	    (uid != 0 && uid != st.st_uid)) {
		free(rel);
		return rc < 0 ? rc : -EPERM;
	}
	rc = cow_copy_up(c, rel, true);
	if (rc == 0 && !(*up = cow_join(c->upper, rel)))
		rc = -ENOMEM;
	free(rel);
	return rc < 0 ? rc : 1;
}

static int64_t apply_fd_change(struct cow *c, struct umv_call *call, int id, const char *up)
{
	if (id == c->id_fchmod)
		return chmod(up, (mode_t)umv_call_arg(call, 1) & 07777) < 0 ? -errno : 0;
	if (id == c->id_fchown || id == c->id_fchown16) {
		uint64_t u = umv_call_arg(call, 1), g = umv_call_arg(call, 2);
		uint64_t none = id == c->id_fchown16 ? 0xffff : 0xffffffff;
		return chown(up, (u & none) == none ? (uid_t)-1 : (uid_t)u,
			     (g & none) == none ? (gid_t)-1 : (gid_t)g) < 0 ? -errno : 0;
	}
	if (id == c->id_fsetxattr || id == c->id_fremovexattr) {
		char name[XATTR_NAME_MAX + 1];
		ssize_t n = umv_vm_read_str(call, umv_call_arg(call, 1), name, sizeof(name));
		if (n < 0)
			return n == -ENAMETOOLONG ? -ERANGE : n;
		if (id == c->id_fremovexattr)
			return removexattr(up, name) < 0 ? -errno : 0;
		size_t size = (size_t)umv_call_arg(call, 3);
		if (size > XATTR_SIZE_MAX)
			return -E2BIG;
		char *val = malloc(size ? size : 1);
		if (!val)
			return -ENOMEM;
		if (size && umv_vm_read(call, umv_call_arg(call, 2), val, size) != (ssize_t)size) {
			free(val);
			return -EFAULT;
		}
		int64_t r = setxattr(up, name, val, size, (int)umv_call_arg(call, 4)) < 0 ? -errno : 0;
		free(val);
		return r;
	}
	/* utimensat(fd, NULL, times, flags): 64-bit timespecs (x86_64, and
	 * i386's utimensat_time64); i386's old utimensat has 32-bit ones */
	uint64_t tp = umv_call_arg(call, 2);
	struct timespec ts[2];
	if (!tp)
		return utimensat(AT_FDCWD, up, NULL, 0) < 0 ? -errno : 0;
	if (umv_call_arch(call) == UMV_ARCH_I386 && id == c->id_utimensat) {
		int32_t t32[4];
		if (umv_vm_read(call, tp, t32, sizeof(t32)) != (ssize_t)sizeof(t32))
			return -EFAULT;
		ts[0] = (struct timespec){ t32[0], t32[1] };
		ts[1] = (struct timespec){ t32[2], t32[3] };
	} else {
		int64_t t64[4];
		if (umv_vm_read(call, tp, t64, sizeof(t64)) != (ssize_t)sizeof(t64))
			return -EFAULT;
		ts[0] = (struct timespec){ (time_t)t64[0], (long)t64[1] };
		ts[1] = (struct timespec){ (time_t)t64[2], (long)t64[3] };
	}
	return utimensat(AT_FDCWD, up, ts, 0) < 0 ? -errno : 0;
}

/* open_by_handle_at for writing: a handle can name a lower file that no
 * path of the view reaches for writing. Opened here with O_PATH to see
 * which host object it is; lower ones are refused. */
static enum umv_verdict handle_open(struct cow *c, struct umv_call *call)
{
	uint64_t flags = umv_call_arg(call, 2);
	struct {
		uint32_t bytes;
		int32_t type;
		unsigned char h[128];	/* MAX_HANDLE_SZ */
	} fh;
	char link[64], host[PATH_MAX];
	int mfd, fd;
	ssize_t n;
	bool lower;

	if ((flags & O_ACCMODE) == O_RDONLY && !(flags & (O_TRUNC | O_CREAT)))
		return UMV_PASS;
	if (umv_vm_read(call, umv_call_arg(call, 1), &fh, 8) != 8 || fh.bytes > sizeof(fh.h) ||
	    (fh.bytes && umv_vm_read(call, umv_call_arg(call, 1) + 8, fh.h, fh.bytes) !=
				  (ssize_t)fh.bytes))
		return UMV_PASS;	/* the kernel's EFAULT/EINVAL */
	if ((mfd = grab_fd(umv_call_pid(call), (int)umv_call_arg(call, 0))) < 0)
		return UMV_PASS;	/* EBADF, or AT_FDCWD... */
	fd = (int)syscall(SYS_open_by_handle_at, mfd, &fh, O_PATH | O_CLOEXEC);
	close(mfd);
	if (fd < 0)
		return UMV_PASS;	/* the kernel will say why */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, host, sizeof(host) - 1);
	close(fd);
	if (n <= 0)
		return UMV_PASS;
	host[n] = '\0';
	lower = cow_inside(host, c->lower, c->lower_len);
	if (!lower)
		return UMV_PASS;
	umv_log(c->mod, UMV_LOG_WARN, "open_by_handle_at for writing of lower %s: EROFS", host);
	return answer(call, -EROFS);
}

enum umv_verdict cow_fd_enter(struct cow *c, struct umv_call *call)
{
	int id = umv_call_sysid(call);
	int fd = (int)umv_call_arg(call, 0);
	char *up = NULL;
	int rc;

	if (id == c->id_getdents64 || id == c->id_getdents)
		return serve_getdents(c, call, id == c->id_getdents);
	if (id == c->id_open_by_handle_at)
		return handle_open(c, call);
	if ((id == c->id_utimensat || id == c->id_utimensat_time64) && umv_call_arg(call, 1) != 0)
		return UMV_PASS;	/* a path: the monitor's walk has it */
	if (id == c->id_futimesat) {
		if (umv_call_arg(call, 1) != 0)
			return UMV_PASS;
	}
	if (id == c->id_ioctl || id == c->id_futimesat) {
		char *host = fd_host(umv_call_pid(call), fd);
		bool lower = host && cow_inside(host, c->lower, c->lower_len);
		free(host);
		if (!lower)
			return UMV_PASS;
		umv_log(c->mod, UMV_LOG_WARN, "%s on a descriptor of a lower file: EROFS",
			umv_call_name(call));
		return answer(call, -EROFS);
	}
	if ((rc = lower_fd_target(c, call, fd, &up)) == 0)
		return UMV_PASS;
	if (rc < 0)
		return answer(call, rc);
	int64_t r = apply_fd_change(c, call, id, up);
	free(up);
	return answer(call, r);
}
