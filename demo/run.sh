#!/bin/sh
# demo/run.sh - the demo shop: a catalog, two customers, vouchers of every
# type, wsvoucher.fcgi and lighttpd on http://127.0.0.1:PORT/ in the
# foreground.  Everything lives in a new temporary folder; Ctrl-C stops
# everything it started and leaves the folder (store, mails) for a look.
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
	echo "demo stopped; its store and mails stay in $dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

# random hex: N bytes from /dev/urandom, 2N characters
hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

store=$dir/store
mail=$dir/mail
mkdir -p "$mail" "$dir/www" "$dir/templates" || exit 1

# --- the two customers: passwords made now, only their hashes in the config
pw_new=neu-$(hex 4)
pw_old=stamm-$(hex 4)
hash_new=$(printf '%s\n' "$pw_new" | "$wsv" passwd) || exit 1
hash_old=$(printf '%s\n' "$pw_old" | "$wsv" passwd) || exit 1
# the operator of the admin pages, and a cash register for the API
pw_admin=admin-$(hex 4)
hash_admin=$(printf '%s\n' "$pw_admin" | "$wsv" passwd) || exit 1
"$wsv" apikey kasse-1 check,reserve,redeem,cancel,ledger >"$dir/apikey.txt" ||
    exit 1
api_key=$(sed -n 's/^#   Authorization: Bearer //p' "$dir/apikey.txt")
api_line=$(grep -v '^#' "$dir/apikey.txt")
# the payment provider signs its callbacks with this (48 hex characters)
secret=$(hex 24)
[ ${#secret} = 48 ] || { echo "demo: cannot read /dev/urandom" >&2; exit 1; }

cat >"$dir/shop.config" <<CFG
# shop.config of the demo shop (demo/run.sh); see shop.config(5)

<Voucher-Txt>
# codes such as ZEHN-EURO or 2467 are not in the shop's own code format
ExternalVouchers-Allow = yes
# several demo vouchers in one basket (MultiVoucher-Max: default 10)
MultiVoucher-Allow = yes
Store-Directory = $store
</Voucher-Txt>

<Shop-Checkout>
# shipping 5,00; from a goods total of 25,00 only 3,00 (the handbook's
# examples: book 20,00 + product 5,00 -> 3,00; the book alone -> 5,00)
Shipping = 5,00
Shipping-Tiers = 25,00:3,00
PaymentMethods = invoice, prepayment, paypal, creditcard, cod:5,00
Payment-Secret = $secret
Mail-Spool = $mail
</Shop-Checkout>

<Shop-Products>
# id = price | VAT % | eligible, not-eligible or gift | name
book-20 = 20,00 | 7 | not-eligible | Roman: Die Gutscheinfälscherin (Buchpreisbindung)
mug-5 = 5,00 | 19 | eligible | Kaffeebecher Muster-Shop
tshirt = 19,90 | 19 | eligible | T-Shirt Muster-Shop
notebook = 12,90 | 19 | eligible | Notizbuch A5, liniert
tea = 8,50 | 7 | eligible | Bio-Tee Frühstücksmischung, 100 g
gift-25 = 25,00 | 0 | gift | Geschenkgutschein 25 EUR
gift-50 = 50,00 | 0 | gift | Geschenkgutschein 50 EUR
gift-100 = 100,00 | 0 | gift | Geschenkgutschein 100 EUR
</Shop-Products>

<Shop-Customers>
# login = password hash (wsvoucher passwd) | previous orders | name
neu@example.com = $hash_new | 0 | Nina Neumann
stamm@example.com = $hash_old | 3 | Stefan Stammkunde
</Shop-Customers>

<Voucher-API>
# client = sha256:KEYHASH | operations (wsvoucher apikey makes the line)
$api_line
</Voucher-API>

<Voucher-Admin>
# login = password hash (wsvoucher passwd) | name
chef = $hash_admin | Clara Chef
</Voucher-Admin>
CFG
"$wsv" check-config "$dir/shop.config" >"$dir/check.txt" 2>&1 ||
    { cat "$dir/check.txt" >&2; exit 1; }

# --- the store and one or more vouchers of every type
"$wsv" --store "$store" init >"$dir/init.txt" 2>&1 ||
    { cat "$dir/init.txt" >&2; exit 1; }
cat >"$dir/vouchers.csv" <<'CSV'
Number;Amount;AmountType;Type;Type2;MinOrderValue;MaxRedemptions;ValidFrom;ValidUntil;ChargeId
ZEHN-EURO;10,00;absolute;Standard_RemainderReusable;promotional;;;;;DEMO-WERBUNG
GESCHENK-50;50,00;absolute;Standard_RemainderReusable;purchased;;;;;DEMO-GESCHENK
EINMAL-15;15,00;absolute;Standard_RemainderExpires;promotional;;;;;DEMO-WERBUNG
NEUKUNDE-5;5,00;absolute;Standard_RemainderReusable_NewCustomersOnly;promotional;;;;;DEMO-NEUKUNDE
NEU-EINMAL;10,00;absolute;Standard_RemainderExpires_NewCustomersOnly;promotional;;;;;DEMO-NEUKUNDE
SOMMER-2026;10;percent;Universal_NoRestrictions;promotional;;100;2026-06-01;2027-12-31;SOMMER
EINMAL-PRO-KUNDE;5,00;absolute;Universal_OncePerCustomer;promotional;;;;;DEMO-UNIVERSAL
WILLKOMMEN;15;percent;Universal_NewCustomersOnly;promotional;;;;;DEMO-UNIVERSAL
2467;3,00;absolute;Universal_customerBinding;promotional;;;;;TREUE
AB-50;7,50;absolute;Universal_NoRestrictions;promotional;50,00;;;;DEMO-UNIVERSAL
ALT-2025;5,00;absolute;Universal_NoRestrictions;promotional;;;2025-01-01;2025-12-31;DEMO-UNIVERSAL
CSV
"$wsv" --store "$store" --config "$dir/shop.config" --actor demo \
    import "$dir/vouchers.csv" >"$dir/import.txt" 2>&1 ||
    { cat "$dir/import.txt" >&2; exit 1; }

# --- the payment provider, simulated: a signed confirmation of an order
cat >"$dir/pay.sh" <<PAY
#!/bin/sh
# pay.sh ORDER-NUMBER AMOUNT - the payment provider's signed confirmation
# for an order of the demo shop (made by demo/run.sh).  AMOUNT is what the
# order page shows as "Zu zahlen", in cents (2500) or as shown (25,00).
set -u
secret=$secret
url=http://127.0.0.1:$port/shop/payment_callback
mail=$mail
PAY
cat >>"$dir/pay.sh" <<'PAY'
usage() {
	echo "usage: sh $0 ORDER-NUMBER AMOUNT   (e.g. WS-000002 2500 or 25,00)" >&2
	exit 2
}
[ $# = 2 ] || usage
order=$1
case $order in
''|*[!A-Za-z0-9_-]*) usage ;;
esac
# cents: 2500, or 25,00 / 25.00 / 1.234,56 EUR with two decimals
nbsp=$(printf '\302\240')
amount=$(printf '%s' "$2" | sed "s/EUR//; s/$nbsp//g; s/[[:space:]]//g")
case $amount in
*[,.][0-9][0-9]) amount=$(printf '%s' "$amount" | tr -d ',.') ;;
esac
case $amount in
''|*[!0-9]*) usage ;;
esac
amount=$(printf '%s' "$amount" | sed 's/^0*//')
[ -n "$amount" ] || usage
for tool in openssl curl; do
	command -v $tool >/dev/null 2>&1 || {
		echo "pay.sh: $tool is not installed (apt-get install $tool)" >&2
		exit 1; }
done
txn=DEMO-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
msg="order=$order&transaction=$txn&amount=$amount&timestamp=$(date +%s)"
sig=$(printf '%s' "$msg" | openssl dgst -sha256 -hmac "$secret" |
    sed 's/^.*= *//')
case $sig in
????????????????????????????????????????????????????????????????) ;;
*) echo "pay.sh: openssl dgst gave no HMAC-SHA256" >&2; exit 1 ;;
esac
echo "POST $url"
echo "     $msg&signature=$sig"
answer=$(curl -sS -w '\n%{http_code}' \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary "$msg&signature=$sig" "$url") || exit 1
code=$(printf '%s\n' "$answer" | tail -n 1)
echo "answer: $code $(printf '%s\n' "$answer" | sed '$d')"
[ "$code" = 200 ] || exit 1
echo "the mail with the codes: $(ls -t "$mail"/*.eml | head -n 1)"
PAY
chmod 700 "$dir/pay.sh"

# --- the shop: wsvoucher.fcgi behind lighttpd
cp "$src"/templates/*.htm "$dir/templates/" || exit 1
"$fcgi" --config "$dir/shop.config" --templates "$dir/templates" \
    --socket "$dir/fcgi.sock" --workers 2 2>>"$dir/fcgi.log" &
pids="$pids $!"
i=0
while [ ! -S "$dir/fcgi.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$dir/fcgi.sock" ] || { cat "$dir/fcgi.log"; exit 1; }

# the configuration shipped in doc/, with the demo's port and paths
mkdir -p "$dir/www"
sed -e "s|^server.port = 8080|server.port = $port|" \
    -e "s|/run/wsvoucher/fcgi.sock|$dir/fcgi.sock|" \
    -e "s|/srv/shop/www|$dir/www|" \
    -e "s|/var/log/lighttpd/wsvoucher.error.log|$dir/lighttpd.log|" \
    "$src/doc/lighttpd-wsvoucher.conf" >"$dir/lighttpd.conf" || exit 1
lighttpd -D -f "$dir/lighttpd.conf" 2>>"$dir/lighttpd.log" &
pids="$pids $!"
sleep 0.5
kill -0 $! 2>/dev/null ||
    { echo "demo: lighttpd did not start (port $port in use?)"; \
      cat "$dir/lighttpd.log"; exit 1; }

shop=http://127.0.0.1:$port/shop
ssl="needs openssl"
command -v openssl >/dev/null 2>&1 ||
    ssl="needs openssl, NOT installed: apt-get install openssl"
cat <<TXT
wsvoucher demo shop in $dir

Catalog: book-20 (Roman 20,00, fixed price: promotional vouchers do not
apply), mug-5 (Kaffeebecher 5,00), T-Shirt 19,90, Notizbuch 12,90, Tee 8,50,
gift vouchers of 25, 50 and 100 EUR.  Shipping 5,00, from 25,00 goods 3,00;
payment: invoice, prepayment, PayPal, credit card, cash on delivery (+5,00).

Customers (log in on ws_login.htm):
  neu@example.com     password $pw_new    new customer until her first order
  stamm@example.com   password $pw_old  3 previous orders

Vouchers (enter the code in the basket, ws_basket.htm; reason N is Error-N
in shop.config.sample):
  ZEHN-EURO         promotional 10,00 (Standard_RemainderReusable), the
                    handbook's examples: book-20 + mug-5 -> deducts 8,00 (mug
                    and shipping), you pay 20,00, 2,00 stay on the code;
                    book-20 alone -> refused, reason 21 (it would only cover
                    shipping), you pay 25,00
  GESCHENK-50       purchased gift voucher 50,00 (Standard_RemainderReusable):
                    pays for everything, books included; a small order is
                    covered fully (no payment method on ws_place_order.htm),
                    the remainder stays on the code for the next order
  EINMAL-15         15,00 once (Standard_RemainderExpires): what the order
                    leaves is forfeited; used again: reason 5
  NEUKUNDE-5        5,00 for new customers (Standard_RemainderReusable_
                    NewCustomersOnly): log in as neu@example.com; as
                    stamm@example.com reason 14, as a guest reason 11
  NEU-EINMAL        10,00 once for new customers, remainder forfeited
                    (Standard_RemainderExpires_NewCustomersOnly)
  SOMMER-2026       10 % for everyone (Universal_NoRestrictions, at most 100
                    redemptions): the start page counts every activation,
                    "Gutschein löschen" gives it back
  EINMAL-PRO-KUNDE  5,00 once per customer account (Universal_
                    OncePerCustomer): log in; after an order with it the
                    same account gets reason 12
  WILLKOMMEN        15 % for new customers (Universal_NewCustomersOnly):
                    neu@example.com yes, stamm@example.com reason 14
  2467              3,00, bound to the first customer who redeems it
                    (Universal_customerBinding, box on the start page): a
                    guest gets reason 17; after one customer, the other
                    one gets reason 18
  AB-50             7,50 from an order value of 50,00 (MinOrderValue):
                    mug-5 alone -> reason 9
  ALT-2025          expired on 2025-12-31: reason 4
  Several at once (MultiVoucher-Allow = yes): promotional ones first, then
  gift vouchers.  Only gift vouchers pay for the book.

Buying a gift voucher: put e.g. gift-25 in the basket, pay with PayPal or
credit card (only these), order.  The confirmation mail has no code; the
code is made and mailed when the payment provider confirms.  Simulate that
with the order number and the "Zu zahlen" amount of ws_order_done.htm
(in cents or as shown), e.g. for order WS-000002 of 25,00 EUR:
  sh $dir/pay.sh WS-000002 25,00
It posts the signed callback (HMAC-SHA256 with Payment-Secret, $ssl)
to $shop/payment_callback;
the answer is "processed" and a second mail carries the code.

Admin pages: http://127.0.0.1:$port/admin/  user chef, password $pw_admin
            (search codes, a code's ledger, reserved codes with release
            and invalidate, new charges with their CSV; doc/admin.md)

POS/ERP API: client kasse-1 (check, reserve, redeem, cancel, ledger), e.g.
  WSVOUCHER_API_KEY=$api_key \\
    sh $src/doc/examples/pos-client.sh -u http://127.0.0.1:$port check GESCHENK-50
  (doc/api.md; a code a POS reserves is refused in the basket, reason 19)

Mails:      $mail (each mail is one .eml file)
Operator:   $wsv --store $store reserved
            $wsv --store $store show ZEHN-EURO
Logs:       $dir/fcgi.log, $dir/lighttpd.log

The shop:   http://127.0.0.1:$port/           (start page)

Press Ctrl-C to stop.
TXT
wait
