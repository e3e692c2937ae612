/* fakeroot: /proc/PID/status as root would read it. An open of
 * /proc/{self,thread-self,PID,PID/task/TID}/status of a guest thread is
 * served with the real file's text where the Uid:, Gid: (real, effective,
 * saved, fs) and Groups: lines show the thread's virtual credentials
 * (umv_call_redirect_content). Other processes' files stay real. */
#include "modules/fakeroot/fakeroot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GUEST_AT_FDCWD (-100)
#define STATUS_MAX (256 * 1024)	/* far above a real status file */

/* Parses a decimal pid at *S (advancing it); 0 if none. */
static pid_t parse_pid(const char **s)
{
	char *end;
	long v;

	if (**s < '1' || **s > '9')
		return 0;
	v = strtol(*s, &end, 10);
	if (v <= 0 || v > INT_MAX)
		return 0;
	*s = end;
	return (pid_t)v;
}

/* Which thread's status PATH (absolute, guest's view) is: *PID the
 * process whose file it is, *TID the thread whose credentials it shows.
 * False for anything else. */
static bool status_target(const char *path, pid_t self_pid, pid_t self_tid, pid_t *pid,
			  pid_t *tid)
{
	const char *s;

	if (strncmp(path, "/proc/", 6) != 0)
		return false;
	s = path + 6;
	if (strncmp(s, "thread-self/", 12) == 0) {
		*pid = self_pid;
		*tid = self_tid;
		return strcmp(s + 12, "status") == 0;
	}
	if (strncmp(s, "self/", 5) == 0) {
		*pid = self_pid;
		s += 5;
	} else if (!(*pid = parse_pid(&s)) || *s++ != '/') {
		return false;
	}
	*tid = *pid;		/* the thread-group leader's */
	if (strncmp(s, "task/", 5) == 0) {
		s += 5;
		if (!(*tid = parse_pid(&s)) || *s++ != '/')
			return false;
	}
	return strcmp(s, "status") == 0;
}

/* The guest's path for NAME relative to DIRFD, when that directory is a
 * /proc one (procps-like readers open "status" under a /proc/PID fd). */
static bool relative_path(struct umv_call *call, int dirfd, const char *name, char *out,
			  size_t size)
{
	char link[64], dir[PATH_MAX];
	ssize_t n;
	int len;

	if (dirfd == GUEST_AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)umv_call_tid(call));
	else if (dirfd >= 0)
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)umv_call_tid(call), dirfd);
	else
		return false;
	n = readlink(link, dir, sizeof(dir) - 1);
	if (n <= 0)
		return false;
	dir[n] = '\0';
	len = snprintf(out, size, "%s/%s", dir, name);
	return len > 0 && (size_t)len < size;
}

static char *read_file(const char *path, size_t *len)
{
	size_t cap = 4096, used = 0;
	char *buf = malloc(cap), *grown;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	for (;;) {
		if (used == cap) {
			if (cap >= STATUS_MAX || !(grown = realloc(buf, cap * 2)))
				break;
			buf = grown;
			cap *= 2;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	*len = used;
	return buf;
}

/* The real TEXT with the id lines replaced; NULL when out of memory. */
static char *edit_status(const char *text, size_t len, const struct fr_creds *c, size_t *out_len)
{
	char *out = NULL;
	size_t out_size = 0;
	FILE *f = open_memstream(&out, &out_size);
	const char *line = text, *end = text + len;

	if (!f)
		return NULL;
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) + 1 : (size_t)(end - line);

		if (n >= 4 && strncmp(line, "Uid:", 4) == 0) {
			fprintf(f, "Uid:\t%u\t%u\t%u\t%u\n", c->ruid, c->euid, c->suid, c->fsuid);
		} else if (n >= 4 && strncmp(line, "Gid:", 4) == 0) {
			fprintf(f, "Gid:\t%u\t%u\t%u\t%u\n", c->rgid, c->egid, c->sgid, c->fsgid);
		} else if (n >= 7 && strncmp(line, "Groups:", 7) == 0) {
			/* As the kernel prints it: a space after the last one. */
			fputs("Groups:\t", f);
			for (size_t i = 0; i < c->ngroups; i++)
				fprintf(f, i ? " %u" : "%u", c->groups[i]);
			fputs(" \n", f);
		} else {
			fwrite(line, 1, n, f);
		}
		line += n;
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	*out_len = out_size;
	return out;
}

enum umv_verdict fr_status_enter(struct fr_state *st, struct umv_call *call, int dirfd_idx,
				 unsigned path_idx)
{
	char guest[PATH_MAX], full[PATH_MAX + 64], real[64];
	const char *path = guest;
	pid_t self_pid = umv_call_pid(call), self_tid = umv_call_tid(call), pid, tid;
	const struct fr_creds *c;
	char *text, *edited;
	size_t len, edited_len;
	ssize_t n;
	int rc;

	n = umv_vm_read_str(call, umv_call_arg(call, path_idx), guest, sizeof(guest));
	if (n < 6 || strcmp(guest + n - 6, "status") != 0)
		return UMV_PASS;	/* the common case: one read, one compare */
	if (guest[0] != '/') {
		int dirfd = dirfd_idx >= 0 ? (int)(int32_t)umv_call_arg(call, (unsigned)dirfd_idx) :
					     GUEST_AT_FDCWD;
		if (!relative_path(call, dirfd, guest, full, sizeof(full)))
			return UMV_PASS;
		path = full;
	}
	if (!status_target(path, self_pid, self_tid, &pid, &tid))
		return UMV_PASS;
	/* Only guest threads have virtual ids: the caller's own process is
	 * one (created on first sight), others are known from their clone. */
	if (pid == self_pid && (tid == self_tid || tid == self_pid))
		c = fr_creds_of(&st->threads, tid, self_pid);
	else
		c = fr_creds_find(&st->threads, tid);
	if (!c)
		return UMV_PASS;
	if (pid == tid)
		snprintf(real, sizeof(real), "/proc/%d/status", (int)pid);
	else
		snprintf(real, sizeof(real), "/proc/%d/task/%d/status", (int)pid, (int)tid);
	if (!(text = read_file(real, &len)))
		return UMV_PASS;	/* gone, or not a thread of PID: the kernel's answer */
	edited = edit_status(text, len, c, &edited_len);
	free(text);
	if (!edited) {
		umv_log(st->mod, UMV_LOG_WARN, "out of memory: %s read with the real ids", guest);
		return UMV_PASS;
	}
	rc = umv_call_redirect_content(call, path_idx, edited, edited_len);
	free(edited);
	if (rc == -EINPROGRESS)
		return UMV_PASS;	/* asked again once the scratch area is mapped */
	if (rc < 0) {
		umv_log(st->mod, UMV_LOG_WARN, "%s: cannot serve the virtual ids: %s", guest,
			strerror(-rc));
		return UMV_PASS;
	}
	return UMV_REWRITE;
}
