/*
 * Control message authentication (RFC 3931): HMAC-MD5 / HMAC-SHA-1 over
 * the two nonces and the control message with the digest value zeroed.
 *
 * The message is fed to the MAC in pieces (nonces, bytes before the
 * digest value, zeros, bytes after it), so neither signing nor verifying
 * ever copies or modifies the packet to compute.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "proto/buf.h"
#include "proto/digest.h"

/* The data HMACed with the secret to derive the digest key (RFC 3931). */
#define L2TP_KDF_OCTET 0x02

/* A byte range fed to the MAC; zero != 0 means "that many zero bytes". */
struct mac_piece {
	const uint8_t *p;
	size_t len;
	int zero;
};

size_t
l2tp_digest_len(enum l2tp_digest_alg alg)
{
	switch (alg) {
	case L2TP_DIGEST_MD5:
		return 16;
	case L2TP_DIGEST_SHA1:
		return 20;
	default:
		return 0;
	}
}

enum l2tp_digest_type
l2tp_digest_wire_type(enum l2tp_digest_alg alg)
{
	return alg == L2TP_DIGEST_SHA1 ? L2TP_DIGEST_TYPE_SHA1
				       : L2TP_DIGEST_TYPE_MD5;
}

static const char *
digest_name(enum l2tp_digest_alg alg)
{
	switch (alg) {
	case L2TP_DIGEST_MD5:
		return "MD5";
	case L2TP_DIGEST_SHA1:
		return "SHA1";
	default:
		return NULL;
	}
}

static int
mac_update_zero(EVP_MAC_CTX *ctx, size_t n)
{
	static const uint8_t zeros[L2TP_DIGEST_MAX];
	size_t chunk;

	while (n > 0) {
		chunk = n < sizeof(zeros) ? n : sizeof(zeros);
		if (!EVP_MAC_update(ctx, zeros, chunk))
			return -1;
		n -= chunk;
	}
	return 0;
}

/* HMAC over the concatenation of pieces; out gets l2tp_digest_len(alg). */
static int
hmac_pieces(enum l2tp_digest_alg alg, const uint8_t *key, size_t key_len,
    const struct mac_piece *pieces, size_t npieces, uint8_t *out)
{
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	const char *md = digest_name(alg);
	size_t i, outlen = 0;
	int rc = -1;

	if (md == NULL || key == NULL || key_len == 0)
		return -1;
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return -1;
	if ((ctx = EVP_MAC_CTX_new(mac)) == NULL)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_MAC_PARAM_DIGEST, (char *)md, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, key, key_len, params))
		goto out;
	for (i = 0; i < npieces; i++) {
		if (pieces[i].zero) {
			if (mac_update_zero(ctx, pieces[i].len) == -1)
				goto out;
		} else if (pieces[i].len > 0 &&
		    !EVP_MAC_update(ctx, pieces[i].p, pieces[i].len))
			goto out;
	}
	if (!EVP_MAC_final(ctx, out, &outlen, L2TP_DIGEST_MAX) ||
	    outlen != l2tp_digest_len(alg))
		goto out;
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}

int
l2tp_auth_init(struct l2tp_auth *auth, enum l2tp_digest_alg alg,
    enum l2tp_kdf kdf, const void *secret, size_t secret_len)
{
	const uint8_t octet = L2TP_KDF_OCTET;
	struct mac_piece piece = { &octet, 1, 0 };
	enum l2tp_digest_alg kdf_alg;

	memset(auth, 0, sizeof(*auth));
	if (l2tp_digest_len(alg) == 0 || secret == NULL || secret_len == 0)
		return -1;
	switch (kdf) {
	case L2TP_KDF_MD5:
		kdf_alg = L2TP_DIGEST_MD5;
		break;
	case L2TP_KDF_SAME_HASH:
		kdf_alg = alg;
		break;
	default:
		return -1;
	}
	if (hmac_pieces(kdf_alg, secret, secret_len, &piece, 1, auth->key) ==
	    -1)
		return -1;
	auth->key_len = l2tp_digest_len(kdf_alg);
	auth->alg = alg;
	return 0;
}

int
l2tp_auth_set_local_nonce(struct l2tp_auth *auth, const void *nonce, size_t len)
{
	if (len == 0 || len > sizeof(auth->local_nonce))
		return -1;
	memcpy(auth->local_nonce, nonce, len);
	auth->local_nonce_len = len;
	return 0;
}

int
l2tp_auth_take_peer_nonce(struct l2tp_auth *auth, const struct l2tp_msg *msg)
{
	const struct l2tp_avp *avp;
	size_t len;

	avp = l2tp_msg_find_alias(
	    msg, L2TP_AVP_CTRL_AUTH_NONCE, L2TP_CISCO_AUTH_NONCE);
	if (avp == NULL || avp->hidden || avp->len == 0)
		return -1;
	if (avp_get_bytes(
		avp, auth->peer_nonce, sizeof(auth->peer_nonce), &len) == -1)
		return -1;
	auth->peer_nonce_len = len;
	return 0;
}

int
l2tp_digest_compute(enum l2tp_digest_alg alg, const uint8_t *key,
    size_t key_len, const uint8_t *n1, size_t n1_len, const uint8_t *n2,
    size_t n2_len, const uint8_t *msg, size_t msg_len, size_t dig_off,
    size_t dig_len, uint8_t *out)
{
	struct mac_piece pieces[5];
	struct rbuf r;
	const uint8_t *head, *tail;
	size_t tail_len;

	if (dig_off > msg_len || dig_len > msg_len - dig_off)
		return -1;
	if ((n1_len > 0 && n1 == NULL) || (n2_len > 0 && n2 == NULL))
		return -1;
	rbuf_init(&r, msg, msg_len);
	if (rbuf_view(&r, dig_off, &head) == -1 || rbuf_skip(&r, dig_len) == -1)
		return -1;
	tail_len = rbuf_left(&r);
	if (rbuf_view(&r, tail_len, &tail) == -1)
		return -1;

	pieces[0] = (struct mac_piece){ n1, n1_len, 0 };
	pieces[1] = (struct mac_piece){ n2, n2_len, 0 };
	pieces[2] = (struct mac_piece){ head, dig_off, 0 };
	pieces[3] = (struct mac_piece){ NULL, dig_len, 1 };
	pieces[4] = (struct mac_piece){ tail, tail_len, 0 };
	return hmac_pieces(alg, key, key_len, pieces, 5, out);
}

/*
 * Find the digest AVP (59 or 9:12) in a control message by walking the AVP
 * headers.  *val_off is the offset of its value in the message.
 */
static int
is_digest_avp(uint16_t vendor, uint16_t type)
{
	return (vendor == L2TP_VENDOR_IETF &&
		   type == L2TP_AVP_MESSAGE_DIGEST) ||
	    (vendor == L2TP_VENDOR_CISCO && type == L2TP_CISCO_MESSAGE_DIGEST);
}

static int
find_digest_avp(
    const uint8_t *msg, size_t msg_len, size_t *val_off, size_t *val_len)
{
	struct rbuf r;
	uint16_t flags_len, vendor, type, avp_len;

	int i;

	/* The digest is the second AVP, right after the Message Type
	 * (RFC 3931; Cisco's 9:12 too): look there and nowhere else, as
	 * l2tp_digest_verify() does. */
	rbuf_init(&r, msg, msg_len);
	if (rbuf_skip(&r, L2TP_HDR_LEN) == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		if (rbuf_peek_u16(&r, 0, &flags_len) == -1 ||
		    rbuf_peek_u16(&r, 2, &vendor) == -1 ||
		    rbuf_peek_u16(&r, 4, &type) == -1)
			return -1;
		avp_len = flags_len & L2TP_AVP_LEN_MASK;
		if (avp_len < L2TP_AVP_HDR_LEN || avp_len > rbuf_left(&r))
			return -1;
		if (i == 0) {
			rbuf_skip(&r, avp_len);
			continue;
		}
		if (!is_digest_avp(vendor, type) || (flags_len & L2TP_AVP_F_H))
			return -1;
		*val_off = rbuf_pos(&r) + L2TP_AVP_HDR_LEN;
		*val_len = avp_len - L2TP_AVP_HDR_LEN;
	}
	return 0;
}

/* A digest value is the Digest Type octet, then the digest itself. */
static int
check_digest_value(
    const struct l2tp_auth *auth, const uint8_t *value, size_t len)
{
	struct rbuf r;
	uint8_t type;

	rbuf_init(&r, value, len);
	if (rbuf_get_u8(&r, &type) == -1)
		return -1;
	if (type != l2tp_digest_wire_type(auth->alg) ||
	    rbuf_left(&r) != l2tp_digest_len(auth->alg))
		return -1;
	return 0;
}

/* SCCRQ has no nonces: the peer's is not known yet. */
static int
msg_uses_nonces(uint16_t msg_type)
{
	return msg_type != L2TP_MT_SCCRQ;
}

int
l2tp_digest_sign(const struct l2tp_auth *auth, uint16_t msg_type,
    uint8_t *dgram, size_t len, enum l2tp_encap encap)
{
	uint8_t digest[L2TP_DIGEST_MAX];
	struct rbuf r;
	struct wbuf w;
	const uint8_t *msg, *val;
	size_t start, val_off, val_len, dlen;
	uint16_t msg_len;
	int nonces;

	if (auth == NULL || (dlen = l2tp_digest_len(auth->alg)) == 0)
		return -1;
	start = encap == L2TP_ENCAP_IP ? L2TP_IP_SID_LEN : 0;
	rbuf_init(&r, dgram, len);
	if (rbuf_skip(&r, start) == -1 ||
	    rbuf_peek_u16(&r, 2, &msg_len) == -1 || msg_len < L2TP_HDR_LEN ||
	    rbuf_view(&r, msg_len, &msg) == -1)
		return -1;
	if (find_digest_avp(msg, msg_len, &val_off, &val_len) == -1)
		return -1;
	rbuf_init(&r, msg, msg_len);
	if (rbuf_skip(&r, val_off) == -1 || rbuf_view(&r, val_len, &val) == -1)
		return -1;
	if (check_digest_value(auth, val, val_len) == -1)
		return -1;

	nonces = msg_uses_nonces(msg_type);
	if (l2tp_digest_compute(auth->alg, auth->key, auth->key_len,
		auth->local_nonce, nonces ? auth->local_nonce_len : 0,
		auth->peer_nonce, nonces ? auth->peer_nonce_len : 0, msg,
		msg_len, val_off + 1, dlen, digest) == -1)
		return -1;
	wbuf_wrap(&w, dgram, len);
	return wbuf_patch_bytes(&w, start + val_off + 1, digest, dlen);
}

int
l2tp_digest_verify(const struct l2tp_auth *auth, const struct l2tp_msg *msg)
{
	uint8_t digest[L2TP_DIGEST_MAX];
	const struct l2tp_avp *avp;
	const uint8_t *got;
	struct rbuf r;
	size_t dlen, val_off;
	int nonces;

	if (auth == NULL || (dlen = l2tp_digest_len(auth->alg)) == 0)
		return -1;
	/* Only the second AVP counts (see find_digest_avp()). */
	if (msg->navps < 2)
		return -1;
	avp = &msg->avps[1];
	if (!is_digest_avp(avp->vendor, avp->type) || avp->hidden ||
	    (avp->flags & L2TP_AVP_F_H))
		return -1;
	if (check_digest_value(auth, avp->value, avp->len) == -1)
		return -1;
	val_off = (size_t)avp->offset + L2TP_AVP_HDR_LEN;

	nonces = msg_uses_nonces(msg->type);
	if (l2tp_digest_compute(auth->alg, auth->key, auth->key_len,
		auth->peer_nonce, nonces ? auth->peer_nonce_len : 0,
		auth->local_nonce, nonces ? auth->local_nonce_len : 0, msg->raw,
		msg->raw_len, val_off + 1, dlen, digest) == -1)
		return -1;
	avp_reader(avp, &r);
	if (rbuf_skip(&r, 1) == -1 || rbuf_view(&r, dlen, &got) == -1)
		return -1;
	return CRYPTO_memcmp(got, digest, dlen) == 0 ? 0 : -1;
}

enum l2tp_digest_alg
l2tp_digest_alg_of(const struct l2tp_avp *a)
{
	struct rbuf r;
	uint8_t type;

	avp_reader(a, &r);
	if (rbuf_get_u8(&r, &type) == -1)
		return L2TP_DIGEST_NONE;
	if (type == L2TP_DIGEST_TYPE_MD5 && rbuf_left(&r) == 16)
		return L2TP_DIGEST_MD5;
	if (type == L2TP_DIGEST_TYPE_SHA1 && rbuf_left(&r) == 20)
		return L2TP_DIGEST_SHA1;
	return L2TP_DIGEST_NONE;
}

int
l2tp_challenge_response(uint8_t msg_type, const void *secret, size_t secret_len,
    const uint8_t *challenge, size_t challenge_len, uint8_t out[16])
{
	EVP_MD_CTX *ctx;
	unsigned int n = 0;
	int ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, &msg_type, 1) == 1 &&
	    EVP_DigestUpdate(ctx, secret, secret_len) == 1 &&
	    EVP_DigestUpdate(ctx, challenge, challenge_len) == 1 &&
	    EVP_DigestFinal_ex(ctx, out, &n) == 1 && n == 16;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

int
l2tp_challenge_verify(const struct l2tp_msg *msg, uint8_t msg_type,
    const void *secret, size_t secret_len, const uint8_t *challenge,
    size_t challenge_len)
{
	const struct l2tp_avp *avp;
	uint8_t want[16], got[16];
	size_t len;

	avp = l2tp_msg_find(msg, L2TP_VENDOR_IETF, L2TP_AVP_CHALLENGE_RESPONSE);
	if (avp == NULL || avp->hidden ||
	    avp_get_bytes(avp, got, sizeof(got), &len) == -1 || len != 16)
		return -1;
	if (l2tp_challenge_response(msg_type, secret, secret_len, challenge,
		challenge_len, want) == -1)
		return -1;
	return CRYPTO_memcmp(want, got, sizeof(want)) == 0 ? 0 : -1;
}
