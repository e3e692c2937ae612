/* Loading modules: -m NAME[:OPTIONS] finds NAME.so in UMVISOR_MODULE_PATH
 * (colon list), then, for a binary run from its build tree, in that tree's
 * .libs, then UMV_MODULE_DIR; a NAME with a '/' is a path. The
 * descriptor umv_module_v1 is checked (ABI, size, name) and init() runs with
 * the options. Any failure is one line and exit 125 (by the caller). */
#include "config.h"
#include "monitor/dispatch.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef UMV_MODULE_DIR
#error "UMV_MODULE_DIR must be defined by the build (the installed module directory)"
#endif
#ifndef UMV_BUILD_DIR
#error "UMV_BUILD_DIR must be defined by the build (the build tree, for uninstalled runs)"
#endif

static struct umv_mod *mods[MON_MAX_MODULES];
static size_t nmods;

/* The smallest descriptor we accept: everything up to leave. */
#define OPS_MIN_SIZE (offsetof(struct umv_module_ops, leave) + sizeof(void (*)(void)))
#define OPS_HAS(m, field)                                                      \
	((m)->ops->size >= offsetof(struct umv_module_ops, field) +            \
				   sizeof((m)->ops->field) && (m)->ops->field)

size_t mon_modules_count(void)
{
	return nmods;
}

struct umv_mod *mon_module_at(size_t i)
{
	return i < nmods ? mods[i] : NULL;
}

/* Candidate file for NAME in DIR; returns 1 if it exists. */
static int candidate(const char *dir, size_t dirlen, const char *name, char **out)
{
	if (asprintf(out, "%.*s/%s.so", (int)dirlen, dir, name) < 0) {
		*out = NULL;
		return -ENOMEM;
	}
	if (access(*out, F_OK) == 0)
		return 1;
	free(*out);
	*out = NULL;
	return 0;
}

/* An uninstalled umvisor (run as BUILD/umvisor, or by libtool as
 * BUILD/.libs/lt-umvisor) finds the modules built beside it, so the build
 * tree works without `make install` or UMVISOR_MODULE_PATH. */
static bool running_from_build_tree(void)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t blen = strlen(UMV_BUILD_DIR);
	const char *rest;

	if (n <= 0 || (size_t)n <= blen)
		return false;
	exe[n] = '\0';
	if (strncmp(exe, UMV_BUILD_DIR, blen) != 0 || exe[blen] != '/')
		return false;
	rest = exe + blen + 1;
	if (strncmp(rest, ".libs/", 6) == 0)
		rest += 6;
	return strchr(rest, '/') == NULL;
}

static int find_module(const char *name, char **path)
{
	const char *env = getenv("UMVISOR_MODULE_PATH");
	int rc;

	if (strchr(name, '/')) {
		if (access(name, F_OK) < 0)
			return 0;
		*path = strdup(name);
		return *path ? 1 : -ENOMEM;
	}
	if (name[0] == '.' || strlen(name) > 255) {
		return 0;
	}
	while (env && *env) {
		const char *end = strchr(env, ':');
		size_t len = end ? (size_t)(end - env) : strlen(env);
		if (len > 0 && (rc = candidate(env, len, name, path)) != 0)
			return rc;
		env = end ? end + 1 : NULL;
	}
	if (running_from_build_tree() &&
	    (rc = candidate(UMV_BUILD_DIR "/.libs", strlen(UMV_BUILD_DIR "/.libs"), name, path)) != 0)
		return rc;
	return candidate(UMV_MODULE_DIR, strlen(UMV_MODULE_DIR), name, path);
}

static int load_one(const struct mon_module_spec *spec)
{
	struct umv_mod *m;
	char *path = NULL;
	const char *err;
	int rc;

	rc = find_module(spec->name, &path);
	if (rc == 0) {
		const char *env = getenv("UMVISOR_MODULE_PATH");
		bool build = running_from_build_tree();
		mon_log(MON_LOG_ERROR, "module '%s' not found (searched %s%s%s%s)", spec->name,
			env && *env ? env : "", env && *env ? ":" : "",
			build ? UMV_BUILD_DIR "/.libs:" : "", UMV_MODULE_DIR);
		return -ENOENT;
	}
	if (rc < 0)
		return rc;
	m = calloc(1, sizeof(*m));
	if (!m || !(m->want = calloc(SC_ID_COUNT, 1))) {
		free(m);
		free(path);
		return -ENOMEM;
	}
	m->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!m->dl) {
		err = dlerror();
		mon_log(MON_LOG_ERROR, "module '%s': cannot load %s: %s", spec->name, path,
			err ? err : "unknown error");
		rc = -ENOEXEC;
		goto fail;
	}
	m->ops = dlsym(m->dl, "umv_module_v1");
	if (!m->ops) {
		mon_log(MON_LOG_ERROR, "module '%s': %s has no umv_module_v1 descriptor (not a umvisor module?)",
			spec->name, path);
		rc = -ENOEXEC;
		goto fail;
	}
	if (m->ops->abi != UMV_ABI_VERSION || m->ops->size < OPS_MIN_SIZE) {
		mon_log(MON_LOG_ERROR, "module '%s': ABI version %u (size %u) is not ours (%u): rebuild it against this umvisor",
			spec->name, m->ops->abi, m->ops->size, UMV_ABI_VERSION);
		rc = -ENOEXEC;
		goto fail;
	}
	if (!m->ops->name || !m->ops->init) {
		mon_log(MON_LOG_ERROR, "module '%s': descriptor without name or init", spec->name);
		rc = -ENOEXEC;
		goto fail;
	}
	m->name = strdup(m->ops->name);
	if (!m->name) {
		rc = -ENOMEM;
		goto fail;
	}
	m->index = nmods;
	m->in_init = true;
	rc = m->ops->init(m, spec->options);
	m->in_init = false;
	if (rc < 0 && m->logged_in_init) {
		goto fail;	/* the module said why, in one line */
	} else if (rc < 0) {
		mon_log(MON_LOG_ERROR, "module '%s': initialisation failed%s%s%s: %s", spec->name,
			spec->options ? " (options '" : "", spec->options ? spec->options : "",
			spec->options ? "')" : "", strerror(-rc));
		goto fail;
	}
	if (rc > 0)
		rc = 0;
	mods[nmods++] = m;
	mon_log(MON_LOG_INFO, "module '%s' loaded from %s", m->name, path);
	free(path);
	return 0;
fail:
	if (m->dl)
		dlclose(m->dl);
	free(m->name);
	free(m->want);
	free(m->conds);
	free(m);
	free(path);
	return rc < 0 ? rc : -EINVAL;
}

int mon_modules_load(const struct mon_module_spec *specs, size_t n)
{
	int rc;

	if (n > MON_MAX_MODULES) {
		mon_log(MON_LOG_ERROR, "too many modules (%zu, at most %d)", n, MON_MAX_MODULES);
		return -E2BIG;
	}
	for (size_t i = 0; i < n; i++) {
		rc = load_one(&specs[i]);
		if (rc < 0) {
			if (rc == -ENOMEM)
				mon_log(MON_LOG_ERROR, "out of memory loading module '%s'", specs[i].name);
			mon_modules_fini();
			return rc;
		}
	}
	rc = mon_interest_init();
	if (rc < 0)
		mon_log(MON_LOG_ERROR, "cannot set up the modules' interests: %s", strerror(-rc));
	return rc;
}

void mon_modules_thread_start(pid_t pid, pid_t tid, pid_t parent_tid)
{
	for (size_t i = 0; i < nmods; i++)
		if (OPS_HAS(mods[i], thread_start))
			mods[i]->ops->thread_start(mods[i], pid, tid, parent_tid);
}

void mon_modules_thread_exit(pid_t pid, pid_t tid, int wstatus)
{
	for (size_t i = 0; i < nmods; i++)
		if (OPS_HAS(mods[i], thread_exit))
			mods[i]->ops->thread_exit(mods[i], pid, tid, wstatus);
}

void mon_modules_exec_takeover(pid_t pid, pid_t former_tid)
{
	for (size_t i = 0; i < nmods; i++)
		if (OPS_HAS(mods[i], exec_takeover))
			mods[i]->ops->exec_takeover(mods[i], pid, former_tid);
}

bool mon_modules_want_signals(void)
{
	for (size_t i = 0; i < nmods; i++)
		if (OPS_HAS(mods[i], signal))
			return true;
	return false;
}

void mon_modules_signal(pid_t pid, pid_t tid, const siginfo_t *info)
{
	for (size_t i = 0; i < nmods; i++)
		if (OPS_HAS(mods[i], signal))
			mods[i]->ops->signal(mods[i], pid, tid, info);
}

const char *mon_module_name_at(size_t i)
{
	return i < nmods ? mods[i]->name : "umvisor";
}

void mon_modules_process_exit(pid_t pid, int wstatus)
{
	for (size_t i = 0; i < nmods; i++)
		if (OPS_HAS(mods[i], process_exit))
			mods[i]->ops->process_exit(mods[i], pid, wstatus);
}

void mon_modules_fini(void)
{
	while (nmods > 0) {
		struct umv_mod *m = mods[--nmods];
		if (OPS_HAS(m, fini))
			m->ops->fini(m);
		dlclose(m->dl);
		free(m->name);
		free(m->want);
		free(m->conds);
		free(m);
	}
}

/* ---- SDK: interests, module data, logging ---- */

int umv_want_syscall(struct umv_mod *mod, const char *name)
{
	enum sc_id id;

	if (!mod || !name)
		return -EINVAL;
	if (!mod->in_init)
		return -EBUSY;
	id = sc_id_from_name(name);
	if (id == SC_ID_UNKNOWN || id >= SC_ID_COUNT)
		return -ENOENT;
	mod->want[id] = MON_WANT_ALL;
	return 0;
}

int umv_want_syscall_if(struct umv_mod *mod, const char *name, unsigned arg, enum umv_cmp cmp,
			uint64_t mask, uint64_t value)
{
	const struct sc_info *info;
	struct sc_filter_rule *grown;
	enum sc_id id;

	if (!mod || !name || cmp < UMV_CMP_EQ || cmp > UMV_CMP_MASKED_NE)
		return -EINVAL;
	if (!mod->in_init)
		return -EBUSY;
	id = sc_id_from_name(name);
	if (id == SC_ID_UNKNOWN || id >= SC_ID_COUNT || !(info = sc_info(id)))
		return -ENOENT;
	if (arg >= info->nargs)
		return -EINVAL;
	if (mod->want[id] == MON_WANT_ALL)
		return 0;	/* already wanted whole */
	grown = realloc(mod->conds, (mod->nconds + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	mod->conds = grown;
	mod->conds[mod->nconds++] = (struct sc_filter_rule){
		.id = id, .cmp = (enum sc_cmp)cmp, .arg = (uint8_t)arg,
		.mask = (cmp == UMV_CMP_MASKED_EQ || cmp == UMV_CMP_MASKED_NE) ? mask : UINT64_MAX,
		.value = value,
	};
	mod->want[id] = MON_WANT_IF;
	return 0;
}

int umv_want_class(struct umv_mod *mod, unsigned classes)
{
	if (!mod || classes == 0 || (classes & ~((UMV_CLASS_MULTIPLEXER << 1) - 1)))
		return -EINVAL;
	if (!mod->in_init)
		return -EBUSY;
	mod->classes |= classes;
	return 0;
}

int umv_want_all(struct umv_mod *mod)
{
	if (!mod)
		return -EINVAL;
	if (!mod->in_init)
		return -EBUSY;
	mod->want_all = true;
	return 0;
}

void umv_mod_set_data(struct umv_mod *mod, void *data)
{
	if (mod)
		mod->data = data;
}

void *umv_mod_get_data(const struct umv_mod *mod)
{
	return mod ? mod->data : NULL;
}

const char *umv_mod_name(const struct umv_mod *mod)
{
	return mod ? mod->name : NULL;
}

void umv_log(struct umv_mod *mod, int level, const char *fmt, ...)
{
	va_list ap;

	if (!fmt)
		return;
	if (mod && mod->in_init && level <= UMV_LOG_ERROR)
		mod->logged_in_init = true;
	va_start(ap, fmt);
	mon_vlog(level, mod && mod->name ? mod->name : "module", fmt, ap);
	va_end(ap);
}
