/* tests/net/addr_test.c: the net module's address logic and option
 * parser, without a monitor: sockaddr bytes <-> endpoints (v4, v6,
 * v4-mapped, short buffers), the guest <-> host translation of maps and
 * redirects, and malformed options. */
#include "modules/net/net.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

/* The option parser logs through the SDK; here the lines are dropped. */
void umv_log(struct umv_mod *mod, int level, const char *fmt, ...)
{
	(void)mod;
	(void)level;
	(void)fmt;
}

static struct net_conf conf_of(const char *options)
{
	struct net_conf c;

	memset(&c, 0, sizeof(c));
	cr_assert_eq(net_conf_parse(NULL, &c, options), 0, "options %s", options);
	return c;
}

static void put_sin(uint8_t *buf, const char *addr, unsigned port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	cr_assert_eq(inet_pton(AF_INET, addr, &a.sin_addr), 1);
	memcpy(buf, &a, sizeof(a));
}

static void put_sin6(uint8_t *buf, const char *addr, unsigned port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };

	cr_assert_eq(inet_pton(AF_INET6, addr, &a.sin6_addr), 1);
	memcpy(buf, &a, sizeof(a));
}

static const char *text(const struct net_ep *ep)
{
	static char out[80];

	net_ep_format(ep, out, sizeof(out));
	return out;
}

Test(net_addr, v4_and_v6_round_trip)
{
	uint8_t buf[128] = { 0 };
	struct net_ep ep;

	put_sin(buf, "127.0.0.5", 80);
	cr_assert_eq(net_sa_get(buf, 16, &ep), 1);
	cr_assert_str_eq(text(&ep), "127.0.0.5:80");
	cr_assert_eq(net_sa_get(buf, 15, &ep), 0, "shorter than sockaddr_in: the kernel's EINVAL");
	cr_assert_eq(net_sa_get(buf, 128, &ep), 1, "longer is fine, as natively");
	put_sin6(buf, "::1", 443);
	cr_assert_eq(net_sa_get(buf, 24, &ep), 1, "RFC 2133 length, no scope id");
	cr_assert_str_eq(text(&ep), "[::1]:443");
	cr_assert(net_ep_is_loopback(&ep));
	cr_assert_eq(net_sa_get(buf, 23, &ep), 0);
	buf[0] = 200;
	cr_assert_eq(net_sa_get(buf, 28, &ep), 0, "unknown family: not ours");
	cr_assert_eq(net_sa_get(buf, 1, &ep), 0);
}

Test(net_addr, v4_mapped_kept_in_the_guest_format)
{
	uint8_t buf[28];
	struct net_ep ep;
	struct sockaddr_in6 back;

	put_sin6(buf, "::ffff:127.0.0.1", 80);
	cr_assert_eq(net_sa_get(buf, sizeof(buf), &ep), 1);
	cr_assert_eq(ep.family, AF_INET);
	cr_assert(ep.mapped);
	cr_assert(net_ep_is_loopback(&ep));
	ep.port = 8080;
	ep.addr[3] = 9;
	net_sa_put(buf, &ep);
	memcpy(&back, buf, sizeof(back));
	cr_assert_eq(back.sin6_family, AF_INET6);
	cr_assert_eq(ntohs(back.sin6_port), 8080);
	char t[64];
	inet_ntop(AF_INET6, &back.sin6_addr, t, sizeof(t));
	cr_assert_str_eq(t, "::ffff:127.0.0.9");
}

Test(net_addr, map_applies_to_binds_anywhere_and_to_local_destinations_only)
{
	struct net_conf c = conf_of("map=80:18080");
	struct net_ep ep;

	cr_assert_eq(net_ep_parse("192.0.2.1:80", &ep), 0);
	cr_assert(net_to_host(&c, NET_OUT_BIND, &ep), "a bind at any address is mapped");
	cr_assert_eq(ep.port, 18080);
	cr_assert_eq(net_ep_parse("192.0.2.1:80", &ep), 0);
	cr_assert(!net_to_host(&c, NET_OUT_CONNECT, &ep), "a remote port 80 is left alone");
	cr_assert_eq(net_ep_parse("127.0.0.1:80", &ep), 0);
	cr_assert(net_to_host(&c, NET_OUT_CONNECT, &ep));
	cr_assert_eq(ep.port, 18080);
	cr_assert(net_to_guest(&c, true, &ep));
	cr_assert_eq(ep.port, 80);
	cr_assert_eq(net_ep_parse("[::]:80", &ep), 0);
	cr_assert(net_to_host(&c, NET_OUT_SEND, &ep));
	net_conf_free(&c);
}

Test(net_addr, redirect_both_ways)
{
	struct net_conf c = conf_of("redirect=10.1.2.3:80=127.0.0.1:8080,redirect=[2001:db8::1]:53=[::1]:5353");
	struct net_ep ep;

	cr_assert_eq(net_ep_parse("10.1.2.3:80", &ep), 0);
	cr_assert(!net_to_host(&c, NET_OUT_BIND, &ep), "a bind is never redirected");
	cr_assert(net_to_host(&c, NET_OUT_CONNECT, &ep));
	cr_assert_str_eq(text(&ep), "127.0.0.1:8080");
	cr_assert(net_to_guest(&c, false, &ep));
	cr_assert_str_eq(text(&ep), "10.1.2.3:80");
	cr_assert_eq(net_ep_parse("[2001:db8::1]:53", &ep), 0);
	cr_assert(net_to_host(&c, NET_OUT_SEND, &ep));
	cr_assert_str_eq(text(&ep), "[::1]:5353");
	cr_assert_eq(net_ep_parse("10.1.2.3:81", &ep), 0);
	cr_assert(!net_to_host(&c, NET_OUT_CONNECT, &ep));
	net_conf_free(&c);
}

Test(net_options, accumulate_and_refuse)
{
	struct net_conf c = conf_of("policy=loopback,errno=ENETUNREACH,map=1:2,map=3:4,log");

	cr_assert_eq(c.policy, NET_LOOPBACK);
	cr_assert_eq(c.err, ENETUNREACH);
	cr_assert_eq(c.nmaps, 2);
	cr_assert(c.log);
	net_conf_free(&c);
	c = conf_of(NULL);
	cr_assert_eq(c.err, EACCES, "default errno");
	net_conf_free(&c);
	static const char *const bad[] = {
		"policy=x", "errno=E2BIG", "map=1", "map=0:1", "map=1:65536", "map=1:2,map=1:3",
		"map=-1:2", "redirect=1.2.3.4:1", "redirect=1.2.3.4:1=[::1]:1", "redirect=[::1:1=[::1]:1",
		"redirect=1.2.3.4:0=1.2.3.4:1", "nope", "log=1", "hosts=",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0, sizeof(c));
		cr_assert_eq(net_conf_parse(NULL, &c, bad[i]), -EINVAL, "%s", bad[i]);
		net_conf_free(&c);
	}
}
