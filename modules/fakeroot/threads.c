/* fakeroot: the table of virtual credentials, one entry per guest thread.
 * The raw set*id calls act on one thread (glibc makes them process-wide by
 * signalling every thread), so the table is per thread; new threads and
 * processes start with a copy of their creator's credentials. */
#include "modules/fakeroot/fakeroot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fr_threads_init(struct fr_threads *t, uint32_t uid, uint32_t gid)
{
	t->cap = 64;
	t->count = 0;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	t->def_uid = uid;
	t->def_gid = gid;
	return t->slots ? 0 : -ENOMEM;
}

void fr_threads_fini(struct fr_threads *t)
{
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].used)
			free(t->slots[i].c.groups);
	free(t->slots);
	t->slots = NULL;
	t->cap = t->count = 0;
}

static size_t slot_of(const struct fr_threads *t, pid_t tid)
{
	size_t i = ((size_t)tid * 2654435761u) & (t->cap - 1);

	while (t->slots[i].used && t->slots[i].tid != tid)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static struct fr_thread *find(struct fr_threads *t, pid_t tid)
{
	size_t i = slot_of(t, tid);

	return t->slots[i].used ? &t->slots[i] : NULL;
}

static int grow(struct fr_threads *t)
{
	struct fr_threads bigger = *t;

	bigger.cap = t->cap * 2;
	bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -ENOMEM;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].used)
			bigger.slots[slot_of(&bigger, t->slots[i].tid)] = t->slots[i];
	free(t->slots);
	*t = bigger;
	return 0;
}

static int copy_creds(struct fr_creds *dst, const struct fr_creds *src)
{
	uint32_t *groups = NULL;

	if (src->ngroups) {
		groups = malloc(src->ngroups * sizeof(*groups));
		if (!groups)
			return -ENOMEM;
		memcpy(groups, src->groups, src->ngroups * sizeof(*groups));
	}
	free(dst->groups);
	*dst = *src;
	dst->groups = groups;
	return 0;
}

/* A new slot for TID, credentials from FROM (or the defaults). FROM may
 * point into the table itself, so it is copied before the table grows. */
static struct fr_thread *insert(struct fr_threads *t, pid_t tid, pid_t tgid,
				const struct fr_creds *from)
{
	struct fr_creds creds = { 0 };
	struct fr_thread *th;

	if (from) {
		if (copy_creds(&creds, from) < 0)
			return NULL;
	} else {
		creds.groups = malloc(sizeof(*creds.groups));
		if (!creds.groups)
			return NULL;
		creds.groups[0] = t->def_gid;
		creds.ngroups = 1;
		creds.ruid = creds.euid = creds.suid = creds.fsuid = t->def_uid;
		creds.rgid = creds.egid = creds.sgid = creds.fsgid = t->def_gid;
	}
	if ((t->count + 1) * 2 > t->cap && grow(t) < 0) {
		free(creds.groups);
		return NULL;
	}
	th = &t->slots[slot_of(t, tid)];
	memset(th, 0, sizeof(*th));
	th->c = creds;
	th->tid = tid;
	th->tgid = tgid;
	th->used = true;
	t->count++;
	return th;
}

/* The parent process of TID, from /proc (0 if unknown). */
static pid_t parent_of(pid_t tid)
{
	char v[32];

	return fr_proc_status_field(tid, "PPid", v, sizeof(v)) == 0 ? (pid_t)strtol(v, NULL, 10) : 0;
}

struct fr_creds *fr_creds_of(struct fr_threads *t, pid_t tid, pid_t tgid)
{
	struct fr_thread *th = find(t, tid), *from;
	pid_t ppid;

	if (th)
		return &th->c;
	/* A thread or process seen before its creator's clone returned. */
	from = tgid != tid ? find(t, tgid) : NULL;
	if (!from && (ppid = parent_of(tgid)) > 0)
		from = find(t, ppid);
	th = insert(t, tid, tgid, from ? &from->c : NULL);
	return th ? &th->c : NULL;
}

struct fr_creds *fr_creds_find(struct fr_threads *t, pid_t tid)
{
	struct fr_thread *th = find(t, tid);

	return th ? &th->c : NULL;
}

int fr_creds_copy(struct fr_threads *t, pid_t parent, pid_t parent_tgid, pid_t child,
		  pid_t child_tgid)
{
	struct fr_creds *pc = fr_creds_of(t, parent, parent_tgid);
	struct fr_thread *th;

	if (!pc)
		return -ENOMEM;
	th = find(t, child);
	if (th && th->tgid == child_tgid) {
		/* The child ran before this exit stop and already inherited
		 * (and maybe changed) its credentials: they are its own. */
		return 0;
	}
	if (th) {
		/* A stale entry of a reused tid. */
		if (copy_creds(&th->c, pc) < 0)
			return -ENOMEM;
		th->tgid = child_tgid;
		return 0;
	}
	return insert(t, child, child_tgid, pc) ? 0 : -ENOMEM;
}

void fr_threads_process_gone(struct fr_threads *t, pid_t tgid)
{
	struct fr_threads fresh = { .cap = t->cap, .def_uid = t->def_uid, .def_gid = t->def_gid };

	fresh.slots = calloc(fresh.cap, sizeof(*fresh.slots));
	if (!fresh.slots)
		return;		/* stale entries are harmless; try next time */
	for (size_t i = 0; i < t->cap; i++) {
		struct fr_thread *th = &t->slots[i];

		if (!th->used)
			continue;
		if (th->tgid == tgid || th->tid == tgid) {
			free(th->c.groups);
			continue;
		}
		fresh.slots[slot_of(&fresh, th->tid)] = *th;
		fresh.count++;
	}
	free(t->slots);
	*t = fresh;
}
