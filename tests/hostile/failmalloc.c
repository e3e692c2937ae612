/* tests/hostile/failmalloc.c: an LD_PRELOAD shim that makes the monitor's
 * allocations fail, for tests/hostile/oom.sh.
 *
 *   UMV_FAILMALLOC_AFTER=N   the first N allocations succeed, every later
 *                            one fails with ENOMEM
 *   UMV_FAILMALLOC_ONCE=1    only allocation N+1 fails
 *   UMV_FAILMALLOC_REPORT=1  print the number of allocations at exit
 *
 * The constructor removes LD_PRELOAD and these variables from the
 * environment, so the guest the monitor starts runs without the shim. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void *__libc_memalign(size_t align, size_t size);

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void *reallocarray(void *p, size_t n, size_t size);
int posix_memalign(void **out, size_t align, size_t size);
void *aligned_alloc(size_t align, size_t size);

static long fail_after = -1;	/* -1: never fail */
static bool fail_once;
static bool report;
static unsigned long count;

static bool should_fail(void)
{
	unsigned long n = __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);

	if (fail_after < 0 || n <= (unsigned long)fail_after)
		return false;
	return !fail_once || n == (unsigned long)fail_after + 1;
}

static void print_count(void)
{
	char buf[64];
	int len = snprintf(buf, sizeof(buf), "failmalloc: %lu allocations\n", count);

	if (len > 0 && write(STDERR_FILENO, buf, (size_t)len) < 0)
		return;
}

__attribute__((constructor)) static void failmalloc_init(void)
{
	const char *after = getenv("UMV_FAILMALLOC_AFTER");
	const char *once = getenv("UMV_FAILMALLOC_ONCE");
	const char *rep = getenv("UMV_FAILMALLOC_REPORT");

	fail_once = once && strcmp(once, "1") == 0;
	report = rep && strcmp(rep, "1") == 0;
	if (after && *after)
		fail_after = strtol(after, NULL, 10);
	unsetenv("LD_PRELOAD");
	unsetenv("UMV_FAILMALLOC_AFTER");
	unsetenv("UMV_FAILMALLOC_ONCE");
	unsetenv("UMV_FAILMALLOC_REPORT");
	if (report)
		atexit(print_count);
	count = 0;
}

void *malloc(size_t size)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	if (size != 0 && should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, size);
}

void *reallocarray(void *p, size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n * size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (should_fail())
		return ENOMEM;
	p = __libc_memalign(align, size);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void *aligned_alloc(size_t align, size_t size)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_memalign(align, size);
}
