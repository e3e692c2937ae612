#!/bin/sh
# 200 children with distinct exit statuses, each checked by the parent.
. "$top_srcdir/tests/integration/lib.sh"
compare fork200 "$(need_guest fork200)"
expect_status fork200 native 0
