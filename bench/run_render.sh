#!/bin/sh
# bench/run_render.sh - the renderer benchmark: bench/basket.htm (the
# basket page as it was when bench/basket.cs was made to match it)
# rendered by wsvoucher against the same page from bench/basket.cs
# rendered by ClearSilver.  Run from a configured build folder:
#   sh ../bench/run_render.sh [bench_render options]   (see bench_render -h)
# With configure having found ClearSilver, `make bench/bench_render` builds
# it; otherwise it is compiled here by hand against this build's
# libwscore.a:
#   cc -std=c11 -O2 -D_GNU_SOURCE -DHAVE_CONFIG_H -I. -I$SRC/src \
#      -I/usr/include/ClearSilver $SRC/bench/bench_render.c \
#      -o bench/bench_render libwscore.a <XML_LIBS PCRE2_LIBS DB_LIBS> -lm \
#      -lneo_cs -lneo_utl [-lz]
# Needs clearsilver-dev (apt-get install clearsilver-dev); skipped without.
# The figure that counts is the ratio, measured in one run: the machines
# are shared.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
[ -f Makefile ] && [ -f config.h ] || {
	echo "run_render.sh: run me from a configured build folder" >&2
	exit 2
}
# the make target exists when configure found ClearSilver (CS_LIBS set)
if [ -n "$(sed -n 's/^CS_LIBS = *//p' Makefile)" ] &&
    grep -q '^bench/bench_render\$(EXEEXT):' Makefile; then
	make bench/bench_render >/dev/null
else
	if [ ! -f /usr/include/ClearSilver/ClearSilver.h ]; then
		echo "run_render.sh: ClearSilver not found" \
		    "(apt-get install clearsilver-dev): skipped"
		exit 0
	fi
	make libwscore.a >/dev/null
	mkdir -p bench
	libs=$(sed -n 's/^\(XML_LIBS\|PCRE2_LIBS\|DB_LIBS\) = //p' Makefile |
	    tr '\n' ' ')
	cc=$(sed -n 's/^CC = //p' Makefile)
	# shellcheck disable=SC2086
	${cc:-cc} -std=c11 -O2 -D_GNU_SOURCE -DHAVE_CONFIG_H -I. \
	    -I"$src/src" -I/usr/include/ClearSilver \
	    -DBENCH_SRCDIR="\"$src\"" "$src/bench/bench_render.c" \
	    -o bench/bench_render libwscore.a $libs -lm -lneo_cs -lneo_utl \
	    2>/dev/null ||
	${cc:-cc} -std=c11 -O2 -D_GNU_SOURCE -DHAVE_CONFIG_H -I. \
	    -I"$src/src" -I/usr/include/ClearSilver \
	    -DBENCH_SRCDIR="\"$src\"" "$src/bench/bench_render.c" \
	    -o bench/bench_render libwscore.a $libs -lm -lneo_cs -lneo_utl -lz
fi
echo "== template rendering: wsvoucher vs ClearSilver (basket page)"
./bench/bench_render -C "$src" "$@"
