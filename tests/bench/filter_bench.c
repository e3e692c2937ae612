/* bench: the cost our seccomp filter adds to a syscall no module wants.
 *
 * getppid in four forked processes, measured in interleaved batches (median
 * of the batches): with no filter, and with the filter built for a typical
 * module set (every SC_CL_PATH syscall, TRACE; getppid is ALLOWed so no
 * tracer is needed). On 5.11+ kernels the seccomp action cache learns that
 * getppid is always allowed by a filter that reads only arch and nr, and
 * skips it; the "nocache" pair stacks a one-instruction filter that reads an
 * argument on both sides, which disables the cache for every call, so it
 * shows what evaluating our program costs. A one-instruction allow-all
 * filter shows what any seccomp filter costs (the syscall-entry slow path).
 *
 *   bench: filter.passthrough: <ns> ns vs no filter <ns> ns = <ratio>x
 *   bench: filter.passthrough_vs_allow_all: <ns> ns vs allow-all filter <ns> ns = <ratio>x
 *   bench: filter.passthrough_nocache: <ns> ns vs no filter <ns> ns = <ratio>x
 */
#include "syscalls/syscalls.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ITERS 50000
#define ROUNDS 41

enum variant { PLAIN, OURS, ALLOW_ALL, PLAIN_NOCACHE, OURS_NOCACHE, NVARIANTS };

struct worker {
	pid_t pid;
	int cmd, result;	/* parent's ends of the pipes */
};

static int load_ours(void)
{
	struct sc_filter_rule rules[SC_ID_COUNT];
	struct sc_filter_spec spec = { .rules = rules, .action = SC_FILTER_TRACE };
	struct sock_fprog *prog = NULL;
	int err;

	for (unsigned id = 1; id < SC_ID_COUNT; id++)
		if (sc_info((enum sc_id)id)->classes & SC_CL_PATH)
			rules[spec.nrules++] = (struct sc_filter_rule){ .id = (enum sc_id)id };
	err = sc_filter_build(&spec, &prog);
	if (err == 0)
		err = sc_filter_load(prog, SC_FILTER_TRACE);
	sc_filter_free(prog);
	return err;
}

/* A one-instruction filter (allow everything), or one that reads an
 * argument first, which the kernel's action cache cannot summarise. */
static int load_trivial(bool read_arg)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = read_arg ? 2 : 1, .filter = read_arg ? f : f + 1 };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
		return -errno;
	return 0;
}

static double batch_ns(void)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < ITERS; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / ITERS;
}

static void worker_main(enum variant v, int cmd, int result)
{
	int err = 0;
	char c;

	if (v == OURS || v == OURS_NOCACHE)
		err = load_ours();
	if (!err && v == ALLOW_ALL)
		err = load_trivial(false);
	if (!err && (v == PLAIN_NOCACHE || v == OURS_NOCACHE))
		err = load_trivial(true);
	if (err) {
		fprintf(stderr, "filter_bench: loading filters: %s\n", strerror(-err));
		_exit(1);
	}
	while (read(cmd, &c, 1) == 1 && c == 'r') {
		double ns = batch_ns();

		if (write(result, &ns, sizeof(ns)) != sizeof(ns))
			_exit(1);
	}
	_exit(0);
}

static int start(enum variant v, struct worker *w)
{
	int to_child[2], from_child[2];

	if (pipe(to_child) != 0 || pipe(from_child) != 0)
		return -errno;
	w->pid = fork();
	if (w->pid < 0)
		return -errno;
	if (w->pid == 0) {
		close(to_child[1]);
		close(from_child[0]);
		worker_main(v, to_child[0], from_child[1]);
	}
	close(to_child[0]);
	close(from_child[1]);
	w->cmd = to_child[1];
	w->result = from_child[0];
	return 0;
}

static int run(struct worker *w, double *ns)
{
	if (write(w->cmd, "r", 1) != 1)
		return -EPIPE;
	if (read(w->result, ns, sizeof(*ns)) != sizeof(*ns))
		return -EPIPE;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(void)
{
	struct worker w[NVARIANTS];
	double samples[NVARIANTS][ROUNDS], median[NVARIANTS];
	int status = 0;

	for (int v = 0; v < NVARIANTS; v++) {
		if (start((enum variant)v, &w[v]) < 0) {
			perror("filter_bench: fork");
			return 1;
		}
	}
	for (int round = -1; round < ROUNDS; round++) {	/* round -1 warms up */
		for (int v = 0; v < NVARIANTS; v++) {
			double ns;

			if (run(&w[v], &ns) < 0) {
				fprintf(stderr, "filter_bench: worker %d failed\n", v);
				return 1;
			}
			if (round >= 0)
				samples[v][round] = ns;
		}
	}
	for (int v = 0; v < NVARIANTS; v++) {
		int st;

		/* an explicit quit: the later workers inherited this pipe's
		 * write end, so closing ours would not be seen as EOF */
		if (write(w[v].cmd, "q", 1) != 1)
			status = 1;
		close(w[v].cmd);
		if (waitpid(w[v].pid, &st, 0) != w[v].pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			status = 1;
		qsort(samples[v], ROUNDS, sizeof(double), cmp_double);
		median[v] = samples[v][ROUNDS / 2];
	}
	printf("bench: filter.passthrough: %.1f ns vs no filter %.1f ns = %.2fx\n",
	       median[OURS], median[PLAIN], median[OURS] / median[PLAIN]);
	printf("bench: filter.passthrough_vs_allow_all: %.1f ns vs allow-all filter %.1f ns = %.2fx\n",
	       median[OURS], median[ALLOW_ALL], median[OURS] / median[ALLOW_ALL]);
	printf("bench: filter.passthrough_nocache: %.1f ns vs no filter %.1f ns = %.2fx\n",
	       median[OURS_NOCACHE], median[PLAIN_NOCACHE], median[OURS_NOCACHE] / median[PLAIN_NOCACHE]);
	return status;
}
