/* Unit tests of the fakeroot module's ownership database (db.c): the hash
 * table under deletion, the save/load round trip in both formats, escaped
 * path hints, and corrupt input. */
#include "modules/fakeroot/fakeroot.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/umvisor-frdb.XXXXXX";

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(fakeroot_db, .init = setup, .fini = teardown);

Test(fakeroot_db, survives_deleting_half_of_many)
{
	struct fr_db db;

	cr_assert_eq(fr_db_init(&db), 0);
	for (uint64_t i = 0; i < 5000; i++)
		cr_assert_not_null(fr_db_get(&db, 0xfe00 + (i % 3), i * 7, S_IFREG | 0644,
					     (uint32_t)i, 1));
	cr_assert_eq(db.count, 5000);
	for (uint64_t i = 0; i < 5000; i += 2)
		fr_db_drop(&db, 0xfe00 + (i % 3), i * 7);
	cr_assert_eq(db.count, 2500);
	for (uint64_t i = 0; i < 5000; i++) {
		struct fr_entry *e = fr_db_find(&db, 0xfe00 + (i % 3), i * 7);
		if (i % 2)
			cr_assert(e && e->uid == i, "entry %llu lost", (unsigned long long)i);
		else
			cr_assert_null(e, "entry %llu not dropped", (unsigned long long)i);
	}
	fr_db_fini(&db);
}

Test(fakeroot_db, counts_setgid_directories)
{
	struct fr_db db;
	struct fr_entry *e;

	cr_assert_eq(fr_db_init(&db), 0);
	e = fr_db_get(&db, 1, 2, S_IFDIR | 0755, 0, 0);
	cr_assert_eq(db.setgid_dirs, 0);
	fr_db_set_mode(&db, e, S_IFDIR | 02755);
	cr_assert_eq(db.setgid_dirs, 1);
	fr_db_drop(&db, 1, 2);
	cr_assert_eq(db.setgid_dirs, 0);
	fr_db_fini(&db);
}

Test(fakeroot_db, round_trip_with_hints_and_fakeroot_export)
{
	struct fr_db db, back;
	char ours[256], theirs[256], line[512];
	unsigned bad = 0;
	struct fr_entry *e;
	FILE *f;

	snprintf(ours, sizeof(ours), "%s/ours.db", dir);
	snprintf(theirs, sizeof(theirs), "%s/theirs.db", dir);
	cr_assert_eq(fr_db_init(&db), 0);
	e = fr_db_get(&db, 0xfe01, 42, S_IFCHR | 0620, 5, 6);
	e->rdev = 0x1234;
	fr_db_set_path(&db, e, "/nonexistent dir/with%percent\nnewline");
	cr_assert_not_null(fr_db_get(&db, 0xfe01, 43, S_IFREG | 04755, 7, 8));
	cr_assert_eq(fr_db_save(&db, ours, false), 0);
	cr_assert_eq(fr_db_save(&db, theirs, true), 0);

	cr_assert_eq(fr_db_init(&back), 0);
	cr_assert_eq(fr_db_load(&back, ours, &bad), 0, "line %u", bad);
	e = fr_db_find(&back, 0xfe01, 42);
	cr_assert_not_null(e);
	cr_assert_eq(e->mode, S_IFCHR | 0620);
	cr_assert_eq(e->uid, 5);
	cr_assert_eq(e->gid, 6);
	cr_assert_eq(e->rdev, 0x1234);
	cr_assert_str_eq(e->path, "/nonexistent dir/with%percent\nnewline");
	e = fr_db_find(&back, 0xfe01, 43);
	cr_assert(e && e->mode == (S_IFREG | 04755) && e->uid == 7 && e->gid == 8);
	fr_db_fini(&back);

	/* The export is exactly fakeroot's line format, nothing else. */
	f = fopen(theirs, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long dev, ino, mode, uid, gid, nlink, rdev;
		int end = 0;
		cr_assert_eq(sscanf(line, "dev=%llx,ino=%llu,mode=%llo,uid=%llu,gid=%llu,nlink=%llu,rdev=%llu\n%n",
				    &dev, &ino, &mode, &uid, &gid, &nlink, &rdev, &end), 7, "%s", line);
		cr_assert_eq((size_t)end, strlen(line), "trailing text: %s", line);
	}
	fclose(f);
	fr_db_fini(&db);
}

/* Whatever the saver writes, the loader takes: an entry of an anonymous
 * inode (no file type bits: fchmod/fchown on an eventfd, as trinity does)
 * made the next run refuse the whole db as corrupt. */
Test(fakeroot_db, round_trip_of_an_anonymous_inode)
{
	struct fr_db db, back;
	char path[256];
	unsigned bad = 0;
	struct fr_entry *e;

	snprintf(path, sizeof(path), "%s/anon.db", dir);
	cr_assert_eq(fr_db_init(&db), 0);
	cr_assert_not_null(fr_db_get(&db, 0x10, 26, 01000, 4294967286u, 2048));
	cr_assert_not_null(fr_db_get(&db, 0x10, 27, 0600, 0, 0));
	cr_assert_eq(fr_db_save(&db, path, false), 0);
	cr_assert_eq(fr_db_init(&back), 0);
	cr_assert_eq(fr_db_load(&back, path, &bad), 0, "the saved db is refused at line %u", bad);
	e = fr_db_find(&back, 0x10, 26);
	cr_assert(e && e->mode == 01000 && e->uid == 4294967286u && e->gid == 2048);
	e = fr_db_find(&back, 0x10, 27);
	cr_assert(e && e->mode == 0600);
	fr_db_fini(&back);
	fr_db_fini(&db);
}

Test(fakeroot_db, corrupt_input_names_its_line)
{
	struct fr_db db;
	char path[256];
	unsigned line = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/bad.db", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("# umvisor fakeroot db 1\n"
	      "dev=fe00,ino=1,mode=100644,uid=0,gid=0,nlink=1,rdev=0\n"
	      "dev=fe00,ino=2,mode=100644,uid=0,gid=0,nlink=1,rdev=0 path=bad%zz\n", f);
	fclose(f);
	cr_assert_eq(fr_db_init(&db), 0);
	cr_assert_eq(fr_db_load(&db, path, &line), -EINVAL);
	cr_assert_eq(line, 3);
	fr_db_fini(&db);

	cr_assert_eq(fr_db_init(&db), 0);
	cr_assert_eq(fr_db_load(&db, "/nonexistent/x.db", &line), -ENOENT);
	fr_db_fini(&db);
}
