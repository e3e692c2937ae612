/* The trace writer: buffered output that never stalls the event loop on a
 * slow target. Full buffers are handed to io_uring (one write in flight, so
 * order is kept) when the kernel has it, else written with write(2).
 * Errors are sticky: after the first one every append is dropped and
 * trace_writer_error() says why (-EPIPE, -ENOSPC, ...). */
#ifndef UMV_TRACE_WRITER_H
#define UMV_TRACE_WRITER_H

#include <stdbool.h>
#include <stddef.h>

struct trace_writer;

/* Takes FD (closed by trace_writer_close unless it is 0..2). USE_URING
 * false forces write(2). Returns NULL on ENOMEM. */
struct trace_writer *trace_writer_open(int fd, bool use_uring);
/* Appends; returns 0 or the sticky -errno. */
int trace_writer_append(struct trace_writer *w, const char *s, size_t n);
/* Hands what is buffered to the target if the last hand-off is older than
 * TRACE_WRITER_LATENCY_MS, so a live trace shows up without waiting for a
 * full buffer; with io_uring this never waits. Returns 0 or -errno. */
#define TRACE_WRITER_LATENCY_MS 50
int trace_writer_tick(struct trace_writer *w);
/* Latency of trace_writer_tick in ms (default TRACE_WRITER_LATENCY_MS;
 * 0: every tick hands off, as line-buffered output). */
void trace_writer_set_latency(struct trace_writer *w, unsigned ms);
/* Flushes everything (waits for io_uring). Returns 0 or -errno. */
int trace_writer_flush(struct trace_writer *w);
int trace_writer_error(const struct trace_writer *w);
bool trace_writer_uses_uring(const struct trace_writer *w);
/* Flushes, closes, frees. Returns the sticky error or 0. */
int trace_writer_close(struct trace_writer *w);

#endif
