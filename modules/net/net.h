/* net module: shared types of the option parser, the address logic and
 * the syscall handlers. */
#ifndef UMV_NET_H
#define UMV_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <umvisor/module.h>

enum net_policy { NET_ALLOW = 0, NET_LOOPBACK, NET_DENY };

/* One INET endpoint. A v4-mapped IPv6 address is kept as AF_INET, with
 * MAPPED set so it is written back in the guest's own format. */
struct net_ep {
	int family;		/* AF_INET or AF_INET6 */
	bool mapped;
	uint8_t addr[16];	/* AF_INET: the first 4 bytes */
	uint16_t port;		/* host byte order */
};

struct net_map {
	uint16_t guest, host;
};

struct net_redirect {
	struct net_ep from, to;
};

struct net_conf {
	enum net_policy policy;
	int err;		/* positive errno of refusals */
	bool log;
	struct net_map *maps;
	size_t nmaps;
	struct net_redirect *redirects;
	size_t nredirects;
	char *hosts;		/* hosts= FILE */
	struct net_ep *local;	/* the host's own addresses (map targets) */
	size_t nlocal;
};

/* ---- options.c ---- */
/* Parse OPTIONS into CONF (zeroed by the caller). Logs the reason of a
 * failure through MOD. Returns 0, -EINVAL or -ENOMEM. */
int net_conf_parse(struct umv_mod *mod, struct net_conf *conf, const char *options);
void net_conf_free(struct net_conf *conf);
/* "1.2.3.4:80" or "[::1]:80" into EP. Returns 0 or -EINVAL. */
int net_ep_parse(const char *text, struct net_ep *ep);

/* ---- addr.c ---- */
/* The sockaddr bytes BUF[0..LEN) as an endpoint: 1 if it is a complete
 * AF_INET/AF_INET6 address, 0 if not ours to touch (other family, too
 * short for its family). */
int net_sa_get(const uint8_t *buf, size_t len, struct net_ep *ep);
/* Write EP's address and port back into BUF, in the format it was read. */
void net_sa_put(uint8_t *buf, const struct net_ep *ep);
bool net_ep_equal(const struct net_ep *a, const struct net_ep *b);
bool net_ep_is_loopback(const struct net_ep *ep);
bool net_ep_is_any(const struct net_ep *ep);
/* Text for log lines: "127.0.0.1:80", "[::1]:80". */
void net_ep_format(const struct net_ep *ep, char *out, size_t size);
/* The host's own addresses (getifaddrs), so map= knows a guest connecting
 * to itself. Returns 0 or -ENOMEM (a failing getifaddrs leaves loopback). */
int net_local_init(struct net_conf *conf);
bool net_ep_is_local(const struct net_conf *conf, const struct net_ep *ep);

enum net_dir { NET_OUT_BIND, NET_OUT_CONNECT, NET_OUT_SEND };
/* The guest's view to the host's (redirect, then map). Returns true if EP
 * changed. */
bool net_to_host(const struct net_conf *conf, enum net_dir dir, struct net_ep *ep);
/* The host's view of an address the kernel reports back to the guest's.
 * LOCAL: the socket's own address (getsockname). Returns true if changed. */
bool net_to_guest(const struct net_conf *conf, bool local, struct net_ep *ep);

/* ---- netlink.c ---- */
/* The netlink messages in BUF[0..LEN), walked as the kernel walks them:
 * 0 if every one is an rtnetlink query (an RTM_GET* type with
 * NLM_F_REQUEST), else -EPERM with the first other type in BAD_TYPE. */
int net_nl_check(const uint8_t *buf, size_t len, uint16_t *bad_type);

#define NET_NL_CACHE 32
/* Recent socket inodes and their netlink protocol (-ENOENT: no netlink). */
struct net_nl_cache {
	uint64_t inode[NET_NL_CACHE];
	int proto[NET_NL_CACHE];
	size_t next;
};
/* The netlink protocol of TID's FD (read from /proc/TID/fd and
 * /proc/TID/net/netlink; 0, NETLINK_ROUTE, for an unbound one), -ENOENT
 * for another socket, -ENOTSOCK for no socket, or another -errno if /proc
 * cannot tell. */
int net_nl_fd_protocol(struct net_nl_cache *cache, pid_t tid, int fd);

#endif
