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

/* vfs_unix.c: verdict (or -EINPROGRESS) for bind/connect/sendto/sendmsg. */
int mon_vfs_socket(struct umv_call *call);
int mon_vfs_sockname_enter(struct umv_call *call, bool *want_leave);
void mon_vfs_sockname_leave(struct umv_call *call, int64_t *result);
void mon_vfs_unix_fini(void);

/* vfs_exec.c: execve through guest-resolved interpreters. HOST is the
 * program's host path, *CANON its canonical guest path (replaced for a
 * script). 1: redirected (registers written), 0: ordinary rewrite, or
 * -errno (-EINPROGRESS: scratch mmap first). */
int mon_vfs_exec_redirect(struct umv_call *call, const char *host, char **canon, bool *via_ldso);

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
/* vfs.c: mounts an owned tree (OWNER: its struct umv_mount_mapper). */
int mon_vfs_add_owned(const char *guest, const char *host, void *owner);
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
/* Is canonical guest path GUEST inside an owned tree? */
bool mon_vfs_owned_covers(const char *guest);
void mon_vfs_owned_fini(void);

#endif
