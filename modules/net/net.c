/* net: a virtual network view for unmodified programs.
 *
 *   -m net:policy=allow|loopback|deny,errno=NAME,map=G:H,redirect=A:P=B:Q,
 *          hosts=FILE,log
 *
 * Addresses the guest passes in (bind, connect, sendto, sendmsg, sendmmsg)
 * are translated to the host's view in a copy placed in the scratch slot;
 * addresses the kernel hands back (accept, getsockname, getpeername,
 * recvfrom, recvmsg, recvmmsg) are translated back in the guest's buffer at
 * the call's exit. send()/recv() with no address are never trapped. See
 * doc/design.md. */
#include "net.h"

#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define SA_MAX 128u		/* sizeof(struct sockaddr_storage): the kernel's cap */
#define MMSG_MAX 1024u		/* UIO_MAXIOV: the kernel's vlen cap */
#define SENDMMSG_FIT 64u	/* copies of 64 names + vector fit one call's buffers */
#define NL_CHECK_MAX 65536u	/* netlink bytes one send may carry to be checked */
#define IOV_MAX_KERNEL 1024u	/* UIO_MAXIOV */

enum net_call {
	C_SOCKET, C_BIND, C_CONNECT, C_SENDTO, C_SENDMSG, C_SENDMMSG, C_ACCEPT, C_ACCEPT4,
	C_GETSOCKNAME, C_GETPEERNAME, C_RECVFROM, C_RECVMSG, C_RECVMMSG, C_IO_URING_SETUP, C_COUNT
};

static const char *const call_names[C_COUNT] = {
	"socket", "bind", "connect", "sendto", "sendmsg", "sendmmsg", "accept", "accept4",
	"getsockname", "getpeername", "recvfrom", "recvmsg", "recvmmsg", "io_uring_setup",
};

/* What enter() leaves for leave(), per thread (a thread is in one call). */
struct net_pending {
	pid_t tid;
	enum net_call what;
	uint64_t sa, lenp;	/* output sockaddr and its length's address */
	uint32_t len;		/* the length the guest offered */
	uint64_t vec;		/* recvmmsg/sendmmsg vector (guest's) */
	uint64_t copy;		/* sendmmsg: our copy of the vector */
	uint32_t *lens;		/* recvmmsg: offered name lengths */
	uint32_t n;
	bool logged_ep;
	struct net_ep guest, host;
};

struct net_state {
	struct net_conf conf;
	int ids[C_COUNT];
	bool translate_in;	/* map= or redirect=: fix addresses coming back */
	bool io_uring_logged;
	bool nl_warned;		/* /proc could not tell a socket's kind once */
	struct net_nl_cache nl;
	struct net_pending *pending;
	size_t npending, cap;
};

/* ---- guest structures, per arch ---- */

struct msg_layout {
	size_t size, namelen_off, mmsg_size, msglen_off;
	unsigned ptr;
};

static struct msg_layout layout_of(const struct umv_call *call)
{
	if (umv_call_arch(call) == UMV_ARCH_I386)
		return (struct msg_layout){ 28, 4, 32, 28, 4 };
	return (struct msg_layout){ 56, 8, 64, 56, 8 };
}

static uint64_t get_ptr(const uint8_t *p, unsigned size)
{
	uint32_t v32;
	uint64_t v64;

	if (size == 4) {
		memcpy(&v32, p, 4);
		return v32;
	}
	memcpy(&v64, p, 8);
	return v64;
}

static void set_ptr(uint8_t *p, unsigned size, uint64_t v)
{
	uint32_t v32 = (uint32_t)v;

	if (size == 4)
		memcpy(p, &v32, 4);
	else
		memcpy(p, &v, 8);
}

/* ---- pending records ---- */

static struct net_pending *pending_new(struct net_state *st, pid_t tid)
{
	struct net_pending *p = NULL;

	for (size_t i = 0; i < st->npending; i++)
		if (st->pending[i].tid == tid || st->pending[i].tid == 0) {
			p = &st->pending[i];
			free(p->lens);
			break;
		}
	if (!p) {
		if (st->npending == st->cap) {
			size_t cap = st->cap ? st->cap * 2 : 16;
			struct net_pending *grown = realloc(st->pending, cap * sizeof(*grown));

			if (!grown)
				return NULL;
			st->pending = grown;
			st->cap = cap;
		}
		p = &st->pending[st->npending++];
	}
	memset(p, 0, sizeof(*p));
	p->tid = tid;
	return p;
}

static struct net_pending *pending_find(struct net_state *st, pid_t tid)
{
	for (size_t i = 0; i < st->npending; i++)
		if (st->pending[i].tid == tid)
			return &st->pending[i];
	return NULL;
}

static void pending_done(struct net_pending *p)
{
	free(p->lens);
	memset(p, 0, sizeof(*p));
}

/* ---- addresses going out ---- */

enum { KEEP = 0, CHANGED = 1 };

/* The guest's sockaddr at SA (LEN bytes) for DIR: KEEP (not ours: the
 * kernel answers as natively), CHANGED (BUF holds the host's version,
 * LEN bytes), or -errno (refused by the policy). */
static int examine_out(struct umv_mod *mod, struct net_state *st, struct umv_call *call,
		       enum net_dir dir, uint64_t sa, uint64_t len, uint8_t *buf,
		       struct net_ep *guest_out, struct net_ep *host_out)
{
	const struct net_conf *conf = &st->conf;
	struct net_ep guest, host;
	sa_family_t family;
	bool changed;

	guest_out->family = 0;
	if (!sa || len < sizeof(family) || len > SA_MAX)
		return KEEP;
	if (umv_vm_read(call, sa, buf, len) != (ssize_t)len)
		return KEEP;	/* the kernel's EFAULT */
	memcpy(&family, buf, sizeof(family));
	if (family == AF_UNSPEC && dir != NET_OUT_CONNECT && len >= sizeof(struct sockaddr_in)) {
		/* bind and UDP sendto read an AF_UNSPEC address as AF_INET */
		if (conf->policy != NET_LOOPBACK)
			return KEEP;
		struct net_ep ep = { .family = AF_INET };

		memcpy(ep.addr, buf + offsetof(struct sockaddr_in, sin_addr), 4);
		if (dir == NET_OUT_BIND && net_ep_is_any(&ep)) {
			uint16_t port;

			memcpy(&port, buf + offsetof(struct sockaddr_in, sin_port), sizeof(port));
			ep.port = ntohs(port);
			ep.addr[0] = 127;
			ep.addr[3] = 1;
			net_sa_put(buf, &ep);
			umv_log(mod, UMV_LOG_WARN, "bind to the unspecified address narrowed to %s",
				"127.0.0.1");
			return CHANGED;
		}
		return net_ep_is_loopback(&ep) ? KEEP : -conf->err;
	}
	if (net_sa_get(buf, len, &guest) != 1)
		return KEEP;
	host = guest;
	changed = net_to_host(conf, dir, &host);
	*guest_out = guest;
	*host_out = host;
	if (conf->policy == NET_LOOPBACK) {
		if (dir == NET_OUT_BIND && net_ep_is_any(&host)) {
			char text[64];

			memset(host.addr, 0, sizeof(host.addr));
			if (host.family == AF_INET) {
				host.addr[0] = 127;
				host.addr[3] = 1;
			} else {
				host.addr[15] = 1;
			}
			net_ep_format(&host, text, sizeof(text));
			umv_log(mod, UMV_LOG_WARN, "bind to the unspecified address narrowed to %s", text);
			*host_out = host;
		} else if (!net_ep_is_loopback(&host)) {
			char text[64];

			net_ep_format(&host, text, sizeof(text));
			umv_log(mod, UMV_LOG_INFO, "%s to %s refused (policy=loopback)", umv_call_name(call), text);
			return -conf->err;
		}
		/* The kernel reads the copy we checked, not memory the guest
		 * could change meanwhile. */
		changed = true;
	}
	if (!changed)
		return KEEP;
	net_sa_put(buf, &host);
	return CHANGED;
}

static enum umv_verdict refuse(struct umv_call *call, int err)
{
	umv_call_set_result(call, err);
	return UMV_EMULATE;
}

/* bind/connect/sendto: the address is argument IDX, its length IDX + 1. */
static enum umv_verdict enter_addr(struct umv_mod *mod, struct net_state *st, struct umv_call *call,
				   enum net_call what, unsigned idx)
{
	enum net_dir dir = what == C_BIND ? NET_OUT_BIND : what == C_CONNECT ? NET_OUT_CONNECT : NET_OUT_SEND;
	uint64_t len = umv_call_arg(call, idx + 1) & 0xffffffffu;
	uint8_t buf[SA_MAX];
	struct net_ep guest, host;
	int rc = examine_out(mod, st, call, dir, umv_call_arg(call, idx), len, buf, &guest, &host);

	if (rc < 0)
		return refuse(call, rc);
	if (st->conf.log && what != C_SENDTO) {
		struct net_pending *p = pending_new(st, umv_call_tid(call));

		if (p) {
			p->what = what;
			p->logged_ep = guest.family != 0;
			p->guest = guest;
			p->host = host;
			umv_call_want_leave(call);
		}
	}
	if (rc == KEEP)
		return UMV_PASS;
	rc = umv_call_set_arg_buf(call, idx, buf, len);
	if (rc == -EINPROGRESS)
		return UMV_PASS;	/* asked again once the scratch area exists */
	if (rc < 0) {
		umv_log(mod, UMV_LOG_WARN, "%s: cannot place the host address: %s", umv_call_name(call),
			strerror(-rc));
		return refuse(call, st->conf.policy == NET_ALLOW ? rc : -st->conf.err);
	}
	return UMV_REWRITE;
}

/* sendmsg: a copy of the msghdr pointing at a copy of the address. */
static enum umv_verdict enter_sendmsg(struct umv_mod *mod, struct net_state *st, struct umv_call *call)
{
	struct msg_layout l = layout_of(call);
	uint8_t msg[56], buf[SA_MAX];
	uint64_t msgp = umv_call_arg(call, 1), name, at;
	uint32_t namelen;
	struct net_ep guest, host;
	int rc;

	if (!msgp || umv_vm_read(call, msgp, msg, l.size) != (ssize_t)l.size)
		return UMV_PASS;
	name = get_ptr(msg, l.ptr);
	memcpy(&namelen, msg + l.namelen_off, sizeof(namelen));
	rc = examine_out(mod, st, call, NET_OUT_SEND, name, namelen, buf, &guest, &host);
	if (rc < 0)
		return refuse(call, rc);
	if (rc == KEEP)
		return UMV_PASS;
	rc = umv_call_put_buf(call, buf, namelen, &at);
	if (rc == 0) {
		set_ptr(msg, l.ptr, at);
		rc = umv_call_set_arg_buf(call, 1, msg, l.size);
	}
	if (rc == -EINPROGRESS)
		return UMV_PASS;
	if (rc < 0)
		return refuse(call, st->conf.policy == NET_ALLOW ? rc : -st->conf.err);
	return UMV_REWRITE;
}

/* sendmmsg: every destination checked; if any changes, a copy of as many
 * entries as fit (SENDMMSG_FIT: the kernel may send fewer than asked
 * anyway, the guest sends the rest again) with the changed names pointing
 * at copies; the kernel's msg_len values are copied back at the exit. */
static enum umv_verdict enter_sendmmsg(struct umv_mod *mod, struct net_state *st, struct umv_call *call)
{
	struct msg_layout l = layout_of(call);
	uint64_t vec = umv_call_arg(call, 1), at = 0;
	uint32_t vlen = (uint32_t)umv_call_arg(call, 2), n;
	uint8_t *copy = NULL, *names = NULL, changed[SENDMMSG_FIT];
	bool any = false;
	int rc = 0;

	if (!vec || vlen == 0)
		return UMV_PASS;
	n = vlen > MMSG_MAX ? MMSG_MAX : vlen;
	copy = malloc((size_t)n * l.mmsg_size);
	names = malloc((size_t)SENDMMSG_FIT * SA_MAX);
	if (!copy || !names ||
	    umv_vm_read(call, vec, copy, (size_t)n * l.mmsg_size) != (ssize_t)((size_t)n * l.mmsg_size)) {
		free(copy);
		free(names);
		return UMV_PASS;	/* the kernel's EFAULT, as far as it gets */
	}
	for (uint32_t i = 0; i < n && rc >= 0; i++) {
		uint8_t *m = copy + (size_t)i * l.mmsg_size, tmp[SA_MAX];
		uint32_t namelen;
		struct net_ep guest, host;

		memcpy(&namelen, m + l.namelen_off, sizeof(namelen));
		rc = examine_out(mod, st, call, NET_OUT_SEND, get_ptr(m, l.ptr), namelen,
				 i < SENDMMSG_FIT ? names + (size_t)i * SA_MAX : tmp, &guest, &host);
		if (i < SENDMMSG_FIT)
			changed[i] = rc == CHANGED;
		any |= rc == CHANGED;
	}
	if (rc < 0 || !any) {
		free(copy);
		free(names);
		return rc < 0 ? refuse(call, rc) : UMV_PASS;
	}
	if (n > SENDMMSG_FIT)
		n = SENDMMSG_FIT;
	for (uint32_t i = 0; i < n && rc >= 0; i++) {
		uint8_t *m = copy + (size_t)i * l.mmsg_size;
		uint32_t namelen;

		if (!changed[i])
			continue;
		memcpy(&namelen, m + l.namelen_off, sizeof(namelen));
		rc = umv_call_put_buf(call, names + (size_t)i * SA_MAX, namelen, &at);
		if (rc == 0)
			set_ptr(m, l.ptr, at);
	}
	if (rc == 0)
		rc = umv_call_put_buf(call, copy, (size_t)n * l.mmsg_size, &at);
	if (rc == 0 && (rc = umv_call_set_arg(call, 1, at)) == 0 && vlen != n)
		rc = umv_call_set_arg(call, 2, n);
	free(copy);
	free(names);
	if (rc == -EINPROGRESS)
		return UMV_PASS;
	if (rc < 0)
		return refuse(call, st->conf.policy == NET_ALLOW ? rc : -st->conf.err);
	struct net_pending *p = pending_new(st, umv_call_tid(call));
	if (!p)
		return refuse(call, -ENOMEM);
	p->what = C_SENDMMSG;
	p->vec = vec;
	p->copy = at;
	p->n = n;
	umv_call_want_leave(call);
	return UMV_REWRITE;
}

/* ---- netlink: queries only (policy=deny|loopback) ---- */

/* The guest's fd (argument 0) is a NETLINK_ROUTE socket. */
static bool is_route_socket(struct umv_mod *mod, struct net_state *st, struct umv_call *call)
{
	int fd = (int)umv_call_arg(call, 0);
	int proto = net_nl_fd_protocol(&st->nl, umv_call_tid(call), fd);

	if (proto < 0 && proto != -ENOENT && proto != -ENOTSOCK && !st->nl_warned) {
		st->nl_warned = true;
		umv_log(mod, UMV_LOG_WARN, "%s: cannot tell whether fd %d is a netlink socket: %s",
			umv_call_name(call), fd, strerror(-proto));
	}
	return proto == NETLINK_ROUTE;
}

static int nl_refuse(struct umv_mod *mod, struct umv_call *call, const char *why, unsigned type)
{
	umv_log(mod, UMV_LOG_INFO, "%s on NETLINK_ROUTE refused (read-only): %s %u",
		umv_call_name(call), why, type);
	return -EPERM;
}

/* Appends the LEN bytes at ADDR to BUF at *USED: 0, -EFAULT (what the
 * kernel answers for data it cannot read: we answer it without asking),
 * -EMSGSIZE past NL_CHECK_MAX. */
static int nl_gather(struct umv_call *call, uint64_t addr, uint64_t len, uint8_t *buf, size_t *used)
{
	if (len > NL_CHECK_MAX - *used)
		return -EMSGSIZE;
	if (len && umv_vm_read(call, addr, buf + *used, len) != (ssize_t)len)
		return -EFAULT;
	*used += len;
	return 0;
}

static int nl_check_buf(struct umv_mod *mod, struct umv_call *call, const uint8_t *buf, size_t len)
{
	uint16_t type;

	if (net_nl_check(buf, len, &type) < 0)
		return nl_refuse(mod, call, "message type", type);
	return 0;
}

/* The data of one guest msghdr MSG (layout L): 0 (queries only, or the
 * kernel refuses it anyway), -EPERM, or -EFAULT. */
static int nl_check_msghdr(struct umv_mod *mod, struct umv_call *call, const struct msg_layout *l,
			   const uint8_t *msg, uint8_t *buf)
{
	uint64_t iov = get_ptr(msg + 2 * l->ptr, l->ptr), iovlen = get_ptr(msg + 3 * l->ptr, l->ptr);
	size_t used = 0, esize = 2 * (size_t)l->ptr;
	uint8_t *vec;
	int rc = 0;

	if (iovlen > IOV_MAX_KERNEL)
		return 0;	/* the kernel's EMSGSIZE */
	if (!iovlen)
		return nl_check_buf(mod, call, buf, 0);
	if (!(vec = malloc(iovlen * esize)))
		return nl_refuse(mod, call, "out of memory, length", 0);
	if (umv_vm_read(call, iov, vec, iovlen * esize) != (ssize_t)(iovlen * esize)) {
		free(vec);
		return -EFAULT;
	}
	for (uint64_t i = 0; i < iovlen && rc == 0; i++)
		rc = nl_gather(call, get_ptr(vec + i * esize, l->ptr),
			       get_ptr(vec + i * esize + l->ptr, l->ptr), buf, &used);
	free(vec);
	if (rc == -EMSGSIZE)
		return nl_refuse(mod, call, "too long to check, length over", NL_CHECK_MAX);
	return rc < 0 ? rc : nl_check_buf(mod, call, buf, used);
}

/* A destination NAME (LEN bytes) the kernel could take for a netlink
 * socket: none (a NULL name counts as none whatever LEN says, as the
 * kernel's msghdr copy decides), or AF_NETLINK and long enough (else it
 * refuses EINVAL). */
static bool nl_name_possible(struct umv_call *call, uint64_t name, uint32_t len)
{
	sa_family_t family;

	if (!len || !name)
		return true;
	if (len < sizeof(struct sockaddr_nl) ||
	    umv_vm_read(call, name, &family, sizeof(family)) != (ssize_t)sizeof(family))
		return false;
	return family == AF_NETLINK;
}

/* sendto/sendmsg/sendmmsg on a NETLINK_ROUTE socket: 0, -EPERM, or
 * -EFAULT for data we cannot read (the kernel could not either). */
static int nl_check_send(struct umv_mod *mod, struct net_state *st, struct umv_call *call,
			 enum net_call what)
{
	struct msg_layout l = layout_of(call);
	uint8_t *buf, msg[64];
	int rc = 0;

	if (what == C_SENDTO &&
	    !nl_name_possible(call, umv_call_arg(call, 4), (uint32_t)umv_call_arg(call, 5)))
		return 0;
	if (what == C_SENDMSG) {
		uint32_t namelen;

		if (umv_vm_read(call, umv_call_arg(call, 1), msg, l.size) != (ssize_t)l.size)
			return 0;
		memcpy(&namelen, msg + l.namelen_off, sizeof(namelen));
		if (!nl_name_possible(call, get_ptr(msg, l.ptr), namelen))
			return 0;
	}
	if (!is_route_socket(mod, st, call))
		return 0;
	if (!(buf = malloc(NL_CHECK_MAX)))
		return nl_refuse(mod, call, "out of memory, length", 0);
	if (what == C_SENDTO) {
		size_t used = 0;

		rc = nl_gather(call, umv_call_arg(call, 1), umv_call_arg(call, 2), buf, &used);
		if (rc == -EMSGSIZE)
			rc = nl_refuse(mod, call, "too long to check, length over", NL_CHECK_MAX);
		else if (rc == 0)
			rc = nl_check_buf(mod, call, buf, used);
	} else if (what == C_SENDMSG) {
		rc = nl_check_msghdr(mod, call, &l, msg, buf);
	} else {
		uint64_t vec = umv_call_arg(call, 1);
		uint32_t n = (uint32_t)umv_call_arg(call, 2);

		if (n > MMSG_MAX)
			n = MMSG_MAX;
		for (uint32_t i = 0; i < n && rc == 0; i++) {
			if (umv_vm_read(call, vec + (uint64_t)i * l.mmsg_size, msg, l.size) != (ssize_t)l.size)
				break;	/* the kernel stops there too */
			rc = nl_check_msghdr(mod, call, &l, msg, buf);
			if (rc == -EFAULT && i > 0) {
				rc = 0;	/* the kernel sends the checked ones, then stops */
				break;
			}
		}
	}
	free(buf);
	return rc;
}

/* ---- addresses coming back ---- */

/* Remember the output sockaddr SA and the length at LENP the guest offered. */
static enum umv_verdict enter_out(struct net_state *st, struct umv_call *call, enum net_call what,
				  uint64_t sa, uint64_t lenp)
{
	struct net_pending *p;
	uint32_t len;

	if (!sa || !lenp || umv_vm_read(call, lenp, &len, sizeof(len)) != (ssize_t)sizeof(len))
		len = 0;
	if (!len && !(st->conf.log && (what == C_ACCEPT || what == C_ACCEPT4)))
		return UMV_PASS;
	if (!(p = pending_new(st, umv_call_tid(call))))
		return UMV_PASS;
	p->what = what;
	p->sa = len ? sa : 0;
	p->lenp = lenp;
	p->len = len;
	return UMV_POST;
}

/* The kernel wrote NEWLEN (the full length) and min(OFFERED, NEWLEN)
 * bytes at SA: put the guest's view in those bytes. */
static void fix_in(struct net_state *st, struct umv_call *call, uint64_t sa, uint32_t offered,
		   uint32_t newlen, bool local, struct net_ep *before, struct net_ep *after)
{
	uint8_t buf[SA_MAX];
	size_t n = offered < newlen ? offered : newlen;
	struct net_ep ep;

	if (!sa || n > SA_MAX || umv_vm_read(call, sa, buf, n) != (ssize_t)n)
		return;
	if (net_sa_get(buf, n, &ep) != 1) {
		/* Cut short by a small buffer: the socket's own port may still
		 * be in the bytes the guest gets. */
		sa_family_t family;
		uint16_t port;

		if (!local || n < 4)
			return;
		memcpy(&family, buf, sizeof(family));
		if (family != AF_INET && family != AF_INET6)
			return;
		memcpy(&port, buf + 2, sizeof(port));
		ep = (struct net_ep){ .family = AF_INET, .port = ntohs(port) };
		if (net_to_guest(&st->conf, true, &ep)) {
			port = htons(ep.port);
			memcpy(buf + 2, &port, sizeof(port));
			umv_vm_write(call, sa, buf, n);
		}
		return;
	}
	if (before)
		*before = ep;
	if (net_to_guest(&st->conf, local, &ep)) {
		net_sa_put(buf, &ep);
		umv_vm_write(call, sa, buf, n);
	}
	if (after)
		*after = ep;
}

static enum umv_verdict enter_msg(struct net_state *st, struct umv_call *call, bool multi)
{
	struct msg_layout l = layout_of(call);
	uint64_t vec = umv_call_arg(call, 1);
	uint32_t n = multi ? (uint32_t)umv_call_arg(call, 2) : 1;
	struct net_pending *p;
	uint8_t *copy;
	size_t stride = multi ? l.mmsg_size : l.size;

	if (!vec || n == 0)
		return UMV_PASS;
	if (n > MMSG_MAX)
		n = MMSG_MAX;
	if (!(copy = malloc((size_t)n * stride)))
		return UMV_PASS;
	if (umv_vm_read(call, vec, copy, (size_t)n * stride) != (ssize_t)((size_t)n * stride) ||
	    !(p = pending_new(st, umv_call_tid(call)))) {
		free(copy);
		return UMV_PASS;
	}
	if (!(p->lens = malloc(n * sizeof(*p->lens)))) {
		free(copy);
		pending_done(p);
		return UMV_PASS;
	}
	for (uint32_t i = 0; i < n; i++)
		memcpy(&p->lens[i], copy + i * stride + l.namelen_off, sizeof(uint32_t));
	free(copy);
	p->what = multi ? C_RECVMMSG : C_RECVMSG;
	p->vec = vec;
	p->n = n;
	return UMV_POST;
}

static void leave_msg(struct net_state *st, struct umv_call *call, struct net_pending *p, int64_t result)
{
	struct msg_layout l = layout_of(call);
	size_t stride = p->what == C_RECVMMSG ? l.mmsg_size : l.size;
	uint32_t count = p->what == C_RECVMMSG ? (uint32_t)result : 1;

	for (uint32_t i = 0; i < count && i < p->n; i++) {
		uint8_t m[56];
		uint32_t newlen;

		if (umv_vm_read(call, p->vec + i * stride, m, l.size) != (ssize_t)l.size)
			return;
		memcpy(&newlen, m + l.namelen_off, sizeof(newlen));
		fix_in(st, call, get_ptr(m, l.ptr), p->lens[i], newlen, false, NULL, NULL);
	}
}

/* ---- the module ---- */

static void log_line(struct umv_mod *mod, const char *what, const struct net_ep *guest,
		     const struct net_ep *host, int64_t result)
{
	char g[64], h[64];

	net_ep_format(guest, g, sizeof(g));
	net_ep_format(host, h, sizeof(h));
	if (result < 0)
		umv_log(mod, UMV_LOG_WARN, "%s %s (host %s): %s", what, g, h, strerror((int)-result));
	else
		umv_log(mod, UMV_LOG_WARN, "%s %s (host %s)", what, g, h);
}

static enum net_call which(const struct net_state *st, const struct umv_call *call)
{
	int id = umv_call_sysid(call);

	for (int i = 0; i < C_COUNT; i++)
		if (st->ids[i] == id)
			return (enum net_call)i;
	return C_COUNT;
}

static enum umv_verdict net_enter(struct umv_mod *mod, struct umv_call *call)
{
	struct net_state *st = umv_mod_get_data(mod);
	enum net_call what = which(st, call);
	int domain, rc;

	switch (what) {
	case C_IO_URING_SETUP:
		if (!st->io_uring_logged) {
			st->io_uring_logged = true;
			umv_log(mod, UMV_LOG_WARN, "io_uring_setup: ENOSYS (io_uring sockets would bypass the net module)");
		}
		return refuse(call, -ENOSYS);
	case C_SOCKET:
		domain = (int)umv_call_arg(call, 0);
		if ((st->conf.policy == NET_DENY && (domain == AF_INET || domain == AF_INET6)) ||
		    (st->conf.policy != NET_ALLOW && domain == AF_PACKET) ||
		    (st->conf.policy != NET_ALLOW && domain == AF_NETLINK &&
		     (int)umv_call_arg(call, 2) != NETLINK_ROUTE)) {
			umv_log(mod, UMV_LOG_INFO, "socket(domain %d) refused (policy=%s)", domain,
				st->conf.policy == NET_DENY ? "deny" : "loopback");
			return refuse(call, -st->conf.err);
		}
		return UMV_PASS;
	case C_BIND:
	case C_CONNECT:
		return enter_addr(mod, st, call, what, 1);
	case C_SENDTO:
	case C_SENDMSG:
	case C_SENDMMSG:
		if (what == C_SENDTO && !umv_call_arg(call, 4))
			return UMV_PASS;
		if (st->conf.policy != NET_ALLOW && (rc = nl_check_send(mod, st, call, what)) < 0)
			return refuse(call, rc);
		if (what == C_SENDTO)
			return enter_addr(mod, st, call, what, 4);
		return what == C_SENDMSG ? enter_sendmsg(mod, st, call) : enter_sendmmsg(mod, st, call);
	case C_ACCEPT:
	case C_ACCEPT4:
	case C_GETSOCKNAME:
	case C_GETPEERNAME:
		return enter_out(st, call, what, umv_call_arg(call, 1), umv_call_arg(call, 2));
	case C_RECVFROM:
		return enter_out(st, call, what, umv_call_arg(call, 4), umv_call_arg(call, 5));
	case C_RECVMSG:
		return st->translate_in ? enter_msg(st, call, false) : UMV_PASS;
	case C_RECVMMSG:
		return st->translate_in ? enter_msg(st, call, true) : UMV_PASS;
	default:
		return UMV_PASS;
	}
}

static void net_leave(struct umv_mod *mod, struct umv_call *call, int64_t *result)
{
	struct net_state *st = umv_mod_get_data(mod);
	struct net_pending *p = pending_find(st, umv_call_tid(call));
	struct net_ep before, after;
	uint32_t newlen;

	if (!p)
		return;
	switch (p->what) {
	case C_BIND:
	case C_CONNECT:
		if (p->logged_ep)
			log_line(mod, call_names[p->what], &p->guest, &p->host, *result);
		break;
	case C_SENDMMSG:
		/* the kernel wrote msg_len in our copy */
		if (*result > 0) {
			struct msg_layout l = layout_of(call);

			for (int64_t i = 0; i < *result && i < p->n; i++) {
				uint32_t sent;

				if (umv_vm_read(call, p->copy + i * l.mmsg_size + l.msglen_off, &sent, 4) == 4)
					umv_vm_write(call, p->vec + i * l.mmsg_size + l.msglen_off, &sent, 4);
			}
		}
		break;
	case C_RECVMSG:
	case C_RECVMMSG:
		if (*result >= 0)
			leave_msg(st, call, p, *result);
		break;
	default:
		if (*result < 0 || !p->sa ||
		    umv_vm_read(call, p->lenp, &newlen, sizeof(newlen)) != (ssize_t)sizeof(newlen)) {
			if (*result >= 0 && st->conf.log && (p->what == C_ACCEPT || p->what == C_ACCEPT4))
				umv_log(mod, UMV_LOG_WARN, "%s: fd %lld", call_names[p->what], (long long)*result);
			break;
		}
		memset(&before, 0, sizeof(before));
		fix_in(st, call, p->sa, p->len, newlen, p->what == C_GETSOCKNAME, &before, &after);
		if (st->conf.log && (p->what == C_ACCEPT || p->what == C_ACCEPT4) && before.family)
			log_line(mod, "accept from", &after, &before, *result);
		break;
	}
	pending_done(p);
}

static int want(struct umv_mod *mod, struct net_state *st, enum net_call c)
{
	int rc;

	if (c == C_SENDTO || c == C_RECVFROM)	/* only with an address: send()/recv() stay native */
		rc = umv_want_syscall_if(mod, call_names[c], 4, UMV_CMP_NE, 0, 0);
	else
		rc = umv_want_syscall(mod, call_names[c]);
	if (rc < 0)
		umv_log(mod, UMV_LOG_ERROR, "cannot trap %s: %s", call_names[c], strerror(-rc));
	(void)st;
	return rc;
}

static int net_init(struct umv_mod *mod, const char *options)
{
	struct net_state *st = calloc(1, sizeof(*st));
	bool out, in;
	int rc;

	if (!st)
		return -ENOMEM;
	if ((rc = net_conf_parse(mod, &st->conf, options)) < 0 || (rc = net_local_init(&st->conf)) < 0)
		goto fail;
	for (int i = 0; i < C_COUNT; i++)
		st->ids[i] = umv_sysid(call_names[i]);
	in = st->conf.nmaps || st->conf.nredirects;
	out = in || st->conf.policy == NET_LOOPBACK;
	st->translate_in = in;
	if ((rc = want(mod, st, C_IO_URING_SETUP)) < 0)
		goto fail;
	if (st->conf.policy != NET_ALLOW && (rc = want(mod, st, C_SOCKET)) < 0)
		goto fail;
	/* the sends also for the netlink check (policy=deny too) */
	for (int c = C_BIND; c <= C_SENDMMSG; c++)
		if ((out || (st->conf.log && c <= C_CONNECT) ||
		     (st->conf.policy != NET_ALLOW && c >= C_SENDTO)) &&
		    (rc = want(mod, st, (enum net_call)c)) < 0)
			goto fail;
	for (int c = C_ACCEPT; c <= C_RECVMMSG && (in || st->conf.log); c++)
		if ((in || c == C_ACCEPT || c == C_ACCEPT4) && (rc = want(mod, st, (enum net_call)c)) < 0)
			goto fail;
	if (st->conf.hosts && (rc = umv_vfs_bind(mod, st->conf.hosts, "/etc/hosts", 0)) < 0) {
		umv_log(mod, UMV_LOG_ERROR, "hosts=%s: %s", st->conf.hosts, strerror(-rc));
		goto fail;
	}
	umv_mod_set_data(mod, st);
	return 0;
fail:
	net_conf_free(&st->conf);
	free(st);
	return rc;
}

static void net_fini(struct umv_mod *mod)
{
	struct net_state *st = umv_mod_get_data(mod);

	if (!st)
		return;
	for (size_t i = 0; i < st->npending; i++)
		free(st->pending[i].lens);
	free(st->pending);
	net_conf_free(&st->conf);
	free(st);
	umv_mod_set_data(mod, NULL);
}

const struct umv_module_ops umv_module_v1 = {
	.abi = UMV_ABI_VERSION,
	.size = sizeof(struct umv_module_ops),
	.name = "net",
	.summary = "network view: policy=allow|loopback|deny, map=G:H, redirect=A:P=B:Q, hosts=FILE, log",
	.init = net_init,
	.fini = net_fini,
	.enter = net_enter,
	.leave = net_leave,
};
