/*
 * num.c - bounded parsing and formatting of numbers, money and dates.
 */
#include <stdbool.h>
#include <string.h>

#include "num.h"

#define MONEY_LIMIT	1000000000000000LL	/* 10^15 cents */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

enum ws_status
num_parse_i64(const char *s, size_t len, int64_t min, int64_t max,
    int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	uint64_t acc = 0, limit;

	if (len == 0 || len > 20)
		return WS_ERR_INVALID;
	if (s[0] == '-') {
		neg = true;
		i = 1;
		if (len == 1)
			return WS_ERR_INVALID;
	}
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (!is_digit(s[i]))
			return WS_ERR_INVALID;
		if (acc > (limit - (uint64_t)(s[i] - '0')) / 10)
			return WS_ERR_INVALID;
		acc = acc * 10 + (uint64_t)(s[i] - '0');
	}
	{
		int64_t v;

		if (neg)
			v = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
			    -(int64_t)acc;
		else
			v = (int64_t)acc;
		if (v < min || v > max)
			return WS_ERR_INVALID;
		*out = v;
	}
	return WS_OK;
}

/*
 * Parses "int[sep frac]" with at most two fraction digits into hundredths.
 * Thousands separators are the other of '.'/',' than the decimal mark, or
 * the same one when followed by exactly three digits and another separator.
 */
static enum ws_status
parse_hundredths(const char *s, size_t len, int64_t limit, int64_t *out)
{
	size_t i = 0, last_sep = len;
	bool neg = false;
	int64_t whole = 0, frac = 0;
	int fdigits = 0, idigits = 0;

	if (len == 0 || len > 40)
		return WS_ERR_INVALID;
	if (s[0] == '-') {
		neg = true;
		i = 1;
	}
	/* The decimal mark is the last '.' or ',' if 1 or 2 digits follow. */
	{
		size_t j;

		for (j = len; j > i; j--) {
			if (s[j - 1] == '.' || s[j - 1] == ',') {
				if (len - j >= 1 && len - j <= 2)
					last_sep = j - 1;
				break;
			}
		}
	}
	for (; i < last_sep; i++) {
		char c = s[i];

		if (c == '.' || c == ',') {
			/* A grouping mark must be followed by 3 digits. */
			size_t k;

			/* Grouping only beside a decimal mark of the other
			 * kind: "10,001" or "1.234" alone are ambiguous. */
			if (idigits == 0 || last_sep == len ||
			    c == s[last_sep])
				return WS_ERR_INVALID;
			for (k = 1; k <= 3; k++)
				if (i + k >= last_sep || !is_digit(s[i + k]))
					return WS_ERR_INVALID;
			if (i + 4 < last_sep && s[i + 4] != c)
				return WS_ERR_INVALID;
			continue;
		}
		if (!is_digit(c))
			return WS_ERR_INVALID;
		if (whole > (limit / 100 - (c - '0')) / 10)
			return WS_ERR_INVALID;
		whole = whole * 10 + (c - '0');
		idigits++;
	}
	if (idigits == 0)
		return WS_ERR_INVALID;
	if (last_sep < len) {
		for (i = last_sep + 1; i < len; i++) {
			if (!is_digit(s[i]))
				return WS_ERR_INVALID;
			frac = frac * 10 + (s[i] - '0');
			fdigits++;
		}
		if (fdigits == 1)
			frac *= 10;
	}
	*out = (whole * 100 + frac) * (neg ? -1 : 1);
	if (*out > limit || *out < -limit)
		return WS_ERR_INVALID;
	return WS_OK;
}

enum ws_status
num_parse_money(const char *s, size_t len, int64_t *cents)
{
	return parse_hundredths(s, len, MONEY_LIMIT, cents);
}

enum ws_status
num_parse_percent(const char *s, size_t len, int64_t *bp)
{
	int64_t v;
	enum ws_status st;

	if (len > 0 && s[len - 1] == '%')
		len--;
	st = parse_hundredths(s, len, 10000, &v);
	if (st != WS_OK)
		return st;
	if (v <= 0 || v > 10000)
		return WS_ERR_INVALID;
	*bp = v;
	return WS_OK;
}

static enum ws_status
format_hundredths(struct buf *out, int64_t v, char mark, bool trim)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	unsigned frac = (unsigned)(a % 100);

	if (trim && frac == 0)
		return buf_printf(out, "%s%llu", v < 0 ? "-" : "",
		    (unsigned long long)(a / 100));
	if (trim && frac % 10 == 0)
		return buf_printf(out, "%s%llu%c%u", v < 0 ? "-" : "",
		    (unsigned long long)(a / 100), mark, frac / 10);
	return buf_printf(out, "%s%llu%c%02u", v < 0 ? "-" : "",
	    (unsigned long long)(a / 100), mark, frac);
}

enum ws_status
num_format_money(struct buf *out, int64_t cents)
{
	return format_hundredths(out, cents, ',', false);
}

enum ws_status
num_format_money_dot(struct buf *out, int64_t cents)
{
	return format_hundredths(out, cents, '.', false);
}

enum ws_status
num_format_percent(struct buf *out, int64_t bp)
{
	return format_hundredths(out, bp, '.', true);
}

/* Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

static bool
digits(const char *s, size_t n, int64_t *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

enum ws_status
num_parse_date(const char *s, size_t len, int64_t *utc)
{
	int64_t y, mo, d, h = 0, mi = 0, se = 0;
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (len != 10 && len != 20)
		return WS_ERR_INVALID;
	if (s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
	    !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d))
		return WS_ERR_INVALID;
	if (len == 20) {
		if (s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
		    s[19] != 'Z' || !digits(s + 11, 2, &h) ||
		    !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se))
			return WS_ERR_INVALID;
		if (h > 23 || mi > 59 || se > 59)
			return WS_ERR_INVALID;
	}
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1])
		return WS_ERR_INVALID;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return WS_ERR_INVALID;
	*utc = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + se;
	return WS_OK;
}

static void
split_time(int64_t utc, int64_t *y, unsigned *mo, unsigned *d, unsigned *h,
    unsigned *mi, unsigned *se)
{
	int64_t days = utc / 86400, rem = utc % 86400;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, y, mo, d);
	*h = (unsigned)(rem / 3600);
	*mi = (unsigned)(rem % 3600 / 60);
	*se = (unsigned)(rem % 60);
}

enum ws_status
num_format_date(struct buf *out, int64_t utc)
{
	int64_t y;
	unsigned mo, d, h, mi, se;

	split_time(utc, &y, &mo, &d, &h, &mi, &se);
	return buf_printf(out, "%04lld-%02u-%02u", (long long)y, mo, d);
}

enum ws_status
num_format_datetime(struct buf *out, int64_t utc)
{
	int64_t y;
	unsigned mo, d, h, mi, se;

	split_time(utc, &y, &mo, &d, &h, &mi, &se);
	return buf_printf(out, "%04lld-%02u-%02uT%02u:%02u:%02uZ",
	    (long long)y, mo, d, h, mi, se);
}
