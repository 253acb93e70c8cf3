/*
 * bench_store.c - throughput of durable redemptions, one process against
 * several, measured in one run so the figure is a ratio on the same
 * machine at the same moment.
 *
 * usage: bench_store [procs] [redemptions per process]
 * Each process redeems 1,00 at a time from its own vouchers (distinct
 * codes, so writers do not contend for records, only for the log).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "num.h"
#include "ops.h"
#include "store.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct store *
open_store(const char *dir, bool create)
{
	struct store_options opt = { dir, create, true, 10000, 200 };
	struct buf err = BUF_INIT;
	struct store *s = NULL;

	if (store_open(&opt, &s, &err) != WS_OK) {
		fprintf(stderr, "bench: %s\n", buf_cstr(&err));
		exit(1);
	}
	buf_free(&err);
	return s;
}

static void
code_of(char *out, size_t size, int proc, int i)
{
	snprintf(out, size, "B%02d-%06d", proc, i / 50);
}

static void
worker(const char *dir, int proc, int n)
{
	struct voucher_conf conf;
	struct store *s = open_store(dir, false);
	struct ops_result r;
	struct ops_ctx ctx;
	char code[32];
	int i;

	conf_defaults(&conf);
	for (i = 0; i < n; i++) {
		code_of(code, sizeof(code), proc, i);
		ops_ctx_init(&ctx);
		ctx.channel = VOUCHER_CHANNEL_POS;
		ctx.holder = "bench";
		ctx.actor = "bench";
		ctx.basket.eligible = 100;
		ctx.basket.due = 100;
		if (ops_redeem(s, &conf, code, &ctx, 100, &r) != WS_OK ||
		    r.reason != 0)
			_exit(2);
	}
	store_close(s);
	_exit(0);
}

/* Runs procs workers of n redemptions; returns redemptions per second. */
static double
run(const char *dir, int procs, int n)
{
	pid_t pids[64];
	double t0, t1;
	int i, status, bad = 0;

	t0 = now_s();
	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			worker(dir, i, n);
	}
	for (i = 0; i < procs; i++)
		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad++;
	t1 = now_s();
	if (bad > 0) {
		fprintf(stderr, "bench: %d workers failed\n", bad);
		exit(1);
	}
	return (double)procs * n / (t1 - t0);
}

static void
setup(const char *dir, int procs, int n)
{
	struct store *s = open_store(dir, true);
	struct voucher v;
	char code[32];
	int p, i;

	for (p = 0; p < procs; p++) {
		for (i = 0; i < n; i += 50) {
			voucher_init(&v);
			code_of(code, sizeof(code), p, i);
			memcpy(v.code, code, strlen(code) + 1);
			v.kind = VOUCHER_KIND_VALUE;
			v.amount = 5000;
			v.balance = 5000;
			if (ops_issue(s, &v, "bench") != WS_OK)
				exit(1);
		}
	}
	store_close(s);
}

int
main(int argc, char **argv)
{
	char one[] = "/tmp/wsv-bench1-XXXXXX", many[] = "/tmp/wsv-benchN-XXXXXX";
	int64_t procs = 8, n = 2000;
	double r1, rn;
	char cmd[128];

	if (argc > 1 && num_parse_i64(argv[1], strlen(argv[1]), 2, 64,
	    &procs) != WS_OK)
		return 2;
	if (argc > 2 && num_parse_i64(argv[2], strlen(argv[2]), 50, 1000000,
	    &n) != WS_OK)
		return 2;
	if (mkdtemp(one) == NULL || mkdtemp(many) == NULL)
		return 1;
	setup(one, 1, (int)n);
	setup(many, (int)procs, (int)n);
	r1 = run(one, 1, (int)n);
	rn = run(many, (int)procs, (int)n);
	printf("durable redemptions, 1 process:   %8.0f /s\n", r1);
	printf("durable redemptions, %d processes: %8.0f /s\n", (int)procs, rn);
	printf("ratio %d processes / 1 process:    %8.2f\n", (int)procs,
	    rn / r1);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", one, many);
	return system(cmd) == 0 ? 0 : 1;
}
