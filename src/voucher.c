/*
 * voucher.c - names and structural rules of the voucher model.
 *
 * The names are a public contract: the handbook's type names appear in
 * templates (VOUCHER-Type_is...), CSV files and the API.
 */
#include <string.h>
#include <strings.h>

#include "voucher.h"

static const char *const kind_names[VOUCHER_KIND__MAX] = {
	[VOUCHER_KIND_PROMO] = "promo",
	[VOUCHER_KIND_VALUE] = "value",
};

static const char *const type_names[VOUCHER_TYPE__MAX] = {
	[VOUCHER_STD_REUSABLE] = "Standard_RemainderReusable",
	[VOUCHER_STD_EXPIRES] = "Standard_RemainderExpires",
	[VOUCHER_STD_REUSABLE_NEW] =
	    "Standard_RemainderReusable_NewCustomersOnly",
	[VOUCHER_STD_EXPIRES_NEW] = "Standard_RemainderExpires_NewCustomersOnly",
	[VOUCHER_UNI_NO_RESTRICTIONS] = "Universal_NoRestrictions",
	[VOUCHER_UNI_ONCE_PER_CUSTOMER] = "Universal_OncePerCustomer",
	[VOUCHER_UNI_NEW_CUSTOMERS] = "Universal_NewCustomersOnly",
	[VOUCHER_UNI_CUSTOMER_BINDING] = "Universal_customerBinding",
};

static const char *const amount_type_names[VOUCHER_AMOUNT__MAX] = {
	[VOUCHER_AMOUNT_ABSOLUTE] = "absolute",
	[VOUCHER_AMOUNT_PERCENT] = "percent",
};

static const char *const state_names[VOUCHER_STATE__MAX] = {
	[VOUCHER_ACTIVE] = "active",
	[VOUCHER_INVALIDATED] = "invalidated",
	[VOUCHER_EXHAUSTED] = "exhausted",
	[VOUCHER_EXPIRED] = "expired",
	[VOUCHER_PENDING] = "pending",
};

static const char *
name_of(const char *const *names, unsigned n, unsigned i)
{
	return i < n && names[i] != NULL ? names[i] : "unknown";
}

const char *
voucher_kind_name(enum voucher_kind k)
{
	return name_of(kind_names, VOUCHER_KIND__MAX, (unsigned)k);
}

const char *
voucher_type_name(enum voucher_type t)
{
	return name_of(type_names, VOUCHER_TYPE__MAX, (unsigned)t);
}

const char *
voucher_amount_type_name(enum voucher_amount_type a)
{
	return name_of(amount_type_names, VOUCHER_AMOUNT__MAX, (unsigned)a);
}

const char *
voucher_state_name(enum voucher_state s)
{
	return name_of(state_names, VOUCHER_STATE__MAX, (unsigned)s);
}

static enum ws_status
lookup(const char *const *names, unsigned n, const char *s, size_t len,
    unsigned *out)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (strlen(names[i]) == len &&
		    strncasecmp(names[i], s, len) == 0) {
			*out = i;
			return WS_OK;
		}
	}
	return WS_ERR_INVALID;
}

enum ws_status
voucher_kind_parse(const char *s, size_t len, enum voucher_kind *out)
{
	unsigned i;

	/* The handbook's Type2 column says promotional / purchased. */
	if (len == 11 && strncasecmp(s, "promotional", len) == 0) {
		*out = VOUCHER_KIND_PROMO;
		return WS_OK;
	}
	if (len == 9 && strncasecmp(s, "purchased", len) == 0) {
		*out = VOUCHER_KIND_VALUE;
		return WS_OK;
	}
	if (lookup(kind_names, VOUCHER_KIND__MAX, s, len, &i) != WS_OK)
		return WS_ERR_INVALID;
	*out = (enum voucher_kind)i;
	return WS_OK;
}

enum ws_status
voucher_type_parse(const char *s, size_t len, enum voucher_type *out)
{
	unsigned i;

	if (lookup(type_names, VOUCHER_TYPE__MAX, s, len, &i) != WS_OK)
		return WS_ERR_INVALID;
	*out = (enum voucher_type)i;
	return WS_OK;
}

enum ws_status
voucher_amount_type_parse(const char *s, size_t len,
    enum voucher_amount_type *out)
{
	unsigned i;

	if (lookup(amount_type_names, VOUCHER_AMOUNT__MAX, s, len, &i) !=
	    WS_OK)
		return WS_ERR_INVALID;
	*out = (enum voucher_amount_type)i;
	return WS_OK;
}

enum ws_status
voucher_state_parse(const char *s, size_t len, enum voucher_state *out)
{
	unsigned i;

	if (lookup(state_names, VOUCHER_STATE__MAX, s, len, &i) != WS_OK)
		return WS_ERR_INVALID;
	*out = (enum voucher_state)i;
	return WS_OK;
}

bool
voucher_type_is_universal(enum voucher_type t)
{
	return t >= VOUCHER_UNI_NO_RESTRICTIONS && t < VOUCHER_TYPE__MAX;
}

bool
voucher_type_remainder_expires(enum voucher_type t)
{
	return t == VOUCHER_STD_EXPIRES || t == VOUCHER_STD_EXPIRES_NEW;
}

bool
voucher_type_new_customers_only(enum voucher_type t)
{
	return t == VOUCHER_STD_REUSABLE_NEW || t == VOUCHER_STD_EXPIRES_NEW ||
	    t == VOUCHER_UNI_NEW_CUSTOMERS;
}

bool
voucher_type_needs_login(enum voucher_type t)
{
	return voucher_type_new_customers_only(t) ||
	    t == VOUCHER_UNI_ONCE_PER_CUSTOMER ||
	    t == VOUCHER_UNI_CUSTOMER_BINDING;
}

bool
voucher_has_balance(const struct voucher *v)
{
	return !voucher_type_is_universal(v->type) &&
	    v->amount_type == VOUCHER_AMOUNT_ABSOLUTE;
}

void
voucher_init(struct voucher *v)
{
	memset(v, 0, sizeof(*v));
	v->kind = VOUCHER_KIND_PROMO;
	v->type = VOUCHER_STD_REUSABLE;
	v->amount_type = VOUCHER_AMOUNT_ABSOLUTE;
	memcpy(v->currency, "EUR", 4);
	v->channels = VOUCHER_CHANNEL_ALL;
	v->state = VOUCHER_ACTIVE;
}

enum ws_status
voucher_set_field(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		return WS_ERR_LIMIT;
	if (memchr(src, '\0', len) != NULL)
		return WS_ERR_INVALID;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return WS_OK;
}

static bool
is_currency(const char *c)
{
	int i;

	for (i = 0; i < 3; i++)
		if (c[i] < 'A' || c[i] > 'Z')
			return false;
	return c[3] == '\0';
}

enum ws_status
voucher_validate(const struct voucher *v, struct diags *d, const char *path,
    unsigned line)
{
	size_t before = diags_count(d);

	if (v->code[0] == '\0')
		diags_add(d, path, line, 0, "Number", "is empty");
	if ((unsigned)v->kind >= VOUCHER_KIND__MAX)
		diags_add(d, path, line, 0, "Type2", "unknown voucher kind");
	if ((unsigned)v->type >= VOUCHER_TYPE__MAX)
		diags_add(d, path, line, 0, "Type", "unknown voucher type");
	if ((unsigned)v->state >= VOUCHER_STATE__MAX)
		diags_add(d, path, line, 0, "State", "unknown state");
	if (!is_currency(v->currency))
		diags_add(d, path, line, 0, "Currency",
		    "must be three upper-case letters (ISO 4217)");
	if (v->amount_type == VOUCHER_AMOUNT_PERCENT) {
		if (v->amount <= 0 || v->amount > 10000)
			diags_add(d, path, line, 0, "Amount",
			    "a percentage must be above 0 and at most 100");
		if (v->kind == VOUCHER_KIND_VALUE)
			diags_add(d, path, line, 0, "AmountType",
			    "a value (purchased) voucher is an amount of "
			    "money, not a percentage");
		if (v->type == VOUCHER_STD_REUSABLE ||
		    v->type == VOUCHER_STD_REUSABLE_NEW)
			diags_add(d, path, line, 0, "Type",
			    "a percentage has no remainder to reuse: use a "
			    "RemainderExpires or Universal type");
	} else if (v->amount_type == VOUCHER_AMOUNT_ABSOLUTE) {
		if (v->amount <= 0)
			diags_add(d, path, line, 0, "Amount",
			    "must be above 0");
	} else {
		diags_add(d, path, line, 0, "AmountType",
		    "must be absolute or percent");
	}
	if (v->kind == VOUCHER_KIND_VALUE && voucher_type_is_universal(v->type))
		diags_add(d, path, line, 0, "Type",
		    "a value (purchased) voucher needs a Standard type: one "
		    "shared code cannot hold one balance for many people");
	if (voucher_has_balance(v)) {
		if (v->balance < 0 || v->balance > v->amount)
			diags_add(d, path, line, 0, "UsedAmount",
			    "the balance must lie between 0 and the amount");
	} else if (v->balance != 0) {
		diags_add(d, path, line, 0, "UsedAmount",
		    "only Standard vouchers of a fixed amount have a balance");
	}
	if (v->min_order < 0)
		diags_add(d, path, line, 0, "MinOrderValue",
		    "must not be negative");
	if (v->valid_from != 0 && v->valid_until != 0 &&
	    v->valid_from > v->valid_until)
		diags_add(d, path, line, 0, "ValidUntil",
		    "lies before ValidFrom");
	if (v->max_redemptions != 0 && !voucher_type_is_universal(v->type))
		diags_add(d, path, line, 0, "MaxRedemptions",
		    "only universal vouchers have a maximum number of "
		    "redemptions");
	if ((v->channels & VOUCHER_CHANNEL_ALL) == 0 ||
	    (v->channels & ~VOUCHER_CHANNEL_ALL) != 0)
		diags_add(d, path, line, 0, "Channels",
		    "must name webshop, pos or both");
	if (v->bound_customer[0] != '\0' &&
	    v->type != VOUCHER_UNI_CUSTOMER_BINDING)
		diags_add(d, path, line, 0, "BoundCustomer",
		    "only Universal_customerBinding vouchers are bound");
	return diags_count(d) == before ? WS_OK : WS_ERR_INVALID;
}
