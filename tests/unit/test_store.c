/*
 * test_store.c - the store itself: open/create, schema version, record
 * encoding, scans, the transaction helper's retry on deadlock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <db.h>
#include <criterion/criterion.h>

#include "store.h"
#include "store_codec.h"
#include "testutil.h"

Test(store, open_missing_without_create)
{
	char *dir = tu_tmpdir();
	struct store_options opt = { dir, false, false, 0, 0 };
	struct store *s = NULL;
	struct buf err = BUF_INIT;

	cr_expect_eq(store_open(&opt, &s, &err), WS_ERR_NOTFOUND);
	cr_expect_null(s);
	cr_expect(strstr(buf_cstr(&err), "no voucher store") != NULL, "%s",
	    buf_cstr(&err));
	buf_free(&err);
	tu_rmrf(dir);
	free(dir);
}

Test(store, schema_version_mismatch_is_refused)
{
	char *dir = tu_tmpdir();
	struct store *s = tu_store(dir);
	char path[600];
	DB_ENV *env;
	DB *db;
	DBT k, d;
	unsigned char ver[4] = { 0, 0, 0, 99 };
	struct store_options opt = { dir, false, false, 0, 0 };
	struct buf err = BUF_INIT;

	store_close(s);
	/* Write another version behind the store's back. */
	cr_assert_eq(db_env_create(&env, 0), 0);
	cr_assert_eq(env->open(env, dir, DB_CREATE | DB_INIT_TXN |
	    DB_INIT_LOCK | DB_INIT_LOG | DB_INIT_MPOOL, 0), 0);
	cr_assert_eq(db_create(&db, env, 0), 0);
	cr_assert_eq(db->open(db, NULL, "meta.db", NULL, DB_BTREE,
	    DB_AUTO_COMMIT, 0), 0);
	memset(&k, 0, sizeof(k));
	memset(&d, 0, sizeof(d));
	k.data = "schema";
	k.size = 6;
	d.data = ver;
	d.size = 4;
	cr_assert_eq(db->put(db, NULL, &k, &d, DB_AUTO_COMMIT), 0);
	db->close(db, 0);
	env->close(env, 0);

	s = NULL;
	cr_expect_eq(store_open(&opt, &s, &err), WS_ERR_VERSION);
	cr_expect(strstr(buf_cstr(&err), "schema version 99") != NULL, "%s",
	    buf_cstr(&err));
	snprintf(path, sizeof(path), "%s", buf_cstr(&err));
	buf_free(&err);
	tu_rmrf(dir);
	free(dir);
}

Test(store, codec_round_trip_and_damage)
{
	struct voucher v, back;
	struct buf b = BUF_INIT;
	size_t cut;

	voucher_init(&v);
	memcpy(v.code, "ABCD", 5);
	memcpy(v.charge_id, "C1", 3);
	memcpy(v.products, "p1,p2", 6);
	v.amount = 123456;
	v.balance = 100;
	v.valid_until = 1900000000;
	v.redeemed = 7;
	v.ledger_seq = 42;
	cr_assert_eq(codec_voucher_encode(&b, &v), WS_OK);
	cr_assert_eq(codec_voucher_decode(b.data, b.len, "ABCD", 4, &back),
	    WS_OK);
	cr_expect_eq(memcmp(&v, &back, sizeof(v)), 0);
	/* every truncation is reported, never read past */
	for (cut = 0; cut < b.len; cut++)
		cr_expect_eq(codec_voucher_decode(b.data, cut, "ABCD", 4,
		    &back), WS_ERR_DB, "cut at %zu", cut);
	buf_free(&b);
}

Test(store, scan_in_batches)
{
	char *dir = tu_tmpdir();
	struct store *s = tu_store(dir);
	struct voucher batch[7];
	char after[VOUCHER_CODE_MAX + 1] = "";
	char code[16];
	size_t n, total = 0;
	int i;

	for (i = 0; i < 50; i++) {
		snprintf(code, sizeof(code), "V%03d", i);
		tu_issue(s, code, VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE,
		    1000 + i);
	}
	for (;;) {
		cr_assert_eq(store_voucher_scan(s, after, batch, 7, &n), WS_OK);
		if (n == 0)
			break;
		for (i = 0; i < (int)n; i++) {
			snprintf(code, sizeof(code), "V%03zu", total + (size_t)i);
			cr_expect_str_eq(batch[i].code, code);
		}
		total += n;
		memcpy(after, batch[n - 1].code, sizeof(after));
	}
	cr_expect_eq(total, 50);
	store_close(s);
	tu_rmrf(dir);
	free(dir);
}

struct deadlock_arg {
	unsigned	 runs;
};

static enum ws_status
busy_body(struct store_txn *t, void *arg)
{
	struct deadlock_arg *a = arg;
	struct voucher v;

	a->runs++;
	return store_voucher_get(t, "NOPE", &v, false) == WS_ERR_NOTFOUND ?
	    WS_ERR_INVALID : WS_ERR_DB;
}

Test(store, body_error_aborts_without_retry)
{
	char *dir = tu_tmpdir();
	struct store *s = tu_store(dir);
	struct deadlock_arg a = { 0 };

	cr_expect_eq(store_txn_run(s, busy_body, &a), WS_ERR_INVALID);
	cr_expect_eq(a.runs, 1);
	store_close(s);
	tu_rmrf(dir);
	free(dir);
}

Test(store, ledger_keys_do_not_mix_prefix_codes)
{
	char *dir = tu_tmpdir();
	struct store *s = tu_store(dir);
	uint64_t n;

	tu_issue(s, "AB", VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE, 100);
	tu_issue(s, "ABC", VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE, 200);
	cr_expect_eq(tu_ledger_sum(s, "AB", &n), 100);
	cr_expect_eq(n, 1);
	cr_expect_eq(tu_ledger_sum(s, "ABC", &n), 200);
	cr_expect_eq(n, 1);
	store_close(s);
	tu_rmrf(dir);
	free(dir);
}
