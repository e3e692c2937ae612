/* syscalls/decode.c: (audit arch, number, registers) -> struct sc_call.
 * Picks the table from the audit arch (never from the host), joins i386
 * split 64-bit arguments, normalises every argument to the width the kernel
 * reads, and demultiplexes i386 socketcall and ipc. */
#include "syscalls/table.h"
#include "syscalls/kinds.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define X32_SYSCALL_BIT 0x40000000u

static void decode_unknown(struct sc_call *c, bool word32)
{
	snprintf(c->namebuf, sizeof(c->namebuf), "syscall_0x%" PRIx64, c->nr);
	c->name = c->namebuf;
	c->id = SC_ID_UNKNOWN;
	c->info = NULL;
	c->nargs = 6;
	for (int i = 0; i < 6; i++) {
		c->kinds[i] = SC_K_HEX;
		c->args[i] = word32 ? (uint32_t)c->raw[i] : c->raw[i];
	}
}

static void set_id(struct sc_call *c, enum sc_id id)
{
	c->id = id;
	c->info = sc_info(id);
	c->name = c->info->name;
	c->nargs = c->info->nargs;
	for (int i = 0; i < 6; i++)
		c->kinds[i] = c->info->kinds[i];
}

/* Fill neutral args of C (id already set) from VALUES, normalised. */
static void set_args(struct sc_call *c, const uint64_t *values, int n, bool word32)
{
	for (int i = 0; i < 6; i++)
		c->args[i] = (i < n && i < c->nargs) ? sc_kind_normalize(c->kinds[i], values[i], word32) : 0;
}

/* ---- i386 socketcall ---- */

/* Call numbers of <linux/net.h> SYS_SOCKET (1) .. SYS_SENDMMSG (20). */
static const uint16_t socketcall_ids[] = {
	[1] = SC_ID_socket, [2] = SC_ID_bind, [3] = SC_ID_connect,
	[4] = SC_ID_listen, [5] = SC_ID_accept, [6] = SC_ID_getsockname,
	[7] = SC_ID_getpeername, [8] = SC_ID_socketpair, [9] = SC_ID_send,
	[10] = SC_ID_recv, [11] = SC_ID_sendto, [12] = SC_ID_recvfrom,
	[13] = SC_ID_shutdown, [14] = SC_ID_setsockopt, [15] = SC_ID_getsockopt,
	[16] = SC_ID_sendmsg, [17] = SC_ID_recvmsg, [18] = SC_ID_accept4,
	[19] = SC_ID_recvmmsg, [20] = SC_ID_sendmmsg,
};

enum sc_id sc_socketcall_id(uint64_t call)
{
	if (call == 0 || call >= sizeof(socketcall_ids) / sizeof(socketcall_ids[0]))
		return SC_ID_UNKNOWN;
	return (enum sc_id)socketcall_ids[call];
}

static bool read_guest(const struct sc_memreader *mem, uint64_t addr, void *buf, size_t len)
{
	if (!mem || !mem->read)
		return false;
	ssize_t got = mem->read(mem->ctx, addr, buf, len);
	return got >= 0 && (size_t)got == len;
}

static void demux_socketcall(struct sc_call *c, const struct sc_memreader *mem)
{
	enum sc_id id = sc_socketcall_id(c->args[0]);
	uint32_t words[6];
	uint64_t values[6];
	const struct sc_info *info;

	if (id == SC_ID_UNKNOWN)
		return;		/* the kernel answers EINVAL; show it raw */
	info = sc_info(id);
	if (!read_guest(mem, (uint32_t)c->args[1], words, info->nargs * sizeof(words[0]))) {
		c->demux_failed = true;
		return;
	}
	for (int i = 0; i < info->nargs; i++)
		values[i] = words[i];
	set_id(c, id);
	set_args(c, values, info->nargs, true);
	c->demuxed = true;
}

/* ---- i386 ipc ---- */

/* Call numbers of <linux/ipc.h>; the high 16 bits of the call are a
 * version (only MSGRCV and SHMAT look at it). */
enum { IPC_SEMOP = 1, IPC_SEMGET, IPC_SEMCTL, IPC_SEMTIMEDOP,
       IPC_MSGSND = 11, IPC_MSGRCV, IPC_MSGGET, IPC_MSGCTL,
       IPC_SHMAT = 21, IPC_SHMDT, IPC_SHMGET, IPC_SHMCTL };

enum sc_id sc_ipc_id(uint64_t call)
{
	switch (call & 0xffff) {
	case IPC_SEMOP: return SC_ID_semop;
	case IPC_SEMGET: return SC_ID_semget;
	case IPC_SEMCTL: return SC_ID_semctl;
	case IPC_SEMTIMEDOP: return SC_ID_semtimedop;
	case IPC_MSGSND: return SC_ID_msgsnd;
	case IPC_MSGRCV: return SC_ID_msgrcv;
	case IPC_MSGGET: return SC_ID_msgget;
	case IPC_MSGCTL: return SC_ID_msgctl;
	case IPC_SHMAT: return SC_ID_shmat;
	case IPC_SHMDT: return SC_ID_shmdt;
	case IPC_SHMGET: return SC_ID_shmget;
	case IPC_SHMCTL: return SC_ID_shmctl;
	default: return SC_ID_UNKNOWN;
	}
}

static void demux_ipc(struct sc_call *c, const struct sc_memreader *mem)
{
	uint32_t call = (uint32_t)c->raw[0];
	unsigned version = call >> 16;
	enum sc_id id = sc_ipc_id(call);
	uint64_t first = (uint32_t)c->raw[1], second = (uint32_t)c->raw[2];
	uint64_t third = (uint32_t)c->raw[3], ptr = (uint32_t)c->raw[4];
	uint64_t fifth = (uint32_t)c->raw[5];
	uint64_t v[6] = { 0 };
	int n = 0;

	switch (call & 0xffff) {
	case IPC_SEMOP:		/* semop(id, sops, nsops) */
		v[0] = first, v[1] = ptr, v[2] = second, n = 3;
		break;
	case IPC_SEMTIMEDOP:	/* semtimedop(id, sops, nsops, timeout) */
		v[0] = first, v[1] = ptr, v[2] = second, v[3] = fifth, n = 4;
		break;
	case IPC_SEMGET:
	case IPC_SHMGET:	/* (key, nsems|size, flags) */
		v[0] = first, v[1] = second, v[2] = third, n = 3;
		break;
	case IPC_SEMCTL: {	/* the union semun is passed by reference */
		uint32_t arg;

		if (!read_guest(mem, ptr, &arg, sizeof(arg))) {
			c->demux_failed = true;
			return;
		}
		v[0] = first, v[1] = second, v[2] = third, v[3] = arg, n = 4;
		break;
	}
	case IPC_MSGSND:	/* msgsnd(id, msgp, size, flags) */
		v[0] = first, v[1] = ptr, v[2] = second, v[3] = third, n = 4;
		break;
	case IPC_MSGRCV:
		if (version == 0) {
			/* struct ipc_kludge { u32 msgp; s32 msgtyp; } */
			uint32_t kludge[2];

			if (!read_guest(mem, ptr, kludge, sizeof(kludge))) {
				c->demux_failed = true;
				return;
			}
			v[1] = kludge[0];
			v[3] = kludge[1];
		} else {
			v[1] = ptr;
			v[3] = fifth;
		}
		v[0] = first, v[2] = second, v[4] = third, n = 5;
		break;
	case IPC_MSGGET:	/* msgget(key, flags) */
		v[0] = first, v[1] = second, n = 2;
		break;
	case IPC_MSGCTL:
	case IPC_SHMCTL:	/* (id, cmd, buf) */
		v[0] = first, v[1] = second, v[2] = ptr, n = 3;
		break;
	case IPC_SHMAT:		/* shmat(id, addr, flags); the address comes back in *third */
		v[0] = first, v[1] = ptr, v[2] = second, n = 3;
		break;
	case IPC_SHMDT:
		v[0] = ptr, n = 1;
		break;
	default:
		return;		/* the kernel answers EINVAL; show it raw */
	}
	set_id(c, id);
	set_args(c, v, n, true);
	c->demuxed = true;
}

int sc_decode(uint32_t audit_arch, uint64_t nr, const uint64_t raw[6],
	      const struct sc_memreader *mem, struct sc_call *out)
{
	const struct sc_nr_row *row;
	enum sc_arch arch;
	bool word32;
	uint64_t values[6];

	if (!raw || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->audit_arch = audit_arch;
	out->nr = nr;
	memcpy(out->raw, raw, sizeof(out->raw));

	arch = sc_arch_from_audit(audit_arch);
	/* x32 shares AUDIT_ARCH_X86_64; the kernel tells it by this bit of
	 * the number (a negative one, like -1 for "no syscall", is not x32). */
	if (arch == SC_ARCH_X86_64 && nr < 0x80000000u && (nr & X32_SYSCALL_BIT))
		arch = SC_ARCH_X32;
	out->arch = arch;
	word32 = arch == SC_ARCH_I386;

	row = sc_row(arch, nr);
	if (!row) {
		decode_unknown(out, word32);
		return 0;
	}
	set_id(out, (enum sc_id)row->id);
	out->name = row->name;
	for (int i = 0; i < out->nargs; i++) {
		unsigned reg = row->mapped ? row->map[i] : (unsigned)i;
		unsigned r = reg & SC_REG_INDEX;

		if (reg & SC_REG_PAIR)
			/* joined halves are the full 64-bit value: no width to apply */
			values[i] = (uint32_t)raw[r] | ((uint64_t)(uint32_t)raw[r + 1] << 32);
		else
			values[i] = sc_kind_normalize(out->kinds[i], raw[r], word32);
	}
	for (int i = 0; i < 6; i++)
		out->args[i] = i < out->nargs ? values[i] : 0;

	if (arch == SC_ARCH_I386) {
		if (out->id == SC_ID_socketcall)
			demux_socketcall(out, mem);
		else if (out->id == SC_ID_ipc)
			demux_ipc(out, mem);
	}
	return 0;
}
