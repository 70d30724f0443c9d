/*
 * Finding the L2TP datagram inside a captured frame: link layer (Ethernet
 * with VLAN tags, Linux cooked SLL/SLL2, raw IP, BSD loopback), IPv4 or
 * IPv6 (extension headers skipped), then UDP on a chosen port, IP
 * protocol 115, or IP protocol 120 (Cisco's pre-standard UTI, which has
 * the L2TPv3-over-IP header).  Pure: bytes and a link type in, a view and addresses out;
 * no libpcap here, so the link types are the pcap LINKTYPE_/DLT_ numbers.
 */
#ifndef L2TP_PROTO_PCAPWALK_H
#define L2TP_PROTO_PCAPWALK_H

#include <stddef.h>
#include <stdint.h>

#include "proto/msg.h"

/* Link types (tcpdump.org LINKTYPE_ values and their DLT_ twins). */
#define L2TP_LT_NULL 0
#define L2TP_LT_EN10MB 1
#define L2TP_LT_RAW_DLT 12 /* DLT_RAW on Linux; LOOP on OpenBSD */
#define L2TP_LT_RAW_BSD 14 /* DLT_RAW on OpenBSD */
#define L2TP_LT_RAW 101
#define L2TP_LT_LOOP 108
#define L2TP_LT_LINUX_SLL 113
#define L2TP_LT_IPV4 228
#define L2TP_LT_IPV6 229
#define L2TP_LT_LINUX_SLL2 276

#define L2TP_WALK_MAX_VLANS 4
#define L2TP_WALK_MAX_EXTHDRS 16

enum l2tp_walk_result {
	L2TP_WALK_OK, /* an L2TP datagram, complete */
	L2TP_WALK_NOT_L2TP, /* some other traffic: skip quietly */
	L2TP_WALK_TRUNCATED, /* L2TP, but the capture cut it short */
	L2TP_WALK_FRAGMENT, /* L2TP in an IP fragment: not reassembled */
	L2TP_WALK_LINKTYPE, /* a link type we do not know */
};

struct l2tp_walk {
	int family; /* 4 or 6 */
	uint8_t src[16]; /* IPv4 uses the first 4 bytes */
	uint8_t dst[16];
	uint16_t sport; /* UDP only */
	uint16_t dport;
	enum l2tp_encap encap;
	uint8_t ip_proto; /* 17 (UDP), 115, or 120 (UTI) */
	size_t nvlans;
	uint16_t vlan[L2TP_WALK_MAX_VLANS]; /* VLAN IDs, outermost first */
	/* The L2TP datagram (IP: from the Session ID on). */
	const uint8_t *payload;
	size_t payload_len; /* what the capture holds */
	size_t wire_len; /* what the IP/UDP headers say it was */
};

/*
 * Walk one frame.  ports/nports are the UDP ports taken as L2TP (either
 * direction).  On L2TP_WALK_OK and L2TP_WALK_TRUNCATED, *w describes the
 * datagram (payload views into frame); otherwise only what was reached.
 */
enum l2tp_walk_result l2tp_walk_frame(int linktype, const void *frame,
    size_t caplen, const uint16_t *ports, size_t nports, struct l2tp_walk *w);
int l2tp_walk_linktype_known(int linktype);

#endif
