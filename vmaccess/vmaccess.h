/* libvmaccess: read and write the memory of another process.
 *
 * Knows nothing of syscalls, modules or ptrace stops. Every function returns
 * a non-negative value on success or a negative errno; errno is never left
 * as a side channel. The closed set of codes:
 *
 *   -EFAULT       the guest address range is not (fully) mapped / accessible
 *                 (for reads: nothing readable at ADDR; a read that reads
 *                 some bytes and then hits a hole returns the short count)
 *   -ESRCH        the process is gone (or, for the ptrace backend, not
 *                 ptrace-stopped by us)
 *   -EPERM        every backend was refused access (the guest is undumpable
 *                 or we lack ptrace rights over it): VMA_ENOACCESS
 *   -ENAMETOOLONG a string had no NUL within the given size
 *   -EINVAL       bad arguments (NULL buffer with a length, zero size, ...)
 *   -ENOMEM       allocation failure in the library
 *   -ENOSYS       the forced backend is not usable on this system
 *
 * Backends, tried in this order unless one is forced:
 *   process_vm_readv/writev  -> /proc/PID/mem (pread/pwrite)  -> PTRACE_PEEK/POKE
 * A backend refused with ENOSYS/EPERM/EACCES is skipped for good on this
 * handle; a write that faults through process_vm_writev (read-only mapping,
 * not-yet-grown stack) is retried through the next backend before -EFAULT.
 *
 * The environment variable UMVISOR_VMACCESS_BACKEND=process_vm|proc_mem|ptrace
 * forces a backend for handles opened with VMA_BACKEND_AUTO.
 */
#ifndef UMV_VMACCESS_H
#define UMV_VMACCESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define VMA_ENOACCESS EPERM

enum vma_backend {
	VMA_BACKEND_AUTO = 0,
	VMA_BACKEND_PROCESS_VM,
	VMA_BACKEND_PROC_MEM,
	VMA_BACKEND_PTRACE,
	VMA_BACKEND_COUNT
};

/* One handle per guest address space. */
struct vma;

/* A remote range for scatter reads. */
struct vma_range {
	uint64_t addr;
	void *buf;
	size_t len;
};

/* Open a handle on PID's memory. FORCE = VMA_BACKEND_AUTO picks by probe
 * (and honours UMVISOR_VMACCESS_BACKEND); anything else uses only that
 * backend. Returns 0 and sets *OUT, or -errno. */
int vma_open(struct vma **out, pid_t pid, enum vma_backend force);
void vma_close(struct vma *vma);

/* Retarget the handle: after an exec the old /proc/PID/mem no longer refers
 * to the new image, and after a de-thread the pid may change. Cheap. */
int vma_set_pid(struct vma *vma, pid_t pid);

/* The ptrace backend must address a thread that is ptrace-stopped by the
 * caller; the other backends ignore this. Cheap (no syscall). */
void vma_set_stopped_tid(struct vma *vma, pid_t tid);

/* Read LEN bytes at ADDR. Returns LEN, a short count (stopped at the first
 * unreadable byte), or -errno (-EFAULT when not even one byte is readable). */
ssize_t vma_read(struct vma *vma, uint64_t addr, void *buf, size_t len);

/* Write LEN bytes at ADDR; read-only mappings are written through the
 * backends that can force the access. Same return convention as vma_read. */
ssize_t vma_write(struct vma *vma, uint64_t addr, const void *buf, size_t len);

/* Scatter read: N ranges in as few syscalls as possible (one
 * process_vm_readv with N remote iovecs when that backend is in use).
 * RESULTS[i] receives the bytes read for range i (len, or a short count),
 * or -EFAULT. Returns 0, or -errno for failures that are not per range
 * (-ESRCH, -EPERM, -EINVAL, -ENOMEM). */
int vma_readv(struct vma *vma, const struct vma_range *ranges, size_t n,
	      ssize_t *results);

/* Read a NUL-terminated string of at most SIZE - 1 bytes into BUF (always
 * NUL-terminated on success). Never reads across a page boundary in one call
 * unless the next page is known to be mapped; a string that ends right before
 * an unmapped page reads fine. Returns the length (without NUL), -EFAULT
 * (unmapped before a NUL was found), -ENAMETOOLONG (no NUL within SIZE - 1
 * bytes), or another -errno. */
ssize_t vma_read_str(struct vma *vma, uint64_t addr, char *buf, size_t size);

/* Write STR including its NUL at ADDR. Returns the bytes written
 * (strlen + 1) or -errno. */
ssize_t vma_write_str(struct vma *vma, uint64_t addr, const char *str);

/* The backend that served the last successful call (for logs and tests). */
enum vma_backend vma_backend_in_use(const struct vma *vma);
const char *vma_backend_name(enum vma_backend backend);
/* Parse "process_vm" / "proc_mem" / "ptrace" / "auto"; -EINVAL otherwise. */
int vma_backend_parse(const char *name, enum vma_backend *out);

#endif
