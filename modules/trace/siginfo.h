/* strace-style text of a siginfo_t: {si_signo=SIGCHLD, si_code=CLD_EXITED, ...} */
#ifndef UMV_TRACE_SIGINFO_H
#define UMV_TRACE_SIGINFO_H

#include <signal.h>
#include <stddef.h>

/* Writes at most SIZE - 1 bytes + NUL into BUF; returns BUF. */
char *trace_siginfo_text(const siginfo_t *si, char *buf, size_t size);

#endif
