/*
 * fuzz_xml.c - libFuzzer driver for the XML this program reads from the
 * network and from files: API request bodies (apireq.c) and voucher files
 * (io_xml.c), both through xmlguard.c.  The first byte of an input picks
 * the reader (an API operation, or the voucher file); the rest is the
 * body.
 *
 * Invariants checked (abort() when one breaks, so libFuzzer keeps the
 * input):
 *   (a) a reader answers WS_OK or WS_ERR_INVALID, nothing else (no
 *       out-of-memory on inputs this small);
 *   (b) WS_ERR_INVALID comes with at least one diagnostic, WS_OK with
 *       none;
 *   (c) an accepted request has every field its operation requires, each
 *       trimmed and at most API_FIELD_MAX bytes, and an amount when the
 *       field was given;
 *   (d) reading the same bytes twice gives the same status and fields.
 *
 * Build: see Makefile.am (FUZZING) and fuzz/run.sh.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apireq.h"
#include "io.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define READERS	(API_OP__MAX)	/* the API's non-import ops + files */

static void
check_request(enum api_op op, const char *body, size_t len)
{
	static struct api_req a, b;
	struct diags d;
	enum ws_status st, st2;
	int f;

	diags_init(&d);
	st = apireq_parse(body, len, op, &a, &d);
	if (st != WS_OK && st != WS_ERR_INVALID)
		abort();				/* (a) */
	if ((st == WS_OK) != (diags_count(&d) == 0))
		abort();				/* (b) */
	if (st == WS_OK) {
		for (f = 0; f < AF__MAX; f++) {
			size_t n = strlen(a.f[f].text);

			if (n > API_FIELD_MAX)
				abort();		/* (c) */
			if (n > 0 && (a.f[f].text[0] == ' ' ||
			    a.f[f].text[n - 1] == ' '))
				abort();
		}
		if (a.f[AF_CODE].line == 0 || a.f[AF_CODE].text[0] == '\0')
			abort();
		if (a.f[AF_AMOUNT].line != 0 && a.amount <= 0)
			abort();
	}
	diags_free(&d);
	diags_init(&d);
	st2 = apireq_parse(body, len, op, &b, &d);
	if (st2 != st || (st == WS_OK && memcmp(&a, &b, sizeof(a)) != 0))
		abort();				/* (d) */
	diags_free(&d);
}

static void
check_file(const char *body, size_t len)
{
	struct import_set set;
	struct io_options opt;
	struct diags d;
	enum ws_status st;

	memset(&opt, 0, sizeof(opt));
	opt.allow_external = true;
	opt.default_currency = "EUR";
	import_set_init(&set);
	diags_init(&d);
	st = io_xml_parse(body, len, "fuzz.xml", &opt, &set, &d);
	if (st != WS_OK && st != WS_ERR_INVALID)
		abort();				/* (a) */
	if ((st == WS_OK) != (diags_count(&d) == 0))
		abort();				/* (b) */
	diags_free(&d);
	import_set_free(&set);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum api_op op;
	char *body;

	if (size < 1 || size > API_BODY_MAX)
		return 0;
	op = (enum api_op)(data[0] % READERS);
	/* the readers take bytes with a length; a copy keeps them honest */
	if ((body = malloc(size)) == NULL)
		return 0;
	memcpy(body, data + 1, size - 1);
	if (op == API_IMPORT)
		check_file(body, size - 1);
	else
		check_request(op, body, size - 1);
	free(body);
	return 0;
}
