/*
 * Small reads of raw datagrams that the daemon needs without a full
 * decode: the payload of an IPv4 raw-socket datagram (which arrives with
 * its IP header) and the message type of a control message we built
 * ourselves (to pick the digest's nonce rule and count retransmissions).
 */
#ifndef L2TP_PROTO_PKTPEEK_H
#define L2TP_PROTO_PKTPEEK_H

#include <stddef.h>
#include <stdint.h>

#include "proto/msg.h"

/* Skip the IPv4 header (options included) of a datagram read from a raw
 * socket; the payload ends where the IP Total Length says.  -1 when the
 * header is not a sane IPv4 header. */
int l2tp_ipv4_payload(
    const void *pkt, size_t len, const uint8_t **payload, size_t *payload_len);

/* The message type of a control datagram: L2TP_MT_ZLB when it has no
 * AVP, L2TP_MT_ACK for Cisco's 9:0 = 102, else the Message Type value.
 * Only the header and the first AVP are looked at. */
int l2tp_ctrl_peek_type(
    const void *dgram, size_t len, enum l2tp_encap, uint16_t *type);

#endif
