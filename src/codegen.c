/*
 * codegen.c - voucher codes of the shop's own format: generation from the
 * kernel CSPRNG, the check character, and the classification of what a
 * visitor typed (empty, malformed, ours, ours with a wrong check
 * character, foreign).
 *
 * Reports: codegen_new refuses a bad format with WS_ERR_INVALID and a text
 * naming every problem; codegen_make fails with WS_ERR_IO when the kernel
 * gives no randomness and WS_ERR_LIMIT when the caller's buffer is short;
 * codegen_classify never fails, it classifies.
 *
 * Canonical form.  The random characters and then the check character are
 * one sequence, cut into groups of `group` characters joined by the
 * separator; a non-empty prefix comes first, followed by the separator
 * when grouping is on.  The last group may be shorter.  With the default
 * format (32 characters "23456789ABCDEFGHJKLMNPQRSTUVWXYZ", 16 random, groups
 * of 4, '-', check character on, no prefix) a code looks like
 *
 *	ABCD-EFGH-JKLM-NPQR-S		16 random + 1 check = 17, 4 separators
 *
 * and with prefix "WS" it is "WS-ABCD-EFGH-JKLM-NPQR-S"; with group 0 it is
 * "WSABCDEFGHJKLMNPQRS".  The prefix is fixed text: it is matched literally
 * and never enters the check character, so it may use characters outside
 * the alphabet.
 *
 * Check character.  Luhn mod N, which the first design named, misses one
 * class of adjacent transpositions whenever N is even: doubling maps the
 * first alphabet character to itself and the last to itself (2(N-1) -
 * (N-1) = N-1), so swapping them ("2Z" <-> "Z2" in the default alphabet)
 * keeps the sum.  No weighted sum modulo an even N can do better: a
 * substitution at position i is caught only if the weight w(i) is a unit,
 * i.e. odd, and then w(i) - w(i+1) is even and some swap of characters N/2
 * apart goes through.  So the check is Verhoeff's group scheme, extended
 * (as Gumm did) to any alphabet size N:
 *
 *	phi^0(d0) * phi^1(d1) * ... * phi^L(dL) = e
 *
 * over a group G of order N, d0..d(L-1) the random characters as alphabet
 * indices, dL the check character, phi a permutation of G that is
 * anti-symmetric: x * phi(y) != y * phi(x) for all x != y.  Then
 *  - a single substitution a -> b at position i changes one factor
 *    phi^i(a) into phi^i(b), and phi^i is a permutation, so the product
 *    changes: every single-character error is caught, the check character
 *    included;
 *  - swapping neighbours a, b at positions i, i+1 changes x * phi(y) into
 *    y * phi(x) with x = phi^i(a), y = phi^i(b), which differ by the
 *    anti-symmetry: every adjacent transposition of distinct characters is
 *    caught, including the last random character with the check character.
 * There are no exceptions; tests/unit/test_codegen.c checks both claims
 * exhaustively for every alphabet size from 16 to 36.  G and phi by N:
 *  - N = 2^k * m, m odd, k != 1: G = GF(2^k)+ x Z_m, phi(a, b) = (alpha*a,
 *    2b) with alpha the root of an irreducible polynomial (alpha != 0, 1);
 *    x + phi(y) = y + phi(x) means (alpha - 1)(a - a') = 0 and b = b'.
 *    Covers 16, 17, 19, 20, 21, 23, 24, 25, 27, 28, 29, 31, 32, 33, 35, 36.
 *  - N = 2m, m odd (18, 22, 26, 30, 34): G = dihedral D_m, phi(r^i) =
 *    r^-i, phi(s r^i) = s r^(i+1); two rotations collide only if
 *    2(i - j) = 0 mod m, two reflections only if 2i + 1 = 2j + 1 mod m,
 *    one of each never (the shift 1 is not 0): with m odd, only i = j.
 * codegen_new verifies the anti-symmetry of the table it built before
 * using it, so a wrong table cannot silently weaken the check.
 *
 * Thread safety: the pcre2 match data lives in struct codegen and is
 * written by every match, so one struct codegen must not be used by two
 * threads at once.  Our processes are single-threaded.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <pcre2.h>

#include "codegen.h"

#define CODEGEN_ALPHABET_MIN	16
#define CODEGEN_ALPHABET_MAX	64
#define CODEGEN_LENGTH_MIN	8
#define CODEGEN_LENGTH_MAX	64
#define CODEGEN_GROUP_MIN	2
#define CODEGEN_GROUP_MAX	16
#define CODEGEN_PREFIX_MAX	16
#define CODEGEN_BITS_MIN	64
/* Random characters plus the check character. */
#define CODEGEN_BODY_MAX	(CODEGEN_LENGTH_MAX + 1)
/* Random bytes fetched per getrandom() call. */
#define CODEGEN_POOL		128
/* Input longer than this is refused before it is looked at. */
#define CODEGEN_INPUT_MAX	(4 * VOUCHER_CODE_MAX)
#define CODEGEN_NOVALUE		0xff

struct codegen {
	char		 alphabet[CODEGEN_ALPHABET_MAX + 1];
	unsigned	 n;		/* alphabet size */
	unsigned char	 value[256];	/* char -> index or CODEGEN_NOVALUE */
	unsigned	 length;	/* random characters */
	unsigned	 body;		/* length + check character */
	unsigned	 group;		/* 0 = no grouping */
	char		 sep;
	char		 prefix[CODEGEN_PREFIX_MAX + 1];
	size_t		 prefix_len;
	bool		 check;
	size_t		 canon_len;	/* canonical form, without NUL */
	unsigned	 accept;	/* random bytes below this are used */
	double		 bits;

	/* The check group: identity is 0. */
	unsigned char	 mul[CODEGEN_ALPHABET_MAX][CODEGEN_ALPHABET_MAX];
	unsigned char	 inv[CODEGEN_ALPHABET_MAX];
	unsigned char	 phi[CODEGEN_ALPHABET_MAX];
	/* perm[i] = phi^i, the map applied at position i. */
	unsigned char	 perm[CODEGEN_BODY_MAX][CODEGEN_ALPHABET_MAX];
	/* Inverse of perm[length], to solve for the check character. */
	unsigned char	 unperm_check[CODEGEN_ALPHABET_MAX];

	pcre2_code	 *re;
	/* Written by every match: not thread safe (see above). */
	pcre2_match_data *md;
};

static void
codegen_errf(struct buf *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Adds one problem to err, "; "-separated; a full err just loses text. */
static void
codegen_errf(struct buf *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	if (err->len > 0 && buf_append_str(err, "; ") != WS_OK)
		return;
	va_start(ap, fmt);
	(void)buf_vprintf(err, fmt, ap);
	va_end(ap);
}

static bool
codegen_is_code_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

/* Irreducible polynomials over GF(2) of degree 2..6 (x^2+x+1, ...). */
static const unsigned codegen_gf_poly[7] = {
	0, 0, 0x07, 0x0b, 0x13, 0x25, 0x43
};

/* a * x in GF(2^k) modulo the polynomial above. */
static unsigned
codegen_gf_mulx(unsigned a, unsigned k)
{
	a <<= 1;
	if (a & (1u << k))
		a ^= codegen_gf_poly[k];
	return a;
}

/*
 * G = GF(2^k)+ x Z_m (k = 0 or 2..6, m odd); element (a, b) is a * m + b.
 */
static void
codegen_group_abelian(struct codegen *g, unsigned k, unsigned m)
{
	unsigned x, y, a1, b1, a2, b2;

	for (x = 0; x < g->n; x++) {
		a1 = x / m;
		b1 = x % m;
		for (y = 0; y < g->n; y++) {
			a2 = y / m;
			b2 = y % m;
			g->mul[x][y] = (unsigned char)((a1 ^ a2) * m +
			    (b1 + b2) % m);
		}
		g->inv[x] = (unsigned char)(a1 * m + (m - b1) % m);
		a2 = k == 0 ? 0 : codegen_gf_mulx(a1, k);
		g->phi[x] = (unsigned char)(a2 * m + (2 * b1) % m);
	}
}

/*
 * G = D_m (m odd): index i < m is the rotation r^i, m + i the reflection
 * s r^i; (s^e r^i)(s^f r^j) = s^(e+f) r^((-1)^f i + j).
 */
static void
codegen_group_dihedral(struct codegen *g, unsigned m)
{
	unsigned x, y, i, j, rot;
	bool e, f;

	for (x = 0; x < g->n; x++) {
		e = x >= m;
		i = x % m;
		for (y = 0; y < g->n; y++) {
			f = y >= m;
			j = y % m;
			rot = ((f ? (m - i) % m : i) + j) % m;
			g->mul[x][y] = (unsigned char)((e != f ? m : 0) + rot);
		}
		/* Reflections are their own inverses. */
		g->inv[x] = (unsigned char)(e ? x : (m - i) % m);
		g->phi[x] = (unsigned char)(e ? m + (i + 1) % m :
		    (m - i) % m);
	}
}

/*
 * Builds the check group for g->n and the per-position maps.  Returns
 * false if the table is not a group with an anti-symmetric phi, which
 * would be a bug here, never bad input.
 */
static bool
codegen_build_check(struct codegen *g)
{
	unsigned k = 0, m = g->n, x, y, i;
	bool seen[CODEGEN_ALPHABET_MAX];

	while (m % 2 == 0) {
		m /= 2;
		k++;
	}
	if (k == 1)
		codegen_group_dihedral(g, m);
	else if (k <= 6)
		codegen_group_abelian(g, k, m);
	else
		return false;

	for (x = 0; x < g->n; x++) {
		if (g->mul[0][x] != x || g->mul[x][0] != x)
			return false;
		if (g->mul[x][g->inv[x]] != 0)
			return false;
		for (y = 0; y < g->n; y++) {
			if (x != y &&
			    g->mul[x][g->phi[y]] == g->mul[y][g->phi[x]])
				return false;
		}
	}
	/* phi must be a permutation, or substitutions could slip through. */
	memset(seen, 0, sizeof(seen));
	for (x = 0; x < g->n; x++) {
		if (seen[g->phi[x]])
			return false;
		seen[g->phi[x]] = true;
	}

	for (x = 0; x < g->n; x++)
		g->perm[0][x] = (unsigned char)x;
	for (i = 1; i <= g->length; i++) {
		for (x = 0; x < g->n; x++)
			g->perm[i][x] = g->phi[g->perm[i - 1][x]];
	}
	for (x = 0; x < g->n; x++)
		g->unperm_check[g->perm[g->length][x]] = (unsigned char)x;
	return true;
}

/* Check character (as alphabet index) for the random characters d. */
static unsigned
codegen_check_of(const struct codegen *g, const unsigned char *d)
{
	unsigned i, s = 0;

	for (i = 0; i < g->length; i++)
		s = g->mul[s][g->perm[i][d[i]]];
	/* s * phi^L(c) = e  <=>  phi^L(c) = s^-1 */
	return g->unperm_check[g->inv[s]];
}

/* strlen bounded by size (strnlen is POSIX, not C11); size if no NUL. */
static size_t
codegen_field_len(const char *s, size_t size)
{
	const char *nul = memchr(s, '\0', size);

	return nul != NULL ? (size_t)(nul - s) : size;
}

static void
codegen_check_format(const struct voucher_conf *c, struct codegen *g,
    struct buf *err, bool *bad)
{
	size_t n, i;
	unsigned char ch;

	/* The conf arrays may hold anything; never read past them. */
	n = codegen_field_len(c->code_alphabet, sizeof(c->code_alphabet));
	if (n == sizeof(c->code_alphabet)) {
		codegen_errf(err, "code alphabet is not terminated");
		*bad = true;
		n = 0;
	}
	memset(g->value, CODEGEN_NOVALUE, sizeof(g->value));
	for (i = 0; i < n; i++) {
		ch = (unsigned char)c->code_alphabet[i];
		if (!codegen_is_code_char(ch)) {
			codegen_errf(err, "code alphabet: character 0x%02x at "
			    "position %zu is not one of 0-9 A-Z", ch, i + 1);
			*bad = true;
		} else if (g->value[ch] != CODEGEN_NOVALUE) {
			codegen_errf(err, "code alphabet: character '%c' "
			    "appears more than once", ch);
			*bad = true;
		} else
			g->value[ch] = (unsigned char)i;
	}
	if (n < CODEGEN_ALPHABET_MIN || n > CODEGEN_ALPHABET_MAX) {
		codegen_errf(err, "code alphabet has %zu characters, needs "
		    "%d to %d", n, CODEGEN_ALPHABET_MIN, CODEGEN_ALPHABET_MAX);
		*bad = true;
	}
	memcpy(g->alphabet, c->code_alphabet, n);
	g->alphabet[n] = '\0';
	g->n = (unsigned)n;

	if (c->code_length < CODEGEN_LENGTH_MIN ||
	    c->code_length > CODEGEN_LENGTH_MAX) {
		codegen_errf(err, "code length %u is not in %d..%d",
		    c->code_length, CODEGEN_LENGTH_MIN, CODEGEN_LENGTH_MAX);
		*bad = true;
	}
	g->length = c->code_length;

	if (c->code_group != 0 && (c->code_group < CODEGEN_GROUP_MIN ||
	    c->code_group > CODEGEN_GROUP_MAX)) {
		codegen_errf(err, "code group size %u is neither 0 nor in "
		    "%d..%d", c->code_group, CODEGEN_GROUP_MIN,
		    CODEGEN_GROUP_MAX);
		*bad = true;
	}
	g->group = c->code_group;

	if (c->code_separator != '-' && c->code_separator != '.' &&
	    c->code_separator != '_') {
		codegen_errf(err, "code separator 0x%02x is not one of "
		    "'-' '.' '_'", (unsigned char)c->code_separator);
		*bad = true;
	}
	g->sep = c->code_separator;

	n = codegen_field_len(c->code_prefix, sizeof(c->code_prefix));
	if (n > CODEGEN_PREFIX_MAX) {
		codegen_errf(err, "code prefix is longer than %d characters",
		    CODEGEN_PREFIX_MAX);
		*bad = true;
		n = 0;
	}
	for (i = 0; i < n; i++) {
		ch = (unsigned char)c->code_prefix[i];
		if (!codegen_is_code_char(ch)) {
			codegen_errf(err, "code prefix: character 0x%02x at "
			    "position %zu is not one of 0-9 A-Z", ch, i + 1);
			*bad = true;
		}
	}
	memcpy(g->prefix, c->code_prefix, n);
	g->prefix[n] = '\0';
	g->prefix_len = n;
	g->check = c->code_check_char;
}

/* True if n^len >= 2^64, computed exactly (no floating point edge). */
static bool
codegen_enough_bits(unsigned n, unsigned len)
{
	uint64_t acc = 1;
	unsigned i;

	for (i = 0; i < len; i++) {
		if (acc > UINT64_MAX / n)
			return true;
		acc *= n;
	}
	return false;
}

static size_t
codegen_canon_len(const struct codegen *g)
{
	size_t len = g->prefix_len + g->body;

	if (g->group != 0) {
		len += (g->body - 1) / g->group;
		if (g->prefix_len > 0)
			len++;
	}
	return len;
}

/* ^PREFIX[ALPHABET]{length}([ALPHABET])?\z over the compact form. */
static enum ws_status
codegen_compile(struct codegen *g, struct buf *err)
{
	struct buf pat = BUF_INIT;
	enum ws_status st;
	PCRE2_UCHAR msg[128];
	PCRE2_SIZE off;
	int code;

	/* Alphabet and prefix hold only [0-9A-Z]: nothing to escape. */
	st = buf_printf(&pat, "^%s[%s]{%u}", g->prefix, g->alphabet,
	    g->length);
	if (st == WS_OK && g->check)
		st = buf_printf(&pat, "[%s]", g->alphabet);
	/* \z, not $: $ would also match before a final newline. */
	if (st == WS_OK)
		st = buf_append_str(&pat, "\\z");
	if (st != WS_OK)
		goto out;

	g->re = pcre2_compile((PCRE2_SPTR)pat.data, pat.len, 0, &code, &off,
	    NULL);
	if (g->re == NULL) {
		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			msg[0] = '\0';
		codegen_errf(err, "code pattern: %s at offset %zu",
		    (const char *)msg, (size_t)off);
		st = WS_ERR_INVALID;
		goto out;
	}
	/* JIT is only an optimisation; the interpreter gives equal results. */
	(void)pcre2_jit_compile(g->re, PCRE2_JIT_COMPLETE);
	g->md = pcre2_match_data_create_from_pattern(g->re, NULL);
	if (g->md == NULL)
		st = WS_ERR_NOMEM;
out:
	buf_free(&pat);
	return st;
}

enum ws_status
codegen_new(const struct voucher_conf *c, struct codegen **out,
    struct buf *err)
{
	struct codegen *g;
	enum ws_status st;
	bool bad = false;

	*out = NULL;
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return WS_ERR_NOMEM;

	codegen_check_format(c, g, err, &bad);
	/* Bits and length only make sense once the parts are sane. */
	if (!bad && !codegen_enough_bits(g->n, g->length)) {
		codegen_errf(err, "code of %u characters from %u has %.1f "
		    "random bits, needs at least %d", g->length, g->n,
		    g->length * log2(g->n), CODEGEN_BITS_MIN);
		bad = true;
	}
	if (bad) {
		st = WS_ERR_INVALID;
		goto fail;
	}
	g->body = g->length + (g->check ? 1 : 0);
	g->canon_len = codegen_canon_len(g);
	if (g->canon_len > VOUCHER_CODE_MAX) {
		codegen_errf(err, "codes would be %zu characters long, at most "
		    "%d fit", g->canon_len, VOUCHER_CODE_MAX);
		st = WS_ERR_INVALID;
		goto fail;
	}
	g->bits = g->length * log2(g->n);
	/* Largest multiple of n in 0..256: bytes from there up are biased. */
	g->accept = 256 - 256 % g->n;

	if (!codegen_build_check(g)) {
		fprintf(stderr, "codegen: check table for %u characters is "
		    "broken\n", g->n);
		abort();
	}

	st = codegen_compile(g, err);
	if (st != WS_OK)
		goto fail;
	*out = g;
	return WS_OK;
fail:
	codegen_free(g);
	return st;
}

void
codegen_free(struct codegen *g)
{
	if (g == NULL)
		return;
	pcre2_match_data_free(g->md);
	pcre2_code_free(g->re);
	free(g);
}

double
codegen_bits(const struct codegen *g)
{
	return g->bits;
}

/* Fills p with len bytes from the kernel CSPRNG. */
static enum ws_status
codegen_random(unsigned char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return WS_ERR_IO;
		}
		/* Never happens for len > 0, but must not loop forever. */
		if (n == 0)
			return WS_ERR_IO;
		p += n;
		len -= (size_t)n;
	}
	return WS_OK;
}

/* Writes the canonical form of body (alphabet indices) into out. */
static enum ws_status
codegen_format(const struct codegen *g, const unsigned char *body,
    char *out, size_t size)
{
	size_t o = 0;
	unsigned i;

	if (size <= g->canon_len) {
		if (size > 0)
			out[0] = '\0';
		return WS_ERR_LIMIT;
	}
	memcpy(out, g->prefix, g->prefix_len);
	o = g->prefix_len;
	if (g->prefix_len > 0 && g->group != 0)
		out[o++] = g->sep;
	for (i = 0; i < g->body; i++) {
		if (g->group != 0 && i > 0 && i % g->group == 0)
			out[o++] = g->sep;
		out[o++] = g->alphabet[body[i]];
	}
	out[o] = '\0';
	return WS_OK;
}

enum ws_status
codegen_make(const struct codegen *g, char *out, size_t size)
{
	/*
	 * The pool is per call, not kept between calls: a process that
	 * forks after a call must never hand the same bytes to two children.
	 * One getrandom() per code is cheap enough (see the 1M timing).
	 */
	unsigned char pool[CODEGEN_POOL], body[CODEGEN_BODY_MAX];
	size_t have = 0, used = 0, want;
	enum ws_status st;
	unsigned i = 0;

	if (size > 0)
		out[0] = '\0';
	if (size <= g->canon_len)
		return WS_ERR_LIMIT;
	while (i < g->length) {
		if (used == have) {
			/* A few spare bytes cover the rare rejections. */
			want = g->length - i + 8;
			if (want > sizeof(pool))
				want = sizeof(pool);
			st = codegen_random(pool, want);
			if (st != WS_OK)
				return st;
			have = want;
			used = 0;
		}
		/* Rejection sampling: b % n is uniform only below accept. */
		if (pool[used] < g->accept)
			body[i++] = (unsigned char)(pool[used] % g->n);
		used++;
	}
	if (g->check)
		body[g->length] = (unsigned char)codegen_check_of(g, body);
	return codegen_format(g, body, out, size);
}

static bool
codegen_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

/*
 * True if s is valid UTF-8 (shortest form, no surrogates, at most
 * U+10FFFF) without control characters: C0, DEL and C1 (U+0080..U+009F).
 */
static bool
codegen_text_ok(const unsigned char *s, size_t len)
{
	size_t i = 0, need, j;
	uint32_t cp, min;

	while (i < len) {
		if (s[i] < 0x80) {
			if (s[i] < 0x20 || s[i] == 0x7f)
				return false;
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			need = 1;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			need = 2;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			need = 3;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return false;
		if (len - i <= need)
			return false;
		for (j = 1; j <= need; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp <= 0x9f))
			return false;
		i += need + 1;
	}
	return true;
}

static enum codegen_class
codegen_malformed(char *out, size_t size)
{
	if (size > 0)
		out[0] = '\0';
	return CODEGEN_MALFORMED;
}

/*
 * See codegen.h.  Nothing is written to out before the input has been
 * read completely, so in and out may be the same buffer (normalising in
 * place).  Work is bounded: at most CODEGEN_INPUT_MAX bytes are looked at.
 */
enum codegen_class
codegen_classify(const struct codegen *g, const char *in, size_t len,
    char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)in;
	unsigned char compact[VOUCHER_CODE_MAX + 1], body[CODEGEN_BODY_MAX];
	size_t start, end, clen, i;
	enum codegen_class cls;

	/* No room even for "": the caller cannot be told anything. */
	if (out == NULL || size == 0)
		return CODEGEN_MALFORMED;
	/* Bound the work on untrusted input before looking at it. */
	if (len > CODEGEN_INPUT_MAX)
		return codegen_malformed(out, size);

	start = 0;
	end = len;
	while (start < end && codegen_is_space(s[start]))
		start++;
	while (end > start && codegen_is_space(s[end - 1]))
		end--;
	if (start == end) {
		out[0] = '\0';
		return CODEGEN_EMPTY;
	}
	if (!codegen_text_ok(s + start, end - start) ||
	    end - start > VOUCHER_CODE_MAX)
		return codegen_malformed(out, size);

	/* Compact form: no separators or spaces, ASCII upper case. */
	clen = 0;
	for (i = start; i < end; i++) {
		if (s[i] == ' ' || s[i] == '-' || s[i] == (unsigned char)g->sep)
			continue;
		compact[clen++] = s[i] >= 'a' && s[i] <= 'z' ?
		    (unsigned char)(s[i] - 'a' + 'A') : s[i];
	}
	compact[clen] = '\0';

	/* Any match error is as good as no match: the input is not ours. */
	if (pcre2_match(g->re, compact, clen, 0, 0, g->md, NULL) < 0) {
		if (end - start >= size)
			return codegen_malformed(out, size);
		/* memmove: out may be in. */
		memmove(out, s + start, end - start);
		out[end - start] = '\0';
		return CODEGEN_FOREIGN;
	}

	/* The pattern guarantees prefix + body characters of the alphabet. */
	for (i = 0; i < g->body; i++)
		body[i] = g->value[compact[g->prefix_len + i]];
	if (!g->check || body[g->length] == codegen_check_of(g, body))
		cls = CODEGEN_OWN_FORMAT;
	else
		cls = CODEGEN_BAD_CHECK;
	if (codegen_format(g, body, out, size) != WS_OK)
		return codegen_malformed(out, size);
	return cls;
}
