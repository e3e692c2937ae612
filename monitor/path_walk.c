/* monitor/path_walk.c: resolving a guest path in the guest's namespace.
 *
 * The walk keeps the canonical guest path of where it stands (g), the host
 * path of the same object under the covering mount (h), the deepest mount
 * trie node on g's prefix, and the unwalked rest of the path. Components are
 * taken one by one like the kernel's link_path_walk: ".." pops g (never
 * above the guest root, nor above the dirfd under RESOLVE_*), a name is
 * looked up on the host with lstat, and a symlink's body (read on the host)
 * is spliced in front of the rest and walked in the guest's namespace.
 * Trie nodes are ancestors of mount points: they are directories even when
 * the host lacks them ("synthetic"). See doc/design.md. */
#include "config.h"

#include "monitor/paths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

struct buf {
	char *p;
	size_t len, cap;
};

static int buf_reserve(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

static int buf_set(struct buf *b, const char *s, size_t n)
{
	b->len = 0;
	if (buf_reserve(b, n) < 0)
		return -ENOMEM;
	memcpy(b->p, s, n);
	b->len = n;
	b->p[n] = '\0';
	return 0;
}

static int buf_add(struct buf *b, const char *s, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return -ENOMEM;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static void buf_cut(struct buf *b, size_t len)
{
	b->len = len;
	if (b->p)
		b->p[len] = '\0';
}

/* Mount prefixes as the walk concatenates them: "" for "/". */
static size_t gprefix(const struct umv_mount *m)
{
	return m->guest_len == 1 ? 0 : m->guest_len;
}

static size_t hprefix(const struct umv_mount *m)
{
	return m->host_len == 1 ? 0 : m->host_len;
}

struct walker {
	const struct umv_mount_table *mt;
	const struct umv_path_ctx *ctx;
	unsigned flags;
	struct buf g;                   /* canonical guest path, "" = root */
	struct buf h;                   /* host path of g when mount->host */
	struct buf rest;                /* the path still to walk */
	size_t pos;                     /* read position in rest */
	const struct umv_mnode *node;   /* deepest trie node on g's prefix */
	size_t off;                     /* components of g below node */
	const struct umv_mount *mount;  /* covering mount of g */
	mode_t type;                    /* S_IFMT of g, 0 = unknown */
	int exists;                     /* 1, 0 (missing final), -1 unknown */
	int synth;                      /* g is synthetic: 1, 0, -1 = not yet known */
	int links;
	const char *scope;              /* RESOLVE_BENEATH/IN_ROOT root, "" = "/" */
	size_t scope_len;
	bool xdev_check;
	dev_t xdev;
	const struct umv_mount *xmount;
	bool parent_synthetic;
	bool object;                    /* stopped on a /proc link to a non-file */
	bool last_lexical;              /* the final name was appended as written */
	bool last_dot;                  /* the final name was "." or ".." */
	bool root_set;                  /* the kernel's nd->root would be set */
	bool pass_ok;                   /* fast path: the argument as written works */
	bool passthrough;
	bool slow_pass;                 /* component walk: still kernel-equivalent */
	bool owned_seen;                /* a mapped (OWNED) mount was crossed */
	bool off_identity;              /* g and h parted: a trie node below the
	                                   root, a mount whose host path is not
	                                   its guest path, a magic link */
};

static void walker_bufs_free(struct walker *w)
{
	free(w->g.p);
	free(w->h.p);
	free(w->rest.p);
	w->g = w->h = w->rest = (struct buf){ 0 };
}

/* OWNED mounts that map their paths themselves (cow): see paths.h. */
static const struct umv_mount_mapper *mapper_of(const struct umv_mount *m)
{
	return (m->flags & UMV_MOUNT_MAPPED) ? m->owner : NULL;
}

/* h = the owner's host path for g; the parent's is h as it stands when
 * WITH_PARENT (one step down), else the owner works it out. */
static int map_host(struct walker *w, bool with_parent)
{
	const struct umv_mount_mapper *mp = mapper_of(w->mount);
	size_t gp = gprefix(w->mount);
	const char *rel = w->g.p ? w->g.p + gp : "";
	size_t rl = w->g.len - gp;
	char *host = NULL;

	if (rl && rel[0] == '/') {
		rel++;
		rl--;
	}
	w->owned_seen = true;
	int rc = mp->map(mp->data, rel, rl, with_parent && w->h.len ? w->h.p : NULL, &host);
	if (rc < 0)
		return rc;
	if (!host || host[0] != '/') {
		free(host);
		return -EIO;
	}
	rc = buf_set(&w->h, host, strlen(host));
	free(host);
	return rc;
}

static int rebuild_host(struct walker *w)
{
	if (mapper_of(w->mount))
		return map_host(w, false);
	if (!w->mount->host) {
		buf_cut(&w->h, 0);
		return 0;
	}
	size_t gp = gprefix(w->mount);
	if (buf_set(&w->h, w->mount->host, hprefix(w->mount)) < 0)
		return -ENOMEM;
	return buf_add(&w->h, w->g.p + gp, w->g.len - gp);
}

/* Is M seen by the guest where it is on the host (the root of -b runs)? */
static bool identity_mount(const struct umv_mount *m)
{
	return m->kind == UMV_MOUNT_REDIRECT && m->host && m->host_len == m->guest_len &&
	       memcmp(m->host, m->guest, m->guest_len) == 0;
}

static int mount_changed(struct walker *w, const struct umv_mount *m)
{
	w->mount = m;
	if (!identity_mount(m))
		w->off_identity = true;
	if (w->xmount && m != w->xmount)
		return -EXDEV;          /* RESOLVE_NO_XDEV: a mount of the guest */
	return rebuild_host(w);
}

/* Puts the walk at guest path p (absolute; "" or "/" = root). p comes from
 * the context or the /proc callback and should be canonical; "." and ".."
 * in it are still folded lexically so a sloppy caller cannot confuse the
 * trie position. p must not point into w->g. */
static int jump(struct walker *w, const char *p, size_t n)
{
	buf_cut(&w->g, 0);
	if (buf_reserve(&w->g, n + 1) < 0)
		return -ENOMEM;
	const struct umv_mnode *node = umv_mnode_root(w->mt);
	size_t off = 0, i = 0;
	while (i < n) {
		while (i < n && p[i] == '/')
			i++;
		size_t s = i;
		while (i < n && p[i] != '/')
			i++;
		size_t cl = i - s;
		if (cl == 0 || (cl == 1 && p[s] == '.'))
			continue;
		if (cl == 2 && p[s] == '.' && p[s + 1] == '.') {
			if (w->g.len == 0)
				continue;
			size_t k = w->g.len;
			while (w->g.p[k - 1] != '/')
				k--;
			buf_cut(&w->g, k - 1);
			if (off)
				off--;
			else
				node = umv_mnode_parent(node);
			continue;
		}
		w->g.p[w->g.len++] = '/';
		memcpy(w->g.p + w->g.len, p + s, cl);
		w->g.len += cl;
		w->g.p[w->g.len] = '\0';
		const struct umv_mnode *k = off ? NULL : umv_mnode_child(node, p + s, cl);
		if (k)
			node = k;
		else
			off++;
	}
	w->node = node;
	w->off = off;
	if (node != umv_mnode_root(w->mt))
		w->off_identity = true;
	w->synth = off ? 0 : -1;
	w->type = S_IFDIR;
	w->exists = 1;
	return mount_changed(w, umv_mnode_covering(node));
}

static bool is_proc_dir(const struct walker *w)
{
	return w->h.len >= 5 && memcmp(w->h.p, "/proc", 5) == 0 &&
	       (w->h.len == 5 || w->h.p[5] == '/');
}

/* Is this host object a synthetic directory? Only trie nodes can be. */
static int ensure_synth(struct walker *w)
{
	if (w->synth >= 0)
		return 0;
	w->synth = 0;
	if (w->off != 0 || !w->mount->host)
		return 0;
	bool root = umv_mnode_mount(w->node) != NULL;
	if (root && w->mount->host_len == 1)
		return 0;               /* the host's "/" is always a directory */
	struct stat st;
	int rc = umv_host_stat(w->h.p, w->h.len, root, &st);
	if (rc == -ENOENT || rc == -ENOTDIR || (rc == 0 && !S_ISDIR(st.st_mode))) {
		if (!root || umv_mnode_has_below(w->node))
			w->synth = 1;
		else
			return -ENOENT;
		return 0;
	}
	if (rc < 0)
		return rc;
	if (w->xdev_check && st.st_dev != w->xdev)
		return -EXDEV;
	return 0;
}

static int append_name(struct walker *w, const char *name, size_t n)
{
	if (buf_reserve(&w->g, n + 1) < 0)
		return -ENOMEM;
	w->g.p[w->g.len++] = '/';
	memcpy(w->g.p + w->g.len, name, n);
	w->g.len += n;
	w->g.p[w->g.len] = '\0';
	const struct umv_mnode *k = w->off ? NULL : umv_mnode_child(w->node, name, n);
	if (k) {
		w->slow_pass = false;   /* mounts decide here, not the host */
		w->off_identity = true;
		w->node = k;
		const struct umv_mount *m = umv_mnode_mount(k);
		if (m)
			return mount_changed(w, m);
	} else {
		w->off++;
	}
	if (mapper_of(w->mount))
		return map_host(w, true);
	if (!w->mount->host)
		return 0;
	if (buf_reserve(&w->h, n + 1) < 0)
		return -ENOMEM;
	w->h.p[w->h.len++] = '/';
	memcpy(w->h.p + w->h.len, name, n);
	w->h.len += n;
	w->h.p[w->h.len] = '\0';
	return 0;
}

/* g = parent of g (g is not the root). The parent is a directory. */
static int pop(struct walker *w)
{
	size_t old = w->g.len;
	size_t i = old;
	while (i > 0 && w->g.p[i - 1] != '/')
		i--;
	buf_cut(&w->g, i - 1);
	w->type = S_IFDIR;
	w->exists = 1;
	if (w->off) {
		w->off--;
		w->synth = 0;
		if (w->off == 0)
			w->slow_pass = false;
	} else {
		w->slow_pass = false;   /* leaving a trie node: mounts decide */
		w->node = umv_mnode_parent(w->node);
		w->synth = -1;
		const struct umv_mount *m = umv_mnode_covering(w->node);
		if (m != w->mount)
			return mount_changed(w, m);
	}
	if (mapper_of(w->mount)) {
		int rc = map_host(w, false);
		if (rc < 0)
			return rc;
	} else if (w->mount->host) {
		buf_cut(&w->h, w->h.len - (old - w->g.len));
	}
	if (w->xdev_check && w->mount->host) {
		/* climbing out of a host mount below the start is a crossing too */
		struct stat st;
		int rc = umv_host_stat(w->h.p, w->h.len, w->off == 0, &st);
		if (rc < 0 && w->off == 0)
			return 0;       /* a synthetic trie node: no host device */
		if (rc < 0)
			return rc;
		if (st.st_dev != w->xdev)
			return -EXDEV;
	}
	return 0;
}

/* Classifies g just after stepping onto it. final/create: a missing final
 * component is allowed. */
static int classify(struct walker *w, bool final)
{
	w->exists = 1;
	w->synth = 0;
	if (w->off == 0) {
		/* a trie node: a mount point or an ancestor of one */
		const struct umv_mount *m = umv_mnode_mount(w->node);
		w->type = S_IFDIR;
		if (!m) {
			w->synth = -1;
			return 0;
		}
		if (!m->host) {
			if (!umv_mnode_has_below(w->node)) {
				w->type = 0;
				w->exists = -1;
			}
			return 0;
		}
		struct stat st;
		int rc = umv_host_stat(w->h.p, w->h.len, true, &st);
		if (rc == -ENOENT && umv_mnode_has_below(w->node)) {
			w->synth = 1;
			return 0;
		}
		if (rc < 0)
			return rc;
		if (w->xdev_check && st.st_dev != w->xdev)
			return -EXDEV;
		w->type = st.st_mode & S_IFMT;
		return 0;
	}
	if (!w->mount->host) {
		/* module-owned without a host dir: the module knows */
		w->type = 0;
		w->exists = -1;
		return 0;
	}
	struct stat st;
	int rc = umv_host_stat(w->h.p, w->h.len, false, &st);
	if (rc == -ENOENT && final && (w->flags & UMV_PATH_CREATE)) {
		w->exists = 0;
		w->type = 0;
		return 0;
	}
	if (rc < 0)
		return rc;
	if (w->xdev_check && st.st_dev != w->xdev)
		return -EXDEV;
	w->type = st.st_mode & S_IFMT;
	return 0;
}

/* UMV_PATH_GUEST_CALL: would the kernel, walking the guest's own string
 * from the same root, take the same steps, links included? Yes while the
 * walk never left the places where guest and host paths agree (an owned
 * mount is never such a place: off_identity covers owned_seen). */
static bool kernel_walks_alike(const struct walker *w)
{
	return (w->flags & UMV_PATH_GUEST_CALL) && !w->off_identity && w->scope_len == 0;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static long parse_pid(const char *s, size_t n)
{
	long v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v > INT32_MAX ? -1 : v;
}

/* The body of the symlink at g, as the guest would read it, into *target.
 * Returns 0, 1 when the link was a magic link and the walk has already
 * jumped (or stopped on an object: 2), or -errno. */
static int read_link(struct walker *w, struct buf *target, bool final)
{
	const struct umv_path_ctx *ctx = w->ctx;
	if (is_proc_dir(w) && w->h.len > 6) {
		const char *p = w->h.p + 6;
		size_t n = w->h.len - 6;
		char num[64];
		int k = -1;
		if (n == 4 && memcmp(p, "self", 4) == 0) {
			if (ctx->self_pid <= 0)
				return -EACCES;
			k = snprintf(num, sizeof(num), "%ld", (long)ctx->self_pid);
		} else if (n == 11 && memcmp(p, "thread-self", 11) == 0) {
			if (ctx->self_pid <= 0 || ctx->self_tid <= 0)
				return -EACCES;
			k = snprintf(num, sizeof(num), "%ld/task/%ld", (long)ctx->self_pid,
			             (long)ctx->self_tid);
		}
		if (k > 0)
			return buf_set(target, num, (size_t)k);
		/* /proc/PID/LINK or /proc/PID/task/TID/LINK: a magic link */
		size_t d = 0;
		while (d < n && p[d] != '/')
			d++;
		if (all_digits(p, d) && d < n) {
			long pid = parse_pid(p, d);
			const char *link = p + d + 1;
			size_t ll = n - d - 1;
			if (ll > 5 && memcmp(link, "task/", 5) == 0) {
				size_t t = 5;
				while (t < ll && link[t] != '/')
					t++;
				if (all_digits(link + 5, t - 5) && t < ll) {
					pid = parse_pid(link + 5, t - 5);
					link += t + 1;
				}
			}
			if (pid < 0)
				return -ENOENT;
			if (w->flags & UMV_PATH_NO_MAGICLINKS)
				return -ELOOP;
			if (w->flags & (UMV_PATH_BENEATH | UMV_PATH_IN_ROOT | UMV_PATH_NO_XDEV))
				return -EXDEV;
			if (!ctx->resolve_proc_link)
				return -EACCES;
			char *guest = NULL;
			int rc = ctx->resolve_proc_link(ctx, (pid_t)pid, link, &guest);
			if (rc < 0)
				return rc;
			if (rc == UMV_PROC_LINK_OBJECT) {
				free(guest);
				w->type = 0;
				w->exists = 1;
				w->object = true;
				return final ? 2 : -ENOTDIR;
			}
			if (rc != UMV_PROC_LINK_PATH || !guest || guest[0] != '/') {
				free(guest);
				return -EIO;
			}
			w->off_identity = true;
			rc = jump(w, guest, strlen(guest));
			free(guest);
			if (rc < 0)
				return rc;
			/* nd_jump_link: the target is the object, not followed further */
			if (w->off == 0) {
				rc = classify(w, false);
			} else if (w->mount->host) {
				struct stat st;
				rc = umv_host_stat(w->h.p, w->h.len, false, &st);
				if (rc == 0)
					w->type = st.st_mode & S_IFMT;
			} else {
				w->type = 0;
				w->exists = -1;
			}
			return rc < 0 ? rc : 1;
		}
	}
	if (buf_reserve(target, PATH_MAX) < 0)
		return -ENOMEM;
	long n = umv_host_readlink(w->h.p, w->h.len, target->p, PATH_MAX);
	if (n < 0)
		return (int)n;
	if (n >= PATH_MAX)
		return -ENAMETOOLONG;
	target->len = (size_t)n;
	target->p[n] = '\0';
	return 0;
}

/* Follows the symlink at g: splices its body in front of rest[pos..]. */
static int follow(struct walker *w, bool final)
{
	w->slow_pass = false;           /* the kernel would read this link itself */
	if (w->flags & UMV_PATH_NO_SYMLINKS)
		return -ELOOP;
	if (++w->links > UMV_PATH_MAXSYMLINKS)
		return -ELOOP;
	struct buf target = { 0 };
	int rc = read_link(w, &target, final);
	if (rc != 0) {
		free(target.p);
		return rc;
	}
	if (target.len == 0) {
		free(target.p);
		return -ENOENT;
	}
	if (buf_add(&target, w->rest.p + w->pos, w->rest.len - w->pos) < 0) {
		free(target.p);
		return -ENOMEM;
	}
	free(w->rest.p);
	w->rest = target;
	w->pos = 0;
	if (w->rest.p[0] == '/') {
		if (w->flags & UMV_PATH_BENEATH)
			return -EXDEV;
		/* nd_jump_root under NO_XDEV: until the lookup has a root (an
		 * absolute argument, a scoped lookup, or any ".." so far) a jump
		 * to it is refused; then the root must be on our mount. Checked
		 * against openat2 with real bind mounts. */
		if ((w->flags & UMV_PATH_NO_XDEV) && !w->root_set)
			return -EXDEV;
		w->root_set = true;
		rc = jump(w, w->scope, w->scope_len);
		if (rc < 0 || !w->xdev_check || !w->mount->host)
			return rc;
		struct stat st;
		if (umv_host_stat(w->h.p, w->h.len, true, &st) == 0 && st.st_dev != w->xdev)
			return -EXDEV;
		return 0;
	}
	return pop(w);
}

static bool is_dot(const char *s, size_t n)
{
	return n == 1 && s[0] == '.';
}

static bool is_dotdot(const char *s, size_t n)
{
	return n == 2 && s[0] == '.' && s[1] == '.';
}

static size_t count_components(const char *p, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] != '/' && (i == 0 || p[i - 1] == '/'))
			c++;
	return c;
}

/* Flags under which only the component walk is exact. */
#define NO_FAST_FLAGS (UMV_PATH_NO_FAST | UMV_PATH_NO_XDEV | UMV_PATH_NO_MAGICLINKS | \
                       UMV_PATH_NO_SYMLINKS | UMV_PATH_BENEATH | UMV_PATH_IN_ROOT)

static int try_fast_rest(struct walker *w, bool *trailing);

/* After a symlink has been spliced in: the fast path on what is left, again
 * and again while it stops on a final symlink. 1 done, 0 go on, -errno. */
static int fast_after_link(struct walker *w, bool *trailing)
{
	for (;;) {
		int f = try_fast_rest(w, trailing);
		if (f != 2)
			return f;
		int rc = follow(w, true);
		if (rc == 2)
			return 1;               /* a /proc object, it is the result */
		if (rc < 0)
			return rc;
	}
}

/* The component walk from the current state to the end of rest. */
static int walk(struct walker *w, bool *trailing)
{
	for (;;) {
		size_t i = w->pos;
		const char *r = w->rest.p;
		size_t len = w->rest.len;
		while (i < len && r[i] == '/')
			i++;
		if (i == len) {
			w->pos = i;
			return 0;
		}
		size_t s = i;
		while (i < len && r[i] != '/')
			i++;
		size_t n = i - s;
		size_t j = i;
		while (j < len && r[j] == '/')
			j++;
		bool final = (j == len);
		bool slash = final && j > i;
		w->pos = i;
		if (final)
			*trailing = slash;
		const char *name = r + s;

		if (w->type && !S_ISDIR(w->type))
			return -ENOTDIR;

		if (final && ((w->flags & UMV_PATH_PARENT) ||
		              (slash && (w->flags & UMV_PATH_CREATE) &&
		               !is_dot(name, n) && !is_dotdot(name, n)))) {
			/* the caller's syscall judges the last name on the host;
			 * open(O_CREAT) never looks up a name written with a
			 * trailing slash: the kernel answers EISDIR */
			w->last_lexical = true;
			if (!is_dot(name, n) && !is_dotdot(name, n) && n > NAME_MAX)
				return -ENAMETOOLONG;
			int rc = ensure_synth(w);
			if (rc < 0)
				return rc;
			w->parent_synthetic = w->synth == 1;
			rc = append_name(w, name, n);
			if (rc < 0)
				return rc;
			if (is_dot(name, n) || is_dotdot(name, n)) {
				w->type = S_IFDIR;
				w->exists = 1;
				w->synth = 0;
				return 0;
			}
			if (w->parent_synthetic && w->off) {
				w->exists = 0;
				w->type = 0;
				w->synth = 0;
				return 0;
			}
			rc = classify(w, true);
			if (rc == -ENOENT) {
				w->exists = 0;
				w->type = 0;
				rc = 0;
			}
			return rc;
		}

		w->last_dot = final && (is_dot(name, n) || is_dotdot(name, n));
		if (is_dot(name, n))
			continue;
		if (is_dotdot(name, n)) {
			w->root_set = true;
			if (w->g.len == w->scope_len) {
				/* at the root (or the RESOLVE_* scope): stay, or refuse */
				w->slow_pass = false;
				if (w->flags & UMV_PATH_BENEATH)
					return -EXDEV;
				continue;
			}
			int rc = pop(w);
			if (rc < 0)
				return rc;
			continue;
		}
		if (n > NAME_MAX)
			return -ENAMETOOLONG;

		int rc = 0;
		if (w->off == 0 && !umv_mnode_child(w->node, name, n)) {
			/* leaving the trie: children of a synthetic dir do not exist */
			rc = ensure_synth(w);
			if (rc < 0)
				return rc;
			if (w->synth == 1) {
				if (final && (w->flags & UMV_PATH_CREATE))
					return -EACCES;
				return -ENOENT;
			}
		}
		rc = append_name(w, name, n);
		if (rc < 0)
			return rc;
		rc = classify(w, final);
		if ((rc == -ENOENT || rc == -ENOTDIR) && w->links == 0 && kernel_walks_alike(w)) {
			/* the guest's own call fails on this very name */
			w->exists = 0;
			w->type = 0;
			w->passthrough = true;
			return 0;
		}
		if (rc < 0)
			return rc;
		if (S_ISLNK(w->type) && (!final || slash || !(w->flags & UMV_PATH_NOFOLLOW))) {
			rc = follow(w, final);
			if (rc == 2)
				return 0;       /* a /proc object, it is the result */
			if (rc < 0)
				return rc;
			rc = fast_after_link(w, trailing);
			if (rc != 0)
				return rc < 0 ? rc : 0;
		}
	}
}


/* ---- the fast path ------------------------------------------------------ */

/* openat2 usable? -1 not yet known, 0 no (ENOSYS, filtered), 1 yes. Monitor
 * state, probed by use: the first refusal turns the fast path off. */
static int openat2_state = -1;

static int open_no_symlinks(const char *path, unsigned extra)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC | extra,
		.resolve = RESOLVE_NO_SYMLINKS,
	};
	long fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0) {
		int err = errno;
		if (err == ENOSYS || err == EPERM || err == E2BIG) {
			openat2_state = 0;
			return -ENOSYS;
		}
		return -err;
	}
	openat2_state = 1;
	return (int)fd;
}

enum fast_outcome { FAST_FALLBACK, FAST_DONE, FAST_FOLLOW };

/* Called where the kernel takes over (g, h = T): would the guest's own
 * argument, resolved by the kernel from the guest's real cwd/dirfd (the host
 * object of the base), walk the same string we hand openat2? Relative: only
 * if nothing precedes T (T is the base). Absolute: only if the argument
 * spells T exactly and T's host path is its guest path. */
static bool seg_is_passthrough(const struct walker *w, const char *path, size_t seg)
{
	if (path[0] != '/')
		return seg == 0;
	if (w->h.len != w->g.len || memcmp(w->h.p, w->g.p, w->g.len) != 0)
		return false;
	return seg == w->g.len + 1 && memcmp(path, w->g.p, w->g.len) == 0 && path[w->g.len] == '/';
}

/* UMV_PATH_PARENT: the kernel checks the parent (one openat2 with
 * O_DIRECTORY) and the last name is lstat'ed relative to it, as the
 * component walk would. The last name must not be a trie node, "." or "..". */
static enum fast_outcome fast_parent(struct walker *w, const char *path, size_t seg,
                                     size_t seg_host, char *host, size_t last,
                                     size_t last_end, bool slash, bool *trailing, int *err)
{
	const char *lname = path + last;
	size_t ln = last_end - last;
	if (mapper_of(w->mount))
		return FAST_FALLBACK;   /* the owner maps each name */
	if (ln == 0 || ln > NAME_MAX || is_dot(lname, ln) || is_dotdot(lname, ln))
		return FAST_FALLBACK;
	if (seg == SIZE_MAX) {
		/* the parent is a trie node: the kernel starts at its host dir */
		if (umv_mnode_child(w->node, lname, ln) || !w->mount->host || w->h.len >= PATH_MAX)
			return FAST_FALLBACK;
		seg = last;
		seg_host = w->h.len;
		memcpy(host, w->h.p, seg_host);
		w->pass_ok = seg_is_passthrough(w, path, seg);
	}
	size_t pl = last - seg, hl;
	if (seg_host + 1 + pl >= PATH_MAX)
		return FAST_FALLBACK;
	if (pl == 0) {
		hl = seg_host;
		if (hl == 0)
			host[hl++] = '/';
	} else {
		host[seg_host] = '/';
		memcpy(host + seg_host + 1, path + seg, pl);
		hl = seg_host + 1 + pl;
	}
	host[hl] = '\0';
	int fd = open_no_symlinks(host, O_DIRECTORY);
	if (fd < 0)
		return FAST_FALLBACK;
	char name[NAME_MAX + 1];
	memcpy(name, lname, ln);
	name[ln] = '\0';
	struct stat st;
	int rc = fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW);
	int e = rc < 0 ? errno : 0;
	close(fd);
	if (rc < 0 && e != ENOENT)
		return FAST_FALLBACK;
	if ((*err = append_name(w, lname, ln)) < 0)
		return FAST_FALLBACK;
	if (w->off == 0)
		return FAST_FALLBACK;
	*trailing = slash;
	w->synth = 0;
	w->last_lexical = true;
	w->exists = rc == 0;
	w->type = rc == 0 ? st.st_mode & S_IFMT : 0;
	w->passthrough = w->pass_ok;
	return FAST_DONE;
}

/* The lexical walk of the argument over the trie, then one kernel lookup.
 *
 * Trie nodes are directories by the table's own rules, so the walk through
 * them is lexical. From the first step off the trie (at node T, mount M) to
 * the end the path must stay under M without touching a trie node again and
 * without a ".." out of M's root; then handing the kernel h(T) + the raw
 * rest with RESOLVE_NO_SYMLINKS is the same walk: with no symlink crossed,
 * the kernel's ".." is lexical like ours, every other step is a lookup in
 * the same host directory the slow walk would lstat, and the host errors the
 * slow walk would report are left to it (any failure falls back). */
static enum fast_outcome fast_walk(struct walker *w, const char *path, size_t plen,
                                   bool *trailing, int *err)
{
	size_t seg = SIZE_MAX;          /* raw offset where the kernel takes over */
	size_t seg_host = 0;            /* length of h(T) */
	char host[PATH_MAX];            /* h(T), then h(T) + "/" + the raw rest */
	size_t i = 0, last = 0, last_end = 0;
	bool slash = false;
	bool parent = w->flags & UMV_PATH_PARENT;
	/* Can the kernel's error for h(T) + rest be the guest's? Only if T is
	 * a real directory (the host root, a real base, a directory mount
	 * point; not a synthetic ancestor) and no ".." follows (the walk pops
	 * it lexically, the kernel after a lookup that may fail). */
	bool t_real = w->off > 0, dotdot = false;
	*err = 0;
	if (mapper_of(w->mount))
		return FAST_FALLBACK;   /* the owner maps each name */
	if (w->off > 0) {
		/* a relative path from a base inside a mount's region */
		if (!w->mount->host || w->h.len >= PATH_MAX)
			return FAST_FALLBACK;
		seg = 0;
		seg_host = w->h.len;
		memcpy(host, w->h.p, seg_host);
		w->pass_ok = seg_is_passthrough(w, path, seg);
	}
	while (i < plen) {
		while (i < plen && path[i] == '/')
			i++;
		if (i == plen)
			break;
		size_t s = i;
		while (i < plen && path[i] != '/')
			i++;
		size_t n = i - s;
		const char *name = path + s;
		size_t j = i;
		while (j < plen && path[j] == '/')
			j++;
		slash = j == plen && j > i;
		last = s;
		last_end = i;
		if (parent && j == plen)
			break;                  /* the last name is judged below */
		w->last_dot = j == plen && (is_dot(name, n) || is_dotdot(name, n));
		if (is_dot(name, n))
			continue;
		if (is_dotdot(name, n)) {
			dotdot = true;
			if (w->g.len == 0 || (seg != SIZE_MAX && w->off == 0))
				return FAST_FALLBACK;   /* a clamp or a step out of M */
			if ((*err = pop(w)) < 0)
				return FAST_FALLBACK;
			if (mapper_of(w->mount))
				return FAST_FALLBACK;
			if (seg != SIZE_MAX && w->off == 0 && umv_mnode_has_below(w->node))
				return FAST_FALLBACK;
			continue;
		}
		if (n > NAME_MAX)
			return FAST_FALLBACK;
		bool on_trie = w->off == 0;
		if (on_trie && seg == SIZE_MAX && !umv_mnode_child(w->node, name, n)) {
			if (!w->mount->host || w->h.len >= PATH_MAX)
				return FAST_FALLBACK;
			const struct umv_mount *tm = umv_mnode_mount(w->node);
			seg = s;
			seg_host = w->h.len;
			memcpy(host, w->h.p, seg_host);
			w->pass_ok = seg_is_passthrough(w, path, seg);
			t_real = seg_host == 0 ||
			         (tm && tm->host && !(tm->flags & UMV_MOUNT_NONDIR));
		}
		if ((*err = append_name(w, name, n)) < 0)
			return FAST_FALLBACK;
		if (seg != SIZE_MAX && w->off == 0)
			return FAST_FALLBACK;   /* back onto the trie: mounts decide */
		if (mapper_of(w->mount))
			return FAST_FALLBACK;
	}
	if (parent)
		return fast_parent(w, path, seg, seg_host, host, last, last_end, slash, trailing, err);
	if (seg == SIZE_MAX)
		return FAST_FALLBACK;           /* ends on the trie: the slow walk is short */

	/* h(T) + "/" + raw rest, NUL-terminated */
	size_t rl = plen - seg;
	if (seg_host + 1 + rl >= PATH_MAX)
		return FAST_FALLBACK;
	host[seg_host] = '/';
	memcpy(host + seg_host + 1, path + seg, rl);
	host[seg_host + 1 + rl] = '\0';

	int fd = open_no_symlinks(host, 0);
	bool creating = false;
	if (fd == -ENOENT && (w->flags & UMV_PATH_CREATE) &&
	    !is_dot(path + last, last_end - last) && !is_dotdot(path + last, last_end - last)) {
		/* the parent, as the kernel sees it, must be a directory */
		size_t cut = seg_host + 1 + (last - seg);
		if (last == seg)
			cut = seg_host ? seg_host : 1;
		host[cut] = '\0';
		fd = open_no_symlinks(host, O_DIRECTORY);
		creating = true;
	}
	if (!(w->flags & UMV_PATH_CREATE) && (fd == -ENOENT || fd == -ENOTDIR) && t_real && !dotdot) {
		/* No link before the missing (or non-directory) name: the
		 * component walk would stop on that name with this error,
		 * after an lstat per component (a compiler's include path
		 * search is mostly misses). The guest's own argument, when
		 * the kernel walks the same string, fails the same way. */
		if (w->pass_ok && (w->flags & UMV_PATH_GUEST_CALL)) {
			*trailing = slash;
			w->synth = 0;
			w->exists = 0;
			w->type = 0;
			w->passthrough = true;
			return FAST_DONE;
		}
		*err = fd;
		return FAST_FALLBACK;
	}
	if (fd < 0)
		return FAST_FALLBACK;
	struct stat st;
	int rc = fstat(fd, &st);
	close(fd);
	if (rc < 0)
		return FAST_FALLBACK;
	*trailing = slash;
	w->synth = 0;
	if (creating) {
		w->exists = 0;
		w->type = 0;
		w->passthrough = w->pass_ok;
		return FAST_DONE;
	}
	w->exists = 1;
	w->type = st.st_mode & S_IFMT;
	if (S_ISLNK(w->type) && !(w->flags & UMV_PATH_NOFOLLOW)) {
		/* the slow walk follows it from here: rest = what follows the name */
		if (buf_set(&w->rest, path, plen) < 0) {
			*err = -ENOMEM;
			return FAST_FALLBACK;
		}
		w->pos = last_end;
		return FAST_FOLLOW;
	}
	w->passthrough = w->pass_ok;
	return FAST_DONE;
}

/* The fast path from the middle of a walk (after a symlink): the lexical
 * walk runs on a copy of the state, adopted only if the kernel agrees.
 * 1 done, 2 stopped on a final symlink to follow, 0 not applicable. */
static int try_fast_rest(struct walker *w, bool *trailing)
{
	if ((w->flags & NO_FAST_FLAGS) || openat2_state == 0 ||
	    count_components(w->rest.p + w->pos, w->rest.len - w->pos) <= 2)
		return 0;
	struct walker t = *w;
	t.g = t.h = t.rest = (struct buf){ 0 };
	t.pos = 0;
	t.flags &= ~UMV_PATH_GUEST_CALL;     /* the guest's string had a link */
	if (buf_set(&t.g, w->g.p ? w->g.p : "", w->g.len) < 0 ||
	    buf_set(&t.h, w->h.p ? w->h.p : "", w->h.len) < 0) {
		walker_bufs_free(&t);
		return -ENOMEM;
	}
	int err;
	bool tr = false;
	enum fast_outcome fo = fast_walk(&t, w->rest.p + w->pos, w->rest.len - w->pos, &tr, &err);
	if (err < 0 || fo == FAST_FALLBACK) {
		walker_bufs_free(&t);
		return err < 0 ? err : 0;
	}
	unsigned flags = w->flags;
	walker_bufs_free(w);
	*w = t;
	w->flags = flags;
	w->passthrough = false;         /* the argument as written had a link */
	if (fo == FAST_DONE) {
		*trailing = tr;
		return 1;
	}
	return 2;
}

static int finish(struct walker *w, bool trailing, struct umv_path_result *out)
{
	int rc = ensure_synth(w);
	if (rc < 0)
		return rc;
	if (!w->last_lexical && w->exists == 1 && (w->type || w->object) &&
	    !S_ISDIR(w->type) && (trailing || (w->flags & UMV_PATH_DIRECTORY)))
		return -ENOTDIR;
	memset(out, 0, sizeof(*out));
	out->guest_len = w->g.len ? w->g.len : 1;
	out->guest = malloc(out->guest_len + 1);
	if (!out->guest)
		return -ENOMEM;
	memcpy(out->guest, w->g.len ? w->g.p : "/", out->guest_len);
	out->guest[out->guest_len] = '\0';
	if (w->mount->host && w->synth != 1 && !(w->parent_synthetic && w->off)) {
		size_t hl = w->h.len ? w->h.len : 1;
		/* A final "." or ".." stays a dot for the kernel (open(O_CREAT|O_EXCL)
		 * of "dir/." is EEXIST, of "dir/" EISDIR); a trailing slash stays. */
		bool add_dot = w->last_dot && !w->last_lexical;
		bool add_slash = !add_dot && trailing && w->h.len;
		out->host = malloc(hl + 3);
		if (!out->host) {
			free(out->guest);
			out->guest = NULL;
			return -ENOMEM;
		}
		memcpy(out->host, w->h.len ? w->h.p : "/", hl);
		if (add_slash)
			out->host[hl++] = '/';
		if (add_dot) {
			if (w->h.len)
				out->host[hl++] = '/';
			out->host[hl++] = '.';
		}
		out->host[hl] = '\0';
		out->host_len = hl;
	}
	out->mount = w->mount;
	out->exists = w->exists;
	out->type = w->exists == 1 ? w->type : 0;
	out->synthetic = w->synth == 1;
	out->mount_root = w->off == 0 && umv_mnode_mount(w->node) != NULL;
	out->trailing_slash = trailing;
	/* the guest's own string would reach the owner's host objects only
	 * by chance (cow: lower vs upper) */
	out->passthrough = (w->passthrough || w->slow_pass) && !w->owned_seen;
	/* Links followed, but the whole walk stayed where guest and host paths
	 * are the same (/lib -> usr/lib under -b): the kernel, walking the
	 * guest's own string from the same root, reads the same links in the
	 * same directories and ends on the same object. */
	if (w->links > 0 && kernel_walks_alike(w) && !w->object && out->host)
		out->passthrough = true;
	return 0;
}

long umv_path_flags_from_resolve(unsigned long long resolve)
{
	const unsigned long long known = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS |
	                                 RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH |
	                                 RESOLVE_IN_ROOT | RESOLVE_CACHED;
	if (resolve & ~known)
		return -EINVAL;
	if ((resolve & RESOLVE_BENEATH) && (resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	if (resolve & RESOLVE_CACHED)
		return -EAGAIN;
	long f = 0;
	if (resolve & RESOLVE_NO_XDEV)
		f |= UMV_PATH_NO_XDEV;
	if (resolve & RESOLVE_NO_MAGICLINKS)
		f |= UMV_PATH_NO_MAGICLINKS;
	if (resolve & RESOLVE_NO_SYMLINKS)
		f |= UMV_PATH_NO_SYMLINKS | UMV_PATH_NO_MAGICLINKS;
	if (resolve & RESOLVE_BENEATH)
		f |= UMV_PATH_BENEATH;
	if (resolve & RESOLVE_IN_ROOT)
		f |= UMV_PATH_IN_ROOT;
	return f;
}

void umv_path_result_free(struct umv_path_result *r)
{
	if (!r)
		return;
	free(r->guest);
	free(r->host);
	r->guest = r->host = NULL;
}


int umv_path_resolve(const struct umv_mount_table *mt, const struct umv_path_ctx *ctx,
                     const char *guest_path, unsigned flags, struct umv_path_result *out)
{
	if (!mt || !ctx || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!guest_path)
		return -EFAULT;
	if ((flags & UMV_PATH_BENEATH) && (flags & UMV_PATH_IN_ROOT))
		return -EINVAL;
	size_t plen = strnlen(guest_path, PATH_MAX);
	if (plen >= PATH_MAX)
		return -ENAMETOOLONG;
	const char *base = ctx->base ? ctx->base : ctx->cwd;
	if (!base || base[0] != '/')
		return -EINVAL;
	size_t blen = strlen(base);
	while (blen > 1 && base[blen - 1] == '/')
		blen--;
	if (plen == 0 && !(flags & UMV_PATH_EMPTY_PATH))
		return -ENOENT;
	if (plen > 0 && guest_path[0] != '/' && ctx->base_not_dir)
		return -ENOTDIR;
	if (plen > 0 && guest_path[0] == '/' && (flags & UMV_PATH_BENEATH))
		return -EXDEV;

	struct walker w = { .mt = mt, .ctx = ctx, .flags = flags, .scope = "", .scope_len = 0 };
	bool trailing = false;
	int rc;
	/* One or two components: the component walk is as cheap (an lstat
	 * each) as openat2 + fstat + close. */
	if (plen > 0 && !(flags & NO_FAST_FLAGS) && openat2_state != 0 &&
	    count_components(guest_path, plen) > 2) {
		rc = jump(&w, guest_path[0] == '/' ? "" : base, guest_path[0] == '/' ? 0 : blen);
		if (rc < 0)
			goto out;
		int err;
		enum fast_outcome fo = fast_walk(&w, guest_path, plen, &trailing, &err);
		if (err < 0) {
			rc = err;
			goto out;
		}
		if (fo == FAST_DONE) {
			rc = finish(&w, trailing, out);
			out->fast = rc == 0;
			goto out;
		}
		if (fo == FAST_FOLLOW) {
			rc = follow(&w, true);
			if (rc == 2) {
				rc = finish(&w, trailing, out);
				goto out;
			}
			if (rc >= 0)
				rc = fast_after_link(&w, &trailing);
			if (rc == 0)
				rc = walk(&w, &trailing);
			if (rc >= 0)
				rc = finish(&w, trailing, out);
			goto out;
		}
		trailing = false;
		w.links = 0;
	}

	rc = jump(&w, base, blen);
	if (rc < 0)
		goto out;
	if (flags & (UMV_PATH_BENEATH | UMV_PATH_IN_ROOT)) {
		w.scope = w.g.len ? base : "";
		w.scope_len = w.g.len;
	}
	if (plen == 0) {
		/* AT_EMPTY_PATH: the dirfd itself */
		w.type = ctx->base_not_dir ? 0 : S_IFDIR;
		rc = finish(&w, false, out);
		goto out;
	}
	w.root_set = guest_path[0] == '/' || (flags & (UMV_PATH_IN_ROOT | UMV_PATH_BENEATH));
	if (guest_path[0] == '/' && !(flags & UMV_PATH_IN_ROOT)) {
		/* nothing walked yet: where the base lies (a cwd in a bind)
		 * says nothing about how the kernel walks an absolute path */
		w.off_identity = false;
		rc = jump(&w, "", 0);
		if (rc < 0)
			goto out;
	}
	if (flags & UMV_PATH_NO_XDEV) {
		w.xmount = w.mount;
		w.xdev_check = false;
		if (w.mount->host) {
			struct stat st;
			rc = umv_host_stat(w.h.p, w.h.len, true, &st);
			if (rc == 0) {
				w.xdev = st.st_dev;
				w.xdev_check = true;
			} else if (w.off != 0) {
				goto out;
			}
			/* a synthetic start has no device: only mounts are compared */
			rc = 0;
		}
	}
	rc = buf_set(&w.rest, guest_path, plen);
	if (rc < 0)
		goto out;
	w.pos = 0;
	/* A relative path from a base inside a mount region that the walk
	 * finds free of links and trie nodes is what the kernel would walk
	 * from the guest's real cwd/dirfd (the base's host object). */
	w.slow_pass = guest_path[0] != '/' && w.mount->host &&
	              (w.off > 0 || umv_mnode_mount(w.node) == w.mount) &&
	              !(flags & NO_FAST_FLAGS & ~UMV_PATH_NO_FAST);
	rc = walk(&w, &trailing);
	if (rc >= 0)
		rc = finish(&w, trailing, out);
out:
	walker_bufs_free(&w);
	return rc;
}
