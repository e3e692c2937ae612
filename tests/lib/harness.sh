# Shared helpers for the shell integration tests (sourced, not run).
# Exit codes follow automake: 0 pass, 1 fail, 77 skip (with a reason on
# stderr), 99 harness error.

skip() { echo "SKIP: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
hard_error() { echo "ERROR: $*" >&2; exit 99; }
# expect_eq WHAT EXPECTED ACTUAL
expect_eq() { [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"; }

: "${UMVISOR:?UMVISOR is not set (run through make check)}"
[ -x "$UMVISOR" ] || hard_error "$UMVISOR is not built"

# A scratch directory removed at exit.
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/umvisor-test.XXXXXX") || hard_error "mktemp failed"
trap 'rm -rf "$TMPD"' EXIT
