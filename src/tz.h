/*
 * tz.h - the shop's time zone.  Instants are UTC inside; a date that a
 * person writes or reads ("valid until 2026-12-31") is a day in the shop's
 * zone.  The zone is process-wide (TZ): wsvoucher processes are single-
 * threaded and serve one shop.  Until tz_use() is called it is UTC.
 */
#ifndef WS_TZ_H
#define WS_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "status.h"

/* Uses zone (IANA name; "" or NULL = UTC) from now on; cheap if unchanged. */
enum ws_status	tz_use(const char *zone);
/* "YYYY-MM-DD" in the zone -> its first (or, end_of_day, last) second. */
enum ws_status	tz_parse_date(const char *s, size_t len, bool end_of_day,
		    int64_t *utc);
/* The local date and time of an instant. */
enum ws_status	tz_local(int64_t utc, struct tm *out);
/* "YYYY-MM-DD" of the local day of utc. */
enum ws_status	tz_format_iso_date(struct buf *out, int64_t utc);

#endif
