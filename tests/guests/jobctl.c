/* Process-management semantics a tracer can break without noticing:
 *  stop:     a child stops itself (SIGSTOP); the real parent sees it with
 *            waitpid(WUNTRACED), resumes it and sees WCONTINUED, then exit 5
 *  noreap:   SIGCHLD ignored: children are reaped by the kernel, wait()
 *            blocks until they are all gone, then fails with ECHILD
 *  restart:  a signal with an SA_RESTART handler does not interrupt a
 *            blocked read; without SA_RESTART the read fails with EINTR
 *  leader:   main calls pthread_exit while another thread keeps working and
 *            then exits the process with status 7 (run as: jobctl leader) */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int check(int ok, const char *what)
{
	printf("%s: %s\n", what, ok ? "ok" : "WRONG");
	fflush(stdout);
	return ok ? 0 : 1;
}

static int stop_and_continue(void)
{
	int status, bad = 0, go[2];
	char byte;
	if (pipe(go) < 0)
		return check(0, "pipe");
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return check(0, "fork");
	if (pid == 0) {
		close(go[1]);
		raise(SIGSTOP);
		/* Stay alive until the parent has seen us continue. */
		_exit(read(go[0], &byte, 1) == 1 ? 5 : 6);
	}
	close(go[0]);
	bad |= check(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status) &&
		     WSTOPSIG(status) == SIGSTOP, "parent sees the child stopped by SIGSTOP");
	bad |= check(kill(pid, SIGCONT) == 0, "SIGCONT sent");
	bad |= check(waitpid(pid, &status, WCONTINUED) == pid && WIFCONTINUED(status),
		     "parent sees the child continued");
	bad |= check(write(go[1], "g", 1) == 1, "child told to exit");
	close(go[1]);
	bad |= check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 5,
		     "child exits 5 after resuming");
	return bad;
}

static int no_reap(void)
{
	int bad = 0;
	struct sigaction ign, old;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	if (sigaction(SIGCHLD, &ign, &old) < 0)
		return check(0, "sigaction");
	fflush(stdout);
	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return check(0, "fork");
		if (pid == 0)
			_exit(i);
	}
	errno = 0;
	bad |= check(wait(NULL) == -1 && errno == ECHILD,
		     "SIGCHLD ignored: wait() fails with ECHILD once the 20 children are gone");
	sigaction(SIGCHLD, &old, NULL);
	return bad;
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* The parent blocks in read(); a child, once it sees the parent asleep,
 * sends SIGUSR1. With SA_RESTART the child then writes one byte, which the
 * resumed read returns. Without, the read must fail with EINTR: the child
 * writes nothing. Either way it keeps the pipe open until the parent says
 * "done", so neither data nor EOF can race the signal. */
static int read_across_signal(int restart)
{
	int fds[2], done[2];
	char byte;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = restart ? SA_RESTART : 0;
	if (pipe(fds) < 0 || pipe(done) < 0 || sigaction(SIGUSR1, &sa, NULL) < 0)
		return check(0, "pipe/sigaction");
	pid_t parent = getpid();
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return check(0, "fork");
	if (pid == 0) {
		char path[64], stat[512];
		close(done[1]);
		snprintf(path, sizeof path, "/proc/%d/stat", (int)parent);
		/* Wait until the parent sleeps in read (state S), bounded. */
		for (int tries = 0; tries < 10000; tries++) {
			FILE *f = fopen(path, "r");
			size_t n = f ? fread(stat, 1, sizeof stat - 1, f) : 0;
			if (f)
				fclose(f);
			stat[n] = '\0';
			char *p = strrchr(stat, ')');
			if (p && p[1] == ' ' && p[2] == 'S')
				break;
			usleep(1000);
		}
		kill(parent, SIGUSR1);
		if (restart && write(fds[1], "x", 1) != 1)
			_exit(1);
		_exit(read(done[0], &byte, 1) == 1 ? 0 : 1);
	}
	close(fds[1]);
	close(done[0]);
	errno = 0;
	ssize_t n = read(fds[0], &byte, 1);
	int err = errno;
	int status;
	if (write(done[1], "d", 1) != 1)
		return check(0, "write");
	waitpid(pid, &status, 0);
	close(fds[0]);
	close(done[1]);
	if (restart)
		return check(n == 1 && byte == 'x', "SA_RESTART: read resumes and gets the byte");
	return check(n == -1 && err == EINTR, "no SA_RESTART: read fails with EINTR");
}

static void *finisher(void *arg)
{
	(void)arg;
	/* Outlive main's pthread_exit, make syscalls, then end the process. */
	for (int i = 0; i < 1000; i++)
		(void)getppid();
	printf("leader: the last thread exits the process with 7\n");
	fflush(stdout);
	exit(7);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "leader") == 0) {
		pthread_t t;
		if (pthread_create(&t, NULL, finisher, NULL) != 0)
			return 1;
		pthread_exit(NULL);
	}
	int bad = 0;
	bad |= stop_and_continue();
	bad |= no_reap();
	bad |= read_across_signal(1);
	bad |= read_across_signal(0);
	return bad;
}
