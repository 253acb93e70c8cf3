/*
 * session.c - the session record and its encoding (see session.h).
 *
 * Encoding: a version byte, then the fields in a fixed order; integers
 * big-endian, strings a 16-bit length and the bytes.  Decoding checks
 * every length against what is left and the field's size.
 */
#include <string.h>
#include <sys/random.h>

#include "hmac.h"
#include "record.h"
#include "session.h"

#define SESSION_FORMAT	1

enum ws_status
session_random_id(char out[SESSION_ID_LEN + 1])
{
	uint8_t raw[SESSION_ID_LEN / 2];
	size_t got = 0;
	ssize_t r;

	while (got < sizeof(raw)) {
		r = getrandom(raw + got, sizeof(raw) - got, 0);
		if (r < 0)
			return WS_ERR_IO;
		got += (size_t)r;
	}
	hex_encode(raw, sizeof(raw), out);
	return WS_OK;
}

bool
session_id_ok(const char *s)
{
	size_t i;

	for (i = 0; i < SESSION_ID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[SESSION_ID_LEN] == '\0';
}

void
session_key(const char *id, char *out, size_t size)
{
	snprintf(out, size, "s:%s", id);
}

enum ws_status
session_init(struct session *s, int64_t now)
{
	enum ws_status st;

	memset(s, 0, sizeof(*s));
	if ((st = session_random_id(s->id)) != WS_OK ||
	    (st = session_random_id(s->basket)) != WS_OK)
		return st;
	s->created = now;
	s->seen = now;
	return WS_OK;
}

/* --- encoding --------------------------------------------------------------- */

enum ws_status
session_encode(const struct session *s, struct buf *out)
{
	enum ws_status st;
	uint32_t i;

	buf_reset(out);
	st = buf_append_char(out, SESSION_FORMAT);
	if (st == WS_OK)
		st = rec_put_str(out, s->id);
	if (st == WS_OK)
		st = rec_put_str(out, s->basket);
	if (st == WS_OK)
		st = rec_put_str(out, s->customer);
	if (st == WS_OK)
		st = rec_put_u64(out, (uint64_t)s->created);
	if (st == WS_OK)
		st = rec_put_u64(out, (uint64_t)s->seen);
	if (st == WS_OK)
		st = rec_put_u64(out, s->nlines);
	for (i = 0; st == WS_OK && i < s->nlines; i++) {
		st = rec_put_str(out, s->lines[i].product);
		if (st == WS_OK)
			st = rec_put_u64(out, s->lines[i].quantity);
	}
	if (st == WS_OK)
		st = rec_put_u64(out, s->ncodes);
	for (i = 0; st == WS_OK && i < s->ncodes; i++)
		st = rec_put_str(out, s->codes[i]);
	if (st == WS_OK)
		st = rec_put_str(out, s->payment);
	if (st == WS_OK)
		st = rec_put_u64(out, s->fails);
	if (st == WS_OK)
		st = rec_put_u64(out, (uint64_t)s->fails_since);
	if (st == WS_OK)
		st = rec_put_u64(out, s->flash_reason);
	if (st == WS_OK)
		st = rec_put_str(out, s->flash_notice);
	if (st == WS_OK)
		st = rec_put_u64(out, s->flash_login_failed);
	if (st == WS_OK)
		st = rec_put_str(out, s->last_order);
	return st;
}

enum ws_status
session_decode(const void *data, size_t len, struct session *s)
{
	struct rec_reader r;
	uint64_t n, q;
	uint32_t i;

	memset(s, 0, sizeof(*s));
	if (data == NULL || len < 1 ||
	    *(const unsigned char *)data != SESSION_FORMAT)
		return WS_ERR_DB;
	rec_reader_init(&r, (const unsigned char *)data + 1, len - 1);
	rec_get_str(&r, s->id, sizeof(s->id));
	rec_get_str(&r, s->basket, sizeof(s->basket));
	rec_get_str(&r, s->customer, sizeof(s->customer));
	s->created = (int64_t)rec_get_u64(&r);
	s->seen = (int64_t)rec_get_u64(&r);
	n = rec_get_u64(&r);
	if (n > BASKET_LINES_MAX)
		r.bad = true;
	for (i = 0; !r.bad && i < n; i++) {
		rec_get_str(&r, s->lines[i].product, sizeof(s->lines[i].product));
		q = rec_get_u64(&r);
		if (q == 0 || q > BASKET_QTY_MAX)
			r.bad = true;
		s->lines[i].quantity = (uint32_t)q;
	}
	s->nlines = (uint32_t)n;
	n = rec_get_u64(&r);
	if (n > BASKET_VOUCHERS_MAX)
		r.bad = true;
	for (i = 0; !r.bad && i < n; i++)
		rec_get_str(&r, s->codes[i], sizeof(s->codes[i]));
	s->ncodes = (uint32_t)n;
	rec_get_str(&r, s->payment, sizeof(s->payment));
	s->fails = (uint32_t)rec_get_u64(&r);
	s->fails_since = (int64_t)rec_get_u64(&r);
	s->flash_reason = (uint32_t)rec_get_u64(&r);
	rec_get_str(&r, s->flash_notice, sizeof(s->flash_notice));
	s->flash_login_failed = rec_get_u64(&r) != 0;
	rec_get_str(&r, s->last_order, sizeof(s->last_order));
	if (!rec_done(&r) || !session_id_ok(s->id) ||
	    !session_id_ok(s->basket)) {
		memset(s, 0, sizeof(*s));
		return WS_ERR_DB;
	}
	return WS_OK;
}

/* --- lines and codes ----------------------------------------------------------- */

int
session_find_line(const struct session *s, const char *id)
{
	uint32_t i;

	for (i = 0; i < s->nlines; i++)
		if (strcmp(s->lines[i].product, id) == 0)
			return (int)i;
	return -1;
}

int
session_find_code(const struct session *s, const char *code)
{
	uint32_t i;

	for (i = 0; i < s->ncodes; i++)
		if (strcmp(s->codes[i], code) == 0)
			return (int)i;
	return -1;
}

void
session_drop_line(struct session *s, unsigned i)
{
	if (i >= s->nlines)
		return;
	memmove(&s->lines[i], &s->lines[i + 1],
	    (s->nlines - i - 1) * sizeof(s->lines[0]));
	s->nlines--;
	memset(&s->lines[s->nlines], 0, sizeof(s->lines[0]));
}

void
session_drop_code(struct session *s, unsigned i)
{
	if (i >= s->ncodes)
		return;
	memmove(s->codes[i], s->codes[i + 1],
	    (s->ncodes - i - 1) * sizeof(s->codes[0]));
	s->ncodes--;
	memset(s->codes[s->ncodes], 0, sizeof(s->codes[0]));
}
