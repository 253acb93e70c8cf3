/*
 * test_codegen.c - generated voucher codes: shape, uniqueness, the check
 * character's detection claims (checked exhaustively), normalisation and
 * classification of typed input, and format validation.
 *
 * The configs are built here by hand so that these tests do not depend on
 * conf.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "codegen.h"

#define DEFAULT_ALPHABET	"23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
#define ALL_CHARS		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define OUT_MAX			(VOUCHER_CODE_MAX + 1)
#define CODEGEN_TEST_RANDOM_MAX	64

/*
 * In loops of many thousand cases only a failure is reported, so a run
 * stays fast and a failure still names the case.
 */
#define CHECK(cond, ...) do {					\
	if (!(cond))						\
		cr_assert_fail(__VA_ARGS__);			\
} while (0)

static void
conf_with(struct voucher_conf *c, const char *alphabet, unsigned length,
    unsigned group, char sep, const char *prefix, bool check)
{
	size_t n;

	memset(c, 0, sizeof(*c));
	n = strlen(alphabet);
	cr_assert(n < sizeof(c->code_alphabet));
	memcpy(c->code_alphabet, alphabet, n + 1);
	n = strlen(prefix);
	cr_assert(n < sizeof(c->code_prefix));
	memcpy(c->code_prefix, prefix, n + 1);
	c->code_length = length;
	c->code_group = group;
	c->code_separator = sep;
	c->code_check_char = check;
}

static void
default_conf(struct voucher_conf *c)
{
	conf_with(c, DEFAULT_ALPHABET, 16, 4, '-', "", true);
}

static struct codegen *
make_gen(const struct voucher_conf *c)
{
	struct codegen *g = NULL;
	struct buf err = BUF_INIT;
	enum ws_status st;

	st = codegen_new(c, &g, &err);
	cr_assert_eq(st, WS_OK, "codegen_new: %s", buf_cstr(&err));
	cr_assert_not_null(g);
	buf_free(&err);
	return g;
}

static struct codegen *
default_gen(void)
{
	struct voucher_conf c;

	default_conf(&c);
	return make_gen(&c);
}

static void
make_code(const struct codegen *g, char *out, size_t size)
{
	enum ws_status st;

	st = codegen_make(g, out, size);
	CHECK(st == WS_OK, "codegen_make: %s", ws_status_str(st));
}

static enum codegen_class
classify_str(const struct codegen *g, const char *in, char *out,
    size_t size)
{
	return codegen_classify(g, in, strlen(in), out, size);
}

/* Expects in to classify as cls with canonical/trimmed output want. */
static void
expect_class(const struct codegen *g, const char *in, size_t len,
    enum codegen_class cls, const char *want)
{
	char out[OUT_MAX];
	enum codegen_class got;

	memset(out, 'x', sizeof(out));
	got = codegen_classify(g, in, len, out, sizeof(out));
	cr_assert_eq(got, cls, "\"%.*s\": class %d, want %d", (int)len, in,
	    got, cls);
	cr_assert_str_eq(out, want, "\"%.*s\"", (int)len, in);
}

/* Indices into code of the characters after the prefix (no separators). */
static size_t
body_positions(const char *code, size_t prefix_len, char sep, size_t *pos,
    size_t max)
{
	size_t i, n = 0;

	for (i = prefix_len; code[i] != '\0'; i++) {
		if (code[i] == sep)
			continue;
		cr_assert(n < max);
		pos[n++] = i;
	}
	return n;
}

/*
 * The one check character that makes prefix + random valid, found by
 * trying every alphabet character through the public interface; asserts
 * that exactly one works.
 */
static char
find_check(const struct codegen *g, const char *prefix, const char *random,
    const char *alphabet)
{
	char in[OUT_MAX], out[OUT_MAX];
	size_t pl = strlen(prefix), rl = strlen(random), i;
	char found = '\0';
	unsigned hits = 0;

	cr_assert(pl + rl + 2 <= sizeof(in));
	memcpy(in, prefix, pl);
	memcpy(in + pl, random, rl);
	in[pl + rl + 1] = '\0';
	for (i = 0; alphabet[i] != '\0'; i++) {
		in[pl + rl] = alphabet[i];
		if (classify_str(g, in, out, sizeof(out)) ==
		    CODEGEN_OWN_FORMAT) {
			found = alphabet[i];
			hits++;
		}
	}
	CHECK(hits == 1, "%s%s: %u valid check characters", prefix, random,
	    hits);
	return found;
}

/* --- hash set of codes, for the duplicate test ---------------------- */

#define SET_BITS	18	/* 262144 slots for 100000 codes */
#define SET_SLOT	32

struct code_set {
	char	(*slot)[SET_SLOT];
	size_t	 n;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* Returns false if s was already there. */
static bool
set_add(struct code_set *set, const char *s)
{
	size_t mask = ((size_t)1 << SET_BITS) - 1, i, len = strlen(s);

	cr_assert(len < SET_SLOT);
	cr_assert(set->n < mask / 2);
	i = (size_t)hash_str(s) & mask;
	while (set->slot[i][0] != '\0') {
		if (strcmp(set->slot[i], s) == 0)
			return false;
		i = (i + 1) & mask;
	}
	memcpy(set->slot[i], s, len + 1);
	set->n++;
	return true;
}

/* --- shape, uniqueness ------------------------------------------------ */

Test(codegen, default_shape)
{
	struct codegen *g = default_gen();
	char code[OUT_MAX];
	size_t i;
	int k;

	cr_assert_float_eq(codegen_bits(g), 80.0, 1e-9);
	for (k = 0; k < 1000; k++) {
		make_code(g, code, sizeof(code));
		/* ABCD-EFGH-JKLM-NPQR-S */
		CHECK(strlen(code) == 21, "%s", code);
		for (i = 0; i < 21; i++) {
			if (i % 5 == 4)
				CHECK(code[i] == '-', "%s", code);
			else
				CHECK(code[i] != '\0' &&
				    strchr(DEFAULT_ALPHABET, code[i]) != NULL,
				    "%s", code);
		}
	}
	codegen_free(g);
}

Test(codegen, make_buffer_too_small)
{
	struct codegen *g = default_gen();
	char code[OUT_MAX];

	memset(code, 'x', sizeof(code));
	cr_assert_eq(codegen_make(g, code, 21), WS_ERR_LIMIT);
	cr_assert_str_eq(code, "");
	cr_assert_eq(codegen_make(g, code, 0), WS_ERR_LIMIT);
	cr_assert_eq(codegen_make(g, code, 22), WS_OK);
	cr_assert_eq(strlen(code), 21);
	codegen_free(g);
}

Test(codegen, unique_and_own_format)
{
	struct codegen *g = default_gen();
	struct code_set set;
	char code[OUT_MAX], out[OUT_MAX];
	enum codegen_class cls;
	int k;

	set.n = 0;
	set.slot = calloc((size_t)1 << SET_BITS, SET_SLOT);
	cr_assert_not_null(set.slot);
	for (k = 0; k < 100000; k++) {
		make_code(g, code, sizeof(code));
		CHECK(set_add(&set, code), "duplicate %s after %d", code, k);
		cls = classify_str(g, code, out, sizeof(out));
		CHECK(cls == CODEGEN_OWN_FORMAT, "%s: class %d", code, cls);
		CHECK(strcmp(out, code) == 0, "%s -> %s", code, out);
	}
	cr_assert_eq(set.n, 100000);
	free(set.slot);
	codegen_free(g);
}

/* --- the check character ---------------------------------------------- */

/* Every single substitution of n codes is BAD_CHECK. */
static void
all_substitutions(const struct codegen *g, const char *alphabet,
    size_t prefix_len, char sep, int ncodes)
{
	char code[OUT_MAX], bad[OUT_MAX], out[OUT_MAX];
	size_t pos[OUT_MAX], np, p, a;
	enum codegen_class cls;
	int k;

	for (k = 0; k < ncodes; k++) {
		make_code(g, code, sizeof(code));
		np = body_positions(code, prefix_len, sep, pos, OUT_MAX);
		for (p = 0; p < np; p++) {
			for (a = 0; alphabet[a] != '\0'; a++) {
				if (alphabet[a] == code[pos[p]])
					continue;
				memcpy(bad, code, sizeof(code));
				bad[pos[p]] = alphabet[a];
				cls = classify_str(g, bad, out, sizeof(out));
				CHECK(cls == CODEGEN_BAD_CHECK,
				    "%s (from %s): class %d", bad, code, cls);
				/* BAD_CHECK still gives the canonical form. */
				CHECK(strcmp(out, bad) == 0, "%s -> %s", bad,
				    out);
			}
		}
	}
}

Test(codegen, every_substitution_detected)
{
	struct codegen *g = default_gen();

	all_substitutions(g, DEFAULT_ALPHABET, 0, '-', 300);
	codegen_free(g);
}

/*
 * Every adjacent transposition of distinct random characters at random
 * position i (i + 1 < length): for every pair (a, b), the code with a, b
 * there and a valid check is found, then a and b swapped must fail.
 */
static void
all_transpositions_at(const struct codegen *g, const char *alphabet,
    unsigned length, unsigned i)
{
	char random[CODEGEN_TEST_RANDOM_MAX + 1], in[OUT_MAX], out[OUT_MAX];
	size_t n = strlen(alphabet), a, b, j;
	enum codegen_class cls;
	char c;

	cr_assert(length <= CODEGEN_TEST_RANDOM_MAX && i + 1 < length);
	/* The other characters: any fixed mix will do. */
	for (j = 0; j < length; j++)
		random[j] = alphabet[(j * 7 + 3) % n];
	random[length] = '\0';
	for (a = 0; a < n; a++) {
		for (b = 0; b < n; b++) {
			if (a == b)
				continue;
			random[i] = alphabet[a];
			random[i + 1] = alphabet[b];
			c = find_check(g, "", random, alphabet);
			memcpy(in, random, length);
			in[i] = alphabet[b];
			in[i + 1] = alphabet[a];
			in[length] = c;
			in[length + 1] = '\0';
			cls = classify_str(g, in, out, sizeof(out));
			CHECK(cls == CODEGEN_BAD_CHECK, "%s%c swapped at %u "
			    "to %s: class %d", random, c, i, in, cls);
		}
	}
}

/*
 * The last random character swapped with the check character: varying
 * the first character moves the check through every value, so all pairs
 * (last, check) are met.
 */
static void
all_check_transpositions(const struct codegen *g, const char *alphabet,
    unsigned length)
{
	char random[CODEGEN_TEST_RANDOM_MAX + 1], in[OUT_MAX], out[OUT_MAX];
	size_t n = strlen(alphabet), a, v, j;
	enum codegen_class cls;
	bool seen[64][64];
	char c;

	memset(seen, 0, sizeof(seen));
	for (j = 0; j < length; j++)
		random[j] = alphabet[(j * 5 + 1) % n];
	random[length] = '\0';
	for (a = 0; a < n; a++) {
		for (v = 0; v < n; v++) {
			random[0] = alphabet[v];
			random[length - 1] = alphabet[a];
			c = find_check(g, "", random, alphabet);
			seen[a][strchr(alphabet, c) - alphabet] = true;
			if (c == alphabet[a])
				continue;
			memcpy(in, random, length);
			in[length - 1] = c;
			in[length] = alphabet[a];
			in[length + 1] = '\0';
			cls = classify_str(g, in, out, sizeof(out));
			CHECK(cls == CODEGEN_BAD_CHECK, "%s%c swapped last "
			    "two: class %d", random, c, cls);
		}
	}
	for (a = 0; a < n; a++)
		for (v = 0; v < n; v++)
			CHECK(seen[a][v], "pair %zu %zu not met", a, v);
}

Test(codegen, every_adjacent_transposition_detected)
{
	struct codegen *g = default_gen();
	unsigned i;

	/* Luhn mod 32 would miss "2Z" <-> "Z2"; this scheme has no gap. */
	for (i = 0; i + 1 < 16; i++)
		all_transpositions_at(g, DEFAULT_ALPHABET, 16, i);
	all_check_transpositions(g, DEFAULT_ALPHABET, 16);
	codegen_free(g);
}

/*
 * The same claims for every alphabet size the format allows (16..36 of
 * [0-9A-Z]), each with the shortest length giving 64 bits: the check
 * group differs by size (GF(2^k) x Z_m, or dihedral for 2 * odd).
 */
Test(codegen, every_alphabet_size, .timeout = 120)
{
	struct voucher_conf c;
	struct codegen *g;
	struct buf err = BUF_INIT;
	char alphabet[40];
	unsigned n, len;

	for (n = 16; n <= 36; n++) {
		memcpy(alphabet, ALL_CHARS, n);
		alphabet[n] = '\0';
		g = NULL;
		for (len = 8; len <= 64; len++) {
			conf_with(&c, alphabet, len, 4, '-', "", true);
			buf_reset(&err);
			if (codegen_new(&c, &g, &err) == WS_OK)
				break;
		}
		cr_assert_not_null(g, "size %u: %s", n, buf_cstr(&err));
		cr_assert_geq(codegen_bits(g), 64.0);
		all_substitutions(g, alphabet, 0, '-', 10);
		all_transpositions_at(g, alphabet, len, 0);
		all_transpositions_at(g, alphabet, len, len / 2);
		all_transpositions_at(g, alphabet, len, len - 2);
		all_check_transpositions(g, alphabet, len);
		codegen_free(g);
	}
	buf_free(&err);
}

/* --- randomness --------------------------------------------------------- */

/* Counts 200000 random characters; each must be within 10% of even. */
static void
distribution(const char *alphabet, unsigned length)
{
	struct voucher_conf c;
	struct codegen *g;
	char code[OUT_MAX];
	unsigned long count[256], total = 0;
	size_t n = strlen(alphabet), i, pos[OUT_MAX], np;
	double expect;

	conf_with(&c, alphabet, length, 0, '-', "", false);
	g = make_gen(&c);
	memset(count, 0, sizeof(count));
	while (total < 200000) {
		make_code(g, code, sizeof(code));
		np = body_positions(code, 0, '-', pos, OUT_MAX);
		cr_assert_eq(np, length);
		for (i = 0; i < np; i++)
			count[(unsigned char)code[pos[i]]]++;
		total += np;
	}
	expect = (double)total / (double)n;
	for (i = 0; i < n; i++) {
		cr_assert((double)count[(unsigned char)alphabet[i]] >
		    expect * 0.9 && (double)count[(unsigned char)alphabet[i]] <
		    expect * 1.1, "'%c': %lu of %lu, expected %.0f",
		    alphabet[i], count[(unsigned char)alphabet[i]], total,
		    expect);
	}
	codegen_free(g);
}

Test(codegen, distribution_default)
{
	distribution(DEFAULT_ALPHABET, 16);
}

/* 256 % 36 = 4: b % 36 without rejection would favour '0'..'3' by 14%. */
Test(codegen, distribution_no_modulo_bias)
{
	distribution(ALL_CHARS, 20);
}

/* --- classification ------------------------------------------------------ */

Test(codegen, normalisation)
{
	struct codegen *g = default_gen();
	char code[OUT_MAX], in[OUT_MAX * 2];
	size_t i, o;

	make_code(g, code, sizeof(code));
	/* lower case */
	for (i = 0; code[i] != '\0'; i++)
		in[i] = code[i] >= 'A' && code[i] <= 'Z' ?
		    (char)(code[i] - 'A' + 'a') : code[i];
	in[i] = '\0';
	expect_class(g, in, strlen(in), CODEGEN_OWN_FORMAT, code);
	/* spaces for separators, white space around */
	o = 0;
	in[o++] = ' ';
	in[o++] = '\t';
	for (i = 0; code[i] != '\0'; i++)
		in[o++] = code[i] == '-' ? ' ' : code[i];
	in[o++] = '\r';
	in[o++] = '\n';
	in[o] = '\0';
	expect_class(g, in, o, CODEGEN_OWN_FORMAT, code);
	/* no separators at all */
	o = 0;
	for (i = 0; code[i] != '\0'; i++)
		if (code[i] != '-')
			in[o++] = code[i];
	in[o] = '\0';
	expect_class(g, in, o, CODEGEN_OWN_FORMAT, code);
	/* extra and misplaced separators */
	o = 0;
	in[o++] = '-';
	for (i = 0; code[i] != '\0'; i++) {
		if (code[i] == '-')
			continue;
		in[o++] = code[i];
		if (i % 3 == 0) {
			in[o++] = '-';
			in[o++] = ' ';
			in[o++] = '-';
		}
	}
	in[o++] = '-';
	in[o] = '\0';
	expect_class(g, in, o, CODEGEN_OWN_FORMAT, code);
	codegen_free(g);
}

/* in and out may be one buffer: a form field normalised in place. */
Test(codegen, classify_in_place)
{
	struct codegen *g = default_gen();
	char code[OUT_MAX], buf[OUT_MAX];
	size_t i, o;

	make_code(g, code, sizeof(code));
	o = 0;
	buf[o++] = ' ';
	for (i = 0; code[i] != '\0'; i++)
		if (code[i] != '-')
			buf[o++] = code[i] >= 'A' && code[i] <= 'Z' ?
			    (char)(code[i] - 'A' + 'a') : code[i];
	buf[o] = '\0';
	cr_assert_eq(codegen_classify(g, buf, o, buf, sizeof(buf)),
	    CODEGEN_OWN_FORMAT);
	cr_assert_str_eq(buf, code);
	memcpy(buf, "  Summer Sale ", 15);
	cr_assert_eq(codegen_classify(g, buf, 14, buf, sizeof(buf)),
	    CODEGEN_FOREIGN);
	cr_assert_str_eq(buf, "Summer Sale");
	codegen_free(g);
}

Test(codegen, bad_check_gives_canonical)
{
	struct codegen *g = default_gen();
	char code[OUT_MAX], in[OUT_MAX];
	size_t n;

	make_code(g, code, sizeof(code));
	n = strlen(code);
	/* Replace the check character by another one, then lower-case. */
	memcpy(in, code, n + 1);
	in[n - 1] = code[n - 1] == '2' ? '3' : '2';
	memcpy(code, in, n + 1);
	in[0] = code[0] >= 'A' ? (char)(code[0] - 'A' + 'a') : code[0];
	expect_class(g, in, n, CODEGEN_BAD_CHECK, code);
	codegen_free(g);
}

Test(codegen, empty)
{
	struct codegen *g = default_gen();

	expect_class(g, "", 0, CODEGEN_EMPTY, "");
	expect_class(g, NULL, 0, CODEGEN_EMPTY, "");
	expect_class(g, "   ", 3, CODEGEN_EMPTY, "");
	expect_class(g, " \t\r\n\v\f ", 7, CODEGEN_EMPTY, "");
	codegen_free(g);
}

Test(codegen, malformed)
{
	struct codegen *g = default_gen();
	char big[4 * VOUCHER_CODE_MAX + 2];
	char out[OUT_MAX];
	static const struct {
		const char	*in;
		size_t		 len;
		int		 line;
	} cases[] = {
		{ "ABCD\x01" "EFGH", 9, __LINE__ },	/* C0 control inside */
		{ "ABCD\tEFGH", 9, __LINE__ },		/* tab inside */
		{ "ABCD\nEFGH", 9, __LINE__ },
		{ "ABCD\x7f", 5, __LINE__ },		/* DEL */
		{ "AB\0CD", 5, __LINE__ },		/* NUL */
		{ "\x1b[31m", 5, __LINE__ },		/* escape sequence */
		{ "ABC\xff", 4, __LINE__ },		/* never in UTF-8 */
		{ "ABC\x80", 4, __LINE__ },		/* lone continuation */
		{ "\xc0\xaf", 2, __LINE__ },		/* overlong '/' */
		{ "\xe0\x80\xaf", 3, __LINE__ },	/* overlong */
		{ "AB\xe2\x82", 4, __LINE__ },		/* truncated euro */
		{ "\xed\xa0\x80", 3, __LINE__ },	/* surrogate */
		{ "\xf4\x90\x80\x80", 4, __LINE__ },	/* above U+10FFFF */
		{ "AB\xc2\x85" "CD", 6, __LINE__ },	/* C1 control NEL */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		cr_assert_eq(codegen_classify(g, cases[i].in, cases[i].len,
		    out, sizeof(out)), CODEGEN_MALFORMED, "line %d",
		    cases[i].line);
		cr_assert_str_eq(out, "", "line %d", cases[i].line);
	}

	/* Too long after trimming: 201 characters. */
	memset(big, 'A', sizeof(big));
	expect_class(g, big, VOUCHER_CODE_MAX + 1, CODEGEN_MALFORMED, "");
	expect_class(g, big, VOUCHER_CODE_MAX, CODEGEN_FOREIGN,
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	/* Too long as sent, even if white space only. */
	memset(big, ' ', sizeof(big));
	expect_class(g, big, 4 * VOUCHER_CODE_MAX, CODEGEN_EMPTY, "");
	expect_class(g, big, 4 * VOUCHER_CODE_MAX + 1, CODEGEN_MALFORMED, "");
	codegen_free(g);
}

Test(codegen, output_too_small)
{
	struct codegen *g = default_gen();
	char code[OUT_MAX], out[OUT_MAX];

	make_code(g, code, sizeof(code));
	memset(out, 'x', sizeof(out));
	cr_assert_eq(classify_str(g, code, out, strlen(code)),
	    CODEGEN_MALFORMED);
	cr_assert_str_eq(out, "");
	cr_assert_eq(classify_str(g, code, out, strlen(code) + 1),
	    CODEGEN_OWN_FORMAT);
	cr_assert_str_eq(out, code);
	memset(out, 'x', sizeof(out));
	cr_assert_eq(classify_str(g, "summer", out, 6), CODEGEN_MALFORMED);
	cr_assert_str_eq(out, "");
	cr_assert_eq(classify_str(g, "x", out, 0), CODEGEN_MALFORMED);
	cr_assert_eq(classify_str(g, "", out, 1), CODEGEN_EMPTY);
	codegen_free(g);
}

Test(codegen, foreign)
{
	struct codegen *g = default_gen();
	char code[OUT_MAX], in[OUT_MAX];
	size_t n;

	expect_class(g, "SUMMER2024", 10, CODEGEN_FOREIGN, "SUMMER2024");
	/* trimmed only: case and inner spaces kept */
	expect_class(g, "  Summer Sale 10 \n", 18, CODEGEN_FOREIGN,
	    "Summer Sale 10");
	expect_class(g, "Gutschein-\xc3\x84rger", 16, CODEGEN_FOREIGN,
	    "Gutschein-\xc3\x84rger");
	/* '1', 'I', 'O', '0' are not in the default alphabet */
	expect_class(g, "ABCD-EFGH-JKLM-NPQR-1", 21, CODEGEN_FOREIGN,
	    "ABCD-EFGH-JKLM-NPQR-1");
	/* one character short or long */
	make_code(g, code, sizeof(code));
	n = strlen(code);
	memcpy(in, code, n - 1);
	in[n - 1] = '\0';
	expect_class(g, in, n - 1, CODEGEN_FOREIGN, in);
	memcpy(in, code, n);
	in[n] = 'A';
	in[n + 1] = '\0';
	expect_class(g, in, n + 1, CODEGEN_FOREIGN, in);
	/* a newline at the end is trimmed, never taken by a '$' */
	memcpy(in, code, n);
	in[n] = '\n';
	in[n + 1] = '\0';
	expect_class(g, in, n + 1, CODEGEN_OWN_FORMAT, code);
	codegen_free(g);
}

/* --- variants --------------------------------------------------------- */

Test(codegen, prefix_grouped)
{
	struct voucher_conf c;
	struct codegen *g;
	char code[OUT_MAX], in[OUT_MAX], out[OUT_MAX];
	size_t i, o;

	conf_with(&c, DEFAULT_ALPHABET, 16, 4, '-', "WS1", true);
	g = make_gen(&c);
	make_code(g, code, sizeof(code));
	/* WS1-ABCD-EFGH-JKLM-NPQR-S */
	cr_assert_eq(strlen(code), 25, "%s", code);
	cr_assert(strncmp(code, "WS1-", 4) == 0, "%s", code);
	for (i = 4; i < 25; i++)
		cr_assert_eq(code[i] == '-', (i - 4) % 5 == 4, "%s", code);
	/* lower case, no separators */
	o = 0;
	for (i = 0; code[i] != '\0'; i++) {
		if (code[i] == '-')
			continue;
		in[o++] = code[i] >= 'A' && code[i] <= 'Z' ?
		    (char)(code[i] - 'A' + 'a') : code[i];
	}
	in[o] = '\0';
	expect_class(g, in, o, CODEGEN_OWN_FORMAT, code);
	/* without the prefix it is not ours */
	expect_class(g, code + 4, strlen(code + 4), CODEGEN_FOREIGN,
	    code + 4);
	/* the prefix takes no part in the check, it must match as text */
	memcpy(in, code, strlen(code) + 1);
	in[2] = '2';
	expect_class(g, in, strlen(in), CODEGEN_FOREIGN, in);
	all_substitutions(g, DEFAULT_ALPHABET, 3, '-', 20);
	cr_assert_eq(classify_str(g, code, out, sizeof(out)),
	    CODEGEN_OWN_FORMAT);
	codegen_free(g);
}

Test(codegen, prefix_ungrouped)
{
	struct voucher_conf c;
	struct codegen *g;
	char code[OUT_MAX], in[OUT_MAX];
	size_t i, o;

	/* '.' separator: dots, dashes and spaces typed all go away */
	conf_with(&c, DEFAULT_ALPHABET, 16, 0, '.', "WS", true);
	g = make_gen(&c);
	make_code(g, code, sizeof(code));
	/* WSABCDEFGHJKLMNPQRS */
	cr_assert_eq(strlen(code), 19, "%s", code);
	cr_assert(strncmp(code, "WS", 2) == 0, "%s", code);
	cr_assert_null(strchr(code, '.'), "%s", code);
	o = 0;
	for (i = 0; code[i] != '\0'; i++) {
		in[o++] = code[i];
		if (i % 4 == 1)
			in[o++] = i % 8 == 1 ? '.' : (i % 3 ? '-' : ' ');
	}
	in[o] = '\0';
	expect_class(g, in, o, CODEGEN_OWN_FORMAT, code);
	all_substitutions(g, DEFAULT_ALPHABET, 2, '.', 20);
	codegen_free(g);
}

Test(codegen, group_not_dividing)
{
	struct voucher_conf c;
	struct codegen *g;
	char code[OUT_MAX];

	/* 13 + 1 = 14 in groups of 5: XXXXX_XXXXX_XXXX */
	conf_with(&c, ALL_CHARS, 13, 5, '_', "", true);
	g = make_gen(&c);
	cr_assert_geq(codegen_bits(g), 64.0);
	make_code(g, code, sizeof(code));
	cr_assert_eq(strlen(code), 16, "%s", code);
	cr_assert(code[5] == '_' && code[11] == '_', "%s", code);
	expect_class(g, code, 16, CODEGEN_OWN_FORMAT, code);
	codegen_free(g);
}

Test(codegen, check_char_off)
{
	struct voucher_conf c;
	struct codegen *g;
	char code[OUT_MAX], bad[OUT_MAX];
	size_t p, a;

	conf_with(&c, DEFAULT_ALPHABET, 16, 4, '-', "", false);
	g = make_gen(&c);
	make_code(g, code, sizeof(code));
	/* ABCD-EFGH-JKLM-NPQR */
	cr_assert_eq(strlen(code), 19, "%s", code);
	expect_class(g, code, 19, CODEGEN_OWN_FORMAT, code);
	/* no BAD_CHECK without a check character: every change is ours */
	for (p = 0; p < 19; p++) {
		if (code[p] == '-')
			continue;
		for (a = 0; a < 32; a++) {
			memcpy(bad, code, sizeof(code));
			bad[p] = DEFAULT_ALPHABET[a];
			expect_class(g, bad, 19, CODEGEN_OWN_FORMAT, bad);
		}
	}
	/* one extra character is not ours */
	memcpy(bad, code, 19);
	bad[19] = 'A';
	bad[20] = '\0';
	expect_class(g, bad, 20, CODEGEN_FOREIGN, bad);
	codegen_free(g);
}

/* --- format validation ---------------------------------------------------- */

static void
expect_refused(const struct voucher_conf *c, const char *words, int line)
{
	struct codegen *g = (struct codegen *)&g;	/* must be reset */
	struct buf err = BUF_INIT;

	cr_assert_eq(codegen_new(c, &g, &err), WS_ERR_INVALID, "line %d",
	    line);
	cr_assert_null(g, "line %d", line);
	cr_assert_not_null(strstr(buf_cstr(&err), words),
	    "line %d: \"%s\" lacks \"%s\"", line, buf_cstr(&err), words);
	buf_free(&err);
}

Test(codegen, refuses_bad_formats)
{
	struct voucher_conf c;

	conf_with(&c, "23456789ABCDEFGHJKLMNPQRSTUVWXY2", 16, 4, '-', "", true);
	expect_refused(&c, "'2' appears more than once", __LINE__);
	conf_with(&c, "23456789ABCDEFG", 24, 4, '-', "", true);
	expect_refused(&c, "has 15 characters", __LINE__);
	conf_with(&c, "23456789ABCDEFGHJKLMNPQRSTUVWXYz", 16, 4, '-', "", true);
	expect_refused(&c, "0x7a at position 32", __LINE__);
	conf_with(&c, "", 16, 4, '-', "", true);
	expect_refused(&c, "has 0 characters", __LINE__);
	/* 12 * 5 = 60 bits */
	conf_with(&c, DEFAULT_ALPHABET, 12, 4, '-', "", true);
	expect_refused(&c, "60.0 random bits", __LINE__);
	/* 13 * log2(30) = 63.8 bits: just short */
	conf_with(&c, "23456789ABCDEFGHJKLMNPQRSTUVWX", 13, 4, '-', "", true);
	expect_refused(&c, "random bits", __LINE__);
	conf_with(&c, DEFAULT_ALPHABET, 7, 4, '-', "", true);
	expect_refused(&c, "length 7", __LINE__);
	conf_with(&c, DEFAULT_ALPHABET, 65, 4, '-', "", true);
	expect_refused(&c, "length 65", __LINE__);
	conf_with(&c, DEFAULT_ALPHABET, 16, 1, '-', "", true);
	expect_refused(&c, "group size 1", __LINE__);
	conf_with(&c, DEFAULT_ALPHABET, 16, 17, '-', "", true);
	expect_refused(&c, "group size 17", __LINE__);
	conf_with(&c, DEFAULT_ALPHABET, 16, 4, '/', "", true);
	expect_refused(&c, "separator 0x2f", __LINE__);
	conf_with(&c, DEFAULT_ALPHABET, 16, 4, ' ', "", true);
	expect_refused(&c, "separator 0x20", __LINE__);
	conf_with(&c, DEFAULT_ALPHABET, 16, 4, '-', "ws", true);
	expect_refused(&c, "prefix: character 0x77", __LINE__);
	conf_with(&c, DEFAULT_ALPHABET, 16, 4, '-', "A-B", true);
	expect_refused(&c, "prefix: character 0x2d", __LINE__);
	/* every problem is named, not only the first */
	conf_with(&c, "AABCDEFGHJKLMNPQ", 16, 1, '/', "", true);
	expect_refused(&c, "'A' appears more than once; ", __LINE__);
	expect_refused(&c, "group size 1", __LINE__);
	expect_refused(&c, "separator", __LINE__);

	/* unterminated fields are refused, never overread */
	conf_with(&c, DEFAULT_ALPHABET, 16, 4, '-', "", true);
	memset(c.code_prefix, 'A', sizeof(c.code_prefix));
	expect_refused(&c, "prefix is longer than 16", __LINE__);
	conf_with(&c, DEFAULT_ALPHABET, 16, 4, '-', "", true);
	memset(c.code_alphabet, 'A', sizeof(c.code_alphabet));
	expect_refused(&c, "not terminated", __LINE__);
}

Test(codegen, accepts_edge_formats)
{
	struct voucher_conf c;
	struct codegen *g;

	/* 16 * log2(16) = 64 exactly */
	conf_with(&c, "0123456789ABCDEF", 16, 0, '-', "", true);
	g = make_gen(&c);
	cr_assert_float_eq(codegen_bits(g), 64.0, 1e-9);
	codegen_free(g);
	/* largest: 16-char prefix, 64 random, groups of 2 */
	conf_with(&c, ALL_CHARS, 64, 2, '_', "ABCDEFGHIJKLMNOP", true);
	g = make_gen(&c);
	codegen_free(g);
	codegen_free(NULL);
}
