/* tests/printer_fake.c: see printer_fake.h. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/printer_fake.h"

#define FM_MAX 64

struct region {
	uint64_t addr;
	unsigned char *data;
	size_t len;
};

static struct region regions[FM_MAX];
static int nregions;
unsigned fm_reads;

void fm_reset(void)
{
	for (int i = 0; i < nregions; i++)
		free(regions[i].data);
	nregions = 0;
	fm_reads = 0;
}

void fm_add(uint64_t addr, const void *data, size_t len)
{
	cr_assert_lt(nregions, FM_MAX, "fake memory full");
	regions[nregions].addr = addr;
	regions[nregions].data = malloc(len ? len : 1);
	cr_assert_not_null(regions[nregions].data);
	if (len)
		memcpy(regions[nregions].data, data, len);
	regions[nregions].len = len;
	nregions++;
}

void fm_str(uint64_t addr, const char *s)
{
	fm_add(addr, s, strlen(s) + 1);
}

/* the region holding ADDR (the newest wins), or NULL */
static const struct region *find(uint64_t addr)
{
	for (int i = nregions - 1; i >= 0; i--)
		if (addr >= regions[i].addr && addr - regions[i].addr < regions[i].len)
			return &regions[i];
	return NULL;
}

/* libvmaccess semantics: a short count when a hole follows, -EFAULT when
 * not even the first byte is readable */
static ssize_t fm_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct region *r = find(addr);
	size_t off, n;

	(void)ctx;
	fm_reads++;
	if (len == 0)
		return 0;
	if (!r)
		return -EFAULT;
	off = (size_t)(addr - r->addr);
	n = r->len - off < len ? r->len - off : len;
	memcpy(buf, r->data + off, n);
	return (ssize_t)n;
}

static ssize_t fm_read_str(void *ctx, uint64_t addr, char *buf, size_t size)
{
	const struct region *r = find(addr);
	size_t off;

	(void)ctx;
	fm_reads++;
	if (size == 0)
		return -EINVAL;
	if (!r)
		return -EFAULT;
	off = (size_t)(addr - r->addr);
	for (size_t i = 0; i < size - 1; i++) {
		if (off + i >= r->len)
			return -EFAULT;
		buf[i] = (char)r->data[off + i];
		if (buf[i] == '\0')
			return (ssize_t)i;
	}
	buf[size - 1] = '\0';
	return -ENAMETOOLONG;
}

const struct sc_memreader fm_reader = { fm_read, fm_read_str, NULL };

uint64_t nr_of(uint32_t audit_arch, enum sc_id id)
{
	long nr = sc_nr_from_id(sc_arch_from_audit(audit_arch), id);

	cr_assert_geq(nr, 0, "%s has no number on this arch", sc_id_name(id));
	return (uint64_t)nr;
}

static void check(const struct sc_print_opts *opts, uint32_t audit_arch, uint64_t nr,
		  const uint64_t raw[6], const struct sc_result *res, const char *want)
{
	struct sc_call call;
	struct sc_out out;

	cr_assert_eq(sc_decode(audit_arch, nr, raw, &fm_reader, &call), 0);
	cr_assert_eq(sc_out_init(&out, 0), 0);
	cr_assert_eq(sc_print_call(&out, &call, &fm_reader, opts, res), 0);
	cr_expect_str_eq(sc_out_str(&out), want, "\n got: %s\nwant: %s", sc_out_str(&out), want);
	sc_out_fini(&out);
}

void expect_line_res(const struct sc_print_opts *opts, uint32_t audit_arch, enum sc_id id,
		     const uint64_t raw[6], const struct sc_result *res, const char *want)
{
	check(opts, audit_arch, nr_of(audit_arch, id), raw, res, want);
}

void expect_line_opts(const struct sc_print_opts *opts, uint32_t audit_arch, enum sc_id id,
		      const uint64_t raw[6], int64_t rval, const char *want)
{
	struct sc_result res = { .rval = rval };

	expect_line_res(opts, audit_arch, id, raw, &res, want);
}

void expect_line(uint32_t audit_arch, enum sc_id id, const uint64_t raw[6], int64_t rval,
		 const char *want)
{
	expect_line_opts(NULL, audit_arch, id, raw, rval, want);
}

void expect_line_nr(uint32_t audit_arch, uint64_t nr, const uint64_t raw[6], int64_t rval,
		    const char *want)
{
	struct sc_result res = { .rval = rval };

	check(NULL, audit_arch, nr, raw, &res, want);
}
