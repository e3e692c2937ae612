/* syscalls/printer_fmt.c: the printer's scalar pieces: guest reads, numbers,
 * constants and flag sets, and strings quoted as strace quotes them. */
#include "syscalls/printer_priv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- guest memory ---- */

int sc_pmem_read(const struct sc_pctx *p, uint64_t addr, void *buf, size_t len)
{
	ssize_t got;

	if (!p->mem || !p->mem->read)
		return -EFAULT;
	if (len == 0)
		return 0;
	if (addr == 0)
		return -EFAULT;
	/* an i386 guest cannot name memory above 4 GiB, nor wrap around */
	if (p->word == 4 && (addr > UINT32_MAX || len > (uint64_t)UINT32_MAX + 1 - addr))
		return -EFAULT;
	if (addr + len < addr)
		return -EFAULT;
	got = p->mem->read(p->mem->ctx, addr, buf, len);
	if (got < 0)
		return (int)got;
	return (size_t)got == len ? 0 : -EFAULT;
}

bool sc_p_fetch(const struct sc_pctx *p, uint64_t addr, void *buf, size_t len)
{
	if (addr != 0 && sc_pmem_read(p, addr, buf, len) == 0)
		return true;
	sc_p_addr(p, addr);
	return false;
}

int sc_pmem_word(const struct sc_pctx *p, uint64_t addr, uint64_t *val)
{
	int r;

	if (p->word == 4) {
		uint32_t w;

		r = sc_pmem_read(p, addr, &w, sizeof(w));
		if (r == 0)
			*val = w;
		return r;
	}
	return sc_pmem_read(p, addr, val, sizeof(*val));
}

/* ---- numbers ---- */

void sc_p_hex(const struct sc_pctx *p, uint64_t v)
{
	if (v == 0)
		sc_out_putc(p->out, '0');
	else
		sc_out_printf(p->out, "%#" PRIx64, v);
}

void sc_p_addr(const struct sc_pctx *p, uint64_t v)
{
	if (v == 0)
		sc_p_puts(p, "NULL");
	else
		sc_out_printf(p->out, "%#" PRIx64, v);
}

void sc_p_int(const struct sc_pctx *p, int64_t v)
{
	sc_out_printf(p->out, "%" PRId64, v);
}

void sc_p_uint(const struct sc_pctx *p, uint64_t v)
{
	sc_out_printf(p->out, "%" PRIu64, v);
}

void sc_p_octal(const struct sc_pctx *p, uint64_t v)
{
	sc_out_printf(p->out, "%#03" PRIo64, v);
}

/* ---- constants and flag sets ---- */

void sc_p_xval(const struct sc_pctx *p, const struct sc_xlat *x, uint64_t v, bool dec)
{
	const char *name = sc_xlat_lookup(x, v);

	if (name) {
		sc_p_puts(p, name);
	} else if (dec) {
		sc_p_int(p, (int64_t)v);
	} else {
		sc_p_hex(p, v);
		if (x->unknown)
			sc_out_printf(p->out, " /* %s */", x->unknown);
	}
}

/* Print the known flags of V (each preceded by "|" when FIRST is false);
 * returns the bits no entry named. */
static uint64_t print_known(const struct sc_pctx *p, const struct sc_xlat *x, uint64_t v,
			    bool *first)
{
	for (size_t i = 0; i < x->n && v; i++) {
		uint64_t e = x->e[i].val;

		if (e && (v & e) == e) {
			if (!*first)
				sc_out_putc(p->out, '|');
			sc_p_puts(p, x->e[i].name);
			*first = false;
			v &= ~e;
		}
	}
	return v;
}

void sc_p_flags(const struct sc_pctx *p, const struct sc_xlat *x, uint64_t v)
{
	bool first = true;
	uint64_t rest;

	if (v == 0) {
		const char *zero = sc_xlat_lookup(x, 0);

		sc_p_puts(p, zero ? zero : "0");
		return;
	}
	rest = print_known(p, x, v, &first);
	if (first) {
		sc_p_hex(p, rest);
		if (x->unknown)
			sc_out_printf(p->out, " /* %s */", x->unknown);
	} else if (rest) {
		sc_out_printf(p->out, "|%#" PRIx64, rest);
	}
}

void sc_p_flags_rest(const struct sc_pctx *p, const struct sc_xlat *x, uint64_t v)
{
	bool first = false;
	uint64_t rest = print_known(p, x, v, &first);

	if (rest)
		sc_out_printf(p->out, "|%#" PRIx64, rest);
}

void sc_p_signal(const struct sc_pctx *p, int64_t sig)
{
	char buf[16];
	const char *name = (sig > 0 && sig <= 64) ? sc_signal_name((int)sig, buf, sizeof(buf)) : NULL;

	if (name)
		sc_p_puts(p, name);
	else
		sc_p_int(p, sig);
}

void sc_p_open_flags(const struct sc_pctx *p, uint64_t flags)
{
	const struct sc_xlat *x = p->call->arch == SC_ARCH_AARCH64 ?
		&sc_xlat_open_flags_aarch64 : &sc_xlat_open_flags;

	flags = (uint32_t)flags;
	sc_p_puts(p, sc_xlat_lookup(&sc_xlat_open_access, flags & 3));
	sc_p_flags_rest(p, x, flags & ~(uint64_t)3);
}

void sc_p_mode(const struct sc_pctx *p, uint64_t mode)
{
	const char *type;

	mode = (uint32_t)mode;
	type = sc_xlat_lookup(&sc_xlat_file_types, mode & 0170000);
	if (type) {
		sc_p_puts(p, type);
		sc_out_putc(p->out, '|');
	} else if (mode & 0170000) {
		sc_out_printf(p->out, "%#" PRIo64 "|", mode & 0170000);
	}
	for (size_t i = 0; i < sc_xlat_mode_bits.n; i++)
		if (mode & sc_xlat_mode_bits.e[i].val) {
			sc_p_puts(p, sc_xlat_mode_bits.e[i].name);
			sc_out_putc(p->out, '|');
		}
	sc_p_octal(p, mode & 0777);
}

void sc_p_mode_arg(const struct sc_pctx *p, uint64_t mode)
{
	const char *type;

	mode = (uint32_t)mode;
	type = sc_xlat_lookup(&sc_xlat_file_types, mode & 0170000);
	if (type) {
		sc_p_puts(p, type);
		sc_out_putc(p->out, '|');
		sc_p_octal(p, mode & 07777);
	} else {
		sc_p_octal(p, mode);
	}
}

/* ---- strings ---- */

static bool is_octal_digit(unsigned char c)
{
	return c >= '0' && c <= '7';
}

void sc_print_quoted(struct sc_out *out, const void *s, size_t n)
{
	const unsigned char *b = s;
	/* worst case \ooo per byte: batch through a small buffer */
	char chunk[256];
	size_t k = 0;

	sc_out_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = b[i];

		if (k > sizeof(chunk) - 5) {
			sc_out_write(out, chunk, k);
			k = 0;
		}
		switch (c) {
		case '"': chunk[k++] = '\\'; chunk[k++] = '"'; continue;
		case '\\': chunk[k++] = '\\'; chunk[k++] = '\\'; continue;
		case '\f': chunk[k++] = '\\'; chunk[k++] = 'f'; continue;
		case '\n': chunk[k++] = '\\'; chunk[k++] = 'n'; continue;
		case '\r': chunk[k++] = '\\'; chunk[k++] = 'r'; continue;
		case '\t': chunk[k++] = '\\'; chunk[k++] = 't'; continue;
		case '\v': chunk[k++] = '\\'; chunk[k++] = 'v'; continue;
		default:
			break;
		}
		if (c >= ' ' && c < 0x7f) {
			chunk[k++] = (char)c;
			continue;
		}
		/* octal, as short as possible unless a digit follows that
		 * would be read as part of it */
		chunk[k++] = '\\';
		if (i + 1 < n && is_octal_digit(b[i + 1])) {
			chunk[k++] = (char)('0' + (c >> 6));
			chunk[k++] = (char)('0' + ((c >> 3) & 7));
			chunk[k++] = (char)('0' + (c & 7));
		} else {
			if (c >> 6)
				chunk[k++] = (char)('0' + (c >> 6));
			if (c >> 3)
				chunk[k++] = (char)('0' + ((c >> 3) & 7));
			chunk[k++] = (char)('0' + (c & 7));
		}
	}
	sc_out_write(out, chunk, k);
	sc_out_putc(out, '"');
}

static unsigned string_limit(const struct sc_pctx *p)
{
	unsigned lim = p->opts->string_limit;

	return lim > SC_PRINT_STRING_LIMIT_MAX ? SC_PRINT_STRING_LIMIT_MAX : lim;
}

/* Read a NUL-terminated guest string of at most MAX bytes into BUF (MAX+2
 * bytes). Returns its length (capped at MAX) and sets *LONGER when the
 * string goes on past MAX; -errno when it cannot be read. */
static ssize_t fetch_str(const struct sc_pctx *p, uint64_t addr, char *buf, size_t max,
			 bool *longer)
{
	const struct sc_memreader *m = p->mem;
	ssize_t r;

	*longer = false;
	if (!m || addr == 0)
		return -EFAULT;
	if (m->read_str) {
		r = m->read_str(m->ctx, addr, buf, max + 2);
		if (r >= 0) {
			if ((size_t)r > max) {
				*longer = true;
				r = (ssize_t)max;
			}
			return r;
		}
		if (r != -ENAMETOOLONG)
			return r;
		*longer = true;
		r = sc_pmem_read(p, addr, buf, max);
		return r < 0 ? r : (ssize_t)max;
	}
	/* no string reader: page-bounded chunks, stopping at the NUL */
	size_t have = 0;

	while (have <= max) {
		uint64_t at = addr + have;
		size_t chunk = 4096 - (size_t)(at & 4095);

		if (chunk > max + 1 - have)
			chunk = max + 1 - have;
		r = sc_pmem_read(p, at, buf + have, chunk);
		if (r < 0)
			return r;
		char *nul = memchr(buf + have, '\0', chunk);

		if (nul)
			return nul - buf;
		have += chunk;
	}
	*longer = true;
	return (ssize_t)max;
}

static void print_cstring(const struct sc_pctx *p, uint64_t addr, size_t max)
{
	char small[256], *buf = small;
	bool longer;
	ssize_t len;

	if (addr == 0) {
		sc_p_puts(p, "NULL");
		return;
	}
	if (max + 2 > sizeof(small)) {
		buf = malloc(max + 2);
		if (!buf) {
			sc_p_addr(p, addr);
			return;
		}
	}
	len = fetch_str(p, addr, buf, max, &longer);
	if (len < 0) {
		sc_p_addr(p, addr);
	} else {
		sc_print_quoted(p->out, buf, (size_t)len);
		if (longer)
			sc_p_puts(p, "...");
	}
	if (buf != small)
		free(buf);
}

void sc_p_path(const struct sc_pctx *p, uint64_t addr)
{
	print_cstring(p, addr, SC_PRINT_PATH_MAX);
}

void sc_p_str(const struct sc_pctx *p, uint64_t addr)
{
	print_cstring(p, addr, string_limit(p));
}

/* Every byte as \xHH, inside quotes (strace -x style for binary data). */
static void put_hex_quoted(const struct sc_pctx *p, const unsigned char *buf, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char chunk[4 * 16];

	sc_out_putc(p->out, '"');
	for (size_t i = 0; i < n; i += 16) {
		size_t k = 0;

		for (size_t j = i; j < n && j < i + 16; j++) {
			chunk[k++] = '\\';
			chunk[k++] = 'x';
			chunk[k++] = hex[buf[j] >> 4];
			chunk[k++] = hex[buf[j] & 15];
		}
		sc_out_write(p->out, chunk, k);
	}
	sc_out_putc(p->out, '"');
}

/* A guest buffer of LEN bytes, at most the string limit of it, quoted as
 * text or as hex; NULL or the address when it cannot be read. */
static void print_buf(const struct sc_pctx *p, uint64_t addr, uint64_t len, bool as_hex)
{
	unsigned lim = string_limit(p);
	size_t n = len > lim ? lim : (size_t)len;
	unsigned char small[256], *buf = small;

	if (addr == 0) {
		sc_p_puts(p, "NULL");
		return;
	}
	if (n > sizeof(small)) {
		buf = malloc(n);
		if (!buf) {
			sc_p_addr(p, addr);
			return;
		}
	}
	if (sc_pmem_read(p, addr, buf, n) < 0) {
		sc_p_addr(p, addr);
	} else {
		if (as_hex)
			put_hex_quoted(p, buf, n);
		else
			sc_print_quoted(p->out, buf, n);
		if (len > n)
			sc_p_puts(p, "...");
	}
	if (buf != small)
		free(buf);
}

void sc_p_buf(const struct sc_pctx *p, uint64_t addr, uint64_t len)
{
	print_buf(p, addr, len, false);
}

void sc_p_buf_hex(const struct sc_pctx *p, uint64_t addr, uint64_t len)
{
	print_buf(p, addr, len, true);
}
