/*
 * kvexpire.h - deletes the records of one kind in shop.db (one key
 * prefix) that a predicate calls old: sessions, failed-attempt counters,
 * stored API answers, admin sessions.  The housekeeping runs it every
 * minute.
 */
#ifndef WS_KVEXPIRE_H
#define WS_KVEXPIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

#define KV_EXPIRE_BATCH		256	/* keys deleted per transaction */
#define KV_EXPIRE_ROUNDS	16	/* transactions per call */

/* True when the record (data, len) is past its time at now. */
typedef bool	(*kv_old_fn)(const void *data, size_t len, int64_t now,
		    void *arg);

/*
 * Deletes old records under prefix in short transactions of at most
 * KV_EXPIRE_BATCH keys, at most KV_EXPIRE_ROUNDS of them per call (the
 * rest the next minute), so no writer waits long; *n = how many.
 */
enum ws_status	kv_expire(struct store *s, const char *prefix, kv_old_fn old,
		    void *arg, int64_t now, uint64_t *n);

#endif
