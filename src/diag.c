/*
 * diag.c - a list of diagnostics for bad input.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

void
diags_init(struct diags *d)
{
	d->items = NULL;
	d->n = 0;
	d->cap = 0;
	d->dropped = 0;
}

void
diags_free(struct diags *d)
{
	free(d->items);
	diags_init(d);
}

static void
copy_bounded(char *dst, size_t size, const char *src)
{
	size_t n;

	if (src == NULL)
		src = "";
	n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
diags_add(struct diags *d, const char *path, unsigned line, unsigned col,
    const char *field, const char *fmt, ...)
{
	struct diag *it;
	va_list ap;

	if (d->n >= DIAG_MAX) {
		d->dropped++;
		return;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap == 0 ? 16 : d->cap * 2;
		struct diag *p = realloc(d->items, cap * sizeof(*p));

		if (p == NULL) {
			d->dropped++;
			return;
		}
		d->items = p;
		d->cap = cap;
	}
	it = &d->items[d->n++];
	copy_bounded(it->path, sizeof(it->path), path);
	copy_bounded(it->field, sizeof(it->field), field);
	it->line = line;
	it->col = col;
	va_start(ap, fmt);
	vsnprintf(it->text, sizeof(it->text), fmt, ap);
	va_end(ap);
}

size_t
diags_count(const struct diags *d)
{
	return d->n + d->dropped;
}

void
diags_print(const struct diags *d, FILE *fp)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct diag *it = &d->items[i];

		if (it->path[0] != '\0')
			fprintf(fp, "%s:", it->path);
		if (it->line > 0)
			fprintf(fp, "%u:", it->line);
		if (it->col > 0)
			fprintf(fp, "%u:", it->col);
		if (it->path[0] != '\0' || it->line > 0)
			fputc(' ', fp);
		if (it->field[0] != '\0')
			fprintf(fp, "%s: ", it->field);
		fprintf(fp, "%s\n", it->text);
	}
	if (d->dropped > 0)
		fprintf(fp, "(%zu more problems not shown)\n", d->dropped);
}
