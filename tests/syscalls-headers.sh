#!/bin/sh
# Every table entry against the kernel headers installed here: for each
# __NR_name the header defines, our table must hold NAME at the same number
# (a header name missing from our table fails). Our rows the header does not
# have must be newer than it: a number above the header's highest, or one of
# the numbers the kernel added in a hole after the header's release (listed
# in LATER_* below with the version that added them).
# Exit: 0 pass, 1 mismatch, 77 no header at all, 99 harness error.
set -u
: "${top_builddir:?run through make check}"
dump="$top_builddir/tests/syscalls_dump"
[ -x "$dump" ] || { echo "ERROR: $dump not built" >&2; exit 99; }
CC=${CC:-cc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sc-headers.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

# x86_64: uretprobe (6.11) and uprobe (6.18) filled numbers below 450.
LATER_x86_64="335 336"
LATER_i386=""
LATER_aarch64=""

# $1 = arch, stdin = C source; prints "name nr" for every numeric __NR_.
header_numbers() {
	$CC -E -dM -x c - 2>"$tmp/cc.err" |
	awk '$1 == "#define" && $2 ~ /^__NR3264_/ { alias[$2] = $3 }
	     $1 == "#define" && $2 ~ /^__NR_/ { v[$2] = $3 }
	     END {
		for (k in v) {
			x = v[k]; if (x in alias) x = alias[x]
			if (x !~ /^[0-9]+$/) continue
			n = substr(k, 6)
			if (n == "syscalls" || n == "arch_specific_syscall") continue
			print n, x
		}
	     }'
}

checked=0
status=0
for arch in x86_64 i386 aarch64; do
	case $arch in
	x86_64) src='#include <asm/unistd_64.h>' ;;
	i386) src='#include <asm/unistd_32.h>' ;;
	aarch64)
		# arm64's uapi asm/unistd.h selects these generic-table options.
		src='#define __ARCH_WANT_RENAMEAT
#define __ARCH_WANT_NEW_STAT
#define __ARCH_WANT_SET_GET_RLIMIT
#define __ARCH_WANT_SYS_CLONE3
#define __ARCH_WANT_MEMFD_SECRET
#include <asm/bitsperlong.h>
#undef __BITS_PER_LONG
#define __BITS_PER_LONG 64
#include <asm-generic/unistd.h>' ;;
	esac
	if ! printf '%s\n' "$src" | header_numbers > "$tmp/$arch.hdr" || [ ! -s "$tmp/$arch.hdr" ]; then
		echo "note: no usable header for $arch here ($(head -1 "$tmp/cc.err")); not checked" >&2
		continue
	fi
	"$dump" "$arch" > "$tmp/$arch.ours" || { echo "ERROR: syscalls_dump $arch failed" >&2; exit 99; }
	eval later=\$LATER_$arch
	if ! awk -v arch="$arch" -v later="$later" '
		FNR == NR { hname[$1] = $2; if ($2 + 0 > hmax) hmax = $2 + 0; nh++; next }
		{ ours[$1] = $2; ournr[$2] = $1 }
		END {
			bad = 0
			n = split(later, l, " "); for (i = 1; i <= n; i++) ok_later[l[i]] = 1
			for (name in hname) {
				nr = hname[name]
				if (!(nr in ours)) {
					printf "%s: header has %s = %d, our table has nothing there%s\n", arch, name, nr, \
						(name in ournr) ? sprintf(" (we have it at %d)", ournr[name]) : ""
					bad++
				} else if (ours[nr] != name) {
					printf "%s: header has %s = %d, our table says %s\n", arch, name, nr, ours[nr]
					bad++
				}
			}
			for (nr in ours) {
				if (ours[nr] in hname) continue
				if (nr + 0 > hmax || (nr in ok_later)) continue
				printf "%s: our %s = %d is not in the header and not a known later addition\n", arch, ours[nr], nr
				bad++
			}
			printf "%s: %d header names checked, highest header number %d, %d mismatches\n", arch, nh, hmax, bad
			exit bad != 0
		}' "$tmp/$arch.hdr" "$tmp/$arch.ours"; then
		status=1
	fi
	checked=$((checked + 1))
done
if [ "$checked" -eq 0 ]; then
	echo "SKIP: no kernel syscall header found (install linux-libc-dev)" >&2
	exit 77
fi
exit $status
