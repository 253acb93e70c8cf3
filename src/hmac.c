/*
 * hmac.c - SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104), hex and a
 * constant-time comparison.
 *
 * Written for clarity over speed: we hash short links and tokens, not
 * files.  Nothing here fails or allocates; secrets that pass through local
 * buffers are wiped with explicit_bzero, which the compiler may not drop.
 */
#include <string.h>

#include "hmac.h"

/* FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the cube
 * roots of the first 64 primes. */
static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4 5.3.3: the first 32 bits of the fractional parts of the square
 * roots of the first 8 primes. */
static const uint32_t sha256_h0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static uint32_t
ror32(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

/* Big-endian by hand: the standard fixes the byte order, the host does not. */
static uint32_t
load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void
store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* FIPS 180-4 6.2.2: one 64-byte block into the chaining state. */
static void
sha256_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64];
	uint32_t a, b, c, d, e, f, g, hh, t1, t2, s0, s1;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = load_be32(p + 4 * i);
	for (i = 16; i < 64; i++) {
		s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^
		    (w[i - 15] >> 3);
		s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^
		    (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}

	a = h[0]; b = h[1]; c = h[2]; d = h[3];
	e = h[4]; f = h[5]; g = h[6]; hh = h[7];
	for (i = 0; i < 64; i++) {
		s1 = ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25);
		t1 = hh + s1 + ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
		s0 = ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22);
		t2 = s0 + ((a & b) ^ (a & c) ^ (b & c));
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += hh;

	/* The schedule is a function of the block, which may be key material. */
	explicit_bzero(w, sizeof(w));
}

void
sha256_init(struct sha256_ctx *ctx)
{
	memcpy(ctx->h, sha256_h0, sizeof(ctx->h));
	ctx->total = 0;
	ctx->used = 0;
}

void
sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t n;

	/* Callers may pass (NULL, 0); memcpy must not see a NULL source. */
	if (len == 0)
		return;
	/* Wraps only past 2^64 bytes, beyond the standard's 2^64-bit limit. */
	ctx->total += len;

	if (ctx->used > 0) {
		n = SHA256_BLOCK_LEN - ctx->used;
		if (n > len)
			n = len;
		memcpy(ctx->block + ctx->used, p, n);
		ctx->used += n;
		p += n;
		len -= n;
		if (ctx->used < SHA256_BLOCK_LEN)
			return;
		sha256_block(ctx->h, ctx->block);
		ctx->used = 0;
	}
	/* Whole blocks straight from the caller's memory, no copy. */
	while (len >= SHA256_BLOCK_LEN) {
		sha256_block(ctx->h, p);
		p += SHA256_BLOCK_LEN;
		len -= SHA256_BLOCK_LEN;
	}
	if (len > 0) {
		memcpy(ctx->block, p, len);
		ctx->used = len;
	}
}

void
sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_LEN])
{
	uint64_t bits = ctx->total * 8;
	int i;

	/* FIPS 180-4 5.1.1: a 1 bit, zeros, then the 64-bit bit length, so
	 * the padded message is a whole number of blocks. */
	ctx->block[ctx->used++] = 0x80;
	if (ctx->used > SHA256_BLOCK_LEN - 8) {
		memset(ctx->block + ctx->used, 0, SHA256_BLOCK_LEN - ctx->used);
		sha256_block(ctx->h, ctx->block);
		ctx->used = 0;
	}
	memset(ctx->block + ctx->used, 0, SHA256_BLOCK_LEN - 8 - ctx->used);
	store_be32(ctx->block + 56, (uint32_t)(bits >> 32));
	store_be32(ctx->block + 60, (uint32_t)bits);
	sha256_block(ctx->h, ctx->block);

	for (i = 0; i < 8; i++)
		store_be32(out + 4 * i, ctx->h[i]);
	/* The state would let someone extend a keyed hash; leave nothing. */
	explicit_bzero(ctx, sizeof(*ctx));
}

void
sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, out);
}

/*
 * RFC 2104: H((K ^ opad) || H((K ^ ipad) || msg)), K zero-padded to a block
 * and hashed first if longer than one.
 */
void
hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
    uint8_t out[SHA256_DIGEST_LEN])
{
	struct sha256_ctx ctx;
	uint8_t k[SHA256_BLOCK_LEN];
	uint8_t pad[SHA256_BLOCK_LEN];
	uint8_t inner[SHA256_DIGEST_LEN];
	size_t i;

	memset(k, 0, sizeof(k));
	if (keylen > SHA256_BLOCK_LEN)
		sha256(key, keylen, k);
	else if (keylen > 0)
		memcpy(k, key, keylen);

	for (i = 0; i < SHA256_BLOCK_LEN; i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&ctx);
	sha256_update(&ctx, pad, sizeof(pad));
	sha256_update(&ctx, msg, msglen);
	sha256_final(&ctx, inner);

	for (i = 0; i < SHA256_BLOCK_LEN; i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&ctx);
	sha256_update(&ctx, pad, sizeof(pad));
	sha256_update(&ctx, inner, sizeof(inner));
	sha256_final(&ctx, out);

	/* sha256_final already wiped ctx; the rest held the key or a value
	 * derived from it. */
	explicit_bzero(k, sizeof(k));
	explicit_bzero(pad, sizeof(pad));
	explicit_bzero(inner, sizeof(inner));
}

void
hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

bool
hex_equal_ct(const char *a, const char *b, size_t n)
{
	/* volatile so the compiler cannot turn the loop into an early exit
	 * once diff is non-zero: every byte is always read and compared. */
	volatile unsigned char diff = 0;
	size_t i;

	for (i = 0; i < n; i++)
		diff |= (unsigned char)a[i] ^ (unsigned char)b[i];
	return diff == 0;
}
