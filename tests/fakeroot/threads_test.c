/* Unit tests of the fakeroot module's per-thread credential table
 * (threads.c): inheritance from the creator, growth while the creator's own
 * entry is the source, reused tids, and dropping a whole process. */
#include "modules/fakeroot/fakeroot.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>

/* Tids far above any real pid, so parent_of() finds no /proc entry. */
#define BASE_TID 0x3ffff000

static struct fr_threads table;

static void setup(void)
{
	cr_assert_eq(fr_threads_init(&table, 1000, 1000), 0);
}

static void teardown(void)
{
	fr_threads_fini(&table);
}

TestSuite(fakeroot_threads, .init = setup, .fini = teardown);

Test(fakeroot_threads, unknown_thread_gets_the_defaults)
{
	struct fr_creds *c = fr_creds_of(&table, BASE_TID, BASE_TID);

	cr_assert_not_null(c);
	cr_expect_eq(c->ruid, 1000);
	cr_expect_eq(c->fsgid, 1000);
	cr_assert_eq(c->ngroups, 1);
	cr_expect_eq(c->groups[0], 1000);
	cr_expect_eq(fr_creds_find(&table, BASE_TID), c);
	cr_expect_null(fr_creds_find(&table, BASE_TID + 1));
}

/* A thread seen first (before its creator's clone returned) copies its
 * thread-group leader, and keeps doing so while the table grows under the
 * leader's entry, which is the source of every copy. */
Test(fakeroot_threads, sibling_copies_leader_across_growth)
{
	struct fr_creds *leader = fr_creds_of(&table, BASE_TID, BASE_TID);
	uint32_t *groups = malloc(3 * sizeof(*groups));

	cr_assert_not_null(leader);
	cr_assert_not_null(groups);
	groups[0] = 7, groups[1] = 8, groups[2] = 9;
	free(leader->groups);
	leader->groups = groups;
	leader->ngroups = 3;
	leader->euid = 42;
	for (pid_t tid = BASE_TID + 1; tid < BASE_TID + 500; tid++) {
		struct fr_creds *c = fr_creds_of(&table, tid, BASE_TID);

		cr_assert_not_null(c);
		cr_assert_eq(c->euid, 42, "tid %d", (int)tid);
		cr_assert_eq(c->ngroups, 3);
		cr_assert_eq(c->groups[2], 9);
		cr_assert_neq(c->groups, fr_creds_find(&table, BASE_TID)->groups);
	}
	cr_expect_gt(table.cap, 64, "the table grew");
	cr_expect_eq(table.count, 500);
}

/* fork's exit stop copies the parent's creds to the child, again across
 * growth; a child that ran first keeps what it already has. */
Test(fakeroot_threads, copy_to_children_across_growth)
{
	struct fr_creds *parent = fr_creds_of(&table, BASE_TID, BASE_TID);

	cr_assert_not_null(parent);
	parent->egid = 5;
	for (pid_t child = BASE_TID + 1; child < BASE_TID + 300; child++) {
		cr_assert_eq(fr_creds_copy(&table, BASE_TID, BASE_TID, child, child), 0);
		cr_assert_eq(fr_creds_find(&table, child)->egid, 5);
	}
	fr_creds_find(&table, BASE_TID + 1)->egid = 77;
	cr_assert_eq(fr_creds_copy(&table, BASE_TID, BASE_TID, BASE_TID + 1, BASE_TID + 1), 0);
	cr_expect_eq(fr_creds_find(&table, BASE_TID + 1)->egid, 77, "child's own creds kept");
}

/* A tid reused by another process: the stale entry is replaced. */
Test(fakeroot_threads, reused_tid_is_replaced)
{
	struct fr_creds *parent = fr_creds_of(&table, BASE_TID, BASE_TID);
	struct fr_creds *stale = fr_creds_of(&table, BASE_TID + 2, BASE_TID + 1);

	cr_assert_not_null(parent);
	cr_assert_not_null(stale);
	stale->ruid = 99;
	fr_creds_find(&table, BASE_TID)->ruid = 3;
	cr_assert_eq(fr_creds_copy(&table, BASE_TID, BASE_TID, BASE_TID + 2, BASE_TID + 2), 0);
	cr_expect_eq(fr_creds_find(&table, BASE_TID + 2)->ruid, 3);
}

Test(fakeroot_threads, process_gone_drops_all_its_threads)
{
	for (pid_t tid = BASE_TID; tid < BASE_TID + 10; tid++)
		cr_assert_not_null(fr_creds_of(&table, tid, BASE_TID));
	cr_assert_not_null(fr_creds_of(&table, BASE_TID + 20, BASE_TID + 20));
	fr_threads_process_gone(&table, BASE_TID);
	for (pid_t tid = BASE_TID; tid < BASE_TID + 10; tid++)
		cr_expect_null(fr_creds_find(&table, tid));
	cr_expect_not_null(fr_creds_find(&table, BASE_TID + 20));
	cr_expect_eq(table.count, 1);
}
