/* libvmaccess: backend selection, fallback under seccomp, permission
 * refusals (undumpable guests) and the small API surface. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "tests/vmaccess_child.h"
#include "vmaccess/vmaccess.h"

static const enum vma_backend backends[] = {
	VMA_BACKEND_PROCESS_VM, VMA_BACKEND_PROC_MEM, VMA_BACKEND_PTRACE, VMA_BACKEND_AUTO,
};
#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))


/* Work that must not run in the criterion worker itself (dropped uids,
 * seccomp filters) runs in a forked process that reports numbers back. */
struct report {
	long setup;		/* 0, or the -errno of a failed setup step */
	long v[48];
};

static void run_sub(void (*body)(struct report *, const void *), const void *arg,
		    struct report *out)
{
	int fds[2];
	cr_assert_eq(pipe(fds), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		struct report rep;
		memset(&rep, 0, sizeof(rep));
		body(&rep, arg);
		ssize_t n = write(fds[1], &rep, sizeof(rep));
		_exit(n == (ssize_t)sizeof(rep) ? 0 : 99);
	}
	close(fds[1]);
	ssize_t n = read(fds[0], out, sizeof(*out));
	close(fds[0]);
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "subprocess died: status %#x", status);
	cr_assert_eq(n, (ssize_t)sizeof(*out));
	cr_assert_eq(out->setup, 0, "subprocess setup failed: %s", strerror((int)-out->setup));
}

/* ---- API surface ---------------------------------------------------- */

Test(api, backend_names_round_trip)
{
	for (int b = 0; b < VMA_BACKEND_COUNT; b++) {
		enum vma_backend parsed;
		cr_expect_eq(vma_backend_parse(vma_backend_name((enum vma_backend)b), &parsed), 0);
		cr_expect_eq(parsed, (enum vma_backend)b);
	}
	enum vma_backend out;
	cr_expect_eq(vma_backend_parse("procmem", &out), -EINVAL);
	cr_expect_eq(vma_backend_parse(NULL, &out), -EINVAL);
	cr_expect_str_eq(vma_backend_name(VMA_BACKEND_COUNT), "unknown");
}

Test(api, open_rejects_bad_arguments)
{
	struct vma *vma;
	cr_expect_eq(vma_open(NULL, getpid(), VMA_BACKEND_AUTO), -EINVAL);
	cr_expect_eq(vma_open(&vma, 0, VMA_BACKEND_AUTO), -EINVAL);
	cr_expect_eq(vma_open(&vma, -5, VMA_BACKEND_AUTO), -EINVAL);
	cr_expect_eq(vma_open(&vma, getpid(), VMA_BACKEND_COUNT), -EINVAL);
	cr_assert_eq(vma_open(&vma, getpid(), VMA_BACKEND_AUTO), 0);
	cr_expect_eq(vma_backend_in_use(vma), VMA_BACKEND_AUTO, "nothing served yet");
	cr_expect_eq(vma_set_pid(vma, 0), -EINVAL);
	cr_expect_eq(vma_readv(NULL, NULL, 0, NULL), -EINVAL);
	cr_expect_eq(vma_read(NULL, 0, NULL, 0), -EINVAL);
	vma_close(vma);
	vma_close(NULL);
}

Test(api, env_var_forces_backend)
{
	struct vt_child child;
	cr_assert_eq(vt_spawn(&child, 0), 0);
	struct vma *vma;
	cr_assert_eq(setenv("UMVISOR_VMACCESS_BACKEND", "proc_mem", 1), 0);
	cr_assert_eq(vma_open(&vma, child.pid, VMA_BACKEND_AUTO), 0);
	unsigned char buf[32];
	cr_expect_eq(vma_read(vma, child.lay.pattern, buf, sizeof(buf)), 32);
	cr_expect_eq(vma_backend_in_use(vma), VMA_BACKEND_PROC_MEM);
	/* Forced, so no fallback: a read-only page cannot be written... by
	 * process_vm, which this handle does not use. */
	cr_expect_eq(vma_write(vma, child.lay.rodata, "x", 1), 1);
	vma_close(vma);
	/* An explicit API choice wins over the environment. */
	cr_assert_eq(vma_open(&vma, child.pid, VMA_BACKEND_PROCESS_VM), 0);
	cr_expect_eq(vma_read(vma, child.lay.pattern, buf, sizeof(buf)), 32);
	cr_expect_eq(vma_backend_in_use(vma), VMA_BACKEND_PROCESS_VM);
	vma_close(vma);
	cr_assert_eq(setenv("UMVISOR_VMACCESS_BACKEND", "bogus", 1), 0);
	cr_expect_eq(vma_open(&vma, child.pid, VMA_BACKEND_AUTO), -EINVAL);
	cr_assert_eq(unsetenv("UMVISOR_VMACCESS_BACKEND"), 0);
	vt_kill(&child);
}

Test(api, ptrace_backend_needs_a_stopped_tid)
{
	vt_require_ptrace();
	struct vt_child child;
	cr_assert_eq(vt_spawn(&child, 0), 0);
	struct vma *vma;
	unsigned char buf[16];
	cr_assert_eq(vma_open(&vma, child.pid, VMA_BACKEND_PTRACE), 0);
	cr_expect_eq(vma_read(vma, child.lay.pattern, buf, 16), -ESRCH, "no tid declared");
	/* Declared, but neither traced nor stopped by us. */
	vma_set_stopped_tid(vma, child.pid);
	cr_expect_eq(vma_read(vma, child.lay.pattern, buf, 16), -ESRCH, "not our tracee");
	vma_close(vma);
	vt_kill(&child);
}

Test(api, set_pid_retargets)
{
	struct vt_child a, b;
	cr_assert_eq(vt_spawn(&a, 0), 0);
	cr_assert_eq(vt_spawn(&b, 0), 0);
	const char msg[] = "only in b";
	struct vma *vma;
	cr_assert_eq(vma_open(&vma, b.pid, VMA_BACKEND_PROCESS_VM), 0);
	cr_assert_eq(vma_write(vma, b.lay.scratch, msg, sizeof(msg)), (ssize_t)sizeof(msg));
	vma_close(vma);
	for (size_t i = 0; i < NBACKENDS; i++) {
		if (backends[i] == VMA_BACKEND_PTRACE)
			continue;
		cr_assert_eq(vma_open(&vma, a.pid, backends[i]), 0);
		char buf[32];
		cr_expect_eq(vma_read_str(vma, a.lay.scratch, buf, sizeof(buf)), 0);
		cr_expect_eq(vma_set_pid(vma, b.pid), 0);
		cr_expect_eq(vma_read_str(vma, b.lay.scratch, buf, sizeof(buf)), (ssize_t)strlen(msg),
			     "%s", vma_backend_name(backends[i]));
		cr_expect_str_eq(buf, msg);
		vma_close(vma);
	}
	vt_kill(&a);
	vt_kill(&b);
}

/* ---- undumpable guests --------------------------------------------- */

#define NOBODY 65534

/* Per backend: read, write, string, scatter (its own result). */
enum { PROBE_READ, PROBE_WRITE, PROBE_STR, PROBE_READV, PROBE_RANGE, PROBES };

static void probe_all(struct report *rep, const struct vt_child *child)
{
	for (size_t i = 0; i < NBACKENDS; i++) {
		long *v = &rep->v[i * PROBES];
		struct vma *vma;
		int r = vma_open(&vma, child->pid, backends[i]);
		if (r < 0) {
			for (int k = 0; k < PROBES; k++)
				v[k] = 1000 + r;
			continue;
		}
		vma_set_stopped_tid(vma, child->pid);
		unsigned char buf[64];
		memset(buf, 0, sizeof(buf));
		v[PROBE_READ] = vma_read(vma, child->lay.pattern + 5, buf, sizeof(buf));
		if (v[PROBE_READ] == 64 && !vt_is_pattern(buf, 5, 64))
			v[PROBE_READ] = 2000;	/* a "success" with wrong bytes */
		v[PROBE_WRITE] = vma_write(vma, child->lay.scratch, "abc", 4);
		char s[128];
		v[PROBE_STR] = vma_read_str(vma, child->lay.str_cross, s, sizeof(s));
		struct vma_range range = { child->lay.pattern, buf, 16 };
		ssize_t res = 77;
		v[PROBE_READV] = vma_readv(vma, &range, 1, &res);
		v[PROBE_RANGE] = res;
		vma_close(vma);
	}
}

static void unprivileged_reader(struct report *rep, const void *arg)
{
	int flags = *(const int *)arg;
	gid_t gid = NOBODY;
	if (setgroups(1, &gid) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0) {
		rep->setup = -errno;
		return;
	}
	/* The target is our child and our tracee, as a monitor's guest is. */
	struct vt_child child;
	if (vt_spawn(&child, VT_TRACEME | flags) < 0) {
		rep->setup = -ECHILD;
		return;
	}
	probe_all(rep, &child);
	vt_kill(&child);
}

static void check_all(const struct report *rep, bool want_success, const char *what)
{
	for (size_t i = 0; i < NBACKENDS; i++) {
		const long *v = &rep->v[i * PROBES];
		const char *name = vma_backend_name(backends[i]);
		if (want_success) {
			cr_expect_eq(v[PROBE_READ], 64, "%s, %s: read -> %ld", what, name, v[PROBE_READ]);
			cr_expect_eq(v[PROBE_WRITE], 4, "%s, %s: write -> %ld", what, name, v[PROBE_WRITE]);
			cr_expect_eq(v[PROBE_STR], (long)strlen(VT_STR_CROSS), "%s, %s: str -> %ld",
				     what, name, v[PROBE_STR]);
			cr_expect(v[PROBE_READV] == 0 && v[PROBE_RANGE] == 16, "%s, %s: readv -> %ld/%ld",
				  what, name, v[PROBE_READV], v[PROBE_RANGE]);
		} else {
			cr_expect_eq(v[PROBE_READ], -EPERM, "%s, %s: read -> %ld", what, name, v[PROBE_READ]);
			cr_expect_eq(v[PROBE_WRITE], -EPERM, "%s, %s: write -> %ld", what, name, v[PROBE_WRITE]);
			cr_expect_eq(v[PROBE_STR], -EPERM, "%s, %s: str -> %ld", what, name, v[PROBE_STR]);
			cr_expect_eq(v[PROBE_READV], -EPERM, "%s, %s: readv -> %ld", what, name, v[PROBE_READV]);
		}
	}
}

Test(undumpable, refused_to_unprivileged_reader_by_every_backend)
{
	vt_require_ptrace();
	if (geteuid() != 0)
		cr_skip_test("needs root to switch both reader and target to uid %d", NOBODY);
	struct report rep;
	int flags = VT_UNDUMPABLE;
	run_sub(unprivileged_reader, &flags, &rep);
	check_all(&rep, false, "undumpable target, uid nobody");
	/* The control: same uids, same tracing, a dumpable target. Proves the
	 * refusal above comes from dumpability, not from the test setup. */
	flags = VT_DUMPABLE;
	run_sub(unprivileged_reader, &flags, &rep);
	check_all(&rep, true, "dumpable target, uid nobody");
}

Test(undumpable, readable_by_root)
{
	vt_require_ptrace();
	if (geteuid() != 0)
		cr_skip_test("needs CAP_SYS_PTRACE (root) to read an undumpable process");
	struct vt_child child;
	cr_assert_eq(vt_spawn(&child, VT_TRACEME | VT_UNDUMPABLE), 0);
	struct report rep;
	memset(&rep, 0, sizeof(rep));
	probe_all(&rep, &child);
	vt_kill(&child);
	check_all(&rep, true, "undumpable target, root reader");
}

/* ---- fallback under seccomp ------------------------------------------ */

struct filter_case {
	int err;		/* what the blocked calls return */
	bool block_proc_mem;	/* also pread64/pwrite64: fall through to ptrace */
};

enum {
	FB_RAW_ERRNO, FB_OPEN_AUTO, FB_READ, FB_READ_USED, FB_WRITE, FB_WRITE_BACK,
	FB_WRITE_USED, FB_STR, FB_READV, FB_RANGE0, FB_RANGE1, FB_RO_WRITE,
	FB_FORCED_PVM_OPEN, FB_COUNT
};

static int install_filter(const struct filter_case *fc)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(fc->err), SCMP_SYS(process_vm_readv), 0);
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(fc->err), SCMP_SYS(process_vm_writev), 0);
	if (!r && fc->block_proc_mem)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(fc->err), SCMP_SYS(pread64), 0);
	if (!r && fc->block_proc_mem)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(fc->err), SCMP_SYS(pwrite64), 0);
	if (!r)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r;
}

static void filtered_reader(struct report *rep, const void *arg)
{
	const struct filter_case *fc = arg;
	struct vt_child child;
	if (vt_spawn(&child, VT_SEIZE) < 0) {
		rep->setup = -ECHILD;
		return;
	}
	int r = install_filter(fc);
	if (r < 0) {
		rep->setup = r;
		vt_kill(&child);
		return;
	}
	long *v = rep->v;
	const struct vt_layout *l = &child.lay;
	unsigned char buf[100];
	/* The filter really blocks the first backend. */
	struct iovec local = { buf, 8 }, remote = { (void *)(uintptr_t)l->pattern, 8 };
	v[FB_RAW_ERRNO] = process_vm_readv(child.pid, &local, 1, &remote, 1, 0) < 0 ? errno : 0;

	struct vma *vma;
	v[FB_OPEN_AUTO] = vma_open(&vma, child.pid, VMA_BACKEND_AUTO);
	if (v[FB_OPEN_AUTO] == 0) {
		vma_set_stopped_tid(vma, child.pid);
		v[FB_READ] = vma_read(vma, l->pattern + 1, buf, sizeof(buf));
		if (v[FB_READ] == 100 && !vt_is_pattern(buf, 1, 100))
			v[FB_READ] = 2000;
		v[FB_READ_USED] = vma_backend_in_use(vma);
		v[FB_WRITE] = vma_write(vma, l->scratch + 1, "fallback", 9);
		v[FB_WRITE_USED] = vma_backend_in_use(vma);
		char s[128];
		v[FB_WRITE_BACK] = vma_read_str(vma, l->scratch + 1, s, sizeof(s)) == 8 &&
				   strcmp(s, "fallback") == 0;
		v[FB_STR] = vma_read_str(vma, l->str_at_hole, s, sizeof(s));
		struct vma_range ranges[] = { { l->pattern, buf, 10 }, { l->hole, buf + 10, 10 } };
		ssize_t res[2] = { 77, 77 };
		v[FB_READV] = vma_readv(vma, ranges, 2, res);
		v[FB_RANGE0] = res[0];
		v[FB_RANGE1] = res[1];
		v[FB_RO_WRITE] = vma_write(vma, l->rodata, "ro", 3);
		vma_close(vma);
	}
	v[FB_FORCED_PVM_OPEN] = vma_open(&vma, child.pid, VMA_BACKEND_PROCESS_VM);
	if (v[FB_FORCED_PVM_OPEN] == 0)
		vma_close(vma);
	vt_kill(&child);
}

static void check_fallback(const struct filter_case *fc, enum vma_backend want)
{
	struct report rep;
	run_sub(filtered_reader, fc, &rep);
	const long *v = rep.v;
	const char *w = vma_backend_name(want);
	cr_assert_eq(v[FB_RAW_ERRNO], fc->err, "the filter did not block process_vm_readv");
	cr_assert_eq(v[FB_OPEN_AUTO], 0);
	cr_expect_eq(v[FB_READ], 100, "read -> %ld", v[FB_READ]);
	cr_expect_eq(v[FB_READ_USED], want, "read served by %s, want %s",
		     vma_backend_name((enum vma_backend)v[FB_READ_USED]), w);
	cr_expect_eq(v[FB_WRITE], 9, "write -> %ld", v[FB_WRITE]);
	cr_expect_eq(v[FB_WRITE_USED], want, "write served by %s, want %s",
		     vma_backend_name((enum vma_backend)v[FB_WRITE_USED]), w);
	cr_expect_eq(v[FB_WRITE_BACK], 1, "written string not read back");
	cr_expect_eq(v[FB_STR], (long)strlen(VT_STR_AT_HOLE), "string -> %ld", v[FB_STR]);
	cr_expect(v[FB_READV] == 0 && v[FB_RANGE0] == 10 && v[FB_RANGE1] == -EFAULT,
		  "readv -> %ld [%ld, %ld]", v[FB_READV], v[FB_RANGE0], v[FB_RANGE1]);
	cr_expect_eq(v[FB_RO_WRITE], 3, "read-only write -> %ld", v[FB_RO_WRITE]);
	cr_expect_eq(v[FB_FORCED_PVM_OPEN], -ENOSYS, "forcing the blocked backend -> %ld",
		     v[FB_FORCED_PVM_OPEN]);
}

Test(fallback, process_vm_enosys_uses_proc_mem)
{
	vt_require_ptrace();
	struct filter_case fc = { .err = ENOSYS };
	check_fallback(&fc, VMA_BACKEND_PROC_MEM);
}

Test(fallback, process_vm_eperm_uses_proc_mem)
{
	vt_require_ptrace();
	struct filter_case fc = { .err = EPERM };
	check_fallback(&fc, VMA_BACKEND_PROC_MEM);
}

Test(fallback, process_vm_and_proc_mem_blocked_use_ptrace)
{
	vt_require_ptrace();
	struct filter_case fc = { .err = EPERM, .block_proc_mem = true };
	check_fallback(&fc, VMA_BACKEND_PTRACE);
	fc.err = ENOSYS;
	check_fallback(&fc, VMA_BACKEND_PTRACE);
}

/* A /proc/PID/mem fd opened before an exec reads the old, dead address
 * space (end of file); the backend reopens it instead of calling the live
 * process gone. */
Test(api, proc_mem_survives_exec)
{
	const char *prog = "/bin/sleep";
	if (access(prog, X_OK) < 0)
		cr_skip_test("%s is not available to exec", prog);
	/* Set before fork(), so the child has it at the same address. */
	volatile int local = 42;
	int go[2], gone[2];
	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(pipe2(gone, O_CLOEXEC), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char c;
		close(go[1]);
		close(gone[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(99);
		execl(prog, prog, "100", (char *)NULL);
		_exit(99);
	}
	close(go[0]);
	close(gone[1]);
	struct vma *vma;
	cr_assert_eq(vma_open(&vma, pid, VMA_BACKEND_PROC_MEM), 0);
	int back = 0;
	cr_expect_eq(vma_read(vma, (uintptr_t)&local, &back, sizeof(back)), (ssize_t)sizeof(back));
	cr_expect_eq(back, 42);
	cr_assert_eq(write(go[1], "x", 1), 1);
	char c;
	cr_assert_eq(read(gone[0], &c, 1), 0, "exec did not close the pipe");
	/* The new image's first mapping starts with its ELF header. */
	char path[32], line[256];
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	unsigned long start = 0;
	cr_assert(fgets(line, sizeof(line), f) && sscanf(line, "%lx", &start) == 1);
	fclose(f);
	char magic[4];
	cr_expect_eq(vma_read(vma, start, magic, 4), 4);
	cr_expect_eq(memcmp(magic, "\177ELF", 4), 0);
	vma_close(vma);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(go[1]);
	close(gone[0]);
}

static void *idle_thread(void *arg)
{
	int fd = *(int *)arg;
	pid_t tid = gettid();
	if (write(fd, &tid, sizeof(tid)) != (ssize_t)sizeof(tid))
		_exit(99);
	for (;;)
		pause();
	return NULL;
}

/* Runs in the child before it reports its layout. */
static void idle_thread_start(void *arg)
{
	pthread_t t;
	if (pthread_create(&t, NULL, idle_thread, arg) != 0)
		_exit(99);
}

/* The ptrace backend addresses one stopped thread, not the process: a
 * non-leader thread we stopped works, the leader we did not stop does not. */
Test(api, ptrace_backend_reads_through_a_stopped_thread)
{
	vt_require_ptrace();
	struct vt_child child;
	int fds[2];
	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(vt_spawn_with(&child, 0, idle_thread_start, &fds[1]), 0);
	pid_t tid;
	cr_assert_eq(read(fds[0], &tid, sizeof(tid)), (ssize_t)sizeof(tid));
	cr_assert_neq(tid, child.pid);
	cr_assert_eq(ptrace(PTRACE_SEIZE, tid, 0, 0), 0);
	cr_assert_eq(ptrace(PTRACE_INTERRUPT, tid, 0, 0), 0);
	int status;
	cr_assert_eq(waitpid(tid, &status, __WALL), tid);
	cr_assert(WIFSTOPPED(status));
	struct vma *vma;
	cr_assert_eq(vma_open(&vma, child.pid, VMA_BACKEND_PTRACE), 0);
	vma_set_stopped_tid(vma, tid);
	unsigned char buf[40];
	cr_expect_eq(vma_read(vma, child.lay.pattern + 3, buf, sizeof(buf)), 40);
	cr_expect(vt_is_pattern(buf, 3, sizeof(buf)));
	cr_expect_eq(vma_write(vma, child.lay.scratch + 1, "tid", 4), 4);
	char s[8];
	cr_expect_eq(vma_read_str(vma, child.lay.scratch + 1, s, sizeof(s)), 3);
	vma_set_stopped_tid(vma, child.pid);
	cr_expect_eq(vma_read(vma, child.lay.pattern, buf, 8), -ESRCH);
	vma_close(vma);
	/* We trace the thread, so we must reap it before the leader can be. */
	kill(child.pid, SIGKILL);
	waitpid(tid, &status, __WALL);
	vt_kill(&child);
	close(fds[0]);
	close(fds[1]);
}
