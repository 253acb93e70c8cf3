/*
 * test_basket.c - the money of a basket: the handbook's two examples,
 * value vouchers, several vouchers, the proportional VAT split with its
 * remainder cent, the payment fee of a fully covered order and the limits.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "basket.h"
#include "rules.h"

static struct voucher_conf conf;

static void
setup(void)
{
	conf_defaults(&conf);
}

TestSuite(basket, .init = setup);

static struct voucher
promo(int64_t cents)
{
	struct voucher v;

	voucher_init(&v);
	v.kind = VOUCHER_KIND_PROMO;
	v.amount = cents;
	v.balance = cents;
	return v;
}

static struct voucher
value(int64_t cents)
{
	struct voucher v = promo(cents);

	v.kind = VOUCHER_KIND_VALUE;
	return v;
}

static struct voucher
percent(int64_t bp)
{
	struct voucher v = promo(0);

	v.amount_type = VOUCHER_AMOUNT_PERCENT;
	v.type = VOUCHER_UNI_NO_RESTRICTIONS;
	v.amount = bp;
	v.balance = 0;
	return v;
}

static const struct basket_line_in book = { 2000, 1, 700, false, false };
static const struct basket_line_in mug = { 500, 1, 1900, true, false };

/* Handbook example 1: book 20 + product 5, shipping 3: pays 20,00. */
Test(basket, seed_example_1)
{
	struct basket_line_in lines[] = { book, mug };
	struct voucher v = promo(1000);
	struct basket_in in = { lines, 2, 300, 1900, 0, &v, 1 };
	struct basket_out out;

	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.subtotal, 2500);
	cr_expect_eq(out.total + out.discount, 2800);
	cr_expect_eq(out.reason[0], 0);
	cr_expect_eq(out.deduction[0], 800);
	cr_expect_eq(out.line_discount[0], 0, "the book keeps its price");
	cr_expect_eq(out.line_discount[1], 500);
	cr_expect_eq(out.extra_discount, 300);
	cr_expect_eq(out.due, 2000);
}

/* Handbook example 2: only the book, shipping 5: the voucher takes nothing. */
Test(basket, seed_example_2)
{
	struct basket_line_in lines[] = { book };
	struct voucher v = promo(1000);
	struct basket_in in = { lines, 1, 500, 1900, 0, &v, 1 };
	struct basket_out out;

	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.reason[0], REASON_EXTRA_COSTS_ONLY);
	cr_expect_eq(out.deduction[0], 0);
	cr_expect_eq(out.due, 2500);
	conf.extra_costs = CONF_EXTRA_NEVER;
	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.reason[0], REASON_NO_ELIGIBLE);
	cr_expect_eq(out.due, 2500);
	conf.extra_costs = CONF_EXTRA_ALWAYS;
	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.reason[0], 0);
	cr_expect_eq(out.deduction[0], 500, "shipping alone is covered");
	cr_expect_eq(out.due, 2000);
}

/* A value voucher pays for books too; the remainder stays on it. */
Test(basket, value_voucher_pays_everything)
{
	struct basket_line_in lines[] = { book };
	struct voucher v = value(5000);
	struct basket_in in = { lines, 1, 500, 1900, 250, &v, 1 };
	struct basket_out out;

	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.deduction[0], 2500);
	cr_expect_eq(out.paid_by_vouchers, 2500);
	cr_expect_eq(out.due, 0);
	cr_expect_eq(out.payment_fee, 0, "no payment method: no fee");
	cr_expect_eq(out.discount, 0, "money is no discount");
	cr_expect_eq(out.taxes[0].gross, 2000, "VAT base not reduced");
}

Test(basket, payment_fee_when_something_is_due)
{
	struct basket_line_in lines[] = { book };
	struct voucher v = value(1000);
	struct basket_in in = { lines, 1, 500, 1900, 250, &v, 1 };
	struct basket_out out;

	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.payment_fee, 250);
	cr_expect_eq(out.total, 2750);
	cr_expect_eq(out.due, 1750);
}

/* Promotional first, then money, whatever the order of entry. */
Test(basket, promotional_before_value)
{
	struct basket_line_in lines[] = { book, mug };
	struct voucher v[2] = { value(2500), promo(1000) };
	struct basket_in in = { lines, 2, 300, 1900, 0, v, 2 };
	struct basket_out out;

	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.deduction[1], 800);
	cr_expect_eq(out.deduction[0], 2000);
	cr_expect_eq(out.due, 0);
}

/* 10 % of 3 x 3,33 eligible: the split leaves one cent for the largest line. */
Test(basket, proportional_split_and_vat)
{
	struct basket_line_in lines[] = {
		{ 333, 1, 1900, true, false },
		{ 333, 1, 700, true, false },
		{ 334, 1, 700, true, false },
	};
	struct voucher v = promo(100);
	struct basket_in in = { lines, 3, 0, 1900, 0, &v, 1 };
	struct basket_out out;
	int64_t sum;

	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	sum = out.line_discount[0] + out.line_discount[1] +
	    out.line_discount[2];
	cr_expect_eq(sum, 100, "the shares add up to the discount");
	cr_expect_eq(out.line_discount[0], 33);
	cr_expect_eq(out.line_discount[1], 33);
	cr_expect_eq(out.line_discount[2], 34, "remainder on the largest");
	cr_assert_eq(out.ntaxes, 2);
	cr_expect_eq(out.taxes[0].rate_bp, 700);
	cr_expect_eq(out.taxes[0].gross, 333 + 334 - 67);
	cr_expect_eq(out.taxes[1].gross, 300);
	cr_expect_eq(out.taxes[1].tax, 48, "19 %% of 3,00 gross is 0,48");
	cr_expect_eq(out.taxes[0].tax, 39, "7 %% of 6,00 gross is 0,39");
	conf.vat_type = CONF_VAT_HIGHEST_RATE;
	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.line_discount[0], 100, "all on the 19 %% line");
}

/* highest-rate: what the 19 % lines cannot take goes to the others */
Test(basket, highest_rate_spills_over)
{
	struct basket_line_in lines[] = {
		{ 500, 1, 1900, true, false },
		{ 2000, 1, 700, true, false },
	};
	struct voucher v = promo(1000);
	struct basket_in in = { lines, 2, 0, 1900, 0, &v, 1 };
	struct basket_out out;

	conf.vat_type = CONF_VAT_HIGHEST_RATE;
	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.line_discount[0], 500, "the 19 %% line first");
	cr_expect_eq(out.line_discount[1], 500, "the rest on the 7 %% line");
	cr_expect_eq(out.taxes[1].gross, 0, "no negative base");
	cr_expect_geq(out.taxes[1].tax, 0);
}

Test(basket, percent_and_min_order)
{
	struct basket_line_in lines[] = { book, mug };
	struct voucher v[2] = { percent(1000), promo(500) };
	struct basket_in in = { lines, 2, 300, 1900, 0, v, 2 };
	struct basket_out out;

	v[1].min_order = 1000;
	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.deduction[0], 80, "10 %% of 5,00 + 3,00");
	cr_expect_eq(out.reason[1], REASON_MIN_ORDER, "5,00 eligible < 10,00");
	v[1].min_order = 500;
	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.reason[1], 0);
	cr_expect_eq(out.deduction[1], 500);
	cr_expect_eq(out.due, 2800 - 80 - 500);
	v[1] = promo(1000);
	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.deduction[1], 800 - 80, "what the first one left");
	cr_expect_eq(out.due, 2000);
}

/* 3 cents, two 50 % vouchers: 1,5 + 0,75 cents rounded once or each. */
Test(basket, percent_rounding_of_several)
{
	struct basket_line_in line = { 3, 1, 1900, true, false };
	struct voucher v[2] = { percent(5000), percent(5000) };
	struct basket_in in = { &line, 1, 0, 1900, 0, v, 2 };
	struct basket_out out;

	conf.extra_costs = CONF_EXTRA_NEVER;
	conf.use_rounded_percent_multi = false;
	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.deduction[0], 2);
	cr_expect_eq(out.deduction[1], 0, "2,25 cents rounded once: 2");
	cr_expect_eq(out.discount, 2);
	cr_expect_eq(out.due, 1);

	conf.use_rounded_percent_multi = true;
	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.deduction[0], 2);
	cr_expect_eq(out.deduction[1], 1, "each rounded: 2 + 1 (0,5)");
	cr_expect_eq(out.discount, 3);
	cr_expect_eq(out.due, 0);
}

/* 10,05 EUR, 10 % and 15 %: both ways agree where no half cent meets. */
Test(basket, percent_rounding_agrees_on_whole_cents)
{
	struct basket_line_in line = { 1000, 1, 1900, true, false };
	struct voucher v[2] = { percent(1000), percent(1500) };
	struct basket_in in = { &line, 1, 0, 1900, 0, v, 2 };
	struct basket_out a, b;

	conf.extra_costs = CONF_EXTRA_NEVER;
	conf.use_rounded_percent_multi = false;
	cr_assert_eq(basket_compute(&in, &conf, &a), WS_OK);
	conf.use_rounded_percent_multi = true;
	cr_assert_eq(basket_compute(&in, &conf, &b), WS_OK);
	cr_expect_eq(a.deduction[0], 100);
	cr_expect_eq(a.deduction[1], 135);
	cr_expect_eq(a.discount, b.discount);
}

Test(basket, gift_products_take_no_voucher)
{
	struct basket_line_in lines[] = { { 2500, 1, 0, false, true }, mug };
	struct voucher v[2] = { promo(500), value(5000) };
	struct basket_in in = { lines, 2, 0, 1900, 0, v, 2 };
	struct basket_out out;

	cr_assert_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.reason[0], REASON_VOUCHER_FOR_VOUCHER);
	cr_expect_eq(out.reason[1], REASON_VOUCHER_FOR_VOUCHER);
	cr_expect_eq(out.due, 3000);
	cr_expect(out.has_gift);
}

Test(basket, limits)
{
	struct basket_line_in lines[BASKET_LINES_MAX + 1];
	struct basket_in in;
	struct basket_out out;

	memset(lines, 0, sizeof(lines));
	memset(&in, 0, sizeof(in));
	in.lines = lines;
	in.nlines = BASKET_LINES_MAX + 1;
	cr_expect_eq(basket_compute(&in, &conf, &out), WS_ERR_LIMIT);
	in.nlines = 1;
	lines[0].unit_price = -1;
	cr_expect_eq(basket_compute(&in, &conf, &out), WS_ERR_INVALID);
	lines[0].unit_price = 10000000000LL;
	lines[0].quantity = BASKET_QTY_MAX;
	lines[0].eligible = true;
	cr_expect_eq(basket_compute(&in, &conf, &out), WS_OK);
	cr_expect_eq(out.subtotal, 990000000000LL);
	cr_expect_eq(basket_vat_of(11900, 1900), 1900);
}
