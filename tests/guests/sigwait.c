/* Waits for SIGINT, SIGTERM or SIGHUP. Writes "ready" to READY_FILE (a fifo
 * the test reads) only once the signals are blocked, then waits in
 * sigsuspend, so a signal sent after "ready" is never lost.
 * Mode "default": the signal keeps its default action (the process dies of it).
 * Mode "catch": a handler catches it; the program prints which and exits 3. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "default") && strcmp(argv[1], "catch"))) {
		fprintf(stderr, "usage: sigwait default|catch READY_FILE\n");
		return 2;
	}
	int catching = strcmp(argv[1], "catch") == 0;
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	sigset_t block, old;
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = catching ? on_signal : SIG_DFL;
		if (sigaction(sigs[i], &sa, NULL) < 0) {
			fprintf(stderr, "sigwait: sigaction: %s\n", strerror(errno));
			return 2;
		}
		sigaddset(&block, sigs[i]);
	}
	if (sigprocmask(SIG_BLOCK, &block, &old) < 0) {
		fprintf(stderr, "sigwait: sigprocmask: %s\n", strerror(errno));
		return 2;
	}
	FILE *ready = fopen(argv[2], "w");
	if (!ready || fputs("ready\n", ready) == EOF || fclose(ready) == EOF) {
		fprintf(stderr, "sigwait: %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	sigset_t wait_mask = old;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigdelset(&wait_mask, sigs[i]);
	while (!caught)
		sigsuspend(&wait_mask);
	printf("caught %s\n", strsignal(caught));
	return 3;
}
