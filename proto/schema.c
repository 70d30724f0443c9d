/*
 * Message schemas (RFC 3931 section 6) and the validator that applies them.
 *
 * Each message type has one table of rules.  A rule names an IETF AVP, the
 * Cisco vendor-9 AVP that Cisco IOS sends in its place (if any), and its
 * presence: required, wanted (required by the RFC, but we can act
 * without it), optional once, or optional and repeatable.  The RFC lists
 * are widened with what real peers send (captures of Cisco IOS, OpenRPD,
 * ProL2TP, freeRtr, xcesp): the L2TPv2-era AVPs Cisco still puts in its
 * SCCRQ/ICRQ/ICCN, the Cisco-only Draft AVP Version and Interface MTU,
 * and Circuit Status in ICCN.  Each rule says why it is what it is.
 *
 * Be liberal in what we accept (issue 10): a peer is refused only for
 * what we cannot act on.  The policy, in the order the validator applies
 * it:
 *  - An unknown message type is ignored, unless its Message Type AVP has
 *    the M bit: then the control connection is cleared (RFC 3931 5.4.1).
 *  - Every message but SCCRQ names a control connection: header CCID 0
 *    cannot be matched to one and is dropped.
 *  - AVPs are then taken in order.  One the schema does not list is
 *    ignored: a known one whatever its M bit (freeRtr's ICRP carries Call
 *    Serial Number with M; the bit is about AVPs the receiver does not
 *    recognise), an unknown one without M.  An unknown one with the M bit
 *    fails (L2TP_E_UNKNOWN_M), as the RFC asks.  One vendor is exempt:
 *    CableLabs (4491) DEPI equipment sets the M bit on its AVPs in every
 *    message (see the OpenRPD captures).  We do not implement DEPI, but
 *    tearing down on them gains nothing: such a peer offers only DEPI
 *    pseudowire types (12, 13), which session setup refuses with a
 *    precise CDN anyway.
 *  - An AVP listed once may not repeat, except that an exact repeat (same
 *    flags, same value) is tolerated: Cisco's uBR10k sends Pseudowire Type
 *    twice in its ICRQ and Data Sequencing twice in its ICRP, always with
 *    the same value, so the repeat carries no ambiguity.  The IETF AVP and
 *    its Cisco alias are counted apart: Cisco's IETF mode sends both.
 *  - Required AVPs are satisfied by their Cisco alias; a missing one is a
 *    refusal.  A missing wanted AVP is not.
 * Everything tolerated is reported in the verdict's deviations, so the
 * daemon can count it per peer and log it once.
 *
 * Answers: a connection-scope message that fails gets StopCCN, a session
 * one CDN, both with Result Code 2 (general error) and an Error Code that
 * says why: 2 bad length, 3 bad, missing or repeated value, 8 unrecognised
 * mandatory AVP.  Validation allocates nothing and visits each AVP once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proto/schema.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* Bounds of the per-call lookup maps (rule types must stay below them). */
#define SCHEMA_MAX_RULES 48
#define SCHEMA_IETF_TYPES 128
#define SCHEMA_CISCO_TYPES 32

#define NO_ALIAS (-1)
#define RULE(t, a, p) \
	{ \
		.type = (t), .cisco_alias = (a), .presence = (p) \
	}
#define REQ(t, a) RULE(t, a, L2TP_REQ)
#define WANT(t, a) RULE(t, a, L2TP_WANT)
#define OPT(t, a) RULE(t, a, L2TP_OPT)
#define CISCO_OPT(t) \
	{ \
		.type = (t), .cisco_alias = NO_ALIAS, .presence = L2TP_OPT, \
		.vendor = L2TP_VENDOR_CISCO \
	}

/* In every message (RFC 3931 section 5.4.1; Random Vector precedes each
 * run of hidden AVPs, so it may repeat). */
#define COMMON_RULES \
	REQ(L2TP_AVP_MESSAGE_TYPE, L2TP_CISCO_MESSAGE_TYPE), \
	    OPT(L2TP_AVP_MESSAGE_DIGEST, L2TP_CISCO_MESSAGE_DIGEST), \
	    RULE(L2TP_AVP_RANDOM_VECTOR, NO_ALIAS, L2TP_OPT_MULTI)

/*
 * SCCRQ and SCCRP share all but the tie breaker and the response.
 * Host Name: wanted; it is shown, and a tunnel that names the peer's host
 * name matches no SCCRQ without it.  Router ID: wanted, shown only
 * (Cisco's draft mode never sends it).  Assigned Control Connection ID:
 * required, it is where we send everything.  Pseudowire Capabilities:
 * wanted; we never act on it (a call of a type the peer lacks is refused
 * by the peer's CDN).
 */
#define CONN_SETUP_RULES \
	COMMON_RULES, WANT(L2TP_AVP_HOST_NAME, NO_ALIAS), \
	    WANT(L2TP_AVP_ROUTER_ID, NO_ALIAS), \
	    REQ(L2TP_AVP_ASSIGNED_CCID, L2TP_CISCO_ASSIGNED_CCID), \
	    WANT(L2TP_AVP_PW_CAPS, L2TP_CISCO_PW_CAPS), \
	    OPT(L2TP_AVP_CTRL_AUTH_NONCE, L2TP_CISCO_AUTH_NONCE), \
	    OPT(L2TP_AVP_VENDOR_NAME, NO_ALIAS), \
	    OPT(L2TP_AVP_RECV_WINDOW, NO_ALIAS), \
	    OPT(L2TP_AVP_PREFERRED_LANGUAGE, NO_ALIAS), \
	    OPT(L2TP_AVP_PROTOCOL_VERSION, NO_ALIAS), \
	    OPT(L2TP_AVP_FRAMING_CAPS, NO_ALIAS), \
	    OPT(L2TP_AVP_BEARER_CAPS, NO_ALIAS), \
	    OPT(L2TP_AVP_FIRMWARE_REV, NO_ALIAS), \
	    OPT(L2TP_AVP_CHALLENGE, NO_ALIAS), \
	    CISCO_OPT(L2TP_CISCO_DRAFT_AVP_VERSION)

/* What ICRQ/OCRQ, ICRP/OCRP and ICCN/OCCN may carry about the circuit. */
#define CALL_PARAM_RULES \
	OPT(L2TP_AVP_L2_SPECIFIC_SUBLAYER, NO_ALIAS), \
	    OPT(L2TP_AVP_DATA_SEQUENCING, NO_ALIAS), \
	    OPT(L2TP_AVP_TX_CONNECT_SPEED, NO_ALIAS), \
	    OPT(L2TP_AVP_RX_CONNECT_SPEED_V3, NO_ALIAS), \
	    OPT(L2TP_AVP_CONNECT_SPEED, NO_ALIAS), \
	    OPT(L2TP_AVP_RX_CONNECT_SPEED, NO_ALIAS), \
	    OPT(L2TP_AVP_PHYS_CHANNEL_ID, NO_ALIAS), \
	    OPT(L2TP_AVP_SEQUENCING_REQUIRED, NO_ALIAS)

/* Both IDs are required after the request: the Remote Session ID finds
 * our session, the Local one is what we answer to. */
#define SESSION_IDS \
	REQ(L2TP_AVP_LOCAL_SESSION_ID, L2TP_CISCO_LOCAL_SESSION_ID), \
	    REQ(L2TP_AVP_REMOTE_SESSION_ID, L2TP_CISCO_REMOTE_SESSION_ID)

/* RFC 4667 L2VPN identities, offered with a call. */
#define L2VPN_RULES \
	OPT(L2TP_AVP_ATTACHMENT_GROUP_ID, NO_ALIAS), \
	    OPT(L2TP_AVP_LOCAL_END_ID, NO_ALIAS), \
	    OPT(L2TP_AVP_REMOTE_END_ID_4667, NO_ALIAS)

/*
 * ICRQ and OCRQ: the request that creates a session.  Local Session ID:
 * required, the peer's ID for everything we send.  Remote Session ID:
 * wanted; it is 0 in a request anyway.  Call Serial Number: wanted, it
 * is informational (xcesp sends none).  Pseudowire Type: required, we
 * must check it against ours.  Remote End ID: wanted; without it the
 * call matches only a session configured for any end ID, else it is
 * refused by that rule with CDN 4.  Circuit Status: wanted; without it
 * the peer's circuit counts as up (Cisco's draft mode sends none).
 */
#define CALL_REQUEST_RULES \
	COMMON_RULES, \
	    REQ(L2TP_AVP_LOCAL_SESSION_ID, L2TP_CISCO_LOCAL_SESSION_ID), \
	    WANT(L2TP_AVP_REMOTE_SESSION_ID, L2TP_CISCO_REMOTE_SESSION_ID), \
	    WANT(L2TP_AVP_CALL_SERIAL, NO_ALIAS), \
	    REQ(L2TP_AVP_PW_TYPE, L2TP_CISCO_PW_TYPE), \
	    WANT(L2TP_AVP_REMOTE_END_ID, L2TP_CISCO_REMOTE_END_ID), \
	    WANT(L2TP_AVP_CIRCUIT_STATUS, L2TP_CISCO_CIRCUIT_STATUS), \
	    OPT(L2TP_AVP_ASSIGNED_COOKIE, L2TP_CISCO_ASSIGNED_COOKIE), \
	    OPT(L2TP_AVP_TIE_BREAKER, L2TP_CISCO_SESSION_TIE_BREAKER), \
	    OPT(L2TP_AVP_BEARER_TYPE, NO_ALIAS), \
	    OPT(L2TP_AVP_CALLED_NUMBER, NO_ALIAS), \
	    OPT(L2TP_AVP_CALLING_NUMBER, NO_ALIAS), \
	    OPT(L2TP_AVP_SUB_ADDRESS, NO_ALIAS), \
	    CISCO_OPT(L2TP_CISCO_INTERFACE_MTU), CALL_PARAM_RULES, L2VPN_RULES

/* ICRP and OCRP: the answer that accepts it.  Circuit Status: wanted, as
 * in the request. */
#define CALL_REPLY_RULES \
	COMMON_RULES, SESSION_IDS, \
	    WANT(L2TP_AVP_CIRCUIT_STATUS, L2TP_CISCO_CIRCUIT_STATUS), \
	    OPT(L2TP_AVP_ASSIGNED_COOKIE, L2TP_CISCO_ASSIGNED_COOKIE), \
	    OPT(L2TP_AVP_PW_TYPE, L2TP_CISCO_PW_TYPE), \
	    CISCO_OPT(L2TP_CISCO_INTERFACE_MTU), CALL_PARAM_RULES, L2VPN_RULES

/* ICCN and OCCN: the session is up. */
#define CALL_CONNECTED_RULES \
	COMMON_RULES, SESSION_IDS, \
	    OPT(L2TP_AVP_CIRCUIT_STATUS, L2TP_CISCO_CIRCUIT_STATUS), \
	    OPT(L2TP_AVP_FRAMING_TYPE, NO_ALIAS), \
	    OPT(L2TP_AVP_BEARER_TYPE, NO_ALIAS), \
	    OPT(L2TP_AVP_INIT_RCVD_LCP, NO_ALIAS), \
	    OPT(L2TP_AVP_LAST_SENT_LCP, NO_ALIAS), \
	    OPT(L2TP_AVP_LAST_RCVD_LCP, NO_ALIAS), \
	    OPT(L2TP_AVP_PROXY_AUTHEN_TYPE, NO_ALIAS), \
	    OPT(L2TP_AVP_PROXY_AUTHEN_NAME, NO_ALIAS), \
	    OPT(L2TP_AVP_PROXY_AUTHEN_CHALLENGE, NO_ALIAS), \
	    OPT(L2TP_AVP_PROXY_AUTHEN_ID, NO_ALIAS), \
	    OPT(L2TP_AVP_PROXY_AUTHEN_RESPONSE, NO_ALIAS), \
	    OPT(L2TP_AVP_PRIVATE_GROUP_ID, NO_ALIAS), CALL_PARAM_RULES

static const struct l2tp_schema_rule sccrq_rules[] = {
	CONN_SETUP_RULES,
	OPT(L2TP_AVP_TIE_BREAKER, NO_ALIAS),
};

static const struct l2tp_schema_rule sccrp_rules[] = {
	CONN_SETUP_RULES,
	OPT(L2TP_AVP_CHALLENGE_RESPONSE, NO_ALIAS),
};

static const struct l2tp_schema_rule scccn_rules[] = {
	COMMON_RULES,
	OPT(L2TP_AVP_CHALLENGE_RESPONSE, NO_ALIAS),
};

/* StopCCN: the Result Code is what we act on and show; required. */
static const struct l2tp_schema_rule stopccn_rules[] = {
	COMMON_RULES,
	REQ(L2TP_AVP_RESULT_CODE, NO_ALIAS),
	OPT(L2TP_AVP_ASSIGNED_CCID, L2TP_CISCO_ASSIGNED_CCID),
};

/* HELLO and ACK carry nothing of their own. */
static const struct l2tp_schema_rule bare_rules[] = {
	COMMON_RULES,
};

static const struct l2tp_schema_rule ocrq_rules[] = {
	CALL_REQUEST_RULES,
	OPT(L2TP_AVP_MIN_BPS, NO_ALIAS),
	OPT(L2TP_AVP_MAX_BPS, NO_ALIAS),
	OPT(L2TP_AVP_FRAMING_TYPE, NO_ALIAS),
};

static const struct l2tp_schema_rule icrq_rules[] = {
	CALL_REQUEST_RULES,
};

static const struct l2tp_schema_rule call_reply_rules[] = {
	CALL_REPLY_RULES,
};

static const struct l2tp_schema_rule call_connected_rules[] = {
	CALL_CONNECTED_RULES,
};

/* CDN: as StopCCN, the Result Code is required. */
static const struct l2tp_schema_rule cdn_rules[] = {
	COMMON_RULES,
	REQ(L2TP_AVP_RESULT_CODE, NO_ALIAS),
	SESSION_IDS,
	OPT(L2TP_AVP_Q931_CAUSE, NO_ALIAS),
	OPT(L2TP_AVP_PPP_DISCONNECT_CAUSE, NO_ALIAS),
};

/* WEN: Call Errors is only counted, never acted on: wanted. */
static const struct l2tp_schema_rule wen_rules[] = {
	COMMON_RULES,
	SESSION_IDS,
	WANT(L2TP_AVP_CALL_ERRORS, NO_ALIAS),
};

/* SLI: Circuit Status is optional in RFC 3931's SLI, and Cisco's draft
 * mode sends its SLI with only the session IDs and 9:114; without it the
 * SLI changes no circuit state. */
static const struct l2tp_schema_rule sli_rules[] = {
	COMMON_RULES,
	SESSION_IDS,
	OPT(L2TP_AVP_CIRCUIT_STATUS, L2TP_CISCO_CIRCUIT_STATUS),
	OPT(L2TP_AVP_ACCM, NO_ALIAS),
};

#define SCHEMA(mt, n, ln, sc, r) \
	{ \
		.msg_type = (mt), .name = (n), .long_name = (ln), \
		.scope = (sc), .rules = (r), .nrules = nitems(r) \
	}

static const struct l2tp_schema schemas[] = {
	SCHEMA(L2TP_MT_SCCRQ, "SCCRQ", "Start-Control-Connection-Request",
	    L2TP_SCOPE_CONN, sccrq_rules),
	SCHEMA(L2TP_MT_SCCRP, "SCCRP", "Start-Control-Connection-Reply",
	    L2TP_SCOPE_CONN, sccrp_rules),
	SCHEMA(L2TP_MT_SCCCN, "SCCCN", "Start-Control-Connection-Connected",
	    L2TP_SCOPE_CONN, scccn_rules),
	SCHEMA(L2TP_MT_STOPCCN, "StopCCN",
	    "Stop-Control-Connection-Notification", L2TP_SCOPE_CONN,
	    stopccn_rules),
	SCHEMA(L2TP_MT_HELLO, "HELLO", "Hello", L2TP_SCOPE_CONN, bare_rules),
	SCHEMA(L2TP_MT_OCRQ, "OCRQ", "Outgoing-Call-Request",
	    L2TP_SCOPE_SESSION, ocrq_rules),
	SCHEMA(L2TP_MT_OCRP, "OCRP", "Outgoing-Call-Reply", L2TP_SCOPE_SESSION,
	    call_reply_rules),
	SCHEMA(L2TP_MT_OCCN, "OCCN", "Outgoing-Call-Connected",
	    L2TP_SCOPE_SESSION, call_connected_rules),
	SCHEMA(L2TP_MT_ICRQ, "ICRQ", "Incoming-Call-Request",
	    L2TP_SCOPE_SESSION, icrq_rules),
	SCHEMA(L2TP_MT_ICRP, "ICRP", "Incoming-Call-Reply", L2TP_SCOPE_SESSION,
	    call_reply_rules),
	SCHEMA(L2TP_MT_ICCN, "ICCN", "Incoming-Call-Connected",
	    L2TP_SCOPE_SESSION, call_connected_rules),
	SCHEMA(L2TP_MT_CDN, "CDN", "Call-Disconnect-Notify", L2TP_SCOPE_SESSION,
	    cdn_rules),
	SCHEMA(L2TP_MT_WEN, "WEN", "WAN-Error-Notify", L2TP_SCOPE_SESSION,
	    wen_rules),
	SCHEMA(
	    L2TP_MT_SLI, "SLI", "Set-Link-Info", L2TP_SCOPE_SESSION, sli_rules),
	SCHEMA(L2TP_MT_ACK, "ACK", "Explicit-Acknowledgement", L2TP_SCOPE_CONN,
	    bare_rules),
};

_Static_assert(nitems(sccrq_rules) <= SCHEMA_MAX_RULES, "SCCRQ rules");
_Static_assert(nitems(sccrp_rules) <= SCHEMA_MAX_RULES, "SCCRP rules");
_Static_assert(nitems(ocrq_rules) <= SCHEMA_MAX_RULES, "OCRQ rules");
_Static_assert(nitems(icrq_rules) <= SCHEMA_MAX_RULES, "ICRQ rules");
_Static_assert(nitems(call_reply_rules) <= SCHEMA_MAX_RULES, "reply rules");
_Static_assert(
    nitems(call_connected_rules) <= SCHEMA_MAX_RULES, "connected rules");

/* Per-call state: which rule each AVP type belongs to, and where each rule
 * was first seen ([0] its own AVP, [1] its Cisco alias; -1 = not yet). */
struct vstate {
	const struct l2tp_msg *msg;
	const struct l2tp_schema *schema;
	struct l2tp_verdict *v;
	uint8_t ietf_rule[SCHEMA_IETF_TYPES]; /* rule index + 1, 0 = none */
	uint8_t cisco_rule[SCHEMA_CISCO_TYPES]; /* rule index + 1, 0 = none */
	int16_t first[SCHEMA_MAX_RULES][2];
};

const struct l2tp_schema *
l2tp_schema_lookup(uint16_t msg_type)
{
	size_t i;

	for (i = 0; i < nitems(schemas); i++)
		if (schemas[i].msg_type == msg_type)
			return &schemas[i];
	return NULL;
}

const char *
l2tp_action_name(enum l2tp_action action)
{
	switch (action) {
	case L2TP_ACT_ACCEPT:
		return "accept";
	case L2TP_ACT_IGNORE:
		return "ignore";
	case L2TP_ACT_STOPCCN:
		return "stopccn";
	case L2TP_ACT_CDN:
		return "cdn";
	case L2TP_ACT_DROP:
		return "drop";
	}
	return "unknown";
}

/* The schema a decoded message is checked against.  The decoder turns
 * Cisco's ACK (9:0 with value 102) into L2TP_MT_ACK; any other 9:0 value
 * is Cisco's own number space, which we do not know. */
static const struct l2tp_schema *
schema_for(const struct l2tp_msg *m)
{
	if (m->type_vendor == L2TP_VENDOR_CISCO && m->type != L2TP_MT_ACK)
		return NULL;
	return l2tp_schema_lookup(m->type);
}

static const struct {
	const char *name;
	const char *key;
} deviation_names[L2TP_DEV__COUNT] = {
	[L2TP_DEV_MISSING_AVP] = { "missing AVP", "missingAvp" },
	[L2TP_DEV_UNLISTED_AVP] = { "AVP not listed for the message",
	    "unlistedAvp" },
	[L2TP_DEV_REPEATED_AVP] = { "repeated AVP", "repeatedAvp" },
	[L2TP_DEV_UNKNOWN_AVP] = { "unknown AVP ignored", "unknownAvp" },
};

const char *
l2tp_deviation_name(enum l2tp_deviation d)
{
	return d < L2TP_DEV__COUNT ? deviation_names[d].name : "unknown";
}

const char *
l2tp_deviation_key(enum l2tp_deviation d)
{
	return d < L2TP_DEV__COUNT ? deviation_names[d].key : "unknown";
}

void
l2tp_avp_label(uint16_t vendor, uint16_t type, char *buf, size_t len)
{
	const struct avp_def *def = avp_lookup(vendor, type);

	if (def != NULL && vendor == L2TP_VENDOR_IETF)
		snprintf(buf, len, "%s (%u)", def->name, type);
	else if (def != NULL)
		snprintf(buf, len, "%s (%u:%u)", def->name, vendor, type);
	else if (vendor == L2TP_VENDOR_IETF)
		snprintf(buf, len, "AVP %u", type);
	else
		snprintf(buf, len, "AVP %u:%u", vendor, type);
}

static void
verdict_set(struct l2tp_verdict *v, enum l2tp_perr err, enum l2tp_action action,
    uint16_t result, uint16_t error)
{
	v->err = err;
	v->action = action;
	v->result = result;
	v->error = error;
}

/* Something tolerated: the first AVP of each kind is kept for the log. */
static int
tolerate(
    struct vstate *st, enum l2tp_deviation d, uint16_t vendor, uint16_t type)
{
	struct l2tp_verdict *v = st->v;

	if (!(v->deviations & (1u << d))) {
		v->deviations |= (uint8_t)(1u << d);
		v->dev_avp[d].vendor = vendor;
		v->dev_avp[d].type = type;
	}
	return 0;
}

/* A failure of this message: StopCCN or CDN by scope, Result Code 2. */
static int
fail(struct vstate *st, enum l2tp_perr err, uint16_t error, uint16_t vendor,
    uint16_t type, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int
fail(struct vstate *st, enum l2tp_perr err, uint16_t error, uint16_t vendor,
    uint16_t type, const char *fmt, ...)
{
	struct l2tp_verdict *v = st->v;
	va_list ap;

	if (st->schema->scope == L2TP_SCOPE_SESSION)
		verdict_set(
		    v, err, L2TP_ACT_CDN, L2TP_CDN_GENERAL_ERROR, error);
	else
		verdict_set(v, err, L2TP_ACT_STOPCCN,
		    L2TP_STOPCCN_GENERAL_ERROR, error);
	v->vendor = vendor;
	v->type = type;
	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof(v->reason), fmt, ap);
	va_end(ap);
	return -1;
}

static void
map_rules(struct vstate *st)
{
	const struct l2tp_schema *s = st->schema;
	const struct l2tp_schema_rule *r;
	size_t i;

	memset(st->ietf_rule, 0, sizeof(st->ietf_rule));
	memset(st->cisco_rule, 0, sizeof(st->cisco_rule));
	for (i = 0; i < s->nrules; i++) {
		r = &s->rules[i];
		st->first[i][0] = st->first[i][1] = -1;
		if (r->vendor == L2TP_VENDOR_CISCO)
			st->cisco_rule[r->type] = (uint8_t)(i + 1);
		else
			st->ietf_rule[r->type] = (uint8_t)(i + 1);
		if (r->cisco_alias >= 0)
			st->cisco_rule[r->cisco_alias] = (uint8_t)(i + 1);
	}
}

/* The rule an AVP falls under and which of its two slots; -1 if none. */
static int
rule_of(const struct vstate *st, const struct l2tp_avp *a, int *slot)
{
	int ri;

	if (a->vendor == L2TP_VENDOR_IETF && a->type < SCHEMA_IETF_TYPES) {
		ri = st->ietf_rule[a->type] - 1;
		*slot = 0;
	} else if (a->vendor == L2TP_VENDOR_CISCO &&
	    a->type < SCHEMA_CISCO_TYPES) {
		ri = st->cisco_rule[a->type] - 1;
		if (ri >= 0)
			*slot =
			    st->schema->rules[ri].vendor == L2TP_VENDOR_CISCO
			    ? 0
			    : 1;
	} else
		ri = -1;
	return ri;
}

static int
same_avp(const struct l2tp_avp *a, const struct l2tp_avp *b)
{
	return a->flags == b->flags && a->len == b->len &&
	    a->hidden == b->hidden &&
	    (a->len == 0 || memcmp(a->value, b->value, a->len) == 0);
}

/* An AVP that names something the sender assigns must not name 0. */
static int
assigns_id(const struct vstate *st, const struct l2tp_avp *a)
{
	uint16_t mt = st->schema->msg_type;

	if (a->type ==
	    (a->vendor == L2TP_VENDOR_IETF ? L2TP_AVP_ASSIGNED_CCID
					   : L2TP_CISCO_ASSIGNED_CCID))
		return 1;
	if (mt != L2TP_MT_ICRQ && mt != L2TP_MT_ICRP && mt != L2TP_MT_OCRQ &&
	    mt != L2TP_MT_OCRP)
		return 0;
	return a->type ==
	    (a->vendor == L2TP_VENDOR_IETF ? L2TP_AVP_LOCAL_SESSION_ID
					   : L2TP_CISCO_LOCAL_SESSION_ID);
}

static int
check_value(struct vstate *st, const struct l2tp_avp *a)
{
	char label[96];
	uint32_t id;

	if (a->hidden || a->def == NULL)
		return 0;
	if (avp_check_len(a) == -1) {
		l2tp_avp_label(a->vendor, a->type, label, sizeof(label));
		return fail(st, L2TP_E_AVP_LEN, L2TP_ERR_BAD_LENGTH, a->vendor,
		    a->type, "bad length %u for %s in %s", a->len, label,
		    st->schema->name);
	}
	if (assigns_id(st, a) && avp_get_u32(a, &id) == 0 && id == 0) {
		l2tp_avp_label(a->vendor, a->type, label, sizeof(label));
		return fail(st, L2TP_E_BAD_VALUE, L2TP_ERR_BAD_VALUE, a->vendor,
		    a->type, "%s is 0 in %s", label, st->schema->name);
	}
	return 0;
}

/* An AVP this schema does not list: ignored, unless it is unknown and
 * has the M bit (RFC 3931 5.2: the sender insists we understand it). */
static int
check_unlisted(struct vstate *st, const struct l2tp_avp *a)
{
	char label[96];

	if (a->def != NULL)
		return tolerate(st, L2TP_DEV_UNLISTED_AVP, a->vendor, a->type);
	if (!(a->flags & L2TP_AVP_F_M) || a->vendor == L2TP_VENDOR_CABLELABS)
		return tolerate(st, L2TP_DEV_UNKNOWN_AVP, a->vendor, a->type);
	l2tp_avp_label(a->vendor, a->type, label, sizeof(label));
	return fail(st, L2TP_E_UNKNOWN_M, L2TP_ERR_UNKNOWN_M_AVP, a->vendor,
	    a->type, "unknown mandatory %s in %s", label, st->schema->name);
}

static int
check_avp(struct vstate *st, size_t i)
{
	const struct l2tp_avp *a = &st->msg->avps[i];
	const struct l2tp_schema_rule *r;
	char label[96];
	int ri, slot = 0;
	int16_t *first;

	if ((ri = rule_of(st, a, &slot)) < 0)
		return check_unlisted(st, a);
	r = &st->schema->rules[ri];
	first = &st->first[ri][slot];
	if (*first < 0) {
		*first = (int16_t)i;
		return check_value(st, a);
	}
	if (r->presence == L2TP_OPT_MULTI)
		return check_value(st, a);
	if (same_avp(&st->msg->avps[*first], a))
		return tolerate(st, L2TP_DEV_REPEATED_AVP, a->vendor, a->type);
	l2tp_avp_label(a->vendor, a->type, label, sizeof(label));
	return fail(st, L2TP_E_DUPLICATE, L2TP_ERR_BAD_VALUE, a->vendor,
	    a->type, "duplicate %s in %s", label, st->schema->name);
}

static int
check_required(struct vstate *st)
{
	const struct l2tp_schema_rule *r;
	char label[96];
	size_t i;

	for (i = 0; i < st->schema->nrules; i++) {
		r = &st->schema->rules[i];
		if (st->first[i][0] >= 0 || st->first[i][1] >= 0)
			continue;
		if (r->presence == L2TP_WANT) {
			(void)tolerate(
			    st, L2TP_DEV_MISSING_AVP, r->vendor, r->type);
			continue;
		}
		if (r->presence == L2TP_REQ) {
			l2tp_avp_label(
			    r->vendor, r->type, label, sizeof(label));
			return fail(st, L2TP_E_MISSING, L2TP_ERR_BAD_VALUE,
			    r->vendor, r->type, "missing required AVP %s in %s",
			    label, st->schema->name);
		}
	}
	return 0;
}

static int
verdict_accept(struct l2tp_verdict *v)
{
	verdict_set(v, L2TP_OK, L2TP_ACT_ACCEPT, 0, 0);
	return 0;
}

static int
unknown_type(const struct l2tp_msg *m, struct l2tp_verdict *v)
{
	v->vendor = m->type_vendor;
	v->type = L2TP_AVP_MESSAGE_TYPE;
	if (!m->type_m) {
		verdict_set(v, L2TP_E_UNKNOWN_MSG, L2TP_ACT_IGNORE, 0, 0);
		snprintf(v->reason, sizeof(v->reason),
		    "unknown message type %u ignored", m->type);
		return -1;
	}
	verdict_set(v, L2TP_E_UNKNOWN_MSG, L2TP_ACT_STOPCCN,
	    L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_BAD_VALUE);
	snprintf(v->reason, sizeof(v->reason),
	    "unknown mandatory message type %u", m->type);
	return -1;
}

/* Only an SCCRQ may come before the peer knows our CCID. */
static int
zero_ccid(const char *name, struct l2tp_verdict *v)
{
	verdict_set(v, L2TP_E_ZERO_CCID, L2TP_ACT_DROP,
	    L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_NO_CONTROL_CONN);
	snprintf(v->reason, sizeof(v->reason),
	    "%s with Control Connection ID 0", name);
	return -1;
}

int
l2tp_msg_validate(const struct l2tp_msg *m, struct l2tp_verdict *v)
{
	struct vstate st;
	size_t i;

	memset(v, 0, sizeof(*v));
	if (m->type == L2TP_MT_ZLB && m->navps == 0)
		return m->hdr.ccid == 0 ? zero_ccid("ZLB", v)
					: verdict_accept(v);
	st.msg = m;
	st.v = v;
	if ((st.schema = schema_for(m)) == NULL)
		return unknown_type(m, v);
	if (m->hdr.ccid == 0 && st.schema->msg_type != L2TP_MT_SCCRQ)
		return zero_ccid(st.schema->name, v);
	map_rules(&st);
	for (i = 0; i < m->navps; i++)
		if (check_avp(&st, i) == -1)
			return -1;
	if (check_required(&st) == -1)
		return -1;
	return verdict_accept(v);
}
