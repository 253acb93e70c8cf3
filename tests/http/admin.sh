#!/bin/sh
# tests/http/admin.sh - the operator's pages below /admin (doc/admin.md)
# through a real lighttpd: no page without login, login with its CSRF
# token, the WSADMIN cookie and the new id at login, CSRF on every
# action, code search, a code with its ledger, the reserved codes (a POS
# hold and a webshop basket) with release and invalidate, charges with
# their CSV download, bad charge inputs, logout, escaping, the shop's
# pages and cookie kept apart, and the idle and maximum session times.
# Automake TESTS entry; exit 77 = skipped (no lighttpd, curl or
# wsvoucher.fcgi).
set -u

TEST_NAME='admin'
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
command -v lighttpd >/dev/null 2>&1 || skip "lighttpd not found"
# also when the output is cut (| head) or the terminal goes: no servers left
trap 'cleanup; exit 1' INT TERM HUP PIPE
lighttpd_pid=""

finish() {
	if [ "$failed" != 0 ]; then
		show_logs "$tmp/fcgi.log" "$tmp/lighttpd.log"
	fi
	verdict
}
fatal() {	# a setup step failed: nothing after it can run
	# (web_up's tries of start_lighttpd only note it)
	if [ -n "${soft_fatal:-}" ]; then soft_failed=1; return 0; fi
	bad "$1"
	show_logs "$tmp/lighttpd.log" "$tmp/err"
	finish
}

# --- a. operator, API key, config, store, vouchers ---------------------------
store="$tmp/store"
conf="$tmp/shop.config"
tpl="$tmp/templates"
mkdir -p "$tmp/mail" "$tpl"
cp "$srcdir"/templates/*.htm "$tpl"/ || fatal "copy the shipped templates"

PASSWORD='Geheim-Passwort-1'
# failed logins per client address in 15 minutes (section 3 fails 3 times,
# section 15 the rest)
PER_ADDRESS=6
OPNAME='Anna <script>"O'"'"'Neil"</script>'
OPNAME_ESC='Anna &lt;script&gt;&quot;O&#39;Neil&quot;&lt;/script&gt;'
printf '%s\n' "$PASSWORD" | "$WSV" passwd >"$tmp/hash" 2>"$tmp/err" ||
    fatal "wsvoucher passwd"
hash=$(cat "$tmp/hash")
case $hash in
'$'?*) ok "wsvoucher passwd prints a crypt hash" ;;
*) fatal "wsvoucher passwd prints a crypt hash (got '$hash')" ;;
esac
"$WSV" apikey pos-1 "check, reserve, redeem, cancel" >"$tmp/apikey.out" 2>"$tmp/err" ||
    fatal "wsvoucher apikey pos-1"
apikey=$(sed -n 's/.*Authorization: Bearer \([^[:space:]]*\).*/\1/p' "$tmp/apikey.out" | head -n 1)
[ -n "$apikey" ] || fatal "wsvoucher apikey prints NAME:KEY"

cat >"$conf" <<CFG
<Voucher-Txt>
ExternalVouchers-Allow = yes
Store-Directory = $store
Store-Durable = no
FailedAttempts-PerSession = 100
FailedAttempts-PerAddress = $PER_ADDRESS
FailedAttempts-WindowMinutes = 15
</Voucher-Txt>
<Shop-Checkout>
Shipping = 0,00
PaymentMethods = invoice
Payment-Secret = admin-test-secret-0123456789abcdef0123456789
Mail-Spool = $tmp/mail
</Shop-Checkout>
<Shop-Products>
pen-1 = 1,00 | 19 | eligible | Kugelschreiber
</Shop-Products>
<Voucher-API>
$(grep '^pos-1 = sha256:' "$tmp/apikey.out")
</Voucher-API>
<Voucher-Admin>
anna = $hash | $OPNAME
</Voucher-Admin>
CFG
"$WSV" check-config "$conf" >"$tmp/out" 2>&1 || { cat "$tmp/out" >>"$tmp/err"; fatal "wsvoucher check-config"; }
"$WSV" --store "$store" init >"$tmp/out" 2>"$tmp/err" || fatal "wsvoucher init"
# XCODE: a code with markup and both quotes (import keeps it as written)
XCODE='X<script>"Q'"'"
XCODE_ESC='X&lt;script&gt;&quot;Q&#39;'
XCODE_URL='X%3Cscript%3E%22Q%27'
{
	echo "Number;Amount;Type;Type2"
	for c in POS-1 WEB-1 REL-1 INV-1 INV-2 SUCHE-1 SUCHE-2 SUCHX-3; do
		echo "$c;30,00;Standard_RemainderReusable;purchased"
	done
	echo '"X<script>""Q'"'"'";10,00;Standard_RemainderReusable;purchased'
} >"$tmp/vouchers.csv"
"$WSV" --store "$store" --config "$conf" import "$tmp/vouchers.csv" \
    >"$tmp/out" 2>"$tmp/err" || fatal "wsvoucher import"
"$WSV" --store "$store" show "$XCODE" >"$tmp/out" 2>"$tmp/err" ||
    fatal "the code $XCODE is in the store"
ok "operator, API key, config, store and vouchers made"

echo 0 >"$tmp/clock"
FCGI_ARGS="--test-clock $tmp/clock"
start_fcgi "$conf" "$tpl" "$store"
# start_lighttpd up to 3 times: the port pick_port found free can be taken
# by another program (another test) before lighttpd binds it
web_up() {
	try=1
	while [ $try -le 3 ]; do
		soft_fatal=1 soft_failed=""
		start_lighttpd
		soft_fatal=""
		# the answer must have come from our lighttpd, which still runs
		[ -z "$soft_failed" ] && sleep 0.2 && kill -0 "$lighttpd_pid" 2>/dev/null &&
		    return 0
		echo "# lighttpd did not start on port $port (try $try)"
		stop "$lighttpd_pid"
		try=$((try + 1))
	done
	fatal "lighttpd serves within 3 tries"
}
web_up
admin="$base/admin"
shop="$base/shop"

# --- b. helpers ------------------------------------------------------------------
# get NAME JAR URL [CURL-ARGS...]: a request with the cookie jar $tmp/JAR.jar
# (JAR - : no cookies); body $tmp/NAME.body, headers $tmp/NAME.head, the
# status in $code, the Location in $loc
get() {
	gn=$1 gj=$2 gu=$3
	shift 3
	[ "$gj" = - ] || set -- -b "$tmp/$gj.jar" -c "$tmp/$gj.jar" "$@"
	code=$(curl -s --max-time 20 -D "$tmp/$gn.head" -o "$tmp/$gn.body" \
	    -w '%{http_code}' "$@" "$gu") || code="curl-error-$?"
	loc=$(tr -d '\r' <"$tmp/$gn.head" | sed -n 's/^[Ll]ocation: *\([^[:space:]]*\).*/\1/p' | head -n 1)
}
# page NAME JAR PAGE: GET /admin/PAGE
page() { get "$1" "$2" "$admin/$3"; }
# post NAME JAR PAGE?QUERY CURL-ARGS...: a form POST to /admin/PAGE?QUERY
# (the fields as --data-urlencode NAME=VALUE)
post() {
	pn=$1 pj=$2 pp=$3
	shift 3
	get "$pn" "$pj" "$admin/$pp" "$@"
}
# the CSRF token of a page: 64 hex of the first csrf field, else empty
token_of() {
	sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$tmp/$1.body" |
	    head -n 1 | grep -E '^[0-9a-f]{64}$'
}
# the WSADMIN id in a jar or in a Set-Cookie of a head
jar_id() { awk '$6 == "WSADMIN" { print $7 }' "$tmp/$1.jar" 2>/dev/null | tail -n 1; }
set_cookie() { tr -d '\r' <"$tmp/$1.head" | grep -i '^Set-Cookie: WSADMIN=' | head -n 1; }
# want NAME STATUS [LOCATION] DESCRIPTION: one ok/bad line
want() {
	wn=$1 ws=$2
	if [ $# -ge 4 ]; then wl=$3 wd=$4; else wl="" wd=$3; fi
	if [ "$code" = "$ws" ] && { [ -z "$wl" ] || [ "$loc" = "$wl" ]; }; then
		ok "$wd -> $ws${wl:+ $wl}"
		return 0
	fi
	bad "$wd -> $ws${wl:+ $wl} (got $code${loc:+ $loc})"
	show "$tmp/$wn.head" 12
	return 1
}
# msg NAME: the one-shot message (id="message") of a page; err NAME: the error
msg() { sed -n 's/.*id="message">\([^<]*\)<.*/\1/p' "$tmp/$1.body" | head -n 1; }
err() { sed -n 's/.*id="error">\([^<]*\)<.*/\1/p' "$tmp/$1.body" | head -n 1; }
# has NAME TEXT: the page contains TEXT (fixed string)
has() { grep -qF -- "$2" "$tmp/$1.body"; }
# login JAR [LOGIN PASSWORD]: a new session in $tmp/JAR.jar logs in; then
# the search page's token in $tok (empty on failure); the POST's answer in
# $tmp/JAR.login.*
login() {
	rm -f "$tmp/$1.jar"
	page "$1.lp" "$1" admin_login.htm
	lt=$(token_of "$1.lp")
	post "$1.login" "$1" "admin_login.htm?action=login" --data-urlencode "csrf=$lt" \
	    --data-urlencode "login=${2:-anna}" --data-urlencode "password=${3:-$PASSWORD}"
	tok=""
	[ "$code" = 303 ] && [ "$loc" = admin_search.htm ] || return 1
	page "$1.s" "$1" admin_search.htm
	[ "$code" = 200 ] || return 1
	tok=$(token_of "$1.s")
	[ -n "$tok" ]
}
# the store as wsvoucher sees it
tsv() { "$WSV" --store "$store" --format tsv "$@" 2>&1; }
# field CODE N: column N of the code's row in `show` (8 state, 10 valid_until,
# 11 charge, 2 kind, 5 balance)
field() { tsv show "$1" | awk -F '\t' -v n="$2" 'NR == 2 { print $n; exit }'; }
# ledger_n CODE OP [ACTOR]: ledger entries of OP (by ACTOR)
ledger_n() {
	tsv show "$1" | awk -F '\t' -v op="$2" -v who="${3:-}" '
	    /^seq\t/ { l = 1; next }
	    l && $3 == op && (who == "" || $8 == who) { n++ }
	    END { print n + 0 }'
}
# held CODE [HOLDER]: `wsvoucher reserved` lists a hold on CODE (by HOLDER)
held() {
	tsv reserved | awk -F '\t' -v c="$1" -v h="${2:-}" \
	    'NR > 1 && $1 == c && (h == "" || $3 == h) { f = 1 } END { exit !f }'
}
# snap FILE: every voucher, every hold, the charges and some ledgers
snap() {
	{
		tsv list
		tsv reserved
		tsv charge list
		for sc in POS-1 WEB-1 REL-1 INV-1 INV-2; do tsv show "$sc"; done
	} >"$1"
}
same() {	# same DESCRIPTION FILE1 FILE2
	if cmp -s "$2" "$3"; then ok "$1"; else
		bad "$1"; diff "$2" "$3" | sed 's/^/#   /' | head -20; fi
}
# row NAME CODE-AS-IN-HTML: the <tr data-code> block of a reserved page into
# $tmp/NAME.row; its cells (code, holder, channel, amount, until) one a line
# in $tmp/NAME.cells; false when there is no such row
row() {
	awk -v c="$2" 'index($0, "<tr data-code=\"" c "\">") == 1 { r = 1 }
	    r { print } r && /<\/tr>/ { exit }' "$tmp/$1.body" >"$tmp/$1.row"
	sed -n 's/^<td[^>]*>\(.*\)<\/td>$/\1/p' "$tmp/$1.row" |
	    sed 's/<[^>]*>//g' >"$tmp/$1.cells"
	[ -s "$tmp/$1.row" ]
}
cell() { sed -n "${2}p" "$tmp/$1.cells"; }
# results NAME: the codes of a search result page, one a line
results() {
	sed -n 's/.*<td class="code"><a href="admin_code.htm?code=[^"]*">\([^<]*\)<\/a>.*/\1/p' \
	    "$tmp/$1.body"
}
# shown_time ISO: an ISO UTC time as the pages show it (shop zone Europe/Berlin)
shown_time() { TZ=Europe/Berlin date -d "$1" '+%d.%m.%Y %H:%M' 2>/dev/null; }
# api_reserve NAME CODE-AS-XML TRANSACTION AMOUNT: POST /api/reserve
api_reserve() {
	printf '<reserve xmlns="urn:wsvoucher:api:1"><code>%s</code><transaction>%s</transaction><amount>%s</amount></reserve>' \
	    "$2" "$3" "$4" >"$tmp/$1.req"
	get "$1" - "$base/api/reserve" -H "Authorization: Bearer $apikey" \
	    -H 'Content-Type: application/xml' -H "Idempotency-Key: $1" \
	    --data-binary "@$tmp/$1.req"
	[ "$code" = 200 ] && grep -q 'result="done"' "$tmp/$1.body"
}

# --- 1. nothing without login -----------------------------------------------------
for p in admin_search.htm admin_search.htm?q=POS admin_reserved.htm \
    admin_code.htm?code=POS-1 admin_charge.htm charge.csv?id=C1 charge.csv; do
	page n0 - "$p"
	want n0 303 admin_login.htm "without login GET /admin/$p"
	if has n0 POS-1 || has n0 '<table'; then
		bad "the redirect of /admin/$p shows no data"; show "$tmp/n0.body"
	fi
done
page n1 - ""
want n1 303 /admin/admin_search.htm "GET /admin/"
page n2 - ws_start.htm
want n2 404 "GET /admin/ws_start.htm (a shop page below /admin)"
page n3 - nope.htm
want n3 404 "GET /admin/nope.htm"
get n4 - "$admin/admin_search.htm" -X PUT
want n4 405 "PUT /admin/admin_search.htm"
# the pages' one stylesheet: for everyone, it holds no data
page n5 - admin.css
want n5 200 "GET /admin/admin.css without login"
tr -d '\r' <"$tmp/n5.head" | grep -qi '^Content-Type: text/css' && has n5 'font-family' &&
    ok "admin.css is the pages' stylesheet (text/css)" ||
    { bad "admin.css is the pages' stylesheet (text/css)"; show "$tmp/n5.head"; }
get n6 - "$admin/admin.css" -X POST --data x=1
want n6 405 "POST /admin/admin.css"

# --- 2. the login page and its session ------------------------------------------------
rm -f "$tmp/a.jar"
page lp a admin_login.htm
want lp 200 "GET /admin/admin_login.htm"
has lp '<link rel="stylesheet" href="admin.css">' && ok "the login page links admin.css" ||
    bad "the login page links admin.css"
sc=$(set_cookie lp)
case $sc in
*"WSADMIN="*) ok "the login page sets a WSADMIN cookie" ;;
*) bad "the login page sets a WSADMIN cookie"; show "$tmp/lp.head" ;;
esac
echo "$sc" | grep -qE '^Set-Cookie: WSADMIN=[0-9a-f]{32};' &&
    ok "the WSADMIN id is 32 hex" || bad "the WSADMIN id is 32 hex ($sc)"
for attr in HttpOnly SameSite=Strict Path=/admin; do
	if echo "$sc" | tr ';' '\n' | sed 's/^ *//' | grep -qx "$attr"; then
		ok "the WSADMIN cookie has $attr"
	else
		bad "the WSADMIN cookie has $attr ($sc)"
	fi
done
if echo "$sc" | grep -qi 'Secure'; then
	bad "over plain HTTP the cookie has no Secure ($sc)"
else
	ok "over plain HTTP the cookie has no Secure"
fi
# hdr NAME HEADER: the values of HEADER in a head, one a line
hdr() { tr -d '\r' <"$tmp/$1.head" | sed -n "s/^$2: *//Ip"; }
xfo=$(hdr lp X-Frame-Options)
case $xfo in
DENY | SAMEORIGIN) ok "the admin pages have one X-Frame-Options ($xfo)" ;;
*) bad "the admin pages have one X-Frame-Options: DENY or SAMEORIGIN (got '$(echo "$xfo" | tr '\n' '|')')" ;;
esac
[ "$(hdr lp Cache-Control)" = no-store ] && ok "the admin pages have one Cache-Control: no-store" ||
    bad "the admin pages have one Cache-Control: no-store (got '$(hdr lp Cache-Control | tr '\n' '|')')"
anon_id=$(jar_id a)
lt=$(token_of lp)
[ -n "$lt" ] && ok "the login form carries a 64-hex CSRF token" ||
    { bad "the login form carries a 64-hex CSRF token"; show "$tmp/lp.body" 60; }
has lp "$OPNAME_ESC" && bad "the login page does not name the operator" ||
    ok "the login page does not name the operator"
page lp2 a admin_login.htm
if [ -z "$(set_cookie lp2)" ] && [ "$(jar_id a)" = "$anon_id" ] &&
    [ "$(token_of lp2)" = "$lt" ]; then
	ok "a second visit keeps the session and its token (no new cookie)"
else
	bad "a second visit keeps the session and its token (no new cookie)"; show "$tmp/lp2.head"
fi

# another anonymous session for a foreign token
rm -f "$tmp/o.jar"
page olp o admin_login.htm
other_tok=$(token_of olp)
[ -n "$other_tok" ] && [ "$other_tok" != "$lt" ] &&
    ok "another session has another token" || bad "another session has another token"

# --- 3. login: CSRF, wrong password, right password ----------------------------------
# lfail NAME DESCRIPTION CURL-ARGS...: a login POST that must be refused 403
lfail() {
	ln=$1 ld=$2
	shift 2
	post "$ln" a "admin_login.htm?action=login" --data-urlencode login=anna \
	    --data-urlencode "password=$PASSWORD" "$@"
	want "$ln" 403 "login $ld"
	if [ -n "$(set_cookie "$ln")" ]; then bad "login $ld sets no cookie"; show "$tmp/$ln.head"; fi
}
lfail l1 "without a CSRF token"
lfail l2 "with another session's token" --data-urlencode "csrf=$other_tok"
lfail l3 "with the token and 2 hex more" --data-urlencode "csrf=${lt}00"
lfail l4 "with the token less its last hex" --data-urlencode "csrf=$(printf '%s' "$lt" | cut -c 1-63)"
lfail l5 "with an empty token" --data-urlencode "csrf="
get l6 - "$admin/admin_login.htm?action=login" --data-urlencode "csrf=$lt" \
    --data-urlencode login=anna --data-urlencode "password=$PASSWORD"
want l6 403 "login with a valid token but no cookie"
page l7 a admin_search.htm
want l7 303 admin_login.htm "after the refused logins the session is still not logged in"

post l8 a "admin_login.htm?action=login" --data-urlencode "csrf=$lt" \
    --data-urlencode login=anna --data-urlencode password=falsch-falsch
want l8 303 admin_login.htm "login with a wrong password"
[ -z "$(set_cookie l8)" ] && ok "the failed login sets no cookie (no new session)" ||
    { bad "the failed login sets no cookie (no new session)"; show "$tmp/l8.head"; }
page l9 a admin_login.htm
if [ "$code" = 200 ] && [ "$(err l9)" = "Anmeldung fehlgeschlagen." ]; then
	ok "the login page then says Anmeldung fehlgeschlagen."
else
	bad "the login page then says Anmeldung fehlgeschlagen. (got $code, '$(err l9)')"
fi
page l10 a admin_login.htm
[ -z "$(err l10)" ] && ok "the error is shown once" || bad "the error is shown once"
page l11 a admin_search.htm
want l11 303 admin_login.htm "after the wrong password admin_search.htm"
post l12 a "admin_login.htm?action=login" --data-urlencode "csrf=$lt" \
    --data-urlencode login=niemand --data-urlencode "password=$PASSWORD"
want l12 303 admin_login.htm "login with an unknown login"
page l13 a admin_login.htm
[ "$(err l13)" = "Anmeldung fehlgeschlagen." ] &&
    ok "an unknown login gets the same message" ||
    bad "an unknown login gets the same message (got '$(err l13)')"
post l14 a "admin_login.htm?action=login" --data-urlencode "csrf=$lt" \
    --data-urlencode login=anna --data-urlencode password=
want l14 303 admin_login.htm "login with an empty password"
page l14b a admin_search.htm
want l14b 303 admin_login.htm "and still not logged in"

cp "$tmp/a.jar" "$tmp/before-login.jar"
post l15 a "admin_login.htm?action=login" --data-urlencode "csrf=$lt" \
    --data-urlencode login=anna --data-urlencode "password=$PASSWORD"
want l15 303 admin_search.htm "login with the right password"
sc=$(set_cookie l15)
new_id=$(jar_id a)
if echo "$sc" | grep -qE '^Set-Cookie: WSADMIN=[0-9a-f]{32};' && [ -n "$new_id" ] &&
    [ "$new_id" != "$anon_id" ]; then
	ok "the login sets a new session id ($anon_id -> $new_id)"
else
	bad "the login sets a new session id (was $anon_id, now '$new_id')"; show "$tmp/l15.head"
fi
for attr in HttpOnly SameSite=Strict Path=/admin; do
	if echo "$sc" | tr ';' '\n' | sed 's/^ *//' | grep -qx "$attr"; then
		ok "the new cookie has $attr"
	else
		bad "the new cookie has $attr ($sc)"
	fi
done
page s1 a admin_search.htm
want s1 200 "logged in: admin_search.htm"
tok=$(token_of s1)
if [ -n "$tok" ] && [ "$tok" != "$lt" ]; then
	ok "the new session has a new token"
else
	bad "the new session has a new token"
fi
has s1 "$OPNAME_ESC" && ok "the page names the operator, escaped" ||
    { bad "the page names the operator, escaped"; grep -n 'class="who"' "$tmp/s1.body" | sed 's/^/#   /'; }
get s2 before-login "$admin/admin_search.htm"
want s2 303 admin_login.htm "the id from before the login opens nothing"
page s3 a admin_login.htm
want s3 303 admin_search.htm "logged in: admin_login.htm"
# a second session of the same operator, for a foreign token below
login b && ok "a second session of anna logs in" || bad "a second session of anna logs in"
tok_b=$tok
tok=$(token_of s1)
[ "$tok_b" != "$tok" ] && ok "two sessions, two tokens" || bad "two sessions, two tokens"

# --- 4. search -----------------------------------------------------------------------
page q1 a "admin_search.htm?q=SUCHE"
if [ "$code" = 200 ] && [ "$(results q1 | tr '\n' ' ')" = "SUCHE-1 SUCHE-2 " ] &&
    has q1 '2 Treffer'; then
	ok "search SUCHE finds SUCHE-1 and SUCHE-2 (2 Treffer)"
else
	bad "search SUCHE finds SUCHE-1 and SUCHE-2 (got $code: $(results q1 | tr '\n' ' '))"
fi
page q2 a "admin_search.htm?q=SUCH"
[ "$(results q2 | tr '\n' ' ')" = "SUCHE-1 SUCHE-2 SUCHX-3 " ] &&
    ok "search SUCH finds SUCHE-1, SUCHE-2 and SUCHX-3" ||
    bad "search SUCH finds SUCHE-1, SUCHE-2 and SUCHX-3 (got $(results q2 | tr '\n' ' '))"
page q3 a "admin_search.htm?q=SUCHE-2"
[ "$(results q3 | tr '\n' ' ')" = "SUCHE-2 " ] && ok "search SUCHE-2 finds just it" ||
    bad "search SUCHE-2 finds just it (got $(results q3 | tr '\n' ' '))"
page q4 a "admin_search.htm?q=NICHTDA"
if [ "$code" = 200 ] && [ -z "$(results q4)" ] && has q4 '0 Treffer'; then
	ok "search NICHTDA: 0 Treffer"
else
	bad "search NICHTDA: 0 Treffer (got $code: $(results q4 | tr '\n' ' '))"
fi
page q5 a "admin_search.htm?q=SUCHE" && grep -q 'class="num">30,00 EUR' "$tmp/q5.body" &&
    grep -q '<td>active</td>' "$tmp/q5.body" &&
    ok "the result rows show state and balance" ||
    bad "the result rows show state and balance"
page q6 a "admin_search.htm?q=suche"
[ "$(results q6 | tr '\n' ' ')" = "SUCHE-1 SUCHE-2 " ] &&
    ok "search suche (lower case) finds SUCHE-1 and SUCHE-2" ||
    bad "search suche (lower case) finds SUCHE-1 and SUCHE-2 (got $(results q6 | tr '\n' ' '))"
page q7 a "admin_search.htm"
if [ "$code" = 200 ] && ! grep -q 'id="results"' "$tmp/q7.body"; then
	ok "the search page without a query shows no result table"
else
	bad "the search page without a query shows no result table ($code)"
fi

# --- 5. a code page with data and ledger ------------------------------------------------
page c1 a "admin_code.htm?code=POS-1"
if [ "$code" = 200 ] && has c1 'id="code">POS-1<' && has c1 'id="state">active<' &&
    has c1 'id="balance">30,00 EUR<'; then
	ok "admin_code.htm?code=POS-1 shows the code, state active, balance 30,00 EUR"
else
	bad "admin_code.htm?code=POS-1 shows the code, state active, balance 30,00 EUR ($code)"
	sed -n '/<main/,/<\/table>/p' "$tmp/c1.body" | sed 's/^/#   /' | head -20
fi
if grep -q '<td class="num">1</td><td>[0-9.]* [0-9:]*</td><td>issue</td><td class="num">30,00 EUR</td>.*<td>cli:' "$tmp/c1.body"; then
	ok "the ledger shows entry 1: issue 30,00 EUR by cli:..."
else
	bad "the ledger shows entry 1: issue 30,00 EUR by cli:..."; grep -n '<td class="num">1</td>' "$tmp/c1.body" | sed 's/^/#   /'
fi
page c2 a "admin_code.htm?code=NOPE-1"
if [ "$code" = 200 ] && has c2 'Unbekannter Code' && ! has c2 'id="ledger"'; then
	ok "an unknown code: Unbekannter Code, no ledger"
else
	bad "an unknown code: Unbekannter Code, no ledger ($code)"
fi

# --- 6. holds: POS (API) and webshop basket --------------------------------------------
api_reserve r1 POS-1 T-1 5.00 && ok "the API reserves 5.00 of POS-1 (T-1)" ||
    { bad "the API reserves 5.00 of POS-1 (T-1) ($code)"; show "$tmp/r1.body"; }
api_reserve r2 REL-1 T-2 7.50 && ok "the API reserves 7.50 of REL-1 (T-2)" ||
    { bad "the API reserves 7.50 of REL-1 (T-2) ($code)"; show "$tmp/r2.body"; }
api_reserve r3 'X&lt;script&gt;"Q'"'" T-3 1.00 && ok "the API reserves 1.00 of $XCODE (T-3)" ||
    { bad "the API reserves 1.00 of $XCODE (T-3) ($code)"; show "$tmp/r3.body"; }
# a visitor puts a pen into the basket and enters WEB-1
rm -f "$tmp/w.jar"
get w0 w "$shop/ws_start.htm"
wt=$(token_of w0)
get w1 w "$shop/ws_basket.htm?action=add" --data-urlencode "csrf=$wt" -d product=pen-1 -d qty=1
get w2 w "$shop/ws_basket.htm?action=voucher_add" --data-urlencode "csrf=$wt" \
    --data-urlencode WS-VoucherNumber=WEB-1
held WEB-1 && ok "a webshop basket holds WEB-1" || { bad "a webshop basket holds WEB-1"; tsv reserved | sed 's/^/#   /'; }
tsv reserved >"$tmp/reserved.tsv"
basket_id=$(awk -F '\t' '$1 == "WEB-1" { print $3 }' "$tmp/reserved.tsv")
pos_until=$(awk -F '\t' '$1 == "POS-1" { print $8 }' "$tmp/reserved.tsv")
web_until=$(awk -F '\t' '$1 == "WEB-1" { print $8 }' "$tmp/reserved.tsv")

page h1 a admin_reserved.htm
want h1 200 "admin_reserved.htm"
n=$(grep -c '^<tr data-code=' "$tmp/h1.body")
[ "$n" = 4 ] && has h1 'in einem Warenkorb aktiviert: 4' && ok "the list has 4 held codes" ||
    { bad "the list has 4 held codes (has $n rows)"; grep -n 'data-code\|aktiviert:' "$tmp/h1.body" | sed 's/^/#   /'; }
if row h1 POS-1; then
	want_t=$(shown_time "$pos_until")
	if [ "$(cell h1 2)" = "pos:pos-1:T-1" ] && [ "$(cell h1 3)" = pos ] &&
	    [ "$(cell h1 4)" = "5,00 EUR" ] && [ -n "$want_t" ] && [ "$(cell h1 5)" = "$want_t" ]; then
		ok "POS-1: holder pos:pos-1:T-1, channel pos, 5,00 EUR, until $want_t"
	else
		bad "POS-1: holder pos:pos-1:T-1, channel pos, 5,00 EUR, until $want_t (got $(tr '\n' '|' <"$tmp/h1.cells"))"
	fi
else
	bad "the list has a row for POS-1"
fi
if row h1 WEB-1; then
	want_t=$(shown_time "$web_until")
	if [ -n "$basket_id" ] && [ "$(cell h1 2)" = "$basket_id" ] && [ "$(cell h1 3)" = web ] &&
	    [ "$(cell h1 4)" = "1,00 EUR" ] && [ -n "$want_t" ] && [ "$(cell h1 5)" = "$want_t" ]; then
		ok "WEB-1: holder the basket $basket_id, channel web, 1,00 EUR, until $want_t"
	else
		bad "WEB-1: holder the basket '$basket_id', channel web, 1,00 EUR, until $want_t (got $(tr '\n' '|' <"$tmp/h1.cells"))"
	fi
else
	bad "the list has a row for WEB-1"
fi
if row h1 "$XCODE_ESC" && [ "$(cell h1 1)" = "$XCODE_ESC" ] &&
    grep -qF "href=\"admin_code.htm?code=$XCODE_URL\"" "$tmp/h1.row" &&
    grep -qF "name=\"code\" value=\"$XCODE_ESC\"" "$tmp/h1.row"; then
	ok "the row of $XCODE: code escaped in text, attribute and link"
else
	bad "the row of $XCODE: code escaped in text, attribute and link"; show "$tmp/h1.row"
fi
page c3 a "admin_code.htm?code=POS-1"
if has c3 'Reserviert bis' &&
    grep -q '<td>reserve</td>.*<td class="num">5,00 EUR</td>.*<td>pos</td><td>api:pos-1</td><td>T-1</td>' "$tmp/c3.body"; then
	ok "POS-1's page: Reserviert bis, the ledger's reserve 5,00 EUR by api:pos-1 (T-1)"
else
	bad "POS-1's page: Reserviert bis, the ledger's reserve 5,00 EUR by api:pos-1 (T-1)"
	grep -n 'Reserviert\|<td>reserve' "$tmp/c3.body" | sed 's/^/#   /'
fi

# --- 7. CSRF on every action ------------------------------------------------------------
snap "$tmp/csrf.before"
# refused NAME PAGE?QUERY DESCRIPTION CURL-ARGS...: a POST that must be 403
refused() {
	rn=$1 rp=$2 rd=$3
	shift 3
	post "$rn" a "$rp" "$@"
	want "$rn" 403 "$rd"
}
for t in none foreign long short; do
	case $t in
	none) set -- ;;
	foreign) set -- --data-urlencode "csrf=$tok_b" ;;
	long) set -- --data-urlencode "csrf=${tok}00" ;;
	short) set -- --data-urlencode "csrf=$(printf '%s' "$tok" | cut -c 1-63)" ;;
	esac
	refused "x.$t.1" "admin_reserved.htm?action=release" "release POS-1, token $t" \
	    --data-urlencode code=POS-1 "$@"
	refused "x.$t.2" "admin_reserved.htm?action=invalidate" "invalidate INV-1, token $t" \
	    --data-urlencode code=INV-1 --data-urlencode reason=Test "$@"
	refused "x.$t.3" "admin_charge.htm?action=charge" "charge of 2, token $t" \
	    -d count=2 -d amount=5,00 -d kind=promo -d type=Standard_RemainderReusable "$@"
	refused "x.$t.4" "admin_login.htm?action=logout" "logout, token $t" -d x=1 "$@"
done
# the right token with no cookie, and the token with the other session's cookie
get x5 - "$admin/admin_reserved.htm?action=release" --data-urlencode "csrf=$tok" \
    --data-urlencode code=POS-1
want x5 403 "release POS-1 with a valid token but no cookie"
get x6 b "$admin/admin_reserved.htm?action=release" --data-urlencode "csrf=$tok" \
    --data-urlencode code=POS-1
want x6 403 "release POS-1 with session a's token and session b's cookie"
snap "$tmp/csrf.after"
same "the refused actions changed nothing (vouchers, holds, charges, ledgers)" \
    "$tmp/csrf.before" "$tmp/csrf.after"
page x7 a admin_search.htm
want x7 200 "after the refused logout the session is still logged in"
# not logged in, with the anonymous session's own valid token: no action runs
rm -f "$tmp/n.jar"
page na n admin_login.htm
nt=$(token_of na)
post nb n "admin_reserved.htm?action=release" --data-urlencode "csrf=$nt" --data-urlencode code=POS-1
want nb 303 admin_login.htm "not logged in, release with a valid token"
post nc n "admin_charge.htm?action=charge" --data-urlencode "csrf=$nt" \
    -d count=2 -d amount=5,00 -d kind=promo -d type=Standard_RemainderReusable
want nc 303 admin_login.htm "not logged in, charge with a valid token"
post nd n "admin_reserved.htm?action=invalidate" --data-urlencode "csrf=$nt" \
    --data-urlencode code=INV-1 --data-urlencode reason=Test
want nd 303 admin_login.htm "not logged in, invalidate with a valid token"
snap "$tmp/anon.after"
same "the actions without login changed nothing" "$tmp/csrf.before" "$tmp/anon.after"
post ne a "admin_reserved.htm?action=nope" --data-urlencode "csrf=$tok" -d code=POS-1
want ne 400 "an unknown action"
post nf a "admin_reserved.htm" --data-urlencode "csrf=$tok" -d code=POS-1
want nf 400 "a POST without action"
post ng a "admin_reserved.htm?action=release" -H 'Content-Type: text/plain' \
    --data-binary "csrf=$tok&code=POS-1"
want ng 400 "release posted as text/plain"
post nh a "admin_nope.htm?action=release" --data-urlencode "csrf=$tok" -d code=POS-1
want nh 404 "release posted to a page that does not exist"
held POS-1 && ok "POS-1 is still held" || bad "POS-1 is still held"

# --- 8. release ---------------------------------------------------------------------------
post rl1 a "admin_reserved.htm?action=release" --data-urlencode "csrf=$tok" --data-urlencode code=POS-1
want rl1 303 admin_reserved.htm "release POS-1 from the list"
page rl2 a admin_reserved.htm
[ "$(msg rl2)" = "POS-1 ist freigegeben." ] && ok "the list says POS-1 ist freigegeben." ||
    bad "the list says POS-1 ist freigegeben. (got '$(msg rl2)', error '$(err rl2)')"
row rl2 POS-1 && bad "POS-1 is gone from the list" || ok "POS-1 is gone from the list"
row rl2 WEB-1 && ok "WEB-1 is still on the list" || bad "WEB-1 is still on the list"
page rl3 a admin_reserved.htm
[ -z "$(msg rl3)" ] && ok "the message is shown once" || bad "the message is shown once"
held POS-1 && bad "the store has no hold on POS-1" || ok "the store has no hold on POS-1"
[ "$(ledger_n POS-1 release admin:anna)" = 1 ] &&
    ok "POS-1's ledger has one release entry by admin:anna" ||
    { bad "POS-1's ledger has one release entry by admin:anna"; tsv show POS-1 | sed 's/^/#   /'; }
page rl4 a "admin_code.htm?code=POS-1"
grep -q '<td>release</td>.*<td>operator</td><td>admin:anna</td>' "$tmp/rl4.body" &&
    ok "POS-1's page lists the release by admin:anna (channel operator)" ||
    { bad "POS-1's page lists the release by admin:anna (channel operator)"; grep -n '<td>release' "$tmp/rl4.body" | sed 's/^/#   /'; }
has rl4 'Reserviert bis' && bad "POS-1's page shows no Reserviert bis any more" ||
    ok "POS-1's page shows no Reserviert bis any more"
# the basket's hold
post rl5 a "admin_reserved.htm?action=release" --data-urlencode "csrf=$tok" --data-urlencode code=WEB-1
want rl5 303 admin_reserved.htm "release WEB-1 (a basket's hold)"
held WEB-1 && bad "the store has no hold on WEB-1" || ok "the store has no hold on WEB-1"
[ "$(ledger_n WEB-1 release admin:anna)" = 1 ] &&
    ok "WEB-1's ledger has one release entry by admin:anna" || bad "WEB-1's ledger has one release entry by admin:anna"
# from the code page: back to that code's page
post rl6 a "admin_code.htm?action=release&code=REL-1" --data-urlencode "csrf=$tok" --data-urlencode code=REL-1
if [ "$code" = 303 ]; then ok "release REL-1 from its page -> 303"; else bad "release REL-1 from its page -> 303 (got $code)"; fi
held REL-1 && bad "the store has no hold on REL-1" || ok "the store has no hold on REL-1"
case $loc in
admin_code.htm\?code=REL-1 | admin_code.htm\?*\&code=REL-1 | /admin/admin_code.htm\?code=REL-1)
	ok "the release from REL-1's page leads back to it ($loc)" ;;
*) bad "the release from REL-1's page leads back to it: Location admin_code.htm?code=REL-1 (got '$loc')" ;;
esac
page rl7 a "${loc:-admin_code.htm}"
[ "$(msg rl7)" = "REL-1 ist freigegeben." ] && ok "then the page says REL-1 ist freigegeben." ||
    bad "then the page says REL-1 ist freigegeben. (got '$(msg rl7)')"
post rl8 a "admin_reserved.htm?action=release" --data-urlencode "csrf=$tok" --data-urlencode code=NOPE-1
page rl9 a admin_reserved.htm
case $(err rl9) in
"NOPE-1: nicht freigegeben"*) ok "release of an unknown code: $(err rl9)" ;;
*) bad "release of an unknown code: an error (got '$(err rl9)', message '$(msg rl9)')" ;;
esac

# --- 9. invalidate ------------------------------------------------------------------------
snap "$tmp/inv.before"
post iv1 a "admin_reserved.htm?action=invalidate" --data-urlencode "csrf=$tok" --data-urlencode code=INV-1
want iv1 303 admin_reserved.htm "invalidate INV-1 without a reason"
page iv2 a admin_reserved.htm
case $(err iv2) in
"Bitte einen Grund"*) ok "the list says: $(err iv2)" ;;
*) bad "the list says Bitte einen Grund ... (got '$(err iv2)')" ;;
esac
post iv3 a "admin_reserved.htm?action=invalidate" --data-urlencode "csrf=$tok" \
    --data-urlencode code=INV-1 --data-urlencode reason=
page iv4 a admin_reserved.htm
case $(err iv4) in "Bitte einen Grund"*) ok "an empty reason: the same error" ;;
*) bad "an empty reason: the same error (got '$(err iv4)')" ;; esac
post iv5 a "admin_reserved.htm?action=invalidate" --data-urlencode "csrf=$tok" \
    --data-urlencode code=INV-1 --data-urlencode "reason=$(printf '%129s' '' | tr ' ' r)"
page iv6 a admin_reserved.htm
case $(err iv6) in "Bitte einen Grund"*) ok "a reason of 129 characters: the same error" ;;
*) bad "a reason of 129 characters: the same error (got '$(err iv6)')" ;; esac
snap "$tmp/inv.after"
same "the refused invalidations changed nothing" "$tmp/inv.before" "$tmp/inv.after"
[ "$(field INV-1 8)" = active ] && ok "INV-1 is still active" || bad "INV-1 is still active ($(field INV-1 8))"

REASON='Verloren <b>"x"</b> & weg'
REASON_ESC='Verloren &lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; weg'
post iv7 a "admin_reserved.htm?action=invalidate" --data-urlencode "csrf=$tok" \
    --data-urlencode code=INV-1 --data-urlencode "reason=$REASON"
want iv7 303 admin_reserved.htm "invalidate INV-1 with a reason"
page iv8 a admin_reserved.htm
[ "$(msg iv8)" = "INV-1 ist ungültig." ] && ok "the list says INV-1 ist ungültig." ||
    bad "the list says INV-1 ist ungültig. (got '$(msg iv8)', error '$(err iv8)')"
[ "$(field INV-1 8)" = invalidated ] && ok "the store: INV-1 invalidated" ||
    bad "the store: INV-1 invalidated (got $(field INV-1 8))"
tsv show INV-1 | awk -F '\t' -v r="$REASON" '/^seq\t/ { l = 1; next }
    l && $3 == "invalidate" && $8 == "admin:anna" && $10 == r { f = 1 } END { exit !f }' &&
    ok "INV-1's ledger: invalidate by admin:anna with the reason" ||
    { bad "INV-1's ledger: invalidate by admin:anna with the reason"; tsv show INV-1 | sed 's/^/#   /'; }
page iv9 a "admin_code.htm?code=INV-1"
if has iv9 'id="state">invalidated<' && has iv9 "<td>$REASON_ESC</td>" &&
    ! has iv9 'action=invalidate'; then
	ok "INV-1's page: invalidated, the reason escaped, no invalidate form"
else
	bad "INV-1's page: invalidated, the reason escaped, no invalidate form"
	grep -n 'state\|Verloren\|action=invalidate' "$tmp/iv9.body" | sed 's/^/#   /'
fi
post iv10 a "admin_code.htm?action=invalidate&code=INV-1" --data-urlencode "csrf=$tok" \
    --data-urlencode code=INV-1 --data-urlencode "reason=noch einmal"
page iv11 a "admin_reserved.htm"
case $(err iv11) in "INV-1: nicht ungültig gemacht"*) ok "invalidating INV-1 again: $(err iv11)" ;;
*) bad "invalidating INV-1 again: an error (got '$(err iv11)', message '$(msg iv11)')" ;; esac
[ "$(ledger_n INV-1 invalidate)" = 1 ] && ok "INV-1's ledger still has one invalidate entry" ||
    bad "INV-1's ledger still has one invalidate entry"
# from the code page, INV-2, held by the POS: the hold goes too
api_reserve r4 INV-2 T-4 3.00 && held INV-2 pos:pos-1:T-4 && ok "the API reserves 3.00 of INV-2 (T-4)" ||
    { bad "the API reserves 3.00 of INV-2 (T-4) ($code)"; show "$tmp/r4.body"; }
post iv12 a "admin_code.htm?action=invalidate&code=INV-2" --data-urlencode "csrf=$tok" \
    --data-urlencode code=INV-2 --data-urlencode "reason=Kunde verzichtet"
[ "$code" = 303 ] && [ "$(field INV-2 8)" = invalidated ] &&
    ok "invalidate INV-2 from its page: invalidated" ||
    bad "invalidate INV-2 from its page: invalidated ($code, $(field INV-2 8))"
held INV-2 && bad "the invalidation released INV-2's hold" || ok "the invalidation released INV-2's hold"
ops=$(tsv show INV-2 | awk -F '\t' '/^seq\t/ { l = 1; next } l && $8 == "admin:anna" { printf "%s ", $3 }')
[ "$ops" = "release invalidate " ] && ok "INV-2's ledger by admin:anna: release, invalidate" ||
    bad "INV-2's ledger by admin:anna: release, invalidate (got '$ops')"

# --- 10. charges and their CSV ----------------------------------------------------------
LABEL='Herbst <script>"x"</script>'
LABEL_ESC='Herbst &lt;script&gt;&quot;x&quot;&lt;/script&gt;'
# charge NAME COUNT AMOUNT KIND TYPE VALID-UNTIL [LABEL]: the form's POST;
# then admin_charge.htm into NAME.page; the charge's id in $cid
charge() {
	post "$1" a "admin_charge.htm?action=charge" --data-urlencode "csrf=$tok" \
	    --data-urlencode "count=$2" --data-urlencode "amount=$3" \
	    --data-urlencode "kind=$4" --data-urlencode "type=$5" \
	    --data-urlencode "valid_until=$6" --data-urlencode "label=${7:-}"
	pcode=$code ploc=$loc
	page "$1.page" a admin_charge.htm
	cid=$(sed -n 's/.*id="charge-id">\([^<]*\)<.*/\1/p' "$tmp/$1.page.body" | head -n 1)
}
# csv NAME ID: GET charge.csv?id=ID into NAME.body
csv() { get "$1" a "$admin/charge.csv?id=$2"; }
# check_charge NAME ID COUNT AMOUNT KIND TYPE UNTIL-CSV UNTIL-ISO: the CSV
# and every code of it in the store
check_charge() {
	cn=$1 ci=$2 cc=$3
	csv "$cn" "$ci"
	if [ "$code" = 200 ] && tr -d '\r' <"$tmp/$cn.head" | grep -qi '^Content-Type: text/csv' &&
	    tr -d '\r' <"$tmp/$cn.head" | grep -qi "^Content-Disposition: attachment; filename=\"charge-$ci.csv\""; then
		ok "charge.csv?id=$ci: 200, text/csv, attachment charge-$ci.csv"
	else
		bad "charge.csv?id=$ci: 200, text/csv, attachment charge-$ci.csv (got $code)"; show "$tmp/$cn.head"
	fi
	[ "$(hdr "$cn" Cache-Control)" = no-store ] && ok "the CSV has one Cache-Control: no-store" ||
	    bad "the CSV has one Cache-Control: no-store (got '$(hdr "$cn" Cache-Control | tr '\n' '|')')"
	tr -d '\r' <"$tmp/$cn.body" >"$tmp/$cn.csv"
	[ "$(head -n 1 "$tmp/$cn.csv")" = "Number;Amount;AmountType;Type;Type2;State;ValidUntil;ChargeId" ] &&
	    ok "the CSV's first line names the columns" ||
	    bad "the CSV's first line names the columns (got '$(head -n 1 "$tmp/$cn.csv")')"
	rows=$(($(wc -l <"$tmp/$cn.csv") - 1))
	[ "$rows" = "$cc" ] && ok "the CSV has exactly $cc rows" || bad "the CSV has exactly $cc rows (has $rows)"
	want_rest=";$4;absolute;$6;$5;active;$7;$ci"
	nbad=$(tail -n +2 "$tmp/$cn.csv" | awk -F ';' -v r="$want_rest" '{ c = $1; sub(/^[^;]*/, ""); if ($0 != r || c == "") n++ } END { print n + 0 }')
	[ "$nbad" = 0 ] && ok "every row is CODE$want_rest" ||
	    { bad "every row is CODE$want_rest ($nbad are not)"; sed -n 2,4p "$tmp/$cn.csv" | sed 's/^/#   /'; }
	tail -n +2 "$tmp/$cn.csv" | cut -d ';' -f 1 | sort >"$tmp/$cn.codes"
	[ "$(sort -u "$tmp/$cn.codes" | wc -l)" = "$cc" ] && ok "the $cc codes differ" || bad "the $cc codes differ"
	tsv list --charge "$ci" --limit 20000 | awk -F '\t' 'NR > 1 { print $1 }' | sort >"$tmp/$cn.list"
	same "the CSV's codes are the charge's codes in the store (wsvoucher list --charge)" \
	    "$tmp/$cn.codes" "$tmp/$cn.list"
}
# check_codes NAME KIND BALANCE UNTIL-ISO: `wsvoucher show` of every code
check_codes() {
	nmiss=0 nwrong=0 wrong=""
	while read -r c; do
		if ! "$WSV" --store "$store" --format tsv show "$c" >"$tmp/show.out" 2>&1; then
			nmiss=$((nmiss + 1))
			continue
		fi
		got=$(awk -F '\t' 'NR == 2 { print $2 "|" $5 "|" $10 "|" $11 }' "$tmp/show.out")
		if [ "$got" != "$2|$3|$4|$cid" ]; then nwrong=$((nwrong + 1)); wrong="$got"; fi
	done <"$tmp/$1.codes"
	[ "$nmiss" = 0 ] && ok "wsvoucher show finds every code of the CSV" ||
	    bad "wsvoucher show finds every code of the CSV ($nmiss missing)"
	[ "$nwrong" = 0 ] && ok "every code: kind $2, balance $3, valid_until $4, charge $cid" ||
	    bad "every code: kind $2, balance $3, valid_until $4, charge $cid ($nwrong not, e.g. $wrong)"
}
tsv charge list >"$tmp/charges.0"
charge ch1 3 25,00 promo Standard_RemainderExpires 2027-12-31 "$LABEL"
if [ "$pcode" = 303 ] && [ "$ploc" = admin_charge.htm ]; then ok "charge of 3 x 25,00 promo -> 303 admin_charge.htm"; else
	bad "charge of 3 x 25,00 promo -> 303 admin_charge.htm (got $pcode $ploc)"; fi
case $(msg ch1.page) in
"Charge $cid mit 3 Codes angelegt.") [ -n "$cid" ] && ok "the page says Charge $cid mit 3 Codes angelegt." ||
    bad "the page names the charge" ;;
*) bad "the page says Charge ID mit 3 Codes angelegt. (got '$(msg ch1.page)', error '$(err ch1.page)')" ;;
esac
has ch1.page "href=\"charge.csv?id=$cid\"" && ok "the page links charge.csv?id=$cid" ||
    bad "the page links charge.csv?id=$cid"
tsv charge list | awk -F '\t' -v id="$cid" '$1 == id && $2 == "admin:anna" && $5 == 3 { f = 1 } END { exit !f }' &&
    ok "wsvoucher charge list: $cid by admin:anna, 3 codes" ||
    { bad "wsvoucher charge list: $cid by admin:anna, 3 codes"; tsv charge list | sed 's/^/#   /'; }
cid1=$cid
check_charge ch1.csv "$cid1" 3 25,00 promo Standard_RemainderExpires 2027-12-31
cid=$cid1
check_codes ch1.csv promo 25.00 2027-12-31
c1=$(head -n 1 "$tmp/ch1.csv.codes")
[ "$(ledger_n "$c1" issue admin:anna)" = 1 ] && ok "$c1's ledger: issue by admin:anna" ||
    bad "$c1's ledger: issue by admin:anna"
page ch1.code a "admin_code.htm?code=$c1"
has ch1.code "Charge</th><td>$cid1 $LABEL_ESC</td>" &&
    ok "$c1's page: the charge with its label escaped" ||
    { bad "$c1's page: the charge with its label escaped"; grep -n 'Charge</th>' "$tmp/ch1.code.body" | sed 's/^/#   /'; }
has ch1.code 'Gültig bis</th><td>31.12.2027<' && ok "$c1's page: Gültig bis 31.12.2027" ||
    { bad "$c1's page: Gültig bis 31.12.2027"; grep -n 'Gültig bis</th>' "$tmp/ch1.code.body" | sed 's/^/#   /'; }
page ch1.again a admin_charge.htm
has ch1.again 'id="charge-id"' && bad "the charge is shown once only" || ok "the charge is shown once only"

charge ch2 2 10,00 value Standard_RemainderReusable 31.12.2027 "Weihnachten"
[ "$pcode" = 303 ] && [ "$(msg ch2.page)" = "Charge $cid mit 2 Codes angelegt." ] &&
    ok "charge of 2 x 10,00 value, valid until 31.12.2027 (German form)" ||
    bad "charge of 2 x 10,00 value, valid until 31.12.2027 (got $pcode '$(msg ch2.page)' '$(err ch2.page)')"
cid2=$cid
check_charge ch2.csv "$cid2" 2 10,00 value Standard_RemainderReusable 2027-12-31
cid=$cid2
check_codes ch2.csv value 10.00 2027-12-31

charge ch3 10000 1,00 promo Standard_RemainderReusable "" ""
[ "$pcode" = 303 ] && [ "$(msg ch3.page)" = "Charge $cid mit 10000 Codes angelegt." ] &&
    ok "charge of 10000 codes (the form's maximum), no end date" ||
    bad "charge of 10000 codes (got $pcode '$(msg ch3.page)' '$(err ch3.page)')"
cid3=$cid
[ -n "$cid3" ] && check_charge ch3.csv "$cid3" 10000 1,00 promo Standard_RemainderReusable ""

# the generator's other options: percent, a universal type, a start day,
# a minimum order, a number of redemptions, one channel
post ch6 a "admin_charge.htm?action=charge" --data-urlencode "csrf=$tok" \
    --data-urlencode "count=2" --data-urlencode "amount=12,5" \
    --data-urlencode "amount_type=percent" --data-urlencode "kind=promo" \
    --data-urlencode "type=Universal_NoRestrictions" \
    --data-urlencode "valid_from=2027-01-01" --data-urlencode "valid_until=2027-12-31" \
    --data-urlencode "min_order=50,00" --data-urlencode "max_redemptions=100" \
    --data-urlencode "channels=pos" --data-urlencode "label=Kasse"
page ch6.page a admin_charge.htm
cid6=$(sed -n 's/.*id="charge-id">\([^<]*\)<.*/\1/p' "$tmp/ch6.page.body" | head -n 1)
c6=$(tsv list --charge "$cid6" | awk -F '\t' 'NR == 2 { print $1 }')
if [ -n "$cid6" ] && [ -n "$c6" ]; then
	got6=$(tsv show "$c6" | awk -F '\t' 'NR == 2 { print $2 "|" $3 "|" $4 "|" $7 "|" $9 "|" $10 }')
	[ "$got6" = "promo|Universal_NoRestrictions|12.5|100|2027-01-01|2027-12-31" ] &&
	    ok "charge with percent, universal type, dates and max redemptions: $got6" ||
	    bad "charge with percent, universal type, dates and max redemptions (got $got6)"
	"$WSV" --store "$store" export 2>&1 | grep "^$c6;" >"$tmp/ch6.exp"
	# export columns: ... MinOrderValue (6) ... Channels (17)
	got6=$(tr -d '\r' <"$tmp/ch6.exp" | awk -F ';' '{ print $6 "|" $17 }')
	case $got6 in
	50[,.]00\|pos) ok "its minimum order 50,00 and channel pos are in the store" ;;
	*) bad "its minimum order 50,00 and channel pos are in the store (got $got6)"
	    show "$tmp/ch6.exp" 3 ;;
	esac
else
	bad "charge with percent and the other options (got '$(err ch6.page)')"
fi

csv ch4 NOPE-CHARGE
want ch4 404 "charge.csv of an unknown charge"
get ch5 a "$admin/charge.csv"
want ch5 400 "charge.csv without id"

# bad inputs: an error message, no charge
tsv charge list >"$tmp/charges.1"
# charge_bad DESCRIPTION ERROR-START COUNT AMOUNT KIND TYPE UNTIL
charge_bad() {
	bd=$1 be=$2
	shift 2
	charge cb "$@"
	case $(err cb.page) in
	"$be"*) [ "$pcode" = 303 ] && [ -z "$cid" ] && ok "charge with $bd: error '$(err cb.page)'" ||
	    bad "charge with $bd: 303, an error, no charge (got $pcode, charge '$cid')" ;;
	*) bad "charge with $bd: error '$be...' (got '$(err cb.page)', message '$(msg cb.page)')" ;;
	esac
}
charge_bad "count 0" "Anzahl: 1 bis 10000" 0 5,00 promo Standard_RemainderReusable ""
charge_bad "count 10001" "Anzahl: 1 bis 10000" 10001 5,00 promo Standard_RemainderReusable ""
charge_bad "count x" "Anzahl: 1 bis 10000" x 5,00 promo Standard_RemainderReusable ""
charge_bad "amount x" "Betrag:" 1 x promo Standard_RemainderReusable ""
charge_bad "amount 0" "Betrag:" 1 0 promo Standard_RemainderReusable ""
charge_bad "amount -5,00" "Betrag:" 1 -5,00 promo Standard_RemainderReusable ""
charge_bad "kind x" "Art:" 1 5,00 x Standard_RemainderReusable ""
charge_bad "type x" "Unbekannter Gutscheintyp" 1 5,00 promo x ""
charge_bad "valid_until 31.02.2027" "Gültig bis:" 1 5,00 promo Standard_RemainderReusable 31.02.2027
charge_bad "valid_until 2027-13-01" "Gültig bis:" 1 5,00 promo Standard_RemainderReusable 2027-13-01
post cb2 a "admin_charge.htm?action=charge" --data-urlencode "csrf=$tok" -d count=1 \
    -d amount=5,00 -d kind=promo -d type=Standard_RemainderReusable \
    --data-urlencode "label=$(printf '%129s' '' | tr ' ' L)"
page cb2.page a admin_charge.htm
case $(err cb2.page) in "Bezeichnung:"*) ok "charge with a label of 129 characters: error '$(err cb2.page)'" ;;
*) bad "charge with a label of 129 characters: error 'Bezeichnung: ...' (got '$(err cb2.page)')" ;; esac
tsv charge list >"$tmp/charges.2"
same "the refused charges made no charge (wsvoucher charge list)" "$tmp/charges.1" "$tmp/charges.2"

# --- 11. escaping ---------------------------------------------------------------------------
page e1 a "admin_search.htm?q=X%3C"
if [ "$(results e1)" = "$XCODE_ESC" ] && has e1 "href=\"admin_code.htm?code=$XCODE_URL\"" &&
    has e1 'value="X&lt;"'; then
	ok "search X<: the code and the query escaped"
else
	bad "search X<: the code and the query escaped"; grep -n 'X&lt;\|X<' "$tmp/e1.body" | sed 's/^/#   /'
fi
page e2 a "admin_code.htm?code=$XCODE_URL"
if [ "$code" = 200 ] && has e2 "id=\"code\">$XCODE_ESC<" &&
    has e2 "name=\"code\" value=\"$XCODE_ESC\"" && has e2 "code=$XCODE_URL\""; then
	ok "$XCODE's page: the code escaped in text, form value and action"
else
	bad "$XCODE's page: the code escaped in text, form value and action ($code)"
	grep -n 'X&lt;\|X<' "$tmp/e2.body" | sed 's/^/#   /'
fi
page e3 a 'admin_code.htm?code=%3Cscript%3Ealert(%22q%22)%3C%2Fscript%3E'
has e3 '&lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt;' &&
    ok "an unknown code <script>...: the query shown escaped" ||
    { bad "an unknown code <script>...: the query shown escaped"; grep -n 'Unbekannt' "$tmp/e3.body" | sed 's/^/#   /'; }
page e4 a "admin_search.htm?q=%22%3E%3Cscript%3E"
has e4 'value="&quot;&gt;&lt;script&gt;"' && ok "a search for \"><script>: the input's value escaped" ||
    { bad "a search for \"><script>: the input's value escaped"; grep -n 'id="q"' "$tmp/e4.body" | sed 's/^/#   /'; }
# no admin page this test fetched ever carries a raw <script or the raw code
nraw=0
for f in "$tmp"/*.body; do
	case $f in */w[0-9]*.body | */r[0-9]*.body | */*csv.body) continue ;; esac
	if grep -qi '<script' "$f" || grep -qF "$XCODE" "$f" || grep -qF "$OPNAME" "$f"; then
		nraw=$((nraw + 1)); echo "#   raw markup in $(basename "$f")"
	fi
done
[ "$nraw" = 0 ] && ok "no admin page carried a raw <script (names, codes, labels, reasons, queries)" ||
    bad "no admin page carried a raw <script ($nraw pages did)"

# --- 12. the shop and the admin pages stay apart -------------------------------------------
for p in admin_search.htm admin_login.htm admin_reserved.htm; do
	get sp w "$shop/$p"
	want sp 404 "GET /shop/$p (the shop serves no admin page)"
done
wsid=$(awk '$6 == "WSSESSION" { print $7 }' "$tmp/w.jar" | tail -n 1)
[ -n "$wsid" ] && ok "the visitor has a WSSESSION cookie" || bad "the visitor has a WSSESSION cookie"
get sp2 - "$shop/admin_search.htm" -b "WSSESSION=$wsid; WSADMIN=$(jar_id a)"
want sp2 404 "GET /shop/admin_search.htm with a logged-in WSADMIN cookie"
get sp3 - "$admin/admin_search.htm" -b "WSSESSION=$wsid"
want sp3 303 admin_login.htm "the shop's WSSESSION cookie opens no admin page"
get sp4 - "$admin/admin_search.htm" -b "WSADMIN=$wsid"
want sp4 303 admin_login.htm "the shop's session id as WSADMIN opens no admin page"
get sp5 w "$admin/charge.csv?id=$cid1"
want sp5 303 admin_login.htm "the visitor's cookie jar gets no charge.csv"
get sp6 w "$admin/admin_reserved.htm?action=release" --data-urlencode "csrf=$wt" --data-urlencode code=SUCHE-1
want sp6 403 "the visitor's shop token is no admin token"

# --- 13. logout ----------------------------------------------------------------------------
post lo1 a "admin_login.htm?action=logout" --data-urlencode "csrf=$tok"
want lo1 303 admin_login.htm "logout"
page lo2 a admin_login.htm
if [ "$code" = 200 ] && [ "$(msg lo2)" = "Abgemeldet." ]; then ok "the login page says Abgemeldet."; else
	bad "the login page says Abgemeldet. (got $code '$(msg lo2)')"; fi
for p in admin_search.htm admin_reserved.htm "admin_code.htm?code=POS-1" admin_charge.htm "charge.csv?id=$cid1"; do
	page lo3 a "$p"
	want lo3 303 admin_login.htm "after logout GET $p"
done
snap "$tmp/lo.before"
post lo4 a "admin_reserved.htm?action=invalidate" --data-urlencode "csrf=$tok" \
    --data-urlencode code=SUCHE-1 --data-urlencode reason=nachher
want lo4 303 admin_login.htm "after logout an invalidate with the old token"
snap "$tmp/lo.after"
same "it changed nothing" "$tmp/lo.before" "$tmp/lo.after"
page lo5 b admin_search.htm
want lo5 200 "the operator's other session is still logged in"

# --- 14. idle time and maximum time of a session (test clock) ----------------------------
login t && ok "session t logs in" || bad "session t logs in"
echo $((59 * 60)) >"$tmp/clock"
page t1 t admin_search.htm
want t1 200 "59 minutes idle: still logged in"
echo $((59 * 60 + 61 * 60)) >"$tmp/clock"
page t2 t admin_search.htm
want t2 303 admin_login.htm "61 minutes idle: logged out"
echo 0 >"$tmp/clock"
login u && ok "session u logs in" || bad "session u logs in"
alive=1
for m in 50 100 150 200 250 300 350 400 450 475; do
	echo $((m * 60)) >"$tmp/clock"
	page u1 u admin_search.htm
	[ "$code" = 200 ] || { alive=""; bad "a page every 50 minutes: still logged in after $m minutes (got $code)"; break; }
done
[ -n "$alive" ] && ok "a page every 50 minutes keeps the session up to 7 h 55 min"
echo $((8 * 3600 + 60)) >"$tmp/clock"
page u2 u admin_search.htm
want u2 303 admin_login.htm "8 h 1 min after the login (idle 6 min): logged out"
echo 0 >"$tmp/clock"

# --- 15. failed logins per address ------------------------------------------------------
# section 3 failed 3 times within this window; 3 more reach PER_ADDRESS
login h && ok "session h logs in (3 failures so far)" || bad "session h logs in (3 failures so far)"
k=4
while [ $k -le "$PER_ADDRESS" ]; do
	rm -f "$tmp/f.jar"
	page f0 f admin_login.htm
	post f1 f "admin_login.htm?action=login" --data-urlencode "csrf=$(token_of f0)" \
	    --data-urlencode login=anna --data-urlencode "password=falsch-$k"
	page f2 f admin_login.htm
	[ "$(err f2)" = "Anmeldung fehlgeschlagen." ] || bad "failed login $k: Anmeldung fehlgeschlagen. (got '$(err f2)')"
	k=$((k + 1))
done
ok "failed logins 4 to $PER_ADDRESS from 127.0.0.1 refused"
if login g; then
	bad "after $PER_ADDRESS failures the right password does not log in"
else
	ok "after $PER_ADDRESS failures the right password does not log in ($code ${loc:-})"
fi
page g1 g admin_login.htm
case $(err g1) in
"Zu viele Fehlversuche"*) ok "the login page says: $(err g1)" ;;
*) bad "the login page says Zu viele Fehlversuche ... (got '$(err g1)')" ;;
esac
page g2 g admin_search.htm
want g2 303 admin_login.htm "and the session is not logged in"
grep -q 'admin login from 127.0.0.1: locked out' "$tmp/fcgi.log" &&
    ok "wsvoucher.fcgi logs the locked-out login" || bad "wsvoucher.fcgi logs the locked-out login"
page g3 h admin_search.htm
want g3 200 "a session logged in before stays logged in"
echo $((16 * 60)) >"$tmp/clock"
login g && ok "16 minutes later (a new window) the right password logs in" ||
    bad "16 minutes later (a new window) the right password logs in (got $code ${loc:-})"
echo 0 >"$tmp/clock"

# --- 16. /admin only from the office network (doc/admin.md, section 1) --------------
# a second lighttpd: the shipped configuration plus the guide's lines, with
# an office network the test's 127.0.0.1 is not part of
main_port=$port
up=""
try=1
while [ -z "$up" ] && [ $try -le 3 ]; do
	pick_port
	sed "s|^server.port = $main_port|server.port = $port|" "$tmp/lighttpd.conf" >"$tmp/office.conf"
	cat >>"$tmp/office.conf" <<'CONF'
server.modules += ( "mod_access" )
$HTTP["url"] =~ "^/admin" {
    $HTTP["remoteip"] != "10.0.0.0/8" {
        url.access-deny = ( "" )
    }
}
CONF
	lighttpd -D -f "$tmp/office.conf" >"$tmp/office.out" 2>&1 &
	office_pid=$!
	pids="$pids $office_pid"
	i=0
	while [ $i -lt 100 ]; do
		if curl -s --max-time 2 -o "$tmp/office.static" "http://127.0.0.1:$port/static.txt" &&
		    grep -q "static file" "$tmp/office.static" && kill -0 "$office_pid" 2>/dev/null; then
			up=1
			break
		fi
		kill -0 "$office_pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$up" ] || stop "$office_pid"
	try=$((try + 1))
done
if [ -n "$up" ]; then
	ok "a lighttpd with the office-network lines serves on port $port"
	grep -q 'WARNING' "$tmp/office.out" && { bad "lighttpd takes the lines without warning"; show "$tmp/office.out"; }
	for p in admin_login.htm admin_search.htm ""; do
		get off - "http://127.0.0.1:$port/admin/$p" 2>/dev/null
		want off 403 "from outside the office network GET /admin/$p"
	done
	get off - "http://127.0.0.1:$port/admin"
	want off 403 "from outside the office network GET /admin"
	get off - "http://127.0.0.1:$port/shop/ws_start.htm"
	want off 200 "the shop still answers there"
	stop "$office_pid"
else
	bad "a lighttpd with the office-network lines serves within 3 tries"; show "$tmp/office.out"
fi

finish
