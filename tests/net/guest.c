/* tests/net/guest.c: socket calls whose output must be the same natively
 * and under `-m net` (the guest's view). Built for x86_64 and, with -m32,
 * for i386, where every socket call goes through socketcall(2) so that the
 * module's demultiplexing and argument-block rewriting are exercised.
 *
 *   guest tcp PORT      listen/connect (v4, v6, v4-mapped), accept4,
 *                       non-blocking connect, name reporting
 *   guest udp PORT      sendto/sendmsg/sendmmsg, recvfrom/recvmsg/recvmmsg
 *   guest bad PORT      hostile sockaddr pointers, lengths and families
 *   guest connect ADDR PORT   one connect; prints its errno name
 *   guest echo PORT     connect to 127.0.0.1:PORT, send "ping", print reply
 *
 * Only loopback addresses are ever used (the connect mode is given its
 * address by the test, which refuses anything else before running it). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifdef __i386__
/* socketcall(2) call numbers (linux/net.h) */
enum { SC_SOCKET = 1, SC_BIND, SC_CONNECT, SC_LISTEN, SC_ACCEPT, SC_GETSOCKNAME, SC_GETPEERNAME,
       SC_SOCKETPAIR, SC_SEND, SC_RECV, SC_SENDTO, SC_RECVFROM, SC_SHUTDOWN, SC_SETSOCKOPT,
       SC_GETSOCKOPT, SC_SENDMSG, SC_RECVMSG, SC_ACCEPT4, SC_RECVMMSG, SC_SENDMMSG };

static long sc(int call, unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,
	       unsigned long a4, unsigned long a5)
{
	unsigned long args[6] = { a0, a1, a2, a3, a4, a5 };

	return syscall(SYS_socketcall, call, args);
}
#define A(x) ((unsigned long)(x))
#define g_socket(d, t, p) sc(SC_SOCKET, A(d), A(t), A(p), 0, 0, 0)
#define g_bind(f, a, l) sc(SC_BIND, A(f), A(a), A(l), 0, 0, 0)
#define g_connect(f, a, l) sc(SC_CONNECT, A(f), A(a), A(l), 0, 0, 0)
#define g_listen(f, n) sc(SC_LISTEN, A(f), A(n), 0, 0, 0, 0)
#define g_accept4(f, a, l, fl) sc(SC_ACCEPT4, A(f), A(a), A(l), A(fl), 0, 0)
#define g_accept(f, a, l) sc(SC_ACCEPT, A(f), A(a), A(l), 0, 0, 0)
#define g_getsockname(f, a, l) sc(SC_GETSOCKNAME, A(f), A(a), A(l), 0, 0, 0)
#define g_getpeername(f, a, l) sc(SC_GETPEERNAME, A(f), A(a), A(l), 0, 0, 0)
#define g_sendto(f, b, n, fl, a, l) sc(SC_SENDTO, A(f), A(b), A(n), A(fl), A(a), A(l))
#define g_recvfrom(f, b, n, fl, a, l) sc(SC_RECVFROM, A(f), A(b), A(n), A(fl), A(a), A(l))
#define g_sendmsg(f, m, fl) sc(SC_SENDMSG, A(f), A(m), A(fl), 0, 0, 0)
#define g_recvmsg(f, m, fl) sc(SC_RECVMSG, A(f), A(m), A(fl), 0, 0, 0)
#define g_sendmmsg(f, v, n, fl) sc(SC_SENDMMSG, A(f), A(v), A(n), A(fl), 0, 0)
#define g_recvmmsg(f, v, n, fl, t) sc(SC_RECVMMSG, A(f), A(v), A(n), A(fl), A(t), 0)
#define g_setsockopt(f, l, o, v, n) sc(SC_SETSOCKOPT, A(f), A(l), A(o), A(v), A(n), 0)
#define g_getsockopt(f, l, o, v, n) sc(SC_GETSOCKOPT, A(f), A(l), A(o), A(v), A(n), 0)
#else
#define SA(a) ((struct sockaddr *)(void *)(a))
#define g_socket socket
#define g_bind(f, a, l) bind(f, SA(a), l)
#define g_connect(f, a, l) connect(f, SA(a), l)
#define g_listen listen
#define g_accept4(f, a, l, fl) accept4(f, SA(a), l, fl)
#define g_accept(f, a, l) accept(f, SA(a), l)
#define g_getsockname(f, a, l) getsockname(f, SA(a), l)
#define g_getpeername(f, a, l) getpeername(f, SA(a), l)
#define g_sendto(f, b, n, fl, a, l) sendto(f, b, n, fl, SA(a), l)
#define g_recvfrom(f, b, n, fl, a, l) recvfrom(f, b, n, fl, SA(a), l)
#define g_sendmsg sendmsg
#define g_recvmsg recvmsg
#define g_sendmmsg sendmmsg
#define g_recvmmsg recvmmsg
#define g_setsockopt setsockopt
#define g_getsockopt getsockopt
#endif

static const char *ename(int e)
{
	static char buf[32];
	const char *n = strerrorname_np(e);

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "errno%d", e);
	return buf;
}

/* "0" or the errno's name */
static const char *res(long rc)
{
	return rc < 0 ? ename(errno) : "0";
}

static void die(const char *what)
{
	fprintf(stderr, "guest: %s: %s\n", what, strerror(errno));
	exit(2);
}

static unsigned test_port;

/* Ephemeral ports differ run to run: only the test's port is printed. */
static const char *port_text(uint16_t net_port)
{
	static char buf[4][8];
	static int k;
	unsigned p = ntohs(net_port);
	char *o = buf[k++ % 4];

	if (p == test_port)
		return "PORT";
	if (p == 0)
		return "0";
	snprintf(o, 8, "%s", "other");
	return o;
}

static const char *fmt(const void *sa, socklen_t len)
{
	static char out[4][80];
	static int k;
	char text[INET6_ADDRSTRLEN] = "?";
	const struct sockaddr *s = sa;
	char *o = out[k++ % 4];

	if (s->sa_family == AF_INET) {
		const struct sockaddr_in *in = sa;
		inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
		snprintf(o, 80, "%s:%s/len%u", text, port_text(in->sin_port), (unsigned)len);
	} else if (s->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in = sa;
		inet_ntop(AF_INET6, &in->sin6_addr, text, sizeof(text));
		snprintf(o, 80, "[%s]:%s/len%u", text, port_text(in->sin6_port), (unsigned)len);
	} else {
		snprintf(o, 80, "family%u/len%u", s->sa_family, (unsigned)len);
	}
	return o;
}

static struct sockaddr_in v4(const char *addr, unsigned port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1)
		exit(99);
	return a;
}

static struct sockaddr_in6 v6(const char *addr, unsigned port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };

	if (inet_pton(AF_INET6, addr, &a.sin6_addr) != 1)
		exit(99);
	return a;
}

static int listener(int family, const void *addr, socklen_t len, int type)
{
	int one = 1;
	int fd = (int)g_socket(family, type, 0);

	if (fd < 0)
		die("socket");
	g_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (g_bind(fd, addr, len) < 0)
		die("bind");
	if (type == SOCK_STREAM && g_listen(fd, 8) < 0)
		die("listen");
	return fd;
}

static void names(const char *who, int fd)
{
	struct sockaddr_storage a;
	socklen_t len = sizeof(a);

	if (g_getsockname(fd, &a, &len) < 0)
		printf("%s: getsockname %s\n", who, ename(errno));
	else
		printf("%s: local %s\n", who, fmt(&a, len));
	len = sizeof(a);
	if (g_getpeername(fd, &a, &len) < 0)
		printf("%s: getpeername %s\n", who, ename(errno));
	else
		printf("%s: peer %s\n", who, fmt(&a, len));
}

/* One TCP round: a listener at ADDR, a non-blocking client to CONNECT_TO,
 * accept4, then every name both sides see. */
static void tcp_round(const char *tag, int family, const void *laddr, const void *caddr, socklen_t len)
{
	int srv = listener(family, laddr, len, SOCK_STREAM);
	int cli = (int)g_socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	struct pollfd p = { .fd = cli, .events = POLLOUT };
	int err = 0;
	socklen_t elen = sizeof(err);
	long rc;

	if (cli < 0)
		die("socket");
	rc = g_connect(cli, caddr, len);
	/* loopback may finish at once: both answers are native behaviour */
	printf("%s: connect %s\n", tag, rc == 0 || errno == EINPROGRESS ? "0-or-EINPROGRESS" : ename(errno));
	if (poll(&p, 1, 5000) != 1)
		die("poll");
	g_getsockopt(cli, SOL_SOCKET, SO_ERROR, &err, &elen);
	printf("%s: SO_ERROR %s\n", tag, err ? ename(err) : "0");
	int conn = (int)g_accept4(srv, &peer, &plen, SOCK_CLOEXEC);
	if (conn < 0)
		die("accept4");
	struct sockaddr_storage cl;
	socklen_t cllen = sizeof(cl);
	g_getsockname(cli, &cl, &cllen);
	printf("%s: accepted peer is the client: %s\n", tag,
	       plen == cllen && memcmp(&peer, &cl, plen) == 0 ? "yes" : "no");
	/* a short buffer: the kernel's full length, the bytes cut */
	struct sockaddr_storage small;
	socklen_t slen = 4;
	memset(&small, 0xee, sizeof(small));
	g_getsockname(srv, &small, &slen);
	uint16_t sport;
	memcpy(&sport, (uint8_t *)&small + 2, 2);
	printf("%s: short getsockname len %u family %u port %s next byte %02x\n", tag, (unsigned)slen,
	       ((struct sockaddr *)&small)->sa_family, port_text(sport), ((uint8_t *)&small)[4]);
	names("server", srv);
	names("client", cli);
	names("accepted", conn);
	close(conn);
	close(cli);
	close(srv);
}

static int mode_tcp(unsigned port)
{
	struct sockaddr_in a = v4("127.0.0.1", port);
	struct sockaddr_in6 b = v6("::1", port), m = v6("::ffff:127.0.0.1", port), any6 = v6("::", port);
	struct sockaddr_in any4 = v4("0.0.0.0", port);

	tcp_round("v4", AF_INET, &a, &a, sizeof(a));
	/* policy=loopback narrows binds to the unspecified address (the
	 * test skips those rounds there: NET_GUEST_NO_ANY) */
	bool any = !getenv("NET_GUEST_NO_ANY");

	if (any)
		tcp_round("v4any", AF_INET, &any4, &a, sizeof(a));
	tcp_round("v6", AF_INET6, &b, &b, sizeof(b));
	tcp_round("v4mapped", AF_INET6, &m, &m, sizeof(m));
	if (any)
		tcp_round("v6any-mapped", AF_INET6, &any6, &m, sizeof(m));
	/* a plain accept with no address, and one through the old call */
	int srv = listener(AF_INET, &a, sizeof(a), SOCK_STREAM);
	int cli = (int)g_socket(AF_INET, SOCK_STREAM, 0);
	printf("plain: connect %s\n", res(g_connect(cli, &a, sizeof(a))));
	int conn = (int)g_accept(srv, NULL, NULL);
	printf("plain: accept %s\n", conn >= 0 ? "fd" : ename(errno));
	names("plain-client", cli);
	close(conn);
	close(cli);
	close(srv);
	return 0;
}

static int mode_udp(unsigned port)
{
	struct sockaddr_in a = v4("127.0.0.1", port);
	int srv = listener(AF_INET, &a, sizeof(a), SOCK_DGRAM);
	int cli = (int)g_socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in cl, from;
	socklen_t cllen = sizeof(cl), flen;
	char buf[16];
	struct iovec iov[4];
	struct mmsghdr mm[4];
	struct sockaddr_in names_[4];
	char bufs[4][16];

	if (cli < 0)
		die("socket");
	printf("sendto %s\n", res(g_sendto(cli, "a", 1, 0, &a, sizeof(a))));
	g_getsockname(cli, &cl, &cllen);
	flen = sizeof(from);
	long n = g_recvfrom(srv, buf, sizeof(buf), 0, &from, &flen);
	printf("recvfrom %ld from-client %s\n", n, from.sin_port == cl.sin_port ? "yes" : "no");

	struct iovec one = { .iov_base = "b", .iov_len = 1 };
	struct msghdr msg = { .msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &one, .msg_iovlen = 1 };
	printf("sendmsg %s\n", res(g_sendmsg(cli, &msg, 0)));
	struct sockaddr_in6 big;
	struct iovec rio = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr rmsg = { .msg_name = &big, .msg_namelen = sizeof(big), .msg_iov = &rio, .msg_iovlen = 1 };
	n = g_recvmsg(srv, &rmsg, 0);
	printf("recvmsg %ld namelen %u from-client %s\n", n, (unsigned)rmsg.msg_namelen,
	       ((struct sockaddr_in *)&big)->sin_port == cl.sin_port ? "yes" : "no");

	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < 3; i++) {
		iov[i] = (struct iovec){ .iov_base = (char *)"cde" + i, .iov_len = 1 };
		mm[i].msg_hdr = (struct msghdr){ .msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	n = g_sendmmsg(cli, mm, 3, 0);
	printf("sendmmsg %ld lens %u %u %u\n", n, mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
	memset(mm, 0, sizeof(mm));
	memset(names_, 0, sizeof(names_));
	for (int i = 0; i < 3; i++) {
		iov[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = sizeof(bufs[i]) };
		mm[i].msg_hdr = (struct msghdr){ .msg_name = &names_[i], .msg_namelen = sizeof(names_[i]), .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	n = g_recvmmsg(srv, mm, 3, MSG_WAITFORONE, NULL);
	printf("recvmmsg %ld\n", n);
	for (long i = 0; i < n; i++)
		printf("  msg %ld len %u '%c' from-client %s\n", i, mm[i].msg_len, bufs[i][0],
		       names_[i].sin_port == cl.sin_port ? "yes" : "no");
	/* a connected UDP socket reports its peer as the guest asked */
	printf("udp connect %s\n", res(g_connect(cli, &a, sizeof(a))));
	names("udp-client", cli);
	names("udp-server", srv);
	close(cli);
	close(srv);
	return 0;
}

/* Every call here fails (or not) exactly as the kernel decides. */
static int mode_bad(unsigned port)
{
	struct sockaddr_in a = v4("127.0.0.1", port);
	uint8_t raw[256];
	long pg = sysconf(_SC_PAGESIZE);
	/* a mapping whose second page is gone: a sockaddr cut by it */
	uint8_t *edge = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (edge == MAP_FAILED || munmap(edge + pg, (size_t)pg) < 0)
		die("mmap");
	memcpy(edge + pg - 8, &a, 8);
	memset(raw, 0, sizeof(raw));
	memcpy(raw, &a, sizeof(a));
	static const socklen_t lens[] = { 0, 1, 2, 8, 15, 16, 17, 128, 129, 200 };
	for (int kind = 0; kind < 3; kind++) {
		const char *what = kind == 0 ? "connect" : kind == 1 ? "bind" : "sendto";
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			int type = kind == 2 ? SOCK_DGRAM : SOCK_STREAM;
			int fd = (int)g_socket(AF_INET, type, 0);
			long rc = kind == 0 ? g_connect(fd, raw, lens[i]) :
				  kind == 1 ? g_bind(fd, raw, lens[i]) :
				  g_sendto(fd, "x", 1, 0, raw, lens[i]);
			printf("%s len %u: %s\n", what, (unsigned)lens[i], res(rc));
			close(fd);
		}
		int fd = (int)g_socket(AF_INET, kind == 2 ? SOCK_DGRAM : SOCK_STREAM, 0);
		void *ptrs[] = { (void *)1, (void *)-4096L, edge + pg - 8, edge + pg };
		for (size_t i = 0; i < 4; i++) {
			long rc = kind == 0 ? g_connect(fd, ptrs[i], sizeof(a)) :
				  kind == 1 ? g_bind(fd, ptrs[i], sizeof(a)) :
				  g_sendto(fd, "x", 1, 0, ptrs[i], sizeof(a));
			printf("%s bad pointer %zu: %s\n", what, i, res(rc));
		}
		close(fd);
		/* unknown and mismatched families */
		static const int fams[] = { 200, AF_UNSPEC, AF_INET6, AF_UNIX, AF_NETLINK };
		for (size_t i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
			struct sockaddr_in odd = a;
			fd = (int)g_socket(AF_INET, kind == 2 ? SOCK_DGRAM : SOCK_STREAM, 0);
			odd.sin_family = (sa_family_t)fams[i];
			long rc = kind == 0 ? g_connect(fd, &odd, sizeof(odd)) :
				  kind == 1 ? g_bind(fd, &odd, sizeof(odd)) :
				  g_sendto(fd, "x", 1, 0, &odd, sizeof(odd));
			printf("%s family %d: %s\n", what, fams[i], res(rc));
			close(fd);
		}
	}
	/* bad output pointers */
	int srv = listener(AF_INET, &a, sizeof(a), SOCK_STREAM);
	socklen_t len = 200;
	printf("getsockname bad addr: %s\n", res(g_getsockname(srv, (void *)1, &len)));
	printf("getsockname bad len: %s\n", res(g_getsockname(srv, raw, (void *)1)));
	len = 0;
	printf("getsockname len 0: %s len %u\n", res(g_getsockname(srv, raw, &len)), (unsigned)len);
	len = (socklen_t)-1;
	printf("getsockname len -1: %s\n", res(g_getsockname(srv, raw, &len)));
	printf("getpeername unconnected: %s\n", res(g_getpeername(srv, raw, &len)));
	int fl = fcntl(srv, F_GETFL);
	fcntl(srv, F_SETFL, fl | O_NONBLOCK);
	len = sizeof(raw);
	printf("accept4 nothing pending: %s\n", res(g_accept4(srv, raw, &len, 0)));
	printf("accept4 bad flags: %s\n", res(g_accept4(srv, raw, &len, 0x7fffffff)));
	close(srv);
	struct msghdr bad = { .msg_name = (void *)1, .msg_namelen = sizeof(a) };
	int u = (int)g_socket(AF_INET, SOCK_DGRAM, 0);
	printf("sendmsg bad name: %s\n", res(g_sendmsg(u, &bad, 0)));
	printf("sendmsg bad msghdr: %s\n", res(g_sendmsg(u, (void *)1, 0)));
	printf("sendmmsg bad vector: %s\n", res(g_sendmmsg(u, (void *)1, 2, 0)));
	printf("recvmsg bad msghdr: %s\n", res(g_recvmsg(u, (void *)1, MSG_DONTWAIT)));
	close(u);
	return 0;
}

static int mode_connect(const char *addr, unsigned port)
{
	struct sockaddr_storage s;
	socklen_t len;
	int fd;

	if (strchr(addr, ':')) {
		struct sockaddr_in6 b = v6(addr, port);
		memcpy(&s, &b, sizeof(b));
		len = sizeof(b);
	} else {
		struct sockaddr_in a = v4(addr, port);
		memcpy(&s, &a, sizeof(a));
		len = sizeof(a);
	}
	fd = (int)g_socket(s.ss_family, SOCK_STREAM, 0);
	if (fd < 0) {
		printf("socket %s\n", ename(errno));
		return 0;
	}
	printf("connect %s\n", res(g_connect(fd, &s, len)));
	return 0;
}

static int mode_echo(unsigned port)
{
	struct sockaddr_in a = v4("127.0.0.1", port);
	int fd = (int)g_socket(AF_INET, SOCK_STREAM, 0);
	char buf[64];
	long n;

	if (fd < 0 || g_connect(fd, &a, sizeof(a)) < 0)
		die("connect");
	names("echo", fd);
	if (g_sendto(fd, "ping\n", 5, 0, NULL, 0) != 5)
		die("send");
	n = g_recvfrom(fd, buf, sizeof(buf) - 1, 0, NULL, NULL);
	if (n < 0)
		die("recv");
	buf[n] = '\0';
	printf("reply %s", buf);
	return 0;
}

/* One rtnetlink request of TYPE on interface INDEX (an address request
 * for 192.0.2.1; with NLM_F_ACK so the kernel answers every one). */
struct nl_req {
	struct nlmsghdr h;
	struct ifaddrmsg ifa;
	struct rtattr rta;
	uint8_t addr[4];
};

static struct nl_req nl_req(uint16_t type, unsigned index, uint32_t seq)
{
	struct nl_req r;

	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = sizeof(r);
	r.h.nlmsg_type = type;
	r.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r.h.nlmsg_seq = seq;
	r.ifa.ifa_family = AF_INET;
	r.ifa.ifa_prefixlen = 32;
	r.ifa.ifa_index = index;
	r.rta.rta_len = RTA_LENGTH(4);
	r.rta.rta_type = IFA_LOCAL;
	memcpy(r.addr, (uint8_t[]){ 192, 0, 2, 1 }, 4);
	return r;
}

/* RTM_DELADDR on the missing interface INDEX by sendto, sendmsg and
 * sendmmsg (after an RTM_GETADDR), then an RTM_GETADDR by sendmsg; then
 * the acks the kernel sent, by errno. Natively as root every send works
 * and the kernel refuses in the acks; the host never changes. */
static int mode_netlink(unsigned index)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nl_req del = nl_req(RTM_DELADDR, index, 1), get = nl_req(RTM_GETADDR, index, 2);
	struct iovec iov[2] = { { &del, 20 }, { (char *)&del + 20, sizeof(del) - 20 } };
	struct msghdr msg = { .msg_name = &kernel, .msg_namelen = sizeof(kernel), .msg_iov = iov,
			      .msg_iovlen = 2 };
	struct iovec giov = { &get, sizeof(get) }, diov = { &del, sizeof(del) };
	struct mmsghdr mm[2];
	int fd = (int)g_socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK, NETLINK_ROUTE);
	char buf[8192];
	long n;

	if (fd < 0)
		die("socket(AF_NETLINK)");
	printf("sendto %s\n", res(g_sendto(fd, &del, sizeof(del), 0, &kernel, sizeof(kernel))));
	printf("sendmsg %s\n", res(g_sendmsg(fd, &msg, 0)));
	/* no name, whatever the length says: the kernel sends to its default */
	msg.msg_name = NULL;
	printf("sendmsg noname %s\n", res(g_sendmsg(fd, &msg, 0)));
	msg.msg_name = &kernel;
	/* unreadable data: the kernel's EFAULT either way */
	printf("sendto badbuf %s\n", res(g_sendto(fd, (void *)8, sizeof(del), 0, &kernel, sizeof(kernel))));
	msg.msg_iov = (struct iovec *)8;
	printf("sendmsg badiov %s\n", res(g_sendmsg(fd, &msg, 0)));
	msg.msg_iov = iov;
	memset(mm, 0, sizeof(mm));
	mm[0].msg_hdr = (struct msghdr){ .msg_iov = &giov, .msg_iovlen = 1 };
	mm[1].msg_hdr = (struct msghdr){ .msg_iov = &diov, .msg_iovlen = 1 };
	printf("sendmmsg %s\n", res(g_sendmmsg(fd, mm, 2, 0)));
	msg.msg_iov = &giov;
	msg.msg_iovlen = 1;
	printf("sendmsg get %s\n", res(g_sendmsg(fd, &msg, 0)));
	while ((n = g_recvfrom(fd, buf, sizeof(buf), 0, NULL, NULL)) > 0) {
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_type == NLMSG_ERROR)
				printf("ack %u %s\n", h->nlmsg_seq, e->error ? ename(-e->error) : "0");
		}
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3)
		test_port = (unsigned)atoi(argv[argc - 1]);
	if (argc == 3 && strcmp(argv[1], "tcp") == 0)
		return mode_tcp((unsigned)atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "udp") == 0)
		return mode_udp((unsigned)atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "bad") == 0)
		return mode_bad((unsigned)atoi(argv[2]));
	if (argc == 4 && strcmp(argv[1], "connect") == 0)
		return mode_connect(argv[2], (unsigned)atoi(argv[3]));
	if (argc == 3 && strcmp(argv[1], "echo") == 0)
		return mode_echo((unsigned)atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "netlink") == 0)
		return mode_netlink((unsigned)atoi(argv[2]));
	fprintf(stderr, "usage: guest tcp|udp|bad PORT | connect ADDR PORT | echo PORT | netlink IFINDEX\n");
	return 99;
}
