/*
 * Message schemas: which AVPs each message type requires and allows, and
 * what the RFC says to answer when a message breaks its schema.
 *
 * A required IETF AVP is also satisfied by its Cisco vendor-9 alias, so a
 * Cisco IOS in draft mode (9:1, 9:2, 9:10, no Router ID) validates.
 */
#ifndef L2TP_PROTO_SCHEMA_H
#define L2TP_PROTO_SCHEMA_H

#include <stdint.h>

#include "proto/msg.h"

/* What the receiver must do with a message that fails validation. */
enum l2tp_action {
	L2TP_ACT_ACCEPT, /* valid */
	L2TP_ACT_IGNORE, /* unknown non-M message: drop silently */
	L2TP_ACT_STOPCCN, /* control-connection scope: StopCCN */
	L2TP_ACT_CDN, /* session scope: CDN */
	L2TP_ACT_DROP, /* not worth an answer: drop and count */
};

struct l2tp_verdict {
	enum l2tp_perr err;
	enum l2tp_action action;
	uint16_t result; /* Result Code to send */
	uint16_t error; /* Error Code to send */
	uint16_t vendor; /* the AVP concerned, if any */
	uint16_t type;
	char reason[160]; /* human text; also the Result Code message */
};

enum l2tp_msg_scope {
	L2TP_SCOPE_CONN, /* SCCRQ..StopCCN, HELLO, ACK */
	L2TP_SCOPE_SESSION, /* ICRQ..SLI */
};

/* One rule of a schema: an AVP (or its Cisco alias) with a presence. */
enum l2tp_presence {
	L2TP_REQ, /* required (alias satisfies) */
	L2TP_OPT, /* allowed, at most once */
	L2TP_OPT_MULTI, /* allowed, may repeat */
	/* Required unless the message speaks Cisco draft mode: it carries
	 * 9:10, or gave a required AVP only as its Cisco alias. */
	L2TP_REQ_IETF,
};

struct l2tp_schema_rule {
	uint16_t type; /* IETF type (vendor 0), or see vendor */
	int16_t cisco_alias; /* vendor-9 type, or -1 */
	enum l2tp_presence presence;
	/* 0, or L2TP_VENDOR_CISCO for a Cisco-only AVP (9:10, 9:14):
	 * `type` is then the vendor-9 type. */
	uint16_t vendor;
};

struct l2tp_schema {
	uint16_t msg_type;
	const char *name; /* "SCCRQ" */
	const char *long_name; /* "Start-Control-Connection-Request" */
	enum l2tp_msg_scope scope;
	const struct l2tp_schema_rule *rules;
	size_t nrules;
};

const struct l2tp_schema *l2tp_schema_lookup(uint16_t msg_type);
const char *l2tp_action_name(enum l2tp_action); /* "stopccn" */

/*
 * Validate a decoded message.  Unknown AVPs without the M bit are allowed
 * anywhere (the RFC says ignore them); with the M bit they fail with
 * L2TP_E_UNKNOWN_M.  Fills *v in every case; returns 0 when the message is
 * acceptable (action ACCEPT), -1 otherwise: an unknown message type gives
 * L2TP_E_UNKNOWN_MSG with action IGNORE (no M bit) or STOPCCN (M bit).
 * A ZLB is acceptable when its CCID is not 0.
 */
int l2tp_msg_validate(const struct l2tp_msg *, struct l2tp_verdict *);

#endif
