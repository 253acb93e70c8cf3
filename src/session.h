/*
 * session.h - a visitor's session: the basket (lines and voucher codes),
 * who is logged in, the chosen payment method, failed code attempts and
 * the one-shot message the next page shows (post/redirect/get).
 *
 * Stored in the store's shop.db under "s:<id>".  The id is 128 random
 * bits in hex and only ever travels in an HttpOnly cookie; the basket id
 * (the holder of the basket's voucher reservations) is a second random
 * value that survives a login, which gives the visitor a new session id.
 */
#ifndef WS_SESSION_H
#define WS_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basket.h"
#include "buf.h"
#include "shopconf.h"
#include "status.h"
#include "voucher.h"

#define SESSION_ID_LEN		32	/* hex digits of 128 bits */
#define SESSION_NOTICE_MAX	256

struct session_line {
	char		 product[SHOP_ID_MAX + 1];
	uint32_t	 quantity;
};

struct session {
	char			 id[SESSION_ID_LEN + 1];
	char			 basket[SESSION_ID_LEN + 1];
	char			 customer[SHOP_LOGIN_MAX + 1];	/* "" */
	int64_t			 created;
	int64_t			 seen;
	struct session_line	 lines[BASKET_LINES_MAX];
	uint32_t		 nlines;
	char			 codes[BASKET_VOUCHERS_MAX][VOUCHER_CODE_MAX + 1];
	uint32_t		 ncodes;
	char			 payment[SHOP_ID_MAX + 1];
	uint32_t		 fails;		/* failed code attempts ... */
	int64_t			 fails_since;	/* ... counted from here */
	uint32_t		 flash_reason;	/* MSG-Voucher_error */
	char			 flash_notice[SESSION_NOTICE_MAX];
	bool			 flash_login_failed;
	char			 last_order[SESSION_ID_LEN + 1];
};

/* A fresh session with new random id and basket id. */
enum ws_status	session_init(struct session *s, int64_t now);
/* 32 lower-case hex digits of 128 random bits. */
enum ws_status	session_random_id(char out[SESSION_ID_LEN + 1]);
bool		session_id_ok(const char *s);
/* "s:<id>" */
void		session_key(const char *id, char *out, size_t size);

enum ws_status	session_encode(const struct session *s, struct buf *out);
/* WS_ERR_DB for a damaged record (never read past its end). */
enum ws_status	session_decode(const void *data, size_t len,
		    struct session *s);

/* Index of the line with product id, or -1. */
int		session_find_line(const struct session *s, const char *id);
/* Index of code among the basket's vouchers, or -1. */
int		session_find_code(const struct session *s, const char *code);
void		session_drop_line(struct session *s, unsigned i);
void		session_drop_code(struct session *s, unsigned i);

#endif
