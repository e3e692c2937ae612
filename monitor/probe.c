/* Kernel features, probed once by using them on a forked child (never by
 * kernel version): a seccomp filter whose SECCOMP_RET_TRACE stops us,
 * PTRACE_GET_SYSCALL_INFO reporting every field right, PTRACE_SET_SYSCALL_INFO
 * (Linux 6.16+) changing an argument, skip + result through POKEUSER, and
 * process_vm_readv. Each can be forced off for tests with
 * UMVISOR_FORCE_NO_<FEATURE>=1. */
#include "monitor/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROBE_RET_DATA 0x1234
#define PROBE_RESULT 4242
#define PROBE_EXIT_NO_SECCOMP 10
#define PROBE_EXIT_BAD_RESULT 20

static const uint64_t sentinel[6] = {
	0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666,
};

static volatile uint64_t probe_magic;

static bool forced_off(const char *name)
{
	const char *v = getenv(name);
	return v && strcmp(v, "1") == 0;
}

static int load_probe_filter(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, mon_regs_host_audit_arch(), 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | PROBE_RET_DATA),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return -errno;
	return 0;
}

static __attribute__((noreturn)) void probe_child(int go_fd, bool use_seccomp)
{
	char byte;
	long r;

	if (read(go_fd, &byte, 1) != 1)
		_exit(1);
	if (use_seccomp && load_probe_filter() < 0)
		_exit(PROBE_EXIT_NO_SECCOMP);
	probe_magic = 0x5eed5eedULL;
	raise(SIGSTOP);
	r = syscall(__NR_getppid, sentinel[0], sentinel[1], sentinel[2], sentinel[3],
		    sentinel[4], sentinel[5]);
	_exit(r == PROBE_RESULT ? 0 : PROBE_EXIT_BAD_RESULT);
}

static bool info_matches(const struct mon_regs *r, bool use_seccomp)
{
	if (r->op != (use_seccomp ? MON_OP_SECCOMP : MON_OP_ENTRY))
		return false;
	if (r->audit_arch != mon_regs_host_audit_arch() || r->nr != __NR_getppid)
		return false;
	if (memcmp(r->args, sentinel, sizeof(sentinel)) != 0)
		return false;
	return !use_seccomp || (r->have_ret_data && r->ret_data == PROBE_RET_DATA);
}

static bool read_magic(pid_t pid)
{
	uint64_t value = 0;
	struct iovec local = { &value, sizeof(value) };
	struct iovec remote = { (void *)&probe_magic, sizeof(value) };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof(value) &&
	       value == 0x5eed5eedULL;
}

/* One probe run. Returns 1 when the mechanism (stop + skip + result) worked,
 * 0 when seccomp could not be used, -1 on other failures. */
static int run_probe(bool use_seccomp, struct mon_features *f)
{
	int go[2], status;
	pid_t pid;
	int verdict = -1;
	struct mon_regs regs;

	if (pipe2(go, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(go[0]);
		close(go[1]);
		return -1;
	}
	if (pid == 0) {
		close(go[1]);
		probe_child(go[0], use_seccomp);
	}
	close(go[0]);
	if (mon_ptrace(MON_REQ_OTHER, PTRACE_SEIZE, pid, NULL,
		       (void *)(long)(PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD |
				      PTRACE_O_EXITKILL)) < 0) {
		close(go[1]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	if (write(go[1], "g", 1) != 1)
		goto out_kill;
	close(go[1]);
	go[1] = -1;
	/* The child's SIGSTOP: process_vm now, then on to the syscall. */
	if (waitpid(pid, &status, __WALL) != pid)
		goto out_kill;
	if (WIFEXITED(status)) {
		verdict = WEXITSTATUS(status) == PROBE_EXIT_NO_SECCOMP ? 0 : -1;
		goto out;
	}
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP)
		goto out_kill;
	f->process_vm = read_magic(pid);
	if (mon_ptrace(MON_REQ_RESUME, use_seccomp ? PTRACE_CONT : PTRACE_SYSCALL, pid, NULL, NULL) < 0)
		goto out_kill;
	if (waitpid(pid, &status, __WALL) != pid || !WIFSTOPPED(status))
		goto out_kill;
	if (use_seccomp ? (status >> 8) != (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))
			: WSTOPSIG(status) != (SIGTRAP | 0x80))
		goto out_kill;
	/* Syscall stops: walk to getppid's entry (libc may make a call or
	 * two after raise); the register file tells us where we are. */
	for (int steps = 0; !use_seccomp; steps++) {
		if (steps > 16 || mon_regs_fetch(pid, false, &regs) < 0)
			goto out_kill;
		if (regs.nr == __NR_getppid && regs.rval == -ENOSYS)
			break;
		if (mon_ptrace(MON_REQ_RESUME, PTRACE_SYSCALL, pid, NULL, NULL) < 0 ||
		    waitpid(pid, &status, __WALL) != pid || !WIFSTOPPED(status))
			goto out_kill;
	}
	if (mon_regs_fetch(pid, true, &regs) == 0 && info_matches(&regs, use_seccomp)) {
		f->get_syscall_info = true;
		regs.args[0] = 0x7777;
		if (mon_regs_set_info(pid, &regs) == 0) {
			struct mon_regs again;
			f->set_syscall_info = mon_regs_fetch(pid, true, &again) == 0 &&
					      again.args[0] == 0x7777;
		}
	}
	if (mon_regs_set_nr(pid, mon_regs_host_audit_arch(), -1) < 0 ||
	    mon_regs_set_result(pid, mon_regs_host_audit_arch(), PROBE_RESULT) < 0)
		goto out_kill;
	if (mon_ptrace(MON_REQ_RESUME, PTRACE_CONT, pid, NULL, NULL) < 0)
		goto out_kill;
	for (;;) {
		if (waitpid(pid, &status, __WALL) != pid)
			goto out_kill;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (mon_ptrace(MON_REQ_RESUME, use_seccomp ? PTRACE_CONT : PTRACE_SYSCALL, pid, NULL, NULL) < 0)
			goto out_kill;
	}
	verdict = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 1 : -1;
	goto out;
out_kill:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, __WALL);
out:
	if (go[1] >= 0)
		close(go[1]);
	return verdict;
}

static struct mon_features features;
static int probed;	/* 0 unknown, 1 done */

const struct mon_features *mon_probe(void)
{
	int rc;

	if (probed)
		return &features;
	probed = 1;
	memset(&features, 0, sizeof(features));
	rc = forced_off("UMVISOR_FORCE_NO_SECCOMP") ? 0 : run_probe(true, &features);
	if (rc == 1)
		features.seccomp_trace = true;
	else {
		memset(&features, 0, sizeof(features));
		if (run_probe(false, &features) != 1)
			mon_log(MON_LOG_WARN, "probe: skipping a syscall through ptrace did not work as expected");
	}
	if (forced_off("UMVISOR_FORCE_NO_GET_SYSCALL_INFO"))
		features.get_syscall_info = false;
	if (forced_off("UMVISOR_FORCE_NO_SET_SYSCALL_INFO") || !features.get_syscall_info)
		features.set_syscall_info = false;
	if (forced_off("UMVISOR_FORCE_NO_PROCESS_VM"))
		features.process_vm = false;
	mon_log(MON_LOG_DEBUG, "probe: seccomp trace %s, GET_SYSCALL_INFO %s, SET_SYSCALL_INFO %s, process_vm %s",
		features.seccomp_trace ? "yes" : "no", features.get_syscall_info ? "yes" : "no",
		features.set_syscall_info ? "yes" : "no", features.process_vm ? "yes" : "no");
	return &features;
}
