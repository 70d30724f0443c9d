/*
 * Walk a captured frame down to its L2TP datagram.  Every header is read
 * through an rbuf, so a frame cut anywhere only ends the walk; a frame
 * that stops before we know it is L2TP counts as other traffic.
 */
#include <string.h>

#include "proto/buf.h"
#include "proto/l2tp.h"
#include "proto/pcapwalk.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define VLAN_VID_MASK 0x0fff

#define IPPROTO_UDP_NUM 17
#define IPV4_MIN_HDR 20
#define IPV4_FRAG_OFF_MASK 0x1fff
#define IPV4_FRAG_MF 0x2000
#define IPV6_FRAG_OFF_MASK 0xfff8
#define IPV6_FRAG_M 0x0001
#define UDP_HDR_LEN 8

/* IPv6 extension headers we step over, by how they count their length. */
#define IP6_HOPOPTS 0
#define IP6_ROUTING 43
#define IP6_FRAGMENT 44
#define IP6_AH 51
#define IP6_DSTOPTS 60
#define IP6_MOBILITY 135
#define IP6_HIP 139
#define IP6_SHIM6 140

/* Where the IP layer left us: enough to judge the transport header. */
struct ip_body {
	uint8_t proto;
	size_t len; /* transport header + payload, per the IP header */
	int nonfirst; /* a fragment other than the first */
	int more; /* more fragments follow */
};

static enum l2tp_walk_result
walk_finish(struct rbuf *r, struct l2tp_walk *w, size_t wire_len)
{
	size_t have = rbuf_left(r);
	size_t n = have < wire_len ? have : wire_len;

	if (rbuf_view(r, n, &w->payload) == -1)
		return L2TP_WALK_NOT_L2TP;
	w->payload_len = n;
	w->wire_len = wire_len;
	return n < wire_len ? L2TP_WALK_TRUNCATED : L2TP_WALK_OK;
}

static int
port_wanted(uint16_t port, const uint16_t *ports, size_t nports)
{
	size_t i;

	for (i = 0; i < nports; i++)
		if (ports[i] == port)
			return 1;
	return 0;
}

static enum l2tp_walk_result
walk_udp(struct rbuf *r, struct l2tp_walk *w, const struct ip_body *b,
    const uint16_t *ports, size_t nports)
{
	uint16_t ulen;

	/* A later fragment has no UDP header: we cannot tell its port. */
	if (b->nonfirst)
		return L2TP_WALK_NOT_L2TP;
	if (b->len < UDP_HDR_LEN || rbuf_get_u16(r, &w->sport) == -1 ||
	    rbuf_get_u16(r, &w->dport) == -1 || rbuf_get_u16(r, &ulen) == -1 ||
	    rbuf_skip(r, 2) == -1)
		return L2TP_WALK_NOT_L2TP;
	if (!port_wanted(w->sport, ports, nports) &&
	    !port_wanted(w->dport, ports, nports))
		return L2TP_WALK_NOT_L2TP;
	w->encap = L2TP_ENCAP_UDP;
	if (b->more)
		return L2TP_WALK_FRAGMENT;
	/* Length 0 is an IPv6 jumbogram; otherwise trust the smaller. */
	if (ulen < UDP_HDR_LEN || ulen > b->len)
		ulen = (uint16_t)(b->len > 0xffff ? 0xffff : b->len);
	return walk_finish(r, w, ulen - UDP_HDR_LEN);
}

static enum l2tp_walk_result
walk_transport(struct rbuf *r, struct l2tp_walk *w, const struct ip_body *b,
    const uint16_t *ports, size_t nports)
{
	w->ip_proto = b->proto;
	if (b->proto == IPPROTO_UDP_NUM)
		return walk_udp(r, w, b, ports, nports);
	if (b->proto != L2TP_IP_PROTO && b->proto != L2TP_UTI_PROTO)
		return L2TP_WALK_NOT_L2TP;
	w->encap = L2TP_ENCAP_IP;
	if (b->nonfirst || b->more)
		return L2TP_WALK_FRAGMENT;
	return walk_finish(r, w, b->len);
}

static enum l2tp_walk_result
walk_ipv4(
    struct rbuf *r, struct l2tp_walk *w, const uint16_t *ports, size_t nports)
{
	struct ip_body b;
	uint8_t vihl;
	uint16_t totlen, frag;
	size_t hlen;

	if (rbuf_get_u8(r, &vihl) == -1 || (vihl >> 4) != 4)
		return L2TP_WALK_NOT_L2TP;
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < IPV4_MIN_HDR || rbuf_skip(r, 1) == -1 ||
	    rbuf_get_u16(r, &totlen) == -1 || rbuf_skip(r, 2) == -1 ||
	    rbuf_get_u16(r, &frag) == -1 || rbuf_skip(r, 1) == -1 ||
	    rbuf_get_u8(r, &b.proto) == -1 || rbuf_skip(r, 2) == -1 ||
	    rbuf_get_bytes(r, w->src, 4) == -1 ||
	    rbuf_get_bytes(r, w->dst, 4) == -1 ||
	    rbuf_skip(r, hlen - IPV4_MIN_HDR) == -1 || totlen < hlen)
		return L2TP_WALK_NOT_L2TP;
	w->family = 4;
	b.len = totlen - hlen;
	b.nonfirst = (frag & IPV4_FRAG_OFF_MASK) != 0;
	b.more = (frag & IPV4_FRAG_MF) != 0;
	return walk_transport(r, w, &b, ports, nports);
}

/* Step over one extension header; -1 when it does not fit. */
static int
skip_ext6(struct rbuf *r, struct ip_body *b)
{
	uint8_t next, hl;
	uint16_t offflags;
	size_t total;

	if (b->proto == IP6_FRAGMENT) {
		if (rbuf_get_u8(r, &next) == -1 || rbuf_skip(r, 1) == -1 ||
		    rbuf_get_u16(r, &offflags) == -1 || rbuf_skip(r, 4) == -1)
			return -1;
		total = 8;
		b->nonfirst = (offflags & IPV6_FRAG_OFF_MASK) != 0;
		b->more = (offflags & IPV6_FRAG_M) != 0;
	} else {
		if (rbuf_get_u8(r, &next) == -1 || rbuf_get_u8(r, &hl) == -1)
			return -1;
		/* AH counts 4-octet units minus 2, the rest 8-octet units
		 * not counting the first 8 octets. */
		if (b->proto == IP6_AH)
			total = ((size_t)hl + 2) * 4;
		else
			total = ((size_t)hl + 1) * 8;
		if (rbuf_skip(r, total - 2) == -1)
			return -1;
	}
	if (b->len < total)
		return -1;
	b->len -= total;
	b->proto = next;
	return 0;
}

static int
is_ext6(uint8_t proto)
{
	switch (proto) {
	case IP6_HOPOPTS:
	case IP6_ROUTING:
	case IP6_FRAGMENT:
	case IP6_AH:
	case IP6_DSTOPTS:
	case IP6_MOBILITY:
	case IP6_HIP:
	case IP6_SHIM6:
		return 1;
	default:
		return 0;
	}
}

static enum l2tp_walk_result
walk_ipv6(
    struct rbuf *r, struct l2tp_walk *w, const uint16_t *ports, size_t nports)
{
	struct ip_body b;
	uint32_t vtf;
	uint16_t plen;
	size_t i;

	if (rbuf_get_u32(r, &vtf) == -1 || (vtf >> 28) != 6 ||
	    rbuf_get_u16(r, &plen) == -1 || rbuf_get_u8(r, &b.proto) == -1 ||
	    rbuf_skip(r, 1) == -1 || rbuf_get_bytes(r, w->src, 16) == -1 ||
	    rbuf_get_bytes(r, w->dst, 16) == -1)
		return L2TP_WALK_NOT_L2TP;
	w->family = 6;
	/* Payload Length 0: a jumbogram, whose length is in an option. */
	b.len = plen != 0 ? plen : rbuf_left(r);
	b.nonfirst = 0;
	b.more = 0;
	for (i = 0; is_ext6(b.proto); i++) {
		if (i == L2TP_WALK_MAX_EXTHDRS || skip_ext6(r, &b) == -1)
			return L2TP_WALK_NOT_L2TP;
		if (b.nonfirst)
			break;
	}
	return walk_transport(r, w, &b, ports, nports);
}

static enum l2tp_walk_result
walk_ip(
    struct rbuf *r, struct l2tp_walk *w, const uint16_t *ports, size_t nports)
{
	uint16_t first;

	if (rbuf_peek_u16(r, 0, &first) == -1)
		return L2TP_WALK_NOT_L2TP;
	switch (first >> 12) {
	case 4:
		return walk_ipv4(r, w, ports, nports);
	case 6:
		return walk_ipv6(r, w, ports, nports);
	default:
		return L2TP_WALK_NOT_L2TP;
	}
}

static int
is_vlan_ethertype(uint16_t type)
{
	return type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
	    type == ETHERTYPE_QINQ_OLD;
}

static enum l2tp_walk_result
walk_ethertype(struct rbuf *r, uint16_t type, struct l2tp_walk *w,
    const uint16_t *ports, size_t nports)
{
	uint16_t tci;

	while (is_vlan_ethertype(type)) {
		if (w->nvlans == L2TP_WALK_MAX_VLANS ||
		    rbuf_get_u16(r, &tci) == -1 || rbuf_get_u16(r, &type) == -1)
			return L2TP_WALK_NOT_L2TP;
		w->vlan[w->nvlans++] = tci & VLAN_VID_MASK;
	}
	if (type == ETHERTYPE_IPV4)
		return walk_ipv4(r, w, ports, nports);
	if (type == ETHERTYPE_IPV6)
		return walk_ipv6(r, w, ports, nports);
	return L2TP_WALK_NOT_L2TP;
}

int
l2tp_walk_linktype_known(int linktype)
{
	switch (linktype) {
	case L2TP_LT_NULL:
	case L2TP_LT_EN10MB:
	case L2TP_LT_RAW_DLT:
	case L2TP_LT_RAW_BSD:
	case L2TP_LT_RAW:
	case L2TP_LT_LOOP:
	case L2TP_LT_LINUX_SLL:
	case L2TP_LT_IPV4:
	case L2TP_LT_IPV6:
	case L2TP_LT_LINUX_SLL2:
		return 1;
	default:
		return 0;
	}
}

enum l2tp_walk_result
l2tp_walk_frame(int linktype, const void *frame, size_t caplen,
    const uint16_t *ports, size_t nports, struct l2tp_walk *w)
{
	struct rbuf r;
	uint16_t type;

	memset(w, 0, sizeof(*w));
	rbuf_init(&r, frame, caplen);
	switch (linktype) {
	case L2TP_LT_EN10MB:
		/* destination and source MAC */
		if (rbuf_skip(&r, 12) == -1 || rbuf_get_u16(&r, &type) == -1)
			return L2TP_WALK_NOT_L2TP;
		return walk_ethertype(&r, type, w, ports, nports);
	case L2TP_LT_LINUX_SLL:
		/* packet type, ARPHRD, address length, 8 address bytes */
		if (rbuf_skip(&r, 14) == -1 || rbuf_get_u16(&r, &type) == -1)
			return L2TP_WALK_NOT_L2TP;
		return walk_ethertype(&r, type, w, ports, nports);
	case L2TP_LT_LINUX_SLL2:
		/* protocol first, then reserved, ifindex, ARPHRD, packet
		 * type, address length and 8 address bytes */
		if (rbuf_get_u16(&r, &type) == -1 || rbuf_skip(&r, 18) == -1)
			return L2TP_WALK_NOT_L2TP;
		return walk_ethertype(&r, type, w, ports, nports);
	case L2TP_LT_NULL:
	case L2TP_LT_LOOP:
		/* The address family's value (and, for NULL, its byte order)
		 * depends on the capturing OS; the IP version nibble does
		 * not. */
		if (rbuf_skip(&r, 4) == -1)
			return L2TP_WALK_NOT_L2TP;
		return walk_ip(&r, w, ports, nports);
	case L2TP_LT_RAW_DLT:
	case L2TP_LT_RAW_BSD:
	case L2TP_LT_RAW:
	case L2TP_LT_IPV4:
	case L2TP_LT_IPV6:
		return walk_ip(&r, w, ports, nports);
	default:
		return L2TP_WALK_LINKTYPE;
	}
}
