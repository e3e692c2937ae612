/* The bind module: -b HOST:GUEST (repeatable; -b DIR binds DIR at the same
 * path), -r ROOT (ROOT is the guest's /, with the host's /proc, /sys and
 * /dev bound in unless hostfs=0), -w DIR (initial guest cwd). Options, as
 * umvisor passes them: "bind=HOST:GUEST,root=ROOT,cwd=DIR,hostfs=0|1".
 * The monitor's path layer does the work; this module only mounts. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <umvisor/module.h>

struct bind_opts {
	char *root;
	bool hostfs;
};

static int do_bind(struct umv_mod *mod, const char *host, const char *guest)
{
	int rc = umv_vfs_bind(mod, host, guest, 0);

	if (rc < 0)
		umv_log(mod, UMV_LOG_ERROR, "cannot bind %s at %s: %s", host, guest, strerror(-rc));
	return rc;
}

/* HOST:GUEST or DIR; both absolute. The last ':' splits, so a host path
 * may contain colons when a guest path is given. */
static int bind_spec(struct umv_mod *mod, char *spec)
{
	char *colon = strrchr(spec, ':');
	const char *host = spec, *guest = spec;

	if (colon) {
		*colon = '\0';
		guest = colon + 1;
	}
	if (host[0] != '/' || guest[0] != '/') {
		umv_log(mod, UMV_LOG_ERROR, "-b %s%s%s: HOST and GUEST must be absolute paths",
			host, colon ? ":" : "", colon ? guest : "");
		return -EINVAL;
	}
	return do_bind(mod, host, guest);
}

static int bind_init(struct umv_mod *mod, const char *options)
{
	static const char *const hostfs[] = { "/proc", "/sys", "/dev" };
	struct bind_opts o = { .hostfs = true };
	char *copy, *save = NULL, *tok, *cwd = NULL;
	int rc = 0;

	if (!options || !*options) {
		/* -m bind alone: nothing mounted yet, runtime mounts only
		 * (mount -t umvisor.bind); binding / at / starts the path layer. */
		return do_bind(mod, "/", "/");
	}
	if (!(copy = strdup(options)))
		return -ENOMEM;
	/* Two passes: the root goes first, whatever the order given, so the
	 * binds land on top of it. */
	for (tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
		if (strncmp(tok, "root=", 5) == 0) {
			free(o.root);
			if (!(o.root = strdup(tok + 5)))
				rc = -ENOMEM;
		} else if (strcmp(tok, "hostfs=0") == 0) {
			o.hostfs = false;
		} else if (strcmp(tok, "hostfs=1") == 0) {
			o.hostfs = true;
		} else if (strncmp(tok, "cwd=", 4) == 0) {
			free(cwd);
			if (!(cwd = strdup(tok + 4)))
				rc = -ENOMEM;
		} else if (strncmp(tok, "bind=", 5) != 0) {
			umv_log(mod, UMV_LOG_ERROR, "unknown option '%s' (bind=, root=, cwd=, hostfs=)", tok);
			rc = -EINVAL;
		}
	}
	free(copy);
	if (rc == 0 && o.root) {
		if (o.root[0] != '/') {
			umv_log(mod, UMV_LOG_ERROR, "-r %s: ROOT must be an absolute path", o.root);
			rc = -EINVAL;
		} else if ((rc = do_bind(mod, o.root, "/")) == 0 && o.hostfs) {
			for (size_t i = 0; i < sizeof(hostfs) / sizeof(hostfs[0]) && rc == 0; i++)
				rc = do_bind(mod, hostfs[i], hostfs[i]);
		}
	}
	if (rc == 0 && (copy = strdup(options))) {
		save = NULL;
		for (tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save))
			if (strncmp(tok, "bind=", 5) == 0)
				rc = bind_spec(mod, tok + 5);
		free(copy);
	} else if (rc == 0) {
		rc = -ENOMEM;
	}
	if (rc == 0 && cwd) {
		if (cwd[0] != '/') {
			umv_log(mod, UMV_LOG_ERROR, "-w %s: DIR must be an absolute guest path", cwd);
			rc = -EINVAL;
		} else if ((rc = umv_vfs_set_cwd(mod, cwd)) < 0) {
			umv_log(mod, UMV_LOG_ERROR, "-w %s: %s", cwd, strerror(-rc));
		}
	}
	if (rc == 0 && !o.root && !cwd) {
		/* hostfs= alone mounts nothing: still a valid, empty view. */
	}
	free(cwd);
	free(o.root);
	return rc;
}

const struct umv_module_ops umv_module_v1 = {
	.abi = UMV_ABI_VERSION,
	.size = sizeof(struct umv_module_ops),
	.name = "bind",
	.summary = "bind host directories into the guest's view (-b, -r, -w)",
	.init = bind_init,
};
