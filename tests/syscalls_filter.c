/* Unit tests of the seccomp filter builder: argument checks, the program's
 * verdicts for every number (run in a small classic-BPF interpreter), and
 * live runs under a ptrace tracer counting PTRACE_EVENT_SECCOMP stops and
 * their SECCOMP_RET_DATA tags, for x86_64 and an i386 guest. */
#include "syscalls/syscalls.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ACTION_MASK 0xffff0000u
#define DATA_MASK 0x0000ffffu

/* ---- a classic BPF interpreter for the instructions the builder uses ---- */

static uint32_t run_bpf(const struct sock_fprog *prog, const struct seccomp_data *d)
{
	const unsigned char *data = (const unsigned char *)d;
	uint32_t a = 0;
	size_t pc = 0;
	int steps = 0;

	while (pc < prog->len) {
		const struct sock_filter *f = &prog->filter[pc];

		cr_assert_lt(++steps, 5000, "filter does not terminate");
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			cr_assert_leq(f->k + 4, sizeof(*d), "load out of seccomp_data at %zu", pc);
			cr_assert_eq(f->k % 4, 0);
			memcpy(&a, data + f->k, 4);
			pc++;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= f->k;
			pc++;
			break;
		case BPF_JMP | BPF_JA:
			pc += 1 + f->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += 1 + (a == f->k ? f->jt : f->jf);
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += 1 + (a > f->k ? f->jt : f->jf);
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += 1 + (a >= f->k ? f->jt : f->jf);
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += 1 + ((a & f->k) ? f->jt : f->jf);
			break;
		case BPF_RET | BPF_K:
			return f->k;
		default:
			cr_assert_fail("unexpected opcode 0x%x at %zu", f->code, pc);
		}
	}
	cr_assert_fail("ran off the end of the program");
	return 0;
}

static uint32_t verdict(const struct sock_fprog *prog, uint32_t audit, uint32_t nr,
			const uint64_t args[6])
{
	struct seccomp_data d = { .nr = (int)nr, .arch = audit };

	if (args)
		memcpy(d.args, args, sizeof(d.args));
	return run_bpf(prog, &d);
}

#define TRACE(tag) (SECCOMP_RET_TRACE | (tag))

/* ---- builder arguments ---- */

Test(filter_build, empty_spec_builds_nothing)
{
	struct sc_filter_spec spec = { .rules = NULL, .nrules = 0 };
	struct sock_fprog *prog = (void *)1;

	cr_assert_eq(sc_filter_build(&spec, &prog), 0);
	cr_assert_null(prog);
	cr_assert_eq(sc_filter_load(NULL, SC_FILTER_TRACE), 0);
	sc_filter_free(NULL);
}

Test(filter_build, bad_arguments)
{
	struct sc_filter_rule bad_id = { .id = SC_ID_COUNT };
	struct sc_filter_rule bad_arg = { .id = SC_ID_close, .cmp = SC_CMP_EQ, .arg = 1 };
	struct sc_filter_rule bad_cmp = { .id = SC_ID_close, .cmp = (enum sc_cmp)42 };
	struct sc_filter_rule good = { .id = SC_ID_close };
	struct sc_filter_spec spec = { .rules = &bad_id, .nrules = 1 };
	struct sock_fprog *prog = NULL;

	cr_assert_eq(sc_filter_build(&spec, &prog), -EINVAL);
	cr_assert_null(prog);
	spec.rules = &bad_arg;
	cr_assert_eq(sc_filter_build(&spec, &prog), -EINVAL);
	spec.rules = &bad_cmp;
	cr_assert_eq(sc_filter_build(&spec, &prog), -EINVAL);
	spec.rules = &good;
	spec.action = (enum sc_filter_action)9;
	cr_assert_eq(sc_filter_build(&spec, &prog), -EINVAL);
	spec.action = SC_FILTER_TRACE;
	spec.rules = NULL;
	cr_assert_eq(sc_filter_build(&spec, &prog), -EINVAL);
	cr_assert_eq(sc_filter_build(NULL, &prog), -EINVAL);
	spec.rules = &good;
	cr_assert_eq(sc_filter_build(&spec, NULL), -EINVAL);
	cr_assert_eq(sc_filter_build(&spec, &prog), 0);
	cr_assert_not_null(prog);
	cr_assert_eq(sc_filter_load(prog, (enum sc_filter_action)9), -EINVAL);
	sc_filter_free(prog);
}

Test(filter_build, too_big_is_e2big)
{
	size_t n = 3000;
	struct sc_filter_rule *rules = calloc(n, sizeof(*rules));
	struct sc_filter_spec spec = { .rules = rules, .nrules = n };
	struct sock_fprog *prog = NULL;

	cr_assert_not_null(rules);
	for (size_t i = 0; i < n; i++)
		rules[i] = (struct sc_filter_rule){ .id = SC_ID_ioctl, .cmp = SC_CMP_EQ, .arg = 1, .value = i };
	cr_assert_eq(sc_filter_build(&spec, &prog), -E2BIG);
	cr_assert_null(prog);
	free(rules);
}

/* Every SC_CL_PATH id, the "typical module set" of the benchmark too. */
static size_t path_rules(struct sc_filter_rule *rules, size_t max)
{
	size_t n = 0;

	for (unsigned id = 1; id < SC_ID_COUNT && n < max; id++)
		if (sc_info((enum sc_id)id)->classes & SC_CL_PATH)
			rules[n++] = (struct sc_filter_rule){ .id = (enum sc_id)id };
	return n;
}

Test(filter_build, verdict_for_every_number)
{
	struct sc_filter_rule rules[SC_ID_COUNT];
	size_t n = path_rules(rules, SC_ID_COUNT);
	struct sc_filter_spec spec = { .rules = rules, .nrules = n };
	struct sock_fprog *prog = NULL;
	static const enum sc_arch arches[] = { SC_ARCH_X86_64, SC_ARCH_I386 };

	if (sc_arch_host() != SC_ARCH_X86_64)
		cr_skip_test("this check spells out the x86_64 host's filter (native + i386)");
	cr_assert_gt(n, 70);
	cr_assert_eq(sc_filter_build(&spec, &prog), 0);
	cr_assert_not_null(prog);
	cr_assert_leq(prog->len, 4096);
	for (size_t a = 0; a < 2; a++) {
		uint32_t audit = sc_arch_audit(arches[a]);
		long max = sc_nr_max(arches[a]);

		for (uint32_t nr = 0; nr <= (uint32_t)max + 50; nr++) {
			enum sc_id id = sc_id_from_nr(arches[a], nr);
			uint32_t want;

			if ((long)nr > max)
				want = TRACE(SC_TAG_BEYOND_TABLE);
			else if (id != SC_ID_UNKNOWN && (sc_info(id)->classes & SC_CL_PATH))
				want = TRACE(SC_TAG_WANTED);
			else
				want = SECCOMP_RET_ALLOW;
			cr_assert_eq(verdict(prog, audit, nr, NULL), want, "%s nr %u (%s)",
				     sc_arch_name(arches[a]), nr, sc_id_name(id) ? sc_id_name(id) : "-");
		}
		cr_assert_eq(verdict(prog, audit, 0xffffffffu, NULL), TRACE(SC_TAG_BEYOND_TABLE));
	}
	/* x32 calls, and the x32 bit on a 32-bit call is just a big number */
	cr_assert_eq(verdict(prog, AUDIT_ARCH_X86_64, 0x40000000u | 2, NULL), TRACE(SC_TAG_X32));
	cr_assert_eq(verdict(prog, AUDIT_ARCH_X86_64, 0x40000000u | 39, NULL), TRACE(SC_TAG_X32));
	cr_assert_eq(verdict(prog, AUDIT_ARCH_I386, 0x40000000u | 39, NULL), TRACE(SC_TAG_BEYOND_TABLE));
	/* arches we do not filter */
	cr_assert_eq(verdict(prog, AUDIT_ARCH_AARCH64, 39, NULL), TRACE(SC_TAG_UNKNOWN_ARCH));
	cr_assert_eq(verdict(prog, 0, 39, NULL), TRACE(SC_TAG_UNKNOWN_ARCH));
	sc_filter_free(prog);
}

Test(filter_build, argument_conditions)
{
	struct sc_filter_rule rules[] = {
		/* openat only with O_CREAT */
		{ .id = SC_ID_openat, .cmp = SC_CMP_MASKED_EQ, .arg = 2, .mask = O_CREAT, .value = O_CREAT },
		/* fchdir unless fd 0 */
		{ .id = SC_ID_fchdir, .cmp = SC_CMP_NE, .arg = 0, .value = 0 },
		/* unlinkat only relative to AT_FDCWD (an int: -100) */
		{ .id = SC_ID_unlinkat, .cmp = SC_CMP_EQ, .arg = 0, .value = (uint64_t)-100 },
		/* lseek to offset exactly 1<<32 (64-bit argument) or anything with whence 2 */
		{ .id = SC_ID_lseek, .cmp = SC_CMP_EQ, .arg = 1, .value = 1ull << 32 },
		{ .id = SC_ID_lseek, .cmp = SC_CMP_EQ, .arg = 2, .value = 2 },
		/* pread64 at offsets with bit 33 clear (joined i386 pair) */
		{ .id = SC_ID_pread64, .cmp = SC_CMP_MASKED_NE, .arg = 3, .mask = 1ull << 33, .value = 1ull << 33 },
		/* chown16 to uid 0xffff only (16-bit kind) */
		{ .id = SC_ID_chown16, .cmp = SC_CMP_EQ, .arg = 1, .value = 0xffff },
	};
	struct sc_filter_spec spec = { .rules = rules, .nrules = sizeof(rules) / sizeof(rules[0]) };
	struct sock_fprog *prog = NULL;
	const uint32_t X64 = AUDIT_ARCH_X86_64, X86 = AUDIT_ARCH_I386;
	const uint32_t W = TRACE(SC_TAG_WANTED), OK = SECCOMP_RET_ALLOW;

	if (sc_arch_host() != SC_ARCH_X86_64)
		cr_skip_test("this check uses x86_64 and i386 numbers");
	cr_assert_eq(sc_filter_build(&spec, &prog), 0);

	uint64_t a1[6] = { (uint64_t)-100, 0x1000, O_RDONLY };
	uint64_t a2[6] = { (uint64_t)-100, 0x1000, O_WRONLY | O_CREAT | O_TRUNC };
	cr_assert_eq(verdict(prog, X64, 257, a1), OK);
	cr_assert_eq(verdict(prog, X64, 257, a2), W);
	cr_assert_eq(verdict(prog, X86, 295, a1), OK);
	cr_assert_eq(verdict(prog, X86, 295, a2), W);

	uint64_t f0[6] = { 0 }, f3[6] = { 3 }, fgarbage[6] = { 0xffffffff00000000ull };
	cr_assert_eq(verdict(prog, X64, 81, f0), OK);
	cr_assert_eq(verdict(prog, X64, 81, f3), W);
	/* the kernel reads an int: garbage above it does not make fd 0 "different" */
	cr_assert_eq(verdict(prog, X64, 81, fgarbage), OK);

	uint64_t u64[6] = { 0xffffff9c }, u64full[6] = { (uint64_t)-100 }, u5[6] = { 5 };
	cr_assert_eq(verdict(prog, X64, 263, u64), W);
	cr_assert_eq(verdict(prog, X64, 263, u64full), W);
	cr_assert_eq(verdict(prog, X64, 263, u5), OK);
	cr_assert_eq(verdict(prog, X86, 301, u64), W);

	uint64_t l1[6] = { 3, 1ull << 32, 0 }, l2[6] = { 3, 1, 0 }, l3[6] = { 3, 1, 2 };
	cr_assert_eq(verdict(prog, X64, 8, l1), W);
	cr_assert_eq(verdict(prog, X64, 8, l2), OK);
	cr_assert_eq(verdict(prog, X64, 8, l3), W);
	/* i386 lseek's offset is 32 bits: 1<<32 can never match, whence still can */
	cr_assert_eq(verdict(prog, X86, 19, l2), OK);
	cr_assert_eq(verdict(prog, X86, 19, l3), W);

	/* i386 pread64(fd, buf, count, lo, hi): bit 33 is bit 1 of the high register */
	uint64_t p_set[6] = { 3, 0x1000, 10, 0, 2 }, p_clear[6] = { 3, 0x1000, 10, 0xffffffff, 1 };
	cr_assert_eq(verdict(prog, X86, 180, p_set), OK);
	cr_assert_eq(verdict(prog, X86, 180, p_clear), W);
	uint64_t p64_set[6] = { 3, 0x1000, 10, 1ull << 33 }, p64_clear[6] = { 3, 0x1000, 10, 1ull << 32 };
	cr_assert_eq(verdict(prog, X64, 17, p64_set), OK);
	cr_assert_eq(verdict(prog, X64, 17, p64_clear), W);

	uint64_t c16[6] = { 0x1000, 0x3ffff, 0 }, c16b[6] = { 0x1000, 0x0fffe, 0 };
	cr_assert_eq(verdict(prog, X86, 182, c16), W);
	cr_assert_eq(verdict(prog, X86, 182, c16b), OK);
	cr_assert_eq(verdict(prog, X86, 212, c16), OK);	/* chown32 is another id */
	sc_filter_free(prog);
}

Test(filter_build, i386_multiplexers_trap_exactly_the_wanted_calls)
{
	struct sc_filter_rule rules[] = {
		{ .id = SC_ID_connect, .cmp = SC_CMP_EQ, .arg = 0, .value = 3 },
		{ .id = SC_ID_send },
		{ .id = SC_ID_msgrcv },
	};
	struct sc_filter_spec spec = { .rules = rules, .nrules = 3 };
	struct sock_fprog *prog = NULL;
	const uint32_t X86 = AUDIT_ARCH_I386, W = TRACE(SC_TAG_WANTED), OK = SECCOMP_RET_ALLOW;

	if (sc_arch_host() != SC_ARCH_X86_64)
		cr_skip_test("i386 is filtered on x86_64 hosts only");
	cr_assert_eq(sc_filter_build(&spec, &prog), 0);
	uint64_t sc_connect[6] = { 3, 0x8000 }, sc_send[6] = { 9, 0x8000 }, sc_socket[6] = { 1, 0x8000 };
	cr_assert_eq(verdict(prog, X86, 102, sc_connect), W);	/* whatever the fd: it is in memory */
	cr_assert_eq(verdict(prog, X86, 102, sc_send), W);
	cr_assert_eq(verdict(prog, X86, 102, sc_socket), OK);
	uint64_t d_connect3[6] = { 3 }, d_connect4[6] = { 4 };
	cr_assert_eq(verdict(prog, X86, 362, d_connect3), W);	/* direct connect keeps its condition */
	cr_assert_eq(verdict(prog, X86, 362, d_connect4), OK);
	uint64_t ipc_msgrcv[6] = { 12 }, ipc_msgrcv_v1[6] = { (1u << 16) | 12 }, ipc_msgsnd[6] = { 11 };
	cr_assert_eq(verdict(prog, X86, 117, ipc_msgrcv), W);
	cr_assert_eq(verdict(prog, X86, 117, ipc_msgrcv_v1), W);
	cr_assert_eq(verdict(prog, X86, 117, ipc_msgsnd), OK);
	cr_assert_eq(verdict(prog, X86, 401, NULL), W);	/* direct msgrcv */
	cr_assert_eq(verdict(prog, X86, 402, NULL), OK);	/* msgctl */
	/* x86_64 has no socketcall: 102 is getuid there */
	cr_assert_eq(verdict(prog, AUDIT_ARCH_X86_64, 102, sc_connect), OK);
	sc_filter_free(prog);
}

Test(filter_build, user_notif_action)
{
	struct sc_filter_rule rule = { .id = SC_ID_getcwd };
	struct sc_filter_spec spec = { .rules = &rule, .nrules = 1, .action = SC_FILTER_USER_NOTIF };
	struct sock_fprog *prog = NULL;

	cr_assert_eq(sc_filter_build(&spec, &prog), 0);
	long nr = sc_nr_from_id(sc_arch_host(), SC_ID_getcwd);
	uint32_t v = verdict(prog, sc_arch_audit(sc_arch_host()), (uint32_t)nr, NULL);
	cr_assert_eq(v & ACTION_MASK, SECCOMP_RET_USER_NOTIF);
	cr_assert_eq(verdict(prog, 0, 1, NULL) & ACTION_MASK, SECCOMP_RET_USER_NOTIF);
	sc_filter_free(prog);
}

/* ---- live: a traced child loads the filter ---- */

struct stop {
	uint32_t arch;
	uint64_t nr;
	unsigned long tag;
};

/* Runs CHILD_FN in a traced child (stopped, then continued with
 * PTRACE_O_TRACESECCOMP); records every seccomp stop. Returns the child's
 * exit status, or -1. */
static int run_traced(void (*child_fn)(void *), void *arg, struct stop *stops, int max, int *nstops)
{
	pid_t pid = fork();
	int status;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0)
			_exit(90);
		raise(SIGSTOP);
		child_fn(arg);
		_exit(91);
	}
	*nstops = 0;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
	cr_assert_eq(ptrace(PTRACE_SETOPTIONS, pid, NULL,
			    (void *)(long)(PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC)), 0);
	cr_assert_eq(ptrace(PTRACE_CONT, pid, NULL, NULL), 0);
	for (;;) {
		int sig = 0;

		cr_assert_eq(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			cr_assert_fail("child killed by signal %d", WTERMSIG(status));
		cr_assert(WIFSTOPPED(status));
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			struct __ptrace_syscall_info info;
			unsigned long msg = 0;

			cr_assert_eq(ptrace(PTRACE_GETEVENTMSG, pid, NULL, &msg), 0);
			long got = ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info);
			cr_assert_gt(got, 0);
			cr_assert_eq(info.op, PTRACE_SYSCALL_INFO_SECCOMP);
			cr_assert_lt(*nstops, max, "too many seccomp stops");
			stops[*nstops] = (struct stop){ info.arch, info.seccomp.nr, msg };
			(*nstops)++;
		} else if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
			/* exec event: nothing to deliver */
		} else {
			sig = WSTOPSIG(status);
		}
		cr_assert_eq(ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig), 0);
	}
}

static void load_or_exit(const struct sc_filter_rule *rules, size_t n)
{
	struct sc_filter_spec spec = { .rules = rules, .nrules = n };
	struct sock_fprog *prog = NULL;

	if (sc_filter_build(&spec, &prog) != 0)
		_exit(80);
	if (sc_filter_load(prog, SC_FILTER_TRACE) != 0)
		_exit(81);
	sc_filter_free(prog);
}

static const struct sc_filter_rule live_rules[] = {
	{ .id = SC_ID_getcwd },
	{ .id = SC_ID_openat, .cmp = SC_CMP_MASKED_EQ, .arg = 2, .mask = O_CREAT, .value = O_CREAT },
	{ .id = SC_ID_socket },
};

static void native_child(void *arg)
{
	const char *path = arg;
	char buf[256];
	int fd;

	load_or_exit(live_rules, sizeof(live_rules) / sizeof(live_rules[0]));
	syscall(SYS_getppid);				/* not wanted */
	if (syscall(SYS_getcwd, buf, sizeof(buf)) < 0)	/* stop 1 */
		_exit(2);
	fd = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);	/* no O_CREAT */
	if (fd < 0)
		_exit(3);
	close(fd);
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT, 0600);	/* stop 2 */
	if (fd < 0)
		_exit(4);
	close(fd);
	syscall(0x40000000L | 39);			/* stop 3: x32 getpid */
	syscall(1000L);					/* stop 4: beyond the table */
	_exit(0);
}

Test(filter_live, native_stops_are_counted_and_tagged)
{
	char path[] = "/tmp/sc-filter-XXXXXX";
	struct stop stops[16];
	int n, fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	unlink(path);
	int code = run_traced(native_child, path, stops, 16, &n);
	unlink(path);
	cr_assert_eq(code, 0, "child exit %d", code);
	cr_assert_eq(n, 4, "seccomp stops: %d", n);
	cr_assert_eq(stops[0].nr, (uint64_t)SYS_getcwd);
	cr_assert_eq(stops[0].tag, SC_TAG_WANTED);
	cr_assert_eq(stops[0].arch, sc_arch_audit(sc_arch_host()));
	cr_assert_eq(stops[1].nr, (uint64_t)SYS_openat);
	cr_assert_eq(stops[1].tag, SC_TAG_WANTED);
	cr_assert_eq(stops[2].nr, 0x40000000u | 39);
	cr_assert_eq(stops[2].tag, SC_TAG_X32);
	cr_assert_eq(stops[3].nr, 1000);
	cr_assert_eq(stops[3].tag, SC_TAG_BEYOND_TABLE);
}

static void empty_child(void *arg)
{
	struct sc_filter_spec spec = { 0 };
	struct sock_fprog *prog = (void *)1;
	char line[128];
	FILE *f;
	int seccomp_mode = -1;

	(void)arg;
	if (sc_filter_build(&spec, &prog) != 0 || prog != NULL)
		_exit(80);
	if (sc_filter_load(prog, SC_FILTER_TRACE) != 0)
		_exit(81);
	f = fopen("/proc/self/status", "r");
	if (!f)
		_exit(82);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp: %d", &seccomp_mode) == 1)
			break;
	fclose(f);
	syscall(SYS_getcwd, line, sizeof(line));
	_exit(seccomp_mode == 0 ? 0 : 10 + seccomp_mode);
}

Test(filter_live, empty_set_loads_nothing)
{
	struct stop stops[4];
	int n;
	int code = run_traced(empty_child, NULL, stops, 4, &n);

	cr_assert_eq(code, 0, "child exit %d (10 + Seccomp: mode)", code);
	cr_assert_eq(n, 0);
}

static void exec_i386_child(void *arg)
{
	char **argv = arg;

	load_or_exit(live_rules, sizeof(live_rules) / sizeof(live_rules[0]));
	execv(argv[0], argv);
	_exit(70);
}

Test(filter_live, i386_guest_stops_too)
{
	const char *have = getenv("HAVE_M32"), *top = getenv("top_builddir");
	char guest[4096], path[] = "/tmp/sc-filter32-XXXXXX";
	struct stop stops[16];
	int n, fd;

	if (sc_arch_host() != SC_ARCH_X86_64)
		cr_skip_test("i386 guests run on x86_64 hosts only");
	if (!have || strcmp(have, "yes") != 0)
		cr_skip_test("no gcc -m32 toolchain (configure found none): i386 guest not built");
	cr_assert_not_null(top, "top_builddir not set: run through make check");
	snprintf(guest, sizeof(guest), "%s/tests/syscalls_i386_guest", top);
	cr_assert_eq(access(guest, X_OK), 0, "%s not built", guest);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	unlink(path);
	char *argv[] = { guest, path, NULL };
	int code = run_traced(exec_i386_child, argv, stops, 16, &n);
	unlink(path);
	cr_assert_eq(code, 0, "i386 guest exit %d", code);
	/* getcwd, openat(O_CREAT), socketcall(SYS_SOCKET), socket, 1000 */
	static const uint64_t nrs[] = { 183, 295, 102, 359, 1000 };
	static const unsigned long tags[] = { SC_TAG_WANTED, SC_TAG_WANTED, SC_TAG_WANTED,
					      SC_TAG_WANTED, SC_TAG_BEYOND_TABLE };
	cr_assert_eq(n, 5, "seccomp stops: %d", n);
	for (int i = 0; i < 5; i++) {
		cr_assert_eq(stops[i].arch, AUDIT_ARCH_I386, "stop %d", i);
		cr_assert_eq(stops[i].nr, nrs[i], "stop %d: nr %llu", i, (unsigned long long)stops[i].nr);
		cr_assert_eq(stops[i].tag, tags[i], "stop %d: tag 0x%lx", i, stops[i].tag);
	}
}

/* A guest's own filter stacked on ours: seccomp runs every filter and keeps
 * the highest-precedence action (ERRNO beats TRACE), and between two TRACE
 * results the newest filter's data wins. So a guest filter can hide a call
 * from us or relabel the stop; the tag tells the monitor which it got. */
static void guest_filter_child(void *arg)
{
	long nr_getcwd = sc_nr_from_id(sc_arch_host(), SC_ID_getcwd);
	long nr_getppid = sc_nr_from_id(sc_arch_host(), SC_ID_getppid);
	struct sock_filter guest[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr_getcwd, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 0x1234),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog guest_prog = { .len = sizeof(guest) / sizeof(guest[0]), .filter = guest };
	static const struct sc_filter_rule ours[] = { { .id = SC_ID_getcwd }, { .id = SC_ID_getppid } };
	char buf[64];

	(void)arg;
	load_or_exit(ours, 2);
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &guest_prog) != 0)
		_exit(83);
	if (syscall(SYS_getcwd, buf, sizeof(buf)) != -1 || errno != EPERM)
		_exit(2);
	syscall(SYS_getppid);
	_exit(0);
}

Test(filter_live, guest_filter_takes_precedence)
{
	struct stop stops[4];
	int n;
	int code = run_traced(guest_filter_child, NULL, stops, 4, &n);

	cr_assert_eq(code, 0, "child exit %d", code);
	cr_assert_eq(n, 1, "seccomp stops: %d (getcwd must not stop: the guest's ERRNO wins)", n);
	cr_assert_eq(stops[0].nr, (uint64_t)sc_nr_from_id(sc_arch_host(), SC_ID_getppid));
	cr_assert_eq(stops[0].tag, 0x1234, "tag 0x%lx", stops[0].tag);
}

/* Every id wanted, some with conditions: subtrees longer than a conditional
 * jump reaches (255), so the long-jump forms are exercised. */
Test(filter_build, every_id_wanted_uses_long_jumps)
{
	struct sc_filter_rule rules[2 * SC_ID_COUNT];
	struct sc_filter_spec spec = { .rules = rules };
	struct sock_fprog *prog = NULL;
	static const enum sc_arch arches[] = { SC_ARCH_X86_64, SC_ARCH_I386 };
	bool long_jump = false;

	if (sc_arch_host() != SC_ARCH_X86_64)
		cr_skip_test("this check spells out the x86_64 host's filter (native + i386)");
	for (unsigned id = 1; id < SC_ID_COUNT; id++) {
		const struct sc_info *info = sc_info((enum sc_id)id);

		if (info->nargs > 0 && id % 2) {	/* wanted only when arg 0 == 7 */
			rules[spec.nrules++] = (struct sc_filter_rule){
				.id = (enum sc_id)id, .cmp = SC_CMP_EQ, .arg = 0, .value = 7 };
		} else {
			rules[spec.nrules++] = (struct sc_filter_rule){ .id = (enum sc_id)id };
		}
	}
	cr_assert_eq(sc_filter_build(&spec, &prog), 0);
	for (size_t i = 0; i < prog->len; i++)
		if (prog->filter[i].code == (BPF_JMP | BPF_JA) && prog->filter[i].k > 255)
			long_jump = true;
	cr_assert(long_jump, "no long jump in a %u-instruction program", prog->len);
	for (size_t a = 0; a < 2; a++) {
		for (uint32_t nr = 0; nr <= (uint32_t)sc_nr_max(arches[a]); nr++) {
			enum sc_id id = sc_id_from_nr(arches[a], nr);
			uint64_t seven[6] = { 7 }, eight[6] = { 8 };
			uint32_t audit = sc_arch_audit(arches[a]);
			bool conditional;

			if (id == SC_ID_UNKNOWN) {
				cr_assert_eq(verdict(prog, audit, nr, seven), SECCOMP_RET_ALLOW, "hole %u", nr);
				continue;
			}
			conditional = sc_info(id)->nargs > 0 && id % 2;
			cr_assert_eq(verdict(prog, audit, nr, seven), TRACE(SC_TAG_WANTED),
				     "%s %s", sc_arch_name(arches[a]), sc_id_name(id));
			/* socketcall/ipc also carry the demux conditions: skip them */
			if (conditional && id != SC_ID_socketcall && id != SC_ID_ipc)
				cr_assert_eq(verdict(prog, audit, nr, eight), SECCOMP_RET_ALLOW,
					     "%s %s", sc_arch_name(arches[a]), sc_id_name(id));
		}
	}
	sc_filter_free(prog);
}

Test(filter_live, user_notif_load_returns_a_listener)
{
	pid_t pid = fork();
	int status;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct sc_filter_rule rule = { .id = SC_ID_mknodat };
		struct sc_filter_spec spec = { .rules = &rule, .nrules = 1, .action = SC_FILTER_USER_NOTIF };
		struct sock_fprog *prog = NULL;
		int fd;

		if (sc_filter_build(&spec, &prog) != 0)
			_exit(80);
		fd = sc_filter_load(prog, SC_FILTER_USER_NOTIF);
		sc_filter_free(prog);
		if (fd < 0)
			_exit(fd == -EINVAL || fd == -EBUSY ? 77 : 81);
		_exit(fcntl(fd, F_GETFD) >= 0 ? 0 : 82);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		cr_skip_test("this kernel refuses SECCOMP_FILTER_FLAG_NEW_LISTENER");
	cr_assert_eq(WEXITSTATUS(status), 0, "child exit %d", WEXITSTATUS(status));
}
