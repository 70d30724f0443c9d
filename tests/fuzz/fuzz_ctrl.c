/*
 * Fuzz target for the control-message decoder.
 *
 * The first input byte picks the encapsulation (bit 0: IP, else UDP); the
 * rest is the datagram.  Whatever decodes must also validate, dump (line,
 * full, and JSON that parses), re-encode through the writer and decode
 * again to the same message; Nr rewriting and digest signing must survive
 * a decode.  Hidden AVPs are unhidden with a fixed secret and re-hidden.
 * Any broken promise is an abort(), which libFuzzer reports as a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/avp.h"
#include "proto/buf.h"
#include "proto/digest.h"
#include "proto/dump.h"
#include "proto/l2tp.h"
#include "proto/msg.h"
#include "proto/sbuf.h"
#include "proto/schema.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/json_check.h"

#define FUZZ_SECRET "fuzz-secret"
#define ENCODE_CAP 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every reader of a decoded AVP must cope with any value. */
static void
exercise_avp(const struct l2tp_msg *m, const struct l2tp_avp *a)
{
	uint8_t bytes[L2TP_AVP_MAX_LEN];
	char str[L2TP_AVP_MAX_LEN + 1];
	struct sbuf b;
	size_t n;
	uint64_t u64;
	uint32_t u32;
	uint16_t u16;
	uint8_t u8;

	CHECK(l2tp_msg_find(m, a->vendor, a->type) != NULL);
	CHECK(l2tp_msg_count(m, a->vendor, a->type) >= 1);
	CHECK(l2tp_msg_has_vendor(m, a->vendor));
	CHECK(a->def == avp_lookup(a->vendor, a->type));
	CHECK(avp_get_u8(a, &u8) == (a->len == 1 ? 0 : -1));
	CHECK(avp_get_u16(a, &u16) == (a->len == 2 ? 0 : -1));
	CHECK(avp_get_u32(a, &u32) == (a->len == 4 ? 0 : -1));
	CHECK(avp_get_u64(a, &u64) == (a->len == 8 ? 0 : -1));
	CHECK(avp_get_bytes(a, bytes, sizeof(bytes), &n) == 0 && n == a->len);
	CHECK(a->len == 0 || memcmp(bytes, a->value, a->len) == 0);
	if (avp_get_string(a, str, sizeof(str)) == 0)
		CHECK(memchr(str, '\0', sizeof(str)) != NULL);
	(void)avp_check_len(a);
	sbuf_init(&b);
	CHECK(l2tp_avp_format(a, &b) == 0 || b.failed);
	sbuf_reset(&b);
	if (l2tp_avp_format_json(a, &b) == 0 && !b.failed)
		CHECK(json_valid(b.s));
	sbuf_free(&b);
}

static void
exercise_msg(const struct l2tp_msg *m)
{
	struct l2tp_verdict v;
	struct sbuf b;
	size_t i;

	memset(&v, 0x5a, sizeof(v));
	(void)l2tp_msg_validate(m, &v);
	CHECK(v.err < L2TP_E__COUNT && l2tp_strerror(v.err) != NULL);
	CHECK(memchr(v.reason, '\0', sizeof(v.reason)) != NULL);
	(void)l2tp_msg_is_ack(m);
	CHECK(l2tp_msg_type_name(m->type) != NULL);
	CHECK(l2tp_msg_type_long(m->type) != NULL);
	(void)l2tp_schema_lookup(m->type);
	sbuf_init(&b);
	CHECK(l2tp_msg_dump_line(m, &b) == 0 && b.s != NULL);
	sbuf_reset(&b);
	CHECK(l2tp_msg_dump_full(m, &b) == 0 && b.s != NULL);
	sbuf_reset(&b);
	CHECK(l2tp_msg_dump_json(m, &b) == 0);
	CHECK(json_valid(b.s));
	sbuf_free(&b);
	for (i = 0; i < m->navps; i++)
		exercise_avp(m, &m->avps[i]);
}

/*
 * Write m back out with the writer: same header fields, the same AVPs in
 * the same order with the same M bits and values.  AVPs that came hidden
 * (and have been unhidden) are hidden again with their Random Vector.
 */
static int
encode_msg(const struct l2tp_msg *m, uint8_t *buf, size_t cap, size_t *len)
{
	struct l2tp_msg_writer mw;
	const struct l2tp_avp *a, *rv;
	struct wbuf w;
	size_t i;
	int mand;

	wbuf_init(&w, buf, cap);
	if (m->navps == 0)
		return l2tp_build_zlb(
		    &w, m->encap, m->hdr.ccid, m->hdr.ns, m->hdr.nr, len);
	if (l2tp_mw_begin(
		&mw, &w, m->encap, m->hdr.ccid, m->hdr.ns, m->hdr.nr) == -1)
		return -1;
	for (i = 0; i < m->navps; i++) {
		a = &m->avps[i];
		mand = (a->flags & L2TP_AVP_F_M) != 0;
		if (!(a->flags & L2TP_AVP_F_H)) {
			if (l2tp_mw_avp(&mw, a->vendor, a->type, mand, a->value,
				a->len) == -1)
				return -1;
			continue;
		}
		CHECK(
		    !a->hidden && a->rv_index >= 0 && (size_t)a->rv_index < i);
		rv = &m->avps[a->rv_index];
		if (l2tp_mw_avp_hidden(&mw, a->vendor, a->type, mand, a->value,
			a->len, FUZZ_SECRET, strlen(FUZZ_SECRET), rv->value,
			rv->len) == -1)
			return -1;
	}
	return l2tp_mw_end(&mw, len);
}

static int
same_value(const struct l2tp_avp *a, const struct l2tp_avp *b)
{
	return a->len == b->len &&
	    (a->len == 0 || memcmp(a->value, b->value, a->len) == 0);
}

/* exact: also the same lengths and offsets (nothing was re-hidden). */
static void
check_same(const struct l2tp_msg *x, const struct l2tp_msg *y, int exact)
{
	/* Reserved bits are ignored on receipt and written as 0. */
	const uint16_t hfl =
	    L2TP_HDR_T | L2TP_HDR_L | L2TP_HDR_S | L2TP_HDR_VER_MASK;
	const uint16_t fl = L2TP_AVP_F_M | L2TP_AVP_F_H;
	const struct l2tp_avp *a, *b;
	size_t i;

	CHECK(x->encap == y->encap && x->type == y->type);
	CHECK(x->type_vendor == y->type_vendor && x->type_m == y->type_m);
	CHECK((x->hdr.flags & hfl) == (y->hdr.flags & hfl));
	CHECK(x->hdr.version == y->hdr.version);
	CHECK(x->hdr.ccid == y->hdr.ccid && x->hdr.ns == y->hdr.ns &&
	    x->hdr.nr == y->hdr.nr);
	CHECK(x->navps == y->navps);
	if (exact)
		CHECK(
		    x->hdr.length == y->hdr.length && x->raw_len == y->raw_len);
	for (i = 0; i < x->navps; i++) {
		a = &x->avps[i];
		b = &y->avps[i];
		CHECK(a->vendor == b->vendor && a->type == b->type);
		CHECK((a->flags & fl) == (b->flags & fl));
		CHECK(a->hidden == b->hidden && a->rv_index == b->rv_index);
		CHECK(a->def == b->def);
		CHECK(same_value(a, b));
		if (exact)
			CHECK(a->offset == b->offset);
	}
}

static int
has_hidden(const struct l2tp_msg *m)
{
	size_t i;

	for (i = 0; i < m->navps; i++)
		if (m->avps[i].flags & L2TP_AVP_F_H)
			return 1;
	return 0;
}

/* Rewriting Nr changes Nr and nothing else. */
static void
check_set_nr(const struct l2tp_msg *m, uint8_t *dgram, size_t len)
{
	static struct l2tp_msg again;
	struct l2tp_decode_err err;
	uint16_t nr = (uint16_t)(m->hdr.nr ^ 0xa5a5);

	CHECK(l2tp_ctrl_set_nr(dgram, len, m->encap, nr) == 0);
	CHECK(l2tp_ctrl_decode(dgram, len, m->encap, &again, &err) == 0);
	CHECK(again.hdr.nr == nr);
	again.hdr.nr = m->hdr.nr;
	if (has_hidden(m))
		CHECK(l2tp_msg_unhide(
			  &again, FUZZ_SECRET, strlen(FUZZ_SECRET), &err) == 0);
	check_same(m, &again, !has_hidden(m));
}

/*
 * A message with one well-formed digest AVP, signed by one side, verifies
 * on the other (whose nonces are the mirror image), and fails once a
 * covered byte changes.
 */
static void
check_sign(const struct l2tp_msg *m, uint8_t *dgram, size_t len)
{
	static const uint8_t n1[L2TP_NONCE_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t n2[L2TP_NONCE_LEN + 4] = { 9, 8, 7, 6, 5, 4 };
	static struct l2tp_msg signed_msg;
	struct l2tp_auth tx, rx;
	struct l2tp_decode_err err;
	const struct l2tp_avp *a;
	enum l2tp_digest_alg alg;

	if (l2tp_msg_count(m, L2TP_VENDOR_IETF, L2TP_AVP_MESSAGE_DIGEST) +
		l2tp_msg_count(
		    m, L2TP_VENDOR_CISCO, L2TP_CISCO_MESSAGE_DIGEST) !=
	    1)
		return;
	a = l2tp_msg_find_alias(
	    m, L2TP_AVP_MESSAGE_DIGEST, L2TP_CISCO_MESSAGE_DIGEST);
	/* Signing and verifying accept the digest only as second AVP. */
	if (m->navps < 2 || a != &m->avps[1] || (a->flags & L2TP_AVP_F_H) ||
	    (alg = l2tp_digest_alg_of(a)) == L2TP_DIGEST_NONE)
		return;
	CHECK(l2tp_auth_init(&tx, alg, L2TP_KDF_DEFAULT, FUZZ_SECRET,
		  strlen(FUZZ_SECRET)) == 0);
	rx = tx;
	CHECK(l2tp_auth_set_local_nonce(&tx, n1, sizeof(n1)) == 0);
	memcpy(tx.peer_nonce, n2, sizeof(n2));
	tx.peer_nonce_len = sizeof(n2);
	CHECK(l2tp_auth_set_local_nonce(&rx, n2, sizeof(n2)) == 0);
	memcpy(rx.peer_nonce, n1, sizeof(n1));
	rx.peer_nonce_len = sizeof(n1);

	CHECK(l2tp_digest_sign(&tx, m->type, dgram, len, m->encap) == 0);
	CHECK(l2tp_ctrl_decode(dgram, len, m->encap, &signed_msg, &err) == 0);
	CHECK(l2tp_digest_verify(&rx, &signed_msg) == 0);
	CHECK(l2tp_digest_verify(&tx, &signed_msg) == -1 ||
	    m->type == L2TP_MT_SCCRQ);
}

/* Encode, decode, compare; then the checks that need a built datagram. */
static void
roundtrip(const struct l2tp_msg *m, int exact)
{
	static uint8_t buf[ENCODE_CAP];
	static struct l2tp_msg again;
	struct l2tp_decode_err err;
	size_t len;

	if (m->raw_len > L2TP_MSG_MAX_LEN)
		return; /* more than the writer is meant to build */
	CHECK(encode_msg(m, buf, sizeof(buf), &len) == 0);
	CHECK(l2tp_ctrl_decode(buf, len, m->encap, &again, &err) == 0);
	if (!exact) {
		CHECK(l2tp_msg_unhide(
			  &again, FUZZ_SECRET, strlen(FUZZ_SECRET), &err) == 0);
	}
	check_same(m, &again, exact);
	check_set_nr(m, buf, len);
	check_sign(m, buf, len);
}

/* Calls that must answer sensibly whether or not the message decodes. */
static void
check_decode_error(const struct l2tp_decode_err *err)
{
	CHECK(err->code > L2TP_OK && err->code < L2TP_E__COUNT);
	CHECK(l2tp_strerror(err->code) != NULL);
	CHECK(err->avp_index >= -1 && err->avp_index < L2TP_MSG_MAX_AVPS);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct l2tp_msg msg;
	struct l2tp_decode_err err;
	struct l2tp_ctrl_hdr hdr;
	enum l2tp_encap encap;
	enum l2tp_pkt_kind kind;
	const uint8_t *pkt;
	struct rbuf r;
	uint8_t sel;
	size_t len;

	rbuf_init(&r, data, size);
	if (rbuf_get_u8(&r, &sel) == -1)
		return 0;
	encap = (sel & 1) ? L2TP_ENCAP_IP : L2TP_ENCAP_UDP;
	len = rbuf_left(&r);
	if (rbuf_view(&r, len, &pkt) == -1)
		return 0;

	kind = l2tp_classify(pkt, len, encap);
	if (l2tp_ctrl_decode(pkt, len, encap, &msg, &err) == -1) {
		check_decode_error(&err);
		return 0;
	}
	CHECK(kind == L2TP_PKT_CONTROL);
	CHECK(l2tp_ctrl_peek(pkt, len, encap, &hdr, &err) == 0);
	CHECK(hdr.ccid == msg.hdr.ccid && hdr.ns == msg.hdr.ns &&
	    hdr.nr == msg.hdr.nr && hdr.length == msg.hdr.length);
	CHECK(msg.encap == encap && msg.navps <= L2TP_MSG_MAX_AVPS);
	exercise_msg(&msg);
	if (!has_hidden(&msg)) {
		roundtrip(&msg, 1);
		return 0;
	}
	if (l2tp_msg_unhide(&msg, FUZZ_SECRET, strlen(FUZZ_SECRET), &err) ==
	    -1) {
		check_decode_error(&err);
		return 0;
	}
	exercise_msg(&msg);
	roundtrip(&msg, 0);
	return 0;
}
