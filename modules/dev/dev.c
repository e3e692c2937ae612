/* The dev module: -m dev[:guest=DIR] (default /dev/umvisor), virtual
 * devices served as module-owned stream fds (umv_stream_*):
 *   counter  each open reads its own lines "1\n2\n3\n..." without end
 *   random   bytes from getrandom(2)
 *   log      what the guest writes goes to the monitor's log, a line each
 * A small example of the stream SDK; see doc/modules.md. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <umvisor/module.h>

enum dev_kind { DEV_COUNTER, DEV_RANDOM, DEV_LOG };

struct dev_stream {
	enum dev_kind kind;
	uint64_t next;		/* counter: the next number */
	char line[256];		/* log: the line being written */
	size_t used;
};

static int dev_open(struct umv_mod *mod, struct umv_stream *s, const char *name, unsigned mode)
{
	struct dev_stream *d = calloc(1, sizeof(*d));

	(void)mod;
	(void)mode;
	if (!d)
		return -ENOMEM;
	if (strcmp(name, "counter") == 0) {
		d->kind = DEV_COUNTER;
		d->next = 1;
	} else if (strcmp(name, "random") == 0) {
		d->kind = DEV_RANDOM;
	} else {
		d->kind = DEV_LOG;
	}
	umv_stream_set_data(s, d);
	return 0;
}

static ssize_t dev_produce(struct umv_mod *mod, struct umv_stream *s, void *buf, size_t len)
{
	struct dev_stream *d = umv_stream_get_data(s);
	size_t used = 0;

	(void)mod;
	if (d->kind == DEV_RANDOM) {
		ssize_t n = getrandom(buf, len, 0);
		return n < 0 ? -errno : n;
	}
	/* Whole lines only, as many as fit. */
	for (;;) {
		char line[24];
		int n = snprintf(line, sizeof(line), "%" PRIu64 "\n", d->next);

		if (n < 0 || used + (size_t)n > len)
			break;
		memcpy((char *)buf + used, line, (size_t)n);
		used += (size_t)n;
		d->next++;
	}
	return (ssize_t)used;
}

static void flush_line(struct umv_mod *mod, struct dev_stream *d)
{
	umv_log(mod, UMV_LOG_WARN, "log: %.*s", (int)d->used, d->line);
	d->used = 0;
}

static void dev_consume(struct umv_mod *mod, struct umv_stream *s, const void *buf, size_t len)
{
	struct dev_stream *d = umv_stream_get_data(s);
	const char *p = buf;

	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\n') {
			flush_line(mod, d);
			continue;
		}
		if (d->used == sizeof(d->line))
			flush_line(mod, d);	/* a long line goes out in pieces */
		d->line[d->used++] = p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '?';
	}
}

static void dev_release(struct umv_mod *mod, struct umv_stream *s)
{
	struct dev_stream *d = umv_stream_get_data(s);

	if (d && d->kind == DEV_LOG && d->used)
		flush_line(mod, d);
	umv_log(mod, UMV_LOG_DEBUG, "stream released");
	free(d);
}

static const struct umv_stream_ops dev_ops = {
	.size = sizeof(struct umv_stream_ops),
	.open = dev_open,
	.produce = dev_produce,
	.consume = dev_consume,
	.release = dev_release,
};

static int dev_init(struct umv_mod *mod, const char *options)
{
	static const struct umv_stream_node nodes[] = {
		{ "counter", UMV_STREAM_READ },
		{ "random", UMV_STREAM_READ },
		{ "log", UMV_STREAM_WRITE },
	};
	const char *guest = "/dev/umvisor";
	int rc;

	if (options && *options) {
		if (strncmp(options, "guest=", 6) != 0 || strchr(options, ',')) {
			umv_log(mod, UMV_LOG_ERROR, "unknown option '%s' (guest=DIR)", options);
			return -EINVAL;
		}
		guest = options + 6;
		if (guest[0] != '/') {
			umv_log(mod, UMV_LOG_ERROR, "guest=%s: must be an absolute path", guest);
			return -EINVAL;
		}
	}
	rc = umv_stream_dir(mod, guest, nodes, sizeof(nodes) / sizeof(nodes[0]), &dev_ops);
	if (rc < 0)
		umv_log(mod, UMV_LOG_ERROR, "cannot serve %s: %s", guest, strerror(-rc));
	return rc;
}

static enum umv_verdict dev_enter(struct umv_mod *mod, struct umv_call *call)
{
	return umv_stream_enter(mod, call);
}

static void dev_leave(struct umv_mod *mod, struct umv_call *call, int64_t *result)
{
	umv_stream_leave(mod, call, result);
}

static void dev_fini(struct umv_mod *mod)
{
	umv_stream_stop(mod);
}

const struct umv_module_ops umv_module_v1 = {
	.abi = UMV_ABI_VERSION,
	.size = sizeof(struct umv_module_ops),
	.name = "dev",
	.summary = "virtual devices as stream fds: counter, random, log (guest=DIR, default /dev/umvisor)",
	.init = dev_init,
	.fini = dev_fini,
	.enter = dev_enter,
	.leave = dev_leave,
};
