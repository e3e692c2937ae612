/* NUL-terminated strings. The kernel has no "read until NUL" primitive, so
 * we read in chunks that never run into a page not yet known to be mapped:
 * a string that ends just before an unmapped page must not fault. The
 * first chunk runs to the end of the first page (or SIZE), so a short path
 * costs one system call; every further chunk is one page. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "vmaccess/vma_internal.h"

/* PEEKDATA costs one system call per word whatever the chunk, so with the
 * ptrace backend we stop at the word that holds the NUL instead of reading
 * the rest of the page. */
static size_t chunk_limit(const struct vma *vma, uint64_t addr)
{
	size_t unit = vma_first_backend(vma, VMA_DIR_READ) == VMA_BACKEND_PTRACE
		? sizeof(unsigned long) : vma->page_size;
	return unit - (size_t)(addr & (unit - 1));
}

ssize_t vma_read_str(struct vma *vma, uint64_t addr, char *buf, size_t size)
{
	if (!vma || !buf || size == 0 || size > SSIZE_MAX)
		return -EINVAL;
	size_t got = 0;
	ssize_t result = -ENAMETOOLONG;
	while (got < size) {
		uint64_t at = addr + got;
		if (at < addr || at >= VMA_ADDR_LIMIT) {
			result = -EFAULT;
			break;
		}
		size_t want = chunk_limit(vma, at);
		if (want > size - got)
			want = size - got;
		ssize_t n = vma_read(vma, at, buf + got, want);
		if (n < 0) {
			result = n;
			break;
		}
		const char *nul = memchr(buf + got, '\0', (size_t)n);
		if (nul)
			return nul - buf;
		got += (size_t)n;
		if ((size_t)n < want) {
			result = -EFAULT;
			break;
		}
	}
	/* Never hand back an unterminated buffer, even on error. */
	buf[0] = '\0';
	return result;
}

ssize_t vma_write_str(struct vma *vma, uint64_t addr, const char *str)
{
	if (!vma || !str)
		return -EINVAL;
	size_t len = strlen(str) + 1;
	ssize_t n = vma_write(vma, addr, str, len);
	/* Half a string is no string: the caller must not point the guest at it. */
	if (n >= 0 && (size_t)n < len)
		return -EFAULT;
	return n;
}
