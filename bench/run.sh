#!/bin/sh
# bench/run.sh - the store benchmarks; run from the build folder:
#   sh ../bench/run.sh
# Figures are ratios measured in one run: the machines are shared.
set -eu
make bench/bench_store >/dev/null
echo "== durable redemption throughput (Berkeley DB, fsync per commit)"
./bench/bench_store 8 2000
echo "== a charge of 1,000,000 codes"
d=$(mktemp -d /tmp/wsv-bench-charge-XXXXXX)
./wsvoucher --store "$d" init >/dev/null
start=$(date +%s.%N)
./wsvoucher --store "$d" charge create --kind value --amount 25 \
    --count 1000000 --output "$d/codes.txt" 2>/dev/null
end=$(date +%s.%N)
dups=$(sort "$d/codes.txt" | uniq -d | wc -l)
echo "1000000 codes in $(echo "$end - $start" | bc) s, duplicates: $dups"
rm -rf "$d"
