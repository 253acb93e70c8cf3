/*
 * apireq.c - reads the XML body of an API request (see apireq.h).
 *
 * libxml2 runs in SAX mode with the same armour as the voucher file
 * reader: a DOCTYPE stops the parser the moment it is seen, so no entity
 * is ever declared, expanded or fetched (no XXE, no billion laughs);
 * external loads and the network are off; an entity reference stops it
 * too.  Depth is at most two (the operation and its fields), a field
 * holds at most API_FIELD_MAX bytes of text, and libxml2's messages land
 * in the diagnostics with their line, never on stderr.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "apireq.h"
#include "xmlguard.h"

#define REQ_PATH	"request"
#define REQ_DIAGS_MAX	10

static const char *const field_names[AF__MAX] = {
	[AF_CODE] = "code",
	[AF_AMOUNT] = "amount",
	[AF_TRANSACTION] = "transaction",
	[AF_HOLD_MINUTES] = "hold-minutes",
	[AF_REASON] = "reason",
};

#define B(f)	(1u << (f))

/* What each operation needs and what it may carry besides. */
static const struct {
	unsigned	 required;
	unsigned	 optional;
} op_fields[API_OP__MAX] = {
	[API_CHECK] = { B(AF_CODE), B(AF_AMOUNT) | B(AF_TRANSACTION) },
	[API_RESERVE] = { B(AF_CODE) | B(AF_TRANSACTION) | B(AF_AMOUNT),
	    B(AF_HOLD_MINUTES) },
	[API_REDEEM] = { B(AF_CODE) | B(AF_TRANSACTION) | B(AF_AMOUNT), 0 },
	[API_CANCEL] = { B(AF_CODE) | B(AF_TRANSACTION), 0 },
	[API_TOPUP] = { B(AF_CODE) | B(AF_AMOUNT), B(AF_TRANSACTION) },
	[API_INVALIDATE] = { B(AF_CODE) | B(AF_REASON), 0 },
	[API_LEDGER] = { B(AF_CODE), 0 },
	[API_IMPORT] = { 0, 0 },
};

struct req_state {
	struct xml_guard	 g;		/* first: xmlguard.h */
	struct api_req		*out;
	struct diags		*d;
	unsigned		 depth;
	unsigned		 skip;		/* depth of an ignored element */
	int			 field;		/* open field, or -1 */
	size_t			 flen;		/* bytes of it so far */
	bool			 long_told;
	bool			 root_seen;
};

const char *
api_field_name(enum api_field f)
{
	return (unsigned)f < AF__MAX ? field_names[f] : "";
}

bool
api_id_ok(const char *s, size_t max)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		    s[i] == '_' || s[i] == '-' || s[i] == ':'))
			return false;
	return true;
}

bool
api_money_parse(const char *s, int64_t *cents)
{
	int64_t whole = 0;
	size_t i = 0, digits = 0;

	/* no sign, no exponent, no thousands separators: one spelling */
	while (s[i] >= '0' && s[i] <= '9') {
		if (++digits > 8)
			return false;
		whole = whole * 10 + (s[i] - '0');
		i++;
	}
	if (digits == 0 || (digits > 1 && s[0] == '0') || s[i] != '.' ||
	    !(s[i + 1] >= '0' && s[i + 1] <= '9') ||
	    !(s[i + 2] >= '0' && s[i + 2] <= '9') || s[i + 3] != '\0')
		return false;
	*cents = whole * 100 + (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
	return *cents <= 1000000000;
}

static struct req_state *
req_st(void *ctx)
{
	return xml_guard_state(ctx);
}

static unsigned
req_line(struct req_state *st)
{
	return xml_guard_line(&st->g);
}

static void
req_stop(struct req_state *st, const char *what)
{
	xml_guard_stop(&st->g, what);
}

static bool
in_ns(const xmlChar *uri)
{
	return uri != NULL && xmlStrEqual(uri, BAD_CAST API_NS);
}

/* Element names shown in messages: printable, short. */
static void
show_name(char *dst, size_t size, const xmlChar *name)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < size && i < 40; i++)
		dst[i] = name[i] < 0x20 || name[i] >= 0x7f ? '?' :
		    (char)name[i];
	dst[i] = '\0';
}

static void
req_start(void *ctx, const xmlChar *name, const xmlChar *prefix,
    const xmlChar *uri, int nb_ns, const xmlChar **ns, int nb_attrs,
    int nb_defaulted, const xmlChar **attrs)
{
	struct req_state *st = req_st(ctx);
	const char *want = api_op_name(st->out->op);
	unsigned line = req_line(st);
	char show[48];
	int f;

	(void)prefix;
	(void)nb_ns;
	(void)ns;
	(void)nb_defaulted;
	(void)attrs;
	if (st->g.stopped)
		return;
	st->depth++;
	if (st->depth > 2) {
		req_stop(st, "a field holds text only, no elements");
		return;
	}
	show_name(show, sizeof(show), name);
	if (st->depth == 1) {
		st->root_seen = true;
		if (!xmlStrEqual(name, BAD_CAST want) || !in_ns(uri)) {
			diags_add(st->d, REQ_PATH, line, 0, show, "the body of "
			    "/api/%s is <%s xmlns=\"%s\">%s", want, want,
			    API_NS, xmlStrEqual(name, BAD_CAST want) ?
			    " (wrong or no namespace)" : "");
			req_stop(st, NULL);
			return;
		}
	} else {
		for (f = 0; f < AF__MAX; f++)
			if (xmlStrEqual(name, BAD_CAST field_names[f]))
				break;
		if (f == AF__MAX || !in_ns(uri) ||
		    !((op_fields[st->out->op].required |
		    op_fields[st->out->op].optional) & B(f))) {
			diags_add(st->d, REQ_PATH, line, 0, show, "<%s> does "
			    "not belong in <%s>%s", show, want, f < AF__MAX &&
			    !in_ns(uri) ? " (wrong or no namespace)" : "");
			st->skip = st->depth;
			return;
		}
		if (st->out->f[f].line != 0) {
			diags_add(st->d, REQ_PATH, line, 0, show, "<%s> is "
			    "given twice (first on line %u)", show,
			    st->out->f[f].line);
			st->skip = st->depth;
			return;
		}
		st->out->f[f].line = line;
		st->field = f;
		st->flen = 0;
		st->long_told = false;
	}
	if (nb_attrs > 0)
		diags_add(st->d, REQ_PATH, line, 0, show, "<%s> takes no "
		    "attributes", show);
}

static void
req_end(void *ctx, const xmlChar *name, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct req_state *st = req_st(ctx);

	(void)name;
	(void)prefix;
	(void)uri;
	if (st->g.stopped)
		return;
	if (st->skip == st->depth)
		st->skip = 0;
	if (st->depth == 2)
		st->field = -1;
	st->depth--;
}

static void
req_text(void *ctx, const xmlChar *ch, int len)
{
	struct req_state *st = req_st(ctx);
	char *text;
	int i;

	if (st->g.stopped || st->skip != 0 || len <= 0)
		return;
	if (st->field < 0) {
		for (i = 0; i < len; i++)
			if (!(ch[i] == ' ' || ch[i] == '\t' || ch[i] == '\r' ||
			    ch[i] == '\n')) {
				req_stop(st, "text outside of a field");
				return;
			}
		return;
	}
	text = st->out->f[st->field].text;
	if (st->flen + (size_t)len > API_FIELD_MAX) {
		if (!st->long_told)
			diags_add(st->d, REQ_PATH, req_line(st), 0,
			    field_names[st->field], "<%s> is longer than %d "
			    "bytes", field_names[st->field], API_FIELD_MAX);
		st->long_told = true;
		return;
	}
	memcpy(text + st->flen, ch, (size_t)len);
	st->flen += (size_t)len;
	text[st->flen] = '\0';
}

static void
trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	s[n] = '\0';
	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
		i++;
	memmove(s, s + i, n - i + 1);
}

/* Fields present: their forms; missing ones: named. */
static void
check_fields(struct api_req *r, struct diags *d)
{
	unsigned need = op_fields[r->op].required;
	int64_t x;
	int f;

	for (f = 0; f < AF__MAX; f++) {
		char *t = r->f[f].text;
		unsigned line = r->f[f].line;

		if (line == 0) {
			if (need & B(f))
				diags_add(d, REQ_PATH, 0, 0, field_names[f],
				    "<%s> is missing: /api/%s needs it",
				    field_names[f], api_op_name(r->op));
			continue;
		}
		trim(t);
		switch ((enum api_field)f) {
		case AF_CODE:
			if (t[0] == '\0' || strlen(t) > 200)
				diags_add(d, REQ_PATH, line, 0, "code", "<code> "
				    "holds 1 to 200 characters");
			break;
		case AF_AMOUNT:
			if (!api_money_parse(t, &r->amount) || r->amount == 0)
				diags_add(d, REQ_PATH, line, 0, "amount",
				    "<amount> is money like 12.50: digits, a "
				    "point, two decimals, more than 0.00 and at "
				    "most 10000000.00");
			break;
		case AF_TRANSACTION:
			if (!api_id_ok(t, API_TXN_MAX))
				diags_add(d, REQ_PATH, line, 0, "transaction",
				    "<transaction> holds 1 to %d of A-Z a-z "
				    "0-9 . _ - :", API_TXN_MAX);
			break;
		case AF_HOLD_MINUTES:
			x = 0;
			while (*t >= '0' && *t <= '9' && x <= 1440)
				x = x * 10 + (*t++ - '0');
			if (*t != '\0' || x < 1 || x > 1440)
				diags_add(d, REQ_PATH, line, 0, "hold-minutes",
				    "<hold-minutes> is a whole number from 1 "
				    "to 1440");
			else
				r->hold_minutes = (unsigned)x;
			break;
		case AF_REASON:
			if (t[0] == '\0' || strlen(t) > 128)
				diags_add(d, REQ_PATH, line, 0, "reason",
				    "<reason> holds 1 to 128 bytes");
			break;
		case AF__MAX:
			break;
		}
	}
}

enum ws_status
apireq_parse(const char *body, size_t len, enum api_op op,
    struct api_req *out, struct diags *d)
{
	static const struct xml_handlers h = { req_start, req_end, req_text };
	struct req_state st;
	size_t before = diags_count(d);
	enum ws_status rc;

	memset(out, 0, sizeof(*out));
	out->op = op;
	out->amount = -1;
	if ((unsigned)op >= API_OP__MAX || op == API_IMPORT)
		return WS_ERR_INVALID;
	if (len == 0) {
		diags_add(d, REQ_PATH, 1, 0, NULL, "the body is empty; write "
		    "<%s xmlns=\"%s\">", api_op_name(op), API_NS);
		return WS_ERR_INVALID;
	}
	if (len > API_BODY_MAX) {
		diags_add(d, REQ_PATH, 0, 0, NULL, "the body has %zu bytes, "
		    "more than the %d allowed", len, API_BODY_MAX);
		return WS_ERR_INVALID;
	}
	memset(&st, 0, sizeof(st));
	st.g.d = d;
	st.g.path = REQ_PATH;
	st.g.no_doctype = "a DOCTYPE is not allowed: requests have no DTD "
	    "and no entities";
	st.g.lib_errors_max = REQ_DIAGS_MAX;
	st.out = out;
	st.d = d;
	st.field = -1;
	rc = xml_guard_parse(&st.g, &st, &h, body, len);
	if (rc != WS_OK)
		return rc;
	if (!st.root_seen && diags_count(d) == before)
		diags_add(d, REQ_PATH, 0, 0, NULL, "no element");
	if (diags_count(d) == before)
		check_fields(out, d);
	return diags_count(d) > before ? WS_ERR_INVALID : WS_OK;
}
