/*
 * cli_out.c - tables for the operator command line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli_out.h"

static char *
dup_str(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	char *p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

enum ws_status
table_init(struct table *t, bool tsv, unsigned ncols,
    const char *const *head)
{
	unsigned i;

	memset(t, 0, sizeof(*t));
	if (ncols == 0 || ncols > TABLE_COLS_MAX)
		return WS_ERR_INVALID;
	t->ncols = ncols;
	t->tsv = tsv;
	for (i = 0; i < ncols; i++) {
		t->head[i] = dup_str(head[i]);
		if (t->head[i] == NULL) {
			table_free(t);
			return WS_ERR_NOMEM;
		}
	}
	return WS_OK;
}

enum ws_status
table_row(struct table *t, const char *const *cells)
{
	unsigned i;

	if (t->rows == t->cap) {
		size_t cap = t->cap == 0 ? 64 : t->cap * 2;
		char **p;

		if (cap > SIZE_MAX / t->ncols / sizeof(*p))
			return WS_ERR_LIMIT;
		p = realloc(t->cells, cap * t->ncols * sizeof(*p));
		if (p == NULL)
			return WS_ERR_NOMEM;
		t->cells = p;
		t->cap = cap;
	}
	for (i = 0; i < t->ncols; i++) {
		char *c = dup_str(cells[i]);

		if (c == NULL) {
			while (i > 0)
				free(t->cells[t->rows * t->ncols + --i]);
			return WS_ERR_NOMEM;
		}
		t->cells[t->rows * t->ncols + i] = c;
	}
	t->rows++;
	return WS_OK;
}

static void
put_tsv(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\t':
			fputs("\\t", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		default:
			fputc(*s, fp);
		}
	}
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void
put_cell(FILE *fp, const char *s, size_t w, bool last)
{
	size_t n;

	for (; *s != '\0'; s++)
		fputc((unsigned char)*s < 0x20 ? ' ' : *s, fp);
	if (last)
		return;
	for (n = 0; n < w; n++)
		fputc(' ', fp);
}

void
table_print(struct table *t, FILE *fp)
{
	size_t w[TABLE_COLS_MAX], r;
	unsigned i;

	if (t->tsv) {
		if (t->head[0] != NULL) {
			for (i = 0; i < t->ncols; i++) {
				if (i > 0)
					fputc('\t', fp);
				put_tsv(fp, t->head[i]);
			}
			fputc('\n', fp);
			/* the header goes out once, batches may follow */
			for (i = 0; i < t->ncols; i++) {
				free(t->head[i]);
				t->head[i] = NULL;
			}
		}
		for (r = 0; r < t->rows; r++) {
			for (i = 0; i < t->ncols; i++) {
				if (i > 0)
					fputc('\t', fp);
				put_tsv(fp, t->cells[r * t->ncols + i]);
			}
			fputc('\n', fp);
		}
	} else {
		for (i = 0; i < t->ncols; i++) {
			w[i] = t->head[i] != NULL ? width(t->head[i]) : 0;
			for (r = 0; r < t->rows; r++) {
				size_t cw = width(t->cells[r * t->ncols + i]);

				if (cw > w[i])
					w[i] = cw;
			}
		}
		if (t->head[0] != NULL) {
			for (i = 0; i < t->ncols; i++)
				put_cell(fp, t->head[i],
				    w[i] - width(t->head[i]) + 2,
				    i + 1 == t->ncols);
			fputc('\n', fp);
		}
		for (r = 0; r < t->rows; r++) {
			for (i = 0; i < t->ncols; i++) {
				const char *c = t->cells[r * t->ncols + i];

				put_cell(fp, c, w[i] - width(c) + 2,
				    i + 1 == t->ncols);
			}
			fputc('\n', fp);
		}
	}
	for (r = 0; r < t->rows * t->ncols; r++)
		free(t->cells[r]);
	t->rows = 0;
}

void
table_free(struct table *t)
{
	size_t r;
	unsigned i;

	for (r = 0; r < t->rows * t->ncols; r++)
		free(t->cells[r]);
	free(t->cells);
	for (i = 0; i < t->ncols; i++)
		free(t->head[i]);
	memset(t, 0, sizeof(*t));
}
