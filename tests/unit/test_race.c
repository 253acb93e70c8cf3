/*
 * test_race.c - no double spending: many processes, one code.
 *
 * Each child opens its own store handle after fork (Berkeley DB handles
 * must not cross a fork) and reports its successes in its exit status.
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

enum race_op {
	RACE_REDEEM_POS,	/* direct 1,00 redemptions */
	RACE_ACTIVATE,		/* webshop activations, one holder each */
};

/* Runs `attempts` operations in a child; exit status = successes. */
static void
child(const char *dir, const char *code, enum race_op op, int id,
    int attempts)
{
	struct store_options opt = { dir, false, false, 10000, 200 };
	struct voucher_conf conf;
	struct store *s = NULL;
	struct buf err = BUF_INIT;
	struct ops_result r;
	struct ops_ctx ctx;
	char holder[32];
	int i, ok = 0;

	conf_defaults(&conf);
	if (store_open(&opt, &s, &err) != WS_OK)
		_exit(255);
	for (i = 0; i < attempts; i++) {
		enum ws_status st;

		snprintf(holder, sizeof(holder), "p%d-a%d", id, i);
		ctx = tu_ctx(holder, "", 100);
		if (op == RACE_REDEEM_POS) {
			ctx.channel = VOUCHER_CHANNEL_POS;
			st = ops_redeem(s, &conf, code, &ctx, 100, &r);
		} else {
			st = ops_activate(s, &conf, code, &ctx, 0, &r);
		}
		if (st != WS_OK)
			_exit(254);	/* the store must always answer */
		if (r.reason == 0)
			ok++;
		else if (r.reason != 5 && r.reason != 13 && r.reason != 19)
			_exit(253);
	}
	store_close(s);
	buf_free(&err);
	_exit(ok);
}

/* Forks nproc children sharing `total` attempts; returns successes. */
static int
race(const char *dir, const char *code, enum race_op op, int nproc,
    int total)
{
	pid_t pids[64];
	int i, sum = 0, status;

	cr_assert(nproc <= 64);
	for (i = 0; i < nproc; i++) {
		int share = total / nproc + (i < total % nproc ? 1 : 0);

		pids[i] = fork();
		cr_assert_neq(pids[i], -1);
		if (pids[i] == 0)
			child(dir, code, op, i, share);
	}
	for (i = 0; i < nproc; i++) {
		cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
		cr_assert(WIFEXITED(status), "child %d died", i);
		cr_assert_lt(WEXITSTATUS(status), 250, "child %d failed: %d",
		    i, WEXITSTATUS(status));
		sum += WEXITSTATUS(status);
	}
	return sum;
}

Test(race, sixteen_processes_spend_one_gift_voucher, .timeout = 120)
{
	char *dir = tu_tmpdir();
	struct store *s = tu_store(dir);
	struct voucher v;
	uint64_t n;
	int ok;

	tu_issue(s, "RACE50", VOUCHER_KIND_VALUE, VOUCHER_STD_REUSABLE, 5000);
	store_close(s);
	ok = race(dir, "RACE50", RACE_REDEEM_POS, 16, 200);
	cr_expect_eq(ok, 50, "successes: %d", ok);
	s = tu_store(dir);
	v = tu_get(s, "RACE50");
	cr_expect_eq(v.balance, 0);
	cr_expect_eq(v.state, VOUCHER_EXHAUSTED);
	cr_expect_eq(tu_ledger_sum(s, "RACE50", &n), v.balance);
	cr_expect_eq(n, 51, "issue + 50 redemptions");
	store_close(s);
	tu_rmrf(dir);
	free(dir);
}

Test(race, universal_max_25_under_250_activations, .timeout = 120)
{
	char *dir = tu_tmpdir();
	struct store *s = tu_store(dir);
	struct voucher v;
	int ok;

	voucher_init(&v);
	memcpy(v.code, "UNI25", 6);
	v.type = VOUCHER_UNI_NO_RESTRICTIONS;
	v.amount = 100;
	v.max_redemptions = 25;
	cr_assert_eq(ops_issue(s, &v, "t"), WS_OK);
	store_close(s);
	ok = race(dir, "UNI25", RACE_ACTIVATE, 16, 250);
	cr_expect_eq(ok, 25, "successes: %d", ok);
	s = tu_store(dir);
	cr_expect_eq(tu_get(s, "UNI25").redeemed, 25);
	cr_expect_eq(tu_holds(s, "UNI25", 0), 25);
	store_close(s);
	tu_rmrf(dir);
	free(dir);
}

Test(race, one_single_use_code_in_eight_baskets, .timeout = 120)
{
	char *dir = tu_tmpdir();
	struct store *s = tu_store(dir);
	int ok;

	tu_issue(s, "SINGLE", VOUCHER_KIND_PROMO, VOUCHER_STD_EXPIRES, 1000);
	store_close(s);
	ok = race(dir, "SINGLE", RACE_ACTIVATE, 8, 8);
	cr_expect_eq(ok, 1, "successes: %d", ok);
	s = tu_store(dir);
	cr_expect_eq(tu_holds(s, "SINGLE", 0), 1);
	store_close(s);
	tu_rmrf(dir);
	free(dir);
}
