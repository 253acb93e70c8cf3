/*
 * apireq.h - the body of one POS/ERP API request (doc/api.md): an element
 * named after the operation in the namespace urn:wsvoucher:api:1, holding
 * text fields, each at most once, in any order:
 *
 *   <reserve xmlns="urn:wsvoucher:api:1">
 *     <code>ABCD-EFGH-JKLM-NPQR</code>
 *     <transaction>K1-2026-000123</transaction>
 *     <amount>12.50</amount>
 *   </reserve>
 *
 * The reader is as strict as the voucher file reader (io_xml.c): no
 * DOCTYPE, no entities, nothing loaded from anywhere, bounded depth and
 * field size; every problem comes back with its line.  The import
 * operation's body is a voucher file and goes to io_xml_parse instead.
 */
#ifndef WS_APIREQ_H
#define WS_APIREQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "shopconf.h"
#include "status.h"

#define API_NS			"urn:wsvoucher:api:1"
#define API_FIELD_MAX		256	/* bytes of one field's text */
#define API_TXN_MAX		32	/* transaction id */
#define API_BODY_MAX		16384	/* bytes of a request but import */

enum api_field {
	AF_CODE,
	AF_AMOUNT,
	AF_TRANSACTION,
	AF_HOLD_MINUTES,
	AF_REASON,
	AF__MAX
};

struct api_req {
	enum api_op	 op;
	struct {
		char	 text[API_FIELD_MAX + 1];	/* trimmed */
		unsigned line;		/* 0: not given */
	} f[AF__MAX];
	/* typed, once checked */
	int64_t		 amount;	/* cents; -1: not given */
	unsigned	 hold_minutes;	/* 0: not given */
};

/* The element name of a field ("hold-minutes"). */
const char     *api_field_name(enum api_field f);
/*
 * Reads body as a request of op and checks what op needs (required and
 * allowed fields, their forms).  WS_ERR_INVALID with every problem in d
 * (with its line); WS_ERR_NOMEM.
 */
enum ws_status	apireq_parse(const char *body, size_t len, enum api_op op,
		    struct api_req *out, struct diags *d);
/* "12.50" (exactly two decimals, at most 10 000 000.00): cents. */
bool		api_money_parse(const char *s, int64_t *cents);
/* 1 to API_TXN_MAX of A-Z a-z 0-9 . _ - : */
bool		api_id_ok(const char *s, size_t max);

#endif
