/* The event loop: one waitpid(-1, __WALL) for every traced thread; each stop
 * is classified (syscall, ptrace event, group-stop, signal delivery) and the
 * thread resumed exactly once. */
#include "monitor/monitor.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>

static struct mon_engine_cfg engine;

/* UMVISOR_TEST_DEFER_FORK_EVENTS=1: hold fork/vfork/clone events back until
 * nothing else is pending, so a new thread's first stop reliably comes
 * before its parent's event (the orphan path, otherwise rare). */
#define MAX_DEFERRED 64
static bool defer_fork_events;
static struct {
	pid_t tid;
	int status;
	pid_t child;		/* the new thread the held-back event announces */
	bool child_seen;	/* its first stop (or death) has been reported */
} deferred[MAX_DEFERRED];
static size_t ndeferred;
static pid_t initial_pid;
static int initial_status = -1;
/* The initial process's group-stop still to mirror on the monitor (its stop
 * signal, 0: none). It is mirrored once the rest of the job has stopped
 * too: the other processes' stops come a little later (^Z signals each of
 * them), and while the monitor is stopped nobody answers them; a stop
 * signal answered only after the shell's fg would stop that process for
 * good. It stays set after a mirrored stop until the initial process is
 * continued: should the monitor run again with the guest still stopped,
 * it stops again. */
static int mirror_sig;
static bool mirror_await_event;	/* the guest had news: collect it first */
static int settle_polls;
/* A stop signal that never arrives (a thread in uninterruptible sleep with
 * a SIGTSTP pending) delays the mirrored stop by at most this. */
#define SETTLE_POLL_NS (2 * 1000 * 1000)
#define MAX_SETTLE_POLLS 500

const struct mon_engine_cfg *mon_engine(void)
{
	return &engine;
}

int mon_resume(struct mon_thread *t, int sig)
{
	int req = PTRACE_CONT;
	long rc;

	if (engine.tracing_syscalls && (!engine.seccomp || t->post_pending))
		req = PTRACE_SYSCALL;
	rc = mon_ptrace(MON_REQ_RESUME, req, t->tid, NULL, (void *)(long)sig);
	/* ESRCH: killed meanwhile (e.g. another thread's exit_group); its
	 * exit status is still to come. */
	return rc < 0 && rc != -ESRCH ? (int)rc : 0;
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void resume_or_log(struct mon_thread *t, int sig)
{
	int rc = mon_resume(t, sig);

	if (rc < 0)
		mon_log(MON_LOG_WARN, "cannot resume thread %d: %s", (int)t->tid, strerror(-rc));
}

/* A thread the monitor cannot track (out of memory) would stay in its
 * first ptrace stop for ever, and whoever waits for it with it: kill it
 * (SIGKILL takes its whole process), so the guest sees a dead child instead
 * of a hang. */
static void kill_untracked(pid_t tid, const char *what)
{
	mon_log(MON_LOG_ERROR, "out of memory: cannot track %s %d: killed", what, (int)tid);
	if (kill(tid, SIGKILL) < 0 && errno != ESRCH)
		mon_log(MON_LOG_WARN, "cannot kill untracked thread %d: %s", (int)tid, strerror(errno));
}

/* A thread announced by its parent's fork/vfork/clone event. */
static void announce_child(struct mon_thread *parent, pid_t newtid, int event)
{
	struct mon_process *proc = NULL;
	struct mon_thread *t;

	/* CLONE_THREAD whatever the event: clone(CLONE_VFORK|CLONE_THREAD)
	 * reports PTRACE_EVENT_VFORK, CLONE_THREAD with SIGCHLD a FORK. */
	if (parent->proc) {
		int tgid = mon_read_tgid(newtid);
		if (tgid == parent->proc->tgid)
			proc = parent->proc;
	}
	if (!proc) {
		proc = mon_process_new(newtid);
		if (!proc) {
			kill_untracked(newtid, "process");
			return;
		}
		/* fork copies the dumpable flag (it lives in the mm) and the
		 * seccomp filters. */
		if (parent->proc) {
			proc->dumpable = parent->proc->dumpable;
			proc->own_filter = parent->proc->own_filter;
			mon_scratch_fork(parent->proc, proc, event);
			mon_vfs_fork(parent->proc, proc);
		}
	}
	t = mon_thread_find(newtid);
	if (t && t->state == MON_T_ORPHAN_STOPPED) {
		/* Its first stop came before our event: adopt and let it go. */
		mon_thread_set_process(t, proc);
		t->state = MON_T_RUNNING;
		mon_modules_thread_start(proc->tgid, newtid, parent->tid);
		resume_or_log(t, t->orphan_sig);
		t->orphan_sig = 0;
		return;
	}
	if (t) {
		mon_log(MON_LOG_WARN, "thread %d announced twice", (int)newtid);
		if (proc->nthreads == 0 && proc != parent->proc)
			free(proc);
		return;
	}
	t = mon_thread_add(newtid, proc, MON_T_AWAIT_FIRST_STOP);
	if (!t) {
		kill_untracked(newtid, "thread");
		if (proc->nthreads == 0)
			free(proc);
		return;
	}
	mon_modules_thread_start(proc->tgid, newtid, parent->tid);
}

static void on_event(struct mon_thread *t, int event)
{
	unsigned long msg = 0;
	long rc;

	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		rc = mon_ptrace(MON_REQ_OTHER, PTRACE_GETEVENTMSG, t->tid, NULL, &msg);
		if (rc == 0) {
			mon_stats_event(MON_EV_NEW_THREAD);
			announce_child(t, (pid_t)msg, event);
		}
		else if (rc != -ESRCH)
			mon_log(MON_LOG_WARN, "fork event of %d: no child id: %s", (int)t->tid,
				strerror((int)-rc));
		break;
	case PTRACE_EVENT_EXEC:
		mon_stats_event(MON_EV_EXEC);
		/* A multi-threaded exec: the execing thread took the leader's
		 * tid; the old leader and the former tid vanished without an
		 * exit report. The execing thread's state (its execve's exit
		 * stop, asked by modules) goes on under the leader's tid. */
		rc = mon_ptrace(MON_REQ_OTHER, PTRACE_GETEVENTMSG, t->tid, NULL, &msg);
		if (rc == 0 && (pid_t)msg != t->tid && (pid_t)msg > 0) {
			struct mon_thread *former = mon_thread_find((pid_t)msg);
			pid_t pid = t->tid;

			if (former) {
				if (former->proc != t->proc)
					mon_thread_set_process(former, t->proc);
				t = mon_thread_take_tid(former, t);
			} else {
				/* Untracked: at least forget the old leader's call. */
				t->post_pending = false;
				t->post_mask = t->observe_mask = 0;
			}
			mon_modules_exec_takeover(pid, (pid_t)msg);
		}
		/* Still inside execve: its exit stop (if we asked) follows. */
		t->in_syscall = true;
		t->rewrite.valid = false;
		if (t->proc)
			mon_process_exec(t->proc);
		break;
	default:
		break;
	}
	resume_or_log(t, 0);
}

#define STOP_SIGNALS (MON_SIGBIT(SIGSTOP) | MON_SIGBIT(SIGTSTP) | MON_SIGBIT(SIGTTIN) | MON_SIGBIT(SIGTTOU))

/* Whether resuming TID with the stop signal SIG makes it group-stop (the
 * kernel acts on the default disposition only). */
static bool stop_will_take(pid_t tid, int sig)
{
	struct mon_proc_sigs st;

	if (sig == SIGSTOP)
		return true;
	if (mon_proc_signal_state(tid, &st) < 0)
		return false;
	return !((st.ignored | st.caught | st.blocked) & MON_SIGBIT(sig));
}

/* False while T will soon report a stop of the job: a stop signal we let
 * through, or one pending and unblocked (not yet taken from its queue). A
 * process whose group-stop we saw has nothing more to report. */
static bool thread_settled(struct mon_thread *t, void *arg)
{
	struct mon_proc_sigs st;

	(void)arg;
	if (t->stop_in_flight) {
		/* A thread on its way to the group-stop never sleeps; one that
		 * does had the signal dropped (orphaned process group). */
		if (mon_proc_signal_state(t->tid, &st) < 0 || st.state == 'S' || st.state == 'D')
			t->stop_in_flight = false;
		else
			return false;
	}
	if (t->state == MON_T_AWAIT_FIRST_STOP)
		return false;
	if (t->state != MON_T_RUNNING || !t->proc || t->proc->group_stopped)
		return true;
	if (mon_proc_signal_state(t->tid, &st) < 0)
		return true;
	return !(st.pending & ~st.blocked & STOP_SIGNALS);
}

static void on_group_stop_or_trap(struct mon_thread *t, int sig)
{
	struct mon_process *p = t->proc;
	long rc;

	if (t->state == MON_T_AWAIT_FIRST_STOP) {
		t->state = MON_T_RUNNING;
		resume_or_log(t, 0);
		return;
	}
	if (!is_stop_signal(sig)) {
		/* SIGTRAP: a notification trap (e.g. SIGCONT ended the
		 * group-stop we were listening to). */
		if (p && p->group_stopped) {
			p->group_stopped = false;
			if (p->initial) {
				mon_signals_note_guest_stopped(false);
				mirror_sig = 0;
			}
		}
		resume_or_log(t, 0);
		return;
	}
	mon_stats_event(MON_EV_GROUP_STOP);
	/* A group-stop: stay stopped without holding the thread in a
	 * ptrace-stop, so SIGCONT from anyone resumes it. */
	rc = mon_ptrace(MON_REQ_RESUME, PTRACE_LISTEN, t->tid, NULL, NULL);
	if (rc < 0 && rc != -ESRCH)
		mon_log(MON_LOG_WARN, "PTRACE_LISTEN on %d: %s", (int)t->tid, strerror((int)-rc));
	if (p && !p->group_stopped) {
		p->group_stopped = true;
		if (p->initial) {
			/* Mirror on the monitor so the calling shell sees the
			 * job stop: in the loop, once the job has settled. */
			mon_signals_note_guest_stopped(true);
			mirror_sig = sig;
			mirror_await_event = false;
			settle_polls = 0;
		}
	}
}

static void on_signal_delivery(struct mon_thread *t, int sig)
{
	if (t->launch_stop && sig == SIGSTOP) {
		/* Our own stop_before_exec: from here on, syscall stops. */
		t->launch_stop = false;
		t->in_syscall = false;
		resume_or_log(t, 0);
		return;
	}
	if (t->rewrite.valid) {
		t->rewrite.interrupted = true;
		t->rewrite.returning = false;
	}
	mon_stats_event(MON_EV_SIGNAL);
	if (mon_modules_want_signals()) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (mon_ptrace(MON_REQ_OTHER, PTRACE_GETSIGINFO, t->tid, NULL, &si) < 0) {
			si.si_signo = sig;
			si.si_code = SI_KERNEL;
		}
		mon_modules_signal(t->proc ? t->proc->tgid : t->tid, t->tid, &si);
	}
	if (sig == SIGCONT && t->proc && t->proc->group_stopped) {
		t->proc->group_stopped = false;
		if (t->proc->initial) {
			mon_signals_note_guest_stopped(false);
			mirror_sig = 0;
		}
	}
	if (is_stop_signal(sig))
		t->stop_in_flight = stop_will_take(t->tid, sig);
	resume_or_log(t, sig);
}

static void on_unknown_stop(pid_t tid, int status)
{
	struct mon_thread *t = mon_thread_add(tid, NULL, MON_T_ORPHAN_STOPPED);

	if (!t) {
		kill_untracked(tid, "thread");
		return;
	}
	mon_stats_event(MON_EV_ORPHAN);
	/* Its parent's fork event is still on the way: keep it stopped until
	 * we know which process it belongs to. */
	if (status >> 16 == 0 && WSTOPSIG(status) != (SIGTRAP | 0x80))
		t->orphan_sig = WSTOPSIG(status);
}

static void on_death(pid_t tid, int status)
{
	struct mon_thread *t = mon_thread_find(tid);

	if (tid == initial_pid) {
		initial_status = status;
		mirror_sig = 0;
	}
	if (!t)
		return;
	mon_modules_thread_exit(t->proc ? t->proc->tgid : tid, tid, status);
	if (t->proc && t->proc->tgid == tid)
		mon_modules_process_exit(tid, status);
	mon_thread_remove(t);
}

static void dispatch_stop(struct mon_thread *t, int status)
{
	int sig = WSTOPSIG(status);
	int event = (unsigned)status >> 16;
	int rc;

	/* Whatever it reports, a stop we let through has been acted on. */
	t->stop_in_flight = false;
	if (sig == (SIGTRAP | 0x80)) {
		rc = mon_syscall_stop(t, MON_OP_NONE);
	} else if (event == PTRACE_EVENT_SECCOMP) {
		rc = mon_syscall_stop(t, MON_OP_SECCOMP);
	} else if (event == PTRACE_EVENT_STOP) {
		on_group_stop_or_trap(t, sig);
		return;
	} else if (event != 0) {
		on_event(t, event);
		return;
	} else {
		on_signal_delivery(t, sig);
		return;
	}
	if (rc < 0 && rc != -ESRCH) {
		mon_log(MON_LOG_WARN, "syscall stop of thread %d: %s", (int)t->tid, strerror(-rc));
		resume_or_log(t, 0);
	}
}

int mon_loop_run(pid_t initial, const struct mon_engine_cfg *cfg, bool launch_stop)
{
	struct mon_process *proc;
	struct mon_thread *t;

	engine = *cfg;
	initial_pid = initial;
	mon_signals_set_guest(initial);
	proc = mon_process_new(initial);
	if (!proc)
		return -ENOMEM;
	proc->initial = true;
	t = mon_thread_add(initial, proc, MON_T_RUNNING);
	if (!t) {
		free(proc);
		return -ENOMEM;
	}
	t->launch_stop = launch_stop;
	mon_modules_thread_start(initial, initial, 0);

	defer_fork_events = getenv("UMVISOR_TEST_DEFER_FORK_EVENTS") &&
			    strcmp(getenv("UMVISOR_TEST_DEFER_FORK_EVENTS"), "1") == 0;
	for (;;) {
		int status;
		pid_t tid;

		if (ndeferred > 0) {
			/* Hold the event until its new thread has stopped, so
			 * the orphan path is taken however busy the machine. */
			bool seen = deferred[ndeferred - 1].child_seen;
			tid = waitpid(-1, &status, __WALL | (seen ? WNOHANG : 0));
			if (tid == 0) {
				/* Nothing else pending: handle a held-back event. */
				ndeferred--;
				t = mon_thread_find(deferred[ndeferred].tid);
				if (t)
					dispatch_stop(t, deferred[ndeferred].status);
				continue;
			}
		} else if (mirror_sig && !mirror_await_event) {
			/* Settled (read from /proc) first, events second: a
			 * stop signal taken from a queue after the look at
			 * /proc has become an event by then. */
			bool settled = settle_polls >= MAX_SETTLE_POLLS ||
				       mon_thread_all(thread_settled, NULL);

			tid = waitpid(-1, &status, __WALL | WNOHANG);
			if (tid == 0) {
				if (settled) {
					enum mon_mirror r = mon_signals_mirror_stop(mirror_sig);

					settle_polls = 0;
					mirror_await_event = r == MON_MIRROR_NEWS;
					if (r == MON_MIRROR_DROPPED)
						mirror_sig = 0;
				} else {
					const struct timespec tick = { 0, SETTLE_POLL_NS };

					settle_polls++;
					nanosleep(&tick, NULL);
				}
				continue;
			}
		} else {
			tid = waitpid(-1, &status, __WALL);
		}

		if (tid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;	/* every guest process is gone, daemons too */
			return -errno;
		}
		mirror_await_event = false;
		for (size_t i = 0; i < ndeferred; i++)
			if (deferred[i].child == tid)
				deferred[i].child_seen = true;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			on_death(tid, status);
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		t = mon_thread_find(tid);
		if (!t) {
			on_unknown_stop(tid, status);
			continue;
		}
		if (t->state == MON_T_ORPHAN_STOPPED)
			continue;	/* cannot happen: it is not resumed */
		if (defer_fork_events && ndeferred < MAX_DEFERRED && WIFSTOPPED(status) &&
		    ((unsigned)status >> 16 == PTRACE_EVENT_FORK ||
		     (unsigned)status >> 16 == PTRACE_EVENT_VFORK ||
		     (unsigned)status >> 16 == PTRACE_EVENT_CLONE)) {
			unsigned long child = 0;

			if (mon_ptrace(MON_REQ_OTHER, PTRACE_GETEVENTMSG, tid, NULL, &child) < 0)
				child = 0;
			deferred[ndeferred].tid = tid;
			deferred[ndeferred].status = status;
			deferred[ndeferred].child = (pid_t)child;
			deferred[ndeferred].child_seen = child == 0 || mon_thread_find((pid_t)child);
			ndeferred++;
			continue;
		}
		dispatch_stop(t, status);
	}
	/* Every tracee gone without the initial process's report: cannot
	 * happen unless someone else reaped it. */
	return initial_status >= 0 ? initial_status : -ECHILD;
}
