/*
 * buf.h - length-tracked, growing byte buffer.
 *
 * The data is always NUL-terminated after len bytes so it can be handed to
 * C APIs, but len is the truth: the content may hold NUL bytes.  Growth is
 * overflow-checked; a failed growth leaves the buffer as it was.
 */
#ifndef WS_BUF_H
#define WS_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "status.h"

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }
#define CONST_STR_LEN(s) (s), (sizeof(s) - 1)

void		buf_init(struct buf *b);
void		buf_free(struct buf *b);
void		buf_reset(struct buf *b);
/* Makes room for at least extra more bytes (plus the terminator). */
enum ws_status	buf_reserve(struct buf *b, size_t extra);
enum ws_status	buf_append(struct buf *b, const void *data, size_t len);
enum ws_status	buf_append_str(struct buf *b, const char *s);
enum ws_status	buf_append_char(struct buf *b, char c);
enum ws_status	buf_printf(struct buf *b, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
enum ws_status	buf_vprintf(struct buf *b, const char *fmt, va_list ap)
		    __attribute__((format(printf, 2, 0)));
/*
 * Copies src into dst of size bytes, cutting it short if need be (for
 * free text such as ledger notes; identifiers are checked, not cut).
 */
void		str_copy_trunc(char *dst, size_t size, const char *src);
/* The content as a C string ("" for an empty buffer, never NULL). */
const char     *buf_cstr(const struct buf *b);

#endif
