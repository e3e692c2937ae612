/* umvisor-diff: compare two JSON Lines traces (doc/trace-format.md) of the
 * same workload, after normalising what legitimately differs between runs,
 * and report behavioural differences. Exit 0 equivalent, 1 different,
 * 2 bad input or usage. See doc/umvisor-diff.1. */
#include "modules/trace/diff/jsonl.h"
#include "modules/trace/diff/tmpnames.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_SAME 0
#define EXIT_DIFFERENT 1
#define EXIT_BAD 2
#define CONTEXT 3

/* ---- small helpers ---- */

static __attribute__((noreturn)) void die_oom(void)
{
	fprintf(stderr, "umvisor-diff: out of memory\n");
	exit(EXIT_BAD);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		die_oom();
	return d;
}

struct str {
	char *s;
	size_t len, cap;
};

static void str_add(struct str *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void str_puts(struct str *b, const char *s)
{
	str_add(b, s, strlen(s));
}

static void str_printf(struct str *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void str_printf(struct str *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		str_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static char *str_take(struct str *b)
{
	char *s = b->s ? b->s : xstrdup("");

	*b = (struct str){ 0 };
	return s;
}

static bool is_decimal(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* ---- id maps: raw value -> normalised label, by order of appearance ---- */

struct idmap {
	char **raw, **label;
	size_t n;
	unsigned next;
};

static const char *idmap_find(const struct idmap *m, const char *raw)
{
	for (size_t i = m->n; i-- > 0;)	/* newest first: fds are reused */
		if (strcmp(m->raw[i], raw) == 0)
			return m->label[i];
	return NULL;
}

static const char *idmap_assign(struct idmap *m, const char *raw, const char *prefix)
{
	char label[64];

	m->raw = xrealloc(m->raw, (m->n + 1) * sizeof(char *));
	m->label = xrealloc(m->label, (m->n + 1) * sizeof(char *));
	snprintf(label, sizeof(label), "%s%u", prefix, ++m->next);
	m->raw[m->n] = xstrdup(raw);
	m->label[m->n] = xstrdup(label);
	return m->label[m->n++];
}

static const char *idmap_get(struct idmap *m, const char *raw, const char *prefix)
{
	const char *l = idmap_find(m, raw);

	return l ? l : idmap_assign(m, raw, prefix);
}

static void idmap_free(struct idmap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->raw[i]);
		free(m->label[i]);
	}
	free(m->raw);
	free(m->label);
	*m = (struct idmap){ 0 };
}

/* ---- a run ---- */

struct event {
	char *key;		/* normalised line compared between runs */
	char *name;		/* syscall name, NULL for other events */
	char *call;		/* normalised "name(args)" without the result */
	char *err;		/* errno name of a failed call, else NULL */
	bool is_exit;
	long lineno;
};

struct thread {
	char *label;		/* "T3" */
	char *plabel;		/* its process, "P2" */
	struct event *ev;
	size_t n;
};

struct run {
	const char *file;
	struct idmap pids;	/* raw pid/tid -> P/T labels (one space) */
	struct idmap tmpnames;	/* temporary name -> TMP1, TMP2... */
	struct idmap *fds;	/* per process label index */
	char **fd_owner;
	size_t nfdmaps;
	struct thread *th;
	size_t nth;
	char **global;		/* "T1 key" in file order, for --order */
	size_t nglobal;
};

struct options {
	char **map_old, **map_new;
	size_t nmaps;
	struct tmp_rules tmp;
	bool order;
};

static struct idmap *fdmap_for(struct run *r, const char *plabel)
{
	for (size_t i = 0; i < r->nfdmaps; i++)
		if (strcmp(r->fd_owner[i], plabel) == 0)
			return &r->fds[i];
	r->fds = xrealloc(r->fds, (r->nfdmaps + 1) * sizeof(*r->fds));
	r->fd_owner = xrealloc(r->fd_owner, (r->nfdmaps + 1) * sizeof(char *));
	r->fds[r->nfdmaps] = (struct idmap){ 0 };
	r->fd_owner[r->nfdmaps] = xstrdup(plabel);
	return &r->fds[r->nfdmaps++];
}

static struct thread *thread_for(struct run *r, const char *tlabel, const char *plabel)
{
	for (size_t i = 0; i < r->nth; i++)
		if (strcmp(r->th[i].label, tlabel) == 0)
			return &r->th[i];
	r->th = xrealloc(r->th, (r->nth + 1) * sizeof(*r->th));
	r->th[r->nth] = (struct thread){ xstrdup(tlabel), xstrdup(plabel), NULL, 0 };
	return &r->th[r->nth++];
}

/* Calls that return a new fd when they succeed. */
static bool returns_fd(const char *name)
{
	static const char *const names[] = {
		"open", "openat", "openat2", "creat", "socket", "accept", "accept4", "dup",
		"dup2", "dup3", "epoll_create", "epoll_create1", "eventfd", "eventfd2",
		"signalfd", "signalfd4", "timerfd_create", "inotify_init", "inotify_init1",
		"memfd_create", "fanotify_init", "userfaultfd", "pidfd_open", "open_tree",
		"fsopen", "fsmount", "perf_event_open", "io_uring_setup", "open_by_handle_at",
		"fcntl", "fcntl64",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/* Which argument of NAME, besides the first of an fd-class call, is an fd. */
static int other_fd_arg(const char *name)
{
	static const struct {
		const char *name;
		int idx;
	} args[] = {
		{ "mmap", 4 }, { "mmap2", 4 }, { "dup2", 1 }, { "dup3", 1 }, { "sendfile", 1 },
		{ "sendfile64", 1 }, { "splice", 2 }, { "tee", 1 }, { "copy_file_range", 2 },
		{ "renameat", 2 }, { "renameat2", 2 }, { "linkat", 2 }, { "symlinkat", 1 },
		{ "epoll_ctl", 2 }, { "move_mount", 2 },
	};
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		if (strcmp(name, args[i].name) == 0)
			return args[i].idx;
	return -1;
}

static bool returns_pid(const char *name)
{
	static const char *const names[] = {
		"getpid", "gettid", "getppid", "getpgid", "getpgrp", "getsid", "setsid",
		"clone", "clone3", "fork", "vfork", "wait4", "waitpid", "set_tid_address",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/* Replace every OLD by NEW in S (malloc'ed result). */
static char *replace_all(const char *s, const char *old, const char *new)
{
	struct str out = { 0 };
	size_t n = strlen(old);
	const char *p;

	if (n == 0)
		return xstrdup(s);
	while ((p = strstr(s, old))) {
		str_add(&out, s, (size_t)(p - s));
		str_puts(&out, new);
		s = p + n;
	}
	str_puts(&out, s);
	return str_take(&out);
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Addresses (hex of 5+ digits), temporary names (their random part
 * becomes TMP1, TMP2... in order of appearance), pids after "si_pid=", and
 * times in siginfo become stable tokens. */
static char *normalise_text(struct run *r, const struct options *o, const char *in, bool is_a)
{
	struct str out = { 0 };
	char *s = xstrdup(in);

	if (is_a)
		for (size_t i = 0; i < o->nmaps; i++) {
			char *t = replace_all(s, o->map_old[i], o->map_new[i]);
			free(s);
			s = t;
		}
	for (size_t i = 0; s[i];) {
		{
			size_t at, len, n = tmp_match(&o->tmp, s, i, &at, &len);
			if (n) {
				char *name = strndup(s + i, at + len);
				if (!name)
					die_oom();
				str_add(&out, s + i, at);
				str_puts(&out, idmap_get(&r->tmpnames, name, "TMP"));
				str_add(&out, s + i + at + len, n - at - len);
				free(name);
				i += n;
				continue;
			}
		}
		if (s[i] == '0' && s[i + 1] == 'x') {
			size_t j = i + 2;
			while (is_hex(s[j]))
				j++;
			if (j - i - 2 >= 5) {
				str_puts(&out, "ADDR");
				i = j;
				continue;
			}
		}
		if (strncmp(s + i, "si_pid=", 7) == 0 || strncmp(s + i, "si_utime=", 9) == 0 ||
		    strncmp(s + i, "si_stime=", 9) == 0) {
			size_t eq = (size_t)(strchr(s + i, '=') - s) + 1, j = eq;
			char num[32];
			while (s[j] >= '0' && s[j] <= '9')
				j++;
			str_add(&out, s + i, eq - i);
			if (s[i + 3] == 'p' && j - eq < sizeof(num)) {
				const char *l;
				memcpy(num, s + eq, j - eq);
				num[j - eq] = '\0';
				l = idmap_find(&r->pids, num);
				str_puts(&out, l ? l : "EXTPID");
			} else {
				str_puts(&out, "N");
			}
			i = j;
			continue;
		}
		if (s[i] >= '1' && s[i] <= '9' && (i == 0 || !(is_hex(s[i - 1]) || s[i - 1] == 'x' ||
							       s[i - 1] == '_' || s[i - 1] == '.'))) {
			/* A traced pid or tid inside a struct ("parent_tid=[1827]"). */
			size_t j = i;
			char num[32];
			const char *l;
			while (s[j] >= '0' && s[j] <= '9')
				j++;
			if (j - i >= 3 && j - i < sizeof(num) && !is_hex(s[j]) && s[j] != 'x') {
				memcpy(num, s + i, j - i);
				num[j - i] = '\0';
				if ((l = idmap_find(&r->pids, num))) {
					str_puts(&out, l);
					i = j;
					continue;
				}
			}
			str_add(&out, s + i, j - i);
			i = j;
			continue;
		}
		str_add(&out, s + i, 1);
		i++;
	}
	free(s);
	return str_take(&out);
}

static int bad(const char *file, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "umvisor-diff: %s:%ld: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static void add_event(struct run *r, struct thread *t, struct event *e)
{
	t->ev = xrealloc(t->ev, (t->n + 1) * sizeof(*t->ev));
	t->ev[t->n++] = *e;
	r->global = xrealloc(r->global, (r->nglobal + 1) * sizeof(char *));
	{
		struct str g = { 0 };
		str_printf(&g, "%s ", t->label);
		str_puts(&g, e->key);
		r->global[r->nglobal++] = str_take(&g);
	}
}

static int syscall_event(struct run *r, const struct options *o, const struct jobj *j,
			 struct thread *t, const char *plabel, struct event *e, bool is_a, long ln)
{
	const struct jv *args = jobj_get(j, "args");
	const char *name = jobj_str(j, "syscall"), *ret = jobj_str(j, "ret");
	const char *err = jobj_str(j, "errno"), *outcome = jobj_str(j, "outcome");
	const char *module = jobj_str(j, "module");
	const struct jv *classes = jobj_get(j, "classes");
	bool fd_class = false;
	struct str call = { 0 }, key = { 0 }, in = { 0 };
	const char *nin_text = jobj_str(j, "nin");
	size_t nin = nin_text && is_decimal(nin_text) && nin_text[0] != '-' ?
			     (size_t)strtoul(nin_text, NULL, 10) : (size_t)-1;
	struct idmap *fds = fdmap_for(r, plabel);

	(void)t;
	if (!name || !args || args->type != JV_ARRAY || !ret || !err || !outcome)
		return bad(r->file, ln, "syscall record needs syscall, args[], ret, errno, outcome");
	if (classes && classes->type == JV_ARRAY)
		for (size_t i = 0; i < classes->nitems; i++)
			if (strcmp(classes->items[i], "fd") == 0)
				fd_class = true;
	str_printf(&call, "%s(", name);
	for (size_t i = 0; i < args->nitems; i++) {
		const char *a = args->items[i];
		char *norm = NULL;
		const char *l;

		/* the inputs so far: what identifies the call across runs
		 * (outputs print differently when the call fails) */
		if (i == nin)
			str_add(&in, call.s, call.len);
		if (i)
			str_puts(&call, ", ");
		if (is_decimal(a)) {
			bool fd_arg = (fd_class && i == 0) || (int)i == other_fd_arg(name);
			if (fd_arg && (l = idmap_find(fds, a))) {
				str_puts(&call, l);
				continue;
			}
			if (!fd_arg && strlen(a) > 2 && (l = idmap_find(&r->pids, a))) {
				str_puts(&call, l);
				continue;
			}
			str_puts(&call, a);
			continue;
		}
		norm = normalise_text(r, o, a, is_a);
		str_puts(&call, norm);
		free(norm);
	}
	if (in.s) {
		str_puts(&in, in.s[in.len - 1] == '(' ? "...)" : ", ...)");
	} else {
		str_add(&in, call.s, call.len);
		str_puts(&in, ")");
	}
	str_puts(&call, ")");
	str_puts(&key, call.s);
	if (strcmp(ret, "null") == 0) {
		str_puts(&key, " = ?");
	} else if (strcmp(err, "null") != 0) {
		str_printf(&key, " = -1 %s", err);
		e->err = xstrdup(err);
	} else if (returns_fd(name) && is_decimal(ret) && ret[0] != '-' &&
		   !(strncmp(name, "fcntl", 5) == 0 && strstr(call.s, "F_DUPFD") == NULL)) {
		str_printf(&key, " = %s", idmap_assign(fds, ret, "fd"));
	} else if (returns_pid(name) && is_decimal(ret) && strcmp(ret, "0") != 0) {
		const char *l = idmap_find(&r->pids, ret);
		str_printf(&key, " = %s", l ? l : "EXTPID");
	} else if (is_decimal(ret) && strlen(ret) >= 9) {
		str_puts(&key, " = ADDR");	/* mmap, brk: addresses */
	} else {
		str_printf(&key, " = %s", ret);
	}
	if (strcmp(outcome, "passed") != 0)
		str_printf(&key, " [%s by %s]", outcome, module ? module : "?");
	e->name = xstrdup(name);
	e->call = str_take(&in);
	free(call.s);
	e->key = str_take(&key);
	return 0;
}

/* A whole file in memory: temporary-name templates are learnt from both
 * runs before either is normalised. */
struct lines {
	char **l;
	size_t n;
};

static void lines_free(struct lines *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		free(ls->l[i]);
	free(ls->l);
	*ls = (struct lines){ 0 };
}

static int read_lines(const char *file, struct lines *ls)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	if (!f) {
		fprintf(stderr, "umvisor-diff: %s: %s\n", file, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		if ((size_t)n != strlen(line)) {
			rc = bad(file, (long)ls->n + 1, "NUL byte in line");
			break;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		ls->l = xrealloc(ls->l, (ls->n + 1) * sizeof(char *));
		ls->l[ls->n++] = xstrdup(line);
	}
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "umvisor-diff: %s: read error\n", file);
		rc = -1;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

/* Temporary-name templates from the calls that create temporary files
 * and from the names under temporary directories. Lines that do not parse
 * are reported by load(). */
static void learn_tmpnames(struct options *o, const struct lines *ls)
{
	char errbuf[256];

	for (size_t i = 0; i < ls->n; i++) {
		struct jobj j;
		const struct jv *args;
		const char *type, *name;
		int rc = 0;

		if (!*ls->l[i] || jobj_parse(ls->l[i], &j, errbuf, sizeof(errbuf)) < 0)
			continue;
		type = jobj_str(&j, "type");
		name = jobj_str(&j, "syscall");
		args = jobj_get(&j, "args");
		if (type && name && strcmp(type, "syscall") == 0 && args && args->type == JV_ARRAY) {
			rc = tmp_learn_call(&o->tmp, name, args->items, args->nitems);
			for (size_t k = 0; k < args->nitems && rc == 0; k++)
				rc = tmp_learn_text(&o->tmp, args->items[k]);
		}
		jobj_free(&j);
		if (rc < 0)
			die_oom();
	}
}

static int load(struct run *r, const struct options *o, const char *file,
		const struct lines *ls, bool is_a)
{
	char errbuf[256];
	long ln = 0;
	int rc = 0;

	r->file = file;
	for (size_t li = 0; rc == 0 && li < ls->n; li++) {
		const char *line = ls->l[li];
		struct jobj j;
		const char *v, *type, *pid, *tid;
		const char *plabel, *tlabel;
		struct thread *t;
		struct event e = { 0 };

		ln++;
		if (!*line)
			continue;
		if (jobj_parse(line, &j, errbuf, sizeof(errbuf)) < 0) {
			rc = bad(file, ln, "not JSON: %s", errbuf);
			break;
		}
		v = jobj_str(&j, "v");
		type = jobj_str(&j, "type");
		pid = jobj_str(&j, "pid");
		tid = jobj_str(&j, "tid");
		/* v2 adds "values", which we do not compare; v3 changes some
		 * values and adds "superseded" records */
		if (!v || (strcmp(v, "1") != 0 && strcmp(v, "2") != 0 && strcmp(v, "3") != 0)) {
			rc = bad(file, ln, "schema version \"v\" must be 1, 2 or 3");
		} else if (!type || !pid || !tid || !is_decimal(pid) || !is_decimal(tid)) {
			rc = bad(file, ln, "record needs type, pid and tid");
		} else {
			plabel = idmap_get(&r->pids, pid, "P");
			tlabel = strcmp(pid, tid) == 0 ? plabel : idmap_get(&r->pids, tid, "T");
			t = thread_for(r, tlabel, plabel);
			e.lineno = ln;
			if (strcmp(type, "syscall") == 0) {
				const char *name = jobj_str(&j, "syscall");
				/* How often a program draws random bytes depends on
				 * the bytes (glibc's mkstemp redraws some values). */
				if (name && strcmp(name, "getrandom") == 0) {
					jobj_free(&j);
					continue;
				}
				rc = syscall_event(r, o, &j, t, plabel, &e, is_a, ln);
			} else if (strcmp(type, "signal") == 0) {
				const char *sig = jobj_str(&j, "signal"), *si = jobj_str(&j, "siginfo");
				if (!sig || !si) {
					rc = bad(file, ln, "signal record needs signal and siginfo");
				} else {
					char *norm = normalise_text(r, o, si, is_a);
					struct str k = { 0 };
					str_printf(&k, "--- %s ", sig);
					str_puts(&k, norm);
					str_puts(&k, " ---");
					free(norm);
					e.key = str_take(&k);
				}
			} else if (strcmp(type, "exit") == 0) {
				const char *status = jobj_str(&j, "status");
				const char *code = jobj_str(&j, "code"), *sig = jobj_str(&j, "signal");
				struct str k = { 0 };
				if (status && strcmp(status, "exited") == 0 && code)
					str_printf(&k, "+++ exited with %s +++", code);
				else if (status && strcmp(status, "killed") == 0 && sig)
					str_printf(&k, "+++ killed by %s +++", sig);
				else
					rc = bad(file, ln, "exit record needs status and code or signal");
				e.key = str_take(&k);
				e.is_exit = true;
			} else if (strcmp(type, "thread") == 0) {
				const char *parent = jobj_str(&j, "parent");
				const char *l = parent ? idmap_find(&r->pids, parent) : NULL;
				struct str k = { 0 };
				str_printf(&k, "+++ started by %s +++", l ? l : "-");
				e.key = str_take(&k);
			} else if (strcmp(type, "superseded") == 0) {
				/* execve from another thread: it goes on as this one */
				const char *former = jobj_str(&j, "former_tid");
				const char *l = former ? idmap_find(&r->pids, former) : NULL;
				struct str k = { 0 };
				if (!former || !is_decimal(former))
					rc = bad(file, ln, "superseded record needs former_tid");
				str_printf(&k, "+++ superseded by execve in %s +++", l ? l : "-");
				e.key = str_take(&k);
			} else {
				rc = bad(file, ln, "unknown record type \"%s\"", type);
			}
			if (rc == 0)
				add_event(r, t, &e);
			else {
				free(e.key);
				free(e.name);
				free(e.call);
				free(e.err);
			}
		}
		jobj_free(&j);
	}
	return rc;
}

static void run_free(struct run *r)
{
	for (size_t i = 0; i < r->nth; i++) {
		for (size_t k = 0; k < r->th[i].n; k++) {
			free(r->th[i].ev[k].key);
			free(r->th[i].ev[k].name);
			free(r->th[i].ev[k].call);
			free(r->th[i].ev[k].err);
		}
		free(r->th[i].ev);
		free(r->th[i].label);
		free(r->th[i].plabel);
	}
	free(r->th);
	for (size_t i = 0; i < r->nfdmaps; i++) {
		idmap_free(&r->fds[i]);
		free(r->fd_owner[i]);
	}
	free(r->fds);
	free(r->fd_owner);
	for (size_t i = 0; i < r->nglobal; i++)
		free(r->global[i]);
	free(r->global);
	idmap_free(&r->pids);
	idmap_free(&r->tmpnames);
}

/* ---- reports ---- */

static const struct thread *find_thread(const struct run *r, const char *label)
{
	for (size_t i = 0; i < r->nth; i++)
		if (strcmp(r->th[i].label, label) == 0)
			return &r->th[i];
	return NULL;
}

static int compare_threads(const struct run *a, const struct run *b)
{
	int diffs = 0;

	for (size_t i = 0; i < a->nth; i++) {
		const struct thread *ta = &a->th[i], *tb = find_thread(b, ta->label);
		size_t k = 0;

		if (!tb) {
			printf("%s %s: only in %s (%zu events)\n",
			       strcmp(ta->label, ta->plabel) == 0 ? "process" : "thread", ta->label,
			       a->file, ta->n);
			diffs++;
			continue;
		}
		while (k < ta->n && k < tb->n && strcmp(ta->ev[k].key, tb->ev[k].key) == 0)
			k++;
		if (k == ta->n && k == tb->n)
			continue;
		diffs++;
		if (strcmp(ta->label, ta->plabel) == 0)
			printf("process %s: first difference at event %zu:\n", ta->label, k + 1);
		else
			printf("thread %s of process %s: first difference at event %zu:\n", ta->label,
			       ta->plabel, k + 1);
		for (size_t c = k > CONTEXT ? k - CONTEXT : 0; c < k; c++)
			printf("    %s\n", ta->ev[c].key);
		if (k < ta->n)
			printf("  - %s   (%s:%ld)\n", ta->ev[k].key, a->file, ta->ev[k].lineno);
		else
			printf("  - (no more events)\n");
		if (k < tb->n)
			printf("  + %s   (%s:%ld)\n", tb->ev[k].key, b->file, tb->ev[k].lineno);
		else
			printf("  + (no more events)\n");
	}
	for (size_t i = 0; i < b->nth; i++)
		if (!find_thread(a, b->th[i].label)) {
			printf("%s %s: only in %s (%zu events)\n",
			       strcmp(b->th[i].label, b->th[i].plabel) == 0 ? "process" : "thread",
			       b->th[i].label, b->file, b->th[i].n);
			diffs++;
		}
	return diffs;
}

struct count {
	const char *name;
	long a, b;
};

static struct count *count_for(struct count **c, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*c)[i].name, name) == 0)
			return &(*c)[i];
	*c = xrealloc(*c, (*n + 1) * sizeof(**c));
	(*c)[*n] = (struct count){ name, 0, 0 };
	return &(*c)[(*n)++];
}

static int cmp_count(const void *x, const void *y)
{
	return strcmp(((const struct count *)x)->name, ((const struct count *)y)->name);
}

static void report_counts(const struct run *a, const struct run *b)
{
	struct count *c = NULL;
	size_t n = 0;
	bool header = false;

	for (size_t i = 0; i < a->nth; i++)
		for (size_t k = 0; k < a->th[i].n; k++)
			if (a->th[i].ev[k].name)
				count_for(&c, &n, a->th[i].ev[k].name)->a++;
	for (size_t i = 0; i < b->nth; i++)
		for (size_t k = 0; k < b->th[i].n; k++)
			if (b->th[i].ev[k].name)
				count_for(&c, &n, b->th[i].ev[k].name)->b++;
	if (n)
		qsort(c, n, sizeof(*c), cmp_count);
	for (size_t i = 0; i < n; i++) {
		if (c[i].a == c[i].b)
			continue;
		if (!header)
			printf("calls added/removed:\n");
		header = true;
		printf("  %-20s %ld -> %ld (%+ld)\n", c[i].name, c[i].a, c[i].b, c[i].b - c[i].a);
	}
	free(c);
}

/* A call (normalised, result aside) that succeeded in A and fails in B.
 * A's calls are sorted once so each of B's errors is a binary search. */
struct call_ref {
	const char *call, *err;
};

static int cmp_call_ref(const void *x, const void *y)
{
	return strcmp(((const struct call_ref *)x)->call, ((const struct call_ref *)y)->call);
}

static void report_new_errors(const struct run *a, const struct run *b)
{
	struct call_ref *refs = NULL, *seen = NULL;
	size_t n = 0, nseen = 0;
	bool header = false;

	for (size_t t = 0; t < a->nth; t++)
		for (size_t y = 0; y < a->th[t].n; y++)
			if (a->th[t].ev[y].call) {
				refs = xrealloc(refs, (n + 1) * sizeof(*refs));
				refs[n++] = (struct call_ref){ a->th[t].ev[y].call, a->th[t].ev[y].err };
			}
	if (n)
		qsort(refs, n, sizeof(*refs), cmp_call_ref);
	for (size_t i = 0; i < b->nth; i++)
		for (size_t k = 0; k < b->th[i].n; k++) {
			const struct event *eb = &b->th[i].ev[k];
			struct call_ref key = { eb->call, eb->err }, *hit;
			bool ok_in_a = false, err_in_a = false, dup = false;
			size_t lo, hi;

			if (!eb->call || !eb->err)
				continue;
			hit = n ? bsearch(&key, refs, n, sizeof(*refs), cmp_call_ref) : NULL;
			if (!hit)
				continue;
			lo = hi = (size_t)(hit - refs);
			while (lo > 0 && strcmp(refs[lo - 1].call, eb->call) == 0)
				lo--;
			while (hi + 1 < n && strcmp(refs[hi + 1].call, eb->call) == 0)
				hi++;
			for (size_t x = lo; x <= hi; x++) {
				if (!refs[x].err)
					ok_in_a = true;
				else if (strcmp(refs[x].err, eb->err) == 0)
					err_in_a = true;
			}
			if (!ok_in_a || err_in_a)
				continue;
			for (size_t x = 0; x < nseen && !dup; x++)	/* once per call and errno */
				dup = strcmp(seen[x].call, eb->call) == 0 && strcmp(seen[x].err, eb->err) == 0;
			if (dup)
				continue;
			seen = xrealloc(seen, (nseen + 1) * sizeof(*seen));
			seen[nseen++] = key;
			if (!header)
				printf("new errors:\n");
			header = true;
			printf("  %s: succeeded before, now fails with %s (%s:%ld)\n", eb->call, eb->err,
			       b->file, eb->lineno);
		}
	free(refs);
	free(seen);
}

static const char *exit_of(const struct thread *t)
{
	for (size_t k = t->n; k-- > 0;)
		if (t->ev[k].is_exit)
			return t->ev[k].key;
	return "(no exit recorded)";
}

static void report_exits(const struct run *a, const struct run *b)
{
	bool header = false;

	for (size_t i = 0; i < a->nth; i++) {
		const struct thread *tb = find_thread(b, a->th[i].label);
		const char *xa, *xb;

		if (!tb || strcmp(a->th[i].label, a->th[i].plabel) != 0)
			continue;
		xa = exit_of(&a->th[i]);
		xb = exit_of(tb);
		if (strcmp(xa, xb) == 0)
			continue;
		if (!header)
			printf("exit status changes:\n");
		header = true;
		printf("  process %s: %s -> %s\n", a->th[i].label, xa, xb);
	}
}

static int compare_order(const struct run *a, const struct run *b)
{
	size_t k = 0;

	while (k < a->nglobal && k < b->nglobal && strcmp(a->global[k], b->global[k]) == 0)
		k++;
	if (k == a->nglobal && k == b->nglobal)
		return 0;
	printf("global order: first difference at event %zu:\n", k + 1);
	printf("  - %s\n", k < a->nglobal ? a->global[k] : "(no more events)");
	printf("  + %s\n", k < b->nglobal ? b->global[k] : "(no more events)");
	return 1;
}

static void usage(FILE *out)
{
	fputs("Usage: umvisor-diff [--map OLD=NEW]... [--tmp PREFIX]... [--order] A.jsonl B.jsonl\n"
	      "Compare two umvisor JSON traces (-m trace:format=json) of one workload.\n"
	      "  --map OLD=NEW   read OLD as NEW in A's strings (environment-specific paths)\n"
	      "  --tmp PREFIX    every name right under PREFIX is temporary (besides those\n"
	      "                  recognised by pattern: mkstemp, mkdtemp, mktemp, tempfile)\n"
	      "  --order         also compare the order of events across processes\n"
	      "Exit: 0 equivalent, 1 different, 2 bad input.\n",
	      out);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "map", required_argument, NULL, 'm' },
		{ "tmp", required_argument, NULL, 't' },
		{ "order", no_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { 0 };
	struct run a = { 0 }, b = { 0 };
	struct lines la = { 0 }, lb = { 0 };
	int c, diffs, rc;

	if (tmp_rules_init(&o.tmp) < 0)
		die_oom();

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': {
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg) {
				fprintf(stderr, "umvisor-diff: --map wants OLD=NEW\n");
				rc = EXIT_BAD;
				goto out;
			}
			o.map_old = xrealloc(o.map_old, (o.nmaps + 1) * sizeof(char *));
			o.map_new = xrealloc(o.map_new, (o.nmaps + 1) * sizeof(char *));
			*eq = '\0';
			o.map_old[o.nmaps] = optarg;
			o.map_new[o.nmaps++] = eq + 1;
			break;
		}
		case 't':
			if (!*optarg) {
				fprintf(stderr, "umvisor-diff: --tmp wants a prefix\n");
				rc = EXIT_BAD;
				goto out;
			}
			if (tmp_rules_add_dir(&o.tmp, optarg) < 0)
				die_oom();
			break;
		case 'O':
			o.order = true;
			break;
		case 'h':
			usage(stdout);
			rc = EXIT_SAME;
			goto out;
		default:
			usage(stderr);
			rc = EXIT_BAD;
			goto out;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		rc = EXIT_BAD;
		goto out;
	}
	if (read_lines(argv[optind], &la) < 0 || read_lines(argv[optind + 1], &lb) < 0) {
		rc = EXIT_BAD;
		goto out;
	}
	learn_tmpnames(&o, &la);
	learn_tmpnames(&o, &lb);
	if (load(&a, &o, argv[optind], &la, true) < 0 ||
	    load(&b, &o, argv[optind + 1], &lb, false) < 0) {
		rc = EXIT_BAD;
		goto out;
	}
	diffs = compare_threads(&a, &b);
	if (o.order)
		diffs += compare_order(&a, &b);
	if (diffs) {
		report_counts(&a, &b);
		report_new_errors(&a, &b);
		report_exits(&a, &b);
	}
	rc = diffs ? EXIT_DIFFERENT : EXIT_SAME;
	if (rc == EXIT_SAME)
		printf("equivalent: %s and %s\n", a.file, b.file);
out:
	run_free(&a);
	run_free(&b);
	lines_free(&la);
	lines_free(&lb);
	free(o.map_old);
	free(o.map_new);
	tmp_rules_free(&o.tmp);
	return rc;
}
