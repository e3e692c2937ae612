/* tests/bench/net_bench.c: the net module's costs, against native runs of
 * the same worker (this program, re-executed):
 *   net.connect  one loopback connect + accept + close pair, with map=
 *                (bind, connect and accept trapped and translated)
 *   net.stream   1 GiB over a loopback TCP connection under the module:
 *                send/recv carry no address and must never stop
 * Both sides run interleaved; the median batch is reported. Only
 * 127.0.0.1 is used. UMVISOR names the monitor (default ./umvisor). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CONNECT_PAIRS 2000
#define CONNECT_BATCHES 7
#define STREAM_BYTES (1ull << 30)
#define STREAM_BATCHES 7
#define CHUNK (256 * 1024)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct sockaddr_in loopback(unsigned port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int listen_on(unsigned port)
{
	struct sockaddr_in a = loopback(port);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 64) < 0)
		return -1;
	return fd;
}

/* Worker: N connect/accept/close pairs; prints seconds. */
static int work_connect(unsigned port, int n)
{
	struct sockaddr_in a = loopback(port);
	int srv = listen_on(port);
	double t0;

	if (srv < 0)
		return perror("listen"), 1;
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0), s;
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);

		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
			return perror("connect"), 1;
		if ((s = accept(srv, (struct sockaddr *)&peer, &len)) < 0)
			return perror("accept"), 1;
		close(s);
		close(c);
	}
	printf("%.9f\n", now_s() - t0);
	return 0;
}

/* Worker: a child writes BYTES into a loopback connection, we read them. */
static int work_stream(unsigned port)
{
	struct sockaddr_in a = loopback(port);
	int srv = listen_on(port), c, s;
	static char buf[CHUNK];
	unsigned long long got = 0;
	double t0;
	pid_t pid;

	if (srv < 0)
		return perror("listen"), 1;
	t0 = now_s();
	pid = fork();
	if (pid < 0)
		return perror("fork"), 1;
	if (pid == 0) {
		unsigned long long sent = 0;

		close(srv);
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
			_exit(1);
		memset(buf, 'x', sizeof(buf));
		while (sent < STREAM_BYTES) {
			ssize_t w = send(c, buf, sizeof(buf), 0);
			if (w <= 0)
				_exit(1);
			sent += (unsigned long long)w;
		}
		_exit(0);
	}
	if ((s = accept(srv, NULL, NULL)) < 0)
		return perror("accept"), 1;
	while (got < STREAM_BYTES) {
		ssize_t r = recv(s, buf, sizeof(buf), 0);
		if (r <= 0)
			return perror("recv"), 1;
		got += (unsigned long long)r;
	}
	int st;
	waitpid(pid, &st, 0);
	printf("%.9f\n", now_s() - t0);
	return !WIFEXITED(st) || WEXITSTATUS(st) != 0;
}

/* Runs ARGV, returns the seconds the worker printed, or -1. */
static double run(char *const argv[])
{
	int fds[2];
	char out[64] = "";
	ssize_t n;
	pid_t pid;
	int st;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	n = read(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || n <= 0)
		return -1;
	return atof(out);
}

static int compare(const char *name, const char *umvisor, const char *self, const char *mode,
		   const char *modopts, const char *count, int batches, double scale, const char *unit,
		   unsigned port)
{
	double ours[8], theirs[8];
	char portarg[16];

	snprintf(portarg, sizeof(portarg), "%u", port);
	for (int b = 0; b < batches; b++) {
		char *native[] = { (char *)self, (char *)mode, portarg, (char *)count, NULL };
		char *under[] = { (char *)umvisor, (char *)"-m", (char *)modopts, (char *)"--", (char *)self,
				  (char *)mode, portarg, (char *)count, NULL };

		theirs[b] = run(native);
		ours[b] = run(under);
		if (theirs[b] < 0 || ours[b] < 0) {
			fprintf(stderr, "bench: %s: a worker failed (native %g, umvisor %g)\n", name, theirs[b], ours[b]);
			return 1;
		}
	}
	qsort(ours, (size_t)batches, sizeof(double), cmp_double);
	qsort(theirs, (size_t)batches, sizeof(double), cmp_double);
	double o = ours[batches / 2] * scale, t = theirs[batches / 2] * scale;
	printf("bench: %s: %.2f %s vs native %.2f %s = %.2fx\n", name, o, unit, t, unit, o / t);
	return 0;
}

int main(int argc, char **argv)
{
	const char *umvisor = getenv("UMVISOR") ? getenv("UMVISOR") : "./umvisor";
	char self[4096], opts[128], count[16];
	ssize_t n;
	int rc;

	if (argc == 4 && strcmp(argv[1], "connect") == 0)
		return work_connect((unsigned)atoi(argv[2]), atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "stream") == 0)
		return work_stream((unsigned)atoi(argv[2]));
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0)
		return perror("readlink"), 1;
	self[n] = '\0';
	if (access(umvisor, X_OK) < 0) {
		fprintf(stderr, "bench: net: %s is not built (set UMVISOR)\n", umvisor);
		return 1;
	}
	/* Guest port 18701 is 18702 on the host; the native run uses 18702. */
	snprintf(opts, sizeof(opts), "net:map=18701:18702");
	snprintf(count, sizeof(count), "%d", CONNECT_PAIRS);
	rc = compare("net.connect", umvisor, self, "connect", opts, count, CONNECT_BATCHES,
		     1e6 / CONNECT_PAIRS, "us", 18701);
	snprintf(opts, sizeof(opts), "net:policy=loopback,map=18703:18704");
	rc |= compare("net.stream", umvisor, self, "stream", opts, "0", STREAM_BATCHES, 1.0, "s/GiB", 18703);
	return rc;
}
