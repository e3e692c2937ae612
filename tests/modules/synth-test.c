/* Test-only module for umv_call_redirect_content: an open or openat of a
 * path whose last name is umvisor-synth-test.hello reads "hello PID TID\n"
 * (the caller's ids), umvisor-synth-test.big 1 MiB of "0123456789abcdef",
 * whether the file exists or not. Misuses are
 * checked on the way: a non-path argument must give -EINVAL, a call from
 * leave() -EPERM; a wrong answer serves "BAD ..." instead. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <umvisor/module.h>

#define BIG (1024 * 1024)

static int id_open, id_openat;

static int st_init(struct umv_mod *mod, const char *options)
{
	int rc;

	(void)options;
	id_open = umv_sysid("open");
	id_openat = umv_sysid("openat");
	if ((rc = umv_want_syscall(mod, "open")) < 0 || (rc = umv_want_syscall(mod, "openat")) < 0)
		return rc;
	return 0;
}

static enum umv_verdict serve(struct umv_call *call, unsigned idx, const char *text, size_t len)
{
	int rc = umv_call_redirect_content(call, idx, text, len);

	if (rc == -EINPROGRESS)
		return UMV_PASS;
	if (rc < 0) {
		fprintf(stderr, "synth-test: redirect: %s\n", strerror(-rc));
		return UMV_PASS;
	}
	return UMV_REWRITE;
}

static enum umv_verdict st_enter(struct umv_mod *mod, struct umv_call *call)
{
	unsigned idx = umv_call_sysid(call) == id_openat ? 1 : 0;
	char path[4096], text[128];
	const char *name;
	int n;

	(void)mod;
	if (umv_call_sysid(call) != id_open && umv_call_sysid(call) != id_openat)
		return UMV_PASS;
	if (umv_vm_read_str(call, umv_call_arg(call, idx), path, sizeof(path)) < 0)
		return UMV_PASS;
	name = strrchr(path, '/');
	name = name ? name + 1 : path;
	if (strncmp(name, "umvisor-synth-test.", 19) != 0)
		return UMV_PASS;
	if (umv_call_redirect_content(call, idx + 1, "x", 1) != -EINVAL)
		return serve(call, idx, "BAD: a flags argument was taken as a path\n", 42);
	if (strcmp(name + 19, "big") == 0) {
		char *big = malloc(BIG);
		enum umv_verdict v;

		if (!big)
			return UMV_PASS;
		for (size_t i = 0; i < BIG; i++)
			big[i] = "0123456789abcdef"[i % 16];
		v = serve(call, idx, big, BIG);
		free(big);
		return v;
	}
	if (strcmp(name + 19, "hello") != 0)
		return UMV_PASS;
	umv_call_want_leave(call);
	n = snprintf(text, sizeof(text), "hello %d %d\n", (int)umv_call_pid(call),
		     (int)umv_call_tid(call));
	return serve(call, idx, text, (size_t)n);
}

static void st_leave(struct umv_mod *mod, struct umv_call *call, int64_t *result)
{
	(void)mod;
	if (umv_call_redirect_content(call, 0, "x", 1) != -EPERM)
		*result = -ENOTRECOVERABLE;	/* visible to the test */
}

const struct umv_module_ops umv_module_v1 = {
	.abi = UMV_ABI_VERSION,
	.size = sizeof(struct umv_module_ops),
	.name = "synth-test",
	.summary = "test: synthetic file content",
	.init = st_init,
	.enter = st_enter,
	.leave = st_leave,
};
