/* strace notation -> JSON converter (modules/trace/notation_json.c): a
 * table of printer outputs with the JSON each must become, and random
 * bytes that must always give one valid JSON value. */
#include "modules/trace/diff/jsonl.h"
#include "modules/trace/notation_json.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static char *convert(const char *in, size_t n)
{
	struct sbuf b = { 0 };

	notation_to_json(&b, in, n);
	cr_assert(!b.oom);
	return b.s;
}

struct case_ {
	const char *in, *want;
};

static const struct case_ cases[] = {
	{ "\"/etc/hosts\"", "\"/etc/hosts\"" },
	{ "\"a\\nb\\t\\\"q\\\"\\\\\"", "\"a\\nb\\t\\\"q\\\"\\\\\"" },
	{ "\"\\0\\1\\177\\377\"", "\"\\u0000\\u0001\\u007f\\u00ff\"" },
	{ "\"\\33[0m\"", "\"\\u001b[0m\"" },
	{ "\"abc\"...", "{\"str\":\"abc\",\"truncated\":true}" },
	{ "\"\"", "\"\"" },
	{ "\"\\x41\"", "\"A\"" },
	{ "\"open", "{\"text\":\"\\\"open\"}" },
	{ "\"\\\"", "{\"text\":\"\\\"\\\\\\\"\"}" },
	{ "NULL", "null" },
	{ "0", "0" },
	{ "3", "3" },
	{ "-1", "-1" },
	{ "4096", "4096" },
	{ "0x7ffd1234", "2147291700" },
	{ "0x20000000000000", "9007199254740992" },
	{ "0x20000000000001", "\"0x20000000000001\"" },
	{ "0xffffffffffffffff", "\"0xffffffffffffffff\"" },
	{ "0x10000000000000000", "\"0x10000000000000000\"" },
	{ "0644", "420" },
	{ "-9223372036854775808", "\"-9223372036854775808\"" },
	{ "AT_FDCWD", "{\"name\":\"AT_FDCWD\"}" },
	{ "SIGTERM", "{\"name\":\"SIGTERM\"}" },
	{ "O_RDONLY|O_CLOEXEC", "{\"flags\":[\"O_RDONLY\",\"O_CLOEXEC\"]}" },
	{ "MAP_PRIVATE|MAP_ANONYMOUS|0x10", "{\"flags\":[\"MAP_PRIVATE\",\"MAP_ANONYMOUS\",\"0x10\"]}" },
	{ "O_RDONLY|", "{\"text\":\"O_RDONLY|\"}" },
	{ "{st_mode=S_IFREG|0644, st_size=45431, ...}",
	  "{\"st_mode\":{\"flags\":[\"S_IFREG\",\"0644\"]},\"st_size\":45431,\"_more\":true}" },
	{ "{tv_sec=1, tv_nsec=500}", "{\"tv_sec\":1,\"tv_nsec\":500}" },
	{ "{}", "{}" },
	{ "[]", "[]" },
	{ "[3, 4]", "[3,4]" },
	{ "[\"sh\", \"-c\", \"true\"]", "[\"sh\",\"-c\",\"true\"]" },
	{ "[\"a\", ...]", "[\"a\",{\"_more\":true}]" },
	{ "[{fd=3, events=POLLIN}]", "[{\"fd\":3,\"events\":{\"name\":\"POLLIN\"}}]" },
	{ "{sa_handler=SIG_DFL, sa_mask=[], sa_flags=SA_RESTORER|SA_RESTART}",
	  "{\"sa_handler\":{\"name\":\"SIG_DFL\"},\"sa_mask\":[],\"sa_flags\":{\"flags\":[\"SA_RESTORER\",\"SA_RESTART\"]}}" },
	/* wait statuses, every form the printer writes, and near misses */
	{ "[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]", "[{\"exited\":3}]" },
	{ "[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]", "[{\"exited\":0}]" },
	{ "{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}", "{\"signaled\":\"SIGKILL\",\"core\":false}" },
	{ "{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}",
	  "{\"signaled\":\"SIGSEGV\",\"core\":true}" },
	{ "{WIFSIGNALED(s) && WTERMSIG(s) == 77}", "{\"signaled\":77,\"core\":false}" },
	{ "{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}", "{\"stopped\":\"SIGSTOP\"}" },
	{ "{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP && s >> 16 == 1}",
	  "{\"stopped\":\"SIGTRAP\",\"event\":1}" },
	{ "{WIFCONTINUED(s)}", "{\"continued\":true}" },
	{ "{WIFEXITED(s) && WEXITSTATUS(s) == 256}",
	  "{\"text\":\"{WIFEXITED(s) && WEXITSTATUS(s) == 256}\"}" },
	{ "{WIFEXITED(s) && WEXITSTATUS(s) == 03}",
	  "{\"text\":\"{WIFEXITED(s) && WEXITSTATUS(s) == 03}\"}" },
	{ "{WIFEXITED(s) && WEXITSTATUS(s) == }", "{\"text\":\"{WIFEXITED(s) && WEXITSTATUS(s) == }\"}" },
	{ "{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL && x}",
	  "{\"text\":\"{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL && x}\"}" },
	{ "{WIFSIGNALED(s) && WTERMSIG(s) == KILL}", "{\"text\":\"{WIFSIGNALED(s) && WTERMSIG(s) == KILL}\"}" },
	{ "{WIFCONTINUED(s) }", "{\"text\":\"{WIFCONTINUED(s) }\"}" },
	{ "{WIF", "{\"text\":\"{WIF\"}" },
	/* device numbers */
	{ "makedev(0x1, 0x3)", "{\"major\":1,\"minor\":3}" },
	{ "makedev(0, 0)", "{\"major\":0,\"minor\":0}" },
	{ "makedev(0x103, 0x100000)", "{\"major\":259,\"minor\":1048576}" },
	{ "{st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}",
	  "{\"st_mode\":{\"flags\":[\"S_IFCHR\",\"0666\"]},\"st_rdev\":{\"major\":1,\"minor\":3},\"_more\":true}" },
	{ "makedev(0x1,0x3)", "{\"text\":\"makedev(0x1,0x3)\"}" },
	{ "makedev(0x1, -3)", "{\"text\":\"makedev(0x1, -3)\"}" },
	{ "makedev(0x1, 0x3", "{\"text\":\"makedev(0x1, 0x3\"}" },
	{ "makedev()", "{\"text\":\"makedev()\"}" },
	/* rlimits in KiB */
	{ "{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}",
	  "{\"rlim_cur\":8388608,\"rlim_max\":{\"name\":\"RLIM64_INFINITY\"}}" },
	{ "8*1025", "{\"text\":\"8*1025\"}" },
	{ "*1024", "{\"text\":\"*1024\"}" },
	{ "{sa_family=AF_UNIX, sun_path=\"/run/x, y\"}",
	  "{\"sa_family\":{\"name\":\"AF_UNIX\"},\"sun_path\":\"/run/x, y\"}" },
	{ "{a=[1, [2, {b=\"]}\"}]]}", "{\"a\":[1,[2,{\"b\":\"]}\"}]]}" },
	{ "[1, 2", "{\"text\":\"[1, 2\"}" },
	{ "[1, 2]x", "{\"text\":\"[1, 2]x\"}" },
	{ "123 /* 4 entries */", "{\"text\":\"123 /* 4 entries */\"}" },
	{ "[INT TERM]", "[{\"name\":\"INT\"},{\"name\":\"TERM\"}]" },
	{ "[INT]", "[{\"name\":\"INT\"}]" },
	{ "~[RTMIN RT_1]", "{\"not\":[{\"name\":\"RTMIN\"},{\"name\":\"RT_1\"}]}" },
	{ "~[]", "{\"not\":[]}" },
	{ "~[a b", "{\"text\":\"~[a b\"}" },
	{ "[INT  TERM]", "[{\"text\":\"INT  TERM\"}]" },
	{ "", "{\"text\":\"\"}" },
	{ "\xc3\xa9", "{\"text\":\"\\u00c3\\u00a9\"}" },
};

Test(notation_json, table)
{
	cr_assert_geq(sizeof(cases) / sizeof(cases[0]), 25);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = convert(cases[i].in, strlen(cases[i].in));
		cr_expect_str_eq(got, cases[i].want, "input <%s>", cases[i].in);
		free(got);
	}
}

Test(notation_json, deep_nesting_is_text_not_a_crash)
{
	char in[4001];
	char *got;

	memset(in, '[', 2000);
	memset(in + 2000, ']', 2000);
	in[4000] = '\0';
	got = convert(in, 4000);
	cr_assert(strstr(got, "{\"text\":") != NULL);
	free(got);
}

static void assert_one_json_value(const char *json, const unsigned char *in, size_t n)
{
	size_t len = strlen(json);
	char *doc = malloc(len + 8), err[128];
	struct jobj o;

	cr_assert_not_null(doc);
	for (size_t i = 0; i < len; i++)
		cr_assert((unsigned char)json[i] >= 0x20 && (unsigned char)json[i] < 0x7f,
			  "non-printable byte in output");
	memcpy(doc, "{\"x\":", 5);
	memcpy(doc + 5, json, len);
	memcpy(doc + 5 + len, "}", 2);
	cr_assert_eq(jobj_parse(doc, &o, err, sizeof(err)), 0, "invalid JSON (%s) for %zu random bytes: %s",
		     err, n, json);
	cr_assert_eq(o.n, 1);
	(void)in;
	jobj_free(&o);
	free(doc);
}

/* Random bytes, and random strings over the notation's own alphabet
 * (which reach the structured paths far more often). */
Test(notation_json, fuzz_random_bytes)
{
	static const char alphabet[] = "\"\\[]{}(),|=. ._xAZ09-7...NULL\n";
	unsigned char in[96];

	srand(12345);
	for (int round = 0; round < 200000; round++) {
		size_t n = (size_t)rand() % sizeof(in);
		bool notation = round & 1;
		char *got;

		for (size_t i = 0; i < n; i++)
			in[i] = notation ? (unsigned char)alphabet[rand() % (int)(sizeof(alphabet) - 1)]
					 : (unsigned char)rand();
		got = convert((const char *)in, n);
		assert_one_json_value(got, in, n);
		free(got);
	}
}
