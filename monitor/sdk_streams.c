/* SDK: module-owned stream fds (umv_stream_*). A module serves a directory
 * of nodes; each open of a node by the guest is redirected to a fresh FIFO
 * whose other end the monitor holds, so the guest's fd is a real kernel fd
 * (read, poll, dup, fork, exec, close_range and SCM_RIGHTS are the
 * kernel's, with no stop) and the module produces or consumes its bytes
 * on the stream thread. See doc/design.md ("Module-owned fds"). */
#include "monitor/dispatch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#define G_O_ACCMODE 03
#define G_O_RDONLY 00
#define G_O_WRONLY 01
#define G_O_CREAT 0100
#define G_O_EXCL 0200
#define G_O_DIRECTORY 0200000
#define G_O_PATH 010000000
#define G_AT_FDCWD (-100)
#define CHUNK 65536
/* Each stream holds a fd of the monitor's: past this many the guest's
 * open fails with ENFILE, and the monitor keeps fds for its own work. */
#define MAX_STREAMS 512
#define HOST_PATH_MAX (PATH_MAX + 64)

struct umv_stream {
	struct stream_dir *dir;
	unsigned mode;		/* UMV_STREAM_READ or UMV_STREAM_WRITE */
	int fd;			/* the monitor's end */
	int tmp_fd;		/* the other end, held until the guest has it */
	char *fifo;		/* its name until the guest's open returns */
	pid_t tid;		/* the opening thread, while pending */
	void *data;
	unsigned char *buf;	/* produced bytes the FIFO did not take yet */
	size_t off, len;
	struct umv_stream *next;
};

struct stream_dir {
	struct umv_mod *mod;
	char *root;		/* host: ROOT/nodes is bound at the guest dir */
	int root_lock;		/* its flock (private_dir.c), or -1 */
	char *nodes;
	size_t nodes_len;
	struct umv_stream_node *node;
	size_t nnodes;
	struct umv_stream_ops ops;
	unsigned long serial;
	int id_open, id_openat, id_openat2, id_creat;
};

#define MAX_DIRS 8
static struct stream_dir *dirs[MAX_DIRS];
static size_t ndirs;
static struct umv_stream *pending;	/* opens whose exit we wait for (main thread) */
static struct umv_stream *live;		/* served by the thread */
static struct umv_stream *added;	/* handed over, not yet taken by the thread */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t thread;
static bool thread_running;
static int wake_fd = -1;
static atomic_bool stopping;	/* read by the stream thread */
static size_t nstreams;		/* made and not yet freed (any thread) */

static struct stream_dir *dir_of(const struct umv_mod *mod)
{
	for (size_t i = 0; i < ndirs; i++)
		if (dirs[i]->mod == mod)
			return dirs[i];
	return NULL;
}

void umv_stream_set_data(struct umv_stream *s, void *data)
{
	if (s)
		s->data = data;
}

void *umv_stream_get_data(const struct umv_stream *s)
{
	return s ? s->data : NULL;
}

static void stream_free(struct umv_stream *s, bool release)
{
	if (release && s->dir->ops.release)
		s->dir->ops.release(s->dir->mod, s);
	if (s->fd >= 0)
		close(s->fd);
	if (s->tmp_fd >= 0)
		close(s->tmp_fd);
	if (s->fifo) {
		unlink(s->fifo);
		free(s->fifo);
	}
	free(s->buf);
	free(s);
	pthread_mutex_lock(&lock);
	nstreams--;
	pthread_mutex_unlock(&lock);
}

/* ---- set-up (init) ---- */

static int make_root(struct stream_dir *d)
{
	char *open_dir;
	int rc;

	/* Locked while we run; one a killed monitor left is removed. */
	if ((rc = mon_private_dir_make("umvisor-streams", &d->root, &d->root_lock)) < 0)
		return rc;
	if (chmod(d->root, 0755) < 0 || asprintf(&d->nodes, "%s/nodes", d->root) < 0 ||
	    mkdir(d->nodes, 0755) < 0)
		return errno ? -errno : -ENOMEM;
	if (asprintf(&open_dir, "%s/open", d->root) < 0)
		return -ENOMEM;
	if (mkdir(open_dir, 0755) < 0) {
		rc = -errno;
		free(open_dir);
		return rc;
	}
	free(open_dir);
	d->nodes_len = strlen(d->nodes);
	return 0;
}

static void remove_root(struct stream_dir *d)
{
	char path[HOST_PATH_MAX];

	if (!d->root)
		return;
	for (size_t i = 0; i < d->nnodes; i++) {
		snprintf(path, sizeof(path), "%s/%s", d->nodes, d->node[i].name);
		unlink(path);
	}
	rmdir(d->nodes);
	snprintf(path, sizeof(path), "%s/open", d->root);
	rmdir(path);
	rmdir(d->root);
}

static void dir_free(struct stream_dir *d)
{
	remove_root(d);
	for (size_t i = 0; i < d->nnodes; i++)
		free((char *)d->node[i].name);
	free(d->node);
	free(d->nodes);
	free(d->root);
	if (d->root_lock >= 0)
		close(d->root_lock);
	free(d);
}

static bool good_name(const char *name)
{
	return name && *name && strlen(name) < NAME_MAX && !strchr(name, '/') &&
	       strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

int umv_stream_dir(struct umv_mod *mod, const char *guest_dir, const struct umv_stream_node *nodes,
		   size_t n, const struct umv_stream_ops *ops)
{
	static const char *const opens[] = { "open", "openat", "openat2", "creat" };
	struct stream_dir *d;
	int rc;

	if (!mod || !guest_dir || guest_dir[0] != '/' || !nodes || n == 0 || !ops ||
	    ops->size < sizeof(struct umv_stream_ops))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!good_name(nodes[i].name) || !nodes[i].mode ||
		    (nodes[i].mode & ~(unsigned)(UMV_STREAM_READ | UMV_STREAM_WRITE)))
			return -EINVAL;
	if (!mod->in_init || mod->mount_point)
		return -EBUSY;	/* (runtime mounts: a stream thread outliving dlclose) */
	if (dir_of(mod) || ndirs == MAX_DIRS)
		return -EEXIST;
	if (!(d = calloc(1, sizeof(*d))) || !(d->node = calloc(n, sizeof(*d->node)))) {
		free(d);
		return -ENOMEM;
	}
	d->root_lock = -1;
	d->mod = mod;
	d->ops = *ops;
	d->id_open = umv_sysid("open");
	d->id_openat = umv_sysid("openat");
	d->id_openat2 = umv_sysid("openat2");
	d->id_creat = umv_sysid("creat");
	rc = make_root(d);
	/* The nodes are FIFOs: what an open of them really gives. */
	for (size_t i = 0; i < n && rc == 0; i++) {
		char path[HOST_PATH_MAX];
		mode_t perm = ((nodes[i].mode & UMV_STREAM_READ) ? 0444 : 0) |
			      ((nodes[i].mode & UMV_STREAM_WRITE) ? 0222 : 0);

		if (!(d->node[i].name = strdup(nodes[i].name))) {
			rc = -ENOMEM;
			break;
		}
		d->node[i].mode = nodes[i].mode;
		d->nnodes = i + 1;
		snprintf(path, sizeof(path), "%s/%s", d->nodes, nodes[i].name);
		if (mkfifo(path, perm) < 0 || chmod(path, perm) < 0)
			rc = -errno;
	}
	for (size_t i = 0; i < sizeof(opens) / sizeof(opens[0]) && rc == 0; i++)
		if ((rc = umv_want_syscall(mod, opens[i])) == -ENOENT)
			rc = 0;
	if (rc == 0)
		rc = umv_vfs_bind(mod, d->nodes, guest_dir, 0);
	if (rc < 0) {
		dir_free(d);
		return rc;
	}
	dirs[ndirs++] = d;
	return 0;
}

/* ---- the stream thread ---- */

/* READ stream: fill the FIFO. false when the stream is over. */
static bool serve_read(struct umv_stream *s)
{
	for (int rounds = 0; rounds < 16; rounds++) {
		ssize_t n;

		if (s->off == s->len) {
			n = s->dir->ops.produce(s->dir->mod, s, s->buf, CHUNK);
			if (n <= 0 || n > CHUNK)
				return false;	/* EOF, or the module's error: the guest reads EOF */
			s->off = 0;
			s->len = (size_t)n;
		}
		n = write(s->fd, s->buf + s->off, s->len - s->off);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;	/* EPIPE: the guest closed it */
		s->off += (size_t)n;
		if (s->off < s->len)
			return true;	/* full: wait for room */
	}
	return true;
}

/* WRITE stream: drain the FIFO. false when every writer is gone. */
static bool serve_write(struct umv_stream *s)
{
	ssize_t n = read(s->fd, s->buf, CHUNK);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (n == 0)
		return false;
	if (s->dir->ops.consume)
		s->dir->ops.consume(s->dir->mod, s, s->buf, (size_t)n);
	return true;
}

static void *stream_thread(void *arg)
{
	/* Sized for every stream there can be (nstreams <= MAX_STREAMS), so
	 * the loop never allocates: a thread retrying an allocation while
	 * the monitor is out of memory would leave the guest's read of a
	 * stream blocked for ever, and the monitor waiting for the guest. */
	struct pollfd pfd[MAX_STREAMS + 1];

	(void)arg;
	while (!atomic_load(&stopping)) {
		size_t n = 1, i;
		struct umv_stream *s, **pp;

		pthread_mutex_lock(&lock);
		while (added) {
			s = added;
			added = s->next;
			s->next = live;
			live = s;
		}
		pthread_mutex_unlock(&lock);
		pfd[0] = (struct pollfd){ .fd = wake_fd, .events = POLLIN };
		for (s = live; s && n < sizeof(pfd) / sizeof(pfd[0]); s = s->next, n++)
			pfd[n] = (struct pollfd){ .fd = s->fd,
						  .events = s->mode == UMV_STREAM_READ ? POLLOUT : POLLIN };
		if (poll(pfd, n, -1) < 0)
			continue;
		if (pfd[0].revents & POLLIN) {
			uint64_t v;
			if (read(wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
				break;
		}
		for (pp = &live, i = 1; *pp && i < n; i++) {
			bool keep = true;

			s = *pp;
			if (pfd[i].revents & POLLNVAL)
				keep = false;
			else if (s->mode == UMV_STREAM_READ && (pfd[i].revents & POLLERR))
				keep = false;	/* no reader left */
			else if (s->mode == UMV_STREAM_READ && (pfd[i].revents & POLLOUT))
				keep = serve_read(s);
			else if (s->mode == UMV_STREAM_WRITE && (pfd[i].revents & (POLLIN | POLLHUP)))
				keep = serve_write(s);
			if (keep) {
				pp = &s->next;
			} else {
				*pp = s->next;
				stream_free(s, true);
			}
		}
	}
	return NULL;
}

static int start_thread(void)
{
	sigset_t all, old;
	int rc;

	if (thread_running)
		return 0;
	if (wake_fd < 0 && (wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
		return -errno;
	/* Signals stay the main thread's (forwarding, job control). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&thread, NULL, stream_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		close(wake_fd);
		wake_fd = -1;
		return -rc;
	}
	thread_running = true;
	return 0;
}

static void wake(void)
{
	uint64_t one = 1;

	if (wake_fd >= 0 && write(wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		mon_log(MON_LOG_WARN, "streams: cannot wake the stream thread: %s", strerror(errno));
}

/* ---- one open ---- */

/* The host path argument IDX names, absolute and folded lexically (the
 * path layer rewrote it, or proved the guest's relative one reaches the
 * same object from its real cwd/dirfd). */
static int arg_path(struct umv_call *call, int dirfd_idx, unsigned idx, char *out, size_t size)
{
	char path[PATH_MAX], link[64];
	ssize_t n = umv_vm_read_str(call, umv_call_arg(call, idx), path, sizeof(path));
	int dirfd = dirfd_idx >= 0 ? (int)(int32_t)umv_call_arg(call, (unsigned)dirfd_idx) : G_AT_FDCWD;
	size_t used = 0;

	if (n <= 0)
		return n < 0 ? (int)n : -ENOENT;
	if (path[0] != '/') {
		ssize_t k;

		if (dirfd == G_AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)umv_call_tid(call));
		else if (dirfd >= 0)
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)umv_call_tid(call), dirfd);
		else
			return -EBADF;
		if ((k = readlink(link, out, size - 2)) < 0)
			return -errno;
		if (k == 0 || out[0] != '/')
			return -ENOTDIR;
		out[k] = '/';
		used = (size_t)k + 1;
	}
	if (used + (size_t)n >= size)
		return -ENAMETOOLONG;
	memcpy(out + used, path, (size_t)n + 1);
	return umv_path_fold(out);
}

static const struct umv_stream_node *node_of(struct stream_dir *d, const char *path)
{
	if (strncmp(path, d->nodes, d->nodes_len) != 0 || path[d->nodes_len] != '/')
		return NULL;
	for (size_t i = 0; i < d->nnodes; i++)
		if (strcmp(path + d->nodes_len + 1, d->node[i].name) == 0)
			return &d->node[i];
	return NULL;
}

static enum umv_verdict refuse(struct umv_call *call, int err)
{
	umv_call_set_result(call, -err);
	return UMV_EMULATE;
}

/* The FIFO for one open, with the monitor's end (and, until the guest's
 * open returns, a hold on the guest's end so neither open blocks). */
static int make_fifo(struct umv_stream *s)
{
	struct stream_dir *d = s->dir;

	if (asprintf(&s->fifo, "%s/open/%lu", d->root, d->serial++) < 0) {
		s->fifo = NULL;
		return -ENOMEM;
	}
	if (mkfifo(s->fifo, 0600) < 0)
		return -errno;
	if (s->mode == UMV_STREAM_READ) {
		/* A reader first, so the write end opens without blocking. */
		s->tmp_fd = open(s->fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		s->fd = s->tmp_fd < 0 ? -1 : open(s->fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	} else {
		s->fd = open(s->fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	}
	if (s->fd < 0)
		return -errno;
	if (!(s->buf = malloc(CHUNK)))
		return -ENOMEM;
	return 0;
}

enum umv_verdict umv_stream_enter(struct umv_mod *mod, struct umv_call *call)
{
	struct stream_dir *d = dir_of(mod);
	const struct umv_stream_node *node;
	char path[HOST_PATH_MAX];
	struct umv_stream *s;
	uint64_t flags;
	int sys, rc, dirfd_idx = -1;
	unsigned idx = 0;

	if (!d || !call)
		return UMV_PASS;
	sys = umv_call_sysid(call);
	if (sys == d->id_open) {
		flags = umv_call_arg(call, 1);
	} else if (sys == d->id_creat) {
		flags = G_O_CREAT | G_O_WRONLY;
	} else if (sys == d->id_openat) {
		flags = umv_call_arg(call, 2);
		dirfd_idx = 0;
		idx = 1;
	} else if (sys == d->id_openat2) {
		if (umv_vm_read(call, umv_call_arg(call, 2), &flags, sizeof(flags)) != (ssize_t)sizeof(flags))
			return UMV_PASS;	/* the kernel's EFAULT */
		dirfd_idx = 0;
		idx = 1;
	} else {
		return UMV_PASS;
	}
	if (flags & G_O_PATH)
		return UMV_PASS;	/* a handle on the node itself: no stream */
	if (arg_path(call, dirfd_idx, idx, path, sizeof(path)) < 0 || !(node = node_of(d, path)))
		return UMV_PASS;
	if (flags & G_O_DIRECTORY)
		return refuse(call, ENOTDIR);
	if ((flags & (G_O_CREAT | G_O_EXCL)) == (G_O_CREAT | G_O_EXCL))
		return refuse(call, EEXIST);
	if ((flags & G_O_ACCMODE) != G_O_RDONLY && (flags & G_O_ACCMODE) != G_O_WRONLY)
		return refuse(call, EINVAL);	/* a stream is one-way */
	unsigned mode = (flags & G_O_ACCMODE) == G_O_RDONLY ? UMV_STREAM_READ : UMV_STREAM_WRITE;
	if (!(node->mode & mode))
		return refuse(call, EACCES);
	/* A thread whose last open never came back (killed in it). */
	for (struct umv_stream **pp = &pending; *pp;) {
		if ((*pp)->tid == umv_call_tid(call)) {
			s = *pp;
			*pp = s->next;
			stream_free(s, true);
		} else {
			pp = &(*pp)->next;
		}
	}
	if ((rc = start_thread()) < 0) {
		mon_log(MON_LOG_ERROR, "streams: cannot start the stream thread: %s", strerror(-rc));
		return refuse(call, ENXIO);
	}
	pthread_mutex_lock(&lock);
	rc = nstreams < MAX_STREAMS ? 0 : -ENFILE;
	if (rc == 0)
		nstreams++;
	pthread_mutex_unlock(&lock);
	if (rc < 0) {
		static bool logged;
		mon_log_once(logged, MON_LOG_WARN, "streams: %d open streams: ENFILE for more", MAX_STREAMS);
		return refuse(call, ENFILE);
	}
	if (!(s = calloc(1, sizeof(*s)))) {
		pthread_mutex_lock(&lock);
		nstreams--;
		pthread_mutex_unlock(&lock);
		return refuse(call, ENOMEM);
	}
	s->dir = d;
	s->mode = mode;
	s->fd = s->tmp_fd = -1;
	s->tid = umv_call_tid(call);
	if ((rc = make_fifo(s)) < 0) {
		stream_free(s, false);
		return refuse(call, -rc);
	}
	if (d->ops.open && (rc = d->ops.open(mod, s, node->name, mode)) < 0) {
		stream_free(s, false);
		return refuse(call, -rc);
	}
	rc = umv_call_set_arg_buf(call, idx, s->fifo, strlen(s->fifo) + 1);
	if (rc == 0)
		rc = umv_call_want_leave(call);
	if (rc < 0) {
		stream_free(s, true);
		return rc == -EINPROGRESS ? UMV_PASS : refuse(call, -rc);	/* asked again after */
	}
	s->next = pending;
	pending = s;
	mon_log(MON_LOG_DEBUG, "streams: %d opens %s as %s", (int)s->tid, node->name, s->fifo);
	return UMV_REWRITE;
}

void umv_stream_leave(struct umv_mod *mod, struct umv_call *call, int64_t *result)
{
	struct umv_stream *s = NULL, **pp;

	if (!mod || !call || !result)
		return;
	for (pp = &pending; *pp; pp = &(*pp)->next)
		if ((*pp)->tid == umv_call_tid(call) && (*pp)->dir->mod == mod) {
			s = *pp;
			*pp = s->next;
			break;
		}
	if (!s)
		return;
	mon_log(MON_LOG_DEBUG, "streams: %d open of %s: %lld", (int)s->tid, s->fifo, (long long)*result);
	if (*result < 0) {
		stream_free(s, true);
		return;
	}
	/* The guest holds its end now: drop ours, and the name. */
	if (s->tmp_fd >= 0) {
		close(s->tmp_fd);
		s->tmp_fd = -1;
	}
	unlink(s->fifo);
	free(s->fifo);
	s->fifo = NULL;
	s->tid = 0;
	pthread_mutex_lock(&lock);
	s->next = added;
	added = s;
	pthread_mutex_unlock(&lock);
	wake();
}

/* What the guest wrote and the thread has not read yet (its last write
 * just before it exited) still reaches the module. */
static void drain(struct umv_stream *s)
{
	ssize_t n;

	if (s->mode != UMV_STREAM_WRITE || s->fd < 0 || !s->buf)
		return;
	while ((n = read(s->fd, s->buf, CHUNK)) > 0)
		if (s->dir->ops.consume)
			s->dir->ops.consume(s->dir->mod, s, s->buf, (size_t)n);
}

void umv_stream_stop(struct umv_mod *mod)
{
	struct stream_dir *d = dir_of(mod);
	struct umv_stream *s, **pp;
	struct umv_stream **lists[] = { &pending, &added, &live };

	if (!d)
		return;
	if (thread_running) {
		atomic_store(&stopping, true);
		wake();
		pthread_join(thread, NULL);
		thread_running = false;
		atomic_store(&stopping, false);
	}
	for (size_t k = 0; k < sizeof(lists) / sizeof(lists[0]); k++)
		for (pp = lists[k]; *pp;) {
			s = *pp;
			if (s->dir == d) {
				*pp = s->next;
				drain(s);
				stream_free(s, true);
			} else {
				pp = &s->next;
			}
		}
	for (size_t i = 0; i < ndirs; i++)
		if (dirs[i] == d) {
			dirs[i] = dirs[--ndirs];
			break;
		}
	dir_free(d);
	if (ndirs > 0 && (live || added) && start_thread() < 0)
		mon_log(MON_LOG_WARN, "streams: other modules' streams are no longer served");
	if (ndirs == 0 && wake_fd >= 0) {
		close(wake_fd);
		wake_fd = -1;
	}
}
