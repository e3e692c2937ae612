/* fakeroot: the identity calls (get*id, set*id, groups, capget) answered
 * from the per-thread virtual credentials kept in threads.c. */
#include "modules/fakeroot/fakeroot.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NO_ID 0xffffffffu
#define NO_ID16 0xffffu
#define OVERFLOW_ID 65534u
#define MAX_GROUPS 65536
#define CAP_V1 0x19980330u
#define CAP_V2 0x20071026u
#define CAP_V3 0x20080522u

static uint32_t arg_id(struct umv_call *call, unsigned idx, bool id16)
{
	uint64_t v = umv_call_arg(call, idx);

	if (id16)
		return (v & 0xffff) == NO_ID16 ? NO_ID : (uint32_t)(v & 0xffff);
	return (uint32_t)v;
}

static uint32_t low_id(uint32_t id)
{
	return id > 0xffff ? OVERFLOW_ID : id;
}

static enum umv_verdict answer(struct umv_call *call, int64_t result)
{
	umv_call_set_result(call, result);
	return UMV_EMULATE;
}

static int write_ids(struct umv_call *call, const uint32_t ids[3], bool id16)
{
	for (unsigned i = 0; i < 3; i++) {
		uint64_t addr = umv_call_arg(call, i);
		ssize_t n;

		if (id16) {
			uint16_t v = (uint16_t)low_id(ids[i]);
			n = umv_vm_write(call, addr, &v, sizeof(v));
			if (n != (ssize_t)sizeof(v))
				return -EFAULT;
		} else {
			n = umv_vm_write(call, addr, &ids[i], sizeof(ids[i]));
			if (n != (ssize_t)sizeof(ids[i]))
				return -EFAULT;
		}
	}
	return 0;
}

static int64_t get_id(const struct fr_state *st, const struct fr_creds *c, int id, bool id16)
{
	uint32_t v;

	if (id == st->id_getuid || id == st->id_getuid16)
		v = c->ruid;
	else if (id == st->id_geteuid || id == st->id_geteuid16)
		v = c->euid;
	else if (id == st->id_getgid || id == st->id_getgid16)
		v = c->rgid;
	else
		v = c->egid;
	return id16 ? low_id(v) : v;
}

static int64_t get_groups(struct umv_call *call, const struct fr_creds *c, bool id16)
{
	int64_t size = (int32_t)umv_call_arg(call, 0);
	uint64_t list = umv_call_arg(call, 1);

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return (int64_t)c->ngroups;
	if ((size_t)size < c->ngroups)
		return -EINVAL;
	for (size_t i = 0; i < c->ngroups; i++) {
		ssize_t n;

		if (id16) {
			uint16_t v = (uint16_t)low_id(c->groups[i]);
			n = umv_vm_write(call, list + i * 2, &v, 2);
			if (n != 2)
				return -EFAULT;
		} else {
			n = umv_vm_write(call, list + i * 4, &c->groups[i], 4);
			if (n != 4)
				return -EFAULT;
		}
	}
	return (int64_t)c->ngroups;
}

static int64_t set_groups(struct umv_call *call, struct fr_creds *c, bool id16)
{
	int64_t size = (int32_t)umv_call_arg(call, 0);
	uint64_t list = umv_call_arg(call, 1);
	size_t width = id16 ? 2 : 4;
	uint32_t *groups;
	uint8_t *raw;

	if (c->euid != 0)
		return -EPERM;
	if (size < 0 || size > MAX_GROUPS)
		return -EINVAL;
	groups = malloc(((size_t)size + 1) * sizeof(*groups));
	raw = malloc(((size_t)size + 1) * width);
	if (!groups || !raw) {
		free(groups);
		free(raw);
		return -ENOMEM;
	}
	if (size && umv_vm_read(call, list, raw, (size_t)size * width) !=
			    (ssize_t)((size_t)size * width)) {
		free(groups);
		free(raw);
		return -EFAULT;
	}
	for (int64_t i = 0; i < size; i++) {
		if (id16) {
			uint16_t v;
			memcpy(&v, raw + i * 2, 2);
			groups[i] = v;
		} else {
			memcpy(&groups[i], raw + i * 4, 4);
		}
	}
	free(raw);
	free(c->groups);
	c->groups = groups;
	c->ngroups = (size_t)size;
	return 0;
}

static bool one_of(uint32_t v, uint32_t a, uint32_t b, uint32_t c)
{
	return v == a || v == b || v == c;
}

/* The kernel's rules (kernel/sys.c), with CAP_SETUID/CAP_SETGID held
 * exactly when the virtual effective uid is 0. */
static int64_t set_ids(const struct fr_state *st, struct umv_call *call, struct fr_creds *c,
		       int id, bool id16)
{
	bool cap = c->euid == 0;
	bool gid = id == st->id_setgid || id == st->id_setgid16 || id == st->id_setregid ||
		   id == st->id_setregid16 || id == st->id_setresgid || id == st->id_setresgid16 ||
		   id == st->id_setfsgid || id == st->id_setfsgid16;
	uint32_t *r = gid ? &c->rgid : &c->ruid, *e = gid ? &c->egid : &c->euid;
	uint32_t *s = gid ? &c->sgid : &c->suid, *fs = gid ? &c->fsgid : &c->fsuid;
	uint32_t a = arg_id(call, 0, id16), b = arg_id(call, 1, id16), d = arg_id(call, 2, id16);

	if (id == st->id_setuid || id == st->id_setuid16 || id == st->id_setgid ||
	    id == st->id_setgid16) {
		if (a == NO_ID)
			return -EINVAL;
		if (cap) {
			*r = *e = *s = *fs = a;
		} else if (a == *r || a == *s) {
			*e = *fs = a;
		} else {
			return -EPERM;
		}
		return 0;
	}
	if (id == st->id_setreuid || id == st->id_setreuid16 || id == st->id_setregid ||
	    id == st->id_setregid16) {
		uint32_t old_r = *r;
		if (!cap && ((a != NO_ID && a != *r && a != *e) ||
			     (b != NO_ID && !one_of(b, *r, *e, *s))))
			return -EPERM;
		if (a != NO_ID)
			*r = a;
		if (b != NO_ID)
			*e = b;
		if (a != NO_ID || (b != NO_ID && b != old_r))
			*s = *e;
		*fs = *e;
		return 0;
	}
	if (id == st->id_setresuid || id == st->id_setresuid16 || id == st->id_setresgid ||
	    id == st->id_setresgid16) {
		if (!cap && ((a != NO_ID && !one_of(a, *r, *e, *s)) ||
			     (b != NO_ID && !one_of(b, *r, *e, *s)) ||
			     (d != NO_ID && !one_of(d, *r, *e, *s))))
			return -EPERM;
		if (a != NO_ID)
			*r = a;
		if (b != NO_ID)
			*e = b;
		if (d != NO_ID)
			*s = d;
		*fs = *e;
		return 0;
	}
	/* setfsuid/setfsgid: always the old value; changed when allowed. */
	{
		uint32_t old = *fs;
		if (a != NO_ID && (cap || one_of(a, *r, *e, *s) || a == *fs))
			*fs = a;
		return id16 ? low_id(old) : old;
	}
}

static unsigned cap_words_for(uint32_t version)
{
	return version == CAP_V1 ? 1 : (version == CAP_V2 || version == CAP_V3) ? 2 : 0;
}

static int64_t cap_get(struct umv_call *call, const struct fr_creds *c)
{
	uint64_t hdr = umv_call_arg(call, 0), data = umv_call_arg(call, 1);
	uint32_t version, words[6] = { 0 }, v3 = CAP_V3;
	int32_t pid;
	unsigned n;
	int last = 40;
	FILE *f;

	if (umv_vm_read(call, hdr, &version, 4) != 4 || umv_vm_read(call, hdr + 4, &pid, 4) != 4)
		return -EFAULT;
	n = cap_words_for(version);
	if (!n) {
		if (umv_vm_write(call, hdr, &v3, 4) != 4)
			return -EFAULT;
		return data ? -EINVAL : 0;
	}
	if (pid < 0)
		return -EINVAL;
	if (!data)
		return 0;
	f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (f) {
		if (fscanf(f, "%d", &last) != 1 || last < 0 || last > 63)
			last = 40;
		fclose(f);
	}
	if (c->euid == 0) {
		uint64_t all = last >= 63 ? ~0ull : (1ull << (last + 1)) - 1;
		/* {effective, permitted, inheritable} per 32-bit word */
		words[0] = words[1] = (uint32_t)all;
		words[3] = words[4] = (uint32_t)(all >> 32);
	}
	if (umv_vm_write(call, data, words, n * 12) != (ssize_t)(n * 12))
		return -EFAULT;
	return 0;
}

enum umv_verdict fr_creds_enter(struct fr_state *st, struct umv_call *call, enum fr_kind kind)
{
	struct fr_creds *c = fr_creds_of(&st->threads, umv_call_tid(call), umv_call_pid(call));
	int id = umv_call_sysid(call);

	if (!c)
		return answer(call, -ENOMEM);
	switch (kind) {
	case FR_GETID:
	case FR_GETID16:
		return answer(call, get_id(st, c, id, kind == FR_GETID16));
	case FR_GETRES:
	case FR_GETRES16: {
		bool gid = id == st->id_getresgid || id == st->id_getresgid16;
		uint32_t ids[3] = { gid ? c->rgid : c->ruid, gid ? c->egid : c->euid,
				    gid ? c->sgid : c->suid };
		return answer(call, write_ids(call, ids, kind == FR_GETRES16));
	}
	case FR_GETGROUPS:
	case FR_GETGROUPS16:
		return answer(call, get_groups(call, c, kind == FR_GETGROUPS16));
	case FR_SETID:
	case FR_SETID16:
		return answer(call, set_ids(st, call, c, id, kind == FR_SETID16));
	case FR_SETGROUPS:
	case FR_SETGROUPS16:
		return answer(call, set_groups(call, c, kind == FR_SETGROUPS16));
	case FR_CAPGET:
		return answer(call, cap_get(call, c));
	case FR_CAPSET:
		/* A non-root identity gets the kernel's answer: the real
		 * process is that unprivileged user too, and dropping
		 * capabilities it does not have succeeds (stress-ng does it
		 * in every child). */
		return c->euid == 0 ? answer(call, 0) : UMV_PASS;
	case FR_CLONE:
		return UMV_POST;
	default:
		return UMV_PASS;
	}
}

void fr_creds_leave(struct fr_state *st, struct umv_call *call, enum fr_kind kind,
		    int64_t *result)
{
	pid_t child = (pid_t)*result, tgid;
	int id = umv_call_sysid(call);
	uint64_t flags = 0;

	if (kind != FR_CLONE || *result <= 0)
		return;
	if (id == st->id_clone) {
		flags = umv_call_arg(call, 0);
	} else if (id == st->id_clone3) {
		if (umv_vm_read(call, umv_call_arg(call, 0), &flags, 8) != 8)
			flags = 0;
	}
	tgid = (flags & CLONE_THREAD) ? umv_call_pid(call) : child;
	if (fr_creds_copy(&st->threads, umv_call_tid(call), umv_call_pid(call), child, tgid) < 0)
		umv_log(st->mod, UMV_LOG_WARN, "out of memory for the credentials of %d", (int)child);
}
