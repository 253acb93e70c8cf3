#!/bin/sh
# tests/http/run.sh - wsvoucher.fcgi behind a real lighttpd: pages, status
# codes, headers, escaping, template errors, parallel requests, SIGHUP
# reload and SIGTERM shutdown.  Automake TESTS entry; exit 77 = skipped.
set -u

TEST_NAME=http
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
command -v lighttpd >/dev/null 2>&1 || skip "lighttpd not found"
lighttpd_pid=""

finish() {
	if [ -s "$tmp/fcgi.log" ]; then
		echo "# wsvoucher.fcgi log:"; show "$tmp/fcgi.log" 40
	fi
	verdict
}
fatal() {	# a setup step failed: nothing after it can run
	bad "$1"
	show_logs "$tmp/lighttpd.log" "$tmp/err"
	finish
}

# --- a. store, config, vouchers, templates ----------------------------------
make_shop

# --- c. wsvoucher.fcgi --------------------------------------------------------
start_fcgi "$conf" "$tpl" "$store"

# --- d. lighttpd ------------------------------------------------------------------
start_lighttpd
www="$tmp/www"

# --- e. checks ------------------------------------------------------------------------
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

get v "$base/shop/t_voucher.htm"
status 200 "GET /shop/t_voucher.htm" v
body_has v '[SOMMER-2026|100|5,00 EUR]' "t_voucher shows SOMMER-2026 with max and value"
body_has v 'unknown: none' "t_voucher shows none for an unknown code"
head_has v '^Content-Type: text/html; charset=utf-8$' "Content-Type: text/html; charset=utf-8"
head_has v '^Cache-Control: no-store$' "Cache-Control: no-store"
head_has v '^X-Content-Type-Options: nosniff$' "X-Content-Type-Options: nosniff"

get e "$base/shop/t_escape.htm"
status 200 "GET /shop/t_escape.htm" e
if cmp -s "$tmp/e.body" "$tpl/t_escape.htm"; then
	ok "t_escape.htm passes through byte for byte"
else
	bad "t_escape.htm passes through byte for byte"
	diff "$tpl/t_escape.htm" "$tmp/e.body" | sed 's/^/#   /' | head -20
fi

get b "$base/shop/t_broken.htm"
status 500 "GET /shop/t_broken.htm" b
if grep -q 'BEFORE-THE-BROKEN-TAG' "$tmp/b.body"; then
	bad "the 500 page holds no template output"; show "$tmp/b.body"
else
	ok "the 500 page holds no template output"
fi
if grep -q 't_broken\.htm:[0-9][0-9]*:[0-9][0-9]*' "$tmp/fcgi.log"; then
	ok "fcgi log names t_broken.htm:line:col"
else
	bad "fcgi log names t_broken.htm:line:col"; show "$tmp/fcgi.log"
fi

get n "$base/shop/nope.htm"
status 404 "GET /shop/nope.htm" n

get t --path-as-is "$base/shop/../etc/passwd"
case $code in
400 | 404) ok "GET /shop/../etc/passwd -> $code" ;;
*) bad "GET /shop/../etc/passwd -> 404 or 400 (got $code)"; show "$tmp/t.body" ;;
esac
get t2 --path-as-is "$base/shop/..%2f..%2fetc%2fpasswd"
case $code in
400 | 404) ok "GET /shop/..%2f..%2fetc%2fpasswd -> $code" ;;
*) bad "GET /shop/..%2f..%2fetc%2fpasswd -> 404 or 400 (got $code)"; show "$tmp/t2.body" ;;
esac
get u "$base/shop/WS_START.htm"
status 404 "GET /shop/WS_START.htm (upper case)" u

get p -X DELETE "$base/shop/ws_start.htm"
status 405 "DELETE /shop/ws_start.htm" p
head_has p '^Allow: .*GET' "405 has an Allow header with GET"

get h -I "$base/shop/t_voucher.htm"
status 200 "HEAD /shop/t_voucher.htm" h
# curl -I writes the headers to -o too: anything more would be a body
if cmp -s "$tmp/h.body" "$tmp/h.head"; then ok "HEAD has no body"; else
	bad "HEAD has no body"; show "$tmp/h.body"; fi
# lighttpd drops a HEAD body itself: ask wsvoucher.fcgi directly as well
if command -v cgi-fcgi >/dev/null 2>&1; then
	env -i REQUEST_METHOD=HEAD SCRIPT_NAME=/shop PATH_INFO=/t_voucher.htm \
	    GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 \
	    cgi-fcgi -bind -connect "$sock" >"$tmp/hd.out" 2>&1 </dev/null
	if tr -d '\r' <"$tmp/hd.out" | awk 'f { n++ } /^$/ { f = 1 } END { exit !(f && n == 0) }'; then
		ok "HEAD straight to wsvoucher.fcgi: headers only"
	else
		bad "HEAD straight to wsvoucher.fcgi: headers only"; show "$tmp/hd.out"
	fi
fi

get s "$base/shop/ws_start.htm"
status 200 "GET /shop/ws_start.htm (the shipped start page)" s
get s2 "$base/shop/"
status 200 "GET /shop/ (the start page)" s2
if cmp -s "$tmp/s.body" "$tmp/s2.body"; then ok "/shop/ is ws_start.htm"; else bad "/shop/ is ws_start.htm"; fi
get s3 "$base/shop"
status 200 "GET /shop (the start page)" s3
if cmp -s "$tmp/s.body" "$tmp/s3.body"; then ok "/shop is ws_start.htm"; else bad "/shop is ws_start.htm"; fi

# 8 parallel requests
cpids=""
k=1
while [ $k -le 8 ]; do
	curl -s --max-time 10 -o "$tmp/par$k.body" -w '%{http_code}' \
	    "$base/shop/t_voucher.htm" >"$tmp/par$k.code" 2>/dev/null &
	cpids="$cpids $!"
	pids="$pids $!"
	k=$((k + 1))
done
for p in $cpids; do wait "$p"; done
pids="$fcgi_pid $lighttpd_pid"
allok=1
k=1
while [ $k -le 8 ]; do
	c=$(cat "$tmp/par$k.code")
	if [ "$c" != 200 ] || ! cmp -s "$tmp/par$k.body" "$tmp/v.body"; then
		allok=""; echo "#   request $k: $c"
	fi
	k=$((k + 1))
done
if [ -n "$allok" ]; then ok "8 parallel GETs: all 200, same body"; else bad "8 parallel GETs: all 200, same body"; fi

# SIGHUP reloads templates
printf '<!DOCTYPE html>\n<p>reloaded ~ { } page</p>\n' >"$tpl/t_escape.htm.new"
mv "$tpl/t_escape.htm.new" "$tpl/t_escape.htm"
kill -HUP "$fcgi_pid"
i=0
reloaded=""
while [ $i -lt 50 ]; do
	get r "$base/shop/t_escape.htm"
	if [ "$code" = 200 ] && cmp -s "$tmp/r.body" "$tpl/t_escape.htm"; then reloaded=1; break; fi
	sleep 0.1
	i=$((i + 1))
done
if [ -n "$reloaded" ]; then
	ok "SIGHUP: the new t_escape.htm is served within 5 s"
else
	bad "SIGHUP: the new t_escape.htm is served within 5 s (last: $code)"; show "$tmp/r.body"
fi
# every worker must have reloaded, not just one
allnew=1
k=1
while [ $k -le 8 ]; do
	get r "$base/shop/t_escape.htm"
	cmp -s "$tmp/r.body" "$tpl/t_escape.htm" || allnew=""
	k=$((k + 1))
done
if [ -n "$allnew" ]; then ok "SIGHUP: 8 more GETs all get the new page"; else bad "SIGHUP: 8 more GETs all get the new page"; fi

# A worker killed with SIGKILL: the master starts a new one, whose open
# runs recovery; the others find their handles dead, reopen and render the
# page again.  No visitor sees an error.
victim=$(ps -o pid= --ppid "$fcgi_pid" 2>/dev/null | head -n 1 | tr -d ' ')
if [ -n "$victim" ] && kill -KILL "$victim" 2>/dev/null; then
	sleep 0.5
	allok=1
	k=1
	while [ $k -le 12 ]; do
		get r "$base/shop/t_voucher.htm"
		if [ "$code" != 200 ] || ! grep -q '\[SOMMER-2026|100|5,00 EUR\]' "$tmp/r.body"; then
			allok=""
		fi
		k=$((k + 1))
	done
	if [ -n "$allok" ]; then ok "after a worker was killed: 12 GETs all 200 with the voucher"
	else bad "after a worker was killed: 12 GETs all 200 with the voucher (last: $code)"; fi
	i=0
	while [ $i -lt 50 ]; do
		n=$(ps -o pid= --ppid "$fcgi_pid" 2>/dev/null | wc -l)
		[ "$n" -ge 3 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	if [ "$n" -ge 3 ]; then ok "the master replaced the killed worker"
	else bad "the master replaced the killed worker ($n children)"; fi
else
	bad "found a worker to kill"
fi

# SIGTERM: exits within 10 s, socket removed, every worker ended and
# reaped by the master before it exits
kids=$(ps -o pid= --ppid "$fcgi_pid" 2>/dev/null | tr -s ' \n' ' ')
n=$(echo $kids | wc -w)
if [ "$n" = 3 ]; then ok "the master has 2 workers and 1 housekeeping process"; else
	bad "the master has 2 workers and 1 housekeeping process (children:$kids)"; fi
kill -TERM "$fcgi_pid"
i=0
while kill -0 "$fcgi_pid" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$fcgi_pid" 2>/dev/null; then
	bad "SIGTERM: wsvoucher.fcgi exits within 10 s"
else
	wait "$fcgi_pid"
	rc=$?
	pids="$lighttpd_pid"
	ok "SIGTERM: wsvoucher.fcgi exits within 10 s (exit $rc)"
fi
if [ -e "$sock" ]; then bad "SIGTERM: the socket is removed"; else ok "SIGTERM: the socket is removed"; fi
# no worker or housekeeping process may be left behind, not even as a
# zombie handed to init (the master did not wait for it)
left=""
if [ -n "$kids" ]; then
	# shellcheck disable=SC2086
	left=$(ps -o pid=,ppid=,stat=,args= -p "$(echo $kids | tr ' ' ',')" 2>/dev/null)
fi
if [ -z "$left" ]; then ok "SIGTERM: no process of wsvoucher.fcgi is left"; else
	bad "SIGTERM: no process of wsvoucher.fcgi is left"; echo "$left" | sed 's/^/#   /'
	# they are ours (forked by the master we started): let cleanup end them
	pids="$pids $(echo "$left" | awk '$3 !~ /Z/ { print $1 }' | tr '\n' ' ')"
fi

finish
