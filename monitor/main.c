/* umvisor: run a program under partial virtualization. */
#include "monitor/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* --same-cpu: monitor and guest on the CPU we run on now (the guest
 * inherits the mask, so it sees one CPU). */
static int pin_same_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (cpu < 0)
		return -errno;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return -errno;
	mon_log(MON_LOG_INFO, "--same-cpu: monitor and guest pinned to CPU %d", cpu);
	return 0;
}

/* --dump-filter: the program as seccomp(2) takes it (struct sock_filter
 * records, host byte order), so a benchmark's bare tracer can load the very
 * filter a run of ours loads and stop exactly where we stop. */
static int dump_filter(const char *path, const struct sock_fprog *prog)
{
	const char *p = (const char *)prog->filter;
	size_t left = (size_t)prog->len * sizeof(prog->filter[0]);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	while (left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? -errno : -EIO;

			close(fd);
			return err;
		}
		p += n;
		left -= (size_t)n;
	}
	return close(fd) < 0 ? -errno : 0;
}

static int run(struct mon_options *o)
{
	struct mon_engine_cfg cfg = { 0 };
	struct sock_fprog *filter = NULL;
	struct mon_launch launch = { 0 };
	pid_t pid;
	int rc, status;

	if ((rc = mon_signals_setup()) < 0) {
		mon_log(MON_LOG_ERROR, "cannot set up signal handling: %s", strerror(-rc));
		return -MON_EXIT_ERROR;
	}
	if (o->nmodules > 0) {
		const struct mon_features *f;

		mon_interest_set_superset(o->runtime_mounts);
		if (mon_modules_load(o->modules, o->nmodules) < 0)
			return -MON_EXIT_ERROR;
		/* Before the filter: the path layer's set-up decides some of
		 * what it traps. */
		if (mon_vfs_setup(&launch.chdir_to) < 0) {
			mon_modules_fini();
			mon_vfs_fini();
			return -MON_EXIT_ERROR;
		}
		f = mon_probe();
		mon_stats_reset_requests();
		cfg.tracing_syscalls = true;
		cfg.seccomp = f->seccomp_trace;
		cfg.use_info = f->get_syscall_info;
		cfg.use_set_info = f->set_syscall_info;
		if (!cfg.seccomp) {
			mon_log(MON_LOG_INFO, "seccomp filters with ptrace stops unavailable: stopping at every syscall (PTRACE_SYSCALL, slow)");
		} else if ((rc = mon_filter_build(&filter)) < 0) {
			mon_log(MON_LOG_ERROR, "cannot build the seccomp filter: %s", strerror(-rc));
			mon_modules_fini();
			return -MON_EXIT_ERROR;
		}
		if (o->dump_filter && filter && (rc = dump_filter(o->dump_filter, filter)) < 0) {
			mon_log(MON_LOG_ERROR, "--dump-filter: cannot write %s: %s", o->dump_filter,
				strerror(-rc));
			goto fail;
		}
		if (!cfg.use_info)
			mon_log(MON_LOG_INFO, "PTRACE_GET_SYSCALL_INFO unavailable: fetching with PTRACE_GETREGSET");
		if ((rc = mon_tracee_init(!f->process_vm)) < 0)
			goto oom;
	} else if ((rc = mon_tracee_init(false)) < 0) {
		goto oom;
	}
	if (o->dump_filter && !filter) {
		mon_log(MON_LOG_ERROR, "--dump-filter: this run loads no seccomp filter (%s)",
			o->nmodules ? "seccomp stops unavailable" : "no module loaded");
		goto fail;
	}
	if (o->same_cpu && (rc = pin_same_cpu()) < 0) {
		mon_log(MON_LOG_ERROR, "--same-cpu: %s", strerror(-rc));
		goto fail;
	}
	launch.filter = filter;
	launch.argv = o->argv;
	launch.stop_before_exec = cfg.tracing_syscalls && !cfg.seccomp;
	pid = mon_launch(&launch);
	mon_filter_free(filter);
	filter = NULL;
	if (pid < 0) {
		mon_log(MON_LOG_ERROR, "cannot start %s: %s", o->argv[0], strerror(-pid));
		goto fail;
	}
	/* Undumpable from here on (after the fork: the guest must not inherit
	 * it): a same-uid guest can no longer open /proc/MONITOR/mem, attach
	 * or process_vm_* it, and the monitor leaves no core. The monitor's
	 * own access to the guest does not depend on its own flag.
	 * UMVISOR_DUMPABLE=1 keeps it, to debug the monitor itself. */
	if (!(getenv("UMVISOR_DUMPABLE") && strcmp(getenv("UMVISOR_DUMPABLE"), "1") == 0) &&
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		mon_log(MON_LOG_WARN, "cannot make the monitor undumpable: %s", strerror(errno));
	status = mon_loop_run(pid, &cfg, launch.stop_before_exec);
	mon_modules_fini();
	mon_vfs_fini();
	if (o->stats)
		mon_stats_print(stderr);
	mon_stats_free();
	mon_tracee_fini();
	if (status < 0) {
		mon_log(MON_LOG_ERROR, "lost track of the guest: %s",
			status == -ECHILD ? "no exit status for it" : strerror(-status));
		return -MON_EXIT_ERROR;
	}
	return status;
oom:
	mon_log(MON_LOG_ERROR, "cannot set up the process table: %s", strerror(-rc));
fail:
	mon_filter_free(filter);
	mon_modules_fini();
	mon_vfs_fini();
	mon_tracee_fini();
	return -MON_EXIT_ERROR;
}

int main(int argc, char **argv)
{
	struct mon_options o;
	int rc, status;

	rc = mon_options_parse(argc, argv, &o);
	if (rc != 0) {
		mon_options_free(&o);
		return rc > 0 ? 0 : MON_EXIT_ERROR;
	}
	mon_log_set_level(o.verbosity < 0 ? MON_LOG_ERROR : MON_LOG_WARN + o.verbosity);
	status = run(&o);
	mon_options_free(&o);
	if (status < 0)
		return -status;
	if (WIFSIGNALED(status))
		mon_die_like(WTERMSIG(status));
	fflush(NULL);
	return WEXITSTATUS(status);
}
