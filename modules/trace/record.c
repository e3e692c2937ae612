/* Growable text, JSON strings, and argument splitting of printer output. */
#include "modules/trace/record.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->s)
		b->s[0] = '\0';
}

void sbuf_free(struct sbuf *b)
{
	free(b->s);
	*b = (struct sbuf){ 0 };
}

static bool grow(struct sbuf *b, size_t need)
{
	size_t cap;
	char *s;

	if (b->oom)
		return false;
	if (b->len + need + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + need + 1)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s) {
		b->oom = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sbuf_puts(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char tmp[256];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		sbuf_add(b, tmp, (size_t)n);
		return;
	}
	if (!grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sbuf_json_str(struct sbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	sbuf_add(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };

		if (c == '"' || c == '\\') {
			char two[2] = { '\\', (char)c };
			sbuf_add(b, two, 2);
		} else if (c == '\n') {
			sbuf_add(b, "\\n", 2);
		} else if (c == '\t') {
			sbuf_add(b, "\\t", 2);
		} else if (c < 0x20 || c >= 0x7f) {
			sbuf_add(b, esc, 6);
		} else {
			sbuf_add(b, (const char *)&s[i], 1);
		}
	}
	sbuf_add(b, "\"", 1);
}

/* Skip a quoted string starting at TEXT[i] == '"'; returns the index after
 * the closing quote, or END. */
static size_t skip_quoted(const char *text, size_t i, size_t end)
{
	for (i++; i < end; i++) {
		if (text[i] == '\\' && i + 1 < end)
			i++;
		else if (text[i] == '"')
			return i + 1;
	}
	return end;
}

bool record_arg_span(const char *text, size_t *start, size_t *end)
{
	const char *open = strchr(text, '(');
	size_t len = strlen(text), i;
	int depth = 0;

	if (!open)
		return false;
	for (i = (size_t)(open - text); i < len; i++) {
		char c = text[i];
		if (c == '"') {
			i = skip_quoted(text, i, len) - 1;
			continue;
		}
		if (c == '(' || c == '[' || c == '{')
			depth++;
		else if (c == ')' || c == ']' || c == '}') {
			if (--depth == 0) {
				if (c != ')')
					return false;
				*start = (size_t)(open - text) + 1;
				*end = i;
				return true;
			}
		}
	}
	return false;
}

bool record_next_arg(const char *text, size_t end, size_t *pos, size_t *a, size_t *b)
{
	size_t i = *pos;
	int depth = 0;

	if (i >= end)
		return false;
	*a = i;
	for (; i < end; i++) {
		char c = text[i];
		if (c == '"') {
			i = skip_quoted(text, i, end) - 1;
			continue;
		}
		if (c == '(' || c == '[' || c == '{')
			depth++;
		else if ((c == ')' || c == ']' || c == '}') && depth > 0)
			depth--;
		else if (c == ',' && depth == 0)
			break;
	}
	*b = i;
	while (*b > *a && text[*b - 1] == ' ')
		(*b)--;
	*pos = i < end ? i + 1 : end;
	while (*pos < end && text[*pos] == ' ')
		(*pos)++;
	return true;
}

unsigned record_entry_args(const char *entry)
{
	const char *open = strchr(entry, '(');
	size_t len = strlen(entry), i, last;
	unsigned n = 0;
	int depth = 0;

	if (!open)
		return 0;
	last = (size_t)(open - entry) + 1;
	for (i = last; i < len; i++) {
		char c = entry[i];
		if (c == '"') {
			i = skip_quoted(entry, i, len) - 1;
			continue;
		}
		if (c == '(' || c == '[' || c == '{')
			depth++;
		else if ((c == ')' || c == ']' || c == '}') && depth > 0)
			depth--;
		else if (c == ',' && depth == 0) {
			n++;
			last = i + 1;
		}
	}
	/* a last argument after the final comma, complete unless cut */
	while (last < len && entry[last] == ' ')
		last++;
	if (last < len && depth == 0)
		n++;
	return n;
}
