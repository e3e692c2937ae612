/* Converts one argument in strace's notation (as the text printer writes
 * it) to one JSON value; the mapping is documented in doc/trace-format.md
 * (schema v3, member "values"). */
#ifndef UMV_TRACE_NOTATION_JSON_H
#define UMV_TRACE_NOTATION_JSON_H

#include <stddef.h>

#include "modules/trace/record.h"

/* Appends exactly one JSON value for TEXT[0..n) to OUT. Never fails: what
 * it cannot parse becomes {"text": TEXT}. Output is always ASCII JSON. */
void notation_to_json(struct sbuf *out, const char *text, size_t n);

#endif
