/* strace notation -> JSON: a small recursive parser over a byte span.
 * Each sub-value that does not parse falls back to {"text": ...} on its
 * own, so one odd field does not hide the rest of a struct. */
#include "modules/trace/notation_json.h"
#include "modules/trace/hex_digit.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Deeper nesting than any printer output: beyond it, plain text. */
#define MAX_NEST 16
#define MAX_EXACT (UINT64_C(1) << 53)

static void emit_text(struct sbuf *out, const char *s, size_t n)
{
	sbuf_puts(out, "{\"text\":");
	sbuf_json_str(out, s, n);
	sbuf_puts(out, "}");
}

/* Index after the quoted string starting at S[i] == '"', or N if open. */
static size_t skip_quoted(const char *s, size_t i, size_t n)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return n;
}

/* Index after the closing quote of the string S starts with, or 0 if it
 * is never closed. */
static size_t quoted_end(const char *s, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return 0;
}

/* Index of the bracket closing S[i], or N if unbalanced. */
static size_t match_close(const char *s, size_t i, size_t n)
{
	int depth = 0;

	for (; i < n; i++) {
		char c = s[i];
		if (c == '"') {
			i = skip_quoted(s, i, n) - 1;
			if (i + 1 >= n)
				return n;
		} else if (c == '[' || c == '{' || c == '(') {
			depth++;
		} else if (c == ']' || c == '}' || c == ')') {
			if (--depth == 0)
				return i;
			if (depth < 0)
				return n;
		}
	}
	return n;
}

/* Next top-level comma-separated item of S[*pos..n), spaces trimmed. */
static bool next_item(const char *s, size_t n, size_t *pos, size_t *a, size_t *b)
{
	size_t i = *pos;
	int depth = 0;

	while (i < n && s[i] == ' ')
		i++;
	if (i >= n)
		return false;
	*a = i;
	for (; i < n; i++) {
		char c = s[i];
		if (c == '"')
			i = skip_quoted(s, i, n) - 1;
		else if (c == '[' || c == '{' || c == '(')
			depth++;
		else if ((c == ']' || c == '}' || c == ')') && depth > 0)
			depth--;
		else if (c == ',' && depth == 0)
			break;
	}
	*b = i;
	while (*b > *a && s[*b - 1] == ' ')
		(*b)--;
	*pos = i < n ? i + 1 : n;
	return true;
}

static bool is_ellipsis(const char *s, size_t n)
{
	return n == 3 && memcmp(s, "...", 3) == 0;
}

static bool is_ident_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_ident_char(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static bool is_name(const char *s, size_t n)
{
	if (n == 0 || !is_ident_start(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_ident_char(s[i]))
			return false;
	return true;
}

/* Parses an unsigned number (decimal, 0x hex, 0 octal) spanning all of
 * S[0..n). *FITS is false when it does not fit 64 bits. */
static bool parse_unsigned(const char *s, size_t n, uint64_t *val, bool *fits)
{
	unsigned base = 10;
	size_t i = 0;
	uint64_t v = 0;

	*fits = true;
	if (n == 0)
		return false;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (n > 1 && s[0] == '0') {
		base = 8;
		i = 1;
	}
	for (; i < n; i++) {
		int d = hex_digit(s[i]);
		if (d < 0 || (unsigned)d >= base)
			return false;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			*fits = false;
		v = v * base + (uint64_t)d;
	}
	*val = v;
	return true;
}

static bool is_number(const char *s, size_t n)
{
	uint64_t v;
	bool fits;

	if (n > 0 && s[0] == '-')
		return parse_unsigned(s + 1, n - 1, &v, &fits);
	return parse_unsigned(s, n, &v, &fits);
}

static bool emit_number(struct sbuf *out, const char *s, size_t n)
{
	bool neg = n > 0 && s[0] == '-', fits;
	uint64_t v;

	if (!parse_unsigned(s + neg, n - neg, &v, &fits))
		return false;
	if (!fits || v > MAX_EXACT)
		sbuf_json_str(out, s, n);	/* beyond a double's exact range */
	else
		sbuf_printf(out, "%s%llu", neg && v ? "-" : "", (unsigned long long)v);
	return true;
}

/* "..." with C escapes, optionally followed by "..." (cut by strsize). */
static bool emit_string(struct sbuf *out, const char *s, size_t n)
{
	struct sbuf dec = { 0 };
	size_t end = quoted_end(s, n), i;
	bool cut;

	if (end == 0)
		return false;
	if (end == n)
		cut = false;
	else if (end + 3 == n && memcmp(s + end, "...", 3) == 0)
		cut = true;
	else
		return false;
	for (i = 1; i + 1 < end; i++) {
		char c = s[i];
		if (c == '\\') {
			char e = s[++i], ch;
			switch (e) {
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case 'r': ch = '\r'; break;
			case 'v': ch = '\v'; break;
			case 'f': ch = '\f'; break;
			case 'a': ch = '\a'; break;
			case 'b': ch = '\b'; break;
			case '"': case '\\': case '\'': case '?': ch = e; break;
			case 'x': {
				unsigned v = 0, k = 0;
				while (k < 2 && i + 1 < end - 1 && hex_digit(s[i + 1]) >= 0)
					v = v * 16 + (unsigned)hex_digit(s[++i]), k++;
				if (k == 0)
					goto bad;
				ch = (char)v;
				break;
			}
			default: {
				unsigned v = 0, k = 0;
				if (e < '0' || e > '7')
					goto bad;
				v = (unsigned)(e - '0');
				while (k < 2 && i + 1 < end - 1 && s[i + 1] >= '0' && s[i + 1] <= '7')
					v = v * 8 + (unsigned)(s[++i] - '0'), k++;
				if (v > 0xff)
					goto bad;
				ch = (char)v;
				break;
			}
			}
			sbuf_add(&dec, &ch, 1);
		} else {
			sbuf_add(&dec, &c, 1);
		}
	}
	if (dec.oom)
		goto bad;
	if (cut)
		sbuf_puts(out, "{\"str\":");
	sbuf_json_str(out, dec.s ? dec.s : "", dec.len);
	if (cut)
		sbuf_puts(out, ",\"truncated\":true}");
	sbuf_free(&dec);
	return true;
bad:
	sbuf_free(&dec);
	return false;
}

static void convert(struct sbuf *out, const char *s, size_t n, int nest);
static bool emit_scalar(struct sbuf *out, const char *s, size_t n);

/* strace's signal sets: [INT TERM] (names without SIG, space-separated,
 * no commas). Returns false, writing nothing, if INNER is not one. */
static bool emit_word_list(struct sbuf *out, const char *s, size_t n)
{
	size_t i, start, words = 0, mark = out->len;

	for (i = 0, start = 0; i <= n; i++) {
		if (i < n && s[i] != ' ')
			continue;
		if (!is_name(s + start, i - start) && !is_number(s + start, i - start))
			return false;
		words++;
		start = i + 1;
	}
	if (words < 2)
		return false;
	sbuf_puts(out, "[");
	for (i = 0, start = 0; i <= n; i++) {
		if (i < n && s[i] != ' ')
			continue;
		if (start)
			sbuf_puts(out, ",");
		if (!emit_scalar(out, s + start, i - start)) {
			out->len = mark;	/* cannot happen: checked above */
			if (out->s)
				out->s[mark] = '\0';
			return false;
		}
		start = i + 1;
	}
	sbuf_puts(out, "]");
	return true;
}

static bool emit_array(struct sbuf *out, const char *s, size_t n, int nest)
{
	size_t pos = 1, a, b;
	bool first = true;

	if (emit_word_list(out, s + 1, n - 2))
		return true;
	sbuf_puts(out, "[");
	while (next_item(s, n - 1, &pos, &a, &b)) {
		if (!first)
			sbuf_puts(out, ",");
		first = false;
		if (is_ellipsis(s + a, b - a))
			sbuf_puts(out, "{\"_more\":true}");
		else
			convert(out, s + a, b - a, nest + 1);
	}
	sbuf_puts(out, "]");
	return true;
}

/* {k=v, ...}: every item must be NAME=value or "..."; else the caller
 * falls back to text for the whole struct. */
static bool emit_object(struct sbuf *out, const char *s, size_t n, int nest)
{
	size_t pos = 1, a, b, k;
	bool first = true;

	sbuf_puts(out, "{");
	while (next_item(s, n - 1, &pos, &a, &b)) {
		if (!first)
			sbuf_puts(out, ",");
		first = false;
		if (is_ellipsis(s + a, b - a)) {
			sbuf_puts(out, "\"_more\":true");
			continue;
		}
		for (k = a; k < b && is_ident_char(s[k]); k++)
			;
		if (k == a || k >= b || s[k] != '=' || !is_ident_start(s[a]))
			return false;
		sbuf_json_str(out, s + a, k - a);
		sbuf_puts(out, ":");
		convert(out, s + k + 1, b - k - 1, nest + 1);
	}
	sbuf_puts(out, "}");
	return true;
}

/* NAME, number, or A|B|0x10: all parts names or numbers. A NUMBER in a
 * flag set stays a string as written. */
static bool emit_scalar(struct sbuf *out, const char *s, size_t n)
{
	size_t i, start, parts = 0;

	for (i = 0, start = 0; i <= n; i++) {
		if (i < n && s[i] != '|')
			continue;
		if (!is_name(s + start, i - start) && !is_number(s + start, i - start))
			return false;
		parts++;
		start = i + 1;
	}
	if (parts == 1) {
		if (n == 4 && memcmp(s, "NULL", 4) == 0)
			sbuf_puts(out, "null");
		else if (is_name(s, n)) {
			sbuf_puts(out, "{\"name\":");
			sbuf_json_str(out, s, n);
			sbuf_puts(out, "}");
		} else
			return emit_number(out, s, n);
		return true;
	}
	sbuf_puts(out, "{\"flags\":[");
	for (i = 0, start = 0; i <= n; i++) {
		if (i < n && s[i] != '|')
			continue;
		if (start)
			sbuf_puts(out, ",");
		sbuf_json_str(out, s + start, i - start);
		start = i + 1;
	}
	sbuf_puts(out, "]}");
	return true;
}

/* S[0..n) starts with PREFIX: its length, else 0. */
static size_t starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0 ? k : 0;
}

/* A decimal number spanning S[0..n). */
static bool parse_decimal(const char *s, size_t n, uint64_t *v)
{
	bool fits;

	if (n == 0 || (n > 1 && s[0] == '0'))
		return false;
	return parse_unsigned(s, n, v, &fits) && fits && *v <= MAX_EXACT;
}

/* A signal as the wait-status expression names it: "SIGKILL" -> string,
 * an unnamed number -> number. Returns chars used (up to a space or N). */
static size_t emit_wait_signal(struct sbuf *out, const char *s, size_t n)
{
	size_t k = 0;
	uint64_t v;

	while (k < n && s[k] != ' ')
		k++;
	if (is_name(s, k) && starts(s, k, "SIG"))
		sbuf_json_str(out, s, k);
	else if (parse_decimal(s, k, &v))
		sbuf_printf(out, "%llu", (unsigned long long)v);
	else
		return 0;
	return k;
}

/* The printer's wait status (what wait4 stored), one of
 *   {WIFEXITED(s) && WEXITSTATUS(s) == 3}                  {"exited":3}
 *   {WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}
 *                                         {"signaled":"SIGSEGV","core":true}
 *   {WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP && s >> 16 == 1}
 *                                         {"stopped":"SIGTRAP","event":1}
 *   {WIFCONTINUED(s)}                                      {"continued":true}
 * Each form is read whole, or not at all. */
static bool emit_wait_status(struct sbuf *out, const char *s, size_t n)
{
	const char *in = s + 1;
	size_t len = n - 2, k, used;
	uint64_t v;

	if (n < 3 || s[0] != '{' || s[n - 1] != '}')
		return false;
	if ((k = starts(in, len, "WIFEXITED(s) && WEXITSTATUS(s) == "))) {
		if (!parse_decimal(in + k, len - k, &v) || v > 255)
			return false;
		sbuf_printf(out, "{\"exited\":%llu}", (unsigned long long)v);
		return true;
	}
	if ((k = starts(in, len, "WIFSIGNALED(s) && WTERMSIG(s) == "))) {
		bool core;

		sbuf_puts(out, "{\"signaled\":");
		if (!(used = emit_wait_signal(out, in + k, len - k)))
			return false;
		k += used;
		core = k < len;
		if (core && strncmp(in + k, " && WCOREDUMP(s)", len - k) != 0)
			return false;
		if (core && len - k != strlen(" && WCOREDUMP(s)"))
			return false;
		sbuf_printf(out, ",\"core\":%s}", core ? "true" : "false");
		return true;
	}
	if ((k = starts(in, len, "WIFSTOPPED(s) && WSTOPSIG(s) == "))) {
		size_t e;

		sbuf_puts(out, "{\"stopped\":");
		if (!(used = emit_wait_signal(out, in + k, len - k)))
			return false;
		k += used;
		if (k < len) {
			if (!(e = starts(in + k, len - k, " && s >> 16 == ")) ||
			    !parse_decimal(in + k + e, len - k - e, &v))
				return false;
			sbuf_printf(out, ",\"event\":%llu", (unsigned long long)v);
		}
		sbuf_puts(out, "}");
		return true;
	}
	if (len == strlen("WIFCONTINUED(s)") && starts(in, len, "WIFCONTINUED(s)")) {
		sbuf_puts(out, "{\"continued\":true}");
		return true;
	}
	return false;
}

/* makedev(0x1, 0x3) (st_rdev, mknod's dev) -> {"major":1,"minor":3}. */
static bool emit_makedev(struct sbuf *out, const char *s, size_t n)
{
	size_t k = starts(s, n, "makedev("), comma;

	if (!k || s[n - 1] != ')')
		return false;
	for (comma = k; comma < n && s[comma] != ','; comma++)
		;
	if (comma + 2 >= n || s[comma + 1] != ' ' || !is_number(s + k, comma - k) ||
	    s[k] == '-' || !is_number(s + comma + 2, n - 1 - comma - 2) || s[comma + 2] == '-')
		return false;
	sbuf_puts(out, "{\"major\":");
	emit_number(out, s + k, comma - k);
	sbuf_puts(out, ",\"minor\":");
	emit_number(out, s + comma + 2, n - 1 - comma - 2);
	sbuf_puts(out, "}");
	return true;
}

/* 8192*1024 (rlimits in KiB, as strace prints them) -> 8388608. */
static bool emit_kib(struct sbuf *out, const char *s, size_t n)
{
	size_t star;
	uint64_t v;

	for (star = 0; star < n && s[star] != '*'; star++)
		;
	if (star == n || n - star != 5 || memcmp(s + star, "*1024", 5) != 0 ||
	    !parse_decimal(s, star, &v) || v > MAX_EXACT / 1024)
		return false;
	sbuf_printf(out, "%llu", (unsigned long long)(v * 1024));
	return true;
}

static void convert(struct sbuf *out, const char *s, size_t n, int nest)
{
	size_t mark = out->len;
	bool ok = false;

	if (nest > MAX_NEST || n == 0) {
		emit_text(out, s, n);
		return;
	}
	if (s[0] == '"')
		ok = emit_string(out, s, n);
	else if (s[0] == '[' && match_close(s, 0, n) == n - 1)
		ok = emit_array(out, s, n, nest);
	else if (n > 1 && s[0] == '~' && s[1] == '[' && match_close(s, 1, n) == n - 1) {
		/* ~[RTMIN RT_1]: every signal but these */
		sbuf_puts(out, "{\"not\":");
		ok = emit_array(out, s + 1, n - 1, nest);
		sbuf_puts(out, "}");
	}
	else if (s[0] == '{' && n > 3 && s[1] == 'W' && s[2] == 'I' && s[3] == 'F')
		ok = emit_wait_status(out, s, n);
	else if (s[0] == '{' && match_close(s, 0, n) == n - 1)
		ok = emit_object(out, s, n, nest);
	else if (s[0] == 'm' && starts(s, n, "makedev("))
		ok = emit_makedev(out, s, n);
	else if (s[0] >= '0' && s[0] <= '9' && memchr(s, '*', n))
		ok = emit_kib(out, s, n);
	else
		ok = emit_scalar(out, s, n);
	if (!ok && !out->oom) {
		out->len = mark;
		if (out->s)
			out->s[mark] = '\0';
		emit_text(out, s, n);
	}
}

void notation_to_json(struct sbuf *out, const char *text, size_t n)
{
	convert(out, text, n, 0);
}
