/*
 * Control messages: header, AVP list, decode and encode.
 *
 * Decoding is in two steps.  l2tp_ctrl_decode() checks the header and the
 * AVP framing (lengths, the Message Type first, a Random Vector before any
 * hidden AVP) and fills a struct l2tp_msg whose AVPs are views into the
 * packet; nothing is allocated.  schema.h then checks the message against
 * its type's schema and says what the RFC wants answered.
 */
#ifndef L2TP_PROTO_MSG_H
#define L2TP_PROTO_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "proto/avp.h"
#include "proto/buf.h"
#include "proto/l2tp.h"

#define L2TP_MSG_MAX_AVPS 128
#define L2TP_MSG_SCRATCH 2048 /* room for unhidden values */
#define L2TP_MSG_MAX_LEN 4096 /* largest control message we build */

enum l2tp_encap {
	L2TP_ENCAP_UDP = 0,
	L2TP_ENCAP_IP = 1,
};

/* Why a packet or message was refused.  l2tp_strerror() names each. */
enum l2tp_perr {
	L2TP_OK = 0,
	L2TP_E_SHORT, /* shorter than a header */
	L2TP_E_NOT_CONTROL, /* T bit clear: a data packet */
	L2TP_E_VERSION_2, /* an L2TPv2 peer */
	L2TP_E_VERSION, /* any other version */
	L2TP_E_BITS, /* T set without L and S */
	L2TP_E_LENGTH, /* Length field disagrees with the datagram */
	L2TP_E_AVP_SHORT, /* AVP length < 6 */
	L2TP_E_AVP_OVERRUN, /* AVP runs past the message */
	L2TP_E_AVP_LEN, /* value length wrong for this AVP */
	L2TP_E_FIRST_NOT_MSGTYPE,
	L2TP_E_TOO_MANY_AVPS,
	L2TP_E_HIDDEN_NO_RV, /* H bit without a preceding Random Vector */
	L2TP_E_HIDDEN_NO_SECRET,
	L2TP_E_HIDDEN_BAD, /* unhidden length does not fit */
	L2TP_E_UNKNOWN_M, /* unknown AVP with the M bit */
	L2TP_E_DUPLICATE, /* an AVP that may appear once, twice */
	L2TP_E_MISSING, /* a required AVP is absent */
	L2TP_E_NOT_ALLOWED, /* an AVP this message may not carry */
	L2TP_E_ZERO_CCID, /* CCID 0 where a connection is named */
	L2TP_E_BAD_VALUE, /* a value out of range */
	L2TP_E_UNKNOWN_MSG, /* unknown message type with M bit */
	L2TP_E_IP_SESSION, /* IP encap: non-zero Session ID (data) */
	L2TP_E__COUNT,
};
const char *l2tp_strerror(enum l2tp_perr);

struct l2tp_ctrl_hdr {
	uint16_t flags; /* first 16 bits as on the wire */
	uint8_t version;
	uint16_t length;
	uint32_t ccid;
	uint16_t ns;
	uint16_t nr;
};

struct l2tp_msg {
	struct l2tp_ctrl_hdr hdr;
	enum l2tp_encap encap;
	uint16_t type; /* enum l2tp_msg_type; L2TP_MT_ZLB if none */
	uint8_t type_vendor; /* 0, or 9 when the type came as Cisco 9:0 */
	uint8_t type_m; /* M bit on the Message Type AVP */
	const uint8_t *raw; /* the control message from its header on */
	size_t raw_len; /* = hdr.length */
	size_t navps;
	struct l2tp_avp avps[L2TP_MSG_MAX_AVPS];
	size_t scratch_used;
	uint8_t scratch[L2TP_MSG_SCRATCH];
};

/* Where a decode failed: which AVP (index, vendor, type) if any. */
struct l2tp_decode_err {
	enum l2tp_perr code;
	int avp_index; /* -1 when not about an AVP */
	uint16_t vendor;
	uint16_t type;
};

/*
 * Packet classification for what arrives on a socket.  Over UDP, a T bit
 * means control.  Over IP/115, a zero Session ID means control (the control
 * header follows); anything else is data.
 */
enum l2tp_pkt_kind {
	L2TP_PKT_CONTROL,
	L2TP_PKT_DATA,
	L2TP_PKT_V2,
	L2TP_PKT_INVALID,
};
enum l2tp_pkt_kind l2tp_classify(const void *pkt, size_t len, enum l2tp_encap);

/* Header only (for the fast path: find the tunnel before parsing AVPs).
 * pkt/len is the datagram as received (IP: with its Session ID). */
int l2tp_ctrl_peek(const void *pkt, size_t len, enum l2tp_encap,
    struct l2tp_ctrl_hdr *, struct l2tp_decode_err *);
/* Header and AVP framing.  On success msg->avps point into pkt. */
int l2tp_ctrl_decode(const void *pkt, size_t len, enum l2tp_encap,
    struct l2tp_msg *, struct l2tp_decode_err *);
/* Decrypt every hidden AVP in place (values move to msg->scratch). */
int l2tp_msg_unhide(struct l2tp_msg *, const void *secret, size_t secret_len,
    struct l2tp_decode_err *);

/* Lookup. */
const struct l2tp_avp *
l2tp_msg_find(const struct l2tp_msg *, uint16_t vendor, uint16_t type);
/* The IETF AVP, or else its Cisco alias (vendor 9). */
const struct l2tp_avp *l2tp_msg_find_alias(
    const struct l2tp_msg *, uint16_t ietf_type, uint16_t cisco_type);
size_t l2tp_msg_count(const struct l2tp_msg *, uint16_t vendor, uint16_t type);
int l2tp_msg_has_vendor(const struct l2tp_msg *, uint16_t vendor);
int l2tp_msg_is_ack(const struct l2tp_msg *); /* ZLB, ACK(20) or 9:0=102 */
const char *l2tp_msg_type_name(uint16_t type); /* "SCCRQ" */
const char *l2tp_msg_type_long(uint16_t type); /* "Start-Control-..." */

/*
 * Building.  A writer lays out the header (and the IP Session ID), then
 * AVPs; l2tp_mw_end() patches the Length.  The Message Digest AVP, when
 * wanted, is reserved right after the Message Type and filled by
 * digest.h's l2tp_digest_sign() once the message is complete.
 */
struct l2tp_msg_writer {
	struct wbuf *w;
	enum l2tp_encap encap;
	size_t start; /* offset of the control header */
	size_t len_off;
	size_t navps;
	int failed;
};

int l2tp_mw_begin(struct l2tp_msg_writer *, struct wbuf *, enum l2tp_encap,
    uint32_t ccid, uint16_t ns, uint16_t nr);
/* First AVP.  vendor 0: type is enum l2tp_msg_type; vendor 9: Cisco's
 * 9:0 (L2TP_MT_ACK there is written as L2TP_CISCO_MT_ACK). */
int l2tp_mw_msgtype(struct l2tp_msg_writer *, uint16_t vendor, uint16_t type);
/* Reserve a digest AVP (vendor 0: AVP 59; vendor 9: 9:12) of the given
 * digest type; its value is zero until signed. */
int l2tp_mw_digest(
    struct l2tp_msg_writer *, uint16_t vendor, enum l2tp_digest_type);
int l2tp_mw_avp(struct l2tp_msg_writer *, uint16_t vendor, uint16_t type,
    int mandatory, const void *value, size_t len);
int l2tp_mw_avp_u8(struct l2tp_msg_writer *, uint16_t vendor, uint16_t type,
    int mandatory, uint8_t);
int l2tp_mw_avp_u16(struct l2tp_msg_writer *, uint16_t vendor, uint16_t type,
    int mandatory, uint16_t);
int l2tp_mw_avp_u32(struct l2tp_msg_writer *, uint16_t vendor, uint16_t type,
    int mandatory, uint32_t);
int l2tp_mw_avp_u64(struct l2tp_msg_writer *, uint16_t vendor, uint16_t type,
    int mandatory, uint64_t);
int l2tp_mw_avp_str(struct l2tp_msg_writer *, uint16_t vendor, uint16_t type,
    int mandatory, const char *);
int l2tp_mw_avp_u16_list(struct l2tp_msg_writer *, uint16_t vendor,
    uint16_t type, int mandatory, const uint16_t *, size_t n);
/* Result Code: result, error, optional message (NULL for none). */
int l2tp_mw_avp_result(struct l2tp_msg_writer *, uint16_t result,
    uint16_t error, const char *message);
/* A hidden AVP; the caller has already put the Random Vector AVP. */
int l2tp_mw_avp_hidden(struct l2tp_msg_writer *, uint16_t vendor, uint16_t type,
    int mandatory, const void *value, size_t len, const void *secret,
    size_t secret_len, const uint8_t *rv, size_t rv_len);
/* Patch the Length; *msglen is the datagram length (IP: with Session ID). */
int l2tp_mw_end(struct l2tp_msg_writer *, size_t *msglen);
/* A ZLB acknowledgement: header only. */
int l2tp_build_zlb(struct wbuf *, enum l2tp_encap, uint32_t ccid, uint16_t ns,
    uint16_t nr, size_t *msglen);
/* Rewrite Nr of a built datagram (retransmissions carry the current Nr).
 * A digest, if any, must be signed again afterwards. */
int l2tp_ctrl_set_nr(uint8_t *dgram, size_t len, enum l2tp_encap, uint16_t nr);

#endif
