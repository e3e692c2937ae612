/* vmaccess benchmark: each libvmaccess call against the raw kernel call it
 * wraps, measured interleaved in one run on a live child process.
 * Prints one line per case:
 *   bench: vmaccess.<case>: <ours> us vs <baseline> <theirs> us = <ratio>x
 * Each side's time is the median over ROUNDS short batches of per-call times; the
 * two sides alternate which goes first in each round. The .proc_mem and
 * .ptrace lines put the fallback backends next to their own raw calls. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

#include "tests/vmaccess_child.h"
#include "vmaccess/vmaccess.h"

#define ROUNDS 301
#define BATCH_NS 250000.0	/* short batches: load bursts hit both sides alike */
#define STR_SIZE 4096
#define SCATTER_N 8
#define SCATTER_LEN 256

struct ctx {
	struct vma *vma;
	int mem_fd;		/* raw /proc/PID/mem, for the fallback baselines */
	pid_t pid;
	size_t page_size;
	uint64_t addr;		/* what this case reads */
	size_t len;
	unsigned char *buf;
	struct vma_range ranges[SCATTER_N];
	ssize_t results[SCATTER_N];
};

typedef int (*op_fn)(struct ctx *);

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ---- the two sides of each case -------------------------------------- */

static int ours_read(struct ctx *c)
{
	return vma_read(c->vma, c->addr, c->buf, c->len) == (ssize_t)c->len ? 0 : -1;
}

static int raw_read(struct ctx *c)
{
	struct iovec l = { c->buf, c->len }, r = { (void *)(uintptr_t)c->addr, c->len };
	return process_vm_readv(c->pid, &l, 1, &r, 1, 0) == (ssize_t)c->len ? 0 : -1;
}

static int raw_pread(struct ctx *c)
{
	return pread(c->mem_fd, c->buf, c->len, (off_t)c->addr) == (ssize_t)c->len ? 0 : -1;
}

/* Word-aligned ADDR and LEN: the plain PEEKDATA loop. */
static int raw_peek(struct ctx *c)
{
	for (size_t off = 0; off < c->len; off += sizeof(unsigned long)) {
		if (syscall(SYS_ptrace, PTRACE_PEEKDATA, c->pid, (uintptr_t)(c->addr + off),
			    c->buf + off) < 0)
			return -1;
	}
	return 0;
}

static int ours_scatter(struct ctx *c)
{
	if (vma_readv(c->vma, c->ranges, SCATTER_N, c->results) < 0)
		return -1;
	for (int i = 0; i < SCATTER_N; i++)
		if (c->results[i] != SCATTER_LEN)
			return -1;
	return 0;
}

static int raw_scatter(struct ctx *c)
{
	struct iovec l[SCATTER_N], r[SCATTER_N];
	for (int i = 0; i < SCATTER_N; i++) {
		l[i] = (struct iovec){ c->ranges[i].buf, c->ranges[i].len };
		r[i] = (struct iovec){ (void *)(uintptr_t)c->ranges[i].addr, c->ranges[i].len };
	}
	return process_vm_readv(c->pid, l, SCATTER_N, r, SCATTER_N, 0) ==
	       SCATTER_N * SCATTER_LEN ? 0 : -1;
}

static int ours_str(struct ctx *c)
{
	return vma_read_str(c->vma, c->addr, (char *)c->buf, STR_SIZE) == (ssize_t)c->len ? 0 : -1;
}

/* The baseline a careful caller would write by hand: page-bounded
 * process_vm_readv chunks, memchr for the NUL. */
static int raw_str(struct ctx *c)
{
	size_t got = 0;
	while (got < STR_SIZE) {
		uint64_t at = c->addr + got;
		size_t want = c->page_size - (size_t)(at & (c->page_size - 1));
		if (want > STR_SIZE - got)
			want = STR_SIZE - got;
		struct iovec l = { c->buf + got, want }, r = { (void *)(uintptr_t)at, want };
		ssize_t n = process_vm_readv(c->pid, &l, 1, &r, 1, 0);
		if (n <= 0)
			return -1;
		const unsigned char *nul = memchr(c->buf + got, 0, (size_t)n);
		if (nul)
			return (size_t)(nul - c->buf) == c->len ? 0 : -1;
		got += (size_t)n;
	}
	return -1;
}

/* ---- measurement ----------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* Time per call in ns over ITERS calls, or -1 if a call failed. */
static double batch(op_fn op, struct ctx *c, long iters)
{
	double t0 = now_ns();
	for (long i = 0; i < iters; i++)
		if (op(c) < 0)
			return -1;
	return (now_ns() - t0) / (double)iters;
}

static int compare(const char *name, const char *baseline, op_fn ours, op_fn theirs,
		   struct ctx *c)
{
	/* Warm up and size the batches on the baseline. */
	double one = batch(theirs, c, 200);
	if (one < 0 || batch(ours, c, 200) < 0) {
		fprintf(stderr, "bench: vmaccess.%s: a call failed during warm-up\n", name);
		return -1;
	}
	long iters = (long)(BATCH_NS / (one > 1 ? one : 1));
	if (iters < 20)
		iters = 20;
	double t_ours[ROUNDS], t_theirs[ROUNDS];
	for (int r = 0; r < ROUNDS; r++) {
		bool ours_first = r % 2 == 0;
		double a = batch(ours_first ? ours : theirs, c, iters);
		double b = batch(ours_first ? theirs : ours, c, iters);
		if (a < 0 || b < 0) {
			fprintf(stderr, "bench: vmaccess.%s: a call failed\n", name);
			return -1;
		}
		t_ours[r] = ours_first ? a : b;
		t_theirs[r] = ours_first ? b : a;
	}
	double mo = median(t_ours, ROUNDS) / 1000.0, mt = median(t_theirs, ROUNDS) / 1000.0;
	printf("bench: vmaccess.%s: %.3f us vs %s %.3f us = %.2fx\n", name, mo, baseline, mt, mo / mt);
	fflush(stdout);
	return 0;
}

/* Places a string of LEN 's' characters at ADDR in the child. */
static int place_string(struct ctx *c, uint64_t addr, size_t len)
{
	char *s = malloc(len + 1);
	if (!s)
		return -1;
	memset(s, 's', len);
	s[len] = '\0';
	ssize_t n = vma_write_str(c->vma, addr, s);
	free(s);
	return n == (ssize_t)len + 1 ? 0 : -1;
}

/* The fallback backends, for scale: what a read costs when process_vm_*
 * is unavailable. */
static int compare_fallbacks(struct ctx *c, const struct vt_child *child)
{
	char path[32];
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)child->pid);
	c->mem_fd = open(path, O_RDONLY | O_CLOEXEC);
	struct vma *mem = NULL, *trace = NULL;
	int status = -1;
	if (c->mem_fd < 0 || vma_open(&mem, child->pid, VMA_BACKEND_PROC_MEM) < 0 ||
	    vma_open(&trace, child->pid, VMA_BACKEND_PTRACE) < 0) {
		fprintf(stderr, "bench: vmaccess: cannot set up the fallback cases\n");
		goto out;
	}
	vma_set_stopped_tid(trace, child->pid);
	struct vma *saved = c->vma;
	c->addr = child->lay.big;
	c->len = 64;
	c->vma = mem;
	status = compare("read64.proc_mem", "pread", ours_read, raw_pread, c);
	c->vma = trace;
	status |= compare("read64.ptrace", "PTRACE_PEEKDATA", ours_read, raw_peek, c);
	c->vma = saved;
out:
	vma_close(mem);
	vma_close(trace);
	if (c->mem_fd >= 0)
		close(c->mem_fd);
	return status;
}

int main(void)
{
	struct vt_child child;
	/* Stopped by us, so that the ptrace backend can be measured too. */
	if (vt_spawn(&child, VT_SEIZE) < 0) {
		fprintf(stderr, "bench: vmaccess: cannot spawn the target child\n");
		return 99;
	}
	struct ctx c = { .pid = child.pid, .page_size = child.lay.page_size, .mem_fd = -1 };
	c.buf = malloc(VT_BIG_LEN);
	int r = c.buf ? vma_open(&c.vma, child.pid, VMA_BACKEND_AUTO) : -ENOMEM;
	if (r < 0) {
		fprintf(stderr, "bench: vmaccess: cannot open the child: %s\n", strerror(-r));
		vt_kill(&child);
		return 99;
	}
	int status = 0;
	const struct { const char *name; size_t len; } reads[] = {
		{ "read64", 64 }, { "read4k", 4096 }, { "read1m", VT_BIG_LEN },
	};
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		c.addr = child.lay.big;
		c.len = reads[i].len;
		status |= compare(reads[i].name, "process_vm_readv", ours_read, raw_read, &c);
	}

	static unsigned char scatter_bufs[SCATTER_N][SCATTER_LEN];
	for (int i = 0; i < SCATTER_N; i++)
		c.ranges[i] = (struct vma_range){
			.addr = child.lay.big + (uint64_t)i * 3 * c.page_size + 40 * (uint64_t)i,
			.buf = scatter_bufs[i], .len = SCATTER_LEN };
	status |= compare("scatter8", "process_vm_readv", ours_scatter, raw_scatter, &c);

	/* Strings start mid-page, as paths on a stack or heap do; the 4000
	 * byte one crosses a page, so both sides make two calls. */
	const struct { const char *name; size_t len; uint64_t offset; } strs[] = {
		{ "str16", 16, 300 }, { "str256", 256, 16 * 4096 + 1000 },
		{ "str4000", 4000, 32 * 4096 + 2000 },
	};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		c.addr = child.lay.big + strs[i].offset;
		c.len = strs[i].len;
		if (place_string(&c, c.addr, c.len) < 0) {
			fprintf(stderr, "bench: vmaccess.%s: cannot place the string\n", strs[i].name);
			status = -1;
			continue;
		}
		status |= compare(strs[i].name, "process_vm_readv+memchr", ours_str, raw_str, &c);
	}
	status |= compare_fallbacks(&c, &child);
	vma_close(c.vma);
	free(c.buf);
	vt_kill(&child);
	return status ? 1 : 0;
}
