/* tests/paths_test.c: the mount table and the guest path walk over real host
 * trees built in a temporary directory. */
#include "config.h"

#include "monitor/paths.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- helpers ----------------------------------------------------------- */

static char tmp[PATH_MAX];        /* the host scratch tree */
static char virt[64];             /* a guest-only prefix, absent on the host */
static struct umv_mount_table *mt;
/* Absolute link targets and absolute generated paths start here: the tree
 * (tmp/t), or "" for trees used under RESOLVE_IN_ROOT. */
static char gen_abs[PATH_MAX + 8];

static int rm_one(const char *p, const struct stat *st, int type, struct FTW *f)
{
	(void)st; (void)type; (void)f;
	remove(p);
	return 0;
}

static void setup(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/umv-paths-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
	snprintf(virt, sizeof(virt), "/umv-virt-%d", (int)getpid());
	struct stat st;
	cr_assert(stat(virt, &st) < 0, "%s exists on the host", virt);
	cr_assert_eq(umv_mount_table_new(&mt), 0);
	snprintf(gen_abs, sizeof(gen_abs), "%s/t", tmp);
}

static void teardown(void)
{
	umv_mount_table_free(mt);
	mt = NULL;
	/* a 6000-byte tree is below PATH_MAX per step for nftw? no: use rm -rf */
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *P(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char pbufs[256][PATH_MAX];  /* a ring: results live for 256 calls */
static int pnext;
static const char *P(const char *fmt, ...)
{
	char *b = pbufs[pnext++ % 256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, PATH_MAX, fmt, ap);
	va_end(ap);
	return b;
}

static void mkdirs(const char *path)
{
	char b[PATH_MAX];
	snprintf(b, sizeof(b), "%s", path);
	for (char *s = b + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(b, 0755);
			*s = '/';
		}
	}
	cr_assert(mkdir(b, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", b, strerror(errno));
}

static void touch(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0, "create %s: %s", path, strerror(errno));
	close(fd);
}

static void ln(const char *target, const char *path)
{
	cr_assert_eq(symlink(target, path), 0, "symlink %s: %s", path, strerror(errno));
}

static struct umv_path_ctx ctx_at(const char *cwd)
{
	struct umv_path_ctx c = { .cwd = cwd };
	return c;
}

/* Resolves and returns the rc; r is freed by the caller. */
static int res(const char *cwd, const char *path, unsigned flags, struct umv_path_result *r)
{
	struct umv_path_ctx c = ctx_at(cwd);
	return umv_path_resolve(mt, &c, path, flags, r);
}

static void expect_ok(const char *cwd, const char *path, unsigned flags, const char *guest,
                      const char *host, int exists)
{
	struct umv_path_result r;
	int rc = res(cwd, path, flags, &r);
	cr_assert_eq(rc, 0, "resolve(%s) = %d (%s)", path, rc, strerror(-rc));
	cr_expect_str_eq(r.guest, guest, "resolve(%s).guest", path);
	if (host)
		cr_expect_str_eq(r.host ? r.host : "(null)", host, "resolve(%s).host", path);
	else
		cr_expect_null(r.host, "resolve(%s).host = %s", path, r.host);
	cr_expect_eq(r.exists, exists, "resolve(%s).exists = %d", path, r.exists);
	umv_path_result_free(&r);
}

static void expect_err(const char *cwd, const char *path, unsigned flags, int err)
{
	struct umv_path_result r;
	int rc = res(cwd, path, flags, &r);
	cr_assert_eq(rc, -err, "resolve(%s) = %d (%s), want -%d (%s)", path, rc,
	             rc < 0 ? strerror(-rc) : "ok", err, strerror(err));
	cr_expect_null(r.guest);
}

/* A small deterministic generator for the randomised tests. */
static unsigned rnd_state = 12345;
/* UMV_PATHS_SEED=N reruns the generated tests on other trees and paths;
 * without it they are deterministic. */
static unsigned seed_shift(void)
{
	const char *s = getenv("UMV_PATHS_SEED");
	return s ? (unsigned)strtoul(s, NULL, 10) * 7919u : 0;
}
static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 16) % n;
}

TestSuite(mount_table, .init = setup, .fini = teardown);
TestSuite(walk, .init = setup, .fini = teardown);
TestSuite(reverse, .init = setup, .fini = teardown);
TestSuite(kernel, .init = setup, .fini = teardown);

/* ---- the mount table -------------------------------------------------- */

Test(mount_table, default_root_is_identity)
{
	const struct umv_mount *m = umv_mount_lookup(mt, "/etc/passwd", 11);
	cr_assert_not_null(m);
	cr_expect_str_eq(m->guest, "/");
	cr_expect_str_eq(m->host, "/");
	cr_expect_eq(m->kind, UMV_MOUNT_REDIRECT);
}

Test(mount_table, longest_prefix_by_components)
{
	cr_assert_eq(umv_mount_add(mt, "/a/b", UMV_MOUNT_REDIRECT, "/h1", NULL, 0), 0);
	cr_assert_eq(umv_mount_add(mt, "/a/b/c/", UMV_MOUNT_REDIRECT, "/h2", NULL, 0), 0);
	int owner;
	cr_assert_eq(umv_mount_add(mt, "//x///y", UMV_MOUNT_OWNED, NULL, &owner, UMV_MOUNT_RDONLY), 0);
	cr_expect_str_eq(umv_mount_lookup(mt, "/a/bc", 5)->guest, "/");
	cr_expect_str_eq(umv_mount_lookup(mt, "/a/b", 4)->host, "/h1");
	cr_expect_str_eq(umv_mount_lookup(mt, "/a/b/", 5)->host, "/h1");
	cr_expect_str_eq(umv_mount_lookup(mt, "/a/b/cd/e", 9)->host, "/h1");
	cr_expect_str_eq(umv_mount_lookup(mt, "/a/b/c/d", 8)->host, "/h2");
	const struct umv_mount *m = umv_mount_lookup(mt, "/x/y/z", 6);
	cr_expect_str_eq(m->guest, "/x/y");
	cr_expect_eq(m->owner, &owner);
	cr_expect_null(m->host);
	cr_expect_eq(m->flags, UMV_MOUNT_RDONLY);
	cr_expect_str_eq(umv_mount_lookup(mt, "/x", 2)->guest, "/");
}

Test(mount_table, shadow_and_remove)
{
	cr_assert_eq(umv_mount_add(mt, "/m", UMV_MOUNT_REDIRECT, "/first", NULL, 0), 0);
	cr_assert_eq(umv_mount_add(mt, "/m", UMV_MOUNT_REDIRECT, "/second", NULL, 0), 0);
	cr_expect_str_eq(umv_mount_lookup(mt, "/m/f", 4)->host, "/second");
	cr_assert_eq(umv_mount_remove(mt, "/m/"), 0);
	cr_expect_str_eq(umv_mount_lookup(mt, "/m/f", 4)->host, "/first");
	cr_assert_eq(umv_mount_remove(mt, "/m"), 0);
	cr_expect_str_eq(umv_mount_lookup(mt, "/m/f", 4)->host, "/");
	cr_expect_eq(umv_mount_remove(mt, "/m"), -ENOENT);
	cr_expect_eq(umv_mount_is_ancestor(mt, "/", 1), false);
	/* a new root shadows the identity; the last root cannot go */
	cr_assert_eq(umv_mount_add(mt, "/", UMV_MOUNT_REDIRECT, "/srv/root", NULL, 0), 0);
	cr_expect_str_eq(umv_mount_lookup(mt, "/etc", 4)->host, "/srv/root");
	cr_expect_eq(umv_mount_remove(mt, "/"), 0);
	cr_expect_eq(umv_mount_remove(mt, "/"), -EBUSY);
}

Test(mount_table, longest_prefix_wins_whatever_the_order)
{
	cr_assert_eq(umv_mount_add(mt, "/a/b", UMV_MOUNT_REDIRECT, "/deep", NULL, 0), 0);
	cr_assert_eq(umv_mount_add(mt, "/a", UMV_MOUNT_REDIRECT, "/later", NULL, 0), 0);
	cr_expect_str_eq(umv_mount_lookup(mt, "/a/b/x", 6)->host, "/deep");
	cr_expect_str_eq(umv_mount_lookup(mt, "/a/c", 4)->host, "/later");
}

Test(mount_table, bad_input)
{
	cr_expect_eq(umv_mount_add(mt, "rel", UMV_MOUNT_REDIRECT, "/h", NULL, 0), -EINVAL);
	cr_expect_eq(umv_mount_add(mt, "/a/../b", UMV_MOUNT_REDIRECT, "/h", NULL, 0), -EINVAL);
	cr_expect_eq(umv_mount_add(mt, "/a/./b", UMV_MOUNT_REDIRECT, "/h", NULL, 0), -EINVAL);
	cr_expect_eq(umv_mount_add(mt, "/a", UMV_MOUNT_REDIRECT, NULL, NULL, 0), -EINVAL);
	cr_expect_eq(umv_mount_add(mt, "/a", UMV_MOUNT_REDIRECT, "h", NULL, 0), -EINVAL);
	cr_expect_eq(umv_mount_add(mt, "/a", 7, "/h", NULL, 0), -EINVAL);
	cr_expect_eq(umv_mount_add(mt, "/a", UMV_MOUNT_REDIRECT, "/h", NULL, 0x80), -EINVAL);
	cr_expect_eq(umv_mount_add(mt, NULL, UMV_MOUNT_REDIRECT, "/h", NULL, 0), -EINVAL);
	char name[300];
	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[257] = '\0';
	cr_expect_eq(umv_mount_add(mt, name, UMV_MOUNT_REDIRECT, "/h", NULL, 0), -ENAMETOOLONG);
	cr_expect_eq(umv_mount_remove(mt, "relative"), -EINVAL);
	cr_expect_eq(umv_mount_remove(mt, "/never"), -ENOENT);
	/* a failed add leaves nothing behind */
	cr_expect_eq(umv_mount_is_ancestor(mt, "/", 1), false);
}

struct kids {
	char names[8][64];
	unsigned char types[8];
	int n;
};

static int collect(void *arg, const char *name, size_t len, unsigned char type)
{
	struct kids *k = arg;
	cr_assert_lt(k->n, 8);
	snprintf(k->names[k->n], 64, "%.*s", (int)len, name);
	k->types[k->n++] = type;
	return 0;
}

Test(mount_table, ancestors_and_children)
{
	cr_assert_eq(umv_mount_add(mt, "/v/a/b", UMV_MOUNT_REDIRECT, "/h", NULL, 0), 0);
	cr_assert_eq(umv_mount_add(mt, "/v/c", UMV_MOUNT_REDIRECT, "/h/f", NULL, UMV_MOUNT_NONDIR), 0);
	cr_expect(umv_mount_is_ancestor(mt, "/", 1));
	cr_expect(umv_mount_is_ancestor(mt, "/v", 2));
	cr_expect(umv_mount_is_ancestor(mt, "/v/a", 4));
	cr_expect(!umv_mount_is_ancestor(mt, "/v/a/b", 6));
	cr_expect(!umv_mount_is_ancestor(mt, "/v/c", 4));
	cr_expect(!umv_mount_is_ancestor(mt, "/w", 2));
	struct kids k = { 0 };
	cr_expect_eq(umv_mount_children(mt, "/v", 2, collect, &k), 2);
	cr_expect_str_eq(k.names[0], "a");
	cr_expect_eq(k.types[0], DT_DIR);
	cr_expect_str_eq(k.names[1], "c");
	cr_expect_eq(k.types[1], DT_UNKNOWN);
	memset(&k, 0, sizeof(k));
	cr_expect_eq(umv_mount_children(mt, "/", 1, collect, &k), 1);
	cr_expect_str_eq(k.names[0], "v");
	cr_expect_eq(umv_mount_children(mt, "/nothing", 8, collect, &k), 0);
	/* removal prunes the ancestors that no longer lead anywhere */
	cr_assert_eq(umv_mount_remove(mt, "/v/a/b"), 0);
	cr_expect(!umv_mount_is_ancestor(mt, "/v/a", 4));
	cr_expect(umv_mount_is_ancestor(mt, "/v", 2));
}

Test(mount_table, many_mounts_stay_ordered)
{
	char g[64], h[64];
	for (int i = 0; i < 200; i++) {
		snprintf(g, sizeof(g), "/m/%d", (i * 37) % 200);
		snprintf(h, sizeof(h), "/h/%d", (i * 37) % 200);
		cr_assert_eq(umv_mount_add(mt, g, UMV_MOUNT_REDIRECT, h, NULL, 0), 0);
	}
	for (int i = 0; i < 200; i++) {
		snprintf(g, sizeof(g), "/m/%d/x", i);
		snprintf(h, sizeof(h), "/h/%d", i);
		cr_expect_str_eq(umv_mount_lookup(mt, g, strlen(g))->host, h);
	}
	for (int i = 0; i < 200; i += 2) {
		snprintf(g, sizeof(g), "/m/%d", i);
		cr_assert_eq(umv_mount_remove(mt, g), 0);
	}
	for (int i = 0; i < 200; i++) {
		snprintf(g, sizeof(g), "/m/%d/x", i);
		const struct umv_mount *m = umv_mount_lookup(mt, g, strlen(g));
		cr_expect_str_eq(m->guest, i % 2 ? P("/m/%d", i) : "/");
	}
}

/* The trie against the obvious model: a list of (prefix, host, order),
 * longest prefix wins, newest wins on equal prefixes; random mounts and
 * umounts, then random lookups, ancestor and children queries. */
Test(mount_table, random_ops_match_a_model)
{
	enum { MAXM = 64 };
	struct { char g[64]; char h[64]; bool live; } model[MAXM];
	int n = 0;
	const char *parts[] = { "a", "b", "ab", "c" };
	rnd_state = 2024;
	for (int step = 0; step < 3000; step++) {
		char g[64];
		size_t len = 0;
		int depth = 1 + (int)rnd(3);
		for (int d = 0; d < depth; d++)
			len += (size_t)snprintf(g + len, sizeof(g) - len, "/%s", parts[rnd(4)]);
		unsigned op = rnd(3);
		if (op == 0 && n < MAXM) {
			char h[64];
			snprintf(h, sizeof(h), "/h%d", step);
			cr_assert_eq(umv_mount_add(mt, g, UMV_MOUNT_REDIRECT, h, NULL, 0), 0);
			snprintf(model[n].g, 64, "%s", g);
			snprintf(model[n].h, 64, "%s", h);
			model[n++].live = true;
		} else if (op == 1) {
			int newest = -1;
			for (int i = 0; i < n; i++)
				if (model[i].live && strcmp(model[i].g, g) == 0)
					newest = i;
			int rc = umv_mount_remove(mt, g);
			cr_assert_eq(rc, newest >= 0 ? 0 : -ENOENT, "umount %s", g);
			if (newest >= 0)
				model[newest].live = false;
		}
		/* a lookup, checked against the model */
		const char *want = "/";
		size_t best = 0;
		for (int i = 0; i < n; i++) {
			size_t ml = strlen(model[i].g);
			if (model[i].live && ml >= best && strncmp(g, model[i].g, ml) == 0 &&
			    (g[ml] == '\0' || g[ml] == '/')) {
				best = ml;
				want = model[i].h;
			}
		}
		cr_assert_str_eq(umv_mount_lookup(mt, g, len)->host, want, "lookup %s at step %d", g, step);
		bool anc = false;
		for (int i = 0; i < n; i++) {
			size_t gl = strlen(g);
			if (model[i].live && strlen(model[i].g) > gl && strncmp(model[i].g, g, gl) == 0 &&
			    model[i].g[gl] == '/')
				anc = true;
		}
		cr_assert_eq(umv_mount_is_ancestor(mt, g, len), anc, "ancestor %s at step %d", g, step);
	}
}

/* ---- the walk ---------------------------------------------------------- */

/* host tree: tmp/src/{file,dir/,sub/file} bound at virt/x/y */
static void bind_tree(void)
{
	mkdirs(P("%s/src/sub", tmp));
	mkdirs(P("%s/src/dir", tmp));
	touch(P("%s/src/file", tmp));
	touch(P("%s/src/sub/file", tmp));
	cr_assert_eq(umv_mount_add(mt, P("%s/x/y", virt), UMV_MOUNT_REDIRECT, P("%s/src", tmp), NULL, 0), 0);
}

Test(walk, identity_basics)
{
	/* a final dot stays a dot for the kernel */
	expect_ok("/", "/etc/../etc/./", 0, "/etc", "/etc/.", 1);
	expect_ok("/", "/../../..", 0, "/", "/.", 1);
	expect_ok("/etc", "..//.", 0, "/", "/.", 1);
	expect_ok("/", "/etc/", 0, "/etc", "/etc/", 1);
	expect_ok("/", "/", 0, "/", "/", 1);
	expect_ok("/", "etc", 0, "/etc", "/etc", 1);
	expect_err("/", "/nonexistent-umv/x", 0, ENOENT);
	expect_err("/", "", 0, ENOENT);
	expect_err("/", NULL, 0, EFAULT);
}

Test(walk, synthetic_ancestors)
{
	bind_tree();
	struct umv_path_result r;
	cr_assert_eq(res("/", virt, 0, &r), 0);
	cr_expect(r.synthetic);
	cr_expect_eq(r.type, S_IFDIR);
	cr_expect_eq(r.exists, 1);
	cr_expect_null(r.host);
	cr_expect_str_eq(r.mount->guest, "/");
	umv_path_result_free(&r);

	cr_assert_eq(res("/", P("%s/x/y", virt), 0, &r), 0);
	cr_expect(!r.synthetic);
	cr_expect(r.mount_root);
	cr_expect_str_eq(r.host, P("%s/src", tmp));
	umv_path_result_free(&r);

	expect_ok("/", P("%s/x/y/sub/file", virt), 0, P("%s/x/y/sub/file", virt),
	          P("%s/src/sub/file", tmp), 1);
	expect_ok("/", P("%s/x//y/./sub/../file", virt), 0, P("%s/x/y/file", virt),
	          P("%s/src/file", tmp), 1);
	/* the kernel could not resolve a guest-only path as written; a relative
	 * path from the bind's root (the guest's real cwd is its host dir) or a
	 * host-identical path it can */
	cr_assert_eq(res("/", P("%s/x/y/sub/file", virt), 0, &r), 0);
	cr_expect(r.fast && !r.passthrough);
	umv_path_result_free(&r);
	cr_assert_eq(res(P("%s/x/y", virt), "sub/file", 0, &r), 0);
	cr_expect(r.passthrough);
	umv_path_result_free(&r);
	cr_assert_eq(res(P("%s/x/y", virt), "sub/./../sub/file", 0, &r), 0);
	cr_expect(r.fast && r.passthrough);
	umv_path_result_free(&r);
	cr_assert_eq(res(P("%s/x/y", virt), "..", 0, &r), 0);
	cr_expect(!r.passthrough);
	umv_path_result_free(&r);
	cr_assert_eq(res("/", P("%s/src/sub/file", tmp), 0, &r), 0);
	cr_expect(r.fast && r.passthrough);
	umv_path_result_free(&r);
	cr_assert_eq(res("/", P("%s/src/../src/sub/file", tmp), 0, &r), 0);
	cr_expect(r.fast && r.passthrough);
	umv_path_result_free(&r);
	/* an absolute path through a link where guest and host agree stays
	 * the kernel's, also from a cwd inside the bind (the component walk
	 * once carried the cwd's place over and sent every exec from there
	 * through ld.so) */
	ln("src", P("%s/lnk_id", tmp));
	cr_assert_eq(res(P("%s/x/y", virt), P("%s/lnk_id/file", tmp),
	                 UMV_PATH_GUEST_CALL | UMV_PATH_NO_FAST, &r), 0);
	cr_expect_str_eq(r.host, P("%s/src/file", tmp));
	cr_expect(r.passthrough, "a link in identity land from a cwd in the bind");
	umv_path_result_free(&r);
	cr_assert_eq(res(P("%s/x/y", virt), "../y/file", UMV_PATH_GUEST_CALL | UMV_PATH_NO_FAST, &r),
	             0);
	cr_expect(!r.passthrough, "'..' out of the bind root is the guest's");
	umv_path_result_free(&r);
	/* chdir through synthetic dirs works; other names there do not exist */
	expect_ok(P("%s/x", virt), "y/file", 0, P("%s/x/y/file", virt), P("%s/src/file", tmp), 1);
	expect_err("/", P("%s/other", virt), 0, ENOENT);
	expect_err("/", P("%s/x/other/z", virt), 0, ENOENT);
	expect_err("/", P("%s/new", virt), UMV_PATH_CREATE, EACCES);
	/* PARENT mode in a synthetic dir reports the name as missing, no host */
	cr_assert_eq(res("/", P("%s/x/new", virt), UMV_PATH_PARENT, &r), 0);
	cr_expect_eq(r.exists, 0);
	cr_expect_null(r.host);
	umv_path_result_free(&r);
	cr_assert_eq(res("/", P("%s/x/y", virt), UMV_PATH_PARENT, &r), 0);
	cr_expect_eq(r.exists, 1);
	cr_expect(r.mount_root);
	umv_path_result_free(&r);
}

Test(walk, dotdot_at_bind_root_goes_to_guest_parent)
{
	bind_tree();
	const char *root = P("%s/x/y", virt);
	struct umv_path_result r;
	cr_assert_eq(res(root, "..", 0, &r), 0);
	cr_expect_str_eq(r.guest, P("%s/x", virt));
	cr_expect(r.synthetic);
	umv_path_result_free(&r);
	/* the host parent of src has "src" itself: must not be reachable */
	expect_err(root, "../src", 0, ENOENT);
	expect_ok(root, "../y/sub/../../y/file", 0, P("%s/x/y/file", virt), P("%s/src/file", tmp), 1);
	expect_ok(root, "../../../../../..", 0, "/", "/.", 1);
	/* a bind whose host parent exists too: .. is still the guest parent */
	cr_assert_eq(umv_mount_add(mt, P("%s/in", tmp), UMV_MOUNT_REDIRECT, P("%s/src/sub", tmp), NULL, 0), 0);
	expect_ok(P("%s/in", tmp), "../src/file", 0, P("%s/src/file", tmp), P("%s/src/file", tmp), 1);
	expect_ok(P("%s/in", tmp), "file", 0, P("%s/in/file", tmp), P("%s/src/sub/file", tmp), 1);
}

Test(walk, symlinks_in_bind)
{
	bind_tree();
	const char *src = P("%s/src", tmp);
	ln("sub/file", P("%s/rel", src));
	ln(P("%s/x/y/sub", virt), P("%s/abs", src));        /* guest-absolute */
	ln("nowhere", P("%s/dangling", src));
	ln("loop2", P("%s/loop1", src));
	ln("loop1", P("%s/loop2", src));
	ln("../..", P("%s/up", src));
	ln("dir/", P("%s/dirslash", src));
	const char *g = P("%s/x/y", virt);
	expect_ok(g, "rel", 0, P("%s/sub/file", g), P("%s/sub/file", src), 1);
	expect_ok(g, "abs/file", 0, P("%s/sub/file", g), P("%s/sub/file", src), 1);
	/* relative ../.. from the bind root leads up the guest tree */
	expect_ok(g, "up", 0, virt, NULL, 1);
	expect_err(g, "dangling", 0, ENOENT);
	expect_ok(g, "dangling", UMV_PATH_NOFOLLOW, P("%s/dangling", g), P("%s/dangling", src), 1);
	/* O_CREAT through a dangling link creates its target */
	expect_ok(g, "dangling", UMV_PATH_CREATE, P("%s/nowhere", g), P("%s/nowhere", src), 0);
	expect_err(g, "loop1", 0, ELOOP);
	expect_err(g, "loop1/x", UMV_PATH_NOFOLLOW, ELOOP);
	expect_ok(g, "loop1", UMV_PATH_NOFOLLOW, P("%s/loop1", g), P("%s/loop1", src), 1);
	struct umv_path_result r;
	cr_assert_eq(res(g, "rel", UMV_PATH_NOFOLLOW, &r), 0);
	cr_expect_eq(r.type, S_IFLNK);
	umv_path_result_free(&r);
	/* a trailing slash forces following, NOFOLLOW or not */
	expect_ok(g, "abs/", UMV_PATH_NOFOLLOW, P("%s/sub", g), P("%s/sub/", src), 1);
	expect_err(g, "rel/", UMV_PATH_NOFOLLOW, ENOTDIR);
	expect_ok(g, "dirslash", 0, P("%s/dir", g), P("%s/dir/", src), 1);
	/* PARENT mode never follows the last name */
	expect_ok(g, "abs/", UMV_PATH_PARENT, P("%s/abs", g), P("%s/abs/", src), 1);
}

Test(walk, absolute_link_resolves_against_guest_root)
{
	/* guest root is a directory tree; /etc there is not the host's */
	mkdirs(P("%s/root/etc", tmp));
	mkdirs(P("%s/root/d", tmp));
	touch(P("%s/root/etc/marker", tmp));
	ln("/etc/marker", P("%s/root/d/link", tmp));
	cr_assert_eq(umv_mount_add(mt, "/", UMV_MOUNT_REDIRECT, P("%s/root", tmp), NULL, 0), 0);
	expect_ok("/", "/d/link", 0, "/etc/marker", P("%s/root/etc/marker", tmp), 1);
	expect_ok("/d", "../../../etc/marker", 0, "/etc/marker", P("%s/root/etc/marker", tmp), 1);
	expect_err("/", "/etc/passwd", 0, ENOENT);
}

static void chain(const char *dir, int n)
{
	touch(P("%s/l0", dir));
	for (int i = 1; i <= n; i++)
		ln(P("l%d", i - 1), P("%s/l%d", dir, i));
}

Test(walk, forty_links_then_eloop)
{
	chain(tmp, 41);
	expect_ok(tmp, "l40", 0, P("%s/l0", tmp), P("%s/l0", tmp), 1);
	expect_err(tmp, "l41", 0, ELOOP);
	/* the kernel agrees */
	int fd = open(P("%s/l41", tmp), O_RDONLY | O_CLOEXEC);
	cr_expect(fd < 0 && errno == ELOOP);
	fd = open(P("%s/l40", tmp), O_RDONLY | O_CLOEXEC);
	cr_expect_geq(fd, 0);
	close(fd);
}

Test(walk, trailing_slashes)
{
	touch(P("%s/f", tmp));
	mkdirs(P("%s/d", tmp));
	expect_err(tmp, "f/", 0, ENOTDIR);
	expect_err(tmp, "f/.", 0, ENOTDIR);
	expect_err(tmp, "f/..", 0, ENOTDIR);
	expect_err(tmp, "f/x", UMV_PATH_CREATE, ENOTDIR);
	expect_err(tmp, "missing/", 0, ENOENT);
	expect_err(tmp, "missing/x", UMV_PATH_CREATE, ENOENT);
	struct umv_path_result r;
	cr_assert_eq(res(tmp, "missing//", UMV_PATH_CREATE, &r), 0);
	cr_expect_eq(r.exists, 0);
	cr_expect(r.trailing_slash);
	cr_expect_str_eq(r.host, P("%s/missing/", tmp));
	umv_path_result_free(&r);
	expect_ok(tmp, "d/", 0, P("%s/d", tmp), P("%s/d/", tmp), 1);
	/* open(O_CREAT) of "name/": EISDIR from the kernel, whatever name is */
	ln("f", P("%s/lf", tmp));
	const char *creat_cases[] = { "f/", "d/", "lf/", "missing/" };
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(res(tmp, creat_cases[i], UMV_PATH_CREATE, &r), 0, "%s", creat_cases[i]);
		cr_expect_eq(open(r.host, O_CREAT | O_WRONLY | O_CLOEXEC, 0644), -1);
		cr_expect_eq(errno, EISDIR, "%s", creat_cases[i]);
		umv_path_result_free(&r);
	}
	expect_err(tmp, "f/x/", UMV_PATH_CREATE, ENOTDIR);
	expect_err(tmp, "nodir/x/", UMV_PATH_CREATE, ENOENT);
	expect_err(tmp, "f", UMV_PATH_DIRECTORY, ENOTDIR);
	expect_ok(tmp, "d", UMV_PATH_DIRECTORY, P("%s/d", tmp), P("%s/d", tmp), 1);
}

Test(walk, empty_path_and_dirfd)
{
	touch(P("%s/f", tmp));
	struct umv_path_ctx c = { .cwd = "/", .base = tmp };
	struct umv_path_result r;
	cr_assert_eq(umv_path_resolve(mt, &c, "", UMV_PATH_EMPTY_PATH, &r), 0);
	cr_expect_str_eq(r.guest, tmp);
	cr_expect_str_eq(r.host, tmp);
	umv_path_result_free(&r);
	cr_expect_eq(umv_path_resolve(mt, &c, "", 0, &r), -ENOENT);
	cr_assert_eq(umv_path_resolve(mt, &c, "f", 0, &r), 0);
	cr_expect_str_eq(r.guest, P("%s/f", tmp));
	cr_expect_eq(r.type, S_IFREG);
	umv_path_result_free(&r);
	/* a dirfd that is a file: ENOTDIR for relative paths, fine for absolute */
	c.base = P("%s/f", tmp);
	c.base_not_dir = true;
	cr_expect_eq(umv_path_resolve(mt, &c, "x", 0, &r), -ENOTDIR);
	cr_assert_eq(umv_path_resolve(mt, &c, "/", 0, &r), 0);
	umv_path_result_free(&r);
	cr_assert_eq(umv_path_resolve(mt, &c, "", UMV_PATH_EMPTY_PATH, &r), 0);
	cr_expect_str_eq(r.guest, P("%s/f", tmp));
	umv_path_result_free(&r);
}

Test(walk, resolve_flags)
{
	mkdirs(P("%s/base/a", tmp));
	mkdirs(P("%s/etc", tmp));
	touch(P("%s/base/a/f", tmp));
	touch(P("%s/base/etc", tmp));
	ln("/etc", P("%s/base/abs", tmp));
	ln("a/f", P("%s/base/rel", tmp));
	ln("../..", P("%s/base/a/esc", tmp));
	const char *b = P("%s/base", tmp);
	struct umv_path_ctx c = { .cwd = "/", .base = b };
	struct umv_path_result r;
	/* BENEATH */
	cr_expect_eq(umv_path_resolve(mt, &c, "/etc", UMV_PATH_BENEATH, &r), -EXDEV);
	cr_expect_eq(umv_path_resolve(mt, &c, "..", UMV_PATH_BENEATH, &r), -EXDEV);
	cr_expect_eq(umv_path_resolve(mt, &c, "a/../..", UMV_PATH_BENEATH, &r), -EXDEV);
	cr_expect_eq(umv_path_resolve(mt, &c, "abs", UMV_PATH_BENEATH, &r), -EXDEV);
	cr_expect_eq(umv_path_resolve(mt, &c, "a/esc", UMV_PATH_BENEATH, &r), -EXDEV);
	cr_assert_eq(umv_path_resolve(mt, &c, "a/../rel", UMV_PATH_BENEATH, &r), 0);
	cr_expect_str_eq(r.guest, P("%s/a/f", b));
	umv_path_result_free(&r);
	/* IN_ROOT: "/" and ".." are the dirfd */
	cr_assert_eq(umv_path_resolve(mt, &c, "/etc", UMV_PATH_IN_ROOT, &r), 0);
	cr_expect_str_eq(r.guest, P("%s/etc", b));
	cr_expect_eq(r.type, S_IFREG);
	umv_path_result_free(&r);
	cr_assert_eq(umv_path_resolve(mt, &c, "abs", UMV_PATH_IN_ROOT, &r), 0);
	cr_expect_str_eq(r.guest, P("%s/etc", b));
	umv_path_result_free(&r);
	cr_assert_eq(umv_path_resolve(mt, &c, "a/esc/../../a", UMV_PATH_IN_ROOT, &r), 0);
	cr_expect_str_eq(r.guest, P("%s/a", b));
	umv_path_result_free(&r);
	cr_expect_eq(umv_path_resolve(mt, &c, "x", UMV_PATH_IN_ROOT | UMV_PATH_BENEATH, &r), -EINVAL);
	/* NO_SYMLINKS: any link followed is ELOOP; a final one not followed is fine */
	cr_expect_eq(umv_path_resolve(mt, &c, "rel", UMV_PATH_NO_SYMLINKS, &r), -ELOOP);
	cr_assert_eq(umv_path_resolve(mt, &c, "rel", UMV_PATH_NO_SYMLINKS | UMV_PATH_NOFOLLOW, &r), 0);
	umv_path_result_free(&r);
	/* NO_XDEV: crossing into a mount of the guest */
	cr_assert_eq(umv_mount_add(mt, P("%s/a", b), UMV_MOUNT_REDIRECT, P("%s/base/a", tmp), NULL, 0), 0);
	cr_expect_eq(umv_path_resolve(mt, &c, "a/f", UMV_PATH_NO_XDEV, &r), -EXDEV);
	/* from a synthetic directory there is no host device, mounts still count */
	cr_assert_eq(umv_mount_add(mt, P("%s/v/w", virt), UMV_MOUNT_REDIRECT, b, NULL, 0), 0);
	struct umv_path_ctx cv = { .cwd = P("%s/v", virt) };
	cr_expect_eq(umv_path_resolve(mt, &cv, "w/etc", UMV_PATH_NO_XDEV, &r), -EXDEV);
	cr_expect_eq(umv_path_resolve(mt, &cv, "nothing", UMV_PATH_NO_XDEV, &r), -ENOENT);
	cr_assert_eq(umv_path_resolve(mt, &cv, "w/etc", 0, &r), 0);
	umv_path_result_free(&r);
	cr_assert_eq(umv_path_resolve(mt, &c, "etc", UMV_PATH_NO_XDEV, &r), 0);
	umv_path_result_free(&r);
	/* and the host's own mounts: / and /proc are different file systems */
	cr_expect_eq(umv_path_resolve(mt, &c, "/proc/1", UMV_PATH_NO_XDEV, &r), -EXDEV);
	/* openat2 flag translation */
	cr_expect_eq(umv_path_flags_from_resolve(RESOLVE_BENEATH | RESOLVE_IN_ROOT), -EINVAL);
	cr_expect_eq(umv_path_flags_from_resolve(1ull << 40), -EINVAL);
	cr_expect_eq(umv_path_flags_from_resolve(RESOLVE_CACHED), -EAGAIN);
	cr_expect_eq(umv_path_flags_from_resolve(RESOLVE_NO_SYMLINKS),
	             UMV_PATH_NO_SYMLINKS | UMV_PATH_NO_MAGICLINKS);
	cr_expect_eq(umv_path_flags_from_resolve(RESOLVE_IN_ROOT | RESOLVE_NO_XDEV),
	             UMV_PATH_IN_ROOT | UMV_PATH_NO_XDEV);
}

/* The kernel's own verdicts for the RESOLVE_* cases above, so the expected
 * errnos are not just our opinion. */
Test(walk, resolve_flags_match_openat2)
{
	mkdirs(P("%s/base/a", tmp));
	touch(P("%s/base/a/f", tmp));
	ln("/etc", P("%s/base/abs", tmp));
	ln("a/f", P("%s/base/rel", tmp));
	int dfd = open(P("%s/base", tmp), O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(dfd, 0);
	int procfd = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(procfd, 0);
	struct { const char *p; unsigned long long res; int err; bool in_proc; } cases[] = {
		{ "/etc", RESOLVE_BENEATH, EXDEV, false },
		{ "..", RESOLVE_BENEATH, EXDEV, false },
		{ "abs", RESOLVE_BENEATH, EXDEV, false },
		{ "rel", RESOLVE_NO_SYMLINKS, ELOOP, false },
		{ "/proc/self/cwd", RESOLVE_NO_MAGICLINKS, ELOOP, false },
		{ "/proc/self/cwd", RESOLVE_BENEATH, EXDEV, false },
		{ "/proc/1", RESOLVE_NO_XDEV, EXDEV, false },
		{ "../..", RESOLVE_NO_XDEV, EXDEV, true },
		{ "../../etc", RESOLVE_NO_XDEV, EXDEV, true },
		{ "../self", RESOLVE_NO_XDEV, 0, true },
		{ "../..", RESOLVE_IN_ROOT, 0, true },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = cases[i].res };
		long fd = syscall(SYS_openat2, cases[i].in_proc ? procfd : dfd, cases[i].p, &how, sizeof(how));
		if (fd < 0 && errno == ENOSYS)
			cr_skip_test("openat2 is not available on this kernel");
		int kerr = fd < 0 ? errno : 0;
		if (fd >= 0)
			close((int)fd);
		/* /proc/self/cwd under BENEATH: the absolute path fails first */
		cr_expect_eq(kerr, cases[i].err, "kernel openat2(%s, %#llx) = %d", cases[i].p,
		             cases[i].res, kerr);
		struct umv_path_ctx c = { .cwd = "/", .base = cases[i].in_proc ? "/proc/sys" : P("%s/base", tmp),
		                          .self_pid = getpid() };
		struct umv_path_result r;
		long f = umv_path_flags_from_resolve(cases[i].res);
		cr_assert_geq(f, 0);
		int rc = umv_path_resolve(mt, &c, cases[i].p, (unsigned)f, &r);
		cr_expect_eq(rc, -kerr, "ours(%s, %#llx) = %d, kernel %d", cases[i].p, cases[i].res, rc, -kerr);
		umv_path_result_free(&r);
	}
	close(dfd);
	close(procfd);
}

Test(walk, shadowing_and_umount_change_the_walk)
{
	mkdirs(P("%s/one", tmp));
	mkdirs(P("%s/two", tmp));
	touch(P("%s/one/only1", tmp));
	touch(P("%s/two/only2", tmp));
	const char *g = P("%s/mnt", virt);
	cr_assert_eq(umv_mount_add(mt, g, UMV_MOUNT_REDIRECT, P("%s/one", tmp), NULL, 0), 0);
	expect_ok("/", P("%s/only1", g), 0, P("%s/only1", g), P("%s/one/only1", tmp), 1);
	cr_assert_eq(umv_mount_add(mt, g, UMV_MOUNT_REDIRECT, P("%s/two", tmp), NULL, 0), 0);
	expect_err("/", P("%s/only1", g), 0, ENOENT);
	expect_ok("/", P("%s/only2", g), 0, P("%s/only2", g), P("%s/two/only2", tmp), 1);
	cr_assert_eq(umv_mount_remove(mt, g), 0);
	expect_ok("/", P("%s/only1", g), 0, P("%s/only1", g), P("%s/one/only1", tmp), 1);
	cr_assert_eq(umv_mount_remove(mt, g), 0);
	expect_err("/", g, 0, ENOENT);
	expect_err("/", virt, 0, ENOENT);
}

Test(walk, owned_mount_with_a_private_host_dir)
{
	int owner;
	mkdirs(P("%s/priv", tmp));
	touch(P("%s/priv/status", tmp));
	cr_assert_eq(umv_mount_add(mt, P("%s/syn", virt), UMV_MOUNT_OWNED, P("%s/priv", tmp), &owner, 0), 0);
	struct umv_path_result r;
	cr_assert_eq(res("/", P("%s/syn/status", virt), 0, &r), 0);
	cr_expect_eq(r.mount->kind, UMV_MOUNT_OWNED);
	cr_expect_eq(r.mount->owner, &owner);
	cr_expect_str_eq(r.host, P("%s/priv/status", tmp));
	cr_expect_eq(r.type, S_IFREG);
	umv_path_result_free(&r);
	expect_err("/", P("%s/syn/missing", virt), 0, ENOENT);
	/* the private dir maps back to the guest path */
	char *g = NULL;
	cr_assert_eq(umv_mount_host_to_guest(mt, P("%s/priv/status", tmp), &g), 0);
	cr_expect_str_eq(g, P("%s/syn/status", virt));
	free(g);
}

Test(walk, owned_mount_without_host_dir)
{
	int owner;
	const char *g = P("%s/dev", virt);
	cr_assert_eq(umv_mount_add(mt, g, UMV_MOUNT_OWNED, NULL, &owner, 0), 0);
	struct umv_path_result r;
	cr_assert_eq(res("/", P("%s/a/./b/../c", g), 0, &r), 0);
	cr_expect_str_eq(r.guest, P("%s/a/c", g));
	cr_expect_null(r.host);
	cr_expect_eq(r.exists, -1);
	cr_expect_eq(r.mount->owner, &owner);
	umv_path_result_free(&r);
	/* leaving it by .. resumes real lookups */
	expect_ok("/", P("%s/a/../../../etc", g), 0, "/etc", "/etc", 1);
}

static void make_deep(char *guest, size_t cap, size_t depth_bytes)
{
	/* built with *at calls: the absolute path exceeds PATH_MAX */
	int fd = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	size_t len = (size_t)snprintf(guest, cap, "%s", tmp);
	char name[201];
	memset(name, 'd', 200);
	name[200] = '\0';
	while (len < depth_bytes) {
		cr_assert_eq(mkdirat(fd, name, 0755), 0, "%s", strerror(errno));
		int nfd = openat(fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		cr_assert_geq(nfd, 0);
		close(fd);
		fd = nfd;
		len += (size_t)snprintf(guest + len, cap - len, "/%s", name);
	}
	int f = openat(fd, "leaf", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	cr_assert_geq(f, 0);
	close(f);
	cr_assert_eq(symlinkat("../leaf", fd, "uplink"), 0);
	cr_assert_eq(symlinkat("leaf", fd, "samelink"), 0);
	close(fd);
}

Test(walk, cwd_deeper_than_path_max)
{
	static char deep[8192];
	make_deep(deep, sizeof(deep), 6000);
	cr_assert_gt(strlen(deep), PATH_MAX);
	struct umv_path_result r;
	cr_assert_eq(res(deep, "leaf", 0, &r), 0);
	cr_expect_eq(r.type, S_IFREG);
	cr_expect_eq(r.guest_len, strlen(deep) + 5);
	cr_expect_eq(r.host_len, strlen(deep) + 5);
	umv_path_result_free(&r);
	cr_assert_eq(res(deep, "../../x", UMV_PATH_CREATE, &r), 0);
	cr_expect_eq(r.exists, 0);
	umv_path_result_free(&r);
	expect_err(deep, "missing/x", 0, ENOENT);
	/* a symlink read through a long host path */
	cr_assert_eq(res(deep, "d/../uplink", 0, &r), -ENOENT);
	cr_assert_eq(res(deep, "uplink", UMV_PATH_NOFOLLOW, &r), 0);
	cr_expect_eq(r.type, S_IFLNK);
	umv_path_result_free(&r);
	/* a link read and followed through a host path longer than PATH_MAX */
	cr_assert_eq(res(deep, "samelink", 0, &r), 0);
	cr_expect_eq(r.type, S_IFREG);
	cr_expect_str_eq(r.guest + r.guest_len - 5, "/leaf");
	umv_path_result_free(&r);
	cr_assert_eq(res(deep, "samelink", UMV_PATH_NO_FAST, &r), 0);
	cr_expect_eq(r.type, S_IFREG);
	umv_path_result_free(&r);
	/* and through a bind: the guest cwd is long, the host one too */
	cr_assert_eq(umv_mount_add(mt, P("%s/deep", virt), UMV_MOUNT_REDIRECT, tmp, NULL, 0), 0);
	static char gdeep[8192];
	snprintf(gdeep, sizeof(gdeep), "%s/deep%s", virt, deep + strlen(tmp));
	cr_assert_eq(res(gdeep, "leaf", 0, &r), 0);
	cr_expect_eq(r.type, S_IFREG);
	umv_path_result_free(&r);
}

Test(walk, host_dir_open_longer_than_path_max)
{
	static char deep[8192];
	make_deep(deep, sizeof(deep), 6000);
	size_t len = strlen(deep);
	cr_assert_gt(len, PATH_MAX);
	int fd = umv_host_open_dir(deep, len);
	cr_assert_geq(fd, 0, "%s", strerror(-fd));
	struct stat st;
	cr_expect_eq(fstatat(fd, "leaf", &st, 0), 0);
	cr_expect(S_ISREG(st.st_mode));
	close(fd);
	/* a file is not a directory, a missing name is missing */
	char leaf[8192];
	snprintf(leaf, sizeof(leaf), "%s/leaf", deep);
	cr_expect_eq(umv_host_open_dir(leaf, strlen(leaf)), -ENOTDIR);
	snprintf(leaf, sizeof(leaf), "%s/nosuch", deep);
	cr_expect_eq(umv_host_open_dir(leaf, strlen(leaf)), -ENOENT);
	fd = umv_host_open_dir(tmp, strlen(tmp));
	cr_expect_geq(fd, 0);
	if (fd >= 0)
		close(fd);
}

Test(walk, odd_names)
{
	const char *names[] = { "with space", "new\nline", "\xff\xfe-bytes", " ", "-", "...", ".hidden" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		touch(P("%s/%s", tmp, names[i]));
		expect_ok(tmp, names[i], 0, P("%s/%s", tmp, names[i]), P("%s/%s", tmp, names[i]), 1);
	}
	mkdirs(P("%s/d i r\n", tmp));
	touch(P("%s/d i r\n/\x80", tmp));
	expect_ok(tmp, "d i r\n/\x80", 0, P("%s/d i r\n/\x80", tmp), P("%s/d i r\n/\x80", tmp), 1);
}

Test(walk, name_and_path_limits)
{
	char name[300];
	memset(name, 'n', sizeof(name));
	name[256] = '\0';
	expect_err(tmp, name, 0, ENAMETOOLONG);
	expect_err(tmp, name, UMV_PATH_CREATE, ENAMETOOLONG);
	/* the kernel agrees */
	int fd = openat(AT_FDCWD, P("%s/%s", tmp, name), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	cr_expect(fd < 0 && errno == ENAMETOOLONG);
	/* a missing parent is reported before a long name below it */
	expect_err(tmp, P("missing/%s", name), 0, ENOENT);
	name[255] = '\0';
	expect_err(tmp, name, 0, ENOENT);
	expect_ok(tmp, name, UMV_PATH_CREATE, P("%s/%s", tmp, name), P("%s/%s", tmp, name), 0);

	static char arg[PATH_MAX + 8];
	memset(arg, '/', PATH_MAX);
	arg[PATH_MAX] = '\0';           /* 4096 bytes + NUL: too long */
	expect_err("/", arg, 0, ENAMETOOLONG);
	arg[PATH_MAX - 1] = '\0';       /* 4095 bytes: accepted */
	expect_ok("/", arg, 0, "/", "/", 1);
	struct stat st;
	cr_expect_eq(stat(arg, &st), 0);
	arg[PATH_MAX - 1] = '/';
	cr_expect(stat(arg, &st) < 0 && errno == ENAMETOOLONG);
}

/* ---- /proc magic links -------------------------------------------------- */

static int proc_cb(const struct umv_path_ctx *c, pid_t pid, const char *link, char **out)
{
	(void)c;
	if (pid != getpid())
		return -EACCES;
	if (strcmp(link, "cwd") == 0)
		*out = strdup(P("%s/x/y/sub", virt));
	else if (strcmp(link, "root") == 0)
		*out = strdup("/");
	else if (strcmp(link, "fd/500") == 0)
		*out = strdup(P("%s/x/y/file", virt));
	else if (strcmp(link, "fd/502") == 0)
		*out = strdup("//etc/./../etc//");      /* sloppy, still canonicalised */
	else if (strcmp(link, "fd/501") == 0)
		return UMV_PROC_LINK_OBJECT;
	else
		return -ENOENT;
	return *out ? UMV_PROC_LINK_PATH : -ENOMEM;
}

Test(walk, proc_magic_links_stay_in_the_guest_view)
{
	bind_tree();
	struct umv_path_ctx c = { .cwd = "/", .self_pid = getpid(), .self_tid = gettid(),
	                          .resolve_proc_link = proc_cb };
	struct umv_path_result r;
	cr_assert_eq(umv_path_resolve(mt, &c, "/proc/self/cwd/file", 0, &r), 0);
	cr_expect_str_eq(r.guest, P("%s/x/y/sub/file", virt));
	cr_expect_str_eq(r.host, P("%s/src/sub/file", tmp));
	umv_path_result_free(&r);
	cr_assert_eq(umv_path_resolve(mt, &c, "/proc/self/cwd/..", 0, &r), 0);
	cr_expect_str_eq(r.guest, P("%s/x/y", virt));
	umv_path_result_free(&r);
	cr_assert_eq(umv_path_resolve(mt, &c, "/proc/thread-self/root/etc", 0, &r), 0);
	cr_expect_str_eq(r.guest, "/etc");
	umv_path_result_free(&r);
	/* fds 500 and 501: far from criterion's own */
	int ffd = open(P("%s/src/file", tmp), O_RDONLY | O_CLOEXEC);
	cr_assert_geq(ffd, 0);
	cr_assert_eq(dup2(ffd, 500), 500);
	close(ffd);
	cr_assert_eq(umv_path_resolve(mt, &c, P("/proc/%d/fd/500", getpid()), 0, &r), 0);
	cr_expect_str_eq(r.guest, P("%s/x/y/file", virt));
	cr_expect_eq(r.type, S_IFREG);
	umv_path_result_free(&r);
	cr_assert_eq(dup2(500, 502), 502);
	cr_assert_eq(umv_path_resolve(mt, &c, "/proc/self/fd/502/passwd", 0, &r), 0);
	cr_expect_str_eq(r.guest, "/etc/passwd");
	umv_path_result_free(&r);
	close(502);
	/* readlink of /proc/self/cwd is the engine's: the walk stops on the link */
	cr_assert_eq(umv_path_resolve(mt, &c, "/proc/self/cwd", UMV_PATH_NOFOLLOW, &r), 0);
	cr_expect_str_eq(r.host, P("/proc/%d/cwd", getpid()));
	cr_expect_eq(r.type, S_IFLNK);
	umv_path_result_free(&r);
	/* a pipe fd: fine as the result, not as a directory */
	int pfd[2];
	cr_assert_eq(pipe(pfd), 0);
	cr_assert_eq(dup2(pfd[0], 501), 501);
	cr_assert_eq(umv_path_resolve(mt, &c, "/proc/self/fd/501", 0, &r), 0);
	cr_expect_str_eq(r.host, P("/proc/%d/fd/501", getpid()));
	umv_path_result_free(&r);
	cr_expect_eq(umv_path_resolve(mt, &c, "/proc/self/fd/501/x", 0, &r), -ENOTDIR);
	cr_expect_eq(umv_path_resolve(mt, &c, "/proc/self/fd/501/", 0, &r), -ENOTDIR);
	cr_expect_eq(umv_path_resolve(mt, &c, "/proc/self/fd/501", UMV_PATH_DIRECTORY, &r), -ENOTDIR);
	cr_expect_eq(umv_path_resolve(mt, &c, P("/proc/self/fd/%d", pfd[1]), 0, &r), -ENOENT);
	close(pfd[0]);
	close(pfd[1]);
	close(500);
	close(501);
	cr_expect_eq(umv_path_resolve(mt, &c, "/proc/1/root/etc", 0, &r), -EACCES);
	cr_expect_eq(umv_path_resolve(mt, &c, "/proc/self/cwd", UMV_PATH_NO_MAGICLINKS, &r), -ELOOP);
	/* without a callback or a guest identity, nothing gets through */
	c.resolve_proc_link = NULL;
	cr_expect_eq(umv_path_resolve(mt, &c, "/proc/self/root/etc", 0, &r), -EACCES);
	c.self_pid = 0;
	cr_expect_eq(umv_path_resolve(mt, &c, "/proc/self/status", 0, &r), -EACCES);
	/* /proc/mounts -> self/mounts goes through the guest's self */
	c.self_pid = getpid();
	cr_assert_eq(umv_path_resolve(mt, &c, "/proc/mounts", 0, &r), 0);
	cr_expect_str_eq(r.guest, P("/proc/%d/mounts", getpid()));
	umv_path_result_free(&r);
}

/* ---- reverse mapping ----------------------------------------------------- */

static void expect_rev(const char *host, const char *guest)
{
	char *g = NULL;
	int rc = umv_mount_host_to_guest(mt, host, &g);
	if (!guest) {
		cr_expect_eq(rc, -ENOENT, "reverse(%s) = %d %s", host, rc, rc == 0 ? g : "");
	} else {
		cr_assert_eq(rc, 0, "reverse(%s) = %d", host, rc);
		cr_expect_str_eq(g, guest, "reverse(%s)", host);
	}
	free(g);
}

Test(reverse, identity_and_binds)
{
	expect_rev("/etc/passwd", "/etc/passwd");
	expect_rev("/", "/");
	expect_rev("//etc//", "/etc");
	cr_assert_eq(umv_mount_add(mt, "/g/b", UMV_MOUNT_REDIRECT, "/h/b", NULL, 0), 0);
	expect_rev("/h/b/f", "/g/b/f");
	expect_rev("/h/b", "/g/b");
	expect_rev("/h/bc", "/h/bc");
	/* the identity still shows /h/b at /h/b */
	cr_assert_eq(umv_mount_add(mt, "/h", UMV_MOUNT_REDIRECT, "/other", NULL, 0), 0);
	expect_rev("/h/b/f", "/g/b/f");
	expect_rev("/h/x", NULL);        /* /h in the guest is /other now */
	expect_rev("/other/x", "/h/x");
	char *g;
	cr_expect_eq(umv_mount_host_to_guest(mt, "rel", &g), -EINVAL);
	cr_expect_eq(umv_mount_host_to_guest(mt, "/a/../b", &g), -EINVAL);
}

Test(reverse, shadowed_and_rooted)
{
	cr_assert_eq(umv_mount_add(mt, "/", UMV_MOUNT_REDIRECT, "/srv/root", NULL, 0), 0);
	cr_assert_eq(umv_mount_add(mt, "/proc", UMV_MOUNT_REDIRECT, "/proc", NULL, 0), 0);
	cr_assert_eq(umv_mount_add(mt, "/srv/data", UMV_MOUNT_REDIRECT, "/srv/root/etc", NULL, 0), 0);
	expect_rev("/srv/root/usr/bin", "/usr/bin");
	expect_rev("/srv/root", "/");
	expect_rev("/proc/1/cwd", "/proc/1/cwd");
	expect_rev("/etc/passwd", NULL);      /* the host's /etc is not visible */
	expect_rev("/srv/root/etc/x", "/srv/data/x");  /* longest host match wins */
	/* a host path whose guest path is covered by a deeper mount is hidden */
	cr_assert_eq(umv_mount_add(mt, "/usr", UMV_MOUNT_OWNED, NULL, NULL, 0), 0);
	expect_rev("/srv/root/usr/bin", NULL);
	int owner;
	cr_assert_eq(umv_mount_add(mt, "/var/syn", UMV_MOUNT_OWNED, "/run/priv", &owner, 0), 0);
	expect_rev("/run/priv/status", "/var/syn/status");
}

/* ---- against the kernel -------------------------------------------------- */

/* A generated tree: dirs, files and symlinks of every kind; then many paths
 * resolved by us (identity table) and by the kernel (open O_PATH + the
 * /proc/self/fd link), which must agree on errno, final path and type. */

static const char *names[] = { "a", "b", "c", "d", "l1", "l2", "l3", "f" };

static void gen_tree(const char *root, int depth)
{
	for (int i = 0; i < 4; i++) {
		char d[PATH_MAX];
		snprintf(d, sizeof(d), "%s/%s", root, names[i]);
		if (depth > 0 && rnd(3)) {
			mkdirs(d);
			gen_tree(d, depth - 1);
		} else if (rnd(2)) {
			touch(d);
		}
	}
	const char *targets[] = { "a", "../a", "../../b/c", "f", "l2", "l1", "missing", "./b/",
	                          "/", "..", "a/../c", "f/", "." };
	for (int i = 4; i < 7; i++) {
		char t[PATH_MAX + 64];
		if (rnd(4) == 0)
			snprintf(t, sizeof(t), "%s/%s", gen_abs, names[rnd(4)]); /* absolute */
		else
			snprintf(t, sizeof(t), "%s", targets[rnd(13)]);
		char l[PATH_MAX];
		snprintf(l, sizeof(l), "%s/%s", root, names[i]);
		ln(t, l);
	}
	char f[PATH_MAX];
	snprintf(f, sizeof(f), "%s/f", root);
	touch(f);
}

static void gen_path(char *p, size_t cap, bool absolute)
{
	size_t len = 0;
	if (absolute)
		len = (size_t)snprintf(p, cap, "%s", gen_abs);
	int n = 1 + (int)rnd(6);
	for (int i = 0; i < n; i++) {
		unsigned k = rnd(12);
		const char *c = k < 8 ? names[k] : k < 10 ? ".." : k < 11 ? "." : "";
		if (i == 0 && !absolute && !*c)
			c = ".";        /* a relative path must not turn absolute */
		len += (size_t)snprintf(p + len, cap - len, "%s%s", (i || absolute) ? "/" : "", c);
	}
	if (rnd(5) == 0)
		len += (size_t)snprintf(p + len, cap - len, "/");
	if (len == 0)
		snprintf(p, cap, ".");
}

struct kres {
	int err;
	char path[PATH_MAX];
	mode_t type;
};

static void kernel_resolve(int dfd, const char *p, bool nofollow, struct kres *k)
{
	memset(k, 0, sizeof(*k));
	int fd = openat(dfd, p, O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
	if (fd < 0) {
		k->err = errno;
		return;
	}
	struct stat st;
	cr_assert_eq(fstat(fd, &st), 0);
	k->type = st.st_mode & S_IFMT;
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, k->path, sizeof(k->path) - 1);
	cr_assert_gt(n, 0);
	k->path[n] = '\0';
	close(fd);
}

/* A generated directory one level down to start relative paths from: the
 * first of a..d that came out a real directory, else the tree itself. */
static void pick_base(char *out, size_t cap, const char *top)
{
	for (int i = 0; i < 4; i++) {
		struct stat st;
		snprintf(out, cap, "%s/%s/%s", tmp, top, names[i]);
		if (lstat(out, &st) == 0 && S_ISDIR(st.st_mode))
			return;
	}
	snprintf(out, cap, "%s/%s", tmp, top);
}

static void compare_with_kernel(unsigned extra_flags, const char *label)
{
	rnd_state = 12345 + seed_shift();
	mkdirs(P("%s/t", tmp));
	gen_tree(P("%s/t", tmp), 3);
	/* the kernel's view of tmp (it may itself sit under a symlink) */
	char real[PATH_MAX];
	cr_assert_not_null(realpath(tmp, real));
	cr_assert_str_eq(real, tmp, "the scratch dir must be canonical");
	char base[PATH_MAX + 8];
	pick_base(base, sizeof(base), "t");
	int dfd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(dfd, 0);
	int agree = 0, errors = 0, fast = 0;
	for (int i = 0; i < 3000; i++) {
		char p[PATH_MAX];
		gen_path(p, sizeof(p), rnd(4) == 0);
		bool nofollow = rnd(3) == 0;
		struct kres k;
		kernel_resolve(dfd, p, nofollow, &k);
		struct umv_path_ctx c = { .cwd = "/", .base = base };
		struct umv_path_result r;
		int rc = umv_path_resolve(mt, &c, p, extra_flags | (nofollow ? UMV_PATH_NOFOLLOW : 0), &r);
		if (rc != -k.err) {
			char cmd[PATH_MAX * 3];
			snprintf(cmd, sizeof(cmd), "ls -lR '%s/t' >&2", tmp);
			if (system(cmd) != 0)
				fprintf(stderr, "ls failed\n");
			if (rc == 0)
				fprintf(stderr, "ours: %s host %s\n", r.guest, r.host);
		}
		cr_assert_eq(rc, -k.err, "%s: %s (nofollow %d): ours %d, kernel %d", label, p,
		             nofollow, rc, -k.err);
		if (rc == 0) {
			cr_assert_str_eq(r.guest, k.path, "%s: %s (nofollow %d)", label, p, nofollow);
			cr_assert_eq(r.type, k.type, "%s: %s type %o vs %o", label, p, r.type, k.type);
			size_t hl = strlen(k.path);
			cr_assert(strncmp(r.host, k.path, hl) == 0 &&
			          (r.host[hl] == '\0' || strcmp(r.host + hl, "/") == 0 ||
			           strcmp(r.host + hl, "/.") == 0 || strcmp(r.host + hl, ".") == 0),
			          "%s: %s host %s", label, p, r.host);
			fast += r.fast;
			umv_path_result_free(&r);
			agree++;
		} else {
			errors++;
		}
	}
	close(dfd);
	/* the generator must exercise both outcomes or the test proves little */
	cr_expect_gt(agree, 300, "%s: only %d successes", label, agree);
	cr_expect_gt(errors, 300, "%s: only %d errors", label, errors);
	if (extra_flags & UMV_PATH_NO_FAST)
		cr_expect_eq(fast, 0);
	else
		cr_expect_gt(fast, 150, "%s: the fast path answered only %d", label, fast);
}

Test(kernel, identity_agrees_with_kernel_slow_walk)
{
	compare_with_kernel(UMV_PATH_NO_FAST, "slow");
}

Test(kernel, identity_agrees_with_kernel_fast_path)
{
	compare_with_kernel(0, "fast");
}

Test(kernel, realpath_agrees)
{
	mkdirs(P("%s/t", tmp));
	rnd_state = 777 + seed_shift();
	gen_tree(P("%s/t", tmp), 3);
	int checked = 0;
	for (int i = 0; i < 2000; i++) {
		char p[PATH_MAX];
		gen_path(p, sizeof(p), true);
		char rp[PATH_MAX];
		char *ok = realpath(p, rp);
		int kerr = ok ? 0 : errno;
		struct umv_path_ctx c = { .cwd = "/" };
		struct umv_path_result r;
		int rc = umv_path_resolve(mt, &c, p, 0, &r);
		/* glibc's realpath says ENOENT for a dangling final link just like
		 * stat; it reports ENOTDIR for "file/" too */
		cr_assert_eq(rc, -kerr, "%s: ours %d realpath %d", p, rc, -kerr);
		if (ok) {
			cr_assert_str_eq(r.guest, rp, "%s", p);
			umv_path_result_free(&r);
		}
		checked++;
	}
	cr_expect_eq(checked, 2000);
}

/* A bind of the same tree at a guest-only path gives the same host answers
 * for paths that stay inside it. */
Test(kernel, bind_view_matches_identity_view)
{
	mkdirs(P("%s/t", tmp));
	rnd_state = 4242 + seed_shift();
	gen_tree(P("%s/t", tmp), 3);
	char gbase[128], tdir[PATH_MAX + 8], tdir_slash[PATH_MAX + 8];
	snprintf(gbase, sizeof(gbase), "%s/bound", virt);
	snprintf(tdir, sizeof(tdir), "%s/t", tmp);
	snprintf(tdir_slash, sizeof(tdir_slash), "%s/t/", tmp);
	cr_assert_eq(umv_mount_add(mt, gbase, UMV_MOUNT_REDIRECT, P("%s/t", tmp), NULL, 0), 0);
	int same = 0;
	for (int i = 0; i < 5000; i++) {
		char p[PATH_MAX];
		gen_path(p, sizeof(p), false);
		struct umv_path_ctx ci = { .cwd = tdir };
		struct umv_path_ctx cb = { .cwd = gbase };
		struct umv_path_result ri, rb;
		int a = umv_path_resolve(mt, &ci, p, 0, &ri);
		int b = umv_path_resolve(mt, &cb, p, 0, &rb);
		/* only paths whose identity answer stays inside the tree and that
		 * used no absolute link (those name host paths on purpose) */
		bool inside = a == 0 && strncmp(ri.guest, tdir_slash, strlen(tdir_slash)) == 0;
		if (inside && b == 0 && strncmp(rb.guest, gbase, strlen(gbase)) == 0 &&
		    rb.guest[strlen(gbase)] == '/') {
			cr_assert_str_eq(ri.host, rb.host, "%s: %s vs %s (guest %s)", p, ri.host, rb.host, rb.guest);
			cr_assert_str_eq(rb.guest + strlen(gbase), ri.guest + strlen(tmp) + 2, "%s: %s vs %s", p,
			                 rb.guest, ri.guest);
			same++;
		}
		if (a == 0)
			umv_path_result_free(&ri);
		if (b == 0)
			umv_path_result_free(&rb);
	}
	cr_expect_gt(same, 100, "only %d comparable paths", same);
}

/* A passthrough answer is a promise about the kernel: the argument as
 * written, from the base's host directory, reaches the object at r->host. */
/* WANT_ERR: the kernel's error when the result says the name is missing. */
static void check_passthrough(const struct umv_path_ctx *c, const char *p, unsigned flags,
                              const struct umv_path_result *r, int want_err)
{
	if (r->trailing_slash && (flags & (UMV_PATH_PARENT | UMV_PATH_CREATE)))
		return;         /* the last name is the syscall's (EISDIR...) */
	struct umv_path_result base = { 0 };
	int dfd = AT_FDCWD;
	if (p[0] != '/') {
		cr_assert_eq(umv_path_resolve(mt, c, ".", UMV_PATH_NO_FAST, &base), 0);
		cr_assert_not_null(base.host, "passthrough from a base without host dir: %s", p);
		dfd = open(base.host, O_PATH | O_DIRECTORY | O_CLOEXEC);
		cr_assert_geq(dfd, 0);
	}
	bool nofollow = (flags & (UMV_PATH_NOFOLLOW | UMV_PATH_PARENT)) != 0;
	int fd = openat(dfd, p, O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
	int err = fd < 0 ? errno : 0;
	if (r->exists == 1 && !(r->trailing_slash && (flags & UMV_PATH_PARENT))) {
		cr_assert_geq(fd, 0, "passthrough %s from %s: kernel says %s", p, c->cwd, strerror(err));
		struct stat k, o;
		cr_assert_eq(fstat(fd, &k), 0);
		cr_assert_eq(lstat(r->host, &o), 0, "lstat(%s) for %s from %s", r->host, p, c->cwd);
		cr_assert(k.st_dev == o.st_dev && k.st_ino == o.st_ino,
		          "passthrough %s from %s: kernel reaches another object than %s", p, c->cwd, r->host);
	} else if (r->exists == 0) {
		cr_assert_eq(err, want_err, "passthrough %s (missing) from %s: kernel says %d, not %d", p,
		             c->cwd, err, want_err);
	}
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	umv_path_result_free(&base);
}

/* The fast path must be invisible: same answers as the component walk under
 * a table with nested binds, binds inside the tree and a synthetic prefix. */
Test(kernel, fast_path_equals_slow_walk_with_binds)
{
	mkdirs(P("%s/t", tmp));
	rnd_state = 99 + seed_shift();
	gen_tree(P("%s/t", tmp), 3);
	mkdirs(P("%s/other/b", tmp));
	touch(P("%s/other/f", tmp));
	char t[PATH_MAX + 8], g[128];
	snprintf(t, sizeof(t), "%s/t", tmp);
	snprintf(g, sizeof(g), "%s/g", virt);
	cr_assert_eq(umv_mount_add(mt, g, UMV_MOUNT_REDIRECT, t, NULL, 0), 0);
	cr_assert_eq(umv_mount_add(mt, P("%s/t/b", tmp), UMV_MOUNT_REDIRECT, P("%s/other", tmp), NULL, 0), 0);
	cr_assert_eq(umv_mount_add(mt, P("%s/c/new/deep", g), UMV_MOUNT_REDIRECT, P("%s/other", tmp), NULL, 0), 0);
	cr_assert_eq(umv_mount_add(mt, P("%s/a/a", g), UMV_MOUNT_OWNED, NULL, NULL, 0), 0);
	const char *bases[] = { t, g, P("%s/a", t), P("%s/c", g), "/" };
	int fast = 0, ok = 0, fast_parent = 0, passthrough = 0, left_to_kernel = 0, links_kept = 0;
	for (int i = 0; i < 6000; i++) {
		char p[PATH_MAX];
		gen_path(p, sizeof(p), rnd(4) == 0);
		unsigned flags = (rnd(3) == 0 ? UMV_PATH_NOFOLLOW : 0) |
		                 (rnd(3) == 0 ? UMV_PATH_CREATE : 0) |
		                 (rnd(8) == 0 ? UMV_PATH_DIRECTORY : 0) |
		                 (rnd(4) == 0 ? UMV_PATH_PARENT : 0);
		struct umv_path_ctx c = { .cwd = bases[rnd(5)] };
		/* tell the walk what the base is, as an engine knows its fds */
		struct umv_path_ctx root = { .cwd = "/" };
		struct umv_path_result rbase;
		if (umv_path_resolve(mt, &root, c.cwd, UMV_PATH_NO_FAST, &rbase) < 0)
			continue;
		c.base_not_dir = rbase.type != S_IFDIR;
		umv_path_result_free(&rbase);
		struct umv_path_result a, b;
		unsigned kernel_enoent = rnd(2) ? UMV_PATH_GUEST_CALL : 0;
		int ra = umv_path_resolve(mt, &c, p, flags | kernel_enoent, &a);
		int rb = umv_path_resolve(mt, &c, p, flags | UMV_PATH_NO_FAST, &b);
		if (ra == 0 && rb < 0 && kernel_enoent && a.exists == 0 && a.passthrough) {
			/* left to the kernel, which must fail the same way */
			cr_assert(rb == -ENOENT || rb == -ENOTDIR, "%s from %s: slow %d", p, c.cwd, rb);
			check_passthrough(&c, p, flags, &a, -rb);
			umv_path_result_free(&a);
			left_to_kernel++;
			continue;
		}
		cr_assert_eq(ra, rb, "%s from %s flags %#x: fast %d slow %d (exists %d, passthrough %d, kernel_enoent %#x)", p, c.cwd, flags, ra, rb, ra ? 9 : a.exists, ra ? 9 : a.passthrough, kernel_enoent);
		if (ra)
			continue;
		ok++;
		fast += a.fast;
		fast_parent += a.fast && (flags & UMV_PATH_PARENT);
		cr_assert_str_eq(a.guest, b.guest, "%s", p);
		cr_assert_str_eq(a.host ? a.host : "-", b.host ? b.host : "-", "%s", p);
		cr_assert_eq(a.mount, b.mount, "%s", p);
		cr_assert_eq(a.exists, b.exists, "%s", p);
		cr_assert_eq(a.type, b.type, "%s", p);
		cr_assert_eq(a.synthetic, b.synthetic, "%s", p);
		cr_assert_eq(a.mount_root, b.mount_root, "%s", p);
		cr_assert_eq(a.trailing_slash, b.trailing_slash, "%s", p);
		if (a.passthrough) {
			check_passthrough(&c, p, flags, &a, ENOENT);
			passthrough++;
			/* only GUEST_CALL keeps it across links in identity land */
			links_kept += !b.passthrough;
		}
		if (b.passthrough)
			check_passthrough(&c, p, flags, &b, ENOENT);
		umv_path_result_free(&a);
		umv_path_result_free(&b);
	}
	cr_expect_gt(ok, 1000, "only %d successes", ok);
	cr_expect_gt(fast, 150, "the fast path answered only %d", fast);
	cr_expect_gt(fast_parent, 40, "the fast path answered only %d PARENT calls", fast_parent);
	cr_expect_gt(passthrough, 100, "only %d passthrough answers", passthrough);
	cr_expect_gt(left_to_kernel, 20, "only %d missing names left to the kernel", left_to_kernel);
	cr_expect_gt(links_kept, 20, "only %d passthrough answers across links", links_kept);
}

/* EACCES comes from the host, as the guest's user would get it natively:
 * checked in a child that drops root. */
Test(walk, eacces_from_the_host)
{
	cr_assert_eq(chmod(tmp, 0755), 0);
	mkdirs(P("%s/locked/in", tmp));
	touch(P("%s/open", tmp));
	cr_assert_eq(chmod(P("%s/locked", tmp), 0700), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
			_exit(77);
		struct umv_path_result r;
		int code = 0;
		const char *p = P("%s/locked/in", tmp);
		struct stat st;
		if (stat(p, &st) == 0 || errno != EACCES)
			code |= 1;      /* the kernel must refuse it first */
		if (res("/", p, 0, &r) != -EACCES)
			code |= 2;
		if (res("/", p, UMV_PATH_NO_FAST, &r) != -EACCES)
			code |= 4;
		if (res(tmp, "locked/new", UMV_PATH_CREATE, &r) != -EACCES)
			code |= 8;
		if (res(tmp, "open", 0, &r) != 0)
			code |= 16;
		else
			umv_path_result_free(&r);
		_exit(code);
	}
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		cr_skip_test("cannot switch to uid 65534 to test permissions");
	cr_expect_eq(WEXITSTATUS(status), 0, "failed checks: %#x", WEXITSTATUS(status));
}

/* -r ROOT with the host's /proc bound in: magic links are found by host path */
Test(walk, proc_bound_into_a_rootfs)
{
	mkdirs(P("%s/root/etc", tmp));
	touch(P("%s/root/etc/marker", tmp));
	cr_assert_eq(umv_mount_add(mt, "/", UMV_MOUNT_REDIRECT, P("%s/root", tmp), NULL, 0), 0);
	cr_assert_eq(umv_mount_add(mt, "/proc", UMV_MOUNT_REDIRECT, "/proc", NULL, 0), 0);
	struct umv_path_ctx c = { .cwd = "/", .self_pid = getpid(), .self_tid = gettid(),
	                          .resolve_proc_link = proc_cb };
	struct umv_path_result r;
	cr_assert_eq(umv_path_resolve(mt, &c, "/proc/self/root/etc/marker", 0, &r), 0);
	cr_expect_str_eq(r.guest, "/etc/marker");
	cr_expect_str_eq(r.host, P("%s/root/etc/marker", tmp));
	umv_path_result_free(&r);
	/* the host's /etc is not reachable through /proc/1/root either */
	cr_expect_eq(umv_path_resolve(mt, &c, "/proc/1/root/etc/passwd", 0, &r), -EACCES);
	/* a host-side path to /proc through a bind is still the host's /proc */
	cr_assert_eq(umv_mount_add(mt, "/hostproc", UMV_MOUNT_REDIRECT, "/proc", NULL, 0), 0);
	cr_assert_eq(umv_path_resolve(mt, &c, "/hostproc/self/root/etc/marker", 0, &r), 0);
	cr_expect_str_eq(r.guest, "/etc/marker");
	umv_path_result_free(&r);
}

Test(walk, parent_mode)
{
	mkdirs(P("%s/d", tmp));
	touch(P("%s/d/f", tmp));
	ln("d", P("%s/ld", tmp));
	ln("f", P("%s/d/lf", tmp));
	/* links before the last name are followed, the last one is not */
	expect_ok(tmp, "ld/lf", UMV_PATH_PARENT, P("%s/d/lf", tmp), P("%s/d/lf", tmp), 1);
	expect_ok(tmp, "ld/new", UMV_PATH_PARENT, P("%s/d/new", tmp), P("%s/d/new", tmp), 0);
	expect_ok(tmp, "ld", UMV_PATH_PARENT, P("%s/ld", tmp), P("%s/ld", tmp), 1);
	/* "." and ".." as last names are the syscall's to refuse */
	expect_ok(tmp, "d/..", UMV_PATH_PARENT, P("%s/d/..", tmp), P("%s/d/..", tmp), 1);
	expect_err(tmp, "d/f/x", UMV_PATH_PARENT, ENOTDIR);
	expect_err(tmp, "missing/x", UMV_PATH_PARENT, ENOENT);
	/* the host path given back makes the kernel answer as natively */
	struct umv_path_result r;
	cr_assert_eq(res(tmp, "ld/", UMV_PATH_PARENT, &r), 0);
	cr_expect_eq(rmdir(r.host), -1);
	int native_err = errno;
	cr_expect_eq(rmdir(P("%s/ld/", tmp)), -1);
	cr_expect_eq(errno, native_err);
	umv_path_result_free(&r);
}

/* open(O_CREAT) end to end: our resolution, then the kernel on the host path,
 * must fail or succeed like a native open on an identical tree (two copies:
 * each side creates files as it goes). Under RESOLVE_IN_ROOT on both sides,
 * so that no generated ".." or link can create anything outside the trees. */
Test(kernel, creat_end_to_end_matches_native_in_root)
{
	char a[PATH_MAX + 8], b[PATH_MAX + 8];
	snprintf(a, sizeof(a), "%s/ours", tmp);
	snprintf(b, sizeof(b), "%s/native", tmp);
	mkdirs(a);
	mkdirs(b);
	gen_abs[0] = '\0';
	rnd_state = 555 + seed_shift();
	gen_tree(a, 3);
	rnd_state = 555 + seed_shift();
	gen_tree(b, 3);
	int bfd = open(b, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(bfd, 0);
	int created = 0, failed = 0;
	for (int i = 0; i < 3000; i++) {
		/* the open flags an engine maps: O_CREAT -> CREATE, O_EXCL and
		 * O_NOFOLLOW -> NOFOLLOW, O_DIRECTORY -> DIRECTORY */
		static const int variants[] = {
			O_CREAT | O_WRONLY, O_CREAT | O_EXCL | O_WRONLY, O_RDONLY,
			O_RDONLY | O_DIRECTORY, O_RDONLY | O_NOFOLLOW, O_CREAT | O_WRONLY | O_NOFOLLOW,
			O_PATH | O_NOFOLLOW, O_PATH | O_DIRECTORY,
		};
		int oflags = variants[rnd(8)] | O_CLOEXEC;
			char p[PATH_MAX];
		gen_path(p, sizeof(p), rnd(4) == 0);
		struct open_how how = { .flags = (unsigned)oflags, .mode = oflags & O_CREAT ? 0644 : 0,
		                        .resolve = RESOLVE_IN_ROOT };
		long nfd = syscall(SYS_openat2, bfd, p, &how, sizeof(how));
		if (nfd < 0 && errno == ENOSYS)
			cr_skip_test("openat2 is not available on this kernel");
		int nerr = nfd < 0 ? errno : 0;
		if (nfd >= 0)
			close((int)nfd);
		struct umv_path_ctx c = { .cwd = "/", .base = a };
		struct umv_path_result r;
		unsigned flags = UMV_PATH_IN_ROOT | (oflags & O_CREAT ? UMV_PATH_CREATE : 0) |
		                 (oflags & (O_EXCL | O_NOFOLLOW) ? UMV_PATH_NOFOLLOW : 0) |
		                 (oflags & O_DIRECTORY ? UMV_PATH_DIRECTORY : 0);
		int rc = umv_path_resolve(mt, &c, p, flags, &r);
		int oerr = -rc;
		if (rc == 0) {
			cr_assert(strncmp(r.host, a, strlen(a)) == 0, "%s escaped to %s", p, r.host);
			int ofd = open(r.host, oflags, 0644);
			oerr = ofd < 0 ? errno : 0;
			if (ofd >= 0)
				close(ofd);
			umv_path_result_free(&r);
		}
		cr_assert_eq(oerr, nerr, "open(%s, %#o): ours %s, native %s", p, oflags,
		             strerror(oerr), strerror(nerr));
		if (nerr)
			failed++;
		else
			created++;
	}
	close(bfd);
	cr_expect_gt(created, 300, "only %d opens succeeded", created);
	cr_expect_gt(failed, 300, "only %d opens failed", failed);
}

/* The strongest check of the bind semantics: build the same view with real
 * kernel bind mounts in a private mount namespace, and compare. The mount
 * points exist on the host here (the kernel needs them), so this covers
 * everything but synthetic ancestors: .. at bind roots, links across and out
 * of binds, a bind inside another bind's source, a file bind. */
static int child_kernel_resolve(int dfd, const char *p, bool nofollow, unsigned long long resolve,
                                struct kres *k)
{
	memset(k, 0, sizeof(*k));
	struct open_how how = { .flags = O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0),
	                        .resolve = resolve };
	int fd = (int)syscall(SYS_openat2, dfd, p, &how, sizeof(how));
	if (fd < 0) {
		k->err = errno;
		return k->err == ENOSYS ? -1 : 0;
	}
	struct stat st;
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, k->path, sizeof(k->path) - 1);
	int rc = fstat(fd, &st);
	close(fd);
	if (n <= 0 || rc < 0)
		return -1;
	k->path[n] = '\0';
	k->type = st.st_mode & S_IFMT;
	return 0;
}

static int binds_child(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return 77;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 77;
	/* Our lookups run in this namespace too, so no bind may cover a host
	 * path a table entry reads: destinations are under view/ only (a mount
	 * on view/g/mnt sits on the view/g vfsmount, t/mnt stays the plain dir). */
	struct { const char *src, *dst; } binds[] = {
		{ "t", "view/g" },
		{ "other", "view/g/mnt" },      /* a bind inside a bind */
		{ "t/f", "view/file" },         /* a file bind */
		{ "other", "view/g2/deep" },
	};
	for (size_t i = 0; i < sizeof(binds) / sizeof(binds[0]); i++) {
		char src[PATH_MAX + 16], dst[PATH_MAX + 16];
		snprintf(src, sizeof(src), "%s/%s", tmp, binds[i].src);
		snprintf(dst, sizeof(dst), "%s/%s", tmp, binds[i].dst);
		if (mount(src, dst, NULL, MS_BIND, NULL) < 0) {
			fprintf(stderr, "bind %s %s: %s\n", src, dst, strerror(errno));
			return 99;
		}
		if (umv_mount_add(mt, dst, UMV_MOUNT_REDIRECT, src, NULL,
		                  strcmp(binds[i].dst, "view/file") == 0 ? UMV_MOUNT_NONDIR : 0) < 0)
			return 99;
	}
	const char *bases[] = { "view/g", "view/g/a", "t", "view", "view/g/mnt/sub", "view/g2/deep",
	                        "view/g/mnt" };
	int compared = 0;
	for (int i = 0; i < 4000; i++) {
		char base[PATH_MAX + 16], p[PATH_MAX];
		snprintf(base, sizeof(base), "%s/%s", tmp, bases[rnd(7)]);
		int dfd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;               /* a generated file or link, not a dir */
		gen_path(p, sizeof(p), rnd(4) == 0);
		bool nofollow = rnd(3) == 0;
		static const unsigned long long resolves[] = {
			RESOLVE_NO_XDEV, RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_SYMLINKS,
			RESOLVE_NO_MAGICLINKS, RESOLVE_IN_ROOT | RESOLVE_NO_XDEV,
		};
		unsigned long long resolve = rnd(2) ? 0 : resolves[rnd(6)];
		struct kres k;
		if (child_kernel_resolve(dfd, p, nofollow, resolve, &k) < 0)
			return 77;
		close(dfd);
		struct umv_path_ctx c = { .cwd = "/", .base = base };
		struct umv_path_result r;
		long f = umv_path_flags_from_resolve(resolve);
		if (f < 0)
			return 99;
		int rc = umv_path_resolve(mt, &c, p, (unsigned)f | (nofollow ? UMV_PATH_NOFOLLOW : 0), &r);
		if (rc != -k.err || (rc == 0 && (strcmp(r.guest, k.path) != 0 || r.type != k.type))) {
			fprintf(stderr, "from %s: %s (nofollow %d, resolve %#llx): ours %d %s %o, kernel %d %s %o\n",
			        base, p, nofollow, resolve, rc, rc == 0 ? r.guest : "-", rc == 0 ? r.type : 0,
			        -k.err, k.err ? "-" : k.path, k.type);
			char cmd[PATH_MAX + 64];
			snprintf(cmd, sizeof(cmd), "cd '%s/t' && ls -la . d d/ >&2", tmp);
			if (system(cmd) != 0)
				fprintf(stderr, "(no listing)\n");
			return 1;
		}
		if (rc == 0)
			umv_path_result_free(&r);
		compared++;
	}
	if (compared < 2000) {
		fprintf(stderr, "only %d paths compared\n", compared);
		return 1;
	}
	return 0;
}

Test(kernel, binds_agree_with_kernel_bind_mounts)
{
	mkdirs(P("%s/t", tmp));
	rnd_state = 31337 + seed_shift();
	gen_tree(P("%s/t", tmp), 3);
	mkdirs(P("%s/other/sub", tmp));
	touch(P("%s/other/f", tmp));
	mkdirs(P("%s/t/mnt", tmp));      /* mount points must exist for the kernel */
	mkdirs(P("%s/view/g", tmp));
	mkdirs(P("%s/view/g2/deep", tmp));
	touch(P("%s/view/file", tmp));
	struct stat st;
	cr_assert_eq(lstat(P("%s/t/f", tmp), &st), 0);
	fflush(NULL);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(binds_child());
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		cr_skip_test("no private mount namespace here (unshare(CLONE_NEWNS) refused)");
	cr_expect_eq(WEXITSTATUS(status), 0, "kernel bind mounts and the table disagree (see stderr)");
}
