/*
 * Control message authentication (RFC 3931): the Message Digest AVP
 * (59, or Cisco 9:12) computed with HMAC-MD5 or HMAC-SHA-1 over the
 * control message, with the two Control Message Authentication Nonces
 * (73, or Cisco 9:13) in front.
 *
 * Shared key: K = HMAC(secret, 0x02).  ../shared/notes/message-digest.md
 * records what Wireshark checks; the hash used for K with SHA-1 digests is
 * a documented choice (L2TP_KDF_*), see docs/authentication.md.
 *
 * Nonces covered: none for SCCRQ; for every later message the sender's
 * nonce then the receiver's (for SCCRP that is responder, then initiator).
 */
#ifndef L2TP_PROTO_DIGEST_H
#define L2TP_PROTO_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "proto/l2tp.h"
#include "proto/msg.h"

#define L2TP_DIGEST_MAX 20
#define L2TP_NONCE_MAX 64
#define L2TP_NONCE_LEN 16 /* what we send */

enum l2tp_digest_alg {
	L2TP_DIGEST_NONE = 0,
	L2TP_DIGEST_MD5,
	L2TP_DIGEST_SHA1,
};

/* Which hash derives the shared key. */
enum l2tp_kdf {
	L2TP_KDF_MD5, /* K = HMAC-MD5(secret, 2) always (Wireshark) */
	L2TP_KDF_SAME_HASH, /* K = HMAC-<digest hash>(secret, 2) */
};
/* What Wireshark checks; only SHA-1 digests differ (authentication.md). */
#define L2TP_KDF_DEFAULT L2TP_KDF_MD5

struct l2tp_auth {
	enum l2tp_digest_alg alg;
	uint8_t key[L2TP_DIGEST_MAX];
	size_t key_len;
	uint8_t local_nonce[L2TP_NONCE_MAX];
	size_t local_nonce_len;
	uint8_t peer_nonce[L2TP_NONCE_MAX];
	size_t peer_nonce_len;
};

size_t l2tp_digest_len(enum l2tp_digest_alg);
/* The algorithm a digest AVP (59 or 9:12) claims: its Digest Type octet
 * with a value of the matching length, else L2TP_DIGEST_NONE. */
enum l2tp_digest_alg l2tp_digest_alg_of(const struct l2tp_avp *);

/*
 * The v2-era Challenge / Challenge Response (AVPs 11 and 13, RFC 2661
 * section 5.1.1) that Cisco IOS still exchanges in SCCRQ/SCCRP when
 * authentication is on: response = MD5(msg_type octet | secret |
 * challenge), msg_type being that of the message carrying the response
 * (2 in SCCRP, 3 in SCCCN).
 */
#define L2TP_CHALLENGE_LEN 16
#define L2TP_CHALLENGE_MAX 64
int
l2tp_challenge_response(uint8_t msg_type, const void *secret, size_t secret_len,
    const uint8_t *challenge, size_t challenge_len, uint8_t out[16]);
/* 0 when the message's Challenge Response answers the challenge. */
int l2tp_challenge_verify(const struct l2tp_msg *, uint8_t msg_type,
    const void *secret, size_t secret_len, const uint8_t *challenge,
    size_t challenge_len);
enum l2tp_digest_type l2tp_digest_wire_type(enum l2tp_digest_alg);
/* Derive the key; clears the nonces, so set them afterwards. */
int l2tp_auth_init(struct l2tp_auth *, enum l2tp_digest_alg, enum l2tp_kdf,
    const void *secret, size_t secret_len);
/* The nonce we send in SCCRQ/SCCRP (1..L2TP_NONCE_MAX bytes). */
int l2tp_auth_set_local_nonce(struct l2tp_auth *, const void *, size_t);
/* Copy the peer's nonce (73, or Cisco 9:13) out of its SCCRQ/SCCRP. */
int l2tp_auth_take_peer_nonce(struct l2tp_auth *, const struct l2tp_msg *);

/*
 * Sign a built datagram in place (UDP: the message; IP: Session ID + the
 * message).  Finds the digest AVP reserved by l2tp_mw_digest(), zeroes its
 * value, computes and writes it.  msg_type selects the nonce rule.
 */
int l2tp_digest_sign(const struct l2tp_auth *, uint16_t msg_type,
    uint8_t *dgram, size_t len, enum l2tp_encap);

/*
 * Verify a decoded message (an SCCRP only once its nonce has been taken
 * with l2tp_auth_take_peer_nonce()).  0: good.  -1: missing, hidden,
 * wrong type/length, or wrong value (compared in constant time).
 */
int l2tp_digest_verify(const struct l2tp_auth *, const struct l2tp_msg *);

/* Raw computation (for tests and l2tpdump): nonces n1 then n2 in front of
 * msg, with the digest value at [dig_off, dig_off + dig_len) taken as 0. */
int l2tp_digest_compute(enum l2tp_digest_alg, const uint8_t *key,
    size_t key_len, const uint8_t *n1, size_t n1_len, const uint8_t *n2,
    size_t n2_len, const uint8_t *msg, size_t msg_len, size_t dig_off,
    size_t dig_len, uint8_t *out);

#endif
