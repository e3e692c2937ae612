/* The obvious direct attacks of a guest on its monitor: signals, pidfds,
 * rlimits, ptrace and memory access aimed at the monitor's pid (the guest's
 * parent) are answered ESRCH, as if no such process existed. The filter
 * (dispatch.c) traps these calls only when a pid register names the
 * monitor, so ordinary kills never stop. */
#include "monitor/dispatch.h"

#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/vfs.h>
#include <unistd.h>

static bool names_monitor(uint64_t pid_arg)
{
	return mon_self_pid > 0 && (pid_t)(int32_t)(uint32_t)pid_arg == mon_self_pid;
}

/* Is guest fd FD of thread TID a /proc/MONITOR directory (what
 * pidfd_send_signal accepts besides a pidfd) or a pidfd of the monitor? */
static bool fd_names_monitor(pid_t tid, uint64_t fd)
{
	char path[64], target[256], want[32], line[128];
	struct statfs sf;
	ssize_t n;
	FILE *f;
	bool found = false;

	if (fd > INT32_MAX)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)tid, (int)fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	if (strcmp(target, "anon_inode:[pidfd]") == 0) {
		/* a pidfd: fdinfo says whose */
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tid, (int)fd);
		if (!(f = fopen(path, "re")))
			return false;
		while (fgets(line, sizeof(line), f))
			if (strncmp(line, "Pid:", 4) == 0) {
				found = names_monitor((uint64_t)strtol(line + 4, NULL, 10));
				break;
			}
		fclose(f);
		return found;
	}
	snprintf(want, sizeof(want), "/%d", (int)mon_self_pid);
	if ((size_t)n < strlen(want) || strcmp(target + n - strlen(want), want) != 0)
		return false;
	return statfs(path, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

bool mon_guard_self(struct umv_call *call)
{
	const uint64_t *a = call->sc.args;
	enum sc_id id = call->sc.id;
	bool hit = false;

	if (mon_self_pid <= 0 || id == SC_ID_UNKNOWN)
		return false;
	if (id == mon_id_ptrace) {
		hit = a[0] != PTRACE_TRACEME && names_monitor(a[1]);
	} else if (id == mon_id_pid_calls[MON_PC_TGKILL] ||
		   id == mon_id_pid_calls[MON_PC_RT_TGSIGQUEUEINFO]) {
		hit = names_monitor(a[0]) || names_monitor(a[1]);
	} else if (id == mon_id_pid_calls[MON_PC_KILL]) {
		/* -PID: the monitor leads a process group of its own once it
		 * has left the job's (signals.c); refused only while that
		 * group is the monitor's alone, not the caller's too */
		hit = names_monitor(a[0]) ||
		      ((pid_t)(int32_t)(uint32_t)a[0] == -mon_self_pid && getpgrp() == mon_self_pid &&
		       getpgid(call->thread->tid) != mon_self_pid);
	} else if (id == mon_id_pid_calls[MON_PC_PIDFD_SEND_SIGNAL]) {
		hit = fd_names_monitor(call->thread->tid, a[0]);
	} else {
		for (int i = 0; i < MON_PC_COUNT; i++)
			if (id == mon_id_pid_calls[i]) {
				hit = names_monitor(a[0]);
				break;
			}
	}
	if (!hit)
		return false;
	mon_log(MON_LOG_INFO, "%s of %d aimed at the monitor: ESRCH", call->sc.name,
		(int)call->thread->tid);
	call->result = -ESRCH;
	return true;
}
