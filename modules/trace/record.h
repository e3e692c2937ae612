/* Text building for the trace module: a growable string, JSON escaping, and
 * the split of a formatted call into its top-level arguments. */
#ifndef UMV_TRACE_RECORD_H
#define UMV_TRACE_RECORD_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;		/* an allocation failed: text is incomplete */
};

void sbuf_reset(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* S as a JSON string, quotes included; bytes >= 0x80 and controls escaped
 * as \u00XX so the output is always valid JSON whatever the guest gave. */
void sbuf_json_str(struct sbuf *b, const char *s, size_t n);

/* In TEXT ("name(a, b, c) = r"), find the argument list: on success *START
 * and *END delimit what is inside the outer parentheses. Returns false if
 * the text has no balanced outer parentheses (a cut line). */
bool record_arg_span(const char *text, size_t *start, size_t *end);
/* Next top-level argument in TEXT[*pos..end): sets *A and *B, advances *POS
 * past the following ", ". Returns false at the end. */
bool record_next_arg(const char *text, size_t end, size_t *pos, size_t *a, size_t *b);

/* How many arguments an entry half ("read(3, " or "openat(AT_FDCWD,
 * \"/x\", O_RDONLY") holds complete: the call's input arguments. */
unsigned record_entry_args(const char *entry);

#endif
