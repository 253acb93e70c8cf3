/*
 * bench_render.c - renderer throughput: the basket page rendered by
 * wsvoucher's template engine and by ClearSilver, measured in one run so
 * the figure that counts is the ratio on the same machine at the same
 * moment (the machines are shared).
 *
 * usage: bench_render [-n renders] [-s seconds] [-r rounds] [-C srcdir]
 *                     [-k dir]
 *
 * The page is bench/basket.htm: the basket template as it was when
 * bench/basket.cs was written to match it byte for byte.  The shop's own
 * templates/ws_basket.htm has since grown forms and shop tags that have no
 * ClearSilver twin; the engines are compared on this fixed page.
 *
 * Both sides are set up the same way: the template is parsed once
 * (tmpl_compile, cs_parse_string), the data is built once (struct
 * tmpl_data, an HDF), and the page is rendered many times into one output
 * buffer that is emptied, not freed, between renders (buf_reset; the
 * ClearSilver STRING's length set to 0).  Escaping is on for both: every
 * value wsvoucher prints is HTML-escaped, and ClearSilver runs with
 * Config.VarEscapeMode = html, its global escaping of every var.  Before any timing the two pages are
 * compared byte for byte; if they differ the benchmark reports nothing,
 * names the first difference and, with -k, leaves both pages there for a
 * diff.
 *
 * One difference is in ClearSilver's favour and is printed with the
 * figures: wsvoucher formats money, numbers and flags from integers at
 * render time (tval_format), while the HDF holds strings formatted once
 * before timing, as a ClearSilver application would store them.
 *
 * Reports: what failed (file, reason) on standard error, exit 1; usage
 * mistakes exit 2.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ClearSilver.h>

#include "buf.h"
#include "conf.h"
#include "diag.h"
#include "io.h"
#include "num.h"
#include "rules.h"
#include "tags.h"
#include "tmpl.h"
#include "voucher.h"

#ifndef BENCH_SRCDIR
#define BENCH_SRCDIR	"."
#endif

#define NLINES		20
#define NVOUCHERS	2
#define CAL_SECONDS	0.2	/* calibration per engine */
#define PATH_MAX_LEN	1024

/* --- the basket: 20 lines, a 10 % promotional and a 50,00 gift voucher ---- */

static const struct {
	const char	*id;
	const char	*name;
	int64_t		 quantity;
	int64_t		 unit;		/* cents */
	bool		 eligible;
} items[NLINES] = {
	{ "10001", "Kaffeebohnen „Hochland“ 1 kg", 2, 1690, true },
	{ "10002", "Tee & Gebäck – Probierset", 1, 2450, true },
	{ "20001", "Buch \"Die Gutscheinfibel\" (preisgebunden)", 1, 2200,
	    false },
	{ "30001", "Espressomaschine <Barista Pro>", 1, 124900, true },
	{ "10003", "Omas Apfelkuchen-Backmischung 'Herbst'", 3, 499, true },
	{ "40001", "Leinen-Geschirrtuch, 3er-Set", 1, 1995, true },
	{ "20002", "Kochbuch: Backen mit Kindern", 1, 1800, false },
	{ "40002", "Keramikbecher Nordlicht 350 ml", 4, 1250, true },
	{ "10004", "Milchschäumer Edelstahl", 1, 3490, true },
	{ "10005", "Bio-Honig aus dem Allgäu, 500 g", 2, 799, true },
	{ "40003", "Servietten Leinenoptik (50 Stück)", 2, 450, true },
	{ "20003", "Kalender 2027 „Gärten“", 1, 1599, false },
	{ "10006", "Schokolade Zartbitter 85 %", 5, 249, true },
	{ "40004", "Thermoskanne 1 l, mattschwarz", 1, 2999, true },
	{ "10007", "Gewürzmühle Buche", 1, 2250, true },
	{ "40005", "Brotkasten Bambus", 1, 3995, true },
	{ "10008", "Olivenöl nativ extra, 0,75 l", 3, 1190, true },
	{ "20004", "Reiseführer Toskana", 1, 2499, false },
	{ "40006", "Kerzenset Winterabend", 2, 1495, true },
	{ "10009", "Pralinen-Auswahl & Trüffel", 1, 1890, true },
};

#define EXTRA_COSTS	495	/* Versand 4,95 */
#define CSRF_TOKEN	"q3F9xk2LmZ8vT1rB7wN4yH6cJ0pQ5sD2gU8eA1oKiXw"

struct bench_data {
	struct voucher_conf	 conf;
	struct tmpl_line	 lines[NLINES];
	struct tmpl_voucher	 vouchers[NVOUCHERS];
	struct tmpl_basket	 basket;
	struct tmpl_data	 data;
};

/* Splits the discount over the eligible lines in proportion to their price,
 * the rounding remainder on the largest line (SPEC section 4). */
static void
split_discount(struct tmpl_line *lines, size_t n, int64_t eligible,
    int64_t discount)
{
	int64_t given = 0;
	size_t i, largest = 0;

	for (i = 0; i < n; i++) {
		if (!lines[i].eligible || eligible == 0)
			continue;
		lines[i].discount = discount * lines[i].line_price / eligible;
		given += lines[i].discount;
		if (lines[i].line_price > lines[largest].line_price ||
		    !lines[largest].eligible)
			largest = i;
	}
	lines[largest].discount += discount - given;
}

static int
build_data(struct bench_data *bd)
{
	struct rules_basket rb;
	struct tmpl_voucher *promo = &bd->vouchers[0], *gift = &bd->vouchers[1];
	int64_t subtotal = 0, eligible = 0, amount;
	size_t i;

	memset(bd, 0, sizeof(*bd));
	conf_defaults(&bd->conf);
	for (i = 0; i < NLINES; i++) {
		struct tmpl_line *l = &bd->lines[i];

		l->id = items[i].id;
		l->name = items[i].name;
		l->quantity = items[i].quantity;
		l->unit_price = items[i].unit;
		l->line_price = items[i].unit * items[i].quantity;
		l->eligible = items[i].eligible;
		subtotal += l->line_price;
		if (l->eligible)
			eligible += l->line_price;
	}

	/* the promotional voucher: 10 % on eligible products (and extra
	 * costs, by the default extra-costs rule) */
	promo->exists = true;
	voucher_init(&promo->v);
	str_copy_trunc(promo->v.code, sizeof(promo->v.code), "SOMMER-2026");
	str_copy_trunc(promo->v.charge_id, sizeof(promo->v.charge_id),
	    "CH-SOMMER");
	promo->v.kind = VOUCHER_KIND_PROMO;
	promo->v.type = VOUCHER_UNI_NO_RESTRICTIONS;
	promo->v.amount_type = VOUCHER_AMOUNT_PERCENT;
	promo->v.amount = 1000;		/* 10,00 % */
	promo->v.balance = 0;
	promo->v.max_redemptions = 100;
	promo->v.redeemed = 37;

	/* the gift voucher: 50,00 EUR, remainder stays on the code */
	gift->exists = true;
	voucher_init(&gift->v);
	str_copy_trunc(gift->v.code, sizeof(gift->v.code),
	    "GV7Q-M2XD-9KTP-4RWA");
	str_copy_trunc(gift->v.charge_id, sizeof(gift->v.charge_id),
	    "CH-POS-2026");
	gift->v.kind = VOUCHER_KIND_VALUE;
	gift->v.type = VOUCHER_STD_REUSABLE;
	gift->v.amount_type = VOUCHER_AMOUNT_ABSOLUTE;
	gift->v.amount = 5000;
	gift->v.balance = 5000;

	memset(&rb, 0, sizeof(rb));
	memcpy(rb.currency, "EUR", 4);
	rb.eligible = eligible;
	rb.extra = EXTRA_COSTS;
	rb.due = subtotal + EXTRA_COSTS;
	if (rules_amount(&promo->v, &bd->conf, &rb, &amount) != REASON_NONE) {
		fprintf(stderr, "bench_render: the promotional voucher does "
		    "not apply to the bench basket\n");
		return -1;
	}
	promo->deduction = amount;
	bd->basket.discount = amount;
	split_discount(bd->lines, NLINES, eligible, amount);
	rb.due -= amount;
	if (rules_amount(&gift->v, &bd->conf, &rb, &amount) != REASON_NONE) {
		fprintf(stderr, "bench_render: the gift voucher does not "
		    "apply to the bench basket\n");
		return -1;
	}
	gift->deduction = amount;

	bd->basket.lines = bd->lines;
	bd->basket.nlines = NLINES;
	bd->basket.vouchers = bd->vouchers;
	bd->basket.nvouchers = NVOUCHERS;
	bd->basket.subtotal = subtotal;
	bd->basket.extra_costs = EXTRA_COSTS;
	bd->basket.total = subtotal + EXTRA_COSTS - bd->basket.discount;
	bd->basket.paid_by_vouchers = gift->deduction;
	bd->basket.due = bd->basket.total - gift->deduction;
	memcpy(bd->basket.currency, "EUR", 4);

	bd->data.conf = &bd->conf;
	bd->data.basket = &bd->basket;
	bd->data.error_reason = 0;
	bd->data.csrf_token = CSRF_TOKEN;
	bd->data.voucher_field = NULL;	/* the default input name */
	bd->data.load_voucher = NULL;
	return 0;
}

/* --- the HDF: the same data, formatted once as the page shows it ----------- */

/* HDF name -> the wsvoucher tag whose printed value it holds. */
struct hdf_map {
	const char	*hdf;
	const char	*tag;
};

static const struct hdf_map shop_map[] = {
	{ "Msg.VoucherError", "MSG-Voucher_error" },
	{ "Msg.VoucherErrorText", "MSG-Voucher_error_Text" },
	{ "Shop.CSRFToken", "SHOP-CSRF_token" },
	{ "Shop.VoucherInputName", "WS-VoucherNumber_input" },
	{ "Shop.VoucherName", "SHOP-VoucherName" },
	{ "Shop.VoucherInputIsBasket", "SHOP-VoucherInput_isBasket" },
	{ "Shop.MultiVoucherAllowed", "SHOP-MultiVoucher_isAllowed" },
	{ "Basket.IsEmpty", "BASKET-isEmpty" },
	{ "Basket.ItemCount", "BASKET-ItemCount" },
	{ "Basket.Subtotal", "BASKET-Subtotal" },
	{ "Basket.ExtraCosts", "BASKET-ExtraCosts" },
	{ "Basket.Discount", "BASKET-Discount" },
	{ "Basket.Total", "BASKET-Total" },
	{ "Basket.PaidByVouchers", "BASKET-PaidByVouchers" },
	{ "Basket.Due", "BASKET-Due" },
	{ "Basket.HasVouchers", "BASKET-HasVouchers" },
};

static const struct hdf_map line_map[] = {
	{ "Name", "BASKET-Item_Name" },
	{ "Quantity", "BASKET-Item_Quantity" },
	{ "UnitPrice", "BASKET-Item_UnitPrice" },
	{ "Price", "BASKET-Item_Price" },
	{ "Eligible", "BASKET-Item_isEligible" },
};

static const struct hdf_map voucher_map[] = {
	{ "Number", "VOUCHER-Number" },
	{ "IsPromotional", "VOUCHER-Kind_isPromotional" },
	{ "IsValue", "VOUCHER-Kind_isValue" },
	{ "IsPercent", "VOUCHER-AmountType_isPercent" },
	{ "Value", "VOUCHER-Value" },
	{ "Balance", "VOUCHER-Balance" },
	{ "Deduction", "VOUCHER-Deduction" },
};

static int
cs_failed(const char *what, NEOERR *err)
{
	STRING s;

	string_init(&s);
	nerr_error_string(err, &s);
	fprintf(stderr, "bench_render: %s: %s\n", what,
	    s.buf != NULL ? s.buf : "?");
	string_clear(&s);
	nerr_ignore(&err);
	return -1;
}

/*
 * Sets prefix+name to the value of tag as wsvoucher prints it: the text
 * tval_format makes, "1" for a true flag; nothing for a value that is not
 * set, so <?cs if:x ?> and {NAME} agree.
 */
static int
hdf_put(HDF *hdf, const char *prefix, const struct hdf_map *m,
    struct tag_env *env, struct buf *tmp)
{
	const struct tag *tg = tags_find(m->tag, strlen(m->tag));
	char name[128];
	struct tval v;
	NEOERR *err;
	int n;

	if (tg == NULL || tg->kind != TAG_VALUE) {
		fprintf(stderr, "bench_render: no value tag %s\n", m->tag);
		return -1;
	}
	n = snprintf(name, sizeof(name), "%s%s", prefix, m->hdf);
	if (n < 0 || (size_t)n >= sizeof(name))
		return -1;
	memset(&v, 0, sizeof(v));
	tg->get(env, &v);
	buf_reset(tmp);
	if (v.type == TVAL_BOOL) {
		if (!tval_is_set(&v))
			return 0;
		if (buf_append_str(tmp, "1") != WS_OK)
			return -1;
	} else if (tval_format(&v, env->data->conf, tmp) != WS_OK) {
		fprintf(stderr, "bench_render: cannot format %s\n", m->tag);
		return -1;
	}
	if (tmp->len == 0)
		return 0;
	err = hdf_set_value(hdf, name, buf_cstr(tmp));
	return err != STATUS_OK ? cs_failed("hdf_set_value", err) : 0;
}

static int
build_hdf(HDF *hdf, const struct bench_data *bd)
{
	struct buf tmp = BUF_INIT;
	struct tag_env env;
	NEOERR *err;
	char prefix[64];
	size_t i, k;
	int rc = 0;

	/* escaping on for every var, read by cs_init: ClearSilver's
	 * global mode (an escape: "html" block would miss the vars of an
	 * each loop in 0.10.5) */
	err = hdf_set_value(hdf, "Config.VarEscapeMode", "html");
	if (err != STATUS_OK)
		return cs_failed("hdf_set_value", err);
	memset(&env, 0, sizeof(env));
	env.data = &bd->data;
	for (k = 0; k < sizeof(shop_map) / sizeof(shop_map[0]) && rc == 0; k++)
		rc = hdf_put(hdf, "", &shop_map[k], &env, &tmp);
	for (i = 0; i < bd->basket.nlines && rc == 0; i++) {
		env.line = &bd->basket.lines[i];
		snprintf(prefix, sizeof(prefix), "Basket.Items.%zu.", i);
		for (k = 0; k < sizeof(line_map) / sizeof(line_map[0]) &&
		    rc == 0; k++)
			rc = hdf_put(hdf, prefix, &line_map[k], &env, &tmp);
	}
	env.line = NULL;
	for (i = 0; i < bd->basket.nvouchers && rc == 0; i++) {
		env.voucher = &bd->basket.vouchers[i];
		snprintf(prefix, sizeof(prefix), "Basket.Vouchers.%zu.", i);
		for (k = 0; k < sizeof(voucher_map) / sizeof(voucher_map[0]) &&
		    rc == 0; k++)
			rc = hdf_put(hdf, prefix, &voucher_map[k], &env, &tmp);
	}
	buf_free(&tmp);
	return rc;
}

/* --- rendering ---------------------------------------------------------------- */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct ws_side {
	const struct tmpl	*t;
	const struct tmpl_data	*data;
	struct buf		 out;
	struct buf		 err;
};

struct cs_side {
	CSPARSE		*cs;
	STRING		 out;
};

static int
ws_render_n(struct ws_side *w, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		buf_reset(&w->out);
		if (tmpl_render(w->t, w->data, &w->out, &w->err) != WS_OK) {
			fprintf(stderr, "bench_render: %s\n",
			    buf_cstr(&w->err));
			return -1;
		}
	}
	return 0;
}

/* ClearSilver's output callback: its own string type, as cgi_display. */
static NEOERR *
cs_out(void *ctx, char *s)
{
	return string_append((STRING *)ctx, s);
}

static int
cs_render_n(struct cs_side *c, uint64_t n)
{
	NEOERR *err;
	uint64_t i;

	for (i = 0; i < n; i++) {
		/* empty, keep the allocation (as buf_reset does) */
		c->out.len = 0;
		if (c->out.buf != NULL)
			c->out.buf[0] = '\0';
		err = cs_render(c->cs, &c->out, cs_out);
		if (err != STATUS_OK)
			return cs_failed("cs_render", err);
	}
	return 0;
}

enum side { SIDE_WS, SIDE_CS, SIDE__MAX };

static const char *const side_name[SIDE__MAX] = { "wsvoucher", "ClearSilver" };

static int
render_n(enum side s, struct ws_side *w, struct cs_side *c, uint64_t n)
{
	return s == SIDE_WS ? ws_render_n(w, n) : cs_render_n(c, n);
}

/* Renders until at least secs passed; renders per second. */
static int
calibrate(enum side s, struct ws_side *w, struct cs_side *c, double secs,
    double *rate)
{
	uint64_t n = 0, step = 16;
	double t0 = now_s(), t;

	do {
		if (render_n(s, w, c, step) != 0)
			return -1;
		n += step;
		t = now_s() - t0;
	} while (t < secs);
	*rate = (double)n / t;
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y ? 1 : 0;
}

/* --- the two pages must be the same bytes ---------------------------------------- */

static void
keep_page(const char *dir, const char *name, const char *p, size_t n)
{
	char path[PATH_MAX_LEN];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (fp == NULL || fwrite(p, 1, n, fp) != n) {
		fprintf(stderr, "bench_render: cannot write %s: %s\n", path,
		    strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return;
	}
	fclose(fp);
	fprintf(stderr, "  kept %s\n", path);
}

static void
show_context(const char *label, const char *p, size_t n, size_t at)
{
	size_t from = at > 60 ? at - 60 : 0, to = at + 60 < n ? at + 60 : n, i;

	fprintf(stderr, "  %-11s ...", label);
	for (i = from; i < to; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (i == at)
			fputs("[HERE>", stderr);
		if (ch == '\n')
			fputs("\\n", stderr);
		else
			fputc(ch, stderr);
	}
	fputs("...\n", stderr);
}

static int
same_page(const struct buf *a, const STRING *b, const char *keep)
{
	size_t n = (size_t)b->len < a->len ? (size_t)b->len : a->len, at = 0,
	    line = 1;

	while (at < n && a->data[at] == b->buf[at]) {
		if (a->data[at] == '\n')
			line++;
		at++;
	}
	if (at == a->len && a->len == (size_t)b->len)
		return 1;
	fprintf(stderr, "bench_render: the pages differ (wsvoucher %zu bytes, "
	    "ClearSilver %d bytes); first difference at byte %zu, line %zu "
	    "of the page:\n", a->len, b->len, at, line);
	show_context("wsvoucher", a->data, a->len, at);
	show_context("ClearSilver", b->buf, (size_t)b->len, at);
	if (keep != NULL) {
		keep_page(keep, "basket_wsvoucher.html", a->data, a->len);
		keep_page(keep, "basket_clearsilver.html", b->buf,
		    (size_t)b->len);
		fprintf(stderr, "  diff -u %s/basket_wsvoucher.html "
		    "%s/basket_clearsilver.html\n", keep, keep);
	} else {
		fprintf(stderr, "  run with -k DIR to keep both pages for "
		    "diff -u; fix bench/basket.htm or "
		    "bench/basket.cs so they match\n");
	}
	return 0;
}

/* --- setup ---------------------------------------------------------------------- */

static int
load_ws(const char *srcdir, struct tmpl **out)
{
	struct buf src = BUF_INIT, err = BUF_INIT;
	char path[PATH_MAX_LEN];
	struct diags d;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/bench/basket.htm", srcdir);
	diags_init(&d);
	if (io_read_file(path, TMPL_SIZE_MAX, &src, &err) != WS_OK) {
		fprintf(stderr, "bench_render: %s\n", buf_cstr(&err));
		rc = -1;
	} else if (tmpl_compile(src.data, src.len, path, out, &d) != WS_OK) {
		diags_print(&d, stderr);
		rc = -1;
	}
	diags_free(&d);
	buf_free(&src);
	buf_free(&err);
	return rc;
}

static int
load_cs(const char *srcdir, HDF *hdf, CSPARSE **out)
{
	struct buf src = BUF_INIT, err = BUF_INIT;
	char path[PATH_MAX_LEN], *copy;
	NEOERR *nerr;

	*out = NULL;
	snprintf(path, sizeof(path), "%s/bench/basket.cs", srcdir);
	if (io_read_file(path, 1u << 20, &src, &err) != WS_OK) {
		fprintf(stderr, "bench_render: %s\n", buf_cstr(&err));
		buf_free(&err);
		return -1;
	}
	buf_free(&err);
	/* cs_parse_string takes a malloc'ed copy and owns it */
	copy = malloc(src.len + 1);
	if (copy == NULL) {
		buf_free(&src);
		return -1;
	}
	memcpy(copy, buf_cstr(&src), src.len + 1);
	nerr = cs_init(out, hdf);
	if (nerr != STATUS_OK) {
		free(copy);
		buf_free(&src);
		return cs_failed("cs_init", nerr);
	}
	nerr = cs_parse_string(*out, copy, src.len);
	buf_free(&src);
	if (nerr != STATUS_OK)
		return cs_failed(path, nerr);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_render [-n renders] [-s seconds] "
	    "[-r rounds] [-C srcdir] [-k dir]\n"
	    "  -n  renders per engine (default: enough for -s seconds)\n"
	    "  -s  seconds per engine when -n is not given (default 2)\n"
	    "  -r  rounds, engines alternating; the median round counts "
	    "(default 3)\n"
	    "  -C  source folder with bench/ (default %s)\n"
	    "  -k  keep both pages there when they differ\n", BENCH_SRCDIR);
	exit(2);
}

static int64_t
arg_num(const char *s, int64_t min, int64_t max)
{
	int64_t v;

	if (num_parse_i64(s, strlen(s), min, max, &v) != WS_OK)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	const char *srcdir = BENCH_SRCDIR, *keep = NULL;
	uint64_t fixed_n = 0, n[SIDE__MAX];
	int64_t seconds = 2, rounds = 3;
	double rate[SIDE__MAX], *got[SIDE__MAX] = { NULL, NULL }, med[SIDE__MAX];
	double mbs[SIDE__MAX];
	size_t bytes;
	struct bench_data *bd;
	struct tmpl *t = NULL;
	struct ws_side w;
	struct cs_side c;
	HDF *hdf = NULL;
	NEOERR *nerr;
	int i, r, rc = 1;
	enum side s;

	for (i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "-n") == 0)
			fixed_n = (uint64_t)arg_num(argv[++i], 1, 100000000);
		else if (strcmp(argv[i], "-s") == 0)
			seconds = arg_num(argv[++i], 1, 600);
		else if (strcmp(argv[i], "-r") == 0)
			rounds = arg_num(argv[++i], 1, 99);
		else if (strcmp(argv[i], "-C") == 0)
			srcdir = argv[++i];
		else if (strcmp(argv[i], "-k") == 0)
			keep = argv[++i];
		else
			usage();
	}

	memset(&w, 0, sizeof(w));
	memset(&c, 0, sizeof(c));
	string_init(&c.out);
	bd = malloc(sizeof(*bd));
	if (bd == NULL || build_data(bd) != 0)
		goto done;

	/* parse once, build the data once: both sides */
	if (load_ws(srcdir, &t) != 0)
		goto done;
	w.t = t;
	w.data = &bd->data;
	nerr = hdf_init(&hdf);
	if (nerr != STATUS_OK) {
		cs_failed("hdf_init", nerr);
		goto done;
	}
	if (build_hdf(hdf, bd) != 0 || load_cs(srcdir, hdf, &c.cs) != 0)
		goto done;

	/* the same bytes, or no figures */
	if (ws_render_n(&w, 1) != 0 || cs_render_n(&c, 1) != 0)
		goto done;
	if (!same_page(&w.out, &c.out, keep))
		goto done;
	bytes = w.out.len;

	/* warm up and size N: about -s seconds per engine in all */
	for (s = SIDE_WS; s < SIDE__MAX; s++) {
		if (calibrate(s, &w, &c, CAL_SECONDS, &rate[s]) != 0)
			goto done;
		n[s] = fixed_n != 0 ? fixed_n :
		    (uint64_t)(rate[s] * (double)seconds / (double)rounds) + 1;
		got[s] = calloc((size_t)rounds, sizeof(double));
		if (got[s] == NULL)
			goto done;
	}
	if (fixed_n != 0)
		for (s = SIDE_WS; s < SIDE__MAX; s++)
			n[s] = (fixed_n + (uint64_t)rounds - 1) /
			    (uint64_t)rounds;

	for (r = 0; r < rounds; r++) {
		for (s = SIDE_WS; s < SIDE__MAX; s++) {
			double t0 = now_s(), dt;

			if (render_n(s, &w, &c, n[s]) != 0)
				goto done;
			dt = now_s() - t0;
			got[s][r] = (double)n[s] / dt;
		}
	}

	/* the page must still be the same after all those renders */
	if (!same_page(&w.out, &c.out, keep))
		goto done;

	printf("page: bench/basket.htm vs bench/basket.cs, %zu bytes, "
	    "%d lines, %d vouchers, escaping on in both, pages identical\n",
	    bytes, NLINES, NVOUCHERS);
	printf("note: wsvoucher formats money (\"1.234,56 EUR\"), numbers and "
	    "flags from integers at render time;\n      ClearSilver gets "
	    "them as strings formatted once before timing.\n");
	printf("%-12s %12s %12s %10s\n", "engine", "renders", "renders/s",
	    "MB/s");
	for (s = SIDE_WS; s < SIDE__MAX; s++) {
		qsort(got[s], (size_t)rounds, sizeof(double), cmp_double);
		med[s] = got[s][rounds / 2];
		mbs[s] = med[s] * (double)bytes / 1e6;
		printf("%-12s %12llu %12.0f %10.1f\n", side_name[s],
		    (unsigned long long)(n[s] * (uint64_t)rounds), med[s],
		    mbs[s]);
	}
	printf("ratio wsvoucher/ClearSilver: %.2fx (median of %lld rounds, "
	    "1 MB = 10^6 bytes)\n", med[SIDE_WS] / med[SIDE_CS],
	    (long long)rounds);
	rc = 0;
done:
	for (s = SIDE_WS; s < SIDE__MAX; s++)
		free(got[s]);
	buf_free(&w.out);
	buf_free(&w.err);
	string_clear(&c.out);
	if (c.cs != NULL)
		cs_destroy(&c.cs);
	if (hdf != NULL)
		hdf_destroy(&hdf);
	tmpl_free(t);
	free(bd);
	return rc;
}
