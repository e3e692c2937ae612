/* fakeroot: files as root sees them. Ownership changes are recorded instead
 * of made, stat results show the records, device nodes are regular
 * placeholder files with their type and rdev recorded, and real modes keep
 * the invoking user's own access (u+rw, u+rwx for directories) so the
 * guest keeps root's DAC override on files that user owns. */
#include "modules/fakeroot/fakeroot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define NO_ID 0xffffffffu
#define GUEST_AT_FDCWD (-100)
#define F_AT_SYMLINK_NOFOLLOW 0x100
#define F_AT_REMOVEDIR 0x200
#define F_AT_EACCESS 0x200
#define F_AT_EMPTY_PATH 0x1000
#define F_RENAME_EXCHANGE 2
#define F_O_CREAT 0100
#define F_O_EXCL 0200
#define HOST_PATH_MAX (PATH_MAX + 64)

/* ---- paths and host objects ---- */

int fr_host_path(struct umv_call *call, int dirfd_idx, unsigned idx, char *out, size_t size,
		 bool *empty)
{
	char guest[PATH_MAX];
	ssize_t n = umv_vm_read_str(call, umv_call_arg(call, idx), guest, sizeof(guest));
	int dirfd = dirfd_idx >= 0 ? (int)(int32_t)umv_call_arg(call, (unsigned)dirfd_idx) :
				     GUEST_AT_FDCWD;
	int len;

	if (n < 0)
		return (int)n;
	*empty = n == 0;
	if (guest[0] == '/')
		len = snprintf(out, size, "%s", guest);
	else if (dirfd == GUEST_AT_FDCWD)
		len = snprintf(out, size, "/proc/%d/cwd%s%s", (int)umv_call_tid(call),
			       n ? "/" : "", guest);
	else if (dirfd >= 0)
		len = snprintf(out, size, "/proc/%d/fd/%d%s%s", (int)umv_call_tid(call), dirfd,
			       n ? "/" : "", guest);
	else
		return -EBADF;
	return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : 0;
}

static int fd_path(struct umv_call *call, unsigned idx, char *out, size_t size)
{
	int fd = (int)(int32_t)umv_call_arg(call, idx);

	if (fd < 0)
		return -EBADF;
	snprintf(out, size, "/proc/%d/fd/%d", (int)umv_call_tid(call), fd);
	return 0;
}

static int host_stat(const char *path, bool follow, struct stat *sb)
{
	int rc = follow ? stat(path, sb) : lstat(path, sb);

	return rc < 0 ? -errno : 0;
}

/* An absolute host path for a hint: the /proc magic link resolved. */
static char *hint_of(const char *host)
{
	char link[HOST_PATH_MAX], target[PATH_MAX], *out;
	const char *rest;
	int tid, fd, used = 0;
	ssize_t n;

	if (strncmp(host, "/proc/", 6) != 0)
		return strdup(host);
	if (sscanf(host, "/proc/%d/fd/%d%n", &tid, &fd, &used) == 2 && used > 0)
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", tid, fd);
	else if (sscanf(host, "/proc/%d/cwd%n", &tid, &used) == 1 && used > 0)
		snprintf(link, sizeof(link), "/proc/%d/cwd", tid);
	else
		return strdup(host);
	rest = host + used;
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0 || target[0] != '/')
		return NULL;
	target[n] = '\0';
	if (asprintf(&out, "%s%s", strcmp(target, "/") == 0 && *rest ? "" : target, rest) < 0)
		return NULL;
	return out;
}

static void set_hint(struct fr_state *st, struct fr_entry *e, const char *host)
{
	char *hint;

	if (!st->db.file && !st->export_file)
		return;		/* hints matter only to a saved db */
	hint = hint_of(host);
	if (hint)
		fr_db_set_path(&st->db, e, hint);
	free(hint);
}

static uint32_t umask_of(pid_t tid)
{
	char v[32];

	return fr_proc_status_field(tid, "Umask", v, sizeof(v)) == 0 ?
		(uint32_t)strtoul(v, NULL, 8) & 0777 : 022;
}

static bool same_kind(uint32_t recorded, uint32_t real)
{
	if (S_ISCHR(recorded) || S_ISBLK(recorded))
		return S_ISREG(real) || (recorded & S_IFMT) == (real & S_IFMT);
	return (recorded & S_IFMT) == (real & S_IFMT);
}

static uint32_t real_mode_for(uint32_t type, uint32_t mode);

void fr_view(struct fr_state *st, uint64_t dev, uint64_t ino, uint32_t *mode, uint32_t *uid,
	     uint32_t *gid, uint64_t *rdev)
{
	struct fr_entry *e = fr_db_find(&st->db, dev, ino);

	if (e && same_kind(e->mode, *mode)) {
		uint32_t real = *mode & 07777, type = *mode;

		*mode = e->mode;
		/* The module keeps a file of the user's at real_mode_for(the
		 * record); other bits there mean a chmod ran natively since
		 * (an untrapped fchmod): its mode is the newer one. Device
		 * placeholders (a regular file for a record of a device)
		 * keep the recorded mode. */
		if (*uid == (uint32_t)st->host_uid && (e->mode & S_IFMT) == (type & S_IFMT) &&
		    real != real_mode_for(e->mode, e->mode & 07777))
			*mode = (e->mode & S_IFMT) | real;
		*uid = e->uid;
		*gid = e->gid;
		if (S_ISCHR(e->mode) || S_ISBLK(e->mode))
			*rdev = e->rdev;
		return;
	}
	if (*uid == (uint32_t)st->host_uid)
		*uid = st->threads.def_uid;
	if (*gid == (uint32_t)st->host_gid)
		*gid = st->threads.def_gid;
}

/* fr_view on a struct stat, in place: the mode, owner and rdev the guest
 * sees for the object SB describes. */
static void view_stat(struct fr_state *st, struct stat *sb)
{
	uint32_t mode = sb->st_mode, uid = sb->st_uid, gid = sb->st_gid;
	uint64_t rdev = sb->st_rdev;

	fr_view(st, sb->st_dev, sb->st_ino, &mode, &uid, &gid, &rdev);
	sb->st_mode = mode;
	sb->st_uid = uid;
	sb->st_gid = gid;
	sb->st_rdev = rdev;
}

/* The entry for a host object, created from the guest's current view. */
static struct fr_entry *entry_for(struct fr_state *st, const struct stat *sb)
{
	uint32_t mode = sb->st_mode, uid = sb->st_uid, gid = sb->st_gid;
	uint64_t rdev = sb->st_rdev;
	struct fr_entry *e;

	fr_view(st, sb->st_dev, sb->st_ino, &mode, &uid, &gid, &rdev);
	e = fr_db_get(&st->db, sb->st_dev, sb->st_ino, mode, uid, gid);
	if (e && same_kind(e->mode, sb->st_mode) && e->mode != mode)
		fr_db_set_mode(&st->db, e, mode);	/* a native chmod since */
	if (e && !same_kind(e->mode, sb->st_mode)) {
		/* A stale record of a reused inode. */
		fr_db_set_mode(&st->db, e, sb->st_mode);
		e->uid = uid == (uint32_t)st->host_uid ? st->threads.def_uid : sb->st_uid;
		e->gid = gid == (uint32_t)st->host_gid ? st->threads.def_gid : sb->st_gid;
		e->rdev = 0;
	}
	return e;
}

static struct fr_creds *creds(struct fr_state *st, struct umv_call *call)
{
	return fr_creds_of(&st->threads, umv_call_tid(call), umv_call_pid(call));
}

static enum umv_verdict answer(struct umv_call *call, int64_t result)
{
	umv_call_set_result(call, result);
	return UMV_EMULATE;
}

/* ---- stat family: edit the kernel's answer ---- */

struct stat_layout {
	unsigned buf_idx, size;
	unsigned dev_off, dev_len, ino_off, ino_len, mode_off, mode_len, uid_off, id_len,
		gid_off, rdev_off, rdev_len;
};

static const struct stat_layout x86_64_stat = { 1, 48, 0, 8, 8, 8, 24, 4, 28, 4, 32, 40, 8 };
static const struct stat_layout i386_stat64 = { 1, 96, 0, 8, 88, 8, 16, 4, 24, 4, 28, 32, 8 };
static const struct stat_layout i386_newstat = { 1, 20, 0, 4, 4, 4, 8, 2, 12, 2, 14, 16, 4 };
static const struct stat_layout i386_oldstat = { 1, 14, 0, 2, 2, 2, 4, 2, 8, 2, 10, 12, 2 };

static uint64_t get_uint(const uint8_t *p, unsigned len)
{
	uint64_t v = 0;

	memcpy(&v, p, len);	/* little endian hosts and guests */
	return v;
}

static void put_uint(uint8_t *p, unsigned len, uint64_t v)
{
	memcpy(p, &v, len);
}

static uint64_t old_encode(uint64_t dev)
{
	return ((uint64_t)major(dev) << 8) | (minor(dev) & 0xff);
}

static int edit_stat(struct fr_state *st, struct umv_call *call, const struct stat_layout *l,
		     unsigned buf_idx)
{
	uint8_t buf[96];
	uint64_t addr = umv_call_arg(call, buf_idx), dev, ino, rdev;
	uint32_t mode, uid, gid, old_mode, old_uid, old_gid;
	uint64_t old_rdev;

	if (umv_vm_read(call, addr, buf, l->size) != (ssize_t)l->size)
		return -EFAULT;
	dev = get_uint(buf + l->dev_off, l->dev_len);
	ino = get_uint(buf + l->ino_off, l->ino_len);
	old_mode = mode = (uint32_t)get_uint(buf + l->mode_off, l->mode_len);
	old_uid = uid = (uint32_t)get_uint(buf + l->uid_off, l->id_len);
	old_gid = gid = (uint32_t)get_uint(buf + l->gid_off, l->id_len);
	old_rdev = rdev = get_uint(buf + l->rdev_off, l->rdev_len);
	if (l->dev_len == 2)
		dev = makedev((dev >> 8) & 0xff, dev & 0xff);
	fr_view(st, dev, ino, &mode, &uid, &gid, &rdev);
	if (mode == old_mode && uid == old_uid && gid == old_gid && rdev == old_rdev)
		return 0;
	if (l->id_len == 2) {
		uid = uid > 0xffff ? 65534 : uid;
		gid = gid > 0xffff ? 65534 : gid;
	}
	if (l->rdev_len == 2 && rdev != old_rdev)
		rdev = old_encode(rdev);
	put_uint(buf + l->mode_off, l->mode_len, mode);
	put_uint(buf + l->uid_off, l->id_len, uid);
	put_uint(buf + l->gid_off, l->id_len, gid);
	put_uint(buf + l->rdev_off, l->rdev_len, rdev);
	/* Write from the mode on: one write covers the changed fields. */
	if (umv_vm_write(call, addr + l->mode_off, buf + l->mode_off,
			 l->rdev_off + l->rdev_len - l->mode_off) < 0)
		return -EFAULT;
	return 0;
}

/* struct statx: nlink@16 uid@20 gid@24 mode@28(u16) ino@32, rdev
 * major/minor @128/132, dev major/minor @136/140. */
static int edit_statx(struct fr_state *st, struct umv_call *call)
{
	uint8_t buf[144];
	uint64_t addr = umv_call_arg(call, 4), rdev;
	uint32_t mode, uid, gid, mask, rmaj, rmin, dmaj, dmin;
	uint16_t m16;

	if (umv_vm_read(call, addr, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		return -EFAULT;
	memcpy(&mask, buf, 4);
	memcpy(&uid, buf + 20, 4);
	memcpy(&gid, buf + 24, 4);
	memcpy(&m16, buf + 28, 2);
	memcpy(&rmaj, buf + 128, 4);
	memcpy(&rmin, buf + 132, 4);
	memcpy(&dmaj, buf + 136, 4);
	memcpy(&dmin, buf + 140, 4);
	mode = m16;
	rdev = makedev(rmaj, rmin);
	fr_view(st, makedev(dmaj, dmin), get_uint(buf + 32, 8), &mode, &uid, &gid, &rdev);
	m16 = (uint16_t)mode;
	rmaj = major(rdev);
	rmin = minor(rdev);
	memcpy(buf + 20, &uid, 4);
	memcpy(buf + 24, &gid, 4);
	memcpy(buf + 28, &m16, 2);
	memcpy(buf + 128, &rmaj, 4);
	memcpy(buf + 132, &rmin, 4);
	(void)mask;
	if (umv_vm_write(call, addr + 20, buf + 20, 10) < 0 ||
	    umv_vm_write(call, addr + 128, buf + 128, 8) < 0)
		return -EFAULT;
	return 0;
}

static void stat_leave(struct fr_state *st, struct umv_call *call, int64_t *result)
{
	int id = umv_call_sysid(call);
	bool i386 = umv_call_arch(call) == UMV_ARCH_I386;
	int rc;

	if (*result != 0)
		return;
	if (id == st->id_statx)
		rc = edit_statx(st, call);
	else if (id == st->id_newfstatat)
		rc = edit_stat(st, call, &x86_64_stat, 2);
	else if (id == st->id_fstatat64)
		rc = edit_stat(st, call, &i386_stat64, 2);
	else if (id == st->id_stat64 || id == st->id_lstat64 || id == st->id_fstat64)
		rc = edit_stat(st, call, &i386_stat64, 1);
	else if (id == st->id_oldstat || id == st->id_oldlstat || id == st->id_oldfstat)
		rc = edit_stat(st, call, &i386_oldstat, 1);
	else
		rc = edit_stat(st, call, i386 ? &i386_newstat : &x86_64_stat, 1);
	if (rc < 0)
		*result = rc;
}

/* x86_64 fstat and the common newfstatat forms (fd + AT_EMPTY_PATH, or one
 * name without '/' and AT_SYMLINK_NOFOLLOW) are answered at entry from the
 * monitor's own stat: one stop instead of two. Only forms where the
 * monitor's lookup reaches exactly the guest's object qualify: no path
 * walk that could cross a /proc/self-like link, no "..". The kernel's
 * struct stat on x86_64 is glibc's. Returns false to take the exit path. */
static bool stat_at_entry(struct fr_state *st, struct umv_call *call, enum umv_verdict *v)
{
	int id = umv_call_sysid(call);
	char host[HOST_PATH_MAX], name[NAME_MAX + 1];
	uint64_t flags = 0, buf;
	int dirfd = GUEST_AT_FDCWD, rc, len;
	bool follow = true;
	struct stat sb;
	ssize_t n;

#ifndef __x86_64__
	return false;		/* the buffer is written as the host's struct stat */
#endif
	if (umv_call_arch(call) != UMV_ARCH_X86_64)
		return false;
	if (id == st->id_fstat) {
		dirfd = (int)(int32_t)umv_call_arg(call, 0);
		buf = umv_call_arg(call, 1);
		name[0] = '\0';
		flags = F_AT_EMPTY_PATH;
	} else if (id == st->id_newfstatat) {
		dirfd = (int)(int32_t)umv_call_arg(call, 0);
		buf = umv_call_arg(call, 2);
		flags = umv_call_arg(call, 3);
		if (flags & ~(uint64_t)(F_AT_EMPTY_PATH | F_AT_SYMLINK_NOFOLLOW))
			return false;
		n = umv_vm_read_str(call, umv_call_arg(call, 1), name, sizeof(name));
		if (n < 0)
			return false;	/* the kernel says what is wrong */
		if (n > 0 && (!(flags & F_AT_SYMLINK_NOFOLLOW) || strchr(name, '/') ||
			      strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
			      strcmp(name, "self") == 0 || strcmp(name, "thread-self") == 0))
			return false;
		if (n == 0 && !(flags & F_AT_EMPTY_PATH))
			return false;
		follow = n == 0;
	} else {
		return false;
	}
	if (dirfd < 0 && dirfd != GUEST_AT_FDCWD)
		return false;
	if (dirfd == GUEST_AT_FDCWD)
		len = snprintf(host, sizeof(host), "/proc/%d/cwd%s%s", (int)umv_call_tid(call),
			       name[0] ? "/" : "", name);
	else
		len = snprintf(host, sizeof(host), "/proc/%d/fd/%d%s%s", (int)umv_call_tid(call),
			       dirfd, name[0] ? "/" : "", name);
	if (len < 0 || (size_t)len >= sizeof(host))
		return false;
	rc = host_stat(host, follow, &sb);
	if (rc < 0)
		return false;	/* errors: the kernel's own, at the exit path */
	view_stat(st, &sb);
	if (umv_vm_write(call, buf, &sb, sizeof(sb)) != (ssize_t)sizeof(sb))
		return false;	/* a bad buffer: the kernel's EFAULT */
	*v = answer(call, 0);
	return true;
}

/* ---- chown ---- */

/* Where a call's target is: (dirfd idx or -1, path idx or -1 for an fd
 * at FD_IDX) and whether the last link is followed. */
struct target {
	int dirfd_idx, path_idx, fd_idx, flags_idx;
	bool follow;
};

static int resolve(struct umv_call *call, const struct target *t, char *host, size_t size,
		   struct stat *sb)
{
	bool empty = false, follow = t->follow;
	uint64_t flags = t->flags_idx >= 0 ? umv_call_arg(call, (unsigned)t->flags_idx) : 0;
	int rc;

	if (t->path_idx < 0) {
		if ((rc = fd_path(call, (unsigned)t->fd_idx, host, size)) < 0)
			return rc;
		return host_stat(host, true, sb);
	}
	if ((rc = fr_host_path(call, t->dirfd_idx, (unsigned)t->path_idx, host, size, &empty)) < 0)
		return rc;
	if (flags & F_AT_SYMLINK_NOFOLLOW)
		follow = false;
	if (empty) {
		if (!(flags & F_AT_EMPTY_PATH) || t->dirfd_idx < 0)
			return -ENOENT;
		follow = true;	/* the fd's own object */
	}
	return host_stat(host, follow, sb);
}

static bool in_groups(const struct fr_creds *c, uint32_t gid)
{
	if (gid == c->fsgid)
		return true;
	for (size_t i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

static enum umv_verdict chown_enter(struct fr_state *st, struct umv_call *call, bool id16)
{
	int id = umv_call_sysid(call);
	struct target t = { -1, 0, -1, -1, true };
	unsigned uid_idx = 1;
	char host[HOST_PATH_MAX];
	struct stat sb, view;
	struct fr_creds *c = creds(st, call);
	struct fr_entry *e;
	uint32_t uid, gid, cur_uid, cur_gid;
	int rc;

	if (!c)
		return answer(call, -ENOMEM);
	if (id == st->id_lchown || id == st->id_lchown16) {
		t.follow = false;
	} else if (id == st->id_fchown || id == st->id_fchown16) {
		t.path_idx = -1;
		t.fd_idx = 0;
	} else if (id == st->id_fchownat) {
		t = (struct target){ 0, 1, -1, 4, true };
		uid_idx = 2;
	}
	uid = (uint32_t)umv_call_arg(call, uid_idx);
	gid = (uint32_t)umv_call_arg(call, uid_idx + 1);
	if (id16) {
		uid = (uid & 0xffff) == 0xffff ? NO_ID : (uid & 0xffff);
		gid = (gid & 0xffff) == 0xffff ? NO_ID : (gid & 0xffff);
	}
	if ((rc = resolve(call, &t, host, sizeof(host), &sb)) < 0)
		return answer(call, rc);
	view = sb;
	view_stat(st, &view);
	cur_uid = view.st_uid;
	cur_gid = view.st_gid;
	if (c->fsuid != 0 && ((uid != NO_ID && uid != cur_uid) || c->fsuid != cur_uid ||
			      (gid != NO_ID && gid != cur_gid && !in_groups(c, gid))))
		return answer(call, -EPERM);
	if (!(e = entry_for(st, &sb)))
		return answer(call, -ENOMEM);
	if (uid != NO_ID)
		e->uid = uid;
	if (gid != NO_ID)
		e->gid = gid;
	/* Like the kernel: any chown of a non-directory drops set-uid, and
	 * set-gid when it means something (group-executable). */
	if (!S_ISDIR(e->mode)) {
		uint32_t m = e->mode & ~(uint32_t)S_ISUID, real;
		if ((m & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			m &= ~(uint32_t)S_ISGID;
		fr_db_set_mode(&st->db, e, m);
		/* Set-id bits real on a file of the user's (made before the
		 * run) go too, or fr_view would take them for a native chmod. */
		real = real_mode_for(e->mode, e->mode & 07777);
		if (sb.st_uid == st->host_uid && (sb.st_mode & 07777) != real && !S_ISLNK(sb.st_mode))
			chmod(host, real);
	}
	st->db.dirty = true;
	set_hint(st, e, host);
	return answer(call, 0);
}

/* ---- chmod: record, and keep the owner's access on the real file ---- */

static uint32_t real_mode_for(uint32_t type, uint32_t mode)
{
	uint32_t real = (mode & 0777) | (S_ISDIR(type) ? 0700 : 0600);

	if (S_ISDIR(type))
		real |= mode & S_ISGID;	/* the kernel passes the gid on */
	return real;
}

static enum umv_verdict chmod_enter(struct fr_state *st, struct umv_call *call)
{
	int id = umv_call_sysid(call);
	struct target t = { -1, 0, -1, -1, true };
	unsigned mode_idx = 1;
	char host[HOST_PATH_MAX];
	struct stat sb, view;
	struct fr_creds *c = creds(st, call);
	struct fr_entry *e;
	uint32_t mode, real;
	int rc;

	if (!c)
		return answer(call, -ENOMEM);
	if (id == st->id_fchmod) {
		t.path_idx = -1;
		t.fd_idx = 0;
	} else if (id == st->id_fchmodat || id == st->id_fchmodat2) {
		t = (struct target){ 0, 1, -1, id == st->id_fchmodat2 ? 3 : -1, true };
		mode_idx = 2;
	}
	mode = (uint32_t)umv_call_arg(call, mode_idx) & 07777;
	if ((rc = resolve(call, &t, host, sizeof(host), &sb)) < 0)
		return answer(call, rc);
	if (S_ISLNK(sb.st_mode))
		return UMV_PASS;	/* the kernel's EOPNOTSUPP */
	view = sb;
	view_stat(st, &view);
	if (c->fsuid != 0 && c->fsuid != view.st_uid)
		return answer(call, -EPERM);
	real = real_mode_for(sb.st_mode, mode);
	if (real == mode && sb.st_uid == st->host_uid &&
	    !fr_db_find(&st->db, sb.st_dev, sb.st_ino))
		return UMV_PASS;	/* the kernel's result is the view */
	if (!(e = entry_for(st, &sb)))
		return answer(call, -ENOMEM);
	fr_db_set_mode(&st->db, e, (e->mode & S_IFMT) | mode);
	set_hint(st, e, host);
	if (sb.st_uid != st->host_uid || (sb.st_mode & 07777) == real)
		return answer(call, 0);	/* not ours to change, or nothing to do */
	if (umv_call_set_arg(call, mode_idx, real) < 0) {
		/* i386 socketcall-like packing cannot happen here; be safe. */
		return answer(call, chmod(host, real) < 0 ? -errno : 0);
	}
	return UMV_REWRITE;
}

/* ---- creation ---- */

/* The parent directory of HOST's last component. */
static int parent_stat(const char *host, struct stat *sb)
{
	char dir[HOST_PATH_MAX];
	size_t len = strlen(host);
	char *slash;

	if (len >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, host, len + 1);
	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
	slash = strrchr(dir, '/');
	if (!slash)
		return -ENOENT;
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return host_stat(dir, true, sb);
}

/* Fill P with the owner new objects at HOST get; true when they differ
 * from what an unrecorded file shows (so the object must be recorded). */
static bool new_owner(struct fr_state *st, const struct fr_creds *c, const char *host,
		      struct fr_pending *p)
{
	struct stat dir;
	bool differs = c->fsuid != st->threads.def_uid || c->fsgid != st->threads.def_gid;

	p->uid = c->fsuid;
	p->gid = c->fsgid;
	if (st->db.setgid_dirs && parent_stat(host, &dir) == 0) {
		struct fr_entry *e = fr_db_find(&st->db, dir.st_dev, dir.st_ino);
		if (e && S_ISDIR(e->mode) && (e->mode & S_ISGID)) {
			p->gid = e->gid;
			differs = differs || e->gid != st->threads.def_gid;
		}
	}
	return differs;
}

/* openat2's struct open_how (flags, mode, resolve, then zeroes in a
 * bigger struct), as the guest passed it. */
#define HOW_MIN 24
#define HOW_MAX 512
struct open_how2 {
	uint64_t words[HOW_MAX / 8];
	size_t size;
};

static bool read_how(struct umv_call *call, struct open_how2 *how)
{
	uint64_t size = umv_call_arg(call, 3);

	if (size < HOW_MIN || size > HOW_MAX)
		return false;
	how->size = (size_t)size;
	memset(how->words, 0, sizeof(how->words));
	return umv_vm_read(call, umv_call_arg(call, 2), how->words, how->size) ==
	       (ssize_t)how->size;
}

static struct target create_target(const struct fr_state *st, int id)
{
	/* dirfd-taking creators name the path in argument 1 */
	if (id == st->id_openat || id == st->id_openat2 || id == st->id_mkdirat ||
	    id == st->id_mknodat)
		return (struct target){ 0, 1, -1, -1, false };
	if (id == st->id_symlinkat)
		return (struct target){ 1, 2, -1, -1, false };
	if (id == st->id_symlink)
		return (struct target){ -1, 1, -1, -1, false };
	return (struct target){ -1, 0, -1, -1, false };
}

static enum umv_verdict create_enter(struct fr_state *st, struct umv_call *call,
				     enum fr_kind kind)
{
	int id = umv_call_sysid(call);
	struct target t = create_target(st, id);
	struct fr_creds *c = creds(st, call);
	struct fr_pending *p;
	char host[HOST_PATH_MAX];
	bool empty, rewrite = false, record;
	uint32_t mode = 0, flags = 0, need = 0;
	unsigned mode_idx = 0;
	struct open_how2 how;
	struct stat sb;
	int rc;

	if (!c)
		return answer(call, -ENOMEM);
	if (kind == FR_OPEN && id == st->id_openat2) {
		if (!read_how(call, &how))
			return UMV_PASS;	/* the kernel's EINVAL, E2BIG or EFAULT */
		flags = (uint32_t)how.words[0];
		if (!(flags & F_O_CREAT))
			return fr_status_enter(st, call, t.dirfd_idx, (unsigned)t.path_idx);
		need = 0600;
	} else if (kind == FR_OPEN) {
		if (id == st->id_creat) {
			flags = F_O_CREAT;
			mode_idx = 1;
		} else {
			unsigned fl = id == st->id_openat ? 2 : 1;
			flags = (uint32_t)umv_call_arg(call, fl);
			mode_idx = fl + 1;
		}
		if (!(flags & F_O_CREAT))
			return fr_status_enter(st, call, t.dirfd_idx, (unsigned)t.path_idx);
		need = 0600;
	} else if (kind == FR_MKDIR) {
		mode_idx = id == st->id_mkdirat ? 2 : 1;
		need = 0700;
	} else if (kind == FR_MKNOD) {
		mode_idx = id == st->id_mknodat ? 2 : 1;
		need = 0600;
	}
	if (id == st->id_openat2)
		mode = (uint32_t)how.words[1];
	else if (kind != FR_CREATE_LINK)
		mode = (uint32_t)umv_call_arg(call, mode_idx);
	/* The common creation needs nothing (default ids, no set-gid
	 * directory recorded, a mode we keep): decided before any read of
	 * guest memory, as new_owner would. */
	if (c->fsuid == st->threads.def_uid && c->fsgid == st->threads.def_gid &&
	    !st->db.setgid_dirs && (mode & need) == need &&
	    !(kind == FR_MKNOD && (S_ISCHR(mode) || S_ISBLK(mode))))
		return UMV_PASS;
	if ((rc = fr_host_path(call, t.dirfd_idx, (unsigned)t.path_idx, host, sizeof(host),
			       &empty)) < 0)
		return UMV_PASS;	/* the kernel says what is wrong */
	p = fr_pending_of(st, umv_call_tid(call), true);
	if (!p)
		return answer(call, -ENOMEM);
	memset(p, 0, sizeof(*p));
	p->tid = umv_call_tid(call);
	p->used = true;
	record = new_owner(st, c, host, p);
	if (kind == FR_MKNOD && (S_ISCHR(mode) || S_ISBLK(mode))) {
		if (c->fsuid != 0)
			return answer(call, -EPERM);
		p->rdev = (uint32_t)umv_call_arg(call, mode_idx + 1);
		/* The placeholder: a regular file only we can tell apart,
		 * with the real mode fr_view expects of the record. */
		if (umv_call_set_arg(call, mode_idx, S_IFREG | (mode & 0777) | 0600) < 0 ||
		    umv_call_set_arg(call, mode_idx + 1, 0) < 0)
			return answer(call, -EINVAL);
		rewrite = true;
		record = true;
	} else if (need && (mode & need) != need) {
		if (id == st->id_openat2) {
			/* A copy of the guest's open_how with the mode widened. */
			how.words[1] = mode | need;
			rc = umv_call_set_arg_buf(call, 2, how.words, how.size);
			if (rc == -EINPROGRESS) {
				p->used = false;
				return UMV_PASS;	/* asked again once mapped */
			}
			if (rc < 0)
				return answer(call, rc == -ENOSPC ? -ENOMEM : rc);
		} else if (umv_call_set_arg(call, mode_idx, mode | need) < 0) {
			return answer(call, -EINVAL);
		}
		rewrite = true;
		record = true;
	}
	if (!record) {
		p->used = false;
		return UMV_PASS;
	}
	p->record = true;
	p->mode = mode;
	if (kind == FR_OPEN && !(flags & F_O_EXCL))
		p->existed = host_stat(host, false, &sb) == 0;
	umv_call_want_leave(call);
	return rewrite ? UMV_REWRITE : UMV_POST;
}

static void create_leave(struct fr_state *st, struct umv_call *call, enum fr_kind kind,
			 int64_t *result)
{
	struct fr_pending *p = fr_pending_of(st, umv_call_tid(call), false);
	int id = umv_call_sysid(call);
	struct target t = create_target(st, id);
	char host[HOST_PATH_MAX];
	struct stat sb;
	struct fr_entry *e;
	uint32_t type, perm, umask_bits;
	bool empty;
	int rc;

	if (!p || !p->record) {
		if (p)
			p->used = false;
		return;
	}
	p->used = false;
	if (*result < 0 || p->existed)
		return;
	if (kind == FR_OPEN) {
		snprintf(host, sizeof(host), "/proc/%d/fd/%d", (int)umv_call_tid(call),
			 (int)*result);
		rc = host_stat(host, true, &sb);
	} else {
		rc = fr_host_path(call, t.dirfd_idx, (unsigned)t.path_idx, host, sizeof(host),
				  &empty);
		if (rc == 0)
			rc = host_stat(host, false, &sb);
	}
	if (rc < 0)
		return;		/* gone meanwhile: nothing to own */
	umask_bits = kind == FR_CREATE_LINK ? 0 : umask_of(umv_call_tid(call));
	type = sb.st_mode & S_IFMT;
	if (kind == FR_MKNOD && (S_ISCHR(p->mode) || S_ISBLK(p->mode)))
		type = p->mode & S_IFMT;
	if (kind == FR_CREATE_LINK)
		perm = sb.st_mode & 07777;
	else if (kind == FR_MKDIR)
		perm = (p->mode & (0777 | S_ISVTX) & ~umask_bits) | (sb.st_mode & S_ISGID);
	else
		perm = p->mode & 07777 & ~umask_bits;
	if (kind == FR_OPEN && (p->mode & 0600) == 0600)
		perm = sb.st_mode & 07777;
	e = fr_db_get(&st->db, sb.st_dev, sb.st_ino, type | perm, p->uid, p->gid);
	if (!e) {
		umv_log(st->mod, UMV_LOG_WARN, "out of memory: owner of a new file not recorded");
		return;
	}
	fr_db_set_mode(&st->db, e, type | perm);
	e->uid = p->uid;
	e->gid = p->gid;
	e->rdev = (S_ISCHR(type) || S_ISBLK(type)) ? p->rdev : 0;
	if (kind != FR_OPEN)
		set_hint(st, e, host);
	else if (st->db.file || st->export_file) {
		char *hint = hint_of(host);
		if (hint)
			fr_db_set_path(&st->db, e, hint);
		free(hint);
	}
}

/* ---- access as root ---- */

static enum umv_verdict access_enter(struct fr_state *st, struct umv_call *call)
{
	int id = umv_call_sysid(call);
	struct target t = { -1, 0, -1, -1, true };
	unsigned mode_idx = 1;
	uint64_t flags = 0;
	struct fr_creds *c = creds(st, call);
	char host[HOST_PATH_MAX];
	struct stat sb;
	uint32_t amode;
	int rc;

	if (!c)
		return answer(call, -ENOMEM);
	if (id == st->id_faccessat || id == st->id_faccessat2) {
		t = (struct target){ 0, 1, -1, id == st->id_faccessat2 ? 3 : -1, true };
		mode_idx = 2;
		if (id == st->id_faccessat2)
			flags = umv_call_arg(call, 3);
	}
	if ((flags & F_AT_EACCESS) ? c->euid != 0 : c->ruid != 0)
		return UMV_PASS;	/* a non-root guest: the host user's answer */
	amode = (uint32_t)umv_call_arg(call, mode_idx);
	if (amode & ~7u)
		return answer(call, -EINVAL);
	if ((rc = resolve(call, &t, host, sizeof(host), &sb)) < 0)
		return answer(call, rc);
	view_stat(st, &sb);
	if ((amode & X_OK) && !S_ISDIR(sb.st_mode) && !(sb.st_mode & 0111))
		return answer(call, -EACCES);
	if ((amode & W_OK) && access(host, W_OK) < 0 && errno == EROFS)
		return answer(call, -EROFS);
	return answer(call, 0);
}

/* ---- removal and renames: entries go with the last link ---- */

static bool last_link(const struct stat *sb)
{
	return S_ISDIR(sb->st_mode) || sb->st_nlink <= 1;
}

static enum umv_verdict remove_enter(struct fr_state *st, struct umv_call *call,
				     enum fr_kind kind)
{
	int id = umv_call_sysid(call);
	char host[HOST_PATH_MAX];
	struct stat sb;
	struct fr_pending *p;
	bool empty;
	struct target t = { -1, 0, -1, -1, false }, old = { -1, 0, -1, -1, false };

	if (st->db.count == 0)
		return UMV_PASS;
	if (kind == FR_REMOVE) {
		if (id == st->id_unlinkat)
			t = (struct target){ 0, 1, -1, -1, false };
	} else {
		if (id == st->id_rename) {
			t.path_idx = 1;
		} else {
			t = (struct target){ 2, 3, -1, -1, false };
			old = (struct target){ 0, 1, -1, -1, false };
			if (id == st->id_renameat2 && (umv_call_arg(call, 4) & F_RENAME_EXCHANGE))
				return UMV_PASS;	/* both names survive */
		}
	}
	p = fr_pending_of(st, umv_call_tid(call), true);
	if (!p)
		return UMV_PASS;
	memset(p, 0, sizeof(*p));
	p->tid = umv_call_tid(call);
	if (fr_host_path(call, t.dirfd_idx, (unsigned)t.path_idx, host, sizeof(host), &empty) == 0 &&
	    host_stat(host, false, &sb) == 0 && last_link(&sb) &&
	    fr_db_find(&st->db, sb.st_dev, sb.st_ino)) {
		p->drop = true;
		p->drop_dev = sb.st_dev;
		p->drop_ino = sb.st_ino;
	}
	if (kind == FR_RENAME && (st->db.file || st->export_file) &&
	    fr_host_path(call, old.dirfd_idx, (unsigned)old.path_idx, host, sizeof(host), &empty) == 0 &&
	    host_stat(host, false, &sb) == 0 && fr_db_find(&st->db, sb.st_dev, sb.st_ino)) {
		p->move = true;
		p->move_dev = sb.st_dev;
		p->move_ino = sb.st_ino;
	}
	if (!p->drop && !p->move)
		return UMV_PASS;
	p->used = true;
	return UMV_POST;
}

static void remove_leave(struct fr_state *st, struct umv_call *call, enum fr_kind kind,
			 int64_t *result)
{
	struct fr_pending *p = fr_pending_of(st, umv_call_tid(call), false);
	int id = umv_call_sysid(call);
	char host[HOST_PATH_MAX];
	bool empty;

	if (!p)
		return;
	p->used = false;
	if (*result != 0)
		return;
	if (p->drop && !(p->move && p->move_dev == p->drop_dev && p->move_ino == p->drop_ino))
		fr_db_drop(&st->db, p->drop_dev, p->drop_ino);
	if (kind == FR_RENAME && p->move) {
		struct fr_entry *e = fr_db_find(&st->db, p->move_dev, p->move_ino);
		struct target t = id == st->id_rename ? (struct target){ -1, 1, -1, -1, false } :
			(struct target){ 2, 3, -1, -1, false };
		if (e && fr_host_path(call, t.dirfd_idx, (unsigned)t.path_idx, host, sizeof(host),
				      &empty) == 0)
			set_hint(st, e, host);
	}
}

/* ---- exec of set-uid/set-gid files ---- */

static enum umv_verdict exec_enter(struct fr_state *st, struct umv_call *call)
{
	int id = umv_call_sysid(call);
	struct target t = id == st->id_execveat ? (struct target){ 0, 1, -1, 4, true } :
						  (struct target){ -1, 0, -1, -1, true };
	struct fr_creds *c = creds(st, call);
	struct fr_pending *p;
	char host[HOST_PATH_MAX];
	struct stat sb;
	struct fr_entry *e = NULL;

	if (!c)
		return UMV_PASS;
	if (st->db.count && resolve(call, &t, host, sizeof(host), &sb) == 0)
		e = fr_db_find(&st->db, sb.st_dev, sb.st_ino);
	if (e && !(S_ISREG(e->mode) && (e->mode & (S_ISUID | S_ISGID))))
		e = NULL;
	if (!e && c->suid == c->euid && c->sgid == c->egid && c->fsuid == c->euid &&
	    c->fsgid == c->egid)
		return UMV_PASS;
	p = fr_pending_of(st, umv_call_tid(call), true);
	if (!p)
		return UMV_PASS;
	memset(p, 0, sizeof(*p));
	p->tid = umv_call_tid(call);
	p->used = true;
	if (e) {
		p->setid = true;
		p->mode = e->mode;
		p->uid = e->uid;
		p->gid = e->gid;
	}
	return UMV_POST;
}

static void exec_leave(struct fr_state *st, struct umv_call *call, int64_t *result)
{
	struct fr_pending *p = fr_pending_of(st, umv_call_tid(call), false);
	struct fr_creds *c;

	if (!p)
		return;
	p->used = false;
	if (*result != 0 || !(c = creds(st, call)))
		return;
	if (p->setid && (p->mode & S_ISUID))
		c->euid = p->uid;
	if (p->setid && (p->mode & S_ISGID) && (p->mode & S_IXGRP))
		c->egid = p->gid;
	/* execve(2): the saved ids take the effective ones. */
	c->suid = c->fsuid = c->euid;
	c->sgid = c->fsgid = c->egid;
}

enum umv_verdict fr_files_enter(struct fr_state *st, struct umv_call *call, enum fr_kind kind)
{
	enum umv_verdict v;

	switch (kind) {
	case FR_STAT:
		return stat_at_entry(st, call, &v) ? v : UMV_POST;
	case FR_CHOWN:
	case FR_CHOWN16:
		return chown_enter(st, call, kind == FR_CHOWN16);
	case FR_CHMOD:
		return chmod_enter(st, call);
	case FR_MKNOD:
	case FR_MKDIR:
	case FR_OPEN:
	case FR_CREATE_LINK:
		return create_enter(st, call, kind);
	case FR_ACCESS:
		return access_enter(st, call);
	case FR_REMOVE:
	case FR_RENAME:
		return remove_enter(st, call, kind);
	case FR_EXEC:
		return exec_enter(st, call);
	default:
		return UMV_PASS;
	}
}

void fr_files_leave(struct fr_state *st, struct umv_call *call, enum fr_kind kind,
		    int64_t *result)
{
	switch (kind) {
	case FR_STAT:
		stat_leave(st, call, result);
		break;
	case FR_MKNOD:
	case FR_MKDIR:
	case FR_OPEN:
	case FR_CREATE_LINK:
		create_leave(st, call, kind, result);
		break;
	case FR_REMOVE:
	case FR_RENAME:
		remove_leave(st, call, kind, result);
		break;
	case FR_EXEC:
		exec_leave(st, call, result);
		break;
	default:
		break;
	}
}
