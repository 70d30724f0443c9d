/*
 * Message schemas: every message type validates, and every way of
 * breaking a schema gives the error, action and Result/Error Code that
 * RFC 3931 asks for.  Messages are built with proto/'s writer from tables
 * of AVPs, then decoded, so the validator sees exactly what arrives from
 * the wire; a few real messages from the third-party captures are kept as
 * raw bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "proto/msg.h"
#include "proto/schema.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_SPEC_AVPS 40

/* One AVP to write: a number of len bytes, or a byte string. */
struct avp_spec {
	uint16_t vendor;
	uint16_t type;
	uint8_t m;
	uint16_t len;
	uint64_t num;
	const char *bytes;
};

#define U16(v, t, m, x) \
	{ \
		(v), (t), (m), 2, (x), NULL \
	}
#define U32(v, t, m, x) \
	{ \
		(v), (t), (m), 4, (x), NULL \
	}
#define U64(v, t, m, x) \
	{ \
		(v), (t), (m), 8, (x), NULL \
	}
#define BYTES(v, t, m, s) \
	{ \
		(v), (t), (m), sizeof(s) - 1, 0, (s) \
	}
#define NOVAL(v, t, m) \
	{ \
		(v), (t), (m), 0, 0, "" \
	}
#define END \
	{ \
		0xffff, 0xffff, 0, 0, 0, NULL \
	}

#define MT(t) U16(0, L2TP_AVP_MESSAGE_TYPE, 1, (t))
#define HOST BYTES(0, L2TP_AVP_HOST_NAME, 1, "lac1")
#define ROUTER U32(0, L2TP_AVP_ROUTER_ID, 1, 0x0a000001)
#define ACCID U32(0, L2TP_AVP_ASSIGNED_CCID, 1, 0x1234)
#define PWCAPS U16(0, L2TP_AVP_PW_CAPS, 1, L2TP_PW_ETH)
#define RWS U16(0, L2TP_AVP_RECV_WINDOW, 1, 64)
#define LSID U32(0, L2TP_AVP_LOCAL_SESSION_ID, 1, 0x1001)
#define RSID U32(0, L2TP_AVP_REMOTE_SESSION_ID, 1, 0x5001)
#define RSID0 U32(0, L2TP_AVP_REMOTE_SESSION_ID, 1, 0)
#define SERIAL U32(0, L2TP_AVP_CALL_SERIAL, 1, 7)
#define PWTYPE U16(0, L2TP_AVP_PW_TYPE, 1, L2TP_PW_ETH)
#define ENDID BYTES(0, L2TP_AVP_REMOTE_END_ID, 1, "101")
#define CSTATUS U16(0, L2TP_AVP_CIRCUIT_STATUS, 1, L2TP_CS_ACTIVE)
#define RESULT BYTES(0, L2TP_AVP_RESULT_CODE, 1, "\x00\x02\x00\x06")
#define CALL_ERRS \
	BYTES(0, L2TP_AVP_CALL_ERRORS, 1, \
	    "\0\0\0\0\0\1\0\0\0\2\0\0\0\3\0\0\0\4\0\0\0\5\0\0\0\6")
#define SCCRQ_AVPS MT(L2TP_MT_SCCRQ), HOST, ROUTER, ACCID, PWCAPS, RWS
#define ICRQ_AVPS MT(L2TP_MT_ICRQ), LSID, RSID0, SERIAL, PWTYPE, ENDID, CSTATUS

/* Cisco IOS in draft mode, as issue 3 and 5 describe it. */
#define CISCO_SCCRQ_AVPS \
	MT(L2TP_MT_SCCRQ), BYTES(0, L2TP_AVP_PROTOCOL_VERSION, 1, "\1\0"), \
	    U32(0, L2TP_AVP_FRAMING_CAPS, 1, 0), \
	    U64(0, L2TP_AVP_TIE_BREAKER, 0, 0x0123456789abcdefULL), \
	    U16(0, L2TP_AVP_FIRMWARE_REV, 0, 0x1130), HOST, \
	    BYTES(0, L2TP_AVP_VENDOR_NAME, 0, "Cisco Systems, Inc."), \
	    U16(0, L2TP_AVP_RECV_WINDOW, 1, 1024), \
	    U32(9, L2TP_CISCO_ASSIGNED_CCID, 1, 0xcafe), \
	    U16(9, L2TP_CISCO_PW_CAPS, 1, L2TP_PW_ETH)
#define DRAFT U16(9, L2TP_CISCO_DRAFT_AVP_VERSION, 1, 1)
#define CISCO_ICRQ_AVPS \
	MT(L2TP_MT_ICRQ), SERIAL, U32(9, L2TP_CISCO_LOCAL_SESSION_ID, 1, 77), \
	    U32(9, L2TP_CISCO_REMOTE_SESSION_ID, 1, 0), \
	    BYTES(9, L2TP_CISCO_ASSIGNED_COOKIE, 1, "\1\2\3\4"), \
	    BYTES(9, L2TP_CISCO_REMOTE_END_ID, 0, "101"), \
	    U16(9, L2TP_CISCO_PW_TYPE, 1, L2TP_PW_ETH), \
	    U64(9, L2TP_CISCO_SESSION_TIE_BREAKER, 1, 42), \
	    U16(9, L2TP_CISCO_INTERFACE_MTU, 0, 1500)

struct expect {
	int rc;
	enum l2tp_perr err;
	enum l2tp_action action;
	uint16_t result;
	uint16_t error;
	uint16_t vendor; /* the AVP named by the verdict */
	uint16_t type;
	const char *reason; /* exact text, or NULL to skip */
	uint8_t dev; /* accepted: the deviations tolerated */
};

#define OK \
	{ \
		0, L2TP_OK, L2TP_ACT_ACCEPT, 0, 0, 0, 0, "", 0 \
	}
#define DEV(d) (1u << L2TP_DEV_##d)
/* Accepted, with these deviations counted. */
#define TOLERATED(devs) \
	{ \
		0, L2TP_OK, L2TP_ACT_ACCEPT, 0, 0, 0, 0, "", (devs) \
	}
#define STOPCCN(e, code, v, t, r) \
	{ \
		-1, (e), L2TP_ACT_STOPCCN, L2TP_STOPCCN_GENERAL_ERROR, (code), \
		    (v), (t), (r), 0 \
	}
#define CDN(e, code, v, t, r) \
	{ \
		-1, (e), L2TP_ACT_CDN, L2TP_CDN_GENERAL_ERROR, (code), (v), \
		    (t), (r), 0 \
	}

struct vcase {
	const char *name;
	uint32_t ccid;
	struct avp_spec avps[MAX_SPEC_AVPS];
	struct expect want;
};

static const struct vcase cases[] = {
	/* One valid message of every type. */
	{ "SCCRQ", 0, { SCCRQ_AVPS, END }, OK },
	{ "SCCRP", 9,
	    { MT(L2TP_MT_SCCRP), HOST, ROUTER, ACCID, PWCAPS, RWS, END }, OK },
	{ "SCCCN", 9, { MT(L2TP_MT_SCCCN), END }, OK },
	{ "StopCCN", 9, { MT(L2TP_MT_STOPCCN), RESULT, ACCID, END }, OK },
	{ "HELLO", 9, { MT(L2TP_MT_HELLO), END }, OK },
	{ "OCRQ", 9,
	    { MT(L2TP_MT_OCRQ), LSID, RSID0, SERIAL, PWTYPE, ENDID, CSTATUS,
		U32(0, L2TP_AVP_MIN_BPS, 1, 1000), END },
	    OK },
	{ "OCRP", 9, { MT(L2TP_MT_OCRP), LSID, RSID, CSTATUS, END }, OK },
	{ "OCCN", 9, { MT(L2TP_MT_OCCN), LSID, RSID, END }, OK },
	{ "ICRQ", 9, { ICRQ_AVPS, END }, OK },
	{ "ICRP", 9, { MT(L2TP_MT_ICRP), LSID, RSID, CSTATUS, END }, OK },
	{ "ICCN", 9, { MT(L2TP_MT_ICCN), LSID, RSID, END }, OK },
	{ "CDN", 9, { MT(L2TP_MT_CDN), RESULT, LSID, RSID, END }, OK },
	{ "WEN", 9, { MT(L2TP_MT_WEN), LSID, RSID, CALL_ERRS, END }, OK },
	{ "SLI", 9, { MT(L2TP_MT_SLI), LSID, RSID, CSTATUS, END }, OK },
	{ "ACK", 9, { MT(L2TP_MT_ACK), END }, OK },
	{ "Cisco ACK 9:0=102", 9,
	    { U16(9, L2TP_CISCO_MESSAGE_TYPE, 1, L2TP_CISCO_MT_ACK), END },
	    OK },
	{ "ACK with digest and random vector", 9,
	    { MT(L2TP_MT_ACK),
		BYTES(0, L2TP_AVP_MESSAGE_DIGEST, 1, "\0abcdefghijklmnop"),
		BYTES(0, L2TP_AVP_RANDOM_VECTOR, 1, "rv"), END },
	    OK },

	/* Missing required AVPs: named in the reason. */
	{ "SCCRQ without Assigned CCID", 0,
	    { MT(L2TP_MT_SCCRQ), HOST, ROUTER, PWCAPS, END },
	    STOPCCN(L2TP_E_MISSING, L2TP_ERR_BAD_VALUE, 0,
		L2TP_AVP_ASSIGNED_CCID,
		"missing required AVP Assigned Control Connection ID (61) "
		"in SCCRQ") },
	/* Wanted AVPs: the RFC requires them, we act without them. */
	{ "SCCRQ without Host Name", 0,
	    { MT(L2TP_MT_SCCRQ), ROUTER, ACCID, PWCAPS, END },
	    TOLERATED(DEV(MISSING_AVP)) },
	{ "SCCRQ without Router ID, IETF dialect", 0,
	    { MT(L2TP_MT_SCCRQ), HOST, ACCID, PWCAPS, END },
	    TOLERATED(DEV(MISSING_AVP)) },
	{ "SCCRP without PW capabilities", 9,
	    { MT(L2TP_MT_SCCRP), HOST, ROUTER, ACCID, END },
	    TOLERATED(DEV(MISSING_AVP)) },
	{ "StopCCN without Result Code", 9, { MT(L2TP_MT_STOPCCN), END },
	    STOPCCN(L2TP_E_MISSING, L2TP_ERR_BAD_VALUE, 0, L2TP_AVP_RESULT_CODE,
		"missing required AVP Result Code (1) in StopCCN") },
	{ "ICRQ without Circuit Status, IETF dialect", 9,
	    { MT(L2TP_MT_ICRQ), LSID, RSID0, SERIAL, PWTYPE, ENDID, END },
	    TOLERATED(DEV(MISSING_AVP)) },
	{ "ICRQ without Remote End ID", 9,
	    { MT(L2TP_MT_ICRQ), LSID, RSID0, SERIAL, PWTYPE, CSTATUS, END },
	    TOLERATED(DEV(MISSING_AVP)) },
	{ "ICRQ without Call Serial Number (xcesp)", 9,
	    { MT(L2TP_MT_ICRQ), LSID, RSID0, PWTYPE, ENDID, CSTATUS, END },
	    TOLERATED(DEV(MISSING_AVP)) },
	{ "ICRQ without Remote Session ID", 9,
	    { MT(L2TP_MT_ICRQ), LSID, SERIAL, PWTYPE, ENDID, CSTATUS, END },
	    TOLERATED(DEV(MISSING_AVP)) },
	{ "ICRP without Circuit Status", 9,
	    { MT(L2TP_MT_ICRP), LSID, RSID, END },
	    TOLERATED(DEV(MISSING_AVP)) },
	{ "ICCN without Remote Session ID", 9, { MT(L2TP_MT_ICCN), LSID, END },
	    CDN(L2TP_E_MISSING, L2TP_ERR_BAD_VALUE, 0,
		L2TP_AVP_REMOTE_SESSION_ID, NULL) },
	{ "CDN without Result Code", 9, { MT(L2TP_MT_CDN), LSID, RSID, END },
	    CDN(L2TP_E_MISSING, L2TP_ERR_BAD_VALUE, 0, L2TP_AVP_RESULT_CODE,
		NULL) },
	{ "WEN without Call Errors", 9, { MT(L2TP_MT_WEN), LSID, RSID, END },
	    TOLERATED(DEV(MISSING_AVP)) },
	/* RFC 3931 makes it optional in SLI: nothing to count. */
	{ "SLI without Circuit Status", 9, { MT(L2TP_MT_SLI), LSID, RSID, END },
	    OK },
	{ "Cisco draft SLI: the IDs and 9:114 only", 9,
	    { MT(L2TP_MT_SLI), U32(9, L2TP_CISCO_LOCAL_SESSION_ID, 1, 88),
		U32(9, L2TP_CISCO_REMOTE_SESSION_ID, 1, 77),
		BYTES(9, 114, 0, "\0\0\0\0"), END },
	    TOLERATED(DEV(UNKNOWN_AVP)) },
	/* What we cannot act without stays a refusal. */
	{ "ICRQ without Local Session ID", 9,
	    { MT(L2TP_MT_ICRQ), RSID0, SERIAL, PWTYPE, ENDID, CSTATUS, END },
	    CDN(L2TP_E_MISSING, L2TP_ERR_BAD_VALUE, 0,
		L2TP_AVP_LOCAL_SESSION_ID,
		"missing required AVP Local Session ID (63) in ICRQ") },
	{ "ICRQ without Pseudowire Type", 9,
	    { MT(L2TP_MT_ICRQ), LSID, RSID0, SERIAL, ENDID, CSTATUS, END },
	    CDN(L2TP_E_MISSING, L2TP_ERR_BAD_VALUE, 0, L2TP_AVP_PW_TYPE,
		NULL) },
	{ "SLI without Remote Session ID", 9,
	    { MT(L2TP_MT_SLI), LSID, CSTATUS, END },
	    CDN(L2TP_E_MISSING, L2TP_ERR_BAD_VALUE, 0,
		L2TP_AVP_REMOTE_SESSION_ID, NULL) },

	/* Cisco aliases stand in for the IETF AVPs. */
	/* Cisco's draft mode sends no Router ID: counted, not refused. */
	{ "Cisco draft-mode SCCRQ", 0, { CISCO_SCCRQ_AVPS, DRAFT, END },
	    TOLERATED(DEV(MISSING_AVP)) },
	{ "Cisco SCCRQ, aliases only, no Draft AVP Version", 0,
	    { CISCO_SCCRQ_AVPS, END }, TOLERATED(DEV(MISSING_AVP)) },
	{ "Cisco IETF-mode SCCRQ: both forms", 0,
	    { CISCO_SCCRQ_AVPS, DRAFT, ROUTER,
		U32(0, L2TP_AVP_ASSIGNED_CCID, 0, 0xcafe),
		U16(0, L2TP_AVP_PW_CAPS, 0, L2TP_PW_ETH), END },
	    OK },
	{ "Cisco SCCRQ with authentication", 0,
	    { CISCO_SCCRQ_AVPS, DRAFT,
		BYTES(9, L2TP_CISCO_MESSAGE_DIGEST, 1, "\0abcdefghijklmnop"),
		BYTES(0, L2TP_AVP_CHALLENGE, 1, "0123456789abcdef"),
		BYTES(9, L2TP_CISCO_AUTH_NONCE, 1, "0123456789abcdef"), END },
	    TOLERATED(DEV(MISSING_AVP)) },
	{ "Cisco draft-mode SCCRQ without any Assigned CCID", 0,
	    { MT(L2TP_MT_SCCRQ), HOST, U16(9, L2TP_CISCO_PW_CAPS, 1, 5), DRAFT,
		END },
	    STOPCCN(L2TP_E_MISSING, L2TP_ERR_BAD_VALUE, 0,
		L2TP_AVP_ASSIGNED_CCID, NULL) },
	{ "Cisco StopCCN", 9,
	    { MT(L2TP_MT_STOPCCN),
		BYTES(0, L2TP_AVP_RESULT_CODE, 1, "\0\1\0\6Admin Action"),
		U32(9, L2TP_CISCO_ASSIGNED_CCID, 1, 0xcafe), END },
	    OK },
	{ "Cisco draft-mode ICRQ", 9, { CISCO_ICRQ_AVPS, END },
	    TOLERATED(DEV(MISSING_AVP)) },
	{ "Cisco draft-mode ICRP", 9,
	    { MT(L2TP_MT_ICRP), U32(9, L2TP_CISCO_LOCAL_SESSION_ID, 1, 88),
		U32(9, L2TP_CISCO_REMOTE_SESSION_ID, 1, 77),
		BYTES(9, L2TP_CISCO_ASSIGNED_COOKIE, 1, "\1\2\3\4\5\6\7\10"),
		U16(9, L2TP_CISCO_PW_TYPE, 1, L2TP_PW_ETH),
		U16(9, L2TP_CISCO_INTERFACE_MTU, 0, 1500), END },
	    TOLERATED(DEV(MISSING_AVP)) },
	{ "Cisco draft-mode ICCN", 9,
	    { MT(L2TP_MT_ICCN), U32(0, L2TP_AVP_FRAMING_TYPE, 1, 0),
		U32(0, L2TP_AVP_CONNECT_SPEED, 1, 0),
		U32(9, L2TP_CISCO_LOCAL_SESSION_ID, 1, 88),
		U32(9, L2TP_CISCO_REMOTE_SESSION_ID, 1, 77), END },
	    OK },
	{ "Cisco SLI", 9,
	    { MT(L2TP_MT_SLI), U32(9, L2TP_CISCO_LOCAL_SESSION_ID, 1, 88),
		U32(9, L2TP_CISCO_REMOTE_SESSION_ID, 1, 77),
		U16(9, L2TP_CISCO_CIRCUIT_STATUS, 0, 1),
		BYTES(9, 114, 0, "\0\0\0\0"), END },
	    TOLERATED(DEV(UNKNOWN_AVP)) },
	{ "Cisco CDN", 9,
	    { MT(L2TP_MT_CDN), BYTES(0, L2TP_AVP_RESULT_CODE, 1, "\0\3"),
		U32(9, L2TP_CISCO_LOCAL_SESSION_ID, 1, 88),
		U32(9, L2TP_CISCO_REMOTE_SESSION_ID, 1, 77), END },
	    OK },
	{ "ICRQ with v2-era Sequencing Required", 9,
	    { ICRQ_AVPS, NOVAL(0, L2TP_AVP_SEQUENCING_REQUIRED, 1), END }, OK },

	/* Unknown AVPs: the M bit decides. */
	{ "unknown M AVP in SCCRQ", 0, { SCCRQ_AVPS, U16(0, 120, 1, 1), END },
	    STOPCCN(L2TP_E_UNKNOWN_M, L2TP_ERR_UNKNOWN_M_AVP, 0, 120,
		"unknown mandatory AVP 120 in SCCRQ") },
	{ "unknown M Cisco AVP in SCCRQ", 0,
	    { SCCRQ_AVPS, U16(9, 200, 1, 1), END },
	    STOPCCN(L2TP_E_UNKNOWN_M, L2TP_ERR_UNKNOWN_M_AVP, 9, 200,
		"unknown mandatory AVP 9:200 in SCCRQ") },
	{ "unknown M AVP in ICRQ", 9, { ICRQ_AVPS, U32(0, 99, 1, 1), END },
	    CDN(L2TP_E_UNKNOWN_M, L2TP_ERR_UNKNOWN_M_AVP, 0, 99,
		"unknown mandatory AVP 99 in ICRQ") },
	{ "unknown M vendor AVP in HELLO", 9,
	    { MT(L2TP_MT_HELLO), U32(311, 1, 1, 1), END },
	    STOPCCN(L2TP_E_UNKNOWN_M, L2TP_ERR_UNKNOWN_M_AVP, 311, 1, NULL) },
	{ "unknown non-M vendor AVPs ignored", 0,
	    { SCCRQ_AVPS, BYTES(9, 115, 0, "\0\0\1\1"),
		BYTES(9, 115, 0, "\0\0\1\2"), U32(311, 7, 0, 1), END },
	    TOLERATED(DEV(UNKNOWN_AVP)) },
	{ "unknown non-M IETF AVP ignored", 9,
	    { ICRQ_AVPS, U32(0, 102, 0, 1), BYTES(0, 96, 0, "\1\x80"), END },
	    TOLERATED(DEV(UNKNOWN_AVP)) },
	{ "CableLabs DEPI M AVPs tolerated", 0,
	    { SCCRQ_AVPS, BYTES(4491, 15, 1, "\0\1"), U16(4491, 13, 1, 0x80),
		END },
	    TOLERATED(DEV(UNKNOWN_AVP)) },

	/* Known AVPs in a message that does not list them: ignored,
	 * whatever the M bit (it is about AVPs we do not recognise). */
	{ "Result Code with M in SCCRQ", 0, { SCCRQ_AVPS, RESULT, END },
	    TOLERATED(DEV(UNLISTED_AVP)) },
	{ "Host Name with M in ICRQ", 9, { ICRQ_AVPS, HOST, END },
	    TOLERATED(DEV(UNLISTED_AVP)) },
	{ "Call Serial Number with M in ICRP (freeRtr)", 9,
	    { MT(L2TP_MT_ICRP), SERIAL, LSID, RSID, CSTATUS, END },
	    TOLERATED(DEV(UNLISTED_AVP)) },
	{ "Draft AVP Version in HELLO", 9, { MT(L2TP_MT_HELLO), DRAFT, END },
	    TOLERATED(DEV(UNLISTED_AVP)) },
	{ "Result Code without M in HELLO ignored", 9,
	    { MT(L2TP_MT_HELLO), BYTES(0, L2TP_AVP_RESULT_CODE, 0, "\0\2\0\6"),
		END },
	    TOLERATED(DEV(UNLISTED_AVP)) },
	{ "several deviations in one message", 9,
	    { MT(L2TP_MT_ICRQ), LSID, RSID0, PWTYPE, PWTYPE, ENDID, CSTATUS,
		HOST, U32(9, 114, 0, 0), END },
	    TOLERATED(DEV(MISSING_AVP) | DEV(UNLISTED_AVP) | DEV(REPEATED_AVP) |
		DEV(UNKNOWN_AVP)) },

	/* Duplicates. */
	{ "two different Host Names", 0,
	    { SCCRQ_AVPS, BYTES(0, L2TP_AVP_HOST_NAME, 1, "lac2"), END },
	    STOPCCN(L2TP_E_DUPLICATE, L2TP_ERR_BAD_VALUE, 0, L2TP_AVP_HOST_NAME,
		"duplicate Host Name (7) in SCCRQ") },
	{ "identical Host Names tolerated", 0, { SCCRQ_AVPS, HOST, END },
	    TOLERATED(DEV(REPEATED_AVP)) },
	{ "identical Pseudowire Types tolerated (Cisco uBR10k)", 9,
	    { ICRQ_AVPS, PWTYPE, END }, TOLERATED(DEV(REPEATED_AVP)) },
	{ "two different Pseudowire Types", 9,
	    { ICRQ_AVPS, U16(0, L2TP_AVP_PW_TYPE, 1, L2TP_PW_ETH_VLAN), END },
	    CDN(L2TP_E_DUPLICATE, L2TP_ERR_BAD_VALUE, 0, L2TP_AVP_PW_TYPE,
		"duplicate Pseudowire Type (68) in ICRQ") },
	{ "same value, different M bit", 9,
	    { ICRQ_AVPS, U16(0, L2TP_AVP_PW_TYPE, 0, L2TP_PW_ETH), END },
	    CDN(L2TP_E_DUPLICATE, L2TP_ERR_BAD_VALUE, 0, L2TP_AVP_PW_TYPE,
		NULL) },
	{ "two different Cisco Assigned CCIDs", 0,
	    { CISCO_SCCRQ_AVPS, U32(9, L2TP_CISCO_ASSIGNED_CCID, 1, 1), END },
	    STOPCCN(L2TP_E_DUPLICATE, L2TP_ERR_BAD_VALUE, 9,
		L2TP_CISCO_ASSIGNED_CCID, NULL) },
	{ "second Message Type", 9,
	    { MT(L2TP_MT_HELLO), MT(L2TP_MT_SCCCN), END },
	    STOPCCN(L2TP_E_DUPLICATE, L2TP_ERR_BAD_VALUE, 0,
		L2TP_AVP_MESSAGE_TYPE, NULL) },
	{ "Random Vector may repeat", 9,
	    { MT(L2TP_MT_HELLO), BYTES(0, L2TP_AVP_RANDOM_VECTOR, 1, "rv1"),
		BYTES(0, L2TP_AVP_RANDOM_VECTOR, 1, "rv2"), END },
	    OK },

	/* Control Connection IDs. */
	{ "SCCRP with CCID 0", 0,
	    { MT(L2TP_MT_SCCRP), HOST, ROUTER, ACCID, PWCAPS, END },
	    { -1, L2TP_E_ZERO_CCID, L2TP_ACT_DROP, L2TP_STOPCCN_GENERAL_ERROR,
		L2TP_ERR_NO_CONTROL_CONN, 0, 0,
		"SCCRP with Control Connection ID 0", 0 } },
	{ "ICRQ with CCID 0", 0, { ICRQ_AVPS, END },
	    { -1, L2TP_E_ZERO_CCID, L2TP_ACT_DROP, L2TP_STOPCCN_GENERAL_ERROR,
		L2TP_ERR_NO_CONTROL_CONN, 0, 0, NULL, 0 } },
	{ "HELLO with CCID 0", 0, { MT(L2TP_MT_HELLO), END },
	    { -1, L2TP_E_ZERO_CCID, L2TP_ACT_DROP, L2TP_STOPCCN_GENERAL_ERROR,
		L2TP_ERR_NO_CONTROL_CONN, 0, 0, NULL, 0 } },
	{ "Assigned CCID 0", 0,
	    { MT(L2TP_MT_SCCRQ), HOST, ROUTER,
		U32(0, L2TP_AVP_ASSIGNED_CCID, 1, 0), PWCAPS, END },
	    STOPCCN(L2TP_E_BAD_VALUE, L2TP_ERR_BAD_VALUE, 0,
		L2TP_AVP_ASSIGNED_CCID,
		"Assigned Control Connection ID (61) is 0 in SCCRQ") },
	{ "Cisco Assigned CCID 0", 0,
	    { MT(L2TP_MT_SCCRQ), HOST, U32(9, L2TP_CISCO_ASSIGNED_CCID, 1, 0),
		U16(9, L2TP_CISCO_PW_CAPS, 1, 5), DRAFT, END },
	    STOPCCN(L2TP_E_BAD_VALUE, L2TP_ERR_BAD_VALUE, 9,
		L2TP_CISCO_ASSIGNED_CCID, NULL) },
	{ "ICRQ assigning Local Session ID 0", 9,
	    { MT(L2TP_MT_ICRQ), U32(0, L2TP_AVP_LOCAL_SESSION_ID, 1, 0), RSID0,
		SERIAL, PWTYPE, ENDID, CSTATUS, END },
	    CDN(L2TP_E_BAD_VALUE, L2TP_ERR_BAD_VALUE, 0,
		L2TP_AVP_LOCAL_SESSION_ID,
		"Local Session ID (63) is 0 in ICRQ") },

	/* Unknown message types: the M bit on the Message Type decides. */
	{ "unknown message type with M", 9,
	    { U16(0, L2TP_AVP_MESSAGE_TYPE, 1, 99), END },
	    { -1, L2TP_E_UNKNOWN_MSG, L2TP_ACT_STOPCCN,
		L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_BAD_VALUE, 0, 0,
		"unknown mandatory message type 99", 0 } },
	{ "unknown message type without M", 9,
	    { U16(0, L2TP_AVP_MESSAGE_TYPE, 0, 99), U16(0, 120, 1, 1), END },
	    { -1, L2TP_E_UNKNOWN_MSG, L2TP_ACT_IGNORE, 0, 0, 0, 0,
		"unknown message type 99 ignored", 0 } },
	{ "unknown Cisco message type with M", 9,
	    { U16(9, L2TP_CISCO_MESSAGE_TYPE, 1, 5), END },
	    { -1, L2TP_E_UNKNOWN_MSG, L2TP_ACT_STOPCCN,
		L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_BAD_VALUE, 9, 0, NULL,
		0 } },
};

/* Write one AVP through the message writer. */
static int
put_avp(struct l2tp_msg_writer *mw, const struct avp_spec *a)
{
	if (a->bytes != NULL)
		return l2tp_mw_avp(
		    mw, a->vendor, a->type, a->m, a->bytes, a->len);
	switch (a->len) {
	case 2:
		return l2tp_mw_avp_u16(
		    mw, a->vendor, a->type, a->m, (uint16_t)a->num);
	case 4:
		return l2tp_mw_avp_u32(
		    mw, a->vendor, a->type, a->m, (uint32_t)a->num);
	default:
		return l2tp_mw_avp_u64(mw, a->vendor, a->type, a->m, a->num);
	}
}

static size_t
build(uint8_t *buf, size_t cap, uint32_t ccid, const struct avp_spec *avps)
{
	struct l2tp_msg_writer mw;
	struct wbuf w;
	size_t len = 0, i;

	wbuf_init(&w, buf, cap);
	assert_int_equal(l2tp_mw_begin(&mw, &w, L2TP_ENCAP_UDP, ccid, 0, 0), 0);
	for (i = 0; avps[i].type != 0xffff; i++)
		assert_int_equal(put_avp(&mw, &avps[i]), 0);
	assert_int_equal(l2tp_mw_end(&mw, &len), 0);
	return len;
}

static struct l2tp_msg msg; /* large: keep it off the stack */

static void
decode_built(uint32_t ccid, const struct avp_spec *avps)
{
	static uint8_t buf[L2TP_MSG_MAX_LEN];
	struct l2tp_decode_err derr;
	size_t len = build(buf, sizeof(buf), ccid, avps);

	if (l2tp_ctrl_decode(buf, len, L2TP_ENCAP_UDP, &msg, &derr) == -1)
		fail_msg("decode: %s", l2tp_strerror(derr.code));
}

static void
check_verdict(const char *name, int rc, const struct l2tp_verdict *v,
    const struct expect *w)
{
	if (rc != w->rc || v->err != w->err || v->action != w->action ||
	    v->result != w->result || v->error != w->error)
		fail_msg("%s: got rc %d err %s action %s result %u error %u "
			 "(%s)",
		    name, rc, l2tp_strerror(v->err),
		    l2tp_action_name(v->action), v->result, v->error,
		    v->reason);
	if (w->rc == -1 && w->action != L2TP_ACT_DROP &&
	    (v->vendor != w->vendor || v->type != w->type))
		fail_msg("%s: names AVP %u:%u, want %u:%u", name, v->vendor,
		    v->type, w->vendor, w->type);
	if (w->reason != NULL && strcmp(v->reason, w->reason) != 0)
		fail_msg("%s: reason \"%s\", want \"%s\"", name, v->reason,
		    w->reason);
	if (rc == 0 && v->deviations != w->dev)
		fail_msg("%s: deviations 0x%x, want 0x%x", name, v->deviations,
		    w->dev);
}

static void
test_cases(void **state)
{
	struct l2tp_verdict v;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		decode_built(cases[i].ccid, cases[i].avps);
		rc = l2tp_msg_validate(&msg, &v);
		check_verdict(cases[i].name, rc, &v, &cases[i].want);
	}
}

static void
test_zlb(void **state)
{
	uint8_t buf[64];
	struct l2tp_decode_err derr;
	struct l2tp_verdict v;
	struct wbuf w;
	size_t len;

	(void)state;
	wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(l2tp_build_zlb(&w, L2TP_ENCAP_IP, 77, 3, 4, &len), 0);
	assert_int_equal(
	    l2tp_ctrl_decode(buf, len, L2TP_ENCAP_IP, &msg, &derr), 0);
	assert_int_equal(l2tp_msg_validate(&msg, &v), 0);
	assert_int_equal(v.action, L2TP_ACT_ACCEPT);

	wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(l2tp_build_zlb(&w, L2TP_ENCAP_UDP, 0, 3, 4, &len), 0);
	assert_int_equal(
	    l2tp_ctrl_decode(buf, len, L2TP_ENCAP_UDP, &msg, &derr), 0);
	assert_int_equal(l2tp_msg_validate(&msg, &v), -1);
	assert_int_equal(v.err, L2TP_E_ZERO_CCID);
	assert_int_equal(v.action, L2TP_ACT_DROP);
}

/*
 * A value that reaches the validator with the wrong length (an unhidden
 * value is only length-checked here) is answered with Error Code 2.
 */
static void
test_bad_length(void **state)
{
	static const struct avp_spec avps[] = { SCCRQ_AVPS, END };
	struct l2tp_verdict v;
	size_t i;

	(void)state;
	decode_built(0, avps);
	for (i = 0; i < msg.navps; i++)
		if (msg.avps[i].type == L2TP_AVP_RECV_WINDOW)
			msg.avps[i].len = 1;
	assert_int_equal(l2tp_msg_validate(&msg, &v), -1);
	assert_int_equal(v.err, L2TP_E_AVP_LEN);
	assert_int_equal(v.action, L2TP_ACT_STOPCCN);
	assert_int_equal(v.result, L2TP_STOPCCN_GENERAL_ERROR);
	assert_int_equal(v.error, L2TP_ERR_BAD_LENGTH);
	assert_string_equal(
	    v.reason, "bad length 1 for Receive Window Size (10) in SCCRQ");
}

/* A hidden AVP is ciphertext until unhidden: its value is not judged. */
static void
test_hidden_not_judged(void **state)
{
	static const uint8_t rv[] = "0123456789abcdef";
	static uint8_t buf[L2TP_MSG_MAX_LEN];
	static const uint8_t zero_id[4];
	struct l2tp_msg_writer mw;
	struct l2tp_decode_err derr;
	struct l2tp_verdict v;
	struct wbuf w;
	size_t len;

	(void)state;
	wbuf_init(&w, buf, sizeof(buf));
	l2tp_mw_begin(&mw, &w, L2TP_ENCAP_UDP, 0, 0, 0);
	l2tp_mw_msgtype(&mw, 0, L2TP_MT_SCCRQ);
	l2tp_mw_avp_str(&mw, 0, L2TP_AVP_HOST_NAME, 1, "lac1");
	l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_ROUTER_ID, 1, 1);
	l2tp_mw_avp_u16(&mw, 0, L2TP_AVP_PW_CAPS, 1, 5);
	l2tp_mw_avp(&mw, 0, L2TP_AVP_RANDOM_VECTOR, 1, rv, 16);
	l2tp_mw_avp_hidden(
	    &mw, 0, L2TP_AVP_ASSIGNED_CCID, 1, zero_id, 4, "s", 1, rv, 16);
	assert_int_equal(l2tp_mw_end(&mw, &len), 0);
	assert_int_equal(
	    l2tp_ctrl_decode(buf, len, L2TP_ENCAP_UDP, &msg, &derr), 0);
	assert_int_equal(l2tp_msg_validate(&msg, &v), 0);
	/* Once unhidden, the zero value is seen. */
	assert_int_equal(l2tp_msg_unhide(&msg, "s", 1, &derr), 0);
	assert_int_equal(l2tp_msg_validate(&msg, &v), -1);
	assert_int_equal(v.err, L2TP_E_BAD_VALUE);
}

/* Real messages from the third-party captures (tests/captures, and
 * ../shared/captures for freeRtr and xcesp), with the deviations each
 * must be accepted with. */
struct capture_msg {
	const char *what;
	enum l2tp_encap encap; /* IP: with the 4-byte Session ID 0 */
	uint8_t dev;
	const char *hex;
};

static const struct capture_msg captured[] = {
	{ "Cisco uBR10k ICRQ: Pseudowire Type twice, CableLabs M AVPs",
	    L2TP_ENCAP_IP, DEV(REPEATED_AVP) | DEV(UNKNOWN_AVP),
	    "00000000c80300bdbca70a2d00020001800800000000000a000e00000005fe57"
	    "e07a501e1544800a0000000f0e851459800600000027000a0000003f4aa0f134"
	    "000a0000004000000000800800000042b3c5800800000044000c800800000044"
	    "000c000800000045000300080000004600020008000000470001800a00090003"
	    "4aa0f134800a0009000400000000800800090007000c800e00090009fe57e07a"
	    "501e15448007118b0002008008118b000405ee800e118b0005800000077d8e9e"
	    "10" },
	{ "VECTOR CCS SCCRQ: CableLabs M AVPs", L2TP_ENCAP_IP, DEV(UNKNOWN_AVP),
	    "00000000c803009900000000000000008008000000000001800a0000003e000c"
	    "000d800a0000003c0a0a1101801900000008566563746f7220546563686e6f6c"
	    "6f67696573800a0000003d000002bd802e118b000f0001000200030004000600"
	    "0700080009000a000b000c000d000e000f001000120013001400150016800800"
	    "00000a000a801000000007564543544f52204343538008118b000d0080" },
	{ "Cisco RFGW-10 ICRP: Data Sequencing twice", L2TP_ENCAP_IP,
	    DEV(REPEATED_AVP) | DEV(UNKNOWN_AVP),
	    "00000000c80300d8cc1f7e4100010004800800000000000b000600000027000a"
	    "0000003f40060044000a000000404aa0f134800800000044000c000800000045"
	    "0003000800000046000200080000004600020008000000470001000a00090003"
	    "40060044000a000900044aa0f134800c118b00030000000000008008118b0006"
	    "00008008118b000705ee800a118b0064a000b3c5800c118b0065a0001c6e7140"
	    "800a118b0066a00001b88008118b0067a0018008118b0068a0018010118b0069"
	    "a0000000004e00000095800a118b006aa00020048008118b006ba000" },
	/* freertr-responder_l2tpv3d-initiator_icrp-call-serial-mbit_ip115,
	 * frame 6: Call Serial Number with the M bit, not listed for ICRP. */
	{ "freeRtr ICRP: M-bit Call Serial Number", L2TP_ENCAP_IP,
	    DEV(UNLISTED_AVP),
	    "00000000c803004bd1ba45ad00010003800800000000000b800a0000000f0000"
	    "0001000a0000003f4b0bb4ad000a00000040a80f5c3100090000004231303100"
	    "080000004400050008000000470001" },
	/* xcesp-initiator_l2tpv3d-responder_icrq-no-serial_udp, frame 5: no
	 * Call Serial Number, L2-Specific Sublayer 1 (default). */
	{ "xcesp ICRQ: no Call Serial Number", L2TP_ENCAP_UDP, DEV(MISSING_AVP),
	    "c80300519d93c8df00020001800800000000000a800a0000003f000003e9800a"
	    "00000040000000008008000000440005800800000045000180080000004600"
	    "008008000000470003800900000042313031" },
};

static size_t
unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned int byte;

	while (hex[0] != '\0' && hex[1] != '\0' && n < cap) {
		assert_int_equal(sscanf(hex, "%2x", &byte), 1);
		out[n++] = (uint8_t)byte;
		hex += 2;
	}
	return n;
}

static void
test_captured(void **state)
{
	uint8_t buf[L2TP_MSG_MAX_LEN];
	struct l2tp_decode_err derr;
	struct l2tp_verdict v;
	size_t i, len;

	(void)state;
	for (i = 0; i < nitems(captured); i++) {
		len = unhex(captured[i].hex, buf, sizeof(buf));
		if (l2tp_ctrl_decode(
			buf, len, captured[i].encap, &msg, &derr) != 0)
			fail_msg("%s: decode: %s", captured[i].what,
			    l2tp_strerror(derr.code));
		if (l2tp_msg_validate(&msg, &v) != 0)
			fail_msg("%s: %s", captured[i].what, v.reason);
		if (v.deviations != captured[i].dev)
			fail_msg("%s: deviations 0x%x, want 0x%x",
			    captured[i].what, v.deviations, captured[i].dev);
	}
}

/* The tables themselves: every rule names a dictionary AVP, no AVP is
 * claimed twice in one message, and the Message Type comes first. */
static void
test_tables(void **state)
{
	static const uint16_t types[] = { 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12,
		14, 15, 16, 20 };
	const struct l2tp_schema *s;
	const struct l2tp_schema_rule *r, *q;
	size_t i, j, k;

	(void)state;
	for (i = 0; i < nitems(types); i++) {
		s = l2tp_schema_lookup(types[i]);
		assert_non_null(s);
		assert_int_equal(s->msg_type, types[i]);
		assert_string_equal(s->name, l2tp_msg_type_name(types[i]));
		assert_string_equal(s->long_name, l2tp_msg_type_long(types[i]));
		assert_int_equal(s->scope,
		    types[i] >= L2TP_MT_OCRQ && types[i] <= L2TP_MT_SLI
			? L2TP_SCOPE_SESSION
			: L2TP_SCOPE_CONN);
		assert_int_equal(s->rules[0].type, L2TP_AVP_MESSAGE_TYPE);
		for (j = 0; j < s->nrules; j++) {
			r = &s->rules[j];
			if (avp_lookup(r->vendor, r->type) == NULL)
				fail_msg("%s: rule %u:%u not in dictionary",
				    s->name, r->vendor, r->type);
			if (r->cisco_alias >= 0)
				assert_non_null(avp_lookup(L2TP_VENDOR_CISCO,
				    (uint16_t)r->cisco_alias));
			for (k = j + 1; k < s->nrules; k++) {
				q = &s->rules[k];
				if ((q->vendor == r->vendor &&
					q->type == r->type) ||
				    (q->cisco_alias >= 0 &&
					q->cisco_alias == r->cisco_alias))
					fail_msg("%s: rules %zu and %zu clash",
					    s->name, j, k);
			}
		}
	}
	assert_null(l2tp_schema_lookup(5));
	assert_null(l2tp_schema_lookup(13));
	assert_null(l2tp_schema_lookup(L2TP_MT_ZLB));
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#if defined(__SANITIZE_ADDRESS__)
#define MIN_RATE 100000.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MIN_RATE 100000.0
#endif
#endif
#ifndef MIN_RATE
#define MIN_RATE 1000000.0
#endif

/* The daemon validates every message: at least a million a second for a
 * full SCCRQ, and a message of 128 AVPs costs no more than linearly. */
static void
test_speed(void **state)
{
	static const struct avp_spec avps[] = { CISCO_SCCRQ_AVPS, DRAFT, ROUTER,
		BYTES(9, 115, 0, "\0\0\1\1"), END };
	struct l2tp_verdict v;
	const long n = 300000;
	double t0, rate;
	long i;

	(void)state;
	decode_built(0, avps);
	t0 = now();
	for (i = 0; i < n; i++)
		if (l2tp_msg_validate(&msg, &v) != 0)
			fail_msg("%s", v.reason);
	rate = (double)n / (now() - t0);
	if (rate < MIN_RATE)
		fail_msg("%.0f validations/s, want %.0f", rate, MIN_RATE);
}

static void
test_many_avps(void **state)
{
	static struct avp_spec avps[L2TP_MSG_MAX_AVPS + 1];
	struct l2tp_verdict v;
	size_t i;

	(void)state;
	avps[0] = (struct avp_spec)MT(L2TP_MT_HELLO);
	for (i = 1; i < L2TP_MSG_MAX_AVPS; i++)
		avps[i] =
		    (struct avp_spec)BYTES(0, L2TP_AVP_RANDOM_VECTOR, 1, "rv");
	avps[i] = (struct avp_spec)END;
	decode_built(9, avps);
	assert_int_equal(msg.navps, L2TP_MSG_MAX_AVPS);
	assert_int_equal(l2tp_msg_validate(&msg, &v), 0);
	/* The last one repeats with the M bit on an unlisted type. */
	avps[L2TP_MSG_MAX_AVPS - 1] = (struct avp_spec)U16(0, 121, 1, 0);
	decode_built(9, avps);
	assert_int_equal(l2tp_msg_validate(&msg, &v), -1);
	assert_int_equal(v.err, L2TP_E_UNKNOWN_M);
	assert_int_equal(v.type, 121);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_zlb),
		cmocka_unit_test(test_bad_length),
		cmocka_unit_test(test_hidden_not_judged),
		cmocka_unit_test(test_captured),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_speed),
		cmocka_unit_test(test_many_avps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
