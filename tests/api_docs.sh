#!/bin/sh
# tests/api_docs.sh - the POS/ERP API reference (doc/api.md) against the
# real thing:
#   1. every example request of doc/examples validates against
#      doc/api.xsd (the import body against doc/vouchers.xsd), every
#      example answer too, and the schema refuses what the server refuses;
#   2. sent in their order to a real wsvoucher.fcgi behind lighttpd, the
#      example requests get the example answers (times aside) with the
#      documented HTTP status, and the live answers validate;
#   3. idempotency as documented: a replay is the same bytes with
#      Idempotent-Replay, another body under a used key is 409, an import
#      refused for its content records nothing; 401 without a key;
#   4. doc/examples/pos-client.sh sells with a voucher: check, reserve,
#      redeem, cancel on abort, its exit codes and its retry with the same
#      Idempotency-Key when no answer comes.
# Exit 77 = skipped (no xmllint, lighttpd, curl or wsvoucher.fcgi).
#
# After a change of the API: API_DOCS_WRITE=1 writes the live answers over
# doc/examples/*-answer.xml; look at the diff, then document it.
set -u

TEST_NAME=api_docs
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source-path=SCRIPTDIR source=http/lib.sh
. "$srcdir/tests/http/lib.sh"
command -v xmllint >/dev/null 2>&1 || skip "xmllint not found (libxml2-utils)"
command -v lighttpd >/dev/null 2>&1 || skip "lighttpd not found"
ex="$srcdir/doc/examples"
xsd="$srcdir/doc/api.xsd"
write=${API_DOCS_WRITE:-}

finish() {
	[ "$failed" != 0 ] && [ -s "$tmp/fcgi.log" ] && { echo "# $tmp/fcgi.log:"; show "$tmp/fcgi.log" 40; }
	verdict
}
fatal() {	# a setup step failed: nothing after it can run
	bad "$1"
	show_logs "$tmp/lighttpd.log" "$tmp/err"
	finish
}

# valid SCHEMA FILE: xmllint accepts FILE (its complaints in $tmp/xsd.err)
valid() { xmllint --noout --nonet --schema "$1" "$2" >"$tmp/xsd.err" 2>&1; }

# --- 1. the examples and the schema -----------------------------------------
xmllint --noout --nonet "$xsd" 2>"$tmp/err" || fatal "doc/api.xsd is well-formed"
examples="check reserve redeem cancel topup invalidate ledger import refused invalid"
for n in $examples; do
	for part in request answer; do
		[ -f "$ex/$n-$part.xml" ] || bad "doc/examples/$n-$part.xml exists"
	done
done
for f in "$ex"/*-request.xml; do
	[ -f "$f" ] || continue
	n=$(basename "$f")
	case $n in
	import-request.xml)
		if valid "$srcdir/doc/vouchers.xsd" "$f"; then
			ok "$n validates against doc/vouchers.xsd"
		else bad "$n validates against doc/vouchers.xsd"; show "$tmp/xsd.err"; fi ;;
	invalid-request.xml)
		# the server's 400 (invalid-answer.xml): the schema refuses it too
		if valid "$xsd" "$f"; then bad "doc/api.xsd refuses $n"
		else ok "doc/api.xsd refuses $n, as the server does"; fi ;;
	*)
		if valid "$xsd" "$f"; then ok "$n validates against doc/api.xsd"
		else bad "$n validates against doc/api.xsd"; show "$tmp/xsd.err"; fi ;;
	esac
done
for f in "$ex"/*-answer.xml; do
	[ -f "$f" ] || continue
	n=$(basename "$f")
	if valid "$xsd" "$f"; then ok "$n validates against doc/api.xsd"
	else bad "$n validates against doc/api.xsd"; show "$tmp/xsd.err"; fi
done

# the schema is not a sieve: what the server refuses, it refuses too
refuse() {	# DESCRIPTION XML
	printf '%s\n' "$2" >"$tmp/neg.xml"
	if valid "$xsd" "$tmp/neg.xml"; then bad "doc/api.xsd refuses $1"
	else ok "doc/api.xsd refuses $1"; fi
}
ns='xmlns="urn:wsvoucher:api:1"'
refuse "an amount of 0.00" "<check $ns><code>A</code><amount>0.00</amount></check>"
refuse "an amount with one decimal" "<check $ns><code>A</code><amount>1.5</amount></check>"
refuse "an amount with a leading zero" "<check $ns><code>A</code><amount>05.00</amount></check>"
refuse "an amount above 10000000.00" \
    "<check $ns><code>A</code><amount>10000000.01</amount></check>"
refuse "a transaction of 33 characters" \
    "<cancel $ns><code>A</code><transaction>123456789012345678901234567890123</transaction></cancel>"
refuse "a transaction with a space" \
    "<cancel $ns><code>A</code><transaction>K1 7</transaction></cancel>"
refuse "hold-minutes 1441" "<reserve $ns><code>A</code><transaction>T</transaction><amount>1.00</amount><hold-minutes>1441</hold-minutes></reserve>"
refuse "a field given twice" "<ledger $ns><code>A</code><code>B</code></ledger>"
refuse "an attribute on a field" "<ledger $ns><code x=\"1\">A</code></ledger>"
refuse "a field of another operation" \
    "<check $ns><code>A</code><reason>T</reason></check>"
refuse "a request without the namespace" "<check><code>A</code></check>"
refuse "redeem without a transaction" \
    "<redeem $ns><code>A</code><amount>1.00</amount></redeem>"
refuse "an answer with result ok" "<answer $ns op=\"check\" result=\"ok\"/>"
refuse "a negative amount in an answer" \
    "<answer $ns op=\"check\" result=\"done\"><amount>-1.00</amount></answer>"

# --- 2. a shop with three API clients --------------------------------------
store="$tmp/store"
conf="$tmp/shop.config"
tpl="$tmp/templates"
mkdir -p "$tpl"
# key NAME OPERATIONS: the <Voucher-API> line into $tmp/api.lines, the
# Bearer credentials CLIENT:KEY into $tmp/NAME.key
key() {
	"$WSV" apikey "$1" "$2" >"$tmp/apikey.out" 2>"$tmp/err" ||
	    fatal "wsvoucher apikey $1"
	sed -n 's/^#   Authorization: Bearer //p' "$tmp/apikey.out" >"$tmp/$1.key"
	grep -v '^#' "$tmp/apikey.out" >>"$tmp/api.lines"
	grep -q "^$1:[0-9a-f]\{64\}\$" "$tmp/$1.key" || fatal "wsvoucher apikey $1 prints a key"
}
: >"$tmp/api.lines"
key kasse-1 check,reserve,redeem,cancel,topup,ledger
key kasse-2 check,reserve,redeem,cancel
key erp all
{
	cat <<CFG
<Voucher-Txt>
Store-Directory = $store
Store-Durable = no
ExternalVouchers-Allow = yes
</Voucher-Txt>
<Voucher-API>
Hold-Minutes = 15
RequestIds-Hours = 48
Import-MaxBytes = 1048576
CFG
	cat "$tmp/api.lines"
	echo "</Voucher-API>"
} >"$conf"
"$WSV" check-config "$conf" >"$tmp/out" 2>"$tmp/err" || fatal "wsvoucher check-config"
"$WSV" --store "$store" init >"$tmp/out" 2>"$tmp/err" || fatal "wsvoucher init"
{
	echo '<vouchers xmlns="urn:wsvoucher:vouchers:1">'
	for c in FZJW-6ZFV-YEXV-GNYS-D 67YJ-RGJT-Q5TM-X3X5-D 6CS5-AHDN-7DWB-GN84-B; do
		echo "<voucher><Number>$c</Number><Amount>50.00</Amount>"
		echo "<Type>Standard_RemainderReusable</Type><Type2>purchased</Type2>"
		echo "<ChargeId>GIFT-2026-12</ChargeId></voucher>"
	done
	echo "<voucher><Number>POS-TEST-1</Number><Amount>30.00</Amount>"
	echo "<Type2>purchased</Type2></voucher>"
	echo '</vouchers>'
} >"$tmp/vouchers.xml"
"$WSV" --store "$store" --config "$conf" --actor cli:operator import \
    "$tmp/vouchers.xml" >"$tmp/out" 2>"$tmp/err" || fatal "wsvoucher import"
cp "$srcdir"/templates/*.htm "$tpl"/ || fatal "copy the shipped templates"
ok "store, config with kasse-1, kasse-2 and erp, vouchers made"

start_fcgi "$conf" "$tpl" "$store"
start_lighttpd
api="$base/api"

# call NAME CLIENT OP BODYFILE [IDEMPOTENCY-KEY]: POST /api/OP; body in
# $tmp/NAME.body, headers in $tmp/NAME.head, status in $code
call() {
	cn=$1 cc=$2 cop=$3 cb=$4
	ck=${5:-}
	code=$(curl -s --max-time 10 -D "$tmp/$cn.head" -o "$tmp/$cn.body" \
	    -w '%{http_code}' -X POST \
	    -H "Authorization: Bearer $(cat "$tmp/$cc.key")" \
	    -H 'Content-Type: application/xml' \
	    ${ck:+-H "Idempotency-Key: $ck"} \
	    --data-binary @"$cb" "$api/$cop") || code="curl-error-$?"
}
# times differ from run to run
untimed() {
	sed 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z/TIME/g' "$1"
}
# example NAME CLIENT OP IDEMPOTENCY-KEY STATUS: doc/examples/NAME-request.xml
# gets STATUS and doc/examples/NAME-answer.xml
example() {
	call "ex-$1" "$2" "$3" "$ex/$1-request.xml" "$4"
	if [ "$code" = "$5" ]; then ok "$1: /api/$3 by $2 -> $5"
	else bad "$1: /api/$3 by $2 -> $5 (got $code)"; show "$tmp/ex-$1.body"; fi
	if valid "$xsd" "$tmp/ex-$1.body"; then ok "$1: the live answer validates"
	else bad "$1: the live answer validates"; show "$tmp/xsd.err"; fi
	if [ -n "$write" ]; then
		cp "$tmp/ex-$1.body" "$ex/$1-answer.xml"
		ok "$1: written to doc/examples/$1-answer.xml"
	elif untimed "$tmp/ex-$1.body" >"$tmp/live" &&
	    untimed "$ex/$1-answer.xml" >"$tmp/doc" &&
	    cmp -s "$tmp/live" "$tmp/doc"; then
		ok "$1: the answer is doc/examples/$1-answer.xml"
	else
		bad "$1: the answer is doc/examples/$1-answer.xml"
		diff "$tmp/doc" "$tmp/live" | sed 's/^/#   /' | head -20
	fi
}

# a sale at register 1 with a gift voucher, register 2 finding it held
example check kasse-1 check "" 200
example reserve kasse-1 reserve K1-2026-000123-reserve 200
example refused kasse-2 reserve K2-2026-000057-reserve 200
example redeem kasse-1 redeem K1-2026-000123-redeem 200
# another sale reserves a voucher, then is aborted
cat >"$tmp/reserve2.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<reserve xmlns="urn:wsvoucher:api:1">
  <code>67YJ-RGJT-Q5TM-X3X5-D</code>
  <transaction>K1-2026-000124</transaction>
  <amount>30.00</amount>
</reserve>
XML
call reserve2 kasse-1 reserve "$tmp/reserve2.xml" K1-2026-000124-reserve
if [ "$code" = 200 ] && grep -q 'result="done"' "$tmp/reserve2.body"; then
	ok "sale K1-2026-000124 reserves 67YJ-RGJT-Q5TM-X3X5-D"
else bad "sale K1-2026-000124 reserves 67YJ-RGJT-Q5TM-X3X5-D"; show "$tmp/reserve2.body"; fi
example cancel kasse-1 cancel K1-2026-000124-cancel 200
example topup kasse-1 topup K1-2026-000125-topup 200
example ledger kasse-1 ledger "" 200
example invalidate erp invalidate erp-20261206-0001 200
example import erp import erp-20261206-0002 200
example invalid kasse-1 reserve K1-2026-000126-reserve 400

# --- 3. idempotency and refusals as documented ----------------------------------
call replay kasse-1 reserve "$ex/reserve-request.xml" K1-2026-000123-reserve
if [ "$code" = 200 ] && cmp -s "$tmp/replay.body" "$tmp/ex-reserve.body"; then
	ok "a replay answers the stored bytes"
else bad "a replay answers the stored bytes"; show "$tmp/replay.body"; fi
if tr -d '\r' <"$tmp/replay.head" | grep -qi '^Idempotent-Replay: true$'; then
	ok "a replay has Idempotent-Replay: true"
else bad "a replay has Idempotent-Replay: true"; show "$tmp/replay.head"; fi
if tr -d '\r' <"$tmp/ex-reserve.head" | grep -qi '^Idempotent-Replay'; then
	bad "the first answer has no Idempotent-Replay"
else ok "the first answer has no Idempotent-Replay"; fi
call other kasse-1 reserve "$ex/refused-request.xml" K1-2026-000123-reserve
if [ "$code" = 409 ] && grep -q 'field="Idempotency-Key"' "$tmp/other.body"; then
	ok "another body under a used Idempotency-Key -> 409"
else bad "another body under a used Idempotency-Key -> 409 (got $code)"; show "$tmp/other.body"; fi
call samekey kasse-2 reserve "$ex/refused-request.xml" K1-2026-000123-reserve
if [ "$code" = 200 ] && ! tr -d '\r' <"$tmp/samekey.head" | grep -qi '^Idempotent-Replay'; then
	ok "Idempotency-Keys are per client"
else bad "Idempotency-Keys are per client (got $code)"; show "$tmp/samekey.head"; fi
call nokey kasse-1 reserve "$ex/reserve-request.xml"
if [ "$code" = 400 ] && grep -q 'field="Idempotency-Key"' "$tmp/nokey.body"; then
	ok "a changing call without Idempotency-Key -> 400"
else bad "a changing call without Idempotency-Key -> 400 (got $code)"; fi
code=$(curl -s --max-time 10 -D "$tmp/anon.head" -o "$tmp/anon.body" -w '%{http_code}' \
    -H 'Content-Type: application/xml' --data-binary @"$ex/check-request.xml" \
    "$api/check") || code=curl-error
if [ "$code" = 401 ] && tr -d '\r' <"$tmp/anon.head" | grep -qi '^WWW-Authenticate: Bearer'; then
	ok "no Authorization -> 401 with WWW-Authenticate"
else bad "no Authorization -> 401 with WWW-Authenticate (got $code)"; fi
call forbidden kasse-1 invalidate "$ex/invalidate-request.xml" K1-x
if [ "$code" = 403 ]; then ok "an operation not listed for the client -> 403"
else bad "an operation not listed for the client -> 403 (got $code)"; fi
# an import refused for its content records nothing under its key
cat >"$tmp/imp-bad.xml" <<'XML'
<vouchers xmlns="urn:wsvoucher:vouchers:1">
  <voucher><Number>ERP-2026-000003</Number><Amount>5.00</Amount></voucher>
  <delete><Number>NO-SUCH-CODE</Number></delete>
</vouchers>
XML
call imp-bad erp import "$tmp/imp-bad.xml" erp-20261206-0003
if [ "$code" = 422 ] && grep -q 'line="3"' "$tmp/imp-bad.body" && valid "$xsd" "$tmp/imp-bad.body"; then
	ok "an import with an unknown code to delete -> 422, with its line"
else bad "an import with an unknown code to delete -> 422 (got $code)"; show "$tmp/imp-bad.body"; fi
sed '/<delete>/d' "$tmp/imp-bad.xml" >"$tmp/imp-good.xml"
call imp-good erp import "$tmp/imp-good.xml" erp-20261206-0003
if [ "$code" = 200 ] && grep -q '<rows>1</rows>' "$tmp/imp-good.body"; then
	ok "the same key with the corrected file imports it (nothing was recorded)"
else bad "the same key with the corrected file imports it (got $code)"; show "$tmp/imp-good.body"; fi

# --- 4. pos-client.sh ---------------------------------------------------------------
pc="$ex/pos-client.sh"
# pos NAME WANT-EXIT ARGS...: runs the client (with the environment
# assignments in $pos_env); output in $tmp/NAME.out
pos() {
	pn=$1 pw=$2
	shift 2
	# shellcheck disable=SC2086
	env ${pos_env:-} sh "$pc" "$@" >"$tmp/$pn.out" 2>"$tmp/$pn.err"
	pr=$?
	if [ "$pr" = "$pw" ]; then ok "pos-client.sh $* -> exit $pw"
	else bad "pos-client.sh $* -> exit $pw (got $pr)"; show "$tmp/$pn.out"; show "$tmp/$pn.err"; fi
}
# has NAME TEXT: the output of NAME holds TEXT
has() {
	if grep -qF "$2" "$tmp/$1.out"; then ok "  ... and says $2"
	else bad "  ... and says $2"; show "$tmp/$1.out"; fi
}
WSVOUCHER_API_URL=$base
WSVOUCHER_API_KEY=$(cat "$tmp/kasse-1.key")
export WSVOUCHER_API_URL WSVOUCHER_API_KEY

pos p-check 0 check POS-TEST-1 10.00
has p-check 'result="done"'
has p-check '<amount>10.00</amount>'
pos p-reserve 0 reserve POS-TEST-1 10.00 S-1001
has p-reserve '<reserved-until>'
has p-reserve 'request-id="pos-'
pos p-held 1 -k "$(cat "$tmp/kasse-2.key")" reserve POS-TEST-1 5.00 S-2001
has p-held '<reason code="19"'
has p-held '<reserved-until>'
pos p-redeem 0 redeem POS-TEST-1 10.00 S-1001
has p-redeem '<amount>10.00</amount>'
has p-redeem '<balance>20.00</balance>'
# the next sale is aborted: its hold goes back
pos p-reserve2 0 reserve POS-TEST-1 5.00 S-1002
pos p-cancel 0 cancel POS-TEST-1 S-1002
has p-cancel '<amount>5.00</amount>'
pos p-cancel2 1 cancel POS-TEST-1 S-1002
has p-cancel2 '<reason code="2"'
pos p-free 0 -k "$(cat "$tmp/kasse-2.key")" check POS-TEST-1 5.00
has p-free '<balance>20.00</balance>'
pos p-ledger 0 ledger POS-TEST-1
has p-ledger 'op="redeem" delta="-10.00"'
has p-ledger 'op="release"'
pos p-bad 2 reserve POS-TEST-1 12,50 S-1003
has p-bad 'field="amount"'
pos p-key 2 -k kasse-1:0000 check POS-TEST-1
pos p-usage 64 reserve POS-TEST-1 10.00
pos_env="WSVOUCHER_API_KEY="
pos p-nokey 64 check POS-TEST-1
# no answer: the same request, with the same key, once more
pick_port
pos_env="WSVOUCHER_API_TRIES=2"
pos p-down 3 -v -u "http://127.0.0.1:$port" reserve POS-TEST-1 1.00 S-1004
pos_env=""
n=$(sed -n 's/.*attempt [0-9] of 2: .*Idempotency-Key \(pos-[0-9a-f]*\).*/\1/p' \
    "$tmp/p-down.err" | sort -u | wc -l)
if [ "$(grep -c 'attempt [0-9] of 2' "$tmp/p-down.err")" = 2 ] && [ "$n" = 1 ]; then
	ok "  ... after 2 attempts with one Idempotency-Key"
else bad "  ... after 2 attempts with one Idempotency-Key"; show "$tmp/p-down.err"; fi
pos p-again 0 -i pos-0123456789abcdef reserve POS-TEST-1 1.00 S-1004
pos p-again2 0 -i pos-0123456789abcdef reserve POS-TEST-1 1.00 S-1004
if cmp -s "$tmp/p-again.out" "$tmp/p-again2.out"; then
	ok "  ... -i repeats a call: the same answer"
else bad "  ... -i repeats a call: the same answer"; fi

finish
