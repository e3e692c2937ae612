/* A small JSON Lines reader for the trace schema (doc/trace-format.md):
 * each line must be one JSON object; its top-level members are kept as
 * text (strings unescaped, numbers as written), arrays of scalars as lists.
 * Nested objects are validated and skipped. */
#ifndef UMV_DIFF_JSONL_H
#define UMV_DIFF_JSONL_H

#include <stdbool.h>
#include <stddef.h>

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARRAY, JV_OBJECT };

struct jv {
	char *key;
	enum jv_type type;
	char *text;		/* scalar text (strings unescaped) */
	char **items;		/* JV_ARRAY of scalars: their texts */
	size_t nitems;
};

struct jobj {
	struct jv *m;
	size_t n;
};

/* Parses LINE. Returns 0, or -1 with a message in ERR. */
int jobj_parse(const char *line, struct jobj *out, char *err, size_t errsize);
void jobj_free(struct jobj *o);
const struct jv *jobj_get(const struct jobj *o, const char *key);
/* The scalar text of KEY, or NULL (absent or not a scalar). */
const char *jobj_str(const struct jobj *o, const char *key);

#endif
