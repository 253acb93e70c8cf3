/*
 * test_io_xml.c - the XML voucher file: good files, every structural
 * error with its line, the attacks (DOCTYPE, billion laughs, external
 * entities by file and by network, deep nesting), silence on stderr, the
 * writer's round trip and the writer's output against doc/vouchers.xsd.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "testutil.h"
#include <criterion/redirect.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "buf.h"
#include "diag.h"
#include "io.h"
#include "num.h"
#include "voucher.h"

#ifndef TEST_DATA_DIR
#error TEST_DATA_DIR must name tests/data
#endif

#define XSD_PATH	TEST_DATA_DIR "/../../doc/vouchers.xsd"
#define XML_PATH	"vouchers.xml"
#define NS		"urn:wsvoucher:vouchers:1"
#define HEAD		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define ROOT		"<vouchers xmlns=\"" NS "\">\n"

static const struct io_options xml_ext = { NULL, true, "EUR" };

struct xml_run {
	struct import_set	set;
	struct diags		d;
	enum ws_status		st;
};

static void
xml_fini(void)
{
	xmlCleanupParser();
}

/* Tests that look at stderr capture it; all free libxml2's globals. */
TestSuite(io_xml, .fini = xml_fini);

static void
xml_quiet(void)
{
	cr_redirect_stderr();
}

static void
xml_run(struct xml_run *r, const char *text, size_t len,
    const struct io_options *opt)
{
	import_set_init(&r->set);
	diags_init(&r->d);
	r->st = io_xml_parse(text, len, XML_PATH, opt, &r->set, &r->d);
}

static void
xml_run_free(struct xml_run *r)
{
	import_set_free(&r->set);
	diags_free(&r->d);
}

static void
xml_good(struct xml_run *r, const char *text)
{
	char dump[4096];

	xml_run(r, text, strlen(text), &xml_ext);
	tu_diags_dump(&r->d, dump, sizeof(dump));
	cr_assert_eq(r->st, WS_OK, "status %d: %s", r->st, dump);
	cr_assert_eq(diags_count(&r->d), 0, "%s", dump);
}

/* line 0 / field NULL: any. */
static void
xml_expect(const struct xml_run *r, unsigned line, const char *field,
    const char *text)
{
	char dump[8192];

	tu_diags_dump(&r->d, dump, sizeof(dump));
	cr_assert_eq(r->st, WS_ERR_INVALID, "status %d: %s", r->st, dump);
	cr_assert(tu_diags_has(&r->d, line, field, text),
	    "no diag at line %u field '%s' with '%s'; have: %s", line,
	    field != NULL ? field : "*", text != NULL ? text : "", dump);
}

/* Nothing of the parse may have gone to stderr. */
static void
xml_stderr_silent(void)
{
	fflush(stderr);
	cr_assert_stderr_eq_str("");
}

static int64_t
xml_date(const char *s)
{
	int64_t t;

	cr_assert_eq(num_parse_date(s, strlen(s), &t), WS_OK, "%s", s);
	return t;
}

Test(io_xml, every_field_any_order)
{
	struct xml_run r;
	const struct import_row *a, *b, *c;

	xml_good(&r, HEAD ROOT
	    "  <!-- an ERP export -->\n"
	    "  <voucher>\n"
	    "    <Channels>webshop+pos</Channels>\n"
	    "    <MaxRedemptions>0</MaxRedemptions>\n"
	    "    <Subshop/>\n"
	    "    <ValidUntil>2026-12-31</ValidUntil>\n"
	    "    <ValidFrom> 2026-01-01 </ValidFrom>\n"
	    "    <UsedAmount>12,50</UsedAmount>\n"
	    "    <Type2>purchased</Type2>\n"
	    "    <Type>Standard_RemainderReusable</Type>\n"
	    "    <State>active</State>\n"
	    "    <Categories>c1</Categories>\n"
	    "    <Products>p1, p2</Products>\n"
	    "    <MinOrderValue>10.00</MinOrderValue>\n"
	    "    <Currency>EUR</Currency>\n"
	    "    <ChargeId>A&amp;B &lt;7&gt;</ChargeId>\n"
	    "    <AmountType>absolute</AmountType>\n"
	    "    <Amount>50.00</Amount>\n"
	    "    <Number><![CDATA[GIFT<1>]]></Number>\n"
	    "  </voucher>\n"
	    "  <delete><Number>OLD-1</Number></delete>\n"
	    "  <voucher><Number>SUMMER</Number><Amount>12.5</Amount>"
	    "<AmountType>percent</AmountType>"
	    "<Type>Universal_NoRestrictions</Type>"
	    "<MaxRedemptions>100</MaxRedemptions>"
	    "<Channels>webshop</Channels></voucher>\n"
	    "</vouchers>\n");
	cr_assert_eq(r.set.n, 3);
	a = &r.set.rows[0];
	cr_assert_eq(a->op, IMPORT_UPSERT);
	cr_assert_eq(a->line, 4);
	cr_assert_str_eq(a->v.code, "GIFT<1>");
	cr_assert_eq(a->v.amount, 5000);
	cr_assert_eq(a->v.balance, 3750);
	cr_assert_eq(a->used_amount, 1250);
	cr_assert_str_eq(a->v.charge_id, "A&B <7>");
	cr_assert_str_eq(a->v.products, "p1,p2");
	cr_assert_str_eq(a->v.categories, "c1");
	cr_assert_eq(a->v.min_order, 1000);
	cr_assert_eq(a->v.kind, VOUCHER_KIND_VALUE);
	cr_assert_eq(a->v.valid_from, xml_date("2026-01-01"));
	cr_assert_eq(a->v.valid_until, xml_date("2026-12-31") + 86399);
	cr_assert_eq(a->v.channels, VOUCHER_CHANNEL_ALL);
	cr_assert_eq(a->fields & IMPORT_F_SUBSHOP, 0);	/* empty */
	cr_assert_eq(a->fields, IMPORT_F_AMOUNT | IMPORT_F_AMOUNT_TYPE |
	    IMPORT_F_CHARGE | IMPORT_F_CURRENCY | IMPORT_F_MIN_ORDER |
	    IMPORT_F_PRODUCTS | IMPORT_F_CATEGORIES | IMPORT_F_STATE |
	    IMPORT_F_TYPE | IMPORT_F_KIND | IMPORT_F_USED |
	    IMPORT_F_VALID_FROM | IMPORT_F_VALID_UNTIL |
	    IMPORT_F_MAX_REDEEM | IMPORT_F_CHANNELS);
	b = &r.set.rows[1];
	cr_assert_eq(b->op, IMPORT_DELETE);
	cr_assert_eq(b->line, 23);
	cr_assert_str_eq(b->v.code, "OLD-1");
	c = &r.set.rows[2];
	cr_assert_eq(c->v.amount_type, VOUCHER_AMOUNT_PERCENT);
	cr_assert_eq(c->v.amount, 1250);
	cr_assert_eq(c->v.max_redemptions, 100);
	cr_assert_eq(c->v.type, VOUCHER_UNI_NO_RESTRICTIONS);
	xml_run_free(&r);
}

Test(io_xml, empty_root_and_prefixed_namespace)
{
	struct xml_run r;

	xml_good(&r, HEAD "<vouchers xmlns=\"" NS "\"/>");
	cr_assert_eq(r.set.n, 0);
	xml_run_free(&r);
	xml_good(&r, "<v:vouchers xmlns:v=\"" NS "\" xmlns:xsi="
	    "\"http://www.w3.org/2001/XMLSchema-instance\" "
	    "xsi:schemaLocation=\"" NS " vouchers.xsd\">"
	    "<v:voucher><v:Number>A</v:Number></v:voucher></v:vouchers>");
	cr_assert_eq(r.set.n, 1);
	cr_assert_str_eq(r.set.rows[0].v.code, "A");
	cr_assert_eq(r.set.rows[0].fields, 0);
	xml_run_free(&r);
}

Test(io_xml, malformed_reports_line_silently, .init = xml_quiet)
{
	struct xml_run r;
	static const char text[] = HEAD ROOT
	    "<voucher>\n"
	    "<Number>A</Numbr>\n"		/* line 4 */
	    "</voucher>\n"
	    "</vouchers>\n";

	xml_run(&r, text, sizeof(text) - 1, &xml_ext);
	xml_expect(&r, 4, "", "malformed XML");
	cr_assert_eq(r.set.n, 0);
	xml_run_free(&r);

	xml_run(&r, CONST_STR_LEN("not xml at all"), &xml_ext);
	xml_expect(&r, 1, "", "malformed XML");
	xml_run_free(&r);

	xml_run(&r, CONST_STR_LEN(HEAD ROOT "<voucher>\n"), &xml_ext);
	xml_expect(&r, 0, "", "malformed XML");
	xml_run_free(&r);

	xml_run(&r, CONST_STR_LEN(""), &xml_ext);
	xml_expect(&r, 1, "", "empty");
	xml_run_free(&r);

	/* An undeclared entity is an error, not an empty string. */
	xml_run(&r, CONST_STR_LEN(HEAD ROOT "<voucher>\n<Number>&foo;"
	    "</Number></voucher></vouchers>"), &xml_ext);
	xml_expect(&r, 4, "", "foo");
	xml_run_free(&r);
	xml_stderr_silent();
}

Test(io_xml, bad_encodings_silently, .init = xml_quiet)
{
	struct xml_run r;

	xml_run(&r, CONST_STR_LEN(HEAD ROOT "<voucher><Number>\xff\xfe"
	    "</Number></voucher></vouchers>"), &xml_ext);
	xml_expect(&r, 0, "", "malformed XML");
	xml_run_free(&r);

	xml_run(&r, CONST_STR_LEN("<?xml version=\"1.0\" encoding=\"EUC-JP\"?>"
	    "\n" ROOT "<voucher><Number>\x8e\xff\xff</Number></voucher>"
	    "</vouchers>"), &xml_ext);
	cr_assert_eq(r.st, WS_ERR_INVALID);
	xml_run_free(&r);

	xml_run(&r, CONST_STR_LEN("<?xml version=\"1.0\" encoding=\"bogus\"?>"
	    "\n" ROOT "</vouchers>"), &xml_ext);
	cr_assert_eq(r.st, WS_ERR_INVALID);
	xml_run_free(&r);

	/* A control character by reference is not XML 1.0 at all. */
	xml_run(&r, CONST_STR_LEN(HEAD ROOT "<voucher><Number>A&#1;"
	    "</Number></voucher></vouchers>"), &xml_ext);
	xml_expect(&r, 3, "", "malformed XML");
	xml_run_free(&r);

	/* A tab is XML, but not allowed in a code. */
	xml_run(&r, CONST_STR_LEN(HEAD ROOT "<voucher><Number>A&#9;B"
	    "</Number></voucher></vouchers>"), &xml_ext);
	xml_expect(&r, 3, "Number", "control character");
	xml_run_free(&r);
	xml_stderr_silent();
}

Test(io_xml, latin1_document_is_converted)
{
	struct xml_run r;

	xml_good(&r, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" ROOT
	    "<voucher><Number>A</Number><Categories>B\xfc" "cher"
	    "</Categories></voucher></vouchers>");
	cr_assert_str_eq(r.set.rows[0].v.categories, "B\xc3\xbc" "cher");
	xml_run_free(&r);
}

Test(io_xml, billion_laughs_refused, .init = xml_quiet)
{
	struct xml_run r;
	static const char text[] = HEAD
	    "<!DOCTYPE vouchers [\n"			/* line 2 */
	    " <!ENTITY lol \"lol\">\n"
	    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
	    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
	    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
	    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
	    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
	    "]>\n"
	    ROOT "<voucher><Number>&lol9;</Number></voucher></vouchers>\n";

	xml_run(&r, text, sizeof(text) - 1, &xml_ext);
	xml_expect(&r, 2, "", "DOCTYPE is not allowed");
	cr_assert_eq(diags_count(&r.d), 1);
	cr_assert_eq(r.set.n, 0);
	xml_run_free(&r);
	xml_stderr_silent();
}

/* True if text occurs in any diagnostic or any stored code. */
static bool
xml_leaked(const struct xml_run *r, const char *text)
{
	size_t i;

	for (i = 0; i < r->d.n; i++)
		if (strstr(r->d.items[i].text, text) != NULL ||
		    strstr(r->d.items[i].field, text) != NULL)
			return true;
	for (i = 0; i < r->set.n; i++)
		if (strstr(r->set.rows[i].v.code, text) != NULL)
			return true;
	return false;
}

Test(io_xml, external_file_entity_refused, .init = xml_quiet)
{
	static const char *const texts[] = {
		HEAD "<!DOCTYPE vouchers [\n"
		    "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n"
		    ROOT "<voucher><Number>&xxe;</Number></voucher>"
		    "</vouchers>\n",
		HEAD "<!DOCTYPE vouchers SYSTEM \"file:///etc/passwd\">\n"
		    ROOT "</vouchers>\n",
		HEAD "<!DOCTYPE vouchers [\n"
		    "<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;\n]>\n"
		    ROOT "</vouchers>\n",
		/* Without a DOCTYPE the entity is simply undeclared. */
		HEAD ROOT "<voucher><Number>&xxe;</Number></voucher>"
		    "</vouchers>\n",
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct xml_run r;

		xml_run(&r, texts[i], strlen(texts[i]), &xml_ext);
		cr_assert_eq(r.st, WS_ERR_INVALID, "text %zu", i);
		if (i < 3)
			xml_expect(&r, 2, "", "DOCTYPE is not allowed");
		cr_assert(!xml_leaked(&r, "root:"), "text %zu", i);
		cr_assert(!xml_leaked(&r, "/bin/"), "text %zu", i);
		xml_run_free(&r);
	}
	xml_stderr_silent();
}

/* A listening socket on 127.0.0.1 that nobody should connect to. */
static int
xml_listener(unsigned *port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	cr_assert_geq(fd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(fd, 8), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* fmt with "PORT" replaced by port. */
static void
xml_with_port(struct buf *b, const char *fmt, unsigned port)
{
	const char *p = strstr(fmt, "PORT");

	cr_assert_not_null(p);
	cr_assert_eq(buf_append(b, fmt, (size_t)(p - fmt)), WS_OK);
	cr_assert_eq(buf_printf(b, "%u", port), WS_OK);
	cr_assert_eq(buf_append_str(b, p + 4), WS_OK);
}

Test(io_xml, network_entities_refused_without_connecting,
    .init = xml_quiet)
{
	static const char *const fmts[] = {
		HEAD "<!DOCTYPE vouchers SYSTEM \"http://127.0.0.1:PORT/x\">\n"
		    ROOT "</vouchers>\n",
		HEAD "<!DOCTYPE vouchers [\n<!ENTITY e SYSTEM "
		    "\"http://127.0.0.1:PORT/x\">\n]>\n" ROOT
		    "<voucher><Number>&e;</Number></voucher></vouchers>\n",
		HEAD "<!DOCTYPE vouchers [\n<!ENTITY % p SYSTEM "
		    "\"http://127.0.0.1:PORT/x\"> %p;\n]>\n" ROOT
		    "</vouchers>\n",
		HEAD ROOT "<voucher xmlns:xi=\"http://www.w3.org/2001/"
		    "XInclude\"><Number>A</Number><xi:include href=\""
		    "http://127.0.0.1:PORT/x\"/></voucher></vouchers>\n",
	};
	unsigned port;
	size_t i;
	int fd = xml_listener(&port), c;

	/* The usual http://127.0.0.1:9/x, and our own listener. */
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		unsigned ports[2] = { 9, port };
		size_t k;

		for (k = 0; k < 2; k++) {
			struct buf text = BUF_INIT;
			struct xml_run r;

			xml_with_port(&text, fmts[i], ports[k]);
			xml_run(&r, text.data, text.len, &xml_ext);
			cr_assert_eq(r.st, WS_ERR_INVALID, "text %zu", i);
			if (i < 3)
				xml_expect(&r, 2, "", "DOCTYPE");
			else
				xml_expect(&r, 0, "include", "unknown element");
			xml_run_free(&r);
			buf_free(&text);
		}
	}
	c = accept(fd, NULL, NULL);
	cr_assert_eq(c, -1, "the parser connected to 127.0.0.1:%u", port);
	cr_assert(errno == EAGAIN || errno == EWOULDBLOCK);
	close(fd);
	xml_stderr_silent();
}

static void
xml_nested(struct buf *b, unsigned depth)
{
	unsigned i;

	/* vouchers > voucher > (depth - 2) x <Number> */
	cr_assert_eq(buf_append_str(b, ROOT "<voucher>\n"), WS_OK);
	for (i = 2; i < depth; i++)
		cr_assert_eq(buf_append_str(b, "<Number>\n"), WS_OK);
	for (i = 2; i < depth; i++)
		cr_assert_eq(buf_append_str(b, "</Number>"), WS_OK);
	cr_assert_eq(buf_append_str(b, "</voucher></vouchers>\n"), WS_OK);
}

Test(io_xml, depth_limit)
{
	struct buf b = BUF_INIT;
	struct xml_run r;

	xml_nested(&b, 17);
	xml_run(&r, b.data, b.len, &xml_ext);
	/* The 17th element starts on line 17 (root on line 1); the parse
	 * stops there, after the one problem seen before it. */
	xml_expect(&r, 17, "", "deeper than 16");
	xml_expect(&r, 4, "Number", "holds an element");
	cr_assert_eq(diags_count(&r.d), 2);
	xml_run_free(&r);

	buf_reset(&b);
	xml_nested(&b, 16);
	xml_run(&r, b.data, b.len, &xml_ext);
	cr_assert(!tu_diags_has(&r.d, 0, NULL, "deeper"));
	xml_expect(&r, 4, "Number", "holds an element");
	xml_run_free(&r);

	/* Far beyond libxml2's own limit: still just an error. */
	buf_reset(&b);
	xml_nested(&b, 5000);
	xml_run(&r, b.data, b.len, &xml_ext);
	cr_assert_eq(r.st, WS_ERR_INVALID);
	xml_run_free(&r);
	buf_free(&b);
}

Test(io_xml, wrong_root_or_namespace)
{
	struct xml_run r;

	xml_run(&r, CONST_STR_LEN(HEAD "\n<vouchers xmlns=\"urn:other\">"
	    "<voucher><Number>A</Number></voucher></vouchers>"), &xml_ext);
	xml_expect(&r, 3, "vouchers", "namespace");
	cr_assert_eq(r.set.n, 0);
	xml_run_free(&r);

	xml_run(&r, CONST_STR_LEN(HEAD "<vouchers><voucher><Number>A"
	    "</Number></voucher></vouchers>"), &xml_ext);
	xml_expect(&r, 2, "vouchers", "namespace");
	xml_run_free(&r);

	xml_run(&r, CONST_STR_LEN(HEAD "<coupons xmlns=\"" NS "\"/>"),
	    &xml_ext);
	xml_expect(&r, 2, "coupons", "root element must be <vouchers");
	xml_run_free(&r);

	/* Our root, a child in another namespace. */
	xml_run(&r, CONST_STR_LEN(HEAD ROOT "<voucher xmlns=\"urn:x\">"
	    "<Number>A</Number></voucher></vouchers>"), &xml_ext);
	xml_expect(&r, 3, "voucher", "namespace");
	xml_run_free(&r);
}

Test(io_xml, structure_errors)
{
	struct xml_run r;
	static const char text[] = HEAD ROOT
	    "<voucher>\n"				/* 3 */
	    "  <Number>A</Number>\n"
	    "  <Colour>red</Colour>\n"			/* 5 */
	    "  <Amount>5</Amount>\n"			/* 6 */
	    "  <Amount>6</Amount>\n"			/* 7 */
	    "  <number>a</number>\n"			/* 8 */
	    "  loose text\n"				/* 9 */
	    "</voucher>\n"
	    "hello\n"					/* 11 */
	    "<gift/>\n"					/* 12 */
	    "<voucher id=\"7\">\n"			/* 13 */
	    "  <Number><b>B</b></Number>\n"		/* 14 */
	    "</voucher>\n"
	    "<voucher><Amount>5</Amount></voucher>\n"	/* 16 */
	    "<delete><Number>C</Number>\n"		/* 17 */
	    "  <Amount>5</Amount></delete>\n"		/* 18 */
	    "<voucher><Number x=\"1\">D</Number></voucher>\n" /* 19 */
	    "</vouchers>\n";

	xml_run(&r, text, sizeof(text) - 1, &xml_ext);
	xml_expect(&r, 5, "Colour", "unknown element");
	xml_expect(&r, 7, "Amount", "twice (first on line 6)");
	xml_expect(&r, 8, "number", "unknown element");
	xml_expect(&r, 9, "", "text is not allowed");
	xml_expect(&r, 11, "", "text is not allowed");
	xml_expect(&r, 12, "gift", "unknown element");
	xml_expect(&r, 13, "id", "attributes are not allowed");
	xml_expect(&r, 14, "Number", "holds an element");
	xml_expect(&r, 16, "Number", "missing");
	xml_expect(&r, 18, "Amount", "allowed: Number");
	xml_expect(&r, 19, "x", "attributes are not allowed");
	cr_assert_eq(diags_count(&r.d), 11);
	xml_run_free(&r);
}

Test(io_xml, bad_values_at_their_lines)
{
	struct xml_run r;
	static const char text[] = HEAD ROOT
	    "<voucher>\n"				/* 3 */
	    "  <Number>A</Number>\n"
	    "  <Amount>abc</Amount>\n"			/* 5 */
	    "  <ValidUntil>31.12.2026</ValidUntil>\n"	/* 6 */
	    "</voucher>\n"
	    "<voucher>\n"				/* 8 */
	    "  <Number>B</Number>\n"
	    "  <Amount>10</Amount>\n"
	    "  <AmountType>percent</AmountType>\n"
	    "  <Type>Standard_RemainderReusable</Type>\n"
	    "</voucher>\n"
	    "<voucher><Number>  </Number></voucher>\n"	/* 14 */
	    "<voucher><Channels>tv</Channels>\n"	/* 15 */
	    "<Number>E</Number></voucher>\n"		/* 16 */
	    "</vouchers>\n";

	xml_run(&r, text, sizeof(text) - 1, &xml_ext);
	xml_expect(&r, 5, "Amount", "\"abc\"");
	xml_expect(&r, 6, "ValidUntil", "YYYY-MM-DD");
	/* A rule between fields is reported at the voucher's line. */
	xml_expect(&r, 8, "Type", "percentage");
	xml_expect(&r, 14, "Number", "empty");
	xml_expect(&r, 15, "Channels", "webshop");
	cr_assert_eq(diags_count(&r.d), 5);
	cr_assert_eq(r.set.n, 4);
	xml_run_free(&r);
}

Test(io_xml, duplicate_number)
{
	struct xml_run r;

	xml_run(&r, CONST_STR_LEN(HEAD ROOT
	    "<voucher><Number>A</Number></voucher>\n"	/* 3 */
	    "<voucher>\n<Number>B</Number></voucher>\n"	/* 4-5 */
	    "<delete>\n<Number> A </Number></delete>\n"	/* 6-7 */
	    "<voucher><Number>B</Number></voucher>\n"	/* 8 */
	    "</vouchers>\n"), &xml_ext);
	xml_expect(&r, 7, "Number", "line 3");
	xml_expect(&r, 8, "Number", "line 4");
	cr_assert_eq(diags_count(&r.d), 2);
	xml_run_free(&r);
}

Test(io_xml, foreign_codes_refused_without_allow)
{
	static const struct io_options own_only = { NULL, false, "EUR" };
	struct xml_run r;

	xml_run(&r, CONST_STR_LEN(HEAD ROOT
	    "<voucher><Number>ERP-1</Number></voucher>\n"
	    "<delete><Number>ERP-2</Number></delete>\n"
	    "</vouchers>\n"), &own_only);
	xml_expect(&r, 3, "Number", "ExternalVouchers-Allow = yes");
	xml_expect(&r, 4, "Number", "ExternalVouchers-Allow = yes");
	xml_run_free(&r);
}

/* ---- writer ---------------------------------------------------------- */

static void
xml_samples(struct voucher *v, size_t n)
{
	cr_assert_geq(n, 4);
	voucher_init(&v[0]);
	memcpy(v[0].code, "ONCE<&>\"'", 10);
	v[0].kind = VOUCHER_KIND_VALUE;
	v[0].amount = 2500;
	v[0].balance = 100;
	memcpy(v[0].charge_id, "a<b>&c\"d'e", 11);
	memcpy(v[0].products, "x&y,<z>", 8);
	v[0].valid_from = xml_date("2026-02-01");
	v[0].valid_until = xml_date("2026-02-28") + 86399;

	voucher_init(&v[1]);
	memcpy(v[1].code, "PERCENT", 8);
	v[1].type = VOUCHER_UNI_ONCE_PER_CUSTOMER;
	v[1].amount_type = VOUCHER_AMOUNT_PERCENT;
	v[1].amount = 333;
	v[1].max_redemptions = 1000000000;
	v[1].channels = VOUCHER_CHANNEL_WEB;
	memcpy(v[1].subshop, "ch", 3);
	memcpy(v[1].currency, "CHF", 4);

	voucher_init(&v[2]);
	memcpy(v[2].code, "NEW-ONLY", 9);
	v[2].type = VOUCHER_UNI_NEW_CUSTOMERS;
	v[2].amount = 500;
	v[2].min_order = 5000;
	v[2].state = VOUCHER_EXPIRED;
	v[2].channels = VOUCHER_CHANNEL_POS;
	memcpy(v[2].categories, "Bücher,Spiele", 15);

	voucher_init(&v[3]);
	memcpy(v[3].code, "REUSE-NEW", 10);
	v[3].type = VOUCHER_STD_REUSABLE_NEW;
	v[3].amount = 100000;
	v[3].balance = 0;
	v[3].state = VOUCHER_EXHAUSTED;
}

static void
xml_same(const struct voucher *a, const struct voucher *b)
{
	cr_assert_str_eq(a->code, b->code);
	cr_assert_str_eq(a->charge_id, b->charge_id, "%s", a->code);
	cr_assert_eq(a->kind, b->kind, "%s", a->code);
	cr_assert_eq(a->type, b->type, "%s", a->code);
	cr_assert_eq(a->amount_type, b->amount_type, "%s", a->code);
	cr_assert_eq(a->amount, b->amount, "%s", a->code);
	cr_assert_eq(a->balance, b->balance, "%s", a->code);
	cr_assert_str_eq(a->currency, b->currency, "%s", a->code);
	cr_assert_eq(a->min_order, b->min_order, "%s", a->code);
	cr_assert_eq(a->valid_from, b->valid_from, "%s", a->code);
	cr_assert_eq(a->valid_until, b->valid_until, "%s", a->code);
	cr_assert_eq(a->max_redemptions, b->max_redemptions, "%s", a->code);
	cr_assert_eq(a->channels, b->channels, "%s", a->code);
	cr_assert_eq(a->state, b->state, "%s", a->code);
	cr_assert_str_eq(a->products, b->products, "%s", a->code);
	cr_assert_str_eq(a->categories, b->categories, "%s", a->code);
	cr_assert_str_eq(a->subshop, b->subshop, "%s", a->code);
}

/* Writes the samples as a whole document into *text. */
static size_t
xml_export(struct voucher *v, size_t n, char **text)
{
	size_t len = 0, i;
	FILE *fp;

	*text = NULL;
	fp = open_memstream(text, &len);
	cr_assert_not_null(fp);
	cr_assert_eq(io_xml_write_begin(fp), WS_OK);
	for (i = 0; i < n; i++)
		cr_assert_eq(io_xml_write_voucher(fp, &v[i]), WS_OK);
	cr_assert_eq(io_xml_write_end(fp), WS_OK);
	cr_assert_eq(fclose(fp), 0);
	return len;
}

Test(io_xml, writer_round_trip)
{
	struct voucher v[4];
	struct diags d;
	struct xml_run r;
	char *text, dump[4096];
	size_t len, i;

	xml_samples(v, 4);
	diags_init(&d);
	for (i = 0; i < 4; i++)
		cr_assert_eq(voucher_validate(&v[i], &d, "", 0), WS_OK,
		    "sample %zu", i);
	diags_free(&d);
	len = xml_export(v, 4, &text);
	cr_assert(strncmp(text, HEAD ROOT "  <voucher>\n    <Number>"
	    "ONCE&lt;&amp;&gt;&quot;'</Number>\n    <Amount>25.00</Amount>\n",
	    strlen(HEAD ROOT) + 70) == 0, "%s", text);
	cr_assert_not_null(strstr(text, "    <Subshop/>\n"));
	cr_assert_not_null(strstr(text, "    <UsedAmount>24.00</UsedAmount>\n"));
	cr_assert_not_null(strstr(text, "    <Type2>purchased</Type2>\n"));
	cr_assert_not_null(strstr(text, "    <Amount>3.33</Amount>\n"));

	xml_run(&r, text, len, &xml_ext);
	tu_diags_dump(&r.d, dump, sizeof(dump));
	cr_assert_eq(r.st, WS_OK, "%s\n%s", dump, text);
	cr_assert_eq(r.set.n, 4);
	for (i = 0; i < 4; i++) {
		cr_assert_eq(r.set.rows[i].op, IMPORT_UPSERT);
		xml_same(&r.set.rows[i].v, &v[i]);
	}
	xml_run_free(&r);
	free(text);
}

Test(io_xml, writer_refuses_what_xml_cannot_carry)
{
	struct voucher v;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	cr_assert_not_null(fp);
	voucher_init(&v);
	memcpy(v.code, "A\x01", 3);
	cr_assert_eq(io_xml_write_voucher(fp, &v), WS_ERR_INVALID);
	memcpy(v.code, "A\xff", 3);
	cr_assert_eq(io_xml_write_voucher(fp, &v), WS_ERR_INVALID);
	memcpy(v.code, "A", 2);
	v.kind = VOUCHER_KIND__MAX;
	cr_assert_eq(io_xml_write_voucher(fp, &v), WS_ERR_INVALID);
	cr_assert_eq(fclose(fp), 0);
	cr_assert_eq(len, 0);
	free(text);
}

/* ---- the schema ------------------------------------------------------ */

static void
xml_schema_error(void *arg, xmlErrorPtr e)
{
	struct buf *b = arg;

	(void)buf_printf(b, "line %d: %s", e->line,
	    e->message != NULL ? e->message : "?");
}

/* Validates text against doc/vouchers.xsd; messages into msgs. */
static int
xml_validate(const char *text, size_t len, struct buf *msgs)
{
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaValidCtxtPtr vc;
	xmlSchemaPtr schema;
	xmlDocPtr doc;
	int rc;

	pc = xmlSchemaNewParserCtxt(XSD_PATH);
	cr_assert_not_null(pc);
	xmlSchemaSetParserStructuredErrors(pc, xml_schema_error, msgs);
	schema = xmlSchemaParse(pc);
	cr_assert_not_null(schema, "%s: %s", XSD_PATH, buf_cstr(msgs));
	vc = xmlSchemaNewValidCtxt(schema);
	cr_assert_not_null(vc);
	xmlSchemaSetValidStructuredErrors(vc, xml_schema_error, msgs);
	doc = xmlReadMemory(text, (int)len, "export.xml", NULL,
	    XML_PARSE_NONET);
	cr_assert_not_null(doc);
	rc = xmlSchemaValidateDoc(vc, doc);
	xmlFreeDoc(doc);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	return rc;
}

Test(io_xml, export_validates_against_xsd)
{
	struct voucher v[4];
	struct buf msgs = BUF_INIT;
	char *text;
	size_t len;

	xml_samples(v, 4);
	len = xml_export(v, 4, &text);
	cr_assert_eq(xml_validate(text, len, &msgs), 0, "%s\n%s",
	    buf_cstr(&msgs), text);
	free(text);

	/* An empty export too. */
	len = xml_export(v, 0, &text);
	cr_assert_eq(xml_validate(text, len, &msgs), 0, "%s",
	    buf_cstr(&msgs));
	free(text);
	buf_free(&msgs);
}

Test(io_xml, data_files_and_xsd_agree)
{
	struct buf data = BUF_INIT, err = BUF_INIT, msgs = BUF_INIT;
	struct xml_run r;
	char dump[4096];

	cr_assert_eq(io_read_file(TEST_DATA_DIR "/io_vouchers_good.xml",
	    IO_FILE_MAX, &data, &err), WS_OK, "%s", buf_cstr(&err));
	xml_run(&r, data.data, data.len, &xml_ext);
	tu_diags_dump(&r.d, dump, sizeof(dump));
	cr_assert_eq(r.st, WS_OK, "%s", dump);
	cr_assert_eq(r.set.n, 3);
	cr_assert_eq(r.set.rows[2].op, IMPORT_DELETE);
	xml_run_free(&r);
	cr_assert_eq(xml_validate(data.data, data.len, &msgs), 0, "%s",
	    buf_cstr(&msgs));

	/* Both the schema and the parser refuse an unknown element. */
	cr_assert_eq(io_read_file(TEST_DATA_DIR "/io_vouchers_bad.xml",
	    IO_FILE_MAX, &data, &err), WS_OK, "%s", buf_cstr(&err));
	xml_run(&r, data.data, data.len, &xml_ext);
	xml_expect(&r, 5, "Colour", "unknown element");
	xml_run_free(&r);
	buf_reset(&msgs);
	cr_assert_neq(xml_validate(data.data, data.len, &msgs), 0);
	cr_assert_not_null(strstr(buf_cstr(&msgs), "Colour"), "%s",
	    buf_cstr(&msgs));
	buf_free(&data);
	buf_free(&err);
	buf_free(&msgs);
}

Test(io_xml, stderr_capture_works, .init = xml_quiet)
{
	/* The silence checks above mean something only if this fails. */
	fputs("x", stderr);
	fflush(stderr);
	cr_assert_stderr_neq_str("");
}

Test(io_xml, size_guard_and_long_values)
{
	struct buf b = BUF_INIT;
	struct xml_run r;
	unsigned i;

	xml_run(&r, "", (size_t)IO_FILE_MAX + 1, &xml_ext);
	xml_expect(&r, 0, "", "more than");
	xml_run_free(&r);

	cr_assert_eq(buf_append_str(&b, HEAD ROOT "<voucher>\n<Number>"),
	    WS_OK);
	for (i = 0; i < 20000; i++)
		cr_assert_eq(buf_append_str(&b, "\xc3\xa4"), WS_OK);
	cr_assert_eq(buf_append_str(&b, "</Number>\n<Products>"), WS_OK);
	for (i = 0; i < 100; i++)
		cr_assert_eq(buf_append_str(&b, "abc,"), WS_OK);
	cr_assert_eq(buf_append_str(&b, "z</Products>\n<Subshop>"), WS_OK);
	for (i = 0; i < 3000; i++)
		cr_assert_eq(buf_append_char(&b, ' '), WS_OK);
	cr_assert_eq(buf_append_str(&b, "de"), WS_OK);
	for (i = 0; i < 6000; i++)
		cr_assert_eq(buf_append_char(&b, ' '), WS_OK);
	cr_assert_eq(buf_append_str(&b, "</Subshop></voucher></vouchers>"),
	    WS_OK);
	xml_run(&r, b.data, b.len, &xml_ext);
	xml_expect(&r, 4, "Number", "longer than 200");
	xml_expect(&r, 5, "Products", "longer than 256");
	cr_assert_eq(diags_count(&r.d), 2);
	/* Blanks around a value do not count. */
	cr_assert_str_eq(r.set.rows[0].v.subshop, "de");
	xml_run_free(&r);
	buf_free(&b);
}
