/* The x86_64 register ABI: fetching a stopped thread's syscall and writing
 * its number, result and arguments. The only arch-specific file of the
 * monitor; a port adds regs_<arch>.c and selects it in monitor/local.am.
 * Both x86_64 and i386 (compat) tracees are served: a 64-bit tracer's
 * PTRACE_POKEUSER always uses the 64-bit struct user_regs_struct offsets,
 * whose registers hold the i386 ones in their low halves. */
#include "monitor/monitor.h"

#if !defined(__x86_64__)
#error "monitor/regs_x86_64.c is for x86_64 hosts; this host needs its own regs_<arch>.c (fetch, set nr/result/args)"
#endif

#include <errno.h>
#include <linux/audit.h>
#include <linux/elf.h>
#include <linux/ptrace.h>
#include <stddef.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/user.h>

#ifndef PTRACE_SET_SYSCALL_INFO
#define PTRACE_SET_SYSCALL_INFO 0x4212
#endif
#ifndef PTRACE_SYSCALL_INFO_SECCOMP
#define PTRACE_SYSCALL_INFO_SECCOMP 3
#endif

/* struct ptrace_syscall_info as of Linux 6.16 (older headers call the
 * reserved/flags bytes "pad"); the layout is the same on every kernel. */
struct mon_syscall_info {
	uint8_t op;
	uint8_t reserved;
	uint16_t flags;
	uint32_t arch;
	uint64_t instruction_pointer;
	uint64_t stack_pointer;
	union {
		struct {
			uint64_t nr;
			uint64_t args[6];
		} entry;
		struct {
			int64_t rval;
			uint8_t is_error;
		} exit;
		struct {
			uint64_t nr;
			uint64_t args[6];
			uint32_t ret_data;
			uint32_t reserved2;
		} seccomp;
	};
};

/* The i386 register file as PTRACE_GETREGSET(NT_PRSTATUS) gives it for a
 * compat tracee. */
struct i386_user_regs {
	uint32_t ebx, ecx, edx, esi, edi, ebp, eax;
	uint32_t xds, xes, xfs, xgs, orig_eax, eip, xcs, eflags, esp, xss;
};

#define VSYSCALL_START 0xffffffffff600000ULL
#define VSYSCALL_END 0xffffffffff601000ULL

#define REG_OFF(r) offsetof(struct user_regs_struct, r)

static const size_t x86_64_arg_off[6] = {
	REG_OFF(rdi), REG_OFF(rsi), REG_OFF(rdx), REG_OFF(r10), REG_OFF(r8), REG_OFF(r9),
};
static const size_t i386_arg_off[6] = {
	REG_OFF(rbx), REG_OFF(rcx), REG_OFF(rdx), REG_OFF(rsi), REG_OFF(rdi), REG_OFF(rbp),
};

uint32_t mon_regs_host_audit_arch(void)
{
	return AUDIT_ARCH_X86_64;
}

bool mon_regs_in_vsyscall(uint64_t ip)
{
	/* The vsyscall page emulation reports the page's address as the ip;
	 * renumbering or skipping such a call gets the guest a SIGSYS. */
	return ip >= VSYSCALL_START && ip < VSYSCALL_END;
}

static int fetch_info(pid_t tid, struct mon_regs *out)
{
	struct mon_syscall_info info;
	long rc;

	memset(&info, 0, sizeof(info));
	rc = mon_ptrace(MON_REQ_FETCH, PTRACE_GET_SYSCALL_INFO, tid,
			(void *)sizeof(info), &info);
	if (rc < 0)
		return (int)rc;
	memset(out, 0, sizeof(*out));
	out->audit_arch = info.arch;
	out->ip = info.instruction_pointer;
	out->sp = info.stack_pointer;
	switch (info.op) {
	case PTRACE_SYSCALL_INFO_ENTRY:
		out->op = MON_OP_ENTRY;
		out->nr = info.entry.nr;
		memcpy(out->args, info.entry.args, sizeof(out->args));
		break;
	case PTRACE_SYSCALL_INFO_EXIT:
		out->op = MON_OP_EXIT;
		out->rval = info.exit.rval;
		break;
	case PTRACE_SYSCALL_INFO_SECCOMP:
		out->op = MON_OP_SECCOMP;
		out->nr = info.seccomp.nr;
		memcpy(out->args, info.seccomp.args, sizeof(out->args));
		out->ret_data = info.seccomp.ret_data;
		out->have_ret_data = true;
		break;
	default:
		out->op = MON_OP_NONE;
		break;
	}
	return 0;
}

/* GETREGSET fallback only: the instruction before IP. One PEEKTEXT, counted
 * as "other", paid only where GET_SYSCALL_INFO is missing. */
static bool is_int80(pid_t tid, uint64_t ip)
{
	long word;

	if (ip < 2 || mon_regs_in_vsyscall(ip))
		return false;
	word = mon_ptrace(MON_REQ_OTHER, PTRACE_PEEKTEXT, tid, (void *)(uintptr_t)(ip - 2), NULL);
	/* A failed peek is -errno, never 0x80cd in its low bytes. */
	return word >= 0 && (word & 0xffff) == 0x80cd;
}

/* An i386 result as GET_SYSCALL_INFO reports it: errors sign-extended,
 * other values (addresses above 2 GiB included) zero-extended. */
static int64_t i386_rval(uint32_t eax)
{
	int32_t v = (int32_t)eax;

	return v < 0 && v >= -4095 ? (int64_t)v : (int64_t)eax;
}

static int fetch_regset(pid_t tid, struct mon_regs *out)
{
	union {
		struct user_regs_struct r64;
		struct i386_user_regs r32;
	} u;
	struct iovec iov = { .iov_base = &u, .iov_len = sizeof(u) };
	long rc;

	rc = mon_ptrace(MON_REQ_FETCH, PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov);
	if (rc < 0)
		return (int)rc;
	memset(out, 0, sizeof(*out));
	out->op = MON_OP_NONE;
	if (iov.iov_len == sizeof(u.r32)) {
		out->audit_arch = AUDIT_ARCH_I386;
		out->ip = u.r32.eip;
		out->sp = u.r32.esp;
		out->nr = u.r32.orig_eax;
		out->rval = i386_rval(u.r32.eax);
		out->args[0] = u.r32.ebx;
		out->args[1] = u.r32.ecx;
		out->args[2] = u.r32.edx;
		out->args[3] = u.r32.esi;
		out->args[4] = u.r32.edi;
		out->args[5] = u.r32.ebp;
		return 0;
	}
	if (iov.iov_len != sizeof(u.r64))
		return -EIO;
	if (is_int80(tid, u.r64.rip)) {
		/* int $0x80 from a 64-bit process: an i386 call in a 64-bit
		 * register file (GET_SYSCALL_INFO would say AUDIT_ARCH_I386). */
		out->audit_arch = AUDIT_ARCH_I386;
		out->ip = u.r64.rip;
		out->sp = u.r64.rsp;
		out->nr = (uint32_t)u.r64.orig_rax;
		out->rval = i386_rval((uint32_t)u.r64.rax);
		out->args[0] = (uint32_t)u.r64.rbx;
		out->args[1] = (uint32_t)u.r64.rcx;
		out->args[2] = (uint32_t)u.r64.rdx;
		out->args[3] = (uint32_t)u.r64.rsi;
		out->args[4] = (uint32_t)u.r64.rdi;
		out->args[5] = (uint32_t)u.r64.rbp;
		return 0;
	}
	/* x32 calls share the 64-bit register file; the number tells them
	 * apart (bit 30) and the decoder reports them as x32. */
	out->audit_arch = AUDIT_ARCH_X86_64;
	out->ip = u.r64.rip;
	out->sp = u.r64.rsp;
	out->nr = u.r64.orig_rax;
	out->rval = (int64_t)u.r64.rax;
	out->args[0] = u.r64.rdi;
	out->args[1] = u.r64.rsi;
	out->args[2] = u.r64.rdx;
	out->args[3] = u.r64.r10;
	out->args[4] = u.r64.r8;
	out->args[5] = u.r64.r9;
	return 0;
}

int mon_regs_fetch(pid_t tid, bool use_info, struct mon_regs *out)
{
	return use_info ? fetch_info(tid, out) : fetch_regset(tid, out);
}

static int poke(pid_t tid, size_t off, uint64_t value)
{
	long rc = mon_ptrace(MON_REQ_WRITE, PTRACE_POKEUSR, tid, (void *)off,
			     (void *)(uintptr_t)value);
	return rc < 0 ? (int)rc : 0;
}

int mon_regs_set_nr(pid_t tid, uint32_t audit_arch, int64_t nr)
{
	(void)audit_arch;
	return poke(tid, REG_OFF(orig_rax), (uint64_t)nr);
}

int mon_regs_set_result(pid_t tid, uint32_t audit_arch, int64_t value)
{
	if (audit_arch == AUDIT_ARCH_I386)
		value = (int32_t)value;
	return poke(tid, REG_OFF(rax), (uint64_t)value);
}

int mon_regs_set_arg(pid_t tid, uint32_t audit_arch, unsigned idx, uint64_t value)
{
	if (idx >= 6)
		return -EINVAL;
	if (audit_arch == AUDIT_ARCH_I386)
		return poke(tid, i386_arg_off[idx], (uint32_t)value);
	if (audit_arch == AUDIT_ARCH_X86_64)
		return poke(tid, x86_64_arg_off[idx], value);
	return -EINVAL;
}

int mon_regs_set_info(pid_t tid, const struct mon_regs *regs)
{
	struct mon_syscall_info info;
	long rc;

	memset(&info, 0, sizeof(info));
	info.arch = regs->audit_arch;
	info.instruction_pointer = regs->ip;
	info.stack_pointer = regs->sp;
	switch (regs->op) {
	case MON_OP_SECCOMP:
		info.op = PTRACE_SYSCALL_INFO_SECCOMP;
		info.seccomp.nr = regs->nr;
		memcpy(info.seccomp.args, regs->args, sizeof(info.seccomp.args));
		info.seccomp.ret_data = regs->ret_data;
		break;
	case MON_OP_ENTRY:
		info.op = PTRACE_SYSCALL_INFO_ENTRY;
		info.entry.nr = regs->nr;
		memcpy(info.entry.args, regs->args, sizeof(info.entry.args));
		break;
	default:
		return -EINVAL;
	}
	rc = mon_ptrace(MON_REQ_WRITE, PTRACE_SET_SYSCALL_INFO, tid, (void *)sizeof(info), &info);
	return rc < 0 ? (int)rc : 0;
}
