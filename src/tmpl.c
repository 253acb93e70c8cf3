/*
 * tmpl.c - the template engine: compile once into a tree of nodes, render
 * by walking the tree into one growing buffer.
 *
 * A template is one pass over its bytes.  Between tags nothing is copied:
 * text nodes point into the template's own copy of the source.  Errors are
 * collected, not fatal, so a lint run reports every problem of a file.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmpl.h"

#define NODE_NONE	UINT32_MAX
#define ARG_MAX		200
#define SNIPPET_MAX	60

enum node_kind {
	NODE_TEXT,
	NODE_VALUE,	/* ~NAME~ */
	NODE_IF,	/* {NAME} */
	NODE_IFNOT,	/* {!NAME} */
	NODE_EQUALS,	/* {NAME(arg)} of a value tag */
	NODE_CONTEXT,	/* {NAME(arg)} of a context tag */
	NODE_LOOP,	/* {@NAME} */
	NODE_KIND__MAX
};

enum esc {
	ESC_HTML,
	ESC_URL,
	ESC_JS,
	ESC_RAW,
	ESC__MAX
};

struct node {
	enum node_kind		 kind;
	enum esc		 esc;
	const struct tag	*tag;
	const struct tag	*arg_tag;	/* argument ~VALUE~, or NULL */
	uint32_t		 off;		/* TEXT: text; others: arg */
	uint32_t		 len;
	uint32_t		 child;
	uint32_t		 next;
	uint32_t		 line;
	uint32_t		 col;
};

struct tmpl {
	char		*path;
	char		*src;
	size_t		 len;
	struct node	*nodes;
	uint32_t	 n;
	uint32_t	 cap;
	uint32_t	 first;		/* first top-level node */
};

/* --- compiling -------------------------------------------------------------- */

struct open_block {
	uint32_t		 node;
	uint32_t		 last;		/* last child so far */
	bool			 negated;
	bool			 loop;
	const struct tag	*tag;
	uint32_t		 arg_off;	/* argument as written */
	uint32_t		 arg_len;
	uint32_t		 line;
	uint32_t		 col;
};

struct parser {
	struct tmpl		*t;
	struct diags		*d;
	const char		*s;
	size_t			 len;
	size_t			 i;
	uint32_t		 line;
	uint32_t		 col;
	struct open_block	 stack[TMPL_DEPTH_MAX];
	unsigned		 depth;
	uint32_t		 top_last;	/* last top-level node */
	/* where the first VOUCHER- and legacy tags stood */
	uint32_t		 new_line, new_col;
	uint32_t		 old_line, old_col;
	bool			 failed;
};

static void
perr(struct parser *p, uint32_t line, uint32_t col, size_t at, size_t n,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Adds "path:line:col: message: `snippet`". */
static void
perr(struct parser *p, uint32_t line, uint32_t col, size_t at, size_t n,
    const char *fmt, ...)
{
	char msg[DIAG_TEXT_MAX], snip[SNIPPET_MAX + 4];
	size_t k, m = n > SNIPPET_MAX ? SNIPPET_MAX : n;
	va_list ap;

	for (k = 0; k < m && at + k < p->len; k++) {
		unsigned char c = (unsigned char)p->s[at + k];

		snip[k] = c < 0x20 ? ' ' : (char)c;
	}
	snip[k] = '\0';
	if (m < n && k + 3 < sizeof(snip))
		memcpy(snip + k, "...", 4);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diags_add(p->d, p->t->path, line, col, "", "%s: %s", msg, snip);
	p->failed = true;
}

static bool
is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Moves the position over n bytes, keeping line and column (characters). */
static void
advance(struct parser *p, size_t n)
{
	size_t end = p->i + n;

	for (; p->i < end; p->i++) {
		unsigned char c = (unsigned char)p->s[p->i];

		if (c == '\n') {
			p->line++;
			p->col = 1;
		} else if ((c & 0xc0) != 0x80) {
			p->col++;
		}
	}
}

static enum ws_status
new_node(struct parser *p, enum node_kind kind, uint32_t *idx)
{
	struct tmpl *t = p->t;
	struct node *nd;

	if (t->n == t->cap) {
		uint32_t cap = t->cap == 0 ? 64 : t->cap * 2;
		struct node *nn;

		if (cap > (1u << 26))
			return WS_ERR_LIMIT;
		nn = realloc(t->nodes, (size_t)cap * sizeof(*nn));
		if (nn == NULL)
			return WS_ERR_NOMEM;
		t->nodes = nn;
		t->cap = cap;
	}
	nd = &t->nodes[t->n];
	memset(nd, 0, sizeof(*nd));
	nd->kind = kind;
	nd->child = NODE_NONE;
	nd->next = NODE_NONE;
	nd->line = p->line;
	nd->col = p->col;
	/* link it as the last child of the open block, or at the top */
	if (p->depth > 0) {
		struct open_block *b = &p->stack[p->depth - 1];

		if (b->last == NODE_NONE)
			t->nodes[b->node].child = t->n;
		else
			t->nodes[b->last].next = t->n;
		b->last = t->n;
	} else {
		if (p->top_last == NODE_NONE)
			t->first = t->n;
		else
			t->nodes[p->top_last].next = t->n;
		p->top_last = t->n;
	}
	*idx = t->n++;
	return WS_OK;
}

static enum ws_status
add_text(struct parser *p, size_t from, size_t to)
{
	uint32_t idx;
	enum ws_status st;

	if (to <= from)
		return WS_OK;
	/* extend the previous text node when the text runs on */
	if (p->t->n > 0) {
		struct node *last = &p->t->nodes[p->t->n - 1];
		uint32_t cur = p->depth > 0 ? p->stack[p->depth - 1].last :
		    p->top_last;

		if (cur == p->t->n - 1 && last->kind == NODE_TEXT &&
		    last->off + last->len == from) {
			last->len += (uint32_t)(to - from);
			return WS_OK;
		}
	}
	st = new_node(p, NODE_TEXT, &idx);
	if (st != WS_OK)
		return st;
	p->t->nodes[idx].off = (uint32_t)from;
	p->t->nodes[idx].len = (uint32_t)(to - from);
	return WS_OK;
}

static bool
in_scope(const struct parser *p, enum tag_scope scope)
{
	unsigned k;

	if (scope == TAG_SCOPE_ANY)
		return true;
	for (k = 0; k < p->depth; k++) {
		const struct tag *tg = p->stack[k].tag;

		/* a loop opens the scope its table entry names */
		if (tg->kind == TAG_LOOP && tg->scope == scope)
			return true;
		if (scope == TAG_SCOPE_VOUCHER && tg->kind == TAG_CONTEXT)
			return true;
	}
	return false;
}

static const char *const scope_where[TAG_SCOPE__MAX] = {
	[TAG_SCOPE_ANY] = "anywhere",
	[TAG_SCOPE_VOUCHER] = "inside a {VOUCHER-LoadData(...)} block or a "
	    "{@VOUCHER-MultiVoucher} loop",
	[TAG_SCOPE_LINE] = "inside a {@BASKET-Items} loop",
	[TAG_SCOPE_TAX] = "inside a {@BASKET-Taxes} loop",
	[TAG_SCOPE_PRODUCT] = "inside a {@SHOP-Products} loop",
	[TAG_SCOPE_PAYMENT] = "inside a {@SHOP-PaymentMethods} loop",
	[TAG_SCOPE_ROW] = "inside an {@ADMIN-Codes} loop",
	[TAG_SCOPE_ENTRY] = "inside an {@ADMIN-Ledger} loop",
};

/* Scope and family rules every use of a tag must keep. */
static void
check_use(struct parser *p, const struct tag *tg, size_t at, size_t n,
    uint32_t line, uint32_t col)
{
	if (tg->kind != TAG_LOOP && !in_scope(p, tg->scope))
		perr(p, line, col, at, n, "%s is only valid %s", tg->name,
		    scope_where[tg->scope]);
	if (tg->flags & TAG_F_NEUTRAL)
		return;
	if (tg->family == TAG_FAMILY_VOUCHER) {
		if (p->new_line == 0) {
			p->new_line = line;
			p->new_col = col;
		}
		if (p->old_line != 0)
			perr(p, line, col, at, n, "new VOUCHER- tags mixed with "
			    "legacy WS-Voucher tags (first legacy tag at "
			    "%u:%u); use one style per template",
			    p->old_line, p->old_col);
	} else if (tg->family == TAG_FAMILY_LEGACY) {
		if (p->old_line == 0) {
			p->old_line = line;
			p->old_col = col;
		}
		if (p->new_line != 0)
			perr(p, line, col, at, n, "legacy WS-Voucher tag mixed "
			    "with new VOUCHER- tags (first VOUCHER- tag at "
			    "%u:%u); use one style per template",
			    p->new_line, p->new_col);
	}
}

static size_t
name_end(const struct parser *p, size_t from)
{
	size_t k = from;

	while (k < p->len && k - from <= TAGS_NAME_MAX && is_name_char(p->s[k]))
		k++;
	return k;
}

/*
 * At a '~': a value tag if a known family's name follows.  Returns false
 * when it is plain text (the caller keeps the '~' as text).
 */
static bool
parse_value(struct parser *p)
{
	size_t start = p->i, k = p->i + 1, ne, mod = 0, modlen = 0;
	uint32_t line = p->line, col = p->col, idx;
	const struct tag *tg;
	enum esc esc = ESC_HTML;

	ne = name_end(p, k);
	if (ne == k || tags_family(p->s + k, ne - k) == TAG_FAMILY__MAX)
		return false;
	if (ne < p->len && p->s[ne] == ':') {
		mod = ne + 1;
		while (mod + modlen < p->len && modlen < 8 &&
		    p->s[mod + modlen] >= 'a' && p->s[mod + modlen] <= 'z')
			modlen++;
		ne = mod + modlen;
	}
	if (ne >= p->len || p->s[ne] != '~') {
		perr(p, line, col, start, ne - start + 1, "unterminated value "
		    "tag (a '~' must close it)");
		advance(p, ne - start);
		return true;
	}
	tg = tags_find(p->s + k, (mod != 0 ? mod - 1 : ne) - k);
	if (tg == NULL) {
		perr(p, line, col, start, ne + 1 - start, "unknown tag");
	} else if (tg->kind != TAG_VALUE) {
		perr(p, line, col, start, ne + 1 - start, "%s is a %s, not a "
		    "value", tg->name, tg->kind == TAG_LOOP ? "loop ({@...})" :
		    "context block ({...(arg)})");
	} else {
		if (mod != 0) {
			if (modlen == 4 && memcmp(p->s + mod, "html", 4) == 0)
				esc = ESC_HTML;
			else if (modlen == 3 && memcmp(p->s + mod, "url", 3) == 0)
				esc = ESC_URL;
			else if (modlen == 2 && memcmp(p->s + mod, "js", 2) == 0)
				esc = ESC_JS;
			else if (modlen == 3 && memcmp(p->s + mod, "raw", 3) == 0)
				esc = ESC_RAW;
			else
				perr(p, line, col, start, ne + 1 - start,
				    "unknown output modifier (html, url, js or "
				    "raw)");
			if (esc == ESC_RAW && !(tg->flags & TAG_F_MARKUP))
				perr(p, line, col, start, ne + 1 - start,
				    "raw output is only for markup the program "
				    "makes; %s is escaped", tg->name);
		}
		check_use(p, tg, start, ne + 1 - start, line, col);
		if (new_node(p, NODE_VALUE, &idx) == WS_OK) {
			p->t->nodes[idx].tag = tg;
			p->t->nodes[idx].esc = esc;
			p->t->nodes[idx].line = line;
			p->t->nodes[idx].col = col;
		} else {
			p->failed = true;
		}
	}
	advance(p, ne + 1 - start);
	return true;
}

static bool
same_arg(const struct parser *p, const struct open_block *b, size_t off,
    size_t len)
{
	return b->arg_len == len && memcmp(p->s + b->arg_off, p->s + off,
	    len) == 0;
}

static void
describe_block(const struct parser *p, const struct open_block *b,
    char *out, size_t size)
{
	snprintf(out, size, "{%s%s%s%s%.*s%s} at %u:%u", b->loop ? "@" : "",
	    b->negated ? "!" : "", b->tag->name, b->arg_len > 0 ? "(" : "",
	    (int)(b->arg_len > 40 ? 40 : b->arg_len), p->s + b->arg_off,
	    b->arg_len > 0 ? ")" : "", b->line, b->col);
}

static void
close_block(struct parser *p, const struct tag *tg, bool negated, bool loop,
    size_t arg_off, size_t arg_len, size_t start, size_t n, uint32_t line,
    uint32_t col)
{
	char what[160];
	int k;

	for (k = (int)p->depth - 1; k >= 0; k--) {
		const struct open_block *b = &p->stack[k];

		if (b->tag == tg && b->negated == negated && b->loop == loop &&
		    same_arg(p, b, arg_off, arg_len))
			break;
	}
	if (k < 0) {
		if (p->depth > 0 && p->stack[p->depth - 1].tag == tg) {
			describe_block(p, &p->stack[p->depth - 1], what,
			    sizeof(what));
			perr(p, line, col, start, n, "close does not match the "
			    "open block %s (another argument or form)", what);
		} else {
			perr(p, line, col, start, n, "close without an open "
			    "block");
		}
		return;
	}
	if ((unsigned)k != p->depth - 1) {
		describe_block(p, &p->stack[p->depth - 1], what, sizeof(what));
		perr(p, line, col, start, n, "crossed blocks: %s is still "
		    "open inside", what);
	}
	p->depth = (unsigned)k;
}

/*
 * At a '{': a block tag if a known family's name follows.  Returns false
 * when it is plain text.
 */
static bool
parse_block(struct parser *p)
{
	size_t start = p->i, k = p->i + 1, ne, arg_off = 0, arg_len = 0;
	uint32_t line = p->line, col = p->col, idx;
	bool closing = false, negated = false, loop = false, has_arg = false;
	const struct tag *tg, *arg_tag = NULL;
	enum node_kind kind;

	if (k < p->len && p->s[k] == '/') {
		closing = true;
		k++;
	}
	if (k < p->len && (p->s[k] == '!' || p->s[k] == '@')) {
		negated = p->s[k] == '!';
		loop = p->s[k] == '@';
		k++;
	}
	ne = name_end(p, k);
	if (ne == k || tags_family(p->s + k, ne - k) == TAG_FAMILY__MAX)
		return false;
	tg = tags_find(p->s + k, ne - k);
	if (ne < p->len && p->s[ne] == '(') {
		size_t a = ne + 1, e = a;

		has_arg = true;
		while (e < p->len && e - a <= ARG_MAX && p->s[e] != ')' &&
		    p->s[e] != '}' && p->s[e] != '{' && p->s[e] != '\n')
			e++;
		if (e >= p->len || p->s[e] != ')') {
			perr(p, line, col, start, e - start + 1, "argument "
			    "not closed by ')' (at most %d characters, no "
			    "line break)", ARG_MAX);
			advance(p, ne - start);
			return true;
		}
		arg_off = a;
		arg_len = e - a;
		ne = e + 1;
	}
	if (ne >= p->len || p->s[ne] != '}') {
		perr(p, line, col, start, ne - start + 1, "block tag not "
		    "closed by '}'");
		advance(p, ne - start);
		return true;
	}
	ne++;
	if (tg == NULL) {
		perr(p, line, col, start, ne - start, "unknown tag");
		advance(p, ne - start);
		return true;
	}
	if (has_arg && arg_len >= 2 && p->s[arg_off] == '~' &&
	    p->s[arg_off + arg_len - 1] == '~') {
		arg_tag = tags_find(p->s + arg_off + 1, arg_len - 2);
		if (arg_tag == NULL || arg_tag->kind != TAG_VALUE)
			perr(p, line, col, start, ne - start, "argument is not "
			    "a value tag");
		else if (!closing)
			check_use(p, arg_tag, start, ne - start, line, col);
	} else if (has_arg && (memchr(p->s + arg_off, '~', arg_len) != NULL ||
	    arg_len == 0)) {
		perr(p, line, col, start, ne - start, "argument must be a "
		    "literal or one ~VALUE~ tag");
	}
	if (closing) {
		close_block(p, tg, negated, loop, arg_off, arg_len, start,
		    ne - start, line, col);
		advance(p, ne - start);
		return true;
	}
	/* which block this is */
	if (loop) {
		unsigned lvl;

		kind = NODE_LOOP;
		if (tg->kind != TAG_LOOP || has_arg)
			perr(p, line, col, start, ne - start, "%s is not a "
			    "loop", tg->name);
		/* the inner loop would hide the outer one's element, and
		 * each level multiplies the page: refuse it */
		for (lvl = 0; lvl < p->depth; lvl++)
			if (p->stack[lvl].loop && p->stack[lvl].tag == tg)
				perr(p, line, col, start, ne - start, "{@%s} "
				    "inside {@%s} (opened at %u:%u)", tg->name,
				    tg->name, p->stack[lvl].line,
				    p->stack[lvl].col);
	} else if (tg->kind == TAG_LOOP) {
		kind = NODE_LOOP;
		perr(p, line, col, start, ne - start, "%s is a loop: write "
		    "{@%s}", tg->name, tg->name);
	} else if (tg->kind == TAG_CONTEXT) {
		kind = NODE_CONTEXT;
		if (!has_arg || negated)
			perr(p, line, col, start, ne - start, "%s needs an "
			    "argument: {%s(...)}", tg->name, tg->name);
	} else if (has_arg) {
		kind = NODE_EQUALS;
		if (negated)
			perr(p, line, col, start, ne - start, "a comparison "
			    "cannot be negated");
	} else {
		kind = negated ? NODE_IFNOT : NODE_IF;
	}
	check_use(p, tg, start, ne - start, line, col);
	if (p->depth >= TMPL_DEPTH_MAX) {
		perr(p, line, col, start, ne - start, "blocks nested deeper "
		    "than %d", TMPL_DEPTH_MAX);
		advance(p, ne - start);
		return true;
	}
	if (new_node(p, kind, &idx) != WS_OK) {
		p->failed = true;
		advance(p, ne - start);
		return true;
	}
	p->t->nodes[idx].tag = tg;
	p->t->nodes[idx].arg_tag = arg_tag;
	p->t->nodes[idx].off = (uint32_t)arg_off;
	p->t->nodes[idx].len = (uint32_t)arg_len;
	p->t->nodes[idx].line = line;
	p->t->nodes[idx].col = col;
	p->stack[p->depth].node = idx;
	p->stack[p->depth].last = NODE_NONE;
	p->stack[p->depth].negated = negated;
	p->stack[p->depth].loop = loop;
	p->stack[p->depth].tag = tg;
	p->stack[p->depth].arg_off = (uint32_t)arg_off;
	p->stack[p->depth].arg_len = (uint32_t)arg_len;
	p->stack[p->depth].line = line;
	p->stack[p->depth].col = col;
	p->depth++;
	advance(p, ne - start);
	return true;
}

void
tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	free(t->path);
	free(t->src);
	free(t->nodes);
	free(t);
}

const char *
tmpl_path(const struct tmpl *t)
{
	return t->path;
}

enum ws_status
tmpl_compile(const char *src, size_t len, const char *path, struct tmpl **out,
    struct diags *d)
{
	struct parser p;
	struct tmpl *t;
	size_t text_from, plen = strlen(path != NULL ? path : "");
	enum ws_status st = WS_OK;

	*out = NULL;
	if (len > TMPL_SIZE_MAX) {
		diags_add(d, path, 0, 0, "", "template larger than %u bytes",
		    TMPL_SIZE_MAX);
		return WS_ERR_INVALID;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return WS_ERR_NOMEM;
	t->path = malloc(plen + 1);
	t->src = malloc(len + 1);
	if (t->path == NULL || t->src == NULL) {
		tmpl_free(t);
		return WS_ERR_NOMEM;
	}
	memcpy(t->path, path != NULL ? path : "", plen + 1);
	if (len > 0)
		memcpy(t->src, src, len);
	t->src[len] = '\0';
	t->len = len;
	t->first = NODE_NONE;

	memset(&p, 0, sizeof(p));
	p.t = t;
	p.d = d;
	p.s = t->src;
	p.len = len;
	p.line = 1;
	p.col = 1;
	p.top_last = NODE_NONE;
	text_from = 0;
	while (p.i < len && st == WS_OK) {
		char c = p.s[p.i];
		size_t at = p.i;

		if (c != '~' && c != '{') {
			/* skip plain text quickly, counting lines */
			size_t k = p.i + 1;

			while (k < len && p.s[k] != '~' && p.s[k] != '{')
				k++;
			advance(&p, k - p.i);
			continue;
		}
		/* a tag ends the text before it (added first, in order) */
		st = add_text(&p, text_from, at);
		if (st != WS_OK)
			break;
		if ((c == '~' && parse_value(&p)) ||
		    (c == '{' && parse_block(&p))) {
			text_from = p.i;
			continue;
		}
		text_from = at;		/* plain text after all */
		advance(&p, 1);
	}
	if (st == WS_OK)
		st = add_text(&p, text_from, len);
	while (p.depth > 0) {
		const struct open_block *b = &p.stack[--p.depth];
		char what[160];

		describe_block(&p, b, what, sizeof(what));
		diags_add(d, t->path, b->line, b->col, "", "block never "
		    "closed: %s", what);
		p.failed = true;
	}
	if (st != WS_OK || p.failed) {
		tmpl_free(t);
		return st != WS_OK ? st : WS_ERR_INVALID;
	}
	*out = t;
	return WS_OK;
}

/* --- rendering ------------------------------------------------------------- */

struct render {
	const struct tmpl	*t;
	const struct tmpl_data	*data;
	struct buf		*out;
	size_t			 start;	/* out->len before this render */
	struct buf		 tmp;	/* a formatted value */
	struct buf		*err;
};

static const char hexdig[] = "0123456789ABCDEF";

/* buf_append without the call when the room is there: the render path
 * appends many small pieces. */
static inline enum ws_status
out_append(struct buf *b, const char *s, size_t n)
{
	if (b->cap - b->len > n) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
		return WS_OK;
	}
	return buf_append(b, s, n);
}

static const unsigned char html_special[256] = {
	['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1,
};

static enum ws_status
escape_html(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, from = 0;
	enum ws_status st;

	for (;;) {
		const char *rep;

		while (i < n && !html_special[(unsigned char)s[i]])
			i++;
		if (i > from) {
			st = out_append(out, s + from, i - from);
			if (st != WS_OK)
				return st;
		}
		if (i == n)
			return WS_OK;
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		default:
			rep = "&#39;";
			break;
		}
		st = out_append(out, rep, strlen(rep));
		if (st != WS_OK)
			return st;
		from = ++i;
	}
}

static enum ws_status
escape_url(struct buf *out, const char *s, size_t n)
{
	enum ws_status st;
	size_t i;

	st = buf_reserve(out, n * 3);
	for (i = 0; i < n && st == WS_OK; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			out->data[out->len++] = (char)c;
		} else {
			out->data[out->len++] = '%';
			out->data[out->len++] = hexdig[c >> 4];
			out->data[out->len++] = hexdig[c & 15];
		}
	}
	if (st == WS_OK)
		out->data[out->len] = '\0';
	return st;
}

/* Inside a JavaScript string literal: also safe within <script>. */
static enum ws_status
escape_js(struct buf *out, const char *s, size_t n)
{
	enum ws_status st;
	size_t i;

	st = buf_reserve(out, n * 6);
	for (i = 0; i < n && st == WS_OK; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"' || c == '\'' || c == '\\' ||
		    c == '<' || c == '>' || c == '&' || c == '/' || c == '`') {
			memcpy(out->data + out->len, "\\u00", 4);
			out->data[out->len + 4] = hexdig[c >> 4];
			out->data[out->len + 5] = hexdig[c & 15];
			out->len += 6;
		} else {
			out->data[out->len++] = (char)c;
		}
	}
	if (st == WS_OK)
		out->data[out->len] = '\0';
	return st;
}

static enum ws_status
emit(struct render *r, enum esc esc, const char *s, size_t n)
{
	switch (esc) {
	case ESC_URL:
		return escape_url(r->out, s, n);
	case ESC_JS:
		return escape_js(r->out, s, n);
	case ESC_RAW:
		return buf_append(r->out, s, n);
	case ESC_HTML:
	case ESC__MAX:
	default:
		/* s is r->tmp, NUL-terminated: most values hold nothing to
		 * escape, and strcspn finds that 16 bytes at a time (a NUL
		 * inside stops it early: then the careful way) */
		if (s[n] == '\0' && strcspn(s, "&<>\"'") == n)
			return out_append(r->out, s, n);
		return escape_html(r->out, s, n);
	}
}

static enum ws_status	render_list(struct render *r, uint32_t first,
			    struct tag_env *env);

/*
 * Formats the value of tag into r->tmp.  The getter may write env's
 * scratch (MARKUP/TEXT then point into it): formatted at once, before
 * any other getter runs, so one env serves a whole scope without copies.
 */
static enum ws_status
value_text(struct render *r, const struct tag *tg, struct tag_env *env,
    struct tval *v)
{
	memset(v, 0, sizeof(*v));
	tg->get(env, v);
	buf_reset(&r->tmp);
	return tval_format(v, r->data->conf, &r->tmp);
}

/* The argument of a block as text (literal or formatted ~VALUE~). */
static enum ws_status
arg_text(struct render *r, const struct node *nd, struct tag_env *env,
    char *out, size_t size)
{
	struct tval v;
	enum ws_status st;
	size_t n;

	if (nd->arg_tag == NULL) {
		n = nd->len;
		if (n >= size)
			return WS_ERR_LIMIT;
		memcpy(out, r->t->src + nd->off, n);
		out[n] = '\0';
		return WS_OK;
	}
	st = value_text(r, nd->arg_tag, env, &v);
	if (st != WS_OK)
		return st;
	if (r->tmp.len >= size)
		return WS_ERR_LIMIT;
	memcpy(out, buf_cstr(&r->tmp), r->tmp.len + 1);
	return WS_OK;
}

static enum ws_status
render_context(struct render *r, const struct node *nd,
    struct tag_env *env)
{
	struct tmpl_voucher *tv;
	struct tag_env e = *env;
	char code[ARG_MAX + 1];
	enum ws_status st;

	st = arg_text(r, nd, env, code, sizeof(code));
	if (st != WS_OK)
		return st;
	tv = malloc(sizeof(*tv));
	if (tv == NULL)
		return WS_ERR_NOMEM;
	memset(tv, 0, sizeof(*tv));
	if (r->data->load_voucher != NULL && code[0] != '\0') {
		st = r->data->load_voucher(r->data->load_arg, code, tv);
		if (st != WS_OK && r->err != NULL) {
			buf_printf(r->err, "%s:%u:%u: {%s(%s)}: voucher could "
			    "not be loaded: %s", r->t->path, nd->line, nd->col,
			    nd->tag->name, code, ws_status_str(st));
		}
		if (st != WS_OK) {
			free(tv);
			return st;
		}
	}
	e.voucher = tv;
	st = render_list(r, nd->child, &e);
	free(tv);
	return st;
}

static enum ws_status
render_loop(struct render *r, const struct node *nd,
    struct tag_env *env)
{
	const struct tmpl_basket *b = r->data->basket;
	const struct tmpl_shop *shop = r->data->shop;
	const struct tmpl_admin *ad = r->data->admin;
	struct tag_env e = *env;
	enum ws_status st = WS_OK;
	size_t i;

	switch (nd->tag->scope) {
	case TAG_SCOPE_VOUCHER:
		if (nd->tag->family == TAG_FAMILY_ADMIN) {
			/* @ADMIN-Code: the code of the page, if any */
			if (ad != NULL && ad->code != NULL) {
				e.voucher = ad->code;
				st = render_list(r, nd->child, &e);
			}
			break;
		}
		for (i = 0; b != NULL && i < b->nvouchers && st == WS_OK; i++) {
			e.voucher = &b->vouchers[i];
			st = render_list(r, nd->child, &e);
		}
		break;
	case TAG_SCOPE_LINE:
		for (i = 0; b != NULL && i < b->nlines && st == WS_OK; i++) {
			e.line = &b->lines[i];
			st = render_list(r, nd->child, &e);
		}
		break;
	case TAG_SCOPE_TAX:
		for (i = 0; b != NULL && i < b->ntaxes && st == WS_OK; i++) {
			e.tax = &b->taxes[i];
			st = render_list(r, nd->child, &e);
		}
		break;
	case TAG_SCOPE_PRODUCT:
		for (i = 0; shop != NULL && i < shop->nproducts &&
		    st == WS_OK; i++) {
			e.product = &shop->products[i];
			st = render_list(r, nd->child, &e);
		}
		break;
	case TAG_SCOPE_PAYMENT:
		for (i = 0; shop != NULL && i < shop->npayments &&
		    st == WS_OK; i++) {
			e.payment = &shop->payments[i];
			st = render_list(r, nd->child, &e);
		}
		break;
	case TAG_SCOPE_ROW:
		for (i = 0; ad != NULL && i < ad->nrows && st == WS_OK; i++) {
			e.row = &ad->rows[i];
			st = render_list(r, nd->child, &e);
		}
		break;
	case TAG_SCOPE_ENTRY:
		for (i = 0; ad != NULL && i < ad->nentries && st == WS_OK;
		    i++) {
			e.entry = &ad->entries[i];
			st = render_list(r, nd->child, &e);
		}
		break;
	case TAG_SCOPE_ANY:
	case TAG_SCOPE__MAX:
		break;
	}
	return st;
}

static enum ws_status
render_list(struct render *r, uint32_t first, struct tag_env *env)
{
	enum ws_status st = WS_OK;
	uint32_t i;

	for (i = first; i != NODE_NONE && st == WS_OK;
	    i = r->t->nodes[i].next) {
		const struct node *nd = &r->t->nodes[i];
		struct tval v;

		switch (nd->kind) {
		case NODE_TEXT:
			st = out_append(r->out, r->t->src + nd->off, nd->len);
			break;
		case NODE_VALUE:
			st = value_text(r, nd->tag, env, &v);
			if (st == WS_OK && r->tmp.len > 0)
				st = emit(r, nd->esc, r->tmp.data, r->tmp.len);
			break;
		case NODE_IF:
		case NODE_IFNOT: {
			memset(&v, 0, sizeof(v));
			nd->tag->get(env, &v);
			if (tval_is_set(&v) == (nd->kind == NODE_IF))
				st = render_list(r, nd->child, env);
			break;
		}
		case NODE_EQUALS: {
			char want[ARG_MAX + 1];

			st = arg_text(r, nd, env, want, sizeof(want));
			if (st == WS_OK)
				st = value_text(r, nd->tag, env, &v);
			if (st == WS_OK && tval_is_set(&v) &&
			    strcmp(buf_cstr(&r->tmp), want) == 0)
				st = render_list(r, nd->child, env);
			break;
		}
		case NODE_CONTEXT:
			st = render_context(r, nd, env);
			break;
		case NODE_LOOP:
			st = render_loop(r, nd, env);
			break;
		case NODE_KIND__MAX:
		default:
			st = WS_ERR_INVALID;
		}
		if (st == WS_OK && r->out->len - r->start > TMPL_OUTPUT_MAX)
			st = WS_ERR_LIMIT;	/* a loop gone wild */
	}
	return st;
}

enum ws_status
tmpl_render(const struct tmpl *t, const struct tmpl_data *data,
    struct buf *out, struct buf *err)
{
	struct render r;
	struct tag_env env;
	size_t before = out->len;
	enum ws_status st;

	memset(&r, 0, sizeof(r));
	r.t = t;
	r.data = data;
	r.out = out;
	r.start = out->len;
	r.err = err;
	buf_init(&r.tmp);
	memset(&env, 0, sizeof(env));
	env.data = data;
	/* most pages grow to about the template's size: one allocation */
	st = buf_reserve(out, t->len + t->len / 2);
	if (st == WS_OK)
		st = render_list(&r, t->first, &env);
	buf_free(&r.tmp);
	if (st != WS_OK) {
		out->len = before;	/* never half a page */
		if (out->data != NULL)
			out->data[before] = '\0';
		if (err != NULL && err->len == 0)
			buf_printf(err, "%s: rendering failed: %s", t->path,
			    ws_status_str(st));
	}
	return st;
}

/* --- the cache ------------------------------------------------------------------ */

struct cache_entry {
	char		 name[128];
	struct tmpl	*t;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
};

struct tmpl_cache {
	char			 dir[512];
	struct cache_entry	*items;
	size_t			 n;
	size_t			 cap;
};

enum ws_status
tmpl_cache_new(const char *dir, struct tmpl_cache **out)
{
	struct tmpl_cache *c;
	size_t n = strlen(dir);

	*out = NULL;
	if (n == 0 || n >= sizeof(c->dir))
		return WS_ERR_INVALID;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return WS_ERR_NOMEM;
	memcpy(c->dir, dir, n + 1);
	*out = c;
	return WS_OK;
}

void
tmpl_cache_flush(struct tmpl_cache *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		tmpl_free(c->items[i].t);
	c->n = 0;
}

void
tmpl_cache_free(struct tmpl_cache *c)
{
	if (c == NULL)
		return;
	tmpl_cache_flush(c);
	free(c->items);
	free(c);
}

static bool
name_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n >= sizeof(((struct cache_entry *)0)->name) ||
	    name[0] == '.')
		return false;
	for (i = 0; i < n; i++)
		if (!is_name_char(name[i]) && name[i] != '.')
			return false;
	return true;
}

static enum ws_status
read_all(int fd, size_t size, char **out)
{
	char *p = malloc(size + 1);
	size_t got = 0;

	if (p == NULL)
		return WS_ERR_NOMEM;
	while (got < size) {
		ssize_t r = read(fd, p + got, size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(p);
			return WS_ERR_IO;
		}
		got += (size_t)r;
	}
	p[size] = '\0';
	*out = p;
	return WS_OK;
}

enum ws_status
tmpl_cache_get(struct tmpl_cache *c, const char *name,
    const struct tmpl **out, struct diags *d)
{
	struct cache_entry *e = NULL;
	struct tmpl *t = NULL;
	struct stat sb;
	char path[700], *src = NULL;
	enum ws_status st;
	size_t i;
	int fd;

	*out = NULL;
	if (!name_ok(name)) {
		diags_add(d, name, 0, 0, "", "not a template name");
		return WS_ERR_INVALID;
	}
	snprintf(path, sizeof(path), "%s/%s", c->dir, name);
	for (i = 0; i < c->n; i++)
		if (strcmp(c->items[i].name, name) == 0)
			e = &c->items[i];
	/* every request asks: one lstat tells whether the file changed
	 * (a symbolic link is refused, as O_NOFOLLOW below does) */
	if (lstat(path, &sb) != 0) {
		diags_add(d, path, 0, 0, "", "cannot read template: %s",
		    strerror(errno));
		return WS_ERR_IO;
	}
	if (!S_ISREG(sb.st_mode)) {
		diags_add(d, path, 0, 0, "", "cannot read template: %s",
		    S_ISLNK(sb.st_mode) ? "a symbolic link" :
		    "not a regular file");
		return WS_ERR_IO;
	}
	if (e != NULL && e->dev == sb.st_dev && e->ino == sb.st_ino &&
	    e->size == sb.st_size &&
	    e->mtime.tv_sec == sb.st_mtim.tv_sec &&
	    e->mtime.tv_nsec == sb.st_mtim.tv_nsec) {
		*out = e->t;
		return WS_OK;
	}
	/* changed or new: read what is there now, the same file */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		diags_add(d, path, 0, 0, "", "cannot read template: %s",
		    fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return WS_ERR_IO;
	}
	if ((uintmax_t)sb.st_size > TMPL_SIZE_MAX) {
		close(fd);
		diags_add(d, path, 0, 0, "", "template larger than %u bytes",
		    TMPL_SIZE_MAX);
		return WS_ERR_LIMIT;
	}
	st = read_all(fd, (size_t)sb.st_size, &src);
	close(fd);
	if (st == WS_OK)
		st = tmpl_compile(src, (size_t)sb.st_size, path, &t, d);
	free(src);
	if (st != WS_OK)
		return st;
	if (e == NULL) {
		if (c->n == c->cap) {
			size_t cap = c->cap == 0 ? 8 : c->cap * 2;
			struct cache_entry *p = realloc(c->items,
			    cap * sizeof(*p));

			if (p == NULL) {
				tmpl_free(t);
				return WS_ERR_NOMEM;
			}
			c->items = p;
			c->cap = cap;
		}
		e = &c->items[c->n++];
		memset(e, 0, sizeof(*e));
		memcpy(e->name, name, strlen(name) + 1);
	} else {
		tmpl_free(e->t);
	}
	e->t = t;
	e->dev = sb.st_dev;
	e->ino = sb.st_ino;
	e->size = sb.st_size;
	e->mtime = sb.st_mtim;
	*out = t;
	return WS_OK;
}
