/* Paths inside mount options. The kernel resolves some option values as
 * paths (overlayfs's lowerdir, upperdir, workdir, datadir; ext4's
 * journal_path; anything given with fsconfig's FSCONFIG_SET_PATH), in the
 * caller's namespace, which under umvisor is the host's.
 * - fsconfig SET_PATH / SET_PATH_EMPTY, and SET_STRING of a key that holds
 *   one path: the value is a path argument like any other (vfs.c resolves
 *   and rewrites it).
 * - A list (lowerdir=a:b::c, '\' escaping ':' and ',') in fsconfig, and
 *   every path option of an overlay mount(2)'s data string: each path is
 *   resolved in the guest and the string rebuilt with the host paths,
 *   escaped the same way; vfs.c writes it to the scratch area in place of
 *   the guest's. Paths the kernel reaches alike are copied as written. */
#include "monitor/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FSCONFIG_SET_STRING_CMD 1
#define FSCONFIG_SET_PATH_CMD 3
#define FSCONFIG_SET_PATH_EMPTY_CMD 4
#define KEY_MAX 256
#define DATA_MAX 4096		/* mount(2) copies at most a page of data */

static const char *const single_path_keys[] = { "upperdir", "workdir", "lowerdir+", "datadir+",
						 "journal_path" };
static const char *const list_keys[] = { "lowerdir", "datadir" };
#define NKEYS(set) (sizeof(set) / sizeof((set)[0]))

static bool in(const char *key, size_t len, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(set[i]) == len && memcmp(set[i], key, len) == 0)
			return true;
	return false;
}

/* One path of a list, unescaped, into OUT: as written when the kernel
 * reaches it alike (RAW, N bytes), else its host path escaped. 1 when it
 * changed, 0 when not, -errno. */
static int put_path(struct mon_thread *t, const char *path, const char *raw, size_t n,
		    bool esc_comma, FILE *out)
{
	struct umv_path_result res = { 0 };
	int rc = mon_vfs_resolve(t, NULL, path, UMV_PATH_GUEST_CALL, &res);

	if (rc == -ENOENT || rc == -ENOTDIR || (rc == 0 && (res.passthrough || !res.host))) {
		/* alike, or missing: the kernel's own error on its own walk */
		umv_path_result_free(&res);
		fwrite(raw, 1, n, out);
		return 0;
	}
	if (rc < 0)
		return rc;
	for (const char *p = res.host; *p; p++) {
		if (*p == '\\' || *p == ':' || (esc_comma && *p == ','))
			fputc('\\', out);
		fputc(*p, out);
	}
	umv_path_result_free(&res);
	return 1;
}

/* Rewrites the list V (N bytes, escaped) into OUT. 1 changed, 0 not,
 * -errno. */
static int rewrite_list(struct mon_thread *t, const char *v, size_t n, bool esc_comma, FILE *out)
{
	char path[PATH_MAX];
	size_t start = 0, len = 0;
	int changed = 0, rc;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && v[i] == '\\' && i + 1 < n) {
			if (len + 1 >= sizeof(path))
				return -ENAMETOOLONG;
			path[len++] = v[++i];
			continue;
		}
		if (i < n && v[i] != ':') {
			if (len + 1 >= sizeof(path))
				return -ENAMETOOLONG;
			path[len++] = v[i];
			continue;
		}
		path[len] = '\0';
		if (len > 0) {
			if ((rc = put_path(t, path, v + start, i - start, esc_comma, out)) < 0)
				return rc;
			changed |= rc;
		}
		if (i < n)
			fputc(':', out);	/* "::" stays "::" */
		start = i + 1;
		len = 0;
	}
	return changed;
}

/* Runs FILL into a string; *OUT is it when FILL changed something (1),
 * else NULL. Returns FILL's result or -errno. */
static int build(int (*fill)(void *, FILE *), void *arg, char **out)
{
	size_t size = 0;
	FILE *f = open_memstream(out, &size);
	int rc;

	*out = NULL;
	if (!f)
		return -ENOMEM;
	rc = fill(arg, f);
	if (fclose(f) != 0 && rc >= 0)
		rc = -ENOMEM;
	if (rc <= 0) {
		free(*out);
		*out = NULL;
		return rc;
	}
	if (size >= DATA_MAX) {
		static bool logged;

		mon_log_once(logged, MON_LOG_WARN,
			     "mount options: with host paths they exceed a page: ENAMETOOLONG");
		free(*out);
		*out = NULL;
		return -ENAMETOOLONG;
	}
	return rc;
}

/* A string to rebuild (a list, or a mount(2) data string), for build(). */
struct text_job {
	struct mon_thread *t;
	const char *s;
	size_t n;
};

static int fill_list(void *arg, FILE *out)
{
	struct text_job *j = arg;

	return rewrite_list(j->t, j->s, j->n, false, out);
}

/* Is the guest's descriptor FD of process PID what the kernel takes: an
 * fs context (fsopen, fspick), or with DIR a directory? */
static bool guest_fd_is(pid_t pid, int fd, bool dir)
{
	char link[64], *text = NULL;
	struct stat st;
	bool ok;

	if (dir) {
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
		return stat(link, &st) == 0 && S_ISDIR(st.st_mode);
	}
	/* not a file system object: the link text names the anon inode */
	ok = mon_vfs_fd_guest_path(pid, fd, &text) == 1 && strcmp(text, "anon_inode:[fscontext]") == 0;
	free(text);
	return ok;
}

int mon_vfs_fsconfig_path(struct umv_call *call, unsigned *flags, char **value_out)
{
	const uint64_t *a = call->sc.args;
	uint64_t cmd = a[1] & 0xffffffffu;
	int fd = (int)a[0], aux = (int)a[4];
	bool set_path = cmd == FSCONFIG_SET_PATH_CMD || cmd == FSCONFIG_SET_PATH_EMPTY_CMD;
	char key[KEY_MAX], value[PATH_MAX];
	ssize_t kn, vn;
	int rc;

	*value_out = NULL;
	*flags = cmd == FSCONFIG_SET_PATH_EMPTY_CMD ? UMV_PATH_EMPTY_PATH : 0;
	if (!set_path && cmd != FSCONFIG_SET_STRING_CMD)
		return 0;
	/* What the kernel refuses before it reads the value is its to say,
	 * in its order: arguments, the descriptor, the key. */
	if (fd < 0 || !a[2] || !a[3] || (set_path ? aux != AT_FDCWD && aux < 0 : aux != 0) ||
	    !guest_fd_is(call->thread->proc->tgid, fd, false) ||
	    (kn = umv_vm_read_str(call, a[2], key, sizeof(key))) <= 0)
		return 0;
	if (set_path)	/* a bad aux: the kernel's lookup fails alike */
		return aux == AT_FDCWD || guest_fd_is(call->thread->proc->tgid, aux, true) ? 2 : 0;
	if (in(key, (size_t)kn, single_path_keys, NKEYS(single_path_keys)))
		return 1;
	if (!in(key, (size_t)kn, list_keys, NKEYS(list_keys)))
		return 0;
	if ((vn = umv_vm_read_str(call, a[3], value, sizeof(value))) <= 0)
		return 0;	/* the kernel's EFAULT or EINVAL */
	struct text_job job = { call->thread, value, (size_t)vn };

	rc = build(fill_list, &job, value_out);
	return rc < 0 ? rc : 3;
}

/* An overlay mount(2) data string: options split on ',' ('\' escapes),
 * the path options' values rewritten, the rest copied. */
static int fill_data(void *arg, FILE *out)
{
	struct text_job *j = arg;
	const char *d = j->s;
	int changed = 0, rc;

	for (size_t i = 0; i <= j->n;) {
		size_t s = i, eq = 0;

		while (i < j->n && d[i] != ',') {
			if (d[i] == '\\' && i + 1 < j->n)
				i++;
			else if (d[i] == '=' && !eq)
				eq = i;
			i++;
		}
		if (s > 0)
			fputc(',', out);
		if (eq && (in(d + s, eq - s, single_path_keys, NKEYS(single_path_keys)) ||
			   in(d + s, eq - s, list_keys, NKEYS(list_keys)))) {
			fwrite(d + s, 1, eq - s + 1, out);
			if ((rc = rewrite_list(j->t, d + eq + 1, i - eq - 1, true, out)) < 0)
				return rc;
			changed |= rc;
		} else {
			fwrite(d + s, 1, i - s, out);
		}
		i++;
	}
	return changed;
}

int mon_vfs_mount_data(struct umv_call *call, char **data_out)
{
	char type[64], data[DATA_MAX + 1];
	ssize_t n;

	*data_out = NULL;
	if (!call->sc.args[2] || !call->sc.args[4] ||
	    umv_vm_read_str(call, call->sc.args[2], type, sizeof(type)) <= 0 ||
	    strcmp(type, "overlay") != 0)
		return 0;
	/* mount(2) copies at most a page: a string running past it is not one
	 * we could rewrite */
	n = umv_vm_read_str(call, call->sc.args[4], data, sizeof(data));
	if (n == -ENAMETOOLONG) {
		static bool logged;

		mon_log_once(logged, MON_LOG_WARN,
			     "mount: overlay options longer than a page: EOPNOTSUPP");
		return -EOPNOTSUPP;
	}
	if (n <= 0)
		return 0;	/* the kernel's EFAULT, or no options */
	struct text_job job = { call->thread, data, (size_t)n };
	int rc = build(fill_data, &job, data_out);

	return rc < 0 ? rc : 0;
}
