/*
 * kvexpire.c - batch deletion of old shop.db records (see kvexpire.h).
 *
 * A batch is collected and deleted in one transaction: the walk stops as
 * soon as the batch is full, so a transaction holds few locks however
 * many records there are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvexpire.h"

struct expire_arg {
	const char	*prefix;
	kv_old_fn	 old;
	void		*arg;
	int64_t		 now;
	char		 (*keys)[STORE_KV_KEY_MAX + 1];
	size_t		 n;
};

static enum ws_status
collect(const char *key, const void *data, size_t len, void *arg)
{
	struct expire_arg *a = arg;

	if (a->n == KV_EXPIRE_BATCH)
		return WS_ERR_LIMIT;
	if (a->old(data, len, a->now, a->arg))
		snprintf(a->keys[a->n++], STORE_KV_KEY_MAX + 1, "%s", key);
	return WS_OK;
}

static enum ws_status
batch_body(struct store_txn *t, void *arg)
{
	struct expire_arg *a = arg;
	enum ws_status st;
	size_t i;

	a->n = 0;
	st = store_kv_each(t, a->prefix, collect, a);
	if (st == WS_ERR_LIMIT)
		st = WS_OK;	/* a full batch: the rest in the next one */
	for (i = 0; st == WS_OK && i < a->n; i++) {
		st = store_kv_del(t, a->keys[i]);
		if (st == WS_ERR_NOTFOUND)
			st = WS_OK;	/* someone else was faster */
	}
	return st;
}

enum ws_status
kv_expire(struct store *s, const char *prefix, kv_old_fn old, void *arg,
    int64_t now, uint64_t *n)
{
	struct expire_arg a;
	enum ws_status st = WS_OK;
	unsigned round;

	*n = 0;
	memset(&a, 0, sizeof(a));
	a.prefix = prefix;
	a.old = old;
	a.arg = arg;
	a.now = now;
	if ((a.keys = calloc(KV_EXPIRE_BATCH, sizeof(*a.keys))) == NULL)
		return WS_ERR_NOMEM;
	for (round = 0; st == WS_OK && round < KV_EXPIRE_ROUNDS; round++) {
		st = store_txn_run(s, batch_body, &a);
		if (st == WS_OK)
			*n += a.n;
		if (a.n < KV_EXPIRE_BATCH)
			break;
	}
	free(a.keys);
	return st;
}
