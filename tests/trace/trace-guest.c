/* A deterministic guest for the trace tests: MODE picks a workload whose
 * syscalls do not depend on the environment (no locale, no timing). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int files(void)
{
	char buf[64];
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 1;
	if (read(fd, buf, sizeof(buf)) != 0)
		return 1;
	close(fd);
	if (open("/nonexistent/umvisor-trace", O_RDONLY) != -1 || errno != ENOENT)
		return 1;
	if (write(1, "hello\n", 6) != 6)
		return 1;
	return 0;
}

static int fork_child(void)
{
	sigset_t chld, old;
	int status;
	pid_t pid;

	/* SIGCHLD held until wait4 is done: its line comes after wait4's
	 * whatever the scheduling (the child may exit before the wait). */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	pid = fork();

	if (pid < 0)
		return 1;
	if (pid == 0) {
		/* Late enough that the parent is blocked in wait4 (the
		 * <unfinished ...> case), in practice always. */
		struct timespec ts = { 0, 200 * 1000 * 1000 };
		(void)getppid();
		nanosleep(&ts, NULL);
		_exit(3);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 3)
		return 1;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

static void *thread_main(void *arg)
{
	(void)arg;
	(void)getppid();
	return NULL;
}

static int threads(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, thread_main, NULL) != 0)
		return 1;
	if (pthread_join(th, NULL) != 0)
		return 1;
	return 0;
}

/* Values the JSON trace structures: a device number (fstat of /dev/null:
 * st_rdev) and the wait status of a child killed by a signal. */
static int status_values(void)
{
	struct stat st;
	int fd = open("/dev/null", O_RDONLY), status;
	pid_t pid;

	if (fd < 0 || fstat(fd, &st) < 0)
		return 1;
	close(fd);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		raise(SIGKILL);
		_exit(1);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status))
		return 1;
	return 0;
}

/* Temporary files as programs make them (mkstemp, mkdtemp), used, and
 * removed; SWAPPED (TRACE_GUEST_SWAP=1) removes the two files in the other
 * order, a real difference umvisor-diff must see through the random names. */
static int tmpfiles(bool swapped)
{
	char f1[] = "/tmp/umvisor-diff.XXXXXX", f2[] = "/tmp/umvisor-diff.XXXXXX";
	char dir[] = "/tmp/umvisor-dir.XXXXXX", inner[64];
	int fd1 = mkstemp(f1), fd2 = mkstemp(f2), fd;

	if (fd1 < 0 || fd2 < 0 || !mkdtemp(dir))
		return 1;
	if (write(fd1, "one\n", 4) != 4 || write(fd2, "two\n", 4) != 4)
		return 1;
	close(fd1);
	close(fd2);
	snprintf(inner, sizeof(inner), "%s/data", dir);
	fd = open(inner, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	close(fd);
	if (unlink(inner) < 0 || rmdir(dir) < 0)
		return 1;
	if (unlink(swapped ? f2 : f1) < 0 || unlink(swapped ? f1 : f2) < 0)
		return 1;
	return 0;
}

/* execve from a thread that is not the leader: the kernel gives it the
 * leader's tid. Both variants are deterministic: nothing depends on which
 * thread runs first. The new image runs MODE "exec-done". */
static char *self_path;
static volatile int leader_spinning;

static void exec_self(void)
{
	char *argv[] = { self_path, "exec-done", NULL };

	execv(self_path, argv);
	_exit(127);		/* exit_group: the leader must not spin for ever */
}

static int exec_child(void *arg)
{
	(void)arg;
	exec_self();
	return 127;
}

/* The leader waits inside clone(CLONE_VFORK) until the thread's exec, so
 * it has a call in flight when it is superseded. */
static int exec_vfork(void)
{
	static char stack[65536] __attribute__((aligned(16)));

	if (clone(exec_child, stack + sizeof(stack),
		  CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
			  CLONE_VFORK, NULL) < 0)
		return 1;
	return 1;		/* the exec failed */
}

static void *exec_spin_thread(void *arg)
{
	(void)arg;
	while (!leader_spinning)
		;
	exec_self();
	return NULL;
}

/* The leader calls pthread_exit first: the process lives on with a zombie
 * leader (whose /proc/PID/mem and process_vm_readv no longer reach the
 * memory), and the thread execs once the leader is gone. */
static pthread_t leader_thread;

static void *exec_after_leader_thread(void *arg)
{
	(void)arg;
	pthread_join(leader_thread, NULL);
	exec_self();
	return NULL;
}

static int exec_leader_exit(void)
{
	pthread_t th;

	leader_thread = pthread_self();
	if (pthread_create(&th, NULL, exec_after_leader_thread, NULL) != 0)
		return 1;
	pthread_exit(NULL);
}

/* The leader spins in user space (no call in flight) while the thread
 * execs, so the execve's entry half is the last line written. */
static int exec_spin(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, exec_spin_thread, NULL) != 0)
		return 1;
	leader_spinning = 1;
	for (;;)
		;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "files";

	/* Marks where the program's own calls start (the loader's depend on
	 * the system): the golden files begin at this line. */
	(void)access("/umvisor-trace-start", F_OK);

	if (strcmp(mode, "files") == 0)
		return files();
	if (strcmp(mode, "fork") == 0)
		return fork_child();
	if (strcmp(mode, "threads") == 0)
		return threads();
	if (strcmp(mode, "status") == 0)
		return status_values();
	if (strcmp(mode, "tmpfiles") == 0) {
		/* in the environment, so the two runs' argv are the same */
		const char *swap = getenv("TRACE_GUEST_SWAP");
		return tmpfiles(swap && strcmp(swap, "1") == 0);
	}
	self_path = argv[0];
	if (strcmp(mode, "exec-vfork") == 0)
		return exec_vfork();
	if (strcmp(mode, "exec-spin") == 0)
		return exec_spin();
	if (strcmp(mode, "exec-leader-exit") == 0)
		return exec_leader_exit();
	if (strcmp(mode, "exec-done") == 0)
		return getppid() > 0 ? 0 : 1;
	if (strcmp(mode, "kill") == 0) {
		(void)getppid();
		raise(SIGKILL);
		return 1;
	}
	if (strcmp(mode, "many") == 0) {
		/* Enough output to fill a small disk or a pipe. */
		int n = argc > 2 ? atoi(argv[2]) : 1000;
		for (int i = 0; i < n; i++)
			(void)getppid();
		return 0;
	}
	fprintf(stderr, "trace-guest: unknown mode %s\n", mode);
	return 2;
}
