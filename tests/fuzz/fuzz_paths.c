/* tests/fuzz/fuzz_paths.c: libFuzzer harness over the path resolver.
 *
 * At start a small real host tree is made under a temporary directory (dirs,
 * a file, relative/absolute/looping/dangling symlinks). Each input builds a
 * random mount table whose hosts all lie inside that tree (the root "/" is
 * redirected there too), then resolves a random guest path from a random
 * cwd/dirfd with random flags, and maps random host paths back to the guest.
 *
 * Checked beyond "no crash, no sanitizer report": a resolved guest path is
 * absolute and canonical, and every host path handed out lies inside the
 * tree: no guest path reaches a host path the mounts do not expose. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/paths.h"
#include "tests/fuzz/fuzz_input.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char tree[PATH_MAX];	/* the host tree; set once, read-only after */
static size_t tree_len;
static char long_name[300];	/* one component over NAME_MAX */

static void cleanup(void)
{
	char cmd[PATH_MAX + 16];

	if (tree[0] && snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree) < (int)sizeof(cmd) &&
	    system(cmd) != 0)
		fprintf(stderr, "fuzz_paths: could not remove %s\n", tree);
}

static void must(int ok, const char *what)
{
	if (!ok) {
		perror(what);
		abort();
	}
}

static void make_tree(void)
{
	static const char *const dirs[] = { "a", "a/b", "a/b/c", "d", "m", "m/x", "proc", "proc/1", "etc" };
	static const struct { const char *target, *name; } links[] = {
		{ "a/b", "rel" }, { "/etc", "abs" }, { "../..", "a/b/up" }, { "loop", "loop" },
		{ "nowhere", "dangling" }, { "/a/b/c/../../..", "a/back" }, { "f", "a/ff" },
		{ "/proc/self/cwd", "cwdlink" }, { "m/x/../../a", "a/b/c/deep" },
	};
	char p[PATH_MAX + 64];
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	must(snprintf(tree, sizeof(tree), "%s/umv-fuzz-paths.XXXXXX", base) < (int)sizeof(tree), "TMPDIR");
	must(mkdtemp(tree) != NULL, "mkdtemp");
	tree_len = strlen(tree);
	atexit(cleanup);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tree, dirs[i]);
		must(mkdir(p, 0755) == 0, "mkdir");
	}
	snprintf(p, sizeof(p), "%s/f", tree);
	int fd = open(p, O_CREAT | O_WRONLY, 0644);
	must(fd >= 0, "open");
	close(fd);
	snprintf(p, sizeof(p), "%s/a/noexec", tree);
	must(mkdir(p, 0) == 0, "mkdir");
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tree, links[i].name);
		must(symlink(links[i].target, p) == 0, "symlink");
	}
	memset(long_name, 'n', sizeof(long_name) - 1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	make_tree();
	return 0;
}

/* ---- building strings from tokens ---- */

struct sbuf {
	char s[9000];
	size_t n;
};

static void put(struct sbuf *b, const char *s, size_t n)
{
	if (n > sizeof(b->s) - 1 - b->n)
		n = sizeof(b->s) - 1 - b->n;
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static const char *const tokens[] = {
	"/", "//", ".", "..", "a", "b", "c", "d", "f", "m", "x", "rel", "abs", "up", "loop",
	"dangling", "back", "ff", "deep", "noexec", "proc", "self", "thread-self", "1", "cwd",
	"fd", "0", "root", "exe", "etc", "cwdlink", "missing", "", "/.", "/..", "...",
};
#define NTOKENS (sizeof(tokens) / sizeof(tokens[0]))

/* A path of up to MAX tokens; raw bytes or an overlong name now and then. */
static void gen_path(struct fuzz_input *in, struct sbuf *b, unsigned max, bool absolute)
{
	unsigned n = fuzz_u8(in) % (max + 1);

	b->n = 0;
	b->s[0] = '\0';
	if (absolute)
		put(b, "/", 1);
	for (unsigned i = 0; i < n; i++) {
		uint8_t t = fuzz_u8(in);

		if (i > 0 && t % 3 != 0)
			put(b, "/", 1);
		if (t == 255) {
			put(b, long_name, sizeof(long_name) - 1);
		} else if (t == 254) {
			const uint8_t *raw;
			size_t len = fuzz_bytes(in, 64, &raw);

			for (size_t k = 0; k < len; k++)
				if (raw[k] != '\0')
					put(b, (const char *)&raw[k], 1);
		} else if (t == 253) {
			/* many repeats: deep or long paths */
			unsigned reps = fuzz_u8(in) * 8u;
			for (unsigned k = 0; k < reps; k++)
				put(b, k % 2 ? "/" : "a", 1);
		} else {
			put(b, tokens[t % NTOKENS], strlen(tokens[t % NTOKENS]));
		}
	}
}

/* A canonical absolute guest path (what the engine keeps as a cwd). */
static void gen_canonical(struct fuzz_input *in, struct sbuf *b)
{
	static const char *const names[] = { "a", "b", "c", "d", "m", "x", "f", "proc", "1", "zz" };
	unsigned n = fuzz_u8(in) % 5;

	b->n = 0;
	b->s[0] = '\0';
	if (n == 0) {
		put(b, "/", 1);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		const char *name = names[fuzz_u8(in) % (sizeof(names) / sizeof(names[0]))];

		put(b, "/", 1);
		put(b, name, strlen(name));
	}
}

static void gen_host(struct fuzz_input *in, struct sbuf *b)
{
	struct sbuf rel;

	gen_canonical(in, &rel);
	b->n = 0;
	put(b, tree, tree_len);
	if (strcmp(rel.s, "/") != 0)
		put(b, rel.s, rel.n);
}

/* ---- checks ---- */

static bool inside_tree(const char *host)
{
	return strncmp(host, tree, tree_len) == 0 && (host[tree_len] == '\0' || host[tree_len] == '/');
}

/* With UMV_PATH_PARENT the final name is appended as written: only the
 * parent part is canonical then. */
static void check_canonical(const char *g, size_t len, bool parent)
{
	const char *end;

	if (!g || g[0] != '/' || strlen(g) != len)
		abort();
	end = g + len;
	if (parent) {
		end = strrchr(g, '/');
		if (end == g)
			return;
	} else if (len > 1 && g[len - 1] == '/') {
		abort();
	}
	for (const char *p = g; p < end; p++) {
		if (p[0] != '/')
			continue;
		if (p[1] == '/' ||
		    (p[1] == '.' && (p[2] == '/' || p[2] == '\0')) ||
		    (p[1] == '.' && p[2] == '.' && (p[3] == '/' || p[3] == '\0')))
			abort();
	}
}

struct link_answer {
	uint8_t kind;
};

static int fake_proc_link(const struct umv_path_ctx *ctx, pid_t pid, const char *link,
			  char **guest_out)
{
	const struct link_answer *a = ctx->opaque;
	static const char *const answers[] = { "/a/b", "/", "/f", "/proc/self/cwd", "relative", "/zz/missing" };

	(void)pid;
	(void)link;
	switch (a->kind % 4) {
	case 0:
		*guest_out = strdup(answers[(a->kind / 4) % (sizeof(answers) / sizeof(answers[0]))]);
		return *guest_out ? UMV_PROC_LINK_PATH : -ENOMEM;
	case 1:
		return UMV_PROC_LINK_OBJECT;
	case 2:
		return -ENOENT;
	default:
		return -EACCES;
	}
}

static const unsigned all_flags = UMV_PATH_NOFOLLOW | UMV_PATH_CREATE | UMV_PATH_EMPTY_PATH |
	UMV_PATH_DIRECTORY | UMV_PATH_PARENT | UMV_PATH_NO_FAST | UMV_PATH_NO_XDEV |
	UMV_PATH_NO_MAGICLINKS | UMV_PATH_NO_SYMLINKS | UMV_PATH_BENEATH | UMV_PATH_IN_ROOT;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct umv_mount_table *mt;
	struct umv_path_ctx ctx = { 0 };
	struct umv_path_result r;
	struct link_answer ans;
	static struct sbuf gpath, host, cwd, base, path;
	unsigned nmounts;
	int rc;

	if (umv_mount_table_new(&mt) < 0)
		abort();
	if (umv_mount_add(mt, "/", UMV_MOUNT_REDIRECT, tree, NULL, 0) < 0)
		abort();
	nmounts = fuzz_u8(&in) % 9;
	for (unsigned i = 0; i < nmounts; i++) {
		uint8_t op = fuzz_u8(&in);

		gen_path(&in, &gpath, 4, true);
		if (op % 5 == 4) {
			/* never the root: its removal would expose the real "/" */
			if (strcmp(gpath.s, "/") != 0 && gpath.s[1] != '/')
				(void)umv_mount_remove(mt, gpath.s);
			continue;
		}
		gen_host(&in, &host);
		rc = umv_mount_add(mt, gpath.s, op % 5 == 3 ? UMV_MOUNT_OWNED : UMV_MOUNT_REDIRECT,
				   (op % 5 == 3 && (op & 0x80)) ? NULL : host.s,
				   op % 5 == 3 ? (void *)&in : NULL,
				   (op >> 3) & (UMV_MOUNT_RDONLY | UMV_MOUNT_NONDIR));
		if (rc < 0 && rc != -EINVAL && rc != -ENAMETOOLONG)
			abort();
	}

	gen_canonical(&in, &cwd);
	ctx.cwd = cwd.s;
	uint8_t cbits = fuzz_u8(&in);
	if (cbits & 1) {
		gen_canonical(&in, &base);
		ctx.base = base.s;
	}
	ctx.base_not_dir = cbits & 2;
	if (cbits & 4) {
		ctx.self_pid = 1;
		ctx.self_tid = (cbits & 8) ? 1 : 2;
	}
	ans.kind = fuzz_u8(&in);
	if (cbits & 16) {
		ctx.resolve_proc_link = fake_proc_link;
		ctx.opaque = &ans;
	}
	unsigned flags = fuzz_u16(&in);
	if (!(cbits & 32))
		flags &= all_flags;
	gen_path(&in, &path, 40, fuzz_u8(&in) & 1);

	memset(&r, 0, sizeof(r));
	rc = umv_path_resolve(mt, &ctx, path.s, flags, &r);
	if (getenv("FUZZ_PATHS_DEBUG"))
		fprintf(stderr, "cwd=%s base=%s path=%s flags=%#x -> %d guest=%s host=%s\n", ctx.cwd,
			ctx.base ? ctx.base : "(cwd)", path.s, flags, rc, rc == 0 ? r.guest : "",
			rc == 0 && r.host ? r.host : "(null)");
	if (rc > 0)
		abort();
	if (rc == 0) {
		check_canonical(r.guest, r.guest_len, flags & UMV_PATH_PARENT);
		if (!r.mount)
			abort();
		if (r.host && (strlen(r.host) != r.host_len || !inside_tree(r.host)))
			abort();
		umv_path_result_free(&r);
	} else if (r.guest || r.host) {
		abort();	/* failure leaves *out empty */
	}

	/* host -> guest: random host paths, inside the tree or not */
	for (int i = 0; i < 2; i++) {
		char *g = NULL;

		if (fuzz_u8(&in) & 1)
			gen_host(&in, &host);
		else
			gen_path(&in, &host, 6, true);
		rc = umv_mount_host_to_guest(mt, host.s, &g);
		if (rc == 0) {
			if (!g || g[0] != '/')
				abort();
			free(g);
		} else if (rc > 0) {
			abort();
		}
	}
	umv_mount_table_free(mt);
	return 0;
}
