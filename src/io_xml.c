/*
 * io_xml.c - this product's XML voucher file (doc/vouchers.xsd), read and
 * written with libxml2.
 *
 * The reader refuses what makes XML dangerous before it can act: a
 * DOCTYPE stops the parser the moment it is seen (so no entity is ever
 * declared, expanded or fetched: no XXE, no billion laughs), external
 * loads are off (no DTD loading, no entity substitution, XML_PARSE_NONET),
 * and entity reference nodes are refused should one get through.  libxml2's
 * own messages go to the caller's diagnostics with their line, never to
 * stderr.  Then the tree is walked: depth at most IO_XML_DEPTH_MAX, root
 * <vouchers> in our namespace, <voucher> and <delete> children whose
 * field elements come in any order, each at most once.  Field values go
 * through io_row_build, the same rules and messages as the CSV files.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "buf.h"
#include "io.h"
#include "io_private.h"

#define XML_LIB_DIAGS_MAX	20	/* libxml2 messages kept per file */
#define XML_XSI_NS	"http://www.w3.org/2001/XMLSchema-instance"

/* libxml2 2.12 made the error argument const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_error_t;
#else
typedef xmlErrorPtr xml_error_t;
#endif

struct xml_state {
	const char		*path;
	const struct io_options	*opt;
	struct diags		*d;
	struct import_set	*out;
	struct io_codeset	 cs;
	bool			 stopped;	/* we halted the parser */
	unsigned		 lib_errors;	/* libxml2 errors seen */
};

/* ---- libxml2's messages -------------------------------------------------- */

/* A libxml2 message as one printable line. */
static void
xml_clean(char *dst, size_t size, const char *msg)
{
	size_t o = 0;

	if (msg == NULL)
		msg = "";
	for (; *msg != '\0' && o + 1 < size; msg++) {
		unsigned char c = (unsigned char)*msg;

		dst[o++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	while (o > 0 && dst[o - 1] == ' ')
		o--;
	dst[o] = '\0';
}

static void
xml_record(struct xml_state *st, xml_error_t e)
{
	char text[DIAG_TEXT_MAX];
	unsigned line, col;

	if (e == NULL || e->level == XML_ERR_NONE ||
	    e->level == XML_ERR_WARNING)
		return;
	/* After our own stop, libxml2's follow-up errors say nothing new. */
	if (st->stopped)
		return;
	if (st->lib_errors++ >= XML_LIB_DIAGS_MAX)
		return;
	xml_clean(text, sizeof(text), e->message);
	line = e->line > 0 ? (unsigned)e->line : 0;
	col = e->int2 > 0 ? (unsigned)e->int2 : 0;
	diags_add(st->d, st->path, line, col, NULL, "malformed XML: %s",
	    text);
}

/* Errors raised with the parser context: ctx is the context. */
static void
xml_ctxt_error(void *ctx, xml_error_t e)
{
	xmlParserCtxtPtr ctxt = ctx;

	if (ctxt != NULL && ctxt->_private != NULL)
		xml_record(ctxt->_private, e);
}

/* Errors libxml2 raises without a context (encoding conversion, I/O). */
static void
xml_global_error(void *arg, xml_error_t e)
{
	if (arg != NULL)
		xml_record(arg, e);
}

static void
xml_stop(xmlParserCtxtPtr ctxt, const char *what)
{
	struct xml_state *st = ctxt->_private;
	int line = xmlSAX2GetLineNumber(ctxt);

	if (!st->stopped)
		diags_add(st->d, st->path, line > 0 ? (unsigned)line : 0, 0,
		    NULL, "%s", what);
	st->stopped = true;
	xmlStopParser(ctxt);
}

/* SAX: <!DOCTYPE ...> seen, before any of its declarations is read. */
static void
xml_sax_doctype(void *ctx, const xmlChar *name, const xmlChar *ext_id,
    const xmlChar *sys_id)
{
	(void)name;
	(void)ext_id;
	(void)sys_id;
	xml_stop(ctx, "a DOCTYPE is not allowed: a vouchers file has no DTD "
	    "and no entities");
}

/* SAX: an external entity or DTD would be loaded.  Never. */
static xmlParserInputPtr
xml_sax_resolve(void *ctx, const xmlChar *pub_id, const xmlChar *sys_id)
{
	(void)pub_id;
	(void)sys_id;
	xml_stop(ctx, "external entities are not allowed");
	return NULL;
}

/* SAX: an entity declaration (cannot happen once DOCTYPE stops us). */
static void
xml_sax_entity(void *ctx, const xmlChar *name, int type,
    const xmlChar *pub_id, const xmlChar *sys_id, xmlChar *content)
{
	(void)name;
	(void)type;
	(void)pub_id;
	(void)sys_id;
	(void)content;
	xml_stop(ctx, "entity declarations are not allowed");
}

/* ---- the tree ----------------------------------------------------------- */

static unsigned
xml_line(const xmlNode *n)
{
	long l;

	while (n != NULL) {
		l = xmlGetLineNo(n);
		if (l > 0)
			return l > UINT_MAX ? UINT_MAX : (unsigned)l;
		n = n->parent;
	}
	return 0;
}

static bool
xml_ours(const xmlNode *n)
{
	return n->ns != NULL && n->ns->href != NULL &&
	    xmlStrEqual(n->ns->href, BAD_CAST IO_XML_NS);
}

static bool
xml_blank(const xmlChar *s)
{
	if (s == NULL)
		return true;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

static void
xml_name(char *dst, size_t size, const xmlNode *n)
{
	const char *name = n->name != NULL ? (const char *)n->name : "";

	io_show(dst, size, name, strlen(name));
}

/* Refuses a tree deeper than IO_XML_DEPTH_MAX elements, walking without
 * recursion. */
static bool
xml_depth_ok(struct xml_state *st, xmlNodePtr root)
{
	xmlNodePtr n = root;
	unsigned depth = 1;

	for (;;) {
		if (n->type == XML_ELEMENT_NODE && depth > IO_XML_DEPTH_MAX) {
			diags_add(st->d, st->path, xml_line(n), 0, NULL,
			    "elements nested deeper than %d levels",
			    IO_XML_DEPTH_MAX);
			return false;
		}
		if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
			n = n->children;
			depth++;
			continue;
		}
		while (n != root && n->next == NULL) {
			n = n->parent;
			depth--;
		}
		if (n == root)
			return true;
		n = n->next;
	}
}

/* Nodes other than elements: blank text, comments and PIs are fine. */
static void
xml_other(struct xml_state *st, const xmlNode *n, const char *where)
{
	switch (n->type) {
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		if (!xml_blank(n->content))
			diags_add(st->d, st->path, xml_line(n), 0, NULL,
			    "text is not allowed here: %s", where);
		break;
	case XML_COMMENT_NODE:
	case XML_PI_NODE:
		break;
	case XML_ENTITY_REF_NODE:
	case XML_ENTITY_NODE:
		diags_add(st->d, st->path, xml_line(n), 0, NULL,
		    "entity references are not allowed");
		break;
	default:
		diags_add(st->d, st->path, xml_line(n), 0, NULL,
		    "unexpected XML node here: %s", where);
		break;
	}
}

/* Attributes: none on our elements, only xsi:... on the root. */
static void
xml_attrs(struct xml_state *st, const xmlNode *n, bool root)
{
	const xmlAttr *a;
	char name[64];

	for (a = n->properties; a != NULL; a = a->next) {
		if (root && a->ns != NULL &&
		    xmlStrEqual(a->ns->href, BAD_CAST XML_XSI_NS))
			continue;
		io_show(name, sizeof(name), (const char *)a->name,
		    strlen((const char *)a->name));
		diags_add(st->d, st->path, xml_line(n), 0, name,
		    "attributes are not allowed here");
	}
}

/*
 * The text of a field element, or NULL if it holds something else (then
 * reported).  *own is what to xmlFree afterwards.
 */
static const char *
xml_text(struct xml_state *st, const xmlNode *n, xmlChar **own)
{
	const xmlNode *c;
	char name[64];

	*own = NULL;
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE ||
		    c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)
			continue;
		xml_name(name, sizeof(name), n);
		if (c->type == XML_ELEMENT_NODE)
			diags_add(st->d, st->path, xml_line(c), 0, name,
			    "holds an element; a field holds text only");
		else if (c->type == XML_ENTITY_REF_NODE)
			diags_add(st->d, st->path, xml_line(c), 0, name,
			    "entity references are not allowed");
		else
			diags_add(st->d, st->path, xml_line(c), 0, name,
			    "holds something other than text");
		return NULL;
	}
	*own = xmlNodeGetContent(n);
	if (*own == NULL)
		return "";
	return (const char *)*own;
}

/* One <voucher> (IMPORT_UPSERT) or <delete> (IMPORT_DELETE) element. */
static enum ws_status
xml_row(struct xml_state *st, const xmlNode *el, enum import_op op)
{
	struct io_row_in in;
	xmlChar *own[IO_COL__MAX];
	unsigned seen[IO_COL__MAX];
	struct import_row *row;
	const xmlNode *n;
	char name[64];
	enum ws_status rc = WS_OK, s;
	size_t first;
	unsigned c;

	memset(&in, 0, sizeof(in));
	memset(own, 0, sizeof(own));
	memset(seen, 0, sizeof(seen));
	in.opt = st->opt;
	in.path = st->path;
	in.line = xml_line(el);
	in.op = op;
	xml_attrs(st, el, false);
	for (n = el->children; n != NULL; n = n->next) {
		enum io_col col;
		const char *text;

		if (n->type != XML_ELEMENT_NODE) {
			xml_other(st, n, op == IMPORT_DELETE ?
			    "a <delete> holds a <Number> element" :
			    "a <voucher> holds field elements");
			continue;
		}
		xml_name(name, sizeof(name), n);
		if (!xml_ours(n) || io_col_lookup((const char *)n->name,
		    strlen((const char *)n->name), false, &col) != WS_OK ||
		    (op == IMPORT_DELETE && col != IO_COL_NUMBER)) {
			diags_add(st->d, st->path, xml_line(n), 0, name,
			    "unknown element in <%s>; allowed: %s",
			    op == IMPORT_DELETE ? "delete" : "voucher",
			    op == IMPORT_DELETE ? "Number" : io_col_list());
			continue;
		}
		if (seen[col] != 0) {
			diags_add(st->d, st->path, xml_line(n), 0, name,
			    "appears twice (first on line %u)", seen[col]);
			continue;
		}
		seen[col] = xml_line(n);
		xml_attrs(st, n, false);
		text = xml_text(st, n, &own[col]);
		if (text == NULL)
			continue;	/* reported */
		in.vals[col].s = text;
		in.vals[col].len = strlen(text);
		in.vals[col].line = xml_line(n);
	}
	if (seen[IO_COL_NUMBER] == 0) {
		diags_add(st->d, st->path, in.line, 0, "Number",
		    "missing: every <%s> needs a <Number>",
		    op == IMPORT_DELETE ? "delete" : "voucher");
	}

	s = import_set_add(st->out, &row);
	if (s == WS_ERR_LIMIT) {
		diags_add(st->d, st->path, in.line, 0, NULL, "more than %u "
		    "vouchers; split the file", IO_ROWS_MAX);
		rc = WS_ERR_LIMIT;
		goto out;
	}
	if (s != WS_OK) {
		rc = s;
		goto out;
	}
	/* Without a Number (reported) the values need not be looked at. */
	if (in.vals[IO_COL_NUMBER].s != NULL)
		(void)io_row_build(&in, row, st->d);
	if (row->v.code[0] != '\0') {
		s = io_codeset_add(&st->cs, st->out, st->out->n - 1, &first);
		if (s == WS_ERR_EXISTS)
			diags_add(st->d, st->path,
			    in.vals[IO_COL_NUMBER].line, 0, "Number",
			    "the code is on line %u already; a file names "
			    "each voucher once", st->out->rows[first].line);
		else if (s != WS_OK)
			rc = s;
	}
out:
	for (c = 0; c < IO_COL__MAX; c++)
		if (own[c] != NULL)
			xmlFree(own[c]);
	return rc;
}

static enum ws_status
xml_walk(struct xml_state *st, xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), n;
	enum ws_status rc;
	char name[64];

	if (root == NULL) {
		diags_add(st->d, st->path, 1, 0, NULL, "no root element; "
		    "write <vouchers xmlns=\"%s\">", IO_XML_NS);
		return WS_OK;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		diags_add(st->d, st->path, 1, 0, NULL, "a DOCTYPE is not "
		    "allowed: a vouchers file has no DTD and no entities");
		return WS_OK;
	}
	if (!xml_depth_ok(st, root))
		return WS_OK;
	for (n = doc->children; n != NULL; n = n->next)
		if (n->type == XML_ENTITY_REF_NODE ||
		    n->type == XML_DTD_NODE)
			xml_other(st, n, "outside the root element");
	if (!xmlStrEqual(root->name, BAD_CAST "vouchers") || !xml_ours(root)) {
		xml_name(name, sizeof(name), root);
		diags_add(st->d, st->path, xml_line(root), 0, name,
		    "the root element must be <vouchers xmlns=\"%s\">%s",
		    IO_XML_NS, xmlStrEqual(root->name, BAD_CAST "vouchers") ?
		    " (wrong or no namespace)" : "");
		return WS_OK;
	}
	xml_attrs(st, root, true);
	for (n = root->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE) {
			xml_other(st, n, "<vouchers> holds <voucher> and "
			    "<delete> elements");
			continue;
		}
		if (xml_ours(n) && xmlStrEqual(n->name, BAD_CAST "voucher"))
			rc = xml_row(st, n, IMPORT_UPSERT);
		else if (xml_ours(n) && xmlStrEqual(n->name, BAD_CAST "delete"))
			rc = xml_row(st, n, IMPORT_DELETE);
		else {
			xml_name(name, sizeof(name), n);
			diags_add(st->d, st->path, xml_line(n), 0, name,
			    "unknown element in <vouchers>%s; allowed: "
			    "voucher, delete", xml_ours(n) ? "" :
			    " (wrong or no namespace)");
			continue;
		}
		if (rc == WS_ERR_LIMIT)
			return WS_OK;	/* reported */
		if (rc != WS_OK)
			return rc;
	}
	return WS_OK;
}

enum ws_status
io_xml_parse(const char *data, size_t len, const char *path,
    const struct io_options *opt, struct import_set *out, struct diags *d)
{
	/* Never XML_PARSE_NOENT, _DTDLOAD, _DTDATTR, _DTDVALID or _HUGE. */
	const int options = XML_PARSE_NONET | XML_PARSE_NOBLANKS |
	    XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES;
	xmlStructuredErrorFunc old_handler;
	void *old_ctx;
	xmlParserCtxtPtr ctxt = NULL;
	struct xml_state st;
	size_t before = diags_count(d);
	enum ws_status rc = WS_OK;

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
	if ((rc = io_codeset_init(&st.cs)) != WS_OK)
		return rc;

	xmlInitParser();
	/*
	 * Messages raised without a context would go to stderr: catch them
	 * for the time of this parse, then put back what was there.
	 */
	old_handler = xmlStructuredError;
	old_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(&st, xml_global_error);

	ctxt = xmlCreateMemoryParserCtxt(data, (int)len);
	if (ctxt == NULL) {
		rc = WS_ERR_NOMEM;
		goto out;
	}
	ctxt->_private = &st;
	xmlCtxtUseOptions(ctxt, options);
	/*
	 * Whatever the process-wide defaults say (xmlSubstituteEntities-
	 * Default and friends feed a new context): no entity substitution,
	 * no DTD loading, no validation.
	 */
	ctxt->replaceEntities = 0;
	ctxt->loadsubset = 0;
	ctxt->validate = 0;
	ctxt->recovery = 0;
	if (ctxt->sax == NULL) {
		rc = WS_ERR_NOMEM;
		goto out;
	}
	ctxt->sax->serror = xml_ctxt_error;
	ctxt->sax->error = NULL;
	ctxt->sax->warning = NULL;
	ctxt->sax->fatalError = NULL;
	ctxt->sax->internalSubset = xml_sax_doctype;
	ctxt->sax->externalSubset = NULL;
	ctxt->sax->resolveEntity = xml_sax_resolve;
	ctxt->sax->entityDecl = xml_sax_entity;
	ctxt->vctxt.error = NULL;
	ctxt->vctxt.warning = NULL;

	(void)xmlParseDocument(ctxt);
	if (!st.stopped && ctxt->wellFormed && ctxt->myDoc != NULL &&
	    diags_count(d) == before)
		rc = xml_walk(&st, ctxt->myDoc);
	else if (diags_count(d) == before)
		diags_add(d, path, 0, 0, NULL, "malformed XML");
out:
	if (ctxt != NULL) {
		if (ctxt->myDoc != NULL) {
			xmlFreeDoc(ctxt->myDoc);
			ctxt->myDoc = NULL;
		}
		xmlFreeParserCtxt(ctxt);
	}
	xmlSetStructuredErrorFunc(old_ctx, old_handler);
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
