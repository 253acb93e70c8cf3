/*
 * cli_out.h - tables for the operator command line: aligned columns for a
 * person at a terminal, or tab-separated values (one header line, tabs and
 * line breaks in values escaped as \t, \n, \\) for scripts.
 */
#ifndef WS_CLI_OUT_H
#define WS_CLI_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "buf.h"
#include "status.h"

#define TABLE_COLS_MAX	24

struct table {
	unsigned	 ncols;
	char		*head[TABLE_COLS_MAX];
	char		**cells;	/* rows * ncols strings */
	size_t		 rows;
	size_t		 cap;
	bool		 tsv;
};

enum ws_status	table_init(struct table *t, bool tsv, unsigned ncols,
		    const char *const *head);
/* Adds one row of ncols values (NULL counts as ""). */
enum ws_status	table_row(struct table *t, const char *const *cells);
/* Prints and, for tsv, streams: callers may print a batch at a time. */
void		table_print(struct table *t, FILE *fp);
void		table_free(struct table *t);

#endif
