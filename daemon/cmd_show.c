/*
 * `show` commands: each grammar handler (cmd_table.c) renders its answer
 * from the running objects, as text or, when the line ends in "json",
 * as JSON with camelCase keys (docs/control-json.md).  Sessions are in
 * cmd_show_session.c.  Nothing here changes daemon state.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cmd_impl.h"
#include "daemon/conf_json.h"
#include "daemon/log.h"
#include "daemon/pw.h"
#include "daemon/metrics.h"
#include "daemon/tunnel.h"
#include "proto/l2tp.h"
#include "proto/msg.h"

/* --- helpers ------------------------------------------------------- */

static const char *
encap_name(enum l2tp_encap e)
{
	return e == L2TP_ENCAP_IP ? "ip" : "udp";
}

void
cmd_tunnel_addrs(const struct tunnel *t, const struct sockaddr_storage **local,
    const struct sockaddr_storage **peer)
{
	if (t->rl != NULL) {
		*local = &t->local;
		*peer = &t->peer;
	} else {
		*local = &t->conf->local;
		*peer = &t->conf->remote;
	}
}

static unsigned int
tunnel_port(const struct tunnel *t, const struct sockaddr_storage *ss)
{
	if (t->conf->encap != L2TP_ENCAP_UDP)
		return 0;
	if (addr_port(ss) != 0)
		return addr_port(ss);
	return tunnels_conf() != NULL ? tunnels_conf()->port : L2TP_UDP_PORT;
}

void
cmd_uptime_str(uint64_t s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%llud%02lluh",
		    (unsigned long long)(s / 86400),
		    (unsigned long long)(s % 86400 / 3600));
	else
		snprintf(buf, len, "%02llu:%02llu:%02llu",
		    (unsigned long long)(s / 3600),
		    (unsigned long long)(s % 3600 / 60),
		    (unsigned long long)(s % 60));
}

static const char *
slot_name(unsigned int slot)
{
	return slot == 0 ? "ZLB" : l2tp_msg_type_name((uint16_t)slot);
}

/* `"waitingFor":"bridge br0"`, or null: what keeps it from the kernel. */
void
cmd_waiting_json(struct sbuf *sb, const char *what)
{
	sbuf_puts(sb, ",\"waitingFor\":");
	if (what != NULL)
		sbuf_json_str(sb, what);
	else
		sbuf_puts(sb, "null");
}

void
cmd_waiting_text(struct sbuf *sb, const char *what)
{
	if (what != NULL)
		sbuf_printf(sb, "  waiting for %s\n", what);
}

int
cmd_show_version(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;

	(void)m;
	if (req->json)
		sbuf_printf(req->out,
		    "{\"program\":\"%s\",\"version\":\"%s\"}\n", PACKAGE_NAME,
		    PACKAGE_VERSION);
	else
		sbuf_printf(req->out, "%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	return CTL_STATUS_OK;
}

int
cmd_show_running(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	char *text;

	/* What the operator set, or with `all` every value in effect.  The
	 * read-only socket is a lower tier: no secrets there. */
	if ((text = config_text(tunnels_conf(),
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
		sbuf_puts(req->out, text);
	free(text);
	return CTL_STATUS_OK;
}

/* --- show tunnel ---------------------------------------------------- */

static void
addr_line(struct sbuf *sb, const char *what, const struct sockaddr_storage *ss)
{
	char a[64];

	sbuf_printf(sb, "  %-22s %s", what,
	    ss->ss_family == AF_UNSPEC ? "-" : addr_str(ss, a, sizeof(a)));
	if (ss->ss_family != AF_UNSPEC && addr_port(ss) != 0)
		sbuf_printf(sb, " port %u", addr_port(ss));
	sbuf_putc(sb, '\n');
}

/* `show tunnel NAME detail`: everything about one tunnel, a line each. */
static void
tunnel_detail(struct sbuf *sb, const struct tunnel *t)
{
	const struct tunnel_conf *c = t->conf;
	char host[STR_VIS_SIZE(TUNNEL_TEXT_MAX)];
	char vendor[STR_VIS_SIZE(TUNNEL_TEXT_MAX)];
	const struct sockaddr_storage *local, *peer;

	cmd_tunnel_addrs(t, &local, &peer);
	sbuf_printf(sb, "Tunnel %s, %s\n", c->name, cc_state_name(t->state));
	sbuf_printf(sb, "  %-22s %s, %s, %s\n", "mode",
	    c->mode == TUNNEL_STATIC ? "static" : "dynamic",
	    c->encap == L2TP_ENCAP_IP ? "ip" : "udp",
	    c->initiate ? "initiator" : "responder");
	addr_line(sb, "local", local);
	addr_line(sb, "peer", peer);
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

static void
tunnel_json(struct sbuf *sb, const struct tunnel *t)
{
	const struct sockaddr_storage *local, *peer;
	char abuf[64];

	cmd_tunnel_addrs(t, &local, &peer);
	sbuf_json_str(sb, t->conf->name);
	sbuf_puts(sb, ":{\"name\":");
	sbuf_json_str(sb, t->conf->name);
	sbuf_puts(sb, ",\"state\":");
	sbuf_json_str(sb, cc_state_name(t->state));
	sbuf_puts(sb, ",\"localAddress\":");
	sbuf_json_str(sb,
	    local->ss_family == AF_UNSPEC
		? ""
		: addr_str(local, abuf, sizeof(abuf)));
	sbuf_printf(
	    sb, ",\"localPort\":%u,\"peerAddress\":", tunnel_port(t, local));
	sbuf_json_str(sb, addr_str(peer, abuf, sizeof(abuf)));
	sbuf_printf(sb,
	    ",\"peerPort\":%u,\"encap\":\"%s\",\"localCcid\":%u,"
	    "\"remoteCcid\":%u,\"dialect\":\"%s\",\"peerHostname\":",
	    tunnel_port(t, peer), encap_name(t->conf->encap), t->local_ccid,
	    t->peer_ccid, t->cisco ? "cisco" : "ietf");
	sbuf_json_str(sb, t->peer_hostname);
	sbuf_puts(sb, ",\"peerVendor\":");
	sbuf_json_str(sb, t->peer_vendor);
	sbuf_printf(sb,
	    ",\"digest\":\"%s\",\"helloInterval\":%u,\"uptime\":%llu,"
	    "\"sessions\":%zu",
	    tunnel_digest_name(t), t->conf->timers.hello_interval,
	    (unsigned long long)tunnel_uptime(t), session_count(t));
	cmd_waiting_json(sb, pw_waiting_for(t, NULL));
	sbuf_putc(sb, '}');
}

static void
tunnel_text_header(struct sbuf *sb)
{
	sbuf_printf(sb, "%-16s %-14s %-26s %-10s %-10s %-5s %8s %9s\n", "Name",
	    "State", "Peer", "Local ID", "Remote ID", "Encap", "Sessions",
	    "Uptime");
}

static void
tunnel_text(struct sbuf *sb, const struct tunnel *t)
{
	const struct sockaddr_storage *local, *peer;
	char abuf[64], up[32];

	cmd_tunnel_addrs(t, &local, &peer);
	cmd_uptime_str(tunnel_uptime(t), up, sizeof(up));
	sbuf_printf(sb, "%-16s %-14s %-26s %-10u %-10u %-5s %8u %9s\n",
	    t->conf->name, cc_state_name(t->state),
	    addr_str(peer, abuf, sizeof(abuf)), t->local_ccid, t->peer_ccid,
	    encap_name(t->conf->encap), (unsigned int)session_count(t), up);
	cmd_waiting_text(sb, pw_waiting_for(t, NULL));
}

/*
 * Every tunnel (or only t), as one JSON object keyed by name or as text
 * lines: the shape every per-tunnel `show` shares.
 */
static void
emit_tunnels(struct control_req *req, struct tunnel *only,
    void (*json)(struct sbuf *, const struct tunnel *),
    void (*text)(struct sbuf *, const struct tunnel *))
{
	struct tunnel *t;
	int n = 0;

	if (req->json)
		sbuf_putc(req->out, '{');
	for (t = only != NULL ? only : tunnel_first(); t != NULL;
	     t = only != NULL ? NULL : tunnel_next(t)) {
		if (!t->primary)
			continue;
		if (req->json) {
			if (n++ > 0)
				sbuf_putc(req->out, ',');
			json(req->out, t);
		} else
			text(req->out, t);
	}
	if (req->json)
		sbuf_puts(req->out, "}\n");
}

/* `show tunnel [TUNNEL] [detail] [json]`: a table, or a block of lines
 * each with detail; the JSON form holds everything already. */
int
cmd_show_tunnel(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	struct tunnel *t = NULL;

	if (cmd_has(m, "TUNNEL") && (t = cmd_tunnel(req, m, "TUNNEL")) == NULL)
		return CTL_STATUS_ERROR;
	if (cmd_has(m, "detail") && !req->json) {
		emit_tunnels(req, t, NULL, tunnel_detail);
		return CTL_STATUS_OK;
	}
	if (!req->json)
		tunnel_text_header(req->out);
	emit_tunnels(req, t, tunnel_json, tunnel_text);
	return CTL_STATUS_OK;
}

/* --- show statistics ----------------------------------------------- */

static void
counts_json(struct sbuf *sb, const char *key, const uint32_t *v)
{
	unsigned int i;
	int n = 0;

	sbuf_printf(sb, "\"%s\":{", key);
	for (i = 0; i < TUNNEL_NTYPES; i++) {
		if (v[i] == 0)
			continue;
		sbuf_printf(
		    sb, "%s\"%s\":%u", n++ ? "," : "", slot_name(i), v[i]);
	}
	sbuf_putc(sb, '}');
}

/* "tolerated":{"missingAvp":2,...}: what the peer sends that we accept
 * against the RFC's letter (proto/schema.h). */
static void
tolerated_json(struct sbuf *sb, const struct tunnel_counters *c)
{
	unsigned int d;

	sbuf_puts(sb, "\"tolerated\":{");
	for (d = 0; d < L2TP_DEV__COUNT; d++)
		sbuf_printf(sb, "%s\"%s\":%u", d ? "," : "",
		    l2tp_deviation_key(d), c->tolerated[d]);
	sbuf_putc(sb, '}');
}

static void
tolerated_text(struct sbuf *sb, const struct tunnel_counters *c)
{
	unsigned int d;
	int n = 0;

	for (d = 0; d < L2TP_DEV__COUNT; d++) {
		if (c->tolerated[d] == 0)
			continue;
		if (n++ == 0)
			sbuf_printf(sb, "  %-14s", "tolerated");
		sbuf_printf(sb, "%s %s %u", n > 1 ? "," : "",
		    l2tp_deviation_name(d), c->tolerated[d]);
	}
	if (n > 0)
		sbuf_putc(sb, '\n');
}

static void
stats_json(struct sbuf *sb, const struct tunnel *t)
{
	const struct tunnel_counters *c = &t->ctr;

	sbuf_json_str(sb, t->conf->name);
	sbuf_puts(sb, ":{\"messages\":{");
	counts_json(sb, "sent", c->sent);
	sbuf_putc(sb, ',');
	counts_json(sb, "received", c->received);
	sbuf_putc(sb, ',');
	counts_json(sb, "retransmitted", c->retransmitted);
	sbuf_printf(sb,
	    "},\"retransmits\":%llu,\"digestFailures\":%llu,"
	    "\"malformedDrops\":%llu,\"badNrDrops\":%llu,\"duplicates\":%llu,"
	    "\"zlbSent\":%llu,\"ackSent\":%llu,\"stateChanges\":%llu,",
	    (unsigned long long)tunnel_retransmits(t),
	    (unsigned long long)c->digest_failures,
	    (unsigned long long)c->malformed, (unsigned long long)c->bad_nr,
	    (unsigned long long)tunnel_duplicates(t),
	    (unsigned long long)c->zlb_sent, (unsigned long long)c->ack_sent,
	    (unsigned long long)c->state_changes);
	tolerated_json(sb, c);
	sbuf_putc(sb, '}');
}

static void
counts_text(struct sbuf *sb, const char *what, const uint32_t *v)
{
	unsigned int i;
	int n = 0;

	sbuf_printf(sb, "  %-14s", what);
	for (i = 0; i < TUNNEL_NTYPES; i++)
		if (v[i] != 0 && ++n)
			sbuf_printf(sb, " %s %u", slot_name(i), v[i]);
	/* An empty line reads like a missing value. */
	sbuf_puts(sb, n == 0 ? " none\n" : "\n");
}

static void
stats_text(struct sbuf *sb, const struct tunnel *t)
{
	const struct tunnel_counters *c = &t->ctr;

	sbuf_printf(
	    sb, "Tunnel %s (%s)\n", t->conf->name, cc_state_name(t->state));
	counts_text(sb, "sent", c->sent);
	counts_text(sb, "received", c->received);
	counts_text(sb, "retransmitted", c->retransmitted);
	sbuf_printf(sb,
	    "  %-14s %llu\n  %-14s %llu\n  %-14s %llu\n  %-14s %llu\n"
	    "  %-14s %llu\n  %-14s %llu\n  %-14s %llu\n",
	    "retransmits", (unsigned long long)tunnel_retransmits(t),
	    "digest fails", (unsigned long long)c->digest_failures, "malformed",
	    (unsigned long long)c->malformed, "bad Nr",
	    (unsigned long long)c->bad_nr, "duplicates",
	    (unsigned long long)tunnel_duplicates(t), "ZLBs sent",
	    (unsigned long long)c->zlb_sent, "ACKs sent",
	    (unsigned long long)c->ack_sent);
	tolerated_text(sb, c);
}

static void
global_text(struct sbuf *sb)
{
	const struct tunnel_global_stats *g = tunnels_global_stats();
	size_t i;

	sbuf_puts(sb, "Daemon\n");
	for (i = 0; i < tunnel_global_nfields; i++)
		sbuf_printf(sb, "  %-22s %llu\n", tunnel_global_fields[i].text,
		    (unsigned long long)tunnel_global_value(
			g, &tunnel_global_fields[i]));
}

/* `show statistics daemon [json]`: the counters of no tunnel. */
static void
global_stats(struct sbuf *sb, int json)
{
	const struct tunnel_global_stats *g = tunnels_global_stats();
	size_t i;

	if (!json) {
		global_text(sb);
		return;
	}
	sbuf_putc(sb, '{');
	for (i = 0; i < tunnel_global_nfields; i++)
		sbuf_printf(sb, "%s\"%s\":%llu", i > 0 ? "," : "",
		    tunnel_global_fields[i].json,
		    (unsigned long long)tunnel_global_value(
			g, &tunnel_global_fields[i]));
	sbuf_puts(sb, "}\n");
}

/* `show statistics [tunnel TUNNEL] [json]`; the text of every tunnel
 * ends with the daemon's own counters. */
int
cmd_show_statistics(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	struct tunnel *t = NULL;

	if (cmd_has(m, "TUNNEL") && (t = cmd_tunnel(req, m, "TUNNEL")) == NULL)
		return CTL_STATUS_ERROR;
	emit_tunnels(req, t, stats_json, stats_text);
	if (!req->json && t == NULL)
		global_text(req->out);
	return CTL_STATUS_OK;
}

int
cmd_show_statistics_daemon(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;

	(void)m;
	global_stats(req->out, req->json);
	return CTL_STATUS_OK;
}

/* --- show peer, log, metrics --------------------------------------- */

static void
peer_json(struct sbuf *sb, const struct tunnel *t)
{
	const struct sockaddr_storage *local, *peer;
	char a[64];

	cmd_tunnel_addrs(t, &local, &peer);
	sbuf_json_str(sb, t->conf->name);
	sbuf_puts(sb, ":{\"address\":");
	sbuf_json_str(sb, addr_str(peer, a, sizeof(a)));
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
	const struct sockaddr_storage *local, *peer;
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
		cmd_tunnel_addrs(t, &local, &peer);
		snprintf(rid, sizeof(rid), "%u.%u.%u.%u",
		    t->peer_router_id >> 24, (t->peer_router_id >> 16) & 0xff,
		    (t->peer_router_id >> 8) & 0xff, t->peer_router_id & 0xff);
		sbuf_printf(req->out, "%-16s %-26s %-20s %-15s %-16s %u\n",
		    t->conf->name, addr_str(peer, a, sizeof(a)),
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
