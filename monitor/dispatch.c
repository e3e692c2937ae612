/* Dispatch of a trapped call to the module chain, the SDK's view of a call
 * (umv_call_*, umv_vm_*), and the union of interests the seccomp filter is
 * built from. */
#include "monitor/dispatch.h"
#include "monitor/vfs.h"
#include "vmaccess/vmaccess.h"

#include <assert.h>
#include <errno.h>
#include <linux/filter.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

/* The SDK mirrors the tables' classes and arches bit for bit. */
static_assert((unsigned)UMV_CLASS_PATH == (unsigned)SC_CL_PATH && (unsigned)UMV_CLASS_FD == (unsigned)SC_CL_FD &&
	      (unsigned)UMV_CLASS_NETWORK == (unsigned)SC_CL_NETWORK && (unsigned)UMV_CLASS_PROCESS == (unsigned)SC_CL_PROCESS &&
	      (unsigned)UMV_CLASS_SIGNAL == (unsigned)SC_CL_SIGNAL && (unsigned)UMV_CLASS_MEMORY == (unsigned)SC_CL_MEMORY &&
	      (unsigned)UMV_CLASS_IPC == (unsigned)SC_CL_IPC && (unsigned)UMV_CLASS_CREDS == (unsigned)SC_CL_CREDS &&
	      (unsigned)UMV_CLASS_STAT == (unsigned)SC_CL_STAT && (unsigned)UMV_CLASS_PATH_OUT == (unsigned)SC_CL_PATH_OUT &&
	      (unsigned)UMV_CLASS_MOUNT == (unsigned)SC_CL_MOUNT && (unsigned)UMV_CLASS_MULTIPLEXER == (unsigned)SC_CL_MULTIPLEXER,
	      "enum umv_class must match enum sc_class");
static_assert((int)UMV_ARCH_X86_64 == (int)SC_ARCH_X86_64 &&
	      (int)UMV_ARCH_I386 == (int)SC_ARCH_I386 &&
	      (int)UMV_ARCH_AARCH64 == (int)SC_ARCH_AARCH64,
	      "enum umv_arch must match enum sc_arch");

enum sc_id mon_id_clone, mon_id_clone3, mon_id_prctl, mon_id_ptrace, mon_id_seccomp;
/* munmap, mremap, mmap, mmap2, shmat, old_mmap: watched for the scratch area. */
static enum sc_id unmap_ids[6];
static int nunmap_ids;

bool mon_is_unmap_call(enum sc_id id)
{
	for (int i = 0; i < nunmap_ids; i++)
		if (unmap_ids[i] == id && id != SC_ID_UNKNOWN)
			return true;
	return false;
}
enum sc_id mon_id_pid_calls[MON_PC_COUNT];
pid_t mon_self_pid;

static const char *const pid_call_names[MON_PC_COUNT] = {
	"kill", "tkill", "tgkill", "pidfd_open", "prlimit64", "process_vm_readv",
	"process_vm_writev", "pidfd_send_signal", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
};

/* Union of the modules' interests, one byte per id. */
static uint8_t *wanted;
static bool superset;		/* --runtime-mounts */

void mon_interest_set_superset(bool on)
{
	superset = on;
}

bool mon_module_wants(const struct umv_mod *m, enum sc_id id)
{
	const struct sc_info *info;

	if (m->want_all)
		return true;
	if (id <= SC_ID_UNKNOWN || id >= SC_ID_COUNT)
		return false;
	if (m->want[id])
		return true;
	info = m->classes ? sc_info(id) : NULL;
	return info && (info->classes & m->classes);
}

static enum sc_id need_id(const char *name)
{
	enum sc_id id = sc_id_from_name(name);

	if (id == SC_ID_UNKNOWN)
		mon_log(MON_LOG_ERROR, "internal: syscall '%s' missing from the tables", name);
	return id;
}

int mon_interest_init(void)
{
	size_t n = mon_modules_count();

	mon_id_clone = need_id("clone");
	mon_id_clone3 = need_id("clone3");
	mon_id_prctl = need_id("prctl");
	mon_id_ptrace = need_id("ptrace");
	mon_id_seccomp = need_id("seccomp");
	if (!mon_id_clone || !mon_id_clone3 || !mon_id_prctl || !mon_id_ptrace || !mon_id_seccomp)
		return -ENOENT;
	nunmap_ids = mon_vfs_active() ? mon_scratch_unmap_ids(unmap_ids) : 0;
	for (int i = 0; i < MON_PC_COUNT; i++)
		if (!(mon_id_pid_calls[i] = need_id(pid_call_names[i])))
			return -ENOENT;
	mon_self_pid = getpid();
	free(wanted);
	wanted = calloc(SC_ID_COUNT, 1);
	if (!wanted)
		return -ENOMEM;
	for (int id = 1; id < SC_ID_COUNT; id++) {
		const struct sc_info *info = sc_info((enum sc_id)id);

		/* --runtime-mounts: what a module mounted later may want, as
		 * the filter cannot grow once the guest runs */
		if (mon_vfs_wants((enum sc_id)id) ||
		    (superset && info && (info->classes & (SC_CL_PATH | SC_CL_FD))))
			wanted[id] = MON_WANT_ALL;
	}
	/* A syscall is wanted whole if anyone wants it whole; conditionally
	 * (only the modules' argument conditions trap) otherwise. */
	for (int id = 1; id < SC_ID_COUNT; id++)
		for (size_t i = 0; i < n && wanted[id] != MON_WANT_ALL; i++) {
			struct umv_mod *m = mon_module_at(i);

			if (!mon_module_wants(m, (enum sc_id)id))
				continue;
			wanted[id] = m->want[id] == MON_WANT_IF && !m->want_all &&
				     !(m->classes && (sc_info((enum sc_id)id)->classes & m->classes))
				     ? MON_WANT_IF : MON_WANT_ALL;
		}
	/* The filter traps i386 socketcall/ipc exactly for the calls they
	 * carry that someone wants: their stops are ours then. */
	enum sc_id socketcall = sc_id_from_name("socketcall"), ipc = sc_id_from_name("ipc");
	for (int id = 1; id < SC_ID_COUNT; id++) {
		const struct sc_info *info = sc_info((enum sc_id)id);

		if (!wanted[id] || !info || (info->classes & SC_CL_MULTIPLEXER))
			continue;
		if ((info->classes & SC_CL_NETWORK) && socketcall != SC_ID_UNKNOWN && !wanted[socketcall])
			wanted[socketcall] = MON_WANT_IF;
		if ((info->classes & SC_CL_IPC) && ipc != SC_ID_UNKNOWN && !wanted[ipc])
			wanted[ipc] = MON_WANT_IF;
	}
	return 0;
}

/* Is M's rule COND one a module loaded at start has, hence in the filter? */
static bool cond_in_filter(const struct umv_mod *m, const struct sc_filter_rule *cond)
{
	for (size_t i = 0; i < mon_modules_count(); i++) {
		const struct umv_mod *o = mon_module_at(i);

		if (o == m || o->mount_point || o->gone)
			continue;
		for (size_t k = 0; k < o->nconds; k++)
			if (o->conds[k].id == cond->id && o->conds[k].cmp == cond->cmp &&
			    o->conds[k].arg == cond->arg && o->conds[k].mask == cond->mask &&
			    o->conds[k].value == cond->value)
				return true;
	}
	return false;
}

static bool covered(const struct umv_mod *m, enum sc_id id)
{
	const struct sc_info *info = sc_info(id);
	bool whole = m->want_all || m->want[id] != MON_WANT_IF ||
		     (m->classes && info && (info->classes & m->classes));

	if (!wanted || wanted[id] == MON_WANT_ALL)
		return true;
	if (whole || wanted[id] != MON_WANT_IF)
		return false;
	for (size_t k = 0; k < m->nconds; k++)
		if (m->conds[k].id == id && !cond_in_filter(m, &m->conds[k]))
			return false;
	return true;
}

size_t mon_interest_uncovered(const struct umv_mod *m, char *missing, size_t size)
{
	size_t n = 0, len = 0;

	if (size)
		missing[0] = '\0';
	for (int id = 1; id < SC_ID_COUNT; id++) {
		int w;

		if (!mon_module_wants(m, (enum sc_id)id) || covered(m, (enum sc_id)id))
			continue;
		n++;
		if (len < size) {
			w = snprintf(missing + len, size - len, "%s%s", len ? ", " : "",
				     sc_info((enum sc_id)id)->name);
			len = w < 0 ? size : len + (size_t)w;
		}
	}
	if (len >= size && size > 4)
		strcpy(missing + size - 4, "...");
	return n;
}

static bool is_pid_call(enum sc_id id)
{
	for (int i = 0; i < MON_PC_COUNT; i++)
		if (mon_id_pid_calls[i] == id)
			return true;
	return false;
}

bool mon_interest_wants(uint32_t audit_arch, uint64_t nr)
{
	enum sc_arch arch = sc_arch_from_audit(audit_arch);
	enum sc_id id;

	if (arch == SC_ARCH_UNKNOWN || arch == SC_ARCH_X32)
		return false;
	id = sc_id_from_nr(arch, nr);
	if (id == SC_ID_UNKNOWN)
		return false;
	if (wanted && wanted[id])
		return true;
	/* i386 socketcall/ipc: the filter traps the multiplexer for any of
	 * its calls wanted (bind, shmat...); which one it is shows after the
	 * demux, where calls nobody wants are passed. */
	if ((id == SC_ID_socketcall || id == SC_ID_ipc) && mon_modules_count() > 0)
		return true;
	/* The monitor's own: CLONE_UNTRACED, dumpable emulation, ptrace,
	 * guests installing their own seccomp filters, calls aimed at the
	 * monitor's pid; the path layer's own. */
	if (mon_is_unmap_call(id) || mon_vfs_extra_wants(id))
		return true;
	return mon_modules_count() > 0 &&
	       (id == mon_id_clone || id == mon_id_clone3 || id == mon_id_prctl ||
		id == mon_id_ptrace || id == mon_id_seccomp || is_pid_call(id));
}

int mon_filter_build(struct sock_fprog **out)
{
	struct sc_filter_rule *rules;
	struct sc_filter_spec spec;
	size_t n = 0;
	int rc;

	*out = NULL;
	if (mon_modules_count() == 0)
		return 0;
	size_t nconds = 0;

	for (size_t i = 0; i < mon_modules_count(); i++)
		nconds += mon_module_at(i)->nconds;
	/* One rule per wanted id, the modules' conditions, the monitor's own
	 * (7), the scratch area's (<= 6), the path layer's (<= 13), and at most
	 * two per call that can name the monitor's pid. */
	rules = calloc(SC_ID_COUNT + nconds + 26 + 2 * MON_PC_COUNT, sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	for (int id = 1; id < SC_ID_COUNT; id++)
		if (wanted[id] == MON_WANT_ALL)
			rules[n++] = (struct sc_filter_rule){ .id = (enum sc_id)id, .cmp = SC_CMP_ANY };
	for (size_t i = 0; i < mon_modules_count(); i++) {
		const struct umv_mod *m = mon_module_at(i);

		for (size_t k = 0; k < m->nconds; k++)
			if (wanted[m->conds[k].id] == MON_WANT_IF)
				rules[n++] = m->conds[k];
	}
	/* The monitor's own interests, as narrow as the filter allows. */
	rules[n++] = (struct sc_filter_rule){ .id = mon_id_clone, .cmp = SC_CMP_MASKED_EQ,
					      .arg = 0, .mask = CLONE_UNTRACED,
					      .value = CLONE_UNTRACED };
	rules[n++] = (struct sc_filter_rule){ .id = mon_id_clone3, .cmp = SC_CMP_ANY };
	rules[n++] = (struct sc_filter_rule){ .id = mon_id_prctl, .cmp = SC_CMP_EQ, .arg = 0,
					      .value = PR_SET_DUMPABLE };
	rules[n++] = (struct sc_filter_rule){ .id = mon_id_prctl, .cmp = SC_CMP_EQ, .arg = 0,
					      .value = PR_GET_DUMPABLE };
	rules[n++] = (struct sc_filter_rule){ .id = mon_id_prctl, .cmp = SC_CMP_EQ, .arg = 0,
					      .value = PR_SET_SECCOMP };
	rules[n++] = (struct sc_filter_rule){ .id = mon_id_ptrace, .cmp = SC_CMP_ANY };
	rules[n++] = (struct sc_filter_rule){ .id = mon_id_seccomp, .cmp = SC_CMP_ANY };
	for (int i = 0; i < nunmap_ids; i++) {
		enum sc_id id = unmap_ids[i];

		if (id == SC_ID_UNKNOWN || wanted[id])
			continue;
		if (id == unmap_ids[2] || id == unmap_ids[3])	/* mmap, mmap2: MAP_FIXED only */
			rules[n++] = (struct sc_filter_rule){ .id = id, .cmp = SC_CMP_MASKED_EQ,
							      .arg = 3, .mask = MAP_FIXED,
							      .value = MAP_FIXED };
		else
			rules[n++] = (struct sc_filter_rule){ .id = id, .cmp = SC_CMP_ANY };
	}
	n += mon_vfs_filter_rules(rules + n);
	/* Calls naming the monitor's pid, only when they do (ordinary kills
	 * run untrapped). A pidfd has no pid in a register: every
	 * pidfd_send_signal stops. */
	for (int i = 0; i < MON_PC_COUNT; i++) {
		enum sc_id id = mon_id_pid_calls[i];

		if (i == MON_PC_PIDFD_SEND_SIGNAL) {
			rules[n++] = (struct sc_filter_rule){ .id = id, .cmp = SC_CMP_ANY };
			continue;
		}
		rules[n++] = (struct sc_filter_rule){ .id = id, .cmp = SC_CMP_EQ, .arg = 0,
						      .value = (uint64_t)mon_self_pid };
		if (i == MON_PC_KILL)	/* its process group, when it leads one */
			rules[n++] = (struct sc_filter_rule){ .id = id, .cmp = SC_CMP_EQ, .arg = 0,
							      .value = (uint64_t)(int64_t)-mon_self_pid };
		if (i == MON_PC_TGKILL || i == MON_PC_RT_TGSIGQUEUEINFO)
			rules[n++] = (struct sc_filter_rule){ .id = id, .cmp = SC_CMP_EQ, .arg = 1,
							      .value = (uint64_t)mon_self_pid };
	}
	spec.rules = rules;
	spec.nrules = n;
	spec.action = SC_FILTER_TRACE;
	rc = sc_filter_build(&spec, out);
	free(rules);
	return rc;
}

void mon_filter_free(struct sock_fprog *prog)
{
	if (prog)
		sc_filter_free(prog);
}

/* ---- the chain ---- */

enum umv_verdict mon_dispatch_enter(struct umv_call *call, uint64_t *post_mask)
{
	size_t n = mon_modules_count();
	enum umv_verdict verdict = UMV_PASS;

	call->post_mask = 0;
	call->decided_by = -1;
	call->phase = MON_PHASE_ENTER;
	for (size_t i = 0; i < n && verdict == UMV_PASS; i++) {
		struct umv_mod *m = mon_module_at(i);
		enum umv_verdict v;

		if (!m->ops->enter || !mon_module_wants(m, call->sc.id))
			continue;
		call->cur_module = i;
		v = m->ops->enter(m, call);
		switch (v) {
		case UMV_PASS:
			break;
		case UMV_POST:
			call->post_mask |= 1ull << i;
			break;
		case UMV_EMULATE:
			if (!call->has_result) {
				umv_log(m, UMV_LOG_WARN, "EMULATE without a result for %s: -ENOSYS",
					call->sc.name);
				call->has_result = true;
				call->result = -ENOSYS;
			}
			verdict = v;
			call->decided_by = (int)i;
			break;
		case UMV_REWRITE:
			call->decided_by = (int)i;
			verdict = v;
			break;
		default:
			umv_log(m, UMV_LOG_WARN, "unknown verdict %d for %s, taken as PASS", (int)v,
				call->sc.name);
			break;
		}
	}
	call->phase = MON_PHASE_OTHER;
	*post_mask = call->post_mask;
	return verdict;
}

void mon_dispatch_leave(struct umv_call *call, uint64_t post_mask, int64_t *result)
{
	call->phase = MON_PHASE_LEAVE;
	for (size_t i = mon_modules_count(); i-- > 0;) {
		struct umv_mod *m = mon_module_at(i);
		if ((post_mask & (1ull << i)) && m->ops->leave)
			m->ops->leave(m, call, result);
	}
	if (post_mask & MON_POST_SYNTH)
		mon_synthetic_leave(call);
	call->phase = MON_PHASE_OTHER;
}

/* ---- observers (revision 2) ---- */

bool mon_dispatch_has_observers(void)
{
	for (size_t i = 0; i < mon_modules_count(); i++)
		if (MON_OPS_HAS(mon_module_at(i), observe))
			return true;
	return false;
}

uint64_t mon_dispatch_observe(struct umv_call *call, enum umv_verdict v, const char *decider,
			      int64_t result)
{
	struct umv_outcome outcome = {
		.verdict = v == UMV_POST ? UMV_PASS : v,
		.module = v == UMV_PASS || v == UMV_POST ? NULL : decider,
		.result = v == UMV_EMULATE ? result : 0,
	};
	size_t n = mon_modules_count();
	uint64_t mask = 0;

	call->phase = MON_PHASE_OBSERVE;
	for (size_t i = 0; i < n; i++) {
		struct umv_mod *m = mon_module_at(i);

		if (!MON_OPS_HAS(m, observe) || !mon_module_wants(m, call->sc.id))
			continue;
		call->cur_module = i;
		if (m->ops->observe(m, call, &outcome) > 0 && MON_OPS_HAS(m, observe_exit))
			mask |= 1ull << i;
	}
	call->phase = MON_PHASE_OTHER;
	return mask;
}

void mon_dispatch_observe_exit(struct umv_call *call, uint64_t mask, int64_t result)
{
	call->phase = MON_PHASE_OBSERVE;
	for (size_t i = 0; i < mon_modules_count(); i++) {
		struct umv_mod *m = mon_module_at(i);

		if ((mask & (1ull << i)) && MON_OPS_HAS(m, observe_exit))
			m->ops->observe_exit(m, call, result);
	}
	call->phase = MON_PHASE_OTHER;
}

static ssize_t reader_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	int err = 0;
	struct vma *vma = mon_thread_vma(ctx, &err);
	ssize_t n;

	if (!vma)
		return err;
	n = vma_read(vma, addr, buf, len);
	if (n == -ESRCH && mon_thread_vma_lost_leader(ctx))
		n = vma_read(vma, addr, buf, len);
	return n;
}

static ssize_t reader_read_str(void *ctx, uint64_t addr, char *buf, size_t size)
{
	int err = 0;
	struct vma *vma = mon_thread_vma(ctx, &err);
	ssize_t n;

	if (!vma)
		return err;
	n = vma_read_str(vma, addr, buf, size);
	if (n == -ESRCH && mon_thread_vma_lost_leader(ctx))
		n = vma_read_str(vma, addr, buf, size);
	return n;
}

void mon_call_memreader(struct mon_thread *t, struct sc_memreader *out)
{
	out->read = reader_read;
	out->read_str = reader_read_str;
	out->ctx = t;
}

/* ---- SDK: the call ---- */

static bool is_socketcall(const struct umv_call *call);
static int set_socketcall_arg(struct umv_call *call, unsigned idx, uint64_t value);

const char *umv_call_name(const struct umv_call *call)
{
	return call ? call->sc.name : NULL;
}

int umv_call_sysid(const struct umv_call *call)
{
	return call ? (int)call->sc.id : 0;
}

int umv_sysid(const char *name)
{
	enum sc_id id = name ? sc_id_from_name(name) : SC_ID_UNKNOWN;

	return id == SC_ID_UNKNOWN ? -ENOENT : (int)id;
}

const char *umv_sysid_name(int id)
{
	if (id <= SC_ID_UNKNOWN || id >= SC_ID_COUNT)
		return NULL;
	return sc_id_name((enum sc_id)id);
}

enum umv_arch umv_call_arch(const struct umv_call *call)
{
	if (!call)
		return UMV_ARCH_UNKNOWN;
	switch (call->sc.arch) {
	case SC_ARCH_X86_64:
	case SC_ARCH_I386:
	case SC_ARCH_AARCH64:
		return (enum umv_arch)call->sc.arch;
	default:
		return UMV_ARCH_UNKNOWN;
	}
}

unsigned umv_call_classes(const struct umv_call *call)
{
	return call && call->sc.info ? call->sc.info->classes : 0;
}

unsigned umv_call_nargs(const struct umv_call *call)
{
	return call ? call->sc.nargs : 0;
}

uint64_t umv_call_arg(const struct umv_call *call, unsigned idx)
{
	if (!call || idx >= 6)
		return 0;
	/* A rewrite made earlier in the chain is what later modules see;
	 * other arguments as decoded (normalized to the kernel's width). */
	if (call->direct_args && (call->changed & (1u << idx)))
		return call->regs[idx];
	return call->sc.args[idx];
}

int umv_call_set_arg(struct umv_call *call, unsigned idx, uint64_t value)
{
	if (!call || idx >= 6)
		return -EINVAL;
	if (call->phase != MON_PHASE_ENTER)
		return -EPERM;
	if (!call->direct_args)
		return is_socketcall(call) ? set_socketcall_arg(call, idx, value) : -EINVAL;
	call->regs[idx] = value;
	if (value != call->sc.raw[idx])
		call->changed |= (uint8_t)(1u << idx);
	else
		call->changed &= (uint8_t)~(1u << idx);
	return 0;
}

int umv_call_want_leave(struct umv_call *call)
{
	if (!call)
		return -EINVAL;
	if (call->phase != MON_PHASE_ENTER)
		return -EPERM;
	call->post_mask |= 1ull << call->cur_module;
	return 0;
}

int umv_call_set_result(struct umv_call *call, int64_t result)
{
	if (!call)
		return -EINVAL;
	if (call->phase != MON_PHASE_ENTER)
		return -EPERM;
	call->has_result = true;
	call->result = result;
	return 0;
}

pid_t umv_call_pid(const struct umv_call *call)
{
	return call && call->thread->proc ? call->thread->proc->tgid : 0;
}

pid_t umv_call_tid(const struct umv_call *call)
{
	return call ? call->thread->tid : 0;
}

ssize_t umv_vm_read(struct umv_call *call, uint64_t addr, void *buf, size_t len)
{
	if (!call || (!buf && len))
		return -EINVAL;
	return reader_read(call->thread, addr, buf, len);
}

ssize_t umv_vm_read_str(struct umv_call *call, uint64_t addr, char *buf, size_t size)
{
	if (!call || !buf || size == 0)
		return -EINVAL;
	return reader_read_str(call->thread, addr, buf, size);
}

ssize_t umv_vm_write(struct umv_call *call, uint64_t addr, const void *buf, size_t len)
{
	int err = 0;
	struct vma *vma;
	ssize_t n;

	if (!call || (!buf && len))
		return -EINVAL;
	vma = mon_thread_vma(call->thread, &err);
	if (!vma)
		return err;
	n = vma_write(vma, addr, buf, len);
	if (n == -ESRCH && mon_thread_vma_lost_leader(call->thread))
		n = vma_write(vma, addr, buf, len);
	return n;
}

/* ---- SDK: buffers in the scratch slot ----
 * The slot's first half belongs to the path layer (vfs*.c); the second
 * holds module buffers and, at its end, a rewritten i386 socketcall
 * argument block. An exec's rewritten argv may use the whole slot: no
 * module buffer is live across an exec. */
#define BUF_AREA_OFF (MON_SCRATCH_SLOT_SIZE / 2u)
static_assert(SLOT_MSGHDR + 64 <= BUF_AREA_OFF, "the path layer's part of the slot overlaps ours");
#define ARGV_AREA_LEN 64u
#define BUF_AREA_LEN (MON_SCRATCH_SLOT_SIZE - BUF_AREA_OFF - ARGV_AREA_LEN)
#define ARGV_AREA_OFF (MON_SCRATCH_SLOT_SIZE - ARGV_AREA_LEN)

static int call_slot(struct umv_call *call, uint64_t *slot)
{
	int rc;

	if (call->inject_started)
		return -EINPROGRESS;
	rc = mon_scratch_slot(call->thread, call->sc.audit_arch, slot);
	if (rc == -EINPROGRESS)
		call->inject_started = true;
	return rc;
}

int umv_call_put_buf(struct umv_call *call, const void *data, size_t len, uint64_t *addr)
{
	uint64_t slot, at;
	uint32_t off;
	int rc;

	if (!call || !addr || (!data && len))
		return -EINVAL;
	if (call->phase != MON_PHASE_ENTER)
		return -EPERM;
	off = (call->buf_used + 15u) & ~15u;
	if (len > BUF_AREA_LEN || off + len > BUF_AREA_LEN)
		return -ENOSPC;
	if ((rc = call_slot(call, &slot)) < 0)
		return rc;
	at = slot + BUF_AREA_OFF + off;
	if (len && umv_vm_write(call, at, data, len) != (ssize_t)len)
		return -EFAULT;
	call->buf_used = off + (uint32_t)len;
	*addr = at;
	return 0;
}

static bool is_socketcall(const struct umv_call *call)
{
	return call->sc.arch == SC_ARCH_I386 && call->sc.demuxed &&
	       (long)call->sc.nr == sc_nr_from_id(SC_ARCH_I386, SC_ID_socketcall);
}

/* i386 socketcall: the arguments are a block of 32-bit words in guest
 * memory. The guest's block stays untouched; a copy with argument IDX
 * changed goes in the slot and the block pointer (ecx) points to it. */
static int set_socketcall_arg(struct umv_call *call, unsigned idx, uint64_t value)
{
	uint32_t block[6];
	uint64_t slot;
	int rc;

	if (idx >= call->sc.nargs || value > UINT32_MAX)
		return -EINVAL;
	if ((rc = call_slot(call, &slot)) < 0)
		return rc;
	call->sc.args[idx] = value;
	for (unsigned i = 0; i < call->sc.nargs; i++)
		block[i] = (uint32_t)call->sc.args[i];
	if (umv_vm_write(call, slot + ARGV_AREA_OFF, block, call->sc.nargs * sizeof(block[0])) !=
	    (ssize_t)(call->sc.nargs * sizeof(block[0])))
		return -EFAULT;
	call->regs[1] = slot + ARGV_AREA_OFF;
	call->changed |= 1u << 1;
	return 0;
}

int umv_call_set_arg_buf(struct umv_call *call, unsigned idx, const void *data, size_t len)
{
	uint64_t at;
	int rc;

	if (!call || idx >= 6)
		return -EINVAL;
	if (call->phase != MON_PHASE_ENTER)
		return -EPERM;
	if (!call->direct_args && !is_socketcall(call))
		return -EINVAL;
	if ((rc = umv_call_put_buf(call, data, len, &at)) < 0)
		return rc;
	if (call->direct_args)
		return umv_call_set_arg(call, idx, at);
	return set_socketcall_arg(call, idx, at);
}
