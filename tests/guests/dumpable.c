/* prctl(PR_SET/GET_DUMPABLE) as the guest sees it: a monitor that emulates
 * it (to keep the guest's memory readable) must keep the kernel's rules:
 * only 0 and 1 are accepted, fork inherits the value, exec resets it to 1. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long rc)
{
	if (rc < 0)
		printf("%s: -1 %s\n", what, strerror(errno));
	else
		printf("%s: %ld\n", what, rc);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "after-exec") == 0) {
		show("after exec: get", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
		return 0;
	}
	show("get", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	show("set 0", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
	show("get", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	show("set 2", prctl(PR_SET_DUMPABLE, 2, 0, 0, 0));
	show("set -1", prctl(PR_SET_DUMPABLE, -1L, 0, 0, 0));
	show("get", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));

	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0)
		_exit((int)prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		printf("child lost\n");
		return 1;
	}
	printf("child after fork: get: %d\n", WEXITSTATUS(status));
	fflush(stdout);

	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		execl("/proc/self/exe", "dumpable", "after-exec", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("exec child failed\n");
		return 1;
	}
	show("set 1", prctl(PR_SET_DUMPABLE, 1, 0, 0, 0));
	show("get", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	return 0;
}
