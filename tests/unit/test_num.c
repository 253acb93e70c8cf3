/*
 * test_num.c - numbers, money, percentages and dates from outside.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "num.h"

static const struct {
	const char	*in;
	enum ws_status	 st;
	int64_t		 cents;
	int		 line;
} money_cases[] = {
	{ "10", WS_OK, 1000, __LINE__ },
	{ "10,00", WS_OK, 1000, __LINE__ },
	{ "10.5", WS_OK, 1050, __LINE__ },
	{ "0,01", WS_OK, 1, __LINE__ },
	{ "1.234,56", WS_OK, 123456, __LINE__ },
	{ "1,234.56", WS_OK, 123456, __LINE__ },
	{ "1.234.567,00", WS_OK, 123456700, __LINE__ },
	{ "1.234", WS_ERR_INVALID, 0, __LINE__ },
	{ "1,234,567", WS_ERR_INVALID, 0, __LINE__ },
	{ "1,234,56", WS_ERR_INVALID, 0, __LINE__ },
	{ "-3,00", WS_OK, -300, __LINE__ },
	{ "", WS_ERR_INVALID, 0, __LINE__ },
	{ "10,", WS_ERR_INVALID, 0, __LINE__ },
	{ ",50", WS_ERR_INVALID, 0, __LINE__ },
	{ "10,001", WS_ERR_INVALID, 0, __LINE__ },
	{ "1e3", WS_ERR_INVALID, 0, __LINE__ },
	{ " 10", WS_ERR_INVALID, 0, __LINE__ },
	{ "12.34.5", WS_ERR_INVALID, 0, __LINE__ },
	{ "99999999999999999999", WS_ERR_INVALID, 0, __LINE__ },
	{ "10000000000000,01", WS_ERR_INVALID, 0, __LINE__ },
};

Test(num, money_table)
{
	size_t i;

	for (i = 0; i < sizeof(money_cases) / sizeof(money_cases[0]); i++) {
		int64_t c = -1;
		enum ws_status st = num_parse_money(money_cases[i].in,
		    strlen(money_cases[i].in), &c);

		cr_expect_eq(st, money_cases[i].st, "line %d: \"%s\"",
		    money_cases[i].line, money_cases[i].in);
		if (st == WS_OK)
			cr_expect_eq(c, money_cases[i].cents, "line %d: %lld",
			    money_cases[i].line, (long long)c);
	}
}

Test(num, percent)
{
	int64_t bp;

	cr_expect_eq(num_parse_percent("10", 2, &bp), WS_OK);
	cr_expect_eq(bp, 1000);
	cr_expect_eq(num_parse_percent("12,5%", 5, &bp), WS_OK);
	cr_expect_eq(bp, 1250);
	cr_expect_eq(num_parse_percent("100", 3, &bp), WS_OK);
	cr_expect_neq(num_parse_percent("100,01", 6, &bp), WS_OK);
	cr_expect_neq(num_parse_percent("0", 1, &bp), WS_OK);
	cr_expect_neq(num_parse_percent("-5", 2, &bp), WS_OK);
}

Test(num, i64_bounds)
{
	int64_t v;

	cr_expect_eq(num_parse_i64("9223372036854775807", 19, INT64_MIN,
	    INT64_MAX, &v), WS_OK);
	cr_expect_eq(v, INT64_MAX);
	cr_expect_eq(num_parse_i64("-9223372036854775808", 20, INT64_MIN,
	    INT64_MAX, &v), WS_OK);
	cr_expect_eq(v, INT64_MIN);
	cr_expect_neq(num_parse_i64("9223372036854775808", 19, INT64_MIN,
	    INT64_MAX, &v), WS_OK);
	cr_expect_neq(num_parse_i64("11", 2, 0, 10, &v), WS_OK);
	cr_expect_neq(num_parse_i64("1 ", 2, 0, 10, &v), WS_OK);
	cr_expect_neq(num_parse_i64("-", 1, -10, 10, &v), WS_OK);
}

Test(num, dates_round_trip)
{
	static const char *const good[] = { "1970-01-01", "2024-02-29",
	    "2026-11-25", "9999-12-31", "2026-11-25T23:59:59Z" };
	static const char *const bad[] = { "2023-02-29", "2026-13-01",
	    "2026-00-10", "2026-1-01", "26-11-25", "2026-11-25T24:00:00Z",
	    "1969-12-31", "2026-11-31", "" };
	struct buf b = BUF_INIT;
	int64_t t;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		cr_expect_eq(num_parse_date(good[i], strlen(good[i]), &t),
		    WS_OK, "%s", good[i]);
		buf_reset(&b);
		if (strlen(good[i]) == 10)
			num_format_date(&b, t);
		else
			num_format_datetime(&b, t);
		cr_expect_str_eq(buf_cstr(&b), good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_neq(num_parse_date(bad[i], strlen(bad[i]), &t),
		    WS_OK, "%s", bad[i]);
	cr_expect_eq(num_parse_date("2026-11-25", 10, &t), WS_OK);
	cr_expect_eq(t, 1795564800);
	buf_free(&b);
}

Test(num, format_money)
{
	struct buf b = BUF_INIT;

	num_format_money(&b, 123456);
	cr_expect_str_eq(buf_cstr(&b), "1234,56");
	buf_reset(&b);
	num_format_money(&b, -5);
	cr_expect_str_eq(buf_cstr(&b), "-0,05");
	buf_reset(&b);
	num_format_money_dot(&b, 1000);
	cr_expect_str_eq(buf_cstr(&b), "10.00");
	buf_reset(&b);
	num_format_percent(&b, 1250);
	cr_expect_str_eq(buf_cstr(&b), "12.5");
	buf_free(&b);
}
