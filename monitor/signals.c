/* The monitor's own signals: forward the ones sent to its pid by another
 * process to the guest, never stop on its own (job control is mirrored from
 * the guest instead), and die of the guest's death signal at the end. */
#include "monitor/monitor.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <stdbool.h>
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

static void forward_handler(int sig, siginfo_t *si, void *uc)
{
	int saved_errno = errno;
	pid_t g = (pid_t)guest_pid;

	(void)uc;
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

void mon_signals_mirror_stop(int sig)
{
	struct sigaction dfl, old;
	sigset_t set, oldset;
	bool rejoined = false;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	if (sig != SIGSTOP && sigaction(sig, &dfl, &old) < 0)
		return;
	/* Stop inside the job's group: the shell's fg/bg sends SIGCONT there,
	 * and the job's group is not orphaned, so SIGTSTP and friends do stop
	 * us. Signals that reach us meanwhile (handled when we continue) were
	 * most likely sent to the whole job: not forwarded. */
	if (out_of_job && setpgid(0, job_pgid) == 0) {
		out_of_job = 0;
		stopping_in_job = 1;
		rejoined = true;
	}
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, &oldset);
	/* Delivered before kill returns: we stop here until SIGCONT. A
	 * SIGTSTP-like signal in an orphaned process group is discarded by
	 * the kernel, as it would have been for the guest's parent shell. */
	kill(getpid(), sig);
	sigprocmask(SIG_SETMASK, &oldset, NULL);
	if (sig != SIGSTOP)
		sigaction(sig, &old, NULL);
	if (rejoined) {
		stopping_in_job = 0;
		if (leave_job() < 0)
			mon_log(MON_LOG_DEBUG, "staying in the job's process group after a stop");
	}
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
