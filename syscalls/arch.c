/* syscalls/arch.c: architecture ids, names and AUDIT_ARCH_* values. */
#include "syscalls/syscalls.h"

#include <errno.h>
#include <linux/audit.h>
#include <string.h>

static const struct {
	const char *name;
	uint32_t audit;
} arches[SC_ARCH_COUNT] = {
	[SC_ARCH_UNKNOWN] = { "unknown", 0 },
	[SC_ARCH_X86_64] = { "x86_64", AUDIT_ARCH_X86_64 },
	[SC_ARCH_I386] = { "i386", AUDIT_ARCH_I386 },
	[SC_ARCH_AARCH64] = { "aarch64", AUDIT_ARCH_AARCH64 },
	/* x32 shares AUDIT_ARCH_X86_64 with x86_64; the syscall number's
	 * __X32_SYSCALL_BIT tells them apart, so it is never mapped back. */
	[SC_ARCH_X32] = { "x32", AUDIT_ARCH_X86_64 },
};

enum sc_arch sc_arch_from_audit(uint32_t audit_arch)
{
	switch (audit_arch) {
	case AUDIT_ARCH_X86_64:
		return SC_ARCH_X86_64;
	case AUDIT_ARCH_I386:
		return SC_ARCH_I386;
	case AUDIT_ARCH_AARCH64:
		return SC_ARCH_AARCH64;
	default:
		return SC_ARCH_UNKNOWN;
	}
}

uint32_t sc_arch_audit(enum sc_arch arch)
{
	if ((unsigned)arch >= SC_ARCH_COUNT)
		return 0;
	return arches[arch].audit;
}

const char *sc_arch_name(enum sc_arch arch)
{
	if ((unsigned)arch >= SC_ARCH_COUNT)
		return arches[SC_ARCH_UNKNOWN].name;
	return arches[arch].name;
}

int sc_arch_parse(const char *name, enum sc_arch *out)
{
	if (!name || !out)
		return -EINVAL;
	/* Common aliases, as uname -m and Debian spell them. */
	if (!strcmp(name, "amd64"))
		name = "x86_64";
	else if (!strcmp(name, "i686") || !strcmp(name, "x86") || !strcmp(name, "ia32"))
		name = "i386";
	else if (!strcmp(name, "arm64"))
		name = "aarch64";
	for (unsigned a = SC_ARCH_UNKNOWN + 1; a < SC_ARCH_COUNT; a++) {
		if (!strcmp(arches[a].name, name)) {
			*out = (enum sc_arch)a;
			return 0;
		}
	}
	return -EINVAL;
}

enum sc_arch sc_arch_host(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	return SC_ARCH_X86_64;
#elif defined(__x86_64__)
	return SC_ARCH_X32;
#elif defined(__i386__)
	return SC_ARCH_I386;
#elif defined(__aarch64__)
	return SC_ARCH_AARCH64;
#else
	return SC_ARCH_UNKNOWN;
#endif
}
