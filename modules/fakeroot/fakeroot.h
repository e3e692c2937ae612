/* fakeroot module: shared state of its parts (threads.c, creds.c, db.c,
 * files.c, status.c, fakeroot.c). Nothing here is seen by other modules. */
#ifndef UMV_FAKEROOT_H
#define UMV_FAKEROOT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <umvisor/module.h>

/* ---- credentials of one guest thread (threads.c, creds.c) ---- */
struct fr_creds {
	uint32_t ruid, euid, suid, fsuid;
	uint32_t rgid, egid, sgid, fsgid;
	uint32_t *groups;
	size_t ngroups;
};

struct fr_thread {
	pid_t tid, tgid;
	struct fr_creds c;
	bool used;
};

struct fr_threads {
	struct fr_thread *slots;	/* open addressing by tid */
	size_t cap, count;
	uint32_t def_uid, def_gid;	/* uid=/gid= options */
};

/* ---- ownership database (db.c) ---- */
struct fr_entry {
	uint64_t dev, ino;
	uint32_t mode;		/* full st_mode as the guest sees it */
	uint32_t uid, gid;
	uint64_t rdev;		/* device nodes only */
	char *path;		/* host path hint for re-keying, may be NULL */
	bool used;
};

struct fr_db {
	struct fr_entry *slots;
	size_t cap, count;
	size_t setgid_dirs;	/* entries that are set-gid directories */
	bool dirty;
	char *file;		/* db=FILE, NULL: memory only */
	time_t last_save;
};

/* Handler kinds, indexed by syscall id. */
enum fr_kind {
	FR_NONE = 0,
	FR_GETID, FR_GETID16, FR_GETRES, FR_GETRES16, FR_GETGROUPS, FR_GETGROUPS16,
	FR_SETID, FR_SETID16, FR_SETGROUPS, FR_SETGROUPS16, FR_CAPGET, FR_CAPSET,
	FR_CLONE, FR_EXEC,
	FR_STAT, FR_CHOWN, FR_CHOWN16, FR_CHMOD, FR_MKNOD, FR_MKDIR, FR_OPEN, FR_CREATE_LINK,
	FR_ACCESS, FR_REMOVE, FR_RENAME,
};

/* What an entry stop learned for the exit stop of the same thread. */
struct fr_pending {
	pid_t tid;
	bool used;
	bool record;		/* record the created object at the exit */
	bool existed;		/* O_CREAT without O_EXCL: it was there */
	bool drop;		/* drop (drop_dev, drop_ino) if the call succeeds */
	bool setid;		/* exec of a recorded set-uid/set-gid file */
	uint32_t mode;		/* requested mode (creation) or recorded (exec) */
	uint32_t gid;		/* creation: the gid new objects get */
	uint32_t uid;		/* exec: the file's owner */
	uint64_t rdev;
	uint64_t drop_dev, drop_ino;
	uint64_t move_dev, move_ino;	/* rename: the moved entry, for its hint */
	bool move;
};

struct fr_state {
	struct umv_mod *mod;
	struct fr_threads threads;
	struct fr_pending *pending;
	size_t npending;
	struct fr_db db;
	uint8_t *kind;		/* enum fr_kind per syscall id */
	int nids;
	uid_t host_uid;		/* the invoking user: its files read as root's */
	gid_t host_gid;
	char *export_file;	/* export=FILE: fakeroot(1) format at exit */
	int id_getuid, id_geteuid, id_getgid, id_getegid, id_getuid16, id_geteuid16,
	    id_getgid16, id_getegid16, id_getresuid, id_getresgid, id_getresuid16,
	    id_getresgid16, id_setuid, id_setgid, id_setreuid, id_setregid, id_setresuid,
	    id_setresgid, id_setfsuid, id_setfsgid, id_setuid16, id_setgid16, id_setreuid16,
	    id_setregid16, id_setresuid16, id_setresgid16, id_setfsuid16, id_setfsgid16,
	    id_stat, id_lstat, id_fstat, id_newfstatat, id_fstatat64, id_stat64, id_lstat64,
	    id_fstat64, id_statx, id_oldstat, id_oldlstat, id_oldfstat,
	    id_chown, id_lchown, id_fchown, id_fchownat, id_chown16, id_lchown16, id_fchown16,
	    id_chmod, id_fchmod, id_fchmodat, id_fchmodat2, id_mknod, id_mknodat, id_mkdir,
	    id_mkdirat, id_open, id_openat, id_openat2, id_creat, id_symlink, id_symlinkat, id_link, id_linkat,
	    id_access, id_faccessat, id_faccessat2, id_unlink, id_unlinkat, id_rmdir, id_rename,
	    id_renameat, id_renameat2, id_execve, id_execveat, id_clone, id_clone3, id_fork,
	    id_vfork;
};

/* creds.c */
/* The value of KEY in /proc/TID/status into VALUE (0), or -errno. */
int fr_proc_status_field(pid_t tid, const char *key, char *value, size_t size);
int fr_threads_init(struct fr_threads *t, uint32_t uid, uint32_t gid);
void fr_threads_fini(struct fr_threads *t);
/* The thread's credentials, created on first sight (inherited from its
 * process or its parent process). NULL only when out of memory. */
struct fr_creds *fr_creds_of(struct fr_threads *t, pid_t tid, pid_t tgid);
/* TID's credentials if it is known, without creating any. */
struct fr_creds *fr_creds_find(struct fr_threads *t, pid_t tid);
/* CHILD starts with a copy of PARENT's credentials. */
int fr_creds_copy(struct fr_threads *t, pid_t parent, pid_t parent_tgid, pid_t child,
		  pid_t child_tgid);
void fr_threads_process_gone(struct fr_threads *t, pid_t tgid);
enum umv_verdict fr_creds_enter(struct fr_state *st, struct umv_call *call, enum fr_kind kind);
void fr_creds_leave(struct fr_state *st, struct umv_call *call, enum fr_kind kind,
		    int64_t *result);

/* db.c */
int fr_db_init(struct fr_db *db);
void fr_db_fini(struct fr_db *db);
struct fr_entry *fr_db_find(struct fr_db *db, uint64_t dev, uint64_t ino);
/* The entry for (DEV, INO), created from the host's view when missing.
 * NULL when out of memory. */
struct fr_entry *fr_db_get(struct fr_db *db, uint64_t dev, uint64_t ino, uint32_t mode,
			   uint32_t uid, uint32_t gid);
void fr_db_set_path(struct fr_db *db, struct fr_entry *e, const char *path);
/* Change E's mode, keeping the set-gid directory count right. */
void fr_db_set_mode(struct fr_db *db, struct fr_entry *e, uint32_t mode);
void fr_db_drop(struct fr_db *db, uint64_t dev, uint64_t ino);
/* Load FILE (ours or fakeroot(1)'s format). Returns 0, -ENOENT (no file
 * yet), -EINVAL (corrupt: *LINE says where), other -errno. */
int fr_db_load(struct fr_db *db, const char *file, unsigned *line);
/* Atomic save (temp file, fsync, rename). FAKEROOT_FORMAT drops the
 * path hints so fakeroot -i reads it. Returns 0 or -errno. */
int fr_db_save(const struct fr_db *db, const char *file, bool fakeroot_format);

/* status.c: an open (no O_CREAT) of a guest thread's /proc status file
 * is served with its virtual ids; UMV_PASS for every other open. */
enum umv_verdict fr_status_enter(struct fr_state *st, struct umv_call *call, int dirfd_idx,
				 unsigned path_idx);

/* fakeroot.c */
/* The pending slot of TID (created when CREATE). NULL when absent. */
struct fr_pending *fr_pending_of(struct fr_state *st, pid_t tid, bool create);

/* files.c */
enum umv_verdict fr_files_enter(struct fr_state *st, struct umv_call *call, enum fr_kind kind);
void fr_files_leave(struct fr_state *st, struct umv_call *call, enum fr_kind kind,
		    int64_t *result);
/* Host path of path argument IDX (with dirfd argument DIRFD_IDX, or -1)
 * as the monitor can open it. Returns 0 or -errno. */
int fr_host_path(struct umv_call *call, int dirfd_idx, unsigned idx, char *out, size_t size,
		 bool *empty);
/* The guest's view of a host stat: recorded entry, or the host owner
 * mapped (the invoking user reads as the default ids). */
void fr_view(struct fr_state *st, uint64_t dev, uint64_t ino, uint32_t *mode, uint32_t *uid,
	     uint32_t *gid, uint64_t *rdev);

#endif
