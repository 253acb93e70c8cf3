/*
 * xmlguard.h - the one way this program parses XML from outside (voucher
 * files, API requests): libxml2 in SAX mode with everything that makes XML
 * dangerous refused before it can act.
 *
 * A DOCTYPE stops the parser the moment it is seen, so no entity is ever
 * declared, expanded or fetched (no XXE, no billion laughs); external
 * loads and the network are off (no DTD loading, no entity substitution,
 * XML_PARSE_NONET); an entity reference stops it too should one get
 * through.  libxml2's own messages go to the diagnostics with their line,
 * never to stderr.  The caller's SAX callbacks see only elements and text.
 */
#ifndef WS_XMLGUARD_H
#define WS_XMLGUARD_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/parser.h>

#include "diag.h"
#include "status.h"

/* libxml2 2.12 made the error argument const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_error_t;
#else
typedef xmlErrorPtr xml_error_t;
#endif

struct xml_guard {
	xmlParserCtxtPtr	 ctxt;
	struct diags		*d;
	const char		*path;		/* for the diagnostics */
	const char		*no_doctype;	/* why a DOCTYPE is refused */
	unsigned		 lib_errors_max; /* libxml2 messages kept */
	bool			 stopped;	/* we halted the parser */
	unsigned		 lib_errors;
	char			 last[DIAG_TEXT_MAX];
};

/* The caller's element and text handlers (libxml2's SAX2 signatures). */
struct xml_handlers {
	startElementNsSAX2Func	 start;
	endElementNsSAX2Func	 end;
	charactersSAXFunc	 text;
};

/*
 * Parses data with the guard's armour.  state is what the handlers get
 * through xml_guard_state(ctx); its first member must be the struct
 * xml_guard.  WS_ERR_NOMEM, or WS_OK: problems are in g->d (a document
 * that is not well-formed gets at least one).
 */
enum ws_status	xml_guard_parse(struct xml_guard *g, void *state,
		    const struct xml_handlers *h, const char *data, size_t len);
/* The state given to xml_guard_parse, from a SAX callback's ctx. */
void	       *xml_guard_state(void *ctx);
/* Line of the parser now (0: unknown). */
unsigned	xml_guard_line(const struct xml_guard *g);
/* Stops the parse for good; what (if not NULL) is reported first. */
void		xml_guard_stop(struct xml_guard *g, const char *what);

#endif
