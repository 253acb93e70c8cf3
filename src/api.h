/*
 * api.h - the POS/ERP API: XML over HTTP, served by wsvoucher.fcgi under
 * /api/OPERATION (doc/api.md is the reference, doc/api.xsd the schema).
 *
 * Every call names its client and key (Authorization: Bearer NAME:KEY);
 * the key's SHA-256 is in <Voucher-API> and compared in constant time,
 * and each client may call only the operations listed for it.  Every
 * changing call carries an Idempotency-Key: its answer is stored with the
 * effect, in the same transaction, so a retry gets the identical answer
 * and has no second effect, and the same key with another body is refused
 * (409).  Answers carry the reason numbers of ERRORS.md.
 */
#ifndef WS_API_H
#define WS_API_H

#include "shop.h"

#define API_IDEM_MAX	64	/* Idempotency-Key */

/* Never fails: problems become 4xx/5xx answers (and a log line). */
void		api_handle(struct shop_env *e, const struct http_request *rq,
		    struct http_response *rs);
/*
 * Housekeeping: deletes stored answers older than RequestIds-Hours, in
 * short batches; *n = how many.
 */
enum ws_status	api_expire_ids(struct store *s, const struct shop_conf *sc,
		    int64_t now, uint64_t *n);

#endif
