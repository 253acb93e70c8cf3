/*
 * tags.h - the tag library: one table maps every tag name to its kind,
 * where it may be used, the function that reads its value and the line of
 * documentation doc/tags.md is made from.  Adding a tag is one entry.
 *
 * Families: VOUCHER- (voucher data), WS-Voucher (the legacy voucher tags,
 * same data), MSG- (messages), BASKET- (the basket and its lines), SHOP-
 * (shop-wide values such as the CSRF field).  A name of one of these
 * families that is not in the table is a template error; any other name is
 * plain text.
 */
#ifndef WS_TAGS_H
#define WS_TAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"
#include "store.h"
#include "status.h"
#include "voucher.h"

#define TAGS_NAME_MAX	64
#define TAGS_TEXT_MAX	128

/* A voucher as templates see it. */
struct tmpl_voucher {
	bool		 exists;	/* false: unknown number */
	struct voucher	 v;
	bool		 reserved;	/* a live hold is on it */
	int64_t		 reserved_until;
	char		 charge_creator[VOUCHER_ACTOR_MAX + 1];
	char		 charge_label[VOUCHER_LABEL_MAX + 1];
	int64_t		 deduction;	/* in a basket: cents it takes */
	unsigned	 reason;	/* in a basket: why it takes nothing */
};

/* One basket line. */
struct tmpl_line {
	const char	*id;
	const char	*name;
	int64_t		 quantity;
	int64_t		 unit_price;	/* cents */
	int64_t		 line_price;	/* cents */
	bool		 eligible;	/* promotional vouchers apply */
	int64_t		 discount;	/* promotional discount on the line */
	unsigned	 vat_bp;	/* VAT rate, 1900 = 19 % */
	bool		 gift;		/* a gift voucher for sale */
};

/* One VAT rate of the basket. */
struct tmpl_tax {
	unsigned	 rate_bp;
	int64_t		 gross;
	int64_t		 tax;
};

/* A product of the catalog (SHOP-Products). */
struct tmpl_product {
	const char	*id;
	const char	*name;
	int64_t		 price;
	unsigned	 vat_bp;
	bool		 eligible;
	bool		 gift;
};

/* A payment method (SHOP-PaymentMethods). */
struct tmpl_payment {
	const char	*name;		/* "paypal" */
	const char	*label;		/* "PayPal" */
	int64_t		 fee;
	bool		 selected;
	bool		 allowed;	/* e.g. not for gift vouchers */
};

/* The order just placed (ws_order_done.htm). */
struct tmpl_order {
	const char	*number;
	int64_t		 total;
	int64_t		 paid_by_vouchers;
	int64_t		 due;
	const char	*payment_label;	/* "" when nothing was due */
	bool		 awaiting_payment;	/* gift vouchers: not yet paid */
	bool		 has_gift;
	const char	*mail_to;
};

/* Shop-wide data of a page; any pointer may be NULL. */
struct tmpl_shop {
	const struct tmpl_product	*products;
	size_t				 nproducts;
	const struct tmpl_payment	*payments;
	size_t				 npayments;
	const char			*customer_login;	/* NULL: guest */
	const char			*customer_name;
	bool				 customer_is_new;
	const char			*notice;	/* one-shot message */
	bool				 login_failed;
	unsigned			 voucher_limit;	/* 0: per config */
	const struct tmpl_order		*order;
};

struct tmpl_basket {
	const struct tmpl_line		*lines;
	size_t				 nlines;
	const struct tmpl_voucher	*vouchers;	/* active in the basket */
	size_t				 nvouchers;
	int64_t				 subtotal;	/* lines */
	int64_t				 extra_costs;	/* shipping, fees */
	int64_t				 discount;	/* promotional vouchers */
	int64_t				 total;		/* after discounts */
	int64_t				 paid_by_vouchers; /* value vouchers */
	int64_t				 due;		/* still to pay */
	int64_t				 shipping;
	int64_t				 payment_fee;
	bool				 has_gift;	/* gift products */
	const struct tmpl_tax		*taxes;
	size_t				 ntaxes;
	char				 currency[4];
};

/* A code in an admin list: the voucher and, if held, its hold. */
struct tmpl_admin_row {
	const struct voucher	*v;
	const struct hold	*h;		/* NULL: not held */
};

/* What the admin pages show (ADMIN- tags). */
struct tmpl_admin {
	const char			*operator_name;	/* NULL: logged out */
	const char			*query;		/* search prefix */
	const struct tmpl_admin_row	*rows;
	size_t				 nrows;
	bool				 more;		/* rows were cut */
	const struct tmpl_voucher	*code;		/* NULL: none */
	const struct ledger_entry	*entries;	/* of code */
	size_t				 nentries;
	const char			*message;	/* one-shot */
	const char			*error;		/* one-shot */
	const struct charge		*charge;	/* made just now */
};

/* Loads the voucher with this code (VOUCHER-LoadData). */
typedef enum ws_status (*tmpl_load_fn)(void *arg, const char *code,
		    struct tmpl_voucher *out);

/* Everything a render reads; pointers may be NULL where noted. */
struct tmpl_data {
	const struct voucher_conf	*conf;		/* texts, time zone */
	const struct tmpl_basket	*basket;	/* NULL: no basket */
	unsigned			 error_reason;	/* 0: no error */
	const char			*csrf_token;	/* NULL: none */
	const char			*voucher_field;	/* input name */
	tmpl_load_fn			 load_voucher;	/* NULL: none */
	void				*load_arg;
	const struct tmpl_shop		*shop;		/* NULL: none */
	const struct tmpl_admin		*admin;		/* NULL: none */
};

/* Where a tag may stand. */
enum tag_scope {
	TAG_SCOPE_ANY,		/* anywhere */
	TAG_SCOPE_VOUCHER,	/* inside LoadData(...) or @VOUCHER-MultiVoucher */
	TAG_SCOPE_LINE,		/* inside @BASKET-Items */
	TAG_SCOPE_TAX,		/* inside @BASKET-Taxes */
	TAG_SCOPE_PRODUCT,	/* inside @SHOP-Products */
	TAG_SCOPE_PAYMENT,	/* inside @SHOP-PaymentMethods */
	TAG_SCOPE_ROW,		/* inside @ADMIN-Codes */
	TAG_SCOPE_ENTRY,	/* inside @ADMIN-Ledger */
	TAG_SCOPE__MAX
};

/*
 * A VALUE tag prints (~NAME~), tests ({NAME}, {!NAME}) and compares:
 * {NAME(arg)}..{/NAME(arg)} shows its body when the value, as printed
 * without escaping, equals arg (e.g. {MSG-Voucher_error(13)}).
 */
enum tag_kind {
	TAG_VALUE,		/* ~NAME~, {NAME}, {!NAME}, {NAME(arg)} */
	TAG_CONTEXT,		/* {NAME(arg)}: loads a voucher as context */
	TAG_LOOP,		/* {@NAME} */
	TAG_KIND__MAX
};

enum tag_family {
	TAG_FAMILY_VOUCHER,	/* VOUCHER- */
	TAG_FAMILY_LEGACY,	/* WS-Voucher */
	TAG_FAMILY_MSG,		/* MSG- */
	TAG_FAMILY_BASKET,	/* BASKET- */
	TAG_FAMILY_SHOP,	/* SHOP- */
	TAG_FAMILY_ADMIN,	/* ADMIN- (the operator's pages) */
	TAG_FAMILY__MAX
};

/* A value of a tag, formatted when printed. */
enum tval_type {
	TVAL_NONE,		/* not set, prints nothing */
	TVAL_BOOL,		/* prints nothing; set when true */
	TVAL_INT,		/* plain number */
	TVAL_MONEY,		/* cents, "10,00 EUR" */
	TVAL_PERCENT,		/* hundredths of a percent, "12,5 %" */
	TVAL_DATE,		/* UTC s, a date in the shop's time zone */
	TVAL_DATETIME,		/* UTC s, date and time in the shop's zone */
	TVAL_TEXT,		/* text */
	TVAL_MARKUP,		/* markup the program made (raw allowed) */
	TVAL_TYPE__MAX
};

struct tval {
	enum tval_type	 type;
	int64_t		 i;		/* BOOL, INT, MONEY, PERCENT, DATE* */
	const char	*s;		/* TEXT, MARKUP */
	size_t		 len;
	const char	*currency;	/* MONEY: "EUR" */
};

/* What an accessor sees: the data, and the voucher and line in scope. */
struct tag_env {
	const struct tmpl_data		*data;
	const struct tmpl_voucher	*voucher;	/* NULL outside scope */
	const struct tmpl_line		*line;		/* NULL outside scope */
	const struct tmpl_tax		*tax;
	const struct tmpl_product	*product;
	const struct tmpl_payment	*payment;
	const struct tmpl_admin_row	*row;
	const struct ledger_entry	*entry;
	char				 scratch[TAGS_TEXT_MAX];
};

typedef void (*tag_get_fn)(struct tag_env *env, struct tval *out);

#define TAG_F_MARKUP	0x1u	/* may be printed with :raw */
#define TAG_F_NEUTRAL	0x2u	/* legacy name allowed with VOUCHER- tags */

struct tag {
	const char		*name;
	enum tag_kind		 kind;
	/* where it may stand; for a loop: the scope it opens */
	enum tag_scope		 scope;
	enum tag_family		 family;
	unsigned		 flags;
	tag_get_fn		 get;	/* VALUE */
	const char		*doc;	/* one line for doc/tags.md */
	const char		*type_doc; /* VALUE: "money", "yes/no", ... */
};

/* The tag called name (len bytes), or NULL. */
const struct tag *tags_find(const char *name, size_t len);
/* Family of a name by its prefix; TAG_FAMILY__MAX if none (plain text). */
enum tag_family	  tags_family(const char *name, size_t len);
/* The whole table, for doc/tags.md and tests. */
const struct tag *tags_table(size_t *n);
/* Writes doc/tags.md (Markdown) from the table. */
enum ws_status	  tags_write_markdown(struct buf *out);
/* Is the value set (non-empty, non-zero, true)? */
bool		  tval_is_set(const struct tval *v);
/* Formats a value as text per the shop's locale (German by default). */
enum ws_status	  tval_format(const struct tval *v,
		    const struct voucher_conf *conf, struct buf *out);

#endif
