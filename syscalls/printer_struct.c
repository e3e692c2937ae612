/* syscalls/printer_struct.c: guest structs, read with explicit per-arch
 * layouts (offsets of the kernel's UAPI structs, not the host's), printed
 * as strace 6.1 prints them (abbreviated unless opts->verbose). */
#include "syscalls/printer_priv.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- little-endian field access (every supported arch is LE) ---- */

static uint16_t get16(const unsigned char *b, size_t off)
{
	uint16_t v;

	memcpy(&v, b + off, sizeof(v));
	return v;
}

static uint32_t get32(const unsigned char *b, size_t off)
{
	uint32_t v;

	memcpy(&v, b + off, sizeof(v));
	return v;
}

static uint64_t get64(const unsigned char *b, size_t off)
{
	uint64_t v;

	memcpy(&v, b + off, sizeof(v));
	return v;
}

static uint64_t getword(const struct sc_pctx *p, const unsigned char *b, size_t off)
{
	return p->word == 4 ? get32(b, off) : get64(b, off);
}

static int64_t getsword(const struct sc_pctx *p, const unsigned char *b, size_t off)
{
	return p->word == 4 ? (int32_t)get32(b, off) : (int64_t)get64(b, off);
}

static unsigned array_limit(const struct sc_pctx *p)
{
	unsigned lim = p->opts->string_limit;

	return lim > SC_PRINT_ARRAY_MAX ? SC_PRINT_ARRAY_MAX : lim;
}

/* ---- stat family ---- */

struct nstat {
	uint64_t dev, ino, nlink, mode, uid, gid, rdev, blksize, blocks;
	int64_t size;
	int64_t tim[3][2];	/* atime, mtime, ctime: sec, nsec */
};

void sc_p_makedev(const struct sc_pctx *p, uint64_t dev)
{
	/* the kernel's new_encode_dev() */
	uint64_t major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~(uint64_t)0xfff);
	uint64_t minor = (dev & 0xff) | ((dev >> 12) & ~(uint64_t)0xff);

	sc_out_printf(p->out, "makedev(%#" PRIx64 ", %#" PRIx64 ")", major, minor);
}

static void print_nstat(const struct sc_pctx *p, const struct nstat *st)
{
	bool dev = (st->mode & 0170000) == 0020000 || (st->mode & 0170000) == 0060000;
	static const char *const tname[3] = { "st_atime", "st_mtime", "st_ctime" };

	if (!p->opts->verbose) {
		sc_p_puts(p, "{st_mode=");
		sc_p_mode(p, st->mode);
		if (dev) {
			sc_p_puts(p, ", st_rdev=");
			sc_p_makedev(p, st->rdev);
		} else {
			sc_out_printf(p->out, ", st_size=%" PRId64, st->size);
		}
		sc_p_puts(p, ", ...}");
		return;
	}
	sc_p_puts(p, "{st_dev=");
	sc_p_makedev(p, st->dev);
	sc_out_printf(p->out, ", st_ino=%" PRIu64 ", st_mode=", st->ino);
	sc_p_mode(p, st->mode);
	sc_out_printf(p->out, ", st_nlink=%" PRIu64 ", st_uid=%" PRIu64 ", st_gid=%" PRIu64
		      ", st_blksize=%" PRIu64 ", st_blocks=%" PRIu64,
		      st->nlink, st->uid, st->gid, st->blksize, st->blocks);
	if (dev) {
		sc_p_puts(p, ", st_rdev=");
		sc_p_makedev(p, st->rdev);
	} else {
		sc_out_printf(p->out, ", st_size=%" PRId64, st->size);
	}
	for (int i = 0; i < 3; i++)
		sc_out_printf(p->out, ", %s=%" PRId64 ", %s_nsec=%" PRId64,
			      tname[i], st->tim[i][0], tname[i], st->tim[i][1]);
	sc_p_puts(p, "}");
}

void sc_p_stat(const struct sc_pctx *p, uint64_t addr)
{
	unsigned char b[144];
	struct nstat st;

	memset(&st, 0, sizeof(st));
	switch (p->call->arch) {
	case SC_ARCH_X86_64:	/* arch/x86/include/uapi/asm/stat.h, 64-bit */
		if (sc_pmem_read(p, addr, b, 144) < 0)
			goto raw;
		st.dev = get64(b, 0), st.ino = get64(b, 8), st.nlink = get64(b, 16);
		st.mode = get32(b, 24), st.uid = get32(b, 28), st.gid = get32(b, 32);
		st.rdev = get64(b, 40), st.size = (int64_t)get64(b, 48);
		st.blksize = get64(b, 56), st.blocks = get64(b, 64);
		for (int i = 0; i < 3; i++)
			st.tim[i][0] = (int64_t)get64(b, 72 + 16 * i),
			st.tim[i][1] = (int64_t)get64(b, 80 + 16 * i);
		break;
	case SC_ARCH_AARCH64:	/* include/uapi/asm-generic/stat.h */
		if (sc_pmem_read(p, addr, b, 128) < 0)
			goto raw;
		st.dev = get64(b, 0), st.ino = get64(b, 8), st.mode = get32(b, 16);
		st.nlink = get32(b, 20), st.uid = get32(b, 24), st.gid = get32(b, 28);
		st.rdev = get64(b, 32), st.size = (int64_t)get64(b, 48);
		st.blksize = get32(b, 56), st.blocks = get64(b, 64);
		for (int i = 0; i < 3; i++)
			st.tim[i][0] = (int64_t)get64(b, 72 + 16 * i),
			st.tim[i][1] = (int64_t)get64(b, 80 + 16 * i);
		break;
	case SC_ARCH_I386:	/* the old 32-bit struct stat (stat, fstat, lstat) */
		if (sc_pmem_read(p, addr, b, 64) < 0)
			goto raw;
		st.dev = get32(b, 0), st.ino = get32(b, 4), st.mode = get16(b, 8);
		st.nlink = get16(b, 10), st.uid = get16(b, 12), st.gid = get16(b, 14);
		st.rdev = get32(b, 16), st.size = get32(b, 20);
		st.blksize = get32(b, 24), st.blocks = get32(b, 28);
		for (int i = 0; i < 3; i++)
			st.tim[i][0] = get32(b, 32 + 8 * i), st.tim[i][1] = get32(b, 36 + 8 * i);
		break;
	default:
		goto raw;
	}
	print_nstat(p, &st);
	return;
raw:
	sc_p_addr(p, addr);
}

void sc_p_stat64(const struct sc_pctx *p, uint64_t addr)
{
	unsigned char b[96];
	struct nstat st;

	/* i386 struct stat64 (arch/x86/include/uapi/asm/stat.h): 4-byte
	 * aligned long longs, so the layout is packed */
	if (p->call->arch != SC_ARCH_I386) {
		sc_p_stat(p, addr);
		return;
	}
	if (sc_pmem_read(p, addr, b, sizeof(b)) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	memset(&st, 0, sizeof(st));
	st.dev = get64(b, 0), st.mode = get32(b, 16), st.nlink = get32(b, 20);
	st.uid = get32(b, 24), st.gid = get32(b, 28), st.rdev = get64(b, 32);
	st.size = (int64_t)get64(b, 44), st.blksize = get32(b, 52), st.blocks = get64(b, 56);
	for (int i = 0; i < 3; i++)
		st.tim[i][0] = get32(b, 64 + 8 * i), st.tim[i][1] = get32(b, 68 + 8 * i);
	st.ino = get64(b, 88);
	print_nstat(p, &st);
}

void sc_p_statx(const struct sc_pctx *p, uint64_t addr)
{
	unsigned char b[256];	/* struct statx, the same on every arch */
	static const char *const tname[4] = { "stx_atime", "stx_btime", "stx_ctime", "stx_mtime" };

	if (sc_pmem_read(p, addr, b, sizeof(b)) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	sc_p_puts(p, "{stx_mask=");
	sc_p_flags(p, &sc_xlat_statx_mask, get32(b, 0));
	if (p->opts->verbose)
		sc_out_printf(p->out, ", stx_blksize=%" PRIu32, get32(b, 4));
	sc_p_puts(p, ", stx_attributes=");
	sc_p_flags(p, &sc_xlat_statx_attrs, get64(b, 8));
	if (p->opts->verbose)
		sc_out_printf(p->out, ", stx_nlink=%" PRIu32 ", stx_uid=%" PRIu32 ", stx_gid=%" PRIu32,
			      get32(b, 16), get32(b, 20), get32(b, 24));
	sc_p_puts(p, ", stx_mode=");
	sc_p_mode(p, get16(b, 28));
	if (p->opts->verbose)
		sc_out_printf(p->out, ", stx_ino=%" PRIu64, get64(b, 32));
	sc_out_printf(p->out, ", stx_size=%" PRIu64, get64(b, 40));
	if (!p->opts->verbose) {
		sc_p_puts(p, ", ...}");
		return;
	}
	sc_out_printf(p->out, ", stx_blocks=%" PRIu64 ", stx_attributes_mask=", get64(b, 48));
	sc_p_flags(p, &sc_xlat_statx_attrs, get64(b, 56));
	for (int i = 0; i < 4; i++)
		sc_out_printf(p->out, ", %s={tv_sec=%" PRId64 ", tv_nsec=%" PRIu32 "}",
			      tname[i], (int64_t)get64(b, 64 + 16 * i), get32(b, 72 + 16 * i));
	sc_out_printf(p->out, ", stx_rdev_major=%" PRIu32 ", stx_rdev_minor=%" PRIu32
		      ", stx_dev_major=%" PRIu32 ", stx_dev_minor=%" PRIu32 "}",
		      get32(b, 128), get32(b, 132), get32(b, 136), get32(b, 140));
}

/* ---- sockets ---- */

#define SOCKADDR_MAX 128u	/* sizeof(struct sockaddr_storage) */

static void print_sa_data(const struct sc_pctx *p, const unsigned char *b, size_t len)
{
	sc_p_puts(p, ", sa_data=");
	sc_print_quoted(p->out, b + 2, len > 2 ? len - 2 : 0);
}

void sc_p_sockaddr(const struct sc_pctx *p, uint64_t addr, uint64_t len)
{
	unsigned char b[SOCKADDR_MAX + 1];
	size_t n = len > SOCKADDR_MAX ? SOCKADDR_MAX : (size_t)len;
	char text[INET6_ADDRSTRLEN];
	uint16_t family;

	if (addr == 0) {
		sc_p_puts(p, "NULL");
		return;
	}
	if (n < 2 || sc_pmem_read(p, addr, b, n) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	family = get16(b, 0);
	sc_p_puts(p, "{sa_family=");
	sc_p_xval(p, &sc_xlat_socket_families, family, false);
	switch (family) {
	case 1: {	/* AF_UNIX: sun_path, "@" for the abstract namespace */
		size_t plen = n - 2;
		const unsigned char *path = b + 2;

		if (plen == 0)
			break;
		sc_p_puts(p, ", sun_path=");
		if (path[0] == '\0' && plen > 1) {
			sc_out_putc(p->out, '@');
			sc_print_quoted(p->out, path + 1, plen - 1);
		} else {
			const unsigned char *nul = memchr(path, '\0', plen);

			sc_print_quoted(p->out, path, nul ? (size_t)(nul - path) : plen);
		}
		break;
	}
	case 2:		/* AF_INET */
		if (n < 16) {
			print_sa_data(p, b, n);
			break;
		}
		inet_ntop(2, b + 4, text, sizeof(text));
		sc_out_printf(p->out, ", sin_port=htons(%u), sin_addr=inet_addr(\"%s\")",
			      ntohs(get16(b, 2)), text);
		break;
	case 10:	/* AF_INET6 */
		if (n < 24) {
			print_sa_data(p, b, n);
			break;
		}
		inet_ntop(10, b + 8, text, sizeof(text));
		sc_out_printf(p->out, ", sin6_port=htons(%u), sin6_flowinfo=htonl(%u)"
			      ", inet_pton(AF_INET6, \"%s\", &sin6_addr)",
			      ntohs(get16(b, 2)), ntohl(get32(b, 4)), text);
		if (n >= 28)
			sc_out_printf(p->out, ", sin6_scope_id=%u", get32(b, 24));
		break;
	case 16:	/* AF_NETLINK */
		if (n < 12) {
			print_sa_data(p, b, n);
			break;
		}
		sc_out_printf(p->out, ", nl_pid=%d, nl_groups=%08x", (int32_t)get32(b, 4), get32(b, 8));
		break;
	default:
		print_sa_data(p, b, n);
		break;
	}
	sc_p_puts(p, "}");
}

/* ---- iovec and msghdr ---- */

void sc_p_iovec(const struct sc_pctx *p, uint64_t addr, uint64_t count,
		bool with_data, uint64_t data_len)
{
	unsigned lim = array_limit(p);
	size_t esz = 2u * p->word;
	unsigned char e[16];

	if (addr == 0) {
		sc_p_puts(p, "NULL");
		return;
	}
	if (count == 0) {
		sc_p_puts(p, "[]");
		return;
	}
	/* the first element decides between an array and an address */
	if (sc_pmem_read(p, addr, e, esz) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	sc_out_putc(p->out, '[');
	for (uint64_t i = 0; i < count && !p->out->cut; i++) {
		if (i) {
			sc_p_puts(p, ", ");
			if (i >= lim) {
				sc_p_puts(p, "...");
				break;
			}
			if (sc_pmem_read(p, addr + i * esz, e, esz) < 0) {
				sc_p_addr(p, addr + i * esz);
				break;
			}
		}
		uint64_t base = getword(p, e, 0), len = getword(p, e, p->word);

		sc_p_puts(p, "{iov_base=");
		if (with_data) {
			uint64_t n = len < data_len ? len : data_len;

			sc_p_buf(p, base, n);
			data_len -= n;
		} else {
			sc_p_addr(p, base);
		}
		sc_out_printf(p->out, ", iov_len=%" PRIu64 "}", len);
	}
	sc_out_putc(p->out, ']');
}

void sc_p_msghdr(const struct sc_pctx *p, uint64_t addr, bool out, uint64_t data_len)
{
	unsigned char b[56];
	bool w4 = p->word == 4;
	size_t size = w4 ? 28 : 56;
	uint64_t name, namelen, iov, iovlen, control, controllen, flags;

	if (addr == 0 || sc_pmem_read(p, addr, b, size) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	name = getword(p, b, 0);
	namelen = get32(b, w4 ? 4 : 8);
	iov = getword(p, b, w4 ? 8 : 16);
	iovlen = getword(p, b, w4 ? 12 : 24);
	control = getword(p, b, w4 ? 16 : 32);
	controllen = getword(p, b, w4 ? 20 : 40);
	flags = get32(b, w4 ? 24 : 48);
	sc_p_puts(p, "{msg_name=");
	sc_p_sockaddr(p, name, namelen);
	sc_out_printf(p->out, ", msg_namelen=%" PRIu64 ", msg_iov=", namelen);
	sc_p_iovec(p, iov, iovlen, !out || p->exiting, data_len);
	sc_out_printf(p->out, ", msg_iovlen=%" PRIu64, iovlen);
	if (controllen) {
		sc_p_puts(p, ", msg_control=");
		sc_p_addr(p, control);
	}
	sc_out_printf(p->out, ", msg_controllen=%" PRIu64 ", msg_flags=", controllen);
	sc_p_flags(p, &sc_xlat_msg_flags, flags);
	sc_p_puts(p, "}");
}

/* ---- signals ---- */

void sc_p_sigset(const struct sc_pctx *p, uint64_t addr, uint64_t size)
{
	unsigned char b[128];
	unsigned nbits, set = 0;
	bool invert;
	bool first = true;

	if (addr == 0) {
		sc_p_puts(p, "NULL");
		return;
	}
	if (size == 0 || size > sizeof(b) || sc_pmem_read(p, addr, b, (size_t)size) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	nbits = (unsigned)size * 8;
	for (unsigned i = 0; i < nbits; i++)
		set += (b[i / 8] >> (i % 8)) & 1;
	/* strace prints the complement of a mostly full set */
	invert = set > nbits / 2;
	if (invert)
		sc_out_putc(p->out, '~');
	sc_out_putc(p->out, '[');
	for (unsigned i = 0; i < nbits; i++) {
		bool bit = (b[i / 8] >> (i % 8)) & 1;
		char buf[16];
		const char *name;

		if (bit == invert)
			continue;
		if (!first)
			sc_out_putc(p->out, ' ');
		first = false;
		name = sc_signal_name((int)i + 1, buf, sizeof(buf));
		if (name)
			sc_p_puts(p, name + 3);	/* without "SIG" */
		else
			sc_out_printf(p->out, "%u", i + 1);
	}
	sc_out_putc(p->out, ']');
}

void sc_p_sigaction(const struct sc_pctx *p, uint64_t addr)
{
	unsigned char b[32];
	uint64_t handler, flags, restorer, mask_at;
	bool w4 = p->word == 4;
	uint64_t all_ones = w4 ? UINT32_MAX : UINT64_MAX;

	if (addr == 0) {
		sc_p_puts(p, "NULL");
		return;
	}
	/* kernel struct sigaction: handler, flags, restorer, then the
	 * 64-bit mask (i386 words are 4 bytes) */
	if (sc_pmem_read(p, addr, b, w4 ? 20 : 32) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	handler = getword(p, b, 0);
	flags = getword(p, b, p->word);
	restorer = getword(p, b, 2u * p->word);
	mask_at = 3u * p->word;
	sc_p_puts(p, "{sa_handler=");
	if (handler == 0)
		sc_p_puts(p, "SIG_DFL");
	else if (handler == 1)
		sc_p_puts(p, "SIG_IGN");
	else if (handler == all_ones)
		sc_p_puts(p, "SIG_ERR");
	else
		sc_p_hex(p, handler);
	sc_p_puts(p, ", sa_mask=");
	sc_p_sigset(p, addr + mask_at, 8);
	sc_p_puts(p, ", sa_flags=");
	sc_p_flags(p, &sc_xlat_sa_flags, flags);
	if (flags & 0x04000000) {	/* SA_RESTORER */
		sc_p_puts(p, ", sa_restorer=");
		sc_p_addr(p, restorer);
	}
	sc_p_puts(p, "}");
}

/* ---- processes ---- */

void sc_p_wait_status(const struct sc_pctx *p, uint64_t addr)
{
	uint32_t s;
	char buf[16];
	const char *sig;

	if (!sc_p_fetch(p, addr, &s, sizeof(s)))
		return;
	sc_p_puts(p, "[{");
	if ((s & 0x7f) == 0) {
		sc_out_printf(p->out, "WIFEXITED(s) && WEXITSTATUS(s) == %u", (s >> 8) & 0xff);
	} else if ((s & 0xff) == 0x7f) {
		sig = sc_signal_name((int)((s >> 8) & 0xff), buf, sizeof(buf));
		sc_p_puts(p, "WIFSTOPPED(s) && WSTOPSIG(s) == ");
		if (sig)
			sc_p_puts(p, sig);
		else
			sc_out_printf(p->out, "%u", (s >> 8) & 0xff);
		if (s >> 16)
			sc_out_printf(p->out, " && s >> 16 == %u", s >> 16);
	} else if (s == 0xffff) {
		sc_p_puts(p, "WIFCONTINUED(s)");
	} else {
		sig = sc_signal_name((int)(s & 0x7f), buf, sizeof(buf));
		sc_p_puts(p, "WIFSIGNALED(s) && WTERMSIG(s) == ");
		if (sig)
			sc_p_puts(p, sig);
		else
			sc_out_printf(p->out, "%u", s & 0x7f);
		if (s & 0x80)
			sc_p_puts(p, " && WCOREDUMP(s)");
	}
	sc_p_puts(p, "}]");
}

/* timespec of the call's arch: 32-bit fields on i386 except the *_time64
 * calls, which take struct __kernel_timespec */
void sc_p_timespec(const struct sc_pctx *p, uint64_t addr)
{
	unsigned char b[16];
	bool t32 = p->word == 4 && !strstr(p->call->name, "time64");
	int64_t sec, nsec;

	if (!sc_p_fetch(p, addr, b, t32 ? 8 : 16))
		return;
	sec = t32 ? (int32_t)get32(b, 0) : (int64_t)get64(b, 0);
	nsec = t32 ? (int32_t)get32(b, 4) : (int64_t)get64(b, 8);
	sc_out_printf(p->out, "{tv_sec=%" PRId64 ", tv_nsec=%" PRId64 "}", sec, nsec);
}

void sc_p_rusage(const struct sc_pctx *p, uint64_t addr)
{
	unsigned char b[32];
	size_t w = p->word;

	if (!sc_p_fetch(p, addr, b, 4 * w))
		return;
	sc_out_printf(p->out, "{ru_utime={tv_sec=%" PRId64 ", tv_usec=%" PRId64 "}"
		      ", ru_stime={tv_sec=%" PRId64 ", tv_usec=%" PRId64 "}, ...}",
		      getsword(p, b, 0), getsword(p, b, w), getsword(p, b, 2 * w),
		      getsword(p, b, 3 * w));
}

static void print_rlim(const struct sc_pctx *p, uint64_t v, bool is64)
{
	bool wide = is64 || p->word == 8;

	/* strace names a 64-bit infinity RLIM64_INFINITY whatever the call */
	if (v == (wide ? UINT64_MAX : UINT32_MAX))
		sc_p_puts(p, wide ? "RLIM64_INFINITY" : "RLIM_INFINITY");
	else if (v && v % 1024 == 0)
		sc_out_printf(p->out, "%" PRIu64 "*1024", v / 1024);
	else
		sc_p_uint(p, v);
}

void sc_p_rlimit(const struct sc_pctx *p, uint64_t addr, bool is64)
{
	unsigned char b[16];
	size_t w = is64 ? 8 : p->word;

	if (!sc_p_fetch(p, addr, b, 2 * w))
		return;
	sc_p_puts(p, "{rlim_cur=");
	print_rlim(p, w == 4 ? get32(b, 0) : get64(b, 0), is64);
	sc_p_puts(p, ", rlim_max=");
	print_rlim(p, w == 4 ? get32(b, 4) : get64(b, 8), is64);
	sc_p_puts(p, "}");
}

/* ---- exec ---- */

void sc_p_argv(const struct sc_pctx *p, uint64_t addr)
{
	unsigned lim = array_limit(p);
	uint64_t ptr;

	if (addr == 0) {
		sc_p_puts(p, "NULL");
		return;
	}
	if (sc_pmem_word(p, addr, &ptr) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	sc_out_putc(p->out, '[');
	for (unsigned i = 0; ptr && !p->out->cut; i++) {
		if (i) {
			sc_p_puts(p, ", ");
			if (i >= lim) {
				sc_p_puts(p, "...");
				break;
			}
		}
		sc_p_str(p, ptr);
		if (sc_pmem_word(p, addr + (uint64_t)(i + 1) * p->word, &ptr) < 0) {
			sc_p_puts(p, ", ...");
			break;
		}
	}
	sc_out_putc(p->out, ']');
}

#define ENV_COUNT_MAX 65536u	/* more than the kernel's ARG_MAX allows */

/* Count the pointers of a NULL-terminated array: a block of words per read
 * (one read for a usual environment), word by word only near a hole.
 * Returns the count, or -1 if a word before the NULL is unreadable. */
static long count_pointers(const struct sc_pctx *p, uint64_t addr)
{
	enum { BLOCK = 64 };
	unsigned char b[BLOCK * 8];
	unsigned long n = 0;

	if (!p->mem || !p->mem->read)
		return -1;
	while (n < ENV_COUNT_MAX) {
		uint64_t at = addr + (uint64_t)n * p->word;
		size_t words = BLOCK;
		ssize_t got;

		if (p->word == 4 && at > UINT32_MAX - BLOCK * 4)
			words = 1;	/* stay below 4 GiB */
		/* a short read still gives the words before the hole */
		got = p->mem->read(p->mem->ctx, at, b, words * p->word);
		if (got < (ssize_t)p->word)
			return -1;
		words = (size_t)got / p->word;
		for (size_t i = 0; i < words; i++) {
			uint64_t ptr = p->word == 4 ? get32(b, 4 * i) : get64(b, 8 * i);

			if (!ptr)
				return (long)n;
			if (++n >= ENV_COUNT_MAX)
				break;
		}
	}
	return (long)n;
}

void sc_p_envp(const struct sc_pctx *p, uint64_t addr)
{
	long n;

	if (p->opts->verbose || addr == 0) {
		sc_p_argv(p, addr);
		return;
	}
	sc_p_addr(p, addr);
	n = count_pointers(p, addr);
	if (n < 0)
		return;		/* unreadable: the address alone */
	sc_out_printf(p->out, " /* %ld var%s%s */", n, n == 1 ? "" : "s",
		      n >= (long)ENV_COUNT_MAX ? " or more" : "");
}

/* ---- small arrays ---- */

void sc_p_int_array(const struct sc_pctx *p, uint64_t addr, unsigned n)
{
	int32_t v[2];

	if (n > 2 || sc_pmem_read(p, addr, v, n * sizeof(v[0])) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	sc_out_putc(p->out, '[');
	for (unsigned i = 0; i < n; i++)
		sc_out_printf(p->out, "%s%d", i ? ", " : "", v[i]);
	sc_out_putc(p->out, ']');
}

void sc_p_int_ptr(const struct sc_pctx *p, uint64_t addr)
{
	sc_p_int_array(p, addr, 1);
}

void sc_p_dents_count(const struct sc_pctx *p, uint64_t addr, uint64_t bytes, bool is64)
{
	/* d_reclen follows d_ino and d_off: two u64 for getdents64, two
	 * longs for the old getdents */
	size_t reclen_at = is64 ? 16 : 2u * p->word;
	size_t cap = bytes > (1u << 20) ? (1u << 20) : (size_t)bytes;
	unsigned char *b;
	unsigned count = 0;

	sc_p_addr(p, addr);
	if (cap == 0) {
		sc_p_puts(p, " /* 0 entries */");
		return;
	}
	b = malloc(cap);
	if (!b)
		return;
	if (sc_pmem_read(p, addr, b, cap) == 0) {
		for (size_t off = 0; off + reclen_at + 2 <= cap;) {
			uint16_t reclen = get16(b, off + reclen_at);

			if (reclen == 0)
				break;
			count++;
			off += reclen;
		}
		sc_out_printf(p->out, " /* %u entr%s */", count, count == 1 ? "y" : "ies");
	}
	free(b);
}

void sc_p_pollfds(const struct sc_pctx *p, uint64_t addr, uint64_t n, bool out)
{
	unsigned lim = array_limit(p);
	unsigned char e[8];
	bool first = true;

	if (!sc_p_fetch(p, addr, e, sizeof(e)))
		return;
	sc_out_putc(p->out, '[');
	for (uint64_t i = 0, shown = 0; i < n; i++) {
		if (i && sc_pmem_read(p, addr + 8 * i, e, sizeof(e)) < 0)
			break;
		uint16_t ev = get16(e, out ? 6 : 4);

		if (out && ev == 0)
			continue;
		if (!first)
			sc_p_puts(p, ", ");
		if (shown++ >= lim) {
			sc_p_puts(p, "...");
			break;
		}
		first = false;
		sc_out_printf(p->out, "{fd=%d, %s=", (int32_t)get32(e, 0), out ? "revents" : "events");
		sc_p_flags(p, &sc_xlat_poll_events, ev);
		sc_out_putc(p->out, '}');
	}
	sc_out_putc(p->out, ']');
}

void sc_p_open_how(const struct sc_pctx *p, uint64_t addr, uint64_t size)
{
	unsigned char b[24];

	if (addr == 0 || size < sizeof(b) || sc_pmem_read(p, addr, b, sizeof(b)) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	sc_p_puts(p, "{flags=");
	sc_p_open_flags(p, get64(b, 0));
	sc_p_puts(p, ", mode=");
	sc_p_octal(p, get64(b, 8));
	sc_p_puts(p, ", resolve=");
	sc_p_flags(p, &sc_xlat_resolve_flags, get64(b, 16));
	sc_p_puts(p, "}");
}

void sc_p_clone_args(const struct sc_pctx *p, uint64_t addr, uint64_t size)
{
	unsigned char b[64];
	uint64_t flags;

	/* struct clone_args, CLONE_ARGS_SIZE_VER0 = 64 bytes */
	if (addr == 0 || size < sizeof(b) || sc_pmem_read(p, addr, b, sizeof(b)) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	flags = get64(b, 0);
	sc_p_puts(p, "{flags=");
	sc_p_flags(p, &sc_xlat_clone_flags, flags);
	if (flags & 0x1000) {		/* CLONE_PIDFD */
		sc_p_puts(p, ", pidfd=");
		sc_p_addr(p, get64(b, 8));
	}
	if (flags & (0x1000000 | 0x200000)) {	/* CHILD_SETTID | CHILD_CLEARTID */
		sc_p_puts(p, ", child_tid=");
		sc_p_addr(p, get64(b, 16));
	}
	if (flags & 0x100000) {		/* PARENT_SETTID */
		sc_p_puts(p, ", parent_tid=");
		sc_p_addr(p, get64(b, 24));
	}
	sc_p_puts(p, ", exit_signal=");
	sc_p_signal(p, (int64_t)get64(b, 32));
	sc_p_puts(p, ", stack=");
	sc_p_addr(p, get64(b, 40));
	sc_p_puts(p, ", stack_size=");
	sc_p_hex(p, get64(b, 48));
	if (flags & 0x80000) {		/* SETTLS */
		sc_p_puts(p, ", tls=");
		sc_p_addr(p, get64(b, 56));
	}
	sc_p_puts(p, "}");
}

/* struct epoll_event is packed (12 bytes) on x86, 16 bytes elsewhere */
void sc_p_epoll_events(const struct sc_pctx *p, uint64_t addr, uint64_t n)
{
	bool packed = p->call->arch == SC_ARCH_X86_64 || p->call->arch == SC_ARCH_I386;
	size_t esz = packed ? 12 : 16, data_at = packed ? 4 : 8;
	unsigned lim = array_limit(p);
	unsigned char e[16];

	if (addr == 0) {
		sc_p_puts(p, "NULL");
		return;
	}
	if (n == 0) {
		sc_p_puts(p, "[]");
		return;
	}
	if (sc_pmem_read(p, addr, e, esz) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	bool single = p->call->id == SC_ID_epoll_ctl;

	if (!single)
		sc_out_putc(p->out, '[');
	for (uint64_t i = 0; i < n; i++) {
		if (i) {
			sc_p_puts(p, ", ");
			if (i >= lim) {
				sc_p_puts(p, "...");
				break;
			}
			if (sc_pmem_read(p, addr + i * esz, e, esz) < 0) {
				sc_p_addr(p, addr + i * esz);
				break;
			}
		}
		uint64_t data = get64(e, data_at);

		sc_p_puts(p, "{events=");
		sc_p_flags(p, &sc_xlat_epoll_events, get32(e, 0));
		sc_out_printf(p->out, ", data={u32=%" PRIu32 ", u64=%" PRIu64 "}}", (uint32_t)data, data);
	}
	if (!single)
		sc_out_putc(p->out, ']');
}

void sc_p_utsname(const struct sc_pctx *p, uint64_t addr)
{
	/* struct new_utsname: six 65-byte fields */
	char u[6 * 65];
	static const char *const field[6] = { "sysname", "nodename", "release", "version",
					       "machine", "domainname" };
	int shown = p->opts->verbose ? 6 : 2;

	if (sc_pmem_read(p, addr, u, sizeof(u)) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	sc_out_putc(p->out, '{');
	for (int i = 0; i < shown; i++) {
		const char *f = u + 65 * i;
		const char *nul = memchr(f, '\0', 65);

		sc_out_printf(p->out, "%s%s=", i ? ", " : "", field[i]);
		sc_print_quoted(p->out, f, nul ? (size_t)(nul - f) : 65);
	}
	sc_p_puts(p, shown == 6 ? "}" : ", ...}");
}

void sc_p_sysinfo(const struct sc_pctx *p, uint64_t addr)
{
	/* struct sysinfo: longs, a u16 procs, longs, a u32 mem_unit */
	unsigned char b[112];
	size_t w = p->word, procs_at = 10 * w, high_at = procs_at + w;

	if (sc_pmem_read(p, addr, b, 14 * w) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	sc_out_printf(p->out, "{uptime=%" PRId64 ", loads=[%" PRIu64 ", %" PRIu64 ", %" PRIu64 "]"
		      ", totalram=%" PRIu64 ", freeram=%" PRIu64 ", sharedram=%" PRIu64
		      ", bufferram=%" PRIu64 ", totalswap=%" PRIu64 ", freeswap=%" PRIu64
		      ", procs=%u, totalhigh=%" PRIu64 ", freehigh=%" PRIu64 ", mem_unit=%u}",
		      getsword(p, b, 0), getword(p, b, w), getword(p, b, 2 * w), getword(p, b, 3 * w),
		      getword(p, b, 4 * w), getword(p, b, 5 * w), getword(p, b, 6 * w),
		      getword(p, b, 7 * w), getword(p, b, 8 * w), getword(p, b, 9 * w),
		      get16(b, procs_at), getword(p, b, high_at), getword(p, b, high_at + w),
		      get32(b, high_at + 2 * w));
}

void sc_p_gid_array(const struct sc_pctx *p, uint64_t addr, uint64_t n, bool gid16)
{
	unsigned lim = array_limit(p);
	size_t esz = gid16 ? 2 : 4;
	unsigned char e[4];

	if (addr == 0) {
		sc_p_puts(p, "NULL");
		return;
	}
	if (n > 0 && sc_pmem_read(p, addr, e, esz) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	sc_out_putc(p->out, '[');
	for (uint64_t i = 0; i < n; i++) {
		if (i) {
			sc_p_puts(p, ", ");
			if (i >= lim) {
				sc_p_puts(p, "...");
				break;
			}
			if (sc_pmem_read(p, addr + i * esz, e, esz) < 0) {
				sc_p_addr(p, addr + i * esz);
				break;
			}
		}
		sc_out_printf(p->out, "%u", gid16 ? get16(e, 0) : get32(e, 0));
	}
	sc_out_putc(p->out, ']');
}

/* struct statfs: words of the arch (x86_64, aarch64: 64-bit; i386: 32-bit);
 * i386's struct statfs64 (statfs64/fstatfs64) has 64-bit counts, packed */
void sc_p_statfs(const struct sc_pctx *p, uint64_t addr, bool is64)
{
	unsigned char b[88];
	uint64_t v[11];		/* type bsize blocks bfree bavail files ffree fsid0 fsid1 namelen frsize */
	uint64_t flags;
	const char *magic;

	if (p->word == 8) {
		if (sc_pmem_read(p, addr, b, 88) < 0)
			goto raw;
		for (int i = 0; i < 7; i++)
			v[i] = get64(b, 8 * i);
		v[7] = get32(b, 56), v[8] = get32(b, 60);
		v[9] = get64(b, 64), v[10] = get64(b, 72);
		flags = get64(b, 80);
	} else if (is64) {
		if (sc_pmem_read(p, addr, b, 68) < 0)
			goto raw;
		v[0] = get32(b, 0), v[1] = get32(b, 4);
		for (int i = 0; i < 5; i++)
			v[2 + i] = get64(b, 8 + 8 * i);
		v[7] = get32(b, 48), v[8] = get32(b, 52);
		v[9] = get32(b, 56), v[10] = get32(b, 60);
		flags = get32(b, 64);
	} else {
		if (sc_pmem_read(p, addr, b, 48) < 0)
			goto raw;
		for (int i = 0; i < 7; i++)
			v[i] = get32(b, 4 * i);
		v[7] = get32(b, 28), v[8] = get32(b, 32);
		v[9] = get32(b, 36), v[10] = get32(b, 40);
		flags = get32(b, 44);
	}
	magic = sc_xlat_lookup(&sc_xlat_fs_magic, v[0]);
	sc_p_puts(p, "{f_type=");
	if (magic)
		sc_p_puts(p, magic);
	else
		sc_p_hex(p, v[0]);
	sc_out_printf(p->out, ", f_bsize=%" PRIu64 ", f_blocks=%" PRIu64 ", f_bfree=%" PRIu64
		      ", f_bavail=%" PRIu64 ", f_files=%" PRIu64 ", f_ffree=%" PRIu64
		      ", f_fsid={val=[%#" PRIx64 ", %#" PRIx64 "]}, f_namelen=%" PRIu64
		      ", f_frsize=%" PRIu64 ", f_flags=",
		      v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
	sc_p_flags(p, &sc_xlat_statfs_flags, flags);
	sc_p_puts(p, "}");
	return;
raw:
	sc_p_addr(p, addr);
}

/* a CPU set of BYTES bytes: the numbers of the set bits, [0 1] */
void sc_p_cpuset(const struct sc_pctx *p, uint64_t addr, uint64_t bytes)
{
	unsigned char b[1024];
	size_t n = bytes > sizeof(b) ? sizeof(b) : (size_t)bytes;
	bool first = true;

	if (addr == 0 || sc_pmem_read(p, addr, b, n) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	sc_out_putc(p->out, '[');
	for (size_t i = 0; i < n * 8; i++) {
		if (!(b[i / 8] >> (i % 8) & 1))
			continue;
		sc_out_printf(p->out, first ? "%zu" : " %zu", i);
		first = false;
	}
	if (bytes > n)
		sc_p_puts(p, first ? "..." : " ...");
	sc_out_putc(p->out, ']');
}

/* stack_t: ss_sp, int ss_flags, size_t ss_size (words of the arch) */
void sc_p_stack_t(const struct sc_pctx *p, uint64_t addr)
{
	unsigned char b[24];
	size_t w = p->word;

	if (!sc_p_fetch(p, addr, b, 3 * w))
		return;
	sc_p_puts(p, "{ss_sp=");
	sc_p_addr(p, getword(p, b, 0));
	sc_p_puts(p, ", ss_flags=");
	sc_p_flags(p, &sc_xlat_sigaltstack_flags, get32(b, w));
	sc_out_printf(p->out, ", ss_size=%" PRIu64 "}", getword(p, b, 2 * w));
}

/* struct itimerspec: two timespecs of the call's width */
void sc_p_itimerspec(const struct sc_pctx *p, uint64_t addr)
{
	bool t32 = p->word == 4 && !strstr(p->call->name, "time64");
	uint64_t half = t32 ? 8 : 16;
	unsigned char b[32];

	if (!sc_p_fetch(p, addr, b, 2 * half))
		return;
	sc_p_puts(p, "{it_interval=");
	sc_p_timespec(p, addr);
	sc_p_puts(p, ", it_value=");
	sc_p_timespec(p, addr + half);
	sc_p_puts(p, "}");
}

/* struct itimerval: two timevals of longs */
void sc_p_itimerval(const struct sc_pctx *p, uint64_t addr)
{
	unsigned char b[32];
	size_t w = p->word;

	if (!sc_p_fetch(p, addr, b, 4 * w))
		return;
	sc_out_printf(p->out, "{it_interval={tv_sec=%" PRId64 ", tv_usec=%" PRId64 "}"
		      ", it_value={tv_sec=%" PRId64 ", tv_usec=%" PRId64 "}}",
		      getsword(p, b, 0), getsword(p, b, w), getsword(p, b, 2 * w), getsword(p, b, 3 * w));
}

/* struct sigevent: sigev_value (a word), int signo, int notify, then a
 * union (thread id, or function and attributes) */
void sc_p_sigevent(const struct sc_pctx *p, uint64_t addr)
{
	unsigned char b[32];
	size_t w = p->word;
	uint32_t notify;

	if (!sc_p_fetch(p, addr, b, w + 8 + 2 * w))
		return;
	notify = get32(b, w + 4);
	sc_p_puts(p, "{");
	if (notify != 0 && notify != 1) {	/* the value matters to threads */
		uint64_t val = getword(p, b, 0);

		sc_out_printf(p->out, "sigev_value={sival_int=%d, sival_ptr=", (int32_t)val);
		sc_p_addr(p, val);
		sc_p_puts(p, "}, ");
	}
	sc_p_puts(p, "sigev_signo=");
	/* strace names the signal only where one is sent */
	if (notify == 0 || notify == 4)
		sc_p_signal(p, (int32_t)get32(b, w));
	else
		sc_p_int(p, (int32_t)get32(b, w));
	sc_p_puts(p, ", sigev_notify=");
	sc_p_xval(p, &sc_xlat_sigev_notify, notify, false);
	if (notify == 4)
		sc_out_printf(p->out, ", sigev_notify_thread_id=%d", (int32_t)get32(b, w + 8));
	else if (notify == 2) {
		sc_p_puts(p, ", sigev_notify_function=");
		sc_p_addr(p, getword(p, b, w + 8));
		sc_p_puts(p, ", sigev_notify_attributes=");
		sc_p_addr(p, getword(p, b, 2 * w + 8));
	}
	sc_p_puts(p, "}");
}

#define FDSET_MAX_BYTES 8192u	/* 65536 descriptors */

bool sc_p_fdset(const struct sc_pctx *p, uint64_t addr, int64_t nfds)
{
	unsigned char b[FDSET_MAX_BYTES];
	size_t bits = nfds < 0 ? 0 : nfds > FDSET_MAX_BYTES * 8 ? FDSET_MAX_BYTES * 8 : (size_t)nfds;
	/* the kernel reads whole longs */
	size_t bytes = (bits + 8 * p->word - 1) / (8 * p->word) * p->word;
	unsigned lim = array_limit(p), shown = 0;
	bool first = true;

	if (addr == 0) {
		sc_p_puts(p, "NULL");
		return true;
	}
	if (sc_pmem_read(p, addr, b, bytes) < 0) {
		sc_p_addr(p, addr);
		return false;
	}
	sc_out_putc(p->out, '[');
	for (size_t i = 0; i < bits; i++) {
		if (!(b[i / 8] >> (i % 8) & 1))
			continue;
		if (shown++ >= lim) {
			sc_p_puts(p, " ...");
			break;
		}
		sc_out_printf(p->out, first ? "%zu" : " %zu", i);
		first = false;
	}
	sc_out_putc(p->out, ']');
	return true;
}

void sc_p_timeval(const struct sc_pctx *p, uint64_t addr)
{
	unsigned char b[16];
	size_t w = p->word;

	if (!sc_p_fetch(p, addr, b, 2 * w))
		return;
	sc_out_printf(p->out, "{tv_sec=%" PRId64 ", tv_usec=%" PRId64 "}", getsword(p, b, 0), getsword(p, b, w));
}

/* struct termios as the kernel's TCGETS fills it: four u32 flag words, then
 * c_line and c_cc; abbreviated like strace (flags only) */
void sc_p_termios(const struct sc_pctx *p, uint64_t addr)
{
	unsigned char b[36];
	uint32_t iflag, oflag, cflag, lflag;
	static const char *const nl[] = { "NL0", "NL1" }, *const cr[] = { "CR0", "CR1", "CR2", "CR3" };
	/* strace 6.1 says XTABS for TAB3 (the same value) */
	static const char *const tab[] = { "TAB0", "TAB1", "TAB2", "XTABS" };
	static const char *const csize[] = { "CS5", "CS6", "CS7", "CS8" };
	const char *baud;

	if (!sc_p_fetch(p, addr, b, sizeof(b)))
		return;
	iflag = get32(b, 0), oflag = get32(b, 4), cflag = get32(b, 8), lflag = get32(b, 12);
	/* strace 6.1 prints an empty flag word as nothing: "c_iflag=, " */
	sc_p_puts(p, "{c_iflag=");
	if (iflag)
		sc_p_flags(p, &sc_xlat_term_iflags, iflag);
	/* the delay fields are values, printed first */
	sc_out_printf(p->out, ", c_oflag=%s|%s|%s|%s|%s|%s", nl[(oflag >> 8) & 1], cr[(oflag >> 9) & 3],
		      tab[(oflag >> 11) & 3], (oflag & 020000) ? "BS1" : "BS0",
		      (oflag & 040000) ? "VT1" : "VT0", (oflag & 0100000) ? "FF1" : "FF0");
	sc_p_flags_rest(p, &sc_xlat_term_oflags, oflag & 0377);
	if (oflag & ~(uint32_t)0177777)
		sc_out_printf(p->out, "|%#x", oflag & ~(uint32_t)0177777);
	sc_p_puts(p, ", c_cflag=");
	baud = sc_xlat_lookup(&sc_xlat_baud_rates, cflag & 010017);
	if (baud)
		sc_p_puts(p, baud);
	else
		sc_p_hex(p, cflag & 010017);
	sc_out_printf(p->out, "|%s", csize[(cflag >> 4) & 3]);
	sc_p_flags_rest(p, &sc_xlat_term_cflags, cflag & ~(uint32_t)010077 & ~(uint32_t)(010017u << 16));
	if ((cflag >> 16) & 010017) {	/* a separate input speed */
		baud = sc_xlat_lookup(&sc_xlat_baud_rates, (cflag >> 16) & 010017);
		sc_out_printf(p->out, "|%s<<IBSHIFT", baud ? baud : "?");
	}
	sc_p_puts(p, ", c_lflag=");
	if (lflag)
		sc_p_flags(p, &sc_xlat_term_lflags, lflag);
	sc_p_puts(p, ", ...}");
}

void sc_p_winsize(const struct sc_pctx *p, uint64_t addr)
{
	uint16_t w[4];

	if (!sc_p_fetch(p, addr, w, sizeof(w)))
		return;
	sc_out_printf(p->out, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}", w[0], w[1], w[2], w[3]);
}

/* struct sembuf: u16 sem_num, s16 sem_op, s16 sem_flg */
void sc_p_sembufs(const struct sc_pctx *p, uint64_t addr, uint64_t n)
{
	unsigned lim = array_limit(p);
	unsigned char e[6];

	if (!sc_p_fetch(p, addr, e, sizeof(e)))
		return;
	sc_out_putc(p->out, '[');
	for (uint64_t i = 0; i < n; i++) {
		if (i) {
			sc_p_puts(p, ", ");
			if (i >= lim) {
				sc_p_puts(p, "...");
				break;
			}
			if (sc_pmem_read(p, addr + 6 * i, e, sizeof(e)) < 0) {
				sc_p_addr(p, addr + 6 * i);
				break;
			}
		}
		sc_out_printf(p->out, "{sem_num=%u, sem_op=%d, sem_flg=", get16(e, 0), (int16_t)get16(e, 2));
		sc_p_flags(p, &sc_xlat_sem_flags, get16(e, 4));
		sc_out_putc(p->out, '}');
	}
	sc_out_putc(p->out, ']');
}

/* struct msgbuf: long mtype, then LEN bytes of text */
void sc_p_msgbuf(const struct sc_pctx *p, uint64_t addr, uint64_t len)
{
	uint64_t type;

	if (addr == 0) {
		sc_p_puts(p, "NULL");
		return;
	}
	if (sc_pmem_word(p, addr, &type) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	sc_out_printf(p->out, "{mtype=%" PRId64 ", mtext=",
		      p->word == 4 ? (int64_t)(int32_t)type : (int64_t)type);
	sc_p_buf(p, addr + p->word, len);
	sc_out_putc(p->out, '}');
}

/* struct user_desc (x86 set_thread_area): three u32, then bit fields */
void sc_p_user_desc(const struct sc_pctx *p, uint64_t addr)
{
	unsigned char b[16];
	uint32_t bits;

	if (addr == 0 || sc_pmem_read(p, addr, b, sizeof(b)) < 0) {
		sc_p_addr(p, addr);
		return;
	}
	bits = get32(b, 12);
	sc_out_printf(p->out, "{entry_number=%d, base_addr=%#x, limit=%#08x, seg_32bit=%u, contents=%u"
		      ", read_exec_only=%u, limit_in_pages=%u, seg_not_present=%u, useable=%u}",
		      (int32_t)get32(b, 0), get32(b, 4), get32(b, 8), bits & 1, (bits >> 1) & 3,
		      (bits >> 3) & 1, (bits >> 4) & 1, (bits >> 5) & 1, (bits >> 6) & 1);
}
