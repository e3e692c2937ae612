/* Guest for tests/vfs-mount-api.sh: the calls that carry paths inside
 * mount options or name objects by handle. Prints what it read, or
 * "ERR <step> <errno name>"; always exits 0 so outputs compare.
 *   vfs-mntapi fsconfig-overlay LOWER UPPER WORK   (the new mount API)
 *   vfs-mntapi set-path KEY PATH                    (FSCONFIG_SET_PATH)
 *   vfs-mntapi mount-overlay TARGET DATA            (mount(2))
 *   vfs-mntapi handle-save PATH FILE
 *   vfs-mntapi handle-open FILE DIR
 *   vfs-mntapi bpf-get PATH                         (BPF_OBJ_GET)
 *   vfs-mntapi uprobe PATH                          (perf_event_open)
 *   vfs-mntapi garbage DIR                          (bad pointers, sizes) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/perf_event.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>


static int report(const char *step)
{
	printf("ERR %s %s\n", step, strerrorname_np(errno));
	return 0;
}

static int print_fd(int fd)
{
	char buf[256];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	if (n < 0)
		return report("read");
	buf[n] = '\0';
	fputs(buf, stdout);
	return 0;
}

static int print_file(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return report("open");
	rc = print_fd(fd);
	close(fd);
	return rc;
}

static int fsconfig_overlay(char **a)
{
	int fd = fsopen("overlay", FSOPEN_CLOEXEC), mfd, rc;

	if (fd < 0)
		return report("fsopen");
	if (fsconfig(fd, FSCONFIG_SET_STRING, "lowerdir", a[0], 0) < 0)
		return report("lowerdir");
	if (fsconfig(fd, FSCONFIG_SET_STRING, "upperdir", a[1], 0) < 0)
		return report("upperdir");
	if (fsconfig(fd, FSCONFIG_SET_STRING, "workdir", a[2], 0) < 0)
		return report("workdir");
	if (fsconfig(fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return report("create");
	if ((mfd = fsmount(fd, FSMOUNT_CLOEXEC, 0)) < 0)
		return report("fsmount");
	rc = print_file(mfd, "f");
	close(mfd);
	close(fd);
	return rc;
}

static int set_path(char **a)
{
	int fd = fsopen("overlay", FSOPEN_CLOEXEC);

	if (fd < 0)
		return report("fsopen");
	if (fsconfig(fd, FSCONFIG_SET_PATH, a[0], a[1], AT_FDCWD) < 0)
		return report("set-path");
	puts("set-path ok");
	close(fd);
	return 0;
}

static int mount_overlay(char **a)
{
	char path[4096];

	if (mount("overlay", a[0], "overlay", 0, a[1]) < 0)
		return report("mount");
	snprintf(path, sizeof(path), "%s/f", a[0]);
	print_file(AT_FDCWD, path);
	if (umount2(a[0], 0) < 0)
		return report("umount");
	return 0;
}

static int handle_save(char **a)
{
	struct file_handle *h = malloc(sizeof(*h) + MAX_HANDLE_SZ);
	int mount_id, fd;

	if (!h)
		return report("malloc");
	h->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, a[0], h, &mount_id, 0) < 0)
		return report("name_to_handle_at");
	fd = open(a[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, h, sizeof(*h) + h->handle_bytes) != (ssize_t)(sizeof(*h) + h->handle_bytes))
		return report("save");
	close(fd);
	puts("saved");
	free(h);
	return 0;
}

static int handle_open(char **a)
{
	unsigned char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	int fd = open(a[0], O_RDONLY | O_CLOEXEC), mfd, ofd;

	if (fd < 0 || read(fd, buf, sizeof(buf)) < (ssize_t)sizeof(struct file_handle))
		return report("load");
	close(fd);
	if ((mfd = open(a[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return report("mount_fd");
	if ((ofd = open_by_handle_at(mfd, (struct file_handle *)buf, O_RDONLY | O_CLOEXEC)) < 0)
		return report("open_by_handle_at");
	print_fd(ofd);
	close(ofd);
	close(mfd);
	return 0;
}

static int bpf_get(char **a)
{
	struct {
		unsigned long long pathname;
		unsigned bpf_fd, file_flags;
	} attr = { .pathname = (unsigned long)a[0] };
	long fd = syscall(SYS_bpf, 7 /* BPF_OBJ_GET */, &attr, sizeof(attr));

	if (fd < 0)
		return report("bpf");
	puts("bpf ok");
	close((int)fd);
	return 0;
}

static int uprobe(char **a)
{
	struct perf_event_attr attr;
	FILE *f = fopen("/sys/bus/event_source/devices/uprobe/type", "re");
	int type;
	long fd;

	if (!f || fscanf(f, "%d", &type) != 1)
		return report("uprobe-type");
	fclose(f);
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = (unsigned)type;
	attr.config1 = (unsigned long)a[0];	/* uprobe_path */
	attr.config2 = 0;			/* probe_offset */
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0)
		return report("perf_event_open");
	puts("uprobe ok");
	close((int)fd);
	return 0;
}

/* One line per call: its result, as errno names compare across runs. */
static void say(const char *what, long rc)
{
	printf("%s %s\n", what, rc < 0 ? strerrorname_np(errno) : "ok");
	if (rc >= 0 && rc < 1024 && strcmp(what, "fsopen") != 0)
		close((int)rc);
}

static int garbage(char **a)
{
	static char longname[5000];
	void *bad = (void *)1;
	struct {
		unsigned long long pathname;
		unsigned bpf_fd, file_flags;
	} attr = { .pathname = 1 };
	struct {
		unsigned bytes;
		int type;
		unsigned char h[8];
	} fh = { 1000, 1, { 0 } };
	int fd = fsopen("overlay", FSOPEN_CLOEXEC), dir = open(a[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	memset(longname, 'a', sizeof(longname) - 1);
	say("fsopen", fd);
	say("fsconfig bad key", fsconfig(fd, FSCONFIG_SET_STRING, bad, "x", 0));
	say("fsconfig bad value", fsconfig(fd, FSCONFIG_SET_STRING, "upperdir", bad, 0));
	say("fsconfig null path", fsconfig(fd, FSCONFIG_SET_PATH, "upperdir", NULL, AT_FDCWD));
	say("fsconfig bad path", fsconfig(fd, FSCONFIG_SET_PATH, "upperdir", bad, AT_FDCWD));
	say("fsconfig long path", fsconfig(fd, FSCONFIG_SET_PATH, "upperdir", longname, AT_FDCWD));
	say("fsconfig long list", fsconfig(fd, FSCONFIG_SET_STRING, "lowerdir", longname, 0));
	say("fsconfig bad aux", fsconfig(fd, FSCONFIG_SET_PATH, "upperdir", "x", 999));
	say("fsconfig bad fd", fsconfig(999, FSCONFIG_SET_PATH, "upperdir", a[0], AT_FDCWD));
	say("open_by_handle_at bad handle", open_by_handle_at(dir, bad, O_RDONLY));
	say("open_by_handle_at oversized", open_by_handle_at(dir, (struct file_handle *)&fh, O_RDONLY));
	fh.bytes = 8;
	say("open_by_handle_at forged", open_by_handle_at(dir, (struct file_handle *)&fh, O_RDONLY));
	say("open_by_handle_at bad mount fd", open_by_handle_at(999, (struct file_handle *)&fh, O_RDONLY));
	say("bpf bad attr", syscall(SYS_bpf, 7, bad, 16));
	say("bpf bad pathname", syscall(SYS_bpf, 7, &attr, sizeof(attr)));
	say("bpf short attr", syscall(SYS_bpf, 7, &attr, 4));
	say("perf bad attr", syscall(SYS_perf_event_open, bad, 0, -1, -1, 0));
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int nargs;
		int (*run)(char **);
	} modes[] = {
		{ "fsconfig-overlay", 3, fsconfig_overlay }, { "set-path", 2, set_path },
		{ "mount-overlay", 2, mount_overlay },       { "handle-save", 2, handle_save },
		{ "handle-open", 2, handle_open },	     { "bpf-get", 1, bpf_get },
		{ "uprobe", 1, uprobe },			     { "garbage", 1, garbage },
	};

	setvbuf(stdout, NULL, _IONBF, 0);
	for (size_t i = 0; argc > 1 && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(argv[1], modes[i].name) == 0 && argc == 2 + modes[i].nargs)
			return modes[i].run(argv + 2);
	fprintf(stderr, "usage: vfs-mntapi MODE ARGS (see the source)\n");
	return 2;
}
