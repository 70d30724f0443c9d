/*
 * Control messages: every message type built with the writer and decoded
 * back over UDP and IP, real captured messages, and a table of malformed
 * datagrams each with the error it must give.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "proto/buf.h"
#include "proto/l2tp.h"
#include "proto/msg.h"

#define SECRET "hidden-secret"

/* Big: one per test program rather than on the stack. */
static struct l2tp_msg msg;

enum kind {
	K_U8,
	K_U16,
	K_U32,
	K_U64,
	K_STR,
	K_BYTES,
	K_LIST,
	K_RESULT, /* num = result << 16 | error, str = message or NULL */
	K_DIGEST_MD5,
	K_DIGEST_SHA1,
	K_HIDDEN, /* bytes hidden with SECRET and the last Random Vector */
};

struct avp_spec {
	uint16_t vendor, type;
	int m;
	enum kind kind;
	uint64_t num;
	const char *bytes;
	size_t len;
	uint16_t list[10];
	size_t nlist;
	const char *wire; /* the value expected back, plain */
	size_t wire_len;
};

#define WIRE(s) .wire = s, .wire_len = sizeof(s) - 1
#define BYTES(s) .bytes = s, .len = sizeof(s) - 1
#define STR(s) .bytes = s, WIRE(s)

#define NONCE "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"
#define RV16 "\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf"
#define ZERO16 "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"

static const struct avp_spec sccrq_ietf[] = {
	{ 0, L2TP_AVP_HOST_NAME, 1, K_STR, STR("lac1") },
	{ 0, L2TP_AVP_ROUTER_ID, 1, K_U32, 0x0a000001, WIRE("\x0a\0\0\x01") },
	{ 0, L2TP_AVP_ASSIGNED_CCID, 1, K_U32, 0x12345678,
	    WIRE("\x12\x34\x56\x78") },
	{ 0, L2TP_AVP_PW_CAPS, 1, K_LIST, .list = { 5, 4 }, .nlist = 2,
	    WIRE("\0\x05\0\x04") },
	{ 0, L2TP_AVP_RECV_WINDOW, 1, K_U16, 1024, WIRE("\x04\x00") },
	{ 0, L2TP_AVP_VENDOR_NAME, 0, K_STR, STR("l2tpv3d") },
	{ 0, L2TP_AVP_FIRMWARE_REV, 0, K_U16, 0x0100, WIRE("\x01\x00") },
	{ 0, L2TP_AVP_TIE_BREAKER, 0, K_BYTES,
	    BYTES("\x01\x02\x03\x04\x05\x06\x07\x08"),
	    WIRE("\x01\x02\x03\x04\x05\x06\x07\x08") },
	{ 0, L2TP_AVP_CTRL_AUTH_NONCE, 1, K_BYTES, BYTES(NONCE), WIRE(NONCE) },
};

#define TIE_BREAKER "\xbe\x64\xff\x90\xb0\x31\x8a\xad"
/* What Cisco IOS sends in draft mode: v2-era AVPs and vendor-9 ones. */
static const struct avp_spec sccrq_cisco[] = {
	{ 0, L2TP_AVP_PROTOCOL_VERSION, 1, K_BYTES, BYTES("\x01\x00"),
	    WIRE("\x01\x00") },
	{ 0, L2TP_AVP_FRAMING_CAPS, 1, K_U32, 0, WIRE("\0\0\0\0") },
	{ 0, L2TP_AVP_TIE_BREAKER, 0, K_BYTES, BYTES(TIE_BREAKER),
	    WIRE(TIE_BREAKER) },
	{ 0, L2TP_AVP_FIRMWARE_REV, 0, K_U16, 0x1130, WIRE("\x11\x30") },
	{ 0, L2TP_AVP_HOST_NAME, 1, K_STR, STR("ios-pe1") },
	{ 0, L2TP_AVP_VENDOR_NAME, 0, K_STR, STR("Cisco Systems, Inc.") },
	{ 0, L2TP_AVP_RECV_WINDOW, 1, K_U16, 1024, WIRE("\x04\x00") },
	{ 9, L2TP_CISCO_ASSIGNED_CCID, 1, K_U32, 0xcc1f7e41,
	    WIRE("\xcc\x1f\x7e\x41") },
	{ 9, L2TP_CISCO_PW_CAPS, 1, K_LIST,
	    .list = { 5, 4, 6, 7, 1, 3, 10, 9, 11 }, .nlist = 9,
	    WIRE("\0\x05\0\x04\0\x06\0\x07\0\x01\0\x03\0\x0a\0\x09\0\x0b") },
	{ 9, L2TP_CISCO_DRAFT_AVP_VERSION, 1, K_U16, 1, WIRE("\0\x01") },
	{ 0, L2TP_AVP_CHALLENGE, 1, K_BYTES, BYTES(NONCE), WIRE(NONCE) },
	{ 9, L2TP_CISCO_AUTH_NONCE, 1, K_BYTES, BYTES(NONCE), WIRE(NONCE) },
};

static const struct avp_spec sccrp[] = {
	{ 0, 0, 1, K_DIGEST_MD5, WIRE("\0" ZERO16) },
	{ 0, L2TP_AVP_HOST_NAME, 1, K_STR, STR("lns1") },
	{ 0, L2TP_AVP_ROUTER_ID, 1, K_U32, 0x0a000002, WIRE("\x0a\0\0\x02") },
	{ 0, L2TP_AVP_ASSIGNED_CCID, 1, K_U32, 0x0badcafe,
	    WIRE("\x0b\xad\xca\xfe") },
	{ 0, L2TP_AVP_PW_CAPS, 1, K_LIST, .list = { 5 }, .nlist = 1,
	    WIRE("\0\x05") },
	{ 0, L2TP_AVP_CTRL_AUTH_NONCE, 1, K_BYTES, BYTES(NONCE), WIRE(NONCE) },
};

static const struct avp_spec scccn[] = {
	{ 0, 0, 1, K_DIGEST_SHA1, WIRE("\x01" ZERO16 "\0\0\0\0") },
};

static const struct avp_spec stopccn[] = {
	{ 0, L2TP_AVP_RESULT_CODE, 1, K_RESULT, 0x00010000, .bytes = "bye",
	    WIRE("\0\x01\0\0bye") },
	{ 0, L2TP_AVP_ASSIGNED_CCID, 1, K_U32, 7, WIRE("\0\0\0\x07") },
};

/* Result 1, error 6, then the text (split so "A" is not a hex digit). */
#define RESULT_ADMIN \
	"\0\x01\0\x06" \
	"Admin Action"
static const struct avp_spec stopccn_cisco[] = {
	{ 9, 0, 1, K_DIGEST_MD5, WIRE("\0" ZERO16) },
	{ 0, L2TP_AVP_RESULT_CODE, 1, K_RESULT, 0x00010006,
	    .bytes = "Admin Action", WIRE(RESULT_ADMIN) },
	{ 9, L2TP_CISCO_ASSIGNED_CCID, 1, K_U32, 7, WIRE("\0\0\0\x07") },
};

static const struct avp_spec ocrq[] = {
	{ 0, L2TP_AVP_LOCAL_SESSION_ID, 1, K_U32, 0x1001,
	    WIRE("\0\0\x10\x01") },
	{ 0, L2TP_AVP_REMOTE_SESSION_ID, 1, K_U32, 0, WIRE("\0\0\0\0") },
	{ 0, L2TP_AVP_PW_TYPE, 1, K_U16, L2TP_PW_ETH, WIRE("\0\x05") },
	{ 0, L2TP_AVP_REMOTE_END_ID, 1, K_STR, STR("vc-100") },
	{ 0, L2TP_AVP_ASSIGNED_COOKIE, 1, K_BYTES,
	    BYTES("\xc0\x0c\x1e\x00\x01\x02\x03\x04"),
	    WIRE("\xc0\x0c\x1e\x00\x01\x02\x03\x04") },
	{ 0, L2TP_AVP_L2_SPECIFIC_SUBLAYER, 1, K_U16, 1, WIRE("\0\x01") },
	{ 0, L2TP_AVP_DATA_SEQUENCING, 1, K_U16, 2, WIRE("\0\x02") },
	{ 0, L2TP_AVP_TX_CONNECT_SPEED, 0, K_U64, 10000000000ULL,
	    WIRE("\0\0\0\x02\x54\x0b\xe4\x00") },
};

static const struct avp_spec ocrp[] = {
	{ 0, L2TP_AVP_LOCAL_SESSION_ID, 1, K_U32, 0x2002,
	    WIRE("\0\0\x20\x02") },
	{ 0, L2TP_AVP_REMOTE_SESSION_ID, 1, K_U32, 0x1001,
	    WIRE("\0\0\x10\x01") },
	{ 0, L2TP_AVP_CIRCUIT_STATUS, 1, K_U16, 3, WIRE("\0\x03") },
};

static const struct avp_spec occn[] = {
	{ 0, L2TP_AVP_LOCAL_SESSION_ID, 1, K_U32, 0x1001,
	    WIRE("\0\0\x10\x01") },
	{ 0, L2TP_AVP_REMOTE_SESSION_ID, 1, K_U32, 0x2002,
	    WIRE("\0\0\x20\x02") },
	{ 0, L2TP_AVP_RX_CONNECT_SPEED_V3, 0, K_U64, 1000,
	    WIRE("\0\0\0\0\0\0\x03\xe8") },
	{ 0, L2TP_AVP_SEQUENCING_REQUIRED, 1, K_BYTES, .bytes = "", .len = 0,
	    .wire = "", .wire_len = 0 },
};

static const struct avp_spec icrq[] = {
	{ 0, L2TP_AVP_RANDOM_VECTOR, 1, K_BYTES, BYTES(RV16), WIRE(RV16) },
	{ 0, L2TP_AVP_REMOTE_END_ID, 1, K_HIDDEN, BYTES("pw-100"),
	    WIRE("pw-100") },
	{ 0, L2TP_AVP_LOCAL_SESSION_ID, 1, K_U32, 0xdeadbeef,
	    WIRE("\xde\xad\xbe\xef") },
	{ 0, L2TP_AVP_REMOTE_SESSION_ID, 1, K_U32, 0, WIRE("\0\0\0\0") },
	{ 0, L2TP_AVP_CALL_SERIAL, 1, K_U32, 42, WIRE("\0\0\0\x2a") },
	{ 0, L2TP_AVP_PW_TYPE, 1, K_U16, L2TP_PW_ETH_VLAN, WIRE("\0\x04") },
	{ 0, L2TP_AVP_CIRCUIT_STATUS, 1, K_U16, 1, WIRE("\0\x01") },
	{ 0, L2TP_AVP_ASSIGNED_COOKIE, 1, K_BYTES, BYTES("\x01\x02\x03\x04"),
	    WIRE("\x01\x02\x03\x04") },
	{ 9, L2TP_CISCO_LOCAL_SESSION_ID, 1, K_U32, 0xdeadbeef,
	    WIRE("\xde\xad\xbe\xef") },
	{ 9, L2TP_CISCO_REMOTE_SESSION_ID, 1, K_U32, 0, WIRE("\0\0\0\0") },
	{ 9, L2TP_CISCO_PW_TYPE, 1, K_U16, L2TP_PW_ETH, WIRE("\0\x05") },
	{ 9, L2TP_CISCO_REMOTE_END_ID, 1, K_STR, STR("100") },
	{ 9, L2TP_CISCO_ASSIGNED_COOKIE, 1, K_BYTES, BYTES("\x0a\x0b\x0c\x0d"),
	    WIRE("\x0a\x0b\x0c\x0d") },
	{ 9, L2TP_CISCO_CIRCUIT_STATUS, 1, K_U16, 3, WIRE("\0\x03") },
	{ 9, L2TP_CISCO_SESSION_TIE_BREAKER, 1, K_BYTES,
	    BYTES("\x11\x22\x33\x44\x55\x66\x77\x88"),
	    WIRE("\x11\x22\x33\x44\x55\x66\x77\x88") },
	{ 9, L2TP_CISCO_INTERFACE_MTU, 0, K_U16, 1500, WIRE("\x05\xdc") },
};

static const struct avp_spec icrp[] = {
	{ 0, L2TP_AVP_LOCAL_SESSION_ID, 1, K_U32, 1, WIRE("\0\0\0\x01") },
	{ 0, L2TP_AVP_REMOTE_SESSION_ID, 1, K_U32, 0xdeadbeef,
	    WIRE("\xde\xad\xbe\xef") },
	{ 0, L2TP_AVP_L2_SPECIFIC_SUBLAYER, 1, K_U16, 0, WIRE("\0\0") },
	{ 0, L2TP_AVP_DATA_SEQUENCING, 1, K_U16, 0, WIRE("\0\0") },
};

static const struct avp_spec iccn[] = {
	{ 0, L2TP_AVP_LOCAL_SESSION_ID, 1, K_U32, 0xdeadbeef,
	    WIRE("\xde\xad\xbe\xef") },
	{ 0, L2TP_AVP_REMOTE_SESSION_ID, 1, K_U32, 1, WIRE("\0\0\0\x01") },
	{ 0, L2TP_AVP_TX_CONNECT_SPEED, 0, K_U64, 0x0102030405060708ULL,
	    WIRE("\x01\x02\x03\x04\x05\x06\x07\x08") },
	{ 0, L2TP_AVP_RX_CONNECT_SPEED_V3, 0, K_U64, 1,
	    WIRE("\0\0\0\0\0\0\0\x01") },
	{ 0, L2TP_AVP_FRAMING_TYPE, 1, K_U32, 3, WIRE("\0\0\0\x03") },
};

static const struct avp_spec cdn[] = {
	{ 0, L2TP_AVP_RESULT_CODE, 1, K_RESULT, 0x00030000, .bytes = NULL,
	    WIRE("\0\x03\0\0") },
	{ 0, L2TP_AVP_LOCAL_SESSION_ID, 1, K_U32, 1, WIRE("\0\0\0\x01") },
	{ 0, L2TP_AVP_REMOTE_SESSION_ID, 1, K_U32, 2, WIRE("\0\0\0\x02") },
};

#define CALL_ERRORS \
	"\0\0\0\0\0\x01\0\0\0\x02\0\0\0\x03\0\0\0\x04\0\0\0\x05\0\0\0\x06"
static const struct avp_spec wen[] = {
	{ 0, L2TP_AVP_LOCAL_SESSION_ID, 1, K_U32, 1, WIRE("\0\0\0\x01") },
	{ 0, L2TP_AVP_REMOTE_SESSION_ID, 1, K_U32, 2, WIRE("\0\0\0\x02") },
	{ 0, L2TP_AVP_CALL_ERRORS, 1, K_BYTES, BYTES(CALL_ERRORS),
	    WIRE(CALL_ERRORS) },
};

#define ACCM "\0\0\xff\xff\xff\xff\0\0\0\0"
static const struct avp_spec sli[] = {
	{ 0, L2TP_AVP_LOCAL_SESSION_ID, 1, K_U32, 1, WIRE("\0\0\0\x01") },
	{ 0, L2TP_AVP_REMOTE_SESSION_ID, 1, K_U32, 2, WIRE("\0\0\0\x02") },
	{ 0, L2TP_AVP_CIRCUIT_STATUS, 1, K_U16, 0, WIRE("\0\0") },
	{ 0, L2TP_AVP_ACCM, 1, K_BYTES, BYTES(ACCM), WIRE(ACCM) },
	{ 0, 200, 0, K_U8, 0x5a, WIRE("\x5a") }, /* unknown, kept raw */
};

static const struct avp_spec ack[] = {
	{ 0, 0, 1, K_DIGEST_MD5, WIRE("\0" ZERO16) },
};

static const struct avp_spec ack_cisco[] = {
	{ 9, 0, 1, K_DIGEST_MD5, WIRE("\0" ZERO16) },
	{ 9, 115, 0, K_BYTES, BYTES("\0\0\x01\x01"), WIRE("\0\0\x01\x01") },
};

struct msg_spec {
	const char *name;
	uint16_t mt_vendor, mt_value; /* what the writer is asked for */
	uint16_t want_type;
	const struct avp_spec *avps;
	size_t navps;
};

#define AVPS(a) a, sizeof(a) / sizeof(a[0])

static const struct msg_spec msg_specs[] = {
	{ "SCCRQ", 0, L2TP_MT_SCCRQ, L2TP_MT_SCCRQ, AVPS(sccrq_ietf) },
	{ "SCCRQ", 0, L2TP_MT_SCCRQ, L2TP_MT_SCCRQ, AVPS(sccrq_cisco) },
	{ "SCCRP", 0, L2TP_MT_SCCRP, L2TP_MT_SCCRP, AVPS(sccrp) },
	{ "SCCCN", 0, L2TP_MT_SCCCN, L2TP_MT_SCCCN, AVPS(scccn) },
	{ "StopCCN", 0, L2TP_MT_STOPCCN, L2TP_MT_STOPCCN, AVPS(stopccn) },
	{ "StopCCN", 0, L2TP_MT_STOPCCN, L2TP_MT_STOPCCN, AVPS(stopccn_cisco) },
	{ "HELLO", 0, L2TP_MT_HELLO, L2TP_MT_HELLO, NULL, 0 },
	{ "OCRQ", 0, L2TP_MT_OCRQ, L2TP_MT_OCRQ, AVPS(ocrq) },
	{ "OCRP", 0, L2TP_MT_OCRP, L2TP_MT_OCRP, AVPS(ocrp) },
	{ "OCCN", 0, L2TP_MT_OCCN, L2TP_MT_OCCN, AVPS(occn) },
	{ "ICRQ", 0, L2TP_MT_ICRQ, L2TP_MT_ICRQ, AVPS(icrq) },
	{ "ICRP", 0, L2TP_MT_ICRP, L2TP_MT_ICRP, AVPS(icrp) },
	{ "ICCN", 0, L2TP_MT_ICCN, L2TP_MT_ICCN, AVPS(iccn) },
	{ "CDN", 0, L2TP_MT_CDN, L2TP_MT_CDN, AVPS(cdn) },
	{ "WEN", 0, L2TP_MT_WEN, L2TP_MT_WEN, AVPS(wen) },
	{ "SLI", 0, L2TP_MT_SLI, L2TP_MT_SLI, AVPS(sli) },
	{ "ACK", 0, L2TP_MT_ACK, L2TP_MT_ACK, AVPS(ack) },
	/* Cisco's own ACK: 9:0 = 102, decoded as an ACK. */
	{ "ACK", 9, L2TP_CISCO_MT_ACK, L2TP_MT_ACK, AVPS(ack_cisco) },
	/* Asking for an ACK in Cisco's numbering writes 102. */
	{ "ACK", 9, L2TP_MT_ACK, L2TP_MT_ACK, NULL, 0 },
};

static const uint8_t *
last_rv(const struct avp_spec *avps, size_t upto, size_t *len)
{
	const uint8_t *rv = NULL;
	size_t i;

	for (i = 0; i < upto; i++)
		if (avps[i].vendor == 0 &&
		    avps[i].type == L2TP_AVP_RANDOM_VECTOR) {
			rv = (const uint8_t *)avps[i].bytes;
			*len = avps[i].len;
		}
	return rv;
}

static int
write_avp(struct l2tp_msg_writer *mw, const struct avp_spec *avps, size_t i)
{
	const struct avp_spec *s = &avps[i];
	const uint8_t *rv;
	size_t rv_len = 0;

	switch (s->kind) {
	case K_U8:
		return l2tp_mw_avp_u8(
		    mw, s->vendor, s->type, s->m, (uint8_t)s->num);
	case K_U16:
		return l2tp_mw_avp_u16(
		    mw, s->vendor, s->type, s->m, (uint16_t)s->num);
	case K_U32:
		return l2tp_mw_avp_u32(
		    mw, s->vendor, s->type, s->m, (uint32_t)s->num);
	case K_U64:
		return l2tp_mw_avp_u64(mw, s->vendor, s->type, s->m, s->num);
	case K_STR:
		return l2tp_mw_avp_str(mw, s->vendor, s->type, s->m, s->bytes);
	case K_BYTES:
		return l2tp_mw_avp(
		    mw, s->vendor, s->type, s->m, s->bytes, s->len);
	case K_LIST:
		return l2tp_mw_avp_u16_list(
		    mw, s->vendor, s->type, s->m, s->list, s->nlist);
	case K_RESULT:
		return l2tp_mw_avp_result(
		    mw, (uint16_t)(s->num >> 16), (uint16_t)s->num, s->bytes);
	case K_DIGEST_MD5:
		return l2tp_mw_digest(mw, s->vendor, L2TP_DIGEST_TYPE_MD5);
	case K_DIGEST_SHA1:
		return l2tp_mw_digest(mw, s->vendor, L2TP_DIGEST_TYPE_SHA1);
	case K_HIDDEN:
		rv = last_rv(avps, i, &rv_len);
		return l2tp_mw_avp_hidden(mw, s->vendor, s->type, s->m,
		    s->bytes, s->len, SECRET, strlen(SECRET), rv, rv_len);
	}
	return -1;
}

static uint16_t
avp_type_written(const struct avp_spec *s)
{
	if (s->kind == K_DIGEST_MD5 || s->kind == K_DIGEST_SHA1)
		return s->vendor == 9 ? L2TP_CISCO_MESSAGE_DIGEST
				      : L2TP_AVP_MESSAGE_DIGEST;
	return s->type;
}

static size_t
build(
    const struct msg_spec *ms, enum l2tp_encap encap, uint8_t *buf, size_t cap)
{
	struct l2tp_msg_writer mw;
	struct wbuf w;
	size_t i, len = 0;

	wbuf_init(&w, buf, cap);
	assert_int_equal(l2tp_mw_begin(&mw, &w, encap, 0x01020304, 5, 6), 0);
	assert_int_equal(l2tp_mw_msgtype(&mw, ms->mt_vendor, ms->mt_value), 0);
	for (i = 0; i < ms->navps; i++)
		if (write_avp(&mw, ms->avps, i) != 0)
			fail_msg("%s: writing AVP #%zu failed", ms->name, i);
	assert_int_equal(l2tp_mw_end(&mw, &len), 0);
	assert_int_equal(mw.navps, ms->navps + 1);
	assert_int_equal(len, wbuf_len(&w));
	return len;
}

static void
check_decoded(const struct msg_spec *ms, enum l2tp_encap encap, size_t len)
{
	struct l2tp_decode_err err;
	size_t i;

	assert_int_equal(msg.hdr.flags, 0xc803);
	assert_int_equal(msg.hdr.version, 3);
	assert_int_equal(msg.hdr.length,
	    len - (encap == L2TP_ENCAP_IP ? L2TP_IP_SID_LEN : 0));
	assert_int_equal(msg.raw_len, msg.hdr.length);
	assert_int_equal(msg.hdr.ccid, 0x01020304);
	assert_int_equal(msg.hdr.ns, 5);
	assert_int_equal(msg.hdr.nr, 6);
	assert_int_equal(msg.encap, encap);
	assert_int_equal(msg.type, ms->want_type);
	assert_int_equal(msg.type_vendor, ms->mt_vendor);
	assert_int_equal(msg.type_m, 1);
	assert_string_equal(l2tp_msg_type_name(msg.type), ms->name);
	assert_int_equal(msg.navps, ms->navps + 1);
	assert_int_equal(msg.avps[0].offset, L2TP_HDR_LEN);
	assert_non_null(msg.avps[0].def);

	for (i = 0; i < ms->navps; i++) {
		const struct avp_spec *s = &ms->avps[i];
		const struct l2tp_avp *a = &msg.avps[i + 1];
		uint16_t flags = s->m ? L2TP_AVP_F_M : 0;

		if (s->kind == K_HIDDEN) {
			flags |= L2TP_AVP_F_H;
			assert_int_equal(a->hidden, 1);
			assert_true(a->rv_index > 0);
			assert_int_equal(
			    msg.avps[a->rv_index].type, L2TP_AVP_RANDOM_VECTOR);
		} else
			assert_int_equal(a->rv_index, -1);
		assert_int_equal(a->vendor, s->vendor);
		assert_int_equal(a->type, avp_type_written(s));
		assert_int_equal(a->flags, flags);
		assert_ptr_equal(a->def, avp_lookup(a->vendor, a->type));
		assert_true(a->offset > msg.avps[i].offset);
		if (s->kind != K_HIDDEN) {
			assert_int_equal(a->len, s->wire_len);
			assert_memory_equal(a->value, s->wire, s->wire_len);
		}
	}

	/* Unhiding makes every value plain; the rest stays as it was. */
	if (l2tp_msg_unhide(&msg, SECRET, strlen(SECRET), &err) != 0)
		fail_msg("%s: unhide: %s at #%d", ms->name,
		    l2tp_strerror(err.code), err.avp_index);
	for (i = 0; i < ms->navps; i++) {
		const struct avp_spec *s = &ms->avps[i];
		const struct l2tp_avp *a = &msg.avps[i + 1];

		assert_int_equal(a->hidden, 0);
		assert_int_equal(a->len, s->wire_len);
		assert_memory_equal(a->value, s->wire, s->wire_len);
	}
}

static void
test_every_message_round_trip(void **state)
{
	static const enum l2tp_encap encaps[] = { L2TP_ENCAP_UDP,
		L2TP_ENCAP_IP };
	uint8_t buf[L2TP_MSG_MAX_LEN];
	struct l2tp_decode_err err;
	size_t i, e, len;

	for (i = 0; i < sizeof(msg_specs) / sizeof(msg_specs[0]); i++) {
		for (e = 0; e < 2; e++) {
			len = build(&msg_specs[i], encaps[e], buf, sizeof(buf));
			assert_int_equal(l2tp_classify(buf, len, encaps[e]),
			    L2TP_PKT_CONTROL);
			if (l2tp_ctrl_decode(buf, len, encaps[e], &msg, &err) !=
			    0)
				fail_msg("%s #%zu encap %zu: %s",
				    msg_specs[i].name, i, e,
				    l2tp_strerror(err.code));
			assert_int_equal(err.code, L2TP_OK);
			check_decoded(&msg_specs[i], encaps[e], len);
		}
	}
}

/* The same message over UDP and over IP differs only by the Session ID. */
static void
test_ip_is_udp_plus_session_id(void **state)
{
	uint8_t udp[L2TP_MSG_MAX_LEN], ip[L2TP_MSG_MAX_LEN];
	size_t ulen, ilen;

	ulen = build(&msg_specs[0], L2TP_ENCAP_UDP, udp, sizeof(udp));
	ilen = build(&msg_specs[0], L2TP_ENCAP_IP, ip, sizeof(ip));
	assert_int_equal(ilen, ulen + 4);
	assert_memory_equal(ip, "\0\0\0\0", 4);
	assert_memory_equal(ip + 4, udp, ulen);
}

/* Exact bytes for a small message, written by hand from RFC 3931. */
static void
test_writer_exact_bytes(void **state)
{
	static const uint8_t want[] = {
		/* IP Session ID; T, L, S, version 3; Length 47 */
		0x00, 0x00, 0x00, 0x00, 0xc8, 0x03, 0x00, 0x2f,
		/* CCID 0x1234, Ns 1, Nr 2 */
		0x00, 0x00, 0x12, 0x34, 0x00, 0x01, 0x00, 0x02,
		/* Message Type (M): StopCCN */
		0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
		/* Result Code (M): result 2, error 6, "x" */
		0x80, 0x0b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x06,
		0x78,
		/* Cisco 9:115, no M bit */
		0x00, 0x0a, 0x00, 0x09, 0x00, 0x73, 0x00, 0x00, 0x01, 0x01,
		/* Sequencing Required (M), no value */
		0x80, 0x06, 0x00, 0x00, 0x00, 0x27
	};
	uint8_t buf[64];
	struct l2tp_msg_writer mw;
	struct wbuf w;
	size_t len;

	wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(
	    l2tp_mw_begin(&mw, &w, L2TP_ENCAP_IP, 0x1234, 1, 2), 0);
	assert_int_equal(l2tp_mw_msgtype(&mw, 0, L2TP_MT_STOPCCN), 0);
	assert_int_equal(l2tp_mw_avp_result(&mw, 2, 6, "x"), 0);
	assert_int_equal(l2tp_mw_avp(&mw, 9, 115, 0, "\0\0\x01\x01", 4), 0);
	assert_int_equal(l2tp_mw_avp(&mw, 0, 39, 1, NULL, 0), 0);
	assert_int_equal(l2tp_mw_end(&mw, &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void
test_zlb(void **state)
{
	static const uint8_t want[] = { 0xc8, 0x03, 0x00, 0x0c, 0xca, 0xfe,
		0xba, 0xbe, 0x00, 0x07, 0x00, 0x09 };
	static const enum l2tp_encap encaps[] = { L2TP_ENCAP_UDP,
		L2TP_ENCAP_IP };
	uint8_t buf[32];
	struct wbuf w;
	size_t e, len, base;

	for (e = 0; e < 2; e++) {
		base = encaps[e] == L2TP_ENCAP_IP ? 4 : 0;
		wbuf_init(&w, buf, sizeof(buf));
		assert_int_equal(
		    l2tp_build_zlb(&w, encaps[e], 0xcafebabe, 7, 9, &len), 0);
		assert_int_equal(len, base + sizeof(want));
		assert_memory_equal(buf + base, want, sizeof(want));
		assert_int_equal(
		    l2tp_ctrl_decode(buf, len, encaps[e], &msg, NULL), 0);
		assert_int_equal(msg.type, L2TP_MT_ZLB);
		assert_int_equal(msg.navps, 0);
		assert_true(l2tp_msg_is_ack(&msg));
		assert_string_equal(l2tp_msg_type_name(msg.type), "ZLB");
		assert_int_equal(msg.hdr.ccid, 0xcafebabe);
	}
	/* Too small for a header. */
	wbuf_init(&w, buf, 11);
	assert_int_equal(l2tp_build_zlb(&w, L2TP_ENCAP_UDP, 1, 0, 0, &len), -1);
	wbuf_init(&w, buf, 15);
	assert_int_equal(l2tp_build_zlb(&w, L2TP_ENCAP_IP, 1, 0, 0, &len), -1);
}

/* The SCCRQ ProL2TP 1.7.3 sent (go-l2tp's test vector; L2TP bytes real),
 * the UDP payload of tests/captures/gol2tp-testvector_prol2tp-1.7.3_
 * sccrq_udp_RECONSTRUCTED.pcap as `tshark -T fields -e udp.payload`
 * prints it. */
static const uint8_t prol2tp_sccrq[] = { 0xc8, 0x03, 0x00, 0x7c, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x08, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x80, 0x0c, 0x00, 0x00, 0x00, 0x07, 0x6f, 0x70, 0x65, 0x6e,
	0x76, 0x33, 0x00, 0x34, 0x00, 0x00, 0x00, 0x08, 0x70, 0x72, 0x6f, 0x6c,
	0x32, 0x74, 0x70, 0x20, 0x31, 0x2e, 0x37, 0x2e, 0x33, 0x20, 0x4c, 0x69,
	0x6e, 0x75, 0x78, 0x2d, 0x33, 0x2e, 0x31, 0x33, 0x2e, 0x30, 0x2d, 0x33,
	0x30, 0x2d, 0x67, 0x65, 0x6e, 0x65, 0x72, 0x69, 0x63, 0x20, 0x28, 0x78,
	0x38, 0x36, 0x5f, 0x36, 0x34, 0x29, 0x80, 0x08, 0x00, 0x00, 0x00, 0x0a,
	0x00, 0x0a, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x0a, 0x00, 0x00, 0x00, 0x3d, 0x28, 0x46, 0xf1, 0x81, 0x00, 0x0c,
	0x00, 0x00, 0x00, 0x3e, 0x00, 0x07, 0x00, 0x05, 0x00, 0x04 };

/* A Cisco uBR10k's SCCRQ over IP/115 (IETF mode: IETF and vendor-9 AVPs
 * side by side, and an unknown 9:115): frame 1 of tests/captures/
 * openrpd_cisco-ubr10k_rfgw10_depi_l2tpv3ip_control.pcap from the
 * Session ID on. */
static const uint8_t cisco_sccrq_ip[] = { 0x00, 0x00, 0x00, 0x00, 0xc8, 0x03,
	0x00, 0xb3, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x08,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x08, 0x00, 0x00, 0x00, 0x02,
	0x01, 0x00, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x0e, 0x00, 0x00, 0x00, 0x05, 0xbe, 0x64, 0xff, 0x90, 0xb0, 0x31,
	0x8a, 0xad, 0x00, 0x08, 0x00, 0x00, 0x00, 0x06, 0x11, 0x30, 0x80, 0x16,
	0x00, 0x00, 0x00, 0x07, 0x43, 0x53, 0x54, 0x2d, 0x57, 0x75, 0x68, 0x61,
	0x6e, 0x2d, 0x75, 0x62, 0x72, 0x31, 0x30, 0x6b, 0x00, 0x19, 0x00, 0x00,
	0x00, 0x08, 0x43, 0x69, 0x73, 0x63, 0x6f, 0x20, 0x53, 0x79, 0x73, 0x74,
	0x65, 0x6d, 0x73, 0x2c, 0x20, 0x49, 0x6e, 0x63, 0x2e, 0x80, 0x08, 0x00,
	0x00, 0x00, 0x0a, 0x04, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x3c, 0x04,
	0x06, 0x0d, 0x02, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x3d, 0xcc, 0x1f, 0x7e,
	0x41, 0x00, 0x08, 0x00, 0x00, 0x00, 0x3e, 0x00, 0x0c, 0x80, 0x0a, 0x00,
	0x09, 0x00, 0x01, 0xcc, 0x1f, 0x7e, 0x41, 0x80, 0x08, 0x00, 0x09, 0x00,
	0x02, 0x00, 0x0c, 0x80, 0x08, 0x00, 0x09, 0x00, 0x0a, 0x00, 0x01, 0x00,
	0x0a, 0x00, 0x09, 0x00, 0x73, 0x00, 0x00, 0x01, 0x01 };

/* Re-encoding every decoded AVP as it came must give the same bytes. */
static void
assert_reencodes(const uint8_t *pkt, size_t len, enum l2tp_encap encap)
{
	uint8_t buf[L2TP_MSG_MAX_LEN];
	struct l2tp_msg_writer mw;
	struct wbuf w;
	size_t i, out;

	wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(
	    l2tp_mw_begin(&mw, &w, encap, msg.hdr.ccid, msg.hdr.ns, msg.hdr.nr),
	    0);
	for (i = 0; i < msg.navps; i++) {
		const struct l2tp_avp *a = &msg.avps[i];

		assert_int_equal(
		    l2tp_mw_avp(&mw, a->vendor, a->type,
			(a->flags & L2TP_AVP_F_M) != 0, a->value, a->len),
		    0);
	}
	assert_int_equal(l2tp_mw_end(&mw, &out), 0);
	assert_int_equal(out, len);
	assert_memory_equal(buf, pkt, len);
}

static void
test_real_prol2tp_sccrq(void **state)
{
	const struct l2tp_avp *a;
	char s[64];
	uint32_t u32;
	uint16_t u16;

	assert_int_equal(
	    l2tp_classify(prol2tp_sccrq, sizeof(prol2tp_sccrq), L2TP_ENCAP_UDP),
	    L2TP_PKT_CONTROL);
	assert_int_equal(l2tp_ctrl_decode(prol2tp_sccrq, sizeof(prol2tp_sccrq),
			     L2TP_ENCAP_UDP, &msg, NULL),
	    0);
	assert_int_equal(msg.type, L2TP_MT_SCCRQ);
	assert_int_equal(msg.hdr.ccid, 0);
	assert_int_equal(msg.navps, 7);
	assert_non_null(a = l2tp_msg_find(&msg, 0, L2TP_AVP_HOST_NAME));
	assert_int_equal(avp_get_string(a, s, sizeof(s)), 0);
	assert_string_equal(s, "openv3");
	assert_int_equal(a->flags, L2TP_AVP_F_M);
	assert_non_null(a = l2tp_msg_find(&msg, 0, L2TP_AVP_VENDOR_NAME));
	assert_int_equal(avp_get_string(a, s, sizeof(s)), 0);
	assert_string_equal(
	    s, "prol2tp 1.7.3 Linux-3.13.0-30-generic (x86_64)");
	assert_non_null(a = l2tp_msg_find(&msg, 0, L2TP_AVP_RECV_WINDOW));
	assert_int_equal(avp_get_u16(a, &u16), 0);
	assert_int_equal(u16, 10);
	assert_non_null(a = l2tp_msg_find(&msg, 0, L2TP_AVP_ROUTER_ID));
	assert_int_equal(avp_get_u32(a, &u32), 0);
	assert_int_equal(u32, 0);
	/* ProL2TP sends 60-62 without the M bit. */
	assert_int_equal(a->flags, 0);
	assert_non_null(a = l2tp_msg_find_alias(&msg, L2TP_AVP_ASSIGNED_CCID,
			    L2TP_CISCO_ASSIGNED_CCID));
	assert_int_equal(a->vendor, 0);
	assert_int_equal(avp_get_u32(a, &u32), 0);
	assert_int_equal(u32, 675737985);
	assert_non_null(a = l2tp_msg_find(&msg, 0, L2TP_AVP_PW_CAPS));
	assert_int_equal(a->len, 6);
	assert_memory_equal(a->value, "\0\x07\0\x05\0\x04", 6);
	assert_false(l2tp_msg_has_vendor(&msg, L2TP_VENDOR_CISCO));
	assert_reencodes(prol2tp_sccrq, sizeof(prol2tp_sccrq), L2TP_ENCAP_UDP);
}

static void
test_real_cisco_sccrq(void **state)
{
	const struct l2tp_avp *a;
	uint32_t u32;

	assert_int_equal(l2tp_classify(cisco_sccrq_ip, sizeof(cisco_sccrq_ip),
			     L2TP_ENCAP_IP),
	    L2TP_PKT_CONTROL);
	assert_int_equal(l2tp_ctrl_decode(cisco_sccrq_ip,
			     sizeof(cisco_sccrq_ip), L2TP_ENCAP_IP, &msg, NULL),
	    0);
	assert_int_equal(msg.type, L2TP_MT_SCCRQ);
	assert_int_equal(msg.hdr.length, 179);
	assert_int_equal(msg.navps, 15);
	assert_true(l2tp_msg_has_vendor(&msg, L2TP_VENDOR_CISCO));
	assert_non_null(a = l2tp_msg_find(&msg, 9, L2TP_CISCO_ASSIGNED_CCID));
	assert_int_equal(avp_get_u32(a, &u32), 0);
	assert_int_equal(u32, 0xcc1f7e41);
	/* The unknown 9:115 is kept with its flags and raw value. */
	assert_non_null(a = l2tp_msg_find(&msg, 9, 115));
	assert_null(a->def);
	assert_int_equal(a->flags, 0);
	assert_int_equal(a->len, 4);
	assert_memory_equal(a->value, "\0\0\x01\x01", 4);
	assert_int_equal(l2tp_msg_count(&msg, 9, 115), 1);
	assert_int_equal(l2tp_msg_count(&msg, 0, L2TP_AVP_HOST_NAME), 1);
	assert_int_equal(l2tp_msg_count(&msg, 0, L2TP_AVP_CHALLENGE), 0);
	assert_null(l2tp_msg_find(&msg, 0, L2TP_AVP_CHALLENGE));
	assert_reencodes(cisco_sccrq_ip, sizeof(cisco_sccrq_ip), L2TP_ENCAP_IP);
}

/* Malformed (and a few well-formed edge) datagrams. */
struct bad_case {
	const char *name;
	enum l2tp_encap encap;
	const uint8_t *pkt;
	size_t len;
	enum l2tp_perr want;
	int idx;
	uint16_t vendor, type;
};

#define P(...) \
	(const uint8_t[]){ __VA_ARGS__ }, \
	    sizeof((const uint8_t[]){ __VA_ARGS__ })
/* A HELLO: header (Length 20, CCID 1, Ns 2, Nr 3) and Message Type. */
#define HELLO_HDR(len) 0xc8, 0x03, 0x00, len, 0, 0, 0, 1, 0, 2, 0, 3
#define MT_HELLO 0x80, 0x08, 0, 0, 0, 0, 0, 6
#define HELLO(len) HELLO_HDR(len), MT_HELLO
#define U L2TP_ENCAP_UDP
#define IP L2TP_ENCAP_IP

static const struct bad_case bad_cases[] = {
	{ "empty", U, NULL, 0, L2TP_E_SHORT, -1, 0, 0 },
	{ "one byte", U, P(0xc8), L2TP_E_SHORT, -1, 0, 0 },
	{ "header cut at 11", U, P(0xc8, 0x03, 0, 12, 0, 0, 0, 1, 0, 2, 0),
	    L2TP_E_SHORT, -1, 0, 0 },
	{ "Length larger than datagram", U, P(HELLO(21)), L2TP_E_LENGTH, -1, 0,
	    0 },
	{ "Length smaller than datagram", U, P(HELLO(19)), L2TP_E_LENGTH, -1, 0,
	    0 },
	{ "Length 12 with an AVP after it", U, P(HELLO(12)), L2TP_E_LENGTH, -1,
	    0, 0 },
	{ "Length 0", U, P(HELLO(0)), L2TP_E_LENGTH, -1, 0, 0 },
	{ "version 2 control", U,
	    P(0xc8, 0x02, 0, 20, 0, 0, 0, 1, 0, 2, 0, 3, MT_HELLO),
	    L2TP_E_VERSION_2, -1, 0, 0 },
	{ "version 2 data", U, P(0x40, 0x02, 0, 8, 0, 1, 0, 2),
	    L2TP_E_VERSION_2, -1, 0, 0 },
	{ "version 1", U,
	    P(0xc8, 0x01, 0, 20, 0, 0, 0, 1, 0, 2, 0, 3, MT_HELLO),
	    L2TP_E_VERSION, -1, 0, 0 },
	{ "version 0", U,
	    P(0xc8, 0x00, 0, 20, 0, 0, 0, 1, 0, 2, 0, 3, MT_HELLO),
	    L2TP_E_VERSION, -1, 0, 0 },
	{ "version 15", U,
	    P(0xc8, 0x0f, 0, 20, 0, 0, 0, 1, 0, 2, 0, 3, MT_HELLO),
	    L2TP_E_VERSION, -1, 0, 0 },
	{ "T without L", U,
	    P(0x88, 0x03, 0, 20, 0, 0, 0, 1, 0, 2, 0, 3, MT_HELLO), L2TP_E_BITS,
	    -1, 0, 0 },
	{ "T without S", U,
	    P(0xc0, 0x03, 0, 20, 0, 0, 0, 1, 0, 2, 0, 3, MT_HELLO), L2TP_E_BITS,
	    -1, 0, 0 },
	{ "T alone", U, P(0x80, 0x03, 0, 20, 0, 0, 0, 1, 0, 2, 0, 3, MT_HELLO),
	    L2TP_E_BITS, -1, 0, 0 },
	{ "T clear: data", U,
	    P(0x00, 0x03, 0, 20, 0, 0, 0, 1, 0, 2, 0, 3, MT_HELLO),
	    L2TP_E_NOT_CONTROL, -1, 0, 0 },
	/* RFC 3931 section 3.2.1: reserved bits are ignored on receipt. */
	{ "reserved header bits", U,
	    P(0xcb, 0x03, 0, 20, 0, 0, 0, 1, 0, 2, 0, 3, MT_HELLO), L2TP_OK, -1,
	    0, 0 },
	{ "ZLB", U, P(HELLO_HDR(12)), L2TP_OK, -1, 0, 0 },
	{ "AVP length 5", U, P(HELLO_HDR(20), 0x80, 0x05, 0, 0, 0, 0, 0, 6),
	    L2TP_E_AVP_SHORT, 0, 0, 0 },
	{ "second AVP length 0", U, P(HELLO(26), 0x00, 0x00, 0, 0, 0, 7),
	    L2TP_E_AVP_SHORT, 1, 0, 7 },
	{ "second AVP past the end", U,
	    P(HELLO(28), 0x00, 0x0a, 0, 0, 0, 7, 'a', 'b'), L2TP_E_AVP_OVERRUN,
	    1, 0, 7 },
	{ "first AVP past the end", U,
	    P(HELLO_HDR(20), 0x80, 0x09, 0, 0, 0, 0, 0, 6), L2TP_E_AVP_OVERRUN,
	    0, 0, 0 },
	{ "partial AVP header", U, P(HELLO(23), 0x00, 0x0a, 0x00),
	    L2TP_E_AVP_OVERRUN, 1, 0, 0 },
	{ "AVP length field with M, H and reserved bits, 1023", U,
	    P(HELLO(28), 0xff, 0xff, 0, 0, 0, 7, 'a', 'b'), L2TP_E_AVP_OVERRUN,
	    1, 0, 7 },
	{ "hidden AVP without Random Vector", U,
	    P(HELLO(30), 0xc0, 0x0a, 0, 0, 0, 61, 1, 2, 3, 4),
	    L2TP_E_HIDDEN_NO_RV, 1, 0, 61 },
	{ "hidden AVP before the Random Vector", U,
	    P(HELLO(38), 0xc0, 0x0a, 0, 0, 0, 61, 1, 2, 3, 4, 0x80, 0x08, 0, 0,
		0, 36, 0xaa, 0xbb),
	    L2TP_E_HIDDEN_NO_RV, 1, 0, 61 },
	{ "hidden Message Type", U,
	    P(HELLO_HDR(20), 0xc0, 0x08, 0, 0, 0, 0, 0, 6), L2TP_E_HIDDEN_NO_RV,
	    0, 0, 0 },
	{ "first AVP not Message Type", U,
	    P(HELLO_HDR(20), 0x80, 0x08, 0, 0, 0, 10, 4, 0),
	    L2TP_E_FIRST_NOT_MSGTYPE, 0, 0, 10 },
	{ "first AVP a CableLabs type 0", U,
	    P(HELLO_HDR(20), 0x80, 0x08, 0x11, 0x8b, 0, 0, 0, 6),
	    L2TP_E_FIRST_NOT_MSGTYPE, 0, 4491, 0 },
	{ "Message Type length 3", U,
	    P(HELLO_HDR(21), 0x80, 0x09, 0, 0, 0, 0, 0, 6, 0), L2TP_E_AVP_LEN,
	    0, 0, 0 },
	{ "Message Type length 0", U, P(HELLO_HDR(18), 0x80, 0x06, 0, 0, 0, 0),
	    L2TP_E_AVP_LEN, 0, 0, 0 },
	{ "Receive Window Size length 4", U,
	    P(HELLO(30), 0x80, 0x0a, 0, 0, 0, 10, 0, 0, 4, 0), L2TP_E_AVP_LEN,
	    1, 0, 10 },
	{ "Cisco Assigned Connection ID length 2", U,
	    P(HELLO(28), 0x80, 0x08, 0, 9, 0, 1, 0, 1), L2TP_E_AVP_LEN, 1, 9,
	    1 },
	{ "Pseudowire Capabilities odd length", U,
	    P(HELLO(29), 0x80, 0x09, 0, 0, 0, 62, 0, 5, 0), L2TP_E_AVP_LEN, 1,
	    0, 62 },
	{ "Sequencing Required with a value", U,
	    P(HELLO(27), 0x80, 0x07, 0, 0, 0, 39, 1), L2TP_E_AVP_LEN, 1, 0,
	    39 },
	{ "unknown M-bit AVP is the schema's business", U,
	    P(HELLO(27), 0x80, 0x07, 0, 9, 0, 115, 0xff), L2TP_OK, -1, 0, 0 },
	{ "Cisco ACK", U, P(HELLO_HDR(20), 0x80, 0x08, 0, 9, 0, 0, 0, 102),
	    L2TP_OK, -1, 0, 0 },
	{ "IP: three bytes", IP, P(0, 0, 0), L2TP_E_SHORT, -1, 0, 0 },
	{ "IP: Session ID only", IP, P(0, 0, 0, 0), L2TP_E_SHORT, -1, 0, 0 },
	{ "IP: non-zero Session ID", IP, P(0, 0, 0, 1, HELLO(20)),
	    L2TP_E_IP_SESSION, -1, 0, 0 },
	{ "IP: T clear after a zero Session ID", IP,
	    P(0, 0, 0, 0, 0x00, 0x03, 0, 20, 0, 0, 0, 1, 0, 2, 0, 3, MT_HELLO),
	    L2TP_E_NOT_CONTROL, -1, 0, 0 },
	{ "IP: Length counting the Session ID", IP, P(0, 0, 0, 0, HELLO(24)),
	    L2TP_E_LENGTH, -1, 0, 0 },
	{ "IP: HELLO", IP, P(0, 0, 0, 0, HELLO(20)), L2TP_OK, -1, 0, 0 },
	{ "UDP datagram read as IP", IP, P(HELLO(20)), L2TP_E_IP_SESSION, -1, 0,
	    0 },
};

static void
test_malformed(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct l2tp_decode_err err;
		int rc;

		memset(&err, 0xa5, sizeof(err));
		rc = l2tp_ctrl_decode(c->pkt, c->len, c->encap, &msg, &err);
		if (err.code != c->want || rc != (c->want == L2TP_OK ? 0 : -1))
			fail_msg("%s: got %s (rc %d), want %s", c->name,
			    l2tp_strerror(err.code), rc,
			    l2tp_strerror(c->want));
		if (err.avp_index != c->idx ||
		    (c->idx >= 0 &&
			(err.vendor != c->vendor || err.type != c->type)))
			fail_msg("%s: error names AVP #%d %u:%u", c->name,
			    err.avp_index, err.vendor, err.type);
	}
}

/* The header-only peek agrees with decode on every header error. */
static void
test_peek(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct l2tp_decode_err err;
		struct l2tp_ctrl_hdr hdr;
		int rc;

		rc = l2tp_ctrl_peek(c->pkt, c->len, c->encap, &hdr, &err);
		if (c->idx >= 0 || c->want == L2TP_OK) {
			/* AVP errors are past the header. */
			assert_int_equal(rc, 0);
			assert_int_equal(err.code, L2TP_OK);
			assert_int_equal(hdr.ccid, 1);
			assert_int_equal(hdr.ns, 2);
			assert_int_equal(hdr.nr, 3);
		} else {
			assert_int_equal(rc, -1);
			assert_int_equal(err.code, c->want);
		}
	}
}

static void
test_cisco_ack_value(void **state)
{
	static const uint8_t pkt[] = { HELLO_HDR(20), 0x80, 0x08, 0, 9, 0, 0, 0,
		102 };
	static const uint8_t other[] = { HELLO_HDR(20), 0x80, 0x08, 0, 9, 0, 0,
		0, 6 };

	assert_int_equal(l2tp_ctrl_decode(pkt, sizeof(pkt), U, &msg, NULL), 0);
	assert_int_equal(msg.type, L2TP_MT_ACK);
	assert_int_equal(msg.type_vendor, 9);
	assert_true(l2tp_msg_is_ack(&msg));
	/* Any other Cisco value is passed through as it is. */
	assert_int_equal(
	    l2tp_ctrl_decode(other, sizeof(other), U, &msg, NULL), 0);
	assert_int_equal(msg.type, 6);
	assert_int_equal(msg.type_vendor, 9);
	assert_false(l2tp_msg_is_ack(&msg));
}

/* Build HELLO followed by n empty unknown AVPs. */
static size_t
build_many(uint8_t *buf, size_t cap, size_t n)
{
	struct l2tp_msg_writer mw;
	struct wbuf w;
	size_t i, len;

	wbuf_init(&w, buf, cap);
	assert_int_equal(l2tp_mw_begin(&mw, &w, U, 1, 0, 0), 0);
	assert_int_equal(l2tp_mw_msgtype(&mw, 0, L2TP_MT_HELLO), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(l2tp_mw_avp(&mw, 0, 100, 0, NULL, 0), 0);
	assert_int_equal(l2tp_mw_end(&mw, &len), 0);
	return len;
}

static void
test_too_many_avps(void **state)
{
	uint8_t buf[L2TP_MSG_MAX_LEN];
	struct l2tp_decode_err err;
	size_t len;

	len = build_many(buf, sizeof(buf), L2TP_MSG_MAX_AVPS - 1);
	assert_int_equal(l2tp_ctrl_decode(buf, len, U, &msg, &err), 0);
	assert_int_equal(msg.navps, L2TP_MSG_MAX_AVPS);
	len = build_many(buf, sizeof(buf), L2TP_MSG_MAX_AVPS);
	assert_int_equal(l2tp_ctrl_decode(buf, len, U, &msg, &err), -1);
	assert_int_equal(err.code, L2TP_E_TOO_MANY_AVPS);
	assert_int_equal(err.avp_index, L2TP_MSG_MAX_AVPS);
}

/* Every proper prefix of a good message fails cleanly (never reads past
 * it), and so does every one-byte corruption of the header. */
static void
test_truncations_and_flips(void **state)
{
	uint8_t buf[L2TP_MSG_MAX_LEN], copy[L2TP_MSG_MAX_LEN];
	size_t len, cut, i;
	int bit;

	len = build(&msg_specs[10], U, buf, sizeof(buf)); /* ICRQ */
	for (cut = 0; cut < len; cut++) {
		/* A heap copy of exactly cut bytes, so ASan sees overreads. */
		uint8_t *p = test_malloc(cut + 1);

		memcpy(p, buf, cut);
		assert_int_equal(l2tp_ctrl_decode(p, cut, U, &msg, NULL), -1);
		test_free(p);
	}
	for (i = 0; i < L2TP_HDR_LEN; i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(copy, buf, len);
			copy[i] ^= (uint8_t)(1 << bit);
			(void)l2tp_ctrl_decode(copy, len, U, &msg, NULL);
		}
}

static void
test_classify(void **state)
{
	const struct {
		enum l2tp_encap encap;
		const uint8_t *pkt;
		size_t len;
		enum l2tp_pkt_kind want;
	} cases[] = {
		{ U, P(HELLO(20)), L2TP_PKT_CONTROL },
		{ U, P(0x00, 0x03, 0, 0, 0, 1), L2TP_PKT_DATA },
		{ U, P(0xc8, 0x02, 0, 12), L2TP_PKT_V2 },
		{ U, P(0x40, 0x02, 0, 8), L2TP_PKT_V2 },
		{ U, P(0xc8, 0x05), L2TP_PKT_INVALID },
		{ U, P(0xc8), L2TP_PKT_INVALID },
		{ U, NULL, 0, L2TP_PKT_INVALID },
		{ IP, P(0, 0, 0, 7, 0xaa, 0xbb), L2TP_PKT_DATA },
		{ IP, P(0, 0, 0, 7), L2TP_PKT_DATA },
		{ IP, P(0, 0, 0, 0, HELLO(20)), L2TP_PKT_CONTROL },
		{ IP, P(0, 0, 0, 0, 0x00, 0x03), L2TP_PKT_INVALID },
		{ IP, P(0, 0, 0, 0, 0xc8, 0x02), L2TP_PKT_INVALID },
		{ IP, P(0, 0, 0, 0), L2TP_PKT_INVALID },
		{ IP, P(0, 0, 0), L2TP_PKT_INVALID },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (l2tp_classify(cases[i].pkt, cases[i].len, cases[i].encap) !=
		    cases[i].want)
			fail_msg("classify case %zu", i);
}

static void
test_set_nr(void **state)
{
	static const enum l2tp_encap encaps[] = { U, IP };
	uint8_t buf[L2TP_MSG_MAX_LEN];
	uint8_t data[] = { 0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	size_t e, len;

	for (e = 0; e < 2; e++) {
		len = build(&msg_specs[2], encaps[e], buf, sizeof(buf));
		assert_int_equal(
		    l2tp_ctrl_set_nr(buf, len, encaps[e], 0xbeef), 0);
		assert_int_equal(
		    l2tp_ctrl_decode(buf, len, encaps[e], &msg, NULL), 0);
		assert_int_equal(msg.hdr.nr, 0xbeef);
		assert_int_equal(msg.hdr.ns, 5);
		assert_int_equal(msg.navps, msg_specs[2].navps + 1);
		/* Not a whole control message: refused, untouched. */
		assert_int_equal(
		    l2tp_ctrl_set_nr(buf, len - 1, encaps[e], 1), -1);
	}
	assert_int_equal(l2tp_ctrl_set_nr(data, sizeof(data), IP, 1), -1);
	assert_memory_equal(data + 4,
	    "\x01\x02\x03\x04\x05\x06\x07\x08\x09"
	    "\x0a\x0b\x0c",
	    12);
}

static void
test_writer_failures(void **state)
{
	static uint8_t big[L2TP_AVP_MAX_LEN];
	uint8_t buf[64];
	struct l2tp_msg_writer mw;
	struct wbuf w;
	size_t len;

	/* No room for the header. */
	wbuf_init(&w, buf, 11);
	assert_int_equal(l2tp_mw_begin(&mw, &w, U, 1, 0, 0), -1);
	assert_int_equal(l2tp_mw_msgtype(&mw, 0, L2TP_MT_HELLO), -1);
	assert_int_equal(l2tp_mw_end(&mw, &len), -1);

	/* A value longer than an AVP can carry; the failure sticks. */
	wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(l2tp_mw_begin(&mw, &w, U, 1, 0, 0), 0);
	assert_int_equal(l2tp_mw_msgtype(&mw, 0, L2TP_MT_HELLO), 0);
	assert_int_equal(l2tp_mw_avp(&mw, 0, 100, 0, big, 1018), -1);
	assert_int_equal(l2tp_mw_avp_u16(&mw, 0, 10, 1, 4), -1);
	assert_int_equal(l2tp_mw_end(&mw, &len), -1);

	/* The buffer fills up in the middle. */
	wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(l2tp_mw_begin(&mw, &w, U, 1, 0, 0), 0);
	assert_int_equal(l2tp_mw_msgtype(&mw, 0, L2TP_MT_HELLO), 0);
	assert_int_equal(l2tp_mw_avp(&mw, 0, 100, 0, big, 60), -1);
	assert_int_equal(l2tp_mw_end(&mw, &len), -1);

	/* Bad arguments. */
	wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(l2tp_mw_begin(&mw, &w, U, 1, 0, 0), 0);
	assert_int_equal(l2tp_mw_digest(&mw, 0, (enum l2tp_digest_type)7), -1);
	wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(l2tp_mw_begin(&mw, &w, U, 1, 0, 0), 0);
	assert_int_equal(l2tp_mw_digest(&mw, 4491, L2TP_DIGEST_TYPE_MD5), -1);
	wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(l2tp_mw_begin(&mw, &w, U, 1, 0, 0), 0);
	assert_int_equal(l2tp_mw_msgtype(&mw, 4491, 1), -1);
	wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(l2tp_mw_begin(&mw, &w, U, 1, 0, 0), 0);
	assert_int_equal(l2tp_mw_avp_str(&mw, 0, 7, 1, NULL), -1);
	wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(l2tp_mw_begin(&mw, &w, U, 1, 0, 0), 0);
	assert_int_equal(l2tp_mw_avp_hidden(&mw, 0, 7, 1, "x", 1, "", 0,
			     (const uint8_t *)"rv", 2),
	    -1);
	wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(
	    l2tp_mw_begin(&mw, &w, (enum l2tp_encap)5, 1, 0, 0), -1);
}

/* Build HELLO, RV, then hidden AVPs of the given values. */
static size_t
build_hidden(uint8_t *buf, size_t cap, uint16_t type, const void *value,
    size_t len, size_t count)
{
	struct l2tp_msg_writer mw;
	struct wbuf w;
	size_t i, out;

	wbuf_init(&w, buf, cap);
	assert_int_equal(l2tp_mw_begin(&mw, &w, U, 1, 0, 0), 0);
	assert_int_equal(l2tp_mw_msgtype(&mw, 0, L2TP_MT_ICRQ), 0);
	assert_int_equal(
	    l2tp_mw_avp(&mw, 0, L2TP_AVP_RANDOM_VECTOR, 1, RV16, 16), 0);
	for (i = 0; i < count; i++)
		assert_int_equal(
		    l2tp_mw_avp_hidden(&mw, 0, type, 1, value, len, SECRET,
			strlen(SECRET), (const uint8_t *)RV16, 16),
		    0);
	assert_int_equal(l2tp_mw_end(&mw, &out), 0);
	return out;
}

static void
test_unhide_errors(void **state)
{
	static uint8_t big[1000];
	uint8_t buf[L2TP_MSG_MAX_LEN];
	struct l2tp_decode_err err;
	size_t len;

	/* Hidden values are padded to whole MD5 blocks. */
	len = build_hidden(
	    buf, sizeof(buf), L2TP_AVP_ASSIGNED_CCID, "\x01\x02\x03\x04", 4, 1);
	assert_int_equal(l2tp_ctrl_decode(buf, len, U, &msg, &err), 0);
	assert_int_equal(msg.avps[2].len, 16);
	assert_int_equal(msg.avps[2].rv_index, 1);

	assert_int_equal(l2tp_msg_unhide(&msg, NULL, 0, &err), -1);
	assert_int_equal(err.code, L2TP_E_HIDDEN_NO_SECRET);
	assert_int_equal(err.avp_index, 2);

	/* With the wrong secret the hidden length cannot fit. */
	assert_int_equal(l2tp_ctrl_decode(buf, len, U, &msg, &err), 0);
	assert_int_equal(l2tp_msg_unhide(&msg, "wrong", 5, &err), -1);
	assert_int_equal(err.code, L2TP_E_HIDDEN_BAD);
	assert_int_equal(err.avp_index, 2);

	assert_int_equal(l2tp_ctrl_decode(buf, len, U, &msg, &err), 0);
	assert_int_equal(
	    l2tp_msg_unhide(&msg, SECRET, strlen(SECRET), &err), 0);
	assert_int_equal(msg.avps[2].len, 4);
	assert_memory_equal(msg.avps[2].value, "\x01\x02\x03\x04", 4);
	assert_int_equal(msg.avps[2].flags, L2TP_AVP_F_M | L2TP_AVP_F_H);

	/* A known AVP whose plain value has the wrong length. */
	len = build_hidden(
	    buf, sizeof(buf), L2TP_AVP_ASSIGNED_CCID, "\x01\x02", 2, 1);
	assert_int_equal(l2tp_ctrl_decode(buf, len, U, &msg, &err), 0);
	assert_int_equal(
	    l2tp_msg_unhide(&msg, SECRET, strlen(SECRET), &err), -1);
	assert_int_equal(err.code, L2TP_E_AVP_LEN);
	assert_int_equal(err.type, L2TP_AVP_ASSIGNED_CCID);

	/* More hidden bytes than the scratch space holds. */
	len = build_hidden(
	    buf, sizeof(buf), L2TP_AVP_REMOTE_END_ID, big, sizeof(big), 3);
	assert_int_equal(l2tp_ctrl_decode(buf, len, U, &msg, &err), 0);
	assert_int_equal(
	    l2tp_msg_unhide(&msg, SECRET, strlen(SECRET), &err), -1);
	assert_int_equal(err.code, L2TP_E_HIDDEN_BAD);
	assert_int_equal(err.avp_index, 4);
}

static void
test_names(void **state)
{
	static const struct {
		uint16_t type;
		const char *name, *long_name;
	} names[] = {
		{ L2TP_MT_SCCRQ, "SCCRQ", "Start-Control-Connection-Request" },
		{ L2TP_MT_SCCRP, "SCCRP", "Start-Control-Connection-Reply" },
		{ L2TP_MT_SCCCN, "SCCCN",
		    "Start-Control-Connection-Connected" },
		{ L2TP_MT_STOPCCN, "StopCCN",
		    "Stop-Control-Connection-Notification" },
		{ L2TP_MT_HELLO, "HELLO", "Hello" },
		{ L2TP_MT_OCRQ, "OCRQ", "Outgoing-Call-Request" },
		{ L2TP_MT_OCRP, "OCRP", "Outgoing-Call-Reply" },
		{ L2TP_MT_OCCN, "OCCN", "Outgoing-Call-Connected" },
		{ L2TP_MT_ICRQ, "ICRQ", "Incoming-Call-Request" },
		{ L2TP_MT_ICRP, "ICRP", "Incoming-Call-Reply" },
		{ L2TP_MT_ICCN, "ICCN", "Incoming-Call-Connected" },
		{ L2TP_MT_CDN, "CDN", "Call-Disconnect-Notify" },
		{ L2TP_MT_WEN, "WEN", "WAN-Error-Notify" },
		{ L2TP_MT_SLI, "SLI", "Set-Link-Info" },
		{ L2TP_MT_ACK, "ACK", "Explicit-Acknowledgement" },
		{ L2TP_MT_ZLB, "ZLB", "Zero-Length-Body" },
		{ 0, "unknown", "unknown" },
		{ 5, "unknown", "unknown" },
		{ 13, "unknown", "unknown" },
		{ 30, "unknown", "unknown" },
		{ 0xffff, "unknown", "unknown" },
	};
	size_t i, j;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_string_equal(
		    l2tp_msg_type_name(names[i].type), names[i].name);
		assert_string_equal(
		    l2tp_msg_type_long(names[i].type), names[i].long_name);
	}
	for (i = 0; i < L2TP_E__COUNT; i++) {
		assert_string_not_equal(l2tp_strerror(i), "unknown error");
		for (j = i + 1; j < L2TP_E__COUNT; j++)
			assert_string_not_equal(
			    l2tp_strerror(i), l2tp_strerror(j));
	}
	assert_string_equal(l2tp_strerror(L2TP_E__COUNT), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_message_round_trip),
		cmocka_unit_test(test_ip_is_udp_plus_session_id),
		cmocka_unit_test(test_writer_exact_bytes),
		cmocka_unit_test(test_zlb),
		cmocka_unit_test(test_real_prol2tp_sccrq),
		cmocka_unit_test(test_real_cisco_sccrq),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_cisco_ack_value),
		cmocka_unit_test(test_too_many_avps),
		cmocka_unit_test(test_truncations_and_flips),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_set_nr),
		cmocka_unit_test(test_writer_failures),
		cmocka_unit_test(test_unhide_errors),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
