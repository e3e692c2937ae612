/* tests/printer_fake.h: a fake guest memory for the printer's tests, and
 * helpers that decode a call and compare the printed line. */
#ifndef UMV_TESTS_PRINTER_FAKE_H
#define UMV_TESTS_PRINTER_FAKE_H

#include <stdint.h>
#include <stddef.h>
#include <linux/audit.h>

#include "syscalls/printer.h"

#define X64 AUDIT_ARCH_X86_64
#define I386 AUDIT_ARCH_I386
#define AA64 AUDIT_ARCH_AARCH64
/* six registers (missing ones are 0) */
#define A(...) ((const uint64_t[6]){ __VA_ARGS__ })

/* Guest memory: ADDR..ADDR+LEN reads DATA (copied); the rest is -EFAULT.
 * Reset before every test. */
void fm_reset(void);
void fm_add(uint64_t addr, const void *data, size_t len);
void fm_str(uint64_t addr, const char *s);	/* with its NUL */
extern const struct sc_memreader fm_reader;
extern unsigned fm_reads;	/* read calls so far */

/* Decode (arch, number of ID on that arch, registers) with the fake
 * memory, print the whole line, and compare with WANT. */
void expect_line(uint32_t audit_arch, enum sc_id id, const uint64_t raw[6], int64_t rval,
		 const char *want);
void expect_line_opts(const struct sc_print_opts *opts, uint32_t audit_arch, enum sc_id id,
		      const uint64_t raw[6], int64_t rval, const char *want);
void expect_line_res(const struct sc_print_opts *opts, uint32_t audit_arch, enum sc_id id,
		     const uint64_t raw[6], const struct sc_result *res, const char *want);
/* By raw number instead of id (unknown syscalls, multiplexers). */
void expect_line_nr(uint32_t audit_arch, uint64_t nr, const uint64_t raw[6], int64_t rval,
		    const char *want);
/* The number of ID on the arch of AUDIT_ARCH (fails the test if absent). */
uint64_t nr_of(uint32_t audit_arch, enum sc_id id);

#endif
