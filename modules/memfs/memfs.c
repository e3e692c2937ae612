/* The memfs module: -m memfs:guest=PATH[,size=BYTES][,save=DIR][,tmpfs=DIR].
 * Also mounted by the guest at run time: mount -t umvisor.memfs
 * [size=BYTES][,save=DIR] TARGET (guest= is then the target).
 * An in-memory tree at guest PATH: a private directory on a tmpfs, bound
 * there through the path layer (so read, write, mmap, exec, links, rename
 * and getdents64 are the kernel's own), with an optional size limit the
 * module keeps (space.c), statfs answering that limit, and the tree saved
 * to DIR at exit. See doc/design.md ("memfs") and doc/modules.md. */
#include "modules/memfs/memfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

/* BYTES with an optional K, M, G or T suffix (powers of 1024). */
static int parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0, mul = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (toupper((unsigned char)*p)) {
	case '\0':
		break;
	case 'K':
		mul = 1ull << 10;
		break;
	case 'M':
		mul = 1ull << 20;
		break;
	case 'G':
		mul = 1ull << 30;
		break;
	case 'T':
		mul = 1ull << 40;
		break;
	default:
		return -EINVAL;
	}
	if (*p && p[1])
		return -EINVAL;
	if (v > UINT64_MAX / mul)
		return -ERANGE;
	*out = v * mul;
	return 0;
}

/* 1 if directory PATH is empty, 0 if not, -errno. */
static int dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int rc = 1;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			rc = 0;
			break;
		}
	closedir(d);
	return rc;
}

/* DIR must be creatable, or an empty directory: a save never mixes with
 * or overwrites what is there. */
static int check_save_dir(struct memfs *m, const char *dir)
{
	char *abs = NULL, *parent, *slash;
	struct stat st;
	int rc = 0;

	if (dir[0] == '/') {
		abs = strdup(dir);
	} else {
		char *cwd = getcwd(NULL, 0);
		if (cwd && asprintf(&abs, "%s/%s", cwd, dir) < 0)
			abs = NULL;
		free(cwd);
	}
	if (!abs)
		return -ENOMEM;
	while (strlen(abs) > 1 && abs[strlen(abs) - 1] == '/')
		abs[strlen(abs) - 1] = '\0';
	if (stat(abs, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			umv_log(m->mod, UMV_LOG_ERROR, "save=%s: not a directory", dir);
			rc = -ENOTDIR;
		} else if ((rc = dir_is_empty(abs)) < 0) {
			umv_log(m->mod, UMV_LOG_ERROR, "save=%s: %s", dir, strerror(-rc));
		} else if (rc == 0) {
			umv_log(m->mod, UMV_LOG_ERROR, "save=%s: not empty (a save never overwrites)", dir);
			rc = -ENOTEMPTY;
		} else {
			rc = 0;
		}
	} else if (errno != ENOENT) {
		rc = -errno;
		umv_log(m->mod, UMV_LOG_ERROR, "save=%s: %s", dir, strerror(-rc));
	} else {
		parent = strdup(abs);
		if (!parent) {
			free(abs);
			return -ENOMEM;
		}
		slash = strrchr(parent, '/');
		if (slash == parent)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (access(parent, W_OK | X_OK) < 0) {
			rc = -errno;
			umv_log(m->mod, UMV_LOG_ERROR, "save=%s: cannot create it in %s: %s", dir, parent,
				strerror(-rc));
		}
		free(parent);
	}
	if (rc == 0)
		m->save_dir = abs;
	else
		free(abs);
	return rc;
}

static int parse_options(struct memfs *m, const char *options)
{
	const char *mount_point = umv_mod_mount_point(m->mod);
	char *copy, *tok, *save = NULL;
	int rc = 0;

	if (mount_point) {
		/* mounted by the guest: its target is the tree's place */
		if (!(m->guest = strdup(mount_point)))
			return -ENOMEM;
		m->started = true;	/* the guest runs: save= applies */
		if (!options || !*options)
			return 0;
	} else if (!options || !*options) {
		umv_log(m->mod, UMV_LOG_ERROR, "needs guest=PATH (-m memfs:guest=PATH[,size=BYTES][,save=DIR])");
		return -EINVAL;
	}
	if (!(copy = strdup(options)))
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
		if (strncmp(tok, "guest=", 6) == 0) {
			if (mount_point) {
				umv_log(m->mod, UMV_LOG_ERROR, "guest=: not with mount(2), whose target is the place");
				rc = -EINVAL;
			} else if (tok[6] != '/') {
				umv_log(m->mod, UMV_LOG_ERROR, "guest=%s: must be an absolute path", tok + 6);
				rc = -EINVAL;
			} else {
				free(m->guest);
				if (!(m->guest = strdup(tok + 6)))
					rc = -ENOMEM;
			}
		} else if (strncmp(tok, "size=", 5) == 0) {
			if ((rc = parse_size(tok + 5, &m->limit)) < 0 || m->limit < MEMFS_PAGE) {
				umv_log(m->mod, UMV_LOG_ERROR,
					"size=%s: not a size of at least one page (BYTES, or a number with K, M, G or T)",
					tok + 5);
				rc = rc < 0 ? rc : -EINVAL;
			}
		} else if (strncmp(tok, "tmpfs=", 6) == 0 && tok[6]) {
			free(m->tmpfs);
			m->tmpfs = NULL;
			if ((rc = umv_vfs_host_path(m->mod, tok + 6, &m->tmpfs)) < 0)
				umv_log(m->mod, UMV_LOG_ERROR, "tmpfs=%s: %s", tok + 6, strerror(-rc));
		} else if (strncmp(tok, "save=", 5) == 0 && tok[5]) {
			char *host = NULL;

			free(m->save_dir);
			m->save_dir = NULL;
			/* a guest's mount names it in the guest's view */
			if ((rc = umv_vfs_host_path(m->mod, tok + 5, &host)) < 0)
				umv_log(m->mod, UMV_LOG_ERROR, "save=%s: %s", tok + 5, strerror(-rc));
			else
				rc = check_save_dir(m, host);
			free(host);
		} else {
			umv_log(m->mod, UMV_LOG_ERROR, "unknown option '%s' (guest=, size=, save=, tmpfs=)",
				tok);
			rc = -EINVAL;
		}
	}
	free(copy);
	if (rc == 0 && !m->guest) {
		umv_log(m->mod, UMV_LOG_ERROR, "needs guest=PATH");
		rc = -EINVAL;
	}
	return rc;
}

static void memfs_free(struct memfs *m)
{
	free(m->guest);
	free(m->root);
	free(m->save_dir);
	free(m->tmpfs);
	free(m);
}

static int lookup_ids(struct memfs_ids *id)
{
	static const struct {
		const char *name;
		size_t off;
	} names[] = {
#define ID(n) { #n, offsetof(struct memfs_ids, n) }
		ID(write), ID(pwrite64), ID(writev), ID(pwritev), ID(pwritev2), ID(truncate),
		ID(truncate64), ID(ftruncate), ID(ftruncate64), ID(fallocate), ID(copy_file_range),
		ID(sendfile), ID(sendfile64), ID(splice), ID(open), ID(openat), ID(openat2),
		ID(creat), ID(mkdir), ID(mkdirat), ID(mknod), ID(mknodat), ID(symlink),
		ID(symlinkat), ID(link), ID(linkat), ID(statfs), ID(statfs64), ID(fstatfs),
		ID(fstatfs64), ID(rename), ID(renameat), ID(renameat2),
#undef ID
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int v = umv_sysid(names[i].name);

		/* -ENOENT stays: it matches no call */
		memcpy((char *)id + names[i].off, &v, sizeof(v));
	}
	return 0;
}

static int want(struct memfs *m, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = umv_want_syscall(m->mod, names[i]);

		if (rc < 0 && rc != -ENOENT)
			return rc;
	}
	return 0;
}

static int memfs_init(struct umv_mod *mod, const char *options)
{
	static const char *const always[] = { "statfs", "statfs64", "fstatfs", "fstatfs64" };
	/* Only with a limit: each write then stops (see doc/design.md). */
	static const char *const limited[] = { "write", "pwrite64", "writev", "pwritev",
		"pwritev2", "copy_file_range", "sendfile", "sendfile64", "splice", "truncate",
		"truncate64", "ftruncate", "ftruncate64", "fallocate", "open", "openat", "openat2",
		"creat", "mkdir", "mkdirat", "mknod", "mknodat", "symlink", "symlinkat", "link",
		"linkat", "rename", "renameat", "renameat2" };
	struct memfs *m = calloc(1, sizeof(*m));
	int rc;

	if (!m)
		return -ENOMEM;
	m->mod = mod;
	lookup_ids(&m->id);
	if ((rc = parse_options(m, options)) < 0) {
		memfs_free(m);
		return rc;
	}
	if ((rc = memfs_backing_create(mod, m->tmpfs, &m->root)) < 0) {
		memfs_free(m);
		return rc;
	}
	m->root_len = strlen(m->root);
	/* Without a limit the module traps nothing: statfs tells the tmpfs's
	 * own figures, and nothing needs counting. */
	rc = m->limit ? want(m, always, sizeof(always) / sizeof(always[0])) : 0;
	if (rc == 0 && m->limit)
		rc = want(m, limited, sizeof(limited) / sizeof(limited[0]));
	if (rc == 0 && (rc = umv_vfs_bind(mod, m->root, m->guest, 0)) < 0)
		umv_log(mod, UMV_LOG_ERROR, "cannot mount the tree at %s: %s", m->guest, strerror(-rc));
	if (rc < 0) {
		memfs_remove_tree(m->root);
		memfs_free(m);
		return rc;
	}
	umv_mod_set_data(mod, m);
	umv_log(mod, UMV_LOG_INFO, "tree at %s in %s, limit %llu bytes", m->guest, m->root,
		(unsigned long long)m->limit);
	return 0;
}

/* ---- statfs: the limit as the file system's size ---- */

/* Offsets of f_bsize, f_blocks, f_bfree, f_bavail, and their width, in
 * the struct the call fills (x86_64/aarch64 statfs; i386 statfs has
 * 32-bit words, i386 statfs64 64-bit counts after two 32-bit words). */
struct statfs_layout {
	unsigned bsize, blocks, bfree, bavail, width;
};

static void fix_statfs(struct memfs *m, struct umv_call *call, uint64_t buf, bool is64)
{
	struct statfs_layout l;
	uint64_t usage, bsize = 0, blocks, bavail, host_bavail = 0;
	uint8_t raw[64];

	if (umv_call_arch(call) == UMV_ARCH_I386)
		l = is64 ? (struct statfs_layout){ 4, 8, 16, 24, 8 } : (struct statfs_layout){ 4, 8, 12, 16, 4 };
	else
		l = (struct statfs_layout){ 8, 16, 24, 32, 8 };
	if (umv_vm_read(call, buf, raw, l.bavail + l.width) != (ssize_t)(l.bavail + l.width))
		return;
	memcpy(&bsize, raw + l.bsize, 4);	/* little-endian: the low word */
	memcpy(&host_bavail, raw + l.bavail, l.width);
	if (bsize == 0 || memfs_usage(m, &usage) < 0)
		return;
	m->estimate = usage;
	blocks = m->limit / bsize;
	bavail = usage < m->limit ? (m->limit - usage) / bsize : 0;
	if (bavail > host_bavail)
		bavail = host_bavail;	/* the host's memory runs out first */
	if (l.width == 4) {
		uint32_t b32 = blocks > UINT32_MAX ? UINT32_MAX : (uint32_t)blocks;
		uint32_t a32 = bavail > UINT32_MAX ? UINT32_MAX : (uint32_t)bavail;
		memcpy(raw + l.blocks, &b32, 4);
		memcpy(raw + l.bfree, &a32, 4);
		memcpy(raw + l.bavail, &a32, 4);
	} else {
		memcpy(raw + l.blocks, &blocks, 8);
		memcpy(raw + l.bfree, &bavail, 8);
		memcpy(raw + l.bavail, &bavail, 8);
	}
	umv_vm_write(call, buf + l.blocks, raw + l.blocks, l.bavail + l.width - l.blocks);
}

static enum umv_verdict statfs_enter(struct memfs *m, struct umv_call *call, int sys)
{
	char path[PATH_MAX + 64];

	if (!m->limit)
		return UMV_PASS;	/* the tmpfs's own figures are the truth */
	if (sys == m->id.statfs || sys == m->id.statfs64) {
		if (memfs_arg_path(call, -1, 0, path, sizeof(path)) < 0 || !memfs_path_inside(m, path))
			return UMV_PASS;
	} else if (memfs_fd_inside(m, call, (int)(int32_t)umv_call_arg(call, 0)) != 1) {
		return UMV_PASS;
	}
	return UMV_POST;
}

static enum umv_verdict memfs_enter(struct umv_mod *mod, struct umv_call *call)
{
	struct memfs *m = umv_mod_get_data(mod);
	int sys = umv_call_sysid(call);

	if (sys == m->id.statfs || sys == m->id.statfs64 || sys == m->id.fstatfs ||
	    sys == m->id.fstatfs64)
		return statfs_enter(m, call, sys);
	return m->limit ? memfs_space_enter(m, call) : UMV_PASS;
}

static void memfs_leave(struct umv_mod *mod, struct umv_call *call, int64_t *result)
{
	struct memfs *m = umv_mod_get_data(mod);
	int sys = umv_call_sysid(call);
	bool is64 = sys == m->id.statfs64 || sys == m->id.fstatfs64;

	if (*result == 0)
		fix_statfs(m, call, umv_call_arg(call, is64 ? 2 : 1), is64);
}

static void memfs_thread_start(struct umv_mod *mod, pid_t pid, pid_t tid, pid_t parent)
{
	struct memfs *m = umv_mod_get_data(mod);

	(void)pid;
	(void)tid;
	(void)parent;
	m->started = true;
}

/* Renames the tree to .../umvisor-memfs-kept.SUFFIX; the path it is at. */
static const char *memfs_keep_tree(struct memfs *m)
{
	const char *dot = strrchr(m->root, '.'), *slash = strrchr(m->root, '/');
	char *kept;

	if (!dot || !slash || dot < slash ||
	    asprintf(&kept, "%.*s/umvisor-memfs-kept%s", (int)(slash - m->root), m->root, dot) < 0)
		return m->root;
	if (renameat2(AT_FDCWD, m->root, AT_FDCWD, kept, RENAME_NOREPLACE) < 0) {
		umv_log(m->mod, UMV_LOG_WARN, "cannot rename %s to %s (%s): the next memfs run removes it",
			m->root, kept, strerror(errno));
		free(kept);
		return m->root;
	}
	free(m->root);
	m->root = kept;
	return kept;
}

static void memfs_fini(struct umv_mod *mod)
{
	struct memfs *m = umv_mod_get_data(mod);
	int rc;

	if (!m)
		return;
	if (m->save_dir && m->started) {
		rc = memfs_save(m, m->save_dir);
		if (rc != 0) {
			/* Out of the umvisor-memfs.* name, or the next run's
			 * sweep of dead instances' trees would remove it. */
			const char *kept = memfs_keep_tree(m);

			umv_log(mod, UMV_LOG_ERROR, "save=%s: %s; the tree is left in %s", m->save_dir,
				rc < 0 ? strerror(-rc) : "some entries could not be copied", kept);
			memfs_free(m);
			return;
		}
	}
	if ((rc = memfs_remove_tree(m->root)) < 0)
		umv_log(mod, UMV_LOG_WARN, "cannot remove %s: %s", m->root, strerror(-rc));
	memfs_free(m);
}

const struct umv_module_ops umv_module_v1 = {
	.abi = UMV_ABI_VERSION,
	.size = sizeof(struct umv_module_ops),
	.name = "memfs",
	.summary = "an in-memory tree at a guest path (guest=PATH,size=BYTES,save=DIR)",
	.init = memfs_init,
	.fini = memfs_fini,
	.enter = memfs_enter,
	.leave = memfs_leave,
	.thread_start = memfs_thread_start,
};
