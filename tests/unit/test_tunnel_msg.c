/*
 * Messages the daemon builds (daemon/tunnel_msg.c) and the raw-datagram
 * peeks it relies on (proto/pktpeek.c).  Every built message is decoded
 * back with proto/ and checked against its schema, its dialect's AVPs
 * and, with a digest, verified as the peer would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/reliable.h"
#include "daemon/tunnel.h"
#include "proto/digest.h"
#include "proto/pktpeek.h"
#include "proto/schema.h"

static struct l2tp_msg msg;

/* --- proto/pktpeek.c ------------------------------------------------ */

static const uint8_t ipv4_hdr[] = {
	0x45,
	0x00,
	0x00,
	0x1c,
	0x00,
	0x00,
	0x40,
	0x00,
	0x40,
	0x73,
	0x00,
	0x00,
	0x0a,
	0xc8,
	0x00,
	0x01,
	0x0a,
	0xc8,
	0x00,
	0x02,
	/* payload: Session ID 0, then 4 bytes */
	0x00,
	0x00,
	0x00,
	0x00,
	0xc8,
	0x03,
	0x00,
	0x0c,
};

static void
test_ipv4_payload(void **state)
{
	uint8_t pkt[64];
	const uint8_t *p;
	size_t len;

	assert_int_equal(
	    l2tp_ipv4_payload(ipv4_hdr, sizeof(ipv4_hdr), &p, &len), 0);
	assert_int_equal(len, 8);
	assert_int_equal(p[4], 0xc8);

	/* Trailing bytes beyond Total Length are not payload. */
	memcpy(pkt, ipv4_hdr, sizeof(ipv4_hdr));
	memset(pkt + sizeof(ipv4_hdr), 0xee, 8);
	assert_int_equal(
	    l2tp_ipv4_payload(pkt, sizeof(ipv4_hdr) + 8, &p, &len), 0);
	assert_int_equal(len, 8);

	/* IHL 6: a 4-byte option is skipped. */
	pkt[0] = 0x46;
	assert_int_equal(l2tp_ipv4_payload(pkt, sizeof(ipv4_hdr), &p, &len), 0);
	assert_int_equal(len, 4);
	assert_int_equal(p[0], 0xc8);
}

static void
test_ipv4_payload_bad(void **state)
{
	uint8_t pkt[sizeof(ipv4_hdr)];
	const uint8_t *p;
	size_t len;

	memcpy(pkt, ipv4_hdr, sizeof(pkt));
	pkt[0] = 0x65; /* version 6 */
	assert_int_equal(l2tp_ipv4_payload(pkt, sizeof(pkt), &p, &len), -1);
	pkt[0] = 0x44; /* IHL below 5 */
	assert_int_equal(l2tp_ipv4_payload(pkt, sizeof(pkt), &p, &len), -1);
	pkt[0] = 0x4f; /* IHL 60 > datagram */
	assert_int_equal(l2tp_ipv4_payload(pkt, sizeof(pkt), &p, &len), -1);
	assert_int_equal(l2tp_ipv4_payload(ipv4_hdr, 10, &p, &len), -1);
	assert_int_equal(l2tp_ipv4_payload(ipv4_hdr, 0, &p, &len), -1);
}

static void
test_peek_type(void **state)
{
	/* ZLB, HELLO with M bit, Cisco 9:0 = 102, and garbage. */
	static const uint8_t zlb[] = { 0xc8, 0x03, 0x00, 0x0c, 0, 0, 0, 1, 0, 0,
		0, 1 };
	static const uint8_t hello[] = { 0xc8, 0x03, 0x00, 0x14, 0, 0, 0, 1, 0,
		0, 0, 1, 0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06 };
	static const uint8_t cisco_ack[] = { 0, 0, 0, 0, 0xc8, 0x03, 0x00, 0x14,
		0, 0, 0, 1, 0, 0, 0, 1, 0x80, 0x08, 0x00, 0x09, 0x00, 0x00,
		0x00, 0x66 };
	static const uint8_t not_msgtype[] = { 0xc8, 0x03, 0x00, 0x14, 0, 0, 0,
		1, 0, 0, 0, 1, 0x80, 0x08, 0x00, 0x00, 0x00, 0x07, 0x00, 0x06 };
	/* A Message Type AVP of the wrong length, or hidden, names no type
	 * (the decoder refuses both). */
	static const uint8_t long_msgtype[] = { 0xc8, 0x03, 0x00, 0x16, 0, 0, 0,
		1, 0, 0, 0, 1, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06,
		0x00, 0x00 };
	static const uint8_t hidden_msgtype[] = { 0xc8, 0x03, 0x00, 0x14, 0, 0,
		0, 1, 0, 0, 0, 1, 0xc0, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x06 };
	uint16_t type;

	assert_int_equal(
	    l2tp_ctrl_peek_type(zlb, sizeof(zlb), L2TP_ENCAP_UDP, &type), 0);
	assert_int_equal(type, L2TP_MT_ZLB);
	assert_int_equal(
	    l2tp_ctrl_peek_type(hello, sizeof(hello), L2TP_ENCAP_UDP, &type),
	    0);
	assert_int_equal(type, L2TP_MT_HELLO);
	assert_int_equal(l2tp_ctrl_peek_type(cisco_ack, sizeof(cisco_ack),
			     L2TP_ENCAP_IP, &type),
	    0);
	assert_int_equal(type, L2TP_MT_ACK);
	assert_int_equal(l2tp_ctrl_peek_type(not_msgtype, sizeof(not_msgtype),
			     L2TP_ENCAP_UDP, &type),
	    -1);
	assert_int_equal(
	    l2tp_ctrl_peek_type(hello, 8, L2TP_ENCAP_UDP, &type), -1);
	assert_int_equal(l2tp_ctrl_peek_type(long_msgtype, sizeof(long_msgtype),
			     L2TP_ENCAP_UDP, &type),
	    -1);
	assert_int_equal(l2tp_ctrl_peek_type(hidden_msgtype,
			     sizeof(hidden_msgtype), L2TP_ENCAP_UDP, &type),
	    -1);
}

/* --- daemon/tunnel_msg.c ------------------------------------------- */

static void
nop_transmit(void *a, uint8_t *d, size_t l, int r)
{
}

static void
nop_deliver(void *a, const uint8_t *d, size_t l)
{
}

static void
nop_ack(void *a)
{
}

static void
nop_dead(void *a)
{
}

static const struct rl_ops nop_ops = { nop_transmit, nop_deliver, nop_ack,
	nop_dead };

static struct tunnel *
fake_tunnel(int cisco, enum l2tp_encap framing, enum l2tp_digest_alg alg)
{
	struct tunnel *t = calloc(1, sizeof(*t));
	struct rl_params p;

	assert_non_null(t);
	t->conf = calloc(1, sizeof(*t->conf));
	assert_non_null(t->conf);
	memset(&p, 0, sizeof(p));
	t->rl = rl_new(&p, &nop_ops, t);
	assert_non_null(t->rl);
	t->cisco = cisco;
	t->framing = framing;
	t->local_ccid = 0x11223344;
	t->peer_ccid = 0x55667788;
	if (alg != L2TP_DIGEST_NONE) {
		assert_int_equal(
		    l2tp_auth_init(&t->auth, alg, L2TP_KDF_MD5, "s3cr3t", 6),
		    0);
		memset(t->auth.local_nonce, 0xa1, L2TP_NONCE_LEN);
		t->auth.local_nonce_len = L2TP_NONCE_LEN;
		memset(t->auth.peer_nonce, 0xb2, L2TP_NONCE_LEN);
		t->auth.peer_nonce_len = L2TP_NONCE_LEN;
	}
	return t;
}

static void
free_tunnel(struct tunnel *t)
{
	rl_free(t->rl);
	free(t->conf);
	free(t);
}

static void
decode_valid(const uint8_t *buf, size_t len, enum l2tp_encap framing)
{
	struct l2tp_decode_err err;
	struct l2tp_verdict v;

	assert_int_equal(l2tp_ctrl_decode(buf, len, framing, &msg, &err), 0);
	if (l2tp_msg_validate(&msg, &v) != 0)
		fail_msg("invalid: %s", v.reason);
}

static void
test_stopccn_ietf(void **state)
{
	struct tunnel *t = fake_tunnel(0, L2TP_ENCAP_UDP, L2TP_DIGEST_NONE);
	uint8_t buf[512];
	uint32_t v;
	size_t len;

	tunnel_set_stop(t, L2TP_STOPCCN_SHUTTING_DOWN, 0, "shutting down");
	assert_int_equal(tmsg_build(tunnels_conf(), t, L2TP_MT_STOPCCN, buf,
			     sizeof(buf), &len),
	    0);
	decode_valid(buf, len, L2TP_ENCAP_UDP);
	assert_int_equal(msg.type, L2TP_MT_STOPCCN);
	assert_int_equal(msg.hdr.ccid, 0x55667788);
	assert_int_equal(
	    avp_get_u32(l2tp_msg_find(&msg, 0, L2TP_AVP_ASSIGNED_CCID), &v), 0);
	assert_int_equal(v, 0x11223344);
	assert_null(
	    l2tp_msg_find(&msg, L2TP_VENDOR_CISCO, L2TP_CISCO_ASSIGNED_CCID));
	assert_non_null(l2tp_msg_find(&msg, 0, L2TP_AVP_RESULT_CODE));
	free_tunnel(t);
}

/* Cisco dialect with a digest over IP: 9:12 right after the Message
 * Type, 9:1 in place of 61, and the peer verifies the digest. */
static void
test_stopccn_cisco_digest(void **state)
{
	struct tunnel *t = fake_tunnel(1, L2TP_ENCAP_IP, L2TP_DIGEST_MD5);
	struct l2tp_auth peer;
	uint8_t buf[512];
	size_t len;

	tunnel_set_stop(t, L2TP_STOPCCN_GENERAL_CLEAR, 6, "Admin Action");
	assert_int_equal(tmsg_build(tunnels_conf(), t, L2TP_MT_STOPCCN, buf,
			     sizeof(buf), &len),
	    0);
	assert_int_equal(l2tp_digest_sign(&t->auth, L2TP_MT_STOPCCN, buf, len,
			     L2TP_ENCAP_IP),
	    0);
	decode_valid(buf, len, L2TP_ENCAP_IP);
	assert_true(msg.navps >= 3);
	assert_int_equal(msg.avps[1].vendor, L2TP_VENDOR_CISCO);
	assert_int_equal(msg.avps[1].type, L2TP_CISCO_MESSAGE_DIGEST);
	assert_non_null(
	    l2tp_msg_find(&msg, L2TP_VENDOR_CISCO, L2TP_CISCO_ASSIGNED_CCID));
	assert_null(l2tp_msg_find(&msg, 0, L2TP_AVP_ASSIGNED_CCID));

	/* The peer holds the same key and the nonces the other way round. */
	peer = t->auth;
	memcpy(peer.local_nonce, t->auth.peer_nonce, L2TP_NONCE_LEN);
	memcpy(peer.peer_nonce, t->auth.local_nonce, L2TP_NONCE_LEN);
	assert_int_equal(l2tp_digest_verify(&peer, &msg), 0);
	/* And a peer with our own view (wrong order) must refuse it. */
	assert_int_equal(l2tp_digest_verify(&t->auth, &msg), -1);
	free_tunnel(t);
}

static void
test_ack_dialects(void **state)
{
	struct tunnel *t = fake_tunnel(0, L2TP_ENCAP_UDP, L2TP_DIGEST_SHA1);
	uint8_t buf[256];
	size_t len;

	assert_int_equal(
	    tmsg_build(tunnels_conf(), t, L2TP_MT_ACK, buf, sizeof(buf), &len),
	    0);
	decode_valid(buf, len, L2TP_ENCAP_UDP);
	assert_int_equal(msg.type, L2TP_MT_ACK);
	assert_int_equal(msg.type_vendor, 0);
	assert_true(l2tp_msg_is_ack(&msg));
	assert_non_null(l2tp_msg_find(&msg, 0, L2TP_AVP_MESSAGE_DIGEST));

	t->cisco = 1;
	assert_int_equal(
	    tmsg_build(tunnels_conf(), t, L2TP_MT_ACK, buf, sizeof(buf), &len),
	    0);
	assert_int_equal(l2tp_ctrl_decode(buf, len, L2TP_ENCAP_UDP, &msg,
			     &(struct l2tp_decode_err){ 0 }),
	    0);
	assert_true(l2tp_msg_is_ack(&msg));
	assert_int_equal(msg.type_vendor, L2TP_VENDOR_CISCO);
	assert_non_null(
	    l2tp_msg_find(&msg, L2TP_VENDOR_CISCO, L2TP_CISCO_MESSAGE_DIGEST));
	free_tunnel(t);
}

static void
test_hello_carries_sequence(void **state)
{
	struct tunnel *t = fake_tunnel(0, L2TP_ENCAP_UDP, L2TP_DIGEST_NONE);
	uint8_t buf[256];
	size_t len;

	assert_int_equal(tmsg_build(tunnels_conf(), t, L2TP_MT_HELLO, buf,
			     sizeof(buf), &len),
	    0);
	decode_valid(buf, len, L2TP_ENCAP_UDP);
	assert_int_equal(msg.type, L2TP_MT_HELLO);
	assert_int_equal(msg.hdr.ns, rl_next_ns(t->rl));
	assert_int_equal(msg.navps, 1);
	/* Session-scope types are not built here. */
	assert_int_equal(
	    tmsg_build(tunnels_conf(), t, L2TP_MT_ICRQ, buf, sizeof(buf), &len),
	    -1);
	free_tunnel(t);
}

static void
test_stateless_stopccn(void **state)
{
	uint8_t buf[256];
	const struct l2tp_avp *a;
	uint16_t result;
	uint32_t ccid;
	size_t len;

	assert_int_equal(tmsg_stateless_stopccn(L2TP_ENCAP_UDP, 0, 0xabcdef01,
			     0x1234, L2TP_STOPCCN_NOT_AUTHORIZED, 0,
			     "not authorized", buf, sizeof(buf), &len),
	    0);
	decode_valid(buf, len, L2TP_ENCAP_UDP);
	assert_int_equal(msg.hdr.ccid, 0xabcdef01);
	assert_int_equal(msg.hdr.ns, 0);
	assert_int_equal(msg.hdr.nr, 1); /* acknowledges the SCCRQ */
	a = l2tp_msg_find(&msg, 0, L2TP_AVP_RESULT_CODE);
	assert_non_null(a);
	assert_int_equal(
	    rbuf_peek_u16(&(struct rbuf){ a->value, a->len, 0 }, 0, &result),
	    0);
	assert_int_equal(result, L2TP_STOPCCN_NOT_AUTHORIZED);
	/* Our (unused) ID, so that the peer can acknowledge it (issue 10;
	 * Cisco's refusals carry one too). */
	a = l2tp_msg_find(&msg, 0, L2TP_AVP_ASSIGNED_CCID);
	assert_non_null(a);
	assert_int_equal(avp_get_u32(a, &ccid), 0);
	assert_int_equal(ccid, 0x1234);

	/* Cisco's draft form: 9:1. */
	assert_int_equal(
	    tmsg_stateless_stopccn(L2TP_ENCAP_IP, 1, 7, 99,
		L2TP_STOPCCN_ALREADY_EXISTS, 0, NULL, buf, sizeof(buf), &len),
	    0);
	decode_valid(buf, len, L2TP_ENCAP_IP);
	assert_null(l2tp_msg_find(&msg, 0, L2TP_AVP_ASSIGNED_CCID));
	a = l2tp_msg_find(&msg, L2TP_VENDOR_CISCO, L2TP_CISCO_ASSIGNED_CCID);
	assert_non_null(a);
	assert_int_equal(avp_get_u32(a, &ccid), 0);
	assert_int_equal(ccid, 99);
	/* A zero ID is invalid: nothing is built. */
	assert_int_equal(tmsg_stateless_stopccn(L2TP_ENCAP_UDP, 0, 7, 0, 4, 0,
			     "not authorized", buf, sizeof(buf), &len),
	    -1);
	/* Too small a buffer fails cleanly. */
	assert_int_equal(tmsg_stateless_stopccn(L2TP_ENCAP_UDP, 0, 7, 1, 4, 0,
			     "not authorized", buf, 20, &len),
	    -1);
}

/* One of our messages in flight (Ns 0), as a tunnel sends it. */
static void
send_one(struct tunnel *t)
{
	uint8_t buf[512], *copy;
	size_t len;

	assert_int_equal(tmsg_build(tunnels_conf(), t, L2TP_MT_HELLO, buf,
			     sizeof(buf), &len),
	    0);
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, buf, len);
	rl_send(t->rl, copy, len, 0);
	assert_int_equal(rl_in_flight(t->rl), 1);
}

/* The peer's ACK to t with Nr nr, signed as the peer would (its nonce
 * first), decoded into msg. */
static void
peer_ack(struct tunnel *t, uint16_t nr, uint8_t *buf, size_t *len)
{
	struct tunnel *peer = fake_tunnel(0, L2TP_ENCAP_UDP, L2TP_DIGEST_MD5);
	struct l2tp_decode_err err;

	memcpy(peer->auth.local_nonce, t->auth.peer_nonce, L2TP_NONCE_LEN);
	memcpy(peer->auth.peer_nonce, t->auth.local_nonce, L2TP_NONCE_LEN);
	peer->peer_ccid = t->local_ccid;
	assert_int_equal(
	    tmsg_build(tunnels_conf(), peer, L2TP_MT_ACK, buf, 512, len), 0);
	assert_int_equal(l2tp_ctrl_set_nr(buf, *len, L2TP_ENCAP_UDP, nr), 0);
	assert_int_equal(l2tp_digest_sign(&peer->auth, L2TP_MT_ACK, buf, *len,
			     L2TP_ENCAP_UDP),
	    0);
	assert_int_equal(
	    l2tp_ctrl_decode(buf, *len, L2TP_ENCAP_UDP, &msg, &err), 0);
	free_tunnel(peer);
}

/* The peer's ZLB to t acknowledging our Ns 0 (Nr 1), decoded into msg. */
static void
peer_zlb(struct tunnel *t, uint8_t *buf, size_t *len)
{
	struct l2tp_decode_err err;
	struct wbuf w;

	wbuf_init(&w, buf, 512);
	assert_int_equal(
	    l2tp_build_zlb(&w, L2TP_ENCAP_UDP, t->local_ccid, 0, 1, len), 0);
	assert_int_equal(
	    l2tp_ctrl_decode(buf, *len, L2TP_ENCAP_UDP, &msg, &err), 0);
}

/*
 * The receive path on a tunnel with a digest: an unsigned ZLB (it
 * cannot carry a digest) is a digest failure and acknowledges nothing;
 * the peer's signed ACK with an Nr beyond what we sent is dropped and
 * counted; the right one acknowledges.  Without a digest a ZLB does.
 */
static void
test_digest_tunnel_acks(void **state)
{
	struct tunnel *t = fake_tunnel(0, L2TP_ENCAP_UDP, L2TP_DIGEST_MD5);
	uint8_t buf[512];
	size_t len;

	send_one(t);
	peer_zlb(t, buf, &len);
	assert_int_equal(tunnel_msg_authentic(t, &msg), 0);
	assert_int_equal(t->ctr.digest_failures, 1);
	assert_int_equal(rl_in_flight(t->rl), 1);

	peer_ack(t, 5, buf, &len);
	assert_int_equal(tunnel_msg_authentic(t, &msg), 1);
	assert_int_equal(tunnel_msg_sequence(t, &msg, buf, len), -1);
	assert_int_equal(t->ctr.bad_nr, 1);
	assert_int_equal(rl_in_flight(t->rl), 1);

	peer_ack(t, 1, buf, &len);
	assert_int_equal(tunnel_msg_authentic(t, &msg), 1);
	assert_int_equal(tunnel_msg_sequence(t, &msg, buf, len), 0);
	assert_int_equal(rl_in_flight(t->rl), 0);
	assert_int_equal(t->ctr.digest_failures, 1);
	free_tunnel(t);

	t = fake_tunnel(0, L2TP_ENCAP_UDP, L2TP_DIGEST_NONE);
	send_one(t);
	peer_zlb(t, buf, &len);
	assert_int_equal(tunnel_msg_authentic(t, &msg), 1);
	assert_int_equal(tunnel_msg_sequence(t, &msg, buf, len), 0);
	assert_int_equal(rl_in_flight(t->rl), 0);
	free_tunnel(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_payload),
		cmocka_unit_test(test_ipv4_payload_bad),
		cmocka_unit_test(test_peek_type),
		cmocka_unit_test(test_stopccn_ietf),
		cmocka_unit_test(test_stopccn_cisco_digest),
		cmocka_unit_test(test_ack_dialects),
		cmocka_unit_test(test_hello_carries_sequence),
		cmocka_unit_test(test_stateless_stopccn),
		cmocka_unit_test(test_digest_tunnel_acks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
