/* The guest cwd and root for the path layer (vfs.c): shared between
 * processes cloned with CLONE_FS, moved by renames of their ancestors, and
 * checked against the kernel's real cwd at getcwd. See doc/design.md. */
#include "monitor/vfs.h"

#include <errno.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Do A and B share one fs_struct (cwd, root): clone(CLONE_FS)? Unknown
 * (no kcmp) is no: each keeps its own, as before. */
static bool same_fs(pid_t a, pid_t b)
{
	return syscall(SYS_kcmp, a, b, KCMP_FS, 0, 0) == 0;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool copy_fs(struct mon_thread *t, void *arg)
{
	struct mon_process *p = arg, *q = t->proc;
	char *cwd, *root;

	if (!q || q == p || !q->fs_shared || (same_str(q->cwd, p->cwd) && same_str(q->root, p->root)) ||
	    !same_fs(p->tgid, q->tgid))
		return true;
	cwd = p->cwd ? strdup(p->cwd) : NULL;
	root = p->root ? strdup(p->root) : NULL;
	if ((p->cwd && !cwd) || (p->root && !root)) {
		free(cwd);
		free(root);
		return true;
	}
	free(q->cwd);
	free(q->root);
	q->cwd = cwd;
	q->root = root;
	return true;
}

/* P changed its cwd or root: so did every process sharing its fs_struct. */
void mon_vfs_fs_changed(struct mon_process *p)
{
	if (p->fs_shared)
		mon_thread_all(copy_fs, p);
}

/* ---- cwd and root across renames of their ancestors ----
 * The guest cwd is a string; the kernel's cwd is the directory itself.
 * A rename by a guest process (exit stop, on success) moves every
 * process's cwd and root below the old name to the new one. */
struct pending_rename {
	pid_t tid;
	char *from, *to;
	bool exchange;
	struct pending_rename *next;
};
static struct pending_rename *pending_renames;

void mon_vfs_rename_drop(pid_t tid)
{
	for (struct pending_rename **pp = &pending_renames; *pp; pp = &(*pp)->next)
		if ((*pp)->tid == tid) {
			struct pending_rename *r = *pp;
			*pp = r->next;
			free(r->from);
			free(r->to);
			free(r);
			return;
		}
}

static bool path_under(const char *path, const char *dir, size_t dl)
{
	return strncmp(path, dir, dl) == 0 && (path[dl] == '/' || path[dl] == '\0');
}

/* *S below FROM moves below TO (and, for an exchange, the other way). */
static void repath(char **s, const struct pending_rename *r)
{
	size_t fl = strlen(r->from), tl = strlen(r->to);
	const char *to = NULL;
	size_t cut = 0;
	char *moved;

	if (!*s)
		return;
	if (path_under(*s, r->from, fl)) {
		to = r->to;
		cut = fl;
	} else if (r->exchange && path_under(*s, r->to, tl)) {
		to = r->from;
		cut = tl;
	}
	if (!to || asprintf(&moved, "%s%s", to, *s + cut) < 0)
		return;
	free(*s);
	*s = moved;
}

struct proc_list {
	struct mon_process **p;
	size_t n, cap;
	bool failed;
};

static bool collect_proc(struct mon_thread *t, void *arg)
{
	struct proc_list *l = arg;

	if (!t->proc || l->failed)
		return true;
	for (size_t i = 0; i < l->n; i++)
		if (l->p[i] == t->proc)
			return true;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct mon_process **grown = realloc(l->p, cap * sizeof(*grown));
		if (!grown) {
			l->failed = true;
			return false;
		}
		l->p = grown;
		l->cap = cap;
	}
	l->p[l->n++] = t->proc;
	return true;
}

static void rename_done(const struct pending_rename *r, char **initial_cwd)
{
	struct proc_list l = { 0 };

	mon_thread_all(collect_proc, &l);
	for (size_t i = 0; i < l.n; i++) {
		repath(&l.p[i]->cwd, r);
		repath(&l.p[i]->root, r);
	}
	free(l.p);
	repath(initial_cwd, r);	/* the processes that never chdir'd */
}

/* The tracked cwd still names the process's real cwd? Renames by
 * processes outside the guest, or by threads that unshared their fs, leave
 * it stale: then it is derived again from /proc/TID/cwd. -ENOENT when the
 * directory is gone (the kernel's getcwd answer), else 0. */
int mon_vfs_cwd_check(struct mon_thread *t)
{
	struct mon_process *p = t->proc;
	struct umv_path_ctx ctx = { .cwd = "/" };
	struct umv_path_result res = { 0 };
	char link[64], *host = NULL, *guest = NULL;
	struct stat real, seen;
	size_t hl;
	bool same = false;

	snprintf(link, sizeof(link), "/proc/%d/cwd", (int)t->tid);
	if (stat(link, &real) < 0)
		return 0;	/* cannot tell: trust the string */
	if (umv_path_resolve(mon_vfs_table(), &ctx, mon_vfs_cwd(p), UMV_PATH_DIRECTORY, &res) == 0 && res.host &&
	    umv_host_stat(res.host, res.host_len, true, &seen) == 0)
		same = seen.st_dev == real.st_dev && seen.st_ino == real.st_ino;
	else if (!res.host && res.guest && res.synthetic)
		same = true;	/* a synthetic directory has no host object */
	umv_path_result_free(&res);
	if (same || mon_vfs_host_readlink(link, &host) < 0)
		return 0;
	hl = strlen(host);
	if (real.st_nlink == 0 && hl > 10 && strcmp(host + hl - 10, " (deleted)") == 0) {
		free(host);
		return -ENOENT;
	}
	/* Inside a cow view the real cwd may be the lower or the upper copy
	 * of the tracked one: only a different guest name is stale. */
	if (mon_vfs_host_to_guest(host, &guest) == 0) {
		if (strcmp(guest, mon_vfs_cwd(p)) != 0) {
			free(p->cwd);
			p->cwd = guest;
			mon_vfs_fs_changed(p);
		} else {
			free(guest);
		}
	}
	free(host);
	return 0;
}


void mon_vfs_fs_fork(struct mon_process *parent, struct mon_process *child)
{
	if (same_fs(parent->tgid, child->tgid))
		parent->fs_shared = child->fs_shared = true;
}

int mon_vfs_rename_pending(pid_t tid, char *from, char *to, bool exchange)
{
	struct pending_rename *r;

	mon_vfs_rename_drop(tid);
	if (!(r = calloc(1, sizeof(*r))))
		return -ENOMEM;
	r->tid = tid;
	r->from = from;
	r->to = to;
	r->exchange = exchange;
	r->next = pending_renames;
	pending_renames = r;
	return 0;
}

bool mon_vfs_rename_leave(pid_t tid, int64_t result, char **initial_cwd)
{
	for (struct pending_rename *r = pending_renames; r; r = r->next)
		if (r->tid == tid) {
			if (result == 0)
				rename_done(r, initial_cwd);
			mon_vfs_rename_drop(tid);
			return true;
		}
	return false;
}

void mon_vfs_cwd_fini(void)
{
	while (pending_renames)
		mon_vfs_rename_drop(pending_renames->tid);
}
