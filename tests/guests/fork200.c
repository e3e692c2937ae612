/* Forks 200 children; child i exits with status i + 1 after checking that
 * getppid() names the parent. The parent reaps them in whatever order they
 * finish and checks each one's status, so a monitor that loses, reorders or
 * mixes up children (or their exit codes) is caught. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILDREN 200

int main(void)
{
	pid_t pids[CHILDREN];
	pid_t parent = getpid();
	int bad = 0;

	for (int i = 0; i < CHILDREN; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			fprintf(stderr, "fork200: fork %d: %s\n", i, strerror(errno));
			return 1;
		}
		if (pids[i] == 0)
			_exit(getppid() == parent ? i + 1 : 255);
	}
	for (int reaped = 0; reaped < CHILDREN; reaped++) {
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			fprintf(stderr, "fork200: waitpid: %s\n", strerror(errno));
			return 1;
		}
		int i = 0;
		while (i < CHILDREN && pids[i] != pid)
			i++;
		if (i == CHILDREN) {
			fprintf(stderr, "fork200: reaped unknown pid %d\n", (int)pid);
			bad++;
			continue;
		}
		pids[i] = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != i + 1) {
			fprintf(stderr, "fork200: child %d: status 0x%x, expected exit %d\n",
				i, (unsigned)status, i + 1);
			bad++;
		}
	}
	if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD) {
		fprintf(stderr, "fork200: children left over after reaping %d\n", CHILDREN);
		bad++;
	}
	printf("fork200: %d children reaped, %d wrong\n", CHILDREN, bad);
	return bad ? 1 : 0;
}
