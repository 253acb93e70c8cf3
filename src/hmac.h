/*
 * hmac.h - SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104), lower-case hex and
 * a constant-time comparison, for signed links and CSRF tokens.
 *
 * Nothing here allocates and nothing can fail, so no function returns a
 * status: any input length that fits in memory is valid.
 */
#ifndef WS_HMAC_H
#define WS_HMAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_BLOCK_LEN	64
#define SHA256_DIGEST_LEN	32
/* Hex of a digest plus the terminating NUL. */
#define SHA256_HEX_LEN		(2 * SHA256_DIGEST_LEN + 1)

struct sha256_ctx {
	uint32_t	h[8];		/* chaining state */
	uint64_t	total;		/* bytes hashed so far */
	size_t		used;		/* bytes waiting in block */
	uint8_t		block[SHA256_BLOCK_LEN];
};

void	sha256_init(struct sha256_ctx *ctx);
void	sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
/* Writes the digest and wipes ctx; init it again before reuse. */
void	sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_LEN]);
/* One-shot digest of len bytes at data. */
void	sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN]);

/*
 * HMAC-SHA256 of msg under key.  Keys longer than a block are hashed first
 * (RFC 2104); the key pads are wiped before returning.
 */
void	hmac_sha256(const void *key, size_t keylen, const void *msg,
	    size_t msglen, uint8_t out[SHA256_DIGEST_LEN]);

/* Lower-case hex of n bytes: writes 2n characters and a NUL (2n+1 bytes). */
void	hex_encode(const uint8_t *in, size_t n, char *out);
/*
 * True if the n bytes at a and b are equal.  Time depends on n only, never
 * on where the first difference is, so an attacker cannot learn a valid
 * signature or token byte by byte.
 */
bool	hex_equal_ct(const char *a, const char *b, size_t n);

#endif
