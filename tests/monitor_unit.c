/* Unit tests of monitor internals: options, the thread table, request
 * accounting, the module loader and the SDK's interest rules. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "monitor/dispatch.h"
#include "vmaccess/vmaccess.h"

static int parse(struct mon_options *o, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	optind = 0;	/* glibc: full reinitialisation between parses */
	return mon_options_parse(argc, argv, o);
}

Test(options, modules_and_shortcuts_in_order)
{
	char *argv[] = { "umvisor", "-m", "count:only=read,write", "-b", "/a:/b", "-r", "/r",
			 "-b", "/c", "-0", "-o", "t.out", "-t", "--stats", "--", "prog", "-x", NULL };
	struct mon_options o;

	cr_assert_eq(parse(&o, argv), 0);
	cr_assert_eq(o.nmodules, 4);
	cr_assert_str_eq(o.modules[0].name, "count");
	cr_assert_str_eq(o.modules[0].options, "only=read,write");
	cr_assert_str_eq(o.modules[1].name, "bind");
	cr_assert_str_eq(o.modules[1].options, "bind=/a:/b,root=/r,bind=/c");
	cr_assert_str_eq(o.modules[2].name, "fakeroot");
	cr_assert_null(o.modules[2].options);
	cr_assert_str_eq(o.modules[3].name, "trace");
	cr_assert_str_eq(o.modules[3].options, "out=t.out");
	cr_assert(o.stats);
	cr_assert_str_eq(o.argv[0], "prog");
	cr_assert_str_eq(o.argv[1], "-x");
	cr_assert_null(o.argv[2]);
	mon_options_free(&o);
}

Test(options, program_options_are_not_ours)
{
	char *argv[] = { "umvisor", "-v", "ls", "-m", "x", NULL };
	struct mon_options o;

	cr_assert_eq(parse(&o, argv), 0);
	cr_assert_eq(o.nmodules, 0);
	cr_assert_eq(o.verbosity, 1);
	cr_assert_str_eq(o.argv[0], "ls");
	cr_assert_str_eq(o.argv[1], "-m");
	mon_options_free(&o);
}

Test(options, usage_errors)
{
	char *none[] = { "umvisor", "--stats", NULL };
	char *engine[] = { "umvisor", "--engine=kvm", "true", NULL };
	char *empty[] = { "umvisor", "-m", ":x", "true", NULL };
	char *missing[] = { "umvisor", "-m", NULL };
	struct mon_options o;

	mon_log_set_level(-1);	/* the errors are expected */
	cr_assert_eq(parse(&o, none), -EINVAL);
	mon_options_free(&o);
	cr_assert_eq(parse(&o, engine), -EINVAL);
	mon_options_free(&o);
	cr_assert_eq(parse(&o, empty), -EINVAL);
	mon_options_free(&o);
	cr_assert_eq(parse(&o, missing), -EINVAL);
	mon_options_free(&o);
}

Test(tracee, many_threads_in_a_few_processes)
{
	struct mon_process *procs[10];

	cr_assert_eq(mon_tracee_init(false), 0);
	for (int p = 0; p < 10; p++) {
		procs[p] = mon_process_new(1000 + p);
		cr_assert_not_null(procs[p]);
	}
	for (int tid = 1000; tid < 6000; tid++)
		cr_assert_not_null(mon_thread_add(tid, procs[tid % 10], MON_T_RUNNING));
	cr_assert_eq(mon_thread_count(), 5000);
	cr_assert_eq(procs[3]->nthreads, 500);
	for (int tid = 1000; tid < 6000; tid++) {
		struct mon_thread *t = mon_thread_find(tid);
		cr_assert_not_null(t);
		cr_assert_eq(t->tid, tid);
		cr_assert_eq(t->proc, procs[tid % 10]);
	}
	cr_assert_null(mon_thread_find(999));
	cr_assert_null(mon_thread_find(6000));
	for (int tid = 1001; tid < 6000; tid += 2)
		mon_thread_remove(mon_thread_find(tid));
	cr_assert_eq(mon_thread_count(), 2500);
	cr_assert_null(mon_thread_find(1001));
	cr_assert_not_null(mon_thread_find(1002));
	cr_assert_eq(procs[2]->nthreads, 500);
	/* An orphan (first stop before its parent's event) gets its process
	 * later. */
	struct mon_thread *o = mon_thread_add(7000, NULL, MON_T_ORPHAN_STOPPED);
	cr_assert_not_null(o);
	mon_thread_set_process(o, procs[2]);
	cr_assert_eq(procs[2]->nthreads, 501);
	mon_tracee_fini();
	cr_assert_eq(mon_thread_count(), 0);
}

Test(tracee, tgid_of_a_thread)
{
	cr_assert_eq(mon_read_tgid(getpid()), getpid());
	cr_assert_eq(mon_read_tgid((pid_t)syscall(SYS_gettid)), getpid());
	cr_assert_lt(mon_read_tgid(-5), 0);
}

static uint64_t over_budget(const char *kind)
{
	char *buf = NULL, *line;
	size_t len = 0;
	unsigned long long n = 999;
	char needle[64];
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	mon_stats_print(f);
	fclose(f);
	snprintf(needle, sizeof(needle), "umvisor: stats: %s stops", kind);
	line = strstr(buf, needle);
	cr_assert_not_null(line);
	line = strstr(line, "over budget ");
	cr_assert_not_null(line);
	sscanf(line, "over budget %llu", &n);
	free(buf);
	return n;
}

Test(stats, budget_per_trapped_call)
{
	struct mon_req_snapshot before;

	mon_stats_reset_requests();
	/* Failed requests count too: they cost a syscall each. */
	mon_req_snapshot(&before);
	cr_assert_lt(mon_ptrace(MON_REQ_FETCH, PTRACE_PEEKUSER, -1, NULL, NULL), 0);
	cr_assert_lt(mon_ptrace(MON_REQ_WRITE, PTRACE_POKEUSER, -1, NULL, NULL), 0);
	cr_assert_lt(mon_ptrace(MON_REQ_RESUME, PTRACE_CONT, -1, NULL, NULL), 0);
	mon_stats_stop(&before, true, "getppid");
	cr_assert_eq(over_budget("entry"), 0);
	mon_req_snapshot(&before);
	mon_ptrace(MON_REQ_FETCH, PTRACE_PEEKUSER, -1, NULL, NULL);
	mon_ptrace(MON_REQ_FETCH, PTRACE_PEEKUSER, -1, NULL, NULL);
	mon_ptrace(MON_REQ_RESUME, PTRACE_CONT, -1, NULL, NULL);
	mon_stats_stop(&before, true, "getppid");
	cr_assert_eq(over_budget("entry"), 1);
	mon_req_snapshot(&before);
	for (int i = 0; i < 3; i++)
		mon_ptrace(MON_REQ_WRITE, PTRACE_POKEUSER, -1, NULL, NULL);
	mon_ptrace(MON_REQ_RESUME, PTRACE_CONT, -1, NULL, NULL);
	mon_stats_stop(&before, false, NULL);
	cr_assert_eq(over_budget("exit"), 1);
	cr_assert_eq(mon_stats_requests(MON_REQ_WRITE), 4);
	mon_stats_free();
}

Test(regs, vsyscall_page_bounds)
{
	cr_assert(mon_regs_in_vsyscall(0xffffffffff600000ULL));
	cr_assert(mon_regs_in_vsyscall(0xffffffffff600400ULL));
	cr_assert_not(mon_regs_in_vsyscall(0xffffffffff601000ULL));
	cr_assert_not(mon_regs_in_vsyscall(0xffffffffff5fffffULL));
	cr_assert_not(mon_regs_in_vsyscall(0x401000));
}

Test(loader, count_module_interests_and_filter)
{
	struct mon_module_spec spec = { .name = "count", .options = "only=getppid,path:out=/dev/null" };
	struct sock_fprog *prog = NULL;

	if (!getenv("UMVISOR_MODULE_PATH"))
		cr_skip_test("UMVISOR_MODULE_PATH unset (run through make check)");
	cr_assert_eq(mon_modules_load(&spec, 1), 0);
	cr_assert_eq(mon_modules_count(), 1);
	cr_assert(mon_interest_wants(AUDIT_ARCH_X86_64, __NR_getppid));
	cr_assert(mon_interest_wants(AUDIT_ARCH_X86_64, __NR_openat));	/* class path */
	cr_assert(mon_interest_wants(AUDIT_ARCH_I386, 5));	/* i386 open */
	cr_assert_not(mon_interest_wants(AUDIT_ARCH_X86_64, __NR_getpid));
	/* The monitor's own interests ride along whenever a module is loaded. */
	cr_assert(mon_interest_wants(AUDIT_ARCH_X86_64, __NR_clone3));
	cr_assert(mon_interest_wants(AUDIT_ARCH_X86_64, __NR_ptrace));
	cr_assert_not(mon_interest_wants(AUDIT_ARCH_X86_64, 0x40000000 | __NR_getppid));
	cr_assert_not(mon_interest_wants(0x12345678, __NR_getppid));
	/* Interests are fixed once init returned. */
	cr_assert_eq(umv_want_all(mon_module_at(0)), -EBUSY);
	cr_assert_eq(umv_want_syscall(mon_module_at(0), "read"), -EBUSY);
	cr_assert_eq(mon_filter_build(&prog), 0);
	cr_assert_not_null(prog);
	cr_assert_gt(prog->len, 4);
	mon_filter_free(prog);
	mon_modules_fini();
	cr_assert_eq(mon_modules_count(), 0);
}

Test(loader, errors_are_refused)
{
	struct mon_module_spec missing = { .name = "no-such-module-here" };
	struct mon_module_spec badopt = { .name = "count", .options = "frobnicate" };
	struct mon_module_spec dotted = { .name = "../count" };

	if (!getenv("UMVISOR_MODULE_PATH"))
		cr_skip_test("UMVISOR_MODULE_PATH unset (run through make check)");
	mon_log_set_level(-1);
	cr_assert_eq(mon_modules_load(&missing, 1), -ENOENT);
	cr_assert_eq(mon_modules_load(&badopt, 1), -EINVAL);
	cr_assert_eq(mon_modules_count(), 0);
	cr_assert_lt(mon_modules_load(&dotted, 1), 0);
}

Test(sdk, ids_by_name)
{
	int id = umv_sysid("openat");

	cr_assert_gt(id, 0);
	cr_assert_str_eq(umv_sysid_name(id), "openat");
	cr_assert_gt(umv_sysid("stat64"), 0);	/* an i386-only spelling */
	cr_assert_eq(umv_sysid("no_such_call"), -ENOENT);
	cr_assert_eq(umv_sysid(NULL), -ENOENT);
	cr_assert_null(umv_sysid_name(0));
	cr_assert_null(umv_sysid_name(1 << 20));
}

static void fake_call(struct umv_call *call, struct mon_thread *t, struct mon_process *p,
		      uint64_t nr)
{
	const uint64_t raw[6] = { 1, 2, 3, 4, 5, 6 };

	memset(p, 0, sizeof(*p));
	p->tgid = getpid();
	memset(t, 0, sizeof(*t));
	t->tid = getpid();
	t->proc = p;
	memset(call, 0, sizeof(*call));
	call->thread = t;
	cr_assert_eq(sc_decode(AUDIT_ARCH_X86_64, nr, raw, NULL, &call->sc), 0);
	memcpy(call->regs, raw, sizeof(raw));
	call->direct_args = true;
}

Test(dispatch, first_emulate_wins_post_collects)
{
	struct mon_module_spec count_first[] = {
		{ .name = "count", .options = "errors:out=/dev/null" },
		{ .name = "emulate-getppid", .options = "value=99" },
	};
	struct mon_module_spec emulate_first[] = {
		{ .name = "emulate-getppid", .options = "value=99" },
		{ .name = "count", .options = "errors:out=/dev/null" },
	};
	struct mon_thread t;
	struct mon_process p;
	struct umv_call call;
	uint64_t post = 0;

	if (!getenv("UMVISOR_MODULE_PATH"))
		cr_skip_test("UMVISOR_MODULE_PATH unset (run through make check)");
	cr_assert_eq(mon_modules_load(count_first, 2), 0);
	fake_call(&call, &t, &p, __NR_getppid);
	cr_assert_eq(mon_dispatch_enter(&call, &post), UMV_EMULATE);
	cr_assert_eq(post, 1u);	/* count (module 0) asked for leave */
	cr_assert(call.has_result);
	cr_assert_eq(call.result, 99);
	/* Outside enter() a module cannot change the call any more. */
	cr_assert_eq(umv_call_set_result(&call, 1), -EPERM);
	cr_assert_eq(umv_call_set_arg(&call, 0, 1), -EPERM);
	/* A call only count wants passes, with its exit stop asked. */
	fake_call(&call, &t, &p, __NR_getpid);
	cr_assert_eq(mon_dispatch_enter(&call, &post), UMV_PASS);
	cr_assert_eq(post, 1u);
	mon_modules_fini();

	cr_assert_eq(mon_modules_load(emulate_first, 2), 0);
	fake_call(&call, &t, &p, __NR_getppid);
	cr_assert_eq(mon_dispatch_enter(&call, &post), UMV_EMULATE);
	cr_assert_eq(post, 0u);	/* count was never asked */
	mon_modules_fini();
}

Test(dispatch, call_accessors)
{
	struct mon_thread t;
	struct mon_process p;
	struct umv_call call;

	fake_call(&call, &t, &p, __NR_read);
	cr_assert_str_eq(umv_call_name(&call), "read");
	cr_assert_eq(umv_call_arch(&call), UMV_ARCH_X86_64);
	cr_assert_eq(umv_call_sysid(&call), umv_sysid("read"));
	cr_assert_eq(umv_call_arg(&call, 2), 3);
	cr_assert_eq(umv_call_arg(&call, 6), 0);
	cr_assert_eq(umv_call_pid(&call), getpid());
	cr_assert_neq(umv_call_classes(&call) & UMV_CLASS_FD, 0);
	call.phase = MON_PHASE_ENTER;
	cr_assert_eq(umv_call_set_arg(&call, 6, 0), -EINVAL);
	cr_assert_eq(umv_call_set_arg(&call, 2, 33), 0);
	cr_assert_eq(call.changed, 1u << 2);
	cr_assert_eq(umv_call_arg(&call, 2), 33);
	cr_assert_eq(umv_call_set_arg(&call, 2, 3), 0);	/* back to the original */
	cr_assert_eq(call.changed, 0);
	/* Arguments that are not one register each cannot be set. */
	call.direct_args = false;
	cr_assert_eq(umv_call_set_arg(&call, 0, 1), -EINVAL);
	/* Our own memory through the SDK (the "guest" is this process). */
	{
		static const char text[] = "hello";
		char buf[16];
		cr_assert_eq(umv_vm_read_str(&call, (uintptr_t)text, buf, sizeof(buf)), 5);
		cr_assert_str_eq(buf, "hello");
		cr_assert_eq(umv_vm_read_str(&call, (uintptr_t)text, buf, 3), -ENAMETOOLONG);
		cr_assert_eq(umv_vm_read(&call, 0, buf, 4), -EFAULT);
	}
	if (p.vma)
		vma_close(p.vma);
}

Test(probe, features_by_use)
{
	const struct mon_features *f = mon_probe();

	/* Cached: the same answer without a second child. */
	cr_assert_eq(mon_probe(), f);
	if (!f->seccomp_trace)
		cr_skip_test("this kernel cannot stop a tracee at a seccomp TRACE rule");
	/* Linux 5.3+ (every kernel with the seccomp op) has GET_SYSCALL_INFO. */
	cr_assert(f->get_syscall_info);
	cr_assert(!f->set_syscall_info || f->get_syscall_info);
}

Test(probe, overrides_force_fallbacks)
{
	const struct mon_features *f;

	setenv("UMVISOR_FORCE_NO_SECCOMP", "1", 1);
	setenv("UMVISOR_FORCE_NO_GET_SYSCALL_INFO", "1", 1);
	setenv("UMVISOR_FORCE_NO_PROCESS_VM", "1", 1);
	f = mon_probe();
	cr_assert_not(f->seccomp_trace);
	cr_assert_not(f->get_syscall_info);
	cr_assert_not(f->set_syscall_info);	/* never without GET */
	cr_assert_not(f->process_vm);
}
