/* syscalls/table.c: the neutral semantics and the per-arch number tables,
 * built by the preprocessor from semantics.def and <arch>.def, and the
 * look-ups over them. Every look-up is an array index. */
#include "syscalls/table.h"

#include <errno.h>
#include <string.h>

/* ---- semantics.def -> sc_semantics[id] ---- */

/* FOR_EACH over 0..6 macro arguments (__VA_OPT__ for the empty case). */
#define FE_PICK(_0, _1, _2, _3, _4, _5, _6, N, ...) N
#define FE0(m)
#define FE1(m, a) m(a)
#define FE2(m, a, ...) m(a) FE1(m, __VA_ARGS__)
#define FE3(m, a, ...) m(a) FE2(m, __VA_ARGS__)
#define FE4(m, a, ...) m(a) FE3(m, __VA_ARGS__)
#define FE5(m, a, ...) m(a) FE4(m, __VA_ARGS__)
#define FE6(m, a, ...) m(a) FE5(m, __VA_ARGS__)
#define FOR_EACH(m, ...) \
	FE_PICK(_ __VA_OPT__(,) __VA_ARGS__, FE6, FE5, FE4, FE3, FE2, FE1, FE0) \
	(m __VA_OPT__(,) __VA_ARGS__)
#define COUNT_ARGS(...) FE_PICK(_ __VA_OPT__(,) __VA_ARGS__, 6, 5, 4, 3, 2, 1, 0)

#define KIND_OF(k) SC_K_##k,
#define CLASS_OF(c) | SC_CL_##c
#define CLASSES(...) (0u FOR_EACH(CLASS_OF, __VA_ARGS__))

#define SC(name_, classes_, ...) \
	[SC_ID_##name_] = { \
		.id = SC_ID_##name_, \
		.name = #name_, \
		.nargs = COUNT_ARGS(__VA_ARGS__), \
		.classes = CLASSES classes_, \
		.kinds = { FOR_EACH(KIND_OF, __VA_ARGS__) }, \
	},
static const struct sc_info sc_semantics[SC_ID_COUNT] = {
	[SC_ID_UNKNOWN] = { .id = SC_ID_UNKNOWN, .name = "unknown" },
#include "syscalls/semantics.def"
};
#undef SC

/* ---- <arch>.def -> rows by number and numbers by id ---- */

#define R(n) (n)
#define P(n) (SC_REG_PAIR | (n))
#define SYS(nr, id_) [nr] = { .id = SC_ID_##id_, .name = #id_ },
#define SYSN(nr, id_, spelling) [nr] = { .id = SC_ID_##id_, .name = #spelling },
#define SYSM(nr, id_, spelling, ...) \
	[nr] = { .id = SC_ID_##id_, .name = #spelling, .mapped = 1, .map = { __VA_ARGS__ } },
static const struct sc_nr_row rows_x86_64[] = {
#include "syscalls/x86_64.def"
};
static const struct sc_nr_row rows_i386[] = {
#include "syscalls/i386.def"
};
static const struct sc_nr_row rows_aarch64[] = {
#include "syscalls/aarch64.def"
};
#undef SYS
#undef SYSN
#undef SYSM

/* An id used twice in one arch would be a duplicate designated initializer
 * here, which -Werror (override-init, in -Wextra) rejects: one number per id
 * per arch. */
#define SYS(nr, id_) [SC_ID_##id_] = (nr) + 1,
#define SYSN(nr, id_, spelling) SYS(nr, id_)
#define SYSM(nr, id_, spelling, ...) SYS(nr, id_)
static const uint16_t nr_of_x86_64[SC_ID_COUNT] = {
#include "syscalls/x86_64.def"
};
static const uint16_t nr_of_i386[SC_ID_COUNT] = {
#include "syscalls/i386.def"
};
static const uint16_t nr_of_aarch64[SC_ID_COUNT] = {
#include "syscalls/aarch64.def"
};
#undef SYS
#undef SYSN
#undef SYSM
#undef R
#undef P

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct sc_arch_table tables[SC_ARCH_COUNT] = {
	[SC_ARCH_X86_64] = { rows_x86_64, ARRAY_SIZE(rows_x86_64), nr_of_x86_64 },
	[SC_ARCH_I386] = { rows_i386, ARRAY_SIZE(rows_i386), nr_of_i386 },
	[SC_ARCH_AARCH64] = { rows_aarch64, ARRAY_SIZE(rows_aarch64), nr_of_aarch64 },
};

const struct sc_arch_table *sc_arch_table(enum sc_arch arch)
{
	if ((unsigned)arch >= SC_ARCH_COUNT || !tables[arch].rows)
		return NULL;
	return &tables[arch];
}

const struct sc_nr_row *sc_row(enum sc_arch arch, uint64_t nr)
{
	const struct sc_arch_table *t = sc_arch_table(arch);

	if (!t || nr >= t->nrows || t->rows[nr].id == SC_ID_UNKNOWN)
		return NULL;
	return &t->rows[nr];
}

const struct sc_info *sc_info(enum sc_id id)
{
	if ((unsigned)id >= SC_ID_COUNT || id == SC_ID_UNKNOWN)
		return NULL;
	return &sc_semantics[id];
}

const char *sc_id_name(enum sc_id id)
{
	const struct sc_info *info = sc_info(id);

	return info ? info->name : NULL;
}

enum sc_id sc_id_from_nr(enum sc_arch arch, uint64_t nr)
{
	const struct sc_nr_row *row = sc_row(arch, nr);

	return row ? (enum sc_id)row->id : SC_ID_UNKNOWN;
}

long sc_nr_from_id(enum sc_arch arch, enum sc_id id)
{
	const struct sc_arch_table *t = sc_arch_table(arch);

	if (!t)
		return -EINVAL;
	if ((unsigned)id >= SC_ID_COUNT || id == SC_ID_UNKNOWN || !t->nr_of[id])
		return -ENOENT;
	return (long)t->nr_of[id] - 1;
}

const char *sc_nr_name(enum sc_arch arch, uint64_t nr)
{
	const struct sc_nr_row *row = sc_row(arch, nr);

	return row ? row->name : NULL;
}

long sc_nr_max(enum sc_arch arch)
{
	const struct sc_arch_table *t = sc_arch_table(arch);

	return t ? (long)t->nrows - 1 : -EINVAL;
}

/* Neutral names first, then every arch's spellings. Used for command-line
 * and configuration parsing, not per syscall, so a linear scan is fine. */
enum sc_id sc_id_from_name(const char *name)
{
	if (!name)
		return SC_ID_UNKNOWN;
	for (unsigned id = 1; id < SC_ID_COUNT; id++)
		if (strcmp(sc_semantics[id].name, name) == 0)
			return (enum sc_id)id;
	for (unsigned a = 0; a < SC_ARCH_COUNT; a++) {
		const struct sc_arch_table *t = sc_arch_table((enum sc_arch)a);

		if (!t)
			continue;
		for (size_t nr = 0; nr < t->nrows; nr++)
			if (t->rows[nr].id && strcmp(t->rows[nr].name, name) == 0)
				return (enum sc_id)t->rows[nr].id;
	}
	return SC_ID_UNKNOWN;
}

int sc_table_print(FILE *out, enum sc_arch arch)
{
	const struct sc_arch_table *t = sc_arch_table(arch);
	int lines = 0;

	if (!t || !out)
		return -EINVAL;
	for (size_t nr = 0; nr < t->nrows; nr++) {
		if (!t->rows[nr].id)
			continue;
		if (fprintf(out, "%zu %s\n", nr, t->rows[nr].name) < 0)
			return -EIO;
		lines++;
	}
	if (fflush(out) != 0)
		return -EIO;
	return lines;
}
