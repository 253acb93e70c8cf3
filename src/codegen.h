/*
 * codegen.h - voucher codes: generation from getrandom(), the shop's own
 * format (alphabet, length, grouping, prefix, check character) and the
 * normalisation and classification of what a visitor typed.
 *
 * The check character comes from a Verhoeff-type group check over the
 * alphabet (see codegen.c), so one wrong character or two swapped
 * neighbours, check character included, always fail without a lookup.
 */
#ifndef WS_CODEGEN_H
#define WS_CODEGEN_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "conf.h"
#include "status.h"
#include "voucher.h"

struct codegen;		/* opaque: compiled format (pcre2 pattern inside) */

enum codegen_class {
	CODEGEN_EMPTY,		/* nothing typed: reason 1 */
	CODEGEN_MALFORMED,	/* too long, control chars, bad UTF-8: 28 */
	CODEGEN_OWN_FORMAT,	/* our format, check character right */
	CODEGEN_BAD_CHECK,	/* our format, check character wrong: 2 */
	CODEGEN_FOREIGN,	/* not our format: 23 unless external allowed */
	CODEGEN_CLASS__MAX
};

/*
 * Compiles the code format of the config.  Refuses (WS_ERR_INVALID, with a
 * message in err) an alphabet with repeated characters, fewer than 16
 * characters, characters outside [0-9A-Z], or fewer than 64 random bits.
 */
enum ws_status	codegen_new(const struct voucher_conf *c, struct codegen **out,
		    struct buf *err);
void		codegen_free(struct codegen *g);
/* Random bits a generated code carries (length * log2(alphabet size)). */
double		codegen_bits(const struct codegen *g);
/* One new code in canonical form (prefix, groups, check char) into out. */
enum ws_status	codegen_make(const struct codegen *g, char *out, size_t size);
/*
 * Canonical form of typed input: trims white space, upper-cases, and for
 * codes of our format re-inserts the separators where they belong, so
 * "abcd efgh-..." and "ABCD-EFGH-..." are the same code.  Foreign codes are
 * trimmed only.  Returns the class; out gets the canonical code (for EMPTY
 * and MALFORMED it is "").
 */
enum codegen_class codegen_classify(const struct codegen *g, const char *in,
		    size_t len, char *out, size_t size);

#endif
