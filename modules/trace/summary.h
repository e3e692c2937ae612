/* The strace -c style table: calls, errors and time per syscall. */
#ifndef UMV_TRACE_SUMMARY_H
#define UMV_TRACE_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

struct sbuf;

struct trace_summary_row {
	char name[40];
	uint64_t calls, errors;
	double seconds;
};

struct trace_summary {
	struct trace_summary_row *rows;
	size_t n, cap;
};

/* Counts one call (RESULT in -4095..-1 is an error). Out of memory: the
 * call is not counted. */
void trace_summary_add(struct trace_summary *s, const char *name, int64_t result, double seconds);
/* Appends the table, sorted by time then calls, to OUT. */
void trace_summary_print(struct trace_summary *s, struct sbuf *out);
void trace_summary_free(struct trace_summary *s);

#endif
