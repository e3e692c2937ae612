/* monitor/paths.h: the guest's view of the file system, without ptrace.
 *
 * A mount table maps canonical guest path prefixes to host directories
 * (REDIRECT) or to module-owned objects (OWNED); umv_path_resolve() walks a
 * guest path argument in the guest's namespace over that table, the way the
 * kernel would walk it natively, and says which host path to hand the kernel.
 * Everything returns >= 0 or -errno; nothing here touches errno as an output.
 * See doc/design.md. */
#ifndef UMV_MONITOR_PATHS_H
#define UMV_MONITOR_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- mount table ------------------------------------------------------ */

enum umv_mount_kind {
	UMV_MOUNT_REDIRECT,     /* guest prefix -> host directory (bind, root) */
	UMV_MOUNT_OWNED,        /* served by a module; host dir optional */
};

#define UMV_MOUNT_RDONLY 0x1u   /* writes below must fail with EROFS */
#define UMV_MOUNT_NONDIR 0x2u   /* the mount root is not a directory (file bind) */
#define UMV_MOUNT_MAPPED 0x4u   /* OWNED with a host dir: owner is a struct
                                   umv_mount_mapper (below) */

/* An OWNED mount with a host dir may map each path below it itself (cow:
 * upper or lower copy, or nothing): flagged UMV_MOUNT_MAPPED, its owner
 * then points at one of these.
 * map() gives the host path of REL (relative to the mount point, "" = its
 * root) as a malloc'd string in *HOST, knowing the host path the walk took
 * for REL's parent (PARENT_HOST, NULL when unknown). A name that does not
 * exist must map to a host path that does not exist either. 0 or -errno. */
struct umv_mount_mapper {
	int (*map)(void *data, const char *rel, size_t rel_len, const char *parent_host,
	           char **host);
	void *data;
};

/* One mount. Read-only for users; valid until it is removed or the table is
 * freed. guest/host have no trailing slash except the root "/". */
struct umv_mount {
	const char *guest;
	size_t guest_len;
	const char *host;       /* NULL only for an OWNED mount without a host dir */
	size_t host_len;
	enum umv_mount_kind kind;
	void *owner;            /* the module instance (OWNED); NULL for REDIRECT;
	                           a struct umv_mount_mapper with UMV_MOUNT_MAPPED */
	unsigned flags;
};

struct umv_mount_table;

/* A new table whose root is the identity redirect "/" -> host "/".
 * -ENOMEM. */
int umv_mount_table_new(struct umv_mount_table **out);
void umv_mount_table_free(struct umv_mount_table *mt);

/* Mount on top of guest (absolute; "." and ".." are refused, repeated and
 * trailing slashes folded). A later mount at the same prefix shadows the
 * earlier one until it is removed. host must be absolute (or NULL for an
 * OWNED mount). -EINVAL bad path/kind/flags, -ENAMETOOLONG, -ENOMEM. */
int umv_mount_add(struct umv_mount_table *mt, const char *guest,
                  enum umv_mount_kind kind, const char *host, void *owner,
                  unsigned flags);

/* umount: removes the newest mount at exactly guest. -ENOENT when none (or
 * -EINVAL for a malformed path), -EBUSY for the last mount at "/". */
int umv_mount_remove(struct umv_mount_table *mt, const char *guest);

/* The visible mount covering a canonical guest path (longest prefix, matched
 * by whole components). Never NULL for an absolute path. */
const struct umv_mount *umv_mount_lookup(const struct umv_mount_table *mt,
                                         const char *guest, size_t len);

/* Is guest a strict ancestor of a mount point, i.e. must it appear to the
 * guest as a directory even when the host has nothing there? */
bool umv_mount_is_ancestor(const struct umv_mount_table *mt, const char *guest,
                           size_t len);

/* Is the lookup of the single name NAME (no slash, not "." or "..") in any
 * directory the same for the guest as for the kernel? True when no mount
 * point's guest path has a component NAME (so it is no mount point and no
 * synthetic ancestor, wherever the directory is) and every mount, shadowed
 * ones included, is a plain redirect (no module answers for names). */
bool umv_mount_single_name_native(const struct umv_mount_table *mt, const char *name,
                                  size_t len);

/* Calls fn(arg, name, len, d_type) for each child of guest dir that leads to
 * a mount (a mount point or an ancestor of one): the names a getdents64 of
 * that directory must show even if the host listing lacks them. d_type is
 * DT_DIR, or DT_UNKNOWN for a mount point flagged UMV_MOUNT_NONDIR. A
 * non-zero return from fn stops and is returned. Returns the number of
 * children otherwise. */
int umv_mount_children(const struct umv_mount_table *mt, const char *guest,
                       size_t len,
                       int (*fn)(void *arg, const char *name, size_t len,
                                 unsigned char d_type),
                       void *arg);

/* Host path -> guest path (getcwd, /proc/self/{cwd,fd/N}, AF_UNIX names):
 * the longest host-directory match among the visible mounts that have a host
 * dir, checked to be the mount the guest would reach at that guest path.
 * *guest_out is malloc'd. -ENOENT when the guest cannot see host_path,
 * -EINVAL when it is not absolute, -ENOMEM. */
int umv_mount_host_to_guest(const struct umv_mount_table *mt,
                            const char *host_path, char **guest_out);

/* ---- path walk -------------------------------------------------------- */

/* umv_path_resolve() flags. */
#define UMV_PATH_NOFOLLOW   0x01u  /* AT_SYMLINK_NOFOLLOW, O_NOFOLLOW, lstat */
#define UMV_PATH_CREATE     0x02u  /* open(O_CREAT): the final component may
                                      be missing; written with a trailing
                                      slash it is not looked up (as
                                      UMV_PATH_PARENT: the kernel, given the
                                      host path, answers EISDIR itself) */
#define UMV_PATH_EMPTY_PATH 0x04u  /* AT_EMPTY_PATH: "" is the base itself */
#define UMV_PATH_DIRECTORY  0x08u  /* O_DIRECTORY: the result must be a dir */
#define UMV_PATH_PARENT     0x10u  /* resolve the parent only; the final name
                                      is appended as written (unlink, rmdir,
                                      rename, mkdir, symlink, link) */
#define UMV_PATH_NO_FAST    0x20u  /* always do the component walk (tests) */
#define UMV_PATH_GUEST_CALL 0x40u    /* the result is for the guest's own
                                      call, which may then fail or follow
                                      links natively: a missing (or non-
                                      directory) name with no link before
                                      it gives exists = 0 and passthrough;
                                      links followed where guest and host
                                      paths agree keep passthrough */
/* openat2 RESOLVE_* semantics */
#define UMV_PATH_NO_XDEV       0x100u
#define UMV_PATH_NO_MAGICLINKS 0x200u
#define UMV_PATH_NO_SYMLINKS   0x400u
#define UMV_PATH_BENEATH       0x800u
#define UMV_PATH_IN_ROOT       0x1000u

/* Result of a /proc magic-link query. */
enum umv_proc_link {
	UMV_PROC_LINK_PATH = 0,  /* *guest_out is the guest path to jump to */
	UMV_PROC_LINK_OBJECT = 1, /* not a file system object (pipe:, socket:,
	                             anon_inode:): the link itself is the result */
};

struct umv_path_ctx {
	const char *cwd;        /* canonical guest cwd (may exceed PATH_MAX) */
	const char *base;       /* guest path of the dirfd; NULL = cwd */
	bool base_not_dir;      /* the dirfd is not a directory: ENOTDIR */
	pid_t self_pid, self_tid; /* what /proc/self, /proc/thread-self name;
	                             0 = no guest identity: those are refused */
	/* For a magic link /proc/PID/LINK (LINK = "cwd", "root", "exe",
	 * "fd/N", "map_files/..", "ns/.." ; /proc/PID/task/TID/LINK asks with
	 * pid = TID). Returns enum umv_proc_link or -errno; a PATH answer must
	 * be absolute (anything else is taken as -EIO). NULL = refuse every
	 * magic link with EACCES. */
	int (*resolve_proc_link)(const struct umv_path_ctx *ctx, pid_t pid,
	                         const char *link, char **guest_out);
	void *opaque;           /* for the callback */
};

struct umv_path_result {
	char *guest;            /* canonical guest path (malloc) */
	size_t guest_len;
	char *host;             /* host path for the kernel (malloc), ending in
	                           '/' when the argument did and in "/." when its
	                           last name was "." or ".." (the kernel treats
	                           those differently, e.g. O_CREAT|O_EXCL gives
	                           EEXIST, not EISDIR); NULL when the owning
	                           mount has no host dir, the object is a
	                           synthetic directory, or (UMV_PATH_PARENT) the
	                           name is missing in a synthetic directory: the
	                           caller answers ENOENT to removals and EACCES to
	                           creations there */
	size_t host_len;
	const struct umv_mount *mount; /* owning mount */
	int exists;             /* 1 yes, 0 no (UMV_PATH_CREATE,
	                           UMV_PATH_GUEST_CALL), -1 unknown */
	mode_t type;            /* S_IFMT bits when exists == 1 and known, else 0 */
	bool synthetic;         /* a mount ancestor missing on the host */
	bool mount_root;        /* the result is a mount point */
	bool trailing_slash;    /* the final component was written with a '/' */
	bool fast;              /* answered by the fast path (statistics) */
	bool passthrough;       /* proven: the argument exactly as the guest wrote
	                           it, resolved by the kernel from the guest's
	                           real cwd/dirfd (the host object of the base),
	                           reaches the same object without crossing a
	                           symlink: the engine may let the call run
	                           unmodified instead of rewriting the path (paths
	                           the call returns, e.g. readlink of /proc/PID/cwd,
	                           still need umv_mount_host_to_guest) */
};

/* Resolves guest_path (as the guest passed it) in the guest's namespace.
 * On success fills *out (free with umv_path_result_free) and returns 0;
 * otherwise returns the -errno the kernel would have given natively (ENOENT,
 * ENOTDIR, ELOOP, ENAMETOOLONG, EACCES, EXDEV, ... from the host) and
 * leaves *out empty. Beyond those: -EFAULT for a NULL guest_path, -EINVAL
 * for a context without an absolute cwd/base or BENEATH with IN_ROOT,
 * -EACCES for /proc magic links the context cannot answer and for creation
 * inside a synthetic directory, -ENOMEM. Not thread-safe with concurrent
 * changes of the same mount table. */
int umv_path_resolve(const struct umv_mount_table *mt,
                     const struct umv_path_ctx *ctx, const char *guest_path,
                     unsigned flags, struct umv_path_result *out);
void umv_path_result_free(struct umv_path_result *r);

/* openat2's how.resolve -> UMV_PATH_* bits; -EINVAL for unknown bits or
 * BENEATH with IN_ROOT (as openat2 does), -EAGAIN for RESOLVE_CACHED (the
 * walk does I/O; the kernel's answer when the cache cannot serve). */
long umv_path_flags_from_resolve(unsigned long long resolve);

/* Maximum number of symlinks followed in one resolution (MAXSYMLINKS). */
#define UMV_PATH_MAXSYMLINKS 40

/* ---- internal: the mount trie, for path_walk.c only ------------------- */

struct umv_mnode;
const struct umv_mnode *umv_mnode_root(const struct umv_mount_table *mt);
const struct umv_mnode *umv_mnode_child(const struct umv_mnode *n,
                                        const char *name, size_t len);
const struct umv_mnode *umv_mnode_parent(const struct umv_mnode *n);
/* The visible mount at exactly this node, or NULL. */
const struct umv_mount *umv_mnode_mount(const struct umv_mnode *n);
/* Is there a mount strictly below this node? */
bool umv_mnode_has_below(const struct umv_mnode *n);
/* Nearest visible mount at or above this node (never NULL). */
const struct umv_mount *umv_mnode_covering(const struct umv_mnode *n);

/* Host file system access for the walk (path_host.c): path is NUL-terminated
 * at len and may be longer than PATH_MAX (it is then reached one PATH_MAX
 * chunk at a time through directory fds). 0 / length, or -errno. */
struct stat;
int umv_host_stat(const char *path, size_t len, bool follow, struct stat *st);
long umv_host_readlink(const char *path, size_t len, char *buf, size_t cap);
/* An O_PATH|O_DIRECTORY|O_CLOEXEC descriptor of a host directory path of
 * any length (same chunking); the fd, or -errno. */
int umv_host_open_dir(const char *path, size_t len);

#endif
