/*
 * form.c - form fields and cookies of a request (see form.h).
 */
#include <stdint.h>
#include <string.h>

#include "form.h"

void
form_init(struct form *f)
{
	memset(f, 0, sizeof(*f));
	buf_init(&f->store);
}

void
form_free(struct form *f)
{
	buf_free(&f->store);
	memset(f, 0, sizeof(*f));
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) into out (at most max bytes); false on bad syntax. */
static bool
decode(const char *s, size_t n, char *out, size_t max, size_t *outlen)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (o == max)
			return false;
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			if (n - i < 3)
				return false;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return false;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	*outlen = o;
	return true;
}

enum ws_status
form_parse(struct form *f, const char *s, size_t len)
{
	char name[FORM_NAME_MAX + 1], value[FORM_VALUE_MAX + 1];
	size_t pos = 0, n, nl, vl, k;
	const char *amp, *eq;
	enum ws_status st;

	while (pos < len) {
		amp = memchr(s + pos, '&', len - pos);
		n = amp != NULL ? (size_t)(amp - (s + pos)) : len - pos;
		if (n > 0) {
			eq = memchr(s + pos, '=', n);
			k = eq != NULL ? (size_t)(eq - (s + pos)) : n;
			if (f->n == FORM_FIELDS_MAX)
				return WS_ERR_LIMIT;
			if (!decode(s + pos, k, name, FORM_NAME_MAX, &nl) ||
			    nl == 0 || !form_text_ok(name, nl))
				return WS_ERR_INVALID;
			name[nl] = '\0';
			vl = 0;
			if (eq != NULL && !decode(eq + 1, n - k - 1, value,
			    FORM_VALUE_MAX, &vl))
				return WS_ERR_INVALID;
			value[vl] = '\0';
			memcpy(f->f[f->n].name, name, nl + 1);
			f->f[f->n].off = f->store.len;
			f->f[f->n].len = vl;
			if ((st = buf_append(&f->store, value, vl + 1)) != WS_OK)
				return st;
			f->n++;
		}
		pos += n + 1;
	}
	return WS_OK;
}

const char *
form_get(const struct form *f, const char *name, size_t *len)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->f[i].name, name) == 0) {
			if (len != NULL)
				*len = f->f[i].len;
			return f->store.data + f->f[i].off;
		}
	}
	return NULL;
}

bool
form_text_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, need;
	uint32_t cp;

	while (i < len) {
		if (p[i] < 0x80) {
			if (p[i] < 0x20 || p[i] == 0x7f)
				return false;
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			need = 1;
			cp = p[i] & 0x1f;
		} else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			need = 2;
			cp = p[i] & 0x0f;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			need = 3;
			cp = p[i] & 0x07;
		} else {
			return false;
		}
		if (len - i <= need)
			return false;
		for (k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		/* overlong forms, surrogates, beyond U+10FFFF, C1 controls */
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
		    (cp >= 0x80 && cp <= 0x9f))
			return false;
		i += need + 1;
	}
	return true;
}

const char *
form_get_text(const struct form *f, const char *name)
{
	size_t len;
	const char *v = form_get(f, name, &len);

	return v != NULL && form_text_ok(v, len) ? v : NULL;
}

bool
form_cookie(const char *header, const char *name, char *out, size_t size)
{
	size_t nl = strlen(name), vl;
	const char *p = header, *end;

	if (header == NULL || size == 0)
		return false;
	while (*p != '\0') {
		while (*p == ' ' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > nl && strncmp(p, name, nl) == 0 &&
		    p[nl] == '=') {
			vl = (size_t)(end - p) - nl - 1;
			while (vl > 0 && p[nl + vl] == ' ')
				vl--;
			if (vl >= size)
				return false;
			memcpy(out, p + nl + 1, vl);
			out[vl] = '\0';
			return true;
		}
		p = end;
	}
	return false;
}
