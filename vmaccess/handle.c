/* Handles, backend selection and the fallback chain for reads and writes. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "vmaccess/vma_internal.h"

static const char *const backend_names[VMA_BACKEND_COUNT] = {
	[VMA_BACKEND_AUTO] = "auto",
	[VMA_BACKEND_PROCESS_VM] = "process_vm",
	[VMA_BACKEND_PROC_MEM] = "proc_mem",
	[VMA_BACKEND_PTRACE] = "ptrace",
};

const char *vma_backend_name(enum vma_backend backend)
{
	if ((unsigned)backend >= VMA_BACKEND_COUNT)
		return "unknown";
	return backend_names[backend];
}

int vma_backend_parse(const char *name, enum vma_backend *out)
{
	if (!name || !out)
		return -EINVAL;
	for (int b = 0; b < VMA_BACKEND_COUNT; b++) {
		if (strcmp(name, backend_names[b]) == 0) {
			*out = (enum vma_backend)b;
			return 0;
		}
	}
	return -EINVAL;
}

/* A zero-length transfer never looks at the target, so it only tells
 * whether the system call itself is available (kernel config, seccomp). */
static void probe_process_vm(struct vma *vma)
{
	if (process_vm_readv(vma->pid, NULL, 0, NULL, 0, 0) < 0)
		vma->refused[VMA_DIR_READ][VMA_BACKEND_PROCESS_VM] = ENOSYS;
	if (process_vm_writev(vma->pid, NULL, 0, NULL, 0, 0) < 0)
		vma->refused[VMA_DIR_WRITE][VMA_BACKEND_PROCESS_VM] = ENOSYS;
}

int vma_open(struct vma **out, pid_t pid, enum vma_backend force)
{
	if (!out || pid <= 0 || (unsigned)force >= VMA_BACKEND_COUNT)
		return -EINVAL;
	*out = NULL;
	if (force == VMA_BACKEND_AUTO) {
		const char *env = getenv("UMVISOR_VMACCESS_BACKEND");
		if (env && *env && vma_backend_parse(env, &force) < 0)
			return -EINVAL;
	}
	long page = sysconf(_SC_PAGESIZE);
	if (page <= 0 || (page & (page - 1)))
		return -EINVAL;

	struct vma *vma = calloc(1, sizeof(*vma));
	if (!vma)
		return -ENOMEM;
	vma->pid = pid;
	vma->forced = force;
	vma->last_used = VMA_BACKEND_AUTO;
	vma->mem_fd = -1;
	vma->page_size = (size_t)page;
	if (force == VMA_BACKEND_AUTO || force == VMA_BACKEND_PROCESS_VM)
		probe_process_vm(vma);
	if (force == VMA_BACKEND_PROCESS_VM &&
	    vma->refused[VMA_DIR_READ][VMA_BACKEND_PROCESS_VM]) {
		free(vma);
		return -ENOSYS;
	}
	*out = vma;
	return 0;
}

void vma_close(struct vma *vma)
{
	if (!vma)
		return;
	vma_mem_close(vma);
	free(vma);
}

int vma_set_pid(struct vma *vma, pid_t pid)
{
	if (!vma || pid <= 0)
		return -EINVAL;
	vma_mem_close(vma);
	vma->pid = pid;
	/* Permission refusals depend on the image (an exec can make the guest
	 * dumpable again); ENOSYS is about the system and stays. */
	for (int d = 0; d < VMA_DIR_COUNT; d++)
		for (int b = 0; b < VMA_BACKEND_COUNT; b++)
			if (vma->refused[d][b] != ENOSYS)
				vma->refused[d][b] = 0;
	return 0;
}

void vma_set_stopped_tid(struct vma *vma, pid_t tid)
{
	if (vma)
		vma->stopped_tid = tid > 0 ? tid : 0;
}

enum vma_backend vma_backend_in_use(const struct vma *vma)
{
	return vma ? vma->last_used : VMA_BACKEND_AUTO;
}

static bool backend_selected(const struct vma *vma, enum vma_backend b)
{
	return vma->forced == VMA_BACKEND_AUTO || vma->forced == b;
}

enum vma_backend vma_first_backend(const struct vma *vma, enum vma_dir dir)
{
	for (int b = VMA_BACKEND_PROCESS_VM; b < VMA_BACKEND_COUNT; b++) {
		if (!backend_selected(vma, (enum vma_backend)b) || vma->refused[dir][b])
			continue;
		if (b == VMA_BACKEND_PTRACE && vma->stopped_tid == 0)
			continue;
		return (enum vma_backend)b;
	}
	return VMA_BACKEND_AUTO;
}

void vma_refuse(struct vma *vma, enum vma_dir dir, enum vma_backend b, long err)
{
	vma->refused[dir][b] = (int)-err;
}

long vma_public_error(long err)
{
	switch (-err) {
	case EFAULT: case ESRCH: case EPERM: case ENAMETOOLONG:
	case EINVAL: case ENOMEM: case ENOSYS:
		return err;
	case EACCES:
		return -EPERM;
	default:
		/* EIO and friends: the kernel could not reach the memory. */
		return -EFAULT;
	}
}

/* What to report when no backend could even try: -EPERM if any of them was
 * refused access, -ENOSYS if they are all unavailable. The ptrace backend
 * without a declared stopped thread counts as "not ptrace-stopped by us". */
static long nothing_tried(const struct vma *vma, enum vma_dir dir)
{
	bool skipped_ptrace = false;
	for (int b = VMA_BACKEND_PROCESS_VM; b < VMA_BACKEND_COUNT; b++) {
		if (!backend_selected(vma, (enum vma_backend)b))
			continue;
		int why = vma->refused[dir][b];
		if (why == EPERM || why == EACCES)
			return -EPERM;
		if (!why && b == VMA_BACKEND_PTRACE && vma->stopped_tid == 0)
			skipped_ptrace = true;
	}
	if (skipped_ptrace && vma->forced == VMA_BACKEND_PTRACE)
		return -ESRCH;
	return -ENOSYS;
}

typedef ssize_t (*read_fn)(struct vma *, uint64_t, void *, size_t);
typedef ssize_t (*write_fn)(struct vma *, uint64_t, const void *, size_t);

static const read_fn readers[VMA_BACKEND_COUNT] = {
	[VMA_BACKEND_PROCESS_VM] = vma_pvm_read,
	[VMA_BACKEND_PROC_MEM] = vma_mem_read,
	[VMA_BACKEND_PTRACE] = vma_ptrace_read,
};

static const write_fn writers[VMA_BACKEND_COUNT] = {
	[VMA_BACKEND_PROCESS_VM] = vma_pvm_write,
	[VMA_BACKEND_PROC_MEM] = vma_mem_write,
	[VMA_BACKEND_PTRACE] = vma_ptrace_write,
};

/* One backend, any length: chunks stay under the kernel's silent truncation
 * so a short chunk always means a hole. */
static ssize_t backend_io(struct vma *vma, enum vma_backend b, enum vma_dir dir,
			  uint64_t addr, void *rbuf, const void *wbuf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		size_t chunk = len - done;
		if (chunk > VMA_CHUNK_MAX)
			chunk = VMA_CHUNK_MAX;
		ssize_t n = dir == VMA_DIR_READ
			? readers[b](vma, addr + done, (char *)rbuf + done, chunk)
			: writers[b](vma, addr + done, (const char *)wbuf + done, chunk);
		if (n < 0)
			return done ? (ssize_t)done : n;
		done += (size_t)n;
		if ((size_t)n < chunk)
			break;
	}
	return (ssize_t)done;
}

static ssize_t check_args(const struct vma *vma, const void *buf, size_t len)
{
	if (!vma || (!buf && len) || len > SSIZE_MAX)
		return -EINVAL;
	return 0;
}

ssize_t vma_read(struct vma *vma, uint64_t addr, void *buf, size_t len)
{
	ssize_t r = check_args(vma, buf, len);
	if (r < 0 || len == 0)
		return r;
	if (vma_clamp_range(addr, &len) < 0)
		return -EFAULT;
	for (;;) {
		enum vma_backend b = vma_first_backend(vma, VMA_DIR_READ);
		if (b == VMA_BACKEND_AUTO)
			return nothing_tried(vma, VMA_DIR_READ);
		r = backend_io(vma, b, VMA_DIR_READ, addr, buf, NULL, len);
		if (r >= 0) {
			vma->last_used = b;
			return r;
		}
		if (!vma_is_refusal(r))
			return vma_public_error(r);
		vma_refuse(vma, VMA_DIR_READ, b, r);
	}
}

/* process_vm_writev honours page protections and does not grow the stack,
 * /proc/PID/mem and POKEDATA force the access: whatever one backend could
 * not write, the next one gets to try before we report a fault. */
ssize_t vma_write(struct vma *vma, uint64_t addr, const void *buf, size_t len)
{
	ssize_t r = check_args(vma, buf, len);
	if (r < 0 || len == 0)
		return r;
	size_t limit = len;
	if (vma_clamp_range(addr, &limit) < 0)
		return -EFAULT;
	size_t done = 0;
	bool faulted = false;
	for (int b = VMA_BACKEND_PROCESS_VM; b < VMA_BACKEND_COUNT; b++) {
		if (!backend_selected(vma, (enum vma_backend)b) ||
		    vma->refused[VMA_DIR_WRITE][b])
			continue;
		if (b == VMA_BACKEND_PTRACE && vma->stopped_tid == 0)
			continue;
		r = backend_io(vma, (enum vma_backend)b, VMA_DIR_WRITE, addr + done,
			       NULL, (const char *)buf + done, limit - done);
		if (r > 0) {
			vma->last_used = (enum vma_backend)b;
			done += (size_t)r;
			if (done == limit)
				break;
			faulted = true;
		} else if (r == -EFAULT || r == -EIO) {
			faulted = true;
		} else if (vma_is_refusal(r)) {
			vma_refuse(vma, VMA_DIR_WRITE, (enum vma_backend)b, r);
		} else {
			return done ? (ssize_t)done : vma_public_error(r);
		}
	}
	if (done)
		return (ssize_t)done;
	if (faulted)
		return -EFAULT;
	return nothing_tried(vma, VMA_DIR_WRITE);
}
