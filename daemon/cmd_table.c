/*
 * The command table and control_dispatch(): every command the control
 * socket knows, declared once as grammar and help (cmd.h), in the CLI
 * nodes where it applies.  A command line is matched in the client's
 * node; `do CMD` runs a view command from a configuration node, as on a
 * router.  The same table answers completion and `?`.
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cmd_impl.h"
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

static const struct cmd_def cmd_defs[] = {
	{ "show version [json]", H_SHOW "Version of l2tpv3d\n" H_JSON, VIEW, RO,
	    cmd_show_version },
	{ "show running-config [all] [json]",
	    H_SHOW
	    "What the operator set, as `write memory` writes it\n"
	    "Every value in effect, defaults and derived ones too\n" H_JSON,
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
	{ "end", "Back to the top node (commits)", ANYCONF, 0, cmd_end },
	{ "commit [check]",
	    "Apply the candidate configuration's changes\n"
	    "Only validate it and say what a commit would do",
	    ANYCONF, 0, cmd_commit },
	{ "abort", "Drop the candidate configuration and leave configure mode",
	    ANYCONF, 0, cmd_abort },
	{ "show configuration diff",
	    H_SHOW "The configuration\nWhat a commit would change, and how",
	    ANYCONF, 0, cmd_show_candidate },
	{ "show candidate",
	    H_SHOW "What a commit would change, and how (as show "
		   "configuration diff)",
	    ANYCONF, 0, cmd_show_candidate },
	{ "tunnel TUNNEL", "Configure a tunnel (new or existing)\nName",
	    CONF | TUN | SESS, 0, cmd_tunnel_enter },
	{ "no tunnel TUNNEL", "Negate\nDelete a tunnel (StopCCN)\nName", CONF,
	    0, cmd_tunnel_delete },
	{ "session SESSION", "Configure a session of this tunnel\nName",
	    TUN | SESS, 0, cmd_session_enter },
	{ "no session SESSION", "Negate\nDelete a session (CDN)\nName", TUN, 0,
	    cmd_session_delete },
};
#define NSTATIC (sizeof(cmd_defs) / sizeof(cmd_defs[0]))

static struct cmd_tree *tree;
/* cmd_defs, then two commands per option of the option table: set it,
 * and `no` it back to its default or derived value. */
static struct cmd_def *defs;
static size_t ndefs;

static const unsigned int scope_node[] = {
	[CONF_SCOPE_GLOBAL] = CONF,
	[CONF_SCOPE_TUNNEL] = TUN,
	[CONF_SCOPE_SESSION] = SESS,
};

static char *
xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatalx("command table: out of memory");
	va_end(ap);
	return s;
}

static void
add_option(const struct conf_optinfo *o, enum conf_scope scope)
{
	struct cmd_def *set = &defs[ndefs++], *no = &defs[ndefs++];
	int file_only = o->flags & CONF_OPT_FILE_ONLY;

	set->syntax = xasprintf("%s %s", o->name, o->arg);
	set->help = xasprintf("%s", o->help);
	no->syntax = xasprintf("no %s", o->name);
	no->help = xasprintf("Return an option to its default\n%.*s",
	    (int)strcspn(o->help, "\n"), o->help);
	set->nodes = no->nodes = scope_node[scope];
	set->run = file_only ? cmd_script_refused : cmd_set_option;
	no->run = file_only ? cmd_script_refused : cmd_unset_option;
}

/* The grammar of every option comes from config.c's option table. */
static void
build_defs(void)
{
	struct conf_optinfo o;
	size_t n = NSTATIC, i;
	int sc;

	for (sc = CONF_SCOPE_GLOBAL; sc <= CONF_SCOPE_SESSION; sc++)
		for (i = 0; config_opt(sc, i, &o); i++)
			n += 2;
	if ((defs = calloc(n, sizeof(*defs))) == NULL)
		fatalx("command table: out of memory");
	memcpy(defs, cmd_defs, sizeof(cmd_defs));
	ndefs = NSTATIC;
	for (sc = CONF_SCOPE_GLOBAL; sc <= CONF_SCOPE_SESSION; sc++)
		for (i = 0; config_opt(sc, i, &o); i++)
			add_option(&o, sc);
}

static struct cmd_tree *
table(void)
{
	char why[256];

	if (tree != NULL)
		return tree;
	build_defs();
	if ((tree = cmd_tree_new(defs, ndefs, why, sizeof(why))) == NULL)
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
		/* Leaving configure mode commits. */
		switch (cmd_config_commit_leave(req)) {
		case -1:
			return CTL_STATUS_ERROR;
		case 1:
			return CTL_STATUS_OK; /* it leaves once committed */
		}
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
	switch (cmd_config_commit_leave(req)) {
	case -1:
		return CTL_STATUS_ERROR;
	case 1:
		return CTL_STATUS_OK; /* it leaves once committed */
	}
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

	(void)table();
	for (i = 0; i < ndefs; i++)
		if (defs[i].nodes & node_of(req))
			sbuf_printf(req->out, "%s\n", defs[i].syntax);
	return CTL_STATUS_OK;
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
 * must not choose what runs, nor as whom (docs/security.md). */
static int
cmd_script_refused(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;

	sbuf_printf(req->err,
	    "%% %s can be set only in the configuration file (scripts run "
	    "as script-user; see l2tpv3d.conf(5))",
	    m->tok[0]->kind == CMD_TOK_KEYWORD &&
		    strcmp(m->tok[0]->text, "no") == 0
		? m->tok[1]->text
		: m->tok[0]->text);
	return CTL_STATUS_ERROR;
}
