/*
 * tmpl.h - the template engine: WEBSALE-style templates (SPEC section 6)
 * compiled once into a tree and rendered into one growing buffer.
 *
 * Syntax: ~NAME~ prints a value (HTML-escaped; ~NAME:url~, ~NAME:js~ and,
 * for values the program itself made as markup, ~NAME:raw~), {NAME}..{/NAME}
 * and {!NAME}..{/!NAME} show their body if NAME is set / not set,
 * {NAME(arg)}..{/NAME(arg)} opens a context with a literal or ~VALUE~
 * argument, {@NAME}..{/@NAME} loops.  Only names of the known tag families
 * (tags.h) are tags: CSS, JavaScript, JSON and stray '~' or '{' stay text
 * byte for byte.
 *
 * Reports: every problem of a template with file:line:column and the
 * offending text (unknown tag of a known family, unclosed or crossed
 * blocks, a close with another argument, data tags out of their scope,
 * VOUCHER- and legacy WS-Voucher tags mixed).  A render that fails leaves
 * the output as it was: never half a page.
 */
#ifndef WS_TMPL_H
#define WS_TMPL_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "status.h"
#include "tags.h"

#define TMPL_SIZE_MAX	(4u * 1024 * 1024)	/* largest template file */
#define TMPL_DEPTH_MAX	32			/* nesting of blocks */
#define TMPL_OUTPUT_MAX	(16u * 1024 * 1024)	/* largest rendered page */

struct tmpl;

/*
 * Compiles a template held in memory; path is used in diagnostics.  On
 * any problem every problem is added to d and WS_ERR_INVALID returned.
 */
enum ws_status	tmpl_compile(const char *src, size_t len, const char *path,
		    struct tmpl **out, struct diags *d);
void		tmpl_free(struct tmpl *t);
const char     *tmpl_path(const struct tmpl *t);
/*
 * Appends the rendered page to out; on failure out keeps its length and,
 * if err is not NULL, err says why (WS_ERR_LIMIT: page over
 * TMPL_OUTPUT_MAX).
 */
enum ws_status	tmpl_render(const struct tmpl *t, const struct tmpl_data *data,
		    struct buf *out, struct buf *err);

/*
 * Per-process cache of compiled templates of one folder: a template is
 * compiled on first use and again when its file changes (size, mtime or
 * inode) or after tmpl_cache_flush() (SIGHUP).
 */
struct tmpl_cache;

enum ws_status	tmpl_cache_new(const char *dir, struct tmpl_cache **out);
void		tmpl_cache_free(struct tmpl_cache *c);
/* name is a file name in the folder ([A-Za-z0-9_.-], no "/" or ".."). */
enum ws_status	tmpl_cache_get(struct tmpl_cache *c, const char *name,
		    const struct tmpl **out, struct diags *d);
void		tmpl_cache_flush(struct tmpl_cache *c);

#endif
