#!/bin/sh
# fuzz_xml.sh - make check entry for the XML fuzz target (API requests
# and voucher files): TESTS take no arguments, so this names the binary
# and the time.
#
#   FUZZ_XML     the built target (default ./fuzz/fuzz_xml)
#   FUZZ_SECONDS  how long to fuzz (default 30)
#
# Exits 77 (skipped) when the target was not built (configure found no
# clang with -fsanitize=fuzzer).
set -u

bin=${FUZZ_XML:-./fuzz/fuzz_xml}
secs=${FUZZ_SECONDS:-30}
if [ ! -x "$bin" ]; then
	echo "fuzz_xml: $bin not built (needs clang with libFuzzer); skipped"
	exit 77
fi
srcdir=${srcdir:-$(dirname "$0")/..}
exec "$srcdir/fuzz/run.sh" "$bin" "$secs"
