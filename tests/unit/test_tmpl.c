/*
 * test_tmpl.c - the template engine: the two handbook examples for every
 * voucher type, byte-for-byte golden files, text that only looks like tags,
 * escaping, every diagnostic with its exact line:column, the cache.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "io.h"
#include "testutil.h"
#include "tmpl.h"

#define DATA TEST_DATA_DIR "/tmpl/"

/* --- helpers ----------------------------------------------------------------- */

struct fake_store {
	const char		*code;
	struct tmpl_voucher	 tv;
	bool			 fail;
};

static enum ws_status
fake_load(void *arg, const char *code, struct tmpl_voucher *out)
{
	struct fake_store *fs = arg;

	if (fs->fail)
		return WS_ERR_BUSY;
	memset(out, 0, sizeof(*out));
	if (fs->code != NULL && strcmp(code, fs->code) == 0)
		*out = fs->tv;
	return WS_OK;
}

static char *
slurp(const char *path, size_t *len)
{
	struct buf b = BUF_INIT, err = BUF_INIT;

	cr_assert_eq(io_read_file(path, 1u << 20, &b, &err), WS_OK, "%s: %s",
	    path, buf_cstr(&err));
	buf_free(&err);
	*len = b.len;
	if (b.data == NULL)
		return calloc(1, 1);
	return b.data;
}

static struct tmpl *
compile_file(const char *path)
{
	struct diags d;
	struct tmpl *t = NULL;
	size_t len;
	char *src = slurp(path, &len);

	diags_init(&d);
	if (tmpl_compile(src, len, path, &t, &d) != WS_OK) {
		diags_print(&d, stderr);
		cr_assert_fail("%s does not compile", path);
	}
	diags_free(&d);
	free(src);
	return t;
}

/* Renders t with the one voucher fs holds; returns a malloc'ed string. */
static char *
render(const struct tmpl *t, struct fake_store *fs)
{
	static struct voucher_conf conf;
	struct tmpl_data data;
	struct buf out = BUF_INIT, err = BUF_INIT;

	conf_defaults(&conf);
	memset(&data, 0, sizeof(data));
	data.conf = &conf;
	data.load_voucher = fake_load;
	data.load_arg = fs;
	cr_assert_eq(tmpl_render(t, &data, &out, &err), WS_OK, "%s",
	    buf_cstr(&err));
	buf_free(&err);
	return out.data != NULL ? out.data : calloc(1, 1);
}

/* Folds every run of white space (NBSP too) into one space. */
static char *
fold(const char *s)
{
	size_t n = strlen(s), i, j = 0;
	char *o = malloc(n + 1);
	bool space = false;

	cr_assert_not_null(o);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    (c == 0xc2 && i + 1 < n &&
		    (unsigned char)s[i + 1] == 0xa0)) {
			if (c == 0xc2)
				i++;
			space = true;
			continue;
		}
		if (space && j > 0)
			o[j++] = ' ';
		space = false;
		o[j++] = (char)c;
	}
	o[j] = '\0';
	return o;
}

static void
voucher_of(struct fake_store *fs, const char *code, enum voucher_type type,
    uint32_t max, uint32_t redeemed, const char *bound)
{
	struct voucher *v = &fs->tv.v;

	memset(fs, 0, sizeof(*fs));
	fs->code = code;
	fs->tv.exists = true;
	voucher_init(v);
	memcpy(v->code, code, strlen(code) + 1);
	memcpy(v->charge_id, "CH-2026-11", 11);
	memcpy(fs->tv.charge_creator, "Marketing", 10);
	v->type = type;
	v->amount = 1000;
	v->balance = voucher_has_balance(v) ? 1000 : 0;
	v->max_redemptions = max;
	v->redeemed = redeemed;
	v->valid_from = 1764590400;	/* 2025-12-01T12:00:00Z */
	v->valid_until = 1798718400;	/* 2026-12-31T12:00:00Z */
	if (bound != NULL)
		memcpy(v->bound_customer, bound, strlen(bound) + 1);
}

/* --- the handbook examples ------------------------------------------------------- */

static const char *const type_sentence[VOUCHER_TYPE__MAX] = {
	[VOUCHER_STD_REUSABLE] = "Individualgutschein ohne Einschränkungen "
	    "mit nutzbarem Restbetrag",
	[VOUCHER_STD_EXPIRES] = "Individualgutschein ohne Einschränkungen, "
	    "Restbetrag verfällt",
	[VOUCHER_STD_REUSABLE_NEW] = "Individualgutschein für Neukunden mit "
	    "nutzbarem Restbetrag",
	[VOUCHER_STD_EXPIRES_NEW] = "Individualgutschein für Neukunden, "
	    "Restbetrag verfällt",
	[VOUCHER_UNI_NO_RESTRICTIONS] = "Universalgutschein ohne "
	    "Einschränkungen)",
	[VOUCHER_UNI_ONCE_PER_CUSTOMER] = "Universalgutschein, der einmal pro "
	    "Kunde gilt",
	[VOUCHER_UNI_NEW_CUSTOMERS] = "Universalgutschein, der nur für "
	    "Neukunden gilt",
	/* the handbook's first example has no sentence for this type */
	[VOUCHER_UNI_CUSTOMER_BINDING] = NULL,
};

Test(tmpl, seed_123_every_type_with_and_without_maximum)
{
	struct tmpl *t = compile_file(DATA "seed_123.htm");
	static const uint32_t maxes[] = { 0, 100 };
	static const uint32_t reds[] = { 0, 37, 100 };
	unsigned type, m, r, k;

	for (type = 0; type < VOUCHER_TYPE__MAX; type++) {
		for (m = 0; m < 2; m++) {
			for (r = 0; r < 3; r++) {
				struct fake_store fs;
				char *out, *f, want[160];

				voucher_of(&fs, "123", (enum voucher_type)type,
				    maxes[m], reds[r], NULL);
				out = render(t, &fs);
				f = fold(out);
				for (k = 0; k < VOUCHER_TYPE__MAX; k++) {
					if (type_sentence[k] == NULL)
						continue;
					cr_expect_eq(strstr(f, type_sentence[k])
					    != NULL, k == type, "type %u shows "
					    "sentence of type %u: %s", type, k,
					    f);
				}
				cr_expect(strstr(f, "und hat die Nummer 123.")
				    != NULL, "%s", f);
				cr_expect(strstr(f, "Die Chargen-ID des "
				    "Gutscheins lautet CH-2026-11. Diese "
				    "Gutschein-Charge wurde erstellt von "
				    "Marketing.") != NULL, "%s", f);
				cr_expect(strstr(f, "Der Gutschein gilt vom "
				    "01.12.2025 bis 31.12.2026.") != NULL,
				    "dates: %s", f);
				snprintf(want, sizeof(want), "insgesamt %u-mal",
				    maxes[m]);
				cr_expect_eq(strstr(f, want) != NULL, maxes[m] >
				    0, "max %u: %s", maxes[m], f);
				snprintf(want, sizeof(want), "bereits %u-mal",
				    reds[r]);
				cr_expect_eq(strstr(f, want) != NULL,
				    maxes[m] > 0 && reds[r] > 0, "redeemed "
				    "%u of %u: %s", reds[r], maxes[m], f);
				snprintf(want, sizeof(want), "noch %u-mal",
				    maxes[m] - reds[r] > maxes[m] ? 0 :
				    maxes[m] - reds[r]);
				cr_expect_eq(strstr(f, want) != NULL,
				    maxes[m] > 0 && reds[r] < maxes[m],
				    "remaining: %s", f);
				free(f);
				free(out);
			}
		}
	}
	tmpl_free(t);
}

Test(tmpl, seed_2467_bound_unbound_and_other_types)
{
	struct tmpl *t = compile_file(DATA "seed_2467.htm");
	unsigned type;

	for (type = 0; type < VOUCHER_TYPE__MAX; type++) {
		int bound;

		for (bound = 0; bound < 2; bound++) {
			struct fake_store fs;
			char *out, *f;
			bool binding = type == VOUCHER_UNI_CUSTOMER_BINDING;

			voucher_of(&fs, "2467", (enum voucher_type)type, 0, 0,
			    bound && binding ? "cust-42" : NULL);
			out = render(t, &fs);
			f = fold(out);
			cr_expect_eq(strstr(f, "ist ein individueller "
			    "Mehrfachgutschein.") != NULL, binding, "%s", f);
			cr_expect_eq(strstr(f, "ist kein individueller "
			    "Mehrfachgutschein.") != NULL, !binding, "%s", f);
			cr_expect_eq(strstr(f, "ist an ein Kundenkonto "
			    "gebunden.") != NULL, binding && bound, "%s", f);
			cr_expect_eq(strstr(f, "noch an kein Kundenkonto "
			    "gebunden.") != NULL, binding && !bound, "%s", f);
			free(f);
			free(out);
		}
	}
	tmpl_free(t);
}

Test(tmpl, unknown_number_shows_nothing_of_the_voucher)
{
	struct tmpl *t1 = compile_file(DATA "seed_123.htm");
	struct tmpl *t2 = compile_file(DATA "seed_2467.htm");
	struct fake_store fs;
	char *o1, *o2, *f1, *f2;

	voucher_of(&fs, "999", VOUCHER_STD_REUSABLE, 0, 0, NULL);
	o1 = render(t1, &fs);
	o2 = render(t2, &fs);
	f1 = fold(o1);
	f2 = fold(o2);
	cr_expect_str_eq(f1, "<!-- ws_start.htm: handbook example, Universal "
	    "vouchers with a maximum -->");
	cr_expect_str_eq(f2, "<!-- ws_start.htm: handbook example, individual "
	    "multi-use vouchers -->");
	free(f1);
	free(f2);
	free(o1);
	free(o2);
	tmpl_free(t1);
	tmpl_free(t2);
}

/* Byte-for-byte: the rendered page equals its .gold file. */
static void
golden(const char *tmpl_name, const char *gold_name, struct fake_store *fs)
{
	char path[512];
	struct tmpl *t;
	size_t glen;
	char *out, *gold;

	snprintf(path, sizeof(path), DATA "%s", tmpl_name);
	t = compile_file(path);
	out = render(t, fs);
	snprintf(path, sizeof(path), DATA "%s", gold_name);
	if (getenv("WSV_WRITE_GOLD") != NULL) {
		FILE *fp = fopen(path, "w");

		cr_assert_not_null(fp);
		fputs(out, fp);
		fclose(fp);
	}
	gold = slurp(path, &glen);
	cr_expect_eq(strlen(out), glen, "%s: length %zu, gold %zu", gold_name,
	    strlen(out), glen);
	cr_expect_eq(memcmp(out, gold, glen < strlen(out) ? glen :
	    strlen(out)), 0, "%s differs:\n%s", gold_name, out);
	free(gold);
	free(out);
	tmpl_free(t);
}

Test(tmpl, golden_files)
{
	struct fake_store fs;

	voucher_of(&fs, "123", VOUCHER_UNI_NO_RESTRICTIONS, 100, 37, NULL);
	golden("seed_123.htm", "seed_123_universal_max.gold", &fs);
	voucher_of(&fs, "123", VOUCHER_STD_REUSABLE, 0, 0, NULL);
	golden("seed_123.htm", "seed_123_standard.gold", &fs);
	voucher_of(&fs, "2467", VOUCHER_UNI_CUSTOMER_BINDING, 0, 0, "c-7");
	golden("seed_2467.htm", "seed_2467_bound.gold", &fs);
	voucher_of(&fs, "2467", VOUCHER_UNI_CUSTOMER_BINDING, 0, 0, NULL);
	golden("seed_2467.htm", "seed_2467_unbound.gold", &fs);
	voucher_of(&fs, "999", VOUCHER_STD_REUSABLE, 0, 0, NULL);
	golden("seed_2467.htm", "seed_2467_unknown.gold", &fs);
}

/* --- text that only looks like tags ------------------------------------------------ */

Test(tmpl, css_js_json_and_comments_stay_byte_identical)
{
	static const char src[] =
	    "<style>body { color: red; } .a{b:c} @media (x) { .y { } }</style>\n"
	    "<script>var o = {a: 1, \"b\": [1, {c: 2}]}; if (x) { y(); }\n"
	    "var s = '~not a tag~ ~VOUCHERX~ {VOUCHERS} {/x} {!y} {@z}';\n"
	    "function f() { return ~~x; }</script>\n"
	    "<!-- {comment} ~tilde~ { -->\n"
	    "{\"json\": {\"k\": \"~v~\"}} ~ { } {{ }} ~~\n"
	    "<p>{MSG-Voucher_error}Fehler ~MSG-Voucher_error~{/MSG-Voucher_error}"
	    "</p>{ MSG-Voucher_error }\n";
	static const char want[] =
	    "<style>body { color: red; } .a{b:c} @media (x) { .y { } }</style>\n"
	    "<script>var o = {a: 1, \"b\": [1, {c: 2}]}; if (x) { y(); }\n"
	    "var s = '~not a tag~ ~VOUCHERX~ {VOUCHERS} {/x} {!y} {@z}';\n"
	    "function f() { return ~~x; }</script>\n"
	    "<!-- {comment} ~tilde~ { -->\n"
	    "{\"json\": {\"k\": \"~v~\"}} ~ { } {{ }} ~~\n"
	    "<p></p>{ MSG-Voucher_error }\n";
	struct diags d;
	struct tmpl *t;
	struct fake_store fs;
	char *out;

	diags_init(&d);
	cr_assert_eq(tmpl_compile(src, sizeof(src) - 1, "rt.htm", &t, &d),
	    WS_OK);
	memset(&fs, 0, sizeof(fs));
	out = render(t, &fs);
	cr_expect_str_eq(out, want);
	free(out);
	tmpl_free(t);
	diags_free(&d);
}

/* --- escaping ------------------------------------------------------------------------ */

Test(tmpl, values_are_escaped_by_default)
{
	static const char src[] = "{VOUCHER-LoadData(X)}<b title=\""
	    "~VOUCHER-ChargeID~\">~VOUCHER-ChargeID:url~|~VOUCHER-ChargeID:js~"
	    "</b>{/VOUCHER-LoadData(X)}";
	struct diags d;
	struct tmpl *t;
	struct fake_store fs;
	char *out;

	diags_init(&d);
	cr_assert_eq(tmpl_compile(src, sizeof(src) - 1, "esc.htm", &t, &d),
	    WS_OK);
	voucher_of(&fs, "X", VOUCHER_STD_REUSABLE, 0, 0, NULL);
	memcpy(fs.tv.v.charge_id, "<a&\"'>/ x", 10);
	out = render(t, &fs);
	cr_expect_str_eq(out, "<b title=\"&lt;a&amp;&quot;&#39;&gt;/ x\">"
	    "%3Ca%26%22%27%3E%2F%20x|\\u003Ca\\u0026\\u0022\\u0027\\u003E"
	    "\\u002F x</b>");
	free(out);
	tmpl_free(t);
	diags_free(&d);
}

Test(tmpl, argument_from_a_value_and_comparison)
{
	static const char src[] = "{VOUCHER-LoadData(A)}{VOUCHER-LoadData("
	    "~VOUCHER-ChargeID~)}[~VOUCHER-Number~]{/VOUCHER-LoadData("
	    "~VOUCHER-ChargeID~)}{VOUCHER-State(active)}on{/VOUCHER-State("
	    "active)}{VOUCHER-State(invalidated)}off{/VOUCHER-State("
	    "invalidated)}{/VOUCHER-LoadData(A)}";
	struct diags d;
	struct tmpl *t;
	struct fake_store fs;
	char *out;

	diags_init(&d);
	cr_assert_eq(tmpl_compile(src, sizeof(src) - 1, "arg.htm", &t, &d),
	    WS_OK);
	voucher_of(&fs, "A", VOUCHER_STD_REUSABLE, 0, 0, NULL);
	memcpy(fs.tv.v.charge_id, "A", 2);	/* loads itself again */
	out = render(t, &fs);
	cr_expect_str_eq(out, "[A]on");
	free(out);
	tmpl_free(t);
	diags_free(&d);
}

Test(tmpl, failed_render_leaves_output_untouched)
{
	struct tmpl *t = compile_file(DATA "seed_123.htm");
	struct voucher_conf conf;
	struct tmpl_data data;
	struct fake_store fs;
	struct buf out = BUF_INIT, err = BUF_INIT;

	conf_defaults(&conf);
	memset(&fs, 0, sizeof(fs));
	fs.fail = true;
	memset(&data, 0, sizeof(data));
	data.conf = &conf;
	data.load_voucher = fake_load;
	data.load_arg = &fs;
	buf_append_str(&out, "HEAD");
	cr_expect_eq(tmpl_render(t, &data, &out, &err), WS_ERR_BUSY);
	cr_expect_str_eq(buf_cstr(&out), "HEAD");
	cr_expect(strstr(buf_cstr(&err), "seed_123.htm:2:1") != NULL, "%s",
	    buf_cstr(&err));
	buf_free(&out);
	buf_free(&err);
	tmpl_free(t);
}

/* --- diagnostics ------------------------------------------------------------------ */

static const struct {
	int		 line;
	const char	*src;
	const char	*want;	/* "line:col:" and a part of the message */
	const char	*text;
} lint_cases[] = {
	{ __LINE__, "ab\n  ~VOUCHER-Nummer~", "2:3:", "unknown tag" },
	{ __LINE__, "{VOUCHER-Bogus}x{/VOUCHER-Bogus}", "1:1:", "unknown tag" },
	{ __LINE__, "x\n\n{MSG-Voucher_error}", "3:1:", "never closed" },
	{ __LINE__, "{/MSG-Voucher_error}", "1:1:", "close without" },
	{ __LINE__, "{VOUCHER-LoadData(1)}{MSG-Voucher_error}"
	    "{/VOUCHER-LoadData(1)}{/MSG-Voucher_error}", "1:41:",
	    "crossed blocks" },
	{ __LINE__, "{VOUCHER-LoadData(1)}\n{/VOUCHER-LoadData(2)}", "2:1:",
	    "does not match" },
	{ __LINE__, "~VOUCHER-Number~", "1:1:", "only valid inside" },
	{ __LINE__, "\n {VOUCHER-DataExists}{/VOUCHER-DataExists}", "2:2:",
	    "only valid inside" },
	{ __LINE__, "~BASKET-Item_Name~", "1:1:", "@BASKET-Items" },
	{ __LINE__, "{VOUCHER-LoadData(1)}~VOUCHER-Number~"
	    "{/VOUCHER-LoadData(1)}\n~WS-VoucherNumber~", "2:1:", "mixed" },
	{ __LINE__, "~WS-VoucherNumber~ {VOUCHER-LoadData(1)}"
	    "{/VOUCHER-LoadData(1)}", "1:20:", "mixed" },
	{ __LINE__, "~VOUCHER-Number:raw~", "1:1:", "raw output" },
	{ __LINE__, "~MSG-Voucher_error:xml~", "1:1:", "modifier" },
	{ __LINE__, "~MSG-Voucher_error", "1:1:", "unterminated" },
	{ __LINE__, "{VOUCHER-LoadData}{/VOUCHER-LoadData}", "1:1:",
	    "needs an argument" },
	{ __LINE__, "{VOUCHER-MultiVoucher}{/VOUCHER-MultiVoucher}", "1:1:",
	    "is a loop" },
	{ __LINE__, "{@MSG-Voucher_error}{/@MSG-Voucher_error}", "1:1:",
	    "not a loop" },
	{ __LINE__, "{VOUCHER-LoadData(12\n)}", "1:1:", "not closed" },
	{ __LINE__, "~VOUCHER-LoadData~", "1:1:", "not a value" },
	{ __LINE__, "ä ö ü ~SHOP-Nope~", "1:7:", "unknown tag" },
	{ __LINE__, "{@BASKET-Items}\n {@BASKET-Items}{/@BASKET-Items}"
	    "{/@BASKET-Items}", "2:2:", "inside {@BASKET-Items}" },
};

Test(tmpl, lint_diagnostics_with_line_and_column)
{
	size_t i;

	for (i = 0; i < sizeof(lint_cases) / sizeof(lint_cases[0]); i++) {
		struct diags d;
		struct tmpl *t = NULL;
		char where[32];
		bool found = false;
		size_t k;

		diags_init(&d);
		cr_expect_eq(tmpl_compile(lint_cases[i].src,
		    strlen(lint_cases[i].src), "t.htm", &t, &d),
		    WS_ERR_INVALID, "line %d compiled", lint_cases[i].line);
		for (k = 0; k < d.n; k++) {
			snprintf(where, sizeof(where), "%u:%u:",
			    d.items[k].line, d.items[k].col);
			if (strcmp(where, lint_cases[i].want) == 0 &&
			    strstr(d.items[k].text, lint_cases[i].text) != NULL)
				found = true;
		}
		if (!found)
			diags_print(&d, stderr);
		cr_expect(found, "line %d: want %s %s", lint_cases[i].line,
		    lint_cases[i].want, lint_cases[i].text);
		cr_expect(d.n > 0 && strcmp(d.items[0].path, "t.htm") == 0);
		tmpl_free(t);
		diags_free(&d);
	}
}

Test(tmpl, all_problems_of_a_file_are_reported)
{
	static const char src[] = "~VOUCHER-A~\n~VOUCHER-B~\n{SHOP-C}";
	struct diags d;
	struct tmpl *t = NULL;

	diags_init(&d);
	cr_expect_eq(tmpl_compile(src, sizeof(src) - 1, "t.htm", &t, &d),
	    WS_ERR_INVALID);
	cr_expect_eq(d.n, 3);
	diags_free(&d);
}

/* --- cache ----------------------------------------------------------------------- */

static void
write_file(const char *path, const char *s)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp);
	fputs(s, fp);
	cr_assert_eq(fclose(fp), 0);
}

Test(tmpl, cache_recompiles_on_change_and_flush)
{
	char *dir = tu_tmpdir(), path[600];
	struct tmpl_cache *c;
	const struct tmpl *t1, *t2;
	struct fake_store fs;
	struct diags d;
	char *out;

	memset(&fs, 0, sizeof(fs));
	diags_init(&d);
	snprintf(path, sizeof(path), "%s/p.htm", dir);
	write_file(path, "one {MSG-Voucher_error}x{/MSG-Voucher_error}");
	cr_assert_eq(tmpl_cache_new(dir, &c), WS_OK);
	cr_assert_eq(tmpl_cache_get(c, "p.htm", &t1, &d), WS_OK);
	cr_assert_eq(tmpl_cache_get(c, "p.htm", &t2, &d), WS_OK);
	cr_expect_eq(t1, t2, "unchanged file: same tree");
	write_file(path, "two, longer");
	cr_assert_eq(tmpl_cache_get(c, "p.htm", &t2, &d), WS_OK);
	out = render(t2, &fs);
	cr_expect_str_eq(out, "two, longer");
	free(out);
	write_file(path, "broken {MSG-Voucher_error}");
	cr_expect_eq(tmpl_cache_get(c, "p.htm", &t2, &d), WS_ERR_INVALID);
	cr_expect_eq(d.n, 1);
	cr_expect_eq(tmpl_cache_get(c, "../p.htm", &t2, &d), WS_ERR_INVALID);
	cr_expect_eq(tmpl_cache_get(c, "nope.htm", &t2, &d), WS_ERR_IO);
	tmpl_cache_flush(c);
	write_file(path, "three");
	cr_assert_eq(tmpl_cache_get(c, "p.htm", &t2, &d), WS_OK);
	tmpl_cache_free(c);
	diags_free(&d);
	tu_rmrf(dir);
	free(dir);
}

Test(tmpl, huge_output_fails_cleanly)
{
	/* a line and a voucher name of 100 KiB, printed 200 times: 20 MiB */
	static struct tmpl_line lines[1];
	static struct tmpl_basket basket;
	struct voucher_conf conf;
	struct tmpl_data data;
	struct buf src = BUF_INIT, out = BUF_INIT, err = BUF_INIT;
	struct diags d;
	struct tmpl *t;
	char *name = malloc(100 * 1024 + 1);
	int i;

	cr_assert_not_null(name);
	memset(name, 'x', 100 * 1024);
	name[100 * 1024] = '\0';
	lines[0].name = name;
	basket.lines = lines;
	basket.nlines = 1;
	buf_append_str(&src, "{@BASKET-Items}");
	for (i = 0; i < 200; i++)
		buf_append_str(&src, "~BASKET-Item_Name~");
	buf_append_str(&src, "{/@BASKET-Items}");
	diags_init(&d);
	cr_assert_eq(tmpl_compile(src.data, src.len, "big.htm", &t, &d),
	    WS_OK);
	conf_defaults(&conf);
	memset(&data, 0, sizeof(data));
	data.conf = &conf;
	data.basket = &basket;
	cr_expect_eq(tmpl_render(t, &data, &out, &err), WS_ERR_LIMIT);
	cr_expect_eq(out.len, 0, "nothing of the page");
	cr_expect_eq(tmpl_render(t, &data, &out, NULL), WS_ERR_LIMIT,
	    "err may be NULL");
	tmpl_free(t);
	diags_free(&d);
	buf_free(&src);
	buf_free(&out);
	buf_free(&err);
	free(name);
}
