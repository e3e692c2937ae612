/* umvisor module SDK, ABI version 1.
 *
 * The only header a hypervisor module sees. A module is a shared object
 * (NAME.so) exporting exactly one symbol, the descriptor
 *
 *     const struct umv_module_ops umv_module_v1 = { ... };
 *
 * Every other umv_* function is provided by the umvisor binary at load time.
 * Functions that can fail return >= 0 on success or a negative errno; errno
 * is never used as a side channel.
 *
 * Life cycle:
 *   init(mod, options)   once, at start-up, before the guest runs. OPTIONS is
 *                        the text after "NAME:" on the command line (NULL if
 *                        none). Declare interests here with umv_want_*.
 *                        Return 0, or -errno to abort start-up (exit 125).
 *   enter(mod, call)     at each trapped syscall entry the module wants.
 *   leave(mod, call, &r) at that syscall's exit, only if enter said POST.
 *   process_exit(mod, pid, wstatus)  a guest process is gone (optional).
 *   fini(mod)            once, when the monitor exits.
 *
 * Dispatch order: enter runs in load order (the order of -m options); the
 * first verdict that is not UMV_PASS wins and later modules are not asked.
 * UMV_POST is the exception: it does not stop the chain (several modules can
 * ask for the exit stop); leave runs in reverse load order.
 * Observers (revision 2, observe/observe_exit) run after the chain, in load
 * order, whatever their position: they see the final verdict and which
 * module gave it.
 * Syscall ids are NOT part of the ABI: look them up by name with umv_sysid()
 * in init.
 */
#ifndef UMVISOR_MODULE_H
#define UMVISOR_MODULE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UMV_ABI_VERSION 1

struct umv_mod;			/* one loaded module instance (opaque) */
struct umv_call;		/* one trapped syscall (opaque) */

enum umv_verdict {
	UMV_PASS = 0,		/* let the kernel run the call as is */
	UMV_REWRITE,		/* run it with the args changed via umv_call_set_arg */
	UMV_EMULATE,		/* skip it; result from umv_call_set_result */
	UMV_POST,		/* run it, and call leave() at its exit */
};

/* Syscall classes, for umv_want_class and umv_call_classes. */
enum umv_class {
	UMV_CLASS_PATH = 1u << 0,	/* takes a path the kernel resolves */
	UMV_CLASS_FD = 1u << 1,
	UMV_CLASS_NETWORK = 1u << 2,
	UMV_CLASS_PROCESS = 1u << 3,	/* fork/exec/exit/wait */
	UMV_CLASS_SIGNAL = 1u << 4,
	UMV_CLASS_MEMORY = 1u << 5,
	UMV_CLASS_IPC = 1u << 6,
	UMV_CLASS_CREDS = 1u << 7,
	UMV_CLASS_STAT = 1u << 8,
	UMV_CLASS_PATH_OUT = 1u << 9,	/* returns a path (getcwd, readlink) */
	UMV_CLASS_MOUNT = 1u << 10,
	UMV_CLASS_MULTIPLEXER = 1u << 11,	/* i386 socketcall, ipc */
};

enum umv_arch {
	UMV_ARCH_UNKNOWN = 0,
	UMV_ARCH_X86_64,
	UMV_ARCH_I386,
	UMV_ARCH_AARCH64,
};

enum umv_log_level { UMV_LOG_ERROR = 0, UMV_LOG_WARN, UMV_LOG_INFO, UMV_LOG_DEBUG };

/* What the chain did with a call, as observers see it (revision 2). */
struct umv_outcome {
	enum umv_verdict verdict;	/* UMV_PASS, UMV_REWRITE or UMV_EMULATE */
	const char *module;	/* name of the deciding module; "umvisor" for the
				 * monitor's own emulation; NULL when passed */
	int64_t result;		/* UMV_EMULATE: the value the guest gets */
};

struct umv_module_ops {
	uint32_t abi;		/* UMV_ABI_VERSION */
	uint32_t size;		/* sizeof(struct umv_module_ops) as built */
	const char *name;
	const char *summary;	/* one line for --help */
	int (*init)(struct umv_mod *mod, const char *options);
	void (*fini)(struct umv_mod *mod);
	enum umv_verdict (*enter)(struct umv_mod *mod, struct umv_call *call);
	void (*leave)(struct umv_mod *mod, struct umv_call *call, int64_t *result);
	void (*process_exit)(struct umv_mod *mod, pid_t pid, int wstatus);

	/* ---- revision 2: observers (trace). All optional. ----
	 * observe(mod, call, outcome)  after the whole chain (and the monitor's
	 *     own emulation) decided, for every call the module wants, whatever
	 *     its place in the load order. Runs before the writes; the call's
	 *     arguments are those the kernel will see. Must not change the call
	 *     (set_arg/set_result return -EPERM). Return 1 to get observe_exit
	 *     for this call, 0 otherwise.
	 * observe_exit(mod, call, result)  at the call's exit, after every
	 *     leave(), with the result the guest gets. For an emulated call it
	 *     runs at once. Also runs for a call interrupted by a signal, with
	 *     the kernel's restart code (-512 ERESTARTSYS ...), since the guest
	 *     re-enters it as a new call. It does not run when the thread never
	 *     comes back (exit, exit_group, killed): thread_exit tells that;
	 *     nor for the old leader's call when another thread execs:
	 *     exec_takeover (revision 3) tells that.
	 * signal(mod, pid, tid, info)  a signal is about to be delivered to TID
	 *     (signal-delivery stop; INFO as PTRACE_GETSIGINFO gives it).
	 * thread_start(mod, pid, tid, parent_tid)  a new guest thread or
	 *     process (PID == TID) is known; PARENT_TID 0 for the initial one.
	 * thread_exit(mod, pid, tid, wstatus)  a guest thread is gone (every
	 *     thread, leader included, before process_exit for the leader).
	 * Calls through the legacy vsyscall page and vDSO calls are never
	 * observed (see doc/modules.md). */
	int (*observe)(struct umv_mod *mod, struct umv_call *call,
		       const struct umv_outcome *outcome);
	void (*observe_exit)(struct umv_mod *mod, struct umv_call *call, int64_t result);
	void (*signal)(struct umv_mod *mod, pid_t pid, pid_t tid, const siginfo_t *info);
	void (*thread_start)(struct umv_mod *mod, pid_t pid, pid_t tid, pid_t parent_tid);
	void (*thread_exit)(struct umv_mod *mod, pid_t pid, pid_t tid, int wstatus);

	/* ---- revision 3: exec from a non-leader thread. Optional. ----
	 * exec_takeover(mod, pid, former_tid)  thread FORMER_TID of process
	 *     PID called execve and it succeeded: the kernel gave it the
	 *     leader's tid (PID). The old leader thread is gone without an
	 *     exit report (no thread_exit), and so is the tid FORMER_TID;
	 *     whatever call the old leader had in flight never returns. The
	 *     execve's own exit (leave, observe_exit) follows under tid PID. */
	void (*exec_takeover)(struct umv_mod *mod, pid_t pid, pid_t former_tid);
	/* Later ABI revisions append members here; SIZE tells which exist. */
};

/* The descriptor symbol every module exports. */
extern const struct umv_module_ops umv_module_v1;

/* ---- interests (init only; -EBUSY afterwards) ---- */
/* NAME is a neutral or arch spelling ("openat", "pread64", "stat64").
 * Returns 0, -ENOENT (no such syscall on any arch), -EBUSY, -EINVAL (NULL
 * module or name). */
int umv_want_syscall(struct umv_mod *mod, const char *name);
/* CLASSES is a bit set of enum umv_class. Returns 0, -EINVAL (no class, or
 * unknown bits), -EBUSY. */
int umv_want_class(struct umv_mod *mod, unsigned classes);
/* Every syscall of every arch. Returns 0 or -EBUSY. */
int umv_want_all(struct umv_mod *mod);

/* ---- syscall ids ---- */
/* The neutral id of NAME (> 0), or -ENOENT. Valid for this run only. */
int umv_sysid(const char *name);
/* Neutral name of ID, or NULL. */
const char *umv_sysid_name(int id);

/* ---- the call (valid during enter/leave only) ---- */
const char *umv_call_name(const struct umv_call *call);	/* arch spelling */
int umv_call_sysid(const struct umv_call *call);	/* 0 when unknown */
enum umv_arch umv_call_arch(const struct umv_call *call);
unsigned umv_call_classes(const struct umv_call *call);
unsigned umv_call_nargs(const struct umv_call *call);
/* Argument IDX (0..5) as decoded (i386 split 64-bit values joined,
 * socketcall demuxed); 0 for IDX >= 6. */
uint64_t umv_call_arg(const struct umv_call *call, unsigned idx);
/* Change argument IDX (enter only; return UMV_REWRITE). Returns 0, -EINVAL
 * (bad index, or a call whose decoded arguments are not one register each:
 * i386 ipc, or any argument of an i386 call that splits a 64-bit value over
 * two registers), -EPERM (not in enter). An i386 socketcall
 * argument is changed in a copy of its argument block placed in the
 * scratch slot (see umv_call_put_buf): then also -EINPROGRESS, -EFAULT. */
int umv_call_set_arg(struct umv_call *call, unsigned idx, uint64_t value);
/* Ask for this module's leave() at the call's exit whatever the verdict
 * (REWRITE + leave, for instance). UMV_POST is PASS + this. For an emulated
 * call leave() runs at once with the emulated result. Enter only: returns 0
 * or -EPERM. */
int umv_call_want_leave(struct umv_call *call);
/* The value the guest gets (enter only; return UMV_EMULATE): a result or
 * -errno. Returns 0 or -EPERM. */
int umv_call_set_result(struct umv_call *call, int64_t result);
pid_t umv_call_pid(const struct umv_call *call);	/* process id (tgid) */
pid_t umv_call_tid(const struct umv_call *call);

/* ---- guest memory of the calling process ---- */
/* Returns bytes copied (short count at the first unreadable byte), or
 * -EFAULT (nothing accessible at ADDR), -ESRCH (guest gone), -EPERM (no
 * access), -EINVAL. */
ssize_t umv_vm_read(struct umv_call *call, uint64_t addr, void *buf, size_t len);
ssize_t umv_vm_write(struct umv_call *call, uint64_t addr, const void *buf, size_t len);
/* NUL-terminated string of at most SIZE - 1 bytes; returns its length, or
 * -EFAULT, -ENAMETOOLONG (no NUL within SIZE - 1 bytes), -ESRCH, -EPERM. */
ssize_t umv_vm_read_str(struct umv_call *call, uint64_t addr, char *buf, size_t size);

/* ---- revision 2: formatting a call as strace 6.1 does ----
 * Two halves, because input memory may be gone at exit (execve's argv) and
 * output arguments exist only at exit:
 *   umv_call_format_enter()  "NAME(" and every argument known at entry;
 *   umv_call_format_exit()   the output arguments, ")" and " = RESULT"
 *                            (e.g. " = -1 ENOENT (No such file or directory)").
 * Both APPEND to the NUL-terminated text already in BUF (so a tid prefix,
 * the entry half or "<... NAME resumed>" can come first, and opts->align
 * counts from the start of BUF, as strace's column does). The text is cut
 * (ending in "...<cut>") if it does not fit in SIZE - 1 bytes; it is always
 * NUL-terminated. Both return the whole text's length, or
 * -EINVAL (NULL argument, SIZE 0, exit without a matching enter). Guest
 * memory that cannot be read prints as an address, never an error. */
struct umv_format_opts {
	uint32_t size;		/* sizeof(struct umv_format_opts) */
	uint32_t string_limit;	/* like strace -s (0: 32) */
	uint32_t align;		/* column of " = RESULT" (strace -a; 0: one space) */
	uint32_t flags;		/* UMV_FORMAT_* */
};
#define UMV_FORMAT_RAW 1u	/* every argument in hex */
#define UMV_FORMAT_VERBOSE 2u	/* unabbreviated structs (strace -v) */

/* Carries what the exit half needs from the entry half; opaque. */
struct umv_format_state {
	uint64_t opaque[4];
};

ssize_t umv_call_format_enter(struct umv_call *call, const struct umv_format_opts *opts,
			      struct umv_format_state *state, char *buf, size_t size);
ssize_t umv_call_format_exit(struct umv_call *call, const struct umv_format_opts *opts,
			     const struct umv_format_state *state, int64_t result,
			     char *buf, size_t size);
/* "ENOENT" / "No such file or directory" for -ENOENT or ENOENT (kernel
 * restart codes included: "ERESTARTSYS"); NULL if unknown. */
const char *umv_errno_name(int64_t err);
const char *umv_errno_message(int64_t err);
/* "SIGCHLD", "SIGRTMIN", "SIGRT_3" into BUF; NULL if out of range. */
const char *umv_signal_name(int sig, char *buf, size_t size);
/* The NTH (0-based) argument of the call that is a path the kernel
 * resolves, as the guest passed it (relative paths stay relative).
 * Returns its length, -ENOENT (no such argument), -EFAULT, -ENAMETOOLONG,
 * -ESRCH, -EINVAL. */
ssize_t umv_call_path_arg(struct umv_call *call, unsigned nth, char *buf, size_t size);
/* The call's dirfd argument paired with its NTH path (AT_FDCWD = -100 when
 * the call has none, as for open). */
int umv_call_path_dirfd(const struct umv_call *call, unsigned nth);

/* ---- module state and logging ---- */
void umv_mod_set_data(struct umv_mod *mod, void *data);
void *umv_mod_get_data(const struct umv_mod *mod);
const char *umv_mod_name(const struct umv_mod *mod);
/* One line on the monitor's log, "umvisor: NAME: ...", if LEVEL passes -v/-q. */
void umv_log(struct umv_mod *mod, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- path virtualization (redirecting modules; init only) ----
 * Paths the guest names are resolved in its own namespace by the monitor:
 * once anything is mounted, every path-taking syscall is trapped and its
 * path arguments rewritten to host paths (see doc/design.md). */
/* Make HOST (an existing directory or file) appear at guest path GUEST
 * (absolute; "/" makes HOST the guest's root). A later bind at the same
 * GUEST shadows an earlier one; the longest prefix wins. FLAGS must be 0.
 * Returns 0, -EINVAL (relative path, flags), -ENOENT/-ENOTDIR/-EACCES/...
 * (HOST cannot be used, as stat(2) says), -EBUSY (not in init), -ENOMEM. */
int umv_vfs_bind(struct umv_mod *mod, const char *host, const char *guest, unsigned flags);
/* The guest's initial working directory (absolute guest path), checked
 * when the guest starts. Returns 0, -EINVAL, -EBUSY, -ENOMEM. */
int umv_vfs_set_cwd(struct umv_mod *mod, const char *guest);

/* ---- net: conditional interests and argument buffers (additive) ---- */
/* Argument conditions for umv_want_syscall_if. */
enum umv_cmp {
	UMV_CMP_EQ = 1,
	UMV_CMP_NE,
	UMV_CMP_MASKED_EQ,	/* (arg & MASK) == VALUE */
	UMV_CMP_MASKED_NE,	/* (arg & MASK) != VALUE */
};
/* Trap NAME only when argument ARG (neutral index) compares to VALUE as
 * CMP says (MASK is used by the MASKED forms only), so the other calls run
 * natively with no stop: e.g. sendto only with a destination address,
 * ("sendto", 4, UMV_CMP_NE, 0, 0). Several conditions on one syscall are
 * OR-ed; a plain umv_want_syscall of it (by any module) traps it whole.
 * enter() may still see calls the condition does not hold for: i386
 * socketcall keeps its arguments in memory and is trapped regardless.
 * Returns 0, -ENOENT (no such syscall), -EINVAL (ARG beyond the syscall's
 * arguments, bad CMP), -EBUSY (not in init), -ENOMEM. */
int umv_want_syscall_if(struct umv_mod *mod, const char *name, unsigned arg, enum umv_cmp cmp,
			uint64_t mask, uint64_t value);
/* Copy LEN bytes of DATA into the calling thread's scratch slot, memory
 * the monitor maps in the guest (never its stack), and give its guest
 * address in *ADDR: valid until this call returns; up to 32 KiB - 64 bytes
 * per call. Enter only. Returns 0, -EINPROGRESS (the area is being mapped
 * first: return any verdict; the call is run again after, and enter() is
 * asked again), -ENOSPC, -EFAULT, -EPERM (not in enter), -EINVAL. */
int umv_call_put_buf(struct umv_call *call, const void *data, size_t len, uint64_t *addr);
/* Point argument IDX at a copy of DATA in the scratch slot (return
 * UMV_REWRITE). For an i386 socketcall the guest's argument block is left
 * alone: a copy with IDX changed is placed beside DATA. Errors as
 * umv_call_put_buf, and -EINVAL for a split 64-bit or ipc argument. */
int umv_call_set_arg_buf(struct umv_call *call, unsigned idx, const void *data, size_t len);

/* ---- synthetic files: content a module generates (additive) ---- */
/* Serve the open the call makes with DATA instead of the file its path
 * argument IDX names: the LEN bytes are written to a new file (mode 0444)
 * in a private directory of the monitor, and argument IDX is pointed at
 * that file's host path (a copy in the scratch slot, as
 * umv_call_set_arg_buf). Return UMV_REWRITE: the kernel opens the file, so
 * read, pread, lseek, mmap and fstat run natively on the content (serve
 * read-only opens: the file is 0444, but a guest that is really root
 * could write it). With the path layer on (-b, -r), a path missing from
 * the guest's view fails with ENOENT before modules are asked. The file is
 * unlinked when the call returns; the descriptor keeps it (readlink of
 * /proc/self/fd/N shows the private path, " (deleted)"). Content is per
 * call: generate it for the calling thread (/proc/self/status) or the
 * process it names (/proc/PID/status). Enter only.
 * Returns 0, -EINPROGRESS (the scratch area is being mapped first: return
 * any verdict; the call is run again after, and enter() is asked again),
 * -EINVAL (NULL call, DATA NULL with a length, IDX not a path argument of
 * the call, or an argument umv_call_set_arg_buf cannot change), -EPERM
 * (not in enter), -ENOSPC (the data does not fit on the monitor's disk,
 * or the path in the slot), -ENOMEM, -EACCES/-EROFS (no private directory
 * could be made in $TMPDIR or /tmp), -EFAULT. */
int umv_call_redirect_content(struct umv_call *call, unsigned idx, const void *data,
			      size_t len);

/* ---- memfs/dev: module-owned stream fds ----
 * A module serves a directory of nodes; each open of a node gives the
 * guest a fd of its own (one FIFO per open, made by the monitor), whose
 * other end the monitor holds. The guest's read/write/poll/dup/fork/exec/
 * close_range/SCM_RIGHTS on it are the kernel's, with no stop; the module
 * produces what the guest reads, or consumes what it writes, on the
 * monitor's stream thread. Nodes look like FIFOs (stat: S_IFIFO). */
struct umv_stream;		/* one open of a node (opaque) */

#define UMV_STREAM_READ 1u	/* the guest reads (module produces) */
#define UMV_STREAM_WRITE 2u	/* the guest writes (module consumes) */

struct umv_stream_node {
	const char *name;	/* one path component */
	unsigned mode;		/* UMV_STREAM_READ and/or UMV_STREAM_WRITE */
};

struct umv_stream_ops {
	uint32_t size;		/* sizeof(struct umv_stream_ops) */
	/* Main thread, in the guest's open: set up the stream's state
	 * (umv_stream_set_data). MODE is the one direction of this open.
	 * Return 0, or -errno for the guest's open. Optional. */
	int (*open)(struct umv_mod *mod, struct umv_stream *s, const char *name, unsigned mode);
	/* Stream thread: up to LEN bytes for the guest to read into BUF.
	 * Return their number (> 0), 0 for end of file, or -errno (the guest
	 * then reads end of file). Required for readable nodes. */
	ssize_t (*produce)(struct umv_mod *mod, struct umv_stream *s, void *buf, size_t len);
	/* Stream thread: LEN bytes the guest wrote. Optional. */
	void (*consume)(struct umv_mod *mod, struct umv_stream *s, const void *buf, size_t len);
	/* Stream thread (or main thread at umv_stream_stop): every guest fd
	 * of this open is closed (the FIFO's other end is gone), or the
	 * open failed after ops->open. Free the stream's state. Optional. */
	void (*release)(struct umv_mod *mod, struct umv_stream *s);
};

/* Serve the N NODES in directory GUEST_DIR (absolute; bound like
 * umv_vfs_bind, so `ls GUEST_DIR` lists them), one directory per module.
 * Wants open, openat, openat2 and creat for MOD: its enter() must hand
 * them to umv_stream_enter() and its leave() to umv_stream_leave().
 * Init only. Returns 0, -EINVAL (bad path, names, modes or ops), -EBUSY
 * (not in init), -EEXIST (this module serves a directory already),
 * -ENOMEM, or -errno from creating the private directory. */
int umv_stream_dir(struct umv_mod *mod, const char *guest_dir, const struct umv_stream_node *nodes,
		   size_t n, const struct umv_stream_ops *ops);
/* In enter(): an open of one of MOD's nodes becomes an open of a new FIFO
 * (UMV_REWRITE, leave() asked for), or is refused (UMV_EMULATE: ENOTDIR
 * for O_DIRECTORY, EEXIST for O_CREAT|O_EXCL, EINVAL for O_RDWR, EACCES
 * for a direction the node does not serve, or ops->open's error). Any
 * other call: UMV_PASS. */
enum umv_verdict umv_stream_enter(struct umv_mod *mod, struct umv_call *call);
/* In leave(): hands the stream to the stream thread once the guest's open
 * succeeded (or releases it when it failed). */
void umv_stream_leave(struct umv_mod *mod, struct umv_call *call, int64_t *result);
void umv_stream_set_data(struct umv_stream *s, void *data);
void *umv_stream_get_data(const struct umv_stream *s);
/* In fini(): releases MOD's streams and removes its directory. */
void umv_stream_stop(struct umv_mod *mod);

/* ---- cow: trees a module owns and maps itself (additive) ----
 * umv_vfs_own() mounts a tree whose every path the module maps to a host
 * path (cow: the upper copy if there is one, else the lower one, or a path
 * that does not exist for a deleted name). The monitor's walk asks lookup()
 * at each name below the mount point, so symlinks, "..", trailing slashes
 * keep the walk's semantics. Then, for each path argument that ends inside
 * the tree, prepare() is told what the call is about to do to it (the
 * intent) and may copy up, replace the host path or answer the call itself.
 * The monitor refuses (EROFS, one log line) any call other than
 * UMV_INTENT_READ whose final host path is not inside HOST (the writable
 * directory given to umv_vfs_own): the lower tree cannot be reached for a
 * change even by a module bug. rename() is asked for renames with both ends
 * in the tree; renames and links between the tree and elsewhere get EXDEV.
 * All callbacks run in the monitor, between the guest's stops. */
enum umv_intent {
	UMV_INTENT_READ = 0,	/* stat, open read-only, exec, chdir, readlink, getxattr */
	UMV_INTENT_WRITE,	/* open for writing, O_TRUNC or O_CREAT (may be missing) */
	UMV_INTENT_META,	/* chmod/chown/utimes/truncate/xattr changes; link source */
	UMV_INTENT_MKDIR,	/* mkdir: the name (exists = 0 unless EEXIST) */
	UMV_INTENT_MKNOD,	/* mknod, symlink, link target: a new non-directory */
	UMV_INTENT_UNLINK,	/* unlink, unlinkat */
	UMV_INTENT_RMDIR,	/* rmdir, unlinkat(AT_REMOVEDIR) */
	UMV_INTENT_TMPFILE,	/* open(O_TMPFILE): the directory gets an unnamed file */
	UMV_INTENT_OTHER,	/* anything else (mount, swapon, bind of a socket...) */
};

/* umv_owned_target.flags */
#define UMV_OWNED_NOFOLLOW 0x1u	/* the final symlink itself (lchown, O_NOFOLLOW) */
#define UMV_OWNED_TRUNC 0x2u	/* open(O_TRUNC): content need not be copied */
#define UMV_OWNED_EXCL 0x4u	/* open(O_CREAT|O_EXCL) */

struct umv_owned_target {
	const char *rel;	/* below the mount point, no leading '/'; "" = its root */
	const char *host;	/* what lookup() gave (the walk's result) */
	int exists;		/* 1 yes, 0 no, -1 unknown */
	mode_t type;		/* S_IFMT bits when exists == 1 */
	unsigned flags;		/* UMV_OWNED_* */
};

struct umv_owned_ops {
	uint32_t size;		/* sizeof(struct umv_owned_ops) as built */
	/* Host path of REL in *HOST (malloc'd, absolute). PARENT_HOST is what
	 * lookup() gave for REL's parent, or NULL (REL is "" or the monitor
	 * does not know it). A name that does not exist must give a host path
	 * that does not exist. Returns 0 or -errno (the guest gets it). */
	int (*lookup)(void *data, const char *rel, const char *parent_host, char **host);
	/* Before CALL runs on TARGET with INTENT. Returns 0: run it on *HOST
	 * (left as is, or freed and replaced by a malloc'd path); 2: the same,
	 * and call done() with the call's result (to undo a preparation the
	 * call did not use, e.g. a whiteout removed for a creation that then
	 * failed); 1: answered, *RESULT is what the guest gets; or -errno for
	 * the guest. */
	int (*prepare)(void *data, struct umv_call *call, enum umv_intent intent,
		       const struct umv_owned_target *target, char **host, int64_t *result);
	/* rename/renameat/renameat2 with both ends in the tree; FLAGS as
	 * renameat2's. Returns the guest's result (0 or -errno). */
	int64_t (*rename)(void *data, struct umv_call *call, const struct umv_owned_target *src,
			  const struct umv_owned_target *dst, unsigned flags);
	/* A host path the guest holds (an fd, its cwd) back to REL (malloc'd
	 * in *REL): 0, or -ENOENT when it is not one of the module's. */
	int (*host_to_rel)(void *data, const char *host, char **rel);
	/* After a call prepare() returned 2 for, with its result (also when
	 * the call was answered without running: then the answer). Optional. */
	void (*done)(void *data, struct umv_call *call, enum umv_intent intent, const char *rel,
		     int64_t result);
};

/* Mount a module-owned tree at GUEST (absolute; not "/"). HOST is the
 * writable host directory every change must land in; OPS is copied, DATA
 * is passed back. Init only. Returns 0, -EINVAL (NULL or relative path,
 * missing lookup/prepare/rename, OPS->size too small), -EBUSY (not in
 * init), -ENOENT/-ENOTDIR (HOST unusable), -ENOMEM. */
int umv_vfs_own(struct umv_mod *mod, const char *guest, const char *host,
		const struct umv_owned_ops *ops, void *data);

/* ---- runtime mounts: mount(2) from inside the guest (additive) ----
 * A guest process may call mount(OPTIONS, TARGET, "umvisor.NAME", 0, NULL)
 * (umvisor-mount -t umvisor.NAME OPTIONS TARGET): the monitor loads NAME.so
 * as a new instance and runs its init with OPTIONS ("" or "none": NULL)
 * while the guest runs. TARGET, an existing directory in the guest's view,
 * is resolved by the monitor; init must mount there and nowhere else: with
 * umv_vfs_bind or umv_vfs_own at exactly umv_mod_mount_point(mod) (other
 * guest paths: -EINVAL; umv_vfs_set_cwd and umv_stream_dir: -EBUSY). The
 * guest's mount gets init's -errno, or EINVAL when init mounted nothing,
 * or when a syscall the module wants is not trapped already (the filter
 * cannot grow once the guest runs: see --runtime-mounts in umvisor(1));
 * ENODEV when no module NAME is found. Modules with observe or signal
 * callbacks cannot be mounted at run time. umount(TARGET) removes the
 * mount, runs fini and closes the .so. Instances loaded with -m are not
 * affected (their umv_mod_mount_point is NULL). */
/* The canonical guest path this instance is being mounted at by a guest's
 * mount(2), or NULL for a module loaded from the command line. Valid from
 * init to fini. A module using it needs a umvisor that has it (dlopen of
 * the module fails otherwise). */
const char *umv_mod_mount_point(const struct umv_mod *mod);
/* The host path (malloc'd, in *HOST) of PATH, a path option of a runtime
 * mount: the guest names paths in its own view, which the module must
 * never leave (cow lower=, memfs save=). Resolved as the mounting process
 * would (its cwd and root; the last name may be missing). For a module
 * loaded from the command line PATH is a host path already: a copy.
 * Init only. Returns 0, -EINVAL (NULL or empty argument, or PATH inside a
 * module-owned tree), -EBUSY (not in init), -ENOMEM, or the guest's errno
 * for the path (-ENOENT, -ENOTDIR, -EACCES...). */
int umv_vfs_host_path(struct umv_mod *mod, const char *path, char **host);

/* ---- a private working directory (additive) ----
 * Makes BASE/umvisor-NAME.XXXXXX (BASE NULL: $TMPDIR, else /tmp; NAME the
 * module's), mode 0700, in *PATH (malloc'd). The monitor holds a lock on it
 * until the instance's fini has returned; before making it, it removes the
 * unlocked umvisor-NAME.* directories of the same user in BASE: what
 * instances killed with their monitor (SIGKILL) left. So fini removes the
 * tree, or, to keep it for the user, renames it to a name outside that
 * pattern first. One per instance, init only. Returns 0, -EINVAL, -EBUSY
 * (not in init), -EEXIST (a second call), -ENOMEM, or mkdir's -errno. */
int umv_private_dir(struct umv_mod *mod, const char *base, char **path);

/* ---- path text (additive) ----
 * Folds the repeated slashes, "." and ".." names of the absolute PATH in
 * place, lexically (".." removes the name before it, whatever that is on
 * disk; at the root it stays there); no trailing slash is kept but for
 * "/". Returns 0, or -EINVAL for NULL or a relative PATH. */
int umv_path_fold(char *path);

#ifdef __cplusplus
}
#endif

#endif
