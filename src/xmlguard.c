/*
 * xmlguard.c - hardened SAX parsing with libxml2 (see xmlguard.h).
 */
#include <limits.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "xmlguard.h"

static struct xml_guard *
guard_of(void *ctx)
{
	/* the state's first member is the guard */
	return ((xmlParserCtxtPtr)ctx)->_private;
}

void *
xml_guard_state(void *ctx)
{
	return ((xmlParserCtxtPtr)ctx)->_private;
}

unsigned
xml_guard_line(const struct xml_guard *g)
{
	int line = xmlSAX2GetLineNumber(g->ctxt);

	return line > 0 ? (unsigned)line : 0;
}

void
xml_guard_stop(struct xml_guard *g, const char *what)
{
	if (!g->stopped && what != NULL)
		diags_add(g->d, g->path, xml_guard_line(g), 0, NULL, "%s",
		    what);
	g->stopped = true;
	xmlStopParser(g->ctxt);
}

/* A libxml2 message as one printable line. */
static void
clean(char *dst, size_t size, const char *msg)
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
record(struct xml_guard *g, xml_error_t e)
{
	char text[DIAG_TEXT_MAX];

	if (e == NULL || e->level == XML_ERR_NONE ||
	    e->level == XML_ERR_WARNING)
		return;
	/* After our own stop, libxml2's follow-up errors say nothing new. */
	if (g->stopped)
		return;
	clean(text, sizeof(text), e->message);
	/* The encoder repeats itself; one copy is enough. */
	if (strcmp(text, g->last) == 0)
		return;
	memcpy(g->last, text, sizeof(g->last));
	if (g->lib_errors++ >= g->lib_errors_max)
		return;
	diags_add(g->d, g->path, e->line > 0 ? (unsigned)e->line : 0,
	    e->int2 > 0 ? (unsigned)e->int2 : 0, NULL, "malformed XML: %s",
	    text);
}

/* Errors raised with the parser context: ctx is the context. */
static void
ctxt_error(void *ctx, xml_error_t e)
{
	xmlParserCtxtPtr ctxt = ctx;

	if (ctxt != NULL && ctxt->_private != NULL)
		record(ctxt->_private, e);
}

/* Errors libxml2 raises without a context (encoding conversion, I/O). */
static void
global_error(void *arg, xml_error_t e)
{
	if (arg != NULL)
		record(arg, e);
}

/* SAX: <!DOCTYPE ...> seen, before any of its declarations is read. */
static void
sax_doctype(void *ctx, const xmlChar *name, const xmlChar *ext_id,
    const xmlChar *sys_id)
{
	struct xml_guard *g = guard_of(ctx);

	(void)name;
	(void)ext_id;
	(void)sys_id;
	xml_guard_stop(g, g->no_doctype);
}

/* SAX: an external entity or DTD would be loaded.  Never. */
static xmlParserInputPtr
sax_resolve(void *ctx, const xmlChar *pub_id, const xmlChar *sys_id)
{
	(void)pub_id;
	(void)sys_id;
	xml_guard_stop(guard_of(ctx), "external entities are not allowed");
	return NULL;
}

/* SAX: an entity declaration (cannot happen once DOCTYPE stops us). */
static void
sax_entity_decl(void *ctx, const xmlChar *name, int type,
    const xmlChar *pub_id, const xmlChar *sys_id, xmlChar *content)
{
	(void)name;
	(void)type;
	(void)pub_id;
	(void)sys_id;
	(void)content;
	xml_guard_stop(guard_of(ctx), "entity declarations are not allowed");
}

/* SAX: a reference to a declared entity (idem). */
static void
sax_reference(void *ctx, const xmlChar *name)
{
	(void)name;
	xml_guard_stop(guard_of(ctx), "entity references are not allowed");
}

static void
sax_setup(xmlParserCtxtPtr ctxt, const struct xml_handlers *h)
{
	xmlSAXHandlerPtr sax = ctxt->sax;

	sax->serror = ctxt_error;
	sax->error = NULL;
	sax->warning = NULL;
	sax->fatalError = NULL;
	sax->internalSubset = sax_doctype;
	sax->externalSubset = NULL;
	sax->resolveEntity = sax_resolve;
	sax->entityDecl = sax_entity_decl;
	sax->reference = sax_reference;
	sax->startElement = NULL;
	sax->endElement = NULL;
	sax->startElementNs = h->start;
	sax->endElementNs = h->end;
	sax->characters = h->text;
	sax->cdataBlock = h->text;
	sax->ignorableWhitespace = h->text;
	sax->comment = NULL;
	sax->processingInstruction = NULL;
	ctxt->vctxt.error = NULL;
	ctxt->vctxt.warning = NULL;
}

enum ws_status
xml_guard_parse(struct xml_guard *g, void *state,
    const struct xml_handlers *h, const char *data, size_t len)
{
	/* Never XML_PARSE_NOENT, _DTDLOAD, _DTDATTR, _DTDVALID or _HUGE. */
	const int options = XML_PARSE_NONET | XML_PARSE_NOCDATA |
	    XML_PARSE_BIG_LINES;
	xmlStructuredErrorFunc old_handler;
	void *old_ctx;
	xmlParserCtxtPtr ctxt;
	size_t before = diags_count(g->d);
	enum ws_status rc = WS_OK;

	if (len > INT_MAX)
		return WS_ERR_INVALID;
	if (g->no_doctype == NULL)
		g->no_doctype = "a DOCTYPE is not allowed: no DTD and no "
		    "entities";
	xmlInitParser();
	/*
	 * Messages raised without a context would go to stderr: catch them
	 * for the time of this parse, then put back what was there.
	 */
	old_handler = xmlStructuredError;
	old_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(g, global_error);
	ctxt = xmlCreateMemoryParserCtxt(data, (int)len);
	if (ctxt == NULL || ctxt->sax == NULL) {
		rc = WS_ERR_NOMEM;
		goto out;
	}
	g->ctxt = ctxt;
	ctxt->_private = state;
	/* Returns the options it did not know: there are none. */
	(void)xmlCtxtUseOptions(ctxt, options);
	/*
	 * Whatever the process-wide defaults say (xmlSubstituteEntities-
	 * Default and friends feed a new context): no entity substitution,
	 * no DTD loading, no validation, no recovery.
	 */
	ctxt->replaceEntities = 0;
	ctxt->loadsubset = 0;
	ctxt->validate = 0;
	ctxt->recovery = 0;
	sax_setup(ctxt, h);
	(void)xmlParseDocument(ctxt);
	if (!g->stopped && !ctxt->wellFormed && diags_count(g->d) == before)
		diags_add(g->d, g->path, 0, 0, NULL, "malformed XML");
out:
	if (ctxt != NULL) {
		if (ctxt->myDoc != NULL) {
			xmlFreeDoc(ctxt->myDoc);
			ctxt->myDoc = NULL;
		}
		xmlFreeParserCtxt(ctxt);
	}
	g->ctxt = NULL;
	xmlSetStructuredErrorFunc(old_ctx, old_handler);
	return rc;
}
