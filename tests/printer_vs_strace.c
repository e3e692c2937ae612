/* tests/printer_vs_strace.c: run tests/printer_guest (and its -m32 build)
 * under strace and under a minimal ptrace loop that prints every call with
 * our printer, then diff the lines between the guest's BEGIN and END
 * markers. Address randomisation is off for both runs, so the pointers the
 * guest passes are the same. Exit: 0 same, 1 different, 77 skipped (no
 * strace, no ptrace), 99 harness error. */
#include <errno.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscalls/printer.h"

#define MAX_LINES 512
#define LINE_MAX_LEN 4096

struct lines {
	char *v[MAX_LINES];
	int n;
};

static void lines_add(struct lines *l, const char *s)
{
	if (l->n < MAX_LINES) {
		l->v[l->n] = strdup(s);
		if (l->v[l->n])
			l->n++;
	}
}

static void lines_free(struct lines *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

/* ---- guest memory through process_vm_readv ---- */

static ssize_t pvm_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	pid_t pid = *(pid_t *)ctx;
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	return n < 0 ? -errno : n;
}

/* ---- our run ---- */

static int run_ours(char *const *gargv, struct lines *out)
{
	struct sc_print_opts opts;
	struct sc_memreader mem = { pvm_read, NULL, NULL };
	struct sc_call call;
	struct sc_print_state state;
	struct sc_out line;
	bool in_call = false;
	int status, sig = 0;
	pid_t pid;

	sc_print_opts_default(&opts);
	opts.align = 40;	/* strace's default column */
	if (sc_out_init(&line, 0) < 0)
		return 99;
	pid = fork();
	if (pid < 0)
		return 99;
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(77);
		raise(SIGSTOP);
		execv(gargv[0], gargv);
		_exit(127);
	}
	mem.ctx = &pid;
	if (waitpid(pid, &status, 0) != pid)
		return 99;
	if (WIFEXITED(status)) {
		fprintf(stderr, "printer_vs_strace: ptrace refused (PTRACE_TRACEME): skipped\n");
		return 77;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, 0,
		   PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC) < 0) {
		perror("PTRACE_SETOPTIONS");
		return 99;
	}
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, 0, sig) < 0)
			return 99;
		sig = 0;
		if (waitpid(pid, &status, 0) != pid)
			return 99;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
			/* exec event or the initial SIGSTOP: swallow; others: deliver */
			if (WSTOPSIG(status) != SIGTRAP && WSTOPSIG(status) != SIGSTOP)
				sig = WSTOPSIG(status);
			continue;
		}
		struct __ptrace_syscall_info info;

		memset(&info, 0, sizeof(info));
		if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info) <= 0) {
			fprintf(stderr, "printer_vs_strace: PTRACE_GET_SYSCALL_INFO failed: skipped\n");
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return 77;
		}
		if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
			if (sc_decode(info.arch, info.entry.nr, info.entry.args, &mem, &call) < 0)
				return 99;
			sc_out_clear(&line);
			if (sc_print_enter(&line, &call, &mem, &opts, &state) < 0)
				return 99;
			in_call = true;
		} else if (info.op == PTRACE_SYSCALL_INFO_EXIT && in_call) {
			struct sc_result res = { .rval = info.exit.rval };

			if (sc_print_exit(&line, &call, &mem, &opts, &state, &res) < 0)
				return 99;
			lines_add(out, sc_out_str(&line));
			in_call = false;
		}
	}
	sc_out_fini(&line);
	return 0;
}

/* ---- strace's run ---- */

static int run_strace(char *const *gargv, const char *logfile, struct lines *out)
{
	char buf[LINE_MAX_LEN];
	int status;
	pid_t pid = fork();
	FILE *f;

	if (pid < 0)
		return 99;
	if (pid == 0) {
		char *argv[64] = { "strace", "-o", (char *)logfile };
		int n = 3;

		for (int i = 0; gargv[i] && n < 63; i++)
			argv[n++] = gargv[i];
		argv[n] = NULL;
		execvp("strace", argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 99;
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
		fprintf(stderr, "printer_vs_strace: strace is not installed: skipped\n");
		return 77;
	}
	f = fopen(logfile, "r");
	if (!f) {
		fprintf(stderr, "printer_vs_strace: strace wrote no log (ptrace refused?): skipped\n");
		return 77;
	}
	while (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		/* signals and exits are the tracer's lines, not the printer's */
		if (strncmp(buf, "--- ", 4) == 0 || strncmp(buf, "+++ ", 4) == 0)
			continue;
		lines_add(out, buf);
	}
	fclose(f);
	return 0;
}

/* Child pids differ between the two runs: the result of clone and the
 * first argument and result of wait4 become "CHILD" (only there, so a
 * small pid cannot clash with an fd number elsewhere). */
static void replace_span(char **line, size_t at, size_t len)
{
	size_t n = strlen(*line);
	char *dst = malloc(n + 8);

	if (!dst)
		return;
	memcpy(dst, *line, at);
	memcpy(dst + at, "CHILD", 5);
	memcpy(dst + at + 5, *line + at + len, n - at - len + 1);
	free(*line);
	*line = dst;
}

static void hide_child_pids(struct lines *l)
{
	for (int i = 0; i < l->n; i++) {
		bool clone = strncmp(l->v[i], "clone(", 6) == 0;
		bool wait = strncmp(l->v[i], "wait4(", 6) == 0;
		char *eq;

		if (!clone && !wait)
			continue;
		if (wait && l->v[i][6] >= '1' && l->v[i][6] <= '9')
			replace_span(&l->v[i], 6, strspn(l->v[i] + 6, "0123456789"));
		eq = strrchr(l->v[i], '=');
		if (eq && eq[1] == ' ' && eq[2] >= '1' && eq[2] <= '9' &&
		    eq[2 + strspn(eq + 2, "0123456789")] == '\0')
			replace_span(&l->v[i], (size_t)(eq + 2 - l->v[i]), strlen(eq + 2));
	}
}

/* the lines from the BEGIN marker to the END marker */
static void window(const struct lines *l, int *from, int *to)
{
	*from = *to = -1;
	for (int i = 0; i < l->n; i++) {
		if (*from < 0 && strncmp(l->v[i], "write(-1, \"BEGIN\"", 17) == 0)
			*from = i;
		if (*from >= 0 && strncmp(l->v[i], "write(-1, \"END\"", 15) == 0) {
			*to = i;
			return;
		}
	}
}

static int compare(char *const *gargv, bool markers)
{
	const char *guest = gargv[0];
	struct lines ours = { 0 }, theirs = { 0 };
	char logfile[] = "/tmp/umv-printer-strace-XXXXXX";
	int fd = mkstemp(logfile), r, a0, a1, b0, b1, bad = 0;

	if (fd < 0)
		return 99;
	close(fd);
	r = run_strace(gargv, logfile, &theirs);
	unlink(logfile);
	if (r)
		return r;
	r = run_ours(gargv, &ours);
	if (r)
		return r;
	hide_child_pids(&theirs);
	hide_child_pids(&ours);
	if (markers) {
		window(&theirs, &a0, &a1);
		window(&ours, &b0, &b1);
	} else {	/* a whole run, after strace's execve line */
		a0 = 1, a1 = theirs.n - 2, b0 = 1, b1 = ours.n - 1;
	}
	if (a0 < 0 || a1 < 0 || b0 < 0 || b1 < 0) {
		fprintf(stderr, "%s: markers missing (strace %d..%d, ours %d..%d)\n", guest, a0, a1, b0, b1);
		return 99;
	}
	for (int i = 0; a0 + i <= a1 || b0 + i <= b1; i++) {
		const char *t = a0 + i <= a1 ? theirs.v[a0 + i] : "(none)";
		const char *o = b0 + i <= b1 ? ours.v[b0 + i] : "(none)";

		if (strcmp(t, o) != 0) {
			fprintf(stderr, "%s: line %d differs\n  strace: %s\n  ours:   %s\n", guest, i, t, o);
			bad = 1;
		}
	}
	if (getenv("UMV_PRINTER_DUMP"))	/* to look at what was compared */
		for (int i = b0; i <= b1; i++)
			printf("%s\n", ours.v[i]);
	if (!bad)
		printf("%s: %d lines identical to strace's\n", guest, a1 - a0 + 1);
	lines_free(&ours);
	lines_free(&theirs);
	return bad;
}

/* With arguments: compare a whole run of that command (a development aid
 * to find differences; not deterministic enough for make check). */
/* Our format follows strace 6.1; another version prints some calls
 * differently, which is not our bug. Returns 0 if strace 6.1 runs here. */
static int check_strace_version(void)
{
	char line[256] = "";
	FILE *f = popen("strace -V 2>/dev/null", "r");

	if (!f || !fgets(line, sizeof(line), f)) {
		if (f)
			pclose(f);
		fprintf(stderr, "printer_vs_strace: strace is not installed: skipped\n");
		return 77;
	}
	pclose(f);
	const char *v = strstr(line, "version 6.1");

	if (!v || (v[11] >= '0' && v[11] <= '9')) {	/* not 6.10 */
		line[strcspn(line, "\n")] = '\0';
		fprintf(stderr, "printer_vs_strace: needs strace 6.1, found \"%s\": skipped\n", line);
		return 77;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = getenv("top_builddir");
	const char *names[] = { "tests/printer_guest", "tests/printer_guest32" };
	char path[4096];
	int worst = 0, ran = 0;

	/* the same addresses in both runs */
	if (personality(ADDR_NO_RANDOMIZE) < 0) {
		perror("personality");
		return 99;
	}
	if (check_strace_version())
		return 77;
	if (argc > 1)
		return compare(argv + 1, false);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", names[i]);
		if (access(path, X_OK) != 0) {
			fprintf(stderr, "%s: not built (no -m32 toolchain?): skipped\n", path);
			continue;
		}
		char *gargv[] = { path, NULL };
		int r = compare(gargv, true);

		if (r == 77)
			return 77;
		if (r > worst)
			worst = r;
		ran++;
	}
	if (!ran) {
		fprintf(stderr, "printer_vs_strace: no guest built\n");
		return 99;
	}
	return worst;
}
