/* Paths the kernel reads from inside a struct, where no path argument of
 * the syscall table points: bpf(BPF_OBJ_PIN / BPF_OBJ_GET)'s pathname (a
 * bpffs file) and perf_event_open's uprobe_path (the binary to probe).
 * Both are rare and need privileges; rewriting them would mean copying
 * the struct into the scratch area. They go to the kernel when the path is
 * one it reaches as the guest would (the guest's path is the host's),
 * otherwise EOPNOTSUPP and one log line: never a host path the guest's
 * view does not give. */
#include "monitor/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BPF_OBJ_PIN_CMD 6
#define BPF_OBJ_GET_CMD 7
#define BPF_F_PATH_FD_FLAG (1u << 14)
#define PERF_ATTR_UPROBE_PATH 56	/* offset of config1 / uprobe_path */

static long uprobe_type = -1;		/* the uprobe PMU's type, -1 unknown */

void mon_vfs_struct_paths_setup(void)
{
	FILE *f = fopen("/sys/bus/event_source/devices/uprobe/type", "re");

	if (f) {
		if (fscanf(f, "%ld", &uprobe_type) != 1)
			uprobe_type = -1;
		fclose(f);
	}
}

int mon_vfs_path_alike(struct mon_thread *t, const char *base, const char *path)
{
	struct umv_path_result res = { 0 };
	int rc = mon_vfs_resolve(t, base, path, UMV_PATH_GUEST_CALL, &res);
	bool alike = rc == 0 && res.passthrough;

	umv_path_result_free(&res);
	if (rc == -ENOENT || rc == -ENOTDIR)
		return 1;	/* missing for the guest: the kernel says so too */
	return rc < 0 ? rc : alike;
}

static int refuse(struct umv_call *call, const char *what)
{
	static bool logged;

	mon_log_once(logged, MON_LOG_WARN,
		     "%s: %s names a guest path inside a struct, which the monitor does not translate: EOPNOTSUPP",
		     call->sc.name, what);
	return mon_vfs_emulate(call, -EOPNOTSUPP);
}

/* The guest path of the directory fd FD of thread T (NULL: the cwd). */
static int dirfd_base(struct mon_thread *t, int fd, char **base)
{
	int rc;

	*base = NULL;
	if (fd == AT_FDCWD)
		return 0;
	if ((rc = mon_vfs_fd_guest_path(t->proc->tgid, fd, base)) == 1) {
		free(*base);
		*base = NULL;
		return -ENOTDIR;	/* a pipe, a socket */
	}
	return rc;
}

static int check(struct umv_call *call, uint64_t addr, int dirfd, const char *what)
{
	char path[PATH_MAX], *base = NULL;
	ssize_t n = umv_vm_read_str(call, addr, path, sizeof(path));
	int rc;

	if (n <= 0)
		return UMV_PASS;	/* the kernel's EFAULT, ENOENT, ENAMETOOLONG */
	if (path[0] != '/' && (rc = dirfd_base(call->thread, dirfd, &base)) < 0)
		return rc == -EBADF || rc == -ENOTDIR ? UMV_PASS : refuse(call, what);
	rc = mon_vfs_path_alike(call->thread, base, path);
	free(base);
	if (rc == 1)
		return UMV_PASS;
	return rc < 0 ? mon_vfs_emulate(call, rc) : refuse(call, what);
}

int mon_vfs_bpf(struct umv_call *call)
{
	uint64_t cmd = call->sc.args[0] & 0xffffffffu;
	struct {
		uint64_t pathname;
		uint32_t bpf_fd, file_flags;
		int32_t path_fd;
	} attr = { 0 };
	size_t size = call->sc.args[2] < sizeof(attr) ? (size_t)call->sc.args[2] : sizeof(attr);

	if (cmd != BPF_OBJ_PIN_CMD && cmd != BPF_OBJ_GET_CMD)
		return UMV_PASS;
	if (size < 8 || umv_vm_read(call, call->sc.args[1], &attr, size) != (ssize_t)size)
		return UMV_PASS;	/* the kernel's EFAULT or EINVAL */
	return check(call, attr.pathname,
		     (attr.file_flags & BPF_F_PATH_FD_FLAG) ? attr.path_fd : AT_FDCWD, "pathname");
}

int mon_vfs_perf_event_open(struct umv_call *call)
{
	uint32_t type;
	uint64_t path;

	if (uprobe_type < 0 ||
	    umv_vm_read(call, call->sc.args[0], &type, sizeof(type)) != (ssize_t)sizeof(type) ||
	    type != (uint64_t)uprobe_type ||
	    umv_vm_read(call, call->sc.args[0] + PERF_ATTR_UPROBE_PATH, &path, sizeof(path)) !=
		    (ssize_t)sizeof(path))
		return UMV_PASS;
	return check(call, path, AT_FDCWD, "uprobe_path");
}
