/*
 * Human and machine renderings of control messages: one line, a full AVP
 * dump, and JSON.  Names and value formats come from the AVP dictionary.
 * Used by debug logging, l2tpdump and tests.
 */
#ifndef L2TP_PROTO_DUMP_H
#define L2TP_PROTO_DUMP_H

#include "proto/msg.h"
#include "proto/sbuf.h"

/* "SCCRQ ccid=0 ns=0 nr=0 host=\"lac1\" ..." (a few key AVPs). */
int l2tp_msg_dump_line(const struct l2tp_msg *, struct sbuf *);
/* Header line then one line per AVP with name, flags and value. */
int l2tp_msg_dump_full(const struct l2tp_msg *, struct sbuf *);
/*
 * One JSON object, stable for scripts:
 *   {"type":"SCCRQ","typeCode":1,"encap":"udp","ccid":0,"ns":0,"nr":0,
 *    "length":81,"avps":[{"vendor":0,"type":7,"name":"hostName",
 *    "mandatory":true,"hidden":false,"length":4,"value":"lac1"},...]}
 * A ZLB has "typeCode":null; an unknown AVP "name":null.  Values: numbers
 * as numbers, text as strings, opaque bytes as a hex string, structured
 * AVPs as objects (Result Code {"result":2,"error":8,"message":"..."},
 * error and message only when present), a still-hidden value as null.
 */
int l2tp_msg_dump_json(const struct l2tp_msg *, struct sbuf *);
/* The value alone, formatted per the dictionary ("1024", "\"lac1\"",
 * "0x0102", "2 (General error) error=8"). */
int l2tp_avp_format(const struct l2tp_avp *, struct sbuf *);
int l2tp_avp_format_json(const struct l2tp_avp *, struct sbuf *);

#endif
