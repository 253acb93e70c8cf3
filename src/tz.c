/*
 * tz.c - the shop's time zone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "tz.h"

static char tz_current[80] = "\001";	/* nothing set yet */

enum ws_status
tz_use(const char *zone)
{
	char value[84];

	if (zone == NULL)
		zone = "";
	if (strlen(zone) >= sizeof(tz_current) - 1)
		return WS_ERR_INVALID;
	if (strcmp(zone, tz_current) == 0)
		return WS_OK;
	/* ":" makes glibc read the zone file, never parse a POSIX rule */
	snprintf(value, sizeof(value), ":%s", zone[0] != '\0' ? zone : "UTC");
	if (setenv("TZ", value, 1) != 0)
		return WS_ERR_NOMEM;
	tzset();
	memcpy(tz_current, zone, strlen(zone) + 1);
	return WS_OK;
}

static void
tz_default(void)
{
	if (tz_current[0] == '\001')
		tz_use("");
}

enum ws_status
tz_parse_date(const char *s, size_t len, bool end_of_day, int64_t *utc)
{
	struct tm tm;
	int64_t day;
	time_t t;

	tz_default();
	/* num_parse_date checks the calendar; gmtime gives its fields back */
	if (len != 10 || num_parse_date(s, len, &day) != WS_OK)
		return WS_ERR_INVALID;
	t = (time_t)day;
	if (gmtime_r(&t, &tm) == NULL)
		return WS_ERR_INVALID;
	tm.tm_hour = end_of_day ? 23 : 0;
	tm.tm_min = end_of_day ? 59 : 0;
	tm.tm_sec = end_of_day ? 59 : 0;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return WS_ERR_INVALID;
	*utc = (int64_t)t;
	return WS_OK;
}

enum ws_status
tz_local(int64_t utc, struct tm *out)
{
	time_t t = (time_t)utc;

	tz_default();
	return localtime_r(&t, out) != NULL ? WS_OK : WS_ERR_INVALID;
}

enum ws_status
tz_format_iso_date(struct buf *out, int64_t utc)
{
	struct tm tm;

	if (tz_local(utc, &tm) != WS_OK)
		return WS_ERR_INVALID;
	return buf_printf(out, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
}
