/* Backend 1: process_vm_readv/writev, one copy straight between the two
 * address spaces. Honours page protections (no FOLL_FORCE): a read-only or
 * PROT_NONE page faults here even where the other backends succeed. */
#include <errno.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vmaccess/vma_internal.h"

static ssize_t pvm_result(ssize_t n)
{
	if (n > 0)
		return n;
	/* 0 for a non-empty transfer cannot come from a healthy kernel;
	 * treat it as a fault rather than loop on it. */
	return n == 0 ? -EFAULT : -errno;
}

ssize_t vma_pvm_read(struct vma *vma, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	return pvm_result(process_vm_readv(vma->pid, &local, 1, &remote, 1, 0));
}

ssize_t vma_pvm_write(struct vma *vma, uint64_t addr, const void *buf, size_t len)
{
	struct iovec local = { .iov_base = (void *)buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	return pvm_result(process_vm_writev(vma->pid, &local, 1, &remote, 1, 0));
}
