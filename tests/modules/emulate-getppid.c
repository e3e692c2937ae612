/* Test-only module: answers getppid with value=N (default 4242) without
 * running it. Used to see that a call was trapped and emulated (64-bit and
 * i386 guests, children started with CLONE_UNTRACED) and by the
 * engine.emulate benchmark. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <umvisor/module.h>

static int emu_init(struct umv_mod *mod, const char *options)
{
	long *value = malloc(sizeof(*value));
	char *end;
	int rc;

	if (!value)
		return -ENOMEM;
	*value = 4242;
	if (options && *options) {
		if (strncmp(options, "value=", 6) != 0) {
			umv_log(mod, UMV_LOG_ERROR, "unknown option '%s' (value=N)", options);
			free(value);
			return -EINVAL;
		}
		errno = 0;
		*value = strtol(options + 6, &end, 0);
		if (errno || end == options + 6 || *end) {
			umv_log(mod, UMV_LOG_ERROR, "value=: not a number: '%s'", options + 6);
			free(value);
			return -EINVAL;
		}
	}
	if ((rc = umv_want_syscall(mod, "getppid")) < 0) {
		free(value);
		return rc;
	}
	umv_mod_set_data(mod, value);
	return 0;
}

static void emu_fini(struct umv_mod *mod)
{
	free(umv_mod_get_data(mod));
}

static enum umv_verdict emu_enter(struct umv_mod *mod, struct umv_call *call)
{
	const long *value = umv_mod_get_data(mod);

	if (strcmp(umv_call_name(call), "getppid") != 0)
		return UMV_PASS;
	umv_call_set_result(call, *value);
	return UMV_EMULATE;
}

const struct umv_module_ops umv_module_v1 = {
	.abi = UMV_ABI_VERSION,
	.size = sizeof(struct umv_module_ops),
	.name = "emulate-getppid",
	.summary = "test: getppid returns value=N",
	.init = emu_init,
	.fini = emu_fini,
	.enter = emu_enter,
};
