/* monitor/: internal interfaces of the umvisor program.
 *
 * Everything here is private to the binary; the only exported surface is the
 * module SDK (umv_* in modules/include/umvisor/module.h). Internal names use
 * the mon_ prefix so the version script can export umv_* and nothing else.
 * Functions return >= 0 or -errno unless documented otherwise.
 */
#ifndef UMV_MONITOR_H
#define UMV_MONITOR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>

/* Exit codes of the monitor itself (like env(1) and shells). */
#define MON_EXIT_ERROR 125	/* usage, module, internal error */
#define MON_EXIT_NOEXEC 126	/* program found but not executable */
#define MON_EXIT_NOTFOUND 127	/* program not found */

/* ---- log.c ---- */
enum mon_log_level { MON_LOG_ERROR = 0, MON_LOG_WARN, MON_LOG_INFO, MON_LOG_DEBUG };
void mon_log_set_level(int level);
int mon_log_level(void);
void mon_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mon_vlog(int level, const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Log once per KEY (a static flag owned by the caller). */
#define mon_log_once(flag, level, ...)                                         \
	do {                                                                   \
		if (!(flag)) {                                                 \
			(flag) = true;                                         \
			mon_log(level, __VA_ARGS__);                           \
		}                                                              \
	} while (0)

/* ---- private_dir.c ---- */
/* Makes $TMPDIR/STEM.XXXXXX (or under /tmp), after removing the stale ones
 * killed monitors of this user left; the directory stays flock'ed through
 * *LOCK_FD_OUT (close-on-exec) while the monitor lives. 0 or -errno. */
int mon_private_dir_make(const char *stem, char **path_out, int *lock_fd_out);
/* The same under BASE (NULL: $TMPDIR or /tmp). */
int mon_private_dir_make_in(const char *base, const char *stem, char **path_out,
			    int *lock_fd_out);
/* Removes a tree the monitor made, read-only directories included. */
void mon_private_dir_remove_tree(const char *path);

/* ---- options.c ---- */
struct mon_module_spec {
	char *name;		/* NAME or a path containing '/' */
	char *options;		/* text after the first ':' (may be NULL) */
};

enum mon_engine { MON_ENGINE_AUTO = 0, MON_ENGINE_PTRACE };

struct mon_options {
	struct mon_module_spec *modules;
	size_t nmodules;
	enum mon_engine engine;
	bool stats;
	bool same_cpu;
	bool runtime_mounts;	/* trap what any runtime mount may want */
	const char *dump_filter;	/* --dump-filter: where to write the BPF (argv's) */
	int verbosity;		/* 0 = warnings, -1 = quiet, 1.. = -v count */
	char **argv;		/* program and its arguments (NULL-terminated) */
};

/* Parses ARGV. Returns 0 when a program must be run, 1 when the request is
 * complete (--help, --version, --syscalls printed), -EINVAL on a usage error
 * (already reported). */
int mon_options_parse(int argc, char **argv, struct mon_options *out);
void mon_options_free(struct mon_options *opts);

/* ---- stats.c: every ptrace request goes through mon_ptrace ---- */
enum mon_req_kind {
	MON_REQ_FETCH = 0,	/* GET_SYSCALL_INFO, GETREGSET */
	MON_REQ_WRITE,		/* POKEUSER, SET_SYSCALL_INFO */
	MON_REQ_RESUME,		/* CONT, SYSCALL, LISTEN */
	MON_REQ_OTHER,		/* SEIZE, GETEVENTMSG, ... */
	MON_REQ_COUNT
};
long mon_ptrace(enum mon_req_kind kind, int request, pid_t tid, void *addr, void *data);
/* Returns -errno of the last failed mon_ptrace in this thread. */
struct mon_req_snapshot { uint64_t n[MON_REQ_COUNT]; };
void mon_req_snapshot(struct mon_req_snapshot *out);
/* Account one handled stop: DELTA = requests since BEFORE. ENTRY = a trapped
 * entry (seccomp or PTRACE_SYSCALL entry), else an exit stop. */
void mon_stats_stop(const struct mon_req_snapshot *before, bool entry, const char *name);
void mon_stats_print(FILE *out);
void mon_stats_free(void);
/* For tests: the request counters as a whole. */
uint64_t mon_stats_requests(enum mon_req_kind kind);
/* Non-syscall stops, for --stats. */
enum mon_event_kind {
	MON_EV_NEW_THREAD = 0,	/* fork/vfork/clone events */
	MON_EV_ORPHAN,		/* a new thread stopped before its parent's event */
	MON_EV_EXEC,
	MON_EV_SIGNAL,		/* signals injected */
	MON_EV_GROUP_STOP,
	MON_EV_COUNT
};
void mon_stats_event(enum mon_event_kind kind);
/* Forget requests made before the guest started (the probe's). */
void mon_stats_reset_requests(void);

/* ---- probe.c ---- */
struct mon_features {
	bool seccomp_trace;	/* filter + SECCOMP_RET_TRACE stops work */
	bool get_syscall_info;
	bool set_syscall_info;
	bool process_vm;
};
/* Probes once (forked child), honouring UMVISOR_FORCE_NO_SECCOMP,
 * UMVISOR_FORCE_NO_GET_SYSCALL_INFO, UMVISOR_FORCE_NO_SET_SYSCALL_INFO,
 * UMVISOR_FORCE_NO_PROCESS_VM (value "1"). */
const struct mon_features *mon_probe(void);

/* ---- regs_<arch>.c: the only arch-specific file ---- */
enum mon_stop_op { MON_OP_NONE = 0, MON_OP_ENTRY, MON_OP_EXIT, MON_OP_SECCOMP };
struct mon_regs {
	enum mon_stop_op op;	/* NONE when fetched with GETREGSET */
	uint32_t audit_arch;
	uint64_t ip, sp;
	uint64_t nr;
	uint64_t args[6];
	uint32_t ret_data;	/* seccomp stops via GET_SYSCALL_INFO only */
	bool have_ret_data;
	int64_t rval;		/* exit stops */
};
/* One request: GET_SYSCALL_INFO if USE_INFO, else GETREGSET. */
int mon_regs_fetch(pid_t tid, bool use_info, struct mon_regs *out);
/* One request each. ARCH is the call's audit arch. */
int mon_regs_set_nr(pid_t tid, uint32_t audit_arch, int64_t nr);
int mon_regs_set_result(pid_t tid, uint32_t audit_arch, int64_t value);
int mon_regs_set_arg(pid_t tid, uint32_t audit_arch, unsigned idx, uint64_t value);
/* PTRACE_SET_SYSCALL_INFO with REGS (op, nr, args); one request. */
int mon_regs_set_info(pid_t tid, const struct mon_regs *regs);
bool mon_regs_in_vsyscall(uint64_t ip);
/* The whole register file, saved while the monitor runs a call of its own
 * in the guest (scratch.c). */
struct mon_saved_regs { uint64_t bytes[32]; };
/* Replace the call at this entry/seccomp stop by NR(ARGS); two requests. */
int mon_regs_inject_begin(pid_t tid, uint32_t audit_arch, int64_t nr, const uint64_t args[6],
			  struct mon_saved_regs *saved);
/* At that call's exit stop: *RESULT gets its result; the saved registers
 * are restored so that the guest's own call runs again. Two requests. */
int mon_regs_inject_end(pid_t tid, uint32_t audit_arch, const struct mon_saved_regs *saved,
			int64_t *result);
uint32_t mon_regs_host_audit_arch(void);

/* ---- tracee.c ---- */
struct vma;
struct mon_mm;
struct mon_process {
	pid_t tgid;
	int nthreads;
	struct vma *vma;	/* opened on first use, retargeted after exec */
	pid_t vma_tid;		/* the thread it names: tgid, or a live thread
				 * once the leader is a zombie */
	int dumpable;		/* virtual PR_GET_DUMPABLE value */
	bool initial;		/* the process the user asked to run */
	bool group_stopped;	/* mirrored on the monitor */
	bool ptrace_logged;	/* the EPERM for guest ptrace was logged */
	bool own_filter;	/* installed a seccomp filter of its own */
	struct mon_mm *mm;	/* scratch area of its address space (scratch.c) */
	char *cwd;		/* guest cwd (vfs.c); NULL = the initial one */
	char *root;		/* guest root after chroot (vfs.c); NULL = "/" */
	char *exe;		/* /proc/PID/exe when exec went through ld.so (vfs.c) */
	char *exe_pending;	/* the same for an exec in flight */
	bool fs_shared;		/* vfs.c: cloned with CLONE_FS (cwd, root shared) */
	int dents_done[8];	/* vfs.c: fds whose merged listing ended (+1) */
};

enum mon_thread_state {
	MON_T_AWAIT_FIRST_STOP = 0,	/* announced by the parent's event */
	MON_T_ORPHAN_STOPPED,	/* stopped before the parent's event: unknown process */
	MON_T_RUNNING,
};

/* The last argument rewrite applied to a thread, so a restarted call (which
 * re-enters seccomp with our registers) is not translated twice. */
struct mon_rewrite {
	bool valid;
	bool interrupted;	/* a signal stop was seen since */
	bool returning;		/* and the handler's rt_sigreturn since */
	uint32_t audit_arch;
	uint64_t nr;
	uint64_t args[6];	/* as we left them */
	uint64_t post_mask;	/* modules that asked POST for it */
	uint64_t observe_mask;	/* modules that asked observe_exit for it */
	int decided_by;		/* module whose REWRITE it was */
};

struct mon_thread {
	pid_t tid;
	enum mon_thread_state state;
	struct mon_process *proc;	/* NULL while ORPHAN_STOPPED */
	bool in_syscall;	/* PTRACE_SYSCALL mode without GET_SYSCALL_INFO */
	bool post_pending;	/* resume with PTRACE_SYSCALL to get the exit stop */
	bool emulated;		/* fallback mode: set the result at the exit stop */
	int64_t emulated_result;
	uint64_t post_mask;	/* modules whose leave runs at the exit stop */
	uint64_t observe_mask;	/* modules whose observe_exit runs there */
	uint32_t post_arch;
	uint64_t post_nr;
	uint64_t post_args[6];
	struct mon_rewrite rewrite;
	int orphan_sig;		/* signal stop seen while ORPHAN_STOPPED */
	bool launch_stop;	/* expect the launch SIGSTOP (stop_before_exec) */
	bool stop_in_flight;	/* resumed with a stop signal that will stop it */
	struct mon_mm *slot_mm;	/* the area holding this thread's scratch slot */
	int slot;		/* its index there (valid when slot_mm) */
	struct mon_saved_regs *inject;	/* our own call runs in its place */
	uint32_t inject_arch;
	char *pending_cwd;	/* chdir/fchdir: the guest cwd if it succeeds */
	char *pending_dents;	/* getdents64 of a merged directory: its guest path */
	bool pending_sockname;	/* getsockname/getpeername: translate at exit */
	char *mounts_file;	/* vfs.c: the last mounts file generated for it */
	uint32_t pending_addrlen;	/* the buffer size the guest gave */
	uint64_t slot_written_at;	/* the first string in the slot: where, */
	uint64_t slot_written_gen;	/* in which mapping of the area, */
	char *slot_written;	/* and what (skips rewriting the same path) */
	struct mon_thread *next;	/* hash chain */
};

int mon_tracee_init(bool force_proc_mem);
void mon_tracee_fini(void);
struct mon_thread *mon_thread_find(pid_t tid);
/* Creates a thread entry. PROC may be NULL (orphan). */
struct mon_thread *mon_thread_add(pid_t tid, struct mon_process *proc,
				  enum mon_thread_state state);
void mon_thread_remove(struct mon_thread *t);
/* exec from a non-leader thread: T takes LEADER's tid, LEADER's entry is
 * removed. Returns T. */
struct mon_thread *mon_thread_take_tid(struct mon_thread *t, struct mon_thread *leader);
struct mon_process *mon_process_new(pid_t tgid);
void mon_thread_set_process(struct mon_thread *t, struct mon_process *proc);
size_t mon_thread_count(void);
/* Calls FN on every thread until it returns false; false then. */
bool mon_thread_all(bool (*fn)(struct mon_thread *t, void *arg), void *arg);
/* The vma handle of T's process, opened on demand; NULL with *ERR set. */
struct vma *mon_thread_vma(struct mon_thread *t, int *err);
/* A read or write through T's handle said -ESRCH although T is stopped
 * here: the handle names a leader that is a zombie (its main thread
 * called pthread_exit). Retargets the handle at T; true if worth a retry. */
bool mon_thread_vma_lost_leader(struct mon_thread *t);
/* After exec: the process image changed. */
void mon_process_exec(struct mon_process *proc);
/* Reads /proc/TID/status Tgid. */
/* /proc/PID/status into BUF (NUL-terminated, cut at SIZE - 1 bytes): its
 * length, or -errno (-ESRCH for a process being reaped). proc_status.c */
ssize_t mon_proc_status(pid_t pid, char *buf, size_t size);
int mon_read_tgid(pid_t tid);

/* ---- scratch.c: guest memory for rewritten strings ---- */
/* Slot size: two host paths of PATH_MAX and an open_how, or an exec's
 * interpreter path and new argv array. */
#define MON_SCRATCH_SLOT_SIZE 65536u
/* The guest address of T's slot. -EINPROGRESS: the area is being mapped
 * (an mmap runs in the guest instead of the trapped call, which is then
 * executed again): the caller just resumes T. Other -errno: no area. */
int mon_scratch_slot(struct mon_thread *t, uint32_t audit_arch, uint64_t *addr);
/* Which mapping of T's area the last mon_scratch_slot answered from (a
 * new mapping at the same address has a new generation). */
uint64_t mon_scratch_generation(const struct mon_thread *t);
/* At the exit stop of the injected mmap. */
int mon_scratch_inject_done(struct mon_thread *t);
/* Process life cycle: CHILD of PARENT by EVENT (PTRACE_EVENT_*). */
void mon_scratch_fork(struct mon_process *parent, struct mon_process *child, int event);
void mon_scratch_exec(struct mon_process *p);
void mon_scratch_process_gone(struct mon_process *p);
void mon_scratch_thread_gone(struct mon_thread *t);
/* A write into T's slot failed: re-check the area, forget it if gone. */
void mon_scratch_lost(struct mon_thread *t);

/* ---- vfs.c: path virtualization over the mount table (monitor/paths.h) ---- */
/* Some module mounted something: path calls are trapped and resolved. */
bool mon_vfs_active(void);
/* After the modules' init, before launch: synthetic parents of mount
 * points, the initial cwd. *HOST_CWD (NULL when inactive) is the host
 * directory the guest starts in. Errors are logged. */
int mon_vfs_setup(const char **host_cwd);
void mon_vfs_fini(void);
void mon_vfs_fork(struct mon_process *parent, struct mon_process *child);
/* PTRACE_EVENT_EXEC: the exec in flight succeeded. */
void mon_vfs_exec(struct mon_process *p);

/* ---- launch.c ---- */
struct sock_fprog;
struct mon_launch {
	const struct sock_fprog *filter;	/* NULL: no filter */
	char **argv;
	/* PTRACE_SYSCALL mode: the child stops (SIGSTOP) right before exec so
	 * the monitor can switch it to syscall stops from the first execve. */
	bool stop_before_exec;
	const char *chdir_to;	/* host directory to start in (NULL: inherit) */
};
/* The SIGSTOP the child raises for stop_before_exec is the monitor's, not
 * the guest's: the loop swallows it. */
/* Forks, seizes, lets the child load FILTER and exec. Returns the child pid
 * or -errno. */
pid_t mon_launch(const struct mon_launch *l);

/* ---- signals.c ---- */
int mon_signals_setup(void);
/* Undo in the child before exec. Async-signal-safe. */
void mon_signals_restore_child(void);
/* Also steps the monitor out of the job's process group (signals to the
 * job then reach the guest alone; one to our pid is ours to forward). */
void mon_signals_set_guest(pid_t initial_pid);
enum mon_mirror {
	MON_MIRROR_STOPPED,	/* stopped, then continued (a SIGCONT, or the
				 * watcher: the initial process ran or died) */
	MON_MIRROR_NEWS,	/* not stopped: an event is coming to collect */
	MON_MIRROR_DROPPED,	/* not stopped: the kernel drops the signal for
				 * us (orphaned process group), or no way to stop */
};
/* Mirror a group-stop of the initial process on the monitor: stops it with
 * SIG unless the guest has news first (an uncollected tracee event, or a
 * SIGCONT that reached the initial process). */
enum mon_mirror mon_signals_mirror_stop(int sig);
/* Die like the guest died (never returns). */
__attribute__((noreturn)) void mon_die_like(int sig);
void mon_signals_note_guest_stopped(bool stopped);
/* What /proc/PID/status says of a thread's signals (masks: bit SIG-1). */
struct mon_proc_sigs {
	char state;		/* R, S, D, T, t, Z... */
	uint64_t pending;	/* its own and its process's */
	uint64_t blocked;
	uint64_t ignored;
	uint64_t caught;
	uint64_t switches;	/* context switches: grows whenever it runs */
};
#define MON_SIGBIT(sig) (1ULL << ((sig) - 1))
int mon_proc_signal_state(pid_t pid, struct mon_proc_sigs *out);

/* ---- loop.c ---- */
struct mon_engine_cfg {
	bool seccomp;		/* stops come from our filter; else PTRACE_SYSCALL */
	bool use_info;		/* GET_SYSCALL_INFO available */
	bool use_set_info;	/* SET_SYSCALL_INFO available */
	bool tracing_syscalls;	/* any interest at all (modules loaded) */
};
/* Runs the guest to the end. Returns the initial process's wait status
 * (>= 0) or -errno. */
int mon_loop_run(pid_t initial, const struct mon_engine_cfg *cfg, bool launch_stop);
/* Resume T the way its state needs (CONT or SYSCALL), with signal SIG. */
int mon_resume(struct mon_thread *t, int sig);
const struct mon_engine_cfg *mon_engine(void);

/* ---- syscall_stop.c ---- */
/* A syscall stop: OP tells which kind (SECCOMP, ENTRY, EXIT, or NONE when
 * the caller must derive it). Handles it fully, resume included. */
int mon_syscall_stop(struct mon_thread *t, enum mon_stop_op op);

/* ---- module_loader.c and dispatch.c ---- */
struct umv_mod;
struct umv_call;
int mon_modules_load(const struct mon_module_spec *specs, size_t n);
/* --runtime-mounts (before mon_modules_load): trap every path and
 * descriptor call from the start, for modules the guest mounts later. */
void mon_interest_set_superset(bool on);
void mon_modules_fini(void);
size_t mon_modules_count(void);
struct umv_mod *mon_module_at(size_t i);
/* Filter from the modules' interests + the monitor's own; *OUT NULL when no
 * module is loaded. */
int mon_filter_build(struct sock_fprog **out);
void mon_filter_free(struct sock_fprog *prog);
/* Is this (arch, nr) wanted by a module or by the monitor? */
bool mon_interest_wants(uint32_t audit_arch, uint64_t nr);
/* Tell modules a guest process is gone. */
void mon_modules_process_exit(pid_t pid, int wstatus);
/* Observer events (SDK revision 2). */
void mon_modules_thread_start(pid_t pid, pid_t tid, pid_t parent_tid);
void mon_modules_thread_exit(pid_t pid, pid_t tid, int wstatus);
/* Revision 3: FORMER_TID exec'ed and took the leader's tid PID. */
void mon_modules_exec_takeover(pid_t pid, pid_t former_tid);
/* Does any module want signal events (worth a PTRACE_GETSIGINFO)? */
bool mon_modules_want_signals(void);
void mon_modules_signal(pid_t pid, pid_t tid, const siginfo_t *info);
/* The name of module I ("umvisor" past the end: the monitor itself). */
const char *mon_module_name_at(size_t i);

#endif
