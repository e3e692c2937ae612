/* Path virtualization: every path argument of a trapped call is resolved in
 * the guest's namespace (paths.h) and either left alone (the resolver proved
 * the guest's own string reaches the same object), rewritten to the host
 * path written in the thread's scratch slot, or answered with the errno the
 * kernel would give. getcwd, chdir/fchdir and readlink of /proc magic links
 * are the monitor's too. See doc/design-vfs.md. */
#include "monitor/dispatch.h"
#include "monitor/paths.h"
#include "vmaccess/vmaccess.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#define UMOUNT_NOFOLLOW_FLAG 0x8
#define FAN_MARK_DONT_FOLLOW_FLAG 0x4
#define IN_DONT_FOLLOW_FLAG 0x02000000
#define OPEN_HOW_SIZE 24	/* flags, mode, resolve: u64 each */
#define HOW_MAX 512		/* open_how sizes we copy into the slot */

static struct umv_mount_table *mt;	/* NULL: nothing mounted, no path layer */
static char *initial_cwd;		/* guest; -w or derived at setup */
static char *private_dir;		/* host: synthetic directories live here */
static char **bind_points;		/* guest mount points, for setup */
static bool *bind_nondir;
static size_t nbinds;
static enum sc_id id_getcwd, id_fchdir, id_chdir, id_chroot, id_io_uring_setup, id_open,
	id_openat, id_openat2, id_creat, id_readlink, id_readlinkat, id_link, id_linkat,
	id_name_to_handle_at, id_umount2, id_fanotify_mark, id_inotify_add_watch, id_utimensat,
	id_utimensat_time64, id_execveat;
static uint8_t *nofollow_ids, *parent_ids;

bool mon_vfs_active(void)
{
	return mt != NULL;
}

static void mark(uint8_t *set, const char *name)
{
	enum sc_id id = sc_id_from_name(name);

	if (id != SC_ID_UNKNOWN)
		set[id] = 1;
}

static int ids_init(void)
{
	static const char *const nofollow[] = { "lstat", "lstat64", "oldlstat", "lchown",
		"lchown16", "lsetxattr", "lgetxattr", "llistxattr", "lremovexattr", "readlink",
		"readlinkat" };
	static const char *const parent[] = { "unlink", "unlinkat", "rmdir", "rename",
		"renameat", "renameat2", "mkdir", "mkdirat", "mknod", "mknodat", "symlink",
		"symlinkat" };

	if (nofollow_ids)
		return 0;
	nofollow_ids = calloc(SC_ID_COUNT, 1);
	parent_ids = calloc(SC_ID_COUNT, 1);
	if (!nofollow_ids || !parent_ids)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(nofollow) / sizeof(nofollow[0]); i++)
		mark(nofollow_ids, nofollow[i]);
	for (size_t i = 0; i < sizeof(parent) / sizeof(parent[0]); i++)
		mark(parent_ids, parent[i]);
	id_getcwd = sc_id_from_name("getcwd");
	id_fchdir = sc_id_from_name("fchdir");
	id_chdir = sc_id_from_name("chdir");
	id_chroot = sc_id_from_name("chroot");
	id_io_uring_setup = sc_id_from_name("io_uring_setup");
	id_open = sc_id_from_name("open");
	id_openat = sc_id_from_name("openat");
	id_openat2 = sc_id_from_name("openat2");
	id_creat = sc_id_from_name("creat");
	id_readlink = sc_id_from_name("readlink");
	id_readlinkat = sc_id_from_name("readlinkat");
	id_link = sc_id_from_name("link");
	id_linkat = sc_id_from_name("linkat");
	id_name_to_handle_at = sc_id_from_name("name_to_handle_at");
	id_umount2 = sc_id_from_name("umount2");
	id_fanotify_mark = sc_id_from_name("fanotify_mark");
	id_inotify_add_watch = sc_id_from_name("inotify_add_watch");
	id_utimensat = sc_id_from_name("utimensat");
	id_utimensat_time64 = sc_id_from_name("utimensat_time64");
	id_execveat = sc_id_from_name("execveat");
	return 0;
}

bool mon_vfs_wants(enum sc_id id)
{
	const struct sc_info *info;

	if (!mt || id <= SC_ID_UNKNOWN || id >= SC_ID_COUNT)
		return false;
	if (id == id_getcwd || id == id_fchdir || id == id_io_uring_setup)
		return true;
	info = sc_info(id);
	return info && (info->classes & SC_CL_PATH);
}

/* ---- SDK: mounting (init only) ---- */

static int record_bind(const char *guest, bool nondir)
{
	char **points = realloc(bind_points, (nbinds + 1) * sizeof(*points));
	bool *nd;

	if (!points)
		return -ENOMEM;
	bind_points = points;
	nd = realloc(bind_nondir, (nbinds + 1) * sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	bind_nondir = nd;
	if (!(bind_points[nbinds] = strdup(guest)))
		return -ENOMEM;
	bind_nondir[nbinds++] = nondir;
	return 0;
}

int umv_vfs_bind(struct umv_mod *mod, const char *host, const char *guest, unsigned flags)
{
	struct stat st;
	char *real;
	int rc;

	if (!mod || !host || !guest || flags != 0 || host[0] != '/' || guest[0] != '/')
		return -EINVAL;
	if (!mod->in_init)
		return -EBUSY;
	if ((rc = ids_init()) < 0)
		return rc;
	if (stat(host, &st) < 0)
		return -errno;
	/* The kernel reports canonical host paths (/proc/PID/fd/N, cwd):
	 * mapping them back needs the canonical prefix. */
	if (!(real = realpath(host, NULL)))
		return -errno;
	if (!mt && (rc = umv_mount_table_new(&mt)) < 0) {
		free(real);
		return rc;
	}
	rc = umv_mount_add(mt, guest, UMV_MOUNT_REDIRECT, real, NULL,
			   S_ISDIR(st.st_mode) ? 0 : UMV_MOUNT_NONDIR);
	free(real);
	if (rc == 0 && strcmp(guest, "/") != 0)
		rc = record_bind(guest, !S_ISDIR(st.st_mode));
	return rc;
}

int umv_vfs_set_cwd(struct umv_mod *mod, const char *guest)
{
	char *copy;
	int rc;

	if (!mod || !guest || guest[0] != '/')
		return -EINVAL;
	if (!mod->in_init)
		return -EBUSY;
	if ((rc = ids_init()) < 0)
		return rc;
	if (!mt && (rc = umv_mount_table_new(&mt)) < 0)
		return rc;
	if (!(copy = strdup(guest)))
		return -ENOMEM;
	free(initial_cwd);
	initial_cwd = copy;
	return 0;
}

/* ---- per process ---- */

static const char *proc_cwd(const struct mon_process *p)
{
	return p && p->cwd ? p->cwd : initial_cwd ? initial_cwd : "/";
}

void mon_vfs_fork(struct mon_process *parent, struct mon_process *child)
{
	if (!mt || !parent || !parent->cwd || child == parent)
		return;
	free(child->cwd);
	child->cwd = strdup(parent->cwd);	/* NULL on ENOMEM: the initial cwd */
}

/* readlink of a host path into a malloc'd string. */
static int host_readlink(const char *path, char **out)
{
	size_t cap = PATH_MAX;

	for (;;) {
		char *buf = malloc(cap);
		ssize_t n;

		if (!buf)
			return -ENOMEM;
		n = readlink(path, buf, cap);
		if (n < 0) {
			int rc = -errno;
			free(buf);
			return rc;
		}
		if ((size_t)n < cap) {
			buf[n] = '\0';
			*out = buf;
			return 0;
		}
		free(buf);
		if (cap >= 16 * PATH_MAX)
			return -ENAMETOOLONG;
		cap *= 2;
	}
}

/* The guest path of a process's fd N. 0 with *OUT, 1 when it is not a file
 * system object (*OUT = the link text), or -errno (-EBADF: no such fd,
 * -ENOENT: not visible in the guest). */
static int fd_guest_path(pid_t pid, long fd, char **out)
{
	char link[64], *host;
	int rc;

	snprintf(link, sizeof(link), "/proc/%d/fd/%ld", (int)pid, fd);
	if ((rc = host_readlink(link, &host)) < 0)
		return rc == -ENOENT ? -EBADF : rc;
	if (host[0] != '/') {
		*out = host;
		return 1;
	}
	rc = umv_mount_host_to_guest(mt, host, out);
	free(host);
	return rc;
}

static int proc_link(const struct umv_path_ctx *ctx, pid_t pid, const char *link, char **out)
{
	struct mon_thread *t = mon_thread_find(pid);
	char path[128], *host;
	int rc;

	(void)ctx;
	if (t && t->proc && strcmp(link, "cwd") == 0)
		return (*out = strdup(proc_cwd(t->proc))) ? UMV_PROC_LINK_PATH : -ENOMEM;
	if (t && t->proc && strcmp(link, "root") == 0)
		return (*out = strdup("/")) ? UMV_PROC_LINK_PATH : -ENOMEM;
	if (snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, link) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if ((rc = host_readlink(path, &host)) < 0)
		return rc;
	if (host[0] != '/') {
		free(host);
		*out = NULL;
		return UMV_PROC_LINK_OBJECT;
	}
	rc = umv_mount_host_to_guest(mt, host, out);
	free(host);
	return rc < 0 ? rc : UMV_PROC_LINK_PATH;
}

/* /proc/PID/{cwd,root,exe,fd/N} and the same under task/TID/: the host
 * paths whose readlink must be translated. Sets *PID and *LINK. */
static bool proc_magic(const char *host, pid_t *pid, const char **link)
{
	const char *s;
	char *end;
	long v;

	if (strncmp(host, "/proc/", 6) != 0)
		return false;
	v = strtol(host + 6, &end, 10);
	if (end == host + 6 || *end != '/' || v <= 0)
		return false;
	s = end + 1;
	if (strncmp(s, "task/", 5) == 0) {
		v = strtol(s + 5, &end, 10);
		if (end == s + 5 || *end != '/' || v <= 0)
			return false;
		s = end + 1;
	}
	*pid = (pid_t)v;
	*link = s;
	if (strcmp(s, "cwd") == 0 || strcmp(s, "root") == 0 || strcmp(s, "exe") == 0)
		return true;
	if (strncmp(s, "fd/", 3) != 0 || !s[3])
		return false;
	for (s += 3; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* ---- one call ---- */

struct rewrite {
	unsigned idx;
	char *host;
};

struct vfs_call {
	struct umv_call *call;
	struct mon_thread *t;
	struct rewrite rw[2];
	unsigned nrw;
	bool how_rewrite;	/* openat2 with RESOLVE_*: our copy of open_how */
	uint64_t how_size;
	uint8_t how[HOW_MAX];
	bool readlink_emulated;
};

static int emulate(struct umv_call *call, int64_t result)
{
	call->has_result = true;
	call->result = result;
	return UMV_EMULATE;
}

static int open_flags_to_path(uint64_t oflags)
{
	unsigned f = 0;

	if ((oflags & O_CREAT) && (oflags & O_TMPFILE) != O_TMPFILE)
		f |= UMV_PATH_CREATE;
	if ((oflags & O_NOFOLLOW) || ((oflags & O_CREAT) && (oflags & O_EXCL)))
		f |= UMV_PATH_NOFOLLOW;
	if (oflags & O_DIRECTORY)
		f |= UMV_PATH_DIRECTORY;
	return (int)f;
}

/* UMV_PATH_* flags for path argument I, or -errno to answer, or 1 << 30 to
 * leave the whole call to the kernel. */
#define PASS_CALL (1 << 30)
static int path_flags(struct vfs_call *vc, unsigned i)
{
	struct umv_call *call = vc->call;
	const uint64_t *a = call->sc.args;
	enum sc_id id = call->sc.id;
	int f = 0;

	if (id == id_open)
		return open_flags_to_path(a[1]);
	if (id == id_openat)
		return open_flags_to_path(a[2]);
	if (id == id_creat)
		return UMV_PATH_CREATE;
	if (id == id_openat2) {
		uint64_t how[3];
		long rf;

		if (a[3] < OPEN_HOW_SIZE || a[3] > HOW_MAX ||
		    umv_vm_read(call, a[2], vc->how, a[3]) != (ssize_t)a[3])
			return PASS_CALL;	/* the kernel's EINVAL/E2BIG/EFAULT */
		memcpy(how, vc->how, sizeof(how));
		rf = umv_path_flags_from_resolve(how[2]);
		if (rf == -EINVAL)
			return PASS_CALL;
		if (rf < 0)
			return (int)rf;
		vc->how_size = a[3];
		vc->how_rewrite = how[2] != 0;
		return open_flags_to_path(how[0]) | (int)rf;
	}
	if (nofollow_ids[id])
		return UMV_PATH_NOFOLLOW;
	if (parent_ids[id])
		return UMV_PATH_PARENT;
	if (id == id_link)
		return i == 0 ? UMV_PATH_NOFOLLOW : UMV_PATH_PARENT;
	if (id == id_linkat) {
		if (i == 3)
			return UMV_PATH_PARENT;
		f = (a[4] & AT_SYMLINK_FOLLOW) ? 0 : UMV_PATH_NOFOLLOW;
		return f | ((a[4] & AT_EMPTY_PATH) ? UMV_PATH_EMPTY_PATH : 0);
	}
	if (id == id_name_to_handle_at)
		return ((a[4] & AT_SYMLINK_FOLLOW) ? 0 : UMV_PATH_NOFOLLOW) |
		       ((a[4] & AT_EMPTY_PATH) ? UMV_PATH_EMPTY_PATH : 0);
	if (id == id_umount2)
		return (a[1] & UMOUNT_NOFOLLOW_FLAG) ? UMV_PATH_NOFOLLOW : 0;
	if (id == id_fanotify_mark)
		return (a[1] & FAN_MARK_DONT_FOLLOW_FLAG) ? UMV_PATH_NOFOLLOW : 0;
	if (id == id_inotify_add_watch)
		return (a[2] & IN_DONT_FOLLOW_FLAG) ? UMV_PATH_NOFOLLOW : 0;
	if (id == id_chdir)
		return UMV_PATH_DIRECTORY;
	for (unsigned k = 0; k < call->sc.nargs; k++)
		if (call->sc.kinds[k] == SC_K_AT_FLAGS) {
			if (a[k] & AT_SYMLINK_NOFOLLOW)
				f |= UMV_PATH_NOFOLLOW;
			if (a[k] & AT_EMPTY_PATH)
				f |= UMV_PATH_EMPTY_PATH;
		}
	return f;
}

/* Resolves path argument I. 0: leave it; 1: vc->rw gets a host path; or
 * -errno for the guest, or PASS_CALL. */
static int one_path(struct vfs_call *vc, unsigned i, struct umv_path_result *res)
{
	struct umv_call *call = vc->call;
	struct mon_thread *t = vc->t;
	enum sc_id id = call->sc.id;
	uint64_t addr = call->sc.args[i];
	struct umv_path_ctx ctx = { 0 };
	char buf[PATH_MAX], *base = NULL;
	ssize_t n;
	int flags, rc;

	flags = path_flags(vc, i);
	if (flags < 0 || flags == PASS_CALL)
		return flags;
	if (addr == 0 &&
	    (id == id_utimensat || id == id_utimensat_time64 || id == id_fanotify_mark))
		return 0;	/* NULL names the dirfd itself */
	n = umv_vm_read_str(call, addr, buf, sizeof(buf));
	if (n < 0)
		return (int)n;	/* -EFAULT, -ENAMETOOLONG as the kernel says */
	if (n == 0)
		return (flags & UMV_PATH_EMPTY_PATH) ? 0 : -ENOENT;
	if (buf[0] != '/' && i > 0 && call->sc.kinds[i - 1] == SC_K_DIRFD &&
	    (int)call->sc.args[i - 1] != AT_FDCWD) {
		rc = fd_guest_path(t->proc->tgid, (int)call->sc.args[i - 1], &base);
		if (rc == 1) {
			free(base);
			return -ENOTDIR;	/* a pipe, a socket: not a directory */
		}
		if (rc == -ENOENT || rc == -ENAMETOOLONG)
			return 0;	/* opened outside the guest's view: its own host object */
		if (rc < 0)
			return rc;
	}
	ctx.cwd = proc_cwd(t->proc);
	ctx.base = base;
	ctx.self_pid = t->proc->tgid;
	ctx.self_tid = t->tid;
	ctx.resolve_proc_link = proc_link;
	rc = umv_path_resolve(mt, &ctx, buf, (unsigned)flags, res);
	free(base);
	if (rc < 0)
		return rc;
	if ((id == id_readlink || id == id_readlinkat) && res->host) {
		pid_t pid;
		const char *link;
		if (proc_magic(res->host, &pid, &link)) {
			vc->readlink_emulated = true;
			return 0;
		}
	}
	if (res->passthrough)
		return 0;
	if (!res->host)
		return (flags & (UMV_PATH_PARENT | UMV_PATH_CREATE)) ? -EACCES : -ENOENT;
	if (res->host_len >= PATH_MAX)
		return -ENAMETOOLONG;	/* the kernel would refuse the host path */
	if (strcmp(res->host, buf) == 0)
		return 0;
	vc->rw[vc->nrw].idx = i;
	vc->rw[vc->nrw].host = res->host;
	res->host = NULL;
	vc->nrw++;
	return 1;
}

static int emulate_readlink(struct vfs_call *vc, const char *host)
{
	struct umv_call *call = vc->call;
	unsigned bi = call->sc.id == id_readlinkat ? 2 : 1;
	int64_t size = (int64_t)(int)call->sc.args[bi + 1];
	const char *link;
	char *answer = NULL;
	pid_t pid;
	size_t len;
	int rc;

	if (size <= 0)
		return emulate(call, -EINVAL);
	if (!proc_magic(host, &pid, &link))
		return emulate(call, -EINVAL);
	rc = proc_link(NULL, pid, link, &answer);
	if (rc == UMV_PROC_LINK_OBJECT)
		rc = host_readlink(host, &answer);
	if (rc < 0)
		return emulate(call, rc);
	len = strlen(answer);
	if ((int64_t)len > size)
		len = (size_t)size;
	if (umv_vm_write(call, call->sc.args[bi], answer, len) != (ssize_t)len)
		rc = -EFAULT;
	free(answer);
	return emulate(call, rc < 0 ? rc : (int64_t)len);
}

static int emulate_getcwd(struct umv_call *call)
{
	const char *cwd = proc_cwd(call->thread->proc);
	size_t len = strlen(cwd) + 1;

	if (len > 4096)
		return emulate(call, -ENAMETOOLONG);	/* the kernel's one-page limit */
	if (call->sc.args[1] < len)
		return emulate(call, -ERANGE);
	if (umv_vm_write(call, call->sc.args[0], cwd, len) != (ssize_t)len)
		return emulate(call, -EFAULT);
	return emulate(call, (int64_t)len);
}

static int enter_fchdir(struct umv_call *call, bool *want_leave)
{
	struct mon_thread *t = call->thread;
	char *guest = NULL;
	int rc = fd_guest_path(t->proc->tgid, (int)call->sc.args[0], &guest);

	if (rc != 0) {
		free(guest);
		return UMV_PASS;	/* the kernel answers EBADF/ENOTDIR */
	}
	free(t->pending_cwd);
	t->pending_cwd = guest;
	*want_leave = true;
	return UMV_PASS;
}

static int write_rewrites(struct vfs_call *vc)
{
	struct umv_call *call = vc->call;
	uint64_t slot;
	int rc = mon_scratch_slot(vc->t, call->sc.audit_arch, &slot);

	if (rc < 0)
		return rc;
	for (unsigned k = 0; k < vc->nrw; k++) {
		uint64_t at = slot + (uint64_t)k * PATH_MAX;
		size_t len = strlen(vc->rw[k].host) + 1;

		if (umv_vm_write(call, at, vc->rw[k].host, len) != (ssize_t)len)
			return -EFAULT;
		call->regs[vc->rw[k].idx] = at;
		call->changed |= (uint8_t)(1u << vc->rw[k].idx);
	}
	if (vc->how_rewrite) {
		/* Our resolution applied RESOLVE_*; on the absolute host path
		 * the kernel must not apply them again. */
		uint64_t at = slot + 2 * PATH_MAX;
		uint64_t zero = 0;

		memcpy(vc->how + 16, &zero, sizeof(zero));
		if (umv_vm_write(call, at, vc->how, vc->how_size) != (ssize_t)vc->how_size)
			return -EFAULT;
		call->regs[2] = at;
		call->changed |= 1u << 2;
	}
	return 0;
}

int mon_vfs_enter(struct umv_call *call, bool *want_leave)
{
	struct vfs_call vc = { .call = call, .t = call->thread };
	enum sc_id id = call->sc.id;
	char *readlink_host = NULL;
	int verdict = UMV_PASS, rc = 0;

	*want_leave = false;
	if (!mt || !call->thread->proc || !call->sc.info)
		return UMV_PASS;
	if (id == id_getcwd)
		return emulate_getcwd(call);
	if (id == id_io_uring_setup) {
		static bool logged;
		mon_log_once(logged, MON_LOG_WARN,
			     "io_uring_setup: ENOSYS (io_uring reaches paths the monitor cannot see while paths are virtualized)");
		return emulate(call, -ENOSYS);
	}
	if (id == id_fchdir)
		return enter_fchdir(call, want_leave);
	if (id == id_chroot) {
		static bool logged;
		mon_log_once(logged, MON_LOG_WARN, "chroot: EPERM (not virtualized yet)");
		return emulate(call, -EPERM);
	}
	if (!(call->sc.info->classes & SC_CL_PATH) || call->sc.demuxed || call->sc.demux_failed)
		return UMV_PASS;
	for (unsigned i = 0; i < call->sc.nargs && rc >= 0 && rc != PASS_CALL; i++) {
		struct umv_path_result res = { 0 };

		if (call->sc.kinds[i] != SC_K_PATH)
			continue;
		rc = one_path(&vc, i, &res);
		if (rc >= 0 && vc.readlink_emulated && !readlink_host) {
			readlink_host = res.host;
			res.host = NULL;
		}
		if (rc >= 0 && id == id_chdir) {
			free(vc.t->pending_cwd);
			vc.t->pending_cwd = res.guest;
			res.guest = NULL;
			*want_leave = vc.t->pending_cwd != NULL;
		}
		umv_path_result_free(&res);
	}
	if (rc == PASS_CALL) {
		verdict = UMV_PASS;
	} else if (rc < 0) {
		*want_leave = false;
		verdict = emulate(call, rc);
	} else if (vc.readlink_emulated) {
		verdict = emulate_readlink(&vc, readlink_host);
	} else if (vc.nrw > 0 || vc.how_rewrite) {
		if (vc.nrw == 0)
			vc.how_rewrite = false;	/* passthrough: RESOLVE_* apply as written */
		rc = write_rewrites(&vc);
		if (rc == -EINPROGRESS) {
			*want_leave = false;
			verdict = -EINPROGRESS;
		} else if (rc < 0) {
			*want_leave = false;
			verdict = emulate(call, rc);
		} else {
			verdict = UMV_REWRITE;
		}
	}
	if (mon_log_level() >= MON_LOG_DEBUG)
		mon_log(MON_LOG_DEBUG, "vfs: %d %s: verdict %d result %lld, %u rewritten%s%s", (int)vc.t->tid,
			call->sc.name, verdict, (long long)call->result, vc.nrw, vc.nrw ? " first " : "",
			vc.nrw ? vc.rw[0].host : "");
	free(readlink_host);
	for (unsigned k = 0; k < vc.nrw; k++)
		free(vc.rw[k].host);
	return verdict;
}

void mon_vfs_leave(struct umv_call *call, int64_t *result)
{
	struct mon_thread *t = call->thread;

	if (*result == 0 && t->pending_cwd && t->proc) {
		free(t->proc->cwd);
		t->proc->cwd = t->pending_cwd;
	} else {
		free(t->pending_cwd);
	}
	t->pending_cwd = NULL;
}

/* ---- setup ---- */

static int mkdir_p(char *path)
{
	for (char *s = path + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;
		*s = '\0';
		int rc = mkdir(path, 0755);
		*s = c;
		if (rc < 0 && errno != EEXIST)
			return -errno;
		if (!c)
			return 0;
	}
}

/* Parents of mount points missing on the host become real directories in
 * a private tree, mounted where the guest sees them: stat, chdir, openat
 * and getdents64 then work natively on them, with the right d_type. */
static int materialize(const char *point, bool nondir)
{
	size_t len = strlen(point);

	for (size_t end = 1; end < len; end++) {
		struct umv_path_ctx ctx = { .cwd = "/" };
		struct umv_path_result res = { 0 };
		char *guest, *host, *child;
		int rc;

		if (point[end] != '/')
			continue;
		if (!(guest = strndup(point, end)))
			return -ENOMEM;
		rc = umv_path_resolve(mt, &ctx, guest, 0, &res);
		if (rc == 0 && !res.synthetic && res.host &&
		    strncmp(res.host, private_dir, strlen(private_dir)) == 0) {
			/* Below a synthetic directory mounted already. */
			host = res.host;
			res.host = NULL;
			umv_path_result_free(&res);
		} else if (rc < 0 || !res.synthetic) {
			umv_path_result_free(&res);
			free(guest);
			continue;
		} else {
			umv_path_result_free(&res);
			if (asprintf(&host, "%s/synth%s", private_dir, guest) < 0) {
				free(guest);
				return -ENOMEM;
			}
			rc = mkdir_p(host);
			if (rc == 0)
				rc = umv_mount_add(mt, guest, UMV_MOUNT_REDIRECT, host, NULL, 0);
		}
		/* The name leading on, so listings show it with its type. */
		if (rc == 0) {
			const char *next = point + end + 1;
			const char *slash = strchr(next, '/');
			if (asprintf(&child, "%s/%.*s", host,
				     (int)(slash ? (size_t)(slash - next) : strlen(next)), next) < 0) {
				rc = -ENOMEM;
			} else {
				if (!slash && nondir) {
					int fd = open(child, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
					if (fd >= 0)
						close(fd);
				} else if (mkdir(child, 0755) < 0 && errno != EEXIST) {
					rc = -errno;
				}
				free(child);
			}
		}
		free(host);
		free(guest);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int mon_vfs_setup(const char **host_cwd)
{
	static char *host_cwd_buf;
	struct umv_path_ctx ctx = { .cwd = "/" };
	struct umv_path_result res = { 0 };
	const char *tmp = getenv("TMPDIR");
	char *cwd;
	int rc;

	*host_cwd = NULL;
	if (!mt)
		return 0;
	if (asprintf(&private_dir, "%s/umvisor.XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp") < 0)
		return -ENOMEM;
	if (!mkdtemp(private_dir)) {
		rc = -errno;
		mon_log(MON_LOG_ERROR, "cannot create a private directory %s: %s", private_dir,
			strerror(-rc));
		free(private_dir);
		private_dir = NULL;
		return rc;
	}
	for (size_t i = 0; i < nbinds; i++)
		if ((rc = materialize(bind_points[i], bind_nondir[i])) < 0) {
			mon_log(MON_LOG_ERROR, "cannot create the parents of %s: %s", bind_points[i],
				strerror(-rc));
			return rc;
		}
	if (initial_cwd) {
		rc = umv_path_resolve(mt, &ctx, initial_cwd, UMV_PATH_DIRECTORY, &res);
		if (rc < 0 || !res.host) {
			mon_log(MON_LOG_ERROR, "initial directory %s: %s", initial_cwd,
				strerror(rc < 0 ? -rc : ENOENT));
			umv_path_result_free(&res);
			return rc < 0 ? rc : -ENOENT;
		}
		free(initial_cwd);
		initial_cwd = res.guest;
		res.guest = NULL;
	} else {
		cwd = getcwd(NULL, 0);
		if (!cwd || umv_mount_host_to_guest(mt, cwd, &initial_cwd) < 0)
			initial_cwd = strdup("/");
		free(cwd);
		if (!initial_cwd)
			return -ENOMEM;
		rc = umv_path_resolve(mt, &ctx, initial_cwd, UMV_PATH_DIRECTORY, &res);
		if (rc < 0 || !res.host) {
			mon_log(MON_LOG_ERROR, "initial directory %s not reachable: %s", initial_cwd,
				strerror(rc < 0 ? -rc : ENOENT));
			umv_path_result_free(&res);
			return rc < 0 ? rc : -ENOENT;
		}
	}
	host_cwd_buf = res.host;
	res.host = NULL;
	umv_path_result_free(&res);
	*host_cwd = host_cwd_buf;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void mon_vfs_fini(void)
{
	if (private_dir) {
		nftw(private_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(private_dir);
		private_dir = NULL;
	}
	for (size_t i = 0; i < nbinds; i++)
		free(bind_points[i]);
	free(bind_points);
	free(bind_nondir);
	bind_points = NULL;
	bind_nondir = NULL;
	nbinds = 0;
	free(initial_cwd);
	initial_cwd = NULL;
	free(nofollow_ids);
	free(parent_ids);
	nofollow_ids = parent_ids = NULL;
	if (mt) {
		umv_mount_table_free(mt);
		mt = NULL;
	}
}
