/*
 * tags.c - the tag library: the one table of every tag (name, kind, scope,
 * accessor, documentation), lookup by name, the value formatting of the
 * shop's locale and the designer's reference doc/tags.md made from the
 * table.
 *
 * Accessors never fail: a value that is not there is TVAL_NONE.  Only
 * formatting can fail (memory, a date out of range); it then reports the
 * status and leaves the output buffer as it was.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "rules.h"
#include "tags.h"
#include "tz.h"

#define TAGS_ZONE_DEFAULT	"Europe/Berlin"
#define TAGS_INPUT_DEFAULT	"WS-VoucherNumber"

/* --- values ------------------------------------------------------------------ */

static void
val_none(struct tval *o)
{
	memset(o, 0, sizeof(*o));
	o->type = TVAL_NONE;
}

static void
val_bool(struct tval *o, bool b)
{
	memset(o, 0, sizeof(*o));
	o->type = TVAL_BOOL;
	o->i = b ? 1 : 0;
}

static void
val_int(struct tval *o, enum tval_type type, int64_t i)
{
	memset(o, 0, sizeof(*o));
	o->type = type;
	o->i = i;
}

static void
val_money(struct tval *o, int64_t cents, const char *currency)
{
	val_int(o, TVAL_MONEY, cents);
	o->currency = currency;
}

static void
val_text(struct tval *o, const char *s, size_t len)
{
	memset(o, 0, sizeof(*o));
	o->type = TVAL_TEXT;
	o->s = s;
	o->len = len;
}

/* Text of a fixed-size field; NUL-terminated by contract, bounded anyway. */
static void
val_field(struct tval *o, const char *field, size_t size)
{
	val_text(o, field, strnlen(field, size));
}

/* Text of a C string that may be NULL (then not set). */
static void
val_cstr(struct tval *o, const char *s)
{
	if (s == NULL)
		val_none(o);
	else
		val_text(o, s, strlen(s));
}

/* --- what an accessor sees ----------------------------------------------------- */

/* The config of the render, or the documented defaults when there is none. */
static const struct voucher_conf *
conf_or_default(const struct voucher_conf *c)
{
	static struct voucher_conf dflt;
	static bool done;

	if (c != NULL)
		return c;
	/* processes are single-threaded: a plain once-flag is enough */
	if (!done) {
		conf_defaults(&dflt);
		done = true;
	}
	return &dflt;
}

static const struct voucher_conf *
env_conf(const struct tag_env *e)
{
	return conf_or_default(e->data != NULL ? e->data->conf : NULL);
}

static const struct tmpl_basket *
env_basket(const struct tag_env *e)
{
	return e->data != NULL ? e->data->basket : NULL;
}

/* Currency of basket money: the basket's, else the shop's. */
static const char *
env_currency(const struct tag_env *e)
{
	const struct tmpl_basket *b = env_basket(e);

	return b != NULL ? b->currency : env_conf(e)->currency;
}

/* The voucher in scope if it exists, else NULL. */
static const struct tmpl_voucher *
env_voucher(const struct tag_env *e)
{
	return e->voucher != NULL && e->voucher->exists ? e->voucher : NULL;
}

/*
 * The legacy tags' voucher: the one in scope, else the first voucher of
 * the basket (classic shops have one voucher per order).
 */
static const struct tmpl_voucher *
env_legacy_voucher(const struct tag_env *e)
{
	const struct tmpl_voucher *tv = e->voucher;
	const struct tmpl_basket *b = env_basket(e);

	if (tv == NULL && b != NULL && b->nvouchers > 0 && b->vouchers != NULL)
		tv = &b->vouchers[0];
	return tv != NULL && tv->exists ? tv : NULL;
}

/* --- voucher fields (tv is never NULL here) ---------------------------------------- */

static void
vf_number(const struct tmpl_voucher *tv, struct tval *o)
{
	val_field(o, tv->v.code, sizeof(tv->v.code));
}

static void
vf_value(const struct tmpl_voucher *tv, struct tval *o)
{
	if (tv->v.amount_type == VOUCHER_AMOUNT_PERCENT)
		val_int(o, TVAL_PERCENT, tv->v.amount);
	else
		val_money(o, tv->v.amount, tv->v.currency);
}

static void
vf_balance(const struct tmpl_voucher *tv, struct tval *o)
{
	if (voucher_has_balance(&tv->v))
		val_money(o, tv->v.balance, tv->v.currency);
	else
		val_none(o);
}

static void
vf_deduction(const struct tmpl_voucher *tv, struct tval *o)
{
	if (tv->deduction != 0)
		val_money(o, tv->deduction, tv->v.currency);
	else
		val_none(o);
}

static void
vf_valid_until(const struct tmpl_voucher *tv, struct tval *o)
{
	if (tv->v.valid_until != 0)
		val_int(o, TVAL_DATE, tv->v.valid_until);
	else
		val_none(o);
}

static void
vf_valid_from(const struct tmpl_voucher *tv, struct tval *o)
{
	if (tv->v.valid_from != 0)
		val_int(o, TVAL_DATE, tv->v.valid_from);
	else
		val_none(o);
}

static void
vf_charge_id(const struct tmpl_voucher *tv, struct tval *o)
{
	val_field(o, tv->v.charge_id, sizeof(tv->v.charge_id));
}

static void
vf_charge_creator(const struct tmpl_voucher *tv, struct tval *o)
{
	val_field(o, tv->charge_creator, sizeof(tv->charge_creator));
}

static void
vf_charge_label(const struct tmpl_voucher *tv, struct tval *o)
{
	val_field(o, tv->charge_label, sizeof(tv->charge_label));
}

static void
vf_max(const struct tmpl_voucher *tv, struct tval *o)
{
	if (tv->v.max_redemptions != 0)
		val_int(o, TVAL_INT, tv->v.max_redemptions);
	else
		val_none(o);
}

/* An INT 0 is not set: {..._Redeemed} shows nothing before the first use. */
static void
vf_redeemed(const struct tmpl_voucher *tv, struct tval *o)
{
	val_int(o, TVAL_INT, tv->v.redeemed);
}

static void
vf_remaining(const struct tmpl_voucher *tv, struct tval *o)
{
	uint32_t max = tv->v.max_redemptions, used = tv->v.redeemed;

	if (max == 0)
		val_none(o);
	else
		val_int(o, TVAL_INT, used >= max ? 0 : (int64_t)(max - used));
}

static void
vf_bound(const struct tmpl_voucher *tv, struct tval *o)
{
	if (tv->v.bound_customer[0] == '\0')
		val_none(o);
	else
		val_field(o, tv->v.bound_customer,
		    sizeof(tv->v.bound_customer));
}

static void
vf_currency(const struct tmpl_voucher *tv, struct tval *o)
{
	val_field(o, tv->v.currency, sizeof(tv->v.currency));
}

static void
vf_is_percent(const struct tmpl_voucher *tv, struct tval *o)
{
	val_bool(o, tv->v.amount_type == VOUCHER_AMOUNT_PERCENT);
}

static void
vf_is_absolute(const struct tmpl_voucher *tv, struct tval *o)
{
	val_bool(o, tv->v.amount_type == VOUCHER_AMOUNT_ABSOLUTE);
}

static void
vf_min_order(const struct tmpl_voucher *tv, struct tval *o)
{
	if (tv->v.min_order != 0)
		val_money(o, tv->v.min_order, tv->v.currency);
	else
		val_none(o);
}

static void
vf_is_promo(const struct tmpl_voucher *tv, struct tval *o)
{
	val_bool(o, tv->v.kind == VOUCHER_KIND_PROMO);
}

static void
vf_is_value(const struct tmpl_voucher *tv, struct tval *o)
{
	val_bool(o, tv->v.kind == VOUCHER_KIND_VALUE);
}

static void
vf_state(const struct tmpl_voucher *tv, struct tval *o)
{
	val_cstr(o, voucher_state_name(tv->v.state));
}

static void
vf_reserved(const struct tmpl_voucher *tv, struct tval *o)
{
	val_bool(o, tv->reserved);
}

static void
vf_reserved_until(const struct tmpl_voucher *tv, struct tval *o)
{
	if (tv->reserved)
		val_int(o, TVAL_DATETIME, tv->reserved_until);
	else
		val_none(o);
}

/*
 * One accessor per field for the voucher in scope (VOUCHER-) and, where
 * there is a legacy name, for the legacy voucher (WS-Voucher).
 */
#define VOUCHER_GET(field)						\
static void								\
v_##field(struct tag_env *e, struct tval *o)				\
{									\
	const struct tmpl_voucher *tv = env_voucher(e);			\
									\
	if (tv == NULL)							\
		val_none(o);						\
	else								\
		vf_##field(tv, o);					\
}

#define LEGACY_GET(field)						\
static void								\
l_##field(struct tag_env *e, struct tval *o)				\
{									\
	const struct tmpl_voucher *tv = env_legacy_voucher(e);		\
									\
	if (tv == NULL)							\
		val_none(o);						\
	else								\
		vf_##field(tv, o);					\
}

VOUCHER_GET(number)
VOUCHER_GET(value)
VOUCHER_GET(balance)
VOUCHER_GET(deduction)
VOUCHER_GET(valid_until)
VOUCHER_GET(valid_from)
VOUCHER_GET(charge_id)
VOUCHER_GET(charge_creator)
VOUCHER_GET(charge_label)
VOUCHER_GET(max)
VOUCHER_GET(redeemed)
VOUCHER_GET(remaining)
VOUCHER_GET(bound)
VOUCHER_GET(currency)
VOUCHER_GET(is_percent)
VOUCHER_GET(is_absolute)
VOUCHER_GET(min_order)
VOUCHER_GET(is_promo)
VOUCHER_GET(is_value)
VOUCHER_GET(state)
VOUCHER_GET(reserved)
VOUCHER_GET(reserved_until)

LEGACY_GET(number)
LEGACY_GET(value)
LEGACY_GET(balance)
LEGACY_GET(deduction)
LEGACY_GET(valid_until)

/* DataExists is the one voucher tag that is set-or-false, never NONE. */
static void
v_exists(struct tag_env *e, struct tval *o)
{
	val_bool(o, env_voucher(e) != NULL);
}

static void
l_exists(struct tag_env *e, struct tval *o)
{
	val_bool(o, env_legacy_voucher(e) != NULL);
}

static void
l_number_input(struct tag_env *e, struct tval *o)
{
	const char *f = e->data != NULL ? e->data->voucher_field : NULL;

	val_cstr(o, f != NULL ? f : TAGS_INPUT_DEFAULT);
}

/*
 * The Type_is and State_is flags: one accessor per enum value.  The names
 * in the table are the handbook's; the unit test builds them from
 * voucher_type_name() and voucher_state_name() so the two cannot drift.
 */
static void
v_type_is(struct tag_env *e, struct tval *o, enum voucher_type t)
{
	const struct tmpl_voucher *tv = env_voucher(e);

	if (tv == NULL)
		val_none(o);
	else
		val_bool(o, tv->v.type == t);
}

static void
v_state_is(struct tag_env *e, struct tval *o, enum voucher_state s)
{
	const struct tmpl_voucher *tv = env_voucher(e);

	if (tv == NULL)
		val_none(o);
	else
		val_bool(o, tv->v.state == s);
}

#define TYPE_IS(id)							\
static void								\
v_type_##id(struct tag_env *e, struct tval *o)				\
{									\
	v_type_is(e, o, VOUCHER_##id);					\
}

#define STATE_IS(id)							\
static void								\
v_state_##id(struct tag_env *e, struct tval *o)				\
{									\
	v_state_is(e, o, VOUCHER_##id);					\
}

TYPE_IS(STD_REUSABLE)
TYPE_IS(STD_EXPIRES)
TYPE_IS(STD_REUSABLE_NEW)
TYPE_IS(STD_EXPIRES_NEW)
TYPE_IS(UNI_NO_RESTRICTIONS)
TYPE_IS(UNI_ONCE_PER_CUSTOMER)
TYPE_IS(UNI_NEW_CUSTOMERS)
TYPE_IS(UNI_CUSTOMER_BINDING)

STATE_IS(ACTIVE)
STATE_IS(INVALIDATED)
STATE_IS(EXHAUSTED)
STATE_IS(EXPIRED)
STATE_IS(PENDING)

/* --- messages ------------------------------------------------------------------ */

/* The reason visitors may see (HideReasons folds some into 2), 0 = none. */
static unsigned
env_visible_reason(const struct tag_env *e)
{
	unsigned r = e->data != NULL ? e->data->error_reason : 0;

	return r == 0 ? 0 : rules_visible_reason(env_conf(e), r);
}

static void
m_error(struct tag_env *e, struct tval *o)
{
	unsigned r = env_visible_reason(e);

	if (r == 0)
		val_none(o);
	else
		val_int(o, TVAL_INT, r);
}

static void
m_error_text(struct tag_env *e, struct tval *o)
{
	unsigned r = env_visible_reason(e);

	if (r == 0)
		val_none(o);
	else
		val_cstr(o, conf_reason_text(env_conf(e), r));
}

/* --- basket lines ------------------------------------------------------------------ */

static void
i_id(struct tag_env *e, struct tval *o)
{
	if (e->line == NULL)
		val_none(o);
	else
		val_cstr(o, e->line->id);
}

static void
i_name(struct tag_env *e, struct tval *o)
{
	if (e->line == NULL)
		val_none(o);
	else
		val_cstr(o, e->line->name);
}

static void
i_quantity(struct tag_env *e, struct tval *o)
{
	if (e->line == NULL)
		val_none(o);
	else
		val_int(o, TVAL_INT, e->line->quantity);
}

static void
i_unit_price(struct tag_env *e, struct tval *o)
{
	if (e->line == NULL)
		val_none(o);
	else
		val_money(o, e->line->unit_price, env_currency(e));
}

static void
i_price(struct tag_env *e, struct tval *o)
{
	if (e->line == NULL)
		val_none(o);
	else
		val_money(o, e->line->line_price, env_currency(e));
}

static void
i_eligible(struct tag_env *e, struct tval *o)
{
	if (e->line == NULL)
		val_none(o);
	else
		val_bool(o, e->line->eligible);
}

static void
i_discount(struct tag_env *e, struct tval *o)
{
	if (e->line == NULL || e->line->discount == 0)
		val_none(o);
	else
		val_money(o, e->line->discount, env_currency(e));
}

/* --- the basket ------------------------------------------------------------------ */

/* Basket money; with zero_unset, 0 is NONE (nothing to show). */
#define BASKET_MONEY(field, zero_unset)					\
static void								\
b_##field(struct tag_env *e, struct tval *o)				\
{									\
	const struct tmpl_basket *b = env_basket(e);			\
									\
	if (b == NULL || ((zero_unset) && b->field == 0))		\
		val_none(o);						\
	else								\
		val_money(o, b->field, b->currency);			\
}

BASKET_MONEY(subtotal, false)
BASKET_MONEY(extra_costs, false)
BASKET_MONEY(discount, true)
BASKET_MONEY(total, false)
BASKET_MONEY(paid_by_vouchers, true)
BASKET_MONEY(due, false)

static void
b_is_empty(struct tag_env *e, struct tval *o)
{
	const struct tmpl_basket *b = env_basket(e);

	if (b == NULL)
		val_none(o);
	else
		val_bool(o, b->nlines == 0);
}

static void
b_item_count(struct tag_env *e, struct tval *o)
{
	const struct tmpl_basket *b = env_basket(e);

	if (b == NULL)
		val_none(o);
	else
		val_int(o, TVAL_INT, (int64_t)b->nlines);
}

static void
b_payment_needed(struct tag_env *e, struct tval *o)
{
	const struct tmpl_basket *b = env_basket(e);

	if (b == NULL)
		val_none(o);
	else
		val_bool(o, b->due > 0);
}

static void
b_has_vouchers(struct tag_env *e, struct tval *o)
{
	const struct tmpl_basket *b = env_basket(e);

	if (b == NULL)
		val_none(o);
	else
		val_bool(o, b->nvouchers > 0);
}

static void
b_voucher_count(struct tag_env *e, struct tval *o)
{
	const struct tmpl_basket *b = env_basket(e);

	if (b == NULL)
		val_none(o);
	else
		val_int(o, TVAL_INT, (int64_t)b->nvouchers);
}

/* --- the shop ------------------------------------------------------------------ */

static void
s_csrf_token(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->data != NULL ? e->data->csrf_token : NULL);
}

/* Appends s to dst (size bytes, *n used); false when it does not fit. */
static bool
scratch_add(char *dst, size_t size, size_t *n, const char *s, size_t len)
{
	if (len >= size - *n)
		return false;
	memcpy(dst + *n, s, len);
	*n += len;
	dst[*n] = '\0';
	return true;
}

/*
 * The hidden form field carrying the CSRF token, made here so templates
 * print it with :raw; the token is HTML-escaped for the attribute.  A
 * token too long for the scratch space gives no field (the action then
 * fails its CSRF check rather than render broken markup).
 */
static void
s_csrf_field(struct tag_env *e, struct tval *o)
{
	static const char head[] = "<input type=\"hidden\" name=\"csrf\" "
	    "value=\"";
	const char *tok = e->data != NULL ? e->data->csrf_token : NULL;
	char *d = e->scratch;
	size_t size = sizeof(e->scratch), n = 0;
	bool ok;

	val_none(o);
	if (tok == NULL)
		return;
	/* the shop's tokens are hex: nothing to escape, one copy (a basket
	 * page prints the field twice per line) */
	n = strspn(tok, "0123456789abcdef");
	if (tok[n] == '\0' && sizeof(head) - 1 + n + 2 < size) {
		memcpy(d, head, sizeof(head) - 1);
		memcpy(d + sizeof(head) - 1, tok, n);
		memcpy(d + sizeof(head) - 1 + n, "\">", 3);
		o->type = TVAL_MARKUP;
		o->s = d;
		o->len = sizeof(head) - 1 + n + 2;
		return;
	}
	n = 0;
	ok = scratch_add(d, size, &n, CONST_STR_LEN(head));
	for (; ok && *tok != '\0'; tok++) {
		switch (*tok) {
		case '&':
			ok = scratch_add(d, size, &n, CONST_STR_LEN("&amp;"));
			break;
		case '<':
			ok = scratch_add(d, size, &n, CONST_STR_LEN("&lt;"));
			break;
		case '>':
			ok = scratch_add(d, size, &n, CONST_STR_LEN("&gt;"));
			break;
		case '"':
			ok = scratch_add(d, size, &n, CONST_STR_LEN("&quot;"));
			break;
		case '\'':
			ok = scratch_add(d, size, &n, CONST_STR_LEN("&#39;"));
			break;
		default:
			ok = scratch_add(d, size, &n, tok, 1);
			break;
		}
	}
	if (ok)
		ok = scratch_add(d, size, &n, CONST_STR_LEN("\">"));
	if (!ok) {
		d[0] = '\0';
		return;
	}
	o->type = TVAL_MARKUP;
	o->s = d;
	o->len = n;
}

static void
s_voucher_name(struct tag_env *e, struct tval *o)
{
	const struct voucher_conf *c = env_conf(e);

	val_field(o, c->name, sizeof(c->name));
}

static void
s_input_basket(struct tag_env *e, struct tval *o)
{
	val_bool(o, env_conf(e)->input_location == CONF_INPUT_BASKET);
}

static void
s_input_place_order(struct tag_env *e, struct tval *o)
{
	val_bool(o, env_conf(e)->input_location == CONF_INPUT_PLACEORDER);
}

static void
s_multi_allowed(struct tag_env *e, struct tval *o)
{
	const struct tmpl_shop *sh = e->data != NULL ? e->data->shop : NULL;

	/* the shop knows the visitor: test customers may have several */
	if (sh != NULL && sh->voucher_limit > 0)
		val_bool(o, sh->voucher_limit > 1);
	else
		val_bool(o, env_conf(e)->multi_voucher_allow == CONF_MULTI_YES);
}

/* --- the shop's own data (catalog, payment, customer, order) ------------------ */

static const struct tmpl_shop *
env_shop(const struct tag_env *e)
{
	return e->data != NULL ? e->data->shop : NULL;
}

static void
i_vat(struct tag_env *e, struct tval *o)
{
	if (e->line == NULL)
		val_none(o);
	else
		val_int(o, TVAL_PERCENT, e->line->vat_bp);
}

static void
i_gift(struct tag_env *e, struct tval *o)
{
	if (e->line == NULL)
		val_none(o);
	else
		val_bool(o, e->line->gift);
}

BASKET_MONEY(shipping, false)
BASKET_MONEY(payment_fee, true)

static void
b_has_gift(struct tag_env *e, struct tval *o)
{
	const struct tmpl_basket *b = env_basket(e);

	if (b == NULL)
		val_none(o);
	else
		val_bool(o, b->has_gift);
}

static void
x_rate(struct tag_env *e, struct tval *o)
{
	if (e->tax == NULL)
		val_none(o);
	else
		val_int(o, TVAL_PERCENT, e->tax->rate_bp);
}

static void
x_gross(struct tag_env *e, struct tval *o)
{
	if (e->tax == NULL)
		val_none(o);
	else
		val_money(o, e->tax->gross, env_currency(e));
}

static void
x_amount(struct tag_env *e, struct tval *o)
{
	if (e->tax == NULL)
		val_none(o);
	else
		val_money(o, e->tax->tax, env_currency(e));
}

static void
p_id(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->product != NULL ? e->product->id : NULL);
}

static void
p_name(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->product != NULL ? e->product->name : NULL);
}

static void
p_price(struct tag_env *e, struct tval *o)
{
	if (e->product == NULL)
		val_none(o);
	else
		val_money(o, e->product->price, env_conf(e)->currency);
}

static void
p_vat(struct tag_env *e, struct tval *o)
{
	if (e->product == NULL)
		val_none(o);
	else
		val_int(o, TVAL_PERCENT, e->product->vat_bp);
}

static void
p_eligible(struct tag_env *e, struct tval *o)
{
	if (e->product == NULL)
		val_none(o);
	else
		val_bool(o, e->product->eligible);
}

static void
p_gift(struct tag_env *e, struct tval *o)
{
	if (e->product == NULL)
		val_none(o);
	else
		val_bool(o, e->product->gift);
}

static void
pm_name(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->payment != NULL ? e->payment->name : NULL);
}

static void
pm_label(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->payment != NULL ? e->payment->label : NULL);
}

static void
pm_fee(struct tag_env *e, struct tval *o)
{
	if (e->payment == NULL || e->payment->fee == 0)
		val_none(o);
	else
		val_money(o, e->payment->fee, env_conf(e)->currency);
}

static void
pm_selected(struct tag_env *e, struct tval *o)
{
	if (e->payment == NULL)
		val_none(o);
	else
		val_bool(o, e->payment->selected);
}

static void
pm_allowed(struct tag_env *e, struct tval *o)
{
	if (e->payment == NULL)
		val_none(o);
	else
		val_bool(o, e->payment->allowed);
}

static void
c_logged_in(struct tag_env *e, struct tval *o)
{
	const struct tmpl_shop *sh = env_shop(e);

	val_bool(o, sh != NULL && sh->customer_login != NULL);
}

static void
c_login(struct tag_env *e, struct tval *o)
{
	const struct tmpl_shop *sh = env_shop(e);

	val_cstr(o, sh != NULL ? sh->customer_login : NULL);
}

static void
c_name(struct tag_env *e, struct tval *o)
{
	const struct tmpl_shop *sh = env_shop(e);

	val_cstr(o, sh != NULL && sh->customer_login != NULL ?
	    sh->customer_name : NULL);
}

static void
c_new(struct tag_env *e, struct tval *o)
{
	const struct tmpl_shop *sh = env_shop(e);

	val_bool(o, sh != NULL && sh->customer_login != NULL &&
	    sh->customer_is_new);
}

static void
m_notice(struct tag_env *e, struct tval *o)
{
	const struct tmpl_shop *sh = env_shop(e);

	val_cstr(o, sh != NULL && sh->notice != NULL && sh->notice[0] != '\0' ?
	    sh->notice : NULL);
}

static void
m_login_failed(struct tag_env *e, struct tval *o)
{
	const struct tmpl_shop *sh = env_shop(e);

	val_bool(o, sh != NULL && sh->login_failed);
}

static const struct tmpl_order *
env_order(const struct tag_env *e)
{
	const struct tmpl_shop *sh = env_shop(e);

	return sh != NULL ? sh->order : NULL;
}

static void
o_exists(struct tag_env *e, struct tval *o)
{
	val_bool(o, env_order(e) != NULL);
}

static void
o_number(struct tag_env *e, struct tval *o)
{
	const struct tmpl_order *od = env_order(e);

	val_cstr(o, od != NULL ? od->number : NULL);
}

#define ORDER_MONEY(field, zero_unset)					\
static void								\
o_##field(struct tag_env *e, struct tval *o)				\
{									\
	const struct tmpl_order *od = env_order(e);			\
									\
	if (od == NULL || ((zero_unset) && od->field == 0))		\
		val_none(o);						\
	else								\
		val_money(o, od->field, env_conf(e)->currency);		\
}

ORDER_MONEY(total, false)
ORDER_MONEY(paid_by_vouchers, true)
ORDER_MONEY(due, false)

static void
o_payment(struct tag_env *e, struct tval *o)
{
	const struct tmpl_order *od = env_order(e);

	val_cstr(o, od != NULL && od->payment_label != NULL &&
	    od->payment_label[0] != '\0' ? od->payment_label : NULL);
}

static void
o_awaiting(struct tag_env *e, struct tval *o)
{
	const struct tmpl_order *od = env_order(e);

	val_bool(o, od != NULL && od->awaiting_payment);
}

static void
o_has_gift(struct tag_env *e, struct tval *o)
{
	const struct tmpl_order *od = env_order(e);

	val_bool(o, od != NULL && od->has_gift);
}

static void
o_mail_to(struct tag_env *e, struct tval *o)
{
	const struct tmpl_order *od = env_order(e);

	val_cstr(o, od != NULL ? od->mail_to : NULL);
}

static void
v_not_applicable(struct tag_env *e, struct tval *o)
{
	const struct tmpl_voucher *tv = env_voucher(e);

	if (tv == NULL || tv->reason == 0)
		val_none(o);
	else
		val_int(o, TVAL_INT, tv->reason);
}

static void
v_not_applicable_text(struct tag_env *e, struct tval *o)
{
	const struct tmpl_voucher *tv = env_voucher(e);
	const struct voucher_conf *c = env_conf(e);

	if (tv == NULL || tv->reason == 0)
		val_none(o);
	else
		val_field(o, c->text_not_applicable,
		    sizeof(c->text_not_applicable));
}

/* A single-use code spent, or a balance gone; universal codes are never. */
static bool
used_up(const struct voucher *v)
{
	if (voucher_type_is_universal(v->type))
		return false;
	if (voucher_has_balance(v))
		return v->balance <= 0;
	return v->redeemed > 0;
}

static void
v_used_number_text(struct tag_env *e, struct tval *o)
{
	const struct tmpl_voucher *tv = env_voucher(e);
	const struct voucher_conf *c = env_conf(e);

	if (tv == NULL || !tv->exists || !used_up(&tv->v))
		val_none(o);
	else
		val_field(o, c->text_used_number, sizeof(c->text_used_number));
}

/* --- the operator's pages (ADMIN-) ------------------------------------------- */

static const struct tmpl_admin *
env_admin(const struct tag_env *e)
{
	return e->data != NULL ? e->data->admin : NULL;
}

static void
a_operator(struct tag_env *e, struct tval *o)
{
	const struct tmpl_admin *a = env_admin(e);

	val_cstr(o, a != NULL ? a->operator_name : NULL);
}

static void
a_query(struct tag_env *e, struct tval *o)
{
	const struct tmpl_admin *a = env_admin(e);

	val_cstr(o, a != NULL ? a->query : NULL);
}

static void
a_message(struct tag_env *e, struct tval *o)
{
	const struct tmpl_admin *a = env_admin(e);

	val_cstr(o, a != NULL ? a->message : NULL);
}

static void
a_error(struct tag_env *e, struct tval *o)
{
	const struct tmpl_admin *a = env_admin(e);

	val_cstr(o, a != NULL ? a->error : NULL);
}

static void
a_more(struct tag_env *e, struct tval *o)
{
	const struct tmpl_admin *a = env_admin(e);

	val_bool(o, a != NULL && a->more);
}

static void
a_count(struct tag_env *e, struct tval *o)
{
	const struct tmpl_admin *a = env_admin(e);

	val_int(o, TVAL_INT, a != NULL ? (int64_t)a->nrows : 0);
}

static void
a_code_exists(struct tag_env *e, struct tval *o)
{
	const struct tmpl_admin *a = env_admin(e);

	val_bool(o, a != NULL && a->code != NULL);
}

static void
a_charge_id(struct tag_env *e, struct tval *o)
{
	const struct tmpl_admin *a = env_admin(e);

	val_cstr(o, a != NULL && a->charge != NULL ? a->charge->id : NULL);
}

static void
a_charge_count(struct tag_env *e, struct tval *o)
{
	const struct tmpl_admin *a = env_admin(e);

	if (a == NULL || a->charge == NULL)
		val_none(o);
	else
		val_int(o, TVAL_INT, (int64_t)a->charge->count);
}

static void
r_code(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->row != NULL ? e->row->v->code : NULL);
}

static void
r_state(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->row != NULL ? voucher_state_name(e->row->v->state) :
	    NULL);
}

static void
r_type(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->row != NULL ? voucher_type_name(e->row->v->type) :
	    NULL);
}

static void
r_balance(struct tag_env *e, struct tval *o)
{
	if (e->row == NULL || !voucher_has_balance(e->row->v))
		val_none(o);
	else
		val_money(o, e->row->v->balance, e->row->v->currency);
}

static void
r_held(struct tag_env *e, struct tval *o)
{
	val_bool(o, e->row != NULL && e->row->h != NULL);
}

static void
r_holder(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->row != NULL && e->row->h != NULL ? e->row->h->holder :
	    NULL);
}

static void
r_customer(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->row != NULL && e->row->h != NULL &&
	    e->row->h->customer[0] != '\0' ? e->row->h->customer : NULL);
}

static void
r_hold_amount(struct tag_env *e, struct tval *o)
{
	if (e->row == NULL || e->row->h == NULL)
		val_none(o);
	else
		val_money(o, e->row->h->amount, e->row->v->currency);
}

static void
r_hold_until(struct tag_env *e, struct tval *o)
{
	if (e->row == NULL || e->row->h == NULL)
		val_none(o);
	else
		val_int(o, TVAL_DATETIME, e->row->h->expires);
}

static const char *
channel_name(uint32_t ch)
{
	return ch == VOUCHER_CHANNEL_POS ? "pos" : ch == VOUCHER_CHANNEL_WEB ?
	    "web" : "operator";
}

static void
r_channel(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->row != NULL && e->row->h != NULL ?
	    channel_name(e->row->h->channel) : NULL);
}

static void
le_seq(struct tag_env *e, struct tval *o)
{
	if (e->entry == NULL)
		val_none(o);
	else
		val_int(o, TVAL_INT, (int64_t)e->entry->seq);
}

static void
le_at(struct tag_env *e, struct tval *o)
{
	if (e->entry == NULL)
		val_none(o);
	else
		val_int(o, TVAL_DATETIME, e->entry->at);
}

static void
le_op(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->entry != NULL ? ledger_op_name(e->entry->op) : NULL);
}

static const char *
admin_currency(const struct tag_env *e)
{
	const struct tmpl_admin *a = env_admin(e);

	return a != NULL && a->code != NULL ? a->code->v.currency :
	    env_conf(e)->currency;
}

static void
le_delta(struct tag_env *e, struct tval *o)
{
	if (e->entry == NULL || e->entry->delta == 0)
		val_none(o);
	else
		val_money(o, e->entry->delta, admin_currency(e));
}

static void
le_amount(struct tag_env *e, struct tval *o)
{
	if (e->entry == NULL || e->entry->amount == 0)
		val_none(o);
	else
		val_money(o, e->entry->amount, admin_currency(e));
}

static void
le_balance(struct tag_env *e, struct tval *o)
{
	if (e->entry == NULL)
		val_none(o);
	else
		val_money(o, e->entry->balance_after, admin_currency(e));
}

static void
le_channel(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->entry != NULL ? channel_name(e->entry->channel) : NULL);
}

static void
le_actor(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->entry != NULL && e->entry->actor[0] != '\0' ?
	    e->entry->actor : NULL);
}

static void
le_reference(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->entry != NULL && e->entry->reference[0] != '\0' ?
	    e->entry->reference : NULL);
}

static void
le_note(struct tag_env *e, struct tval *o)
{
	val_cstr(o, e->entry != NULL && e->entry->note[0] != '\0' ?
	    e->entry->note : NULL);
}

/* --- the table ------------------------------------------------------------------ */

#define T_YESNO		"yes/no"
#define T_TEXT		"text"
#define T_NUMBER	"number"
#define T_MONEY		"money"
#define T_DATE		"date"
#define T_DATETIME	"date and time"

#define VTAG(name, get, type, doc)					\
	{ "VOUCHER-" name, TAG_VALUE, TAG_SCOPE_VOUCHER, TAG_FAMILY_VOUCHER, \
	    0, get, doc, type }
#define LTAG(name, get, type, doc)					\
	{ "WS-Voucher" name, TAG_VALUE, TAG_SCOPE_ANY, TAG_FAMILY_LEGACY, \
	    0, get, doc, type }
#define ITAG(name, get, type, doc)					\
	{ "BASKET-" name, TAG_VALUE, TAG_SCOPE_LINE, TAG_FAMILY_BASKET,	\
	    0, get, doc, type }
#define ATAG(name, get, type, doc)					\
	{ "ADMIN-" name, TAG_VALUE, TAG_SCOPE_ANY, TAG_FAMILY_ADMIN,	\
	    0, get, doc, type }
#define RTAG(name, get, type, doc)					\
	{ "ADMIN-" name, TAG_VALUE, TAG_SCOPE_ROW, TAG_FAMILY_ADMIN,	\
	    0, get, doc, type }
#define GTAG(name, get, type, doc)					\
	{ "ADMIN-" name, TAG_VALUE, TAG_SCOPE_ENTRY, TAG_FAMILY_ADMIN,	\
	    0, get, doc, type }
#define BTAG(name, get, type, doc)					\
	{ "BASKET-" name, TAG_VALUE, TAG_SCOPE_ANY, TAG_FAMILY_BASKET,	\
	    0, get, doc, type }
#define STAG(name, get, type, doc)					\
	{ "SHOP-" name, TAG_VALUE, TAG_SCOPE_ANY, TAG_FAMILY_SHOP,	\
	    0, get, doc, type }
#define XTAG(name, get, type, doc)					\
	{ "BASKET-" name, TAG_VALUE, TAG_SCOPE_TAX, TAG_FAMILY_BASKET,	\
	    0, get, doc, type }
#define PTAG(name, get, type, doc)					\
	{ "SHOP-" name, TAG_VALUE, TAG_SCOPE_PRODUCT, TAG_FAMILY_SHOP,	\
	    0, get, doc, type }
#define QTAG(name, get, type, doc)					\
	{ "SHOP-" name, TAG_VALUE, TAG_SCOPE_PAYMENT, TAG_FAMILY_SHOP,	\
	    0, get, doc, type }
#define MTAG(name, get, type, doc)					\
	{ "MSG-" name, TAG_VALUE, TAG_SCOPE_ANY, TAG_FAMILY_MSG,	\
	    0, get, doc, type }

/*
 * Sorted by name in byte order (strcmp): tags_find is a binary search.
 * The unit test checks the order.
 */
static const struct tag tags[] = {
	ATAG("ChargeCount", a_charge_count, T_NUMBER,
	    "Codes made by the charge just created."),
	ATAG("ChargeID", a_charge_id, T_TEXT,
	    "Id of the charge just created (for its CSV download)."),
	{ "ADMIN-Code", TAG_LOOP, TAG_SCOPE_VOUCHER, TAG_FAMILY_ADMIN, 0,
	    NULL, "Shows its body once for the code of the page (none: not at "
	    "all); the VOUCHER- tags inside read that code.", NULL },
	ATAG("Code_Exists", a_code_exists, T_YESNO,
	    "Set when the page has a code to show (@ADMIN-Code)."),
	{ "ADMIN-Codes", TAG_LOOP, TAG_SCOPE_ROW, TAG_FAMILY_ADMIN, 0, NULL,
	    "Repeats its body once per code of the list (search results, "
	    "reserved codes); the ADMIN-Row_ tags read that code.", NULL },
	ATAG("Count", a_count, T_NUMBER,
	    "Number of codes in @ADMIN-Codes."),
	ATAG("Error", a_error, T_TEXT,
	    "A one-time error of the last action; not set when there is "
	    "none."),
	{ "ADMIN-Ledger", TAG_LOOP, TAG_SCOPE_ENTRY, TAG_FAMILY_ADMIN, 0,
	    NULL, "Repeats its body once per ledger entry of the page's code, "
	    "oldest first; the ADMIN-Ledger_ tags read that entry.", NULL },
	GTAG("Ledger_Actor", le_actor, T_TEXT,
	    "Who wrote the entry (cli:NAME, api:CLIENT, admin:LOGIN, webshop)."),
	GTAG("Ledger_Amount", le_amount, T_MONEY,
	    "The amount the entry concerns (held, redeemed, raised)."),
	GTAG("Ledger_At", le_at, T_DATETIME,
	    "When, in the shop's time zone."),
	GTAG("Ledger_BalanceAfter", le_balance, T_MONEY,
	    "Balance after the entry."),
	GTAG("Ledger_Channel", le_channel, T_TEXT,
	    "web, pos or operator."),
	GTAG("Ledger_Delta", le_delta, T_MONEY,
	    "Change of the balance; not set when it did not change."),
	GTAG("Ledger_Note", le_note, T_TEXT,
	    "Note of the entry (an invalidation's reason, a bound customer)."),
	GTAG("Ledger_Op", le_op, T_TEXT,
	    "What happened: issue, reserve, release, redeem, topup, "
	    "invalidate, ..."),
	GTAG("Ledger_Reference", le_reference, T_TEXT,
	    "Order number or POS transaction."),
	GTAG("Ledger_Seq", le_seq, T_NUMBER,
	    "Number of the entry: 1, 2, ..."),
	ATAG("Message", a_message, T_TEXT,
	    "A one-time message of the last action; not set when there is "
	    "none."),
	ATAG("More", a_more, T_YESNO,
	    "Set when the list was cut: there are more codes than shown."),
	ATAG("Operator", a_operator, T_TEXT,
	    "Name of the operator logged in; not set on the login page."),
	ATAG("Query", a_query, T_TEXT,
	    "What was searched for."),
	RTAG("Row_Balance", r_balance, T_MONEY,
	    "Balance of the code; not set for codes without one."),
	RTAG("Row_Channel", r_channel, T_TEXT,
	    "Channel of the hold: web or pos."),
	RTAG("Row_Code", r_code, T_TEXT,
	    "The code of this row."),
	RTAG("Row_Customer", r_customer, T_TEXT,
	    "Customer of the hold, if logged in."),
	RTAG("Row_HoldAmount", r_hold_amount, T_MONEY,
	    "Amount the hold keeps."),
	RTAG("Row_HoldUntil", r_hold_until, T_DATETIME,
	    "When the hold runs out."),
	RTAG("Row_Holder", r_holder, T_TEXT,
	    "Who holds the code: a basket session or pos:CLIENT:TRANSACTION."),
	RTAG("Row_State", r_state, T_TEXT,
	    "State of the code: active, exhausted, invalidated, ..."),
	RTAG("Row_Type", r_type, T_TEXT,
	    "Type of the code (handbook name)."),
	RTAG("Row_isHeld", r_held, T_YESNO,
	    "Set when the code is held (reserved or activated)."),
	BTAG("Discount", b_discount, T_MONEY,
	    "Total of the promotional vouchers' discounts; not set when there "
	    "is none."),
	BTAG("Due", b_due, T_MONEY,
	    "What is still to pay after all discounts and value vouchers."),
	BTAG("ExtraCosts", b_extra_costs, T_MONEY,
	    "Shipping and other extra costs such as payment fees."),
	BTAG("HasVouchers", b_has_vouchers, T_YESNO,
	    "Set when at least one voucher is active in the basket."),
	BTAG("ItemCount", b_item_count, T_NUMBER,
	    "Number of lines in the basket."),
	ITAG("Item_Discount", i_discount, T_MONEY,
	    "Promotional discount on this line; not set when there is none. "
	    "The shop sets it only with "
	    "ShowPercentalVoucherDiscountForPosition-Allow = yes and a "
	    "percentage voucher that takes something."),
	ITAG("Item_ID", i_id, T_TEXT,
	    "Product number of the line."),
	ITAG("Item_Name", i_name, T_TEXT,
	    "Product name of the line."),
	ITAG("Item_Price", i_price, T_MONEY,
	    "Price of the line: quantity times unit price."),
	ITAG("Item_Quantity", i_quantity, T_NUMBER,
	    "Quantity ordered."),
	ITAG("Item_UnitPrice", i_unit_price, T_MONEY,
	    "Price of one piece."),
	ITAG("Item_VAT", i_vat, "percent",
	    "VAT rate of the line's product."),
	ITAG("Item_isEligible", i_eligible, T_YESNO,
	    "Set when promotional vouchers apply to this product (not set for "
	    "e.g. fixed-price books)."),
	ITAG("Item_isGift", i_gift, T_YESNO,
	    "Set when the line is a gift voucher for sale."),
	{ "BASKET-Items", TAG_LOOP, TAG_SCOPE_LINE, TAG_FAMILY_BASKET, 0, NULL,
	    "Repeats its body once per basket line; the BASKET-Item_ tags "
	    "read that line.", NULL },
	BTAG("PaidByVouchers", b_paid_by_vouchers, T_MONEY,
	    "Amount paid with value (gift) vouchers; not set when there is "
	    "none."),
	BTAG("PaymentFee", b_payment_fee, T_MONEY,
	    "Fee of the chosen payment method (part of BASKET-ExtraCosts); not "
	    "set when there is none or nothing is left to pay."),
	BTAG("PaymentNeeded", b_payment_needed, T_YESNO,
	    "Set when something is left to pay; not set when vouchers cover "
	    "the whole order (then no payment method is offered)."),
	BTAG("Shipping", b_shipping, T_MONEY,
	    "Shipping costs (part of BASKET-ExtraCosts)."),
	BTAG("Subtotal", b_subtotal, T_MONEY,
	    "Sum of all lines before extra costs and vouchers."),
	XTAG("Tax_Amount", x_amount, T_MONEY,
	    "VAT contained in the rate's gross amount."),
	XTAG("Tax_Gross", x_gross, T_MONEY,
	    "Gross amount of the rate after promotional discounts (value "
	    "vouchers are a payment and do not reduce it)."),
	XTAG("Tax_Rate", x_rate, "percent",
	    "The VAT rate of this group."),
	{ "BASKET-Taxes", TAG_LOOP, TAG_SCOPE_TAX, TAG_FAMILY_BASKET, 0, NULL,
	    "Repeats its body once per VAT rate in the basket, lowest rate "
	    "first; the BASKET-Tax_ tags read that rate.", NULL },
	BTAG("Total", b_total, T_MONEY,
	    "Order total after promotional discounts, extra costs included."),
	BTAG("VoucherCount", b_voucher_count, T_NUMBER,
	    "Number of vouchers active in the basket."),
	BTAG("hasGiftProducts", b_has_gift, T_YESNO,
	    "Set when the basket holds a gift voucher for sale (then no "
	    "voucher can be redeemed, reason 24, and only online payment "
	    "methods are allowed)."),
	BTAG("isEmpty", b_is_empty, T_YESNO,
	    "Set when the basket has no lines."),
	MTAG("Login_failed", m_login_failed, T_YESNO,
	    "Set on the page after a failed login."),
	MTAG("Shop_notice", m_notice, T_TEXT,
	    "A one-time message of the last action (a product was added, a "
	    "voucher was dropped because it no longer applies, ...)."),
	MTAG("Voucher_error", m_error, T_NUMBER,
	    "Reason number why the last voucher action failed (1 to 28, "
	    "listed in shop.config(5)); not set when it did not fail. With "
	    "HideReasons = yes, reasons 3, 4, 5, 6 and 23 show as 2."),
	MTAG("Voucher_error_Text", m_error_text, T_TEXT,
	    "The text configured in <Voucher-Txt> for that reason; not set "
	    "when there is no error."),
	{ "SHOP-CSRF_field", TAG_VALUE, TAG_SCOPE_ANY, TAG_FAMILY_SHOP,
	    TAG_F_MARKUP, s_csrf_field, "The hidden form field with the CSRF "
	    "token; print it with ~SHOP-CSRF_field:raw~ inside every form "
	    "that posts an action.", "markup" },
	STAG("CSRF_token", s_csrf_token, T_TEXT,
	    "The CSRF token of the session, for forms built by hand (field "
	    "name csrf)."),
	STAG("Customer_Login", c_login, T_TEXT,
	    "Login of the logged-in customer; not set for guests."),
	STAG("Customer_Name", c_name, T_TEXT,
	    "Name of the logged-in customer."),
	STAG("Customer_isLoggedIn", c_logged_in, T_YESNO,
	    "Set when a customer is logged in."),
	STAG("Customer_isNew", c_new, T_YESNO,
	    "Set when the logged-in customer counts as new "
	    "(NewCustomerDefinition)."),
	STAG("MultiVoucher_isAllowed", s_multi_allowed, T_YESNO,
	    "Set when this visitor may use several vouchers in one order "
	    "(MultiVoucher-Allow = yes, or test for a test customer)."),
	STAG("Order_Due", o_due, T_MONEY,
	    "What the order placed last leaves to pay."),
	STAG("Order_Exists", o_exists, T_YESNO,
	    "Set when the session has placed an order (ws_order_done.htm)."),
	STAG("Order_MailTo", o_mail_to, T_TEXT,
	    "Address the order confirmation went to."),
	STAG("Order_Number", o_number, T_TEXT,
	    "Number of the order placed last."),
	STAG("Order_PaidByVouchers", o_paid_by_vouchers, T_MONEY,
	    "Part of that order paid with value vouchers; not set when none."),
	STAG("Order_PaymentLabel", o_payment, T_TEXT,
	    "Payment method of that order; not set when vouchers covered it."),
	STAG("Order_Total", o_total, T_MONEY,
	    "Total of that order."),
	STAG("Order_hasGiftVouchers", o_has_gift, T_YESNO,
	    "Set when that order bought gift vouchers (their codes come by "
	    "mail after the payment is confirmed)."),
	STAG("Order_isAwaitingPayment", o_awaiting, T_YESNO,
	    "Set while the payment provider has not yet confirmed the "
	    "payment of that order."),
	{ "SHOP-PaymentMethods", TAG_LOOP, TAG_SCOPE_PAYMENT, TAG_FAMILY_SHOP,
	    0, NULL, "Repeats its body once per payment method; the "
	    "SHOP-Payment_ tags read that method.", NULL },
	QTAG("Payment_Fee", pm_fee, T_MONEY,
	    "Fee of the method; not set when there is none."),
	QTAG("Payment_Label", pm_label, T_TEXT,
	    "Name of the method for visitors (\"Rechnung\")."),
	QTAG("Payment_Name", pm_name, T_TEXT,
	    "Name of the method for the form (\"invoice\"): the value of the "
	    "field payment."),
	QTAG("Payment_isAllowed", pm_allowed, T_YESNO,
	    "Set when the method may pay for this basket (gift vouchers only "
	    "with GiftVoucher-PaymentMethods)."),
	QTAG("Payment_isSelected", pm_selected, T_YESNO,
	    "Set for the method chosen last."),
	PTAG("Product_ID", p_id, T_TEXT,
	    "Product number: the value of the field product."),
	PTAG("Product_Name", p_name, T_TEXT,
	    "Product name."),
	PTAG("Product_Price", p_price, T_MONEY,
	    "Price of one piece."),
	PTAG("Product_VAT", p_vat, "percent",
	    "VAT rate of the product."),
	PTAG("Product_isEligible", p_eligible, T_YESNO,
	    "Set when promotional vouchers apply to the product."),
	PTAG("Product_isGift", p_gift, T_YESNO,
	    "Set for a gift voucher for sale."),
	{ "SHOP-Products", TAG_LOOP, TAG_SCOPE_PRODUCT, TAG_FAMILY_SHOP, 0,
	    NULL, "Repeats its body once per product of the catalog; the "
	    "SHOP-Product_ tags read that product.", NULL },
	STAG("VoucherInput_isBasket", s_input_basket, T_YESNO,
	    "Set when the code input belongs on the basket page "
	    "(VoucherInputLocation = basket)."),
	STAG("VoucherInput_isPlaceOrder", s_input_place_order, T_YESNO,
	    "Set when the code input belongs on the order overview page "
	    "(VoucherInputLocation = placeorder)."),
	STAG("VoucherName", s_voucher_name, T_TEXT,
	    "The label for vouchers configured as Name in <Voucher-Txt>."),
	VTAG("AmountType_isAbsolute", v_is_absolute, T_YESNO,
	    "Set when the voucher is worth a fixed amount of money."),
	VTAG("AmountType_isPercent", v_is_percent, T_YESNO,
	    "Set when the voucher is a percentage discount."),
	VTAG("Balance", v_balance, T_MONEY,
	    "Amount left on the code (Standard vouchers of a fixed amount); "
	    "not set for percentage and Universal vouchers."),
	VTAG("BoundUserIndex", v_bound, T_TEXT,
	    "Customer account the voucher is bound to; not set while it is "
	    "bound to no one ({!VOUCHER-BoundUserIndex})."),
	VTAG("ChargeCreator", v_charge_creator, T_TEXT,
	    "Who made the charge (batch) of the voucher."),
	VTAG("ChargeID", v_charge_id, T_TEXT,
	    "ID of the charge (batch) the voucher was made in."),
	VTAG("ChargeLabel", v_charge_label, T_TEXT,
	    "Label of the charge (batch) of the voucher."),
	VTAG("Currency", v_currency, T_TEXT,
	    "Currency of the voucher (ISO code, e.g. EUR)."),
	VTAG("DataExists", v_exists, T_YESNO,
	    "Set when a voucher with the number exists; every other voucher "
	    "tag is empty when it does not."),
	VTAG("Deduction", v_deduction, T_MONEY,
	    "Amount this voucher takes from the current basket; not set when "
	    "it takes nothing."),
	VTAG("Kind_isPromotional", v_is_promo, T_YESNO,
	    "Set for a promotional voucher (a discount)."),
	VTAG("Kind_isValue", v_is_value, T_YESNO,
	    "Set for a value (gift) voucher, a means of payment."),
	{ "VOUCHER-LoadData", TAG_CONTEXT, TAG_SCOPE_ANY, TAG_FAMILY_VOUCHER,
	    0, NULL, "Loads the voucher whose number is the argument, a "
	    "literal as in {VOUCHER-LoadData(123)} or a value tag written "
	    "~NAME~; its body may use the VOUCHER- data tags.", NULL },
	VTAG("MaxRedeemable", v_max, T_NUMBER,
	    "How many times the voucher may be redeemed in all; not set when "
	    "there is no limit."),
	VTAG("MaxRedeemable_Redeemed", v_redeemed, T_NUMBER,
	    "How many times it has been redeemed; prints 0 but is not set "
	    "before the first redemption."),
	VTAG("MaxRedeemable_Remaining", v_remaining, T_NUMBER,
	    "How many redemptions are left (never below 0); not set when "
	    "none are left or there is no limit."),
	VTAG("MinOrderValue", v_min_order, T_MONEY,
	    "Minimum order value for the voucher; not set when there is "
	    "none."),
	{ "VOUCHER-MultiVoucher", TAG_LOOP, TAG_SCOPE_VOUCHER, TAG_FAMILY_VOUCHER,
	    0, NULL, "Repeats its body once per voucher active in the basket, "
	    "promotional vouchers first; its body may use the VOUCHER- data "
	    "tags.", NULL },
	VTAG("NotApplicable", v_not_applicable, T_NUMBER,
	    "In the basket: reason number (as MSG-Voucher_error) why the "
	    "voucher takes nothing from the basket as it is now; not set "
	    "while it applies."),
	VTAG("NotApplicable_Text", v_not_applicable_text, T_TEXT,
	    "The VoucherNotApplicable text of <Voucher-Txt> when "
	    "VOUCHER-NotApplicable is set."),
	VTAG("Number", v_number, T_TEXT,
	    "The voucher number (code)."),
	VTAG("Reserved", v_reserved, T_YESNO,
	    "Set while the code is reserved for a basket or at the POS."),
	VTAG("ReservedUntil", v_reserved_until, T_DATETIME,
	    "When the reservation ends; not set when the code is not "
	    "reserved."),
	VTAG("State", v_state, T_TEXT,
	    "State of the voucher: active, invalidated, exhausted, expired or "
	    "pending; compare with e.g. {VOUCHER-State(active)}."),
	VTAG("State_isActive", v_state_ACTIVE, T_YESNO,
	    "Set when the voucher is active."),
	VTAG("State_isExhausted", v_state_EXHAUSTED, T_YESNO,
	    "Set when the voucher is used up."),
	VTAG("State_isExpired", v_state_EXPIRED, T_YESNO,
	    "Set when the voucher has expired."),
	VTAG("State_isInvalidated", v_state_INVALIDATED, T_YESNO,
	    "Set when an operator invalidated the voucher."),
	VTAG("State_isPending", v_state_PENDING, T_YESNO,
	    "Set when the voucher was bought but its payment is not yet "
	    "confirmed."),
	VTAG("Type_isStandard_RemainderExpires", v_type_STD_EXPIRES, T_YESNO,
	    "Individual code, one redemption; the remainder is forfeited."),
	VTAG("Type_isStandard_RemainderExpires_NewCustomersOnly",
	    v_type_STD_EXPIRES_NEW, T_YESNO,
	    "Individual code for logged-in new customers, one redemption; the "
	    "remainder is forfeited."),
	VTAG("Type_isStandard_RemainderReusable", v_type_STD_REUSABLE,
	    T_YESNO,
	    "Individual code, usable until its balance is 0; the remainder "
	    "stays on the code."),
	VTAG("Type_isStandard_RemainderReusable_NewCustomersOnly",
	    v_type_STD_REUSABLE_NEW, T_YESNO,
	    "Individual code for logged-in new customers; the remainder stays "
	    "on the code."),
	VTAG("Type_isUniversal_NewCustomersOnly", v_type_UNI_NEW_CUSTOMERS,
	    T_YESNO,
	    "Shared code for logged-in new customers."),
	VTAG("Type_isUniversal_NoRestrictions", v_type_UNI_NO_RESTRICTIONS,
	    T_YESNO,
	    "Shared code, usable by anyone any number of times within its "
	    "validity and maximum."),
	VTAG("Type_isUniversal_OncePerCustomer", v_type_UNI_ONCE_PER_CUSTOMER,
	    T_YESNO,
	    "Shared code, once per logged-in customer."),
	VTAG("Type_isUniversal_customerBinding", v_type_UNI_CUSTOMER_BINDING,
	    T_YESNO,
	    "Individual multi-use code: bound to the first logged-in customer "
	    "who redeems it, then usable only by that customer."),
	VTAG("UsedVoucherNumber_Text", v_used_number_text, T_TEXT,
	    "The UsedVoucherNumber text of <Voucher-Txt> when the loaded code "
	    "is spent: a single-use code redeemed or a balance at 0,00."),
	VTAG("ValidFrom_date", v_valid_from, T_DATE,
	    "First day of validity; not set when there is no lower bound."),
	VTAG("ValidUntil_date", v_valid_until, T_DATE,
	    "Last day of validity; not set when there is no end."),
	VTAG("Value", v_value, "money or percent",
	    "Face value: an amount for fixed-amount vouchers, a percentage for "
	    "percentage vouchers."),
	LTAG("Balance", l_balance, T_MONEY,
	    "As VOUCHER-Balance."),
	LTAG("Deduction", l_deduction, T_MONEY,
	    "As VOUCHER-Deduction."),
	LTAG("Exists", l_exists, T_YESNO,
	    "Set when there is a voucher: the one in a VOUCHER-LoadData block, "
	    "else the first voucher in the basket."),
	LTAG("Number", l_number, T_TEXT,
	    "As VOUCHER-Number."),
	{ "WS-VoucherNumber_input", TAG_VALUE, TAG_SCOPE_ANY,
	    TAG_FAMILY_LEGACY, TAG_F_NEUTRAL, l_number_input, "Name of the "
	    "code input field (<input name=\"~WS-VoucherNumber_input~\">); "
	    "may be used together with VOUCHER- tags.", T_TEXT },
	LTAG("ValidUntil", l_valid_until, T_DATE,
	    "As VOUCHER-ValidUntil_date."),
	LTAG("Value", l_value, "money or percent",
	    "As VOUCHER-Value."),
};

#define TAGS_N	(sizeof(tags) / sizeof(tags[0]))

/* Byte order of a NUL-terminated name against name/len, as strcmp. */
static int
name_cmp(const char *a, const char *b, size_t blen)
{
	size_t alen = strlen(a);
	int r;

	r = memcmp(a, b, alen < blen ? alen : blen);
	if (r != 0)
		return r;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

const struct tag *
tags_find(const char *name, size_t len)
{
	size_t lo = 0, hi = TAGS_N;

	if (name == NULL || len == 0 || len > TAGS_NAME_MAX)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = name_cmp(tags[mid].name, name, len);

		if (r == 0)
			return &tags[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct {
	const char	*prefix;
	size_t		 len;
	const char	*title;
	const char	*intro;
} families[TAG_FAMILY__MAX] = {
	[TAG_FAMILY_VOUCHER] = { CONST_STR_LEN("VOUCHER-"),
	    "VOUCHER- (voucher data)",
	    "The data tags read the voucher of the enclosing "
	    "`{VOUCHER-LoadData(...)}` block or `{@VOUCHER-MultiVoucher}` "
	    "loop. For an unknown number `VOUCHER-DataExists` is not set and "
	    "every other data tag is empty." },
	[TAG_FAMILY_LEGACY] = { CONST_STR_LEN("WS-Voucher"),
	    "WS-Voucher (legacy voucher tags)",
	    "The tags of existing shops keep working. They read the voucher of "
	    "an enclosing block if there is one, else the first voucher in the "
	    "basket. Use the VOUCHER- tags for new templates; do not mix the "
	    "two styles in one template (only `WS-VoucherNumber_input` goes "
	    "with both)." },
	[TAG_FAMILY_MSG] = { CONST_STR_LEN("MSG-"),
	    "MSG- (messages)",
	    "Why the last voucher action failed, e.g. "
	    "`{MSG-Voucher_error(13)}...{/MSG-Voucher_error(13)}` for reason "
	    "13." },
	[TAG_FAMILY_BASKET] = { CONST_STR_LEN("BASKET-"),
	    "BASKET- (basket)",
	    "The basket and its lines. Amounts are in the basket's currency. "
	    "On a page without a basket every basket tag is empty." },
	[TAG_FAMILY_SHOP] = { CONST_STR_LEN("SHOP-"),
	    "SHOP- (shop-wide values)",
	    "Values of the shop and the session that every page may use." },
	[TAG_FAMILY_ADMIN] = { CONST_STR_LEN("ADMIN-"),
	    "ADMIN- (the operator's pages)",
	    "Values of the admin pages below /admin (doc/admin.md): the "
	    "operator, code lists, one code with its ledger. Empty on shop "
	    "pages." },
};

enum tag_family
tags_family(const char *name, size_t len)
{
	unsigned f;

	if (name == NULL)
		return TAG_FAMILY__MAX;
	for (f = 0; f < TAG_FAMILY__MAX; f++) {
		if (len >= families[f].len &&
		    memcmp(name, families[f].prefix, families[f].len) == 0)
			return (enum tag_family)f;
	}
	return TAG_FAMILY__MAX;
}

const struct tag *
tags_table(size_t *n)
{
	if (n != NULL)
		*n = TAGS_N;
	return tags;
}

/* --- doc/tags.md ------------------------------------------------------------------ */

static const char md_intro[] =
    "# Template tags\n"
    "\n"
    "This is the reference of every tag wsvoucher understands in shop "
    "templates (`ws_basket.htm`, `ws_place_order.htm`, ...). It is made "
    "from the program's own tag table (`tags_write_markdown` in "
    "`src/tags.c`); do not edit it by hand.\n"
    "\n"
    "## Syntax\n"
    "\n"
    "- `~NAME~` prints a value, HTML-escaped (`~NAME:html~` says so "
    "explicitly). `~NAME:url~` escapes it for "
    "a URL parameter, `~NAME:js~` for a JavaScript string, and "
    "`~NAME:raw~` prints markup the program made itself without escaping "
    "(only tags of type *markup*, such as `~SHOP-CSRF_field:raw~`).\n"
    "- `{NAME}...{/NAME}` shows its body when NAME is set: not empty, not "
    "zero, yes.\n"
    "- `{!NAME}...{/!NAME}` shows its body when NAME is not set.\n"
    "- `{NAME(value)}...{/NAME(value)}` of a value tag shows its body when "
    "the tag, as printed, equals the value, e.g. "
    "`{MSG-Voucher_error(13)}...{/MSG-Voucher_error(13)}`.\n"
    "- `{NAME(arg)}...{/NAME(arg)}` of a context tag opens a context, e.g. "
    "`{VOUCHER-LoadData(123)}`. The argument is a literal or a value tag "
    "written `~NAME~`; the close repeats it.\n"
    "- `{@NAME}...{/@NAME}` is a loop: the body is shown once per "
    "element, e.g. once per basket line in `{@BASKET-Items}`.\n"
    "- Only names of the families below are tags. Anything else, such as "
    "CSS or JavaScript braces or a lone `~`, is plain text.\n"
    "\n"
    "Where a tag may stand (the *where* column): *anywhere*; *in a voucher "
    "context*, that is inside `{VOUCHER-LoadData(...)}` or "
    "`{@VOUCHER-MultiVoucher}`; or *in @BASKET-Items*, inside the loop "
    "over the basket lines. A tag outside its place, an unknown tag of a "
    "known family, or a block that is not closed is a template error "
    "reported with file, line and column.\n"
    "\n"
    "The new VOUCHER- tags and the legacy WS-Voucher tags must not be "
    "mixed in one template; `WS-VoucherNumber_input` is the one exception "
    "and goes with both.\n"
    "\n"
    "## Values\n"
    "\n"
    "Money, percentages and dates follow the shop's `Locale` "
    "(shop.config(5)); the examples are the default, `de-DE`.\n"
    "\n"
    "- *money*: with the currency, `1.234,56 EUR` (`de-CH`: "
    "`1'234.56 CHF`, `en-GB`: `1,234.56 EUR`).\n"
    "- *percent*: `12,5 %`, `10 %` (`de-CH`, `en-GB`: `12.5 %`).\n"
    "- *date*: `24.11.2026`; *date and time*: `24.11.2026 13:05` "
    "(`en-GB`: `24/11/2026`); both in the shop's time zone (default "
    "Europe/Berlin).\n"
    "- *yes/no*: prints nothing; use it in `{NAME}` and `{!NAME}`.\n"
    "- *number*, *text*: as they are. A number is set when it is not 0.\n"
    "- An empty value prints nothing and is not set.\n";

static const char *const kind_words[TAG_KIND__MAX] = {
	[TAG_VALUE] = "value",
	[TAG_CONTEXT] = "context",
	[TAG_LOOP] = "loop",
};

static const char *const scope_words[TAG_SCOPE__MAX] = {
	[TAG_SCOPE_ANY] = "anywhere",
	[TAG_SCOPE_VOUCHER] = "in a voucher context",
	[TAG_SCOPE_LINE] = "in @BASKET-Items",
	[TAG_SCOPE_TAX] = "in @BASKET-Taxes",
	[TAG_SCOPE_PRODUCT] = "in @SHOP-Products",
	[TAG_SCOPE_PAYMENT] = "in @SHOP-PaymentMethods",
	[TAG_SCOPE_ROW] = "in @ADMIN-Codes",
	[TAG_SCOPE_ENTRY] = "in @ADMIN-Ledger",
};

/*
 * Appends s as one Markdown table cell: '|' and '~' (strike-through on
 * GitHub) backslash-escaped, '<' and '>' as entities so markup in a doc
 * line shows as text, line breaks as spaces.
 */
static enum ws_status
md_cell(struct buf *out, const char *s)
{
	enum ws_status st = WS_OK;
	size_t k;

	for (; st == WS_OK && *s != '\0'; s += k) {
		k = strcspn(s, "|~<>\n");
		if (k > 0) {
			st = buf_append(out, s, k);
			continue;
		}
		switch (*s) {
		case '|':
			st = buf_append_str(out, "\\|");
			break;
		case '~':
			st = buf_append_str(out, "\\~");
			break;
		case '<':
			st = buf_append_str(out, "&lt;");
			break;
		case '>':
			st = buf_append_str(out, "&gt;");
			break;
		default:
			st = buf_append_char(out, ' ');
			break;
		}
		k = 1;
	}
	return st;
}

static enum ws_status
md_row(struct buf *out, const struct tag *t)
{
	enum ws_status st;

	/* names are [A-Za-z0-9_-]: nothing to escape in a code span */
	st = buf_append_str(out, "| `");
	if (st == WS_OK)
		st = buf_append_str(out, t->name);
	if (st == WS_OK)
		st = buf_printf(out, "` | %s | %s | ", kind_words[t->kind],
		    scope_words[t->kind == TAG_LOOP ? TAG_SCOPE_ANY :
		    t->scope]);
	if (st == WS_OK)
		st = md_cell(out, t->type_doc != NULL ? t->type_doc : "-");
	if (st == WS_OK)
		st = buf_append_str(out, " | ");
	if (st == WS_OK)
		st = md_cell(out, t->doc);
	if (st == WS_OK)
		st = buf_append_str(out, " |\n");
	return st;
}

/*
 * Per family: contexts, loops, then values; values anywhere before those
 * of a scope; within that, the table's (name) order.  Deterministic.
 */
static enum ws_status
md_family(struct buf *out, enum tag_family f)
{
	static const enum tag_kind kinds[] = {
		TAG_CONTEXT, TAG_LOOP, TAG_VALUE
	};
	enum ws_status st;
	size_t k, s, i;

	st = buf_printf(out, "\n## %s\n\n%s\n\n", families[f].title,
	    families[f].intro);
	if (st == WS_OK)
		st = buf_append_str(out, "| tag | kind | where | value | "
		    "what it means |\n|---|---|---|---|---|\n");
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (s = 0; s < TAG_SCOPE__MAX; s++) {
			for (i = 0; i < TAGS_N && st == WS_OK; i++) {
				if (tags[i].family != f ||
				    tags[i].kind != kinds[k] ||
				    tags[i].scope != (enum tag_scope)s)
					continue;
				st = md_row(out, &tags[i]);
			}
		}
	}
	return st;
}

enum ws_status
tags_write_markdown(struct buf *out)
{
	size_t before = out->len;
	enum ws_status st;
	unsigned f;

	st = buf_append(out, md_intro, sizeof(md_intro) - 1);
	for (f = 0; f < TAG_FAMILY__MAX && st == WS_OK; f++)
		st = md_family(out, (enum tag_family)f);
	if (st != WS_OK) {
		out->len = before;	/* all or nothing */
		if (out->data != NULL)
			out->data[before] = '\0';
	}
	return st;
}

/* --- values as text ------------------------------------------------------------------ */

bool
tval_is_set(const struct tval *v)
{
	if (v == NULL)
		return false;
	switch (v->type) {
	case TVAL_BOOL:
	case TVAL_INT:
	case TVAL_MONEY:
	case TVAL_PERCENT:
	case TVAL_DATE:
	case TVAL_DATETIME:
		return v->i != 0;
	case TVAL_TEXT:
	case TVAL_MARKUP:
		return v->len > 0;
	case TVAL_NONE:
	case TVAL_TYPE__MAX:
	default:
		return false;
	}
}

/* |i| without overflow for INT64_MIN. */
static uint64_t
magnitude(int64_t i)
{
	return i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
}

/* Marks of the shop's locale (conf.h): thousands, decimal. */
static void
locale_marks(const struct voucher_conf *conf, char *thousands, char *decimal)
{
	enum conf_locale l = conf != NULL ? conf->locale : CONF_LOCALE_DE_DE;

	switch (l) {
	case CONF_LOCALE_DE_CH:
		*thousands = '\'';
		*decimal = '.';
		break;
	case CONF_LOCALE_EN_GB:
		*thousands = ',';
		*decimal = '.';
		break;
	case CONF_LOCALE_DE_DE:
	case CONF_LOCALE__MAX:
	default:
		*thousands = '.';
		*decimal = ',';
		break;
	}
}

/* "-1.234,56 EUR" (de-DE): grouped units, two decimals, the currency. */
static enum ws_status
fmt_money(struct buf *out, int64_t cents, const char *currency,
    const struct voucher_conf *conf)
{
	char thousands, decimal;
	char rev[32], num[40];
	uint64_t mag = magnitude(cents), units = mag / 100;
	unsigned frac = (unsigned)(mag % 100);
	size_t nr = 0, n = 0, clen;
	enum ws_status st;

	locale_marks(conf, &thousands, &decimal);
	/* digits of units backwards, a mark after every third */
	do {
		if (nr > 0 && nr % 4 == 3)
			rev[nr++] = thousands;
		rev[nr++] = (char)('0' + units % 10);
		units /= 10;
	} while (units > 0);
	if (cents < 0)
		num[n++] = '-';
	while (nr > 0)
		num[n++] = rev[--nr];
	num[n++] = decimal;
	num[n++] = (char)('0' + frac / 10);
	num[n++] = (char)('0' + frac % 10);
	clen = currency != NULL ? strlen(currency) : 0;
	/* one reservation, so the appends below cannot fail half-way */
	if (clen > SIZE_MAX - n - 1)
		return WS_ERR_LIMIT;
	st = buf_reserve(out, n + 1 + clen);
	if (st != WS_OK)
		return st;
	(void)buf_append(out, num, n);
	if (clen > 0) {
		(void)buf_append_char(out, ' ');
		(void)buf_append(out, currency, clen);
	}
	return WS_OK;
}

/* "12,5 %", "10 %", "12,25 %": hundredths of a percent, no zero decimals. */
static enum ws_status
fmt_percent(struct buf *out, int64_t bp, const struct voucher_conf *conf)
{
	char thousands, decimal;
	uint64_t mag = magnitude(bp);
	unsigned frac = (unsigned)(mag % 100);
	const char *sign = bp < 0 ? "-" : "";

	if (frac == 0)
		return buf_printf(out, "%s%" PRIu64 " %%", sign, mag / 100);
	locale_marks(conf, &thousands, &decimal);
	if (frac % 10 == 0)
		return buf_printf(out, "%s%" PRIu64 "%c%u %%", sign, mag / 100,
		    decimal, frac / 10);
	return buf_printf(out, "%s%" PRIu64 "%c%02u %%", sign, mag / 100,
	    decimal, frac);
}

/* An instant as "dd.mm.yyyy" (or with " HH:MM") in the shop's zone. */
static enum ws_status
fmt_date(struct buf *out, int64_t utc, bool with_time,
    const struct voucher_conf *conf)
{
	const char *zone = TAGS_ZONE_DEFAULT;
	char sep;
	struct tm tm;
	enum ws_status st;

	if (conf != NULL && conf->timezone[0] != '\0')
		zone = conf->timezone;
	/* tz_use changes TZ only when the zone differs from the last one */
	st = tz_use(zone);
	if (st == WS_OK)
		st = tz_local(utc, &tm);
	if (st != WS_OK)
		return st;
	sep = conf != NULL && conf->locale == CONF_LOCALE_EN_GB ? '/' : '.';
	if (with_time)
		return buf_printf(out, "%02d%c%02d%c%04d %02d:%02d", tm.tm_mday,
		    sep, tm.tm_mon + 1, sep, tm.tm_year + 1900, tm.tm_hour,
		    tm.tm_min);
	return buf_printf(out, "%02d%c%02d%c%04d", tm.tm_mday, sep,
	    tm.tm_mon + 1, sep, tm.tm_year + 1900);
}

enum ws_status
tval_format(const struct tval *v, const struct voucher_conf *conf,
    struct buf *out)
{
	switch (v->type) {
	case TVAL_NONE:
	case TVAL_BOOL:
		return WS_OK;
	case TVAL_INT: {
		char tmp[24];
		uint64_t m = magnitude(v->i);
		size_t k = sizeof(tmp);

		do {
			tmp[--k] = (char)('0' + m % 10);
			m /= 10;
		} while (m > 0);
		if (v->i < 0)
			tmp[--k] = '-';
		return buf_append(out, tmp + k, sizeof(tmp) - k);
	}
	case TVAL_MONEY:
		return fmt_money(out, v->i, v->currency, conf);
	case TVAL_PERCENT:
		return fmt_percent(out, v->i, conf);
	case TVAL_DATE:
		return fmt_date(out, v->i, false, conf);
	case TVAL_DATETIME:
		return fmt_date(out, v->i, true, conf);
	case TVAL_TEXT:
	case TVAL_MARKUP:
		if (v->len == 0)
			return WS_OK;
		if (v->s == NULL)
			return WS_ERR_INVALID;
		return buf_append(out, v->s, v->len);
	case TVAL_TYPE__MAX:
	default:
		return WS_ERR_INVALID;
	}
}
