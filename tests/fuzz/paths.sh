#!/bin/sh
# libFuzzer harness fuzz_paths: see run-fuzz.sh
exec sh "$top_srcdir/tests/fuzz/run-fuzz.sh" fuzz_paths
