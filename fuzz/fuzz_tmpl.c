/*
 * fuzz_tmpl.c - libFuzzer driver for the template engine (tmpl.c with the
 * tag library tags.c): templates are untrusted input written by shop
 * operators, so every byte sequence must compile or be refused with
 * diagnostics, and every compiled template must render without harm.
 *
 * Each input is compiled as "fuzz.htm".  When it compiles, it is rendered
 * with a full data set (conf, a basket of 3 lines and 2 vouchers, error
 * reason 13, a CSRF token, a voucher loader) and once more with the
 * least data a caller may pass (no basket, loader, token or reason).
 *
 * Invariants checked (abort() when one breaks, so libFuzzer keeps the
 * input):
 *   (a) a failed render leaves the output exactly as it was;
 *   (b) rendering the same tree twice gives the same status and bytes;
 *   (c) input without '~' and '{' compiles and renders to itself;
 *   (d) diagnostics stay within DIAG_MAX, each with line and column >= 1,
 *       and a refused template has at least one.
 *
 * With FUZZ_TMPL_PRINT set in the environment the driver prints each
 * page and diagnostic to stderr (to look at a reproducer: ./fuzz_tmpl FILE).
 *
 * Build (see fuzz/run.sh and Makefile.am):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=all -D_GNU_SOURCE -std=c11 -Isrc \
 *     fuzz/fuzz_tmpl.c src/{status,buf,diag,clock,num,tz,voucher,conf,\
 *     codegen,rules,tags,tmpl}.c -lpcre2-8 -lm -o fuzz/fuzz_tmpl
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "tmpl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_PATH	"fuzz.htm"
/* Bytes already in the output before a render: a render appends. */
#define PREFILL		"<!-- head & \"prefill\" -->\n"

/* Text with every character HTML, URL and JS escaping must handle. */
#define NASTY		"<b>Tom & \"Jerry\"'s</b> /\\`"

/* Stops the run where the broken invariant is, with a readable line. */
#define CHECK(cond, what) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_tmpl: invariant broken: %s (%s:%d)\n",\
		    (what), __FILE__, __LINE__);			\
		abort();						\
	}								\
} while (0)

static struct voucher_conf	conf;
static struct tmpl_voucher	basket_vouchers[2];
static struct tmpl_voucher	store_vouchers[3];	/* by code */
static const struct tmpl_line	lines[3] = {
	{ "SKU-1", "Kaffee <Arabica> & \"Crema\"", 2, 1299, 2598, true, 260, 1900, false },
	{ "SKU-2'x", NASTY, 1, 4999, 4999, false, 0, 700, false },
	{ "SKU-3", "Tasse \xc3\xa4\xc3\xb6\xc3\xbc \xe2\x82\xac", 10, 150,
	    1500, true, 150, 1900, true },
};
static struct tmpl_basket	basket;
static int			initialized;
static int			print;		/* FUZZ_TMPL_PRINT */

static void
set_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	CHECK(n < size, "fixture string fits its field");
	memcpy(dst, src, n + 1);
}

/* A voucher where every field the tags read has something to print. */
static void
fixture_voucher(struct tmpl_voucher *tv, const char *code,
    const char *charge, enum voucher_kind kind, enum voucher_type type,
    enum voucher_amount_type at, int64_t amount, const char *bound)
{
	struct voucher *v = &tv->v;

	memset(tv, 0, sizeof(*tv));
	tv->exists = true;
	voucher_init(v);
	set_str(v->code, sizeof(v->code), code);
	set_str(v->charge_id, sizeof(v->charge_id), charge);
	v->kind = kind;
	v->type = type;
	v->amount_type = at;
	v->amount = amount;
	v->balance = voucher_has_balance(v) ? amount - 250 : 0;
	set_str(v->currency, sizeof(v->currency), "EUR");
	v->min_order = 2000;
	v->valid_from = 1764590400;	/* 2025-12-01T12:00:00Z */
	v->valid_until = 1798718400;	/* 2026-12-31T12:00:00Z */
	v->max_redemptions = 100;
	v->redeemed = 37;
	v->channels = VOUCHER_CHANNEL_ALL;
	v->state = VOUCHER_ACTIVE;
	set_str(v->bound_customer, sizeof(v->bound_customer), bound);
	set_str(v->products, sizeof(v->products), "SKU-1,SKU-3");
	set_str(v->categories, sizeof(v->categories), "kaffee,<tassen>");
	set_str(v->subshop, sizeof(v->subshop), "de&at");
	set_str(v->state_reason, sizeof(v->state_reason), NASTY);
	v->created = 1764000000;
	v->updated = 1764100000;
	v->ledger_seq = 3;
	tv->reserved = true;
	tv->reserved_until = 1764676800;
	set_str(tv->charge_creator, sizeof(tv->charge_creator),
	    "Marketing <&\"'>");
	set_str(tv->charge_label, sizeof(tv->charge_label), NASTY);
	tv->deduction = 1000;
}

static void
fixture_init(void)
{
	conf_defaults(&conf);
	/* texts of their own, so escaping of conf texts is exercised */
	set_str(conf.name, sizeof(conf.name), "Gutschein <&\"'>");
	/*
	 * Longer than an argument may be (200): {VOUCHER-LoadData(
	 * ~MSG-Voucher_error_Text~)} must fail with WS_ERR_LIMIT, cleanly.
	 */
	set_str(conf.reason_text[13], sizeof(conf.reason_text[13]),
	    "Reason 13: <Bestellwert> & \"Mindestbestellwert\" isn't "
	    "reached. Der Mindestbestellwert f\xc3\xbcr diesen Gutschein ist "
	    "noch nicht erreicht; bitte legen Sie weitere Artikel in den "
	    "Warenkorb oder entfernen Sie den Gutschein. (13)");
	CHECK(strlen(conf.reason_text[13]) > 200, "reason 13 text is long");

	fixture_voucher(&basket_vouchers[0], "WS-PROMO-10", "2467",
	    VOUCHER_KIND_PROMO, VOUCHER_UNI_CUSTOMER_BINDING,
	    VOUCHER_AMOUNT_PERCENT, 1250, "cust-42<&>");
	fixture_voucher(&basket_vouchers[1], "VAL<&\"'>50", "CH-2026-11",
	    VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE,
	    VOUCHER_AMOUNT_ABSOLUTE, 5000, "");
	basket_vouchers[1].deduction = 4750;

	/* the loader's store: 123 and 2467 as in the handbook, and A */
	fixture_voucher(&store_vouchers[0], "123", "CH-<1>",
	    VOUCHER_KIND_PROMO, VOUCHER_UNI_NO_RESTRICTIONS,
	    VOUCHER_AMOUNT_ABSOLUTE, 1000, "");
	/* charge id "2467": {VOUCHER-LoadData(~VOUCHER-ChargeID~)} chains */
	fixture_voucher(&store_vouchers[1], "2467", "2467",
	    VOUCHER_KIND_PROMO, VOUCHER_UNI_CUSTOMER_BINDING,
	    VOUCHER_AMOUNT_PERCENT, 1000, "c-7");
	/* charge id "FAIL": a ~VALUE~ argument can reach the failure */
	fixture_voucher(&store_vouchers[2], "A", "FAIL",
	    VOUCHER_KIND_VALUE, VOUCHER_STD_EXPIRES,
	    VOUCHER_AMOUNT_ABSOLUTE, 2500, "");
	store_vouchers[2].reserved = false;

	print = getenv("FUZZ_TMPL_PRINT") != NULL;
	basket.lines = lines;
	basket.nlines = 3;
	basket.vouchers = basket_vouchers;
	basket.nvouchers = 2;
	basket.subtotal = 2598 + 4999 + 1500;
	basket.extra_costs = 495;
	basket.discount = 410;
	basket.total = basket.subtotal + basket.extra_costs - basket.discount;
	basket.paid_by_vouchers = 4750;
	basket.due = basket.total - basket.paid_by_vouchers;
	set_str(basket.currency, sizeof(basket.currency), "EUR");
	initialized = 1;
}

/* The voucher loader: some codes exist, "FAIL" fails, others are unknown. */
static enum ws_status
load_voucher(void *arg, const char *code, struct tmpl_voucher *out)
{
	size_t i;

	CHECK(arg == &conf, "load_arg passed through");
	CHECK(code != NULL && strlen(code) <= VOUCHER_CODE_MAX,
	    "code is a bounded C string");
	if (strcmp(code, "FAIL") == 0)
		return WS_ERR_BUSY;
	memset(out, 0, sizeof(*out));
	for (i = 0; i < sizeof(store_vouchers) / sizeof(store_vouchers[0]);
	    i++) {
		if (strcmp(code, store_vouchers[i].v.code) == 0) {
			*out = store_vouchers[i];
			return WS_OK;
		}
	}
	out->exists = false;	/* an unknown number */
	return WS_OK;
}

/*
 * Renders t into a buffer pre-filled with PREFILL; checks (a).  Returns
 * the status; *out holds the whole buffer (caller frees).
 */
static enum ws_status
render_once(const struct tmpl *t, const struct tmpl_data *data,
    struct buf *out)
{
	struct buf err = BUF_INIT;
	enum ws_status st;

	buf_init(out);
	CHECK(buf_append_str(out, PREFILL) == WS_OK, "prefill");
	st = tmpl_render(t, data, out, &err);
	CHECK(st < WS_STATUS__MAX, "render status is a status");
	CHECK(out->len >= sizeof(PREFILL) - 1 &&
	    memcmp(out->data, PREFILL, sizeof(PREFILL) - 1) == 0,
	    "render keeps what was in the buffer");
	CHECK(out->data[out->len] == '\0', "buffer stays NUL-terminated");
	if (st != WS_OK) {
		/* (a) never half a page */
		CHECK(out->len == sizeof(PREFILL) - 1,
		    "failed render leaves the output as it was");
		CHECK(err.len > 0, "failed render says why");
	}
	buf_free(&err);
	return st;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl_data full, bare;
	struct diags d;
	struct tmpl *t = NULL;
	struct buf o1, o2, o3;
	enum ws_status st, st1, st2;
	bool plain;
	size_t i;

	if (!initialized)
		fixture_init();
	plain = memchr(data, '~', size) == NULL &&
	    memchr(data, '{', size) == NULL;

	diags_init(&d);
	st = tmpl_compile((const char *)data, size, FUZZ_PATH, &t, &d);

	/* (d) diagnostics */
	CHECK(d.n <= DIAG_MAX && d.n <= d.cap, "diagnostics within DIAG_MAX");
	for (i = 0; i < d.n && size <= TMPL_SIZE_MAX; i++) {
		CHECK(d.items[i].line >= 1, "diagnostic has a line");
		CHECK(d.items[i].col >= 1, "diagnostic has a column");
		CHECK(strcmp(d.items[i].path, FUZZ_PATH) == 0,
		    "diagnostic names the file");
		CHECK(memchr(d.items[i].text, '\0',
		    sizeof(d.items[i].text)) != NULL, "diagnostic text ends");
	}
	if (st == WS_OK) {
		CHECK(t != NULL, "compiled tree returned");
		CHECK(diags_count(&d) == 0, "a good template has no problems");
		CHECK(strcmp(tmpl_path(t), FUZZ_PATH) == 0, "path kept");
	} else {
		CHECK(t == NULL, "no tree on failure");
		CHECK(st != WS_ERR_INVALID || diags_count(&d) > 0,
		    "a refused template says why");
	}
	if (print)
		diags_print(&d, stderr);
	/* (c) no tag characters: text, byte for byte */
	if (plain && size <= TMPL_SIZE_MAX)
		CHECK(st == WS_OK, "plain text compiles");
	diags_free(&d);
	if (st != WS_OK)
		return 0;

	memset(&full, 0, sizeof(full));
	full.conf = &conf;
	full.basket = &basket;
	full.error_reason = 13;
	full.csrf_token = "csrf<&\"'>0123456789abcdef";
	full.voucher_field = "voucher_code";
	full.load_voucher = load_voucher;
	full.load_arg = &conf;

	st1 = render_once(t, &full, &o1);
	/* (b) the same tree renders the same page */
	st2 = render_once(t, &full, &o2);
	if (print)
		fprintf(stderr, "--- render: %s\n%.*s\n---\n", ws_status_str(st1),
		    (int)(o1.len - (sizeof(PREFILL) - 1)),
		    o1.data + sizeof(PREFILL) - 1);
	CHECK(st1 == st2, "second render: same status");
	CHECK(o1.len == o2.len && memcmp(o1.data, o2.data, o1.len) == 0,
	    "second render: same bytes");
	if (plain) {
		CHECK(st1 == WS_OK, "plain text renders");
		CHECK(o1.len == sizeof(PREFILL) - 1 + size &&
		    (size == 0 || memcmp(o1.data + sizeof(PREFILL) - 1, data,
		    size) == 0), "plain text renders to itself");
	}

	/* the least a caller may pass: nothing optional */
	memset(&bare, 0, sizeof(bare));
	bare.conf = &conf;
	st = render_once(t, &bare, &o3);
	CHECK(st == WS_OK || st == WS_ERR_LIMIT, "bare render cannot fail to "
	    "load");
	if (plain)
		CHECK(o3.len == o1.len && memcmp(o3.data, o1.data, o1.len) == 0,
		    "plain text renders the same with any data");

	buf_free(&o1);
	buf_free(&o2);
	buf_free(&o3);
	tmpl_free(t);
	return 0;
}
