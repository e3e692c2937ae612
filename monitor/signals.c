/* The monitor's own signals: forward the ones sent to its pid by another
 * process to the guest, never stop on its own (job control is mirrored from
 * the guest instead), and die of the guest's death signal at the end. */
#include "monitor/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Signals a user sends to the monitor's pid that the guest must get. */
static const int forwarded[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGCONT };
/* Stops the monitor must never take by itself, and SIGPIPE (a closed
 * stderr must not kill the monitor and, with EXITKILL, the guest). */
static const int ignored[] = { SIGTTOU, SIGTTIN, SIGTSTP, SIGPIPE };

#define NSAVED (sizeof(forwarded) / sizeof(forwarded[0]) + sizeof(ignored) / sizeof(ignored[0]))
static struct {
	int sig;
	struct sigaction old;
} saved[NSAVED];
static size_t nsaved;
static sigset_t saved_mask;

static volatile sig_atomic_t guest_pid;
static volatile sig_atomic_t guest_stopped;
/* The job's process group (the one the calling shell made, which the guest
 * was born in) and whether the monitor is out of it. */
static pid_t job_pgid;
static volatile sig_atomic_t out_of_job;
static volatile sig_atomic_t stopping_in_job;	/* mirrored stop, back in the job */
/* The process that wakes a mirrored stop (see spawn_watcher). */
static volatile sig_atomic_t watcher_pid;
/* SIGCONTs received: a mirrored stop ends with one, whoever sent it. */
static volatile sig_atomic_t conts_seen;

static void forward_handler(int sig, siginfo_t *si, void *uc)
{
	int saved_errno = errno;
	pid_t g = (pid_t)guest_pid;

	(void)uc;
	if (sig == SIGCONT)
		conts_seen++;
	if (sig == SIGCONT && watcher_pid > 0 && si->si_pid == (pid_t)watcher_pid) {
		/* Not a user's SIGCONT: something happened to a tracee while
		 * we were stopped. Nothing to forward. */
		errno = saved_errno;
		return;
	}
	if (g <= 0 && sig != SIGCONT) {
		/* No guest yet (modules loading, probing): be killable as
		 * any program is. */
		signal(sig, SIG_DFL);
		raise(sig);
		errno = saved_errno;
		return;
	}
	/* Terminal-generated signals (SI_KERNEL) reach the guest through the
	 * process group already; only forward what a process sent to us.
	 * Out of the job's group, a signal from kill(2) was meant for our pid
	 * alone (killpg of the job reaches the guest only). During a mirrored
	 * stop we are back in the job, and a signal there was most likely
	 * sent to the whole stopped job: not forwarded. If we could not leave
	 * the job at all (session leader), forward as the best guess. SIGCONT
	 * for a stopped guest is always passed on: a duplicate is harmless. */
	if (g > 0 && (si->si_code == SI_USER || si->si_code == SI_QUEUE ||
		      si->si_code == SI_TKILL) && si->si_pid != getpid()) {
		if (sig == SIGCONT ? guest_stopped : !stopping_in_job) {
			if (si->si_code == SI_QUEUE)
				sigqueue(g, sig, si->si_value);
			else
				kill(g, sig);
		}
	}
	errno = saved_errno;
}

static int save_and_set(int sig, const struct sigaction *sa)
{
	saved[nsaved].sig = sig;
	if (sigaction(sig, sa, &saved[nsaved].old) < 0)
		return -errno;
	nsaved++;
	return 0;
}

int mon_signals_setup(void)
{
	struct sigaction fwd, ign;
	int rc;

	if (sigprocmask(SIG_SETMASK, NULL, &saved_mask) < 0)
		return -errno;
	memset(&fwd, 0, sizeof(fwd));
	fwd.sa_sigaction = forward_handler;
	fwd.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&fwd.sa_mask);
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		if ((rc = save_and_set(forwarded[i], &fwd)) < 0)
			return rc;
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		if ((rc = save_and_set(ignored[i], &ign)) < 0)
			return rc;
	return 0;
}

void mon_signals_restore_child(void)
{
	for (size_t i = 0; i < nsaved; i++)
		sigaction(saved[i].sig, &saved[i].old, NULL);
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
}

/* Step out of the job's process group, so that signals the shell sends to
 * the job (kill %1, fg's SIGCONT, terminal ^C and ^Z) reach the guest
 * alone, and a signal to our pid is one to forward. A group leader (the
 * job of an interactive shell) cannot make a new group with its own pid, so
 * it joins its parent's group; anyone else makes its own. Returns 0 or
 * -errno (then we stay in the job, as before). */
static int leave_job(void)
{
	pid_t parent = getppid();
	pid_t target = 0;

	if (getpgrp() == getpid()) {
		target = getpgid(parent);
		if (target <= 0 || getsid(parent) != getsid(0) || target == getpgrp())
			return -EPERM;
	}
	if (setpgid(0, target) < 0)
		return -errno;
	out_of_job = 1;
	return 0;
}

void mon_signals_set_guest(pid_t initial_pid)
{
	int rc;

	guest_pid = initial_pid;
	job_pgid = getpgrp();
	rc = leave_job();
	if (rc < 0)
		mon_log(MON_LOG_DEBUG, "staying in the job's process group: %s", strerror(-rc));
}

void mon_signals_note_guest_stopped(bool stopped)
{
	guest_stopped = stopped;
}

static uint64_t hex_field(const char *line, size_t skip)
{
	return strtoull(line + skip, NULL, 16);
}

int mon_proc_signal_state(pid_t pid, struct mon_proc_sigs *out)
{
	char buf[8192];
	ssize_t n = mon_proc_status(pid, buf, sizeof(buf));

	if (n < 0)
		return n == -ENOENT ? -ESRCH : (int)n;
	memset(out, 0, sizeof(*out));
	out->state = '?';
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, "State:", 6) == 0)
			out->state = line[6 + strspn(line + 6, " \t")];
		else if (strncmp(line, "SigPnd:", 7) == 0 || strncmp(line, "ShdPnd:", 7) == 0)
			out->pending |= hex_field(line, 7);
		else if (strncmp(line, "SigBlk:", 7) == 0)
			out->blocked = hex_field(line, 7);
		else if (strncmp(line, "SigIgn:", 7) == 0)
			out->ignored = hex_field(line, 7);
		else if (strncmp(line, "SigCgt:", 7) == 0)
			out->caught = hex_field(line, 7);
		else if (strncmp(line, "voluntary_ctxt_switches:", 24) == 0)
			out->switches += strtoull(line + 24, NULL, 10);
		else if (strncmp(line, "nonvoluntary_ctxt_switches:", 27) == 0)
			out->switches += strtoull(line + 27, NULL, 10);
	}
	return 0;
}

/* The watcher: a stopped monitor cannot see a tracee event, so a SIGCONT
 * sent to the guest alone would leave the guest in its continue report (or
 * running into its next trapped call) with nobody to serve it. A continued
 * (or killed) initial process runs, which shows in its context switch
 * count: the watcher polls for that and wakes the monitor. It does not wake
 * it for the events of other guest processes: they wait until the job is
 * continued, as a wake is a continue the calling shell sees (it would then
 * think the job running, and its fg would send no SIGCONT). The monitor
 * ends it once it runs again. */
static void watch_stopped_monitor(pid_t mon, pid_t guest, const struct mon_proc_sigs *before)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	bool seen_stopped = false;

	for (;;) {
		struct mon_proc_sigs st, gs;

		if (mon_proc_signal_state(mon, &st) < 0)
			return;
		if (st.state == 'T') {
			seen_stopped = true;
			/* Dead (a zombie unless it was one already: a
			 * leader gone before its threads) or has run. */
			if (mon_proc_signal_state(guest, &gs) < 0 || gs.switches != before->switches ||
			    ((gs.state == 'Z' || gs.state == 'X') && gs.state != before->state)) {
				kill(mon, SIGCONT);
				return;
			}
		} else if (seen_stopped) {
			return;	/* continued by someone else */
		}
		nanosleep(&tick, NULL);
	}
}

static void spawn_watcher(const struct mon_proc_sigs *guest_before)
{
	pid_t mon = getpid();
	pid_t w = fork();

	if (w == 0) {
		/* Hold no file of the monitor's open (a trace pipe's reader
		 * must see EOF when the monitor closes it). */
		if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0)
			for (int fd = 3; fd < 1024; fd++)
				close(fd);
		watch_stopped_monitor(mon, (pid_t)guest_pid, guest_before);
		_exit(0);
	}
	if (w < 0)
		mon_log(MON_LOG_WARN, "cannot start the stop watcher (%s): a SIGCONT sent to the guest alone will not end the mirrored stop",
			strerror(errno));
	watcher_pid = w > 0 ? w : 0;
}

/* Ends the watcher of the last mirrored stop and reaps it here, so the
 * event loop never waits for it (a watcher that never saw the monitor
 * stopped would poll for seconds). */
static void end_watcher(void)
{
	pid_t w = (pid_t)watcher_pid;

	if (w <= 0)
		return;
	kill(w, SIGKILL);
	while (waitpid(w, NULL, __WALL) < 0 && errno == EINTR)
		;
	watcher_pid = 0;
}

/* Whether the guest has news the monitor must see before it may stop: a
 * tracee event not yet collected (a stop, a death), or a SIGCONT that
 * reached the initial process since its group-stop (the kernel marks its
 * signal struct continued when the SIGCONT is sent, before the tracee
 * runs to report it). Nothing is consumed (WNOWAIT). */
static bool guest_has_news(void)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_ALL, 0, &si, WEXITED | WSTOPPED | WNOHANG | WNOWAIT | __WALL) == 0 &&
	    si.si_pid != 0)
		return true;
	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)guest_pid, &si, WCONTINUED | WNOHANG | WNOWAIT | __WALL) == 0 &&
	       si.si_pid != 0;
}

/* setpgid takes the kernel's tasklist lock for writing, and a kill of a
 * process group (kill(-PGID), the terminal's ^Z/^C) sends to every member
 * under that lock held for reading: once this returns, a kill of the job's
 * group that had begun has reached all of its members. The result does not
 * matter (the lock is taken before any check; a no-op move succeeds). */
static void pgrp_barrier(void)
{
	(void)setpgid(0, getpgrp());
}

enum mon_mirror mon_signals_mirror_stop(int sig)
{
	struct sigaction dfl, old;
	struct mon_proc_sigs guest_before;
	sigset_t set, oldset;
	bool rejoined = false, tried = false;
	sig_atomic_t conts_before = conts_seen;
	enum mon_mirror result;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	if (sig != SIGSTOP && sigaction(sig, &dfl, &old) < 0)
		return MON_MIRROR_DROPPED;
	/* SIG blocked: generated now, taken only once we know the job has
	 * not been continued meanwhile. */
	sigemptyset(&set);
	if (sig != SIGSTOP)
		sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, &oldset);
	/* Read before the check below: a continue after the check shows to
	 * the watcher as a change. */
	if (mon_proc_signal_state((pid_t)guest_pid, &guest_before) < 0)
		guest_before.state = '?';	/* gone: the check below sees it */
	/* Stop inside the job's group: the shell's fg/bg sends SIGCONT there,
	 * and the job's group is not orphaned, so SIGTSTP and friends do stop
	 * us. Signals that reach us meanwhile (handled when we continue) were
	 * most likely sent to the whole job: not forwarded. */
	if (out_of_job && setpgid(0, job_pgid) == 0) {
		out_of_job = 0;
		stopping_in_job = 1;
		rejoined = true;
	}
	/* The shell's fg must win. A SIGCONT to the job sent before we joined
	 * it reached the guest alone; one sent after reached us too, but a
	 * stop signal generated after it discards it. So: generate ours while
	 * it is blocked (a later SIGCONT discards it in turn), wait until
	 * every kill of the group in flight is complete, then look at the
	 * guest, which every SIGCONT to the job reached. SIGSTOP cannot be
	 * blocked: for it the check comes first (a SIGCONT within the next
	 * few instructions is lost; the watcher ends that stop). */
	if (sig != SIGSTOP)
		kill(getpid(), sig);
	pgrp_barrier();
	if (!guest_has_news()) {
		spawn_watcher(&guest_before);
		tried = true;
		if (sig == SIGSTOP)
			kill(getpid(), sig);
		sigemptyset(&set);
		sigaddset(&set, sig);
		/* Delivered before sigprocmask returns (unless a SIGCONT
		 * discarded it): we stop here until SIGCONT. A SIGTSTP-like
		 * signal in an orphaned process group is discarded by the
		 * kernel, as it would have been for the guest's parent shell. */
		sigprocmask(SIG_UNBLOCK, &set, NULL);
	}
	/* Not stopping: take our stop signal back out of the queue (whatever
	 * the disposition restored below). */
	if (!tried && sig != SIGSTOP) {
		const struct timespec now = { 0, 0 };

		sigemptyset(&set);
		sigaddset(&set, sig);
		while (sigtimedwait(&set, NULL, &now) < 0 && errno == EINTR)
			;
	}
	if (sig != SIGSTOP)
		sigaction(sig, &old, NULL);
	sigprocmask(SIG_SETMASK, &oldset, NULL);
	end_watcher();
	if (rejoined) {
		stopping_in_job = 0;
		if (leave_job() < 0)
			mon_log(MON_LOG_DEBUG, "staying in the job's process group after a stop");
	}
	/* A stop ends with a SIGCONT; without one the kernel dropped the
	 * signal (orphaned process group): trying again would spin. */
	if (!tried)
		result = MON_MIRROR_NEWS;
	else if (conts_seen != conts_before)
		result = MON_MIRROR_STOPPED;
	else
		result = MON_MIRROR_DROPPED;
	return result;
}

void mon_die_like(int sig)
{
	struct rlimit nocore = { 0, 0 };
	struct sigaction dfl;
	sigset_t set;

	fflush(NULL);
	/* The guest already dumped core if it was going to; we must not. */
	setrlimit(RLIMIT_CORE, &nocore);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	/* A signal whose default action does not kill (cannot happen for a
	 * death signal, but stay defined). */
	_exit(128 + sig);
}
