/* Backend 3: PTRACE_PEEKDATA/POKEDATA, one word per system call. Works only
 * on a thread that is ptrace-stopped by the caller (vma_set_stopped_tid),
 * forces the access like /proc/PID/mem, and is the last resort. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmaccess/vma_internal.h"

typedef unsigned long word_t;
#define WORD_SIZE sizeof(word_t)

/* The raw call: glibc's wrapper returns the word and leaves errors only in
 * errno, where a word of -1 and a failure look the same. */
static int peek(pid_t tid, uint64_t addr, word_t *out)
{
	if (syscall(SYS_ptrace, PTRACE_PEEKDATA, tid, (uintptr_t)addr, out) < 0)
		return -errno;
	return 0;
}

static int poke(pid_t tid, uint64_t addr, word_t value)
{
	if (syscall(SYS_ptrace, PTRACE_POKEDATA, tid, (uintptr_t)addr, value) < 0)
		return -errno;
	return 0;
}

/* The kernel answers EIO both for a hole and for a tracee we may not look
 * at (undumpable, and we lack CAP_SYS_PTRACE). Opening /proc/PID/mem runs
 * the same permission check and tells the two apart; without /proc we
 * cannot, and report the fault. */
static bool access_refused(pid_t pid)
{
	char path[32];
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == EACCES || errno == EPERM;
}

/* Maps a failure on the first word of a transfer. */
static ssize_t first_word_error(const struct vma *vma, int err)
{
	if (err == -EIO || err == -EFAULT)
		return access_refused(vma->pid) ? -EPERM : -EFAULT;
	if (err == -EPERM)
		return -EPERM;
	return err;
}

ssize_t vma_ptrace_read(struct vma *vma, uint64_t addr, void *buf, size_t len)
{
	pid_t tid = vma->stopped_tid;
	uint64_t word_addr = addr & ~(uint64_t)(WORD_SIZE - 1);
	size_t skip = (size_t)(addr - word_addr);
	size_t done = 0;
	while (done < len) {
		word_t w;
		int r = peek(tid, word_addr, &w);
		if (r < 0) {
			if (done)
				return (ssize_t)done;
			return first_word_error(vma, r);
		}
		size_t take = WORD_SIZE - skip;
		if (take > len - done)
			take = len - done;
		memcpy((char *)buf + done, (char *)&w + skip, take);
		done += take;
		skip = 0;
		word_addr += WORD_SIZE;
	}
	return (ssize_t)done;
}

ssize_t vma_ptrace_write(struct vma *vma, uint64_t addr, const void *buf, size_t len)
{
	pid_t tid = vma->stopped_tid;
	uint64_t word_addr = addr & ~(uint64_t)(WORD_SIZE - 1);
	size_t skip = (size_t)(addr - word_addr);
	size_t done = 0;
	while (done < len) {
		size_t take = WORD_SIZE - skip;
		if (take > len - done)
			take = len - done;
		word_t w = 0;
		int r = 0;
		/* A partial word keeps the guest's other bytes. */
		if (take < WORD_SIZE)
			r = peek(tid, word_addr, &w);
		if (r == 0) {
			memcpy((char *)&w + skip, (const char *)buf + done, take);
			r = poke(tid, word_addr, w);
		}
		if (r < 0) {
			if (done)
				return (ssize_t)done;
			return first_word_error(vma, r);
		}
		done += take;
		skip = 0;
		word_addr += WORD_SIZE;
	}
	return (ssize_t)done;
}
