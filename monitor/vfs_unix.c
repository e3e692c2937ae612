/* AF_UNIX names for the path layer (vfs.c): the sun_path of bind, connect,
 * sendto and sendmsg resolved like a path, and the names getsockname,
 * getpeername, accept, accept4, recvfrom, recvmsg and recvmmsg give back
 * as guest paths. See doc/design.md. */
#include "monitor/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- AF_UNIX socket names ----
 * A sun_path is a path the kernel resolves (bind creates it, connect and
 * sendto follow it). It is rewritten like any path; a host path that does
 * not fit the 108 bytes of sun_path is reached through
 * /proc/MONITOR/fd/N/NAME (N an O_PATH descriptor of its directory the
 * monitor keeps open) or, for connect/sendto, a symlink in the private
 * directory. */

#define SUN_PATH_MAX 108

struct dir_fd {
	char *host;
	int fd;
};
static struct dir_fd *dir_fds;
static size_t ndir_fds;
static unsigned long short_links;

static int short_name(const char *host, bool creating, char *out, size_t cap)
{
	const char *slash = strrchr(host, '/');
	char *dir;
	int fd = -1;

	if (!creating) {
		char *link;
		const char *private_dir = mon_vfs_private_dir();

		if (!private_dir || asprintf(&link, "%s/s%lu", private_dir, short_links++) < 0)
			return -ENOMEM;
		if (strlen(link) >= cap || symlink(host, link) < 0) {
			free(link);
			return -ENAMETOOLONG;
		}
		snprintf(out, cap, "%s", link);
		free(link);
		return 0;
	}
	if (!slash || !(dir = strndup(host, slash == host ? 1 : (size_t)(slash - host))))
		return -ENOMEM;
	for (size_t i = 0; i < ndir_fds; i++)
		if (strcmp(dir_fds[i].host, dir) == 0)
			fd = dir_fds[i].fd;
	if (fd < 0) {
		struct dir_fd *grown = realloc(dir_fds, (ndir_fds + 1) * sizeof(*grown));
		if (!grown || (fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
			int rc = grown ? -errno : -ENOMEM;
			if (grown)
				dir_fds = grown;
			free(dir);
			return rc;
		}
		dir_fds = grown;
		dir_fds[ndir_fds].host = dir;
		dir_fds[ndir_fds++].fd = fd;
	} else {
		free(dir);
	}
	if ((size_t)snprintf(out, cap, "/proc/%d/fd/%d/%s", (int)getpid(), fd, slash + 1) >= cap)
		return -ENAMETOOLONG;
	return 0;
}

/* Rewrites the sockaddr at ADDR (LEN bytes) if it is a filesystem AF_UNIX
 * name. 0: untouched; 1: *NEW_ADDR and *NEW_LEN point into the slot; -errno. */
static int unix_name(struct umv_call *call, uint64_t addr, uint64_t len, bool creating,
		     uint64_t *new_addr, uint64_t *new_len)
{
	struct mon_thread *t = call->thread;
	unsigned char sa[2 + SUN_PATH_MAX + 1];
	struct umv_path_result res = { 0 };
	char name[SUN_PATH_MAX + 1], fit[SUN_PATH_MAX];
	const char *host;
	uint16_t family;
	size_t n;
	uint64_t slot;
	int rc;

	if (!addr || len <= 2 || len > 2 + SUN_PATH_MAX)
		return 0;	/* the kernel judges */
	if (umv_vm_read(call, addr, sa, len) != (ssize_t)len)
		return 0;	/* EFAULT from the kernel */
	memcpy(&family, sa, 2);
	if (family != AF_UNIX || sa[2] == '\0')
		return 0;	/* not AF_UNIX, or an abstract name */
	n = len - 2;
	memcpy(name, sa + 2, n);
	name[n] = '\0';	/* the kernel also accepts a name without its NUL */
	rc = mon_vfs_resolve(t, NULL, name, creating ? UMV_PATH_PARENT : 0, &res);
	if (rc < 0)
		return rc;
	if (creating && res.mount && (res.mount->flags & UMV_MOUNT_MAPPED) && res.host &&
	    (rc = mon_vfs_owned_create(call, &res)) < 0) {
		umv_path_result_free(&res);
		return rc;	/* a cow view: the socket goes to upper */
	}
	if (res.passthrough || (res.host && strcmp(res.host, name) == 0)) {
		umv_path_result_free(&res);
		return 0;
	}
	if (!res.host) {
		umv_path_result_free(&res);
		return creating ? -EACCES : -ECONNREFUSED;
	}
	host = res.host;
	if (res.host_len >= SUN_PATH_MAX) {
		if ((rc = short_name(res.host, creating, fit, sizeof(fit))) < 0) {
			umv_path_result_free(&res);
			return rc;
		}
		host = fit;
	}
	n = strlen(host);
	memset(sa + 2, 0, SUN_PATH_MAX);
	memcpy(sa + 2, host, n);
	umv_path_result_free(&res);
	if ((rc = mon_scratch_slot(t, call->sc.audit_arch, &slot)) < 0)
		return rc;
	if (umv_vm_write(call, slot + SLOT_SOCKADDR, sa, 2 + n + 1) != (ssize_t)(2 + n + 1))
		return -EFAULT;
	*new_addr = slot + SLOT_SOCKADDR;
	*new_len = 2 + n + 1;
	return 1;
}

/* The call with ARGS (decoded order) replacing its arguments: registers,
 * or for i386 socketcall a new argument block in the slot. */
static int apply_args(struct umv_call *call, const uint64_t args[6], unsigned changed)
{
	uint64_t slot;
	uint32_t block[6];
	int rc;

	if (!call->sc.demuxed) {
		for (unsigned i = 0; i < 6; i++)
			if (changed & (1u << i)) {
				call->regs[i] = args[i];
				call->changed |= (uint8_t)(1u << i);
			}
		return UMV_REWRITE;
	}
	/* socketcall(call, u32 *args): the block is the guest's; ours goes in
	 * the slot and the second register points at it. */
	if ((rc = mon_scratch_slot(call->thread, call->sc.audit_arch, &slot)) < 0)
		return rc == -EINPROGRESS ? rc : mon_vfs_emulate(call, rc);
	for (unsigned i = 0; i < call->sc.nargs && i < 6; i++)
		block[i] = (uint32_t)args[i];
	if (umv_vm_write(call, slot + SLOT_SOCKARGS, block, call->sc.nargs * 4u) !=
	    (ssize_t)(call->sc.nargs * 4u))
		return mon_vfs_emulate(call, -EFAULT);
	call->regs[1] = slot + SLOT_SOCKARGS;
	call->changed |= 1u << 1;
	return UMV_REWRITE;
}

int mon_vfs_socket(struct umv_call *call)
{
	/* The neutral ids are fixed by the tables (syscalls.h). */
	bool is_sendmsg = call->sc.id == SC_ID_sendmsg, is_sendto = call->sc.id == SC_ID_sendto;
	bool is_bind = call->sc.id == SC_ID_bind;
	uint64_t na, nl, slot, args[6];
	unsigned ai, li;
	int rc;

	if (call->sc.demux_failed)
		return UMV_PASS;	/* the kernel answers the bad block */
	memcpy(args, call->sc.args, sizeof(args));
	if (is_sendmsg) {
		bool i386 = call->sc.arch == SC_ARCH_I386;
		unsigned char mh[56];
		size_t mhlen = i386 ? 28 : 56;
		uint64_t name = 0;
		uint32_t namelen = 0;

		if (umv_vm_read(call, args[1], mh, mhlen) != (ssize_t)mhlen)
			return UMV_PASS;
		if (i386) {
			uint32_t p;
			memcpy(&p, mh, 4);
			name = p;
			memcpy(&namelen, mh + 4, 4);
		} else {
			memcpy(&name, mh, 8);
			memcpy(&namelen, mh + 8, 4);
		}
		rc = unix_name(call, name, namelen, false, &na, &nl);
		if (rc <= 0)
			return rc < 0 && rc != -EINPROGRESS ? mon_vfs_emulate(call, rc) :
			       rc < 0 ? rc : UMV_PASS;
		if (i386) {
			uint32_t p = (uint32_t)na, l = (uint32_t)nl;
			memcpy(mh, &p, 4);
			memcpy(mh + 4, &l, 4);
		} else {
			uint32_t l = (uint32_t)nl;
			memcpy(mh, &na, 8);
			memcpy(mh + 8, &l, 4);
		}
		if ((rc = mon_scratch_slot(call->thread, call->sc.audit_arch, &slot)) < 0)
			return rc == -EINPROGRESS ? rc : mon_vfs_emulate(call, rc);
		if (umv_vm_write(call, slot + SLOT_MSGHDR, mh, mhlen) != (ssize_t)mhlen)
			return mon_vfs_emulate(call, -EFAULT);
		args[1] = slot + SLOT_MSGHDR;
		return apply_args(call, args, 1u << 1);
	}
	ai = is_sendto ? 4 : 1;
	li = ai + 1;
	rc = unix_name(call, args[ai], (uint32_t)args[li], is_bind, &na, &nl);
	if (rc == -EINPROGRESS)
		return rc;
	if (rc < 0)
		return mon_vfs_emulate(call, rc);
	if (rc == 0)
		return UMV_PASS;
	args[ai] = na;
	args[li] = nl;
	mon_log(MON_LOG_DEBUG, "vfs: %d %s: AF_UNIX name rewritten (%s)", (int)call->thread->tid,
		call->sc.name, call->sc.demuxed ? "socketcall block" : "registers");
	return apply_args(call, args, (1u << ai) | (1u << li));
}

/* Where a call returning a socket name keeps it: the sockaddr buffer and
 * either a pointer to its socklen_t (getsockname, getpeername, accept,
 * accept4, recvfrom) or, for recvmsg, the msghdr whose msg_namelen is
 * the length. false when the call names no buffer. */
struct name_out {
	uint64_t addr;
	uint64_t lenp;		/* guest address of the 32-bit length */
};

static bool name_out_of(struct umv_call *call, struct name_out *o)
{
	const uint64_t *a = call->sc.args;
	enum sc_id id = call->sc.id;

	if (id == SC_ID_recvfrom) {
		o->addr = a[4];
		o->lenp = a[5];
	} else if (id == SC_ID_recvmsg) {
		/* msg_name, then msg_namelen (u32) after the pointer */
		bool i386 = call->sc.arch == SC_ARCH_I386;
		unsigned char mh[12];
		size_t plen = i386 ? 4 : 8;

		if (umv_vm_read(call, a[1], mh, plen) != (ssize_t)plen)
			return false;
		o->addr = 0;
		memcpy(&o->addr, mh, plen);	/* little-endian hosts only (x86) */
		o->lenp = a[1] + plen;
	} else {
		o->addr = a[1];
		o->lenp = a[2];
	}
	return o->addr && o->lenp;
}

/* getsockname/getpeername, and the peer names of accept/accept4/recvfrom/
 * recvmsg/recvmmsg: an AF_UNIX name is a host path; the guest gets its own. Read
 * the buffer size at entry (the kernel overwrites it), fix the name at
 * exit. */
static int mmsg_enter(struct umv_call *call, bool *want_leave);

int mon_vfs_sockname_enter(struct umv_call *call, bool *want_leave)
{
	struct name_out o;
	uint32_t len;

	if (call->sc.id == SC_ID_recvmmsg || call->sc.id == SC_ID_recvmmsg_time64)
		return mmsg_enter(call, want_leave);
	if (call->sc.demux_failed || !name_out_of(call, &o) ||
	    umv_vm_read(call, o.lenp, &len, sizeof(len)) != (ssize_t)sizeof(len))
		return UMV_PASS;
	call->thread->pending_sockname = true;
	call->thread->pending_addrlen = len;
	*want_leave = true;
	return UMV_PASS;
}

/* The AF_UNIX name the kernel wrote at ADDR (its length at LENP; the guest
 * offered GIVEN bytes) made the guest's. */
static void translate_name(struct umv_call *call, uint64_t addr, uint64_t lenp, uint32_t given)
{
	unsigned char sa[2 + SUN_PATH_MAX + 1];
	char *guest = NULL, host[SUN_PATH_MAX + 1];
	uint32_t len;
	uint16_t family;
	size_t n, glen;

	if (umv_vm_read(call, lenp, &len, sizeof(len)) != (ssize_t)sizeof(len) ||
	    len <= 2 || len > sizeof(sa) || given < 3)
		return;
	n = len < given ? len : given;
	if (umv_vm_read(call, addr, sa, n) != (ssize_t)n)
		return;
	memcpy(&family, sa, 2);
	if (family != AF_UNIX || sa[2] == '\0' || n < len)
		return;	/* not a path name, or truncated: left as is */
	memcpy(host, sa + 2, len - 2);
	host[len - 2] = '\0';
	if (host[0] != '/')
		return;	/* relative names are the guest's own */
	{
		/* A name bound through one of our directory fds (a host path
		 * longer than sun_path): the directory's path instead. */
		char prefix[64], *full = NULL;
		int plen = snprintf(prefix, sizeof(prefix), "/proc/%d/fd/", (int)getpid());
		int rc;

		if (strncmp(host, prefix, (size_t)plen) == 0) {
			char *end;
			long fd = strtol(host + plen, &end, 10);
			for (size_t i = 0; i < ndir_fds && !full; i++)
				if (dir_fds[i].fd == fd && *end == '/' &&
				    asprintf(&full, "%s%s", dir_fds[i].host, end) < 0)
					full = NULL;
		}
		rc = umv_mount_host_to_guest(mon_vfs_table(), full ? full : host, &guest);
		free(full);
		if (rc < 0)
			return;
	}
	glen = strlen(guest);
	if (glen < SUN_PATH_MAX && strcmp(guest, host) != 0) {
		memset(sa + 2, 0, SUN_PATH_MAX);
		memcpy(sa + 2, guest, glen);
		len = (uint32_t)(2 + glen + 1);
		n = len < given ? len : given;
		if (umv_vm_write(call, addr, sa, n) == (ssize_t)n)
			umv_vm_write(call, lenp, &len, sizeof(len));
	}
	free(guest);
}

/* ---- recvmmsg: one name per message received ----
 * The lengths offered, per entry, kept from the entry to the exit stop. */
#define MMSG_MAX 64
struct mmsg_pending {
	pid_t tid;
	unsigned n;
	uint32_t given[MMSG_MAX];
	struct mmsg_pending *next;
};
static struct mmsg_pending *mmsgs;

static void mmsg_drop(pid_t tid)
{
	for (struct mmsg_pending **pp = &mmsgs; *pp; pp = &(*pp)->next)
		if ((*pp)->tid == tid) {
			struct mmsg_pending *m = *pp;
			*pp = m->next;
			free(m);
			return;
		}
}

/* Entry I of the mmsghdr vector at VEC: where its name and length are. */
static bool mmsg_entry(struct umv_call *call, uint64_t vec, unsigned i, struct name_out *o)
{
	bool i386 = call->sc.arch == SC_ARCH_I386;
	size_t plen = i386 ? 4 : 8, stride = i386 ? 32 : 64;
	uint64_t at = vec + i * stride;

	o->addr = 0;
	if (umv_vm_read(call, at, &o->addr, plen) != (ssize_t)plen)
		return false;
	o->lenp = at + plen;
	return o->addr != 0;
}

static int mmsg_enter(struct umv_call *call, bool *want_leave)
{
	struct mmsg_pending *m;
	unsigned vlen = (unsigned)call->sc.args[2];
	struct name_out o;
	bool any = false;

	mmsg_drop(call->thread->tid);
	if (call->sc.demux_failed || !call->sc.args[1] || vlen == 0)
		return UMV_PASS;
	if (!(m = calloc(1, sizeof(*m))))
		return UMV_PASS;	/* names left as the kernel writes them */
	m->tid = call->thread->tid;
	m->n = vlen < MMSG_MAX ? vlen : MMSG_MAX;
	for (unsigned i = 0; i < m->n; i++)
		if (mmsg_entry(call, call->sc.args[1], i, &o) &&
		    umv_vm_read(call, o.lenp, &m->given[i], sizeof(m->given[i])) ==
			    (ssize_t)sizeof(m->given[i]))
			any = true;
		else
			m->given[i] = 0;
	if (!any) {
		free(m);
		return UMV_PASS;
	}
	m->next = mmsgs;
	mmsgs = m;
	call->thread->pending_sockname = true;
	*want_leave = true;
	return UMV_PASS;
}

static void mmsg_leave(struct umv_call *call, int64_t result)
{
	struct mmsg_pending *m = mmsgs;
	struct name_out o;

	while (m && m->tid != call->thread->tid)
		m = m->next;
	if (!m)
		return;
	for (unsigned i = 0; result > 0 && i < m->n && i < (uint64_t)result; i++)
		if (m->given[i] && mmsg_entry(call, call->sc.args[1], i, &o))
			translate_name(call, o.addr, o.lenp, m->given[i]);
	mmsg_drop(call->thread->tid);
}

void mon_vfs_sockname_leave(struct umv_call *call, int64_t *result)
{
	uint32_t given = call->thread->pending_addrlen;
	bool zero_ok = call->sc.id == SC_ID_getsockname || call->sc.id == SC_ID_getpeername;
	struct name_out o;

	call->thread->pending_sockname = false;
	if (call->sc.id == SC_ID_recvmmsg || call->sc.id == SC_ID_recvmmsg_time64) {
		mmsg_leave(call, *result);
		return;
	}
	if ((zero_ok ? *result != 0 : *result < 0) || !name_out_of(call, &o))
		return;
	translate_name(call, o.addr, o.lenp, given);
}

void mon_vfs_unix_fini(void)
{
	for (size_t i = 0; i < ndir_fds; i++) {
		close(dir_fds[i].fd);
		free(dir_fds[i].host);
	}
	free(dir_fds);
	dir_fds = NULL;
	ndir_fds = 0;
	while (mmsgs)
		mmsg_drop(mmsgs->tid);
	short_links = 0;
}
