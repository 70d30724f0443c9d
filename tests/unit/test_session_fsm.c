/*
 * Sessions: the incoming-call transition table (daemon/session_fsm.c) --
 * every legal path in both roles, and what unexpected events lead to --
 * and the session messages (daemon/session_msg.c), which must decode and
 * validate against proto/'s schemas in both dialects and carry what
 * Cisco IOS sends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/session.h"
#include "daemon/session_fsm.h"
#include "proto/l2tp.h"
#include "proto/msg.h"
#include "proto/schema.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* --- the transition table ------------------------------------------- */

struct step {
	enum ss_event ev;
	enum ss_action action;
	int next; /* the state after the step */
};

struct path {
	const char *name;
	struct step steps[4];
	size_t n;
};

/* Each path starts in idle. */
static const struct path paths[] = {
	{ "LAC: ICRQ, ICRP, ICCN",
	    { { SSE_OPEN, SSA_SEND_ICRQ, SS_WAIT_REPLY },
		{ SSE_RX_ICRP, SSA_SEND_ICCN, SS_ESTABLISHED },
		{ SSE_RX_CDN, SSA_PEER_CDN, SS_IDLE } },
	    3 },
	{ "LNS: ICRQ, ICRP, ICCN",
	    { { SSE_RX_ICRQ, SSA_SEND_ICRP, SS_WAIT_CONNECT },
		{ SSE_RX_ICCN, SSA_ESTABLISH, SS_ESTABLISHED },
		{ SSE_CLOSE, SSA_SEND_CDN, SS_IDLE } },
	    3 },
	{ "LAC refused by CDN",
	    { { SSE_OPEN, SSA_SEND_ICRQ, SS_WAIT_REPLY },
		{ SSE_RX_CDN, SSA_PEER_CDN, SS_IDLE } },
	    2 },
	{ "LAC: unacceptable ICRP",
	    { { SSE_OPEN, SSA_SEND_ICRQ, SS_WAIT_REPLY },
		{ SSE_RX_BAD, SSA_SEND_CDN, SS_IDLE } },
	    2 },
	{ "tie lost, then LNS",
	    { { SSE_OPEN, SSA_SEND_ICRQ, SS_WAIT_REPLY },
		{ SSE_TIE_LOST, SSA_TEARDOWN, SS_IDLE },
		{ SSE_RX_ICRQ, SSA_SEND_ICRP, SS_WAIT_CONNECT },
		{ SSE_RX_ICCN, SSA_ESTABLISH, SS_ESTABLISHED } },
	    4 },
	{ "LNS: CDN before the ICCN",
	    { { SSE_RX_ICRQ, SSA_SEND_ICRP, SS_WAIT_CONNECT },
		{ SSE_RX_CDN, SSA_PEER_CDN, SS_IDLE } },
	    2 },
	{ "established: SLI, WEN, tunnel down",
	    { { SSE_RX_ICRQ, SSA_SEND_ICRP, SS_WAIT_CONNECT },
		{ SSE_RX_ICCN, SSA_ESTABLISH, SS_ESTABLISHED },
		{ SSE_RX_SLI, SSA_SLI, SS_ESTABLISHED },
		{ SSE_RX_WEN, SSA_WEN, SS_ESTABLISHED } },
	    4 },
	{ "tunnel down while waiting",
	    { { SSE_OPEN, SSA_SEND_ICRQ, SS_WAIT_REPLY },
		{ SSE_TUNNEL_DOWN, SSA_TEARDOWN, SS_IDLE } },
	    2 },
	{ "bad message while established",
	    { { SSE_OPEN, SSA_SEND_ICRQ, SS_WAIT_REPLY },
		{ SSE_RX_ICRP, SSA_SEND_ICCN, SS_ESTABLISHED },
		{ SSE_RX_BAD, SSA_SEND_CDN, SS_IDLE } },
	    3 },
};

static void
test_paths(void **state)
{
	enum ss_action action;
	size_t i, j;
	int cur, next;

	for (i = 0; i < nitems(paths); i++) {
		cur = SS_IDLE;
		for (j = 0; j < paths[i].n; j++) {
			const struct step *st = &paths[i].steps[j];

			if (ssfsm_lookup(cur, st->ev, &action, &next) != 0)
				fail_msg("%s: step %zu (%s in %s) has no row",
				    paths[i].name, j, ss_event_name(st->ev),
				    ss_state_name(cur));
			assert_int_equal(action, st->action);
			if (next != SS_NOCHANGE)
				cur = next;
			assert_int_equal(cur, st->next);
		}
	}
}

/* Out of place: no row; in an open state the call ends with CDN "FSM
 * error" (result 16), in idle the event is dropped. */
struct unexpected {
	int state;
	enum ss_event ev;
	enum ss_action action;
	int next;
};

static const struct unexpected unexpected[] = {
	{ SS_WAIT_REPLY, SSE_RX_ICCN, SSA_FSM_ERROR, SS_IDLE },
	{ SS_WAIT_REPLY, SSE_RX_SLI, SSA_FSM_ERROR, SS_IDLE },
	{ SS_WAIT_CONNECT, SSE_RX_ICRP, SSA_FSM_ERROR, SS_IDLE },
	{ SS_WAIT_CONNECT, SSE_RX_SLI, SSA_FSM_ERROR, SS_IDLE },
	{ SS_WAIT_CONNECT, SSE_TIE_LOST, SSA_FSM_ERROR, SS_IDLE },
	{ SS_ESTABLISHED, SSE_RX_ICRP, SSA_FSM_ERROR, SS_IDLE },
	{ SS_ESTABLISHED, SSE_RX_ICCN, SSA_FSM_ERROR, SS_IDLE },
	{ SS_ESTABLISHED, SSE_RX_ICRQ, SSA_FSM_ERROR, SS_IDLE },
	{ SS_ESTABLISHED, SSE_OPEN, SSA_FSM_ERROR, SS_IDLE },
	{ SS_IDLE, SSE_RX_ICRP, SSA_NOTHING, SS_NOCHANGE },
	{ SS_IDLE, SSE_RX_ICCN, SSA_NOTHING, SS_NOCHANGE },
	{ SS_IDLE, SSE_RX_SLI, SSA_NOTHING, SS_NOCHANGE },
	{ SS_IDLE, SSE_RX_BAD, SSA_NOTHING, SS_NOCHANGE },
};

static void
test_unexpected(void **state)
{
	enum ss_action action;
	size_t i;
	int next;

	for (i = 0; i < nitems(unexpected); i++) {
		const struct unexpected *u = &unexpected[i];

		assert_int_equal(
		    ssfsm_lookup(u->state, u->ev, &action, &next), -1);
		ssfsm_resolve(u->state, u->ev, &action, &next);
		assert_int_equal(action, u->action);
		assert_int_equal(next, u->next);
	}
}

/* Ends that need no call are harmless in idle; every open state can be
 * left by CDN, close and tunnel loss. */
static void
test_every_open_state_ends(void **state)
{
	static const int open[] = { SS_WAIT_REPLY, SS_WAIT_CONNECT,
		SS_ESTABLISHED };
	static const enum ss_event ends[] = { SSE_RX_CDN, SSE_RX_BAD, SSE_CLOSE,
		SSE_TUNNEL_DOWN };
	enum ss_action action;
	size_t i, j;
	int next;

	for (i = 0; i < nitems(open); i++)
		for (j = 0; j < nitems(ends); j++) {
			assert_int_equal(
			    ssfsm_lookup(open[i], ends[j], &action, &next), 0);
			assert_int_equal(next, SS_IDLE);
			assert_int_not_equal(action, SSA_NOTHING);
		}
	for (j = 0; j < nitems(ends); j++) {
		ssfsm_resolve(SS_IDLE, ends[j], &action, &next);
		assert_int_equal(action, SSA_NOTHING);
		assert_int_equal(next, SS_NOCHANGE);
	}
	assert_string_equal(ss_state_name(SS_WAIT_CONNECT), "wait-connect");
	assert_string_equal(ss_event_name(SSE_RX_ICRQ), "rx-ICRQ");
}

/* --- messages ----------------------------------------------------- */

static struct session_conf sconf;
static struct session sess;
static struct l2tp_msg msg;

static int
setup_session(void **state)
{
	memset(&sconf, 0, sizeof(sconf));
	sconf.name = "pw101";
	sconf.remote_end_id = "101";
	sconf.pw_type = L2TP_PW_ETH;
	sconf.cookie_len = 4;
	sconf.l2spec = L2TP_L2SS_NONE;
	sconf.mtu = 1500;
	memset(&sess, 0, sizeof(sess));
	sess.conf = &sconf;
	sess.local_id = 0x11223344;
	sess.remote_id = 0x55667788;
	sess.call_serial = 7;
	sess.tie_breaker = 0x0102030405060708ULL;
	sess.local_cookie_len = 4;
	memcpy(sess.local_cookie, "\xde\xad\xbe\xef", 4);
	return 0;
}

static void
hdr(struct smsg_hdr *h, int cisco, enum l2tp_digest_alg digest)
{
	memset(h, 0, sizeof(*h));
	h->framing = L2TP_ENCAP_UDP;
	h->peer_ccid = 0xabcdef01;
	h->ns = 3;
	h->nr = 4;
	h->cisco = cisco;
	h->digest = digest;
}

/* Build, decode, validate: the message as a peer would judge it. */
static void
build_valid(int cisco, enum l2tp_digest_alg digest, uint16_t type)
{
	uint8_t buf[L2TP_MSG_MAX_LEN];
	struct l2tp_decode_err err;
	struct l2tp_verdict v;
	struct smsg_hdr h;
	size_t len;

	hdr(&h, cisco, digest);
	assert_int_equal(
	    smsg_build(&h, &sess, type, buf, sizeof(buf), &len), 0);
	memset(&msg, 0, sizeof(msg));
	assert_int_equal(
	    l2tp_ctrl_decode(buf, len, L2TP_ENCAP_UDP, &msg, &err), 0);
	assert_int_equal(msg.type, type);
	assert_int_equal(msg.hdr.ccid, 0xabcdef01);
	assert_int_equal(msg.hdr.ns, 3);
	if (l2tp_msg_validate(&msg, &v) != 0)
		fail_msg("%s %s: %s", cisco ? "cisco" : "ietf",
		    l2tp_msg_type_name(type), v.reason);
}

static uint32_t
u32_of(uint16_t vendor, uint16_t type)
{
	const struct l2tp_avp *a = l2tp_msg_find(&msg, vendor, type);
	uint32_t v;

	assert_non_null(a);
	assert_int_equal(avp_get_u32(a, &v), 0);
	return v;
}

static uint16_t
u16_of(uint16_t vendor, uint16_t type)
{
	const struct l2tp_avp *a = l2tp_msg_find(&msg, vendor, type);
	uint16_t v;

	assert_non_null(a);
	assert_int_equal(avp_get_u16(a, &v), 0);
	return v;
}

static int
mandatory(uint16_t vendor, uint16_t type)
{
	const struct l2tp_avp *a = l2tp_msg_find(&msg, vendor, type);

	assert_non_null(a);
	return (a->flags & L2TP_AVP_F_M) != 0;
}

static void
test_every_message_validates(void **state)
{
	static const uint16_t types[] = { L2TP_MT_ICRQ, L2TP_MT_ICRP,
		L2TP_MT_ICCN, L2TP_MT_CDN, L2TP_MT_SLI };
	size_t i;
	int cisco;

	sess.cdn_result = L2TP_CDN_ADMIN;
	sess.cdn_msg = "administratively down";
	for (cisco = 0; cisco <= 1; cisco++)
		for (i = 0; i < nitems(types); i++) {
			build_valid(cisco, L2TP_DIGEST_NONE, types[i]);
			build_valid(cisco, L2TP_DIGEST_MD5, types[i]);
			/* The digest AVP comes second, in the dialect. */
			assert_int_equal(msg.avps[1].vendor,
			    cisco ? L2TP_VENDOR_CISCO : L2TP_VENDOR_IETF);
			assert_int_equal(msg.avps[1].type,
			    cisco ? L2TP_CISCO_MESSAGE_DIGEST
				  : L2TP_AVP_MESSAGE_DIGEST);
		}
}

static void
test_icrq_ietf(void **state)
{
	const struct l2tp_avp *a;
	char s[16];

	build_valid(0, L2TP_DIGEST_NONE, L2TP_MT_ICRQ);
	assert_int_equal(u32_of(0, L2TP_AVP_LOCAL_SESSION_ID), 0x11223344);
	assert_int_equal(u32_of(0, L2TP_AVP_REMOTE_SESSION_ID), 0);
	assert_int_equal(u32_of(0, L2TP_AVP_CALL_SERIAL), 7);
	assert_int_equal(u16_of(0, L2TP_AVP_PW_TYPE), L2TP_PW_ETH);
	assert_int_equal(
	    u16_of(0, L2TP_AVP_CIRCUIT_STATUS), L2TP_CS_ACTIVE | L2TP_CS_NEW);
	assert_int_equal(u16_of(0, L2TP_AVP_L2_SPECIFIC_SUBLAYER), 0);
	assert_int_equal(u16_of(0, L2TP_AVP_DATA_SEQUENCING), 0);
	a = l2tp_msg_find(&msg, 0, L2TP_AVP_REMOTE_END_ID);
	assert_non_null(a);
	assert_int_equal(avp_get_string(a, s, sizeof(s)), 0);
	assert_string_equal(s, "101");
	a = l2tp_msg_find(&msg, 0, L2TP_AVP_ASSIGNED_COOKIE);
	assert_non_null(a);
	assert_int_equal(a->len, 4);
	assert_memory_equal(a->value, "\xde\xad\xbe\xef", 4);
	a = l2tp_msg_find(&msg, 0, L2TP_AVP_TIE_BREAKER);
	assert_non_null(a);
	assert_memory_equal(a->value, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_false(l2tp_msg_has_vendor(&msg, L2TP_VENDOR_CISCO));
}

static void
test_icrq_cisco(void **state)
{
	const struct l2tp_avp *a;
	char s[16];

	build_valid(1, L2TP_DIGEST_NONE, L2TP_MT_ICRQ);
	assert_true(mandatory(0, L2TP_AVP_CALL_SERIAL));
	assert_int_equal(u32_of(9, L2TP_CISCO_LOCAL_SESSION_ID), 0x11223344);
	assert_true(mandatory(9, L2TP_CISCO_LOCAL_SESSION_ID));
	assert_int_equal(u32_of(9, L2TP_CISCO_REMOTE_SESSION_ID), 0);
	assert_true(mandatory(9, L2TP_CISCO_REMOTE_SESSION_ID));
	a = l2tp_msg_find(&msg, 9, L2TP_CISCO_ASSIGNED_COOKIE);
	assert_non_null(a);
	assert_int_equal(a->len, 4);
	assert_true(mandatory(9, L2TP_CISCO_ASSIGNED_COOKIE));
	a = l2tp_msg_find(&msg, 9, L2TP_CISCO_REMOTE_END_ID);
	assert_non_null(a);
	assert_int_equal(avp_get_string(a, s, sizeof(s)), 0);
	assert_string_equal(s, "101"); /* 313031 on the wire */
	assert_int_equal(u16_of(9, L2TP_CISCO_PW_TYPE), L2TP_PW_ETH);
	assert_true(mandatory(9, L2TP_CISCO_PW_TYPE));
	a = l2tp_msg_find(&msg, 9, L2TP_CISCO_SESSION_TIE_BREAKER);
	assert_non_null(a);
	assert_int_equal(a->len, 8);
	assert_true(mandatory(9, L2TP_CISCO_SESSION_TIE_BREAKER));
	assert_int_equal(u16_of(9, L2TP_CISCO_INTERFACE_MTU), 1500);
	/* Draft form: no IETF session AVPs, and none of the defaults. */
	assert_null(l2tp_msg_find(&msg, 0, L2TP_AVP_LOCAL_SESSION_ID));
	assert_null(l2tp_msg_find(&msg, 0, L2TP_AVP_REMOTE_SESSION_ID));
	assert_null(l2tp_msg_find(&msg, 0, L2TP_AVP_L2_SPECIFIC_SUBLAYER));
}

/* No cookie configured: no Assigned Cookie in either form; a sublayer
 * that is not Cisco's default travels in its form too. */
static void
test_icrq_no_cookie(void **state)
{
	sess.local_cookie_len = 0;
	sconf.l2spec = L2TP_L2SS_DEFAULT;
	build_valid(1, L2TP_DIGEST_NONE, L2TP_MT_ICRQ);
	assert_null(l2tp_msg_find(&msg, 9, L2TP_CISCO_ASSIGNED_COOKIE));
	assert_int_equal(u16_of(0, L2TP_AVP_L2_SPECIFIC_SUBLAYER), 1);
	build_valid(0, L2TP_DIGEST_NONE, L2TP_MT_ICRQ);
	assert_null(l2tp_msg_find(&msg, 0, L2TP_AVP_ASSIGNED_COOKIE));
}

/* Whatever the session holds, an ICRQ names no peer session yet. */
static void
test_icrq_remote_id_zero(void **state)
{
	int cisco;

	sess.remote_id = 0xffffffff;
	for (cisco = 0; cisco <= 1; cisco++) {
		build_valid(cisco, L2TP_DIGEST_NONE, L2TP_MT_ICRQ);
		assert_int_equal(u32_of(cisco ? 9 : 0,
				     cisco ? L2TP_CISCO_REMOTE_SESSION_ID
					   : L2TP_AVP_REMOTE_SESSION_ID),
		    0);
	}
}

static void
test_icrp_iccn_cisco(void **state)
{
	build_valid(1, L2TP_DIGEST_NONE, L2TP_MT_ICRP);
	assert_int_equal(u32_of(9, L2TP_CISCO_LOCAL_SESSION_ID), 0x11223344);
	assert_int_equal(u32_of(9, L2TP_CISCO_REMOTE_SESSION_ID), 0x55667788);
	assert_non_null(l2tp_msg_find(&msg, 9, L2TP_CISCO_ASSIGNED_COOKIE));
	assert_int_equal(u16_of(9, L2TP_CISCO_PW_TYPE), L2TP_PW_ETH);
	assert_int_equal(u16_of(9, L2TP_CISCO_INTERFACE_MTU), 1500);

	build_valid(1, L2TP_DIGEST_NONE, L2TP_MT_ICCN);
	assert_int_equal(u32_of(0, L2TP_AVP_FRAMING_TYPE), 0);
	assert_true(mandatory(0, L2TP_AVP_FRAMING_TYPE));
	assert_int_equal(u32_of(0, L2TP_AVP_CONNECT_SPEED), 0);
	assert_true(mandatory(0, L2TP_AVP_CONNECT_SPEED));
	assert_int_equal(u32_of(9, L2TP_CISCO_LOCAL_SESSION_ID), 0x11223344);
	assert_int_equal(u32_of(9, L2TP_CISCO_REMOTE_SESSION_ID), 0x55667788);
}

static void
test_icrp_ietf(void **state)
{
	build_valid(0, L2TP_DIGEST_NONE, L2TP_MT_ICRP);
	assert_int_equal(u32_of(0, L2TP_AVP_LOCAL_SESSION_ID), 0x11223344);
	assert_int_equal(u32_of(0, L2TP_AVP_REMOTE_SESSION_ID), 0x55667788);
	assert_int_equal(
	    u16_of(0, L2TP_AVP_CIRCUIT_STATUS), L2TP_CS_ACTIVE | L2TP_CS_NEW);
}

/* l2spec = auto: the call's sublayer is what the peer asked for; it is
 * said back, and a derived MTU loses the sublayer's 4 bytes with it. */
static void
test_l2spec_auto(void **state)
{
	sconf.l2spec = CONF_L2SS_AUTO;
	sconf.mtu = 1450;
	sess.l2ss_default = 1;
	build_valid(0, L2TP_DIGEST_NONE, L2TP_MT_ICRP);
	assert_int_equal(
	    u16_of(0, L2TP_AVP_L2_SPECIFIC_SUBLAYER), L2TP_L2SS_DEFAULT);
	assert_int_equal(session_mtu(&sess), 1446);
	/* Cisco's draft form names the sublayer only when it is not none. */
	build_valid(1, L2TP_DIGEST_NONE, L2TP_MT_ICRP);
	assert_int_equal(
	    u16_of(0, L2TP_AVP_L2_SPECIFIC_SUBLAYER), L2TP_L2SS_DEFAULT);
	sess.l2ss_default = 0;
	build_valid(1, L2TP_DIGEST_NONE, L2TP_MT_ICRP);
	assert_null(l2tp_msg_find(&msg, 0, L2TP_AVP_L2_SPECIFIC_SUBLAYER));
	build_valid(0, L2TP_DIGEST_NONE, L2TP_MT_ICRP);
	assert_int_equal(
	    u16_of(0, L2TP_AVP_L2_SPECIFIC_SUBLAYER), L2TP_L2SS_NONE);
	assert_int_equal(session_mtu(&sess), 1450);
	/* A configured MTU is the operator's. */
	sess.l2ss_default = 1;
	sconf.mtu_set = 1;
	assert_int_equal(session_mtu(&sess), 1450);
	/* Not auto: the configuration decides, whatever the call says. */
	sconf.l2spec = L2TP_L2SS_NONE;
	assert_int_equal(session_l2ss_default(&sess), 0);
	sconf.l2spec = L2TP_L2SS_DEFAULT;
	sess.l2ss_default = 0;
	assert_int_equal(session_l2ss_default(&sess), 1);
}

/* SLI: the A bit follows our circuit, N is clear. */
static void
test_sli(void **state)
{
	build_valid(0, L2TP_DIGEST_NONE, L2TP_MT_SLI);
	assert_int_equal(u16_of(0, L2TP_AVP_CIRCUIT_STATUS), L2TP_CS_ACTIVE);
	sess.local_down = 1;
	build_valid(0, L2TP_DIGEST_NONE, L2TP_MT_SLI);
	assert_int_equal(u16_of(0, L2TP_AVP_CIRCUIT_STATUS), 0);
	build_valid(1, L2TP_DIGEST_NONE, L2TP_MT_SLI);
	assert_int_equal(u16_of(9, L2TP_CISCO_CIRCUIT_STATUS), 0);
	assert_null(l2tp_msg_find(&msg, 0, L2TP_AVP_CIRCUIT_STATUS));
}

static void
result_of(uint16_t *result, uint16_t *error, char *text, size_t len)
{
	const struct l2tp_avp *a = l2tp_msg_find(&msg, 0, L2TP_AVP_RESULT_CODE);
	struct rbuf r;
	size_t n;

	assert_non_null(a);
	avp_reader(a, &r);
	assert_int_equal(rbuf_get_u16(&r, result), 0);
	assert_int_equal(rbuf_get_u16(&r, error), 0);
	n = rbuf_left(&r);
	assert_true(n < len);
	assert_int_equal(rbuf_get_bytes(&r, text, n), 0);
	text[n] = '\0';
}

/* The refusal of an ICRQ nobody is configured for, as Cisco words it. */
static void
test_stateless_cdn(void **state)
{
	uint8_t buf[512];
	struct l2tp_decode_err err;
	struct l2tp_verdict v;
	struct smsg_hdr h;
	uint16_t result, error;
	char text[128];
	size_t len;
	int cisco;

	for (cisco = 0; cisco <= 1; cisco++) {
		hdr(&h, cisco, L2TP_DIGEST_NONE);
		assert_int_equal(
		    smsg_build_cdn(&h, 0x99, L2TP_CDN_NO_FACILITIES_PERM, 0,
			"no session configured for remote end id 101", buf,
			sizeof(buf), &len),
		    0);
		assert_int_equal(
		    l2tp_ctrl_decode(buf, len, L2TP_ENCAP_UDP, &msg, &err), 0);
		assert_int_equal(l2tp_msg_validate(&msg, &v), 0);
		result_of(&result, &error, text, sizeof(text));
		assert_int_equal(result, 5);
		assert_int_equal(error, 0);
		assert_string_equal(
		    text, "no session configured for remote end id 101");
		assert_int_equal(u32_of(cisco ? 9 : 0,
				     cisco ? L2TP_CISCO_REMOTE_SESSION_ID
					   : L2TP_AVP_REMOTE_SESSION_ID),
		    0x99);
		assert_int_equal(u32_of(cisco ? 9 : 0,
				     cisco ? L2TP_CISCO_LOCAL_SESSION_ID
					   : L2TP_AVP_LOCAL_SESSION_ID),
		    0);
	}
}

/* The CDN of a session carries its codes and both IDs. */
static void
test_session_cdn(void **state)
{
	uint16_t result, error;
	char text[128];

	session_set_cdn(&sess, L2TP_CDN_LOST_TIE_BREAKER, 0, "tie");
	build_valid(0, L2TP_DIGEST_NONE, L2TP_MT_CDN);
	result_of(&result, &error, text, sizeof(text));
	assert_int_equal(result, 13);
	assert_string_equal(text, "tie");
	assert_int_equal(u32_of(0, L2TP_AVP_LOCAL_SESSION_ID), 0x11223344);
	assert_int_equal(u32_of(0, L2TP_AVP_REMOTE_SESSION_ID), 0x55667788);
	/* Kept up to SESSION_TEXT_MAX - 1 characters. */
	memset(text, 'x', 100);
	text[100] = '\0';
	session_set_cdn(&sess, L2TP_CDN_ADMIN, 0, text);
	assert_int_equal(strlen(sess.cdn_msg), SESSION_TEXT_MAX - 1);
	assert_memory_equal(sess.cdn_msg, text, SESSION_TEXT_MAX - 1);
	/* No text: none kept (the texts above are freed, as ASan checks). */
	session_set_cdn(&sess, L2TP_CDN_ADMIN, 0, NULL);
	assert_string_equal(sess.cdn_msg, "");
	build_valid(0, L2TP_DIGEST_NONE, L2TP_MT_CDN);
	result_of(&result, &error, text, sizeof(text));
	assert_int_equal(result, L2TP_CDN_ADMIN);
	assert_string_equal(text, "");
}

/* Only session messages can be built here. */
static void
test_refuses_other_types(void **state)
{
	uint8_t buf[512];
	struct smsg_hdr h;
	size_t len;

	hdr(&h, 0, L2TP_DIGEST_NONE);
	assert_int_equal(
	    smsg_build(&h, &sess, L2TP_MT_SCCRQ, buf, sizeof(buf), &len), -1);
	/* Too small a buffer fails instead of writing past it. */
	assert_int_equal(
	    smsg_build(&h, &sess, L2TP_MT_ICRQ, buf, 40, &len), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_unexpected),
		cmocka_unit_test(test_every_open_state_ends),
		cmocka_unit_test_setup(
		    test_every_message_validates, setup_session),
		cmocka_unit_test_setup(test_icrq_ietf, setup_session),
		cmocka_unit_test_setup(test_icrq_cisco, setup_session),
		cmocka_unit_test_setup(test_icrq_no_cookie, setup_session),
		cmocka_unit_test_setup(test_icrq_remote_id_zero, setup_session),
		cmocka_unit_test_setup(test_icrp_iccn_cisco, setup_session),
		cmocka_unit_test_setup(test_icrp_ietf, setup_session),
		cmocka_unit_test_setup(test_sli, setup_session),
		cmocka_unit_test_setup(test_l2spec_auto, setup_session),
		cmocka_unit_test_setup(test_stateless_cdn, setup_session),
		cmocka_unit_test_setup(test_session_cdn, setup_session),
		cmocka_unit_test_setup(test_refuses_other_types, setup_session),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
