/*
 * conf.h - shop.config: sections "<Name>" ... "</Name>", "Key = value"
 * lines and '#' comments (SPEC section 7).  Only <Voucher-Txt> is ours and
 * fully typed; other sections belong to the shop and are checked for syntax
 * only.  A parse never changes the caller's config unless the whole file
 * is good, so a running server keeps its old config when a reload fails.
 */
#ifndef WS_CONF_H
#define WS_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "status.h"

#define CONF_REASON_MAX		28	/* highest ERRORS.md reason number */
#define CONF_TEXT_MAX		256
#define CONF_PAYMENT_MAX	16	/* payment method names in a list */
#define CONF_NAME_MAX		32
#define CONF_ALPHABET_MAX	64
#define CONF_PATH_MAX		512

enum conf_multi_voucher {
	CONF_MULTI_NO,
	CONF_MULTI_YES,
	CONF_MULTI_TEST,	/* only for test customers */
	CONF_MULTI__MAX
};

enum conf_input_location {
	CONF_INPUT_BASKET,
	CONF_INPUT_PLACEORDER,
	CONF_INPUT__MAX
};

enum conf_new_customer {
	CONF_NEWCUST_NO_ORDERS,		/* no order at all */
	CONF_NEWCUST_NO_COMPLETED,	/* no completed (paid) order */
	CONF_NEWCUST__MAX
};

enum conf_vat_type {
	CONF_VAT_PROPORTIONAL,		/* split over rates by line amounts */
	CONF_VAT_HIGHEST_RATE,		/* whole discount on the highest rate */
	CONF_VAT__MAX
};

/* How money and dates are written on shop pages. */
enum conf_locale {
	CONF_LOCALE_DE_DE,	/* 1.234,56 EUR  24.11.2026 */
	CONF_LOCALE_DE_CH,	/* 1'234.56 CHF  24.11.2026 */
	CONF_LOCALE_EN_GB,	/* 1,234.56 EUR  24/11/2026 */
	CONF_LOCALE__MAX
};

/* The extra-costs rule of SPEC section 4. */
enum conf_extra_costs {
	CONF_EXTRA_WITH_PRODUCTS,	/* only with an eligible product (21) */
	CONF_EXTRA_ALWAYS,		/* may cover extra costs alone */
	CONF_EXTRA_NEVER,		/* never deducted from extra costs (10) */
	CONF_EXTRA__MAX
};

struct voucher_conf {
	/* handbook keys */
	bool			 external_vouchers_allow;	/* no */
	enum conf_multi_voucher	 multi_voucher_allow;		/* no */
	enum conf_input_location input_location;		/* basket */
	enum conf_new_customer	 new_customer_definition;	/* no-orders */
	bool			 prevent_orders_not_applicable;	/* no */
	enum conf_vat_type	 vat_type;			/* proportional */
	bool			 show_percent_per_position;	/* no */
	bool			 use_rounded_percent_multi;	/* no */
	char			 name[CONF_TEXT_MAX];		/* "Gutschein" */
	char			 text_not_applicable[CONF_TEXT_MAX];
	char			 text_used_number[CONF_TEXT_MAX];
	/* this product's keys */
	enum conf_extra_costs	 extra_costs;		/* with-products */
	unsigned		 multi_voucher_max;	/* 10, 1..10 */
	unsigned		 reservation_hours;	/* 24, 1..720 */
	char			 currency[4];		/* "EUR" */
	char			 timezone[64];		/* "Europe/Berlin" */
	enum conf_locale	 locale;		/* de-DE */
	bool			 hide_reasons;		/* no */
	unsigned		 attempts_per_session;	/* 5, 1..1000 */
	unsigned		 attempts_per_address;	/* 20, 1..100000 */
	unsigned		 attempts_window_minutes; /* 15, 1..1440 */
	/* gift vouchers may only be paid with these (lower-case names) */
	char			 gift_payment[CONF_PAYMENT_MAX][CONF_NAME_MAX];
	unsigned		 gift_payment_n;	/* default paypal,creditcard */
	/* generated code format */
	char			 code_alphabet[CONF_ALPHABET_MAX + 1];
	unsigned		 code_length;	/* random characters, 16 */
	unsigned		 code_group;	/* group size, 0 = none; 4 */
	char			 code_separator; /* '-' */
	char			 code_prefix[17]; /* "" */
	bool			 code_check_char; /* yes */
	/* store */
	char			 store_directory[CONF_PATH_MAX]; /* "" = none */
	bool			 store_durable;	/* yes: fsync each commit */
	/* texts per reason; index 1..CONF_REASON_MAX, [0] unused */
	char			 reason_text[CONF_REASON_MAX + 1][CONF_TEXT_MAX];
};

/* Fills every field with its documented default. */
void		conf_defaults(struct voucher_conf *c);
/*
 * Parses a whole shop.config held in memory.  On success *out is replaced
 * and WS_OK returned; on any problem every problem is added to d (with path
 * and line), *out is untouched and WS_ERR_INVALID returned.  A missing
 * <Voucher-Txt> section is an error; so is a second one.
 */
enum ws_status	conf_parse(const char *data, size_t len, const char *path,
		    struct voucher_conf *out, struct diags *d);
/* Reads the file (at most 1 MiB) and parses it as above. */
enum ws_status	conf_load(const char *path, struct voucher_conf *out,
		    struct diags *d);
/* Reads a config-sized file (at most 1 MiB) into b. */
enum ws_status	conf_read_file(const char *path, struct buf *b,
		    struct diags *d);
/*
 * Calls fn for every "Key = value" line (trimmed) of every section called
 * section in a file conf_parse accepted: how other modules read sections
 * of their own (the shop's <Shop-...> sections, shopconf.c).
 */
typedef void	(*conf_pair_fn)(void *arg, unsigned line, const char *key,
		    size_t kn, const char *val, size_t vn);
void		conf_each_pair(const char *data, size_t len,
		    const char *section, conf_pair_fn fn, void *arg);
/* Text for a reason number (1..CONF_REASON_MAX), "" for others. */
const char     *conf_reason_text(const struct voucher_conf *c, unsigned reason);

#endif
