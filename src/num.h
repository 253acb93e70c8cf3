/*
 * num.h - bounded parsing and formatting of numbers, money and dates.
 *
 * Every number that comes from outside goes through these functions: they
 * take pointer+length, accept only the whole input, and refuse values out of
 * the given range.  Money is int64 minor units (cents); percentages are
 * int64 hundredths of a percent (1050 = 10.50 %); dates are UTC seconds.
 */
#ifndef WS_NUM_H
#define WS_NUM_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

/* Decimal integer, optional leading '-', no spaces, within [min, max]. */
enum ws_status	num_parse_i64(const char *s, size_t len, int64_t min,
		    int64_t max, int64_t *out);
/*
 * Money: "10", "10,5", "10,50", "10.50", "1.234,56", "-3,00" (two decimals
 * at most).  A '.' or ',' followed by exactly three digits and more digits
 * before the end is a thousands separator.  Range: |cents| <= 10^15.
 */
enum ws_status	num_parse_money(const char *s, size_t len, int64_t *cents);
/* Percent: "10", "10,5", "12.25" -> hundredths of a percent, 0 < p <= 100%. */
enum ws_status	num_parse_percent(const char *s, size_t len, int64_t *bp);
/* "1234,56" style (German decimal comma, no thousands separator). */
enum ws_status	num_format_money(struct buf *out, int64_t cents);
/* "1234.56" style, for machine formats (CSV, XML, TSV). */
enum ws_status	num_format_money_dot(struct buf *out, int64_t cents);
/* "12.5" style for hundredths of a percent, machine format. */
enum ws_status	num_format_percent(struct buf *out, int64_t bp);
/* "YYYY-MM-DD" -> UTC midnight; "YYYY-MM-DDTHH:MM:SSZ" also accepted. */
enum ws_status	num_parse_date(const char *s, size_t len, int64_t *utc);
/* UTC seconds -> "YYYY-MM-DD" / "YYYY-MM-DDTHH:MM:SSZ". */
enum ws_status	num_format_date(struct buf *out, int64_t utc);
enum ws_status	num_format_datetime(struct buf *out, int64_t utc);

#endif
