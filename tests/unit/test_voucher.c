/*
 * test_voucher.c - names and structural rules of the voucher model.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "voucher.h"

Test(voucher, type_names_round_trip)
{
	unsigned t;

	for (t = 0; t < VOUCHER_TYPE__MAX; t++) {
		const char *n = voucher_type_name((enum voucher_type)t);
		enum voucher_type back;

		cr_expect_eq(voucher_type_parse(n, strlen(n), &back), WS_OK);
		cr_expect_eq((unsigned)back, t);
	}
	cr_expect_str_eq(voucher_type_name(VOUCHER_UNI_CUSTOMER_BINDING),
	    "Universal_customerBinding");
}

Test(voucher, type_properties)
{
	cr_expect(voucher_type_needs_login(VOUCHER_UNI_ONCE_PER_CUSTOMER));
	cr_expect(voucher_type_needs_login(VOUCHER_STD_EXPIRES_NEW));
	cr_expect(!voucher_type_needs_login(VOUCHER_UNI_NO_RESTRICTIONS));
	cr_expect(!voucher_type_needs_login(VOUCHER_STD_REUSABLE));
	cr_expect(voucher_type_remainder_expires(VOUCHER_STD_EXPIRES));
	cr_expect(!voucher_type_remainder_expires(VOUCHER_STD_REUSABLE));
}

static unsigned
problems(const struct voucher *v)
{
	struct diags d;
	unsigned n;

	diags_init(&d);
	voucher_validate(v, &d, "x", 1);
	n = (unsigned)diags_count(&d);
	diags_free(&d);
	return n;
}

Test(voucher, validate_combinations)
{
	struct voucher v;

	voucher_init(&v);
	memcpy(v.code, "ABC", 4);
	v.amount = 1000;
	v.balance = 1000;
	cr_expect_eq(problems(&v), 0);

	v.kind = VOUCHER_KIND_VALUE;
	v.type = VOUCHER_UNI_NO_RESTRICTIONS;
	v.balance = 0;
	cr_expect_eq(problems(&v), 1, "value voucher must be Standard");

	voucher_init(&v);
	memcpy(v.code, "ABC", 4);
	v.amount_type = VOUCHER_AMOUNT_PERCENT;
	v.amount = 1000;
	cr_expect_eq(problems(&v), 1, "percent with remainder reusable");
	v.type = VOUCHER_STD_EXPIRES;
	cr_expect_eq(problems(&v), 0);
	v.amount = 10001;
	cr_expect_eq(problems(&v), 1, "over 100 %%");

	voucher_init(&v);
	memcpy(v.code, "ABC", 4);
	v.amount = 1000;
	v.balance = 1001;
	cr_expect_eq(problems(&v), 1, "balance above amount");
	v.balance = 500;
	v.valid_from = 2000;
	v.valid_until = 1000;
	cr_expect_eq(problems(&v), 1, "until before from");
	v.valid_until = 0;
	v.max_redemptions = 5;
	cr_expect_eq(problems(&v), 1, "max redemptions on Standard");
	v.max_redemptions = 0;
	memcpy(v.currency, "eu", 3);
	cr_expect_eq(problems(&v), 1, "currency");
}
