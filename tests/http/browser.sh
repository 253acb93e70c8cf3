#!/bin/sh
# tests/http/browser.sh - a customer's way through the shop in headless
# Chromium: start page, two products into the basket, a value voucher, the
# amount due, checkout with invoice, the order number; screenshots of the
# basket and the finished order.  The browser is driven through
# chromedriver's W3C WebDriver HTTP API with curl, sed and base64 only.
# Automake TESTS entry; exit 77 = skipped (no chromium, chromedriver,
# lighttpd, curl, base64 or wsvoucher.fcgi).
set -u

# --- what the shop must show --------------------------------------------------
# The handbook's example 1: book-20 20,00 (fixed price, not eligible) +
# mug-5 5,00, shipping 3,00 from the 25,00 tier: 28,00; the promotional
# voucher ZEHN-EURO (10,00) takes 5,00 + 3,00 = 8,00: 20,00 to pay
VOUCHER=ZEHN-EURO
EXPECT_DEDUCTION="8,00 EUR"
EXPECT_DUE="20,00 EUR"

TEST_NAME=browser
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
	bad "$1"
	wd_page
	show_logs "$tmp/lighttpd.log" "$tmp/chromedriver.out" "$tmp/err"
	finish
}

# --- a. store, config, voucher, templates ---------------------------------------
store="$tmp/store"
conf="$tmp/shop.config"
mkdir -p "$tmp/mail"
cat >"$conf" <<CFG
<Voucher-Txt>
ExternalVouchers-Allow = yes
Store-Directory = $store
</Voucher-Txt>
<Shop-Checkout>
Shipping = 5,00
Shipping-Tiers = 25,00:3,00
PaymentMethods = invoice:0,00, paypal:0,00
Payment-Secret = browser-test-secret-0123456789abcdef
Mail-Spool = $tmp/mail
</Shop-Checkout>
<Shop-Products>
book-20 = 20,00 | 7 | not-eligible | Preisgebundenes Buch
mug-5 = 5,00 | 19 | eligible | Kaffeebecher
</Shop-Products>
CFG
"$WSV" --store "$store" init >"$tmp/out" 2>"$tmp/err" || fatal "wsvoucher init"
printf 'Number;Amount;Type\n%s;10,00;Standard_RemainderReusable\n' "$VOUCHER" >"$tmp/vouchers.csv"
"$WSV" --store "$store" --config "$conf" import "$tmp/vouchers.csv" \
    >"$tmp/out" 2>"$tmp/err" || fatal "wsvoucher import"
tpl="$tmp/templates"
mkdir -p "$tpl"
cp "$srcdir"/templates/*.htm "$tpl"/ || fatal "copy the shipped templates"
ok "store, voucher $VOUCHER and templates made"

# --- b. wsvoucher.fcgi and lighttpd ----------------------------------------------
start_fcgi "$conf" "$tpl" "$store"
start_lighttpd
www="$tmp/www"
code=$(curl -s --max-time 10 -o "$tmp/start.html" -w '%{http_code}' "$base/shop/ws_start.htm") || code="curl-error-$?"
[ "$code" = 200 ] || { show "$tmp/start.html" >>"$tmp/err"; fatal "GET /shop/ws_start.htm -> 200 (got $code)"; }
ok "GET /shop/ws_start.htm -> 200"

# --- c. chromedriver and a headless Chromium ---------------------------------------
# Without --allowed-ips chromedriver listens on the loopback only (with it,
# on every address); its Chromium and log stay in $tmp, HOME included.
pick_port
wd_base="http://127.0.0.1:$port"
HOME="$tmp/home" "$CHROMEDRIVER" --port="$port" --log-path="$tmp/chromedriver.log" \
    >"$tmp/chromedriver.out" 2>&1 &
cd_pid=$!
pids="$pids $cd_pid"
i=0
up=""
while [ $i -lt 100 ]; do
	if curl -s --max-time 2 -o "$tmp/wd.json" "$wd_base/status" &&
	    grep -q '"ready":true' "$tmp/wd.json"; then up=1; break; fi
	kill -0 "$cd_pid" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
[ -n "$up" ] || fatal "chromedriver ready on port $port within 10 s"
ok "chromedriver ready on port $port"

wd_new_session

# --- d. start page: two products into the basket -----------------------------------
# add ID: open the start page, quantity 1, click the product's add button
add() {
	wd_go "$base/shop/ws_start.htm" || fatal "open the start page ($(wd_error))"
	sel="[data-product=\"$1\"]"
	el_find "$sel" || fatal "the start page has an add button $sel ($(wd_error))"
	button=$el
	if el_find "form:has($sel) [name=qty]"; then
		{ el_clear "$el" && el_type "$el" 1; } || badp "quantity 1 for $1 ($(wd_error))"
	else
		badp "the form of $1 has a quantity input name=qty"
	fi
	click_away "$button" || fatal "add $1 leaves the start page ($(wd_error))"
	case $cur in
	*/shop/ws_basket.htm*) ok "add $1: the browser shows the basket" ;;
	*) fatal "add $1: the browser shows the basket (got $cur)" ;;
	esac
}
add book-20
if wd GET /cookie/WSSESSION; then
	http_only=$(sed -n 's/.*"httpOnly":\([a-z]*\).*/\1/p' "$tmp/wd.json")
	ok "the browser holds the session cookie WSSESSION (httpOnly: $http_only)"
else
	bad "the browser holds the session cookie WSSESSION ($(wd_error))"
fi
add mug-5
{ el_find body && el_text "$el"; } || fatal "read the basket ($(wd_error))"
case $txt in
*"Preisgebundenes Buch"*"Kaffeebecher"* | *"Kaffeebecher"*"Preisgebundenes Buch"*)
	ok "the basket lists both products" ;;
*) badp "the basket lists both products" ;;
esac

# --- e. the voucher -----------------------------------------------------------------
el_find '#gutscheincode' || fatal "the basket has the voucher input #gutscheincode ($(wd_error))"
el_type "$el" "$VOUCHER" || fatal "type $VOUCHER into #gutscheincode ($(wd_error))"
el_find 'form.voucher-input [type=submit]' || fatal "form.voucher-input has a submit button ($(wd_error))"
click_away "$el" || fatal "submitting the voucher leaves the page ($(wd_error))"
case $cur in
*/shop/ws_basket.htm*action=*) badp "after the voucher: a 303 to ws_basket.htm (got $cur)" ;;
*/shop/ws_basket.htm*) ok "after the voucher the browser shows ws_basket.htm" ;;
*) fatal "after the voucher the browser shows ws_basket.htm (got $cur)" ;;
esac
{ el_find body && el_text "$el"; } || fatal "read the basket ($(wd_error))"
case $txt in
*"$VOUCHER"*) ok "the basket names the voucher $VOUCHER" ;;
*) badp "the basket names the voucher $VOUCHER" ;;
esac
case $txt in
*"$EXPECT_DEDUCTION"*) ok "the basket shows the deduction $EXPECT_DEDUCTION" ;;
*) badp "the basket shows the deduction $EXPECT_DEDUCTION" ;;
esac
if el_find '#basket-due' && el_text "$el"; then
	if [ "$txt" = "$EXPECT_DUE" ]; then ok "#basket-due is $EXPECT_DUE"; else
		badp "#basket-due is $EXPECT_DUE (got \"$txt\")"; fi
else
	badp "the basket has #basket-due ($(wd_error))"
fi
if wd_shot "$outdir/browser-basket.png"; then ok "screenshot $outdir/browser-basket.png"; else
	bad "screenshot $outdir/browser-basket.png ($(wd_error))"; fi

# --- f. checkout ----------------------------------------------------------------------
el_find '#to-checkout' || fatal "the basket has a#to-checkout ($(wd_error))"
click_away "$el" || fatal "a#to-checkout leaves the basket ($(wd_error))"
case $cur in
*/shop/ws_place_order.htm*) ok "a#to-checkout leads to ws_place_order.htm" ;;
*) fatal "a#to-checkout leads to ws_place_order.htm (got $cur)" ;;
esac
if [ "$(norm "$EXPECT_DUE")" = "0,00 EUR" ]; then
	# nothing due: no payment to choose (the page is loaded: no waiting)
	wd POST /timeouts '{"implicit":0}'
	if el_find 'input[name=payment]'; then badp "nothing due: no payment choice"; else
		ok "nothing due: no payment choice"; fi
	wd POST /timeouts '{"implicit":5000}'
else
	el_find 'input[name=payment][value=invoice]' || fatal "$EXPECT_DUE due: payment invoice can be chosen ($(wd_error))"
	el_click "$el" || fatal "choose invoice ($(wd_error))"
	if wd GET "/element/$el/selected" && grep -q '"value":true' "$tmp/wd.json"; then
		ok "payment invoice chosen"
	else
		badp "payment invoice chosen"
	fi
fi
# a guest gives a mail address and accepts the terms
el_find 'input#email' || fatal "the checkout asks a guest for input#email ($(wd_error))"
el_type "$el" "gast@example.com" && ok "mail address typed" || badp "mail address typed"
el_find 'input[name=agb]' || fatal "the checkout has the terms checkbox ($(wd_error))"
el_click "$el" && ok "terms accepted" || badp "terms accepted"
el_find 'button#place-order' || fatal "the checkout has button#place-order ($(wd_error))"
click_away "$el" || fatal "button#place-order leaves the checkout ($(wd_error))"
case $cur in
*/shop/ws_order_done.htm*) ok "button#place-order leads to ws_order_done.htm" ;;
*) fatal "button#place-order leads to ws_order_done.htm (got $cur)" ;;
esac
if el_find '#order-number' && el_text "$el" && [ -n "$txt" ]; then
	ok "order number $txt"
else
	badp "ws_order_done.htm shows #order-number ($(wd_error))"
fi
if el_find '#order-state' && el_text "$el" && [ -n "$txt" ]; then
	ok "order state: $txt"
else
	badp "ws_order_done.htm shows #order-state ($(wd_error))"
fi
if wd_shot "$outdir/browser-order.png"; then ok "screenshot $outdir/browser-order.png"; else
	bad "screenshot $outdir/browser-order.png ($(wd_error))"; fi

# --- g. the end -----------------------------------------------------------------------
t_quit=$(date +%s)
if wd_quit; then ok "session deleted, Chromium closed ($(($(date +%s) - t_quit)) s)"; else
	bad "session deleted ($(wd_error))"; fi
echo "# browser session: $(($(date +%s) - t_session)) s"
finish
