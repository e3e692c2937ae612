/* vfork + exec (the parent is suspended until the child execs or exits),
 * and vfork + _exit: each child's status must come back exactly. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int reap(pid_t pid, int expected, const char *what)
{
	int status;
	if (waitpid(pid, &status, 0) != pid) {
		fprintf(stderr, "vfork_exec: waitpid: %s\n", strerror(errno));
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != expected) {
		printf("%s: status 0x%x, expected exit %d\n", what, (unsigned)status, expected);
		return 1;
	}
	printf("%s: exit %d\n", what, expected);
	return 0;
}

int main(void)
{
	int bad = 0;

	for (int i = 0; i < 10; i++) {
		char code[16];
		snprintf(code, sizeof code, "exit %d", 10 + i);
		fflush(stdout);
		pid_t pid = vfork();
		if (pid < 0) {
			fprintf(stderr, "vfork_exec: vfork: %s\n", strerror(errno));
			return 1;
		}
		if (pid == 0) {
			execl("/bin/sh", "sh", "-c", code, (char *)NULL);
			_exit(127);
		}
		bad += reap(pid, 10 + i, "vfork+exec sh");
	}

	fflush(stdout);
	pid_t pid = vfork();
	if (pid < 0) {
		fprintf(stderr, "vfork_exec: vfork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0)
		_exit(42);
	bad += reap(pid, 42, "vfork+_exit");

	fflush(stdout);
	pid = vfork();
	if (pid < 0) {
		fprintf(stderr, "vfork_exec: vfork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		execl("/nonexistent/program", "program", (char *)NULL);
		_exit(errno == ENOENT ? 99 : 98);
	}
	bad += reap(pid, 99, "vfork+failed exec");
	return bad ? 1 : 0;
}
