#!/bin/sh
# tests/cli/run.sh - the operator command line end to end on a real store:
# every command, exit codes, and that bad input (config, CSV, XML) gives a
# clear error and leaves the store's content byte for byte unchanged.
set -u

WSV=${WSVOUCHER:-./wsvoucher}
DATA=${TEST_DATA_DIR:-$(dirname "$0")/../data}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
DUMP=$(command -v db5.3_dump || command -v db_dump || true)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsv-cli-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
store="$tmp/store"
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
bad() { failed=$((failed + 1)); echo "not ok - $1"; }
# expect CODE DESCRIPTION COMMAND...: the command's exit code must be CODE
expect() {
	want=$1 what=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" = "$want" ]; then ok "$what"; else
		bad "$what (exit $got, want $want)"
		sed 's/^/#   /' "$tmp/out" "$tmp/err" | head -20
	fi
}
has() {	# has FILE TEXT DESCRIPTION
	if grep -q -- "$2" "$1"; then ok "$3"; else
		bad "$3 (no \"$2\")"; sed 's/^/#   /' "$1" | head -20; fi
}
# content of every database, as db_dump prints it (pages aside)
snapshot() {
	for f in meta vouchers charges ledger holds usage; do
		"$DUMP" -p -h "$store" "$f.db"
	done
}

# --- check-config -----------------------------------------------------------
expect 0 "sample config is OK" "$WSV" check-config "$SRC/shop.config.sample"
has "$tmp/out" '^OK$' "check-config prints OK"
cat >"$tmp/bad.config" <<'CFG'
<Voucher-Txt>
MultiVoucher-Allow = maybe
Reservation-Hours = 0
NoSuchKey = 1
CFG
expect 1 "bad config exits 1" "$WSV" check-config "$tmp/bad.config"
has "$tmp/out" 'bad.config:2' "error names file:line of the bad value"
has "$tmp/out" 'NoSuchKey' "error names the unknown key"
has "$tmp/out" 'Voucher-Txt' "error names the unclosed section"
expect 2 "check-config without file is a usage error" "$WSV" check-config

# --- store and charges --------------------------------------------------------
expect 1 "commands refuse a missing store" "$WSV" --store "$store" list
expect 0 "init creates the store" "$WSV" --store "$store" init
export WSVOUCHER_STORE="$store"
expect 0 "charge of 1000 gift vouchers" "$WSV" charge create --kind value \
    --type Standard_RemainderReusable --amount 50,00 --count 1000 \
    --creator shop --label "Xmas" --charge-id XMAS
n=$(sort -u "$tmp/out" | wc -l)
[ "$n" = 1000 ] && ok "1000 distinct codes" || bad "1000 distinct codes ($n)"
gift=$(head -n 1 "$tmp/out")
for t in Standard_RemainderExpires Standard_RemainderReusable_NewCustomersOnly \
    Standard_RemainderExpires_NewCustomersOnly Universal_NoRestrictions \
    Universal_OncePerCustomer Universal_NewCustomersOnly \
    Universal_customerBinding; do
	expect 0 "charge of type $t" "$WSV" charge create --type "$t" \
	    --amount 5 --max-redemptions 0 --valid-until 2099-12-31
done
expect 0 "percent voucher" "$WSV" charge create --type Universal_NoRestrictions \
    --percent 10 --max-redemptions 100
expect 2 "percent above 100 refused" "$WSV" charge create --percent 101
expect 2 "unknown type refused" "$WSV" charge create --type Nope --amount 5
expect 1 "value voucher cannot be universal" "$WSV" charge create \
    --kind value --type Universal_NoRestrictions --amount 5
has "$tmp/err" 'Standard type' "the refusal says why"
expect 0 "charge list" "$WSV" --format=tsv charge list
has "$tmp/out" '^XMAS	shop	Xmas	' "charge list shows id, creator, label"

# --- show, list, search -----------------------------------------------------------
expect 0 "show a code" "$WSV" show "$gift"
has "$tmp/out" 'issue' "show prints the ledger"
has "$tmp/out" '50,00 EUR' "show prints money the German way"
lower=$(printf '%s' "$gift" | tr 'A-Z' 'a-z' | tr -d '-')
expect 0 "show accepts lower case without separators" "$WSV" show "$lower"
expect 1 "show of an unknown code" "$WSV" show ABCD-EFGH-JKLM-NPQR-S
expect 0 "list as tsv" "$WSV" --format=tsv list --charge XMAS
n=$(($(wc -l <"$tmp/out") - 1))
[ "$n" = 1000 ] && ok "list --charge finds 1000" || bad "list --charge ($n)"
expect 0 "search" "$WSV" --format=tsv search "$(printf '%s' "$gift" | cut -c1-9)"
has "$tmp/out" "$gift" "search finds the code"

# --- reserved, release, invalidate ----------------------------------------------
expect 0 "nothing reserved yet" "$WSV" --format=tsv reserved
[ "$(wc -l <"$tmp/out")" = 1 ] && ok "reserved: header only" || bad "reserved: header only"
expect 0 "release of an unreserved code" "$WSV" release "$gift"
has "$tmp/out" '0 holds released' "release says how many"
expect 2 "invalidate needs a reason" "$WSV" invalidate "$gift"
expect 0 "invalidate" "$WSV" invalidate "$gift" --reason "reported stolen"
expect 1 "invalidate twice" "$WSV" invalidate "$gift" --reason again
expect 0 "show after invalidate" "$WSV" --format=tsv show "$gift"
has "$tmp/out" 'invalidated' "state is invalidated"
has "$tmp/out" 'reported stolen' "the reason is in the ledger"

# --- export / import round trip ----------------------------------------------------
expect 0 "export csv" "$WSV" export --output "$tmp/all.csv"
expect 0 "export xml" "$WSV" export --xml --output "$tmp/all.xml"
store2="$tmp/store2"
expect 0 "second store" "$WSV" --store "$store2" init
expect 0 "import the csv export" "$WSV" --store "$store2" import "$tmp/all.csv"
expect 0 "export it again" "$WSV" --store "$store2" export --output "$tmp/again.csv"
if cmp -s "$tmp/all.csv" "$tmp/again.csv"; then ok "csv round trip is exact"
else bad "csv round trip is exact"; diff "$tmp/all.csv" "$tmp/again.csv" | head; fi
store3="$tmp/store3"
expect 0 "third store" "$WSV" --store "$store3" init
expect 0 "import the xml export" "$WSV" --store "$store3" import "$tmp/all.xml"
expect 0 "export it as csv" "$WSV" --store "$store3" export --output "$tmp/x.csv"
if cmp -s "$tmp/all.csv" "$tmp/x.csv"; then ok "xml round trip is exact"
else bad "xml round trip is exact"; diff "$tmp/all.csv" "$tmp/x.csv" | head; fi

# --- bad input changes nothing -------------------------------------------------------
if [ -z "$DUMP" ]; then
	bad "db5.3_dump not installed (db5.3-util)"
else
	snapshot >"$tmp/before" 2>&1
	printf 'Number;Amount;Type\nEXT-1;10,00;Standard_RemainderReusable\nEXT-2;ten;Standard_RemainderReusable\n' >"$tmp/voucherupdate.csv"
	cat >"$tmp/ok.config" <<'CFG'
<Voucher-Txt>
ExternalVouchers-Allow = yes
</Voucher-Txt>
CFG
	expect 1 "csv with one bad row" "$WSV" --config "$tmp/ok.config" import "$tmp/voucherupdate.csv"
	has "$tmp/err" 'voucherupdate.csv:3' "csv error names the line"
	has "$tmp/err" 'Amount' "csv error names the field"
	has "$tmp/err" 'nothing imported' "csv: nothing imported"
	printf 'Number;Amount\nEXT-9;10,00\n' >"$tmp/foreign.csv"
	expect 1 "foreign code refused without ExternalVouchers-Allow" "$WSV" import "$tmp/foreign.csv"
	has "$tmp/err" 'ExternalVouchers-Allow' "the refusal names the key"
	printf '<vouchers xmlns="urn:wsvoucher:vouchers:1"><voucher><Number>EXT-3</Number>\n<Amount>1</Amount></vouchers>' >"$tmp/broken.xml"
	expect 1 "malformed xml" "$WSV" --config "$tmp/ok.config" import "$tmp/broken.xml"
	has "$tmp/err" 'broken.xml:2' "xml error names the line"
	cat >"$tmp/xxe.xml" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE vouchers [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>
<vouchers xmlns="urn:wsvoucher:vouchers:1"><voucher><Number>&x;</Number><Amount>1</Amount></voucher></vouchers>
XML
	expect 1 "xml with an external entity" "$WSV" --config "$tmp/ok.config" import "$tmp/xxe.xml"
	if grep -q 'root:' "$tmp/err" "$tmp/out"; then bad "XXE: file content leaked"
	else ok "XXE: nothing of the file is read"; fi
	expect 1 "import under a broken config" "$WSV" --config "$tmp/bad.config" import "$tmp/all.csv"
	expect 1 "delete of an unknown code" "$WSV" import --delete "$tmp/foreign.csv"
	snapshot >"$tmp/after" 2>&1
	if cmp -s "$tmp/before" "$tmp/after"; then
		ok "store content unchanged after every bad input"
	else
		bad "store content unchanged after every bad input"
		diff "$tmp/before" "$tmp/after" | head -20
	fi
fi

# --- templates -------------------------------------------------------------------
expect 0 "the shipped templates lint clean" "$WSV" lint "$SRC"/templates/*.htm
has "$tmp/out" '^OK$' "lint prints OK"
printf '<p>\n  {VOUCHER-DataExists}x{/VOUCHER-DataExists}\n~SHOP-Nope~</p>\n' >"$tmp/bad.htm"
printf '{MSG-Voucher_error}\n' >"$tmp/bad2.htm"
expect 1 "lint of broken templates exits 1" "$WSV" lint "$tmp/bad.htm" "$tmp/bad2.htm"
has "$tmp/out" 'bad.htm:2:3: ' "lint names file:line:column"
has "$tmp/out" 'bad.htm:3:1: ' "lint reports every problem of a file"
has "$tmp/out" 'bad2.htm:1:1: ' "lint reports every file"
expect 0 "tags prints the reference" "$WSV" tags
if cmp -s "$tmp/out" "$SRC/doc/tags.md"; then ok "doc/tags.md is the table's output"
else bad "doc/tags.md is the table's output"; fi

# --- option spelling ---------------------------------------------------------------
expect 0 "--channels and --currency in any case" "$WSV" charge create \
    --amount 5 --channels POS+Webshop --currency chf --charge-id CASE
expect 0 "show it" "$WSV" --format=tsv list --charge CASE
has "$tmp/out" 'CHF\|5.00' "currency upper-cased"

# --- house style: no unbounded string functions in the sources -------------------
banned=$(grep -n -E '(^|[^a-z_])(sprintf|strcpy|strcat|sscanf|atoi|atol|strtok|gets)[[:space:]]*\(' \
    "$SRC"/src/*.c "$SRC"/src/*.h 2>/dev/null | grep -v -E 'v?snprintf' || true)
if [ -z "$banned" ]; then ok "no sprintf/strcpy/strcat/sscanf/atoi/strtok in src/"
else bad "no sprintf/strcpy/strcat/sscanf/atoi/strtok in src/"; echo "$banned" | sed 's/^/#   /'; fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
