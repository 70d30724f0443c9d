/*
 * Building the control-connection messages in the two dialects.
 *
 * IETF (RFC 3931): Host Name, Router ID, Assigned Control Connection ID
 * (61), Pseudowire Capabilities List (62), Receive Window Size, and the
 * informational Vendor Name and Firmware Revision.
 *
 * Cisco draft mode, as IOS sends it: the v2-era Protocol Version and
 * Framing Capabilities, then Host Name, Vendor Name, Receive Window Size
 * and the vendor-9 Assigned Connection ID (9:1), Pseudowire Capabilities
 * (9:2) and Draft AVP Version (9:10); no Router ID, 61 or 62.
 */
#include <config.h>

#include <string.h>

#include "daemon/reliable.h"
#include "daemon/tunnel.h"
#include "proto/l2tp.h"
#include "proto/msg.h"

#define L2TPV3D_FIRMWARE_REV 0x0100
#define CISCO_DRAFT_AVP_VERSION 1

static const uint16_t pw_caps[] = { L2TP_PW_ETH, L2TP_PW_ETH_VLAN };
static const uint8_t proto_version[] = { 1, 0 };

static uint16_t
tmsg_vendor(const struct tunnel *t)
{
	return t->cisco ? L2TP_VENDOR_CISCO : L2TP_VENDOR_IETF;
}

static void
tmsg_head(struct l2tp_msg_writer *mw, struct tunnel *t, uint16_t type)
{
	if (type == L2TP_MT_ACK && t->cisco)
		l2tp_mw_msgtype(mw, L2TP_VENDOR_CISCO, L2TP_CISCO_MT_ACK);
	else
		l2tp_mw_msgtype(mw, L2TP_VENDOR_IETF, type);
	if (t->auth.alg != L2TP_DIGEST_NONE)
		l2tp_mw_digest(
		    mw, tmsg_vendor(t), l2tp_digest_wire_type(t->auth.alg));
}

static void
tmsg_nonce(struct l2tp_msg_writer *mw, struct tunnel *t)
{
	if (t->auth.alg == L2TP_DIGEST_NONE)
		return;
	if (t->cisco)
		l2tp_mw_avp(mw, L2TP_VENDOR_CISCO, L2TP_CISCO_AUTH_NONCE, 1,
		    t->auth.local_nonce, t->auth.local_nonce_len);
	else
		l2tp_mw_avp(mw, L2TP_VENDOR_IETF, L2TP_AVP_CTRL_AUTH_NONCE, 1,
		    t->auth.local_nonce, t->auth.local_nonce_len);
}

/*
 * Cisco IOS with a secret sends the v2-era Challenge in SCCRQ/SCCRP and
 * expects the Challenge Response in the reply; we do the same toward a
 * Cisco draft-mode peer, and answer a Challenge from any peer.
 */
static void
tmsg_challenge(struct l2tp_msg_writer *mw, struct tunnel *t)
{
	if (!t->cisco || t->conf->secret_len == 0)
		return;
	l2tp_mw_avp(mw, 0, L2TP_AVP_CHALLENGE, 1, t->local_challenge,
	    sizeof(t->local_challenge));
	t->challenge_sent = 1;
}

static void
tmsg_challenge_response(
    struct l2tp_msg_writer *mw, struct tunnel *t, uint16_t type)
{
	uint8_t resp[16];

	if (t->peer_challenge_len == 0 || t->conf->secret_len == 0)
		return;
	if (l2tp_challenge_response((uint8_t)type, t->conf->secret,
		t->conf->secret_len, t->peer_challenge, t->peer_challenge_len,
		resp) == 0)
		l2tp_mw_avp(
		    mw, 0, L2TP_AVP_CHALLENGE_RESPONSE, 1, resp, sizeof(resp));
}

static void
tmsg_start_ietf(struct l2tp_msg_writer *mw, const struct daemon_conf *dc,
    struct tunnel *t, int request)
{
	l2tp_mw_avp_str(mw, 0, L2TP_AVP_HOST_NAME, 1, dc->hostname);
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_ROUTER_ID, 1, dc->router_id);
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_ASSIGNED_CCID, 1, t->local_ccid);
	l2tp_mw_avp_u16_list(mw, 0, L2TP_AVP_PW_CAPS, 1, pw_caps,
	    sizeof(pw_caps) / sizeof(pw_caps[0]));
	l2tp_mw_avp_u16(
	    mw, 0, L2TP_AVP_RECV_WINDOW, 1, t->conf->timers.rx_window);
	if (request)
		l2tp_mw_avp_u64(mw, 0, L2TP_AVP_TIE_BREAKER, 0, t->tie_breaker);
	l2tp_mw_avp_u16(mw, 0, L2TP_AVP_FIRMWARE_REV, 0, L2TPV3D_FIRMWARE_REV);
	l2tp_mw_avp_str(mw, 0, L2TP_AVP_VENDOR_NAME, 0, dc->vendor_name);
	tmsg_nonce(mw, t);
}

static void
tmsg_start_cisco(struct l2tp_msg_writer *mw, const struct daemon_conf *dc,
    struct tunnel *t, int request)
{
	l2tp_mw_avp(mw, 0, L2TP_AVP_PROTOCOL_VERSION, 1, proto_version,
	    sizeof(proto_version));
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_FRAMING_CAPS, 1, 0);
	if (request)
		l2tp_mw_avp_u64(mw, 0, L2TP_AVP_TIE_BREAKER, 0, t->tie_breaker);
	l2tp_mw_avp_u16(mw, 0, L2TP_AVP_FIRMWARE_REV, 0, L2TPV3D_FIRMWARE_REV);
	l2tp_mw_avp_str(mw, 0, L2TP_AVP_HOST_NAME, 1, dc->hostname);
	l2tp_mw_avp_str(mw, 0, L2TP_AVP_VENDOR_NAME, 0, dc->vendor_name);
	l2tp_mw_avp_u16(
	    mw, 0, L2TP_AVP_RECV_WINDOW, 1, t->conf->timers.rx_window);
	l2tp_mw_avp_u32(
	    mw, L2TP_VENDOR_CISCO, L2TP_CISCO_ASSIGNED_CCID, 1, t->local_ccid);
	l2tp_mw_avp_u16_list(mw, L2TP_VENDOR_CISCO, L2TP_CISCO_PW_CAPS, 1,
	    pw_caps, sizeof(pw_caps) / sizeof(pw_caps[0]));
	l2tp_mw_avp_u16(mw, L2TP_VENDOR_CISCO, L2TP_CISCO_DRAFT_AVP_VERSION, 1,
	    CISCO_DRAFT_AVP_VERSION);
	tmsg_challenge(mw, t);
	tmsg_nonce(mw, t);
}

static void
tmsg_stopccn_body(struct l2tp_msg_writer *mw, struct tunnel *t)
{
	l2tp_mw_avp_result(mw, t->stop_result, t->stop_error,
	    t->stop_msg[0] != '\0' ? t->stop_msg : NULL);
	if (t->cisco)
		l2tp_mw_avp_u32(mw, L2TP_VENDOR_CISCO, L2TP_CISCO_ASSIGNED_CCID,
		    1, t->local_ccid);
	else
		l2tp_mw_avp_u32(
		    mw, 0, L2TP_AVP_ASSIGNED_CCID, 1, t->local_ccid);
}

int
tmsg_build(const struct daemon_conf *dc, struct tunnel *t, uint16_t type,
    uint8_t *buf, size_t cap, size_t *len)
{
	struct l2tp_msg_writer mw;
	struct wbuf w;

	wbuf_init(&w, buf, cap);
	if (l2tp_mw_begin(&mw, &w, t->framing, t->peer_ccid, rl_next_ns(t->rl),
		rl_nr(t->rl)) == -1)
		return -1;
	tmsg_head(&mw, t, type);
	switch (type) {
	case L2TP_MT_SCCRQ:
	case L2TP_MT_SCCRP:
		if (t->cisco)
			tmsg_start_cisco(&mw, dc, t, type == L2TP_MT_SCCRQ);
		else
			tmsg_start_ietf(&mw, dc, t, type == L2TP_MT_SCCRQ);
		if (type == L2TP_MT_SCCRP)
			tmsg_challenge_response(&mw, t, type);
		break;
	case L2TP_MT_STOPCCN:
		tmsg_stopccn_body(&mw, t);
		break;
	case L2TP_MT_SCCCN:
		tmsg_challenge_response(&mw, t, type);
		break;
	case L2TP_MT_HELLO:
	case L2TP_MT_ACK:
		break;
	default:
		return -1;
	}
	return l2tp_mw_end(&mw, len);
}

int
tmsg_stateless_stopccn(enum l2tp_encap framing, int cisco, uint32_t peer_ccid,
    uint32_t local_ccid, uint16_t result, uint16_t error, const char *text,
    uint8_t *buf, size_t cap, size_t *len)
{
	struct l2tp_msg_writer mw;
	struct wbuf w;

	/* Ns 0, Nr 1: this acknowledges the SCCRQ it answers. */
	wbuf_init(&w, buf, cap);
	if (l2tp_mw_begin(&mw, &w, framing, peer_ccid, 0, 1) == -1)
		return -1;
	l2tp_mw_msgtype(&mw, L2TP_VENDOR_IETF, L2TP_MT_STOPCCN);
	l2tp_mw_avp_result(&mw, result, error, text);
	if (local_ccid == 0)
		return -1;
	if (cisco)
		l2tp_mw_avp_u32(&mw, L2TP_VENDOR_CISCO,
		    L2TP_CISCO_ASSIGNED_CCID, 1, local_ccid);
	else
		l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_ASSIGNED_CCID, 1, local_ccid);
	return l2tp_mw_end(&mw, len);
}
