/* syscalls/printer_call.c: one decoded call -> one strace-like line, in two
 * halves (entry arguments; output arguments and result). Arguments are
 * printed by kind; the syscalls whose strace format depends on other
 * arguments or on the result are handled by id. */
#include "syscalls/printer_priv.h"
#include "syscalls/kinds.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

/* ---- constants used below (checked against the headers in xlat/) ---- */

enum {
	OPEN_O_CREAT = 0100,
	OPEN_O_TMPFILE_BIT = 020000000,	/* __O_TMPFILE without O_DIRECTORY */
	AT_FDCWD_VALUE = -100,
	STATX_SYNC_MASK = 0x6000,
	MAP_TYPE_MASK = 0xf,
	MAP_HUGE_SHIFT_VALUE = 26,
	MAP_HUGE_MASK_VALUE = 0x3f,
	SOCK_TYPE_MASK = 0xf,
	CLONE_SIGNAL_MASK = 0xff,
	CLONE_PARENT_SETTID_FLAG = 0x100000,
	CLONE_SETTLS_FLAG = 0x80000,
	CLONE_CHILD_TID_FLAGS = 0x1000000 | 0x200000,
	CLONE_PIDFD_FLAG = 0x1000,
	FUTEX_PRIVATE = 128,
	FUTEX_CLOCK_RT = 256,
	PAGE_SHIFT_MMAP2 = 12,
	/* kernel-internal errnos strace prints as "= ? NAME (...)" */
	ERR_RESTARTSYS = 512,
	ERR_RESTARTNOINTR = 513,
	ERR_RESTARTNOHAND = 514,
	ERR_RESTART_RESTARTBLOCK = 516,
	MAX_ERRNO_VALUE = 4095,
};

/* fcntl commands this file needs by value */
enum {
	FC_DUPFD = 0, FC_GETFD = 1, FC_SETFD = 2, FC_GETFL = 3, FC_SETFL = 4,
	FC_GETLK = 5, FC_SETLK = 6, FC_SETLKW = 7, FC_SETOWN = 8, FC_GETOWN = 9,
	FC_SETSIG = 10, FC_GETSIG = 11, FC_GETLK64 = 12, FC_SETLK64 = 13, FC_SETLKW64 = 14,
	FC_OFD_GETLK = 36, FC_OFD_SETLK = 37, FC_OFD_SETLKW = 38,
	FC_SETLEASE = 1024, FC_GETLEASE = 1025, FC_NOTIFY = 1026,
	FC_DUPFD_CLOEXEC = 1030, FC_SETPIPE_SZ = 1031, FC_GETPIPE_SZ = 1032,
	FC_ADD_SEALS = 1033, FC_GET_SEALS = 1034,
};

void sc_print_opts_default(struct sc_print_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->string_limit = SC_PRINT_STRING_LIMIT_DEFAULT;
}

/* ---- small helpers ---- */

static uint64_t uarg(const struct sc_pctx *p, int i)
{
	return p->call->args[i];
}

static void sep(const struct sc_pctx *p)
{
	sc_p_puts(p, ", ");
}

/* The argument after I holding a length (LEN kind), or 0 if none. */
static uint64_t next_len(const struct sc_pctx *p, int i)
{
	for (int j = i + 1; j < p->call->nargs; j++)
		if (p->call->kinds[j] == SC_K_LEN || p->call->kinds[j] == SC_K_ULONG ||
		    p->call->kinds[j] == SC_K_UINT)
			return p->call->args[j];
	return 0;
}

static int find_kind(const struct sc_call *c, enum sc_kind k)
{
	for (int i = 0; i < c->nargs; i++)
		if (c->kinds[i] == k)
			return i;
	return -1;
}

/* fcntl commands that take no third argument */
static bool fcntl_no_arg(uint64_t cmd)
{
	switch (cmd) {
	case FC_GETFD: case FC_GETFL: case FC_GETOWN: case FC_GETSIG:
	case FC_GETLEASE: case FC_GETPIPE_SZ: case FC_GET_SEALS:
		return true;
	default:
		return false;
	}
}

/* How many arguments strace shows: some depend on other arguments. */
static int shown_nargs(const struct sc_pctx *p)
{
	const struct sc_call *c = p->call;

	if (p->opts->raw)
		return c->nargs;
	switch (c->id) {
	case SC_ID_open:	/* the mode only with O_CREAT or O_TMPFILE */
		return (uarg(p, 1) & (OPEN_O_CREAT | OPEN_O_TMPFILE_BIT)) ? 3 : 2;
	case SC_ID_openat:
		return (uarg(p, 2) & (OPEN_O_CREAT | OPEN_O_TMPFILE_BIT)) ? 4 : 3;
	case SC_ID_fcntl:
	case SC_ID_fcntl64:
		return fcntl_no_arg(uarg(p, 1)) ? 2 : 3;
	case SC_ID_futex:
	case SC_ID_futex_time64:
		switch (uarg(p, 1) & 0x7f) {
		case 0: return 4;	/* FUTEX_WAIT */
		case 1: return 3;	/* FUTEX_WAKE */
		default: return c->nargs;
		}
	case SC_ID_clone:
		return 2;	/* the rest is printed by name at exit */
	case SC_ID_mremap:	/* new_address only with MREMAP_FIXED */
		return (uarg(p, 3) & 2) ? 5 : 4;
	default:
		return c->nargs;
	}
}

/* Arguments strace folds into another one: _llseek's low offset word is
 * printed with the high one. */
static bool skipped(const struct sc_pctx *p, int i)
{
	return !p->opts->raw && p->call->id == SC_ID_llseek && i == 2;
}

/* Arguments the kernel fills in: printed by the exit half. */
static bool is_output(const struct sc_pctx *p, int i)
{
	const struct sc_call *c = p->call;

	if (p->opts->raw)
		return false;
	switch (c->kinds[i]) {
	case SC_K_BUF_OUT: case SC_K_PATH_OUT: case SC_K_STAT_OUT: case SC_K_STAT64_OUT:
	case SC_K_STATX_OUT: case SC_K_STATFS_OUT: case SC_K_SOCKADDR_OUT:
	case SC_K_SOCKLEN_PTR: case SC_K_IOVEC_OUT: case SC_K_MSGHDR_OUT:
	case SC_K_TIMESPEC_OUT: case SC_K_WAIT_STATUS_OUT: case SC_K_RUSAGE_OUT:
		return true;
	default:
		break;
	}
	switch (c->id) {
	case SC_ID_pipe:
	case SC_ID_pipe2:
		return i == 0;
	case SC_ID_socketpair:
		return i == 3;
	case SC_ID_rt_sigaction:
	case SC_ID_rt_sigprocmask:
		return i == 2;
	case SC_ID_rt_sigpending:
		return i == 0;
	case SC_ID_prlimit64:
		return i == 3;
	case SC_ID_getrlimit:
	case SC_ID_old_getrlimit:
		return i == 1;
	case SC_ID_llseek:
	case SC_ID_getsockopt:
		return i == 3;
	case SC_ID_uname:
		return i == 0;
	case SC_ID_epoll_wait:
	case SC_ID_epoll_pwait:
	case SC_ID_epoll_pwait2:
		return i == 1;
	default:
		return false;
	}
}

/* ---- generic printing by kind ---- */

static void print_uid(const struct sc_pctx *p, uint64_t v, uint64_t minus_one)
{
	if (v == minus_one)
		sc_p_puts(p, "-1");
	else
		sc_p_uint(p, v);
}

static void print_sock_type(const struct sc_pctx *p, uint64_t v)
{
	uint64_t type = v & SOCK_TYPE_MASK, rest = v & ~(uint64_t)SOCK_TYPE_MASK;

	sc_p_xval(p, &sc_xlat_socket_types, type, false);
	rest = (uint32_t)rest;
	if (rest) {
		uint64_t known = 0;

		for (size_t i = 0; i < sc_xlat_socket_type_flags.n; i++)
			known |= sc_xlat_socket_type_flags.e[i].val;
		sc_p_flags_rest(p, &sc_xlat_socket_type_flags, rest & known);
		if (rest & ~known)
			sc_out_printf(p->out, "|%#" PRIx64 " /* SOCK_??? */", rest & ~known);
	}
}

static void print_mmap_flags(const struct sc_pctx *p, uint64_t v)
{
	uint64_t huge = (v >> MAP_HUGE_SHIFT_VALUE) & MAP_HUGE_MASK_VALUE;
	uint64_t rest = v & ~(uint64_t)MAP_TYPE_MASK &
		~((uint64_t)MAP_HUGE_MASK_VALUE << MAP_HUGE_SHIFT_VALUE);
	const char *type = sc_xlat_lookup(&sc_xlat_mmap_type, v & MAP_TYPE_MASK);

	v = (uint32_t)v;
	if (type)
		sc_p_puts(p, type);
	else
		sc_p_hex(p, v & MAP_TYPE_MASK);
	if (p->call->arch != SC_ARCH_X86_64 && p->call->arch != SC_ARCH_I386)
		rest &= ~(uint64_t)0x40;	/* MAP_32BIT exists only on x86 */
	sc_p_flags_rest(p, &sc_xlat_mmap_flags, rest);
	if (huge)
		sc_out_printf(p->out, "|%" PRIu64 "<<MAP_HUGE_SHIFT", huge);
}

static void print_clone_flags(const struct sc_pctx *p, uint64_t v, bool with_signal)
{
	uint64_t sig = with_signal ? (v & CLONE_SIGNAL_MASK) : 0;
	uint64_t flags = with_signal ? (v & ~(uint64_t)CLONE_SIGNAL_MASK) : v;
	bool first = true;

	if (flags) {
		sc_p_flags(p, &sc_xlat_clone_flags, flags);
		first = false;
	}
	if (sig) {
		if (!first)
			sc_out_putc(p->out, '|');
		sc_p_signal(p, (int64_t)sig);
		first = false;
	}
	if (first)
		sc_out_putc(p->out, '0');
}

static void print_statx_flags(const struct sc_pctx *p, uint64_t v)
{
	sc_p_xval(p, &sc_xlat_statx_sync, v & STATX_SYNC_MASK, false);
	sc_p_flags_rest(p, &sc_xlat_at_flags, v & ~(uint64_t)STATX_SYNC_MASK);
}

static void print_flags_or_zero(const struct sc_pctx *p, const struct sc_xlat *x, uint64_t v)
{
	sc_p_flags(p, x, v);
}

/* open flags without the access mode (pipe2, dup3, accept4...) */
static void print_fd_open_flags(const struct sc_pctx *p, uint64_t v)
{
	const struct sc_xlat *x = p->call->arch == SC_ARCH_AARCH64 ?
		&sc_xlat_open_flags_aarch64 : &sc_xlat_open_flags;

	sc_p_flags(p, x, (uint32_t)v);
}

static void print_socklen(const struct sc_pctx *p, uint64_t addr)
{
	int32_t now;

	if (addr == 0) {
		sc_p_puts(p, "NULL");
		return;
	}
	if (sc_pmem_read(p, addr, &now, sizeof(now)) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	if (p->state && p->state->saved_valid && (int32_t)p->state->saved != now)
		sc_out_printf(p->out, "[%d => %d]", (int32_t)p->state->saved, now);
	else
		sc_out_printf(p->out, "[%d]", now);
}

/* the length of an output sockaddr: what the kernel wrote back, capped by
 * what the guest offered */
static uint64_t sockaddr_out_len(const struct sc_pctx *p, int i)
{
	int32_t now;
	uint64_t len;

	if (i + 1 >= p->call->nargs || p->call->kinds[i + 1] != SC_K_SOCKLEN_PTR)
		return 0;
	if (sc_pmem_read(p, uarg(p, i + 1), &now, sizeof(now)) < 0 || now < 0)
		return 0;
	len = (uint64_t)now;
	if (p->state && p->state->saved_valid && (int32_t)p->state->saved >= 0 &&
	    (uint64_t)(int32_t)p->state->saved < len)
		len = (uint64_t)(int32_t)p->state->saved;
	return len;
}

static void print_generic(const struct sc_pctx *p, int i)
{
	const struct sc_call *c = p->call;
	uint64_t v = c->args[i];
	bool w4 = p->word == 4;

	switch (c->kinds[i]) {
	case SC_K_NONE:
		break;
	case SC_K_INT:
	case SC_K_PID:
	case SC_K_LONG:
	case SC_K_FD:
	case SC_K_OFF64_LO:
	case SC_K_OFF64_HI:
		sc_p_int(p, (int64_t)v);
		break;
	case SC_K_UINT:
	case SC_K_ULONG:
	case SC_K_LEN:
		sc_p_uint(p, v);
		break;
	case SC_K_UID:
	case SC_K_GID:
		print_uid(p, (uint32_t)v, UINT32_MAX);
		break;
	case SC_K_UID16:
	case SC_K_GID16:
		print_uid(p, (uint16_t)v, UINT16_MAX);
		break;
	case SC_K_HEX:
		sc_p_hex(p, v);
		break;
	case SC_K_PTR:
		sc_p_addr(p, v);
		break;
	case SC_K_DIRFD:
		if ((int32_t)v == AT_FDCWD_VALUE)
			sc_p_puts(p, "AT_FDCWD");
		else
			sc_p_int(p, (int32_t)v);
		break;
	case SC_K_PATH:
		sc_p_path(p, v);
		break;
	case SC_K_STR:
		sc_p_str(p, v);
		break;
	case SC_K_BUF_IN:
		sc_p_buf(p, v, next_len(p, i));
		break;
	case SC_K_BUF_OUT:
		if (p->failed || !p->exiting)
			sc_p_addr(p, v);
		else
			sc_p_buf(p, v, (uint64_t)p->rval < next_len(p, i) ?
				 (uint64_t)p->rval : next_len(p, i));
		break;
	case SC_K_PATH_OUT:
		if (p->failed || !p->exiting)
			sc_p_addr(p, v);
		else if (c->id == SC_ID_getcwd)
			sc_p_path(p, v);
		else	/* readlink: RESULT bytes, no NUL */
			sc_p_buf(p, v, (uint64_t)p->rval);
		break;
	case SC_K_OPEN_FLAGS:
		sc_p_open_flags(p, v);
		break;
	case SC_K_MODE:
		sc_p_mode(p, v);
		break;
	case SC_K_AT_FLAGS:
		print_flags_or_zero(p, &sc_xlat_at_flags, (uint32_t)v);
		break;
	case SC_K_ACCESS_MODE:
		sc_p_flags(p, &sc_xlat_access_modes, (uint32_t)v);
		break;
	case SC_K_SIGNAL:
		sc_p_signal(p, (int64_t)v);
		break;
	case SC_K_STAT_OUT:
	case SC_K_STAT64_OUT:
	case SC_K_STATX_OUT:
		if (p->failed || !p->exiting)
			sc_p_addr(p, v);
		else if (c->kinds[i] == SC_K_STAT_OUT)
			sc_p_stat(p, v);
		else if (c->kinds[i] == SC_K_STAT64_OUT)
			sc_p_stat64(p, v);
		else
			sc_p_statx(p, v);
		break;
	case SC_K_STATFS_OUT:
		sc_p_addr(p, v);
		break;
	case SC_K_SOCKADDR_IN:
		sc_p_sockaddr(p, v, next_len(p, i));
		break;
	case SC_K_SOCKADDR_OUT:
		if (p->failed || !p->exiting)
			sc_p_addr(p, v);
		else
			sc_p_sockaddr(p, v, sockaddr_out_len(p, i));
		break;
	case SC_K_SOCKLEN_PTR:
		print_socklen(p, v);
		break;
	case SC_K_IOVEC_IN:
		sc_p_iovec(p, v, next_len(p, i), true, UINT64_MAX);
		break;
	case SC_K_IOVEC_OUT:
		sc_p_iovec(p, v, next_len(p, i), p->exiting && !p->failed,
			   p->failed ? 0 : (uint64_t)p->rval);
		break;
	case SC_K_MSGHDR_IN:
		sc_p_msghdr(p, v, false, UINT64_MAX);
		break;
	case SC_K_MSGHDR_OUT:
		if (p->failed || !p->exiting)
			sc_p_addr(p, v);
		else
			sc_p_msghdr(p, v, true, (uint64_t)p->rval);
		break;
	case SC_K_ARGV:
		sc_p_argv(p, v);
		break;
	case SC_K_ENVP:
		sc_p_envp(p, v);
		break;
	case SC_K_CLONE_FLAGS:
		print_clone_flags(p, v, false);
		break;
	case SC_K_CLONE_ARGS:
		sc_p_clone_args(p, v, next_len(p, i));
		break;
	case SC_K_MMAP_PROT:
		sc_p_flags(p, &sc_xlat_mmap_prot, (uint32_t)v);
		break;
	case SC_K_MMAP_FLAGS:
		print_mmap_flags(p, v);
		break;
	case SC_K_FCNTL_CMD:
		sc_p_xval(p, &sc_xlat_fcntl_cmds, (uint32_t)v, false);
		break;
	case SC_K_IOCTL_REQ:
		sc_p_xval(p, &sc_xlat_ioctls, (uint32_t)v, false);
		break;
	case SC_K_SOCK_FAMILY:
		sc_p_xval(p, &sc_xlat_socket_families, (uint32_t)v, false);
		break;
	case SC_K_SOCK_TYPE:
		print_sock_type(p, v);
		break;
	case SC_K_SOCKCALL:
		sc_p_xval(p, &sc_xlat_socketcalls, v, false);
		break;
	case SC_K_IPCCALL:
		sc_p_xval(p, &sc_xlat_ipccalls, v & 0xffff, false);
		if (v >> 16)
			sc_out_printf(p->out, "|(%" PRIu64 "<<16)", v >> 16);
		break;
	case SC_K_OPEN_HOW:
		sc_p_open_how(p, v, next_len(p, i));
		break;
	case SC_K_TIMESPEC_IN:
		sc_p_timespec(p, v);
		break;
	case SC_K_TIMESPEC_OUT:
		if (p->failed || !p->exiting)
			sc_p_addr(p, v);
		else
			sc_p_timespec(p, v);
		break;
	case SC_K_SIGSET: {
		uint64_t size = 8;
		int li = -1;

		for (int j = i + 1; j < c->nargs; j++)
			if (c->kinds[j] == SC_K_LEN) {
				li = j;
				break;
			}
		if (li >= 0)
			size = c->args[li];
		if (is_output(p, i) && (p->failed || !p->exiting))
			sc_p_addr(p, v);
		else
			sc_p_sigset(p, v, size);
		break;
	}
	case SC_K_SIGACTION:
		if (is_output(p, i) && (p->failed || !p->exiting))
			sc_p_addr(p, v);
		else
			sc_p_sigaction(p, v);
		break;
	case SC_K_WAIT_STATUS_OUT:
		if (p->failed || !p->exiting || p->rval == 0)
			sc_p_addr(p, v);
		else
			sc_p_wait_status(p, v);
		break;
	case SC_K_RUSAGE_OUT:
		if (p->failed || !p->exiting)
			sc_p_addr(p, v);
		else
			sc_p_rusage(p, v);
		break;
	default:
		sc_p_hex(p, w4 ? (uint32_t)v : v);
		break;
	}
}

/* ---- per-syscall arguments ---- */

static void print_socket_protocol(const struct sc_pctx *p, uint64_t family, int64_t proto)
{
	switch (family) {
	case 2:		/* AF_INET */
	case 10:	/* AF_INET6 */
		sc_p_xval(p, &sc_xlat_inet_protocols, (uint64_t)proto, true);
		break;
	case 16:	/* AF_NETLINK */
		sc_p_xval(p, &sc_xlat_netlink_protocols, (uint64_t)proto, true);
		break;
	default:
		sc_p_int(p, proto);
		break;
	}
}

static void print_fcntl_arg(const struct sc_pctx *p, uint64_t cmd, uint64_t v)
{
	switch (cmd) {
	case FC_SETFD:
		sc_p_flags(p, &sc_xlat_fd_flags, (uint32_t)v);
		break;
	case FC_SETFL:
		sc_p_open_flags(p, v);
		break;
	case FC_ADD_SEALS:
		sc_p_flags(p, &sc_xlat_seals, (uint32_t)v);
		break;
	case FC_DUPFD: case FC_DUPFD_CLOEXEC: case FC_SETOWN: case FC_SETSIG:
	case FC_SETPIPE_SZ: case FC_SETLEASE: case FC_NOTIFY:
		sc_p_int(p, (int32_t)v);
		break;
	case FC_GETLK: case FC_SETLK: case FC_SETLKW: case FC_GETLK64: case FC_SETLK64:
	case FC_SETLKW64: case FC_OFD_GETLK: case FC_OFD_SETLK: case FC_OFD_SETLKW:
		sc_p_addr(p, v);
		break;
	default:
		sc_p_hex(p, v);
		break;
	}
}

static void print_futex_op(const struct sc_pctx *p, uint64_t op)
{
	const char *name = sc_xlat_lookup(&sc_xlat_futex_ops, op & 0x7f);

	if (!name) {
		sc_p_hex(p, op);
		return;
	}
	sc_p_puts(p, name);
	if (op & FUTEX_PRIVATE)
		sc_p_puts(p, "_PRIVATE");
	if (op & FUTEX_CLOCK_RT)
		sc_p_puts(p, "|FUTEX_CLOCK_REALTIME");
	if (op & ~(uint64_t)(0x7f | FUTEX_PRIVATE | FUTEX_CLOCK_RT))
		sc_out_printf(p->out, "|%#" PRIx64, op & ~(uint64_t)(0x7f | FUTEX_PRIVATE | FUTEX_CLOCK_RT));
}

static void print_sockopt_name(const struct sc_pctx *p, uint64_t level, uint64_t name)
{
	switch (level) {
	case 1:		/* SOL_SOCKET */
		sc_p_xval(p, &sc_xlat_sol_socket_opts, name, false);
		break;
	case 6:		/* SOL_TCP */
		sc_p_xval(p, &sc_xlat_tcp_opts, name, false);
		break;
	default:
		sc_p_int(p, (int32_t)name);
		break;
	}
}

/* an int-sized option prints as [N], anything else as a buffer */
static void print_sockopt_value(const struct sc_pctx *p, uint64_t addr, bool out)
{
	uint64_t len;
	int32_t v;

	if (out) {
		int32_t now;

		if (p->failed || !p->exiting ||
		    sc_pmem_read(p, uarg(p, 4), &now, sizeof(now)) < 0 || now < 0) {
			sc_p_addr(p, addr);
			return;
		}
		len = (uint64_t)now;
	} else {
		len = uarg(p, 4);
	}
	if (len == sizeof(v) && sc_pmem_read(p, addr, &v, sizeof(v)) == 0)
		sc_out_printf(p->out, "[%d]", v);
	else
		sc_p_buf(p, addr, len);
}

/* Print argument I, by id where strace does something special, else by kind. */
static void print_arg(const struct sc_pctx *p, int i)
{
	const struct sc_call *c = p->call;
	uint64_t v = c->args[i];

	if (p->opts->raw) {
		/* the bits the kernel reads: an int fd of -1 is 0xffffffff */
		switch (sc_kind_width(c->kinds[i])) {
		case SC_W_32_S:
		case SC_W_32_U:
			v = (uint32_t)v;
			break;
		case SC_W_16_U:
			v = (uint16_t)v;
			break;
		default:
			break;
		}
		sc_p_hex(p, v);
		return;
	}
	switch (c->id) {
	case SC_ID_fcntl:
	case SC_ID_fcntl64:
		if (i == 2) {
			print_fcntl_arg(p, (uint32_t)uarg(p, 1), v);
			return;
		}
		break;
	case SC_ID_ioctl:
		if (i == 2) {
			sc_p_hex(p, v);
			return;
		}
		break;
	case SC_ID_mmap:
		if (i == 4) {
			sc_p_int(p, (int32_t)v);
			return;
		}
		if (i == 5) {
			sc_p_hex(p, v);
			return;
		}
		break;
	case SC_ID_mmap2:	/* the offset is in pages; strace shows bytes */
		if (i == 4) {
			sc_p_int(p, (int32_t)v);
			return;
		}
		if (i == 5) {
			sc_p_hex(p, v << PAGE_SHIFT_MMAP2);
			return;
		}
		break;
	case SC_ID_socket:
	case SC_ID_socketpair:
		if (i == 2) {
			print_socket_protocol(p, (uint32_t)uarg(p, 0), (int32_t)v);
			return;
		}
		if (i == 3) {	/* socketpair's int sv[2] */
			if (p->failed || !p->exiting)
				sc_p_addr(p, v);
			else
				sc_p_int_array(p, v, 2);
			return;
		}
		break;
	case SC_ID_pipe:
	case SC_ID_pipe2:
		if (i == 0) {
			if (p->failed || !p->exiting)
				sc_p_addr(p, v);
			else
				sc_p_int_array(p, v, 2);
			return;
		}
		if (i == 1) {
			print_fd_open_flags(p, v);
			return;
		}
		break;
	case SC_ID_dup3:
		if (i == 2) {
			print_fd_open_flags(p, v);
			return;
		}
		break;
	case SC_ID_accept4:
		if (i == 3) {
			sc_p_flags(p, &sc_xlat_socket_type_flags, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_send: case SC_ID_recv: case SC_ID_sendto: case SC_ID_recvfrom:
		if (i == 3) {
			sc_p_flags(p, &sc_xlat_msg_flags, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_sendmsg: case SC_ID_recvmsg: case SC_ID_sendmmsg: case SC_ID_recvmmsg:
	case SC_ID_recvmmsg_time64:
		if (i == (c->id == SC_ID_sendmsg || c->id == SC_ID_recvmsg ? 2 : 3)) {
			sc_p_flags(p, &sc_xlat_msg_flags, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_statx:
		if (i == 2) {
			print_statx_flags(p, (uint32_t)v);
			return;
		}
		if (i == 3) {
			sc_p_flags(p, &sc_xlat_statx_mask, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_faccessat2:
		if (i == 3) {
			sc_p_flags(p, &sc_xlat_faccessat_flags, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_umask:
		sc_p_octal(p, (uint32_t)v);
		return;
	case SC_ID_lseek:
		if (i == 2) {
			sc_p_xval(p, &sc_xlat_whence, (uint32_t)v, false);
			return;
		}
		break;
	case SC_ID_llseek:	/* fd, offset_high, offset_low, loff_t *result, whence */
		if (i == 1) {
			sc_p_int(p, (int64_t)((uarg(p, 1) << 32) | (uint32_t)uarg(p, 2)));
			return;
		}
		if (i == 3) {
			if (p->failed || !p->exiting || v == 0) {
				sc_p_addr(p, v);
			} else {
				int64_t r;

				if (sc_pmem_read(p, v, &r, sizeof(r)) < 0)
					sc_p_addr(p, v);
				else
					sc_out_printf(p->out, "[%" PRId64 "]", r);
			}
			return;
		}
		if (i == 4) {
			sc_p_xval(p, &sc_xlat_whence, (uint32_t)v, false);
			return;
		}
		break;
	case SC_ID_wait4:
	case SC_ID_waitpid:
		if (i == 2) {
			sc_p_flags(p, &sc_xlat_wait_options, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_rt_sigprocmask:
		if (i == 0) {
			sc_p_xval(p, &sc_xlat_sigprocmask_how, (uint32_t)v, false);
			return;
		}
		break;
	case SC_ID_prlimit64:
		if (i == 1) {
			sc_p_xval(p, &sc_xlat_rlimits, (uint32_t)v, false);
			return;
		}
		if (i == 2 || i == 3) {
			if (i == 3 && (p->failed || !p->exiting))
				sc_p_addr(p, v);
			else
				sc_p_rlimit(p, v, true);
			return;
		}
		break;
	case SC_ID_getrlimit:
	case SC_ID_old_getrlimit:
	case SC_ID_setrlimit:
		if (i == 0) {
			sc_p_xval(p, &sc_xlat_rlimits, (uint32_t)v, false);
			return;
		}
		if (c->id != SC_ID_setrlimit && (p->failed || !p->exiting))
			sc_p_addr(p, v);
		else
			sc_p_rlimit(p, v, false);
		return;
	case SC_ID_getrusage:
		if (i == 0) {
			int32_t who = (int32_t)v;

			sc_p_puts(p, who == 0 ? "RUSAGE_SELF" : who == -1 ? "RUSAGE_CHILDREN" :
				  who == 1 ? "RUSAGE_THREAD" : "");
			if (who < -1 || who > 1)
				sc_p_int(p, who);
			return;
		}
		break;
	case SC_ID_clock_gettime: case SC_ID_clock_settime: case SC_ID_clock_getres:
	case SC_ID_clock_nanosleep: case SC_ID_clock_gettime64: case SC_ID_clock_settime64:
	case SC_ID_clock_getres_time64: case SC_ID_clock_nanosleep_time64:
		if (i == 0) {
			sc_p_xval(p, &sc_xlat_clocks, (uint32_t)v, false);
			return;
		}
		if (i == 1 && (c->id == SC_ID_clock_nanosleep || c->id == SC_ID_clock_nanosleep_time64)) {
			sc_p_puts(p, v == 0 ? "0" : v == 1 ? "TIMER_ABSTIME" : "");
			if (v > 1)
				sc_p_hex(p, v);
			return;
		}
		break;
	case SC_ID_arch_prctl:
		if (i == 0) {
			sc_p_xval(p, &sc_xlat_arch_prctl, (uint32_t)v, false);
			return;
		}
		sc_p_hex(p, v);
		return;
	case SC_ID_prctl:
		if (i == 0) {
			sc_p_xval(p, &sc_xlat_prctl_options, (uint32_t)v, false);
			return;
		}
		sc_p_hex(p, v);
		return;
	case SC_ID_madvise:
		if (i == 2) {
			sc_p_xval(p, &sc_xlat_madvise, (uint32_t)v, false);
			return;
		}
		break;
	case SC_ID_futex:
	case SC_ID_futex_time64:
		if (i == 1) {
			print_futex_op(p, (uint32_t)v);
			return;
		}
		if (i == 3 && (uarg(p, 1) & 0x7f) != 0 && (uarg(p, 1) & 0x7f) != 9) {
			sc_p_uint(p, (uint32_t)v);	/* val2, not a timeout */
			return;
		}
		if (i == 5) {
			sc_p_hex(p, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_poll:
		if (i == 0) {
			sc_p_pollfds(p, v, uarg(p, 1), false);
			return;
		}
		break;
	case SC_ID_ppoll:
	case SC_ID_ppoll_time64:
		if (i == 0) {
			sc_p_pollfds(p, v, uarg(p, 1), false);
			return;
		}
		break;
	case SC_ID_rseq:
		if (i == 1) {
			sc_p_hex(p, v);
			return;
		}
		break;
	case SC_ID_getdents:
	case SC_ID_getdents64:
		if (i == 1) {
			if (p->failed || !p->exiting)
				sc_p_addr(p, v);
			else
				sc_p_dents_count(p, v, (uint64_t)p->rval, c->id == SC_ID_getdents64);
			return;
		}
		break;
	case SC_ID_epoll_create1:
		sc_p_flags(p, &sc_xlat_epoll_flags, (uint32_t)v);
		return;
	case SC_ID_inotify_init1:
		sc_p_flags(p, &sc_xlat_inotify_flags, (uint32_t)v);
		return;
	case SC_ID_eventfd2:
		if (i == 1) {
			sc_p_flags(p, &sc_xlat_eventfd_flags, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_timerfd_create:
		if (i == 0)
			sc_p_xval(p, &sc_xlat_clocks, (uint32_t)v, false);
		else
			sc_p_flags(p, &sc_xlat_timerfd_flags, (uint32_t)v);
		return;
	case SC_ID_signalfd4:
		if (i == 3) {
			sc_p_flags(p, &sc_xlat_signalfd_flags, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_memfd_create:
		if (i == 1) {
			sc_p_flags(p, &sc_xlat_memfd_flags, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_getrandom:
		if (i == 0) {
			if (p->failed || !p->exiting)
				sc_p_addr(p, v);
			else
				sc_p_buf_hex(p, v, (uint64_t)p->rval);
			return;
		}
		if (i == 2) {
			sc_p_flags(p, &sc_xlat_getrandom_flags, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_mremap:
		if (i == 3) {
			sc_p_flags(p, &sc_xlat_mremap_flags, v);
			return;
		}
		break;
	case SC_ID_msync:
		if (i == 2) {
			sc_p_flags(p, &sc_xlat_msync_flags, v);
			return;
		}
		break;
	case SC_ID_shutdown:
		if (i == 1) {
			sc_p_xval(p, &sc_xlat_shutdown_how, (uint32_t)v, false);
			return;
		}
		break;
	case SC_ID_flock:
		if (i == 1) {
			sc_p_flags(p, &sc_xlat_flock_ops, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_renameat2:
		if (i == 4) {
			sc_p_flags(p, &sc_xlat_rename_flags, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_setsockopt:
	case SC_ID_getsockopt:
		if (i == 1) {
			sc_p_xval(p, &sc_xlat_socket_levels, (uint32_t)v, false);
			return;
		}
		if (i == 2) {
			print_sockopt_name(p, (uint32_t)uarg(p, 1), (uint32_t)v);
			return;
		}
		if (i == 3) {
			print_sockopt_value(p, v, c->id == SC_ID_getsockopt);
			return;
		}
		break;
	case SC_ID_epoll_ctl:
		if (i == 1) {
			sc_p_xval(p, &sc_xlat_epoll_ctl_ops, (uint32_t)v, false);
			return;
		}
		if (i == 3) {
			sc_p_epoll_events(p, v, 1);
			return;
		}
		break;
	case SC_ID_epoll_wait:
	case SC_ID_epoll_pwait:
	case SC_ID_epoll_pwait2:
		if (i == 1) {
			if (p->failed || !p->exiting)
				sc_p_addr(p, v);
			else
				sc_p_epoll_events(p, v, (uint64_t)p->rval);
			return;
		}
		break;
	case SC_ID_uname:
		if (p->failed || !p->exiting)
			sc_p_addr(p, v);
		else
			sc_p_utsname(p, v);
		return;
	default:
		break;
	}
	print_generic(p, i);
}

/* clone's arguments past flags, in strace's order and only when the flags
 * say the kernel uses them. Register order: x86_64 (flags, stack,
 * parent_tid, child_tid, tls); i386 and aarch64 swap the last two. */
static void print_clone_tail(const struct sc_pctx *p)
{
	uint64_t flags = uarg(p, 0);
	bool x86_64 = p->call->arch == SC_ARCH_X86_64;
	uint64_t ptid = uarg(p, 2), ctid = x86_64 ? uarg(p, 3) : uarg(p, 4);
	uint64_t tls = x86_64 ? uarg(p, 4) : uarg(p, 3);

	if (flags & (CLONE_PARENT_SETTID_FLAG | CLONE_PIDFD_FLAG)) {
		sc_p_puts(p, ", parent_tid=");
		if (p->exiting && !p->failed && ptid)
			sc_p_int_ptr(p, ptid);
		else
			sc_p_addr(p, ptid);
	}
	if (flags & CLONE_SETTLS_FLAG) {
		sc_p_puts(p, ", tls=");
		sc_p_addr(p, tls);
	}
	if (flags & CLONE_CHILD_TID_FLAGS) {
		sc_p_puts(p, ", child_tidptr=");
		sc_p_addr(p, ctid);
	}
}

/* ---- result ---- */

static bool hex_result(enum sc_id id)
{
	switch (id) {
	case SC_ID_mmap: case SC_ID_mmap2: case SC_ID_old_mmap: case SC_ID_brk:
	case SC_ID_mremap: case SC_ID_shmat:
		return true;
	default:
		return false;
	}
}

static void print_result(const struct sc_pctx *p, const struct sc_result *res)
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
	if (p->opts->raw || hex_result(c->id)) {
		sc_p_hex(p, u);
		return;
	}
	switch (c->id) {
	case SC_ID_umask:
		sc_p_octal(p, u);
		return;
	case SC_ID_fcntl:
	case SC_ID_fcntl64:
		switch (uarg(p, 1)) {
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
	case SC_ID_poll:
	case SC_ID_ppoll:
	case SC_ID_ppoll_time64:
		sc_p_int(p, r);
		if (r > 0) {
			sc_p_puts(p, " (");
			sc_p_pollfds(p, uarg(p, 0), uarg(p, 1), true);
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
	int sl = find_kind(call, SC_K_SOCKLEN_PTR);

	if (sl >= 0 && call->args[sl]) {
		int32_t v;

		if (sc_pmem_read(&p, call->args[sl], &v, sizeof(v)) == 0) {
			state->saved = (uint32_t)v;
			state->saved_valid = true;
		}
	}

	sc_out_puts(out, call->name);
	sc_out_putc(out, '(');
	if (call->id == SC_ID_clone && !p.opts->raw) {
		sc_p_puts(&p, "child_stack=");
		sc_p_addr(&p, call->args[1]);
		sc_p_puts(&p, ", flags=");
		print_clone_flags(&p, call->args[0], true);
		state->next_arg = 2;
		return 0;
	}
	n = shown_nargs(&p);
	for (i = 0; i < n; i++) {
		if (is_output(&p, i))
			break;
		if (skipped(&p, i))
			continue;
		if (i)
			sep(&p);
		print_arg(&p, i);
	}
	if (i > 0 && i < n)
		sep(&p);	/* strace ends the entry half with ", " */
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
		   !(hex_result(call->id) && p.rval < -MAX_ERRNO_VALUE);

	if (call->id == SC_ID_clone && !p.opts->raw) {
		print_clone_tail(&p);
	} else {
		n = shown_nargs(&p);
		for (int i = state->next_arg; i < n; i++) {
			if (skipped(&p, i))
				continue;
			if (i > state->next_arg)
				sep(&p);
			print_arg(&p, i);
		}
	}
	sc_out_putc(out, ')');
	print_result(&p, res);
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
