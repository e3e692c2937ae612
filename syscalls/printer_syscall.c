/* syscalls/printer_syscall.c: the syscalls whose strace format depends on
 * other arguments or on the result, handled by id. */
#include "syscalls/printer_priv.h"
#include "syscalls/kinds.h"

#include <inttypes.h>
#include <string.h>

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
	case 0:		/* SOL_IP */
		sc_p_xval(p, &sc_xlat_ip_opts, name, false);
		break;
	case 41:	/* SOL_IPV6 */
		sc_p_xval(p, &sc_xlat_ipv6_opts, name, false);
		break;
	case 270:	/* SOL_NETLINK */
		sc_p_xval(p, &sc_xlat_netlink_opts, name, false);
		break;
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
		    sc_pmem_read(p, sc_arg_u(p, 4), &now, sizeof(now)) < 0 || now < 0) {
			sc_p_addr(p, addr);
			return;
		}
		len = (uint64_t)now;
	} else {
		len = sc_arg_u(p, 4);
	}
	if (len == sizeof(v) && sc_pmem_read(p, addr, &v, sizeof(v)) == 0)
		sc_out_printf(p->out, "[%d]", v);
	else
		sc_p_buf(p, addr, len);
}

/* nanosleep's remaining time: written only when a signal interrupted */
static void print_rem(const struct sc_pctx *p, uint64_t v)
{
	int64_t err = p->failed ? -p->rval : 0;

	if (p->exiting && (err == ERR_INTR || err == ERR_RESTARTSYS ||
			   err == ERR_RESTARTNOHAND || err == ERR_RESTART_RESTARTBLOCK))
		sc_p_timespec(p, v);
	else
		sc_p_addr(p, v);
}

/* SysV IPC: the key, "IPC_CREAT|0600", and "IPC_64|IPC_RMID" */
static void print_ipc_key(const struct sc_pctx *p, uint64_t key)
{
	if ((uint32_t)key == 0)
		sc_p_puts(p, "IPC_PRIVATE");
	else
		sc_p_hex(p, (uint32_t)key);
}

static void print_ipc_get_flags(const struct sc_pctx *p, uint64_t v)
{
	uint32_t flags = (uint32_t)v & ~0777u, mode = (uint32_t)v & 0777u;

	if (flags) {
		sc_p_flags(p, &sc_xlat_ipc_flags, flags);
		sc_out_putc(p->out, '|');
	}
	sc_p_octal(p, mode);
}

static void print_ipc_cmd(const struct sc_pctx *p, const struct sc_xlat *extra, uint64_t v)
{
	uint32_t cmd = (uint32_t)v;
	const char *name;

	if (cmd & IPC_64_FLAG) {
		sc_p_puts(p, "IPC_64|");
		cmd &= ~(uint32_t)IPC_64_FLAG;
	}
	name = sc_xlat_lookup(&sc_xlat_ipc_cmds, cmd);
	if (!name)
		name = sc_xlat_lookup(extra, cmd);
	if (name)
		sc_p_puts(p, name);
	else
		sc_out_printf(p->out, "%#x /* %s */", cmd, extra->unknown);
}

/* Print argument I, by id where strace does something special, else by kind. */
void sc_pc_arg(const struct sc_pctx *p, int i)
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
			print_fcntl_arg(p, (uint32_t)sc_arg_u(p, 1), v);
			return;
		}
		break;
	case SC_ID_ioctl:
		if (i == 2) {
			uint32_t req = (uint32_t)sc_arg_u(p, 1);

			if (sc_pc_ioctl_int_out(req)) {
				if (p->failed || !p->exiting)
					sc_p_addr(p, v);
				else
					sc_p_int_ptr(p, v);
			} else if (req == IOCTL_FIONBIO || req == IOCTL_TIOCSPGRP ||
				   req == IOCTL_TIOCSPTLCK) {
				sc_p_int_ptr(p, v);
			} else if (req == IOCTL_TCGETS || req == IOCTL_TIOCGWINSZ) {
				if (p->failed || !p->exiting)
					sc_p_addr(p, v);
				else if (req == IOCTL_TCGETS)
					sc_p_termios(p, v);
				else
					sc_p_winsize(p, v);
			} else if (req == IOCTL_TCSETS || req == IOCTL_TCSETSW || req == IOCTL_TCSETSF) {
				sc_p_termios(p, v);
			} else if (req == IOCTL_TIOCSWINSZ) {
				sc_p_winsize(p, v);
			} else if (req == IOCTL_FICLONE) {
				sc_p_int(p, (int32_t)v);
			} else {
				sc_p_hex(p, v);
			}
			return;
		}
		break;
	case SC_ID_sigaltstack:
		if (i == 1 && (p->failed || !p->exiting))
			sc_p_addr(p, v);
		else
			sc_p_stack_t(p, v);
		return;
	case SC_ID_select:
	case SC_ID_pselect6:
	case SC_ID_pselect6_time64:
		if (i >= 1 && i <= 3) {
			sc_p_fdset(p, v, sc_arg_i32(p, 0));
			return;
		}
		if (i == 4) {
			if (c->id == SC_ID_select)
				sc_p_timeval(p, v);
			else
				sc_p_timespec(p, v);
			return;
		}
		if (i == 5) {	/* { const sigset_t *ss; size_t ss_len; } */
			uint64_t ss, len;

			if (v == 0) {
				sc_p_puts(p, "NULL");
			} else if (sc_pmem_word(p, v, &ss) < 0 || sc_pmem_word(p, v + p->word, &len) < 0) {
				sc_p_addr(p, v);
			} else {
				sc_p_puts(p, "{sigmask=");
				sc_p_sigset(p, ss, len);
				sc_out_printf(p->out, ", sigsetsize=%" PRIu64 "}", len);
			}
			return;
		}
		break;
	case SC_ID_set_thread_area:
		sc_p_user_desc(p, v);
		return;
	case SC_ID_shmget:
	case SC_ID_semget:
	case SC_ID_msgget:
		if (i == 0)
			print_ipc_key(p, v);
		else if (i == c->nargs - 1)
			print_ipc_get_flags(p, v);
		else
			sc_p_uint(p, v);
		return;
	case SC_ID_shmat:
		if (i == 2) {
			sc_p_flags(p, &sc_xlat_shmat_flags, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_shmctl:
	case SC_ID_msgctl:
		if (i == 1) {
			print_ipc_cmd(p, c->id == SC_ID_shmctl ? &sc_xlat_shmctl_cmds : &sc_xlat_msgctl_cmds, v);
			return;
		}
		break;
	case SC_ID_semctl:
		if (i == 2) {
			print_ipc_cmd(p, &sc_xlat_semctl_cmds, v);
			return;
		}
		if (i == 3) {
			/* ipc(SEMCTL) passes the union by reference: strace shows [value] */
			if (c->demuxed)
				sc_out_putc(p->out, '[');
			sc_p_addr(p, v);
			if (c->demuxed)
				sc_out_putc(p->out, ']');
			return;
		}
		break;
	case SC_ID_semop:
	case SC_ID_semtimedop:
	case SC_ID_semtimedop_time64:
		if (i == 1) {
			sc_p_sembufs(p, v, sc_arg_u(p, 2));
			return;
		}
		break;
	case SC_ID_msgsnd:
		if (i == 1) {
			sc_p_msgbuf(p, v, sc_arg_u(p, 2));
			return;
		}
		if (i == 3) {
			sc_p_flags(p, &sc_xlat_msgrcv_flags, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_msgrcv:
		if (i == 1) {
			if (p->failed || !p->exiting)
				sc_p_addr(p, v);
			else
				sc_p_msgbuf(p, v, (uint64_t)p->rval);
			return;
		}
		if (i == 4) {
			sc_p_flags(p, &sc_xlat_msgrcv_flags, (uint32_t)v);
			return;
		}
		break;
	case SC_ID_getpriority:
	case SC_ID_setpriority:
		if (i == 0) {
			sc_p_xval(p, &sc_xlat_priority_which, (uint32_t)v, false);
			return;
		}
		break;
	case SC_ID_getitimer:
	case SC_ID_setitimer:
		if (i == 0) {
			sc_p_xval(p, &sc_xlat_itimer_which, (uint32_t)v, false);
		} else if (sc_pc_is_output(p, i) && (p->failed || !p->exiting)) {
			sc_p_addr(p, v);
		} else {
			sc_p_itimerval(p, v);
		}
		return;
	case SC_ID_timer_create:
		if (i == 0) {
			sc_p_xval(p, &sc_xlat_clocks, (uint32_t)v, false);
		} else if (i == 1) {
			sc_p_sigevent(p, v);
		} else if (p->failed || !p->exiting) {
			sc_p_addr(p, v);
		} else {
			sc_p_int_ptr(p, v);
		}
		return;
	case SC_ID_timer_settime: case SC_ID_timer_settime64:
	case SC_ID_timerfd_settime: case SC_ID_timerfd_settime64:
	case SC_ID_timer_gettime: case SC_ID_timer_gettime64:
	case SC_ID_timerfd_gettime: case SC_ID_timerfd_gettime64: {
		bool set = c->id == SC_ID_timer_settime || c->id == SC_ID_timer_settime64 ||
			   c->id == SC_ID_timerfd_settime || c->id == SC_ID_timerfd_settime64;

		if (set && i == 1) {
			sc_p_flags(p, &sc_xlat_timer_flags, (uint32_t)v);
			return;
		}
		if ((set && i >= 2) || (!set && i == 1)) {
			if (sc_pc_is_output(p, i) && (p->failed || !p->exiting))
				sc_p_addr(p, v);
			else
				sc_p_itimerspec(p, v);
			return;
		}
		break;
	}
	case SC_ID_sched_getaffinity:
	case SC_ID_sched_setaffinity:
		if (i == 2) {
			if (c->id == SC_ID_sched_setaffinity)
				sc_p_cpuset(p, v, sc_arg_u(p, 1));
			else if (p->failed || !p->exiting)
				sc_p_addr(p, v);
			else
				sc_p_cpuset(p, v, (uint64_t)p->rval);
			return;
		}
		break;
	case SC_ID_nanosleep:
		if (i == 1) {
			print_rem(p, v);
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
			print_socket_protocol(p, (uint32_t)sc_arg_u(p, 0), (int32_t)v);
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
			sc_pc_fd_open_flags(p, v);
			return;
		}
		break;
	case SC_ID_dup3:
		if (i == 2) {
			sc_pc_fd_open_flags(p, v);
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
			sc_pc_statx_flags(p, (uint32_t)v);
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
			sc_p_int(p, (int64_t)((sc_arg_u(p, 1) << 32) | (uint32_t)sc_arg_u(p, 2)));
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
		if (i == 3 && (c->id == SC_ID_clock_nanosleep || c->id == SC_ID_clock_nanosleep_time64)) {
			print_rem(p, v);
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
		switch (sc_arg_u(p, 0)) {
		case PR_SET_NAME_OPT:
			sc_p_str(p, v);
			return;
		case PR_GET_NAME_OPT:
			if (p->failed || !p->exiting)
				sc_p_addr(p, v);
			else
				sc_p_str(p, v);
			return;
		case PR_SET_PDEATHSIG_OPT:
			sc_p_signal(p, (int64_t)v);
			return;
		case PR_CAPBSET_READ_OPT:
		case PR_CAPBSET_DROP_OPT:
			sc_p_xval(p, &sc_xlat_capabilities, v, false);
			return;
		default:
			sc_p_uint(p, v);
			return;
		}
	case SC_ID_madvise:
		if (i == 2) {
			sc_p_xval(p, &sc_xlat_madvise, (uint32_t)v, false);
			return;
		}
		break;
	case SC_ID_poll:
		if (i == 0) {
			sc_p_pollfds(p, v, sc_arg_u(p, 1), false);
			return;
		}
		break;
	case SC_ID_ppoll:
	case SC_ID_ppoll_time64:
		if (i == 0) {
			sc_p_pollfds(p, v, sc_arg_u(p, 1), false);
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
			print_sockopt_name(p, (uint32_t)sc_arg_u(p, 1), (uint32_t)v);
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
	case SC_ID_mknod:
	case SC_ID_mknodat:
		if (i == (c->id == SC_ID_mknod ? 2 : 3)) {
			sc_p_makedev(p, v);
			return;
		}
		break;
	case SC_ID_fadvise64:
	case SC_ID_fadvise64_64:
		if (i == 3) {
			sc_p_xval(p, &sc_xlat_fadvise_advice, (uint32_t)v, false);
			return;
		}
		break;
	case SC_ID_sysinfo:
		if (p->failed || !p->exiting)
			sc_p_addr(p, v);
		else
			sc_p_sysinfo(p, v);
		return;
	case SC_ID_getgroups:
	case SC_ID_getgroups16:
	case SC_ID_setgroups:
	case SC_ID_setgroups16:
		if (i == 1) {
			bool get = c->id == SC_ID_getgroups || c->id == SC_ID_getgroups16;

			if (get && (p->failed || !p->exiting))
				sc_p_addr(p, v);
			else
				sc_p_gid_array(p, v, get ? (uint64_t)p->rval : sc_arg_u(p, 0),
					       c->id == SC_ID_getgroups16 || c->id == SC_ID_setgroups16);
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
	sc_pc_generic(p, i);
}

/* clone's arguments past flags, in strace's order and only when the flags
 * say the kernel uses them. Register order: x86_64 (flags, stack,
 * parent_tid, child_tid, tls); i386 and aarch64 swap the last two. */
void sc_pc_clone_tail(const struct sc_pctx *p)
{
	uint64_t flags = sc_arg_u(p, 0);
	bool x86_64 = p->call->arch == SC_ARCH_X86_64;
	uint64_t ptid = sc_arg_u(p, 2), ctid = x86_64 ? sc_arg_u(p, 3) : sc_arg_u(p, 4);
	uint64_t tls = x86_64 ? sc_arg_u(p, 4) : sc_arg_u(p, 3);

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

/* futex: which arguments an operation uses, as strace shows them
 * (uaddr, op, val, then by op: timeout or val2, uaddr2, val3) */
void sc_pc_futex(const struct sc_pctx *p)
{
	uint64_t op = (uint32_t)sc_arg_u(p, 1), cmd = op & 0x7f;
	enum { T = 1, V2 = 2, U2 = 4, V3 = 8, BITS = 16, NOVAL = 32 } use;

	switch (cmd) {
	case 0: use = T; break;				/* WAIT */
	case 1: use = 0; break;				/* WAKE */
	case 3: use = V2 | U2; break;			/* REQUEUE */
	case 4: case 12: use = V2 | U2 | V3; break;	/* CMP_REQUEUE(_PI) */
	case 5: use = V2 | U2 | V3; break;		/* WAKE_OP */
	case 6: case 13: use = T | NOVAL; break;	/* LOCK_PI(2) */
	case 7: case 8: use = NOVAL; break;		/* UNLOCK_PI, TRYLOCK_PI */
	case 9: use = T | V3 | BITS; break;		/* WAIT_BITSET */
	case 10: use = V3 | BITS; break;		/* WAKE_BITSET */
	case 11: use = T | U2; break;			/* WAIT_REQUEUE_PI */
	default: use = T | U2 | V3; break;
	}
	sc_p_addr(p, sc_arg_u(p, 0));
	sc_p_sep(p);
	print_futex_op(p, op);
	if (!(use & NOVAL)) {
		sc_p_sep(p);
		sc_p_uint(p, (uint32_t)sc_arg_u(p, 2));
	}
	if (use & T) {
		sc_p_sep(p);
		sc_p_timespec(p, sc_arg_u(p, 3));
	} else if (use & V2) {
		sc_p_sep(p);
		sc_p_uint(p, (uint32_t)sc_arg_u(p, 3));
	}
	if (use & U2) {
		sc_p_sep(p);
		sc_p_addr(p, sc_arg_u(p, 4));
	}
	if (use & V3) {
		uint32_t v3 = (uint32_t)sc_arg_u(p, 5);

		sc_p_sep(p);
		if ((use & BITS) && v3 == UINT32_MAX)
			sc_p_puts(p, "FUTEX_BITSET_MATCH_ANY");
		else
			sc_p_hex(p, v3);
	}
}

/* clone3's exit: the parent's copy of the new tid, then the size */
void sc_pc_clone3_tail(const struct sc_pctx *p)
{
	uint64_t args = sc_arg_u(p, 0), flags, ptid;
	int32_t tid;

	if (p->exiting && !p->failed && args && sc_arg_u(p, 1) >= 64 &&
	    sc_pmem_read(p, args, &flags, sizeof(flags)) == 0 &&
	    (flags & CLONE_PARENT_SETTID_FLAG) &&
	    sc_pmem_read(p, args + 24, &ptid, sizeof(ptid)) == 0 && ptid &&
	    sc_pmem_read(p, ptid, &tid, sizeof(tid)) == 0)
		sc_out_printf(p->out, " => {parent_tid=[%d]}", tid);
	sc_p_sep(p);
	sc_p_uint(p, sc_arg_u(p, 1));
}

