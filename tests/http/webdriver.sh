# tests/http/webdriver.sh - sourced by the browser tests after lib.sh:
# skips without lighttpd, base64, Chromium or chromedriver, starts
# chromedriver on a free loopback port and drives Chromium through the W3C
# WebDriver HTTP API with curl, sed and base64 only (wd, wd_* helpers).
# shellcheck shell=sh
command -v lighttpd >/dev/null 2>&1 || skip "lighttpd not found"
command -v base64 >/dev/null 2>&1 || skip "base64 not found"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
[ -x "$CHROMIUM" ] || skip "$CHROMIUM not found (Debian package chromium)"
[ -x "$CHROMEDRIVER" ] || skip "$CHROMEDRIVER not found (Debian package chromium-driver)"
mkdir -p "$tmp/home"
# chromedriver only drives the Chromium of its own major version
major() { sed -n 's/^[^0-9]*\([0-9][0-9]*\)\.[0-9][0-9]*\.[0-9][0-9]*\.[0-9].*/\1/p' | head -n 1; }
v_browser=$(HOME="$tmp/home" "$CHROMIUM" --version 2>/dev/null | major)
v_driver=$("$CHROMEDRIVER" --version 2>/dev/null | major)
if [ -n "$v_browser" ] && [ -n "$v_driver" ] && [ "$v_browser" != "$v_driver" ]; then
	skip "chromium $v_browser and chromedriver $v_driver differ"
fi
outdir=${BUILD_DIR:-.}
lighttpd_pid=""
sid=""
wd_max=60
t_start=$(date +%s)

# --- WebDriver over curl --------------------------------------------------------
# The web element identifier of the W3C WebDriver spec: the key under which
# an element reference comes back.
W3C_ELEMENT=element-6066-11e4-a52e-4f735466cecf
nbsp=$(printf '\302\240')
nnbsp=$(printf '\342\200\257')
mark=$(printf '\001')

# wd METHOD PATH [JSON]: answer in $tmp/wd.json, HTTP status in $wd_code;
# true on 200.  PATH is below the session once there is one.
wd() {
	wd_to=$wd_base$2
	[ -n "$sid" ] && wd_to=$wd_base/session/$sid$2
	if [ $# -ge 3 ]; then
		wd_code=$(curl -s --max-time "$wd_max" -X "$1" \
		    -H 'Content-Type: application/json; charset=utf-8' \
		    --data-binary "$3" -o "$tmp/wd.json" -w '%{http_code}' \
		    "$wd_to") || wd_code="curl-error-$?"
	else
		wd_code=$(curl -s --max-time "$wd_max" -X "$1" -o "$tmp/wd.json" \
		    -w '%{http_code}' "$wd_to") || wd_code="curl-error-$?"
	fi
	[ "$wd_code" = 200 ]
}
# a shell string as the inside of a JSON string (one line, no controls)
json() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
# the string of {"value":"..."} in $tmp/wd.json, unescaped as far as
# chromedriver escapes: \\ \" \n \t \r \/ and \u for < > & and no-break space
wd_string() {
	sed -n 's/^{"value":"\(.*\)"}$/\1/p' "$tmp/wd.json" |
	    sed -e 's/\\\\/'"$mark"'/g' -e 's/\\"/"/g' -e 's/\\\//\//g' \
	    -e 's/\\u003[Cc]/</g' -e 's/\\u003[Ee]/>/g' -e 's/\\u0026/\&/g' \
	    -e 's/\\u00[Aa]0/ /g' -e 's/\\[rt]/ /g' -e 's/\\n/\
/g' -e "s/$mark/\\\\/g"
}
# the message of a WebDriver error answer, for not-ok lines
wd_error() {
	e=$(tr '\n' ' ' <"$tmp/wd.json" |
	    sed -n -e 's/.*"message":"\(.*\)","stacktrace".*/\1/p' -e t \
	    -e 's/.*"message":"\([^"]*\)".*/\1/p' |
	    sed 's/\\n.*//; s/ *(Session info:.*//; s/\\"/"/g')
	echo "$wd_code${e:+: $e}"
}
# text with every kind of space as one plain space, trimmed
norm() {
	printf '%s' "$1" | LC_ALL=C sed "s/$nbsp/ /g; s/$nnbsp/ /g" |
	    tr -s ' \t\n\r' '    ' | sed 's/^ //; s/ $//'
}
# el_find CSS: the first match (chromedriver waits up to the implicit 5 s) in $el
el_find() {
	el=""
	wd POST /element "{\"using\":\"css selector\",\"value\":\"$(json "$1")\"}" || return 1
	el=$(sed -n "s/.*\"$W3C_ELEMENT\":\"\\([^\"]*\\)\".*/\\1/p" "$tmp/wd.json")
	[ -n "$el" ]
}
el_text() { txt=""; wd GET "/element/$1/text" || return 1; txt=$(norm "$(wd_string)"); }
el_click() { wd POST "/element/$1/click" '{}'; }
el_type() { wd POST "/element/$1/value" "{\"text\":\"$(json "$2")\"}"; }
el_clear() { wd POST "/element/$1/clear" '{}'; }
wd_go() { wd POST /url "{\"url\":\"$(json "$1")\"}"; }
wd_url() { cur=""; wd GET /url || return 1; cur=$(wd_string); }
# click_away ELEMENT: click it and wait up to 15 s until the page it was on
# is gone (a form post and its 303 can come back to the same address, the
# old document cannot); then the new page's address is in $cur
click_away() {
	el_find html || return 1
	old=$el
	el_click "$1" || return 1
	i=0
	while [ $i -lt 150 ]; do
		wd GET "/element/$old/name" || { wd_url; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	wd_code="still on the old page after 15 s"
	return 1
}
# wd_shot FILE: the viewport as PNG, checked by its signature
wd_shot() {
	wd GET /screenshot || return 1
	# shellcheck disable=SC1003 # tr deletes backslashes
	sed 's/^{"value":"//; s/"}$//' "$tmp/wd.json" | tr -d '\\' |
	    base64 -d >"$1" 2>/dev/null || { wd_code="base64 -d failed"; return 1; }
	sig=$(dd if="$1" bs=8 count=1 2>/dev/null | od -An -tx1 | tr -d ' \n')
	[ "$sig" = 89504e470d0a1a0a ] || { wd_code="no PNG signature ($sig)"; return 1; }
}
# the page the browser shows: address and the body of its source
wd_page() {
	[ -n "$sid" ] || return 0
	wd_url && echo "#   page: $cur"
	wd GET /source || return 0
	wd_string >"$tmp/source.html"
	sed -n '/<body/,$p' "$tmp/source.html" | grep -v '^[[:space:]]*$' >"$tmp/source.body"
	[ -s "$tmp/source.body" ] || cp "$tmp/source.html" "$tmp/source.body"
	show "$tmp/source.body" 40
}
badp() { bad "$1"; wd_page; }
wd_quit() {	# end the session, Chromium closes; on every way out, once
	[ -n "$sid" ] || return 0
	s=$sid
	sid=""
	wd_max=15
	wd DELETE "/session/$s"
}
trap 'wd_quit; cleanup' EXIT
trap 'wd_quit; cleanup; exit 1' INT TERM HUP PIPE

# wd_new_session: a headless Chromium session through the chromedriver on
# $port ($cd_pid); sets $sid, or fatal
wd_new_session() {
	t_session=$(date +%s)
	args='"--headless=new","--no-sandbox","--disable-gpu","--disable-dev-shm-usage",'
	args=$args'"--no-first-run","--disable-background-networking",'
	args=$args'"--disable-component-update","--disable-sync","--window-size=1280,1024",'
	args=$args'"--user-data-dir='$(json "$tmp/profile")'"'
	caps='{"capabilities":{"alwaysMatch":{"browserName":"chrome",'
	caps=$caps'"pageLoadStrategy":"normal",'
	caps=$caps'"timeouts":{"implicit":5000,"pageLoad":30000,"script":10000},'
	caps=$caps'"goog:chromeOptions":{"binary":"'$(json "$CHROMIUM")'","args":['$args']}}}}'
	wd POST /session "$caps" || {
		grep -E 'ERROR|SEVERE|WARNING' "$tmp/chromedriver.log" 2>/dev/null |
		    tail -n 10 >>"$tmp/err"
		fatal "a new WebDriver session ($(wd_error))"
	}
	sid=$(sed -n 's/.*"sessionId":"\([^"]*\)".*/\1/p' "$tmp/wd.json")
	[ -n "$sid" ] || fatal "the new session has a sessionId"
	# should the session not be deleted, cleanup still ends Chromium
	pids="$pids $(ps -o pid= --ppid "$cd_pid" 2>/dev/null | tr '\n' ' ')"
	ok "headless Chromium session up in $(($(date +%s) - t_session)) s"
}
