/* Buffered trace output: a ring of buffers; one io_uring write in flight at
 * a time (file position order), plain write(2) when io_uring is refused. */
#include "modules/trace/writer.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <liburing.h>

#define BUF_SIZE (64u * 1024u)
#define NBUFS 8u

struct trace_buf {
	char data[BUF_SIZE];
	size_t len;
	size_t done;		/* bytes already written (short writes) */
};

struct trace_writer {
	int fd;
	int error;
	bool uring_ok;
	struct io_uring ring;
	bool in_flight;
	struct trace_buf bufs[NBUFS];
	unsigned head;		/* oldest buffer not fully written */
	struct timespec last;	/* last hand-off to the target */
	unsigned latency_ms;
	unsigned count;		/* buffers holding data, the last one filling */
};

static struct trace_buf *filling(struct trace_writer *w)
{
	return &w->bufs[(w->head + w->count - 1) % NBUFS];
}

static void set_error(struct trace_writer *w, int err)
{
	if (!w->error)
		w->error = err;
}

/* Account COMPLETED bytes of the head buffer; drop it when done. */
static void completed(struct trace_writer *w, ssize_t res)
{
	struct trace_buf *b = &w->bufs[w->head];

	if (res < 0) {
		set_error(w, (int)res);
		return;
	}
	if (res == 0) {
		set_error(w, -ENOSPC);	/* a regular file that takes nothing is full */
		return;
	}
	b->done += (size_t)res;
	if (b->done >= b->len) {
		b->len = b->done = 0;
		if (w->count > 1) {
			w->head = (w->head + 1) % NBUFS;
			w->count--;
		}
	}
}

static int write_sync_head(struct trace_writer *w)
{
	struct trace_buf *b = &w->bufs[w->head];

	while (!w->error && b->done < b->len) {
		ssize_t n = write(w->fd, b->data + b->done, b->len - b->done);
		if (n < 0 && errno == EINTR)
			continue;
		completed(w, n < 0 ? -errno : n);
	}
	return w->error;
}

/* Submit the head buffer if it is full (or FORCE) and nothing is in flight. */
static void submit_head(struct trace_writer *w, bool force)
{
	struct trace_buf *b = &w->bufs[w->head];
	struct io_uring_sqe *sqe;

	if (w->in_flight || w->error || b->done >= b->len)
		return;
	if (!force && w->count < 2)
		return;	/* the head is still filling */
	sqe = io_uring_get_sqe(&w->ring);
	if (!sqe) {
		write_sync_head(w);
		return;
	}
	/* Offset -1: the file position, so appends and pipes work alike. */
	io_uring_prep_write(sqe, w->fd, b->data + b->done, (unsigned)(b->len - b->done),
			    (uint64_t)-1);
	if (io_uring_submit(&w->ring) < 1) {
		write_sync_head(w);
		return;
	}
	w->in_flight = true;
}

static void reap(struct trace_writer *w, bool wait)
{
	struct io_uring_cqe *cqe;
	int rc;

	while (w->in_flight) {
		rc = wait ? io_uring_wait_cqe(&w->ring, &cqe) : io_uring_peek_cqe(&w->ring, &cqe);
		if (rc == -EINTR)
			continue;
		if (rc < 0) {
			if (rc != -EAGAIN)
				set_error(w, rc);
			return;
		}
		w->in_flight = false;
		completed(w, cqe->res);
		io_uring_cqe_seen(&w->ring, cqe);
		submit_head(w, false);
	}
}

/* Using io_uring is the probe: a NOP must come back. */
static bool uring_probe(struct trace_writer *w)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;

	if (io_uring_queue_init(4, &w->ring, 0) < 0)
		return false;
	sqe = io_uring_get_sqe(&w->ring);
	if (sqe) {
		io_uring_prep_nop(sqe);
		if (io_uring_submit(&w->ring) == 1 && io_uring_wait_cqe(&w->ring, &cqe) == 0) {
			bool ok = cqe->res == 0;
			io_uring_cqe_seen(&w->ring, cqe);
			if (ok && (w->ring.features & IORING_FEAT_RW_CUR_POS))
				return true;
		}
	}
	io_uring_queue_exit(&w->ring);
	return false;
}

struct trace_writer *trace_writer_open(int fd, bool use_uring)
{
	struct trace_writer *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->fd = fd;
	w->count = 1;
	w->latency_ms = TRACE_WRITER_LATENCY_MS;
	w->uring_ok = use_uring && uring_probe(w);
	return w;
}

bool trace_writer_uses_uring(const struct trace_writer *w)
{
	return w->uring_ok;
}

int trace_writer_error(const struct trace_writer *w)
{
	return w->error;
}

/* Bytes after the last newline of a full buffer (not counting bytes
 * already written): a line still being appended. 0 when the buffer holds
 * no newline to cut at (a line longer than a buffer is cut anyway). */
static size_t partial_line_len(const struct trace_buf *b)
{
	for (size_t i = b->len; i > b->done; i--)
		if (b->data[i - 1] == '\n')
			return b->len - i;
	return 0;
}

int trace_writer_append(struct trace_writer *w, const char *s, size_t n)
{
	while (n > 0 && !w->error) {
		struct trace_buf *b = filling(w), *next;
		size_t room = BUF_SIZE - b->len, take = n < room ? n : room, tail;
		const char *carry;

		memcpy(b->data + b->len, s, take);
		b->len += take;
		s += take;
		n -= take;
		if (b->len < BUF_SIZE)
			break;
		/* Full: it is written up to its last newline and the line being
		 * appended moves on to the next buffer, so that only whole lines
		 * ever reach the target (a monitor killed between two writes
		 * leaves no torn line). Ticks hand off whole lines too, so a
		 * write in flight never reaches past that newline. */
		tail = partial_line_len(b);
		b->len -= tail;
		carry = b->data + b->len;	/* completions never touch data */
		if (w->uring_ok) {
			reap(w, false);
			if (b->len == 0) {
				/* The write that just completed was all of it
				 * (a tick's): the buffer is free again. */
				memmove(b->data, carry, tail);
				b->len = tail;
				continue;
			}
			/* Start the next buffer, making room if the ring is full. */
			while (w->count == NBUFS && !w->error) {
				submit_head(w, true);
				reap(w, true);
			}
			if (w->error)
				break;
			next = &w->bufs[(w->head + w->count) % NBUFS];
			memcpy(next->data, carry, tail);
			next->len = tail;
			next->done = 0;
			w->count++;
			submit_head(w, false);
			continue;
		}
		if (write_sync_head(w) < 0)
			break;
		/* One buffer only: written, it takes the partial line back. */
		memmove(b->data, carry, tail);
		b->len = tail;
		b->done = 0;
	}
	return w->error;
}

static bool due(struct trace_writer *w)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long)(now.tv_sec - w->last.tv_sec) * 1000 + (now.tv_nsec - w->last.tv_nsec) / 1000000;
	if (ms < (long)w->latency_ms)
		return false;
	w->last = now;
	return true;
}

void trace_writer_set_latency(struct trace_writer *w, unsigned ms)
{
	w->latency_ms = ms;
}

int trace_writer_tick(struct trace_writer *w)
{
	struct trace_buf *b = &w->bufs[w->head];

	if (w->error || b->done >= b->len || !due(w))
		return w->error;
	if (w->uring_ok) {
		/* Bytes appended later go past the submitted range: the kernel
		 * reads only [done, len) as it was at submission. Line mode
		 * waits for a write still in flight, or this line would stay
		 * buffered until the next event, however long the guest
		 * blocks meanwhile. */
		reap(w, w->latency_ms == 0);
		submit_head(w, true);
		return w->error;
	}
	return write_sync_head(w);
}

int trace_writer_flush(struct trace_writer *w)
{
	if (w->uring_ok) {
		while (!w->error && (w->count > 1 || w->bufs[w->head].done < w->bufs[w->head].len ||
				     w->in_flight)) {
			submit_head(w, true);
			if (!w->in_flight)
				break;
			reap(w, true);
		}
		return w->error;
	}
	return write_sync_head(w);
}

int trace_writer_close(struct trace_writer *w)
{
	int err;

	if (!w)
		return 0;
	trace_writer_flush(w);
	err = w->error;
	if (w->uring_ok) {
		reap(w, true);
		io_uring_queue_exit(&w->ring);
	}
	if (w->fd > 2 && close(w->fd) < 0 && !err && errno != EINTR)
		err = -errno;
	free(w);
	return err;
}
