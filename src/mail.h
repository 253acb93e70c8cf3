/*
 * mail.h - the shop's mails (order confirmation, gift voucher codes):
 * into a spool folder, one complete message per file (Mail-Spool), or
 * through a sendmail-compatible command reading the message on standard
 * input (Mail-Command, e.g. "/usr/sbin/sendmail -t -i").
 */
#ifndef WS_MAIL_H
#define WS_MAIL_H

#include <stdbool.h>

#include "buf.h"
#include "shopconf.h"
#include "status.h"

/* A plain, safe address: one '@', a dot after it, no space or control. */
bool		mail_address_ok(const char *s);
/*
 * Sends one text/plain UTF-8 message.  The spool file appears whole
 * (written under a temporary name, then renamed); its path goes to
 * where (may be NULL).  WS_ERR_INVALID for a bad address or a subject
 * with a line break (no header injection), WS_ERR_IO when the spool or
 * the command failed.
 */
enum ws_status	mail_send(const struct shop_conf *s, const char *to,
		    const char *subject, const char *body, struct buf *where);

#endif
