/*
 * test_rules.c - every rule of SPEC sections 2-4 and every ERRORS.md
 * reason that the rules decide, table-driven (each case records its line).
 */
#include <string.h>

#include <criterion/criterion.h>

#include "rules.h"

/* Each case overrides fields of the BASE case on purpose. */
#pragma GCC diagnostic ignored "-Woverride-init"

#define NOW	1800000000LL

struct rcase {
	int			 line;
	/* voucher */
	enum voucher_kind	 kind;
	enum voucher_type	 type;
	enum voucher_amount_type at;
	int64_t			 amount;
	int64_t			 balance;
	enum voucher_state	 state;
	int64_t			 from, until, min_order;
	uint32_t		 max, redeemed, channels;
	const char		*bound;
	/* visitor and basket */
	uint32_t		 channel;
	const char		*customer;
	bool			 is_new;
	uint32_t		 uses;
	bool			 other, self;
	int64_t			 eligible, extra, due;
	bool			 gift, discount;
	const char		*currency;
	enum conf_extra_costs	 extra_rule;
	/* expected */
	unsigned		 reason;
	int64_t			 applied;
};

#define PROMO VOUCHER_KIND_PROMO
#define VALUE VOUCHER_KIND_VALUE
#define ABS VOUCHER_AMOUNT_ABSOLUTE
#define PCT VOUCHER_AMOUNT_PERCENT
#define WEB VOUCHER_CHANNEL_WEB
#define POS VOUCHER_CHANNEL_POS
#define ACT VOUCHER_ACTIVE

/* A 10,00 promo Standard voucher, web, basket 50,00 eligible. */
#define BASE(l) .line = (l), .kind = PROMO, .type = VOUCHER_STD_REUSABLE, \
	.at = ABS, .amount = 1000, .balance = 1000, .state = ACT, \
	.channels = VOUCHER_CHANNEL_ALL, .channel = WEB, .customer = "", \
	.eligible = 5000, .due = 5000, .currency = "EUR", \
	.extra_rule = CONF_EXTRA_WITH_PRODUCTS

static const struct rcase cases[] = {
	/* the plain case */
	{ BASE(__LINE__), .reason = 0, .applied = 1000 },
	/* states: 6, 26, 5, 4 */
	{ BASE(__LINE__), .state = VOUCHER_INVALIDATED, .reason = 6 },
	{ BASE(__LINE__), .state = VOUCHER_PENDING, .reason = 26 },
	{ BASE(__LINE__), .state = VOUCHER_EXHAUSTED, .reason = 5 },
	{ BASE(__LINE__), .state = VOUCHER_EXPIRED, .reason = 4 },
	/* validity window: 3, 4, and the edges */
	{ BASE(__LINE__), .from = NOW + 1, .reason = 3 },
	{ BASE(__LINE__), .from = NOW, .reason = 0, .applied = 1000 },
	{ BASE(__LINE__), .until = NOW - 1, .reason = 4 },
	{ BASE(__LINE__), .until = NOW, .reason = 0, .applied = 1000 },
	/* channel 7, currency 8 */
	{ BASE(__LINE__), .channels = POS, .reason = 7 },
	{ BASE(__LINE__), .channels = WEB, .channel = POS, .reason = 7 },
	{ BASE(__LINE__), .currency = "CHF", .reason = 8 },
	/* used up: balance 0 (5) */
	{ BASE(__LINE__), .balance = 0, .reason = 5 },
	/* minimum order value on eligible amount (9) */
	{ BASE(__LINE__), .min_order = 5001, .reason = 9 },
	{ BASE(__LINE__), .min_order = 5000, .reason = 0, .applied = 1000 },
	/* login (11), new customers (14), once per customer (12) */
	{ BASE(__LINE__), .type = VOUCHER_UNI_ONCE_PER_CUSTOMER, .balance = 0,
	    .reason = 11 },
	{ BASE(__LINE__), .type = VOUCHER_UNI_ONCE_PER_CUSTOMER, .balance = 0,
	    .customer = "c1", .uses = 1, .reason = 12 },
	{ BASE(__LINE__), .type = VOUCHER_UNI_ONCE_PER_CUSTOMER, .balance = 0,
	    .customer = "c1", .reason = 0, .applied = 1000 },
	{ BASE(__LINE__), .type = VOUCHER_UNI_NEW_CUSTOMERS, .balance = 0,
	    .reason = 11 },
	{ BASE(__LINE__), .type = VOUCHER_UNI_NEW_CUSTOMERS, .balance = 0,
	    .customer = "c1", .is_new = false, .reason = 14 },
	{ BASE(__LINE__), .type = VOUCHER_UNI_NEW_CUSTOMERS, .balance = 0,
	    .customer = "c1", .is_new = true, .reason = 0, .applied = 1000 },
	{ BASE(__LINE__), .type = VOUCHER_STD_REUSABLE_NEW, .reason = 11 },
	{ BASE(__LINE__), .type = VOUCHER_STD_EXPIRES_NEW, .customer = "c",
	    .reason = 14 },
	{ BASE(__LINE__), .type = VOUCHER_STD_EXPIRES_NEW, .customer = "c",
	    .is_new = true, .uses = 1, .reason = 12 },
	{ BASE(__LINE__), .type = VOUCHER_STD_EXPIRES_NEW, .customer = "c",
	    .is_new = true, .reason = 0, .applied = 1000 },
	/* maximum redemptions (13) */
	{ BASE(__LINE__), .type = VOUCHER_UNI_NO_RESTRICTIONS, .balance = 0,
	    .max = 100, .redeemed = 100, .reason = 13 },
	{ BASE(__LINE__), .type = VOUCHER_UNI_NO_RESTRICTIONS, .balance = 0,
	    .max = 100, .redeemed = 99, .reason = 0, .applied = 1000 },
	{ BASE(__LINE__), .type = VOUCHER_UNI_NO_RESTRICTIONS, .balance = 0,
	    .redeemed = 100000, .reason = 0, .applied = 1000 },
	/* customer binding: 17 not logged in, 18 other, ok for owner */
	{ BASE(__LINE__), .type = VOUCHER_UNI_CUSTOMER_BINDING, .balance = 0,
	    .reason = 17 },
	{ BASE(__LINE__), .type = VOUCHER_UNI_CUSTOMER_BINDING, .balance = 0,
	    .customer = "c2", .bound = "c1", .reason = 18 },
	{ BASE(__LINE__), .type = VOUCHER_UNI_CUSTOMER_BINDING, .balance = 0,
	    .customer = "c1", .bound = "c1", .reason = 0, .applied = 1000 },
	{ BASE(__LINE__), .type = VOUCHER_UNI_CUSTOMER_BINDING, .balance = 0,
	    .customer = "c1", .reason = 0, .applied = 1000 },
	/* reserved elsewhere (19), already in this basket (22) */
	{ BASE(__LINE__), .other = true, .reason = 19 },
	{ BASE(__LINE__), .self = true, .reason = 22 },
	/* gift product in basket (24), customer discount (25) */
	{ BASE(__LINE__), .gift = true, .reason = 24 },
	{ BASE(__LINE__), .discount = true, .reason = 25 },
	{ BASE(__LINE__), .kind = VALUE, .discount = true, .reason = 0,
	    .applied = 1000 },
	/* seed example 1: book 20 (not eligible) + 5, shipping 3: 8,00 */
	{ BASE(__LINE__), .eligible = 500, .extra = 300, .due = 2800,
	    .reason = 0, .applied = 800 },
	/* seed example 2: only the book, shipping 5: 21 or 10 by config */
	{ BASE(__LINE__), .eligible = 0, .extra = 500, .due = 2500,
	    .reason = 21 },
	{ BASE(__LINE__), .eligible = 0, .extra = 500, .due = 2500,
	    .extra_rule = CONF_EXTRA_NEVER, .reason = 10 },
	{ BASE(__LINE__), .eligible = 0, .extra = 500, .due = 2500,
	    .extra_rule = CONF_EXTRA_ALWAYS, .reason = 0, .applied = 500 },
	{ BASE(__LINE__), .eligible = 0, .extra = 0, .due = 2000,
	    .extra_rule = CONF_EXTRA_ALWAYS, .reason = 10 },
	/* "never": extra costs are not deducted even with products */
	{ BASE(__LINE__), .eligible = 500, .extra = 300, .due = 2800,
	    .extra_rule = CONF_EXTRA_NEVER, .reason = 0, .applied = 500 },
	/* value vouchers pay for everything, books included */
	{ BASE(__LINE__), .kind = VALUE, .amount = 5000, .balance = 5000,
	    .eligible = 0, .extra = 500, .due = 2500, .reason = 0,
	    .applied = 2500 },
	{ BASE(__LINE__), .kind = VALUE, .amount = 5000, .balance = 1200,
	    .eligible = 0, .due = 2500, .reason = 0, .applied = 1200 },
	{ BASE(__LINE__), .kind = VALUE, .amount = 5000, .balance = 5000,
	    .due = 0, .reason = 10 },
	/* balance caps a reusable promo code */
	{ BASE(__LINE__), .balance = 300, .reason = 0, .applied = 300 },
	/* percent: 10 % of eligible + extra, rounded half up */
	{ BASE(__LINE__), .type = VOUCHER_STD_EXPIRES, .at = PCT,
	    .amount = 1000, .balance = 0, .eligible = 1995, .extra = 0,
	    .due = 1995, .reason = 0, .applied = 200 },
	{ BASE(__LINE__), .type = VOUCHER_UNI_NO_RESTRICTIONS, .at = PCT,
	    .amount = 1250, .balance = 0, .eligible = 1000, .extra = 200,
	    .due = 1200, .reason = 0, .applied = 150 },
	/* a percentage Standard code is used once */
	{ BASE(__LINE__), .type = VOUCHER_STD_EXPIRES, .at = PCT,
	    .amount = 1000, .balance = 0, .redeemed = 1, .reason = 5 },
	/* never more than what is due */
	{ BASE(__LINE__), .amount = 5000, .balance = 5000, .eligible = 5000,
	    .extra = 0, .due = 3000, .reason = 0, .applied = 3000 },
};

Test(rules, table)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rcase *k = &cases[i];
		struct voucher_conf c;
		struct rules_input in;
		struct voucher v;
		int64_t applied = -1;
		unsigned r;

		conf_defaults(&c);
		c.extra_costs = k->extra_rule;
		voucher_init(&v);
		memcpy(v.code, "CODE", 5);
		v.kind = k->kind;
		v.type = k->type;
		v.amount_type = k->at;
		v.amount = k->amount;
		v.balance = k->balance;
		v.state = k->state;
		v.valid_from = k->from;
		v.valid_until = k->until;
		v.min_order = k->min_order;
		v.max_redemptions = k->max;
		v.redeemed = k->redeemed;
		v.channels = k->channels;
		if (k->bound != NULL)
			memcpy(v.bound_customer, k->bound,
			    strlen(k->bound) + 1);
		memset(&in, 0, sizeof(in));
		in.now = NOW;
		in.channel = k->channel;
		in.customer = k->customer;
		in.customer_is_new = k->is_new;
		in.customer_uses = k->uses;
		in.held_by_other = k->other;
		in.held_by_self = k->self;
		in.basket.eligible = k->eligible;
		in.basket.extra = k->extra;
		in.basket.due = k->due;
		in.basket.has_gift_product = k->gift;
		in.basket.customer_discount = k->discount;
		memcpy(in.basket.currency, k->currency, 4);
		r = rules_check(&v, &c, &in, &applied);
		cr_expect_eq(r, k->reason, "line %d: reason %u, want %u",
		    k->line, r, k->reason);
		if (k->reason == 0)
			cr_expect_eq(applied, k->applied,
			    "line %d: applied %lld, want %lld", k->line,
			    (long long)applied, (long long)k->applied);
	}
}

Test(rules, hidden_reasons)
{
	struct voucher_conf c;
	unsigned r;

	conf_defaults(&c);
	for (r = 1; r < REASON__MAX; r++)
		cr_expect_eq(rules_visible_reason(&c, r), r);
	c.hide_reasons = true;
	for (r = 1; r < REASON__MAX; r++) {
		bool hidden = r == 2 || r == 3 || r == 4 || r == 5 || r == 6 ||
		    r == 23;

		cr_expect_eq(rules_visible_reason(&c, r), hidden ? 2 : r,
		    "reason %u", r);
	}
}

Test(rules, percent_rounding)
{
	cr_expect_eq(rules_percent_of(1995, 1000), 200);	/* 199,5 */
	cr_expect_eq(rules_percent_of(1994, 1000), 199);
	cr_expect_eq(rules_percent_of(100000000000000LL, 10000),
	    100000000000000LL);
	cr_expect_eq(rules_percent_of(0, 1000), 0);
}

Test(rules, fixed_reason_numbers)
{
	/* Fixed by the shop handbook: never renumber. */
	cr_expect_eq(REASON_MAX_REDEMPTIONS, 13);
	cr_expect_eq(REASON_LOGIN_TO_BIND, 17);
	cr_expect_eq(REASON_BOUND_OTHER, 18);
	cr_expect_eq(REASON_CUSTOMER_DISCOUNT, 25);
	cr_expect_eq(REASON__MAX - 1, CONF_REASON_MAX);
}
