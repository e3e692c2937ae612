/* Private to libvmaccess: the handle layout and the backend contract. */
#ifndef UMV_VMA_INTERNAL_H
#define UMV_VMA_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vmaccess/vmaccess.h"

enum vma_dir { VMA_DIR_READ, VMA_DIR_WRITE, VMA_DIR_COUNT };

/* Guest addresses at or above this are never user memory; keeping every
 * range below it also keeps /proc/PID/mem offsets positive. */
#define VMA_ADDR_LIMIT ((uint64_t)(UINTPTR_MAX >> 1) + 1)

/* The kernel silently truncates one transfer to MAX_RW_COUNT (a little under
 * 2 GiB); handing backends at most this much makes every short count mean
 * "hole here" rather than "truncated". */
#define VMA_CHUNK_MAX ((size_t)1 << 30)

struct vma {
	pid_t pid;
	pid_t stopped_tid;		/* 0: none declared, ptrace backend unusable */
	enum vma_backend forced;	/* VMA_BACKEND_AUTO: walk the chain */
	enum vma_backend last_used;	/* VMA_BACKEND_AUTO until a call succeeds */
	/* errno (ENOSYS/EPERM/EACCES) that switched a backend off for one
	 * direction on this handle; 0 while it is usable. */
	int refused[VMA_DIR_COUNT][VMA_BACKEND_COUNT];
	int mem_fd;			/* /proc/PID/mem, -1 until first use */
	bool mem_fd_writable;
	size_t page_size;
};

/* Backend contract: called with 0 < LEN <= VMA_CHUNK_MAX and
 * ADDR + LEN <= VMA_ADDR_LIMIT. Returns the bytes transferred, in (0, LEN]
 * (a short count means the byte at ADDR + count is not accessible), or
 * -EFAULT (nothing accessible at ADDR), -ESRCH (gone), -ENOSYS/-EPERM/-EACCES
 * (this backend is refused), or another -errno. */
ssize_t vma_pvm_read(struct vma *vma, uint64_t addr, void *buf, size_t len);
ssize_t vma_pvm_write(struct vma *vma, uint64_t addr, const void *buf, size_t len);
/* One process_vm_readv for many ranges; see scatter.c. */
int vma_pvm_readv(struct vma *vma, const struct vma_range *ranges, size_t n,
		  ssize_t *results);

ssize_t vma_mem_read(struct vma *vma, uint64_t addr, void *buf, size_t len);
ssize_t vma_mem_write(struct vma *vma, uint64_t addr, const void *buf, size_t len);
void vma_mem_close(struct vma *vma);

ssize_t vma_ptrace_read(struct vma *vma, uint64_t addr, void *buf, size_t len);
ssize_t vma_ptrace_write(struct vma *vma, uint64_t addr, const void *buf, size_t len);

/* True when ERR (negative) says the backend is switched off, not that the
 * address or the process is bad. */
static inline bool vma_is_refusal(long err)
{
	return err == -ENOSYS || err == -EPERM || err == -EACCES;
}

/* The backend the next call in direction DIR would try first, or
 * VMA_BACKEND_AUTO when none is left. */
enum vma_backend vma_first_backend(const struct vma *vma, enum vma_dir dir);

/* Records a refusal so later calls skip the backend. */
void vma_refuse(struct vma *vma, enum vma_dir dir, enum vma_backend b, long err);

/* Folds any -errno into the documented closed set (see vmaccess.h). */
long vma_public_error(long err);

/* Clamps [ADDR, ADDR + *LEN) below VMA_ADDR_LIMIT; -EFAULT if nothing is left. */
static inline int vma_clamp_range(uint64_t addr, size_t *len)
{
	if (addr >= VMA_ADDR_LIMIT)
		return -EFAULT;
	if (*len > VMA_ADDR_LIMIT - addr)
		*len = (size_t)(VMA_ADDR_LIMIT - addr);
	return 0;
}

#endif
