/*
 * store.h - the transactional voucher store: one Berkeley DB 5.3
 * environment shared by every process (FastCGI workers, POS API, CLI).
 *
 * Every write runs as a body function inside store_txn_run(), which begins
 * a transaction, runs the body, commits, and on a deadlock aborts and runs
 * the body again from the top (capped, with a short random back-off).  A
 * body must therefore be restartable: it reads what it needs inside the
 * transaction and keeps no effects outside it until the helper returns.
 *
 * Crash handling: every open passes DB_REGISTER|DB_RECOVER, so the first
 * process that opens the environment after another one died runs normal
 * recovery; processes still running then get WS_ERR_RECOVER and must
 * close and reopen (doc/store.md).  Lock waits are bounded by a timeout so
 * a stuck peer shows up as WS_ERR_BUSY (reason 27) -- provided one process
 * runs store_maintain() periodically: Berkeley DB checks timeouts only
 * when its deadlock detector runs.
 *
 * Databases (all btree; keys never collide between independent writers):
 *   meta      "schema" -> version
 *   vouchers  code -> voucher record
 *   charges   charge id -> charge record
 *   ledger    code NUL seq(8, big-endian) -> ledger entry
 *   holds     code NUL holder -> reservation / activation
 *   usage     code NUL customer -> uses by that customer
 *   shop      "kind:id" -> a record of the shop (sessions, orders,
 *             attempt counters); opaque bytes to the store
 */
#ifndef WS_STORE_H
#define WS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"
#include "voucher.h"

#define STORE_SCHEMA_VERSION	1u

struct store;
struct store_txn;

struct store_options {
	const char	*home;		/* environment directory */
	bool		 create;	/* create directory content if missing */
	bool		 durable;	/* fsync the log at every commit */
	unsigned	 lock_timeout_ms; /* 0: 5000 */
	unsigned	 max_retries;	/* deadlock retries, 0: 50 */
};

enum ledger_op {
	LEDGER_ISSUE,		/* created with its amount */
	LEDGER_RESERVE,		/* amount held for a basket/POS (delta 0) */
	LEDGER_RELEASE,		/* hold given back (delta 0) */
	LEDGER_EXPIRE_HOLD,	/* hold ran out (delta 0) */
	LEDGER_ACTIVATE,	/* universal: counted at activation */
	LEDGER_UNCOUNT,		/* universal: removed from basket, count back */
	LEDGER_REDEEM,		/* money taken (delta < 0 for balances) */
	LEDGER_FORFEIT,		/* remainder of a RemainderExpires voucher */
	LEDGER_TOPUP,		/* value raised at the POS */
	LEDGER_INVALIDATE,	/* operator invalidated the code */
	LEDGER_ADJUST,		/* import changed data or balance */
	LEDGER_DELETE,		/* import deleted the voucher */
	LEDGER_BIND,		/* bound to its first customer */
	LEDGER_OP__MAX
};

struct ledger_entry {
	uint64_t	 seq;		/* 1, 2, ... per voucher */
	int64_t		 at;		/* UTC s */
	enum ledger_op	 op;
	int64_t		 delta;		/* change of the balance, cents */
	int64_t		 amount;	/* amount concerned (hold, discount) */
	int64_t		 balance_after;
	uint32_t	 redeemed_after;
	uint32_t	 channel;	/* VOUCHER_CHANNEL_* or 0 (operator) */
	char		 actor[VOUCHER_ACTOR_MAX + 1];
	char		 reference[VOUCHER_REF_MAX + 1];  /* order / txn id */
	char		 holder[VOUCHER_HOLDER_MAX + 1];
	char		 note[VOUCHER_REASON_MAX + 1];
};

struct charge {
	char		 id[VOUCHER_CHARGE_MAX + 1];
	char		 creator[VOUCHER_ACTOR_MAX + 1];
	char		 label[VOUCHER_LABEL_MAX + 1];
	int64_t		 created;
	uint64_t	 count;		/* codes made so far */
	bool		 complete;	/* all codes of the request were made */
};

enum hold_kind {
	HOLD_RESERVATION,	/* Standard code locked to one holder */
	HOLD_ACTIVATION,	/* universal code counted for one holder */
	HOLD_KIND__MAX
};

struct hold {
	char		 code[VOUCHER_CODE_MAX + 1];
	char		 holder[VOUCHER_HOLDER_MAX + 1];
	enum hold_kind	 kind;
	int64_t		 amount;	/* cents reserved / discount */
	int64_t		 created;
	int64_t		 expires;	/* UTC s */
	uint32_t	 channel;
	char		 customer[VOUCHER_CUSTOMER_MAX + 1];
};

const char	*ledger_op_name(enum ledger_op op);
const char	*hold_kind_name(enum hold_kind k);

/* Opens (and with create, creates) the environment and its databases. */
enum ws_status	store_open(const struct store_options *opt, struct store **out,
		    struct buf *err);
void		store_close(struct store *s);
const char     *store_home(const struct store *s);

typedef enum ws_status (*store_body_fn)(struct store_txn *t, void *arg);
/* Runs body in a write transaction, retrying on deadlock (see above). */
enum ws_status	store_txn_run(struct store *s, store_body_fn body, void *arg);
/* Same for reads: read-committed, nothing written. */
enum ws_status	store_read_run(struct store *s, store_body_fn body, void *arg);
/* Counters for tests and operators: transactions retried so far. */
uint64_t	store_retries(const struct store *s);
/* Flushes and checkpoints the log (operators, long runs). */
enum ws_status	store_checkpoint(struct store *s);
/*
 * Housekeeping one process runs every half second or so (the FastCGI
 * master, or `wsvoucher maintain`): ends lock waits that timed out (a
 * peer died holding locks) and, with checkpoint, writes a checkpoint when
 * 1 MiB of log or a minute has passed since the last one.
 */
enum ws_status	store_maintain(struct store *s, bool checkpoint);

/* --- record access inside a body -------------------------------------- */
/* for_update takes the write lock at once (DB_RMW): avoids the deadlock of
 * two readers that both want to upgrade. */
enum ws_status	store_voucher_get(struct store_txn *t, const char *code,
		    struct voucher *out, bool for_update);
enum ws_status	store_voucher_put(struct store_txn *t, const struct voucher *v,
		    bool create_only);
enum ws_status	store_voucher_del(struct store_txn *t, const char *code);
/* Takes the next sequence number from v (v->ledger_seq + 1, stored back into
 * v) and writes e; the caller then puts v.  e->balance_after and
 * e->redeemed_after are taken from v. */
enum ws_status	store_ledger_append(struct store_txn *t, struct voucher *v,
		    struct ledger_entry *e);
/* Highest ledger sequence number stored for code (0: none), so a code
 * that was deleted and comes again continues its ledger. */
enum ws_status	store_ledger_last_seq(struct store_txn *t, const char *code,
		    uint64_t *seq);
typedef enum ws_status (*store_ledger_fn)(const struct ledger_entry *e,
		    void *arg);
enum ws_status	store_ledger_each(struct store_txn *t, const char *code,
		    store_ledger_fn fn, void *arg);

enum ws_status	store_charge_get(struct store_txn *t, const char *id,
		    struct charge *out);
enum ws_status	store_charge_put(struct store_txn *t, const struct charge *c);

enum ws_status	store_hold_get(struct store_txn *t, const char *code,
		    const char *holder, struct hold *out, bool for_update);
enum ws_status	store_hold_put(struct store_txn *t, const struct hold *h);
enum ws_status	store_hold_del(struct store_txn *t, const char *code,
		    const char *holder);
typedef enum ws_status (*store_hold_fn)(const struct hold *h, void *arg);
/* Every hold on one code ("" = on every code), in key order. */
enum ws_status	store_hold_each(struct store_txn *t, const char *code,
		    store_hold_fn fn, void *arg);

enum ws_status	store_usage_get(struct store_txn *t, const char *code,
		    const char *customer, uint32_t *count);
enum ws_status	store_usage_put(struct store_txn *t, const char *code,
		    const char *customer, uint32_t count);
/* Deletes every usage record of a code (voucher deleted). */
enum ws_status	store_usage_del_code(struct store_txn *t, const char *code);

/*
 * Reads up to max vouchers with codes after `after` ("" = from the start)
 * in key order, in its own short read transaction, so a walk over a
 * million codes holds no locks between batches.  *n = 0 at the end.
 */
enum ws_status	store_voucher_scan(struct store *s, const char *after,
		    struct voucher *out, size_t max, size_t *n);
/* All charges, small table: one read transaction. */
typedef enum ws_status (*store_charge_fn)(const struct charge *c, void *arg);
enum ws_status	store_charge_each(struct store *s, store_charge_fn fn,
		    void *arg);

/* --- the shop's records (shop.db) ----------------------------------------- */
#define STORE_KV_KEY_MAX	128
#define STORE_KV_DATA_MAX	8192u	/* the page walk buffer of store.c */

/* out gets the record; WS_ERR_NOTFOUND if there is none. */
enum ws_status	store_kv_get(struct store_txn *t, const char *key,
		    struct buf *out, bool for_update);
enum ws_status	store_kv_put(struct store_txn *t, const char *key,
		    const void *data, size_t len);
/*
 * As put, but only if there is no record yet (WS_ERR_EXISTS): a record
 * that was missing when read is not locked, so two writers that both
 * found none would otherwise both write.
 */
enum ws_status	store_kv_add(struct store_txn *t, const char *key,
		    const void *data, size_t len);
/* WS_ERR_NOTFOUND if there was none. */
enum ws_status	store_kv_del(struct store_txn *t, const char *key);
typedef enum ws_status (*store_kv_fn)(const char *key, const void *data,
		    size_t len, void *arg);
/* Every record whose key starts with prefix, in key order. */
enum ws_status	store_kv_each(struct store_txn *t, const char *prefix,
		    store_kv_fn fn, void *arg);

#endif
