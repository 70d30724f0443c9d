/*
 * Operational commands: `clear` and `debug`.  They act on the running
 * tunnels, never on the configuration.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cmd_impl.h"
#include "daemon/log.h"
#include "daemon/session.h"
#include "daemon/tunnel.h"

static struct tunnel *
named_tunnel(struct control_req *req, const char *name)
{
	struct tunnel *t;

	if ((t = tunnel_find(name)) == NULL)
		sbuf_printf(req->err, "%% no such tunnel: %s", name);
	return t;
}

int
cmd_clear_tunnel(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	struct tunnel *t;

	if ((t = named_tunnel(req, cmd_arg(m, "TUNNEL"))) == NULL)
		return CTL_STATUS_ERROR;
	if (tunnel_clear(t) == -1) {
		sbuf_printf(req->err, "%% tunnel %s is not open (%s)",
		    t->conf->name, cc_state_name(t->state));
		return CTL_STATUS_ERROR;
	}
	return CTL_STATUS_OK;
}

/* A session of t by name, else by our decimal session ID. */
static struct session *
tunnel_session(const struct tunnel *t, const char *word)
{
	struct session *s;
	unsigned long id;
	char *end;

	for (s = session_first(t); s != NULL; s = session_next(s))
		if (strcmp(s->conf->name, word) == 0)
			return s;
	errno = 0;
	id = strtoul(word, &end, 10);
	if (errno != 0 || *end != '\0' || id == 0 || id > UINT32_MAX)
		return NULL;
	if ((s = session_by_id((uint32_t)id)) != NULL && s->tunnel != t)
		return NULL;
	return s;
}

/* `clear session TUNNEL SESSION` and `clear session id ID`: CDN; an
 * initiator places the call again after its retry delay. */
int
cmd_clear_session(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	const char *id = cmd_arg(m, "<1-4294967295>");
	struct tunnel *t = NULL;
	struct session *s;

	if (id != NULL)
		s = session_by_id((uint32_t)strtoul(id, NULL, 10));
	else if ((t = named_tunnel(req, cmd_arg(m, "TUNNEL"))) == NULL)
		return CTL_STATUS_ERROR;
	else
		s = tunnel_session(t, cmd_arg(m, "SESSION"));
	if (s == NULL) {
		sbuf_printf(req->err, "%% no such session: %s",
		    id != NULL ? id : cmd_arg(m, "SESSION"));
		return CTL_STATUS_ERROR;
	}
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
	const char *name = cmd_arg(m, "TUNNEL");
	struct tunnel *t;

	if (name != NULL && named_tunnel(req, name) == NULL)
		return CTL_STATUS_ERROR;
	for (t = tunnel_first(); t != NULL; t = tunnel_next(t))
		if (t->primary &&
		    (name == NULL || strcmp(t->conf->name, name) == 0))
			memset(&t->ctr, 0, sizeof(t->ctr));
	log_info("statistics cleared%s%s", name != NULL ? " for tunnel " : "",
	    name != NULL ? name : "");
	return CTL_STATUS_OK;
}

/* `debug tunnel NAME [packets|fsm|all]` and its `no` form. */
int
cmd_debug_tunnel(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	struct tunnel *t;
	int bits = TUNNEL_DEBUG_ALL;

	if ((t = named_tunnel(req, cmd_arg(m, "TUNNEL"))) == NULL)
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
