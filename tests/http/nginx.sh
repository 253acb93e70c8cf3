#!/bin/sh
# tests/http/nginx.sh - wsvoucher.fcgi behind a real nginx, configured by
# the shipped sample doc/nginx-wsvoucher.conf: pages, /shop, status codes,
# static files; the POS/ERP API below /api (401 without a key, 200 with a
# key from `wsvoucher apikey`, a large import body let through) and the
# admin pages below /admin (303 to the login page, their cookie).
# Automake TESTS entry; exit 77 = skipped.
#
# The sample's server block is used as it is, with only its listen address,
# socket, document root and log folder replaced by this test's own
# (127.0.0.1:8080, /run/wsvoucher/fcgi.sock, /srv/shop/www, /var/log/nginx/).
set -u

TEST_NAME=nginx
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
sample="$srcdir/doc/nginx-wsvoucher.conf"
NGINX=$(command -v nginx 2>/dev/null) || NGINX=""
[ -z "$NGINX" ] && [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx
[ -n "$NGINX" ] || skip "nginx not found"
[ -r "$sample" ] || skip "$sample does not exist"

# nginx's own fastcgi_params and mime.types, next to its compiled-in config
nginx_v=$("$NGINX" -V 2>&1)
confdir=$(echo "$nginx_v" | tr ' ' '\n' | sed -n 's/^--conf-path=//p')
confdir=$(dirname "${confdir:-/etc/nginx/nginx.conf}")
[ -r "$confdir/fastcgi_params" ] || skip "$confdir/fastcgi_params not found"
nginx_pid=""
finish() {
	show_logs "$tmp/fcgi.log" "$tmp/logs/wsvoucher.error.log"
	verdict
}
fatal() {	# a setup step failed: nothing after it can run
	bad "$1"
	show_logs "$tmp/nginx.out" "$tmp/logs/error.log" "$tmp/err"
	finish
}

# --- a. store, config, vouchers, templates ----------------------------------
make_shop
# an API client that may check codes, with a key from wsvoucher apikey:
# its comment lines hold the key, its last line goes into <Voucher-API>
"$WSV" apikey pos-1 check >"$tmp/apikey" 2>"$tmp/err" || fatal "wsvoucher apikey"
apikey=$(sed -n 's/^#   Authorization: Bearer //p' "$tmp/apikey")
[ -n "$apikey" ] || fatal "wsvoucher apikey prints the key"
{
	echo "<Voucher-API>"
	grep -v '^#' "$tmp/apikey"
	echo "</Voucher-API>"
} >>"$conf"
"$WSV" check-config "$conf" >"$tmp/err" 2>&1 ||
    fatal "check-config accepts the <Voucher-API> line of wsvoucher apikey"
ok "an API client made with wsvoucher apikey"

# --- b. wsvoucher.fcgi ----------------------------------------------------------
start_fcgi "$conf" "$tpl" "$store"

# --- c. nginx, from the shipped sample ------------------------------------------
www="$tmp/www"
mkdir -p "$www" "$tmp/logs" "$tmp/temp"
echo "static file" >"$www/static.txt"
pick_port

# the values the sample must contain: a sample that no longer has them
# would leave this test on the wrong port, socket or folder
for s in 'listen 127.0.0.1:8080;' 'unix:/run/wsvoucher/fcgi.sock;' \
    'root /srv/shop/www;' '/var/log/nginx/'; do
	grep -qF -- "$s" "$sample" || fatal "the sample contains \"$s\""
done
mkdir -p "$tmp/nginx"
sed -e "s|127\\.0\\.0\\.1:8080|127.0.0.1:$port|g" \
    -e "s|/run/wsvoucher/fcgi\\.sock|$sock|g" \
    -e "s|/srv/shop/www|$www|g" \
    -e "s|/var/log/nginx/|$tmp/logs/|g" \
    "$sample" >"$tmp/nginx/server.conf" || fatal "make server.conf from the sample"
cp "$confdir/fastcgi_params" "$tmp/nginx/" || fatal "copy fastcgi_params"
if [ -r "$confdir/mime.types" ]; then
	cp "$confdir/mime.types" "$tmp/nginx/"
	mime="include mime.types;"
else
	mime=""
fi
# every temp path nginx has, inside the temp folder (the compiled-in ones
# are not writable for a normal user)
temps="client_body_temp_path $tmp/temp/body;"
for m in proxy fastcgi uwsgi scgi; do
	case $nginx_v in
	*--without-http_${m}_module*) ;;
	*) temps="$temps
	${m}_temp_path $tmp/temp/$m;" ;;
	esac
done
# as root the workers would become nobody and could not reach the socket
# in the private temp folder; otherwise they run as the current user
user=""
[ "$(id -u)" = 0 ] && user="user root;"
cat >"$tmp/nginx/nginx.conf" <<CONF
# made by tests/http/nginx.sh around doc/nginx-wsvoucher.conf
$user
daemon off;
master_process on;
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log warn;
events {
	worker_connections 64;
}
http {
	$mime
	default_type application/octet-stream;
	access_log $tmp/logs/access.log;
	$temps
	include server.conf;
}
CONF
# -e: the error log before the config is read (nginx >= 1.19.5)
elog=""
"$NGINX" -h 2>&1 | grep -q '^ *-e ' && elog="-e $tmp/logs/error.log"
# shellcheck disable=SC2086
"$NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" $elog -t \
    >"$tmp/nginx.out" 2>&1 || fatal "nginx -t accepts the sample"
ok "nginx -t accepts the sample"
# shellcheck disable=SC2086
"$NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" $elog \
    >"$tmp/nginx.out" 2>&1 &
nginx_pid=$!
pids="$pids $nginx_pid"
base="http://127.0.0.1:$port"
i=0
up=""
while [ $i -lt 100 ]; do
	if curl -s --max-time 2 -o "$tmp/static" "$base/static.txt" &&
	    grep -q "static file" "$tmp/static"; then up=1; break; fi
	kill -0 "$nginx_pid" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
[ -n "$up" ] || fatal "nginx serves on port $port within 10 s"
ok "nginx serves on port $port"

# --- d. checks ------------------------------------------------------------------------
# get NAME CURL-ARGS...: body in $tmp/NAME.body, headers in $tmp/NAME.head,
# status code in $code
get() {
	n=$1
	shift
	code=$(curl -s --max-time 10 -D "$tmp/$n.head" -o "$tmp/$n.body" \
	    -w '%{http_code}' "$@") || code="curl-error-$?"
}
status() {	# status WANT DESCRIPTION NAME
	if [ "$code" = "$1" ]; then ok "$2 -> $1"; else
		bad "$2 -> $1 (got $code)"; show "$tmp/$3.head"; show "$tmp/$3.body"; fi
}
body_has() {	# body_has NAME TEXT DESCRIPTION
	if grep -qF -- "$2" "$tmp/$1.body"; then ok "$3"; else
		bad "$3 (no \"$2\")"; show "$tmp/$1.body"; fi
}
head_has() {	# head_has NAME REGEX DESCRIPTION
	if tr -d '\r' <"$tmp/$1.head" | grep -qi -- "$2"; then ok "$3"; else
		bad "$3"; show "$tmp/$1.head"; fi
}

get st "$base/static.txt"
status 200 "GET /static.txt" st
body_has st 'static file' "/static.txt is served by nginx from the document root"
if grep -q 'static\.txt' "$tmp/fcgi.log" 2>/dev/null; then
	bad "/static.txt does not reach wsvoucher.fcgi"
else
	ok "/static.txt does not reach wsvoucher.fcgi"
fi

get v "$base/shop/t_voucher.htm"
status 200 "GET /shop/t_voucher.htm" v
body_has v '[SOMMER-2026|100|5,00 EUR]' "t_voucher shows SOMMER-2026 with max and value"
head_has v '^Content-Type: text/html; charset=utf-8$' "Content-Type: text/html; charset=utf-8"

get s "$base/shop/ws_start.htm"
status 200 "GET /shop/ws_start.htm (the shipped start page)" s
get s2 "$base/shop/"
status 200 "GET /shop/ (the start page)" s2
if cmp -s "$tmp/s.body" "$tmp/s2.body"; then ok "/shop/ is ws_start.htm"; else bad "/shop/ is ws_start.htm"; fi
get s3 "$base/shop"
status 200 "GET /shop (the start page)" s3
if cmp -s "$tmp/s.body" "$tmp/s3.body"; then ok "/shop is ws_start.htm"; else bad "/shop is ws_start.htm"; fi

get n "$base/shop/nope.htm"
status 404 "GET /shop/nope.htm" n

get p -X DELETE "$base/shop/ws_start.htm"
status 405 "DELETE /shop/ws_start.htm" p
head_has p '^Allow: .*GET' "405 has wsvoucher.fcgi's Allow header"

head -c 100000 /dev/zero | tr '\0' x >"$tmp/big"
get big -X POST --data-binary @"$tmp/big" "$base/shop/ws_start.htm"
status 413 "POST of 100 kB (client_max_body_size 64k)" big

# --- the POS/ERP API: SCRIPT_NAME /api, PATH_INFO /OPERATION ---------------
cat >"$tmp/check.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<check xmlns="urn:wsvoucher:api:1">
  <code>SOMMER-2026</code>
</check>
XML
get a1 -X POST -H 'Content-Type: application/xml' \
    --data-binary @"$tmp/check.xml" "$base/api/check"
status 401 "POST /api/check without a key" a1
head_has a1 '^Content-Type: application/xml' "the 401 answer is XML"
body_has a1 '<answer xmlns="urn:wsvoucher:api:1" op="check" result="invalid"' \
    "the 401 answer is wsvoucher.fcgi's <answer>"
head_has a1 '^WWW-Authenticate: Bearer' "the 401 answer has WWW-Authenticate"
get a2 -X POST -H "Authorization: Bearer $apikey" \
    -H 'Content-Type: application/xml' \
    --data-binary @"$tmp/check.xml" "$base/api/check"
status 200 "POST /api/check with the key of wsvoucher apikey" a2
body_has a2 'op="check" result="done"' "the check is done"
body_has a2 '<code>SOMMER-2026</code>' "the answer names SOMMER-2026"
get a3 -X POST -H "Authorization: Bearer $apikey" \
    -H 'Content-Type: application/xml' \
    --data-binary @"$tmp/check.xml" "$base/api/redeem"
status 403 "POST /api/redeem by a client that may only check" a3
# 100 kB is above the server's 64k, but /api/import lets up to 16m through
# to wsvoucher.fcgi, which wants a key first
get a4 -X POST -H 'Content-Type: application/xml' \
    --data-binary @"$tmp/big" "$base/api/import"
status 401 "POST of 100 kB to /api/import reaches wsvoucher.fcgi" a4
body_has a4 'op="import"' "the import's 401 answer is wsvoucher.fcgi's"
get a5 "$base/api/nope"
status 404 "GET /api/nope (no such operation)" a5

# --- the admin pages: SCRIPT_NAME /admin, PATH_INFO /PAGE ------------------
get ad1 "$base/admin/admin_search.htm"
status 303 "GET /admin/admin_search.htm without a login" ad1
head_has ad1 '^Location: admin_login\.htm$' "it is sent to admin_login.htm"
get ad2 "$base/admin"
status 303 "GET /admin" ad2
head_has ad2 '^Location: /admin/admin_search\.htm$' "/admin goes to /admin/admin_search.htm"
get ad3 "$base/admin/admin_login.htm"
status 200 "GET /admin/admin_login.htm" ad3
head_has ad3 '^Set-Cookie: WSADMIN=[0-9a-f]*; Path=/admin; HttpOnly; SameSite=Strict$' \
    "the login page sets WSADMIN for /admin only (no Secure over http)"
body_has ad3 'name="csrf"' "the login form carries a CSRF token"
get ad4 "$base/shop/admin_search.htm"
status 404 "GET /shop/admin_search.htm (no admin pages in the shop)" ad4

get b "$base/shop/t_broken.htm"
status 500 "GET /shop/t_broken.htm" b
if grep -q 'BEFORE-THE-BROKEN-TAG' "$tmp/b.body"; then
	bad "the 500 page holds no template output"; show "$tmp/b.body"
else
	ok "the 500 page holds no template output"
fi

if [ -s "$tmp/logs/wsvoucher.access.log" ]; then
	ok "the sample's access log is written"
else
	bad "the sample's access log is written"
fi

finish
