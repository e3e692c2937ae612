/* tests/printer_net_test.c: golden lines of the network calls. Unless a
 * comment says "synthetic", each expected line is strace 6.1's output for
 * the same call on the development machine. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "tests/printer_fake.h"

TestSuite(printer_net, .init = fm_reset);

static void put_sin(uint64_t addr, const char *ip, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, ip, &sin.sin_addr);
	fm_add(addr, &sin, sizeof(sin));
}

static void put_sin6(uint64_t addr, const char *ip, uint16_t port)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	inet_pton(AF_INET6, ip, &sin6.sin6_addr);
	fm_add(addr, &sin6, sizeof(sin6));
}

static void put_sun(uint64_t addr, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	strcpy(sun.sun_path, path);
	fm_add(addr, &sun, sizeof(sun));
}

Test(printer_net, socket)
{
	expect_line(X64, SC_ID_socket, A(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), 3,
		    "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3");
	expect_line(X64, SC_ID_socket, A(AF_INET6, SOCK_DGRAM, IPPROTO_UDP), 4,
		    "socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP) = 4");
	expect_line(X64, SC_ID_socket, A(AF_UNIX, SOCK_STREAM, 0), 5, "socket(AF_UNIX, SOCK_STREAM, 0) = 5");
	expect_line(X64, SC_ID_socket, A(AF_INET, SOCK_RAW | SOCK_NONBLOCK, 255), 3,
		    "socket(AF_INET, SOCK_RAW|SOCK_NONBLOCK, IPPROTO_RAW) = 3");
	expect_line(X64, SC_ID_socket, A(AF_NETLINK, SOCK_DGRAM, 0), 4,
		    "socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE) = 4");
	expect_line(X64, SC_ID_socket, A(46, 99, 0), -EINVAL,
		    "socket(0x2e /* AF_??? */, SOCK_RAW|0x60 /* SOCK_??? */, 0) = -1 EINVAL (Invalid argument)");
}

Test(printer_net, connect_inet)
{
	put_sin(0x7ffd00001000, "127.0.0.1", 80);
	expect_line(X64, SC_ID_connect, A(3, 0x7ffd00001000, 16), -ECONNREFUSED,
		    "connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = -1 ECONNREFUSED (Connection refused)");
}

Test(printer_net, connect_inet6)
{
	put_sin6(0x7ffd00001000, "::1", 53);
	expect_line(X64, SC_ID_connect, A(4, 0x7ffd00001000, 28), 0,
		    "connect(4, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}, 28) = 0");
}

Test(printer_net, connect_and_bind_unix)
{
	put_sun(0x7ffd00001000, "/tmp/nosuchsock");
	expect_line(X64, SC_ID_connect, A(5, 0x7ffd00001000, 110), -ENOENT,
		    "connect(5, {sa_family=AF_UNIX, sun_path=\"/tmp/nosuchsock\"}, 110) = -1 ENOENT (No such file or directory)");
	put_sun(0x7ffd00002000, "/tmp/ptest.sock");
	expect_line(X64, SC_ID_bind, A(5, 0x7ffd00002000, 18), 0,
		    "bind(5, {sa_family=AF_UNIX, sun_path=\"/tmp/ptest.sock\"}, 18) = 0");
	/* synthetic: an abstract socket name, as strace shows it */
	struct sockaddr_un abs = { .sun_family = AF_UNIX };

	memcpy(abs.sun_path, "\0umv", 4);
	fm_add(0x7ffd00003000, &abs, sizeof(abs));
	expect_line(X64, SC_ID_connect, A(5, 0x7ffd00003000, 6), 0,
		    "connect(5, {sa_family=AF_UNIX, sun_path=@\"umv\"}, 6) = 0");
}

Test(printer_net, connect_unreadable)
{
	/* synthetic: the address cannot be read */
	expect_line(X64, SC_ID_connect, A(3, 0x7ffd00001000, 16), -EFAULT,
		    "connect(3, 0x7ffd00001000, 16) = -1 EFAULT (Bad address)");
}

Test(printer_net, sendto_recvfrom)
{
	put_sin6(0x7ffd00001000, "::1", 53);
	fm_add(0x555d00000000, "ping", 4);
	expect_line(X64, SC_ID_sendto, A(4, 0x555d00000000, 4, MSG_DONTWAIT, 0x7ffd00001000, 28), 4,
		    "sendto(4, \"ping\", 4, MSG_DONTWAIT, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}, 28) = 4");
	int32_t len = 28;

	fm_add(0x7ffd4ab6be00 + 0x100, &len, 4);
	expect_line(X64, SC_ID_recvfrom, A(4, 0x7ffd4ab6c0d0, 10, MSG_DONTWAIT, 0x7ffd4ab6be00, 0x7ffd4ab6bf00),
		    -ECONNREFUSED,
		    "recvfrom(4, 0x7ffd4ab6c0d0, 10, MSG_DONTWAIT, 0x7ffd4ab6be00, [28]) = -1 ECONNREFUSED (Connection refused)");
}

Test(printer_net, recvfrom_success)
{
	/* synthetic: data and peer address written by the kernel */
	int32_t len = 16;

	fm_add(0x7ffd00002000, "pong", 4);
	put_sin(0x7ffd00003000, "10.1.2.3", 8080);
	fm_add(0x7ffd00004000, &len, 4);
	expect_line(X64, SC_ID_recvfrom, A(4, 0x7ffd00002000, 10, 0, 0x7ffd00003000, 0x7ffd00004000), 4,
		    "recvfrom(4, \"pong\", 10, 0, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"10.1.2.3\")}, [16]) = 4");
}

Test(printer_net, getsockname_in_out_length)
{
	/* the length is 128 at entry and 2 at exit: [128 => 2] */
	struct sc_call call;
	struct sc_print_state st;
	struct sc_out out;
	struct sc_result res = { .rval = 0 };
	int32_t len = 128;
	uint16_t fam = AF_UNIX;

	fm_add(0x7ffd00004000, &len, 4);
	fm_add(0x7ffd00003000, &fam, 2);
	cr_assert_eq(sc_decode(X64, nr_of(X64, SC_ID_getsockname), A(5, 0x7ffd00003000, 0x7ffd00004000),
			       &fm_reader, &call), 0);
	cr_assert_eq(sc_out_init(&out, 0), 0);
	cr_assert_eq(sc_print_enter(&out, &call, &fm_reader, NULL, &st), 0);
	len = 2;
	fm_add(0x7ffd00004000, &len, 4);	/* the kernel rewrote it */
	cr_assert_eq(sc_print_exit(&out, &call, &fm_reader, NULL, &st, &res), 0);
	cr_expect_str_eq(sc_out_str(&out), "getsockname(5, {sa_family=AF_UNIX}, [128 => 2]) = 0");
	sc_out_fini(&out);
}

Test(printer_net, getsockname_truncated_address)
{
	/* strace 6.1: a 4-byte buffer for an AF_INET name: [4 => 16] and the
	 * first 4 bytes as sa_data */
	struct sc_call call;
	struct sc_print_state st;
	struct sc_out out;
	struct sc_result res = { .rval = 0 };
	int32_t len = 4;
	unsigned char sa[4] = { AF_INET, 0, 0xac, 0xf1 };

	fm_add(0x7ffd00004000, &len, 4);
	fm_add(0x7ffd00003000, sa, 4);
	cr_assert_eq(sc_decode(X64, nr_of(X64, SC_ID_getsockname), A(7, 0x7ffd00003000, 0x7ffd00004000),
			       &fm_reader, &call), 0);
	cr_assert_eq(sc_out_init(&out, 0), 0);
	cr_assert_eq(sc_print_enter(&out, &call, &fm_reader, NULL, &st), 0);
	len = 16;
	fm_add(0x7ffd00004000, &len, 4);
	cr_assert_eq(sc_print_exit(&out, &call, &fm_reader, NULL, &st, &res), 0);
	cr_expect_str_eq(sc_out_str(&out), "getsockname(7, {sa_family=AF_INET, sa_data=\"\\254\\361\"}, [4 => 16]) = 0");
	sc_out_fini(&out);
}

Test(printer_net, socketpair)
{
	int32_t sv[2] = { 5, 6 };

	fm_add(0x7ffd00001000, sv, sizeof(sv));
	expect_line(X64, SC_ID_socketpair, A(AF_UNIX, SOCK_STREAM, 0, 0x7ffd00001000), 0,
		    "socketpair(AF_UNIX, SOCK_STREAM, 0, [5, 6]) = 0");
}

Test(printer_net, writev_readv)
{
	uint64_t iov[4] = { 0x1000, 5, 0x1100, 6 };

	fm_add(0x1000, "hello", 5);
	fm_add(0x1100, "world\n", 6);
	fm_add(0x7ffd00001000, iov, sizeof(iov));
	expect_line(X64, SC_ID_writev, A(1, 0x7ffd00001000, 2), 11,
		    "writev(1, [{iov_base=\"hello\", iov_len=5}, {iov_base=\"world\\n\", iov_len=6}], 2) = 11");
	uint64_t riov[4] = { 0x2000, 3, 0x2100, 10 };

	fm_add(0x2000, "abc", 3);
	fm_add(0x2100, "defgh\0\0\0\0\0", 10);
	fm_add(0x7ffd00002000, riov, sizeof(riov));
	expect_line(X64, SC_ID_readv, A(6, 0x7ffd00002000, 2), 8,
		    "readv(6, [{iov_base=\"abc\", iov_len=3}, {iov_base=\"defgh\", iov_len=10}], 2) = 8");
}

Test(printer_net, sendmsg_recvmsg)
{
	uint64_t iov[2] = { 0x1000, 2 };
	uint64_t mh[7] = { 0, 0, 0x7ffd00001000, 1, 0, 0, 0 };

	fm_add(0x1000, "hi", 2);
	fm_add(0x7ffd00001000, iov, sizeof(iov));
	fm_add(0x7ffd00002000, mh, sizeof(mh));
	expect_line(X64, SC_ID_sendmsg, A(5, 0x7ffd00002000, 0), 2,
		    "sendmsg(5, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"hi\", iov_len=2}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 2");
	uint64_t riov[2] = { 0x3000, 10 };
	uint64_t rmh[7] = { 0, 0, 0x7ffd00003000, 1, 0, 0, 0 };

	fm_add(0x3000, "hi\0\0\0\0\0\0\0\0", 10);
	fm_add(0x7ffd00003000, riov, sizeof(riov));
	fm_add(0x7ffd00004000, rmh, sizeof(rmh));
	expect_line(X64, SC_ID_recvmsg, A(6, 0x7ffd00004000, 0), 2,
		    "recvmsg(6, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"hi\", iov_len=10}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 2");
}

/* strace 6.1, i386 binary calling syscall(SYS_socketcall, ...) */
Test(printer_net, i386_socketcall_connect)
{
	uint32_t args[3] = { 3, 0xffd01000, 16 };

	put_sin(0xffd01000, "127.0.0.1", 80);
	fm_add(0xffd02000, args, sizeof(args));
	expect_line_nr(I386, 102, A(3, 0xffd02000), -ECONNREFUSED,
		       "connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = -1 ECONNREFUSED (Connection refused)");
	uint32_t sargs[3] = { AF_UNIX, SOCK_DGRAM, 0 };

	fm_add(0xffd03000, sargs, sizeof(sargs));
	expect_line_nr(I386, 102, A(1, 0xffd03000), 4, "socket(AF_UNIX, SOCK_DGRAM, 0) = 4");
}

Test(printer_net, i386_socketcall_unreadable)
{
	expect_line_nr(I386, 102, A(3, 0x4), -EFAULT, "socketcall(SYS_CONNECT, 0x4) = -1 EFAULT (Bad address)");
}

Test(printer_net, i386_writev_32bit_iovec)
{
	/* synthetic: 32-bit iovec elements */
	uint32_t iov[4] = { 0x1000, 5, 0x1100, 1 };

	fm_add(0x1000, "hello", 5);
	fm_add(0x1100, "\n", 1);
	fm_add(0xffd00000, iov, sizeof(iov));
	expect_line(I386, SC_ID_writev, A(1, 0xffd00000, 2), 6,
		    "writev(1, [{iov_base=\"hello\", iov_len=5}, {iov_base=\"\\n\", iov_len=1}], 2) = 6");
}
