/* tests/paths_mapped_test.c: the walk over a UMV_MOUNT_MAPPED mount (the
 * owner maps every name: cow's upper-or-lower choice), with a toy owner:
 * a name is in "upper" if it exists there, else in "lower"; names listed
 * in "gone" map to a path that does not exist. */
#include "config.h"

#include "monitor/paths.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[256], guest[64];
static struct umv_mount_table *mt;
static int calls, with_parent;

static int toy_map(void *data, const char *rel, size_t len, const char *parent_host, char **host)
{
	struct stat st;
	char *up;

	(void)data;
	calls++;
	if (parent_host)
		with_parent++;
	cr_assert_eq(strlen(rel), len, "rel is NUL-terminated at its length");
	if (strcmp(rel, "gone") == 0 || strncmp(rel, "gone/", 5) == 0)
		return asprintf(host, "%s/absent/%s", tmp, rel) < 0 ? -ENOMEM : 0;
	if (asprintf(&up, "%s/upper%s%s", tmp, len ? "/" : "", rel) < 0)
		return -ENOMEM;
	if (lstat(up, &st) == 0) {
		*host = up;
		return 0;
	}
	free(up);
	return asprintf(host, "%s/lower%s%s", tmp, len ? "/" : "", rel) < 0 ? -ENOMEM : 0;
}

static struct umv_mount_mapper mapper = { .map = toy_map };

static void mk(const char *rel, const char *what)
{
	char p[PATH_MAX + 64];
	snprintf(p, sizeof(p), "%s%s", tmp, rel);
	if (strcmp(what, "dir") == 0)
		cr_assert_eq(mkdir(p, 0755), 0, "mkdir %s", p);
	else if (strcmp(what, "file") == 0)
		cr_assert_eq(close(open(p, O_CREAT | O_WRONLY, 0644)), 0);
	else
		cr_assert_eq(symlink(what, p), 0);
}

static void setup(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/umv-mapped-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
	snprintf(guest, sizeof(guest), "/umv-mapped-%d", (int)getpid());
	mk("/upper", "dir");
	mk("/lower", "dir");
	mk("/absent", "dir");
	mk("/lower/d", "dir");
	mk("/lower/d/low", "file");
	mk("/lower/d/up", "file");
	mk("/upper/d", "dir");
	mk("/upper/d/up", "file");
	mk("/lower/gone", "file");
	mk("/lower/rel", "d/low");
	mk("/lower/d/dotdot", "../d/up");
	char up[PATH_MAX + 8];
	snprintf(up, sizeof(up), "%s/upper", tmp);
	cr_assert_eq(umv_mount_table_new(&mt), 0);
	cr_assert_eq(umv_mount_add(mt, guest, UMV_MOUNT_OWNED, up, &mapper, UMV_MOUNT_MAPPED), 0);
	calls = with_parent = 0;
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];
	umv_mount_table_free(mt);
	mt = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	cr_expect_eq(system(cmd), 0);
}

/* Resolves guest-relative PATH ("" prefix = the mount point) from cwd "/". */
static int res(const char *path, unsigned flags, struct umv_path_result *r)
{
	char full[PATH_MAX + 64];
	struct umv_path_ctx ctx = { .cwd = "/" };
	snprintf(full, sizeof(full), "%s%s", guest, path);
	return umv_path_resolve(mt, &ctx, full, flags, r);
}

static void expect_host(const char *path, unsigned flags, const char *want_rel, mode_t type)
{
	struct umv_path_result r;
	char want[2 * PATH_MAX];
	int rc = res(path, flags, &r);
	cr_assert_eq(rc, 0, "%s: %d", path, rc);
	snprintf(want, sizeof(want), "%s/%s", tmp, want_rel);
	cr_expect_str_eq(r.host, want, "%s", path);
	cr_expect_eq(r.type, type, "%s: type %o", path, r.type);
	cr_expect(!r.passthrough, "%s: a mapped result is never passthrough", path);
	cr_expect(!r.fast, "%s: the fast path is not taken in a mapped mount", path);
	umv_path_result_free(&r);
}

TestSuite(mapped, .init = setup, .fini = teardown);

Test(mapped, upper_wins_lower_shows_through)
{
	expect_host("", 0, "upper", S_IFDIR);
	expect_host("/d", 0, "upper/d", S_IFDIR);
	expect_host("/d/up", 0, "upper/d/up", S_IFREG);
	expect_host("/d/low", 0, "lower/d/low", S_IFREG);
	expect_host("/d/../d/./low", 0, "lower/d/low", S_IFREG);
	cr_expect_gt(with_parent, 0, "one step down, the parent's host path is given");
}

Test(mapped, symlinks_are_walked_through_the_mapping)
{
	expect_host("/rel", 0, "lower/d/low", S_IFREG);
	expect_host("/d/dotdot", 0, "upper/d/up", S_IFREG);
	expect_host("/rel", UMV_PATH_NOFOLLOW, "lower/rel", S_IFLNK);
}

Test(mapped, deleted_names_do_not_exist)
{
	struct umv_path_result r;
	cr_expect_eq(res("/gone", 0, &r), -ENOENT);
	cr_expect_eq(res("/gone/x", 0, &r), -ENOENT);
	cr_assert_eq(res("/gone", UMV_PATH_CREATE, &r), 0);
	cr_expect_eq(r.exists, 0);
	umv_path_result_free(&r);
	cr_assert_eq(res("/gone", UMV_PATH_PARENT, &r), 0);
	cr_expect_eq(r.exists, 0);
	umv_path_result_free(&r);
	cr_expect_eq(res("/d/low/", 0, &r), -ENOTDIR);
}

Test(mapped, the_flag_needs_an_owned_mount_with_a_host_and_owner)
{
	cr_expect_eq(umv_mount_add(mt, "/x", UMV_MOUNT_REDIRECT, "/tmp", &mapper, UMV_MOUNT_MAPPED),
		     -EINVAL);
	cr_expect_eq(umv_mount_add(mt, "/x", UMV_MOUNT_OWNED, NULL, &mapper, UMV_MOUNT_MAPPED),
		     -EINVAL);
	cr_expect_eq(umv_mount_add(mt, "/x", UMV_MOUNT_OWNED, "/tmp", NULL, UMV_MOUNT_MAPPED),
		     -EINVAL);
}
