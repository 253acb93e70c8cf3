#!/bin/sh
# tests/http/shop.sh - the shop's flows over HTTP through a real lighttpd:
# both handbook examples, every voucher type, reservation and its expiry
# (test clock), "Gutschein löschen", order completion with its ledger
# entry, the fully covered order, a changed basket, MultiVoucher and
# VoucherInputLocation, and a gift voucher bought up to the second mail.
# Automake TESTS entry; exit 77 = skipped.
set -u

TEST_NAME=shop
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
command -v lighttpd >/dev/null 2>&1 || skip "lighttpd not found"
command -v openssl >/dev/null 2>&1 || skip "openssl not found (signs the payment callback)"

finish() {
	if [ "$failed" != 0 ] && [ -s "$tmp/fcgi.log" ]; then
		echo "# wsvoucher.fcgi log:"; show "$tmp/fcgi.log" 40
	fi
	verdict
}
fatal() {
	bad "$1"
	show_logs "$tmp/lighttpd.log" "$tmp/err"
	finish
}

# --- the shop -------------------------------------------------------------------
store="$tmp/store"
conf="$tmp/shop.config"
secret="shop-test-secret-0123456789abcdef0123456789"
mkdir -p "$tmp/mail" "$tmp/templates"
cp "$srcdir"/templates/*.htm "$tmp/templates/" || fatal "copy templates"
echo "Geheim-1234" | "$WSV" passwd >"$tmp/hash" 2>"$tmp/err" ||
    fatal "wsvoucher passwd"
hash=$(cat "$tmp/hash")

# write_conf EXTRA-VOUCHER-TXT-LINES
write_conf() {
	cat >"$conf" <<CFG
<Voucher-Txt>
ExternalVouchers-Allow = yes
Store-Directory = $store
Store-Durable = no
FailedAttempts-PerSession = 100
FailedAttempts-PerAddress = 10000
$1
</Voucher-Txt>
<Shop-Checkout>
Shipping = 5,00
Shipping-Tiers = 25,00:3,00
PaymentMethods = invoice, paypal, cod:5,00
Payment-Secret = $secret
Mail-Spool = $tmp/mail
</Shop-Checkout>
<Shop-Products>
book-20 = 20,00 | 7 | not-eligible | Preisgebundenes Buch
mug-5 = 5,00 | 19 | eligible | Kaffeebecher
tea-50 = 50,00 | 7 | eligible | Teeservice
gift-25 = 25,00 | 0 | gift | Geschenkgutschein 25 EUR
</Shop-Products>
<Shop-Customers>
neu@example.com = $hash | 0 | Nina Neu
alt@example.com = $hash | 3 | Otto Alt
zwei@example.com = $hash | 0 | Zora Zwei
</Shop-Customers>
CFG
}
write_conf ""
"$WSV" check-config "$conf" >"$tmp/out" 2>&1 || { cat "$tmp/out" >>"$tmp/err"; fatal "check-config"; }
"$WSV" --store "$store" init >"$tmp/out" 2>"$tmp/err" || fatal "wsvoucher init"
cat >"$tmp/v.csv" <<'CSV'
Number;Amount;AmountType;Type;Type2;MaxRedemptions
ZEHN;10,00;absolute;Standard_RemainderReusable;promotional;
ZEHN-B;10,00;absolute;Standard_RemainderReusable;promotional;
WERT-50;50,00;absolute;Standard_RemainderReusable;purchased;
EINMAL-15;15,00;absolute;Standard_RemainderExpires;purchased;
NEU-R;5,00;absolute;Standard_RemainderReusable_NewCustomersOnly;promotional;
NEU-E;5,00;absolute;Standard_RemainderExpires_NewCustomersOnly;promotional;
UNI-2;10;percent;Universal_NoRestrictions;promotional;2
PRO-KUNDE;2,00;absolute;Universal_OncePerCustomer;promotional;
NUR-NEU;2,00;absolute;Universal_NewCustomersOnly;promotional;
2467;3,00;absolute;Universal_customerBinding;promotional;
RES-1;30,00;absolute;Standard_RemainderReusable;purchased;
WERT-30;30,00;absolute;Standard_RemainderReusable;purchased;
CSV
"$WSV" --store "$store" --config "$conf" import "$tmp/v.csv" >"$tmp/out" 2>"$tmp/err" ||
    fatal "import the test vouchers"
ok "store, config, customers and vouchers made"

echo 0 >"$tmp/clock"
FCGI_ARGS="--test-clock $tmp/clock"
start_fcgi "$conf" "$tmp/templates" "$store"
start_lighttpd

# --- helpers ---------------------------------------------------------------------
# session NAME: a new visitor (cookie jar $tmp/NAME.jar, token in $tok_NAME)
session() {
	rm -f "$tmp/$1.jar"
	curl -s --max-time 10 -c "$tmp/$1.jar" -b "$tmp/$1.jar" \
	    -o "$tmp/$1.html" "$base/shop/ws_start.htm"
	csrf "$1"
}
csrf() {	# csrf NAME: the token of the session from its last page
	t=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$tmp/$1.html" | head -1)
	# a page without forms keeps the token we have
	[ -n "$t" ] && eval "tok_$1=\$t"
	return 0
}
# post NAME PAGE ACTION [FIELD=VALUE...]: status in $code, Location in $loc
post() {
	n=$1 page=$2 act=$3
	shift 3
	eval "t=\$tok_$n"
	set -- --data-urlencode "csrf=$t" "$@"
	# every further argument is one form field
	args=""
	code=$(curl -s --max-time 10 -c "$tmp/$n.jar" -b "$tmp/$n.jar" \
	    -D "$tmp/$n.head" -o "$tmp/$n.post" -w '%{http_code}' \
	    "$@" "$base/shop/$page?action=$act") || code="curl-error"
	loc=$(sed -n 's/^Location: *\([^[:space:]]*\).*/\1/p' "$tmp/$n.head" | head -1)
}
f() { printf '%s\n' "--data-urlencode" "$1"; }
# page NAME PAGE: GET into $tmp/NAME.html
page() {
	curl -s --max-time 10 -c "$tmp/$1.jar" -b "$tmp/$1.jar" \
	    -o "$tmp/$1.html" "$base/shop/$2"
	csrf "$1"
}
# the reason of the last voucher action shown on the basket page, or ""
reason_of() { sed -n 's/.*data-reason="\([0-9]*\)".*/\1/p' "$tmp/$1.html" | head -1; }
due_of() { sed -n 's/.*id="basket-due">\([^<]*\)<.*/\1/p' "$tmp/$1.html" | head -1; }
# add NAME PRODUCT [QTY]
add() { post "$1" ws_basket.htm add --data-urlencode "product=$2" --data-urlencode "qty=${3:-1}"; }
# code NAME CODE: activates CODE in the basket and shows the basket
code() {
	post "$1" ws_basket.htm voucher_add --data-urlencode "WS-VoucherNumber=$2"
	page "$1" ws_basket.htm
}
unvoucher() {
	post "$1" ws_basket.htm voucher_remove --data-urlencode "WS-VoucherNumber=$2"
	page "$1" ws_basket.htm
}
login() {
	post "$1" ws_login.htm login --data-urlencode "login=$2" \
	    --data-urlencode "password=Geheim-1234"
	page "$1" ws_basket.htm
}
# order NAME [PAYMENT]: places the order, shows ws_order_done.htm
order() {
	post "$1" ws_place_order.htm place_order --data-urlencode "payment=${2:-invoice}" \
	    --data-urlencode "email=gast@example.com"
	page "$1" "${loc:-ws_place_order.htm}"
}
order_number() { sed -n 's/.*id="order-number">\([^<]*\)<.*/\1/p' "$tmp/$1.html" | head -1; }
expect() {	# expect WHAT GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1 (got \"$2\", want \"$3\")"; fi
}
# balance CODE: the balance the store has ("2.00": TSV of show)
balance() {
	"$WSV" --store "$store" --format tsv show "$1" 2>/dev/null |
	    awk -F '\t' 'NR == 2 { print $5; exit }'
}
ledger_has() {	# ledger_has CODE REGEX
	"$WSV" --store "$store" show "$1" 2>/dev/null | grep -Eq "$2"
}
reload() {	# reload EXTRA-LINES: new config through SIGHUP
	write_conf "$1"
	kill -HUP "$fcgi_pid"
	sleep 0.5
}

# --- 1. the handbook's example 1 ----------------------------------------------
session a
add a book-20
expect "add answers 303 to the basket" "$code $loc" "303 ws_basket.htm"
grep -q 'WSSESSION[[:space:]]*[0-9a-f]\{32\}$' "$tmp/a.jar" && ok "session cookie of 128 bits" ||
    bad "session cookie of 128 bits"
grep -qi '^Set-Cookie: WSSESSION=.*HttpOnly.*SameSite=Lax' "$tmp/a.head" 2>/dev/null ||
    grep -q 'HttpOnly' "$tmp/a.jar" && ok "cookie is HttpOnly" || bad "cookie is HttpOnly"
add a mug-5
code a ZEHN
expect "example 1: no error" "$(reason_of a)" ""
expect "example 1: book 20 + mug 5 + shipping 3 - voucher 8 = 20,00 to pay" \
    "$(due_of a)" "20,00 EUR"
grep -q '8,00 EUR' "$tmp/a.html" && ok "example 1: the voucher takes 8,00" ||
    bad "example 1: the voucher takes 8,00"
grep -q 'enthaltene MwSt. 7 %</th><td class="num">1,31 EUR' "$tmp/a.html" &&
    ok "VAT: the book's 7 % of 20,00 stays 1,31 (discount only on eligible lines)" ||
    bad "VAT: the book's 7 % of 20,00 stays 1,31"
"$WSV" --store "$store" reserved >"$tmp/out" 2>&1
grep -q 'ZEHN' "$tmp/out" && ok "the code is reserved for the basket" ||
    bad "the code is reserved for the basket"
order a
num=$(order_number a)
[ -n "$num" ] && ok "order $num placed" || { bad "order placed"; show "$tmp/a.html"; }
expect "the redeemed balance: 10,00 - 8,00" "$(balance ZEHN)" "2.00"
ledger_has ZEHN "redeem .*-8,00 EUR" && ok "ledger: a redeem entry of 8,00" ||
    bad "ledger: a redeem entry of 8,00"
"$WSV" --store "$store" reserved >"$tmp/out" 2>&1
grep -q 'ZEHN' "$tmp/out" && bad "no hold after the order" || ok "no hold after the order"
ls "$tmp/mail" | grep -q '\.eml$' && ok "confirmation mail in the spool" ||
    bad "confirmation mail in the spool"
page a ws_basket.htm
grep -q 'Ihr Warenkorb ist leer' "$tmp/a.html" && ok "the basket is empty after the order" ||
    bad "the basket is empty after the order"

# --- 2. the handbook's example 2 ---------------------------------------------------
session b
add b book-20
code b ZEHN-B
expect "example 2: reason 21 (only extra costs would be covered)" "$(reason_of b)" "21"
expect "example 2: 25,00 to pay" "$(due_of b)" "25,00 EUR"
reload "ExtraCosts-Apply = never"
code b ZEHN-B
expect "example 2 with ExtraCosts-Apply = never: reason 10" "$(reason_of b)" "10"
reload ""

# --- 3. value voucher: fully covered, the remainder stays -----------------------------
session c
add c book-20
code c WERT-50
expect "value voucher pays for the book: nothing left to pay" "$(due_of c)" "0,00 EUR"
page c ws_place_order.htm
grep -q 'id="fully-covered"' "$tmp/c.html" && ok "fully covered: no payment method offered" ||
    bad "fully covered: no payment method offered"
grep -q 'name="payment"' "$tmp/c.html" && bad "no payment radio buttons" ||
    ok "no payment radio buttons"
post c ws_place_order.htm place_order --data-urlencode "email=gast@example.com"
page c "${loc:-x}"
[ -n "$(order_number c)" ] && ok "fully covered order completes without a payment method" ||
    bad "fully covered order completes without a payment method"
expect "the remainder stays on the code (50 - 25)" "$(balance WERT-50)" "25.00"
session c2
add c2 tea-50
code c2 WERT-50
expect "the remainder pays in the next basket: 50 + 3 - 25" "$(due_of c2)" "28,00 EUR"

# --- 4. Standard_RemainderExpires ---------------------------------------------------------
session d
add d book-20
code d EINMAL-15
expect "RemainderExpires: 25 - 15" "$(due_of d)" "10,00 EUR"
order d
expect "RemainderExpires: the rest is forfeited" "$(balance EINMAL-15)" "0.00"
session d2
add d2 book-20
code d2 EINMAL-15
expect "RemainderExpires: used up afterwards (5)" "$(reason_of d2)" "5"

# --- 5. NewCustomersOnly (Standard) --------------------------------------------------------
session e
add e mug-5
code e NEU-R
expect "NewCustomersOnly as a guest: login required (11)" "$(reason_of e)" "11"
login e alt@example.com
grep -q 'Otto Alt' "$tmp/e.html" && ok "login shows the customer" || bad "login shows the customer"
code e NEU-R
expect "NewCustomersOnly, customer with orders: 14" "$(reason_of e)" "14"
session e2
add e2 mug-5
login e2 neu@example.com
code e2 NEU-R
expect "Standard_RemainderReusable_NewCustomersOnly, new customer: accepted" "$(reason_of e2)" ""
unvoucher e2 NEU-R
code e2 NEU-E
expect "Standard_RemainderExpires_NewCustomersOnly, new customer: accepted" "$(reason_of e2)" ""

# --- 6. Universal_NoRestrictions with a maximum of 2 ------------------------------------
for s in u1 u2 u3; do session $s; add $s mug-5; done
code u1 UNI-2
expect "universal: first activation" "$(reason_of u1)" ""
code u2 UNI-2
expect "universal: second activation" "$(reason_of u2)" ""
code u3 UNI-2
expect "universal: the third gets 13 (maximum reached)" "$(reason_of u3)" "13"
grep -q '1,00 EUR' "$tmp/u1.html" && ok "10 % of 5,00 + 5,00 shipping = 1,00" ||
    { bad "10 % of 5,00 + 5,00 shipping = 1,00"; grep -n 'EUR' "$tmp/u1.html" | sed 's/^/#   /'; }
unvoucher u1 UNI-2
ledger_has UNI-2 "uncount" && ok "Gutschein löschen gives the count back" ||
    bad "Gutschein löschen gives the count back"
code u3 UNI-2
expect "universal: after the removal the third gets it" "$(reason_of u3)" ""

# --- 7. Universal_OncePerCustomer -----------------------------------------------------
session o
add o mug-5
code o PRO-KUNDE
expect "OncePerCustomer as a guest: 11" "$(reason_of o)" "11"
login o zwei@example.com
code o PRO-KUNDE
expect "OncePerCustomer, logged in: accepted" "$(reason_of o)" ""
order o
[ -n "$(order_number o)" ] && ok "OncePerCustomer: order placed" || bad "OncePerCustomer: order placed"
add o mug-5
code o PRO-KUNDE
expect "OncePerCustomer, second time: 12" "$(reason_of o)" "12"

# --- 8. Universal_NewCustomersOnly ----------------------------------------------------------
session n
add n mug-5
login n alt@example.com
code n NUR-NEU
expect "Universal_NewCustomersOnly, customer with orders: 14" "$(reason_of n)" "14"
session n2
add n2 mug-5
login n2 neu@example.com
code n2 NUR-NEU
expect "Universal_NewCustomersOnly, new customer: accepted" "$(reason_of n2)" ""

# --- 9. Universal_customerBinding (handbook: 2467) -------------------------------------------
session k
add k mug-5
code k 2467
expect "customer binding as a guest: 17" "$(reason_of k)" "17"
login k neu@example.com
code k 2467
expect "customer binding, first customer: accepted" "$(reason_of k)" ""
order k
"$WSV" --store "$store" show 2467 >"$tmp/out" 2>&1
grep -q 'neu@example.com' "$tmp/out" && ok "2467 is bound to its first customer" ||
    bad "2467 is bound to its first customer"
session k2
add k2 mug-5
login k2 alt@example.com
code k2 2467
expect "customer binding, another customer: 18" "$(reason_of k2)" "18"
session k3
add k3 mug-5
login k3 neu@example.com
code k3 2467
expect "customer binding, the bound customer again: accepted" "$(reason_of k3)" ""

# --- 10. reservation, expiry and removal --------------------------------------------
session r1
add r1 tea-50
code r1 RES-1
expect "reservation: first basket" "$(reason_of r1)" ""
session r2
add r2 tea-50
code r2 RES-1
expect "reserved elsewhere: 19" "$(reason_of r2)" "19"
echo $((23 * 3600)) >"$tmp/clock"
code r2 RES-1
expect "after 23 hours still reserved: 19" "$(reason_of r2)" "19"
echo $((25 * 3600)) >"$tmp/clock"
code r2 RES-1
expect "after 25 hours the reservation ran out: the other basket gets it" "$(reason_of r2)" ""
echo 0 >"$tmp/clock"
unvoucher r2 RES-1
expect "Gutschein löschen: no error" "$(reason_of r2)" ""
ledger_has RES-1 "release" && ok "removal releases the reservation at once" ||
    bad "removal releases the reservation at once"
code r1 RES-1
expect "released: the first basket can have it again" "$(reason_of r1)" ""

# --- 11. a changed basket: drop or block (PreventOrdersWithVoucherNotApplicable) ---------
session p
add p book-20
add p mug-5
code p ZEHN-B
post p ws_basket.htm remove --data-urlencode "product=mug-5"
page p ws_basket.htm
grep -q 'kann für diesen Warenkorb nicht mehr verwendet werden' "$tmp/p.html" &&
    ok "the basket shows that the voucher no longer applies" ||
    bad "the basket shows that the voucher no longer applies"
reload "PreventOrdersWithVoucherNotApplicable = yes"
order p
expect "Prevent... = yes: the order is blocked with reason 21" "$(reason_of p)" "21"
reload ""
order p
[ -n "$(order_number p)" ] && ok "Prevent... = no: the order goes through without the voucher" ||
    bad "Prevent... = no: the order goes through without the voucher"
expect "the dropped voucher was not redeemed" "$(balance ZEHN-B)" "10.00"

# --- 12. MultiVoucher-Allow and VoucherInputLocation ------------------------------------
session m
add m tea-50
code m ZEHN-B
code m WERT-30
expect "MultiVoucher-Allow = no: a second voucher is refused (15)" "$(reason_of m)" "15"
reload "MultiVoucher-Allow = yes"
code m WERT-30
expect "MultiVoucher-Allow = yes: a second voucher is accepted" "$(reason_of m)" ""
expect "promotional first, then the value voucher: 50 + 3 - 10 - 30 = 13" "$(due_of m)" "13,00 EUR"
reload "VoucherInputLocation = placeorder"
post m ws_basket.htm voucher_add --data-urlencode "WS-VoucherNumber=RES-1"
expect "VoucherInputLocation = placeorder: the basket refuses codes" "$code" "400"
page m ws_place_order.htm
grep -q 'id="gutscheincode"' "$tmp/m.html" && ok "the code input is on the order page" ||
    bad "the code input is on the order page"
reload ""

# --- 13. a gift voucher bought up to the second mail ------------------------------------
session g
add g gift-25
code g RES-1
expect "a voucher cannot buy a voucher (24)" "$(reason_of g)" "24"
before=$(ls "$tmp/mail" | wc -l)
order g invoice
grep -q 'nur online bezahlt' "$tmp/g.html" && ok "gift voucher with invoice: refused" ||
    { bad "gift voucher with invoice: refused"; show "$tmp/g.html" 5; }
order g paypal
gnum=$(order_number g)
[ -n "$gnum" ] && ok "gift voucher order $gnum placed with paypal" || bad "gift voucher order placed"
grep -q 'Wir warten auf die Bestätigung' "$tmp/g.html" && ok "the order waits for the payment" ||
    bad "the order waits for the payment"
first=$(ls -t "$tmp/mail"/*.eml | head -1)
grep -q "$gnum" "$first" && ok "first mail: the order confirmation" || bad "first mail: the order confirmation"
grep -Eq '[23456789A-HJ-NP-Z]{4}-[23456789A-HJ-NP-Z]{4}-' "$first" &&
    bad "the first mail carries no code" || ok "the first mail carries no code"
# callback SIGNATURE-KEY TRANSACTION AMOUNT [TIMESTAMP]
callback() {
	ts=${4:-$(date +%s)}
	msg="order=$gnum&transaction=$2&amount=$3&timestamp=$ts"
	sig=$(printf '%s' "$msg" | openssl dgst -sha256 -hmac "$1" | sed 's/^.*= *//')
	code=$(curl -s --max-time 10 -o "$tmp/cb" -w '%{http_code}' \
	    -H 'Content-Type: application/x-www-form-urlencoded' \
	    --data "$msg&signature=$sig" "$base/shop/payment_callback") || code=curl-error
}
callback "wrong-secret-0123456789abcdef0123456789" TX-1 2500
expect "callback with a wrong signature: 403" "$code" "403"
callback "$secret" TX-1 2500 $(( $(date +%s) - 3600 ))
expect "callback signed an hour ago: 403 (replay window)" "$code" "403"
callback "$secret" TX-1 2400
expect "callback with the wrong amount: 409" "$code" "409"
callback "$secret" TX-1 2500
expect "callback: 200 processed" "$code $(cat "$tmp/cb")" "200 processed"
second=$(ls -t "$tmp/mail"/*.eml | head -1)
gcode=$(grep -Eo '[23456789A-HJ-NP-Z]{4}-[23456789A-HJ-NP-Z]{4}-[23456789A-HJ-NP-Z]{4}-[23456789A-HJ-NP-Z]{4}-?[23456789A-HJ-NP-Z]*' "$second" | head -1)
[ -n "$gcode" ] && ok "second mail carries the new code $gcode" ||
    { bad "second mail carries the new code"; show "$second"; }
n1=$(ls "$tmp/mail" | wc -l)
callback "$secret" TX-1 2500
expect "the same callback again: already processed" "$code $(cat "$tmp/cb")" "200 already processed"
n2=$(ls "$tmp/mail" | wc -l)
expect "no third mail" "$n2" "$n1"
expect "the new code holds 25,00" "$(balance "$gcode")" "25.00"
session g2
add g2 book-20
code g2 "$gcode"
expect "the bought code pays in the shop: 20 + 5 - 25" "$(due_of g2)" "0,00 EUR"
[ "$before" -lt "$n2" ] && ok "mails: $before before, $n2 after" || bad "mails were written"
# a provider's confirmation used again, for another order: refused
session g3
add g3 gift-25
order g3 paypal
gnum=$(order_number g3)
callback "$secret" TX-1 2500
expect "the same transaction for another order: 409" "$code" "409"
page g3 ws_order_done.htm
grep -q 'Wir warten auf die Bestätigung' "$tmp/g3.html" &&
    ok "that order still waits for its payment" || bad "that order still waits for its payment"
callback "$secret" TX-3 2500
expect "its own transaction: 200 processed" "$code $(cat "$tmp/cb")" "200 processed"

# --- 14. one visitor, several requests at once ------------------------------------
# padd PRODUCT / porder: one request of visitor q that only reads the
# cookie jar (parallel writers of one jar would spoil it)
padd() {
	curl -s --max-time 10 -b "$tmp/q.jar" -o /dev/null \
	    --data-urlencode "csrf=$tok_q" --data-urlencode "product=$1" \
	    --data-urlencode "qty=1" "$base/shop/ws_basket.htm?action=add"
}
porder() {
	curl -s --max-time 10 -b "$tmp/q.jar" -o /dev/null \
	    --data-urlencode "csrf=$tok_q" --data-urlencode "payment=invoice" \
	    --data-urlencode "email=gast@example.com" \
	    "$base/shop/ws_place_order.htm?action=place_order"
}
session q
pids_q=""
for i in 1 2 3 4 5 6 7 8; do
	padd mug-5 &
	pids_q="$pids_q $!"
done
for p in book-20 tea-50; do padd $p & pids_q="$pids_q $!"; done
# shellcheck disable=SC2086
wait $pids_q
page q ws_basket.htm
qty=$(grep -o 'name="qty" value="[0-9]*" min="0" max="99" aria-label="Menge Kaffeebecher"' "$tmp/q.html" |
    sed 's/.*value="\([0-9]*\)".*/\1/' | head -1)
expect "8 parallel adds of one product by one visitor: quantity 8" "$qty" "8"
grep -q 'Preisgebundenes Buch' "$tmp/q.html" && grep -q 'Teeservice' "$tmp/q.html" &&
    ok "parallel adds of other products are all kept" ||
    bad "parallel adds of other products are all kept"
m0=$(ls "$tmp/mail" | wc -l)
pids_q=""
for i in 1 2 3; do porder & pids_q="$pids_q $!"; done
# shellcheck disable=SC2086
wait $pids_q
m1=$(ls "$tmp/mail" | wc -l)
expect "three clicks on order at once: one order, one mail" "$((m1 - m0))" "1"

finish
