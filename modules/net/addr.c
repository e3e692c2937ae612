/* net module: sockaddr bytes <-> endpoints, and the guest <-> host
 * translation of addresses by redirect= and map=. */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* Lengths below these the kernel refuses (EINVAL) for the family: such
 * calls go through untouched, so the guest gets the kernel's own answer. */
#define SIN_MIN sizeof(struct sockaddr_in)
#define SIN6_MIN 24u		/* SIN6_LEN_RFC2133: no sin6_scope_id */

int net_sa_get(const uint8_t *buf, size_t len, struct net_ep *ep)
{
	sa_family_t family;
	uint16_t port;

	if (len < sizeof(family))
		return 0;
	memcpy(&family, buf, sizeof(family));
	memset(ep, 0, sizeof(*ep));
	if (family == AF_INET && len >= SIN_MIN) {
		memcpy(&port, buf + offsetof(struct sockaddr_in, sin_port), sizeof(port));
		ep->family = AF_INET;
		memcpy(ep->addr, buf + offsetof(struct sockaddr_in, sin_addr), 4);
	} else if (family == AF_INET6 && len >= SIN6_MIN) {
		const uint8_t *a = buf + offsetof(struct sockaddr_in6, sin6_addr);

		memcpy(&port, buf + offsetof(struct sockaddr_in6, sin6_port), sizeof(port));
		if (memcmp(a, v4mapped_prefix, sizeof(v4mapped_prefix)) == 0) {
			ep->family = AF_INET;
			ep->mapped = true;
			memcpy(ep->addr, a + 12, 4);
		} else {
			ep->family = AF_INET6;
			memcpy(ep->addr, a, 16);
		}
	} else {
		return 0;
	}
	ep->port = ntohs(port);
	return 1;
}

void net_sa_put(uint8_t *buf, const struct net_ep *ep)
{
	uint16_t port = htons(ep->port);
	sa_family_t family;

	memcpy(&family, buf, sizeof(family));
	if (family == AF_INET6) {
		uint8_t *a = buf + offsetof(struct sockaddr_in6, sin6_addr);

		memcpy(buf + offsetof(struct sockaddr_in6, sin6_port), &port, sizeof(port));
		if (ep->family == AF_INET) {
			memcpy(a, v4mapped_prefix, sizeof(v4mapped_prefix));
			memcpy(a + 12, ep->addr, 4);
		} else {
			memcpy(a, ep->addr, 16);
		}
		return;
	}
	/* AF_INET, or an AF_UNSPEC bind the kernel reads as AF_INET */
	family = AF_INET;
	memcpy(buf, &family, sizeof(family));
	memcpy(buf + offsetof(struct sockaddr_in, sin_port), &port, sizeof(port));
	memcpy(buf + offsetof(struct sockaddr_in, sin_addr), ep->addr, 4);
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static bool addr_equal(const struct net_ep *a, const struct net_ep *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, addr_len(a->family)) == 0;
}

bool net_ep_equal(const struct net_ep *a, const struct net_ep *b)
{
	return addr_equal(a, b) && a->port == b->port;
}

bool net_ep_is_loopback(const struct net_ep *ep)
{
	static const uint8_t v6_loopback[16] = { [15] = 1 };

	if (ep->family == AF_INET)
		return ep->addr[0] == 127;
	return memcmp(ep->addr, v6_loopback, 16) == 0;
}

bool net_ep_is_any(const struct net_ep *ep)
{
	static const uint8_t zero[16];

	return memcmp(ep->addr, zero, addr_len(ep->family)) == 0;
}

void net_ep_format(const struct net_ep *ep, char *out, size_t size)
{
	char text[INET6_ADDRSTRLEN];

	if (!inet_ntop(ep->family, ep->addr, text, sizeof(text)))
		snprintf(text, sizeof(text), "?");
	if (ep->family == AF_INET6)
		snprintf(out, size, "[%s]:%u", text, (unsigned)ep->port);
	else
		snprintf(out, size, "%s%s:%u", ep->mapped ? "::ffff:" : "", text, (unsigned)ep->port);
}

int net_local_init(struct net_conf *conf)
{
	struct ifaddrs *list = NULL;
	size_t n = 0;

	if (getifaddrs(&list) < 0)
		return 0;	/* loopback and the unspecified address still count */
	for (struct ifaddrs *i = list; i; i = i->ifa_next)
		if (i->ifa_addr && (i->ifa_addr->sa_family == AF_INET || i->ifa_addr->sa_family == AF_INET6))
			n++;
	conf->local = n ? calloc(n, sizeof(*conf->local)) : NULL;
	if (n && !conf->local) {
		freeifaddrs(list);
		return -ENOMEM;
	}
	for (struct ifaddrs *i = list; i; i = i->ifa_next) {
		struct net_ep ep;
		size_t len;

		if (!i->ifa_addr)
			continue;
		len = i->ifa_addr->sa_family == AF_INET ? sizeof(struct sockaddr_in) :
		      i->ifa_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : 0;
		if (len && net_sa_get((const uint8_t *)i->ifa_addr, len, &ep) == 1)
			conf->local[conf->nlocal++] = ep;
	}
	freeifaddrs(list);
	return 0;
}

bool net_ep_is_local(const struct net_conf *conf, const struct net_ep *ep)
{
	if (net_ep_is_loopback(ep) || net_ep_is_any(ep))
		return true;
	for (size_t i = 0; i < conf->nlocal; i++)
		if (addr_equal(&conf->local[i], ep))
			return true;
	return false;
}

bool net_to_host(const struct net_conf *conf, enum net_dir dir, struct net_ep *ep)
{
	if (dir != NET_OUT_BIND)
		for (size_t i = 0; i < conf->nredirects; i++)
			if (net_ep_equal(&conf->redirects[i].from, ep)) {
				bool mapped = ep->mapped;

				*ep = conf->redirects[i].to;
				ep->mapped = mapped;
				return true;
			}
	/* A bind of the guest port at any address; a connect or send only
	 * to this host's own addresses, never to a remote port 80. */
	if (dir != NET_OUT_BIND && !net_ep_is_local(conf, ep))
		return false;
	for (size_t i = 0; i < conf->nmaps; i++)
		if (conf->maps[i].guest == ep->port) {
			ep->port = conf->maps[i].host;
			return true;
		}
	return false;
}

bool net_to_guest(const struct net_conf *conf, bool local, struct net_ep *ep)
{
	if (!local)
		for (size_t i = 0; i < conf->nredirects; i++)
			if (net_ep_equal(&conf->redirects[i].to, ep)) {
				bool mapped = ep->mapped;

				*ep = conf->redirects[i].from;
				ep->mapped = mapped;
				return true;
			}
	if (!local && !net_ep_is_local(conf, ep))
		return false;
	for (size_t i = 0; i < conf->nmaps; i++)
		if (conf->maps[i].host == ep->port) {
			ep->port = conf->maps[i].guest;
			return true;
		}
	return false;
}
