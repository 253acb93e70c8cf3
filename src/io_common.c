/*
 * io_common.c - what the CSV and XML import/export share: the import set,
 * reading a whole file, the column names, the rules for each field's
 * value (io_row_build), the set that finds a Number given twice, and the
 * text of each field for the writers.
 *
 * Reports: io_read_file says in err why a file cannot be read (naming the
 * path); io_row_build adds one diagnostic per bad value, naming the field
 * and saying what is allowed.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "codegen.h"
#include "io.h"
#include "io_private.h"
#include "tz.h"
#include "num.h"

#define IO_READ_CHUNK	(64u * 1024)
#define IO_SHOW_MAX	40		/* bytes of a bad value in a message */
#define IO_HUGE_MIN	(8u * 1024 * 1024)	/* worth huge pages */

/* ---- import set --------------------------------------------------------- */

void
import_set_init(struct import_set *s)
{
	s->rows = NULL;
	s->n = 0;
	s->cap = 0;
}

void
import_set_free(struct import_set *s)
{
	free(s->rows);
	import_set_init(s);
}

/*
 * A row is over a kilobyte (struct voucher is), so a million rows is over a
 * gigabyte that is touched once, page by page.  Transparent huge pages make
 * that first touch several times cheaper; the advice is only advice.
 */
static void
io_set_advise(struct import_set *s)
{
#ifdef MADV_HUGEPAGE
	uintptr_t start = (uintptr_t)s->rows, end, page = 4096;
	size_t bytes = s->cap * sizeof(*s->rows);

	if (bytes < IO_HUGE_MIN)
		return;
	end = (start + bytes) & ~(page - 1);
	start = (start + page - 1) & ~(page - 1);
	if (end > start)
		(void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
	(void)s;
#endif
}

enum ws_status
io_set_reserve(struct import_set *s, size_t n)
{
	struct import_row *r;

	if (n > IO_ROWS_MAX)
		n = IO_ROWS_MAX;
	if (n <= s->cap)
		return WS_OK;
	if (n > SIZE_MAX / sizeof(*r))
		return WS_ERR_LIMIT;
	r = realloc(s->rows, n * sizeof(*r));
	if (r == NULL)
		return WS_ERR_NOMEM;
	s->rows = r;
	s->cap = n;
	io_set_advise(s);
	return WS_OK;
}

enum ws_status
import_set_add(struct import_set *s, struct import_row **row)
{
	struct import_row *r;
	enum ws_status st;

	if (s->n >= IO_ROWS_MAX)
		return WS_ERR_LIMIT;
	if (s->n == s->cap) {
		st = io_set_reserve(s, s->cap == 0 ? 64 : s->cap * 2);
		if (st != WS_OK)
			return st;
	}
	r = &s->rows[s->n++];
	/* voucher_init clears the record; clear what comes before it. */
	memset(r, 0, offsetof(struct import_row, v));
	r->op = IMPORT_UPSERT;
	voucher_init(&r->v);
	*row = r;
	return WS_OK;
}

/* ---- reading a file ----------------------------------------------------- */

static void
io_errf(struct buf *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
io_errf(struct buf *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	/* A message that cannot be stored is lost; the status still says. */
	(void)buf_vprintf(err, fmt, ap);
	va_end(ap);
}

enum ws_status
io_read_file(const char *path, size_t max, struct buf *out, struct buf *err)
{
	struct stat st;
	enum ws_status rc = WS_OK;
	int fd;

	buf_reset(out);
	/* O_NONBLOCK: opening a FIFO must not hang before fstat refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		io_errf(err, "%s: cannot open: %s", path, strerror(errno));
		return WS_ERR_IO;
	}
	if (fstat(fd, &st) == -1) {
		io_errf(err, "%s: cannot stat: %s", path, strerror(errno));
		rc = WS_ERR_IO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		io_errf(err, "%s: not a regular file", path);
		rc = WS_ERR_INVALID;
		goto out;
	}
	if (st.st_size < 0 || (uintmax_t)st.st_size > max) {
		io_errf(err, "%s: %jd bytes, more than the %zu allowed", path,
		    (intmax_t)st.st_size, max);
		rc = WS_ERR_LIMIT;
		goto out;
	}
	rc = buf_reserve(out, (size_t)st.st_size);
	if (rc != WS_OK) {
		io_errf(err, "%s: %s", path, ws_status_str(rc));
		goto out;
	}
	/* The file may grow after fstat: read at most max + 1 bytes. */
	for (;;) {
		size_t room, want;
		ssize_t n;

		if (out->len > max) {
			io_errf(err, "%s: more than the %zu bytes allowed",
			    path, max);
			rc = WS_ERR_LIMIT;
			goto out;
		}
		if (out->cap - out->len <= 1) {
			rc = buf_reserve(out, IO_READ_CHUNK);
			if (rc != WS_OK) {
				io_errf(err, "%s: %s", path,
				    ws_status_str(rc));
				goto out;
			}
		}
		room = out->cap - out->len - 1;
		want = max + 1 - out->len;
		if (want > room)
			want = room;
		n = read(fd, out->data + out->len, want);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			io_errf(err, "%s: cannot read: %s", path,
			    strerror(errno));
			rc = WS_ERR_IO;
			goto out;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
	}
	out->data[out->len] = '\0';
out:
	close(fd);
	if (rc != WS_OK)
		buf_reset(out);
	return rc;
}

/* ---- columns ------------------------------------------------------------ */

static const char *const io_col_names[IO_COL__MAX] = {
	[IO_COL_NUMBER] = "Number",
	[IO_COL_AMOUNT] = "Amount",
	[IO_COL_AMOUNT_TYPE] = "AmountType",
	[IO_COL_CHARGE] = "ChargeId",
	[IO_COL_CURRENCY] = "Currency",
	[IO_COL_MIN_ORDER] = "MinOrderValue",
	[IO_COL_PRODUCTS] = "Products",
	[IO_COL_CATEGORIES] = "Categories",
	[IO_COL_STATE] = "State",
	[IO_COL_TYPE] = "Type",
	[IO_COL_TYPE2] = "Type2",
	[IO_COL_USED] = "UsedAmount",
	[IO_COL_VALID_FROM] = "ValidFrom",
	[IO_COL_VALID_UNTIL] = "ValidUntil",
	[IO_COL_SUBSHOP] = "Subshop",
	[IO_COL_MAX_REDEEM] = "MaxRedemptions",
	[IO_COL_CHANNELS] = "Channels",
};

const char *
io_col_name(enum io_col c)
{
	if ((unsigned)c >= IO_COL__MAX)
		return "?";
	return io_col_names[c];
}

const char *
io_col_list(void)
{
	return "Number, Amount, AmountType, ChargeId, Currency, "
	    "MinOrderValue, Products, Categories, State, Type, Type2, "
	    "UsedAmount, ValidFrom, ValidUntil, Subshop, MaxRedemptions, "
	    "Channels";
}

enum ws_status
io_col_lookup(const char *s, size_t len, bool nocase, enum io_col *out)
{
	unsigned i;

	for (i = 0; i < IO_COL__MAX; i++) {
		const char *name = io_col_names[i];

		if (strlen(name) != len)
			continue;
		if (nocase ? strncasecmp(name, s, len) == 0 :
		    memcmp(name, s, len) == 0) {
			*out = (enum io_col)i;
			return WS_OK;
		}
	}
	return WS_ERR_NOTFOUND;
}

/* ---- text --------------------------------------------------------------- */

enum io_text
io_text_check(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i];
		uint32_t cp;
		size_t n, k;

		if (c < 0x80) {
			if (c == 0)
				return IO_TEXT_NUL;
			if (c < 0x20 || c == 0x7f)
				return IO_TEXT_CONTROL;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else
			return IO_TEXT_UTF8;
		if (len - i - 1 < n)
			return IO_TEXT_UTF8;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return IO_TEXT_UTF8;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return IO_TEXT_UTF8;
		if (cp <= 0x9f)		/* C1 controls U+0080..U+009F */
			return IO_TEXT_CONTROL;
		i += n + 1;
	}
	return IO_TEXT_OK;
}

/* Length of the UTF-8 sequence at s if it is one printable character. */
static size_t
io_show_seq(const unsigned char *s, size_t len)
{
	size_t n;

	if (s[0] < 0xc2)
		return 0;
	n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (n > len || io_text_check((const char *)s, n) != IO_TEXT_OK)
		return 0;
	return n;
}

void
io_show(char *dst, size_t size, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, limit;

	if (size < 8) {
		if (size > 0)
			dst[0] = '\0';
		return;
	}
	limit = size - 4 < IO_SHOW_MAX ? size - 4 : IO_SHOW_MAX;
	while (i < len) {
		size_t n = 1;

		if (p[i] >= 0x20 && p[i] < 0x7f) {
			if (o + 1 > limit)
				break;
			dst[o++] = (char)p[i];
		} else if (p[i] >= 0x80 && (n = io_show_seq(p + i,
		    len - i)) > 0) {
			if (o + n > limit)
				break;
			memcpy(dst + o, p + i, n);
			o += n;
		} else {
			n = 1;
			if (o + 1 > limit)
				break;
			dst[o++] = '?';
		}
		i += n;
	}
	if (i < len) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

/* ---- the set of codes of one file --------------------------------------- */

#define IO_ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define IO_SIPROUND(v0, v1, v2, v3) do {				\
	v0 += v1; v1 = IO_ROTL(v1, 13); v1 ^= v0; v0 = IO_ROTL(v0, 32);	\
	v2 += v3; v3 = IO_ROTL(v3, 16); v3 ^= v2;			\
	v0 += v3; v3 = IO_ROTL(v3, 21); v3 ^= v0;			\
	v2 += v1; v1 = IO_ROTL(v1, 17); v1 ^= v2; v2 = IO_ROTL(v2, 32);	\
} while (0)

/* SipHash-2-4 of s with the key (k0, k1). */
static uint64_t
io_siphash(uint64_t k0, uint64_t k1, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
	uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
	uint64_t v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t m, b = (uint64_t)len << 56;
	size_t i, j, full = len - len % 8;

	for (i = 0; i < full; i += 8) {
		m = 0;
		for (j = 0; j < 8; j++)
			m |= (uint64_t)p[i + j] << (8 * j);
		v3 ^= m;
		IO_SIPROUND(v0, v1, v2, v3);
		IO_SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	for (j = 0; i + j < len; j++)
		b |= (uint64_t)p[i + j] << (8 * j);
	v3 ^= b;
	IO_SIPROUND(v0, v1, v2, v3);
	IO_SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	IO_SIPROUND(v0, v1, v2, v3);
	IO_SIPROUND(v0, v1, v2, v3);
	IO_SIPROUND(v0, v1, v2, v3);
	IO_SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

enum ws_status
io_codeset_init(struct io_codeset *cs)
{
	uint64_t k[2];
	size_t n = 1024;

	/* Without entropy the set still works, only it can be flooded. */
	if (getrandom(k, sizeof(k), GRND_NONBLOCK) != (ssize_t)sizeof(k)) {
		k[0] = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)cs;
		k[1] = (uint64_t)getpid() * 0x9e3779b97f4a7c15ULL;
	}
	cs->k0 = k[0];
	cs->k1 = k[1];
	cs->n = 0;
	cs->slots = calloc(n, sizeof(*cs->slots));
	if (cs->slots == NULL) {
		cs->mask = 0;
		return WS_ERR_NOMEM;
	}
	cs->mask = n - 1;
	return WS_OK;
}

void
io_codeset_free(struct io_codeset *cs)
{
	free(cs->slots);
	cs->slots = NULL;
	cs->mask = 0;
	cs->n = 0;
}

/* Doubles the table; the stored hash bits say where each entry goes. */
static enum ws_status
io_codeset_grow(struct io_codeset *cs)
{
	size_t n = (cs->mask + 1) * 2, i, mask = n - 1;
	uint64_t *slots;

	if (n > (size_t)1 << 32 || n > SIZE_MAX / sizeof(*slots))
		return WS_ERR_LIMIT;
	slots = calloc(n, sizeof(*slots));
	if (slots == NULL)
		return WS_ERR_NOMEM;
	for (i = 0; i <= cs->mask; i++) {
		uint64_t e = cs->slots[i];
		size_t pos;

		if (e == 0)
			continue;
		pos = (size_t)(e >> 32) & mask;
		while (slots[pos] != 0)
			pos = (pos + 1) & mask;
		slots[pos] = e;
	}
	free(cs->slots);
	cs->slots = slots;
	cs->mask = mask;
	return WS_OK;
}

enum ws_status
io_codeset_add(struct io_codeset *cs, const struct import_set *set,
    size_t idx, size_t *first)
{
	const char *code = set->rows[idx].v.code;
	size_t len = strnlen(code, sizeof(set->rows[idx].v.code)), pos;
	uint32_t h;
	enum ws_status st;

	if (idx >= UINT32_MAX)
		return WS_ERR_LIMIT;
	if ((cs->n + 1) * 2 > cs->mask + 1) {
		st = io_codeset_grow(cs);
		if (st != WS_OK)
			return st;
	}
	h = (uint32_t)io_siphash(cs->k0, cs->k1, code, len);
	pos = h & cs->mask;
	while (cs->slots[pos] != 0) {
		uint64_t e = cs->slots[pos];
		size_t other = (size_t)(uint32_t)e - 1;

		if ((uint32_t)(e >> 32) == h &&
		    strcmp(set->rows[other].v.code, code) == 0) {
			*first = other;
			return WS_ERR_EXISTS;
		}
		pos = (pos + 1) & cs->mask;
	}
	cs->slots[pos] = (uint64_t)h << 32 | (uint64_t)(idx + 1);
	cs->n++;
	return WS_OK;
}

/* ---- field values ------------------------------------------------------- */

struct io_rowctx {
	const struct io_row_in	*in;
	struct diags		*d;
	bool			 bad;	/* a problem in this row */
};

static void
io_bad(struct io_rowctx *rc, enum io_col c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds a problem with column c of the row, at the value's line. */
static void
io_bad(struct io_rowctx *rc, enum io_col c, const char *fmt, ...)
{
	char text[DIAG_TEXT_MAX];
	unsigned line = rc->in->vals[c].line;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (line == 0)
		line = rc->in->line;
	diags_add(rc->d, rc->in->path, line, 0, io_col_name(c), "%s", text);
	rc->bad = true;
}

/*
 * Adds "\"value\" what" for column c.  A long what gets less of the value
 * so that the message still fits.
 */
static void
io_bad_value(struct io_rowctx *rc, enum io_col c, const char *s,
    size_t len, const char *what)
{
	char show[64];

	io_show(show, strlen(what) > 200 ? 24 : sizeof(show), s, len);
	io_bad(rc, c, "\"%s\" %s", show, what);
}

static bool
io_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
io_trim(const char **s, size_t *len)
{
	while (*len > 0 && io_is_space((*s)[0])) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && io_is_space((*s)[*len - 1]))
		(*len)--;
}

/* Says why text is unusable, if it is; true when it is fine. */
static bool
io_text_ok(struct io_rowctx *rc, enum io_col c, const char *s, size_t len)
{
	switch (io_text_check(s, len)) {
	case IO_TEXT_OK:
		return true;
	case IO_TEXT_NUL:
		io_bad(rc, c, "contains a NUL byte");
		break;
	case IO_TEXT_CONTROL:
		io_bad(rc, c, "contains a control character (tab, line "
		    "break, ...); only printable text is allowed");
		break;
	case IO_TEXT_UTF8:
		io_bad(rc, c, "is not valid UTF-8; save the file as UTF-8");
		break;
	}
	return false;
}

static void
io_set_text(struct io_rowctx *rc, enum io_col c, char *dst, size_t size,
    const char *s, size_t len)
{
	if (voucher_set_field(dst, size, s, len) != WS_OK)
		io_bad(rc, c, "is longer than %zu bytes", size - 1);
}

static void
io_number(struct io_rowctx *rc, const char *s, size_t len,
    struct import_row *row)
{
	const struct io_options *opt = rc->in->opt;

	if (len == 0) {
		io_bad(rc, IO_COL_NUMBER, "is empty: every row needs the "
		    "voucher code");
		return;
	}
	if (!io_text_ok(rc, IO_COL_NUMBER, s, len))
		return;
	if (len > VOUCHER_CODE_MAX) {
		io_bad(rc, IO_COL_NUMBER, "is longer than %d bytes",
		    VOUCHER_CODE_MAX);
		return;
	}
	if (opt->codegen != NULL) {
		switch (codegen_classify(opt->codegen, s, len, row->v.code,
		    sizeof(row->v.code))) {
		case CODEGEN_OWN_FORMAT:
			break;
		case CODEGEN_FOREIGN:
			if (opt->allow_external)
				break;
			goto foreign;
		case CODEGEN_BAD_CHECK:
			io_bad_value(rc, IO_COL_NUMBER, s, len, "check "
			    "character wrong: the code has the shop's format "
			    "but a mistyped character");
			goto fail;
		case CODEGEN_EMPTY:
		case CODEGEN_MALFORMED:
		default:
			io_bad_value(rc, IO_COL_NUMBER, s, len, "is not a "
			    "usable voucher code");
			goto fail;
		}
		if (row->v.code[0] == '\0') {
			io_bad_value(rc, IO_COL_NUMBER, s, len, "is not a "
			    "usable voucher code");
			goto fail;
		}
		return;
	}
	if (!opt->allow_external)
		goto foreign;
	/* Length checked above: this cannot fail. */
	if (voucher_set_field(row->v.code, sizeof(row->v.code), s, len) !=
	    WS_OK)
		goto fail;
	return;
foreign:
	io_bad_value(rc, IO_COL_NUMBER, s, len, "is not in the shop's own "
	    "code format; set ExternalVouchers-Allow = yes to import foreign "
	    "codes");
fail:
	row->v.code[0] = '\0';
}

/* Products, Categories: "a, b ,c" -> "a,b,c"; each entry trimmed. */
static void
io_list(struct io_rowctx *rc, enum io_col c, const char *s, size_t len,
    char *dst, size_t size)
{
	size_t o = 0, i = 0;

	for (;;) {
		const char *e = s + i;
		const char *comma = memchr(e, ',', len - i);
		size_t elen = comma != NULL ? (size_t)(comma - e) : len - i;

		io_trim(&e, &elen);
		if (elen == 0) {
			io_bad(rc, c, "has an empty entry; separate entries "
			    "with single commas");
			return;
		}
		if (!io_text_ok(rc, c, e, elen))
			return;
		if (o + (o > 0) + elen > size - 1) {
			io_bad(rc, c, "is longer than %zu bytes", size - 1);
			return;
		}
		if (o > 0)
			dst[o++] = ',';
		memcpy(dst + o, e, elen);
		o += elen;
		if (comma == NULL)
			break;
		i = (size_t)(comma - s) + 1;
	}
	dst[o] = '\0';
}

static bool
io_money(struct io_rowctx *rc, enum io_col c, const char *s, size_t len,
    int64_t *out)
{
	if (num_parse_money(s, len, out) == WS_OK && *out >= 0)
		return true;
	io_bad_value(rc, c, s, len, "is not an amount of money of 0 or more; "
	    "write e.g. 25.00 or 25,00");
	return false;
}

/* A date is a day in the shop's time zone (tz.h). */
static bool
io_date(struct io_rowctx *rc, enum io_col c, const char *s, size_t len,
    bool end_of_day, int64_t *out)
{
	if (tz_parse_date(s, len, end_of_day, out) == WS_OK)
		return true;
	io_bad_value(rc, c, s, len, "is not a date; write YYYY-MM-DD, e.g. "
	    "2026-12-31");
	return false;
}

static bool
io_is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Three letters, stored in upper case. */
static void
io_currency(struct io_rowctx *rc, const char *s, size_t len, char *dst)
{
	size_t i;

	if (len != 3 || !io_is_letter(s[0]) || !io_is_letter(s[1]) ||
	    !io_is_letter(s[2])) {
		io_bad_value(rc, IO_COL_CURRENCY, s, len, "is not a currency; "
		    "write its three-letter code (ISO 4217), e.g. EUR");
		return;
	}
	for (i = 0; i < 3; i++)
		dst[i] = s[i] >= 'a' ? (char)(s[i] - 'a' + 'A') : s[i];
	dst[3] = '\0';
}

static bool
io_word(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && strncasecmp(s, w, len) == 0;
}

static void
io_channels(struct io_rowctx *rc, const char *s, size_t len, uint32_t *out)
{
	if (io_word(s, len, "webshop"))
		*out = VOUCHER_CHANNEL_WEB;
	else if (io_word(s, len, "pos"))
		*out = VOUCHER_CHANNEL_POS;
	else if (io_word(s, len, "webshop+pos") ||
	    io_word(s, len, "pos+webshop") || io_word(s, len, "all"))
		*out = VOUCHER_CHANNEL_ALL;
	else
		io_bad_value(rc, IO_COL_CHANNELS, s, len, "is not a channel; "
		    "allowed: webshop, pos, webshop+pos, all");
}

/* "is not a voucher type; allowed: <the eight names>" */
static void
io_type_names(char *dst, size_t size)
{
	size_t o;
	unsigned t;

	o = (size_t)snprintf(dst, size, "is not a voucher type; allowed: ");
	if (o >= size)
		return;
	for (t = 0; t < VOUCHER_TYPE__MAX; t++) {
		int n = snprintf(dst + o, size - o, "%s%s", t > 0 ? ", " : "",
		    voucher_type_name((enum voucher_type)t));

		if (n < 0 || (size_t)n >= size - o)
			return;
		o += (size_t)n;
	}
}

/* One value that is present and not empty. */
static void
io_value(struct io_rowctx *rc, enum io_col c, const char *s, size_t len,
    struct import_row *row, bool *amount_type_ok)
{
	struct voucher *v = &row->v;
	char names[300];
	int64_t n;

	/* Lists check their entries; everything else is one piece. */
	if (c != IO_COL_PRODUCTS && c != IO_COL_CATEGORIES &&
	    !io_text_ok(rc, c, s, len))
		return;
	switch (c) {
	case IO_COL_NUMBER:
		break;		/* done by io_number */
	case IO_COL_AMOUNT:
		if (!*amount_type_ok)
			break;	/* AmountType is wrong: no telling */
		if (v->amount_type == VOUCHER_AMOUNT_PERCENT) {
			if (num_parse_percent(s, len, &v->amount) != WS_OK)
				io_bad_value(rc, c, s, len, "is not a "
				    "percentage above 0 and at most 100; "
				    "write e.g. 10 or 12.5");
		} else if (num_parse_money(s, len, &v->amount) != WS_OK ||
		    v->amount <= 0)
			io_bad_value(rc, c, s, len, "is not an amount of "
			    "money above 0; write e.g. 10.00 or 10,00");
		row->fields |= IMPORT_F_AMOUNT;
		break;
	case IO_COL_AMOUNT_TYPE:
		if (voucher_amount_type_parse(s, len, &v->amount_type) !=
		    WS_OK) {
			io_bad_value(rc, c, s, len, "is neither absolute nor "
			    "percent");
			*amount_type_ok = false;
		}
		row->fields |= IMPORT_F_AMOUNT_TYPE;
		break;
	case IO_COL_CHARGE:
		io_set_text(rc, c, v->charge_id, sizeof(v->charge_id), s, len);
		row->fields |= IMPORT_F_CHARGE;
		break;
	case IO_COL_CURRENCY:
		io_currency(rc, s, len, v->currency);
		row->fields |= IMPORT_F_CURRENCY;
		break;
	case IO_COL_MIN_ORDER:
		io_money(rc, c, s, len, &v->min_order);
		row->fields |= IMPORT_F_MIN_ORDER;
		break;
	case IO_COL_PRODUCTS:
		io_list(rc, c, s, len, v->products, sizeof(v->products));
		row->fields |= IMPORT_F_PRODUCTS;
		break;
	case IO_COL_CATEGORIES:
		io_list(rc, c, s, len, v->categories, sizeof(v->categories));
		row->fields |= IMPORT_F_CATEGORIES;
		break;
	case IO_COL_STATE:
		if (voucher_state_parse(s, len, &v->state) != WS_OK)
			io_bad_value(rc, c, s, len, "is not a state; allowed: "
			    "active, invalidated, exhausted, expired, pending");
		row->fields |= IMPORT_F_STATE;
		break;
	case IO_COL_TYPE:
		if (voucher_type_parse(s, len, &v->type) != WS_OK) {
			io_type_names(names, sizeof(names));
			io_bad_value(rc, c, s, len, names);
		}
		row->fields |= IMPORT_F_TYPE;
		break;
	case IO_COL_TYPE2:
		if (voucher_kind_parse(s, len, &v->kind) != WS_OK)
			io_bad_value(rc, c, s, len, "is not a voucher kind; "
			    "allowed: promotional (or promo), purchased (or "
			    "value)");
		row->fields |= IMPORT_F_KIND;
		break;
	case IO_COL_USED:
		io_money(rc, c, s, len, &row->used_amount);
		row->fields |= IMPORT_F_USED;
		break;
	case IO_COL_VALID_FROM:
		io_date(rc, c, s, len, false, &v->valid_from);
		row->fields |= IMPORT_F_VALID_FROM;
		break;
	case IO_COL_VALID_UNTIL:
		/* A date is valid through its last second (UTC). */
		io_date(rc, c, s, len, true, &v->valid_until);
		row->fields |= IMPORT_F_VALID_UNTIL;
		break;
	case IO_COL_SUBSHOP:
		io_set_text(rc, c, v->subshop, sizeof(v->subshop), s, len);
		row->fields |= IMPORT_F_SUBSHOP;
		break;
	case IO_COL_MAX_REDEEM:
		if (num_parse_i64(s, len, 0, IO_MAX_REDEEM_MAX, &n) == WS_OK)
			v->max_redemptions = (uint32_t)n;
		else
			io_bad_value(rc, c, s, len, "is not a whole number "
			    "from 0 to 1000000000 (0 = unlimited)");
		row->fields |= IMPORT_F_MAX_REDEEM;
		break;
	case IO_COL_CHANNELS:
		io_channels(rc, s, len, &v->channels);
		row->fields |= IMPORT_F_CHANNELS;
		break;
	case IO_COL__MAX:
	default:
		break;
	}
}

/* Rules between fields, once every field of the row was good. */
static enum ws_status
io_row_rules(struct io_rowctx *rc, struct import_row *row)
{
	struct voucher *v = &row->v;

	if (!(row->fields & IMPORT_F_AMOUNT)) {
		/* A modification: only what the row itself shows. */
		if ((row->fields & IMPORT_F_VALID_FROM) &&
		    (row->fields & IMPORT_F_VALID_UNTIL) &&
		    v->valid_from > v->valid_until)
			io_bad(rc, IO_COL_VALID_UNTIL, "lies before ValidFrom");
		return rc->bad ? WS_ERR_INVALID : WS_OK;
	}
	if (voucher_has_balance(v)) {
		if (row->used_amount > v->amount)
			io_bad(rc, IO_COL_USED, "is more than the Amount");
		else
			v->balance = v->amount - row->used_amount;
	} else if (row->used_amount != 0)
		io_bad(rc, IO_COL_USED, "only Standard vouchers of a fixed "
		    "amount have a used amount; leave it empty or 0");
	if (rc->bad)
		return WS_ERR_INVALID;
	if (voucher_validate(v, rc->d, rc->in->path, rc->in->line) != WS_OK)
		rc->bad = true;
	return rc->bad ? WS_ERR_INVALID : WS_OK;
}

/* Every column but Number; AmountType first: it says how to read Amount. */
static const unsigned char io_order[] = {
	IO_COL_AMOUNT_TYPE, IO_COL_AMOUNT, IO_COL_CHARGE, IO_COL_CURRENCY,
	IO_COL_MIN_ORDER, IO_COL_PRODUCTS, IO_COL_CATEGORIES, IO_COL_STATE,
	IO_COL_TYPE, IO_COL_TYPE2, IO_COL_USED, IO_COL_VALID_FROM,
	IO_COL_VALID_UNTIL, IO_COL_SUBSHOP, IO_COL_MAX_REDEEM, IO_COL_CHANNELS,
};

enum ws_status
io_row_build(const struct io_row_in *in, struct import_row *row,
    struct diags *d)
{
	static const struct io_options defaults = { NULL, false, "EUR" };
	struct io_row_in copy;
	struct io_rowctx rc;
	const char *s, *cur;
	size_t len;
	bool amount_type_ok = true;
	size_t i;

	/* Never NULL options below this point. */
	if (in->opt == NULL) {
		copy = *in;
		copy.opt = &defaults;
		in = &copy;
	}
	rc.in = in;
	rc.d = d;
	rc.bad = false;
	row->op = in->op;
	row->line = in->line;
	cur = in->opt->default_currency;
	if (cur != NULL && strlen(cur) == 3)
		memcpy(row->v.currency, cur, 4);

	s = in->vals[IO_COL_NUMBER].s;
	len = in->vals[IO_COL_NUMBER].len;
	if (s == NULL)
		len = 0;
	io_trim(&s, &len);
	io_number(&rc, s, len, row);
	if (in->op == IMPORT_DELETE)
		return rc.bad ? WS_ERR_INVALID : WS_OK;

	for (i = 0; i < sizeof(io_order) / sizeof(io_order[0]); i++) {
		enum io_col c = (enum io_col)io_order[i];

		s = in->vals[c].s;
		len = in->vals[c].len;
		if (s == NULL)
			continue;
		io_trim(&s, &len);
		if (len == 0)
			continue;	/* empty: not given */
		io_value(&rc, c, s, len, row, &amount_type_ok);
	}
	if (rc.bad)
		return WS_ERR_INVALID;
	return io_row_rules(&rc, row);
}

/* ---- writing ------------------------------------------------------------ */

static enum ws_status
io_put_text(struct buf *out, const char *s, size_t size)
{
	size_t len = strnlen(s, size);

	if (len == size || io_text_check(s, len) != IO_TEXT_OK)
		return WS_ERR_INVALID;
	return buf_append(out, s, len);
}

enum ws_status
io_format_col(struct buf *out, const struct voucher *v, enum io_col c)
{
	switch (c) {
	case IO_COL_NUMBER:
		if (v->code[0] == '\0')
			return WS_ERR_INVALID;
		return io_put_text(out, v->code, sizeof(v->code));
	case IO_COL_AMOUNT:
		if (v->amount_type == VOUCHER_AMOUNT_PERCENT)
			return num_format_percent(out, v->amount);
		return num_format_money_dot(out, v->amount);
	case IO_COL_AMOUNT_TYPE:
		if ((unsigned)v->amount_type >= VOUCHER_AMOUNT__MAX)
			return WS_ERR_INVALID;
		return buf_append_str(out,
		    voucher_amount_type_name(v->amount_type));
	case IO_COL_CHARGE:
		return io_put_text(out, v->charge_id, sizeof(v->charge_id));
	case IO_COL_CURRENCY:
		return io_put_text(out, v->currency, sizeof(v->currency));
	case IO_COL_MIN_ORDER:
		return num_format_money_dot(out, v->min_order);
	case IO_COL_PRODUCTS:
		return io_put_text(out, v->products, sizeof(v->products));
	case IO_COL_CATEGORIES:
		return io_put_text(out, v->categories, sizeof(v->categories));
	case IO_COL_STATE:
		if ((unsigned)v->state >= VOUCHER_STATE__MAX)
			return WS_ERR_INVALID;
		return buf_append_str(out, voucher_state_name(v->state));
	case IO_COL_TYPE:
		if ((unsigned)v->type >= VOUCHER_TYPE__MAX)
			return WS_ERR_INVALID;
		return buf_append_str(out, voucher_type_name(v->type));
	case IO_COL_TYPE2:
		/* The handbook's words, not voucher_kind_name's. */
		if (v->kind == VOUCHER_KIND_PROMO)
			return buf_append_str(out, "promotional");
		if (v->kind == VOUCHER_KIND_VALUE)
			return buf_append_str(out, "purchased");
		return WS_ERR_INVALID;
	case IO_COL_USED:
		return num_format_money_dot(out, voucher_has_balance(v) ?
		    v->amount - v->balance : 0);
	case IO_COL_VALID_FROM:
		return v->valid_from == 0 ? WS_OK :
		    tz_format_iso_date(out, v->valid_from);
	case IO_COL_VALID_UNTIL:
		return v->valid_until == 0 ? WS_OK :
		    tz_format_iso_date(out, v->valid_until);
	case IO_COL_SUBSHOP:
		return io_put_text(out, v->subshop, sizeof(v->subshop));
	case IO_COL_MAX_REDEEM:
		return buf_printf(out, "%u", (unsigned)v->max_redemptions);
	case IO_COL_CHANNELS:
		if (v->channels == VOUCHER_CHANNEL_ALL)
			return buf_append_str(out, "webshop+pos");
		if (v->channels == VOUCHER_CHANNEL_WEB)
			return buf_append_str(out, "webshop");
		if (v->channels == VOUCHER_CHANNEL_POS)
			return buf_append_str(out, "pos");
		return WS_ERR_INVALID;
	case IO_COL__MAX:
	default:
		break;
	}
	return WS_ERR_INVALID;
}
