/* monitor/: what the path layer's files (vfs.c, vfs_unix.c, vfs_exec.c)
 * share. Private to them. */
#ifndef UMV_MONITOR_VFS_H
#define UMV_MONITOR_VFS_H

#include "monitor/dispatch.h"
#include "monitor/paths.h"

#include <limits.h>

#define OPEN_HOW_SIZE 24	/* flags, mode, resolve: u64 each */
#define HOW_MAX 512		/* open_how sizes we copy into the slot */
/* Where things go in a thread's scratch slot. */
#define SLOT_SOCKADDR (2 * PATH_MAX + HOW_MAX)
#define SLOT_MSGHDR (SLOT_SOCKADDR + 128)
#define SLOT_SOCKARGS (SLOT_MSGHDR + 64)	/* i386 socketcall argument block */

/* vfs.c */
const struct umv_mount_table *mon_vfs_table(void);
const char *mon_vfs_private_dir(void);	/* NULL before set-up */
/* Resolves PATH for T in its namespace from BASE (a dirfd's guest path;
 * NULL = the cwd), after its chroot if any. As umv_path_resolve. */
int mon_vfs_resolve(struct mon_thread *t, const char *base, const char *path, unsigned flags,
		    struct umv_path_result *res);
/* Sets CALL's emulated RESULT; returns UMV_EMULATE. */
int mon_vfs_emulate(struct umv_call *call, int64_t result);

/* The guest cwd of P (the initial one when it never changed it). */
const char *mon_vfs_cwd(const struct mon_process *p);

/* readlink of a host path into a malloc'd string. 0 or -errno. */
int mon_vfs_host_readlink(const char *path, char **out);

/* vfs_cwd.c: cwd and root sharing (CLONE_FS, found with kcmp) and their
 * following of renames. */
void mon_vfs_fs_fork(struct mon_process *parent, struct mon_process *child);
/* P's cwd or root changed: so did every process sharing its fs_struct. */
void mon_vfs_fs_changed(struct mon_process *p);
/* A rename FROM -> TO (canonical guest paths, taken) entered by TID: its
 * exit stop moves cwds and roots. 0 or -ENOMEM (then nothing is taken). */
int mon_vfs_rename_pending(pid_t tid, char *from, char *to, bool exchange);
/* At TID's exit stop: true when it was that rename (applied on success,
 * *INITIAL_CWD included). */
bool mon_vfs_rename_leave(pid_t tid, int64_t result, char **initial_cwd);
void mon_vfs_rename_drop(pid_t tid);
/* getcwd: re-derives a stale cwd from /proc/TID/cwd; -ENOENT when the
 * directory is gone, else 0. */
int mon_vfs_cwd_check(struct mon_thread *t);
void mon_vfs_cwd_fini(void);

/* vfs_cache.c: mon_vfs_resolve through a short-lived cache of fast-path
 * results; forget drops every entry (a namespace change). */
int mon_vfs_cached_resolve(struct mon_thread *t, const char *base, const char *path,
			   unsigned flags, struct umv_path_result *res);
void mon_vfs_cache_forget(void);
void mon_vfs_cache_setup(void);	/* reads UMVISOR_VFS_CACHE */
void mon_vfs_cache_fini(void);

/* vfs_unix.c: verdict (or -EINPROGRESS) for bind/connect/sendto/sendmsg. */
int mon_vfs_socket(struct umv_call *call);
int mon_vfs_sockname_enter(struct umv_call *call, bool *want_leave);
void mon_vfs_sockname_leave(struct umv_call *call, int64_t *result);
void mon_vfs_unix_fini(void);

/* vfs_exec.c: execve through guest-resolved interpreters. HOST is the
 * program's host path, *CANON its canonical guest path (replaced for a
 * script), *EXECFN (malloc'd, when redirected) the name AT_EXECFN must
 * read. 1: redirected (registers written), 0: ordinary rewrite, or
 * -errno (-EINPROGRESS: scratch mmap first). */
int mon_vfs_exec_redirect(struct umv_call *call, const char *host, char **canon, bool *via_ldso,
			  char **execfn);
/* At the exec stop of PID: AT_EXECFN's string becomes NAME if it fits.
 * 0 or -errno (-ENAMETOOLONG: it does not fit; left). */
int mon_vfs_execfn_fix(pid_t pid, const char *name);

/* vfs_owned.c: module-owned trees (umv_vfs_own). Per call: */
struct mon_owned_target {
	void *tree;
	char *rel, *host;
	int exists;
	mode_t type;
	unsigned flags;
};
struct mon_owned_call {
	unsigned cur;		/* ordinal of the path argument being resolved */
	unsigned npaths;	/* path arguments of the call */
	unsigned nowned;	/* of which inside an owned tree */
	bool emulated;		/* the owner answered: RESULT */
	int64_t result;
	struct mon_owned_target ends[2];	/* rename/link: both ends */
	void *done_tree;	/* prepare asked for done(): with what */
	char *done_rel;
	int done_intent;
};
/* vfs.c: mounts an owned tree (OWNER: its struct umv_mount_mapper);
 * RUNTIME: for a runtime mount (not a mount point the set-up prepares). */
int mon_vfs_add_owned(const char *guest, const char *host, void *owner, bool runtime);
/* RES ends in an owned tree: ask the owner (copy-up, whiteouts...). 0 (RES's
 * host replaced as needed; OC may say emulated) or -errno. */
int mon_vfs_owned_path(struct mon_owned_call *oc, struct umv_call *call, unsigned pflags,
		       struct umv_path_result *res);
/* bind(2) of an AF_UNIX name in an owned tree: the owner makes room (a new
 * non-directory). 0 with RES's host replaced, or -errno. */
int mon_vfs_owned_create(struct umv_call *call, struct umv_path_result *res);
/* After every path argument: 0 go on, 1 emulate *RESULT, -errno. */
int mon_vfs_owned_finish(struct mon_owned_call *oc, struct umv_call *call, int64_t *result);
void mon_vfs_owned_call_free(struct mon_owned_call *oc);
/* The owner asked to hear how the call ended: tell it RESULT now (the call
 * is answered without running), or keep it for the call's exit (returns
 * true: the caller must ask for mon_vfs_leave). */
void mon_vfs_owned_done_now(struct mon_owned_call *oc, struct umv_call *call, int64_t result);
bool mon_vfs_owned_defer(struct mon_owned_call *oc, struct umv_call *call);
/* At a call's exit: a kept done() for this thread and call, if any. */
void mon_vfs_owned_leave(struct umv_call *call, int64_t result);
/* A host path an owner knows (cow's lower copies) -> guest path. 0, -ENOENT. */
int mon_vfs_owned_host_to_guest(const char *host, char **guest);
/* A host path as the guest names it: through cow views first, then the
 * mount table. As umv_mount_host_to_guest. */
int mon_vfs_host_to_guest(const char *host, char **out);
/* The guest path of a process's fd N. 0 with *OUT, 1 when it is not a file
 * system object (*OUT = the link text), or -errno (-EBADF: no such fd,
 * -ENOENT: not visible in the guest). */
int mon_vfs_fd_guest_path(pid_t pid, long fd, char **out);

/* vfs_handle.c: open_by_handle_at only for objects the guest can see. */
int mon_vfs_open_by_handle(struct umv_call *call);

/* vfs_mount_opts.c: paths in mount options. fsconfig: 0 leave it to the
 * kernel, 1 its value (arg 3) is a path from the cwd, 2 a path from its
 * aux dirfd (*FLAGS: UMV_PATH_* for it), 3 a list: *VALUE is it with host
 * paths (NULL: unchanged), or -errno to answer. mount(2): 0 with *DATA the
 * rewritten data string (NULL: unchanged), or -errno to answer. */
int mon_vfs_fsconfig_path(struct umv_call *call, unsigned *flags, char **value);
int mon_vfs_mount_data(struct umv_call *call, char **data);

/* vfs_struct_paths.c: paths inside structs (bpf pin/get, perf uprobes):
 * passed when the kernel reaches them alike, else EOPNOTSUPP. */
void mon_vfs_struct_paths_setup(void);
int mon_vfs_bpf(struct umv_call *call);
int mon_vfs_perf_event_open(struct umv_call *call);
/* 1: PATH (from BASE, NULL: the cwd) is what the kernel reaches walking
 * the guest's own string (or missing alike); 0: it is not; -errno. */
int mon_vfs_path_alike(struct mon_thread *t, const char *base, const char *path);
/* Is canonical guest path GUEST inside an owned tree? */
bool mon_vfs_owned_covers(const char *guest);
/* A runtime mount of MOD is going: forget its trees (the table's entries
 * are vfs.c's). */
void mon_vfs_owned_forget(const struct umv_mod *mod);
void mon_vfs_owned_fini(void);

#endif
