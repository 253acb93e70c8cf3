#!/bin/sh
# bench/run_http.sh - the HTTP benchmark: requests/s through one lighttpd of
#   (a) GET /shop/ws_basket.htm, 20 lines and a voucher, by wsvoucher.fcgi;
#   (b) the same bytes (headers and body) from bench/fcgi_min.c, a FastCGI
#       responder that only answers from memory: the cost of FastCGI itself;
#   (c) the same body as a static file served by lighttpd.
# Printed: requests/s of each, a/b and a/c.  The figures that count are the
# ratios, measured in one run: the machines are shared, so a, b and c take
# turns (a b c a b c ...) and the best round of each counts.  Last, the CPU
# time the responders' own processes spent per request in (a) and (b)
# (from /proc, best round): their difference is our work per request
# (session, store, rules, render), free of lighttpd's and wrk's share.
#
# Run from the build folder (or anywhere: it then uses the build/ folder
# next to bench/):
#   sh ../bench/run_http.sh
# Environment:
#   DURATION=10       seconds per wrk run
#   ROUNDS=2          rounds of a, b, c
#   THREADS=2 CONNECTIONS=16   wrk -t and -c
#   WORKERS=$(nproc)  wsvoucher.fcgi workers, and fcgi_min processes
#   WSVOUCHER=./wsvoucher WSVOUCHER_FCGI=./wsvoucher.fcgi   the binaries
#   FCGI_MIN=path     a built fcgi_min (else: cc -O2 bench/fcgi_min.c -lfcgi)
#   BENCH_NO_SESSION=1  no session: (a) is the empty basket, for a
#                     responder without the basket actions
#   KEEP=1            keep the temporary folder (configs, logs, wrk output)
# Needs wrk, lighttpd and curl (apt-get install wrk lighttpd curl); exits
# 77 without them.  Exit 0 measured, 1 a step failed, 2 usage.
set -u

src=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${WSVOUCHER:-}" ]; then
	if [ -x ./wsvoucher ] && [ -x ./wsvoucher.fcgi ]; then
		WSVOUCHER=./wsvoucher
	else
		WSVOUCHER=$src/build/wsvoucher
	fi
fi
WSV=$WSVOUCHER
FCGI=${WSVOUCHER_FCGI:-$(dirname "$WSV")/wsvoucher.fcgi}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
WORKERS=${WORKERS:-$(nproc 2>/dev/null || echo 2)}
NO_SESSION=${BENCH_NO_SESSION:-}

skip() { echo "run_http.sh: $1: skipped" >&2; exit 77; }
usage() { echo "run_http.sh: $1" >&2; exit 2; }
command -v wrk >/dev/null 2>&1 || skip "wrk not found (apt-get install wrk)"
command -v lighttpd >/dev/null 2>&1 ||
    skip "lighttpd not found (apt-get install lighttpd)"
command -v curl >/dev/null 2>&1 || skip "curl not found (apt-get install curl)"
if [ ! -x "$WSV" ] || [ ! -x "$FCGI" ]; then
	skip "$WSV or $FCGI not built (make -C build)"
fi
for v in DURATION ROUNDS THREADS CONNECTIONS WORKERS; do
	eval "n=\$$v"
	case $n in
	'' | *[!0-9]* | 0*) usage "$v must be a positive number, not '$n'" ;;
	esac
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsv-bench-http-XXXXXX") || exit 1
pids=""

# stop PID...: SIGTERM, wait up to 5 s, then SIGKILL
stop() {
	for p in "$@"; do kill -TERM "$p" 2>/dev/null; done
	i=0
	while [ $i -lt 50 ]; do
		alive=""
		for p in "$@"; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
		[ -z "$alive" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	for p in "$@"; do kill -KILL "$p" 2>/dev/null; done
	for p in "$@"; do wait "$p" 2>/dev/null; done
}
cleanup() {
	trap - EXIT INT TERM
	# shellcheck disable=SC2086
	[ -n "$pids" ] && stop $pids
	if [ -n "${KEEP:-}" ]; then
		echo "kept: $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM

show() { sed 's/^/  | /' "$1" | head -"${2:-20}" >&2; }
fail() {
	echo "run_http.sh: FAILED: $1" >&2
	for f in "$tmp/fcgi.log" "$tmp/min.log" "$tmp/lighttpd.log" \
	    "$tmp/lighttpd.out"; do
		[ -s "$f" ] && { echo "$f:" >&2; show "$f" 20; }
	done
	exit 1
}

# wait_sock PATH PID WHAT: the socket appears within 10 s
wait_sock() {
	i=0
	while [ ! -S "$1" ] && [ $i -lt 100 ]; do
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	[ -S "$1" ] || fail "$3 makes its socket $1 within 10 s"
}

port_free() {
	if command -v ss >/dev/null 2>&1; then
		! ss -ltnH "sport = :$1" 2>/dev/null | grep -q .
	else
		curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/"
		[ $? = 7 ]
	fi
}
# a free loopback port from a random start, at most 50 tries
pick_port() {
	start=$(awk 'BEGIN { srand(); print 20000 + int(rand() * 40000) }')
	port=""
	i=0
	while [ $i -lt 50 ]; do
		p=$((start + i))
		if port_free "$p"; then port=$p; break; fi
		i=$((i + 1))
	done
	[ -n "$port" ] || fail "no free port between $start and $((start + 49))"
}

# --- the shop: config, store, voucher, templates -------------------------
store=$tmp/store
conf=$tmp/shop.config
mkdir -p "$tmp/mail" "$tmp/templates" "$tmp/www"
{
	cat <<CFG
<Voucher-Txt>
ExternalVouchers-Allow = yes
Store-Directory = $store
Store-Durable = no
</Voucher-Txt>
<Shop-Checkout>
Shipping = 4,90
PaymentMethods = invoice:0,00, paypal:0,00
Payment-Secret = bench-secret-0123456789abcdef0123
Mail-Spool = $tmp/mail
</Shop-Checkout>
<Shop-Products>
CFG
	# p01..p20: prices 3,49 .. 98,99; VAT 7 on every third; p07 and p15
	# not eligible for promotional vouchers
	awk 'BEGIN {
		for (i = 1; i <= 20; i++) {
			cents = 349 + (i * 3697) % 9551
			vat = i % 3 == 0 ? 7 : 19
			el = (i == 7 || i == 15) ? "not-eligible" : "eligible"
			printf "p%02d = %d,%02d | %d | %s | Produkt %02d\n",
			    i, cents / 100, cents % 100, vat, el, i
		}
	}'
	echo "</Shop-Products>"
} >"$conf"
printf 'Number;Amount;Type\nBENCH-10;10,00;Universal_NoRestrictions\n' \
    >"$tmp/vouchers.csv"
"$WSV" --store "$store" init >"$tmp/out" 2>&1 ||
    { show "$tmp/out"; fail "wsvoucher --store $store init"; }
"$WSV" --store "$store" --config "$conf" import "$tmp/vouchers.csv" \
    >"$tmp/out" 2>&1 || { show "$tmp/out"; fail "wsvoucher import"; }
cp "$src"/templates/*.htm "$tmp/templates/" || fail "copy templates/"

# --- (a) wsvoucher.fcgi, (b) fcgi_min --------------------------------------
sock_a=$tmp/wsvoucher.sock
"$FCGI" --config "$conf" --templates "$tmp/templates" --socket "$sock_a" \
    --workers "$WORKERS" --store "$store" >"$tmp/fcgi.out" 2>"$tmp/fcgi.log" &
fcgi_pid=$!
pids="$pids $fcgi_pid"
wait_sock "$sock_a" "$fcgi_pid" "wsvoucher.fcgi"

if [ -n "${FCGI_MIN:-}" ]; then
	[ -x "$FCGI_MIN" ] || usage "FCGI_MIN=$FCGI_MIN is not an executable"
	min=$FCGI_MIN
else
	min=$tmp/fcgi_min
	${CC:-cc} -O2 "$src/bench/fcgi_min.c" -o "$min" -lfcgi \
	    >"$tmp/cc.out" 2>&1 || {
		show "$tmp/cc.out"
		skip "cannot build bench/fcgi_min.c (apt-get install libfcgi-dev)"
	}
fi
# fcgi_min starts once (a)'s bytes are known, see below
sock_b=$tmp/min.sock

# --- lighttpd ----------------------------------------------------------------
pick_port
cat >"$tmp/lighttpd.conf" <<CONF
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$tmp/www"
server.errorlog = "$tmp/lighttpd.log"
server.modules += ( "mod_fastcgi" )
# wrk keeps its connections: no reconnects in the middle of a run
server.max-keep-alive-requests = 65535
mimetype.assign = ( ".html" => "text/html; charset=utf-8" )
fastcgi.server = (
	"/shop" => (( "socket" => "$sock_a", "check-local" => "disable" )),
	"/min" => (( "socket" => "$sock_b", "check-local" => "disable" ))
)
CONF
echo "up" >"$tmp/www/up.txt"
lighttpd -D -f "$tmp/lighttpd.conf" >"$tmp/lighttpd.out" 2>&1 &
lighttpd_pid=$!
pids="$pids $lighttpd_pid"
base=http://127.0.0.1:$port
i=0
up=""
while [ $i -lt 100 ]; do
	if curl -s --max-time 2 -o "$tmp/up" "$base/up.txt" &&
	    grep -q up "$tmp/up"; then up=1; break; fi
	kill -0 "$lighttpd_pid" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
[ -n "$up" ] || fail "lighttpd serves on port $port within 10 s"

# --- the session: 20 lines and the voucher ----------------------------------
page=$base/shop/ws_basket.htm
jar=$tmp/jar
# req NAME CURL-ARGS...: body in $tmp/NAME.body, headers in $tmp/NAME.head,
# status in $code
req() {
	n=$1
	shift
	code=$(curl -s --max-time 10 -D "$tmp/$n.head" -o "$tmp/$n.body" \
	    -w '%{http_code}' "$@") || code="curl-error-$?"
}
# moved NAME: the answer to a form post is a redirect (303, or 302)
moved() {
	case $code in
	302 | 303) return 0 ;;
	esac
	show "$tmp/$1.head"
	show "$tmp/$1.body"
	return 1
}
cookie=""
hint=" (no basket actions in this wsvoucher.fcgi? BENCH_NO_SESSION=1 measures the empty basket)"
if [ -z "$NO_SESSION" ]; then
	# the token of the session's forms, from the first page that has one
	tok=""
	for p in ws_basket.htm ws_start.htm ws_place_order.htm; do
		req first -b "$jar" -c "$jar" "$base/shop/$p"
		[ "$code" = 200 ] || { show "$tmp/first.body"; fail "GET /shop/$p -> $code"; }
		tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' \
		    "$tmp/first.body" | head -1 |
		    sed 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&#39;/'"'"'/g; s/&amp;/\&/g')
		[ -n "$tok" ] && break
	done
	[ -n "$tok" ] || fail "no CSRF token (name=\"csrf\") on the shop's pages$hint"
	grep -q 'WSSESSION' "$jar" 2>/dev/null ||
	    fail "the shop set no WSSESSION cookie$hint"
	for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20; do
		req add -b "$jar" -c "$jar" --data-urlencode "csrf=$tok" \
		    -d "product=p$i&qty=1" "$page?action=add"
		moved add || fail "POST $page?action=add p$i -> $code$hint"
	done
	req vadd -b "$jar" -c "$jar" --data-urlencode "csrf=$tok" \
	    -d "WS-VoucherNumber=BENCH-10" "$page?action=voucher_add"
	moved vadd || fail "POST $page?action=voucher_add BENCH-10 -> $code$hint"
	# every cookie of the jar, as wrk will send them
	cookie=$(awk '{ sub(/^#HttpOnly_/, "") }
	    /^#/ || NF < 7 { next }
	    { printf "%s%s=%s", n++ ? "; " : "", $6, $7 }' "$jar")
fi
# the_page NAME: GET (a) as wrk will; true when it is the full basket
the_page() {
	if [ -n "$cookie" ]; then
		req "$1" -H "Cookie: $cookie" "$page"
	else
		req "$1" "$page"
	fi
	[ "$code" = 200 ] || return 1
	[ -n "$NO_SESSION" ] && return 0
	for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20; do
		grep -qF "Produkt $i" "$tmp/$1.body" || return 1
	done
	grep -qF "BENCH-10" "$tmp/$1.body" && ! grep -q 'class="msg msg-error"' "$tmp/$1.body"
}
the_page a || {
	show "$tmp/a.body" 40
	fail "GET $page with the session -> 200 with Produkt 01..20 and" \
	    "BENCH-10, no voucher error (got $code)"
}
size=$(wc -c <"$tmp/a.body")

# --- (b) and (c) get (a)'s bytes ------------------------------------------------
# fcgi_min's answer: (a)'s headers as the responder gave them to lighttpd
# (not those lighttpd adds: Date, Server, Accept-Ranges...), then the body.
tr -d '\r' <"$tmp/a.head" | awk -v size="$size" '
	NR == 1 || /^$/ { next }
	tolower($0) ~ /^(date|server|accept-ranges|connection|keep-alive):/ ||
	    tolower($0) ~ /^transfer-encoding:/ { next }
	tolower($0) ~ /^content-length:/ { cl = 1 }
	{ printf "%s\r\n", $0 }
	END { if (!cl) printf "Content-Length: %d\r\n", size }' >"$tmp/min.head"
{
	printf 'Status: 200 OK\r\n'
	cat "$tmp/min.head"
	printf '\r\n'
	cat "$tmp/a.body"
} >"$tmp/min.response"
"$min" "$sock_b" "$tmp/min.response" "$WORKERS" >"$tmp/min.out" \
    2>"$tmp/min.log" &
min_pid=$!
pids="$pids $min_pid"
wait_sock "$sock_b" "$min_pid" "fcgi_min"
cp "$tmp/a.body" "$tmp/www/basket.html"

# headers as compared: without Date
heads() { tr -d '\r' <"$1" | grep -vi '^date:' | sed '/^$/d'; }
req b "$base/min/ws_basket.htm"
[ "$code" = 200 ] || fail "GET /min/ws_basket.htm -> 200 (got $code)"
cmp -s "$tmp/a.body" "$tmp/b.body" ||
    fail "(b) fcgi_min answers (a)'s body byte for byte"
heads "$tmp/a.head" >"$tmp/a.h"
heads "$tmp/b.head" >"$tmp/b.h"
if ! cmp -s "$tmp/a.h" "$tmp/b.h"; then
	echo "note: the headers of (a) and (b) differ (besides Date):" >&2
	diff "$tmp/a.h" "$tmp/b.h" | sed 's/^/  | /' >&2
fi
req c "$base/basket.html"
[ "$code" = 200 ] || fail "GET /basket.html -> 200 (got $code)"
cmp -s "$tmp/a.body" "$tmp/c.body" ||
    fail "(c) lighttpd serves (a)'s body byte for byte"

# --- wrk ------------------------------------------------------------------------
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
# ticks PID: CPU clock ticks (user + system) of PID and its children so far
ticks() {
	cat /proc/[0-9]*/stat 2>/dev/null |
	    awk -v p="$1" '$1 == p || $4 == p { t += $14 + $15 } END { print t + 0 }'
}
# bench WHICH ROUND: one wrk run; sets rps_WHICH_ROUND and, for the two
# responders, cpu_WHICH_ROUND: their CPU microseconds per request
bench() {
	case $1 in
	a) url=$page resp=$fcgi_pid ;;
	b) url=$base/min/ws_basket.htm resp=$min_pid ;;
	c) url=$base/basket.html resp="" ;;
	esac
	t0=0
	[ -n "$resp" ] && t0=$(ticks "$resp")
	out=$tmp/wrk.$1.$2
	if [ -n "$cookie" ]; then
		wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" \
		    -H "Cookie: $cookie" "$url" >"$out" 2>&1
	else
		wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" \
		    "$url" >"$out" 2>&1
	fi || { show "$out"; fail "wrk $url (round $2)"; }
	# requests, socket errors, non-2xx/3xx, requests/s
	# shellcheck disable=SC2046
	set -- "$1" "$2" $(awk '
		/ requests in / { n = $1 }
		/Socket errors:/ { gsub(",", ""); e = $4 + $6 + $8 + $10 }
		/Non-2xx or 3xx responses:/ { x = $NF }
		/^Requests\/sec:/ { r = $2 }
		END { printf "%d %d %d %s\n", n, e, x, r == "" ? "-" : r }' \
		    "$out")
	if [ "$3" -le 0 ] || [ "$4" != 0 ] || [ "$5" != 0 ] || [ "$6" = - ]; then
		show "$out"
		fail "wrk $url (round $2): $3 requests, $4 socket errors, $5 non-2xx"
	fi
	eval "rps_$1_$2=\$6"
	if [ -n "$resp" ]; then
		t1=$(ticks "$resp")
		eval "cpu_$1_$2=$(awk -v d=$((t1 - t0)) -v hz="$hz" -v n="$3" \
		    'BEGIN { printf "%.1f", d * 1000000 / hz / n }')"
	fi
}
cores=$(nproc 2>/dev/null || echo "?")
echo "== HTTP through one lighttpd: wsvoucher.fcgi, fcgi_min, static file"
if [ -n "$NO_SESSION" ]; then
	what="the empty basket (BENCH_NO_SESSION: no session)"
else
	what="20 lines and voucher BENCH-10"
fi
echo "page: /shop/ws_basket.htm, $what, $size bytes"
echo "machine: nproc $cores; workers $WORKERS (wsvoucher.fcgi and fcgi_min);" \
    "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds of a b c"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for w in a b c; do
		bench "$w" "$r"
	done
	r=$((r + 1))
done
the_page after || fail "(a) is still the full basket after the runs (got $code)"

# CPU of the responders per request (their processes only, all rounds):
# less noisy than requests/s, since it does not count waiting for others
r=1
cpu_line_a="" cpu_line_b=""
while [ "$r" -le "$ROUNDS" ]; do
	eval "cpu_line_a=\"\$cpu_line_a \$cpu_a_$r\""
	eval "cpu_line_b=\"\$cpu_line_b \$cpu_b_$r\""
	r=$((r + 1))
done

# --- the table --------------------------------------------------------------------
for w in a b c; do
	r=1
	line=""
	while [ "$r" -le "$ROUNDS" ]; do
		eval "line=\"\$line \$rps_${w}_$r\""
		r=$((r + 1))
	done
	echo "$w $line"
done | awk -v rounds="$ROUNDS" '
	BEGIN {
		name["a"] = "(a) wsvoucher.fcgi"
		name["b"] = "(b) fcgi_min"
		name["c"] = "(c) static file"
		printf "%-20s", ""
		for (r = 1; r <= rounds; r++)
			printf " %10s", "round " r
		printf " %10s\n", "best"
	}
	{
		best[$1] = 0
		printf "%-20s", name[$1]
		for (r = 1; r <= rounds; r++) {
			v = $(r + 1)
			printf " %10.0f", v
			if (v > best[$1])
				best[$1] = v
		}
		printf " %10.0f\n", best[$1]
	}
	END {
		printf "a/b = %.2f   a/c = %.2f\n", best["a"] / best["b"],
		    best["a"] / best["c"]
	}'
printf '%s\n%s\n' "a $cpu_line_a" "b $cpu_line_b" | awk '
	{ best[$1] = $2; for (i = 3; i <= NF; i++) if ($i < best[$1]) best[$1] = $i }
	END {
		printf "CPU per request (responder processes, best round): "
		printf "(a) %.1f us, (b) %.1f us; our work: %.1f us\n",
		    best["a"], best["b"], best["a"] - best["b"]
	}'
