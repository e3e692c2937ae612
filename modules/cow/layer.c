/* The cow layers: which host copy a name has, whiteouts, copy-up and the
 * merged listing. Upper wins; a whiteout or an opaque directory in upper
 * hides lower; the lower tree is only ever read. */
#include "cow.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

char *cow_join(const char *dir, const char *rel)
{
	char *p;

	if (!rel[0])
		return strdup(dir);
	if (asprintf(&p, "%s/%s", dir, rel) < 0)
		return NULL;
	return p;
}

bool cow_inside(const char *path, const char *dir, size_t len)
{
	return strncmp(path, dir, len) == 0 && (path[len] == '/' || path[len] == '\0');
}

char *cow_rel_of(const char *host, const char *dir, size_t len)
{
	if (!cow_inside(host, dir, len))
		return NULL;
	host += len;
	while (*host == '/')
		host++;
	return strdup(host);
}

static const char *base_name(const char *rel)
{
	const char *s = strrchr(rel, '/');

	return s ? s + 1 : rel;
}

bool cow_reserved_name(const struct cow *c, const char *rel)
{
	return !c->xattr_whiteouts && strncmp(base_name(rel), COW_WH_PREFIX, 4) == 0;
}

/* The marker file for REL's whiteout (marker mode), malloc'd. */
static char *marker_path(const struct cow *c, const char *rel)
{
	const char *name = base_name(rel);
	char *p;

	if (asprintf(&p, "%s/%.*s%s%s", c->upper, (int)(name - rel), rel, COW_WH_PREFIX, name) < 0)
		return NULL;
	return p;
}

static bool is_xwhiteout(const char *path, const struct stat *st)
{
	return S_ISREG(st->st_mode) && st->st_size == 0 &&
	       lgetxattr(path, COW_WHITEOUT_XATTR, NULL, 0) >= 0;
}

bool cow_is_opaque(const struct cow *c, const char *upper_dir)
{
	char v[4];

	if (c->xattr_whiteouts) {
		ssize_t n = lgetxattr(upper_dir, COW_OPAQUE_XATTR, v, sizeof(v));
		return n == 1 && v[0] == 'y';
	}
	char *m = cow_join(upper_dir, COW_WH_OPAQUE);
	struct stat st;
	bool r = m && lstat(m, &st) == 0;
	free(m);
	return r;
}

/* Is REL whited out in upper? UPPER_ST: lstat of upper/REL when it exists. */
static bool whited_out(const struct cow *c, const char *rel, const char *up,
		       const struct stat *upper_st)
{
	if (c->xattr_whiteouts)
		return upper_st && is_xwhiteout(up, upper_st);
	char *m = marker_path(c, rel);
	struct stat st;
	bool r = m && lstat(m, &st) == 0;
	free(m);
	return r;
}

static int absent_path(const struct cow *c, const char *rel, char **host)
{
	return (*host = cow_join(c->absent, rel)) ? 0 : -ENOMEM;
}

/* REL whose parent is the upper directory UP_PARENT (exists, is visible). */
static int lookup_in_upper(const struct cow *c, const char *rel, const char *up_parent,
			   char **host)
{
	struct stat st;
	char *up = cow_join(c->upper, rel), *low;

	if (!up)
		return -ENOMEM;
	if (lstat(up, &st) == 0) {
		if (whited_out(c, rel, up, &st)) {
			free(up);
			return absent_path(c, rel, host);
		}
		*host = up;
		return 0;
	}
	if (errno != ENOENT && errno != ENOTDIR) {
		int rc = -errno;
		free(up);
		return rc;
	}
	free(up);
	if (whited_out(c, rel, NULL, NULL) || cow_is_opaque(c, up_parent))
		return absent_path(c, rel, host);
	if (!(low = cow_join(c->lower, rel)))
		return -ENOMEM;
	if (lstat(low, &st) < 0) {
		free(low);
		return absent_path(c, rel, host);
	}
	*host = low;
	return 0;
}

int cow_lookup(void *data, const char *rel, const char *parent_host, char **host)
{
	struct cow *c = data;
	size_t len = strlen(rel);
	char *cur, *prefix;
	int rc;

	if (!rel[0])
		return (*host = strdup(c->upper)) ? 0 : -ENOMEM;
	if (cow_reserved_name(c, rel))
		return absent_path(c, rel, host);
	if (parent_host) {
		/* one step below a known parent */
		if (cow_inside(parent_host, c->absent, c->absent_len))
			return absent_path(c, rel, host);
		if (cow_inside(parent_host, c->lower, c->lower_len))
			return (*host = cow_join(c->lower, rel)) ? 0 : -ENOMEM;
		if (cow_inside(parent_host, c->upper, c->upper_len))
			return lookup_in_upper(c, rel, parent_host, host);
	}
	/* from the root down, one component at a time (REL is canonical) */
	if (!(prefix = malloc(len + 1)))
		return -ENOMEM;
	if (!(cur = strdup(c->upper))) {
		free(prefix);
		return -ENOMEM;
	}
	rc = 0;
	for (size_t i = 1; i <= len; i++) {
		if (i < len && rel[i] != '/')
			continue;
		memcpy(prefix, rel, i);
		prefix[i] = '\0';
		char *next = NULL;
		rc = lookup_in_upper(c, prefix, cur, &next);
		free(cur);
		cur = next;
		if (rc < 0 || !cow_inside(cur, c->upper, c->upper_len))
			break;	/* below lower or a deleted name: the rest stays there */
	}
	free(prefix);
	if (rc < 0)
		return rc;
	if (cow_inside(cur, c->upper, c->upper_len)) {
		*host = cur;
		return 0;
	}
	bool absent = cow_inside(cur, c->absent, c->absent_len);
	free(cur);
	return absent ? absent_path(c, rel, host)
		      : (*host = cow_join(c->lower, rel)) ? 0 : -ENOMEM;
}

bool cow_lower_visible(const struct cow *c, const char *rel, struct stat *st)
{
	size_t len = strlen(rel);
	char *prefix = malloc(len + 1);
	bool visible = true;

	if (!prefix)
		return false;
	/* every upper ancestor (the root included) must let lower through */
	for (size_t i = 0; visible && i < len; i++) {
		if (rel[i] != '/' && i != 0)
			continue;
		memcpy(prefix, rel, i);
		prefix[i] = '\0';
		char *up = cow_join(c->upper, prefix);
		struct stat ust;
		if (!up) {
			visible = false;
			break;
		}
		if (lstat(up, &ust) < 0) {
			if (prefix[0] && whited_out(c, prefix, up, NULL))
				visible = false;
			free(up);
			break;	/* nothing of upper below here */
		}
		if ((prefix[0] && whited_out(c, prefix, up, &ust)) || !S_ISDIR(ust.st_mode) ||
		    cow_is_opaque(c, up))
			visible = false;
		free(up);
	}
	free(prefix);
	if (!visible || !rel[0])
		return visible && rel[0] == '\0' && lstat(c->lower, st) == 0;
	char *low = cow_join(c->lower, rel);
	visible = low && lstat(low, st) == 0;
	free(low);
	return visible;
}

/* ---- copy-up ---- */

static void copy_xattrs(const char *from, const char *to)
{
	ssize_t n = llistxattr(from, NULL, 0);
	char *names, *val = NULL;

	if (n <= 0 || !(names = malloc((size_t)n)))
		return;
	n = llistxattr(from, names, (size_t)n);
	for (ssize_t i = 0; n > 0 && i < n; i += (ssize_t)strlen(names + i) + 1) {
		const char *name = names + i;
		ssize_t vl = lgetxattr(from, name, NULL, 0);
		if (vl < 0 || strncmp(name, "user.overlay.", 13) == 0)
			continue;
		char *nv = realloc(val, vl ? (size_t)vl : 1);
		if (!nv)
			break;
		val = nv;
		vl = lgetxattr(from, name, val, (size_t)vl);
		/* security.* may be refused to an unprivileged monitor: the
		 * copy keeps what it may */
		if (vl >= 0)
			(void)lsetxattr(to, name, val, (size_t)vl, 0);
	}
	free(val);
	free(names);
}

static void copy_attrs(const char *from, const struct stat *st, const char *to)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	(void)lchown(to, st->st_uid, st->st_gid);	/* EPERM: stays the monitor's */
	if (!S_ISLNK(st->st_mode))
		(void)chmod(to, st->st_mode & 07777);
	copy_xattrs(from, to);
	(void)utimensat(AT_FDCWD, to, ts, AT_SYMLINK_NOFOLLOW);
}

static int copy_data(int in, int out)
{
	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno != EXDEV && errno != EINVAL && errno != EOPNOTSUPP && errno != ENOSYS)
			return -errno;
		break;
	}
	char buf[65536];
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			off += w;
		}
	}
}

/* An upper directory copied from a read-only lower one is read-only for
 * its owner too; overlayfs writes into it with the mounter's privileges.
 * A monitor that owns it but may not write there makes it writable for
 * the time of its own change. */
struct unlock {
	char *dir;
	mode_t mode;
};

static void parent_unlock(const char *path, struct unlock *u)
{
	struct stat st;
	char *slash;

	u->dir = NULL;
	if (!(u->dir = strdup(path)) || !(slash = strrchr(u->dir, '/')) || slash == u->dir) {
		free(u->dir);
		u->dir = NULL;
		return;
	}
	*slash = '\0';
	if (access(u->dir, W_OK | X_OK) == 0 || stat(u->dir, &st) < 0 || st.st_uid != geteuid() ||
	    chmod(u->dir, (st.st_mode & 07777) | 0700) < 0) {
		free(u->dir);
		u->dir = NULL;
		return;
	}
	u->mode = st.st_mode & 07777;
}

static void parent_relock(struct unlock *u)
{
	if (u->dir)
		(void)chmod(u->dir, u->mode);
	free(u->dir);
	u->dir = NULL;
}

/* Copies lower/REL (lstat LST) to upper/REL; the parent exists in upper. */
static int copy_one(struct cow *c, const char *rel, const struct stat *lst, bool with_data)
{
	char *low = cow_join(c->lower, rel), *up = cow_join(c->upper, rel), *tmp = NULL;
	struct unlock u = { 0 };
	int rc = 0;

	if (!low || !up) {
		rc = -ENOMEM;
		goto out;
	}
	parent_unlock(up, &u);
	if ((rc = cow_clear_whiteout(c, rel)) < 0)
		goto out;
	rc = 0;
	if (S_ISDIR(lst->st_mode)) {
		if (mkdir(up, 0700) < 0 && errno != EEXIST)
			rc = -errno;
	} else if (S_ISREG(lst->st_mode)) {
		/* a temporary name, renamed into place once complete */
		if (asprintf(&tmp, "%s.umvcow-%d", up, (int)getpid()) < 0) {
			tmp = NULL;
			rc = -ENOMEM;
			goto out;
		}
		int out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (out < 0) {
			rc = -errno;
			goto out;
		}
		if (with_data) {
			/* O_NONBLOCK: never wait on a FIFO swapped in meanwhile */
			int in = open(low, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
			rc = in < 0 ? -errno : copy_data(in, out);
			if (in >= 0)
				close(in);
		}
		if (close(out) < 0 && rc == 0)
			rc = -errno;
		if (rc == 0) {
			copy_attrs(low, lst, tmp);
			if (rename(tmp, up) < 0)
				rc = -errno;
		}
		if (rc < 0)
			unlink(tmp);
		goto out;
	} else if (S_ISLNK(lst->st_mode)) {
		char target[4096];
		ssize_t n = readlink(low, target, sizeof(target) - 1);
		if (n < 0) {
			rc = -errno;
			goto out;
		}
		target[n] = '\0';
		if (symlink(target, up) < 0)
			rc = -errno;
	} else if (mknod(up, (lst->st_mode & S_IFMT) | 0600, lst->st_rdev) < 0) {
		rc = -errno;	/* devices need CAP_MKNOD, as for overlayfs */
	}
	if (rc == 0)
		copy_attrs(low, lst, up);
out:
	parent_relock(&u);
	if (rc < 0)
		umv_log(c->mod, UMV_LOG_WARN, "copy-up of %s failed: %s", rel, strerror(-rc));
	free(low);
	free(up);
	free(tmp);
	return rc;
}

int cow_copy_root_attrs(struct cow *c)
{
	struct stat st;

	if (lstat(c->lower, &st) < 0)
		return -errno;
	copy_attrs(c->lower, &st, c->upper);
	return 0;
}

/* Makes sure upper/REL exists (REL visible). */
static int up_one(struct cow *c, const char *rel, bool with_data)
{
	char *up = cow_join(c->upper, rel);
	struct stat st;
	int rc;

	if (!up)
		return -ENOMEM;
	rc = lstat(up, &st);
	if (rc == 0 && !whited_out(c, rel, up, &st)) {
		free(up);
		return 0;
	}
	free(up);
	if (!cow_lower_visible(c, rel, &st))
		return -ENOENT;
	return copy_one(c, rel, &st, with_data);
}

int cow_copy_up_parents(struct cow *c, const char *rel)
{
	size_t len = strlen(rel);
	char *prefix = malloc(len + 1);
	int rc = 0;

	if (!prefix)
		return -ENOMEM;
	for (size_t i = 1; rc == 0 && i < len; i++) {
		if (rel[i] != '/')
			continue;
		memcpy(prefix, rel, i);
		prefix[i] = '\0';
		rc = up_one(c, prefix, true);
	}
	free(prefix);
	return rc;
}

int cow_copy_up(struct cow *c, const char *rel, bool with_data)
{
	int rc;

	if (!rel[0])
		return 0;
	if ((rc = cow_copy_up_parents(c, rel)) < 0)
		return rc;
	return up_one(c, rel, with_data);
}

int cow_copy_up_tree(struct cow *c, const char *rel)
{
	struct cow_listing l = { 0 };
	int rc;

	if ((rc = cow_copy_up(c, rel, true)) < 0)
		return rc;
	if ((rc = cow_list(c, rel, 0, &l)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		const char *name = l.e[i].name;
		char *child;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (rel[0] ? asprintf(&child, "%s/%s", rel, name) < 0 : !(child = strdup(name)))
			child = NULL;
		if (!child) {
			rc = -ENOMEM;
			break;
		}
		rc = l.e[i].type == DT_DIR ? cow_copy_up_tree(c, child) : cow_copy_up(c, child, true);
		free(child);
	}
	cow_listing_free(&l);
	return rc;
}

/* ---- whiteouts ---- */

int cow_make_whiteout(struct cow *c, const char *rel)
{
	char *path;
	int fd, rc = 0;

	if ((rc = cow_copy_up_parents(c, rel)) < 0)
		return rc;
	path = c->xattr_whiteouts ? cow_join(c->upper, rel) : marker_path(c, rel);
	if (!path)
		return -ENOMEM;
	struct unlock u;
	parent_unlock(path, &u);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0);
	parent_relock(&u);
	if (fd < 0) {
		rc = -errno;
		free(path);
		return rc;
	}
	if (c->xattr_whiteouts && fsetxattr(fd, COW_WHITEOUT_XATTR, "y", 1, 0) < 0) {
		rc = -errno;
		unlink(path);
	}
	close(fd);
	if (rc == 0 && c->xattr_whiteouts) {
		/* overlayfs looks for xattr whiteouts only in directories so marked */
		char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
		if (slash) {
			*slash = '\0';
			if (!cow_is_opaque(c, dir))
				(void)lsetxattr(dir, COW_OPAQUE_XATTR, "x", 1, 0);
		}
		free(dir);
	}
	free(path);
	return rc;
}

int cow_clear_whiteout(struct cow *c, const char *rel)
{
	char *path = c->xattr_whiteouts ? cow_join(c->upper, rel) : marker_path(c, rel);
	struct stat st;
	int rc = 0;

	if (!path)
		return -ENOMEM;
	if (lstat(path, &st) == 0 && (!c->xattr_whiteouts || is_xwhiteout(path, &st)))
		rc = unlink(path) < 0 ? -errno : 1;
	free(path);
	return rc;
}

int cow_set_opaque(struct cow *c, const char *upper_dir)
{
	if (c->xattr_whiteouts)
		return lsetxattr(upper_dir, COW_OPAQUE_XATTR, "y", 1, 0) < 0 ? -errno : 0;
	char *m = cow_join(upper_dir, COW_WH_OPAQUE);
	int fd, rc = 0;
	if (!m)
		return -ENOMEM;
	fd = open(m, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0);
	if (fd < 0)
		rc = -errno;
	else
		close(fd);
	free(m);
	return rc;
}

int cow_set_opaque_tree(struct cow *c, const char *upper_dir)
{
	DIR *d;
	struct dirent *de;
	int rc = cow_set_opaque(c, upper_dir);

	if (rc < 0)
		return rc;
	if (!(d = opendir(upper_dir)))
		return -errno;
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		char *sub = cow_join(upper_dir, de->d_name);
		rc = sub ? cow_set_opaque_tree(c, sub) : -ENOMEM;
		free(sub);
	}
	closedir(d);
	return rc;
}

/* ---- listings ---- */

static int add_entry(struct cow_listing *l, const char *name, uint64_t ino, unsigned char type)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct cow_dirent *e = realloc(l->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		l->e = e;
		l->cap = cap;
	}
	if (!(l->e[l->n].name = strdup(name)))
		return -ENOMEM;
	l->e[l->n].ino = ino;
	l->e[l->n].off = 0;
	l->e[l->n].type = type;
	l->n++;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names, for the "is it in upper / whited out" questions. */
struct names {
	char **v;
	size_t n, cap;
};

static int names_add(struct names *s, const char *name)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	return (s->v[s->n++] = strdup(name)) ? 0 : -ENOMEM;
}

static bool names_has(const struct names *s, const char *name)
{
	return s->n && bsearch(&name, s->v, s->n, sizeof(*s->v), name_cmp);
}

static void names_free(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

int cow_list(struct cow *c, const char *rel, uint64_t dot_ino, struct cow_listing *out)
{
	char *up = cow_join(c->upper, rel), *low = NULL;
	struct names seen = { 0 }, gone = { 0 };
	bool opaque = false, dots = false;
	struct stat st;
	DIR *d;
	struct dirent *de;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!up)
		return -ENOMEM;
	if (lstat(up, &st) == 0 && S_ISDIR(st.st_mode) && (d = opendir(up))) {
		int dfd = dirfd(d);
		opaque = cow_is_opaque(c, up);
		while (rc == 0 && (de = readdir(d))) {
			const char *n = de->d_name;
			struct stat est;
			if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0) {
				uint64_t ino = de->d_ino;
				if (n[1] == '\0' && dot_ino)
					ino = dot_ino;
				else if (n[1] == '.' && !rel[0] && c->guest_parent_ino)
					ino = c->guest_parent_ino;	/* the view's root */
				rc = add_entry(out, n, ino, DT_DIR);
				dots = true;
				continue;
			}
			if (!c->xattr_whiteouts && strncmp(n, COW_WH_PREFIX, 4) == 0) {
				out->hidden = true;
				if (strcmp(n, COW_WH_OPAQUE) != 0)
					rc = names_add(&gone, n + 4);
				continue;
			}
			if (c->xattr_whiteouts && (de->d_type == DT_REG || de->d_type == DT_UNKNOWN) &&
			    fstatat(dfd, n, &est, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(est.st_mode) &&
			    est.st_size == 0) {
				char *p = cow_join(up, n);
				bool wo = p && is_xwhiteout(p, &est);
				free(p);
				if (wo) {
					out->hidden = true;
					rc = names_add(&gone, n);
					continue;
				}
			}
			if (rc == 0)
				rc = names_add(&seen, n);
			if (rc == 0)
				rc = add_entry(out, n, de->d_ino, de->d_type);
		}
		closedir(d);
	}
	if (rc == 0 && !opaque && cow_lower_visible(c, rel, &st) && S_ISDIR(st.st_mode) &&
	    (low = cow_join(c->lower, rel)) && (d = opendir(low))) {
		if (seen.n)
			qsort(seen.v, seen.n, sizeof(*seen.v), name_cmp);
		if (gone.n)
			qsort(gone.v, gone.n, sizeof(*gone.v), name_cmp);
		while (rc == 0 && (de = readdir(d))) {
			const char *n = de->d_name;
			bool dot = strcmp(n, ".") == 0 || strcmp(n, "..") == 0;
			if ((dot && dots) || names_has(&seen, n) || names_has(&gone, n) ||
			    (!c->xattr_whiteouts && strncmp(n, COW_WH_PREFIX, 4) == 0))
				continue;
			rc = add_entry(out, n, strcmp(n, ".") == 0 && dot_ino ? dot_ino : de->d_ino,
				       de->d_type);
		}
		closedir(d);
	}
	free(low);
	free(up);
	names_free(&seen);
	names_free(&gone);
	if (rc < 0)
		cow_listing_free(out);
	return rc;
}

void cow_listing_free(struct cow_listing *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->e[i].name);
	free(l->e);
	memset(l, 0, sizeof(*l));
}

int cow_clean_hidden(struct cow *c, const char *upper_dir)
{
	DIR *d = opendir(upper_dir);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (rc == 0 && (de = readdir(d))) {
		const char *n = de->d_name;
		struct stat st;
		char *p;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
			continue;
		if (!(p = cow_join(upper_dir, n))) {
			rc = -ENOMEM;
			break;
		}
		if (c->xattr_whiteouts ? lstat(p, &st) == 0 && is_xwhiteout(p, &st)
				       : strncmp(n, COW_WH_PREFIX, 4) == 0)
			if (unlink(p) < 0)
				rc = -errno;
		free(p);
	}
	closedir(d);
	return rc;
}
