/*
 * test_crash.c - a process killed inside an open write transaction: the
 * next open recovers (DB_REGISTER + DB_RECOVER), committed redemptions
 * stay, the uncommitted one is gone, every invariant holds and db_verify
 * finds every database clean.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "ops.h"
#include "testutil.h"

struct stall_arg {
	int	 fd;
};

/* Debits the voucher inside the transaction, tells the parent, waits. */
static enum ws_status
stall_body(struct store_txn *t, void *arg)
{
	struct stall_arg *a = arg;
	struct ledger_entry e;
	struct voucher v;
	enum ws_status st;

	st = store_voucher_get(t, "CRASH", &v, true);
	if (st != WS_OK)
		return st;
	memset(&e, 0, sizeof(e));
	e.op = LEDGER_REDEEM;
	e.delta = -1000;
	v.balance -= 1000;
	st = store_ledger_append(t, &v, &e);
	if (st == WS_OK)
		st = store_voucher_put(t, &v, false);
	if (st != WS_OK)
		return st;
	if (write(a->fd, "x", 1) != 1)
		_exit(3);
	for (;;)
		pause();
}

static void
crash_child(const char *dir, int fd)
{
	struct store_options opt = { dir, false, true, 0, 0 };
	struct voucher_conf conf;
	struct store *s = NULL;
	struct buf err = BUF_INIT;
	struct ops_result r;
	struct ops_ctx ctx;
	struct stall_arg a = { fd };
	int i;

	conf_defaults(&conf);
	if (store_open(&opt, &s, &err) != WS_OK)
		_exit(2);
	/* three committed, durable redemptions first */
	for (i = 0; i < 3; i++) {
		ctx = tu_ctx("pos", "", 500);
		ctx.channel = VOUCHER_CHANNEL_POS;
		if (ops_redeem(s, &conf, "CRASH", &ctx, 500, &r) != WS_OK ||
		    r.reason != 0)
			_exit(4);
	}
	store_txn_run(s, stall_body, &a);
	_exit(5);
}

static void
verify(const char *dir)
{
	static const char *const files[] = { "meta.db", "vouchers.db",
	    "charges.db", "ledger.db", "holds.db", "usage.db" };
	const char *tool = getenv("DB_VERIFY");
	char cmd[1024];
	size_t i;

	if (tool == NULL || tool[0] == '\0')
		tool = DB_VERIFY;
	if (tool[0] == '\0')
		cr_skip_test("db_verify not installed (db5.3-util)");
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(cmd, sizeof(cmd), "'%s' -q -h '%s' '%s'", tool, dir,
		    files[i]);
		cr_expect_eq(system(cmd), 0, "db_verify %s", files[i]);
	}
}

Test(crash, sigkill_inside_write_transaction)
{
	char *dir = tu_tmpdir();
	struct store *s = tu_store(dir);
	struct voucher v;
	uint64_t n;
	int pfd[2], status;
	char c;
	pid_t pid;

	tu_issue(s, "CRASH", VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE, 5000);
	store_close(s);
	cr_assert_eq(pipe(pfd), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		close(pfd[0]);
		crash_child(dir, pfd[1]);
	}
	close(pfd[1]);
	/* the child is inside its transaction once it wrote the byte */
	cr_assert_eq(read(pfd[0], &c, 1), 1, "child did not get there");
	cr_assert_eq(kill(pid, SIGKILL), 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	close(pfd[0]);

	s = tu_store(dir);	/* runs recovery: the child died */
	v = tu_get(s, "CRASH");
	cr_expect_eq(v.balance, 3500, "3 x 5,00 committed, 10,00 not");
	cr_expect_eq(v.redeemed, 3);
	cr_expect_eq(tu_ledger_sum(s, "CRASH", &n), v.balance);
	cr_expect_eq(n, 4);
	cr_expect_eq(n, v.ledger_seq);
	/* and it still works */
	{
		struct voucher_conf conf;
		struct ops_ctx ctx = tu_ctx("pos", "", 100);
		struct ops_result r;

		conf_defaults(&conf);
		ctx.channel = VOUCHER_CHANNEL_POS;
		cr_expect_eq(ops_redeem(s, &conf, "CRASH", &ctx, 100, &r),
		    WS_OK);
		cr_expect_eq(r.reason, 0);
	}
	store_close(s);
	verify(dir);
	tu_rmrf(dir);
	free(dir);
}

/* Holds a write lock on the voucher, tells the parent, waits forever. */
static enum ws_status
hold_lock_body(struct store_txn *t, void *arg)
{
	struct stall_arg *a = arg;
	struct voucher v;
	enum ws_status st;

	st = store_voucher_get(t, "CRASH", &v, true);
	if (st != WS_OK)
		return st;
	if (write(a->fd, "x", 1) != 1)
		_exit(3);
	for (;;)
		pause();
}

static struct store *
open_short_timeout(const char *dir)
{
	struct store_options opt = { dir, false, false, 1000, 0 };
	struct store *s = NULL;
	struct buf err = BUF_INIT;

	if (store_open(&opt, &s, &err) != WS_OK)
		_exit(2);
	buf_free(&err);
	return s;
}

Test(crash, waiter_on_a_dead_lock_holder_gets_busy)
{
	char *dir = tu_tmpdir();
	struct store *s = tu_store(dir);
	int pfd[2], status, i;
	pid_t holder, waiter;
	char c;

	tu_issue(s, "CRASH", VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE, 5000);
	store_close(s);
	cr_assert_eq(pipe(pfd), 0);
	holder = fork();
	if (holder == 0) {
		struct stall_arg a = { pfd[1] };

		s = open_short_timeout(dir);
		store_txn_run(s, hold_lock_body, &a);
		_exit(5);
	}
	cr_assert_eq(read(pfd[0], &c, 1), 1);
	waiter = fork();
	if (waiter == 0) {
		struct voucher_conf conf;
		struct ops_ctx ctx = tu_ctx("pos", "", 100);
		struct ops_result r;
		enum ws_status st;

		conf_defaults(&conf);
		ctx.channel = VOUCHER_CHANNEL_POS;
		s = open_short_timeout(dir);
		st = ops_redeem(s, &conf, "CRASH", &ctx, 100, &r);
		_exit(st == WS_ERR_BUSY ? 0 : 10 + (int)st);
	}
	/* the parent is the maintaining process; it registers first */
	s = open_short_timeout(dir);
	usleep(200000);
	cr_assert_eq(kill(holder, SIGKILL), 0);
	cr_assert_eq(waitpid(holder, &status, 0), holder);
	for (i = 0; i < 200; i++) {
		cr_assert_eq(store_maintain(s, false), WS_OK);
		if (waitpid(waiter, &status, WNOHANG) == waiter)
			break;
		usleep(100000);
	}
	cr_assert_lt(i, 200, "the waiter never got an answer");
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "waiter: status %d", WEXITSTATUS(status));
	close(pfd[0]);
	close(pfd[1]);
	store_close(s);
	tu_rmrf(dir);
	free(dir);
}
