/* syscalls/printer_priv.h: internals shared by the printer's files. */
#ifndef UMV_SYSCALLS_PRINTER_PRIV_H
#define UMV_SYSCALLS_PRINTER_PRIV_H

#include "syscalls/printer.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- constant lists (syscalls/xlat/NAME.def) ---- */

struct sc_xlat_entry {
	uint64_t val;
	const char *name;
};

struct sc_xlat {
	const struct sc_xlat_entry *e;
	size_t n;
	const char *unknown;	/* comment for an unknown value: "AF_???" */
};

#define XLAT_LISTS(X) \
	X(open_access, "O_???") X(open_flags, "O_???") X(open_flags_aarch64, "O_???") \
	X(at_flags, "AT_???") X(faccessat_flags, "AT_???") X(statx_sync, "AT_STATX_???") \
	X(statx_mask, "STATX_???") X(statx_attrs, "STATX_ATTR_???") X(file_types, "S_IF???") \
	X(access_modes, "?_OK") X(mmap_prot, "PROT_???") X(mmap_type, "MAP_???") \
	X(mmap_flags, "MAP_???") X(clone_flags, "CLONE_???") X(fcntl_cmds, "F_???") \
	X(fd_flags, "FD_???") X(seals, "F_SEAL_???") X(whence, "SEEK_???") \
	X(wait_options, "W???") X(socket_families, "AF_???") X(socket_types, "SOCK_???") \
	X(socket_type_flags, "SOCK_???") X(inet_protocols, "IPPROTO_???") \
	X(netlink_protocols, "NETLINK_???") X(msg_flags, "MSG_???") X(sa_flags, "SA_???") \
	X(sigprocmask_how, "SIG_???") X(signals, "SIG???") X(rlimits, "RLIMIT_???") \
	X(clocks, "CLOCK_???") X(arch_prctl, "ARCH_???") X(socketcalls, "SYS_???") \
	X(ipccalls, "???") X(ioctls, NULL) X(futex_ops, "FUTEX_???") X(madvise, "MADV_???") \
	X(prctl_options, "PR_???") X(poll_events, "POLL???") \
	X(resolve_flags, "RESOLVE_???") X(fadvise_advice, "POSIX_FADV_???") X(mode_bits, "S_IS???") X(fs_magic, NULL) X(statfs_flags, "ST_???") \
	X(capabilities, "CAP_???") X(ip_opts, "IP_???") X(ipv6_opts, "IPV6_???") X(netlink_opts, "NETLINK_???") X(sigaltstack_flags, "SS_???") \
	X(priority_which, "PRIO_???") X(itimer_which, "ITIMER_???") X(sigev_notify, "SIGEV_???") X(timer_flags, "TIMER_???") \
	X(term_iflags, NULL) X(term_oflags, NULL) X(term_cflags, NULL) X(term_lflags, NULL) X(baud_rates, NULL) \
	X(ipc_flags, "IPC_???") X(shmat_flags, "SHM_???") X(sem_flags, "SEM_???") X(msgrcv_flags, "MSG_???") X(ipc_cmds, "IPC_???") X(shmctl_cmds, "SHM_???") X(semctl_cmds, "SEM_???") X(msgctl_cmds, "MSG_???") \
 \
	X(memfd_flags, "MFD_???") X(getrandom_flags, "GRND_???") X(mremap_flags, "MREMAP_???") X(msync_flags, "MS_???") X(shutdown_how, "SHUT_???") X(flock_ops, "LOCK_???") X(rename_flags, "RENAME_???") X(epoll_ctl_ops, "EPOLL_CTL_???") X(socket_levels, "SOL_???") X(sol_socket_opts, "SO_???") X(tcp_opts, "TCP_???") X(epoll_flags, "EPOLL_???") X(eventfd_flags, "EFD_???") X(inotify_flags, "IN_???") X(timerfd_flags, "TFD_???") X(signalfd_flags, "SFD_???") X(epoll_events, "EPOLL???")

#define XLAT_DECLARE(name, unk) extern const struct sc_xlat sc_xlat_##name;
XLAT_LISTS(XLAT_DECLARE)
#undef XLAT_DECLARE

const char *sc_xlat_lookup(const struct sc_xlat *x, uint64_t val);

/* ---- printing context ---- */

struct sc_pctx {
	struct sc_out *out;
	const struct sc_call *call;
	const struct sc_memreader *mem;
	const struct sc_print_opts *opts;
	unsigned word;		/* guest pointer size: 4 or 8 */
	bool exiting;		/* in sc_print_exit(): outputs are readable */
	bool failed;		/* the call returned an error */
	int64_t rval;		/* result (valid when exiting) */
	const struct sc_print_state *state;
};

/* Guest reads, capped and checked: 0 on a full read, -errno otherwise. */
int sc_pmem_read(const struct sc_pctx *p, uint64_t addr, void *buf, size_t len);
/* Reads a struct of LEN bytes at ADDR to decode it; when there is nothing
 * to decode (NULL, unreadable, short), prints NULL or the address as strace
 * does and returns false. */
bool sc_p_fetch(const struct sc_pctx *p, uint64_t addr, void *buf, size_t len);
/* A guest word (pointer/long) of the call's arch, zero-extended. */
int sc_pmem_word(const struct sc_pctx *p, uint64_t addr, uint64_t *val);

/* Numbers. */
void sc_p_hex(const struct sc_pctx *p, uint64_t v);	/* "0" or "0x..." */
void sc_p_addr(const struct sc_pctx *p, uint64_t v);	/* "NULL" or "0x..." */
void sc_p_int(const struct sc_pctx *p, int64_t v);
void sc_p_uint(const struct sc_pctx *p, uint64_t v);
void sc_p_octal(const struct sc_pctx *p, uint64_t v);	/* "000", "0644" */

/* Value-matched constant: NAME, or hex plus a comment naming the list
 * (DEC: plain decimal). */
void sc_p_xval(const struct sc_pctx *p, const struct sc_xlat *x, uint64_t v, bool dec);
/* Flag set: A|B|0x..., the zero-valued name or "0" for 0, and hex plus a
 * comment naming the list when no bit is known. */
void sc_p_flags(const struct sc_pctx *p, const struct sc_xlat *x, uint64_t v);
/* Like sc_p_flags but after a prefix already printed: "|A|B" or nothing. */
void sc_p_flags_rest(const struct sc_pctx *p, const struct sc_xlat *x, uint64_t v);

void sc_p_signal(const struct sc_pctx *p, int64_t sig);
void sc_p_open_flags(const struct sc_pctx *p, uint64_t flags);
/* A file mode as stat reports it: S_IFDIR|S_ISVTX|0777. */
void sc_p_mode(const struct sc_pctx *p, uint64_t mode);
/* A mode argument: octal, with the file type by name if present (mknod). */
void sc_p_mode_arg(const struct sc_pctx *p, uint64_t mode);

/* Strings. */
void sc_p_path(const struct sc_pctx *p, uint64_t addr);
void sc_p_str(const struct sc_pctx *p, uint64_t addr);	/* -s limited */
/* A buffer of LEN guest bytes, printed as a string up to the -s limit. */
void sc_p_buf(const struct sc_pctx *p, uint64_t addr, uint64_t len);

/* A buffer printed with every byte as \xNN (strace does so for getrandom). */
void sc_p_buf_hex(const struct sc_pctx *p, uint64_t addr, uint64_t len);

/* Structs (printer_struct.c). All print the address in hex when the read
 * fails, NULL for 0. */
void sc_p_stat(const struct sc_pctx *p, uint64_t addr);		/* arch struct stat */
void sc_p_stat64(const struct sc_pctx *p, uint64_t addr);	/* i386 struct stat64 */
void sc_p_statx(const struct sc_pctx *p, uint64_t addr);
void sc_p_sockaddr(const struct sc_pctx *p, uint64_t addr, uint64_t len);
void sc_p_iovec(const struct sc_pctx *p, uint64_t addr, uint64_t count,
		bool with_data, uint64_t data_len);
void sc_p_sigset(const struct sc_pctx *p, uint64_t addr, uint64_t size);
void sc_p_sigaction(const struct sc_pctx *p, uint64_t addr);
void sc_p_wait_status(const struct sc_pctx *p, uint64_t addr);
void sc_p_timespec(const struct sc_pctx *p, uint64_t addr);
void sc_p_rusage(const struct sc_pctx *p, uint64_t addr);
void sc_p_rlimit(const struct sc_pctx *p, uint64_t addr, bool is64);
void sc_p_argv(const struct sc_pctx *p, uint64_t addr);
void sc_p_envp(const struct sc_pctx *p, uint64_t addr);
void sc_p_int_array(const struct sc_pctx *p, uint64_t addr, unsigned n);	/* [3, 4] */
void sc_p_int_ptr(const struct sc_pctx *p, uint64_t addr);			/* [28] */
void sc_p_msghdr(const struct sc_pctx *p, uint64_t addr, bool out, uint64_t data_len);
void sc_p_dents_count(const struct sc_pctx *p, uint64_t addr, uint64_t bytes, bool is64);
void sc_p_pollfds(const struct sc_pctx *p, uint64_t addr, uint64_t n, bool out);
void sc_p_epoll_events(const struct sc_pctx *p, uint64_t addr, uint64_t n);
void sc_p_makedev(const struct sc_pctx *p, uint64_t dev);	/* makedev(0x1, 0x3) */
void sc_p_cpuset(const struct sc_pctx *p, uint64_t addr, uint64_t bytes);
void sc_p_stack_t(const struct sc_pctx *p, uint64_t addr);
void sc_p_itimerspec(const struct sc_pctx *p, uint64_t addr);
void sc_p_itimerval(const struct sc_pctx *p, uint64_t addr);
void sc_p_sigevent(const struct sc_pctx *p, uint64_t addr);
/* An fd_set of NFDS bits: [0 3]; returns false if unreadable. */
bool sc_p_fdset(const struct sc_pctx *p, uint64_t addr, int64_t nfds);
void sc_p_timeval(const struct sc_pctx *p, uint64_t addr);
void sc_p_termios(const struct sc_pctx *p, uint64_t addr);
void sc_p_winsize(const struct sc_pctx *p, uint64_t addr);
void sc_p_user_desc(const struct sc_pctx *p, uint64_t addr);
void sc_p_sembufs(const struct sc_pctx *p, uint64_t addr, uint64_t n);
void sc_p_msgbuf(const struct sc_pctx *p, uint64_t addr, uint64_t len);
void sc_p_statfs(const struct sc_pctx *p, uint64_t addr, bool is64);
void sc_p_sysinfo(const struct sc_pctx *p, uint64_t addr);
void sc_p_gid_array(const struct sc_pctx *p, uint64_t addr, uint64_t n, bool gid16);
void sc_p_utsname(const struct sc_pctx *p, uint64_t addr);
void sc_p_open_how(const struct sc_pctx *p, uint64_t addr, uint64_t size);
void sc_p_clone_args(const struct sc_pctx *p, uint64_t addr, uint64_t size);

static inline void sc_p_puts(const struct sc_pctx *p, const char *s)
{
	sc_out_puts(p->out, s);
}

/* ---- the call printer's internals (printer_args.c, printer_syscall.c,
 * printer_result.c) ---- */

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
	PR_SET_PDEATHSIG_OPT = 1,
	PR_GET_DUMPABLE_OPT = 3,
	PR_SET_NAME_OPT = 15,
	PR_GET_NAME_OPT = 16,
	PR_GET_SECCOMP_OPT = 21,
	PR_GET_NO_NEW_PRIVS_OPT = 39,
	PR_CAPBSET_READ_OPT = 23,
	PR_CAPBSET_DROP_OPT = 24,
	IOCTL_FIONREAD = 0x541b,
	IOCTL_TIOCOUTQ = 0x5411,
	IOCTL_TIOCGPGRP = 0x540f,
	IOCTL_TIOCSPGRP = 0x5410,
	IOCTL_FIONBIO = 0x5421,
	IOCTL_FICLONE = 0x40049409,
	IOCTL_TCGETS = 0x5401,
	IOCTL_TCSETS = 0x5402,
	IOCTL_TCSETSW = 0x5403,
	IOCTL_TCSETSF = 0x5404,
	IOCTL_TIOCGWINSZ = 0x5413,
	IOCTL_TIOCSWINSZ = 0x5414,
	IOCTL_TIOCGPTN = 0x80045430,
	IOCTL_TIOCSPTLCK = 0x40045431,
	ERR_INTR = 4,
	IPC_64_FLAG = 0x100,
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


static inline uint64_t sc_arg_u(const struct sc_pctx *p, int i)
{
	return p->call->args[i];
}

static inline int64_t sc_arg_i32(const struct sc_pctx *p, int i)
{
	return (int32_t)p->call->args[i];
}

static inline void sc_p_sep(const struct sc_pctx *p)
{
	sc_out_puts(p->out, ", ");
}

int sc_pc_shown_nargs(const struct sc_pctx *p);
bool sc_pc_is_output(const struct sc_pctx *p, int i);
bool sc_pc_skipped(const struct sc_pctx *p, int i);
int sc_pc_find_kind(const struct sc_call *c, enum sc_kind k);
void sc_pc_generic(const struct sc_pctx *p, int i);
bool sc_pc_ioctl_int_out(uint64_t req);
bool sc_pc_ioctl_out(uint64_t req);
void sc_pc_clone_flags(const struct sc_pctx *p, uint64_t v, bool with_signal);
void sc_pc_statx_flags(const struct sc_pctx *p, uint64_t v);
void sc_pc_fd_open_flags(const struct sc_pctx *p, uint64_t v);
void sc_pc_arg(const struct sc_pctx *p, int i);
void sc_pc_clone_tail(const struct sc_pctx *p);
void sc_pc_clone3_tail(const struct sc_pctx *p);
void sc_pc_futex(const struct sc_pctx *p);
bool sc_pc_hex_result(enum sc_id id);
void sc_pc_result(const struct sc_pctx *p, const struct sc_result *res);

#endif
