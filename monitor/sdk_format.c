/* SDK revision 2: strace-like formatting of a call for observers (trace),
 * built on the syscalls/ printer and reading guest memory through the
 * call's thread. */
#include "monitor/dispatch.h"
#include "syscalls/printer.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static_assert(sizeof(struct sc_print_state) <= sizeof(struct umv_format_state),
	      "struct umv_format_state must hold the printer's state");

static void print_opts(const struct umv_format_opts *o, struct sc_print_opts *p)
{
	sc_print_opts_default(p);
	if (!o || o->size < offsetof(struct umv_format_opts, flags) + sizeof(o->flags))
		return;
	if (o->string_limit)
		p->string_limit = o->string_limit < SC_PRINT_STRING_LIMIT_MAX ?
					  o->string_limit : SC_PRINT_STRING_LIMIT_MAX;
	p->align = o->align;
	p->raw = (o->flags & UMV_FORMAT_RAW) != 0;
	p->verbose = (o->flags & UMV_FORMAT_VERBOSE) != 0;
}

/* An sc_out over BUF that appends to the text already there. */
static void out_append(struct sc_out *out, char *buf, size_t size)
{
	size_t len = strnlen(buf, size);

	if (len == size) {	/* not terminated: start afresh */
		len = 0;
		buf[0] = '\0';
	}
	char first = buf[0];

	sc_out_init_fixed(out, buf, size);	/* empties BUF: restore its text */
	buf[0] = first;
	out->len = len;
}

ssize_t umv_call_format_enter(struct umv_call *call, const struct umv_format_opts *opts,
			      struct umv_format_state *state, char *buf, size_t size)
{
	struct sc_print_opts po;
	struct sc_print_state ps;
	struct sc_memreader mem;
	struct sc_out out;
	int rc;

	if (!call || !state || !buf || size == 0)
		return -EINVAL;
	print_opts(opts, &po);
	out_append(&out, buf, size);
	mon_call_memreader(call->thread, &mem);
	memset(&ps, 0, sizeof(ps));
	rc = sc_print_enter(&out, &call->sc, &mem, &po, &ps);
	if (rc < 0)
		return rc;
	memset(state, 0, sizeof(*state));
	memcpy(state, &ps, sizeof(ps));
	return (ssize_t)out.len;
}

ssize_t umv_call_format_exit(struct umv_call *call, const struct umv_format_opts *opts,
			     const struct umv_format_state *state, int64_t result,
			     char *buf, size_t size)
{
	struct sc_print_opts po;
	struct sc_print_state ps;
	struct sc_memreader mem;
	struct sc_result res = { .rval = result, .unknown = false };
	struct sc_out out;
	int rc;

	if (!call || !state || !buf || size == 0)
		return -EINVAL;
	memcpy(&ps, state, sizeof(ps));
	if (!ps.entered)
		return -EINVAL;
	print_opts(opts, &po);
	out_append(&out, buf, size);
	mon_call_memreader(call->thread, &mem);
	rc = sc_print_exit(&out, &call->sc, &mem, &po, &ps, &res);
	if (rc < 0)
		return rc;
	return (ssize_t)out.len;
}

const char *umv_errno_name(int64_t err)
{
	return sc_errno_name(err < 0 ? -err : err);
}

const char *umv_errno_message(int64_t err)
{
	return sc_errno_message(err < 0 ? -err : err);
}

const char *umv_signal_name(int sig, char *buf, size_t size)
{
	const char *name;

	if (!buf || size == 0)
		return NULL;
	name = sc_signal_name(sig, buf, size);
	if (!name)
		return NULL;
	if (name != buf)
		snprintf(buf, size, "%s", name);
	return buf;
}

/* Index of the NTH path argument, or -ENOENT. */
static int path_index(const struct umv_call *call, unsigned nth)
{
	for (unsigned i = 0; i < call->sc.nargs && i < 6; i++)
		if (call->sc.kinds[i] == SC_K_PATH && nth-- == 0)
			return (int)i;
	return -ENOENT;
}

ssize_t umv_call_path_arg(struct umv_call *call, unsigned nth, char *buf, size_t size)
{
	int idx;

	if (!call || !buf || size == 0)
		return -EINVAL;
	idx = path_index(call, nth);
	if (idx < 0)
		return idx;
	return umv_vm_read_str(call, umv_call_arg(call, (unsigned)idx), buf, size);
}

int umv_call_path_dirfd(const struct umv_call *call, unsigned nth)
{
	int idx;

	if (!call)
		return -EINVAL;
	idx = path_index(call, nth);
	if (idx < 0)
		return idx;
	if (idx > 0 && call->sc.kinds[idx - 1] == SC_K_DIRFD)
		return (int)umv_call_arg(call, (unsigned)idx - 1);
	return -100;	/* AT_FDCWD */
}
