/* vmacat: dump another process's memory through libvmaccess.
 *   vmacat [-b BACKEND] [-s] PID ADDR LEN
 * hex-dumps LEN bytes at ADDR (or, with -s, prints the NUL-terminated string
 * at ADDR, reading at most LEN bytes). With -b ptrace it stops the target
 * with PTRACE_SEIZE + PTRACE_INTERRUPT for the read and detaches after. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmaccess/vmaccess.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmacat [-b process_vm|proc_mem|ptrace|auto] [-s] PID ADDR LEN\n"
		"  hex-dump LEN bytes of process PID's memory at ADDR (hex with 0x, or decimal);\n"
		"  -s prints the NUL-terminated string at ADDR instead (at most LEN - 1 bytes).\n"
		"  UMVISOR_VMACCESS_BACKEND picks the backend when -b is not given.\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		return -1;
	*out = v;
	return 0;
}

static void hexdump(uint64_t addr, const unsigned char *p, size_t len)
{
	for (size_t off = 0; off < len; off += 16) {
		size_t n = len - off < 16 ? len - off : 16;
		printf("%016" PRIx64 "  ", addr + off);
		for (size_t i = 0; i < 16; i++) {
			if (i < n)
				printf("%02x ", p[off + i]);
			else
				printf("   ");
			if (i == 7)
				putchar(' ');
		}
		printf(" |");
		for (size_t i = 0; i < n; i++)
			putchar(p[off + i] >= 0x20 && p[off + i] < 0x7f ? p[off + i] : '.');
		printf("|\n");
	}
}

/* Stops PID for the ptrace backend; returns 0 or -errno. */
static int seize_and_stop(pid_t pid)
{
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
		return -errno;
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0)
		return -errno;
	int status;
	if (waitpid(pid, &status, __WALL) < 0)
		return -errno;
	if (!WIFSTOPPED(status))
		return -ESRCH;
	return 0;
}

static const char *explain(long err)
{
	switch (-err) {
	case EFAULT: return "address not mapped in the target";
	case ESRCH: return "no such process (or not ptrace-stopped by us)";
	case EPERM: return "access refused by every backend (undumpable target or no ptrace rights)";
	case ENAMETOOLONG: return "no NUL within LEN bytes";
	case ENOSYS: return "backend not available on this system";
	default: return strerror((int)-err);
	}
}

int main(int argc, char **argv)
{
	enum vma_backend backend = VMA_BACKEND_AUTO;
	bool string = false;
	int opt;
	while ((opt = getopt(argc, argv, "b:sh")) != -1) {
		switch (opt) {
		case 'b':
			if (vma_backend_parse(optarg, &backend) < 0) {
				fprintf(stderr, "vmacat: unknown backend '%s'\n", optarg);
				usage(stderr);
				return 2;
			}
			break;
		case 's':
			string = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	uint64_t pid, addr, len;
	if (argc - optind != 3 || parse_u64(argv[optind], &pid) < 0 || pid == 0 ||
	    pid > INT_MAX || parse_u64(argv[optind + 1], &addr) < 0 ||
	    parse_u64(argv[optind + 2], &len) < 0) {
		usage(stderr);
		return 2;
	}
	if (len > (64u << 20)) {
		fprintf(stderr, "vmacat: LEN %" PRIu64 " is over the 64 MiB limit\n", len);
		return 2;
	}
	if (string && len == 0) {
		fprintf(stderr, "vmacat: -s needs LEN >= 1\n");
		return 2;
	}

	struct vma *vma;
	int r = vma_open(&vma, (pid_t)pid, backend);
	if (r < 0) {
		const char *env = getenv("UMVISOR_VMACCESS_BACKEND");
		if (r == -EINVAL && backend == VMA_BACKEND_AUTO && env && *env)
			fprintf(stderr, "vmacat: UMVISOR_VMACCESS_BACKEND='%s' is not "
				"process_vm, proc_mem, ptrace or auto\n", env);
		else
			fprintf(stderr, "vmacat: cannot open pid %" PRIu64 " with backend %s: %s\n",
				pid, vma_backend_name(backend), explain(r));
		return 1;
	}
	bool attached = false;
	if (backend == VMA_BACKEND_PTRACE) {
		r = seize_and_stop((pid_t)pid);
		if (r < 0) {
			fprintf(stderr, "vmacat: cannot ptrace-stop pid %" PRIu64 ": %s\n",
				pid, strerror(-r));
			vma_close(vma);
			return 1;
		}
		attached = true;
		vma_set_stopped_tid(vma, (pid_t)pid);
	}

	unsigned char *buf = malloc(len ? len : 1);
	int status = 0;
	if (!buf) {
		fprintf(stderr, "vmacat: out of memory\n");
		status = 1;
	} else if (string) {
		ssize_t n = vma_read_str(vma, addr, (char *)buf, len);
		if (n < 0) {
			fprintf(stderr, "vmacat: string at 0x%" PRIx64 ": %s\n", addr, explain(n));
			status = 1;
		} else {
			printf("%s\n", (char *)buf);
		}
	} else {
		ssize_t n = vma_read(vma, addr, buf, len);
		if (n < 0) {
			fprintf(stderr, "vmacat: read at 0x%" PRIx64 ": %s\n", addr, explain(n));
			status = 1;
		} else {
			hexdump(addr, buf, (size_t)n);
			if ((uint64_t)n < len) {
				fprintf(stderr, "vmacat: short read: %zd of %" PRIu64
					" bytes, 0x%" PRIx64 " is not mapped\n", n, len, addr + n);
				status = 1;
			}
		}
	}
	if (status == 0)
		fprintf(stderr, "vmacat: read through %s\n",
			vma_backend_name(vma_backend_in_use(vma)));
	free(buf);
	vma_close(vma);
	if (attached)
		ptrace(PTRACE_DETACH, (pid_t)pid, 0, 0);
	return status;
}
