/*
 * Data packets (RFC 3931): over UDP a 32-bit word (T=0, version 3) then
 * the Session ID; over IP/115 the Session ID (non-zero) directly.  Then
 * the cookie (0, 4 or 8 bytes, as negotiated) and, when the default
 * L2-Specific Sublayer is in use, 32 bits: S bit and a 24-bit sequence.
 */
#ifndef L2TP_PROTO_DATA_H
#define L2TP_PROTO_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "proto/buf.h"
#include "proto/msg.h"

#define L2TP_COOKIE_MAX 8
#define L2TP_L2SS_S_BIT 0x40000000u
#define L2TP_L2SS_SEQ_MASK 0x00ffffffu

struct l2tp_data_hdr {
	uint32_t session_id;
	uint8_t cookie_len; /* 0, 4 or 8 */
	uint8_t cookie[L2TP_COOKIE_MAX];
	uint8_t l2ss; /* enum l2tp_l2ss */
	uint8_t seq_valid; /* S bit */
	uint32_t seq; /* 24 bits */
};

/*
 * Decode with the session's expected cookie length and sublayer (the
 * header does not say them).  *payload_off is where the frame starts.
 */
int l2tp_data_decode(const void *pkt, size_t len, enum l2tp_encap,
    uint8_t cookie_len, uint8_t l2ss, struct l2tp_data_hdr *,
    size_t *payload_off);
/* Only the Session ID (to look the session up before the rest). */
int l2tp_data_session_id(
    const void *pkt, size_t len, enum l2tp_encap, uint32_t *session_id);
int
l2tp_data_encode(struct wbuf *, enum l2tp_encap, const struct l2tp_data_hdr *);

#endif
