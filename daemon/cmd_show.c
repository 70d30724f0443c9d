/*
 * `show` commands.  The tunnel, statistics, version and session answers
 * live in ctl_cmds.c (their text and JSON forms are documented and
 * tested there); these handlers resolve the grammar's arguments and call
 * them with canonical words.  The rest are here.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cmd_impl.h"
#include "daemon/conf_json.h"
#include "daemon/ctl_cmds.h"
#include "daemon/log.h"
#include "daemon/pw.h"
#include "daemon/metrics.h"
#include "daemon/tunnel.h"

/* A tunnel by name, else by our CCID (decimal); NULL if none. */
static struct tunnel *
tunnel_by_word(const char *word)
{
	struct tunnel *t;
	unsigned long id;
	char *end;

	if ((t = tunnel_find(word)) != NULL)
		return t;
	id = strtoul(word, &end, 10);
	if (*word == '\0' || *end != '\0' || id == 0 || id > UINT32_MAX)
		return NULL;
	if ((t = tunnel_by_ccid((uint32_t)id)) == NULL || !t->primary)
		return NULL;
	return t;
}

int
cmd_show_version(const struct cmd_match *m, void *arg)
{
	static const char *const words[] = { "show", "version" };

	return cmd_legacy(arg, words, 2);
}

/* The configuration text in one of config_print_flags()'s forms; 0 is
 * what `write memory` writes. */
char *
cmd_running_text(size_t *len, int flags)
{
	char *text = NULL;
	FILE *fp;

	if ((fp = open_memstream(&text, len)) == NULL)
		return NULL;
	config_print_flags(tunnels_conf(), fp, flags);
	if (fclose(fp) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

int
cmd_show_running(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	size_t len;
	char *text;

	/* What the operator set, or with `all` every value in effect.  The
	 * read-only socket is a lower tier: no secrets there. */
	if ((text = cmd_running_text(&len,
		 (cmd_has(m, "all") ? CONF_PRINT_ALL : 0) |
		     (req->readonly ? CONF_PRINT_HIDE : 0))) == NULL) {
		sbuf_puts(req->err, "% out of memory");
		return CTL_STATUS_ERROR;
	}
	if (req->json) {
		/* The text as it is, and the same as data. */
		sbuf_puts(req->out, "{\"runningConfig\":");
		sbuf_json_str(req->out, text);
		sbuf_puts(req->out, ",\"config\":");
		if (conf_json(req->out, text) == -1) {
			free(text);
			sbuf_puts(
			    req->err, "% cannot render the configuration");
			return CTL_STATUS_ERROR;
		}
		sbuf_puts(req->out, "}\n");
	} else
		sbuf_putn(req->out, text, len);
	free(text);
	return CTL_STATUS_OK;
}

static void
addr_line(struct sbuf *sb, const char *what, const struct sockaddr_storage *ss)
{
	char a[64];

	sbuf_printf(sb, "  %-22s %s", what,
	    ss->ss_family == AF_UNSPEC ? "-" : tp_addr_str(ss, a, sizeof(a)));
	if (ss->ss_family != AF_UNSPEC && tp_port(ss) != 0)
		sbuf_printf(sb, " port %u", tp_port(ss));
	sbuf_putc(sb, '\n');
}

/* `show tunnel NAME detail`: everything about one tunnel, a line each. */
static void
tunnel_detail(struct sbuf *sb, const struct tunnel *t)
{
	const struct tunnel_conf *c = t->conf;
	char host[STR_VIS_SIZE(TUNNEL_TEXT_MAX)];
	char vendor[STR_VIS_SIZE(TUNNEL_TEXT_MAX)];

	sbuf_printf(sb, "Tunnel %s, %s\n", c->name, cc_state_name(t->state));
	sbuf_printf(sb, "  %-22s %s, %s, %s\n", "mode",
	    c->mode == TUNNEL_STATIC ? "static" : "dynamic",
	    c->encap == L2TP_ENCAP_IP ? "ip" : "udp",
	    c->initiate ? "initiator" : "responder");
	addr_line(sb, "local", t->rl != NULL ? &t->local : &c->local);
	addr_line(sb, "peer", t->rl != NULL ? &t->peer : &c->remote);
	sbuf_printf(sb, "  %-22s %u / %u\n", "CCID local/remote", t->local_ccid,
	    t->peer_ccid);
	sbuf_printf(sb, "  %-22s %s (%s)\n", "peer host name",
	    t->peer_hostname[0] != '\0'
		? str_vis(host, sizeof(host), t->peer_hostname)
		: "-",
	    t->peer_vendor[0] != '\0'
		? str_vis(vendor, sizeof(vendor), t->peer_vendor)
		: "-");
	sbuf_printf(sb, "  %-22s %s\n", "dialect", t->cisco ? "cisco" : "ietf");
	sbuf_printf(sb, "  %-22s %s\n", "digest", tunnel_digest_name(t));
	sbuf_printf(sb, "  %-22s %u s, window %u (peer %u)\n", "hello",
	    c->timers.hello_interval, c->timers.rx_window, t->peer_rws);
	sbuf_printf(sb, "  %-22s %s%s\n", "persist", c->persist ? "yes" : "no",
	    t->failures > 0 ? " (retrying)" : "");
	sbuf_printf(sb, "  %-22s %zu\n", "sessions", session_count(t));
	sbuf_printf(sb, "  %-22s %llu s\n", "uptime",
	    (unsigned long long)tunnel_uptime(t));
	sbuf_printf(sb, "  %-22s %s%s\n", "debug",
	    c->debug & TUNNEL_DEBUG_PACKETS ? "packets " : "",
	    c->debug & TUNNEL_DEBUG_FSM ? "fsm"
		: c->debug		? ""
					: "off");
	if (pw_waiting_for(t, NULL) != NULL)
		sbuf_printf(
		    sb, "  %-22s %s\n", "waiting for", pw_waiting_for(t, NULL));
	if (t->stop_result != 0)
		sbuf_printf(sb, "  %-22s result %u error %u \"%s\"\n",
		    "last StopCCN", t->stop_result, t->stop_error,
		    str_vis(host, sizeof(host), t->stop_msg));
}

int
cmd_show_tunnel(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	const char *words[3] = { "show", "tunnel", NULL };
	const char *name = cmd_arg(m, "TUNNEL");
	struct tunnel *t = NULL;

	if (name != NULL && (t = tunnel_by_word(name)) == NULL) {
		sbuf_printf(req->err, "no such tunnel: %s", name);
		return CTL_STATUS_ERROR;
	}
	if (cmd_has(m, "detail") && !req->json) {
		for (t = t != NULL ? t : tunnel_first(); t != NULL;
		     t = name != NULL ? NULL : tunnel_next(t))
			if (t->primary)
				tunnel_detail(req->out, t);
		return CTL_STATUS_OK;
	}
	words[2] = t != NULL ? t->conf->name : NULL;
	return cmd_legacy(req, words, t != NULL ? 3 : 2);
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
	pw_session_text(sb, s);
}

static int
show_session_detail(struct control_req *req, const char *tsel, const char *ssel)
{
	const struct session *s;
	struct tunnel *t;
	int n = 0;

	if (tsel != NULL && tunnel_find(tsel) == NULL) {
		sbuf_printf(req->err, "%% no such tunnel: %s", tsel);
		return CTL_STATUS_ERROR;
	}
	for (t = tunnel_first(); t != NULL; t = tunnel_next(t)) {
		if (!t->primary ||
		    (tsel != NULL && strcmp(t->conf->name, tsel) != 0))
			continue;
		for (s = session_first(t); s != NULL; s = session_next(s))
			if (session_selected(s, ssel)) {
				session_detail(req->out, s);
				n++;
			}
	}
	if (n == 0 && ssel != NULL) {
		sbuf_printf(req->err, "%% no such session: %s", ssel);
		return CTL_STATUS_ERROR;
	}
	return CTL_STATUS_OK;
}

int
cmd_show_session(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	const char *words[6] = { "show", "session" };
	int n = 2;

	/* The JSON form holds everything already. */
	if (cmd_has(m, "detail") && !req->json)
		return show_session_detail(
		    req, cmd_arg(m, "TUNNEL"), cmd_arg(m, "SESSION"));

	if (cmd_has(m, "TUNNEL")) {
		words[n++] = "tunnel";
		words[n++] = cmd_arg(m, "TUNNEL");
	}
	if (cmd_has(m, "SESSION"))
		words[n++] = cmd_arg(m, "SESSION");
	return cmd_legacy(req, words, n);
}

/* The session called name: in the tunnel given, else the first. */
static struct session *
session_by_name(const char *name, struct tunnel **tp)
{
	struct tunnel *t;
	struct session *s;

	for (t = tunnel_first(); t != NULL; t = tunnel_next(t)) {
		if (!t->primary)
			continue;
		for (s = session_first(t); s != NULL; s = session_next(s))
			if (strcmp(s->conf->name, name) == 0) {
				*tp = t;
				return s;
			}
	}
	return NULL;
}

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
		lport = tp_port(&t->conf->local);
		rport = tp_port(&t->conf->remote);
	}
	if (lport != 0 && lport != L2TP_UDP_PORT)
		sbuf_printf(sb, " -d udp.port==%u,l2tp", lport);
	if (rport != 0 && rport != L2TP_UDP_PORT && rport != lport)
		sbuf_printf(sb, " -d udp.port==%u,l2tp", rport);
}

static void
capture_filter(struct sbuf *sb, const struct tunnel *t)
{
	const struct sockaddr_storage *peer =
	    t->rl != NULL ? &t->peer : &t->conf->remote;
	unsigned int port = tp_port(&t->conf->local);
	char a[64];

	if (t->conf->encap == L2TP_ENCAP_IP)
		sbuf_printf(sb, "%s proto 115",
		    peer->ss_family == AF_INET6 ? "ip6" : "ip");
	else
		sbuf_printf(
		    sb, "udp port %u", port != 0 ? port : L2TP_UDP_PORT);
	sbuf_printf(sb, " and host %s", tp_addr_str(peer, a, sizeof(a)));
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
	const char *name = cmd_arg(m, "SESSION");
	struct tunnel *t = NULL;
	struct session *s;
	unsigned int ours, theirs;

	if ((s = session_by_name(name, &t)) == NULL) {
		sbuf_printf(req->err, "%% no such session: %s", name);
		return CTL_STATUS_ERROR;
	}
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

int
cmd_show_statistics(const struct cmd_match *m, void *arg)
{
	const char *words[3] = { "show", "statistics", cmd_arg(m, "TUNNEL") };

	return cmd_legacy(arg, words, words[2] != NULL ? 3 : 2);
}

int
cmd_show_statistics_daemon(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;

	(void)m;
	ctl_global_stats(req->out, req->json);
	return CTL_STATUS_OK;
}

static void
peer_json(struct sbuf *sb, const struct tunnel *t)
{
	char a[64];

	sbuf_json_str(sb, t->conf->name);
	sbuf_puts(sb, ":{\"address\":");
	sbuf_json_str(sb,
	    tp_addr_str(
		t->rl != NULL ? &t->peer : &t->conf->remote, a, sizeof(a)));
	sbuf_puts(sb, ",\"hostname\":");
	sbuf_json_str(sb, t->peer_hostname);
	sbuf_puts(sb, ",\"vendor\":");
	sbuf_json_str(sb, t->peer_vendor);
	sbuf_printf(sb,
	    ",\"routerId\":\"%u.%u.%u.%u\",\"receiveWindow\":%u,"
	    "\"dialect\":\"%s\",\"state\":\"%s\"}",
	    t->peer_router_id >> 24, (t->peer_router_id >> 16) & 0xff,
	    (t->peer_router_id >> 8) & 0xff, t->peer_router_id & 0xff,
	    t->peer_rws, t->cisco ? "cisco" : "ietf", cc_state_name(t->state));
}

int
cmd_show_peer(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	struct tunnel *t;
	char a[64], rid[16];
	char host[STR_VIS_SIZE(TUNNEL_TEXT_MAX)];
	char vendor[STR_VIS_SIZE(TUNNEL_TEXT_MAX)];
	int n = 0;

	if (req->json)
		sbuf_putc(req->out, '{');
	else
		sbuf_printf(req->out, "%-16s %-26s %-20s %-15s %-16s %s\n",
		    "Tunnel", "Peer", "Host name", "Router ID", "Vendor",
		    "Window");
	for (t = tunnel_first(); t != NULL; t = tunnel_next(t)) {
		if (!t->primary)
			continue;
		if (req->json) {
			if (n++ > 0)
				sbuf_putc(req->out, ',');
			peer_json(req->out, t);
			continue;
		}
		snprintf(rid, sizeof(rid), "%u.%u.%u.%u",
		    t->peer_router_id >> 24, (t->peer_router_id >> 16) & 0xff,
		    (t->peer_router_id >> 8) & 0xff, t->peer_router_id & 0xff);
		sbuf_printf(req->out, "%-16s %-26s %-20s %-15s %-16s %u\n",
		    t->conf->name,
		    tp_addr_str(t->rl != NULL ? &t->peer : &t->conf->remote, a,
			sizeof(a)),
		    t->peer_hostname[0] != '\0'
			? str_vis(host, sizeof(host), t->peer_hostname)
			: "-",
		    rid,
		    t->peer_vendor[0] != '\0'
			? str_vis(vendor, sizeof(vendor), t->peer_vendor)
			: "-",
		    t->peer_rws);
	}
	if (req->json)
		sbuf_puts(req->out, "}\n");
	return CTL_STATUS_OK;
}

int
cmd_show_log(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	const char *n = cmd_arg(m, "<1-1024>");
	struct sbuf lines;
	char *line, *save;
	int i = 0;

	sbuf_init(&lines);
	log_ring_dump(&lines, n != NULL ? strtoul(n, NULL, 10) : 0);
	if (!req->json) {
		if (lines.len > 0)
			sbuf_putn(req->out, lines.s, lines.len);
		sbuf_free(&lines);
		return CTL_STATUS_OK;
	}
	sbuf_putc(req->out, '{');
	for (line = lines.s != NULL ? strtok_r(lines.s, "\n", &save) : NULL;
	     line != NULL; line = strtok_r(NULL, "\n", &save)) {
		sbuf_puts(req->out, i++ == 0 ? "\"lines\":[" : ",");
		sbuf_json_str(req->out, line);
	}
	sbuf_puts(req->out, i > 0 ? "]}\n" : "}\n");
	sbuf_free(&lines);
	return CTL_STATUS_OK;
}

static int
metrics_more(void *sc, struct sbuf *out)
{
	return metrics_scrape_more(sc, out);
}

static void
metrics_done(void *sc)
{
	metrics_scrape_free(sc);
}

int
cmd_show_metrics(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	struct metrics_scrape *sc;

	/* In slices as the client reads (control_stream()), so that 100 000
	 * sessions' worth of text does not hold the loop in one go. */
	if ((sc = metrics_scrape_new()) == NULL) {
		sbuf_puts(req->err, "out of memory");
		return CTL_STATUS_ERROR;
	}
	if (control_stream(req, metrics_more, metrics_done, sc) == 0)
		return CTL_STATUS_OK;
	while (metrics_scrape_more(sc, req->out) == 1)
		;
	metrics_scrape_free(sc);
	return CTL_STATUS_OK;
}
