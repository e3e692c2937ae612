/* fakeroot: one field of a thread's /proc/PID/status (its parent, its
 * umask), read the way the kernel writes it. */
#include "modules/fakeroot/fakeroot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int fr_proc_status_field(pid_t tid, const char *key, char *value, size_t size)
{
	char path[64], buf[2048], line_key[64];
	const char *at, *end;
	size_t n_key, len;
	ssize_t n;
	int fd;

	n_key = (size_t)snprintf(line_key, sizeof(line_key), "\n%s:", key);
	if (n_key >= sizeof(line_key) || size == 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	/* The first line is Name:, so every key we ask for follows a newline. */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	buf[n] = '\0';
	if (!(at = strstr(buf, line_key)))
		return -ENOENT;
	at += n_key;
	at += strspn(at, " \t");
	end = strchr(at, '\n');
	len = end ? (size_t)(end - at) : strlen(at);
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(value, at, len);
	value[len] = '\0';
	return 0;
}
