/*
 * record.h - the encoding the shop's own records (sessions, orders) use
 * in shop.db: fields in a fixed order, integers as 8 bytes big-endian,
 * strings as a 16-bit length and the bytes.  The reader stops at the
 * first field that does not fit what is left or its destination, and
 * remembers that the record is bad instead of reading past it.
 */
#ifndef WS_RECORD_H
#define WS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

enum ws_status	rec_put_u64(struct buf *b, uint64_t v);
enum ws_status	rec_put_str(struct buf *b, const char *s);

struct rec_reader {
	const unsigned char	*p;
	size_t			 left;
	bool			 bad;
};

void		rec_reader_init(struct rec_reader *r, const void *data,
		    size_t len);
uint64_t	rec_get_u64(struct rec_reader *r);
/* Copies a string into dst of size bytes (NUL-terminated). */
void		rec_get_str(struct rec_reader *r, char *dst, size_t size);
/* True when the whole record was read and nothing was bad. */
bool		rec_done(const struct rec_reader *r);

#endif
