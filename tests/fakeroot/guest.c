/* fakeroot test guest: raw identity and stat syscalls, printed one per
 * line; built for x86_64 and, when gcc -m32 works, for i386 (getuid32,
 * 16-bit getuid, chown32, stat64, fstatat64, statx). Usage: guest FILE
 * (FILE is chowned to 123:456 first). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef __i386__
#define SYS_fstatat_probe SYS_fstatat64
#else
#define SYS_fstatat_probe SYS_newfstatat
#endif

static int fail(const char *what)
{
	perror(what);
	return 1;
}

int main(int argc, char **argv)
{
	struct stat sb;
	struct statx sx;
	uid_t r, e, s;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: guest FILE\n");
		return 2;
	}
	printf("getuid %ld geteuid %ld getgid %ld\n", syscall(SYS_getuid), syscall(SYS_geteuid),
	       syscall(SYS_getgid));
#ifdef __i386__
	/* the 16-bit calls of the old ABI */
	printf("getuid16 %ld getgid16 %ld\n", syscall(24), syscall(47));
	printf("getuid32 %ld\n", syscall(SYS_getuid32));
	if (syscall(SYS_chown32, argv[1], 123, 456) != 0)
		return fail("chown32");
#else
	if (syscall(SYS_chown, argv[1], 123, 456) != 0)
		return fail("chown");
#endif
	{
		/* capget v3: every capability up to cap_last_cap, as root. */
		struct { uint32_t version; int pid; } hdr = { 0x20080522, 0 };
		uint32_t data[6] = { 0 };
		int last = -1;
		FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
		uint64_t want, eff, perm;

		if (!f || fscanf(f, "%d", &last) != 1 || last < 31 || last > 63)
			return fail("cap_last_cap");
		fclose(f);
		if (syscall(SYS_capget, &hdr, data) != 0)
			return fail("capget");
		want = last == 63 ? ~0ull : (1ull << (last + 1)) - 1;
		eff = data[0] | (uint64_t)data[3] << 32;
		perm = data[1] | (uint64_t)data[4] << 32;
		printf("capget %s\n", eff == want && perm == want ? "full" : "not full");
	}
	if (getresuid(&r, &e, &s) != 0)
		return fail("getresuid");
	printf("getresuid %u %u %u\n", r, e, s);
	if (syscall(SYS_setresuid, 5, 6, 7) != 0)
		return fail("setresuid");
	printf("after setresuid(5,6,7): getuid %ld geteuid %ld\n", syscall(SYS_getuid),
	       syscall(SYS_geteuid));
	if (syscall(SYS_setresuid, 0, 0, 0) != 0)
		printf("setresuid back to 0 refused (saved id was 7): ok\n");
	if (stat(argv[1], &sb) != 0)
		return fail("stat");
	printf("stat %u %u\n", (unsigned)sb.st_uid, (unsigned)sb.st_gid);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &sb) != 0)
		return fail("fstat");
	printf("fstat %u %u\n", (unsigned)sb.st_uid, (unsigned)sb.st_gid);
	if (fstatat(AT_FDCWD, argv[1], &sb, AT_SYMLINK_NOFOLLOW) != 0)
		return fail("fstatat");
	printf("fstatat %u %u\n", (unsigned)sb.st_uid, (unsigned)sb.st_gid);
	if (statx(AT_FDCWD, argv[1], 0, STATX_BASIC_STATS, &sx) != 0)
		return fail("statx");
	printf("statx %u %u\n", sx.stx_uid, sx.stx_gid);
	close(fd);
	{
		/* Errors stay the kernel's: closed fd, bad buffer, no file. */
		errno = 0;
		printf("fstat closed fd: %s\n", fstat(fd, &sb) < 0 && errno == EBADF ? "EBADF" : "wrong");
		errno = 0;
		printf("fstatat bad buffer: %s\n",
		       syscall(SYS_fstatat_probe, AT_FDCWD, argv[1], (void *)16, AT_SYMLINK_NOFOLLOW) < 0 &&
		       errno == EFAULT ? "EFAULT" : "wrong");
		errno = 0;
		printf("fstatat missing: %s\n",
		       fstatat(AT_FDCWD, "no-such-file-here", &sb, AT_SYMLINK_NOFOLLOW) < 0 &&
		       errno == ENOENT ? "ENOENT" : "wrong");
	}
	{
		/* The raw calls glibc may no longer use, with the kernel's own
		 * layouts: i386 struct stat64 (uid@24, gid@28) and struct stat
		 * (16-bit uid@12, gid@14); x86_64 struct stat (uid@28, gid@32). */
		unsigned char raw[160];
		uint32_t u, g;
		uint16_t u16, g16;

#ifdef __i386__
		if (syscall(SYS_stat64, argv[1], raw) != 0)
			return fail("stat64");
		memcpy(&u, raw + 24, 4);
		memcpy(&g, raw + 28, 4);
		printf("raw stat64 %u %u\n", u, g);
		if (syscall(SYS_fstatat64, AT_FDCWD, argv[1], raw, 0) != 0)
			return fail("fstatat64");
		memcpy(&u, raw + 24, 4);
		memcpy(&g, raw + 28, 4);
		printf("raw fstatat64 %u %u\n", u, g);
		if (syscall(SYS_stat, argv[1], raw) != 0)
			return fail("stat");
		memcpy(&u16, raw + 12, 2);
		memcpy(&g16, raw + 14, 2);
		printf("raw stat %u %u\n", u16, g16);
#else
		(void)u16;
		(void)g16;
		if (syscall(SYS_stat, argv[1], raw) != 0)
			return fail("stat");
		memcpy(&u, raw + 28, 4);
		memcpy(&g, raw + 32, 4);
		printf("raw stat %u %u\n", u, g);
		if (syscall(SYS_newfstatat, AT_FDCWD, argv[1], raw, 0) != 0)
			return fail("newfstatat");
		memcpy(&u, raw + 28, 4);
		memcpy(&g, raw + 32, 4);
		printf("raw newfstatat %u %u\n", u, g);
#endif
	}
	return 0;
}
