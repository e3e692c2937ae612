/* monitor/proc_status.c: the text of /proc/PID/status, which the monitor
 * reads for a thread's tgid and its signal and scheduling state. */
#include "monitor/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

ssize_t mon_proc_status(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	if (size < 2)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n == 0)
		return -ESRCH;	/* the process is being reaped */
	if (n > 0)
		buf[n] = '\0';
	return n;
}
