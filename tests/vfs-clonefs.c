/* cwd shared through CLONE_FS: a child made with clone(CLONE_FS) changes
 * directory and its parent follows (getcwd, a relative open); a plain
 * fork's chdir does not move its parent; a thread's chdir moves the whole
 * process. Run in a tree holding a/b/f2; prints one line per step, paths
 * under $B as @B@, for a native-vs-umvisor comparison. */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *base;

static void show(const char *what)
{
	char buf[8192];
	size_t bl = strlen(base);
	int fd = open("f2", O_RDONLY);

	if (!getcwd(buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "(getcwd failed)");
	printf("%s: %s%s, f2 %s\n", what, strncmp(buf, base, bl) == 0 ? "@B@" : "",
	       strncmp(buf, base, bl) == 0 ? buf + bl : buf, fd >= 0 ? "here" : "absent");
	if (fd >= 0)
		close(fd);
	fflush(stdout);
}

static int child_chdir(void *arg)
{
	return chdir(arg) == 0 ? 0 : 1;
}

static void *thread_chdir(void *arg)
{
	return (void *)(long)chdir(arg);
}

int main(void)
{
	static char stack[65536];
	pthread_t th;
	void *ret;
	pid_t pid;
	int st;

	base = getenv("B");
	if (!base)
		return 2;
	show("start");
	pid = clone(child_chdir, stack + sizeof(stack), CLONE_FS | SIGCHLD, "a/b");
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 3;
	printf("clone(CLONE_FS) child exit %d\n", WEXITSTATUS(st));
	show("after the CLONE_FS child's chdir");
	pid = fork();
	if (pid == 0)
		_exit(chdir("..") == 0 ? 0 : 1);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 4;
	show("after a forked child's chdir");
	if (pthread_create(&th, NULL, thread_chdir, "..") != 0 || pthread_join(th, &ret) != 0)
		return 5;
	show("after a thread's chdir");
	return 0;
}
