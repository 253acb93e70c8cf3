/*
 * store_codec.h - on-disk encoding of store records.
 *
 * Fixed field order, integers big-endian, strings as a 16-bit length and
 * the bytes.  A record starts with its format version.  Decoding checks
 * every length against the bytes present and the field's size, so a damaged
 * record is reported (WS_ERR_DB), never read past.
 */
#ifndef WS_STORE_CODEC_H
#define WS_STORE_CODEC_H

#include "buf.h"
#include "store.h"
#include "voucher.h"

enum ws_status	codec_voucher_encode(struct buf *out, const struct voucher *v);
enum ws_status	codec_voucher_decode(const void *data, size_t len,
		    const char *code, size_t code_len, struct voucher *v);
enum ws_status	codec_ledger_encode(struct buf *out,
		    const struct ledger_entry *e);
enum ws_status	codec_ledger_decode(const void *data, size_t len,
		    struct ledger_entry *e);
enum ws_status	codec_charge_encode(struct buf *out, const struct charge *c);
enum ws_status	codec_charge_decode(const void *data, size_t len,
		    const char *id, size_t id_len, struct charge *c);
enum ws_status	codec_hold_encode(struct buf *out, const struct hold *h);
enum ws_status	codec_hold_decode(const void *data, size_t len,
		    struct hold *h);

#endif
