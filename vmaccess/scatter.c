/* Scatter reads: many remote ranges, one result per range.
 *
 * process_vm_readv walks its remote iovecs in order and stops at the first
 * page it cannot read, returning only the total. So with a short total the
 * ranges fully inside it are complete, the one it ends in is the faulting
 * range (a short count, or -EFAULT if it got nothing), and the ones after
 * it were never tried: they go into the next call. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vmaccess/vma_internal.h"

/* Ranges per system call: small enough for the stack, big enough that the
 * usual scatter (a few arguments of one syscall) is one call. */
#define SCATTER_BATCH 64

static bool preset(const struct vma_range *r)
{
	return r->len == 0 || r->addr >= VMA_ADDR_LIMIT ||
	       r->len > VMA_ADDR_LIMIT - r->addr || r->len > VMA_CHUNK_MAX;
}

int vma_pvm_readv(struct vma *vma, const struct vma_range *ranges, size_t n,
		  ssize_t *results)
{
	struct iovec local[SCATTER_BATCH], remote[SCATTER_BATCH];
	size_t index[SCATTER_BATCH];
	size_t next = 0;
	while (next < n) {
		size_t count = 0, total = 0;
		for (; next < n && count < SCATTER_BATCH; next++) {
			const struct vma_range *r = &ranges[next];
			if (preset(r))
				continue;
			if (total + r->len > VMA_CHUNK_MAX)
				break;
			local[count] = (struct iovec){ .iov_base = r->buf, .iov_len = r->len };
			remote[count] = (struct iovec){
				.iov_base = (void *)(uintptr_t)r->addr, .iov_len = r->len };
			index[count++] = next;
			total += r->len;
		}
		if (count == 0)
			break;
		ssize_t got = process_vm_readv(vma->pid, local, count, remote, count, 0);
		if (got < 0) {
			if (errno != EFAULT)
				return -errno;
			got = 0;
		}
		size_t left = (size_t)got;
		for (size_t i = 0; i < count; i++) {
			size_t len = remote[i].iov_len;
			if (left >= len) {
				results[index[i]] = (ssize_t)len;
				left -= len;
				continue;
			}
			results[index[i]] = left ? (ssize_t)left : -EFAULT;
			next = index[i] + 1;
			break;
		}
	}
	return 0;
}

int vma_readv(struct vma *vma, const struct vma_range *ranges, size_t n,
	      ssize_t *results)
{
	if (!vma || (n && (!ranges || !results)))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if ((!ranges[i].buf && ranges[i].len) || ranges[i].len > SSIZE_MAX)
			return -EINVAL;
	}
	bool batched = false;
	if (vma_first_backend(vma, VMA_DIR_READ) == VMA_BACKEND_PROCESS_VM) {
		int r = vma_pvm_readv(vma, ranges, n, results);
		if (r == 0) {
			batched = true;
			vma->last_used = VMA_BACKEND_PROCESS_VM;
		} else if (vma_is_refusal(r)) {
			vma_refuse(vma, VMA_DIR_READ, VMA_BACKEND_PROCESS_VM, r);
		} else {
			return (int)vma_public_error(r);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (batched && !preset(&ranges[i]))
			continue;
		ssize_t got = vma_read(vma, ranges[i].addr, ranges[i].buf, ranges[i].len);
		if (got < 0 && got != -EFAULT)
			return (int)got;
		results[i] = got;
	}
	return 0;
}
