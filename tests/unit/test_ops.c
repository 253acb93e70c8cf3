/*
 * test_ops.c - the voucher operations end to end on a real store:
 * reservation, release, expiry, redemption, universal counting, binding,
 * once per customer, invalidation, top-up, import all or nothing.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ops.h"
#include "testutil.h"

#define T0	1800000000LL
#define HOUR	3600

static char *dir;
static struct store *s;
static struct voucher_conf conf;

static void
setup(void)
{
	dir = tu_tmpdir();
	s = tu_store(dir);
	conf_defaults(&conf);
}

static void
teardown(void)
{
	store_close(s);
	tu_rmrf(dir);
	free(dir);
}

TestSuite(ops, .init = setup, .fini = teardown);

Test(ops, reserve_blocks_others_then_release)
{
	struct ops_ctx a = tu_ctx("basket-a", "", 3000);
	struct ops_ctx b = tu_ctx("basket-b", "", 3000);
	struct ops_ctx pos = tu_ctx("pos-1", "", 3000);
	struct ops_result r;

	tu_issue(s, "GIFT1", VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE, 5000);
	a.now = b.now = pos.now = T0;
	pos.channel = VOUCHER_CHANNEL_POS;
	cr_assert_eq(ops_activate(s, &conf, "GIFT1", &a, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 0);
	cr_expect_eq(r.amount, 3000);
	cr_expect_eq(r.hold_until, T0 + 24 * HOUR, "24 h by default");
	/* another basket and the POS: 19 with the reservation's end */
	cr_assert_eq(ops_activate(s, &conf, "GIFT1", &b, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 19);
	cr_expect_eq(r.hold_until, T0 + 24 * HOUR);
	cr_assert_eq(ops_redeem(s, &conf, "GIFT1", &pos, 100, &r), WS_OK);
	cr_expect_eq(r.reason, 19);
	/* the same basket again: 22 */
	cr_assert_eq(ops_activate(s, &conf, "GIFT1", &a, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 22);
	/* removal releases at once */
	cr_assert_eq(ops_remove(s, "GIFT1", &a, &r), WS_OK);
	cr_expect_eq(r.reason, 0);
	cr_expect_eq(tu_holds(s, "GIFT1", T0), 0);
	cr_assert_eq(ops_activate(s, &conf, "GIFT1", &b, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 0);
	cr_expect_eq(tu_get(s, "GIFT1").balance, 5000, "a hold is no debit");
	cr_expect_eq(tu_ledger_sum(s, "GIFT1", NULL), 5000);
}

Test(ops, reservation_expires_after_configured_hours)
{
	struct ops_ctx a = tu_ctx("basket-a", "", 1000);
	struct ops_ctx b = tu_ctx("basket-b", "", 1000);
	struct ops_result r;
	uint64_t n;

	conf.reservation_hours = 2;
	tu_issue(s, "G2", VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE, 5000);
	a.now = T0;
	cr_assert_eq(ops_activate(s, &conf, "G2", &a, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 0);
	/* a closed browser leaves it reserved until the end */
	b.now = T0 + 2 * HOUR - 1;
	cr_assert_eq(ops_activate(s, &conf, "G2", &b, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 19);
	b.now = T0 + 2 * HOUR;
	cr_assert_eq(ops_activate(s, &conf, "G2", &b, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 0, "expired hold no longer blocks");
	cr_assert_eq(ops_expire_holds(s, T0 + 100 * HOUR, &n), WS_OK);
	cr_expect_eq(n, 1);
	cr_expect_eq(tu_holds(s, "G2", 0), 0);
}

Test(ops, commit_turns_hold_into_redemption_remainder_stays)
{
	struct ops_ctx a = tu_ctx("basket-a", "", 3000);
	struct ops_result r;
	struct voucher v;

	tu_issue(s, "G3", VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE, 5000);
	cr_assert_eq(ops_activate(s, &conf, "G3", &a, 0, &r), WS_OK);
	a.reference = "order-1";
	cr_assert_eq(ops_commit(s, &conf, "G3", &a, 3000, &r), WS_OK);
	cr_expect_eq(r.reason, 0);
	cr_expect_eq(r.amount, 3000);
	v = tu_get(s, "G3");
	cr_expect_eq(v.balance, 2000);
	cr_expect_eq(v.state, VOUCHER_ACTIVE);
	cr_expect_eq(tu_holds(s, "G3", 0), 0);
	cr_expect_eq(tu_ledger_sum(s, "G3", NULL), 2000);
	/* the rest is usable again, by anyone */
	a.holder = "basket-z";
	cr_assert_eq(ops_activate(s, &conf, "G3", &a, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 0);
	cr_expect_eq(r.amount, 2000);
	cr_assert_eq(ops_commit(s, &conf, "G3", &a, 2000, &r), WS_OK);
	v = tu_get(s, "G3");
	cr_expect_eq(v.balance, 0);
	cr_expect_eq(v.state, VOUCHER_EXHAUSTED);
	a.holder = "basket-y";
	cr_assert_eq(ops_activate(s, &conf, "G3", &a, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 5);
}

Test(ops, remainder_expires_is_forfeited)
{
	struct ops_ctx a = tu_ctx("b", "", 400);
	struct ops_result r;
	uint64_t n;

	tu_issue(s, "P1", VOUCHER_KIND_PROMO, VOUCHER_STD_EXPIRES, 1000);
	cr_assert_eq(ops_activate(s, &conf, "P1", &a, 0, &r), WS_OK);
	cr_expect_eq(r.amount, 400);
	cr_assert_eq(ops_commit(s, &conf, "P1", &a, 400, &r), WS_OK);
	cr_expect_eq(tu_get(s, "P1").balance, 0);
	cr_expect_eq(tu_get(s, "P1").state, VOUCHER_EXHAUSTED);
	cr_expect_eq(tu_ledger_sum(s, "P1", &n), 0);
	cr_expect_eq(n, 4, "issue, reserve, redeem, forfeit");
}

Test(ops, universal_counts_at_activation_and_back_on_remove)
{
	struct ops_ctx ctx;
	struct ops_result r;
	struct voucher v;
	char holder[16];
	int i;

	voucher_init(&v);
	memcpy(v.code, "SUMMER", 7);
	v.type = VOUCHER_UNI_NO_RESTRICTIONS;
	v.amount = 500;
	v.max_redemptions = 3;
	cr_assert_eq(ops_issue(s, &v, "t"), WS_OK);
	for (i = 0; i < 4; i++) {
		snprintf(holder, sizeof(holder), "b%d", i);
		ctx = tu_ctx(holder, "", 2000);
		cr_assert_eq(ops_activate(s, &conf, "SUMMER", &ctx, 0, &r),
		    WS_OK);
		cr_expect_eq(r.reason, i < 3 ? 0 : 13, "activation %d", i);
	}
	cr_expect_eq(tu_get(s, "SUMMER").redeemed, 3);
	/* an abandoned basket still counts; removal gives one back */
	ctx = tu_ctx("b1", "", 2000);
	cr_assert_eq(ops_remove(s, "SUMMER", &ctx, &r), WS_OK);
	cr_expect_eq(r.reason, 0);
	cr_expect_eq(tu_get(s, "SUMMER").redeemed, 2);
	ctx = tu_ctx("b9", "", 2000);
	cr_assert_eq(ops_activate(s, &conf, "SUMMER", &ctx, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 0);
	/* completing the order does not count twice */
	cr_assert_eq(ops_commit(s, &conf, "SUMMER", &ctx, 500, &r), WS_OK);
	cr_expect_eq(r.reason, 0);
	cr_expect_eq(tu_get(s, "SUMMER").redeemed, 3);
	/* after completion, removal gives nothing back */
	cr_assert_eq(ops_remove(s, "SUMMER", &ctx, &r), WS_OK);
	cr_expect_neq(r.reason, 0);
	cr_expect_eq(tu_get(s, "SUMMER").redeemed, 3);
}

Test(ops, binding_on_first_use)
{
	struct ops_ctx anon = tu_ctx("b0", "", 2000);
	struct ops_ctx c1 = tu_ctx("b1", "cust-1", 2000);
	struct ops_ctx c2 = tu_ctx("b2", "cust-2", 2000);
	struct ops_result r;

	tu_issue(s, "BIND", VOUCHER_KIND_PROMO, VOUCHER_UNI_CUSTOMER_BINDING,
	    300);
	cr_assert_eq(ops_activate(s, &conf, "BIND", &anon, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 17);
	cr_assert_eq(ops_activate(s, &conf, "BIND", &c1, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 0);
	cr_expect_str_eq(tu_get(s, "BIND").bound_customer, "cust-1");
	cr_assert_eq(ops_activate(s, &conf, "BIND", &c2, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 18);
	cr_assert_eq(ops_commit(s, &conf, "BIND", &c1, 300, &r), WS_OK);
	/* the owner may use it again, repeatedly */
	c1.holder = "b1-second";
	cr_assert_eq(ops_activate(s, &conf, "BIND", &c1, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 0);
}

Test(ops, once_per_customer)
{
	struct ops_ctx c1 = tu_ctx("b1", "cust-1", 2000);
	struct ops_result r;

	tu_issue(s, "ONCE", VOUCHER_KIND_PROMO, VOUCHER_UNI_ONCE_PER_CUSTOMER,
	    300);
	cr_assert_eq(ops_activate(s, &conf, "ONCE", &c1, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 0);
	c1.holder = "b1-other-basket";
	cr_assert_eq(ops_activate(s, &conf, "ONCE", &c1, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 12);
	/* explicit removal gives the use back */
	c1.holder = "b1";
	cr_assert_eq(ops_remove(s, "ONCE", &c1, &r), WS_OK);
	c1.holder = "b1-other-basket";
	cr_assert_eq(ops_activate(s, &conf, "ONCE", &c1, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 0);
}

Test(ops, invalidate_releases_and_refuses)
{
	struct ops_ctx a = tu_ctx("b", "", 1000);
	struct ops_ctx op = tu_ctx("", "", 0);
	struct ops_result r;

	tu_issue(s, "INV", VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE, 1000);
	cr_assert_eq(ops_activate(s, &conf, "INV", &a, 0, &r), WS_OK);
	cr_assert_eq(ops_invalidate(s, "INV", &op, "stolen", &r), WS_OK);
	cr_expect_eq(r.reason, 0);
	cr_expect_eq(tu_holds(s, "INV", 0), 0);
	cr_expect_str_eq(tu_get(s, "INV").state_reason, "stolen");
	cr_assert_eq(ops_commit(s, &conf, "INV", &a, 1000, &r), WS_OK);
	cr_expect_eq(r.reason, 6);
	cr_expect_eq(tu_get(s, "INV").balance, 1000);
	cr_expect_eq(ops_invalidate(s, "INV", &op, "", &r), WS_ERR_INVALID);
}

Test(ops, topup_only_at_pos_and_only_value)
{
	struct ops_ctx pos = tu_ctx("pos", "", 0);
	struct ops_ctx web = tu_ctx("web", "", 0);
	struct ops_result r;

	pos.channel = VOUCHER_CHANNEL_POS;
	tu_issue(s, "TOP", VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE, 1000);
	tu_issue(s, "PROMO", VOUCHER_KIND_PROMO, VOUCHER_STD_REUSABLE, 1000);
	cr_expect_eq(ops_topup(s, "TOP", &web, 500, &r), WS_ERR_INVALID);
	cr_assert_eq(ops_topup(s, "TOP", &pos, 500, &r), WS_OK);
	cr_expect_eq(r.reason, 0);
	cr_expect_eq(tu_get(s, "TOP").balance, 1500);
	cr_expect_eq(tu_ledger_sum(s, "TOP", NULL), 1500);
	cr_assert_eq(ops_topup(s, "PROMO", &pos, 500, &r), WS_OK);
	cr_expect_neq(r.reason, 0);
	cr_expect_eq(tu_get(s, "PROMO").balance, 1000);
}

Test(ops, unknown_code_is_reason_2)
{
	struct ops_ctx a = tu_ctx("b", "", 1000);
	struct ops_result r;

	cr_assert_eq(ops_check(s, &conf, "NOPE", &a, &r), WS_OK);
	cr_expect_eq(r.reason, 2);
	cr_assert_eq(ops_activate(s, &conf, "NOPE", &a, 0, &r), WS_OK);
	cr_expect_eq(r.reason, 2);
}

Test(ops, import_is_all_or_nothing)
{
	struct import_set set;
	struct import_row *row;
	struct diags d;
	uint64_t n;

	tu_issue(s, "OLD", VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE, 1000);
	import_set_init(&set);
	diags_init(&d);
	/* good new voucher, a modify of OLD, and a delete of a missing code */
	cr_assert_eq(import_set_add(&set, &row), WS_OK);
	row->line = 2;
	memcpy(row->v.code, "NEW1", 5);
	row->fields = IMPORT_F_AMOUNT;
	row->v.amount = 700;
	row->v.balance = 700;
	cr_assert_eq(import_set_add(&set, &row), WS_OK);
	row->line = 3;
	memcpy(row->v.code, "OLD", 4);
	row->fields = IMPORT_F_USED;
	row->used_amount = 300;
	cr_assert_eq(import_set_add(&set, &row), WS_OK);
	row->op = IMPORT_DELETE;
	row->line = 4;
	memcpy(row->v.code, "GHOST", 6);
	cr_expect_eq(ops_import(s, &set, "in.csv", "t", &d), WS_ERR_INVALID);
	cr_expect_eq(d.n, 1);
	cr_expect_eq(d.items[0].line, 4);
	cr_expect_eq(tu_get(s, "OLD").balance, 1000, "nothing applied");
	cr_expect_eq(tu_ledger_sum(s, "OLD", &n), 1000);
	cr_expect_eq(n, 1);

	/* without the bad row everything applies */
	set.n = 2;
	diags_free(&d);
	diags_init(&d);
	cr_assert_eq(ops_import(s, &set, "in.csv", "t", &d), WS_OK);
	cr_expect_eq(tu_get(s, "NEW1").balance, 700);
	cr_expect_eq(tu_get(s, "OLD").balance, 700);
	cr_expect_eq(tu_ledger_sum(s, "OLD", NULL), 700);
	diags_free(&d);
	import_set_free(&set);
}

Test(ops, overlong_identifiers_are_refused_not_cut)
{
	char longid[VOUCHER_CUSTOMER_MAX + 2];
	struct ops_ctx c;
	struct ops_result r;

	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	tu_issue(s, "LONG", VOUCHER_KIND_PROMO, VOUCHER_UNI_ONCE_PER_CUSTOMER,
	    300);
	c = tu_ctx("b", longid, 1000);
	cr_expect_eq(ops_activate(s, &conf, "LONG", &c, 0, &r),
	    WS_ERR_INVALID);
	c = tu_ctx(longid, "", 1000);
	cr_expect_eq(ops_activate(s, &conf, "LONG", &c, 0, &r),
	    WS_ERR_INVALID);
	cr_expect_eq(tu_get(s, "LONG").redeemed, 0);
}

Test(ops, deleted_code_can_be_imported_again)
{
	struct import_set set;
	struct import_row *row;
	struct diags d;
	uint64_t n;

	tu_issue(s, "AGAIN", VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE, 1000);
	import_set_init(&set);
	diags_init(&d);
	cr_assert_eq(import_set_add(&set, &row), WS_OK);
	row->op = IMPORT_DELETE;
	row->line = 2;
	memcpy(row->v.code, "AGAIN", 6);
	cr_assert_eq(ops_import(s, &set, "del.csv", "t", &d), WS_OK);
	row->op = IMPORT_UPSERT;
	row->fields = IMPORT_F_AMOUNT;
	row->v.amount = 700;
	row->v.balance = 700;
	cr_assert_eq(ops_import(s, &set, "new.csv", "t", &d), WS_OK,
	    "re-created");
	cr_expect_eq(tu_get(s, "AGAIN").balance, 700);
	/* issue 1000, delete -1000, issue 700: the ledger still sums up */
	cr_expect_eq(tu_ledger_sum(s, "AGAIN", &n), 700);
	cr_expect_eq(n, 3);
	diags_free(&d);
	import_set_free(&set);
}

/*
 * A basket that activated a universal code a day ago (the session lives
 * longer than Reservation-Hours) still has its activation: the order does
 * not count the code again (nor refuse a once-per-customer code as used),
 * and "Gutschein löschen" still gives the count back.
 */
Test(ops, activation_outlives_reservation_hours)
{
	struct ops_ctx ctx;
	struct ops_result r;
	struct voucher v;
	uint64_t n;

	voucher_init(&v);
	memcpy(v.code, "ONCE", 5);
	v.type = VOUCHER_UNI_ONCE_PER_CUSTOMER;
	v.amount = 500;
	cr_assert_eq(ops_issue(s, &v, "t"), WS_OK);
	memcpy(v.code, "TWICE", 6);
	v.type = VOUCHER_UNI_NO_RESTRICTIONS;
	cr_assert_eq(ops_issue(s, &v, "t"), WS_OK);

	ctx = tu_ctx("basket-1", "kunde@example.com", 2000);
	ctx.now = T0;
	cr_assert_eq(ops_activate(s, &conf, "ONCE", &ctx, 0, &r), WS_OK);
	cr_assert_eq(r.reason, 0);
	cr_assert_eq(ops_activate(s, &conf, "TWICE", &ctx, 0, &r), WS_OK);
	cr_assert_eq(r.reason, 0);
	/* the housekeeping runs a day and more later */
	cr_assert_eq(ops_expire_holds(s, T0 + 30 * HOUR, &n), WS_OK);
	ctx.now = T0 + 30 * HOUR;
	cr_assert_eq(ops_commit(s, &conf, "ONCE", &ctx, 500, &r), WS_OK);
	cr_expect_eq(r.reason, 0, "the own activation, not a second use");
	cr_expect_eq(tu_get(s, "ONCE").redeemed, 1);
	cr_assert_eq(ops_remove(s, "TWICE", &ctx, &r), WS_OK);
	cr_expect_eq(r.reason, 0, "removing it gives the count back");
	cr_expect_eq(tu_get(s, "TWICE").redeemed, 0);
}
