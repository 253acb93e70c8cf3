/*
 * admin.c - the operator's pages (see admin.h and doc/admin.md).
 *
 * Sessions of their own ("as:ID" in shop.db, cookie WSADMIN on /admin
 * only, SameSite=Strict): a visitor's shop session never opens them.  A
 * session starts anonymous on the login page (so even the login form
 * carries a CSRF token) and gets a new id when the operator logs in.
 * Every POST checks the token, runs one action and answers 303 to a page
 * (post/redirect/get) with a one-shot message in the session.  Actions
 * write the ledger as admin:LOGIN.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "admin.h"
#include "charge.h"
#include "clock.h"
#include "form.h"
#include "hmac.h"
#include "kvexpire.h"
#include "num.h"
#include "ops.h"
#include "passwd.h"
#include "record.h"
#include "session.h"
#include "tz.h"

#define ROWS_MAX	200	/* codes on one list page */
#define ENTRIES_MAX	500	/* ledger entries on one code page */
#define WEB_CHARGE_MAX	10000	/* codes one form makes */
#define MSG_MAX		256

struct admin_session {
	char		 id[SESSION_ID_LEN + 1];
	char		 login[SHOP_ID_MAX + 1];	/* "" = not logged in */
	int64_t		 created;
	int64_t		 seen;
	char		 message[MSG_MAX];
	char		 error[MSG_MAX];
	char		 charge[VOUCHER_CHARGE_MAX + 1];	/* made just now */
};

/* --- small answers ------------------------------------------------------------ */

static void
page_text(struct http_response *rs, const char *status, const char *text)
{
	snprintf(rs->status, sizeof(rs->status), "%s", status);
	rs->content_type = "text/html; charset=utf-8";
	buf_reset(&rs->body);
	/* our own fixed texts only: nothing to escape */
	buf_printf(&rs->body, "<!DOCTYPE html>\n<html lang=\"de\"><head>"
	    "<meta charset=\"utf-8\"><title>Verwaltung</title></head><body>"
	    "<h1>Verwaltung</h1><p>%s</p><p><a href=\"admin_search.htm\">"
	    "Zur Suche</a></p></body></html>\n", text);
}

static void
trouble(struct shop_env *e, struct http_response *rs, enum ws_status st,
    const char *what)
{
	if (st == WS_ERR_RECOVER)
		e->reopen = true;
	e->log("admin %s: %s", what, ws_status_str(st));
	page_text(rs, "503 Service Unavailable", "Der Speicher antwortet "
	    "gerade nicht; es wurde nichts geändert. Bitte noch einmal.");
}

static void
redirect(struct http_response *rs, const char *to)
{
	snprintf(rs->status, sizeof(rs->status), "303 See Other");
	rs->content_type = "text/html; charset=utf-8";
	buf_printf(&rs->headers, "Location: %s\r\n", to);
	buf_reset(&rs->body);
	buf_append_str(&rs->body, "<!DOCTYPE html>\n<p>Weiter</p>\n");
}

static void
set_cookie(struct http_response *rs, const struct http_request *rq,
    const char *id)
{
	buf_printf(&rs->headers, "Set-Cookie: " ADMIN_COOKIE "=%s; "
	    "Path=/admin; HttpOnly; SameSite=Strict%s\r\n", id,
	    rq->https ? "; Secure" : "");
}

static void
csrf_of(const struct shop_env *e, const char *sid, char out[65])
{
	uint8_t mac[SHA256_DIGEST_LEN];
	char msg[16 + SESSION_ID_LEN];

	snprintf(msg, sizeof(msg), "admin-csrf:%s", sid);
	hmac_sha256(e->key, SHOP_KEY_LEN, msg, strlen(msg), mac);
	hex_encode(mac, sizeof(mac), out);
}

/* --- sessions ------------------------------------------------------------------ */

static enum ws_status
sess_encode(const struct admin_session *s, struct buf *b)
{
	enum ws_status st;

	buf_reset(b);
	st = rec_put_str(b, s->login);
	if (st == WS_OK)
		st = rec_put_u64(b, (uint64_t)s->created);
	if (st == WS_OK)
		st = rec_put_u64(b, (uint64_t)s->seen);
	if (st == WS_OK)
		st = rec_put_str(b, s->message);
	if (st == WS_OK)
		st = rec_put_str(b, s->error);
	if (st == WS_OK)
		st = rec_put_str(b, s->charge);
	return st;
}

static bool
sess_decode(const void *data, size_t len, struct admin_session *s)
{
	struct rec_reader r;

	rec_reader_init(&r, data, len);
	rec_get_str(&r, s->login, sizeof(s->login));
	s->created = (int64_t)rec_get_u64(&r);
	s->seen = (int64_t)rec_get_u64(&r);
	rec_get_str(&r, s->message, sizeof(s->message));
	rec_get_str(&r, s->error, sizeof(s->error));
	rec_get_str(&r, s->charge, sizeof(s->charge));
	return rec_done(&r);
}

static bool
sess_alive(const struct admin_session *s, int64_t now)
{
	return s->seen + ADMIN_IDLE_MINUTES * 60 > now &&
	    s->created + ADMIN_MAX_HOURS * 3600 > now;
}

struct sess_arg {
	struct admin_session	*s;
	bool			 found;
	bool			 create;	/* add, never overwrite */
	const char		*drop;		/* id to delete as well */
	struct buf		 b;
};

static enum ws_status
sess_get_body(struct store_txn *t, void *arg)
{
	struct sess_arg *a = arg;
	char key[STORE_KV_KEY_MAX + 1];
	enum ws_status st;

	a->found = false;
	snprintf(key, sizeof(key), "as:%s", a->s->id);
	st = store_kv_get(t, key, &a->b, false);
	if (st == WS_ERR_NOTFOUND)
		return WS_OK;
	if (st != WS_OK)
		return st;
	a->found = sess_decode(a->b.data, a->b.len, a->s);
	return WS_OK;
}

static enum ws_status
sess_put_body(struct store_txn *t, void *arg)
{
	struct sess_arg *a = arg;
	char key[STORE_KV_KEY_MAX + 1];
	enum ws_status st;

	snprintf(key, sizeof(key), "as:%s", a->s->id);
	st = sess_encode(a->s, &a->b);
	if (st != WS_OK)
		return st;
	st = a->create ? store_kv_add(t, key, a->b.data, a->b.len) :
	    store_kv_put(t, key, a->b.data, a->b.len);
	if (st == WS_OK && a->drop != NULL) {
		snprintf(key, sizeof(key), "as:%s", a->drop);
		st = store_kv_del(t, key);
		if (st == WS_ERR_NOTFOUND)
			st = WS_OK;
	}
	return st;
}

static enum ws_status
sess_save(struct shop_env *e, struct admin_session *s, bool create,
    const char *drop)
{
	struct sess_arg a = { s, false, create, drop, BUF_INIT };
	enum ws_status st;

	st = store_txn_run(e->store, sess_put_body, &a);
	buf_free(&a.b);
	return st;
}

/* The request's live session; *found false: a new anonymous one in s. */
static enum ws_status
sess_load(struct shop_env *e, const struct http_request *rq,
    struct admin_session *s, bool *found)
{
	struct sess_arg a = { s, false, false, NULL, BUF_INIT };
	char id[SESSION_ID_LEN + 8];
	int64_t now = clock_now();
	enum ws_status st;

	memset(s, 0, sizeof(*s));
	*found = false;
	if (form_cookie(rq->cookie, ADMIN_COOKIE, id, sizeof(id)) &&
	    session_id_ok(id)) {
		memcpy(s->id, id, SESSION_ID_LEN + 1);
		st = store_read_run(e->store, sess_get_body, &a);
		buf_free(&a.b);
		if (st != WS_OK)
			return st;
		*found = a.found && sess_alive(s, now);
	}
	if (!*found) {
		memset(s, 0, sizeof(*s));
		st = session_random_id(s->id);
		if (st != WS_OK)
			return st;
		s->created = now;
	}
	s->seen = now;
	return WS_OK;
}

/* --- pages ------------------------------------------------------------------- */

struct page_data {
	struct tmpl_admin	 ta;
	struct tmpl_admin_row	 rows[ROWS_MAX];
	struct voucher		 v[ROWS_MAX];
	struct hold		 h[ROWS_MAX];
	struct tmpl_voucher	 code;
	struct ledger_entry	 entries[ENTRIES_MAX];
	struct charge		 charge;
	char			 query[VOUCHER_CODE_MAX + 1];
};

struct list_arg {
	struct page_data	*p;
	int64_t			 now;
	const char		*prefix;
};

static enum ws_status
held_row(const struct hold *h, void *arg)
{
	struct list_arg *a = arg;
	struct page_data *p = a->p;

	if (h->expires <= a->now)
		return WS_OK;		/* ran out; housekeeping removes it */
	if (p->ta.nrows == ROWS_MAX) {
		p->ta.more = true;
		return WS_ERR_LIMIT;
	}
	p->h[p->ta.nrows] = *h;
	p->ta.nrows++;
	return WS_OK;
}

static enum ws_status
reserved_body(struct store_txn *t, void *arg)
{
	struct list_arg *a = arg;
	struct page_data *p = a->p;
	enum ws_status st;
	size_t i;

	p->ta.nrows = 0;
	p->ta.more = false;
	st = store_hold_each(t, "", held_row, a);
	if (st == WS_ERR_LIMIT)
		st = WS_OK;
	for (i = 0; st == WS_OK && i < p->ta.nrows; i++) {
		st = store_voucher_get(t, p->h[i].code, &p->v[i], false);
		if (st == WS_ERR_NOTFOUND) {
			voucher_init(&p->v[i]);
			snprintf(p->v[i].code, sizeof(p->v[i].code), "%s",
			    p->h[i].code);
			st = WS_OK;
		}
		p->rows[i].v = &p->v[i];
		p->rows[i].h = &p->h[i];
	}
	return st;
}

static enum ws_status
ledger_row(const struct ledger_entry *le, void *arg)
{
	struct page_data *p = arg;

	if (p->ta.nentries == ENTRIES_MAX) {
		p->ta.more = true;
		return WS_ERR_LIMIT;
	}
	p->entries[p->ta.nentries++] = *le;
	return WS_OK;
}

struct code_arg {
	struct page_data	*p;
	const char		*code;
	int64_t			 now;
	bool			 found;
};

static enum ws_status
code_hold(const struct hold *h, void *arg)
{
	struct code_arg *a = arg;

	if (h->expires > a->now && h->kind == HOLD_RESERVATION) {
		a->p->code.reserved = true;
		a->p->code.reserved_until = h->expires;
	}
	return WS_OK;
}

static enum ws_status
code_body(struct store_txn *t, void *arg)
{
	struct code_arg *a = arg;
	struct page_data *p = a->p;
	struct charge ch;
	enum ws_status st;

	p->ta.nentries = 0;
	memset(&p->code, 0, sizeof(p->code));
	a->found = false;
	st = store_voucher_get(t, a->code, &p->code.v, false);
	if (st == WS_ERR_NOTFOUND)
		return WS_OK;
	if (st != WS_OK)
		return st;
	a->found = true;
	p->code.exists = true;
	if (p->code.v.charge_id[0] != '\0' &&
	    store_charge_get(t, p->code.v.charge_id, &ch) == WS_OK) {
		memcpy(p->code.charge_creator, ch.creator,
		    sizeof(p->code.charge_creator));
		memcpy(p->code.charge_label, ch.label,
		    sizeof(p->code.charge_label));
	}
	st = store_hold_each(t, p->code.v.code, code_hold, a);
	if (st != WS_OK)
		return st;
	st = store_ledger_each(t, p->code.v.code, ledger_row, p);
	return st == WS_ERR_LIMIT ? WS_OK : st;
}

static enum ws_status
charge_body(struct store_txn *t, void *arg)
{
	struct page_data *p = arg;

	return store_charge_get(t, p->query, &p->charge);
}

/* Codes whose number starts with prefix. */
static enum ws_status
search_prefix(struct shop_env *e, struct page_data *p, const char *prefix)
{
	char after[VOUCHER_CODE_MAX + 2];
	size_t n, i, ql = strlen(prefix);
	enum ws_status st;

	p->ta.nrows = 0;
	if (ql == 0)
		return WS_OK;
	/*
	 * The scan gives codes after a key: the prefix with its last
	 * character one lower and then DEL sorts after every code below
	 * the prefix (codes are printable ASCII) and before the prefix.
	 */
	memcpy(after, prefix, ql + 1);
	after[ql - 1] = (char)(after[ql - 1] - 1);
	after[ql] = 0x7f;
	after[ql + 1] = '\0';
	st = store_voucher_scan(e->store, after, p->v, ROWS_MAX, &n);
	if (st != WS_OK)
		return st;
	for (i = 0; i < n; i++) {
		if (strncmp(p->v[i].code, prefix, ql) != 0)
			break;
		p->rows[p->ta.nrows].v = &p->v[i];
		p->rows[p->ta.nrows].h = NULL;
		p->ta.nrows++;
	}
	p->ta.more = i == n && n == ROWS_MAX;
	return WS_OK;
}

/*
 * Codes are stored as they were made or imported (the generator's are
 * upper case): the prefix as typed, and if that finds nothing, in upper
 * case, so "abcd" finds ABCD-... .
 */
static enum ws_status
search(struct shop_env *e, struct page_data *p)
{
	char upper[VOUCHER_CODE_MAX + 1];
	enum ws_status st;
	size_t i;

	st = search_prefix(e, p, p->query);
	if (st != WS_OK || p->ta.nrows > 0)
		return st;
	for (i = 0; p->query[i] != '\0'; i++)
		upper[i] = (char)(p->query[i] >= 'a' && p->query[i] <= 'z' ?
		    p->query[i] - 'a' + 'A' : p->query[i]);
	upper[i] = '\0';
	if (strcmp(upper, p->query) == 0)
		return WS_OK;
	return search_prefix(e, p, upper);
}

/* The page's template; otherwise the answer is set (404, 500, 503). */
static enum ws_status
page_get(struct shop_env *e, const struct http_request *rq,
    struct http_response *rs, const struct tmpl **t)
{
	struct diags d;
	enum ws_status st;
	size_t i;

	diags_init(&d);
	st = tmpl_cache_get(e->cache, rq->page, t, &d);
	if (st == WS_ERR_IO) {
		page_text(rs, "404 Not Found", "Diese Seite gibt es nicht.");
	} else if (st == WS_ERR_INVALID) {
		/* a broken template: its designer needs the place */
		for (i = 0; i < d.n && i < 5; i++)
			e->log("admin %s:%u:%u: %s", d.items[i].path,
			    d.items[i].line, d.items[i].col, d.items[i].text);
		page_text(rs, "500 Internal Server Error", "Die Seite kann "
		    "gerade nicht angezeigt werden.");
	} else if (st != WS_OK) {
		trouble(e, rs, st, rq->page);
	}
	diags_free(&d);
	return st;
}

static void
render(struct shop_env *e, const struct http_request *rq,
    struct http_response *rs, struct admin_session *s, bool found,
    const struct admin_account *op)
{
	struct page_data *p;
	struct tmpl_data data;
	const struct tmpl *t;
	struct buf err = BUF_INIT;
	struct form q;
	char token[65];
	const char *v;
	enum ws_status st;
	bool login_page = strcmp(rq->page, "admin_login.htm") == 0;

	if (op == NULL && !login_page) {
		redirect(rs, "admin_login.htm");
		return;
	}
	if (op != NULL && login_page) {
		redirect(rs, "admin_search.htm");
		return;
	}
	if (page_get(e, rq, rs, &t) != WS_OK)
		return;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		trouble(e, rs, WS_ERR_NOMEM, rq->page);
		return;
	}
	form_init(&q);
	if (rq->query != NULL &&
	    form_parse(&q, rq->query, strlen(rq->query)) != WS_OK) {
		page_text(rs, "400 Bad Request", "Die Anfrage ist ungültig.");
		goto out;
	}
	v = form_get_text(&q, "q");
	if (v == NULL)
		v = form_get_text(&q, "code");
	if (v != NULL && strlen(v) <= VOUCHER_CODE_MAX)
		snprintf(p->query, sizeof(p->query), "%s", v);
	p->ta.operator_name = op != NULL ? op->name : NULL;
	p->ta.query = p->query;
	p->ta.message = s->message[0] != '\0' ? s->message : NULL;
	p->ta.error = s->error[0] != '\0' ? s->error : NULL;
	p->ta.rows = p->rows;
	p->ta.entries = p->entries;
	st = WS_OK;
	if (strcmp(rq->page, "admin_search.htm") == 0) {
		st = search(e, p);
	} else if (strcmp(rq->page, "admin_reserved.htm") == 0) {
		struct list_arg la = { p, clock_now(), NULL };

		st = store_read_run(e->store, reserved_body, &la);
	} else if (strcmp(rq->page, "admin_code.htm") == 0 &&
	    p->query[0] != '\0') {
		struct code_arg ca = { p, p->query, clock_now(), false };

		st = store_read_run(e->store, code_body, &ca);
		if (st == WS_OK && ca.found)
			p->ta.code = &p->code;
	} else if (strcmp(rq->page, "admin_charge.htm") == 0 &&
	    s->charge[0] != '\0') {
		snprintf(p->query, sizeof(p->query), "%s", s->charge);
		st = store_read_run(e->store, charge_body, p);
		if (st == WS_OK)
			p->ta.charge = &p->charge;
		else if (st == WS_ERR_NOTFOUND)
			st = WS_OK;
	}
	if (st != WS_OK) {
		trouble(e, rs, st, rq->page);
		goto out;
	}
	csrf_of(e, s->id, token);
	memset(&data, 0, sizeof(data));
	data.conf = e->conf;
	data.csrf_token = token;
	data.admin = &p->ta;
	st = tmpl_render(t, &data, &rs->body, &err);
	if (st != WS_OK) {
		e->log("admin %s: %s", rq->page, buf_cstr(&err));
		buf_reset(&rs->body);
		page_text(rs, "500 Internal Server Error", "Die Seite kann "
		    "gerade nicht angezeigt werden.");
		goto out;
	}
	snprintf(rs->status, sizeof(rs->status), "200 OK");
	rs->content_type = "text/html; charset=utf-8";
	/* the message is shown, the session seen: store both */
	s->message[0] = '\0';
	s->error[0] = '\0';
	s->charge[0] = '\0';
	st = sess_save(e, s, !found, NULL);
	if (st != WS_OK) {
		trouble(e, rs, st, "session");
		goto out;
	}
	if (!found)
		set_cookie(rs, rq, s->id);
out:
	form_free(&q);
	buf_free(&err);
	free(p);
}

/* --- CSV of a charge --------------------------------------------------------- */

static void
csv_field(struct buf *b, const char *s)
{
	/* a field that begins like a formula is quoted with ' first, so a
	 * spreadsheet shows it instead of running it */
	if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')
		buf_append_char(b, '\'');
	for (; *s != '\0'; s++)
		if (*s != ';' && *s != '\n' && *s != '\r' && *s != '"')
			buf_append_char(b, *s);
}

static void
charge_csv(struct shop_env *e, const struct http_request *rq,
    struct http_response *rs)
{
	struct voucher *batch;
	char after[VOUCHER_CODE_MAX + 1] = "", id[VOUCHER_CHARGE_MAX + 1];
	struct form q;
	const char *v;
	size_t n, i;
	uint64_t rows = 0;
	enum ws_status st = WS_OK;

	form_init(&q);
	if (rq->query == NULL ||
	    form_parse(&q, rq->query, strlen(rq->query)) != WS_OK ||
	    (v = form_get_text(&q, "id")) == NULL || v[0] == '\0' ||
	    strlen(v) > VOUCHER_CHARGE_MAX) {
		form_free(&q);
		page_text(rs, "400 Bad Request", "Welche Charge? "
		    "(?id=CHARGE)");
		return;
	}
	snprintf(id, sizeof(id), "%s", v);
	form_free(&q);
	if ((batch = calloc(ROWS_MAX, sizeof(*batch))) == NULL) {
		trouble(e, rs, WS_ERR_NOMEM, "charge.csv");
		return;
	}
	buf_reset(&rs->body);
	buf_append_str(&rs->body, "Number;Amount;AmountType;Type;Type2;State;"
	    "ValidUntil;ChargeId\r\n");
	/* short read transactions, batch by batch: no lock held between */
	for (;;) {
		st = store_voucher_scan(e->store, after, batch, ROWS_MAX, &n);
		if (st != WS_OK || n == 0)
			break;
		for (i = 0; i < n; i++) {
			const struct voucher *x = &batch[i];
			char m[32], until[16] = "";

			if (strcmp(x->charge_id, id) != 0)
				continue;
			/* cents or hundredths of a percent: both 2 places */
			snprintf(m, sizeof(m), "%lld,%02lld",
			    (long long)x->amount / 100,
			    (long long)x->amount % 100);
			if (x->valid_until > 0) {
				struct tm tm;

				/* the import's own spelling: the file can go
				 * back in */
				if (tz_local(x->valid_until, &tm) == WS_OK)
					strftime(until, sizeof(until),
					    "%Y-%m-%d", &tm);
			}
			csv_field(&rs->body, x->code);
			buf_printf(&rs->body, ";%s;%s;%s;%s;%s;%s;", m,
			    voucher_amount_type_name(x->amount_type),
			    voucher_type_name(x->type),
			    voucher_kind_name(x->kind),
			    voucher_state_name(x->state), until);
			csv_field(&rs->body, x->charge_id);
			buf_append_str(&rs->body, "\r\n");
			rows++;
		}
		memcpy(after, batch[n - 1].code, sizeof(after));
	}
	free(batch);
	if (st != WS_OK) {
		trouble(e, rs, st, "charge.csv");
		return;
	}
	if (rows == 0) {
		page_text(rs, "404 Not Found", "Diese Charge hat keine Codes.");
		return;
	}
	snprintf(rs->status, sizeof(rs->status), "200 OK");
	rs->content_type = "text/csv; charset=utf-8";
	buf_printf(&rs->headers, "Content-Disposition: attachment; "
	    "filename=\"charge-%s.csv\"\r\n", id);
}

/* --- actions ----------------------------------------------------------------- */

static void
say(char *dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(char *dst, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, MSG_MAX, fmt, ap);
	va_end(ap);
}

static void
ctx_for(struct ops_ctx *ctx, const char *actor)
{
	ops_ctx_init(ctx);
	ctx->channel = 0;	/* the operator */
	ctx->actor = actor;
}

/* release / invalidate: back to the page the form came from */
static enum ws_status
act_code(struct shop_env *e, struct admin_session *s, const char *action,
    const struct form *f, const char *actor)
{
	const char *code = form_get_text(f, "code");
	const char *why = form_get_text(f, "reason");
	struct ops_result res;
	struct ops_ctx ctx;
	enum ws_status st;

	if (code == NULL || code[0] == '\0' ||
	    strlen(code) > VOUCHER_CODE_MAX) {
		say(s->error, "Kein Code angegeben.");
		return WS_OK;
	}
	ctx_for(&ctx, actor);
	if (strcmp(action, "release") == 0) {
		st = ops_release(e->store, code, &ctx, &res);
		if (st == WS_OK && res.reason != 0)
			say(s->error, "%s: nicht freigegeben (Grund %u).", code,
			    res.reason);
		else if (st == WS_OK)
			say(s->message, "%s ist freigegeben.", code);
		return st;
	}
	if (why == NULL || why[0] == '\0' || strlen(why) > VOUCHER_REASON_MAX) {
		say(s->error, "Bitte einen Grund (bis %d Zeichen) angeben.",
		    VOUCHER_REASON_MAX);
		return WS_OK;
	}
	st = ops_invalidate(e->store, code, &ctx, why, &res);
	if (st == WS_OK && res.reason != 0)
		say(s->error, "%s: nicht ungültig gemacht (Grund %u).", code,
		    res.reason);
	else if (st == WS_OK)
		say(s->message, "%s ist ungültig.", code);
	return st;
}

/* A day of the form ("2027-12-31" or "31.12.2027") in the shop's zone. */
static bool
form_day(const char *v, bool end_of_day, int64_t *out)
{
	char iso[16];

	if (strlen(v) == 10 && v[2] == '.' && v[5] == '.') {
		snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2s", v + 6, v + 3, v);
		v = iso;
	}
	return tz_parse_date(v, strlen(v), end_of_day, out) == WS_OK;
}

/* The fields of the charge form are the generator's options (the
 * `wsvoucher charge create` ones); charge_create checks the whole. */
static enum ws_status
act_charge(struct shop_env *e, struct admin_session *s, const struct form *f,
    const char *actor)
{
	const char *count = form_get_text(f, "count");
	const char *amount = form_get_text(f, "amount");
	const char *atype = form_get_text(f, "amount_type");
	const char *kind = form_get_text(f, "kind");
	const char *type = form_get_text(f, "type");
	const char *from = form_get_text(f, "valid_from");
	const char *until = form_get_text(f, "valid_until");
	const char *min = form_get_text(f, "min_order");
	const char *maxr = form_get_text(f, "max_redemptions");
	const char *chan = form_get_text(f, "channels");
	const char *label = form_get_text(f, "label");
	struct charge_request req;
	struct charge ch;
	struct buf err = BUF_INIT;
	int64_t n, m;
	enum ws_status st;

	memset(&req, 0, sizeof(req));
	voucher_init(&req.proto);
	memcpy(req.proto.currency, e->conf->currency, 4);
	req.creator = actor;
	req.label = label != NULL ? label : "";
	if (count == NULL || num_parse_i64(count, strlen(count), 1,
	    WEB_CHARGE_MAX, &n) != WS_OK) {
		say(s->error, "Anzahl: 1 bis %d Codes.", WEB_CHARGE_MAX);
		return WS_OK;
	}
	req.count = (uint64_t)n;
	if (atype != NULL && strcmp(atype, "percent") == 0) {
		req.proto.amount_type = VOUCHER_AMOUNT_PERCENT;
		if (amount == NULL || num_parse_percent(amount, strlen(amount),
		    &req.proto.amount) != WS_OK || req.proto.amount <= 0) {
			say(s->error, "Prozent: über 0 bis 100, z. B. 10 oder "
			    "12,5.");
			return WS_OK;
		}
	} else if (atype == NULL || strcmp(atype, "absolute") == 0) {
		req.proto.amount_type = VOUCHER_AMOUNT_ABSOLUTE;
		if (amount == NULL || num_parse_money(amount, strlen(amount),
		    &req.proto.amount) != WS_OK || req.proto.amount <= 0) {
			say(s->error, "Betrag: z. B. 25,00.");
			return WS_OK;
		}
	} else {
		say(s->error, "Betragsart: Betrag oder Prozent.");
		return WS_OK;
	}
	if (kind == NULL || voucher_kind_parse(kind, strlen(kind),
	    &req.proto.kind) != WS_OK) {
		say(s->error, "Art: promo oder value.");
		return WS_OK;
	}
	if (type == NULL || voucher_type_parse(type, strlen(type),
	    &req.proto.type) != WS_OK) {
		say(s->error, "Unbekannter Gutscheintyp.");
		return WS_OK;
	}
	if (voucher_has_balance(&req.proto))
		req.proto.balance = req.proto.amount;
	/* from the first second of that day, through its last */
	if (from != NULL && from[0] != '\0' &&
	    !form_day(from, false, &req.proto.valid_from)) {
		say(s->error, "Gültig ab: ein Datum wie 01.01.2027.");
		return WS_OK;
	}
	if (until != NULL && until[0] != '\0' &&
	    !form_day(until, true, &req.proto.valid_until)) {
		say(s->error, "Gültig bis: ein Datum wie 31.12.2027.");
		return WS_OK;
	}
	if (req.proto.valid_until != 0 && req.proto.valid_until < clock_now()) {
		say(s->error, "Gültig bis: das Datum ist vorbei.");
		return WS_OK;
	}
	if (min != NULL && min[0] != '\0' && (num_parse_money(min,
	    strlen(min), &req.proto.min_order) != WS_OK ||
	    req.proto.min_order < 0)) {
		say(s->error, "Mindestbestellwert: z. B. 50,00.");
		return WS_OK;
	}
	if (maxr != NULL && maxr[0] != '\0') {
		if (num_parse_i64(maxr, strlen(maxr), 0, 1000000000, &m) !=
		    WS_OK) {
			say(s->error, "Höchstzahl Einlösungen: 0 (unbegrenzt) "
			    "bis 1000000000.");
			return WS_OK;
		}
		req.proto.max_redemptions = (uint32_t)m;
	}
	if (chan != NULL && chan[0] != '\0') {
		if (strcmp(chan, "all") == 0)
			req.proto.channels = VOUCHER_CHANNEL_ALL;
		else if (strcmp(chan, "web") == 0)
			req.proto.channels = VOUCHER_CHANNEL_WEB;
		else if (strcmp(chan, "pos") == 0)
			req.proto.channels = VOUCHER_CHANNEL_POS;
		else {
			say(s->error, "Kanäle: all, web oder pos.");
			return WS_OK;
		}
	}
	if (strlen(req.label) > VOUCHER_LABEL_MAX) {
		say(s->error, "Bezeichnung: bis %d Zeichen.",
		    VOUCHER_LABEL_MAX);
		return WS_OK;
	}
	st = charge_create(e->store, e->codegen, &req, NULL, NULL, NULL, &ch,
	    &err);
	if (st == WS_ERR_INVALID) {
		say(s->error, "Nicht angelegt: %s", buf_cstr(&err));
		st = WS_OK;
	} else if (st == WS_OK) {
		say(s->message, "Charge %s mit %llu Codes angelegt.", ch.id,
		    (unsigned long long)ch.count);
		snprintf(s->charge, sizeof(s->charge), "%s", ch.id);
	}
	buf_free(&err);
	return st;
}

/* "admin_code.htm?code=..." with the code percent-encoded */
static void
code_url(char *out, size_t size, const char *code)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o;

	o = (size_t)snprintf(out, size, "admin_code.htm?code=");
	for (; *code != '\0' && o + 4 < size; code++) {
		unsigned char c = (unsigned char)*code;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.') {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

static void
post(struct shop_env *e, const struct http_request *rq,
    struct http_response *rs, struct admin_session *s, bool found,
    const struct admin_account *op)
{
	struct form f, q;
	char token[65], actor[VOUCHER_ACTOR_MAX + 1], old[SESSION_ID_LEN + 1];
	const char *tok, *action, *to = rq->page;
	char back[32 + 3 * VOUCHER_CODE_MAX];
	const struct tmpl *page;
	bool fresh = !found, rotated = false;
	size_t toklen;
	enum ws_status st = WS_OK;

	form_init(&f);
	form_init(&q);
	if (rq->content_type == NULL || strncasecmp(rq->content_type,
	    "application/x-www-form-urlencoded", 33) != 0 ||
	    form_parse(&f, rq->body != NULL ? rq->body : "", rq->body_len) !=
	    WS_OK || (rq->query != NULL &&
	    form_parse(&q, rq->query, strlen(rq->query)) != WS_OK)) {
		page_text(rs, "400 Bad Request", "Die Anfrage ist ungültig.");
		goto out;
	}
	action = form_get_text(&q, "action");
	/* an action answers with its page: one that exists */
	if (page_get(e, rq, rs, &page) != WS_OK)
		goto out;
	csrf_of(e, s->id, token);
	tok = form_get(&f, "csrf", &toklen);
	if (!found || tok == NULL || toklen != 64 ||
	    !hex_equal_ct(tok, token, 64)) {
		page_text(rs, "403 Forbidden", "Das Formular ist abgelaufen. "
		    "Bitte laden Sie die Seite neu.");
		goto out;
	}
	if (action == NULL) {
		page_text(rs, "400 Bad Request", "Welche Aktion?");
		goto out;
	}
	if (strcmp(action, "login") == 0) {
		const char *login = form_get_text(&f, "login");
		const char *pw = form_get_text(&f, "password");
		const struct admin_account *a = login != NULL ?
		    shopconf_admin(e->shop, login) : NULL;
		uint64_t fails = 0;

		/* guessing is slow (yescrypt) and limited per address */
		st = shop_failures(e, "al:", rq->remote_addr, false, &fails);
		if (st != WS_OK) {
			trouble(e, rs, st, "login");
			goto out;
		}
		if (fails >= e->conf->attempts_per_address) {
			e->log("admin login from %s: locked out after %llu "
			    "failures", rq->remote_addr != NULL ?
			    rq->remote_addr : "?", (unsigned long long)fails);
			say(s->error, "Zu viele Fehlversuche von dieser "
			    "Adresse. Bitte später noch einmal.");
			to = "admin_login.htm";
		} else if (!passwd_check(a != NULL ? a->hash : NULL,
		    pw != NULL ? pw : "")) {
			(void)shop_failures(e, "al:", rq->remote_addr, true,
			    &fails);
			e->log("admin login %s from %s refused",
			    login != NULL ? login : "?", rq->remote_addr != NULL ?
			    rq->remote_addr : "?");
			say(s->error, "Anmeldung fehlgeschlagen.");
			to = "admin_login.htm";
		} else {
			/* a new id for the new privilege (no fixation) */
			memcpy(old, s->id, sizeof(old));
			st = session_random_id(s->id);
			rotated = true;
			snprintf(s->login, sizeof(s->login), "%s", a->login);
			s->created = clock_now();
			e->log("admin login %s from %s", a->login,
			    rq->remote_addr != NULL ? rq->remote_addr : "?");
			to = "admin_search.htm";
		}
	} else if (op == NULL) {
		to = "admin_login.htm";
	} else if (strcmp(action, "logout") == 0) {
		e->log("admin logout %s", s->login);
		s->login[0] = '\0';
		say(s->message, "Abgemeldet.");
		to = "admin_login.htm";
	} else if (strcmp(action, "release") == 0 ||
	    strcmp(action, "invalidate") == 0) {
		snprintf(actor, sizeof(actor), "admin:%s", op->login);
		st = act_code(e, s, action, &f, actor);
		/* from a code's page: back to that code */
		if (strcmp(rq->page, "admin_code.htm") == 0 &&
		    form_get_text(&f, "code") != NULL) {
			code_url(back, sizeof(back), form_get_text(&f, "code"));
			to = back;
		}
	} else if (strcmp(action, "charge") == 0) {
		snprintf(actor, sizeof(actor), "admin:%s", op->login);
		st = act_charge(e, s, &f, actor);
		to = "admin_charge.htm";
	} else {
		page_text(rs, "400 Bad Request", "Diese Aktion gibt es nicht.");
		goto out;
	}
	if (st != WS_OK) {
		trouble(e, rs, st, action);
		goto out;
	}
	st = sess_save(e, s, fresh || rotated, rotated ? old : NULL);
	if (st != WS_OK) {
		trouble(e, rs, st, "session");
		goto out;
	}
	if (rotated)
		set_cookie(rs, rq, s->id);
	redirect(rs, to);
out:
	form_free(&f);
	form_free(&q);
}

static bool
admin_page_name(const char *page)
{
	return strncmp(page, "admin_", 6) == 0;
}

/*
 * The pages' one stylesheet (templates/admin_style.htm), for everyone: the
 * login page needs it before anyone is logged in, and it holds no data.
 */
static void
stylesheet(struct shop_env *e, const struct http_request *rq,
    struct http_response *rs)
{
	struct http_request css = *rq;
	struct tmpl_data data;
	const struct tmpl *t;
	struct buf err = BUF_INIT;

	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
		page_text(rs, "405 Method Not Allowed", "GET, bitte.");
		buf_append_str(&rs->headers, "Allow: GET, HEAD\r\n");
		return;
	}
	css.page = "admin_style.htm";
	if (page_get(e, &css, rs, &t) != WS_OK)
		return;
	memset(&data, 0, sizeof(data));
	data.conf = e->conf;
	buf_reset(&rs->body);
	if (tmpl_render(t, &data, &rs->body, &err) != WS_OK) {
		e->log("admin admin_style.htm: %s", buf_cstr(&err));
		buf_reset(&rs->body);
		page_text(rs, "500 Internal Server Error", "Die Seite kann "
		    "gerade nicht angezeigt werden.");
	} else {
		snprintf(rs->status, sizeof(rs->status), "200 OK");
		rs->content_type = "text/css; charset=utf-8";
	}
	buf_free(&err);
}

void
admin_handle(struct shop_env *e, const struct http_request *rq,
    struct http_response *rs)
{
	struct admin_session s;
	const struct admin_account *op = NULL;
	bool found;
	enum ws_status st;

	if (strcmp(rq->page, "admin.css") == 0) {
		stylesheet(e, rq, rs);
		return;
	}
	if (strcmp(rq->page, "charge.csv") != 0 && !admin_page_name(rq->page)) {
		if (rq->page[0] == '\0') {
			redirect(rs, "/admin/admin_search.htm");
			return;
		}
		page_text(rs, "404 Not Found", "Diese Seite gibt es nicht.");
		return;
	}
	st = sess_load(e, rq, &s, &found);
	if (st != WS_OK) {
		trouble(e, rs, st, "session");
		return;
	}
	if (found && s.login[0] != '\0')
		op = shopconf_admin(e->shop, s.login);
	if (strcmp(rq->method, "POST") == 0) {
		post(e, rq, rs, &s, found, op);
	} else if (strcmp(rq->method, "GET") != 0 &&
	    strcmp(rq->method, "HEAD") != 0) {
		page_text(rs, "405 Method Not Allowed", "GET oder POST, "
		    "bitte.");
		buf_append_str(&rs->headers, "Allow: GET, HEAD, POST\r\n");
	} else if (strcmp(rq->page, "charge.csv") == 0) {
		if (op == NULL)
			redirect(rs, "admin_login.htm");
		else
			charge_csv(e, rq, rs);
	} else {
		render(e, rq, rs, &s, found, op);
	}
}

/* --- housekeeping ------------------------------------------------------------- */

static bool
admin_session_old(const void *data, size_t len, int64_t now, void *arg)
{
	struct admin_session s;

	(void)arg;
	memset(&s, 0, sizeof(s));
	return !sess_decode(data, len, &s) || !sess_alive(&s, now);
}

enum ws_status
admin_expire_sessions(struct store *s, int64_t now, uint64_t *n)
{
	return kv_expire(s, "as:", admin_session_old, NULL, now, n);
}
