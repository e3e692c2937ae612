/* memfs: the size limit. The data path is the kernel's, so the limit is
 * kept where the monitor sees a call that can grow the tree: writes
 * (write, pwrite64, writev, pwritev, pwritev2, copy_file_range, sendfile,
 * splice into a file of the tree), truncate, fallocate, and the creation
 * of names once the tree is full. Each check costs nothing while an upper
 * bound of the usage (the estimate) leaves room; near the limit the tree
 * is walked for the exact figure. See doc/design.md ("memfs"). */
#include "modules/memfs/memfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define G_O_CREAT 0100
#define G_O_APPEND 02000
#define G_O_ACCMODE 03
#define G_O_RDONLY 00
#define G_O_TMPFILE 020200000
#define G_AT_FDCWD (-100)
#define G_FALLOC_KEEP_SIZE 0x01
#define G_FALLOC_PUNCH_HOLE 0x02
#define G_FALLOC_COLLAPSE_RANGE 0x08
#define G_FALLOC_INSERT_RANGE 0x20
#define G_IOV_MAX 1024
#define HOST_PATH_MAX (PATH_MAX + 64)

static uint64_t page_up(uint64_t v)
{
	return v > UINT64_MAX - (MEMFS_PAGE - 1) ? UINT64_MAX : (v + MEMFS_PAGE - 1) & ~(uint64_t)(MEMFS_PAGE - 1);
}

uint64_t memfs_charge(const struct stat *st)
{
	uint64_t alloc = (uint64_t)st->st_blocks * 512;

	if (!S_ISREG(st->st_mode))
		return alloc;
	uint64_t size = page_up((uint64_t)st->st_size);
	return alloc > size ? alloc : size;
}

/* ---- usage: one walk of the tree ---- */

struct linked {
	ino_t ino;
	uint64_t charge;
};

struct walk {
	uint64_t total;
	struct linked *links;	/* files with several names: counted once */
	size_t nlinks, cap;
	int err;
};

static void walk_dir(struct walk *w, int dir, int depth)
{
	DIR *d = fdopendir(dir);
	struct dirent *e;

	if (!d) {
		w->err = -errno;
		close(dir);
		return;
	}
	while ((e = readdir(d))) {
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;	/* gone meanwhile */
		if (S_ISDIR(st.st_mode)) {
			int fd = openat(dirfd(d), e->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			w->total += memfs_charge(&st);
			if (fd >= 0 && depth < 4096)
				walk_dir(w, fd, depth + 1);
			else if (fd >= 0)
				close(fd);
		} else if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
			if (w->nlinks == w->cap) {
				size_t cap = w->cap ? 2 * w->cap : 64;
				struct linked *grown = realloc(w->links, cap * sizeof(*grown));

				if (!grown) {
					w->err = -ENOMEM;
					break;
				}
				w->links = grown;
				w->cap = cap;
			}
			w->links[w->nlinks++] = (struct linked){ st.st_ino, memfs_charge(&st) };
		} else {
			w->total += memfs_charge(&st);
		}
	}
	closedir(d);
}

static int by_ino(const void *a, const void *b)
{
	ino_t x = ((const struct linked *)a)->ino, y = ((const struct linked *)b)->ino;

	return x < y ? -1 : x > y;
}

int memfs_usage(const struct memfs *m, uint64_t *usage)
{
	struct walk w = { 0 };
	int fd = open(m->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	walk_dir(&w, fd, 0);
	if (w.nlinks)
		qsort(w.links, w.nlinks, sizeof(*w.links), by_ino);
	for (size_t i = 0; i < w.nlinks; i++)
		if (i == 0 || w.links[i].ino != w.links[i - 1].ino)
			w.total += w.links[i].charge;
	free(w.links);
	if (w.err < 0)
		return w.err;
	*usage = w.total;
	return 0;
}

/* ---- which objects are the tree's ---- */

bool memfs_path_inside(const struct memfs *m, const char *p)
{
	return strncmp(p, m->root, m->root_len) == 0 &&
	       (p[m->root_len] == '/' || p[m->root_len] == '\0');
}

static int proc_readlink(const char *link, char *out, size_t size)
{
	ssize_t n = readlink(link, out, size - 1);

	if (n < 0)
		return -errno;
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	out[n] = '\0';
	return 0;
}

int memfs_arg_path(struct umv_call *call, int dirfd_idx, unsigned idx, char *out, size_t size)
{
	char path[PATH_MAX], base[HOST_PATH_MAX], link[64];
	ssize_t n = umv_vm_read_str(call, umv_call_arg(call, idx), path, sizeof(path));
	int dirfd = dirfd_idx >= 0 ? (int)(int32_t)umv_call_arg(call, (unsigned)dirfd_idx) : G_AT_FDCWD;
	int rc;

	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ENOENT;
	if (path[0] == '/') {
		if ((size_t)n >= size)
			return -ENAMETOOLONG;
		memcpy(out, path, (size_t)n + 1);
	} else {
		/* Left as the guest wrote it (the path layer proved the kernel
		 * reaches the same object from the real cwd or dirfd). */
		if (dirfd == G_AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)umv_call_tid(call));
		else if (dirfd >= 0)
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)umv_call_tid(call), dirfd);
		else
			return -EBADF;
		if ((rc = proc_readlink(link, base, sizeof(base))) < 0)
			return rc;
		if (base[0] != '/')
			return -ENOTDIR;
		if ((size_t)snprintf(out, size, "%s/%s", base, path) >= size)
			return -ENAMETOOLONG;
	}
	umv_path_fold(out);
	return 0;
}

int memfs_fd_inside(const struct memfs *m, struct umv_call *call, int fd)
{
	char link[64], host[HOST_PATH_MAX];
	int rc;

	if (fd < 0)
		return 0;
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)umv_call_tid(call), fd);
	if ((rc = proc_readlink(link, host, sizeof(host))) < 0)
		return rc == -ENOENT ? 0 : rc;
	return host[0] == '/' && memfs_path_inside(m, host);
}

/* ---- the checks ---- */

static enum umv_verdict refuse(struct umv_call *call, int err)
{
	umv_call_set_result(call, -err);
	return UMV_EMULATE;
}

/* Does GROWTH fit? Fast on the estimate, exact (a walk) near the limit;
 * *USAGE gets the exact figure when one was taken (else UINT64_MAX). */
static bool fits(struct memfs *m, uint64_t growth, uint64_t *usage)
{
	*usage = UINT64_MAX;
	if (growth <= m->limit && m->estimate <= m->limit - growth) {
		m->estimate += growth;
		return true;
	}
	if (memfs_usage(m, usage) < 0) {
		*usage = UINT64_MAX;
		return true;	/* cannot tell: the kernel decides */
	}
	m->estimate = *usage;
	if (growth <= m->limit && *usage <= m->limit - growth) {
		m->estimate += growth;
		return true;
	}
	return false;
}

static int fd_stat(struct umv_call *call, int fd, struct stat *st)
{
	char link[64];

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)umv_call_tid(call), fd);
	return stat(link, st) < 0 ? -errno : 0;
}

/* The file position and open flags of guest fd FD. */
static int fd_info(struct umv_call *call, int fd, uint64_t *pos, unsigned *oflags)
{
	char path[64], buf[512];
	unsigned long long p = 0;
	unsigned flags = 0;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)umv_call_tid(call), fd);
	if ((f = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	if (sscanf(buf, "pos:%llu flags:%o", &p, &flags) != 2)
		return -EIO;
	*pos = p;
	*oflags = flags;
	return 0;
}

/* Total length of an iovec array in guest memory (-EINVAL: the kernel
 * refuses it anyway). */
static int64_t iov_total(struct umv_call *call, uint64_t addr, uint64_t count)
{
	bool wide = umv_call_arch(call) != UMV_ARCH_I386;
	size_t esz = wide ? 16 : 8;
	uint8_t buf[G_IOV_MAX * 16];
	uint64_t total = 0;

	if (count > G_IOV_MAX)
		return -EINVAL;
	if (umv_vm_read(call, addr, buf, count * esz) != (ssize_t)(count * esz))
		return -EFAULT;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t len = 0;

		if (wide) {
			memcpy(&len, buf + i * esz + 8, 8);
		} else {
			uint32_t l32;
			memcpy(&l32, buf + i * esz + 4, 4);
			if (l32 > INT32_MAX)
				return -EINVAL;	/* a negative compat length */
			len = l32;
		}
		if (len > (uint64_t)INT64_MAX - total)
			return -EINVAL;	/* the kernel's too: a negative or overflowing length */
		total += len;
	}
	return (int64_t)total;
}

/* Is the first byte of a LEN-byte guest buffer readable? (A write from
 * a bad buffer is the kernel's EFAULT, not our ENOSPC.) */
static bool readable(struct umv_call *call, uint64_t addr, uint64_t len)
{
	uint8_t byte;

	return len == 0 || umv_vm_read(call, addr, &byte, 1) == 1;
}

/* A write of LEN bytes to guest fd FD (at POS, or at the fd's position
 * when POS is negative). Shortened to what fits when SHORTEN_IDX names
 * the count argument, refused with ENOSPC otherwise; BUF_IDX names the
 * buffer argument (-1: none to check). */
static enum umv_verdict check_write(struct memfs *m, struct umv_call *call, int fd, uint64_t len,
				    int64_t pos, int shorten_idx, int buf_idx)
{
	struct stat st;
	uint64_t usage, at = 0, charge, end, room, max_end, n;
	unsigned oflags = 0;

	if (len == 0 || memfs_fd_inside(m, call, fd) != 1)
		return UMV_PASS;
	if (fits(m, page_up(len) + MEMFS_PAGE, &usage))
		return UMV_PASS;
	/* Near the limit: the exact growth of this write. Calls the kernel
	 * refuses anyway keep the kernel's error. */
	if (fd_stat(call, fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    fd_info(call, fd, &at, &oflags) < 0 || (oflags & G_O_ACCMODE) == G_O_RDONLY ||
	    (buf_idx >= 0 && !readable(call, umv_call_arg(call, (unsigned)buf_idx), len)))
		return UMV_PASS;
	if (pos >= 0)
		at = (uint64_t)pos;
	if (oflags & G_O_APPEND)
		at = (uint64_t)st.st_size;
	charge = memfs_charge(&st);
	end = at + len < at ? UINT64_MAX : at + len;
	if (page_up(end) <= charge)
		return UMV_PASS;	/* within what the file is charged for */
	room = usage < m->limit ? m->limit - usage : 0;
	if (page_up(end) - charge <= room) {
		m->estimate = usage + (page_up(end) - charge);
		return UMV_PASS;
	}
	max_end = (charge + room) & ~(uint64_t)(MEMFS_PAGE - 1);
	n = max_end > at ? max_end - at : 0;
	if (n == 0 || shorten_idx < 0 || umv_call_set_arg(call, (unsigned)shorten_idx, n) < 0)
		return refuse(call, ENOSPC);
	m->estimate = m->limit;
	return UMV_REWRITE;
}

/* A writable regular file of the tree behind guest fd FD (else the
 * kernel answers: EBADF, EINVAL, ...). */
static bool fd_writable_file(struct memfs *m, struct umv_call *call, int fd, struct stat *st)
{
	uint64_t pos;
	unsigned oflags;

	return memfs_fd_inside(m, call, fd) == 1 && fd_stat(call, fd, st) == 0 &&
	       S_ISREG(st->st_mode) && fd_info(call, fd, &pos, &oflags) == 0 &&
	       (oflags & G_O_ACCMODE) != G_O_RDONLY;
}

static enum umv_verdict check_truncate(struct memfs *m, struct umv_call *call, const char *path,
				       int fd, int64_t length)
{
	struct stat st;
	uint64_t usage, charge, after;

	if (length < 0)
		return UMV_PASS;	/* the kernel's EINVAL */
	if (path ? stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, W_OK) < 0
		 : !fd_writable_file(m, call, fd, &st))
		return UMV_PASS;	/* the kernel's error */
	charge = memfs_charge(&st);
	after = page_up((uint64_t)length);
	if (after <= charge)
		return UMV_PASS;
	return fits(m, after - charge, &usage) ? UMV_PASS : refuse(call, ENOSPC);
}

static enum umv_verdict check_fallocate(struct memfs *m, struct umv_call *call)
{
	int fd = (int)(int32_t)umv_call_arg(call, 0);
	uint64_t mode = umv_call_arg(call, 1), off = umv_call_arg(call, 2), len = umv_call_arg(call, 3);
	uint64_t usage, charge, end;
	struct stat st;

	if (mode & (G_FALLOC_PUNCH_HOLE | G_FALLOC_COLLAPSE_RANGE))
		return UMV_PASS;	/* frees */
	if ((int64_t)off < 0 || (int64_t)len <= 0 || off + len > (uint64_t)INT64_MAX)
		return UMV_PASS;	/* the kernel's EINVAL or EFBIG */
	if (!fd_writable_file(m, call, fd, &st))
		return UMV_PASS;
	charge = memfs_charge(&st);
	end = off + len < off ? UINT64_MAX : off + len;
	if (mode & G_FALLOC_INSERT_RANGE)
		end = (uint64_t)st.st_size + len;
	if (page_up(end) <= charge)
		return UMV_PASS;
	return fits(m, page_up(end) - charge, &usage) ? UMV_PASS : refuse(call, ENOSPC);
}

/* A new name in the tree: refused once the tree is full. */
static enum umv_verdict check_create(struct memfs *m, struct umv_call *call, int dirfd_idx,
				     unsigned idx)
{
	char path[HOST_PATH_MAX];
	uint64_t usage;
	struct stat st;

	if (m->estimate < m->limit)
		return UMV_PASS;
	if (memfs_arg_path(call, dirfd_idx, idx, path, sizeof(path)) < 0 ||
	    !memfs_path_inside(m, path) || lstat(path, &st) == 0)
		return UMV_PASS;	/* not ours, or not new */
	return fits(m, 1, &usage) ? UMV_PASS : refuse(call, ENOSPC);
}

/* A rename or link into the tree of a file from elsewhere on the same
 * tmpfs: the file's charge must fit. The path layer answers EXDEV between
 * the tree and any other guest mount, so this is reached only for a name
 * it could not place on a mount (through a dirfd the guest cannot see),
 * where the kernel alone judges (other file systems give EXDEV). */
static enum umv_verdict check_move_in(struct memfs *m, struct umv_call *call, int old_dirfd_idx,
				      unsigned old_idx, int new_dirfd_idx, unsigned new_idx)
{
	char from[HOST_PATH_MAX], to[HOST_PATH_MAX];
	uint64_t usage;
	struct stat st;

	if (memfs_arg_path(call, new_dirfd_idx, new_idx, to, sizeof(to)) < 0 ||
	    !memfs_path_inside(m, to) ||
	    memfs_arg_path(call, old_dirfd_idx, old_idx, from, sizeof(from)) < 0 ||
	    memfs_path_inside(m, from) || lstat(from, &st) < 0)
		return UMV_PASS;
	return fits(m, memfs_charge(&st), &usage) ? UMV_PASS : refuse(call, ENOSPC);
}

static enum umv_verdict check_open(struct memfs *m, struct umv_call *call, int dirfd_idx,
				   unsigned idx, uint64_t flags)
{
	if (!(flags & G_O_CREAT) && (flags & G_O_TMPFILE) != G_O_TMPFILE)
		return UMV_PASS;
	return check_create(m, call, dirfd_idx, idx);
}

/* Guest fd FD is open, and of type TYPE (S_IF*; 0: any). */
static bool in_fd_is(struct umv_call *call, int fd, mode_t type)
{
	struct stat st;

	return fd >= 0 && fd_stat(call, fd, &st) == 0 && (!type || (st.st_mode & S_IFMT) == type);
}

enum umv_verdict memfs_space_enter(struct memfs *m, struct umv_call *call)
{
	const struct memfs_ids *id = &m->id;
	int sys = umv_call_sysid(call);
	char path[HOST_PATH_MAX];
	int64_t total;

	if (sys == id->write)
		return check_write(m, call, (int)(int32_t)umv_call_arg(call, 0), umv_call_arg(call, 2), -1, 2, 1);
	if (sys == id->pwrite64) {
		if ((int64_t)umv_call_arg(call, 3) < 0)
			return UMV_PASS;	/* the kernel's EINVAL */
		return check_write(m, call, (int)(int32_t)umv_call_arg(call, 0), umv_call_arg(call, 2),
				   (int64_t)umv_call_arg(call, 3), 2, 1);
	}
	if (sys == id->writev || sys == id->pwritev || sys == id->pwritev2) {
		int64_t pos = sys == id->writev ? -1 : (int64_t)umv_call_arg(call, 3);

		/* pwritev2's -1 is the fd's position; other negatives EINVAL */
		if ((sys == id->pwritev && pos < 0) || pos < -1)
			return UMV_PASS;
		if (memfs_fd_inside(m, call, (int)(int32_t)umv_call_arg(call, 0)) != 1)
			return UMV_PASS;
		total = iov_total(call, umv_call_arg(call, 1), umv_call_arg(call, 2));
		if (total < 0)
			return UMV_PASS;	/* the kernel's EINVAL/EFAULT */
		return check_write(m, call, (int)(int32_t)umv_call_arg(call, 0), (uint64_t)total, pos, -1, -1);
	}
	if (sys == id->copy_file_range || sys == id->splice) {
		/* The kernel's EBADF/EINVAL first: a copy needs a regular file
		 * to read, a splice into a file a pipe. */
		if (!in_fd_is(call, (int)(int32_t)umv_call_arg(call, 0),
			      sys == id->splice ? S_IFIFO : S_IFREG))
			return UMV_PASS;
		return check_write(m, call, (int)(int32_t)umv_call_arg(call, 2), umv_call_arg(call, 4), -1, 4, -1);
	}
	if (sys == id->sendfile || sys == id->sendfile64) {
		if (!in_fd_is(call, (int)(int32_t)umv_call_arg(call, 1), 0))
			return UMV_PASS;
		return check_write(m, call, (int)(int32_t)umv_call_arg(call, 0), umv_call_arg(call, 3), -1, 3, -1);
	}
	if (sys == id->truncate || sys == id->truncate64) {
		if (memfs_arg_path(call, -1, 0, path, sizeof(path)) < 0 || !memfs_path_inside(m, path))
			return UMV_PASS;
		return check_truncate(m, call, path, -1, (int64_t)umv_call_arg(call, 1));
	}
	if (sys == id->ftruncate || sys == id->ftruncate64) {
		int fd = (int)(int32_t)umv_call_arg(call, 0);

		if (memfs_fd_inside(m, call, fd) != 1)
			return UMV_PASS;
		return check_truncate(m, call, NULL, fd, (int64_t)umv_call_arg(call, 1));
	}
	if (sys == id->fallocate)
		return check_fallocate(m, call);
	if (sys == id->open)
		return check_open(m, call, -1, 0, umv_call_arg(call, 1));
	if (sys == id->openat)
		return check_open(m, call, 0, 1, umv_call_arg(call, 2));
	if (sys == id->openat2) {
		uint64_t how_flags;

		if (umv_vm_read(call, umv_call_arg(call, 2), &how_flags, sizeof(how_flags)) !=
		    (ssize_t)sizeof(how_flags))
			return UMV_PASS;
		return check_open(m, call, 0, 1, how_flags);
	}
	if (sys == id->creat || sys == id->mkdir || sys == id->mknod)
		return check_create(m, call, -1, 0);
	if (sys == id->mkdirat || sys == id->mknodat)
		return check_create(m, call, 0, 1);
	if (sys == id->link && check_move_in(m, call, -1, 0, -1, 1) != UMV_PASS)
		return UMV_EMULATE;
	if (sys == id->linkat && check_move_in(m, call, 0, 1, 2, 3) != UMV_PASS)
		return UMV_EMULATE;
	if (sys == id->rename)
		return check_move_in(m, call, -1, 0, -1, 1);
	if (sys == id->renameat || sys == id->renameat2)
		return check_move_in(m, call, 0, 1, 2, 3);
	if (sys == id->symlink || sys == id->link)
		return check_create(m, call, -1, 1);
	if (sys == id->symlinkat)
		return check_create(m, call, 1, 2);
	if (sys == id->linkat)
		return check_create(m, call, 2, 3);
	return UMV_PASS;
}
