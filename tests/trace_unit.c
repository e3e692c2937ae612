/* Unit tests of the trace module's parts that need no monitor: argument
 * splitting and JSON strings (record.c), the writer (io_uring and
 * write(2), pipes, a full device, a closed pipe), the summary table, and
 * the JSON Lines reader of umvisor-diff against random input, and its
 * temporary-name patterns. */
#include "modules/trace/diff/jsonl.h"
#include "modules/trace/diff/tmpnames.h"
#include "modules/trace/record.h"
#include "modules/trace/summary.h"
#include "modules/trace/writer.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- record.c ---- */

static size_t split(const char *text, char out[][64], size_t max)
{
	size_t a0, a1, pos, a, b, n = 0;

	if (!record_arg_span(text, &a0, &a1))
		return (size_t)-1;
	pos = a0;
	while (n < max && record_next_arg(text, a1, &pos, &a, &b)) {
		snprintf(out[n], 64, "%.*s", (int)(b - a), text + a);
		n++;
	}
	return n;
}

Test(record, splits_top_level_arguments_only)
{
	char a[8][64];

	cr_assert_eq(split("openat(AT_FDCWD, \"/a,b)\", O_RDONLY) = 3", a, 8), 3);
	cr_assert_str_eq(a[0], "AT_FDCWD");
	cr_assert_str_eq(a[1], "\"/a,b)\"");
	cr_assert_str_eq(a[2], "O_RDONLY");
	cr_assert_eq(split("write(1, \"x\\\",y\", 4) = 4", a, 8), 3);
	cr_assert_str_eq(a[1], "\"x\\\",y\"");
	cr_assert_eq(split("f({a=1, b=[2, 3]}, NULL, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}]) = 0", a, 8), 3);
	cr_assert_str_eq(a[0], "{a=1, b=[2, 3]}");
	cr_assert_str_eq(a[2], "[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]");
	cr_assert_eq(split("getpid() = 5", a, 8), 0);
	cr_assert_eq(split("execve(\"/bin/x\", [\"x\"], 0x7ff /* 3 vars */) = 0", a, 8), 3);
	cr_assert_str_eq(a[2], "0x7ff /* 3 vars */");
}

Test(record, cut_or_garbled_text_has_no_span)
{
	char a[8][64];

	cr_assert_eq(split("read(3, \"abc...<cut>", a, 8), (size_t)-1);
	cr_assert_eq(split("no parenthesis", a, 8), (size_t)-1);
	cr_assert_eq(split("f(]", a, 8), (size_t)-1);
	cr_assert_eq(split("f(\"unterminated", a, 8), (size_t)-1);
}

Test(record, entry_halves_count_their_complete_arguments)
{
	cr_assert_eq(record_entry_args("getpid("), 0);
	cr_assert_eq(record_entry_args("read(3, "), 1);
	cr_assert_eq(record_entry_args("openat(AT_FDCWD, \"/a, b\", O_RDONLY"), 3);
	cr_assert_eq(record_entry_args("newfstatat(AT_FDCWD, \"x\", "), 2);
	cr_assert_eq(record_entry_args("clone3({flags=A|B, stack=0x1}, 88"), 2);
	cr_assert_eq(record_entry_args("f({a=1, "), 0);	/* cut inside a struct */
	cr_assert_eq(record_entry_args("no parenthesis"), 0);
}

Test(record, json_strings_escape_everything_unsafe)
{
	struct sbuf b = { 0 };
	const char in[] = { 'a', '"', '\\', '\n', '\t', 1, (char)0x7f, (char)0xff, 'z' };

	sbuf_json_str(&b, in, sizeof(in));
	cr_assert_str_eq(b.s, "\"a\\\"\\\\\\n\\t\\u0001\\u007f\\u00ffz\"");
	sbuf_free(&b);
}

Test(record, sbuf_grows_past_its_first_size)
{
	struct sbuf b = { 0 };

	for (int i = 0; i < 10000; i++)
		sbuf_printf(&b, "%d,", i);
	cr_assert(!b.oom);
	cr_assert_eq(strlen(b.s), b.len);
	cr_assert(strncmp(b.s + b.len - 5, "9999,", 5) == 0);
	sbuf_free(&b);
}

/* ---- writer.c ---- */

struct drain {
	int fd;
	char *data;
	size_t len, cap;
};

static void *drain_main(void *arg)
{
	struct drain *d = arg;
	char buf[4096];
	ssize_t n;

	while ((n = read(d->fd, buf, sizeof(buf))) > 0) {
		if (d->len + (size_t)n > d->cap) {
			d->cap = (d->len + (size_t)n) * 2;
			d->data = realloc(d->data, d->cap);
			if (!d->data)
				abort();
		}
		memcpy(d->data + d->len, buf, (size_t)n);
		d->len += (size_t)n;
	}
	return NULL;
}

static void pipe_round_trip(bool use_uring)
{
	int p[2];
	pthread_t th;
	struct drain d = { 0 };
	struct trace_writer *w;
	size_t total = 0, expect_len = 3u << 20;
	char *expect = malloc(expect_len), chunk[3000];
	unsigned seed = 7;

	cr_assert_not_null(expect);
	cr_assert_eq(pipe(p), 0);
	d.fd = p[0];
	cr_assert_eq(pthread_create(&th, NULL, drain_main, &d), 0);
	w = trace_writer_open(p[1], use_uring);
	cr_assert_not_null(w);
	while (total < expect_len) {
		size_t n = (size_t)rand_r(&seed) % sizeof(chunk) + 1;
		if (n > expect_len - total)
			n = expect_len - total;
		for (size_t i = 0; i < n; i++)
			chunk[i] = (char)('a' + (total + i) % 26);
		memcpy(expect + total, chunk, n);
		cr_assert_eq(trace_writer_append(w, chunk, n), 0);
		total += n;
	}
	cr_assert_eq(trace_writer_close(w), 0);	/* closes p[1]: the reader ends */
	pthread_join(th, NULL);
	close(p[0]);
	cr_assert_eq(d.len, expect_len, "got %zu of %zu bytes", d.len, expect_len);
	cr_assert(memcmp(d.data, expect, expect_len) == 0, "bytes out of order");
	free(d.data);
	free(expect);
}

Test(writer, pipe_gets_every_byte_in_order_with_io_uring)
{
	pipe_round_trip(true);
}

Test(writer, pipe_gets_every_byte_in_order_with_write)
{
	pipe_round_trip(false);
}

static void full_device(bool use_uring)
{
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	struct trace_writer *w;
	char buf[1000];
	int rc = 0;

	if (fd < 0)
		cr_skip_test("no /dev/full: %s", strerror(errno));
	memset(buf, 'x', sizeof(buf));
	w = trace_writer_open(fd, use_uring);
	cr_assert_not_null(w);
	for (int i = 0; i < 1000 && rc == 0; i++)
		rc = trace_writer_append(w, buf, sizeof(buf));
	if (rc == 0)
		rc = trace_writer_flush(w);
	cr_assert_eq(rc, -ENOSPC, "got %d", rc);
	cr_assert_eq(trace_writer_append(w, buf, 1), -ENOSPC, "the error is not sticky");
	cr_assert_eq(trace_writer_close(w), -ENOSPC);
}

Test(writer, full_device_is_one_sticky_enospc_uring)
{
	full_device(true);
}

Test(writer, full_device_is_one_sticky_enospc_write)
{
	full_device(false);
}

static void closed_pipe(bool use_uring)
{
	int p[2], rc;
	struct trace_writer *w;

	signal(SIGPIPE, SIG_IGN);	/* as the monitor does */
	cr_assert_eq(pipe(p), 0);
	close(p[0]);
	w = trace_writer_open(p[1], use_uring);
	cr_assert_not_null(w);
	rc = trace_writer_append(w, "hello\n", 6);
	if (rc == 0)
		rc = trace_writer_flush(w);
	cr_assert_eq(rc, -EPIPE, "got %d", rc);
	cr_assert_eq(trace_writer_close(w), -EPIPE);
}

Test(writer, closed_pipe_is_epipe_uring)
{
	closed_pipe(true);
}

Test(writer, closed_pipe_is_epipe_write)
{
	closed_pipe(false);
}

/* ---- summary.c ---- */

Test(summary, counts_calls_errors_and_sorts_by_time)
{
	struct trace_summary s = { 0 };
	struct sbuf out = { 0 };

	trace_summary_add(&s, "read", 10, 0.001);
	trace_summary_add(&s, "openat", -2, 0.003);
	trace_summary_add(&s, "openat", 3, 0.001);
	trace_summary_add(&s, "mmap", 0x7f0000000000, 0.0005);	/* not an error */
	trace_summary_print(&s, &out);
	cr_assert_not_null(strstr(out.s, "% time     seconds  usecs/call     calls    errors syscall\n"));
	cr_assert_not_null(strstr(out.s, " 72.73    0.004000        2000         2         1 openat\n"), "%s", out.s);
	cr_assert(strstr(out.s, "openat") < strstr(out.s, "read"));
	cr_assert_not_null(strstr(out.s, "100.00    0.005500        1375         4         1 total\n"), "%s", out.s);
	sbuf_free(&out);
	trace_summary_free(&s);
}

/* ---- diff/jsonl.c ---- */

Test(jsonl, parses_the_schema_members)
{
	struct jobj o;
	char err[128];

	cr_assert_eq(jobj_parse("{\"v\":1,\"args\":[\"a\\\"b\",\"\\u00e9\"],\"ret\":null,\"x\":{\"y\":[1,{}]},\"b\":true}",
				&o, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(jobj_str(&o, "v"), "1");
	cr_assert_eq(jobj_get(&o, "args")->nitems, 2);
	cr_assert_str_eq(jobj_get(&o, "args")->items[0], "a\"b");
	cr_assert_str_eq(jobj_get(&o, "args")->items[1], "\xc3\xa9");
	cr_assert_str_eq(jobj_str(&o, "ret"), "null");
	cr_assert_null(jobj_str(&o, "x"));
	cr_assert_str_eq(jobj_str(&o, "b"), "true");
	jobj_free(&o);
}

Test(jsonl, rejects_with_a_reason)
{
	static const char *const bad[] = {
		"", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1} x", "{\"a\":tru}",
		"{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":01.}", "{\"a\":-}", "{\"a\":\"\x01\"}",
		"{\"a\":[1,2}", "{a:1}",
	};
	struct jobj o;
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_assert_eq(jobj_parse(bad[i], &o, err, sizeof(err)), -1, "accepted: %s", bad[i]);
		cr_assert(strncmp(err, "column ", 7) == 0, "no reason for %s: '%s'", bad[i], err);
	}
}

Test(jsonl, deep_nesting_is_refused_not_recursed)
{
	size_t n = 200000;
	char *s = malloc(n + 8);
	struct jobj o;
	char err[128];

	cr_assert_not_null(s);
	memcpy(s, "{\"a\":", 5);
	memset(s + 5, '[', n);
	s[n + 5] = '\0';
	cr_assert_eq(jobj_parse(s, &o, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "nested too deep"), "%s", err);
	free(s);
}

Test(jsonl, random_input_never_crashes)
{
	static const char alphabet[] = "{}[]\":,\\u0123456789abcdefnulltrue -.eE\x01\xff";
	unsigned seed = 12345;
	char line[256];
	int ok = 0;

	for (int i = 0; i < 50000; i++) {
		struct jobj o;
		char err[128];
		size_t len = (size_t)rand_r(&seed) % (sizeof(line) - 1);

		for (size_t k = 0; k < len; k++)
			line[k] = alphabet[(size_t)rand_r(&seed) % (sizeof(alphabet) - 1)];
		line[len] = '\0';
		if (i % 2 == 0 && len > 2) {	/* half of them start like an object */
			line[0] = '{';
			line[1] = '"';
		}
		if (jobj_parse(line, &o, err, sizeof(err)) == 0) {
			ok++;
			jobj_free(&o);
		}
	}
	cr_assert_lt(ok, 50000);
}

/* ---- diff/tmpnames.c ---- */

/* The random part tmp_match finds at the start of TEXT ("" if none). */
static const char *random_part(const struct tmp_rules *r, const char *text, char *buf, size_t size)
{
	size_t at, len, n = tmp_match(r, text, 0, &at, &len);

	if (n == 0)
		return "";
	snprintf(buf, size, "%.*s", (int)len, text + at);
	return buf;
}

Test(tmpnames, builtin_patterns)
{
	struct tmp_rules r;
	char b[64];

	cr_assert_eq(tmp_rules_init(&r), 0);
	cr_expect_str_eq(random_part(&r, "tmp.Ab3xQ9zK1p\"", b, sizeof(b)), "Ab3xQ9zK1p");
	cr_expect_str_eq(random_part(&r, "tmpab_12xyz", b, sizeof(b)), "ab_12xyz");
	cr_expect_str_eq(random_part(&r, "tmpab_12xyz.txt", b, sizeof(b)), "ab_12xyz");
	cr_expect_str_eq(random_part(&r, "tmpfA1b2C3/", b, sizeof(b)), "A1b2C3");
	/* a string cut by strsize ends inside the random part */
	cr_expect_str_eq(random_part(&r, "tmp.YPz\"...", b, sizeof(b)), "YPz");
	/* not temporary: too short, too long for Python's, words */
	cr_expect_str_eq(random_part(&r, "tmp.abc", b, sizeof(b)), "");
	cr_expect_str_eq(random_part(&r, "tmpab_12xyz9", b, sizeof(b)), "");
	cr_expect_str_eq(random_part(&r, "tmpfs", b, sizeof(b)), "");
	cr_expect_str_eq(random_part(&r, "passwd", b, sizeof(b)), "");
	/* only at the start of a name */
	cr_expect_eq(tmp_match(&r, "xtmp.Ab3xQ9", 1, &(size_t){ 0 }, &(size_t){ 0 }), 0);
	tmp_rules_free(&r);
}

Test(tmpnames, learnt_from_creating_calls)
{
	struct tmp_rules r;
	char b[64];
	char *open_args[] = { "AT_FDCWD", "\"/srv/app-data.Xy12Zq\"", "O_RDWR|O_CREAT|O_EXCL", "0600" };
	char *mkdir_args[] = { "\"/srv/workQ1w2E3\"", "0700" };
	char *plain_open[] = { "AT_FDCWD", "\"/srv/cache.Ab12Cd\"", "O_RDONLY" };
	char *gcc_open[] = { "AT_FDCWD", "\"/tmp/ccQ1w2E3.s\"", "O_RDWR|O_CREAT|O_EXCL", "0600" };

	cr_assert_eq(tmp_rules_init(&r), 0);
	cr_assert_eq(tmp_learn_call(&r, "openat", open_args, 4), 0);
	cr_assert_eq(tmp_learn_call(&r, "mkdir", mkdir_args, 2), 0);
	cr_assert_eq(tmp_learn_call(&r, "openat", plain_open, 3), 0);
	cr_assert_eq(tmp_learn_call(&r, "openat", gcc_open, 4), 0);
	/* mkstemps: the six before the suffix */
	cr_expect_str_eq(random_part(&r, "ccZ9x8Y7.s", b, sizeof(b)), "Z9x8Y7");
	cr_expect_str_eq(random_part(&r, "ccZ9x8Y7.o", b, sizeof(b)), "Z9x8Y7");
	/* the template, not just the name: another run's random part */
	cr_expect_str_eq(random_part(&r, "app-data.Ab34Cd", b, sizeof(b)), "Ab34Cd");
	cr_expect_str_eq(random_part(&r, "app-data.abcdef", b, sizeof(b)), "abcdef");
	cr_expect_str_eq(random_part(&r, "workzzzzzz", b, sizeof(b)), "zzzzzz");
	/* O_RDONLY creates nothing; another stem is another template */
	cr_expect_str_eq(random_part(&r, "cache.Ef56Gh", b, sizeof(b)), "");
	cr_expect_str_eq(random_part(&r, "app-log.Ab34Cd", b, sizeof(b)), "");
	tmp_rules_free(&r);
}

Test(tmpnames, learnt_under_temporary_directories)
{
	struct tmp_rules r;
	char b[64];

	cr_assert_eq(tmp_rules_init(&r), 0);
	cr_assert_eq(tmp_learn_text(&r, "\"/tmp/umvisor-test.V3tYS5/files.txt\""), 0);
	cr_assert_eq(tmp_learn_text(&r, "\"/tmp/build-trace10/umvisor\""), 0);
	cr_assert_eq(tmp_learn_text(&r, "\"/var/tmp/app.Backup\""), 0);
	cr_assert_eq(tmp_learn_text(&r, "\"/home/x/cache.Q1w2E3\""), 0);
	cr_expect_str_eq(random_part(&r, "umvisor-test.abcdef/", b, sizeof(b)), "abcdef");
	/* a version, a word, and a name outside the temporary directories */
	cr_expect_str_eq(random_part(&r, "build-trace11", b, sizeof(b)), "");
	cr_expect_str_eq(random_part(&r, "app.Backup", b, sizeof(b)), "");
	cr_expect_str_eq(random_part(&r, "cache.Q1w2E3", b, sizeof(b)), "");
	tmp_rules_free(&r);
}

Test(tmpnames, explicit_directories_take_the_whole_component)
{
	struct tmp_rules r;
	size_t at, len;

	cr_assert_eq(tmp_rules_init(&r), 0);
	cr_assert_eq(tmp_rules_add_dir(&r, "/scratch/"), 0);
	cr_assert_eq(tmp_match(&r, "/scratch/run-7/x", 0, &at, &len), 14);
	cr_expect_eq(at, 9);
	cr_expect_eq(len, 5);
	cr_expect_eq(tmp_match(&r, "/scratch/\"", 0, &at, &len), 0);
	tmp_rules_free(&r);
}
