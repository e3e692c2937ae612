/* Validates every line of a JSON trace against schema v3
 * (doc/trace-format.md). Usage: trace_validate FILE. Exit 0 valid, 1 not
 * (each problem printed as FILE:LINE: why), 99 cannot read. */
#include "modules/trace/diff/jsonl.h"
#include "modules/trace/notation_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *file;
static long lineno;
static int problems;
static const char *raw_line;

static void bad(const char *why, const char *what)
{
	fprintf(stderr, "%s:%ld: %s%s%s\n", file, lineno, why, what ? ": " : "", what ? what : "");
	problems++;
}

static bool is_int(const char *s)
{
	if (!s)
		return false;
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static const struct jv *need(const struct jobj *o, const char *key, enum jv_type t)
{
	const struct jv *v = jobj_get(o, key);

	if (!v)
		bad("missing member", key);
	else if (v->type != t)
		bad("wrong type of member", key);
	else
		return v;
	return NULL;
}

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static void only_keys(const struct jobj *o, const char *const *keys)
{
	for (size_t i = 0; i < o->n; i++)
		if (!one_of(o->m[i].key, keys))
			bad("member not in schema v3", o->m[i].key);
}

/* "values" must be the converter's reading of each of "args", in order:
 * rebuild it from args and look for it, byte for byte, in the line. */
static void check_values(const struct jv *args)
{
	struct sbuf want = { 0 };

	sbuf_puts(&want, ",\"values\":[");
	for (size_t i = 0; i < args->nitems; i++) {
		if (i)
			sbuf_puts(&want, ",");
		notation_to_json(&want, args->items[i], strlen(args->items[i]));
	}
	sbuf_puts(&want, "]");
	if (want.oom) {
		fprintf(stderr, "trace_validate: out of memory\n");
		exit(99);
	}
	const char *hit = want.s ? strstr(raw_line, want.s) : NULL;
	if (!hit || (hit[want.len] != ',' && hit[want.len] != '}'))
		bad("values is not the JSON reading of args", want.s);
	sbuf_free(&want);
}

static void check_syscall(const struct jobj *o)
{
	static const char *const keys[] = { "v", "seq", "type", "time", "pid", "tid", "arch",
					    "syscall", "classes", "args", "values", "nin", "ret", "errno",
					    "duration", "outcome", "module", "text", NULL };
	static const char *const arches[] = { "x86_64", "i386", "aarch64", "unknown", NULL };
	static const char *const outcomes[] = { "passed", "rewritten", "emulated", NULL };
	static const char *const classes[] = { "file", "fd", "network", "process", "signal",
					       "memory", "ipc", "creds", "stat", "mount", NULL };
	const struct jv *v, *ret = jobj_get(o, "ret"), *err = jobj_get(o, "errno");
	const struct jv *dur = jobj_get(o, "duration"), *mod = jobj_get(o, "module");
	const char *outcome = NULL;

	only_keys(o, keys);
	if ((v = need(o, "arch", JV_STR)) && !one_of(v->text, arches))
		bad("unknown arch", v->text);
	if ((v = need(o, "syscall", JV_STR)) && !*v->text)
		bad("empty syscall name", NULL);
	if ((v = need(o, "classes", JV_ARRAY)))
		for (size_t i = 0; i < v->nitems; i++)
			if (!one_of(v->items[i], classes))
				bad("unknown class", v->items[i]);
	need(o, "values", JV_ARRAY);
	if ((v = need(o, "args", JV_ARRAY))) {
		const struct jv *nin = need(o, "nin", JV_NUM);
		if (nin && (!is_int(nin->text) || nin->text[0] == '-' ||
			    (size_t)atol(nin->text) > v->nitems))
			bad("nin must be 0..number of args", nin->text);
		check_values(v);
	}
	need(o, "text", JV_STR);
	if (!ret || (ret->type != JV_NUM && ret->type != JV_NULL) || (ret->type == JV_NUM && !is_int(ret->text)))
		bad("ret must be an integer or null", NULL);
	if (!err || (err->type != JV_STR && err->type != JV_NULL))
		bad("errno must be a string or null", NULL);
	if (!dur || (dur->type != JV_NUM && dur->type != JV_NULL) || (dur->type == JV_NUM && dur->text[0] == '-'))
		bad("duration must be a number >= 0 or null", NULL);
	if (ret && err && ret->type == JV_NUM && is_int(ret->text)) {
		long long r = strtoll(ret->text, NULL, 10);
		bool is_err = r < 0 && r >= -4095;
		if (is_err != (err->type == JV_STR))
			bad("errno must be set exactly when ret is -1..-4095", ret->text);
		if (err->type == JV_STR && err->text[0] != 'E')
			bad("errno name must start with E", err->text);
	}
	if (ret && err && dur && ret->type == JV_NULL && (err->type != JV_NULL || dur->type != JV_NULL))
		bad("a call without result has null errno and duration", NULL);
	if ((v = need(o, "outcome", JV_STR))) {
		outcome = v->text;
		if (!one_of(outcome, outcomes))
			bad("unknown outcome", outcome);
	}
	if (!mod || (mod->type != JV_STR && mod->type != JV_NULL))
		bad("module must be a string or null", NULL);
	else if (outcome && (strcmp(outcome, "passed") == 0) != (mod->type == JV_NULL))
		bad("module is set exactly when the outcome is not passed", outcome);
}

static void check_line(const struct jobj *o, long long *last_seq)
{
	static const char *const types[] = { "syscall", "signal", "exit", "thread", "superseded",
					     NULL };
	const struct jv *v, *type;
	long long seq;

	if ((v = need(o, "v", JV_NUM)) && strcmp(v->text, "3") != 0)
		bad("schema version must be 3", v->text);
	if ((v = need(o, "seq", JV_NUM))) {
		seq = is_int(v->text) ? strtoll(v->text, NULL, 10) : -1;
		if (seq != *last_seq + 1)
			bad("seq must count 1, 2, 3...", v->text);
		*last_seq = seq;
	}
	need(o, "time", JV_NUM);
	if ((v = need(o, "pid", JV_NUM)) && (!is_int(v->text) || v->text[0] == '-'))
		bad("pid must be a positive integer", v->text);
	if ((v = need(o, "tid", JV_NUM)) && (!is_int(v->text) || v->text[0] == '-'))
		bad("tid must be a positive integer", v->text);
	type = need(o, "type", JV_STR);
	if (!type)
		return;
	if (!one_of(type->text, types)) {
		bad("unknown type", type->text);
	} else if (strcmp(type->text, "syscall") == 0) {
		check_syscall(o);
	} else if (strcmp(type->text, "signal") == 0) {
		static const char *const keys[] = { "v", "seq", "type", "time", "pid", "tid",
						    "signal", "siginfo", NULL };
		only_keys(o, keys);
		if ((v = need(o, "signal", JV_STR)) && strncmp(v->text, "SIG", 3) != 0)
			bad("signal name must start with SIG", v->text);
		if ((v = need(o, "siginfo", JV_STR)) && strncmp(v->text, "{si_signo=", 10) != 0)
			bad("siginfo must start with {si_signo=", v->text);
	} else if (strcmp(type->text, "exit") == 0) {
		static const char *const keys[] = { "v", "seq", "type", "time", "pid", "tid",
						    "status", "code", "signal", "core", NULL };
		only_keys(o, keys);
		if ((v = need(o, "status", JV_STR))) {
			if (strcmp(v->text, "exited") == 0) {
				const struct jv *c = need(o, "code", JV_NUM);
				if (c && (!is_int(c->text) || atoi(c->text) < 0 || atoi(c->text) > 255))
					bad("exit code must be 0..255", c->text);
			} else if (strcmp(v->text, "killed") == 0) {
				need(o, "signal", JV_STR);
				need(o, "core", JV_BOOL);
			} else {
				bad("status must be exited or killed", v->text);
			}
		}
	} else if (strcmp(type->text, "superseded") == 0) {
		static const char *const keys[] = { "v", "seq", "type", "time", "pid", "tid",
						    "former_tid", NULL };
		const struct jv *pid = jobj_get(o, "pid"), *tid = jobj_get(o, "tid");
		only_keys(o, keys);
		if ((v = need(o, "former_tid", JV_NUM)) && (!is_int(v->text) || v->text[0] == '-'))
			bad("former_tid must be a positive integer", v->text);
		/* the leader's record: the exec'ing thread took its tid */
		if (pid && tid && strcmp(pid->text, tid->text) != 0)
			bad("superseded record with tid != pid", tid->text);
		if (v && pid && strcmp(v->text, pid->text) == 0)
			bad("former_tid is the leader's own tid", v->text);
	} else {
		static const char *const keys[] = { "v", "seq", "type", "time", "pid", "tid",
						    "parent", NULL };
		only_keys(o, keys);
		need(o, "parent", JV_NUM);
	}
}

int main(int argc, char **argv)
{
	FILE *f;
	char *line = NULL, err[256];
	size_t cap = 0;
	ssize_t n;
	long long seq = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: trace_validate FILE\n");
		return 99;
	}
	file = argv[1];
	f = fopen(file, "r");
	if (!f) {
		perror(file);
		return 99;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		struct jobj o;
		lineno++;
		if (n == 0 || line[n - 1] != '\n') {
			bad("line not terminated by a newline", NULL);
			continue;
		}
		line[n - 1] = '\0';
		raw_line = line;
		if (jobj_parse(line, &o, err, sizeof(err)) < 0) {
			bad("not a JSON object", err);
			continue;
		}
		check_line(&o, &seq);
		jobj_free(&o);
	}
	free(line);
	fclose(f);
	if (lineno == 0)
		bad("empty trace", NULL);
	if (problems == 0)
		printf("%s: %ld lines valid\n", file, lineno);
	return problems ? 1 : 0;
}
