/*
 * AVPs: the dictionary and typed access to decoded values.
 *
 * The dictionary (avp_dict.c) is one table; everything that needs to know
 * what an AVP is -- validation of lengths, the text dump, JSON names,
 * whether it may be hidden -- reads it from there, so adding an AVP is one
 * table line.
 */
#ifndef L2TP_PROTO_AVP_H
#define L2TP_PROTO_AVP_H

#include <stddef.h>
#include <stdint.h>

#include "proto/buf.h"

/* How a value is laid out, for validation and for rendering. */
enum avp_format {
	AVP_FMT_NONE, /* no value (length 0) */
	AVP_FMT_U8,
	AVP_FMT_U16,
	AVP_FMT_U32,
	AVP_FMT_U64,
	AVP_FMT_STRING, /* printable text, not NUL-terminated */
	AVP_FMT_BYTES, /* opaque, shown as hex */
	AVP_FMT_MSG_TYPE, /* u16 message type, shown by name */
	AVP_FMT_RESULT, /* u16 result [u16 error [message]] */
	AVP_FMT_PROTO_VER, /* u8 version, u8 revision */
	AVP_FMT_U16_LIST, /* list of u16 (PW capabilities) */
	AVP_FMT_PW_TYPE, /* u16 pseudowire type, shown by name */
	AVP_FMT_DIGEST, /* u8 digest type, then the digest */
	AVP_FMT_CIRCUIT, /* u16 circuit status bits (A, N) */
	AVP_FMT_Q931, /* u16 cause, u8 msg, [advisory text] */
	AVP_FMT_IPV4, /* Router ID shown as dotted quad */
	AVP_FMT_CALL_ERRORS,
	AVP_FMT_ACCM,
};

/* Dictionary flags. */
#define AVP_DEF_HIDEABLE 0x01 /* may carry the H bit */
#define AVP_DEF_MANDATORY 0x02 /* RFC says the M bit is set when sent */
#define AVP_DEF_V2_ONLY 0x04 /* L2TPv2 AVP that v3 peers still send */

struct avp_def {
	uint16_t vendor;
	uint16_t type;
	const char *name; /* "Assigned Control Connection ID" */
	const char *json_name; /* "assignedControlConnectionId" */
	enum avp_format format;
	uint16_t min_len; /* value length, AVP header excluded */
	uint16_t max_len;
	uint8_t flags;
};

/* A decoded AVP: a view into the packet, or into the message's scratch
 * space once unhidden. */
struct l2tp_avp {
	uint16_t vendor;
	uint16_t type;
	uint16_t flags; /* L2TP_AVP_F_M, L2TP_AVP_F_H as on the wire */
	uint16_t len; /* value length */
	uint16_t offset; /* offset of the AVP header in the message */
	int16_t rv_index; /* Random Vector for a hidden AVP, else -1 */
	uint8_t hidden; /* still hidden (value is ciphertext) */
	const uint8_t *value;
	const struct avp_def *def; /* NULL when the AVP is unknown */
};

const struct avp_def *avp_lookup(uint16_t vendor, uint16_t type);
/* Iterate the dictionary (for docs, tests and completion). */
const struct avp_def *avp_dict_entry(size_t i);
size_t avp_dict_size(void);
const char *avp_name(uint16_t vendor, uint16_t type, char *buf, size_t len);

/* Typed getters: fail (-1) unless the value has exactly that length. */
int avp_get_u8(const struct l2tp_avp *, uint8_t *);
int avp_get_u16(const struct l2tp_avp *, uint16_t *);
int avp_get_u32(const struct l2tp_avp *, uint32_t *);
int avp_get_u64(const struct l2tp_avp *, uint64_t *);
/* Copy at most n-1 bytes as a NUL-terminated string; -1 if it was cut. */
int avp_get_string(const struct l2tp_avp *, char *, size_t);
/* Copy the raw value; -1 if it does not fit. *outlen gets the length. */
int avp_get_bytes(const struct l2tp_avp *, void *, size_t, size_t *outlen);
void avp_reader(const struct l2tp_avp *, struct rbuf *);
/* Check the value length against the dictionary: 0 ok, -1 bad. */
int avp_check_len(const struct l2tp_avp *);

/*
 * Hidden AVPs (H bit): value' = (orig_len(2) | value | padding) XOR a
 * key stream of MD5(type(2) | secret | RV), then MD5(secret | previous
 * ciphertext block) for each further 16 bytes.  Both functions work on
 * caller buffers; unhide returns the plain length through *plain_len.
 */
int avp_hide(uint16_t type, const void *secret, size_t secret_len,
    const uint8_t *rv, size_t rv_len, const uint8_t *plain, size_t plain_len,
    size_t pad_len, uint8_t *out, size_t out_cap, size_t *out_len);
int avp_unhide(uint16_t type, const void *secret, size_t secret_len,
    const uint8_t *rv, size_t rv_len, const uint8_t *cipher, size_t cipher_len,
    uint8_t *out, size_t out_cap, size_t *plain_len);

#endif
