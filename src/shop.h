/*
 * shop.h - the shop's pages and actions, independent of FastCGI: a
 * request (method, page, query, cookie, body) goes in, a response
 * (status, headers, body) comes out.  wsvoucher.fcgi feeds it; tests can
 * call it directly.
 *
 * GET/HEAD render a template with the visitor's session.  POST runs one
 * action (?action=NAME) and answers 303 See Other to the page that shows
 * its outcome (post/redirect/get), the outcome travelling in the session
 * as a one-shot message.  POST /payment_callback is the payment
 * provider's confirmation (signed, no session).  The actions and fields
 * are listed in doc/shop.md.
 */
#ifndef WS_SHOP_H
#define WS_SHOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "codegen.h"
#include "conf.h"
#include "shopconf.h"
#include "status.h"
#include "store.h"
#include "tags.h"
#include "tmpl.h"

#define SHOP_KEY_LEN		32
#define SHOP_COOKIE		"WSSESSION"
#define SHOP_CALLBACK_PAGE	"payment_callback"
#define SHOP_CALLBACK_WINDOW	300	/* seconds a signature is good for */

typedef void (*shop_log_fn)(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

struct shop_env {
	const struct voucher_conf	*conf;
	const struct shop_conf		*shop;
	const struct codegen		*codegen;
	struct store			*store;
	struct tmpl_cache		*cache;
	shop_log_fn			 log;
	bool				 reopen;	/* out: store said so */
	/* made by shop_env_init() */
	uint8_t				 key[SHOP_KEY_LEN];
	struct tmpl_product		 products[SHOP_PRODUCTS_MAX];
	size_t				 nproducts;
};

struct http_request {
	const char	*method;	/* "GET", "HEAD", "POST" */
	const char	*page;		/* "ws_basket.htm", "payment_callback" */
	const char	*query;		/* may be NULL */
	const char	*cookie;	/* Cookie header, may be NULL */
	const char	*remote_addr;
	const char	*content_type;	/* may be NULL */
	const char	*body;
	size_t		 body_len;
	bool		 https;		/* reached over TLS: Secure cookie */
	const char	*authorization;	/* API: Authorization header */
	const char	*idempotency_key; /* API: Idempotency-Key header */
};

struct http_response {
	char		 status[48];	/* "200 OK" */
	const char	*content_type;
	struct buf	 headers;	/* extra header lines, CRLF each */
	struct buf	 body;
};

/*
 * Reads (or, the first time, makes) the shop's secret key in the store
 * and builds what pages share.  Call again after a reload.
 */
enum ws_status	shop_env_init(struct shop_env *e);
void		shop_response_init(struct http_response *rs);
void		shop_response_free(struct http_response *rs);
/* Never fails: problems become 4xx/5xx pages (and a log line). */
void		shop_handle(struct shop_env *e, const struct http_request *rq,
		    struct http_response *rs);
/*
 * Housekeeping: deletes sessions unchanged for Session-Hours (*n = how
 * many) and failed-attempt counters (shop and admin) whose window has
 * passed.
 */
enum ws_status	shop_expire_sessions(struct store *s, const struct shop_conf *sc,
		    const struct voucher_conf *vc, int64_t now, uint64_t *n);
/*
 * Failures from one client address within FailedAttempts-WindowMinutes,
 * under a key prefix ("a:" code entries and customer logins, "al:" admin
 * logins); add counts one more.  *n = failures in the window.
 */
enum ws_status	shop_failures(struct shop_env *e, const char *prefix,
		    const char *addr, bool add, uint64_t *n);
/* The provider's signature of a callback: hex HMAC-SHA256 of msg. */
void		shop_callback_sign(const char *secret, const char *msg,
		    char out[65]);

#endif
