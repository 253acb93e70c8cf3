#!/bin/sh
# pos-client.sh - a small client of the wsvoucher POS/ERP API (doc/api.md).
#
#   pos-client.sh [-u URL] [-k CLIENT:KEY] [-i ID] [-v] OP CODE [AMOUNT] [TRANSACTION]
#
#   check      CODE [AMOUNT]              would the code pay, and how much?
#   reserve    CODE AMOUNT TRANSACTION    hold it for this sale
#   redeem     CODE AMOUNT TRANSACTION    take AMOUNT (the reserved one)
#   cancel     CODE TRANSACTION           give the sale's hold back
#   topup      CODE AMOUNT [TRANSACTION]  raise a gift voucher's balance
#   ledger     CODE                       the voucher and its movements
#   invalidate CODE REASON                block the code for good
#
# AMOUNT is money like 12.50.  URL is the shop's base, default
# $WSVOUCHER_API_URL or http://127.0.0.1:8080; the key comes from -k or
# $WSVOUCHER_API_KEY (CLIENT:KEY as `wsvoucher apikey` printed it).
#
# Every changing call gets a new Idempotency-Key.  When no answer comes
# (no connection, a timeout, a 502/503/504), the very same request is sent
# again with the same key, up to $WSVOUCHER_API_TRIES times in all
# (default 3): the server runs it at most once.  -i ID sends ID as the
# Idempotency-Key instead (to repeat a call whose outcome is unknown; the
# same OP, CODE, AMOUNT and TRANSACTION, or the answer is 409).  The
# answer (XML) goes to standard output.  -v tells each attempt and its key
# on standard error.
#
# Exit status: 0 done, 1 refused (the answer's <reason> says why), 2 the
# request was not accepted (4xx: bad field, key, permission, ...), 3 no
# answer after the last attempt (nothing is known: retry later with the
# same key, or look at the ledger), 64 usage.
#
# Needs curl 7.55 or later.  The key is handed to curl in a file, never on
# its command line, so `ps` does not show it.
set -u

url=${WSVOUCHER_API_URL:-http://127.0.0.1:8080}
key=${WSVOUCHER_API_KEY:-}
tries=${WSVOUCHER_API_TRIES:-3}
verbose=0
idem=""

usage() {
	sed -n '4,16p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 64
}
say() { [ "$verbose" = 1 ] && echo "pos-client: $*" >&2; return 0; }

while getopts u:k:i:v opt; do
	case $opt in
	u) url=$OPTARG ;;
	i) idem=$OPTARG ;;
	k) key=$OPTARG ;;
	v) verbose=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || usage
op=$1 code=$2
shift 2
amount="" txn="" reason=""
case $op in
check)		[ $# -le 1 ] || usage; amount=${1:-} ;;
reserve|redeem)	[ $# -eq 2 ] || usage; amount=$1 txn=$2 ;;
cancel)		[ $# -eq 1 ] || usage; txn=$1 ;;
topup)		case $# in 1|2) ;; *) usage ;; esac; amount=$1 txn=${2:-} ;;
ledger)		[ $# -eq 0 ] || usage ;;
invalidate)	[ $# -eq 1 ] || usage; reason=$1 ;;
*)		usage ;;
esac
case $key in
?*:?*) ;;
*) echo "pos-client: give the key as -k CLIENT:KEY or in WSVOUCHER_API_KEY" >&2
   exit 64 ;;
esac
case $tries in
'' | *[!0-9]* | 0) tries=3 ;;
esac

# text for XML: & < > escaped
xml() { printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pos-client-XXXXXX") || exit 3
trap 'rm -rf "$tmp"' EXIT
trap 'rm -rf "$tmp"; exit 3' INT TERM
umask 077

# the body, written once: a retry sends the very same bytes
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n'
	printf '<%s xmlns="urn:wsvoucher:api:1">\n' "$op"
	printf '  <code>%s</code>\n' "$(xml "$code")"
	[ -n "$txn" ] && printf '  <transaction>%s</transaction>\n' "$(xml "$txn")"
	[ -n "$amount" ] && printf '  <amount>%s</amount>\n' "$(xml "$amount")"
	[ -n "$reason" ] && printf '  <reason>%s</reason>\n' "$(xml "$reason")"
	printf '</%s>\n' "$op"
} >"$tmp/body"

# the headers, the key among them, in a file only this user can read
{
	printf 'Authorization: Bearer %s\n' "$key"
	printf 'Content-Type: application/xml\n'
	case $op in
	check|ledger) ;;
	*)	# 128 random bits: a new key for a new request
		[ -n "$idem" ] ||
		    idem="pos-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
		printf 'Idempotency-Key: %s\n' "$idem" ;;
	esac
} >"$tmp/headers"

attempt=1
while :; do
	say "attempt $attempt of $tries: POST $url/api/$op" \
	    "${idem:+Idempotency-Key $idem}"
	status=$(curl -s -S --connect-timeout 5 --max-time 30 -X POST \
	    -H @"$tmp/headers" --data-binary @"$tmp/body" \
	    -o "$tmp/answer" -w '%{http_code}' "$url/api/$op" 2>"$tmp/err")
	rc=$?
	if [ $rc = 0 ]; then
		case $status in
		502 | 503 | 504) say "HTTP $status" ;;
		*) break ;;
		esac
	else
		say "no answer: $(cat "$tmp/err")"
	fi
	if [ "$attempt" -ge "$tries" ]; then
		# the program's own 503 is an answer worth showing
		[ $rc = 0 ] && grep -q '<answer' "$tmp/answer" 2>/dev/null &&
		    cat "$tmp/answer"
		echo "pos-client: no answer after $tries attempts; the" \
		    "outcome is unknown${idem:+: repeat it with -i $idem}" >&2
		exit 3
	fi
	sleep "$attempt"
	attempt=$((attempt + 1))
done

cat "$tmp/answer"
result=$(sed -n 's/.*<answer [^>]*result="\([a-z]*\)".*/\1/p' "$tmp/answer" |
    head -n 1)
case $status in
200)
	case $result in
	done) exit 0 ;;
	refused) exit 1 ;;
	esac
	echo "pos-client: HTTP 200 without a result" >&2
	exit 3 ;;
4??)	exit 2 ;;
*)	echo "pos-client: HTTP $status" >&2
	exit 3 ;;
esac
