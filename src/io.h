/*
 * io.h - voucher import and export files: the shop-handbook CSV files
 * (voucherupdate.csv, voucherdelete.csv) and this product's XML format
 * (doc/vouchers.xsd).
 *
 * Parsers turn a whole file held in memory into an import_set and report
 * every bad row by line and field; they never touch the store.  The caller
 * applies a set only when the parse found no problem, in one transaction,
 * so a file is applied all or nothing.  Writers format one voucher at a
 * time so an export streams without holding the store in memory.
 */
#ifndef WS_IO_H
#define WS_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "codegen.h"
#include "diag.h"
#include "status.h"
#include "voucher.h"

#define IO_FILE_MAX	(256u * 1024 * 1024)	/* largest import file */
#define IO_ROWS_MAX	2000000u		/* rows in one import */

enum import_op {
	IMPORT_UPSERT,		/* create, or modify the fields present */
	IMPORT_DELETE,
	IMPORT_OP__MAX
};

/* Which fields a row carried (a modify changes only these). */
#define IMPORT_F_AMOUNT		(1u << 0)
#define IMPORT_F_AMOUNT_TYPE	(1u << 1)
#define IMPORT_F_CHARGE		(1u << 2)
#define IMPORT_F_CURRENCY	(1u << 3)
#define IMPORT_F_MIN_ORDER	(1u << 4)
#define IMPORT_F_PRODUCTS	(1u << 5)
#define IMPORT_F_CATEGORIES	(1u << 6)
#define IMPORT_F_STATE		(1u << 7)
#define IMPORT_F_TYPE		(1u << 8)
#define IMPORT_F_KIND		(1u << 9)	/* CSV Type2 */
#define IMPORT_F_USED		(1u << 10)	/* CSV UsedAmount */
#define IMPORT_F_VALID_FROM	(1u << 11)
#define IMPORT_F_VALID_UNTIL	(1u << 12)
#define IMPORT_F_SUBSHOP	(1u << 13)
#define IMPORT_F_MAX_REDEEM	(1u << 14)
#define IMPORT_F_CHANNELS	(1u << 15)

struct import_row {
	enum import_op	 op;
	unsigned	 line;		/* line of the row in its file */
	uint32_t	 fields;	/* IMPORT_F_* present in the row */
	int64_t		 used_amount;	/* cents already used (UsedAmount) */
	struct voucher	 v;		/* code always set; others if present */
};

struct import_set {
	struct import_row *rows;
	size_t		   n;
	size_t		   cap;
};

void		import_set_init(struct import_set *s);
void		import_set_free(struct import_set *s);
/* Appends a zeroed row (voucher_init'ed) and returns it in *row. */
enum ws_status	import_set_add(struct import_set *s, struct import_row **row);

/*
 * Code checks shared by both formats: a Number that is empty, longer than
 * VOUCHER_CODE_MAX, has control characters or bad UTF-8 is an error; one
 * that is not of the shop's own format (codegen_classify) is an error unless
 * allow_external.  opt->codegen may be NULL (then every code counts as
 * foreign).
 */
struct io_options {
	const struct codegen	*codegen;
	bool			 allow_external;
	const char		*default_currency;	/* "EUR" */
};

/*
 * voucherupdate.csv: first line is the header naming the columns (any
 * order, handbook names: Number, Amount, AmountType, ChargeId, Currency,
 * MinOrderValue, Products, Categories, State, Type, Type2, UsedAmount,
 * ValidFrom, ValidUntil, Subshop; plus MaxRedemptions, Channels).  Field
 * separator ';' (',' if the header has no ';'), RFC 4180 quoting, UTF-8
 * with an optional BOM, CRLF or LF.  Every row becomes an IMPORT_UPSERT.
 */
enum ws_status	io_csv_parse_update(const char *data, size_t len,
		    const char *path, const struct io_options *opt,
		    struct import_set *out, struct diags *d);
/* voucherdelete.csv: a Number column; every row becomes IMPORT_DELETE. */
enum ws_status	io_csv_parse_delete(const char *data, size_t len,
		    const char *path, const struct io_options *opt,
		    struct import_set *out, struct diags *d);
/* Header line for io_csv_write_voucher, with every column. */
enum ws_status	io_csv_write_header(FILE *fp);
enum ws_status	io_csv_write_voucher(FILE *fp, const struct voucher *v);

/*
 * XML import (doc/vouchers.xsd): no DTD, no entity expansion, no network,
 * at most IO_FILE_MAX bytes and nesting depth 16.  A <delete> element
 * makes an IMPORT_DELETE row, a <voucher> element an IMPORT_UPSERT row.
 */
enum ws_status	io_xml_parse(const char *data, size_t len, const char *path,
		    const struct io_options *opt, struct import_set *out,
		    struct diags *d);
enum ws_status	io_xml_write_begin(FILE *fp);
enum ws_status	io_xml_write_voucher(FILE *fp, const struct voucher *v);
enum ws_status	io_xml_write_end(FILE *fp);

/*
 * Reads a whole regular file of at most max bytes into out: WS_ERR_IO for
 * open/read errors, WS_ERR_INVALID for a file that is not regular,
 * WS_ERR_LIMIT for one too big; the reason is appended to err and out is
 * left empty on failure.
 */
enum ws_status	io_read_file(const char *path, size_t max, struct buf *out,
		    struct buf *err);

#endif
