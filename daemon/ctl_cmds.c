/*
 * Commands of the control socket.  Adding one is a function and a table
 * line.  Output is produced from struct tunnel directly; nothing here
 * changes daemon state.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "daemon/ctl_cmds.h"
#include "daemon/pw.h"
#include "daemon/tunnel.h"
#include "proto/l2tp.h"
#include "proto/msg.h"

#define CMD_MAX_WORDS 3

struct ctl_cmd {
	const char *words[CMD_MAX_WORDS];
	int min_args;
	int max_args;
	const char *usage;
	int (*run)(struct control_req *, int, char **);
};

static int cmd_show_tunnel(struct control_req *, int, char **);
static int cmd_show_session(struct control_req *, int, char **);
static int cmd_show_statistics(struct control_req *, int, char **);
static int cmd_show_version(struct control_req *, int, char **);

static const struct ctl_cmd ctl_cmds[] = {
	{ { "show", "tunnel" }, 0, 1, "show tunnel [NAME] [json]",
	    cmd_show_tunnel },
	{ { "show", "session" }, 0, 3,
	    "show session [tunnel NAME] [NAME|ID] [json]", cmd_show_session },
	{ { "show", "statistics" }, 0, 1, "show statistics [NAME] [json]",
	    cmd_show_statistics },
	{ { "show", "version" }, 0, 0, "show version [json]",
	    cmd_show_version },
};
#define NCMDS (sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

void
ctl_cmds_usage(struct sbuf *sb)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		sbuf_printf(sb, "%s\n", ctl_cmds[i].usage);
}

/* --- helpers ------------------------------------------------------- */

static const char *
encap_name(enum l2tp_encap e)
{
	return e == L2TP_ENCAP_IP ? "ip" : "udp";
}

/* Where the tunnel talks: the live connection's addresses, else the
 * configured ones. */
static void
tunnel_addrs(const struct tunnel *t, const struct sockaddr_storage **local,
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
	if (tp_port(ss) != 0)
		return tp_port(ss);
	return tunnels_conf() != NULL ? tunnels_conf()->port : L2TP_UDP_PORT;
}

static void
uptime_str(uint64_t s, char *buf, size_t len)
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
static void
waiting_json(struct sbuf *sb, const char *what)
{
	sbuf_puts(sb, ",\"waitingFor\":");
	if (what != NULL)
		sbuf_json_str(sb, what);
	else
		sbuf_puts(sb, "null");
}

static void
waiting_text(struct sbuf *sb, const char *what)
{
	if (what != NULL)
		sbuf_printf(sb, "  waiting for %s\n", what);
}

/* --- show tunnel ---------------------------------------------------- */

static void
tunnel_json(struct sbuf *sb, const struct tunnel *t)
{
	const struct sockaddr_storage *local, *peer;
	char abuf[64];

	tunnel_addrs(t, &local, &peer);
	sbuf_json_str(sb, t->conf->name);
	sbuf_puts(sb, ":{\"name\":");
	sbuf_json_str(sb, t->conf->name);
	sbuf_puts(sb, ",\"state\":");
	sbuf_json_str(sb, cc_state_name(t->state));
	sbuf_puts(sb, ",\"localAddress\":");
	sbuf_json_str(sb,
	    local->ss_family == AF_UNSPEC
		? ""
		: tp_addr_str(local, abuf, sizeof(abuf)));
	sbuf_printf(
	    sb, ",\"localPort\":%u,\"peerAddress\":", tunnel_port(t, local));
	sbuf_json_str(sb, tp_addr_str(peer, abuf, sizeof(abuf)));
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
	waiting_json(sb, pw_waiting_for(t, NULL));
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

	tunnel_addrs(t, &local, &peer);
	uptime_str(tunnel_uptime(t), up, sizeof(up));
	sbuf_printf(sb, "%-16s %-14s %-26s %-10u %-10u %-5s %8u %9s\n",
	    t->conf->name, cc_state_name(t->state),
	    tp_addr_str(peer, abuf, sizeof(abuf)), t->local_ccid, t->peer_ccid,
	    encap_name(t->conf->encap), (unsigned int)session_count(t), up);
	waiting_text(sb, pw_waiting_for(t, NULL));
}

/*
 * Every configured tunnel (or the one named), as one JSON object keyed by
 * name or as text lines: the shape every per-tunnel `show` shares.
 */
static void
emit_tunnels(struct control_req *req, const char *name,
    void (*json)(struct sbuf *, const struct tunnel *),
    void (*text)(struct sbuf *, const struct tunnel *))
{
	struct tunnel *t;
	int n = 0;

	if (req->json)
		sbuf_putc(req->out, '{');
	for (t = tunnel_first(); t != NULL; t = tunnel_next(t)) {
		if (!t->primary ||
		    (name != NULL && strcmp(t->conf->name, name)))
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

static int
cmd_show_tunnel(struct control_req *req, int argc, char **argv)
{
	if (argc == 1 && tunnel_find(argv[0]) == NULL) {
		sbuf_printf(req->err, "no such tunnel: %s", argv[0]);
		return CTL_STATUS_ERROR;
	}
	if (!req->json)
		tunnel_text_header(req->out);
	emit_tunnels(req, argc == 1 ? argv[0] : NULL, tunnel_json, tunnel_text);
	return CTL_STATUS_OK;
}

/* --- show session -------------------------------------------------- */

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
	waiting_json(sb, pw_waiting_for(s->tunnel, s));
	pw_session_json(sb, s);
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

	uptime_str(session_uptime(s), up, sizeof(up));
	snprintf(
	    ck, sizeof(ck), "%u/%u", s->local_cookie_len, s->peer_cookie_len);
	sbuf_printf(sb,
	    "%-12s %-12s %-12s %-10u %-10u %-8s %-13s %-7s %-15s %9s\n",
	    s->tunnel->conf->name, s->conf->name, ss_state_name(s->state),
	    s->local_id, s->remote_id,
	    s->conf->remote_end_id[0] ? s->conf->remote_end_id : "-",
	    pw_type_name(s->conf->pw_type), ck,
	    s->conf->ifname[0] ? s->conf->ifname : "-", up);
	waiting_text(sb, pw_waiting_for(s->tunnel, s));
	pw_session_text(sb, s);
}

static int
cmd_show_session(struct control_req *req, int argc, char **argv)
{
	const char *tsel = NULL, *ssel = NULL;
	const struct session *s;
	struct tunnel *t;
	int nt = 0, ns;

	if (argc >= 2 && strcmp(argv[0], "tunnel") == 0) {
		tsel = argv[1];
		argc -= 2;
		argv += 2;
		if (tunnel_find(tsel) == NULL) {
			sbuf_printf(req->err, "no such tunnel: %s", tsel);
			return CTL_STATUS_ERROR;
		}
	}
	if (argc > 1) {
		sbuf_puts(req->err,
		    "usage: show session [tunnel NAME] [NAME|ID] [json]");
		return CTL_STATUS_ERROR;
	}
	ssel = argc == 1 ? argv[0] : NULL;
	if (req->json)
		sbuf_putc(req->out, '{');
	else
		session_text_header(req->out);
	for (t = tunnel_first(); t != NULL; t = tunnel_next(t)) {
		if (!t->primary ||
		    (tsel != NULL && strcmp(t->conf->name, tsel)))
			continue;
		ns = 0;
		for (s = session_first(t); s != NULL; s = session_next(s)) {
			if (!session_selected(s, ssel))
				continue;
			if (req->json) {
				if (ns == 0) {
					sbuf_puts(req->out, nt++ ? "," : "");
					sbuf_json_str(req->out, t->conf->name);
					sbuf_puts(req->out, ":{");
				} else
					sbuf_putc(req->out, ',');
				session_json(req->out, s);
			} else
				session_text(req->out, s);
			ns++;
		}
		if (req->json && ns > 0)
			sbuf_putc(req->out, '}');
	}
	if (req->json)
		sbuf_puts(req->out, "}\n");
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
void
ctl_global_stats(struct sbuf *sb, int json)
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

static int
cmd_show_statistics(struct control_req *req, int argc, char **argv)
{
	if (argc == 1 && tunnel_find(argv[0]) == NULL) {
		sbuf_printf(req->err, "no such tunnel: %s", argv[0]);
		return CTL_STATUS_ERROR;
	}
	emit_tunnels(req, argc == 1 ? argv[0] : NULL, stats_json, stats_text);
	if (!req->json && argc == 0)
		global_text(req->out);
	return CTL_STATUS_OK;
}

/* --- show version --------------------------------------------------- */

static int
cmd_show_version(struct control_req *req, int argc, char **argv)
{
	if (req->json)
		sbuf_printf(req->out,
		    "{\"program\":\"%s\",\"version\":\"%s\"}\n", PACKAGE_NAME,
		    PACKAGE_VERSION);
	else
		sbuf_printf(req->out, "%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	return CTL_STATUS_OK;
}

/* --- dispatch ------------------------------------------------------- */

static size_t
cmd_nwords(const struct ctl_cmd *c)
{
	size_t n = 0;

	while (n < CMD_MAX_WORDS && c->words[n] != NULL)
		n++;
	return n;
}

/* 2: exact, 1: a prefix, 0: no match, over the words given. */
static int
cmd_match(const struct ctl_cmd *c, int argc, char **argv)
{
	size_t i, n = cmd_nwords(c);
	int exact = 1;

	for (i = 0; i < n && i < (size_t)argc; i++) {
		if (strncmp(argv[i], c->words[i], strlen(argv[i])) != 0)
			return 0;
		if (strcmp(argv[i], c->words[i]) != 0)
			exact = 0;
	}
	return exact ? 2 : 1;
}

int
ctl_cmds_run(struct control_req *req)
{
	const struct ctl_cmd *found = NULL;
	size_t i, n;
	int m, best = 0, nbest = 0;

	for (i = 0; i < NCMDS; i++) {
		m = cmd_match(&ctl_cmds[i], req->argc, req->argv);
		if (m > best) {
			best = m;
			nbest = 0;
		}
		if (m == best && m > 0) {
			nbest++;
			found = &ctl_cmds[i];
		}
	}
	if (best == 0) {
		sbuf_printf(req->err, "unknown command: %s",
		    req->argc > 0 ? req->argv[0] : "");
		return CTL_STATUS_UNKNOWN;
	}
	n = cmd_nwords(found);
	if ((size_t)req->argc < n || nbest > 1) {
		sbuf_puts(req->err,
		    (size_t)req->argc < n ? "incomplete command"
					  : "ambiguous command");
		return CTL_STATUS_INCOMPLETE;
	}
	if (req->argc - (int)n < found->min_args ||
	    req->argc - (int)n > found->max_args) {
		sbuf_printf(req->err, "usage: %s", found->usage);
		return CTL_STATUS_ERROR;
	}
	return found->run(req, req->argc - (int)n, req->argv + n);
}
