/* Counts the SIGINTs it receives until a SIGTERM, then prints the count, so
 * a test can see a signal delivered twice (by the process group and again by
 * a monitor forwarding it). Writes "ready" to ACK_FIFO once SIGINT and
 * SIGTERM are blocked, then "int N" after each SIGINT taken.
 *   sigcount ACK_FIFO */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sigcount ACK_FIFO\n");
		return 2;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
		fprintf(stderr, "sigcount: sigprocmask: %s\n", strerror(errno));
		return 2;
	}
	FILE *ack = fopen(argv[1], "w");
	if (!ack) {
		fprintf(stderr, "sigcount: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	setvbuf(ack, NULL, _IOLBF, 0);
	fprintf(ack, "ready\n");
	int count = 0;
	for (;;) {
		int sig = sigwaitinfo(&set, NULL);
		if (sig < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "sigcount: sigwaitinfo: %s\n", strerror(errno));
			return 2;
		}
		if (sig == SIGTERM)
			break;
		fprintf(ack, "int %d\n", ++count);
	}
	printf("SIGINT received %d time%s\n", count, count == 1 ? "" : "s");
	return 0;
}
