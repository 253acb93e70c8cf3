#!/bin/sh
# fuzz_tmpl.sh - make check entry for the template fuzz target: TESTS take
# no arguments, so this names the binary and the time.
#
#   FUZZ_TMPL     the built target (default ./fuzz/fuzz_tmpl)
#   FUZZ_SECONDS  how long to fuzz (default 30)
#
# Exits 77 (skipped) when the target was not built (configure found no
# clang with -fsanitize=fuzzer).
set -u

bin=${FUZZ_TMPL:-./fuzz/fuzz_tmpl}
secs=${FUZZ_SECONDS:-30}
if [ ! -x "$bin" ]; then
	echo "fuzz_tmpl: $bin not built (needs clang with libFuzzer); skipped"
	exit 77
fi
srcdir=${srcdir:-$(dirname "$0")/..}
exec "$srcdir/fuzz/run.sh" "$bin" "$secs"
