/* syscalls/: per-arch syscall tables, neutral ids, argument kinds, decoder
 * and seccomp filter builder. Knows nothing of ptrace or modules.
 *
 * Sources of truth:
 *   syscalls/semantics.def   one row per neutral syscall: name, argument
 *                            count, classes, kind of each argument. Shared by
 *                            every arch.
 *   syscalls/x86_64.def, syscalls/i386.def, syscalls/aarch64.def
 *                            one row per kernel number of that arch, naming
 *                            the neutral id (and the arch's spelling when it
 *                            differs, e.g. pread64 -> pread).
 * The tables are built from them by the C preprocessor at build time; there
 * is no hand-kept copy anywhere else.
 *
 * All functions return >= 0 on success or a negative errno.
 */
#ifndef UMV_SYSCALLS_H
#define UMV_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

enum sc_arch {
	SC_ARCH_UNKNOWN = 0,
	SC_ARCH_X86_64,
	SC_ARCH_I386,
	SC_ARCH_AARCH64,
	SC_ARCH_X32,		/* recognised and reported, never decoded */
	SC_ARCH_COUNT
};

/* Neutral syscall ids: one per syscall meaning, shared by all arches. */
enum sc_id {
	SC_ID_UNKNOWN = 0,
#define SC(name, ...) SC_ID_##name,
#include "syscalls/semantics.def"
#undef SC
	SC_ID_COUNT
};

/* What an argument is. The decoder attaches one to every argument; path
 * resolution keys on PATH/DIRFD/FD, the printer on all of them. New kinds
 * are appended at the end. */
enum sc_kind {
	SC_K_NONE = 0,		/* no such argument */
	SC_K_INT,		/* int, decimal */
	SC_K_UINT,
	SC_K_LONG,
	SC_K_ULONG,
	SC_K_HEX,		/* flags or values best printed in hex */
	SC_K_PTR,		/* opaque pointer */
	SC_K_LEN,		/* size_t length of a neighbouring buffer */
	SC_K_FD,		/* file descriptor */
	SC_K_DIRFD,		/* fd or AT_FDCWD, base of the next PATH */
	SC_K_PATH,		/* const char * path the kernel resolves */
	SC_K_STR,		/* const char * that is not a path (xattr name, fs type...) */
	SC_K_BUF_IN,		/* input buffer, length in the next SC_K_LEN */
	SC_K_BUF_OUT,		/* output buffer, length in the next SC_K_LEN, filled = result */
	SC_K_PATH_OUT,		/* output path buffer (getcwd, readlink) */
	SC_K_OPEN_FLAGS,
	SC_K_MODE,		/* octal mode_t */
	SC_K_AT_FLAGS,		/* AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, ... */
	SC_K_ACCESS_MODE,	/* F_OK / R_OK|W_OK|X_OK */
	SC_K_SIGNAL,
	SC_K_PID,
	SC_K_UID,
	SC_K_GID,
	SC_K_STAT_OUT,		/* struct stat * (arch layout) */
	SC_K_STAT64_OUT,	/* i386 struct stat64 * */
	SC_K_STATX_OUT,
	SC_K_STATFS_OUT,
	SC_K_SOCKADDR_IN,	/* const struct sockaddr *, length in next arg */
	SC_K_SOCKADDR_OUT,	/* struct sockaddr *, length via socklen_t * next arg */
	SC_K_SOCKLEN_PTR,
	SC_K_IOVEC_IN,		/* const struct iovec *, count in next arg */
	SC_K_IOVEC_OUT,
	SC_K_MSGHDR_IN,
	SC_K_MSGHDR_OUT,
	SC_K_ARGV,		/* char *const argv[] */
	SC_K_ENVP,
	SC_K_CLONE_FLAGS,
	SC_K_CLONE_ARGS,	/* struct clone_args * (clone3) */
	SC_K_MMAP_PROT,
	SC_K_MMAP_FLAGS,
	SC_K_FCNTL_CMD,
	SC_K_IOCTL_REQ,
	SC_K_SOCK_FAMILY,
	SC_K_SOCK_TYPE,
	SC_K_SOCKCALL,		/* i386 socketcall call number */
	SC_K_IPCCALL,		/* i386 ipc call number */
	SC_K_OFF64_LO,		/* low half of a 64-bit value split over two i386 registers */
	SC_K_OFF64_HI,
	SC_K_OPEN_HOW,		/* struct open_how * (openat2) */
	SC_K_TIMESPEC_IN,
	SC_K_TIMESPEC_OUT,
	SC_K_SIGSET,
	SC_K_SIGACTION,
	SC_K_WAIT_STATUS_OUT,
	SC_K_RUSAGE_OUT,
	SC_K_UID16,		/* i386 16-bit uid (chown16...): 0xffff means -1 */
	SC_K_GID16,
	SC_K_COUNT
};

/* Classes a syscall belongs to (bit set); modules and trace filters use
 * them to name groups of syscalls. */
enum sc_class {
	SC_CL_PATH = 1u << 0,	/* takes a path the kernel resolves */
	SC_CL_FD = 1u << 1,	/* takes an fd */
	SC_CL_NETWORK = 1u << 2,
	SC_CL_PROCESS = 1u << 3,	/* fork/exec/exit/wait */
	SC_CL_SIGNAL = 1u << 4,
	SC_CL_MEMORY = 1u << 5,
	SC_CL_IPC = 1u << 6,
	SC_CL_CREDS = 1u << 7,	/* uid/gid/caps */
	SC_CL_STAT = 1u << 8,	/* reports file metadata */
	SC_CL_PATH_OUT = 1u << 9,	/* returns a path (getcwd, readlink) */
	SC_CL_MOUNT = 1u << 10,
	SC_CL_MULTIPLEXER = 1u << 11,	/* socketcall, ipc */
};

struct sc_info {
	enum sc_id id;
	const char *name;	/* neutral name */
	uint8_t nargs;
	uint32_t classes;	/* enum sc_class bits */
	enum sc_kind kinds[6];
};

/* A reader of guest memory, for the decoder (i386 socketcall/ipc args) and
 * the printer. Returns bytes read or -errno, as libvmaccess does. */
struct sc_memreader {
	ssize_t (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	ssize_t (*read_str)(void *ctx, uint64_t addr, char *buf, size_t size);
	void *ctx;
};

/* One decoded call. */
struct sc_call {
	enum sc_arch arch;
	uint32_t audit_arch;
	uint64_t nr;		/* as the guest passed it (x32 bit included) */
	enum sc_id id;		/* after socketcall/ipc demux; SC_ID_UNKNOWN if none */
	const char *name;	/* arch spelling, or "syscall_0xNNN" */
	const struct sc_info *info;	/* NULL for unknown */
	uint8_t nargs;
	uint64_t args[6];	/* after demux and joining split 64-bit halves */
	enum sc_kind kinds[6];
	uint64_t raw[6];	/* registers as fetched */
	bool demuxed;		/* args came from guest memory (socketcall/ipc) */
	bool demux_failed;	/* socketcall/ipc whose call number is known but
				 * whose argument block could not be read (or MEM
				 * was NULL): left decoded as the multiplexer */
	char namebuf[32];	/* storage for "syscall_0xNNN" (any 64-bit nr) */
};

enum sc_arch sc_arch_from_audit(uint32_t audit_arch);
uint32_t sc_arch_audit(enum sc_arch arch);
const char *sc_arch_name(enum sc_arch arch);
int sc_arch_parse(const char *name, enum sc_arch *out);
enum sc_arch sc_arch_host(void);

/* Table look-ups. sc_nr_max is the highest number the arch table knows. */
const struct sc_info *sc_info(enum sc_id id);
enum sc_id sc_id_from_nr(enum sc_arch arch, uint64_t nr);
long sc_nr_from_id(enum sc_arch arch, enum sc_id id);	/* -ENOENT if absent */
const char *sc_nr_name(enum sc_arch arch, uint64_t nr);	/* arch spelling, NULL if unknown */
long sc_nr_max(enum sc_arch arch);
enum sc_id sc_id_from_name(const char *name);	/* neutral or any arch spelling */
const char *sc_id_name(enum sc_id id);

/* Print "NR NAME" lines of ARCH's table in number order (NAME is the arch
 * spelling). Returns the number of lines, or -EINVAL for an arch without a
 * table (x32, unknown), -EIO if writing failed. */
int sc_table_print(FILE *out, enum sc_arch arch);

/* Decode a syscall as fetched (PTRACE_GET_SYSCALL_INFO gives all three).
 * MEM may be NULL: i386 socketcall/ipc then stay undemuxed. Never fails on
 * unknown numbers or arches: they decode as "syscall_0xNNN" with raw args.
 * Returns 0, or -errno only for bad arguments. */
int sc_decode(uint32_t audit_arch, uint64_t nr, const uint64_t raw[6],
	      const struct sc_memreader *mem, struct sc_call *out);

/* ---- seccomp filter builder ---- */

/* SECCOMP_RET_DATA tags on our rules, so a stop caused by our filter is told
 * apart from one caused by a filter the guest installed itself. */
enum sc_filter_tag {
	SC_TAG_WANTED = 0x5501,		/* a syscall a module asked for */
	SC_TAG_UNKNOWN_ARCH = 0x5502,	/* arch we have no table for */
	SC_TAG_X32 = 0x5503,		/* x32 call on x86_64 */
	SC_TAG_BEYOND_TABLE = 0x5504,	/* number above our table's highest */
};

enum sc_filter_action {
	SC_FILTER_TRACE = 0,		/* SECCOMP_RET_TRACE (ptrace engine) */
	SC_FILTER_USER_NOTIF,		/* SECCOMP_RET_USER_NOTIF */
};

enum sc_cmp {
	SC_CMP_ANY = 0,		/* no condition */
	SC_CMP_EQ,
	SC_CMP_NE,
	SC_CMP_MASKED_EQ,	/* (arg & mask) == value */
	SC_CMP_MASKED_NE,	/* (arg & mask) != value */
};

/* One wanted syscall, optionally only when a condition on one argument
 * (neutral argument index, after split-64 joins) holds. Several rules for
 * one id are OR-ed. */
struct sc_filter_rule {
	enum sc_id id;
	enum sc_cmp cmp;
	uint8_t arg;
	uint64_t mask;
	uint64_t value;
};

struct sc_filter_spec {
	const struct sc_filter_rule *rules;
	size_t nrules;
	enum sc_filter_action action;
};

/* Build the BPF program for SPEC (native arch, plus i386 on x86_64 hosts).
 * Unknown arches, x32 calls and numbers above our tables' highest go to the
 * action too. *PROG_OUT is malloc'ed (free with sc_filter_free). An empty
 * spec builds nothing: returns 0 with *PROG_OUT = NULL. */
struct sock_fprog;
int sc_filter_build(const struct sc_filter_spec *spec, struct sock_fprog **prog_out);
void sc_filter_free(struct sock_fprog *prog);

/* Load a built program into the calling thread (sets no_new_privs; with
 * USER_NOTIF returns the listener fd). Returns 0 / fd, or -errno. */
int sc_filter_load(const struct sock_fprog *prog, enum sc_filter_action action);

#endif
