#include <config.h>

#include "proto/buf.h"
#include "proto/l2tp.h"
#include "proto/pktpeek.h"

#define IPV4_MIN_HDR 20

int
l2tp_ipv4_payload(
    const void *pkt, size_t len, const uint8_t **payload, size_t *payload_len)
{
	struct rbuf r;
	uint8_t vihl;
	uint16_t total;
	size_t hlen;

	rbuf_init(&r, pkt, len);
	if (rbuf_get_u8(&r, &vihl) == -1 || (vihl >> 4) != 4)
		return -1;
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < IPV4_MIN_HDR || rbuf_peek_u16(&r, 1, &total) == -1)
		return -1;
	/* The kernel hands raw sockets the whole datagram; trust the smaller
	 * of what arrived and what the header claims. */
	if (total > len)
		total = (uint16_t)len;
	if (total < hlen)
		return -1;
	rbuf_init(&r, pkt, total);
	if (rbuf_skip(&r, hlen) == -1)
		return -1;
	*payload_len = rbuf_left(&r);
	return rbuf_view(&r, *payload_len, payload);
}

int
l2tp_ctrl_peek_type(
    const void *dgram, size_t len, enum l2tp_encap encap, uint16_t *type)
{
	struct rbuf r;
	uint16_t flags_len, vendor, atype, value;

	rbuf_init(&r, dgram, len);
	if (encap == L2TP_ENCAP_IP && rbuf_skip(&r, L2TP_IP_SID_LEN) == -1)
		return -1;
	if (rbuf_skip(&r, L2TP_HDR_LEN) == -1)
		return -1;
	if (rbuf_left(&r) == 0) {
		*type = L2TP_MT_ZLB;
		return 0;
	}
	if (rbuf_get_u16(&r, &flags_len) == -1 ||
	    rbuf_get_u16(&r, &vendor) == -1 || rbuf_get_u16(&r, &atype) == -1 ||
	    rbuf_get_u16(&r, &value) == -1 || atype != L2TP_AVP_MESSAGE_TYPE)
		return -1;
	/* As the decoder: exactly a u16 value, never hidden. */
	if ((flags_len & L2TP_AVP_LEN_MASK) != L2TP_AVP_HDR_LEN + 2 ||
	    (flags_len & L2TP_AVP_F_H))
		return -1;
	if (vendor == L2TP_VENDOR_CISCO && value == L2TP_CISCO_MT_ACK)
		*type = L2TP_MT_ACK;
	else if (vendor == L2TP_VENDOR_IETF)
		*type = value;
	else
		return -1;
	return 0;
}
