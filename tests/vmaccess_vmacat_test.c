/* vmacat, the command-line reader, against a child with a known layout. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vmaccess_child.h"

struct run {
	int status;		/* exit code, or -1 if killed */
	char out[8192];
	char err[2048];
};

static void slurp(int fd, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;
	while (got + 1 < size && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
}

/* Runs vmacat with ARGV (NULL-terminated, without argv[0]). */
static void vmacat(struct run *r, const char *const *args)
{
	const char *top = getenv("top_builddir");
	char prog[4096];
	snprintf(prog, sizeof(prog), "%s/vmaccess/vmacat", top ? top : ".");
	if (access(prog, X_OK) < 0)
		cr_skip_test("%s not built (run through make check)", prog);
	const char *argv[16] = { prog };
	for (int i = 0; args[i]; i++) {
		cr_assert_lt(i, 14);
		argv[i + 1] = args[i];
	}
	int out[2], err[2];
	cr_assert_eq(pipe(out), 0);
	cr_assert_eq(pipe(err), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	/* Outputs are small: read stderr fully, then stdout. */
	slurp(err[0], r->err, sizeof(r->err));
	slurp(out[0], r->out, sizeof(r->out));
	close(out[0]);
	close(err[0]);
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void hex(char *buf, size_t size, uint64_t v)
{
	snprintf(buf, size, "%#llx", (unsigned long long)v);
}

Test(vmacat, hexdumps_through_every_backend)
{
	const char *names[] = { "auto", "process_vm", "proc_mem", "ptrace" };
	for (size_t i = 0; i < 4; i++) {
		struct vt_child child;
		cr_assert_eq(vt_spawn(&child, 0), 0);
		char pid[16], addr[32];
		snprintf(pid, sizeof(pid), "%d", (int)child.pid);
		hex(addr, sizeof(addr), child.lay.pattern);
		struct run r;
		vmacat(&r, (const char *const[]){ "-b", names[i], pid, addr, "20", NULL });
		cr_expect_eq(r.status, 0, "%s: exit %d: %s", names[i], r.status, r.err);
		/* vt_pattern(0..) = 5a 5b 58 59 ... */
		char want[128];
		snprintf(want, sizeof(want), "%016llx  5a 5b 58 59 5e 5f 5c 5d  52 53 50 51 56 57 54 55",
			 (unsigned long long)child.lay.pattern);
		cr_expect(strstr(r.out, want), "%s: output lacks '%s':\n%s", names[i], want, r.out);
		cr_expect(strstr(r.out, "4a 4b 48 49"), "%s: second line missing:\n%s", names[i], r.out);
		vt_kill(&child);
	}
}

Test(vmacat, reads_strings)
{
	struct vt_child child;
	cr_assert_eq(vt_spawn(&child, 0), 0);
	char pid[16], addr[32];
	snprintf(pid, sizeof(pid), "%d", (int)child.pid);
	hex(addr, sizeof(addr), child.lay.str_at_hole);
	struct run r;
	vmacat(&r, (const char *const[]){ "-s", pid, addr, "4096", NULL });
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect_str_eq(r.out, VT_STR_AT_HOLE "\n");
	hex(addr, sizeof(addr), child.lay.unterminated);
	vmacat(&r, (const char *const[]){ "-s", pid, addr, "4096", NULL });
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "not mapped"), "stderr: %s", r.err);
	vmacat(&r, (const char *const[]){ "-s", pid, addr, "10", NULL });
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "no NUL"), "stderr: %s", r.err);
	vt_kill(&child);
}

Test(vmacat, clear_errors)
{
	struct vt_child child;
	cr_assert_eq(vt_spawn(&child, 0), 0);
	char pid[16], addr[32];
	snprintf(pid, sizeof(pid), "%d", (int)child.pid);
	struct run r;
	/* A read running into a hole: the bytes, then a short-read notice. */
	hex(addr, sizeof(addr), child.lay.hole - 16);
	vmacat(&r, (const char *const[]){ pid, addr, "64", NULL });
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "short read: 16 of 64"), "stderr: %s", r.err);
	hex(addr, sizeof(addr), child.lay.hole);
	vmacat(&r, (const char *const[]){ pid, addr, "64", NULL });
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "not mapped"), "stderr: %s", r.err);
	vt_kill(&child);
	vmacat(&r, (const char *const[]){ pid, addr, "64", NULL });
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "no such process"), "stderr: %s", r.err);
	/* Usage errors exit 2. */
	vmacat(&r, (const char *const[]){ "-b", "floppy", "1", "0", "1", NULL });
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "unknown backend"), "stderr: %s", r.err);
	vmacat(&r, (const char *const[]){ "1", "nonsense", "1", NULL });
	cr_expect_eq(r.status, 2);
	vmacat(&r, (const char *const[]){ "1", "0", NULL });
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "usage"), "stderr: %s", r.err);
}
