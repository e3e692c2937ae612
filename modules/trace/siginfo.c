/* siginfo_t as strace 6.1 prints it in "--- SIG {...} ---" lines. */
#include "modules/trace/siginfo.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <umvisor/module.h>

struct code_name {
	int code;
	const char *name;
};

static const struct code_name generic_codes[] = {
	{ SI_USER, "SI_USER" }, { SI_KERNEL, "SI_KERNEL" }, { SI_QUEUE, "SI_QUEUE" },
	{ SI_TIMER, "SI_TIMER" }, { SI_MESGQ, "SI_MESGQ" }, { SI_ASYNCIO, "SI_ASYNCIO" },
	{ SI_SIGIO, "SI_SIGIO" }, { SI_TKILL, "SI_TKILL" },
};
static const struct code_name chld_codes[] = {
	{ CLD_EXITED, "CLD_EXITED" }, { CLD_KILLED, "CLD_KILLED" }, { CLD_DUMPED, "CLD_DUMPED" },
	{ CLD_TRAPPED, "CLD_TRAPPED" }, { CLD_STOPPED, "CLD_STOPPED" },
	{ CLD_CONTINUED, "CLD_CONTINUED" },
};
static const struct code_name segv_codes[] = {
	{ SEGV_MAPERR, "SEGV_MAPERR" }, { SEGV_ACCERR, "SEGV_ACCERR" },
};
static const struct code_name bus_codes[] = {
	{ BUS_ADRALN, "BUS_ADRALN" }, { BUS_ADRERR, "BUS_ADRERR" }, { BUS_OBJERR, "BUS_OBJERR" },
};
static const struct code_name fpe_codes[] = {
	{ FPE_INTDIV, "FPE_INTDIV" }, { FPE_INTOVF, "FPE_INTOVF" }, { FPE_FLTDIV, "FPE_FLTDIV" },
	{ FPE_FLTOVF, "FPE_FLTOVF" }, { FPE_FLTUND, "FPE_FLTUND" }, { FPE_FLTRES, "FPE_FLTRES" },
	{ FPE_FLTINV, "FPE_FLTINV" }, { FPE_FLTSUB, "FPE_FLTSUB" },
};
static const struct code_name ill_codes[] = {
	{ ILL_ILLOPC, "ILL_ILLOPC" }, { ILL_ILLOPN, "ILL_ILLOPN" }, { ILL_ILLADR, "ILL_ILLADR" },
	{ ILL_ILLTRP, "ILL_ILLTRP" }, { ILL_PRVOPC, "ILL_PRVOPC" }, { ILL_PRVREG, "ILL_PRVREG" },
	{ ILL_COPROC, "ILL_COPROC" }, { ILL_BADSTK, "ILL_BADSTK" },
};

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup(const struct code_name *t, size_t n, int code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

/* A bounded appender over BUF. */
struct text {
	char *buf;
	size_t size, len;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len + 1 >= t->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = t->len + (size_t)n < t->size ? t->len + (size_t)n : t->size - 1;
}

static const char *code_name(int signo, int code)
{
	const char *name = NULL;

	if (code > 0 && code < 0x80) {	/* kernel-specific codes */
		switch (signo) {
		case SIGCHLD: name = lookup(chld_codes, LEN(chld_codes), code); break;
		case SIGSEGV: name = lookup(segv_codes, LEN(segv_codes), code); break;
		case SIGBUS: name = lookup(bus_codes, LEN(bus_codes), code); break;
		case SIGFPE: name = lookup(fpe_codes, LEN(fpe_codes), code); break;
		case SIGILL: name = lookup(ill_codes, LEN(ill_codes), code); break;
		default: break;
		}
	}
	return name ? name : lookup(generic_codes, LEN(generic_codes), code);
}

static void add_addr(struct text *t, const char *field, const void *p)
{
	if (p)
		add(t, ", %s=%p", field, p);
	else
		add(t, ", %s=NULL", field);
}

char *trace_siginfo_text(const siginfo_t *si, char *buf, size_t size)
{
	struct text t = { buf, size, 0 };
	char signame[32];
	const char *sn = umv_signal_name(si->si_signo, signame, sizeof(signame));
	const char *cn = code_name(si->si_signo, si->si_code);

	if (size == 0)
		return buf;
	buf[0] = '\0';
	if (sn)
		add(&t, "{si_signo=%s", sn);
	else
		add(&t, "{si_signo=%d", si->si_signo);
	if (cn)
		add(&t, ", si_code=%s", cn);
	else
		add(&t, ", si_code=%d", si->si_code);
	if (si->si_errno)
		add(&t, ", si_errno=%d", si->si_errno);
	if (si->si_code <= 0 || si->si_code == SI_USER) {
		/* Sent by a process (kill, tkill, sigqueue) or by the kernel. */
		if (si->si_code == SI_TIMER) {
			add(&t, ", si_timerid=%#x, si_overrun=%d, si_int=%d, si_ptr=%p",
			    (unsigned)si->si_timerid, si->si_overrun, si->si_value.sival_int,
			    si->si_value.sival_ptr);
		} else if (si->si_code != SI_KERNEL) {
			add(&t, ", si_pid=%d, si_uid=%u", (int)si->si_pid, (unsigned)si->si_uid);
			if (si->si_code == SI_QUEUE || si->si_code == SI_MESGQ)
				add(&t, ", si_int=%d, si_ptr=%p", si->si_value.sival_int,
				    si->si_value.sival_ptr);
		}
	} else {
		switch (si->si_signo) {
		case SIGCHLD:
			add(&t, ", si_pid=%d, si_uid=%u, si_status=", (int)si->si_pid,
			    (unsigned)si->si_uid);
			if (si->si_code == CLD_EXITED)
				add(&t, "%d", si->si_status);
			else if (umv_signal_name(si->si_status, signame, sizeof(signame)))
				add(&t, "%s", signame);
			else
				add(&t, "%d", si->si_status);
			add(&t, ", si_utime=%llu, si_stime=%llu", (unsigned long long)si->si_utime,
			    (unsigned long long)si->si_stime);
			break;
		case SIGSEGV:
		case SIGBUS:
		case SIGFPE:
		case SIGILL:
		case SIGTRAP:
			add_addr(&t, "si_addr", si->si_addr);
			break;
		case SIGPOLL:
			add(&t, ", si_band=%ld, si_fd=%d", (long)si->si_band, si->si_fd);
			break;
		default:
			break;
		}
	}
	add(&t, "}");
	return buf;
}
