/*
 * test_hmac.c - SHA-256 against the FIPS 180-4 examples, HMAC-SHA256
 * against RFC 4231, hex encoding and the constant-time comparison.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "hmac.h"

/* Hex of a digest, for readable assertion messages. */
static void
digest_hex(const uint8_t d[SHA256_DIGEST_LEN], char out[SHA256_HEX_LEN])
{
	hex_encode(d, SHA256_DIGEST_LEN, out);
}

static const struct {
	const char	*msg;
	const char	*digest;
	int		 line;
} sha_cases[] = {
	{ "",
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	  __LINE__ },
	{ "abc",
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	  __LINE__ },
	/* 448 bits: the padding no longer fits, a second block is needed. */
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	  __LINE__ },
};

Test(hmac, sha256_vectors)
{
	uint8_t d[SHA256_DIGEST_LEN];
	char hex[SHA256_HEX_LEN];
	size_t i;

	for (i = 0; i < sizeof(sha_cases) / sizeof(sha_cases[0]); i++) {
		sha256(sha_cases[i].msg, strlen(sha_cases[i].msg), d);
		digest_hex(d, hex);
		cr_expect_str_eq(hex, sha_cases[i].digest, "line %d",
		    sha_cases[i].line);
	}
}

Test(hmac, sha256_million_a)
{
	static uint8_t chunk[1000];
	/* Sizes that straddle block boundaries in every way: below, at and
	 * above 64, and primes so the offsets drift through the block. */
	static const size_t steps[] = { 1, 63, 64, 65, 127, 997, 3, 128, 7 };
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_LEN];
	char hex[SHA256_HEX_LEN];
	size_t left = 1000000, i = 0, n;

	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&ctx);
	while (left > 0) {
		n = steps[i++ % (sizeof(steps) / sizeof(steps[0]))];
		if (n > left)
			n = left;
		sha256_update(&ctx, chunk, n);
		left -= n;
	}
	sha256_final(&ctx, d);
	digest_hex(d, hex);
	cr_expect_str_eq(hex,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

Test(hmac, sha256_every_split)
{
	uint8_t msg[200], want[SHA256_DIGEST_LEN], got[SHA256_DIGEST_LEN];
	struct sha256_ctx ctx;
	size_t i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	sha256(msg, sizeof(msg), want);
	for (i = 0; i <= sizeof(msg); i++) {
		sha256_init(&ctx);
		sha256_update(&ctx, msg, i);
		sha256_update(&ctx, msg + i, sizeof(msg) - i);
		sha256_final(&ctx, got);
		cr_expect_arr_eq(got, want, sizeof(want), "split at %zu", i);
	}
}

Test(hmac, sha256_empty_updates)
{
	uint8_t want[SHA256_DIGEST_LEN], got[SHA256_DIGEST_LEN];
	struct sha256_ctx ctx;

	sha256("abc", 3, want);
	/* (NULL, 0) anywhere, including with a partial block waiting. */
	sha256_init(&ctx);
	sha256_update(&ctx, NULL, 0);
	sha256_update(&ctx, "a", 1);
	sha256_update(&ctx, NULL, 0);
	sha256_update(&ctx, "bc", 2);
	sha256_final(&ctx, got);
	cr_expect_arr_eq(got, want, sizeof(want));
}

/*
 * RFC 4231 section 4.  A NULL key or msg means fill bytes: len copies of
 * the fill value.  Case 5 (truncated output) is left out: we never truncate.
 */
static const struct {
	const char	*key;
	uint8_t		 key_fill;
	size_t		 keylen;
	const char	*msg;
	uint8_t		 msg_fill;
	size_t		 msglen;
	const char	*mac;
	int		 line;
} hmac_cases[] = {
	/* 1 */
	{ NULL, 0x0b, 20, "Hi There", 0, 8,
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	  __LINE__ },
	/* 2: a key shorter than the output */
	{ "Jefe", 0, 4, "what do ya want for nothing?", 0, 28,
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	  __LINE__ },
	/* 3 */
	{ NULL, 0xaa, 20, NULL, 0xdd, 50,
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
	  __LINE__ },
	/* 4 */
	{ "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d"
	  "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19", 0, 25,
	  NULL, 0xcd, 50,
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
	  __LINE__ },
	/* 6: a key longer than a block is hashed first */
	{ NULL, 0xaa, 131,
	  "Test Using Larger Than Block-Size Key - Hash Key First", 0, 54,
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	  __LINE__ },
	/* 7: long key and a message of several blocks */
	{ NULL, 0xaa, 131,
	  "This is a test using a larger than block-size key and a larger "
	  "than block-size data. The key needs to be hashed before being "
	  "used by the HMAC algorithm.", 0, 152,
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
	  __LINE__ },
};

Test(hmac, rfc4231)
{
	uint8_t key[131], msg[152], mac[SHA256_DIGEST_LEN];
	char hex[SHA256_HEX_LEN];
	size_t i;

	for (i = 0; i < sizeof(hmac_cases) / sizeof(hmac_cases[0]); i++) {
		cr_assert_leq(hmac_cases[i].keylen, sizeof(key));
		cr_assert_leq(hmac_cases[i].msglen, sizeof(msg));
		if (hmac_cases[i].key != NULL) {
			cr_assert_eq(strlen(hmac_cases[i].key),
			    hmac_cases[i].keylen, "line %d",
			    hmac_cases[i].line);
			memcpy(key, hmac_cases[i].key, hmac_cases[i].keylen);
		} else
			memset(key, hmac_cases[i].key_fill,
			    hmac_cases[i].keylen);
		if (hmac_cases[i].msg != NULL) {
			cr_assert_eq(strlen(hmac_cases[i].msg),
			    hmac_cases[i].msglen, "line %d",
			    hmac_cases[i].line);
			memcpy(msg, hmac_cases[i].msg, hmac_cases[i].msglen);
		} else
			memset(msg, hmac_cases[i].msg_fill,
			    hmac_cases[i].msglen);

		hmac_sha256(key, hmac_cases[i].keylen, msg,
		    hmac_cases[i].msglen, mac);
		digest_hex(mac, hex);
		cr_expect_str_eq(hex, hmac_cases[i].mac, "line %d",
		    hmac_cases[i].line);
	}
}

Test(hmac, hex_encode)
{
	static const uint8_t in[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char out[2 * sizeof(in) + 1 + 1];

	memset(out, 'X', sizeof(out));
	hex_encode(in, sizeof(in), out);
	cr_expect_str_eq(out, "00017f80abff");
	/* Exactly 2n+1 bytes written: the byte after the NUL is untouched. */
	cr_expect_eq(out[sizeof(out) - 1], 'X');

	memset(out, 'X', sizeof(out));
	hex_encode(in, 0, out);
	cr_expect_str_eq(out, "");
	cr_expect_eq(out[1], 'X');
}

Test(hmac, hex_equal_ct)
{
	const char *sig =
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
	char other[SHA256_HEX_LEN];
	size_t n = strlen(sig), i;

	cr_expect(hex_equal_ct(sig, sig, n));
	memcpy(other, sig, sizeof(other));
	cr_expect(hex_equal_ct(sig, other, n));
	/* A difference anywhere, first byte, last byte or between, counts. */
	for (i = 0; i < n; i++) {
		memcpy(other, sig, sizeof(other));
		other[i] ^= 0x01;
		cr_expect_not(hex_equal_ct(sig, other, n), "byte %zu", i);
	}
	/* Only n bytes are compared: a difference past them is not seen. */
	cr_expect(hex_equal_ct("abcX", "abcY", 3));
	cr_expect(hex_equal_ct("", "", 0));
	/* Bytes with the high bit set compare like any others. */
	cr_expect_not(hex_equal_ct("\xff", "\x7f", 1));
	/* Case matters: hex is lower-case only, an upper-case copy is a
	 * different token. */
	cr_expect_not(hex_equal_ct("ab", "AB", 2));
}
