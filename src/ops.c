/*
 * ops.c - the voucher operations, each one body run by store_txn_run().
 *
 * Bodies are restartable: they reset their result first, read everything
 * inside the transaction and lock the voucher record for update before
 * they decide, so two processes that race for the same code serialise on
 * its record instead of both deciding on a stale read.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ops.h"

#define EXPIRE_BATCH	256

void
ops_ctx_init(struct ops_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->channel = VOUCHER_CHANNEL_WEB;
	ctx->holder = "";
	ctx->customer = "";
	ctx->actor = "";
	ctx->reference = "";
	ctx->basket.due = -1;
}

/*
 * Identifiers are stored in fixed fields: one that does not fit is refused,
 * never cut (two long customer ids must not become the same one).
 */
static enum ws_status
ctx_check(const struct ops_ctx *ctx)
{
	if (ctx->holder != NULL && strlen(ctx->holder) > VOUCHER_HOLDER_MAX)
		return WS_ERR_INVALID;
	if (ctx->customer != NULL &&
	    strlen(ctx->customer) > VOUCHER_CUSTOMER_MAX)
		return WS_ERR_INVALID;
	return WS_OK;
}

static int64_t
ctx_now(const struct ops_ctx *ctx)
{
	return ctx->now != 0 ? ctx->now : clock_now();
}

static void
entry_init(struct ledger_entry *e, const struct ops_ctx *ctx,
    enum ledger_op op, int64_t now)
{
	memset(e, 0, sizeof(*e));
	e->op = op;
	e->at = now;
	e->channel = ctx->channel;
	str_copy_trunc(e->actor, sizeof(e->actor), ctx->actor);
	str_copy_trunc(e->reference, sizeof(e->reference), ctx->reference);
	str_copy_trunc(e->holder, sizeof(e->holder), ctx->holder);
}

/* What the holds on one code say about the holder asking. */
struct hold_scan {
	const char	*holder;
	int64_t		 now;
	bool		 self;		/* live hold of this holder */
	struct hold	 self_hold;
	bool		 other;		/* live reservation of someone else */
	int64_t		 other_until;
	unsigned	 expired;	/* ran out, not yet cleaned */
};

static enum ws_status
hold_scan_one(const struct hold *h, void *arg)
{
	struct hold_scan *hs = arg;

	if (h->expires <= hs->now) {
		hs->expired++;
		return WS_OK;
	}
	if (hs->holder[0] != '\0' && strcmp(h->holder, hs->holder) == 0) {
		hs->self = true;
		hs->self_hold = *h;
	} else if (h->kind == HOLD_RESERVATION) {
		if (!hs->other || h->expires > hs->other_until)
			hs->other_until = h->expires;
		hs->other = true;
	}
	return WS_OK;
}

/* Collects expired holds of one code so they can be deleted after the walk. */
struct expired_list {
	int64_t		 now;
	struct hold	 items[EXPIRE_BATCH];
	size_t		 n;
};

static enum ws_status
expired_collect(const struct hold *h, void *arg)
{
	struct expired_list *l = arg;

	if (h->expires > l->now)
		return WS_OK;
	if (l->n >= EXPIRE_BATCH)
		return WS_ERR_LIMIT;	/* stop: the batch is full */
	l->items[l->n++] = *h;
	return WS_OK;
}

/*
 * Deletes one expired hold with its ledger entry.  v is the voucher of the
 * hold, locked and loaded by the caller, who puts it afterwards.
 */
static enum ws_status
expire_one(struct store_txn *t, struct voucher *v, const struct hold *h,
    int64_t now)
{
	struct ledger_entry e;
	struct ops_ctx ctx;
	enum ws_status st;

	st = store_hold_del(t, h->code, h->holder);
	if (st != WS_OK)
		return st;
	ops_ctx_init(&ctx);
	ctx.actor = "expiry";
	ctx.holder = h->holder;
	ctx.channel = h->channel;
	entry_init(&e, &ctx, LEDGER_EXPIRE_HOLD, now);
	e.amount = h->amount;
	/* An activation that ran out stays counted: only "remove" gives back. */
	return store_ledger_append(t, v, &e);
}

/* Deletes the expired holds of v's code (v locked by the caller). */
static enum ws_status
clean_expired(struct store_txn *t, struct voucher *v, int64_t now)
{
	struct expired_list *l;
	enum ws_status st;
	size_t i;

	l = malloc(sizeof(*l));
	if (l == NULL)
		return WS_ERR_NOMEM;
	l->now = now;
	l->n = 0;
	st = store_hold_each(t, v->code, expired_collect, l);
	if (st == WS_ERR_LIMIT)
		st = WS_OK;	/* the rest goes next time */
	for (i = 0; st == WS_OK && i < l->n; i++)
		st = expire_one(t, v, &l->items[i], now);
	free(l);
	return st;
}

/* Loads v for update and looks at its holds, cleaning expired ones. */
static enum ws_status
load(struct store_txn *t, const char *code, const struct ops_ctx *ctx,
    int64_t now, struct voucher *v, struct hold_scan *hs, bool clean)
{
	enum ws_status st;

	memset(hs, 0, sizeof(*hs));
	hs->holder = ctx->holder != NULL ? ctx->holder : "";
	hs->now = now;
	st = store_voucher_get(t, code, v, true);
	if (st != WS_OK)
		return st;
	st = store_hold_each(t, code, hold_scan_one, hs);
	if (st != WS_OK || hs->expired == 0 || !clean)
		return st;
	return clean_expired(t, v, now);
}

static enum ws_status
fill_input(struct store_txn *t, const struct voucher *v,
    const struct ops_ctx *ctx, const struct hold_scan *hs, int64_t now,
    struct rules_input *in)
{
	memset(in, 0, sizeof(*in));
	in->now = now;
	in->channel = ctx->channel;
	in->customer = ctx->customer != NULL ? ctx->customer : "";
	in->customer_is_new = ctx->customer_is_new;
	in->held_by_self = hs->self;
	in->held_by_other = hs->other;
	in->basket = ctx->basket;
	if (in->customer[0] != '\0')
		return store_usage_get(t, v->code, in->customer,
		    &in->customer_uses);
	return WS_OK;
}

struct op_arg {
	const struct voucher_conf	*conf;
	const char			*code;
	const struct ops_ctx		*ctx;
	int64_t				 amount;
	int64_t				 hold_seconds;
	const char			*why;
	struct ops_result		*res;
};

static void
res_reset(struct ops_result *res)
{
	memset(res, 0, sizeof(*res));
}

/* Maps "no such voucher" to reason 2; other statuses pass through. */
static enum ws_status
not_found_is_reason(enum ws_status st, struct ops_result *res)
{
	if (st == WS_ERR_NOTFOUND) {
		res->reason = REASON_UNKNOWN;
		return WS_OK;
	}
	return st;
}

static void
res_voucher(struct ops_result *res, const struct voucher *v)
{
	res->found = true;
	res->v = *v;
}

/* --- check ------------------------------------------------------------------ */

static enum ws_status
check_body(struct store_txn *t, void *arg)
{
	struct op_arg *a = arg;
	int64_t now = ctx_now(a->ctx);
	struct rules_input in;
	struct hold_scan hs;
	struct voucher v;
	enum ws_status st;

	res_reset(a->res);
	memset(&hs, 0, sizeof(hs));
	hs.holder = a->ctx->holder != NULL ? a->ctx->holder : "";
	hs.now = now;
	st = store_voucher_get(t, a->code, &v, false);
	if (st != WS_OK)
		return not_found_is_reason(st, a->res);
	st = store_hold_each(t, a->code, hold_scan_one, &hs);
	if (st == WS_OK)
		st = fill_input(t, &v, a->ctx, &hs, now, &in);
	if (st != WS_OK)
		return st;
	res_voucher(a->res, &v);
	a->res->reason = rules_check(&v, a->conf, &in, &a->res->amount);
	a->res->hold_until = hs.self ? hs.self_hold.expires :
	    hs.other ? hs.other_until : 0;
	return WS_OK;
}

enum ws_status
ops_check(struct store *s, const struct voucher_conf *c, const char *code,
    const struct ops_ctx *ctx, struct ops_result *res)
{
	struct op_arg a = { c, code, ctx, 0, 0, NULL, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	return store_read_run(s, check_body, &a);
}

/* --- activate ----------------------------------------------------------- */

static enum ws_status
activate_body(struct store_txn *t, void *arg)
{
	struct op_arg *a = arg;
	const struct ops_ctx *ctx = a->ctx;
	int64_t now = ctx_now(ctx), amount;
	struct rules_input in;
	struct ledger_entry e;
	struct hold_scan hs;
	struct voucher v;
	struct hold h;
	enum ws_status st;
	unsigned reason;

	res_reset(a->res);
	if (ctx->holder == NULL || ctx->holder[0] == '\0' ||
	    strlen(ctx->holder) > VOUCHER_HOLDER_MAX)
		return WS_ERR_INVALID;
	st = load(t, a->code, ctx, now, &v, &hs, true);
	if (st != WS_OK)
		return not_found_is_reason(st, a->res);
	st = fill_input(t, &v, ctx, &hs, now, &in);
	if (st != WS_OK)
		return st;
	reason = rules_check(&v, a->conf, &in, &amount);
	if (reason != REASON_NONE) {
		a->res->reason = reason;
		a->res->hold_until = reason == REASON_RESERVED_ELSEWHERE ?
		    hs.other_until : 0;
		res_voucher(a->res, &v);
		/* Expired holds cleaned above are still worth keeping. */
		if (hs.expired > 0) {
			v.updated = now;
			return store_voucher_put(t, &v, false);
		}
		return WS_OK;
	}

	memset(&h, 0, sizeof(h));
	str_copy_trunc(h.code, sizeof(h.code), v.code);
	str_copy_trunc(h.holder, sizeof(h.holder), ctx->holder);
	str_copy_trunc(h.customer, sizeof(h.customer), in.customer);
	h.amount = amount;
	h.created = now;
	h.expires = now + (a->hold_seconds > 0 ? a->hold_seconds :
	    (int64_t)a->conf->reservation_hours * 3600);
	h.channel = ctx->channel;
	if (voucher_type_is_universal(v.type)) {
		h.kind = HOLD_ACTIVATION;
		/*
		 * An activation blocks nobody; it records that this basket
		 * counted the code, for as long as a basket can live
		 * (Session-Hours at most 720): the order must not count it
		 * again, and "Gutschein löschen" gives it back (SPEC 3).
		 */
		if (a->hold_seconds == 0 &&
		    h.expires < now + OPS_ACTIVATION_SECONDS)
			h.expires = now + OPS_ACTIVATION_SECONDS;
		v.redeemed++;
		if (in.customer[0] != '\0') {
			st = store_usage_put(t, v.code, in.customer,
			    in.customer_uses + 1);
			if (st != WS_OK)
				return st;
		}
		if (v.type == VOUCHER_UNI_CUSTOMER_BINDING &&
		    v.bound_customer[0] == '\0') {
			str_copy_trunc(v.bound_customer, sizeof(v.bound_customer),
			    in.customer);
			entry_init(&e, ctx, LEDGER_BIND, now);
			str_copy_trunc(e.note, sizeof(e.note), in.customer);
			st = store_ledger_append(t, &v, &e);
			if (st != WS_OK)
				return st;
		}
		entry_init(&e, ctx, LEDGER_ACTIVATE, now);
	} else {
		h.kind = HOLD_RESERVATION;
		entry_init(&e, ctx, LEDGER_RESERVE, now);
	}
	e.amount = amount;
	st = store_hold_put(t, &h);
	if (st == WS_OK)
		st = store_ledger_append(t, &v, &e);
	if (st != WS_OK)
		return st;
	v.updated = now;
	st = store_voucher_put(t, &v, false);
	if (st != WS_OK)
		return st;
	a->res->amount = amount;
	a->res->hold_until = h.expires;
	res_voucher(a->res, &v);
	return WS_OK;
}

enum ws_status
ops_activate(struct store *s, const struct voucher_conf *c, const char *code,
    const struct ops_ctx *ctx, int64_t hold_seconds, struct ops_result *res)
{
	struct op_arg a = { c, code, ctx, 0, hold_seconds, NULL, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	return store_txn_run(s, activate_body, &a);
}

/* --- remove / release ---------------------------------------------------- */

/* Gives one hold back: deletes it, and for activations the count. */
static enum ws_status
give_back(struct store_txn *t, struct voucher *v, const struct hold *h,
    const struct ops_ctx *ctx, int64_t now)
{
	struct ledger_entry e;
	struct ops_ctx hctx = *ctx;
	enum ws_status st;

	st = store_hold_del(t, v->code, h->holder);
	if (st != WS_OK)
		return st;
	hctx.holder = h->holder;
	if (h->kind == HOLD_ACTIVATION) {
		if (v->redeemed > 0)
			v->redeemed--;
		if (h->customer[0] != '\0') {
			uint32_t uses;

			st = store_usage_get(t, v->code, h->customer, &uses);
			if (st == WS_OK && uses > 0)
				st = store_usage_put(t, v->code, h->customer,
				    uses - 1);
			if (st != WS_OK)
				return st;
		}
		entry_init(&e, &hctx, LEDGER_UNCOUNT, now);
	} else {
		entry_init(&e, &hctx, LEDGER_RELEASE, now);
	}
	e.amount = h->amount;
	return store_ledger_append(t, v, &e);
}

static enum ws_status
remove_body(struct store_txn *t, void *arg)
{
	struct op_arg *a = arg;
	int64_t now = ctx_now(a->ctx);
	struct hold_scan hs;
	struct voucher v;
	enum ws_status st;

	res_reset(a->res);
	st = load(t, a->code, a->ctx, now, &v, &hs, true);
	if (st != WS_OK)
		return not_found_is_reason(st, a->res);
	if (!hs.self) {
		/* Nothing of this holder's to give back. */
		a->res->reason = REASON_UNKNOWN;
		res_voucher(a->res, &v);
		return hs.expired > 0 ? store_voucher_put(t, &v, false) : WS_OK;
	}
	st = give_back(t, &v, &hs.self_hold, a->ctx, now);
	if (st != WS_OK)
		return st;
	v.updated = now;
	st = store_voucher_put(t, &v, false);
	if (st != WS_OK)
		return st;
	a->res->amount = hs.self_hold.amount;
	res_voucher(a->res, &v);
	return WS_OK;
}

enum ws_status
ops_remove(struct store *s, const char *code, const struct ops_ctx *ctx,
    struct ops_result *res)
{
	struct op_arg a = { NULL, code, ctx, 0, 0, NULL, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	return store_txn_run(s, remove_body, &a);
}

struct all_holds {
	struct hold	 items[EXPIRE_BATCH];
	size_t		 n;
};

static enum ws_status
all_collect(const struct hold *h, void *arg)
{
	struct all_holds *l = arg;

	if (l->n >= EXPIRE_BATCH)
		return WS_ERR_LIMIT;
	l->items[l->n++] = *h;
	return WS_OK;
}

/* Gives back every hold of v (operator release, invalidation). */
static enum ws_status
give_back_all(struct store_txn *t, struct voucher *v,
    const struct ops_ctx *ctx, int64_t now, size_t *n)
{
	struct all_holds *l;
	enum ws_status st;
	size_t i;

	*n = 0;
	l = malloc(sizeof(*l));
	if (l == NULL)
		return WS_ERR_NOMEM;
	do {
		l->n = 0;
		st = store_hold_each(t, v->code, all_collect, l);
		if (st == WS_ERR_LIMIT)
			st = WS_OK;
		for (i = 0; st == WS_OK && i < l->n; i++)
			st = give_back(t, v, &l->items[i], ctx, now);
		*n += l->n;
	} while (st == WS_OK && l->n == EXPIRE_BATCH);
	free(l);
	return st;
}

static enum ws_status
release_body(struct store_txn *t, void *arg)
{
	struct op_arg *a = arg;
	int64_t now = ctx_now(a->ctx);
	struct voucher v;
	enum ws_status st;
	size_t n;

	res_reset(a->res);
	st = store_voucher_get(t, a->code, &v, true);
	if (st != WS_OK)
		return not_found_is_reason(st, a->res);
	st = give_back_all(t, &v, a->ctx, now, &n);
	if (st != WS_OK)
		return st;
	if (n > 0) {
		v.updated = now;
		st = store_voucher_put(t, &v, false);
		if (st != WS_OK)
			return st;
	}
	a->res->amount = (int64_t)n;	/* holds released */
	res_voucher(a->res, &v);
	return WS_OK;
}

enum ws_status
ops_release(struct store *s, const char *code, const struct ops_ctx *ctx,
    struct ops_result *res)
{
	struct op_arg a = { NULL, code, ctx, 0, 0, NULL, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	return store_txn_run(s, release_body, &a);
}

/* --- commit / redeem ------------------------------------------------------ */

/*
 * Takes up to want cents (or one use) from v, writing the ledger.  For a
 * RemainderExpires code the rest is forfeited in the same transaction.
 */
static enum ws_status
debit(struct store_txn *t, struct voucher *v, const struct ops_ctx *ctx,
    int64_t want, int64_t now, int64_t *taken)
{
	struct ledger_entry e;
	enum ws_status st;

	*taken = want;
	entry_init(&e, ctx, LEDGER_REDEEM, now);
	if (voucher_has_balance(v)) {
		if (*taken > v->balance)
			*taken = v->balance;
		v->balance -= *taken;
		e.delta = -*taken;
	}
	e.amount = *taken;
	if (!voucher_type_is_universal(v->type))
		v->redeemed++;
	st = store_ledger_append(t, v, &e);
	if (st != WS_OK)
		return st;
	if (voucher_type_remainder_expires(v->type) && v->balance > 0) {
		entry_init(&e, ctx, LEDGER_FORFEIT, now);
		e.delta = -v->balance;
		e.amount = v->balance;
		v->balance = 0;
		st = store_ledger_append(t, v, &e);
		if (st != WS_OK)
			return st;
	}
	if (!voucher_type_is_universal(v->type) &&
	    (voucher_type_remainder_expires(v->type) || !voucher_has_balance(v) ||
	    v->balance == 0))
		v->state = VOUCHER_EXHAUSTED;
	return WS_OK;
}

static enum ws_status
redeem_common(struct store_txn *t, struct op_arg *a, bool from_hold)
{
	const struct ops_ctx *ctx = a->ctx;
	int64_t now = ctx_now(ctx), amount, want = a->amount, taken;
	struct rules_input in;
	struct hold_scan hs;
	struct voucher v;
	enum ws_status st;
	unsigned reason;

	res_reset(a->res);
	if (want <= 0)
		return WS_ERR_INVALID;
	st = load(t, a->code, ctx, now, &v, &hs, true);
	if (st != WS_OK)
		return not_found_is_reason(st, a->res);
	st = fill_input(t, &v, ctx, &hs, now, &in);
	if (st != WS_OK)
		return st;
	if (from_hold && hs.self) {
		/* Counted (universal) or reserved (Standard) at activation;
		 * what is left to decide is state and validity. */
		in.held_by_self = false;
		in.held_by_other = false;
		if (voucher_type_is_universal(v.type)) {
			in.customer_uses = 0;
			if (v.redeemed > 0)
				v.redeemed--;	/* this hold's own count */
		}
		reason = rules_admit(&v, a->conf, &in);
		if (voucher_type_is_universal(v.type))
			v.redeemed++;
		amount = want;
	} else {
		in.held_by_self = false;
		reason = rules_check(&v, a->conf, &in, &amount);
		if (reason == REASON_NONE && amount > want)
			amount = want;
	}
	if (reason != REASON_NONE) {
		a->res->reason = reason;
		a->res->hold_until = reason == REASON_RESERVED_ELSEWHERE ?
		    hs.other_until : 0;
		res_voucher(a->res, &v);
		return hs.expired > 0 ? store_voucher_put(t, &v, false) : WS_OK;
	}
	if (from_hold && hs.self) {
		st = store_hold_del(t, v.code, hs.self_hold.holder);
		if (st != WS_OK)
			return st;
	} else if (voucher_type_is_universal(v.type)) {
		/* Direct use of a universal code counts now. */
		v.redeemed++;
		if (v.type == VOUCHER_UNI_CUSTOMER_BINDING &&
		    v.bound_customer[0] == '\0')
			str_copy_trunc(v.bound_customer, sizeof(v.bound_customer),
			    in.customer);
	}
	if (in.customer[0] != '\0' && !(from_hold && hs.self &&
	    voucher_type_is_universal(v.type))) {
		st = store_usage_put(t, v.code, in.customer,
		    in.customer_uses + 1);
		if (st != WS_OK)
			return st;
	}
	st = debit(t, &v, ctx, amount, now, &taken);
	if (st != WS_OK)
		return st;
	v.updated = now;
	st = store_voucher_put(t, &v, false);
	if (st != WS_OK)
		return st;
	a->res->amount = taken;
	res_voucher(a->res, &v);
	return WS_OK;
}

static enum ws_status
commit_body(struct store_txn *t, void *arg)
{
	return redeem_common(t, arg, true);
}

static enum ws_status
redeem_body(struct store_txn *t, void *arg)
{
	return redeem_common(t, arg, false);
}

enum ws_status
ops_commit(struct store *s, const struct voucher_conf *c, const char *code,
    const struct ops_ctx *ctx, int64_t amount, struct ops_result *res)
{
	struct op_arg a = { c, code, ctx, amount, 0, NULL, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	return store_txn_run(s, commit_body, &a);
}

enum ws_status
ops_redeem(struct store *s, const struct voucher_conf *c, const char *code,
    const struct ops_ctx *ctx, int64_t amount, struct ops_result *res)
{
	struct op_arg a = { c, code, ctx, amount, 0, NULL, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	return store_txn_run(s, redeem_body, &a);
}

/* --- invalidate, top up ------------------------------------------------------ */

static enum ws_status
invalidate_body(struct store_txn *t, void *arg)
{
	struct op_arg *a = arg;
	int64_t now = ctx_now(a->ctx);
	struct ledger_entry e;
	struct voucher v;
	enum ws_status st;
	size_t n;

	res_reset(a->res);
	st = store_voucher_get(t, a->code, &v, true);
	if (st != WS_OK)
		return not_found_is_reason(st, a->res);
	if (v.state == VOUCHER_INVALIDATED) {
		a->res->reason = REASON_INVALIDATED;
		res_voucher(a->res, &v);
		return WS_OK;
	}
	st = give_back_all(t, &v, a->ctx, now, &n);
	if (st != WS_OK)
		return st;
	v.state = VOUCHER_INVALIDATED;
	str_copy_trunc(v.state_reason, sizeof(v.state_reason), a->why);
	entry_init(&e, a->ctx, LEDGER_INVALIDATE, now);
	str_copy_trunc(e.note, sizeof(e.note), a->why);
	st = store_ledger_append(t, &v, &e);
	if (st != WS_OK)
		return st;
	v.updated = now;
	st = store_voucher_put(t, &v, false);
	if (st == WS_OK)
		res_voucher(a->res, &v);
	return st;
}

/* --- inside a caller's transaction -------------------------------------------- */

enum ws_status
ops_commit_in(struct store_txn *t, const struct voucher_conf *c,
    const char *code, const struct ops_ctx *ctx, int64_t amount,
    struct ops_result *res)
{
	struct op_arg a = { c, code, ctx, amount, 0, NULL, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	return commit_body(t, &a);
}

enum ws_status
ops_remove_in(struct store_txn *t, const char *code,
    const struct ops_ctx *ctx, struct ops_result *res)
{
	struct op_arg a = { NULL, code, ctx, 0, 0, NULL, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	return remove_body(t, &a);
}

enum ws_status
ops_check_in(struct store_txn *t, const struct voucher_conf *c,
    const char *code, const struct ops_ctx *ctx, struct ops_result *res)
{
	struct op_arg a = { c, code, ctx, 0, 0, NULL, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	return check_body(t, &a);
}

enum ws_status
ops_invalidate(struct store *s, const char *code, const struct ops_ctx *ctx,
    const char *why, struct ops_result *res)
{
	struct op_arg a = { NULL, code, ctx, 0, 0, why, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	if (why == NULL || why[0] == '\0' || strlen(why) > VOUCHER_REASON_MAX)
		return WS_ERR_INVALID;
	return store_txn_run(s, invalidate_body, &a);
}

static enum ws_status
topup_body(struct store_txn *t, void *arg)
{
	struct op_arg *a = arg;
	int64_t now = ctx_now(a->ctx);
	struct ledger_entry e;
	struct voucher v;
	enum ws_status st;

	res_reset(a->res);
	st = store_voucher_get(t, a->code, &v, true);
	if (st != WS_OK)
		return not_found_is_reason(st, a->res);
	res_voucher(a->res, &v);
	if (v.state == VOUCHER_INVALIDATED) {
		a->res->reason = REASON_INVALIDATED;
		return WS_OK;
	}
	/* unpaid or expired cards are not charged: money would be lost */
	if (v.state == VOUCHER_PENDING) {
		a->res->reason = REASON_NOT_ACTIVATED;
		return WS_OK;
	}
	if (v.state == VOUCHER_EXPIRED ||
	    (v.valid_until != 0 && v.valid_until < now)) {
		a->res->reason = REASON_EXPIRED;
		return WS_OK;
	}
	/* Only money on a reusable balance can be raised. */
	if (v.kind != VOUCHER_KIND_VALUE || !voucher_has_balance(&v) ||
	    voucher_type_remainder_expires(v.type)) {
		a->res->reason = REASON_WRONG_CHANNEL;
		return WS_OK;
	}
	if (v.balance > 1000000000000000LL - a->amount) {
		a->res->reason = REASON_MALFORMED;
		return WS_OK;
	}
	v.balance += a->amount;
	v.amount += a->amount;
	if (v.state == VOUCHER_EXHAUSTED)
		v.state = VOUCHER_ACTIVE;
	entry_init(&e, a->ctx, LEDGER_TOPUP, now);
	e.delta = a->amount;
	e.amount = a->amount;
	st = store_ledger_append(t, &v, &e);
	if (st != WS_OK)
		return st;
	v.updated = now;
	st = store_voucher_put(t, &v, false);
	if (st != WS_OK)
		return st;
	a->res->amount = a->amount;
	res_voucher(a->res, &v);
	return WS_OK;
}

enum ws_status
ops_topup(struct store *s, const char *code, const struct ops_ctx *ctx,
    int64_t amount, struct ops_result *res)
{
	struct op_arg a = { NULL, code, ctx, amount, 0, NULL, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	if (ctx->channel != VOUCHER_CHANNEL_POS || amount <= 0)
		return WS_ERR_INVALID;
	return store_txn_run(s, topup_body, &a);
}

/* --- expiry of holds ------------------------------------------------------- */

struct expire_arg {
	int64_t		 now;
	uint64_t	 done;
	size_t		 last_batch;
	struct expired_list *l;
};

static enum ws_status
expire_body(struct store_txn *t, void *arg)
{
	struct expire_arg *a = arg;
	struct voucher v;
	enum ws_status st;
	size_t i;

	a->last_batch = 0;
	a->l->now = a->now;
	a->l->n = 0;
	st = store_hold_each(t, "", expired_collect, a->l);
	if (st == WS_ERR_LIMIT)
		st = WS_OK;
	for (i = 0; st == WS_OK && i < a->l->n; i++) {
		const struct hold *h = &a->l->items[i];

		st = store_voucher_get(t, h->code, &v, true);
		if (st == WS_ERR_NOTFOUND) {
			/* orphan hold of a deleted code */
			st = store_hold_del(t, h->code, h->holder);
			continue;
		}
		if (st == WS_OK)
			st = expire_one(t, &v, h, a->now);
		if (st == WS_OK) {
			v.updated = a->now;
			st = store_voucher_put(t, &v, false);
		}
	}
	if (st == WS_OK)
		a->last_batch = a->l->n;
	return st;
}

enum ws_status
ops_expire_holds(struct store *s, int64_t now, uint64_t *n)
{
	struct expire_arg a;
	enum ws_status st;

	*n = 0;
	memset(&a, 0, sizeof(a));
	a.now = now != 0 ? now : clock_now();
	a.l = malloc(sizeof(*a.l));
	if (a.l == NULL)
		return WS_ERR_NOMEM;
	do {
		st = store_txn_run(s, expire_body, &a);
		if (st == WS_OK)
			*n += a.last_batch;
	} while (st == WS_OK && a.last_batch == EXPIRE_BATCH);
	free(a.l);
	return st;
}

/* --- issue and import ----------------------------------------------------- */

static enum ws_status
issue_in(struct store_txn *t, struct voucher *v, const char *actor,
    int64_t used, int64_t now)
{
	struct ledger_entry e;
	struct ops_ctx ctx;
	enum ws_status st;

	ops_ctx_init(&ctx);
	ctx.actor = actor;
	ctx.channel = 0;
	/* a code deleted before keeps its ledger: continue after it */
	st = store_ledger_last_seq(t, v->code, &v->ledger_seq);
	if (st != WS_OK)
		return st;
	v->created = v->created != 0 ? v->created : now;
	v->updated = now;
	entry_init(&e, &ctx, LEDGER_ISSUE, now);
	e.amount = v->amount;
	if (voucher_has_balance(v)) {
		int64_t balance = v->balance;

		/* The ledger tells the story: issued in full, then used. */
		v->balance = v->amount;
		e.delta = v->amount;
		st = store_ledger_append(t, v, &e);
		if (st == WS_OK && used > 0) {
			entry_init(&e, &ctx, LEDGER_ADJUST, now);
			str_copy_trunc(e.note, sizeof(e.note), "used before import");
			v->balance = balance;
			e.delta = balance - v->amount;
			e.amount = used;
			st = store_ledger_append(t, v, &e);
		}
		v->balance = balance;
	} else {
		st = store_ledger_append(t, v, &e);
	}
	if (st != WS_OK)
		return st;
	return store_voucher_put(t, v, true);
}

struct issue_arg {
	const struct voucher	*v;
	const char		*actor;
};

static enum ws_status
issue_body(struct store_txn *t, void *arg)
{
	struct issue_arg *a = arg;
	struct voucher v = *a->v;
	struct voucher old;
	enum ws_status st;

	st = store_voucher_get(t, v.code, &old, true);
	if (st == WS_OK)
		return WS_ERR_EXISTS;
	if (st != WS_ERR_NOTFOUND)
		return st;
	return issue_in(t, &v, a->actor, v.amount - v.balance, clock_now());
}

enum ws_status
ops_issue_in(struct store_txn *t, const struct voucher *v, const char *actor)
{
	struct issue_arg a = { v, actor };

	return issue_body(t, &a);
}

enum ws_status
ops_issue(struct store *s, const struct voucher *v, const char *actor)
{
	struct issue_arg a = { v, actor };

	return store_txn_run(s, issue_body, &a);
}

struct import_arg {
	const struct import_set	*set;
	const char		*path;
	const char		*actor;
	struct diags		*d;
	size_t			 diags_before;
};

static enum ws_status
count_live(const struct hold *h, void *arg)
{
	int64_t *now_and_count = arg;

	if (h->expires > now_and_count[0])
		now_and_count[1]++;
	return WS_OK;
}

/* Applies the fields a row carried to an existing voucher. */
static void
merge_row(struct voucher *v, const struct import_row *r)
{
	const struct voucher *n = &r->v;

	if (r->fields & IMPORT_F_AMOUNT_TYPE)
		v->amount_type = n->amount_type;
	if (r->fields & IMPORT_F_AMOUNT)
		v->amount = n->amount;
	if (r->fields & IMPORT_F_CHARGE)
		memcpy(v->charge_id, n->charge_id, sizeof(v->charge_id));
	if (r->fields & IMPORT_F_CURRENCY)
		memcpy(v->currency, n->currency, sizeof(v->currency));
	if (r->fields & IMPORT_F_MIN_ORDER)
		v->min_order = n->min_order;
	if (r->fields & IMPORT_F_PRODUCTS)
		memcpy(v->products, n->products, sizeof(v->products));
	if (r->fields & IMPORT_F_CATEGORIES)
		memcpy(v->categories, n->categories, sizeof(v->categories));
	if (r->fields & IMPORT_F_STATE)
		v->state = n->state;
	if (r->fields & IMPORT_F_TYPE)
		v->type = n->type;
	if (r->fields & IMPORT_F_KIND)
		v->kind = n->kind;
	if (r->fields & IMPORT_F_VALID_FROM)
		v->valid_from = n->valid_from;
	if (r->fields & IMPORT_F_VALID_UNTIL)
		v->valid_until = n->valid_until;
	if (r->fields & IMPORT_F_SUBSHOP)
		memcpy(v->subshop, n->subshop, sizeof(v->subshop));
	if (r->fields & IMPORT_F_MAX_REDEEM)
		v->max_redemptions = n->max_redemptions;
	if (r->fields & IMPORT_F_CHANNELS)
		v->channels = n->channels;
}

static enum ws_status
import_modify(struct store_txn *t, struct import_arg *a,
    const struct import_row *r, struct voucher *v, int64_t now)
{
	struct ledger_entry e;
	struct ops_ctx ctx;
	int64_t used = voucher_has_balance(v) ? v->amount - v->balance : 0;
	int64_t old_balance = voucher_has_balance(v) ? v->balance : 0;
	int64_t live[2] = { now, 0 };
	enum ws_status st;

	st = store_hold_each(t, v->code, count_live, live);
	if (st != WS_OK)
		return st;
	if (live[1] > 0) {
		diags_add(a->d, a->path, r->line, 0, "Number",
		    "%s is reserved or active in a basket: release it first",
		    v->code);
		return WS_OK;
	}
	merge_row(v, r);
	if (r->fields & IMPORT_F_USED)
		used = r->used_amount;
	v->balance = voucher_has_balance(v) ? v->amount - used : 0;
	if (voucher_validate(v, a->d, a->path, r->line) != WS_OK)
		return WS_OK;
	ops_ctx_init(&ctx);
	ctx.actor = a->actor;
	ctx.channel = 0;
	entry_init(&e, &ctx, LEDGER_ADJUST, now);
	str_copy_trunc(e.note, sizeof(e.note), "import");
	/* The ledger must sum to the balance: book the difference. */
	e.delta = v->balance - old_balance;
	e.amount = v->amount;
	st = store_ledger_append(t, v, &e);
	if (st != WS_OK)
		return st;
	v->updated = now;
	return store_voucher_put(t, v, false);
}

static enum ws_status
import_delete(struct store_txn *t, struct import_arg *a,
    const struct import_row *r, struct voucher *v, int64_t now)
{
	struct ledger_entry e;
	struct ops_ctx ctx;
	int64_t live[2] = { now, 0 };
	struct all_holds *l;
	enum ws_status st;
	size_t i;

	st = store_hold_each(t, v->code, count_live, live);
	if (st != WS_OK)
		return st;
	if (live[1] > 0) {
		diags_add(a->d, a->path, r->line, 0, "Number",
		    "%s is reserved or active in a basket: release it first",
		    v->code);
		return WS_OK;
	}
	l = malloc(sizeof(*l));
	if (l == NULL)
		return WS_ERR_NOMEM;
	l->n = 0;
	st = store_hold_each(t, v->code, all_collect, l);
	for (i = 0; st == WS_OK && i < l->n; i++)
		st = store_hold_del(t, v->code, l->items[i].holder);
	free(l);
	if (st == WS_OK)
		st = store_usage_del_code(t, v->code);
	if (st != WS_OK)
		return st;
	ops_ctx_init(&ctx);
	ctx.actor = a->actor;
	ctx.channel = 0;
	entry_init(&e, &ctx, LEDGER_DELETE, now);
	/* The ledger stays as the audit trail and ends at balance 0. */
	e.delta = voucher_has_balance(v) ? -v->balance : 0;
	v->balance = 0;
	st = store_ledger_append(t, v, &e);
	if (st != WS_OK)
		return st;
	return store_voucher_del(t, v->code);
}

static enum ws_status
ensure_charge(struct store_txn *t, const char *id, const char *actor,
    int64_t now)
{
	struct charge c;
	enum ws_status st;

	if (id[0] == '\0')
		return WS_OK;
	st = store_charge_get(t, id, &c);
	if (st == WS_OK) {
		c.count++;
		return store_charge_put(t, &c);
	}
	if (st != WS_ERR_NOTFOUND)
		return st;
	memset(&c, 0, sizeof(c));
	str_copy_trunc(c.id, sizeof(c.id), id);
	str_copy_trunc(c.creator, sizeof(c.creator), actor);
	str_copy_trunc(c.label, sizeof(c.label), "imported");
	c.created = now;
	c.count = 1;
	c.complete = true;
	return store_charge_put(t, &c);
}

static enum ws_status
import_body(struct store_txn *t, void *arg)
{
	struct import_arg *a = arg;
	int64_t now = clock_now();
	enum ws_status st = WS_OK;
	size_t i;

	/* A retry starts over: forget what the aborted attempt reported. */
	a->d->n = a->diags_before < a->d->n ? a->diags_before : a->d->n;
	for (i = 0; i < a->set->n && st == WS_OK; i++) {
		const struct import_row *r = &a->set->rows[i];
		struct voucher v;

		st = store_voucher_get(t, r->v.code, &v, true);
		if (st == WS_ERR_NOTFOUND) {
			st = WS_OK;
			if (r->op == IMPORT_DELETE) {
				diags_add(a->d, a->path, r->line, 0, "Number",
				    "%s: no such voucher to delete",
				    r->v.code);
				continue;
			}
			if (!(r->fields & IMPORT_F_AMOUNT)) {
				diags_add(a->d, a->path, r->line, 0, "Amount",
				    "%s is a new voucher: Amount is needed "
				    "to create it", r->v.code);
				continue;
			}
			v = r->v;
			if (voucher_validate(&v, a->d, a->path, r->line) !=
			    WS_OK)
				continue;
			st = ensure_charge(t, v.charge_id, a->actor, now);
			if (st == WS_OK)
				st = issue_in(t, &v, a->actor, r->used_amount,
				    now);
			continue;
		}
		if (st != WS_OK)
			break;
		if (r->op == IMPORT_DELETE)
			st = import_delete(t, a, r, &v, now);
		else
			st = import_modify(t, a, r, &v, now);
	}
	if (st == WS_OK && diags_count(a->d) > a->diags_before)
		return WS_ERR_INVALID;	/* abort: nothing of the file stays */
	return st;
}

enum ws_status
ops_import(struct store *s, const struct import_set *set, const char *path,
    const char *actor, struct diags *d)
{
	struct import_arg a = { set, path, actor, d, diags_count(d) };

	return store_txn_run(s, import_body, &a);
}

/* --- more bodies inside a caller's transaction (the API) ------------------- */

enum ws_status
ops_activate_in(struct store_txn *t, const struct voucher_conf *c,
    const char *code, const struct ops_ctx *ctx, int64_t hold_seconds,
    struct ops_result *res)
{
	struct op_arg a = { c, code, ctx, 0, hold_seconds, NULL, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	return activate_body(t, &a);
}

enum ws_status
ops_redeem_in(struct store_txn *t, const struct voucher_conf *c,
    const char *code, const struct ops_ctx *ctx, int64_t amount,
    struct ops_result *res)
{
	struct op_arg a = { c, code, ctx, amount, 0, NULL, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	return redeem_body(t, &a);
}

enum ws_status
ops_invalidate_in(struct store_txn *t, const char *code,
    const struct ops_ctx *ctx, const char *why, struct ops_result *res)
{
	struct op_arg a = { NULL, code, ctx, 0, 0, why, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	if (why == NULL || why[0] == '\0' || strlen(why) > VOUCHER_REASON_MAX)
		return WS_ERR_INVALID;
	return invalidate_body(t, &a);
}

enum ws_status
ops_topup_in(struct store_txn *t, const char *code, const struct ops_ctx *ctx,
    int64_t amount, struct ops_result *res)
{
	struct op_arg a = { NULL, code, ctx, amount, 0, NULL, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	if (ctx->channel != VOUCHER_CHANNEL_POS || amount <= 0)
		return WS_ERR_INVALID;
	return topup_body(t, &a);
}

enum ws_status
ops_release_in(struct store_txn *t, const char *code,
    const struct ops_ctx *ctx, struct ops_result *res)
{
	struct op_arg a = { NULL, code, ctx, 0, 0, NULL, res };

	if (ctx_check(ctx) != WS_OK)
		return WS_ERR_INVALID;
	return release_body(t, &a);
}

enum ws_status
ops_import_in(struct store_txn *t, const struct import_set *set,
    const char *path, const char *actor, struct diags *d)
{
	struct import_arg a = { set, path, actor, d, diags_count(d) };

	return import_body(t, &a);
}
