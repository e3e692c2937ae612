/* tests/net/netlink_test.c: the net module's netlink check without a
 * monitor: which message batches are queries (walked as the kernel walks
 * them), and which fds /proc says are netlink sockets of which protocol
 * (asked about this test's own fds). */
#include "modules/net/net.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Appends one message header (LEN bytes in all, zero body) at *AT. */
static void put(uint8_t *buf, size_t *at, uint32_t len, uint16_t type, uint16_t flags)
{
	struct nlmsghdr h = { .nlmsg_len = len, .nlmsg_type = type, .nlmsg_flags = flags };

	memcpy(buf + *at, &h, sizeof(h));
	*at += NLMSG_ALIGN(len);
}

static int check(const uint8_t *buf, size_t len, uint16_t *type)
{
	*type = 0xffff;
	return net_nl_check(buf, len, type);
}

Test(net_netlink, every_get_type_is_a_query)
{
	uint8_t buf[64] = { 0 };
	uint16_t bad;

	for (uint16_t type = RTM_BASE; type < RTM_MAX; type++) {
		size_t at = 0;

		put(buf, &at, 20, type, NLM_F_REQUEST | NLM_F_DUMP);
		if ((type - RTM_BASE) % 4 == 2) {
			cr_assert_eq(check(buf, at, &bad), 0, "type %u", type);
		} else {
			cr_assert_eq(check(buf, at, &bad), -EPERM, "type %u", type);
			cr_assert_eq(bad, type);
		}
	}
	cr_assert_eq(RTM_GETLINK, RTM_BASE + 2);
	cr_assert_eq(RTM_GETADDR, RTM_BASE + 6);
	cr_assert_eq(RTM_GETROUTE, RTM_BASE + 10);
}

Test(net_netlink, request_flag_and_control_types_required)
{
	uint8_t buf[64] = { 0 };
	uint16_t bad;
	size_t at = 0;

	put(buf, &at, 16, RTM_GETLINK, NLM_F_DUMP);
	cr_assert_eq(check(buf, at, &bad), -EPERM);
	at = 0;
	put(buf, &at, 16, NLMSG_NOOP, NLM_F_REQUEST);
	cr_assert_eq(check(buf, at, &bad), -EPERM);
	cr_assert_eq(bad, NLMSG_NOOP);
}

Test(net_netlink, a_change_anywhere_in_the_batch_refuses)
{
	uint8_t buf[128] = { 0 };
	uint16_t bad;
	size_t at = 0;

	put(buf, &at, 17, RTM_GETLINK, NLM_F_REQUEST);	/* 17: padded to 20 */
	put(buf, &at, 24, RTM_GETADDR, NLM_F_REQUEST);
	put(buf, &at, 24, RTM_DELADDR, NLM_F_REQUEST);
	cr_assert_eq(check(buf, at, &bad), -EPERM);
	cr_assert_eq(bad, RTM_DELADDR);
	/* the last message's padding need not be there */
	cr_assert_eq(check(buf, 17, &bad), 0);
}

Test(net_netlink, the_kernel_stops_where_we_stop)
{
	uint8_t buf[128] = { 0 };
	uint16_t bad;
	size_t at = 0;

	/* iproute2: a query, then a zero header: the kernel stops at it */
	put(buf, &at, 24, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP);
	put(buf, &at, 0, RTM_NEWADDR, NLM_F_REQUEST);
	cr_assert_eq(check(buf, 24 + 64, &bad), 0);
	/* a header claiming more than is left ends the walk too */
	at = 0;
	put(buf, &at, 24, RTM_GETADDR, NLM_F_REQUEST);
	put(buf, &at, 200, RTM_NEWADDR, NLM_F_REQUEST);
	cr_assert_eq(check(buf, 24 + 40, &bad), 0);
	/* less than one header: nothing for the kernel to do */
	cr_assert_eq(check(buf, 0, &bad), 0);
	cr_assert_eq(check(buf, NLMSG_HDRLEN - 1, &bad), 0);
	/* but one exact header is checked */
	at = 0;
	put(buf, &at, 16, RTM_NEWLINK, NLM_F_REQUEST);
	cr_assert_eq(check(buf, 16, &bad), -EPERM);
}

Test(net_netlink, fd_protocol_from_proc)
{
	struct net_nl_cache cache;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	int route = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	int diag = socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG);
	int tcp = socket(AF_INET, SOCK_STREAM, 0);
	int fds[2];

	memset(&cache, 0, sizeof(cache));
	if (route < 0 || diag < 0 || tcp < 0)
		cr_skip_test("cannot create the sockets: %s", strerror(errno));
	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(net_nl_fd_protocol(&cache, getpid(), route), NETLINK_ROUTE, "unbound route");
	cr_assert_eq(bind(diag, (struct sockaddr *)&nl, sizeof(nl)), 0);
	cr_assert_eq(net_nl_fd_protocol(&cache, getpid(), diag), NETLINK_SOCK_DIAG);
	cr_assert_eq(net_nl_fd_protocol(&cache, getpid(), diag), NETLINK_SOCK_DIAG, "remembered");
	cr_assert_eq(net_nl_fd_protocol(&cache, getpid(), tcp), -ENOENT);
	cr_assert_eq(net_nl_fd_protocol(&cache, getpid(), tcp), -ENOENT, "remembered");
	cr_assert_eq(net_nl_fd_protocol(&cache, getpid(), fds[0]), -ENOTSOCK);
	close(fds[1]);
	cr_assert_eq(net_nl_fd_protocol(&cache, getpid(), fds[1]), -ENOENT, "closed fd");
	cr_assert_eq(net_nl_fd_protocol(&cache, getpid(), -1), -ENOENT);
	close(fds[0]);
	close(route);
	close(diag);
	close(tcp);
}
