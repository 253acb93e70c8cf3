/*
 * admin.h - the operator's pages below /admin (doc/admin.md): log in,
 * search codes, one code with its ledger, the reserved codes with release
 * and invalidate, and making a charge with its CSV download.  Rendered by
 * the shop's template engine (templates/admin_*.htm, ADMIN- tags), behind
 * operator accounts of <Voucher-Admin>, with CSRF tokens on every form.
 */
#ifndef WS_ADMIN_H
#define WS_ADMIN_H

#include "shop.h"

#define ADMIN_COOKIE		"WSADMIN"
#define ADMIN_IDLE_MINUTES	60
#define ADMIN_MAX_HOURS		8

/* Never fails: problems become 4xx/5xx pages (and a log line). */
void		admin_handle(struct shop_env *e, const struct http_request *rq,
		    struct http_response *rs);
/* Housekeeping: deletes admin sessions past their time; *n = how many. */
enum ws_status	admin_expire_sessions(struct store *s, int64_t now,
		    uint64_t *n);

#endif
