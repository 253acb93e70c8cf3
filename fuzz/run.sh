#!/bin/sh
# run.sh - runs one libFuzzer target for a bounded time on a copy of its
# seed corpus, with its dictionary.
#
#   fuzz/run.sh BINARY SECONDS
#
# The target's name is the binary's base name (fuzz_tmpl); its seeds are
# fuzz/corpus/NAME-without-fuzz_/ and its dictionary fuzz/NAME.dict.  The
# seeds are copied so that a run never changes the checked-in corpus.
# Exits with libFuzzer's status: non-zero when it found a crash, a leak,
# a timeout or a broken invariant (the input is kept as crash-*, leak-*,
# timeout-* or oom-* in the current directory).  The last line is a
# verdict in the form the test harness logs show:
#   fuzz_tmpl: 123456 runs, 1 passed, 0 failed
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 BINARY SECONDS" >&2
	exit 2
fi
bin=$1
secs=$2
case "$secs" in
''|*[!0-9]*) echo "$0: SECONDS must be a number: $secs" >&2; exit 2 ;;
esac
if [ ! -x "$bin" ]; then
	echo "$0: no fuzz target at $bin" >&2
	exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$bin")
short=${name#fuzz_}
seeds=$here/corpus/$short
dict=$here/$short.dict

work=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mkdir "$work/corpus"
if [ -d "$seeds" ]; then
	cp "$seeds"/* "$work/corpus/" 2>/dev/null
fi
dictopt=
if [ -f "$dict" ]; then
	dictopt=-dict=$dict
fi

# Leaks fail the run; so does every UBSan report (the binary is built with
# -fno-sanitize-recover=all).  Options the caller set come first and win
# only where these do not set the same key.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1"
UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1"
export ASAN_OPTIONS UBSAN_OPTIONS

# libFuzzer's own exit code for a finding is 77, which the automake test
# harness reads as "skipped": hence -error_exitcode=1 below, and any 77
# that still comes through is turned into a failure at the end.
# libFuzzer writes crash inputs to the current directory unless told; keep
# them next to the log where the harness runs us.
artifacts=${FUZZ_ARTIFACTS:-./}

# -max_len=8192: room for more than DIAG_MAX (1000) problems, "~MSG-~" each.
# shellcheck disable=SC2086
"$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts" \
    -error_exitcode=1 -timeout_exitcode=1 \
    $dictopt "$work/corpus" >"$work/log" 2>&1
rc=$?
# A passing run shows its summary, a failing one everything (the stack).
if [ "$rc" -eq 0 ]; then
	grep -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE)|NEW_FUNC' "$work/log"
else
	cat "$work/log"
fi

# Runs: the final stats line, else the last "#N" status line.
runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9][0-9]*\).*/\1/p' \
    "$work/log" | tail -n 1)
if [ -z "$runs" ]; then
	runs=$(sed -n 's/^#\([0-9][0-9]*\)[^0-9].*/\1/p' "$work/log" |
	    tail -n 1)
fi
: "${runs:=0}"

if [ "$rc" -eq 0 ]; then
	echo "$name: $runs runs, 1 passed, 0 failed"
	exit 0
fi
echo "$name: $runs runs, 0 passed, 1 failed"
if [ "$rc" -eq 77 ]; then
	rc=1
fi
exit "$rc"
