# Helpers for the fakeroot module tests (sourced after tests/lib/harness.sh).
# As root (CI), umvisor runs as uid/gid 65534 through setpriv, as a user
# would, and the same scenario also runs as real root for the comparison.
# As a user, umvisor runs as that user and real-root comparisons skip.

FR_TIMEOUT=${FR_TIMEOUT:-120}
command -v timeout >/dev/null 2>&1 || hard_error "timeout(1) is missing"

if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null 2>&1 || skip "running as root without setpriv(1) to drop to a user"
	FR_AS_ROOT=yes
	FR_USER_UID=65534
	FR_USER_GID=65534
else
	FR_AS_ROOT=no
	FR_USER_UID=$(id -u)
	FR_USER_GID=$(id -g)
fi
# The scratch tree must be the user's (and reachable by it).
chmod 755 "$TMPD"

# as_user CMD...: run CMD as the unprivileged user, bounded.
as_user() {
	if [ "$FR_AS_ROOT" = yes ]; then
		timeout "$FR_TIMEOUT" setpriv --reuid="$FR_USER_UID" --regid="$FR_USER_GID" \
			--clear-groups -- "$@"
	else
		timeout "$FR_TIMEOUT" "$@"
	fi
}

# fr CMD...: run CMD under umvisor -0 as the user.
fr() {
	as_user "$UMVISOR" -0 -- "$@"
}

# fr_opts OPTS -- CMD...: umvisor with other options, as the user.
fr_opts() {
	as_user "$UMVISOR" "$@"
}

# user_dir NAME: a fresh directory owned by the user.
user_dir() {
	mkdir -p "$TMPD/$1" || hard_error "mkdir $TMPD/$1"
	chown "$FR_USER_UID:$FR_USER_GID" "$TMPD/$1" 2>/dev/null || true
	echo "$TMPD/$1"
}

need_real_root() {
	[ "$FR_AS_ROOT" = yes ] || skip "the comparison with a real-root run needs the tests to run as root"
}

# same_text WHAT EXPECTED-FILE ACTUAL-FILE: fail with a diff.
same_text() {
	diff -u "$2" "$3" >"$TMPD/diff.out" 2>&1 || {
		cat "$TMPD/diff.out" >&2
		fail "$1: differs from the real-root run (diff above: - real root, + umvisor -0)"
	}
}
