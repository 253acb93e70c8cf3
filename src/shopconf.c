/*
 * shopconf.c - the <Shop-Checkout>, <Shop-Products> and <Shop-Customers>
 * sections of shop.config (see shopconf.h and shop.config(5)).
 *
 * conf.c has already checked the syntax of the whole file; this reads the
 * three sections' lines and types their values.  Every problem is
 * reported with the line it is on; nothing is returned unless all is good.
 */
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "num.h"
#include "shopconf.h"

#define SEC_CHECKOUT	"Shop-Checkout"
#define SEC_PRODUCTS	"Shop-Products"
#define SEC_CUSTOMERS	"Shop-Customers"
#define SEC_API		"Voucher-API"
#define SEC_ADMIN	"Voucher-Admin"
#define FIELDS_MAX	6

enum checkout_key {
	CK_SHIPPING,
	CK_TIERS,
	CK_SHIPPING_VAT,
	CK_PAYMENTS,
	CK_SECRET,
	CK_MAIL_SPOOL,
	CK_MAIL_COMMAND,
	CK_MAIL_FROM,
	CK_SESSION_HOURS,
	CK_REQUEST_MAX,
	CK__MAX
};

static const char *const checkout_keys[CK__MAX] = {
	[CK_SHIPPING] = "Shipping",
	[CK_TIERS] = "Shipping-Tiers",
	[CK_SHIPPING_VAT] = "Shipping-VAT",
	[CK_PAYMENTS] = "PaymentMethods",
	[CK_SECRET] = "Payment-Secret",
	[CK_MAIL_SPOOL] = "Mail-Spool",
	[CK_MAIL_COMMAND] = "Mail-Command",
	[CK_MAIL_FROM] = "Mail-From",
	[CK_SESSION_HOURS] = "Session-Hours",
	[CK_REQUEST_MAX] = "Request-MaxBytes",
};

/* Labels of the payment methods shops commonly offer. */
static const struct {
	const char	*name;
	const char	*label;
} payment_labels[] = {
	{ "invoice", "Rechnung" },
	{ "prepayment", "Vorkasse" },
	{ "paypal", "PayPal" },
	{ "creditcard", "Kreditkarte" },
	{ "directdebit", "Lastschrift" },
	{ "cod", "Nachnahme" },
	{ "sofort", "Sofortüberweisung" },
};

struct shop_parser {
	const char			*path;
	struct diags			*d;
	const struct voucher_conf	*vc;
	struct shop_conf		*s;
	unsigned			 seen[CK__MAX];
	unsigned			 api_seen[3];	/* <Voucher-API> */
	unsigned			 nerr;
	unsigned			 checkout_line;
};

struct field {
	const char	*s;
	size_t		 n;
};

static void	perr(struct shop_parser *, unsigned, const char *,
		    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
perr(struct shop_parser *p, unsigned line, const char *field,
    const char *fmt, ...)
{
	char text[DIAG_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	diags_add(p->d, p->path, line, 0, field, "%s", text);
	p->nerr++;
}

static bool
ieq(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Splits "a | b | c" into at most max trimmed fields; count in *n. */
static bool
split_bar(const char *s, size_t len, struct field *f, size_t max, size_t *n)
{
	const char *bar;

	*n = 0;
	for (;;) {
		if (*n == max)
			return false;
		bar = memchr(s, '|', len);
		f[*n].s = s;
		f[*n].n = bar != NULL ? (size_t)(bar - s) : len;
		trim(&f[*n].s, &f[*n].n);
		(*n)++;
		if (bar == NULL)
			return true;
		len -= (size_t)(bar - s) + 1;
		s = bar + 1;
	}
}

/*
 * Next item of a list: items are separated by ';' or by a ',' followed
 * by a space or a letter, so "invoice, cod:5,00" and "25,00:3,00; 60,00:0"
 * keep their decimal commas.
 */
static bool
next_item(const char **s, size_t *len, struct field *item)
{
	size_t i;

	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	if (*len == 0)
		return false;
	for (i = 0; i < *len; i++) {
		char c = (*s)[i];

		if (c == ';')
			break;
		if (c == ',' && i + 1 < *len && ((*s)[i + 1] == ' ' ||
		    ((*s)[i + 1] >= 'a' && (*s)[i + 1] <= 'z') ||
		    ((*s)[i + 1] >= 'A' && (*s)[i + 1] <= 'Z')))
			break;
	}
	item->s = *s;
	item->n = i;
	trim(&item->s, &item->n);
	*s += i < *len ? i + 1 : i;
	*len -= i < *len ? i + 1 : i;
	return true;
}

/* 1 to max of a-z, 0-9, - and _: product ids, logins, client names */
static bool
name_ok(const char *s, size_t n, size_t max)
{
	size_t i;

	if (n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '_'))
			return false;
	return true;
}

static bool
id_ok(const char *s, size_t n)
{
	return name_ok(s, n, SHOP_ID_MAX);
}

static void
copy(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static bool
parse_vat(const char *s, size_t n, unsigned *bp)
{
	int64_t v;

	/* "19", "19 %" or "19%" */
	if (n > 0 && s[n - 1] == '%') {
		n--;
		while (n > 0 && s[n - 1] == ' ')
			n--;
	}
	if (n == 1 && s[0] == '0') {
		*bp = 0;
		return true;
	}
	if (num_parse_percent(s, n, &v) != WS_OK || v > 5000)
		return false;
	*bp = (unsigned)v;
	return true;
}

/* --- <Shop-Checkout> --------------------------------------------------------- */

static bool
money_ok(const char *v, size_t n, int64_t *out)
{
	return num_parse_money(v, n, out) == WS_OK && *out >= 0 &&
	    *out <= 100000000;
}

static void
set_tiers(struct shop_parser *p, unsigned line, const char *v, size_t n)
{
	struct field it;
	const char *colon;
	int64_t from, cost;

	p->s->ntiers = 0;
	while (next_item(&v, &n, &it)) {
		colon = memchr(it.s, ':', it.n);
		if (colon == NULL || !money_ok(it.s, (size_t)(colon - it.s),
		    &from) || !money_ok(colon + 1, it.n - (size_t)(colon -
		    it.s) - 1, &cost)) {
			perr(p, line, "Shipping-Tiers", "\"%.*s\" is not "
			    "FROM:COST (e.g. 25,00:3,00)", (int)it.n, it.s);
			return;
		}
		if (p->s->ntiers == SHOP_TIERS_MAX) {
			perr(p, line, "Shipping-Tiers", "at most %d tiers",
			    SHOP_TIERS_MAX);
			return;
		}
		if (p->s->ntiers > 0 &&
		    from <= p->s->tiers[p->s->ntiers - 1].from) {
			perr(p, line, "Shipping-Tiers", "tiers must be in "
			    "ascending order of their goods total");
			return;
		}
		p->s->tiers[p->s->ntiers].from = from;
		p->s->tiers[p->s->ntiers].cost = cost;
		p->s->ntiers++;
	}
}

static bool
gift_method(const struct voucher_conf *vc, const char *name)
{
	unsigned i;

	for (i = 0; i < vc->gift_payment_n; i++)
		if (strcmp(vc->gift_payment[i], name) == 0)
			return true;
	return false;
}

static void
set_payments(struct shop_parser *p, unsigned line, const char *v, size_t n)
{
	struct field it;
	struct payment_method *m;
	const char *colon;
	size_t nn, i;
	unsigned j;

	p->s->npay = 0;
	while (next_item(&v, &n, &it)) {
		colon = memchr(it.s, ':', it.n);
		nn = colon != NULL ? (size_t)(colon - it.s) : it.n;
		if (!id_ok(it.s, nn)) {
			perr(p, line, "PaymentMethods", "\"%.*s\": a payment "
			    "method is a lower-case name such as invoice or "
			    "paypal, optionally :FEE", (int)it.n, it.s);
			return;
		}
		if (p->s->npay == SHOP_PAYMENTS_MAX) {
			perr(p, line, "PaymentMethods", "at most %d methods",
			    SHOP_PAYMENTS_MAX);
			return;
		}
		m = &p->s->pay[p->s->npay];
		memset(m, 0, sizeof(*m));
		copy(m->name, sizeof(m->name), it.s, nn);
		for (j = 0; j < p->s->npay; j++)
			if (strcmp(p->s->pay[j].name, m->name) == 0) {
				perr(p, line, "PaymentMethods", "%s is listed "
				    "twice", m->name);
				return;
			}
		if (colon != NULL && !money_ok(colon + 1, it.n - nn - 1,
		    &m->fee)) {
			perr(p, line, "PaymentMethods", "%s: bad fee \"%.*s\"",
			    m->name, (int)(it.n - nn - 1), colon + 1);
			return;
		}
		copy(m->label, sizeof(m->label), m->name, strlen(m->name));
		for (i = 0; i < sizeof(payment_labels) /
		    sizeof(payment_labels[0]); i++)
			if (strcmp(payment_labels[i].name, m->name) == 0)
				copy(m->label, sizeof(m->label),
				    payment_labels[i].label,
				    strlen(payment_labels[i].label));
		m->online = gift_method(p->vc, m->name);
		p->s->npay++;
	}
	if (p->s->npay == 0)
		perr(p, line, "PaymentMethods", "name at least one method");
}

static void
set_path(struct shop_parser *p, unsigned line, const char *key,
    const char *v, size_t n, char *dst, size_t size)
{
	if (n >= size) {
		perr(p, line, key, "longer than %zu bytes", size - 1);
		return;
	}
	if (n > 0 && v[0] != '/') {
		perr(p, line, key, "give an absolute path (starting with /)");
		return;
	}
	copy(dst, size, v, n);
}

static void
set_uint(struct shop_parser *p, unsigned line, const char *key,
    const char *v, size_t n, int64_t min, int64_t max, unsigned *out)
{
	int64_t x;

	if (num_parse_i64(v, n, min, max, &x) != WS_OK) {
		perr(p, line, key, "\"%.*s\" is not a whole number from %lld "
		    "to %lld", (int)(n > 40 ? 40 : n), v, (long long)min,
		    (long long)max);
		return;
	}
	*out = (unsigned)x;
}

/* --- <Voucher-API> --------------------------------------------------------- */

static const char *const api_op_names[API_OP__MAX] = {
	[API_CHECK] = "check",
	[API_RESERVE] = "reserve",
	[API_REDEEM] = "redeem",
	[API_CANCEL] = "cancel",
	[API_TOPUP] = "topup",
	[API_INVALIDATE] = "invalidate",
	[API_LEDGER] = "ledger",
	[API_IMPORT] = "import",
};

const char *
api_op_name(enum api_op op)
{
	return (unsigned)op < API_OP__MAX ? api_op_names[op] : NULL;
}

static bool
api_name_ok(const char *s, size_t n)
{
	return name_ok(s, n, API_CLIENT_MAX);
}

/* "pos-1 = sha256:HEX | check, reserve, redeem" */
static void
api_client_pair(struct shop_parser *p, unsigned line, const char *k,
    size_t kn, const char *v, size_t vn)
{
	struct api_conf *a = &p->s->api;
	struct api_client *c;
	struct field f[FIELDS_MAX], it;
	const char *ls;
	size_t n, ln, i;
	unsigned op, seen_err = p->nerr;

	if (!api_name_ok(k, kn)) {
		perr(p, line, "", "API client \"%.*s\": a name of 1 to %d "
		    "characters a-z, 0-9, - and _", (int)(kn > 40 ? 40 : kn),
		    k, API_CLIENT_MAX);
		return;
	}
	if (a->nclients == API_CLIENTS_MAX) {
		perr(p, line, "", "at most %d API clients", API_CLIENTS_MAX);
		return;
	}
	c = &a->clients[a->nclients];
	memset(c, 0, sizeof(*c));
	copy(c->name, sizeof(c->name), k, kn);
	if (shopconf_api_client(p->s, c->name) != NULL) {
		perr(p, line, c->name, "API client listed twice");
		return;
	}
	if (!split_bar(v, vn, f, FIELDS_MAX, &n) || n != 2) {
		perr(p, line, c->name, "write: sha256:KEYHASH | operations "
		    "(wsvoucher apikey makes both)");
		return;
	}
	if (f[0].n != 7 + API_KEY_HEX || strncmp(f[0].s, "sha256:", 7) != 0) {
		perr(p, line, c->name, "the key is given as sha256: and the 64 "
		    "hex digits of its SHA-256 (wsvoucher apikey makes it)");
		return;
	}
	for (i = 0; i < API_KEY_HEX; i++) {
		char h = f[0].s[7 + i];

		if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
		    (h >= 'A' && h <= 'F'))) {
			perr(p, line, c->name, "the key hash holds a "
			    "character that is not a hex digit");
			return;
		}
		c->key_sha256[i] = (char)(h >= 'A' && h <= 'F' ? h - 'A' +
		    'a' : h);
	}
	ls = f[1].s;
	ln = f[1].n;
	while (next_item(&ls, &ln, &it)) {
		if (ieq(it.s, it.n, "all")) {
			c->ops = (1u << API_OP__MAX) - 1;
			continue;
		}
		for (op = 0; op < API_OP__MAX; op++)
			if (ieq(it.s, it.n, api_op_names[op]))
				break;
		if (op == API_OP__MAX) {
			perr(p, line, c->name, "unknown operation \"%.*s\"; "
			    "known: check, reserve, redeem, cancel, topup, "
			    "invalidate, ledger, import, all",
			    (int)(it.n > 40 ? 40 : it.n), it.s);
			continue;
		}
		c->ops |= 1u << op;
	}
	if (c->ops == 0 && p->nerr == seen_err)
		perr(p, line, c->name, "give the operations this client may "
		    "call");
	if (p->nerr == seen_err)
		a->nclients++;
}

static void
api_pair(void *arg, unsigned line, const char *k, size_t kn, const char *v,
    size_t vn)
{
	static const char *const keys[] = { "Hold-Minutes",
	    "RequestIds-Hours", "Import-MaxBytes" };
	struct shop_parser *p = arg;
	struct api_conf *a = &p->s->api;
	unsigned i;

	for (i = 0; i < 3; i++)
		if (ieq(k, kn, keys[i])) {
			if (p->api_seen[i] != 0) {
				perr(p, line, keys[i], "given twice (first "
				    "on line %u)", p->api_seen[i]);
				return;
			}
			p->api_seen[i] = line;
		}
	if (ieq(k, kn, "Hold-Minutes"))
		set_uint(p, line, "Hold-Minutes", v, vn, 1, 1440,
		    &a->hold_minutes);
	else if (ieq(k, kn, "RequestIds-Hours"))
		set_uint(p, line, "RequestIds-Hours", v, vn, 24, 720,
		    &a->ids_hours);
	else if (ieq(k, kn, "Import-MaxBytes"))
		set_uint(p, line, "Import-MaxBytes", v, vn, 1024, 16777216,
		    &a->import_max_bytes);
	else
		api_client_pair(p, line, k, kn, v, vn);
}

const struct api_client *
shopconf_api_client(const struct shop_conf *s, const char *name)
{
	unsigned i;

	for (i = 0; i < s->api.nclients; i++)
		if (strcmp(s->api.clients[i].name, name) == 0)
			return &s->api.clients[i];
	return NULL;
}

/* --- <Voucher-Admin>: "login = HASH | name" --------------------------------- */

const struct admin_account *
shopconf_admin(const struct shop_conf *s, const char *login)
{
	unsigned i;

	for (i = 0; i < s->nadmins; i++)
		if (strcmp(s->admins[i].login, login) == 0)
			return &s->admins[i];
	return NULL;
}

static void
admin_pair(void *arg, unsigned line, const char *k, size_t kn, const char *v,
    size_t vn)
{
	struct shop_parser *p = arg;
	struct admin_account *a;
	struct field f[FIELDS_MAX];
	size_t n;

	if (!id_ok(k, kn)) {
		perr(p, line, "", "operator \"%.*s\": a login of 1 to %d "
		    "characters a-z, 0-9, - and _", (int)(kn > 40 ? 40 : kn), k,
		    SHOP_ID_MAX);
		return;
	}
	if (p->s->nadmins == ADMIN_ACCOUNTS_MAX) {
		perr(p, line, "", "at most %d operators", ADMIN_ACCOUNTS_MAX);
		return;
	}
	a = &p->s->admins[p->s->nadmins];
	memset(a, 0, sizeof(*a));
	copy(a->login, sizeof(a->login), k, kn);
	if (shopconf_admin(p->s, a->login) != NULL) {
		perr(p, line, a->login, "operator listed twice");
		return;
	}
	if (!split_bar(v, vn, f, FIELDS_MAX, &n) || n != 2) {
		perr(p, line, a->login, "write: password hash | name");
		return;
	}
	if (f[0].n < 13 || f[0].n > SHOP_HASH_MAX || f[0].s[0] != '$') {
		perr(p, line, a->login, "not a password hash; make one with "
		    "`wsvoucher passwd`");
		return;
	}
	if (f[1].n == 0 || f[1].n > SHOP_NAME_MAX) {
		perr(p, line, a->login, "a name of 1 to %d bytes",
		    SHOP_NAME_MAX);
		return;
	}
	copy(a->hash, sizeof(a->hash), f[0].s, f[0].n);
	copy(a->name, sizeof(a->name), f[1].s, f[1].n);
	p->s->nadmins++;
}

static void
checkout_pair(void *arg, unsigned line, const char *k, size_t kn,
    const char *v, size_t vn)
{
	struct shop_parser *p = arg;
	struct shop_conf *s = p->s;
	unsigned i;

	if (p->checkout_line == 0)
		p->checkout_line = line;
	for (i = 0; i < CK__MAX; i++)
		if (ieq(k, kn, checkout_keys[i]))
			break;
	if (i == CK__MAX) {
		perr(p, line, "", "unknown key \"%.*s\" in <%s>; the keys "
		    "are listed in shop.config(5)", (int)(kn > 40 ? 40 : kn),
		    k, SEC_CHECKOUT);
		return;
	}
	if (p->seen[i] != 0) {
		perr(p, line, checkout_keys[i], "set twice: first set at line "
		    "%u", p->seen[i]);
		return;
	}
	p->seen[i] = line;
	switch ((enum checkout_key)i) {
	case CK_SHIPPING:
		if (!money_ok(v, vn, &s->shipping))
			perr(p, line, checkout_keys[i], "\"%.*s\" is not an "
			    "amount such as 4,90", (int)(vn > 40 ? 40 : vn), v);
		break;
	case CK_TIERS:
		set_tiers(p, line, v, vn);
		break;
	case CK_SHIPPING_VAT:
		if (!parse_vat(v, vn, &s->shipping_vat_bp))
			perr(p, line, checkout_keys[i], "a VAT rate such as "
			    "19 or 7 (percent)");
		break;
	case CK_PAYMENTS:
		set_payments(p, line, v, vn);
		break;
	case CK_SECRET:
		if (vn < SHOP_SECRET_MIN || vn > SHOP_SECRET_MAX)
			perr(p, line, checkout_keys[i], "%d to %d characters "
			    "(it signs the payment provider's callbacks)",
			    SHOP_SECRET_MIN, SHOP_SECRET_MAX);
		else
			copy(s->secret, sizeof(s->secret), v, vn);
		break;
	case CK_MAIL_SPOOL:
		set_path(p, line, checkout_keys[i], v, vn, s->mail_spool,
		    sizeof(s->mail_spool));
		break;
	case CK_MAIL_COMMAND:
		set_path(p, line, checkout_keys[i], v, vn, s->mail_command,
		    sizeof(s->mail_command));
		break;
	case CK_MAIL_FROM:
		if (vn == 0 || vn > SHOP_NAME_MAX || memchr(v, '@', vn) == NULL)
			perr(p, line, checkout_keys[i], "a mail address");
		else
			copy(s->mail_from, sizeof(s->mail_from), v, vn);
		break;
	case CK_SESSION_HOURS:
		set_uint(p, line, checkout_keys[i], v, vn, 1, 720,
		    &s->session_hours);
		break;
	case CK_REQUEST_MAX:
		set_uint(p, line, checkout_keys[i], v, vn, 1024, 1048576,
		    &s->request_max_bytes);
		break;
	case CK__MAX:
		break;
	}
}

/* --- <Shop-Products> --------------------------------------------------------- */

static void
product_pair(void *arg, unsigned line, const char *k, size_t kn,
    const char *v, size_t vn)
{
	struct shop_parser *p = arg;
	struct field f[FIELDS_MAX];
	struct product *pr;
	size_t n;

	if (!id_ok(k, kn)) {
		perr(p, line, "", "product id \"%.*s\": 1 to %d of a-z, 0-9, "
		    "'-' and '_'", (int)(kn > 40 ? 40 : kn), k, SHOP_ID_MAX);
		return;
	}
	if (p->s->nproducts == SHOP_PRODUCTS_MAX) {
		perr(p, line, "", "at most %d products", SHOP_PRODUCTS_MAX);
		return;
	}
	pr = &p->s->products[p->s->nproducts];
	memset(pr, 0, sizeof(*pr));
	copy(pr->id, sizeof(pr->id), k, kn);
	if (shopconf_product(p->s, pr->id) != NULL) {
		perr(p, line, pr->id, "product listed twice");
		return;
	}
	if (!split_bar(v, vn, f, FIELDS_MAX, &n) || n != 4) {
		perr(p, line, pr->id, "write: Price | VAT | eligible, "
		    "not-eligible or gift | Name");
		return;
	}
	if (!money_ok(f[0].s, f[0].n, &pr->price) || pr->price == 0) {
		perr(p, line, pr->id, "price \"%.*s\" is not an amount above "
		    "0 such as 12,90", (int)f[0].n, f[0].s);
		return;
	}
	if (!parse_vat(f[1].s, f[1].n, &pr->vat_bp)) {
		perr(p, line, pr->id, "VAT \"%.*s\": a rate such as 19 or 7",
		    (int)f[1].n, f[1].s);
		return;
	}
	if (ieq(f[2].s, f[2].n, "eligible"))
		pr->kind = PRODUCT_ELIGIBLE;
	else if (ieq(f[2].s, f[2].n, "not-eligible"))
		pr->kind = PRODUCT_NOT_ELIGIBLE;
	else if (ieq(f[2].s, f[2].n, "gift"))
		pr->kind = PRODUCT_GIFT;
	else {
		perr(p, line, pr->id, "\"%.*s\": eligible, not-eligible or "
		    "gift", (int)f[2].n, f[2].s);
		return;
	}
	if (f[3].n == 0 || f[3].n > SHOP_NAME_MAX) {
		perr(p, line, pr->id, "a name of 1 to %d bytes",
		    SHOP_NAME_MAX);
		return;
	}
	copy(pr->name, sizeof(pr->name), f[3].s, f[3].n);
	p->s->nproducts++;
}

/* --- <Shop-Customers> -------------------------------------------------------- */

static bool
login_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > SHOP_LOGIN_MAX)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == '|' || s[i] == 0x7f)
			return false;
	return true;
}

static void
customer_pair(void *arg, unsigned line, const char *k, size_t kn,
    const char *v, size_t vn)
{
	struct shop_parser *p = arg;
	struct field f[FIELDS_MAX], it;
	struct customer *c;
	const char *fs;
	size_t n, fn;
	unsigned prev = 0;

	if (!login_ok(k, kn)) {
		perr(p, line, "", "login \"%.*s\": 1 to %d characters, no "
		    "spaces", (int)(kn > 40 ? 40 : kn), k, SHOP_LOGIN_MAX);
		return;
	}
	{
		char mail[SHOP_LOGIN_MAX + 1];

		/* orders are confirmed to the login */
		copy(mail, sizeof(mail), k, kn);
		if (!mail_address_ok(mail)) {
			perr(p, line, "", "login \"%s\": the login is the "
			    "customer's mail address", mail);
			return;
		}
	}
	if (p->s->ncustomers == SHOP_CUSTOMERS_MAX) {
		perr(p, line, "", "at most %d customers", SHOP_CUSTOMERS_MAX);
		return;
	}
	c = &p->s->customers[p->s->ncustomers];
	memset(c, 0, sizeof(*c));
	copy(c->login, sizeof(c->login), k, kn);
	if (shopconf_customer(p->s, c->login) != NULL) {
		perr(p, line, c->login, "customer listed twice");
		return;
	}
	if (!split_bar(v, vn, f, FIELDS_MAX, &n) || n < 3 || n > 4) {
		perr(p, line, c->login, "write: password hash | previous "
		    "orders | name [| test, discount]");
		return;
	}
	/* crypt(3) hashes start with $id$ (yescrypt: $y$) */
	if (f[0].n < 13 || f[0].n > SHOP_HASH_MAX || f[0].s[0] != '$') {
		perr(p, line, c->login, "not a password hash; make one with "
		    "`wsvoucher passwd`");
		return;
	}
	copy(c->hash, sizeof(c->hash), f[0].s, f[0].n);
	set_uint(p, line, c->login, f[1].s, f[1].n, 0, 1000000, &prev);
	c->previous_orders = prev;
	if (f[2].n == 0 || f[2].n > SHOP_NAME_MAX) {
		perr(p, line, c->login, "a name of 1 to %d bytes",
		    SHOP_NAME_MAX);
		return;
	}
	copy(c->name, sizeof(c->name), f[2].s, f[2].n);
	if (n == 4) {
		fs = f[3].s;
		fn = f[3].n;
		while (next_item(&fs, &fn, &it)) {
			if (ieq(it.s, it.n, "test"))
				c->test = true;
			else if (ieq(it.s, it.n, "discount"))
				c->discount = true;
			else {
				perr(p, line, c->login, "flag \"%.*s\": test "
				    "or discount", (int)it.n, it.s);
				return;
			}
		}
	}
	p->s->ncustomers++;
}

/* --- interface ------------------------------------------------------------ */

static void
defaults(struct shop_conf *s)
{
	memset(s, 0, sizeof(*s));
	s->shipping_vat_bp = 1900;
	memcpy(s->pay[0].name, "invoice", 8);
	memcpy(s->pay[0].label, "Rechnung", 9);
	s->npay = 1;
	memcpy(s->mail_from, "shop@localhost", 15);
	s->session_hours = 48;
	s->request_max_bytes = 65536;
	s->api.hold_minutes = 15;
	s->api.ids_hours = 48;
	s->api.import_max_bytes = 1048576;
}

enum ws_status
shopconf_parse(const char *data, size_t len, const char *path,
    const struct voucher_conf *vc, struct shop_conf **out,
    struct diags *d)
{
	struct shop_parser p;
	unsigned i;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.path = path != NULL ? path : "";
	p.d = d;
	p.vc = vc;
	if ((p.s = malloc(sizeof(*p.s))) == NULL)
		return WS_ERR_NOMEM;
	defaults(p.s);
	for (i = 0; i < p.s->npay; i++)
		p.s->pay[i].online = gift_method(vc, p.s->pay[i].name);
	conf_each_pair(data, len, SEC_CHECKOUT, checkout_pair, &p);
	conf_each_pair(data, len, SEC_PRODUCTS, product_pair, &p);
	conf_each_pair(data, len, SEC_CUSTOMERS, customer_pair, &p);
	conf_each_pair(data, len, SEC_API, api_pair, &p);
	conf_each_pair(data, len, SEC_ADMIN, admin_pair, &p);
	if (p.nerr == 0 && shopconf_has_gift_products(p.s)) {
		bool online = false;

		for (i = 0; i < p.s->npay; i++)
			online = online || p.s->pay[i].online;
		if (p.s->secret[0] == '\0')
			perr(&p, p.checkout_line, "Payment-Secret", "gift "
			    "vouchers are for sale: set Payment-Secret in <%s> "
			    "(the payment provider signs its callbacks with "
			    "it)", SEC_CHECKOUT);
		if (p.s->mail_spool[0] == '\0' && p.s->mail_command[0] == '\0')
			perr(&p, p.checkout_line, "Mail-Spool", "gift vouchers "
			    "are for sale: set Mail-Spool or Mail-Command in "
			    "<%s> (the codes are sent by mail)", SEC_CHECKOUT);
		if (!online)
			perr(&p, p.seen[CK_PAYMENTS] != 0 ? p.seen[CK_PAYMENTS] :
			    p.checkout_line, "PaymentMethods", "gift "
			    "vouchers are for sale but no payment method is "
			    "in GiftVoucher-PaymentMethods of <Voucher-Txt>");
	}
	if (p.nerr > 0) {
		free(p.s);
		return WS_ERR_INVALID;
	}
	*out = p.s;
	return WS_OK;
}

enum ws_status
shopconf_load(const char *path, const struct voucher_conf *vc,
    struct shop_conf **out, struct diags *d)
{
	struct buf b = BUF_INIT;
	enum ws_status st;

	*out = NULL;
	st = conf_read_file(path, &b, d);
	if (st == WS_OK)
		st = shopconf_parse(buf_cstr(&b), b.len, path, vc, out, d);
	buf_free(&b);
	return st;
}

const struct product *
shopconf_product(const struct shop_conf *s, const char *id)
{
	unsigned i;

	for (i = 0; i < s->nproducts; i++)
		if (strcmp(s->products[i].id, id) == 0)
			return &s->products[i];
	return NULL;
}

const struct payment_method *
shopconf_payment(const struct shop_conf *s, const char *name)
{
	unsigned i;

	for (i = 0; i < s->npay; i++)
		if (strcmp(s->pay[i].name, name) == 0)
			return &s->pay[i];
	return NULL;
}

const struct customer *
shopconf_customer(const struct shop_conf *s, const char *login)
{
	unsigned i;

	for (i = 0; i < s->ncustomers; i++)
		if (strcmp(s->customers[i].login, login) == 0)
			return &s->customers[i];
	return NULL;
}

int64_t
shopconf_shipping(const struct shop_conf *s, int64_t goods)
{
	int64_t cost = s->shipping;
	unsigned i;

	for (i = 0; i < s->ntiers; i++)
		if (goods >= s->tiers[i].from)
			cost = s->tiers[i].cost;
	return cost;
}

bool
shopconf_has_gift_products(const struct shop_conf *s)
{
	unsigned i;

	for (i = 0; i < s->nproducts; i++)
		if (s->products[i].kind == PRODUCT_GIFT)
			return true;
	return false;
}
