/* The cow module's parts (see cow.c and doc/design.md, "cow"). Private. */
#ifndef UMV_COW_H
#define UMV_COW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <umvisor/module.h>

/* One cow view. The whole state of a module instance (no globals). */
struct cow {
	struct umv_mod *mod;
	char *lower, *upper, *guest;	/* lower/upper: canonical host dirs */
	size_t lower_len, upper_len;
	char *work;			/* private: "absent", and the temp upper */
	char *absent;			/* an empty dir: deleted names map below it */
	size_t absent_len;
	bool temp_upper;		/* upper is work/upper, removed at exit */
	bool xattr_whiteouts;		/* user.overlay.* xattrs, else marker files */
	uint64_t guest_parent_ino;	/* ".." of the view's root, when on the host */
	int id_getdents64, id_getdents, id_fchmod, id_fchown, id_fchown16, id_fsetxattr,
		id_fremovexattr, id_utimensat, id_utimensat_time64, id_futimesat, id_ioctl,
		id_open_by_handle_at;
};

/* overlayfs's unprivileged ("userxattr") format: a whiteout is an empty
 * regular file with WHITEOUT_XATTR; its directory gets OPAQUE_XATTR = "x"
 * (holds whiteouts) unless it is opaque ("y": lower entries hidden). */
#define COW_WHITEOUT_XATTR "user.overlay.whiteout"
#define COW_OPAQUE_XATTR "user.overlay.opaque"
/* Fallback marker files (aufs's names): ".wh.NAME" hides NAME, and
 * ".wh..wh..opq" makes its directory opaque. Names starting with ".wh." are
 * then reserved: they never show and cannot be created. */
#define COW_WH_PREFIX ".wh."
#define COW_WH_OPAQUE ".wh..wh..opq"

/* layer.c: paths, whiteouts, copy-up */
char *cow_join(const char *dir, const char *rel);	/* "dir/rel", or dir when rel is "" */
bool cow_inside(const char *path, const char *dir, size_t len);
/* rel of HOST when it is inside DIR (malloc'd), else NULL. */
char *cow_rel_of(const char *host, const char *dir, size_t len);
bool cow_reserved_name(const struct cow *c, const char *rel);
int cow_lookup(void *data, const char *rel, const char *parent_host, char **host);
/* The lower copy of REL shows when upper has none (no whiteout or opaque
 * directory in the way) and exists; *ST gets its lstat. */
bool cow_lower_visible(const struct cow *c, const char *rel, struct stat *st);
bool cow_is_opaque(const struct cow *c, const char *upper_dir);
/* Copy REL (visible in the view) up, parents first. WITH_DATA false: an
 * empty file (O_TRUNC). 0 or -errno. */
int cow_copy_up(struct cow *c, const char *rel, bool with_data);
/* Upper directories for every ancestor of REL. */
int cow_copy_up_parents(struct cow *c, const char *rel);
/* A fresh upper root takes lower's owner, mode, xattrs and times. */
int cow_copy_root_attrs(struct cow *c);
/* Copy a directory and everything below it up. */
int cow_copy_up_tree(struct cow *c, const char *rel);
int cow_make_whiteout(struct cow *c, const char *rel);
/* Removes a whiteout of REL if there is one. 1 removed, 0 none, -errno. */
int cow_clear_whiteout(struct cow *c, const char *rel);
int cow_set_opaque(struct cow *c, const char *upper_dir);
/* Marks every directory of the upper tree at UPPER_DIR opaque. */
int cow_set_opaque_tree(struct cow *c, const char *upper_dir);

/* A merged listing. */
struct cow_dirent {
	char *name;
	uint64_t ino;
	uint64_t off;		/* d_off (fdcalls.c) */
	unsigned char type;
};
struct cow_listing {
	struct cow_dirent *e;
	size_t n, cap;
	bool hidden;		/* the upper dir holds whiteouts or markers */
};
/* The union of REL's upper and lower directories, without whiteouts, "."
 * and ".." first (DOT_INO: "."'s inode). 0 or -errno. */
int cow_list(struct cow *c, const char *rel, uint64_t dot_ino, struct cow_listing *out);
void cow_listing_free(struct cow_listing *l);
/* Empties an upper directory of its whiteouts and markers. */
int cow_clean_hidden(struct cow *c, const char *upper_dir);

/* ops.c: the owner's callbacks */
int cow_prepare(void *data, struct umv_call *call, enum umv_intent intent,
		const struct umv_owned_target *t, char **host, int64_t *result);
int64_t cow_rename(void *data, struct umv_call *call, const struct umv_owned_target *src,
		   const struct umv_owned_target *dst, unsigned flags);
int cow_host_to_rel(void *data, const char *host, char **rel);
void cow_done(void *data, struct umv_call *call, enum umv_intent intent, const char *rel,
	      int64_t result);

/* fdcalls.c: calls on descriptors (getdents, fchmod...) */
enum umv_verdict cow_fd_enter(struct cow *c, struct umv_call *call);
/* The guest thread's fsuid/fsgid and umask (/proc/TID/status). */
int cow_guest_creds(pid_t tid, uid_t *fsuid, gid_t *fsgid, mode_t *umask_out);

#endif
