/*
 * test_shopconf.c - the shop sections of shop.config (<Shop-Checkout>,
 * <Shop-Products>, <Shop-Customers>): a good file read in full, the
 * defaults, the list separator rule, shipping tiers and lookups, and every
 * error reported once, on its line, with nothing returned.  Each text is
 * first run through conf_parse: conf_each_pair reads only files it
 * accepted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "buf.h"
#include "conf.h"
#include "diag.h"
#include "shopconf.h"
#include "testutil.h"

#define PATH	"test.config"
/* crypt(3)-shaped; never checked against a password here */
#define HASH	"$y$j9T$F5Jx5fExrKuJdUtlbQ8Xf/$Jz0IpXyvTUnr3Q0Wn3gSs1KwYmqu5D9"
#define SECRET	"0123456789abcdef0123456789abcdef0123456789abcdef"

static struct diags d;
static struct voucher_conf vc;
static struct shop_conf *shop;
static struct shop_conf sentinel;
static struct buf text;

static void
setup(void)
{
	diags_init(&d);
	conf_defaults(&vc);
	shop = NULL;
	buf_init(&text);
}

static void
teardown(void)
{
	free(shop);
	diags_free(&d);
	buf_free(&text);
}

TestSuite(shopconf, .init = setup, .fini = teardown);

/*
 * Parses s (n bytes) as the shop sections, after checking that it is a
 * shop.config conf_parse accepts (which also gives vc).
 */
static enum ws_status
parse_n(const char *s, size_t n)
{
	struct diags cd;
	char dump[2048];
	enum ws_status st;

	diags_init(&cd);
	conf_defaults(&vc);
	st = conf_parse(s, n, PATH, &vc, &cd);
	tu_diags_dump(&cd, dump, sizeof(dump));
	cr_assert_eq(st, WS_OK, "the test's text is not a valid shop.config: "
	    "%s\n%.*s", dump, (int)n, s);
	diags_free(&cd);
	free(shop);
	/* *out is set on every path: a stale pointer must not survive */
	shop = &sentinel;
	st = shopconf_parse(s, n, PATH, &vc, &shop, &d);
	if (shop == &sentinel) {
		shop = NULL;
		cr_assert_fail("shopconf_parse left *out as it was");
	}
	return st;
}

static enum ws_status
parse(const char *s)
{
	return parse_n(s, strlen(s));
}

/* Parses s and fails the test unless it is accepted. */
static void
parse_ok(const char *s)
{
	char dump[2048];
	enum ws_status st = parse(s);

	tu_diags_dump(&d, dump, sizeof(dump));
	cr_assert_eq(st, WS_OK, "%s: %s\n%s", ws_status_str(st), dump, s);
	cr_assert_not_null(shop);
	cr_assert_eq(d.n, 0, "diagnostics on success: %s", dump);
}

/* lines 1-4 of every text */
#define VOUCHER_TXT \
	"<Voucher-Txt>\n" \
	"TimeZone = UTC\n" \
	"</Voucher-Txt>\n" \
	"\n"

/* --- a good file -------------------------------------------------------- */

static const char good[] =
    "# shop.config of test_shopconf.c\n"			/* 1 */
    "<Voucher-Txt>\n"
    "TimeZone = UTC\n"
    "GiftVoucher-PaymentMethods = paypal, creditcard\n"
    "</Voucher-Txt>\n"						/* 5 */
    "\n"
    "<Shop>\n"
    "Name = Testshop\n"
    "</Shop>\n"
    "\n"							/* 10 */
    "<Shop-Checkout>\n"
    "# shipping 4,90; from 25,00 only 3,00; from 60,00 free\n"
    "Shipping = 4,90\n"
    "Shipping-Tiers = 25,00:3,00; 60,00:0\n"
    "Shipping-VAT = 7\n"					/* 15 */
    "PaymentMethods = invoice, prepayment, paypal, creditcard, cod:5,00, "
    "klarna:1.50\n"
    "Payment-Secret = " SECRET "\n"
    "Mail-Spool = /var/spool/wsvoucher\n"
    "Mail-Command = /usr/sbin/sendmail -t -i\n"
    "Mail-From = Testshop <shop@example.com>\n"			/* 20 */
    "session-hours = 24\n"
    "REQUEST-MAXBYTES = 32768\n"
    "</Shop-Checkout>\n"
    "\n"
    "<Shop-Products>\n"						/* 25 */
    "# id = price | VAT | kind | name\n"
    "book-20 = 20,00 | 7 | not-eligible | "
    "Roman: Die Gutscheinf\xc3\xa4lscherin\n"
    "mug-5 =5,00|19 %|eligible|Becher\n"
    "\ttea_1\t=\t8,50 | 7,5 | Eligible | Tee, 100 g = 1 Dose\t\n"
    "gift-25 = 25,00 | 0 | gift | Geschenkgutschein 25 EUR\n"	/* 30 */
    "# products end here\n"
    "</Shop-Products>\n"
    "\n"
    "<Shop-Customers>\n"
    "neu@example.com = " HASH " | 0 | Nina Neumann\n"		/* 35 */
    "stamm@example.com = " HASH " | 3 | Stefan Stammkunde | test, discount\n"
    "rabatt@example.com = " HASH " | 12 | Rita Rabatt | DISCOUNT\n"
    "</Shop-Customers>\n";

/* good[] in text */
static void
good_text(struct buf *b)
{
	buf_reset(b);
	cr_assert_eq(buf_append_str(b, good), WS_OK);
}

Test(shopconf, good_file)
{
	const struct product *p;
	const struct payment_method *m;
	const struct customer *c;

	good_text(&text);
	parse_ok(text.data);

	cr_expect_eq(shop->shipping, 490);
	cr_assert_eq(shop->ntiers, 2);
	cr_expect_eq(shop->tiers[0].from, 2500);
	cr_expect_eq(shop->tiers[0].cost, 300);
	cr_expect_eq(shop->tiers[1].from, 6000);
	cr_expect_eq(shop->tiers[1].cost, 0);
	cr_expect_eq(shop->shipping_vat_bp, 700);
	cr_expect_str_eq(shop->secret, SECRET);
	cr_expect_str_eq(shop->mail_spool, "/var/spool/wsvoucher");
	cr_expect_str_eq(shop->mail_command, "/usr/sbin/sendmail -t -i");
	cr_expect_str_eq(shop->mail_from, "Testshop <shop@example.com>");
	cr_expect_eq(shop->session_hours, 24);
	cr_expect_eq(shop->request_max_bytes, 32768);

	cr_assert_eq(shop->npay, 6);
	cr_expect_str_eq(shop->pay[0].name, "invoice");
	cr_expect_str_eq(shop->pay[0].label, "Rechnung");
	cr_expect_eq(shop->pay[0].fee, 0);
	cr_expect_not(shop->pay[0].online);
	cr_expect_str_eq(shop->pay[1].label, "Vorkasse");
	m = shopconf_payment(shop, "paypal");
	cr_assert_not_null(m);
	cr_expect_str_eq(m->label, "PayPal");
	cr_expect(m->online);
	m = shopconf_payment(shop, "creditcard");
	cr_assert_not_null(m);
	cr_expect_str_eq(m->label, "Kreditkarte");
	cr_expect(m->online);
	m = shopconf_payment(shop, "cod");
	cr_assert_not_null(m);
	cr_expect_str_eq(m->label, "Nachnahme");
	cr_expect_eq(m->fee, 500);
	cr_expect_not(m->online);
	/* a method without a known label is labelled with its name */
	m = shopconf_payment(shop, "klarna");
	cr_assert_not_null(m);
	cr_expect_str_eq(m->label, "klarna");
	cr_expect_eq(m->fee, 150);
	cr_expect_null(shopconf_payment(shop, "sofort"));
	cr_expect_null(shopconf_payment(shop, "PayPal"));
	cr_expect_null(shopconf_payment(shop, ""));

	cr_assert_eq(shop->nproducts, 4);
	cr_expect_str_eq(shop->products[0].id, "book-20");
	p = shopconf_product(shop, "book-20");
	cr_assert_not_null(p);
	cr_expect_eq(p->price, 2000);
	cr_expect_eq(p->vat_bp, 700);
	cr_expect_eq(p->kind, PRODUCT_NOT_ELIGIBLE);
	cr_expect_str_eq(p->name, "Roman: Die Gutscheinf\xc3\xa4lscherin");
	p = shopconf_product(shop, "mug-5");
	cr_assert_not_null(p);
	cr_expect_eq(p->price, 500);
	cr_expect_eq(p->vat_bp, 1900);
	cr_expect_eq(p->kind, PRODUCT_ELIGIBLE);
	cr_expect_str_eq(p->name, "Becher");
	/* tabs around key and fields, a ',' and a '=' in the name */
	p = shopconf_product(shop, "tea_1");
	cr_assert_not_null(p);
	cr_expect_eq(p->price, 850);
	cr_expect_eq(p->vat_bp, 750);
	cr_expect_eq(p->kind, PRODUCT_ELIGIBLE);
	cr_expect_str_eq(p->name, "Tee, 100 g = 1 Dose");
	p = shopconf_product(shop, "gift-25");
	cr_assert_not_null(p);
	cr_expect_eq(p->kind, PRODUCT_GIFT);
	cr_expect_eq(p->vat_bp, 0);
	cr_expect(shopconf_has_gift_products(shop));
	cr_expect_null(shopconf_product(shop, "x"));
	cr_expect_null(shopconf_product(shop, "mug"));
	cr_expect_null(shopconf_product(shop, "MUG-5"));

	cr_assert_eq(shop->ncustomers, 3);
	c = shopconf_customer(shop, "neu@example.com");
	cr_assert_not_null(c);
	cr_expect_str_eq(c->hash, HASH);
	cr_expect_eq(c->previous_orders, 0);
	cr_expect_str_eq(c->name, "Nina Neumann");
	cr_expect_not(c->test);
	cr_expect_not(c->discount);
	c = shopconf_customer(shop, "stamm@example.com");
	cr_assert_not_null(c);
	cr_expect_eq(c->previous_orders, 3);
	cr_expect_str_eq(c->name, "Stefan Stammkunde");
	cr_expect(c->test);
	cr_expect(c->discount);
	c = shopconf_customer(shop, "rabatt@example.com");
	cr_assert_not_null(c);
	cr_expect_eq(c->previous_orders, 12);
	cr_expect_not(c->test);
	cr_expect(c->discount);
	cr_expect_null(shopconf_customer(shop, "NEU@example.com"));
	cr_expect_null(shopconf_customer(shop, "neu"));
}

Test(shopconf, load_file)
{
	char *dir = tu_tmpdir();
	char path[512];
	FILE *fp;

	good_text(&text);
	snprintf(path, sizeof(path), "%s/shop.config", dir);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	cr_assert_eq(fwrite(text.data, 1, text.len, fp), text.len);
	cr_assert_eq(fclose(fp), 0);
	cr_assert_eq(conf_load(path, &vc, &d), WS_OK);
	cr_expect_eq(shopconf_load(path, &vc, &shop, &d), WS_OK);
	cr_assert_not_null(shop);
	cr_expect_eq(shop->nproducts, 4);
	free(shop);
	shop = NULL;

	/* a missing file: reported with its path, nothing returned */
	snprintf(path, sizeof(path), "%s/missing.config", dir);
	cr_expect_eq(shopconf_load(path, &vc, &shop, &d), WS_ERR_IO);
	cr_expect_null(shop);
	cr_expect_eq(d.n, 1);
	cr_expect(tu_diags_has(&d, 0, "", "cannot open"));
	cr_expect_str_eq(d.items[0].path, path);
	tu_rmrf(dir);
	free(dir);
}

Test(shopconf, bom)
{
	struct shop_conf *plain;
	struct buf b = BUF_INIT;

	good_text(&text);
	parse_ok(text.data);
	plain = shop;
	shop = NULL;
	cr_assert_eq(buf_append_str(&b, "\xef\xbb\xbf"), WS_OK);
	cr_assert_eq(buf_append(&b, text.data, text.len), WS_OK);
	parse_ok(b.data);
	cr_expect(memcmp(plain, shop, sizeof(*plain)) == 0,
	    "a BOM changes what is read");
	free(plain);
	buf_free(&b);
}

/*
 * shop.config allows CRLF line ends (shop.config.sample, conf_parse
 * accepts them); the shop sections must read the same as with LF.
 */
Test(shopconf, crlf_line_ends)
{
	struct shop_conf *lf;
	struct buf crlf = BUF_INIT;
	size_t i;

	good_text(&text);
	parse_ok(text.data);
	lf = shop;
	shop = NULL;
	for (i = 0; i < text.len; i++) {
		if (text.data[i] == '\n')
			cr_assert_eq(buf_append_char(&crlf, '\r'), WS_OK);
		cr_assert_eq(buf_append_char(&crlf, text.data[i]), WS_OK);
	}
	parse_ok(crlf.data);
	cr_expect_eq(shop->nproducts, lf->nproducts, "conf_each_pair "
	    "must read CRLF: CRLF file gives %u products, LF file %u",
	    shop->nproducts, lf->nproducts);
	cr_expect_eq(shop->ncustomers, lf->ncustomers, "conf_each_pair "
	    "must read CRLF: CRLF file gives %u customers, LF file %u",
	    shop->ncustomers, lf->ncustomers);
	cr_expect_eq(shop->npay, lf->npay, "conf_each_pair ignores "
	    "must read CRLF: CRLF file gives %u payment methods, LF file %u",
	    shop->npay, lf->npay);
	cr_expect_str_eq(shop->mail_spool, lf->mail_spool, ""
	    "conf_each_pair must read CRLF: Mail-Spool \"%s\"",
	    shop->mail_spool);
	cr_expect(memcmp(lf, shop, sizeof(*lf)) == 0, "conf_each_pair "
	    "must read CRLF: the CRLF file reads differently");
	free(lf);
	buf_free(&crlf);
}

Test(shopconf, sections_may_repeat)
{
	parse_ok(VOUCHER_TXT
	    "<Shop-Products>\n"
	    "a = 1,00 | 19 | eligible | A\n"
	    "</Shop-Products>\n"
	    "<Shop-Products>\n"
	    "b = 2,00 | 19 | eligible | B\n"
	    "</Shop-Products>\n");
	cr_expect_eq(shop->nproducts, 2);
	cr_expect_not_null(shopconf_product(shop, "b"));
}

Test(shopconf, other_sections_ignored)
{
	/* same keys outside the shop's sections are not read */
	parse_ok(VOUCHER_TXT
	    "<Shop>\n"
	    "Shipping = x\n"
	    "bad id = whatever\n"
	    "</Shop>\n"
	    "<Shop-Checkout-Old>\n"
	    "Shipping = y\n"
	    "</Shop-Checkout-Old>\n");
	cr_expect_eq(shop->shipping, 0);
}

/* --- defaults --------------------------------------------------------- */

Test(shopconf, defaults)
{
	parse_ok(VOUCHER_TXT);
	cr_expect_eq(shop->shipping, 0);
	cr_expect_eq(shop->ntiers, 0);
	cr_expect_eq(shop->shipping_vat_bp, 1900);
	cr_assert_eq(shop->npay, 1);
	cr_expect_str_eq(shop->pay[0].name, "invoice");
	cr_expect_str_eq(shop->pay[0].label, "Rechnung");
	cr_expect_eq(shop->pay[0].fee, 0);
	cr_expect_not(shop->pay[0].online);
	cr_expect_str_eq(shop->secret, "");
	cr_expect_str_eq(shop->mail_spool, "");
	cr_expect_str_eq(shop->mail_command, "");
	cr_expect_str_eq(shop->mail_from, "shop@localhost");
	cr_expect_eq(shop->session_hours, 48);
	cr_expect_eq(shop->request_max_bytes, 65536);
	cr_expect_eq(shop->nproducts, 0);
	cr_expect_eq(shop->ncustomers, 0);
	cr_expect_not(shopconf_has_gift_products(shop));
	cr_expect_eq(shopconf_shipping(shop, 123456), 0);
}

Test(shopconf, empty_sections_give_defaults)
{
	parse_ok(VOUCHER_TXT
	    "<Shop-Checkout>\n# nothing\n</Shop-Checkout>\n"
	    "<Shop-Products>\n</Shop-Products>\n"
	    "<Shop-Customers>\n</Shop-Customers>\n");
	cr_expect_eq(shop->npay, 1);
	cr_expect_eq(shop->session_hours, 48);
	cr_expect_eq(shop->request_max_bytes, 65536);
}

Test(shopconf, default_invoice_may_be_online)
{
	parse_ok("<Voucher-Txt>\n"
	    "TimeZone = UTC\n"
	    "GiftVoucher-PaymentMethods = invoice\n"
	    "</Voucher-Txt>\n");
	cr_expect(shop->pay[0].online);
}

/* --- lists ------------------------------------------------------------ */

Test(shopconf, list_separators)
{
	static const struct {
		const char	*line;
		unsigned	 n;
		int64_t		 from1, cost1;
	} tiers[] = {
		{ "Shipping-Tiers = 25,00:3,00; 60,00:0", 2, 6000, 0 },
		{ "Shipping-Tiers = 25,00:3,00, 60,00:0", 2, 6000, 0 },
		{ "Shipping-Tiers = 25,00:3,00 ;60,00:0,50", 2, 6000, 50 },
		{ "Shipping-Tiers = 25.00:3.00, 1.000,00:0", 2, 100000, 0 },
		{ "Shipping-Tiers = 25:3;60:0;", 2, 6000, 0 },
		{ "Shipping-Tiers = 25,00:3,00", 1, 0, 0 },
		{ "Shipping-Tiers =", 0, 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(tiers) / sizeof(tiers[0]); i++) {
		buf_reset(&text);
		cr_assert_eq(buf_printf(&text, VOUCHER_TXT "<Shop-Checkout>\n"
		    "%s\n</Shop-Checkout>\n", tiers[i].line), WS_OK);
		parse_ok(text.data);
		cr_expect_eq(shop->ntiers, tiers[i].n, "\"%s\": %u tiers",
		    tiers[i].line, shop->ntiers);
		if (shop->ntiers >= 1)
			cr_expect(shop->tiers[0].from == 2500 &&
			    shop->tiers[0].cost == 300, "\"%s\": first tier "
			    "%lld:%lld", tiers[i].line,
			    (long long)shop->tiers[0].from,
			    (long long)shop->tiers[0].cost);
		if (shop->ntiers == 2)
			cr_expect(shop->tiers[1].from == tiers[i].from1 &&
			    shop->tiers[1].cost == tiers[i].cost1, "\"%s\": "
			    "second tier %lld:%lld", tiers[i].line,
			    (long long)shop->tiers[1].from,
			    (long long)shop->tiers[1].cost);
	}

	/* ", " or ",letter" separates, ",digit" is a decimal comma */
	parse_ok(VOUCHER_TXT "<Shop-Checkout>\n"
	    "PaymentMethods = invoice, cod:5,00\n</Shop-Checkout>\n");
	cr_assert_eq(shop->npay, 2);
	cr_expect_str_eq(shop->pay[1].name, "cod");
	cr_expect_eq(shop->pay[1].fee, 500);
	parse_ok(VOUCHER_TXT "<Shop-Checkout>\n"
	    "PaymentMethods = cod:5,00,paypal;invoice:0,5\n"
	    "</Shop-Checkout>\n");
	cr_assert_eq(shop->npay, 3);
	cr_expect_eq(shop->pay[0].fee, 500);
	cr_expect_str_eq(shop->pay[1].name, "paypal");
	cr_expect_str_eq(shop->pay[2].name, "invoice");
	cr_expect_eq(shop->pay[2].fee, 50);
	parse_ok(VOUCHER_TXT "<Shop-Checkout>\n"
	    "PaymentMethods = invoice,paypal ,  creditcard\n"
	    "</Shop-Checkout>\n");
	cr_expect_eq(shop->npay, 3);
	cr_expect_str_eq(shop->pay[2].name, "creditcard");
}

/* --- shipping --------------------------------------------------------- */

Test(shopconf, shipping_tiers)
{
	static const struct {
		int64_t	goods, cost;
	} cases[] = {
		{ 0, 490 }, { 1, 490 }, { 2499, 490 }, { 2500, 300 },
		{ 2501, 300 }, { 5999, 300 }, { 6000, 0 }, { 100000000, 0 },
		{ -100, 490 },
	};
	size_t i;

	good_text(&text);
	parse_ok(text.data);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(shopconf_shipping(shop, cases[i].goods),
		    cases[i].cost, "goods %lld", (long long)cases[i].goods);

	/* without tiers: always the flat rate */
	parse_ok(VOUCHER_TXT "<Shop-Checkout>\nShipping = 5\n"
	    "</Shop-Checkout>\n");
	cr_expect_eq(shopconf_shipping(shop, 0), 500);
	cr_expect_eq(shopconf_shipping(shop, 99999999), 500);

	/* the most tiers, a tier may cost more than the one before */
	parse_ok(VOUCHER_TXT "<Shop-Checkout>\n"
	    "Shipping-Tiers = 1:1; 2:2; 3:3; 4:4; 5:5; 6:6; 7:7; 8:0\n"
	    "</Shop-Checkout>\n");
	cr_expect_eq(shop->ntiers, SHOP_TIERS_MAX);
	cr_expect_eq(shopconf_shipping(shop, 99), 0);
	cr_expect_eq(shopconf_shipping(shop, 750), 700);
	cr_expect_eq(shopconf_shipping(shop, 99), 0);
	cr_expect_eq(shopconf_shipping(shop, 50), 0);
}

/* --- errors ----------------------------------------------------------- */

/*
 * The error cases put one line into this text: into <Shop-Checkout> at
 * line 8, <Shop-Products> at 12, <Shop-Customers> at 16.  "Shipping" is
 * set at line 6, product mug-5 at 11, customer neu@example.com at 15.
 */
#define ERR_TEXT \
	VOUCHER_TXT						/* 1-4 */ \
	"<Shop-Checkout>\n"					/* 5 */ \
	"Shipping = 4,90\n"					/* 6 */ \
	"# a comment line\n"					/* 7 */ \
	"%s\n"							/* 8 */ \
	"</Shop-Checkout>\n"					/* 9 */ \
	"<Shop-Products>\n"					/* 10 */ \
	"mug-5 = 5,00 | 19 | eligible | Becher\n"		/* 11 */ \
	"%s\n"							/* 12 */ \
	"</Shop-Products>\n"					/* 13 */ \
	"<Shop-Customers>\n"					/* 14 */ \
	"neu@example.com = " HASH " | 0 | Nina\n"		/* 15 */ \
	"%s\n"							/* 16 */ \
	"</Shop-Customers>\n"					/* 17 */

enum where { CK, PR, CU };

static const unsigned where_line[] = { [CK] = 8, [PR] = 12, [CU] = 16 };

#define S31	"0123456789abcdef0123456789abcde"
#define S32	S31 "f"
#define S128	S32 S32 S32 S32
#define P64	"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define P512	P64 P64 P64 P64 P64 P64 P64 P64
#define ID33	"aaaaaaaaaabbbbbbbbbbccccccccccddd"
/* a mail address one character too long; its first 64 are one too */
#define LOGIN65	ID33 "eeeeeeeeeefffffffff@example.comm"

static const struct {
	enum where	 where;
	const char	*line;
	const char	*field;
	const char	*text;
	int		 src;
} err_cases[] = {
	/* <Shop-Checkout> keys */
	{ CK, "Shiping = 1,00", "", "unknown key \"Shiping\"", __LINE__ },
	{ CK, "Payment = invoice", "", "unknown key \"Payment\"", __LINE__ },
	{ CK, "Shipping = 5,00", "Shipping", "set twice: first set at line 6",
	    __LINE__ },
	{ CK, "SHIPPING = 4,90", "Shipping", "set twice: first set at line 6",
	    __LINE__ },
	{ CK, "Shipping =", "Shipping", "set twice", __LINE__ },
	/* money */
	{ CK, "Shipping-Tiers = 25,00:4,9x", "Shipping-Tiers", "FROM:COST",
	    __LINE__ },
	{ CK, "Shipping-Tiers = 25,00", "Shipping-Tiers", "\"25,00\" is not "
	    "FROM:COST", __LINE__ },
	{ CK, "Shipping-Tiers = :3,00", "Shipping-Tiers", "FROM:COST",
	    __LINE__ },
	{ CK, "Shipping-Tiers = 25,00:", "Shipping-Tiers", "FROM:COST",
	    __LINE__ },
	{ CK, "Shipping-Tiers = -1,00:3,00", "Shipping-Tiers", "FROM:COST",
	    __LINE__ },
	{ CK, "Shipping-Tiers = 25,00:-3,00", "Shipping-Tiers", "FROM:COST",
	    __LINE__ },
	{ CK, "Shipping-Tiers = 25,00:1000000,01", "Shipping-Tiers",
	    "FROM:COST", __LINE__ },
	/* ",digit" does not separate: one item, not two */
	{ CK, "Shipping-Tiers = 25,00:3,00,60,00:0", "Shipping-Tiers",
	    "\"25,00:3,00,60,00:0\" is not FROM:COST", __LINE__ },
	{ CK, "Shipping-Tiers = 60,00:0; 25,00:3,00", "Shipping-Tiers",
	    "ascending", __LINE__ },
	{ CK, "Shipping-Tiers = 25,00:3,00, 25,00:2,00", "Shipping-Tiers",
	    "ascending", __LINE__ },
	{ CK, "Shipping-Tiers = 1:1; 2:2; 3:3; 4:4; 5:5; 6:6; 7:7; 8:8; 9:9",
	    "Shipping-Tiers", "at most 8 tiers", __LINE__ },
	{ CK, "Shipping-VAT = 51", "Shipping-VAT", "VAT rate", __LINE__ },
	{ CK, "Shipping-VAT = -7", "Shipping-VAT", "VAT rate", __LINE__ },
	{ CK, "Shipping-VAT = neunzehn", "Shipping-VAT", "VAT rate",
	    __LINE__ },
	/* payment methods */
	{ CK, "PaymentMethods = PayPal", "PaymentMethods", "\"PayPal\": a "
	    "payment method is a lower-case name", __LINE__ },
	{ CK, "PaymentMethods = invoice, pay pal", "PaymentMethods",
	    "\"pay pal\"", __LINE__ },
	{ CK, "PaymentMethods = invoice, :5,00", "PaymentMethods",
	    "lower-case name", __LINE__ },
	{ CK, "PaymentMethods = rechnung\xc3\xbc", "PaymentMethods",
	    "lower-case name", __LINE__ },
	{ CK, "PaymentMethods = invoice, paypal, invoice", "PaymentMethods",
	    "invoice is listed twice", __LINE__ },
	{ CK, "PaymentMethods = cod:5,00; cod:6,00", "PaymentMethods",
	    "cod is listed twice", __LINE__ },
	{ CK, "PaymentMethods = invoice, cod:5,0x", "PaymentMethods",
	    "cod: bad fee \"5,0x\"", __LINE__ },
	{ CK, "PaymentMethods = cod:", "PaymentMethods", "cod: bad fee \"\"",
	    __LINE__ },
	{ CK, "PaymentMethods = cod:-1,00", "PaymentMethods", "bad fee",
	    __LINE__ },
	{ CK, "PaymentMethods = cod:1:00", "PaymentMethods", "bad fee",
	    __LINE__ },
	{ CK, "PaymentMethods =", "PaymentMethods", "name at least one",
	    __LINE__ },
	{ CK, "PaymentMethods = ;", "PaymentMethods", "\"\": a payment "
	    "method is a lower-case name", __LINE__ },
	{ CK, "PaymentMethods = a, b, c, d, e, f, g, h, i", "PaymentMethods",
	    "at most 8 methods", __LINE__ },
	/* secret, mail, numbers */
	{ CK, "Payment-Secret = " S31, "Payment-Secret", "32 to 128",
	    __LINE__ },
	{ CK, "Payment-Secret = " S128 "x", "Payment-Secret", "32 to 128",
	    __LINE__ },
	{ CK, "Payment-Secret =", "Payment-Secret", "32 to 128", __LINE__ },
	{ CK, "Mail-Spool = var/spool/mail", "Mail-Spool", "absolute path",
	    __LINE__ },
	{ CK, "Mail-Spool = ./spool", "Mail-Spool", "absolute path",
	    __LINE__ },
	{ CK, "Mail-Spool = ~/spool", "Mail-Spool", "absolute path",
	    __LINE__ },
	{ CK, "Mail-Spool = " P512, "Mail-Spool", "longer than 511 bytes",
	    __LINE__ },
	{ CK, "Mail-Command = sendmail -t -i", "Mail-Command",
	    "absolute path", __LINE__ },
	{ CK, "Mail-From = shop.example.com", "Mail-From", "mail address",
	    __LINE__ },
	{ CK, "Mail-From =", "Mail-From", "mail address", __LINE__ },
	{ CK, "Session-Hours = 0", "Session-Hours", "\"0\" is not a whole "
	    "number from 1 to 720", __LINE__ },
	{ CK, "Session-Hours = 721", "Session-Hours", "from 1 to 720",
	    __LINE__ },
	{ CK, "Session-Hours = 2h", "Session-Hours", "from 1 to 720",
	    __LINE__ },
	{ CK, "Session-Hours =", "Session-Hours", "from 1 to 720", __LINE__ },
	{ CK, "Request-MaxBytes = 1023", "Request-MaxBytes",
	    "from 1024 to 1048576", __LINE__ },
	{ CK, "Request-MaxBytes = 1048577", "Request-MaxBytes",
	    "from 1024 to 1048576", __LINE__ },
	{ CK, "Request-MaxBytes = 64k", "Request-MaxBytes",
	    "from 1024 to 1048576", __LINE__ },
	/* products */
	{ PR, "x = 1,00 | 19 | eligible", "x", "write: Price | VAT",
	    __LINE__ },
	{ PR, "x = 1,00 | 19 | eligible | A | B", "x", "write: Price",
	    __LINE__ },
	{ PR, "x = 1|19|eligible|a|b|c|d", "x", "write: Price", __LINE__ },
	{ PR, "x =", "x", "write: Price", __LINE__ },
	{ PR, "x = zehn | 19 | eligible | X", "x", "price \"zehn\" is not "
	    "an amount above 0", __LINE__ },
	{ PR, "x = 0,00 | 19 | eligible | X", "x", "price \"0,00\"",
	    __LINE__ },
	{ PR, "x = 0 | 19 | eligible | X", "x", "price \"0\"", __LINE__ },
	{ PR, "x = -1,00 | 19 | eligible | X", "x", "price \"-1,00\"",
	    __LINE__ },
	{ PR, "x = 1,001 | 19 | eligible | X", "x", "price", __LINE__ },
	{ PR, "x = | 19 | eligible | X", "x", "price \"\"", __LINE__ },
	{ PR, "x = 1,00 | 19x | eligible | X", "x", "VAT \"19x\"",
	    __LINE__ },
	{ PR, "x = 1,00 | 51 | eligible | X", "x", "VAT \"51\"", __LINE__ },
	{ PR, "x = 1,00 | -7 | eligible | X", "x", "VAT \"-7\"", __LINE__ },
	{ PR, "x = 1,00 | | eligible | X", "x", "VAT \"\"", __LINE__ },
	{ PR, "x = 1,00 | 19 | maybe | X", "x", "\"maybe\": eligible, "
	    "not-eligible or gift", __LINE__ },
	{ PR, "x = 1,00 | 19 | eligible-not | X", "x", "\"eligible-not\"",
	    __LINE__ },
	{ PR, "x = 1,00 | 19 | | X", "x", "eligible, not-eligible or gift",
	    __LINE__ },
	{ PR, "x = 1,00 | 19 | eligible |", "x", "a name of 1 to 128",
	    __LINE__ },
	{ PR, "mug-5 = 1,00 | 19 | eligible | Nochmal", "mug-5",
	    "product listed twice", __LINE__ },
	{ PR, "Mug = 1,00 | 19 | eligible | X", "", "product id \"Mug\"",
	    __LINE__ },
	{ PR, "mug.5 = 1,00 | 19 | eligible | X", "", "product id \"mug.5\"",
	    __LINE__ },
	{ PR, "m\xc3\xbcg = 1,00 | 19 | eligible | X", "", "product id",
	    __LINE__ },
	{ PR, "mug 5 = 1,00 | 19 | eligible | X", "", "product id",
	    __LINE__ },
	{ PR, ID33 " = 1,00 | 19 | eligible | X", "", "product id",
	    __LINE__ },
	/* customers */
	{ CU, "k@example.com = geheim123456789 | 0 | K", "k@example.com",
	    "not a password hash", __LINE__ },
	{ CU, "k@example.com = $1$short | 0 | K", "k@example.com",
	    "not a password hash", __LINE__ },
	{ CU, "k@example.com = | 0 | K", "k@example.com",
	    "not a password hash", __LINE__ },
	{ CU, "neu@example.com = " HASH " | 1 | Doppelt", "neu@example.com",
	    "customer listed twice", __LINE__ },
	{ CU, "k@example.com = " HASH " | 0 | K | vip", "k@example.com",
	    "flag \"vip\": test or discount", __LINE__ },
	{ CU, "k@example.com = " HASH " | 0 | K | test, vip",
	    "k@example.com", "flag \"vip\"", __LINE__ },
	{ CU, "k@example.com = " HASH " | 0 | K | test discount",
	    "k@example.com", "flag \"test discount\"", __LINE__ },
	{ CU, "k@example.com = " HASH " | viele | K", "k@example.com",
	    "whole number from 0 to 1000000", __LINE__ },
	{ CU, "k@example.com = " HASH " | -1 | K", "k@example.com",
	    "from 0 to 1000000", __LINE__ },
	{ CU, "k@example.com = " HASH " | 0", "k@example.com",
	    "write: password hash", __LINE__ },
	{ CU, "k@example.com = " HASH " | 0 | K | test | x", "k@example.com",
	    "write: password hash", __LINE__ },
	{ CU, "k@example.com = " HASH " | 0 |", "k@example.com",
	    "a name of 1 to 128", __LINE__ },
	{ CU, LOGIN65 " = " HASH " | 0 | K", "", "login", __LINE__ },
	{ CU, "rabatt = " HASH " | 0 | K", "", "mail address", __LINE__ },
};

Test(shopconf, errors)
{
	size_t i;

	for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const char *slot[3] = { "# -", "# -", "# -" };
		unsigned line = where_line[err_cases[i].where];
		char dump[2048];
		enum ws_status st;

		slot[err_cases[i].where] = err_cases[i].line;
		buf_reset(&text);
		cr_assert_eq(buf_printf(&text, ERR_TEXT, slot[CK], slot[PR],
		    slot[CU]), WS_OK);
		diags_free(&d);
		diags_init(&d);
		st = parse(text.data);
		tu_diags_dump(&d, dump, sizeof(dump));
		cr_expect_eq(st, WS_ERR_INVALID, "line %d: \"%s\": %s",
		    err_cases[i].src, err_cases[i].line, ws_status_str(st));
		cr_expect_null(shop, "line %d: \"%s\": a config came back",
		    err_cases[i].src, err_cases[i].line);
		cr_expect_eq(d.n, 1, "line %d: \"%s\": %zu diagnostics: %s",
		    err_cases[i].src, err_cases[i].line, d.n, dump);
		cr_expect(tu_diags_has(&d, line, err_cases[i].field,
		    err_cases[i].text), "line %d: \"%s\": want [%u %s: "
		    "...%s...], got %s", err_cases[i].src, err_cases[i].line,
		    line, err_cases[i].field, err_cases[i].text, dump);
		if (d.n > 0)
			cr_expect_str_eq(d.items[0].path, PATH);
	}
}

Test(shopconf, error_slots_are_good_when_empty)
{
	/* the error text itself, with no bad line, is a good config */
	cr_assert_eq(buf_printf(&text, ERR_TEXT, "# -", "# -", "# -"), WS_OK);
	parse_ok(text.data);
	cr_expect_eq(shop->nproducts, 1);
	cr_expect_eq(shop->ncustomers, 1);
	cr_expect_eq(shop->shipping, 490);
}

Test(shopconf, limits_accepted)
{
	/* the longest secret, id, login, name; the highest numbers */
	static const char name128[] =
	    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
	    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn";

	cr_assert_eq(buf_printf(&text, VOUCHER_TXT
	    "<Shop-Checkout>\n"
	    "Payment-Secret = " S128 "\n"
	    "Mail-Spool = " P64 "\n"
	    "Shipping = 1000000,00\n"
	    "Shipping-VAT = 50\n"
	    "Session-Hours = 720\n"
	    "Request-MaxBytes = 1048576\n"
	    "PaymentMethods = a, b, c, d, e, f, g, paypal:1000000\n"
	    "</Shop-Checkout>\n"
	    "<Shop-Products>\n"
	    "aaaaaaaaaabbbbbbbbbbccccccccccdd = 1000000,00 | 50 | gift | %s\n"
	    "</Shop-Products>\n"
	    "<Shop-Customers>\n"
	    "%.64s = " HASH " | 1000000 | %s | test; discount\n"
	    "</Shop-Customers>\n", name128, LOGIN65, name128), WS_OK);
	parse_ok(text.data);
	cr_expect_str_eq(shop->secret, S128);
	cr_expect_eq(shop->shipping, 100000000);
	cr_expect_eq(shop->shipping_vat_bp, 5000);
	cr_expect_eq(shop->session_hours, 720);
	cr_expect_eq(shop->request_max_bytes, 1048576);
	cr_expect_eq(shop->npay, SHOP_PAYMENTS_MAX);
	cr_expect_eq(shop->pay[7].fee, 100000000);
	cr_expect_eq(shop->products[0].price, 100000000);
	cr_expect_eq(shop->products[0].vat_bp, 5000);
	cr_expect_str_eq(shop->products[0].name, name128);
	cr_expect_eq(strlen(shop->customers[0].login), SHOP_LOGIN_MAX);
	cr_expect_eq(shop->customers[0].previous_orders, 1000000);
	cr_expect_str_eq(shop->customers[0].name, name128);
	cr_expect(shop->customers[0].test);
	cr_expect(shop->customers[0].discount);
}

Test(shopconf, limits_exceeded)
{
	static const char name129[] =
	    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
	    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn";
	char dump[2048];

	cr_assert_eq(buf_printf(&text, VOUCHER_TXT
	    "<Shop-Checkout>\n"				/* 5 */
	    "Shipping = 1000000,01\n"				/* 6 */
	    "</Shop-Checkout>\n"
	    "<Shop-Products>\n"				/* 8 */
	    "x = 1000000,01 | 19 | eligible | X\n"		/* 9 */
	    "y = 1,00 | 19 | eligible | %s\n"			/* 10 */
	    "</Shop-Products>\n"
	    "<Shop-Customers>\n"				/* 12 */
	    "k@example.com = " HASH " | 1000001 | K\n"			/* 13 */
	    "%s = " HASH " | 0 | K\n"				/* 14 */
	    "</Shop-Customers>\n", name129, LOGIN65), WS_OK);
	cr_expect_eq(parse(text.data), WS_ERR_INVALID);
	cr_expect_null(shop);
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect_eq(d.n, 5, "%s", dump);
	cr_expect(tu_diags_has(&d, 6, "Shipping", NULL), "%s", dump);
	cr_expect(tu_diags_has(&d, 9, "x", "price"), "%s", dump);
	cr_expect(tu_diags_has(&d, 10, "y", "a name of 1 to 128"), "%s",
	    dump);
	cr_expect(tu_diags_has(&d, 13, "k@example.com", "from 0 to 1000000"), "%s", dump);
	cr_expect(tu_diags_has(&d, 14, "", "login"), "%s", dump);
}

Test(shopconf, every_error_reported_on_its_line)
{
	const char *s =
	    VOUCHER_TXT
	    "<Shop-Checkout>\n"				/* 5 */
	    "Shipping = x\n"				/* 6 */
	    "Shipping-VAT = 19\n"			/* 7 */
	    "Session-Hours = 0\n"			/* 8 */
	    "</Shop-Checkout>\n"
	    "<Shop-Products>\n"				/* 10 */
	    "a = 1,00 | 19 | eligible | A\n"		/* 11 */
	    "b = 0 | 19 | eligible | B\n"		/* 12 */
	    "c = 1,00 | 19 | eligible | C\n"		/* 13 */
	    "a = 1,00 | 19 | eligible | A\n"		/* 14 */
	    "</Shop-Products>\n"
	    "<Shop-Customers>\n"			/* 16 */
	    "k@example.com = nohash | 0 | K\n"	/* 17 */
	    "</Shop-Customers>\n";
	char dump[2048];

	cr_expect_eq(parse(s), WS_ERR_INVALID);
	cr_expect_null(shop);
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect_eq(d.n, 5, "%s", dump);
	cr_expect(tu_diags_has(&d, 6, "Shipping", "\"x\""), "%s", dump);
	cr_expect(tu_diags_has(&d, 8, "Session-Hours", NULL), "%s", dump);
	cr_expect(tu_diags_has(&d, 12, "b", "price"), "%s", dump);
	cr_expect(tu_diags_has(&d, 14, "a", "listed twice"), "%s", dump);
	cr_expect(tu_diags_has(&d, 17, "k@example.com", "password hash"),
	    "%s", dump);
}

Test(shopconf, appends_to_existing_diags)
{
	diags_add(&d, "other", 3, 0, "", "earlier problem");
	cr_assert_eq(buf_printf(&text, ERR_TEXT, "Shiping = 1", "# -", "# -"),
	    WS_OK);
	cr_expect_eq(parse(text.data), WS_ERR_INVALID);
	cr_expect_eq(d.n, 2);
	cr_expect_str_eq(d.items[0].text, "earlier problem");
	cr_expect_eq(d.items[1].line, 8);
}

/* --- gift vouchers for sale ------------------------------------------ */

/* Lines 6-9 of <Shop-Checkout> are given; the gift product is line 12. */
#define GIFT_TEXT \
	"<Voucher-Txt>\n"					/* 1 */ \
	"TimeZone = UTC\n"					/* 2 */ \
	"%s\n"							/* 3 */ \
	"</Voucher-Txt>\n"					/* 4 */ \
	"<Shop-Checkout>\n"					/* 5 */ \
	"%s\n"							/* 6 */ \
	"%s\n"							/* 7 */ \
	"%s\n"							/* 8 */ \
	"%s\n"							/* 9 */ \
	"</Shop-Checkout>\n"					/* 10 */ \
	"<Shop-Products>\n"					/* 11 */ \
	"gift-25 = 25,00 | 0 | gift | Geschenkgutschein\n"	/* 12 */ \
	"</Shop-Products>\n"

static enum ws_status
parse_gift(const char *vt, const char *l6, const char *l7, const char *l8,
    const char *l9)
{
	buf_reset(&text);
	cr_assert_eq(buf_printf(&text, GIFT_TEXT, vt, l6, l7, l8, l9), WS_OK);
	diags_free(&d);
	diags_init(&d);
	return parse(text.data);
}

#define PM	"PaymentMethods = invoice, paypal"
#define SEC	"Payment-Secret = " SECRET
#define SPOOL	"Mail-Spool = /var/spool/wsvoucher"
#define NONE	"# -"

Test(shopconf, gift_products_complete)
{
	cr_expect_eq(parse_gift(NONE, "Shipping = 4,90", PM, SEC, SPOOL),
	    WS_OK);
	cr_assert_not_null(shop);
	cr_expect(shopconf_has_gift_products(shop));
	cr_expect(shopconf_payment(shop, "paypal")->online);
	cr_expect_not(shopconf_payment(shop, "invoice")->online);
	/* a mail command instead of the spool will do */
	cr_expect_eq(parse_gift(NONE, NONE, PM, SEC,
	    "Mail-Command = /usr/sbin/sendmail -t -i"), WS_OK);
	/* invoice, if the voucher config lets it pay for gift vouchers */
	cr_expect_eq(parse_gift("GiftVoucher-PaymentMethods = invoice", NONE,
	    "PaymentMethods = invoice", SEC, SPOOL), WS_OK);
	/* a shop without gift products needs none of it */
	cr_expect_eq(parse(VOUCHER_TXT "<Shop-Checkout>\n"
	    "PaymentMethods = invoice\n</Shop-Checkout>\n"
	    "<Shop-Products>\nmug = 5,00 | 19 | eligible | Becher\n"
	    "</Shop-Products>\n"), WS_OK);
}

Test(shopconf, gift_products_need_secret)
{
	char dump[2048];

	cr_expect_eq(parse_gift(NONE, "Shipping = 4,90", PM, NONE, SPOOL),
	    WS_ERR_INVALID);
	cr_expect_null(shop);
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect_eq(d.n, 1, "%s", dump);
	/* reported at the first line of <Shop-Checkout> */
	cr_expect(tu_diags_has(&d, 6, "Payment-Secret", "gift vouchers are "
	    "for sale"), "%s", dump);
}

Test(shopconf, gift_products_need_mail)
{
	char dump[2048];

	cr_expect_eq(parse_gift(NONE, NONE, PM, SEC, NONE), WS_ERR_INVALID);
	cr_expect_null(shop);
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect_eq(d.n, 1, "%s", dump);
	/* the first key of the section is PaymentMethods, on line 7 */
	cr_expect(tu_diags_has(&d, 7, "Mail-Spool", "Mail-Spool or "
	    "Mail-Command"), "%s", dump);
}

Test(shopconf, gift_products_need_online_payment)
{
	char dump[2048];

	cr_expect_eq(parse_gift(NONE, SEC, "PaymentMethods = invoice, cod:5",
	    SPOOL, NONE), WS_ERR_INVALID);
	cr_expect_null(shop);
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect_eq(d.n, 1, "%s", dump);
	/* reported at the PaymentMethods line */
	cr_expect(tu_diags_has(&d, 7, "PaymentMethods",
	    "GiftVoucher-PaymentMethods"), "%s", dump);

	/* PaymentMethods not set: the default invoice is not online */
	cr_expect_eq(parse_gift(NONE, SEC, SPOOL, NONE, NONE),
	    WS_ERR_INVALID);
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect_eq(d.n, 1, "%s", dump);
	cr_expect(tu_diags_has(&d, 0, "PaymentMethods",
	    "GiftVoucher-PaymentMethods"), "%s", dump);
}

Test(shopconf, gift_products_all_three_missing)
{
	char dump[2048];

	cr_expect_eq(parse_gift(NONE, "Shipping = 1", "PaymentMethods = cod",
	    NONE, NONE), WS_ERR_INVALID);
	cr_expect_null(shop);
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect_eq(d.n, 3, "%s", dump);
	cr_expect(tu_diags_has(&d, 6, "Payment-Secret", NULL), "%s", dump);
	cr_expect(tu_diags_has(&d, 6, "Mail-Spool", NULL), "%s", dump);
	cr_expect(tu_diags_has(&d, 7, "PaymentMethods", NULL), "%s", dump);
}

/* --- VAT -------------------------------------------------------------- */

Test(shopconf, vat_forms)
{
	static const struct {
		const char	*vat;
		unsigned	 bp;
	} cases[] = {
		{ "19", 1900 }, { "19 %", 1900 }, { "19%", 1900 },
		{ "7", 700 }, { "7,5", 750 }, { "7.5 %", 750 }, { "0", 0 },
		{ "50", 5000 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&text);
		cr_assert_eq(buf_printf(&text, VOUCHER_TXT "<Shop-Products>\n"
		    "x = 1,00 | %s | eligible | X\n</Shop-Products>\n",
		    cases[i].vat), WS_OK);
		diags_free(&d);
		diags_init(&d);
		cr_expect_eq(parse(text.data), WS_OK, "VAT \"%s\"",
		    cases[i].vat);
		if (shop != NULL)
			cr_expect_eq(shop->products[0].vat_bp, cases[i].bp,
			    "VAT \"%s\": %u", cases[i].vat,
			    shop->products[0].vat_bp);
	}
}

/*
 * "19 %" is accepted, so "0 %" should be: gift vouchers are typically
 * sold at 0 % VAT.
 */
Test(shopconf, vat_zero_with_percent_sign)
{
	static const char *const forms[] = { "0 %", "0%" };
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char dump[1024];
		enum ws_status st;

		buf_reset(&text);
		cr_assert_eq(buf_printf(&text, VOUCHER_TXT "<Shop-Products>\n"
		    "x = 1,00 | %s | eligible | X\n</Shop-Products>\n",
		    forms[i]), WS_OK);
		diags_free(&d);
		diags_init(&d);
		st = parse(text.data);
		tu_diags_dump(&d, dump, sizeof(dump));
		cr_expect_eq(st, WS_OK, "parse_vat: VAT "
		    "\"%s\" refused although \"0\" and \"19 %%\" are "
		    "accepted: %s", forms[i], dump);
		if (shop != NULL)
			cr_expect_eq(shop->products[0].vat_bp, 0);
	}
}

/* --- <Voucher-API> ------------------------------------------------------- */

#define KEYHASH	"0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789abcdef"

Test(shopconf, api_clients_and_settings)
{
	const struct api_client *c;

	parse_ok(VOUCHER_TXT "<Voucher-API>\n"
	    "Hold-Minutes = 10\n"
	    "RequestIds-Hours = 24\n"
	    "Import-MaxBytes = 2048\n"
	    "pos-1 = sha256:" KEYHASH " | check, reserve,redeem; cancel\n"
	    "erp = sha256:" KEYHASH " | all\n"
	    "</Voucher-API>\n");
	cr_expect_eq(shop->api.hold_minutes, 10);
	cr_expect_eq(shop->api.ids_hours, 24);
	cr_expect_eq(shop->api.import_max_bytes, 2048);
	cr_assert_eq(shop->api.nclients, 2);
	c = shopconf_api_client(shop, "pos-1");
	cr_assert_not_null(c);
	cr_expect_eq(c->ops, (1u << API_CHECK) | (1u << API_RESERVE) |
	    (1u << API_REDEEM) | (1u << API_CANCEL));
	/* stored in lower case: compared as the hex of a digest */
	cr_expect_str_eq(c->key_sha256, "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef");
	cr_expect_eq(shopconf_api_client(shop, "erp")->ops,
	    (1u << API_OP__MAX) - 1);
	cr_expect_null(shopconf_api_client(shop, "nobody"));
}

Test(shopconf, api_defaults)
{
	parse_ok(VOUCHER_TXT);
	cr_expect_eq(shop->api.hold_minutes, 15);
	cr_expect_eq(shop->api.ids_hours, 48);
	cr_expect_eq(shop->api.import_max_bytes, 1048576);
	cr_expect_eq(shop->api.nclients, 0);
}

Test(shopconf, api_errors_on_their_lines)
{
	char dump[2048];

	cr_assert_eq(buf_printf(&text, VOUCHER_TXT
	    "<Voucher-API>\n"					/* 5 */
	    "Hold-Minutes = 0\n"				/* 6 */
	    "RequestIds-Hours = 12\n"				/* 7 */
	    "Pos 1 = sha256:" KEYHASH " | check\n"		/* 8 */
	    "a = " KEYHASH " | check\n"				/* 9 */
	    "b = sha256:" KEYHASH " | check, print\n"		/* 10 */
	    "c = sha256:" KEYHASH "\n"				/* 11 */
	    "d = sha256:xyz | check\n"				/* 12 */
	    "e = sha256:" KEYHASH " | check\n"			/* 13 */
	    "e = sha256:" KEYHASH " | check\n"			/* 14 */
	    "</Voucher-API>\n"), WS_OK);
	cr_expect_eq(parse(text.data), WS_ERR_INVALID);
	cr_expect_null(shop);
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect_eq(d.n, 8, "%s", dump);
	cr_expect(tu_diags_has(&d, 6, "Hold-Minutes", NULL), "%s", dump);
	cr_expect(tu_diags_has(&d, 7, "RequestIds-Hours", NULL), "%s", dump);
	cr_expect(tu_diags_has(&d, 8, "", "API client"), "%s", dump);
	cr_expect(tu_diags_has(&d, 9, "a", "sha256:"), "%s", dump);
	cr_expect(tu_diags_has(&d, 10, "b", "unknown operation \"print\""),
	    "%s", dump);
	cr_expect(tu_diags_has(&d, 11, "c", "KEYHASH"), "%s", dump);
	cr_expect(tu_diags_has(&d, 12, "d", "sha256:"), "%s", dump);
	cr_expect(tu_diags_has(&d, 14, "e", "twice"), "%s", dump);
}

Test(shopconf, api_setting_twice)
{
	char dump[1024];

	cr_expect_eq(parse(VOUCHER_TXT "<Voucher-API>\n"	/* 5 */
	    "Hold-Minutes = 10\n"				/* 6 */
	    "Hold-Minutes = 20\n"				/* 7 */
	    "</Voucher-API>\n"), WS_ERR_INVALID);
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect_eq(d.n, 1, "%s", dump);
	cr_expect(tu_diags_has(&d, 7, "Hold-Minutes", "line 6"), "%s", dump);
}

/* --- <Voucher-Admin> ------------------------------------------------------ */

Test(shopconf, admin_operators)
{
	const struct admin_account *a;

	parse_ok(VOUCHER_TXT "<Voucher-Admin>\n"
	    "chef = " HASH " | Clara Chef\n"
	    "kasse_2 = " HASH " | Kai Kasse\n"
	    "</Voucher-Admin>\n");
	cr_assert_eq(shop->nadmins, 2);
	a = shopconf_admin(shop, "chef");
	cr_assert_not_null(a);
	cr_expect_str_eq(a->name, "Clara Chef");
	cr_expect_str_eq(a->hash, HASH);
	cr_expect_not_null(shopconf_admin(shop, "kasse_2"));
	cr_expect_null(shopconf_admin(shop, "Chef"), "logins are exact");
}

Test(shopconf, admin_errors_on_their_lines)
{
	char dump[2048];

	cr_assert_eq(buf_printf(&text, VOUCHER_TXT
	    "<Voucher-Admin>\n"				/* 5 */
	    "Chef Eins = " HASH " | C\n"			/* 6 */
	    "a = nohash | A\n"					/* 7 */
	    "b = " HASH "\n"					/* 8 */
	    "c = " HASH " | \n"				/* 9 */
	    "d = " HASH " | D\n"				/* 10 */
	    "d = " HASH " | D\n"				/* 11 */
	    "</Voucher-Admin>\n"), WS_OK);
	cr_expect_eq(parse(text.data), WS_ERR_INVALID);
	cr_expect_null(shop);
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect_eq(d.n, 5, "%s", dump);
	cr_expect(tu_diags_has(&d, 6, "", "operator"), "%s", dump);
	cr_expect(tu_diags_has(&d, 7, "a", "password hash"), "%s", dump);
	cr_expect(tu_diags_has(&d, 8, "b", "hash | name"), "%s", dump);
	cr_expect(tu_diags_has(&d, 9, "c", "name of 1 to"), "%s", dump);
	cr_expect(tu_diags_has(&d, 11, "d", "twice"), "%s", dump);
}
