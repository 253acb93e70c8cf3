/*
 * store.c - the transactional voucher store on Berkeley DB 5.3.
 *
 * Reports: WS_ERR_BUSY (deadlock retries used up, lock timeout),
 * WS_ERR_RECOVER (environment panicked or another process ran recovery:
 * reopen), WS_ERR_VERSION (schema), WS_ERR_DB (anything else from DB, with
 * DB's own message on stderr through the error callback).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <db.h>

#include "store.h"
#include "store_codec.h"

#define STORE_KEY_MAX		(VOUCHER_CODE_MAX + 1 + 128)
#define STORE_DATA_MAX		8192
#define STORE_LOCK_TIMEOUT_MS	5000u
#define STORE_MAX_RETRIES	50u
#define STORE_LEDGER_PAGESIZE	16384u

enum store_db {
	DBI_META,
	DBI_VOUCHERS,
	DBI_CHARGES,
	DBI_LEDGER,
	DBI_HOLDS,
	DBI_USAGE,
	DBI_SHOP,
	DBI__MAX
};

static const char *const db_files[DBI__MAX] = {
	[DBI_META] = "meta.db",
	[DBI_VOUCHERS] = "vouchers.db",
	[DBI_CHARGES] = "charges.db",
	[DBI_LEDGER] = "ledger.db",
	[DBI_HOLDS] = "holds.db",
	[DBI_USAGE] = "usage.db",
	[DBI_SHOP] = "shop.db",
};

struct store {
	DB_ENV		*env;
	DB		*db[DBI__MAX];
	char		 home[512];
	bool		 env_open;	/* DB_ENV->open succeeded */
	unsigned	 max_retries;
	uint64_t	 retries;
	unsigned	 rand_state;
};

struct store_txn {
	struct store	*s;
	DB_TXN		*txn;
	bool		 deadlock;	/* a call hit DB_LOCK_DEADLOCK */
	bool		 dead_env;	/* DB_RUNRECOVERY / handle dead */
	struct buf	 scratch;	/* encode buffer, reused */
};

/*
 * After a panic Berkeley DB repeats the same message on every call: print
 * a message once, then only how often it came again.
 */
static void
store_errcall(const DB_ENV *env, const char *pfx, const char *msg)
{
	static char last[256];
	static unsigned long repeats;

	(void)env;
	if (strncmp(last, msg, sizeof(last) - 1) == 0) {
		repeats++;
		if ((repeats & (repeats - 1)) == 0)	/* 1, 2, 4, 8, ... */
			fprintf(stderr, "%s: (last message %lu times)\n",
			    pfx != NULL ? pfx : "wsvoucher store", repeats);
		return;
	}
	repeats = 0;
	snprintf(last, sizeof(last), "%s", msg);
	fprintf(stderr, "%s: %s\n", pfx != NULL ? pfx : "wsvoucher store",
	    msg);
}

/* Maps a DB return code, remembering what makes the transaction retry. */
static enum ws_status
map_ret(struct store_txn *t, int ret)
{
	switch (ret) {
	case 0:
		return WS_OK;
	case DB_NOTFOUND:
	case DB_KEYEMPTY:
		return WS_ERR_NOTFOUND;
	case DB_KEYEXIST:
		return WS_ERR_EXISTS;
	case DB_LOCK_DEADLOCK:
		if (t != NULL)
			t->deadlock = true;
		return WS_ERR_BUSY;
	case DB_LOCK_NOTGRANTED:
		return WS_ERR_BUSY;
	case DB_RUNRECOVERY:
	case DB_REP_HANDLE_DEAD:
		if (t != NULL)
			t->dead_env = true;
		return WS_ERR_RECOVER;
	case ENOMEM:
		return WS_ERR_NOMEM;
	default:
		return WS_ERR_DB;
	}
}

static void
set_err(struct buf *err, const char *what, int ret)
{
	if (err == NULL)
		return;
	buf_reset(err);
	buf_printf(err, "%s: %s", what, db_strerror(ret));
}

static void	backoff(struct store *s, unsigned attempt);

static enum ws_status
check_schema(struct store *s, struct buf *err)
{
	DB_TXN *txn = NULL;
	DBT k, d;
	unsigned char ver[4];
	uint32_t have;
	int ret;

	memset(&k, 0, sizeof(k));
	memset(&d, 0, sizeof(d));
	k.data = (void *)"schema";
	k.size = 6;
	d.data = ver;
	d.ulen = sizeof(ver);
	d.flags = DB_DBT_USERMEM;
	ret = s->env->txn_begin(s->env, NULL, &txn, 0);
	if (ret != 0) {
		set_err(err, "begin schema check", ret);
		return map_ret(NULL, ret);
	}
	ret = s->db[DBI_META]->get(s->db[DBI_META], txn, &k, &d, DB_RMW);
	if (ret == DB_NOTFOUND) {
		ver[0] = 0;
		ver[1] = 0;
		ver[2] = 0;
		ver[3] = STORE_SCHEMA_VERSION;
		d.size = 4;
		ret = s->db[DBI_META]->put(s->db[DBI_META], txn, &k, &d, 0);
		if (ret != 0) {
			txn->abort(txn);
			set_err(err, "write schema version", ret);
			return map_ret(NULL, ret);
		}
		ret = txn->commit(txn, 0);
		if (ret != 0) {
			set_err(err, "commit schema version", ret);
			return map_ret(NULL, ret);
		}
		return WS_OK;
	}
	if (ret != 0 || d.size != 4) {
		txn->abort(txn);
		set_err(err, "read schema version",
		    ret != 0 ? ret : DB_RUNRECOVERY);
		return ret != 0 ? map_ret(NULL, ret) : WS_ERR_DB;
	}
	txn->abort(txn);
	have = ((uint32_t)ver[0] << 24) | ((uint32_t)ver[1] << 16) |
	    ((uint32_t)ver[2] << 8) | ver[3];
	if (have != STORE_SCHEMA_VERSION) {
		if (err != NULL) {
			buf_reset(err);
			buf_printf(err, "store %s has schema version %u, this "
			    "program reads version %u: use the wsvoucher that "
			    "made it, or migrate it (doc/store.md)", s->home,
			    have, STORE_SCHEMA_VERSION);
		}
		return WS_ERR_VERSION;
	}
	return WS_OK;
}

enum ws_status
store_open(const struct store_options *opt, struct store **out,
    struct buf *err)
{
	struct store *s;
	struct stat sb;
	char path[600];
	unsigned i;
	int ret;
	enum ws_status st = WS_OK;
	u_int32_t flags;

	*out = NULL;
	if (opt->home == NULL || strlen(opt->home) >= sizeof(s->home)) {
		if (err != NULL)
			buf_append_str(err, "store directory name missing or "
			    "too long");
		return WS_ERR_INVALID;
	}
	if (stat(opt->home, &sb) != 0) {
		if (!opt->create || errno != ENOENT ||
		    mkdir(opt->home, 0750) != 0) {
			if (err != NULL)
				buf_printf(err, "store directory %s: %s",
				    opt->home, strerror(errno));
			return WS_ERR_IO;
		}
	} else if (!S_ISDIR(sb.st_mode)) {
		if (err != NULL)
			buf_printf(err, "store %s is not a directory",
			    opt->home);
		return WS_ERR_INVALID;
	}
	snprintf(path, sizeof(path), "%s/%s", opt->home, db_files[DBI_META]);
	if (!opt->create && stat(path, &sb) != 0) {
		if (err != NULL)
			buf_printf(err, "no voucher store in %s (create one "
			    "with 'wsvoucher init')", opt->home);
		return WS_ERR_NOTFOUND;
	}

	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return WS_ERR_NOMEM;
	memcpy(s->home, opt->home, strlen(opt->home) + 1);
	s->max_retries = opt->max_retries != 0 ? opt->max_retries :
	    STORE_MAX_RETRIES;
	s->rand_state = (unsigned)getpid() ^ (unsigned)time(NULL);

	ret = db_env_create(&s->env, 0);
	if (ret != 0) {
		set_err(err, "create environment handle", ret);
		free(s);
		return map_ret(NULL, ret);
	}
	s->env->set_errcall(s->env, store_errcall);
	s->env->set_errpfx(s->env, "wsvoucher store");
	/* Run the detector on every conflict: deadlocks end at once. */
	ret = s->env->set_lk_detect(s->env, DB_LOCK_DEFAULT);
	/* A lock timeout means a stuck peer: report it, do not retry it. */
	if (ret == 0)
		ret = s->env->set_flags(s->env, DB_TIME_NOTGRANTED, 1);
	if (ret == 0)
		ret = s->env->set_timeout(s->env, (db_timeout_t)1000 *
		    (opt->lock_timeout_ms != 0 ? opt->lock_timeout_ms :
		    STORE_LOCK_TIMEOUT_MS), DB_SET_LOCK_TIMEOUT);
	/* Large imports run in one transaction and lock many pages. */
	if (ret == 0)
		ret = s->env->set_lk_max_locks(s->env, 200000);
	if (ret == 0)
		ret = s->env->set_lk_max_objects(s->env, 200000);
	if (ret == 0)
		ret = s->env->set_lk_max_lockers(s->env, 4000);
	/*
	 * Processes outnumber cores here (pre-forked workers): spinning on
	 * a held mutex only burns the time slice its holder needs.
	 */
	if (ret == 0)
		ret = s->env->mutex_set_tas_spins(s->env, 1);
	if (ret == 0)
		ret = s->env->set_cachesize(s->env, 0, 64u * 1024 * 1024, 1);
	if (ret == 0)
		ret = s->env->set_lg_bsize(s->env, 4u * 1024 * 1024);
	if (ret == 0)
		ret = s->env->set_lg_max(s->env, 32u * 1024 * 1024);
	if (ret == 0)
		ret = s->env->log_set_config(s->env, DB_LOG_AUTO_REMOVE, 1);
	if (ret == 0 && !opt->durable)
		ret = s->env->set_flags(s->env, DB_TXN_WRITE_NOSYNC, 1);
	if (ret != 0) {
		set_err(err, "configure environment", ret);
		st = map_ret(NULL, ret);
		goto fail;
	}
	/*
	 * DB_REGISTER+DB_RECOVER: recovery runs exactly when a process that
	 * had the environment open died without closing it.
	 */
	flags = DB_CREATE | DB_INIT_TXN | DB_INIT_LOCK | DB_INIT_LOG |
	    DB_INIT_MPOOL | DB_THREAD | DB_REGISTER | DB_RECOVER;
	ret = s->env->open(s->env, opt->home, flags, 0640);
	if (ret != 0) {
		set_err(err, "open environment", ret);
		st = map_ret(NULL, ret);
		goto fail;
	}
	s->env_open = true;
	for (i = 0; i < DBI__MAX; i++) {
		ret = db_create(&s->db[i], s->env, 0);
		/*
		 * Every redemption inserts into the ledger.  A btree split
		 * keeps the metadata and parent page locked until commit,
		 * i.e. until the log flush, stalling every other writer;
		 * 16 KiB pages split a quarter as often as 4 KiB ones
		 * (bench/bench_store: 8 writers no longer fall behind 1).
		 */
		if (ret == 0 && i == DBI_LEDGER)
			ret = s->db[i]->set_pagesize(s->db[i],
			    STORE_LEDGER_PAGESIZE);
		if (ret == 0)
			ret = s->db[i]->open(s->db[i], NULL, db_files[i], NULL,
			    DB_BTREE, DB_CREATE | DB_THREAD | DB_AUTO_COMMIT,
			    0640);
		if (ret != 0) {
			set_err(err, db_files[i], ret);
			st = map_ret(NULL, ret);
			goto fail;
		}
	}
	/* A busy store (a long import) may deadlock this first read. */
	for (i = 0;; i++) {
		st = check_schema(s, err);
		if (st != WS_ERR_BUSY || i >= 20)
			break;
		backoff(s, i);
	}
	if (st != WS_OK)
		goto fail;
	*out = s;
	return WS_OK;
fail:
	store_close(s);
	return st;
}

void
store_close(struct store *s)
{
	unsigned i;

	if (s == NULL)
		return;
	for (i = 0; i < DBI__MAX; i++)
		if (s->db[i] != NULL)
			s->db[i]->close(s->db[i], 0);
	if (s->env != NULL) {
		if (s->env_open)
			s->env->txn_checkpoint(s->env, 0, 0, 0);
		s->env->close(s->env, 0);
	}
	free(s);
}

const char *
store_home(const struct store *s)
{
	return s->home;
}

uint64_t
store_retries(const struct store *s)
{
	return s->retries;
}

enum ws_status
store_checkpoint(struct store *s)
{
	int ret = s->env->txn_checkpoint(s->env, 0, 0, 0);

	return map_ret(NULL, ret);
}

enum ws_status
store_maintain(struct store *s, bool checkpoint)
{
	int ret, aborted = 0;

	/*
	 * Lock timeouts are only looked at when the detector runs; the
	 * automatic detector runs only when a new request blocks.  A waiter
	 * on a lock whose holder died would wait forever without this.
	 */
	ret = s->env->lock_detect(s->env, 0, DB_LOCK_EXPIRE, &aborted);
	if (ret == 0)
		ret = s->env->lock_detect(s->env, 0, DB_LOCK_DEFAULT,
		    &aborted);
	if (ret == 0 && checkpoint)
		ret = s->env->txn_checkpoint(s->env, 1024, 1, 0);
	return map_ret(NULL, ret);
}

static void
backoff(struct store *s, unsigned attempt)
{
	struct timespec ts;
	unsigned max_us = 100u << (attempt < 6 ? attempt : 6);

	s->rand_state = s->rand_state * 1103515245u + 12345u;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)((s->rand_state >> 8) % max_us) * 1000L;
	nanosleep(&ts, NULL);
}

static enum ws_status
run(struct store *s, store_body_fn body, void *arg, u_int32_t begin_flags)
{
	struct store_txn t;
	enum ws_status st;
	unsigned attempt;
	int ret;

	memset(&t, 0, sizeof(t));
	t.s = s;
	buf_init(&t.scratch);
	for (attempt = 0;; attempt++) {
		t.deadlock = false;
		t.dead_env = false;
		ret = s->env->txn_begin(s->env, NULL, &t.txn, begin_flags);
		if (ret != 0) {
			st = map_ret(&t, ret);
			break;
		}
		st = body(&t, arg);
		if (st == WS_OK) {
			ret = t.txn->commit(t.txn, 0);
			t.txn = NULL;
			st = map_ret(&t, ret);
		} else {
			t.txn->abort(t.txn);
			t.txn = NULL;
		}
		if (!t.deadlock || t.dead_env || attempt + 1 >= s->max_retries)
			break;
		s->retries++;
		backoff(s, attempt);
	}
	buf_free(&t.scratch);
	return st;
}

enum ws_status
store_txn_run(struct store *s, store_body_fn body, void *arg)
{
	return run(s, body, arg, 0);
}

enum ws_status
store_read_run(struct store *s, store_body_fn body, void *arg)
{
	return run(s, body, arg, DB_READ_COMMITTED);
}

/* --- keys ---------------------------------------------------------------- */

/* "a NUL b" keys: a is a code, b a holder or customer. */
static enum ws_status
pair_key(char *key, size_t size, const char *a, const char *b, u_int32_t *len)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la == 0 || la + 1 + lb > size)
		return WS_ERR_INVALID;
	memcpy(key, a, la);
	key[la] = '\0';
	memcpy(key + la + 1, b, lb);
	*len = (u_int32_t)(la + 1 + lb);
	return WS_OK;
}

static void
dbt_in(DBT *d, const void *data, size_t len)
{
	memset(d, 0, sizeof(*d));
	d->data = (void *)data;
	d->size = (u_int32_t)len;
}

static void
dbt_out(DBT *d, void *data, size_t cap)
{
	memset(d, 0, sizeof(*d));
	d->data = data;
	d->ulen = (u_int32_t)cap;
	d->flags = DB_DBT_USERMEM;
}

static enum ws_status
code_ok(const char *code)
{
	size_t n = strlen(code);

	return n == 0 || n > VOUCHER_CODE_MAX ? WS_ERR_INVALID : WS_OK;
}

/* --- vouchers -------------------------------------------------------------- */

enum ws_status
store_voucher_get(struct store_txn *t, const char *code, struct voucher *out,
    bool for_update)
{
	DB *db = t->s->db[DBI_VOUCHERS];
	unsigned char data[STORE_DATA_MAX];
	DBT k, d;
	int ret;

	if (code_ok(code) != WS_OK)
		return WS_ERR_INVALID;
	dbt_in(&k, code, strlen(code));
	dbt_out(&d, data, sizeof(data));
	ret = db->get(db, t->txn, &k, &d, for_update ? DB_RMW : 0);
	if (ret != 0)
		return map_ret(t, ret);
	return codec_voucher_decode(d.data, d.size, code, strlen(code), out);
}

enum ws_status
store_voucher_put(struct store_txn *t, const struct voucher *v,
    bool create_only)
{
	DB *db = t->s->db[DBI_VOUCHERS];
	DBT k, d;
	enum ws_status st;

	if (code_ok(v->code) != WS_OK)
		return WS_ERR_INVALID;
	st = codec_voucher_encode(&t->scratch, v);
	if (st != WS_OK)
		return st;
	dbt_in(&k, v->code, strlen(v->code));
	dbt_in(&d, t->scratch.data, t->scratch.len);
	return map_ret(t, db->put(db, t->txn, &k, &d,
	    create_only ? DB_NOOVERWRITE : 0));
}

enum ws_status
store_voucher_del(struct store_txn *t, const char *code)
{
	DB *db = t->s->db[DBI_VOUCHERS];
	DBT k;

	if (code_ok(code) != WS_OK)
		return WS_ERR_INVALID;
	dbt_in(&k, code, strlen(code));
	return map_ret(t, db->del(db, t->txn, &k, 0));
}

/* --- ledger ------------------------------------------------------------- */

static size_t
ledger_key(unsigned char *key, const char *code, uint64_t seq)
{
	size_t n = strlen(code);
	int i;

	memcpy(key, code, n);
	key[n] = '\0';
	for (i = 7; i >= 0; i--) {
		key[n + 1 + (size_t)i] = (unsigned char)(seq & 0xff);
		seq >>= 8;
	}
	return n + 9;
}

enum ws_status
store_ledger_append(struct store_txn *t, struct voucher *v,
    struct ledger_entry *e)
{
	DB *db = t->s->db[DBI_LEDGER];
	unsigned char key[STORE_KEY_MAX];
	DBT k, d;
	enum ws_status st;

	if (code_ok(v->code) != WS_OK)
		return WS_ERR_INVALID;
	e->seq = v->ledger_seq + 1;
	e->balance_after = v->balance;
	e->redeemed_after = v->redeemed;
	st = codec_ledger_encode(&t->scratch, e);
	if (st != WS_OK)
		return st;
	dbt_in(&k, key, ledger_key(key, v->code, e->seq));
	dbt_in(&d, t->scratch.data, t->scratch.len);
	st = map_ret(t, db->put(db, t->txn, &k, &d, DB_NOOVERWRITE));
	if (st == WS_OK)
		v->ledger_seq = e->seq;
	return st;
}

/*
 * Walks the records whose key starts with prefix (plen bytes) in key
 * order; fn gets key and data.
 */
typedef enum ws_status (*walk_fn)(const DBT *k, const DBT *d, void *arg);

static enum ws_status
walk_prefix(struct store_txn *t, DB *db, const void *prefix, size_t plen,
    walk_fn fn, void *arg)
{
	unsigned char key[STORE_KEY_MAX], data[STORE_DATA_MAX];
	DBC *c = NULL;
	DBT k, d;
	enum ws_status st = WS_OK;
	u_int32_t op = plen > 0 ? DB_SET_RANGE : DB_FIRST;
	int ret;

	if (plen > sizeof(key))
		return WS_ERR_INVALID;
	ret = db->cursor(db, t->txn, &c, 0);
	if (ret != 0)
		return map_ret(t, ret);
	for (;;) {
		dbt_out(&k, key, sizeof(key));
		dbt_out(&d, data, sizeof(data));
		if (op == DB_SET_RANGE) {
			memcpy(key, prefix, plen);
			k.size = (u_int32_t)plen;
		}
		ret = c->get(c, &k, &d, op);
		op = DB_NEXT;
		if (ret == DB_NOTFOUND)
			break;
		if (ret != 0) {
			st = map_ret(t, ret);
			break;
		}
		if (k.size < plen || memcmp(k.data, prefix, plen) != 0)
			break;
		st = fn(&k, &d, arg);
		if (st != WS_OK)
			break;
	}
	ret = c->close(c);
	if (st == WS_OK && ret != 0)
		st = map_ret(t, ret);
	return st;
}

struct ledger_walk {
	store_ledger_fn	 fn;
	void		*arg;
};

static enum ws_status
ledger_walk_one(const DBT *k, const DBT *d, void *arg)
{
	struct ledger_walk *w = arg;
	struct ledger_entry e;
	enum ws_status st;

	(void)k;
	st = codec_ledger_decode(d->data, d->size, &e);
	if (st != WS_OK)
		return st;
	return w->fn(&e, w->arg);
}

enum ws_status
store_ledger_last_seq(struct store_txn *t, const char *code, uint64_t *seq)
{
	DB *db = t->s->db[DBI_LEDGER];
	unsigned char key[STORE_KEY_MAX], data[STORE_DATA_MAX];
	size_t n = strlen(code);
	DBC *c = NULL;
	DBT k, d;
	enum ws_status st = WS_OK;
	int ret, i;

	*seq = 0;
	if (code_ok(code) != WS_OK)
		return WS_ERR_INVALID;
	ret = db->cursor(db, t->txn, &c, 0);
	if (ret != 0)
		return map_ret(t, ret);
	/* position after the code's last possible key, then step back */
	memcpy(key, code, n);
	key[n] = '\0';
	for (i = 0; i < 8; i++)
		key[n + 1 + (size_t)i] = 0xff;
	dbt_out(&k, key, sizeof(key));
	dbt_out(&d, data, sizeof(data));
	k.size = (u_int32_t)(n + 9);
	ret = c->get(c, &k, &d, DB_SET_RANGE);
	if (ret == 0)
		ret = c->get(c, &k, &d, DB_PREV);
	else if (ret == DB_NOTFOUND)
		ret = c->get(c, &k, &d, DB_LAST);
	if (ret == 0 && k.size == n + 9 && memcmp(k.data, code, n) == 0 &&
	    ((unsigned char *)k.data)[n] == '\0') {
		const unsigned char *p = (const unsigned char *)k.data + n + 1;

		for (i = 0; i < 8; i++)
			*seq = (*seq << 8) | p[i];
	} else if (ret != 0 && ret != DB_NOTFOUND) {
		st = map_ret(t, ret);
	}
	ret = c->close(c);
	if (st == WS_OK && ret != 0)
		st = map_ret(t, ret);
	return st;
}

enum ws_status
store_ledger_each(struct store_txn *t, const char *code, store_ledger_fn fn,
    void *arg)
{
	struct ledger_walk w = { fn, arg };
	size_t n = strlen(code);

	if (code_ok(code) != WS_OK)
		return WS_ERR_INVALID;
	/* The prefix includes the NUL so "AB" does not walk "ABC". */
	return walk_prefix(t, t->s->db[DBI_LEDGER], code, n + 1,
	    ledger_walk_one, &w);
}

/* --- charges -------------------------------------------------------------- */

enum ws_status
store_charge_get(struct store_txn *t, const char *id, struct charge *out)
{
	DB *db = t->s->db[DBI_CHARGES];
	unsigned char data[STORE_DATA_MAX];
	DBT k, d;
	int ret;

	if (id[0] == '\0' || strlen(id) > VOUCHER_CHARGE_MAX)
		return WS_ERR_INVALID;
	dbt_in(&k, id, strlen(id));
	dbt_out(&d, data, sizeof(data));
	ret = db->get(db, t->txn, &k, &d, DB_RMW);
	if (ret != 0)
		return map_ret(t, ret);
	return codec_charge_decode(d.data, d.size, id, strlen(id), out);
}

enum ws_status
store_charge_put(struct store_txn *t, const struct charge *c)
{
	DB *db = t->s->db[DBI_CHARGES];
	DBT k, d;
	enum ws_status st;

	if (c->id[0] == '\0')
		return WS_ERR_INVALID;
	st = codec_charge_encode(&t->scratch, c);
	if (st != WS_OK)
		return st;
	dbt_in(&k, c->id, strlen(c->id));
	dbt_in(&d, t->scratch.data, t->scratch.len);
	return map_ret(t, db->put(db, t->txn, &k, &d, 0));
}

struct charge_walk {
	store_charge_fn	 fn;
	void		*arg;
};

static enum ws_status
charge_walk_one(const DBT *k, const DBT *d, void *arg)
{
	struct charge_walk *w = arg;
	struct charge c;
	enum ws_status st;

	st = codec_charge_decode(d->data, d->size, k->data, k->size, &c);
	if (st != WS_OK)
		return st;
	return w->fn(&c, w->arg);
}

struct charge_each_arg {
	struct charge_walk	w;
};

static enum ws_status
charge_each_body(struct store_txn *t, void *arg)
{
	struct charge_each_arg *a = arg;

	return walk_prefix(t, t->s->db[DBI_CHARGES], "", 0, charge_walk_one,
	    &a->w);
}

enum ws_status
store_charge_each(struct store *s, store_charge_fn fn, void *arg)
{
	struct charge_each_arg a = { { fn, arg } };

	return store_read_run(s, charge_each_body, &a);
}

/* --- holds ---------------------------------------------------------------- */

enum ws_status
store_hold_get(struct store_txn *t, const char *code, const char *holder,
    struct hold *out, bool for_update)
{
	DB *db = t->s->db[DBI_HOLDS];
	char key[STORE_KEY_MAX];
	unsigned char data[STORE_DATA_MAX];
	u_int32_t klen;
	DBT k, d;
	int ret;

	if (pair_key(key, sizeof(key), code, holder, &klen) != WS_OK)
		return WS_ERR_INVALID;
	dbt_in(&k, key, klen);
	dbt_out(&d, data, sizeof(data));
	ret = db->get(db, t->txn, &k, &d, for_update ? DB_RMW : 0);
	if (ret != 0)
		return map_ret(t, ret);
	return codec_hold_decode(d.data, d.size, out);
}

enum ws_status
store_hold_put(struct store_txn *t, const struct hold *h)
{
	DB *db = t->s->db[DBI_HOLDS];
	char key[STORE_KEY_MAX];
	u_int32_t klen;
	DBT k, d;
	enum ws_status st;

	if (h->holder[0] == '\0' ||
	    pair_key(key, sizeof(key), h->code, h->holder, &klen) != WS_OK)
		return WS_ERR_INVALID;
	st = codec_hold_encode(&t->scratch, h);
	if (st != WS_OK)
		return st;
	dbt_in(&k, key, klen);
	dbt_in(&d, t->scratch.data, t->scratch.len);
	return map_ret(t, db->put(db, t->txn, &k, &d, 0));
}

enum ws_status
store_hold_del(struct store_txn *t, const char *code, const char *holder)
{
	DB *db = t->s->db[DBI_HOLDS];
	char key[STORE_KEY_MAX];
	u_int32_t klen;
	DBT k;

	if (pair_key(key, sizeof(key), code, holder, &klen) != WS_OK)
		return WS_ERR_INVALID;
	dbt_in(&k, key, klen);
	return map_ret(t, db->del(db, t->txn, &k, 0));
}

struct hold_walk {
	store_hold_fn	 fn;
	void		*arg;
};

static enum ws_status
hold_walk_one(const DBT *k, const DBT *d, void *arg)
{
	struct hold_walk *w = arg;
	struct hold h;
	enum ws_status st;

	(void)k;
	st = codec_hold_decode(d->data, d->size, &h);
	if (st != WS_OK)
		return st;
	return w->fn(&h, w->arg);
}

enum ws_status
store_hold_each(struct store_txn *t, const char *code, store_hold_fn fn,
    void *arg)
{
	struct hold_walk w = { fn, arg };
	size_t n = strlen(code);

	if (n > VOUCHER_CODE_MAX)
		return WS_ERR_INVALID;
	return walk_prefix(t, t->s->db[DBI_HOLDS], code, n == 0 ? 0 : n + 1,
	    hold_walk_one, &w);
}

/* --- per-customer usage ---------------------------------------------------- */

enum ws_status
store_usage_get(struct store_txn *t, const char *code, const char *customer,
    uint32_t *count)
{
	DB *db = t->s->db[DBI_USAGE];
	char key[STORE_KEY_MAX];
	unsigned char data[4];
	u_int32_t klen;
	DBT k, d;
	int ret;

	*count = 0;
	if (customer[0] == '\0' ||
	    pair_key(key, sizeof(key), code, customer, &klen) != WS_OK)
		return WS_ERR_INVALID;
	dbt_in(&k, key, klen);
	dbt_out(&d, data, sizeof(data));
	ret = db->get(db, t->txn, &k, &d, DB_RMW);
	if (ret == DB_NOTFOUND)
		return WS_OK;
	if (ret != 0)
		return map_ret(t, ret);
	if (d.size != 4)
		return WS_ERR_DB;
	*count = ((uint32_t)data[0] << 24) | ((uint32_t)data[1] << 16) |
	    ((uint32_t)data[2] << 8) | data[3];
	return WS_OK;
}

enum ws_status
store_usage_put(struct store_txn *t, const char *code, const char *customer,
    uint32_t count)
{
	DB *db = t->s->db[DBI_USAGE];
	char key[STORE_KEY_MAX];
	unsigned char data[4];
	u_int32_t klen;
	DBT k, d;
	int ret;

	if (customer[0] == '\0' ||
	    pair_key(key, sizeof(key), code, customer, &klen) != WS_OK)
		return WS_ERR_INVALID;
	dbt_in(&k, key, klen);
	if (count == 0) {
		ret = db->del(db, t->txn, &k, 0);
		return ret == DB_NOTFOUND ? WS_OK : map_ret(t, ret);
	}
	data[0] = (unsigned char)(count >> 24);
	data[1] = (unsigned char)(count >> 16);
	data[2] = (unsigned char)(count >> 8);
	data[3] = (unsigned char)count;
	dbt_in(&d, data, 4);
	return map_ret(t, db->put(db, t->txn, &k, &d, 0));
}

enum ws_status
store_usage_del_code(struct store_txn *t, const char *code)
{
	DB *db = t->s->db[DBI_USAGE];
	unsigned char key[STORE_KEY_MAX], data[16];
	size_t n = strlen(code);
	DBC *c = NULL;
	DBT k, d;
	enum ws_status st = WS_OK;
	u_int32_t op = DB_SET_RANGE;
	int ret;

	if (code_ok(code) != WS_OK)
		return WS_ERR_INVALID;
	ret = db->cursor(db, t->txn, &c, 0);
	if (ret != 0)
		return map_ret(t, ret);
	for (;;) {
		dbt_out(&k, key, sizeof(key));
		dbt_out(&d, data, sizeof(data));
		if (op == DB_SET_RANGE) {
			memcpy(key, code, n + 1);
			k.size = (u_int32_t)(n + 1);
		}
		ret = c->get(c, &k, &d, op | DB_RMW);
		op = DB_NEXT;
		if (ret == DB_NOTFOUND)
			break;
		if (ret != 0) {
			st = map_ret(t, ret);
			break;
		}
		if (k.size < n + 1 || memcmp(k.data, code, n + 1) != 0)
			break;
		ret = c->del(c, 0);
		if (ret != 0) {
			st = map_ret(t, ret);
			break;
		}
	}
	ret = c->close(c);
	if (st == WS_OK && ret != 0)
		st = map_ret(t, ret);
	return st;
}

/* --- batched scan --------------------------------------------------------- */

struct scan_arg {
	const char	*after;
	struct voucher	*out;
	size_t		 max;
	size_t		 n;
};

static enum ws_status
scan_body(struct store_txn *t, void *arg)
{
	struct scan_arg *a = arg;
	DB *db = t->s->db[DBI_VOUCHERS];
	unsigned char key[STORE_KEY_MAX], data[STORE_DATA_MAX];
	size_t alen = strlen(a->after);
	DBC *c = NULL;
	DBT k, d;
	enum ws_status st = WS_OK;
	u_int32_t op = alen > 0 ? DB_SET_RANGE : DB_FIRST;
	int ret;

	a->n = 0;	/* restartable: a retry starts the batch again */
	if (alen > VOUCHER_CODE_MAX)
		return WS_ERR_INVALID;
	ret = db->cursor(db, t->txn, &c, DB_READ_COMMITTED);
	if (ret != 0)
		return map_ret(t, ret);
	while (a->n < a->max) {
		dbt_out(&k, key, sizeof(key));
		dbt_out(&d, data, sizeof(data));
		if (op == DB_SET_RANGE) {
			memcpy(key, a->after, alen);
			k.size = (u_int32_t)alen;
		}
		ret = c->get(c, &k, &d, op);
		op = DB_NEXT;
		if (ret == DB_NOTFOUND)
			break;
		if (ret != 0) {
			st = map_ret(t, ret);
			break;
		}
		if (k.size == alen && memcmp(k.data, a->after, alen) == 0)
			continue;
		st = codec_voucher_decode(d.data, d.size, k.data, k.size,
		    &a->out[a->n]);
		if (st != WS_OK)
			break;
		a->n++;
	}
	ret = c->close(c);
	if (st == WS_OK && ret != 0)
		st = map_ret(t, ret);
	return st;
}

enum ws_status
store_voucher_scan(struct store *s, const char *after, struct voucher *out,
    size_t max, size_t *n)
{
	struct scan_arg a = { after, out, max, 0 };
	enum ws_status st;

	st = store_read_run(s, scan_body, &a);
	*n = st == WS_OK ? a.n : 0;
	return st;
}

/* --- the shop's records ------------------------------------------------------ */

static enum ws_status
kv_key_ok(const char *key)
{
	size_t n = strlen(key);

	return n == 0 || n > STORE_KV_KEY_MAX ? WS_ERR_INVALID : WS_OK;
}

enum ws_status
store_kv_get(struct store_txn *t, const char *key, struct buf *out,
    bool for_update)
{
	DB *db = t->s->db[DBI_SHOP];
	enum ws_status st;
	DBT k, d;
	int ret;

	buf_reset(out);
	if (kv_key_ok(key) != WS_OK)
		return WS_ERR_INVALID;
	if ((st = buf_reserve(out, STORE_KV_DATA_MAX)) != WS_OK)
		return st;
	dbt_in(&k, key, strlen(key));
	dbt_out(&d, out->data, STORE_KV_DATA_MAX);
	ret = db->get(db, t->txn, &k, &d, for_update ? DB_RMW : 0);
	if (ret != 0)
		return map_ret(t, ret);
	out->len = d.size;
	out->data[out->len] = '\0';
	return WS_OK;
}

static enum ws_status
kv_put(struct store_txn *t, const char *key, const void *data, size_t len,
    u_int32_t flags)
{
	DB *db = t->s->db[DBI_SHOP];
	DBT k, d;

	if (kv_key_ok(key) != WS_OK)
		return WS_ERR_INVALID;
	if (len > STORE_KV_DATA_MAX)
		return WS_ERR_LIMIT;
	dbt_in(&k, key, strlen(key));
	dbt_in(&d, data, len);
	return map_ret(t, db->put(db, t->txn, &k, &d, flags));
}

enum ws_status
store_kv_put(struct store_txn *t, const char *key, const void *data,
    size_t len)
{
	return kv_put(t, key, data, len, 0);
}

enum ws_status
store_kv_add(struct store_txn *t, const char *key, const void *data,
    size_t len)
{
	return kv_put(t, key, data, len, DB_NOOVERWRITE);
}

enum ws_status
store_kv_del(struct store_txn *t, const char *key)
{
	DB *db = t->s->db[DBI_SHOP];
	DBT k;
	int ret;

	if (kv_key_ok(key) != WS_OK)
		return WS_ERR_INVALID;
	dbt_in(&k, key, strlen(key));
	ret = db->del(db, t->txn, &k, 0);
	return ret == DB_NOTFOUND ? WS_ERR_NOTFOUND : map_ret(t, ret);
}

struct kv_walk {
	store_kv_fn	 fn;
	void		*arg;
};

static enum ws_status
kv_walk_one(const DBT *k, const DBT *d, void *arg)
{
	struct kv_walk *w = arg;
	char key[STORE_KV_KEY_MAX + 1];

	if (k->size > STORE_KV_KEY_MAX)
		return WS_ERR_DB;
	memcpy(key, k->data, k->size);
	key[k->size] = '\0';
	return w->fn(key, d->data, d->size, w->arg);
}

enum ws_status
store_kv_each(struct store_txn *t, const char *prefix, store_kv_fn fn,
    void *arg)
{
	struct kv_walk w = { fn, arg };

	return walk_prefix(t, t->s->db[DBI_SHOP], prefix, strlen(prefix),
	    kv_walk_one, &w);
}
