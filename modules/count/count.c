/* count: counts the guest's syscalls by name and prints a table at exit,
 * like a simple `strace -c` without times. Passes every call.
 *
 *   -m count[:only=NAME|CLASS,...][:errors][:out=FILE]
 *
 * only=   syscall names or classes (path, fd, network, process, signal,
 *         memory, ipc, creds, stat, path_out, mount) to trap; default: all
 * errors  also count failed calls (asks for each call's exit stop)
 * out=    write the table to FILE instead of stderr
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <umvisor/module.h>

struct count_row {
	char name[40];		/* copied: unknown calls' names are per call */
	uint64_t calls;
	uint64_t errors;
};

struct count_state {
	struct count_row *rows;
	size_t nrows, cap;
	int errors;		/* count errors (POST) */
	char *out;
};

static const struct {
	const char *name;
	unsigned cls;
} classes[] = {
	{ "path", UMV_CLASS_PATH }, { "fd", UMV_CLASS_FD },
	{ "network", UMV_CLASS_NETWORK }, { "process", UMV_CLASS_PROCESS },
	{ "signal", UMV_CLASS_SIGNAL }, { "memory", UMV_CLASS_MEMORY },
	{ "ipc", UMV_CLASS_IPC }, { "creds", UMV_CLASS_CREDS },
	{ "stat", UMV_CLASS_STAT }, { "path_out", UMV_CLASS_PATH_OUT },
	{ "mount", UMV_CLASS_MOUNT },
};

static int want_one(struct umv_mod *mod, const char *item)
{
	int rc;

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strcmp(item, classes[i].name) == 0)
			return umv_want_class(mod, classes[i].cls);
	rc = umv_want_syscall(mod, item);
	if (rc == -ENOENT)
		umv_log(mod, UMV_LOG_ERROR, "only=: '%s' is neither a syscall nor a class", item);
	return rc;
}

static int parse_only(struct umv_mod *mod, char *list)
{
	char *save = NULL;
	int n = 0, rc;

	for (char *item = strtok_r(list, ",|", &save); item; item = strtok_r(NULL, ",|", &save)) {
		if ((rc = want_one(mod, item)) < 0)
			return rc;
		n++;
	}
	if (n == 0) {
		umv_log(mod, UMV_LOG_ERROR, "only= needs at least one syscall or class");
		return -EINVAL;
	}
	return 0;
}

/* OPTIONS: groups separated by ':'; only= lists separated by ',' or '|'. */
static int parse_options(struct umv_mod *mod, struct count_state *st, const char *options)
{
	char *copy, *save = NULL;
	int rc = 0, have_only = 0;

	if (!options || !*options)
		return umv_want_all(mod);
	copy = strdup(options);
	if (!copy)
		return -ENOMEM;
	for (char *g = strtok_r(copy, ":", &save); g && rc == 0; g = strtok_r(NULL, ":", &save)) {
		if (strncmp(g, "only=", 5) == 0) {
			rc = parse_only(mod, g + 5);
			have_only = 1;
		} else if (strcmp(g, "errors") == 0) {
			st->errors = 1;
		} else if (strncmp(g, "out=", 4) == 0 && g[4]) {
			free(st->out);
			st->out = strdup(g + 4);
			if (!st->out)
				rc = -ENOMEM;
		} else {
			umv_log(mod, UMV_LOG_ERROR, "unknown option '%s' (only=LIST, errors, out=FILE)", g);
			rc = -EINVAL;
		}
	}
	free(copy);
	if (rc == 0 && !have_only)
		rc = umv_want_all(mod);
	return rc;
}

static int count_init(struct umv_mod *mod, const char *options)
{
	struct count_state *st = calloc(1, sizeof(*st));
	int rc;

	if (!st)
		return -ENOMEM;
	rc = parse_options(mod, st, options);
	if (rc < 0) {
		free(st->out);
		free(st);
		return rc;
	}
	umv_mod_set_data(mod, st);
	return 0;
}

static struct count_row *row_for(struct count_state *st, const char *name)
{
	for (size_t i = 0; i < st->nrows; i++)
		if (strcmp(st->rows[i].name, name) == 0)
			return &st->rows[i];
	if (st->nrows == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 64;
		struct count_row *grown = realloc(st->rows, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		st->rows = grown;
		st->cap = cap;
	}
	st->rows[st->nrows] = (struct count_row){ 0 };
	snprintf(st->rows[st->nrows].name, sizeof(st->rows[st->nrows].name), "%s", name);
	return &st->rows[st->nrows++];
}

static enum umv_verdict count_enter(struct umv_mod *mod, struct umv_call *call)
{
	struct count_state *st = umv_mod_get_data(mod);
	const char *name = umv_call_name(call);
	struct count_row *row = name ? row_for(st, name) : NULL;

	if (row)
		row->calls++;
	return st->errors ? UMV_POST : UMV_PASS;
}

static void count_leave(struct umv_mod *mod, struct umv_call *call, int64_t *result)
{
	struct count_state *st = umv_mod_get_data(mod);
	struct count_row *row;
	const char *name = umv_call_name(call);

	if (name && *result < 0 && *result >= -4095 && (row = row_for(st, name)))
		row->errors++;
}

static int by_calls(const void *a, const void *b)
{
	const struct count_row *x = a, *y = b;

	if (x->calls != y->calls)
		return x->calls < y->calls ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void count_fini(struct umv_mod *mod)
{
	struct count_state *st = umv_mod_get_data(mod);
	FILE *out = stderr;
	uint64_t total = 0, total_err = 0;

	if (!st)
		return;
	if (st->out && !(out = fopen(st->out, "w"))) {
		umv_log(mod, UMV_LOG_ERROR, "cannot write %s: %s", st->out, strerror(errno));
		out = stderr;
	}
	if (st->nrows)
		qsort(st->rows, st->nrows, sizeof(*st->rows), by_calls);
	fprintf(out, "%10s %10s %s\n", "calls", st->errors ? "errors" : "", "syscall");
	fprintf(out, "---------- ---------- ----------------\n");
	for (size_t i = 0; i < st->nrows; i++) {
		total += st->rows[i].calls;
		total_err += st->rows[i].errors;
		if (st->errors && st->rows[i].errors)
			fprintf(out, "%10llu %10llu %s\n", (unsigned long long)st->rows[i].calls,
				(unsigned long long)st->rows[i].errors, st->rows[i].name);
		else
			fprintf(out, "%10llu %10s %s\n", (unsigned long long)st->rows[i].calls, "",
				st->rows[i].name);
	}
	fprintf(out, "---------- ---------- ----------------\n");
	if (st->errors)
		fprintf(out, "%10llu %10llu total\n", (unsigned long long)total,
			(unsigned long long)total_err);
	else
		fprintf(out, "%10llu %10s total\n", (unsigned long long)total, "");
	if (out != stderr)
		fclose(out);
	else
		fflush(out);
	free(st->rows);
	free(st->out);
	free(st);
	umv_mod_set_data(mod, NULL);
}

const struct umv_module_ops umv_module_v1 = {
	.abi = UMV_ABI_VERSION,
	.size = sizeof(struct umv_module_ops),
	.name = "count",
	.summary = "count syscalls by name (and errors), print a table at exit",
	.init = count_init,
	.fini = count_fini,
	.enter = count_enter,
	.leave = count_leave,
};
