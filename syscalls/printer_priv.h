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
	X(resolve_flags, "RESOLVE_???") \
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
void sc_p_mode(const struct sc_pctx *p, uint64_t mode);		/* S_IFREG|0644 */

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
void sc_p_utsname(const struct sc_pctx *p, uint64_t addr);
void sc_p_open_how(const struct sc_pctx *p, uint64_t addr, uint64_t size);
void sc_p_clone_args(const struct sc_pctx *p, uint64_t addr, uint64_t size);

static inline void sc_p_puts(const struct sc_pctx *p, const char *s)
{
	sc_out_puts(p->out, s);
}

#endif
