/*
 * charge.h - making a charge (batch) of new codes.
 *
 * Codes are written in transactions of CHARGE_BATCH codes, each code put
 * with "create only", so a code that exists already (a collision, however
 * unlikely at 80 bits) is drawn again instead of overwriting.  The charge
 * record counts the codes made and is marked complete at the end; a charge
 * cut short by a crash shows as incomplete with the codes it has.
 */
#ifndef WS_CHARGE_H
#define WS_CHARGE_H

#include <stdint.h>

#include "codegen.h"
#include "store.h"
#include "voucher.h"

#define CHARGE_BATCH	2000u
#define CHARGE_MAX	10000000u	/* codes in one charge */

struct charge_request {
	struct voucher	 proto;		/* everything but the code */
	uint64_t	 count;
	const char	*creator;
	const char	*label;
};

/* Gets each code after the transaction that made it has committed. */
typedef enum ws_status (*charge_code_fn)(const char *code, void *arg);
typedef void (*charge_progress_fn)(uint64_t done, uint64_t total, void *arg);

/*
 * Creates the charge; proto.charge_id "" gets a new id ("C" + UTC time +
 * random).  The proto is validated first (err says why not).  out gets the
 * final charge record.
 */
enum ws_status	charge_create(struct store *s, const struct codegen *g,
		    const struct charge_request *req, charge_code_fn on_code,
		    charge_progress_fn on_progress, void *arg,
		    struct charge *out, struct buf *err);

#endif
