/*
 * form.h - what a request carries: application/x-www-form-urlencoded
 * fields (query string or POST body) and the session cookie.
 *
 * Parsing is bounded (at most FORM_FIELDS_MAX fields, names up to
 * FORM_NAME_MAX bytes, values up to FORM_VALUE_MAX) and strict about
 * syntax: a broken %-escape or an over-long field makes the whole
 * request malformed (400).  Decoded values keep whatever bytes they
 * carry; form_get_text() gives a field only if it is valid UTF-8 without
 * control characters, so each action decides what a bad value means
 * (for a voucher code: reason 28).
 */
#ifndef WS_FORM_H
#define WS_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "status.h"

#define FORM_FIELDS_MAX	32
#define FORM_NAME_MAX	64
#define FORM_VALUE_MAX	1024

struct form_field {
	char	 name[FORM_NAME_MAX + 1];
	size_t	 off;		/* value in store, NUL-terminated ... */
	size_t	 len;		/* ... but it may hold other NULs */
};

struct form {
	struct form_field	 f[FORM_FIELDS_MAX];
	size_t			 n;
	struct buf		 store;	/* the values, one after another */
};

void		form_init(struct form *f);
void		form_free(struct form *f);
/* Adds the fields of s (len bytes); WS_ERR_INVALID or WS_ERR_LIMIT. */
enum ws_status	form_parse(struct form *f, const char *s, size_t len);
/* The first field called name, raw bytes (length in *len), or NULL. */
const char	*form_get(const struct form *f, const char *name, size_t *len);
/* As above, but NULL unless valid UTF-8 without control characters. */
const char	*form_get_text(const struct form *f, const char *name);
/* True when s holds valid UTF-8 and no control characters. */
bool		form_text_ok(const char *s, size_t len);
/* The value of cookie name in a Cookie header, into out; false if none. */
bool		form_cookie(const char *header, const char *name, char *out,
		    size_t size);

#endif
