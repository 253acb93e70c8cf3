#!/bin/sh
# demo/run.sh - the demo shop: a store in a temporary folder with vouchers
# of every type, wsvoucher.fcgi and lighttpd on http://127.0.0.1:PORT/ in
# the foreground.  Ctrl-C stops everything it started.
#
#   sh demo/run.sh BUILD_DIR [PORT]        (PORT default 8080)
set -u

build=$(cd "${1:?usage: demo/run.sh BUILD_DIR [PORT]}" && pwd)
port=${2:-${PORT:-8080}}
src=$(cd "$(dirname "$0")/.." && pwd)
wsv=$build/wsvoucher
fcgi=$build/wsvoucher.fcgi
for tool in "$wsv" "$fcgi"; do
	[ -x "$tool" ] || { echo "demo: $tool is not built" >&2; exit 1; }
done
command -v lighttpd >/dev/null 2>&1 ||
    { echo "demo: lighttpd is not installed (apt-get install lighttpd)" >&2
      exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/wsvoucher-demo-XXXXXX")
pids=""
stop() {
	trap - EXIT INT TERM
	for p in $pids; do kill -TERM "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	echo
	echo "demo stopped; its store stays in $dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

store=$dir/store
cat >"$dir/shop.config" <<CFG
# demo shop: codes of the handbook's examples are foreign to our format
<Voucher-Txt>
ExternalVouchers-Allow = yes
Store-Directory = $store
</Voucher-Txt>
CFG
"$wsv" --store "$store" --config "$dir/shop.config" demo >"$dir/demo.txt" ||
    { cat "$dir/demo.txt"; exit 1; }
cat >"$dir/vouchers.csv" <<CSV
Number;Amount;Type;MaxRedemptions;ValidFrom;ValidUntil;ChargeId
SOMMER-2026;5,00;Universal_NoRestrictions;100;2026-06-01;2026-12-31;SOMMER
2467;3,00;Universal_customerBinding;0;2026-01-01;2027-12-31;TREUE
CSV
"$wsv" --config "$dir/shop.config" import "$dir/vouchers.csv" >/dev/null ||
    exit 1

mkdir -p "$dir/www"
cp "$src"/templates/*.htm "$dir/"
mkdir -p "$dir/templates" && mv "$dir"/*.htm "$dir/templates/"
"$fcgi" --config "$dir/shop.config" --templates "$dir/templates" \
    --socket "$dir/fcgi.sock" --workers 2 2>>"$dir/fcgi.log" &
pids="$pids $!"
i=0
while [ ! -S "$dir/fcgi.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$dir/fcgi.sock" ] || { cat "$dir/fcgi.log"; exit 1; }

cat >"$dir/lighttpd.conf" <<CONF
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$dir/www"
server.errorlog = "$dir/lighttpd.log"
server.modules += ("mod_fastcgi", "mod_redirect")
url.redirect = ( "^/$" => "/shop/ws_start.htm" )
fastcgi.server = ( "/shop" => (( "socket" => "$dir/fcgi.sock",
                                 "check-local" => "disable" )) )
CONF
lighttpd -D -f "$dir/lighttpd.conf" 2>>"$dir/lighttpd.log" &
pids="$pids $!"
sleep 0.5
kill -0 $! 2>/dev/null ||
    { echo "demo: lighttpd did not start (port $port in use?)"; \
      cat "$dir/lighttpd.log"; exit 1; }

sed -n '1,/^All vouchers:/p' "$dir/demo.txt" | sed '$d'
cat <<TXT
Start page vouchers: SOMMER-2026 (universal, at most 100 redemptions) and
2467 (bound to the first customer who uses it).

The shop:   http://127.0.0.1:$port/           (start page)
            http://127.0.0.1:$port/shop/ws_basket.htm
Operator:   $wsv --store $store reserved
Logs:       $dir/fcgi.log, $dir/lighttpd.log

Press Ctrl-C to stop.
TXT
wait
