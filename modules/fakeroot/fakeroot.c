/* fakeroot: a virtual root identity whose file ownership survives the run.
 *
 *   -m fakeroot[:uid=N][:gid=N][:db=FILE][:export=FILE]   (-0 = -m fakeroot)
 *
 * uid=, gid=  the identity the guest starts with (default 0, 0); files of
 *             the invoking user read as owned by it
 * db=FILE     load the ownership database at start (ours, or a `fakeroot
 *             -s` save file), save it atomically at exit and every few
 *             seconds while it changes
 * export=FILE also write the database at exit in fakeroot(1)'s format
 *             (`fakeroot -i FILE`)
 *
 * This file: options, interests, the dispatch to creds.c and files.c,
 * saving. See doc/design.md. */
#include "modules/fakeroot/fakeroot.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SAVE_INTERVAL 5		/* seconds between saves of a changing db */

static const struct {
	const char *name;
	enum fr_kind kind;
} interests[] = {
	{ "getuid", FR_GETID }, { "geteuid", FR_GETID }, { "getgid", FR_GETID },
	{ "getegid", FR_GETID }, { "getuid16", FR_GETID16 }, { "geteuid16", FR_GETID16 },
	{ "getgid16", FR_GETID16 }, { "getegid16", FR_GETID16 },
	{ "getresuid", FR_GETRES }, { "getresgid", FR_GETRES },
	{ "getresuid16", FR_GETRES16 }, { "getresgid16", FR_GETRES16 },
	{ "getgroups", FR_GETGROUPS }, { "getgroups16", FR_GETGROUPS16 },
	{ "setuid", FR_SETID }, { "setgid", FR_SETID }, { "setreuid", FR_SETID },
	{ "setregid", FR_SETID }, { "setresuid", FR_SETID }, { "setresgid", FR_SETID },
	{ "setfsuid", FR_SETID }, { "setfsgid", FR_SETID },
	{ "setuid16", FR_SETID16 }, { "setgid16", FR_SETID16 }, { "setreuid16", FR_SETID16 },
	{ "setregid16", FR_SETID16 }, { "setresuid16", FR_SETID16 },
	{ "setresgid16", FR_SETID16 }, { "setfsuid16", FR_SETID16 }, { "setfsgid16", FR_SETID16 },
	{ "setgroups", FR_SETGROUPS }, { "setgroups16", FR_SETGROUPS16 },
	{ "capget", FR_CAPGET }, { "capset", FR_CAPSET },
	{ "clone", FR_CLONE }, { "clone3", FR_CLONE }, { "fork", FR_CLONE }, { "vfork", FR_CLONE },
	{ "execve", FR_EXEC }, { "execveat", FR_EXEC },
	{ "stat", FR_STAT }, { "lstat", FR_STAT }, { "fstat", FR_STAT }, { "newfstatat", FR_STAT },
	{ "fstatat64", FR_STAT }, { "stat64", FR_STAT }, { "lstat64", FR_STAT },
	{ "fstat64", FR_STAT }, { "statx", FR_STAT }, { "oldstat", FR_STAT },
	{ "oldlstat", FR_STAT }, { "oldfstat", FR_STAT },
	{ "chown", FR_CHOWN }, { "lchown", FR_CHOWN }, { "fchown", FR_CHOWN },
	{ "fchownat", FR_CHOWN }, { "chown16", FR_CHOWN16 }, { "lchown16", FR_CHOWN16 },
	{ "fchown16", FR_CHOWN16 },
	{ "chmod", FR_CHMOD }, { "fchmod", FR_CHMOD }, { "fchmodat", FR_CHMOD },
	{ "fchmodat2", FR_CHMOD },
	{ "mknod", FR_MKNOD }, { "mknodat", FR_MKNOD }, { "mkdir", FR_MKDIR },
	{ "mkdirat", FR_MKDIR }, { "open", FR_OPEN }, { "openat", FR_OPEN }, { "openat2", FR_OPEN },
	{ "creat", FR_OPEN },
	{ "symlink", FR_CREATE_LINK }, { "symlinkat", FR_CREATE_LINK },
	{ "access", FR_ACCESS }, { "faccessat", FR_ACCESS }, { "faccessat2", FR_ACCESS },
	{ "unlink", FR_REMOVE }, { "unlinkat", FR_REMOVE }, { "rmdir", FR_REMOVE },
	{ "rename", FR_RENAME }, { "renameat", FR_RENAME }, { "renameat2", FR_RENAME },
};

struct fr_pending *fr_pending_of(struct fr_state *st, pid_t tid, bool create)
{
	struct fr_pending *free_slot = NULL, *grown;

	for (size_t i = 0; i < st->npending; i++) {
		if (st->pending[i].tid == tid && (st->pending[i].used || create))
			return &st->pending[i];
		if (!st->pending[i].used && !free_slot)
			free_slot = &st->pending[i];
	}
	if (!create)
		return NULL;
	if (free_slot)
		return free_slot;
	grown = realloc(st->pending, (st->npending + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	st->pending = grown;
	memset(&st->pending[st->npending], 0, sizeof(*grown));
	return &st->pending[st->npending++];
}

/* open/openat stop only when they create (the owner is recorded) or look
 * like a plain read of a file (a /proc status file is served with the
 * virtual ids): read-only, following links, blocking, not a directory or
 * O_PATH. Other opens, most of them (tar -c reads with O_NOFOLLOW |
 * O_NONBLOCK, directory walks), run with no stop. x86 flag values. */
#define F_O_ACCMODE 03
#define F_O_CREAT 0100
#define F_O_NONBLOCK 04000
#define F_O_DIRECTORY 0200000
#define F_O_NOFOLLOW 0400000
#define F_O_PATH 010000000
static int want_open(struct umv_mod *mod, const char *name, unsigned flags_idx)
{
	const uint64_t plain_read = F_O_ACCMODE | F_O_CREAT | F_O_NONBLOCK | F_O_DIRECTORY |
				    F_O_NOFOLLOW | F_O_PATH;
	int rc = umv_want_syscall_if(mod, name, flags_idx, UMV_CMP_MASKED_EQ, F_O_CREAT, F_O_CREAT);

	if (rc == 0)
		rc = umv_want_syscall_if(mod, name, flags_idx, UMV_CMP_MASKED_EQ, plain_read, 0);
	return rc;
}

/* fchmod to a mode with u+rw and no set-id or sticky bit (tar's 0644 on
 * each file it extracts) runs natively: the real mode is then the guest's
 * view (fr_view takes a real mode changed behind the record). Other
 * modes stop, to be recorded and widened. */
static int want_fchmod(struct umv_mod *mod)
{
	return umv_want_syscall_if(mod, "fchmod", 1, UMV_CMP_MASKED_NE, 07600, 0600);
}

static int lookup_ids(struct fr_state *st)
{
	struct {
		const char *name;
		int *id;
	} ids[] = {
#define ID(n) { #n, &st->id_##n }
		ID(getuid), ID(geteuid), ID(getgid), ID(getegid), ID(getuid16), ID(geteuid16),
		ID(getgid16), ID(getegid16), ID(getresuid), ID(getresgid), ID(getresuid16),
		ID(getresgid16), ID(setuid), ID(setgid), ID(setreuid), ID(setregid), ID(setresuid),
		ID(setresgid), ID(setfsuid), ID(setfsgid), ID(setuid16), ID(setgid16),
		ID(setreuid16), ID(setregid16), ID(setresuid16), ID(setresgid16), ID(setfsuid16),
		ID(setfsgid16), ID(stat), ID(lstat), ID(fstat), ID(newfstatat), ID(fstatat64),
		ID(stat64), ID(lstat64), ID(fstat64), ID(statx), ID(oldstat), ID(oldlstat),
		ID(oldfstat), ID(chown), ID(lchown), ID(fchown), ID(fchownat), ID(chown16),
		ID(lchown16), ID(fchown16), ID(chmod), ID(fchmod), ID(fchmodat), ID(fchmodat2),
		ID(mknod), ID(mknodat), ID(mkdir), ID(mkdirat), ID(open), ID(openat), ID(openat2),
		ID(creat),
		ID(symlink), ID(symlinkat), ID(link), ID(linkat), ID(access), ID(faccessat),
		ID(faccessat2), ID(unlink), ID(unlinkat), ID(rmdir), ID(rename), ID(renameat),
		ID(renameat2), ID(execve), ID(execveat), ID(clone), ID(clone3), ID(fork), ID(vfork),
#undef ID
	};
	int max = 0;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		*ids[i].id = umv_sysid(ids[i].name);
		if (*ids[i].id > max)
			max = *ids[i].id;
	}
	for (size_t i = 0; i < sizeof(interests) / sizeof(interests[0]); i++) {
		int id = umv_sysid(interests[i].name);
		if (id > max)
			max = id;
	}
	st->nids = max + 1;
	st->kind = calloc((size_t)st->nids, 1);
	if (!st->kind)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(interests) / sizeof(interests[0]); i++) {
		int id = umv_sysid(interests[i].name), rc;
		if (id <= 0) {
			umv_log(st->mod, UMV_LOG_ERROR, "internal: no syscall '%s' in the tables",
				interests[i].name);
			return -ENOENT;
		}
		st->kind[id] = (uint8_t)interests[i].kind;
		if (id == st->id_open || id == st->id_openat)
			rc = want_open(st->mod, interests[i].name, id == st->id_open ? 1 : 2);
		else if (id == st->id_fchmod)
			rc = want_fchmod(st->mod);
		else
			rc = umv_want_syscall(st->mod, interests[i].name);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int parse_id(struct umv_mod *mod, const char *what, const char *text, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || *end || v >= 0xffffffffUL || text[0] == '-') {
		umv_log(mod, UMV_LOG_ERROR, "%s=%s: not a numeric id", what, text);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int set_string(char **dst, const char *text)
{
	char *copy = strdup(text);

	if (!copy)
		return -ENOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

static int parse_options(struct fr_state *st, const char *options, uint32_t *uid, uint32_t *gid)
{
	char *copy, *save = NULL;
	int rc = 0;

	if (!options || !*options)
		return 0;
	if (!(copy = strdup(options)))
		return -ENOMEM;
	for (char *g = strtok_r(copy, ":", &save); g && rc == 0; g = strtok_r(NULL, ":", &save)) {
		if (strncmp(g, "uid=", 4) == 0) {
			rc = parse_id(st->mod, "uid", g + 4, uid);
		} else if (strncmp(g, "gid=", 4) == 0) {
			rc = parse_id(st->mod, "gid", g + 4, gid);
		} else if (strncmp(g, "db=", 3) == 0 && g[3]) {
			rc = set_string(&st->db.file, g + 3);
		} else if (strncmp(g, "export=", 7) == 0 && g[7]) {
			rc = set_string(&st->export_file, g + 7);
		} else {
			umv_log(st->mod, UMV_LOG_ERROR,
				"unknown option '%s' (uid=N, gid=N, db=FILE, export=FILE)", g);
			rc = -EINVAL;
		}
	}
	free(copy);
	return rc;
}

/* The directory FILE will be saved in must take our temp file and rename. */
static int check_writable_dir(struct fr_state *st, const char *what, const char *file)
{
	char *copy = strdup(file);
	const char *dir;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	dir = dirname(copy);
	if (access(dir, W_OK | X_OK) < 0) {
		rc = -errno;
		umv_log(st->mod, UMV_LOG_ERROR, "%s=%s: cannot save in %s: %s", what, file, dir,
			strerror(errno));
	}
	free(copy);
	return rc;
}

static int open_db(struct fr_state *st)
{
	unsigned line = 0;
	int rc;

	if (st->export_file && (rc = check_writable_dir(st, "export", st->export_file)) < 0)
		return rc;
	if (!st->db.file)
		return 0;
	if ((rc = check_writable_dir(st, "db", st->db.file)) < 0)
		return rc;
	rc = fr_db_load(&st->db, st->db.file, &line);
	if (rc == -ENOENT) {
		umv_log(st->mod, UMV_LOG_INFO, "db=%s: new database", st->db.file);
		return 0;
	}
	if (rc == -EINVAL) {
		umv_log(st->mod, UMV_LOG_ERROR,
			"db=%s:%u: corrupt (not a fakeroot save-file line); refusing to start with an empty database",
			st->db.file, line);
		return rc;
	}
	if (rc < 0) {
		umv_log(st->mod, UMV_LOG_ERROR, "db=%s: cannot read: %s", st->db.file,
			strerror(-rc));
		return rc;
	}
	umv_log(st->mod, UMV_LOG_INFO, "db=%s: %zu entries", st->db.file, st->db.count);
	st->db.last_save = time(NULL);
	return 0;
}

static void free_state(struct fr_state *st)
{
	fr_threads_fini(&st->threads);
	fr_db_fini(&st->db);
	free(st->kind);
	free(st->pending);
	free(st->export_file);
	free(st);
}

static int fr_init(struct umv_mod *mod, const char *options)
{
	struct fr_state *st = calloc(1, sizeof(*st));
	uint32_t uid = 0, gid = 0;
	int rc;

	if (!st)
		return -ENOMEM;
	st->mod = mod;
	st->host_uid = getuid();
	st->host_gid = getgid();
	if ((rc = fr_db_init(&st->db)) < 0 || (rc = parse_options(st, options, &uid, &gid)) < 0 ||
	    (rc = fr_threads_init(&st->threads, uid, gid)) < 0 || (rc = lookup_ids(st)) < 0 ||
	    (rc = open_db(st)) < 0) {
		free_state(st);
		return rc;
	}
	umv_mod_set_data(mod, st);
	return 0;
}

static void save(struct fr_state *st, bool final)
{
	int rc;

	if (st->db.file && (st->db.dirty || final)) {
		if ((rc = fr_db_save(&st->db, st->db.file, false)) < 0)
			umv_log(st->mod, UMV_LOG_ERROR, "db=%s: cannot save: %s", st->db.file,
				strerror(-rc));
		else
			st->db.dirty = false;
	}
	if (final && st->export_file &&
	    (rc = fr_db_save(&st->db, st->export_file, true)) < 0)
		umv_log(st->mod, UMV_LOG_ERROR, "export=%s: cannot save: %s", st->export_file,
			strerror(-rc));
	st->db.last_save = time(NULL);
}

static void fr_fini(struct umv_mod *mod)
{
	struct fr_state *st = umv_mod_get_data(mod);

	if (!st)
		return;
	save(st, true);
	free_state(st);
	umv_mod_set_data(mod, NULL);
}

static enum fr_kind kind_of(const struct fr_state *st, const struct umv_call *call)
{
	int id = umv_call_sysid(call);

	return id > 0 && id < st->nids ? (enum fr_kind)st->kind[id] : FR_NONE;
}

static enum umv_verdict fr_enter(struct umv_mod *mod, struct umv_call *call)
{
	struct fr_state *st = umv_mod_get_data(mod);
	enum fr_kind kind = kind_of(st, call);

	if (st->db.file && st->db.dirty && time(NULL) - st->db.last_save >= SAVE_INTERVAL)
		save(st, false);
	if (kind == FR_NONE)
		return UMV_PASS;
	if (kind < FR_STAT && kind != FR_EXEC)
		return fr_creds_enter(st, call, kind);
	return fr_files_enter(st, call, kind);
}

static void fr_leave(struct umv_mod *mod, struct umv_call *call, int64_t *result)
{
	struct fr_state *st = umv_mod_get_data(mod);
	enum fr_kind kind = kind_of(st, call);

	if (kind == FR_CLONE)
		fr_creds_leave(st, call, kind, result);
	else if (kind >= FR_STAT || kind == FR_EXEC)
		fr_files_leave(st, call, kind, result);
}

static void fr_process_exit(struct umv_mod *mod, pid_t pid, int wstatus)
{
	struct fr_state *st = umv_mod_get_data(mod);

	(void)wstatus;
	fr_threads_process_gone(&st->threads, pid);
	for (size_t i = 0; i < st->npending; i++)
		if (st->pending[i].tid == pid)
			st->pending[i].used = false;
}

const struct umv_module_ops umv_module_v1 = {
	.abi = UMV_ABI_VERSION,
	.size = sizeof(struct umv_module_ops),
	.name = "fakeroot",
	.summary = "virtual root: owners, modes, device nodes recorded (db=FILE keeps them)",
	.init = fr_init,
	.fini = fr_fini,
	.enter = fr_enter,
	.leave = fr_leave,
	.process_exit = fr_process_exit,
};
