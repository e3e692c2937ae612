/* strace -c style table. Times are the wall-clock time between the entry
 * and exit stops as the monitor saw them (strace -c -w), not CPU time. */
#include "modules/trace/summary.h"
#include "modules/trace/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void trace_summary_add(struct trace_summary *s, const char *name, int64_t result, double seconds)
{
	struct trace_summary_row *r = NULL;

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->rows[i].name, name) == 0) {
			r = &s->rows[i];
			break;
		}
	if (!r) {
		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 64;
			struct trace_summary_row *g = realloc(s->rows, cap * sizeof(*g));
			if (!g)
				return;
			s->rows = g;
			s->cap = cap;
		}
		r = &s->rows[s->n++];
		memset(r, 0, sizeof(*r));
		snprintf(r->name, sizeof(r->name), "%s", name);
	}
	r->calls++;
	if (result < 0 && result >= -4095)
		r->errors++;
	r->seconds += seconds;
}

static int by_time(const void *a, const void *b)
{
	const struct trace_summary_row *x = a, *y = b;

	if (x->seconds != y->seconds)
		return x->seconds < y->seconds ? 1 : -1;
	if (x->calls != y->calls)
		return x->calls < y->calls ? 1 : -1;
	return strcmp(x->name, y->name);
}

static const char rule[] = "------ ----------- ----------- --------- --------- ----------------\n";

void trace_summary_print(struct trace_summary *s, struct sbuf *out)
{
	double total = 0;
	uint64_t calls = 0, errors = 0;

	if (s->n)
		qsort(s->rows, s->n, sizeof(*s->rows), by_time);
	for (size_t i = 0; i < s->n; i++) {
		total += s->rows[i].seconds;
		calls += s->rows[i].calls;
		errors += s->rows[i].errors;
	}
	sbuf_printf(out, "%6s %11s %11s %9s %9s %s\n", "% time", "seconds", "usecs/call", "calls",
		    "errors", "syscall");
	sbuf_puts(out, rule);
	for (size_t i = 0; i < s->n; i++) {
		const struct trace_summary_row *r = &s->rows[i];
		sbuf_printf(out, "%6.2f %11.6f %11.0f %9llu ", total > 0 ? 100.0 * r->seconds / total : 0.0,
			    r->seconds, 1e6 * r->seconds / (double)r->calls,
			    (unsigned long long)r->calls);
		if (r->errors)
			sbuf_printf(out, "%9llu %s\n", (unsigned long long)r->errors, r->name);
		else
			sbuf_printf(out, "%9s %s\n", "", r->name);
	}
	sbuf_puts(out, rule);
	sbuf_printf(out, "%6s %11.6f %11.0f %9llu %9llu total\n", "100.00", total,
		    calls ? 1e6 * total / (double)calls : 0.0, (unsigned long long)calls,
		    (unsigned long long)errors);
}

void trace_summary_free(struct trace_summary *s)
{
	free(s->rows);
	*s = (struct trace_summary){ 0 };
}
