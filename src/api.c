/*
 * api.c - the POS/ERP API (see api.h and doc/api.md).
 *
 * One call: find the operation, authenticate the client, check that it
 * may call the operation, read the body (apireq.c, or io_xml.c for an
 * import), then run the operation.  A changing operation runs in one
 * transaction with its stored answer under "r:CLIENT:KEY" in shop.db: a
 * retry finds the answer and sends it again; two retries at once meet at
 * the record (added with no-overwrite), and the loser runs again and
 * finds the winner's answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "apireq.h"
#include "clock.h"
#include "hmac.h"
#include "io.h"
#include "kvexpire.h"
#include "ops.h"
#include "record.h"

#define ANSWER_MAX	(STORE_KV_DATA_MAX - 256)	/* fits its record */
#define ERRORS_SHOWN	10
#define ACTOR_PREFIX	"api:"
#define LEDGER_ENTRIES_MAX	10000	/* in one answer */

struct call {
	struct shop_env			*e;
	const struct http_request	*rq;
	const struct api_client		*client;
	enum api_op			 op;
	const char			*idem;		/* NULL: not changing */
	char				 hash[SHA256_HEX_LEN];	/* of op+body */
	struct api_req			 req;
	struct import_set		*set;		/* import */
	char				 holder[VOUCHER_HOLDER_MAX + 1];
	char				 actor[VOUCHER_ACTOR_MAX + 1];
	/* the answer */
	unsigned			 http;
	struct buf			 answer;
	bool				 replayed;
	bool				 conflict;	/* key reused */
};

/* --- writing XML ------------------------------------------------------------ */

static void
esc(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_append_str(b, "&amp;");
			break;
		case '<':
			buf_append_str(b, "&lt;");
			break;
		case '>':
			buf_append_str(b, "&gt;");
			break;
		case '"':
			buf_append_str(b, "&quot;");
			break;
		default:
			/* control characters cannot appear in XML 1.0 */
			if ((unsigned char)*s < 0x20 && *s != '\t' &&
			    *s != '\n')
				buf_append_char(b, '?');
			else
				buf_append_char(b, *s);
		}
	}
}

static void
elem(struct buf *b, const char *name, const char *text)
{
	buf_printf(b, "  <%s>", name);
	esc(b, text);
	buf_printf(b, "</%s>\n", name);
}

static void
money(char *out, size_t size, int64_t cents)
{
	snprintf(out, size, "%s%lld.%02lld", cents < 0 ? "-" : "",
	    (long long)(cents < 0 ? -cents : cents) / 100,
	    (long long)(cents < 0 ? -cents : cents) % 100);
}

static void
utc(char *out, size_t size, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, size, "%lld", (long long)t);
}

static void
elem_money(struct buf *b, const char *name, int64_t cents)
{
	char m[32];

	money(m, sizeof(m), cents);
	elem(b, name, m);
}

static void
elem_time(struct buf *b, const char *name, int64_t t)
{
	char m[40];

	utc(m, sizeof(m), t);
	elem(b, name, m);
}

static void
voucher_xml(struct buf *b, const struct voucher *v)
{
	char m[32];

	buf_append_str(b, "  <voucher>\n  ");
	elem(b, "code", v->code);
	buf_append_str(b, "  ");
	elem(b, "state", voucher_state_name(v->state));
	buf_append_str(b, "  ");
	elem(b, "kind", v->kind == VOUCHER_KIND_VALUE ? "value" :
	    "promotional");
	buf_append_str(b, "  ");
	elem(b, "type", voucher_type_name(v->type));
	buf_append_str(b, "  ");
	elem(b, "currency", v->currency);
	if (v->amount_type == VOUCHER_AMOUNT_PERCENT) {
		snprintf(m, sizeof(m), "%lld.%02lld", (long long)v->amount /
		    100, (long long)v->amount % 100);
		buf_printf(b, "    <percent>%s</percent>\n", m);
	} else {
		buf_append_str(b, "  ");
		elem_money(b, "value", v->amount);
	}
	if (voucher_has_balance(v)) {
		buf_append_str(b, "  ");
		elem_money(b, "balance", v->balance);
	}
	buf_printf(b, "    <redeemed>%u</redeemed>\n", v->redeemed);
	if (v->max_redemptions > 0)
		buf_printf(b, "    <max-redemptions>%u</max-redemptions>\n",
		    v->max_redemptions);
	if (v->min_order > 0) {
		buf_append_str(b, "  ");
		elem_money(b, "min-order", v->min_order);
	}
	if (v->valid_from > 0) {
		buf_append_str(b, "  ");
		elem_time(b, "valid-from", v->valid_from);
	}
	if (v->valid_until > 0) {
		buf_append_str(b, "  ");
		elem_time(b, "valid-until", v->valid_until);
	}
	if (v->state == VOUCHER_INVALIDATED && v->state_reason[0] != '\0') {
		buf_append_str(b, "  ");
		elem(b, "invalidated-because", v->state_reason);
	}
	buf_append_str(b, "  </voucher>\n");
}

/* ERRORS.md's meaning of each reason: the same for every shop, in English
 * for integrators; the element's text is the shop's own <Voucher-Txt>. */
static const char *const reason_meanings[] = {
	[1] = "no code entered",
	[2] = "unknown code",
	[3] = "not yet valid",
	[4] = "expired",
	[5] = "used up",
	[6] = "invalidated",
	[7] = "not valid in this shop or channel",
	[8] = "currency not supported",
	[9] = "minimum order value not reached",
	[10] = "no eligible product",
	[11] = "login required",
	[12] = "already used by this customer",
	[13] = "maximum number of redemptions reached",
	[14] = "new customers only",
	[15] = "cannot be combined",
	[16] = "too many vouchers",
	[17] = "login required to bind this voucher",
	[18] = "bound to another customer",
	[19] = "reserved elsewhere",
	[20] = "too many failed attempts",
	[21] = "only extra costs would be covered",
	[22] = "already in this basket",
	[23] = "external code not allowed",
	[24] = "vouchers cannot buy vouchers",
	[25] = "customer discount already applies",
	[26] = "not yet activated",
	[27] = "temporary error",
	[28] = "malformed input",
};

static void
reason_xml(struct buf *b, const struct voucher_conf *c, unsigned r)
{
	buf_printf(b, "  <reason code=\"%u\"", r);
	if (r < sizeof(reason_meanings) / sizeof(reason_meanings[0]) &&
	    reason_meanings[r] != NULL)
		buf_printf(b, " meaning=\"%s\"", reason_meanings[r]);
	buf_append_char(b, '>');
	esc(b, conf_reason_text(c, r));
	buf_append_str(b, "</reason>\n");
}

/* The whole answer: head, inner, tail. */
static void
answer_set(struct call *k, unsigned http, const char *result,
    const struct buf *inner)
{
	struct buf *b = &k->answer;

	buf_reset(b);
	k->http = http;
	buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<answer xmlns=\"%s\" op=\"%s\" result=\"%s\"", API_NS,
	    api_op_name(k->op) != NULL ? api_op_name(k->op) : "none", result);
	if (k->idem != NULL) {
		buf_append_str(b, " request-id=\"");
		esc(b, k->idem);
		buf_append_char(b, '"');
	}
	buf_append_str(b, ">\n");
	if (inner != NULL && inner->len > 0)
		buf_append(b, inner->data, inner->len);
	buf_append_str(b, "</answer>\n");
}

/* An answer that is only a problem: 4xx/5xx and reason 28 or 27. */
static void
problem(struct call *k, unsigned http, unsigned reason, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
problem(struct call *k, unsigned http, unsigned reason, const char *field,
    const char *fmt, ...)
{
	struct buf inner = BUF_INIT;
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (reason != 0)
		reason_xml(&inner, k->e->conf, reason);
	buf_append_str(&inner, "  <error");
	if (field != NULL && field[0] != '\0') {
		buf_append_str(&inner, " field=\"");
		esc(&inner, field);
		buf_append_char(&inner, '"');
	}
	buf_append_char(&inner, '>');
	esc(&inner, text);
	buf_append_str(&inner, "</error>\n");
	answer_set(k, http, http >= 500 ? "error" : "invalid", &inner);
	buf_free(&inner);
}

/* A body that did not read: every problem with its line, 400. */
static void
invalid_body(struct call *k, const struct diags *d)
{
	struct buf inner = BUF_INIT;
	size_t i;

	reason_xml(&inner, k->e->conf, REASON_MALFORMED);
	for (i = 0; i < d->n && i < ERRORS_SHOWN; i++) {
		buf_append_str(&inner, "  <error");
		if (d->items[i].line > 0)
			buf_printf(&inner, " line=\"%u\"", d->items[i].line);
		if (d->items[i].field[0] != '\0') {
			buf_append_str(&inner, " field=\"");
			esc(&inner, d->items[i].field);
			buf_append_char(&inner, '"');
		}
		buf_append_char(&inner, '>');
		esc(&inner, d->items[i].text);
		buf_append_str(&inner, "</error>\n");
	}
	if (d->n > ERRORS_SHOWN)
		buf_printf(&inner, "  <error>%zu more problems</error>\n",
		    d->n - ERRORS_SHOWN);
	answer_set(k, 400, "invalid", &inner);
	buf_free(&inner);
}

/* --- operations ---------------------------------------------------------------- */

static void
ctx_for(struct call *k, struct ops_ctx *ctx)
{
	ops_ctx_init(ctx);
	ctx->channel = VOUCHER_CHANNEL_POS;
	ctx->actor = k->actor;
	ctx->holder = k->holder;
	ctx->reference = k->req.f[AF_TRANSACTION].text;
	/* a register knows no fixed-price lines: the amount is eligible;
	 * a check without one asks about the code alone */
	ctx->basket.due = k->req.amount > 0 ? k->req.amount : 1000000000;
	ctx->basket.eligible = ctx->basket.due;
	/* the register sells in the shop's currency: a voucher in another
	 * one is refused (reason 8) */
	memcpy(ctx->basket.currency, k->e->conf->currency,
	    sizeof(ctx->basket.currency));
}

/*
 * What a redemption may take: the voucher's rules applied to this sale's
 * amount, as a direct redemption would (a 5,00 code takes 5,00 of a
 * 30,00 sale, 10 % takes 4,00 of 40,00, a gift voucher at most its
 * balance), whatever the reservation held.  A refusal leaves *reason set.
 */
static enum ws_status
redeem_amount(struct store_txn *t, struct call *k, const struct ops_ctx *ctx,
    int64_t *amount, unsigned *reason, struct ops_result *res)
{
	struct voucher v;
	enum ws_status st;

	*amount = k->req.amount;
	*reason = 0;
	st = store_voucher_get(t, k->req.f[AF_CODE].text, &v, true);
	if (st == WS_ERR_NOTFOUND)
		return WS_OK;	/* the redemption answers reason 2 */
	if (st != WS_OK)
		return st;
	*reason = rules_amount(&v, k->e->conf, &ctx->basket, amount);
	if (*reason != 0) {
		res->reason = *reason;
		res->found = true;
		res->v = v;
	} else if (*amount <= 0 || *amount > k->req.amount) {
		/* nothing to take (a spent balance): the redemption itself
		 * gives the reason */
		*amount = k->req.amount;
	}
	return WS_OK;
}

/* The answer of an operation that ran: done, or refused with a reason. */
static void
op_answer(struct call *k, const struct ops_result *res, bool held)
{
	struct buf inner = BUF_INIT;

	if (res->reason != 0)
		reason_xml(&inner, k->e->conf, res->reason);
	if (res->reason == REASON_UNKNOWN && k->op == API_CANCEL && res->found)
		elem(&inner, "detail", "no reservation of this transaction on "
		    "the code");
	if (res->found)
		voucher_xml(&inner, &res->v);
	if (res->reason == 0 && res->amount > 0 && (k->op != API_CHECK ||
	    k->req.amount > 0 || held))
		elem_money(&inner, "amount", res->amount);
	if (res->hold_until > 0 && (held || res->reason ==
	    REASON_RESERVED_ELSEWHERE))
		elem_time(&inner, "reserved-until", res->hold_until);
	answer_set(k, 200, res->reason == 0 ? "done" : "refused", &inner);
	buf_free(&inner);
}

/* Changing operations, inside the transaction of their stored answer. */
static enum ws_status
run_change(struct store_txn *t, struct call *k)
{
	const struct voucher_conf *c = k->e->conf;
	const char *code = k->req.f[AF_CODE].text;
	struct ops_result res;
	struct ops_ctx ctx;
	struct diags d;
	enum ws_status st;
	int64_t hold, amount;
	unsigned reason;

	ctx_for(k, &ctx);
	memset(&res, 0, sizeof(res));
	switch (k->op) {
	case API_RESERVE:
		hold = (int64_t)(k->req.hold_minutes > 0 ?
		    k->req.hold_minutes : k->e->shop->api.hold_minutes) * 60;
		st = ops_activate_in(t, c, code, &ctx, hold, &res);
		if (st == WS_OK)
			op_answer(k, &res, true);
		return st;
	case API_REDEEM:
		st = redeem_amount(t, k, &ctx, &amount, &reason, &res);
		if (st == WS_OK && reason == 0)
			st = ops_commit_in(t, c, code, &ctx, amount, &res);
		if (st == WS_OK)
			op_answer(k, &res, false);
		return st;
	case API_CANCEL:
		st = ops_remove_in(t, code, &ctx, &res);
		if (st == WS_OK)
			op_answer(k, &res, false);
		return st;
	case API_TOPUP:
		st = ops_topup_in(t, code, &ctx, k->req.amount, &res);
		if (st == WS_OK)
			op_answer(k, &res, false);
		return st;
	case API_INVALIDATE:
		st = ops_invalidate_in(t, code, &ctx,
		    k->req.f[AF_REASON].text, &res);
		if (st == WS_OK)
			op_answer(k, &res, false);
		return st;
	case API_IMPORT:
		diags_init(&d);
		st = ops_import_in(t, k->set, "import", k->actor, &d);
		if (st == WS_ERR_INVALID && diags_count(&d) > 0) {
			/* nothing of it stays: this transaction aborts */
			invalid_body(k, &d);
			k->http = 422;
		} else if (st == WS_OK) {
			struct buf inner = BUF_INIT;

			buf_printf(&inner, "  <rows>%zu</rows>\n", k->set->n);
			answer_set(k, 200, "done", &inner);
			buf_free(&inner);
		}
		diags_free(&d);
		return st;
	default:
		return WS_ERR_INVALID;
	}
}

/* The stored answer: created, hash of the request, HTTP status, XML. */
static enum ws_status
idem_encode(const struct call *k, int64_t now, struct buf *out)
{
	enum ws_status st;

	buf_reset(out);
	st = rec_put_u64(out, (uint64_t)now);
	if (st == WS_OK)
		st = rec_put_str(out, k->hash);
	if (st == WS_OK)
		st = rec_put_u64(out, k->http);
	if (st == WS_OK)
		st = rec_put_str(out, buf_cstr(&k->answer));
	return st;
}

static void
idem_key(const struct call *k, char *key, size_t size)
{
	snprintf(key, size, "r:%s:%s", k->client->name, k->idem);
}

static enum ws_status
change_body(struct store_txn *t, void *arg)
{
	struct call *k = arg;
	char key[STORE_KV_KEY_MAX + 1], hash[SHA256_HEX_LEN];
	static char stored[STORE_KV_DATA_MAX];
	struct rec_reader r;
	struct buf rec = BUF_INIT;
	enum ws_status st;
	uint64_t http;

	k->replayed = false;
	k->conflict = false;
	idem_key(k, key, sizeof(key));
	st = store_kv_get(t, key, &rec, true);
	if (st == WS_OK) {
		rec_reader_init(&r, rec.data, rec.len);
		(void)rec_get_u64(&r);
		rec_get_str(&r, hash, sizeof(hash));
		http = rec_get_u64(&r);
		rec_get_str(&r, stored, sizeof(stored));
		buf_free(&rec);
		if (!rec_done(&r))
			return WS_ERR_DB;
		if (strcmp(hash, k->hash) != 0) {
			k->conflict = true;
			return WS_OK;
		}
		k->replayed = true;
		k->http = (unsigned)http;
		buf_reset(&k->answer);
		return buf_append_str(&k->answer, stored);
	}
	buf_free(&rec);
	if (st != WS_ERR_NOTFOUND)
		return st;
	st = run_change(t, k);
	if (st != WS_OK)
		return st;
	if (k->answer.len > ANSWER_MAX)
		return WS_ERR_LIMIT;
	st = idem_encode(k, clock_now(), &rec);
	if (st == WS_OK)
		st = store_kv_add(t, key, rec.data, rec.len);
	buf_free(&rec);
	return st;
}

static void
run_changing(struct call *k)
{
	enum ws_status st = WS_OK;
	unsigned round;

	/* a retry running at the same moment added the record first: run
	 * again, and find its answer */
	for (round = 0; round < 3; round++) {
		st = store_txn_run(k->e->store, change_body, k);
		if (st != WS_ERR_EXISTS)
			break;
	}
	if (st == WS_ERR_RECOVER)
		k->e->reopen = true;
	if (k->conflict) {
		problem(k, 409, 0, "Idempotency-Key", "this Idempotency-Key "
		    "was used for another request; use a new key for a new "
		    "request");
		return;
	}
	if (st == WS_ERR_INVALID && k->op == API_IMPORT && k->http == 422)
		return;		/* the import's problems, nothing written */
	if (st != WS_OK) {
		k->e->log("api %s %s: %s", k->client->name,
		    api_op_name(k->op), ws_status_str(st));
		problem(k, 503, REASON_TEMPORARY, NULL, "the store could not "
		    "answer; nothing was changed; try again with the same "
		    "Idempotency-Key");
	}
}

struct read_arg {
	struct call	*k;
	struct buf	 inner;
	unsigned	 entries;
	bool		 truncated;
};

static enum ws_status
ledger_entry_xml(const struct ledger_entry *le, void *arg)
{
	struct read_arg *a = arg;
	char at[40], m[32];
	struct buf *b = &a->inner;

	if (++a->entries > LEDGER_ENTRIES_MAX) {
		a->truncated = true;
		return WS_ERR_LIMIT;
	}
	utc(at, sizeof(at), le->at);
	buf_printf(b, "    <entry seq=\"%llu\" at=\"%s\" op=\"%s\"",
	    (unsigned long long)le->seq, at, ledger_op_name(le->op));
	money(m, sizeof(m), le->delta);
	buf_printf(b, " delta=\"%s\"", m);
	money(m, sizeof(m), le->amount);
	buf_printf(b, " amount=\"%s\"", m);
	money(m, sizeof(m), le->balance_after);
	buf_printf(b, " balance-after=\"%s\" redeemed-after=\"%u\" "
	    "channel=\"%s\"", m, le->redeemed_after, le->channel ==
	    VOUCHER_CHANNEL_POS ? "pos" : le->channel == VOUCHER_CHANNEL_WEB ?
	    "web" : "operator");
	if (le->actor[0] != '\0') {
		buf_append_str(b, " actor=\"");
		esc(b, le->actor);
		buf_append_char(b, '"');
	}
	if (le->reference[0] != '\0') {
		buf_append_str(b, " reference=\"");
		esc(b, le->reference);
		buf_append_char(b, '"');
	}
	if (le->note[0] != '\0') {
		buf_append_str(b, " note=\"");
		esc(b, le->note);
		buf_append_char(b, '"');
	}
	return buf_append_str(b, "/>\n");
}

static enum ws_status
ledger_body(struct store_txn *t, void *arg)
{
	struct read_arg *a = arg;
	struct voucher v;
	enum ws_status st;

	buf_reset(&a->inner);
	a->entries = 0;
	a->truncated = false;
	st = store_voucher_get(t, a->k->req.f[AF_CODE].text, &v, false);
	if (st != WS_OK)
		return st;
	voucher_xml(&a->inner, &v);
	buf_append_str(&a->inner, "  <ledger>\n");
	st = store_ledger_each(t, v.code, ledger_entry_xml, a);
	if (st == WS_ERR_LIMIT && a->truncated) {
		/* the oldest entries, and a mark: the CLI gives them all */
		st = buf_printf(&a->inner, "    <more first=\"%u\"/>\n",
		    LEDGER_ENTRIES_MAX);
	}
	if (st == WS_OK)
		st = buf_append_str(&a->inner, "  </ledger>\n");
	return st;
}

struct check_arg {
	struct call		*k;
	struct ops_result	*res;
};

/*
 * A check changes nothing.  Asked with the sale's transaction, the sale's
 * own hold is no refusal: the answer is what the hold keeps and until when.
 */
static enum ws_status
check_body(struct store_txn *t, void *arg)
{
	struct check_arg *a = arg;
	struct call *k = a->k;
	struct ops_ctx ctx;
	struct hold h;
	enum ws_status st;

	ctx_for(k, &ctx);
	if (k->holder[0] == '\0')
		ctx.holder = "";
	st = ops_check_in(t, k->e->conf, k->req.f[AF_CODE].text, &ctx,
	    a->res);
	if (st != WS_OK || a->res->reason != REASON_ALREADY_IN_BASKET ||
	    k->holder[0] == '\0')
		return st;
	st = store_hold_get(t, a->res->v.code, k->holder, &h, false);
	if (st == WS_ERR_NOTFOUND)
		return WS_OK;
	if (st != WS_OK)
		return st;
	a->res->reason = 0;
	a->res->amount = h.amount;
	a->res->hold_until = h.expires;
	return WS_OK;
}

static void
run_reading(struct call *k)
{
	struct read_arg a;
	struct ops_result res;
	enum ws_status st;

	if (k->op == API_CHECK) {
		struct check_arg ca = { k, &res };

		st = store_read_run(k->e->store, check_body, &ca);
		if (st == WS_OK) {
			op_answer(k, &res, res.reason == 0 &&
			    res.hold_until > 0);
			return;
		}
	} else {
		a.k = k;
		buf_init(&a.inner);
		st = store_read_run(k->e->store, ledger_body, &a);
		if (st == WS_OK)
			answer_set(k, 200, "done", &a.inner);
		else if (st == WS_ERR_NOTFOUND) {
			buf_reset(&a.inner);
			reason_xml(&a.inner, k->e->conf, REASON_UNKNOWN);
			answer_set(k, 200, "refused", &a.inner);
			st = WS_OK;
		}
		buf_free(&a.inner);
		if (st == WS_OK)
			return;
	}
	if (st == WS_ERR_RECOVER)
		k->e->reopen = true;
	k->e->log("api %s %s: %s", k->client->name, api_op_name(k->op),
	    ws_status_str(st));
	problem(k, 503, REASON_TEMPORARY, NULL, "the store could not answer; "
	    "try again");
}

/* --- the door ------------------------------------------------------------------ */

static bool
is_changing(enum api_op op)
{
	return op != API_CHECK && op != API_LEDGER;
}

/*
 * "Bearer NAME:KEY".  The key's hash is compared in constant time, and a
 * hash is computed and compared for unknown names too, so the answer's
 * timing tells nothing about which names exist.
 */
static const struct api_client *
authenticate(const struct shop_conf *sc, const char *header)
{
	static const char nobody[API_KEY_HEX + 1] =
	    "0000000000000000000000000000000000000000000000000000000000000000";
	char name[API_CLIENT_MAX + 1], hex[SHA256_HEX_LEN];
	const struct api_client *c;
	uint8_t digest[SHA256_DIGEST_LEN];
	const char *colon, *key;
	size_t n;
	bool good;

	if (header == NULL || strncasecmp(header, "Bearer ", 7) != 0)
		return NULL;
	header += 7;
	while (*header == ' ')
		header++;
	colon = strchr(header, ':');
	if (colon == NULL || colon == header ||
	    (n = (size_t)(colon - header)) > API_CLIENT_MAX)
		return NULL;
	memcpy(name, header, n);
	name[n] = '\0';
	key = colon + 1;
	if (strlen(key) > 256)
		return NULL;
	c = shopconf_api_client(sc, name);
	sha256(key, strlen(key), digest);
	hex_encode(digest, sizeof(digest), hex);
	good = hex_equal_ct(hex, c != NULL ? c->key_sha256 : nobody,
	    API_KEY_HEX);
	return c != NULL && good && key[0] != '\0' ? c : NULL;
}

static bool
xml_content_type(const char *ct)
{
	size_t n;

	if (ct == NULL)
		return false;
	n = strcspn(ct, "; ");
	return (n == 15 && strncasecmp(ct, "application/xml", 15) == 0) ||
	    (n == 8 && strncasecmp(ct, "text/xml", 8) == 0);
}

static void
respond(struct call *k, struct http_response *rs)
{
	static const struct {
		unsigned	 code;
		const char	*text;
	} texts[] = {
		{ 200, "200 OK" }, { 400, "400 Bad Request" },
		{ 401, "401 Unauthorized" }, { 403, "403 Forbidden" },
		{ 404, "404 Not Found" }, { 405, "405 Method Not Allowed" },
		{ 409, "409 Conflict" }, { 413, "413 Content Too Large" },
		{ 415, "415 Unsupported Media Type" },
		{ 422, "422 Unprocessable Content" },
		{ 503, "503 Service Unavailable" },
	};
	size_t i;

	snprintf(rs->status, sizeof(rs->status), "500 Internal Server Error");
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i].code == k->http)
			snprintf(rs->status, sizeof(rs->status), "%s",
			    texts[i].text);
	rs->content_type = "application/xml; charset=utf-8";
	if (k->http == 401)
		buf_append_str(&rs->headers, "WWW-Authenticate: Bearer "
		    "realm=\"wsvoucher\"\r\n");
	if (k->http == 405)
		buf_append_str(&rs->headers, "Allow: POST\r\n");
	if (k->replayed)
		buf_append_str(&rs->headers, "Idempotent-Replay: true\r\n");
	buf_reset(&rs->body);
	buf_append(&rs->body, k->answer.data, k->answer.len);
}

static bool
read_body(struct call *k)
{
	const struct http_request *rq = k->rq;
	struct io_options opt;
	struct diags d;
	struct sha256_ctx h;
	uint8_t digest[SHA256_DIGEST_LEN];
	enum ws_status st;
	bool ok;

	/* what the key stands for: this operation with this body */
	sha256_init(&h);
	sha256_update(&h, api_op_name(k->op), strlen(api_op_name(k->op)));
	sha256_update(&h, "\n", 1);
	sha256_update(&h, rq->body != NULL ? rq->body : "", rq->body_len);
	sha256_final(&h, digest);
	hex_encode(digest, sizeof(digest), k->hash);

	diags_init(&d);
	if (k->op == API_IMPORT) {
		if ((k->set = malloc(sizeof(*k->set))) == NULL) {
			diags_free(&d);
			problem(k, 503, REASON_TEMPORARY, NULL, "out of memory");
			return false;
		}
		import_set_init(k->set);
		memset(&opt, 0, sizeof(opt));
		opt.codegen = k->e->codegen;
		opt.allow_external = k->e->conf->external_vouchers_allow;
		opt.default_currency = k->e->conf->currency;
		st = io_xml_parse(rq->body != NULL ? rq->body : "",
		    rq->body_len, "import", &opt, k->set, &d);
	} else {
		st = apireq_parse(rq->body != NULL ? rq->body : "",
		    rq->body_len, k->op, &k->req, &d);
	}
	ok = st == WS_OK && diags_count(&d) == 0;
	if (st == WS_ERR_NOMEM)
		problem(k, 503, REASON_TEMPORARY, NULL, "out of memory");
	else if (!ok)
		invalid_body(k, &d);
	diags_free(&d);
	return ok;
}

/* Everything before the operation; false: k->answer says why not. */
static bool
admit(struct call *k)
{
	const struct http_request *rq = k->rq;
	const struct api_conf *ac = &k->e->shop->api;
	unsigned op;

	for (op = 0; op < API_OP__MAX; op++)
		if (strcmp(rq->page, api_op_name(op)) == 0)
			break;
	if (op == API_OP__MAX) {
		k->op = API_OP__MAX;
		problem(k, 404, 0, NULL, "no such operation; the operations "
		    "are check, reserve, redeem, cancel, topup, invalidate, "
		    "ledger and import");
		return false;
	}
	k->op = op;
	if (strcmp(rq->method, "POST") != 0) {
		problem(k, 405, 0, NULL, "API calls are POST requests");
		return false;
	}
	k->client = authenticate(k->e->shop, rq->authorization);
	if (k->client == NULL) {
		k->e->log("api %s from %s: no valid key", rq->page,
		    rq->remote_addr != NULL ? rq->remote_addr : "?");
		problem(k, 401, 0, "Authorization", "send Authorization: "
		    "Bearer CLIENT:KEY with a client and key of <Voucher-API>");
		return false;
	}
	if (!(k->client->ops & (1u << op))) {
		k->e->log("api %s: client %s may not call it", rq->page,
		    k->client->name);
		problem(k, 403, 0, NULL, "client %s may not call %s",
		    k->client->name, rq->page);
		return false;
	}
	snprintf(k->actor, sizeof(k->actor), ACTOR_PREFIX "%s",
	    k->client->name);
	if (!xml_content_type(rq->content_type)) {
		problem(k, 415, 0, "Content-Type", "send the body as "
		    "application/xml");
		return false;
	}
	if (rq->body_len > (op == API_IMPORT ? ac->import_max_bytes :
	    API_BODY_MAX)) {
		problem(k, 413, REASON_MALFORMED, NULL, "the body has %zu "
		    "bytes; at most %u are allowed", rq->body_len,
		    op == API_IMPORT ? ac->import_max_bytes : API_BODY_MAX);
		return false;
	}
	if (is_changing(op)) {
		if (rq->idempotency_key == NULL ||
		    !api_id_ok(rq->idempotency_key, API_IDEM_MAX)) {
			problem(k, 400, REASON_MALFORMED, "Idempotency-Key",
			    "a changing call needs an Idempotency-Key header "
			    "of 1 to %d characters A-Z a-z 0-9 . _ - :",
			    API_IDEM_MAX);
			return false;
		}
		k->idem = rq->idempotency_key;
	}
	if (!read_body(k))
		return false;
	if (k->req.hold_minutes > ac->hold_minutes) {
		problem(k, 400, REASON_MALFORMED, "hold-minutes", "a hold is "
		    "at most the configured %u minutes (Hold-Minutes); ask "
		    "for less or leave it out", ac->hold_minutes);
		return false;
	}
	if (k->req.f[AF_TRANSACTION].line != 0)
		snprintf(k->holder, sizeof(k->holder), "pos:%.24s:%.32s",
		    k->client->name, k->req.f[AF_TRANSACTION].text);
	return true;
}

void
api_handle(struct shop_env *e, const struct http_request *rq,
    struct http_response *rs)
{
	struct call *k;

	/* a call is large (the request's fields): not on the stack */
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		snprintf(rs->status, sizeof(rs->status),
		    "503 Service Unavailable");
		rs->content_type = "text/plain; charset=utf-8";
		buf_append_str(&rs->body, "out of memory\n");
		return;
	}
	k->e = e;
	k->rq = rq;
	buf_init(&k->answer);
	if (admit(k)) {
		if (is_changing(k->op))
			run_changing(k);
		else
			run_reading(k);
	}
	respond(k, rs);
	if (k->set != NULL) {
		import_set_free(k->set);
		free(k->set);
	}
	buf_free(&k->answer);
	free(k);
}

/* --- housekeeping ------------------------------------------------------------ */

static bool
answer_old(const void *data, size_t len, int64_t now, void *arg)
{
	const int64_t *keep = arg;
	struct rec_reader r;

	rec_reader_init(&r, data, len);
	return (int64_t)rec_get_u64(&r) + *keep < now;
}

enum ws_status
api_expire_ids(struct store *s, const struct shop_conf *sc, int64_t now,
    uint64_t *n)
{
	int64_t keep = (int64_t)sc->api.ids_hours * 3600;

	return kv_expire(s, "r:", answer_old, &keep, now, n);
}
