/*
 * buf.c - length-tracked, growing byte buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

enum ws_status
buf_reserve(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return WS_ERR_LIMIT;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return WS_OK;
	cap = b->cap < 64 ? 64 : b->cap;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	p = realloc(b->data, cap);
	if (p == NULL)
		return WS_ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return WS_OK;
}

enum ws_status
buf_append(struct buf *b, const void *data, size_t len)
{
	enum ws_status st;

	st = buf_reserve(b, len);
	if (st != WS_OK)
		return st;
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return WS_OK;
}

enum ws_status
buf_append_str(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

enum ws_status
buf_append_char(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

enum ws_status
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	enum ws_status st;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return WS_ERR_INVALID;
	st = buf_reserve(b, (size_t)n);
	if (st != WS_OK)
		return st;
	/* Room for n bytes and the terminator was reserved just above. */
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return WS_OK;
}

enum ws_status
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	enum ws_status st;

	va_start(ap, fmt);
	st = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return st;
}

const char *
buf_cstr(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

void
str_copy_trunc(char *dst, size_t size, const char *src)
{
	size_t n = src != NULL ? strlen(src) : 0;

	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}
