/* tests/fuzz/fuzz_filter.c: libFuzzer harness over the seccomp filter
 * builder.
 *
 * A random rule set (ids, comparisons and argument indexes partly invalid)
 * must either be refused with -EINVAL or build a program that
 *   - passes the checks the kernel makes before loading a seccomp filter
 *     (checked here the way seccomp_check_filter + bpf_check_classic do, and
 *     by attaching it to a socket, which runs the kernel's own checker);
 *   - gives, for random seccomp_data, the verdict the rule set means: run by
 *     the classic BPF interpreter below and compared with a model written
 *     from the header's description of the rules, not from the builder. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "syscalls/kinds.h"
#include "syscalls/syscalls.h"
#include "syscalls/table.h"
#include "tests/fuzz/fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RULES 48
#define X32_BIT 0x40000000u

/* ---- a classic BPF checker and interpreter, seccomp's subset ---- */

static bool check_program(const struct sock_fprog *p)
{
	if (p->len == 0 || p->len > BPF_MAXINSNS)
		return false;
	for (unsigned pc = 0; pc < p->len; pc++) {
		const struct sock_filter *f = &p->filter[pc];

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			/* seccomp: aligned 32-bit loads inside seccomp_data */
			if (f->k >= sizeof(struct seccomp_data) || (f->k & 3))
				return false;
			break;
		case BPF_RET | BPF_K:
		case BPF_ALU | BPF_AND | BPF_K:
			break;
		case BPF_JMP | BPF_JA:
			if (f->k >= p->len - pc - 1)
				return false;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			if (pc + 1u + f->jt >= p->len || pc + 1u + f->jf >= p->len)
				return false;
			break;
		default:
			return false;	/* the builder uses nothing else */
		}
	}
	/* the last instruction must be a return */
	return BPF_CLASS(p->filter[p->len - 1].code) == BPF_RET;
}

static uint32_t run_program(const struct sock_fprog *p, const struct seccomp_data *d)
{
	uint32_t a = 0;
	unsigned pc = 0;
	unsigned steps = 0;

	while (pc < p->len) {
		const struct sock_filter *f = &p->filter[pc];
		uint32_t word;

		if (++steps > BPF_MAXINSNS)
			abort();	/* forward jumps only: cannot happen */
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			memcpy(&word, (const char *)d + f->k, 4);
			a = word;
			pc++;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= f->k;
			pc++;
			break;
		case BPF_RET | BPF_K:
			return f->k;
		case BPF_JMP | BPF_JA:
			pc += 1 + f->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += 1 + (a == f->k ? f->jt : f->jf);
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += 1 + (a >= f->k ? f->jt : f->jf);
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += 1 + (a > f->k ? f->jt : f->jf);
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += 1 + ((a & f->k) ? f->jt : f->jf);
			break;
		default:
			abort();
		}
	}
	abort();	/* fell off the end: check_program refuses that */
}

/* ---- the model: what a rule set means ---- */

/* The value the kernel shows the filter for neutral argument ARG of a call,
 * as the rule compares it: int-sized kinds (and everything on i386) by
 * their low 32 bits, 16-bit ids by 16, a joined i386 pair as 64 bits. */
static bool cond_holds(enum sc_arch arch, const struct sc_nr_row *row, const struct sc_info *info,
		       const struct sc_filter_rule *r, const __u64 args[6])
{
	unsigned reg = row->mapped ? row->map[r->arg] : r->arg;
	unsigned ri = reg & SC_REG_INDEX;
	uint64_t v, width_mask = UINT64_MAX;
	enum sc_width w = sc_kind_width(info->kinds[r->arg]);
	uint64_t mask = (r->cmp == SC_CMP_MASKED_EQ || r->cmp == SC_CMP_MASKED_NE) ? r->mask : UINT64_MAX;
	bool eq;

	if (reg & SC_REG_PAIR) {
		v = (args[ri] & 0xffffffffu) | (args[ri + 1] << 32);
	} else {
		v = args[ri];
		if (arch == SC_ARCH_I386 || (w != SC_W_LONG_U && w != SC_W_LONG_S))
			width_mask = 0xffffffffu;
		if (w == SC_W_16_U)
			width_mask = 0xffffu;
	}
	mask &= width_mask;
	eq = (v & mask) == (r->value & mask);
	return (r->cmp == SC_CMP_EQ || r->cmp == SC_CMP_MASKED_EQ) ? eq : !eq;
}

static uint32_t model(const struct sc_filter_rule *rules, size_t n, uint32_t action,
		      const struct seccomp_data *d)
{
	enum sc_arch arch = sc_arch_from_audit(d->arch);
	uint32_t nr = (uint32_t)d->nr;
	const struct sc_nr_row *row;
	enum sc_id id;

	if (arch != SC_ARCH_X86_64 && arch != SC_ARCH_I386)
		return action | SC_TAG_UNKNOWN_ARCH;
	if (nr > (uint64_t)sc_nr_max(arch)) {
		if (arch == SC_ARCH_X86_64 && nr < 0x80000000u && (nr & X32_BIT))
			return action | SC_TAG_X32;
		return action | SC_TAG_BEYOND_TABLE;
	}
	row = sc_row(arch, nr);
	id = row ? (enum sc_id)row->id : SC_ID_UNKNOWN;
	for (size_t i = 0; i < n; i++) {
		const struct sc_filter_rule *r = &rules[i];

		if (id != SC_ID_UNKNOWN && r->id == id &&
		    (r->cmp == SC_CMP_ANY || cond_holds(arch, row, sc_info(id), r, d->args)))
			return action | SC_TAG_WANTED;
		/* i386: a wanted socket or ipc call through its multiplexer */
		if (arch == SC_ARCH_I386 && id == SC_ID_socketcall &&
		    (uint32_t)d->args[0] < 32 && sc_socketcall_id((uint32_t)d->args[0]) == r->id)
			return action | SC_TAG_WANTED;
		if (arch == SC_ARCH_I386 && id == SC_ID_ipc &&
		    (d->args[0] & 0xffff) < 32 && sc_ipc_id(d->args[0] & 0xffff) == r->id)
			return action | SC_TAG_WANTED;
	}
	return SECCOMP_RET_ALLOW;
}

/* ---- the harness ---- */

static bool rule_valid(const struct sc_filter_rule *r)
{
	const struct sc_info *info = sc_info(r->id);

	if (!info)
		return false;
	if (r->cmp == SC_CMP_ANY)
		return true;
	return r->cmp <= SC_CMP_MASKED_NE && r->arg < info->nargs;
}

static uint64_t pick_value(struct fuzz_input *in)
{
	switch (fuzz_u8(in) % 4) {
	case 0:
		return fuzz_u8(in);
	case 1:
		return (uint64_t)-(int64_t)fuzz_u8(in);
	case 2:
		return fuzz_u32(in);
	default:
		return fuzz_u64(in);
	}
}

/* The socket the kernel's classic BPF checker runs on. */
static int checker_socket = -2;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct sc_filter_rule rules[MAX_RULES];
	struct sc_filter_spec spec = { rules, 0, SC_FILTER_TRACE };
	struct sock_fprog *prog = NULL;
	uint32_t action;
	bool valid = true;
	uint8_t hdr = fuzz_u8(&in);
	int rc;

	spec.nrules = hdr % (MAX_RULES + 1);
	if (fuzz_u8(&in) == 0xff)
		spec.action = (enum sc_filter_action)fuzz_u8(&in);
	else
		spec.action = fuzz_u8(&in) & 1 ? SC_FILTER_USER_NOTIF : SC_FILTER_TRACE;
	action = spec.action == SC_FILTER_USER_NOTIF ? SECCOMP_RET_USER_NOTIF : SECCOMP_RET_TRACE;
	for (size_t i = 0; i < spec.nrules; i++) {
		struct sc_filter_rule *r = &rules[i];
		uint8_t sel = fuzz_u8(&in);

		memset(r, 0, sizeof(*r));
		r->id = (enum sc_id)(fuzz_u16(&in) % (SC_ID_COUNT + 2));
		r->cmp = (enum sc_cmp)(sel % 8 < 6 ? sel % 8 % 5 : sel);
		r->arg = fuzz_u8(&in) % 7;
		r->mask = pick_value(&in);
		r->value = pick_value(&in);
		valid = valid && rule_valid(r);
	}
	if (spec.action != SC_FILTER_TRACE && spec.action != SC_FILTER_USER_NOTIF)
		valid = false;

	rc = sc_filter_build(&spec, &prog);
	if (!valid) {
		if (rc != -EINVAL || prog)
			abort();
		return 0;
	}
	if (rc == -E2BIG)
		return 0;	/* too many conditions for one program: refused cleanly */
	if (rc < 0)
		abort();
	if (spec.nrules == 0) {
		if (prog)
			abort();
		return 0;
	}
	if (!prog || !check_program(prog))
		abort();
	if (checker_socket == -2)
		checker_socket = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (checker_socket >= 0 &&
	    setsockopt(checker_socket, SOL_SOCKET, SO_ATTACH_FILTER, prog, sizeof(*prog)) != 0 &&
	    errno == EINVAL)
		abort();	/* the kernel's checker refused it */

	/* Calls: mostly the numbers the rules name, then random ones. */
	for (int k = 0; k < 32 && in.len > 0; k++) {
		struct seccomp_data d = { 0 };
		uint8_t sel = fuzz_u8(&in);
		static const uint32_t arches[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64 };
		enum sc_arch arch;

		d.arch = sel & 0x80 ? fuzz_u32(&in) : arches[sel % 3];
		arch = sc_arch_from_audit(d.arch);
		if ((sel & 0x40) && spec.nrules && (arch == SC_ARCH_X86_64 || arch == SC_ARCH_I386)) {
			long nr = sc_nr_from_id(arch, rules[fuzz_u8(&in) % spec.nrules].id);
			d.nr = nr >= 0 ? (int)nr : (int)fuzz_u16(&in);
		} else if (sel & 0x20) {
			d.nr = (int)fuzz_u32(&in);
		} else {
			d.nr = fuzz_u16(&in) % 1024;
		}
		for (int i = 0; i < 6; i++) {
			uint8_t m = fuzz_u8(&in);
			d.args[i] = m & 1 && spec.nrules ? rules[(m >> 1) % spec.nrules].value : pick_value(&in);
			/* the kernel zero-extends compat registers */
			if (arch == SC_ARCH_I386)
				d.args[i] &= 0xffffffffu;
		}
		if (run_program(prog, &d) != model(rules, spec.nrules, action, &d))
			abort();
	}
	sc_filter_free(prog);
	return 0;
}
