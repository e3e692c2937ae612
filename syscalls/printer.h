/* syscalls/printer.h: an strace-like one-line formatter for decoded calls.
 *
 *   openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
 *
 * The format follows strace 6.1 (see doc/design.md for what is typed
 * and the known differences). Output is two-phase, because a tracer prints
 * "<unfinished ...>" / "<... NAME resumed>" for interleaved blocking calls
 * and because input memory may be gone at exit (execve):
 *
 *   sc_print_enter()  name, "(", and every argument known at entry (input
 *                     strings, flags, input structs), up to the first
 *                     argument the kernel fills in;
 *   sc_print_exit()   the remaining (output) arguments, ")" and " = RESULT".
 *
 * The two halves may go to different buffers (the tracer puts
 * " <unfinished ...>" after the first and "<... NAME resumed>" before the
 * second). struct sc_print_state carries what the exit half needs from the
 * entry half. sc_print_call() does both for a completed call.
 *
 * Guest memory is read only through the struct sc_memreader of the decoder;
 * a failed read prints the address in hex, as strace does. Guest lengths are
 * capped before any read. Nothing here fails on guest data: the only errors
 * are -EINVAL for NULL arguments.
 */
#ifndef UMV_SYSCALLS_PRINTER_H
#define UMV_SYSCALLS_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syscalls/syscalls.h"

/* ---- output buffer ---- */

/* Text output that never overruns: either caller storage of a fixed size
 * or a malloc'ed buffer that grows up to a maximum. Output that does not fit
 * (or for which memory runs out) is cut and ends with SC_OUT_CUT_MARKER;
 * later appends are dropped. The text is always NUL-terminated. */
struct sc_out {
	char *buf;
	size_t len;		/* text bytes, without the NUL */
	size_t cap;		/* bytes of buf */
	size_t max;		/* most text bytes ever kept, marker included */
	bool owned;		/* buf is malloc'ed by us and may grow */
	bool cut;
};

#define SC_OUT_CUT_MARKER "...<cut>"
#define SC_OUT_DEFAULT_MAX (1u << 20)

/* A growable buffer of at most MAX text bytes (0: SC_OUT_DEFAULT_MAX).
 * Returns 0 or -ENOMEM. Free with sc_out_fini(). */
int sc_out_init(struct sc_out *out, size_t max);
/* A bounded buffer over caller storage BUF of SIZE bytes (text <= SIZE-1). */
void sc_out_init_fixed(struct sc_out *out, char *buf, size_t size);
void sc_out_fini(struct sc_out *out);
/* Empty the text (keeps the storage). */
void sc_out_clear(struct sc_out *out);
static inline const char *sc_out_str(const struct sc_out *out)
{
	return out->buf && out->cap ? out->buf : "";
}

void sc_out_write(struct sc_out *out, const char *s, size_t n);
void sc_out_puts(struct sc_out *out, const char *s);
void sc_out_putc(struct sc_out *out, char c);
void sc_out_printf(struct sc_out *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- options ---- */

struct sc_print_opts {
	unsigned string_limit;	/* strace -s: bytes of a string or buffer,
				 * and elements of an array (default 32) */
	unsigned align;		/* pad " = RESULT" to this column, like strace's
				 * -a (0: a single space) */
	bool raw;		/* every argument and result in hex (strace -e raw=all) */
	bool verbose;		/* unabbreviated structs and environments (strace -v) */
};

#define SC_PRINT_STRING_LIMIT_DEFAULT 32u
/* Longest path printed (strace: PATH_MAX, not -s). */
#define SC_PRINT_PATH_MAX 4096u
/* Hard caps on guest-controlled sizes, whatever the options say. */
#define SC_PRINT_STRING_LIMIT_MAX 65536u
#define SC_PRINT_ARRAY_MAX 4096u

void sc_print_opts_default(struct sc_print_opts *opts);

/* ---- two-phase printing ---- */

struct sc_print_state {
	uint8_t next_arg;	/* first argument the exit half prints */
	bool entered;		/* sc_print_enter() ran */
	bool saved_valid;
	uint64_t saved;		/* a value read at entry that exit reports
				 * (e.g. a socklen_t before "=>") */
};

/* A syscall result as PTRACE_GET_SYSCALL_INFO reports it: the return value,
 * negative errno for errors. */
struct sc_result {
	int64_t rval;
	bool unknown;		/* no exit was seen (exit_group, a killed thread):
				 * prints " = ?" */
};

/* Print "NAME(" and the entry arguments of CALL into OUT. MEM may be NULL
 * (every pointer then prints as an address); OPTS NULL means defaults.
 * Returns 0 or -EINVAL. */
int sc_print_enter(struct sc_out *out, const struct sc_call *call,
		   const struct sc_memreader *mem, const struct sc_print_opts *opts,
		   struct sc_print_state *state);

/* Print the remaining arguments, ")" and " = RESULT" (aligned to
 * opts->align counted from the start of OUT's text). STATE must come from
 * sc_print_enter() for the same call. Returns 0 or -EINVAL. */
int sc_print_exit(struct sc_out *out, const struct sc_call *call,
		  const struct sc_memreader *mem, const struct sc_print_opts *opts,
		  const struct sc_print_state *state, const struct sc_result *res);

/* Both halves in one go: one full line (without a newline). */
int sc_print_call(struct sc_out *out, const struct sc_call *call,
		  const struct sc_memreader *mem, const struct sc_print_opts *opts,
		  const struct sc_result *res);

/* "<... NAME resumed>", what strace puts before a resumed exit half. */
void sc_print_resumed(struct sc_out *out, const struct sc_call *call);

/* ---- pieces reused by the tracer ---- */

/* Name and message of an errno, including the kernel-internal ones
 * (ERESTARTSYS 512 ...). NULL if unknown. */
const char *sc_errno_name(int64_t err);
const char *sc_errno_message(int64_t err);
/* "SIGTERM", "SIGRTMIN", "SIGRT_3"; NULL if out of range. */
const char *sc_signal_name(int sig, char *buf, size_t size);

/* Append S (N bytes) quoted as strace quotes strings: "..." with C escapes
 * and octal for the rest. */
void sc_print_quoted(struct sc_out *out, const void *s, size_t n);

#endif
