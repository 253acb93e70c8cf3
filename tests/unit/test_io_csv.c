/*
 * test_io_csv.c - voucherupdate.csv / voucherdelete.csv: every field, every
 * kind of bad value with its line and field, quoting, BOM, CRLF, duplicate
 * codes, the writer and its round trip, and io_read_file.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "testutil.h"

#include "buf.h"
#include "codegen.h"
#include "conf.h"
#include "diag.h"
#include "io.h"
#include "num.h"
#include "voucher.h"

#ifndef TEST_DATA_DIR
#error TEST_DATA_DIR must name tests/data
#endif

#define CSV_PATH	"voucherupdate.csv"

static const struct io_options csv_ext = { NULL, true, "EUR" };

struct csv_run {
	struct import_set	set;
	struct diags		d;
	enum ws_status		st;
};

static void
csv_run_update(struct csv_run *r, const char *text, size_t len,
    const struct io_options *opt)
{
	import_set_init(&r->set);
	diags_init(&r->d);
	r->st = io_csv_parse_update(text, len, CSV_PATH, opt, &r->set, &r->d);
}

static void
csv_run_free(struct csv_run *r)
{
	import_set_free(&r->set);
	diags_free(&r->d);
}

/* Parses text (a C string) and requires it to be good. */
static void
csv_good(struct csv_run *r, const char *text)
{
	char dump[4096];

	csv_run_update(r, text, strlen(text), &csv_ext);
	tu_diags_dump(&r->d, dump, sizeof(dump));
	cr_assert_eq(r->st, WS_OK, "status %d, diags: %s", r->st, dump);
	cr_assert_eq(diags_count(&r->d), 0, "%s", dump);
}

static void
csv_expect(const struct csv_run *r, unsigned line, const char *field,
    const char *text)
{
	char dump[8192];

	tu_diags_dump(&r->d, dump, sizeof(dump));
	cr_assert_eq(r->st, WS_ERR_INVALID, "status %d", r->st);
	cr_assert(tu_diags_has(&r->d, line, field, text),
	    "no diag at line %u field '%s' with '%s'; have: %s", line, field,
	    text != NULL ? text : "", dump);
}

static int64_t
csv_date(const char *s)
{
	int64_t t;

	cr_assert_eq(num_parse_date(s, strlen(s), &t), WS_OK, "%s", s);
	return t;
}

Test(io_csv, every_field)
{
	struct csv_run r;
	const struct import_row *a, *b;

	csv_good(&r,
	    "Number;Amount;AmountType;ChargeId;Currency;MinOrderValue;"
	    "Products;Categories;State;Type;Type2;UsedAmount;ValidFrom;"
	    "ValidUntil;Subshop;MaxRedemptions;Channels\n"
	    "GIFT-0001;50,00;absolute;CH-7;EUR;10.00;p1, p2 ,p3;c1;active;"
	    "Standard_RemainderReusable;purchased;12,50;2026-01-01;"
	    "2026-12-31;shopA;0;webshop+pos\n"
	    "SUMMER25;12.5;percent;CH-8;chf;25;;books;pending;"
	    "Universal_NoRestrictions;promotional;;2026-06-01;2026-08-31;;"
	    "100;webshop\n");
	cr_assert_eq(r.set.n, 2);
	a = &r.set.rows[0];
	cr_assert_eq(a->op, IMPORT_UPSERT);
	cr_assert_eq(a->line, 2);
	cr_assert_str_eq(a->v.code, "GIFT-0001");
	cr_assert_eq(a->v.amount, 5000);
	cr_assert_eq(a->v.amount_type, VOUCHER_AMOUNT_ABSOLUTE);
	cr_assert_str_eq(a->v.charge_id, "CH-7");
	cr_assert_str_eq(a->v.currency, "EUR");
	cr_assert_eq(a->v.min_order, 1000);
	cr_assert_str_eq(a->v.products, "p1,p2,p3");
	cr_assert_str_eq(a->v.categories, "c1");
	cr_assert_eq(a->v.state, VOUCHER_ACTIVE);
	cr_assert_eq(a->v.type, VOUCHER_STD_REUSABLE);
	cr_assert_eq(a->v.kind, VOUCHER_KIND_VALUE);
	cr_assert_eq(a->used_amount, 1250);
	cr_assert_eq(a->v.balance, 3750);
	cr_assert_eq(a->v.valid_from, csv_date("2026-01-01"));
	cr_assert_eq(a->v.valid_until, csv_date("2026-12-31") + 86399);
	cr_assert_str_eq(a->v.subshop, "shopA");
	cr_assert_eq(a->v.max_redemptions, 0);
	cr_assert_eq(a->v.channels, VOUCHER_CHANNEL_ALL);
	cr_assert_eq(a->fields, IMPORT_F_AMOUNT | IMPORT_F_AMOUNT_TYPE |
	    IMPORT_F_CHARGE | IMPORT_F_CURRENCY | IMPORT_F_MIN_ORDER |
	    IMPORT_F_PRODUCTS | IMPORT_F_CATEGORIES | IMPORT_F_STATE |
	    IMPORT_F_TYPE | IMPORT_F_KIND | IMPORT_F_USED |
	    IMPORT_F_VALID_FROM | IMPORT_F_VALID_UNTIL | IMPORT_F_SUBSHOP |
	    IMPORT_F_MAX_REDEEM | IMPORT_F_CHANNELS);

	b = &r.set.rows[1];
	cr_assert_eq(b->line, 3);
	cr_assert_str_eq(b->v.code, "SUMMER25");
	cr_assert_eq(b->v.amount, 1250);
	cr_assert_eq(b->v.amount_type, VOUCHER_AMOUNT_PERCENT);
	cr_assert_str_eq(b->v.currency, "CHF");
	cr_assert_eq(b->v.min_order, 2500);
	cr_assert_str_eq(b->v.products, "");
	cr_assert_eq(b->v.state, VOUCHER_PENDING);
	cr_assert_eq(b->v.type, VOUCHER_UNI_NO_RESTRICTIONS);
	cr_assert_eq(b->v.kind, VOUCHER_KIND_PROMO);
	cr_assert_eq(b->v.balance, 0);
	cr_assert_eq(b->v.max_redemptions, 100);
	cr_assert_eq(b->v.channels, VOUCHER_CHANNEL_WEB);
	/* Empty fields are not given. */
	cr_assert_eq(b->fields & (IMPORT_F_PRODUCTS | IMPORT_F_USED |
	    IMPORT_F_SUBSHOP), 0);
	csv_run_free(&r);
}

Test(io_csv, modify_rows_and_defaults)
{
	struct csv_run r;
	const struct import_row *a, *b;

	/* No Amount: a modification of the fields given, no record rules. */
	csv_good(&r, "number;STATE;validuntil\nX1;invalidated;\nX2;;2027-02-28\n");
	cr_assert_eq(r.set.n, 2);
	a = &r.set.rows[0];
	cr_assert_eq(a->fields, IMPORT_F_STATE);
	cr_assert_eq(a->v.state, VOUCHER_INVALIDATED);
	b = &r.set.rows[1];
	cr_assert_eq(b->fields, IMPORT_F_VALID_UNTIL);
	cr_assert_eq(b->v.valid_until, csv_date("2027-02-28") + 86399);
	/* Defaults of voucher_init and the options. */
	cr_assert_str_eq(b->v.currency, "EUR");
	cr_assert_eq(b->v.channels, VOUCHER_CHANNEL_ALL);
	csv_run_free(&r);
}

Test(io_csv, default_currency_from_options)
{
	struct io_options o = { NULL, true, "CHF" };
	struct csv_run r;

	csv_run_update(&r, CONST_STR_LEN("Number;Amount\nA;5\n"), &o);
	cr_assert_eq(r.st, WS_OK);
	cr_assert_str_eq(r.set.rows[0].v.currency, "CHF");
	cr_assert_eq(r.set.rows[0].v.balance, 500);
	csv_run_free(&r);
}

Test(io_csv, aliases)
{
	struct csv_run r;

	csv_good(&r, "Number;Amount;Type2;Channels;AmountType;Type\n"
	    "A;1;promo;all;ABSOLUTE;standard_remainderexpires\n"
	    "B;2;value;pos;;\n"
	    "C;3;Purchased;pos+webshop;;\n");
	cr_assert_eq(r.set.rows[0].v.kind, VOUCHER_KIND_PROMO);
	cr_assert_eq(r.set.rows[0].v.channels, VOUCHER_CHANNEL_ALL);
	cr_assert_eq(r.set.rows[0].v.type, VOUCHER_STD_EXPIRES);
	cr_assert_eq(r.set.rows[1].v.kind, VOUCHER_KIND_VALUE);
	cr_assert_eq(r.set.rows[1].v.channels, VOUCHER_CHANNEL_POS);
	cr_assert_eq(r.set.rows[2].v.kind, VOUCHER_KIND_VALUE);
	cr_assert_eq(r.set.rows[2].v.channels, VOUCHER_CHANNEL_ALL);
	csv_run_free(&r);
}

Test(io_csv, bom_crlf_and_comma_separator)
{
	struct csv_run r;

	csv_good(&r, "\xef\xbb\xbfNumber,Amount,Products\r\n"
	    "A,\"10,50\",\"x,y\"\r\n"
	    "\r\n"
	    "B,7.25,z\r\n");
	cr_assert_eq(r.set.n, 2);
	cr_assert_str_eq(r.set.rows[0].v.code, "A");
	cr_assert_eq(r.set.rows[0].v.amount, 1050);
	cr_assert_str_eq(r.set.rows[0].v.products, "x,y");
	cr_assert_eq(r.set.rows[1].line, 4);
	cr_assert_str_eq(r.set.rows[1].v.code, "B");
	cr_assert_eq(r.set.rows[1].v.amount, 725);
	csv_run_free(&r);
}

Test(io_csv, quoted_separators_newlines_and_quotes)
{
	struct csv_run r;

	csv_good(&r,
	    "Number;ChargeId;Products\n"
	    "\"Q;1\";\"say \"\"hi\"\"\";\"a,\n  b,\r\n c\"\n"
	    "\n"
	    "Q2;\"x;y\";\"\"\n"
	    "\"Q\"\"3\";plain;\"d\"\n");
	cr_assert_eq(r.set.n, 3);
	cr_assert_str_eq(r.set.rows[0].v.code, "Q;1");
	cr_assert_str_eq(r.set.rows[0].v.charge_id, "say \"hi\"");
	cr_assert_str_eq(r.set.rows[0].v.products, "a,b,c");
	cr_assert_eq(r.set.rows[0].line, 2);
	/* The quoted field spans lines 2-4; line 5 is empty. */
	cr_assert_eq(r.set.rows[1].line, 6);
	cr_assert_str_eq(r.set.rows[1].v.charge_id, "x;y");
	cr_assert_eq(r.set.rows[1].fields & IMPORT_F_PRODUCTS, 0);
	cr_assert_eq(r.set.rows[2].line, 7);
	cr_assert_str_eq(r.set.rows[2].v.code, "Q\"3");
	csv_run_free(&r);
}

Test(io_csv, line_numbers_after_multiline_field_in_errors)
{
	struct csv_run r;
	static const char text[] =
	    "Number;ChargeId;Amount\n"
	    "A;\"one\ntwo\nthree\";5\n"		/* lines 2-4 */
	    "B;ok;minus\n";			/* line 5 */

	csv_run_update(&r, CONST_STR_LEN(text), &csv_ext);
	/* A line break is structure, but not allowed in a ChargeId. */
	csv_expect(&r, 2, "ChargeId", "control character");
	csv_expect(&r, 5, "Amount", "\"minus\"");
	cr_assert_eq(diags_count(&r.d), 2);
	csv_run_free(&r);
}

/* Bad values: each must be reported at its line, under its field name. */
static const struct {
	int		 src;		/* __LINE__ of the case */
	const char	*column;
	const char	*value;
	const char	*says;		/* part of the message */
} csv_bad_values[] = {
	{ __LINE__, "Amount", "abc", "amount of money above 0" },
	{ __LINE__, "Amount", "0", "above 0" },
	{ __LINE__, "Amount", "-5,00", "above 0" },
	{ __LINE__, "Amount", "1,234", "10.00 or 10,00" },
	{ __LINE__, "AmountType", "relative", "absolute nor percent" },
	{ __LINE__, "ChargeId", "0123456789012345678901234567890123456789"
	    "012345678901234567890123456789", "longer than 64" },
	{ __LINE__, "Currency", "EURO", "three-letter" },
	{ __LINE__, "Currency", "E1R", "three-letter" },
	{ __LINE__, "MinOrderValue", "-1", "0 or more" },
	{ __LINE__, "MinOrderValue", "ten", "0 or more" },
	{ __LINE__, "Products", "a,,b", "empty entry" },
	{ __LINE__, "Categories", "x,", "empty entry" },
	{ __LINE__, "State", "used", "active, invalidated" },
	{ __LINE__, "Type", "Standard", "Universal_customerBinding" },
	{ __LINE__, "Type2", "gift", "promotional" },
	{ __LINE__, "UsedAmount", "1e3", "0 or more" },
	{ __LINE__, "ValidFrom", "01.02.2026", "YYYY-MM-DD" },
	{ __LINE__, "ValidFrom", "2026-02-30", "YYYY-MM-DD" },
	{ __LINE__, "ValidUntil", "2026-13-01", "YYYY-MM-DD" },
	{ __LINE__, "ValidUntil", "2026-01-01T00:00:00Z", "YYYY-MM-DD" },
	{ __LINE__, "Subshop", "01234567890123456789012345678901234567890"
	    "123456789012345678901234", "longer than 64" },
	{ __LINE__, "MaxRedemptions", "1000000001", "0 to 1000000000" },
	{ __LINE__, "MaxRedemptions", "-1", "0 to 1000000000" },
	{ __LINE__, "MaxRedemptions", "12x", "0 to 1000000000" },
	{ __LINE__, "Channels", "phone", "webshop, pos" },
	{ __LINE__, "ChargeId", "tab\there", "control character" },
	{ __LINE__, "Subshop", "bad\xff", "UTF-8" },
	{ __LINE__, "Subshop", "over\xc0\xaflong", "UTF-8" },
	{ __LINE__, "Subshop", "surrogate\xed\xa0\x80", "UTF-8" },
	{ __LINE__, "Subshop", "c1\xc2\x85", "control character" },
	{ __LINE__, "Number", "", "is empty" },
	{ __LINE__, "Number", "   ", "is empty" },
	{ __LINE__, "Number", "A\x01", "control character" },
};

Test(io_csv, bad_values_table)
{
	size_t i;

	for (i = 0; i < sizeof(csv_bad_values) / sizeof(csv_bad_values[0]);
	    i++) {
		struct buf text = BUF_INIT;
		struct csv_run r;
		char dump[4096];
		bool number = strcmp(csv_bad_values[i].column, "Number") == 0;

		/* A good row, the bad one on line 3, a good one after. */
		if (number)
			cr_assert_eq(buf_printf(&text, "Number;Amount\n"
			    "OK1;5\n%s;5\nOK2;5\n", csv_bad_values[i].value),
			    WS_OK);
		else
			cr_assert_eq(buf_printf(&text, "Number;%s\nOK1;\n"
			    "BAD;%s\nOK2;\n", csv_bad_values[i].column,
			    csv_bad_values[i].value), WS_OK);
		csv_run_update(&r, text.data, text.len, &csv_ext);
		tu_diags_dump(&r.d, dump, sizeof(dump));
		cr_assert_eq(r.st, WS_ERR_INVALID, "case of line %d",
		    csv_bad_values[i].src);
		cr_assert(tu_diags_has(&r.d, 3, csv_bad_values[i].column,
		    csv_bad_values[i].says), "case of line %d: %s",
		    csv_bad_values[i].src, dump);
		cr_assert_eq(diags_count(&r.d), 1, "case of line %d: %s",
		    csv_bad_values[i].src, dump);
		/* The good rows around it are there and good. */
		cr_assert_eq(r.set.n, 3, "case of line %d",
		    csv_bad_values[i].src);
		csv_run_free(&r);
		buf_free(&text);
	}
}

Test(io_csv, all_errors_of_a_file_at_once)
{
	struct csv_run r;

	csv_run_update(&r, CONST_STR_LEN(
	    "Number;Amount;State;ValidFrom\n"
	    "A;x;active;2026-01-01\n"
	    "B;5;gone;2026-01-01\n"
	    "C;5;active;someday\n"
	    "D;y;nope;never\n"), &csv_ext);
	csv_expect(&r, 2, "Amount", NULL);
	csv_expect(&r, 3, "State", NULL);
	csv_expect(&r, 4, "ValidFrom", NULL);
	csv_expect(&r, 5, "Amount", NULL);
	csv_expect(&r, 5, "State", NULL);
	csv_expect(&r, 5, "ValidFrom", NULL);
	cr_assert_eq(diags_count(&r.d), 6);
	csv_run_free(&r);
}

Test(io_csv, record_rules_for_creations)
{
	struct csv_run r;

	csv_run_update(&r, CONST_STR_LEN(
	    "Number;Amount;AmountType;Type;Type2;UsedAmount;ValidFrom;"
	    "ValidUntil;MaxRedemptions\n"
	    /* 2: percent cannot be RemainderReusable */
	    "A;10;percent;Standard_RemainderReusable;;;;;\n"
	    /* 3: used more than the amount */
	    "B;10;;;;20;;;\n"
	    /* 4: a used amount on a universal voucher */
	    "C;10;;Universal_NoRestrictions;;1;;;\n"
	    /* 5: valid until before valid from */
	    "D;10;;;;;2026-05-01;2026-04-01;\n"
	    /* 6: max redemptions on a Standard voucher */
	    "E;10;;;;;;;5\n"
	    /* 7: a purchased voucher cannot be universal */
	    "F;10;;Universal_OncePerCustomer;purchased;;;;\n"
	    /* 8: a modification (no Amount) with the dates crossed */
	    "G;;;;;;2026-05-01;2026-04-01;\n"
	    /* 9: percent above 100 */
	    "H;101;percent;Universal_NoRestrictions;;;;;\n"
	    /* 10: all fine, the whole amount used */
	    "I;10;;;purchased;10;;;\n"), &csv_ext);
	csv_expect(&r, 2, "Type", "percentage");
	csv_expect(&r, 3, "UsedAmount", "more than the Amount");
	csv_expect(&r, 4, "UsedAmount", "fixed amount");
	csv_expect(&r, 5, "ValidUntil", "before ValidFrom");
	csv_expect(&r, 6, "MaxRedemptions", "universal");
	csv_expect(&r, 7, "Type", "Standard type");
	csv_expect(&r, 8, "ValidUntil", "before ValidFrom");
	csv_expect(&r, 9, "Amount", "percentage");
	cr_assert_eq(diags_count(&r.d), 8);
	cr_assert_eq(r.set.rows[8].v.balance, 0);
	csv_run_free(&r);
}

Test(io_csv, duplicate_number)
{
	struct csv_run r;

	csv_run_update(&r, CONST_STR_LEN(
	    "Number;Amount\nA;1\nB;2\n\"A\";3\nC;4\nB;5\n  A ;6\n"), &csv_ext);
	csv_expect(&r, 4, "Number", "line 2");
	csv_expect(&r, 6, "Number", "line 3");
	csv_expect(&r, 7, "Number", "line 2");
	cr_assert_eq(diags_count(&r.d), 3);
	csv_run_free(&r);
}

Test(io_csv, many_rows_duplicates_found)
{
	struct buf text = BUF_INIT;
	struct csv_run r;
	unsigned i;

	cr_assert_eq(buf_append_str(&text, "Number;Amount\n"), WS_OK);
	for (i = 0; i < 50000; i++)
		cr_assert_eq(buf_printf(&text, "CODE%u;1\n", i), WS_OK);
	cr_assert_eq(buf_append_str(&text, "CODE31337;1\n"), WS_OK);
	csv_run_update(&r, text.data, text.len, &csv_ext);
	cr_assert_eq(r.set.n, 50001);
	csv_expect(&r, 50002, "Number", "line 31339");
	cr_assert_eq(diags_count(&r.d), 1);
	csv_run_free(&r);
	buf_free(&text);
}

Test(io_csv, header_problems)
{
	struct csv_run r;

	csv_run_update(&r, CONST_STR_LEN(
	    "Number;Amount;Colour;amount;;Value\nA;1;red;2;;x\n"), &csv_ext);
	csv_expect(&r, 1, "Colour", "unknown column");
	csv_expect(&r, 1, "Amount", "twice");
	csv_expect(&r, 1, "", "no name");
	csv_expect(&r, 1, "Value", "unknown column");
	csv_run_free(&r);

	csv_run_update(&r, CONST_STR_LEN("Code;Amount\nA;1\n"), &csv_ext);
	csv_expect(&r, 1, "Number", "no Number column");
	cr_assert_eq(r.set.n, 0);
	csv_run_free(&r);

	csv_run_update(&r, CONST_STR_LEN(""), &csv_ext);
	csv_expect(&r, 1, "", "empty");
	csv_run_free(&r);

	csv_run_update(&r, CONST_STR_LEN("\n\r\n"), &csv_ext);
	csv_expect(&r, 1, "", "empty");
	csv_run_free(&r);
}

Test(io_csv, header_only_is_fine)
{
	struct csv_run r;

	csv_good(&r, "Number;Amount\r\n");
	cr_assert_eq(r.set.n, 0);
	csv_run_free(&r);
}

Test(io_csv, wrong_field_count)
{
	struct csv_run r;

	csv_run_update(&r, CONST_STR_LEN(
	    "Number;Amount\nA;1\nB;2;3\nC\nD;4\n"), &csv_ext);
	csv_expect(&r, 3, "", "has 3 fields, the header 2");
	csv_expect(&r, 4, "", "has 1 fields, the header 2");
	cr_assert_eq(diags_count(&r.d), 2);
	cr_assert_eq(r.set.n, 2);
	csv_run_free(&r);
}

Test(io_csv, broken_quotes)
{
	struct csv_run r;

	csv_run_update(&r, CONST_STR_LEN(
	    "Number;Amount\n"
	    "\"A\"x;1\n"		/* 2: text after the closing quote */
	    "B\"C;1\n"			/* 3: quote in an unquoted field */
	    "D;1\n"
	    "E;\"1\n"			/* 5: never closed */
	    "F;2\n"), &csv_ext);
	csv_expect(&r, 2, "", "after the closing quote");
	csv_expect(&r, 3, "", "quote inside the unquoted field");
	csv_expect(&r, 5, "", "never closed");
	cr_assert_eq(diags_count(&r.d), 3);
	csv_run_free(&r);
}

Test(io_csv, nul_bytes_reported_with_line_and_field)
{
	static const char text[] = "Number;ChargeId\nA;x\0y\nB\0;z\n";
	struct csv_run r;

	csv_run_update(&r, text, sizeof(text) - 1, &csv_ext);
	csv_expect(&r, 2, "ChargeId", "NUL");
	csv_expect(&r, 3, "Number", "NUL");
	csv_run_free(&r);
}

Test(io_csv, number_limits_and_foreign_codes)
{
	static const struct io_options own_only = { NULL, false, "EUR" };
	struct buf text = BUF_INIT;
	struct csv_run r;
	char code[VOUCHER_CODE_MAX + 2];

	memset(code, 'K', sizeof(code) - 1);
	code[sizeof(code) - 1] = '\0';		/* 201 bytes */
	cr_assert_eq(buf_printf(&text, "Number\n%s\n%.200s\n", code, code),
	    WS_OK);
	csv_run_update(&r, text.data, text.len, &csv_ext);
	csv_expect(&r, 2, "Number", "longer than 200");
	cr_assert_eq(diags_count(&r.d), 1);
	cr_assert_eq(strlen(r.set.rows[1].v.code), 200);
	csv_run_free(&r);

	/* Without a code format every code is foreign. */
	csv_run_update(&r, CONST_STR_LEN("Number;Amount\nERP-1;5\n"),
	    &own_only);
	csv_expect(&r, 2, "Number", "ExternalVouchers-Allow = yes");
	cr_assert_str_eq(r.set.rows[0].v.code, "");
	csv_run_free(&r);
	buf_free(&text);
}

static struct codegen *
csv_codegen(void)
{
	struct voucher_conf c;
	struct codegen *g = NULL;
	struct buf err = BUF_INIT;

	conf_defaults(&c);
	cr_assert_eq(codegen_new(&c, &g, &err), WS_OK, "%s", buf_cstr(&err));
	buf_free(&err);
	return g;
}

Test(io_csv, shop_code_format)
{
	struct codegen *g = csv_codegen();
	struct io_options own = { g, false, "EUR" }, ext = { g, true, "EUR" };
	struct buf text = BUF_INIT;
	struct csv_run r;
	char good[VOUCHER_CODE_MAX + 1], lower[VOUCHER_CODE_MAX + 1];
	char wrong[VOUCHER_CODE_MAX + 1];
	size_t i, k, n;

	cr_assert_eq(codegen_make(g, good, sizeof(good)), WS_OK);
	n = strlen(good);
	/* Typed sloppily: lower case, no separators. */
	for (i = 0, k = 0; i < n; i++) {
		if (good[i] == '-')
			continue;
		lower[k++] = good[i] >= 'A' && good[i] <= 'Z' ?
		    (char)(good[i] - 'A' + 'a') : good[i];
	}
	lower[k] = '\0';
	/* One character changed: the check character catches it. */
	memcpy(wrong, good, n + 1);
	wrong[0] = wrong[0] == '2' ? '3' : '2';
	cr_assert_eq(buf_printf(&text, "Number;Amount\n%s;5\n%s;5\n%s;5\n"
	    "ERP-123;5\n", lower, good, wrong), WS_OK);

	csv_run_update(&r, text.data, text.len, &own);
	csv_expect(&r, 3, "Number", "line 2");		/* same canonical */
	csv_expect(&r, 4, "Number", "check character wrong");
	csv_expect(&r, 5, "Number", "not in the shop's own code format");
	cr_assert_eq(diags_count(&r.d), 3);
	cr_assert_str_eq(r.set.rows[0].v.code, good);
	csv_run_free(&r);

	csv_run_update(&r, text.data, text.len, &ext);
	cr_assert_eq(diags_count(&r.d), 2);	/* the dup and the check */
	cr_assert_str_eq(r.set.rows[3].v.code, "ERP-123");
	csv_run_free(&r);
	buf_free(&text);
	codegen_free(g);
}

Test(io_csv, delete_file)
{
	struct import_set set;
	struct diags d;

	import_set_init(&set);
	diags_init(&d);
	cr_assert_eq(io_csv_parse_delete(CONST_STR_LEN(
	    "\xef\xbb\xbfnumber\r\nA\r\n\r\n\"B;1\"\r\n"), "voucherdelete.csv",
	    &csv_ext, &set, &d), WS_OK);
	cr_assert_eq(set.n, 2);
	cr_assert_eq(set.rows[0].op, IMPORT_DELETE);
	cr_assert_str_eq(set.rows[0].v.code, "A");
	cr_assert_eq(set.rows[1].op, IMPORT_DELETE);
	cr_assert_str_eq(set.rows[1].v.code, "B;1");
	cr_assert_eq(set.rows[1].line, 4);
	import_set_free(&set);

	/* Only Number; a code twice; an empty code. */
	cr_assert_eq(io_csv_parse_delete(CONST_STR_LEN(
	    "Number;Amount\nA;1\n"), "voucherdelete.csv", &csv_ext, &set, &d),
	    WS_ERR_INVALID);
	cr_assert(tu_diags_has(&d, 1, "Amount", "only the column Number"));
	import_set_free(&set);
	diags_free(&d);
	cr_assert_eq(io_csv_parse_delete(CONST_STR_LEN(
	    "Number\nA\nA\n\"\"\n"), "voucherdelete.csv", &csv_ext, &set, &d),
	    WS_ERR_INVALID);
	cr_assert(tu_diags_has(&d, 3, "Number", "line 2"));
	cr_assert(tu_diags_has(&d, 4, "Number", "empty"));
	cr_assert_eq(diags_count(&d), 2);
	import_set_free(&set);
	diags_free(&d);
}

/* ---- writer ---------------------------------------------------------- */

static void
csv_sample_vouchers(struct voucher *v, size_t n)
{
	cr_assert_geq(n, 5);
	voucher_init(&v[0]);
	memcpy(v[0].code, "GIFT-AAAA-BBBB", 15);
	v[0].kind = VOUCHER_KIND_VALUE;
	v[0].amount = 5000;
	v[0].balance = 1234;
	memcpy(v[0].charge_id, "CH;\"1\"", 7);
	v[0].valid_from = csv_date("2026-01-01");
	v[0].valid_until = csv_date("2027-12-31") + 86399;
	v[0].channels = VOUCHER_CHANNEL_POS;

	voucher_init(&v[1]);
	memcpy(v[1].code, "SUMMER", 7);
	v[1].type = VOUCHER_UNI_NO_RESTRICTIONS;
	v[1].amount_type = VOUCHER_AMOUNT_PERCENT;
	v[1].amount = 1250;
	v[1].max_redemptions = 100;
	v[1].min_order = 2000;
	memcpy(v[1].products, "p1,p2", 6);
	memcpy(v[1].categories, "Bücher", 8);
	memcpy(v[1].subshop, "de", 3);
	v[1].channels = VOUCHER_CHANNEL_WEB;

	voucher_init(&v[2]);
	memcpy(v[2].code, "BIND-ME", 8);
	v[2].type = VOUCHER_UNI_CUSTOMER_BINDING;
	v[2].amount = 1000;
	v[2].state = VOUCHER_INVALIDATED;
	memcpy(v[2].currency, "USD", 4);

	voucher_init(&v[3]);
	memcpy(v[3].code, "ONCE<&>", 8);
	v[3].type = VOUCHER_STD_EXPIRES_NEW;
	v[3].amount = 999;
	v[3].balance = 999;
	v[3].state = VOUCHER_EXHAUSTED;

	voucher_init(&v[4]);
	memcpy(v[4].code, "PCT-EXP", 8);
	v[4].type = VOUCHER_STD_EXPIRES;
	v[4].amount_type = VOUCHER_AMOUNT_PERCENT;
	v[4].amount = 10000;
	v[4].state = VOUCHER_PENDING;
	v[4].valid_until = csv_date("2026-03-01") + 86399;
}

static void
csv_same(const struct voucher *a, const struct voucher *b)
{
	cr_assert_str_eq(a->code, b->code);
	cr_assert_str_eq(a->charge_id, b->charge_id, "%s", a->code);
	cr_assert_eq(a->kind, b->kind, "%s", a->code);
	cr_assert_eq(a->type, b->type, "%s", a->code);
	cr_assert_eq(a->amount_type, b->amount_type, "%s", a->code);
	cr_assert_eq(a->amount, b->amount, "%s", a->code);
	cr_assert_eq(a->balance, b->balance, "%s", a->code);
	cr_assert_str_eq(a->currency, b->currency, "%s", a->code);
	cr_assert_eq(a->min_order, b->min_order, "%s", a->code);
	cr_assert_eq(a->valid_from, b->valid_from, "%s", a->code);
	cr_assert_eq(a->valid_until, b->valid_until, "%s", a->code);
	cr_assert_eq(a->max_redemptions, b->max_redemptions, "%s", a->code);
	cr_assert_eq(a->channels, b->channels, "%s", a->code);
	cr_assert_eq(a->state, b->state, "%s", a->code);
	cr_assert_str_eq(a->products, b->products, "%s", a->code);
	cr_assert_str_eq(a->categories, b->categories, "%s", a->code);
	cr_assert_str_eq(a->subshop, b->subshop, "%s", a->code);
}

Test(io_csv, writer_round_trip)
{
	static const char head[] =
	    "Number;Amount;AmountType;ChargeId;Currency;"
	    "MinOrderValue;Products;Categories;State;Type;Type2;UsedAmount;"
	    "ValidFrom;ValidUntil;Subshop;MaxRedemptions;Channels\r\n"
	    "GIFT-AAAA-BBBB;50.00;absolute;\"CH;\"\"1\"\"\";EUR;0.00;;;active;"
	    "Standard_RemainderReusable;purchased;37.66;2026-01-01;"
	    "2027-12-31;;0;pos\r\n";
	struct voucher v[5];
	struct diags d;
	struct csv_run r;
	char *text = NULL, dump[4096];
	size_t len = 0, i;
	FILE *fp;

	csv_sample_vouchers(v, 5);
	diags_init(&d);
	for (i = 0; i < 5; i++)
		cr_assert_eq(voucher_validate(&v[i], &d, "", 0), WS_OK,
		    "sample %zu", i);
	diags_free(&d);
	fp = open_memstream(&text, &len);
	cr_assert_not_null(fp);
	cr_assert_eq(io_csv_write_header(fp), WS_OK);
	for (i = 0; i < 5; i++)
		cr_assert_eq(io_csv_write_voucher(fp, &v[i]), WS_OK);
	cr_assert_eq(fclose(fp), 0);

	cr_assert(len > sizeof(head) &&
	    strncmp(text, head, sizeof(head) - 1) == 0, "%s", text);

	csv_run_update(&r, text, len, &csv_ext);
	tu_diags_dump(&r.d, dump, sizeof(dump));
	cr_assert_eq(r.st, WS_OK, "%s\n%s", dump, text);
	cr_assert_eq(r.set.n, 5);
	for (i = 0; i < 5; i++)
		csv_same(&r.set.rows[i].v, &v[i]);
	csv_run_free(&r);
	free(text);
}

Test(io_csv, writer_refuses_what_no_file_can_carry)
{
	struct voucher v;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	cr_assert_not_null(fp);
	voucher_init(&v);
	memcpy(v.code, "A\nB", 4);
	cr_assert_eq(io_csv_write_voucher(fp, &v), WS_ERR_INVALID);
	memcpy(v.code, "AB", 3);
	v.state = VOUCHER_STATE__MAX;
	cr_assert_eq(io_csv_write_voucher(fp, &v), WS_ERR_INVALID);
	v.state = VOUCHER_ACTIVE;
	v.channels = 0;
	cr_assert_eq(io_csv_write_voucher(fp, &v), WS_ERR_INVALID);
	cr_assert_eq(fclose(fp), 0);
	cr_assert_eq(len, 0);
	free(text);
}

Test(io_csv, data_file)
{
	struct buf data = BUF_INIT, err = BUF_INIT;
	struct csv_run r;
	char dump[4096];

	cr_assert_eq(io_read_file(TEST_DATA_DIR "/io_update_good.csv",
	    IO_FILE_MAX, &data, &err), WS_OK, "%s", buf_cstr(&err));
	csv_run_update(&r, data.data, data.len, &csv_ext);
	tu_diags_dump(&r.d, dump, sizeof(dump));
	cr_assert_eq(r.st, WS_OK, "%s", dump);
	cr_assert_eq(r.set.n, 4);
	cr_assert_str_eq(r.set.rows[3].v.code, "ERP;4");
	csv_run_free(&r);

	cr_assert_eq(io_read_file(TEST_DATA_DIR "/io_update_bad.csv",
	    IO_FILE_MAX, &data, &err), WS_OK, "%s", buf_cstr(&err));
	csv_run_update(&r, data.data, data.len, &csv_ext);
	csv_expect(&r, 3, "Amount", NULL);
	csv_expect(&r, 5, "Type", NULL);
	csv_expect(&r, 6, "Number", "line 2");
	cr_assert_eq(diags_count(&r.d), 3);
	csv_run_free(&r);
	buf_free(&data);
	buf_free(&err);
}

/* ---- io_read_file ---------------------------------------------------- */

static char *
csv_tmpdir(void)
{
	char *dir = strdup("/tmp/wsv-io-XXXXXX");

	cr_assert_not_null(dir);
	cr_assert_not_null(mkdtemp(dir));
	return dir;
}

Test(io_csv, read_file_refusals)
{
	struct buf data = BUF_INIT, err = BUF_INIT;
	char *dir = csv_tmpdir(), path[256], fifo[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/f.csv", dir);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	fputs("Number\nA\n", fp);
	cr_assert_eq(fclose(fp), 0);

	cr_assert_eq(io_read_file(path, 100, &data, &err), WS_OK);
	cr_assert_eq(data.len, 9);
	cr_assert_str_eq(data.data, "Number\nA\n");
	cr_assert_eq(io_read_file(path, 9, &data, &err), WS_OK);

	buf_reset(&err);
	cr_assert_eq(io_read_file(path, 8, &data, &err), WS_ERR_LIMIT);
	cr_assert_eq(data.len, 0);
	cr_assert_not_null(strstr(buf_cstr(&err), path));

	buf_reset(&err);
	cr_assert_eq(io_read_file(dir, 100, &data, &err), WS_ERR_INVALID);
	cr_assert_not_null(strstr(buf_cstr(&err), "not a regular file"));
	cr_assert_not_null(strstr(buf_cstr(&err), dir));

	buf_reset(&err);
	cr_assert_eq(io_read_file("/dev/null", 100, &data, &err),
	    WS_ERR_INVALID);

	/* A FIFO with no writer must not hang the reader. */
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	buf_reset(&err);
	cr_assert_eq(io_read_file(fifo, 100, &data, &err), WS_ERR_INVALID);

	buf_reset(&err);
	snprintf(path, sizeof(path), "%s/missing.csv", dir);
	cr_assert_eq(io_read_file(path, 100, &data, &err), WS_ERR_IO);
	cr_assert_not_null(strstr(buf_cstr(&err), "missing.csv"));

	unlink(fifo);
	snprintf(path, sizeof(path), "%s/f.csv", dir);
	unlink(path);
	rmdir(dir);
	free(dir);
	buf_free(&data);
	buf_free(&err);
}

Test(io_csv, read_file_empty_and_big)
{
	struct buf data = BUF_INIT, err = BUF_INIT;
	char *dir = csv_tmpdir(), path[256];
	FILE *fp;
	size_t i;

	snprintf(path, sizeof(path), "%s/empty", dir);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	cr_assert_eq(fclose(fp), 0);
	cr_assert_eq(io_read_file(path, 100, &data, &err), WS_OK);
	cr_assert_eq(data.len, 0);
	cr_assert_str_eq(buf_cstr(&data), "");
	unlink(path);

	/* Larger than one read chunk. */
	snprintf(path, sizeof(path), "%s/big", dir);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	for (i = 0; i < 300000; i++)
		fputc('a' + (int)(i % 26), fp);
	cr_assert_eq(fclose(fp), 0);
	cr_assert_eq(io_read_file(path, 300000, &data, &err), WS_OK);
	cr_assert_eq(data.len, 300000);
	cr_assert_eq(data.data[299999], 'a' + 299999 % 26);
	cr_assert_eq(data.data[300000], '\0');
	unlink(path);
	rmdir(dir);
	free(dir);
	buf_free(&data);
	buf_free(&err);
}

Test(io_csv, size_guard_and_odd_line_ends)
{
	struct csv_run r;

	/* The length is refused before a byte is read. */
	csv_run_update(&r, "", (size_t)IO_FILE_MAX + 1, &csv_ext);
	csv_expect(&r, 0, "", "more than");
	cr_assert_eq(r.set.n, 0);
	csv_run_free(&r);

	/* Blank lines before the header; a CR ends the file. */
	csv_good(&r, "\r\n\nNumber,Amount\nA,\"1,5\"\r");
	cr_assert_eq(r.set.n, 1);
	cr_assert_eq(r.set.rows[0].line, 4);
	cr_assert_eq(r.set.rows[0].v.amount, 150);
	csv_run_free(&r);
	csv_good(&r, "Number\r\nA\r");
	cr_assert_eq(r.set.n, 1);
	cr_assert_str_eq(r.set.rows[0].v.code, "A");
	csv_run_free(&r);

	/* A CR inside a line is data, and not allowed there. */
	csv_run_update(&r, CONST_STR_LEN("Number;ChargeId\nA;x\ry\n"),
	    &csv_ext);
	csv_expect(&r, 2, "ChargeId", "control character");
	csv_run_free(&r);
}
