/* Test-only module: halves the count argument of read(fd=N, ...), so a
 * test can see an argument rewrite, and that a read interrupted by a signal
 * and restarted by the kernel (with our registers) is not halved twice.
 * Option "post" also asks for the exit stop and adds 1000 to a positive
 * result there, to test leave(); "shift" also moves the buffer pointer one
 * byte on, so two registers change (one PTRACE_SET_SYSCALL_INFO, or two
 * POKEUSERs without it). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <umvisor/module.h>

struct rw_state {
	long fd;
	int post;
	int shift;	/* also move the buffer one byte on: two registers */
};

static int rw_init(struct umv_mod *mod, const char *options)
{
	struct rw_state *st = calloc(1, sizeof(*st));
	char *copy, *save = NULL, *end;
	int rc = 0;

	if (!st)
		return -ENOMEM;
	st->fd = -1;
	copy = options ? strdup(options) : NULL;
	if (options && !copy) {
		free(st);
		return -ENOMEM;
	}
	for (char *g = copy ? strtok_r(copy, ",:", &save) : NULL; g && rc == 0;
	     g = strtok_r(NULL, ",:", &save)) {
		if (strncmp(g, "fd=", 3) == 0) {
			st->fd = strtol(g + 3, &end, 10);
			if (end == g + 3 || *end || st->fd < 0)
				rc = -EINVAL;
		} else if (strcmp(g, "post") == 0) {
			st->post = 1;
		} else if (strcmp(g, "shift") == 0) {
			st->shift = 1;
		} else {
			rc = -EINVAL;
		}
	}
	free(copy);
	if (rc == 0 && st->fd < 0)
		rc = -EINVAL;
	if (rc < 0) {
		umv_log(mod, UMV_LOG_ERROR, "options: fd=N[,post][,shift]");
		free(st);
		return rc;
	}
	if ((rc = umv_want_syscall(mod, "read")) < 0) {
		free(st);
		return rc;
	}
	umv_mod_set_data(mod, st);
	return 0;
}

static void rw_fini(struct umv_mod *mod)
{
	free(umv_mod_get_data(mod));
}

static enum umv_verdict rw_enter(struct umv_mod *mod, struct umv_call *call)
{
	const struct rw_state *st = umv_mod_get_data(mod);

	if ((long)umv_call_arg(call, 0) != st->fd)
		return UMV_PASS;
	if (umv_call_set_arg(call, 2, umv_call_arg(call, 2) / 2) < 0)
		return UMV_PASS;
	if (st->shift && umv_call_set_arg(call, 1, umv_call_arg(call, 1) + 1) < 0)
		return UMV_PASS;
	if (st->post)
		umv_call_want_leave(call);
	return UMV_REWRITE;
}

static void rw_leave(struct umv_mod *mod, struct umv_call *call, int64_t *result)
{
	(void)mod;
	(void)call;
	if (*result > 0)
		*result += 1000;
}

const struct umv_module_ops umv_module_v1 = {
	.abi = UMV_ABI_VERSION,
	.size = sizeof(struct umv_module_ops),
	.name = "rewrite-test",
	.summary = "test: halve read(fd=N) counts",
	.init = rw_init,
	.fini = rw_fini,
	.enter = rw_enter,
	.leave = rw_leave,
};
