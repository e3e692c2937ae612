/* syscalls/printer_args.c: which arguments a call shows and when (entry or
 * exit), and the printing of an argument by its kind. */
#include "syscalls/printer_priv.h"

#include <inttypes.h>
#include <string.h>

/* ---- small helpers ---- */

/* The argument after I holding a length (LEN kind), or 0 if none. */
static uint64_t next_len(const struct sc_pctx *p, int i)
{
	for (int j = i + 1; j < p->call->nargs; j++)
		if (p->call->kinds[j] == SC_K_LEN || p->call->kinds[j] == SC_K_ULONG ||
		    p->call->kinds[j] == SC_K_UINT)
			return p->call->args[j];
	return 0;
}

int sc_pc_find_kind(const struct sc_call *c, enum sc_kind k)
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
int sc_pc_shown_nargs(const struct sc_pctx *p)
{
	const struct sc_call *c = p->call;

	if (p->opts->raw)
		return c->nargs;
	switch (c->id) {
	case SC_ID_open:	/* the mode only with O_CREAT or O_TMPFILE */
		return (sc_arg_u(p, 1) & (OPEN_O_CREAT | OPEN_O_TMPFILE_BIT)) ? 3 : 2;
	case SC_ID_openat:
		return (sc_arg_u(p, 2) & (OPEN_O_CREAT | OPEN_O_TMPFILE_BIT)) ? 4 : 3;
	case SC_ID_fcntl:
	case SC_ID_fcntl64:
		return fcntl_no_arg(sc_arg_u(p, 1)) ? 2 : 3;
	case SC_ID_clone:
		return 2;	/* the rest is printed by name at exit */
	case SC_ID_prctl:	/* strace shows the arguments an option uses */
		switch (sc_arg_u(p, 0)) {
		case PR_GET_DUMPABLE_OPT: case PR_GET_SECCOMP_OPT: case PR_GET_NO_NEW_PRIVS_OPT:
			return 1;
		case PR_SET_NAME_OPT: case PR_GET_NAME_OPT: case PR_SET_PDEATHSIG_OPT:
		case PR_CAPBSET_READ_OPT: case PR_CAPBSET_DROP_OPT:
			return 2;
		default:
			return c->nargs;
		}
	case SC_ID_mknod:	/* the device only for character and block nodes */
	case SC_ID_mknodat: {
		int m = c->id == SC_ID_mknod ? 1 : 2;
		uint64_t type = sc_arg_u(p, m) & 0170000;

		return type == 0020000 || type == 0060000 ? m + 2 : m + 1;
	}
	case SC_ID_mremap:	/* new_address only with MREMAP_FIXED */
		return (sc_arg_u(p, 3) & 2) ? 5 : 4;
	default:
		return c->nargs;
	}
}

/* ioctl requests whose argument is an int the kernel writes */
bool sc_pc_ioctl_int_out(uint64_t req)
{
	switch ((uint32_t)req) {
	case IOCTL_FIONREAD: case IOCTL_TIOCOUTQ: case IOCTL_TIOCGPGRP: case IOCTL_TIOCGPTN:
		return true;
	default:
		return false;
	}
}

/* ioctl requests whose argument the kernel fills in */
bool sc_pc_ioctl_out(uint64_t req)
{
	switch ((uint32_t)req) {
	case IOCTL_TCGETS: case IOCTL_TIOCGWINSZ:
		return true;
	default:
		return false;
	}
}

/* Arguments strace folds into another one: _llseek's low offset word is
 * printed with the high one. */
bool sc_pc_skipped(const struct sc_pctx *p, int i)
{
	return !p->opts->raw && p->call->id == SC_ID_llseek && i == 2;
}

/* Arguments the kernel fills in: printed by the exit half. */
bool sc_pc_is_output(const struct sc_pctx *p, int i)
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
	case SC_ID_msgrcv:
		return i == 1;
	case SC_ID_uname:
	case SC_ID_sysinfo:
		return i == 0;
	case SC_ID_sigaltstack:
		return i == 1;
	case SC_ID_sched_getaffinity:
	case SC_ID_timer_create:
		return i == 2;
	case SC_ID_timer_gettime:
	case SC_ID_timer_gettime64:
	case SC_ID_timerfd_gettime:
	case SC_ID_timerfd_gettime64:
	case SC_ID_getitimer:
		return i == 1;
	case SC_ID_timer_settime:
	case SC_ID_timer_settime64:
	case SC_ID_timerfd_settime:
	case SC_ID_timerfd_settime64:
		return i == 3;
	case SC_ID_setitimer:
		return i == 2;
	case SC_ID_ioctl:
		return i == 2 && (sc_pc_ioctl_int_out(c->args[1]) || sc_pc_ioctl_out(c->args[1]));
	case SC_ID_getgroups:
	case SC_ID_getgroups16:
		return i == 1;
	case SC_ID_prctl:
		return i == 1 && c->args[0] == PR_GET_NAME_OPT;
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
	/* MAP_32BIT exists only on x86: elsewhere 0x40 is an unknown bit */
	bool x86 = p->call->arch == SC_ARCH_X86_64 || p->call->arch == SC_ARCH_I386;

	for (size_t i = 0; i < sc_xlat_mmap_flags.n; i++) {
		uint64_t e = sc_xlat_mmap_flags.e[i].val;

		if ((rest & e) == e && (x86 || e != 0x40)) {
			sc_out_putc(p->out, '|');
			sc_p_puts(p, sc_xlat_mmap_flags.e[i].name);
			rest &= ~e;
		}
	}
	if (rest)
		sc_out_printf(p->out, "|%#" PRIx64, rest);
	if (huge)
		sc_out_printf(p->out, "|%" PRIu64 "<<MAP_HUGE_SHIFT", huge);
}

void sc_pc_clone_flags(const struct sc_pctx *p, uint64_t v, bool with_signal)
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

void sc_pc_statx_flags(const struct sc_pctx *p, uint64_t v)
{
	sc_p_xval(p, &sc_xlat_statx_sync, v & STATX_SYNC_MASK, false);
	sc_p_flags_rest(p, &sc_xlat_at_flags, v & ~(uint64_t)STATX_SYNC_MASK);
}

/* open flags without the access mode (pipe2, dup3, accept4...) */
void sc_pc_fd_open_flags(const struct sc_pctx *p, uint64_t v)
{
	const struct sc_xlat *x = p->call->arch == SC_ARCH_AARCH64 ?
		&sc_xlat_open_flags_aarch64 : &sc_xlat_open_flags;

	sc_p_flags(p, x, (uint32_t)v);
}

static void print_socklen(const struct sc_pctx *p, uint64_t addr)
{
	int32_t now;

	if (!sc_p_fetch(p, addr, &now, sizeof(now)))
		return;
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
	if (sc_pmem_read(p, sc_arg_u(p, i + 1), &now, sizeof(now)) < 0 || now < 0)
		return 0;
	len = (uint64_t)now;
	if (p->state && p->state->saved_valid && (int32_t)p->state->saved >= 0 &&
	    (uint64_t)(int32_t)p->state->saved < len)
		len = (uint64_t)(int32_t)p->state->saved;
	return len;
}

void sc_pc_generic(const struct sc_pctx *p, int i)
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
		sc_p_mode_arg(p, v);
		break;
	case SC_K_AT_FLAGS:
		sc_p_flags(p, &sc_xlat_at_flags, (uint32_t)v);
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
		if (p->failed || !p->exiting)
			sc_p_addr(p, v);
		else
			sc_p_statfs(p, v, c->id == SC_ID_statfs64 || c->id == SC_ID_fstatfs64);
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
		sc_pc_clone_flags(p, v, false);
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
		if (sc_pc_is_output(p, i) && (p->failed || !p->exiting))
			sc_p_addr(p, v);
		else
			sc_p_sigset(p, v, size);
		break;
	}
	case SC_K_SIGACTION:
		if (sc_pc_is_output(p, i) && (p->failed || !p->exiting))
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

