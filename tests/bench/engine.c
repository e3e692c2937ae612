/* Engine benchmarks (make bench): each runs the guest loop under umvisor and
 * under its baseline, interleaved (A B A B ...), and prints the median of the
 * per-iteration times the guest measured itself:
 *   engine.passthrough  getppid with a module that traps only path calls,
 *                       vs native (target: native + 0.1 us)
 *   engine.emulate      getppid answered by the emulate-getppid test module,
 *                       vs engine_rawtracer, the least a ptrace loop can do
 *                       (target: 1.2x)
 *   engine.forkexec     fork + exec /bin/true + wait with execve and openat
 *                       trapped, vs native (target: 1.5x)
 * With proot installed, passthrough and forkexec are also compared with
 * `proot GUEST` (.vs-proot lines). engine.emulate has no proot line: proot
 * does not answer getppid itself, so the loops would not do the same work.
 *
 * Environment overrides (for an engine whose option names differ):
 * UMV_BENCH_PASSTHROUGH_MODULE, UMV_BENCH_EMULATE_MODULE,
 * UMV_BENCH_FORKEXEC_MODULE (the -m argument), UMV_BENCH_BATCHES. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef UMVISOR_BIN
#error "UMVISOR_BIN must name the built umvisor"
#endif
#ifndef BENCH_DIR
#error "BENCH_DIR must name the directory of the built benchmark programs"
#endif
#ifndef MODULE_PATH
#error "MODULE_PATH must name the built modules' directories"
#endif

#define GUEST BENCH_DIR "/engine_guest"
#define RAWTRACER BENCH_DIR "/engine_rawtracer"
#define EMULATED_PPID "4242"
#define MAX_BATCHES 15

/* Runs argv with stdout captured and stderr kept; returns the number the
 * guest printed (microseconds per iteration) or a negative value. */
static double run_timed(char *const argv[])
{
	int out[2];
	if (pipe(out) < 0) {
		fprintf(stderr, "engine: pipe: %s\n", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "engine: fork: %s\n", strerror(errno));
		close(out[0]);
		close(out[1]);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out[1], 1) < 0)
			_exit(126);
		close(out[0]);
		execv(argv[0], argv);
		fprintf(stderr, "engine: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	char buf[256];
	size_t len = 0;
	for (;;) {
		ssize_t n = read(out[0], buf + len, sizeof buf - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof buf - 1)
			break;
	}
	buf[len] = '\0';
	close(out[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "engine: waitpid: %s\n", strerror(errno));
			return -1;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "engine: %s ... failed (status 0x%x)\n", argv[0], (unsigned)status);
		return -1;
	}
	char *end;
	double value = strtod(buf, &end);
	if (end == buf || value <= 0) {
		fprintf(stderr, "engine: %s printed '%s', not a time\n", argv[0], buf);
		return -1;
	}
	return value;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct runner {
	const char *name;
	char *const *argv;
	double samples[MAX_BATCHES];
};

/* Runs every runner once per batch, in turn, and leaves the samples. */
static int interleave(struct runner *r, int nrunners, int batches)
{
	for (int b = 0; b < batches; b++)
		for (int i = 0; i < nrunners; i++) {
			r[i].samples[b] = run_timed(r[i].argv);
			if (r[i].samples[b] < 0) {
				fprintf(stderr, "engine: %s run failed\n", r[i].name);
				return -1;
			}
		}
	return 0;
}

static void report(const char *bench, struct runner *ours, struct runner *theirs, int batches)
{
	double a = median(ours->samples, batches), b = median(theirs->samples, batches);
	printf("bench: %s: %.3f us vs %s %.3f us = %.2fx\n", bench, a, theirs->name, b, a / b);
	fflush(stdout);
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v && *v ? v : fallback;
}

/* One benchmark: ours (umvisor) against its baseline, plus proot if any. */
static int bench(const char *name, int batches, char *const *ours_argv, const char *baseline,
		 char *const *base_argv, char *const *proot_argv)
{
	struct runner r[3] = {
		{ .name = "umvisor", .argv = ours_argv },
		{ .name = baseline, .argv = base_argv },
		{ .name = "proot", .argv = proot_argv },
	};
	int n = proot_argv ? 3 : 2;
	if (interleave(r, n, batches) < 0) {
		fprintf(stderr, "bench: %s: FAILED\n", name);
		return -1;
	}
	report(name, &r[0], &r[1], batches);
	if (proot_argv) {
		char vs[128];
		snprintf(vs, sizeof vs, "%s.vs-proot", name);
		report(vs, &r[0], &r[2], batches);
	}
	return 0;
}

static const char *find_proot(void)
{
	static const char *const candidates[] = { "/usr/bin/proot", "/usr/local/bin/proot" };
	for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
		if (access(candidates[i], X_OK) == 0)
			return candidates[i];
	fprintf(stderr, "engine: proot not installed, no .vs-proot lines\n");
	return NULL;
}

int main(void)
{
	if (setenv("UMVISOR_MODULE_PATH", env_or("UMVISOR_MODULE_PATH", MODULE_PATH), 1) < 0) {
		perror("engine: setenv");
		return 1;
	}
	int batches = atoi(env_or("UMV_BENCH_BATCHES", "7"));
	if (batches < 1 || batches > MAX_BATCHES)
		batches = 7;
	const char *proot = find_proot();
	int failed = 0;

	char *pass_mod = (char *)env_or("UMV_BENCH_PASSTHROUGH_MODULE", "count:only=path:out=/dev/null");
	char *pass_ours[] = { UMVISOR_BIN, "-m", pass_mod, "--", GUEST, "getppid", "2000000", NULL };
	char *pass_native[] = { GUEST, "getppid", "2000000", NULL };
	/* proot stops on getppid here (about 16 us a call): fewer iterations,
	 * the figure is per call either way. */
	char *pass_proot[] = { (char *)proot, GUEST, "getppid", "100000", NULL };
	failed |= bench("engine.passthrough", batches, pass_ours, "native", pass_native,
			proot ? pass_proot : NULL) < 0;

	char *emu_mod = (char *)env_or("UMV_BENCH_EMULATE_MODULE", "emulate-getppid:value=" EMULATED_PPID);
	char *emu_ours[] = { UMVISOR_BIN, "-m", emu_mod, "--", GUEST, "getppid", "100000", NULL };
	char *emu_raw[] = { RAWTRACER, EMULATED_PPID, GUEST, "getppid", "100000", NULL };
	failed |= bench("engine.emulate", batches, emu_ours, "raw-ptrace", emu_raw, NULL) < 0;

	char *fe_mod = (char *)env_or("UMV_BENCH_FORKEXEC_MODULE", "count:only=execve,openat:out=/dev/null");
	char *fe_ours[] = { UMVISOR_BIN, "-m", fe_mod, "--", GUEST, "forkexec", "500", NULL };
	char *fe_native[] = { GUEST, "forkexec", "500", NULL };
	char *fe_proot[] = { (char *)proot, GUEST, "forkexec", "500", NULL };
	failed |= bench("engine.forkexec", batches, fe_ours, "native", fe_native,
			proot ? fe_proot : NULL) < 0;
	return failed ? 1 : 0;
}
