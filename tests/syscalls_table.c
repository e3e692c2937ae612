/* Unit tests of the neutral semantics and the per-arch look-ups. */
#include "syscalls/syscalls.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const enum sc_arch table_arches[] = { SC_ARCH_X86_64, SC_ARCH_I386, SC_ARCH_AARCH64 };

static bool has_kind(const struct sc_info *info, enum sc_kind kind)
{
	for (int i = 0; i < info->nargs; i++)
		if (info->kinds[i] == kind)
			return true;
	return false;
}

Test(semantics, every_id_is_well_formed)
{
	for (unsigned id = 1; id < SC_ID_COUNT; id++) {
		const struct sc_info *info = sc_info((enum sc_id)id);

		cr_assert_not_null(info, "id %u", id);
		cr_assert_eq(info->id, (enum sc_id)id);
		cr_assert(info->nargs <= 6, "%s", info->name);
		for (int i = 0; i < 6; i++) {
			if (i < info->nargs)
				cr_assert(info->kinds[i] != SC_K_NONE && info->kinds[i] < SC_K_COUNT,
					  "%s arg %d", info->name, i);
			else
				cr_assert_eq(info->kinds[i], SC_K_NONE, "%s arg %d", info->name, i);
			/* a DIRFD is the base of the PATH right after it */
			if (info->kinds[i] == SC_K_DIRFD)
				cr_assert(i + 1 < info->nargs && info->kinds[i + 1] == SC_K_PATH,
					  "%s: DIRFD at %d not followed by PATH", info->name, i);
		}
		/* the PATH class and PATH arguments agree */
		cr_assert_eq(!!(info->classes & SC_CL_PATH), has_kind(info, SC_K_PATH), "%s", info->name);
		cr_assert_eq(sc_id_from_name(info->name), (enum sc_id)id, "%s", info->name);
	}
	cr_assert_null(sc_info(SC_ID_UNKNOWN));
	cr_assert_null(sc_info(SC_ID_COUNT));
	cr_assert_null(sc_info((enum sc_id)-1));
}

/* The path-taking syscalls the monitor's path virtualization keys on: the
 * kinds of each, spelled out, so a slip in semantics.def shows here. */
Test(semantics, path_syscalls_are_exact)
{
	static const struct {
		enum sc_id id;
		enum sc_kind k[6];
	} expect[] = {
		{ SC_ID_open, { SC_K_PATH, SC_K_OPEN_FLAGS, SC_K_MODE } },
		{ SC_ID_openat, { SC_K_DIRFD, SC_K_PATH, SC_K_OPEN_FLAGS, SC_K_MODE } },
		{ SC_ID_openat2, { SC_K_DIRFD, SC_K_PATH, SC_K_OPEN_HOW, SC_K_LEN } },
		{ SC_ID_creat, { SC_K_PATH, SC_K_MODE } },
		{ SC_ID_stat, { SC_K_PATH, SC_K_STAT_OUT } },
		{ SC_ID_stat64, { SC_K_PATH, SC_K_STAT64_OUT } },
		{ SC_ID_fstatat64, { SC_K_DIRFD, SC_K_PATH, SC_K_STAT64_OUT, SC_K_AT_FLAGS } },
		{ SC_ID_newfstatat, { SC_K_DIRFD, SC_K_PATH, SC_K_STAT_OUT, SC_K_AT_FLAGS } },
		{ SC_ID_statx, { SC_K_DIRFD, SC_K_PATH, SC_K_AT_FLAGS, SC_K_HEX, SC_K_STATX_OUT } },
		{ SC_ID_faccessat2, { SC_K_DIRFD, SC_K_PATH, SC_K_ACCESS_MODE, SC_K_AT_FLAGS } },
		{ SC_ID_readlinkat, { SC_K_DIRFD, SC_K_PATH, SC_K_PATH_OUT, SC_K_LEN } },
		{ SC_ID_renameat2, { SC_K_DIRFD, SC_K_PATH, SC_K_DIRFD, SC_K_PATH, SC_K_HEX } },
		{ SC_ID_linkat, { SC_K_DIRFD, SC_K_PATH, SC_K_DIRFD, SC_K_PATH, SC_K_AT_FLAGS } },
		{ SC_ID_symlinkat, { SC_K_STR, SC_K_DIRFD, SC_K_PATH } },
		{ SC_ID_symlink, { SC_K_STR, SC_K_PATH } },
		{ SC_ID_fchmodat2, { SC_K_DIRFD, SC_K_PATH, SC_K_MODE, SC_K_AT_FLAGS } },
		{ SC_ID_fchownat, { SC_K_DIRFD, SC_K_PATH, SC_K_UID, SC_K_GID, SC_K_AT_FLAGS } },
		{ SC_ID_chown16, { SC_K_PATH, SC_K_UID16, SC_K_GID16 } },
		{ SC_ID_utimensat, { SC_K_DIRFD, SC_K_PATH, SC_K_TIMESPEC_IN, SC_K_AT_FLAGS } },
		{ SC_ID_setxattrat, { SC_K_DIRFD, SC_K_PATH, SC_K_AT_FLAGS, SC_K_STR, SC_K_PTR, SC_K_LEN } },
		{ SC_ID_getxattrat, { SC_K_DIRFD, SC_K_PATH, SC_K_AT_FLAGS, SC_K_STR, SC_K_PTR, SC_K_LEN } },
		{ SC_ID_listxattrat, { SC_K_DIRFD, SC_K_PATH, SC_K_AT_FLAGS, SC_K_BUF_OUT, SC_K_LEN } },
		{ SC_ID_removexattrat, { SC_K_DIRFD, SC_K_PATH, SC_K_AT_FLAGS, SC_K_STR } },
		{ SC_ID_inotify_add_watch, { SC_K_FD, SC_K_PATH, SC_K_HEX } },
		{ SC_ID_fanotify_mark, { SC_K_FD, SC_K_HEX, SC_K_HEX, SC_K_DIRFD, SC_K_PATH } },
		{ SC_ID_execveat, { SC_K_DIRFD, SC_K_PATH, SC_K_ARGV, SC_K_ENVP, SC_K_AT_FLAGS } },
		{ SC_ID_name_to_handle_at, { SC_K_DIRFD, SC_K_PATH, SC_K_PTR, SC_K_PTR, SC_K_AT_FLAGS } },
		{ SC_ID_open_tree_attr, { SC_K_DIRFD, SC_K_PATH, SC_K_HEX, SC_K_PTR, SC_K_LEN } },
		{ SC_ID_move_mount, { SC_K_DIRFD, SC_K_PATH, SC_K_DIRFD, SC_K_PATH, SC_K_HEX } },
		{ SC_ID_mount_setattr, { SC_K_DIRFD, SC_K_PATH, SC_K_AT_FLAGS, SC_K_PTR, SC_K_LEN } },
		{ SC_ID_quotactl, { SC_K_HEX, SC_K_PATH, SC_K_INT, SC_K_PTR } },
		{ SC_ID_file_getattr, { SC_K_DIRFD, SC_K_PATH, SC_K_PTR, SC_K_LEN, SC_K_AT_FLAGS } },
		{ SC_ID_file_setattr, { SC_K_DIRFD, SC_K_PATH, SC_K_PTR, SC_K_LEN, SC_K_AT_FLAGS } },
		{ SC_ID_pivot_root, { SC_K_PATH, SC_K_PATH } },
		{ SC_ID_mount, { SC_K_PATH, SC_K_PATH, SC_K_STR, SC_K_HEX, SC_K_PTR } },
		{ SC_ID_statmount, { SC_K_PTR, SC_K_BUF_OUT, SC_K_LEN, SC_K_HEX } },
	};

	for (size_t e = 0; e < sizeof(expect) / sizeof(expect[0]); e++) {
		const struct sc_info *info = sc_info(expect[e].id);
		int n = 0;

		while (n < 6 && expect[e].k[n] != SC_K_NONE)
			n++;
		cr_assert_eq(info->nargs, n, "%s nargs", info->name);
		for (int i = 0; i < 6; i++)
			cr_assert_eq(info->kinds[i], expect[e].k[i], "%s arg %d", info->name, i);
	}
	cr_assert(!(sc_info(SC_ID_statmount)->classes & SC_CL_PATH));
	cr_assert(sc_info(SC_ID_statmount)->classes & SC_CL_MOUNT);
	cr_assert(sc_info(SC_ID_socketcall)->classes & SC_CL_MULTIPLEXER);
}

Test(lookup, numbers_both_ways)
{
	cr_assert_eq(sc_id_from_nr(SC_ARCH_X86_64, 257), SC_ID_openat);
	cr_assert_eq(sc_id_from_nr(SC_ARCH_I386, 295), SC_ID_openat);
	cr_assert_eq(sc_id_from_nr(SC_ARCH_AARCH64, 56), SC_ID_openat);
	cr_assert_eq(sc_nr_from_id(SC_ARCH_X86_64, SC_ID_openat), 257);
	cr_assert_eq(sc_nr_from_id(SC_ARCH_I386, SC_ID_openat), 295);
	cr_assert_eq(sc_nr_from_id(SC_ARCH_AARCH64, SC_ID_openat), 56);
	cr_assert_eq(sc_nr_from_id(SC_ARCH_AARCH64, SC_ID_open), -ENOENT);
	cr_assert_eq(sc_nr_from_id(SC_ARCH_X86_64, SC_ID_stat64), -ENOENT);
	cr_assert_eq(sc_nr_from_id(SC_ARCH_X32, SC_ID_open), -EINVAL);
	cr_assert_eq(sc_nr_from_id(SC_ARCH_X86_64, SC_ID_UNKNOWN), -ENOENT);
	/* the same meaning under different spellings */
	cr_assert_eq(sc_id_from_nr(SC_ARCH_I386, 212), SC_ID_chown);
	cr_assert_str_eq(sc_nr_name(SC_ARCH_I386, 212), "chown32");
	cr_assert_eq(sc_id_from_nr(SC_ARCH_I386, 182), SC_ID_chown16);
	cr_assert_str_eq(sc_nr_name(SC_ARCH_I386, 182), "chown");
	cr_assert_eq(sc_id_from_nr(SC_ARCH_I386, 142), SC_ID_select);
	cr_assert_eq(sc_id_from_nr(SC_ARCH_I386, 82), SC_ID_oldselect);
	cr_assert_eq(sc_id_from_nr(SC_ARCH_I386, 191), SC_ID_getrlimit);
	cr_assert_eq(sc_id_from_nr(SC_ARCH_X86_64, 17), SC_ID_pread64);
	cr_assert_str_eq(sc_nr_name(SC_ARCH_AARCH64, 79), "newfstatat");
	cr_assert_eq(sc_id_from_nr(SC_ARCH_AARCH64, 38), SC_ID_renameat);
	/* holes, the end, and beyond */
	cr_assert_eq(sc_id_from_nr(SC_ARCH_X86_64, 400), SC_ID_UNKNOWN);
	cr_assert_null(sc_nr_name(SC_ARCH_X86_64, 400));
	cr_assert_eq(sc_id_from_nr(SC_ARCH_X86_64, 470), SC_ID_UNKNOWN);
	cr_assert_eq(sc_id_from_nr(SC_ARCH_X86_64, UINT64_MAX), SC_ID_UNKNOWN);
	cr_assert_eq(sc_id_from_nr(SC_ARCH_UNKNOWN, 0), SC_ID_UNKNOWN);
	cr_assert_eq(sc_id_from_nr((enum sc_arch)99, 0), SC_ID_UNKNOWN);
}

Test(lookup, newest_syscalls_on_every_arch)
{
	static const struct {
		long nr;
		enum sc_id id;
	} later[] = {
		{ 451, SC_ID_cachestat }, { 452, SC_ID_fchmodat2 }, { 453, SC_ID_map_shadow_stack },
		{ 454, SC_ID_futex_wake }, { 455, SC_ID_futex_wait }, { 456, SC_ID_futex_requeue },
		{ 457, SC_ID_statmount }, { 458, SC_ID_listmount }, { 459, SC_ID_lsm_get_self_attr },
		{ 460, SC_ID_lsm_set_self_attr }, { 461, SC_ID_lsm_list_modules }, { 462, SC_ID_mseal },
		{ 463, SC_ID_setxattrat }, { 464, SC_ID_getxattrat }, { 465, SC_ID_listxattrat },
		{ 466, SC_ID_removexattrat }, { 467, SC_ID_open_tree_attr }, { 468, SC_ID_file_getattr },
		{ 469, SC_ID_file_setattr },
	};

	for (size_t a = 0; a < 3; a++) {
		cr_assert_eq(sc_nr_max(table_arches[a]), 469);
		for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++)
			cr_assert_eq(sc_nr_from_id(table_arches[a], later[i].id), later[i].nr,
				     "%s on %s", sc_id_name(later[i].id), sc_arch_name(table_arches[a]));
	}
	cr_assert_eq(sc_nr_from_id(SC_ARCH_X86_64, SC_ID_uretprobe), 335);
	cr_assert_eq(sc_nr_from_id(SC_ARCH_X86_64, SC_ID_uprobe), 336);
	cr_assert_eq(sc_nr_max(SC_ARCH_X32), -EINVAL);
	cr_assert_eq(sc_nr_max(SC_ARCH_UNKNOWN), -EINVAL);
}

Test(lookup, names)
{
	cr_assert_eq(sc_id_from_name("openat"), SC_ID_openat);
	cr_assert_eq(sc_id_from_name("chown32"), SC_ID_chown);	/* i386 spelling */
	cr_assert_eq(sc_id_from_name("_llseek"), SC_ID_llseek);
	cr_assert_eq(sc_id_from_name("_newselect"), SC_ID_select);
	cr_assert_eq(sc_id_from_name("ugetrlimit"), SC_ID_getrlimit);
	cr_assert_eq(sc_id_from_name("chown"), SC_ID_chown);	/* neutral wins */
	cr_assert_eq(sc_id_from_name("no_such_syscall"), SC_ID_UNKNOWN);
	cr_assert_eq(sc_id_from_name(""), SC_ID_UNKNOWN);
	cr_assert_eq(sc_id_from_name(NULL), SC_ID_UNKNOWN);
	cr_assert_str_eq(sc_id_name(SC_ID_file_setattr), "file_setattr");
	cr_assert_null(sc_id_name(SC_ID_UNKNOWN));
}

Test(lookup, one_number_per_id_per_arch)
{
	for (size_t a = 0; a < 3; a++) {
		long max = sc_nr_max(table_arches[a]);
		int rows = 0;

		for (long nr = 0; nr <= max; nr++) {
			enum sc_id id = sc_id_from_nr(table_arches[a], (uint64_t)nr);

			if (id == SC_ID_UNKNOWN)
				continue;
			rows++;
			cr_assert_eq(sc_nr_from_id(table_arches[a], id), nr,
				     "%s: %s at %ld", sc_arch_name(table_arches[a]), sc_id_name(id), nr);
		}
		cr_assert_gt(rows, 300);
	}
}

Test(arch, names_and_audit)
{
	enum sc_arch a;

	cr_assert_eq(sc_arch_parse("x86_64", &a), 0);
	cr_assert_eq(a, SC_ARCH_X86_64);
	cr_assert_eq(sc_arch_parse("i386", &a), 0);
	cr_assert_eq(a, SC_ARCH_I386);
	cr_assert_eq(sc_arch_parse("arm64", &a), 0);
	cr_assert_eq(a, SC_ARCH_AARCH64);
	cr_assert_eq(sc_arch_parse("x32", &a), 0);
	cr_assert_eq(a, SC_ARCH_X32);
	cr_assert_eq(sc_arch_parse("unknown", &a), -EINVAL);
	cr_assert_eq(sc_arch_parse("mips", &a), -EINVAL);
	cr_assert_eq(sc_arch_parse(NULL, &a), -EINVAL);
	for (size_t i = 0; i < 3; i++)
		cr_assert_eq(sc_arch_from_audit(sc_arch_audit(table_arches[i])), table_arches[i]);
	cr_assert_eq(sc_arch_from_audit(0x12345678), SC_ARCH_UNKNOWN);
	cr_assert_str_eq(sc_arch_name((enum sc_arch)77), "unknown");
#ifdef __x86_64__
	cr_assert_eq(sc_arch_host(), SC_ARCH_X86_64);
#endif
}

Test(table_print, number_order_and_spelling)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	int n;
	long prev = -1;
	int lines = 0;
	bool saw_chown32 = false;

	cr_assert_not_null(f);
	n = sc_table_print(f, SC_ARCH_I386);
	fclose(f);
	cr_assert_gt(n, 400);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char name[64];
		long nr;

		cr_assert_eq(sscanf(line, "%ld %63s", &nr, name), 2, "%s", line);
		cr_assert_gt(nr, prev);
		prev = nr;
		lines++;
		if (nr == 212)
			saw_chown32 = !strcmp(name, "chown32");
	}
	cr_assert_eq(lines, n);
	cr_assert_eq(prev, 469);
	cr_assert(saw_chown32);
	free(text);
	cr_assert_eq(sc_table_print(stdout, SC_ARCH_X32), -EINVAL);
}

/* The running kernel against our native table: every number just above our
 * highest must be ENOSYS here, or the kernel has syscalls our table lacks
 * (they would reach the monitor as BEYOND_TABLE and be refused). Arguments
 * are all invalid, and the calls run in a child. */
Test(kernel, nothing_beyond_our_native_table)
{
	enum sc_arch host = sc_arch_host();
	long max = sc_nr_max(host);
	pid_t pid;
	int status;

	cr_assert_gt(max, 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		for (long nr = max + 1; nr <= max + 32; nr++) {
			errno = 0;
			if (syscall(nr, -1L, -1L, -1L, -1L, -1L, -1L) != -1 || errno != ENOSYS) {
				fprintf(stderr, "kernel implements syscall %ld (errno %d), above our %s table\n",
					nr, errno, sc_arch_name(host));
				_exit(1);
			}
		}
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "this kernel has syscalls above %ld: extend syscalls/%s.def", max, sc_arch_name(host));
}
