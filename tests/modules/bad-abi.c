/* Test-only module built for a future ABI: the loader must refuse it with
 * one line and exit 125, never call into it. */
#include <stdlib.h>
#include <umvisor/module.h>

static int never_init(struct umv_mod *mod, const char *options)
{
	(void)mod;
	(void)options;
	abort();	/* the loader must not get here */
}

const struct umv_module_ops umv_module_v1 = {
	.abi = UMV_ABI_VERSION + 1,
	.size = sizeof(struct umv_module_ops),
	.name = "bad-abi",
	.summary = "test: descriptor of another ABI version",
	.init = never_init,
};
