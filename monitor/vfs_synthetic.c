/* Synthetic files: content a module generates for a path the guest opens
 * (/proc/self/status with virtual ids, for instance). The content is
 * written to a new file in a private directory of the monitor and the
 * open's path argument is pointed at it, so read, lseek, mmap and fstat
 * all run natively on the answer. The file is unlinked at the call's exit
 * (the descriptor keeps it); one left by a call that never returned goes
 * with the thread's next one, and the directory at the monitor's exit. */
#include "monitor/dispatch.h"
#include "syscalls/syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct synth_pending {
	pid_t tid;
	char *path;
};

static char *synth_dir;		/* created at the first use */
static struct synth_pending *pending;
static size_t npending;
static unsigned long serial;

static int dir_ready(void)
{
	const char *tmp = getenv("TMPDIR");

	if (synth_dir)
		return 0;
	if (asprintf(&synth_dir, "%s/umvisor-synth.XXXXXX",
		     tmp && tmp[0] == '/' ? tmp : "/tmp") < 0) {
		synth_dir = NULL;
		return -ENOMEM;
	}
	if (!mkdtemp(synth_dir)) {
		int rc = -errno;

		mon_log(MON_LOG_ERROR, "cannot create a directory for synthetic files %s: %s",
			synth_dir, strerror(-rc));
		free(synth_dir);
		synth_dir = NULL;
		return rc;
	}
	return 0;
}

static struct synth_pending *pending_of(pid_t tid)
{
	for (size_t i = 0; i < npending; i++)
		if (pending[i].tid == tid)
			return &pending[i];
	return NULL;
}

/* Forget (and unlink) TID's file, if any. */
static void drop_pending(pid_t tid)
{
	struct synth_pending *p = pending_of(tid);

	if (!p)
		return;
	unlink(p->path);
	free(p->path);
	*p = pending[--npending];
}

static int add_pending(pid_t tid, char *path)
{
	struct synth_pending *grown = realloc(pending, (npending + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	pending = grown;
	pending[npending].tid = tid;
	pending[npending].path = path;
	npending++;
	return 0;
}

/* A new file holding DATA; its path in *OUT. */
static int materialize(pid_t tid, const void *data, size_t len, char **out)
{
	const char *p = data;
	char *path;
	int fd, rc = 0;

	if ((rc = dir_ready()) < 0)
		return rc;
	if (asprintf(&path, "%s/%d-%lu", synth_dir, (int)tid, serial++) < 0)
		return -ENOMEM;
	/* Read-only, like the /proc files this usually stands for: a
	 * write open gets EACCES as it would there. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0) {
		rc = -errno;
		free(path);
		return rc;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0) {
		unlink(path);
		free(path);
		return rc;
	}
	*out = path;
	return 0;
}

int umv_call_redirect_content(struct umv_call *call, unsigned idx, const void *data,
			      size_t len)
{
	pid_t tid;
	char *path = NULL;
	int rc;

	if (!call || idx >= 6 || (!data && len))
		return -EINVAL;
	if (call->phase != MON_PHASE_ENTER)
		return -EPERM;
	if (idx >= call->sc.nargs || call->sc.kinds[idx] != SC_K_PATH)
		return -EINVAL;
	tid = call->thread->tid;
	drop_pending(tid);	/* a call that never came back */
	if ((rc = materialize(tid, data, len, &path)) < 0)
		return rc;
	if ((rc = add_pending(tid, path)) < 0) {
		unlink(path);
		free(path);
		return rc;
	}
	if ((rc = umv_call_set_arg_buf(call, idx, path, strlen(path) + 1)) < 0) {
		drop_pending(tid);	/* -EINPROGRESS included: made anew next time */
		return rc;
	}
	call->post_mask |= MON_POST_SYNTH;
	return 0;
}

void mon_synthetic_leave(struct umv_call *call)
{
	drop_pending(call->thread->tid);
}

void mon_synthetic_fini(void)
{
	for (size_t i = 0; i < npending; i++) {
		unlink(pending[i].path);
		free(pending[i].path);
	}
	free(pending);
	pending = NULL;
	npending = 0;
	if (synth_dir) {
		rmdir(synth_dir);
		free(synth_dir);
		synth_dir = NULL;
	}
}
