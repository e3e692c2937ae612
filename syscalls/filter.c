/* syscalls/filter.c: the seccomp filter builder.
 *
 * We emit classic BPF ourselves instead of going through libseccomp: Debian
 * 12's libseccomp 2.5.4 resolves rules through its own syscall names and
 * cannot translate a number it does not know to another arch (a raw-number
 * rule on a non-native arch fails in arch_syscall_translate), so syscalls
 * newer than its table (cachestat ... file_setattr) could not be trapped on
 * i386. Our own tables already have every number; the program is small and
 * its shape is ours to keep fast:
 *
 *   ld arch
 *   each filtered arch: jeq AUDIT_ARCH -> its block     (native first)
 *   ret ACTION|UNKNOWN_ARCH
 * block:
 *   ld nr
 *   jgt highest number we know ->
 *       x86_64 only: nr < 0x80000000 with __X32_SYSCALL_BIT -> ret ACTION|X32
 *       ret ACTION|BEYOND_TABLE
 *   binary search (jge) over the sorted wanted numbers, leaves of <= 3 jeq:
 *     hit  -> ret ACTION|WANTED, or the OR of its argument conditions
 *     miss -> ret ALLOW
 *
 * An un-wanted call reads only arch and nr, so the kernel's seccomp action
 * cache (5.11+) learns it is always allowed and skips the filter for it.
 */
#include "syscalls/table.h"
#include "syscalls/kinds.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define X32_SYSCALL_BIT 0x40000000u
#define MAX_JUMP 255u
#define BPF_MAX_INSNS 4096u	/* BPF_MAXINSNS, the kernel's limit */

/* ---- a growable instruction buffer ---- */

struct insns {
	struct sock_filter *v;
	size_t n, cap;
	int err;
};

static void emit(struct insns *b, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (b->err)
		return;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct sock_filter *v;

		/* a program the kernel would refuse anyway: stop growing */
		if (cap > 4 * BPF_MAX_INSNS) {
			b->err = -E2BIG;
			return;
		}
		v = realloc(b->v, cap * sizeof(*v));
		if (!v) {
			b->err = -ENOMEM;
			return;
		}
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n++] = (struct sock_filter){ code, jt, jf, k };
}

static void append(struct insns *b, struct insns *tail)
{
	if (tail->err && !b->err)
		b->err = tail->err;
	for (size_t i = 0; i < tail->n && !b->err; i++)
		emit(b, tail->v[i].code, tail->v[i].jt, tail->v[i].jf, tail->v[i].k);
	free(tail->v);
	*tail = (struct insns){ 0 };
}

/* "if (A <op> k) run BODY, else skip it", with BODY's length unbounded:
 * the 8-bit conditional offset is used when it reaches, else a ja. */
static void emit_guarded(struct insns *b, uint16_t jop, uint32_t k, struct insns *body)
{
	if (body->n <= MAX_JUMP) {
		emit(b, BPF_JMP | jop | BPF_K, 0, (uint8_t)body->n, k);
	} else {
		emit(b, BPF_JMP | jop | BPF_K, 1, 0, k);
		emit(b, BPF_JMP | BPF_JA, 0, 0, (uint32_t)body->n);
	}
	append(b, body);
}

/* ---- what one arch wants ---- */

struct cond {
	enum sc_cmp cmp;
	uint8_t lo_off, hi_off;	/* seccomp_data offsets of the words compared */
	bool has_hi;
	uint32_t mask_lo, mask_hi, value_lo, value_hi;
};

struct wanted {
	uint32_t nr;
	bool always;		/* some rule for it has no condition */
	size_t nconds;
	struct cond *conds;
};

struct arch_plan {
	enum sc_arch arch;
	struct wanted *w;
	size_t n, cap;
};

#define ARG_LO(i) ((uint8_t)(offsetof(struct seccomp_data, args) + 8 * (i)))
#define ARG_HI(i) ((uint8_t)(offsetof(struct seccomp_data, args) + 8 * (i) + 4))

static struct wanted *plan_slot(struct arch_plan *p, uint32_t nr)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->w[i].nr == nr)
			return &p->w[i];
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		struct wanted *w = realloc(p->w, cap * sizeof(*w));

		if (!w)
			return NULL;
		p->w = w;
		p->cap = cap;
	}
	p->w[p->n] = (struct wanted){ .nr = nr };
	return &p->w[p->n++];
}

static int plan_add(struct arch_plan *p, uint32_t nr, const struct cond *c)
{
	struct wanted *w = plan_slot(p, nr);
	struct cond *v;

	if (!w)
		return -ENOMEM;
	if (!c) {
		w->always = true;
		return 0;
	}
	v = realloc(w->conds, (w->nconds + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	w->conds = v;
	w->conds[w->nconds++] = *c;
	return 0;
}

/* Turn a rule's condition on neutral argument RULE->arg into the words the
 * filter compares on ARCH: int-sized kinds and every i386 register compare
 * the low word only (what the kernel reads), a joined i386 pair compares
 * both registers, other 64-bit arguments both halves. */
static void make_cond(enum sc_arch arch, const struct sc_nr_row *row, const struct sc_info *info,
		      const struct sc_filter_rule *rule, struct cond *c)
{
	unsigned reg = row->mapped ? row->map[rule->arg] : rule->arg;
	unsigned r = reg & SC_REG_INDEX;
	uint64_t mask = (rule->cmp == SC_CMP_MASKED_EQ || rule->cmp == SC_CMP_MASKED_NE)
		? rule->mask : UINT64_MAX;
	uint64_t value = rule->value & mask;
	enum sc_width width = sc_kind_width(info->kinds[rule->arg]);

	*c = (struct cond){ .cmp = rule->cmp, .lo_off = ARG_LO(r) };
	if (reg & SC_REG_PAIR) {
		c->has_hi = true;
		c->hi_off = ARG_LO(r + 1);
	} else if (arch != SC_ARCH_I386 && (width == SC_W_LONG_U || width == SC_W_LONG_S)) {
		c->has_hi = true;
		c->hi_off = ARG_HI(r);
	}
	if (width == SC_W_16_U && !(reg & SC_REG_PAIR))
		mask &= 0xffff;
	c->mask_lo = (uint32_t)mask;
	c->value_lo = (uint32_t)value & c->mask_lo;
	c->mask_hi = (uint32_t)(mask >> 32);
	c->value_hi = (uint32_t)(value >> 32) & c->mask_hi;
}

static int plan_rule(struct arch_plan *p, const struct sc_filter_rule *rule)
{
	const struct sc_info *info = sc_info(rule->id);
	long nr = sc_nr_from_id(p->arch, rule->id);
	int err;

	if (nr >= 0) {
		struct cond c;

		if (rule->cmp == SC_CMP_ANY) {
			err = plan_add(p, (uint32_t)nr, NULL);
		} else {
			make_cond(p->arch, sc_row(p->arch, (uint64_t)nr), info, rule, &c);
			err = plan_add(p, (uint32_t)nr, &c);
		}
		if (err)
			return err;
	}
	if (p->arch != SC_ARCH_I386)
		return 0;
	/* On i386 the same call can also come through socketcall or ipc; the
	 * call number is in a register, so trap exactly those calls (the
	 * argument condition, if any, is in guest memory: trap regardless). */
	for (uint32_t call = 1; call < 32; call++) {
		struct cond c = { .cmp = SC_CMP_EQ, .lo_off = ARG_LO(0), .mask_lo = UINT32_MAX };

		if (sc_socketcall_id(call) == rule->id) {
			c.value_lo = call;
			err = plan_add(p, (uint32_t)sc_nr_from_id(SC_ARCH_I386, SC_ID_socketcall), &c);
			if (err)
				return err;
		}
		if (sc_ipc_id(call) == rule->id) {
			c.cmp = SC_CMP_MASKED_EQ;	/* the version lives above bit 16 */
			c.mask_lo = 0xffff;
			c.value_lo = call;
			err = plan_add(p, (uint32_t)sc_nr_from_id(SC_ARCH_I386, SC_ID_ipc), &c);
			if (err)
				return err;
		}
	}
	return 0;
}

static void plan_free(struct arch_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->w[i].conds);
	free(p->w);
	p->w = NULL;
	p->n = p->cap = 0;
}

static int by_nr(const void *a, const void *b)
{
	const struct wanted *x = a, *y = b;

	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

/* ---- code generation ---- */

/* Falls through when the argument equals the condition's value, jumps
 * forward by SKIP + the rest of the test when it does not. */
static void emit_equal_test(struct insns *b, const struct cond *c, uint8_t skip)
{
	bool masked_lo = c->mask_lo != UINT32_MAX;
	bool masked_hi = c->mask_hi != UINT32_MAX;
	uint8_t hi_len = c->has_hi ? (uint8_t)(2 + masked_hi) : 0;

	emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, c->lo_off);
	if (masked_lo)
		emit(b, BPF_ALU | BPF_AND | BPF_K, 0, 0, c->mask_lo);
	emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)(hi_len + skip), c->value_lo);
	if (c->has_hi) {
		emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, c->hi_off);
		if (masked_hi)
			emit(b, BPF_ALU | BPF_AND | BPF_K, 0, 0, c->mask_hi);
		emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, skip, c->value_hi);
	}
}

static void emit_action_for(struct insns *b, const struct wanted *w, uint32_t hit)
{
	if (w->always || w->nconds == 0) {
		emit(b, BPF_RET | BPF_K, 0, 0, hit);
		return;
	}
	for (size_t i = 0; i < w->nconds; i++) {
		const struct cond *c = &w->conds[i];

		if (c->cmp == SC_CMP_EQ || c->cmp == SC_CMP_MASKED_EQ) {
			emit_equal_test(b, c, 1);	/* unequal: over the ret */
			emit(b, BPF_RET | BPF_K, 0, 0, hit);
		} else {
			emit_equal_test(b, c, 1);	/* unequal: over the ja */
			emit(b, BPF_JMP | BPF_JA, 0, 0, 1);
			emit(b, BPF_RET | BPF_K, 0, 0, hit);
		}
	}
	emit(b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
}

static void emit_search(struct insns *b, const struct wanted *w, size_t n, uint32_t hit)
{
	if (n <= 3) {
		for (size_t i = 0; i < n; i++) {
			struct insns body = { 0 };

			emit_action_for(&body, &w[i], hit);
			emit_guarded(b, BPF_JEQ, w[i].nr, &body);
		}
		emit(b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
		return;
	}
	size_t mid = n / 2;
	struct insns below = { 0 };

	emit_search(&below, w, mid, hit);
	/* nr >= w[mid].nr: over the lower half to the upper half */
	if (below.n <= MAX_JUMP) {
		emit(b, BPF_JMP | BPF_JGE | BPF_K, (uint8_t)below.n, 0, w[mid].nr);
	} else {
		emit(b, BPF_JMP | BPF_JGE | BPF_K, 0, 1, w[mid].nr);
		emit(b, BPF_JMP | BPF_JA, 0, 0, (uint32_t)below.n);
	}
	append(b, &below);
	emit_search(b, w + mid, n - mid, hit);
}

static void emit_arch_block(struct insns *b, struct arch_plan *p, uint32_t action)
{
	struct insns beyond = { 0 };

	/* Above our highest number: x32 (on x86_64, numbers with the x32 bit
	 * and not negative as an int) or a syscall newer than our table. One
	 * compare on the common path either way. */
	if (p->arch == SC_ARCH_X86_64) {
		emit(&beyond, BPF_JMP | BPF_JGE | BPF_K, 2, 0, 0x80000000u);
		emit(&beyond, BPF_JMP | BPF_JSET | BPF_K, 0, 1, X32_SYSCALL_BIT);
		emit(&beyond, BPF_RET | BPF_K, 0, 0, action | SC_TAG_X32);
	}
	emit(&beyond, BPF_RET | BPF_K, 0, 0, action | SC_TAG_BEYOND_TABLE);
	emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
	emit_guarded(b, BPF_JGT, (uint32_t)sc_nr_max(p->arch), &beyond);
	/* an arch may want nothing (a rule for an x86_64-only call): w is NULL */
	if (p->n > 0)
		qsort(p->w, p->n, sizeof(*p->w), by_nr);
	emit_search(b, p->w, p->n, action | SC_TAG_WANTED);
}

static int check_rule(const struct sc_filter_rule *r)
{
	const struct sc_info *info = sc_info(r->id);

	if (!info)
		return -EINVAL;
	switch (r->cmp) {
	case SC_CMP_ANY:
		return 0;
	case SC_CMP_EQ:
	case SC_CMP_NE:
	case SC_CMP_MASKED_EQ:
	case SC_CMP_MASKED_NE:
		return r->arg < info->nargs ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

/* The arches a filter on this host must tell apart: the native one first
 * (its calls are the common case), then the compat one. */
static size_t host_arches(enum sc_arch out[2])
{
	switch (sc_arch_host()) {
	case SC_ARCH_X86_64:
		out[0] = SC_ARCH_X86_64;
		out[1] = SC_ARCH_I386;
		return 2;
	case SC_ARCH_AARCH64:
		out[0] = SC_ARCH_AARCH64;
		return 1;
	case SC_ARCH_I386:
		out[0] = SC_ARCH_I386;
		return 1;
	default:
		return 0;
	}
}

int sc_filter_build(const struct sc_filter_spec *spec, struct sock_fprog **prog_out)
{
	struct arch_plan plans[2] = { 0 };
	enum sc_arch arches[2];
	struct insns prog = { 0 };
	struct insns blocks[2] = { { 0 } };
	struct sock_fprog *fprog;
	size_t narches;
	uint32_t action;
	int err = 0;

	if (!prog_out || !spec || (spec->nrules && !spec->rules))
		return -EINVAL;
	*prog_out = NULL;
	switch (spec->action) {
	case SC_FILTER_TRACE:
		action = SECCOMP_RET_TRACE;
		break;
	case SC_FILTER_USER_NOTIF:
		action = SECCOMP_RET_USER_NOTIF;
		break;
	default:
		return -EINVAL;
	}
	for (size_t i = 0; i < spec->nrules; i++) {
		err = check_rule(&spec->rules[i]);
		if (err)
			return err;
	}
	if (spec->nrules == 0)
		return 0;
	narches = host_arches(arches);
	if (narches == 0)
		return -EOPNOTSUPP;

	for (size_t a = 0; a < narches && !err; a++) {
		plans[a].arch = arches[a];
		for (size_t i = 0; i < spec->nrules && !err; i++)
			err = plan_rule(&plans[a], &spec->rules[i]);
	}
	if (!err) {
		for (size_t a = 0; a < narches; a++)
			emit_arch_block(&blocks[a], &plans[a], action);
		emit(&prog, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
		/* arch dispatch: jeq AUDIT_ARCH, 0, 1; ja block */
		size_t after_dispatch = 2 * narches + 1;
		size_t offset = after_dispatch;
		for (size_t a = 0; a < narches; a++) {
			size_t here = 2 * a + 1;	/* index of this jeq */

			emit(&prog, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, sc_arch_audit(arches[a]));
			emit(&prog, BPF_JMP | BPF_JA, 0, 0, (uint32_t)(1 + offset - (here + 2)));
			offset += blocks[a].n;
		}
		emit(&prog, BPF_RET | BPF_K, 0, 0, action | SC_TAG_UNKNOWN_ARCH);
		for (size_t a = 0; a < narches; a++)
			append(&prog, &blocks[a]);
		err = prog.err;
	}
	for (size_t a = 0; a < 2; a++) {
		plan_free(&plans[a]);
		free(blocks[a].v);
	}
	if (!err && prog.n > BPF_MAX_INSNS)
		err = -E2BIG;
	if (err) {
		free(prog.v);
		return err;
	}
	fprog = malloc(sizeof(*fprog));
	if (!fprog) {
		free(prog.v);
		return -ENOMEM;
	}
	fprog->len = (unsigned short)prog.n;
	fprog->filter = prog.v;
	*prog_out = fprog;
	return 0;
}

void sc_filter_free(struct sock_fprog *prog)
{
	if (!prog)
		return;
	free(prog->filter);
	free(prog);
}

int sc_filter_load(const struct sock_fprog *prog, enum sc_filter_action action)
{
	unsigned long flags;
	long ret;

	if (!prog)
		return 0;	/* an empty spec built nothing: nothing to load */
	switch (action) {
	case SC_FILTER_TRACE:
		flags = 0;
		break;
	case SC_FILTER_USER_NOTIF:
		flags = SECCOMP_FILTER_FLAG_NEW_LISTENER;
		break;
	default:
		return -EINVAL;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	ret = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
	if (ret < 0)
		return -errno;
	return (int)ret;
}
