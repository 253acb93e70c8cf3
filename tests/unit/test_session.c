/*
 * test_session.c - the shop's own records (record.c): a full session and
 * a full order survive encode/decode; every cut, a wrong format byte, a
 * count or quantity out of range, an over-long or NUL-holding string and
 * trailing bytes are refused as damaged (WS_ERR_DB) without reading past
 * the end; session ids; the basket's lines and codes; order states.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "order.h"
#include "record.h"
#include "session.h"

/* A string of n copies of c into dst (n + 1 bytes). */
static void
fill(char *dst, char c, size_t n)
{
	memset(dst, c, n);
	dst[n] = '\0';
}

/* Every field set, every array full, every string at its longest. */
static void
full_session(struct session *s)
{
	uint32_t i;

	memset(s, 0, sizeof(*s));
	cr_assert_eq(session_random_id(s->id), WS_OK);
	cr_assert_eq(session_random_id(s->basket), WS_OK);
	fill(s->customer, 'c', SHOP_LOGIN_MAX);
	s->created = INT64_C(1790000000);
	s->seen = -INT64_C(5);		/* signed values survive */
	for (i = 0; i < BASKET_LINES_MAX; i++) {
		/* ids of every length up to SHOP_ID_MAX */
		snprintf(s->lines[i].product, sizeof(s->lines[i].product),
		    "p%02u-%.*s", i, (int)(i % (SHOP_ID_MAX - 3)),
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		s->lines[i].quantity = 1 + i * 2;	/* 1 .. 99 */
	}
	s->nlines = BASKET_LINES_MAX;
	for (i = 0; i < BASKET_VOUCHERS_MAX; i++) {
		fill(s->codes[i], (char)('A' + i), VOUCHER_CODE_MAX);
		s->codes[i][0] = (char)('0' + i);
	}
	s->ncodes = BASKET_VOUCHERS_MAX;
	fill(s->payment, 'y', SHOP_ID_MAX);
	s->fails = UINT32_MAX;
	s->fails_since = INT64_MAX;
	s->flash_reason = 28;
	fill(s->flash_notice, 'n', SESSION_NOTICE_MAX - 1);
	s->flash_login_failed = true;
	cr_assert_eq(session_random_id(s->last_order), WS_OK);
}

static void
full_order(struct order *o)
{
	uint32_t i;

	memset(o, 0, sizeof(*o));
	fill(o->number, '9', ORDER_NUMBER_MAX);
	fill(o->basket, 'b', VOUCHER_HOLDER_MAX);
	fill(o->customer, 'c', SHOP_LOGIN_MAX);
	fill(o->email, 'e', ORDER_MAIL_MAX);
	o->email[10] = '@';
	o->created = INT64_C(1790000000);
	o->state = ORDER_PAID;
	fill(o->payment, 'p', SHOP_ID_MAX);
	o->subtotal = INT64_MAX;
	o->extra = INT64_MIN;
	o->discount = -1;
	o->total = 0;
	o->paid_by_vouchers = 12345;
	o->due = 67890;
	for (i = 0; i < BASKET_VOUCHERS_MAX; i++) {
		fill(o->codes[i], (char)('A' + i), VOUCHER_CODE_MAX);
		o->code_amounts[i] = (int64_t)i * 1000 - 3000;
	}
	o->ncodes = BASKET_VOUCHERS_MAX;
	for (i = 0; i < ORDER_GIFTS_MAX; i++) {
		o->gift_amounts[i] = 2500 * (int64_t)(i + 1);
		fill(o->gift_codes[i], (char)('a' + i), VOUCHER_CODE_MAX);
	}
	o->ngifts = ORDER_GIFTS_MAX;
	fill(o->transaction, 't', ORDER_TXN_MAX);
}

static bool
session_is_zero(const struct session *s)
{
	static const struct session zero;

	return memcmp(s, &zero, sizeof(zero)) == 0;
}

static bool
order_is_zero(const struct order *o)
{
	static const struct order zero;

	return memcmp(o, &zero, sizeof(zero)) == 0;
}

/*
 * Decodes a copy of data[0..len) held in a heap block of exactly len
 * bytes, so that ASan catches any read past the end.
 */
static enum ws_status
session_decode_exact(const char *data, size_t len, struct session *s)
{
	char *copy = malloc(len > 0 ? len : 1);
	enum ws_status st;

	cr_assert_not_null(copy);
	memcpy(copy, data, len);
	st = session_decode(copy, len, s);
	free(copy);
	return st;
}

static enum ws_status
order_decode_exact(const char *data, size_t len, struct order *o)
{
	char *copy = malloc(len > 0 ? len : 1);
	enum ws_status st;

	cr_assert_not_null(copy);
	memcpy(copy, data, len);
	st = order_decode(copy, len, o);
	free(copy);
	return st;
}

/*
 * Replaces the string field at off (2-byte length + bytes) of rec with
 * the string s (no NUL check: s may hold anything, sn bytes).
 */
static void
replace_str(struct buf *rec, size_t off, const char *s, size_t sn)
{
	struct buf out = BUF_INIT;
	size_t old;
	unsigned char x[2];

	cr_assert(off + 2 <= rec->len);
	old = ((size_t)(unsigned char)rec->data[off] << 8) |
	    (unsigned char)rec->data[off + 1];
	cr_assert(off + 2 + old <= rec->len);
	x[0] = (unsigned char)(sn >> 8);
	x[1] = (unsigned char)sn;
	cr_assert_eq(buf_append(&out, rec->data, off), WS_OK);
	cr_assert_eq(buf_append(&out, x, 2), WS_OK);
	cr_assert_eq(buf_append(&out, s, sn), WS_OK);
	cr_assert_eq(buf_append(&out, rec->data + off + 2 + old,
	    rec->len - off - 2 - old), WS_OK);
	buf_free(rec);
	*rec = out;
}

/* Overwrites the 8-byte integer at off. */
static void
put_u64_at(struct buf *rec, size_t off, uint64_t v)
{
	int i;

	cr_assert(off + 8 <= rec->len);
	for (i = 7; i >= 0; i--) {
		rec->data[off + (size_t)i] = (char)(unsigned char)v;
		v >>= 8;
	}
}

/* Offsets into a session record of full_session()'s shape. */
#define S_OFF_ID	1
#define S_OFF_BASKET	(S_OFF_ID + 2 + SESSION_ID_LEN)
#define S_OFF_CUSTOMER	(S_OFF_BASKET + 2 + SESSION_ID_LEN)
#define S_OFF_NLINES(cl)	(S_OFF_CUSTOMER + 2 + (cl) + 8 + 8)

/* --- records ---------------------------------------------------------- */

Test(record, primitives)
{
	struct buf b = BUF_INIT;
	struct rec_reader r;
	char s[8];

	cr_assert_eq(rec_put_u64(&b, UINT64_C(0x0102030405060708)), WS_OK);
	cr_assert_eq(rec_put_str(&b, "abc"), WS_OK);
	cr_assert_eq(rec_put_str(&b, ""), WS_OK);
	cr_assert_eq(b.len, 8 + 2 + 3 + 2);
	/* integers big-endian, strings with a 16-bit length */
	cr_expect(memcmp(b.data, "\1\2\3\4\5\6\7\10\0\3abc\0\0", b.len) == 0);

	rec_reader_init(&r, b.data, b.len);
	cr_expect_eq(rec_get_u64(&r), UINT64_C(0x0102030405060708));
	rec_get_str(&r, s, sizeof(s));
	cr_expect_str_eq(s, "abc");
	cr_expect_not(rec_done(&r));
	rec_get_str(&r, s, sizeof(s));
	cr_expect_str_eq(s, "");
	cr_expect(rec_done(&r));
	/* reading on at the end marks the record bad */
	cr_expect_eq(rec_get_u64(&r), 0);
	cr_expect(r.bad);
	cr_expect_not(rec_done(&r));

	/* a string that does not fit its destination */
	rec_reader_init(&r, b.data + 8, b.len - 8);
	rec_get_str(&r, s, 3);
	cr_expect(r.bad);
	cr_expect_str_eq(s, "");
	/* ... and the reader stays bad */
	rec_get_str(&r, s, sizeof(s));
	cr_expect_str_eq(s, "");
	cr_expect_not(rec_done(&r));

	/* NULL data reads as empty */
	rec_reader_init(&r, NULL, 5);
	cr_expect(rec_done(&r));
	cr_expect_eq(rec_get_u64(&r), 0);
	cr_expect_not(rec_done(&r));
	buf_free(&b);
}

Test(record, string_limit)
{
	struct buf b = BUF_INIT;
	char *big = malloc(0x10001);

	cr_assert_not_null(big);
	fill(big, 'x', 0xffff);
	cr_expect_eq(rec_put_str(&b, big), WS_OK);
	cr_expect_eq(b.len, 2 + 0xffff);
	buf_reset(&b);
	fill(big, 'x', 0x10000);
	cr_expect_eq(rec_put_str(&b, big), WS_ERR_LIMIT);
	free(big);
	buf_free(&b);
}

/* --- session encoding ------------------------------------------------- */

Test(session, round_trip_full)
{
	struct session s, t;
	struct buf b = BUF_INIT;

	full_session(&s);
	cr_assert_eq(session_encode(&s, &b), WS_OK);
	cr_assert_eq(session_decode_exact(b.data, b.len, &t), WS_OK);
	cr_expect_str_eq(t.id, s.id);
	cr_expect_str_eq(t.basket, s.basket);
	cr_expect_str_eq(t.customer, s.customer);
	cr_expect_eq(t.created, s.created);
	cr_expect_eq(t.seen, s.seen);
	cr_expect_eq(t.nlines, BASKET_LINES_MAX);
	cr_expect_str_eq(t.lines[49].product, s.lines[49].product);
	cr_expect_eq(t.lines[49].quantity, 99);
	cr_expect_eq(t.ncodes, BASKET_VOUCHERS_MAX);
	cr_expect_str_eq(t.codes[9], s.codes[9]);
	cr_expect_eq(strlen(t.codes[9]), VOUCHER_CODE_MAX);
	cr_expect_str_eq(t.payment, s.payment);
	cr_expect_eq(t.fails, UINT32_MAX);
	cr_expect_eq(t.fails_since, INT64_MAX);
	cr_expect_eq(t.flash_reason, 28);
	cr_expect_str_eq(t.flash_notice, s.flash_notice);
	cr_expect(t.flash_login_failed);
	cr_expect_str_eq(t.last_order, s.last_order);
	/* and nothing else: both zeroed first, so bytes compare */
	cr_expect(memcmp(&s, &t, sizeof(s)) == 0, "decoded session differs");
	buf_free(&b);
}

Test(session, round_trip_minimal)
{
	struct session s, t;
	struct buf b = BUF_INIT;

	cr_assert_eq(session_init(&s, 1000), WS_OK);
	cr_assert_eq(session_encode(&s, &b), WS_OK);
	cr_assert_eq(session_decode_exact(b.data, b.len, &t), WS_OK);
	cr_expect(memcmp(&s, &t, sizeof(s)) == 0, "decoded session differs");
	cr_expect_eq(t.nlines, 0);
	cr_expect_eq(t.ncodes, 0);
	cr_expect_str_eq(t.customer, "");
	cr_expect_not(t.flash_login_failed);
	buf_free(&b);
}

Test(session, encode_resets_output)
{
	struct session s, t;
	struct buf b = BUF_INIT;

	cr_assert_eq(session_init(&s, 1), WS_OK);
	cr_assert_eq(buf_append_str(&b, "old junk"), WS_OK);
	cr_assert_eq(session_encode(&s, &b), WS_OK);
	cr_expect_eq(session_decode(b.data, b.len, &t), WS_OK);
	buf_free(&b);
}

Test(session, every_truncation_refused)
{
	struct session s, t;
	struct buf b = BUF_INIT;
	size_t len;

	full_session(&s);
	cr_assert_eq(session_encode(&s, &b), WS_OK);
	for (len = 0; len < b.len; len++) {
		memset(&t, 0x5a, sizeof(t));
		cr_expect_eq(session_decode_exact(b.data, len, &t), WS_ERR_DB,
		    "cut at %zu of %zu decoded", len, b.len);
		cr_expect(session_is_zero(&t), "cut at %zu: output not "
		    "cleared", len);
	}
	/* the same with the smallest record */
	cr_assert_eq(session_init(&s, 7), WS_OK);
	cr_assert_eq(session_encode(&s, &b), WS_OK);
	for (len = 0; len < b.len; len++)
		cr_expect_eq(session_decode_exact(b.data, len, &t), WS_ERR_DB,
		    "minimal: cut at %zu of %zu decoded", len, b.len);
	cr_expect_eq(session_decode(NULL, 0, &t), WS_ERR_DB);
	cr_expect_eq(session_decode(NULL, 10, &t), WS_ERR_DB);
	buf_free(&b);
}

Test(session, trailing_bytes_refused)
{
	struct session s, t;
	struct buf b = BUF_INIT;

	full_session(&s);
	cr_assert_eq(session_encode(&s, &b), WS_OK);
	cr_assert_eq(buf_append_char(&b, '\0'), WS_OK);
	cr_expect_eq(session_decode_exact(b.data, b.len, &t), WS_ERR_DB);
	cr_expect(session_is_zero(&t));
	buf_free(&b);
}

Test(session, format_byte)
{
	struct session s, t;
	struct buf b = BUF_INIT;
	unsigned v;

	full_session(&s);
	cr_assert_eq(session_encode(&s, &b), WS_OK);
	cr_assert_eq((unsigned char)b.data[0], 1);
	for (v = 0; v < 256; v++) {
		if (v == 1)
			continue;
		b.data[0] = (char)v;
		cr_expect_eq(session_decode_exact(b.data, b.len, &t),
		    WS_ERR_DB, "format byte %u accepted", v);
	}
	/* flipping one bit of the real one */
	b.data[0] = (char)(1 ^ 0x80);
	cr_expect_eq(session_decode_exact(b.data, b.len, &t), WS_ERR_DB);
	buf_free(&b);
}

Test(session, quantity_range)
{
	static const struct {
		uint32_t	q;
		enum ws_status	st;
	} cases[] = {
		{ 0, WS_ERR_DB },
		{ 1, WS_OK },
		{ BASKET_QTY_MAX, WS_OK },
		{ BASKET_QTY_MAX + 1, WS_ERR_DB },
		{ UINT32_MAX, WS_ERR_DB },
	};
	struct session s, t;
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(session_init(&s, 1), WS_OK);
		memcpy(s.lines[0].product, "mug-5", 6);
		s.lines[0].quantity = 1;
		memcpy(s.lines[1].product, "book", 5);
		s.lines[1].quantity = cases[i].q;
		s.nlines = 2;
		cr_assert_eq(session_encode(&s, &b), WS_OK);
		cr_expect_eq(session_decode_exact(b.data, b.len, &t),
		    cases[i].st, "quantity %u", cases[i].q);
	}
	buf_free(&b);
}

Test(session, counts_out_of_range)
{
	struct session s, t;
	struct buf b = BUF_INIT;
	size_t off = S_OFF_NLINES(SHOP_LOGIN_MAX);

	full_session(&s);
	cr_assert_eq(session_encode(&s, &b), WS_OK);
	/* the line count where we expect it */
	cr_assert_eq((unsigned char)b.data[off + 7], BASKET_LINES_MAX);
	put_u64_at(&b, off, BASKET_LINES_MAX + 1);
	cr_expect_eq(session_decode_exact(b.data, b.len, &t), WS_ERR_DB);
	put_u64_at(&b, off, UINT64_MAX);
	cr_expect_eq(session_decode_exact(b.data, b.len, &t), WS_ERR_DB);
	/* a smaller count leaves bytes over */
	put_u64_at(&b, off, BASKET_LINES_MAX - 1);
	cr_expect_eq(session_decode_exact(b.data, b.len, &t), WS_ERR_DB);

	/* the code count: no lines, then the count */
	cr_assert_eq(session_init(&s, 1), WS_OK);
	memcpy(s.codes[0], "CODE", 5);
	s.ncodes = 1;
	cr_assert_eq(session_encode(&s, &b), WS_OK);
	off = S_OFF_NLINES(0) + 8;
	cr_assert_eq((unsigned char)b.data[off + 7], 1);
	put_u64_at(&b, off, BASKET_VOUCHERS_MAX + 1);
	cr_expect_eq(session_decode_exact(b.data, b.len, &t), WS_ERR_DB);
	put_u64_at(&b, off, 1);
	cr_expect_eq(session_decode_exact(b.data, b.len, &t), WS_OK);
	buf_free(&b);
}

Test(session, strings_checked)
{
	char big[SHOP_LOGIN_MAX + 2];
	struct session s, t;
	struct buf b = BUF_INIT;

	/* a customer one byte longer than the field */
	full_session(&s);
	cr_assert_eq(session_encode(&s, &b), WS_OK);
	fill(big, 'c', SHOP_LOGIN_MAX + 1);
	replace_str(&b, S_OFF_CUSTOMER, big, SHOP_LOGIN_MAX + 1);
	cr_expect_eq(session_decode_exact(b.data, b.len, &t), WS_ERR_DB);
	/* exactly as long is fine (the replacement itself is sound) */
	replace_str(&b, S_OFF_CUSTOMER, big, SHOP_LOGIN_MAX);
	cr_expect_eq(session_decode_exact(b.data, b.len, &t), WS_OK);
	/* a NUL inside a string */
	replace_str(&b, S_OFF_CUSTOMER, "ab\0cd", 5);
	cr_expect_eq(session_decode_exact(b.data, b.len, &t), WS_ERR_DB);
	/* a length beyond the end of the record */
	replace_str(&b, S_OFF_CUSTOMER, "", 0);
	b.data[S_OFF_CUSTOMER] = (char)0xff;
	b.data[S_OFF_CUSTOMER + 1] = (char)0xff;
	cr_expect_eq(session_decode_exact(b.data, b.len, &t), WS_ERR_DB);
	buf_free(&b);
}

Test(session, ids_checked_on_decode)
{
	static const char *const bad[] = {
		"0123456789ABCDEF0123456789abcdef",	/* upper case */
		"0123456789abcdef0123456789abcdeg",
		"0123456789abcdef0123456789abcde",	/* 31 */
		"",
	};
	struct session s, t;
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(session_init(&s, 1), WS_OK);
		cr_assert_eq(session_encode(&s, &b), WS_OK);
		replace_str(&b, S_OFF_ID, bad[i], strlen(bad[i]));
		cr_expect_eq(session_decode_exact(b.data, b.len, &t),
		    WS_ERR_DB, "id \"%s\" accepted", bad[i]);
		cr_assert_eq(session_encode(&s, &b), WS_OK);
		replace_str(&b, S_OFF_BASKET, bad[i], strlen(bad[i]));
		cr_expect_eq(session_decode_exact(b.data, b.len, &t),
		    WS_ERR_DB, "basket \"%s\" accepted", bad[i]);
	}
	buf_free(&b);
}

/* --- session ids ------------------------------------------------------ */

Test(session, id_ok)
{
	static const struct {
		const char	*s;
		bool		 ok;
	} cases[] = {
		{ "0123456789abcdef0123456789abcdef", true },
		{ "00000000000000000000000000000000", true },
		{ "ffffffffffffffffffffffffffffffff", true },
		{ "0123456789abcdef0123456789abcde", false },
		{ "0123456789abcdef0123456789abcdef0", false },
		{ "0123456789ABCDEF0123456789abcdef", false },
		{ "0123456789abcdef0123456789abcdeg", false },
		{ "0123456789abcdef 123456789abcdef", false },
		{ "0123456789abcdef0123456789abcde\n", false },
		{ "", false },
		{ "../../../../../../../../../../etc", false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(session_id_ok(cases[i].s), cases[i].ok,
		    "\"%s\"", cases[i].s);
}

Test(session, random_id)
{
	char a[SESSION_ID_LEN + 1], b[SESSION_ID_LEN + 1];
	size_t i;

	memset(a, '#', sizeof(a));
	memset(b, '#', sizeof(b));
	cr_assert_eq(session_random_id(a), WS_OK);
	cr_assert_eq(session_random_id(b), WS_OK);
	cr_expect_eq(strlen(a), SESSION_ID_LEN);
	for (i = 0; i < SESSION_ID_LEN; i++)
		cr_expect(strchr("0123456789abcdef", a[i]) != NULL,
		    "\"%s\": not lower-case hex", a);
	cr_expect(session_id_ok(a), "\"%s\"", a);
	cr_expect(session_id_ok(b), "\"%s\"", b);
	cr_expect_str_neq(a, b);
}

Test(session, init)
{
	struct session s;

	memset(&s, 0x5a, sizeof(s));
	cr_assert_eq(session_init(&s, 1234), WS_OK);
	cr_expect(session_id_ok(s.id));
	cr_expect(session_id_ok(s.basket));
	cr_expect_str_neq(s.id, s.basket);
	cr_expect_eq(s.created, 1234);
	cr_expect_eq(s.seen, 1234);
	cr_expect_eq(s.nlines, 0);
	cr_expect_eq(s.ncodes, 0);
	cr_expect_str_eq(s.customer, "");
	cr_expect_str_eq(s.payment, "");
	cr_expect_str_eq(s.last_order, "");
}

Test(session, keys)
{
	char k[64];

	session_key("0123456789abcdef0123456789abcdef", k, sizeof(k));
	cr_expect_str_eq(k, "s:0123456789abcdef0123456789abcdef");
	session_key("0123456789abcdef", k, 6);
	cr_expect_str_eq(k, "s:012");
	order_key("2026-000123", k, sizeof(k));
	cr_expect_str_eq(k, "o:2026-000123");
}

/* --- lines and codes -------------------------------------------------- */

static void
add_line(struct session *s, const char *id, uint32_t q)
{
	cr_assert_lt(s->nlines, BASKET_LINES_MAX);
	snprintf(s->lines[s->nlines].product,
	    sizeof(s->lines[s->nlines].product), "%s", id);
	s->lines[s->nlines].quantity = q;
	s->nlines++;
}

static void
add_code(struct session *s, const char *code)
{
	cr_assert_lt(s->ncodes, BASKET_VOUCHERS_MAX);
	snprintf(s->codes[s->ncodes], sizeof(s->codes[s->ncodes]), "%s",
	    code);
	s->ncodes++;
}

Test(session, find)
{
	struct session s;

	cr_assert_eq(session_init(&s, 1), WS_OK);
	cr_expect_eq(session_find_line(&s, "a"), -1);
	cr_expect_eq(session_find_code(&s, "A"), -1);
	add_line(&s, "a", 1);
	add_line(&s, "b", 2);
	add_line(&s, "c", 3);
	add_code(&s, "AAAA");
	add_code(&s, "BBBB");
	cr_expect_eq(session_find_line(&s, "a"), 0);
	cr_expect_eq(session_find_line(&s, "c"), 2);
	cr_expect_eq(session_find_line(&s, "d"), -1);
	cr_expect_eq(session_find_line(&s, ""), -1);
	/* exact match only */
	cr_expect_eq(session_find_line(&s, "A"), -1);
	cr_expect_eq(session_find_code(&s, "BBBB"), 1);
	cr_expect_eq(session_find_code(&s, "BBB"), -1);
	cr_expect_eq(session_find_code(&s, "BBBBB"), -1);
	cr_expect_eq(session_find_code(&s, "bbbb"), -1);
}

Test(session, drop_line_keeps_order)
{
	struct session s;

	cr_assert_eq(session_init(&s, 1), WS_OK);
	add_line(&s, "a", 1);
	add_line(&s, "b", 2);
	add_line(&s, "c", 3);
	add_line(&s, "d", 4);
	session_drop_line(&s, 1);		/* b */
	cr_assert_eq(s.nlines, 3);
	cr_expect_str_eq(s.lines[0].product, "a");
	cr_expect_str_eq(s.lines[1].product, "c");
	cr_expect_eq(s.lines[1].quantity, 3);
	cr_expect_str_eq(s.lines[2].product, "d");
	cr_expect_eq(s.lines[2].quantity, 4);
	/* the freed slot is cleared */
	cr_expect_str_eq(s.lines[3].product, "");
	cr_expect_eq(s.lines[3].quantity, 0);
	session_drop_line(&s, 2);		/* d, the last */
	cr_assert_eq(s.nlines, 2);
	cr_expect_str_eq(s.lines[1].product, "c");
	session_drop_line(&s, 0);		/* a, the first */
	cr_assert_eq(s.nlines, 1);
	cr_expect_str_eq(s.lines[0].product, "c");
	session_drop_line(&s, 1);		/* out of range: nothing */
	session_drop_line(&s, 99);
	cr_expect_eq(s.nlines, 1);
	session_drop_line(&s, 0);
	cr_expect_eq(s.nlines, 0);
	session_drop_line(&s, 0);		/* empty: nothing */
	cr_expect_eq(s.nlines, 0);
}

Test(session, drop_code_keeps_order)
{
	struct session s;
	unsigned i;

	cr_assert_eq(session_init(&s, 1), WS_OK);
	add_code(&s, "AAAA");
	add_code(&s, "BBBB");
	add_code(&s, "CCCC");
	session_drop_code(&s, 0);
	cr_assert_eq(s.ncodes, 2);
	cr_expect_str_eq(s.codes[0], "BBBB");
	cr_expect_str_eq(s.codes[1], "CCCC");
	cr_expect_str_eq(s.codes[2], "");
	session_drop_code(&s, 5);
	cr_expect_eq(s.ncodes, 2);

	/* a full list, dropping from the middle and the end */
	cr_assert_eq(session_init(&s, 1), WS_OK);
	for (i = 0; i < BASKET_VOUCHERS_MAX; i++) {
		char c[8];

		snprintf(c, sizeof(c), "C%u", i);
		add_code(&s, c);
	}
	session_drop_code(&s, 4);
	session_drop_code(&s, BASKET_VOUCHERS_MAX - 2);
	cr_assert_eq(s.ncodes, BASKET_VOUCHERS_MAX - 2);
	cr_expect_str_eq(s.codes[3], "C3");
	cr_expect_str_eq(s.codes[4], "C5");
	cr_expect_str_eq(s.codes[BASKET_VOUCHERS_MAX - 3], "C8");
	cr_expect_eq(session_find_code(&s, "C9"), -1);
	cr_expect_eq(session_find_code(&s, "C4"), -1);
}

/* --- orders ----------------------------------------------------------- */

Test(order, round_trip_full)
{
	struct order o, p;
	struct buf b = BUF_INIT;

	full_order(&o);
	cr_assert_eq(order_encode(&o, &b), WS_OK);
	cr_assert_eq(order_decode_exact(b.data, b.len, &p), WS_OK);
	cr_expect_str_eq(p.number, o.number);
	cr_expect_str_eq(p.basket, o.basket);
	cr_expect_str_eq(p.customer, o.customer);
	cr_expect_str_eq(p.email, o.email);
	cr_expect_eq(p.created, o.created);
	cr_expect_eq(p.state, ORDER_PAID);
	cr_expect_str_eq(p.payment, o.payment);
	cr_expect_eq(p.subtotal, INT64_MAX);
	cr_expect_eq(p.extra, INT64_MIN);
	cr_expect_eq(p.discount, -1);
	cr_expect_eq(p.total, 0);
	cr_expect_eq(p.paid_by_vouchers, 12345);
	cr_expect_eq(p.due, 67890);
	cr_expect_eq(p.ncodes, BASKET_VOUCHERS_MAX);
	cr_expect_str_eq(p.codes[9], o.codes[9]);
	cr_expect_eq(p.code_amounts[0], -3000);
	cr_expect_eq(p.code_amounts[9], 6000);
	cr_expect_eq(p.ngifts, ORDER_GIFTS_MAX);
	cr_expect_eq(p.gift_amounts[9], 25000);
	cr_expect_str_eq(p.gift_codes[9], o.gift_codes[9]);
	cr_expect_str_eq(p.transaction, o.transaction);
	cr_expect(memcmp(&o, &p, sizeof(o)) == 0, "decoded order differs");
	buf_free(&b);
}

Test(order, round_trip_minimal)
{
	struct order o, p;
	struct buf b = BUF_INIT;

	memset(&o, 0, sizeof(o));
	memcpy(o.number, "1", 2);
	cr_assert_eq(order_encode(&o, &b), WS_OK);
	cr_assert_eq(order_decode_exact(b.data, b.len, &p), WS_OK);
	cr_expect(memcmp(&o, &p, sizeof(o)) == 0, "decoded order differs");
	cr_expect_eq(p.state, ORDER_PLACED);
	buf_free(&b);
}

Test(order, every_truncation_refused)
{
	struct order o, p;
	struct buf b = BUF_INIT;
	size_t len;

	full_order(&o);
	cr_assert_eq(order_encode(&o, &b), WS_OK);
	for (len = 0; len < b.len; len++) {
		memset(&p, 0x5a, sizeof(p));
		cr_expect_eq(order_decode_exact(b.data, len, &p), WS_ERR_DB,
		    "cut at %zu of %zu decoded", len, b.len);
		cr_expect(order_is_zero(&p), "cut at %zu: output not "
		    "cleared", len);
	}
	cr_assert_eq(buf_append_char(&b, 'x'), WS_OK);
	cr_expect_eq(order_decode_exact(b.data, b.len, &p), WS_ERR_DB);
	cr_expect_eq(order_decode(NULL, 0, &p), WS_ERR_DB);
	buf_free(&b);
}

Test(order, format_byte)
{
	struct order o, p;
	struct buf b = BUF_INIT;

	full_order(&o);
	cr_assert_eq(order_encode(&o, &b), WS_OK);
	cr_assert_eq((unsigned char)b.data[0], 1);
	b.data[0] = 0;
	cr_expect_eq(order_decode_exact(b.data, b.len, &p), WS_ERR_DB);
	b.data[0] = 2;
	cr_expect_eq(order_decode_exact(b.data, b.len, &p), WS_ERR_DB);
	b.data[0] = (char)0x81;
	cr_expect_eq(order_decode_exact(b.data, b.len, &p), WS_ERR_DB);
	buf_free(&b);
}

Test(order, state_and_counts_checked)
{
	struct order o, p;
	struct buf b = BUF_INIT;
	size_t gifts, codes;

	full_order(&o);
	o.state = ORDER_STATE__MAX;
	cr_assert_eq(order_encode(&o, &b), WS_OK);
	cr_expect_eq(order_decode_exact(b.data, b.len, &p), WS_ERR_DB);

	/*
	 * The counts, found from the end of full_order()'s record: code
	 * count, codes (string + amount), gift count, gifts (amount +
	 * string), transaction.
	 */
	full_order(&o);
	cr_assert_eq(order_encode(&o, &b), WS_OK);
	gifts = b.len - (2 + ORDER_TXN_MAX) -
	    ORDER_GIFTS_MAX * (8 + 2 + VOUCHER_CODE_MAX) - 8;
	codes = gifts - BASKET_VOUCHERS_MAX * (2 + VOUCHER_CODE_MAX + 8) - 8;
	cr_assert_eq((unsigned char)b.data[gifts + 7], ORDER_GIFTS_MAX);
	cr_assert_eq((unsigned char)b.data[codes + 7], BASKET_VOUCHERS_MAX);
	put_u64_at(&b, gifts, ORDER_GIFTS_MAX + 1);
	cr_expect_eq(order_decode_exact(b.data, b.len, &p), WS_ERR_DB);
	put_u64_at(&b, gifts, UINT64_MAX);
	cr_expect_eq(order_decode_exact(b.data, b.len, &p), WS_ERR_DB);
	put_u64_at(&b, gifts, ORDER_GIFTS_MAX);
	cr_expect_eq(order_decode_exact(b.data, b.len, &p), WS_OK);
	put_u64_at(&b, codes, BASKET_VOUCHERS_MAX + 1);
	cr_expect_eq(order_decode_exact(b.data, b.len, &p), WS_ERR_DB);
	put_u64_at(&b, codes, UINT64_MAX);
	cr_expect_eq(order_decode_exact(b.data, b.len, &p), WS_ERR_DB);
	buf_free(&b);
}

Test(order, state_names)
{
	cr_expect_str_eq(order_state_name(ORDER_PLACED), "placed");
	cr_expect_str_eq(order_state_name(ORDER_AWAITING_PAYMENT),
	    "awaiting-payment");
	cr_expect_str_eq(order_state_name(ORDER_PAID), "paid");
	cr_expect_str_eq(order_state_name(ORDER_STATE__MAX), "unknown");
	cr_expect_str_eq(order_state_name((enum order_state)99), "unknown");
}
