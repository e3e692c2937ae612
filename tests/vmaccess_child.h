/* Test helper shared by the vmaccess tests and benchmark: a child process
 * with a known memory layout, which reports its addresses through a pipe
 * and then waits to be read, written and killed. */
#ifndef UMV_TESTS_VMACCESS_CHILD_H
#define UMV_TESTS_VMACCESS_CHILD_H

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>

#include <criterion/criterion.h>

/* Yama's ptrace_scope: 0-1 let a parent trace its child (we always are the
 * parent), 2 needs CAP_SYS_PTRACE, 3 forbids attaching at all. */
static inline void vt_require_ptrace(void)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "r");
	int scope = 0;

	if (f) {
		if (fscanf(f, "%d", &scope) != 1)
			scope = 0;
		fclose(f);
	}
	if (scope >= 3)
		cr_skip_test("Yama ptrace_scope=3 forbids tracing our own child");
	if (scope == 2 && geteuid() != 0)
		cr_skip_test("Yama ptrace_scope=2 needs CAP_SYS_PTRACE to trace our child");
}

#define VT_PATTERN_PAGES 4
#define VT_BIG_LEN ((size_t)1 << 20)
#define VT_OVERLONG_LEN 8000
#define VT_STR_AT_HOLE "this string ends right before a hole"
#define VT_STR_CROSS "this string starts near the end of a page and crosses into the next"
#define VT_RESERVED_PAGES 18

struct vt_layout {
	uint64_t page_size;
	uint64_t pattern;	/* VT_PATTERN_PAGES pages, vt_pattern(offset) */
	uint64_t hole;		/* unmapped page right after the pattern */
	uint64_t protnone;	/* a PROT_NONE page (touched before protection) */
	uint64_t rodata;	/* a read-only page holding vt_pattern() */
	uint64_t big;		/* VT_BIG_LEN bytes of vt_pattern() */
	uint64_t str_at_hole;	/* VT_STR_AT_HOLE, its NUL the last mapped byte */
	uint64_t str_cross;	/* VT_STR_CROSS across a page boundary */
	uint64_t unterminated;	/* non-NUL bytes running into an unmapped page */
	uint64_t overlong;	/* VT_OVERLONG_LEN 'x' then NUL, over 3 pages */
	uint64_t scratch;	/* one read-write page of zeros for writes */
	uint64_t strings;	/* 2 read-write pages for benchmark strings */
};

enum vt_flags {
	VT_SEIZE = 1 << 0,	/* parent PTRACE_SEIZEs and interrupts the child */
	VT_TRACEME = 1 << 1,	/* child PTRACE_TRACEMEs and stops itself */
	VT_UNDUMPABLE = 1 << 2,	/* child does prctl(PR_SET_DUMPABLE, 0) */
	VT_DUMPABLE = 1 << 3,	/* child does prctl(PR_SET_DUMPABLE, 1) */
};

struct vt_child {
	pid_t pid;
	struct vt_layout lay;
};

static inline unsigned char vt_pattern(uint64_t offset)
{
	return (unsigned char)((offset % 251) ^ 0x5a);
}

static inline void vt_fill_pattern(unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = vt_pattern(i);
}

static inline bool vt_is_pattern(const unsigned char *p, uint64_t offset, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != vt_pattern(offset + i))
			return false;
	return true;
}

/* Runs in the child: builds the layout in one reservation so that the
 * holes are real unmapped pages. Exits 99 on any setup failure. */
static inline void vt_build_layout(struct vt_layout *lay)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *base = mmap(NULL, VT_RESERVED_PAGES * ps, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *big = mmap(NULL, VT_BIG_LEN, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED || big == MAP_FAILED)
		_exit(99);
	memset(base, 0, VT_RESERVED_PAGES * ps);
	vt_fill_pattern(big, VT_BIG_LEN);
	/* pages 0-3 pattern, 4 hole */
	vt_fill_pattern(base, VT_PATTERN_PAGES * ps);
	/* page 5: a string whose NUL is the page's last byte, 6 hole */
	unsigned char *p5 = base + 5 * ps;
	memset(p5, 'a', ps);
	size_t at_hole_len = sizeof(VT_STR_AT_HOLE);
	memcpy(p5 + ps - at_hole_len, VT_STR_AT_HOLE, at_hole_len);
	/* page 7: no NUL at all, 8 hole */
	memset(base + 7 * ps, 'u', ps);
	/* page 9 PROT_NONE, 10 read-only pattern */
	memset(base + 9 * ps, 'n', ps);
	vt_fill_pattern(base + 10 * ps, ps);
	/* pages 11-14: the crossing string and the overlong one */
	unsigned char *cross = base + 12 * ps - 20;
	memcpy(cross, VT_STR_CROSS, sizeof(VT_STR_CROSS));
	unsigned char *overlong = base + 12 * ps + 100;
	memset(overlong, 'x', VT_OVERLONG_LEN);
	overlong[VT_OVERLONG_LEN] = '\0';
	/* page 15 scratch, 16-17 strings */
	if (munmap(base + 4 * ps, ps) || munmap(base + 6 * ps, ps) ||
	    munmap(base + 8 * ps, ps) || mprotect(base + 9 * ps, ps, PROT_NONE) ||
	    mprotect(base + 10 * ps, ps, PROT_READ))
		_exit(99);
	*lay = (struct vt_layout){
		.page_size = ps,
		.pattern = (uintptr_t)base,
		.hole = (uintptr_t)(base + 4 * ps),
		.str_at_hole = (uintptr_t)(p5 + ps - at_hole_len),
		.unterminated = (uintptr_t)(base + 8 * ps - 100),
		.protnone = (uintptr_t)(base + 9 * ps),
		.rodata = (uintptr_t)(base + 10 * ps),
		.str_cross = (uintptr_t)cross,
		.overlong = (uintptr_t)overlong,
		.scratch = (uintptr_t)(base + 15 * ps),
		.strings = (uintptr_t)(base + 16 * ps),
		.big = (uintptr_t)big,
	};
}

/* Returns 0, or -1 with the child reaped. SETUP (if not NULL) runs in the
 * child, with ARG, after the layout is built and before it is reported. */
static inline int vt_spawn_with(struct vt_child *c, int flags,
				void (*setup)(void *), void *arg)
{
	int fds[2];
	if (pipe(fds) < 0)
		return -1;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		/* A failed assertion ends the test process early: do not linger. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
			_exit(99);
		close(fds[0]);
		struct vt_layout lay;
		vt_build_layout(&lay);
		if (setup)
			setup(arg);
		if ((flags & VT_TRACEME) && ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(99);
		if ((flags & VT_UNDUMPABLE) && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
			_exit(99);
		if ((flags & VT_DUMPABLE) && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
			_exit(99);
		if (write(fds[1], &lay, sizeof(lay)) != (ssize_t)sizeof(lay))
			_exit(99);
		close(fds[1]);
		if (flags & VT_TRACEME)
			raise(SIGSTOP);
		for (;;)
			pause();
	}
	close(fds[1]);
	c->pid = pid;
	ssize_t n = read(fds[0], &c->lay, sizeof(c->lay));
	close(fds[0]);
	int status;
	if (n != (ssize_t)sizeof(c->lay))
		goto fail;
	if (flags & VT_SEIZE) {
		if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0 ||
		    ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0)
			goto fail;
	}
	if (flags & (VT_SEIZE | VT_TRACEME)) {
		if (waitpid(pid, &status, __WALL) != pid || !WIFSTOPPED(status))
			goto fail;
	}
	return 0;
fail:
	kill(pid, SIGKILL);
	waitpid(pid, &status, __WALL);
	c->pid = 0;
	return -1;
}

static inline int vt_spawn(struct vt_child *c, int flags)
{
	return vt_spawn_with(c, flags, NULL, NULL);
}

static inline void vt_kill(struct vt_child *c)
{
	if (c->pid <= 0)
		return;
	int status;
	kill(c->pid, SIGKILL);
	while (waitpid(c->pid, &status, __WALL) < 0 && errno == EINTR)
		;
	c->pid = 0;
}

#endif
