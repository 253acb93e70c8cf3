/*
 * basket.c - the money of a basket (see basket.h).  Pure arithmetic on
 * integer cents; the products of amounts are taken in 128 bits so a
 * share of a large basket cannot overflow.
 */
#include <string.h>

#include "basket.h"
#include "rules.h"

#define UNIT_PRICE_MAX	10000000000LL	/* 100 million in cents */

__extension__ typedef __int128 wide;

int64_t
basket_vat_of(int64_t gross, unsigned rate_bp)
{
	wide num, den;

	if (rate_bp == 0 || gross == 0)
		return 0;
	/* gross * rate / (100 % + rate), half up (gross >= 0 here) */
	num = (wide)gross * rate_bp;
	den = (wide)10000 + rate_bp;
	return (int64_t)((2 * num + den) / (2 * den));
}

/* Lines a promotional discount is spread over (VATType). */
static bool
takes_discount(const struct basket_in *in, const struct voucher_conf *c,
    size_t i, unsigned top_rate)
{
	const struct basket_line_in *l = &in->lines[i];

	if (!l->eligible || l->gift)
		return false;
	return c->vat_type != CONF_VAT_HIGHEST_RATE || l->vat_bp == top_rate;
}

/*
 * Spreads d cents over the chosen lines in proportion to their prices:
 * each share is cut to the cent, the cents left go to the largest line.
 */
/*
 * Spreads d cents over the chosen lines in proportion to their prices:
 * each share is cut to the cent, the cents left go to the largest line.
 */
static void
spread(const struct basket_in *in, const struct voucher_conf *c,
    int64_t d, unsigned rate, bool only_rate, struct basket_out *out)
{
	int64_t base = 0, given = 0, largest = -1, room;
	size_t i, at = 0;

	for (i = 0; i < in->nlines; i++)
		if (takes_discount(in, c, i, rate) || (!only_rate &&
		    in->lines[i].eligible && !in->lines[i].gift))
			base += out->line_price[i] - out->line_discount[i];
	if (d <= 0 || base <= 0)
		return;
	for (i = 0; i < in->nlines; i++) {
		if (!(takes_discount(in, c, i, rate) || (!only_rate &&
		    in->lines[i].eligible && !in->lines[i].gift)))
			continue;
		room = out->line_price[i] - out->line_discount[i];
		out->line_discount[i] += (int64_t)((wide)d * room / base);
		given += (int64_t)((wide)d * room / base);
		if (room > largest) {
			largest = room;
			at = i;
		}
	}
	out->line_discount[at] += d - given;
}

/*
 * The promotional discount on goods over the eligible lines: in
 * proportion to all of them, or (VATType = highest-rate) first on the
 * lines of the highest rate and only what does not fit there on the
 * others, so no rate's base goes below zero.
 */
static void
split_discount(const struct basket_in *in, const struct voucher_conf *c,
    int64_t d, struct basket_out *out)
{
	unsigned top = 0;
	int64_t top_base = 0;
	size_t i;

	if (c->vat_type != CONF_VAT_HIGHEST_RATE) {
		spread(in, c, d, 0, true, out);
		return;
	}
	for (i = 0; i < in->nlines; i++)
		if (in->lines[i].eligible && !in->lines[i].gift &&
		    in->lines[i].vat_bp > top)
			top = in->lines[i].vat_bp;
	for (i = 0; i < in->nlines; i++)
		if (takes_discount(in, c, i, top))
			top_base += out->line_price[i];
	spread(in, c, d < top_base ? d : top_base, top, true, out);
	if (d > top_base)
		spread(in, c, d - top_base, top, false, out);
}

static void
add_tax(struct basket_out *out, unsigned rate, int64_t gross)
{
	size_t i, j;

	for (i = 0; i < out->ntaxes && out->taxes[i].rate_bp < rate; i++)
		;
	if (i == out->ntaxes || out->taxes[i].rate_bp != rate) {
		if (out->ntaxes == BASKET_RATES_MAX)
			return;		/* cannot happen: rates <= lines + 1 */
		for (j = out->ntaxes; j > i; j--)
			out->taxes[j] = out->taxes[j - 1];
		out->taxes[i].rate_bp = rate;
		out->taxes[i].gross = 0;
		out->ntaxes++;
	}
	out->taxes[i].gross += gross;
}

/*
 * UseRoundedPercentalMultiVoucherDiscount = no: the percentages are
 * computed exactly (to 1/10000 cent) and only their running sum is
 * rounded, so each voucher takes the sum's growth.  The base a voucher
 * sees is what the earlier ones left, in whole cents; adding back what
 * rounding took or gave so far makes it the exact base.
 */
struct percent_sum {
	wide	 exact;		/* 1/10000 cents */
	int64_t	 rounded;	/* cents taken so far */
};

static int64_t
percent_rounded_once(struct percent_sum *ps, const struct voucher *v,
    const struct voucher_conf *c, const struct rules_basket *rb,
    int64_t rounded_alone)
{
	int64_t base, cap, amt;
	wide exact_base, share, target;

	if (rb->eligible <= 0)
		base = rb->extra;	/* ExtraCosts-Apply = always */
	else
		base = rb->eligible + (c->extra_costs != CONF_EXTRA_NEVER &&
		    rb->extra > 0 ? rb->extra : 0);
	exact_base = (wide)base * 10000 + ((wide)ps->rounded * 10000 -
	    ps->exact);
	share = exact_base * v->amount / 10000;
	ps->exact += share;
	target = (ps->exact + 5000) / 10000;
	amt = (int64_t)(target - ps->rounded);
	/* never more than the voucher alone could take */
	cap = rounded_alone + 1 < base ? rounded_alone + 1 : base;
	if (amt > cap)
		amt = cap;
	if (rb->due >= 0 && amt > rb->due)
		amt = rb->due;
	if (amt < 0)
		amt = 0;
	ps->rounded += amt;
	return amt;
}

static void
compute(const struct basket_in *in, const struct voucher_conf *c,
    int64_t fee, struct basket_out *out)
{
	struct rules_basket rb;
	struct voucher v;
	int64_t rem_e, rem_x, rem_t, goods_discount = 0, amt, take;
	struct percent_sum ps = { 0, 0 };
	size_t i, pass;
	unsigned r;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < in->nlines; i++) {
		const struct basket_line_in *l = &in->lines[i];

		out->line_price[i] = l->unit_price * l->quantity;
		out->subtotal += out->line_price[i];
		if (l->eligible && !l->gift)
			out->eligible += out->line_price[i];
		out->has_gift = out->has_gift || l->gift;
	}
	out->payment_fee = fee;
	out->extra = in->shipping + fee;
	rem_e = out->eligible;
	rem_x = out->extra;
	rem_t = out->subtotal + out->extra;
	/* pass 0: promotional vouchers, pass 1: value vouchers */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < in->nvouchers; i++) {
			bool promo = in->vouchers[i].kind == VOUCHER_KIND_PROMO;

			if (promo != (pass == 0))
				continue;
			if (out->has_gift) {
				out->reason[i] = REASON_VOUCHER_FOR_VOUCHER;
				continue;
			}
			v = in->vouchers[i];
			memset(&rb, 0, sizeof(rb));
			rb.due = rem_t;
			if (promo) {
				/* the minimum is of the goods, not of what
				 * earlier vouchers left of them */
				if (v.min_order > 0 &&
				    out->eligible < v.min_order) {
					out->reason[i] = REASON_MIN_ORDER;
					continue;
				}
				v.min_order = 0;
				rb.eligible = rem_e;
				rb.extra = rem_x;
			}
			r = rules_amount(&v, c, &rb, &amt);
			if (r != REASON_NONE) {
				out->reason[i] = r;
				continue;
			}
			if (promo && v.amount_type == VOUCHER_AMOUNT_PERCENT &&
			    !c->use_rounded_percent_multi)
				amt = percent_rounded_once(&ps, &v, c, &rb, amt);
			out->deduction[i] = amt;
			rem_t -= amt;
			if (!promo) {
				out->paid_by_vouchers += amt;
				continue;
			}
			take = amt < rem_e ? amt : rem_e;
			rem_e -= take;
			goods_discount += take;
			rem_x -= amt - take;
			out->extra_discount += amt - take;
		}
	}
	out->discount = goods_discount + out->extra_discount;
	out->total = out->subtotal + out->extra - out->discount;
	out->due = out->total - out->paid_by_vouchers;
	split_discount(in, c, goods_discount, out);
	for (i = 0; i < in->nlines; i++)
		add_tax(out, in->lines[i].vat_bp,
		    out->line_price[i] - out->line_discount[i]);
	if (out->extra > 0)
		add_tax(out, in->shipping_vat_bp,
		    out->extra - out->extra_discount);
	for (i = 0; i < out->ntaxes; i++)
		out->taxes[i].tax = basket_vat_of(out->taxes[i].gross,
		    out->taxes[i].rate_bp);
}

enum ws_status
basket_compute(const struct basket_in *in, const struct voucher_conf *c,
    struct basket_out *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	if (in->nlines > BASKET_LINES_MAX || in->nvouchers > BASKET_VOUCHERS_MAX)
		return WS_ERR_LIMIT;
	if (in->shipping < 0 || in->shipping > UNIT_PRICE_MAX ||
	    in->payment_fee < 0 || in->payment_fee > UNIT_PRICE_MAX)
		return WS_ERR_INVALID;
	for (i = 0; i < in->nlines; i++)
		if (in->lines[i].unit_price < 0 ||
		    in->lines[i].unit_price > UNIT_PRICE_MAX ||
		    in->lines[i].quantity > BASKET_QTY_MAX ||
		    in->lines[i].vat_bp > 10000)
			return WS_ERR_INVALID;
	for (i = 0; i < in->nvouchers; i++)
		if (in->vouchers[i].balance < 0 ||
		    in->vouchers[i].amount < 0)
			return WS_ERR_INVALID;
	/*
	 * The payment fee is charged only when something is left to pay:
	 * an order the vouchers cover offers no payment method at all.
	 */
	compute(in, c, 0, out);
	if (out->due > 0 && in->payment_fee > 0)
		compute(in, c, in->payment_fee, out);
	return WS_OK;
}
