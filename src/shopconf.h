/*
 * shopconf.h - the shop around the vouchers: catalog, shipping, payment
 * methods, customers, mail and the payment provider's secret, read from
 * the <Shop-Checkout>, <Shop-Products> and <Shop-Customers> sections of
 * shop.config (shop.config(5)).  In a real WEBSALE-style shop these come
 * from the shop system; wsvoucher.fcgi needs them to run the demo shop
 * and its checkout end to end.
 *
 * Like conf.c: a load either gives a complete, checked config or every
 * problem with file and line, and the caller keeps what it had.
 */
#ifndef WS_SHOPCONF_H
#define WS_SHOPCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "diag.h"
#include "status.h"

#define SHOP_PRODUCTS_MAX	200
#define SHOP_CUSTOMERS_MAX	200
#define SHOP_PAYMENTS_MAX	8
#define SHOP_TIERS_MAX		8
#define SHOP_ID_MAX		32	/* product id, payment name */
#define SHOP_NAME_MAX		128
#define SHOP_LOGIN_MAX		64	/* = VOUCHER_CUSTOMER_MAX */
#define SHOP_HASH_MAX		160
#define SHOP_SECRET_MIN		32
#define SHOP_SECRET_MAX		128
#define SHOP_PATH_MAX		512

enum product_kind {
	PRODUCT_ELIGIBLE,	/* promotional vouchers apply */
	PRODUCT_NOT_ELIGIBLE,	/* e.g. fixed-price books */
	PRODUCT_GIFT,		/* a gift voucher for sale (its price = value) */
	PRODUCT_KIND__MAX
};

struct product {
	char			 id[SHOP_ID_MAX + 1];
	char			 name[SHOP_NAME_MAX + 1];
	int64_t			 price;		/* cents, gross */
	unsigned		 vat_bp;	/* VAT rate, 1900 = 19 % */
	enum product_kind	 kind;
};

struct payment_method {
	char		 name[SHOP_ID_MAX + 1];	/* "paypal" */
	char		 label[SHOP_NAME_MAX + 1];	/* "PayPal" */
	int64_t		 fee;			/* cents */
	bool		 online;	/* may pay for gift vouchers */
};

struct customer {
	char		 login[SHOP_LOGIN_MAX + 1];
	char		 hash[SHOP_HASH_MAX + 1];	/* crypt(3) */
	char		 name[SHOP_NAME_MAX + 1];
	unsigned	 previous_orders;	/* before this store existed */
	bool		 test;		/* MultiVoucher-Allow = test */
	bool		 discount;	/* own discount: reason 25 */
};

struct shop_tier {
	int64_t		 from;		/* goods total from which ... */
	int64_t		 cost;		/* ... shipping costs this */
};

/* The operations of the POS/ERP API (doc/api.md). */
enum api_op {
	API_CHECK,
	API_RESERVE,
	API_REDEEM,
	API_CANCEL,
	API_TOPUP,
	API_INVALIDATE,
	API_LEDGER,
	API_IMPORT,
	API_OP__MAX
};

#define API_CLIENTS_MAX		32
#define API_CLIENT_MAX		24	/* client name */
#define API_KEY_HEX		64	/* SHA-256 of the key, hex */

struct api_client {
	char		 name[API_CLIENT_MAX + 1];
	char		 key_sha256[API_KEY_HEX + 1];	/* lower-case hex */
	unsigned	 ops;		/* 1u << API_... */
};

struct api_conf {
	unsigned		 hold_minutes;	/* default POS hold */
	unsigned		 ids_hours;	/* request ids kept */
	unsigned		 import_max_bytes;
	struct api_client	 clients[API_CLIENTS_MAX];
	unsigned		 nclients;
};

/* An operator of the admin pages (<Voucher-Admin>). */
#define ADMIN_ACCOUNTS_MAX	32

struct admin_account {
	char		 login[SHOP_ID_MAX + 1];
	char		 hash[SHOP_HASH_MAX + 1];	/* crypt(3) */
	char		 name[SHOP_NAME_MAX + 1];
};

struct shop_conf {
	int64_t			 shipping;	/* below every tier */
	struct shop_tier	 tiers[SHOP_TIERS_MAX];	/* ascending */
	unsigned		 ntiers;
	unsigned		 shipping_vat_bp;
	struct payment_method	 pay[SHOP_PAYMENTS_MAX];
	unsigned		 npay;
	char			 secret[SHOP_SECRET_MAX + 1];
	char			 mail_spool[SHOP_PATH_MAX];
	char			 mail_command[SHOP_PATH_MAX];
	char			 mail_from[SHOP_NAME_MAX + 1];
	unsigned		 session_hours;
	unsigned		 request_max_bytes;
	struct product		 products[SHOP_PRODUCTS_MAX];
	unsigned		 nproducts;
	struct customer		 customers[SHOP_CUSTOMERS_MAX];
	unsigned		 ncustomers;
	struct api_conf		 api;		/* <Voucher-API> */
	struct admin_account	 admins[ADMIN_ACCOUNTS_MAX];
	unsigned		 nadmins;
};

/*
 * Reads the shop sections of the file at path (already accepted by
 * conf_load; vc gives the gift-voucher payment methods).  On success *out
 * is a new config the caller frees with free(); otherwise every problem
 * is in d and *out is NULL.
 */
enum ws_status	shopconf_load(const char *path, const struct voucher_conf *vc,
		    struct shop_conf **out, struct diags *d);
/* Same from memory, for tests. */
enum ws_status	shopconf_parse(const char *data, size_t len, const char *path,
		    const struct voucher_conf *vc, struct shop_conf **out,
		    struct diags *d);

const struct product *shopconf_product(const struct shop_conf *s,
		    const char *id);
const struct payment_method *shopconf_payment(const struct shop_conf *s,
		    const char *name);
const struct customer *shopconf_customer(const struct shop_conf *s,
		    const char *login);
/* Shipping for a goods total (cents) per the tiers. */
int64_t		shopconf_shipping(const struct shop_conf *s, int64_t goods);
bool		shopconf_has_gift_products(const struct shop_conf *s);
/* "check", "reserve", ...; NULL for others. */
const char     *api_op_name(enum api_op op);
const struct api_client *shopconf_api_client(const struct shop_conf *s,
		    const char *name);
const struct admin_account *shopconf_admin(const struct shop_conf *s,
		    const char *login);

#endif
