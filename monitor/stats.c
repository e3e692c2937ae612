/* Every ptrace request goes through mon_ptrace, which counts it by kind, so
 * the engine's cost per trapped syscall (1 fetch + <= 2 writes + 1 resume)
 * is visible with --stats and checked by the tests. */
#include "monitor/monitor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>

static uint64_t requests[MON_REQ_COUNT];
static uint64_t events[MON_EV_COUNT];

void mon_stats_event(enum mon_event_kind kind)
{
	events[kind]++;
}

struct stop_class {
	uint64_t stops;
	uint64_t n[MON_REQ_COUNT];
	uint64_t max[MON_REQ_COUNT];
	uint64_t over_budget;	/* > 1 fetch, > 2 writes or != 1 resume */
};
static struct stop_class entry_stops, exit_stops;

struct name_count {
	const char *name;	/* static storage (syscall tables) */
	uint64_t count;
};
static struct name_count *names;
static size_t nnames, names_cap;

long mon_ptrace(enum mon_req_kind kind, int request, pid_t tid, void *addr, void *data)
{
	long rc;

	requests[kind]++;
	errno = 0;
	rc = ptrace((enum __ptrace_request)request, tid, addr, data);
	if (rc == -1 && errno != 0)
		return -errno;
	return rc;
}

void mon_req_snapshot(struct mon_req_snapshot *out)
{
	memcpy(out->n, requests, sizeof(out->n));
}

void mon_stats_reset_requests(void)
{
	memset(requests, 0, sizeof(requests));
}

uint64_t mon_stats_requests(enum mon_req_kind kind)
{
	return requests[kind];
}

static void count_name(const char *name)
{
	for (size_t i = 0; i < nnames; i++)
		if (names[i].name == name || strcmp(names[i].name, name) == 0) {
			names[i].count++;
			return;
		}
	if (nnames == names_cap) {
		size_t cap = names_cap ? names_cap * 2 : 64;
		struct name_count *grown = realloc(names, cap * sizeof(*grown));
		if (!grown)
			return;	/* stats are best effort; the guest is unaffected */
		names = grown;
		names_cap = cap;
	}
	names[nnames].name = name;
	names[nnames].count = 1;
	nnames++;
}

void mon_stats_stop(const struct mon_req_snapshot *before, bool entry, const char *name)
{
	struct stop_class *c = entry ? &entry_stops : &exit_stops;
	uint64_t d[MON_REQ_COUNT];

	c->stops++;
	for (int k = 0; k < MON_REQ_COUNT; k++) {
		d[k] = requests[k] - before->n[k];
		c->n[k] += d[k];
		if (d[k] > c->max[k])
			c->max[k] = d[k];
	}
	if (d[MON_REQ_FETCH] > 1 || d[MON_REQ_WRITE] > 2 || d[MON_REQ_RESUME] != 1)
		c->over_budget++;
	if (entry && name)
		count_name(name);
}

static int by_count(const void *a, const void *b)
{
	const struct name_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void print_class(FILE *out, const char *what, const struct stop_class *c)
{
	double s = c->stops ? (double)c->stops : 1.0;

	fprintf(out,
		"umvisor: stats: %s stops %llu: per stop fetches %.2f (max %llu) writes %.2f (max %llu) "
		"resumes %.2f (max %llu) other %.2f (max %llu); over budget %llu\n",
		what, (unsigned long long)c->stops,
		(double)c->n[MON_REQ_FETCH] / s, (unsigned long long)c->max[MON_REQ_FETCH],
		(double)c->n[MON_REQ_WRITE] / s, (unsigned long long)c->max[MON_REQ_WRITE],
		(double)c->n[MON_REQ_RESUME] / s, (unsigned long long)c->max[MON_REQ_RESUME],
		(double)c->n[MON_REQ_OTHER] / s, (unsigned long long)c->max[MON_REQ_OTHER],
		(unsigned long long)c->over_budget);
}

void mon_stats_print(FILE *out)
{
	print_class(out, "entry", &entry_stops);
	print_class(out, "exit", &exit_stops);
	fprintf(out, "umvisor: stats: ptrace requests total: fetch %llu write %llu resume %llu other %llu\n",
		(unsigned long long)requests[MON_REQ_FETCH],
		(unsigned long long)requests[MON_REQ_WRITE],
		(unsigned long long)requests[MON_REQ_RESUME],
		(unsigned long long)requests[MON_REQ_OTHER]);
	fprintf(out, "umvisor: stats: events: new threads %llu (first stop before the parent's event %llu) execs %llu signals %llu group-stops %llu\n",
		(unsigned long long)events[MON_EV_NEW_THREAD], (unsigned long long)events[MON_EV_ORPHAN],
		(unsigned long long)events[MON_EV_EXEC], (unsigned long long)events[MON_EV_SIGNAL],
		(unsigned long long)events[MON_EV_GROUP_STOP]);
	if (nnames)
		qsort(names, nnames, sizeof(*names), by_count);
	for (size_t i = 0; i < nnames; i++)
		fprintf(out, "umvisor: stats: syscall %s %llu\n", names[i].name,
			(unsigned long long)names[i].count);
	fflush(out);
}

void mon_stats_free(void)
{
	free(names);
	names = NULL;
	nnames = names_cap = 0;
}
