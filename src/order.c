/*
 * order.c - the order record and its encoding (see order.h, record.h).
 */
#include <stdio.h>
#include <string.h>

#include "order.h"
#include "record.h"

#define ORDER_FORMAT	1

static const char *const state_names[ORDER_STATE__MAX] = {
	[ORDER_PLACED] = "placed",
	[ORDER_AWAITING_PAYMENT] = "awaiting-payment",
	[ORDER_PAID] = "paid",
};

const char *
order_state_name(enum order_state s)
{
	return (unsigned)s < ORDER_STATE__MAX ? state_names[s] : "unknown";
}

void
order_key(const char *number, char *out, size_t size)
{
	snprintf(out, size, "o:%s", number);
}

enum ws_status
order_encode(const struct order *o, struct buf *out)
{
	const int64_t money[] = { o->subtotal, o->extra, o->discount,
	    o->total, o->paid_by_vouchers, o->due };
	enum ws_status st;
	size_t i;

	buf_reset(out);
	st = buf_append_char(out, ORDER_FORMAT);
	if (st == WS_OK)
		st = rec_put_str(out, o->number);
	if (st == WS_OK)
		st = rec_put_str(out, o->basket);
	if (st == WS_OK)
		st = rec_put_str(out, o->customer);
	if (st == WS_OK)
		st = rec_put_str(out, o->email);
	if (st == WS_OK)
		st = rec_put_u64(out, (uint64_t)o->created);
	if (st == WS_OK)
		st = rec_put_u64(out, (uint64_t)o->state);
	if (st == WS_OK)
		st = rec_put_str(out, o->payment);
	for (i = 0; st == WS_OK && i < sizeof(money) / sizeof(money[0]); i++)
		st = rec_put_u64(out, (uint64_t)money[i]);
	if (st == WS_OK)
		st = rec_put_u64(out, o->ncodes);
	for (i = 0; st == WS_OK && i < o->ncodes; i++) {
		st = rec_put_str(out, o->codes[i]);
		if (st == WS_OK)
			st = rec_put_u64(out, (uint64_t)o->code_amounts[i]);
	}
	if (st == WS_OK)
		st = rec_put_u64(out, o->ngifts);
	for (i = 0; st == WS_OK && i < o->ngifts; i++) {
		st = rec_put_u64(out, (uint64_t)o->gift_amounts[i]);
		if (st == WS_OK)
			st = rec_put_str(out, o->gift_codes[i]);
	}
	if (st == WS_OK)
		st = rec_put_str(out, o->transaction);
	return st;
}

enum ws_status
order_decode(const void *data, size_t len, struct order *o)
{
	int64_t *money[] = { &o->subtotal, &o->extra, &o->discount,
	    &o->total, &o->paid_by_vouchers, &o->due };
	struct rec_reader r;
	uint64_t n, state;
	size_t i;

	memset(o, 0, sizeof(*o));
	if (data == NULL || len < 1 ||
	    *(const unsigned char *)data != ORDER_FORMAT)
		return WS_ERR_DB;
	rec_reader_init(&r, (const unsigned char *)data + 1, len - 1);
	rec_get_str(&r, o->number, sizeof(o->number));
	rec_get_str(&r, o->basket, sizeof(o->basket));
	rec_get_str(&r, o->customer, sizeof(o->customer));
	rec_get_str(&r, o->email, sizeof(o->email));
	o->created = (int64_t)rec_get_u64(&r);
	state = rec_get_u64(&r);
	if (state >= ORDER_STATE__MAX)
		r.bad = true;
	o->state = (enum order_state)state;
	rec_get_str(&r, o->payment, sizeof(o->payment));
	for (i = 0; i < sizeof(money) / sizeof(money[0]); i++)
		*money[i] = (int64_t)rec_get_u64(&r);
	n = rec_get_u64(&r);
	if (n > BASKET_VOUCHERS_MAX)
		r.bad = true;
	for (i = 0; !r.bad && i < n; i++) {
		rec_get_str(&r, o->codes[i], sizeof(o->codes[i]));
		o->code_amounts[i] = (int64_t)rec_get_u64(&r);
	}
	o->ncodes = (uint32_t)n;
	n = rec_get_u64(&r);
	if (n > ORDER_GIFTS_MAX)
		r.bad = true;
	for (i = 0; !r.bad && i < n; i++) {
		o->gift_amounts[i] = (int64_t)rec_get_u64(&r);
		rec_get_str(&r, o->gift_codes[i], sizeof(o->gift_codes[i]));
	}
	o->ngifts = (uint32_t)n;
	rec_get_str(&r, o->transaction, sizeof(o->transaction));
	if (!rec_done(&r)) {
		memset(o, 0, sizeof(*o));
		return WS_ERR_DB;
	}
	return WS_OK;
}
