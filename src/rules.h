/*
 * rules.h - the voucher rules of SPEC sections 2-4 as pure functions:
 * given a voucher, the config and what is known about the visitor and the
 * basket, which ERRORS.md reason applies (0 = none) and what amount the
 * voucher takes.  No storage, no HTTP: the store operations read the
 * records inside a transaction and ask these functions.
 */
#ifndef WS_RULES_H
#define WS_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "voucher.h"

/* ERRORS.md reason numbers (a public contract: never renumber). */
enum rules_reason {
	REASON_NONE = 0,
	REASON_EMPTY = 1,
	REASON_UNKNOWN = 2,
	REASON_NOT_YET_VALID = 3,
	REASON_EXPIRED = 4,
	REASON_USED_UP = 5,
	REASON_INVALIDATED = 6,
	REASON_WRONG_CHANNEL = 7,
	REASON_CURRENCY = 8,
	REASON_MIN_ORDER = 9,
	REASON_NO_ELIGIBLE = 10,
	REASON_LOGIN_REQUIRED = 11,
	REASON_ALREADY_USED_BY_CUSTOMER = 12,
	REASON_MAX_REDEMPTIONS = 13,
	REASON_NEW_CUSTOMERS_ONLY = 14,
	REASON_NOT_COMBINABLE = 15,
	REASON_TOO_MANY = 16,
	REASON_LOGIN_TO_BIND = 17,
	REASON_BOUND_OTHER = 18,
	REASON_RESERVED_ELSEWHERE = 19,
	REASON_TOO_MANY_ATTEMPTS = 20,
	REASON_EXTRA_COSTS_ONLY = 21,
	REASON_ALREADY_IN_BASKET = 22,
	REASON_EXTERNAL_NOT_ALLOWED = 23,
	REASON_VOUCHER_FOR_VOUCHER = 24,
	REASON_CUSTOMER_DISCOUNT = 25,
	REASON_NOT_ACTIVATED = 26,
	REASON_TEMPORARY = 27,
	REASON_MALFORMED = 28,
	REASON__MAX
};

/* What the caller knows of the basket; all cents. */
struct rules_basket {
	char	 currency[4];		/* "" = do not check */
	int64_t	 eligible;		/* eligible products (promotional) */
	int64_t	 goods;			/* eligible products before other
					 * vouchers, for the minimum order
					 * (0: eligible) */
	int64_t	 extra;			/* shipping, payment fees */
	int64_t	 due;			/* still to pay for everything */
	bool	 has_gift_product;	/* reason 24 */
	bool	 customer_discount;	/* reason 25 (promotional only) */
	char	 subshop[VOUCHER_SUBSHOP_MAX + 1]; /* "" = main shop */
};

struct rules_input {
	int64_t			 now;
	uint32_t		 channel;	/* VOUCHER_CHANNEL_WEB / _POS */
	const char		*customer;	/* "" = not logged in */
	bool			 customer_is_new;
	uint32_t		 customer_uses;	/* usage record of customer */
	bool			 held_by_other;	/* unexpired hold elsewhere */
	bool			 held_by_self;	/* this holder has it already */
	struct rules_basket	 basket;
};

/* Reason that forbids using v now (0 = none), amount not yet looked at. */
unsigned	rules_admit(const struct voucher *v, const struct voucher_conf *c,
		    const struct rules_input *in);
/*
 * Amount v takes from the basket (cents) in *amount, or a reason: 9 below
 * the minimum order, 10 / 21 per the extra-costs rule of SPEC section 4.
 */
unsigned	rules_amount(const struct voucher *v, const struct voucher_conf *c,
		    const struct rules_basket *b, int64_t *amount);
/* Both of the above: the reason, or 0 with the amount. */
unsigned	rules_check(const struct voucher *v, const struct voucher_conf *c,
		    const struct rules_input *in, int64_t *amount);
/* Percentage of base in hundredths of a percent, rounded half up. */
int64_t		rules_percent_of(int64_t base, int64_t bp);
/* Reason shown to visitors: 2 for 2,3,4,5,6,23 when HideReasons = yes. */
unsigned	rules_visible_reason(const struct voucher_conf *c,
		    unsigned reason);

#endif
