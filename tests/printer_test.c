/* tests/printer_test.c: golden-output tests of the strace-like printer.
 *
 * Unless a comment says "synthetic", each expected line is what strace 6.1
 * printed on the development machine (Debian 12, x86_64, Linux 6.18) for a
 * small test program making the same call with the same values; the guest
 * memory the printer reads is given by a fake memory reader: a table of
 * (address -> bytes), every other address fails with -EFAULT. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls/printer.h"
#include "tests/printer_fake.h"

TestSuite(printer_files, .init = fm_reset);
TestSuite(printer_stat, .init = fm_reset);
TestSuite(printer_process, .init = fm_reset);
TestSuite(printer_memory, .init = fm_reset);
TestSuite(printer_signal, .init = fm_reset);
TestSuite(printer_errors, .init = fm_reset);
TestSuite(printer_misc, .init = fm_reset);

/* ---- files: open, read, write, close ---- */

/* strace 6.1, x86_64: openat / open / read / write / close */
Test(printer_files, openat_rdonly_cloexec)
{
	fm_str(0x1000, "/etc/passwd");
	expect_line(X64, SC_ID_openat, A(-100, 0x1000, 02000000, 0), 3,
		    "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC) = 3");
}

Test(printer_files, openat_create_mode)
{
	fm_str(0x1000, "/tmp/ptest.f");
	expect_line(X64, SC_ID_openat, A(-100, 0x1000, 01101, 0644), 9,
		    "openat(AT_FDCWD, \"/tmp/ptest.f\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 9");
}

Test(printer_files, openat_every_flag)
{
	fm_str(0x1000, "/x");
	expect_line(X64, SC_ID_openat,
		    A(-100, 0x1000, 02|0100|0200|0400|01000|02000|04000|04010000|020000|040000|0400000|01000000|02000000|0200000, 0600),
		    -EINVAL,
		    "openat(AT_FDCWD, \"/x\", O_RDWR|O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK|O_SYNC|O_DIRECT|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_DIRECTORY|FASYNC, 0600) = -1 EINVAL (Invalid argument)");
}

Test(printer_files, openat_path_dsync_tmpfile_unknown)
{
	fm_str(0x1000, "/x");
	expect_line(X64, SC_ID_openat, A(-100, 0x1000, 010000|010000000|0200000, 0), -ENOENT,
		    "openat(AT_FDCWD, \"/x\", O_RDONLY|O_DSYNC|O_PATH|O_DIRECTORY) = -1 ENOENT (No such file or directory)");
	expect_line(X64, SC_ID_openat, A(-100, 0x1000, 02|020200000, 0), -ENOENT,
		    "openat(AT_FDCWD, \"/x\", O_RDWR|O_TMPFILE, 000) = -1 ENOENT (No such file or directory)");
	expect_line(X64, SC_ID_openat, A(-100, 0x1000, 3|0x40000000, 0), -ENOENT,
		    "openat(AT_FDCWD, \"/x\", O_ACCMODE|0x40000000) = -1 ENOENT (No such file or directory)");
}

/* strace 6.1, i386 (gcc -m32): O_LARGEFILE is a real bit there */
Test(printer_files, i386_openat_largefile)
{
	fm_str(0x1000, "/lib32/libc.so.6");
	expect_line(I386, SC_ID_openat, A(-100, 0x1000, 0100000|02000000, 0), 3,
		    "openat(AT_FDCWD, \"/lib32/libc.so.6\", O_RDONLY|O_LARGEFILE|O_CLOEXEC) = 3");
}

Test(printer_files, open_plain)
{
	/* synthetic: the open syscall prints like openat without the dirfd */
	fm_str(0x1000, "/etc/passwd");
	expect_line(X64, SC_ID_open, A(0x1000, 0, 0777), 3, "open(\"/etc/passwd\", O_RDONLY) = 3");
}

Test(printer_files, read_truncated_buffer)
{
	static const char data[] = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\n";

	fm_add(0x2000, data, 100);
	expect_line(X64, SC_ID_read, A(3, 0x2000, 100), 100,
		    "read(3, \"root:x:0:0:root:/root:/bin/bash\\n\"..., 100) = 100");
}

Test(printer_files, read_elf_header_octal_escapes)
{
	static const unsigned char elf[64] = {
		0x7f, 'E', 'L', 'F', 2, 1, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0,
		3, 0, '>', 0, 1, 0, 0, 0, 0x10, 't', 2, 0, 0, 0, 0, 0,
	};

	fm_add(0x2000, elf, sizeof(elf));
	expect_line(X64, SC_ID_read, A(3, 0x2000, 832), 64,
		    "read(3, \"\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0\\0\\0\"..., 832) = 64");
}

Test(printer_files, write_escapes)
{
	static const char data[21] = "hello\tworld\n\"x\\\001\0012\377\0000";

	fm_add(0x2000, data, 21);
	expect_line(X64, SC_ID_write, A(1, 0x2000, 21), 21,
		    "write(1, \"hello\\tworld\\n\\\"x\\\\\\1\\0012\\377\\0000\", 21) = 21");
}

Test(printer_files, write_octal_digit_rule)
{
	/* \1 before '8' stays short; \1 before '7' needs three digits */
	fm_add(0x2000, "\001" "8\001" "7", 5);
	expect_line(I386, SC_ID_write, A(-1, 0x2000, 5), -EBADF,
		    "write(-1, \"\\18\\0017\\0\", 5) = -1 EBADF (Bad file descriptor)");
	fm_add(0x3000, "\x1b[0m\xff\xfe", 6);
	expect_line(I386, SC_ID_write, A(-1, 0x3000, 6), -EBADF,
		    "write(-1, \"\\33[0m\\377\\376\", 6) = -1 EBADF (Bad file descriptor)");
}

Test(printer_files, write_binary)
{
	static const char bin[8] = { 0, 1, 2, 'a', 0x7f, (char)0x80, '9', '\r' };

	fm_add(0x2000, bin, 8);
	expect_line(X64, SC_ID_write, A(-1, 0x2000, 8), -EBADF,
		    "write(-1, \"\\0\\1\\2a\\177\\2009\\r\", 8) = -1 EBADF (Bad file descriptor)");
}

Test(printer_files, write_overlong)
{
	fm_add(0x2000, "0123456789012345678901234567890123456789", 40);
	expect_line(X64, SC_ID_write, A(-1, 0x2000, 40), -EBADF,
		    "write(-1, \"01234567890123456789012345678901\"..., 40) = -1 EBADF (Bad file descriptor)");
}

Test(printer_files, string_limit_option)
{
	/* strace -s 5 */
	struct sc_print_opts o;

	sc_print_opts_default(&o);
	o.string_limit = 5;
	fm_add(0x2000, "root:x:0:0:root", 15);
	expect_line_opts(&o, X64, SC_ID_read, A(3, 0x2000, 100), 100,
			 "read(3, \"root:\"..., 100) = 100");
	fm_add(0x3000, "\0\1\2a\177\2009\r", 8);
	expect_line_opts(&o, X64, SC_ID_write, A(-1, 0x3000, 8), -EBADF,
			 "write(-1, \"\\0\\1\\2a\\177\"..., 8) = -1 EBADF (Bad file descriptor)");
}

Test(printer_files, empty_and_null_buffers)
{
	fm_add(0x2000, "", 0);
	expect_line(X64, SC_ID_write, A(1, 0x2000, 0), 0, "write(1, \"\", 0) = 0");
	expect_line(X64, SC_ID_read, A(3, 0x2000, 0), 0, "read(3, \"\", 0) = 0");
	expect_line(X64, SC_ID_read, A(-1, 0, 0), -EBADF, "read(-1, NULL, 0) = -1 EBADF (Bad file descriptor)");
}

Test(printer_files, close)
{
	expect_line(X64, SC_ID_close, A(3), 0, "close(3) = 0");
	expect_line(X64, SC_ID_close, A(-1), -EBADF, "close(-1) = -1 EBADF (Bad file descriptor)");
}

/* ---- stat family ---- */

static void put_stat_x86_64(uint64_t addr, uint32_t mode, int64_t size, uint64_t rdev)
{
	unsigned char b[144] = { 0 };

	memcpy(b + 24, &mode, 4);
	memcpy(b + 40, &rdev, 8);
	memcpy(b + 48, &size, 8);
	fm_add(addr, b, sizeof(b));
}

/* strace 6.1, x86_64 (glibc's stat/fstat/lstat are newfstatat) */
Test(printer_stat, newfstatat)
{
	fm_str(0x1000, "/etc/passwd");
	put_stat_x86_64(0x3000, 0100644, 1221, 0);
	expect_line(X64, SC_ID_newfstatat, A(-100, 0x1000, 0x3000, 0), 0,
		    "newfstatat(AT_FDCWD, \"/etc/passwd\", {st_mode=S_IFREG|0644, st_size=1221, ...}, 0) = 0");
	fm_str(0x1100, "");
	put_stat_x86_64(0x4000, 0100755, 1926232, 0);
	expect_line(X64, SC_ID_newfstatat, A(3, 0x1100, 0x4000, 0x1000), 0,
		    "newfstatat(3, \"\", {st_mode=S_IFREG|0755, st_size=1926232, ...}, AT_EMPTY_PATH) = 0");
}

Test(printer_stat, newfstatat_error_and_flags)
{
	fm_str(0x1000, "/nonexist");
	expect_line(X64, SC_ID_newfstatat, A(-100, 0x1000, 0x7ffd4ab6c030, 0x100), -ENOENT,
		    "newfstatat(AT_FDCWD, \"/nonexist\", 0x7ffd4ab6c030, AT_SYMLINK_NOFOLLOW) = -1 ENOENT (No such file or directory)");
	fm_str(0x1100, "/x");
	expect_line(X64, SC_ID_newfstatat, A(-100, 0x1100, 0, 0x100|0x800|0x1000|0x10000), -EINVAL,
		    "newfstatat(AT_FDCWD, \"/x\", NULL, AT_SYMLINK_NOFOLLOW|AT_NO_AUTOMOUNT|AT_EMPTY_PATH|0x10000) = -1 EINVAL (Invalid argument)");
}

Test(printer_stat, fstat_and_stat_syscalls)
{
	/* synthetic: the fstat and stat syscalls print their struct like newfstatat */
	put_stat_x86_64(0x3000, 0100644, 1221, 0);
	expect_line(X64, SC_ID_fstat, A(3, 0x3000), 0,
		    "fstat(3, {st_mode=S_IFREG|0644, st_size=1221, ...}) = 0");
	fm_str(0x1000, "/etc/passwd");
	expect_line(X64, SC_ID_stat, A(0x1000, 0x3000), 0,
		    "stat(\"/etc/passwd\", {st_mode=S_IFREG|0644, st_size=1221, ...}) = 0");
}

static void put_statx(uint64_t addr, uint32_t mask, uint16_t mode, uint64_t size)
{
	unsigned char b[256] = { 0 };

	memcpy(b, &mask, 4);
	memcpy(b + 28, &mode, 2);
	memcpy(b + 40, &size, 8);
	fm_add(addr, b, sizeof(b));
}

Test(printer_stat, statx)
{
	fm_str(0x1000, "/etc/passwd");
	put_statx(0x3000, 0x17ff, 0100644, 1221);
	expect_line(X64, SC_ID_statx, A(-100, 0x1000, 0, 0x7ff, 0x3000), 0,
		    "statx(AT_FDCWD, \"/etc/passwd\", AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS, {stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=1221, ...}) = 0");
	fm_str(0x1100, "");
	put_statx(0x4000, 0x1fff, 0100644, 1221);
	expect_line(X64, SC_ID_statx, A(3, 0x1100, 0x1000, 0xfff, 0x4000), 0,
		    "statx(3, \"\", AT_STATX_SYNC_AS_STAT|AT_EMPTY_PATH, STATX_ALL, {stx_mask=STATX_ALL|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=1221, ...}) = 0");
}

/* strace 6.1, i386 (gcc -m32, syscall(SYS_stat64...)) */
static void put_stat64_i386(uint64_t addr, uint32_t mode, int64_t size, uint64_t rdev)
{
	unsigned char b[96] = { 0 };

	memcpy(b + 16, &mode, 4);
	memcpy(b + 32, &rdev, 8);
	memcpy(b + 44, &size, 8);
	fm_add(addr, b, sizeof(b));
}

Test(printer_stat, i386_stat64)
{
	fm_str(0x1000, "/etc/passwd");
	put_stat64_i386(0x3000, 0100644, 1221, 0);
	expect_line(I386, SC_ID_stat64, A(0x1000, 0x3000), 0,
		    "stat64(\"/etc/passwd\", {st_mode=S_IFREG|0644, st_size=1221, ...}) = 0");
	put_stat64_i386(0x4000, 020666, 0, 0x103);
	expect_line(I386, SC_ID_fstat64, A(0, 0x4000), 0,
		    "fstat64(0, {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}) = 0");
	fm_str(0x1100, "/nonexist");
	expect_line(I386, SC_ID_lstat64, A(0x1100, 0xffdd3bc4), -ENOENT,
		    "lstat64(\"/nonexist\", 0xffdd3bc4) = -1 ENOENT (No such file or directory)");
	fm_str(0x1200, "/etc");
	put_stat64_i386(0x5000, 040755, 4096, 0);
	expect_line(I386, SC_ID_fstatat64, A(-100, 0x1200, 0x5000, 0), 0,
		    "fstatat64(AT_FDCWD, \"/etc\", {st_mode=S_IFDIR|0755, st_size=4096, ...}, 0) = 0");
}

Test(printer_stat, i386_stat64_short_read)
{
	/* synthetic: the struct ends past readable memory: the address */
	unsigned char half[40] = { 0 };

	fm_str(0x1000, "/etc/passwd");
	fm_add(0x3000, half, sizeof(half));
	expect_line(I386, SC_ID_stat64, A(0x1000, 0x3000), 0,
		    "stat64(\"/etc/passwd\", 0x3000) = 0");
}

/* ---- processes ---- */

Test(printer_process, execve)
{
	uint64_t argv[4] = { 0x1100, 0x1200, 0x1300, 0 };
	uint64_t envp[4] = { 0x1400, 0x1400, 0x1400, 0 };

	fm_str(0x1000, "/nonexistent");
	fm_str(0x1100, "/bin/true");
	fm_str(0x1200, "-l");
	fm_str(0x1300, "a\nb");
	fm_str(0x1400, "A=1");
	fm_add(0x7ffd4ab6c200, argv, sizeof(argv));
	fm_add(0x7ffd4ab6c2e8, envp, sizeof(envp));
	expect_line(X64, SC_ID_execve, A(0x1000, 0x7ffd4ab6c200, 0x7ffd4ab6c2e8), -ENOENT,
		    "execve(\"/nonexistent\", [\"/bin/true\", \"-l\", \"a\\nb\"], 0x7ffd4ab6c2e8 /* 3 vars */) = -1 ENOENT (No such file or directory)");
}

Test(printer_process, execve_i386_pointers)
{
	/* synthetic: 32-bit argv words */
	uint32_t argv[3] = { 0x1100, 0x1200, 0 };
	uint32_t envp[2] = { 0x1100, 0 };

	fm_str(0x1000, "/bin/ls");
	fm_str(0x1100, "ls");
	fm_str(0x1200, "-l");
	fm_add(0xffd00000, argv, sizeof(argv));
	fm_add(0xffd00100, envp, sizeof(envp));
	expect_line(I386, SC_ID_execve, A(0x1000, 0xffd00000, 0xffd00100), 0,
		    "execve(\"/bin/ls\", [\"ls\", \"-l\"], 0xffd00100 /* 1 var */) = 0");
}

Test(printer_process, clone_fork_like)
{
	expect_line(X64, SC_ID_clone, A(0x1200000 | 17, 0, 0, 0x7f77ca413a10, 0), 12661,
		    "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f77ca413a10) = 12661");
	expect_line(X64, SC_ID_clone, A(0x4100 | 17, 0, 0x10, 0x20, 0x30), 10526,
		    "clone(child_stack=NULL, flags=CLONE_VM|CLONE_VFORK|SIGCHLD) = 10526");
}

Test(printer_process, clone_every_flag)
{
	expect_line(X64, SC_ID_clone, A(0x7fffff00 | 17, 0, 0, 0, 0), -EINVAL,
		    "clone(child_stack=NULL, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_PIDFD|CLONE_PTRACE|CLONE_VFORK|CLONE_PARENT|CLONE_THREAD|CLONE_NEWNS|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID|CLONE_UNTRACED|CLONE_CHILD_SETTID|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET|0x400000|SIGCHLD, parent_tid=NULL, tls=NULL, child_tidptr=NULL) = -1 EINVAL (Invalid argument)");
}

Test(printer_process, wait4_status)
{
	uint32_t exited = 3 << 8, killed = 9;

	fm_add(0x7ffc00000010, &exited, 4);
	expect_line(X64, SC_ID_wait4, A(12661, 0x7ffc00000010, 0, 0), 12661,
		    "wait4(12661, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 12661");
	fm_add(0x7ffc00000020, &killed, 4);
	expect_line(X64, SC_ID_wait4, A(12662, 0x7ffc00000020, 0, 0), 12662,
		    "wait4(12662, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL) = 12662");
}

Test(printer_process, wait4_options_error)
{
	expect_line(X64, SC_ID_wait4, A(-1, 0, 1|2|8|0x80000000u|0x40000000|0x20000000, 0), -ECHILD,
		    "wait4(-1, NULL, WNOHANG|WSTOPPED|WCONTINUED|__WCLONE|__WALL|__WNOTHREAD, NULL) = -1 ECHILD (No child processes)");
}

Test(printer_process, exit_group_no_result)
{
	struct sc_result none = { .unknown = true };

	expect_line_res(NULL, X64, SC_ID_exit_group, A(0), &none, "exit_group(0) = ?");
	expect_line_res(NULL, X64, SC_ID_exit_group, A(0x12345678), &none, "exit_group(305419896) = ?");
}

Test(printer_process, umask_octal_result)
{
	expect_line(X64, SC_ID_umask, A(022), 022, "umask(022) = 022");
}

/* ---- memory ---- */

Test(printer_memory, mmap)
{
	expect_line(X64, SC_ID_mmap, A(0, 8192, 3, 0x22, -1, 0), 0x7f77ca604000,
		    "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f77ca604000");
	expect_line(X64, SC_ID_mmap, A(0x7f77ca43c000, 1400832, 5, 0x812, 3, 0x26000), 0x7f77ca43c000,
		    "mmap(0x7f77ca43c000, 1400832, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x26000) = 0x7f77ca43c000");
	expect_line(X64, SC_ID_mmap, A(0x1000, 4096, 0, 0x11, -1, 0), -EBADF,
		    "mmap(0x1000, 4096, PROT_NONE, MAP_SHARED|MAP_FIXED, -1, 0) = -1 EBADF (Bad file descriptor)");
}

Test(printer_memory, mmap_unknown_bits)
{
	expect_line(X64, SC_ID_mmap, A(0, 4096, 0x80, 0x3 | 0x8000000, -1, 0), -EBADF,
		    "mmap(NULL, 4096, 0x80 /* PROT_??? */, MAP_SHARED_VALIDATE|2<<MAP_HUGE_SHIFT, -1, 0) = -1 EBADF (Bad file descriptor)");
	expect_line(X64, SC_ID_mmap, A(0, 4096, 0x1|0x2|0x4|0x8|0x01000000,
					0x3|0x10|0x20|0x40|0x100|0x800|0x1000|0x2000|0x4000|0x8000|0x10000|0x20000|0x40000|0x80000|0x100000, -1, 0),
		    -EOPNOTSUPP,
		    "mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM|PROT_GROWSDOWN, MAP_SHARED_VALIDATE|MAP_FIXED|MAP_ANONYMOUS|MAP_32BIT|MAP_NORESERVE|MAP_POPULATE|MAP_NONBLOCK|MAP_GROWSDOWN|MAP_DENYWRITE|MAP_EXECUTABLE|MAP_LOCKED|MAP_STACK|MAP_HUGETLB|MAP_SYNC|MAP_FIXED_NOREPLACE, -1, 0) = -1 EOPNOTSUPP (Operation not supported)");
}

Test(printer_memory, i386_mmap2_and_brk)
{
	expect_line(I386, SC_ID_mmap2, A(0, 4096, 3, 0x22, -1, 0), 0xf7eef000,
		    "mmap2(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0xf7eef000");
	expect_line(X64, SC_ID_brk, A(0), 0x55ec47349000, "brk(NULL) = 0x55ec47349000");
	expect_line(X64, SC_ID_munmap, A(0x7f77ca5f8000, 45431), 0, "munmap(0x7f77ca5f8000, 45431) = 0");
	expect_line(X64, SC_ID_mprotect, A(0x7f77ca5e5000, 16384, 1), 0,
		    "mprotect(0x7f77ca5e5000, 16384, PROT_READ) = 0");
}

/* ---- signals ---- */

Test(printer_signal, rt_sigaction_x86_64)
{
	uint64_t act[4] = { 1, 0x14000000, 0x7f77ca452050, 1u << 1 };

	fm_add(0x7ffd00001000, act, sizeof(act));
	expect_line(X64, SC_ID_rt_sigaction, A(15, 0x7ffd00001000, 0, 8), 0,
		    "rt_sigaction(SIGTERM, {sa_handler=SIG_IGN, sa_mask=[INT], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f77ca452050}, NULL, 8) = 0");
}

Test(printer_signal, rt_sigaction_i386)
{
	uint32_t act[5] = { 0x565e233d, 0x10000000, 0, 0, 0 };

	fm_add(0xffd01000, act, sizeof(act));
	expect_line(I386, SC_ID_rt_sigaction, A(14, 0xffd01000, 0, 8), 0,
		    "rt_sigaction(SIGALRM, {sa_handler=0x565e233d, sa_mask=[], sa_flags=SA_RESTART}, NULL, 8) = 0");
}

Test(printer_signal, kill)
{
	expect_line(X64, SC_ID_kill, A(12660, 0), 0, "kill(12660, 0) = 0");
	expect_line(X64, SC_ID_kill, A(-5, 70), -ESRCH, "kill(-5, 70) = -1 ESRCH (No such process)");
	expect_line(X64, SC_ID_kill, A(99999999, 36), -ESRCH, "kill(99999999, SIGRT_4) = -1 ESRCH (No such process)");
	expect_line(X64, SC_ID_kill, A(99999999, 32), -ESRCH, "kill(99999999, SIGRTMIN) = -1 ESRCH (No such process)");
}

Test(printer_signal, rt_sigprocmask_sets)
{
	uint64_t usr1_chld = (1u << 9) | (1u << 16);
	uint64_t most = ~(uint64_t)0 & ~(1ull << 8) & ~(1ull << 31) & ~(1ull << 32);

	fm_add(0x5000, &usr1_chld, 8);
	fm_add(0x6000, &most, 8);
	expect_line(X64, SC_ID_rt_sigprocmask, A(0, 0x5000, 0, 8), 0,
		    "rt_sigprocmask(SIG_BLOCK, [USR1 CHLD], NULL, 8) = 0");
	expect_line(X64, SC_ID_rt_sigprocmask, A(2, 0x6000, 0x5000, 8), 0,
		    "rt_sigprocmask(SIG_SETMASK, ~[KILL RTMIN RT_1], [USR1 CHLD], 8) = 0");
}

/* ---- errors ---- */

Test(printer_errors, restart_codes)
{
	expect_line(I386, SC_ID_read, A(4, 0xffed19b6, 10), -512,
		    "read(4, 0xffed19b6, 10) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)");
	/* synthetic: the other three as strace prints them */
	expect_line(X64, SC_ID_pause, A(0), -514, "pause() = ? ERESTARTNOHAND (To be restarted if no handler)");
	expect_line(X64, SC_ID_nanosleep, A(0, 0), -516,
		    "nanosleep(NULL, NULL) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)");
	expect_line(X64, SC_ID_wait4, A(-1, 0, 0, 0), -513,
		    "wait4(-1, NULL, 0, NULL) = ? ERESTARTNOINTR (To be restarted)");
}

Test(printer_errors, every_errno_has_a_name)
{
	for (int e = 1; e <= 133; e++) {
		if (e == 41 || e == 58)		/* unassigned on Linux */
			continue;
		cr_assert_not_null(sc_errno_name(e), "errno %d", e);
		cr_assert_not_null(sc_errno_message(e), "errno %d", e);
	}
	cr_assert_str_eq(sc_errno_name(EAGAIN), "EAGAIN");
	cr_assert_str_eq(sc_errno_name(524), "ENOTSUPP");
	cr_assert_null(sc_errno_name(600));
	/* synthetic: an internal code without a text, and one nobody knows */
	expect_line(X64, SC_ID_close, A(3), -524, "close(3) = -1 ENOTSUPP (Unknown error 524)");
	expect_line(X64, SC_ID_close, A(3), -600, "close(3) = -1 errno 600 (Unknown error 600)");
}

Test(printer_errors, unreadable_and_null_pointers)
{
	expect_line(X64, SC_ID_openat, A(-100, 0x1, 0, 0), -EFAULT,
		    "openat(AT_FDCWD, 0x1, O_RDONLY) = -1 EFAULT (Bad address)");
	expect_line(X64, SC_ID_access, A(0, 0), -EFAULT, "access(NULL, F_OK) = -1 EFAULT (Bad address)");
}

Test(printer_errors, unknown_syscall)
{
	expect_line_nr(X64, 500, A(1, 2, 3, 0, 0x7ffd4ab6bdfc, 0), -ENOSYS,
		       "syscall_0x1f4(0x1, 0x2, 0x3, 0, 0x7ffd4ab6bdfc, 0) = -1 ENOSYS (Function not implemented)");
}

/* ---- the rest of the common file calls ---- */

Test(printer_misc, mkdir_chmod_access)
{
	fm_str(0x1000, "/tmp/ptest.d");
	expect_line(X64, SC_ID_mkdir, A(0x1000, 0755), 0, "mkdir(\"/tmp/ptest.d\", 0755) = 0");
	fm_str(0x1100, "/x");
	expect_line(X64, SC_ID_mkdirat, A(-5, 0x1100, 01777), 0, "mkdirat(-5, \"/x\", 01777) = 0");
	expect_line(X64, SC_ID_mkdirat, A(5, 0x1100, 0), -EEXIST, "mkdirat(5, \"/x\", 000) = -1 EEXIST (File exists)");
	expect_line(X64, SC_ID_fchmodat, A(-100, 0x1100, 06777), 0, "fchmodat(AT_FDCWD, \"/x\", 06777) = 0");
	expect_line(X64, SC_ID_faccessat, A(-100, 0x1100, 4|2|1|8), -EINVAL,
		    "faccessat(AT_FDCWD, \"/x\", R_OK|W_OK|X_OK|0x8) = -1 EINVAL (Invalid argument)");
	expect_line(X64, SC_ID_unlinkat, A(-100, 0x1100, 0x200), 0, "unlinkat(AT_FDCWD, \"/x\", AT_REMOVEDIR) = 0");
	fm_str(0x1200, "/etc/ld.so.preload");
	expect_line(X64, SC_ID_access, A(0x1200, 4), -ENOENT,
		    "access(\"/etc/ld.so.preload\", R_OK) = -1 ENOENT (No such file or directory)");
}

Test(printer_misc, fcntl)
{
	expect_line(X64, SC_ID_fcntl, A(6, 3, 0), 0x800, "fcntl(6, F_GETFL) = 0x800 (flags O_RDONLY|O_NONBLOCK)");
	expect_line(X64, SC_ID_fcntl, A(6, 2, 1), 0, "fcntl(6, F_SETFD, FD_CLOEXEC) = 0");
	expect_line(X64, SC_ID_fcntl, A(6, 1030, 10), 11, "fcntl(6, F_DUPFD_CLOEXEC, 10) = 11");
	expect_line(X64, SC_ID_fcntl, A(0, 4, 04000|02000), 0, "fcntl(0, F_SETFL, O_RDONLY|O_APPEND|O_NONBLOCK) = 0");
	expect_line(X64, SC_ID_fcntl, A(0, 1, 0), 0, "fcntl(0, F_GETFD) = 0");
	expect_line(X64, SC_ID_fcntl, A(0, 6, 0), -EFAULT, "fcntl(0, F_SETLK, NULL) = -1 EFAULT (Bad address)");
	expect_line(X64, SC_ID_fcntl, A(0, 1234, 5), -EINVAL,
		    "fcntl(0, 0x4d2 /* F_??? */, 0x5) = -1 EINVAL (Invalid argument)");
	expect_line(X64, SC_ID_fcntl, A(0, 0, 3), 5, "fcntl(0, F_DUPFD, 3) = 5");
	expect_line(X64, SC_ID_fcntl, A(0, 1032, 0), -EBADF, "fcntl(0, F_GETPIPE_SZ) = -1 EBADF (Bad file descriptor)");
	expect_line(X64, SC_ID_fcntl, A(0, 1033, 1), -EPERM,
		    "fcntl(0, F_ADD_SEALS, F_SEAL_SEAL) = -1 EPERM (Operation not permitted)");
}

Test(printer_misc, ioctl_raw_argument)
{
	expect_line(X64, SC_ID_ioctl, A(1, 0x5401, 0x7ffd4ab6c0d0), -ENOTTY,
		    "ioctl(1, TCGETS, 0x7ffd4ab6c0d0) = -1 ENOTTY (Inappropriate ioctl for device)");
	/* synthetic: an unnamed request stays hex */
	expect_line(X64, SC_ID_ioctl, A(3, 0xc0186201, 0x7ffd4ab6c0d0), 0,
		    "ioctl(3, 0xc0186201, 0x7ffd4ab6c0d0) = 0");
}

Test(printer_misc, dup_and_pipe)
{
	int32_t fds[2] = { 6, 7 };

	expect_line(X64, SC_ID_dup2, A(6, 20), 20, "dup2(6, 20) = 20");
	expect_line(X64, SC_ID_dup3, A(0, 50, 02000000), 50, "dup3(0, 50, O_CLOEXEC) = 50");
	fm_add(0x7ffd00002000, fds, sizeof(fds));
	expect_line(X64, SC_ID_pipe2, A(0x7ffd00002000, 04000|02000000), 0,
		    "pipe2([6, 7], O_NONBLOCK|O_CLOEXEC) = 0");
	fm_add(0xffd02000, fds, sizeof(fds));
	expect_line(I386, SC_ID_pipe2, A(0xffd02000, 0), 0, "pipe2([6, 7], 0) = 0");
}

Test(printer_misc, lseek)
{
	expect_line(X64, SC_ID_lseek, A(8, 0, 2), INT64_MAX, "lseek(8, 0, SEEK_END) = 9223372036854775807");
	expect_line(X64, SC_ID_lseek, A(0, 0, 7), -EINVAL,
		    "lseek(0, 0, 0x7 /* SEEK_??? */) = -1 EINVAL (Invalid argument)");
}

Test(printer_misc, getdents64_count)
{
	/* three records: d_reclen is the u16 at offset 16 */
	unsigned char b[72] = { 0 };

	b[16] = 24, b[24 + 16] = 24, b[48 + 16] = 24;
	fm_add(0x7ffd4ab69ce0, b, sizeof(b));
	expect_line(X64, SC_ID_getdents64, A(8, 0x7ffd4ab69ce0, 8192), 72,
		    "getdents64(8, 0x7ffd4ab69ce0 /* 3 entries */, 8192) = 72");
	expect_line(X64, SC_ID_getdents64, A(8, 0x7ffd4ab69ce0, 8192), 0,
		    "getdents64(8, 0x7ffd4ab69ce0 /* 0 entries */, 8192) = 0");
}

Test(printer_misc, poll_getcwd_readlink_sleep)
{
	/* struct pollfd: fd, then events (low 16 bits) and revents (high) */
	int32_t pf[4] = { 0, 1 | 1 << 16, 3, 1 | 4 };

	fm_add(0x7ffd00003000, pf, sizeof(pf));
	expect_line(X64, SC_ID_poll, A(0x7ffd00003000, 2, 0), 1,
		    "poll([{fd=0, events=POLLIN}, {fd=3, events=POLLIN|POLLOUT}], 2, 0) = 1 ([{fd=0, revents=POLLIN}])");
	fm_str(0x7ffd00004000, "/tmp/ptest");
	expect_line(X64, SC_ID_getcwd, A(0x7ffd00004000, 64), 11, "getcwd(\"/tmp/ptest\", 64) = 11");
	fm_str(0x1000, "/proc/self/exe");
	fm_add(0x7ffd00005000, "/tmp/", 5);
	expect_line(X64, SC_ID_readlink, A(0x1000, 0x7ffd00005000, 5), 5,
		    "readlink(\"/proc/self/exe\", \"/tmp/\", 5) = 5");
	int64_t ts[2] = { 1, 500 };

	fm_add(0x7ffd00006000, ts, sizeof(ts));
	expect_line(X64, SC_ID_clock_nanosleep, A(0, 0, 0x7ffd00006000, 0), 0,
		    "clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=1, tv_nsec=500}, NULL) = 0");
}

Test(printer_misc, prlimit64)
{
	uint64_t rl[2] = { 8192 * 1024, UINT64_MAX };

	fm_add(0x7ffd00007000, rl, sizeof(rl));
	expect_line(X64, SC_ID_prlimit64, A(0, 3, 0, 0x7ffd00007000), 0,
		    "prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0");
}

/* ---- descriptors with flags, sockets options, misc (strace 6.1, x86_64) ---- */

TestSuite(printer_more, .init = fm_reset);

Test(printer_more, fd_creating_flags)
{
	expect_line(X64, SC_ID_epoll_create1, A(02000000), 3, "epoll_create1(EPOLL_CLOEXEC) = 3");
	expect_line(X64, SC_ID_eventfd2, A(0, 02000000 | 04000), 4, "eventfd2(0, EFD_CLOEXEC|EFD_NONBLOCK) = 4");
	expect_line(X64, SC_ID_eventfd2, A(0, 1 | 02000000 | 04000), 5,
		    "eventfd2(0, EFD_SEMAPHORE|EFD_CLOEXEC|EFD_NONBLOCK) = 5");
	expect_line(X64, SC_ID_inotify_init1, A(02000000 | 04000), 6, "inotify_init1(IN_NONBLOCK|IN_CLOEXEC) = 6");
	expect_line(X64, SC_ID_timerfd_create, A(1, 02000000 | 04000), 7,
		    "timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC|TFD_NONBLOCK) = 7");
	uint64_t set = 1u << 1;

	fm_add(0x7ffd00001000, &set, 8);
	expect_line(X64, SC_ID_signalfd4, A(-1, 0x7ffd00001000, 8, 02000000 | 04000), 8,
		    "signalfd4(-1, [INT], 8, SFD_CLOEXEC|SFD_NONBLOCK) = 8");
	fm_str(0x1000, "umv");
	expect_line(X64, SC_ID_memfd_create, A(0x1000, 3), 9, "memfd_create(\"umv\", MFD_CLOEXEC|MFD_ALLOW_SEALING) = 9");
}

Test(printer_more, getrandom_hex)
{
	fm_add(0x7ffd00002000, "\x4d\xfb\x15\x62\x4c\x7d\xfb\x5f", 8);
	expect_line(X64, SC_ID_getrandom, A(0x7ffd00002000, 8, 1), 8,
		    "getrandom(\"\\x4d\\xfb\\x15\\x62\\x4c\\x7d\\xfb\\x5f\", 8, GRND_NONBLOCK) = 8");
}

Test(printer_more, mremap_msync)
{
	expect_line(X64, SC_ID_mremap, A(0x7fcb203ec000, 8192, 16384, 1, 0), 0x7fcb203e8000,
		    "mremap(0x7fcb203ec000, 8192, 16384, MREMAP_MAYMOVE) = 0x7fcb203e8000");
	expect_line(X64, SC_ID_msync, A(0x7fcb203ec000, 4096, 4 | 2), -ENOMEM,
		    "msync(0x7fcb203ec000, 4096, MS_SYNC|MS_INVALIDATE) = -1 ENOMEM (Cannot allocate memory)");
}

Test(printer_more, sockopts_shutdown_flock)
{
	int32_t one = 1;

	fm_add(0x7ffd00003000, &one, 4);
	expect_line(X64, SC_ID_setsockopt, A(11, 1, 2, 0x7ffd00003000, 4), 0,
		    "setsockopt(11, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0");
	expect_line(X64, SC_ID_setsockopt, A(11, 6, 1, 0x7ffd00003000, 4), 0,
		    "setsockopt(11, SOL_TCP, TCP_NODELAY, [1], 4) = 0");
	expect_line(X64, SC_ID_shutdown, A(11, 2), -ENOTCONN,
		    "shutdown(11, SHUT_RDWR) = -1 ENOTCONN (Transport endpoint is not connected)");
	expect_line(X64, SC_ID_flock, A(0, 2 | 4), 0, "flock(0, LOCK_EX|LOCK_NB) = 0");
}

Test(printer_more, renameat2_epoll_ctl_uname)
{
	fm_str(0x1000, "/nx");
	fm_str(0x1100, "/ny");
	expect_line(X64, SC_ID_renameat2, A(-100, 0x1000, -100, 0x1100, 1), -ENOENT,
		    "renameat2(AT_FDCWD, \"/nx\", AT_FDCWD, \"/ny\", RENAME_NOREPLACE) = -1 ENOENT (No such file or directory)");
	unsigned char ev[12] = { 1, 0, 0, 0, 3 };

	fm_add(0x7ffd00004000, ev, sizeof(ev));
	expect_line(X64, SC_ID_epoll_ctl, A(3, 1, 0, 0x7ffd00004000), -EPERM,
		    "epoll_ctl(3, EPOLL_CTL_ADD, 0, {events=EPOLLIN, data={u32=3, u64=3}}) = -1 EPERM (Operation not permitted)");
	char u[6 * 65] = { 0 };

	strcpy(u, "Linux");
	strcpy(u + 65, "vm");
	fm_add(0x7ffd00005000, u, sizeof(u));
	expect_line(X64, SC_ID_uname, A(0x7ffd00005000), 0, "uname({sysname=\"Linux\", nodename=\"vm\", ...}) = 0");
}

Test(printer_more, accept4_chown_setuid_close_range)
{
	expect_line(X64, SC_ID_accept4, A(11, 0, 0, 02000000), -EINVAL,
		    "accept4(11, NULL, NULL, SOCK_CLOEXEC) = -1 EINVAL (Invalid argument)");
	fm_str(0x1000, "/nx");
	expect_line(X64, SC_ID_chown, A(0x1000, 0xffffffff, 0xffffffff), -ENOENT,
		    "chown(\"/nx\", -1, -1) = -1 ENOENT (No such file or directory)");
	expect_line(X64, SC_ID_setuid, A(0xffffffff), -EINVAL, "setuid(-1) = -1 EINVAL (Invalid argument)");
	expect_line(X64, SC_ID_close_range, A(3, 0xffffffff, 0), 0, "close_range(3, 4294967295, 0) = 0");
}

/* strace 6.1 on x86_64 for the dynamic loader's start-up calls */
Test(printer_more, loader_startup)
{
	expect_line(X64, SC_ID_arch_prctl, A(0x1002, 0x7f77ca413740), 0, "arch_prctl(ARCH_SET_FS, 0x7f77ca413740) = 0");
	expect_line(X64, SC_ID_set_tid_address, A(0x7f77ca413a10), 12660, "set_tid_address(0x7f77ca413a10) = 12660");
	expect_line(X64, SC_ID_set_robust_list, A(0x7f77ca413a20, 24), 0, "set_robust_list(0x7f77ca413a20, 24) = 0");
	expect_line(X64, SC_ID_rseq, A(0x7f77ca414060, 0x20, 0, 0x53053053), 0,
		    "rseq(0x7f77ca414060, 0x20, 0, 0x53053053) = 0");
	expect_line(X64, SC_ID_getpid, A(0), 12660, "getpid() = 12660");
	fm_str(0x1000, "/etc/ld.so.cache");
	expect_line(X64, SC_ID_openat, A(-100, 0x1000, 02000000), 3,
		    "openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3");
}

/* strace 6.1, i386: _llseek folds the two offset words into one */
Test(printer_more, i386_llseek)
{
	int64_t off = 1;

	fm_add(0xffd05000, &off, 8);
	expect_line(I386, SC_ID_llseek, A(12, 0, 1, 0xffd05000, 0), 0, "_llseek(12, 1, [1], SEEK_SET) = 0");
	expect_line(I386, SC_ID_llseek, A(0, 2, 4, 0, 3), -EFAULT,
		    "_llseek(0, 8589934596, NULL, SEEK_DATA) = -1 EFAULT (Bad address)");
}

/* strace 6.1, x86_64 and i386 (tests/printer_guest) */
Test(printer_more, statfs_proc)
{
	uint64_t sf[15] = { 0x9fa0, 4096, 0, 0, 0, 0, 0, 0x15, 255, 4096, 0x1020 };

	fm_str(0x1000, "/proc");
	fm_add(0x7ffd00006000, sf, sizeof(sf));
	expect_line(X64, SC_ID_statfs, A(0x1000, 0x7ffd00006000), 0,
		    "statfs(\"/proc\", {f_type=PROC_SUPER_MAGIC, f_bsize=4096, f_blocks=0, f_bfree=0, f_bavail=0, f_files=0, f_ffree=0, f_fsid={val=[0x15, 0]}, f_namelen=255, f_frsize=4096, f_flags=ST_VALID|ST_RELATIME}) = 0");
	/* i386 struct statfs64: 32-bit type and bsize, 64-bit counts */
	unsigned char b[84] = { 0 };
	uint32_t w;

	w = 0x9fa0, memcpy(b, &w, 4);
	w = 4096, memcpy(b + 4, &w, 4);
	w = 0x15, memcpy(b + 48, &w, 4);
	w = 255, memcpy(b + 56, &w, 4);
	w = 4096, memcpy(b + 60, &w, 4);
	w = 0x1020, memcpy(b + 64, &w, 4);
	fm_add(0xffd06000, b, sizeof(b));
	expect_line(I386, SC_ID_statfs64, A(0x1000, 84, 0xffd06000), 0,
		    "statfs64(\"/proc\", 84, {f_type=PROC_SUPER_MAGIC, f_bsize=4096, f_blocks=0, f_bfree=0, f_bavail=0, f_files=0, f_ffree=0, f_fsid={val=[0x15, 0]}, f_namelen=255, f_frsize=4096, f_flags=ST_VALID|ST_RELATIME}) = 0");
}

Test(printer_more, prctl_getgroups_mknod_modes)
{
	fm_str(0x1000, "umv-guest");
	expect_line(X64, SC_ID_prctl, A(15, 0x1000), 0, "prctl(PR_SET_NAME, \"umv-guest\") = 0");
	expect_line(X64, SC_ID_prctl, A(16, 0x1000), 0, "prctl(PR_GET_NAME, \"umv-guest\") = 0");
	expect_line(X64, SC_ID_prctl, A(1, 15), 0, "prctl(PR_SET_PDEATHSIG, SIGTERM) = 0");
	expect_line(X64, SC_ID_prctl, A(3), 1, "prctl(PR_GET_DUMPABLE) = 1 (SUID_DUMP_USER)");
	expect_line(X64, SC_ID_getgroups, A(0, 0), 0, "getgroups(0, NULL) = 0");
	/* synthetic: two groups */
	uint32_t g[2] = { 0, 27 };

	fm_add(0x7ffd00007000, g, sizeof(g));
	expect_line(X64, SC_ID_getgroups, A(64, 0x7ffd00007000), 2, "getgroups(64, [0, 27]) = 2");
	fm_str(0x1100, "/nonexistent/fifo");
	expect_line(X64, SC_ID_mknodat, A(-100, 0x1100, 010644, 0), -ENOENT,
		    "mknodat(AT_FDCWD, \"/nonexistent/fifo\", S_IFIFO|0644) = -1 ENOENT (No such file or directory)");
	/* synthetic: a character device shows its number */
	expect_line(X64, SC_ID_mknod, A(0x1100, 020600, 0x103), 0,
		    "mknod(\"/nonexistent/fifo\", S_IFCHR|0600, makedev(0x1, 0x3)) = 0");
	fm_str(0x1200, "/nonexistent");
	expect_line(X64, SC_ID_chmod, A(0x1200, 04755), -ENOENT,
		    "chmod(\"/nonexistent\", 04755) = -1 ENOENT (No such file or directory)");
	put_stat_x86_64(0x3000, 041777, 12288, 0);
	fm_str(0x1300, "/tmp");
	expect_line(X64, SC_ID_newfstatat, A(-100, 0x1300, 0x3000, 0), 0,
		    "newfstatat(AT_FDCWD, \"/tmp\", {st_mode=S_IFDIR|S_ISVTX|0777, st_size=12288, ...}, 0) = 0");
}

/* strace 6.1, x86_64 (tests/printer_guest and a test program) */
Test(printer_more, select_and_pselect6)
{
	uint64_t rset = 1u << 3, wset = 1u << 4, tv[2] = { 1, 0 }, left[2] = { 0, 999996 };

	fm_add(0x7ffd00001000, &rset, 8);
	fm_add(0x7ffd00001100, &wset, 8);
	fm_add(0x7ffd00001200, tv, sizeof(tv));
	{
		struct sc_call call;
		struct sc_print_state st;
		struct sc_out out;
		struct sc_result res = { .rval = 2 };

		cr_assert_eq(sc_decode(X64, nr_of(X64, SC_ID_select),
				       A(5, 0x7ffd00001000, 0x7ffd00001100, 0, 0x7ffd00001200), &fm_reader, &call), 0);
		cr_assert_eq(sc_out_init(&out, 0), 0);
		cr_assert_eq(sc_print_enter(&out, &call, &fm_reader, NULL, &st), 0);
		fm_add(0x7ffd00001200, left, sizeof(left));	/* the kernel updates the timeout */
		cr_assert_eq(sc_print_exit(&out, &call, &fm_reader, NULL, &st, &res), 0);
		cr_expect_str_eq(sc_out_str(&out),
				 "select(5, [3], [4], NULL, {tv_sec=1, tv_usec=0}) = 2 (in [3], out [4], left {tv_sec=0, tv_usec=999996})");
		sc_out_fini(&out);
	}
	uint64_t empty = 0, zero[2] = { 0, 0 };

	fm_add(0x7ffd00002000, &empty, 8);
	fm_add(0x7ffd00002100, zero, sizeof(zero));
	expect_line(X64, SC_ID_select, A(1, 0, 0, 0x7ffd00002000, 0x7ffd00002100), 0,
		    "select(1, NULL, NULL, [], {tv_sec=0, tv_usec=0}) = 0 (Timeout)");
	uint64_t sigint = 1u << 1, sm[2] = { 0x7ffd00003000, 8 }, ts[2] = { 0, 5 };

	fm_add(0x7ffd00003000, &sigint, 8);
	fm_add(0x7ffd00003100, sm, sizeof(sm));
	fm_add(0x7ffd00003200, ts, sizeof(ts));
	fm_add(0x7ffd00003300, &rset, 8);
	expect_line(X64, SC_ID_pselect6, A(4, 0x7ffd00003300, 0, 0, 0x7ffd00003200, 0x7ffd00003100), 1,
		    "pselect6(4, [3], NULL, NULL, {tv_sec=0, tv_nsec=5}, {sigmask=[INT], sigsetsize=8}) = 1 (in [3], left {tv_sec=0, tv_nsec=5})");
}

Test(printer_more, sigaltstack_cpuset_timers_fionread)
{
	uint64_t ss[3] = { 0x55555555a1e0, 0, 65536 };

	fm_add(0x7ffd00001000, ss, sizeof(ss));
	expect_line(X64, SC_ID_sigaltstack, A(0x7ffd00001000, 0), 0,
		    "sigaltstack({ss_sp=0x55555555a1e0, ss_flags=0, ss_size=65536}, NULL) = 0");
	expect_line(X64, SC_ID_sigaltstack, A(0, 0x7ffd00001000), 0,
		    "sigaltstack(NULL, {ss_sp=0x55555555a1e0, ss_flags=0, ss_size=65536}) = 0");
	uint64_t cpus = 3;

	fm_add(0x7ffd00002000, &cpus, 8);
	expect_line(X64, SC_ID_sched_getaffinity, A(0, 128, 0x7ffd00002000), 8,
		    "sched_getaffinity(0, 128, [0 1]) = 8");
	int32_t ev[8] = { 0, 0, 14, 1 };	/* sigev_value (8 bytes), signo, notify=SIGEV_NONE */
	int32_t tid = 0;

	fm_add(0x7ffd00003000, ev, sizeof(ev));
	fm_add(0x7ffd00003100, &tid, 4);
	expect_line(X64, SC_ID_timer_create, A(1, 0x7ffd00003000, 0x7ffd00003100), 0,
		    "timer_create(CLOCK_MONOTONIC, {sigev_signo=14, sigev_notify=SIGEV_NONE}, [0]) = 0");
	ev[3] = 0;	/* SIGEV_SIGNAL: the signal is named */
	fm_add(0x7ffd00003000, ev, sizeof(ev));
	expect_line(X64, SC_ID_timer_create, A(0, 0x7ffd00003000, 0x7ffd00003100), 0,
		    "timer_create(CLOCK_REALTIME, {sigev_signo=SIGALRM, sigev_notify=SIGEV_SIGNAL}, [0]) = 0");
	int64_t its[4] = { 0, 0, 1, 0 };

	fm_add(0x7ffd00004000, its, sizeof(its));
	expect_line(X64, SC_ID_timer_settime, A(0, 0, 0x7ffd00004000, 0), 0,
		    "timer_settime(0, 0, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=1, tv_nsec=0}}, NULL) = 0");
	int32_t n = 27;

	fm_add(0x7ffd00005000, &n, 4);
	expect_line(X64, SC_ID_ioctl, A(3, 0x541b, 0x7ffd00005000), 0, "ioctl(3, FIONREAD, [27]) = 0");
	expect_line(X64, SC_ID_getpriority, A(0, 0), 20, "getpriority(PRIO_PROCESS, 0) = 20");
	/* a sleep that was not interrupted: the remainder stays an address */
	int64_t ts[2] = { 0, 1 };

	fm_add(0x7ffd00006000, ts, sizeof(ts));
	expect_line(X64, SC_ID_nanosleep, A(0x7ffd00006000, 0x7ffd00006100), 0,
		    "nanosleep({tv_sec=0, tv_nsec=1}, 0x7ffd00006100) = 0");
	fm_add(0x7ffd00006100, ts, sizeof(ts));
	expect_line(X64, SC_ID_nanosleep, A(0x7ffd00006000, 0x7ffd00006100), -EINTR,
		    "nanosleep({tv_sec=0, tv_nsec=1}, {tv_sec=0, tv_nsec=1}) = -1 EINTR (Interrupted system call)");
}

/* strace 6.1, x86_64: pthread_create and join */
Test(printer_more, clone3_and_futex_ops)
{
	uint64_t ca[11] = { 0x3d0f00, 0, 0x7f738d23d990, 0x7f738d23d990, 0, 0x7f738ca3d000, 0x7fff80,
			    0x7f738d23d6c0 };
	int32_t tid = 6036;

	fm_add(0x7ffd00001000, ca, sizeof(ca));
	fm_add(0x7f738d23d990, &tid, 4);
	expect_line(X64, SC_ID_clone3, A(0x7ffd00001000, 88), 6036,
		    "clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f738d23d990, parent_tid=0x7f738d23d990, exit_signal=0, stack=0x7f738ca3d000, stack_size=0x7fff80, tls=0x7f738d23d6c0} => {parent_tid=[6036]}, 88) = 6036");
	expect_line(X64, SC_ID_futex, A(0x7f738d23d990, 9 | 256, 13541, 0, 0, 0xffffffff), 0,
		    "futex(0x7f738d23d990, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 13541, NULL, FUTEX_BITSET_MATCH_ANY) = 0");
	expect_line(X64, SC_ID_futex, A(0x555555559154, 1 | 128, 1, 0x1234, 0x5678, 9), 0,
		    "futex(0x555555559154, FUTEX_WAKE_PRIVATE, 1) = 0");
	expect_line(X64, SC_ID_futex, A(0x555555559154, 0 | 128, 1, 0, 0, 0), -EAGAIN,
		    "futex(0x555555559154, FUTEX_WAIT_PRIVATE, 1, NULL) = -1 EAGAIN (Resource temporarily unavailable)");
}

/* strace 6.1, x86_64: a pty's default termios and a raw one */
Test(printer_more, termios)
{
	uint32_t t[9] = { 0400 | 02000, 01 | 04, 017 | 060 | 0200, 01 | 02 | 010 | 020 | 040 | 0100000 | 01000 | 04000 };

	fm_add(0x7ffd00001000, t, sizeof(t));
	expect_line(X64, SC_ID_ioctl, A(4, 0x5401, 0x7ffd00001000), 0,
		    "ioctl(4, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}) = 0");
	uint32_t raw[9] = { 0, 0400 | 014000 | 04, 010002 | 060 | 0200, 0 };

	fm_add(0x7ffd00002000, raw, sizeof(raw));
	expect_line(X64, SC_ID_ioctl, A(4, 0x5402, 0x7ffd00002000), 0,
		    "ioctl(4, SNDCTL_TMR_START or TCSETS, {c_iflag=, c_oflag=NL1|CR0|XTABS|BS0|VT0|FF0|ONLCR, c_cflag=B115200|CS8|CREAD, c_lflag=, ...}) = 0");
	uint16_t ws[4] = { 24, 80, 0, 0 };

	fm_add(0x7ffd00003000, ws, sizeof(ws));
	expect_line(X64, SC_ID_ioctl, A(4, 0x5413, 0x7ffd00003000), 0,
		    "ioctl(4, TIOCGWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}) = 0");
	expect_line(X64, SC_ID_ioctl, A(3, 0x5441, 0x102), 4, "ioctl(3, TIOCGPTPEER, 0x102) = 4");
}

/* strace 6.1, x86_64 and i386: System V IPC (the i386 ones through ipc()) */
Test(printer_more, sysv_ipc)
{
	expect_line(X64, SC_ID_shmget, A(0, 4096, 01000 | 0600), 0, "shmget(IPC_PRIVATE, 4096, IPC_CREAT|0600) = 0");
	expect_line(X64, SC_ID_shmat, A(0, 0, 010000), 0x7f541b132000, "shmat(0, NULL, SHM_RDONLY) = 0x7f541b132000");
	expect_line(X64, SC_ID_shmdt, A(0x7f541b132000), 0, "shmdt(0x7f541b132000) = 0");
	expect_line(X64, SC_ID_shmctl, A(0, 0, 0), 0, "shmctl(0, IPC_RMID, NULL) = 0");
	expect_line(X64, SC_ID_semget, A(0, 1, 01000 | 02000 | 0600), 0,
		    "semget(IPC_PRIVATE, 1, IPC_CREAT|IPC_EXCL|0600) = 0");
	uint16_t sb[3] = { 0, 1, 04000 };

	fm_add(0x7ffd00001000, sb, sizeof(sb));
	expect_line(X64, SC_ID_semtimedop, A(0, 0x7ffd00001000, 1, 0), 0,
		    "semtimedop(0, [{sem_num=0, sem_op=1, sem_flg=IPC_NOWAIT}], 1, NULL) = 0");
	expect_line(X64, SC_ID_semctl, A(0, 0, 0, 0), 0, "semctl(0, 0, IPC_RMID, NULL) = 0");
	expect_line(X64, SC_ID_msgget, A(0x1234, 01000 | 0644), 0, "msgget(0x1234, IPC_CREAT|0644) = 0");
	struct { int64_t type; char text[4]; } m = { 1, "abc" };

	fm_add(0x7ffd00002000, &m, sizeof(m));
	expect_line(X64, SC_ID_msgsnd, A(0, 0x7ffd00002000, 4, 0), 0, "msgsnd(0, {mtype=1, mtext=\"abc\\0\"}, 4, 0) = 0");
	expect_line(X64, SC_ID_msgrcv, A(0, 0x7ffd00002000, 4, 0, 04000), 4,
		    "msgrcv(0, {mtype=1, mtext=\"abc\\0\"}, 4, 0, IPC_NOWAIT) = 4");
	expect_line(I386, SC_ID_msgctl, A(1, 0x100, 0), 0, "msgctl(1, IPC_64|IPC_RMID, NULL) = 0");
	/* ipc(SHMAT, id, flags, &result, addr): the address comes back
	 * through the third argument */
	uint32_t at = 0xf7fbe000, semun = 0;

	fm_add(0xffd01000, &at, 4);
	expect_line_nr(I386, 117, A(21, 1, 010000, 0xffd01000, 0), 0, "shmat(1, NULL, SHM_RDONLY) = 0xf7fbe000");
	fm_add(0xffd02000, &semun, 4);
	expect_line_nr(I386, 117, A(3, 1, 0, 0x100, 0xffd02000), 0, "semctl(1, 0, IPC_64|IPC_RMID, [NULL]) = 0");
}

/* strace 6.1, i386: glibc's TLS set-up */
Test(printer_more, i386_set_thread_area)
{
	uint32_t ud[4] = { 0xffffffff, 0xf7fc0580, 0xfffff, 1 | 1 << 4 | 1 << 6 };
	struct sc_call call;
	struct sc_print_state st;
	struct sc_out out;
	struct sc_result res = { .rval = 0 };

	fm_add(0xffffd510, ud, sizeof(ud));
	cr_assert_eq(sc_decode(I386, nr_of(I386, SC_ID_set_thread_area), A(0xffffd510), &fm_reader, &call), 0);
	cr_assert_eq(sc_out_init(&out, 0), 0);
	cr_assert_eq(sc_print_enter(&out, &call, &fm_reader, NULL, &st), 0);
	ud[0] = 12;	/* the kernel picked an entry */
	fm_add(0xffffd510, ud, sizeof(ud));
	cr_assert_eq(sc_print_exit(&out, &call, &fm_reader, NULL, &st, &res), 0);
	cr_expect_str_eq(sc_out_str(&out),
			 "set_thread_area({entry_number=-1, base_addr=0xf7fc0580, limit=0x0fffff, seg_32bit=1, contents=0, read_exec_only=0, limit_in_pages=1, seg_not_present=0, useable=1}) = 0 (entry_number=12)");
	sc_out_fini(&out);
}

/* strace 6.1, x86_64: ip link show lo */
Test(printer_more, netlink_socket_options)
{
	int32_t one = 1;

	fm_add(0x7ffd00001000, &one, 4);
	expect_line(X64, SC_ID_setsockopt, A(3, 270, 11, 0x7ffd00001000, 4), 0,
		    "setsockopt(3, SOL_NETLINK, NETLINK_EXT_ACK, [1], 4) = 0");
	expect_line(X64, SC_ID_setsockopt, A(3, 270, 12, 0x7ffd00001000, 4), 0,
		    "setsockopt(3, SOL_NETLINK, NETLINK_GET_STRICT_CHK, [1], 4) = 0");
}
