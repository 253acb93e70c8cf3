/*
 * status.h - the one status type every fallible function returns.
 *
 * Success is WS_OK and is never spelled 0 at a return.  Callers check every
 * status; the first error in a function wins and is what it returns.
 */
#ifndef WS_STATUS_H
#define WS_STATUS_H

enum ws_status {
	WS_OK = 0,
	WS_ERR_NOMEM,		/* allocation failed */
	WS_ERR_INVALID,		/* bad input: nothing was changed */
	WS_ERR_NOTFOUND,	/* no such record */
	WS_ERR_EXISTS,		/* record already there */
	WS_ERR_IO,		/* file or OS error */
	WS_ERR_DB,		/* store error other than the ones below */
	WS_ERR_BUSY,		/* deadlock retries used up or lock timeout */
	WS_ERR_VERSION,		/* store has another schema version */
	WS_ERR_RECOVER,		/* environment must be reopened (recovery) */
	WS_ERR_LIMIT,		/* a size or count limit was reached */
	WS_ERR_REFUSED,		/* a voucher rule said no: see the reason */
	WS_STATUS__MAX
};

/* Short English text for a status, never NULL. */
const char *ws_status_str(enum ws_status st);

#endif
