/* syscalls/printer_out.c: the printer's output buffer. Never overruns,
 * never fails: what does not fit is cut and marked. */
#include "syscalls/printer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CUT_LEN (sizeof(SC_OUT_CUT_MARKER) - 1)
#define INITIAL_CAP 256u

int sc_out_init(struct sc_out *out, size_t max)
{
	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (max == 0)
		max = SC_OUT_DEFAULT_MAX;
	if (max < CUT_LEN)
		max = CUT_LEN;
	out->cap = max + 1 < INITIAL_CAP ? max + 1 : INITIAL_CAP;
	out->buf = malloc(out->cap);
	if (!out->buf) {
		out->cap = 0;
		return -ENOMEM;
	}
	out->buf[0] = '\0';
	out->max = max;
	out->owned = true;
	return 0;
}

void sc_out_init_fixed(struct sc_out *out, char *buf, size_t size)
{
	memset(out, 0, sizeof(*out));
	if (!buf || size == 0) {
		/* nothing can be stored: every append is cut and dropped */
		out->cut = true;
		return;
	}
	out->buf = buf;
	out->cap = size;
	out->max = size - 1;
	buf[0] = '\0';
}

void sc_out_fini(struct sc_out *out)
{
	if (out && out->owned)
		free(out->buf);
	if (out)
		memset(out, 0, sizeof(*out));
}

void sc_out_clear(struct sc_out *out)
{
	out->len = 0;
	out->cut = out->cap == 0;
	if (out->cap)
		out->buf[0] = '\0';
}

/* Make room for LEN+N text bytes; false if memory ran out. */
static bool reserve(struct sc_out *out, size_t n)
{
	size_t need = out->len + n + 1, cap;
	char *nbuf;

	if (need <= out->cap)
		return true;
	if (!out->owned)
		return false;
	cap = out->cap;
	while (cap < need)
		cap = cap > (SIZE_MAX / 2) ? need : cap * 2;
	if (cap > out->max + 1)
		cap = out->max + 1;
	nbuf = realloc(out->buf, cap);
	if (!nbuf)
		return false;
	out->buf = nbuf;
	out->cap = cap;
	return true;
}

/* Cut at the current length (or earlier, to fit the marker) and mark. */
static void cut_here(struct sc_out *out)
{
	size_t room = out->cap - 1;	/* text bytes the storage holds */
	size_t mlen = CUT_LEN < room ? CUT_LEN : room;

	if (out->len + mlen > room)
		out->len = room - mlen;
	memcpy(out->buf + out->len, SC_OUT_CUT_MARKER, mlen);
	out->len += mlen;
	out->buf[out->len] = '\0';
	out->cut = true;
}

void sc_out_write(struct sc_out *out, const char *s, size_t n)
{
	size_t fit;

	if (out->cut || n == 0)
		return;
	if (out->len + n <= out->max) {
		if (reserve(out, n)) {
			memcpy(out->buf + out->len, s, n);
			out->len += n;
			out->buf[out->len] = '\0';
			return;
		}
		/* out of memory: keep what we have, marked */
		cut_here(out);
		return;
	}
	/* too long: keep what fits before the marker */
	fit = out->max > CUT_LEN + out->len ? out->max - CUT_LEN - out->len : 0;
	if (fit && reserve(out, fit + CUT_LEN)) {
		memcpy(out->buf + out->len, s, fit);
		out->len += fit;
	} else if (out->owned) {
		reserve(out, CUT_LEN);
	}
	cut_here(out);
}

void sc_out_puts(struct sc_out *out, const char *s)
{
	sc_out_write(out, s, strlen(s));
}

void sc_out_putc(struct sc_out *out, char c)
{
	sc_out_write(out, &c, 1);
}

void sc_out_printf(struct sc_out *out, const char *fmt, ...)
{
	char small[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		sc_out_write(out, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);

	if (!big) {
		sc_out_write(out, small, sizeof(small) - 1);
		if (!out->cut && out->cap)
			cut_here(out);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sc_out_write(out, big, (size_t)n);
	free(big);
}
