/* Path virtualization: every path argument of a trapped call is resolved in
 * the guest's namespace (paths.h) and either left alone (the resolver proved
 * the guest's own string reaches the same object), rewritten to the host
 * path written in the thread's scratch slot, or answered with the errno the
 * kernel would give. getcwd, chdir/fchdir and readlink of /proc magic links
 * are the monitor's too. See doc/design.md. */
#include "monitor/vfs.h"
#include "vmaccess/vmaccess.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#define UMOUNT_NOFOLLOW_FLAG 0x8
#define FAN_MARK_DONT_FOLLOW_FLAG 0x4
#define IN_DONT_FOLLOW_FLAG 0x02000000
#define RENAME_EXCHANGE_FLAG 0x2

static struct umv_mount_table *mt;	/* NULL: nothing mounted, no path layer */
/* Mounts the guest made with mount(2), oldest first. */
struct runtime_mount {
	char *guest;		/* canonical mount point */
	struct umv_mod *mod;	/* umvisor.NAME; NULL for umvisor.bind */
	char *source;		/* the module's options, for /proc/self/mounts */
};
static struct runtime_mount *runtime_mounts;
static size_t nruntime;
static char **merged_dirs;	/* real host dirs lacking a mount point's name */
static size_t nmerged;
static char *initial_cwd;		/* guest; -w or derived at setup */
static char *private_dir;		/* host: synthetic directories live here */
static int private_dir_lock = -1;	/* flock: we are alive (private_dir.c) */
static char **bind_points;		/* guest mount points, for setup */
static bool *bind_nondir;
static size_t nbinds;
static enum sc_id id_getcwd, id_fchdir, id_chdir, id_chroot, id_io_uring_setup, id_open,
	id_openat, id_openat2, id_creat, id_readlink, id_readlinkat, id_link, id_linkat,
	id_name_to_handle_at, id_umount2, id_fanotify_mark, id_inotify_add_watch, id_utimensat,
	id_utimensat_time64, id_execveat, id_execve,
	id_bind, id_connect, id_sendto, id_sendmsg, id_mount, id_umount, id_umount2, id_getdents64,
	id_getsockname, id_getpeername, id_fsconfig, id_open_by_handle_at, id_bpf,
	id_perf_event_open;
static uint8_t *nofollow_ids, *parent_ids, *two_mount_ids;
static uint8_t *ns_change_ids;	/* calls that forget the resolution cache */

bool mon_vfs_active(void)
{
	return mt != NULL;
}

const struct umv_mount_table *mon_vfs_table(void)
{
	return mt;
}

const char *mon_vfs_private_dir(void)
{
	return private_dir;
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
	/* The kernel answers EXDEV when their two names are on different
	 * mounts; in the guest, different binds are different mounts even
	 * when their host directories share a file system. */
	static const char *const two_mount[] = { "rename", "renameat", "renameat2", "link",
		"linkat" };
	/* Besides the parent-resolving calls: what can change how a path
	 * resolves (the resolution cache forgets everything). */
	static const char *const ns_change[] = { "link", "linkat", "mount", "umount", "umount2",
		"chroot", "pivot_root", "move_mount", "mount_setattr", "fsmount", "open_tree" };

	if (nofollow_ids)
		return 0;
	nofollow_ids = calloc(SC_ID_COUNT, 1);
	parent_ids = calloc(SC_ID_COUNT, 1);
	two_mount_ids = calloc(SC_ID_COUNT, 1);
	ns_change_ids = calloc(SC_ID_COUNT, 1);
	if (!nofollow_ids || !parent_ids || !two_mount_ids || !ns_change_ids)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(parent) / sizeof(parent[0]); i++)
		mark(ns_change_ids, parent[i]);
	for (size_t i = 0; i < sizeof(ns_change) / sizeof(ns_change[0]); i++)
		mark(ns_change_ids, ns_change[i]);
	for (size_t i = 0; i < sizeof(two_mount) / sizeof(two_mount[0]); i++)
		mark(two_mount_ids, two_mount[i]);
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
	id_getdents64 = sc_id_from_name("getdents64");
	id_getsockname = sc_id_from_name("getsockname");
	id_getpeername = sc_id_from_name("getpeername");
	id_fanotify_mark = sc_id_from_name("fanotify_mark");
	id_inotify_add_watch = sc_id_from_name("inotify_add_watch");
	id_utimensat = sc_id_from_name("utimensat");
	id_utimensat_time64 = sc_id_from_name("utimensat_time64");
	id_execveat = sc_id_from_name("execveat");
	id_fsconfig = sc_id_from_name("fsconfig");
	id_open_by_handle_at = sc_id_from_name("open_by_handle_at");
	id_bpf = sc_id_from_name("bpf");
	id_perf_event_open = sc_id_from_name("perf_event_open");
	id_execve = sc_id_from_name("execve");
	id_bind = sc_id_from_name("bind");
	id_connect = sc_id_from_name("connect");
	id_sendto = sc_id_from_name("sendto");
	id_sendmsg = sc_id_from_name("sendmsg");
	id_mount = sc_id_from_name("mount");
	id_umount = sc_id_from_name("umount");
	id_umount2 = sc_id_from_name("umount2");
	id_getdents64 = sc_id_from_name("getdents64");
	id_getsockname = sc_id_from_name("getsockname");
	id_getpeername = sc_id_from_name("getpeername");
	return 0;
}

bool mon_vfs_wants(enum sc_id id)
{
	const struct sc_info *info;

	if (!mt || id <= SC_ID_UNKNOWN || id >= SC_ID_COUNT)
		return false;
	if (id == id_getcwd || id == id_fchdir || id == id_io_uring_setup ||
	    id == id_open_by_handle_at || id == id_perf_event_open)
		return true;
	/* AF_UNIX names (sendto only with an address: vfs_filter_rules) */
	if (id == id_bind || id == id_connect || id == id_sendmsg || id == id_getsockname ||
	    id == id_getpeername)
		return true;
	info = sc_info(id);
	return info && (info->classes & SC_CL_PATH);
}

/* sendto only when it names an address (its 5th argument). */
size_t mon_vfs_filter_rules(struct sc_filter_rule *rules)
{
	size_t n = 0;

	if (!mt)
		return 0;
	/* Only the calls that name an address (or a buffer for one).
	 * recvmsg and recvmmsg keep it in memory: every one stops. */
	rules[n++] = (struct sc_filter_rule){ .id = SC_ID_sendto, .cmp = SC_CMP_NE, .arg = 4, .value = 0 };
	rules[n++] = (struct sc_filter_rule){ .id = SC_ID_recvfrom, .cmp = SC_CMP_NE, .arg = 4, .value = 0 };
	rules[n++] = (struct sc_filter_rule){ .id = SC_ID_accept, .cmp = SC_CMP_NE, .arg = 1, .value = 0 };
	rules[n++] = (struct sc_filter_rule){ .id = SC_ID_accept4, .cmp = SC_CMP_NE, .arg = 1, .value = 0 };
	rules[n++] = (struct sc_filter_rule){ .id = SC_ID_recvmsg, .cmp = SC_CMP_ANY };
	rules[n++] = (struct sc_filter_rule){ .id = SC_ID_recvmmsg, .cmp = SC_CMP_ANY };
	rules[n++] = (struct sc_filter_rule){ .id = SC_ID_recvmmsg_time64, .cmp = SC_CMP_ANY };
	if (nmerged > 0 && id_getdents64 != SC_ID_UNKNOWN)
		rules[n++] = (struct sc_filter_rule){ .id = id_getdents64, .cmp = SC_CMP_ANY };
	/* fsconfig: the commands whose value can be a path (vfs_mount_opts.c) */
	for (uint64_t cmd = 1; cmd <= 4 && id_fsconfig != SC_ID_UNKNOWN; cmd++)
		if (cmd != 2)	/* FSCONFIG_SET_BINARY */
			rules[n++] = (struct sc_filter_rule){ .id = id_fsconfig, .cmp = SC_CMP_EQ,
							      .arg = 1, .value = cmd };
	/* bpf: BPF_OBJ_PIN and BPF_OBJ_GET name a bpffs path (vfs_struct_paths.c) */
	for (uint64_t cmd = 6; cmd <= 7 && id_bpf != SC_ID_UNKNOWN; cmd++)
		rules[n++] = (struct sc_filter_rule){ .id = id_bpf, .cmp = SC_CMP_EQ, .arg = 0,
						      .value = cmd };
	return n;
}

static bool is_peer_name_call(enum sc_id id)
{
	return id == SC_ID_recvfrom || id == SC_ID_accept || id == SC_ID_accept4 ||
	       id == SC_ID_recvmsg || id == SC_ID_recvmmsg || id == SC_ID_recvmmsg_time64;
}

bool mon_vfs_extra_wants(enum sc_id id)
{
	return mt && (id == id_sendto || is_peer_name_call(id) || id == id_fsconfig || id == id_bpf ||
		      (id == id_getdents64 && nmerged > 0));
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
	if (mod->mount_point && strcmp(guest, mod->mount_point) != 0)
		return -EINVAL;	/* a runtime mount mounts at its target only */
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
	if (rc == 0 && mod->mount_point)
		mod->nmounted++;
	else if (rc == 0 && strcmp(guest, "/") != 0)
		rc = record_bind(guest, !S_ISDIR(st.st_mode));
	return rc;
}

int mon_vfs_add_owned(const char *guest, const char *host, void *owner, bool runtime)
{
	int rc;

	if ((rc = ids_init()) < 0)
		return rc;
	if (!mt && (rc = umv_mount_table_new(&mt)) < 0)
		return rc;
	if ((rc = umv_mount_add(mt, guest, UMV_MOUNT_OWNED, host, owner, UMV_MOUNT_MAPPED)) < 0)
		return rc;
	return runtime ? 0 : record_bind(guest, false);
}

int umv_vfs_set_cwd(struct umv_mod *mod, const char *guest)
{
	char *copy;
	int rc;

	if (!mod || !guest || guest[0] != '/')
		return -EINVAL;
	if (!mod->in_init || mod->mount_point)
		return -EBUSY;	/* (at run time the guest's cwd is long set) */
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

const char *mon_vfs_cwd(const struct mon_process *p)
{
	return proc_cwd(p);
}

void mon_vfs_fork(struct mon_process *parent, struct mon_process *child)
{
	if (!mt || !parent || child == parent)
		return;
	mon_vfs_fs_fork(parent, child);
	if (!parent->cwd && !parent->root && !parent->exe)
		return;
	free(child->cwd);
	/* NULL (or ENOMEM) is the initial cwd */
	child->cwd = parent->cwd ? strdup(parent->cwd) : NULL;
	free(child->root);
	child->root = parent->root ? strdup(parent->root) : NULL;
	free(child->exe);
	child->exe = parent->exe ? strdup(parent->exe) : NULL;
}

/* AT_EXECFN names for execs in flight (redirected through an
 * interpreter), by process; fixed at the exec stop. */
struct execfn_pending {
	pid_t tgid;
	char *name;
	struct execfn_pending *next;
};
static struct execfn_pending *execfns;

/* Takes NAME (NULL: forget TGID's). */
static void execfn_set(pid_t tgid, char *name)
{
	struct execfn_pending *e;

	for (struct execfn_pending **pp = &execfns; *pp; pp = &(*pp)->next)
		if ((*pp)->tgid == tgid) {
			e = *pp;
			*pp = e->next;
			free(e->name);
			free(e);
			break;
		}
	if (!name || !(e = malloc(sizeof(*e)))) {
		free(name);
		return;
	}
	e->tgid = tgid;
	e->name = name;
	e->next = execfns;
	execfns = e;
}

void mon_vfs_exec(struct mon_process *p)
{
	free(p->exe);
	p->exe = p->exe_pending;
	p->exe_pending = NULL;
	for (struct execfn_pending *e = execfns; e; e = e->next)
		if (e->tgid == p->tgid) {
			int rc = mon_vfs_execfn_fix(p->tgid, e->name);
			if (rc < 0)
				mon_log(MON_LOG_DEBUG, "vfs: %d: AT_EXECFN left as the interpreter's: %s",
					(int)p->tgid, strerror(-rc));
			execfn_set(p->tgid, NULL);
			break;
		}
}

/* readlink of a host path into a malloc'd string. */
int mon_vfs_host_readlink(const char *path, char **out)
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

int mon_vfs_host_to_guest(const char *host, char **out)
{
	/* cow first: a lower copy reached through a view is the view's,
	 * even where the host path is visible to the guest too */
	int rc = mon_vfs_owned_host_to_guest(host, out);

	return rc == -ENOENT ? umv_mount_host_to_guest(mt, host, out) : rc;
}

int mon_vfs_fd_guest_path(pid_t pid, long fd, char **out)
{
	char link[64], *host;
	int rc;

	snprintf(link, sizeof(link), "/proc/%d/fd/%ld", (int)pid, fd);
	if ((rc = mon_vfs_host_readlink(link, &host)) < 0)
		return rc == -ENOENT ? -EBADF : rc;
	if (host[0] != '/') {
		*out = host;
		return 1;
	}
	rc = mon_vfs_host_to_guest(host, out);
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
	if (t && t->proc && t->proc->exe && strcmp(link, "exe") == 0)
		return (*out = strdup(t->proc->exe)) ? UMV_PROC_LINK_PATH : -ENOMEM;
	if (snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, link) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if ((rc = mon_vfs_host_readlink(path, &host)) < 0)
		return rc;
	if (host[0] != '/') {
		free(host);
		*out = NULL;
		return UMV_PROC_LINK_OBJECT;
	}
	rc = mon_vfs_host_to_guest(host, out);
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


/* Is PATH (canonical) ROOT or below it? */
static bool under_root(const char *path, const char *root, size_t rl)
{
	return strncmp(path, root, rl) == 0 && (path[rl] == '/' || path[rl] == '\0');
}

/* A guest path as the process sees it after chroot: relative to its root
 * (malloc'd); paths outside it are left whole (getcwd marks them). */
static char *strip_root(const struct mon_process *p, const char *guest)
{
	size_t rl;

	if (!p || !p->root)
		return strdup(guest);
	rl = strlen(p->root);
	if (!under_root(guest, p->root, rl))
		return strdup(guest);
	return strdup(guest[rl] ? guest + rl : "/");
}

/* Resolves PATH for T from BASE (the guest directory of a dirfd; NULL =
 * the cwd). After chroot, absolute paths, and relative ones from inside the
 * root, are resolved from the root with RESOLVE_IN_ROOT semantics (.. and
 * absolute symlinks stop there); from a cwd outside it, as natively, the
 * root is never met on the way. */
int mon_vfs_resolve(struct mon_thread *t, const char *base, const char *path, unsigned flags,
			 struct umv_path_result *res)
{
	struct umv_path_ctx ctx = { 0 };
	const char *root = t->proc->root;
	char *joined = NULL;
	int rc;

	ctx.cwd = proc_cwd(t->proc);
	ctx.base = base;
	ctx.self_pid = t->proc->tgid;
	ctx.self_tid = t->tid;
	ctx.resolve_proc_link = proc_link;
	if (root && !(flags & (UMV_PATH_IN_ROOT | UMV_PATH_BENEATH) && base)) {
		size_t rl = strlen(root);
		const char *from = base ? base : ctx.cwd;

		if (path[0] == '/') {
			ctx.base = root;
			flags |= UMV_PATH_IN_ROOT;
		} else if (under_root(from, root, rl)) {
			if (asprintf(&joined, "%s/%s", from + rl, path) < 0)
				return -ENOMEM;
			path = joined;
			ctx.base = root;
			flags |= UMV_PATH_IN_ROOT;
		}
	}
	rc = umv_path_resolve(mt, &ctx, path, flags, res);
	free(joined);
	return rc;
}

/* ---- one call ---- */

static bool proc_mounts_file(const char *host, bool *info);
static int mounts_redirect(struct mon_thread *t, char **host, bool info);

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
	char *exec_host;	/* execve: the program's host path */
	char *exec_canon;	/* and its canonical guest path */
	bool exec_via_ldso;	/* the exec goes through the guest's ld.so */
	/* rename/link: the mount each name resolved under (NULL: unknown) */
	const struct umv_mount *xmount[2];
	unsigned nxmount;
	bool denied;		/* rename/link into a synthetic directory */
	char *names[2];		/* rename*: the two canonical guest names */
	unsigned nnames;
	struct mon_owned_call owned;	/* vfs_owned.c */
	char *opts;			/* mount options rewritten (vfs_mount_opts.c) */
	unsigned opts_idx;		/* ...for this argument */
	int fsconfig_path;		/* fsconfig's value is a path: 1 from the cwd,
					 * 2 from its aux dirfd (vfs_mount_opts.c) */
	unsigned fsconfig_flags;	/* UMV_PATH_* for that value */
};

int mon_vfs_emulate(struct umv_call *call, int64_t result)
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

	if (vc->fsconfig_path)
		return (int)vc->fsconfig_flags;
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

/* open/openat/openat2 with O_TMPFILE? */
static bool is_tmpfile(const struct vfs_call *vc)
{
	const uint64_t *a = vc->call->sc.args;
	enum sc_id id = vc->call->sc.id;
	uint64_t oflags;

	if (id == id_open)
		oflags = a[1];
	else if (id == id_openat)
		oflags = a[2];
	else if (id == id_openat2 && vc->how_size >= OPEN_HOW_SIZE)
		memcpy(&oflags, vc->how, sizeof(oflags));
	else
		return false;
	return (oflags & O_TMPFILE) == O_TMPFILE;
}

static bool is_rename(enum sc_id id)
{
	return id == SC_ID_rename || id == SC_ID_renameat || id == SC_ID_renameat2;
}

/* Is M one of the private mounts standing for synthetic parents? */
static bool synthetic_mount(const struct umv_mount *m)
{
	size_t pl;

	if (!m || !m->host || !private_dir)
		return false;
	pl = strlen(private_dir);
	return strncmp(m->host, private_dir, pl) == 0 && strncmp(m->host + pl, "/synth/", 7) == 0;
}

/* ---- host paths of PATH_MAX or more behind short guest paths ----
 * (a short bind over a deep host directory): the kernel cannot take them
 * in one argument, so the argument becomes /proc/MONITOR/fd/N/NAME, N an
 * O_PATH descriptor of the directory the monitor opened piecewise
 * (path_host.c) and keeps open for the run: a descriptor the guest's
 * call may still be about to use is never closed. */
#define LONG_DIRS_MAX 256

struct long_dir {
	char *host;
	int fd;
};
static struct long_dir *long_dirs;
static size_t nlong_dirs;

static int long_host_route(const char *host, size_t len, char **out)
{
	size_t end = len, cut;
	int fd = -1;

	while (end > 1 && host[end - 1] == '/')
		end--;	/* a trailing slash stays with the name */
	cut = end;
	while (cut > 0 && host[cut - 1] != '/')
		cut--;
	if (cut <= 1)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < nlong_dirs; i++)
		if (strlen(long_dirs[i].host) == cut - 1 && memcmp(long_dirs[i].host, host, cut - 1) == 0)
			fd = long_dirs[i].fd;
	if (fd < 0) {
		struct long_dir *grown;
		char *dir;

		if (nlong_dirs >= LONG_DIRS_MAX) {
			static bool logged;
			mon_log_once(logged, MON_LOG_WARN,
				     "vfs: more than %d directories deeper than PATH_MAX on the host: ENAMETOOLONG",
				     LONG_DIRS_MAX);
			return -ENAMETOOLONG;
		}
		if (!(grown = realloc(long_dirs, (nlong_dirs + 1) * sizeof(*grown))))
			return -ENOMEM;
		long_dirs = grown;
		if (!(dir = strndup(host, cut - 1)))
			return -ENOMEM;
		if ((fd = umv_host_open_dir(dir, cut - 1)) < 0) {
			free(dir);
			return fd;
		}
		long_dirs[nlong_dirs].host = dir;
		long_dirs[nlong_dirs++].fd = fd;
	}
	if (asprintf(out, "/proc/%d/fd/%d/%s", (int)getpid(), fd, host + cut) < 0)
		return -ENOMEM;
	if (strlen(*out) >= PATH_MAX) {
		free(*out);
		*out = NULL;
		return -ENAMETOOLONG;
	}
	return 0;
}

static void long_dirs_fini(void)
{
	for (size_t i = 0; i < nlong_dirs; i++) {
		close(long_dirs[i].fd);
		free(long_dirs[i].host);
	}
	free(long_dirs);
	long_dirs = NULL;
	nlong_dirs = 0;
}

/* rename/link: remembers the mount the name I resolved under. */
static void note_mount(struct vfs_call *vc, const struct umv_mount *m)
{
	if (two_mount_ids[vc->call->sc.id] && vc->nxmount < 2)
		vc->xmount[vc->nxmount++] = m;
}

/* One name looked up through a dirfd and not followed (find, fts, du:
 * fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW), openat(dirfd, name,
 * O_NOFOLLOW|O_DIRECTORY)): when no mount point has a component of that
 * name and every mount is a plain redirect, the kernel's one lookup in the
 * real directory is the guest's wherever the directory is, so the dirfd's
 * path is not needed (its readlink of /proc/PID/fd/N was a seventh of
 * find's time under a bind). A bad dirfd or one that is no directory gets
 * the kernel's EBADF or ENOTDIR, as the guest's own lookup would. Calls
 * that create, remove or rename (the synthetic parents are read-only to
 * the guest; rename and link compare mounts), exec, readlink and /proc's
 * mount files take the full walk. */
static bool single_name_lookup(const struct vfs_call *vc, const char *name, size_t len,
			       unsigned flags)
{
	enum sc_id id = vc->call->sc.id;

	if (!(flags & UMV_PATH_NOFOLLOW) ||
	    (flags & ~(unsigned)(UMV_PATH_NOFOLLOW | UMV_PATH_DIRECTORY | UMV_PATH_EMPTY_PATH)))
		return false;
	if (len == 0 || memchr(name, '/', len) || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strcmp(name, "mounts") == 0 || strcmp(name, "mountinfo") == 0)
		return false;
	if (id == id_readlink || id == id_readlinkat || id == id_execve || id == id_execveat ||
	    two_mount_ids[id] || is_rename(id))
		return false;
	return umv_mount_single_name_native(mt, name, len);
}

/* Is argument I a path? SC_K_PATH ones, and fsconfig's value when its
 * command makes it one (vfs_mount_opts.c). */
static bool is_path_arg(const struct vfs_call *vc, unsigned i)
{
	return vc->call->sc.kinds[i] == SC_K_PATH || (vc->fsconfig_path && i == 3);
}

/* The guest descriptor path argument I is relative to, or -1 (the cwd):
 * the DIRFD just before it, or fsconfig's aux for its SET_PATH commands. */
static int base_dirfd(const struct vfs_call *vc, unsigned i)
{
	const struct umv_call *call = vc->call;
	int fd = -1;

	if (vc->fsconfig_path)
		fd = vc->fsconfig_path == 2 ? (int)call->sc.args[4] : -1;
	else if (i > 0 && call->sc.kinds[i - 1] == SC_K_DIRFD)
		fd = (int)call->sc.args[i - 1];
	return fd == AT_FDCWD ? -1 : fd;
}

/* Resolves path argument I. 0: leave it; 1: vc->rw gets a host path; or
 * -errno for the guest, or PASS_CALL. */
static int one_path(struct vfs_call *vc, unsigned i, struct umv_path_result *res)
{
	struct umv_call *call = vc->call;
	struct mon_thread *t = vc->t;
	enum sc_id id = call->sc.id;
	uint64_t addr = call->sc.args[i];
	char buf[PATH_MAX], *base = NULL;
	const struct umv_mount *owner;
	ssize_t n;
	int flags, rc, dirfd;

	flags = path_flags(vc, i);
	if (flags < 0 || flags == PASS_CALL)
		return flags;
	dirfd = base_dirfd(vc, i);
	if (addr == 0 &&
	    (id == id_utimensat || id == id_utimensat_time64 || id == id_fanotify_mark))
		return 0;	/* NULL names the dirfd itself */
	n = umv_vm_read_str(call, addr, buf, sizeof(buf));
	if (n < 0)
		return (int)n;	/* -EFAULT, -ENAMETOOLONG as the kernel says */
	if (n == 0 && (flags & UMV_PATH_EMPTY_PATH) && id == id_execveat && !vc->exec_host) {
		/* fexecve: the program is the fd itself, read through /proc
		 * (a memfd or a deleted file has no other name). */
		char *guest = NULL;
		int fd = (int)call->sc.args[i - 1];

		if (asprintf(&vc->exec_host, "/proc/%d/fd/%d", (int)t->proc->tgid, fd) < 0)
			vc->exec_host = NULL;
		if (mon_vfs_fd_guest_path(t->proc->tgid, fd, &guest) == 0)
			vc->exec_canon = guest;
		else
			free(guest);
		return 0;
	}
	if (n == 0)
		return (flags & UMV_PATH_EMPTY_PATH) ? 0 : -ENOENT;
	if (dirfd >= 0 && single_name_lookup(vc, buf, (size_t)n, (unsigned)flags))
		return 0;
	/* RESOLVE_IN_ROOT/BENEATH scope even absolute paths to the dirfd. */
	if ((buf[0] != '/' || (flags & (UMV_PATH_IN_ROOT | UMV_PATH_BENEATH))) && dirfd >= 0) {
		rc = mon_vfs_fd_guest_path(t->proc->tgid, dirfd, &base);
		if (rc == 1) {
			free(base);
			return -ENOTDIR;	/* a pipe, a socket: not a directory */
		}
		if (rc == -ENOENT || rc == -ENAMETOOLONG)
			return 0;	/* opened outside the guest's view: its own host object */
		if (rc < 0)
			return rc;
	}
	/* One name, not followed, in a directory with no mount below it (find,
	 * fts, rm -r: fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW)): the kernel's
	 * one lookup in the real directory is the guest's. /proc is left to the
	 * walk for its magic links. */
	if (buf[0] != '/' && (flags & (UMV_PATH_NOFOLLOW | UMV_PATH_PARENT)) &&
	    !(flags & ~(unsigned)(UMV_PATH_NOFOLLOW | UMV_PATH_PARENT | UMV_PATH_CREATE |
				  UMV_PATH_DIRECTORY | UMV_PATH_EMPTY_PATH)) &&
	    !strchr(buf, '/') && strcmp(buf, ".") != 0 && strcmp(buf, "..") != 0 &&
	    id != id_readlink && id != id_readlinkat && id != id_execve && id != id_execveat) {
		const char *dir = base ? base : proc_cwd(t->proc);
		size_t dlen = strlen(dir);

		if (strncmp(dir, "/proc", 5) != 0 && !umv_mount_is_ancestor(mt, dir, dlen) &&
		    !mon_vfs_owned_covers(dir)) {
			note_mount(vc, umv_mount_lookup(mt, dir, dlen));
			if (is_rename(id) && vc->nnames < 2 &&
			    asprintf(&vc->names[vc->nnames], "%s%s%s", dir, dlen > 1 ? "/" : "", buf) >= 0)
				vc->nnames++;
			free(base);
			return 0;
		}
	}
	rc = mon_vfs_cached_resolve(t, base, buf, (unsigned)flags | UMV_PATH_GUEST_CALL, res);
	free(base);
	if (rc < 0)
		return rc;
	/* The kernel judges a name's removal or creation by its parent's
	 * mount and permissions, also when the name is a mount point. */
	owner = res->mount;
	if ((flags & UMV_PATH_PARENT) && res->mount_root && res->guest_len > 1) {
		const char *slash = strrchr(res->guest, '/');
		owner = umv_mount_lookup(mt, res->guest,
					 slash == res->guest ? 1 : (size_t)(slash - res->guest));
	}
	note_mount(vc, owner);
	if (is_rename(id) && vc->nnames < 2 && (vc->names[vc->nnames] = strdup(res->guest)))
		vc->nnames++;
	if (res->mount && (res->mount->flags & UMV_MOUNT_MAPPED) && res->host &&
	    ((rc = mon_vfs_owned_path(&vc->owned, call, (unsigned)flags, res)) < 0 ||
	     vc->owned.emulated))
		return rc;
	if ((id == id_readlink || id == id_readlinkat) && res->host) {
		pid_t pid;
		const char *link;
		if (proc_magic(res->host, &pid, &link)) {
			vc->readlink_emulated = true;
			return 0;
		}
	}
	if ((id == id_execve || id == id_execveat) && res->host && res->exists != 0 &&
	    !vc->exec_host) {
		vc->exec_host = strdup(res->host);
		vc->exec_canon = strdup(res->guest);
	}
	if ((id == id_open || id == id_openat || id == id_openat2) && res->host && res->exists == 1) {
		bool info;
		if (proc_mounts_file(res->host, &info)) {
			if ((rc = mounts_redirect(t, &res->host, info)) < 0)
				return rc;
			res->host_len = strlen(res->host);
			res->passthrough = false;
		}
	}
	/* A synthetic parent is a read-only directory to the guest (for
	 * rename/link after the kernel's EXDEV check: mon_vfs_enter). */
	if (((flags & UMV_PATH_PARENT) || ((flags & UMV_PATH_CREATE) && res->exists == 0)) &&
	    synthetic_mount(owner)) {
		if (!two_mount_ids[id])
			return -EACCES;
		vc->denied = true;
	}
	if (is_tmpfile(vc) && synthetic_mount(owner))
		return -EACCES;	/* an unnamed file in it: still a write */
	if (res->passthrough)
		return 0;
	if (!res->host)
		return (flags & (UMV_PATH_PARENT | UMV_PATH_CREATE)) ? -EACCES : -ENOENT;
	if (res->host_len >= PATH_MAX) {
		/* The kernel would refuse the host path: its directory through
		 * a descriptor of ours. */
		char *route;

		if ((rc = long_host_route(res->host, res->host_len, &route)) < 0)
			return rc;
		free(res->host);
		res->host = route;
		res->host_len = strlen(route);
	}
	if (strcmp(res->host, buf) == 0)
		return 0;
	vc->rw[vc->nrw].idx = i;
	vc->rw[vc->nrw].host = res->host;
	res->host = NULL;
	vc->nrw++;
	return 1;
}





/* ---- listings of real directories missing a mount point's name ----
 * -r ROOT without ROOT/proc, -b X:/tmp/new: the host directory exists but
 * has no entry for the mount point. getdents64 on such a directory is
 * trapped; when the kernel reports its end, the missing names are added
 * (DT_DIR, or DT_UNKNOWN for a file bind) and the following call returns
 * the end again. Found at start-up; getdents64 is trapped only if any. */

struct dents_ctx {
	char *host;		/* the directory's host path */
	unsigned char *buf;
	size_t cap, used;
	uint64_t off;
	bool full;
};

static int add_missing(void *arg, const char *name, size_t len, unsigned char type)
{
	struct dents_ctx *d = arg;
	struct stat st;
	char *path;
	size_t reclen = (19 + len + 1 + 7) & ~(size_t)7;
	uint64_t ino = 0xfffffff0ull - d->off;
	int64_t off;
	uint16_t rl = (uint16_t)reclen;

	if (asprintf(&path, "%s/%.*s", d->host, (int)len, name) < 0)
		return -ENOMEM;
	if (lstat(path, &st) == 0) {
		free(path);
		return 0;	/* the host lists it already */
	}
	free(path);
	if (d->used + reclen > d->cap) {
		d->full = true;
		return 0;
	}
	off = (int64_t)(0x7ffffff0 + ++d->off);
	memset(d->buf + d->used, 0, reclen);
	memcpy(d->buf + d->used, &ino, 8);
	memcpy(d->buf + d->used + 8, &off, 8);
	memcpy(d->buf + d->used + 16, &rl, 2);
	d->buf[d->used + 18] = type;
	memcpy(d->buf + d->used + 19, name, len);
	d->used += reclen;
	return 0;
}

static void find_merged(const char *point)
{
	struct umv_path_ctx ctx = { .cwd = "/" };
	struct umv_path_result res = { 0 };
	const char *slash = strrchr(point, '/');
	char *parent, **grown;
	struct stat st;
	char *child;

	if (!slash || !(parent = strndup(point, slash == point ? 1 : (size_t)(slash - point))))
		return;
	for (size_t i = 0; i < nmerged; i++)
		if (strcmp(merged_dirs[i], parent) == 0) {
			free(parent);
			return;
		}
	if (umv_path_resolve(mt, &ctx, parent, UMV_PATH_DIRECTORY, &res) == 0 && res.host &&
	    !res.synthetic && strncmp(res.host, private_dir, strlen(private_dir)) != 0 &&
	    asprintf(&child, "%s/%s", strcmp(res.host, "/") ? res.host : "", slash + 1) >= 0) {
		if (lstat(child, &st) < 0 && (grown = realloc(merged_dirs, (nmerged + 1) * sizeof(*grown)))) {
			merged_dirs = grown;
			merged_dirs[nmerged++] = parent;
			parent = NULL;
		}
		free(child);
	}
	umv_path_result_free(&res);
	free(parent);
}

static int *dents_mark(struct mon_process *p, int fd, bool create)
{
	int *free_slot = NULL;

	for (size_t i = 0; i < sizeof(p->dents_done) / sizeof(p->dents_done[0]); i++) {
		if (p->dents_done[i] == fd + 1)
			return &p->dents_done[i];
		if (!p->dents_done[i] && !free_slot)
			free_slot = &p->dents_done[i];
	}
	return create ? free_slot : NULL;
}

static int enter_getdents(struct umv_call *call, bool *want_leave)
{
	struct mon_thread *t = call->thread;
	char *guest = NULL;

	if (mon_vfs_fd_guest_path(t->proc->tgid, (int)call->sc.args[0], &guest) != 0) {
		free(guest);
		return UMV_PASS;
	}
	for (size_t i = 0; i < nmerged; i++)
		if (strcmp(merged_dirs[i], guest) == 0) {
			free(t->pending_dents);
			t->pending_dents = guest;
			*want_leave = true;
			return UMV_PASS;
		}
	free(guest);
	return UMV_PASS;
}

static void leave_getdents(struct umv_call *call, int64_t *result)
{
	struct mon_thread *t = call->thread;
	struct umv_path_result res = { 0 };
	struct umv_path_ctx ctx = { .cwd = "/" };
	struct dents_ctx d = { 0 };
	int fd = (int)call->sc.args[0];
	int *mark;

	if (*result != 0 || !t->proc)
		goto out;
	if ((mark = dents_mark(t->proc, fd, false))) {
		*mark = 0;	/* our names were given: now the end */
		goto out;
	}
	if (umv_path_resolve(mt, &ctx, t->pending_dents, UMV_PATH_DIRECTORY, &res) < 0 || !res.host)
		goto out;
	d.host = res.host;
	d.cap = call->sc.args[2] > 65536 ? 65536 : (size_t)call->sc.args[2];
	if (!(d.buf = malloc(d.cap ? d.cap : 1)))
		goto out;
	umv_mount_children(mt, t->pending_dents, strlen(t->pending_dents), add_missing, &d);
	if (d.used == 0 && d.full) {
		*result = -EINVAL;	/* the kernel's answer to a buffer too small */
	} else if (d.used > 0 &&
		   umv_vm_write(call, call->sc.args[1], d.buf, d.used) == (ssize_t)d.used) {
		*result = (int64_t)d.used;
		if ((mark = dents_mark(t->proc, fd, true)))
			*mark = fd + 1;
	}
	free(d.buf);
out:
	umv_path_result_free(&res);
	free(t->pending_dents);
	t->pending_dents = NULL;
}


/* ---- /proc/PID/mountinfo and mounts ----
 * Read as the guest would see its mounts: host mount points mapped to
 * guest paths (those the guest cannot see left out), and one line per
 * bind. The answer is generated into a private file the open is
 * redirected to (the previous one of the thread is unlinked: open
 * descriptors keep it). */

static bool proc_mounts_file(const char *host, bool *info)
{
	const char *s;
	char *end;

	if (strncmp(host, "/proc/", 6) != 0 || strtol(host + 6, &end, 10) <= 0 || *end != '/')
		return false;
	s = end + 1;
	if (strncmp(s, "task/", 5) == 0) {
		if (strtol(s + 5, &end, 10) <= 0 || *end != '/')
			return false;
		s = end + 1;
	}
	*info = strcmp(s, "mountinfo") == 0;
	return *info || strcmp(s, "mounts") == 0;
}

static void unescape_octal(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			fprintf(f, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, f);
}

/* One line of the host file, with its mount point (field MP) mapped. */
static void mounts_line(FILE *out, char *line, int mp)
{
	char *fields[64], *save = NULL, *guest = NULL;
	int n = 0;

	for (char *tok = strtok_r(line, " ", &save); tok && n < 64; tok = strtok_r(NULL, " ", &save))
		fields[n++] = tok;
	if (n <= mp)
		return;
	unescape_octal(fields[mp]);
	if (umv_mount_host_to_guest(mt, fields[mp], &guest) < 0)
		return;	/* not in the guest's view */
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(' ', out);
		if (i == mp)
			put_escaped(out, guest);
		else
			fputs(fields[i], out);
	}
	fputc('\n', out);
	free(guest);
}

static void bind_lines(FILE *out, bool info, char **points, size_t n, unsigned *id)
{
	for (size_t i = 0; i < n; i++) {
		const struct umv_mount *m = umv_mount_lookup(mt, points[i], strlen(points[i]));

		if (!m || !m->host || m->guest_len != strlen(points[i]) ||
		    (strcmp(m->guest, "/") == 0 && strcmp(m->host, "/") == 0))
			continue;	/* (the identity root is the host's own "/") */
		if (info) {
			fprintf(out, "%u 1 0:0 ", (*id)++);
			put_escaped(out, m->host);
			fputc(' ', out);
			put_escaped(out, m->guest);
			fputs(" rw - umvisor.bind ", out);
			put_escaped(out, m->host);
			fputs(" rw\n", out);
		} else {
			put_escaped(out, m->host);
			fputc(' ', out);
			put_escaped(out, m->guest);
			fputs(" umvisor.bind rw 0 0\n", out);
		}
	}
}

/* The guest's own mounts: binds as bind_lines says, modules as
 * "OPTIONS TARGET umvisor.NAME" (OPTIONS "none" when empty). */
static void runtime_lines(FILE *out, bool info, unsigned *id)
{
	for (size_t i = 0; i < nruntime; i++) {
		const struct runtime_mount *r = &runtime_mounts[i];
		const char *src = r->source && *r->source ? r->source : "none";

		if (!r->mod) {
			bind_lines(out, info, &runtime_mounts[i].guest, 1, id);
			continue;
		}
		if (info) {
			fprintf(out, "%u 1 0:0 / ", (*id)++);
			put_escaped(out, r->guest);
			fprintf(out, " rw - umvisor.%s ", r->mod->name);
			put_escaped(out, src);
			fputs(" rw\n", out);
		} else {
			put_escaped(out, src);
			fputc(' ', out);
			put_escaped(out, r->guest);
			fprintf(out, " umvisor.%s rw 0 0\n", r->mod->name);
		}
	}
}

/* Writes the guest's view of HOST (a mounts or mountinfo file) into a new
 * private file; its path replaces *HOST. */
static int mounts_redirect(struct mon_thread *t, char **host, bool info)
{
	static unsigned long serial;
	FILE *in, *out;
	char *path, *line = NULL;
	size_t cap = 0;
	unsigned id = 90000;
	char *root_point = "/";

	if (!private_dir || asprintf(&path, "%s/mounts-%d-%lu", private_dir, (int)t->tid, serial++) < 0)
		return -ENOMEM;
	if (!(in = fopen(*host, "re"))) {
		int rc = -errno;
		free(path);
		return rc;
	}
	if (!(out = fopen(path, "we"))) {
		int rc = -errno;
		fclose(in);
		free(path);
		return rc;
	}
	while (getline(&line, &cap, in) > 0) {
		line[strcspn(line, "\n")] = '\0';
		mounts_line(out, line, info ? 4 : 1);
	}
	free(line);
	fclose(in);
	bind_lines(out, info, &root_point, 1, &id);
	bind_lines(out, info, bind_points, nbinds, &id);
	runtime_lines(out, info, &id);
	if (fclose(out) != 0) {
		unlink(path);
		free(path);
		return -EIO;
	}
	if (t->mounts_file) {
		unlink(t->mounts_file);
		free(t->mounts_file);
	}
	t->mounts_file = strdup(path);
	free(*host);
	*host = path;
	return 0;
}

/* ---- runtime mounts, View-OS style ----
 * mount(SOURCE, TARGET, "umvisor.bind", ...) binds SOURCE (a path in the
 * guest's view) at TARGET (an existing directory, or a file for a file)
 * for every guest process; umount/umount2(TARGET) removes the newest such
 * mount there. Other file system types go to the kernel untouched (their
 * paths rewritten as usual). No privilege is needed: the mount is in the
 * monitor's table, not the kernel's. */


static int resolve_guest(struct mon_thread *t, const char *path, unsigned flags,
			 struct umv_path_result *res)
{
	return mon_vfs_resolve(t, NULL, path, flags, res);
}

static int record_runtime(const char *guest, struct umv_mod *mod, const char *source)
{
	struct runtime_mount *grown = realloc(runtime_mounts, (nruntime + 1) * sizeof(*grown));
	char *g = strdup(guest), *src = source ? strdup(source) : NULL;

	if (grown)
		runtime_mounts = grown;
	if (!grown || !g || (source && !src)) {
		free(g);
		free(src);
		return -ENOMEM;
	}
	runtime_mounts[nruntime++] = (struct runtime_mount){ .guest = g, .mod = mod, .source = src };
	return 0;
}

void mon_vfs_runtime_drop(struct umv_mod *m)
{
	mon_vfs_owned_forget(m);
	for (; m->nmounted > 0; m->nmounted--)
		if (mt)
			umv_mount_remove(mt, m->mount_point);
	mon_vfs_cache_forget();
}

static struct mon_thread *mounting;	/* the guest thread of a module mount */

int umv_vfs_host_path(struct umv_mod *mod, const char *path, char **host)
{
	struct umv_path_result res = { 0 };
	int rc;

	if (!mod || !path || !host || !*path)
		return -EINVAL;
	*host = NULL;
	if (!mod->in_init)
		return -EBUSY;
	if (!mod->mount_point)	/* the command line names host paths */
		return (*host = strdup(path)) ? 0 : -ENOMEM;
	if (!mounting)
		return -EBUSY;
	rc = mon_vfs_resolve(mounting, NULL, path, UMV_PATH_CREATE, &res);
	if (rc == 0 && !res.host)
		rc = -ENOENT;	/* a synthetic directory: nothing on the host */
	if (rc == 0 && res.mount && res.mount->kind == UMV_MOUNT_OWNED)
		rc = -EINVAL;	/* its host copy may be the read-only lower one */
	if (rc == 0 && !(*host = strdup(res.host)))
		rc = -ENOMEM;
	umv_path_result_free(&res);
	return rc;
}

/* mount(OPTIONS, TARGET, "umvisor.NAME", flags, DATA): module NAME is
 * loaded with OPTIONS[,DATA] and its init mounts it at TARGET
 * (umv_mod_mount_point); see module_loader.c. */
static int module_mount(struct umv_call *call, const char *name)
{
	struct umv_path_result dst = { 0 };
	char options[PATH_MAX], target[PATH_MAX];
	struct umv_mod *m = NULL;
	ssize_t n = 0;
	int rc;

	if (call->sc.args[0] &&
	    (n = umv_vm_read_str(call, call->sc.args[0], options, sizeof(options))) < 0)
		return mon_vfs_emulate(call, n);
	if (n == 0 || strcmp(options, "none") == 0)
		options[0] = '\0';
	/* mount -o's text (the data argument) joins SOURCE's */
	if (call->sc.args[4]) {
		size_t len = strlen(options);

		if (len > 0 && len + 1 < sizeof(options))
			options[len++] = ',';
		n = umv_vm_read_str(call, call->sc.args[4], options + len, sizeof(options) - len);
		if (n < 0)
			return mon_vfs_emulate(call, n);
		if (n == 0 && len > 0)
			options[len - 1] = '\0';
	}
	if ((n = umv_vm_read_str(call, call->sc.args[1], target, sizeof(target))) < 0 ||
	    (n == 0 && (n = -ENOENT)))
		return mon_vfs_emulate(call, n);
	if (!*name || strcmp(name, "bind") == 0) {
		mon_log(MON_LOG_WARN, "mount type umvisor.%s: ENODEV (no module name)", name);
		return mon_vfs_emulate(call, -ENODEV);
	}
	rc = resolve_guest(call->thread, target, UMV_PATH_DIRECTORY, &dst);
	if (rc == 0 && !dst.host)
		rc = -EINVAL;	/* a synthetic directory has nothing under it to shadow */
	if (rc == 0) {
		mounting = call->thread;	/* umv_vfs_host_path resolves for it */
		rc = mon_module_mount(name, options[0] ? options : NULL, dst.guest, &m);
		mounting = NULL;
	}
	if (rc == 0 && (rc = record_runtime(dst.guest, m, options)) < 0) {
		mon_vfs_runtime_drop(m);
		mon_module_unmount(m);
	}
	if (rc == 0)
		mon_log(MON_LOG_INFO, "mounted umvisor.%s at %s (%s)", name, dst.guest,
			options[0] ? options : "no options");
	mon_vfs_cache_forget();
	umv_path_result_free(&dst);
	return mon_vfs_emulate(call, rc);
}

static int runtime_mount(struct umv_call *call)
{
	struct mon_thread *t = call->thread;
	struct umv_path_result src = { 0 }, dst = { 0 };
	char fstype[64], source[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	int rc;

	if (!call->sc.args[2] ||
	    umv_vm_read_str(call, call->sc.args[2], fstype, sizeof(fstype)) <= 0 ||
	    strncmp(fstype, "umvisor.", 8) != 0)
		return 1;	/* not ours: the kernel's mount */
	if (strcmp(fstype + 8, "bind") != 0)
		return module_mount(call, fstype + 8);
	if ((n = umv_vm_read_str(call, call->sc.args[0], source, sizeof(source))) < 0 ||
	    (n == 0 && (n = -ENOENT)))
		return mon_vfs_emulate(call, n);
	if ((n = umv_vm_read_str(call, call->sc.args[1], target, sizeof(target))) < 0 ||
	    (n == 0 && (n = -ENOENT)))
		return mon_vfs_emulate(call, n);
	rc = resolve_guest(t, source, 0, &src);
	if (rc == 0 && !src.host)
		rc = -EINVAL;
	if (rc == 0)
		rc = resolve_guest(t, target, 0, &dst);
	if (rc == 0 && src.mount && src.mount->kind == UMV_MOUNT_OWNED) {
		/* its host copy may be the read-only lower one */
		mon_log(MON_LOG_WARN, "mount of %s: EINVAL (a module-owned tree cannot be bound)",
			src.guest);
		rc = -EINVAL;
	}
	if (rc == 0 && (S_ISDIR(src.type) != S_ISDIR(dst.type) || !src.type || !dst.type))
		rc = S_ISDIR(dst.type) ? -ENOTDIR : -EINVAL;	/* as mount --bind says */
	if (rc == 0)
		rc = umv_mount_add(mt, dst.guest, UMV_MOUNT_REDIRECT, src.host, NULL,
				   S_ISDIR(src.type) ? 0 : UMV_MOUNT_NONDIR);
	if (rc == 0) {
		if ((rc = record_runtime(dst.guest, NULL, NULL)) < 0)
			umv_mount_remove(mt, dst.guest);
		else
			mon_log(MON_LOG_INFO, "mounted %s at %s (umvisor.bind)", src.host, dst.guest);
	}
	umv_path_result_free(&src);
	umv_path_result_free(&dst);
	return mon_vfs_emulate(call, rc);
}

/* Is mount point INNER strictly below OUTER? */
static bool mounted_below(const char *inner, const char *outer)
{
	size_t len = strlen(outer);

	if (strcmp(outer, "/") == 0)
		return strcmp(inner, "/") != 0;
	return strncmp(inner, outer, len) == 0 && inner[len] == '/';
}

static int runtime_umount(struct umv_call *call)
{
	struct umv_path_result res = { 0 };
	char target[PATH_MAX];
	int rc;

	if (nruntime == 0 || umv_vm_read_str(call, call->sc.args[0], target, sizeof(target)) <= 0)
		return 1;
	rc = resolve_guest(call->thread, target, UMV_PATH_NOFOLLOW, &res);
	for (size_t i = nruntime; rc == 0 && i-- > 0;) {
		struct runtime_mount r = runtime_mounts[i];

		if (strcmp(r.guest, res.guest) != 0)
			continue;
		for (size_t k = 0; k < nruntime; k++)
			if (mounted_below(runtime_mounts[k].guest, res.guest)) {
				umv_path_result_free(&res);
				return mon_vfs_emulate(call, -EBUSY);	/* as the kernel says */
			}
		memmove(&runtime_mounts[i], &runtime_mounts[i + 1],
			(nruntime - i - 1) * sizeof(*runtime_mounts));
		nruntime--;
		if (r.mod) {
			/* out of the table first: fini may remove the host tree */
			mon_vfs_runtime_drop(r.mod);
			mon_log(MON_LOG_INFO, "unmounted umvisor.%s at %s", r.mod->name, r.guest);
			mon_module_unmount(r.mod);
		} else {
			rc = umv_mount_remove(mt, res.guest);
		}
		free(r.guest);
		free(r.source);
		umv_path_result_free(&res);
		return mon_vfs_emulate(call, rc);
	}
	umv_path_result_free(&res);
	return 1;	/* a kernel mount, or an error the kernel will give */
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
		return mon_vfs_emulate(call, -EINVAL);
	if (!proc_magic(host, &pid, &link))
		return mon_vfs_emulate(call, -EINVAL);
	rc = proc_link(NULL, pid, link, &answer);
	if (rc == UMV_PROC_LINK_OBJECT) {
		rc = mon_vfs_host_readlink(host, &answer);
	} else if (rc >= 0 && vc->t->proc->root) {
		/* Read relative to the reader's root, as the kernel does. */
		char *rel = strcmp(link, "root") == 0 ? strdup("/") : strip_root(vc->t->proc, answer);
		free(answer);
		answer = rel;
		if (!answer)
			rc = -ENOMEM;
	}
	if (rc < 0)
		return mon_vfs_emulate(call, rc);
	len = strlen(answer);
	if ((int64_t)len > size)
		len = (size_t)size;
	if (umv_vm_write(call, call->sc.args[bi], answer, len) != (ssize_t)len)
		rc = -EFAULT;
	free(answer);
	return mon_vfs_emulate(call, rc < 0 ? rc : (int64_t)len);
}

static int getcwd_answer(struct umv_call *call, const char *cwd);

static int emulate_getcwd(struct umv_call *call)
{
	const struct mon_process *p = call->thread->proc;
	const char *full;
	char *cwd;
	int ret;

	if ((ret = mon_vfs_cwd_check(call->thread)) < 0)
		return mon_vfs_emulate(call, ret);
	full = proc_cwd(p);

	if (p->root && !under_root(full, p->root, strlen(p->root))) {
		/* The kernel's mark for a cwd outside the process's root. */
		if (asprintf(&cwd, "(unreachable)%s", full) < 0)
			return mon_vfs_emulate(call, -ENOMEM);
	} else if (!(cwd = strip_root(p, full))) {
		return mon_vfs_emulate(call, -ENOMEM);
	}
	ret = getcwd_answer(call, cwd);
	free(cwd);
	return ret;
}

static int getcwd_answer(struct umv_call *call, const char *cwd)
{
	size_t len = strlen(cwd) + 1;

	if (len > 4096)
		return mon_vfs_emulate(call, -ENAMETOOLONG);	/* the kernel's one-page limit */
	if (call->sc.args[1] < len)
		return mon_vfs_emulate(call, -ERANGE);
	if (umv_vm_write(call, call->sc.args[0], cwd, len) != (ssize_t)len)
		return mon_vfs_emulate(call, -EFAULT);
	return mon_vfs_emulate(call, (int64_t)len);
}

static int enter_fchdir(struct umv_call *call, bool *want_leave)
{
	struct mon_thread *t = call->thread;
	char *guest = NULL;
	int rc = mon_vfs_fd_guest_path(t->proc->tgid, (int)call->sc.args[0], &guest);

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
		struct mon_thread *t = vc->t;

		/* The same path again in the same place (stat then open, a
		 * build's repeated stats): it is still there. */
		if (k == 0 && t->slot_written && t->slot_written_at == at &&
		    t->slot_written_gen == mon_scratch_generation(t) &&
		    strcmp(t->slot_written, vc->rw[k].host) == 0) {
			call->regs[vc->rw[k].idx] = at;
			call->changed |= (uint8_t)(1u << vc->rw[k].idx);
			continue;
		}
		if (k == 0) {
			free(t->slot_written);
			t->slot_written = NULL;
		}
		if (umv_vm_write(call, at, vc->rw[k].host, len) != (ssize_t)len) {
			/* Unmapped behind our back (mprotect, a missed unmap):
			 * map a new area and run the call again. */
			mon_scratch_lost(vc->t);
			rc = mon_scratch_slot(vc->t, call->sc.audit_arch, &slot);
			return rc < 0 ? rc : -EFAULT;
		}
		call->regs[vc->rw[k].idx] = at;
		call->changed |= (uint8_t)(1u << vc->rw[k].idx);
		if (k == 0 && (t->slot_written = strdup(vc->rw[k].host))) {
			t->slot_written_at = at;
			t->slot_written_gen = mon_scratch_generation(t);
		}
	}
	if (vc->opts) {
		/* mount options with host paths: after the path slots and
		 * openat2's how (mount(2) and fsconfig take no how) */
		uint64_t at = slot + 3 * PATH_MAX;
		size_t len = strlen(vc->opts) + 1;

		if (umv_vm_write(call, at, vc->opts, len) != (ssize_t)len)
			return -EFAULT;
		call->regs[vc->opts_idx] = at;
		call->changed |= (uint8_t)(1u << vc->opts_idx);
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


/* CAP_SYS_CHROOT in the thread's effective set (/proc/TID/status). */
static bool may_chroot(pid_t tid)
{
	char buf[4096], *cap;

	if (mon_proc_status(tid, buf, sizeof(buf)) < 0)
		return false;
	if (!(cap = strstr(buf, "\nCapEff:")))
		return false;
	return (strtoull(cap + 8, NULL, 16) >> 18) & 1;	/* CAP_SYS_CHROOT */
}

/* chroot is the monitor's: the real root must stay where host paths are
 * resolved from. The new root is kept per process (copied at fork) and
 * every later resolution starts there. */
static int emulate_chroot(struct umv_call *call)
{
	struct mon_thread *t = call->thread;
	struct umv_path_result res = { 0 };
	char path[PATH_MAX];
	ssize_t n;
	int rc;

	if (!call->sc.args[0])
		return mon_vfs_emulate(call, -EFAULT);
	if ((n = umv_vm_read_str(call, call->sc.args[0], path, sizeof(path))) < 0)
		return mon_vfs_emulate(call, n);
	if (n == 0)
		return mon_vfs_emulate(call, -ENOENT);
	rc = mon_vfs_resolve(t, NULL, path, UMV_PATH_DIRECTORY, &res);
	if (rc == 0 && !may_chroot(t->tid))
		rc = -EPERM;
	if (rc == 0) {
		free(t->proc->root);
		t->proc->root = NULL;
		if (strcmp(res.guest, "/") != 0) {
			t->proc->root = res.guest;
			res.guest = NULL;
		}
		mon_vfs_fs_changed(t->proc);
	}
	umv_path_result_free(&res);
	return mon_vfs_emulate(call, rc);
}

int mon_vfs_enter(struct umv_call *call, bool *want_leave)
{
	struct vfs_call vc = { .call = call, .t = call->thread };
	enum sc_id id = call->sc.id;
	char *readlink_host = NULL, *execfn = NULL;
	int verdict = UMV_PASS, rc = 0;
	int64_t owned_result = 0;
	bool owned_emulate = false;

	*want_leave = false;
	if (!mt || !call->thread->proc || !call->sc.info)
		return UMV_PASS;
	if (id > SC_ID_UNKNOWN && id < SC_ID_COUNT && ns_change_ids[id])
		mon_vfs_cache_forget();
	/* A rename whose exit this thread never reached (killed, or a tid
	 * reused) must not be applied at some later call's exit. */
	mon_vfs_rename_drop(call->thread->tid);
	if (id == id_getcwd)
		return emulate_getcwd(call);
	if (id == id_io_uring_setup) {
		static bool logged;
		mon_log_once(logged, MON_LOG_WARN,
			     "io_uring_setup: ENOSYS (io_uring reaches paths the monitor cannot see while paths are virtualized)");
		return mon_vfs_emulate(call, -ENOSYS);
	}
	if (id == id_fchdir)
		return enter_fchdir(call, want_leave);
	if (id == id_getdents64)
		return nmerged ? enter_getdents(call, want_leave) : UMV_PASS;
	if (id == id_bind || id == id_connect || id == id_sendto || id == id_sendmsg)
		return mon_vfs_socket(call);
	if (id == id_getsockname || id == id_getpeername || is_peer_name_call(id))
		return mon_vfs_sockname_enter(call, want_leave);
	if (id == id_mount && call->sc.info && !call->sc.demuxed && (rc = runtime_mount(call)) != 1)
		return rc;
	if ((id == id_umount || id == id_umount2) && (rc = runtime_umount(call)) != 1)
		return rc;
	rc = 0;
	if (id == id_chroot)
		return emulate_chroot(call);
	if (id == id_open_by_handle_at)
		return mon_vfs_open_by_handle(call);
	if (id == id_bpf)
		return mon_vfs_bpf(call);
	if (id == id_perf_event_open)
		return mon_vfs_perf_event_open(call);
	if (id == id_mount) {
		if ((rc = mon_vfs_mount_data(call, &vc.opts)) < 0)
			return mon_vfs_emulate(call, rc);
		vc.opts_idx = 4;
	}
	if (id == id_fsconfig) {
		if ((rc = mon_vfs_fsconfig_path(call, &vc.fsconfig_flags, &vc.opts)) <= 0 ||
		    (rc == 3 && !vc.opts))
			return rc < 0 ? mon_vfs_emulate(call, rc) : UMV_PASS;
		vc.fsconfig_path = rc != 3 ? rc : 0;
		vc.opts_idx = 3;
		rc = 0;
	} else if (!(call->sc.info->classes & SC_CL_PATH) || call->sc.demuxed ||
		   call->sc.demux_failed) {
		return UMV_PASS;
	}
	for (unsigned i = 0; i < call->sc.nargs && rc >= 0 && rc != PASS_CALL; i++) {
		struct umv_path_result res = { 0 };

		if (!is_path_arg(&vc, i))
			continue;
		vc.owned.cur = vc.owned.npaths++;
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
	/* After both lookups and before the source's existence, as the
	 * kernel checks (a name reached through a dirfd the guest cannot
	 * see leaves the mount unknown: the kernel judges). */
	if (rc >= 0 && rc != PASS_CALL && two_mount_ids[id] && vc.nxmount == 2 && vc.xmount[0] &&
	    vc.xmount[1] && vc.xmount[0] != vc.xmount[1])
		rc = -EXDEV;
	else if (rc >= 0 && rc != PASS_CALL && vc.denied)
		rc = -EACCES;
	if (rc >= 0 && rc != PASS_CALL) {
		int orc = mon_vfs_owned_finish(&vc.owned, call, &owned_result);

		if (orc < 0)
			rc = orc;
		owned_emulate = orc == 1;
	}
	if (rc == PASS_CALL) {
		verdict = UMV_PASS;
	} else if (rc < 0) {
		*want_leave = false;
		verdict = mon_vfs_emulate(call, rc);
	} else if (owned_emulate) {
		*want_leave = false;
		verdict = mon_vfs_emulate(call, owned_result);
	} else if (vc.readlink_emulated) {
		verdict = emulate_readlink(&vc, readlink_host);
	} else if (vc.exec_host &&
		   (rc = mon_vfs_exec_redirect(call, vc.exec_host, &vc.exec_canon, &vc.exec_via_ldso,
					       &execfn)) != 0) {
		verdict = rc == 1 ? UMV_REWRITE : rc == -EINPROGRESS ? -EINPROGRESS : mon_vfs_emulate(call, rc);
	} else if (vc.nrw > 0 || vc.how_rewrite || vc.opts) {
		if (vc.nrw == 0)
			vc.how_rewrite = false;	/* passthrough: RESOLVE_* apply as written */
		rc = write_rewrites(&vc);
		if (rc == -EINPROGRESS) {
			*want_leave = false;
			verdict = -EINPROGRESS;
		} else if (rc < 0) {
			*want_leave = false;
			verdict = mon_vfs_emulate(call, rc);
		} else {
			verdict = UMV_REWRITE;
		}
	}
	if (vc.owned.done_tree) {
		/* the owner hears how a creation it prepared for ended */
		if (verdict == UMV_EMULATE)
			mon_vfs_owned_done_now(&vc.owned, call, call->result);
		else if (verdict == -EINPROGRESS)
			mon_vfs_owned_done_now(&vc.owned, call, -EINTR);	/* asked again */
		else if (mon_vfs_owned_defer(&vc.owned, call))
			*want_leave = true;
	}
	if (mon_log_level() >= MON_LOG_DEBUG)
		mon_log(MON_LOG_DEBUG, "vfs: %d %s: verdict %d result %lld, %u rewritten%s%s", (int)vc.t->tid,
			call->sc.name, verdict, (long long)call->result, vc.nrw, vc.nrw ? " first " : "",
			vc.nrw ? vc.rw[0].host : "");
	free(readlink_host);
	if ((id == id_execve || id == id_execveat) && vc.t->proc) {
		/* What /proc/PID/exe must read once this exec succeeds. */
		free(vc.t->proc->exe_pending);
		vc.t->proc->exe_pending =
			vc.exec_via_ldso && verdict == UMV_REWRITE && vc.exec_canon ?
				strdup(vc.exec_canon) : NULL;
		execfn_set(vc.t->proc->tgid, verdict == UMV_REWRITE ? execfn : NULL);
		execfn = NULL;
	}
	if (is_rename(id)) {
		if (vc.nnames == 2 && verdict != UMV_EMULATE && verdict >= 0 &&
		    mon_vfs_rename_pending(vc.t->tid, vc.names[0], vc.names[1],
					   id == SC_ID_renameat2 &&
						   (call->sc.args[4] & RENAME_EXCHANGE_FLAG)) == 0) {
			vc.names[0] = vc.names[1] = NULL;
			*want_leave = true;
		}
		free(vc.names[0]);
		free(vc.names[1]);
	}
	free(execfn);
	free(vc.exec_host);
	free(vc.exec_canon);
	for (unsigned k = 0; k < vc.nrw; k++)
		free(vc.rw[k].host);
	free(vc.opts);
	mon_vfs_owned_call_free(&vc.owned);
	return verdict;
}

void mon_vfs_leave(struct umv_call *call, int64_t *result)
{
	struct mon_thread *t = call->thread;

	mon_vfs_owned_leave(call, *result);

	if (t->pending_dents) {
		leave_getdents(call, result);
		return;
	}
	if (t->pending_sockname) {
		mon_vfs_sockname_leave(call, result);
		return;
	}

	if (mon_vfs_rename_leave(t->tid, *result, &initial_cwd))
		return;
	if (*result == 0 && t->pending_cwd && t->proc) {
		free(t->proc->cwd);
		t->proc->cwd = t->pending_cwd;
		t->pending_cwd = NULL;
		mon_vfs_fs_changed(t->proc);
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

static void synth_read_only(void);

int mon_vfs_setup(const char **host_cwd)
{
	static char *host_cwd_buf;
	struct umv_path_ctx ctx = { .cwd = "/" };
	struct umv_path_result res = { 0 };
	char *cwd;
	int rc;

	*host_cwd = NULL;
	if (!mt)
		return 0;
	mon_vfs_cache_setup();
	mon_vfs_struct_paths_setup();
	if ((rc = mon_private_dir_make("umvisor", &private_dir, &private_dir_lock)) < 0)
		return rc;
	for (size_t i = 0; i < nbinds; i++)
		if ((rc = materialize(bind_points[i], bind_nondir[i])) < 0) {
			mon_log(MON_LOG_ERROR, "cannot create the parents of %s: %s", bind_points[i],
				strerror(-rc));
			return rc;
		}
	for (size_t i = 0; i < nbinds; i++)
		find_merged(bind_points[i]);
	synth_read_only();
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

/* Synthetic parents read as what they are to the guest, read-only
 * directories (the monitor's user could write them; the guest's writes
 * are refused by the path layer: EACCES). */
static int set_synth_read_only(const char *path, const struct stat *st, int flag,
			       struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_DP || (st && S_ISDIR(st->st_mode)))
		chmod(path, 0555);
	return 0;
}

/* Post-order, so each directory is still writable while its children are
 * done; mon_private_dir_remove_tree opens them up again at exit. */
static void synth_read_only(void)
{
	char *synth;

	if (!private_dir || asprintf(&synth, "%s/synth", private_dir) < 0)
		return;
	nftw(synth, set_synth_read_only, 16, FTW_PHYS | FTW_DEPTH);
	free(synth);
}

void mon_vfs_fini(void)
{
	for (size_t i = 0; i < nmerged; i++)
		free(merged_dirs[i]);
	free(merged_dirs);
	merged_dirs = NULL;
	nmerged = 0;
	for (size_t i = 0; i < nruntime; i++) {
		free(runtime_mounts[i].guest);
		free(runtime_mounts[i].source);
	}
	free(runtime_mounts);
	runtime_mounts = NULL;
	nruntime = 0;
	mon_vfs_unix_fini();
	long_dirs_fini();
	mon_vfs_cwd_fini();
	while (execfns)
		execfn_set(execfns->tgid, NULL);
	mon_vfs_owned_fini();
	if (private_dir) {
		mon_private_dir_remove_tree(private_dir);
		free(private_dir);
		private_dir = NULL;
		close(private_dir_lock);
		private_dir_lock = -1;
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
	free(two_mount_ids);
	free(ns_change_ids);
	nofollow_ids = parent_ids = two_mount_ids = ns_change_ids = NULL;
	mon_vfs_cache_fini();
	if (mt) {
		umv_mount_table_free(mt);
		mt = NULL;
	}
}
