/*
 * charge.c - making a charge (batch) of new codes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "charge.h"
#include "clock.h"
#include "num.h"

struct batch_arg {
	const struct codegen		*g;
	const struct charge_request	*req;
	struct charge			*charge;
	uint64_t			 want;	/* codes in this batch */
	char				(*codes)[VOUCHER_CODE_MAX + 1];
	uint64_t			 collisions;
	bool				 first;
	bool				 last;
};

static enum ws_status
batch_body(struct store_txn *t, void *arg)
{
	struct batch_arg *a = arg;
	struct charge c;
	struct voucher v;
	struct ledger_entry e;
	int64_t now = clock_now();
	enum ws_status st;
	uint64_t i;
	unsigned tries;

	st = store_charge_get(t, a->charge->id, &c);
	if (a->first) {
		if (st == WS_OK)
			return WS_ERR_EXISTS;
		if (st != WS_ERR_NOTFOUND)
			return st;
		c = *a->charge;
	} else if (st != WS_OK) {
		return st;
	}
	for (i = 0; i < a->want; i++) {
		for (tries = 0;; tries++) {
			if (tries >= 16)
				return WS_ERR_LIMIT;	/* the space is full */
			v = a->req->proto;
			st = codegen_make(a->g, v.code, sizeof(v.code));
			if (st != WS_OK)
				return st;
			memset(&e, 0, sizeof(e));
			e.op = LEDGER_ISSUE;
			e.at = now;
			str_copy_trunc(e.actor, sizeof(e.actor), a->req->creator);
			str_copy_trunc(e.reference, sizeof(e.reference), c.id);
			e.amount = v.amount;
			v.ledger_seq = 0;
			v.created = now;
			v.updated = now;
			if (voucher_has_balance(&v)) {
				v.balance = v.amount;
				e.delta = v.amount;
			}
			/* The ledger key is new exactly when the code is. */
			st = store_ledger_append(t, &v, &e);
			if (st == WS_ERR_EXISTS) {
				a->collisions++;
				continue;
			}
			if (st != WS_OK)
				return st;
			st = store_voucher_put(t, &v, true);
			if (st == WS_ERR_EXISTS) {
				a->collisions++;
				continue;
			}
			if (st != WS_OK)
				return st;
			break;
		}
		memcpy(a->codes[i], v.code, sizeof(v.code));
	}
	c.count += a->want;
	c.complete = a->last;
	st = store_charge_put(t, &c);
	if (st == WS_OK)
		*a->charge = c;
	return st;
}

static enum ws_status
new_charge_id(char *out, size_t size)
{
	struct buf b = BUF_INIT;
	unsigned char rnd[3];
	int64_t now = clock_now();
	enum ws_status st;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return WS_ERR_IO;
	st = num_format_datetime(&b, now);
	if (st == WS_OK) {
		/* "2026-11-25T10:20:30Z" -> "C20261125102030-a1b2c3" */
		const char *d = buf_cstr(&b);
		char compact[16];
		size_t i, j = 0;

		for (i = 0; d[i] != '\0' && j < sizeof(compact) - 1; i++)
			if (d[i] >= '0' && d[i] <= '9')
				compact[j++] = d[i];
		compact[j] = '\0';
		if (snprintf(out, size, "C%s-%02x%02x%02x", compact, rnd[0],
		    rnd[1], rnd[2]) >= (int)size)
			st = WS_ERR_LIMIT;
	}
	buf_free(&b);
	return st;
}

enum ws_status
charge_create(struct store *s, const struct codegen *g,
    const struct charge_request *req, charge_code_fn on_code,
    charge_progress_fn on_progress, void *arg, struct charge *out,
    struct buf *err)
{
	struct batch_arg a;
	struct charge_request r2;
	struct charge c;
	struct diags d;
	struct voucher proto = req->proto;
	enum ws_status st = WS_OK;
	uint64_t done = 0, i;

	if (req->count == 0 || req->count > CHARGE_MAX) {
		buf_printf(err, "count must be 1 to %u", CHARGE_MAX);
		return WS_ERR_INVALID;
	}
	memset(&c, 0, sizeof(c));
	if (proto.charge_id[0] == '\0') {
		st = new_charge_id(proto.charge_id, sizeof(proto.charge_id));
		if (st != WS_OK)
			return st;
	}
	/* validate with a stand-in code: the real ones come from g */
	str_copy_trunc(proto.code, sizeof(proto.code), "X");
	if (voucher_has_balance(&proto))
		proto.balance = proto.amount;
	diags_init(&d);
	if (voucher_validate(&proto, &d, "", 0) != WS_OK) {
		for (i = 0; i < d.n; i++)
			buf_printf(err, "%s%s: %s", i > 0 ? "; " : "",
			    d.items[i].field, d.items[i].text);
		diags_free(&d);
		return WS_ERR_INVALID;
	}
	diags_free(&d);
	str_copy_trunc(c.id, sizeof(c.id), proto.charge_id);
	str_copy_trunc(c.creator, sizeof(c.creator), req->creator);
	str_copy_trunc(c.label, sizeof(c.label), req->label);
	c.created = clock_now();

	memset(&a, 0, sizeof(a));
	a.g = g;
	r2 = *req;
	r2.proto = proto;
	a.req = &r2;
	a.charge = &c;
	a.codes = malloc(CHARGE_BATCH * sizeof(*a.codes));
	if (a.codes == NULL)
		return WS_ERR_NOMEM;
	while (done < req->count) {
		a.want = req->count - done < CHARGE_BATCH ?
		    req->count - done : CHARGE_BATCH;
		a.first = done == 0;
		a.last = done + a.want == req->count;
		st = store_txn_run(s, batch_body, &a);
		if (st == WS_ERR_EXISTS && a.first) {
			buf_printf(err, "charge %s exists already", c.id);
			break;
		}
		if (st != WS_OK) {
			buf_printf(err, "charge %s stopped after %llu codes: %s",
			    c.id, (unsigned long long)done,
			    ws_status_str(st));
			break;
		}
		for (i = 0; on_code != NULL && i < a.want && st == WS_OK; i++)
			st = on_code(a.codes[i], arg);
		done += a.want;
		if (on_progress != NULL)
			on_progress(done, req->count, arg);
		if (st != WS_OK)
			break;
	}
	free(a.codes);
	*out = c;
	return st;
}
