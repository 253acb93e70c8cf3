/*
 * io_private.h - what io_csv.c and io_xml.c share, and nothing else uses:
 * the column (element) names, the rules for each field's value, the set of
 * codes that finds a Number given twice, and the text of each field for
 * the writers.  Both formats go through io_row_build, so a value means the
 * same and a bad value gets the same message in CSV and XML.
 */
#ifndef WS_IO_PRIVATE_H
#define WS_IO_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "io.h"
#include "status.h"
#include "voucher.h"

#define IO_XML_NS		"urn:wsvoucher:vouchers:1"
#define IO_XML_DEPTH_MAX	16
#define IO_MAX_REDEEM_MAX	1000000000

/* Columns of the CSV files and elements of <voucher>, in writing order. */
enum io_col {
	IO_COL_NUMBER,
	IO_COL_AMOUNT,
	IO_COL_AMOUNT_TYPE,
	IO_COL_CHARGE,
	IO_COL_CURRENCY,
	IO_COL_MIN_ORDER,
	IO_COL_PRODUCTS,
	IO_COL_CATEGORIES,
	IO_COL_STATE,
	IO_COL_TYPE,
	IO_COL_TYPE2,
	IO_COL_USED,
	IO_COL_VALID_FROM,
	IO_COL_VALID_UNTIL,
	IO_COL_SUBSHOP,
	IO_COL_MAX_REDEEM,
	IO_COL_CHANNELS,
	IO_COL__MAX
};

/*
 * Makes room for n rows in all (at most IO_ROWS_MAX) in one step, so a big
 * file does not grow the set by doubling.  A hint: fewer rows are fine.
 */
enum ws_status	io_set_reserve(struct import_set *s, size_t n);

/* The handbook name of a column ("Number"), never NULL. */
const char	*io_col_name(enum io_col c);
/* Finds a column by name; CSV headers ignore case, XML does not. */
enum ws_status	 io_col_lookup(const char *s, size_t len, bool nocase,
		    enum io_col *out);
/* "Number, Amount, ..." for messages that list what is allowed. */
const char	*io_col_list(void);

/* One raw value of a row: s == NULL means the column was not there. */
struct io_val {
	const char	*s;
	size_t		 len;
	unsigned	 line;	/* where the value is; 0 = the row's line */
};

struct io_row_in {
	const struct io_options	*opt;
	const char		*path;
	unsigned		 line;	/* the row's (first) line */
	enum import_op		 op;
	struct io_val		 vals[IO_COL__MAX];
};

/*
 * Turns the raw values of one row into *row (which import_set_add has
 * initialised): checks every value, sets row->fields, fills row->v and
 * row->used_amount, and for a row that gives an Amount (a creation) runs
 * voucher_validate.  row->v.code is left "" unless the Number is good.
 * Every problem goes to d; returns WS_ERR_INVALID if there was any.
 */
enum ws_status	io_row_build(const struct io_row_in *in,
		    struct import_row *row, struct diags *d);

/* Why a piece of text is unusable, or IO_TEXT_OK. */
enum io_text {
	IO_TEXT_OK,
	IO_TEXT_NUL,
	IO_TEXT_CONTROL,
	IO_TEXT_UTF8
};
/* Strict UTF-8 (no overlong forms, surrogates or > U+10FFFF) without
 * C0/C1 control characters, DEL or NUL. */
enum io_text	io_text_check(const char *s, size_t len);
/* Copies s into dst for a message: at most about 40 bytes, anything not
 * printable replaced by '?', "..." when cut.  Always NUL-terminates. */
void		io_show(char *dst, size_t size, const char *s, size_t len);

/*
 * The Numbers of one file, to find one given twice in O(1) per row.  A
 * keyed hash (SipHash with a random key) so that a file cannot be built
 * to make every code collide.  Holds indices into an import_set, which may
 * grow (move) between calls.
 */
struct io_codeset {
	uint64_t	*slots;		/* hash << 32 | (index + 1); 0 = free */
	size_t		 mask;
	size_t		 n;
	uint64_t	 k0, k1;
};

enum ws_status	io_codeset_init(struct io_codeset *cs);
void		io_codeset_free(struct io_codeset *cs);
/*
 * Adds set->rows[idx].v.code.  If the code is there already, *first gets
 * the index of the row that has it and WS_ERR_EXISTS is returned; other
 * failures are WS_ERR_NOMEM / WS_ERR_LIMIT.
 */
enum ws_status	io_codeset_add(struct io_codeset *cs,
		    const struct import_set *set, size_t idx, size_t *first);

/*
 * Appends the text of column c of v to out, as both writers write it.
 * WS_ERR_INVALID if v holds a value no file can carry (an enum out of
 * range, text with control characters or bad UTF-8).
 */
enum ws_status	io_format_col(struct buf *out, const struct voucher *v,
		    enum io_col c);

#endif
