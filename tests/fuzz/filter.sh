#!/bin/sh
# libFuzzer harness fuzz_filter: see run-fuzz.sh
exec sh "$top_srcdir/tests/fuzz/run-fuzz.sh" fuzz_filter
