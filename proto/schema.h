/*
 * Message schemas: which AVPs each message type requires and allows, and
 * what the RFC says to answer when a message breaks its schema.
 *
 * A required IETF AVP is also satisfied by its Cisco vendor-9 alias, so a
 * Cisco IOS in draft mode (9:1, 9:2, 9:10, no Router ID) validates.
 */
#ifndef L2TP_PROTO_SCHEMA_H
#define L2TP_PROTO_SCHEMA_H

#include <stddef.h>
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

/*
 * What a peer did that the RFC frowns on but that carries no meaning for
 * us: the message is accepted, and the daemon counts each kind per peer
 * and logs it once (issue 10: real peers are looser than RFC 3931).
 */
enum l2tp_deviation {
	L2TP_DEV_MISSING_AVP, /* an AVP the RFC requires that we act without */
	L2TP_DEV_UNLISTED_AVP, /* a known AVP the message does not list */
	L2TP_DEV_REPEATED_AVP, /* a single AVP repeated with the same value */
	L2TP_DEV_UNKNOWN_AVP, /* an unknown AVP we may ignore */
	L2TP_DEV__COUNT
};

struct l2tp_verdict {
	enum l2tp_perr err;
	enum l2tp_action action;
	uint16_t result; /* Result Code to send */
	uint16_t error; /* Error Code to send */
	uint16_t vendor; /* the AVP concerned, if any */
	uint16_t type;
	char reason[160]; /* human text; also the Result Code message */
	/* Tolerated deviations: bit (1 << enum l2tp_deviation) each, and
	 * the first AVP of each kind (for the log line). */
	uint8_t deviations;
	struct {
		uint16_t vendor;
		uint16_t type;
	} dev_avp[L2TP_DEV__COUNT];
};

enum l2tp_msg_scope {
	L2TP_SCOPE_CONN, /* SCCRQ..StopCCN, HELLO, ACK */
	L2TP_SCOPE_SESSION, /* ICRQ..SLI */
};

/* One rule of a schema: an AVP (or its Cisco alias) with a presence. */
enum l2tp_presence {
	L2TP_REQ, /* required: we cannot act without it (alias satisfies) */
	/* Required by RFC 3931, but we can act without it: its absence is
	 * a tolerated deviation (L2TP_DEV_MISSING_AVP), not a refusal. */
	L2TP_WANT,
	L2TP_OPT, /* allowed, at most once */
	L2TP_OPT_MULTI, /* allowed, may repeat */
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
/* "missing AVP"; and its JSON/metrics key "missingAvp". */
const char *l2tp_deviation_name(enum l2tp_deviation);
const char *l2tp_deviation_key(enum l2tp_deviation);
/* "Host Name (7)", "Assigned Connection ID (9:1)", "AVP 9:115". */
void l2tp_avp_label(uint16_t vendor, uint16_t type, char *buf, size_t len);

/*
 * Validate a decoded message.  Unknown AVPs without the M bit are allowed
 * anywhere (the RFC says ignore them); with the M bit they fail with
 * L2TP_E_UNKNOWN_M.  Known AVPs a message does not list are ignored,
 * whatever their M bit.  What is tolerated is reported in v->deviations.  Fills *v in every case; returns 0 when the message is
 * acceptable (action ACCEPT), -1 otherwise: an unknown message type gives
 * L2TP_E_UNKNOWN_MSG with action IGNORE (no M bit) or STOPCCN (M bit).
 * A ZLB is acceptable when its CCID is not 0.
 */
int l2tp_msg_validate(const struct l2tp_msg *, struct l2tp_verdict *);

#endif
