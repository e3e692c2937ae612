/* The doc/regression.md example: a tiny program with two versions.
 * Version 2 (-DNEW_VERSION) reads one more file, and a refactoring dropped
 * the mkdir before writing its result: the write now fails and the program
 * takes its error path (exit 1). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_file(const char *name)
{
	char buf[128];
	int fd = open(name, O_RDONLY);

	if (fd < 0) {
		perror(name);
		return -1;
	}
	(void)read(fd, buf, sizeof(buf));
	close(fd);
	return 0;
}

int main(void)
{
	int fd;

	if (read_file("app.conf") < 0)
		return 2;
#ifdef NEW_VERSION
	if (read_file("app.extra") < 0)
		return 2;
#else
	mkdir("out", 0755);
#endif
	fd = open("out/result.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror("out/result.txt");
		return 1;
	}
	if (write(fd, "ok\n", 3) != 3)
		return 1;
	close(fd);
	unlink("out/result.txt");
	rmdir("out");
	return 0;
}
