/* tests/fuzz/fuzz_decode.c: libFuzzer harness over sc_decode() and the
 * printer's two halves. The input picks an arch (mostly the known ones),
 * a number, six arguments (many of them pointers into a fake guest memory)
 * and the memory itself, with holes: the printer must never read outside
 * what the reader returns nor crash on any content. */
#include <errno.h>
#include <linux/audit.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls/printer.h"
#include "syscalls/syscalls.h"
#include "tests/fuzz/fuzz_input.h"

#define MEM_BASE 0x7f0000001000ULL
#define MAX_RANGES 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fake_mem {
	const uint8_t *bytes;
	size_t len;
	size_t nranges;
	struct { size_t off, len; } ranges[MAX_RANGES];
};

/* Readable bytes from OFF on, within one range (0 if OFF is in none). */
static size_t readable_at(const struct fake_mem *m, uint64_t addr, size_t *off_out)
{
	size_t off, best = 0;

	if (addr < MEM_BASE || addr - MEM_BASE >= m->len)
		return 0;
	off = (size_t)(addr - MEM_BASE);
	*off_out = off;
	if (m->nranges == 0)
		return m->len - off;
	for (size_t i = 0; i < m->nranges; i++) {
		size_t s = m->ranges[i].off, e = s + m->ranges[i].len;

		if (e > m->len)
			e = m->len;

		if (off >= s && off < e && e - off > best)
			best = e - off;
	}
	return best;
}

/* libvmaccess semantics: a short count at a hole, -EFAULT when not even the
 * first byte is readable. */
static ssize_t fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct fake_mem *m = ctx;
	size_t off = 0, n;

	if (len == 0)
		return 0;
	n = readable_at(m, addr, &off);
	if (n == 0)
		return -EFAULT;
	if (n > len)
		n = len;
	memcpy(buf, m->bytes + off, n);
	return (ssize_t)n;
}

static ssize_t fake_read_str(void *ctx, uint64_t addr, char *buf, size_t size)
{
	const struct fake_mem *m = ctx;
	size_t off = 0, n;

	if (size == 0)
		return -EINVAL;
	n = readable_at(m, addr, &off);
	for (size_t i = 0; i < n && i < size; i++) {
		buf[i] = (char)m->bytes[off + i];
		if (buf[i] == '\0')
			return (ssize_t)i;
	}
	if (n >= size) {
		buf[size - 1] = '\0';
		return -ENAMETOOLONG;
	}
	return -EFAULT;
}

static uint32_t pick_audit_arch(struct fuzz_input *in)
{
	static const uint32_t known[] = {
		AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64,
		AUDIT_ARCH_X86_64, AUDIT_ARCH_I386,
	};
	uint8_t sel = fuzz_u8(in);

	if (sel < 250)
		return known[sel % (sizeof(known) / sizeof(known[0]))];
	return fuzz_u32(in);	/* x32 is AUDIT_ARCH_X86_64 with the nr bit */
}

static uint64_t pick_nr(struct fuzz_input *in, uint32_t audit)
{
	uint8_t mode = fuzz_u8(in);
	long max = sc_nr_max(sc_arch_from_audit(audit));

	switch (mode % 4) {
	case 0:
	case 1:
		return max > 0 ? fuzz_u16(in) % ((uint64_t)max + 16) : fuzz_u16(in);
	case 2:
		return (fuzz_u16(in) % 600) | 0x40000000ULL;	/* x32 numbers */
	default:
		return fuzz_u64(in);
	}
}

static uint64_t pick_arg(struct fuzz_input *in)
{
	uint8_t mode = fuzz_u8(in);

	switch (mode % 6) {
	case 0:
	case 1:
		return MEM_BASE + fuzz_u16(in);	/* into (or past) the memory */
	case 2:
		return fuzz_u8(in);
	case 3:
		return (uint64_t)-(int64_t)fuzz_u8(in);
	case 4:
		return fuzz_u32(in);
	default:
		return fuzz_u64(in);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct fake_mem m = { 0 };
	struct sc_memreader mem = { fake_read, fake_read_str, &m };
	struct sc_print_opts opts;
	struct sc_print_state st;
	struct sc_result res;
	struct sc_call call;
	struct sc_out enter, exit_half, line;
	uint64_t raw[6];
	uint32_t audit;
	uint64_t nr;
	uint8_t optbits;
	bool with_mem;

	audit = pick_audit_arch(&in);
	nr = pick_nr(&in, audit);
	for (int i = 0; i < 6; i++)
		raw[i] = pick_arg(&in);
	optbits = fuzz_u8(&in);
	sc_print_opts_default(&opts);
	opts.raw = optbits & 1;
	opts.verbose = optbits & 2;
	if (optbits & 4)
		opts.string_limit = fuzz_u32(&in);
	if (optbits & 8)
		opts.align = fuzz_u8(&in);
	with_mem = !(optbits & 16);
	res.rval = (optbits & 32) ? (int64_t)fuzz_u64(&in) : -(int64_t)fuzz_u16(&in) + 4096;
	res.unknown = optbits & 64;
	m.nranges = fuzz_u8(&in) % (MAX_RANGES + 1);
	for (size_t i = 0; i < m.nranges; i++) {
		m.ranges[i].off = fuzz_u16(&in);
		m.ranges[i].len = fuzz_u16(&in);
	}
	/* The rest is guest memory, copied so ASan sees its exact end. */
	uint8_t *copy = malloc(in.len ? in.len : 1);
	if (!copy)
		return 0;
	memcpy(copy, in.data, in.len);
	m.bytes = copy;
	m.len = in.len;

	if (sc_decode(audit, nr, raw, with_mem ? &mem : NULL, &call) < 0)
		abort();	/* the decoder never fails on guest values */
	if (!call.name || call.nargs > 6)
		abort();

	if (sc_out_init(&enter, 1u << 16) < 0 || sc_out_init(&exit_half, 1u << 16) < 0 ||
	    sc_out_init(&line, 1u << 16) < 0)
		abort();
	memset(&st, 0, sizeof(st));
	if (sc_print_enter(&enter, &call, with_mem ? &mem : NULL, &opts, &st) < 0)
		abort();
	sc_print_resumed(&exit_half, &call);
	if (sc_print_exit(&exit_half, &call, with_mem ? &mem : NULL, &opts, &st, &res) < 0)
		abort();
	if (sc_print_call(&line, &call, with_mem ? &mem : NULL, &opts, &res) < 0)
		abort();
	/* Text must be NUL-terminated within its buffer and at most the cap
	 * (sc_out_init: "at most MAX text bytes"; a cut line fills it). */
	if (strlen(sc_out_str(&enter)) != enter.len || enter.len > (1u << 16) ||
	    strlen(sc_out_str(&line)) != line.len || line.len > (1u << 16))
		abort();
	/* ...and a full one was cut, and says so */
	if (line.len == (1u << 16) &&
	    strcmp(sc_out_str(&line) + line.len - strlen(SC_OUT_CUT_MARKER), SC_OUT_CUT_MARKER) != 0)
		abort();
	sc_out_fini(&enter);
	sc_out_fini(&exit_half);
	sc_out_fini(&line);
	free(copy);
	return 0;
}
