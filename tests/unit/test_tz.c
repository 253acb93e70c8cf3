/*
 * test_tz.c - days in the shop's time zone against UTC instants.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "num.h"
#include "tz.h"

static int64_t
utc(const char *iso)
{
	int64_t t;

	cr_assert_eq(num_parse_date(iso, strlen(iso), &t), WS_OK, "%s", iso);
	return t;
}

Test(tz, utc_by_default)
{
	int64_t t;

	cr_assert_eq(tz_parse_date("2026-12-31", 10, true, &t), WS_OK);
	cr_expect_eq(t, utc("2026-12-31T23:59:59Z"));
}

Test(tz, berlin_winter_and_summer)
{
	struct buf b = BUF_INIT;
	int64_t t;

	cr_assert_eq(tz_use("Europe/Berlin"), WS_OK);
	cr_assert_eq(tz_parse_date("2026-12-31", 10, true, &t), WS_OK);
	cr_expect_eq(t, utc("2026-12-31T22:59:59Z"), "CET is UTC+1");
	cr_assert_eq(tz_parse_date("2026-07-01", 10, false, &t), WS_OK);
	cr_expect_eq(t, utc("2026-06-30T22:00:00Z"), "CEST is UTC+2");
	/* late on the 24th in UTC is already the 25th in Berlin */
	cr_assert_eq(tz_format_iso_date(&b, utc("2026-11-24T23:30:00Z")),
	    WS_OK);
	cr_expect_str_eq(buf_cstr(&b), "2026-11-25");
	cr_expect_neq(tz_parse_date("2026-02-30", 10, false, &t), WS_OK);
	cr_expect_neq(tz_parse_date("2026-2-3", 8, false, &t), WS_OK);
	buf_free(&b);
}
