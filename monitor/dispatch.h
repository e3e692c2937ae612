/* monitor/: the module instances and the call object behind the SDK's
 * opaque types; shared by module_loader.c, dispatch.c and syscall_stop.c. */
#ifndef UMV_MONITOR_DISPATCH_H
#define UMV_MONITOR_DISPATCH_H

#include "monitor/monitor.h"
#include "syscalls/syscalls.h"
#include "umvisor/module.h"

struct umv_mod {
	const struct umv_module_ops *ops;
	void *dl;
	char *name;
	void *data;
	size_t index;		/* load order; bit in post masks */
	bool in_init;		/* umv_want_* allowed */
	bool logged_in_init;	/* init explained its own failure */
	bool want_all;
	unsigned classes;	/* enum umv_class bits */
	uint8_t *want;		/* one byte per sc_id: MON_WANT_* */
	struct sc_filter_rule *conds;	/* umv_want_syscall_if rules */
	size_t nconds;
	/* Runtime mounts (mount -t umvisor.NAME): the guest path this
	 * instance is mounted at, NULL for a command-line module. */
	char *mount_point;
	unsigned nmounted;	/* mounts its init made (all at mount_point) */
	bool gone;		/* unmounted: inert descriptor, slot reusable */
	int private_lock;	/* flock fd of its umv_private_dir, or -1 */
};

/* want[] values: the whole syscall, or only when one of CONDS holds. */
#define MON_WANT_ALL 1
#define MON_WANT_IF 2

enum mon_call_phase { MON_PHASE_ENTER = 0, MON_PHASE_LEAVE, MON_PHASE_OTHER, MON_PHASE_OBSERVE };

struct umv_call {
	struct mon_thread *thread;
	struct sc_call sc;
	enum mon_call_phase phase;
	uint64_t regs[6];	/* argument registers as they will be resumed */
	uint8_t changed;	/* bit i: regs[i] differs from the fetched one */
	bool has_result;
	int64_t result;
	bool direct_args;	/* decoded args == registers (no demux/split) */
	size_t cur_module;	/* the module whose enter() runs */
	uint64_t post_mask;	/* modules whose leave() must run */
	int decided_by;		/* module index whose verdict won; -1 none */
	uint32_t buf_used;	/* bytes of the slot's buffer area handed out */
	bool inject_started;	/* the scratch area is being mapped: re-run */
};

/* Does module M's descriptor have member FIELD (revision check) and set it? */
#define MON_OPS_HAS(m, field)                                                  \
	((m)->ops->size >= offsetof(struct umv_module_ops, field) +            \
				   sizeof((m)->ops->field) && (m)->ops->field)

/* Upper bound on modules, so post masks fit in 64 bits with the monitor's
 * own bits for the path layer (vfs.c) and synthetic files. */
#define MON_MAX_MODULES 62
#define MON_POST_VFS (1ull << 63)
#define MON_POST_SYNTH (1ull << 62)	/* vfs_synthetic.c: unlink at the exit */

/* Runtime mounts: loads module NAME with OPTIONS (may be NULL) for a
 * mount at canonical guest path TARGET. Its interests must already be
 * trapped; its init must mount at TARGET. On failure nothing stays
 * loaded or mounted. *OUT gets the instance. 0 or -errno (logged). */
int mon_module_mount(const char *name, const char *options, const char *target,
		     struct umv_mod **out);
/* fini(), then the descriptor is made inert and the .so closed. Its mounts
 * must be gone from the table already (vfs.c). */
void mon_module_unmount(struct umv_mod *m);
/* vfs.c: removes every mount M's init made (all at its mount point). */
void mon_vfs_runtime_drop(struct umv_mod *m);
/* Are all of M's interests trapped by the filter built at start? Returns
 * how many syscalls are not; their names go to MISSING (comma list,
 * cut to SIZE). */
size_t mon_interest_uncovered(const struct umv_mod *m, char *missing, size_t size);
/* Does M want the call's id? */
bool mon_module_wants(const struct umv_mod *m, enum sc_id id);
/* Runs enter() of every module that wants the call, in load order. Returns
 * the winning verdict; *POST_MASK gets the modules that asked UMV_POST. */
enum umv_verdict mon_dispatch_enter(struct umv_call *call, uint64_t *post_mask);
/* Runs leave() of the modules in POST_MASK in reverse load order (and
 * removes the call's synthetic file, MON_POST_SYNTH). */
void mon_dispatch_leave(struct umv_call *call, uint64_t post_mask, int64_t *result);
/* Observers (revision 2): observe() of every module that has it and wants
 * the call, in load order, after the chain decided V (DECIDER: module name,
 * "umvisor" or NULL; RESULT for EMULATE). Returns the mask of modules that
 * want observe_exit. */
uint64_t mon_dispatch_observe(struct umv_call *call, enum umv_verdict v, const char *decider,
			      int64_t result);
/* observe_exit() of the modules in MASK, in load order. */
void mon_dispatch_observe_exit(struct umv_call *call, uint64_t mask, int64_t result);
/* Is any module an observer (has observe)? */
bool mon_dispatch_has_observers(void);
/* The sc_memreader over the call's thread. */
void mon_call_memreader(struct mon_thread *t, struct sc_memreader *out);
/* vfs.c: the path layer's part of a trapped call. Returns a verdict, or
 * -EINPROGRESS when the guest first runs a call of ours (the scratch
 * mmap): resume the thread and nothing else. *WANT_LEAVE: run
 * mon_vfs_leave at the exit. */
int mon_vfs_enter(struct umv_call *call, bool *want_leave);
void mon_vfs_leave(struct umv_call *call, int64_t *result);
bool mon_vfs_wants(enum sc_id id);
/* vfs_synthetic.c (umv_call_redirect_content): the call's file is no
 * longer needed; fini removes every file and the directory. */
void mon_synthetic_leave(struct umv_call *call);
void mon_synthetic_fini(void);
/* Calls the path layer traps only under a condition: their filter rules
 * (written to RULES, returns how many, at most 4) and the test for the
 * engine. */
size_t mon_vfs_filter_rules(struct sc_filter_rule *rules);
bool mon_vfs_extra_wants(enum sc_id id);
/* scratch.c: calls that can unmap the scratch area (munmap, mremap, mmap
 * with MAP_FIXED, shmat, i386 old_mmap) are trapped while the path layer is active; a hit
 * makes the next path call map a new area. */
void mon_scratch_note_unmap(struct mon_thread *t, enum sc_id id, const uint64_t args[6]);
/* Fills IDS with those calls' ids; returns how many (6). */
int mon_scratch_unmap_ids(enum sc_id ids[6]);
bool mon_is_unmap_call(enum sc_id id);
/* Monitor-internal interests are looked up once. */
int mon_interest_init(void);
/* Neutral ids the monitor itself needs. */
extern enum sc_id mon_id_clone, mon_id_clone3, mon_id_prctl, mon_id_ptrace, mon_id_seccomp;
/* Calls that can name the monitor's own pid (signals, pidfds, rlimits,
 * memory access); index: enum mon_pid_call. */
enum mon_pid_call {
	MON_PC_KILL = 0, MON_PC_TKILL, MON_PC_TGKILL, MON_PC_PIDFD_OPEN, MON_PC_PRLIMIT64,
	MON_PC_PROCESS_VM_READV, MON_PC_PROCESS_VM_WRITEV, MON_PC_PIDFD_SEND_SIGNAL,
	MON_PC_RT_SIGQUEUEINFO, MON_PC_RT_TGSIGQUEUEINFO, MON_PC_COUNT
};
extern enum sc_id mon_id_pid_calls[MON_PC_COUNT];
/* The monitor's pid, as the guest sees it (its parent). */
extern pid_t mon_self_pid;
/* self_guard.c: a call aimed at the monitor's pid gets ESRCH (result set,
 * returns true). */
bool mon_guard_self(struct umv_call *call);

#endif
