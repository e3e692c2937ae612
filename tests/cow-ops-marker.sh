#!/bin/sh
# cow-ops.sh with whiteouts as .wh. marker files (the format used where
# the upper file system has no user xattrs).
COW_MODE=marker
. "$top_srcdir/tests/cow-ops.sh"
