/* syscalls/kinds.h: how wide an argument kind is in the kernel (internal to
 * syscalls/). The decoder normalises values with it and the filter builder
 * compares only the bits the kernel reads. */
#ifndef UMV_SYSCALLS_KINDS_H
#define UMV_SYSCALLS_KINDS_H

#include "syscalls/syscalls.h"

enum sc_width {
	SC_W_LONG_U,	/* unsigned long / pointer / size_t: the word size */
	SC_W_LONG_S,	/* long / off_t: the word size, signed */
	SC_W_32_U,	/* unsigned int-sized */
	SC_W_32_S,	/* int-sized, signed (fd, pid, AT_FDCWD...) */
	SC_W_16_U,	/* i386 old_uid_t / old_gid_t */
};

static inline enum sc_width sc_kind_width(enum sc_kind kind)
{
	switch (kind) {
	case SC_K_INT:
	case SC_K_FD:
	case SC_K_DIRFD:
	case SC_K_PID:
	case SC_K_SIGNAL:
	case SC_K_FCNTL_CMD:
	case SC_K_SOCKCALL:
	case SC_K_IPCCALL:
	case SC_K_SOCK_FAMILY:
	case SC_K_SOCK_TYPE:
		return SC_W_32_S;
	case SC_K_UINT:
	case SC_K_UID:
	case SC_K_GID:
	case SC_K_OPEN_FLAGS:
	case SC_K_MODE:
	case SC_K_AT_FLAGS:
	case SC_K_ACCESS_MODE:
	case SC_K_IOCTL_REQ:
	case SC_K_MMAP_PROT:
		return SC_W_32_U;
	case SC_K_UID16:
	case SC_K_GID16:
		return SC_W_16_U;
	case SC_K_LONG:
		return SC_W_LONG_S;
	default:
		return SC_W_LONG_U;
	}
}

/* VALUE as the kernel sees an argument of KIND on an arch whose word is 32
 * bits (WORD32) or 64 bits. */
static inline uint64_t sc_kind_normalize(enum sc_kind kind, uint64_t value, bool word32)
{
	switch (sc_kind_width(kind)) {
	case SC_W_32_S:
		return (uint64_t)(int64_t)(int32_t)(uint32_t)value;
	case SC_W_32_U:
		return (uint32_t)value;
	case SC_W_16_U:
		return (uint16_t)value;
	case SC_W_LONG_S:
		return word32 ? (uint64_t)(int64_t)(int32_t)(uint32_t)value : value;
	case SC_W_LONG_U:
	default:
		return word32 ? (uint32_t)value : value;
	}
}

#endif
