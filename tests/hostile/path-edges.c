/* Path-argument edges for every call the bind and fakeroot modules take
 * paths from, one result per line (errno names, never addresses) so a run
 * under umvisor can be compared with a native one: NULL, unmapped (low and
 * right after a mapped page), unterminated at a page end, terminated on the
 * last byte of a page, a 5000-byte component, a 4095-byte path (the longest
 * the kernel takes), a 4096-byte one (one too long), a 5000-byte one.
 * Usage: path-edges DIR (a directory with a file f that the caller owns);
 * DIR may be a path in the guest's view. Only calls that change nothing are
 * given valid paths. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef SYS_newfstatat
#define SYS_FSTATAT SYS_newfstatat
#else
#define SYS_FSTATAT SYS_fstatat64
#endif

struct kind {
	const char *name;
	const char *path;
	int valid;		/* a string the kernel reads to its NUL */
};

static char st[512];

static void show(const char *call, const char *kind, long rc)
{
	printf("%s %s: %s\n", call, kind, rc < 0 ? strerrorname_np(errno) : "ok");
}

/* A path of exactly LEN bytes naming DIR/f: DIR, then "/." until the
 * length is right, then "/f". */
static char *long_path(const char *dir, size_t len)
{
	size_t d = strlen(dir), pad;
	char *p = malloc(len + 1);

	if (!p || d + 2 > len)
		exit(99);
	memcpy(p, dir, d);
	pad = len - d - 2;
	if (pad % 2) {		/* "//" is one separator: an odd pad fits */
		p[d++] = '/';
		pad--;
	}
	for (size_t i = 0; i < pad; i += 2)
		memcpy(p + d + i, "/.", 2);
	memcpy(p + d + pad, "/f", 2);
	p[len] = '\0';
	return p;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	char *map, *unterminated, *at_end, *comp;
	struct kind kinds[9];
	size_t nk = 0;

	if (argc != 2 || chdir(argv[1]) < 0) {
		fprintf(stderr, "usage: path-edges DIR\n");
		return 99;
	}
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || munmap(map + page, page) < 0)
		return 99;
	/* "f" with its NUL on the page's last byte; then one byte later an
	 * "f" with no NUL before the hole. Both in the same page. */
	at_end = map + page - 2;
	memcpy(at_end, "f", 2);
	comp = malloc(5001);
	if (!comp)
		return 99;
	memset(comp, 'a', 5000);
	comp[5000] = '\0';
	kinds[nk++] = (struct kind){ "NULL", NULL, 0 };
	kinds[nk++] = (struct kind){ "low", (const char *)8, 0 };
	kinds[nk++] = (struct kind){ "unmapped", map + page, 0 };
	kinds[nk++] = (struct kind){ "page-end-terminated", at_end, 1 };
	kinds[nk++] = (struct kind){ "5000-byte-component", comp, 1 };
	kinds[nk++] = (struct kind){ "4095-byte-path", long_path(argv[1], PATH_MAX - 1), 1 };
	kinds[nk++] = (struct kind){ "4096-byte-path", long_path(argv[1], PATH_MAX), 1 };
	kinds[nk++] = (struct kind){ "5000-byte-path", long_path(argv[1], 5000), 1 };
	/* Last: it overwrites at_end's NUL, so "f" runs into the hole. */
	unterminated = map + page - 1;

	for (size_t i = 0; i <= nk; i++) {
		const char *p = i < nk ? kinds[i].path : unterminated;
		const char *k = i < nk ? kinds[i].name : "unterminated";
		int harmless = i < nk && kinds[i].valid;

		if (i == nk)
			*unterminated = 'f';
		show("fstatat", k, syscall(SYS_FSTATAT, AT_FDCWD, p, st, 0));
		show("fstatat-nofollow", k, syscall(SYS_FSTATAT, AT_FDCWD, p, st, AT_SYMLINK_NOFOLLOW));
		show("faccessat", k, syscall(SYS_faccessat, AT_FDCWD, p, R_OK));
		show("readlinkat", k, syscall(SYS_readlinkat, AT_FDCWD, p, st, sizeof(st)));
		show("statfs", k, syscall(SYS_statfs, p, st));
		{
			long fd = syscall(SYS_openat, AT_FDCWD, p, O_RDONLY | O_CLOEXEC);
			show("openat", k, fd);
			if (fd >= 0)
				close((int)fd);
		}
		/* No change: the owner's own ids and mode, times to now. */
		show("fchownat", k, syscall(SYS_fchownat, AT_FDCWD, p, -1, -1, 0));
		show("fchmodat", k, syscall(SYS_fchmodat, AT_FDCWD, p, 0644));
		show("utimensat", k, syscall(SYS_utimensat, AT_FDCWD, p, NULL, 0));
		/* f exists: these fail on a good path, the way natively does. */
		show("mknodat", k, syscall(SYS_mknodat, AT_FDCWD, p, S_IFREG | 0644, 0));
		show("mkdirat", k, syscall(SYS_mkdirat, AT_FDCWD, p, 0755));
		show("symlinkat-new", k, syscall(SYS_symlinkat, "target", AT_FDCWD, p));
		show("linkat-new", k, syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, p, 0));
		if (!harmless) {
			show("unlinkat", k, syscall(SYS_unlinkat, AT_FDCWD, p, 0));
			show("renameat-old", k, syscall(SYS_renameat, AT_FDCWD, p, AT_FDCWD, "g"));
			show("renameat-new", k, syscall(SYS_renameat, AT_FDCWD, "f", AT_FDCWD, p));
			show("chdir", k, syscall(SYS_chdir, p));
			show("truncate", k, syscall(SYS_truncate, p, 0));
			show("setxattr", k, syscall(SYS_setxattr, p, "user.x", "v", 1, 0));
		}
	}
	/* A NULL path with a real dirfd means the fd itself for utimensat,
	 * and EFAULT with AT_FDCWD. */
	{
		int dfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		show("utimensat", "NULL-with-dirfd", syscall(SYS_utimensat, dfd, NULL, NULL, 0));
		close(dfd);
	}
	for (size_t i = 0; i < nk; i++)
		if (kinds[i].valid && kinds[i].path != at_end)
			free((char *)kinds[i].path);
	return 0;
}
