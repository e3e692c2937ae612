/* AF_UNIX names through libc (i386: socketcall): bind, listen, connect,
 * getsockname, a datagram bind + sendto + recv, all under $B. Prints one
 * line per call for a native-vs-umvisor comparison. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
int main(void)
{
	const char *b = getenv("B");
	struct sockaddr_un a = { .sun_family = AF_UNIX }, got;
	socklen_t len = sizeof(got);
	char buf[16] = "";
	int s, c, d, e;

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
	return 0;
}
