/*
 * test_form.c - form fields and cookies of a request: urlencoded fields
 * with '+' and %XX, empty and missing values, the count and length limits,
 * broken escapes, NUL bytes kept with their length, the UTF-8 text check
 * (overlong forms, surrogates, C1 and other controls) and the Cookie
 * header lookup.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "form.h"

static struct form f;

static void
setup(void)
{
	form_init(&f);
}

static void
teardown(void)
{
	form_free(&f);
}

TestSuite(form, .init = setup, .fini = teardown);

static enum ws_status
parse(const char *s)
{
	return form_parse(&f, s, strlen(s));
}

/* The value of name must be exactly want (wn bytes, NULs allowed). */
static void
expect_value(const char *name, const char *want, size_t wn, int line)
{
	size_t len = (size_t)-1;
	const char *v = form_get(&f, name, &len);

	cr_assert_not_null(v, "line %d: no field \"%s\"", line, name);
	cr_expect_eq(len, wn, "line %d: %s: length %zu, want %zu", line, name,
	    len, wn);
	if (len == wn)
		cr_expect(memcmp(v, want, wn) == 0, "line %d: %s: value "
		    "\"%.*s\", want \"%.*s\"", line, name, (int)len, v,
		    (int)wn, want);
	/* values are NUL-terminated after their length */
	cr_expect_eq(v[len], '\0', "line %d: %s not terminated", line, name);
}

#define EXPECT_VALUE(name, want) \
	expect_value((name), (want), sizeof(want) - 1, __LINE__)

/* --- parsing ---------------------------------------------------------- */

Test(form, fields)
{
	cr_assert_eq(parse("code=ABCD-EFGH&action=add&qty=2"), WS_OK);
	cr_expect_eq(f.n, 3);
	EXPECT_VALUE("code", "ABCD-EFGH");
	EXPECT_VALUE("action", "add");
	EXPECT_VALUE("qty", "2");
	cr_expect_null(form_get(&f, "missing", NULL));
	/* names match exactly: no prefix, no case folding */
	cr_expect_null(form_get(&f, "cod", NULL));
	cr_expect_null(form_get(&f, "CODE", NULL));
}

Test(form, empty_input)
{
	cr_expect_eq(parse(""), WS_OK);
	cr_expect_eq(f.n, 0);
	cr_expect_eq(form_parse(&f, NULL, 0), WS_OK);
	cr_expect_eq(f.n, 0);
	cr_expect_null(form_get(&f, "a", NULL));
	cr_expect_null(form_get_text(&f, "a"));
}

Test(form, plus_and_percent_decoding)
{
	cr_assert_eq(parse("q=hello+world%21&u=Gr%C3%BC%c3%9Fe&p=%2B1+%2b2"
	    "&pct=100%25&amp=a%26b%3Dc&my+name=x&n%41me=y"), WS_OK);
	EXPECT_VALUE("q", "hello world!");
	EXPECT_VALUE("u", "Gr\xc3\xbc\xc3\x9f" "e");
	EXPECT_VALUE("p", "+1 +2");
	EXPECT_VALUE("pct", "100%");
	/* an encoded '&' or '=' does not split */
	EXPECT_VALUE("amp", "a&b=c");
	/* names are decoded too */
	EXPECT_VALUE("my name", "x");
	EXPECT_VALUE("nAme", "y");
}

Test(form, raw_bytes_pass_through)
{
	cr_assert_eq(parse("a=x;y/z?"), WS_OK);
	EXPECT_VALUE("a", "x;y/z?");
}

Test(form, empty_values_and_missing_equals)
{
	cr_assert_eq(parse("a=&b=&flag&c=3&solo"), WS_OK);
	cr_expect_eq(f.n, 5);
	EXPECT_VALUE("a", "");
	EXPECT_VALUE("b", "");
	EXPECT_VALUE("flag", "");
	EXPECT_VALUE("c", "3");
	EXPECT_VALUE("solo", "");
	cr_expect_str_eq(form_get_text(&f, "flag"), "");
}

Test(form, empty_pieces_skipped)
{
	cr_assert_eq(parse("&a=1&&b=2&&&"), WS_OK);
	cr_expect_eq(f.n, 2);
	EXPECT_VALUE("a", "1");
	EXPECT_VALUE("b", "2");
	form_free(&f);
	form_init(&f);
	cr_expect_eq(parse("&&&"), WS_OK);
	cr_expect_eq(f.n, 0);
}

Test(form, value_with_equals)
{
	cr_assert_eq(parse("a=b=c&d==="), WS_OK);
	EXPECT_VALUE("a", "b=c");
	EXPECT_VALUE("d", "==");
}

Test(form, first_of_repeated_name)
{
	cr_assert_eq(parse("a=1&a=2"), WS_OK);
	cr_expect_eq(f.n, 2);
	EXPECT_VALUE("a", "1");
}

Test(form, parse_adds_fields)
{
	/* query string, then body: both end up in the one form */
	cr_assert_eq(parse("a=1"), WS_OK);
	cr_assert_eq(parse("b=2"), WS_OK);
	cr_expect_eq(f.n, 2);
	EXPECT_VALUE("a", "1");
	EXPECT_VALUE("b", "2");
}

Test(form, length_not_nul)
{
	/* only len bytes are read: the rest of the string is not a field */
	const char *s = "a=1&b=2";

	cr_assert_eq(form_parse(&f, s, 3), WS_OK);
	cr_expect_eq(f.n, 1);
	EXPECT_VALUE("a", "1");
	cr_expect_null(form_get(&f, "b", NULL));
}

Test(form, nul_kept_with_length)
{
	cr_assert_eq(parse("a=x%00y&b=%00"), WS_OK);
	EXPECT_VALUE("a", "x\0y");
	EXPECT_VALUE("b", "\0");
	/* ... but it is not text */
	cr_expect_null(form_get_text(&f, "a"));
	cr_expect_null(form_get_text(&f, "b"));
}

static const struct {
	const char	*in;
	enum ws_status	 st;
	int		 line;
} bad_cases[] = {
	{ "a=%", WS_ERR_INVALID, __LINE__ },
	{ "a=%4", WS_ERR_INVALID, __LINE__ },
	{ "a=%ZZ", WS_ERR_INVALID, __LINE__ },
	{ "a=%4G", WS_ERR_INVALID, __LINE__ },
	{ "a=%G4", WS_ERR_INVALID, __LINE__ },
	{ "a=%%41", WS_ERR_INVALID, __LINE__ },
	{ "a=x%", WS_ERR_INVALID, __LINE__ },
	{ "a=x%4&b=1", WS_ERR_INVALID, __LINE__ },
	{ "a=% 4", WS_ERR_INVALID, __LINE__ },
	{ "a=%-1", WS_ERR_INVALID, __LINE__ },
	{ "ok=1&a=%", WS_ERR_INVALID, __LINE__ },
	{ "%=1", WS_ERR_INVALID, __LINE__ },
	{ "n%4=1", WS_ERR_INVALID, __LINE__ },
	{ "%ZZ=1", WS_ERR_INVALID, __LINE__ },
	/* a field needs a name */
	{ "=x", WS_ERR_INVALID, __LINE__ },
	{ "a=1&=2", WS_ERR_INVALID, __LINE__ },
	{ "=", WS_ERR_INVALID, __LINE__ },
	/* a name is text: no NUL, no control, valid UTF-8 */
	{ "%00=1", WS_ERR_INVALID, __LINE__ },
	{ "a%00b=1", WS_ERR_INVALID, __LINE__ },
	{ "%0A=1", WS_ERR_INVALID, __LINE__ },
	{ "%7F=1", WS_ERR_INVALID, __LINE__ },
	{ "%FF=1", WS_ERR_INVALID, __LINE__ },
	{ "%C0%AF=1", WS_ERR_INVALID, __LINE__ },
};

Test(form, broken_input)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct form g;
		enum ws_status st;

		form_init(&g);
		st = form_parse(&g, bad_cases[i].in, strlen(bad_cases[i].in));
		cr_expect_eq(st, bad_cases[i].st, "line %d: \"%s\": %s",
		    bad_cases[i].line, bad_cases[i].in, ws_status_str(st));
		form_free(&g);
	}
}

/* --- limits ----------------------------------------------------------- */

/* n fields "f0=v&f1=v&..." */
static void
many_fields(struct buf *b, unsigned n)
{
	unsigned i;

	buf_reset(b);
	for (i = 0; i < n; i++)
		cr_assert_eq(buf_printf(b, "%sf%u=v%u", i > 0 ? "&" : "", i,
		    i), WS_OK);
}

Test(form, fields_max)
{
	struct buf b = BUF_INIT;
	char name[16];

	many_fields(&b, FORM_FIELDS_MAX);
	cr_assert_eq(form_parse(&f, b.data, b.len), WS_OK);
	cr_expect_eq(f.n, FORM_FIELDS_MAX);
	snprintf(name, sizeof(name), "f%u", FORM_FIELDS_MAX - 1);
	cr_expect_not_null(form_get(&f, name, NULL));

	/* empty pieces do not count */
	form_free(&f);
	form_init(&f);
	cr_assert_eq(buf_append_str(&b, "&&&"), WS_OK);
	cr_expect_eq(form_parse(&f, b.data, b.len), WS_OK);

	/* one more is refused */
	form_free(&f);
	form_init(&f);
	many_fields(&b, FORM_FIELDS_MAX + 1);
	cr_expect_eq(form_parse(&f, b.data, b.len), WS_ERR_LIMIT);

	/* so is one more over two calls */
	form_free(&f);
	form_init(&f);
	many_fields(&b, FORM_FIELDS_MAX);
	cr_assert_eq(form_parse(&f, b.data, b.len), WS_OK);
	cr_expect_eq(parse("x=1"), WS_ERR_LIMIT);
	buf_free(&b);
}

Test(form, name_max)
{
	struct buf b = BUF_INIT;
	char name[FORM_NAME_MAX + 2];
	unsigned i;

	memset(name, 'n', FORM_NAME_MAX);
	name[FORM_NAME_MAX] = '\0';
	cr_assert_eq(buf_printf(&b, "%s=1", name), WS_OK);
	cr_expect_eq(form_parse(&f, b.data, b.len), WS_OK);
	cr_expect_not_null(form_get(&f, name, NULL));

	/* the decoded length counts: 64 x "%41" is a 64-byte name */
	buf_reset(&b);
	for (i = 0; i < FORM_NAME_MAX; i++)
		cr_assert_eq(buf_append_str(&b, "%41"), WS_OK);
	cr_assert_eq(buf_append_str(&b, "=2"), WS_OK);
	cr_expect_eq(form_parse(&f, b.data, b.len), WS_OK);

	/* one byte longer: the request is malformed (not a limit) */
	form_free(&f);
	form_init(&f);
	memset(name, 'n', FORM_NAME_MAX + 1);
	name[FORM_NAME_MAX + 1] = '\0';
	buf_reset(&b);
	cr_assert_eq(buf_printf(&b, "%s=1", name), WS_OK);
	cr_expect_eq(form_parse(&f, b.data, b.len), WS_ERR_INVALID);
	buf_reset(&b);
	cr_assert_eq(buf_printf(&b, "%s", name), WS_OK);
	cr_expect_eq(form_parse(&f, b.data, b.len), WS_ERR_INVALID);
	buf_free(&b);
}

Test(form, value_max)
{
	struct buf b = BUF_INIT;
	size_t len;
	unsigned i;

	cr_assert_eq(buf_append_str(&b, "v="), WS_OK);
	for (i = 0; i < FORM_VALUE_MAX; i++)
		cr_assert_eq(buf_append_char(&b, 'x'), WS_OK);
	cr_expect_eq(form_parse(&f, b.data, b.len), WS_OK);
	cr_assert_not_null(form_get(&f, "v", &len));
	cr_expect_eq(len, FORM_VALUE_MAX);

	/* escapes count once: 1024 x "%C3" is a 1024-byte value */
	form_free(&f);
	form_init(&f);
	buf_reset(&b);
	cr_assert_eq(buf_append_str(&b, "v="), WS_OK);
	for (i = 0; i < FORM_VALUE_MAX; i++)
		cr_assert_eq(buf_append_str(&b, "%C3"), WS_OK);
	cr_expect_eq(form_parse(&f, b.data, b.len), WS_OK);
	cr_assert_not_null(form_get(&f, "v", &len));
	cr_expect_eq(len, FORM_VALUE_MAX);

	/* one more byte: malformed */
	form_free(&f);
	form_init(&f);
	buf_reset(&b);
	cr_assert_eq(buf_append_str(&b, "v="), WS_OK);
	for (i = 0; i < FORM_VALUE_MAX + 1; i++)
		cr_assert_eq(buf_append_char(&b, '+'), WS_OK);
	cr_expect_eq(form_parse(&f, b.data, b.len), WS_ERR_INVALID);
	buf_free(&b);
}

/* --- text ------------------------------------------------------------- */

static const struct {
	const char	*s;
	size_t		 n;
	bool		 ok;
	int		 line;
} text_cases[] = {
#define T(lit, ok) { (lit), sizeof(lit) - 1, (ok), __LINE__ }
	T("", true),
	T("ABCD-EFGH-2345", true),
	T("Gr\xc3\xbc\xc3\x9f" "e", true),		/* U+00FC U+00DF */
	T("\xc2\xa0", true),				/* U+00A0, after C1 */
	T("\xdf\xbf", true),				/* U+07FF */
	T("\xe0\xa0\x80", true),			/* U+0800 */
	T("\xe2\x82\xac", true),			/* U+20AC euro */
	T("\xed\x9f\xbf", true),			/* U+D7FF */
	T("\xee\x80\x80", true),			/* U+E000 */
	T("\xef\xbf\xbf", true),			/* U+FFFF */
	T("\xf0\x90\x80\x80", true),			/* U+10000 */
	T("\xf0\x9f\x98\x80", true),			/* U+1F600 */
	T("\xf4\x8f\xbf\xbf", true),			/* U+10FFFF */
	T(" ~", true),
	/* control characters */
	T("\x01", false),
	T("a\tb", false),
	T("a\nb", false),
	T("a\rb", false),
	T("\x1f", false),
	T("\x7f", false),
	T("a\0b", false),
	/* C1 controls U+0080..U+009F */
	T("\xc2\x80", false),
	T("\xc2\x85", false),
	T("\xc2\x9f", false),
	/* overlong forms */
	T("\xc0\xaf", false),
	T("\xc1\xbf", false),
	T("\xc0\x80", false),
	T("\xe0\x80\xaf", false),
	T("\xe0\x9f\xbf", false),
	T("\xf0\x80\x80\xaf", false),
	T("\xf0\x8f\xbf\xbf", false),
	/* surrogates U+D800..U+DFFF */
	T("\xed\xa0\x80", false),
	T("\xed\xaf\xbf", false),
	T("\xed\xb0\x80", false),
	T("\xed\xbf\xbf", false),
	/* beyond U+10FFFF, and bytes that never occur */
	T("\xf4\x90\x80\x80", false),
	T("\xf5\x80\x80\x80", false),
	T("\xf8\x88\x80\x80\x80", false),
	T("\xfe", false),
	T("\xff", false),
	/* lone continuation bytes, cut sequences, bad continuation */
	T("\x80", false),
	T("a\xbf", false),
	T("\xc3", false),
	T("ab\xc3", false),
	T("\xe2\x82", false),
	T("\xf0\x9f\x98", false),
	T("\xc3\x28", false),
	T("\xe2\x28\xac", false),
	T("\xe2\x82\x28", false),
	T("\xf0\x9f\x98\x28", false),
#undef T
};

Test(form, text_ok_table)
{
	size_t i;

	for (i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++)
		cr_expect_eq(form_text_ok(text_cases[i].s, text_cases[i].n),
		    text_cases[i].ok, "line %d: want %s", text_cases[i].line,
		    text_cases[i].ok ? "valid" : "invalid");
}

Test(form, text_ok_reads_only_len)
{
	/* a multibyte character cut by len is invalid even if more follows */
	cr_expect_not(form_text_ok("\xe2\x82\xac", 2));
	cr_expect(form_text_ok("ab\x01", 2));
}

Test(form, get_text)
{
	cr_assert_eq(parse("ok=Gr%C3%BC%C3%9Fe+%E2%82%AC&emoji=%F0%9F%98%80"
	    "&latin1=Gr%FC%DFe&overlong=%C0%AF&surrogate=%ED%A0%80"
	    "&c1=%C2%80&ctl=a%0Ab&tab=a%09b&del=%7F&cut=%E2%82"
	    "&empty="), WS_OK);
	cr_expect_str_eq(form_get_text(&f, "ok"),
	    "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac");
	cr_expect_str_eq(form_get_text(&f, "emoji"), "\xf0\x9f\x98\x80");
	cr_expect_str_eq(form_get_text(&f, "empty"), "");
	cr_expect_null(form_get_text(&f, "latin1"));
	cr_expect_null(form_get_text(&f, "overlong"));
	cr_expect_null(form_get_text(&f, "surrogate"));
	cr_expect_null(form_get_text(&f, "c1"));
	cr_expect_null(form_get_text(&f, "ctl"));
	cr_expect_null(form_get_text(&f, "tab"));
	cr_expect_null(form_get_text(&f, "del"));
	cr_expect_null(form_get_text(&f, "cut"));
	cr_expect_null(form_get_text(&f, "missing"));
	/* the raw bytes are still there for who wants them */
	EXPECT_VALUE("latin1", "Gr\xfc\xdf" "e");
	EXPECT_VALUE("overlong", "\xc0\xaf");
}

/* --- cookies ---------------------------------------------------------- */

static const struct {
	const char	*header;
	const char	*want;	/* NULL: no cookie */
	int		 line;
} cookie_cases[] = {
	{ "WSSESSION=abc", "abc", __LINE__ },
	{ "a=1; WSSESSION=abc; b=2", "abc", __LINE__ },
	{ "a=1;WSSESSION=abc;b=2", "abc", __LINE__ },
	{ "a=1; b=2; WSSESSION=abc", "abc", __LINE__ },
	{ "   WSSESSION=abc   ", "abc", __LINE__ },
	{ "a=1;   WSSESSION=abc  ;  b=2", "abc", __LINE__ },
	{ ";;WSSESSION=abc;;", "abc", __LINE__ },
	{ "WSSESSION=", "", __LINE__ },
	{ "WSSESSION=first; WSSESSION=second", "first", __LINE__ },
	/* names that only start or end like ours */
	{ "XWSSESSION=evil", NULL, __LINE__ },
	{ "XWSSESSION=evil; WSSESSION=good", "good", __LINE__ },
	{ "WSSESSIONX=evil", NULL, __LINE__ },
	{ "WSSESSIONX=evil; WSSESSION=good", "good", __LINE__ },
	{ "SESSION=evil", NULL, __LINE__ },
	{ "wssession=evil", NULL, __LINE__ },
	{ "a=WSSESSION=evil", NULL, __LINE__ },
	{ "WSSESSION", NULL, __LINE__ },
	{ "WSSESSION ; b=2", NULL, __LINE__ },
	{ "", NULL, __LINE__ },
	{ "   ", NULL, __LINE__ },
	{ ";", NULL, __LINE__ },
	{ "a=1; b=2", NULL, __LINE__ },
};

Test(form, cookie_table)
{
	size_t i;

	for (i = 0; i < sizeof(cookie_cases) / sizeof(cookie_cases[0]); i++) {
		char out[64];
		bool got;

		memset(out, '#', sizeof(out));
		got = form_cookie(cookie_cases[i].header, "WSSESSION", out,
		    sizeof(out));
		cr_expect_eq(got, cookie_cases[i].want != NULL, "line %d: "
		    "\"%s\": %s", cookie_cases[i].line,
		    cookie_cases[i].header, got ? "found" : "not found");
		if (got && cookie_cases[i].want != NULL)
			cr_expect_str_eq(out, cookie_cases[i].want,
			    "line %d: \"%s\" gave \"%s\"",
			    cookie_cases[i].line, cookie_cases[i].header, out);
	}
}

Test(form, cookie_buffer_size)
{
	char out[8];

	/* 7 bytes and the NUL fit */
	cr_expect(form_cookie("WSSESSION=1234567", "WSSESSION", out,
	    sizeof(out)));
	cr_expect_str_eq(out, "1234567");
	/* 8 do not: no cookie rather than a cut one */
	memset(out, '#', sizeof(out));
	cr_expect_not(form_cookie("WSSESSION=12345678", "WSSESSION", out,
	    sizeof(out)));
	cr_expect_not(form_cookie("a=1; WSSESSION=123456789012; b=2",
	    "WSSESSION", out, sizeof(out)));
	cr_expect_not(form_cookie("WSSESSION=x", "WSSESSION", out, 0));
}

Test(form, cookie_null_header)
{
	char out[8] = "keep";

	cr_expect_not(form_cookie(NULL, "WSSESSION", out, sizeof(out)));
	cr_expect_str_eq(out, "keep");
}
