/* Recursive-descent JSON parser, bounded depth, never trusts its input. */
#include "modules/trace/diff/jsonl.h"
#include "modules/trace/hex_digit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

struct parser {
	const char *s;
	size_t i;
	char *err;
	size_t errsize;
	bool failed;
};

static void fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return;
	p->failed = true;
	n = snprintf(p->err, p->errsize, "column %zu: ", p->i + 1);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < p->errsize)
		vsnprintf(p->err + n, p->errsize - (size_t)n, fmt, ap);
	va_end(ap);
}

static void ws(struct parser *p)
{
	while (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\r' || p->s[p->i] == '\n')
		p->i++;
}

/* A string at p->i (the opening quote); returns it unescaped (malloc'ed)
 * or NULL on error. \u escapes become UTF-8. */
static char *string(struct parser *p)
{
	size_t start = ++p->i, cap = 16, len = 0;
	char *out = malloc(cap);

	(void)start;
	if (!out) {
		fail(p, "out of memory");
		return NULL;
	}
	for (;;) {
		unsigned char c = (unsigned char)p->s[p->i];
		char enc[4];
		size_t nenc = 1;

		if (c == '\0') {
			fail(p, "unterminated string");
			break;
		}
		if (c < 0x20) {
			fail(p, "control character in string");
			break;
		}
		p->i++;
		if (c == '"') {
			out[len] = '\0';
			return out;
		}
		enc[0] = (char)c;
		if (c == '\\') {
			char e = p->s[p->i++];
			switch (e) {
			case '"': case '\\': case '/': enc[0] = e; break;
			case 'b': enc[0] = '\b'; break;
			case 'f': enc[0] = '\f'; break;
			case 'n': enc[0] = '\n'; break;
			case 'r': enc[0] = '\r'; break;
			case 't': enc[0] = '\t'; break;
			case 'u': {
				unsigned v = 0;
				for (int k = 0; k < 4; k++) {
					int h = hex_digit(p->s[p->i]);
					if (h < 0) {
						fail(p, "bad \\u escape");
						free(out);
						return NULL;
					}
					v = v * 16 + (unsigned)h;
					p->i++;
				}
				if (v < 0x80) {
					enc[0] = (char)v;
				} else if (v < 0x800) {
					enc[0] = (char)(0xc0 | (v >> 6));
					enc[1] = (char)(0x80 | (v & 0x3f));
					nenc = 2;
				} else {
					enc[0] = (char)(0xe0 | (v >> 12));
					enc[1] = (char)(0x80 | ((v >> 6) & 0x3f));
					enc[2] = (char)(0x80 | (v & 0x3f));
					nenc = 3;
				}
				break;
			}
			default:
				fail(p, "bad escape");
				free(out);
				return NULL;
			}
		}
		if (len + nenc + 1 > cap) {
			char *g;
			cap = cap * 2 + nenc;
			g = realloc(out, cap);
			if (!g) {
				fail(p, "out of memory");
				break;
			}
			out = g;
		}
		memcpy(out + len, enc, nenc);
		len += nenc;
	}
	free(out);
	return NULL;
}

static char *number(struct parser *p)
{
	size_t start = p->i;
	char *out;

	if (p->s[p->i] == '-')
		p->i++;
	if (p->s[p->i] < '0' || p->s[p->i] > '9') {
		fail(p, "bad number");
		return NULL;
	}
	while (p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	if (p->s[p->i] == '.') {
		p->i++;
		if (p->s[p->i] < '0' || p->s[p->i] > '9') {
			fail(p, "bad number");
			return NULL;
		}
		while (p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	if (p->s[p->i] == 'e' || p->s[p->i] == 'E') {
		p->i++;
		if (p->s[p->i] == '+' || p->s[p->i] == '-')
			p->i++;
		if (p->s[p->i] < '0' || p->s[p->i] > '9') {
			fail(p, "bad number");
			return NULL;
		}
		while (p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	out = strndup(p->s + start, p->i - start);
	if (!out)
		fail(p, "out of memory");
	return out;
}

static bool literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(p->s + p->i, word, n) != 0) {
		fail(p, "unexpected character '%c'", p->s[p->i] ? p->s[p->i] : '?');
		return false;
	}
	p->i += n;
	return true;
}

/* Any value; if V is non-NULL and the value is a scalar or an array of
 * scalars, it is stored there. */
static void value(struct parser *p, struct jv *v, int depth);

static void skip_container(struct parser *p, char close, int depth, struct jv *arr)
{
	bool first = true;

	if (depth > MAX_DEPTH) {
		fail(p, "nested too deep");
		return;
	}
	p->i++;
	ws(p);
	if (p->s[p->i] == close) {
		p->i++;
		return;
	}
	while (!p->failed) {
		struct jv item = { 0 };
		if (!first) {
			ws(p);
			if (p->s[p->i] == close) {
				p->i++;
				return;
			}
			if (p->s[p->i] != ',') {
				fail(p, "expected ',' or '%c'", close);
				return;
			}
			p->i++;
		}
		first = false;
		ws(p);
		if (close == '}') {
			char *k;
			if (p->s[p->i] != '"') {
				fail(p, "expected a member name");
				return;
			}
			k = string(p);
			free(k);
			if (p->failed)
				return;
			ws(p);
			if (p->s[p->i] != ':') {
				fail(p, "expected ':'");
				return;
			}
			p->i++;
			ws(p);
		}
		value(p, arr ? &item : NULL, depth + 1);
		if (arr && !p->failed) {
			char **g;
			if (item.type == JV_ARRAY || item.type == JV_OBJECT) {
				for (size_t k = 0; k < item.nitems; k++)
					free(item.items[k]);
				free(item.items);
				free(item.text);
				item.text = strdup("");
			}
			g = realloc(arr->items, (arr->nitems + 1) * sizeof(*g));
			if (!g || !item.text) {
				free(g ? NULL : item.text);
				if (g)
					arr->items = g;
				fail(p, "out of memory");
				return;
			}
			arr->items = g;
			arr->items[arr->nitems++] = item.text;
		} else {
			free(item.text);
		}
	}
}

static void value(struct parser *p, struct jv *v, int depth)
{
	char c = p->s[p->i];
	struct jv tmp = { 0 };

	if (!v)
		v = &tmp;
	if (c == '"') {
		v->type = JV_STR;
		v->text = string(p);
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		v->type = JV_NUM;
		v->text = number(p);
	} else if (c == 't' || c == 'f') {
		v->type = JV_BOOL;
		if (literal(p, c == 't' ? "true" : "false"))
			v->text = strdup(c == 't' ? "true" : "false");
	} else if (c == 'n') {
		v->type = JV_NULL;
		if (literal(p, "null"))
			v->text = strdup("null");
	} else if (c == '[') {
		v->type = JV_ARRAY;
		skip_container(p, ']', depth, v == &tmp ? NULL : v);
	} else if (c == '{') {
		v->type = JV_OBJECT;
		skip_container(p, '}', depth, NULL);
	} else {
		fail(p, c ? "unexpected character '%c'" : "unexpected end of line%c", c ? c : ' ');
	}
	if (v == &tmp)
		free(tmp.text);
}

void jobj_free(struct jobj *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->m[i].key);
		free(o->m[i].text);
		for (size_t k = 0; k < o->m[i].nitems; k++)
			free(o->m[i].items[k]);
		free(o->m[i].items);
	}
	free(o->m);
	o->m = NULL;
	o->n = 0;
}

int jobj_parse(const char *line, struct jobj *out, char *err, size_t errsize)
{
	struct parser p = { line, 0, err, errsize, false };
	bool first = true;

	out->m = NULL;
	out->n = 0;
	ws(&p);
	if (line[p.i] != '{') {
		fail(&p, "a line must be a JSON object");
		return -1;
	}
	p.i++;
	ws(&p);
	if (line[p.i] == '}')
		p.i++;
	else
		for (;;) {
			struct jv m = { 0 };
			struct jv *g;
			if (!first) {
				ws(&p);
				if (line[p.i] == '}') {
					p.i++;
					break;
				}
				if (line[p.i] != ',') {
					fail(&p, "expected ',' or '}'");
					break;
				}
				p.i++;
				ws(&p);
			}
			first = false;
			if (line[p.i] != '"') {
				fail(&p, "expected a member name");
				break;
			}
			m.key = string(&p);
			if (p.failed)
				break;
			ws(&p);
			if (line[p.i] != ':') {
				free(m.key);
				fail(&p, "expected ':'");
				break;
			}
			p.i++;
			ws(&p);
			value(&p, &m, 1);
			g = realloc(out->m, (out->n + 1) * sizeof(*g));
			if (!g) {
				fail(&p, "out of memory");
			} else {
				out->m = g;
				out->m[out->n++] = m;
			}
			if (p.failed)
				break;
		}
	if (!p.failed) {
		ws(&p);
		if (line[p.i] != '\0')
			fail(&p, "trailing text after the object");
	}
	if (p.failed) {
		jobj_free(out);
		return -1;
	}
	return 0;
}

const struct jv *jobj_get(const struct jobj *o, const char *key)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->m[i].key, key) == 0)
			return &o->m[i];
	return NULL;
}

const char *jobj_str(const struct jobj *o, const char *key)
{
	const struct jv *v = jobj_get(o, key);

	return v && v->type != JV_ARRAY && v->type != JV_OBJECT ? v->text : NULL;
}
