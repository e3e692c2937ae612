/* fakeroot: the ownership database, keyed by (dev, ino), with a host path
 * hint per entry so a load can re-key entries whose file changed numbers
 * (reboot, remount, copies of tmpfs). Saved atomically: temp file, fsync,
 * rename, fsync of the directory. The text format is fakeroot(1)'s save
 * format (`fakeroot -s`), one entry a line, plus an optional " path=HINT"
 * (percent-escaped) that our loader reads and fakeroot's never sees in an
 * export. */
#include "modules/fakeroot/fakeroot.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DB_HEADER "# umvisor fakeroot db 1"

int fr_db_init(struct fr_db *db)
{
	memset(db, 0, sizeof(*db));
	db->cap = 1024;
	db->slots = calloc(db->cap, sizeof(*db->slots));
	return db->slots ? 0 : -ENOMEM;
}

void fr_db_fini(struct fr_db *db)
{
	for (size_t i = 0; i < db->cap; i++)
		if (db->slots[i].used)
			free(db->slots[i].path);
	free(db->slots);
	free(db->file);
	memset(db, 0, sizeof(*db));
}

static size_t hash(uint64_t dev, uint64_t ino, size_t cap)
{
	uint64_t h = (ino ^ (dev << 32) ^ (dev >> 32)) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 17) & (cap - 1);
}

static size_t slot_of(const struct fr_db *db, uint64_t dev, uint64_t ino)
{
	size_t i = hash(dev, ino, db->cap);

	while (db->slots[i].used && (db->slots[i].dev != dev || db->slots[i].ino != ino))
		i = (i + 1) & (db->cap - 1);
	return i;
}

static bool is_setgid_dir(uint32_t mode)
{
	return S_ISDIR(mode) && (mode & S_ISGID);
}

struct fr_entry *fr_db_find(struct fr_db *db, uint64_t dev, uint64_t ino)
{
	size_t i;

	if (db->count == 0)
		return NULL;
	i = slot_of(db, dev, ino);
	return db->slots[i].used ? &db->slots[i] : NULL;
}

static int grow(struct fr_db *db)
{
	struct fr_entry *old = db->slots;
	size_t old_cap = db->cap;

	db->slots = calloc(old_cap * 2, sizeof(*db->slots));
	if (!db->slots) {
		db->slots = old;
		return -ENOMEM;
	}
	db->cap = old_cap * 2;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].used)
			db->slots[slot_of(db, old[i].dev, old[i].ino)] = old[i];
	free(old);
	return 0;
}

struct fr_entry *fr_db_get(struct fr_db *db, uint64_t dev, uint64_t ino, uint32_t mode,
			   uint32_t uid, uint32_t gid)
{
	struct fr_entry *e = fr_db_find(db, dev, ino);

	if (e)
		return e;
	if ((db->count + 1) * 2 > db->cap && grow(db) < 0)
		return NULL;
	e = &db->slots[slot_of(db, dev, ino)];
	*e = (struct fr_entry){ .dev = dev, .ino = ino, .mode = mode, .uid = uid, .gid = gid,
				.used = true };
	db->count++;
	if (is_setgid_dir(mode))
		db->setgid_dirs++;
	db->dirty = true;
	return e;
}

void fr_db_set_mode(struct fr_db *db, struct fr_entry *e, uint32_t mode)
{
	if (is_setgid_dir(e->mode))
		db->setgid_dirs--;
	if (is_setgid_dir(mode))
		db->setgid_dirs++;
	e->mode = mode;
	db->dirty = true;
}

void fr_db_set_path(struct fr_db *db, struct fr_entry *e, const char *path)
{
	char *copy;

	if (!path || (e->path && strcmp(e->path, path) == 0))
		return;
	copy = strdup(path);
	if (!copy)
		return;		/* a hint only */
	free(e->path);
	e->path = copy;
	db->dirty = true;
}

/* Backward-shift deletion keeps linear probing without tombstones. */
void fr_db_drop(struct fr_db *db, uint64_t dev, uint64_t ino)
{
	size_t i, j;

	if (db->count == 0)
		return;
	i = slot_of(db, dev, ino);
	if (!db->slots[i].used)
		return;
	if (is_setgid_dir(db->slots[i].mode))
		db->setgid_dirs--;
	free(db->slots[i].path);
	db->slots[i].used = false;
	db->count--;
	db->dirty = true;
	for (j = (i + 1) & (db->cap - 1); db->slots[j].used; j = (j + 1) & (db->cap - 1)) {
		size_t home = hash(db->slots[j].dev, db->slots[j].ino, db->cap);
		/* Move J back to I if its home is not in (I, J]. */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			db->slots[i] = db->slots[j];
			db->slots[j].used = false;
			db->slots[j].path = NULL;
			i = j;
		}
	}
}

/* ---- text format ---- */

static void put_escaped(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p <= ' ' || *p == '%' || *p >= 0x7f)
			fprintf(f, "%%%02x", *p);
		else
			fputc(*p, f);
	}
}

static int unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (*r == '%') {
			unsigned v;
			if (sscanf(r + 1, "%2x", &v) != 1 || v == 0)
				return -EINVAL;
			*w++ = (char)v;
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return 0;
}

static bool same_kind(uint32_t recorded, mode_t real)
{
	/* Device nodes are regular placeholder files on the host. */
	if (S_ISCHR(recorded) || S_ISBLK(recorded))
		return S_ISREG(real) || (recorded & S_IFMT) == (real & S_IFMT);
	return (recorded & S_IFMT) == (real & S_IFMT);
}

/* The file at the entry's hint now has other numbers: move the entry. */
static int rekey(struct fr_db *db, struct fr_entry *e)
{
	struct stat sb;
	struct fr_entry copy;

	if (!e->path || lstat(e->path, &sb) < 0 || !same_kind(e->mode, sb.st_mode))
		return 0;
	if ((uint64_t)sb.st_dev == e->dev && (uint64_t)sb.st_ino == e->ino)
		return 0;
	copy = *e;
	copy.path = e->path ? strdup(e->path) : NULL;
	fr_db_drop(db, e->dev, e->ino);
	e = fr_db_get(db, sb.st_dev, sb.st_ino, copy.mode, copy.uid, copy.gid);
	if (!e) {
		free(copy.path);
		return -ENOMEM;
	}
	fr_db_set_mode(db, e, copy.mode);
	e->uid = copy.uid;
	e->gid = copy.gid;
	e->rdev = copy.rdev;
	free(e->path);
	e->path = copy.path;
	return 1;
}

static int parse_line(struct fr_db *db, char *line, struct fr_entry **out)
{
	unsigned long long dev, ino, mode, uid, gid, nlink, rdev;
	int used = 0;
	char *rest;
	struct fr_entry *e;

	if (sscanf(line, "dev=%llx,ino=%llu,mode=%llo,uid=%llu,gid=%llu,nlink=%llu,rdev=%llu%n",
		   &dev, &ino, &mode, &uid, &gid, &nlink, &rdev, &used) != 7 || used == 0)
		return -EINVAL;
	/* A mode with no file type is valid: an anonymous inode's (an
	 * eventfd or a pipe fchmod'ed through its fd). Refusing what the
	 * saver writes would make one such entry lose the whole db. */
	if (mode > 0177777 || uid > UINT32_MAX || gid > UINT32_MAX)
		return -EINVAL;
	rest = line + used;
	e = fr_db_get(db, dev, ino, (uint32_t)mode, (uint32_t)uid, (uint32_t)gid);
	if (!e)
		return -ENOMEM;
	fr_db_set_mode(db, e, (uint32_t)mode);
	e->uid = (uint32_t)uid;
	e->gid = (uint32_t)gid;
	e->rdev = rdev;
	if (*rest == '\0')
		return 0;
	if (strncmp(rest, " path=", 6) != 0 || unescape(rest + 6) < 0)
		return -EINVAL;
	fr_db_set_path(db, e, rest + 6);
	*out = e;
	return 0;
}

int fr_db_load(struct fr_db *db, const char *file, unsigned *line_no)
{
	FILE *f = fopen(file, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;
	struct { uint64_t dev, ino; } *hinted = NULL;
	size_t nhinted = 0, hcap = 0;

	*line_no = 0;
	if (!f)
		return -errno;
	while ((n = getline(&line, &cap, f)) >= 0) {
		struct fr_entry *e = NULL;

		++*line_no;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if ((rc = parse_line(db, line, &e)) < 0)
			break;
		if (e && e->path) {
			if (nhinted == hcap) {
				size_t c2 = hcap ? hcap * 2 : 256;
				void *g = realloc(hinted, c2 * sizeof(*hinted));
				if (!g) {
					rc = -ENOMEM;
					break;
				}
				hinted = g;
				hcap = c2;
			}
			hinted[nhinted].dev = e->dev;
			hinted[nhinted++].ino = e->ino;
		}
	}
	if (rc == 0 && ferror(f))
		rc = -EIO;
	fclose(f);
	free(line);
	for (size_t i = 0; rc == 0 && i < nhinted; i++) {
		struct fr_entry *e = fr_db_find(db, hinted[i].dev, hinted[i].ino);
		if (e && rekey(db, e) < 0)
			rc = -ENOMEM;
	}
	free(hinted);
	if (rc == 0) {
		*line_no = 0;
		db->dirty = false;
	}
	return rc;
}

static int fsync_dir_of(const char *file)
{
	char *copy = strdup(file);
	int fd, rc = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0 && errno != EINVAL)
		rc = -errno;
	close(fd);
	return rc;
}

int fr_db_save(const struct fr_db *db, const char *file, bool fakeroot_format)
{
	size_t len = strlen(file) + 32;
	char *tmp = malloc(len);
	FILE *f;
	int fd, rc = 0;

	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, len, "%s.tmp.%d", file, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		free(tmp);
		return rc;
	}
	if (!fakeroot_format)
		fprintf(f, "%s\n", DB_HEADER);
	for (size_t i = 0; i < db->cap; i++) {
		const struct fr_entry *e = &db->slots[i];

		if (!e->used)
			continue;
		fprintf(f, "dev=%" PRIx64 ",ino=%" PRIu64 ",mode=%o,uid=%" PRIu32 ",gid=%" PRIu32
			",nlink=1,rdev=%" PRIu64, e->dev, e->ino, (unsigned)e->mode, e->uid, e->gid,
			e->rdev);
		if (!fakeroot_format && e->path) {
			fputs(" path=", f);
			put_escaped(f, e->path);
		}
		fputc('\n', f);
	}
	if (fflush(f) != 0 || fsync(fileno(f)) < 0)
		rc = -errno;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, file) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	else
		rc = fsync_dir_of(file);
	free(tmp);
	return rc;
}
