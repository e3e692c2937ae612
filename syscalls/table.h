/* syscalls/table.h: the per-arch number tables, shared by the look-ups, the
 * decoder and the filter builder (internal to syscalls/). */
#ifndef UMV_SYSCALLS_TABLE_H
#define UMV_SYSCALLS_TABLE_H

#include "syscalls/syscalls.h"

/* In a register map, this bit joins register n (low half) and n+1 (high
 * half) into one 64-bit neutral argument. */
#define SC_REG_PAIR 0x80u
#define SC_REG_INDEX 0x0fu

struct sc_nr_row {
	uint16_t id;		/* enum sc_id; SC_ID_UNKNOWN for a hole */
	uint8_t mapped;		/* map[] is valid, else neutral arg i = reg i */
	uint8_t map[6];		/* register (| SC_REG_PAIR) of neutral arg i */
	const char *name;	/* the arch's spelling */
};

struct sc_arch_table {
	const struct sc_nr_row *rows;	/* indexed by number */
	size_t nrows;			/* highest number + 1 */
	const uint16_t *nr_of;		/* by id: number + 1, 0 if absent */
};

/* NULL for an arch without a table (x32, unknown). */
const struct sc_arch_table *sc_arch_table(enum sc_arch arch);

/* The row for NR, or NULL for a number the table does not know. */
const struct sc_nr_row *sc_row(enum sc_arch arch, uint64_t nr);



/* i386 multiplexer call numbers -> the neutral id they stand for
 * (SC_ID_UNKNOWN for a number the kernel rejects). */
enum sc_id sc_socketcall_id(uint64_t call);
enum sc_id sc_ipc_id(uint64_t call);
#endif
