/*
 * io_xml.c - this product's XML voucher file (doc/vouchers.xsd), read and
 * written with libxml2.
 *
 * The reader parses through xmlguard.c, which refuses what makes XML
 * dangerous before it can act (DOCTYPE, entities, external loads, the
 * network) and puts libxml2's own messages into the diagnostics with
 * their line, never on stderr.
 *
 * No tree is built: the parser's SAX2 callbacks feed a small state machine
 * (root <vouchers> in our namespace, <voucher> and <delete> children whose
 * field elements come in any order, each at most once), so memory is the
 * rows and one row's text, whatever the file's size, and an element nested
 * deeper than IO_XML_DEPTH_MAX stops the parse where it opens.  Field
 * values go through io_row_build: the same rules and messages as the CSV
 * files.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "buf.h"
#include "io.h"
#include "io_private.h"
#include "xmlguard.h"

#define XML_LIB_DIAGS_MAX	20	/* libxml2 messages kept per file */
#define XML_TEXT_MAX		4096	/* bytes kept of one field's text */
#define XML_XSI_NS	"http://www.w3.org/2001/XMLSchema-instance"


/* Element depths: <vouchers> 1, <voucher>/<delete> 2, fields 3. */
enum {
	XML_D_ROOT = 1,
	XML_D_ROW = 2,
	XML_D_FIELD = 3
};

struct xml_field {
	struct buf	 text;		/* leading blanks dropped, capped */
	unsigned	 line;		/* of the element; 0 = not seen */
	bool		 bad;		/* held an element: no value */
};

struct xml_state {
	struct xml_guard	 g;		/* first: xmlguard.h */
	const char		*path;
	const struct io_options	*opt;
	struct diags		*d;
	struct import_set	*out;
	struct io_codeset	 cs;
	enum ws_status		 fail;		/* out of memory and such */

	unsigned		 depth;		/* elements open */
	unsigned		 skip;		/* depth of an ignored element */
	bool			 text_told;	/* stray text reported */
	/* the <voucher> or <delete> being read */
	enum import_op		 op;
	unsigned		 row_line;
	int			 field;		/* open field, or -1 */
	struct xml_field	 f[IO_COL__MAX];
};

/* ---- the guard ----------------------------------------------------------- */

static struct xml_state *
xml_st(void *ctx)
{
	return xml_guard_state(ctx);
}

static unsigned
xml_lineno(struct xml_state *st)
{
	return xml_guard_line(&st->g);
}

/* Stops the parse for good; what (if not NULL) is reported first. */
static void
xml_stop(struct xml_state *st, const char *what)
{
	xml_guard_stop(&st->g, what);
}

static void
xml_fail(struct xml_state *st, enum ws_status s)
{
	if (st->fail == WS_OK)
		st->fail = s;
	xml_stop(st, NULL);
}

/* ---- the state machine -------------------------------------------------- */

static bool
xml_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
xml_is(const xmlChar *uri, const xmlChar *name, const char *want)
{
	return uri != NULL && xmlStrEqual(uri, BAD_CAST IO_XML_NS) &&
	    xmlStrEqual(name, BAD_CAST want);
}

static void
xml_show_name(char *dst, size_t size, const xmlChar *name)
{
	const char *s = name != NULL ? (const char *)name : "";

	io_show(dst, size, s, strlen(s));
}

/*
 * Attributes (localname, prefix, URI, value, end per attribute): none on
 * our elements, only xsi:... on the root.
 */
static void
xml_attrs(struct xml_state *st, unsigned line, int n,
    const xmlChar **attrs, bool root)
{
	char name[64];
	int i;

	for (i = 0; i < n; i++) {
		const xmlChar *local = attrs[5 * i], *uri = attrs[5 * i + 2];

		if (root && uri != NULL &&
		    xmlStrEqual(uri, BAD_CAST XML_XSI_NS))
			continue;
		xml_show_name(name, sizeof(name), local);
		diags_add(st->d, st->path, line, 0, name,
		    "attributes are not allowed here");
	}
}

static void
xml_row_begin(struct xml_state *st, enum import_op op, unsigned line)
{
	unsigned c;

	st->op = op;
	st->row_line = line;
	st->field = -1;
	for (c = 0; c < IO_COL__MAX; c++) {
		buf_reset(&st->f[c].text);
		st->f[c].line = 0;
		st->f[c].bad = false;
	}
}

/* </voucher> or </delete>: the row is complete. */
static void
xml_row_end(struct xml_state *st)
{
	struct io_row_in in;
	struct import_row *row;
	enum ws_status s;
	size_t first;
	unsigned c;

	if (st->f[IO_COL_NUMBER].line == 0)
		diags_add(st->d, st->path, st->row_line, 0, "Number",
		    "missing: every <%s> needs a <Number>",
		    st->op == IMPORT_DELETE ? "delete" : "voucher");
	s = import_set_add(st->out, &row);
	if (s == WS_ERR_LIMIT) {
		diags_add(st->d, st->path, st->row_line, 0, NULL, "more "
		    "than %u vouchers; split the file", IO_ROWS_MAX);
		xml_stop(st, NULL);
		return;
	}
	if (s != WS_OK) {
		xml_fail(st, s);
		return;
	}
	memset(&in, 0, sizeof(in));
	in.opt = st->opt;
	in.path = st->path;
	in.line = st->row_line;
	in.op = st->op;
	for (c = 0; c < IO_COL__MAX; c++) {
		if (st->f[c].line == 0 || st->f[c].bad)
			continue;
		in.vals[c].s = buf_cstr(&st->f[c].text);
		in.vals[c].len = st->f[c].text.len;
		in.vals[c].line = st->f[c].line;
	}
	/* Without a usable Number (reported) the rest need not be read. */
	if (in.vals[IO_COL_NUMBER].s == NULL) {
		row->line = st->row_line;
		row->op = st->op;
		return;
	}
	(void)io_row_build(&in, row, st->d);
	if (row->v.code[0] == '\0')
		return;
	s = io_codeset_add(&st->cs, st->out, st->out->n - 1, &first);
	if (s == WS_ERR_EXISTS)
		diags_add(st->d, st->path, st->f[IO_COL_NUMBER].line, 0,
		    "Number", "the code is on line %u already; a file names "
		    "each voucher once", st->out->rows[first].line);
	else if (s != WS_OK)
		xml_fail(st, s);
}

/* A field element opens inside a row. */
static void
xml_field_begin(struct xml_state *st, const xmlChar *name,
    const xmlChar *uri, unsigned line)
{
	const char *n = (const char *)name;
	enum io_col col;
	char show[64];

	if (uri == NULL || !xmlStrEqual(uri, BAD_CAST IO_XML_NS) ||
	    io_col_lookup(n, strlen(n), false, &col) != WS_OK ||
	    (st->op == IMPORT_DELETE && col != IO_COL_NUMBER)) {
		xml_show_name(show, sizeof(show), name);
		diags_add(st->d, st->path, line, 0, show, "unknown element "
		    "in <%s>; allowed: %s", st->op == IMPORT_DELETE ?
		    "delete" : "voucher", st->op == IMPORT_DELETE ? "Number" :
		    io_col_list());
		st->skip = st->depth;
		return;
	}
	if (st->f[col].line != 0) {
		xml_show_name(show, sizeof(show), name);
		diags_add(st->d, st->path, line, 0, show, "appears twice "
		    "(first on line %u)", st->f[col].line);
		st->skip = st->depth;
		return;
	}
	st->f[col].line = line;
	st->field = (int)col;
}

static void
xml_sax_start(void *ctx, const xmlChar *name, const xmlChar *prefix,
    const xmlChar *uri, int nb_ns, const xmlChar **ns, int nb_attrs,
    int nb_defaulted, const xmlChar **attrs)
{
	struct xml_state *st = xml_st(ctx);
	unsigned line = xml_lineno(st);
	char show[64];

	(void)prefix;
	(void)nb_ns;
	(void)ns;
	(void)nb_defaulted;
	if (st->g.stopped)
		return;
	st->depth++;
	st->text_told = false;
	if (st->depth > IO_XML_DEPTH_MAX) {
		diags_add(st->d, st->path, line, 0, NULL, "elements nested "
		    "deeper than %d levels", IO_XML_DEPTH_MAX);
		xml_stop(st, NULL);
		return;
	}
	if (st->skip != 0)
		return;
	switch (st->depth) {
	case XML_D_ROOT:
		if (!xml_is(uri, name, "vouchers")) {
			xml_show_name(show, sizeof(show), name);
			diags_add(st->d, st->path, line, 0, show, "the root "
			    "element must be <vouchers xmlns=\"%s\">%s",
			    IO_XML_NS, xmlStrEqual(name, BAD_CAST "vouchers") ?
			    " (wrong or no namespace)" : "");
			st->skip = st->depth;
			return;
		}
		xml_attrs(st, line, nb_attrs, attrs, true);
		break;
	case XML_D_ROW:
		if (xml_is(uri, name, "voucher"))
			xml_row_begin(st, IMPORT_UPSERT, line);
		else if (xml_is(uri, name, "delete"))
			xml_row_begin(st, IMPORT_DELETE, line);
		else {
			xml_show_name(show, sizeof(show), name);
			diags_add(st->d, st->path, line, 0, show, "unknown "
			    "element in <vouchers>%s; allowed: voucher, "
			    "delete", uri != NULL && xmlStrEqual(uri,
			    BAD_CAST IO_XML_NS) ? "" :
			    " (wrong or no namespace)");
			st->skip = st->depth;
			return;
		}
		xml_attrs(st, line, nb_attrs, attrs, false);
		break;
	case XML_D_FIELD:
		xml_field_begin(st, name, uri, line);
		if (st->skip == 0)
			xml_attrs(st, line, nb_attrs, attrs, false);
		break;
	default:
		/* Inside a field: only text belongs there. */
		if (st->depth == XML_D_FIELD + 1 && st->field >= 0 &&
		    !st->f[st->field].bad) {
			diags_add(st->d, st->path, line, 0,
			    io_col_name((enum io_col)st->field),
			    "holds an element; a field holds text only");
			st->f[st->field].bad = true;
		}
		break;
	}
}

static void
xml_sax_end(void *ctx, const xmlChar *name, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct xml_state *st = xml_st(ctx);

	(void)name;
	(void)prefix;
	(void)uri;
	if (st->g.stopped || st->depth == 0)
		return;
	st->text_told = false;
	if (st->skip != 0) {
		if (st->skip == st->depth)
			st->skip = 0;
		st->depth--;
		return;
	}
	if (st->depth == XML_D_FIELD)
		st->field = -1;
	else if (st->depth == XML_D_ROW)
		xml_row_end(st);
	st->depth--;
}

/* Text (and CDATA) of a field is kept; elsewhere only blanks may be. */
static void
xml_sax_text(void *ctx, const xmlChar *ch, int len)
{
	struct xml_state *st = xml_st(ctx);
	const char *s = (const char *)ch;
	size_t n = len > 0 ? (size_t)len : 0, i, k;
	unsigned nl = 0, line;

	if (st->g.stopped || st->skip != 0 || n == 0)
		return;
	if (st->depth == XML_D_FIELD && st->field >= 0) {
		struct buf *b = &st->f[st->field].text;

		if (b->len == 0)	/* leading blanks: trimmed anyway */
			while (n > 0 && xml_blank(*s)) {
				s++;
				n--;
			}
		/* Past any limit: keep enough to say "too long". */
		if (b->len + n > XML_TEXT_MAX) {
			n = b->len < XML_TEXT_MAX ? XML_TEXT_MAX - b->len : 0;
			while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
				n--;	/* cut before a whole character */
		}
		if (n > 0 && buf_append(b, s, n) != WS_OK)
			xml_fail(st, WS_ERR_NOMEM);
		return;
	}
	if (st->depth != XML_D_ROOT && st->depth != XML_D_ROW)
		return;		/* inside a bad field's element */
	for (i = 0; i < n && xml_blank(s[i]); i++)
		;
	if (i == n || st->text_told)
		return;
	/* The parser's line is where this piece of text ended. */
	for (k = i; k < n; k++)
		if (s[k] == '\n')
			nl++;
	line = xml_lineno(st);
	line = line > nl ? line - nl : line;
	diags_add(st->d, st->path, line, 0, NULL, "text is not allowed "
	    "here: %s", st->depth == XML_D_ROOT ? "<vouchers> holds "
	    "<voucher> and <delete> elements" : st->op == IMPORT_DELETE ?
	    "a <delete> holds a <Number> element" :
	    "a <voucher> holds field elements");
	st->text_told = true;
}

enum ws_status
io_xml_parse(const char *data, size_t len, const char *path,
    const struct io_options *opt, struct import_set *out, struct diags *d)
{
	static const struct xml_handlers handlers = { xml_sax_start,
	    xml_sax_end, xml_sax_text };
	struct xml_state st;
	size_t before = diags_count(d);
	enum ws_status rc = WS_OK;
	unsigned c;

	if (len > IO_FILE_MAX || len > INT_MAX) {
		diags_add(d, path, 0, 0, NULL, "the file has %zu bytes, more "
		    "than the %u allowed", len, IO_FILE_MAX);
		return WS_ERR_INVALID;
	}
	if (len == 0) {
		diags_add(d, path, 1, 0, NULL, "the file is empty; write "
		    "<vouchers xmlns=\"%s\">", IO_XML_NS);
		return WS_ERR_INVALID;
	}
	memset(&st, 0, sizeof(st));
	st.path = path;
	st.opt = opt;
	st.d = d;
	st.out = out;
	st.field = -1;
	for (c = 0; c < IO_COL__MAX; c++)
		buf_init(&st.f[c].text);
	if ((rc = io_codeset_init(&st.cs)) != WS_OK)
		return rc;

	st.g.d = d;
	st.g.path = path;
	st.g.no_doctype = "a DOCTYPE is not allowed: a vouchers file has no "
	    "DTD and no entities";
	st.g.lib_errors_max = XML_LIB_DIAGS_MAX;
	rc = xml_guard_parse(&st.g, &st, &handlers, data, len);
	if (rc == WS_OK && st.fail != WS_OK)
		rc = st.fail;
	for (c = 0; c < IO_COL__MAX; c++)
		buf_free(&st.f[c].text);
	io_codeset_free(&st.cs);
	if (rc != WS_OK)
		return rc;
	return diags_count(d) > before ? WS_ERR_INVALID : WS_OK;
}

/* ---- writing ------------------------------------------------------------ */

static enum ws_status
xml_put(FILE *fp, const char *s, size_t len)
{
	if (len > 0 && fwrite(s, 1, len, fp) != len)
		return WS_ERR_IO;
	return WS_OK;
}

enum ws_status
io_xml_write_begin(FILE *fp)
{
	static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<vouchers xmlns=\"" IO_XML_NS "\">\n";

	return xml_put(fp, head, sizeof(head) - 1);
}

enum ws_status
io_xml_write_end(FILE *fp)
{
	static const char tail[] = "</vouchers>\n";

	return xml_put(fp, tail, sizeof(tail) - 1);
}

/* Appends "    <Name>escaped</Name>\n" (or "<Name/>" when empty). */
static enum ws_status
xml_put_field(struct buf *out, const char *name, const struct buf *val)
{
	xmlChar *esc;
	enum ws_status st;

	if (val->len == 0)
		return buf_printf(out, "    <%s/>\n", name);
	/* libxml2 escapes &, <, >, " and CR; io_format_col let no control
	 * character or bad UTF-8 through. */
	esc = xmlEncodeSpecialChars(NULL, BAD_CAST val->data);
	if (esc == NULL)
		return WS_ERR_NOMEM;
	st = buf_printf(out, "    <%s>%s</%s>\n", name, (const char *)esc,
	    name);
	xmlFree(esc);
	return st;
}

enum ws_status
io_xml_write_voucher(FILE *fp, const struct voucher *v)
{
	struct buf out = BUF_INIT, val = BUF_INIT;
	enum ws_status st;
	unsigned c;

	st = buf_append_str(&out, "  <voucher>\n");
	for (c = 0; c < IO_COL__MAX && st == WS_OK; c++) {
		buf_reset(&val);
		st = io_format_col(&val, v, (enum io_col)c);
		if (st == WS_OK)
			st = xml_put_field(&out, io_col_name((enum io_col)c),
			    &val);
	}
	if (st == WS_OK)
		st = buf_append_str(&out, "  </voucher>\n");
	if (st == WS_OK)
		st = xml_put(fp, out.data, out.len);
	buf_free(&val);
	buf_free(&out);
	return st;
}
