/* net module: what a NETLINK_ROUTE send may carry under policy=deny and
 * policy=loopback (queries only), and which guest fd is a netlink socket
 * (read from /proc, so no fd tracking across dup/fork/exec). */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

/* The rule rtnetlink_rcv_msg applies before asking for CAP_NET_ADMIN:
 * (type - RTM_BASE) % 4 == 2 is a GET (RTM_GETLINK, RTM_GETADDR, ...). */
static bool is_query(uint16_t type, uint16_t flags)
{
	return type >= RTM_BASE && (type - RTM_BASE) % 4 == 2 && (flags & NLM_F_REQUEST);
}

int net_nl_check(const uint8_t *buf, size_t len, uint16_t *bad_type)
{
	size_t at = 0;

	/* Walk as netlink_rcv_skb does: it stops at the first header too
	 * short or too long for what is left, so what follows never counts. */
	while (len - at >= NLMSG_HDRLEN) {
		struct nlmsghdr h;

		memcpy(&h, buf + at, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len - at)
			break;
		if (!is_query(h.nlmsg_type, h.nlmsg_flags)) {
			*bad_type = h.nlmsg_type;
			return -EPERM;
		}
		if (NLMSG_ALIGN(h.nlmsg_len) >= len - at)
			break;
		at += NLMSG_ALIGN(h.nlmsg_len);
	}
	return 0;
}

/* The inode of the socket at /proc/TID/fd/FD, or -errno (-ENOTSOCK for
 * anything but a socket). */
static int64_t socket_inode(pid_t tid, int fd)
{
	char path[64], link[64];
	unsigned long long inode;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)tid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	if (sscanf(link, "socket:[%llu]", &inode) != 1)
		return -ENOTSOCK;
	return (int64_t)inode;
}

/* Whether TID's FD is a netlink socket: sockfs names each socket's
 * protocol family in this attribute ("NETLINK", "TCP", "UNIX-STREAM"). */
static int is_netlink(pid_t tid, int fd)
{
	char path[64], name[32];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)tid, fd);
	n = getxattr(path, "system.sockprotoname", name, sizeof(name) - 1);
	if (n < 0)
		return -errno;
	name[n] = '\0';
	return strcmp(name, "NETLINK") == 0;
}

/* The protocol of the netlink socket INODE in TID's network namespace,
 * or -ENOENT if it is not listed (the kernel lists bound sockets only). */
static int netlink_protocol(pid_t tid, uint64_t inode)
{
	char path[64], line[256];
	FILE *f;
	int proto = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/net/netlink", (int)tid);
	if (!(f = fopen(path, "re")))
		return -errno;
	/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
	while (fgets(line, sizeof(line), f)) {
		unsigned long long ino;
		int eth;

		if (sscanf(line, "%*s %d %*s %*s %*s %*s %*s %*s %*s %llu", &eth, &ino) == 2 &&
		    ino == inode) {
			proto = eth;
			break;
		}
	}
	fclose(f);
	return proto;
}

int net_nl_fd_protocol(struct net_nl_cache *cache, pid_t tid, int fd)
{
	int64_t inode = socket_inode(tid, fd);
	int proto;

	if (inode < 0)
		return (int)inode;
	/* Socket inodes come from a counter that does not wrap in practice:
	 * an inode once seen keeps its answer. */
	for (size_t i = 0; i < NET_NL_CACHE; i++)
		if (inode != 0 && cache->inode[i] == (uint64_t)inode)
			return cache->proto[i];
	if ((proto = is_netlink(tid, fd)) < 0)
		return proto;
	if (!proto) {
		proto = -ENOENT;
	} else if ((proto = netlink_protocol(tid, (uint64_t)inode)) == -ENOENT) {
		/* Not bound yet (the first send binds it): its protocol is
		 * not published. Under the policies that check, socket()
		 * makes NETLINK_ROUTE only, so that is what it is, unless it
		 * was inherited; then it is checked as if it were. Not
		 * remembered: once bound, the table tells. */
		return 0;
	} else if (proto < 0) {
		return proto;	/* unreadable: not remembered */
	}
	cache->inode[cache->next] = (uint64_t)inode;
	cache->proto[cache->next] = proto;
	cache->next = (cache->next + 1) % NET_NL_CACHE;
	return proto;
}
