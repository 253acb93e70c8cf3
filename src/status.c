/*
 * status.c - texts for enum ws_status.
 */
#include <stddef.h>

#include "status.h"

static const char *const status_texts[WS_STATUS__MAX] = {
	[WS_OK] = "ok",
	[WS_ERR_NOMEM] = "out of memory",
	[WS_ERR_INVALID] = "invalid input",
	[WS_ERR_NOTFOUND] = "not found",
	[WS_ERR_EXISTS] = "already exists",
	[WS_ERR_IO] = "input/output error",
	[WS_ERR_DB] = "store error",
	[WS_ERR_BUSY] = "store busy, try again",
	[WS_ERR_VERSION] = "store has another schema version",
	[WS_ERR_RECOVER] = "store needs recovery, reopen it",
	[WS_ERR_LIMIT] = "limit reached",
	[WS_ERR_REFUSED] = "refused by a voucher rule",
};

const char *
ws_status_str(enum ws_status st)
{
	if ((unsigned)st >= WS_STATUS__MAX || status_texts[st] == NULL)
		return "unknown status";
	return status_texts[st];
}
