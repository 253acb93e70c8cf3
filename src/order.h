/*
 * order.h - an order placed in the shop, as stored in shop.db under
 * "o:<number>": what was bought and paid, the vouchers it redeemed and,
 * for gift vouchers bought, the amounts and (once the payment provider
 * confirmed the payment) the codes generated for them.
 */
#ifndef WS_ORDER_H
#define WS_ORDER_H

#include <stdint.h>

#include "basket.h"
#include "buf.h"
#include "shopconf.h"
#include "status.h"
#include "voucher.h"

#define ORDER_NUMBER_MAX	32
#define ORDER_GIFTS_MAX		10	/* gift vouchers in one order */
#define ORDER_MAIL_MAX		128
#define ORDER_TXN_MAX		64

enum order_state {
	ORDER_PLACED,		/* nothing to wait for */
	ORDER_AWAITING_PAYMENT,	/* gift vouchers: the callback is due */
	ORDER_PAID,		/* callback came; gift codes generated */
	ORDER_STATE__MAX
};

struct order {
	char			 number[ORDER_NUMBER_MAX + 1];
	char			 basket[VOUCHER_HOLDER_MAX + 1];
	char			 customer[SHOP_LOGIN_MAX + 1];
	char			 email[ORDER_MAIL_MAX + 1];
	int64_t			 created;
	enum order_state	 state;
	char			 payment[SHOP_ID_MAX + 1];	/* "" */
	int64_t			 subtotal;
	int64_t			 extra;
	int64_t			 discount;
	int64_t			 total;
	int64_t			 paid_by_vouchers;
	int64_t			 due;
	uint32_t		 ncodes;
	char			 codes[BASKET_VOUCHERS_MAX][VOUCHER_CODE_MAX + 1];
	int64_t			 code_amounts[BASKET_VOUCHERS_MAX];
	uint32_t		 ngifts;
	int64_t			 gift_amounts[ORDER_GIFTS_MAX];
	char			 gift_codes[ORDER_GIFTS_MAX][VOUCHER_CODE_MAX + 1];
	char			 transaction[ORDER_TXN_MAX + 1];
};

const char	*order_state_name(enum order_state s);
enum ws_status	order_encode(const struct order *o, struct buf *out);
enum ws_status	order_decode(const void *data, size_t len, struct order *o);
/* "o:<number>" */
void		order_key(const char *number, char *out, size_t size);

#endif
