/*
 * testutil.h - helpers shared by the unit tests: temporary stores, test
 * vouchers, ledger sums.
 */
#ifndef WS_TESTUTIL_H
#define WS_TESTUTIL_H

#include <stdint.h>

#include "conf.h"
#include "ops.h"
#include "store.h"
#include "voucher.h"

/* A new empty folder under $TMPDIR or /tmp; free() the result. */
char		*tu_tmpdir(void);
/* Removes a folder made by tu_tmpdir and everything in it. */
void		 tu_rmrf(const char *dir);
/* Opens (creating) a store in dir; fails the test on error. */
struct store	*tu_store(const char *dir);
/* Issues a voucher of the given shape under code; fails on error. */
void		 tu_issue(struct store *s, const char *code,
		    enum voucher_kind kind, enum voucher_type type,
		    int64_t amount);
/* Reads one voucher; fails the test if it is not there. */
struct voucher	 tu_get(struct store *s, const char *code);
/* Sum of the ledger deltas of code, and the number of entries. */
int64_t		 tu_ledger_sum(struct store *s, const char *code,
		    uint64_t *entries);
/* Number of live holds on code at time now. */
unsigned	 tu_holds(struct store *s, const char *code, int64_t now);
/* Diagnostics as "[line field: text] ..." for assertion messages. */
void		 tu_diags_dump(const struct diags *d, char *out, size_t size);
/* A diagnostic at line (0: any) for field (NULL: any) containing text
 * (NULL: any)? */
bool		 tu_diags_has(const struct diags *d, unsigned line,
		    const char *field, const char *text);
/* A web ctx for holder/customer with a basket of `eligible` cents. */
struct ops_ctx	 tu_ctx(const char *holder, const char *customer,
		    int64_t eligible);

#endif
