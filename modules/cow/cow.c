/* The cow module: -m cow:lower=DIR[,upper=DIR][,guest=PATH].
 * The guest sees LOWER at GUEST (default: LOWER's own path) and may change
 * anything there; every change lands in UPPER (default: a private
 * temporary directory removed at exit), LOWER is only ever read. The
 * monitor's path layer maps each name (cow_lookup) and tells each change
 * (cow_prepare, cow_rename); this file parses options and traps the
 * descriptor calls a view must see. Mounted by the guest at run time
 * (mount -t umvisor.cow lower=DIR[,upper=DIR] TARGET), the view is at
 * TARGET. See doc/design.md, "cow". */
#include "cow.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#define COW_IOC_SETFLAGS64 0x40086602u	/* FS_IOC_SETFLAGS, 64-bit long */
#define COW_IOC_SETFLAGS32 0x40046602u
#define COW_IOC_FSSETXATTR 0x401c5820u

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void cow_free(struct cow *c)
{
	if (!c)
		return;
	if (c->work)
		nftw(c->work, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(c->lower);
	free(c->upper);
	free(c->guest);
	free(c->work);
	free(c->absent);
	free(c);
}

/* user.* xattrs on regular files of UPPER? Probed by setting one.
 * UMVISOR_COW_WHITEOUTS=marker|xattr overrides (tests of both formats). */
static int probe_whiteouts(struct cow *c)
{
	const char *force = getenv("UMVISOR_COW_WHITEOUTS");
	char *probe;
	int fd;

	if (force && strcmp(force, "marker") == 0) {
		c->xattr_whiteouts = false;
		return 0;
	}
	if (asprintf(&probe, "%s/.umvcow-probe-%d", c->upper, (int)getpid()) < 0)
		return -ENOMEM;
	fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		int rc = -errno;
		umv_log(c->mod, UMV_LOG_ERROR, "upper=%s is not writable: %s", c->upper, strerror(-rc));
		free(probe);
		return rc;
	}
	c->xattr_whiteouts = fsetxattr(fd, "user.umvisor.probe", "1", 1, 0) == 0;
	close(fd);
	unlink(probe);
	free(probe);
	if (force && strcmp(force, "xattr") == 0 && !c->xattr_whiteouts) {
		umv_log(c->mod, UMV_LOG_ERROR, "UMVISOR_COW_WHITEOUTS=xattr: %s has no user xattrs",
			c->upper);
		return -EOPNOTSUPP;
	}
	umv_log(c->mod, UMV_LOG_INFO, "whiteouts in %s: %s", c->upper,
		c->xattr_whiteouts ? "user.overlay.* xattrs" : ".wh.* marker files");
	return 0;
}

static bool upper_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool empty = true;

	if (!d)
		return false;
	while (empty && (de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = false;
	closedir(d);
	return empty;
}

static int set_opt(struct cow *c, char **slot, const char *key, const char *val)
{
	if (*slot) {
		umv_log(c->mod, UMV_LOG_ERROR, "%s= given twice", key);
		return -EINVAL;
	}
	if (val[0] != '/') {
		umv_log(c->mod, UMV_LOG_ERROR, "%s=%s: an absolute path is needed", key, val);
		return -EINVAL;
	}
	return (*slot = strdup(val)) ? 0 : -ENOMEM;
}

/* *PATH (an option) -> its host path (the same for a -m module). */
static int host_path(struct cow *c, const char *key, char **path)
{
	char *host = NULL;
	int rc = umv_vfs_host_path(c->mod, *path, &host);

	if (rc < 0) {
		umv_log(c->mod, UMV_LOG_ERROR, "%s=%s: %s", key, *path, strerror(-rc));
		return rc;
	}
	free(*path);
	*path = host;
	return 0;
}

static int parse(struct cow *c, const char *options, char **lower, char **upper)
{
	char *copy, *save = NULL, *tok;
	int rc = 0;

	if (!options || !*options) {
		umv_log(c->mod, UMV_LOG_ERROR, "usage: -m cow:lower=DIR[,upper=DIR][,guest=PATH]");
		return -EINVAL;
	}
	if (!(copy = strdup(options)))
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
		if (strncmp(tok, "lower=", 6) == 0)
			rc = set_opt(c, lower, "lower", tok + 6);
		else if (strncmp(tok, "upper=", 6) == 0)
			rc = set_opt(c, upper, "upper", tok + 6);
		else if (strncmp(tok, "guest=", 6) == 0 && umv_mod_mount_point(c->mod)) {
			umv_log(c->mod, UMV_LOG_ERROR, "guest=: not with mount(2), whose target is the place");
			rc = -EINVAL;
		} else if (strncmp(tok, "guest=", 6) == 0)
			rc = set_opt(c, &c->guest, "guest", tok + 6);
		else {
			umv_log(c->mod, UMV_LOG_ERROR, "unknown option '%s' (lower=, upper=, guest=)", tok);
			rc = -EINVAL;
		}
	}
	free(copy);
	if (rc == 0 && !*lower) {
		umv_log(c->mod, UMV_LOG_ERROR, "lower=DIR is required");
		rc = -EINVAL;
	}
	/* a guest's mount names them in the guest's view */
	if (rc == 0 && (rc = host_path(c, "lower", lower)) == 0 && *upper)
		rc = host_path(c, "upper", upper);
	return rc;
}

/* Canonical directory path of PATH, or NULL (logged). */
static char *real_dir(struct cow *c, const char *key, const char *path)
{
	struct stat st;
	char *r;

	if (stat(path, &st) < 0) {
		umv_log(c->mod, UMV_LOG_ERROR, "%s=%s: %s", key, path, strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		umv_log(c->mod, UMV_LOG_ERROR, "%s=%s: not a directory", key, path);
		errno = ENOTDIR;
		return NULL;
	}
	if (!(r = realpath(path, NULL)))
		umv_log(c->mod, UMV_LOG_ERROR, "%s=%s: %s", key, path, strerror(errno));
	return r;
}

static int wants(struct umv_mod *mod, struct cow *c)
{
	static const char *const fdcalls[] = { "getdents64", "getdents", "fchmod", "fchown",
		"fchown16", "fsetxattr", "fremovexattr", "open_by_handle_at" };
	int rc;

	for (size_t i = 0; i < sizeof(fdcalls) / sizeof(fdcalls[0]); i++)
		if ((rc = umv_want_syscall(mod, fdcalls[i])) < 0 && rc != -ENOENT)
			return rc;
	/* descriptor forms only: a path is the walk's */
	if ((rc = umv_want_syscall_if(mod, "utimensat", 1, UMV_CMP_EQ, 0, 0)) < 0 && rc != -ENOENT)
		return rc;
	if ((rc = umv_want_syscall_if(mod, "utimensat_time64", 1, UMV_CMP_EQ, 0, 0)) < 0 &&
	    rc != -ENOENT)
		return rc;
	if ((rc = umv_want_syscall_if(mod, "futimesat", 1, UMV_CMP_EQ, 0, 0)) < 0 && rc != -ENOENT)
		return rc;
	static const unsigned ioctls[] = { COW_IOC_SETFLAGS64, COW_IOC_SETFLAGS32, COW_IOC_FSSETXATTR };
	for (size_t i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
		if ((rc = umv_want_syscall_if(mod, "ioctl", 1, UMV_CMP_MASKED_EQ, 0xffffffffu,
					      ioctls[i])) < 0)
			return rc;
	c->id_getdents64 = umv_sysid("getdents64");
	c->id_getdents = umv_sysid("getdents");
	c->id_fchmod = umv_sysid("fchmod");
	c->id_fchown = umv_sysid("fchown");
	c->id_fchown16 = umv_sysid("fchown16");
	c->id_fsetxattr = umv_sysid("fsetxattr");
	c->id_fremovexattr = umv_sysid("fremovexattr");
	c->id_utimensat = umv_sysid("utimensat");
	c->id_utimensat_time64 = umv_sysid("utimensat_time64");
	c->id_futimesat = umv_sysid("futimesat");
	c->id_ioctl = umv_sysid("ioctl");
	c->id_open_by_handle_at = umv_sysid("open_by_handle_at");
	return 0;
}

static int cow_init(struct umv_mod *mod, const char *options)
{
	static const struct umv_owned_ops ops = {
		.size = sizeof(struct umv_owned_ops),
		.lookup = cow_lookup,
		.prepare = cow_prepare,
		.rename = cow_rename,
		.host_to_rel = cow_host_to_rel,
		.done = cow_done,
	};
	struct cow *c = calloc(1, sizeof(*c));
	char *lower = NULL, *upper = NULL;
	int rc;

	if (!c)
		return -ENOMEM;
	c->mod = mod;
	if ((rc = parse(c, options, &lower, &upper)) < 0)
		goto fail;
	if (!(c->lower = real_dir(c, "lower", lower))) {
		rc = -errno;
		goto fail;
	}
	/* Locked while we run; one a killed monitor left is removed. */
	if ((rc = umv_private_dir(mod, NULL, &c->work)) < 0) {
		umv_log(mod, UMV_LOG_ERROR, "cannot create a working directory in $TMPDIR or /tmp: %s",
			strerror(-rc));
		goto fail;
	}
	if (asprintf(&c->absent, "%s/absent", c->work) < 0) {
		c->absent = NULL;
		rc = -ENOMEM;
		goto fail;
	}
	if (mkdir(c->absent, 0500) < 0) {
		rc = -errno;
		umv_log(mod, UMV_LOG_ERROR, "cannot create %s: %s", c->absent, strerror(-rc));
		goto fail;
	}
	c->absent_len = strlen(c->absent);
	if (!upper) {
		c->temp_upper = true;
		if (asprintf(&upper, "%s/upper", c->work) < 0) {
			upper = NULL;
			rc = -ENOMEM;
			goto fail;
		}
		if (mkdir(upper, 0755) < 0) {
			rc = -errno;
			umv_log(mod, UMV_LOG_ERROR, "cannot create %s: %s", upper, strerror(-rc));
			goto fail;
		}
	} else if (mkdir(upper, 0755) == 0) {
		umv_log(mod, UMV_LOG_INFO, "upper=%s created", upper);
	}
	if (!(c->upper = real_dir(c, "upper", upper))) {
		rc = -errno;
		goto fail;
	}
	c->lower_len = strlen(c->lower);
	c->upper_len = strlen(c->upper);
	if (cow_inside(c->upper, c->lower, c->lower_len) ||
	    cow_inside(c->lower, c->upper, c->upper_len)) {
		umv_log(mod, UMV_LOG_ERROR, "upper=%s and lower=%s must not contain each other",
			c->upper, c->lower);
		rc = -EINVAL;
		goto fail;
	}
	if (!c->guest && umv_mod_mount_point(mod) &&
	    !(c->guest = strdup(umv_mod_mount_point(mod)))) {
		rc = -ENOMEM;
		goto fail;
	}
	if (!c->guest && !(c->guest = strdup(lower))) {
		rc = -ENOMEM;
		goto fail;
	}
	if (strcmp(c->guest, "/") == 0) {
		umv_log(mod, UMV_LOG_ERROR, "guest=/ is not supported (use -r with a cow below it)");
		rc = -EINVAL;
		goto fail;
	}
	if ((rc = probe_whiteouts(c)) < 0 || (rc = wants(mod, c)) < 0)
		goto fail;
	if (upper_empty(c->upper))
		cow_copy_root_attrs(c);	/* the view's root looks like lower's */
	{
		/* ".." of the view's root, as a stat of it finds it when the
		 * guest's parent directory is the host's own */
		char *parent = strdup(c->guest), *slash = parent ? strrchr(parent, '/') : NULL;
		struct stat pst;
		if (slash) {
			if (slash == parent)
				slash[1] = '\0';
			else
				*slash = '\0';
			if (stat(parent, &pst) == 0)
				c->guest_parent_ino = pst.st_ino;
		}
		free(parent);
	}
	if ((rc = umv_vfs_own(mod, c->guest, c->upper, &ops, c)) < 0) {
		umv_log(mod, UMV_LOG_ERROR, "cannot mount the view at %s: %s", c->guest, strerror(-rc));
		goto fail;
	}
	umv_mod_set_data(mod, c);
	umv_log(mod, UMV_LOG_INFO, "%s: lower %s, upper %s%s", c->guest, c->lower, c->upper,
		c->temp_upper ? " (temporary)" : "");
	free(lower);
	free(upper);
	return 0;
fail:
	free(lower);
	free(upper);
	cow_free(c);
	return rc < 0 ? rc : -EINVAL;
}

static enum umv_verdict cow_enter(struct umv_mod *mod, struct umv_call *call)
{
	struct cow *c = umv_mod_get_data(mod);

	return c ? cow_fd_enter(c, call) : UMV_PASS;
}

static void cow_fini(struct umv_mod *mod)
{
	cow_free(umv_mod_get_data(mod));
	umv_mod_set_data(mod, NULL);
}

const struct umv_module_ops umv_module_v1 = {
	.abi = UMV_ABI_VERSION,
	.size = sizeof(struct umv_module_ops),
	.name = "cow",
	.summary = "copy-on-write view of a host tree (lower=DIR[,upper=DIR][,guest=PATH])",
	.init = cow_init,
	.fini = cow_fini,
	.enter = cow_enter,
};
