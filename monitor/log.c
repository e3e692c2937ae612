/* The monitor's log: one line per message, "umvisor: ..." on stderr. */
#include "monitor/monitor.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int log_level = MON_LOG_WARN;

void mon_log_set_level(int level)
{
	log_level = level;
}

int mon_log_level(void)
{
	return log_level;
}

void mon_vlog(int level, const char *prefix, const char *fmt, va_list ap)
{
	char line[1024];
	int n, m;

	if (level > log_level)
		return;
	n = snprintf(line, sizeof(line), "umvisor: %s%s", prefix ? prefix : "",
		     prefix ? ": " : "");
	if (n < 0)
		return;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line so lines from the monitor and guest do not mix. */
	while (write(STDERR_FILENO, line, (size_t)n) < 0 && errno == EINTR)
		;
}

void mon_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mon_vlog(level, NULL, fmt, ap);
	va_end(ap);
}
