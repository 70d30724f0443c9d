/*
 * Transition table of the control connection.  Reading the table top to
 * bottom is reading the protocol: the first matching row wins.
 */
#include <config.h>

#include <stddef.h>

#include "daemon/ctlconn_fsm.h"
#include "daemon/log.h"
#include "daemon/tunnel.h"

static const struct ccfsm_ops *ops;

struct cc_transition {
	int state; /* bit mask of states */
	enum cc_event event;
	enum cc_action action;
	int next; /* CC_NOCHANGE keeps the state */
};

static const struct cc_transition cc_table[] = {
	{ CC_IDLE, CCE_OPEN, CCA_SEND_SCCRQ, CC_WAIT_CTL_REPLY },
	{ CC_IDLE, CCE_RX_SCCRQ, CCA_SEND_SCCRP, CC_WAIT_CTL_CONN },
	{ CC_IDLE, CCE_CLOSE, CCA_TEARDOWN, CC_DEAD },
	/* A static tunnel has no connection: it is put in place, and
	 * closing it only retires it. */
	{ CC_IDLE, CCE_STATIC_UP, CCA_NOTHING, CC_STATIC },
	{ CC_STATIC, CCE_CLOSE, CCA_NOTHING, CC_DEAD },
	{ CC_WAIT_CTL_REPLY, CCE_RX_SCCRP, CCA_SEND_SCCCN, CC_ESTABLISHED },
	/* Before the SCCRP the peer has no ID of ours to be told about. */
	{ CC_WAIT_CTL_REPLY, CCE_TIE_LOST, CCA_QUIET_CLOSE, CC_CLOSING },
	{ CC_WAIT_CTL_REPLY, CCE_CLOSE, CCA_TEARDOWN, CC_DEAD },
	{ CC_WAIT_CTL_CONN, CCE_RX_SCCCN, CCA_ESTABLISH, CC_ESTABLISHED },
	{ CC_WAIT_CTL_CONN, CCE_TIMEOUT, CCA_SEND_STOPCCN, CC_CLOSING },
	{ CC_WAIT_CTL_CONN, CCE_EVICT, CCA_TEARDOWN, CC_DEAD },
	{ CC_OPEN_STATES, CCE_RX_STOPCCN, CCA_PEER_STOPPED, CC_CLOSING },
	{ CC_OPEN_STATES, CCE_RX_BAD, CCA_SEND_STOPCCN, CC_CLOSING },
	{ CC_OPEN_STATES, CCE_CLOSE, CCA_SEND_STOPCCN, CC_CLOSING },
	{ CC_OPEN_STATES | CC_CLOSING, CCE_PEER_DEAD, CCA_TEARDOWN, CC_DEAD },
	/* Closing only acknowledges (the reliable layer does that). */
	{ CC_CLOSING, CCE_TIMEOUT, CCA_TEARDOWN, CC_DEAD },
	{ CC_CLOSING, CCE_RX_STOPCCN, CCA_NOTHING, CC_NOCHANGE },
	{ CC_CLOSING, CCE_RX_BAD, CCA_NOTHING, CC_NOCHANGE },
	{ CC_CLOSING, CCE_CLOSE, CCA_NOTHING, CC_NOCHANGE },
	{ CC_CLOSING | CC_DEAD, CCE_RX_SCCRP, CCA_NOTHING, CC_NOCHANGE },
	{ CC_CLOSING | CC_DEAD, CCE_RX_SCCCN, CCA_NOTHING, CC_NOCHANGE },
	{ CC_DEAD, CCE_CLOSE, CCA_NOTHING, CC_NOCHANGE },
	{ CC_DEAD, CCE_PEER_DEAD, CCA_NOTHING, CC_NOCHANGE },
	{ CC_DEAD, CCE_TIMEOUT, CCA_NOTHING, CC_NOCHANGE },
};

static const char *const cc_event_names[CCE__COUNT] = {
	[CCE_OPEN] = "open",
	[CCE_RX_SCCRQ] = "rx-SCCRQ",
	[CCE_RX_SCCRP] = "rx-SCCRP",
	[CCE_RX_SCCCN] = "rx-SCCCN",
	[CCE_RX_STOPCCN] = "rx-StopCCN",
	[CCE_RX_BAD] = "rx-bad-message",
	[CCE_PEER_DEAD] = "peer-dead",
	[CCE_CLOSE] = "close",
	[CCE_TIMEOUT] = "timeout",
	[CCE_TIE_LOST] = "tie-breaker-lost",
	[CCE_STATIC_UP] = "static-up",
	[CCE_EVICT] = "half-open-dropped",
};

const char *
cc_state_name(int state)
{
	switch (state) {
	case CC_IDLE:
		return "idle";
	case CC_WAIT_CTL_REPLY:
		return "wait-ctl-reply";
	case CC_WAIT_CTL_CONN:
		return "wait-ctl-conn";
	case CC_ESTABLISHED:
		return "established";
	case CC_CLOSING:
		return "closing";
	case CC_DEAD:
		return "dead";
	case CC_STATIC:
		return "static";
	}
	return "?";
}

const char *
cc_event_name(enum cc_event ev)
{
	if ((unsigned int)ev >= CCE__COUNT)
		return "?";
	return cc_event_names[ev];
}

int
ccfsm_lookup(int state, enum cc_event ev, enum cc_action *action, int *next)
{
	size_t i;

	for (i = 0; i < sizeof(cc_table) / sizeof(cc_table[0]); i++) {
		if ((cc_table[i].state & state) && cc_table[i].event == ev) {
			*action = cc_table[i].action;
			*next = cc_table[i].next;
			return 0;
		}
	}
	return -1;
}

void
ccfsm_init(const struct ccfsm_ops *o)
{
	ops = o;
}

static int
ccfsm_run(struct tunnel *t, enum cc_action action)
{
	if (action == CCA_FSM_ERROR) {
		ops->set_stop(
		    t, L2TP_STOPCCN_FSM_ERROR, 0, "unexpected message");
		action = CCA_SEND_STOPCCN;
	}
	if ((unsigned int)action >= CCA__COUNT || ops->act[action] == NULL)
		return 0;
	return ops->act[action](t);
}

void
ccfsm_event(struct tunnel *t, enum cc_event ev)
{
	enum cc_action action;
	int old = t->state, next;

	if (ops == NULL)
		fatalx("ccfsm_event before ccfsm_init");
	if (ccfsm_lookup(t->state, ev, &action, &next) == -1) {
		/* RFC 3931: a message that makes no sense in this state is
		 * answered with StopCCN "FSM error" where a connection
		 * exists to close; elsewhere it is dropped. */
		if ((t->state & CC_OPEN_STATES) == 0) {
			log_debug("tunnel %s: event %s ignored in state %s",
			    t->conf->name, cc_event_name(ev),
			    cc_state_name(t->state));
			return;
		}
		log_warnx("tunnel %s: event %s in state %s: FSM error",
		    t->conf->name, cc_event_name(ev), cc_state_name(t->state));
		action = CCA_FSM_ERROR;
		next = CC_CLOSING;
	}
	if (ccfsm_run(t, action) == -1) {
		/* An action that cannot complete (no socket, no memory)
		 * ends the connection locally; a failed teardown is not
		 * retried. */
		if (action != CCA_TEARDOWN)
			(void)ops->act[CCA_TEARDOWN](t);
		next = CC_DEAD;
	}
	if (next != CC_NOCHANGE && next != t->state)
		ops->set_state(t, next);
	/* `debug tunnel NAME fsm` shows transitions without global debug. */
	(t->conf->debug & TUNNEL_DEBUG_FSM ? log_debug_forced : log_debug)(
	    "tunnel %s: %s --%s--> %s", t->conf->name, cc_state_name(old),
	    cc_event_name(ev), cc_state_name(t->state));
}
