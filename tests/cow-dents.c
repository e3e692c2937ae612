/* A guest for tests/cow-dents.sh: lists DIR with getdents64 and the old
 * getdents through tiny buffers (many calls), checks each d_ino/d_type
 * against fstatat, seeks back to a d_off and rewinds, and checks a buffer
 * too small for one entry gets EINVAL. Prints the sorted names and the
 * problems found; exit 0 unless the program itself could not run. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ent {
	char name[256];
	uint64_t ino;
	int64_t off;
	unsigned char type;
};

static struct ent ents[4096];

/* Reads the rest of FD; OLD: SYS_getdents. Returns the entry count. */
static int read_all(int fd, int old, size_t bufsize, struct ent *out, int max)
{
	char buf[4096];
	int n = 0;

	for (;;) {
		long r = syscall(old ? SYS_getdents : SYS_getdents64, fd, buf, bufsize);
		if (r < 0) {
			printf("getdents%s: %s\n", old ? "" : "64", strerror(errno));
			return n;
		}
		if (r == 0)
			return n;
		for (long p = 0; p < r && n < max;) {
			struct ent *e = &out[n++];
			unsigned short reclen;
			if (old) {
				unsigned long ino, off;
				memcpy(&ino, buf + p, sizeof(ino));
				memcpy(&off, buf + p + sizeof(long), sizeof(off));
				memcpy(&reclen, buf + p + 2 * sizeof(long), 2);
				snprintf(e->name, sizeof(e->name), "%s", buf + p + 2 * sizeof(long) + 2);
				e->type = (unsigned char)buf[p + reclen - 1];
				e->ino = ino;
				e->off = (int64_t)off;
			} else {
				memcpy(&e->ino, buf + p, 8);
				memcpy(&e->off, buf + p + 8, 8);
				memcpy(&reclen, buf + p + 16, 2);
				e->type = (unsigned char)buf[p + 18];
				snprintf(e->name, sizeof(e->name), "%s", buf + p + 19);
			}
			p += reclen;
		}
	}
}

static int cmp(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

static unsigned char type_of(mode_t m)
{
	return S_ISDIR(m) ? DT_DIR : S_ISREG(m) ? DT_REG : S_ISLNK(m) ? DT_LNK : S_ISFIFO(m) ? DT_FIFO : DT_UNKNOWN;
}

/* rm -r style: unlink every file as soon as a small read returns it,
 * then read on; every name must still come exactly once. */
static int delete_while_reading(int fd)
{
	char buf[300];
	int seen = 0, gone = 0;

	for (;;) {
		long r = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		if (r <= 0) {
			if (r < 0)
				printf("getdents64: %s\n", strerror(errno));
			break;
		}
		for (long p = 0; p < r;) {
			unsigned short reclen;
			const char *name = buf + p + 19;
			memcpy(&reclen, buf + p + 16, 2);
			if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
				seen++;
				if (buf[p + 18] != DT_DIR && unlinkat(fd, name, 0) == 0)
					gone++;
			}
			p += reclen;
		}
	}
	lseek(fd, 0, SEEK_SET);
	int left = read_all(fd, 0, 4096, ents, 4096) - 2;
	printf("delete while reading: seen %d, unlinked %d, left %d\n", seen, gone, left);
	return 0;
}

int main(int argc, char **argv)
{
	static struct ent again[4096];
	int fd, n, m, bad = 0;

	if (argc < 2 || (fd = open(argv[1], O_RDONLY | O_DIRECTORY)) < 0) {
		perror("open");
		return 2;
	}
	if (argc == 3 && strcmp(argv[2], "delete") == 0)
		return delete_while_reading(fd);
	n = read_all(fd, 0, 64, ents, 4096);
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (strcmp(ents[i].name, ".") == 0 || strcmp(ents[i].name, "..") == 0)
			continue;
		if (fstatat(fd, ents[i].name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			printf("listed but cannot stat: %s\n", ents[i].name);
			bad++;
			continue;
		}
		if ((uint64_t)st.st_ino != ents[i].ino && sizeof(long) == 8) {
			printf("d_ino differs: %s\n", ents[i].name);
			bad++;
		}
		if (ents[i].type != DT_UNKNOWN && ents[i].type != type_of(st.st_mode)) {
			printf("d_type differs: %s\n", ents[i].name);
			bad++;
		}
	}
	/* seek back to the second entry's d_off: the rest again */
	if (n > 3) {
		lseek(fd, (off_t)ents[1].off, SEEK_SET);
		m = read_all(fd, 0, 200, again, 4096);
		if (m != n - 2 || strcmp(again[0].name, ents[2].name) != 0) {
			printf("seek to d_off: %d entries from %s, want %d from %s\n", m,
			       m ? again[0].name : "-", n - 2, ents[2].name);
			bad++;
		}
	}
	/* rewind, the old getdents */
	lseek(fd, 0, SEEK_SET);
	m = read_all(fd, 1, 100, again, 4096);
	qsort(again, (size_t)m, sizeof(again[0]), cmp);
	qsort(ents, (size_t)n, sizeof(ents[0]), cmp);
	if (m != n) {
		printf("old getdents: %d entries, getdents64: %d\n", m, n);
		bad++;
	}
	for (int i = 0; i < n && i < m; i++)
		if (strcmp(ents[i].name, again[i].name) != 0) {
			printf("old getdents lists %s, getdents64 %s\n", again[i].name, ents[i].name);
			bad++;
		}
	lseek(fd, 0, SEEK_SET);
	{
		char tiny[8];
		long r = syscall(SYS_getdents64, fd, tiny, sizeof(tiny));
		printf("tiny buffer: %s\n", r < 0 ? (errno == EINVAL ? "EINVAL" : strerror(errno)) : "accepted");
	}
	for (int i = 0; i < n; i++)
		printf("%s\n", ents[i].name);
	printf("problems: %d\n", bad);
	return 0;
}
