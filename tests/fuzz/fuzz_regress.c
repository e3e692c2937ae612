/* tests/fuzz/fuzz_regress.c: what the fuzz harnesses found, as plain unit
 * tests that run in every build (the sanitizer build turns the undefined
 * behaviour they hit into failures). */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>

#include "syscalls/syscalls.h"

/* fuzz_filter: a rule for a syscall only x86_64 has left the i386 block
 * without wanted numbers, and the builder passed qsort a NULL array. */
Test(fuzz_regress, filter_rule_for_an_arch_without_the_call)
{
	struct sc_filter_rule rule = { .id = sc_id_from_name("newfstatat"), .cmp = SC_CMP_ANY };
	struct sc_filter_spec spec = { &rule, 1, SC_FILTER_TRACE };
	struct sock_fprog *prog = NULL;

	cr_assert_neq(rule.id, SC_ID_UNKNOWN);
	if (sc_arch_host() != SC_ARCH_X86_64)
		cr_skip_test("the i386 block exists on x86_64 hosts only");
	cr_assert_lt(sc_nr_from_id(SC_ARCH_I386, rule.id), 0, "newfstatat is x86_64-only");
	cr_assert_eq(sc_filter_build(&spec, &prog), 0);
	cr_assert_not_null(prog);
	cr_assert_gt(prog->len, 0);
	cr_assert_eq(BPF_CLASS(prog->filter[prog->len - 1].code), BPF_RET);
	sc_filter_free(prog);
}
