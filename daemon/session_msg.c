/*
 * Building the session messages (ICRQ, ICRP, ICCN, CDN, SLI) in the two
 * dialects.
 *
 * IETF (RFC 3931, RFC 4719, RFC 5641): Local and Remote Session ID (63,
 * 64), Remote End ID (66), Pseudowire Type (68), Assigned Cookie (65),
 * L2-Specific Sublayer (69), Data Sequencing (70), Circuit Status (71)
 * and, in the ICRQ, Call Serial Number (15) as Cisco sends it and our
 * session Tie Breaker in AVP 5 (the schema's IETF form of 9:9).
 *
 * Cisco draft mode, as IOS sends it: ICRQ with Call Serial Number, 9:3,
 * 9:4 (always 0), 9:5 (with cookies), 9:6, 9:7, 9:9 and 9:14; ICRP with
 * 9:3, 9:4, 9:5, 9:7, 9:14; ICCN with Framing Type and Connect Speed (both
 * 0, mandatory), 9:3, 9:4; SLI with 9:3, 9:4, 9:8; CDN with the Result
 * Code, 9:3 and 9:4.  69 and 70 are added only when not the defaults.
 */
#include <config.h>

#include <string.h>

#include "daemon/session.h"
#include "proto/l2tp.h"
#include "proto/msg.h"

#define SMSG_MTU_DEFAULT 1500

/* What the call says of the session: here, next to the messages that
 * carry it, so that building them needs nothing of session.c. */
int
session_l2ss_default(const struct session *s)
{
	if (s->conf->l2spec == CONF_L2SS_AUTO)
		return s->l2ss_default;
	return s->conf->l2spec == L2TP_L2SS_DEFAULT;
}

/* A derived MTU (no `mtu` configured) of an l2spec = auto session
 * leaves out the sublayer; it comes off when the peer asks for it. */
unsigned int
session_mtu(const struct session *s)
{
	const struct session_conf *sc = s->conf;

	if (sc->l2spec == CONF_L2SS_AUTO && !sc->mtu_set &&
	    session_l2ss_default(s) && sc->mtu > 4)
		return sc->mtu - 4;
	return sc->mtu;
}

static void
smsg_head(struct l2tp_msg_writer *mw, const struct smsg_hdr *h, uint16_t type)
{
	l2tp_mw_msgtype(mw, L2TP_VENDOR_IETF, type);
	if (h->digest != L2TP_DIGEST_NONE)
		l2tp_mw_digest(mw,
		    h->cisco ? L2TP_VENDOR_CISCO : L2TP_VENDOR_IETF,
		    l2tp_digest_wire_type(h->digest));
}

/* Local Session ID then Remote Session ID, in the dialect's form. */
static void
smsg_ids(struct l2tp_msg_writer *mw, const struct smsg_hdr *h, uint32_t local,
    uint32_t remote)
{
	if (h->cisco) {
		l2tp_mw_avp_u32(mw, L2TP_VENDOR_CISCO,
		    L2TP_CISCO_LOCAL_SESSION_ID, 1, local);
		l2tp_mw_avp_u32(mw, L2TP_VENDOR_CISCO,
		    L2TP_CISCO_REMOTE_SESSION_ID, 1, remote);
	} else {
		l2tp_mw_avp_u32(mw, 0, L2TP_AVP_LOCAL_SESSION_ID, 1, local);
		l2tp_mw_avp_u32(mw, 0, L2TP_AVP_REMOTE_SESSION_ID, 1, remote);
	}
}

static void
smsg_cookie(struct l2tp_msg_writer *mw, const struct smsg_hdr *h,
    const struct session *s)
{
	if (s->local_cookie_len == 0)
		return;
	if (h->cisco)
		l2tp_mw_avp(mw, L2TP_VENDOR_CISCO, L2TP_CISCO_ASSIGNED_COOKIE,
		    1, s->local_cookie, s->local_cookie_len);
	else
		l2tp_mw_avp(mw, 0, L2TP_AVP_ASSIGNED_COOKIE, 1, s->local_cookie,
		    s->local_cookie_len);
}

static void
smsg_pw_type(struct l2tp_msg_writer *mw, const struct smsg_hdr *h,
    const struct session *s)
{
	if (h->cisco)
		l2tp_mw_avp_u16(mw, L2TP_VENDOR_CISCO, L2TP_CISCO_PW_TYPE, 1,
		    (uint16_t)s->conf->pw_type);
	else
		l2tp_mw_avp_u16(
		    mw, 0, L2TP_AVP_PW_TYPE, 1, (uint16_t)s->conf->pw_type);
}

static uint16_t
smsg_data_seq(const struct session *s)
{
	/* What we ask of the peer: to sequence what it sends us. */
	return (s->conf->seq & SEQ_RECV) ? L2TP_DSEQ_ALL : L2TP_DSEQ_NONE;
}

/* L2-Specific Sublayer and Data Sequencing: always in IETF form; in
 * Cisco's only when they differ from its defaults (none, none). */
static void
smsg_data_params(struct l2tp_msg_writer *mw, const struct smsg_hdr *h,
    const struct session *s)
{
	int l2ss = session_l2ss_default(s);

	if (!h->cisco || l2ss)
		l2tp_mw_avp_u16(mw, 0, L2TP_AVP_L2_SPECIFIC_SUBLAYER, 1,
		    l2ss ? L2TP_L2SS_DEFAULT : L2TP_L2SS_NONE);
	if (!h->cisco || smsg_data_seq(s) != L2TP_DSEQ_NONE)
		l2tp_mw_avp_u16(
		    mw, 0, L2TP_AVP_DATA_SEQUENCING, 1, smsg_data_seq(s));
}

static void
smsg_circuit(struct l2tp_msg_writer *mw, const struct smsg_hdr *h,
    const struct session *s, int is_new)
{
	uint16_t cs =
	    (s->local_down ? 0 : L2TP_CS_ACTIVE) | (is_new ? L2TP_CS_NEW : 0);

	if (h->cisco)
		l2tp_mw_avp_u16(
		    mw, L2TP_VENDOR_CISCO, L2TP_CISCO_CIRCUIT_STATUS, 1, cs);
	else
		l2tp_mw_avp_u16(mw, 0, L2TP_AVP_CIRCUIT_STATUS, 1, cs);
}

static uint16_t
smsg_mtu(const struct session *s)
{
	unsigned int mtu = session_mtu(s);

	return mtu > 0 && mtu <= UINT16_MAX ? (uint16_t)mtu : SMSG_MTU_DEFAULT;
}

static void
smsg_icrq(struct l2tp_msg_writer *mw, const struct smsg_hdr *h,
    const struct session *s)
{
	const char *end_id = s->conf->remote_end_id;
	uint8_t tb[8];
	int i;

	for (i = 0; i < 8; i++)
		tb[i] = (uint8_t)(s->tie_breaker >> (56 - 8 * i));
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_CALL_SERIAL, 1, s->call_serial);
	/* An ICRQ names no session of the peer's yet: Remote ID 0. */
	smsg_ids(mw, h, s->local_id, 0);
	smsg_cookie(mw, h, s);
	if (h->cisco) {
		if (end_id[0] != '\0')
			l2tp_mw_avp_str(mw, L2TP_VENDOR_CISCO,
			    L2TP_CISCO_REMOTE_END_ID, 0, end_id);
		smsg_pw_type(mw, h, s);
		l2tp_mw_avp(mw, L2TP_VENDOR_CISCO,
		    L2TP_CISCO_SESSION_TIE_BREAKER, 1, tb, sizeof(tb));
		l2tp_mw_avp_u16(mw, L2TP_VENDOR_CISCO, L2TP_CISCO_INTERFACE_MTU,
		    0, smsg_mtu(s));
		smsg_data_params(mw, h, s);
		return;
	}
	if (end_id[0] != '\0')
		l2tp_mw_avp_str(mw, 0, L2TP_AVP_REMOTE_END_ID, 1, end_id);
	smsg_pw_type(mw, h, s);
	smsg_data_params(mw, h, s);
	smsg_circuit(mw, h, s, 1);
	l2tp_mw_avp(mw, 0, L2TP_AVP_TIE_BREAKER, 0, tb, sizeof(tb));
}

static void
smsg_icrp(struct l2tp_msg_writer *mw, const struct smsg_hdr *h,
    const struct session *s)
{
	smsg_ids(mw, h, s->local_id, s->remote_id);
	smsg_cookie(mw, h, s);
	smsg_pw_type(mw, h, s);
	if (h->cisco) {
		l2tp_mw_avp_u16(mw, L2TP_VENDOR_CISCO, L2TP_CISCO_INTERFACE_MTU,
		    0, smsg_mtu(s));
		smsg_data_params(mw, h, s);
		return;
	}
	smsg_data_params(mw, h, s);
	smsg_circuit(mw, h, s, 1);
}

static void
smsg_iccn(struct l2tp_msg_writer *mw, const struct smsg_hdr *h,
    const struct session *s)
{
	if (h->cisco) {
		l2tp_mw_avp_u32(mw, 0, L2TP_AVP_FRAMING_TYPE, 1, 0);
		l2tp_mw_avp_u32(mw, 0, L2TP_AVP_CONNECT_SPEED, 1, 0);
		smsg_ids(mw, h, s->local_id, s->remote_id);
		return;
	}
	smsg_ids(mw, h, s->local_id, s->remote_id);
	smsg_data_params(mw, h, s);
	smsg_circuit(mw, h, s, 1);
}

static void
smsg_cdn(struct l2tp_msg_writer *mw, const struct smsg_hdr *h, uint32_t local,
    uint32_t remote, uint16_t result, uint16_t error, const char *text)
{
	l2tp_mw_avp_result(
	    mw, result, error, text != NULL && text[0] != '\0' ? text : NULL);
	smsg_ids(mw, h, local, remote);
}

static int
smsg_begin(struct l2tp_msg_writer *mw, struct wbuf *w, const struct smsg_hdr *h,
    uint16_t type, uint8_t *buf, size_t cap)
{
	wbuf_init(w, buf, cap);
	if (l2tp_mw_begin(mw, w, h->framing, h->peer_ccid, h->ns, h->nr) == -1)
		return -1;
	smsg_head(mw, h, type);
	return 0;
}

int
smsg_build(const struct smsg_hdr *h, const struct session *s, uint16_t type,
    uint8_t *buf, size_t cap, size_t *len)
{
	struct l2tp_msg_writer mw;
	struct wbuf w;

	if (smsg_begin(&mw, &w, h, type, buf, cap) == -1)
		return -1;
	switch (type) {
	case L2TP_MT_ICRQ:
		smsg_icrq(&mw, h, s);
		break;
	case L2TP_MT_ICRP:
		smsg_icrp(&mw, h, s);
		break;
	case L2TP_MT_ICCN:
		smsg_iccn(&mw, h, s);
		break;
	case L2TP_MT_CDN:
		smsg_cdn(&mw, h, s->local_id, s->remote_id, s->cdn_result,
		    s->cdn_error, s->cdn_msg);
		break;
	case L2TP_MT_SLI:
		smsg_ids(&mw, h, s->local_id, s->remote_id);
		smsg_circuit(&mw, h, s, 0);
		break;
	default:
		return -1;
	}
	return l2tp_mw_end(&mw, len);
}

int
smsg_build_cdn(const struct smsg_hdr *h, uint32_t peer_session_id,
    uint16_t result, uint16_t error, const char *text, uint8_t *buf, size_t cap,
    size_t *len)
{
	struct l2tp_msg_writer mw;
	struct wbuf w;

	if (smsg_begin(&mw, &w, h, L2TP_MT_CDN, buf, cap) == -1)
		return -1;
	smsg_cdn(&mw, h, 0, peer_session_id, result, error, text);
	return l2tp_mw_end(&mw, len);
}
