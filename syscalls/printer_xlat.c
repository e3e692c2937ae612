/* syscalls/printer_xlat.c: the constant lists of syscalls/xlat/ as tables,
 * plus errno and signal names. The values are checked against the system
 * headers by the generated printer_xlat_check.c. */
#include "syscalls/printer_priv.h"

#include <stdio.h>

#define XLAT(name, val) { (uint64_t)(val), #name },
#define XLAT_K XLAT
#define XLAT_CHECK_IF(expr)

/* One include per list: the preprocessor cannot build a file name. */
static const struct sc_xlat_entry open_access_entries[] = {
#include "syscalls/xlat/open_access.def"
};
static const struct sc_xlat_entry open_flags_entries[] = {
#include "syscalls/xlat/open_flags.def"
};
static const struct sc_xlat_entry open_flags_aarch64_entries[] = {
#include "syscalls/xlat/open_flags_aarch64.def"
};
static const struct sc_xlat_entry at_flags_entries[] = {
#include "syscalls/xlat/at_flags.def"
};
static const struct sc_xlat_entry faccessat_flags_entries[] = {
#include "syscalls/xlat/faccessat_flags.def"
};
static const struct sc_xlat_entry statx_sync_entries[] = {
#include "syscalls/xlat/statx_sync.def"
};
static const struct sc_xlat_entry statx_mask_entries[] = {
#include "syscalls/xlat/statx_mask.def"
};
static const struct sc_xlat_entry statx_attrs_entries[] = {
#include "syscalls/xlat/statx_attrs.def"
};
static const struct sc_xlat_entry file_types_entries[] = {
#include "syscalls/xlat/file_types.def"
};
static const struct sc_xlat_entry access_modes_entries[] = {
#include "syscalls/xlat/access_modes.def"
};
static const struct sc_xlat_entry mmap_prot_entries[] = {
#include "syscalls/xlat/mmap_prot.def"
};
static const struct sc_xlat_entry mmap_type_entries[] = {
#include "syscalls/xlat/mmap_type.def"
};
static const struct sc_xlat_entry mmap_flags_entries[] = {
#include "syscalls/xlat/mmap_flags.def"
};
static const struct sc_xlat_entry clone_flags_entries[] = {
#include "syscalls/xlat/clone_flags.def"
};
static const struct sc_xlat_entry fcntl_cmds_entries[] = {
#include "syscalls/xlat/fcntl_cmds.def"
};
static const struct sc_xlat_entry fd_flags_entries[] = {
#include "syscalls/xlat/fd_flags.def"
};
static const struct sc_xlat_entry seals_entries[] = {
#include "syscalls/xlat/seals.def"
};
static const struct sc_xlat_entry whence_entries[] = {
#include "syscalls/xlat/whence.def"
};
static const struct sc_xlat_entry wait_options_entries[] = {
#include "syscalls/xlat/wait_options.def"
};
static const struct sc_xlat_entry socket_families_entries[] = {
#include "syscalls/xlat/socket_families.def"
};
static const struct sc_xlat_entry socket_types_entries[] = {
#include "syscalls/xlat/socket_types.def"
};
static const struct sc_xlat_entry socket_type_flags_entries[] = {
#include "syscalls/xlat/socket_type_flags.def"
};
static const struct sc_xlat_entry inet_protocols_entries[] = {
#include "syscalls/xlat/inet_protocols.def"
};
static const struct sc_xlat_entry netlink_protocols_entries[] = {
#include "syscalls/xlat/netlink_protocols.def"
};
static const struct sc_xlat_entry msg_flags_entries[] = {
#include "syscalls/xlat/msg_flags.def"
};
static const struct sc_xlat_entry sa_flags_entries[] = {
#include "syscalls/xlat/sa_flags.def"
};
static const struct sc_xlat_entry sigprocmask_how_entries[] = {
#include "syscalls/xlat/sigprocmask_how.def"
};
static const struct sc_xlat_entry signals_entries[] = {
#include "syscalls/xlat/signals.def"
};
static const struct sc_xlat_entry rlimits_entries[] = {
#include "syscalls/xlat/rlimits.def"
};
static const struct sc_xlat_entry clocks_entries[] = {
#include "syscalls/xlat/clocks.def"
};
static const struct sc_xlat_entry arch_prctl_entries[] = {
#include "syscalls/xlat/arch_prctl.def"
};
static const struct sc_xlat_entry socketcalls_entries[] = {
#include "syscalls/xlat/socketcalls.def"
};
static const struct sc_xlat_entry ipccalls_entries[] = {
#include "syscalls/xlat/ipccalls.def"
};
static const struct sc_xlat_entry ioctls_entries[] = {
#include "syscalls/xlat/ioctls.def"
};
static const struct sc_xlat_entry futex_ops_entries[] = {
#include "syscalls/xlat/futex_ops.def"
};
static const struct sc_xlat_entry madvise_entries[] = {
#include "syscalls/xlat/madvise.def"
};
static const struct sc_xlat_entry prctl_options_entries[] = {
#include "syscalls/xlat/prctl_options.def"
};

static const struct sc_xlat_entry poll_events_entries[] = {
#include "syscalls/xlat/poll_events.def"
};
static const struct sc_xlat_entry resolve_flags_entries[] = {
#include "syscalls/xlat/resolve_flags.def"
};
static const struct sc_xlat_entry memfd_flags_entries[] = {
#include "syscalls/xlat/memfd_flags.def"
};
static const struct sc_xlat_entry getrandom_flags_entries[] = {
#include "syscalls/xlat/getrandom_flags.def"
};
static const struct sc_xlat_entry mremap_flags_entries[] = {
#include "syscalls/xlat/mremap_flags.def"
};
static const struct sc_xlat_entry msync_flags_entries[] = {
#include "syscalls/xlat/msync_flags.def"
};
static const struct sc_xlat_entry shutdown_how_entries[] = {
#include "syscalls/xlat/shutdown_how.def"
};
static const struct sc_xlat_entry flock_ops_entries[] = {
#include "syscalls/xlat/flock_ops.def"
};
static const struct sc_xlat_entry rename_flags_entries[] = {
#include "syscalls/xlat/rename_flags.def"
};
static const struct sc_xlat_entry epoll_ctl_ops_entries[] = {
#include "syscalls/xlat/epoll_ctl_ops.def"
};
static const struct sc_xlat_entry socket_levels_entries[] = {
#include "syscalls/xlat/socket_levels.def"
};
static const struct sc_xlat_entry sol_socket_opts_entries[] = {
#include "syscalls/xlat/sol_socket_opts.def"
};
static const struct sc_xlat_entry tcp_opts_entries[] = {
#include "syscalls/xlat/tcp_opts.def"
};
static const struct sc_xlat_entry epoll_flags_entries[] = {
#include "syscalls/xlat/epoll_flags.def"
};
static const struct sc_xlat_entry eventfd_flags_entries[] = {
#include "syscalls/xlat/eventfd_flags.def"
};
static const struct sc_xlat_entry inotify_flags_entries[] = {
#include "syscalls/xlat/inotify_flags.def"
};
static const struct sc_xlat_entry timerfd_flags_entries[] = {
#include "syscalls/xlat/timerfd_flags.def"
};
static const struct sc_xlat_entry signalfd_flags_entries[] = {
#include "syscalls/xlat/signalfd_flags.def"
};
static const struct sc_xlat_entry epoll_events_entries[] = {
#include "syscalls/xlat/epoll_events.def"
};
static const struct sc_xlat_entry fadvise_advice_entries[] = {
#include "syscalls/xlat/fadvise_advice.def"
};
static const struct sc_xlat_entry mode_bits_entries[] = {
#include "syscalls/xlat/mode_bits.def"
};
static const struct sc_xlat_entry fs_magic_entries[] = {
#include "syscalls/xlat/fs_magic.def"
};
static const struct sc_xlat_entry statfs_flags_entries[] = {
#include "syscalls/xlat/statfs_flags.def"
};
static const struct sc_xlat_entry capabilities_entries[] = {
#include "syscalls/xlat/capabilities.def"
};
static const struct sc_xlat_entry ip_opts_entries[] = {
#include "syscalls/xlat/ip_opts.def"
};
static const struct sc_xlat_entry ipv6_opts_entries[] = {
#include "syscalls/xlat/ipv6_opts.def"
};
static const struct sc_xlat_entry sigaltstack_flags_entries[] = {
#include "syscalls/xlat/sigaltstack_flags.def"
};
static const struct sc_xlat_entry priority_which_entries[] = {
#include "syscalls/xlat/priority_which.def"
};
static const struct sc_xlat_entry itimer_which_entries[] = {
#include "syscalls/xlat/itimer_which.def"
};
static const struct sc_xlat_entry sigev_notify_entries[] = {
#include "syscalls/xlat/sigev_notify.def"
};
static const struct sc_xlat_entry timer_flags_entries[] = {
#include "syscalls/xlat/timer_flags.def"
};
static const struct sc_xlat_entry term_iflags_entries[] = {
#include "syscalls/xlat/term_iflags.def"
};
static const struct sc_xlat_entry term_oflags_entries[] = {
#include "syscalls/xlat/term_oflags.def"
};
static const struct sc_xlat_entry term_cflags_entries[] = {
#include "syscalls/xlat/term_cflags.def"
};
static const struct sc_xlat_entry term_lflags_entries[] = {
#include "syscalls/xlat/term_lflags.def"
};
static const struct sc_xlat_entry baud_rates_entries[] = {
#include "syscalls/xlat/baud_rates.def"
};
static const struct sc_xlat_entry ipc_flags_entries[] = {
#include "syscalls/xlat/ipc_flags.def"
};
static const struct sc_xlat_entry shmat_flags_entries[] = {
#include "syscalls/xlat/shmat_flags.def"
};
static const struct sc_xlat_entry sem_flags_entries[] = {
#include "syscalls/xlat/sem_flags.def"
};
static const struct sc_xlat_entry msgrcv_flags_entries[] = {
#include "syscalls/xlat/msgrcv_flags.def"
};
static const struct sc_xlat_entry ipc_cmds_entries[] = {
#include "syscalls/xlat/ipc_cmds.def"
};
static const struct sc_xlat_entry shmctl_cmds_entries[] = {
#include "syscalls/xlat/shmctl_cmds.def"
};
static const struct sc_xlat_entry semctl_cmds_entries[] = {
#include "syscalls/xlat/semctl_cmds.def"
};
static const struct sc_xlat_entry msgctl_cmds_entries[] = {
#include "syscalls/xlat/msgctl_cmds.def"
};
static const struct sc_xlat_entry netlink_opts_entries[] = {
#include "syscalls/xlat/netlink_opts.def"
};

#define XLAT_OBJECT(name, unk) \
	const struct sc_xlat sc_xlat_##name = { name##_entries, ARRAY_LEN(name##_entries), unk };
XLAT_LISTS(XLAT_OBJECT)
#undef XLAT_OBJECT

const char *sc_xlat_lookup(const struct sc_xlat *x, uint64_t val)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->e[i].val == val)
			return x->e[i].name;
	return NULL;
}

/* ---- errno ---- */

struct errno_entry {
	const char *name;
	const char *message;
};

#define ERRNO(name, val, msg) [val] = { #name, msg },
#define ERRNO_K ERRNO
static const struct errno_entry errnos[] = {
#include "syscalls/xlat/errnos.def"
};
#undef ERRNO
#undef ERRNO_K

const char *sc_errno_name(int64_t err)
{
	if (err <= 0 || (uint64_t)err >= ARRAY_LEN(errnos))
		return NULL;
	return errnos[err].name;
}

const char *sc_errno_message(int64_t err)
{
	if (err <= 0 || (uint64_t)err >= ARRAY_LEN(errnos))
		return NULL;
	return errnos[err].message;
}

/* ---- signals ---- */

#define SIGRTMIN_KERNEL 32
#define SIGRTMAX_KERNEL 64

const char *sc_signal_name(int sig, char *buf, size_t size)
{
	const char *name;

	if (sig == SIGRTMIN_KERNEL)
		return "SIGRTMIN";
	if (sig > SIGRTMIN_KERNEL && sig <= SIGRTMAX_KERNEL) {
		if (!buf || size == 0)
			return NULL;
		snprintf(buf, size, "SIGRT_%d", sig - SIGRTMIN_KERNEL);
		return buf;
	}
	name = sig > 0 ? sc_xlat_lookup(&sc_xlat_signals, (uint64_t)sig) : NULL;
	return name;
}
