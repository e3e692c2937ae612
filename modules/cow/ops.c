/* What a call is about to do to a name in the view (the monitor's
 * intents): copy up before a change, turn deletions of lower names into
 * whiteouts, emulate renames. Changes run natively on the upper path
 * (with the guest's credentials) wherever that is enough. */
#include "cow.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

int cow_host_to_rel(void *data, const char *host, char **rel)
{
	struct cow *c = data;

	*rel = cow_rel_of(host, c->upper, c->upper_len);
	if (!*rel)
		*rel = cow_rel_of(host, c->lower, c->lower_len);
	return *rel ? 0 : -ENOENT;
}

/* upper/REL with what the walk's host path had after the name ("/" or
 * "/." for a trailing slash or dot). */
static int upper_host(struct cow *c, const struct umv_owned_target *t, char **host)
{
	const char *h = t->host;
	size_t hl = strlen(h);
	const char *suffix = "";
	char *p;

	if (hl >= 2 && strcmp(h + hl - 2, "/.") == 0)
		suffix = "/.";
	else if (hl > 1 && h[hl - 1] == '/')
		suffix = "/";
	if (asprintf(&p, "%s%s%s%s", c->upper, t->rel[0] ? "/" : "", t->rel, suffix) < 0)
		return -ENOMEM;
	free(*host);
	*host = p;
	return 0;
}

static bool ends_with_slash(const char *p)
{
	size_t n = strlen(p);

	return n > 1 && p[n - 1] == '/';
}

/* Is the view's directory REL empty? 1 yes, 0 no, -errno. */
static int union_empty(struct cow *c, const char *rel, bool *hidden)
{
	struct cow_listing l;
	int rc = cow_list(c, rel, 0, &l);

	if (rc < 0)
		return rc;
	rc = 1;
	for (size_t i = 0; i < l.n; i++)
		if (strcmp(l.e[i].name, ".") != 0 && strcmp(l.e[i].name, "..") != 0)
			rc = 0;
	*hidden = l.hidden;
	cow_listing_free(&l);
	return rc;
}

static int mkdir_opaque(struct cow *c, struct umv_call *call, const char *rel, int64_t *result)
{
	mode_t mode = (mode_t)umv_call_arg(call, umv_call_nargs(call) == 3 ? 2 : 1) & 07777;
	uid_t uid;
	gid_t gid;
	mode_t mask;
	char *up = cow_join(c->upper, rel);
	int rc;

	if (!up)
		return -ENOMEM;
	if ((rc = cow_guest_creds(umv_call_tid(call), &uid, &gid, &mask)) < 0) {
		free(up);
		return rc;
	}
	int cleared = cow_clear_whiteout(c, rel);
	if (cleared < 0) {
		free(up);
		return cleared;
	}
	if (mkdir(up, 0700) < 0) {
		rc = -errno;
		if (cleared == 1)
			cow_make_whiteout(c, rel);
		free(up);
		return rc;
	}
	/* the guest's own mkdir would give these */
	(void)lchown(up, uid, gid);
	if (chmod(up, mode & ~mask) < 0 || (rc = cow_set_opaque(c, up)) < 0) {
		rc = rc < 0 ? rc : -errno;
		rmdir(up);
		if (cleared == 1)
			cow_make_whiteout(c, rel);
		free(up);
		return rc;
	}
	free(up);
	*result = 0;
	return 1;
}

static int prepare_unlink(struct cow *c, const struct umv_owned_target *t, char **host,
			  int64_t *result)
{
	struct stat lst;
	char *up;
	int rc;

	if (t->exists != 1)
		return -ENOENT;
	if (S_ISDIR(t->type))
		return -EISDIR;
	if (!cow_lower_visible(c, t->rel, &lst))
		return upper_host(c, t, host);	/* upper only: the kernel unlinks it */
	if (cow_inside(t->host, c->upper, c->upper_len)) {
		if (!(up = cow_join(c->upper, t->rel)))
			return -ENOMEM;
		rc = unlink(up) < 0 ? -errno : 0;
		free(up);
		if (rc < 0)
			return rc;
	}
	if ((rc = cow_make_whiteout(c, t->rel)) < 0)
		return rc;
	*result = 0;
	return 1;
}

static int prepare_rmdir(struct cow *c, const struct umv_owned_target *t, char **host,
			 int64_t *result)
{
	bool hidden = false, lower;
	struct stat lst;
	char *up;
	int rc;

	if (t->exists != 1)
		return -ENOENT;
	if (!S_ISDIR(t->type))
		return -ENOTDIR;
	if ((rc = union_empty(c, t->rel, &hidden)) <= 0)
		return rc < 0 ? rc : -ENOTEMPTY;
	lower = cow_lower_visible(c, t->rel, &lst);
	bool in_upper = cow_inside(t->host, c->upper, c->upper_len);
	if (in_upper && !lower && !hidden)
		return upper_host(c, t, host);	/* a plain upper directory */
	if (in_upper) {
		if (!(up = cow_join(c->upper, t->rel)))
			return -ENOMEM;
		rc = cow_clean_hidden(c, up);
		if (rc == 0 && !c->xattr_whiteouts) {
			char *m = cow_join(up, COW_WH_OPAQUE);
			if (m)
				unlink(m);
			free(m);
		}
		if (rc == 0 && rmdir(up) < 0)
			rc = -errno;
		free(up);
		if (rc < 0)
			return rc;
	}
	if (lower && (rc = cow_make_whiteout(c, t->rel)) < 0)
		return rc;
	*result = 0;
	return 1;
}

int cow_prepare(void *data, struct umv_call *call, enum umv_intent intent,
		const struct umv_owned_target *t, char **host, int64_t *result)
{
	struct cow *c = data;
	struct stat lst;
	int rc;

	const char *base = strrchr(t->rel, '/') ? strrchr(t->rel, '/') + 1 : t->rel;
	if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return -EINVAL;	/* the monitor answers these; never a name to change */
	if (cow_reserved_name(c, t->rel) && intent != UMV_INTENT_READ) {
		umv_log(c->mod, UMV_LOG_WARN, "%s: names starting with %s are reserved (marker whiteouts)",
			t->rel, COW_WH_PREFIX);
		return -EINVAL;
	}
	switch (intent) {
	case UMV_INTENT_READ:
		return 0;
	case UMV_INTENT_WRITE:
	case UMV_INTENT_META:
	case UMV_INTENT_TMPFILE:
		if (t->exists == 1) {
			if (t->flags & UMV_OWNED_EXCL)
				return -EEXIST;
			rc = cow_copy_up(c, t->rel, !(t->flags & UMV_OWNED_TRUNC) || !S_ISREG(t->type));
		} else if (intent == UMV_INTENT_WRITE) {
			/* a new file: its directory in upper, no whiteout in the way
			 * (put back by cow_done if the creation fails) */
			rc = cow_copy_up_parents(c, t->rel);
			if (rc == 0 && (rc = cow_clear_whiteout(c, t->rel)) == 1)
				return upper_host(c, t, host) < 0 ? -ENOMEM : 2;
		} else {
			rc = -ENOENT;
		}
		return rc < 0 ? rc : upper_host(c, t, host);
	case UMV_INTENT_MKDIR:
	case UMV_INTENT_MKNOD:
		if (!t->rel[0] || t->exists == 1)
			return -EEXIST;
		if ((rc = cow_copy_up_parents(c, t->rel)) < 0)
			return rc;
		if (intent == UMV_INTENT_MKDIR) {
			/* a lower directory of that name (deleted, or hidden by an
			 * opaque parent) must not show through the new one */
			char *low = cow_join(c->lower, t->rel);
			bool shadow = low && lstat(low, &lst) == 0;
			free(low);
			if (shadow)
				return mkdir_opaque(c, call, t->rel, result);
		}
		if ((rc = cow_clear_whiteout(c, t->rel)) < 0)
			return rc;
		if (upper_host(c, t, host) < 0)
			return -ENOMEM;
		return rc == 1 ? 2 : 0;	/* a failed creation gets its whiteout back */
	case UMV_INTENT_UNLINK:
		if (!t->rel[0])
			return -EBUSY;
		return prepare_unlink(c, t, host, result);
	case UMV_INTENT_RMDIR:
		if (!t->rel[0])
			return -EBUSY;
		return prepare_rmdir(c, t, host, result);
	case UMV_INTENT_OTHER:
	default:
		if (cow_inside(t->host, c->upper, c->upper_len))
			return 0;
		umv_log(c->mod, UMV_LOG_WARN, "%s on %s: EROFS (only reads reach the lower tree)",
			umv_call_name(call), t->rel[0] ? t->rel : ".");
		return -EROFS;
	}
}

int64_t cow_rename(void *data, struct umv_call *call, const struct umv_owned_target *src,
		   const struct umv_owned_target *dst, unsigned flags)
{
	struct cow *c = data;
	bool src_dir = S_ISDIR(src->type), hidden = false, src_lower;
	size_t sl = strlen(src->rel);
	struct stat lst;
	char *up_src = NULL, *up_dst = NULL, *low_dst = NULL;
	int rc;

	(void)call;
	if (flags & ~(unsigned)RENAME_NOREPLACE) {
		umv_log(c->mod, UMV_LOG_WARN, "renameat2 flags %#x: EINVAL (only RENAME_NOREPLACE in a cow view)",
			flags);
		return -EINVAL;
	}
	if (!src->rel[0] || !dst->rel[0])
		return -EBUSY;
	for (const struct umv_owned_target *e = src; e; e = e == src ? dst : NULL) {
		const char *b = strrchr(e->rel, '/') ? strrchr(e->rel, '/') + 1 : e->rel;
		if (strcmp(b, ".") == 0 || strcmp(b, "..") == 0)
			return -EBUSY;
	}
	if (cow_reserved_name(c, dst->rel) || cow_reserved_name(c, src->rel))
		return -EINVAL;
	if (src->exists != 1)
		return -ENOENT;
	/* the kernel's order of checks (do_renameat2, then vfs_rename) */
	if ((flags & RENAME_NOREPLACE) && dst->exists == 1)
		return -EEXIST;
	if (!src_dir && (ends_with_slash(src->host) || ends_with_slash(dst->host)))
		return -ENOTDIR;
	if (strcmp(src->rel, dst->rel) == 0)
		return 0;
	if (strncmp(dst->rel, src->rel, sl) == 0 && dst->rel[sl] == '/')
		return -EINVAL;	/* into itself */
	size_t dl = strlen(dst->rel);
	if (strncmp(src->rel, dst->rel, dl) == 0 && src->rel[dl] == '/')
		return -ENOTEMPTY;	/* onto its own ancestor */
	if (dst->exists == 1) {
		struct stat a, b;
		if (src_dir && !S_ISDIR(dst->type))
			return -ENOTDIR;
		if (!src_dir && S_ISDIR(dst->type))
			return -EISDIR;
		/* two names of one object: nothing to do */
		if (lstat(src->host, &a) == 0 && lstat(dst->host, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			return 0;
		if (src_dir && (rc = union_empty(c, dst->rel, &hidden)) <= 0)
			return rc < 0 ? rc : -ENOTEMPTY;
	}
	src_lower = cow_lower_visible(c, src->rel, &lst);
	rc = src_dir ? cow_copy_up_tree(c, src->rel) : cow_copy_up(c, src->rel, true);
	if (rc == 0)
		rc = cow_copy_up_parents(c, dst->rel);
	if (rc == 0 && (rc = cow_clear_whiteout(c, dst->rel)) > 0)
		rc = 0;
	up_src = cow_join(c->upper, src->rel);
	up_dst = cow_join(c->upper, dst->rel);
	low_dst = cow_join(c->lower, dst->rel);
	if (rc == 0 && (!up_src || !up_dst || !low_dst))
		rc = -ENOMEM;
	if (rc == 0 && dst->exists == 1 && src_dir &&
	    cow_inside(dst->host, c->upper, c->upper_len)) {
		/* the kernel replaces only an empty directory */
		rc = cow_clean_hidden(c, up_dst);
		if (rc == 0 && !c->xattr_whiteouts) {
			char *m = cow_join(up_dst, COW_WH_OPAQUE);
			if (m)
				unlink(m);
			free(m);
		}
	}
	if (rc == 0 && rename(up_src, up_dst) < 0)
		rc = -errno;
	/* lower entries of the new name must not show through the moved tree */
	if (rc == 0 && src_dir && lstat(low_dst, &lst) == 0)
		rc = cow_set_opaque_tree(c, up_dst);
	if (rc == 0 && src_lower)
		rc = cow_make_whiteout(c, src->rel);
	free(up_src);
	free(up_dst);
	free(low_dst);
	return rc;
}

void cow_done(void *data, struct umv_call *call, enum umv_intent intent, const char *rel,
	      int64_t result)
{
	struct cow *c = data;
	struct stat st;
	char *up;

	(void)call;
	(void)intent;
	if (result >= 0 || !(up = cow_join(c->upper, rel)))
		return;
	/* the creation failed: the name is deleted again */
	if (lstat(up, &st) < 0 && errno == ENOENT && cow_make_whiteout(c, rel) < 0)
		umv_log(c->mod, UMV_LOG_WARN, "%s: could not put its whiteout back", rel);
	free(up);
}
