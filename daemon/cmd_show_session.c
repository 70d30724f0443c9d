/*
 * `show session` in its forms: the table, every detail of each session,
 * JSON, and the Wireshark options that decode a session's data packets.
 * The kernel's view of a session (its counters) comes from pw.c; how it
 * reads is decided here.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cmd_impl.h"
#include "daemon/dataplane.h"
#include "daemon/pw.h"
#include "daemon/session.h"
#include "daemon/tunnel.h"

/* --- the kernel's view -------------------------------------------- */

static void
kernel_json(struct sbuf *sb, const struct session *s)
{
	struct dp_session_stats st;
	struct dp_session_cfg have;
	char vbuf[IFNAMSIZ];

	if (pw_session_stats(s, &have, &st) == -1) {
		sbuf_puts(sb, ",\"kernel\":null");
		return;
	}
	sbuf_puts(sb, ",\"kernel\":{\"interface\":");
	sbuf_json_str(sb, s->dp_ifname);
	if (s->conf->pw_type == L2TP_PW_ETH_VLAN) {
		sbuf_puts(sb, ",\"vlanInterface\":");
		sbuf_json_str(sb, pw_ac_ifname(s, vbuf, sizeof(vbuf)));
	}
	sbuf_printf(sb, ",\"sendSeq\":%s,\"recvSeq\":%s",
	    have.send_seq ? "true" : "false", have.recv_seq ? "true" : "false");
	sbuf_printf(sb,
	    ",\"txPackets\":%llu,\"txBytes\":%llu,\"txErrors\":%llu,"
	    "\"rxPackets\":%llu,\"rxBytes\":%llu,\"rxErrors\":%llu,"
	    "\"rxSeqDiscards\":%llu,\"rxOosPackets\":%llu,"
	    "\"rxCookieDiscards\":%llu,\"rxInvalid\":%llu}",
	    (unsigned long long)st.tx_packets, (unsigned long long)st.tx_bytes,
	    (unsigned long long)st.tx_errors, (unsigned long long)st.rx_packets,
	    (unsigned long long)st.rx_bytes, (unsigned long long)st.rx_errors,
	    (unsigned long long)st.rx_seq_discards,
	    (unsigned long long)st.rx_oos_packets,
	    (unsigned long long)st.rx_cookie_discards,
	    (unsigned long long)st.rx_invalid);
}

static void
kernel_text(struct sbuf *sb, const struct session *s)
{
	struct dp_session_stats st;

	if (pw_session_stats(s, NULL, &st) == -1)
		return;
	sbuf_printf(sb,
	    "  kernel %s: tx %llu packets %llu bytes %llu errors; "
	    "rx %llu packets %llu bytes %llu errors, discarded: %llu "
	    "cookie %llu sequence %llu invalid; %llu out of sequence\n",
	    s->dp_ifname, (unsigned long long)st.tx_packets,
	    (unsigned long long)st.tx_bytes, (unsigned long long)st.tx_errors,
	    (unsigned long long)st.rx_packets, (unsigned long long)st.rx_bytes,
	    (unsigned long long)st.rx_errors,
	    (unsigned long long)st.rx_cookie_discards,
	    (unsigned long long)st.rx_seq_discards,
	    (unsigned long long)st.rx_invalid,
	    (unsigned long long)st.rx_oos_packets);
}

/* --- text and JSON ------------------------------------------------- */

static void
hex_str(const uint8_t *b, size_t n, char *out, size_t len)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < n && 2 * i + 2 < len; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void
session_json(struct sbuf *sb, const struct session *s)
{
	char lc[2 * SESSION_COOKIE_MAX + 1], pc[2 * SESSION_COOKIE_MAX + 1];

	hex_str(s->local_cookie, s->local_cookie_len, lc, sizeof(lc));
	hex_str(s->peer_cookie, s->peer_cookie_len, pc, sizeof(pc));
	sbuf_json_str(sb, s->conf->name);
	sbuf_puts(sb, ":{\"name\":");
	sbuf_json_str(sb, s->conf->name);
	sbuf_puts(sb, ",\"tunnel\":");
	sbuf_json_str(sb, s->tunnel->conf->name);
	sbuf_printf(sb,
	    ",\"state\":\"%s\",\"initiator\":%s,\"dialect\":\"%s\","
	    "\"localSessionId\":%u,\"remoteSessionId\":%u,"
	    "\"remoteEndId\":",
	    ss_state_name(s->state), s->initiator ? "true" : "false",
	    s->cisco ? "cisco" : "ietf", s->local_id, s->remote_id);
	sbuf_json_str(sb, s->conf->remote_end_id);
	sbuf_printf(sb,
	    ",\"pwType\":\"%s\",\"localCookie\":\"%s\","
	    "\"peerCookie\":\"%s\",\"interface\":",
	    pw_type_name(s->conf->pw_type), lc, pc);
	sbuf_json_str(sb, s->conf->ifname);
	sbuf_printf(sb,
	    ",\"mtu\":%u,\"peerMtu\":%u,\"localCircuit\":\"%s\","
	    "\"remoteCircuit\":\"%s\",\"uptime\":%llu,"
	    "\"sliReceived\":%u,\"sliSent\":%u,\"wenReceived\":%u,"
	    "\"lastCdn\":{\"result\":%u,\"error\":%u,\"byPeer\":%s,"
	    "\"message\":",
	    session_mtu(s), s->peer_mtu, s->local_down ? "down" : "up",
	    s->remote_down ? "down" : "up",
	    (unsigned long long)session_uptime(s), s->sli_received, s->sli_sent,
	    s->wen_received, s->cdn_result, s->cdn_error,
	    s->cdn_by_peer ? "true" : "false");
	sbuf_json_str(sb, s->cdn_msg);
	sbuf_putc(sb, '}');
	cmd_waiting_json(sb, pw_waiting_for(s->tunnel, s));
	kernel_json(sb, s);
	sbuf_putc(sb, '}');
}

static void
session_text_header(struct sbuf *sb)
{
	sbuf_printf(sb,
	    "%-12s %-12s %-12s %-10s %-10s %-8s %-13s %-7s %-15s %9s\n",
	    "Tunnel", "Session", "State", "Local ID", "Remote ID", "End ID",
	    "PW type", "Cookies", "Interface", "Uptime");
}

static void
session_text(struct sbuf *sb, const struct session *s)
{
	char up[32], ck[16];

	cmd_uptime_str(session_uptime(s), up, sizeof(up));
	snprintf(
	    ck, sizeof(ck), "%u/%u", s->local_cookie_len, s->peer_cookie_len);
	sbuf_printf(sb,
	    "%-12s %-12s %-12s %-10u %-10u %-8s %-13s %-7s %-15s %9s\n",
	    s->tunnel->conf->name, s->conf->name, ss_state_name(s->state),
	    s->local_id, s->remote_id,
	    s->conf->remote_end_id[0] ? s->conf->remote_end_id : "-",
	    pw_type_name(s->conf->pw_type), ck,
	    s->conf->ifname[0] ? s->conf->ifname : "-", up);
	cmd_waiting_text(sb, pw_waiting_for(s->tunnel, s));
	kernel_text(sb, s);
}

static void
cookie_hex(struct sbuf *sb, const uint8_t *b, size_t n)
{
	size_t i;

	if (n == 0)
		sbuf_putc(sb, '-');
	for (i = 0; i < n; i++)
		sbuf_printf(sb, "%02x", b[i]);
}

/* `show session ... detail`: everything about one session, a line each. */
static void
session_detail(struct sbuf *sb, const struct session *s)
{
	const struct session_conf *c = s->conf;

	sbuf_printf(sb, "Session %s (tunnel %s), %s\n", c->name,
	    s->tunnel->conf->name, ss_state_name(s->state));
	sbuf_printf(sb, "  %-22s %s, %s\n", "role",
	    s->initiator ? "initiator" : "responder",
	    s->cisco ? "cisco" : "ietf");
	sbuf_printf(sb, "  %-22s %u / %u\n", "session ID local/remote",
	    s->local_id, s->remote_id);
	sbuf_printf(sb, "  %-22s %s\n", "remote end ID",
	    c->remote_end_id[0] != '\0' ? c->remote_end_id : "-");
	sbuf_printf(sb, "  %-22s %s", "pseudowire", pw_type_name(c->pw_type));
	if (c->pw_type == L2TP_PW_ETH_VLAN)
		sbuf_printf(sb, ", VLAN %u", c->vlan_id);
	sbuf_printf(sb, "\n  %-22s ", "cookie local/peer");
	cookie_hex(sb, s->local_cookie, s->local_cookie_len);
	sbuf_puts(sb, " / ");
	cookie_hex(sb, s->peer_cookie, s->peer_cookie_len);
	sbuf_printf(sb, "\n  %-22s %s%s\n", "L2-Specific Sublayer",
	    session_l2ss_default(s) ? "default" : "none",
	    c->l2spec == CONF_L2SS_AUTO ? " (auto)" : "");
	sbuf_printf(sb, "  %-22s %s%s\n", "sequencing", seq_name(c->seq),
	    s->peer_seq ? ", the peer asks for it" : "");
	sbuf_printf(
	    sb, "  %-22s %u (peer %u)\n", "MTU", session_mtu(s), s->peer_mtu);
	sbuf_printf(sb, "  %-22s %s\n", "interface",
	    s->dp_ifname[0] != '\0'    ? s->dp_ifname
		: c->ifname[0] != '\0' ? c->ifname
				       : "-");
	sbuf_printf(sb, "  %-22s %s / %s\n", "circuit local/remote",
	    s->local_down ? "down" : "up", s->remote_down ? "down" : "up");
	sbuf_printf(sb, "  %-22s %llu s\n", "uptime",
	    (unsigned long long)session_uptime(s));
	sbuf_printf(sb, "  %-22s %u / %u, WEN received %u\n",
	    "SLI received/sent", s->sli_received, s->sli_sent, s->wen_received);
	if (s->cdn_result != 0)
		sbuf_printf(sb, "  %-22s result %u error %u \"%s\"%s\n",
		    "last CDN", s->cdn_result, s->cdn_error, s->cdn_msg,
		    s->cdn_by_peer ? " (from the peer)" : "");
	kernel_text(sb, s);
}

/*
 * `show session [tunnel TUNNEL] [SESSION] [detail] [json]`: the sessions
 * of every tunnel or of one, all or those SESSION selects (a name, or a
 * local session ID), as a table, in detail, or as JSON (which holds
 * every detail already), grouped by tunnel.  A selector that selects
 * nothing is an error.
 */
int
cmd_show_session(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	const char *sel = cmd_arg(m, "SESSION");
	int detail = cmd_has(m, "detail") && !req->json;
	struct tunnel *only = NULL, *t;
	const struct session *s;
	int nt = 0, ns;

	if (cmd_has(m, "TUNNEL") &&
	    (only = cmd_tunnel(req, m, "TUNNEL")) == NULL)
		return CTL_STATUS_ERROR;
	if (sel != NULL && cmd_session(req, m, "SESSION", only) == NULL)
		return CTL_STATUS_ERROR;
	if (req->json)
		sbuf_putc(req->out, '{');
	else if (!detail)
		session_text_header(req->out);
	for (t = only != NULL ? only : tunnel_first(); t != NULL;
	     t = only != NULL ? NULL : tunnel_next(t)) {
		if (!t->primary)
			continue;
		ns = 0;
		for (s = session_first(t); s != NULL; s = session_next(s)) {
			if (!session_selected(s, sel))
				continue;
			if (detail)
				session_detail(req->out, s);
			else if (!req->json)
				session_text(req->out, s);
			else {
				if (ns == 0) {
					sbuf_puts(req->out, nt++ ? "," : "");
					sbuf_json_str(req->out, t->conf->name);
					sbuf_puts(req->out, ":{");
				} else
					sbuf_putc(req->out, ',');
				session_json(req->out, s);
			}
			ns++;
		}
		if (req->json && ns > 0)
			sbuf_putc(req->out, '}');
	}
	if (req->json)
		sbuf_puts(req->out, "}\n");
	return CTL_STATUS_OK;
}

/* --- wireshark ------------------------------------------------------ */

static unsigned int
cookie_len_seen(const struct tunnel *t, const struct session *s, int peer)
{
	if (t->conf->mode == TUNNEL_STATIC)
		return peer ? s->conf->peer_cookie.len : s->conf->cookie.len;
	if (s->local_id != 0)
		return peer ? s->peer_cookie_len : s->local_cookie_len;
	return peer ? 0 : s->conf->cookie_len;
}

/* The options: cookie and sublayer (Wireshark cannot tell them from a
 * data packet), Ethernet for a pseudowire whose ICRQ is not in the
 * capture (its type is then 0), and UDP ports other than 1701. */
static void
wireshark_options(struct sbuf *sb, const struct tunnel *t,
    const struct session *s, unsigned int cookie_len)
{
	unsigned int lport = 0, rport = 0;

	sbuf_printf(sb, "-o l2tp.cookie_size:cookie%u", cookie_len);
	sbuf_printf(sb, " -o l2tp.l2_specific:%s",
	    session_l2ss_default(s) ? "default" : "none");
	sbuf_puts(sb, " -d l2tp.pw_type==0,eth");
	if (t->conf->encap == L2TP_ENCAP_UDP) {
		lport = addr_port(&t->conf->local);
		rport = addr_port(&t->conf->remote);
	}
	if (lport != 0 && lport != L2TP_UDP_PORT)
		sbuf_printf(sb, " -d udp.port==%u,l2tp", lport);
	if (rport != 0 && rport != L2TP_UDP_PORT && rport != lport)
		sbuf_printf(sb, " -d udp.port==%u,l2tp", rport);
}

static void
capture_filter(struct sbuf *sb, const struct tunnel *t)
{
	const struct sockaddr_storage *local, *peer;
	unsigned int port = addr_port(&t->conf->local);
	char a[64];

	cmd_tunnel_addrs(t, &local, &peer);
	if (t->conf->encap == L2TP_ENCAP_IP)
		sbuf_printf(sb, "%s proto 115",
		    peer->ss_family == AF_INET6 ? "ip6" : "ip");
	else
		sbuf_printf(
		    sb, "udp port %u", port != 0 ? port : L2TP_UDP_PORT);
	sbuf_printf(sb, " and host %s", addr_str(peer, a, sizeof(a)));
}

/*
 * `show session NAME wireshark`: the options on one line (to paste or
 * to use as $(...)), what they describe and the capture filter, then a
 * complete tshark command line.  Preference names and values are those
 * of Wireshark's packet-l2tp.c (cookie0/4/8, none/default).
 */
int
cmd_show_wireshark(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	const struct tunnel *t;
	struct session *s;
	unsigned int ours, theirs;

	if ((s = cmd_session(req, m, "SESSION", NULL)) == NULL)
		return CTL_STATUS_ERROR;
	t = s->tunnel;
	ours = cookie_len_seen(t, s, 0);
	theirs = cookie_len_seen(t, s, 1);
	if (s->local_id == 0 && t->conf->mode != TUNNEL_STATIC)
		theirs = ours; /* not known before the call is up */
	wireshark_options(req->out, t, s, ours);
	sbuf_printf(req->out,
	    "\n# %s pseudowire, %s L2-Specific Sublayer, "
	    "%u-byte cookie on packets to us; capture filter: ",
	    s->conf->pw_type == L2TP_PW_ETH_VLAN ? "Ethernet VLAN" : "Ethernet",
	    session_l2ss_default(s) ? "default" : "no", ours);
	capture_filter(req->out, t);
	sbuf_puts(req->out, "\n");
	if (ours != theirs)
		sbuf_printf(req->out,
		    "# packets to the peer carry a %u-byte cookie: decode "
		    "them with -o l2tp.cookie_size:cookie%u\n",
		    theirs, theirs);
	sbuf_puts(req->out, "tshark -n -i any -f '");
	capture_filter(req->out, t);
	sbuf_puts(req->out, "' ");
	wireshark_options(req->out, t, s, ours);
	sbuf_puts(req->out, "\n");
	return CTL_STATUS_OK;
}
