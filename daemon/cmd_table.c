/*
 * The command table and control_dispatch(): every command the control
 * socket knows, declared once as grammar and help (cmd.h), in the CLI
 * nodes where it applies.  A command line is matched in the client's
 * node; `do CMD` runs a view command from a configuration node, as on a
 * router.  The same table answers completion and `?`.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cmd_impl.h"
#include "daemon/ctl_cmds.h"
#include "daemon/log.h"
#include "daemon/restart.h"
#include "daemon/tunnel.h"

#define VIEW CMD_NODE_VIEW
#define CONF CMD_NODE_CONFIG
#define TUN CMD_NODE_TUNNEL
#define SESS CMD_NODE_SESSION
#define ANYCONF CMD_NODE_ANY_CONFIG
#define RO CMD_F_READONLY

#define H_SHOW "Show running state\n"
#define H_JSON "JSON output (docs/control-json.md)"
#define H_YESNO "Yes\nNo"

static int cmd_exit(const struct cmd_match *, void *);
static int cmd_end(const struct cmd_match *, void *);
static int cmd_terminal_length(const struct cmd_match *, void *);
static int cmd_list(const struct cmd_match *, void *);
static int cmd_script_refused(const struct cmd_match *, void *);

/* Tunnel options: the configuration file's own names and values. */
#define TUNNEL_OPTS \
	{ "mode (dynamic|static)", \
		"Signalling mode\nControl connection (RFC 3931)\n" \
		"No control connection, like ip l2tp", \
		TUN, 0, cmd_set_option }, \
	    { "encap (udp|ip)", "Encapsulation\nUDP\nIP protocol 115", TUN, 0, \
		    cmd_set_option }, \
	    { "remote ADDRESS", "Peer address\nIPv4 or IPv6 address", TUN, 0, \
		    cmd_set_option }, \
	    { "local ADDRESS", "Local address\nIPv4 or IPv6 address", TUN, 0, \
		    cmd_set_option }, \
	    { "local-port <1-65535>", "Local UDP port\nPort", TUN, 0, \
		    cmd_set_option }, \
	    { "remote-port <1-65535>", "Peer UDP port\nPort", TUN, 0, \
		    cmd_set_option }, \
	    { "peer-hostname HOSTNAME", \
		    "Accept SCCRQs only with this Host Name\nHost Name", TUN, \
		    0, cmd_set_option }, \
	    { "initiate (yes|no)", "Send the SCCRQ\n" H_YESNO, TUN, 0, \
		    cmd_set_option }, \
	    { "persist (yes|no)", "Re-establish after failures\n" H_YESNO, \
		    TUN, 0, cmd_set_option }, \
	    { "peer-dialect (auto|ietf|cisco)", \
		    "AVP dialect toward the peer\nAs the peer speaks\n" \
		    "RFC 3931\nCisco draft mode", \
		    TUN, 0, cmd_set_option }, \
	    { "digest (none|md5|sha1)", \
		    "Message Digest\nNo authentication\nHMAC-MD5\nHMAC-SHA-1", \
		    TUN, 0, cmd_set_option }, \
	    { "digest-key (md5|same-hash)", \
		    "Digest key derivation\nHMAC-MD5 (Wireshark's)\n" \
		    "The digest's own hash", \
		    TUN, 0, cmd_set_option }, \
	    { "secret SECRET", "Shared secret\nThe secret", TUN, 0, \
		    cmd_set_option }, \
	    { "hello-interval <0-86400>", \
		    "HELLO after this much silence\nSeconds, 0 = never", TUN, \
		    0, cmd_set_option }, \
	    { "receive-window <1-1024>", "Our receive window\nMessages", TUN, \
		    0, cmd_set_option }, \
	    { "retransmit-initial <100-60000>", \
		    "First retransmission timeout\nMilliseconds", TUN, 0, \
		    cmd_set_option }, \
	    { "retransmit-cap <100-600000>", \
		    "Longest retransmission timeout\nMilliseconds", TUN, 0, \
		    cmd_set_option }, \
	    { "retries <1-100>", "Retransmissions before giving up\nCount", \
		    TUN, 0, cmd_set_option }, \
	    { "retry-interval <1-86400>", \
		    "Persistent re-establishment base\nSeconds", TUN, 0, \
		    cmd_set_option }, \
	    { "local-tunnel-id <1-4294967295>", \
		    "Static mode: our tunnel ID\nID", TUN, 0, \
		    cmd_set_option }, \
	    { "remote-tunnel-id <1-4294967295>", \
		    "Static mode: the peer's tunnel ID\nID", TUN, 0, \
		    cmd_set_option }, \
	    { "keep-on-exit (yes|no)", \
		    "Static mode: leave it in the kernel at exit\n" H_YESNO, \
		    TUN, 0, cmd_set_option }, \
	    { "debug (yes|no)", "Debug logging for this tunnel\n" H_YESNO, \
		    TUN, 0, cmd_set_option }, \
	{ \
		"no (mode|encap|local|local-port|remote-port|peer-hostname|" \
		"initiate|persist|peer-dialect|digest|digest-key|secret|" \
		"hello-interval|receive-window|retransmit-initial|" \
		"retransmit-cap|retries|retry-interval|local-tunnel-id|" \
		"remote-tunnel-id|keep-on-exit|debug)", \
		    "Return an option to its default\nSignalling mode\n" \
		    "Encapsulation\nLocal address\nLocal UDP port\n" \
		    "Peer UDP port\nPeer Host Name\nSend the SCCRQ\n" \
		    "Re-establish\nAVP dialect\nMessage Digest\n" \
		    "Digest key derivation\nShared secret\nHELLO interval\n" \
		    "Receive window\nFirst retransmission timeout\n" \
		    "Longest retransmission timeout\nRetransmissions\n" \
		    "Re-establishment base\nOur tunnel ID\n" \
		    "The peer's tunnel ID\nKeep at exit\nDebug logging", \
		    TUN, 0, cmd_unset_option \
	}

#define SESSION_OPTS \
	{ "pw-type (ethernet|ethernet-vlan)", \
		"Pseudowire type\nEthernet (5)\nEthernet VLAN (4)", SESS, 0, \
		cmd_set_option }, \
	    { "vlan-id <1-4094>", "VLAN of an ethernet-vlan pseudowire\nID", \
		    SESS, 0, cmd_set_option }, \
	    { "remote-end-id ID", "Remote End ID (Cisco VC ID)\nThe ID", SESS, \
		    0, cmd_set_option }, \
	    { "local-session-id <1-4294967295>", \
		    "Static mode: our session ID\nID", SESS, 0, \
		    cmd_set_option }, \
	    { "remote-session-id <1-4294967295>", \
		    "Static mode: the peer's session ID\nID", SESS, 0, \
		    cmd_set_option }, \
	    { "cookie-length (0|4|8)", \
		    "Length of the cookie we assign\nNo cookie\n4 bytes\n" \
		    "8 bytes", \
		    SESS, 0, cmd_set_option }, \
	    { "local-cookie HEX", "Static mode: cookie we send\nHex bytes", \
		    SESS, 0, cmd_set_option }, \
	    { "peer-cookie HEX", "Static mode: cookie we expect\nHex bytes", \
		    SESS, 0, cmd_set_option }, \
	    { "l2spec (none|default)", \
		    "L2-Specific Sublayer\nNone\nDefault (RFC 3931)", SESS, 0, \
		    cmd_set_option }, \
	    { "sequencing (none|send|recv|both)", \
		    "Data sequencing\nNone\nSend sequence numbers\n" \
		    "Require them\nBoth", \
		    SESS, 0, cmd_set_option }, \
	    { "reorder-timeout <0-60000>", "Reordering wait\nMilliseconds", \
		    SESS, 0, cmd_set_option }, \
	    { "interface IFNAME", "Interface name\nName", SESS, 0, \
		    cmd_set_option }, \
	    { "mtu <68-65535>", "Interface MTU\nBytes", SESS, 0, \
		    cmd_set_option }, \
	    { "bridge IFNAME", "Bridge to enslave the interface to\nName", \
		    SESS, 0, cmd_set_option }, \
	    { "mac-address MAC", \
		    "Ethernet address of the interface (default: derived)\n" \
		    "Six hex bytes, 02:00:00:00:00:01", \
		    SESS, 0, cmd_set_option }, \
	    { "ipv6-link-local (auto|yes|no)", \
		    "IPv6 link-local address on the interface\n" \
		    "Only with addresses of ours\nAlways\nNever", \
		    SESS, 0, cmd_set_option }, \
	    { "up-script PATH", "Run when the session comes up\nPath", SESS, \
		    0, cmd_script_refused }, \
	    { "down-script PATH", "Run when the session goes down\nPath", \
		    SESS, 0, cmd_script_refused }, \
	    { "no (up-script|down-script)", \
		    "Return an option to its default\nUp script\n" \
		    "Down script", \
		    SESS, 0, cmd_script_refused }, \
	    { "initiate (yes|no)", "Send the ICRQ\n" H_YESNO, SESS, 0, \
		    cmd_set_option }, \
	    { "debug (yes|no)", "Debug logging for this session\n" H_YESNO, \
		    SESS, 0, cmd_set_option }, \
	{ \
		"no (pw-type|vlan-id|remote-end-id|local-session-id|" \
		"remote-session-id|cookie-length|local-cookie|peer-cookie|" \
		"l2spec|sequencing|reorder-timeout|interface|mtu|bridge|" \
		"mac-address|ipv6-link-local|initiate|debug)", \
		    "Return an option to its default\nPseudowire type\n" \
		    "VLAN\nRemote End ID\nOur session ID\n" \
		    "The peer's session ID\nCookie length\nCookie we send\n" \
		    "Cookie we expect\nL2-Specific Sublayer\n" \
		    "Data sequencing\nReordering wait\nInterface name\n" \
		    "Interface MTU\nBridge\nEthernet address\n" \
		    "IPv6 link-local\n" \
		    "Send the ICRQ\nDebug logging", \
		    SESS, 0, cmd_unset_option \
	}

static const struct cmd_def cmd_defs[] = {
	{ "show version [json]", H_SHOW "Version of l2tpv3d\n" H_JSON, VIEW, RO,
	    cmd_show_version },
	{ "show running-config [json]",
	    H_SHOW "The configuration as `write memory` writes it\n" H_JSON,
	    VIEW, RO, cmd_show_running },
	{ "show tunnel [TUNNEL] [detail] [json]",
	    H_SHOW "Control connections\nTunnel name or local CCID\n"
		   "Every detail\n" H_JSON,
	    VIEW, RO, cmd_show_tunnel },
	{ "show session [tunnel TUNNEL] [SESSION] [detail] [json]",
	    H_SHOW "Sessions (pseudowires)\nOf one tunnel\nTunnel name\n"
		   "Session name or local session ID\nEvery detail\n" H_JSON,
	    VIEW, RO, cmd_show_session },
	{ "show session SESSION wireshark",
	    H_SHOW "Sessions (pseudowires)\nSession name\n"
		   "tshark/Wireshark options that decode its data packets",
	    VIEW, RO, cmd_show_wireshark },
	{ "show statistics [tunnel TUNNEL] [json]",
	    H_SHOW "Message counters\nOf one tunnel\nTunnel name\n" H_JSON,
	    VIEW, RO, cmd_show_statistics },
	{ "show statistics daemon [json]",
	    H_SHOW "Message counters\nThe daemon-wide counters (no tunnel's: "
		   "refusals, drops, half-open connections)\n" H_JSON,
	    VIEW, RO, cmd_show_statistics_daemon },
	{ "show peer [json]", H_SHOW "The peers of the tunnels\n" H_JSON, VIEW,
	    RO, cmd_show_peer },
	{ "show metrics",
	    H_SHOW "Counters in the Prometheus text format (as GET /metrics)",
	    VIEW, RO, cmd_show_metrics },
	{ "show log [<1-1024>] [json]",
	    H_SHOW "Recent log lines\nHow many (newest)\n" H_JSON, VIEW, RO,
	    cmd_show_log },
	{ "clear tunnel TUNNEL",
	    "Reset\nA control connection (StopCCN; persistent ones come "
	    "back)\nTunnel name",
	    VIEW, 0, cmd_clear_tunnel },
	{ "clear session TUNNEL SESSION",
	    "Reset\nA session (CDN; an initiator places the call again)\n"
	    "Tunnel name\nSession name or local session ID",
	    VIEW, 0, cmd_clear_session },
	{ "clear session id <1-4294967295>",
	    "Reset\nA session (CDN; an initiator places the call again)\n"
	    "By local session ID\nLocal session ID",
	    VIEW, 0, cmd_clear_session },
	{ "clear statistics [tunnel TUNNEL]",
	    "Reset\nMessage counters\nOf one tunnel\nTunnel name", VIEW, 0,
	    cmd_clear_statistics },
	{ "debug tunnel TUNNEL [(packets|fsm|all)]",
	    "Debug logging at run time\nOf a tunnel\nTunnel name\n"
	    "Message dumps\nState transitions\nBoth (the default)",
	    VIEW, 0, cmd_debug_tunnel },
	{ "no debug tunnel TUNNEL [(packets|fsm|all)]",
	    "Negate\nDebug logging at run time\nOf a tunnel\nTunnel name\n"
	    "Message dumps\nState transitions\nBoth (the default)",
	    VIEW, 0, cmd_debug_tunnel },
	{ "restart graceful",
	    "Restart the daemon\nHand everything to a freshly executed binary "
	    "(docs/restart.md)",
	    VIEW, 0, cmd_restart_graceful },
	{ "configure terminal",
	    "Change the configuration at run time\nFrom this terminal", VIEW, 0,
	    cmd_configure },
	/* `write` alone is IOS's `wr`: write memory. */
	{ "write [memory]",
	    "Save the running configuration\nTo the configuration file "
	    "(keeping FILE.bak)",
	    VIEW | ANYCONF, 0, cmd_write_memory },
	{ "terminal length <0-512>",
	    "This session's terminal\nLines per page\nLines, 0 = no pager",
	    VIEW | ANYCONF, RO, cmd_terminal_length },
	{ "list", "Every command of this node", VIEW | ANYCONF, RO, cmd_list },
	{ "exit", "Leave this node (or the shell)", VIEW | ANYCONF, RO,
	    cmd_exit },
	{ "quit", "Leave this node (or the shell)", VIEW | ANYCONF, RO,
	    cmd_exit },
	{ "end", "Back to the top node", ANYCONF, 0, cmd_end },
	{ "hostname NAME", "Our Host Name (AVP 7)\nName", CONF, 0,
	    cmd_hostname },
	{ "tunnel TUNNEL", "Configure a tunnel (new or existing)\nName",
	    CONF | TUN | SESS, 0, cmd_tunnel_enter },
	{ "no tunnel TUNNEL", "Negate\nDelete a tunnel (StopCCN)\nName", CONF,
	    0, cmd_tunnel_delete },
	{ "session SESSION", "Configure a session of this tunnel\nName",
	    TUN | SESS, 0, cmd_session_enter },
	{ "no session SESSION", "Negate\nDelete a session (CDN)\nName", TUN, 0,
	    cmd_session_delete },
	TUNNEL_OPTS,
	SESSION_OPTS,
};

static struct cmd_tree *tree;

static struct cmd_tree *
table(void)
{
	char why[256];

	if (tree == NULL &&
	    (tree = cmd_tree_new(cmd_defs,
		 sizeof(cmd_defs) / sizeof(cmd_defs[0]), why, sizeof(why))) ==
		NULL)
		fatalx("command table: %s", why);
	return tree;
}

/* --- live names ------------------------------------------------------ */

static const struct tunnel_conf *
conf_tunnel(const char *name)
{
	const struct daemon_conf *dc = tunnels_conf();
	const struct tunnel_conf *tc;

	if (dc == NULL || name == NULL)
		return NULL;
	TAILQ_FOREACH(tc, &dc->tunnels, entry)
	if (strcmp(tc->name, name) == 0)
		return tc;
	return NULL;
}

static void
list_sessions(const struct tunnel_conf *tc, void (*add)(void *, const char *),
    void *addarg)
{
	const struct session_conf *sc;

	TAILQ_FOREACH(sc, &tc->sessions, entry)
	add(addarg, sc->name);
}

/* TUNNEL: configured tunnels; SESSION: the sessions of the tunnel the
 * line (or the node) names, else of every tunnel. */
static void
list_vars(void *arg, const char *var, struct cmd_match *ctx,
    void (*add)(void *, const char *), void *addarg)
{
	struct control_req *req = arg;
	const struct daemon_conf *dc = tunnels_conf();
	const struct tunnel_conf *tc;
	const char *tname;

	if (dc == NULL)
		return;
	if (strcmp(var, "TUNNEL") == 0) {
		TAILQ_FOREACH(tc, &dc->tunnels, entry)
		add(addarg, tc->name);
		return;
	}
	if (strcmp(var, "SESSION") != 0)
		return;
	tname = cmd_arg(ctx, "TUNNEL");
	if (tname == NULL && req->cli->node & (TUN | SESS))
		tname = req->cli->tunnel;
	if (tname != NULL) {
		if ((tc = conf_tunnel(tname)) != NULL)
			list_sessions(tc, add, addarg);
		return;
	}
	TAILQ_FOREACH(tc, &dc->tunnels, entry)
	list_sessions(tc, add, addarg);
}

/* --- small commands -------------------------------------------------- */

static unsigned int
node_of(const struct control_req *req)
{
	return req->cli->node == 0 ? VIEW : req->cli->node;
}

static int
cmd_exit(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	struct control_cli *cli = req->cli;

	switch (node_of(req)) {
	case SESS:
		cli->node = TUN;
		cli->session[0] = '\0';
		break;
	case TUN:
		cmd_config_leave(req);
		cli->node = CONF;
		cli->tunnel[0] = '\0';
		break;
	case CONF:
		cli->node = VIEW;
		break;
	default:
		break; /* the shell itself leaves */
	}
	return CTL_STATUS_OK;
}

static int
cmd_end(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;

	if (req->cli->node & (TUN | SESS))
		cmd_config_leave(req);
	req->cli->node = VIEW;
	req->cli->tunnel[0] = req->cli->session[0] = '\0';
	return CTL_STATUS_OK;
}

static int
cmd_terminal_length(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;

	req->cli->nopager = strcmp(cmd_arg(m, "<0-512>"), "0") == 0;
	return CTL_STATUS_OK;
}

static int
cmd_list(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	size_t i;

	for (i = 0; i < sizeof(cmd_defs) / sizeof(cmd_defs[0]); i++)
		if (cmd_defs[i].nodes & node_of(req))
			sbuf_printf(req->out, "%s\n", cmd_defs[i].syntax);
	return CTL_STATUS_OK;
}

/* --- the legacy table ------------------------------------------------ */

int
cmd_legacy(struct control_req *req, const char *const *words, int n)
{
	char *argv[CMD_MAX_WORDS + 1];
	struct control_req sub = *req;
	int i;

	for (i = 0; i < n && i < CMD_MAX_WORDS; i++)
		argv[i] = (char *)words[i];
	argv[i] = NULL;
	sub.argc = i;
	sub.argv = argv;
	return ctl_cmds_run(&sub);
}

/* --- dispatch -------------------------------------------------------- */

static const char *const node_names[] = { "", "config", "config-tunnel",
	"config-session" };

static const char *
node_name(unsigned int node)
{
	switch (node) {
	case CONF:
		return node_names[1];
	case TUN:
		return node_names[2];
	case SESS:
		return node_names[3];
	}
	return node_names[0];
}

static int
answer_state(struct control_req *req)
{
	const struct daemon_conf *dc = tunnels_conf();
	unsigned int node = node_of(req);
	const char *host = dc != NULL ? dc->hostname : "l2tpv3d";

	if (node == VIEW)
		sbuf_printf(req->out, "prompt=%s# \n", host);
	else
		sbuf_printf(
		    req->out, "prompt=%s(%s)# \n", host, node_name(node));
	sbuf_printf(req->out, "node=%s\npager=%s\nhostname=%s\n",
	    node == VIEW ? "view" : node_name(node),
	    req->cli->nopager ? "off" : "on", host);
	return CTL_STATUS_OK;
}

/* `do CMD` in a configuration node: CMD as from the view node. */
static unsigned int
effective_node(struct control_req *req, int *argc, char ***argv)
{
	unsigned int node = node_of(req);

	if (node != VIEW && *argc > 0 && strcmp((*argv)[0], "do") == 0) {
		(*argc)--;
		(*argv)++;
		return VIEW;
	}
	return node;
}

static int
run_request(struct control_req *req, unsigned int node, int argc, char **argv)
{
	struct cmd_vars vars = { list_vars, req };
	struct cmd_match m;
	enum cmd_status st;

	st = cmd_match(table(), node, argc, argv, &vars, &m, req->err);
	if (st == CMD_INCOMPLETE)
		return CTL_STATUS_INCOMPLETE;
	if (st != CMD_OK)
		return CTL_STATUS_UNKNOWN;
	if (req->readonly && !(m.def->flags & CMD_F_READONLY)) {
		sbuf_puts(req->err, "denied: read-only socket");
		return CTL_STATUS_DENIED;
	}
	return m.def->run(&m, req);
}

int
control_dispatch(struct control_req *req)
{
	struct cmd_vars vars = { list_vars, req };
	char *words[CMD_MAX_WORDS + 2], **argv = words;
	int argc = req->argc, i;
	unsigned int node;

	if (req->kind == CTL_STATE)
		return answer_state(req);
	if (argc > CMD_MAX_WORDS) {
		sbuf_puts(req->err, "% Too many words in command");
		return CTL_STATUS_ERROR;
	}
	for (i = 0; i < argc; i++)
		words[i] = req->argv[i];
	/* control.c took a trailing "json" off; the grammar wants it. */
	if (req->json && argc < CMD_MAX_WORDS)
		words[argc++] = "json";
	words[argc] = NULL;
	node = effective_node(req, &argc, &argv);
	switch (req->kind) {
	case CTL_COMPLETE:
		cmd_complete(
		    table(), node, argc, argv, req->partial, &vars, req->out);
		return CTL_STATUS_OK;
	case CTL_DESCRIBE:
		cmd_describe(
		    table(), node, argc, argv, req->partial, &vars, req->out);
		return CTL_STATUS_OK;
	}
	if (argc == 0)
		return CTL_STATUS_OK;
	return run_request(req, node, argc, argv);
}

/* Scripts run as script-user (root by default): who may use the shell
 * must not choose what runs (docs/security.md). */
static int
cmd_script_refused(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;

	sbuf_puts(req->err,
	    "% up-script and down-script can be set only in the "
	    "configuration file (they run as script-user; see "
	    "l2tpv3d.conf(5))");
	return CTL_STATUS_ERROR;
}
