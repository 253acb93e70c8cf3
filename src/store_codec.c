/*
 * store_codec.c - on-disk encoding of store records.
 */
#include <stdint.h>
#include <string.h>

#include "store_codec.h"

#define CODEC_VOUCHER_V	1
#define CODEC_LEDGER_V	1
#define CODEC_CHARGE_V	1
#define CODEC_HOLD_V	1

struct reader {
	const unsigned char	*p;
	size_t			 left;
	bool			 bad;
};

static enum ws_status
put_u64(struct buf *b, uint64_t v)
{
	unsigned char x[8];
	int i;

	for (i = 7; i >= 0; i--) {
		x[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	return buf_append(b, x, sizeof(x));
}

static enum ws_status
put_str(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	unsigned char x[2];
	enum ws_status st;

	if (n > UINT16_MAX)
		return WS_ERR_LIMIT;
	x[0] = (unsigned char)(n >> 8);
	x[1] = (unsigned char)(n & 0xff);
	st = buf_append(b, x, 2);
	if (st != WS_OK)
		return st;
	return buf_append(b, s, n);
}

static uint64_t
get_u64(struct reader *r)
{
	uint64_t v = 0;
	int i;

	if (r->left < 8) {
		r->bad = true;
		return 0;
	}
	for (i = 0; i < 8; i++)
		v = (v << 8) | r->p[i];
	r->p += 8;
	r->left -= 8;
	return v;
}

static void
get_str(struct reader *r, char *dst, size_t size)
{
	size_t n;

	dst[0] = '\0';
	if (r->left < 2) {
		r->bad = true;
		return;
	}
	n = ((size_t)r->p[0] << 8) | r->p[1];
	r->p += 2;
	r->left -= 2;
	if (n >= size || n > r->left || memchr(r->p, '\0', n) != NULL) {
		r->bad = true;
		return;
	}
	memcpy(dst, r->p, n);
	dst[n] = '\0';
	r->p += n;
	r->left -= n;
}

static unsigned
get_enum(struct reader *r, unsigned max)
{
	uint64_t v = get_u64(r);

	if (v >= max) {
		r->bad = true;
		return 0;
	}
	return (unsigned)v;
}

static enum ws_status
copy_key(char *dst, size_t size, const char *key, size_t len)
{
	if (len >= size || memchr(key, '\0', len) != NULL)
		return WS_ERR_DB;
	memcpy(dst, key, len);
	dst[len] = '\0';
	return WS_OK;
}

/* Encoders chain their appends; the first failure is what they return. */
#define TRY(x) do { enum ws_status st_ = (x); if (st_ != WS_OK) return st_; } \
	while (0)

enum ws_status
codec_voucher_encode(struct buf *out, const struct voucher *v)
{
	buf_reset(out);
	TRY(put_u64(out, CODEC_VOUCHER_V));
	TRY(put_str(out, v->charge_id));
	TRY(put_u64(out, (uint64_t)v->kind));
	TRY(put_u64(out, (uint64_t)v->type));
	TRY(put_u64(out, (uint64_t)v->amount_type));
	TRY(put_u64(out, (uint64_t)v->amount));
	TRY(put_u64(out, (uint64_t)v->balance));
	TRY(put_str(out, v->currency));
	TRY(put_u64(out, (uint64_t)v->min_order));
	TRY(put_u64(out, (uint64_t)v->valid_from));
	TRY(put_u64(out, (uint64_t)v->valid_until));
	TRY(put_u64(out, v->max_redemptions));
	TRY(put_u64(out, v->redeemed));
	TRY(put_u64(out, v->channels));
	TRY(put_u64(out, (uint64_t)v->state));
	TRY(put_str(out, v->bound_customer));
	TRY(put_str(out, v->products));
	TRY(put_str(out, v->categories));
	TRY(put_str(out, v->subshop));
	TRY(put_str(out, v->state_reason));
	TRY(put_u64(out, (uint64_t)v->created));
	TRY(put_u64(out, (uint64_t)v->updated));
	TRY(put_u64(out, v->ledger_seq));
	return WS_OK;
}

enum ws_status
codec_voucher_decode(const void *data, size_t len, const char *code,
    size_t code_len, struct voucher *v)
{
	struct reader r = { data, len, false };

	memset(v, 0, sizeof(*v));
	if (copy_key(v->code, sizeof(v->code), code, code_len) != WS_OK)
		return WS_ERR_DB;
	if (get_u64(&r) != CODEC_VOUCHER_V)
		return WS_ERR_DB;
	get_str(&r, v->charge_id, sizeof(v->charge_id));
	v->kind = (enum voucher_kind)get_enum(&r, VOUCHER_KIND__MAX);
	v->type = (enum voucher_type)get_enum(&r, VOUCHER_TYPE__MAX);
	v->amount_type = (enum voucher_amount_type)get_enum(&r,
	    VOUCHER_AMOUNT__MAX);
	v->amount = (int64_t)get_u64(&r);
	v->balance = (int64_t)get_u64(&r);
	get_str(&r, v->currency, sizeof(v->currency));
	v->min_order = (int64_t)get_u64(&r);
	v->valid_from = (int64_t)get_u64(&r);
	v->valid_until = (int64_t)get_u64(&r);
	v->max_redemptions = (uint32_t)get_u64(&r);
	v->redeemed = (uint32_t)get_u64(&r);
	v->channels = (uint32_t)get_u64(&r);
	v->state = (enum voucher_state)get_enum(&r, VOUCHER_STATE__MAX);
	get_str(&r, v->bound_customer, sizeof(v->bound_customer));
	get_str(&r, v->products, sizeof(v->products));
	get_str(&r, v->categories, sizeof(v->categories));
	get_str(&r, v->subshop, sizeof(v->subshop));
	get_str(&r, v->state_reason, sizeof(v->state_reason));
	v->created = (int64_t)get_u64(&r);
	v->updated = (int64_t)get_u64(&r);
	v->ledger_seq = get_u64(&r);
	return r.bad || r.left != 0 ? WS_ERR_DB : WS_OK;
}

enum ws_status
codec_ledger_encode(struct buf *out, const struct ledger_entry *e)
{
	buf_reset(out);
	TRY(put_u64(out, CODEC_LEDGER_V));
	TRY(put_u64(out, e->seq));
	TRY(put_u64(out, (uint64_t)e->at));
	TRY(put_u64(out, (uint64_t)e->op));
	TRY(put_u64(out, (uint64_t)e->delta));
	TRY(put_u64(out, (uint64_t)e->amount));
	TRY(put_u64(out, (uint64_t)e->balance_after));
	TRY(put_u64(out, e->redeemed_after));
	TRY(put_u64(out, e->channel));
	TRY(put_str(out, e->actor));
	TRY(put_str(out, e->reference));
	TRY(put_str(out, e->holder));
	TRY(put_str(out, e->note));
	return WS_OK;
}

enum ws_status
codec_ledger_decode(const void *data, size_t len, struct ledger_entry *e)
{
	struct reader r = { data, len, false };

	memset(e, 0, sizeof(*e));
	if (get_u64(&r) != CODEC_LEDGER_V)
		return WS_ERR_DB;
	e->seq = get_u64(&r);
	e->at = (int64_t)get_u64(&r);
	e->op = (enum ledger_op)get_enum(&r, LEDGER_OP__MAX);
	e->delta = (int64_t)get_u64(&r);
	e->amount = (int64_t)get_u64(&r);
	e->balance_after = (int64_t)get_u64(&r);
	e->redeemed_after = (uint32_t)get_u64(&r);
	e->channel = (uint32_t)get_u64(&r);
	get_str(&r, e->actor, sizeof(e->actor));
	get_str(&r, e->reference, sizeof(e->reference));
	get_str(&r, e->holder, sizeof(e->holder));
	get_str(&r, e->note, sizeof(e->note));
	return r.bad || r.left != 0 ? WS_ERR_DB : WS_OK;
}

enum ws_status
codec_charge_encode(struct buf *out, const struct charge *c)
{
	buf_reset(out);
	TRY(put_u64(out, CODEC_CHARGE_V));
	TRY(put_str(out, c->creator));
	TRY(put_str(out, c->label));
	TRY(put_u64(out, (uint64_t)c->created));
	TRY(put_u64(out, c->count));
	TRY(put_u64(out, c->complete ? 1 : 0));
	return WS_OK;
}

enum ws_status
codec_charge_decode(const void *data, size_t len, const char *id,
    size_t id_len, struct charge *c)
{
	struct reader r = { data, len, false };

	memset(c, 0, sizeof(*c));
	if (copy_key(c->id, sizeof(c->id), id, id_len) != WS_OK)
		return WS_ERR_DB;
	if (get_u64(&r) != CODEC_CHARGE_V)
		return WS_ERR_DB;
	get_str(&r, c->creator, sizeof(c->creator));
	get_str(&r, c->label, sizeof(c->label));
	c->created = (int64_t)get_u64(&r);
	c->count = get_u64(&r);
	c->complete = get_enum(&r, 2) == 1;
	return r.bad || r.left != 0 ? WS_ERR_DB : WS_OK;
}

enum ws_status
codec_hold_encode(struct buf *out, const struct hold *h)
{
	buf_reset(out);
	TRY(put_u64(out, CODEC_HOLD_V));
	TRY(put_str(out, h->code));
	TRY(put_str(out, h->holder));
	TRY(put_u64(out, (uint64_t)h->kind));
	TRY(put_u64(out, (uint64_t)h->amount));
	TRY(put_u64(out, (uint64_t)h->created));
	TRY(put_u64(out, (uint64_t)h->expires));
	TRY(put_u64(out, h->channel));
	TRY(put_str(out, h->customer));
	return WS_OK;
}

enum ws_status
codec_hold_decode(const void *data, size_t len, struct hold *h)
{
	struct reader r = { data, len, false };

	memset(h, 0, sizeof(*h));
	if (get_u64(&r) != CODEC_HOLD_V)
		return WS_ERR_DB;
	get_str(&r, h->code, sizeof(h->code));
	get_str(&r, h->holder, sizeof(h->holder));
	h->kind = (enum hold_kind)get_enum(&r, HOLD_KIND__MAX);
	h->amount = (int64_t)get_u64(&r);
	h->created = (int64_t)get_u64(&r);
	h->expires = (int64_t)get_u64(&r);
	h->channel = (uint32_t)get_u64(&r);
	get_str(&r, h->customer, sizeof(h->customer));
	return r.bad || r.left != 0 ? WS_ERR_DB : WS_OK;
}

/* --- names (shown by the CLI, the API and the admin pages) ----------------- */

static const char *const ledger_op_names[LEDGER_OP__MAX] = {
	[LEDGER_ISSUE] = "issue",
	[LEDGER_RESERVE] = "reserve",
	[LEDGER_RELEASE] = "release",
	[LEDGER_EXPIRE_HOLD] = "expire-hold",
	[LEDGER_ACTIVATE] = "activate",
	[LEDGER_UNCOUNT] = "uncount",
	[LEDGER_REDEEM] = "redeem",
	[LEDGER_FORFEIT] = "forfeit",
	[LEDGER_TOPUP] = "topup",
	[LEDGER_INVALIDATE] = "invalidate",
	[LEDGER_ADJUST] = "adjust",
	[LEDGER_DELETE] = "delete",
	[LEDGER_BIND] = "bind",
};

const char *
ledger_op_name(enum ledger_op op)
{
	if ((unsigned)op >= LEDGER_OP__MAX)
		return "unknown";
	return ledger_op_names[op];
}

const char *
hold_kind_name(enum hold_kind k)
{
	return k == HOLD_RESERVATION ? "reservation" :
	    k == HOLD_ACTIVATION ? "activation" : "unknown";
}
