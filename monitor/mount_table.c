/* monitor/mount_table.c: the guest mount table, a trie of path components.
 *
 * Lookups vastly outnumber mounts, so a lookup is a descent of at most one
 * node per component with a binary search among the children; mounting and
 * unmounting just edit the trie. Each node keeps a stack of mounts (newest on
 * top: later mounts shadow earlier ones) and the count of mounts strictly
 * below it, which answers "is this a synthetic ancestor?" in O(1). */
#include "config.h"

#include "monitor/paths.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct umv_mnode {
	char *name;
	size_t len;
	struct umv_mnode *parent;
	struct umv_mnode **kids;        /* sorted by (len, bytes) */
	size_t nkids, kcap;
	struct umv_mount **stack;       /* [nstack - 1] is visible */
	size_t nstack, scap;
	size_t below;                   /* mounts strictly below this node */
};

struct umv_mount_table {
	struct umv_mnode root;
	size_t nmounts;
};

/* Next component of a path: skips slashes; returns its length, 0 at end. */
static size_t next_component(const char *p, size_t len, size_t *pos, const char **name)
{
	size_t i = *pos;
	while (i < len && p[i] == '/')
		i++;
	size_t start = i;
	while (i < len && p[i] != '/')
		i++;
	*pos = i;
	*name = p + start;
	return i - start;
}

static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(a, b, alen);
}

/* Index of the child called name, or where it would be inserted (*found 0). */
static size_t kid_search(const struct umv_mnode *n, const char *name, size_t len, bool *found)
{
	size_t lo = 0, hi = n->nkids;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(n->kids[mid]->name, n->kids[mid]->len, name, len);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

const struct umv_mnode *umv_mnode_child(const struct umv_mnode *n, const char *name, size_t len)
{
	bool found;
	size_t i = kid_search(n, name, len, &found);
	return found ? n->kids[i] : NULL;
}

const struct umv_mnode *umv_mnode_root(const struct umv_mount_table *mt)
{
	return &mt->root;
}

const struct umv_mnode *umv_mnode_parent(const struct umv_mnode *n)
{
	return n->parent;
}

const struct umv_mount *umv_mnode_mount(const struct umv_mnode *n)
{
	return n->nstack ? n->stack[n->nstack - 1] : NULL;
}

bool umv_mnode_has_below(const struct umv_mnode *n)
{
	return n->below > 0;
}

const struct umv_mount *umv_mnode_covering(const struct umv_mnode *n)
{
	while (!n->nstack)
		n = n->parent;  /* the root always holds a mount */
	return n->stack[n->nstack - 1];
}

/* Checks and folds an absolute path for add/remove into "/a/b" ("/" for the
 * root). Returns the folded length or -errno. */
static long canonical_mount_path(const char *path, char *buf, size_t cap)
{
	if (!path || path[0] != '/')
		return -EINVAL;
	size_t len = strnlen(path, PATH_MAX);
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	size_t pos = 0, out = 0;
	const char *name;
	size_t n;
	while ((n = next_component(path, len, &pos, &name)) > 0) {
		if ((n == 1 && name[0] == '.') || (n == 2 && name[0] == '.' && name[1] == '.'))
			return -EINVAL;
		if (n > NAME_MAX)
			return -ENAMETOOLONG;
		if (out + 1 + n >= cap)
			return -ENAMETOOLONG;
		buf[out++] = '/';
		memcpy(buf + out, name, n);
		out += n;
	}
	if (out == 0)
		buf[out++] = '/';
	buf[out] = '\0';
	return (long)out;
}

static void node_free(struct umv_mnode *n)
{
	for (size_t i = 0; i < n->nkids; i++) {
		node_free(n->kids[i]);
		free(n->kids[i]);
	}
	for (size_t i = 0; i < n->nstack; i++) {
		free((char *)n->stack[i]->guest);
		free((char *)n->stack[i]->host);
		free(n->stack[i]);
	}
	free(n->kids);
	free(n->stack);
	free(n->name);
}

void umv_mount_table_free(struct umv_mount_table *mt)
{
	if (!mt)
		return;
	node_free(&mt->root);
	free(mt);
}

int umv_mount_table_new(struct umv_mount_table **out)
{
	struct umv_mount_table *mt = calloc(1, sizeof(*mt));
	if (!mt)
		return -ENOMEM;
	int rc = umv_mount_add(mt, "/", UMV_MOUNT_REDIRECT, "/", NULL, 0);
	if (rc < 0) {
		umv_mount_table_free(mt);
		return rc;
	}
	*out = mt;
	return 0;
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 4;
	while (ncap < need)
		ncap *= 2;
	void *p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* The child called name, created if missing. */
static struct umv_mnode *child_get(struct umv_mnode *n, const char *name, size_t len)
{
	bool found;
	size_t i = kid_search(n, name, len, &found);
	if (found)
		return n->kids[i];
	if (grow((void **)&n->kids, &n->kcap, n->nkids + 1, sizeof(*n->kids)) < 0)
		return NULL;
	struct umv_mnode *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->name = malloc(len + 1);
	if (!k->name) {
		free(k);
		return NULL;
	}
	memcpy(k->name, name, len);
	k->name[len] = '\0';
	k->len = len;
	k->parent = n;
	memmove(n->kids + i + 1, n->kids + i, (n->nkids - i) * sizeof(*n->kids));
	n->kids[i] = k;
	n->nkids++;
	return k;
}

/* Drops empty nodes from n upwards (not the root). */
static void prune(struct umv_mnode *n)
{
	while (n->parent && !n->nstack && !n->nkids) {
		struct umv_mnode *p = n->parent;
		bool found;
		size_t i = kid_search(p, n->name, n->len, &found);
		if (found) {
			memmove(p->kids + i, p->kids + i + 1, (p->nkids - i - 1) * sizeof(*p->kids));
			p->nkids--;
		}
		node_free(n);
		free(n);
		n = p;
	}
}

static struct umv_mnode *node_find(const struct umv_mount_table *mt, const char *path, size_t len)
{
	const struct umv_mnode *n = &mt->root;
	size_t pos = 0, cl;
	const char *name;
	while (n && (cl = next_component(path, len, &pos, &name)) > 0)
		n = umv_mnode_child(n, name, cl);
	return (struct umv_mnode *)n;
}

int umv_mount_add(struct umv_mount_table *mt, const char *guest, enum umv_mount_kind kind,
                  const char *host, void *owner, unsigned flags)
{
	if (!mt || (kind != UMV_MOUNT_REDIRECT && kind != UMV_MOUNT_OWNED))
		return -EINVAL;
	if (flags & ~(UMV_MOUNT_RDONLY | UMV_MOUNT_NONDIR | UMV_MOUNT_MAPPED))
		return -EINVAL;
	if ((flags & UMV_MOUNT_MAPPED) && (kind != UMV_MOUNT_OWNED || !host || !owner))
		return -EINVAL;
	if (kind == UMV_MOUNT_REDIRECT && !host)
		return -EINVAL;
	char gbuf[PATH_MAX], hbuf[PATH_MAX];
	long glen = canonical_mount_path(guest, gbuf, sizeof(gbuf));
	if (glen < 0)
		return (int)glen;
	long hlen = 0;
	if (host) {
		hlen = canonical_mount_path(host, hbuf, sizeof(hbuf));
		if (hlen < 0)
			return (int)hlen;
	}

	struct umv_mount *m = calloc(1, sizeof(*m));
	char *g = strdup(gbuf);
	char *h = host ? strdup(hbuf) : NULL;
	if (!m || !g || (host && !h))
		goto nomem;
	m->guest = g;
	m->guest_len = (size_t)glen;
	m->host = h;
	m->host_len = (size_t)hlen;
	m->kind = kind;
	m->owner = owner;
	m->flags = flags;

	/* Create the path of nodes; on failure prune what was created. */
	struct umv_mnode *n = &mt->root;
	size_t pos = 0, cl;
	const char *name;
	while ((cl = next_component(gbuf, (size_t)glen, &pos, &name)) > 0) {
		struct umv_mnode *k = child_get(n, name, cl);
		if (!k) {
			prune(n);
			goto nomem;
		}
		n = k;
	}
	if (grow((void **)&n->stack, &n->scap, n->nstack + 1, sizeof(*n->stack)) < 0) {
		prune(n);
		goto nomem;
	}
	n->stack[n->nstack++] = m;
	for (struct umv_mnode *p = n->parent; p; p = p->parent)
		p->below++;
	mt->nmounts++;
	return 0;
nomem:
	free(g);
	free(h);
	free(m);
	return -ENOMEM;
}

int umv_mount_remove(struct umv_mount_table *mt, const char *guest)
{
	char gbuf[PATH_MAX];
	long glen = canonical_mount_path(guest, gbuf, sizeof(gbuf));
	if (glen < 0)
		return (int)glen;
	struct umv_mnode *n = node_find(mt, gbuf, (size_t)glen);
	if (!n || !n->nstack)
		return -ENOENT;
	if (!n->parent && n->nstack == 1)
		return -EBUSY;
	struct umv_mount *m = n->stack[--n->nstack];
	free((char *)m->guest);
	free((char *)m->host);
	free(m);
	for (struct umv_mnode *p = n->parent; p; p = p->parent)
		p->below--;
	mt->nmounts--;
	prune(n);
	return 0;
}

const struct umv_mount *umv_mount_lookup(const struct umv_mount_table *mt, const char *guest, size_t len)
{
	const struct umv_mnode *n = &mt->root;
	const struct umv_mount *best = umv_mnode_mount(n);
	size_t pos = 0, cl;
	const char *name;
	while ((cl = next_component(guest, len, &pos, &name)) > 0) {
		n = umv_mnode_child(n, name, cl);
		if (!n)
			break;
		if (n->nstack)
			best = n->stack[n->nstack - 1];
	}
	return best;
}

bool umv_mount_is_ancestor(const struct umv_mount_table *mt, const char *guest, size_t len)
{
	const struct umv_mnode *n = node_find(mt, guest, len);
	return n && n->below > 0;
}

/* Depth first: false as soon as a node is named NAME or holds a mount that
 * is not a plain redirect. */
static bool names_plain(const struct umv_mnode *n, const char *name, size_t len)
{
	for (size_t i = 0; i < n->nstack; i++)
		if (n->stack[i]->kind != UMV_MOUNT_REDIRECT)	/* MAPPED mounts are OWNED */
			return false;
	for (size_t i = 0; i < n->nkids; i++)
		if (name_cmp(n->kids[i]->name, n->kids[i]->len, name, len) == 0 ||
		    !names_plain(n->kids[i], name, len))
			return false;
	return true;
}

bool umv_mount_single_name_native(const struct umv_mount_table *mt, const char *name, size_t len)
{
	return names_plain(&mt->root, name, len);
}

int umv_mount_children(const struct umv_mount_table *mt, const char *guest, size_t len,
                       int (*fn)(void *, const char *, size_t, unsigned char), void *arg)
{
	const struct umv_mnode *n = node_find(mt, guest, len);
	if (!n)
		return 0;
	int count = 0;
	for (size_t i = 0; i < n->nkids; i++) {
		const struct umv_mnode *k = n->kids[i];
		const struct umv_mount *m = umv_mnode_mount(k);
		unsigned char type = DT_DIR;
		if (m && (m->flags & UMV_MOUNT_NONDIR) && !k->below)
			type = DT_UNKNOWN;
		int rc = fn(arg, k->name, k->len, type);
		if (rc)
			return rc;
		count++;
	}
	return count;
}

/* ---- reverse mapping --------------------------------------------------- */

/* Length of the part of path below dir (component-wise), or -1 when dir is
 * not a prefix of it. dir "/" matches every absolute path. */
static long below_dir(const char *path, size_t plen, const char *dir, size_t dlen)
{
	if (dlen == 1 && dir[0] == '/')
		return plen == 1 ? 0 : (long)plen;
	if (plen < dlen || memcmp(path, dir, dlen) != 0)
		return -1;
	if (plen > dlen && path[dlen] != '/')
		return -1;
	return (long)(plen - dlen);
}

struct reverse_best {
	const struct umv_mount_table *mt;
	const char *host;
	size_t hlen;
	const struct umv_mount *best;
	size_t best_hlen;
	char *guest;
};

/* Takes m as the answer if its host dir holds the path, it is a longer match
 * than the best so far, and the guest really reaches m at the mapped path. */
static void consider(struct reverse_best *rb, const struct umv_mount *m)
{
	if (!m->host)
		return;
	long rest = below_dir(rb->host, rb->hlen, m->host, m->host_len);
	if (rest < 0)
		return;
	if (rb->best && m->host_len <= rb->best_hlen)
		return;
	/* guest = m->guest + the host suffix */
	const char *suffix = rb->host + (rb->hlen - (size_t)rest);
	size_t gl = (m->guest_len == 1 ? 0 : m->guest_len);
	char *g = malloc(gl + (size_t)rest + 2);
	if (!g)
		return;
	memcpy(g, m->guest, gl);
	memcpy(g + gl, suffix, (size_t)rest);
	size_t total = gl + (size_t)rest;
	if (total == 0)
		g[total++] = '/';
	g[total] = '\0';
	/* Visible only if the guest reaches this very mount at that path. */
	if (umv_mount_lookup(rb->mt, g, total) != m) {
		free(g);
		return;
	}
	free(rb->guest);
	rb->guest = g;
	rb->best = m;
	rb->best_hlen = m->host_len;
}

static void visit(struct reverse_best *rb, const struct umv_mnode *n)
{
	const struct umv_mount *m = umv_mnode_mount(n);
	if (m)
		consider(rb, m);
	for (size_t i = 0; i < n->nkids; i++)
		visit(rb, n->kids[i]);
}

int umv_mount_host_to_guest(const struct umv_mount_table *mt, const char *host_path, char **guest_out)
{
	if (!host_path || host_path[0] != '/')
		return -EINVAL;
	/* Fold slashes and refuse dot components: callers pass kernel answers. */
	size_t len = strlen(host_path);
	char *h = malloc(len + 2);
	if (!h)
		return -ENOMEM;
	size_t pos = 0, out = 0, cl;
	const char *name;
	while ((cl = next_component(host_path, len, &pos, &name)) > 0) {
		if ((cl == 1 && name[0] == '.') || (cl == 2 && name[0] == '.' && name[1] == '.')) {
			free(h);
			return -EINVAL;
		}
		h[out++] = '/';
		memcpy(h + out, name, cl);
		out += cl;
	}
	if (out == 0)
		h[out++] = '/';
	h[out] = '\0';

	struct reverse_best rb = { .mt = mt, .host = h, .hlen = out };
	visit(&rb, &mt->root);
	free(h);
	if (!rb.guest)
		return -ENOENT;
	*guest_out = rb.guest;
	return 0;
}
