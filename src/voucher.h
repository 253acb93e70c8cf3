/*
 * voucher.h - the voucher model of SPEC section 2: kinds, types, states and
 * the record every layer shares.  No storage and no HTTP here: names of
 * the enums for humans and machine formats, and structural validation.
 */
#ifndef WS_VOUCHER_H
#define WS_VOUCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "status.h"

#define VOUCHER_CODE_MAX	200	/* handbook: Number up to 200 chars */
#define VOUCHER_CHARGE_MAX	64
#define VOUCHER_ACTOR_MAX	64
#define VOUCHER_LABEL_MAX	128
#define VOUCHER_CUSTOMER_MAX	64
#define VOUCHER_LIST_MAX	256	/* Products, Categories lists */
#define VOUCHER_SUBSHOP_MAX	64
#define VOUCHER_REASON_MAX	128
#define VOUCHER_HOLDER_MAX	64
#define VOUCHER_REF_MAX		64

enum voucher_kind {
	VOUCHER_KIND_PROMO,	/* Werbegutschein: a discount */
	VOUCHER_KIND_VALUE,	/* Wertgutschein: a means of payment */
	VOUCHER_KIND__MAX
};

/* Order is the order of SPEC section 2; never reorder (stored on disk). */
enum voucher_type {
	VOUCHER_STD_REUSABLE,		/* Standard_RemainderReusable */
	VOUCHER_STD_EXPIRES,		/* Standard_RemainderExpires */
	VOUCHER_STD_REUSABLE_NEW,	/* ..._RemainderReusable_NewCustomersOnly */
	VOUCHER_STD_EXPIRES_NEW,	/* ..._RemainderExpires_NewCustomersOnly */
	VOUCHER_UNI_NO_RESTRICTIONS,	/* Universal_NoRestrictions */
	VOUCHER_UNI_ONCE_PER_CUSTOMER,	/* Universal_OncePerCustomer */
	VOUCHER_UNI_NEW_CUSTOMERS,	/* Universal_NewCustomersOnly */
	VOUCHER_UNI_CUSTOMER_BINDING,	/* Universal_customerBinding */
	VOUCHER_TYPE__MAX
};

enum voucher_amount_type {
	VOUCHER_AMOUNT_ABSOLUTE,	/* amount is cents */
	VOUCHER_AMOUNT_PERCENT,		/* amount is hundredths of a percent */
	VOUCHER_AMOUNT__MAX
};

enum voucher_state {
	VOUCHER_ACTIVE,
	VOUCHER_INVALIDATED,
	VOUCHER_EXHAUSTED,
	VOUCHER_EXPIRED,
	VOUCHER_PENDING,	/* bought, payment not confirmed (reason 26) */
	VOUCHER_STATE__MAX
};

#define VOUCHER_CHANNEL_WEB	0x1u
#define VOUCHER_CHANNEL_POS	0x2u
#define VOUCHER_CHANNEL_ALL	(VOUCHER_CHANNEL_WEB | VOUCHER_CHANNEL_POS)

/*
 * One voucher.  Strings are NUL-terminated within their arrays.  For
 * absolute Standard vouchers balance is what is left; universal and percent
 * vouchers have no balance (0) and count redemptions instead.
 */
struct voucher {
	char			 code[VOUCHER_CODE_MAX + 1];
	char			 charge_id[VOUCHER_CHARGE_MAX + 1];
	enum voucher_kind	 kind;
	enum voucher_type	 type;
	enum voucher_amount_type amount_type;
	int64_t			 amount;	/* face value: cents or bp */
	int64_t			 balance;	/* cents left (Standard abs.) */
	char			 currency[4];	/* ISO 4217, e.g. "EUR" */
	int64_t			 min_order;	/* cents, 0 = none */
	int64_t			 valid_from;	/* UTC s, 0 = no lower bound */
	int64_t			 valid_until;	/* UTC s, 0 = no upper bound */
	uint32_t		 max_redemptions; /* 0 = unlimited */
	uint32_t		 redeemed;	/* redemptions counted */
	uint32_t		 channels;	/* VOUCHER_CHANNEL_* bits */
	enum voucher_state	 state;
	char			 bound_customer[VOUCHER_CUSTOMER_MAX + 1];
	char			 products[VOUCHER_LIST_MAX + 1];   /* "a,b" or "" */
	char			 categories[VOUCHER_LIST_MAX + 1];
	char			 subshop[VOUCHER_SUBSHOP_MAX + 1]; /* "" = all */
	char			 state_reason[VOUCHER_REASON_MAX + 1];
	int64_t			 created;	/* UTC s */
	int64_t			 updated;	/* UTC s */
	uint64_t		 ledger_seq;	/* entries written so far */
};

const char	*voucher_kind_name(enum voucher_kind k);	/* "promo" */
const char	*voucher_type_name(enum voucher_type t);	/* handbook name */
const char	*voucher_amount_type_name(enum voucher_amount_type a);
const char	*voucher_state_name(enum voucher_state s);	/* "active" */
/* Case-insensitive lookups of the names above. */
enum ws_status	 voucher_kind_parse(const char *s, size_t len,
		    enum voucher_kind *out);
enum ws_status	 voucher_type_parse(const char *s, size_t len,
		    enum voucher_type *out);
enum ws_status	 voucher_amount_type_parse(const char *s, size_t len,
		    enum voucher_amount_type *out);
enum ws_status	 voucher_state_parse(const char *s, size_t len,
		    enum voucher_state *out);

bool	voucher_type_is_universal(enum voucher_type t);
bool	voucher_type_remainder_expires(enum voucher_type t);
bool	voucher_type_new_customers_only(enum voucher_type t);
bool	voucher_type_needs_login(enum voucher_type t);
/* True when the voucher keeps a balance in cents (Standard + absolute). */
bool	voucher_has_balance(const struct voucher *v);

/* Sets defaults: active, promo, Standard_RemainderReusable, EUR, all. */
void	voucher_init(struct voucher *v);
/*
 * Checks the combination rules of one record (value vouchers are absolute
 * Standard vouchers, percent in (0,100 %], balance within amount, valid-from
 * before valid-until, currency of three upper-case letters, ...).  Each
 * problem is added to d with path/line given; returns WS_ERR_INVALID if any.
 */
enum ws_status	voucher_validate(const struct voucher *v, struct diags *d,
		    const char *path, unsigned line);
/* Copies a string into one of the fixed fields; too long -> WS_ERR_LIMIT. */
enum ws_status	voucher_set_field(char *dst, size_t size, const char *src,
		    size_t len);

#endif
