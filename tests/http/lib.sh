# shellcheck shell=sh
# tests/http/lib.sh - what the HTTP tests share; sourced, not run.
#
# Before sourcing, a test sets TEST_NAME (for the temp folder).  After it:
# srcdir, WSV, FCGI, tmp (removed on exit with every process in $pids),
# ok/bad/show for results, stop PID..., pick_port (sets $port),
# make_shop (sets $store, $conf, $tpl: vouchers SOMMER-2026 and GIFT-1,
# the shipped templates and the test pages t_voucher, t_escape, t_broken),
# start_fcgi CONF TEMPLATES STORE (sets $sock and $fcgi_pid).  Both call
# the test's own fatal() when a step fails.

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${srcdir:-$here/../..}
srcdir=$(cd "$srcdir" && pwd)
WSV=${WSVOUCHER:-./wsvoucher}
FCGI=${WSVOUCHER_FCGI:-$(dirname "$WSV")/wsvoucher.fcgi}

skip() { echo "skip: $1"; exit 77; }
command -v curl >/dev/null 2>&1 || skip "curl not found"
[ -x "$FCGI" ] || skip "$FCGI does not exist"
[ -x "$WSV" ] || skip "$WSV does not exist"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsv-$TEST_NAME-XXXXXX") || exit 99
pids=""
fcgi_pid=""

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
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
bad() { failed=$((failed + 1)); echo "not ok - $1"; }
show() { sed 's/^/#   /' "$1" | head -"${2:-20}"; }
# show_logs FILE...: each one that is not empty, its first 40 lines
show_logs() {
	for f in "$@"; do
		[ -s "$f" ] && { echo "# $f:"; show "$f" 40; }
	done
	return 0
}
# verdict: the count line; exit 0 when all passed, 1 otherwise
verdict() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ] && exit 0
	exit 1
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
	# below the kernel's range for outgoing connections (32768 and up
	# by default), so no client socket takes it between check and bind;
	# seeded by time and process, so tests started together differ
	start=$(awk -v pid=$$ 'BEGIN { srand(); srand(srand() + pid);
	    print 20000 + int(rand() * 12000) }')
	port=""
	i=0
	while [ $i -lt 50 ]; do
		p=$((start + i))
		if port_free "$p"; then port=$p; break; fi
		i=$((i + 1))
	done
	[ -n "$port" ] || fatal "a free port between $start and $((start + 49))"
}

# start_fcgi CONF TEMPLATES STORE: 2 workers, up within 10 s; $FCGI_ARGS
# (e.g. "--test-clock FILE") is passed on
start_fcgi() {
	sock="$tmp/fcgi.sock"
	# shellcheck disable=SC2086
	"$FCGI" --config "$1" --templates "$2" --socket "$sock" --workers 2 \
	    --store "$3" ${FCGI_ARGS:-} >"$tmp/fcgi.out" 2>>"$tmp/fcgi.log" &
	fcgi_pid=$!
	pids="$pids $fcgi_pid"
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 100 ]; do
		kill -0 "$fcgi_pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	[ -S "$sock" ] || fatal "wsvoucher.fcgi makes its socket within 10 s"
	ok "wsvoucher.fcgi listens on $sock"
}

# start_lighttpd: lighttpd with the shipped doc/lighttpd-wsvoucher.conf on
# a free port, /shop -> $sock, static folder $tmp/www; sets $port, $base,
# $lighttpd_pid
start_lighttpd() {
	mkdir -p "$tmp/www"
	echo "static file" >"$tmp/www/static.txt"
	pick_port
	# the shipped configuration, with this test's port, socket and paths
	sed -e "s|^server.port = 8080|server.port = $port|" \
	    -e "s|/run/wsvoucher/fcgi.sock|$sock|" \
	    -e "s|/srv/shop/www|$tmp/www|" \
	    -e "s|/var/log/lighttpd/wsvoucher.error.log|$tmp/lighttpd.log|" \
	    "$srcdir/doc/lighttpd-wsvoucher.conf" >"$tmp/lighttpd.conf" ||
	    fatal "doc/lighttpd-wsvoucher.conf"
	lighttpd -D -f "$tmp/lighttpd.conf" >"$tmp/lighttpd.out" 2>&1 &
	lighttpd_pid=$!
	pids="$pids $lighttpd_pid"
	base="http://127.0.0.1:$port"
	i=0
	while [ $i -lt 100 ]; do
		if curl -s --max-time 2 -o "$tmp/static" "$base/static.txt" &&
		    grep -q "static file" "$tmp/static"; then
			ok "lighttpd serves on port $port"
			return 0
		fi
		kill -0 "$lighttpd_pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	cat "$tmp/lighttpd.out" >>"$tmp/err"
	fatal "lighttpd serves on port $port within 10 s"
}

# the shop every HTTP test serves
make_shop() {
	store="$tmp/store"
	conf="$tmp/shop.config"
	cat >"$conf" <<CFG
<Voucher-Txt>
ExternalVouchers-Allow = yes
Store-Directory = $store
</Voucher-Txt>
CFG
	"$WSV" --store "$store" init >"$tmp/out" 2>"$tmp/err" || fatal "wsvoucher init"
	cat >"$tmp/vouchers.csv" <<'CSV'
Number;Amount;Type;Type2;MaxRedemptions
SOMMER-2026;5,00;Universal_NoRestrictions;;100
GIFT-1;50,00;Standard_RemainderReusable;purchased;
CSV
	"$WSV" --store "$store" --config "$conf" import "$tmp/vouchers.csv" \
	    >"$tmp/out" 2>"$tmp/err" || fatal "wsvoucher import"
	tpl="$tmp/templates"
	mkdir -p "$tpl"
	cp "$srcdir"/templates/*.htm "$tpl"/ || fatal "copy the shipped templates"
	cat >"$tpl/t_voucher.htm" <<'HTM'
<!DOCTYPE html>
<html><body>
<p>known: {VOUCHER-LoadData(SOMMER-2026)}{VOUCHER-DataExists}[~VOUCHER-Number~|~VOUCHER-MaxRedeemable~|~VOUCHER-Value~]{/VOUCHER-DataExists}{!VOUCHER-DataExists}none{/!VOUCHER-DataExists}{/VOUCHER-LoadData(SOMMER-2026)}</p>
<p>unknown: {VOUCHER-LoadData(NOPE-0000)}{VOUCHER-DataExists}[~VOUCHER-Number~|~VOUCHER-MaxRedeemable~|~VOUCHER-Value~]{/VOUCHER-DataExists}{!VOUCHER-DataExists}none{/!VOUCHER-DataExists}{/VOUCHER-LoadData(NOPE-0000)}</p>
</body></html>
HTM
	cat >"$tpl/t_escape.htm" <<'HTM'
<!DOCTYPE html>
<html><head><script>function f(a) { if (a) { return {x: 1}; } }</script></head>
<body><p>a tilde ~ alone, braces { } and &amp; stay as they are.</p>
<script>{ }</script></body></html>
HTM
	cat >"$tpl/t_broken.htm" <<'HTM'
<!DOCTYPE html>
<html><body>
<p>BEFORE-THE-BROKEN-TAG</p>
{MSG-Voucher_error}<p>never closed</p>
</body></html>
HTM
	ok "store, vouchers and templates made"
}
