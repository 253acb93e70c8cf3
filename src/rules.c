/*
 * rules.c - voucher rules as pure functions.
 *
 * The order of the checks is part of the contract: a visitor sees the
 * reason that he can do something about last (state and validity first,
 * then who he is, then what is in his basket).
 */
#include <string.h>

#include "rules.h"

unsigned
rules_admit(const struct voucher *v, const struct voucher_conf *c,
    const struct rules_input *in)
{
	bool logged_in = in->customer != NULL && in->customer[0] != '\0';

	(void)c;
	switch (v->state) {
	case VOUCHER_ACTIVE:
		break;
	case VOUCHER_INVALIDATED:
		return REASON_INVALIDATED;
	case VOUCHER_PENDING:
		return REASON_NOT_ACTIVATED;
	case VOUCHER_EXHAUSTED:
		return REASON_USED_UP;
	case VOUCHER_EXPIRED:
		return REASON_EXPIRED;
	case VOUCHER_STATE__MAX:
	default:
		return REASON_TEMPORARY;
	}
	if (v->valid_from != 0 && in->now < v->valid_from)
		return REASON_NOT_YET_VALID;
	if (v->valid_until != 0 && in->now > v->valid_until)
		return REASON_EXPIRED;
	if ((v->channels & in->channel) == 0)
		return REASON_WRONG_CHANNEL;
	if (v->subshop[0] != '\0' && strcmp(v->subshop, in->basket.subshop))
		return REASON_WRONG_CHANNEL;
	if (in->basket.currency[0] != '\0' &&
	    strcmp(v->currency, in->basket.currency) != 0)
		return REASON_CURRENCY;
	if (in->basket.has_gift_product)
		return REASON_VOUCHER_FOR_VOUCHER;
	if (v->kind == VOUCHER_KIND_PROMO && in->basket.customer_discount)
		return REASON_CUSTOMER_DISCOUNT;
	if (voucher_type_needs_login(v->type) && !logged_in)
		return v->type == VOUCHER_UNI_CUSTOMER_BINDING ?
		    REASON_LOGIN_TO_BIND : REASON_LOGIN_REQUIRED;
	if (v->type == VOUCHER_UNI_CUSTOMER_BINDING &&
	    v->bound_customer[0] != '\0' &&
	    strcmp(v->bound_customer, in->customer) != 0)
		return REASON_BOUND_OTHER;
	if (voucher_type_new_customers_only(v->type) && !in->customer_is_new)
		return REASON_NEW_CUSTOMERS_ONLY;
	if (v->type == VOUCHER_UNI_ONCE_PER_CUSTOMER && in->customer_uses > 0)
		return REASON_ALREADY_USED_BY_CUSTOMER;
	/* Individual codes are at most once per customer after login. */
	if (!voucher_type_is_universal(v->type) &&
	    voucher_type_new_customers_only(v->type) && in->customer_uses > 0)
		return REASON_ALREADY_USED_BY_CUSTOMER;
	if (in->held_by_self)
		return REASON_ALREADY_IN_BASKET;
	if (in->held_by_other)
		return REASON_RESERVED_ELSEWHERE;
	if (voucher_type_is_universal(v->type)) {
		if (v->max_redemptions != 0 &&
		    v->redeemed >= v->max_redemptions)
			return REASON_MAX_REDEMPTIONS;
	} else if (voucher_has_balance(v)) {
		if (v->balance <= 0)
			return REASON_USED_UP;
	} else if (v->redeemed > 0) {
		/* a percentage Standard code is used once */
		return REASON_USED_UP;
	}
	return REASON_NONE;
}

int64_t
rules_percent_of(int64_t base, int64_t bp)
{
	if (base <= 0 || bp <= 0)
		return 0;
	/* base <= 10^15 and bp <= 10^4 keep the product inside int64. */
	return (base * bp + 5000) / 10000;
}

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

unsigned
rules_amount(const struct voucher *v, const struct voucher_conf *c,
    const struct rules_basket *b, int64_t *amount)
{
	int64_t base, cap;

	*amount = 0;
	if (v->kind == VOUCHER_KIND_VALUE) {
		/* Money pays for everything, books and extra costs too. */
		if (v->min_order > 0 && b->due < v->min_order)
			return REASON_MIN_ORDER;
		if (b->due <= 0)
			return REASON_NO_ELIGIBLE;
		*amount = min64(v->balance, b->due);
		return REASON_NONE;
	}
	if (b->eligible <= 0) {
		if (c->extra_costs == CONF_EXTRA_ALWAYS && b->extra > 0)
			base = b->extra;
		else if (c->extra_costs == CONF_EXTRA_WITH_PRODUCTS &&
		    b->extra > 0)
			return REASON_EXTRA_COSTS_ONLY;
		else
			return REASON_NO_ELIGIBLE;
	} else {
		base = b->eligible;
		if (c->extra_costs != CONF_EXTRA_NEVER && b->extra > 0)
			base += b->extra;
	}
	if (v->min_order > 0 &&
	    (b->goods > 0 ? b->goods : b->eligible) < v->min_order)
		return REASON_MIN_ORDER;
	if (v->amount_type == VOUCHER_AMOUNT_PERCENT) {
		*amount = rules_percent_of(base, v->amount);
	} else {
		cap = voucher_has_balance(v) ? v->balance : v->amount;
		*amount = min64(cap, base);
	}
	if (b->due >= 0)
		*amount = min64(*amount, b->due);
	if (*amount <= 0) {
		*amount = 0;
		return REASON_NO_ELIGIBLE;
	}
	return REASON_NONE;
}

unsigned
rules_check(const struct voucher *v, const struct voucher_conf *c,
    const struct rules_input *in, int64_t *amount)
{
	unsigned r;

	*amount = 0;
	r = rules_admit(v, c, in);
	if (r != REASON_NONE)
		return r;
	return rules_amount(v, c, &in->basket, amount);
}

unsigned
rules_visible_reason(const struct voucher_conf *c, unsigned reason)
{
	if (!c->hide_reasons)
		return reason;
	switch (reason) {
	case REASON_NOT_YET_VALID:
	case REASON_EXPIRED:
	case REASON_USED_UP:
	case REASON_INVALIDATED:
	case REASON_EXTERNAL_NOT_ALLOWED:
		return REASON_UNKNOWN;
	default:
		return reason;
	}
}
