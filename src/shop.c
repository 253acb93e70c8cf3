/*
 * shop.c - the shop's pages and actions (see shop.h and doc/shop.md).
 *
 * Sessions: the cookie holds 128 random bits; the CSRF token of a form is
 * HMAC(shop key, "csrf:" id), so a session needs no store record until
 * its first action, and a token cannot be made for another visitor's id.
 *
 * Voucher operations are ops.c's and run in their own transactions; the
 * session is written after them.  Placing an order is one transaction:
 * the vouchers' redemptions, the order, the customer's order count and
 * the emptied basket commit together or not at all.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "basket.h"
#include "clock.h"
#include "form.h"
#include "hmac.h"
#include "kvexpire.h"
#include "mail.h"
#include "num.h"
#include "ops.h"
#include "passwd.h"
#include "order.h"
#include "record.h"
#include "rules.h"
#include "session.h"
#include "shop.h"

#define KEY_SERVER	"k:server"
#define KEY_ORDER_SEQ	"n:order"
#define VOUCHER_FIELD	"WS-VoucherNumber"
#define ACTOR_WEB	"webshop"
#define ORDER_PAGE	"ws_order_done.htm"
#define GIFT_CHARGE	"WEBSHOP-GIFT"

/* Reasons that tell a guesser something: they count as failed attempts. */
static bool
is_guess_failure(unsigned reason)
{
	switch (reason) {
	case REASON_UNKNOWN:
	case REASON_NOT_YET_VALID:
	case REASON_EXPIRED:
	case REASON_USED_UP:
	case REASON_INVALIDATED:
	case REASON_EXTERNAL_NOT_ALLOWED:
		return true;
	default:
		return false;
	}
}

void
shop_response_init(struct http_response *rs)
{
	memset(rs, 0, sizeof(*rs));
	buf_init(&rs->headers);
	buf_init(&rs->body);
}

void
shop_response_free(struct http_response *rs)
{
	buf_free(&rs->headers);
	buf_free(&rs->body);
}

static void
status_set(struct http_response *rs, const char *status)
{
	snprintf(rs->status, sizeof(rs->status), "%s", status);
}

/* A small page of ours (errors): title and text are our own, no markup. */
static void
plain_page(struct http_response *rs, const char *status, const char *title,
    const char *text)
{
	status_set(rs, status);
	rs->content_type = "text/html; charset=utf-8";
	buf_reset(&rs->body);
	buf_printf(&rs->body, "<!DOCTYPE html>\n<html lang=\"de\"><head>"
	    "<meta charset=\"utf-8\"><title>%s</title></head><body>"
	    "<h1>%s</h1><p>%s</p><p><a href=\"ws_start.htm\">Zur "
	    "Startseite</a></p></body></html>\n", title, title, text);
}

static void
text_reply(struct http_response *rs, const char *status, const char *text)
{
	status_set(rs, status);
	rs->content_type = "text/plain; charset=utf-8";
	buf_reset(&rs->body);
	buf_append_str(&rs->body, text);
	buf_append_char(&rs->body, '\n');
}

static void
store_trouble(struct shop_env *e, struct http_response *rs,
    enum ws_status st, const char *what)
{
	if (st == WS_ERR_RECOVER)
		e->reopen = true;
	e->log("%s: store: %s", what, ws_status_str(st));
	plain_page(rs, "503 Service Unavailable", "Bitte noch einmal",
	    "Der Shop kann Ihre Anfrage gerade nicht bearbeiten; es wurde "
	    "nichts geändert. Bitte versuchen Sie es gleich noch einmal.");
}

/* --- the shop key and CSRF tokens ------------------------------------------ */

struct key_arg {
	uint8_t		*key;
	struct buf	 b;
};

static enum ws_status
key_body(struct store_txn *t, void *arg)
{
	struct key_arg *a = arg;
	enum ws_status st;
	size_t got = 0;
	ssize_t r;

	st = store_kv_get(t, KEY_SERVER, &a->b, true);
	if (st == WS_OK && a->b.len == SHOP_KEY_LEN) {
		memcpy(a->key, a->b.data, SHOP_KEY_LEN);
		return WS_OK;
	}
	if (st != WS_ERR_NOTFOUND)
		return st == WS_OK ? WS_ERR_DB : st;
	while (got < SHOP_KEY_LEN) {
		r = getrandom(a->key + got, SHOP_KEY_LEN - got, 0);
		if (r < 0)
			return WS_ERR_IO;
		got += (size_t)r;
	}
	return store_kv_put(t, KEY_SERVER, a->key, SHOP_KEY_LEN);
}

enum ws_status
shop_env_init(struct shop_env *e)
{
	struct key_arg a;
	enum ws_status st;
	unsigned i;

	a.key = e->key;
	buf_init(&a.b);
	st = store_txn_run(e->store, key_body, &a);
	buf_free(&a.b);
	if (st != WS_OK)
		return st;
	e->nproducts = 0;
	for (i = 0; i < e->shop->nproducts; i++) {
		const struct product *p = &e->shop->products[i];
		struct tmpl_product *tp = &e->products[e->nproducts++];

		tp->id = p->id;
		tp->name = p->name;
		tp->price = p->price;
		tp->vat_bp = p->vat_bp;
		tp->eligible = p->kind == PRODUCT_ELIGIBLE;
		tp->gift = p->kind == PRODUCT_GIFT;
	}
	return WS_OK;
}

static void
csrf_token(const struct shop_env *e, const char *sid, char out[65])
{
	uint8_t mac[SHA256_DIGEST_LEN];
	char msg[8 + SESSION_ID_LEN];

	snprintf(msg, sizeof(msg), "csrf:%s", sid);
	hmac_sha256(e->key, SHOP_KEY_LEN, msg, strlen(msg), mac);
	hex_encode(mac, sizeof(mac), out);
}

void
shop_callback_sign(const char *secret, const char *msg, char out[65])
{
	uint8_t mac[SHA256_DIGEST_LEN];

	hmac_sha256(secret, strlen(secret), msg, strlen(msg), mac);
	hex_encode(mac, sizeof(mac), out);
}

/* --- session storage --------------------------------------------------------- */

struct sess_arg {
	const char	*id;
	struct session	*s;
	struct buf	 b;
	bool		 found;
};

static enum ws_status
sess_load_body(struct store_txn *t, void *arg)
{
	struct sess_arg *a = arg;
	char key[STORE_KV_KEY_MAX + 1];
	enum ws_status st;

	a->found = false;
	session_key(a->id, key, sizeof(key));
	st = store_kv_get(t, key, &a->b, false);
	if (st == WS_ERR_NOTFOUND)
		return WS_OK;
	if (st != WS_OK)
		return st;
	st = session_decode(a->b.data, a->b.len, a->s);
	a->found = st == WS_OK;
	return st == WS_ERR_DB ? WS_OK : st;	/* a damaged one: start anew */
}

static enum ws_status
sess_write(struct store_txn *t, const struct session *s, struct buf *b,
    bool create)
{
	char key[STORE_KV_KEY_MAX + 1];
	enum ws_status st;

	if ((st = session_encode(s, b)) != WS_OK)
		return st;
	session_key(s->id, key, sizeof(key));
	if (create)
		return store_kv_add(t, key, b->data, b->len);
	return store_kv_put(t, key, b->data, b->len);
}

static enum ws_status
sess_put(struct store_txn *t, const struct session *s, struct buf *b)
{
	return sess_write(t, s, b, false);
}

struct sess_save {
	const struct session	*s;
	struct buf		 b;
};

static enum ws_status
sess_save_body(struct store_txn *t, void *arg)
{
	struct sess_save *a = arg;

	return sess_put(t, a->s, &a->b);
}

static enum ws_status
sess_save(struct shop_env *e, const struct session *s)
{
	struct sess_save a = { s, BUF_INIT };
	enum ws_status st;

	st = store_txn_run(e->store, sess_save_body, &a);
	buf_free(&a.b);
	return st;
}

/*
 * The visitor's session: the stored one for a good cookie that is not
 * too old, else a fresh one (*fresh; not stored until an action).
 */
static enum ws_status
sess_get(struct shop_env *e, const struct http_request *rq,
    struct session *s, bool *fresh)
{
	char id[SESSION_ID_LEN + 1];
	struct sess_arg a;
	enum ws_status st;
	int64_t now = clock_now();

	*fresh = true;
	if (form_cookie(rq->cookie, SHOP_COOKIE, id, sizeof(id)) &&
	    session_id_ok(id)) {
		a.id = id;
		a.s = s;
		buf_init(&a.b);
		st = store_read_run(e->store, sess_load_body, &a);
		buf_free(&a.b);
		if (st != WS_OK)
			return st;
		if (a.found && s->seen + (int64_t)e->shop->session_hours *
		    3600 > now) {
			*fresh = false;
			return WS_OK;
		}
		/* a token minted for this id proves the cookie is ours */
		st = session_init(s, now);
		if (st == WS_OK)
			memcpy(s->id, id, sizeof(s->id));
		return st;
	}
	return session_init(s, now);
}

/* Secure once the shop is reached over HTTPS (the server says so). */
static void
set_cookie(struct http_response *rs, const struct http_request *rq,
    const char *id)
{
	buf_printf(&rs->headers, "Set-Cookie: " SHOP_COOKIE "=%s; Path=/; "
	    "HttpOnly; SameSite=Lax%s\r\n", id, rq->https ? "; Secure" : "");
}

/* --- failed attempts per client address --------------------------------------- */

struct addr_arg {
	const char	*prefix;	/* "a:" codes and logins, "al:" admin */
	const char	*addr;
	int64_t		 now;
	int64_t		 window;
	bool		 add;		/* count one more failure */
	uint64_t	 count;		/* out: failures in the window */
	struct buf	 b;
};

static enum ws_status
addr_body(struct store_txn *t, void *arg)
{
	struct addr_arg *a = arg;
	char key[STORE_KV_KEY_MAX + 1];
	struct rec_reader r;
	struct buf out = BUF_INIT;
	uint64_t since = 0;
	enum ws_status st;

	a->count = 0;
	snprintf(key, sizeof(key), "%s%.100s", a->prefix, a->addr);
	st = store_kv_get(t, key, &a->b, a->add);
	if (st == WS_OK) {
		rec_reader_init(&r, a->b.data, a->b.len);
		a->count = rec_get_u64(&r);
		since = rec_get_u64(&r);
		if (!rec_done(&r) || (int64_t)since + a->window <= a->now) {
			a->count = 0;
			since = (uint64_t)a->now;
		}
	} else if (st == WS_ERR_NOTFOUND) {
		since = (uint64_t)a->now;
	} else {
		return st;
	}
	if (!a->add)
		return WS_OK;
	a->count++;
	st = rec_put_u64(&out, a->count);
	if (st == WS_OK)
		st = rec_put_u64(&out, since);
	if (st == WS_OK)
		st = store_kv_put(t, key, out.data, out.len);
	buf_free(&out);
	return st;
}

enum ws_status
shop_failures(struct shop_env *e, const char *prefix, const char *addr,
    bool add, uint64_t *n)
{
	struct addr_arg a;
	enum ws_status st;

	memset(&a, 0, sizeof(a));
	a.prefix = prefix;
	a.addr = addr != NULL && addr[0] != '\0' ? addr : "unknown";
	a.now = clock_now();
	a.window = (int64_t)e->conf->attempts_window_minutes * 60;
	a.add = add;
	buf_init(&a.b);
	st = add ? store_txn_run(e->store, addr_body, &a) :
	    store_read_run(e->store, addr_body, &a);
	buf_free(&a.b);
	*n = a.count;
	return st;
}

static enum ws_status
addr_failures(struct shop_env *e, const char *addr, bool add, uint64_t *n)
{
	return shop_failures(e, "a:", addr, add, n);
}

/* --- customers ------------------------------------------------------------------ */

/*
 * "c:LOGIN" holds the customer's orders in the store: all of them, then
 * the completed ones (placed with nothing to wait for, or paid).
 */
struct order_counts {
	uint64_t	 all;
	uint64_t	 completed;
};

static enum ws_status
counts_decode(const struct buf *b, struct order_counts *oc)
{
	struct rec_reader r;

	rec_reader_init(&r, b->data, b->len);
	oc->all = rec_get_u64(&r);
	/* records of before NewCustomerDefinition held all only: count
	 * those orders as completed (a customer with orders is not new) */
	oc->completed = r.left > 0 ? rec_get_u64(&r) : oc->all;
	return rec_done(&r) && oc->completed <= oc->all ? WS_OK : WS_ERR_DB;
}

static enum ws_status
counts_add(struct store_txn *t, const char *login, struct buf *b,
    unsigned all, unsigned completed)
{
	char key[STORE_KV_KEY_MAX + 1];
	struct order_counts oc = { 0, 0 };
	struct buf enc = BUF_INIT;
	enum ws_status st;

	snprintf(key, sizeof(key), "c:%s", login);
	st = store_kv_get(t, key, b, true);
	if (st == WS_OK)
		st = counts_decode(b, &oc);
	else if (st == WS_ERR_NOTFOUND)
		st = WS_OK;
	if (st != WS_OK)
		return st;
	oc.all += all;
	oc.completed += completed;
	st = rec_put_u64(&enc, oc.all);
	if (st == WS_OK)
		st = rec_put_u64(&enc, oc.completed);
	if (st == WS_OK)
		st = store_kv_put(t, key, enc.data, enc.len);
	buf_free(&enc);
	return st;
}

struct count_arg {
	const char		*login;
	struct order_counts	 n;
	struct buf		 b;
};

static enum ws_status
count_body(struct store_txn *t, void *arg)
{
	struct count_arg *a = arg;
	char key[STORE_KV_KEY_MAX + 1];
	enum ws_status st;

	memset(&a->n, 0, sizeof(a->n));
	snprintf(key, sizeof(key), "c:%s", a->login);
	st = store_kv_get(t, key, &a->b, false);
	if (st == WS_ERR_NOTFOUND)
		return WS_OK;
	if (st != WS_OK)
		return st;
	return counts_decode(&a->b, &a->n);
}

/*
 * Is the customer new?  NewCustomerDefinition: no order at all, or no
 * completed one; the orders of the account before this shop (config)
 * count as completed.
 */
static enum ws_status
customer_is_new(struct shop_env *e, const struct customer *c, bool *is_new)
{
	struct count_arg a = { c->login, { 0, 0 }, BUF_INIT };
	enum ws_status st;

	*is_new = false;
	if (c->previous_orders > 0)
		return WS_OK;
	st = store_read_run(e->store, count_body, &a);
	buf_free(&a.b);
	if (st != WS_OK)
		return st;
	*is_new = e->conf->new_customer_definition ==
	    CONF_NEWCUST_NO_COMPLETED ? a.n.completed == 0 : a.n.all == 0;
	return WS_OK;
}

static const struct customer *
session_customer(const struct shop_env *e, const struct session *s)
{
	return s->customer[0] != '\0' ?
	    shopconf_customer(e->shop, s->customer) : NULL;
}

/* How many vouchers this visitor may have in one basket. */
static unsigned
voucher_limit(const struct shop_env *e, const struct customer *c)
{
	switch (e->conf->multi_voucher_allow) {
	case CONF_MULTI_YES:
		return e->conf->multi_voucher_max;
	case CONF_MULTI_TEST:
		return c != NULL && c->test ? e->conf->multi_voucher_max : 1;
	default:
		return 1;
	}
}

/* --- the basket ------------------------------------------------------------------- */

struct view {
	struct basket_line_in	 in[BASKET_LINES_MAX];
	struct tmpl_line	 lines[BASKET_LINES_MAX];
	size_t			 nlines;
	struct voucher		 v[BASKET_VOUCHERS_MAX];
	struct tmpl_voucher	 tv[BASKET_VOUCHERS_MAX];
	bool			 own[BASKET_VOUCHERS_MAX];	/* live hold */
	bool			 other[BASKET_VOUCHERS_MAX];	/* someone's */
	size_t			 nv;
	struct voucher		 use[BASKET_VOUCHERS_MAX];	/* computed */
	size_t			 use_at[BASKET_VOUCHERS_MAX];
	struct basket_out	 out;
	struct tmpl_tax		 taxes[BASKET_RATES_MAX];
	struct tmpl_basket	 tb;
};

struct vload_arg {
	const struct session	*s;
	struct view		*w;
};

static enum ws_status
hold_of_basket(const struct hold *h, void *arg)
{
	struct tmpl_voucher *tv = arg;

	if (h->expires > clock_now() && h->kind == HOLD_RESERVATION) {
		tv->reserved = true;
		if (h->expires > tv->reserved_until)
			tv->reserved_until = h->expires;
	}
	return WS_OK;
}

struct hold_look {
	const char		*holder;
	int64_t			 now;
	bool			 own;
	bool			 other;
	struct tmpl_voucher	*tv;
};

static enum ws_status
hold_look_one(const struct hold *h, void *arg)
{
	struct hold_look *l = arg;

	if (h->expires <= l->now)
		return WS_OK;
	if (strcmp(h->holder, l->holder) == 0)
		l->own = true;
	else
		l->other = true;
	return hold_of_basket(h, l->tv);
}

/*
 * Reads the basket's vouchers (inside a transaction of the caller's) and
 * whose live holds are on them: a code whose reservation ran out and was
 * then taken by another basket no longer belongs to this one (19).
 */
static enum ws_status
vouchers_read(struct store_txn *t, const struct session *s, struct view *w,
    bool for_update)
{
	struct hold_look look;
	enum ws_status st;
	uint32_t i;

	w->nv = 0;
	for (i = 0; i < s->ncodes; i++) {
		struct tmpl_voucher *tv = &w->tv[w->nv];

		memset(tv, 0, sizeof(*tv));
		st = store_voucher_get(t, s->codes[i], &w->v[w->nv],
		    for_update);
		if (st == WS_ERR_NOTFOUND)
			continue;	/* deleted by an import: gone */
		if (st != WS_OK)
			return st;
		tv->exists = true;
		tv->v = w->v[w->nv];
		memset(&look, 0, sizeof(look));
		look.holder = s->basket;
		look.now = clock_now();
		look.tv = tv;
		st = store_hold_each(t, s->codes[i], hold_look_one, &look);
		if (st != WS_OK)
			return st;
		w->own[w->nv] = look.own;
		w->other[w->nv] = look.other;
		w->nv++;
	}
	return WS_OK;
}

static enum ws_status
vload_body(struct store_txn *t, void *arg)
{
	struct vload_arg *a = arg;

	return vouchers_read(t, a->s, a->w, false);
}

/* Lines of the session that are still in the catalog, and the money. */
static enum ws_status
view_compute(const struct shop_env *e, const struct session *s,
    struct view *w)
{
	const struct payment_method *pm;
	struct basket_in in;
	enum ws_status st;
	int64_t goods = 0;
	size_t i, k;
	bool show;

	w->nlines = 0;
	for (i = 0; i < s->nlines; i++) {
		const struct product *p = shopconf_product(e->shop,
		    s->lines[i].product);
		struct basket_line_in *bl = &w->in[w->nlines];
		struct tmpl_line *tl = &w->lines[w->nlines];

		if (p == NULL)
			continue;	/* gone from the catalog */
		bl->unit_price = p->price;
		bl->quantity = s->lines[i].quantity;
		bl->vat_bp = p->vat_bp;
		bl->eligible = p->kind == PRODUCT_ELIGIBLE;
		bl->gift = p->kind == PRODUCT_GIFT;
		memset(tl, 0, sizeof(*tl));
		tl->id = p->id;
		tl->name = p->name;
		tl->quantity = s->lines[i].quantity;
		tl->unit_price = p->price;
		tl->eligible = bl->eligible;
		tl->gift = bl->gift;
		tl->vat_bp = p->vat_bp;
		if (!bl->gift)
			goods += p->price * (int64_t)s->lines[i].quantity;
		w->nlines++;
	}
	memset(&in, 0, sizeof(in));
	in.lines = w->in;
	in.nlines = w->nlines;
	/* gift vouchers travel by mail: no shipping for them alone */
	in.shipping = goods > 0 ? shopconf_shipping(e->shop, goods) : 0;
	in.shipping_vat_bp = e->shop->shipping_vat_bp;
	pm = shopconf_payment(e->shop, s->payment);
	in.payment_fee = pm != NULL ? pm->fee : 0;
	/* a code another basket holds now takes nothing from this one */
	for (i = 0, k = 0; i < w->nv; i++) {
		if (!w->own[i] && w->other[i])
			continue;
		w->use[k] = w->v[i];
		w->use_at[k++] = i;
	}
	in.vouchers = w->use;
	in.nvouchers = k;
	{
		struct basket_out o;

		st = basket_compute(&in, e->conf, &o);
		if (st != WS_OK)
			return st;
		w->out = o;
		memset(w->out.deduction, 0, sizeof(w->out.deduction));
		memset(w->out.reason, 0, sizeof(w->out.reason));
		for (i = 0; i < w->nv; i++)
			w->out.reason[i] = REASON_RESERVED_ELSEWHERE;
		for (i = 0; i < k; i++) {
			w->out.deduction[w->use_at[i]] = o.deduction[i];
			w->out.reason[w->use_at[i]] = o.reason[i];
		}
	}
	/* the share of each line only where a percentage voucher takes
	 * something and the operator wants it shown */
	show = false;
	for (i = 0; i < w->nv && e->conf->show_percent_per_position; i++)
		show = show || (w->v[i].amount_type ==
		    VOUCHER_AMOUNT_PERCENT && w->out.deduction[i] > 0);
	for (i = 0; i < w->nlines; i++) {
		w->lines[i].line_price = w->out.line_price[i];
		w->lines[i].discount = show ? w->out.line_discount[i] : 0;
	}
	for (i = 0; i < w->nv; i++) {
		w->tv[i].deduction = w->out.deduction[i];
		w->tv[i].reason = w->out.reason[i];
	}
	for (i = 0; i < w->out.ntaxes; i++) {
		w->taxes[i].rate_bp = w->out.taxes[i].rate_bp;
		w->taxes[i].gross = w->out.taxes[i].gross;
		w->taxes[i].tax = w->out.taxes[i].tax;
	}
	memset(&w->tb, 0, sizeof(w->tb));
	w->tb.lines = w->lines;
	w->tb.nlines = w->nlines;
	w->tb.vouchers = w->tv;
	w->tb.nvouchers = w->nv;
	w->tb.subtotal = w->out.subtotal;
	w->tb.extra_costs = w->out.extra;
	w->tb.discount = w->out.discount;
	w->tb.total = w->out.total;
	w->tb.paid_by_vouchers = w->out.paid_by_vouchers;
	w->tb.due = w->out.due;
	w->tb.shipping = in.shipping;
	w->tb.payment_fee = w->out.payment_fee;
	w->tb.has_gift = w->out.has_gift;
	w->tb.taxes = w->taxes;
	w->tb.ntaxes = w->out.ntaxes;
	memcpy(w->tb.currency, e->conf->currency, sizeof(w->tb.currency));
	return WS_OK;
}

static enum ws_status
view_load(struct shop_env *e, const struct session *s, struct view *w)
{
	struct vload_arg a = { s, w };
	enum ws_status st;

	st = store_read_run(e->store, vload_body, &a);
	if (st != WS_OK)
		return st;
	return view_compute(e, s, w);
}

/* What ops.c needs to know of visitor and basket. */
static void
ctx_fill(const struct shop_env *e, const struct session *s,
    const struct view *w, const struct customer *c, bool is_new,
    struct ops_ctx *ctx)
{
	ops_ctx_init(ctx);
	ctx->channel = VOUCHER_CHANNEL_WEB;
	ctx->holder = s->basket;
	ctx->customer = c != NULL ? c->login : "";
	ctx->customer_is_new = is_new;
	ctx->actor = ACTOR_WEB;
	memcpy(ctx->basket.currency, e->conf->currency,
	    sizeof(ctx->basket.currency));
	/* what the vouchers already in the basket leave over */
	ctx->basket.eligible = w->out.eligible -
	    (w->out.discount - w->out.extra_discount);
	ctx->basket.extra = w->out.extra - w->out.extra_discount;
	ctx->basket.goods = w->out.eligible;
	/* promotional vouchers come before money: the total, not the due */
	ctx->basket.due = w->out.total;
	ctx->basket.has_gift_product = w->out.has_gift;
	ctx->basket.customer_discount = c != NULL && c->discount;
}

/* --- VOUCHER-LoadData --------------------------------------------------------- */

struct load_arg {
	const char		*code;
	int64_t			 now;
	struct tmpl_voucher	*out;
};

static enum ws_status
load_body(struct store_txn *t, void *arg)
{
	struct load_arg *a = arg;
	struct charge ch;
	enum ws_status st;

	memset(a->out, 0, sizeof(*a->out));
	st = store_voucher_get(t, a->code, &a->out->v, false);
	if (st == WS_ERR_NOTFOUND)
		return WS_OK;		/* DataExists stays unset */
	if (st != WS_OK)
		return st;
	a->out->exists = true;
	if (a->out->v.charge_id[0] != '\0') {
		st = store_charge_get(t, a->out->v.charge_id, &ch);
		if (st == WS_OK) {
			memcpy(a->out->charge_creator, ch.creator,
			    sizeof(ch.creator));
			memcpy(a->out->charge_label, ch.label,
			    sizeof(ch.label));
		} else if (st != WS_ERR_NOTFOUND) {
			return st;
		}
	}
	return store_hold_each(t, a->code, hold_of_basket, a->out);
}

static enum ws_status
load_voucher(void *arg, const char *typed, struct tmpl_voucher *out)
{
	struct shop_env *e = arg;
	char code[VOUCHER_CODE_MAX + 1];
	struct load_arg a;
	enum codegen_class cls;
	enum ws_status st;

	memset(out, 0, sizeof(*out));
	cls = codegen_classify(e->codegen, typed, strlen(typed), code,
	    sizeof(code));
	if (cls == CODEGEN_EMPTY || cls == CODEGEN_MALFORMED ||
	    cls == CODEGEN_BAD_CHECK)
		return WS_OK;		/* no such voucher can exist */
	a.code = code;
	a.now = clock_now();
	a.out = out;
	st = store_read_run(e->store, load_body, &a);
	if (st == WS_ERR_RECOVER)
		e->reopen = true;
	return st;
}

/* --- rendering ------------------------------------------------------------- */

struct order_view {
	struct order		 o;
	struct tmpl_order	 t;
	char			 label[SHOP_NAME_MAX + 1];
	bool			 found;
	struct buf		 b;
};

static enum ws_status
order_load_body(struct store_txn *t, void *arg)
{
	struct order_view *a = arg;
	char key[STORE_KV_KEY_MAX + 1];
	enum ws_status st;

	a->found = false;
	order_key(a->o.number, key, sizeof(key));
	st = store_kv_get(t, key, &a->b, false);
	if (st == WS_ERR_NOTFOUND)
		return WS_OK;
	if (st != WS_OK)
		return st;
	st = order_decode(a->b.data, a->b.len, &a->o);
	a->found = st == WS_OK;
	return st;
}

static void
render_page(struct shop_env *e, const struct http_request *rq,
    struct session *s, bool fresh, struct http_response *rs)
{
	const struct customer *c = session_customer(e, s);
	struct tmpl_payment pays[SHOP_PAYMENTS_MAX];
	struct order_view *ov = NULL;
	struct tmpl_shop shop;
	struct tmpl_data data;
	const struct tmpl *t;
	struct view *w;
	struct diags d;
	struct buf err = BUF_INIT;
	char token[65];
	enum ws_status st;
	bool is_new = false, head = strcmp(rq->method, "HEAD") == 0;
	unsigned i;

	diags_init(&d);
	st = tmpl_cache_get(e->cache, rq->page, &t, &d);
	if (st == WS_ERR_IO) {
		diags_free(&d);
		plain_page(rs, "404 Not Found", "Seite nicht gefunden",
		    "Diese Seite gibt es nicht.");
		return;
	}
	if (st != WS_OK) {
		for (i = 0; i < d.n; i++)
			e->log("template %s:%u:%u: %s", d.items[i].path,
			    d.items[i].line, d.items[i].col, d.items[i].text);
		diags_free(&d);
		plain_page(rs, "500 Internal Server Error", "Fehler",
		    "Die Seite kann gerade nicht angezeigt werden.");
		return;
	}
	diags_free(&d);
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		plain_page(rs, "503 Service Unavailable", "Fehler",
		    "Zu viele Anfragen; bitte versuchen Sie es gleich noch "
		    "einmal.");
		return;
	}
	st = view_load(e, s, w);
	if (st == WS_OK && c != NULL)
		st = customer_is_new(e, c, &is_new);
	if (st == WS_OK && s->last_order[0] != '\0' &&
	    strcmp(rq->page, ORDER_PAGE) == 0) {
		if ((ov = calloc(1, sizeof(*ov))) == NULL) {
			st = WS_ERR_NOMEM;
		} else {
			memcpy(ov->o.number, s->last_order,
			    sizeof(s->last_order));
			st = store_read_run(e->store, order_load_body, ov);
		}
	}
	if (st != WS_OK) {
		store_trouble(e, rs, st, rq->page);
		goto out;
	}
	memset(&shop, 0, sizeof(shop));
	shop.products = e->products;
	shop.nproducts = e->nproducts;
	for (i = 0; i < e->shop->npay; i++) {
		const struct payment_method *pm = &e->shop->pay[i];

		pays[i].name = pm->name;
		pays[i].label = pm->label;
		pays[i].fee = pm->fee;
		pays[i].selected = strcmp(pm->name, s->payment) == 0;
		pays[i].allowed = !w->out.has_gift || pm->online;
	}
	shop.payments = pays;
	shop.npayments = e->shop->npay;
	if (c != NULL) {
		shop.customer_login = c->login;
		shop.customer_name = c->name;
		shop.customer_is_new = is_new;
	}
	shop.notice = s->flash_notice;
	shop.login_failed = s->flash_login_failed;
	shop.voucher_limit = voucher_limit(e, c);
	if (ov != NULL && ov->found) {
		const struct payment_method *pm = shopconf_payment(e->shop,
		    ov->o.payment);

		ov->t.number = ov->o.number;
		ov->t.total = ov->o.total;
		ov->t.paid_by_vouchers = ov->o.paid_by_vouchers;
		ov->t.due = ov->o.due;
		ov->t.payment_label = pm != NULL ? pm->label : "";
		ov->t.awaiting_payment = ov->o.state == ORDER_AWAITING_PAYMENT;
		ov->t.has_gift = ov->o.ngifts > 0;
		ov->t.mail_to = ov->o.email;
		shop.order = &ov->t;
	}
	csrf_token(e, s->id, token);
	memset(&data, 0, sizeof(data));
	data.conf = e->conf;
	data.basket = &w->tb;
	data.error_reason = s->flash_reason;
	data.csrf_token = token;
	data.voucher_field = VOUCHER_FIELD;
	data.load_voucher = load_voucher;
	data.load_arg = e;
	data.shop = &shop;
	st = tmpl_render(t, &data, &rs->body, &err);
	if (st != WS_OK) {
		e->log("%s: %s", rq->page, buf_cstr(&err));
		if (st == WS_ERR_RECOVER)
			e->reopen = true;
		buf_reset(&rs->body);
		plain_page(rs, e->reopen ? "503 Service Unavailable" :
		    "500 Internal Server Error", "Fehler", "Die Seite kann "
		    "gerade nicht angezeigt werden.");
		goto out;
	}
	status_set(rs, "200 OK");
	rs->content_type = "text/html; charset=utf-8";
	if (fresh)
		set_cookie(rs, rq, s->id);
	/* the one-shot message is shown: forget it (not for HEAD) */
	if (!fresh && !head && (s->flash_reason != 0 ||
	    s->flash_notice[0] != '\0' || s->flash_login_failed)) {
		s->flash_reason = 0;
		s->flash_notice[0] = '\0';
		s->flash_login_failed = false;
		st = sess_save(e, s);
		if (st != WS_OK)
			e->log("%s: clearing the message: %s", rq->page,
			    ws_status_str(st));
	}
out:
	buf_free(&err);
	free(ov);
	free(w);
}

/* --- actions ------------------------------------------------------------------ */

/*
 * An action runs on the session as the request read it (a->s).  Its
 * effect on the session is then applied once more, inside a transaction,
 * to the session as stored at that moment: pure basket changes by running
 * the action again, voucher and login actions by the changes they
 * recorded here.  So two requests of one visitor at once cannot undo
 * each other's changes, and a second click on "order" finds the basket
 * the first one emptied.
 */
struct action_ctx {
	struct shop_env			*e;
	const struct http_request	*rq;
	struct http_response		*rs;
	struct form			*form;
	struct session			*s;
	const char			*redirect;	/* page to show */
	bool				 rotated;	/* s->id is new */
	bool				 done;		/* response made */
	/* recorded effects */
	char				 add_code[VOUCHER_CODE_MAX + 1];
	char				 drop_code[VOUCHER_CODE_MAX + 1];
	bool				 fail_added;	/* a failed attempt */
	bool				 set_customer;	/* login */
	bool				 logout;
	char				 undo[BASKET_VOUCHERS_MAX]
					    [VOUCHER_CODE_MAX + 1];
	unsigned			 nundo;	/* holds to give back */
};

static void
notice(struct session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
notice(struct session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->flash_notice, sizeof(s->flash_notice), fmt, ap);
	va_end(ap);
}

static void
bad_request(struct action_ctx *a, const char *text)
{
	plain_page(a->rs, "400 Bad Request", "Ungültige Anfrage", text);
	a->done = true;
}

/* A whole number field within [min, max]; def when absent. */
static bool
field_int(struct action_ctx *a, const char *name, int64_t min, int64_t max,
    int64_t def, int64_t *out)
{
	size_t len;
	const char *v = form_get(a->form, name, &len);

	if (v == NULL || len == 0) {
		*out = def;
		return true;
	}
	return num_parse_i64(v, len, min, max, out) == WS_OK;
}

static const struct product *
field_product(struct action_ctx *a)
{
	const char *id = form_get_text(a->form, "product");

	return id != NULL ? shopconf_product(a->e->shop, id) : NULL;
}

static int64_t
gift_count(const struct shop_env *e, const struct session *s)
{
	const struct product *p;
	int64_t n = 0;
	uint32_t i;

	for (i = 0; i < s->nlines; i++)
		if ((p = shopconf_product(e->shop, s->lines[i].product)) !=
		    NULL && p->kind == PRODUCT_GIFT)
			n += s->lines[i].quantity;
	return n;
}

static void
act_add(struct action_ctx *a)
{
	const struct product *p = field_product(a);
	struct session *s = a->s;
	int64_t qty;
	int i;

	if (p == NULL) {
		bad_request(a, "Diesen Artikel gibt es nicht.");
		return;
	}
	if (!field_int(a, "qty", 1, BASKET_QTY_MAX, 1, &qty)) {
		bad_request(a, "Die Menge muss zwischen 1 und 99 liegen.");
		return;
	}
	if (p->kind == PRODUCT_GIFT && gift_count(a->e, s) + qty >
	    ORDER_GIFTS_MAX) {
		notice(s, "Höchstens %d Geschenkgutscheine je Bestellung.",
		    ORDER_GIFTS_MAX);
		return;
	}
	i = session_find_line(s, p->id);
	if (i >= 0) {
		int64_t sum = s->lines[i].quantity + qty;

		s->lines[i].quantity = (uint32_t)(sum > BASKET_QTY_MAX ?
		    BASKET_QTY_MAX : sum);
	} else if (s->nlines == BASKET_LINES_MAX) {
		notice(s, "Ihr Warenkorb ist voll (höchstens %d Positionen).",
		    BASKET_LINES_MAX);
		return;
	} else {
		memcpy(s->lines[s->nlines].product, p->id, sizeof(p->id));
		s->lines[s->nlines].quantity = (uint32_t)qty;
		s->nlines++;
	}
	notice(s, "„%s“ liegt in Ihrem Warenkorb.", p->name);
}

static void
act_update(struct action_ctx *a)
{
	const struct product *p = field_product(a);
	int64_t qty;
	int i;

	if (p == NULL || (i = session_find_line(a->s, p->id)) < 0) {
		bad_request(a, "Dieser Artikel ist nicht in Ihrem Warenkorb.");
		return;
	}
	if (!field_int(a, "qty", 0, BASKET_QTY_MAX, -1, &qty) || qty < 0) {
		bad_request(a, "Die Menge muss zwischen 0 und 99 liegen.");
		return;
	}
	if (p->kind == PRODUCT_GIFT && gift_count(a->e, a->s) -
	    a->s->lines[i].quantity + qty > ORDER_GIFTS_MAX) {
		notice(a->s, "Höchstens %d Geschenkgutscheine je Bestellung.",
		    ORDER_GIFTS_MAX);
		return;
	}
	if (qty == 0) {
		session_drop_line(a->s, (unsigned)i);
		notice(a->s, "„%s“ wurde entfernt.", p->name);
	} else {
		a->s->lines[i].quantity = (uint32_t)qty;
	}
}

static void
act_remove(struct action_ctx *a)
{
	const struct product *p = field_product(a);
	int i;

	if (p == NULL || (i = session_find_line(a->s, p->id)) < 0) {
		bad_request(a, "Dieser Artikel ist nicht in Ihrem Warenkorb.");
		return;
	}
	session_drop_line(a->s, (unsigned)i);
	notice(a->s, "„%s“ wurde entfernt.", p->name);
}

/* Counts a failed code attempt of this session and address. */
static enum ws_status
count_failure(struct action_ctx *a)
{
	uint64_t n;

	a->s->fails++;
	a->fail_added = true;
	return addr_failures(a->e, a->rq->remote_addr, true, &n);
}

struct own_arg {
	const char	*code;
	const char	*holder;
	bool		 own;
};

static enum ws_status
own_body(struct store_txn *t, void *arg)
{
	struct own_arg *a = arg;
	struct hold h;
	enum ws_status st;

	a->own = false;
	st = store_hold_get(t, a->code, a->holder, &h, false);
	if (st == WS_ERR_NOTFOUND)
		return WS_OK;
	if (st == WS_OK)
		a->own = h.expires > clock_now();
	return st;
}

static void
act_voucher_add(struct action_ctx *a)
{
	struct shop_env *e = a->e;
	struct session *s = a->s;
	const struct customer *c = session_customer(e, s);
	char code[VOUCHER_CODE_MAX + 1];
	const char *typed;
	size_t len;
	enum codegen_class cls;
	struct ops_result res;
	struct ops_ctx ctx;
	struct view *w;
	enum ws_status st;
	uint64_t addr_fails;
	int64_t now = clock_now();
	bool is_new = false;
	unsigned reason = 0;
	int at;

	/* the code input lives on one page only (VoucherInputLocation) */
	if (strcmp(a->rq->page, e->conf->input_location ==
	    CONF_INPUT_PLACEORDER ? "ws_place_order.htm" : "ws_basket.htm")
	    != 0) {
		bad_request(a, "Gutscheine werden auf einer anderen Seite "
		    "eingelöst.");
		return;
	}
	if (s->fails_since + (int64_t)e->conf->attempts_window_minutes * 60
	    <= now) {
		s->fails = 0;
		s->fails_since = now;
	}
	st = addr_failures(e, a->rq->remote_addr, false, &addr_fails);
	if (st != WS_OK) {
		store_trouble(e, a->rs, st, "voucher_add");
		a->done = true;
		return;
	}
	if (s->fails >= e->conf->attempts_per_session ||
	    addr_fails >= e->conf->attempts_per_address) {
		s->flash_reason = REASON_TOO_MANY_ATTEMPTS;
		return;
	}
	typed = form_get(a->form, VOUCHER_FIELD, &len);
	if (typed == NULL)
		typed = "";
	if (!form_text_ok(typed, len))
		cls = CODEGEN_MALFORMED;
	else
		cls = codegen_classify(e->codegen, typed, len, code,
		    sizeof(code));
	switch (cls) {
	case CODEGEN_EMPTY:
		reason = REASON_EMPTY;
		break;
	case CODEGEN_MALFORMED:
		reason = REASON_MALFORMED;
		break;
	case CODEGEN_BAD_CHECK:
		reason = REASON_UNKNOWN;
		break;
	case CODEGEN_FOREIGN:
		if (!e->conf->external_vouchers_allow)
			reason = REASON_EXTERNAL_NOT_ALLOWED;
		break;
	default:
		break;
	}
	if (reason == 0 && (at = session_find_code(s, code)) >= 0) {
		struct own_arg oa = { code, s->basket, false };

		/* entered again after its reservation ran out: renew it */
		st = store_read_run(e->store, own_body, &oa);
		if (st != WS_OK) {
			store_trouble(e, a->rs, st, "voucher_add");
			a->done = true;
			return;
		}
		if (oa.own) {
			reason = REASON_ALREADY_IN_BASKET;
		} else {
			session_drop_code(s, (unsigned)at);
			/* should the renewal fail, it leaves the basket */
			memcpy(a->drop_code, code, sizeof(code));
		}
	}
	if (reason == 0 && s->ncodes >= voucher_limit(e, c))
		reason = voucher_limit(e, c) == 1 ? REASON_NOT_COMBINABLE :
		    REASON_TOO_MANY;
	if (reason != 0) {
		s->flash_reason = rules_visible_reason(e->conf, reason);
		if (is_guess_failure(reason) && count_failure(a) != WS_OK)
			e->log("voucher_add: cannot count a failed attempt");
		return;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		s->flash_reason = REASON_TEMPORARY;
		return;
	}
	st = view_load(e, s, w);
	if (st == WS_OK && c != NULL)
		st = customer_is_new(e, c, &is_new);
	if (st == WS_OK) {
		ctx_fill(e, s, w, c, is_new, &ctx);
		st = ops_activate(e->store, e->conf, code, &ctx, 0, &res);
	}
	free(w);
	if (st != WS_OK) {
		if (st == WS_ERR_RECOVER)
			e->reopen = true;
		e->log("voucher_add: %s", ws_status_str(st));
		s->flash_reason = REASON_TEMPORARY;
		return;
	}
	if (res.reason != 0) {
		s->flash_reason = rules_visible_reason(e->conf, res.reason);
		if (is_guess_failure(res.reason) && count_failure(a) != WS_OK)
			e->log("voucher_add: cannot count a failed attempt");
		return;
	}
	memcpy(s->codes[s->ncodes], code, sizeof(code));
	s->ncodes++;
	memcpy(a->add_code, code, sizeof(code));
	a->drop_code[0] = '\0';
	notice(s, "Der %s %s wurde eingelöst.", e->conf->name, code);
}

static void
act_voucher_remove(struct action_ctx *a)
{
	struct shop_env *e = a->e;
	char code[VOUCHER_CODE_MAX + 1];
	struct ops_result res;
	struct ops_ctx ctx;
	const char *typed;
	enum ws_status st;
	int i;

	typed = form_get_text(a->form, VOUCHER_FIELD);
	if (typed == NULL || codegen_classify(e->codegen, typed,
	    strlen(typed), code, sizeof(code)) == CODEGEN_MALFORMED ||
	    (i = session_find_code(a->s, code)) < 0) {
		bad_request(a, "Dieser Gutschein ist nicht in Ihrem "
		    "Warenkorb.");
		return;
	}
	ops_ctx_init(&ctx);
	ctx.holder = a->s->basket;
	ctx.customer = a->s->customer;
	ctx.actor = ACTOR_WEB;
	st = ops_remove(e->store, code, &ctx, &res);
	if (st != WS_OK) {
		store_trouble(e, a->rs, st, "voucher_remove");
		a->done = true;
		return;
	}
	/* reason 2 here: no hold any more (expired): just drop it */
	session_drop_code(a->s, (unsigned)i);
	memcpy(a->drop_code, code, sizeof(code));
	notice(a->s, "Der %s %s wurde entfernt.", e->conf->name, code);
}

/* A new session id for a new privilege level (no session fixation). */
static enum ws_status
rotate(struct action_ctx *a)
{
	enum ws_status st;

	st = session_random_id(a->s->id);
	a->rotated = true;
	return st;
}

static void
act_login(struct action_ctx *a)
{
	const char *login = form_get_text(a->form, "login");
	const char *password = form_get_text(a->form, "password");
	const struct customer *c;
	uint64_t n;

	if (login == NULL || password == NULL || strlen(password) > 200) {
		bad_request(a, "Bitte geben Sie Login und Passwort an.");
		return;
	}
	if (addr_failures(a->e, a->rq->remote_addr, false, &n) == WS_OK &&
	    n >= a->e->conf->attempts_per_address) {
		a->s->flash_login_failed = true;
		notice(a->s, "Zu viele Fehlversuche. Bitte versuchen Sie es "
		    "später noch einmal.");
		return;
	}
	c = shopconf_customer(a->e->shop, login);
	if (!passwd_check(c != NULL ? c->hash : NULL, password)) {
		a->s->flash_login_failed = true;
		(void)addr_failures(a->e, a->rq->remote_addr, true, &n);
		return;
	}
	memcpy(a->s->customer, c->login, sizeof(c->login));
	a->set_customer = true;
	if (rotate(a) != WS_OK) {
		plain_page(a->rs, "503 Service Unavailable", "Fehler",
		    "Bitte versuchen Sie es gleich noch einmal.");
		a->done = true;
		return;
	}
	notice(a->s, "Willkommen, %s!", c->name);
	a->redirect = "ws_basket.htm";
}

static void
act_logout(struct action_ctx *a)
{
	struct ops_result res;
	struct ops_ctx ctx;
	uint32_t i;

	/* the vouchers were applied for this customer: give them back */
	ops_ctx_init(&ctx);
	ctx.holder = a->s->basket;
	ctx.customer = a->s->customer;
	ctx.actor = ACTOR_WEB;
	for (i = 0; i < a->s->ncodes; i++)
		if (ops_remove(a->e->store, a->s->codes[i], &ctx, &res) !=
		    WS_OK)
			a->e->log("logout: cannot release %s", a->s->codes[i]);
	a->s->ncodes = 0;
	memset(a->s->codes, 0, sizeof(a->s->codes));
	a->s->customer[0] = '\0';
	a->logout = true;
	if (rotate(a) != WS_OK) {
		plain_page(a->rs, "503 Service Unavailable", "Fehler",
		    "Bitte versuchen Sie es gleich noch einmal.");
		a->done = true;
		return;
	}
	notice(a->s, "Sie sind abgemeldet.");
	a->redirect = "ws_start.htm";
}

/* --- placing an order ------------------------------------------------------ */

struct place_arg {
	struct shop_env		*e;
	struct session		*s;		/* the caller's copy */
	const struct customer	*c;
	bool			 is_new;
	const char		*email;
	const char		*payment;
	struct session		 cur;		/* as stored, in the txn */
	struct view		 w;
	struct order		 o;
	struct buf		 b;
	/* outcome when refused */
	unsigned		 reason;
	char			 why[SESSION_NOTICE_MAX];
	unsigned		 dropped;	/* vouchers that stopped applying */
};

static enum ws_status
next_order_number(struct store_txn *t, struct buf *b, char *out, size_t size)
{
	struct rec_reader r;
	struct buf enc = BUF_INIT;
	uint64_t n = 0;
	enum ws_status st;

	st = store_kv_get(t, KEY_ORDER_SEQ, b, true);
	if (st == WS_OK) {
		rec_reader_init(&r, b->data, b->len);
		n = rec_get_u64(&r);
		if (!rec_done(&r))
			return WS_ERR_DB;
	} else if (st != WS_ERR_NOTFOUND) {
		return st;
	}
	n++;
	snprintf(out, size, "WS-%06llu", (unsigned long long)n);
	st = rec_put_u64(&enc, n);
	if (st == WS_OK)
		st = store_kv_put(t, KEY_ORDER_SEQ, enc.data, enc.len);
	buf_free(&enc);
	return st;
}

static enum ws_status
refuse(struct place_arg *a, unsigned reason, const char *why)
{
	a->reason = reason;
	snprintf(a->why, sizeof(a->why), "%s", why);
	return WS_ERR_REFUSED;
}

static enum ws_status
place_body(struct store_txn *t, void *arg)
{
	struct place_arg *a = arg;
	struct shop_env *e = a->e;
	char key[STORE_KV_KEY_MAX + 1];
	const struct payment_method *pm = NULL;
	struct ops_result res;
	struct ops_ctx ctx;
	enum ws_status st;
	uint32_t i, k;

	a->reason = 0;
	a->why[0] = '\0';
	a->dropped = 0;
	/* the basket as stored now, locked: a second click waits here */
	session_key(a->s->id, key, sizeof(key));
	st = store_kv_get(t, key, &a->b, true);
	if (st == WS_ERR_NOTFOUND)
		return refuse(a, 0, "Ihr Warenkorb ist leer.");
	if (st != WS_OK)
		return st;
	if (session_decode(a->b.data, a->b.len, &a->cur) != WS_OK)
		return WS_ERR_DB;
	memcpy(a->cur.payment, a->s->payment, sizeof(a->cur.payment));
	st = vouchers_read(t, &a->cur, &a->w, true);
	if (st == WS_OK)
		st = view_compute(e, &a->cur, &a->w);
	if (st != WS_OK)
		return st;
	if (a->w.nlines == 0)
		return refuse(a, 0, "Ihr Warenkorb ist leer.");
	ctx_fill(e, &a->cur, &a->w, a->c, a->is_new, &ctx);
	/* vouchers that stopped applying: block, or drop them (config) */
	for (i = 0; i < a->w.nv; i++) {
		if (a->w.out.reason[i] == 0)
			continue;
		if (e->conf->prevent_orders_not_applicable)
			return refuse(a, rules_visible_reason(e->conf,
			    a->w.out.reason[i]), e->conf->text_not_applicable);
		st = ops_remove_in(t, a->w.v[i].code, &ctx, &res);
		if (st != WS_OK)
			return st;
		k = (uint32_t)session_find_code(&a->cur, a->w.v[i].code);
		session_drop_code(&a->cur, k);
		a->dropped++;
	}
	if (a->dropped > 0) {
		/* the money changes: compute again without them */
		st = vouchers_read(t, &a->cur, &a->w, true);
		if (st == WS_OK)
			st = view_compute(e, &a->cur, &a->w);
		if (st != WS_OK)
			return st;
	}
	if (a->w.out.due > 0) {
		pm = shopconf_payment(e->shop, a->payment);
		if (pm == NULL)
			return refuse(a, 0, "Bitte wählen Sie eine Zahlungsart.");
		if (a->w.out.has_gift && !pm->online)
			return refuse(a, 0, "Geschenkgutscheine können nur "
			    "online bezahlt werden; bitte wählen Sie eine "
			    "andere Zahlungsart.");
	}
	memset(&a->o, 0, sizeof(a->o));
	st = next_order_number(t, &a->b, a->o.number, sizeof(a->o.number));
	if (st != WS_OK)
		return st;
	ctx.reference = a->o.number;
	for (i = 0; i < a->w.nv; i++) {
		if (a->w.out.deduction[i] <= 0)
			continue;
		st = ops_commit_in(t, e->conf, a->w.v[i].code, &ctx,
		    a->w.out.deduction[i], &res);
		if (st != WS_OK)
			return st;
		if (res.reason != 0)
			return refuse(a, rules_visible_reason(e->conf,
			    res.reason), "");
		if (res.amount != a->w.out.deduction[i])
			return refuse(a, REASON_TEMPORARY, "");
		memcpy(a->o.codes[a->o.ncodes], a->w.v[i].code,
		    sizeof(a->o.codes[0]));
		a->o.code_amounts[a->o.ncodes++] = res.amount;
	}
	memcpy(a->o.basket, a->cur.basket, sizeof(a->cur.basket));
	if (a->c != NULL)
		memcpy(a->o.customer, a->c->login, sizeof(a->c->login));
	snprintf(a->o.email, sizeof(a->o.email), "%s", a->email);
	a->o.created = clock_now();
	if (pm != NULL)
		memcpy(a->o.payment, pm->name, sizeof(pm->name));
	a->o.subtotal = a->w.out.subtotal;
	a->o.extra = a->w.out.extra;
	a->o.discount = a->w.out.discount;
	a->o.total = a->w.out.total;
	a->o.paid_by_vouchers = a->w.out.paid_by_vouchers;
	a->o.due = a->w.out.due;
	for (i = 0; i < a->w.nlines; i++) {
		if (!a->w.in[i].gift)
			continue;
		for (k = 0; k < a->w.in[i].quantity; k++) {
			if (a->o.ngifts == ORDER_GIFTS_MAX)
				return refuse(a, 0, "Höchstens 10 "
				    "Geschenkgutscheine je Bestellung.");
			a->o.gift_amounts[a->o.ngifts++] =
			    a->w.in[i].unit_price;
		}
	}
	a->o.state = a->o.ngifts > 0 ? ORDER_AWAITING_PAYMENT : ORDER_PLACED;
	st = order_encode(&a->o, &a->b);
	order_key(a->o.number, key, sizeof(key));
	if (st == WS_OK)
		st = store_kv_put(t, key, a->b.data, a->b.len);
	if (st == WS_OK && a->c != NULL)
		st = counts_add(t, a->c->login, &a->b, 1,
		    a->o.state == ORDER_PLACED ? 1 : 0);
	if (st != WS_OK)
		return st;
	/* the basket is now the order */
	a->cur.nlines = 0;
	memset(a->cur.lines, 0, sizeof(a->cur.lines));
	a->cur.ncodes = 0;
	memset(a->cur.codes, 0, sizeof(a->cur.codes));
	memcpy(a->cur.last_order, a->o.number, sizeof(a->cur.last_order));
	a->cur.flash_reason = 0;
	a->cur.flash_notice[0] = '\0';
	a->cur.seen = clock_now();
	/* a new basket id: the old one's holds are redemptions now */
	st = session_random_id(a->cur.basket);
	if (st == WS_OK)
		st = sess_put(t, &a->cur, &a->b);
	return st;
}

static void
money_text(struct buf *b, int64_t cents, const char *currency)
{
	buf_reset(b);
	if (num_format_money(b, cents) == WS_OK)
		buf_printf(b, " %s", currency);
}

static void
confirmation_mail(struct shop_env *e, const struct order *o)
{
	struct buf body = BUF_INIT, m = BUF_INIT, where = BUF_INIT;
	const struct payment_method *pm = shopconf_payment(e->shop,
	    o->payment);
	enum ws_status st;
	uint32_t i;

	buf_printf(&body, "Vielen Dank für Ihre Bestellung %s.\n\n",
	    o->number);
	money_text(&m, o->subtotal, e->conf->currency);
	buf_printf(&body, "Warenwert:          %s\n", buf_cstr(&m));
	money_text(&m, o->extra, e->conf->currency);
	buf_printf(&body, "Versand und Gebühr: %s\n", buf_cstr(&m));
	if (o->discount > 0) {
		money_text(&m, o->discount, e->conf->currency);
		buf_printf(&body, "Rabatt (Gutschein): - %s\n", buf_cstr(&m));
	}
	money_text(&m, o->total, e->conf->currency);
	buf_printf(&body, "Gesamtsumme:        %s\n", buf_cstr(&m));
	if (o->paid_by_vouchers > 0) {
		money_text(&m, o->paid_by_vouchers, e->conf->currency);
		buf_printf(&body, "Mit Gutschein bezahlt: - %s\n",
		    buf_cstr(&m));
	}
	for (i = 0; i < o->ncodes; i++) {
		money_text(&m, o->code_amounts[i], e->conf->currency);
		buf_printf(&body, "  (Gutschein %s: %s)\n", o->codes[i],
		    buf_cstr(&m));
	}
	money_text(&m, o->due, e->conf->currency);
	buf_printf(&body, "Zu zahlen: %s%s%s\n", buf_cstr(&m),
	    pm != NULL ? " per " : " (vollständig mit Gutschein bezahlt)",
	    pm != NULL ? pm->label : "");
	if (o->ngifts > 0)
		buf_printf(&body, "\nIhre Geschenkgutschein-Codes senden wir "
		    "Ihnen in einer zweiten E-Mail, sobald Ihre Zahlung "
		    "bestätigt ist.\n");
	st = mail_send(e->shop, o->email, "Ihre Bestellung", buf_cstr(&body),
	    &where);
	if (st != WS_OK)
		e->log("order %s: confirmation mail to %s: %s", o->number,
		    o->email, ws_status_str(st));
	buf_free(&body);
	buf_free(&m);
	buf_free(&where);
}

static void
act_place_order(struct action_ctx *a)
{
	struct shop_env *e = a->e;
	const char *payment = form_get_text(a->form, "payment");
	const char *email = form_get_text(a->form, "email");
	struct place_arg *p;
	enum ws_status st;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		store_trouble(e, a->rs, WS_ERR_NOMEM, "place_order");
		a->done = true;
		return;
	}
	p->e = e;
	p->s = a->s;
	p->c = session_customer(e, a->s);
	if (payment != NULL && strlen(payment) <= SHOP_ID_MAX)
		snprintf(a->s->payment, sizeof(a->s->payment), "%s", payment);
	p->payment = a->s->payment;
	p->email = p->c != NULL ? p->c->login : email != NULL ? email : "";
	if (!mail_address_ok(p->email)) {
		notice(a->s, "Bitte geben Sie eine gültige E-Mail-Adresse "
		    "an.");
		goto out;
	}
	if (p->c != NULL && (st = customer_is_new(e, p->c, &p->is_new)) !=
	    WS_OK) {
		store_trouble(e, a->rs, st, "place_order");
		a->done = true;
		goto out;
	}
	buf_init(&p->b);
	st = store_txn_run(e->store, place_body, p);
	buf_free(&p->b);
	if (st == WS_ERR_REFUSED) {
		a->s->flash_reason = p->reason;
		snprintf(a->s->flash_notice, sizeof(a->s->flash_notice), "%s",
		    p->why);
		goto out;
	}
	if (st != WS_OK) {
		store_trouble(e, a->rs, st, "place_order");
		a->done = true;
		goto out;
	}
	*a->s = p->cur;
	if (p->dropped > 0)
		notice(a->s, "%s", e->conf->text_not_applicable);
	confirmation_mail(e, &p->o);
	e->log("order %s placed: total %lld, vouchers %lld, due %lld%s",
	    p->o.number, (long long)p->o.total,
	    (long long)(p->o.discount + p->o.paid_by_vouchers),
	    (long long)p->o.due, p->o.ngifts > 0 ?
	    ", gift vouchers await payment" : "");
	a->redirect = ORDER_PAGE;
out:
	free(p);
}

/* --- the action dispatcher ------------------------------------------------------ */

/* pure: changes the session only, so it can run again on the stored one */
static const struct action {
	const char	*name;
	void		(*fn)(struct action_ctx *);
	bool		 pure;
} actions[] = {
	{ "add", act_add, true },
	{ "login", act_login, false },
	{ "logout", act_logout, false },
	{ "place_order", act_place_order, false },
	{ "remove", act_remove, true },
	{ "update", act_update, true },
	{ "voucher_add", act_voucher_add, false },
	{ "voucher_remove", act_voucher_remove, false },
};

struct apply_arg {
	struct action_ctx	*a;
	const struct action	*act;
	const struct session	*before;	/* as the request read it */
	struct session		 cur;		/* as stored, in the txn */
	bool			 created;	/* there was none */
	struct buf		 b;
};

static void
undo_add(struct action_ctx *a, const char *code)
{
	if (a->nundo < BASKET_VOUCHERS_MAX)
		memcpy(a->undo[a->nundo++], code, VOUCHER_CODE_MAX + 1);
}

/* The recorded effects of a voucher or login action, on cur. */
static void
apply_effects(struct apply_arg *c)
{
	struct action_ctx *a = c->a;
	const struct session *snap = a->s;
	struct session *cur = &c->cur;
	int64_t now = clock_now();
	unsigned limit;
	uint32_t i;
	int k;

	cur->flash_reason = snap->flash_reason;
	memcpy(cur->flash_notice, snap->flash_notice,
	    sizeof(cur->flash_notice));
	cur->flash_login_failed = snap->flash_login_failed;
	memcpy(cur->payment, snap->payment, sizeof(cur->payment));
	if (a->fail_added) {
		if (cur->fails_since + (int64_t)a->e->conf->
		    attempts_window_minutes * 60 <= now) {
			cur->fails = 0;
			cur->fails_since = now;
		}
		cur->fails++;
	}
	if (a->drop_code[0] != '\0' &&
	    (k = session_find_code(cur, a->drop_code)) >= 0)
		session_drop_code(cur, (unsigned)k);
	if (a->add_code[0] != '\0' && session_find_code(cur,
	    a->add_code) < 0) {
		limit = voucher_limit(a->e, session_customer(a->e, cur));
		if (cur->ncodes < limit) {
			memcpy(cur->codes[cur->ncodes++], a->add_code,
			    sizeof(a->add_code));
		} else {
			/* another request filled the basket meanwhile */
			undo_add(a, a->add_code);
			cur->flash_reason = limit == 1 ?
			    REASON_NOT_COMBINABLE : REASON_TOO_MANY;
			cur->flash_notice[0] = '\0';
		}
	}
	if (a->set_customer)
		memcpy(cur->customer, snap->customer, sizeof(cur->customer));
	if (a->logout) {
		/* logout released what it saw; what came since goes too */
		for (i = 0; i < cur->ncodes; i++)
			if (session_find_code(c->before, cur->codes[i]) < 0)
				undo_add(a, cur->codes[i]);
		cur->ncodes = 0;
		memset(cur->codes, 0, sizeof(cur->codes));
		cur->customer[0] = '\0';
	}
}

static enum ws_status
apply_body(struct store_txn *t, void *arg)
{
	struct apply_arg *c = arg;
	struct action_ctx *a = c->a;
	struct session *snap = a->s;
	char key[STORE_KV_KEY_MAX + 1];
	enum ws_status st;

	a->nundo = 0;
	session_key(c->before->id, key, sizeof(key));
	st = store_kv_get(t, key, &c->b, true);
	if (st == WS_OK && session_decode(c->b.data, c->b.len, &c->cur) !=
	    WS_OK)
		st = WS_ERR_NOTFOUND;	/* damaged: start from the request's */
	c->created = st == WS_ERR_NOTFOUND;
	if (st == WS_ERR_NOTFOUND)
		c->cur = *c->before;
	else if (st != WS_OK)
		return st;
	c->cur.flash_reason = 0;
	c->cur.flash_notice[0] = '\0';
	c->cur.flash_login_failed = false;
	if (c->act->pure) {
		a->s = &c->cur;
		c->act->fn(a);
		a->s = snap;
		if (a->done)
			return WS_ERR_REFUSED;	/* the basket changed meanwhile */
	} else {
		apply_effects(c);
	}
	c->cur.seen = clock_now();
	if (a->rotated) {
		st = store_kv_del(t, key);
		if (st != WS_OK && st != WS_ERR_NOTFOUND)
			return st;
		memcpy(c->cur.id, snap->id, sizeof(c->cur.id));
	}
	/* a first action: another request may be creating it right now */
	return sess_write(t, &c->cur, &c->b, c->created || a->rotated);
}

/* Runs the action, then applies it to the stored session (see above). */
static enum ws_status
run_action(struct action_ctx *a, const struct action *act)
{
	struct apply_arg *c;
	struct ops_result res;
	struct ops_ctx ctx;
	enum ws_status st;
	unsigned i;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return WS_ERR_NOMEM;
	if ((c->before = malloc(sizeof(*c->before))) == NULL) {
		free(c);
		return WS_ERR_NOMEM;
	}
	memcpy((struct session *)c->before, a->s, sizeof(*a->s));
	c->a = a;
	c->act = act;
	buf_init(&c->b);
	act->fn(a);
	st = WS_ERR_EXISTS;
	/* EXISTS: a parallel request made the session first: apply on it */
	for (i = 0; !a->done && st == WS_ERR_EXISTS && i < 5; i++)
		st = store_txn_run(a->e->store, apply_body, c);
	if (a->done)
		st = WS_OK;
	if (st == WS_OK && !a->done)
		*a->s = c->cur;
	if (st == WS_ERR_REFUSED)
		st = WS_OK;		/* the action's own answer stands */
	/* holds this basket may not keep after all */
	ops_ctx_init(&ctx);
	ctx.holder = a->s->basket;
	ctx.actor = ACTOR_WEB;
	for (i = 0; i < a->nundo; i++)
		if (ops_remove(a->e->store, a->undo[i], &ctx, &res) != WS_OK)
			a->e->log("cannot release %s of basket %s", a->undo[i],
			    a->s->basket);
	buf_free(&c->b);
	free((struct session *)c->before);
	free(c);
	return st;
}

static bool
is_form_type(const char *ct)
{
	static const char want[] = "application/x-www-form-urlencoded";

	return ct != NULL && strncasecmp(ct, want, sizeof(want) - 1) == 0 &&
	    (ct[sizeof(want) - 1] == '\0' || ct[sizeof(want) - 1] == ';');
}

static void
handle_post(struct shop_env *e, const struct http_request *rq,
    struct session *s, bool fresh, struct http_response *rs)
{
	struct action_ctx a;
	struct form query, body;
	const char *name, *tok;
	char want[65];
	enum ws_status st;
	size_t i, toklen;

	form_init(&query);
	form_init(&body);
	memset(&a, 0, sizeof(a));
	if (!is_form_type(rq->content_type)) {
		plain_page(rs, "415 Unsupported Media Type", "Ungültige "
		    "Anfrage", "Formulare werden als "
		    "application/x-www-form-urlencoded gesendet.");
		goto out;
	}
	if ((rq->query != NULL && form_parse(&query, rq->query,
	    strlen(rq->query)) != WS_OK) ||
	    form_parse(&body, rq->body, rq->body_len) != WS_OK) {
		plain_page(rs, "400 Bad Request", "Ungültige Anfrage",
		    "Das Formular ist beschädigt oder zu groß.");
		goto out;
	}
	name = form_get_text(&query, "action");
	if (name == NULL)
		name = form_get_text(&body, "action");
	for (i = 0; name != NULL && i < sizeof(actions) / sizeof(actions[0]);
	    i++)
		if (strcmp(actions[i].name, name) == 0)
			break;
	if (name == NULL || i == sizeof(actions) / sizeof(actions[0])) {
		plain_page(rs, "400 Bad Request", "Ungültige Anfrage",
		    "Diese Aktion gibt es nicht.");
		goto out;
	}
	/* an action answers with its page: one that exists */
	{
		const struct tmpl *t;
		struct diags d;

		diags_init(&d);
		st = tmpl_cache_get(e->cache, rq->page, &t, &d);
		diags_free(&d);
		if (st == WS_ERR_IO) {
			plain_page(rs, "404 Not Found", "Seite nicht gefunden",
			    "Diese Seite gibt es nicht.");
			goto out;
		}
	}
	/* every action changes state: the token must be this session's */
	csrf_token(e, s->id, want);
	tok = form_get(&body, "csrf", &toklen);
	if (tok == NULL || toklen != 64 || !hex_equal_ct(tok, want, 64)) {
		plain_page(rs, "403 Forbidden", "Formular abgelaufen",
		    "Das Formular ist abgelaufen oder stammt nicht von "
		    "diesem Shop; es wurde nichts geändert. Bitte laden Sie "
		    "die Seite neu.");
		goto out;
	}
	a.e = e;
	a.rq = rq;
	a.rs = rs;
	a.form = &body;
	a.s = s;
	a.redirect = rq->page;
	s->flash_reason = 0;
	s->flash_notice[0] = '\0';
	s->flash_login_failed = false;
	st = run_action(&a, &actions[i]);
	if (st != WS_OK) {
		store_trouble(e, rs, st, actions[i].name);
		goto out;
	}
	if (a.done)
		goto out;
	status_set(rs, "303 See Other");
	rs->content_type = "text/html; charset=utf-8";
	buf_printf(&rs->headers, "Location: %s\r\n", a.redirect);
	if (fresh || a.rotated)
		set_cookie(rs, rq, s->id);
	buf_printf(&rs->body, "<!DOCTYPE html>\n<html lang=\"de\"><head>"
	    "<meta charset=\"utf-8\"><title>Weiter</title></head><body><p>"
	    "<a href=\"%s\">Weiter</a></p></body></html>\n", a.redirect);
out:
	form_free(&query);
	form_free(&body);
}

/* --- the payment provider's callback ----------------------------------------- */

struct paid_arg {
	struct shop_env	*e;
	const char	*number;
	const char	*txn;
	int64_t		 amount;
	struct order	 o;
	struct buf	 b;
	bool		 replay;
	unsigned	 http;		/* refusal: 404, 409 */
};

/* The charge the shop's gift vouchers belong to, so operators see it. */
static enum ws_status
gift_charge_count(struct store_txn *t, uint32_t n)
{
	struct charge ch;
	enum ws_status st;

	st = store_charge_get(t, GIFT_CHARGE, &ch);
	if (st == WS_ERR_NOTFOUND) {
		memset(&ch, 0, sizeof(ch));
		snprintf(ch.id, sizeof(ch.id), "%s", GIFT_CHARGE);
		snprintf(ch.creator, sizeof(ch.creator), "%s", ACTOR_WEB);
		snprintf(ch.label, sizeof(ch.label), "Geschenkgutscheine, im "
		    "Webshop gekauft");
		ch.created = clock_now();
		ch.complete = true;
	} else if (st != WS_OK) {
		return st;
	}
	ch.count += n;
	return store_charge_put(t, &ch);
}

static enum ws_status
paid_body(struct store_txn *t, void *arg)
{
	struct paid_arg *a = arg;
	char key[STORE_KV_KEY_MAX + 1], tkey[STORE_KV_KEY_MAX + 1];
	struct voucher v;
	enum ws_status st;
	uint32_t i;
	int tries;

	a->replay = false;
	a->http = 0;
	snprintf(tkey, sizeof(tkey), "t:%s", a->txn);
	st = store_kv_get(t, tkey, &a->b, true);
	if (st == WS_OK) {
		/* this confirmation came before; for another order it is
		 * a provider's mistake or a forgery: refuse it */
		if (a->b.len != strlen(a->number) ||
		    memcmp(a->b.data, a->number, a->b.len) != 0) {
			a->http = 409;
			return WS_ERR_REFUSED;
		}
		a->replay = true;
		return WS_OK;
	}
	if (st != WS_ERR_NOTFOUND)
		return st;
	order_key(a->number, key, sizeof(key));
	st = store_kv_get(t, key, &a->b, true);
	if (st == WS_ERR_NOTFOUND) {
		a->http = 404;
		return WS_ERR_REFUSED;
	}
	if (st != WS_OK)
		return st;
	if ((st = order_decode(a->b.data, a->b.len, &a->o)) != WS_OK)
		return st;
	if (a->o.state != ORDER_AWAITING_PAYMENT || a->amount != a->o.due) {
		a->http = 409;
		return WS_ERR_REFUSED;
	}
	for (i = 0; i < a->o.ngifts; i++) {
		/* 80 random bits: a collision is a retry, not a failure */
		for (tries = 0; tries < 5; tries++) {
			voucher_init(&v);
			st = codegen_make(a->e->codegen, v.code,
			    sizeof(v.code));
			if (st != WS_OK)
				return st;
			snprintf(v.charge_id, sizeof(v.charge_id), "%s",
			    GIFT_CHARGE);
			v.kind = VOUCHER_KIND_VALUE;
			v.type = VOUCHER_STD_REUSABLE;
			v.amount_type = VOUCHER_AMOUNT_ABSOLUTE;
			v.amount = a->o.gift_amounts[i];
			v.balance = v.amount;
			memcpy(v.currency, a->e->conf->currency,
			    sizeof(v.currency));
			st = ops_issue_in(t, &v, ACTOR_WEB);
			if (st != WS_ERR_EXISTS)
				break;
		}
		if (st != WS_OK)
			return st;
		memcpy(a->o.gift_codes[i], v.code, sizeof(a->o.gift_codes[i]));
	}
	st = gift_charge_count(t, a->o.ngifts);
	if (st == WS_OK && a->o.customer[0] != '\0')
		st = counts_add(t, a->o.customer, &a->b, 0, 1);
	if (st != WS_OK)
		return st;
	a->o.state = ORDER_PAID;
	snprintf(a->o.transaction, sizeof(a->o.transaction), "%s", a->txn);
	st = order_encode(&a->o, &a->b);
	if (st == WS_OK)
		st = store_kv_put(t, key, a->b.data, a->b.len);
	if (st == WS_OK)
		st = store_kv_put(t, tkey, a->number, strlen(a->number));
	return st;
}

static void
codes_mail(struct shop_env *e, const struct order *o)
{
	struct buf body = BUF_INIT, m = BUF_INIT;
	enum ws_status st;
	uint32_t i;

	buf_printf(&body, "Ihre Zahlung für die Bestellung %s ist "
	    "eingegangen. Hier sind Ihre Geschenkgutscheine:\n\n", o->number);
	for (i = 0; i < o->ngifts; i++) {
		money_text(&m, o->gift_amounts[i], e->conf->currency);
		buf_printf(&body, "Gutschein-Code: %s  Wert: %s\n",
		    o->gift_codes[i], buf_cstr(&m));
	}
	buf_printf(&body, "\nDer Code ist an niemanden gebunden: Wer ihn hat, "
	    "kann ihn im Shop oder an der Kasse einlösen. Ein Restbetrag "
	    "bleibt auf dem Code.\n");
	st = mail_send(e->shop, o->email, "Ihre Geschenkgutscheine",
	    buf_cstr(&body), NULL);
	if (st != WS_OK)
		e->log("order %s: gift voucher mail to %s: %s -- the codes "
		    "are in the store (wsvoucher list --charge %s)",
		    o->number, o->email, ws_status_str(st), GIFT_CHARGE);
	buf_free(&body);
	buf_free(&m);
}

static void
handle_callback(struct shop_env *e, const struct http_request *rq,
    struct http_response *rs)
{
	static const char *const names[] = { "order", "transaction",
	    "amount", "timestamp" };
	const char *v[4], *sig;
	struct paid_arg *p = NULL;
	struct form f;
	struct buf msg = BUF_INIT;
	char want[65];
	int64_t amount, ts, now = clock_now();
	enum ws_status st;
	size_t i, siglen;

	form_init(&f);
	if (strcmp(rq->method, "POST") != 0 || !is_form_type(rq->content_type)
	    || form_parse(&f, rq->body, rq->body_len) != WS_OK) {
		text_reply(rs, "400 Bad Request", "expected a form POST");
		goto out;
	}
	for (i = 0; i < 4; i++) {
		v[i] = form_get_text(&f, names[i]);
		if (v[i] == NULL || v[i][0] == '\0' || strlen(v[i]) > 64 ||
		    strchr(v[i], '&') != NULL) {
			text_reply(rs, "400 Bad Request", "order, transaction, "
			    "amount, timestamp and signature are required");
			goto out;
		}
	}
	sig = form_get(&f, "signature", &siglen);
	if (e->shop->secret[0] == '\0' || sig == NULL || siglen != 64) {
		text_reply(rs, "403 Forbidden", "bad signature");
		goto out;
	}
	buf_printf(&msg, "order=%s&transaction=%s&amount=%s&timestamp=%s",
	    v[0], v[1], v[2], v[3]);
	shop_callback_sign(e->shop->secret, buf_cstr(&msg), want);
	if (!hex_equal_ct(sig, want, 64)) {
		e->log("payment callback for %s: bad signature", v[0]);
		text_reply(rs, "403 Forbidden", "bad signature");
		goto out;
	}
	if (num_parse_i64(v[2], strlen(v[2]), 1, INT64_MAX / 2, &amount) !=
	    WS_OK || num_parse_i64(v[3], strlen(v[3]), 0, INT64_MAX / 2,
	    &ts) != WS_OK) {
		text_reply(rs, "400 Bad Request", "amount (cents) and "
		    "timestamp (UTC seconds) are whole numbers");
		goto out;
	}
	/* an old signed message replayed later is refused */
	if (ts < now - SHOP_CALLBACK_WINDOW || ts > now + SHOP_CALLBACK_WINDOW) {
		text_reply(rs, "403 Forbidden", "timestamp outside the window");
		goto out;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		text_reply(rs, "503 Service Unavailable", "try again");
		goto out;
	}
	p->e = e;
	p->number = v[0];
	p->txn = v[1];
	p->amount = amount;
	buf_init(&p->b);
	st = store_txn_run(e->store, paid_body, p);
	buf_free(&p->b);
	if (st == WS_ERR_REFUSED) {
		text_reply(rs, p->http == 404 ? "404 Not Found" :
		    "409 Conflict", p->http == 404 ? "no such order" :
		    "order is not awaiting this payment");
		goto out;
	}
	if (st != WS_OK) {
		if (st == WS_ERR_RECOVER)
			e->reopen = true;
		e->log("payment callback for %s: %s", v[0], ws_status_str(st));
		text_reply(rs, "503 Service Unavailable", "try again");
		goto out;
	}
	if (p->replay) {
		text_reply(rs, "200 OK", "already processed");
		goto out;
	}
	codes_mail(e, &p->o);
	e->log("order %s paid (%s): %u gift voucher(s) issued", p->o.number,
	    p->txn, (unsigned)p->o.ngifts);
	text_reply(rs, "200 OK", "processed");
out:
	free(p);
	buf_free(&msg);
	form_free(&f);
}

/* --- entry ---------------------------------------------------------------------- */

void
shop_handle(struct shop_env *e, const struct http_request *rq,
    struct http_response *rs)
{
	struct session *s;
	enum ws_status st;
	bool fresh;

	buf_reset(&rs->headers);
	buf_reset(&rs->body);
	if (strcmp(rq->page, SHOP_CALLBACK_PAGE) == 0) {
		handle_callback(e, rq, rs);
		return;
	}
	/* the operator's templates live beside the shop's: not here */
	if (strncmp(rq->page, "admin_", 6) == 0) {
		plain_page(rs, "404 Not Found", "Seite nicht gefunden",
		    "Diese Seite gibt es nicht.");
		return;
	}
	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") !=
	    0 && strcmp(rq->method, "POST") != 0) {
		plain_page(rs, "405 Method Not Allowed", "Nicht erlaubt",
		    "Diese Seite kann nur abgerufen werden.");
		buf_append_str(&rs->headers, "Allow: GET, HEAD, POST\r\n");
		return;
	}
	if ((s = malloc(sizeof(*s))) == NULL) {
		plain_page(rs, "503 Service Unavailable", "Fehler",
		    "Bitte versuchen Sie es gleich noch einmal.");
		return;
	}
	st = sess_get(e, rq, s, &fresh);
	if (st != WS_OK)
		store_trouble(e, rs, st, rq->page);
	else if (strcmp(rq->method, "POST") == 0)
		handle_post(e, rq, s, fresh, rs);
	else
		render_page(e, rq, s, fresh, rs);
	free(s);
}

/* --- housekeeping ----------------------------------------------------------------- */

static bool
session_old(const void *data, size_t len, int64_t now, void *arg)
{
	const struct shop_conf *sc = arg;
	struct session s;

	return session_decode(data, len, &s) != WS_OK ||
	    s.seen + (int64_t)sc->session_hours * 3600 <= now;
}

/* "a:" counters: count, start of their window */
static bool
counter_old(const void *data, size_t len, int64_t now, void *arg)
{
	const int64_t *window = arg;
	struct rec_reader r;
	int64_t start;

	rec_reader_init(&r, data, len);
	(void)rec_get_u64(&r);
	start = (int64_t)rec_get_u64(&r);
	return !rec_done(&r) || start + *window <= now;
}

enum ws_status
shop_expire_sessions(struct store *s, const struct shop_conf *sc,
    const struct voucher_conf *vc, int64_t now, uint64_t *n)
{
	int64_t window = (int64_t)vc->attempts_window_minutes * 60;
	uint64_t counters;
	enum ws_status st;

	st = kv_expire(s, "s:", session_old, (void *)sc, now, n);
	if (st == WS_OK)
		st = kv_expire(s, "a:", counter_old, &window, now, &counters);
	if (st == WS_OK)
		st = kv_expire(s, "al:", counter_old, &window, now, &counters);
	return st;
}
