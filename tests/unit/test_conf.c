/*
 * test_conf.c - shop.config parser: every <Voucher-Txt> key with good and
 * bad values, the line syntax, the section rules, and that a failed parse
 * changes nothing.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L	/* mkstemp, setenv under -std=c11 */
#endif

#include <criterion/criterion.h>

#include <sys/stat.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "diag.h"

#define PATH		"shop.config"
#define SAMPLE		TEST_DATA_DIR "/../../shop.config.sample"
#define MANPAGE		TEST_DATA_DIR "/../../doc/shop.config.5"
#define KEY_LINE	3	/* line of the key in voucher_file() */

static struct diags d;

/*
 * The time zone checks look for files below /usr/share/zoneinfo.  Where
 * tzdata is not installed (slim build images), a small stand-in directory
 * is made and named by TZDIR, so the tests run the same everywhere.
 */
static const char *const fake_zones[] = {
	"UTC", "Europe/Berlin", "America/New_York", "Etc/GMT+1",
};
static char fake_tzdir[64];

static void
fake_zoneinfo_make(void)
{
	char path[256];
	size_t i;
	FILE *fp;

	if (access("/usr/share/zoneinfo/Europe/Berlin", F_OK) == 0 ||
	    getenv("TZDIR") != NULL)
		return;
	snprintf(fake_tzdir, sizeof(fake_tzdir), "/tmp/test_conf_tz_XXXXXX");
	cr_assert_not_null(mkdtemp(fake_tzdir));
	for (i = 0; i < sizeof(fake_zones) / sizeof(fake_zones[0]); i++) {
		const char *slash = strchr(fake_zones[i], '/');

		if (slash != NULL) {
			snprintf(path, sizeof(path), "%s/%.*s", fake_tzdir,
			    (int)(slash - fake_zones[i]), fake_zones[i]);
			cr_assert(mkdir(path, 0700) == 0 || errno == EEXIST);
		}
		snprintf(path, sizeof(path), "%s/%s", fake_tzdir,
		    fake_zones[i]);
		fp = fopen(path, "w");
		cr_assert_not_null(fp);
		fputs("TZif", fp);
		fclose(fp);
	}
	cr_assert_eq(setenv("TZDIR", fake_tzdir, 1), 0);
}

static void
fake_zoneinfo_remove(void)
{
	char path[256];
	size_t i;

	if (fake_tzdir[0] == '\0')
		return;
	for (i = 0; i < sizeof(fake_zones) / sizeof(fake_zones[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fake_tzdir,
		    fake_zones[i]);
		unlink(path);
	}
	for (i = 0; i < sizeof(fake_zones) / sizeof(fake_zones[0]); i++) {
		const char *slash = strchr(fake_zones[i], '/');

		if (slash == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%.*s", fake_tzdir,
		    (int)(slash - fake_zones[i]), fake_zones[i]);
		rmdir(path);
	}
	rmdir(fake_tzdir);
	fake_tzdir[0] = '\0';
}

static void
setup(void)
{
	diags_init(&d);
	fake_zoneinfo_make();
}

static void
teardown(void)
{
	diags_free(&d);
	fake_zoneinfo_remove();
}

TestSuite(conf, .init = setup, .fini = teardown);

/* Every documented key, in the documented spelling. */
static const char *const all_keys[] = {
	"ExternalVouchers-Allow", "MultiVoucher-Allow", "VoucherInputLocation",
	"NewCustomerDefinition", "PreventOrdersWithVoucherNotApplicable",
	"VATType", "ShowPercentalVoucherDiscountForPosition-Allow",
	"UseRoundedPercentalMultiVoucherDiscount", "Name",
	"VoucherNotApplicable", "UsedVoucherNumber", "ExtraCosts-Apply",
	"MultiVoucher-Max", "Reservation-Hours", "Currency", "TimeZone",
	"Locale",
	"HideReasons", "FailedAttempts-PerSession",
	"FailedAttempts-PerAddress", "FailedAttempts-WindowMinutes",
	"GiftVoucher-PaymentMethods", "Code-Alphabet", "Code-Length",
	"Code-Group", "Code-Separator", "Code-Prefix", "Code-CheckChar",
	"Store-Directory", "Store-Durable",
};

static void
reset_diags(void)
{
	diags_free(&d);
	diags_init(&d);
}

/* First diagnostic as text, for assertion messages. */
static const char *
first_diag(void)
{
	static char text[sizeof(struct diag) + 32];

	if (d.n == 0)
		return "(no diagnostics)";
	snprintf(text, sizeof(text), "%s:%u: %s: %s", d.items[0].path,
	    d.items[0].line, d.items[0].field, d.items[0].text);
	return text;
}

static enum ws_status
parse_len(const char *text, size_t len, struct voucher_conf *c)
{
	return conf_parse(text, len, PATH, c, &d);
}

static enum ws_status
parse(const char *text, struct voucher_conf *c)
{
	return parse_len(text, strlen(text), c);
}

/* A file whose <Voucher-Txt> holds body, starting on line KEY_LINE. */
static enum ws_status
parse_voucher(const char *body, struct voucher_conf *c)
{
	struct buf b = BUF_INIT;
	enum ws_status st;

	cr_assert_eq(buf_printf(&b, "# test\n<Voucher-Txt>\n%s\n"
	    "</Voucher-Txt>\n", body), WS_OK);
	st = parse_len(b.data, b.len, c);
	buf_free(&b);
	return st;
}

static enum ws_status
parse_key(const char *key, const char *value, struct voucher_conf *c)
{
	struct buf b = BUF_INIT;
	enum ws_status st;

	cr_assert_eq(buf_printf(&b, "%s = %s", key, value), WS_OK);
	st = parse_voucher(b.data, c);
	buf_free(&b);
	return st;
}

static char *
repeat(char ch, size_t n)
{
	char *s = malloc(n + 1);

	cr_assert_not_null(s);
	memset(s, ch, n);
	s[n] = '\0';
	return s;
}

static bool
diag_mentions(const struct diag *it, const char *key)
{
	return strcmp(it->field, key) == 0 || strstr(it->text, key) != NULL;
}

/* --- defaults --------------------------------------------------------- */

Test(conf, defaults)
{
	struct voucher_conf c;
	unsigned i;

	conf_defaults(&c);
	cr_expect_eq(c.external_vouchers_allow, false);
	cr_expect_eq(c.multi_voucher_allow, CONF_MULTI_NO);
	cr_expect_eq(c.input_location, CONF_INPUT_BASKET);
	cr_expect_eq(c.new_customer_definition, CONF_NEWCUST_NO_ORDERS);
	cr_expect_eq(c.prevent_orders_not_applicable, false);
	cr_expect_eq(c.vat_type, CONF_VAT_PROPORTIONAL);
	cr_expect_eq(c.show_percent_per_position, false);
	cr_expect_eq(c.use_rounded_percent_multi, false);
	cr_expect_str_eq(c.name, "Gutschein");
	cr_expect_str_eq(c.text_not_applicable, "Der Gutschein kann für "
	    "diesen Warenkorb nicht mehr verwendet werden.");
	cr_expect_str_eq(c.text_used_number,
	    "Diese Gutscheinnummer wurde bereits verwendet.");
	cr_expect_eq(c.extra_costs, CONF_EXTRA_WITH_PRODUCTS);
	cr_expect_eq(c.multi_voucher_max, 10);
	cr_expect_eq(c.reservation_hours, 24);
	cr_expect_str_eq(c.currency, "EUR");
	cr_expect_str_eq(c.timezone, "Europe/Berlin");
	cr_expect_eq(c.hide_reasons, false);
	cr_expect_eq(c.attempts_per_session, 5);
	cr_expect_eq(c.attempts_per_address, 20);
	cr_expect_eq(c.attempts_window_minutes, 15);
	cr_expect_eq(c.gift_payment_n, 2);
	cr_expect_str_eq(c.gift_payment[0], "paypal");
	cr_expect_str_eq(c.gift_payment[1], "creditcard");
	cr_expect_str_eq(c.code_alphabet, "23456789ABCDEFGHJKLMNPQRSTUVWXYZ");
	cr_expect_eq(c.code_length, 16);
	cr_expect_eq(c.code_group, 4);
	cr_expect_eq(c.code_separator, '-');
	cr_expect_str_eq(c.code_prefix, "");
	cr_expect_eq(c.code_check_char, true);
	cr_expect_str_eq(c.store_directory, "");
	cr_expect_eq(c.store_durable, true);
	for (i = 1; i <= CONF_REASON_MAX; i++) {
		size_t n = strlen(c.reason_text[i]);

		cr_expect(n > 0 && n < CONF_TEXT_MAX, "reason %u text", i);
	}
	cr_expect_str_eq(c.reason_text[13],
	    "Dieser Gutschein wurde bereits so oft eingelöst wie erlaubt.");
}

Test(conf, empty_section_gives_defaults)
{
	struct voucher_conf c, def;

	memset(&c, 0x5a, sizeof(c));
	conf_defaults(&def);
	cr_assert_eq(parse("<Voucher-Txt>\n</Voucher-Txt>\n", &c), WS_OK,
	    "%s", first_diag());
	cr_expect_eq(diags_count(&d), 0);
	cr_expect_eq(memcmp(&c, &def, sizeof(c)), 0);
}

Test(conf, reason_text)
{
	struct voucher_conf c;

	conf_defaults(&c);
	cr_expect_str_eq(conf_reason_text(&c, 0), "");
	cr_expect_str_eq(conf_reason_text(&c, CONF_REASON_MAX + 1), "");
	cr_expect_str_eq(conf_reason_text(&c, 13), c.reason_text[13]);
	cr_expect_str_eq(conf_reason_text(NULL, 13), "");
	cr_assert_eq(parse_key("Error-13", "Schon 100-mal eingelöst.", &c),
	    WS_OK, "%s", first_diag());
	cr_expect_str_eq(conf_reason_text(&c, 13), "Schon 100-mal eingelöst.");
	cr_expect_str_eq(conf_reason_text(&c, 12), c.reason_text[12]);
}

/* --- every key: good values ------------------------------------------------ */

enum kind { K_BOOL, K_UINT, K_ENUM, K_STR, K_CHAR };

_Static_assert(sizeof(enum conf_vat_type) == sizeof(int) &&
    sizeof(enum conf_multi_voucher) == sizeof(int) &&
    sizeof(enum conf_input_location) == sizeof(int) &&
    sizeof(enum conf_new_customer) == sizeof(int) &&
    sizeof(enum conf_extra_costs) == sizeof(int), "enums read as int");

struct good_case {
	int		 line;
	const char	*key;
	const char	*value;
	size_t		 off;
	enum kind	 kind;
	long long	 num;		/* expected for BOOL, UINT, ENUM, CHAR */
	const char	*str;		/* expected for STR */
};

#define OFF(f)	offsetof(struct voucher_conf, f)
#define G(k, v, f, kind, num, str) \
	{ __LINE__, k, v, OFF(f), kind, num, str }

static const struct good_case good_cases[] = {
	G("ExternalVouchers-Allow", "yes", external_vouchers_allow, K_BOOL,
	    1, NULL),
	G("ExternalVouchers-Allow", "no", external_vouchers_allow, K_BOOL,
	    0, NULL),
	G("ExternalVouchers-Allow", "TRUE", external_vouchers_allow, K_BOOL,
	    1, NULL),
	G("ExternalVouchers-Allow", "On", external_vouchers_allow, K_BOOL,
	    1, NULL),
	G("ExternalVouchers-Allow", "1", external_vouchers_allow, K_BOOL,
	    1, NULL),
	G("ExternalVouchers-Allow", "off", external_vouchers_allow, K_BOOL,
	    0, NULL),
	G("externalvouchers-allow", "yes", external_vouchers_allow, K_BOOL,
	    1, NULL),
	G("MultiVoucher-Allow", "no", multi_voucher_allow, K_ENUM,
	    CONF_MULTI_NO, NULL),
	G("MultiVoucher-Allow", "yes", multi_voucher_allow, K_ENUM,
	    CONF_MULTI_YES, NULL),
	G("MultiVoucher-Allow", "test", multi_voucher_allow, K_ENUM,
	    CONF_MULTI_TEST, NULL),
	G("MULTIVOUCHER-ALLOW", "Test", multi_voucher_allow, K_ENUM,
	    CONF_MULTI_TEST, NULL),
	G("VoucherInputLocation", "basket", input_location, K_ENUM,
	    CONF_INPUT_BASKET, NULL),
	G("VoucherInputLocation", "placeorder", input_location, K_ENUM,
	    CONF_INPUT_PLACEORDER, NULL),
	G("NewCustomerDefinition", "no-orders", new_customer_definition,
	    K_ENUM, CONF_NEWCUST_NO_ORDERS, NULL),
	G("NewCustomerDefinition", "no-completed-orders",
	    new_customer_definition, K_ENUM, CONF_NEWCUST_NO_COMPLETED, NULL),
	G("PreventOrdersWithVoucherNotApplicable", "yes",
	    prevent_orders_not_applicable, K_BOOL, 1, NULL),
	G("Locale", "de-CH", locale, K_ENUM, CONF_LOCALE_DE_CH, NULL),
	G("Locale", "en-GB", locale, K_ENUM, CONF_LOCALE_EN_GB, NULL),
	G("Locale", "de-DE", locale, K_ENUM, CONF_LOCALE_DE_DE, NULL),
	G("VATType", "proportional", vat_type, K_ENUM,
	    CONF_VAT_PROPORTIONAL, NULL),
	G("VATType", "highest-rate", vat_type, K_ENUM,
	    CONF_VAT_HIGHEST_RATE, NULL),
	G("ShowPercentalVoucherDiscountForPosition-Allow", "yes",
	    show_percent_per_position, K_BOOL, 1, NULL),
	G("UseRoundedPercentalMultiVoucherDiscount", "yes",
	    use_rounded_percent_multi, K_BOOL, 1, NULL),
	G("Name", "Geschenkgutschein", name, K_STR, 0, "Geschenkgutschein"),
	G("Name", "Gutschein für Sie", name, K_STR, 0, "Gutschein für Sie"),
	G("Name", "\"  Gutschein  \"", name, K_STR, 0, "  Gutschein  "),
	G("Name", "\"a \"b\" c\"", name, K_STR, 0, "a \"b\" c"),
	G("Name", "Gutschein #1", name, K_STR, 0, "Gutschein #1"),
	G("Name", "<b>Gutschein</b> & mehr", name, K_STR, 0,
	    "<b>Gutschein</b> & mehr"),
	G("Name", "x", name, K_STR, 0, "x"),
	G("Name", "a = b", name, K_STR, 0, "a = b"),
	G("VoucherNotApplicable", "Passt nicht mehr.", text_not_applicable,
	    K_STR, 0, "Passt nicht mehr."),
	G("UsedVoucherNumber", "Schon benutzt.", text_used_number, K_STR, 0,
	    "Schon benutzt."),
	G("ExtraCosts-Apply", "with-products", extra_costs, K_ENUM,
	    CONF_EXTRA_WITH_PRODUCTS, NULL),
	G("ExtraCosts-Apply", "always", extra_costs, K_ENUM,
	    CONF_EXTRA_ALWAYS, NULL),
	G("ExtraCosts-Apply", "never", extra_costs, K_ENUM,
	    CONF_EXTRA_NEVER, NULL),
	G("MultiVoucher-Max", "1", multi_voucher_max, K_UINT, 1, NULL),
	G("MultiVoucher-Max", "10", multi_voucher_max, K_UINT, 10, NULL),
	G("MultiVoucher-Max", "05", multi_voucher_max, K_UINT, 5, NULL),
	G("Reservation-Hours", "1", reservation_hours, K_UINT, 1, NULL),
	G("Reservation-Hours", "720", reservation_hours, K_UINT, 720, NULL),
	G("Currency", "CHF", currency, K_STR, 0, "CHF"),
	G("TimeZone", "UTC", timezone, K_STR, 0, "UTC"),
	G("TimeZone", "Europe/Berlin", timezone, K_STR, 0, "Europe/Berlin"),
	G("TimeZone", "America/New_York", timezone, K_STR, 0,
	    "America/New_York"),
	G("TimeZone", "Etc/GMT+1", timezone, K_STR, 0, "Etc/GMT+1"),
	G("HideReasons", "yes", hide_reasons, K_BOOL, 1, NULL),
	G("FailedAttempts-PerSession", "1", attempts_per_session, K_UINT, 1,
	    NULL),
	G("FailedAttempts-PerSession", "1000", attempts_per_session, K_UINT,
	    1000, NULL),
	G("FailedAttempts-PerAddress", "1", attempts_per_address, K_UINT, 1,
	    NULL),
	G("FailedAttempts-PerAddress", "100000", attempts_per_address,
	    K_UINT, 100000, NULL),
	G("FailedAttempts-WindowMinutes", "1", attempts_window_minutes,
	    K_UINT, 1, NULL),
	G("FailedAttempts-WindowMinutes", "1440", attempts_window_minutes,
	    K_UINT, 1440, NULL),
	G("GiftVoucher-PaymentMethods", "sofort", gift_payment[0], K_STR, 0,
	    "sofort"),
	G("GiftVoucher-PaymentMethods", "PayPal ,x", gift_payment[0], K_STR,
	    0, "paypal"),
	G("Code-Alphabet", "0123456789ABCDEF", code_alphabet, K_STR, 0,
	    "0123456789ABCDEF"),
	G("Code-Alphabet", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	    code_alphabet, K_STR, 0, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
	G("Code-Length", "13", code_length, K_UINT, 13, NULL),
	G("Code-Length", "64", code_length, K_UINT, 64, NULL),
	G("Code-Group", "0", code_group, K_UINT, 0, NULL),
	G("Code-Group", "2", code_group, K_UINT, 2, NULL),
	G("Code-Group", "16", code_group, K_UINT, 16, NULL),
	G("Code-Separator", "-", code_separator, K_CHAR, '-', NULL),
	G("Code-Separator", ".", code_separator, K_CHAR, '.', NULL),
	G("Code-Separator", "_", code_separator, K_CHAR, '_', NULL),
	G("Code-Prefix", "", code_prefix, K_STR, 0, ""),
	G("Code-Prefix", "WS", code_prefix, K_STR, 0, "WS"),
	G("Code-Prefix", "ABCDEFGHIJKLMNOP", code_prefix, K_STR, 0,
	    "ABCDEFGHIJKLMNOP"),
	G("Code-CheckChar", "no", code_check_char, K_BOOL, 0, NULL),
	G("Code-CheckChar", "yes", code_check_char, K_BOOL, 1, NULL),
	G("Store-Directory", "/var/lib/wsvoucher", store_directory, K_STR, 0,
	    "/var/lib/wsvoucher"),
	G("Store-Directory", "", store_directory, K_STR, 0, ""),
	G("Store-Durable", "no", store_durable, K_BOOL, 0, NULL),
	G("Error-1", "Bitte eine Nummer eingeben.", reason_text[1], K_STR, 0,
	    "Bitte eine Nummer eingeben."),
	G("error-13", "Zu oft.", reason_text[13], K_STR, 0, "Zu oft."),
	G("Error-28", "\" Ungültig \"", reason_text[28], K_STR, 0,
	    " Ungültig "),
};

Test(conf, good_values)
{
	size_t i;

	for (i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
		const struct good_case *t = &good_cases[i];
		struct voucher_conf c;
		const char *base = (const char *)&c + t->off;
		long long got = 0;
		int e;

		reset_diags();
		memset(&c, 0, sizeof(c));
		if (parse_key(t->key, t->value, &c) != WS_OK) {
			cr_expect_fail("line %d: %s = %s: %s", t->line, t->key,
			    t->value, first_diag());
			continue;
		}
		cr_expect_eq(diags_count(&d), 0, "line %d", t->line);
		switch (t->kind) {
		case K_BOOL:
			got = *(const bool *)base;
			break;
		case K_UINT:
			got = *(const unsigned *)base;
			break;
		case K_ENUM:
			memcpy(&e, base, sizeof(e));
			got = e;
			break;
		case K_CHAR:
			got = *base;
			break;
		case K_STR:
			cr_expect_str_eq(base, t->str, "line %d: %s = %s",
			    t->line, t->key, t->value);
			continue;
		}
		cr_expect_eq(got, t->num, "line %d: %s = %s gave %lld",
		    t->line, t->key, t->value, got);
	}
}

/* --- every key: bad values ------------------------------------------------- */

struct bad_case {
	int		 line;
	const char	*key;		/* as written */
	const char	*value;
	const char	*field;		/* expected field (documented key) */
	const char	*text;		/* expected part of the text, or NULL */
};

#define B(k, v, f, t)	{ __LINE__, k, v, f, t }

static const struct bad_case bad_cases[] = {
	B("ExternalVouchers-Allow", "maybe", "ExternalVouchers-Allow",
	    "\"maybe\" is not one of no, yes"),
	B("ExternalVouchers-Allow", "", "ExternalVouchers-Allow", "no, yes"),
	B("ExternalVouchers-Allow", "yes please", "ExternalVouchers-Allow",
	    NULL),
	B("ExternalVouchers-Allow", "2", "ExternalVouchers-Allow", NULL),
	B("externalvouchers-allow", "ja", "ExternalVouchers-Allow", NULL),
	B("MultiVoucher-Allow", "maybe", "MultiVoucher-Allow",
	    "\"maybe\" is not one of no, yes, test"),
	B("MultiVoucher-Allow", "tests", "MultiVoucher-Allow", NULL),
	B("VoucherInputLocation", "cart", "VoucherInputLocation",
	    "basket, placeorder"),
	B("VoucherInputLocation", "", "VoucherInputLocation", NULL),
	B("NewCustomerDefinition", "never", "NewCustomerDefinition",
	    "no-orders, no-completed-orders"),
	B("PreventOrdersWithVoucherNotApplicable", "ja",
	    "PreventOrdersWithVoucherNotApplicable", NULL),
	B("VATType", "lowest-rate", "VATType", "proportional, highest-rate"),
	B("Locale", "de_DE", "Locale", "de-DE, de-CH, en-GB"),
	B("ShowPercentalVoucherDiscountForPosition-Allow", "x",
	    "ShowPercentalVoucherDiscountForPosition-Allow", NULL),
	B("UseRoundedPercentalMultiVoucherDiscount", "x",
	    "UseRoundedPercentalMultiVoucherDiscount", NULL),
	B("Name", "", "Name", "empty"),
	B("Name", "\"\"", "Name", "empty"),
	B("Name", "\"unbalanced", "Name", "double quote"),
	B("Name", "\"", "Name", "double quote"),
	B("Name", "a\tb", "Name", "control character"),
	B("Name", "a\x01" "b", "Name", "control character"),
	B("Name", "a\x7f" "b", "Name", "control character"),
	B("Name", "a\xc2\x85" "b", "Name", "control character"),
	B("Name", "a\rb", "Name", "control character"),
	B("VoucherNotApplicable", "", "VoucherNotApplicable", NULL),
	B("UsedVoucherNumber", "\"\"", "UsedVoucherNumber", NULL),
	B("ExtraCosts-Apply", "sometimes", "ExtraCosts-Apply",
	    "with-products, always, never"),
	B("MultiVoucher-Max", "0", "MultiVoucher-Max", "from 1 to 10"),
	B("MultiVoucher-Max", "11", "MultiVoucher-Max", "from 1 to 10"),
	B("MultiVoucher-Max", "-1", "MultiVoucher-Max", NULL),
	B("MultiVoucher-Max", "+5", "MultiVoucher-Max", NULL),
	B("MultiVoucher-Max", "1.5", "MultiVoucher-Max", NULL),
	B("MultiVoucher-Max", "five", "MultiVoucher-Max", NULL),
	B("MultiVoucher-Max", "", "MultiVoucher-Max", NULL),
	B("MultiVoucher-Max", "99999999999999999999999", "MultiVoucher-Max",
	    NULL),
	B("Reservation-Hours", "0", "Reservation-Hours", "from 1 to 720"),
	B("Reservation-Hours", "721", "Reservation-Hours", "from 1 to 720"),
	B("Currency", "eur", "Currency", "upper-case"),
	B("Currency", "EU", "Currency", NULL),
	B("Currency", "EURO", "Currency", NULL),
	B("Currency", "E1R", "Currency", NULL),
	B("Currency", "", "Currency", NULL),
	B("TimeZone", "Mars/Olympus_Mons", "TimeZone", "Europe/Berlin"),
	B("TimeZone", "../../etc/passwd", "TimeZone", NULL),
	B("TimeZone", "/etc/localtime", "TimeZone", NULL),
	B("TimeZone", "Europe/", "TimeZone", NULL),
	B("TimeZone", "Europe", "TimeZone", NULL),
	B("TimeZone", "Europe//Berlin", "TimeZone", NULL),
	B("TimeZone", "Europe/Ber lin", "TimeZone", NULL),
	B("TimeZone", "Europe/Berlin.", "TimeZone", NULL),
	B("TimeZone", "", "TimeZone", NULL),
	B("HideReasons", "perhaps", "HideReasons", NULL),
	B("FailedAttempts-PerSession", "0", "FailedAttempts-PerSession",
	    "from 1 to 1000"),
	B("FailedAttempts-PerSession", "1001", "FailedAttempts-PerSession",
	    NULL),
	B("FailedAttempts-PerAddress", "0", "FailedAttempts-PerAddress",
	    "from 1 to 100000"),
	B("FailedAttempts-PerAddress", "100001", "FailedAttempts-PerAddress",
	    NULL),
	B("FailedAttempts-WindowMinutes", "0",
	    "FailedAttempts-WindowMinutes", "from 1 to 1440"),
	B("FailedAttempts-WindowMinutes", "1441",
	    "FailedAttempts-WindowMinutes", NULL),
	B("GiftVoucher-PaymentMethods", "", "GiftVoucher-PaymentMethods",
	    "empty entry"),
	B("GiftVoucher-PaymentMethods", "paypal,,creditcard",
	    "GiftVoucher-PaymentMethods", "empty entry"),
	B("GiftVoucher-PaymentMethods", "paypal,", "GiftVoucher-PaymentMethods",
	    "empty entry"),
	B("GiftVoucher-PaymentMethods", "pay pal",
	    "GiftVoucher-PaymentMethods", "a-z, 0-9"),
	B("GiftVoucher-PaymentMethods", "pay.pal",
	    "GiftVoucher-PaymentMethods", NULL),
	B("GiftVoucher-PaymentMethods", "paypal, PayPal",
	    "GiftVoucher-PaymentMethods", "twice"),
	B("GiftVoucher-PaymentMethods", "zahlung\xc3\xa4",
	    "GiftVoucher-PaymentMethods", NULL),
	B("Code-Alphabet", "abcdefghijklmnop", "Code-Alphabet", "0-9 and A-Z"),
	B("Code-Alphabet", "0123456789ABCDE", "Code-Alphabet", "16 to 64"),
	B("Code-Alphabet", "0123456789ABCDEFA", "Code-Alphabet", "distinct"),
	B("Code-Alphabet", "0123456789ABCDE-", "Code-Alphabet", NULL),
	B("Code-Alphabet", "", "Code-Alphabet", NULL),
	B("Code-Alphabet", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0",
	    "Code-Alphabet", "distinct"),
	B("Code-Length", "7", "Code-Length", "from 8 to 64"),
	B("Code-Length", "65", "Code-Length", "from 8 to 64"),
	/* in range, but the default alphabet gives too few bits */
	B("Code-Length", "12", "Code-Length", "60.0 random bits"),
	B("Code-Length", "8", "Code-Length", "40.0 random bits"),
	B("Code-Group", "1", "Code-Group", "0 (no grouping)"),
	B("Code-Group", "17", "Code-Group", NULL),
	B("Code-Group", "-1", "Code-Group", NULL),
	B("Code-Separator", "", "Code-Separator", "-, ., _"),
	B("Code-Separator", "\" \"", "Code-Separator", NULL),
	B("Code-Separator", "x", "Code-Separator", NULL),
	B("Code-Separator", "--", "Code-Separator", NULL),
	B("Code-Separator", "/", "Code-Separator", NULL),
	B("Code-Prefix", "ab", "Code-Prefix", "0-9 and A-Z"),
	B("Code-Prefix", "ABCDEFGHIJKLMNOPQ", "Code-Prefix", NULL),
	B("Code-Prefix", "A-B", "Code-Prefix", NULL),
	B("Code-CheckChar", "maybe", "Code-CheckChar", NULL),
	B("Store-Directory", "var/lib/wsvoucher", "Store-Directory",
	    "absolute"),
	B("Store-Directory", "~/vouchers", "Store-Directory", NULL),
	B("Store-Directory", "/var/lib/a\x01" "b", "Store-Directory",
	    "control"),
	B("Store-Durable", "sometimes", "Store-Durable", NULL),
	B("Error-5", "", "Error-5", "empty"),
	B("error-5", "\"x", "Error-5", NULL),
	/* unknown keys: the field is the key as written */
	B("Error-0", "x", "Error-0", "Error-1 to Error-28"),
	B("Error-29", "x", "Error-29", "Error-1 to Error-28"),
	B("Error-abc", "x", "Error-abc", "Error-1 to Error-28"),
	B("Error-01", "x", "Error-01", "unknown key"),
	B("Error--1", "x", "Error--1", "unknown key"),
	B("Error-", "x", "Error-", "unknown key"),
	B("Colour", "blue", "Colour", "unknown key"),
	B("Name2", "x", "Name2", "unknown key"),
	B("Code Length", "16", "Code Length", "unknown key"),
};

static void
check_one_bad(int line, const char *key, const char *value,
    const char *field, const char *text)
{
	struct voucher_conf c, copy;

	reset_diags();
	memset(&c, 0x5a, sizeof(c));
	memcpy(&copy, &c, sizeof(c));
	if (parse_key(key, value, &c) != WS_ERR_INVALID) {
		cr_expect_fail("line %d: %s = %s was accepted", line, key,
		    value);
		return;
	}
	cr_expect_eq(memcmp(&c, &copy, sizeof(c)), 0,
	    "line %d: output changed", line);
	if (diags_count(&d) != 1 || d.n != 1) {
		cr_expect_fail("line %d: %s = %s gave %zu diagnostics, first "
		    "%s", line, key, value, diags_count(&d), first_diag());
		return;
	}
	cr_expect_eq(d.items[0].line, KEY_LINE, "line %d: reported line %u",
	    line, d.items[0].line);
	cr_expect_str_eq(d.items[0].path, PATH, "line %d", line);
	cr_expect(diag_mentions(&d.items[0], field),
	    "line %d: key %s not named: %s", line, field, first_diag());
	cr_expect_str_eq(d.items[0].field, field, "line %d: %s", line,
	    first_diag());
	if (text != NULL)
		cr_expect(strstr(d.items[0].text, text) != NULL,
		    "line %d: \"%s\" not in: %s", line, text, first_diag());
}

Test(conf, bad_values)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *t = &bad_cases[i];

		check_one_bad(t->line, t->key, t->value, t->field, t->text);
	}
}

Test(conf, error_message_format)
{
	struct voucher_conf c;
	char out[512];
	FILE *fp;

	cr_assert_eq(parse("<Voucher-Txt>\n\nMultiVoucher-Allow = maybe\n"
	    "</Voucher-Txt>\n", &c), WS_ERR_INVALID);
	fp = fmemopen(out, sizeof(out), "w");
	cr_assert_not_null(fp);
	diags_print(&d, fp);
	fclose(fp);
	cr_expect_str_eq(out, "shop.config:3: MultiVoucher-Allow: \"maybe\" is "
	    "not one of no, yes, test\n");
}

/* --- values whose length is the point -------------------------------------- */

Test(conf, text_lengths)
{
	struct voucher_conf c;
	char *ok = repeat('x', CONF_TEXT_MAX - 1);
	char *lng = repeat('x', CONF_TEXT_MAX);
	struct buf q = BUF_INIT;

	cr_assert_eq(parse_key("Name", ok, &c), WS_OK, "%s", first_diag());
	cr_expect_str_eq(c.name, ok);
	cr_assert_eq(parse_key("Error-7", ok, &c), WS_OK, "%s", first_diag());
	cr_expect_str_eq(c.reason_text[7], ok);
	check_one_bad(__LINE__, "Name", lng, "Name", "at most 255");
	/* The quotes do not count. */
	cr_assert_eq(buf_printf(&q, "\"%s\"", ok), WS_OK);
	reset_diags();
	cr_assert_eq(parse_key("Name", q.data, &c), WS_OK, "%s", first_diag());
	cr_expect_str_eq(c.name, ok);
	free(ok);
	free(lng);
	buf_free(&q);
}

Test(conf, store_directory_length)
{
	struct voucher_conf c;
	char *ok = repeat('d', CONF_PATH_MAX - 1);
	char *lng = repeat('d', CONF_PATH_MAX);

	ok[0] = '/';
	lng[0] = '/';
	cr_assert_eq(parse_key("Store-Directory", ok, &c), WS_OK, "%s",
	    first_diag());
	cr_expect_str_eq(c.store_directory, ok);
	check_one_bad(__LINE__, "Store-Directory", lng, "Store-Directory",
	    "at most 511");
	free(ok);
	free(lng);
}

Test(conf, timezone_length)
{
	char *lng = repeat('A', 64);

	check_one_bad(__LINE__, "TimeZone", lng, "TimeZone", NULL);
	free(lng);
}

Test(conf, payment_lists)
{
	struct voucher_conf c;
	struct buf b = BUF_INIT;
	char *name31 = repeat('a', 31), *name32 = repeat('a', 32);
	unsigned i;

	cr_assert_eq(parse_key("GiftVoucher-PaymentMethods",
	    "PayPal ,\tKlarna,sofort_ueberweisung ,  x-y", &c), WS_OK, "%s",
	    first_diag());
	cr_expect_eq(c.gift_payment_n, 4);
	cr_expect_str_eq(c.gift_payment[0], "paypal");
	cr_expect_str_eq(c.gift_payment[1], "klarna");
	cr_expect_str_eq(c.gift_payment[2], "sofort_ueberweisung");
	cr_expect_str_eq(c.gift_payment[3], "x-y");

	reset_diags();
	cr_assert_eq(parse_key("GiftVoucher-PaymentMethods", name31, &c),
	    WS_OK, "%s", first_diag());
	cr_expect_eq(c.gift_payment_n, 1);
	cr_expect_str_eq(c.gift_payment[0], name31);
	check_one_bad(__LINE__, "GiftVoucher-PaymentMethods", name32,
	    "GiftVoucher-PaymentMethods", NULL);

	/* 16 names are fine, 17 are too many. */
	for (i = 0; i < CONF_PAYMENT_MAX; i++)
		cr_assert_eq(buf_printf(&b, "%sm%u", i ? ", " : "", i), WS_OK);
	reset_diags();
	cr_assert_eq(parse_key("GiftVoucher-PaymentMethods", b.data, &c),
	    WS_OK, "%s", first_diag());
	cr_expect_eq(c.gift_payment_n, CONF_PAYMENT_MAX);
	cr_expect_str_eq(c.gift_payment[15], "m15");
	cr_assert_eq(buf_append_str(&b, ", m16"), WS_OK);
	check_one_bad(__LINE__, "GiftVoucher-PaymentMethods", b.data,
	    "GiftVoucher-PaymentMethods", "more than 16");
	buf_free(&b);
	free(name31);
	free(name32);
}

Test(conf, every_error_key)
{
	struct voucher_conf c;
	struct buf b = BUF_INIT;
	unsigned i;

	for (i = 1; i <= CONF_REASON_MAX; i++)
		cr_assert_eq(buf_printf(&b, "Error-%u = Grund %u\n", i, i),
		    WS_OK);
	cr_assert_eq(parse_voucher(b.data, &c), WS_OK, "%s", first_diag());
	for (i = 1; i <= CONF_REASON_MAX; i++) {
		char want[32];

		snprintf(want, sizeof(want), "Grund %u", i);
		cr_expect_str_eq(conf_reason_text(&c, i), want);
	}
	buf_free(&b);
}

/* --- the code format cross-check ------------------------------------------- */

Test(conf, bits_exactly_64_is_enough)
{
	struct voucher_conf c;

	/* 16 characters of a 16-character alphabet: 64 bits exactly. */
	cr_expect_eq(parse_voucher("Code-Alphabet = 0123456789ABCDEF\n"
	    "Code-Length = 16", &c), WS_OK, "%s", first_diag());
	/* 13 of 32: 65 bits. */
	reset_diags();
	cr_expect_eq(parse_key("Code-Length", "13", &c), WS_OK, "%s",
	    first_diag());
}

Test(conf, bits_too_few)
{
	struct voucher_conf c;

	/* 15 of 16 = 60 bits; reported on the Code-Length line (4). */
	cr_assert_eq(parse_voucher("Code-Alphabet = 0123456789ABCDEF\n"
	    "Code-Length = 15", &c), WS_ERR_INVALID);
	cr_assert_eq(diags_count(&d), 1, "%s", first_diag());
	cr_expect_eq(d.items[0].line, KEY_LINE + 1);
	cr_expect_str_eq(d.items[0].field, "Code-Length");
	cr_expect(strstr(d.items[0].text, "60.0 random bits") != NULL, "%s",
	    first_diag());
	cr_expect(strstr(d.items[0].text, "at least 64") != NULL, "%s",
	    first_diag());

	/* 14 of 20 = 60.5 bits, shown rounded down. */
	reset_diags();
	cr_assert_eq(parse_voucher("Code-Length = 14\n"
	    "Code-Alphabet = 0123456789ABCDEFGHIJ", &c), WS_ERR_INVALID);
	cr_assert_eq(diags_count(&d), 1, "%s", first_diag());
	cr_expect_eq(d.items[0].line, KEY_LINE);
	cr_expect(strstr(d.items[0].text, "60.5 random bits") != NULL, "%s",
	    first_diag());

	/* 13 of 17 = 53.1 bits. */
	reset_diags();
	cr_assert_eq(parse_voucher("Code-Length = 13\n"
	    "Code-Alphabet = 0123456789ABCDEFG", &c), WS_ERR_INVALID);
	cr_expect(strstr(d.items[0].text, "53.1 random bits") != NULL, "%s",
	    first_diag());
}

Test(conf, bits_not_checked_after_bad_value)
{
	struct voucher_conf c;

	/* Only the bad alphabet is reported, not a bits problem too. */
	cr_assert_eq(parse_voucher("Code-Alphabet = 0123\n"
	    "Code-Length = 8", &c), WS_ERR_INVALID);
	cr_expect_eq(diags_count(&d), 1, "%s", first_diag());
	cr_expect_str_eq(d.items[0].field, "Code-Alphabet");
}

/* --- keys ------------------------------------------------------------------ */

Test(conf, keys_case_insensitive_reported_as_documented)
{
	struct voucher_conf c;

	cr_assert_eq(parse_voucher("multivoucher-allow = test\n"
	    "CODE-LENGTH = 20\ntimezone = UTC", &c), WS_OK, "%s",
	    first_diag());
	cr_expect_eq(c.multi_voucher_allow, CONF_MULTI_TEST);
	cr_expect_eq(c.code_length, 20);
	cr_expect_str_eq(c.timezone, "UTC");
}

Test(conf, duplicate_key)
{
	struct voucher_conf c;

	cr_assert_eq(parse_voucher("Name = Eins\nNAME = Zwei", &c),
	    WS_ERR_INVALID);
	cr_assert_eq(diags_count(&d), 1, "%s", first_diag());
	cr_expect_eq(d.items[0].line, KEY_LINE + 1);
	cr_expect_str_eq(d.items[0].field, "Name");
	cr_expect(strstr(d.items[0].text, "line 3") != NULL, "%s",
	    first_diag());

	/* A repeat is a repeat even when the first value was bad. */
	reset_diags();
	cr_assert_eq(parse_voucher("Code-Group = 1\nCode-Group = 2", &c),
	    WS_ERR_INVALID);
	cr_expect_eq(diags_count(&d), 2);

	reset_diags();
	cr_assert_eq(parse_voucher("Error-3 = a\nerror-3 = b", &c),
	    WS_ERR_INVALID);
	cr_assert_eq(diags_count(&d), 1);
	cr_expect_str_eq(d.items[0].field, "Error-3");
}

Test(conf, key_syntax)
{
	struct voucher_conf c;

	/* no '=' */
	cr_assert_eq(parse_voucher("Name Gutschein", &c), WS_ERR_INVALID);
	cr_assert_eq(diags_count(&d), 1);
	cr_expect_eq(d.items[0].line, KEY_LINE);
	cr_expect(strstr(d.items[0].text, "Key = value") != NULL);
	/* no key */
	reset_diags();
	cr_assert_eq(parse_voucher("  = Gutschein", &c), WS_ERR_INVALID);
	cr_assert_eq(diags_count(&d), 1);
	cr_expect_eq(d.items[0].line, KEY_LINE);
	/* split at the first '=', spaces and tabs around both trimmed */
	reset_diags();
	cr_assert_eq(parse_voucher(" \tName\t=  x = y \t", &c), WS_OK, "%s",
	    first_diag());
	cr_expect_str_eq(c.name, "x = y");
	/* no spaces needed */
	reset_diags();
	cr_assert_eq(parse_voucher("Name=x", &c), WS_OK, "%s", first_diag());
	cr_expect_str_eq(c.name, "x");
}

/* --- sections -------------------------------------------------------------- */

struct syntax_case {
	int		 line;
	const char	*text;
	unsigned	 diag_line;	/* line of the one expected diagnostic */
	const char	*part;		/* part of its text */
};

static const struct syntax_case syntax_cases[] = {
	{ __LINE__, "<Voucher-Txt>\nName = x\n", 1, "not closed" },
	{ __LINE__, "<Voucher-Txt>\n</Voucher-Txt>\n<Shop>\nA = b\n", 3,
	    "<Shop> is not closed" },
	{ __LINE__, "<Voucher-Txt>\n</Voucher-Txt>\n</Shop>\n", 3,
	    "without an open section" },
	{ __LINE__, "</Voucher-Txt>\n<Voucher-Txt>\n</Voucher-Txt>\n", 1,
	    "without an open section" },
	{ __LINE__, "<Voucher-Txt>\n</Shop>\n", 2, "does not close" },
	{ __LINE__, "Name = x\n<Voucher-Txt>\n</Voucher-Txt>\n", 1,
	    "outside of any section" },
	{ __LINE__, "<Voucher-Txt>\n</Voucher-Txt>\nhello\n", 3,
	    "outside of any section" },
	{ __LINE__, "<Shop>\nA = b\n</Shop>\n", 0, "no <Voucher-Txt>" },
	{ __LINE__, "", 0, "no <Voucher-Txt>" },
	{ __LINE__, "# only a comment\n", 0, "no <Voucher-Txt>" },
	{ __LINE__, "<Voucher-Txt>\nName = a\n</Voucher-Txt>\n"
	    "<Voucher-Txt>\nName = b\n</Voucher-Txt>\n", 4,
	    "second <Voucher-Txt>" },
	/* nested: one error, the later close of the outer is expected */
	{ __LINE__, "<Voucher-Txt>\n<Shop>\nA = b\n</Shop>\n</Voucher-Txt>\n",
	    2, "do not nest" },
	{ __LINE__, "<Shop>\n<Voucher-Txt>\n</Voucher-Txt>\n</Shop>\n", 2,
	    "do not nest" },
	/* crossed: one error, at the nested open */
	{ __LINE__, "<Voucher-Txt>\n<Shop>\n</Voucher-Txt>\n</Shop>\n", 2,
	    "do not nest" },
	/* forgotten close: one error at the nested open */
	{ __LINE__, "<Shop>\nA = b\n<Voucher-Txt>\n</Voucher-Txt>\n", 3,
	    "do not nest" },
	/* a bad open tag still opens: its lines and close are no news */
	{ __LINE__, "<Voucher-Txt>\n</Voucher-Txt>\n<Shop Config>\nA = b\n"
	    "</Shop>\n", 3, "bad section name" },
	{ __LINE__, "<Voucher-Txt>\n</Voucher-Txt>\n<>\nA = b\n</Shop>\n",
	    3, "bad section name" },
	{ __LINE__, "<Voucher-Txt>\n</Voucher-Txt>\n<Sh\xc3\xb6p>\n</Shop>\n",
	    3, "bad section name" },
	{ __LINE__, "<Voucher-Txt>\n</Voucher-Txt>\n<Shop>\n</Shop Config>\n",
	    4, "bad section name" },
	{ __LINE__, "<Voucher-Txt>\n</Voucher-Txt>\n<Shop\nA = b\n", 3,
	    "ends with '>'" },
	{ __LINE__, "<Voucher-Txt> # ours\n</Voucher-Txt>\n", 1,
	    "alone on its line" },
	{ __LINE__, "<Voucher-Txt>\n</Voucher-Txt>\n<Shop>\nno pair here\n"
	    "</Shop>\n", 4, "Key = value" },
	{ __LINE__, "<Voucher-Txt>\n</Voucher-Txt>\n<Shop>\n= b\n</Shop>\n",
	    4, "no key" },
};

Test(conf, section_syntax)
{
	size_t i;

	for (i = 0; i < sizeof(syntax_cases) / sizeof(syntax_cases[0]); i++) {
		const struct syntax_case *t = &syntax_cases[i];
		struct voucher_conf c, copy;

		reset_diags();
		memset(&c, 0x33, sizeof(c));
		memcpy(&copy, &c, sizeof(c));
		if (parse(t->text, &c) != WS_ERR_INVALID) {
			cr_expect_fail("line %d: accepted", t->line);
			continue;
		}
		cr_expect_eq(memcmp(&c, &copy, sizeof(c)), 0, "line %d",
		    t->line);
		if (diags_count(&d) != 1) {
			cr_expect_fail("line %d: %zu diagnostics, first %s",
			    t->line, diags_count(&d), first_diag());
			continue;
		}
		cr_expect_eq(d.items[0].line, t->diag_line, "line %d: %s",
		    t->line, first_diag());
		cr_expect(strstr(d.items[0].text, t->part) != NULL,
		    "line %d: \"%s\" not in %s", t->line, t->part,
		    first_diag());
	}
}

Test(conf, every_bad_tag_line_reported)
{
	struct voucher_conf c;

	cr_assert_eq(parse("<Voucher-Txt>\n</Voucher-Txt>\n<Shop Config>\n"
	    "A = b\n</Shop Config>\n<>\n</>\n", &c), WS_ERR_INVALID);
	cr_assert_eq(diags_count(&d), 4, "%s", first_diag());
	cr_expect_eq(d.items[0].line, 3);
	cr_expect_eq(d.items[1].line, 5);
	cr_expect_eq(d.items[2].line, 6);
	cr_expect_eq(d.items[3].line, 7);
}

Test(conf, shop_sections_are_syntax_only)
{
	struct voucher_conf c;

	cr_assert_eq(parse("<Shop>\nLanguage = de\nAnything-Goes = 12 ab\n"
	    "Empty =\nName = shop name, not ours\nName = twice is fine\n"
	    "</Shop>\n<Voucher-Txt>\nName = Gutschein\n</Voucher-Txt>\n"
	    "<shipping_2>\nx=y\n</shipping_2>\n", &c), WS_OK, "%s",
	    first_diag());
	cr_expect_str_eq(c.name, "Gutschein");
}

Test(conf, section_names_case_insensitive)
{
	struct voucher_conf c;

	cr_assert_eq(parse("<voucher-txt>\nName = a\n</VOUCHER-TXT>\n", &c),
	    WS_OK, "%s", first_diag());
	cr_expect_str_eq(c.name, "a");
}

Test(conf, second_section_keys_not_typed)
{
	struct voucher_conf c;

	/* Only the repeated section is reported, not its bad keys. */
	cr_assert_eq(parse("<Voucher-Txt>\n</Voucher-Txt>\n<Voucher-Txt>\n"
	    "Colour = blue\nCode-Group = 1\n</Voucher-Txt>\n", &c),
	    WS_ERR_INVALID);
	cr_expect_eq(diags_count(&d), 1, "%s", first_diag());
	cr_expect_eq(d.items[0].line, 3);
}

/* --- bytes and lines -------------------------------------------------------- */

Test(conf, crlf)
{
	struct voucher_conf c;

	cr_assert_eq(parse("# x\r\n<Voucher-Txt>\r\nName = Gutschein \r\n"
	    "Code-Group = 0\r\n</Voucher-Txt>\r\n", &c), WS_OK, "%s",
	    first_diag());
	cr_expect_str_eq(c.name, "Gutschein");
	cr_expect_eq(c.code_group, 0);
	/* Line numbers stay right, and no final line end is needed. */
	reset_diags();
	cr_assert_eq(parse("# x\r\n<Voucher-Txt>\r\nColour = x\r\n"
	    "</Voucher-Txt>", &c), WS_ERR_INVALID);
	cr_assert_eq(diags_count(&d), 1);
	cr_expect_eq(d.items[0].line, 3);
	reset_diags();
	cr_expect_eq(parse("<Voucher-Txt>\r\nName = x\r\n</Voucher-Txt>\r",
	    &c), WS_OK, "%s", first_diag());
}

Test(conf, bom)
{
	struct voucher_conf c;

	cr_assert_eq(parse("\xef\xbb\xbf<Voucher-Txt>\nName = a\n"
	    "</Voucher-Txt>\n", &c), WS_OK, "%s", first_diag());
	cr_expect_str_eq(c.name, "a");
	reset_diags();
	cr_assert_eq(parse("\xef\xbb\xbf<Voucher-Txt>\r\nHideReasons = x\r\n"
	    "</Voucher-Txt>\r\n", &c), WS_ERR_INVALID);
	cr_assert_eq(diags_count(&d), 1);
	cr_expect_eq(d.items[0].line, 2);
	cr_expect_str_eq(d.items[0].field, "HideReasons");
}

Test(conf, comments)
{
	struct voucher_conf c;

	cr_assert_eq(parse("# top\n   # indented\n<Voucher-Txt>\n# Name = x\n"
	    "\t# Colour = tab-indented, not a key\n\n   \t \nName = a #1\n"
	    "#</Voucher-Txt>\n</Voucher-Txt>\n# end", &c), WS_OK, "%s",
	    first_diag());
	cr_expect_str_eq(c.name, "a #1");
}

Test(conf, overlong_line)
{
	struct voucher_conf c;
	struct buf b = BUF_INIT;
	char *ok = repeat('#', 4096);
	char *lng = repeat('#', 4097);

	/* 4096 bytes without the line end are fine, CRLF or not. */
	cr_assert_eq(buf_printf(&b, "<Voucher-Txt>\n%s\r\n%s\n"
	    "</Voucher-Txt>\n", ok, ok), WS_OK);
	cr_assert_eq(parse_len(b.data, b.len, &c), WS_OK, "%s", first_diag());
	buf_reset(&b);
	cr_assert_eq(buf_printf(&b, "<Voucher-Txt>\nName = a\n%s\n"
	    "</Voucher-Txt>\n", lng), WS_OK);
	reset_diags();
	cr_assert_eq(parse_len(b.data, b.len, &c), WS_ERR_INVALID);
	cr_assert_eq(diags_count(&d), 1, "%s", first_diag());
	cr_expect_eq(d.items[0].line, 3);
	cr_expect(strstr(d.items[0].text, "4096") != NULL, "%s",
	    first_diag());
	buf_free(&b);
	free(ok);
	free(lng);
}

Test(conf, invalid_utf8)
{
	static const char *const bad[] = {
		"Name = \xff",			/* never valid */
		"Name = a\xc3",			/* cut at the line end */
		"Name = \xc0\xaf",		/* overlong '/' */
		"Name = \xe0\x80\xaf",		/* overlong '/' */
		"Name = \xed\xa0\x80",		/* surrogate */
		"Name = \xf4\x90\x80\x80",	/* above U+10FFFF */
		"Name = \x80",			/* lone continuation */
		"# comment \xfe",		/* comments too */
	};
	struct voucher_conf c;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reset_diags();
		cr_assert_eq(parse_voucher(bad[i], &c), WS_ERR_INVALID,
		    "case %zu", i);
		cr_assert_eq(diags_count(&d), 1, "case %zu: %s", i,
		    first_diag());
		cr_expect_eq(d.items[0].line, KEY_LINE, "case %zu", i);
		cr_expect(strstr(d.items[0].text, "UTF-8") != NULL,
		    "case %zu: %s", i, first_diag());
	}
	cr_expect_eq(d.items[0].col, strlen("# comment ") + 1);
	/* Good multi-byte text of each length is accepted. */
	reset_diags();
	cr_assert_eq(parse_voucher("Name = \xc3\xa4 \xe2\x82\xac "
	    "\xf0\x9f\x8e\x81", &c), WS_OK, "%s", first_diag());
	cr_expect_str_eq(c.name, "ä € 🎁");
}

Test(conf, nul_byte)
{
	static const char text[] = "<Voucher-Txt>\nName = a\0b\n"
	    "</Voucher-Txt>\n";
	struct voucher_conf c;

	cr_assert_eq(parse_len(text, sizeof(text) - 1, &c), WS_ERR_INVALID);
	cr_assert_eq(diags_count(&d), 1, "%s", first_diag());
	cr_expect_eq(d.items[0].line, 2);
	cr_expect_eq(d.items[0].col, 9);
	cr_expect(strstr(d.items[0].text, "NUL") != NULL, "%s", first_diag());
}

Test(conf, oversized_data)
{
	struct voucher_conf c;
	size_t len = 1024 * 1024 + 1;
	char *data = repeat('\n', len);

	cr_expect_eq(parse_len(data, len, &c), WS_ERR_INVALID);
	cr_expect_eq(diags_count(&d), 1);
	free(data);
}

/* --- all or nothing, all errors --------------------------------------------- */

Test(conf, failed_parse_leaves_output_untouched)
{
	struct voucher_conf c, copy;

	conf_defaults(&c);
	cr_assert_eq(parse_voucher("Name = Neu\nCurrency = CHF", &c), WS_OK);
	memcpy(&copy, &c, sizeof(c));
	/* Good keys before and after a bad one must not leak through. */
	cr_assert_eq(parse_voucher("Name = Anders\nCurrency = usd\n"
	    "Reservation-Hours = 2", &c), WS_ERR_INVALID);
	cr_expect_eq(memcmp(&c, &copy, sizeof(c)), 0);
	cr_expect_str_eq(c.name, "Neu");
}

Test(conf, success_replaces_everything)
{
	struct voucher_conf c, def;

	memset(&c, 0x77, sizeof(c));
	cr_assert_eq(parse_voucher("Name = Gutschein", &c), WS_OK);
	conf_defaults(&def);
	cr_expect_eq(memcmp(&c, &def, sizeof(c)), 0);
}

Test(conf, all_errors_reported)
{
	static const char text[] =
	    "Stray = 1\n"				/* 1 */
	    "<Voucher-Txt>\n"				/* 2 */
	    "MultiVoucher-Allow = maybe\n"		/* 3 */
	    "Name = ok\n"				/* 4 */
	    "Reservation-Hours = 0\n"			/* 5 */
	    "# fine\n"					/* 6 */
	    "Colour = blue\n"				/* 7 */
	    "Name = again\n"				/* 8 */
	    "Currency = \xff\n"				/* 9 */
	    "Code-Length = 10\n"			/* 10: bits */
	    "</Voucher-Txt>\n"				/* 11 */
	    "<Shop>\n";					/* 12: unclosed */
	static const unsigned lines[] = { 1, 3, 5, 7, 8, 9, 12, 10 };
	struct voucher_conf c;
	size_t i;

	cr_assert_eq(parse(text, &c), WS_ERR_INVALID);
	cr_assert_eq(diags_count(&d), sizeof(lines) / sizeof(lines[0]),
	    "got %zu", diags_count(&d));
	for (i = 0; i < d.n; i++)
		cr_expect_eq(d.items[i].line, lines[i], "diag %zu: %u: %s", i,
		    d.items[i].line, d.items[i].text);
	cr_expect_str_eq(d.items[1].field, "MultiVoucher-Allow");
	cr_expect_str_eq(d.items[2].field, "Reservation-Hours");
	cr_expect_str_eq(d.items[3].field, "Colour");
	cr_expect_str_eq(d.items[4].field, "Name");
	cr_expect_str_eq(d.items[7].field, "Code-Length");
	for (i = 0; i < d.n; i++)
		cr_expect_str_eq(d.items[i].path, PATH);
}

Test(conf, appends_to_existing_diags)
{
	struct voucher_conf c;

	diags_add(&d, "other", 1, 0, "", "older problem");
	cr_expect_eq(parse_voucher("Name = a", &c), WS_OK);
	cr_expect_eq(diags_count(&d), 1);
	cr_expect_eq(parse_voucher("Name = ", &c), WS_ERR_INVALID);
	cr_expect_eq(diags_count(&d), 2);
	cr_expect_str_eq(d.items[0].text, "older problem");
}

/* --- time zones without a zone database ------------------------------------- */

Test(conf, timezone_without_zoneinfo)
{
	struct voucher_conf c;

	cr_assert_eq(setenv("TZDIR", "/nonexistent/zoneinfo", 1), 0);
	cr_expect_eq(parse_key("TimeZone", "UTC", &c), WS_OK, "%s",
	    first_diag());
	cr_expect_str_eq(c.timezone, "UTC");
	reset_diags();
	cr_expect_eq(parse_key("TimeZone", "Europe/Berlin", &c),
	    WS_ERR_INVALID);
	cr_assert_eq(diags_count(&d), 1);
	cr_expect(strstr(d.items[0].text, "only UTC") != NULL, "%s",
	    first_diag());
	unsetenv("TZDIR");
}

/* --- files ------------------------------------------------------------------ */

static void
write_file(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(data, 1, len, fp), len);
	cr_assert_eq(fclose(fp), 0);
}

Test(conf, load_missing_file)
{
	struct voucher_conf c, copy;
	const char *path = "/nonexistent/dir/shop.config";

	memset(&c, 0x11, sizeof(c));
	memcpy(&copy, &c, sizeof(c));
	cr_assert_eq(conf_load(path, &c, &d), WS_ERR_IO);
	cr_assert_eq(diags_count(&d), 1);
	cr_expect_str_eq(d.items[0].path, path);
	cr_expect(strstr(d.items[0].text, strerror(ENOENT)) != NULL, "%s",
	    first_diag());
	cr_expect_eq(memcmp(&c, &copy, sizeof(c)), 0);
}

Test(conf, load_directory)
{
	struct voucher_conf c;

	cr_expect_eq(conf_load(TEST_DATA_DIR, &c, &d), WS_ERR_IO);
	cr_expect_eq(diags_count(&d), 1);
}

Test(conf, load_file_and_size_limit)
{
	char path[] = "/tmp/test_conf_XXXXXX";
	struct voucher_conf c;
	struct buf b = BUF_INIT;
	size_t limit = 1024 * 1024;
	int fd;

	fd = mkstemp(path);
	cr_assert_neq(fd, -1);
	close(fd);

	/* Exactly 1 MiB is allowed. */
	cr_assert_eq(buf_append_str(&b, "<Voucher-Txt>\nName = Datei\n"
	    "</Voucher-Txt>\n"), WS_OK);
	while (b.len < limit)
		cr_assert_eq(buf_append_char(&b, '\n'), WS_OK);
	write_file(path, b.data, b.len);
	cr_expect_eq(conf_load(path, &c, &d), WS_OK, "%s", first_diag());
	cr_expect_str_eq(c.name, "Datei");
	cr_expect_eq(diags_count(&d), 0);

	/* One byte more is not. */
	cr_assert_eq(buf_append_char(&b, '\n'), WS_OK);
	write_file(path, b.data, b.len);
	cr_expect_eq(conf_load(path, &c, &d), WS_ERR_LIMIT);
	cr_expect_eq(diags_count(&d), 1);
	cr_expect_str_eq(d.items[0].path, path);

	/* Errors of a loaded file name it. */
	reset_diags();
	write_file(path, "<Voucher-Txt>\nCode-Group = 1\n</Voucher-Txt>\n",
	    strlen("<Voucher-Txt>\nCode-Group = 1\n</Voucher-Txt>\n"));
	cr_expect_eq(conf_load(path, &c, &d), WS_ERR_INVALID);
	cr_assert_eq(diags_count(&d), 1);
	cr_expect_str_eq(d.items[0].path, path);
	cr_expect_eq(d.items[0].line, 2);

	unlink(path);
	buf_free(&b);
}

/* --- the sample and the manual ---------------------------------------------- */

static char *
slurp(const char *path, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *fp = fopen(path, "rb");

	cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		cr_assert_eq(buf_append(&b, chunk, n), WS_OK);
	fclose(fp);
	*len = b.len;
	return b.data;
}

/* Whether some line of text is "key = ..." (leading blanks allowed). */
static bool
has_key_line(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *line = text;

	while (line != NULL && *line != '\0') {
		const char *s = line;

		while (*s == ' ' || *s == '\t')
			s++;
		if (strncmp(s, key, klen) == 0) {
			s += klen;
			while (*s == ' ' || *s == '\t')
				s++;
			if (*s == '=')
				return true;
		}
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return false;
}

Test(conf, sample_parses_clean)
{
	struct voucher_conf c, def;

	cr_assert_eq(conf_load(SAMPLE, &c, &d), WS_OK, "%s", first_diag());
	cr_expect_eq(diags_count(&d), 0);
	/* Every key is set to its default there. */
	conf_defaults(&def);
	cr_expect_eq(memcmp(&c, &def, sizeof(c)), 0);
}

Test(conf, sample_and_manual_document_every_key)
{
	size_t i, len;
	char *sample = slurp(SAMPLE, &len);
	char *man = slurp(MANPAGE, &len);

	for (i = 0; i < sizeof(all_keys) / sizeof(all_keys[0]); i++) {
		struct buf roff = BUF_INIT;
		const char *k;

		cr_expect(has_key_line(sample, all_keys[i]), "sample: %s",
		    all_keys[i]);
		/* The manual spells '-' as "\-". */
		for (k = all_keys[i]; *k != '\0'; k++)
			cr_assert_eq(*k == '-' ? buf_append_str(&roff, "\\-") :
			    buf_append_char(&roff, *k), WS_OK);
		cr_expect(strstr(man, buf_cstr(&roff)) != NULL, "manual: %s",
		    all_keys[i]);
		buf_free(&roff);
	}
	for (i = 1; i <= CONF_REASON_MAX; i++) {
		char key[16];

		snprintf(key, sizeof(key), "Error-%zu", i);
		cr_expect(has_key_line(sample, key), "sample: %s", key);
	}
	cr_expect(strstr(man, "Error\\-1") != NULL);
	free(sample);
	free(man);
}
