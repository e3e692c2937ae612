/* An i386 guest for tests/syscalls_filter: built with gcc -m32, it makes a
 * fixed sequence of 32-bit syscalls under the filter its parent loaded.
 * argv[1] is a file it may create. Exit 0 when every call ran. */
#include <fcntl.h>
#include <linux/net.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[256];
	unsigned long sockargs[3] = { AF_UNIX, SOCK_STREAM, 0 };
	long fd;

	if (argc != 2)
		return 99;
	syscall(SYS_getppid);					/* not wanted */
	if (syscall(SYS_getcwd, buf, sizeof(buf)) < 0)		/* wanted */
		return 2;
	fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);	/* no O_CREAT */
	if (fd < 0)
		return 3;
	close((int)fd);
	fd = syscall(SYS_openat, AT_FDCWD, argv[1], O_WRONLY | O_CREAT, 0600);	/* wanted */
	if (fd < 0)
		return 4;
	close((int)fd);
	fd = syscall(SYS_socketcall, SYS_SOCKET, sockargs);	/* socket through socketcall */
	if (fd < 0)
		return 5;
	close((int)fd);
	fd = syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);	/* direct socket (359) */
	if (fd < 0)
		return 6;
	close((int)fd);
	syscall(1000);						/* beyond the table */
	return 0;
}
