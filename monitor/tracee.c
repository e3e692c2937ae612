/* The table of traced threads (tid -> thread) and their processes. Threads
 * are hashed by tid; a process lives as long as one of its threads is in
 * the table. */
#include "monitor/monitor.h"
#include "vmaccess/vmaccess.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct mon_thread **buckets;
static size_t nbuckets;
static size_t nthreads;
static enum vma_backend vma_force = VMA_BACKEND_AUTO;

static size_t bucket_of(pid_t tid, size_t n)
{
	return ((uint32_t)tid * 2654435761u) & (n - 1);
}

int mon_tracee_init(bool force_proc_mem)
{
	/* nbuckets only once the array exists: mon_tracee_fini() after a
	 * failed init walks nbuckets. */
	buckets = calloc(64, sizeof(*buckets));
	if (!buckets)
		return -ENOMEM;
	nbuckets = 64;
	if (force_proc_mem)
		vma_force = VMA_BACKEND_PROC_MEM;
	return 0;
}

static void process_put(struct mon_process *p)
{
	if (--p->nthreads > 0)
		return;
	if (p->vma)
		vma_close(p->vma);
	mon_scratch_process_gone(p);
	free(p->cwd);
	free(p->root);
	free(p->exe);
	free(p->exe_pending);
	free(p);
}

/* Everything a thread holds, and its share of its process. */
static void thread_free(struct mon_thread *t)
{
	mon_scratch_thread_gone(t);
	free(t->pending_cwd);
	free(t->pending_dents);
	if (t->mounts_file)
		unlink(t->mounts_file);
	free(t->mounts_file);
	if (t->proc)
		process_put(t->proc);
	free(t);
}

void mon_tracee_fini(void)
{
	for (size_t i = 0; i < nbuckets; i++) {
		struct mon_thread *t = buckets[i], *next;
		for (; t; t = next) {
			next = t->next;
			thread_free(t);
		}
	}
	free(buckets);
	buckets = NULL;
	nbuckets = nthreads = 0;
}

struct mon_thread *mon_thread_find(pid_t tid)
{
	struct mon_thread *t;

	if (!buckets)
		return NULL;
	for (t = buckets[bucket_of(tid, nbuckets)]; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

static void grow(void)
{
	size_t n = nbuckets * 2;
	struct mon_thread **nb = calloc(n, sizeof(*nb));

	if (!nb)
		return;	/* longer chains, still correct */
	for (size_t i = 0; i < nbuckets; i++) {
		struct mon_thread *t = buckets[i], *next;
		for (; t; t = next) {
			size_t b = bucket_of(t->tid, n);
			next = t->next;
			t->next = nb[b];
			nb[b] = t;
		}
	}
	free(buckets);
	buckets = nb;
	nbuckets = n;
}

struct mon_thread *mon_thread_add(pid_t tid, struct mon_process *proc,
				  enum mon_thread_state state)
{
	struct mon_thread *t = calloc(1, sizeof(*t));
	size_t b;

	if (!t)
		return NULL;
	if (nthreads + 1 > nbuckets * 2)
		grow();
	t->tid = tid;
	t->state = state;
	t->proc = proc;
	if (proc)
		proc->nthreads++;
	b = bucket_of(tid, nbuckets);
	t->next = buckets[b];
	buckets[b] = t;
	nthreads++;
	return t;
}

void mon_thread_set_process(struct mon_thread *t, struct mon_process *proc)
{
	if (t->proc == proc)
		return;
	if (proc)
		proc->nthreads++;
	if (t->proc)
		process_put(t->proc);
	t->proc = proc;
}

static void unlink_thread(struct mon_thread *t)
{
	struct mon_thread **pp = &buckets[bucket_of(t->tid, nbuckets)];

	for (; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			return;
		}
}

void mon_thread_remove(struct mon_thread *t)
{
	unlink_thread(t);
	nthreads--;
	thread_free(t);
}

struct mon_thread *mon_thread_take_tid(struct mon_thread *t, struct mon_thread *leader)
{
	pid_t tid = leader->tid;
	size_t b;

	/* T holds its own reference on the process (the same one, the
	 * caller made sure), so removing LEADER cannot free it. */
	unlink_thread(t);
	mon_thread_remove(leader);
	t->tid = tid;
	b = bucket_of(tid, nbuckets);
	t->next = buckets[b];
	buckets[b] = t;
	return t;
}

size_t mon_thread_count(void)
{
	return nthreads;
}

bool mon_thread_all(bool (*fn)(struct mon_thread *t, void *arg), void *arg)
{
	for (size_t i = 0; i < nbuckets; i++)
		for (struct mon_thread *t = buckets[i]; t; t = t->next)
			if (!fn(t, arg))
				return false;
	return true;
}

struct mon_process *mon_process_new(pid_t tgid)
{
	struct mon_process *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->tgid = tgid;
	p->dumpable = 1;
	return p;
}

struct vma *mon_thread_vma(struct mon_thread *t, int *err)
{
	struct mon_process *p = t->proc;

	if (!p) {
		*err = -ESRCH;
		return NULL;
	}
	if (!p->vma) {
		int rc = vma_open(&p->vma, p->tgid, vma_force);
		if (rc < 0) {
			p->vma = NULL;
			*err = rc;
			return NULL;
		}
		p->vma_tid = p->tgid;
	}
	/* The ptrace backend must name the stopped thread it goes through. */
	vma_set_stopped_tid(p->vma, t->tid);
	return p->vma;
}

bool mon_thread_vma_lost_leader(struct mon_thread *t)
{
	struct mon_process *p = t->proc;

	if (!p || !p->vma || p->vma_tid == t->tid)
		return false;
	if (vma_set_pid(p->vma, t->tid) < 0)
		return false;
	p->vma_tid = t->tid;
	return true;
}

void mon_process_exec(struct mon_process *p)
{
	/* A new image: /proc/PID/mem of the old one is stale, and the
	 * dumpable flag starts over. */
	if (p->vma && vma_set_pid(p->vma, p->tgid) < 0) {
		vma_close(p->vma);
		p->vma = NULL;
	}
	p->vma_tid = p->tgid;
	p->dumpable = 1;
	mon_scratch_exec(p);
	mon_vfs_exec(p);
}

int mon_read_tgid(pid_t tid)
{
	char buf[512];
	ssize_t n = mon_proc_status(tid, buf, sizeof(buf));
	char *line;

	if (n < 0)
		return n == -ESRCH ? -EIO : (int)n;
	line = strstr(buf, "\nTgid:");
	if (!line)
		return -EIO;
	return atoi(line + 6);
}
