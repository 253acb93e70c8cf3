/*
 * record.c - encoding of the shop's records (see record.h).
 */
#include <string.h>

#include "record.h"

enum ws_status
rec_put_u64(struct buf *b, uint64_t v)
{
	unsigned char x[8];
	int i;

	for (i = 7; i >= 0; i--) {
		x[i] = (unsigned char)v;
		v >>= 8;
	}
	return buf_append(b, x, 8);
}

enum ws_status
rec_put_str(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	unsigned char x[2];
	enum ws_status st;

	if (n > 0xffff)
		return WS_ERR_LIMIT;
	x[0] = (unsigned char)(n >> 8);
	x[1] = (unsigned char)n;
	if ((st = buf_append(b, x, 2)) != WS_OK)
		return st;
	return buf_append(b, s, n);
}

void
rec_reader_init(struct rec_reader *r, const void *data, size_t len)
{
	r->p = data;
	r->left = data != NULL ? len : 0;
	r->bad = false;
}

uint64_t
rec_get_u64(struct rec_reader *r)
{
	uint64_t v = 0;
	int i;

	if (r->bad || r->left < 8) {
		r->bad = true;
		return 0;
	}
	for (i = 0; i < 8; i++)
		v = (v << 8) | r->p[i];
	r->p += 8;
	r->left -= 8;
	return v;
}

void
rec_get_str(struct rec_reader *r, char *dst, size_t size)
{
	size_t n;

	dst[0] = '\0';
	if (r->bad || r->left < 2) {
		r->bad = true;
		return;
	}
	n = ((size_t)r->p[0] << 8) | r->p[1];
	if (n >= size || r->left - 2 < n || memchr(r->p + 2, '\0', n)) {
		r->bad = true;
		return;
	}
	memcpy(dst, r->p + 2, n);
	dst[n] = '\0';
	r->p += 2 + n;
	r->left -= 2 + n;
}

bool
rec_done(const struct rec_reader *r)
{
	return !r->bad && r->left == 0;
}
