/* Loading modules: -m NAME[:OPTIONS] finds NAME.so in UMVISOR_MODULE_PATH
 * (colon list), then, for a binary run from its build tree, in that tree's
 * .libs, then UMV_MODULE_DIR; a NAME with a '/' is a path. The
 * descriptor umv_module_v1 is checked (ABI, size, name) and init() runs with
 * the options. Any failure is one line and exit 125 (by the caller). */
#include "config.h"
#include "monitor/dispatch.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
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

/* Free an instance that never ran init, or whose init failed. */
static void mod_free(struct umv_mod *m)
{
	if (m->private_lock >= 0)
		close(m->private_lock);
	if (m->dl)
		dlclose(m->dl);
	free(m->name);
	free(m->want);
	free(m->conds);
	free(m->mount_point);
	free(m);
}

/* Finds, opens and checks NAME's descriptor; *OUT is ready for init. */
static int open_module(const char *name, struct umv_mod **out)
{
	struct umv_mod *m;
	char *path = NULL;
	const char *err;
	int rc;

	rc = find_module(name, &path);
	if (rc == 0) {
		const char *env = getenv("UMVISOR_MODULE_PATH");
		bool build = running_from_build_tree();
		mon_log(MON_LOG_ERROR, "module '%s' not found (searched %s%s%s%s)", name,
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
	m->private_lock = -1;
	m->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!m->dl) {
		err = dlerror();
		mon_log(MON_LOG_ERROR, "module '%s': cannot load %s: %s", name, path,
			err ? err : "unknown error");
		rc = -ENOEXEC;
		goto fail;
	}
	m->ops = dlsym(m->dl, "umv_module_v1");
	if (!m->ops) {
		mon_log(MON_LOG_ERROR, "module '%s': %s has no umv_module_v1 descriptor (not a umvisor module?)",
			name, path);
		rc = -ENOEXEC;
		goto fail;
	}
	if (m->ops->abi != UMV_ABI_VERSION || m->ops->size < OPS_MIN_SIZE) {
		mon_log(MON_LOG_ERROR, "module '%s': ABI version %u (size %u) is not ours (%u): rebuild it against this umvisor",
			name, m->ops->abi, m->ops->size, UMV_ABI_VERSION);
		rc = -ENOEXEC;
		goto fail;
	}
	if (!m->ops->name || !m->ops->init) {
		mon_log(MON_LOG_ERROR, "module '%s': descriptor without name or init", name);
		rc = -ENOEXEC;
		goto fail;
	}
	m->name = strdup(m->ops->name);
	if (!m->name) {
		rc = -ENOMEM;
		goto fail;
	}
	mon_log(MON_LOG_INFO, "module '%s' loaded from %s", m->name, path);
	free(path);
	*out = m;
	return 0;
fail:
	mod_free(m);
	free(path);
	return rc;
}

/* Runs M's init with OPTIONS; the failure is logged (by the module or
 * here). */
static int run_init(struct umv_mod *m, const char *name, const char *options)
{
	int rc;

	m->in_init = true;
	rc = m->ops->init(m, options);
	m->in_init = false;
	if (rc < 0 && !m->logged_in_init)
		mon_log(MON_LOG_ERROR, "module '%s': initialisation failed%s%s%s: %s", name,
			options ? " (options '" : "", options ? options : "", options ? "')" : "",
			strerror(-rc));
	return rc < 0 ? rc : 0;
}

static int load_one(const struct mon_module_spec *spec)
{
	struct umv_mod *m;
	int rc;

	if ((rc = open_module(spec->name, &m)) < 0)
		return rc;
	m->index = nmods;
	if ((rc = run_init(m, spec->name, spec->options)) < 0) {
		mod_free(m);
		return rc;
	}
	mods[nmods++] = m;
	return 0;
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
	if (rc < 0) {
		mon_log(MON_LOG_ERROR, "cannot set up the modules' interests: %s", strerror(-rc));
		mon_modules_fini();	/* their fini removes what init made (memfs, dev) */
	}
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
		mod_free(m);
	}
	mon_synthetic_fini();
}

/* ---- runtime mounts ---- */

/* What an unmounted instance's slot holds: no callback, so the chain and
 * every hook skip it, and nothing points into the closed .so. */
static const struct umv_module_ops inert_ops = {
	.abi = UMV_ABI_VERSION,
	.size = sizeof(struct umv_module_ops),
	.name = "(unmounted)",
};

static bool bit_idle(struct mon_thread *t, void *arg)
{
	uint64_t bit = *(const uint64_t *)arg;

	return !((t->post_mask | t->observe_mask | t->rewrite.post_mask |
		  t->rewrite.observe_mask) & bit);
}

/* A slot for a new instance: a new one, or that of an unmounted one no
 * thread's call in flight still names (its bit would run the newcomer's
 * leave() for a call it never entered). -1 if none. */
static ssize_t free_slot(void)
{
	for (size_t i = 0; i < nmods; i++) {
		uint64_t bit = 1ull << i;

		if (mods[i]->gone && mon_thread_all(bit_idle, &bit))
			return (ssize_t)i;
	}
	return nmods < MON_MAX_MODULES ? (ssize_t)nmods : -1;
}

static void drop_instance(struct umv_mod *m)
{
	if (OPS_HAS(m, fini))
		m->ops->fini(m);
	mod_free(m);
}

int mon_module_mount(const char *name, const char *options, const char *target,
		     struct umv_mod **out)
{
	char missing[512];
	struct umv_mod *m;
	ssize_t slot;
	size_t n;
	int rc;

	if (strchr(name, '/') || (slot = free_slot()) < 0) {
		mon_log(MON_LOG_WARN, "mount type umvisor.%s at %s: %s", name, target,
			strchr(name, '/') ? "ENODEV (a module name, not a path)"
					  : "ENOSPC (too many modules loaded)");
		return strchr(name, '/') ? -ENODEV : -ENOSPC;
	}
	if ((rc = open_module(name, &m)) < 0)
		return rc == -ENOENT ? -ENODEV : rc;
	/* Observers and signal hooks change how the loop runs (set at
	 * start); a path module has no need of them. */
	if (OPS_HAS(m, observe) || OPS_HAS(m, signal)) {
		mon_log(MON_LOG_WARN, "mount type umvisor.%s at %s: EINVAL (an observer cannot be mounted at run time)",
			name, target);
		mod_free(m);
		return -EINVAL;
	}
	if (!(m->mount_point = strdup(target))) {
		mod_free(m);
		return -ENOMEM;
	}
	m->index = (size_t)slot;
	if ((rc = run_init(m, name, options)) < 0) {
		mon_vfs_runtime_drop(m);	/* a module that failed after mounting */
		mod_free(m);
		return rc;
	}
	if (m->nmounted == 0) {
		mon_log(MON_LOG_WARN, "mount type umvisor.%s at %s: EINVAL (the module mounted nothing there: it does not support runtime mounts)",
			name, target);
		rc = -EINVAL;
	}
	if (rc == 0 && (n = mon_interest_uncovered(m, missing, sizeof(missing))) > 0) {
		mon_log(MON_LOG_WARN, "mount type umvisor.%s at %s: EINVAL (%zu syscall%s it wants %s not trapped; start umvisor with --runtime-mounts): %s",
			name, target, n, n == 1 ? "" : "s", n == 1 ? "is" : "are", missing);
		rc = -EINVAL;
	}
	if (rc < 0) {
		/* what init mounted goes first, then the instance */
		mon_vfs_runtime_drop(m);
		drop_instance(m);
		return rc;
	}
	if ((size_t)slot == nmods)
		nmods++;
	else
		mod_free(mods[slot]);
	mods[slot] = m;
	*out = m;
	return 0;
}

void mon_module_unmount(struct umv_mod *m)
{
	if (OPS_HAS(m, fini))
		m->ops->fini(m);
	if (m->private_lock >= 0) {
		close(m->private_lock);	/* fini removed (or kept) the tree */
		m->private_lock = -1;
	}
	m->ops = &inert_ops;
	if (m->dl)
		dlclose(m->dl);
	m->dl = NULL;
	m->want_all = false;
	m->classes = 0;
	memset(m->want, 0, SC_ID_COUNT);
	m->nconds = 0;
	m->gone = true;
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

const char *umv_mod_mount_point(const struct umv_mod *mod)
{
	return mod ? mod->mount_point : NULL;
}

int umv_private_dir(struct umv_mod *mod, const char *base, char **path)
{
	char stem[128];

	if (!path)
		return -EINVAL;
	*path = NULL;
	if (!mod || !mod->name || (base && base[0] != '/'))
		return -EINVAL;
	if (!mod->in_init)
		return -EBUSY;
	if (mod->private_lock >= 0)
		return -EEXIST;
	if (snprintf(stem, sizeof(stem), "umvisor-%s", mod->name) >= (int)sizeof(stem))
		return -ENAMETOOLONG;
	return mon_private_dir_make_in(base, stem, path, &mod->private_lock);
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
