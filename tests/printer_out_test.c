/* tests/printer_out_test.c: the output buffer, the two-phase protocol,
 * options (raw, -s, alignment), and hostile guest data. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/printer_fake.h"

TestSuite(printer_out, .init = fm_reset);
TestSuite(printer_phase, .init = fm_reset);
TestSuite(printer_hostile, .init = fm_reset);

Test(printer_out, fixed_buffer_cut_with_marker)
{
	char buf[16];
	struct sc_out out;

	sc_out_init_fixed(&out, buf, sizeof(buf));
	sc_out_puts(&out, "0123456789");
	cr_assert_str_eq(sc_out_str(&out), "0123456789");
	cr_assert(!out.cut);
	sc_out_puts(&out, "abcdefghij");
	cr_assert(out.cut);
	cr_assert_eq(strlen(buf), 15);
	cr_assert_str_eq(buf, "0123456" SC_OUT_CUT_MARKER);
	sc_out_puts(&out, "more");	/* dropped */
	cr_assert_str_eq(buf, "0123456" SC_OUT_CUT_MARKER);
}

Test(printer_out, tiny_fixed_buffers)
{
	char one[1] = { 'x' }, four[4];
	struct sc_out out;

	sc_out_init_fixed(&out, one, sizeof(one));
	sc_out_puts(&out, "abc");
	cr_assert_eq(one[0], '\0');
	sc_out_init_fixed(&out, four, sizeof(four));
	sc_out_printf(&out, "%d", 123456);
	cr_assert_eq(strlen(four), 3);
	cr_assert(out.cut);
	sc_out_init_fixed(&out, NULL, 0);
	sc_out_puts(&out, "abc");	/* nothing to write into: no crash */
	cr_assert_str_eq(sc_out_str(&out), "");
}

Test(printer_out, growable_buffer_and_cap)
{
	struct sc_out out;
	char big[5000];

	memset(big, 'a', sizeof(big));
	cr_assert_eq(sc_out_init(&out, 0), 0);
	sc_out_write(&out, big, sizeof(big));
	sc_out_printf(&out, "%s", "tail");
	cr_assert_eq(out.len, 5004);
	cr_assert(!out.cut);
	sc_out_fini(&out);

	cr_assert_eq(sc_out_init(&out, 100), 0);
	sc_out_write(&out, big, sizeof(big));
	cr_assert(out.cut);
	cr_assert_eq(out.len, 100);
	cr_assert_eq(strcmp(sc_out_str(&out) + 100 - strlen(SC_OUT_CUT_MARKER), SC_OUT_CUT_MARKER), 0);
	sc_out_clear(&out);
	cr_assert_str_eq(sc_out_str(&out), "");
	sc_out_fini(&out);
}

Test(printer_out, huge_string_limit_is_capped)
{
	/* a guest buffer of 1 MiB and -s 4 GiB: the printer reads at most
	 * SC_PRINT_STRING_LIMIT_MAX bytes */
	struct sc_print_opts o;
	struct sc_call call;
	struct sc_out out;
	struct sc_result res = { .rval = 1 << 20 };
	char *data = calloc(1, 1 << 20);

	cr_assert_not_null(data);
	fm_add(0x100000, data, 1 << 20);
	free(data);
	sc_print_opts_default(&o);
	o.string_limit = UINT32_MAX;
	cr_assert_eq(sc_decode(X64, nr_of(X64, SC_ID_write), A(1, 0x100000, 1 << 20), &fm_reader, &call), 0);
	cr_assert_eq(sc_out_init(&out, 0), 0);
	cr_assert_eq(sc_print_call(&out, &call, &fm_reader, &o, &res), 0);
	/* "\0" is 2 characters per byte */
	cr_assert_lt(out.len, 2 * SC_PRINT_STRING_LIMIT_MAX + 64);
	cr_assert(strstr(sc_out_str(&out), "\"..., 1048576) = 1048576"));
	sc_out_fini(&out);
}

/* strace 6.1 -f: "wait4(12661,  <unfinished ...>" then
 * "<... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 12661" */
Test(printer_phase, wait4_unfinished_resumed)
{
	struct sc_call call;
	struct sc_print_state st;
	struct sc_out a, b;
	struct sc_result res = { .rval = 12661 };
	uint32_t status = 3 << 8;

	cr_assert_eq(sc_decode(X64, nr_of(X64, SC_ID_wait4), A(12661, 0x7ffc0010, 0, 0), &fm_reader, &call), 0);
	cr_assert_eq(sc_out_init(&a, 0), 0);
	cr_assert_eq(sc_out_init(&b, 0), 0);
	cr_assert_eq(sc_print_enter(&a, &call, &fm_reader, NULL, &st), 0);
	sc_out_puts(&a, " <unfinished ...>");
	cr_expect_str_eq(sc_out_str(&a), "wait4(12661,  <unfinished ...>");
	fm_add(0x7ffc0010, &status, 4);	/* written by the kernel meanwhile */
	sc_print_resumed(&b, &call);
	cr_assert_eq(sc_print_exit(&b, &call, &fm_reader, NULL, &st, &res), 0);
	cr_expect_str_eq(sc_out_str(&b),
			 "<... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 12661");
	sc_out_fini(&a);
	sc_out_fini(&b);
}

/* strace 6.1 -f: "set_robust_list(0x7f77ca413a20, 24 <unfinished ...>" and
 * "<... set_robust_list resumed>) = 0" */
Test(printer_phase, inputs_only_unfinished_resumed)
{
	struct sc_call call;
	struct sc_print_state st;
	struct sc_out a, b;
	struct sc_result res = { .rval = 0 };

	cr_assert_eq(sc_decode(X64, nr_of(X64, SC_ID_set_robust_list), A(0x7f77ca413a20, 24), NULL, &call), 0);
	cr_assert_eq(sc_out_init(&a, 0), 0);
	cr_assert_eq(sc_out_init(&b, 0), 0);
	cr_assert_eq(sc_print_enter(&a, &call, NULL, NULL, &st), 0);
	sc_out_puts(&a, " <unfinished ...>");
	cr_expect_str_eq(sc_out_str(&a), "set_robust_list(0x7f77ca413a20, 24 <unfinished ...>");
	sc_print_resumed(&b, &call);
	cr_assert_eq(sc_print_exit(&b, &call, NULL, NULL, &st, &res), 0);
	cr_expect_str_eq(sc_out_str(&b), "<... set_robust_list resumed>) = 0");
	sc_out_fini(&a);
	sc_out_fini(&b);
}

Test(printer_phase, execve_memory_gone_at_exit)
{
	/* argv printed at entry survives the exec that replaces the memory */
	struct sc_call call;
	struct sc_print_state st;
	struct sc_out out;
	struct sc_result res = { .rval = 0 };
	uint64_t argv[2] = { 0x1100, 0 };

	fm_str(0x1000, "/bin/true");
	fm_str(0x1100, "true");
	fm_add(0x2000, argv, sizeof(argv));
	cr_assert_eq(sc_decode(X64, nr_of(X64, SC_ID_execve), A(0x1000, 0x2000, 0x2000), &fm_reader, &call), 0);
	cr_assert_eq(sc_out_init(&out, 0), 0);
	cr_assert_eq(sc_print_enter(&out, &call, &fm_reader, NULL, &st), 0);
	fm_reset();
	cr_assert_eq(sc_print_exit(&out, &call, &fm_reader, NULL, &st, &res), 0);
	cr_expect_str_eq(sc_out_str(&out), "execve(\"/bin/true\", [\"true\"], 0x2000 /* 1 var */) = 0");
	sc_out_fini(&out);
}

Test(printer_phase, exit_needs_enter)
{
	struct sc_call call;
	struct sc_print_state st = { 0 };
	struct sc_out out;
	struct sc_result res = { .rval = 0 };

	cr_assert_eq(sc_decode(X64, nr_of(X64, SC_ID_getpid), A(0), NULL, &call), 0);
	cr_assert_eq(sc_out_init(&out, 0), 0);
	cr_assert_eq(sc_print_exit(&out, &call, NULL, NULL, &st, &res), -EINVAL);
	cr_assert_eq(sc_print_enter(NULL, &call, NULL, NULL, &st), -EINVAL);
	sc_out_fini(&out);
}

/* strace 6.1 -e raw=all */
Test(printer_phase, raw_mode)
{
	struct sc_print_opts o;

	sc_print_opts_default(&o);
	o.raw = true;
	expect_line_opts(&o, X64, SC_ID_write, A(1, 0x555d5e89e014, 0x15), 0x15,
			 "write(0x1, 0x555d5e89e014, 0x15) = 0x15");
	expect_line_opts(&o, X64, SC_ID_write, A(-1, 0x555d5e89e028, 0x28), -EBADF,
			 "write(0xffffffff, 0x555d5e89e028, 0x28) = -1 EBADF (Bad file descriptor)");
}

/* strace 6.1's default alignment: " = " at column 40 */
Test(printer_phase, align_column)
{
	struct sc_print_opts o;

	sc_print_opts_default(&o);
	o.align = 40;
	fm_add(0x1000, "x", 1);
	expect_line_opts(&o, X64, SC_ID_write, A(4, 0x1000, 1), 1,
			 "write(4, \"x\", 1)                        = 1");
	fm_str(0x2000, "/etc/ld.so.cache");
	expect_line_opts(&o, X64, SC_ID_openat, A(-100, 0x2000, 02000000), 3,
			 "openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3");
}

Test(printer_phase, verbose_stat)
{
	/* synthetic: strace -v prints every field; we omit its date comments */
	struct sc_print_opts o;
	unsigned char b[144] = { 0 };
	uint64_t dev = 0x801, ino = 42, nlink = 1, size = 5, atime = 1700000000;
	uint32_t mode = 0100600;

	memcpy(b, &dev, 8);
	memcpy(b + 8, &ino, 8);
	memcpy(b + 16, &nlink, 8);
	memcpy(b + 24, &mode, 4);
	memcpy(b + 48, &size, 8);
	memcpy(b + 72, &atime, 8);
	fm_add(0x3000, b, sizeof(b));
	sc_print_opts_default(&o);
	o.verbose = true;
	expect_line_opts(&o, X64, SC_ID_fstat, A(3, 0x3000), 0,
			 "fstat(3, {st_dev=makedev(0x8, 0x1), st_ino=42, st_mode=S_IFREG|0600, st_nlink=1, st_uid=0, st_gid=0, st_blksize=0, st_blocks=0, st_size=5, st_atime=1700000000, st_atime_nsec=0, st_mtime=0, st_mtime_nsec=0, st_ctime=0, st_ctime_nsec=0}) = 0");
}

Test(printer_hostile, overlong_path_and_string)
{
	/* synthetic: no NUL within PATH_MAX -> the first 4096 bytes and "..." */
	char *p = malloc(5000);

	cr_assert_not_null(p);
	memset(p, 'a', 5000);
	fm_add(0x10000, p, 5000);
	free(p);
	struct sc_call call;
	struct sc_out out;
	struct sc_result res = { .rval = -ENAMETOOLONG };

	cr_assert_eq(sc_decode(X64, nr_of(X64, SC_ID_chdir), A(0x10000), &fm_reader, &call), 0);
	cr_assert_eq(sc_out_init(&out, 0), 0);
	cr_assert_eq(sc_print_call(&out, &call, &fm_reader, NULL, &res), 0);
	cr_assert_eq(out.len, strlen("chdir(\"\"...) = -1 ENAMETOOLONG (File name too long)") + 4096);
	cr_assert(strstr(sc_out_str(&out), "aaaa\"...) = -1 ENAMETOOLONG"));
	sc_out_fini(&out);
	/* a -s limited string (xattr name) longer than 32 */
	fm_str(0x20000, "/f");
	fm_str(0x30000, "user.0123456789012345678901234567890123456789");
	expect_line(X64, SC_ID_removexattr, A(0x20000, 0x30000), -ENODATA,
		    "removexattr(\"/f\", \"user.012345678901234567890123456\"...) = -1 ENODATA (No data available)");
}

Test(printer_hostile, string_running_into_unmapped_memory)
{
	/* synthetic: no NUL before the hole: the address, as strace prints */
	fm_add(0x1000, "abc", 3);
	expect_line(X64, SC_ID_chdir, A(0x1000), -EFAULT, "chdir(0x1000) = -1 EFAULT (Bad address)");
}

Test(printer_hostile, huge_iovec_count_and_bad_elements)
{
	/* synthetic: 2^40 iovecs, of which two are readable: the printer
	 * stops at the -s element limit and never trusts the count */
	uint64_t iov[4] = { 0x1000, 1, 0xdead0000, 1ull << 62 };

	fm_add(0x1000, "A", 1);
	fm_add(0x7ffd00001000, iov, sizeof(iov));
	expect_line(X64, SC_ID_writev, A(1, 0x7ffd00001000, 1ull << 40), -EINVAL,
		    "writev(1, [{iov_base=\"A\", iov_len=1}, {iov_base=0xdead0000, iov_len=4611686018427387904}, 0x7ffd00001020], 1099511627776) = -1 EINVAL (Invalid argument)");
	cr_assert_lt(fm_reads, 16);
}

Test(printer_hostile, argv_without_terminator)
{
	/* synthetic: 40 pointers then unmapped memory; -s 32 elements shown */
	uint64_t argv[40];

	for (int i = 0; i < 40; i++)
		argv[i] = 0x1000;
	fm_str(0x1000, "x");
	fm_str(0x900, "/bin/x");
	fm_add(0x2000, argv, sizeof(argv));
	struct sc_call call;
	struct sc_out out;
	struct sc_result res = { .rval = -E2BIG };

	cr_assert_eq(sc_decode(X64, nr_of(X64, SC_ID_execve), A(0x900, 0x2000, 0x2000 + 39 * 8), &fm_reader, &call), 0);
	cr_assert_eq(sc_out_init(&out, 0), 0);
	cr_assert_eq(sc_print_call(&out, &call, &fm_reader, NULL, &res), 0);
	cr_assert(strstr(sc_out_str(&out), "\"x\", ...], 0x2138) = -1 E2BIG"), "%s", sc_out_str(&out));
	sc_out_fini(&out);
}

Test(printer_hostile, i386_pointer_beyond_4g_and_no_reader)
{
	/* synthetic: 32-bit calls can only name 32-bit addresses; without a
	 * memory reader every pointer prints as an address */
	fm_str(0x1000, "/etc/passwd");
	struct sc_call call;
	struct sc_out out;
	struct sc_result res = { .rval = 3 };

	cr_assert_eq(sc_decode(X64, nr_of(X64, SC_ID_openat), A(-100, 0x1000, 0), NULL, &call), 0);
	cr_assert_eq(sc_out_init(&out, 0), 0);
	cr_assert_eq(sc_print_call(&out, &call, NULL, NULL, &res), 0);
	cr_expect_str_eq(sc_out_str(&out), "openat(AT_FDCWD, 0x1000, O_RDONLY) = 3");
	sc_out_fini(&out);
}

Test(printer_hostile, every_syscall_prints_with_garbage)
{
	/* every id of every arch, with garbage registers and a memory where
	 * everything reads as 0xff bytes up to a hole: no crash, no overrun,
	 * a closing parenthesis and a result */
	static unsigned char ff[65536];
	const uint32_t arches[] = { X64, I386, AA64 };

	memset(ff, 0xff, sizeof(ff));
	fm_add(0x10000, ff, sizeof(ff));
	for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++) {
		for (uint64_t nr = 0; nr < 520; nr++) {
			const uint64_t raw[6] = { 0x10000, 0x10010, 0xffffffffffffffffull, 0x10000 + 65535,
						  0x7fffffff, 3 };
			struct sc_call call;
			char buf[512];
			struct sc_out out;
			struct sc_result res = { .rval = (int64_t)(nr % 3) - 1 };

			cr_assert_eq(sc_decode(arches[a], nr, raw, &fm_reader, &call), 0);
			sc_out_init_fixed(&out, buf, sizeof(buf));
			cr_assert_eq(sc_print_call(&out, &call, &fm_reader, NULL, &res), 0);
			cr_assert_lt(strlen(buf), sizeof(buf));
			cr_assert(out.cut || strstr(buf, ") = "), "%s", buf);
		}
	}
}

/* synthetic: random registers and random guest memory, every number of
 * every arch, several rounds; no crash, no overrun, no sanitizer report,
 * and a line that ends in a result */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, so a failure can be replayed */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dull;
}

static uint64_t rnd_reg(void)
{
	switch (rnd() % 8) {
	case 0: return 0;
	case 1: return rnd() % 64;
	case 2: return 0x10000 + rnd() % 65536;		/* into the region */
	case 3: return 0x10000 + 65536 - 1 - rnd() % 16;	/* its last bytes */
	case 4: return (uint64_t)-1 - rnd() % 4096;		/* errno-like, -1 */
	case 5: return rnd() & 0xffffffff;
	case 6: return 0x20000 + rnd() % 4096;		/* just past it */
	default: return rnd();
	}
}

Test(printer_hostile, random_registers_and_memory)
{
	static unsigned char junk[65536];
	const uint32_t arches[] = { X64, I386, AA64 };
	struct sc_print_opts verbose;

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)rnd();
	fm_add(0x10000, junk, sizeof(junk));
	sc_print_opts_default(&verbose);
	verbose.verbose = true;
	verbose.string_limit = 300;
	for (int round = 0; round < 4; round++) {
		for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++) {
			for (uint64_t nr = 0; nr < 470; nr++) {
				uint64_t raw[6];
				struct sc_call call;
				struct sc_out out;
				struct sc_result res = { .rval = (int64_t)rnd_reg(), .unknown = rnd() % 16 == 0 };

				for (int k = 0; k < 6; k++)
					raw[k] = rnd_reg();
				cr_assert_eq(sc_decode(arches[a], nr, raw, &fm_reader, &call), 0);
				cr_assert_eq(sc_out_init(&out, 1 << 16), 0);
				cr_assert_eq(sc_print_call(&out, &call, &fm_reader, round % 2 ? &verbose : NULL, &res), 0);
				cr_assert(out.cut || strstr(sc_out_str(&out), ") = "), "%s", sc_out_str(&out));
				cr_assert_leq(out.len, 1 << 16);
				sc_out_fini(&out);
			}
		}
	}
}

/* synthetic: aarch64 has its own open flag bits and struct stat layout */
Test(printer_hostile, aarch64_layouts)
{
	unsigned char st[128] = { 0 };
	uint32_t mode = 040755;
	int64_t size = 4096;

	fm_str(0x1000, "/etc");
	expect_line(AA64, SC_ID_openat, A(-100, 0x1000, 040000 | 0100000 | 02000000), 3,
		    "openat(AT_FDCWD, \"/etc\", O_RDONLY|O_NOFOLLOW|O_CLOEXEC|O_DIRECTORY) = 3");
	memcpy(st + 16, &mode, 4);
	memcpy(st + 48, &size, 8);
	fm_add(0x3000, st, sizeof(st));
	expect_line(AA64, SC_ID_newfstatat, A(-100, 0x1000, 0x3000, 0), 0,
		    "newfstatat(AT_FDCWD, \"/etc\", {st_mode=S_IFDIR|0755, st_size=4096, ...}, 0) = 0");
	expect_line(AA64, SC_ID_mmap, A(0, 4096, 3, 0x22 | 0x40, -1, 0), 0x7f0000000000,
		    "mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|0x40, -1, 0) = 0x7f0000000000");
}

Test(printer_hostile, environment_counted_in_blocks)
{
	/* synthetic: 37 variables cost one read, not 38 */
	uint64_t envp[38] = { 0 }, argv[2] = { 0x1100, 0 };

	for (int i = 0; i < 37; i++)
		envp[i] = 0x1200;
	fm_str(0x1000, "/bin/true");
	fm_str(0x1100, "true");
	fm_add(0x2000, argv, sizeof(argv));
	fm_add(0x3000, envp, sizeof(envp));
	fm_reads = 0;
	expect_line(X64, SC_ID_execve, A(0x1000, 0x2000, 0x3000), 0,
		    "execve(\"/bin/true\", [\"true\"], 0x3000 /* 37 vars */) = 0");
	cr_expect_leq(fm_reads, 6, "%u reads", fm_reads);
}
