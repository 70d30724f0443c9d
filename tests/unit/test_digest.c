/*
 * Message Digest: known answers, both key derivations, nonce order, both
 * encapsulations, Cisco's 9:12, and every way a digest can be wrong.
 *
 * The MD5 SCCCN and its key come from ../shared/notes/message-digest.md
 * (an implementation independent of ours, and the rules tshark accepts).
 * The other expected bytes were computed once with Python's hmac module,
 * independently of this code:
 *
 *   K = hmac.new(b"s3cr3t-key", b"\x02", hashlib.md5 or hashlib.sha1)
 *   digest = hmac.new(K, nonce1 + nonce2 + msg_with_zeroed_digest, hash)
 *
 * with the nonces in sender-then-receiver order (none for SCCRQ).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "proto/digest.h"
#include "proto/msg.h"

#define SECRET "s3cr3t-key"
#define DIG_OFF \
	27 /* header 12 + Message Type AVP 8 + digest AVP hdr 6 + type 1 */

static const uint8_t key_md5[16] = { 0x8d, 0x6e, 0xf0, 0x3a, 0xb5, 0x73, 0x09,
	0xbd, 0xb4, 0x7e, 0x31, 0x9a, 0xb4, 0xd2, 0x38, 0xf2 };
static const uint8_t key_sha1[20] = { 0xf9, 0x46, 0x7f, 0xd6, 0x84, 0x7e, 0x31,
	0x2f, 0xcb, 0xf2, 0xb4, 0xcb, 0xbc, 0xdc, 0x35, 0x9e, 0x32, 0x17, 0x3a,
	0x37 };

/* Initiator nonce 0x10..0x1f, responder nonce 0xa0..0xb3. */
static uint8_t nonce_init[16];
static uint8_t nonce_resp[20];

/* The initiator's SCCCN (CCID 0x1234, Ns 1, Nr 1), HMAC-MD5. */
static const uint8_t scccn_md5[] = { 0xc8, 0x03, 0x00, 0x2b, 0x00, 0x00, 0x12,
	0x34, 0x00, 0x01, 0x00, 0x01, 0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x80, 0x17, 0x00, 0x00, 0x00, 0x3b, 0x00, 0xb2, 0xed, 0x80, 0x1f,
	0xf6, 0xd1, 0xbd, 0x3c, 0x12, 0xb5, 0x16, 0xb1, 0xa1, 0x41, 0x87,
	0xdd };

/* The same SCCCN with HMAC-SHA-1, K derived with MD5 (as Wireshark). */
static const uint8_t scccn_sha1_kmd5[] = { 0xc8, 0x03, 0x00, 0x2f, 0x00, 0x00,
	0x12, 0x34, 0x00, 0x01, 0x00, 0x01, 0x80, 0x08, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x03, 0x80, 0x1b, 0x00, 0x00, 0x00, 0x3b, 0x01, 0x10, 0xd6, 0x8f,
	0xe8, 0xf6, 0x91, 0xb3, 0x7a, 0x30, 0x37, 0xd5, 0xe2, 0x63, 0xf1, 0xde,
	0xec, 0xa8, 0xdc, 0x84, 0x34 };

/* ... and with K derived with SHA-1. */
static const uint8_t scccn_sha1_ksha1[] = { 0xc8, 0x03, 0x00, 0x2f, 0x00, 0x00,
	0x12, 0x34, 0x00, 0x01, 0x00, 0x01, 0x80, 0x08, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x03, 0x80, 0x1b, 0x00, 0x00, 0x00, 0x3b, 0x01, 0xb1, 0x43, 0x48,
	0x7c, 0x23, 0xec, 0x0e, 0xa0, 0xed, 0x39, 0x5b, 0x63, 0xd4, 0x50, 0x85,
	0x49, 0x36, 0x2e, 0xe8, 0x5a };

/* SCCRQ, HMAC-MD5: no nonces are covered; it carries the initiator's. */
static const uint8_t sccrq_md5[] = {
	0xc8,
	0x03,
	0x00,
	0x41,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x80,
	0x08,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	0x80,
	0x17,
	0x00,
	0x00,
	0x00,
	0x3b,
	0x00,
	0x17,
	0x91,
	0xd1,
	0x96,
	0x4f,
	0x5a,
	0xe1,
	0x6e,
	0x8a,
	0xc3,
	0x8f,
	0x95,
	0xa2,
	0xd7,
	0x56,
	0x99,
	0x00,
	0x16,
	0x00,
	0x00,
	0x00,
	0x49,
	0x10,
	0x11,
	0x12,
	0x13,
	0x14,
	0x15,
	0x16,
	0x17,
	0x18,
	0x19,
	0x1a,
	0x1b,
	0x1c,
	0x1d,
	0x1e,
	0x1f,
};

/* SCCRP, HMAC-SHA-1, K with SHA-1: responder nonce, then initiator's. */
static const uint8_t sccrp_sha1_ksha1[] = {
	0xc8,
	0x03,
	0x00,
	0x49,
	0x00,
	0x00,
	0x12,
	0x34,
	0x00,
	0x00,
	0x00,
	0x01,
	0x80,
	0x08,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x02,
	0x80,
	0x1b,
	0x00,
	0x00,
	0x00,
	0x3b,
	0x01,
	0x8f,
	0x59,
	0x79,
	0x76,
	0xb7,
	0x8e,
	0xe8,
	0xe5,
	0x40,
	0x6c,
	0x1f,
	0xd2,
	0xf5,
	0xb5,
	0x09,
	0x71,
	0x90,
	0x00,
	0x12,
	0x2c,
	0x00,
	0x1a,
	0x00,
	0x00,
	0x00,
	0x49,
	0xa0,
	0xa1,
	0xa2,
	0xa3,
	0xa4,
	0xa5,
	0xa6,
	0xa7,
	0xa8,
	0xa9,
	0xaa,
	0xab,
	0xac,
	0xad,
	0xae,
	0xaf,
	0xb0,
	0xb1,
	0xb2,
	0xb3,
};

/* The initiator's SCCCN with Cisco's 9:12 (type octet 0, then MD5). */
static const uint8_t scccn_cisco_md5[] = { 0xc8, 0x03, 0x00, 0x2b, 0x00, 0x00,
	0x12, 0x34, 0x00, 0x01, 0x00, 0x01, 0x80, 0x08, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x03, 0x80, 0x17, 0x00, 0x09, 0x00, 0x0c, 0x00, 0xf3, 0xaf, 0xe9,
	0xad, 0xb2, 0x4d, 0xcf, 0x7f, 0xb5, 0x43, 0xa4, 0xe0, 0xa9, 0xcc, 0x5d,
	0xa9 };

enum side { INITIATOR, RESPONDER };

struct vector {
	const char *name;
	const uint8_t *bytes;
	size_t len;
	enum l2tp_digest_alg alg;
	enum l2tp_kdf kdf;
	uint16_t msg_type;
	enum side sender;
};

static const struct vector vectors[] = {
	{ "SCCCN MD5", scccn_md5, sizeof(scccn_md5), L2TP_DIGEST_MD5,
	    L2TP_KDF_MD5, L2TP_MT_SCCCN, INITIATOR },
	{ "SCCCN MD5 (KDF same hash)", scccn_md5, sizeof(scccn_md5),
	    L2TP_DIGEST_MD5, L2TP_KDF_SAME_HASH, L2TP_MT_SCCCN, INITIATOR },
	{ "SCCCN SHA-1, K by MD5", scccn_sha1_kmd5, sizeof(scccn_sha1_kmd5),
	    L2TP_DIGEST_SHA1, L2TP_KDF_MD5, L2TP_MT_SCCCN, INITIATOR },
	{ "SCCCN SHA-1, K by SHA-1", scccn_sha1_ksha1, sizeof(scccn_sha1_ksha1),
	    L2TP_DIGEST_SHA1, L2TP_KDF_SAME_HASH, L2TP_MT_SCCCN, INITIATOR },
	{ "SCCRQ MD5", sccrq_md5, sizeof(sccrq_md5), L2TP_DIGEST_MD5,
	    L2TP_KDF_MD5, L2TP_MT_SCCRQ, INITIATOR },
	{ "SCCRP SHA-1, K by SHA-1", sccrp_sha1_ksha1, sizeof(sccrp_sha1_ksha1),
	    L2TP_DIGEST_SHA1, L2TP_KDF_SAME_HASH, L2TP_MT_SCCRP, RESPONDER },
	{ "SCCCN Cisco 9:12 MD5", scccn_cisco_md5, sizeof(scccn_cisco_md5),
	    L2TP_DIGEST_MD5, L2TP_KDF_MD5, L2TP_MT_SCCCN, INITIATOR },
};

static int
setup_nonces(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(nonce_init); i++)
		nonce_init[i] = (uint8_t)(0x10 + i);
	for (i = 0; i < sizeof(nonce_resp); i++)
		nonce_resp[i] = (uint8_t)(0xa0 + i);
	return 0;
}

/* The auth state of one side of the connection. */
static void
auth_for(struct l2tp_auth *auth, enum side me, enum l2tp_digest_alg alg,
    enum l2tp_kdf kdf)
{
	assert_int_equal(
	    l2tp_auth_init(auth, alg, kdf, SECRET, strlen(SECRET)), 0);
	if (me == INITIATOR) {
		assert_int_equal(l2tp_auth_set_local_nonce(
				     auth, nonce_init, sizeof(nonce_init)),
		    0);
		memcpy(auth->peer_nonce, nonce_resp, sizeof(nonce_resp));
		auth->peer_nonce_len = sizeof(nonce_resp);
	} else {
		assert_int_equal(l2tp_auth_set_local_nonce(
				     auth, nonce_resp, sizeof(nonce_resp)),
		    0);
		memcpy(auth->peer_nonce, nonce_init, sizeof(nonce_init));
		auth->peer_nonce_len = sizeof(nonce_init);
	}
}

static int
decode_and_verify(const struct l2tp_auth *auth, const uint8_t *pkt, size_t len,
    enum l2tp_encap encap)
{
	static struct l2tp_msg msg;
	struct l2tp_decode_err err;

	if (l2tp_ctrl_decode(pkt, len, encap, &msg, &err) != 0)
		return -2;
	return l2tp_digest_verify(auth, &msg);
}

static void
test_kdf(void **state)
{
	struct l2tp_auth a;

	(void)state;
	assert_int_equal(l2tp_auth_init(&a, L2TP_DIGEST_MD5, L2TP_KDF_MD5,
			     SECRET, strlen(SECRET)),
	    0);
	assert_int_equal(a.key_len, 16);
	assert_memory_equal(a.key, key_md5, 16);

	assert_int_equal(l2tp_auth_init(&a, L2TP_DIGEST_MD5, L2TP_KDF_SAME_HASH,
			     SECRET, strlen(SECRET)),
	    0);
	assert_int_equal(a.key_len, 16);
	assert_memory_equal(a.key, key_md5, 16);

	assert_int_equal(l2tp_auth_init(&a, L2TP_DIGEST_SHA1, L2TP_KDF_MD5,
			     SECRET, strlen(SECRET)),
	    0);
	assert_int_equal(a.key_len, 16);
	assert_memory_equal(a.key, key_md5, 16);

	assert_int_equal(l2tp_auth_init(&a, L2TP_DIGEST_SHA1,
			     L2TP_KDF_SAME_HASH, SECRET, strlen(SECRET)),
	    0);
	assert_int_equal(a.key_len, 20);
	assert_memory_equal(a.key, key_sha1, 20);
}

static void
test_init_rejects(void **state)
{
	struct l2tp_auth a;
	uint8_t big[L2TP_NONCE_MAX + 1] = { 0 };

	(void)state;
	assert_int_equal(
	    l2tp_auth_init(&a, L2TP_DIGEST_MD5, L2TP_KDF_MD5, "", 0), -1);
	assert_int_equal(l2tp_auth_init(&a, L2TP_DIGEST_NONE, L2TP_KDF_MD5,
			     SECRET, strlen(SECRET)),
	    -1);
	assert_int_equal(l2tp_auth_init(&a, L2TP_DIGEST_MD5, (enum l2tp_kdf)9,
			     SECRET, strlen(SECRET)),
	    -1);
	assert_int_equal(l2tp_auth_init(&a, L2TP_DIGEST_MD5, L2TP_KDF_MD5,
			     SECRET, strlen(SECRET)),
	    0);
	assert_int_equal(l2tp_auth_set_local_nonce(&a, big, sizeof(big)), -1);
	assert_int_equal(l2tp_auth_set_local_nonce(&a, big, 0), -1);
	assert_int_equal(l2tp_digest_len(L2TP_DIGEST_NONE), 0);
	assert_int_equal(
	    l2tp_digest_wire_type(L2TP_DIGEST_SHA1), L2TP_DIGEST_TYPE_SHA1);
}

/* The known answer from the notes, built with the message writer. */
static size_t
build_scccn(uint8_t *buf, size_t cap, enum l2tp_encap encap,
    enum l2tp_digest_type dtype)
{
	struct l2tp_msg_writer mw;
	struct wbuf w;
	size_t len = 0;

	wbuf_init(&w, buf, cap);
	assert_int_equal(l2tp_mw_begin(&mw, &w, encap, 0x1234, 1, 1), 0);
	assert_int_equal(l2tp_mw_msgtype(&mw, 0, L2TP_MT_SCCCN), 0);
	assert_int_equal(l2tp_mw_digest(&mw, 0, dtype), 0);
	assert_int_equal(l2tp_mw_end(&mw, &len), 0);
	return len;
}

static void
test_scccn_writer_kat(void **state)
{
	struct l2tp_auth a;
	uint8_t buf[128];
	size_t len;

	(void)state;
	auth_for(&a, INITIATOR, L2TP_DIGEST_MD5, L2TP_KDF_MD5);
	len =
	    build_scccn(buf, sizeof(buf), L2TP_ENCAP_UDP, L2TP_DIGEST_TYPE_MD5);
	assert_int_equal(
	    l2tp_digest_sign(&a, L2TP_MT_SCCCN, buf, len, L2TP_ENCAP_UDP), 0);
	assert_int_equal(len, sizeof(scccn_md5));
	assert_memory_equal(buf, scccn_md5, sizeof(scccn_md5));

	/* The responder accepts it; the initiator's own view (nonces the
	 * other way round) does not. */
	auth_for(&a, RESPONDER, L2TP_DIGEST_MD5, L2TP_KDF_MD5);
	assert_int_equal(decode_and_verify(&a, buf, len, L2TP_ENCAP_UDP), 0);
	auth_for(&a, INITIATOR, L2TP_DIGEST_MD5, L2TP_KDF_MD5);
	assert_int_equal(decode_and_verify(&a, buf, len, L2TP_ENCAP_UDP), -1);
}

/* Over IP the zero Session ID in front is not covered: same digest. */
static void
test_scccn_ip(void **state)
{
	static const uint8_t zero_sid[4];
	struct l2tp_auth a;
	uint8_t buf[128];
	struct rbuf r;
	const uint8_t *sid, *msg;
	size_t len;

	(void)state;
	auth_for(&a, INITIATOR, L2TP_DIGEST_MD5, L2TP_KDF_MD5);
	len =
	    build_scccn(buf, sizeof(buf), L2TP_ENCAP_IP, L2TP_DIGEST_TYPE_MD5);
	assert_int_equal(len, L2TP_IP_SID_LEN + sizeof(scccn_md5));
	assert_int_equal(
	    l2tp_digest_sign(&a, L2TP_MT_SCCCN, buf, len, L2TP_ENCAP_IP), 0);
	rbuf_init(&r, buf, len);
	assert_int_equal(rbuf_view(&r, L2TP_IP_SID_LEN, &sid), 0);
	assert_int_equal(rbuf_view(&r, sizeof(scccn_md5), &msg), 0);
	assert_memory_equal(sid, zero_sid, sizeof(zero_sid));
	assert_memory_equal(msg, scccn_md5, sizeof(scccn_md5));

	auth_for(&a, RESPONDER, L2TP_DIGEST_MD5, L2TP_KDF_MD5);
	assert_int_equal(decode_and_verify(&a, buf, len, L2TP_ENCAP_IP), 0);
}

/* Every vector: signing its zeroed form gives it; the receiver verifies. */
static void
test_vectors(void **state)
{
	struct l2tp_auth a;
	uint8_t buf[128];
	struct wbuf w;
	size_t i, dlen;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];

		print_message("%s\n", v->name);
		dlen = l2tp_digest_len(v->alg);
		wbuf_wrap(&w, buf, v->len);
		assert_int_equal(wbuf_patch_bytes(&w, 0, v->bytes, v->len), 0);
		assert_int_equal(
		    wbuf_patch_bytes(&w, DIG_OFF,
			"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", dlen),
		    0);
		auth_for(&a, v->sender, v->alg, v->kdf);
		assert_int_equal(l2tp_digest_sign(&a, v->msg_type, buf, v->len,
				     L2TP_ENCAP_UDP),
		    0);
		assert_memory_equal(buf, v->bytes, v->len);

		auth_for(&a, v->sender == INITIATOR ? RESPONDER : INITIATOR,
		    v->alg, v->kdf);
		assert_int_equal(
		    decode_and_verify(&a, v->bytes, v->len, L2TP_ENCAP_UDP), 0);
	}
}

/* A key derived the other way, or the other algorithm, never verifies. */
static void
test_wrong_kdf_or_alg(void **state)
{
	struct l2tp_auth a;

	(void)state;
	auth_for(&a, RESPONDER, L2TP_DIGEST_SHA1, L2TP_KDF_SAME_HASH);
	assert_int_equal(decode_and_verify(&a, scccn_sha1_kmd5,
			     sizeof(scccn_sha1_kmd5), L2TP_ENCAP_UDP),
	    -1);
	auth_for(&a, RESPONDER, L2TP_DIGEST_SHA1, L2TP_KDF_MD5);
	assert_int_equal(decode_and_verify(&a, scccn_sha1_ksha1,
			     sizeof(scccn_sha1_ksha1), L2TP_ENCAP_UDP),
	    -1);
	/* Wrong digest type for the configured algorithm. */
	assert_int_equal(
	    decode_and_verify(&a, scccn_md5, sizeof(scccn_md5), L2TP_ENCAP_UDP),
	    -1);
	auth_for(&a, RESPONDER, L2TP_DIGEST_MD5, L2TP_KDF_MD5);
	assert_int_equal(decode_and_verify(&a, scccn_sha1_kmd5,
			     sizeof(scccn_sha1_kmd5), L2TP_ENCAP_UDP),
	    -1);
	/* Another secret. */
	assert_int_equal(
	    l2tp_auth_init(&a, L2TP_DIGEST_MD5, L2TP_KDF_MD5, "s3cr3t-kez", 10),
	    0);
	l2tp_auth_set_local_nonce(&a, nonce_resp, sizeof(nonce_resp));
	memcpy(a.peer_nonce, nonce_init, sizeof(nonce_init));
	a.peer_nonce_len = sizeof(nonce_init);
	assert_int_equal(
	    decode_and_verify(&a, scccn_md5, sizeof(scccn_md5), L2TP_ENCAP_UDP),
	    -1);
}

/* Flip each bit of the message in turn: it is refused every time, either
 * by the decoder or by the digest. */
static void
test_bit_flips(void **state)
{
	struct l2tp_auth a;
	uint8_t buf[sizeof(scccn_md5)];
	size_t byte;
	int bit, rc;

	(void)state;
	auth_for(&a, RESPONDER, L2TP_DIGEST_MD5, L2TP_KDF_MD5);
	for (byte = 0; byte < sizeof(buf); byte++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(buf, scccn_md5, sizeof(buf));
			buf[byte] ^= (uint8_t)(1u << bit);
			rc = decode_and_verify(
			    &a, buf, sizeof(buf), L2TP_ENCAP_UDP);
			if (rc == 0)
				fail_msg("byte %zu bit %d flipped: accepted",
				    byte, bit);
		}
	/* A changed nonce is refused too. */
	a.peer_nonce[0] ^= 1;
	assert_int_equal(
	    decode_and_verify(&a, scccn_md5, sizeof(scccn_md5), L2TP_ENCAP_UDP),
	    -1);
}

/* A Hello without a digest AVP: nothing to sign, nothing to verify. */
static void
test_missing_digest(void **state)
{
	static const uint8_t hello[] = { 0xc8, 0x03, 0x00, 0x14, 0x00, 0x00,
		0x12, 0x34, 0x00, 0x02, 0x00, 0x01, 0x80, 0x08, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x06 };
	struct l2tp_auth a;
	uint8_t buf[sizeof(hello)];

	(void)state;
	auth_for(&a, INITIATOR, L2TP_DIGEST_MD5, L2TP_KDF_MD5);
	memcpy(buf, hello, sizeof(buf));
	assert_int_equal(l2tp_digest_sign(&a, L2TP_MT_HELLO, buf, sizeof(buf),
			     L2TP_ENCAP_UDP),
	    -1);
	assert_memory_equal(buf, hello, sizeof(hello));
	auth_for(&a, RESPONDER, L2TP_DIGEST_MD5, L2TP_KDF_MD5);
	assert_int_equal(
	    decode_and_verify(&a, hello, sizeof(hello), L2TP_ENCAP_UDP), -1);
}

/* Digest AVPs of the wrong length or type, and truncated datagrams. */
static void
test_malformed(void **state)
{
	/* Digest Type MD5 but 20 bytes of value. */
	static const uint8_t md5_len20[] = { 0xc8, 0x03, 0x00, 0x2f, 0x00, 0x00,
		0x12, 0x34, 0x00, 0x01, 0x00, 0x01, 0x80, 0x08, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x03, 0x80, 0x1b, 0x00, 0x00, 0x00, 0x3b,
		0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0 };
	/* Digest Type 7. */
	static const uint8_t type7[] = { 0xc8, 0x03, 0x00, 0x2b, 0x00, 0x00,
		0x12, 0x34, 0x00, 0x01, 0x00, 0x01, 0x80, 0x08, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x03, 0x80, 0x17, 0x00, 0x00, 0x00, 0x3b,
		0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct l2tp_auth a;
	uint8_t buf[128];
	struct wbuf w;

	(void)state;
	auth_for(&a, INITIATOR, L2TP_DIGEST_MD5, L2TP_KDF_MD5);
	memcpy(buf, md5_len20, sizeof(md5_len20));
	assert_int_equal(l2tp_digest_sign(&a, L2TP_MT_SCCCN, buf,
			     sizeof(md5_len20), L2TP_ENCAP_UDP),
	    -1);
	memcpy(buf, type7, sizeof(type7));
	assert_int_equal(l2tp_digest_sign(&a, L2TP_MT_SCCCN, buf, sizeof(type7),
			     L2TP_ENCAP_UDP),
	    -1);
	auth_for(&a, RESPONDER, L2TP_DIGEST_MD5, L2TP_KDF_MD5);
	assert_int_equal(
	    decode_and_verify(&a, type7, sizeof(type7), L2TP_ENCAP_UDP), -1);

	/* Shorter than the Length field says; Length below a header;
	 * an AVP running past the end. */
	memcpy(buf, scccn_md5, sizeof(scccn_md5));
	assert_int_equal(l2tp_digest_sign(&a, L2TP_MT_SCCCN, buf,
			     sizeof(scccn_md5) - 1, L2TP_ENCAP_UDP),
	    -1);
	wbuf_wrap(&w, buf, sizeof(scccn_md5));
	wbuf_patch_u16(&w, 2, 8);
	assert_int_equal(l2tp_digest_sign(&a, L2TP_MT_SCCCN, buf,
			     sizeof(scccn_md5), L2TP_ENCAP_UDP),
	    -1);
	memcpy(buf, scccn_md5, sizeof(scccn_md5));
	wbuf_patch_u16(&w, 20, 0x8000 | 200);
	assert_int_equal(l2tp_digest_sign(&a, L2TP_MT_SCCCN, buf,
			     sizeof(scccn_md5), L2TP_ENCAP_UDP),
	    -1);
	assert_int_equal(
	    l2tp_digest_sign(&a, L2TP_MT_SCCCN, buf, 3, L2TP_ENCAP_IP), -1);
	/* No algorithm configured. */
	memset(&a, 0, sizeof(a));
	memcpy(buf, scccn_md5, sizeof(scccn_md5));
	assert_int_equal(l2tp_digest_sign(&a, L2TP_MT_SCCCN, buf,
			     sizeof(scccn_md5), L2TP_ENCAP_UDP),
	    -1);
}

static void
test_compute_bounds(void **state)
{
	uint8_t out[L2TP_DIGEST_MAX];
	const uint8_t *want;
	struct rbuf r;

	(void)state;
	assert_int_equal(
	    l2tp_digest_compute(L2TP_DIGEST_MD5, key_md5, 16, NULL, 0, NULL, 0,
		scccn_md5, sizeof(scccn_md5), sizeof(scccn_md5) - 15, 16, out),
	    -1);
	assert_int_equal(
	    l2tp_digest_compute(L2TP_DIGEST_MD5, key_md5, 16, NULL, 0, NULL, 0,
		scccn_md5, sizeof(scccn_md5), SIZE_MAX, 16, out),
	    -1);
	assert_int_equal(
	    l2tp_digest_compute(L2TP_DIGEST_MD5, key_md5, 0, NULL, 0, NULL, 0,
		scccn_md5, sizeof(scccn_md5), DIG_OFF, 16, out),
	    -1);
	assert_int_equal(
	    l2tp_digest_compute(L2TP_DIGEST_MD5, key_md5, 16, NULL, 4, NULL, 0,
		scccn_md5, sizeof(scccn_md5), DIG_OFF, 16, out),
	    -1);
	/* The raw function reproduces the known answer on its own. */
	assert_int_equal(
	    l2tp_digest_compute(L2TP_DIGEST_MD5, key_md5, 16, nonce_init,
		sizeof(nonce_init), nonce_resp, sizeof(nonce_resp), scccn_md5,
		sizeof(scccn_md5), DIG_OFF, 16, out),
	    0);
	rbuf_init(&r, scccn_md5, sizeof(scccn_md5));
	assert_int_equal(rbuf_skip(&r, DIG_OFF), 0);
	assert_int_equal(rbuf_view(&r, 16, &want), 0);
	assert_memory_equal(out, want, 16);
}

static void
test_take_peer_nonce(void **state)
{
	static struct l2tp_msg msg;
	struct l2tp_decode_err err;
	struct l2tp_auth a;

	(void)state;
	assert_int_equal(l2tp_auth_init(&a, L2TP_DIGEST_MD5, L2TP_KDF_MD5,
			     SECRET, strlen(SECRET)),
	    0);
	assert_int_equal(l2tp_ctrl_decode(sccrq_md5, sizeof(sccrq_md5),
			     L2TP_ENCAP_UDP, &msg, &err),
	    0);
	assert_int_equal(l2tp_auth_take_peer_nonce(&a, &msg), 0);
	assert_int_equal(a.peer_nonce_len, sizeof(nonce_init));
	assert_memory_equal(a.peer_nonce, nonce_init, sizeof(nonce_init));
	assert_int_equal(l2tp_ctrl_decode(scccn_md5, sizeof(scccn_md5),
			     L2TP_ENCAP_UDP, &msg, &err),
	    0);
	assert_int_equal(l2tp_auth_take_peer_nonce(&a, &msg), -1);
}

/* The digest counts only as the second AVP: one further down is neither
 * signed nor accepted, so a peer cannot hide the real one behind it. */
static void
test_digest_must_be_second(void **state)
{
	uint8_t buf[256];
	struct l2tp_msg_writer mw;
	struct l2tp_msg m;
	struct l2tp_decode_err err;
	struct l2tp_auth auth;
	struct wbuf w;
	size_t len;

	(void)state;
	assert_int_equal(l2tp_auth_init(&auth, L2TP_DIGEST_MD5, L2TP_KDF_MD5,
			     "s3cr3t-key", 10),
	    0);
	wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(l2tp_mw_begin(&mw, &w, L2TP_ENCAP_UDP, 7, 0, 0), 0);
	l2tp_mw_msgtype(&mw, 0, L2TP_MT_HELLO);
	l2tp_mw_avp_u16(&mw, 0, L2TP_AVP_RECV_WINDOW, 1, 4);
	l2tp_mw_digest(&mw, 0, L2TP_DIGEST_TYPE_MD5);
	assert_int_equal(l2tp_mw_end(&mw, &len), 0);
	assert_int_equal(
	    l2tp_digest_sign(&auth, L2TP_MT_HELLO, buf, len, L2TP_ENCAP_UDP),
	    -1);
	assert_int_equal(
	    l2tp_ctrl_decode(buf, len, L2TP_ENCAP_UDP, &m, &err), 0);
	assert_int_equal(l2tp_digest_verify(&auth, &m), -1);
}

/*
 * The v2-era Challenge Response: MD5(type | secret | challenge).  Known
 * answer from python3:
 *   hashlib.md5(bytes([2]) + b"cisco-secret" + bytes(range(16)))
 */
static void
test_challenge_response(void **state)
{
	static const uint8_t want[16] = { 0x50, 0x12, 0x2d, 0xac, 0x52, 0xf3,
		0x45, 0x3d, 0x3a, 0x1a, 0xbe, 0x99, 0x50, 0xff, 0xc4, 0xa0 };
	uint8_t chal[16], out[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(chal); i++)
		chal[i] = (uint8_t)i;
	assert_int_equal(l2tp_challenge_response(
			     2, "cisco-secret", 12, chal, sizeof(chal), out),
	    0);
	assert_memory_equal(out, want, sizeof(want));
	/* The message type is part of the answer: SCCCN's differs. */
	assert_int_equal(l2tp_challenge_response(
			     3, "cisco-secret", 12, chal, sizeof(chal), out),
	    0);
	assert_memory_not_equal(out, want, sizeof(want));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kdf),
		cmocka_unit_test(test_init_rejects),
		cmocka_unit_test(test_scccn_writer_kat),
		cmocka_unit_test(test_scccn_ip),
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_wrong_kdf_or_alg),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_missing_digest),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_compute_bounds),
		cmocka_unit_test(test_take_peer_nonce),
		cmocka_unit_test(test_challenge_response),
		cmocka_unit_test(test_digest_must_be_second),
	};

	return cmocka_run_group_tests(tests, setup_nonces, NULL);
}
