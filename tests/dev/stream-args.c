/* Test module: umv_stream_dir's argument checks and return codes, run in
 * init (and -EBUSY once init is over, at the guest's first getppid).
 * Logs "stream-args: ok" or the first mismatch and fails start-up. */
#include <errno.h>
#include <string.h>
#include <umvisor/module.h>

static ssize_t produce(struct umv_mod *mod, struct umv_stream *s, void *buf, size_t len)
{
	(void)mod;
	(void)s;
	memset(buf, 'z', len > 4 ? 4 : len);
	return len > 4 ? 4 : (ssize_t)len;
}

static const struct umv_stream_ops ops = { .size = sizeof(struct umv_stream_ops), .produce = produce };
static const struct umv_stream_node good[] = { { "z", UMV_STREAM_READ } };

static int expect(struct umv_mod *mod, const char *what, int got, int want)
{
	if (got == want)
		return 0;
	umv_log(mod, UMV_LOG_ERROR, "%s: got %d, want %d", what, got, want);
	return -EPROTO;
}

static int args_init(struct umv_mod *mod, const char *options)
{
	struct umv_stream_ops small = ops;
	struct umv_stream_node bad[] = { { "", UMV_STREAM_READ }, { "a/b", UMV_STREAM_READ },
		{ "..", UMV_STREAM_READ }, { "m0", 0 }, { "m8", 8 }, { NULL, UMV_STREAM_READ } };
	int rc = 0;

	(void)options;
	small.size = 4;
	rc |= expect(mod, "NULL mod", umv_stream_dir(NULL, "/d", good, 1, &ops), -EINVAL);
	rc |= expect(mod, "relative dir", umv_stream_dir(mod, "d", good, 1, &ops), -EINVAL);
	rc |= expect(mod, "no nodes", umv_stream_dir(mod, "/d", good, 0, &ops), -EINVAL);
	rc |= expect(mod, "NULL ops", umv_stream_dir(mod, "/d", good, 1, NULL), -EINVAL);
	rc |= expect(mod, "small ops", umv_stream_dir(mod, "/d", good, 1, &small), -EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		rc |= expect(mod, "bad node", umv_stream_dir(mod, "/d", &bad[i], 1, &ops), -EINVAL);
	rc |= expect(mod, "good", umv_stream_dir(mod, "/umv-stream-args", good, 1, &ops), 0);
	rc |= expect(mod, "second dir", umv_stream_dir(mod, "/umv-stream-args2", good, 1, &ops), -EEXIST);
	rc |= expect(mod, "want getppid", umv_want_syscall(mod, "getppid"), 0);
	if (rc == 0)
		umv_log(mod, UMV_LOG_WARN, "init ok");
	return rc ? -EPROTO : 0;
}

static enum umv_verdict args_enter(struct umv_mod *mod, struct umv_call *call)
{
	if (strcmp(umv_call_name(call), "getppid") == 0) {
		if (umv_stream_dir(mod, "/x", good, 1, &ops) == -EBUSY)
			umv_log(mod, UMV_LOG_WARN, "after init: EBUSY ok");
		return UMV_PASS;
	}
	return umv_stream_enter(mod, call);
}

static void args_leave(struct umv_mod *mod, struct umv_call *call, int64_t *result)
{
	umv_stream_leave(mod, call, result);
}

static void args_fini(struct umv_mod *mod)
{
	umv_stream_stop(mod);
}

const struct umv_module_ops umv_module_v1 = {
	.abi = UMV_ABI_VERSION,
	.size = sizeof(struct umv_module_ops),
	.name = "stream-args",
	.summary = "test: umv_stream_dir argument checks",
	.init = args_init,
	.fini = args_fini,
	.enter = args_enter,
	.leave = args_leave,
};
