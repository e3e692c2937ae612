/* trace: records the guest's syscalls, signals and exits, as strace 6.1
 * prints them (text) or as JSON Lines (doc/trace-format.md).
 *
 *   -t                 = -m trace
 *   -o FILE            = -m trace:out=FILE
 *   -m trace:OPTION,OPTION...
 *     out=FILE         output file (default: stderr)
 *     format=text|json
 *     filter=LIST      syscall names or classes (file, network, process,
 *                      signal, memory, fd, ipc, creds, stat, mount), '|'
 *                      separated; bare words after a filter= continue it;
 *                      repeated filter= accumulate
 *     path=PREFIX      only calls with a path argument under PREFIX
 *                      (repeatable)
 *     summary          also a strace -c style table at exit
 *     strsize=N        like strace -s (default 32)
 *     writer=auto|sync sync: never io_uring (also UMVISOR_TRACE_NO_URING=1)
 *     on-error=continue|stop   after an output error: guest runs untraced
 *                      (default) or every guest process is killed
 *
 * The trace is an observer (SDK revision 2): it never changes a call and
 * sees the chain's final verdict whatever its place in the load order. */
#include "modules/trace/notation_json.h"
#include "modules/trace/record.h"
#include "modules/trace/siginfo.h"
#include "modules/trace/summary.h"
#include "modules/trace/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <umvisor/module.h>

#define LINE_SIZE 65536u
#define NBUCKETS 256u
#define ALIGN_COLUMN 40u	/* strace's -a default */

struct trace_thread {
	pid_t tid, pid;
	bool pending;		/* entry seen, exit not yet */
	char name[40];
	const char *arch;
	unsigned classes;
	enum umv_verdict verdict;
	const char *module;	/* deciding module (names live for the run) */
	struct umv_format_state fst;
	struct timespec t0;	/* CLOCK_MONOTONIC at entry */
	struct timespec wall0;	/* CLOCK_REALTIME at entry */
	size_t entry_len;	/* text of the open line already written */
	unsigned nin;		/* arguments complete in the entry half */
	char *line;		/* the module's one LINE_SIZE scratch line */
	char *entry;		/* copy of the entry text while pending */
	struct trace_thread *next;
};

struct trace_state {
	char *out_path;
	bool json;
	bool summary;
	bool use_uring;
	bool stop_on_error;
	int flush_lines;	/* -1 auto (lines on a tty, pipe or stderr), 0 batch, 1 lines */
	unsigned strsize;
	char **paths;
	size_t npaths;
	bool have_filter;

	struct trace_writer *w;
	bool dead;		/* output failed: no more tracing */
	bool prefix_always;	/* strace -f -o FILE: every line starts with the tid */
	char *line;		/* scratch for one line (the monitor is single-threaded) */
	struct trace_thread *buckets[NBUCKETS];
	size_t nthreads;
	pid_t open_tid;		/* thread whose line is written up to its entry half */
	unsigned long long seq;
	struct sbuf rec;
	struct trace_summary sum;
	struct umv_mod *mod;
};

static const struct {
	const char *name;
	unsigned cls;
} classes[] = {
	{ "file", UMV_CLASS_PATH }, { "path", UMV_CLASS_PATH }, { "fd", UMV_CLASS_FD },
	{ "desc", UMV_CLASS_FD }, { "network", UMV_CLASS_NETWORK },
	{ "process", UMV_CLASS_PROCESS }, { "signal", UMV_CLASS_SIGNAL },
	{ "memory", UMV_CLASS_MEMORY }, { "ipc", UMV_CLASS_IPC }, { "creds", UMV_CLASS_CREDS },
	{ "stat", UMV_CLASS_STAT }, { "mount", UMV_CLASS_MOUNT },
};

/* ---- options ---- */

static int want_item(struct trace_state *st, const char *item)
{
	int rc;

	if (!*item)
		return 0;
	st->have_filter = true;
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strcmp(item, classes[i].name) == 0)
			return umv_want_class(st->mod, classes[i].cls);
	rc = umv_want_syscall(st->mod, item);
	if (rc == -ENOENT)
		umv_log(st->mod, UMV_LOG_ERROR, "filter=: '%s' is neither a syscall nor a class",
			item);
	return rc;
}

static int want_list(struct trace_state *st, char *list)
{
	char *save = NULL;
	int rc;

	for (char *item = strtok_r(list, "|", &save); item; item = strtok_r(NULL, "|", &save))
		if ((rc = want_item(st, item)) < 0)
			return rc;
	return 0;
}

static int set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : -ENOMEM;
}

static int parse_one(struct trace_state *st, char *opt, bool *in_filter)
{
	char *eq = strchr(opt, '=');
	const char *v = eq ? eq + 1 : NULL;

	if (eq)
		*eq = '\0';
	if (!v) {
		if (strcmp(opt, "summary") == 0) {
			st->summary = true;
			*in_filter = false;
			return 0;
		}
		if (*in_filter)
			return want_list(st, opt);
		umv_log(st->mod, UMV_LOG_ERROR, "unknown option '%s'", opt);
		return -EINVAL;
	}
	*in_filter = false;
	if (strcmp(opt, "out") == 0 && *v)
		return set_str(&st->out_path, v);
	if (strcmp(opt, "format") == 0 && (strcmp(v, "text") == 0 || strcmp(v, "json") == 0)) {
		st->json = strcmp(v, "json") == 0;
		return 0;
	}
	if (strcmp(opt, "filter") == 0 && *v) {
		char *copy = strdup(v);
		int rc = copy ? want_list(st, copy) : -ENOMEM;
		free(copy);
		*in_filter = true;
		return rc;
	}
	if (strcmp(opt, "path") == 0 && *v) {
		char **grown = realloc(st->paths, (st->npaths + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		st->paths = grown;
		st->paths[st->npaths] = strdup(v);
		if (!st->paths[st->npaths])
			return -ENOMEM;
		st->npaths++;
		return 0;
	}
	if ((strcmp(opt, "strsize") == 0 || strcmp(opt, "s") == 0) && *v) {
		char *end;
		unsigned long n = strtoul(v, &end, 10);
		if (*end || n == 0 || n > 65536) {
			umv_log(st->mod, UMV_LOG_ERROR, "strsize=%s: want 1..65536", v);
			return -EINVAL;
		}
		st->strsize = (unsigned)n;
		return 0;
	}
	if (strcmp(opt, "writer") == 0 && (strcmp(v, "auto") == 0 || strcmp(v, "sync") == 0)) {
		st->use_uring = strcmp(v, "auto") == 0;
		return 0;
	}
	if (strcmp(opt, "flush") == 0 && (strcmp(v, "line") == 0 || strcmp(v, "batch") == 0)) {
		st->flush_lines = strcmp(v, "line") == 0;
		return 0;
	}
	if (strcmp(opt, "on-error") == 0 &&
	    (strcmp(v, "continue") == 0 || strcmp(v, "stop") == 0)) {
		st->stop_on_error = strcmp(v, "stop") == 0;
		return 0;
	}
	umv_log(st->mod, UMV_LOG_ERROR,
		"bad option '%s=%s' (out=FILE, format=text|json, filter=LIST, path=PREFIX, summary, strsize=N, writer=auto|sync, flush=line|batch, on-error=continue|stop)",
		opt, v);
	return -EINVAL;
}

static int parse_options(struct trace_state *st, const char *options)
{
	char *copy, *save = NULL;
	bool in_filter = false;
	int rc = 0;

	if (options && *options) {
		copy = strdup(options);
		if (!copy)
			return -ENOMEM;
		for (char *o = strtok_r(copy, ",", &save); o && rc == 0; o = strtok_r(NULL, ",", &save))
			rc = parse_one(st, o, &in_filter);
		free(copy);
		if (rc < 0)
			return rc;
	}
	return st->have_filter ? 0 : umv_want_all(st->mod);
}

/* ---- threads ---- */

static struct trace_thread *thread_find(struct trace_state *st, pid_t tid)
{
	for (struct trace_thread *t = st->buckets[(unsigned)tid % NBUCKETS]; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

static struct trace_thread *thread_get(struct trace_state *st, pid_t pid, pid_t tid)
{
	struct trace_thread *t = thread_find(st, tid);

	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t) {
		umv_log(st->mod, UMV_LOG_ERROR, "out of memory: thread %d not traced", (int)tid);
		return NULL;
	}
	t->tid = tid;
	t->pid = pid;
	t->line = st->line;
	t->next = st->buckets[(unsigned)tid % NBUCKETS];
	st->buckets[(unsigned)tid % NBUCKETS] = t;
	st->nthreads++;
	return t;
}

static void thread_drop(struct trace_state *st, pid_t tid)
{
	struct trace_thread **pp = &st->buckets[(unsigned)tid % NBUCKETS];

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->tid == tid) {
			struct trace_thread *t = *pp;
			*pp = t->next;
			free(t->entry);
			free(t);
			st->nthreads--;
			return;
		}
}

/* ---- output ---- */

static void kill_guests(struct trace_state *st)
{
	for (unsigned b = 0; b < NBUCKETS; b++)
		for (struct trace_thread *t = st->buckets[b]; t; t = t->next)
			if (t->pid == t->tid)
				kill(t->pid, SIGKILL);
}

static void output_failed(struct trace_state *st, int err)
{
	if (st->dead)
		return;
	st->dead = true;
	umv_log(st->mod, UMV_LOG_ERROR, "writing the trace to %s: %s; %s",
		st->out_path ? st->out_path : "stderr", strerror(-err),
		st->stop_on_error ? "stopping the guest (on-error=stop)" :
				    "the guest keeps running untraced");
	if (st->stop_on_error)
		kill_guests(st);
}

static void emit(struct trace_state *st, const char *s, size_t n)
{
	int rc;

	if (st->dead)
		return;
	rc = trace_writer_append(st->w, s, n);
	if (rc < 0)
		output_failed(st, rc);
}

/* After each complete line: a live trace appears within
 * TRACE_WRITER_LATENCY_MS. */
static void emitted_line(struct trace_state *st)
{
	int rc;

	if (st->dead)
		return;
	rc = trace_writer_tick(st->w);
	if (rc < 0)
		output_failed(st, rc);
}

static void emit_str(struct trace_state *st, const char *s)
{
	emit(st, s, strlen(s));
}

/* strace -f -o FILE puts "TID " (width 5) on every line; on stderr strace
 * puts "[pid TID] " once several threads are traced. */
static size_t put_prefix(const struct trace_state *st, char *buf, size_t size, pid_t tid)
{
	int n = 0;

	if (st->prefix_always)
		n = snprintf(buf, size, "%-5d ", (int)tid);
	else if (st->nthreads > 1)
		n = snprintf(buf, size, "[pid %5d] ", (int)tid);
	else if (size)
		buf[0] = '\0';
	return n > 0 ? (size_t)n : 0;
}

/* Another line is about to be written: an open entry half of a different
 * thread (or of the same thread, for a signal) becomes "<unfinished ...>". */
static void close_open_line(struct trace_state *st)
{
	if (st->open_tid) {
		emit_str(st, " <unfinished ...>\n");
		st->open_tid = 0;
	}
}

/* Pad LINE to strace's result column and append TEXT (" = ?"). */
static void add_result_text(char *line, size_t size, const char *text)
{
	size_t len = strnlen(line, size);
	bool past = len >= ALIGN_COLUMN;

	while (len < ALIGN_COLUMN && len + 1 < size)
		line[len++] = ' ';
	line[len] = '\0';
	if (past)
		snprintf(line + len, size - len, " %s", text);
	else
		snprintf(line + len, size - len, "%s", text);
}

/* ---- JSON records ---- */

static void json_head(struct trace_state *st, const char *type, pid_t pid, pid_t tid,
		      const struct timespec *wall)
{
	struct timespec now;

	if (!wall) {
		clock_gettime(CLOCK_REALTIME, &now);
		wall = &now;
	}
	sbuf_reset(&st->rec);
	sbuf_printf(&st->rec, "{\"v\":3,\"seq\":%llu,\"type\":\"%s\",\"time\":%lld.%06ld,\"pid\":%d,\"tid\":%d",
		    ++st->seq, type, (long long)wall->tv_sec, wall->tv_nsec / 1000, (int)pid,
		    (int)tid);
}

static void json_end(struct trace_state *st)
{
	sbuf_puts(&st->rec, "}\n");
	if (st->rec.oom) {
		umv_log(st->mod, UMV_LOG_ERROR, "out of memory: trace record %llu dropped", st->seq);
		return;
	}
	emit(st, st->rec.s, st->rec.len);
	emitted_line(st);
}

static const char *verdict_name(enum umv_verdict v)
{
	return v == UMV_REWRITE ? "rewritten" : v == UMV_EMULATE ? "emulated" : "passed";
}

static void json_classes(struct trace_state *st, unsigned cls)
{
	bool first = true;

	sbuf_puts(&st->rec, ",\"classes\":[");
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		/* one name per bit: skip the aliases */
		if (strcmp(classes[i].name, "path") == 0 || strcmp(classes[i].name, "desc") == 0)
			continue;
		if (cls & classes[i].cls) {
			sbuf_printf(&st->rec, "%s\"%s\"", first ? "" : ",", classes[i].name);
			first = false;
		}
	}
	sbuf_puts(&st->rec, "]");
}

/* One syscall record from the thread's formatted text (no prefix, align 0).
 * HAVE_RESULT false: the thread never came back (" = ?"). */
/* The arguments of LINE as a JSON array: each the printer's text, or (schema
 * v2's "values") that text converted to a structured value. */
static void json_args(struct trace_state *st, const char *line, bool structured)
{
	size_t a0, a1, pos, a, b;
	bool first = true;

	sbuf_puts(&st->rec, "[");
	if (record_arg_span(line, &a0, &a1)) {
		pos = a0;
		while (record_next_arg(line, a1, &pos, &a, &b)) {
			if (!first)
				sbuf_puts(&st->rec, ",");
			if (structured)
				notation_to_json(&st->rec, line + a, b - a);
			else
				sbuf_json_str(&st->rec, line + a, b - a);
			first = false;
		}
	}
	sbuf_puts(&st->rec, "]");
}

static void json_syscall(struct trace_state *st, struct trace_thread *t, bool have_result,
			 int64_t result, double duration)
{
	const char *en;

	json_head(st, "syscall", t->pid, t->tid, &t->wall0);
	sbuf_puts(&st->rec, ",\"arch\":");
	sbuf_json_str(&st->rec, t->arch, strlen(t->arch));
	sbuf_puts(&st->rec, ",\"syscall\":");
	sbuf_json_str(&st->rec, t->name, strlen(t->name));
	json_classes(st, t->classes);
	sbuf_puts(&st->rec, ",\"args\":");
	json_args(st, t->line, false);
	sbuf_printf(&st->rec, ",\"nin\":%u", t->nin);
	if (have_result) {
		sbuf_printf(&st->rec, ",\"ret\":%lld", (long long)result);
		en = result < 0 && result >= -4095 ? umv_errno_name(result) : NULL;
		if (en)
			sbuf_printf(&st->rec, ",\"errno\":\"%s\"", en);
		else if (result < 0 && result >= -4095)
			sbuf_printf(&st->rec, ",\"errno\":\"E%lld\"", (long long)-result);
		else
			sbuf_puts(&st->rec, ",\"errno\":null");
		sbuf_printf(&st->rec, ",\"duration\":%.6f", duration);
	} else {
		sbuf_puts(&st->rec, ",\"ret\":null,\"errno\":null,\"duration\":null");
	}
	sbuf_printf(&st->rec, ",\"outcome\":\"%s\",\"module\":", verdict_name(t->verdict));
	if (t->module)
		sbuf_json_str(&st->rec, t->module, strlen(t->module));
	else
		sbuf_puts(&st->rec, "null");
	sbuf_puts(&st->rec, ",\"text\":");
	sbuf_json_str(&st->rec, t->line, strlen(t->line));
	/* schema v2: last, so v1 records' text up to "text" is unchanged */
	sbuf_puts(&st->rec, ",\"values\":");
	json_args(st, t->line, true);
	json_end(st);
}

/* ---- path filter ---- */

static bool under_prefix(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(path, prefix, n) != 0)
		return false;
	return n == 0 || prefix[n - 1] == '/' || path[n] == '\0' || path[n] == '/';
}

/* Absolute form of a relative PATH against DIRFD of process PID. */
static bool absolute(pid_t pid, int dirfd, const char *path, char *out, size_t size)
{
	char link[64], base[PATH_MAX];
	ssize_t n;

	if (dirfd == -100)
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
	else
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, dirfd);
	n = readlink(link, base, sizeof(base) - 1);
	if (n < 0)
		return false;
	base[n] = '\0';
	return snprintf(out, size, "%s/%s", strcmp(base, "/") == 0 ? "" : base, path) <
	       (int)size;
}

static bool path_selected(struct trace_state *st, struct umv_call *call)
{
	char path[PATH_MAX], abs[PATH_MAX + 64];

	for (unsigned nth = 0; nth < 2; nth++) {
		ssize_t n = umv_call_path_arg(call, nth, path, sizeof(path));
		const char *p = path;

		if (n == -ENOENT)
			break;
		if (n < 0)
			continue;
		if (path[0] != '/') {
			if (!absolute(umv_call_pid(call), umv_call_path_dirfd(call, nth), path, abs,
				      sizeof(abs)))
				continue;
			p = abs;
		}
		for (size_t i = 0; i < st->npaths; i++)
			if (under_prefix(p, st->paths[i]))
				return true;
	}
	return false;
}

/* ---- hooks ---- */

static void format_opts(const struct trace_state *st, struct umv_format_opts *fo)
{
	fo->size = sizeof(*fo);
	fo->string_limit = st->strsize;
	fo->align = st->json ? 0 : ALIGN_COLUMN;
	fo->flags = 0;
}

static const char *arch_name(enum umv_arch a)
{
	return a == UMV_ARCH_X86_64 ? "x86_64" : a == UMV_ARCH_I386 ? "i386" :
	       a == UMV_ARCH_AARCH64 ? "aarch64" : "unknown";
}

static void finish_vanished_call(struct trace_state *st, struct trace_thread *t);

static int trace_observe(struct umv_mod *mod, struct umv_call *call,
			 const struct umv_outcome *outcome)
{
	struct trace_state *st = umv_mod_get_data(mod);
	struct umv_format_opts fo;
	struct trace_thread *t;
	const char *name = umv_call_name(call);

	if (st->dead)
		return 0;
	if (st->npaths && !path_selected(st, call))
		return 0;
	t = thread_get(st, umv_call_pid(call), umv_call_tid(call));
	if (!t)
		return 0;
	if (t->pending) {
		/* An entry without exit (cannot happen but for a lost exit
		 * stop): close it as strace closes a vanished call. */
		t->pending = false;
	}
	snprintf(t->name, sizeof(t->name), "%s", name ? name : "?");
	t->arch = arch_name(umv_call_arch(call));
	t->classes = umv_call_classes(call);
	t->verdict = outcome->verdict;
	t->module = outcome->module;
	clock_gettime(CLOCK_MONOTONIC, &t->t0);
	clock_gettime(CLOCK_REALTIME, &t->wall0);
	format_opts(st, &fo);
	if (st->json) {
		t->line[0] = '\0';
		umv_call_format_enter(call, &fo, &t->fst, t->line, LINE_SIZE);
		t->nin = record_entry_args(t->line);
	} else {
		close_open_line(st);
		put_prefix(st, t->line, LINE_SIZE, t->tid);
		umv_call_format_enter(call, &fo, &t->fst, t->line, LINE_SIZE);
		t->entry_len = strlen(t->line);
		emit(st, t->line, t->entry_len);
		st->open_tid = t->tid;
		emitted_line(st);
	}
	/* Kept per thread: other threads' calls use the scratch line meanwhile. */
	free(t->entry);
	t->entry = strdup(t->line);
	if (!t->entry) {
		umv_log(mod, UMV_LOG_ERROR, "out of memory: %s of %d not traced to its end", t->name,
			(int)t->tid);
		return 0;
	}
	t->pending = true;
	/* They never return: "= ?" now, where strace prints it (at the
	 * thread's exit event, which follows at once), not at the exit
	 * report, which for a leader that called exit comes only when its
	 * last thread is gone. */
	if (strcmp(t->name, "exit") == 0 || strcmp(t->name, "exit_group") == 0) {
		finish_vanished_call(st, t);
		return 0;
	}
	return 1;
}

/* The pending call's entry text back in the scratch line; the copy is
 * no longer needed after this. */
static void restore_entry(struct trace_thread *t)
{
	snprintf(t->line, LINE_SIZE, "%s", t->entry ? t->entry : "");
	free(t->entry);
	t->entry = NULL;
}

static double since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void trace_observe_exit(struct umv_mod *mod, struct umv_call *call, int64_t result)
{
	struct trace_state *st = umv_mod_get_data(mod);
	struct trace_thread *t = thread_find(st, umv_call_tid(call));
	struct umv_format_opts fo;
	double d;

	if (!t || !t->pending)
		return;
	t->pending = false;
	d = since(&t->t0);
	if (st->summary)
		trace_summary_add(&st->sum, t->name, result, d);
	restore_entry(t);
	if (st->dead)
		return;
	format_opts(st, &fo);
	if (st->json) {
		umv_call_format_exit(call, &fo, &t->fst, result, t->line, LINE_SIZE);
		json_syscall(st, t, true, result, d);
		return;
	}
	if (st->open_tid == t->tid) {
		umv_call_format_exit(call, &fo, &t->fst, result, t->line, LINE_SIZE);
		emit_str(st, t->line + t->entry_len);
		emit(st, "\n", 1);
		emitted_line(st);
		st->open_tid = 0;
		return;
	}
	close_open_line(st);
	put_prefix(st, t->line, LINE_SIZE, t->tid);
	snprintf(t->line + strlen(t->line), LINE_SIZE - strlen(t->line), "<... %s resumed>",
		 t->name);
	umv_call_format_exit(call, &fo, &t->fst, result, t->line, LINE_SIZE);
	emit_str(st, t->line);
	emit(st, "\n", 1);
	emitted_line(st);
}

static void trace_signal(struct umv_mod *mod, pid_t pid, pid_t tid, const siginfo_t *info)
{
	struct trace_state *st = umv_mod_get_data(mod);
	char text[512], line[640], signame[32];
	size_t n;

	if (st->dead)
		return;
	trace_siginfo_text(info, text, sizeof(text));
	if (!umv_signal_name(info->si_signo, signame, sizeof(signame)))
		snprintf(signame, sizeof(signame), "%d", info->si_signo);
	if (st->json) {
		json_head(st, "signal", pid, tid, NULL);
		sbuf_printf(&st->rec, ",\"signal\":\"%s\",\"siginfo\":", signame);
		sbuf_json_str(&st->rec, text, strlen(text));
		json_end(st);
		return;
	}
	close_open_line(st);
	n = put_prefix(st, line, sizeof(line), tid);
	snprintf(line + n, sizeof(line) - n, "--- %s %s ---\n", signame, text);
	emit_str(st, line);
	emitted_line(st);
}

static void trace_thread_start(struct umv_mod *mod, pid_t pid, pid_t tid, pid_t parent_tid)
{
	struct trace_state *st = umv_mod_get_data(mod);

	if (!thread_get(st, pid, tid) || st->dead || !st->json)
		return;
	json_head(st, "thread", pid, tid, NULL);
	sbuf_printf(&st->rec, ",\"parent\":%d", (int)parent_tid);
	json_end(st);
}

/* T's pending call will never return (exit, exit_group, killed inside it,
 * or the old leader of an exec from another thread): ") = ?". */
static void finish_vanished_call(struct trace_state *st, struct trace_thread *t)
{
	if (!t || !t->pending)
		return;
	restore_entry(t);
	t->pending = false;
	if (st->dead)
		return;
	if (st->json) {
		size_t len = strlen(t->line);
		if (len + 1 < LINE_SIZE)
			memcpy(t->line + len, ")", 2);
		json_syscall(st, t, false, 0, 0);
	} else if (st->open_tid == t->tid) {
		size_t len = strlen(t->line);
		if (len + 1 < LINE_SIZE)
			memcpy(t->line + len, ")", 2);
		add_result_text(t->line, LINE_SIZE, "= ?");
		emit_str(st, t->line + t->entry_len);
		emit(st, "\n", 1);
		emitted_line(st);
		st->open_tid = 0;
	} else {
		close_open_line(st);
		put_prefix(st, t->line, LINE_SIZE, t->tid);
		snprintf(t->line + strlen(t->line), LINE_SIZE - strlen(t->line),
			 "<... %s resumed>)", t->name);
		add_result_text(t->line, LINE_SIZE, "= ?");
		emit_str(st, t->line);
		emit(st, "\n", 1);
		emitted_line(st);
	}
	if (st->summary)
		trace_summary_add(&st->sum, t->name, 0, since(&t->t0));
}

static void trace_thread_exit(struct umv_mod *mod, pid_t pid, pid_t tid, int wstatus)
{
	struct trace_state *st = umv_mod_get_data(mod);
	char line[256], signame[32];
	size_t n;

	finish_vanished_call(st, thread_find(st, tid));
	if (!st->dead) {
		bool killed = WIFSIGNALED(wstatus);
		int sig = killed ? WTERMSIG(wstatus) : 0;

		if (killed && !umv_signal_name(sig, signame, sizeof(signame)))
			snprintf(signame, sizeof(signame), "%d", sig);
		if (st->json) {
			json_head(st, "exit", pid, tid, NULL);
			if (killed)
				sbuf_printf(&st->rec, ",\"status\":\"killed\",\"signal\":\"%s\",\"core\":%s",
					    signame, WCOREDUMP(wstatus) ? "true" : "false");
			else
				sbuf_printf(&st->rec, ",\"status\":\"exited\",\"code\":%d",
					    WEXITSTATUS(wstatus));
			json_end(st);
		} else {
			close_open_line(st);
			n = put_prefix(st, line, sizeof(line), tid);
			if (killed)
				snprintf(line + n, sizeof(line) - n, "+++ killed by %s%s +++\n", signame,
					 WCOREDUMP(wstatus) ? " (core dumped)" : "");
			else
				snprintf(line + n, sizeof(line) - n, "+++ exited with %d +++\n",
					 WEXITSTATUS(wstatus));
			emit_str(st, line);
			emitted_line(st);
		}
	}
	thread_drop(st, tid);
}

/* An execve by thread FORMER_TID of PID succeeded: that thread is PID
 * now, and the old leader vanished. strace -f prints the leader's call in
 * flight as "= ?", then "PID +++ superseded by execve in pid FORMER_TID +++",
 * and the execve's result as "PID <... execve resumed>". */
static void trace_exec_takeover(struct umv_mod *mod, pid_t pid, pid_t former_tid)
{
	struct trace_state *st = umv_mod_get_data(mod);
	struct trace_thread *former = thread_find(st, former_tid);
	char line[256];
	size_t n;

	finish_vanished_call(st, thread_find(st, pid));
	if (!st->dead && st->json) {
		json_head(st, "superseded", pid, pid, NULL);
		sbuf_printf(&st->rec, ",\"former_tid\":%d", (int)former_tid);
		json_end(st);
	} else if (!st->dead) {
		if (st->open_tid == former_tid) {
			/* The execve's entry half is still the last thing written. */
			snprintf(line, sizeof(line), " <pid changed to %d ...>\n", (int)pid);
			emit_str(st, line);
			st->open_tid = 0;
		}
		close_open_line(st);
		n = put_prefix(st, line, sizeof(line), pid);
		snprintf(line + n, sizeof(line) - n, "+++ superseded by execve in pid %d +++\n",
			 (int)former_tid);
		emit_str(st, line);
		emitted_line(st);
	}
	thread_drop(st, pid);
	if (former) {
		/* Rehash under the leader's tid; the execve's exit comes there. */
		struct trace_thread **pp = &st->buckets[(unsigned)former_tid % NBUCKETS];

		for (; *pp; pp = &(*pp)->next)
			if (*pp == former) {
				*pp = former->next;
				break;
			}
		former->tid = pid;
		former->pid = pid;
		former->next = st->buckets[(unsigned)pid % NBUCKETS];
		st->buckets[(unsigned)pid % NBUCKETS] = former;
	}
}

static void free_state(struct trace_state *st)
{
	for (unsigned b = 0; b < NBUCKETS; b++)
		while (st->buckets[b])
			thread_drop(st, st->buckets[b]->tid);
	for (size_t i = 0; i < st->npaths; i++)
		free(st->paths[i]);
	free(st->paths);
	free(st->out_path);
	free(st->line);
	sbuf_free(&st->rec);
	trace_summary_free(&st->sum);
	free(st);
}

static int trace_init(struct umv_mod *mod, const char *options)
{
	struct trace_state *st = calloc(1, sizeof(*st));
	const char *env = getenv("UMVISOR_TRACE_NO_URING");
	int fd, rc;

	if (!st)
		return -ENOMEM;
	st->mod = mod;
	st->line = malloc(LINE_SIZE);
	if (!st->line) {
		free(st);
		return -ENOMEM;
	}
	st->line[0] = '\0';
	st->use_uring = !(env && strcmp(env, "1") == 0);
	st->strsize = 32;
	st->flush_lines = -1;
	rc = parse_options(st, options);
	if (rc < 0) {
		free_state(st);
		return rc;
	}
	if (env && strcmp(env, "1") == 0)
		st->use_uring = false;
	if (st->out_path) {
		fd = open(st->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0) {
			rc = -errno;
			umv_log(mod, UMV_LOG_ERROR, "cannot open %s: %s", st->out_path, strerror(-rc));
			free_state(st);
			return rc;
		}
		st->prefix_always = true;
	} else {
		fd = STDERR_FILENO;
	}
	st->w = trace_writer_open(fd, st->use_uring);
	if (!st->w) {
		if (fd > 2)
			close(fd);
		free_state(st);
		return -ENOMEM;
	}
	if (st->flush_lines < 0) {
		/* Someone is watching a terminal or a pipe: every line at once,
		 * as strace does; a file gets batches. */
		struct stat sb;
		st->flush_lines = fd == STDERR_FILENO || isatty(fd) ||
				  (fstat(fd, &sb) == 0 && (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode)));
	}
	if (st->flush_lines)
		trace_writer_set_latency(st->w, 0);
	umv_log(mod, UMV_LOG_INFO, "writer: %s", trace_writer_uses_uring(st->w) ? "io_uring" : "write(2)");
	umv_mod_set_data(mod, st);
	return 0;
}

static void trace_fini(struct umv_mod *mod)
{
	struct trace_state *st = umv_mod_get_data(mod);
	int rc;

	if (!st)
		return;
	close_open_line(st);
	if (st->summary && !st->dead) {
		struct sbuf table = { 0 };
		trace_summary_print(&st->sum, &table);
		/* A table is not a JSON record: it goes to stderr then. */
		if (table.s && st->json)
			fputs(table.s, stderr);
		else if (table.s)
			emit(st, table.s, table.len);
		sbuf_free(&table);
	}
	rc = trace_writer_close(st->w);
	if (rc < 0)
		output_failed(st, rc);
	free_state(st);
	umv_mod_set_data(mod, NULL);
}

const struct umv_module_ops umv_module_v1 = {
	.abi = UMV_ABI_VERSION,
	.size = sizeof(struct umv_module_ops),
	.name = "trace",
	.summary = "record syscalls, signals and exits (strace-like text or JSON Lines)",
	.init = trace_init,
	.fini = trace_fini,
	.observe = trace_observe,
	.observe_exit = trace_observe_exit,
	.signal = trace_signal,
	.thread_start = trace_thread_start,
	.thread_exit = trace_thread_exit,
	.exec_takeover = trace_exec_takeover,
};
