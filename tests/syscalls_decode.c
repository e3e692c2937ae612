/* Unit tests of sc_decode: tables picked by audit arch, i386 split 64-bit
 * arguments and sign extension, socketcall/ipc demux through a fake guest
 * memory, x32, unknown numbers and arches. */
#include "syscalls/syscalls.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <linux/audit.h>
#include <string.h>

/* Fake guest memory: BYTES mapped at BASE, everything else unreadable. */
struct fake_mem {
	uint64_t base;
	const void *bytes;
	size_t len;
	int reads;
};

static ssize_t fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct fake_mem *m = ctx;

	m->reads++;
	if (addr < m->base || addr - m->base > m->len || len > m->len - (addr - m->base))
		return -EFAULT;
	memcpy(buf, (const char *)m->bytes + (addr - m->base), len);
	return (ssize_t)len;
}

static ssize_t fake_read_str(void *ctx, uint64_t addr, char *buf, size_t size)
{
	(void)ctx, (void)addr, (void)buf, (void)size;
	return -EFAULT;
}

#define FAKE_READER(m) { .read = fake_read, .read_str = fake_read_str, .ctx = (m) }

Test(decode, x86_64_openat)
{
	uint64_t raw[6] = { (uint64_t)-100, 0x7ffd1000, 0x80000 | 0x40, 0644, 0xdead, 0xbeef };
	struct sc_call c;

	cr_assert_eq(sc_decode(AUDIT_ARCH_X86_64, 257, raw, NULL, &c), 0);
	cr_assert_eq(c.arch, SC_ARCH_X86_64);
	cr_assert_eq(c.id, SC_ID_openat);
	cr_assert_str_eq(c.name, "openat");
	cr_assert_eq(c.nargs, 4);
	cr_assert_eq((int64_t)c.args[0], -100);
	cr_assert_eq(c.args[1], 0x7ffd1000);
	cr_assert_eq(c.kinds[0], SC_K_DIRFD);
	cr_assert_eq(c.kinds[1], SC_K_PATH);
	cr_assert_eq(c.args[4], 0);	/* beyond nargs */
	cr_assert_eq(c.raw[4], 0xdead);
	cr_assert_not(c.demuxed);
	cr_assert_not_null(c.info);
}

Test(decode, int_arguments_ignore_garbage_upper_bits)
{
	/* fchdir(int fd): the kernel reads the low 32 bits only */
	uint64_t raw[6] = { 0xbadc0ffe00000003ull };
	struct sc_call c;

	sc_decode(AUDIT_ARCH_X86_64, 81, raw, NULL, &c);
	cr_assert_eq(c.id, SC_ID_fchdir);
	cr_assert_eq(c.args[0], 3);
	cr_assert_eq(c.raw[0], 0xbadc0ffe00000003ull);
	/* and AT_FDCWD with garbage above it is still AT_FDCWD */
	uint64_t raw2[6] = { 0x12345678ffffff9cull, 0x1000 };
	sc_decode(AUDIT_ARCH_X86_64, 257, raw2, NULL, &c);
	cr_assert_eq((int64_t)c.args[0], -100);
	cr_assert_eq(c.args[1], 0x1000);
}

Test(decode, same_number_different_arch)
{
	uint64_t raw[6] = { 0 };
	struct sc_call c;

	/* 5 is fstat on x86_64, open on i386, setxattr on aarch64 */
	sc_decode(AUDIT_ARCH_X86_64, 5, raw, NULL, &c);
	cr_assert_eq(c.id, SC_ID_fstat);
	sc_decode(AUDIT_ARCH_I386, 5, raw, NULL, &c);
	cr_assert_eq(c.id, SC_ID_open);
	cr_assert_eq(c.arch, SC_ARCH_I386);
	sc_decode(AUDIT_ARCH_AARCH64, 5, raw, NULL, &c);
	cr_assert_eq(c.id, SC_ID_setxattr);
	cr_assert_eq(c.arch, SC_ARCH_AARCH64);
}

Test(decode, i386_at_fdcwd_sign_extends)
{
	uint64_t raw[6] = { 0xffffff9c, 0x8048000, 0x241, 0644 };
	struct sc_call c;

	sc_decode(AUDIT_ARCH_I386, 295, raw, NULL, &c);
	cr_assert_eq(c.id, SC_ID_openat);
	cr_assert_eq((int64_t)c.args[0], -100);
	cr_assert_eq(c.args[1], 0x8048000);
	cr_assert_eq(c.args[2], 0x241);
	/* unsigned kinds and pointers do not sign-extend */
	uint64_t raw2[6] = { 3, 0xfffff000, 0xffffffff };
	sc_decode(AUDIT_ARCH_I386, 3, raw2, NULL, &c);	/* read */
	cr_assert_eq(c.id, SC_ID_read);
	cr_assert_eq(c.args[1], 0xfffff000);
	cr_assert_eq(c.args[2], 0xffffffff);
	/* upper register bits are never trusted on a 32-bit call */
	uint64_t raw3[6] = { 0xffffffff00000004ull };
	sc_decode(AUDIT_ARCH_I386, 6, raw3, NULL, &c);	/* close */
	cr_assert_eq(c.args[0], 4);
	/* lseek's off_t is a signed long: -1 stays -1 */
	uint64_t raw4[6] = { 3, 0xffffffff, 1 };
	sc_decode(AUDIT_ARCH_I386, 19, raw4, NULL, &c);
	cr_assert_eq(c.id, SC_ID_lseek);
	cr_assert_eq((int64_t)c.args[1], -1);
}

Test(decode, i386_split_64bit_arguments)
{
	struct sc_call c;
	/* pread64(fd, buf, count, pos_lo, pos_hi) */
	uint64_t pread[6] = { 3, 0x9000, 100, 0x10, 0x2 };

	sc_decode(AUDIT_ARCH_I386, 180, pread, NULL, &c);
	cr_assert_eq(c.id, SC_ID_pread64);
	cr_assert_eq(c.nargs, 4);
	cr_assert_eq(c.args[3], 0x200000010ull);
	cr_assert_eq(c.args[4], 0);

	/* fallocate(fd, mode, off_lo, off_hi, len_lo, len_hi) */
	uint64_t falloc[6] = { 4, 1, 0xfffffffe, 0x1, 0x1000, 0x0 };
	sc_decode(AUDIT_ARCH_I386, 324, falloc, NULL, &c);
	cr_assert_eq(c.id, SC_ID_fallocate);
	cr_assert_eq(c.nargs, 4);
	cr_assert_eq(c.args[1], 1);
	cr_assert_eq(c.args[2], 0x1fffffffeull);
	cr_assert_eq(c.args[3], 0x1000);

	/* ftruncate64(fd, len_lo, len_hi) */
	uint64_t ftr[6] = { 5, 0, 0x80000000 };
	sc_decode(AUDIT_ARCH_I386, 194, ftr, NULL, &c);
	cr_assert_eq(c.id, SC_ID_ftruncate64);
	cr_assert_eq(c.args[1], 0x8000000000000000ull);

	/* fanotify_mark(fd, flags, mask_lo, mask_hi, dirfd, path): the path
	 * argument must land at neutral index 4 */
	uint64_t fan[6] = { 7, 1, 0x8, 0x4, 0xffffff9c, 0x8050000 };
	sc_decode(AUDIT_ARCH_I386, 339, fan, NULL, &c);
	cr_assert_eq(c.id, SC_ID_fanotify_mark);
	cr_assert_eq(c.args[2], 0x400000008ull);
	cr_assert_eq((int64_t)c.args[3], -100);
	cr_assert_eq(c.kinds[4], SC_K_PATH);
	cr_assert_eq(c.args[4], 0x8050000);

	/* sync_file_range(fd, off_lo, off_hi, n_lo, n_hi, flags) */
	uint64_t sfr[6] = { 3, 1, 1, 2, 0, 7 };
	sc_decode(AUDIT_ARCH_I386, 314, sfr, NULL, &c);
	cr_assert_eq(c.args[1], 0x100000001ull);
	cr_assert_eq(c.args[2], 2);
	cr_assert_eq(c.args[3], 7);
}

Test(decode, preadv2_flags_skip_the_unused_register_on_64bit)
{
	/* preadv2(fd, iov, cnt, pos_l, pos_h, flags): pos_h is unused on 64-bit */
	uint64_t raw[6] = { 3, 0x1000, 2, 0x123456789ull, 0x55, 0x8 };
	struct sc_call c;

	sc_decode(AUDIT_ARCH_X86_64, 327, raw, NULL, &c);
	cr_assert_eq(c.id, SC_ID_preadv2);
	cr_assert_eq(c.nargs, 5);
	cr_assert_eq(c.args[3], 0x123456789ull);
	cr_assert_eq(c.args[4], 0x8);
	sc_decode(AUDIT_ARCH_AARCH64, 286, raw, NULL, &c);
	cr_assert_eq(c.args[4], 0x8);
	uint64_t raw32[6] = { 3, 0x1000, 2, 0x1, 0x2, 0x8 };
	sc_decode(AUDIT_ARCH_I386, 378, raw32, NULL, &c);
	cr_assert_eq(c.args[3], 0x200000001ull);
	cr_assert_eq(c.args[4], 0x8);
}

Test(decode, i386_socketcall_demux)
{
	/* connect(3, 0x9000, 16) as socketcall(SYS_CONNECT, args) */
	uint32_t block[3] = { 3, 0x9000, 16 };
	struct fake_mem m = { .base = 0x8000, .bytes = block, .len = sizeof(block) };
	struct sc_memreader mem = FAKE_READER(&m);
	uint64_t raw[6] = { 3, 0x8000 };
	struct sc_call c;

	cr_assert_eq(sc_decode(AUDIT_ARCH_I386, 102, raw, &mem, &c), 0);
	cr_assert(c.demuxed);
	cr_assert_not(c.demux_failed);
	cr_assert_eq(c.id, SC_ID_connect);
	cr_assert_str_eq(c.name, "connect");
	cr_assert_eq(c.nargs, 3);
	cr_assert_eq(c.args[0], 3);
	cr_assert_eq(c.args[1], 0x9000);
	cr_assert_eq(c.args[2], 16);
	cr_assert_eq(c.kinds[1], SC_K_SOCKADDR_IN);
	cr_assert_eq(c.raw[0], 3);	/* the registers stay as fetched */

	/* a signed argument from the block sign-extends: socket(AF_INET, -1, 0) */
	uint32_t block2[3] = { 2, 0xffffffff, 0 };
	m.bytes = block2;
	m.len = sizeof(block2);
	uint64_t raw2[6] = { 1, 0x8000 };
	sc_decode(AUDIT_ARCH_I386, 102, raw2, &mem, &c);
	cr_assert_eq(c.id, SC_ID_socket);
	cr_assert_eq((int64_t)c.args[1], -1);

	/* send/recv exist only through socketcall */
	uint32_t block3[4] = { 4, 0x1234, 10, 0 };
	m.bytes = block3;
	m.len = sizeof(block3);
	uint64_t raw3[6] = { 9, 0x8000 };
	sc_decode(AUDIT_ARCH_I386, 102, raw3, &mem, &c);
	cr_assert_eq(c.id, SC_ID_send);
	cr_assert_eq(c.args[2], 10);
}

Test(decode, i386_socketcall_unreadable_block)
{
	uint32_t block[2] = { 3, 0 };
	struct fake_mem m = { .base = 0x8000, .bytes = block, .len = sizeof(block) };
	struct sc_memreader mem = FAKE_READER(&m);
	struct sc_call c;

	/* pointer to an unmapped address */
	uint64_t raw[6] = { 3, 0xdead0000 };
	cr_assert_eq(sc_decode(AUDIT_ARCH_I386, 102, raw, &mem, &c), 0);
	cr_assert_eq(c.id, SC_ID_socketcall);
	cr_assert_str_eq(c.name, "socketcall");
	cr_assert(c.demux_failed);
	cr_assert_not(c.demuxed);
	cr_assert_eq(c.nargs, 2);
	cr_assert_eq(c.args[1], 0xdead0000);

	/* a block that ends too early (connect needs 3 words, 2 are mapped) */
	uint64_t raw2[6] = { 3, 0x8000 };
	sc_decode(AUDIT_ARCH_I386, 102, raw2, &mem, &c);
	cr_assert(c.demux_failed);
	cr_assert_eq(c.id, SC_ID_socketcall);

	/* no reader at all */
	sc_decode(AUDIT_ARCH_I386, 102, raw2, NULL, &c);
	cr_assert(c.demux_failed);
	cr_assert_eq(c.id, SC_ID_socketcall);

	/* a call number the kernel rejects: raw, not a failure, nothing read */
	int before = m.reads;
	uint64_t raw3[6] = { 99, 0x8000 };
	sc_decode(AUDIT_ARCH_I386, 102, raw3, &mem, &c);
	cr_assert_eq(c.id, SC_ID_socketcall);
	cr_assert_not(c.demux_failed);
	cr_assert_eq(m.reads, before);
	uint64_t raw4[6] = { 0, 0x8000 };
	sc_decode(AUDIT_ARCH_I386, 102, raw4, &mem, &c);
	cr_assert_eq(c.id, SC_ID_socketcall);
}

Test(decode, socketcall_is_not_demuxed_on_other_arches)
{
	uint64_t raw[6] = { 3, 0x8000 };
	struct sc_call c;

	/* 102 is getuid on x86_64 */
	sc_decode(AUDIT_ARCH_X86_64, 102, raw, NULL, &c);
	cr_assert_eq(c.id, SC_ID_getuid);
	cr_assert_not(c.demux_failed);
}

Test(decode, i386_ipc_demux)
{
	struct sc_call c;
	struct fake_mem m = { 0 };
	struct sc_memreader mem = FAKE_READER(&m);

	/* ipc(SEMOP, semid, nsops, _, sops) -> semop(semid, sops, nsops) */
	uint64_t semop[6] = { 1, 7, 2, 0, 0x9000, 0 };
	sc_decode(AUDIT_ARCH_I386, 117, semop, &mem, &c);
	cr_assert_eq(c.id, SC_ID_semop);
	cr_assert(c.demuxed);
	cr_assert_eq(c.args[0], 7);
	cr_assert_eq(c.args[1], 0x9000);
	cr_assert_eq(c.args[2], 2);

	/* ipc(SHMGET, key, size, flags) */
	uint64_t shmget[6] = { 23, 0x1234, 4096, 01600 };
	sc_decode(AUDIT_ARCH_I386, 117, shmget, &mem, &c);
	cr_assert_eq(c.id, SC_ID_shmget);
	cr_assert_eq(c.args[0], 0x1234);
	cr_assert_eq(c.args[1], 4096);
	cr_assert_eq(c.args[2], 01600);

	/* version bits above the call number: (1 << 16) | MSGRCV takes msgtyp
	 * from the fifth register */
	uint64_t msgrcv1[6] = { (1u << 16) | 12, 5, 64, 0, 0xa000, 3 };
	sc_decode(AUDIT_ARCH_I386, 117, msgrcv1, &mem, &c);
	cr_assert_eq(c.id, SC_ID_msgrcv);
	cr_assert_eq(c.args[0], 5);
	cr_assert_eq(c.args[1], 0xa000);
	cr_assert_eq(c.args[2], 64);
	cr_assert_eq(c.args[3], 3);
	cr_assert_eq(c.args[4], 0);

	/* version 0 MSGRCV reads { msgp, msgtyp } from guest memory */
	uint32_t kludge[2] = { 0xb000, (uint32_t)-2 };
	m.base = 0xa000;
	m.bytes = kludge;
	m.len = sizeof(kludge);
	uint64_t msgrcv0[6] = { 12, 5, 64, 04000, 0xa000, 0 };
	sc_decode(AUDIT_ARCH_I386, 117, msgrcv0, &mem, &c);
	cr_assert_eq(c.id, SC_ID_msgrcv);
	cr_assert_eq(c.args[1], 0xb000);
	cr_assert_eq((int64_t)c.args[3], -2);
	cr_assert_eq(c.args[4], 04000);

	/* SEMCTL reads its union semun argument; unreadable -> stays ipc */
	uint64_t semctl[6] = { 3, 9, 0, 16, 0xc000, 0 };
	sc_decode(AUDIT_ARCH_I386, 117, semctl, &mem, &c);
	cr_assert_eq(c.id, SC_ID_ipc);
	cr_assert(c.demux_failed);
	uint32_t semun = 0x777;
	m.base = 0xc000;
	m.bytes = &semun;
	m.len = sizeof(semun);
	sc_decode(AUDIT_ARCH_I386, 117, semctl, &mem, &c);
	cr_assert_eq(c.id, SC_ID_semctl);
	cr_assert_eq(c.args[3], 0x777);

	/* SHMDT and an unknown call */
	uint64_t shmdt[6] = { 22, 0, 0, 0, 0xd000 };
	sc_decode(AUDIT_ARCH_I386, 117, shmdt, &mem, &c);
	cr_assert_eq(c.id, SC_ID_shmdt);
	cr_assert_eq(c.args[0], 0xd000);
	uint64_t bad[6] = { 77 };
	sc_decode(AUDIT_ARCH_I386, 117, bad, &mem, &c);
	cr_assert_eq(c.id, SC_ID_ipc);
	cr_assert_not(c.demuxed);
	cr_assert_not(c.demux_failed);
}

Test(decode, x32_is_recognised_not_decoded)
{
	uint64_t raw[6] = { 1, 2, 3 };
	struct sc_call c;

	/* x32 getpid: 0x40000000 | 39 */
	cr_assert_eq(sc_decode(AUDIT_ARCH_X86_64, 0x40000000u | 39, raw, NULL, &c), 0);
	cr_assert_eq(c.arch, SC_ARCH_X32);
	cr_assert_eq(c.id, SC_ID_UNKNOWN);
	cr_assert_null(c.info);
	cr_assert_str_eq(c.name, "syscall_0x40000027");
	cr_assert_eq(c.nr, 0x40000027);
	cr_assert_eq(c.args[2], 3);
}

Test(decode, unknown_numbers_and_arches)
{
	uint64_t raw[6] = { 1, 2, 3, 4, 5, 0xffffffff12345678ull };
	struct sc_call c;

	cr_assert_eq(sc_decode(AUDIT_ARCH_X86_64, 400, raw, NULL, &c), 0);	/* a hole */
	cr_assert_eq(c.id, SC_ID_UNKNOWN);
	cr_assert_str_eq(c.name, "syscall_0x190");
	cr_assert_eq(c.nargs, 6);
	cr_assert_eq(c.kinds[5], SC_K_HEX);
	cr_assert_eq(c.args[5], 0xffffffff12345678ull);

	sc_decode(AUDIT_ARCH_X86_64, 470, raw, NULL, &c);
	cr_assert_str_eq(c.name, "syscall_0x1d6");
	sc_decode(AUDIT_ARCH_X86_64, UINT64_MAX, raw, NULL, &c);
	cr_assert_str_eq(c.name, "syscall_0xffffffffffffffff");
	cr_assert_eq(c.arch, SC_ARCH_X86_64);
	sc_decode(AUDIT_ARCH_I386, 2000, raw, NULL, &c);
	cr_assert_str_eq(c.name, "syscall_0x7d0");
	cr_assert_eq(c.args[5], 0x12345678);	/* 32-bit call: low half only */

	/* an arch we have no table for (AUDIT_ARCH_ARM) */
	cr_assert_eq(sc_decode(0x40000028, 5, raw, NULL, &c), 0);
	cr_assert_eq(c.arch, SC_ARCH_UNKNOWN);
	cr_assert_eq(c.audit_arch, 0x40000028u);
	cr_assert_eq(c.id, SC_ID_UNKNOWN);
	cr_assert_str_eq(c.name, "syscall_0x5");

	cr_assert_eq(sc_decode(AUDIT_ARCH_X86_64, 0, NULL, NULL, &c), -EINVAL);
	cr_assert_eq(sc_decode(AUDIT_ARCH_X86_64, 0, raw, NULL, NULL), -EINVAL);
}

Test(decode, uid16_calls)
{
	uint64_t raw[6] = { 0x8050000, 0xffff, 0x1ffff };
	struct sc_call c;

	sc_decode(AUDIT_ARCH_I386, 182, raw, NULL, &c);
	cr_assert_eq(c.id, SC_ID_chown16);
	cr_assert_str_eq(c.name, "chown");
	cr_assert_eq(c.kinds[1], SC_K_UID16);
	cr_assert_eq(c.args[1], 0xffff);
	cr_assert_eq(c.args[2], 0xffff);
	sc_decode(AUDIT_ARCH_I386, 212, raw, NULL, &c);
	cr_assert_eq(c.id, SC_ID_chown);
	cr_assert_str_eq(c.name, "chown32");
	cr_assert_eq(c.args[2], 0x1ffff);
}

/* Every number of every table decodes without surprises, with hostile
 * registers and a reader that always fails. */
Test(decode, every_number_survives_garbage)
{
	static const uint32_t audits[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64 };
	struct fake_mem m = { 0 };
	struct sc_memreader mem = FAKE_READER(&m);
	uint64_t raw[6];
	struct sc_call c;

	for (int i = 0; i < 6; i++)
		raw[i] = 0xa5a5a5a5a5a5a5a5ull ^ (uint64_t)i;
	for (size_t a = 0; a < 3; a++) {
		for (uint64_t nr = 0; nr < 600; nr++) {
			cr_assert_eq(sc_decode(audits[a], nr, raw, &mem, &c), 0);
			cr_assert_not_null(c.name);
			cr_assert(c.nargs <= 6);
			if (c.id != SC_ID_UNKNOWN)
				cr_assert_not_null(c.info);
		}
	}
}
