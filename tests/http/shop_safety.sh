#!/bin/sh
# tests/http/shop_safety.sh - the shop's defences through a real lighttpd:
# CSRF tokens, the failed-attempt limits per session and per address,
# malformed input and bad requests, one single-use code raced by 8
# baskets at once, and product names escaped on the page.
# Exit 77 = skipped (no lighttpd, curl or wsvoucher.fcgi).
set -u

TEST_NAME=shop_safety
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
command -v lighttpd >/dev/null 2>&1 || skip "lighttpd not found"
lighttpd_pid=""

finish() {
	show_logs "$tmp/fcgi.old.log" "$tmp/fcgi.log"
	verdict
}
fatal() {	# a setup step failed: nothing after it can run
	bad "$1"
	show_logs "$tmp/lighttpd.log" "$tmp/err"
	finish
}

# --- a. store, config, vouchers, templates ----------------------------------
store="$tmp/store"
conf="$tmp/shop.config"
tpl="$tmp/templates"
mkdir -p "$tmp/mail" "$tpl"

# write_conf N: the shop's config with FailedAttempts-PerAddress = N
write_conf() {
	cat >"$conf.new" <<CFG
<Voucher-Txt>
Store-Directory = $store
ExternalVouchers-Allow = yes
Store-Durable = no
FailedAttempts-PerSession = 3
FailedAttempts-PerAddress = $1
FailedAttempts-WindowMinutes = 15
</Voucher-Txt>
<Shop-Checkout>
Shipping = 5,00
Shipping-Tiers = 25,00:3,00
PaymentMethods = invoice, paypal, cod:5,00
Payment-Secret = safety-secret-0123456789abcdef0123456789
Mail-Spool = $tmp/mail
Request-MaxBytes = 4096
</Shop-Checkout>
<Shop-Products>
book-20 = 20,00 | 7 | not-eligible | Preisgebundenes Buch
mug-5 = 5,00 | 19 | eligible | Kaffeebecher
xss-1 = 1,00 | 19 | eligible | <b>fett</b> & "Zitat"
</Shop-Products>
CFG
	mv "$conf.new" "$conf"
}
write_conf 1000
"$WSV" check-config "$conf" >"$tmp/out" 2>"$tmp/err" || fatal "wsvoucher check-config"
"$WSV" --store "$store" init >"$tmp/out" 2>"$tmp/err" || fatal "wsvoucher init"
# GUT-*: activated by one basket each; EINMAL-*: raced by 8 baskets
{
	echo "Number;Amount;Type;Type2"
	for c in GUT-1 GUT-2 GUT-3 GUT-4 EINMAL-1 EINMAL-2 EINMAL-3; do
		echo "$c;10,00;Standard_RemainderExpires;purchased"
	done
} >"$tmp/vouchers.csv"
"$WSV" --store "$store" --config "$conf" import "$tmp/vouchers.csv" \
    >"$tmp/out" 2>"$tmp/err" || fatal "wsvoucher import"
cp "$srcdir"/templates/*.htm "$tpl"/ || fatal "copy the shipped templates"
ok "store, config, vouchers and templates made"

# --- b. wsvoucher.fcgi and lighttpd -------------------------------------------------
start_fcgi "$conf" "$tpl" "$store"

start_lighttpd
shop="$base/shop"

# --- c. helpers -----------------------------------------------------------------------
# get NAME CURL-ARGS...: body in $tmp/NAME.body, headers in $tmp/NAME.head,
# status code in $code
get() {
	n=$1
	shift
	code=$(curl -s --max-time 10 -D "$tmp/$n.head" -o "$tmp/$n.body" \
	    -w '%{http_code}' "$@") || code="curl-error-$?"
}
# status WANT DESCRIPTION NAME
status() {
	if [ "$code" = "$1" ]; then ok "$2 -> $1"; else
		bad "$2 -> $1 (got $code)"; show "$tmp/$3.head"; show "$tmp/$3.body"; fi
}
# the CSRF token of a page: 64 hex of the first csrf field, else empty
token_of() {
	sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$1" | head -n 1 |
	    grep -E '^[0-9a-f]{64}$'
}
# session JAR: a new visitor (own cookie jar) opens ws_start.htm; its token
# in $tok (empty when the page or the cookie did not come)
session() {
	rm -f "$tmp/$1.jar"
	get "$1.start" -c "$tmp/$1.jar" "$shop/ws_start.htm"
	tok=""
	if [ "$code" = 200 ] && grep -q 'WSSESSION' "$tmp/$1.jar"; then
		tok=$(token_of "$tmp/$1.start.body")
	fi
}
# post NAME JAR PAGE ACTION BODY: a form POST with the visitor's cookie;
# the answer as get's
post() {
	pn=$1 pj=$2 pp=$3 pa=$4
	shift 4
	get "$pn" -b "$tmp/$pj.jar" -c "$tmp/$pj.jar" \
	    -H 'Content-Type: application/x-www-form-urlencoded' \
	    --data-binary "$1" "$shop/$pp?action=$pa"
}
# see_other NAME PAGE: the answer is 303 with Location: PAGE
see_other() {
	[ "$code" = 303 ] &&
	    tr -d '\r' <"$tmp/$1.head" | grep -qi "^Location: $2\$"
}
# basket NAME JAR: the visitor's ws_basket.htm into $tmp/NAME.body
basket() { get "$1" -b "$tmp/$2.jar" -c "$tmp/$2.jar" "$shop/ws_basket.htm"; }
# reason_of NAME: the data-reason of the error box of the page, or none
reason_of() {
	r=$(sed -n 's/.*class="msg msg-error"[^>]*data-reason="\([0-9]*\)".*/\1/p' \
	    "$tmp/$1.body" | head -n 1)
	echo "${r:-none}"
}
# has_row NAME CODE: the page has a voucher row (tr class="voucher") for CODE
has_row() {
	awk -v code="$2" '
	    /<tr class="voucher">/ { in_row = 1 }
	    in_row && index($0, "gutschein " code) &&
	        (substr($0, index($0, "gutschein " code) + length("gutschein " code), 1) !~ /[A-Za-z0-9-]/) { found = 1 }
	    /<\/tr>/ { in_row = 0 }
	    END { exit !found }' "$tmp/$1.body"
}
# try_code NAME JAR CODE-AS-FORM-VALUE: voucher_add on ws_basket.htm, then
# the basket; $code of the POST in $pcode, the reason shown in $reason
try_code() {
	post "$1.post" "$2" ws_basket.htm voucher_add "csrf=$tok&WS-VoucherNumber=$3"
	pcode=$code
	basket "$1" "$2"
	reason=$(reason_of "$1")
}
# held CODE: `wsvoucher reserved` lists a hold on CODE (first column)
held() {
	"$WSV" --store "$store" reserved >"$tmp/reserved.out" 2>&1 &&
	    awk -v c="$1" '$1 == c { f = 1 } END { exit !f }' "$tmp/reserved.out"
}
# add_mug JAR: one mug-5 into the visitor's basket (token in $tok)
add_mug() {
	post "$1.add" "$1" ws_basket.htm add "csrf=$tok&product=mug-5&qty=1"
	see_other "$1.add" ws_basket.htm
}
# restart_fcgi N: wsvoucher.fcgi stopped and started again on the same
# socket with FailedAttempts-PerAddress = N; lighttpd must reach it again
restart_fcgi() {
	stop "$fcgi_pid"
	np=""
	for p in $pids; do [ "$p" = "$fcgi_pid" ] || np="$np $p"; done
	pids=$np
	cat "$tmp/fcgi.log" >>"$tmp/fcgi.old.log" 2>/dev/null
	: >"$tmp/fcgi.log"
	if [ -e "$sock" ]; then
		bad "the stopped wsvoucher.fcgi removed its socket"
		rm -f "$sock"
	else
		ok "the stopped wsvoucher.fcgi removed its socket"
	fi
	write_conf "$1"
	start_fcgi "$conf" "$tpl" "$store"
	i=0
	while [ $i -lt 50 ]; do
		get re "$shop/ws_start.htm"
		[ "$code" = 200 ] && break
		sleep 0.2
		i=$((i + 1))
	done
	status 200 "lighttpd reaches the restarted wsvoucher.fcgi (PerAddress = $1)" re
}
mug_ok() {	# mug_ok JAR DESCRIPTION
	if add_mug "$1"; then ok "$2"; else
		bad "$2 (got $code)"; show "$tmp/$1.add.head"; show "$tmp/$1.add.body"; fi
}

# --- 1. CSRF ---------------------------------------------------------------------------
session a
tok_a=$tok
session b
tok_b=$tok
if [ -n "$tok_a" ] && [ -n "$tok_b" ] && [ "$tok_a" != "$tok_b" ]; then
	ok "two visitors get a cookie and two different 64-hex tokens"
else
	bad "two visitors get a cookie and two different 64-hex tokens ('$tok_a', '$tok_b')"
	show "$tmp/a.start.head"
fi
if tr -d '\r' <"$tmp/a.start.head" |
    grep -qE '^Set-Cookie: WSSESSION=[0-9a-f]{32};.*HttpOnly.*SameSite=Lax'; then
	ok "the first GET sets WSSESSION (32 hex, HttpOnly, SameSite=Lax)"
else
	bad "the first GET sets WSSESSION (32 hex, HttpOnly, SameSite=Lax)"; show "$tmp/a.start.head"
fi

post c1 a ws_basket.htm add "product=mug-5&qty=1"
status 403 "POST add without csrf" c1
post c2 a ws_basket.htm add "csrf=$tok_b&product=mug-5&qty=1"
status 403 "POST add with another visitor's token" c2
post c3 a ws_basket.htm add "csrf=${tok_a}00&product=mug-5&qty=1"
status 403 "POST add with the token and 2 hex more (66)" c3
short=$(printf '%s' "$tok_a" | cut -c 1-63)
post c4 a ws_basket.htm add "csrf=$short&product=mug-5&qty=1"
status 403 "POST add with the token less its last hex (63)" c4
# the same token without any cookie: a new visitor, whose token differs
get c6 -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary "csrf=$tok_a&product=mug-5&qty=1" "$shop/ws_basket.htm?action=add"
status 403 "POST add with a valid token but no cookie" c6
if tr -d '\r' <"$tmp/c6.head" | grep -qi '^Location:'; then
	bad "the refused POST without cookie redirects nowhere"; show "$tmp/c6.head"
else
	ok "the refused POST without cookie redirects nowhere"
fi
# a token that is right for a cookie of another visitor
get c7 -b "WSSESSION=$(sed -n 's/.*WSSESSION[[:space:]]*\([0-9a-f]*\).*/\1/p' "$tmp/b.jar")" \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary "csrf=$tok_a&product=mug-5&qty=1" "$shop/ws_basket.htm?action=add"
status 403 "POST add with visitor a's token and visitor b's cookie" c7
basket c8 a
if [ "$code" = 200 ] && grep -q 'Ihr Warenkorb ist leer\.' "$tmp/c8.body" &&
    ! grep -q '<tr class="line">' "$tmp/c8.body"; then
	ok "after the refused POSTs visitor a's basket is still empty"
else
	bad "after the refused POSTs visitor a's basket is still empty ($code)"; show "$tmp/c8.body" 200 | grep -i 'leer\|class="line"\|Kaffee'
fi
basket c9 b
if grep -q 'Ihr Warenkorb ist leer\.' "$tmp/c9.body"; then
	ok "visitor b's basket is still empty"
else
	bad "visitor b's basket is still empty"
fi
# the control: the right token with its own cookie is accepted
post c10 a ws_basket.htm add "csrf=$tok_a&product=mug-5&qty=1"
if see_other c10 ws_basket.htm; then ok "POST add with the session's own token -> 303 ws_basket.htm"; else
	bad "POST add with the session's own token -> 303 ws_basket.htm (got $code)"; show "$tmp/c10.head"; show "$tmp/c10.body"; fi
basket c11 a
if grep -q '<tr class="line">' "$tmp/c11.body" && grep -q 'Kaffeebecher' "$tmp/c11.body"; then
	ok "then the basket holds the mug"
else
	bad "then the basket holds the mug"; show "$tmp/c11.body" 200 | grep -i 'leer\|msg'
fi
if [ "$(token_of "$tmp/c11.body")" = "$tok_a" ]; then
	ok "the basket's forms carry the token of ws_start.htm (one per session)"
else
	bad "the basket's forms carry the token of ws_start.htm (one per session)"
fi

# --- 2. failed attempts ------------------------------------------------------------------
# 2a. per address, first, while no attempt of this address has failed yet
# (the counter lives in the store): limit 4, two visitors fail twice each,
# a third visitor is locked out, even with a valid code.
restart_fcgi 4
for v in pa1 pa2; do
	session "$v"
	mug_ok "$v" "$v: mug-5 into the basket"
	for k in 1 2; do
		try_code "$v.t$k" "$v" "FALSCH-$v-$k"
		if [ "$pcode" = 303 ] && [ "$reason" = 2 ]; then
			ok "$v: unknown code $k -> reason 2"
		else
			bad "$v: unknown code $k -> 303 and reason 2 (got $pcode, reason $reason)"
			show "$tmp/$v.t$k.post.body"
		fi
	done
done
session pa3
mug_ok pa3 "pa3: mug-5 into the basket"
try_code pa3.t1 pa3 GUT-4
if [ "$pcode" = 303 ] && [ "$reason" = 20 ]; then
	ok "pa3 (same address, after 4 failures in 2 sessions): a valid code -> reason 20"
else
	bad "pa3 (same address, after 4 failures in 2 sessions): a valid code -> reason 20 (got $pcode, reason $reason)"
fi
if has_row pa3.t1 GUT-4 || held GUT-4; then
	bad "pa3: GUT-4 is not activated"; show "$tmp/reserved.out"
else
	ok "pa3: GUT-4 is not activated"
fi
restart_fcgi 1000
try_code pa3.t2 pa3 GUT-4
if [ "$reason" = none ] && has_row pa3.t2 GUT-4 && held GUT-4; then
	ok "with PerAddress = 1000 again pa3 activates GUT-4"
else
	bad "with PerAddress = 1000 again pa3 activates GUT-4 (got $pcode, reason $reason)"; show "$tmp/reserved.out"
fi

# 2b. per session: 3 failures, then even a valid code gets reason 20
session s1
mug_ok s1 "s1: mug-5 into the basket"
for k in 1 2 3; do
	try_code "s1.t$k" s1 "NOPE-000$k"
	if [ "$pcode" = 303 ] && [ "$reason" = 2 ]; then
		ok "s1: unknown code $k -> reason 2"
	else
		bad "s1: unknown code $k -> 303 and reason 2 (got $pcode, reason $reason)"
		show "$tmp/s1.t$k.post.body"
	fi
done
try_code s1.t4 s1 GUT-1
if [ "$pcode" = 303 ] && [ "$reason" = 20 ]; then
	ok "s1: 4th attempt with the valid GUT-1 -> reason 20"
else
	bad "s1: 4th attempt with the valid GUT-1 -> reason 20 (got $pcode, reason $reason)"
fi
if has_row s1.t4 GUT-1; then
	bad "s1: the basket shows no GUT-1"; show "$tmp/s1.t4.body" 200 | grep -i 'gutschein GUT'
else
	ok "s1: the basket shows no GUT-1"
fi
if held GUT-1; then
	bad "s1: GUT-1 is not reserved"; show "$tmp/reserved.out"
else
	ok "s1: GUT-1 is not reserved (wsvoucher reserved)"
fi
basket s1.again s1
if [ "$(reason_of s1.again)" = none ]; then
	ok "s1: the message is shown once only"
else
	bad "s1: the message is shown once only (reason $(reason_of s1.again) again)"
fi
session s2
mug_ok s2 "s2: mug-5 into the basket"
try_code s2.t1 s2 GUT-1
if [ "$pcode" = 303 ] && [ "$reason" = none ] && has_row s2.t1 GUT-1; then
	ok "s2 (fresh session, same address): GUT-1 activated, no error box"
else
	bad "s2 (fresh session, same address): GUT-1 activated, no error box (got $pcode, reason $reason)"
fi
if held GUT-1; then ok "s2: GUT-1 is reserved"; else bad "s2: GUT-1 is reserved"; show "$tmp/reserved.out"; fi

# --- 3. malformed input and bad requests --------------------------------------------------
session m
mug_ok m "m: mug-5 into the basket"
try_code m.v1 m GUT-2
if [ "$reason" = none ] && has_row m.v1 GUT-2; then
	ok "m: GUT-2 activated"
else
	bad "m: GUT-2 activated (got $pcode, reason $reason)"
fi
"$WSV" --store "$store" list >"$tmp/list.before" 2>&1
"$WSV" --store "$store" reserved >"$tmp/reserved.before" 2>&1

# expect_reason NAME WANT VALUE DESCRIPTION
expect_reason() {
	try_code "$1" m "$3"
	if [ "$pcode" = 303 ] && [ "$reason" = "$2" ]; then
		ok "$4 -> reason $2"
	else
		bad "$4 -> 303 and reason $2 (got $pcode, reason $reason)"
		show "$tmp/$1.post.body"
	fi
}
expect_reason m.e1 1 "" "an empty code"
expect_reason m.e2 28 "AB%01CD" "a code with a control character (%01)"
expect_reason m.e3 28 "$(printf '%300s' '' | tr ' ' A)" "300 A"
expect_reason m.e4 28 "AB%FF%FECD" "invalid UTF-8 (%FF%FE)"
expect_reason m.e5 22 "GUT-2" "GUT-2 a second time"
expect_reason m.e6 28 "GUT%0A2" "a code with a line feed (%0A)"

# expect_status NAME WANT DESCRIPTION CURL-ARGS...
expect_status() {
	en=$1 ew=$2 ed=$3
	shift 3
	get "$en" -b "$tmp/m.jar" -c "$tmp/m.jar" "$@"
	status "$ew" "$ed" "$en"
}
form='Content-Type: application/x-www-form-urlencoded'
expect_status m.b1 400 "voucher_add with WS-VoucherNumber=%ZZ" -H "$form" \
    --data-binary "csrf=$tok&WS-VoucherNumber=%ZZ" "$shop/ws_basket.htm?action=voucher_add"
expect_status m.b2 400 "voucher_add with a cut escape (%4)" -H "$form" \
    --data-binary "csrf=$tok&WS-VoucherNumber=GUT%4" "$shop/ws_basket.htm?action=voucher_add"
expect_status m.b3 415 "voucher_add as text/plain" -H 'Content-Type: text/plain' \
    --data-binary "csrf=$tok&WS-VoucherNumber=GUT-3" "$shop/ws_basket.htm?action=voucher_add"
expect_status m.b4 415 "voucher_add as multipart/form-data" \
    -F "csrf=$tok" -F "WS-VoucherNumber=GUT-3" "$shop/ws_basket.htm?action=voucher_add"
printf 'csrf=%s&WS-VoucherNumber=GUT-3&pad=' "$tok" >"$tmp/big.form"
dd if=/dev/zero bs=1024 count=10 2>/dev/null | tr '\0' x >>"$tmp/big.form"
expect_status m.b5 413 "voucher_add with a 10 kB body" -H "$form" \
    --data-binary "@$tmp/big.form" "$shop/ws_basket.htm?action=voucher_add"
expect_status m.b6 405 "DELETE ws_basket.htm" -X DELETE "$shop/ws_basket.htm"
expect_status m.b7 405 "PUT ws_basket.htm" -X PUT -H "$form" \
    --data-binary "csrf=$tok&product=mug-5&qty=1" "$shop/ws_basket.htm?action=add"
expect_status m.b8 400 "an unknown action" -H "$form" \
    --data-binary "csrf=$tok" "$shop/ws_basket.htm?action=nope"
expect_status m.b9 400 "add product=nope" -H "$form" \
    --data-binary "csrf=$tok&product=nope&qty=1" "$shop/ws_basket.htm?action=add"
expect_status m.b10 400 "add qty=0" -H "$form" \
    --data-binary "csrf=$tok&product=mug-5&qty=0" "$shop/ws_basket.htm?action=add"
expect_status m.b11 400 "add qty=100" -H "$form" \
    --data-binary "csrf=$tok&product=mug-5&qty=100" "$shop/ws_basket.htm?action=add"
expect_status m.b12 400 "add qty=-1" -H "$form" \
    --data-binary "csrf=$tok&product=mug-5&qty=-1" "$shop/ws_basket.htm?action=add"
expect_status m.b13 400 "add qty=1x" -H "$form" \
    --data-binary "csrf=$tok&product=mug-5&qty=1x" "$shop/ws_basket.htm?action=add"
expect_status m.b14 400 "update qty=100" -H "$form" \
    --data-binary "csrf=$tok&product=mug-5&qty=100" "$shop/ws_basket.htm?action=update"
expect_status m.b15 400 "voucher_add posted to ws_start.htm" -H "$form" \
    --data-binary "csrf=$tok&WS-VoucherNumber=GUT-3" "$shop/ws_start.htm?action=voucher_add"

basket m.after m
if [ "$(reason_of m.after)" = none ] &&
    [ "$(grep -c '<tr class="line">' "$tmp/m.after.body")" = 1 ] &&
    grep -q 'name="qty" value="1"' "$tmp/m.after.body" && has_row m.after GUT-2 &&
    ! has_row m.after GUT-3; then
	ok "m: afterwards the basket is one mug and GUT-2, no error box"
else
	bad "m: afterwards the basket is one mug and GUT-2, no error box"
	show "$tmp/m.after.body" 200 | grep -i 'class="line"\|qty\|gutschein \|data-reason'
fi
"$WSV" --store "$store" list >"$tmp/list.after" 2>&1
"$WSV" --store "$store" reserved >"$tmp/reserved.after" 2>&1
if cmp -s "$tmp/list.before" "$tmp/list.after"; then
	ok "wsvoucher list is unchanged by the malformed requests"
else
	bad "wsvoucher list is unchanged by the malformed requests"
	diff "$tmp/list.before" "$tmp/list.after" | sed 's/^/#   /' | head -20
fi
if cmp -s "$tmp/reserved.before" "$tmp/reserved.after"; then
	ok "wsvoucher reserved is unchanged by the malformed requests"
else
	bad "wsvoucher reserved is unchanged by the malformed requests"
	diff "$tmp/reserved.before" "$tmp/reserved.after" | sed 's/^/#   /' | head -20
fi

# --- 4. one single-use code, 8 baskets at once, 3 rounds ----------------------------------
for round in 1 2 3; do
	code_r=EINMAL-$round
	setup=1
	k=1
	while [ $k -le 8 ]; do
		session "r$round.$k"
		eval "tok_$k=\$tok"
		add_mug "r$round.$k" || setup=""
		[ -n "$tok" ] || setup=""
		k=$((k + 1))
	done
	if [ -n "$setup" ]; then ok "round $round: 8 baskets with mug-5"; else
		bad "round $round: 8 baskets with mug-5"; continue; fi
	cpids=""
	k=1
	while [ $k -le 8 ]; do
		t=""
		eval "t=\$tok_$k"
		curl -s --max-time 10 -b "$tmp/r$round.$k.jar" -o /dev/null \
		    -w '%{http_code}' -H "$form" \
		    --data-binary "csrf=$t&WS-VoucherNumber=$code_r" \
		    "$shop/ws_basket.htm?action=voucher_add" \
		    >"$tmp/r$round.$k.code" 2>/dev/null &
		cpids="$cpids $!"
		pids="$pids $!"
		k=$((k + 1))
	done
	for p in $cpids; do wait "$p"; done
	np=""
	for p in $pids; do
		case " $cpids " in *" $p "*) ;; *) np="$np $p" ;; esac
	done
	pids=$np
	won=0 lost=0 other=""
	k=1
	while [ $k -le 8 ]; do
		c=$(cat "$tmp/r$round.$k.code")
		basket "r$round.$k.b" "r$round.$k"
		r=$(reason_of "r$round.$k.b")
		if [ "$c" = 303 ] && [ "$r" = none ] && has_row "r$round.$k.b" "$code_r"; then
			won=$((won + 1))
		elif [ "$c" = 303 ] && [ "$r" = 19 ] && ! has_row "r$round.$k.b" "$code_r"; then
			lost=$((lost + 1))
		else
			other="$other $k:$c/$r"
		fi
		k=$((k + 1))
	done
	if [ "$won" = 1 ] && [ "$lost" = 7 ]; then
		ok "round $round: 8 parallel voucher_add of $code_r: 1 activated, 7 reason 19"
	else
		bad "round $round: 8 parallel voucher_add of $code_r: 1 activated, 7 reason 19 (won $won, lost $lost, other:$other)"
	fi
	"$WSV" --store "$store" show "$code_r" >"$tmp/show.$round" 2>&1
	n=$(awk '/^ledger:/ { l = 1; next } l && $3 == "reserve" { n++ } END { print n + 0 }' "$tmp/show.$round")
	if [ "$n" = 1 ]; then ok "round $round: the ledger of $code_r has one reserve entry"; else
		bad "round $round: the ledger of $code_r has one reserve entry (has $n)"; show "$tmp/show.$round"; fi
	"$WSV" --store "$store" reserved >"$tmp/reserved.out" 2>&1
	n=$(awk -v c="$code_r" '$1 == c { n++ } END { print n + 0 }' "$tmp/reserved.out")
	if [ "$n" = 1 ]; then ok "round $round: wsvoucher reserved lists one hold on $code_r"; else
		bad "round $round: wsvoucher reserved lists one hold on $code_r (has $n)"; show "$tmp/reserved.out"; fi
done

# --- 5. escaping of a product name -------------------------------------------------------
raw='<b>fett</b>'
esc='&lt;b&gt;fett&lt;/b&gt; &amp; '
session x
if grep -qF -- "$esc" "$tmp/x.start.body" &&
    grep -qE -- '&lt;b&gt;fett&lt;/b&gt; &amp; (&quot;|&#34;|&#x22;)Zitat(&quot;|&#34;|&#x22;)' "$tmp/x.start.body"; then
	ok "ws_start.htm shows the name <b>fett</b> & \"Zitat\" escaped"
else
	bad "ws_start.htm shows the name <b>fett</b> & \"Zitat\" escaped"; grep -n 'fett' "$tmp/x.start.body" | sed 's/^/#   /'
fi
if grep -qF -- "$raw" "$tmp/x.start.body" || grep -qF -- '"Zitat"' "$tmp/x.start.body"; then
	bad "ws_start.htm never has the name raw"; grep -n 'fett\|Zitat' "$tmp/x.start.body" | sed 's/^/#   /'
else
	ok "ws_start.htm never has the name raw"
fi
post x.add x ws_basket.htm add "csrf=$tok&product=xss-1&qty=1"
basket x.b x
if grep -qF -- "$esc" "$tmp/x.b.body" && ! grep -qF -- "$raw" "$tmp/x.b.body" &&
    ! grep -qF -- '"Zitat"' "$tmp/x.b.body"; then
	ok "ws_basket.htm (line, label, notice) has the name escaped only"
else
	bad "ws_basket.htm (line, label, notice) has the name escaped only"; grep -n 'fett\|Zitat' "$tmp/x.b.body" | sed 's/^/#   /'
fi

finish
