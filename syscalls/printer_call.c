/* syscalls/printer_call.c: one decoded call -> one strace-like line, in two
 * halves (entry arguments; output arguments and result). The pieces live in
 * printer_args.c (by kind), printer_syscall.c (by id) and
 * printer_result.c. */
#include "syscalls/printer_priv.h"

#include <errno.h>
#include <string.h>

void sc_print_opts_default(struct sc_print_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->string_limit = SC_PRINT_STRING_LIMIT_DEFAULT;
}

/* ---- entry points ---- */

static void init_ctx(struct sc_pctx *p, struct sc_out *out, const struct sc_call *call,
		     const struct sc_memreader *mem, const struct sc_print_opts *opts,
		     struct sc_print_opts *defaults)
{
	memset(p, 0, sizeof(*p));
	if (!opts) {
		sc_print_opts_default(defaults);
		opts = defaults;
	}
	p->out = out;
	p->call = call;
	p->mem = mem;
	p->opts = opts;
	p->word = call->arch == SC_ARCH_I386 ? 4 : 8;
}

int sc_print_enter(struct sc_out *out, const struct sc_call *call,
		   const struct sc_memreader *mem, const struct sc_print_opts *opts,
		   struct sc_print_state *state)
{
	struct sc_print_opts defaults;
	struct sc_pctx p;
	int n, i;

	if (!out || !call || !state || !call->name)
		return -EINVAL;
	init_ctx(&p, out, call, mem, opts, &defaults);
	memset(state, 0, sizeof(*state));
	state->entered = true;
	p.state = state;

	/* a socklen_t the kernel rewrites: remember what the guest offered */
	int sl = sc_pc_find_kind(call, SC_K_SOCKLEN_PTR);

	if (sl >= 0 && call->args[sl]) {
		int32_t v;

		if (sc_pmem_read(&p, call->args[sl], &v, sizeof(v)) == 0) {
			state->saved = (uint32_t)v;
			state->saved_valid = true;
		}
	}
	/* set_thread_area reports the entry it chose when asked for -1 */
	if (call->id == SC_ID_set_thread_area && call->args[0]) {
		int32_t v;

		if (sc_pmem_read(&p, call->args[0], &v, sizeof(v)) == 0) {
			state->saved = (uint32_t)v;
			state->saved_valid = true;
		}
	}

	sc_out_puts(out, call->name);
	sc_out_putc(out, '(');
	if ((call->id == SC_ID_futex || call->id == SC_ID_futex_time64) && !p.opts->raw) {
		sc_pc_futex(&p);
		state->next_arg = call->nargs;
		return 0;
	}
	if (call->id == SC_ID_clone3 && !p.opts->raw) {
		/* the exit half may add " => {parent_tid=[N]}" to the struct */
		sc_pc_arg(&p, 0);
		state->next_arg = 1;
		return 0;
	}
	if (call->id == SC_ID_clone && !p.opts->raw) {
		sc_p_puts(&p, "child_stack=");
		sc_p_addr(&p, call->args[1]);
		sc_p_puts(&p, ", flags=");
		sc_pc_clone_flags(&p, call->args[0], true);
		state->next_arg = 2;
		return 0;
	}
	n = sc_pc_shown_nargs(&p);
	for (i = 0; i < n; i++) {
		if (sc_pc_is_output(&p, i))
			break;
		if (sc_pc_skipped(&p, i))
			continue;
		if (i)
			sc_p_sep(&p);
		sc_pc_arg(&p, i);
	}
	if (i > 0 && i < n)
		sc_p_sep(&p);	/* strace ends the entry half with ", " */
	state->next_arg = (uint8_t)i;
	return 0;
}

int sc_print_exit(struct sc_out *out, const struct sc_call *call,
		  const struct sc_memreader *mem, const struct sc_print_opts *opts,
		  const struct sc_print_state *state, const struct sc_result *res)
{
	struct sc_print_opts defaults;
	struct sc_pctx p;
	int n;

	if (!out || !call || !state || !res || !state->entered)
		return -EINVAL;
	init_ctx(&p, out, call, mem, opts, &defaults);
	p.state = state;
	p.exiting = !res->unknown;
	p.rval = res->rval;
	if (call->arch == SC_ARCH_I386)
		p.rval = (int32_t)(uint32_t)res->rval;	/* the 32-bit register */
	p.failed = !res->unknown && p.rval < 0 && p.rval >= -MAX_ERRNO_VALUE &&
		   !(sc_pc_hex_result(call->id) && p.rval < -MAX_ERRNO_VALUE);

	if (call->id == SC_ID_clone && !p.opts->raw) {
		sc_pc_clone_tail(&p);
	} else if (call->id == SC_ID_clone3 && !p.opts->raw) {
		sc_pc_clone3_tail(&p);
	} else {
		n = sc_pc_shown_nargs(&p);
		for (int i = state->next_arg; i < n; i++) {
			if (sc_pc_skipped(&p, i))
				continue;
			if (i > state->next_arg)
				sc_p_sep(&p);
			sc_pc_arg(&p, i);
		}
	}
	sc_out_putc(out, ')');
	sc_pc_result(&p, res);
	return 0;
}

int sc_print_call(struct sc_out *out, const struct sc_call *call,
		  const struct sc_memreader *mem, const struct sc_print_opts *opts,
		  const struct sc_result *res)
{
	struct sc_print_state state;
	int r = sc_print_enter(out, call, mem, opts, &state);

	if (r < 0)
		return r;
	return sc_print_exit(out, call, mem, opts, &state, res);
}

void sc_print_resumed(struct sc_out *out, const struct sc_call *call)
{
	sc_out_printf(out, "<... %s resumed>", call && call->name ? call->name : "?");
}
