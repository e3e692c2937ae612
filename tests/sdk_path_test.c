/* Unit tests of umv_path_fold (monitor/sdk_path.c), the SDK's lexical
 * folding of absolute paths. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <umvisor/module.h>

static void expect_fold(const char *in, const char *want)
{
	char buf[256];

	strcpy(buf, in);
	cr_assert_eq(umv_path_fold(buf), 0, "%s", in);
	cr_expect_str_eq(buf, want, "%s", in);
}

Test(sdk_path, folds_slashes_and_dots)
{
	expect_fold("/", "/");
	expect_fold("//", "/");
	expect_fold("/usr//lib/./x/../gcc/", "/usr/lib/gcc");
	expect_fold("/a/b/c/../../d", "/a/d");
	expect_fold("/./.", "/");
	expect_fold("/a/.b/..c/...", "/a/.b/..c/...");
}

Test(sdk_path, dotdot_stops_at_the_root)
{
	expect_fold("/..", "/");
	expect_fold("/../../a/..", "/");
	expect_fold("/a/../../b", "/b");
}

Test(sdk_path, refuses_relative_and_null)
{
	char rel[] = "a/b";

	cr_expect_eq(umv_path_fold(rel), -EINVAL);
	cr_expect_str_eq(rel, "a/b");
	cr_expect_eq(umv_path_fold(NULL), -EINVAL);
}
