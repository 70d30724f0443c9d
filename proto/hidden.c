/*
 * Hidden AVPs (RFC 2661 section 4.3, kept by RFC 3931 section 5.3).
 *
 * The hidden value is the subformat (2-byte original length | value |
 * padding) XORed with a key stream of 16-byte MD5 blocks:
 *   b1 = MD5(attribute type (2 bytes) | secret | Random Vector)
 *   bi = MD5(secret | ciphertext block i-1)
 * Chaining on the ciphertext means both directions can walk the stream
 * with the ciphertext in hand, which is what lets unhide stop as soon as
 * it has the original value and skip the padding.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "proto/avp.h"
#include "proto/buf.h"

#define HIDE_BLOCK 16 /* MD5 output */

/* MD5(head | secret | tail); head may be empty. */
static int
hide_block_key(EVP_MD_CTX *ctx, const uint8_t *head, size_t head_len,
    const void *secret, size_t secret_len, const uint8_t *tail, size_t tail_len,
    uint8_t key[HIDE_BLOCK])
{
	unsigned int n = 0;

	if (EVP_DigestInit_ex(ctx, EVP_md5(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, head, head_len) != 1 ||
	    EVP_DigestUpdate(ctx, secret, secret_len) != 1 ||
	    EVP_DigestUpdate(ctx, tail, tail_len) != 1 ||
	    EVP_DigestFinal_ex(ctx, key, &n) != 1 || n != HIDE_BLOCK)
		return -1;
	return 0;
}

/* The key for the block starting at cipher[at]. */
static int
hide_key_at(EVP_MD_CTX *ctx, uint16_t type, const void *secret,
    size_t secret_len, const uint8_t *rv, size_t rv_len, const uint8_t *cipher,
    size_t at, uint8_t key[HIDE_BLOCK])
{
	uint8_t tbytes[2];

	if (at == 0) {
		tbytes[0] = (uint8_t)(type >> 8);
		tbytes[1] = (uint8_t)type;
		return hide_block_key(ctx, tbytes, sizeof(tbytes), secret,
		    secret_len, rv, rv_len, key);
	}
	return hide_block_key(ctx, NULL, 0, secret, secret_len,
	    cipher + at - HIDE_BLOCK, HIDE_BLOCK, key);
}

static int
hide_args_ok(
    const void *secret, size_t secret_len, const uint8_t *rv, size_t rv_len)
{
	return secret != NULL && secret_len > 0 && rv != NULL && rv_len > 0;
}

/*
 * Padding is zeros: the key stream already makes it look random, and a
 * deterministic encoder is what the known-answer tests need.
 */
int
avp_hide(uint16_t type, const void *secret, size_t secret_len,
    const uint8_t *rv, size_t rv_len, const uint8_t *plain, size_t plain_len,
    size_t pad_len, uint8_t *out, size_t out_cap, size_t *out_len)
{
	EVP_MD_CTX *ctx;
	struct wbuf w;
	uint8_t key[HIDE_BLOCK];
	size_t i, total;
	int rc = 0;

	if (!hide_args_ok(secret, secret_len, rv, rv_len) || plain_len > 0xffff)
		return -1;
	wbuf_init(&w, out, out_cap);
	wbuf_put_u16(&w, (uint16_t)plain_len);
	wbuf_put_bytes(&w, plain, plain_len);
	wbuf_put_zero(&w, pad_len);
	if (!wbuf_ok(&w))
		return -1;
	total = wbuf_len(&w);
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	for (i = 0; i < total && rc == 0; i++) {
		if (i % HIDE_BLOCK == 0)
			rc = hide_key_at(ctx, type, secret, secret_len, rv,
			    rv_len, out, i, key);
		out[i] ^= key[i % HIDE_BLOCK];
	}
	EVP_MD_CTX_free(ctx);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc == -1)
		return -1;
	*out_len = total;
	return 0;
}

int
avp_unhide(uint16_t type, const void *secret, size_t secret_len,
    const uint8_t *rv, size_t rv_len, const uint8_t *cipher, size_t cipher_len,
    uint8_t *out, size_t out_cap, size_t *plain_len)
{
	EVP_MD_CTX *ctx;
	uint8_t key[HIDE_BLOCK], p;
	size_t i, orig = 0;
	int rc = 0;

	if (!hide_args_ok(secret, secret_len, rv, rv_len) || cipher_len < 2)
		return -1;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	/* Stop after the original value: the rest is padding. */
	for (i = 0; i < cipher_len && rc == 0 && (i < 2 || i - 2 < orig); i++) {
		if (i % HIDE_BLOCK == 0 &&
		    hide_key_at(ctx, type, secret, secret_len, rv, rv_len,
			cipher, i, key) == -1) {
			rc = -1;
			break;
		}
		p = cipher[i] ^ key[i % HIDE_BLOCK];
		if (i < 2) {
			orig = orig << 8 | p;
			/* A wrong secret shows up here as a length that
			 * cannot be: refuse it rather than read on. */
			if (i == 1 && (orig > cipher_len - 2 || orig > out_cap))
				rc = -1;
		} else
			out[i - 2] = p;
	}
	EVP_MD_CTX_free(ctx);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc == -1)
		return -1;
	*plain_len = orig;
	return 0;
}
