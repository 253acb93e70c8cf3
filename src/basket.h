/*
 * basket.h - the money of a basket (SPEC section 4) as a pure function:
 * lines, extra costs and the vouchers active in it give every line's
 * discount, each voucher's deduction (or the reason it no longer
 * applies), the VAT per rate, the total and what is left to pay.
 *
 * Order of application: promotional vouchers first (on eligible products
 * and, per ExtraCosts-Apply, extra costs), then value vouchers (on
 * whatever is left, books included).  A promotional discount is split
 * over the eligible lines in proportion to their amounts, each share cut
 * to the cent and the cents left over given to the largest line, so each
 * VAT rate's base is reduced by exactly its part.
 */
#ifndef WS_BASKET_H
#define WS_BASKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "voucher.h"

#define BASKET_LINES_MAX	50
#define BASKET_VOUCHERS_MAX	10	/* MultiVoucher-Max at most */
#define BASKET_RATES_MAX	(BASKET_LINES_MAX + 1)
#define BASKET_QTY_MAX		99

struct basket_line_in {
	int64_t		 unit_price;	/* cents, gross */
	uint32_t	 quantity;
	unsigned	 vat_bp;	/* 1900 = 19 % */
	bool		 eligible;	/* promotional vouchers apply */
	bool		 gift;		/* a gift voucher for sale */
};

struct basket_in {
	const struct basket_line_in	*lines;
	size_t				 nlines;
	int64_t				 shipping;
	unsigned			 shipping_vat_bp;
	int64_t				 payment_fee;	/* chosen method */
	const struct voucher		*vouchers;	/* as entered */
	size_t				 nvouchers;
};

struct basket_tax {
	unsigned	 rate_bp;
	int64_t		 gross;		/* after promotional discounts */
	int64_t		 tax;		/* VAT contained in gross */
};

struct basket_out {
	int64_t		 line_price[BASKET_LINES_MAX];
	int64_t		 line_discount[BASKET_LINES_MAX];
	int64_t		 deduction[BASKET_VOUCHERS_MAX];
	unsigned	 reason[BASKET_VOUCHERS_MAX];	/* 0: applies */
	int64_t		 subtotal;	/* all lines */
	int64_t		 eligible;	/* eligible lines */
	int64_t		 extra;		/* shipping + fee */
	int64_t		 payment_fee;	/* 0 when nothing is left to pay */
	int64_t		 discount;	/* promotional, goods and extra */
	int64_t		 extra_discount; /* part of it on extra costs */
	int64_t		 total;		/* subtotal + extra - discount */
	int64_t		 paid_by_vouchers;	/* value vouchers */
	int64_t		 due;		/* total - paid_by_vouchers */
	bool		 has_gift;
	struct basket_tax taxes[BASKET_RATES_MAX];	/* ascending rate */
	size_t		 ntaxes;
};

/*
 * Computes out from in; vouchers are taken as they are now (state and
 * validity are the store's business: see ops_check).  A voucher that
 * takes nothing gets its reason (9, 10, 21, 24).  Returns WS_ERR_LIMIT
 * for more lines or vouchers than the maxima, WS_ERR_INVALID for a
 * negative price or an amount beyond 10^13 cents.
 */
enum ws_status	basket_compute(const struct basket_in *in,
		    const struct voucher_conf *c, struct basket_out *out);
/* VAT contained in a gross amount at rate_bp, rounded half up. */
int64_t		basket_vat_of(int64_t gross, unsigned rate_bp);

#endif
