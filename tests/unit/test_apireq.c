/*
 * test_apireq.c - the body of an API request: each operation's required
 * and allowed fields, field forms (money, transaction ids, hold minutes),
 * duplicates, foreign elements and namespaces, and the XML armour (no
 * DOCTYPE, no entities, depth, size), every problem with its line.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "apireq.h"
#include "testutil.h"

static struct diags d;
static struct api_req req;

static void
setup(void)
{
	diags_init(&d);
}

static void
teardown(void)
{
	diags_free(&d);
}

TestSuite(apireq, .init = setup, .fini = teardown);

static enum ws_status
parse(enum api_op op, const char *body)
{
	return apireq_parse(body, strlen(body), op, &req, &d);
}

#define NS	" xmlns=\"" API_NS "\""

Test(apireq, reserve_with_every_field)
{
	cr_assert_eq(parse(API_RESERVE, "<?xml version=\"1.0\"?>\n"
	    "<reserve" NS ">\n"
	    "  <code> GV-50 </code>\n"
	    "  <transaction>K1-2026:7</transaction>\n"
	    "  <amount>12.50</amount>\n"
	    "  <hold-minutes>10</hold-minutes>\n"
	    "</reserve>\n"), WS_OK);
	cr_expect_eq(d.n, 0);
	cr_expect_str_eq(req.f[AF_CODE].text, "GV-50");
	cr_expect_eq(req.f[AF_CODE].line, 3);
	cr_expect_str_eq(req.f[AF_TRANSACTION].text, "K1-2026:7");
	cr_expect_eq(req.amount, 1250);
	cr_expect_eq(req.hold_minutes, 10);
}

Test(apireq, check_needs_only_the_code)
{
	cr_assert_eq(parse(API_CHECK, "<check" NS "><code>X</code></check>"),
	    WS_OK);
	cr_expect_eq(req.amount, -1);
	cr_expect_eq(req.f[AF_AMOUNT].line, 0);
}

Test(apireq, missing_fields_are_named)
{
	char dump[1024];

	cr_assert_eq(parse(API_REDEEM, "<redeem" NS "><code>X</code>"
	    "</redeem>"), WS_ERR_INVALID);
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect_eq(d.n, 2, "%s", dump);
	cr_expect(tu_diags_has(&d, 0, "amount", "missing"), "%s", dump);
	cr_expect(tu_diags_has(&d, 0, "transaction", "missing"), "%s", dump);
}

Test(apireq, fields_of_other_operations_are_refused)
{
	char dump[1024];

	/* a reason belongs to invalidate, a hold to reserve */
	cr_assert_eq(parse(API_REDEEM, "<redeem" NS ">\n<code>X</code>\n"
	    "<transaction>T</transaction>\n<amount>1.00</amount>\n"
	    "<reason>r</reason>\n</redeem>"), WS_ERR_INVALID);
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect(tu_diags_has(&d, 5, "reason", "does not belong"), "%s",
	    dump);
}

Test(apireq, money_has_one_spelling)
{
	static const char *const bad[] = {
		"1,00", "-1.00", "1.5", "1.005", "1", ".50", "01.00", "1e2",
		"0.00", "10000000.01", "100000000.00", " 1.00x", "",
	};
	static const struct {
		const char	*text;
		int64_t		 cents;
	} good[] = {
		{ "0.01", 1 }, { "1.00", 100 }, { "12.50", 1250 },
		{ "10000000.00", 1000000000 },
	};
	char body[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		diags_free(&d);
		diags_init(&d);
		snprintf(body, sizeof(body), "<topup" NS "><code>X</code>"
		    "<amount>%s</amount></topup>", bad[i]);
		cr_expect_eq(parse(API_TOPUP, body), WS_ERR_INVALID, "\"%s\"",
		    bad[i]);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		diags_free(&d);
		diags_init(&d);
		snprintf(body, sizeof(body), "<topup" NS "><code>X</code>"
		    "<amount>%s</amount></topup>", good[i].text);
		cr_expect_eq(parse(API_TOPUP, body), WS_OK, "\"%s\"",
		    good[i].text);
		cr_expect_eq(req.amount, good[i].cents, "\"%s\"", good[i].text);
	}
}

Test(apireq, transaction_ids_and_hold_minutes)
{
	cr_expect(api_id_ok("A-z_0.9:x", API_TXN_MAX));
	cr_expect_not(api_id_ok("", API_TXN_MAX));
	cr_expect_not(api_id_ok("a b", API_TXN_MAX));
	cr_expect_not(api_id_ok("pos/1", API_TXN_MAX));
	cr_expect_not(api_id_ok("123456789012345678901234567890123",
	    API_TXN_MAX));
	cr_expect_eq(parse(API_RESERVE, "<reserve" NS "><code>X</code>"
	    "<transaction>T</transaction><amount>1.00</amount>"
	    "<hold-minutes>0</hold-minutes></reserve>"), WS_ERR_INVALID);
	diags_free(&d);
	diags_init(&d);
	cr_expect_eq(parse(API_RESERVE, "<reserve" NS "><code>X</code>"
	    "<transaction>T</transaction><amount>1.00</amount>"
	    "<hold-minutes>1441</hold-minutes></reserve>"), WS_ERR_INVALID);
}

Test(apireq, duplicates_roots_and_namespaces)
{
	char dump[1024];

	cr_expect_eq(parse(API_CHECK, "<check" NS ">\n<code>A</code>\n"
	    "<code>B</code>\n</check>"), WS_ERR_INVALID);
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect(tu_diags_has(&d, 3, "code", "twice"), "%s", dump);
	diags_free(&d);
	diags_init(&d);
	cr_expect_eq(parse(API_CHECK, "<reserve" NS "><code>A</code>"
	    "</reserve>"), WS_ERR_INVALID, "root of another operation");
	diags_free(&d);
	diags_init(&d);
	cr_expect_eq(parse(API_CHECK, "<check><code>A</code></check>"),
	    WS_ERR_INVALID, "no namespace");
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect(tu_diags_has(&d, 1, "check", "namespace"), "%s", dump);
	diags_free(&d);
	diags_init(&d);
	cr_expect_eq(parse(API_CHECK, "<check" NS "><code a=\"1\">A</code>"
	    "</check>"), WS_ERR_INVALID, "attributes");
}

Test(apireq, doctype_and_entities_stop_the_parse)
{
	char dump[1024];

	cr_expect_eq(parse(API_CHECK, "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE check [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
	    "<check" NS "><code>&x;</code></check>"), WS_ERR_INVALID);
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect(tu_diags_has(&d, 0, NULL, "DOCTYPE"), "%s", dump);
	cr_expect(strstr(req.f[AF_CODE].text, "root") == NULL);
	diags_free(&d);
	diags_init(&d);
	cr_expect_eq(parse(API_CHECK, "<!DOCTYPE l [<!ENTITY a \"aaaa\">"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
	    "<check" NS "><code>&b;</code></check>"), WS_ERR_INVALID);
	diags_free(&d);
	diags_init(&d);
	/* an undeclared entity is no better */
	cr_expect_eq(parse(API_CHECK, "<check" NS "><code>&x;</code>"
	    "</check>"), WS_ERR_INVALID);
}

Test(apireq, depth_text_size_and_malformed)
{
	char big[API_BODY_MAX + 64], dump[1024];
	size_t n;

	cr_expect_eq(parse(API_CHECK, "<check" NS "><code><b>A</b></code>"
	    "</check>"), WS_ERR_INVALID, "element in a field");
	diags_free(&d);
	diags_init(&d);
	cr_expect_eq(parse(API_CHECK, "<check" NS ">stray<code>A</code>"
	    "</check>"), WS_ERR_INVALID, "text outside a field");
	diags_free(&d);
	diags_init(&d);
	cr_expect_eq(parse(API_CHECK, "<check" NS ">\n<code>A</code>\n"),
	    WS_ERR_INVALID, "unclosed");
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect(tu_diags_has(&d, 0, NULL, "malformed XML"), "%s", dump);
	diags_free(&d);
	diags_init(&d);
	cr_expect_eq(parse(API_CHECK, ""), WS_ERR_INVALID, "empty");
	diags_free(&d);
	diags_init(&d);
	n = (size_t)snprintf(big, sizeof(big), "<check" NS "><code>");
	memset(big + n, 'A', sizeof(big) - n - 1);
	big[sizeof(big) - 1] = '\0';
	cr_expect_eq(parse(API_CHECK, big), WS_ERR_INVALID, "too large");
	diags_free(&d);
	diags_init(&d);
	n = (size_t)snprintf(big, 2048, "<check" NS "><code>");
	memset(big + n, 'A', 300);
	snprintf(big + n + 300, 64, "</code></check>");
	cr_expect_eq(parse(API_CHECK, big), WS_ERR_INVALID, "field > 256");
	tu_diags_dump(&d, dump, sizeof(dump));
	cr_expect(tu_diags_has(&d, 0, "code", "longer than"), "%s", dump);
}
