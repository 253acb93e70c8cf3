/*
 * diag.h - a list of diagnostics for bad input: where and why.
 *
 * Parsers of untrusted input (config, CSV, XML, templates) never stop at the
 * first problem: they collect every one with its place, so that an operator
 * can fix a file in one go.  A list stops growing at DIAG_MAX entries and
 * then notes that more were left out.
 */
#ifndef WS_DIAG_H
#define WS_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "status.h"

#define DIAG_MAX	1000
#define DIAG_TEXT_MAX	320

struct diag {
	char		 path[256];	/* file name, or "" */
	unsigned	 line;		/* 1-based, 0 = none */
	unsigned	 col;		/* 1-based, 0 = none */
	char		 field[64];	/* field or key name, or "" */
	char		 text[DIAG_TEXT_MAX];
};

struct diags {
	struct diag	*items;
	size_t		 n;
	size_t		 cap;
	size_t		 dropped;	/* not stored: past DIAG_MAX */
};

void	diags_init(struct diags *d);
void	diags_free(struct diags *d);
/* Adds one diagnostic; on allocation failure it is counted as dropped. */
void	diags_add(struct diags *d, const char *path, unsigned line,
	    unsigned col, const char *field, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));
size_t	diags_count(const struct diags *d);
/* Prints "path:line:col: field: text" lines, one per diagnostic. */
void	diags_print(const struct diags *d, FILE *fp);

#endif
