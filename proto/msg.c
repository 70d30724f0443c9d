/*
 * Control messages (RFC 3931 section 3.2.1 and 5): classify, decode,
 * unhide, look up and build.
 *
 * The decoder is on the per-packet path, so it allocates nothing, copies
 * nothing and touches only the fields it sets: struct l2tp_msg is large
 * (it carries room for every AVP and for unhidden values) and is never
 * cleared as a whole.
 */
#include <stdio.h>
#include <string.h>

#include "proto/avp.h"
#include "proto/buf.h"
#include "proto/l2tp.h"
#include "proto/msg.h"

#define HDR_FLAGS_V3 (L2TP_HDR_T | L2TP_HDR_L | L2TP_HDR_S | 3)
#define AVP_VALUE_MAX (L2TP_AVP_MAX_LEN - L2TP_AVP_HDR_LEN)
#define NR_OFFSET 10 /* flags, Length, CCID, Ns, then Nr */

static const char *const perr_names[L2TP_E__COUNT] = {
	[L2TP_OK] = "ok",
	[L2TP_E_SHORT] = "shorter than a control header",
	[L2TP_E_NOT_CONTROL] = "not a control message (T bit clear)",
	[L2TP_E_VERSION_2] = "L2TPv2 peer",
	[L2TP_E_VERSION] = "unsupported L2TP version",
	[L2TP_E_BITS] = "bad header bits (T without L and S)",
	[L2TP_E_LENGTH] = "Length field disagrees with the datagram",
	[L2TP_E_AVP_SHORT] = "AVP length below 6",
	[L2TP_E_AVP_OVERRUN] = "AVP runs past the end of the message",
	[L2TP_E_AVP_LEN] = "AVP value length wrong for its type",
	[L2TP_E_FIRST_NOT_MSGTYPE] = "first AVP is not Message Type",
	[L2TP_E_TOO_MANY_AVPS] = "too many AVPs",
	[L2TP_E_HIDDEN_NO_RV] = "hidden AVP without a preceding Random Vector",
	[L2TP_E_HIDDEN_NO_SECRET] = "hidden AVP but no shared secret",
	[L2TP_E_HIDDEN_BAD] = "hidden AVP does not decrypt to a valid length",
	[L2TP_E_UNKNOWN_M] = "unknown AVP with the M bit set",
	[L2TP_E_DUPLICATE] = "AVP repeated",
	[L2TP_E_MISSING] = "required AVP missing",
	[L2TP_E_NOT_ALLOWED] = "AVP not allowed in this message",
	[L2TP_E_ZERO_CCID] = "zero Control Connection ID",
	[L2TP_E_BAD_VALUE] = "AVP value out of range",
	[L2TP_E_UNKNOWN_MSG] = "unknown message type with the M bit set",
	[L2TP_E_IP_SESSION] = "non-zero Session ID: a data packet",
};

const char *
l2tp_strerror(enum l2tp_perr e)
{
	if ((unsigned int)e >= L2TP_E__COUNT || perr_names[e] == NULL)
		return "unknown error";
	return perr_names[e];
}

static int
decode_fail(struct l2tp_decode_err *err, enum l2tp_perr code, int idx,
    uint16_t vendor, uint16_t type)
{
	if (err != NULL) {
		err->code = code;
		err->avp_index = idx;
		err->vendor = vendor;
		err->type = type;
	}
	return -1;
}

static int
hdr_fail(struct l2tp_decode_err *err, enum l2tp_perr code)
{
	return decode_fail(err, code, -1, 0, 0);
}

enum l2tp_pkt_kind
l2tp_classify(const void *pkt, size_t len, enum l2tp_encap encap)
{
	struct rbuf r;
	uint32_t sid;
	uint16_t flags, ver;

	rbuf_init(&r, pkt, len);
	if (encap == L2TP_ENCAP_IP) {
		if (rbuf_get_u32(&r, &sid) == -1)
			return L2TP_PKT_INVALID;
		if (sid != 0)
			return L2TP_PKT_DATA;
	}
	if (rbuf_peek_u16(&r, 0, &flags) == -1)
		return L2TP_PKT_INVALID;
	ver = flags & L2TP_HDR_VER_MASK;
	if (ver == 2 && encap == L2TP_ENCAP_UDP)
		return L2TP_PKT_V2;
	if (ver != 3)
		return L2TP_PKT_INVALID;
	if (flags & L2TP_HDR_T)
		return L2TP_PKT_CONTROL;
	/* Over IP a zero Session ID announced control; T=0 contradicts it. */
	return encap == L2TP_ENCAP_UDP ? L2TP_PKT_DATA : L2TP_PKT_INVALID;
}

/*
 * Check the header and hand back the control message (from its header to
 * its end) as *msg.  Reserved header bits are ignored, as RFC 3931
 * section 3.2.1 asks of a receiver.
 */
static int
ctrl_open(const void *pkt, size_t len, enum l2tp_encap encap,
    struct l2tp_ctrl_hdr *hdr, struct rbuf *msg, struct l2tp_decode_err *err)
{
	struct rbuf r;
	const uint8_t *raw;
	size_t avail;
	uint32_t sid;
	uint16_t flags;

	rbuf_init(&r, pkt, len);
	if (encap == L2TP_ENCAP_IP) {
		if (rbuf_get_u32(&r, &sid) == -1)
			return hdr_fail(err, L2TP_E_SHORT);
		if (sid != 0)
			return hdr_fail(err, L2TP_E_IP_SESSION);
	}
	if (rbuf_peek_u16(&r, 0, &flags) == -1)
		return hdr_fail(err, L2TP_E_SHORT);
	if ((flags & L2TP_HDR_VER_MASK) == 2)
		return hdr_fail(err, L2TP_E_VERSION_2);
	if ((flags & L2TP_HDR_VER_MASK) != 3)
		return hdr_fail(err, L2TP_E_VERSION);
	if (!(flags & L2TP_HDR_T))
		return hdr_fail(err, L2TP_E_NOT_CONTROL);
	if ((flags & (L2TP_HDR_L | L2TP_HDR_S)) != (L2TP_HDR_L | L2TP_HDR_S))
		return hdr_fail(err, L2TP_E_BITS);
	avail = rbuf_left(&r);
	if (avail < L2TP_HDR_LEN)
		return hdr_fail(err, L2TP_E_SHORT);
	rbuf_view(&r, avail, &raw);
	rbuf_init(msg, raw, avail);
	rbuf_get_u16(msg, &hdr->flags);
	rbuf_get_u16(msg, &hdr->length);
	rbuf_get_u32(msg, &hdr->ccid);
	rbuf_get_u16(msg, &hdr->ns);
	rbuf_get_u16(msg, &hdr->nr);
	hdr->version = hdr->flags & L2TP_HDR_VER_MASK;
	/* Shorter is as wrong as longer: trailing bytes would escape the
	 * digest, which covers Length bytes only. */
	if (hdr->length != avail)
		return hdr_fail(err, L2TP_E_LENGTH);
	return 0;
}

int
l2tp_ctrl_peek(const void *pkt, size_t len, enum l2tp_encap encap,
    struct l2tp_ctrl_hdr *hdr, struct l2tp_decode_err *err)
{
	struct rbuf msg;

	if (ctrl_open(pkt, len, encap, hdr, &msg, err) == -1)
		return -1;
	if (err != NULL)
		hdr_fail(err, L2TP_OK);
	return 0;
}

/* The first AVP names the message: IETF 0:0, or Cisco's 9:0. */
static int
decode_msg_type(
    struct l2tp_msg *msg, const struct l2tp_avp *a, struct l2tp_decode_err *err)
{
	uint16_t v;

	if (a->type != L2TP_AVP_MESSAGE_TYPE ||
	    (a->vendor != L2TP_VENDOR_IETF && a->vendor != L2TP_VENDOR_CISCO))
		return decode_fail(
		    err, L2TP_E_FIRST_NOT_MSGTYPE, 0, a->vendor, a->type);
	if (a->flags & L2TP_AVP_F_H)
		return decode_fail(
		    err, L2TP_E_HIDDEN_NO_RV, 0, a->vendor, a->type);
	if (avp_get_u16(a, &v) == -1)
		return decode_fail(err, L2TP_E_AVP_LEN, 0, a->vendor, a->type);
	msg->type_vendor = (uint8_t)a->vendor;
	msg->type_m = (a->flags & L2TP_AVP_F_M) != 0;
	if (a->vendor == L2TP_VENDOR_CISCO && v == L2TP_CISCO_MT_ACK)
		v = L2TP_MT_ACK;
	msg->type = v;
	return 0;
}

/* One AVP: framing, then what can be checked without the schema. */
static int
decode_avp(struct rbuf *m, struct l2tp_msg *msg, int *rv_index,
    struct l2tp_decode_err *err)
{
	struct l2tp_avp *a;
	size_t off = rbuf_pos(m);
	int idx = (int)msg->navps;
	uint16_t fl, vendor, type, alen;

	if (msg->navps == L2TP_MSG_MAX_AVPS)
		return decode_fail(err, L2TP_E_TOO_MANY_AVPS, idx, 0, 0);
	if (rbuf_get_u16(m, &fl) == -1 || rbuf_get_u16(m, &vendor) == -1 ||
	    rbuf_get_u16(m, &type) == -1)
		return decode_fail(err, L2TP_E_AVP_OVERRUN, idx, 0, 0);
	alen = fl & L2TP_AVP_LEN_MASK;
	if (alen < L2TP_AVP_HDR_LEN)
		return decode_fail(err, L2TP_E_AVP_SHORT, idx, vendor, type);
	a = &msg->avps[idx];
	if (rbuf_view(m, alen - L2TP_AVP_HDR_LEN, &a->value) == -1)
		return decode_fail(err, L2TP_E_AVP_OVERRUN, idx, vendor, type);
	a->vendor = vendor;
	a->type = type;
	/* M, H and the reserved bits, kept as sent; like the header's
	 * reserved bits they change nothing here. */
	a->flags = fl & (uint16_t)~L2TP_AVP_LEN_MASK;
	a->len = alen - L2TP_AVP_HDR_LEN;
	a->offset = (uint16_t)off;
	a->rv_index = -1;
	a->hidden = 0;
	a->def = avp_lookup(vendor, type);
	if (idx == 0 && decode_msg_type(msg, a, err) == -1)
		return -1;
	if (a->flags & L2TP_AVP_F_H) {
		/* The value is ciphertext: its length is checked once
		 * l2tp_msg_unhide() has the plain value. */
		if (*rv_index < 0)
			return decode_fail(
			    err, L2TP_E_HIDDEN_NO_RV, idx, vendor, type);
		a->hidden = 1;
		a->rv_index = (int16_t)*rv_index;
	} else if (avp_check_len(a) == -1)
		return decode_fail(err, L2TP_E_AVP_LEN, idx, vendor, type);
	else if (vendor == L2TP_VENDOR_IETF && type == L2TP_AVP_RANDOM_VECTOR)
		*rv_index = idx; /* hides every AVP up to the next one */
	msg->navps++;
	return 0;
}

int
l2tp_ctrl_decode(const void *pkt, size_t len, enum l2tp_encap encap,
    struct l2tp_msg *msg, struct l2tp_decode_err *err)
{
	struct rbuf m;
	int rv_index = -1;

	if (ctrl_open(pkt, len, encap, &msg->hdr, &m, err) == -1)
		return -1;
	msg->encap = encap;
	msg->raw = m.data;
	msg->raw_len = msg->hdr.length;
	msg->navps = 0;
	msg->scratch_used = 0;
	msg->type = L2TP_MT_ZLB;
	msg->type_vendor = L2TP_VENDOR_IETF;
	msg->type_m = 0;
	while (rbuf_left(&m) > 0)
		if (decode_avp(&m, msg, &rv_index, err) == -1)
			return -1;
	if (err != NULL)
		hdr_fail(err, L2TP_OK);
	return 0;
}

static int
unhide_one(struct l2tp_msg *msg, size_t i, const void *secret,
    size_t secret_len, struct l2tp_decode_err *err)
{
	struct l2tp_avp *a = &msg->avps[i];
	const struct l2tp_avp *rv;
	uint8_t *out = msg->scratch + msg->scratch_used;
	size_t plain_len;

	if (a->rv_index < 0 || (size_t)a->rv_index >= msg->navps)
		return decode_fail(
		    err, L2TP_E_HIDDEN_NO_RV, (int)i, a->vendor, a->type);
	rv = &msg->avps[a->rv_index];
	if (avp_unhide(a->type, secret, secret_len, rv->value, rv->len,
		a->value, a->len, out, L2TP_MSG_SCRATCH - msg->scratch_used,
		&plain_len) == -1)
		return decode_fail(
		    err, L2TP_E_HIDDEN_BAD, (int)i, a->vendor, a->type);
	a->value = out;
	a->len = (uint16_t)plain_len;
	a->hidden = 0;
	msg->scratch_used += plain_len;
	if (avp_check_len(a) == -1)
		return decode_fail(
		    err, L2TP_E_AVP_LEN, (int)i, a->vendor, a->type);
	return 0;
}

int
l2tp_msg_unhide(struct l2tp_msg *msg, const void *secret, size_t secret_len,
    struct l2tp_decode_err *err)
{
	size_t i;

	for (i = 0; i < msg->navps; i++) {
		if (!msg->avps[i].hidden)
			continue;
		if (secret == NULL || secret_len == 0)
			return decode_fail(err, L2TP_E_HIDDEN_NO_SECRET, (int)i,
			    msg->avps[i].vendor, msg->avps[i].type);
		if (unhide_one(msg, i, secret, secret_len, err) == -1)
			return -1;
	}
	if (err != NULL)
		hdr_fail(err, L2TP_OK);
	return 0;
}

const struct l2tp_avp *
l2tp_msg_find(const struct l2tp_msg *msg, uint16_t vendor, uint16_t type)
{
	size_t i;

	for (i = 0; i < msg->navps; i++)
		if (msg->avps[i].type == type && msg->avps[i].vendor == vendor)
			return &msg->avps[i];
	return NULL;
}

const struct l2tp_avp *
l2tp_msg_find_alias(
    const struct l2tp_msg *msg, uint16_t ietf_type, uint16_t cisco_type)
{
	const struct l2tp_avp *a;

	if ((a = l2tp_msg_find(msg, L2TP_VENDOR_IETF, ietf_type)) != NULL)
		return a;
	return l2tp_msg_find(msg, L2TP_VENDOR_CISCO, cisco_type);
}

size_t
l2tp_msg_count(const struct l2tp_msg *msg, uint16_t vendor, uint16_t type)
{
	size_t i, n = 0;

	for (i = 0; i < msg->navps; i++)
		if (msg->avps[i].type == type && msg->avps[i].vendor == vendor)
			n++;
	return n;
}

int
l2tp_msg_has_vendor(const struct l2tp_msg *msg, uint16_t vendor)
{
	size_t i;

	for (i = 0; i < msg->navps; i++)
		if (msg->avps[i].vendor == vendor)
			return 1;
	return 0;
}

int
l2tp_msg_is_ack(const struct l2tp_msg *msg)
{
	return msg->type == L2TP_MT_ZLB || msg->type == L2TP_MT_ACK;
}

/* RFC 2661, RFC 3931 and the extensions Wireshark names (3573, 3817,
 * 4951, 4045, 5515). */
static const struct {
	const char *name;
	const char *long_name;
} msg_types[] = {
	[L2TP_MT_SCCRQ] = { "SCCRQ", "Start-Control-Connection-Request" },
	[L2TP_MT_SCCRP] = { "SCCRP", "Start-Control-Connection-Reply" },
	[L2TP_MT_SCCCN] = { "SCCCN", "Start-Control-Connection-Connected" },
	[L2TP_MT_STOPCCN] = { "StopCCN",
	    "Stop-Control-Connection-Notification" },
	[L2TP_MT_HELLO] = { "HELLO", "Hello" },
	[L2TP_MT_OCRQ] = { "OCRQ", "Outgoing-Call-Request" },
	[L2TP_MT_OCRP] = { "OCRP", "Outgoing-Call-Reply" },
	[L2TP_MT_OCCN] = { "OCCN", "Outgoing-Call-Connected" },
	[L2TP_MT_ICRQ] = { "ICRQ", "Incoming-Call-Request" },
	[L2TP_MT_ICRP] = { "ICRP", "Incoming-Call-Reply" },
	[L2TP_MT_ICCN] = { "ICCN", "Incoming-Call-Connected" },
	[L2TP_MT_CDN] = { "CDN", "Call-Disconnect-Notify" },
	[L2TP_MT_WEN] = { "WEN", "WAN-Error-Notify" },
	[L2TP_MT_SLI] = { "SLI", "Set-Link-Info" },
	[17] = { "MDMST", "Modem-Status" },
	[18] = { "SRRQ", "Service-Relay-Request" },
	[19] = { "SRRP", "Service-Relay-Reply" },
	[L2TP_MT_ACK] = { "ACK", "Explicit-Acknowledgement" },
	[21] = { "FSQ", "Failover-Session-Query" },
	[22] = { "FSR", "Failover-Session-Response" },
	[23] = { "MSRQ", "Multicast-Session-Request" },
	[24] = { "MSRP", "Multicast-Session-Response" },
	[25] = { "MSE", "Multicast-Session-Establishment" },
	[26] = { "MSI", "Multicast-Session-Information" },
	[27] = { "MSEN", "Multicast-Session-End-Notify" },
	[28] = { "CSUN", "Connect-Speed-Update-Notification" },
	[29] = { "CSURQ", "Connect-Speed-Update-Request" },
};

#define MSG_TYPES_N (sizeof(msg_types) / sizeof(msg_types[0]))

const char *
l2tp_msg_type_name(uint16_t type)
{
	if (type == L2TP_MT_ZLB)
		return "ZLB";
	if (type < MSG_TYPES_N && msg_types[type].name != NULL)
		return msg_types[type].name;
	return "unknown";
}

const char *
l2tp_msg_type_long(uint16_t type)
{
	if (type == L2TP_MT_ZLB)
		return "Zero-Length-Body";
	if (type < MSG_TYPES_N && msg_types[type].long_name != NULL)
		return msg_types[type].long_name;
	return "unknown";
}

/* Building. */

static int
mw_fail(struct l2tp_msg_writer *mw)
{
	mw->failed = 1;
	return -1;
}

int
l2tp_mw_begin(struct l2tp_msg_writer *mw, struct wbuf *w, enum l2tp_encap encap,
    uint32_t ccid, uint16_t ns, uint16_t nr)
{
	mw->w = w;
	mw->encap = encap;
	mw->navps = 0;
	mw->failed = 0;
	mw->start = 0;
	mw->len_off = 0;
	if (encap != L2TP_ENCAP_UDP && encap != L2TP_ENCAP_IP)
		return mw_fail(mw);
	if (encap == L2TP_ENCAP_IP)
		wbuf_put_u32(w, 0); /* Session ID 0 marks control */
	mw->start = wbuf_len(w);
	wbuf_put_u16(w, HDR_FLAGS_V3);
	wbuf_reserve(w, 2, &mw->len_off);
	wbuf_put_u32(w, ccid);
	wbuf_put_u16(w, ns);
	wbuf_put_u16(w, nr);
	return wbuf_ok(w) ? 0 : mw_fail(mw);
}

/* AVP header; the caller then puts exactly len value bytes. */
static int
mw_avp_head(struct l2tp_msg_writer *mw, uint16_t flags, uint16_t vendor,
    uint16_t type, size_t len)
{
	if (mw->failed || len > AVP_VALUE_MAX)
		return mw_fail(mw);
	wbuf_put_u16(mw->w, flags | (uint16_t)(len + L2TP_AVP_HDR_LEN));
	wbuf_put_u16(mw->w, vendor);
	wbuf_put_u16(mw->w, type);
	if (!wbuf_ok(mw->w))
		return mw_fail(mw);
	mw->navps++;
	return 0;
}

static int
mw_done(struct l2tp_msg_writer *mw)
{
	return wbuf_ok(mw->w) ? 0 : mw_fail(mw);
}

static uint16_t
m_flag(int mandatory)
{
	return mandatory ? L2TP_AVP_F_M : 0;
}

/* Cisco's message type is its own number space; asking for an ACK in it
 * means Cisco's ACK value. */
int
l2tp_mw_msgtype(struct l2tp_msg_writer *mw, uint16_t vendor, uint16_t type)
{
	if (vendor != L2TP_VENDOR_IETF && vendor != L2TP_VENDOR_CISCO)
		return mw_fail(mw);
	if (vendor == L2TP_VENDOR_CISCO && type == L2TP_MT_ACK)
		type = L2TP_CISCO_MT_ACK;
	return l2tp_mw_avp_u16(mw, vendor, L2TP_AVP_MESSAGE_TYPE, 1, type);
}

int
l2tp_mw_digest(
    struct l2tp_msg_writer *mw, uint16_t vendor, enum l2tp_digest_type dtype)
{
	uint16_t type;
	size_t dlen;

	if (vendor == L2TP_VENDOR_IETF)
		type = L2TP_AVP_MESSAGE_DIGEST;
	else if (vendor == L2TP_VENDOR_CISCO)
		type = L2TP_CISCO_MESSAGE_DIGEST;
	else
		return mw_fail(mw);
	if (dtype == L2TP_DIGEST_TYPE_MD5)
		dlen = 16;
	else if (dtype == L2TP_DIGEST_TYPE_SHA1)
		dlen = 20;
	else
		return mw_fail(mw);
	if (mw_avp_head(mw, L2TP_AVP_F_M, vendor, type, 1 + dlen) == -1)
		return -1;
	wbuf_put_u8(mw->w, (uint8_t)dtype);
	wbuf_put_zero(mw->w, dlen);
	return mw_done(mw);
}

int
l2tp_mw_avp(struct l2tp_msg_writer *mw, uint16_t vendor, uint16_t type,
    int mandatory, const void *value, size_t len)
{
	if (len > 0 && value == NULL)
		return mw_fail(mw);
	if (mw_avp_head(mw, m_flag(mandatory), vendor, type, len) == -1)
		return -1;
	wbuf_put_bytes(mw->w, value, len);
	return mw_done(mw);
}

int
l2tp_mw_avp_u8(struct l2tp_msg_writer *mw, uint16_t vendor, uint16_t type,
    int mandatory, uint8_t v)
{
	if (mw_avp_head(mw, m_flag(mandatory), vendor, type, 1) == -1)
		return -1;
	wbuf_put_u8(mw->w, v);
	return mw_done(mw);
}

int
l2tp_mw_avp_u16(struct l2tp_msg_writer *mw, uint16_t vendor, uint16_t type,
    int mandatory, uint16_t v)
{
	if (mw_avp_head(mw, m_flag(mandatory), vendor, type, 2) == -1)
		return -1;
	wbuf_put_u16(mw->w, v);
	return mw_done(mw);
}

int
l2tp_mw_avp_u32(struct l2tp_msg_writer *mw, uint16_t vendor, uint16_t type,
    int mandatory, uint32_t v)
{
	if (mw_avp_head(mw, m_flag(mandatory), vendor, type, 4) == -1)
		return -1;
	wbuf_put_u32(mw->w, v);
	return mw_done(mw);
}

int
l2tp_mw_avp_u64(struct l2tp_msg_writer *mw, uint16_t vendor, uint16_t type,
    int mandatory, uint64_t v)
{
	if (mw_avp_head(mw, m_flag(mandatory), vendor, type, 8) == -1)
		return -1;
	wbuf_put_u64(mw->w, v);
	return mw_done(mw);
}

int
l2tp_mw_avp_str(struct l2tp_msg_writer *mw, uint16_t vendor, uint16_t type,
    int mandatory, const char *s)
{
	if (s == NULL)
		return mw_fail(mw);
	return l2tp_mw_avp(mw, vendor, type, mandatory, s, strlen(s));
}

int
l2tp_mw_avp_u16_list(struct l2tp_msg_writer *mw, uint16_t vendor, uint16_t type,
    int mandatory, const uint16_t *list, size_t n)
{
	size_t i;

	if (n > AVP_VALUE_MAX / 2 || (n > 0 && list == NULL))
		return mw_fail(mw);
	if (mw_avp_head(mw, m_flag(mandatory), vendor, type, n * 2) == -1)
		return -1;
	for (i = 0; i < n; i++)
		wbuf_put_u16(mw->w, list[i]);
	return mw_done(mw);
}

int
l2tp_mw_avp_result(struct l2tp_msg_writer *mw, uint16_t result, uint16_t error,
    const char *message)
{
	size_t mlen = message != NULL ? strlen(message) : 0;

	if (mlen > AVP_VALUE_MAX - 4)
		return mw_fail(mw);
	if (mw_avp_head(mw, L2TP_AVP_F_M, L2TP_VENDOR_IETF,
		L2TP_AVP_RESULT_CODE, 4 + mlen) == -1)
		return -1;
	wbuf_put_u16(mw->w, result);
	wbuf_put_u16(mw->w, error);
	wbuf_put_bytes(mw->w, message, mlen);
	return mw_done(mw);
}

/* Hidden values are padded to whole MD5 blocks so their length says
 * little about the original (RFC 2661 section 4.3 suggests padding). */
int
l2tp_mw_avp_hidden(struct l2tp_msg_writer *mw, uint16_t vendor, uint16_t type,
    int mandatory, const void *value, size_t len, const void *secret,
    size_t secret_len, const uint8_t *rv, size_t rv_len)
{
	uint8_t sealed[AVP_VALUE_MAX];
	size_t pad, sealed_len;

	if (mw->failed || len > AVP_VALUE_MAX - 2 || (len > 0 && value == NULL))
		return mw_fail(mw);
	pad = (16 - (2 + len) % 16) % 16;
	if (2 + len + pad > AVP_VALUE_MAX)
		pad = 0;
	if (avp_hide(type, secret, secret_len, rv, rv_len, value, len, pad,
		sealed, sizeof(sealed), &sealed_len) == -1)
		return mw_fail(mw);
	if (mw_avp_head(mw, m_flag(mandatory) | L2TP_AVP_F_H, vendor, type,
		sealed_len) == -1)
		return -1;
	wbuf_put_bytes(mw->w, sealed, sealed_len);
	return mw_done(mw);
}

int
l2tp_mw_end(struct l2tp_msg_writer *mw, size_t *msglen)
{
	size_t len;

	if (mw->failed || !wbuf_ok(mw->w))
		return mw_fail(mw);
	len = wbuf_len(mw->w) - mw->start;
	if (len > 0xffff)
		return mw_fail(mw);
	if (wbuf_patch_u16(mw->w, mw->len_off, (uint16_t)len) == -1)
		return mw_fail(mw);
	if (msglen != NULL)
		*msglen =
		    len + (mw->encap == L2TP_ENCAP_IP ? L2TP_IP_SID_LEN : 0);
	return 0;
}

int
l2tp_build_zlb(struct wbuf *w, enum l2tp_encap encap, uint32_t ccid,
    uint16_t ns, uint16_t nr, size_t *msglen)
{
	struct l2tp_msg_writer mw;

	if (l2tp_mw_begin(&mw, w, encap, ccid, ns, nr) == -1)
		return -1;
	return l2tp_mw_end(&mw, msglen);
}

int
l2tp_ctrl_set_nr(uint8_t *dgram, size_t len, enum l2tp_encap encap, uint16_t nr)
{
	struct l2tp_ctrl_hdr hdr;
	struct wbuf w;
	size_t base = encap == L2TP_ENCAP_IP ? L2TP_IP_SID_LEN : 0;

	if (l2tp_ctrl_peek(dgram, len, encap, &hdr, NULL) == -1)
		return -1;
	wbuf_wrap(&w, dgram, len);
	return wbuf_patch_u16(&w, base + NR_OFFSET, nr);
}
