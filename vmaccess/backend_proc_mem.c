/* Backend 2: pread/pwrite on /proc/PID/mem. The kernel forces the access
 * (FOLL_FORCE, unless booted with proc_mem.force_override=never), so it
 * writes read-only mappings and reads PROT_NONE ones. A hole reads as EIO;
 * an fd whose address space is gone (exit, exec) reads as end of file. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "vmaccess/vma_internal.h"

void vma_mem_close(struct vma *vma)
{
	if (vma->mem_fd >= 0)
		close(vma->mem_fd);
	vma->mem_fd = -1;
	vma->mem_fd_writable = false;
}

static int open_errno(int err)
{
	if (err == ENOENT || err == ESRCH) {
		/* No /proc at all (chroot, container) is not a dead pid. */
		if (access("/proc/self/mem", F_OK) < 0)
			return -ENOSYS;
		return -ESRCH;
	}
	if (err == EACCES || err == EPERM)
		return -EACCES;
	return -err;
}

/* Opened lazily: read-write when allowed, else read-only so reads still
 * work and writes fall through to the next backend. */
static int mem_open(struct vma *vma)
{
	char path[32];
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)vma->pid);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	bool writable = true;
	if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EROFS)) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		writable = false;
	}
	if (fd < 0)
		return open_errno(errno);
	vma->mem_fd = fd;
	vma->mem_fd_writable = writable;
	return 0;
}

static ssize_t mem_io(struct vma *vma, enum vma_dir dir, uint64_t addr,
		      void *rbuf, const void *wbuf, size_t len)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (vma->mem_fd < 0) {
			int r = mem_open(vma);
			if (r < 0)
				return r;
		}
		if (dir == VMA_DIR_WRITE && !vma->mem_fd_writable)
			return -EACCES;
		ssize_t n = dir == VMA_DIR_READ
			? pread(vma->mem_fd, rbuf, len, (off_t)addr)
			: pwrite(vma->mem_fd, wbuf, len, (off_t)addr);
		if (n > 0)
			return n;
		if (n < 0)
			return errno == EIO ? -EFAULT : -errno;
		/* End of file: the address space this fd was opened on is gone.
		 * Reopen once in case the pid now runs a new image. */
		vma_mem_close(vma);
	}
	return -ESRCH;
}

ssize_t vma_mem_read(struct vma *vma, uint64_t addr, void *buf, size_t len)
{
	return mem_io(vma, VMA_DIR_READ, addr, buf, NULL, len);
}

ssize_t vma_mem_write(struct vma *vma, uint64_t addr, const void *buf, size_t len)
{
	return mem_io(vma, VMA_DIR_WRITE, addr, NULL, buf, len);
}
