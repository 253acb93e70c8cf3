/*
 * test_kvexpire.c - batch deletion of old shop.db records: only the old
 * ones under the prefix go, other prefixes stay, more than one batch is
 * done in rounds, and what one call leaves the next one takes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "kvexpire.h"
#include "record.h"
#include "testutil.h"

static char *dir;
static struct store *st;

static void
setup(void)
{
	dir = tu_tmpdir();
	st = tu_store(dir);
}

static void
teardown(void)
{
	store_close(st);
	tu_rmrf(dir);
	free(dir);
}

TestSuite(kvexpire, .init = setup, .fini = teardown);

struct put_arg {
	const char	*prefix;
	unsigned	 from, to;
	int64_t		 stamp;
};

static enum ws_status
put_body(struct store_txn *t, void *arg)
{
	struct put_arg *a = arg;
	struct buf b = BUF_INIT;
	char key[64];
	enum ws_status s = WS_OK;
	unsigned i;

	for (i = a->from; s == WS_OK && i < a->to; i++) {
		buf_reset(&b);
		snprintf(key, sizeof(key), "%s%05u", a->prefix, i);
		s = rec_put_u64(&b, (uint64_t)a->stamp);
		if (s == WS_OK)
			s = store_kv_put(t, key, b.data, b.len);
	}
	buf_free(&b);
	return s;
}

static void
put(const char *prefix, unsigned from, unsigned to, int64_t stamp)
{
	struct put_arg a = { prefix, from, to, stamp };

	cr_assert_eq(store_txn_run(st, put_body, &a), WS_OK);
}

static enum ws_status
count_one(const char *key, const void *data, size_t len, void *arg)
{
	(void)key;
	(void)data;
	(void)len;
	(*(unsigned *)arg)++;
	return WS_OK;
}

struct count_arg {
	const char	*prefix;
	unsigned	 n;
};

static enum ws_status
count_body(struct store_txn *t, void *arg)
{
	struct count_arg *a = arg;

	a->n = 0;
	return store_kv_each(t, a->prefix, count_one, &a->n);
}

static unsigned
count(const char *prefix)
{
	struct count_arg a = { prefix, 0 };

	cr_assert_eq(store_read_run(st, count_body, &a), WS_OK);
	return a.n;
}

/* old: the stamp is before now - 100 */
static bool
stamp_old(const void *data, size_t len, int64_t now, void *arg)
{
	struct rec_reader r;

	(void)arg;
	rec_reader_init(&r, data, len);
	return (int64_t)rec_get_u64(&r) < now - 100;
}

Test(kvexpire, only_old_records_of_the_prefix_go)
{
	uint64_t n;

	put("x:", 0, 10, 1000);		/* old */
	put("x:", 10, 15, 1950);	/* new */
	put("y:", 0, 10, 1000);		/* old, other prefix */
	cr_assert_eq(kv_expire(st, "x:", stamp_old, NULL, 2000, &n), WS_OK);
	cr_expect_eq(n, 10);
	cr_expect_eq(count("x:"), 5);
	cr_expect_eq(count("y:"), 10);
	cr_assert_eq(kv_expire(st, "x:", stamp_old, NULL, 2000, &n), WS_OK);
	cr_expect_eq(n, 0, "nothing old is left");
}

Test(kvexpire, many_batches_over_calls)
{
	unsigned total = KV_EXPIRE_BATCH * KV_EXPIRE_ROUNDS + 100;
	uint64_t n;

	put("s:", 0, total, 10);
	cr_assert_eq(kv_expire(st, "s:", stamp_old, NULL, 2000, &n), WS_OK);
	cr_expect_eq(n, KV_EXPIRE_BATCH * KV_EXPIRE_ROUNDS,
	    "one call does its rounds only");
	cr_assert_eq(kv_expire(st, "s:", stamp_old, NULL, 2000, &n), WS_OK);
	cr_expect_eq(n, 100, "the next call takes the rest");
	cr_expect_eq(count("s:"), 0);
}
