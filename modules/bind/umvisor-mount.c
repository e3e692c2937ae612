/* umvisor-mount: mount and unmount umvisor mounts from inside a guest.
 *   umvisor-mount [-t TYPE] [-o DATA] SOURCE TARGET
 *                              mount(2) with TYPE (umvisor.bind; umvisor.NAME:
 *                              SOURCE and DATA are NAME's options)
 *   umvisor-mount -u TARGET                 umount2(2)
 * util-linux's mount(8) refuses non-root users before any syscall and
 * prefers the new mount API; this helper makes the one mount(2) call the
 * monitor serves. Outside umvisor the kernel answers (ENODEV, EPERM). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static int usage(void)
{
	fputs("usage: umvisor-mount [-t TYPE] [-o OPTIONS] SOURCE TARGET\n"
	      "       umvisor-mount -u TARGET\n"
	      "TYPE defaults to umvisor.bind (SOURCE, a path in the guest's view, appears at TARGET);\n"
	      "umvisor.NAME mounts module NAME at TARGET with SOURCE (none: no options) and\n"
	      "-o OPTIONS as its options\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *type = "umvisor.bind", *data = NULL;
	int c, unmount = 0;

	while ((c = getopt(argc, argv, "t:o:uh")) != -1) {
		switch (c) {
		case 't':
			type = optarg;
			break;
		case 'o':
			data = optarg;
			break;
		case 'u':
			unmount = 1;
			break;
		default:
			return usage();
		}
	}
	if (unmount) {
		if (argc - optind != 1)
			return usage();
		if (umount2(argv[optind], 0) < 0) {
			fprintf(stderr, "umvisor-mount: umount %s: %s\n", argv[optind], strerror(errno));
			return 1;
		}
		return 0;
	}
	if (argc - optind != 2)
		return usage();
	if (mount(argv[optind], argv[optind + 1], type, 0, data) < 0) {
		fprintf(stderr, "umvisor-mount: mount %s on %s (%s): %s\n", argv[optind],
			argv[optind + 1], type, strerror(errno));
		return 1;
	}
	return 0;
}
