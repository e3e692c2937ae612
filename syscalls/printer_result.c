/* syscalls/printer_result.c: " = RESULT": errors with their names, results in
 * hex, octal or decoded by call, strace's column alignment. */
#include "syscalls/printer_priv.h"

#include <inttypes.h>
#include <string.h>

/* ---- result ---- */

bool sc_pc_hex_result(enum sc_id id)
{
	switch (id) {
	case SC_ID_mmap: case SC_ID_mmap2: case SC_ID_old_mmap: case SC_ID_brk:
	case SC_ID_mremap: case SC_ID_shmat:
		return true;
	default:
		return false;
	}
}

/* select's result: what is ready, and the time left: = 2 (in [3], out [4],
 * left {tv_sec=0, tv_usec=999996}) */
static void print_select_result(const struct sc_pctx *p, int64_t r)
{
	static const char *const set_name[3] = { "in", "out", "except" };
	bool first = true;

	sc_p_int(p, r);
	if (r == 0) {
		sc_p_puts(p, " (Timeout)");
		return;
	}
	sc_p_puts(p, " (");
	for (int s = 0; s < 3; s++) {
		uint64_t addr = sc_arg_u(p, 1 + s);
		unsigned char probe[8];

		if (!addr || sc_pmem_read(p, addr, probe, p->word) < 0)
			continue;
		/* only sets with a ready descriptor are listed */
		struct sc_out scratch;
		char tmp[64];

		sc_out_init_fixed(&scratch, tmp, sizeof(tmp));
		struct sc_pctx q = *p;

		q.out = &scratch;
		sc_p_fdset(&q, addr, sc_arg_i32(p, 0));
		if (strcmp(tmp, "[]") == 0)
			continue;
		sc_out_printf(p->out, "%s%s ", first ? "" : ", ", set_name[s]);
		sc_p_fdset(p, addr, sc_arg_i32(p, 0));
		first = false;
	}
	if (sc_arg_u(p, 4)) {
		sc_out_printf(p->out, "%sleft ", first ? "" : ", ");
		if (p->call->id == SC_ID_select)
			sc_p_timeval(p, sc_arg_u(p, 4));
		else
			sc_p_timespec(p, sc_arg_u(p, 4));
	}
	sc_p_puts(p, ")");
}

void sc_pc_result(const struct sc_pctx *p, const struct sc_result *res)
{
	struct sc_out *out = p->out;
	const struct sc_call *c = p->call;
	int64_t r = p->rval;

	if (p->opts->align && out->len + 1 < p->opts->align) {
		static const char spaces[] = "                                                  ";
		size_t pad = p->opts->align - 1 - out->len;

		while (pad) {
			size_t n = pad < sizeof(spaces) - 1 ? pad : sizeof(spaces) - 1;

			sc_out_write(out, spaces, n);
			pad -= n;
		}
	}
	if (res->unknown) {
		sc_p_puts(p, " = ?");
		return;
	}
	if (p->failed) {
		int64_t err = -r;
		const char *name = sc_errno_name(err), *msg = sc_errno_message(err);
		bool restart = err == ERR_RESTARTSYS || err == ERR_RESTARTNOINTR ||
			       err == ERR_RESTARTNOHAND || err == ERR_RESTART_RESTARTBLOCK;

		sc_p_puts(p, restart ? " = ? " : " = -1 ");
		if (name)
			sc_p_puts(p, name);
		else
			sc_out_printf(p->out, "errno %" PRId64, err);
		if (msg)
			sc_out_printf(p->out, " (%s)", msg);
		else
			sc_out_printf(p->out, " (Unknown error %" PRId64 ")", err);
		return;
	}
	uint64_t u = p->word == 4 ? (uint32_t)r : (uint64_t)r;

	sc_p_puts(p, " = ");
	if (c->id == SC_ID_shmat && c->demuxed && !p->opts->raw) {
		/* ipc(SHMAT) returns 0 and stores the address through its
		 * third argument: show the address, as strace does */
		uint32_t at;

		if (sc_pmem_read(p, (uint32_t)c->raw[3], &at, sizeof(at)) == 0)
			u = at;
	}
	if (p->opts->raw || sc_pc_hex_result(c->id)) {
		sc_p_hex(p, u);
		return;
	}
	switch (c->id) {
	case SC_ID_umask:
		sc_p_octal(p, u);
		return;
	case SC_ID_fcntl:
	case SC_ID_fcntl64:
		switch (sc_arg_u(p, 1)) {
		case FC_GETFL:
			sc_p_hex(p, u);
			sc_p_puts(p, " (flags ");
			sc_p_open_flags(p, u);
			sc_p_puts(p, ")");
			return;
		case FC_GETFD:
			sc_p_hex(p, u);
			if (u) {
				sc_p_puts(p, " (flags ");
				sc_p_flags(p, &sc_xlat_fd_flags, u);
				sc_p_puts(p, ")");
			}
			return;
		case FC_GET_SEALS:
			sc_p_hex(p, u);
			if (u) {
				sc_p_puts(p, " (seals ");
				sc_p_flags(p, &sc_xlat_seals, u);
				sc_p_puts(p, ")");
			}
			return;
		default:
			break;
		}
		break;
	case SC_ID_prctl:
		if (sc_arg_u(p, 0) == PR_GET_DUMPABLE_OPT && u <= 2) {
			static const char *const dump[] = { "SUID_DUMP_DISABLE", "SUID_DUMP_USER",
							    "SUID_DUMP_ROOT" };

			sc_out_printf(p->out, "%" PRIu64 " (%s)", u, dump[u]);
			return;
		}
		break;
	case SC_ID_select:
	case SC_ID_pselect6:
	case SC_ID_pselect6_time64:
		print_select_result(p, r);
		return;
	case SC_ID_set_thread_area: {
		int32_t entry;

		sc_p_int(p, r);
		if (p->state && p->state->saved_valid && (int32_t)p->state->saved == -1 &&
		    sc_pmem_read(p, sc_arg_u(p, 0), &entry, sizeof(entry)) == 0)
			sc_out_printf(p->out, " (entry_number=%d)", entry);
		return;
	}
	case SC_ID_poll:
	case SC_ID_ppoll:
	case SC_ID_ppoll_time64:
		sc_p_int(p, r);
		if (r > 0) {
			sc_p_puts(p, " (");
			sc_p_pollfds(p, sc_arg_u(p, 0), sc_arg_u(p, 1), true);
			sc_p_puts(p, ")");
		} else if (r == 0) {
			sc_p_puts(p, " (Timeout)");
		}
		return;
	default:
		break;
	}
	if (p->word == 4)
		sc_p_int(p, (int32_t)r);
	else
		sc_p_int(p, r);
}

