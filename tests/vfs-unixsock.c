/* AF_UNIX names through libc (i386: socketcall): bind, listen, connect,
 * getsockname, a datagram bind + sendto + recv, and the peer names accept,
 * recvfrom and recvmsg give back (of clients bound to paths), all under $B.
 * Prints one line per call for a native-vs-umvisor comparison. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
/* A name under $B with $B cut off; anything else as it is. */
static const char *show(const char *b, const char *name)
{
	return strncmp(name, b, strlen(b)) == 0 ? name + strlen(b) : name;
}

int main(void)
{
	const char *b = getenv("B");
	struct sockaddr_un a = { .sun_family = AF_UNIX }, got;
	socklen_t len = sizeof(got);
	char buf[16] = "";
	int s, c, d, e, k;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/s32", b);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	printf("bind %d\n", bind(s, (struct sockaddr *)&a, sizeof(a)));
	printf("listen %d\n", listen(s, 1));
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	printf("connect %d\n", connect(c, (struct sockaddr *)&a, sizeof(a)));
	getsockname(s, (struct sockaddr *)&got, &len);
	printf("name %s\n", strncmp(got.sun_path, b, strlen(b)) == 0 ? got.sun_path + strlen(b) : got.sun_path);
	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/d32", b);
	printf("bind dgram %d\n", bind(d, (struct sockaddr *)&a, sizeof(a)));
	e = socket(AF_UNIX, SOCK_DGRAM, 0);
	printf("sendto %zd\n", sendto(e, "hey", 3, 0, (struct sockaddr *)&a, sizeof(a)));
	printf("recv %zd\n", recv(d, buf, sizeof(buf), 0));

	/* Peers bound to paths: their names come back translated. */
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/c32", b);
	printf("bind client %d\n", bind(e, (struct sockaddr *)&a, sizeof(a)));
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/d32", b);
	sendto(e, "one", 3, 0, (struct sockaddr *)&a, sizeof(a));
	sendto(e, "two", 3, 0, (struct sockaddr *)&a, sizeof(a));
	memset(&got, 0, sizeof(got));
	len = sizeof(got);
	printf("recvfrom %zd", recvfrom(d, buf, sizeof(buf), 0, (struct sockaddr *)&got, &len));
	printf(" len %d %s\n", (int)(len - strlen(b)), show(b, got.sun_path));
	{
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &got, .msg_namelen = sizeof(got), .msg_iov = &iov,
				     .msg_iovlen = 1 };
		memset(&got, 0, sizeof(got));
		printf("recvmsg %zd", recvmsg(d, &mh, 0));
		printf(" len %d %s\n", (int)(mh.msg_namelen - strlen(b)), show(b, got.sun_path));
	}
	printf("accept unbound peer %d", accept(s, (struct sockaddr *)&got, &len) >= 0);
	printf(" len %d\n", (int)len);	/* c, connected above */
	{
		/* recvmmsg: a name per message (and a NULL name in between) */
		struct sockaddr_un n1, n3;
		struct iovec iov[3] = { { buf, 4 }, { buf + 4, 4 }, { buf + 8, 4 } };
		struct mmsghdr mm[3];

		memset(mm, 0, sizeof(mm));
		memset(&n1, 0, sizeof(n1));
		memset(&n3, 0, sizeof(n3));
		mm[0].msg_hdr = (struct msghdr){ .msg_name = &n1, .msg_namelen = sizeof(n1),
						 .msg_iov = &iov[0], .msg_iovlen = 1 };
		mm[1].msg_hdr = (struct msghdr){ .msg_iov = &iov[1], .msg_iovlen = 1 };
		mm[2].msg_hdr = (struct msghdr){ .msg_name = &n3, .msg_namelen = sizeof(n3),
						 .msg_iov = &iov[2], .msg_iovlen = 1 };
		snprintf(a.sun_path, sizeof(a.sun_path), "%s/d32", b);
		for (int i = 0; i < 3; i++)
			sendto(e, "mmsg", 4, 0, (struct sockaddr *)&a, sizeof(a));
		printf("recvmmsg %d", recvmmsg(d, mm, 3, 0, NULL));
		printf(" %d %s, %d, %d %s\n", (int)(mm[0].msg_hdr.msg_namelen - strlen(b)), show(b, n1.sun_path),
		       (int)mm[1].msg_hdr.msg_namelen, (int)(mm[2].msg_hdr.msg_namelen - strlen(b)),
		       show(b, n3.sun_path));
	}
	k = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/k32", b);
	bind(k, (struct sockaddr *)&a, sizeof(a));
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/s32", b);
	connect(k, (struct sockaddr *)&a, sizeof(a));
	memset(&got, 0, sizeof(got));
	len = sizeof(got);
	printf("accept %d", accept(s, (struct sockaddr *)&got, &len) >= 0);
	printf(" len %d %s\n", (int)(len - strlen(b)), show(b, got.sun_path));
	return 0;
}
