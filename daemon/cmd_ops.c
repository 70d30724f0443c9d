/*
 * Operational commands: `clear` and `debug`.  They act on the running
 * tunnels, never on the configuration.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "daemon/cmd_impl.h"
#include "daemon/log.h"
#include "daemon/session.h"
#include "daemon/tunnel.h"

int
cmd_clear_tunnel(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	struct tunnel *t;

	if ((t = cmd_tunnel(req, m, "TUNNEL")) == NULL)
		return CTL_STATUS_ERROR;
	if (tunnel_clear(t) == -1) {
		sbuf_printf(req->err, "%% tunnel %s is not open (%s)",
		    t->conf->name, cc_state_name(t->state));
		return CTL_STATUS_ERROR;
	}
	return CTL_STATUS_OK;
}

/* `clear session TUNNEL SESSION` and `clear session id ID`: CDN; an
 * initiator places the call again after its retry delay. */
int
cmd_clear_session(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	struct tunnel *t = NULL;
	struct session *s;

	if (cmd_has(m, "id"))
		s = cmd_session(req, m, "<1-4294967295>", NULL);
	else if ((t = cmd_tunnel(req, m, "TUNNEL")) == NULL)
		return CTL_STATUS_ERROR;
	else
		s = cmd_session(req, m, "SESSION", t);
	if (s == NULL)
		return CTL_STATUS_ERROR;
	if (session_clear(s, "cleared by the operator") == -1) {
		sbuf_printf(req->err, "%% session %s/%s has no call",
		    s->tunnel->conf->name, s->conf->name);
		return CTL_STATUS_ERROR;
	}
	log_info(
	    "session %s/%s: cleared", s->tunnel->conf->name, s->conf->name);
	return CTL_STATUS_OK;
}

int
cmd_clear_statistics(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	struct tunnel *only = NULL, *t;

	if (cmd_has(m, "TUNNEL") &&
	    (only = cmd_tunnel(req, m, "TUNNEL")) == NULL)
		return CTL_STATUS_ERROR;
	for (t = tunnel_first(); t != NULL; t = tunnel_next(t))
		if (t->primary && (only == NULL || t == only))
			memset(&t->ctr, 0, sizeof(t->ctr));
	log_info("statistics cleared%s%s", only != NULL ? " for tunnel " : "",
	    only != NULL ? only->conf->name : "");
	return CTL_STATUS_OK;
}

/* `debug tunnel NAME [packets|fsm|all]` and its `no` form. */
int
cmd_debug_tunnel(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	struct tunnel *t;
	int bits = TUNNEL_DEBUG_ALL;

	if ((t = cmd_tunnel(req, m, "TUNNEL")) == NULL)
		return CTL_STATUS_ERROR;
	if (cmd_has(m, "packets"))
		bits = TUNNEL_DEBUG_PACKETS;
	else if (cmd_has(m, "fsm"))
		bits = TUNNEL_DEBUG_FSM;
	if (cmd_has(m, "no"))
		t->conf->debug &= ~bits;
	else
		t->conf->debug |= bits;
	log_info("tunnel %s: debug %s%s", t->conf->name,
	    t->conf->debug & TUNNEL_DEBUG_PACKETS ? "packets " : "",
	    t->conf->debug & TUNNEL_DEBUG_FSM ? "fsm"
		: t->conf->debug	      ? ""
					      : "off");
	return CTL_STATUS_OK;
}
