/*
 * io_csv.c - the shop-handbook CSV files: voucherupdate.csv (create or
 * modify) and voucherdelete.csv (delete), read and written.
 *
 * The reader is one pass over the file in memory: RFC 4180 fields (a
 * quoted field may hold separators, doubled quotes and line breaks), ';'
 * or ',' between fields, CRLF or LF between rows, an optional UTF-8 BOM.
 * Each row is reported by the line it starts on, so a line break inside a
 * quoted field does not shift the numbers of later rows.  Reports: one
 * diagnostic per bad column name, bad row structure or bad value (line,
 * field, what is allowed); a Number given twice names both lines.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "io.h"
#include "io_private.h"

#define CSV_FIELDS_MAX	64	/* fields of a row that are looked at */

struct csv_field {
	size_t	off;		/* into the data, or into scratch if esc */
	size_t	len;
	bool	esc;		/* had "" inside: unescaped copy in scratch */
	bool	quoted;
};

struct csv_reader {
	const char	*data;
	size_t		 len;
	size_t		 pos;
	unsigned	 line;		/* line at pos, 1-based */
	char		 sep;
	const char	*path;
	struct diags	*d;
	struct buf	 scratch;	/* unescaped quoted fields of a row */
	struct csv_field f[CSV_FIELDS_MAX];
	size_t		 nf;		/* fields of the row, even past MAX */
};

enum csv_rec {
	CSV_EOF,
	CSV_ROW,
	CSV_BAD,	/* broken quoting, reported; the row is skipped */
	CSV_NOMEM
};

static unsigned
csv_count_nl(const char *p, size_t len)
{
	const char *end = p + len;
	unsigned n = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* Skips to the start of the next line (used after broken quoting). */
static void
csv_skip_line(struct csv_reader *r, size_t *i)
{
	const char *nl = memchr(r->data + *i, '\n', r->len - *i);

	*i = nl != NULL ? (size_t)(nl - r->data) : r->len;
}

/*
 * A quoted field starting at the '"' at *i.  Leaves *i after the closing
 * quote.  Returns CSV_BAD when the quote is never closed.
 */
static enum csv_rec
csv_quoted(struct csv_reader *r, size_t *i, struct csv_field *fld)
{
	const char *p = r->data;
	size_t n = r->len, seg;
	unsigned open_line = r->line;

	(*i)++;
	seg = *i;
	fld->quoted = true;
	fld->off = seg;
	for (;;) {
		const char *q = memchr(p + *i, '"', n - *i);
		size_t qi;

		if (q == NULL) {
			diags_add(r->d, r->path, open_line, 0, NULL,
			    "the quoted field opened on this line is never "
			    "closed with '\"'");
			r->line += csv_count_nl(p + *i, n - *i);
			*i = n;
			return CSV_BAD;
		}
		qi = (size_t)(q - p);
		r->line += csv_count_nl(p + *i, qi - *i);
		if (qi + 1 < n && p[qi + 1] == '"') {
			/* "" stands for one quote: copy the value aside. */
			if (!fld->esc) {
				fld->esc = true;
				fld->off = r->scratch.len;
				if (buf_append(&r->scratch, p + seg,
				    qi + 1 - seg) != WS_OK)
					return CSV_NOMEM;
			} else if (buf_append(&r->scratch, p + *i,
			    qi + 1 - *i) != WS_OK)
				return CSV_NOMEM;
			*i = qi + 2;
			continue;
		}
		if (fld->esc) {
			if (buf_append(&r->scratch, p + *i, qi - *i) != WS_OK)
				return CSV_NOMEM;
			fld->len = r->scratch.len - fld->off;
		} else
			fld->len = qi - seg;
		*i = qi + 1;
		return CSV_ROW;
	}
}

/*
 * Reads the row at r->pos into r->f / r->nf; *line gets the line it
 * starts on.  Structural problems are reported here.
 */
static enum csv_rec
csv_record(struct csv_reader *r, unsigned *line)
{
	const char *p = r->data;
	size_t n = r->len, i = r->pos;
	enum csv_rec rec = CSV_ROW;

	r->nf = 0;
	buf_reset(&r->scratch);
	if (i >= n)
		return CSV_EOF;
	*line = r->line;
	for (;;) {
		struct csv_field fld = { 0, 0, false, false };

		if (i < n && p[i] == '"') {
			enum csv_rec q = csv_quoted(r, &i, &fld);

			if (q == CSV_NOMEM)
				return q;
			if (q == CSV_BAD) {
				r->pos = i;
				return CSV_BAD;
			}
			if (i < n && p[i] != r->sep && p[i] != '\n' &&
			    !(p[i] == '\r' && (i + 1 == n ||
			    p[i + 1] == '\n'))) {
				if (rec == CSV_ROW)
					diags_add(r->d, r->path, *line, 0,
					    NULL, "text after the closing "
					    "quote of field %zu; write a quote "
					    "inside a quoted field as \"\"",
					    r->nf + 1);
				rec = CSV_BAD;
				csv_skip_line(r, &i);
			}
		} else {
			size_t start = i;

			while (i < n && p[i] != r->sep && p[i] != '\n') {
				if (p[i] == '"' && rec == CSV_ROW) {
					diags_add(r->d, r->path, *line, 0,
					    NULL, "a quote inside the unquoted "
					    "field %zu; quote the whole field "
					    "and write the quote as \"\"",
					    r->nf + 1);
					rec = CSV_BAD;
				}
				i++;
			}
			fld.off = start;
			fld.len = i - start;
			/* CRLF, or a CR that ends the file. */
			if (fld.len > 0 && p[i - 1] == '\r' &&
			    (i == n || p[i] == '\n'))
				fld.len--;
		}
		if (r->nf < CSV_FIELDS_MAX)
			r->f[r->nf] = fld;
		r->nf++;
		if (i >= n)
			break;
		if (p[i] == r->sep) {
			i++;
			continue;
		}
		/* End of the row: "\n" or "\r\n" (or "\r" at the end). */
		if (p[i] == '\r')
			i++;
		if (i < n && p[i] == '\n')
			i++;
		r->line++;
		break;
	}
	r->pos = i;
	return rec;
}

static void
csv_value(const struct csv_reader *r, size_t k, const char **s, size_t *len)
{
	const struct csv_field *f = &r->f[k];

	*s = (f->esc ? r->scratch.data : r->data) + f->off;
	*len = f->len;
}

/* A row of nothing but empty, unquoted fields is an empty line. */
static bool
csv_row_empty(const struct csv_reader *r)
{
	size_t k;

	if (r->nf > CSV_FIELDS_MAX)
		return false;
	for (k = 0; k < r->nf; k++)
		if (r->f[k].len > 0 || r->f[k].quoted)
			return false;
	return true;
}

/* ';' unless the header line has none but has a ','. */
static char
csv_detect_sep(const char *p, size_t len)
{
	const char *nl;
	size_t n;

	while (len > 0 && (*p == '\r' || *p == '\n')) {
		p++;	/* the header is the first line that is not empty */
		len--;
	}
	nl = memchr(p, '\n', len);
	n = nl != NULL ? (size_t)(nl - p) : len;

	if (memchr(p, ';', n) != NULL)
		return ';';
	if (memchr(p, ',', n) != NULL)
		return ',';
	return ';';
}

/*
 * Maps the header's columns: cols[k] is the column of field k, or
 * IO_COL__MAX for a column that is reported and then ignored.  Returns
 * false when rows cannot be read at all (no Number column).
 */
static bool
csv_header(struct csv_reader *r, unsigned line, enum import_op op,
    enum io_col *cols)
{
	bool seen[IO_COL__MAX] = { false };
	char show[64];
	size_t k;

	if (r->nf > CSV_FIELDS_MAX) {
		diags_add(r->d, r->path, line, 0, NULL, "the header has %zu "
		    "columns, more than the %d allowed", r->nf,
		    CSV_FIELDS_MAX);
		return false;
	}
	for (k = 0; k < r->nf; k++) {
		const char *s;
		size_t len;
		enum io_col c;

		csv_value(r, k, &s, &len);
		while (len > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		io_show(show, sizeof(show), s, len);
		cols[k] = IO_COL__MAX;
		if (len == 0) {
			diags_add(r->d, r->path, line, 0, NULL, "column %zu "
			    "of the header has no name", k + 1);
			continue;
		}
		if (io_col_lookup(s, len, true, &c) != WS_OK) {
			diags_add(r->d, r->path, line, 0, show, "unknown "
			    "column; allowed: %s", op == IMPORT_DELETE ?
			    "Number" : io_col_list());
			continue;
		}
		if (op == IMPORT_DELETE && c != IO_COL_NUMBER) {
			diags_add(r->d, r->path, line, 0, show, "a delete "
			    "file has only the column Number");
			continue;
		}
		if (seen[c]) {
			diags_add(r->d, r->path, line, 0, io_col_name(c),
			    "the column appears twice in the header");
			continue;
		}
		seen[c] = true;
		cols[k] = c;
	}
	if (!seen[IO_COL_NUMBER]) {
		diags_add(r->d, r->path, line, 0, "Number", "the header has "
		    "no Number column; the first line must name the columns");
		return false;
	}
	/* Other bad columns are reported; their values are ignored. */
	return true;
}

/* Reports a Number given twice; rows are indices into out. */
static enum ws_status
csv_check_dup(struct io_codeset *cs, struct import_set *out, size_t idx,
    const char *path, struct diags *d)
{
	enum ws_status st;
	size_t first;

	if (out->rows[idx].v.code[0] == '\0')
		return WS_OK;	/* a bad Number, reported already */
	st = io_codeset_add(cs, out, idx, &first);
	if (st == WS_ERR_EXISTS) {
		diags_add(d, path, out->rows[idx].line, 0, "Number",
		    "the code is on line %u already; a file names each "
		    "voucher once", out->rows[first].line);
		return WS_OK;
	}
	return st;
}

static enum ws_status
csv_parse(const char *data, size_t len, const char *path,
    const struct io_options *opt, enum import_op op, struct import_set *out,
    struct diags *d)
{
	struct csv_reader r;
	struct io_codeset cs;
	enum io_col cols[CSV_FIELDS_MAX];
	size_t before = diags_count(d), hdr_nf;
	enum ws_status rc = WS_OK, st;
	enum csv_rec rec;
	unsigned line = 0;

	if (len > IO_FILE_MAX) {
		diags_add(d, path, 0, 0, NULL, "the file has %zu bytes, more "
		    "than the %u allowed", len, IO_FILE_MAX);
		return WS_ERR_INVALID;
	}
	memset(&r, 0, sizeof(r));
	r.data = data;
	r.len = len;
	r.line = 1;
	r.path = path;
	r.d = d;
	buf_init(&r.scratch);
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		r.pos = 3;
	r.sep = csv_detect_sep(data + r.pos, len - r.pos);
	if ((st = io_codeset_init(&cs)) != WS_OK) {
		buf_free(&r.scratch);
		return st;
	}

	/* The header: the first line that is not empty. */
	do {
		rec = csv_record(&r, &line);
	} while (rec == CSV_ROW && csv_row_empty(&r));
	if (rec == CSV_NOMEM) {
		rc = WS_ERR_NOMEM;
		goto out;
	}
	if (rec == CSV_EOF) {
		diags_add(d, path, 1, 0, NULL, "the file is empty; the first "
		    "line must name the columns, e.g. Number;Amount");
		goto out;
	}
	if (rec == CSV_BAD || !csv_header(&r, line, op, cols))
		goto out;

	hdr_nf = r.nf;
	/*
	 * Rows are at most the lines left: one allocation, not twenty.  Only
	 * a hint; if it fails the set grows row by row as usual.
	 */
	(void)io_set_reserve(out, out->n + csv_count_nl(data + r.pos,
	    len - r.pos) + 1);
	for (;;) {
		struct io_row_in in;
		struct import_row *row;
		size_t k;

		rec = csv_record(&r, &line);
		if (rec == CSV_EOF)
			break;
		if (rec == CSV_NOMEM) {
			rc = WS_ERR_NOMEM;
			goto out;
		}
		if (rec == CSV_BAD || csv_row_empty(&r))
			continue;
		if (r.nf != hdr_nf) {
			diags_add(d, path, line, 0, NULL, "the row has %zu "
			    "fields, the header %zu; a field that holds '%c' "
			    "must be quoted", r.nf, hdr_nf, r.sep);
			continue;
		}
		st = import_set_add(out, &row);
		if (st == WS_ERR_LIMIT) {
			diags_add(d, path, line, 0, NULL, "more than %u rows; "
			    "split the file", IO_ROWS_MAX);
			goto out;
		}
		if (st != WS_OK) {
			rc = st;
			goto out;
		}
		memset(&in, 0, sizeof(in));
		in.opt = opt;
		in.path = path;
		in.line = line;
		in.op = op;
		for (k = 0; k < r.nf; k++)
			if (cols[k] != IO_COL__MAX)
				csv_value(&r, k, &in.vals[cols[k]].s,
				    &in.vals[cols[k]].len);
		/* Bad values are reported; the next row is read all the same. */
		(void)io_row_build(&in, row, d);
		st = csv_check_dup(&cs, out, out->n - 1, path, d);
		if (st != WS_OK) {
			rc = st;
			goto out;
		}
	}
out:
	io_codeset_free(&cs);
	buf_free(&r.scratch);
	if (rc != WS_OK)
		return rc;
	return diags_count(d) > before ? WS_ERR_INVALID : WS_OK;
}

enum ws_status
io_csv_parse_update(const char *data, size_t len, const char *path,
    const struct io_options *opt, struct import_set *out, struct diags *d)
{
	return csv_parse(data, len, path, opt, IMPORT_UPSERT, out, d);
}

enum ws_status
io_csv_parse_delete(const char *data, size_t len, const char *path,
    const struct io_options *opt, struct import_set *out, struct diags *d)
{
	return csv_parse(data, len, path, opt, IMPORT_DELETE, out, d);
}

/* ---- writing ------------------------------------------------------------ */

static enum ws_status
csv_write(FILE *fp, const struct buf *b)
{
	if (b->len > 0 && fwrite(b->data, 1, b->len, fp) != b->len)
		return WS_ERR_IO;
	return WS_OK;
}

enum ws_status
io_csv_write_header(FILE *fp)
{
	struct buf b = BUF_INIT;
	enum ws_status st = WS_OK;
	unsigned c;

	for (c = 0; c < IO_COL__MAX && st == WS_OK; c++) {
		if (c > 0)
			st = buf_append_char(&b, ';');
		if (st == WS_OK)
			st = buf_append_str(&b, io_col_name((enum io_col)c));
	}
	if (st == WS_OK)
		st = buf_append(&b, CONST_STR_LEN("\r\n"));
	if (st == WS_OK)
		st = csv_write(fp, &b);
	buf_free(&b);
	return st;
}

/* Appends one field, quoted when it holds a separator or a quote. */
static enum ws_status
csv_put_field(struct buf *line, const struct buf *f)
{
	enum ws_status st;
	size_t i;

	if (f->len == 0 || strpbrk(f->data, ";,\"\r\n") == NULL)
		return buf_append(line, f->data, f->len);
	st = buf_append_char(line, '"');
	for (i = 0; i < f->len && st == WS_OK; i++) {
		if (f->data[i] == '"')
			st = buf_append_char(line, '"');
		if (st == WS_OK)
			st = buf_append_char(line, f->data[i]);
	}
	if (st == WS_OK)
		st = buf_append_char(line, '"');
	return st;
}

enum ws_status
io_csv_write_voucher(FILE *fp, const struct voucher *v)
{
	struct buf line = BUF_INIT, f = BUF_INIT;
	enum ws_status st = WS_OK;
	unsigned c;

	for (c = 0; c < IO_COL__MAX && st == WS_OK; c++) {
		buf_reset(&f);
		if (c > 0)
			st = buf_append_char(&line, ';');
		if (st == WS_OK)
			st = io_format_col(&f, v, (enum io_col)c);
		if (st == WS_OK)
			st = csv_put_field(&line, &f);
	}
	if (st == WS_OK)
		st = buf_append(&line, CONST_STR_LEN("\r\n"));
	if (st == WS_OK)
		st = csv_write(fp, &line);
	buf_free(&f);
	buf_free(&line);
	return st;
}
