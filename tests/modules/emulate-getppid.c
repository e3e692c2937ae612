/* Test-only module: answers getppid (or call=NAME) with value=N (default
 * 4242) without running it. Used to see that a call was trapped and
 * emulated (64-bit and i386 guests, children started with CLONE_UNTRACED),
 * that vsyscall-page calls are never emulated, and by the engine.emulate
 * benchmark. Options: value=N, call=NAME, comma-separated. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <umvisor/module.h>

struct emu_state {
	long value;
	int id;
};

static int parse(struct umv_mod *mod, struct emu_state *st, char *opts)
{
	char *save = NULL, *end;
	const char *call = "getppid";

	for (char *g = strtok_r(opts, ",", &save); g; g = strtok_r(NULL, ",", &save)) {
		if (strncmp(g, "value=", 6) == 0) {
			errno = 0;
			st->value = strtol(g + 6, &end, 0);
			if (errno || end == g + 6 || *end) {
				umv_log(mod, UMV_LOG_ERROR, "value=: not a number: '%s'", g + 6);
				return -EINVAL;
			}
		} else if (strncmp(g, "call=", 5) == 0 && g[5]) {
			call = g + 5;
		} else {
			umv_log(mod, UMV_LOG_ERROR, "unknown option '%s' (value=N, call=NAME)", g);
			return -EINVAL;
		}
	}
	st->id = umv_sysid(call);
	if (st->id < 0) {
		umv_log(mod, UMV_LOG_ERROR, "call=: no syscall '%s'", call);
		return -EINVAL;
	}
	return umv_want_syscall(mod, call);
}

static int emu_init(struct umv_mod *mod, const char *options)
{
	struct emu_state *st = malloc(sizeof(*st));
	char *copy = strdup(options ? options : "");
	int rc;

	if (!st || !copy) {
		free(st);
		free(copy);
		return -ENOMEM;
	}
	st->value = 4242;
	rc = parse(mod, st, copy);
	free(copy);
	if (rc < 0) {
		free(st);
		return rc;
	}
	umv_mod_set_data(mod, st);
	return 0;
}

static void emu_fini(struct umv_mod *mod)
{
	free(umv_mod_get_data(mod));
}

static enum umv_verdict emu_enter(struct umv_mod *mod, struct umv_call *call)
{
	const struct emu_state *st = umv_mod_get_data(mod);

	if (umv_call_sysid(call) != st->id)
		return UMV_PASS;
	umv_call_set_result(call, st->value);
	return UMV_EMULATE;
}

const struct umv_module_ops umv_module_v1 = {
	.abi = UMV_ABI_VERSION,
	.size = sizeof(struct umv_module_ops),
	.name = "emulate-getppid",
	.summary = "test: getppid (or call=NAME) returns value=N",
	.init = emu_init,
	.fini = emu_fini,
	.enter = emu_enter,
};
