/*
 * testutil.c - helpers shared by the unit tests.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "testutil.h"

char *
tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path;
	size_t n;

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	n = strlen(base) + 32;
	path = malloc(n);
	cr_assert_not_null(path);
	snprintf(path, n, "%s/wsv-test-XXXXXX", base);
	cr_assert_not_null(mkdtemp(path), "mkdtemp %s", path);
	return path;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
tu_rmrf(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

struct store *
tu_store(const char *dir)
{
	struct store_options opt;
	struct store *s = NULL;
	struct buf err = BUF_INIT;
	enum ws_status st;

	memset(&opt, 0, sizeof(opt));
	opt.home = dir;
	opt.create = true;
	/* Unit tests need process-crash safety, not power-loss safety. */
	opt.durable = false;
	st = store_open(&opt, &s, &err);
	cr_assert_eq(st, WS_OK, "store_open %s: %s", dir, buf_cstr(&err));
	buf_free(&err);
	return s;
}

void
tu_issue(struct store *s, const char *code, enum voucher_kind kind,
    enum voucher_type type, int64_t amount)
{
	struct voucher v;
	enum ws_status st;

	voucher_init(&v);
	cr_assert_eq(voucher_set_field(v.code, sizeof(v.code), code,
	    strlen(code)), WS_OK);
	v.kind = kind;
	v.type = type;
	v.amount = amount;
	if (voucher_has_balance(&v))
		v.balance = amount;
	memcpy(v.charge_id, "T1", 3);
	st = ops_issue(s, &v, "test");
	cr_assert_eq(st, WS_OK, "issue %s: %s", code, ws_status_str(st));
}

struct get_arg {
	const char	*code;
	struct voucher	 v;
};

static enum ws_status
get_body(struct store_txn *t, void *arg)
{
	struct get_arg *a = arg;

	return store_voucher_get(t, a->code, &a->v, false);
}

struct voucher
tu_get(struct store *s, const char *code)
{
	struct get_arg a;
	enum ws_status st;

	memset(&a, 0, sizeof(a));
	a.code = code;
	st = store_read_run(s, get_body, &a);

	cr_assert_eq(st, WS_OK, "get %s: %s", code, ws_status_str(st));
	return a.v;
}

struct sum_arg {
	const char	*code;
	int64_t		 sum;
	uint64_t	 n;
};

static enum ws_status
sum_one(const struct ledger_entry *e, void *arg)
{
	struct sum_arg *a = arg;

	a->sum += e->delta;
	a->n++;
	/* every entry states the balance after it: it must be the sum */
	cr_expect_eq(e->balance_after, a->sum, "%s seq %llu: balance_after "
	    "%lld, running sum %lld", a->code, (unsigned long long)e->seq,
	    (long long)e->balance_after, (long long)a->sum);
	cr_expect_eq(e->seq, a->n, "ledger seq gap");
	return WS_OK;
}

static enum ws_status
sum_body(struct store_txn *t, void *arg)
{
	struct sum_arg *a = arg;

	a->sum = 0;
	a->n = 0;
	return store_ledger_each(t, a->code, sum_one, a);
}

int64_t
tu_ledger_sum(struct store *s, const char *code, uint64_t *entries)
{
	struct sum_arg a = { code, 0, 0 };
	enum ws_status st = store_read_run(s, sum_body, &a);

	cr_assert_eq(st, WS_OK, "ledger %s: %s", code, ws_status_str(st));
	if (entries != NULL)
		*entries = a.n;
	return a.sum;
}

struct holds_arg {
	int64_t		 now;
	unsigned	 n;
};

static enum ws_status
holds_one(const struct hold *h, void *arg)
{
	struct holds_arg *a = arg;

	if (h->expires > a->now)
		a->n++;
	return WS_OK;
}

struct holds_body_arg {
	const char		*code;
	struct holds_arg	 h;
};

static enum ws_status
holds_body(struct store_txn *t, void *arg)
{
	struct holds_body_arg *a = arg;

	a->h.n = 0;
	return store_hold_each(t, a->code, holds_one, &a->h);
}

unsigned
tu_holds(struct store *s, const char *code, int64_t now)
{
	struct holds_body_arg a = { code, { now, 0 } };

	cr_assert_eq(store_read_run(s, holds_body, &a), WS_OK);
	return a.h.n;
}

struct ops_ctx
tu_ctx(const char *holder, const char *customer, int64_t eligible)
{
	struct ops_ctx ctx;

	ops_ctx_init(&ctx);
	ctx.holder = holder;
	ctx.customer = customer;
	ctx.actor = "test";
	ctx.basket.eligible = eligible;
	ctx.basket.due = eligible;
	return ctx;
}

void
tu_diags_dump(const struct diags *d, char *out, size_t size)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < d->n && o + 1 < size; i++) {
		int n = snprintf(out + o, size - o, "[%u %s: %s] ",
		    d->items[i].line, d->items[i].field, d->items[i].text);

		if (n < 0 || (size_t)n >= size - o)
			break;
		o += (size_t)n;
	}
}

bool
tu_diags_has(const struct diags *d, unsigned line, const char *field,
    const char *text)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct diag *it = &d->items[i];

		if ((line == 0 || it->line == line) &&
		    (field == NULL || strcmp(it->field, field) == 0) &&
		    (text == NULL || strstr(it->text, text) != NULL))
			return true;
	}
	return false;
}
