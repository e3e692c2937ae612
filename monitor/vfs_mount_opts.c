/* Paths inside mount options. The kernel resolves some option values as
 * paths (overlayfs's lowerdir, upperdir, workdir, datadir; ext4's
 * journal_path; anything given with fsconfig's FSCONFIG_SET_PATH), in the
 * caller's namespace, which under umvisor is the host's.
 * - fsconfig SET_PATH / SET_PATH_EMPTY, and SET_STRING of a key that holds
 *   one path: the value is a path argument like any other (vfs.c resolves
 *   and rewrites it).
 * - A list (lowerdir=a:b, in fsconfig or mount(2) data): rewriting it would
 *   mean re-escaping the list, so it goes through only when every path in
 *   it is one the kernel reaches alike (the guest's path is the host's);
 *   otherwise EOPNOTSUPP and one log line. */
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

static bool in(const char *key, size_t len, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(set[i]) == len && memcmp(set[i], key, len) == 0)
			return true;
	return false;
}

/* Is every path of an overlay-style list (':' separated, '\' escapes,
 * "::" before data-only layers) one the kernel reaches as the guest
 * would? LIST is unescaped in place. 1 yes, 0 no, -errno. */
static int list_alike(struct mon_thread *t, char *list)
{
	char *out = list, *start = list;

	for (char *p = list;; p++) {
		if (*p == '\\' && p[1]) {
			*out++ = *++p;
			continue;
		}
		if (*p != ':' && *p != '\0') {
			*out++ = *p;
			continue;
		}
		bool end = *p == '\0';

		*out = '\0';
		if (out > start) {
			int rc = mon_vfs_path_alike(t, NULL, start);

			if (rc <= 0)
				return rc;
		}
		if (end)
			return 1;
		start = out = p + 1;
	}
}

static int refuse(struct umv_call *call, const char *what, size_t len)
{
	static bool logged;

	mon_log_once(logged, MON_LOG_WARN,
		     "%s: option %.*s names paths of the guest in a list the monitor does not translate: EOPNOTSUPP",
		     call->sc.name, (int)len, what);
	return -EOPNOTSUPP;
}

/* Is the guest's descriptor FD of thread TID what the kernel takes: an
 * fs context (fsopen, fspick), or with DIR a directory? */
static bool guest_fd_is(pid_t tid, int fd, bool dir)
{
	char link[64], *target;
	struct stat st;
	bool ok;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tid, fd);
	if (dir)
		return stat(link, &st) == 0 && S_ISDIR(st.st_mode);
	if (mon_vfs_host_readlink(link, &target) < 0)
		return false;
	ok = strcmp(target, "anon_inode:[fscontext]") == 0;
	free(target);
	return ok;
}

int mon_vfs_fsconfig_path(struct umv_call *call, unsigned *flags)
{
	const uint64_t *a = call->sc.args;
	uint64_t cmd = a[1] & 0xffffffffu;
	int fd = (int)a[0], aux = (int)a[4];
	bool set_path = cmd == FSCONFIG_SET_PATH_CMD || cmd == FSCONFIG_SET_PATH_EMPTY_CMD;
	char key[KEY_MAX], value[PATH_MAX];
	ssize_t kn, vn;

	*flags = cmd == FSCONFIG_SET_PATH_EMPTY_CMD ? UMV_PATH_EMPTY_PATH : 0;
	if (!set_path && cmd != FSCONFIG_SET_STRING_CMD)
		return 0;
	/* What the kernel refuses before it reads the value is its to say,
	 * in its order: arguments, the descriptor, the key. */
	if (fd < 0 || !a[2] || !a[3] || (set_path ? aux != AT_FDCWD && aux < 0 : aux != 0) ||
	    !guest_fd_is(call->thread->tid, fd, false) ||
	    (kn = umv_vm_read_str(call, a[2], key, sizeof(key))) <= 0)
		return 0;
	if (set_path)	/* a bad aux: the kernel's lookup fails alike */
		return aux == AT_FDCWD || guest_fd_is(call->thread->tid, aux, true) ? 2 : 0;
	if (in(key, (size_t)kn, single_path_keys, sizeof(single_path_keys) / sizeof(single_path_keys[0])))
		return 1;
	if (!in(key, (size_t)kn, list_keys, sizeof(list_keys) / sizeof(list_keys[0])))
		return 0;
	if ((vn = umv_vm_read_str(call, call->sc.args[3], value, sizeof(value))) <= 0)
		return 0;
	if (!memchr(value, ':', (size_t)vn) && !memchr(value, '\\', (size_t)vn))
		return 1;	/* one path: rewritten like the others */
	int rc = list_alike(call->thread, value);

	return rc < 0 ? rc : rc == 1 ? 0 : refuse(call, key, (size_t)kn);
}

int mon_vfs_mount_data_check(struct umv_call *call)
{
	char type[64], data[DATA_MAX + 1];
	ssize_t n;
	size_t len;

	if (!call->sc.args[2] || !call->sc.args[4] ||
	    umv_vm_read_str(call, call->sc.args[2], type, sizeof(type)) <= 0 ||
	    strcmp(type, "overlay") != 0)
		return 0;
	/* mount(2) copies at most a page: options running past it are not
	 * ones we could check */
	n = umv_vm_read_str(call, call->sc.args[4], data, sizeof(data));
	if (n == -ENAMETOOLONG)
		return refuse(call, "data", 4);
	if (n <= 0)
		return 0;	/* the kernel's EFAULT, or no options */
	len = (size_t)n;
	for (size_t i = 0; i < len;) {
		size_t s = i, eq = 0;

		while (i < len && data[i] != ',') {
			if (data[i] == '\\' && i + 1 < len)
				i++;
			else if (data[i] == '=' && !eq)
				eq = i;
			i++;
		}
		if (eq) {
			size_t klen = eq - s;

			if (in(data + s, klen, single_path_keys,
			       sizeof(single_path_keys) / sizeof(single_path_keys[0])) ||
			    in(data + s, klen, list_keys, sizeof(list_keys) / sizeof(list_keys[0]))) {
				char *value = strndup(data + eq + 1, i - eq - 1);
				int rc;

				if (!value)
					return -ENOMEM;
				rc = list_alike(call->thread, value);
				free(value);
				if (rc < 0)
					return rc;
				if (rc == 0)
					return refuse(call, data + s, klen);
			}
		}
		i++;
	}
	return 0;
}
