/* One trapped syscall: exactly one fetch, decode, the monitor's own fixes,
 * the module chain, the fewest writes, one resume. The exit stop (POST) is
 * asked for only when a module wants the result. */
#include "monitor/dispatch.h"
#include "syscalls/kinds.h"
#include "vmaccess/vmaccess.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/ptrace.h>
#include <string.h>
#include <sys/prctl.h>

/* Kernel-internal restart codes a guest never sees (include/linux/errno.h). */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

#define X32_SYSCALL_BIT 0x40000000ULL

static bool is_restart_code(int64_t rval)
{
	return rval == -ERESTARTSYS || rval == -ERESTARTNOINTR || rval == -ERESTARTNOHAND ||
	       rval == -ERESTART_RESTARTBLOCK;
}

static bool is_our_tag(uint32_t data)
{
	return data == SC_TAG_WANTED || data == SC_TAG_UNKNOWN_ARCH || data == SC_TAG_X32 ||
	       data == SC_TAG_BEYOND_TABLE;
}

/* The tag our filter gave (or would have given) this call: derived from
 * arch + nr, so no PTRACE_GETEVENTMSG is needed. */
static uint32_t derive_tag(const struct mon_regs *r)
{
	enum sc_arch arch = sc_arch_from_audit(r->audit_arch);
	long max;

	if (arch == SC_ARCH_X86_64 && (r->nr & X32_SYSCALL_BIT))
		return SC_TAG_X32;
	if (arch == SC_ARCH_UNKNOWN || arch == SC_ARCH_X32)
		return arch == SC_ARCH_X32 ? SC_TAG_X32 : SC_TAG_UNKNOWN_ARCH;
	max = sc_nr_max(arch);
	if (max < 0 || r->nr > (uint64_t)max)
		return SC_TAG_BEYOND_TABLE;
	return SC_TAG_WANTED;
}

/* Skip the call; the guest sees RESULT. A seccomp stop already holds
 * -ENOSYS in the result register, so that answer costs one write. */
static int skip_with(struct mon_thread *t, const struct mon_regs *r, int64_t result)
{
	int rc = mon_regs_set_nr(t->tid, r->audit_arch, -1);

	if (rc < 0)
		return rc;
	if (result == -ENOSYS && r->op == MON_OP_SECCOMP)
		return 0;
	if (r->op == MON_OP_ENTRY) {
		/* PTRACE_SYSCALL mode: the exit stop follows; the kernel leaves
		 * the result register alone for a skipped call. */
		t->emulated = true;
	}
	return mon_regs_set_result(t->tid, r->audit_arch, result);
}

static int refuse(struct mon_thread *t, const struct mon_regs *r, uint32_t tag)
{
	const char *what = tag == SC_TAG_X32 ? "x32" :
			   tag == SC_TAG_UNKNOWN_ARCH ? "unknown-arch" : "out-of-table";

	mon_log(MON_LOG_WARN, "refused %s syscall 0x%llx (arch 0x%x) of %d (not supported)", what,
		(unsigned long long)r->nr, r->audit_arch, (int)t->tid);
	return skip_with(t, r, -ENOSYS);
}

/* clone/clone3 with CLONE_UNTRACED would start a child we never see. */
static void strip_untraced(struct umv_call *call)
{
	struct mon_thread *t = call->thread;

	if (call->sc.id == mon_id_clone) {
		if (call->regs[0] & CLONE_UNTRACED) {
			call->regs[0] &= ~(uint64_t)CLONE_UNTRACED;
			call->changed |= 1u;
		}
		return;
	}
	if (call->sc.id == mon_id_clone3 && call->sc.raw[0] != 0) {
		uint64_t flags;
		int err = 0;
		struct vma *vma = mon_thread_vma(t, &err);

		/* clone_args.flags is the first u64; a bad pointer is the
		 * kernel's EFAULT to report, not ours. */
		if (vma && vma_read(vma, call->sc.raw[0], &flags, sizeof(flags)) ==
				   (ssize_t)sizeof(flags) &&
		    (flags & CLONE_UNTRACED)) {
			flags &= ~(uint64_t)CLONE_UNTRACED;
			if (vma_write(vma, call->sc.raw[0], &flags, sizeof(flags)) !=
			    (ssize_t)sizeof(flags))
				mon_log(MON_LOG_WARN, "clone3 of %d: cannot clear CLONE_UNTRACED",
					(int)t->tid);
		}
	}
}

/* prctl(PR_SET/GET_DUMPABLE) and ptrace, answered by the monitor when no
 * module took them. Returns true (and sets the result) if emulated. */
/* A guest installing its own filter: from now on its TRACE stops must be
 * told from ours (see on_entry). Noted even if the call then fails. */
static void note_own_filter(const struct umv_call *call)
{
	struct mon_process *p = call->thread->proc;

	if (!p)
		return;
	if ((call->sc.id == mon_id_seccomp && call->sc.args[0] == SECCOMP_SET_MODE_FILTER) ||
	    (call->sc.id == mon_id_prctl && call->sc.args[0] == PR_SET_SECCOMP &&
	     call->sc.args[1] == SECCOMP_MODE_FILTER))
		p->own_filter = true;
}

static bool internal_emulate(struct umv_call *call)
{
	struct mon_process *p = call->thread->proc;

	if (!p)
		return false;
	if (mon_guard_self(call))
		return true;
	if (call->sc.id == mon_id_prctl) {
		if (call->sc.args[0] == PR_SET_DUMPABLE) {
			/* Only 0 and 1 are valid from user space; the real flag
			 * stays 1 so an unprivileged monitor can read the guest. */
			if (call->sc.args[1] > 1) {
				call->result = -EINVAL;
			} else {
				p->dumpable = (int)call->sc.args[1];
				call->result = 0;
			}
			return true;
		}
		if (call->sc.args[0] == PR_GET_DUMPABLE) {
			call->result = p->dumpable;
			return true;
		}
		return false;
	}
	if (call->sc.id == mon_id_ptrace) {
		if (!p->ptrace_logged) {
			p->ptrace_logged = true;
			mon_log(MON_LOG_WARN, "process %d called ptrace: EPERM (nested tracing is not supported under umvisor)",
				(int)p->tgid);
		}
		call->result = -EPERM;
		return true;
	}
	return false;
}

static int write_args(struct mon_thread *t, const struct mon_regs *r, const struct umv_call *call)
{
	unsigned n = (unsigned)__builtin_popcount(call->changed);
	int rc;

	if (n == 0)
		return 0;
	if (n > 1 && mon_engine()->use_set_info) {
		struct mon_regs w = *r;
		memcpy(w.args, call->regs, sizeof(w.args));
		return mon_regs_set_info(t->tid, &w);
	}
	for (unsigned i = 0; i < 6; i++)
		if (call->changed & (1u << i))
			if ((rc = mon_regs_set_arg(t->tid, r->audit_arch, i, call->regs[i])) < 0)
				return rc;
	return 0;
}

static bool is_sigreturn(const struct mon_regs *r)
{
	const char *name = sc_nr_name(sc_arch_from_audit(r->audit_arch), r->nr);

	return name && (strcmp(name, "rt_sigreturn") == 0 || strcmp(name, "sigreturn") == 0);
}

static bool is_restart_of_rewrite(const struct mon_thread *t, const struct mon_regs *r)
{
	const struct mon_rewrite *w = &t->rewrite;

	return w->valid && w->interrupted && w->audit_arch == r->audit_arch && w->nr == r->nr &&
	       memcmp(w->args, r->args, sizeof(w->args)) == 0;
}

/* Remember what the exit stop needs: the call as resumed. */
static void want_exit_stop(struct mon_thread *t, const struct mon_regs *r, const uint64_t regs[6],
			   uint64_t post_mask, uint64_t observe_mask)
{
	t->post_pending = true;
	t->post_mask = post_mask;
	t->observe_mask = observe_mask;
	t->post_arch = r->audit_arch;
	t->post_nr = r->nr;
	memcpy(t->post_args, regs, sizeof(t->post_args));
}

/* A restarted rewritten call is not asked of the chain again, but
 * observers see it as the new call it is for the guest. */
static uint64_t observe_restart(struct mon_thread *t, const struct mon_regs *r)
{
	struct umv_call call;
	struct sc_memreader mem;

	if (!t->rewrite.observe_mask)
		return 0;
	memset(&call, 0, sizeof(call));
	call.thread = t;
	mon_call_memreader(t, &mem);
	if (sc_decode(r->audit_arch, r->nr, r->args, &mem, &call.sc) < 0)
		return 0;
	memcpy(call.regs, r->args, sizeof(call.regs));
	call.direct_args = true;
	return mon_dispatch_observe(&call, UMV_REWRITE, mon_module_name_at((size_t)t->rewrite.decided_by),
				    0);
}

/* Each decoded argument is its own register, up to the width the kernel
 * reads (a 32-bit fd such as AT_FDCWD arrives zero-extended from glibc and
 * decodes sign-extended): then a module may rewrite it in place. */
static bool args_are_registers(const struct sc_call *sc)
{
	bool word32 = sc->arch == SC_ARCH_I386;

	for (unsigned i = 0; i < sc->nargs && i < 6; i++)
		if (sc->args[i] != sc->raw[i] &&
		    sc->args[i] != sc_kind_normalize(sc->kinds[i], sc->raw[i], word32))
			return false;
	return true;
}

static int on_entry(struct mon_thread *t, struct mon_regs *r)
{
	struct umv_call call;
	struct sc_memreader mem;
	enum umv_verdict v;
	uint64_t post_mask = 0, observe_mask = 0;
	const char *decider;
	uint32_t tag;
	int rc;

	/* vsyscall page: skipping or renumbering gets the guest SIGSYS. */
	if (mon_regs_in_vsyscall(r->ip))
		return mon_resume(t, 0);
	tag = derive_tag(r);
	if (r->op == MON_OP_SECCOMP && !r->have_ret_data && t->proc && t->proc->own_filter) {
		/* GETREGSET has no RET_DATA: ask, but only for guests with a
		 * filter of their own (their TRACE may shadow ours). */
		unsigned long msg = 0;
		if (mon_ptrace(MON_REQ_OTHER, PTRACE_GETEVENTMSG, t->tid, NULL, &msg) == 0) {
			r->ret_data = (uint32_t)msg;
			r->have_ret_data = true;
		}
	}
	if (r->op == MON_OP_SECCOMP && r->have_ret_data && !is_our_tag(r->ret_data)) {
		/* The guest's own filter said TRACE (the newest filter's data
		 * wins among equal actions): natively, with no tracer, the
		 * call fails with ENOSYS. */
		if ((rc = skip_with(t, r, -ENOSYS)) < 0)
			return rc;
		return mon_resume(t, 0);
	}
	if (tag != SC_TAG_WANTED) {
		if ((rc = refuse(t, r, tag)) < 0)
			return rc;
		return mon_resume(t, 0);
	}
	if (!mon_interest_wants(r->audit_arch, r->nr)) {
		/* Our filter traps only what we want: a seccomp stop for
		 * anything else is the guest's own filter's TRACE (ENOSYS
		 * natively). */
		if (r->op == MON_OP_SECCOMP) {
			if ((rc = skip_with(t, r, -ENOSYS)) < 0)
				return rc;
		}
		return mon_resume(t, 0);
	}
	if (is_restart_of_rewrite(t, r)) {
		/* The kernel restarts the call with the registers as we left
		 * them: already translated. */
		t->rewrite.interrupted = false;
		t->rewrite.returning = false;
		observe_mask = observe_restart(t, r);
		if (t->rewrite.post_mask || observe_mask)
			want_exit_stop(t, r, t->rewrite.args, t->rewrite.post_mask, observe_mask);
		return mon_resume(t, 0);
	}
	/* Calls a signal handler makes between the interruption and the
	 * restart (trapped when a module wants them, e.g. trace) must not
	 * forget the rewrite; the first call after the handler's sigreturn
	 * that is not the restart means there was none (EINTR). */
	if (!t->rewrite.interrupted || t->rewrite.returning)
		t->rewrite.valid = false;
	else if (is_sigreturn(r))
		t->rewrite.returning = true;

	memset(&call, 0, sizeof(call));
	call.thread = t;
	call.decided_by = -1;	/* the path layer's answers are the monitor's */
	mon_call_memreader(t, &mem);
	rc = sc_decode(r->audit_arch, r->nr, r->args, &mem, &call.sc);
	if (rc < 0)
		return rc;
	memcpy(call.regs, r->args, sizeof(call.regs));
	call.direct_args = !call.sc.demuxed && !call.sc.demux_failed && args_are_registers(&call.sc);

	strip_untraced(&call);
	note_own_filter(&call);
	if (call.changed)
		memcpy(call.sc.args, call.regs, sizeof(call.sc.args));
	v = UMV_PASS;
	if (mon_is_unmap_call(call.sc.id))
		mon_scratch_note_unmap(t, call.sc.id, call.sc.args);
	if (mon_vfs_active() && (mon_vfs_wants(call.sc.id) || mon_vfs_extra_wants(call.sc.id))) {
		bool vfs_leave = false;
		int vr = mon_vfs_enter(&call, &vfs_leave);

		if (vr == -EINPROGRESS)
			return mon_resume(t, 0);	/* our mmap runs first */
		if (vr < 0)
			return vr;
		v = (enum umv_verdict)vr;
		if (vfs_leave)
			post_mask |= MON_POST_VFS;
	}
	if (v != UMV_EMULATE) {
		uint64_t modules_post = 0;
		enum umv_verdict mv = mon_dispatch_enter(&call, &modules_post);

		if (call.inject_started)
			return mon_resume(t, 0);	/* our mmap runs; the call comes back */
		post_mask |= modules_post;
		if (mv != UMV_PASS)
			v = mv;
	}
	if (v == UMV_PASS && internal_emulate(&call)) {
		call.has_result = true;
		v = UMV_EMULATE;
	}
	/* No module decided: the monitor did (its own emulation, or the path
	 * layer redirecting a path into a mount), as a restarted rewrite says
	 * too (observe_restart). */
	if (call.decided_by >= 0)
		decider = mon_module_name_at((size_t)call.decided_by);
	else
		decider = v == UMV_EMULATE || v == UMV_REWRITE ? "umvisor" : NULL;
	if (mon_dispatch_has_observers())
		observe_mask = mon_dispatch_observe(&call, v, decider, call.result);

	if (v == UMV_EMULATE) {
		int64_t result = call.result;
		/* POST modules earlier in the chain see the answer now: no
		 * exit stop for a call that never runs. */
		if (post_mask)
			mon_dispatch_leave(&call, post_mask, &result);
		if (observe_mask)
			mon_dispatch_observe_exit(&call, observe_mask, result);
		if ((rc = skip_with(t, r, result)) < 0)
			return rc;
		return mon_resume(t, 0);
	}
	if ((rc = write_args(t, r, &call)) < 0)
		return rc;
	if (call.changed && v == UMV_REWRITE) {
		t->rewrite.valid = true;
		t->rewrite.interrupted = false;
		t->rewrite.returning = false;
		t->rewrite.audit_arch = r->audit_arch;
		t->rewrite.nr = r->nr;
		memcpy(t->rewrite.args, call.regs, sizeof(t->rewrite.args));
		t->rewrite.post_mask = post_mask;
		t->rewrite.observe_mask = observe_mask;
		t->rewrite.decided_by = call.decided_by;
	}
	if (post_mask || observe_mask)
		want_exit_stop(t, r, call.regs, post_mask, observe_mask);
	return mon_resume(t, 0);
}

static int on_exit_stop(struct mon_thread *t, const struct mon_regs *r)
{
	struct umv_call call;
	struct sc_memreader mem;
	uint64_t mask = t->post_mask, observe_mask = t->observe_mask;
	int64_t result = r->rval;
	int rc;

	if (t->inject) {
		/* Our scratch mmap (or wait) ran in place of the guest's call,
		 * which now runs again. */
		rc = mon_scratch_inject_done(t);
		if (rc < 0 && rc != -ESRCH)
			mon_log(MON_LOG_WARN, "thread %d: cannot restore its registers: %s",
				(int)t->tid, strerror(-rc));
		return mon_resume(t, 0);
	}
	if (t->emulated) {
		t->emulated = false;
		return mon_resume(t, 0);
	}
	if (!t->post_pending || !(mask || observe_mask))
		return mon_resume(t, 0);
	t->post_pending = false;
	t->post_mask = 0;
	t->observe_mask = 0;
	if (is_restart_code(r->rval)) {
		/* Interrupted: the guest never sees this result; the restart
		 * re-enters seccomp and asks again. Observers are told (strace
		 * prints "= ? ERESTARTSYS"): the restart is a new call for them. */
		mask = 0;
		if (!observe_mask)
			return mon_resume(t, 0);
	}
	memset(&call, 0, sizeof(call));
	call.thread = t;
	mon_call_memreader(t, &mem);
	if ((rc = sc_decode(t->post_arch, t->post_nr, t->post_args, &mem, &call.sc)) < 0)
		return rc;
	memcpy(call.regs, t->post_args, sizeof(call.regs));
	call.direct_args = true;
	if (mask)
		mon_dispatch_leave(&call, mask, &result);
	if (mask & MON_POST_VFS)
		mon_vfs_leave(&call, &result);
	if (observe_mask)
		mon_dispatch_observe_exit(&call, observe_mask, result);
	if (result != r->rval && (rc = mon_regs_set_result(t->tid, t->post_arch, result)) < 0)
		return rc;
	return mon_resume(t, 0);
}

int mon_syscall_stop(struct mon_thread *t, enum mon_stop_op op)
{
	struct mon_req_snapshot before;
	struct mon_regs r;
	bool entry;
	int rc;

	mon_req_snapshot(&before);
	rc = mon_regs_fetch(t->tid, mon_engine()->use_info, &r);
	if (rc < 0)
		return rc;
	if (r.op == MON_OP_NONE) {
		/* GETREGSET: the stop kind comes from the event, or from our
		 * own entry/exit bookkeeping in PTRACE_SYSCALL mode. */
		if (op == MON_OP_SECCOMP)
			r.op = MON_OP_SECCOMP;
		else if (mon_engine()->seccomp)
			r.op = MON_OP_EXIT;	/* we only ask for exit stops */
		else
			r.op = t->in_syscall ? MON_OP_EXIT : MON_OP_ENTRY;
	}
	if (r.op == MON_OP_EXIT) {
		t->in_syscall = false;
		if (t->proc && t->proc->vma)
			vma_set_stopped_tid(t->proc->vma, t->tid);
		rc = on_exit_stop(t, &r);
		mon_stats_stop(&before, false, NULL);
		return rc;
	}
	entry = true;
	if (r.op == MON_OP_ENTRY)
		t->in_syscall = true;
	rc = on_entry(t, &r);
	if (mon_interest_wants(r.audit_arch, r.nr) || r.op == MON_OP_SECCOMP) {
		const char *name = sc_nr_name(sc_arch_from_audit(r.audit_arch), r.nr);
		mon_stats_stop(&before, entry, name ? name : "(unknown)");
	}
	return rc;
}
