#!/bin/sh
# tests/http/admin_browser.sh - an operator's way through the admin pages
# in headless Chromium: the login form, "Reservierte Codes", the
# "Freigeben" button of a code that a POS reserved through the API, the
# message and the list without that code; screenshots before and after
# the click; the store afterwards (no hold, a release by admin:LOGIN).
# The browser is driven through chromedriver's W3C WebDriver HTTP API with
# curl, sed and base64 only, as in tests/http/browser.sh.
# Automake TESTS entry; exit 77 = skipped (no chromium, chromedriver,
# lighttpd, curl, base64 or wsvoucher.fcgi).
set -u

LOGIN=anna
PASSWORD='Geheim-Passwort-1'
OPNAME='Anna Admin'
CODE=KASSE-1		# reserved by the POS, released in the browser
OTHER=KASSE-2		# reserved too, stays on the list

TEST_NAME=admin_browser
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
# shellcheck source-path=SCRIPTDIR source=webdriver.sh
. "$(cd "$(dirname "$0")" && pwd)/webdriver.sh"

finish() {
	if [ -s "$tmp/fcgi.log" ]; then
		echo "# wsvoucher.fcgi log:"; show "$tmp/fcgi.log" 40
	fi
	echo "# $(($(date +%s) - t_start)) s in all"
	verdict
}
fatal() {	# a step failed: nothing after it can run
	# (web_up's tries of start_lighttpd only note it)
	if [ -n "${soft_fatal:-}" ]; then soft_failed=1; return 0; fi
	bad "$1"
	wd_page
	show_logs "$tmp/lighttpd.log" "$tmp/chromedriver.out" "$tmp/err"
	finish
}

# --- a. operator, API key, config, store, vouchers -------------------------------
store="$tmp/store"
conf="$tmp/shop.config"
mkdir -p "$tmp/mail"
printf '%s\n' "$PASSWORD" | "$WSV" passwd >"$tmp/hash" 2>"$tmp/err" || fatal "wsvoucher passwd"
"$WSV" apikey pos-1 "check, reserve" >"$tmp/apikey.out" 2>"$tmp/err" || fatal "wsvoucher apikey pos-1"
apikey=$(sed -n 's/.*Authorization: Bearer \([^[:space:]]*\).*/\1/p' "$tmp/apikey.out" | head -n 1)
[ -n "$apikey" ] || fatal "wsvoucher apikey prints NAME:KEY"
cat >"$conf" <<CFG
<Voucher-Txt>
ExternalVouchers-Allow = yes
Store-Directory = $store
Store-Durable = no
</Voucher-Txt>
<Voucher-API>
$(grep '^pos-1 = sha256:' "$tmp/apikey.out")
</Voucher-API>
<Voucher-Admin>
$LOGIN = $(cat "$tmp/hash") | $OPNAME
</Voucher-Admin>
CFG
"$WSV" check-config "$conf" >"$tmp/out" 2>&1 || { cat "$tmp/out" >>"$tmp/err"; fatal "wsvoucher check-config"; }
"$WSV" --store "$store" init >"$tmp/out" 2>"$tmp/err" || fatal "wsvoucher init"
printf 'Number;Amount;Type;Type2\n%s;30,00;Standard_RemainderReusable;purchased\n%s;30,00;Standard_RemainderReusable;purchased\n' \
    "$CODE" "$OTHER" >"$tmp/vouchers.csv"
"$WSV" --store "$store" --config "$conf" import "$tmp/vouchers.csv" \
    >"$tmp/out" 2>"$tmp/err" || fatal "wsvoucher import"
tpl="$tmp/templates"
mkdir -p "$tpl"
cp "$srcdir"/templates/*.htm "$tpl"/ || fatal "copy the shipped templates"
ok "operator $LOGIN, API client pos-1, vouchers $CODE and $OTHER made"

# --- b. wsvoucher.fcgi, lighttpd, the POS reservations -----------------------------
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
# held CODE [HOLDER]: `wsvoucher reserved` lists a hold on CODE (by HOLDER)
held() {
	"$WSV" --store "$store" --format tsv reserved 2>/dev/null |
	    awk -F '\t' -v c="$1" -v h="${2:-}" \
	    'NR > 1 && $1 == c && (h == "" || $3 == h) { f = 1 } END { exit !f }'
}
# reserve CODE TRANSACTION: POST /api/reserve for 5.00
reserve() {
	printf '<reserve xmlns="urn:wsvoucher:api:1"><code>%s</code><transaction>%s</transaction><amount>5.00</amount></reserve>' \
	    "$1" "$2" >"$tmp/reserve.xml"
	code=$(curl -s --max-time 10 -o "$tmp/reserve.out" -w '%{http_code}' \
	    -H "Authorization: Bearer $apikey" -H 'Content-Type: application/xml' \
	    -H "Idempotency-Key: reserve-$1" --data-binary "@$tmp/reserve.xml" \
	    "$base/api/reserve") || code="curl-error-$?"
	[ "$code" = 200 ] && grep -q 'result="done"' "$tmp/reserve.out" && held "$1" "pos:pos-1:$2"
}
reserve "$CODE" T-1 || { show "$tmp/reserve.out" >>"$tmp/err"; fatal "the API reserves 5.00 of $CODE (got $code)"; }
ok "the API reserves 5.00 of $CODE (T-1); wsvoucher reserved lists it"
reserve "$OTHER" T-2 || { show "$tmp/reserve.out" >>"$tmp/err"; fatal "the API reserves 5.00 of $OTHER (got $code)"; }
ok "the API reserves 5.00 of $OTHER (T-2)"

# --- c. chromedriver and a headless Chromium ---------------------------------------
# Without --allowed-ips chromedriver listens on the loopback only (with it,
# on every address); its Chromium and log stay in $tmp, HOME included.
# The port pick_port found free can be taken before chromedriver binds it
# (other tests run at the same time): up to 3 tries, and the answer must
# come while our chromedriver still runs.
up=""
try=1
while [ -z "$up" ] && [ $try -le 3 ]; do
	pick_port
	wd_base="http://127.0.0.1:$port"
	HOME="$tmp/home" "$CHROMEDRIVER" --port="$port" --log-path="$tmp/chromedriver.log" \
	    >"$tmp/chromedriver.out" 2>&1 &
	cd_pid=$!
	pids="$pids $cd_pid"
	i=0
	while [ $i -lt 100 ]; do
		if curl -s --max-time 2 -o "$tmp/wd.json" "$wd_base/status" &&
		    grep -q '"ready":true' "$tmp/wd.json" && kill -0 "$cd_pid" 2>/dev/null; then
			up=1
			break
		fi
		kill -0 "$cd_pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$up" ] || { echo "# chromedriver not ready on port $port (try $try)"; stop "$cd_pid"; }
	try=$((try + 1))
done
[ -n "$up" ] || fatal "chromedriver ready on port $port within 10 s (3 tries)"
ok "chromedriver ready on port $port"

wd_new_session

# --- d. log in through the form -------------------------------------------------------
wd_go "$base/admin/admin_search.htm" || fatal "open /admin/admin_search.htm ($(wd_error))"
wd_url
case $cur in
*/admin/admin_login.htm) ok "not logged in, /admin/admin_search.htm leads to admin_login.htm" ;;
*) fatal "not logged in, /admin/admin_search.htm leads to admin_login.htm (got $cur)" ;;
esac
el_find 'input#login' || fatal "the login page has input#login ($(wd_error))"
el_type "$el" "$LOGIN" || fatal "type the login ($(wd_error))"
el_find 'input#password' || fatal "the login page has input#password ($(wd_error))"
el_type "$el" "$PASSWORD" || fatal "type the password ($(wd_error))"
el_find 'button#do-login' || fatal "the login page has button#do-login ($(wd_error))"
click_away "$el" || fatal "button#do-login leaves the login page ($(wd_error))"
case $cur in
*/admin/admin_search.htm) ok "the login leads to admin_search.htm" ;;
*) fatal "the login leads to admin_search.htm (got $cur)" ;;
esac
if el_find 'header .who' && el_text "$el" && case $txt in *"$OPNAME"*) true ;; *) false ;; esac; then
	ok "the header names the operator $OPNAME"
else
	badp "the header names the operator $OPNAME (got \"${txt:-}\")"
fi
if wd GET /cookie/WSADMIN; then
	http_only=$(sed -n 's/.*"httpOnly":\([a-z]*\).*/\1/p' "$tmp/wd.json")
	same_site=$(sed -n 's/.*"sameSite":"\([A-Za-z]*\)".*/\1/p' "$tmp/wd.json")
	path=$(sed -n 's/.*"path":"\([^"]*\)".*/\1/p' "$tmp/wd.json" | sed 's/\\\//\//g')
	if [ "$http_only" = true ] && [ "$same_site" = Strict ] && [ "$path" = /admin ]; then
		ok "the browser holds WSADMIN: httpOnly, sameSite Strict, path /admin"
	else
		bad "the browser holds WSADMIN: httpOnly, sameSite Strict, path /admin (got $http_only, $same_site, $path)"
	fi
else
	bad "the browser holds the cookie WSADMIN ($(wd_error))"
fi

# --- e. "Reservierte Codes" -------------------------------------------------------------
el_find 'nav a[href="admin_reserved.htm"]' || fatal "the navigation has a link to admin_reserved.htm ($(wd_error))"
el_text "$el" && [ "$txt" = "Reservierte Codes" ] && ok "the link says Reservierte Codes" ||
    badp "the link says Reservierte Codes (got \"${txt:-}\")"
click_away "$el" || fatal "the link leaves the search page ($(wd_error))"
case $cur in
*/admin/admin_reserved.htm) ok "the browser shows admin_reserved.htm" ;;
*) fatal "the browser shows admin_reserved.htm (got $cur)" ;;
esac
row="#reserved tr[data-code=\"$CODE\"]"
el_find "$row" || fatal "the list has a row for $CODE ($(wd_error))"
el_text "$el"
case $txt in
*"$CODE"*"pos:pos-1:T-1"*"pos"*"5,00 EUR"*) ok "the row of $CODE: holder pos:pos-1:T-1, pos, 5,00 EUR" ;;
*) badp "the row of $CODE: holder pos:pos-1:T-1, pos, 5,00 EUR (got \"$txt\")" ;;
esac
el_find "#reserved tr[data-code=\"$OTHER\"]" && ok "the list has a row for $OTHER" ||
    badp "the list has a row for $OTHER ($(wd_error))"
if wd_shot "$outdir/browser-admin-reserved.png"; then ok "screenshot $outdir/browser-admin-reserved.png"; else
	bad "screenshot $outdir/browser-admin-reserved.png ($(wd_error))"; fi

# --- f. "Freigeben" -------------------------------------------------------------------------
el_find "$row button.release" || fatal "the row of $CODE has a button.release ($(wd_error))"
el_text "$el" && [ "$txt" = "Freigeben" ] && ok "the button says Freigeben" ||
    badp "the button says Freigeben (got \"${txt:-}\")"
click_away "$el" || fatal "Freigeben leaves the page ($(wd_error))"
case $cur in
*/admin/admin_reserved.htm) ok "after Freigeben the browser shows admin_reserved.htm" ;;
*) badp "after Freigeben the browser shows admin_reserved.htm (got $cur)" ;;
esac
if el_find '#message' && el_text "$el" && [ "$txt" = "$CODE ist freigegeben." ]; then
	ok "the page says $txt"
else
	badp "the page says $CODE ist freigegeben. (got \"${txt:-}\", $(wd_error))"
fi
wd POST /timeouts '{"implicit":0}'
if el_find "$row"; then badp "$CODE is gone from the list"; else ok "$CODE is gone from the list"; fi
wd POST /timeouts '{"implicit":5000}'
el_find "#reserved tr[data-code=\"$OTHER\"]" && ok "$OTHER is still on the list" ||
    badp "$OTHER is still on the list ($(wd_error))"
if wd_shot "$outdir/browser-admin.png"; then ok "screenshot $outdir/browser-admin.png"; else
	bad "screenshot $outdir/browser-admin.png ($(wd_error))"; fi

# --- g. the store ---------------------------------------------------------------------------
if held "$CODE"; then
	bad "the store has no hold on $CODE"; "$WSV" --store "$store" reserved | sed 's/^/#   /'
else
	ok "the store has no hold on $CODE (wsvoucher reserved)"
fi
held "$OTHER" pos:pos-1:T-2 && ok "$OTHER is still held by pos:pos-1:T-2" ||
    bad "$OTHER is still held by pos:pos-1:T-2"
n=$("$WSV" --store "$store" --format tsv show "$CODE" 2>/dev/null |
    awk -F '\t' '/^seq\t/ { l = 1; next } l && $3 == "release" && $8 == "admin:'"$LOGIN"'" { n++ } END { print n + 0 }')
[ "$n" = 1 ] && ok "$CODE's ledger has one release by admin:$LOGIN" ||
    { bad "$CODE's ledger has one release by admin:$LOGIN (has $n)"; "$WSV" --store "$store" show "$CODE" | sed 's/^/#   /'; }

# --- h. log out -----------------------------------------------------------------------------
el_find 'button#logout' || fatal "the page has button#logout ($(wd_error))"
click_away "$el" || fatal "Abmelden leaves the page ($(wd_error))"
case $cur in
*/admin/admin_login.htm) ok "Abmelden leads to admin_login.htm" ;;
*) badp "Abmelden leads to admin_login.htm (got $cur)" ;;
esac
if el_find '#message' && el_text "$el" && [ "$txt" = "Abgemeldet." ]; then ok "the login page says Abgemeldet."; else
	badp "the login page says Abgemeldet. (got \"${txt:-}\")"; fi
wd_go "$base/admin/admin_reserved.htm" && wd_url
case $cur in
*/admin/admin_login.htm) ok "after logout admin_reserved.htm leads to the login page" ;;
*) badp "after logout admin_reserved.htm leads to the login page (got $cur)" ;;
esac

# --- i. the end -----------------------------------------------------------------------------
t_quit=$(date +%s)
if wd_quit; then ok "session deleted, Chromium closed ($(($(date +%s) - t_quit)) s)"; else
	bad "session deleted ($(wd_error))"; fi
echo "# browser session: $(($(date +%s) - t_session)) s"
finish
