/*
 * ops.h - the voucher operations: each one atomic (one store transaction,
 * retried from the top on deadlock), independent of HTTP and templates.
 *
 * A status other than WS_OK means the store could not answer (shown to a
 * visitor as reason 27, nothing changed).  WS_OK with res->reason != 0
 * means a rule refused: nothing changed either.
 */
#ifndef WS_OPS_H
#define WS_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "diag.h"
#include "io.h"
#include "rules.h"
#include "store.h"
#include "voucher.h"

/* How long a webshop activation of a universal code is kept: the longest
 * a basket can live (Session-Hours at most 720). */
#define OPS_ACTIVATION_SECONDS	(720LL * 3600)

struct ops_ctx {
	int64_t			 now;		/* 0 = clock_now() */
	uint32_t		 channel;	/* VOUCHER_CHANNEL_WEB / _POS */
	const char		*holder;	/* basket session or POS txn */
	const char		*customer;	/* "" = not logged in */
	bool			 customer_is_new;
	const char		*actor;		/* for the ledger */
	const char		*reference;	/* order or transaction id */
	struct rules_basket	 basket;
};

struct ops_result {
	unsigned	 reason;	/* 0 = done */
	int64_t		 amount;	/* applicable / held / redeemed cents */
	int64_t		 hold_until;	/* own hold, or the other's (19) */
	bool		 found;		/* v holds the voucher after the op */
	struct voucher	 v;
};

/* Sets the fields of ctx to "nobody, web, no basket limits". */
void		ops_ctx_init(struct ops_ctx *ctx);

/* Would the code apply now, and with which amount?  Changes nothing. */
enum ws_status	ops_check(struct store *s, const struct voucher_conf *c,
		    const char *code, const struct ops_ctx *ctx,
		    struct ops_result *res);
/*
 * Activation in a basket or at the POS: Standard codes are reserved for
 * the holder (hold_seconds, 0 = Reservation-Hours); universal codes are
 * counted now (SPEC section 3) and bound to their first customer.
 */
enum ws_status	ops_activate(struct store *s, const struct voucher_conf *c,
		    const char *code, const struct ops_ctx *ctx,
		    int64_t hold_seconds, struct ops_result *res);
/* "Gutschein löschen": the holder gives the code back (count - 1). */
enum ws_status	ops_remove(struct store *s, const char *code,
		    const struct ops_ctx *ctx, struct ops_result *res);
/*
 * Completes an order: the holder's hold becomes a redemption of amount
 * (at most the balance) with a ledger entry, in one transaction.  Without
 * a live hold the code is checked afresh and redeemed directly.
 */
enum ws_status	ops_commit(struct store *s, const struct voucher_conf *c,
		    const char *code, const struct ops_ctx *ctx, int64_t amount,
		    struct ops_result *res);
/* Direct redemption (POS): check and debit at once, partial if need be. */
enum ws_status	ops_redeem(struct store *s, const struct voucher_conf *c,
		    const char *code, const struct ops_ctx *ctx, int64_t amount,
		    struct ops_result *res);
/* Operator: releases every hold on the code (counts given back). */
enum ws_status	ops_release(struct store *s, const char *code,
		    const struct ops_ctx *ctx, struct ops_result *res);
enum ws_status	ops_invalidate(struct store *s, const char *code,
		    const struct ops_ctx *ctx, const char *why,
		    struct ops_result *res);
/* POS only: raises the value of a value voucher. */
enum ws_status	ops_topup(struct store *s, const char *code,
		    const struct ops_ctx *ctx, int64_t amount,
		    struct ops_result *res);
/* Removes holds that ran out before now; *n = how many. */
enum ws_status	ops_expire_holds(struct store *s, int64_t now, uint64_t *n);
/* Issues one voucher (ledger ISSUE); WS_ERR_EXISTS if the code is taken. */
enum ws_status	ops_issue(struct store *s, const struct voucher *v,
		    const char *actor);
/*
 * Applies an import set all or nothing: every problem found against the
 * store (unknown code to delete, reserved code, modify without Amount of a
 * code that does not exist, ...) is added to d and nothing is written.
 */
enum ws_status	ops_import(struct store *s, const struct import_set *set,
		    const char *path, const char *actor, struct diags *d);

/*
 * The bodies of commit, remove, check and issue inside the caller's
 * transaction, so an order commits all its vouchers and its own records
 * at once, or nothing.  A rule's refusal is res->reason with WS_OK: the
 * caller decides whether the transaction goes on (and returns
 * WS_ERR_REFUSED from its body to abort it).
 */
enum ws_status	ops_commit_in(struct store_txn *t, const struct voucher_conf *c,
		    const char *code, const struct ops_ctx *ctx, int64_t amount,
		    struct ops_result *res);
enum ws_status	ops_remove_in(struct store_txn *t, const char *code,
		    const struct ops_ctx *ctx, struct ops_result *res);
enum ws_status	ops_check_in(struct store_txn *t, const struct voucher_conf *c,
		    const char *code, const struct ops_ctx *ctx,
		    struct ops_result *res);
/* WS_ERR_EXISTS if the code is taken. */
enum ws_status	ops_issue_in(struct store_txn *t, const struct voucher *v,
		    const char *actor);
enum ws_status	ops_activate_in(struct store_txn *t,
		    const struct voucher_conf *c, const char *code,
		    const struct ops_ctx *ctx, int64_t hold_seconds,
		    struct ops_result *res);
enum ws_status	ops_redeem_in(struct store_txn *t, const struct voucher_conf *c,
		    const char *code, const struct ops_ctx *ctx, int64_t amount,
		    struct ops_result *res);
enum ws_status	ops_invalidate_in(struct store_txn *t, const char *code,
		    const struct ops_ctx *ctx, const char *why,
		    struct ops_result *res);
enum ws_status	ops_topup_in(struct store_txn *t, const char *code,
		    const struct ops_ctx *ctx, int64_t amount,
		    struct ops_result *res);
enum ws_status	ops_release_in(struct store_txn *t, const char *code,
		    const struct ops_ctx *ctx, struct ops_result *res);
/* A problem found adds to d and returns WS_ERR_INVALID: abort then. */
enum ws_status	ops_import_in(struct store_txn *t, const struct import_set *set,
		    const char *path, const char *actor, struct diags *d);

#endif
