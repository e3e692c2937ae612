/* libvmaccess against a live child with a known layout (vmaccess_child.h),
 * every case run once per backend: process_vm, proc_mem, ptrace, auto. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "tests/vmaccess_child.h"
#include "vmaccess/vmaccess.h"


struct fx {
	struct vt_child child;
	struct vt_layout *lay;
	struct vma *vma;
	enum vma_backend backend;
	const char *name;
};

/* Every backend test runs with the child ptrace-stopped by us, so that the
 * ptrace backend (and the auto chain's last resort) is usable. */
static void fx_start(struct fx *fx, enum vma_backend backend)
{
	vt_require_ptrace();
	memset(fx, 0, sizeof(*fx));
	fx->backend = backend;
	fx->name = vma_backend_name(backend);
	cr_assert_eq(vt_spawn(&fx->child, VT_SEIZE), 0, "cannot spawn the layout child");
	fx->lay = &fx->child.lay;
	int r = vma_open(&fx->vma, fx->child.pid, backend);
	cr_assert_eq(r, 0, "vma_open(%s): %d", fx->name, r);
	vma_set_stopped_tid(fx->vma, fx->child.pid);
}

static void fx_stop(struct fx *fx)
{
	vma_close(fx->vma);
	vt_kill(&fx->child);
}

/* The forcing backends (FOLL_FORCE) write read-only pages and read
 * PROT_NONE ones; process_vm_* honours protections. */
static bool forces_access(enum vma_backend b)
{
	return b == VMA_BACKEND_PROC_MEM || b == VMA_BACKEND_PTRACE;
}

static enum vma_backend all_backends[] = {
	VMA_BACKEND_PROCESS_VM, VMA_BACKEND_PROC_MEM, VMA_BACKEND_PTRACE, VMA_BACKEND_AUTO,
};

#define BACKEND_TEST(name)							\
	ParameterizedTestParameters(backend, name)				\
	{									\
		return cr_make_param_array(enum vma_backend, all_backends,	\
			sizeof(all_backends) / sizeof(all_backends[0]));	\
	}									\
	ParameterizedTest(enum vma_backend *param, backend, name)

BACKEND_TEST(read_small)
{
	struct fx fx;
	fx_start(&fx, *param);
	unsigned char buf[64];
	ssize_t n = vma_read(fx.vma, fx.lay->pattern + 10, buf, sizeof(buf));
	cr_expect_eq(n, 64, "%s: read 64 -> %zd", fx.name, n);
	cr_expect(vt_is_pattern(buf, 10, sizeof(buf)), "%s: wrong bytes", fx.name);
	/* One unaligned byte, for the word-wise backend. */
	n = vma_read(fx.vma, fx.lay->pattern + 13, buf, 1);
	cr_expect_eq(n, 1, "%s: read 1 -> %zd", fx.name, n);
	cr_expect_eq(buf[0], vt_pattern(13), "%s", fx.name);
	enum vma_backend used = vma_backend_in_use(fx.vma);
	if (*param == VMA_BACKEND_AUTO)
		cr_expect_eq(used, VMA_BACKEND_PROCESS_VM, "auto used %s", vma_backend_name(used));
	else
		cr_expect_eq(used, *param, "%s: in use %s", fx.name, vma_backend_name(used));
	fx_stop(&fx);
}

BACKEND_TEST(read_large)
{
	struct fx fx;
	fx_start(&fx, *param);
	unsigned char *buf = malloc(VT_BIG_LEN);
	cr_assert_not_null(buf);
	ssize_t n = vma_read(fx.vma, fx.lay->big, buf, VT_BIG_LEN);
	cr_expect_eq(n, (ssize_t)VT_BIG_LEN, "%s: 1 MiB read -> %zd", fx.name, n);
	cr_expect(vt_is_pattern(buf, 0, VT_BIG_LEN), "%s: wrong bytes", fx.name);
	free(buf);
	fx_stop(&fx);
}

BACKEND_TEST(read_zero_length)
{
	struct fx fx;
	fx_start(&fx, *param);
	char c = 'z';
	cr_expect_eq(vma_read(fx.vma, fx.lay->pattern, &c, 0), 0, "%s", fx.name);
	cr_expect_eq(vma_read(fx.vma, fx.lay->pattern, NULL, 0), 0, "%s", fx.name);
	cr_expect_eq(vma_read(fx.vma, fx.lay->hole, &c, 0), 0, "%s", fx.name);
	cr_expect_eq(c, 'z', "%s: zero-length read wrote the buffer", fx.name);
	cr_expect_eq(vma_read(fx.vma, fx.lay->pattern, NULL, 4), -EINVAL, "%s", fx.name);
	cr_expect_eq(vma_write(fx.vma, fx.lay->scratch, NULL, 0), 0, "%s", fx.name);
	fx_stop(&fx);
}

BACKEND_TEST(read_across_pages)
{
	struct fx fx;
	fx_start(&fx, *param);
	uint64_t ps = fx.lay->page_size;
	unsigned char buf[3 * 4096 + 64];
	uint64_t off = ps - 13;
	size_t len = 2 * ps + 40;
	cr_assert(len <= sizeof(buf));
	ssize_t n = vma_read(fx.vma, fx.lay->pattern + off, buf, len);
	cr_expect_eq(n, (ssize_t)len, "%s: read across pages -> %zd", fx.name, n);
	cr_expect(vt_is_pattern(buf, off, len), "%s: wrong bytes", fx.name);
	fx_stop(&fx);
}

BACKEND_TEST(read_into_hole)
{
	struct fx fx;
	fx_start(&fx, *param);
	uint64_t end = fx.lay->hole;
	unsigned char buf[300];
	/* Short count: the bytes before the hole, then stop. */
	ssize_t n = vma_read(fx.vma, end - 100, buf, sizeof(buf));
	cr_expect_eq(n, 100, "%s: read into the hole -> %zd", fx.name, n);
	uint64_t off = end - 100 - fx.lay->pattern;
	cr_expect(vt_is_pattern(buf, off, 100), "%s: wrong bytes", fx.name);
	/* The last mapped byte alone reads fine, the first unmapped one faults. */
	cr_expect_eq(vma_read(fx.vma, end - 1, buf, 1), 1, "%s", fx.name);
	cr_expect_eq(vma_read(fx.vma, end, buf, 1), -EFAULT, "%s", fx.name);
	cr_expect_eq(vma_read(fx.vma, end + 5, buf, 100), -EFAULT, "%s", fx.name);
	/* Addresses that are never user memory. */
	cr_expect_eq(vma_read(fx.vma, 0, buf, 8), -EFAULT, "%s", fx.name);
	cr_expect_eq(vma_read(fx.vma, 0xffffffff81000000ull, buf, 8), -EFAULT, "%s", fx.name);
	cr_expect_eq(vma_read(fx.vma, UINT64_MAX - 3, buf, 8), -EFAULT, "%s", fx.name);
	fx_stop(&fx);
}

BACKEND_TEST(read_prot_none)
{
	struct fx fx;
	fx_start(&fx, *param);
	unsigned char buf[64];
	ssize_t n = vma_read(fx.vma, fx.lay->protnone, buf, sizeof(buf));
	if (forces_access(*param)) {
		cr_expect_eq(n, 64, "%s: forced read of PROT_NONE -> %zd", fx.name, n);
		cr_expect_eq(buf[0], 'n', "%s", fx.name);
	} else {
		cr_expect_eq(n, -EFAULT, "%s: PROT_NONE read -> %zd", fx.name, n);
	}
	fx_stop(&fx);
}

BACKEND_TEST(str_ends_at_hole)
{
	struct fx fx;
	fx_start(&fx, *param);
	char buf[4096];
	ssize_t n = vma_read_str(fx.vma, fx.lay->str_at_hole, buf, sizeof(buf));
	cr_expect_eq(n, (ssize_t)strlen(VT_STR_AT_HOLE), "%s: -> %zd", fx.name, n);
	cr_expect_str_eq(buf, VT_STR_AT_HOLE, "%s", fx.name);
	/* Starting on the NUL itself: the empty string, last byte of the page. */
	uint64_t nul = fx.lay->str_at_hole + strlen(VT_STR_AT_HOLE);
	cr_expect_eq(vma_read_str(fx.vma, nul, buf, sizeof(buf)), 0, "%s", fx.name);
	cr_expect_str_eq(buf, "", "%s", fx.name);
	/* Starting in the hole. */
	cr_expect_eq(vma_read_str(fx.vma, nul + 1, buf, sizeof(buf)), -EFAULT, "%s", fx.name);
	cr_expect_str_eq(buf, "", "%s: buffer left unterminated on error", fx.name);
	fx_stop(&fx);
}

BACKEND_TEST(str_crosses_page)
{
	struct fx fx;
	fx_start(&fx, *param);
	char buf[256];
	ssize_t n = vma_read_str(fx.vma, fx.lay->str_cross, buf, sizeof(buf));
	cr_expect_eq(n, (ssize_t)strlen(VT_STR_CROSS), "%s: -> %zd", fx.name, n);
	cr_expect_str_eq(buf, VT_STR_CROSS, "%s", fx.name);
	/* A size that ends the first chunk before the page does. */
	char small[8];
	cr_expect_eq(vma_read_str(fx.vma, fx.lay->str_cross, small, sizeof(small)),
		     -ENAMETOOLONG, "%s", fx.name);
	fx_stop(&fx);
}

BACKEND_TEST(str_unterminated)
{
	struct fx fx;
	fx_start(&fx, *param);
	char buf[4096];
	ssize_t n = vma_read_str(fx.vma, fx.lay->unterminated, buf, sizeof(buf));
	cr_expect_eq(n, -EFAULT, "%s: unterminated into a hole -> %zd", fx.name, n);
	/* The same bytes with a size that ends before the hole. */
	n = vma_read_str(fx.vma, fx.lay->unterminated, buf, 50);
	cr_expect_eq(n, -ENAMETOOLONG, "%s: -> %zd", fx.name, n);
	fx_stop(&fx);
}

BACKEND_TEST(str_overlong)
{
	struct fx fx;
	fx_start(&fx, *param);
	static char buf[VT_OVERLONG_LEN + 1];
	ssize_t n = vma_read_str(fx.vma, fx.lay->overlong, buf, 4096);
	cr_expect_eq(n, -ENAMETOOLONG, "%s: -> %zd", fx.name, n);
	/* Exactly SIZE - 1 characters fit; one fewer byte of room does not. */
	n = vma_read_str(fx.vma, fx.lay->overlong, buf, VT_OVERLONG_LEN + 1);
	cr_expect_eq(n, VT_OVERLONG_LEN, "%s: -> %zd", fx.name, n);
	cr_expect_eq(strspn(buf, "x"), (size_t)VT_OVERLONG_LEN, "%s", fx.name);
	n = vma_read_str(fx.vma, fx.lay->overlong, buf, VT_OVERLONG_LEN);
	cr_expect_eq(n, -ENAMETOOLONG, "%s: -> %zd", fx.name, n);
	cr_expect_eq(vma_read_str(fx.vma, fx.lay->overlong, buf, 0), -EINVAL, "%s", fx.name);
	fx_stop(&fx);
}

/* Reads back through /proc/PID/mem directly, independent of the backend
 * under test. */
static void raw_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	char path[32];
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	int fd = open(path, O_RDONLY);
	cr_assert_geq(fd, 0, "open %s: %s", path, strerror(errno));
	cr_assert_eq(pread(fd, buf, len, (off_t)addr), (ssize_t)len);
	close(fd);
}

BACKEND_TEST(write_and_read_back)
{
	struct fx fx;
	fx_start(&fx, *param);
	unsigned char data[300], back[310];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 3 + 1);
	/* Unaligned at both ends: the word-wise backend's read-modify-write. */
	uint64_t at = fx.lay->scratch + 3;
	ssize_t n = vma_write(fx.vma, at, data, sizeof(data));
	cr_expect_eq(n, (ssize_t)sizeof(data), "%s: write -> %zd", fx.name, n);
	raw_read(fx.child.pid, at - 3, back, sizeof(back));
	cr_expect_eq(memcmp(back + 3, data, sizeof(data)), 0, "%s: wrong bytes", fx.name);
	cr_expect(back[0] == 0 && back[1] == 0 && back[2] == 0, "%s: clobbered head", fx.name);
	cr_expect(back[303] == 0 && back[309] == 0, "%s: clobbered tail", fx.name);
	/* A one-byte write inside a word. */
	unsigned char one = 0xee;
	cr_expect_eq(vma_write(fx.vma, at + 1, &one, 1), 1, "%s", fx.name);
	raw_read(fx.child.pid, at, back, 3);
	cr_expect(back[0] == data[0] && back[1] == 0xee && back[2] == data[2], "%s", fx.name);
	fx_stop(&fx);
}

BACKEND_TEST(write_into_hole)
{
	struct fx fx;
	fx_start(&fx, *param);
	unsigned char data[200];
	memset(data, 0xab, sizeof(data));
	ssize_t n = vma_write(fx.vma, fx.lay->hole - 100, data, sizeof(data));
	cr_expect_eq(n, 100, "%s: write into the hole -> %zd", fx.name, n);
	unsigned char back[100];
	raw_read(fx.child.pid, fx.lay->hole - 100, back, sizeof(back));
	cr_expect_eq(memcmp(back, data, sizeof(back)), 0, "%s", fx.name);
	n = vma_write(fx.vma, fx.lay->hole, data, sizeof(data));
	cr_expect_eq(n, -EFAULT, "%s: write at the hole -> %zd", fx.name, n);
	fx_stop(&fx);
}

BACKEND_TEST(write_read_only_mapping)
{
	struct fx fx;
	fx_start(&fx, *param);
	const char msg[] = "written into a read-only page";
	ssize_t n = vma_write(fx.vma, fx.lay->rodata + 5, msg, sizeof(msg));
	if (*param == VMA_BACKEND_PROCESS_VM) {
		/* process_vm_writev honours the protection. */
		cr_expect_eq(n, -EFAULT, "%s: -> %zd", fx.name, n);
	} else {
		cr_expect_eq(n, (ssize_t)sizeof(msg), "%s: -> %zd", fx.name, n);
		char back[sizeof(msg)];
		raw_read(fx.child.pid, fx.lay->rodata + 5, back, sizeof(back));
		cr_expect_str_eq(back, msg, "%s", fx.name);
		enum vma_backend used = vma_backend_in_use(fx.vma);
		enum vma_backend want = *param == VMA_BACKEND_AUTO ? VMA_BACKEND_PROC_MEM : *param;
		cr_expect_eq(used, want, "%s: in use %s", fx.name, vma_backend_name(used));
	}
	fx_stop(&fx);
}

BACKEND_TEST(write_str)
{
	struct fx fx;
	fx_start(&fx, *param);
	const char *s = "/a/path/written/by/vmaccess";
	uint64_t at = fx.lay->scratch + fx.lay->page_size - 40;
	cr_expect_eq(vma_write_str(fx.vma, at, s), (ssize_t)strlen(s) + 1, "%s", fx.name);
	char back[64];
	cr_expect_eq(vma_read_str(fx.vma, at, back, sizeof(back)), (ssize_t)strlen(s), "%s", fx.name);
	cr_expect_str_eq(back, s, "%s", fx.name);
	/* A string that would run into a hole is not half-written. */
	cr_expect_eq(vma_write_str(fx.vma, fx.lay->hole - 4, s), -EFAULT, "%s", fx.name);
	cr_expect_eq(vma_write_str(fx.vma, fx.lay->scratch, NULL), -EINVAL, "%s", fx.name);
	fx_stop(&fx);
}

BACKEND_TEST(scatter_with_bad_ranges)
{
	struct fx fx;
	fx_start(&fx, *param);
	struct vt_layout *l = fx.lay;
	unsigned char b0[100], b1[64], b2[200], b3[50], b4[1], b5[64];
	struct vma_range r[] = {
		{ l->pattern + 7, b0, sizeof(b0) },		/* whole */
		{ l->hole + 8, b1, sizeof(b1) },		/* bad: in the hole */
		{ l->hole - 120, b2, sizeof(b2) },		/* short: runs into the hole */
		{ l->pattern + 4000, b3, sizeof(b3) },		/* whole, crosses a page */
		{ l->hole, b4, 0 },				/* empty */
		{ l->big + 12345, b5, sizeof(b5) },		/* whole, another mapping */
	};
	ssize_t res[6] = { 99, 99, 99, 99, 99, 99 };
	int rc = vma_readv(fx.vma, r, 6, res);
	cr_assert_eq(rc, 0, "%s: readv -> %d", fx.name, rc);
	cr_expect_eq(res[0], 100, "%s: [0] %zd", fx.name, res[0]);
	cr_expect_eq(res[1], -EFAULT, "%s: [1] %zd", fx.name, res[1]);
	cr_expect_eq(res[2], 120, "%s: [2] %zd", fx.name, res[2]);
	cr_expect_eq(res[3], 50, "%s: [3] %zd", fx.name, res[3]);
	cr_expect_eq(res[4], 0, "%s: [4] %zd", fx.name, res[4]);
	cr_expect_eq(res[5], 64, "%s: [5] %zd", fx.name, res[5]);
	cr_expect(vt_is_pattern(b0, 7, sizeof(b0)), "%s", fx.name);
	cr_expect(vt_is_pattern(b2, l->hole - 120 - l->pattern, 120), "%s", fx.name);
	cr_expect(vt_is_pattern(b3, 4000, sizeof(b3)), "%s", fx.name);
	cr_expect(vt_is_pattern(b5, 12345, sizeof(b5)), "%s", fx.name);
	/* Only bad ranges, and none at all. */
	rc = vma_readv(fx.vma, &r[1], 1, res);
	cr_expect(rc == 0 && res[0] == -EFAULT, "%s: %d %zd", fx.name, rc, res[0]);
	cr_expect_eq(vma_readv(fx.vma, r, 0, res), 0, "%s", fx.name);
	cr_expect_eq(vma_readv(fx.vma, NULL, 2, res), -EINVAL, "%s", fx.name);
	fx_stop(&fx);
}

/* More ranges than one process_vm_readv batch takes, bad ones sprinkled. */
BACKEND_TEST(scatter_many_ranges)
{
	struct fx fx;
	fx_start(&fx, *param);
	enum { N = 150 };
	static unsigned char bufs[N][16];
	struct vma_range r[N];
	ssize_t res[N];
	for (size_t i = 0; i < N; i++) {
		bool bad = i % 7 == 3;
		r[i] = (struct vma_range){
			.addr = bad ? fx.lay->hole + i : fx.lay->big + i * 1000,
			.buf = bufs[i], .len = sizeof(bufs[i]) };
	}
	cr_assert_eq(vma_readv(fx.vma, r, N, res), 0, "%s", fx.name);
	for (size_t i = 0; i < N; i++) {
		if (i % 7 == 3) {
			cr_expect_eq(res[i], -EFAULT, "%s: [%zu] %zd", fx.name, i, res[i]);
		} else {
			cr_expect_eq(res[i], 16, "%s: [%zu] %zd", fx.name, i, res[i]);
			cr_expect(vt_is_pattern(bufs[i], i * 1000, 16), "%s: [%zu]", fx.name, i);
		}
	}
	fx_stop(&fx);
}

BACKEND_TEST(dead_pid)
{
	struct fx fx;
	fx_start(&fx, *param);
	unsigned char buf[16];
	/* Used once while alive (opens /proc/PID/mem for that backend). */
	cr_expect_eq(vma_read(fx.vma, fx.lay->pattern, buf, sizeof(buf)), 16, "%s", fx.name);
	pid_t dead = fx.child.pid;
	vt_kill(&fx.child);
	ssize_t n = vma_read(fx.vma, fx.lay->pattern, buf, sizeof(buf));
	cr_expect_eq(n, -ESRCH, "%s: read of a dead pid -> %zd", fx.name, n);
	n = vma_write(fx.vma, fx.lay->scratch, buf, sizeof(buf));
	cr_expect_eq(n, -ESRCH, "%s: write to a dead pid -> %zd", fx.name, n);
	n = vma_read_str(fx.vma, fx.lay->str_cross, (char *)buf, sizeof(buf));
	cr_expect_eq(n, -ESRCH, "%s: string of a dead pid -> %zd", fx.name, n);
	struct vma_range r = { fx.lay->pattern, buf, 8 };
	ssize_t res;
	cr_expect_eq(vma_readv(fx.vma, &r, 1, &res), -ESRCH, "%s", fx.name);
	/* And a fresh handle on the dead pid. */
	struct vma *fresh;
	cr_assert_eq(vma_open(&fresh, dead, *param), 0);
	vma_set_stopped_tid(fresh, dead);
	n = vma_read(fresh, fx.lay->pattern, buf, sizeof(buf));
	cr_expect_eq(n, -ESRCH, "%s: fresh handle on a dead pid -> %zd", fx.name, n);
	vma_close(fresh);
	fx_stop(&fx);
}

static uint64_t stack_start(pid_t pid)
{
	char path[32], line[512];
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "open %s", path);
	unsigned long start = 0, end;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[stack]"))
			cr_assert_eq(sscanf(line, "%lx-%lx", &start, &end), 2);
	fclose(f);
	cr_assert_neq(start, 0, "no [stack] in %s", path);
	return start;
}

/* process_vm_writev does not grow the stack; the forcing backends do, and
 * auto must get there by falling back. */
BACKEND_TEST(write_below_stack)
{
	struct fx fx;
	fx_start(&fx, *param);
	uint64_t start = stack_start(fx.child.pid);
	uint64_t at = start - 64;
	ssize_t n = vma_write(fx.vma, at, "grow", 5);
	if (*param == VMA_BACKEND_PROCESS_VM) {
		cr_expect_eq(n, -EFAULT, "%s: -> %zd", fx.name, n);
		cr_expect_eq(stack_start(fx.child.pid), start, "%s: stack grew", fx.name);
	} else {
		cr_expect_eq(n, 5, "%s: -> %zd", fx.name, n);
		cr_expect_lt(stack_start(fx.child.pid), start, "%s: stack did not grow", fx.name);
		char back[5];
		raw_read(fx.child.pid, at, back, sizeof(back));
		cr_expect_str_eq(back, "grow", "%s", fx.name);
	}
	fx_stop(&fx);
}
