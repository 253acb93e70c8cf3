/*
 * test_tags.c - the tag table, every accessor's value and the formatting
 * of values in the shop's locale and time zone.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "conf.h"
#include "num.h"
#include "rules.h"
#include "tags.h"
#include "voucher.h"

#define DOC_PATH	TEST_DATA_DIR "/../../doc/tags.md"

/* --- helpers ---------------------------------------------------------------- */

static const struct tag *
find(const char *name)
{
	const struct tag *t = tags_find(name, strlen(name));

	cr_assert_not_null(t, "no tag %s", name);
	return t;
}

/* The value of a value tag; poisoned first so unset fields show. */
static struct tval
get(const char *name, struct tag_env *e)
{
	const struct tag *t = find(name);
	struct tval v;

	cr_assert_eq(t->kind, TAG_VALUE, "%s is not a value", name);
	cr_assert_not_null(t->get, "%s has no accessor", name);
	memset(&v, 0x5a, sizeof(v));
	t->get(e, &v);
	cr_assert_lt((int)v.type, (int)TVAL_TYPE__MAX, "%s: type %d", name,
	    (int)v.type);
	return v;
}

/* A value as text, in a static buffer. */
static const char *
fmt(const struct tval *v, const struct voucher_conf *c)
{
	static char text[256];
	struct buf b = BUF_INIT;

	cr_assert_eq(tval_format(v, c, &b), WS_OK);
	cr_assert_lt(b.len, sizeof(text));
	memcpy(text, buf_cstr(&b), b.len + 1);
	buf_free(&b);
	return text;
}

static const char *
text_of(const char *name, struct tag_env *e)
{
	struct tval v = get(name, e);

	return fmt(&v, e->data != NULL ? e->data->conf : NULL);
}

static int64_t
utc(const char *iso)
{
	int64_t t;

	cr_assert_eq(num_parse_date(iso, strlen(iso), &t), WS_OK, "%s", iso);
	return t;
}

static void
copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	cr_assert_lt(n, size);
	memcpy(dst, src, n + 1);
}

/* An existing voucher of the given shape. */
static void
mk_voucher(struct tmpl_voucher *tv, enum voucher_kind kind,
    enum voucher_type type, enum voucher_amount_type at, int64_t amount)
{
	memset(tv, 0, sizeof(*tv));
	tv->exists = true;
	voucher_init(&tv->v);
	copy(tv->v.code, sizeof(tv->v.code), "GV-1234-ABCD");
	copy(tv->v.charge_id, sizeof(tv->v.charge_id), "CH-2026-11");
	copy(tv->charge_creator, sizeof(tv->charge_creator), "Marketing");
	copy(tv->charge_label, sizeof(tv->charge_label), "Winter sale");
	tv->v.kind = kind;
	tv->v.type = type;
	tv->v.amount_type = at;
	tv->v.amount = amount;
	tv->v.balance = voucher_has_balance(&tv->v) ? amount : 0;
}

struct fixture {
	struct voucher_conf	conf;
	struct tmpl_data	data;
	struct tag_env		env;
};

static void
fx_init(struct fixture *fx, const struct tmpl_voucher *tv)
{
	memset(fx, 0, sizeof(*fx));
	conf_defaults(&fx->conf);
	fx->data.conf = &fx->conf;
	fx->env.data = &fx->data;
	fx->env.voucher = tv;
}

/* --- the table ---------------------------------------------------------------- */

Test(tags, table_is_sane_sorted_and_unique)
{
	const struct tag *tab;
	size_t n, i, markup = 0, neutral = 0;

	tab = tags_table(&n);
	cr_assert_not_null(tab);
	cr_assert_gt(n, 60);
	for (i = 0; i < n; i++) {
		const struct tag *t = &tab[i];

		cr_assert_not_null(t->name);
		cr_expect_gt(strlen(t->name), 0);
		cr_expect_leq(strlen(t->name), TAGS_NAME_MAX, "%s", t->name);
		cr_expect(t->doc != NULL && strlen(t->doc) > 10, "%s: doc",
		    t->name);
		cr_expect_lt((int)t->kind, (int)TAG_KIND__MAX, "%s", t->name);
		cr_expect_lt((int)t->scope, (int)TAG_SCOPE__MAX, "%s",
		    t->name);
		cr_expect_eq(t->family, tags_family(t->name, strlen(t->name)),
		    "%s: family", t->name);
		if (t->kind == TAG_VALUE) {
			cr_expect_not_null(t->get, "%s: accessor", t->name);
			cr_expect(t->type_doc != NULL &&
			    t->type_doc[0] != '\0', "%s: type", t->name);
		} else {
			cr_expect_null(t->get, "%s: accessor", t->name);
			/* a loop names the scope it opens; a context opens
			 * the voucher scope by its kind */
			if (t->kind == TAG_LOOP)
				cr_expect_neq(t->scope, TAG_SCOPE_ANY, "%s",
				    t->name);
			else
				cr_expect_eq(t->scope, TAG_SCOPE_ANY, "%s",
				    t->name);
		}
		/* byte order, strictly: the binary search needs it */
		if (i > 0)
			cr_expect_lt(strcmp(tab[i - 1].name, t->name), 0,
			    "%s before %s", tab[i - 1].name, t->name);
		if (t->flags & TAG_F_MARKUP)
			markup++;
		if (t->flags & TAG_F_NEUTRAL)
			neutral++;
	}
	cr_expect_eq(markup, 1);
	cr_expect(find("SHOP-CSRF_field")->flags & TAG_F_MARKUP);
	cr_expect_eq(neutral, 1);
	cr_expect(find("WS-VoucherNumber_input")->flags & TAG_F_NEUTRAL);
	cr_expect_eq(find("VOUCHER-LoadData")->kind, TAG_CONTEXT);
	cr_expect_eq(find("VOUCHER-MultiVoucher")->kind, TAG_LOOP);
	cr_expect_eq(find("BASKET-Items")->kind, TAG_LOOP);
	cr_expect_eq(find("VOUCHER-Number")->scope, TAG_SCOPE_VOUCHER);
	cr_expect_eq(find("BASKET-Item_Name")->scope, TAG_SCOPE_LINE);
	cr_expect_eq(find("BASKET-Total")->scope, TAG_SCOPE_ANY);
	cr_expect_eq(find("WS-VoucherNumber")->scope, TAG_SCOPE_ANY);
}

Test(tags, find_every_tag_and_no_near_miss)
{
	static const char *const misses[] = {
		"VOUCHER-number", "VOUCHER-Numbe", "", "VOUCHER-NumberX",
		"VOUCHER-Number ", " VOUCHER-Number", "voucher-number",
		"VOUCHER-", "WS-Voucher", "BASKET-items", "MSG-Voucher_Error",
		"AAAA", "zzzz", "VOUCHER-Type_isStandard",
	};
	const struct tag *tab;
	size_t n, i;

	tab = tags_table(&n);
	for (i = 0; i < n; i++)
		cr_expect_eq(tags_find(tab[i].name, strlen(tab[i].name)),
		    &tab[i], "%s", tab[i].name);
	for (i = 0; i < sizeof(misses) / sizeof(misses[0]); i++)
		cr_expect_null(tags_find(misses[i], strlen(misses[i])),
		    "\"%s\" found", misses[i]);
	/* the length is the truth, not the terminator */
	cr_expect_eq(tags_find("VOUCHER-NumberX", 14), find("VOUCHER-Number"));
	cr_expect_null(tags_find("VOUCHER-Number", 13));
	cr_expect_null(tags_find("VOUCHER-Num\0ber", 15));
	cr_expect_null(tags_find(NULL, 0));
}

static const struct {
	const char	*name;
	enum tag_family	 f;
	int		 line;
} family_cases[] = {
	{ "VOUCHER-Number", TAG_FAMILY_VOUCHER, __LINE__ },
	{ "VOUCHER-Bogus", TAG_FAMILY_VOUCHER, __LINE__ },
	{ "VOUCHER-", TAG_FAMILY_VOUCHER, __LINE__ },
	{ "VOUCHER", TAG_FAMILY__MAX, __LINE__ },
	{ "voucher-Number", TAG_FAMILY__MAX, __LINE__ },
	{ "WS-VoucherNumber", TAG_FAMILY_LEGACY, __LINE__ },
	{ "WS-Voucher", TAG_FAMILY_LEGACY, __LINE__ },
	{ "WS-Vouche", TAG_FAMILY__MAX, __LINE__ },
	{ "WS-Basket", TAG_FAMILY__MAX, __LINE__ },
	{ "MSG-Voucher_error", TAG_FAMILY_MSG, __LINE__ },
	{ "MSG", TAG_FAMILY__MAX, __LINE__ },
	{ "BASKET-Total", TAG_FAMILY_BASKET, __LINE__ },
	{ "Basket-Total", TAG_FAMILY__MAX, __LINE__ },
	{ "SHOP-CSRF_field", TAG_FAMILY_SHOP, __LINE__ },
	{ "SHOPX", TAG_FAMILY__MAX, __LINE__ },
	{ "color", TAG_FAMILY__MAX, __LINE__ },
	{ "", TAG_FAMILY__MAX, __LINE__ },
};

Test(tags, family_by_prefix)
{
	size_t i;

	for (i = 0; i < sizeof(family_cases) / sizeof(family_cases[0]); i++)
		cr_expect_eq(tags_family(family_cases[i].name,
		    strlen(family_cases[i].name)), family_cases[i].f,
		    "line %d: %s", family_cases[i].line, family_cases[i].name);
	cr_expect_eq(tags_family("VOUCHER-", 7), TAG_FAMILY__MAX);
	cr_expect_eq(tags_family("SHOP-x", 5), TAG_FAMILY_SHOP);
}

/* --- voucher tags ---------------------------------------------------------------- */

Test(tags, type_flags_true_exactly_for_their_type)
{
	const struct tag *tab;
	size_t n, i, flags = 0;
	unsigned t, u;

	tab = tags_table(&n);
	for (i = 0; i < n; i++)
		if (strncmp(tab[i].name, "VOUCHER-Type_is", 15) == 0)
			flags++;
	cr_expect_eq(flags, VOUCHER_TYPE__MAX, "one flag per type");
	for (t = 0; t < VOUCHER_TYPE__MAX; t++) {
		char name[TAGS_NAME_MAX + 1];
		int len;

		/* the name is built from the handbook's type name */
		len = snprintf(name, sizeof(name), "VOUCHER-Type_is%s",
		    voucher_type_name((enum voucher_type)t));
		cr_assert(len > 0 && (size_t)len < sizeof(name));
		for (u = 0; u < VOUCHER_TYPE__MAX; u++) {
			struct tmpl_voucher tv;
			struct fixture fx;
			struct tval v;

			mk_voucher(&tv, VOUCHER_KIND_PROMO,
			    (enum voucher_type)u, VOUCHER_AMOUNT_ABSOLUTE,
			    1000);
			fx_init(&fx, &tv);
			v = get(name, &fx.env);
			cr_expect_eq(v.type, TVAL_BOOL, "%s", name);
			cr_expect_eq(tval_is_set(&v), t == u, "%s for %s", name,
			    voucher_type_name((enum voucher_type)u));
		}
	}
}

Test(tags, state_flags_true_exactly_for_their_state)
{
	unsigned s, u;

	for (s = 0; s < VOUCHER_STATE__MAX; s++) {
		char name[TAGS_NAME_MAX + 1];
		int len;

		len = snprintf(name, sizeof(name), "VOUCHER-State_is%s",
		    voucher_state_name((enum voucher_state)s));
		cr_assert(len > 16 && (size_t)len < sizeof(name));
		name[16] = (char)toupper((unsigned char)name[16]);
		for (u = 0; u < VOUCHER_STATE__MAX; u++) {
			struct tmpl_voucher tv;
			struct fixture fx;
			struct tval v;

			mk_voucher(&tv, VOUCHER_KIND_PROMO,
			    VOUCHER_STD_REUSABLE, VOUCHER_AMOUNT_ABSOLUTE,
			    1000);
			tv.v.state = (enum voucher_state)u;
			fx_init(&fx, &tv);
			v = get(name, &fx.env);
			cr_expect_eq(tval_is_set(&v), s == u, "%s", name);
			cr_expect_str_eq(text_of("VOUCHER-State", &fx.env),
			    voucher_state_name((enum voucher_state)u));
		}
	}
}

static const struct {
	uint32_t	 max, redeemed;
	const char	*max_s, *red_s, *rem_s;	/* NULL: NONE */
	bool		 max_set, red_set, rem_set;
	int		 line;
} redeem_cases[] = {
	{ 100, 0, "100", "0", "100", true, false, true, __LINE__ },
	{ 100, 37, "100", "37", "63", true, true, true, __LINE__ },
	{ 100, 100, "100", "100", "0", true, true, false, __LINE__ },
	{ 100, 120, "100", "120", "0", true, true, false, __LINE__ },
	{ 0, 0, NULL, "0", NULL, false, false, false, __LINE__ },
	{ 0, 12, NULL, "12", NULL, false, true, false, __LINE__ },
};

static void
expect_text_or_none(const char *name, struct tag_env *e, const char *want,
    bool set, int line)
{
	struct tval v = get(name, e);

	if (want == NULL)
		cr_expect_eq(v.type, TVAL_NONE, "line %d: %s", line, name);
	else
		cr_expect_str_eq(fmt(&v, e->data->conf), want, "line %d: %s",
		    line, name);
	cr_expect_eq(tval_is_set(&v), set, "line %d: %s set", line, name);
}

Test(tags, max_redeemable_trio)
{
	size_t i;

	for (i = 0; i < sizeof(redeem_cases) / sizeof(redeem_cases[0]); i++) {
		struct tmpl_voucher tv;
		struct fixture fx;
		int line = redeem_cases[i].line;

		mk_voucher(&tv, VOUCHER_KIND_PROMO, VOUCHER_UNI_NO_RESTRICTIONS,
		    VOUCHER_AMOUNT_ABSOLUTE, 500);
		tv.v.max_redemptions = redeem_cases[i].max;
		tv.v.redeemed = redeem_cases[i].redeemed;
		fx_init(&fx, &tv);
		expect_text_or_none("VOUCHER-MaxRedeemable", &fx.env,
		    redeem_cases[i].max_s, redeem_cases[i].max_set, line);
		expect_text_or_none("VOUCHER-MaxRedeemable_Redeemed", &fx.env,
		    redeem_cases[i].red_s, redeem_cases[i].red_set, line);
		expect_text_or_none("VOUCHER-MaxRedeemable_Remaining", &fx.env,
		    redeem_cases[i].rem_s, redeem_cases[i].rem_set, line);
	}
}

Test(tags, bound_user_index)
{
	struct tmpl_voucher tv;
	struct fixture fx;
	struct tval v;

	mk_voucher(&tv, VOUCHER_KIND_PROMO, VOUCHER_UNI_CUSTOMER_BINDING,
	    VOUCHER_AMOUNT_ABSOLUTE, 500);
	fx_init(&fx, &tv);
	v = get("VOUCHER-BoundUserIndex", &fx.env);
	cr_expect_eq(v.type, TVAL_NONE);
	cr_expect_not(tval_is_set(&v));
	copy(tv.v.bound_customer, sizeof(tv.v.bound_customer), "cust-42");
	v = get("VOUCHER-BoundUserIndex", &fx.env);
	cr_expect(tval_is_set(&v));
	cr_expect_str_eq(fmt(&v, &fx.conf), "cust-42");
}

Test(tags, value_voucher_with_balance)
{
	struct tmpl_voucher tv;
	struct fixture fx;
	struct tval v;

	mk_voucher(&tv, VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE,
	    VOUCHER_AMOUNT_ABSOLUTE, 5000);
	tv.v.balance = 1234;
	tv.v.valid_from = utc("2025-12-01T12:00:00Z");
	tv.v.valid_until = utc("2026-12-31T12:00:00Z");
	tv.reserved = true;
	tv.reserved_until = utc("2026-11-25T12:05:00Z");
	tv.deduction = 1234;
	fx_init(&fx, &tv);

	v = get("VOUCHER-DataExists", &fx.env);
	cr_expect_eq(v.type, TVAL_BOOL);
	cr_expect(tval_is_set(&v));
	cr_expect_str_eq(text_of("VOUCHER-Number", &fx.env), "GV-1234-ABCD");
	cr_expect_str_eq(text_of("VOUCHER-ChargeID", &fx.env), "CH-2026-11");
	cr_expect_str_eq(text_of("VOUCHER-ChargeCreator", &fx.env),
	    "Marketing");
	cr_expect_str_eq(text_of("VOUCHER-ChargeLabel", &fx.env),
	    "Winter sale");
	cr_expect_str_eq(text_of("VOUCHER-Value", &fx.env), "50,00 EUR");
	cr_expect_eq(get("VOUCHER-Value", &fx.env).type, TVAL_MONEY);
	cr_expect_str_eq(text_of("VOUCHER-Balance", &fx.env), "12,34 EUR");
	cr_expect_str_eq(text_of("VOUCHER-Currency", &fx.env), "EUR");
	cr_expect_str_eq(text_of("VOUCHER-ValidFrom_date", &fx.env),
	    "01.12.2025");
	cr_expect_str_eq(text_of("VOUCHER-ValidUntil_date", &fx.env),
	    "31.12.2026");
	cr_expect_str_eq(text_of("VOUCHER-ReservedUntil", &fx.env),
	    "25.11.2026 13:05");
	cr_expect_str_eq(text_of("VOUCHER-Deduction", &fx.env), "12,34 EUR");
	cr_expect_str_eq(text_of("VOUCHER-State", &fx.env), "active");
	v = get("VOUCHER-Kind_isValue", &fx.env);
	cr_expect(tval_is_set(&v));
	v = get("VOUCHER-Kind_isPromotional", &fx.env);
	cr_expect_eq(v.type, TVAL_BOOL);
	cr_expect_not(tval_is_set(&v));
	v = get("VOUCHER-AmountType_isAbsolute", &fx.env);
	cr_expect(tval_is_set(&v));
	v = get("VOUCHER-AmountType_isPercent", &fx.env);
	cr_expect_not(tval_is_set(&v));
	v = get("VOUCHER-Reserved", &fx.env);
	cr_expect(tval_is_set(&v));
	v = get("VOUCHER-MinOrderValue", &fx.env);
	cr_expect_eq(v.type, TVAL_NONE);
	v = get("VOUCHER-State_isActive", &fx.env);
	cr_expect(tval_is_set(&v));
	/* a used-up balance is 0,00 EUR, shown but not set */
	tv.v.balance = 0;
	v = get("VOUCHER-Balance", &fx.env);
	cr_expect_eq(v.type, TVAL_MONEY);
	cr_expect_not(tval_is_set(&v));
	cr_expect_str_eq(fmt(&v, &fx.conf), "0,00 EUR");
	/* spent: the UsedVoucherNumber text, not before */
	cr_expect_str_eq(text_of("VOUCHER-UsedVoucherNumber_Text", &fx.env),
	    fx.conf.text_used_number);
	tv.v.balance = 1;
	cr_expect_eq(get("VOUCHER-UsedVoucherNumber_Text", &fx.env).type,
	    TVAL_NONE);
	tv.v.balance = 0;
	/* no reservation, no deduction, no dates */
	tv.reserved = false;
	tv.deduction = 0;
	tv.v.valid_from = 0;
	tv.v.valid_until = 0;
	cr_expect_eq(get("VOUCHER-ReservedUntil", &fx.env).type, TVAL_NONE);
	cr_expect_eq(get("VOUCHER-Deduction", &fx.env).type, TVAL_NONE);
	cr_expect_eq(get("VOUCHER-ValidFrom_date", &fx.env).type, TVAL_NONE);
	cr_expect_eq(get("VOUCHER-ValidUntil_date", &fx.env).type, TVAL_NONE);
}

Test(tags, percent_voucher)
{
	struct tmpl_voucher tv;
	struct fixture fx;
	struct tval v;

	mk_voucher(&tv, VOUCHER_KIND_PROMO, VOUCHER_UNI_ONCE_PER_CUSTOMER,
	    VOUCHER_AMOUNT_PERCENT, 1250);
	tv.v.min_order = 250000;
	copy(tv.v.currency, sizeof(tv.v.currency), "CHF");
	fx_init(&fx, &tv);
	v = get("VOUCHER-Value", &fx.env);
	cr_expect_eq(v.type, TVAL_PERCENT);
	cr_expect_str_eq(fmt(&v, &fx.conf), "12,5 %");
	cr_expect_eq(get("VOUCHER-Balance", &fx.env).type, TVAL_NONE);
	cr_expect_str_eq(text_of("VOUCHER-MinOrderValue", &fx.env),
	    "2.500,00 CHF");
	cr_expect_str_eq(text_of("VOUCHER-Currency", &fx.env), "CHF");
	v = get("VOUCHER-AmountType_isPercent", &fx.env);
	cr_expect(tval_is_set(&v));
	v = get("VOUCHER-Kind_isPromotional", &fx.env);
	cr_expect(tval_is_set(&v));
	v = get("VOUCHER-Type_isUniversal_OncePerCustomer", &fx.env);
	cr_expect(tval_is_set(&v));
}

/* Every VOUCHER- value tag but DataExists is NONE without a voucher. */
static void
expect_all_none(struct tag_env *e)
{
	const struct tag *tab;
	size_t n, i;
	struct tval v;

	tab = tags_table(&n);
	for (i = 0; i < n; i++) {
		if (tab[i].family != TAG_FAMILY_VOUCHER ||
		    tab[i].kind != TAG_VALUE)
			continue;
		v = get(tab[i].name, e);
		if (strcmp(tab[i].name, "VOUCHER-DataExists") == 0) {
			cr_expect_eq(v.type, TVAL_BOOL);
			cr_expect_eq(v.i, 0);
		} else {
			cr_expect_eq(v.type, TVAL_NONE, "%s", tab[i].name);
		}
		cr_expect_str_eq(fmt(&v, e->data->conf), "", "%s",
		    tab[i].name);
	}
}

Test(tags, unknown_voucher_is_empty)
{
	struct tmpl_voucher tv;
	struct fixture fx;

	/* a loaded record that does not exist keeps whatever was in it */
	mk_voucher(&tv, VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE,
	    VOUCHER_AMOUNT_ABSOLUTE, 5000);
	tv.exists = false;
	fx_init(&fx, &tv);
	expect_all_none(&fx.env);
	fx_init(&fx, NULL);
	expect_all_none(&fx.env);
}

/* --- legacy, messages, basket, shop ------------------------------------------------ */

Test(tags, legacy_tags_fall_back_to_first_basket_voucher)
{
	struct tmpl_voucher vs[2], scoped;
	struct tmpl_basket b;
	struct fixture fx;
	struct tval v;

	mk_voucher(&vs[0], VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE,
	    VOUCHER_AMOUNT_ABSOLUTE, 2000);
	copy(vs[0].v.code, sizeof(vs[0].v.code), "FIRST");
	vs[0].v.balance = 1500;
	vs[0].deduction = 700;
	vs[0].v.valid_until = utc("2026-11-24T23:30:00Z");
	mk_voucher(&vs[1], VOUCHER_KIND_PROMO, VOUCHER_STD_EXPIRES,
	    VOUCHER_AMOUNT_ABSOLUTE, 1000);
	copy(vs[1].v.code, sizeof(vs[1].v.code), "SECOND");
	memset(&b, 0, sizeof(b));
	b.vouchers = vs;
	b.nvouchers = 2;
	copy(b.currency, sizeof(b.currency), "EUR");

	/* no basket, no voucher in scope */
	fx_init(&fx, NULL);
	v = get("WS-VoucherExists", &fx.env);
	cr_expect_eq(v.type, TVAL_BOOL);
	cr_expect_not(tval_is_set(&v));
	cr_expect_eq(get("WS-VoucherNumber", &fx.env).type, TVAL_NONE);
	cr_expect_eq(get("WS-VoucherValue", &fx.env).type, TVAL_NONE);

	fx.data.basket = &b;
	v = get("WS-VoucherExists", &fx.env);
	cr_expect(tval_is_set(&v));
	cr_expect_str_eq(text_of("WS-VoucherNumber", &fx.env), "FIRST");
	cr_expect_str_eq(text_of("WS-VoucherValue", &fx.env), "20,00 EUR");
	cr_expect_str_eq(text_of("WS-VoucherBalance", &fx.env), "15,00 EUR");
	cr_expect_str_eq(text_of("WS-VoucherDeduction", &fx.env), "7,00 EUR");
	cr_expect_str_eq(text_of("WS-VoucherValidUntil", &fx.env),
	    "25.11.2026");

	/* a voucher in scope wins */
	mk_voucher(&scoped, VOUCHER_KIND_PROMO, VOUCHER_UNI_NO_RESTRICTIONS,
	    VOUCHER_AMOUNT_PERCENT, 1000);
	copy(scoped.v.code, sizeof(scoped.v.code), "SCOPED");
	fx.env.voucher = &scoped;
	cr_expect_str_eq(text_of("WS-VoucherNumber", &fx.env), "SCOPED");
	cr_expect_str_eq(text_of("WS-VoucherValue", &fx.env), "10 %");
	cr_expect_eq(get("WS-VoucherBalance", &fx.env).type, TVAL_NONE);
	cr_expect_eq(get("WS-VoucherValidUntil", &fx.env).type, TVAL_NONE);
	scoped.exists = false;
	v = get("WS-VoucherExists", &fx.env);
	cr_expect_not(tval_is_set(&v));

	/* an empty basket */
	fx.env.voucher = NULL;
	b.nvouchers = 0;
	v = get("WS-VoucherExists", &fx.env);
	cr_expect_not(tval_is_set(&v));
}

Test(tags, number_input_field_name)
{
	struct fixture fx;

	fx_init(&fx, NULL);
	cr_expect_str_eq(text_of("WS-VoucherNumber_input", &fx.env),
	    "WS-VoucherNumber");
	fx.data.voucher_field = "code";
	cr_expect_str_eq(text_of("WS-VoucherNumber_input", &fx.env), "code");
}

Test(tags, msg_voucher_error_and_hidden_reasons)
{
	struct fixture fx;
	struct tval v;

	fx_init(&fx, NULL);
	cr_expect_eq(get("MSG-Voucher_error", &fx.env).type, TVAL_NONE);
	cr_expect_eq(get("MSG-Voucher_error_Text", &fx.env).type, TVAL_NONE);

	copy(fx.conf.reason_text[2], sizeof(fx.conf.reason_text[2]),
	    "Unbekannter Gutschein.");
	copy(fx.conf.reason_text[4], sizeof(fx.conf.reason_text[4]),
	    "Der Gutschein ist abgelaufen.");
	fx.data.error_reason = REASON_EXPIRED;
	fx.conf.hide_reasons = false;
	v = get("MSG-Voucher_error", &fx.env);
	cr_expect_eq(v.type, TVAL_INT);
	cr_expect_str_eq(fmt(&v, &fx.conf), "4");
	cr_expect_str_eq(text_of("MSG-Voucher_error_Text", &fx.env),
	    "Der Gutschein ist abgelaufen.");
	fx.conf.hide_reasons = true;
	cr_expect_str_eq(text_of("MSG-Voucher_error", &fx.env), "2");
	cr_expect_str_eq(text_of("MSG-Voucher_error_Text", &fx.env),
	    "Unbekannter Gutschein.");
	/* reasons that reveal nothing stay as they are */
	fx.data.error_reason = REASON_MAX_REDEMPTIONS;
	cr_expect_str_eq(text_of("MSG-Voucher_error", &fx.env), "13");
	/* without a config: the default texts, nothing hidden */
	fx.data.conf = NULL;
	fx.data.error_reason = REASON_EXPIRED;
	cr_expect_str_eq(text_of("MSG-Voucher_error", &fx.env), "4");
	v = get("MSG-Voucher_error_Text", &fx.env);
	cr_expect_eq(v.type, TVAL_TEXT);
}

Test(tags, basket_and_lines)
{
	static const struct tmpl_line lines[] = {
		{ "BK-1", "Buch", 1, 2000, 2000, false, 0, 700, false },
		{ "P-7", "Tasse", 2, 250, 500, true, 300, 1900, false },
	};
	struct tmpl_basket b;
	struct fixture fx;
	struct tval v;

	fx_init(&fx, NULL);
	/* no basket: every basket tag is NONE */
	cr_expect_eq(get("BASKET-isEmpty", &fx.env).type, TVAL_NONE);
	cr_expect_eq(get("BASKET-ItemCount", &fx.env).type, TVAL_NONE);
	cr_expect_eq(get("BASKET-Total", &fx.env).type, TVAL_NONE);
	cr_expect_eq(get("BASKET-PaymentNeeded", &fx.env).type, TVAL_NONE);
	cr_expect_eq(get("BASKET-Item_Name", &fx.env).type, TVAL_NONE);

	memset(&b, 0, sizeof(b));
	copy(b.currency, sizeof(b.currency), "EUR");
	fx.data.basket = &b;
	v = get("BASKET-isEmpty", &fx.env);
	cr_expect(tval_is_set(&v));
	v = get("BASKET-HasVouchers", &fx.env);
	cr_expect_eq(v.type, TVAL_BOOL);
	cr_expect_not(tval_is_set(&v));

	b.lines = lines;
	b.nlines = 2;
	b.subtotal = 2500;
	b.extra_costs = 300;
	b.discount = 800;
	b.total = 2000;
	b.paid_by_vouchers = 0;
	b.due = 2000;
	v = get("BASKET-isEmpty", &fx.env);
	cr_expect_eq(v.type, TVAL_BOOL);
	cr_expect_not(tval_is_set(&v));
	cr_expect_str_eq(text_of("BASKET-ItemCount", &fx.env), "2");
	cr_expect_str_eq(text_of("BASKET-Subtotal", &fx.env), "25,00 EUR");
	cr_expect_str_eq(text_of("BASKET-ExtraCosts", &fx.env), "3,00 EUR");
	cr_expect_str_eq(text_of("BASKET-Discount", &fx.env), "8,00 EUR");
	cr_expect_str_eq(text_of("BASKET-Total", &fx.env), "20,00 EUR");
	cr_expect_eq(get("BASKET-PaidByVouchers", &fx.env).type, TVAL_NONE);
	cr_expect_str_eq(text_of("BASKET-Due", &fx.env), "20,00 EUR");
	v = get("BASKET-PaymentNeeded", &fx.env);
	cr_expect(tval_is_set(&v));
	cr_expect_str_eq(text_of("BASKET-VoucherCount", &fx.env), "0");
	b.due = 0;
	b.paid_by_vouchers = 2000;
	b.discount = 0;
	v = get("BASKET-PaymentNeeded", &fx.env);
	cr_expect_eq(v.type, TVAL_BOOL);
	cr_expect_not(tval_is_set(&v));
	cr_expect_str_eq(text_of("BASKET-PaidByVouchers", &fx.env),
	    "20,00 EUR");
	cr_expect_eq(get("BASKET-Discount", &fx.env).type, TVAL_NONE);
	v = get("BASKET-Due", &fx.env);
	cr_expect_eq(v.type, TVAL_MONEY);
	cr_expect_str_eq(fmt(&v, &fx.conf), "0,00 EUR");

	/* line tags read the line in scope */
	cr_expect_eq(get("BASKET-Item_ID", &fx.env).type, TVAL_NONE);
	fx.env.line = &lines[0];
	cr_expect_str_eq(text_of("BASKET-Item_ID", &fx.env), "BK-1");
	cr_expect_str_eq(text_of("BASKET-Item_Name", &fx.env), "Buch");
	cr_expect_str_eq(text_of("BASKET-Item_Quantity", &fx.env), "1");
	cr_expect_str_eq(text_of("BASKET-Item_Price", &fx.env), "20,00 EUR");
	v = get("BASKET-Item_isEligible", &fx.env);
	cr_expect_eq(v.type, TVAL_BOOL);
	cr_expect_not(tval_is_set(&v));
	cr_expect_eq(get("BASKET-Item_Discount", &fx.env).type, TVAL_NONE);
	fx.env.line = &lines[1];
	cr_expect_str_eq(text_of("BASKET-Item_Quantity", &fx.env), "2");
	cr_expect_str_eq(text_of("BASKET-Item_UnitPrice", &fx.env),
	    "2,50 EUR");
	cr_expect_str_eq(text_of("BASKET-Item_Price", &fx.env), "5,00 EUR");
	v = get("BASKET-Item_isEligible", &fx.env);
	cr_expect(tval_is_set(&v));
	cr_expect_str_eq(text_of("BASKET-Item_Discount", &fx.env),
	    "3,00 EUR");
}

Test(tags, csrf_field_is_escaped_markup)
{
	struct fixture fx;
	struct tval v;
	char tok[TAGS_TEXT_MAX + 1];

	fx_init(&fx, NULL);
	cr_expect_eq(get("SHOP-CSRF_token", &fx.env).type, TVAL_NONE);
	cr_expect_eq(get("SHOP-CSRF_field", &fx.env).type, TVAL_NONE);

	fx.data.csrf_token = "a\"<&b'>";
	cr_expect_str_eq(text_of("SHOP-CSRF_token", &fx.env), "a\"<&b'>");
	v = get("SHOP-CSRF_field", &fx.env);
	cr_expect_eq(v.type, TVAL_MARKUP);
	cr_expect_str_eq(fmt(&v, &fx.conf), "<input type=\"hidden\" "
	    "name=\"csrf\" value=\"a&quot;&lt;&amp;b&#39;&gt;\">");

	fx.data.csrf_token = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MDEyMzQ1Njc4OTA";
	cr_expect_str_eq(text_of("SHOP-CSRF_field", &fx.env),
	    "<input type=\"hidden\" name=\"csrf\" value=\""
	    "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MDEyMzQ1Njc4OTA\">");

	/* too long for the scratch space: no field rather than half a one */
	memset(tok, 'x', sizeof(tok) - 1);
	tok[sizeof(tok) - 1] = '\0';
	fx.data.csrf_token = tok;
	cr_expect_eq(get("SHOP-CSRF_field", &fx.env).type, TVAL_NONE);
	/* the largest that fits: head 40 + token + 2 + NUL = 128 */
	tok[TAGS_TEXT_MAX - 43] = '\0';
	v = get("SHOP-CSRF_field", &fx.env);
	cr_expect_eq(v.type, TVAL_MARKUP);
	cr_expect_eq(v.len, TAGS_TEXT_MAX - 1);
	tok[TAGS_TEXT_MAX - 43] = 'x';
	tok[TAGS_TEXT_MAX - 42] = '\0';
	cr_expect_eq(get("SHOP-CSRF_field", &fx.env).type, TVAL_NONE);
	tok[0] = '&';
	tok[TAGS_TEXT_MAX - 46] = '\0';
	cr_expect_eq(get("SHOP-CSRF_field", &fx.env).type, TVAL_NONE);
}

Test(tags, shop_settings)
{
	struct fixture fx;
	struct tval v;

	fx_init(&fx, NULL);
	cr_expect_str_eq(text_of("SHOP-VoucherName", &fx.env), "Gutschein");
	v = get("SHOP-VoucherInput_isBasket", &fx.env);
	cr_expect(tval_is_set(&v));
	v = get("SHOP-VoucherInput_isPlaceOrder", &fx.env);
	cr_expect_not(tval_is_set(&v));
	v = get("SHOP-MultiVoucher_isAllowed", &fx.env);
	cr_expect_not(tval_is_set(&v));

	copy(fx.conf.name, sizeof(fx.conf.name), "Coupon");
	fx.conf.input_location = CONF_INPUT_PLACEORDER;
	fx.conf.multi_voucher_allow = CONF_MULTI_TEST;
	cr_expect_str_eq(text_of("SHOP-VoucherName", &fx.env), "Coupon");
	v = get("SHOP-VoucherInput_isBasket", &fx.env);
	cr_expect_not(tval_is_set(&v));
	v = get("SHOP-VoucherInput_isPlaceOrder", &fx.env);
	cr_expect(tval_is_set(&v));
	v = get("SHOP-MultiVoucher_isAllowed", &fx.env);
	cr_expect_not(tval_is_set(&v), "test is not yes");
	fx.conf.multi_voucher_allow = CONF_MULTI_YES;
	v = get("SHOP-MultiVoucher_isAllowed", &fx.env);
	cr_expect(tval_is_set(&v));
	/* no config at all: the defaults */
	fx.data.conf = NULL;
	cr_expect_str_eq(text_of("SHOP-VoucherName", &fx.env), "Gutschein");
}

/* --- formatting ---------------------------------------------------------------- */

static const struct {
	int64_t		 cents;
	const char	*currency;
	const char	*want;
	int		 line;
} money_fmt_cases[] = {
	{ 0, "EUR", "0,00 EUR", __LINE__ },
	{ 5, "EUR", "0,05 EUR", __LINE__ },
	{ 99, "EUR", "0,99 EUR", __LINE__ },
	{ 100, "EUR", "1,00 EUR", __LINE__ },
	{ 99999, "EUR", "999,99 EUR", __LINE__ },
	{ 100000, "EUR", "1.000,00 EUR", __LINE__ },
	{ 123456, "EUR", "1.234,56 EUR", __LINE__ },
	{ 123456789, "EUR", "1.234.567,89 EUR", __LINE__ },
	{ 100000000000, "CHF", "1.000.000.000,00 CHF", __LINE__ },
	{ -5, "EUR", "-0,05 EUR", __LINE__ },
	{ -123456, "EUR", "-1.234,56 EUR", __LINE__ },
	{ INT64_MAX, "EUR", "92.233.720.368.547.758,07 EUR", __LINE__ },
	{ INT64_MIN, "EUR", "-92.233.720.368.547.758,08 EUR", __LINE__ },
	{ 1050, "", "10,50", __LINE__ },
	{ 1050, NULL, "10,50", __LINE__ },
};

Test(tags, format_money)
{
	size_t i;

	for (i = 0; i < sizeof(money_fmt_cases) / sizeof(money_fmt_cases[0]);
	    i++) {
		struct tval v = { .type = TVAL_MONEY,
		    .i = money_fmt_cases[i].cents,
		    .currency = money_fmt_cases[i].currency };

		cr_expect_str_eq(fmt(&v, NULL), money_fmt_cases[i].want,
		    "line %d", money_fmt_cases[i].line);
		cr_expect_eq(tval_is_set(&v), money_fmt_cases[i].cents != 0,
		    "line %d", money_fmt_cases[i].line);
	}
}

static const struct {
	int64_t		 bp;
	const char	*want;
	int		 line;
} percent_fmt_cases[] = {
	{ 1250, "12,5 %", __LINE__ },
	{ 1000, "10 %", __LINE__ },
	{ 1225, "12,25 %", __LINE__ },
	{ 5, "0,05 %", __LINE__ },
	{ 50, "0,5 %", __LINE__ },
	{ 10000, "100 %", __LINE__ },
	{ -250, "-2,5 %", __LINE__ },
};

Test(tags, format_percent)
{
	size_t i;

	for (i = 0; i < sizeof(percent_fmt_cases) /
	    sizeof(percent_fmt_cases[0]); i++) {
		struct tval v = { .type = TVAL_PERCENT,
		    .i = percent_fmt_cases[i].bp };

		cr_expect_str_eq(fmt(&v, NULL), percent_fmt_cases[i].want,
		    "line %d", percent_fmt_cases[i].line);
	}
}

static const struct {
	const char	*instant;
	const char	*zone;		/* NULL: no config */
	enum tval_type	 type;
	const char	*want;
	int		 line;
} date_fmt_cases[] = {
	/* winter (CET, UTC+1) */
	{ "2026-11-24T22:59:59Z", "Europe/Berlin", TVAL_DATE, "24.11.2026",
	    __LINE__ },
	{ "2026-11-24T23:00:00Z", "Europe/Berlin", TVAL_DATE, "25.11.2026",
	    __LINE__ },
	{ "2026-11-24T23:30:00Z", "Europe/Berlin", TVAL_DATE, "25.11.2026",
	    __LINE__ },
	{ "2026-11-24T23:30:00Z", NULL, TVAL_DATE, "25.11.2026", __LINE__ },
	{ "2026-11-24T23:30:00Z", "UTC", TVAL_DATE, "24.11.2026", __LINE__ },
	{ "2026-12-31T23:00:00Z", "Europe/Berlin", TVAL_DATE, "01.01.2027",
	    __LINE__ },
	/* summer (CEST, UTC+2) */
	{ "2026-07-14T21:59:59Z", "Europe/Berlin", TVAL_DATE, "14.07.2026",
	    __LINE__ },
	{ "2026-07-14T22:00:00Z", "Europe/Berlin", TVAL_DATE, "15.07.2026",
	    __LINE__ },
	{ "2026-07-14T22:30:00Z", NULL, TVAL_DATE, "15.07.2026", __LINE__ },
	/* date and time */
	{ "2026-11-24T12:05:00Z", "Europe/Berlin", TVAL_DATETIME,
	    "24.11.2026 13:05", __LINE__ },
	{ "2026-07-01T06:07:00Z", NULL, TVAL_DATETIME, "01.07.2026 08:07",
	    __LINE__ },
	{ "2026-11-24T23:30:00Z", "Europe/Berlin", TVAL_DATETIME,
	    "25.11.2026 00:30", __LINE__ },
	{ "2026-11-24T12:05:00Z", "America/New_York", TVAL_DATETIME,
	    "24.11.2026 07:05", __LINE__ },
	/* back to Berlin after another zone: the zone follows the config */
	{ "2026-11-24T12:05:00Z", "Europe/Berlin", TVAL_DATETIME,
	    "24.11.2026 13:05", __LINE__ },
};

Test(tags, format_dates_in_shop_zone)
{
	struct voucher_conf c;
	size_t i;

	conf_defaults(&c);
	for (i = 0; i < sizeof(date_fmt_cases) / sizeof(date_fmt_cases[0]);
	    i++) {
		struct tval v = { .type = date_fmt_cases[i].type,
		    .i = utc(date_fmt_cases[i].instant) };

		if (date_fmt_cases[i].zone != NULL)
			copy(c.timezone, sizeof(c.timezone),
			    date_fmt_cases[i].zone);
		cr_expect_str_eq(fmt(&v, date_fmt_cases[i].zone != NULL ? &c :
		    NULL), date_fmt_cases[i].want, "line %d",
		    date_fmt_cases[i].line);
	}
}

Test(tags, format_other_types_and_is_set)
{
	struct tval v;
	struct buf b = BUF_INIT;

	v = (struct tval){ .type = TVAL_NONE };
	cr_expect_str_eq(fmt(&v, NULL), "");
	cr_expect_not(tval_is_set(&v));
	v = (struct tval){ .type = TVAL_BOOL, .i = 1 };
	cr_expect_str_eq(fmt(&v, NULL), "", "yes/no prints nothing");
	cr_expect(tval_is_set(&v));
	v.i = 0;
	cr_expect_not(tval_is_set(&v));
	v = (struct tval){ .type = TVAL_INT, .i = -42 };
	cr_expect_str_eq(fmt(&v, NULL), "-42");
	cr_expect(tval_is_set(&v));
	v.i = 0;
	cr_expect_str_eq(fmt(&v, NULL), "0");
	cr_expect_not(tval_is_set(&v));
	v = (struct tval){ .type = TVAL_TEXT, .s = "a<b>&", .len = 5 };
	cr_expect_str_eq(fmt(&v, NULL), "a<b>&", "never escapes");
	cr_expect(tval_is_set(&v));
	v.len = 0;
	cr_expect_not(tval_is_set(&v));
	v = (struct tval){ .type = TVAL_MARKUP, .s = "<br>", .len = 4 };
	cr_expect_str_eq(fmt(&v, NULL), "<br>");
	cr_expect(tval_is_set(&v));
	v = (struct tval){ .type = TVAL_DATE, .i = 0 };
	cr_expect_not(tval_is_set(&v));
	v = (struct tval){ .type = TVAL_PERCENT, .i = 1 };
	cr_expect(tval_is_set(&v));
	cr_expect_not(tval_is_set(NULL));
	/* formatting appends */
	cr_assert_eq(buf_append_str(&b, "x="), WS_OK);
	v = (struct tval){ .type = TVAL_MONEY, .i = 123456, .currency = "EUR" };
	cr_assert_eq(tval_format(&v, NULL, &b), WS_OK);
	cr_expect_str_eq(buf_cstr(&b), "x=1.234,56 EUR");
	v = (struct tval){ .type = TVAL_TYPE__MAX };
	cr_expect_eq(tval_format(&v, NULL, &b), WS_ERR_INVALID);
	cr_expect_str_eq(buf_cstr(&b), "x=1.234,56 EUR");
	buf_free(&b);
}

/* --- doc/tags.md ---------------------------------------------------------------- */

Test(tags, doc_file_is_generated_from_table)
{
	struct buf want = BUF_INIT, again = BUF_INIT;
	const struct tag *tab;
	char *have;
	size_t n, i, got;
	long size;
	FILE *f;

	cr_assert_eq(tags_write_markdown(&want), WS_OK);
	cr_assert_eq(tags_write_markdown(&again), WS_OK);
	cr_expect_eq(want.len, again.len, "deterministic");
	cr_expect_eq(memcmp(want.data, again.data, want.len), 0);
	tab = tags_table(&n);
	for (i = 0; i < n; i++) {
		char cell[TAGS_NAME_MAX + 8];

		snprintf(cell, sizeof(cell), "| `%s` |", tab[i].name);
		cr_expect_not_null(strstr(buf_cstr(&want), cell), "%s missing",
		    tab[i].name);
	}

	f = fopen(DOC_PATH, "rb");
	cr_assert_not_null(f, "cannot open %s", DOC_PATH);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	cr_assert_geq(size, 0);
	cr_assert_eq(fseek(f, 0, SEEK_SET), 0);
	have = malloc((size_t)size + 1);
	cr_assert_not_null(have);
	got = fread(have, 1, (size_t)size, f);
	fclose(f);
	cr_assert_eq(got, (size_t)size);
	cr_expect_eq(got, want.len, "doc/tags.md is %zu bytes, the table "
	    "makes %zu: regenerate it", got, want.len);
	cr_expect_eq(memcmp(have, want.data, got < want.len ? got : want.len),
	    0, "doc/tags.md differs from tags_write_markdown(): regenerate "
	    "it");
	free(have);
	buf_free(&want);
	buf_free(&again);
}

Test(tags, locales_format_money_percent_and_dates)
{
	static const struct {
		enum conf_locale	 locale;
		const char		*money, *percent, *date;
	} cases[] = {
		{ CONF_LOCALE_DE_DE, "1.234.567,89 EUR", "12,5 %",
		    "25.11.2026" },
		{ CONF_LOCALE_DE_CH, "1'234'567.89 EUR", "12.5 %",
		    "25.11.2026" },
		{ CONF_LOCALE_EN_GB, "1,234,567.89 EUR", "12.5 %",
		    "25/11/2026" },
	};
	struct voucher_conf conf;
	size_t i;

	conf_defaults(&conf);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tval m = { TVAL_MONEY, 123456789, NULL, 0, "EUR" };
		struct tval p = { TVAL_PERCENT, 1250, NULL, 0, NULL };
		/* 2026-11-24T23:30:00Z: the 25th in Berlin */
		struct tval d = { TVAL_DATE, 1795563000, NULL, 0, NULL };
		struct buf b = BUF_INIT;

		conf.locale = cases[i].locale;
		cr_assert_eq(tval_format(&m, &conf, &b), WS_OK);
		cr_expect_str_eq(buf_cstr(&b), cases[i].money);
		buf_reset(&b);
		cr_assert_eq(tval_format(&p, &conf, &b), WS_OK);
		cr_expect_str_eq(buf_cstr(&b), cases[i].percent);
		buf_reset(&b);
		cr_assert_eq(tval_format(&d, &conf, &b), WS_OK);
		cr_expect_str_eq(buf_cstr(&b), cases[i].date);
		buf_free(&b);
	}
}
