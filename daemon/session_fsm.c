/*
 * Transition table of a session's incoming call.  Reading the table top
 * to bottom is reading the protocol: the first matching row wins.
 */
#include <config.h>

#include <stddef.h>

#include "daemon/log.h"
#include "daemon/session.h"
#include "daemon/session_fsm.h"
#include "daemon/tunnel.h"

struct ss_transition {
	int state; /* bit mask of states */
	enum ss_event event;
	enum ss_action action;
	int next; /* SS_NOCHANGE keeps the state */
};

static const struct ssfsm_ops *ops;

static const struct ss_transition ss_table[] = {
	/* Static sessions are configured, never signalled. */
	{ SS_IDLE, SSE_STATIC_UP, SSA_NOTHING, SS_STATIC },
	/* LAC: we place the call. */
	{ SS_IDLE, SSE_OPEN, SSA_SEND_ICRQ, SS_WAIT_REPLY },
	{ SS_WAIT_REPLY, SSE_RX_ICRP, SSA_SEND_ICCN, SS_ESTABLISHED },
	/* Both placed it: the loser forgets its ICRQ (the winner answers
	 * it with CDN 13) and then takes the peer's as LNS. */
	{ SS_WAIT_REPLY, SSE_TIE_LOST, SSA_TEARDOWN, SS_IDLE },
	/* LNS: the peer places it. */
	{ SS_IDLE, SSE_RX_ICRQ, SSA_SEND_ICRP, SS_WAIT_CONNECT },
	{ SS_WAIT_CONNECT, SSE_RX_ICCN, SSA_ESTABLISH, SS_ESTABLISHED },
	/* Life of an established call. */
	{ SS_ESTABLISHED, SSE_RX_SLI, SSA_SLI, SS_NOCHANGE },
	{ SS_ESTABLISHED, SSE_RX_WEN, SSA_WEN, SS_NOCHANGE },
	/* Ends, in any open state. */
	{ SS_OPEN_STATES, SSE_RX_CDN, SSA_PEER_CDN, SS_IDLE },
	{ SS_OPEN_STATES, SSE_RX_BAD, SSA_SEND_CDN, SS_IDLE },
	{ SS_OPEN_STATES, SSE_CLOSE, SSA_SEND_CDN, SS_IDLE },
	{ SS_OPEN_STATES, SSE_TUNNEL_DOWN, SSA_TEARDOWN, SS_IDLE },
	/* Nothing to end when there is no call. */
	{ SS_IDLE, SSE_CLOSE, SSA_NOTHING, SS_NOCHANGE },
	{ SS_IDLE, SSE_TUNNEL_DOWN, SSA_NOTHING, SS_NOCHANGE },
	{ SS_IDLE, SSE_RX_CDN, SSA_NOTHING, SS_NOCHANGE },
};

static const char *const ss_event_names[SSE__COUNT] = {
	[SSE_OPEN] = "open",
	[SSE_RX_ICRQ] = "rx-ICRQ",
	[SSE_RX_ICRP] = "rx-ICRP",
	[SSE_RX_ICCN] = "rx-ICCN",
	[SSE_RX_CDN] = "rx-CDN",
	[SSE_RX_SLI] = "rx-SLI",
	[SSE_RX_WEN] = "rx-WEN",
	[SSE_RX_BAD] = "rx-bad-message",
	[SSE_CLOSE] = "close",
	[SSE_TUNNEL_DOWN] = "tunnel-down",
	[SSE_TIE_LOST] = "tie-breaker-lost",
	[SSE_STATIC_UP] = "static-up",
};

static const char *const ss_action_names[] = {
	[SSA_NOTHING] = "nothing",
	[SSA_SEND_ICRQ] = "send-ICRQ",
	[SSA_SEND_ICRP] = "send-ICRP",
	[SSA_SEND_ICCN] = "send-ICCN",
	[SSA_ESTABLISH] = "establish",
	[SSA_PEER_CDN] = "peer-CDN",
	[SSA_SEND_CDN] = "send-CDN",
	[SSA_FSM_ERROR] = "fsm-error",
	[SSA_TEARDOWN] = "teardown",
	[SSA_SLI] = "SLI",
	[SSA_WEN] = "WEN",
};

const char *
ss_state_name(int state)
{
	switch (state) {
	case SS_IDLE:
		return "idle";
	case SS_WAIT_REPLY:
		return "wait-reply";
	case SS_WAIT_CONNECT:
		return "wait-connect";
	case SS_ESTABLISHED:
		return "established";
	case SS_STATIC:
		return "static";
	}
	return "?";
}

const char *
ss_event_name(enum ss_event ev)
{
	if ((unsigned int)ev >= SSE__COUNT)
		return "?";
	return ss_event_names[ev];
}

const char *
ss_action_name(enum ss_action a)
{
	if ((size_t)a >= sizeof(ss_action_names) / sizeof(ss_action_names[0]))
		return "?";
	return ss_action_names[a];
}

int
ssfsm_lookup(int state, enum ss_event ev, enum ss_action *action, int *next)
{
	size_t i;

	for (i = 0; i < sizeof(ss_table) / sizeof(ss_table[0]); i++) {
		if ((ss_table[i].state & state) && ss_table[i].event == ev) {
			*action = ss_table[i].action;
			*next = ss_table[i].next;
			return 0;
		}
	}
	return -1;
}

void
ssfsm_resolve(int state, enum ss_event ev, enum ss_action *action, int *next)
{
	if (ssfsm_lookup(state, ev, action, next) == 0)
		return;
	/* RFC 3931: a session message that makes no sense in this state
	 * ends the call with CDN "FSM error"; without a call there is
	 * nothing to end. */
	if (state & SS_OPEN_STATES) {
		*action = SSA_FSM_ERROR;
		*next = SS_IDLE;
	} else {
		*action = SSA_NOTHING;
		*next = SS_NOCHANGE;
	}
}

void
ssfsm_init(const struct ssfsm_ops *o)
{
	ops = o;
}

static int
ssfsm_run(struct session *s, enum ss_action action)
{
	if (action == SSA_FSM_ERROR) {
		ops->set_cdn(s, L2TP_CDN_FSM_ERROR, 0, "unexpected message");
		action = SSA_SEND_CDN;
	}
	if ((unsigned int)action >= SSA__COUNT || ops->act[action] == NULL)
		return 0;
	return ops->act[action](s);
}

void
ssfsm_event(struct session *s, enum ss_event ev)
{
	enum ss_action action;
	int old = s->state, next;

	if (ops == NULL)
		fatalx("ssfsm_event before ssfsm_init");
	if (ssfsm_lookup(s->state, ev, &action, &next) == -1) {
		ssfsm_resolve(s->state, ev, &action, &next);
		if (action == SSA_FSM_ERROR)
			log_warnx("session %s/%s: event %s in state %s: FSM "
				  "error",
			    s->tunnel->conf->name, s->conf->name,
			    ss_event_name(ev), ss_state_name(s->state));
	}
	if (ssfsm_run(s, action) == -1) {
		/* An action that cannot complete (no memory, no
		 * connection) ends the call locally. */
		(void)ops->act[SSA_TEARDOWN](s);
		next = SS_IDLE;
	}
	if (next != SS_NOCHANGE && next != s->state)
		ops->set_state(s, next);
	log_debug("session %s/%s: %s --%s/%s--> %s", s->tunnel->conf->name,
	    s->conf->name, ss_state_name(old), ss_event_name(ev),
	    ss_action_name(action), ss_state_name(s->state));
}
