/* Module-owned trees (umv_vfs_own, used by cow): the walk asks the module
 * for the host path of each name below the mount point (paths.h's mapper);
 * here each path argument that ends inside such a tree is told to the
 * module with the intent of the call, so it can copy up, leave whiteouts or
 * answer the call itself. The safety net is the monitor's: a call that may
 * change something never reaches a host path outside the module's writable
 * directory. See doc/design.md. */
#include "monitor/vfs.h"
#include "vmaccess/vmaccess.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef AT_REMOVEDIR
#define AT_REMOVEDIR 0x200
#endif
#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif

struct owned_tree {
	struct umv_mount_mapper mapper;	/* what the walk calls: see paths.h */
	struct umv_owned_ops ops;
	void *data;
	struct umv_mod *mod;
	char *guest;
	char *host;			/* the writable host directory */
	size_t host_len;
	struct owned_tree *next;
};

static struct owned_tree *trees;
struct pending_done;
static struct pending_done *pending;
static size_t npending;
/* Per syscall id: the intent of its path arguments (enum umv_intent + 1;
 * 0 = decided by the call's flags or not classified). */
static uint8_t *intent_of;
static enum sc_id id_open, id_openat, id_openat2, id_creat, id_unlinkat, id_rename,
	id_renameat, id_renameat2, id_link, id_linkat;

static void mark(const char *name, enum umv_intent intent)
{
	enum sc_id id = sc_id_from_name(name);

	if (id != SC_ID_UNKNOWN)
		intent_of[id] = (uint8_t)(intent + 1);
}

static int intents_init(void)
{
	static const char *const reads[] = { "stat", "lstat", "newfstatat", "stat64", "lstat64",
		"fstatat64", "oldstat", "oldlstat", "statx", "access", "faccessat", "faccessat2",
		"readlink", "readlinkat", "getxattr", "lgetxattr", "listxattr", "llistxattr",
		"getxattrat", "listxattrat", "execve", "execveat", "chdir", "chroot", "statfs",
		"statfs64", "name_to_handle_at", "inotify_add_watch", "fanotify_mark", "uselib",
		"file_getattr" };
	static const char *const metas[] = { "chmod", "fchmodat", "fchmodat2", "chown", "lchown",
		"fchownat", "chown16", "lchown16", "truncate", "truncate64", "utime", "utimes",
		"futimesat", "utimensat", "utimensat_time64", "setxattr", "lsetxattr", "removexattr",
		"lremovexattr", "setxattrat", "removexattrat", "file_setattr" };

	if (intent_of)
		return 0;
	if (!(intent_of = calloc(SC_ID_COUNT, 1)))
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++)
		mark(reads[i], UMV_INTENT_READ);
	for (size_t i = 0; i < sizeof(metas) / sizeof(metas[0]); i++)
		mark(metas[i], UMV_INTENT_META);
	mark("mkdir", UMV_INTENT_MKDIR);
	mark("mkdirat", UMV_INTENT_MKDIR);
	mark("mknod", UMV_INTENT_MKNOD);
	mark("mknodat", UMV_INTENT_MKNOD);
	mark("symlink", UMV_INTENT_MKNOD);
	mark("symlinkat", UMV_INTENT_MKNOD);
	mark("unlink", UMV_INTENT_UNLINK);
	mark("rmdir", UMV_INTENT_RMDIR);
	id_open = sc_id_from_name("open");
	id_openat = sc_id_from_name("openat");
	id_openat2 = sc_id_from_name("openat2");
	id_creat = sc_id_from_name("creat");
	id_unlinkat = sc_id_from_name("unlinkat");
	id_rename = sc_id_from_name("rename");
	id_renameat = sc_id_from_name("renameat");
	id_renameat2 = sc_id_from_name("renameat2");
	id_link = sc_id_from_name("link");
	id_linkat = sc_id_from_name("linkat");
	return 0;
}

static int map_path(void *data, const char *rel, size_t rel_len, const char *parent_host,
		    char **host)
{
	struct owned_tree *o = data;
	char *copy = strndup(rel, rel_len);
	int rc;

	if (!copy)
		return -ENOMEM;
	*host = NULL;
	rc = o->ops.lookup(o->data, copy, parent_host, host);
	free(copy);
	return rc;
}

int umv_vfs_own(struct umv_mod *mod, const char *guest, const char *host,
		const struct umv_owned_ops *ops, void *data)
{
	struct owned_tree *o;
	struct stat st;
	int rc;

	if (!mod || !guest || !host || !ops || guest[0] != '/' || host[0] != '/' ||
	    strcmp(guest, "/") == 0 || ops->size < sizeof(struct umv_owned_ops) || !ops->lookup ||
	    !ops->prepare || !ops->rename)
		return -EINVAL;
	if (!mod->in_init)
		return -EBUSY;
	if (mod->mount_point && strcmp(guest, mod->mount_point) != 0)
		return -EINVAL;	/* a runtime mount mounts at its target only */
	if ((rc = intents_init()) < 0)
		return rc;
	if (stat(host, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (!(o = calloc(1, sizeof(*o))))
		return -ENOMEM;
	o->ops = *ops;
	o->data = data;
	o->mod = mod;
	o->mapper.map = map_path;
	o->mapper.data = o;
	o->guest = strdup(guest);
	o->host = realpath(host, NULL);
	if (!o->guest || !o->host) {
		free(o->guest);
		free(o->host);
		free(o);
		return -ENOMEM;
	}
	o->host_len = strlen(o->host);
	if ((rc = mon_vfs_add_owned(o->guest, o->host, o, mod->mount_point != NULL)) < 0) {
		free(o->guest);
		free(o->host);
		free(o);
		return rc;
	}
	o->next = trees;
	trees = o;
	if (mod->mount_point)
		mod->nmounted++;
	return 0;
}

static bool inside(const char *path, const char *dir, size_t len)
{
	return strncmp(path, dir, len) == 0 && (path[len] == '/' || path[len] == '\0');
}

/* The intent of path argument NTH (0 or 1) of CALL; *TFLAGS gets the
 * UMV_OWNED_* flags. -1: a rename (handled whole). */
static int call_intent(struct umv_call *call, unsigned nth, unsigned pflags, unsigned *tflags)
{
	const uint64_t *a = call->sc.args;
	enum sc_id id = call->sc.id;
	uint64_t of;

	*tflags = (pflags & UMV_PATH_NOFOLLOW) ? UMV_OWNED_NOFOLLOW : 0;
	if (id == id_rename || id == id_renameat || id == id_renameat2)
		return -1;
	if (id == id_link || id == id_linkat)
		return nth == 0 ? UMV_INTENT_META : UMV_INTENT_MKNOD;
	if (id == id_unlinkat)
		return (a[2] & AT_REMOVEDIR) ? UMV_INTENT_RMDIR : UMV_INTENT_UNLINK;
	if (id == id_open || id == id_openat || id == id_openat2 || id == id_creat) {
		if (id == id_open)
			of = a[1];
		else if (id == id_openat)
			of = a[2];
		else if (id == id_creat)
			of = O_CREAT | O_WRONLY | O_TRUNC;
		else if (umv_vm_read(call, a[2], &of, sizeof(of)) != (ssize_t)sizeof(of))
			return UMV_INTENT_OTHER;	/* checked by the path layer already */
		if ((of & O_TMPFILE) == O_TMPFILE)
			return UMV_INTENT_TMPFILE;
		if (of & O_TRUNC)
			*tflags |= UMV_OWNED_TRUNC;
		if ((of & O_CREAT) && (of & O_EXCL))
			*tflags |= UMV_OWNED_EXCL;
		if ((of & O_ACCMODE) != O_RDONLY || (of & (O_CREAT | O_TRUNC)))
			return UMV_INTENT_WRITE;
		return UMV_INTENT_READ;
	}
	if (intent_of && intent_of[id])
		return intent_of[id] - 1;
	return UMV_INTENT_OTHER;
}

static void target_free(struct mon_owned_target *t)
{
	free(t->rel);
	free(t->host);
	t->rel = t->host = NULL;
	t->tree = NULL;
}

/* prepare() on RES; on 0 RES's host is the one to use (checked to be in
 * the writable tree unless INTENT is a read). 1: answered, *RESULT. */
static int ask_owner(struct owned_tree *o, struct umv_call *call, enum umv_intent intent,
		     unsigned tflags, const char *rel, struct umv_path_result *res,
		     int64_t *result)
{
	struct umv_owned_target t = { .rel = rel, .host = res->host, .exists = res->exists,
				      .type = res->type, .flags = tflags };
	char *host = res->host;
	int rc;

	res->host = NULL;
	*result = 0;
	rc = o->ops.prepare(o->data, call, intent, &t, &host, result);
	bool done = rc == 2 && o->ops.done;
	if (rc == 2)
		rc = 0;
	if (rc != 0) {
		free(host);
		return rc;
	}
	if (intent != UMV_INTENT_READ && (!host || !inside(host, o->host, o->host_len))) {
		/* never hand the kernel a host object outside the writable tree
		 * for a call that may change it */
		mon_log(MON_LOG_WARN, "%s: %s of %s%s%s refused (EROFS): %s is not in %s",
			umv_mod_name(o->mod), call->sc.name, o->guest, *rel ? "/" : "", rel,
			host ? host : "(none)", o->host);
		free(host);
		return -EROFS;
	}
	res->host = host;
	res->host_len = host ? strlen(host) : 0;
	return done ? 2 : 0;
}

/* A final "." or ".." (kept by the walk for unlink, rmdir, rename, mkdir
 * and the like) is never a name to change: the kernel's answer for it
 * (namei's LAST_DOT/LAST_DOTDOT), before the owner is asked. */
static int dot_final(const struct umv_path_result *res, int intent)
{
	const char *g = res->guest;
	size_t n = res->guest_len;
	bool dot = n >= 2 && strcmp(g + n - 2, "/.") == 0;
	bool dotdot = n >= 3 && strcmp(g + n - 3, "/..") == 0;

	if (!dot && !dotdot)
		return 0;
	switch (intent) {
	case -1:
		return -EBUSY;	/* rename */
	case UMV_INTENT_UNLINK:
		return -EISDIR;
	case UMV_INTENT_RMDIR:
		return dot ? -EINVAL : -ENOTEMPTY;
	case UMV_INTENT_MKDIR:
	case UMV_INTENT_MKNOD:
		return -EEXIST;
	default:
		return 0;
	}
}

int mon_vfs_owned_path(struct mon_owned_call *oc, struct umv_call *call, unsigned pflags,
		       struct umv_path_result *res)
{
	struct owned_tree *o = res->mount->owner ? (void *)res->mount->owner : NULL;
	const char *rel = res->guest + res->mount->guest_len;
	unsigned nth = oc->cur, tflags;
	int64_t result = 0;
	int intent, rc;

	if (!o)
		return -EIO;
	oc->nowned++;
	while (*rel == '/')
		rel++;
	intent = call_intent(call, nth, pflags, &tflags);
	if ((rc = dot_final(res, intent)) < 0)
		return rc;
	if (intent < 0 || call->sc.id == id_link || call->sc.id == id_linkat) {
		/* both ends first: judged by mon_vfs_owned_finish */
		struct mon_owned_target *keep = &oc->ends[nth < 2 ? nth : 1];

		target_free(keep);
		keep->tree = o;
		keep->rel = strdup(rel);
		keep->host = strdup(res->host);
		keep->exists = res->exists;
		keep->type = res->type;
		keep->flags = tflags;
		if (!keep->rel || !keep->host)
			return -ENOMEM;
		if (intent < 0)
			return 0;
	}
	if (intent == UMV_INTENT_READ)
		return 0;
	rc = ask_owner(o, call, (enum umv_intent)intent, tflags, rel, res, &result);
	if (rc == 2) {
		/* one per call: the creation's target */
		free(oc->done_rel);
		oc->done_tree = o;
		oc->done_intent = intent;
		oc->done_rel = strdup(rel);
		return oc->done_rel ? 0 : -ENOMEM;
	}
	if (rc == 1) {
		if (!oc->emulated) {
			oc->emulated = true;
			oc->result = result;
		}
		return 0;
	}
	return rc;
}

int mon_vfs_owned_create(struct umv_call *call, struct umv_path_result *res)
{
	struct owned_tree *o = res->mount->owner;
	const char *rel = res->guest + res->mount->guest_len;
	int64_t result;
	int rc;

	while (*rel == '/')
		rel++;
	rc = ask_owner(o, call, UMV_INTENT_MKNOD, UMV_OWNED_NOFOLLOW, rel, res, &result);
	if (rc == 1)
		return result < 0 ? (int)result : -EIO;
	return rc == 2 ? 0 : rc;	/* (a failed bind keeps the name free) */
}

int mon_vfs_owned_finish(struct mon_owned_call *oc, struct umv_call *call, int64_t *result)
{
	enum sc_id id = call->sc.id;
	bool rename = id == id_rename || id == id_renameat || id == id_renameat2;
	struct mon_owned_target *s = &oc->ends[0], *d = &oc->ends[1];

	if (oc->nowned == 0)
		return 0;
	if ((rename || id == id_link || id == id_linkat) &&
	    (oc->npaths > oc->nowned || (s->tree && d->tree && s->tree != d->tree)))
		return -EXDEV;	/* as between two mounts */
	if (oc->emulated) {
		*result = oc->result;
		return 1;
	}
	if (rename && s->tree && d->tree) {
		struct owned_tree *o = s->tree;
		struct umv_owned_target st = { .rel = s->rel, .host = s->host, .exists = s->exists,
					       .type = s->type, .flags = UMV_OWNED_NOFOLLOW };
		struct umv_owned_target dt = { .rel = d->rel, .host = d->host, .exists = d->exists,
					       .type = d->type, .flags = UMV_OWNED_NOFOLLOW };
		unsigned flags = id == id_renameat2 ? (unsigned)call->sc.args[4] : 0;

		*result = o->ops.rename(o->data, call, &st, &dt, flags);
		return 1;
	}
	return 0;
}

void mon_vfs_owned_call_free(struct mon_owned_call *oc)
{
	target_free(&oc->ends[0]);
	target_free(&oc->ends[1]);
	free(oc->done_rel);
	oc->done_rel = NULL;
	oc->done_tree = NULL;
}

void mon_vfs_owned_done_now(struct mon_owned_call *oc, struct umv_call *call, int64_t result)
{
	struct owned_tree *o = oc->done_tree;

	if (o && oc->done_rel && o->ops.done)
		o->ops.done(o->data, call, (enum umv_intent)oc->done_intent, oc->done_rel, result);
	free(oc->done_rel);
	oc->done_rel = NULL;
	oc->done_tree = NULL;
}

/* done() kept for a call's exit, per thread: the thread is inside that
 * call until then. An entry whose exit never came (the thread was killed)
 * is matched by call number and arguments, never by thread alone. */
struct pending_done {
	pid_t tid;
	uint64_t nr, args[6];
	struct owned_tree *tree;
	char *rel;
	int intent;
};

bool mon_vfs_owned_defer(struct mon_owned_call *oc, struct umv_call *call)
{
	struct pending_done *slot = NULL;

	if (!oc->done_tree || !oc->done_rel)
		return false;
	for (size_t i = 0; i < npending && !slot; i++)
		if (pending[i].tid == call->thread->tid || !pending[i].tree)
			slot = &pending[i];
	if (!slot) {
		struct pending_done *grown = realloc(pending, (npending + 1) * sizeof(*grown));
		if (!grown) {
			mon_vfs_owned_done_now(oc, call, 0);	/* as if it worked */
			return false;
		}
		pending = grown;
		slot = &pending[npending++];
	} else {
		free(slot->rel);
	}
	slot->tid = call->thread->tid;
	slot->nr = (uint64_t)call->sc.id;
	memcpy(slot->args, call->regs, sizeof(slot->args));	/* as the kernel sees them */
	slot->tree = oc->done_tree;
	slot->rel = oc->done_rel;
	slot->intent = oc->done_intent;
	oc->done_rel = NULL;
	oc->done_tree = NULL;
	return true;
}

void mon_vfs_owned_leave(struct umv_call *call, int64_t result)
{
	for (size_t i = 0; i < npending; i++) {
		struct pending_done *p = &pending[i];

		if (!p->tree || p->tid != call->thread->tid)
			continue;
		if (p->nr == (uint64_t)call->sc.id &&
		    memcmp(p->args, call->regs, sizeof(p->args)) == 0 && p->tree->ops.done)
			p->tree->ops.done(p->tree->data, call, (enum umv_intent)p->intent, p->rel,
					  result);
		free(p->rel);
		p->rel = NULL;
		p->tree = NULL;
	}
}

int mon_vfs_owned_host_to_guest(const char *host, char **guest)
{
	for (struct owned_tree *o = trees; o; o = o->next) {
		char *rel = NULL;

		if (!o->ops.host_to_rel || o->ops.host_to_rel(o->data, host, &rel) != 0 || !rel)
			continue;
		if (asprintf(guest, "%s%s%s", o->guest, rel[0] ? "/" : "", rel) < 0) {
			free(rel);
			return -ENOMEM;
		}
		free(rel);
		return 0;
	}
	return -ENOENT;
}

bool mon_vfs_owned_covers(const char *guest)
{
	const struct umv_mount_table *mt = mon_vfs_table();
	const struct umv_mount *m;

	if (!trees || !mt)
		return false;
	m = umv_mount_lookup(mt, guest, strlen(guest));
	return m && (m->flags & UMV_MOUNT_MAPPED);
}

void mon_vfs_owned_forget(const struct umv_mod *mod)
{
	for (struct owned_tree **pp = &trees; *pp;) {
		struct owned_tree *o = *pp;

		if (o->mod != mod) {
			pp = &o->next;
			continue;
		}
		/* a done() kept for a call in flight would reach freed memory */
		for (size_t i = 0; i < npending; i++)
			if (pending[i].tree == o) {
				free(pending[i].rel);
				pending[i].rel = NULL;
				pending[i].tree = NULL;
			}
		*pp = o->next;
		free(o->guest);
		free(o->host);
		free(o);
	}
}

void mon_vfs_owned_fini(void)
{
	while (trees) {
		struct owned_tree *o = trees;

		trees = o->next;
		free(o->guest);
		free(o->host);
		free(o);
	}
	free(intent_of);
	intent_of = NULL;
	for (size_t i = 0; i < npending; i++)
		free(pending[i].rel);
	free(pending);
	pending = NULL;
	npending = 0;
}
