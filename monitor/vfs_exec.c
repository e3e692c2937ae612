/* exec for the path layer (vfs.c): the #! interpreter and PT_INTERP the
 * kernel would open by host path, resolved in the guest's namespace. See
 * doc/design.md. */
#include "monitor/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

struct exec_ctx {
	struct umv_call *call;
	struct mon_thread *t;
	const char *exec_host;	/* the program's host path */
	char *exec_canon;	/* its canonical guest path (updated for scripts) */
	const char *elf_path;	/* the program for the guest ld.so to open */
	bool at;		/* execveat: dirfd, path, argv, envp, flags */
	bool exec_via_ldso;	/* the exec goes through the guest's ld.so */
	char *execfn;		/* the name the kernel would put in AT_EXECFN */
};

/* ---- exec: interpreters the kernel would open by host path ----
 * The kernel opens a script's #! interpreter and an ELF's PT_INTERP itself,
 * by the host path written in the file. When the guest's namespace maps
 * such a path elsewhere (-r ROOT), the monitor reads the headers, resolves
 * the interpreters in the guest's namespace and execs the result itself:
 * the script's interpreter with the kernel's argv ([interp, optarg,
 * script, args...]), a dynamic ELF through its guest ld.so
 * ([ld.so, --argv0, argv0, program, args...]). */

struct exec_item {
	uint64_t ptr;		/* a guest string (argv as passed) ... */
	char *str;		/* ... or one of ours */
};

struct exec_plan {
	struct exec_item *items;
	size_t n, cap;
};

static int plan_insert(struct exec_plan *pl, size_t at, uint64_t ptr, const char *str)
{
	char *copy = NULL;

	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? pl->cap * 2 : 64;
		struct exec_item *grown = realloc(pl->items, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		pl->items = grown;
		pl->cap = cap;
	}
	if (str && !(copy = strdup(str)))
		return -ENOMEM;
	memmove(&pl->items[at + 1], &pl->items[at], (pl->n - at) * sizeof(*pl->items));
	pl->items[at].ptr = ptr;
	pl->items[at].str = copy;
	pl->n++;
	return 0;
}

static void plan_free(struct exec_plan *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		free(pl->items[i].str);
	free(pl->items);
}

#define EXEC_MAX_ARGS 4096	/* beyond: the interpreter is not redirected */

static int read_argv(struct umv_call *call, uint64_t argv, bool ptr32, struct exec_plan *pl)
{
	size_t psize = ptr32 ? 4 : 8;

	if (!argv)
		return 0;
	for (size_t i = 0; i < EXEC_MAX_ARGS; i++) {
		uint64_t p = 0;
		int rc;

		if (umv_vm_read(call, argv + i * psize, &p, psize) != (ssize_t)psize)
			return -EFAULT;
		if (!p)
			return 0;
		if ((rc = plan_insert(pl, pl->n, p, NULL)) < 0)
			return rc;
	}
	return -E2BIG;
}

/* PT_INTERP of the ELF in HDR (N bytes read from FD), malloc'd, or NULL. */
static char *elf_interp(int fd, const unsigned char *hdr, size_t n)
{
	bool is64 = hdr[4] == 2;
	uint64_t phoff, off, filesz;
	unsigned phnum, phentsize;
	char *interp;

	if (n < 52 || memcmp(hdr, "\177ELF", 4) != 0 || (hdr[4] != 1 && hdr[4] != 2))
		return NULL;
	if (is64) {
		if (n < 64)
			return NULL;
		memcpy(&phoff, hdr + 32, 8);
		phentsize = (unsigned)(hdr[54] | hdr[55] << 8);
		phnum = (unsigned)(hdr[56] | hdr[57] << 8);
	} else {
		uint32_t o;
		memcpy(&o, hdr + 28, 4);
		phoff = o;
		phentsize = (unsigned)(hdr[42] | hdr[43] << 8);
		phnum = (unsigned)(hdr[44] | hdr[45] << 8);
	}
	if (phentsize < (is64 ? 56u : 32u) || phnum > 512)
		return NULL;
	for (unsigned i = 0; i < phnum; i++) {
		unsigned char ph[56];
		uint32_t type;

		if (pread(fd, ph, phentsize > sizeof(ph) ? sizeof(ph) : phentsize,
			  (off_t)(phoff + (uint64_t)i * phentsize)) < (is64 ? 56 : 32))
			return NULL;
		memcpy(&type, ph, 4);
		if (type != 3)	/* PT_INTERP */
			continue;
		if (is64) {
			memcpy(&off, ph + 8, 8);
			memcpy(&filesz, ph + 32, 8);
		} else {
			uint32_t o, f;
			memcpy(&o, ph + 4, 4);
			memcpy(&f, ph + 16, 4);
			off = o;
			filesz = f;
		}
		if (filesz < 2 || filesz > PATH_MAX || !(interp = malloc(filesz + 1)))
			return NULL;
		if (pread(fd, interp, filesz, (off_t)off) != (ssize_t)filesz) {
			free(interp);
			return NULL;
		}
		interp[filesz] = '\0';
		return interp;
	}
	return NULL;
}

/* Resolves an interpreter path the way the kernel looks it up (from the
 * guest's cwd, following links). */
/* *SAME: the kernel, given PATH as written, reaches *HOST itself (no
 * mount in the way, links only where guest and host paths agree). */
static int resolve_interp(struct mon_thread *t, const char *path, char **host, char **canon,
			  bool *same)
{
	struct umv_path_result res = { 0 };
	int rc;

	rc = mon_vfs_resolve(t, NULL, path, UMV_PATH_GUEST_CALL, &res);
	if (rc == 0 && !res.host)
		rc = -ENOENT;
	if (rc == 0) {
		*same = res.passthrough || strcmp(res.host, path) == 0;
		*host = res.host;
		res.host = NULL;
		if (canon) {
			free(*canon);
			*canon = res.guest;
			res.guest = NULL;
		}
	}
	umv_path_result_free(&res);
	return rc;
}

/* 0: nothing to change; 1: PL and *EXE describe the exec to run; -errno
 * for the guest. */
static int plan_exec(struct exec_ctx *vc, const char *file, struct exec_plan *pl, char **exe)
{
	struct umv_call *call = vc->call;
	char *cur_host = strdup(vc->exec_host), *cur_guest = strdup(file);
	bool need = false, ptr32 = call->sc.arch == SC_ARCH_I386;
	int rc = 0;

	if (!cur_host || !cur_guest)
		rc = -ENOMEM;
	if (rc == 0)
		rc = read_argv(call, call->sc.args[vc->at ? 2 : 1], ptr32, pl);
	for (int depth = 0; rc >= 0 && depth < 5; depth++) {
		unsigned char hdr[256];
		struct stat st;
		ssize_t n;
		int fd;

		/* Only a regular file can be executed; opening anything else
		 * could block (a FIFO waits for a writer: seen with trinity)
		 * or act (a device): the kernel gives its own answer. */
		if (stat(cur_host, &st) < 0 || !S_ISREG(st.st_mode))
			break;
		fd = open(cur_host, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0)
			break;	/* the kernel gives its own answer */
		n = pread(fd, hdr, sizeof(hdr) - 1, 0);
		if (n >= 2 && hdr[0] == '#' && hdr[1] == '!') {
			char *line = (char *)hdr + 2, *interp, *arg = NULL, *end, *ihost = NULL;

			close(fd);
			hdr[n] = '\0';
			if ((end = strchr(line, '\n')))
				*end = '\0';
			while (*line == ' ' || *line == '\t')
				line++;
			interp = line;
			while (*line && *line != ' ' && *line != '\t')
				line++;
			if (*line) {
				*line++ = '\0';
				while (*line == ' ' || *line == '\t')
					line++;
				end = line + strlen(line);
				while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
					*--end = '\0';
				if (*line)
					arg = line;
			}
			if (!*interp)
				break;	/* ENOEXEC from the kernel */
			bool same = false;

			if ((rc = resolve_interp(vc->t, interp, &ihost, &vc->exec_canon, &same)) < 0)
				break;
			need |= !same;
			/* argv[0] goes; interp, [arg], the script's path come first. */
			if (pl->n > 0) {
				free(pl->items[0].str);
				memmove(&pl->items[0], &pl->items[1], (pl->n - 1) * sizeof(*pl->items));
				pl->n--;
			}
			if ((rc = plan_insert(pl, 0, 0, cur_guest)) < 0 ||
			    (arg && (rc = plan_insert(pl, 0, 0, arg)) < 0) ||
			    (rc = plan_insert(pl, 0, 0, interp)) < 0) {
				free(ihost);
				break;
			}
			free(cur_guest);
			free(cur_host);
			cur_guest = strdup(interp);
			cur_host = ihost;
			if (!cur_guest)
				rc = -ENOMEM;
			continue;
		}
		char *interp = n > 0 ? elf_interp(fd, hdr, (size_t)n) : NULL;
		close(fd);
		if (interp) {
			char *lhost = NULL;
			bool same = true;

			if (resolve_interp(vc->t, interp, &lhost, NULL, &same) == 0 && !same) {
				vc->exec_via_ldso = true;
				uint64_t argv0 = pl->n ? pl->items[0].ptr : 0;
				char *argv0s = pl->n && pl->items[0].str ? strdup(pl->items[0].str) : NULL;

				/* [ld.so, --argv0, argv0, program, args...] */
				if (pl->n) {
					free(pl->items[0].str);
					memmove(&pl->items[0], &pl->items[1],
						(pl->n - 1) * sizeof(*pl->items));
					pl->n--;
				}
				if ((rc = plan_insert(pl, 0, 0, depth == 0 && vc->elf_path ?
							   vc->elf_path : cur_guest)) == 0 &&
				    (rc = plan_insert(pl, 0, argv0s ? 0 : argv0,
						      argv0s ? argv0s : (argv0 ? NULL : cur_guest))) == 0 &&
				    (rc = plan_insert(pl, 0, 0, "--argv0")) == 0)
					rc = plan_insert(pl, 0, 0, interp);
				free(argv0s);
				free(cur_host);
				cur_host = lhost;
				lhost = NULL;
				need = true;
			}
			free(lhost);
			free(interp);
		}
		break;
	}
	free(cur_guest);
	if (rc < 0 || !need) {
		free(cur_host);
		/* too many args, or an argv we cannot read (the kernel checks the
		 * program first: EACCES before EFAULT): left to the kernel */
		return rc == -E2BIG || rc == -EFAULT ? 0 : rc;
	}
	*exe = cur_host;
	return 1;
}

/* Writes *EXE, the strings and the argv array into the slot. */
static int write_exec(struct exec_ctx *vc, const struct exec_plan *pl, const char *exe)
{
	struct umv_call *call = vc->call;
	size_t psize = call->sc.arch == SC_ARCH_I386 ? 4 : 8;
	size_t used = strlen(exe) + 1, strs = 0, arr;
	uint64_t slot, at;
	char *buf;
	int rc;

	for (size_t i = 0; i < pl->n; i++)
		if (pl->items[i].str)
			strs += strlen(pl->items[i].str) + 1;
	arr = (used + strs + 7) & ~(size_t)7;
	if (arr + (pl->n + 1) * psize > MON_SCRATCH_SLOT_SIZE)
		return -E2BIG;
	if ((rc = mon_scratch_slot(vc->t, call->sc.audit_arch, &slot)) < 0)
		return rc;
	if (!(buf = calloc(1, arr + (pl->n + 1) * psize)))
		return -ENOMEM;
	memcpy(buf, exe, used);
	at = used;
	for (size_t i = 0; i < pl->n; i++) {
		uint64_t p = pl->items[i].ptr;
		if (pl->items[i].str) {
			size_t len = strlen(pl->items[i].str) + 1;
			memcpy(buf + at, pl->items[i].str, len);
			p = slot + at;
			at += len;
		}
		if (psize == 4) {
			uint32_t p32 = (uint32_t)p;
			memcpy(buf + arr + i * 4, &p32, 4);
		} else {
			memcpy(buf + arr + i * 8, &p, 8);
		}
	}
	if (umv_vm_write(call, slot, buf, arr + (pl->n + 1) * psize) !=
	    (ssize_t)(arr + (pl->n + 1) * psize)) {
		free(buf);
		mon_scratch_lost(vc->t);
		rc = mon_scratch_slot(vc->t, call->sc.audit_arch, &slot);
		return rc < 0 ? rc : -EFAULT;
	}
	free(buf);
	free(vc->t->slot_written);
	vc->t->slot_written = NULL;
	if (vc->at) {
		/* execveat(AT_FDCWD, interpreter, argv, envp, flags): the flags
		 * were about the program, which is now an argument. */
		uint64_t fdcwd = psize == 4 ? (uint32_t)AT_FDCWD : (uint64_t)(int64_t)AT_FDCWD;

		call->regs[0] = fdcwd;
		call->regs[1] = slot;
		call->regs[2] = slot + arr;
		call->regs[4] = call->sc.args[4] & ~(uint64_t)(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
		call->changed |= 0x17u;
		return 0;
	}
	call->regs[0] = slot;
	call->regs[1] = slot + arr;
	call->changed |= 3u;
	return 0;
}

/* execve, execveat: 1 when the exec was redirected through a guest interpreter, 0
 * for the ordinary rewrite, or -errno (-EINPROGRESS: scratch mmap first). */
static int exec_redirect(struct exec_ctx *vc)
{
	struct exec_plan pl = { 0 };
	const uint64_t *a = vc->call->sc.args;
	char path[PATH_MAX], file[PATH_MAX + 32], *exe = NULL;
	int dirfd = (int)a[0];
	ssize_t n;
	int rc;

	if (!vc->at) {
		if (umv_vm_read_str(vc->call, a[0], file, sizeof(file)) <= 0)
			return 0;
	} else {
		struct stat st;

		if ((n = umv_vm_read_str(vc->call, a[1], path, sizeof(path))) < 0)
			return 0;
		/* A link with AT_SYMLINK_NOFOLLOW: the kernel's ELOOP. */
		if ((a[4] & AT_SYMLINK_NOFOLLOW) && lstat(vc->exec_host, &st) == 0 &&
		    S_ISLNK(st.st_mode))
			return 0;
		/* The name the kernel gives a script's interpreter. */
		if (path[0] == '/' || dirfd == AT_FDCWD)
			snprintf(file, sizeof(file), "%s", path);
		else if (n == 0)
			snprintf(file, sizeof(file), "/dev/fd/%d", dirfd);
		else
			snprintf(file, sizeof(file), "/dev/fd/%d/%s", dirfd, path);
		/* ld.so opens the program by name after the exec, when a
		 * close-on-exec fd is gone: its guest path where known. */
		vc->elf_path = vc->exec_canon;
	}
	rc = plan_exec(vc, file, &pl, &exe);
	if (rc == 1) {
		rc = write_exec(vc, &pl, exe);
		if (rc == 0) {
			rc = 1;
			vc->execfn = strdup(file);	/* NULL: left as it comes */
		}
	}
	free(exe);
	plan_free(&pl);
	return rc;
}

int mon_vfs_exec_redirect(struct umv_call *call, const char *host, char **canon, bool *via_ldso,
			  char **execfn)
{
	struct exec_ctx vc = { .call = call, .t = call->thread, .exec_host = host,
			       .exec_canon = *canon, .at = call->sc.id == SC_ID_execveat };
	int rc = exec_redirect(&vc);

	*canon = vc.exec_canon;
	*via_ldso = vc.exec_via_ldso;
	*execfn = vc.execfn;
	return rc;
}

/* ---- AT_EXECFN after a redirected exec ----
 * The kernel copies the filename it was given (our interpreter's host
 * path) to the top of the new stack and points AT_EXECFN at it. At the
 * exec stop, before any guest instruction runs, the guest's own name goes
 * there instead when it fits in the string's bytes (the host path of an
 * interpreter in a rootfs is nearly always longer); otherwise it is left. */
int mon_vfs_execfn_fix(pid_t pid, const char *name)
{
	char path[64], cur[PATH_MAX];
	unsigned char ident[5], aux[4096];
	size_t word, nlen = strlen(name) + 1;
	uint64_t at = 0;
	ssize_t n;
	int fd;

	/* The image's word size: the auxv entries are that wide. */
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = pread(fd, ident, sizeof(ident), 0);
	close(fd);
	if (n != (ssize_t)sizeof(ident) || memcmp(ident, "\177ELF", 4) != 0)
		return -ENOEXEC;
	word = ident[4] == 2 ? 8 : 4;
	snprintf(path, sizeof(path), "/proc/%d/auxv", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, aux, sizeof(aux));
	close(fd);
	for (ssize_t off = 0; n > 0 && off + 2 * (ssize_t)word <= n; off += 2 * (ssize_t)word) {
		uint64_t type = 0, val = 0;

		memcpy(&type, aux + off, word);
		memcpy(&val, aux + off + word, word);
		if (type == 0)
			break;
		if (type == 31) {	/* AT_EXECFN */
			at = val;
			break;
		}
	}
	if (!at)
		return -ENOENT;
	struct iovec local = { cur, sizeof(cur) }, remote = { (void *)(uintptr_t)at, sizeof(cur) };
	/* The string ends the stack: read what is mapped of it. */
	n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	if (n <= 0)
		return -EFAULT;
	if (!memchr(cur, '\0', (size_t)n) || strlen(cur) + 1 < nlen)
		return -ENAMETOOLONG;
	local.iov_base = (void *)name;
	local.iov_len = remote.iov_len = nlen;
	if (process_vm_writev(pid, &local, 1, &remote, 1, 0) != (ssize_t)nlen)
		return -EFAULT;
	return 0;
}
