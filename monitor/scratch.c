/* Scratch memory in the guest for the strings and structs the monitor
 * rewrites arguments to: one anonymous mapping per address space, mapped by
 * running an mmap in the guest in place of the first call that needs it,
 * with one slot per thread. Never the stack: no red zone, no goroutine or
 * sigaltstack stack is ever touched. See doc/design.md. */
#include "monitor/dispatch.h"
#include "syscalls/syscalls.h"
#include "vmaccess/vmaccess.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/kcmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SCRATCH_SLOTS 256u
#define SCRATCH_HEADER 4096u	/* the cookie lives here, never in a slot */
#define SCRATCH_SIZE (SCRATCH_HEADER + SCRATCH_SLOTS * MON_SCRATCH_SLOT_SIZE)
#define COOKIE_LEN 16

#define NR_MMAP_X86_64 9
#define NR_MMAP2_I386 192
#define NR_GETPID_X86_64 39
#define NR_GETPID_I386 20

/* One guest address space, shared by the processes that share it (threads,
 * vfork and CLONE_VM children). */
struct mon_mm {
	int refs;		/* processes + threads holding a slot */
	uint64_t base;		/* 0: not mapped (or found gone) */
	uint8_t cookie[COOKIE_LEN];
	bool mapping;		/* an injected mmap is in flight */
	uint64_t gen;		/* bumped at each new mapping */
	uint8_t used[SCRATCH_SLOTS];
};

struct inject {
	struct mon_saved_regs regs;
	bool is_mmap;		/* else a getpid to wait for another thread's mmap */
};

static struct mon_mm *mm_new(void)
{
	struct mon_mm *mm = calloc(1, sizeof(*mm));

	if (mm)
		mm->refs = 1;
	return mm;
}

static void mm_put(struct mon_mm *mm)
{
	if (mm && --mm->refs == 0)
		free(mm);
}

static void release_slot(struct mon_thread *t)
{
	if (!t->slot_mm)
		return;
	t->slot_mm->used[t->slot] = 0;
	mm_put(t->slot_mm);
	t->slot_mm = NULL;
}

/* The area is still ours: mapped, readable, our cookie at its start. A
 * guest that unmapped it, or mapped something else over it, fails this. */
static bool area_intact(struct mon_thread *t, struct mon_mm *mm)
{
	uint8_t seen[COOKIE_LEN];
	int err = 0;
	struct vma *vma = mon_thread_vma(t, &err);

	return vma && vma_read(vma, mm->base, seen, sizeof(seen)) == (ssize_t)sizeof(seen) &&
	       memcmp(seen, mm->cookie, sizeof(seen)) == 0;
}

void mon_scratch_lost(struct mon_thread *t)
{
	struct mon_mm *mm = t->proc ? t->proc->mm : NULL;

	/* A write into the area failed: check before mapping a new one (an
	 * mprotect can make a write fail on an area still there). */
	if (mm && mm->base && !area_intact(t, mm)) {
		mon_log(MON_LOG_DEBUG, "scratch area of %d at 0x%llx is gone: mapping a new one",
			(int)t->proc->tgid, (unsigned long long)mm->base);
		mm->base = 0;
	}
}

static enum sc_id id_munmap, id_mremap, id_mmap, id_mmap2, id_shmat, id_old_mmap;

void mon_scratch_note_unmap(struct mon_thread *t, enum sc_id id, const uint64_t a[6])
{
	struct mon_mm *mm = t->proc ? t->proc->mm : NULL;
	uint64_t lo, hi;
	bool hit = false;

	if (!mm || !mm->base)
		return;
	lo = mm->base;
	hi = mm->base + SCRATCH_SIZE;
#define OVERLAPS(addr, len) ((addr) < hi && (addr) + (len) > lo)
	if (id == id_munmap || id == id_mmap || id == id_mmap2)
		hit = (id == id_munmap || (a[3] & MAP_FIXED)) && OVERLAPS(a[0], a[1]);
	else if (id == id_mremap)
		hit = OVERLAPS(a[0], a[1]) || ((a[3] & MREMAP_FIXED) && OVERLAPS(a[4], a[2]));
	else if (id == id_old_mmap) {
		/* i386 mmap(struct mmap_arg_struct *): six u32 in memory. */
		uint32_t m[6];
		int err = 0;
		struct vma *vma = mon_thread_vma(t, &err);

		hit = !vma || vma_read(vma, a[0], m, sizeof(m)) != (ssize_t)sizeof(m) ||
		      ((m[3] & MAP_FIXED) && OVERLAPS((uint64_t)m[0], (uint64_t)m[1]));
	} else if (id == id_shmat)
		/* Only SHM_REMAP replaces a mapping; the size is unknown here. */
		hit = (a[2] & SHM_REMAP) && OVERLAPS(a[1], (uint64_t)1 << 32);
#undef OVERLAPS
	if (hit) {
		/* Lost once the call runs: map a new area when next needed. */
		mon_log(MON_LOG_DEBUG, "%d %s over its scratch area: a new one will be mapped",
			(int)t->tid, sc_id_name(id));
		mm->base = 0;
	}
}

int mon_scratch_unmap_ids(enum sc_id ids[6])
{
	id_munmap = sc_id_from_name("munmap");
	id_mremap = sc_id_from_name("mremap");
	id_mmap = sc_id_from_name("mmap");
	id_mmap2 = sc_id_from_name("mmap2");
	id_shmat = sc_id_from_name("shmat");
	id_old_mmap = sc_id_from_name("old_mmap");
	ids[0] = id_munmap;
	ids[1] = id_mremap;
	ids[2] = id_mmap;
	ids[3] = id_mmap2;
	ids[4] = id_shmat;
	ids[5] = id_old_mmap;
	return 6;
}

static int start_inject(struct mon_thread *t, uint32_t audit_arch, bool is_mmap)
{
	bool i386 = audit_arch == AUDIT_ARCH_I386;
	uint64_t args[6] = { 0 };
	struct inject *in = calloc(1, sizeof(*in));
	int64_t nr;
	int rc;

	if (!in)
		return -ENOMEM;
	if (is_mmap) {
		nr = i386 ? NR_MMAP2_I386 : NR_MMAP_X86_64;
		args[1] = SCRATCH_SIZE;
		args[2] = PROT_READ | PROT_WRITE;
		args[3] = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
		args[4] = i386 ? 0xffffffffu : (uint64_t)-1;
	} else {
		nr = i386 ? NR_GETPID_I386 : NR_GETPID_X86_64;
	}
	rc = mon_regs_inject_begin(t->tid, audit_arch, nr, args, &in->regs);
	if (rc < 0) {
		free(in);
		return rc;
	}
	in->is_mmap = is_mmap;
	t->inject = &in->regs;	/* first member: freed as struct inject */
	t->inject_arch = audit_arch;
	t->post_pending = true;	/* resume to its exit stop */
	t->post_mask = 0;
	return -EINPROGRESS;
}

int mon_scratch_slot(struct mon_thread *t, uint32_t audit_arch, uint64_t *addr)
{
	struct mon_process *p = t->proc;
	struct mon_mm *mm;
	unsigned i;

	if (!p)
		return -ESRCH;
	if (!p->mm && !(p->mm = mm_new()))
		return -ENOMEM;
	mm = p->mm;
	if (mm->mapping)
		return start_inject(t, audit_arch, false);
	if (!mm->base) {
		mm->mapping = true;
		int rc = start_inject(t, audit_arch, true);
		if (rc != -EINPROGRESS)
			mm->mapping = false;
		return rc;
	}
	if (t->slot_mm != mm) {
		release_slot(t);
		for (i = 0; i < SCRATCH_SLOTS && mm->used[i]; i++)
			;
		if (i == SCRATCH_SLOTS) {
			static bool logged;
			mon_log_once(logged, MON_LOG_WARN,
				     "more than %u threads share an address space: path calls of the others fail with EAGAIN",
				     SCRATCH_SLOTS);
			return -EAGAIN;
		}
		mm->used[i] = 1;
		mm->refs++;
		t->slot_mm = mm;
		t->slot = (int)i;
	}
	*addr = mm->base + SCRATCH_HEADER + (uint64_t)t->slot * MON_SCRATCH_SLOT_SIZE;
	return 0;
}

uint64_t mon_scratch_generation(const struct mon_thread *t)
{
	return t->slot_mm ? t->slot_mm->gen : 0;
}

int mon_scratch_inject_done(struct mon_thread *t)
{
	struct inject *in = (struct inject *)t->inject;
	struct mon_mm *mm = t->proc ? t->proc->mm : NULL;
	int64_t result = 0;
	int rc;

	t->inject = NULL;
	t->post_pending = false;
	rc = mon_regs_inject_end(t->tid, t->inject_arch, &in->regs, &result);
	if (in->is_mmap && mm) {
		mm->mapping = false;
		if (rc == 0 && result < 0 && result > -4096) {
			mon_log(MON_LOG_WARN, "cannot map a scratch area in %d: %s", (int)t->tid,
				strerror((int)-result));
		} else if (rc == 0) {
			int err = 0;
			struct vma *vma = mon_thread_vma(t, &err);

			if (getrandom(mm->cookie, sizeof(mm->cookie), 0) != (ssize_t)sizeof(mm->cookie))
				memset(mm->cookie, 0x5a, sizeof(mm->cookie));
			if (vma && vma_write(vma, (uint64_t)result, mm->cookie, sizeof(mm->cookie)) ==
					   (ssize_t)sizeof(mm->cookie)) {
				mm->base = (uint64_t)result;
				mm->gen++;
			} else {
				mon_log(MON_LOG_WARN, "cannot write the scratch area of %d", (int)t->tid);
			}
		}
	}
	free(in);
	return rc;
}

void mon_scratch_fork(struct mon_process *parent, struct mon_process *child, int event)
{
	struct mon_mm *mm;
	long same;

	if (!parent || !parent->mm || child == parent)
		return;
	/* Does the child share the parent's memory? A FORK event can be a
	 * clone(CLONE_VM|SIGCHLD) too. Unsure: share; distinct slots are
	 * always safe and the cookie check catches a private copy. */
	same = event == PTRACE_EVENT_VFORK ? 0 :
	       syscall(SYS_kcmp, parent->tgid, child->tgid, KCMP_VM, 0, 0);
	if (same != 0 && same != -1) {
		mm = mm_new();
		if (!mm)
			return;
		mm->base = parent->mm->base;	/* the copy sits at the same address */
		memcpy(mm->cookie, parent->mm->cookie, sizeof(mm->cookie));
		child->mm = mm;
		return;
	}
	parent->mm->refs++;
	child->mm = parent->mm;
}

void mon_scratch_exec(struct mon_process *p)
{
	mm_put(p->mm);
	p->mm = NULL;
}

void mon_scratch_process_gone(struct mon_process *p)
{
	mm_put(p->mm);
	p->mm = NULL;
}

void mon_scratch_thread_gone(struct mon_thread *t)
{
	struct inject *in = (struct inject *)t->inject;

	if (in) {
		if (in->is_mmap && t->proc && t->proc->mm)
			t->proc->mm->mapping = false;
		free(in);
		t->inject = NULL;
	}
	release_slot(t);
	free(t->slot_written);
	t->slot_written = NULL;
}
