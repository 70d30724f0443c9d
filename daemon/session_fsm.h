/*
 * The incoming-call state machine of a session (RFC 3931, incoming call
 * states), for both roles: the LAC side sends the ICRQ and the ICCN, the
 * LNS side answers with the ICRP.  A transition table like the control
 * connection's (ctlconn_fsm.h): states are bits, the first matching row
 * wins, and an event with no row in an open state is an FSM error (CDN
 * result 16).  Actions are session functions that session.c hands the
 * machine (struct ssfsm_ops), so the table calls session.c without
 * knowing it (no loop between the files).
 */
#ifndef L2TP_DAEMON_SESSION_FSM_H
#define L2TP_DAEMON_SESSION_FSM_H

#include <stdint.h>

enum ss_state {
	SS_IDLE = 0x01, /* no call */
	SS_WAIT_REPLY = 0x02, /* ICRQ sent, waiting for the ICRP */
	SS_WAIT_CONNECT = 0x04, /* ICRP sent, waiting for the ICCN */
	SS_ESTABLISHED = 0x08,
	/* In a static tunnel: no call, never in the FSM. */
	SS_STATIC = 0x10,
};
#define SS_ANY 0x0f
#define SS_OPEN_STATES (SS_WAIT_REPLY | SS_WAIT_CONNECT | SS_ESTABLISHED)
#define SS_NOCHANGE 0

enum ss_event {
	SSE_OPEN, /* place the call: we initiate */
	SSE_RX_ICRQ, /* the peer's ICRQ, matched and acceptable */
	SSE_RX_ICRP, /* acceptable ICRP */
	SSE_RX_ICCN,
	SSE_RX_CDN,
	SSE_RX_SLI,
	SSE_RX_WEN,
	SSE_RX_BAD, /* unacceptable content: CDN with the prepared codes */
	SSE_CLOSE, /* local decision: CDN with the prepared codes */
	SSE_TUNNEL_DOWN, /* the control connection is gone: no CDN */
	SSE_TIE_LOST, /* the peer's ICRQ won over ours */
	SSE_STATIC_UP, /* a static session is in place (no signalling) */
	SSE__COUNT,
};

enum ss_action {
	SSA_NOTHING,
	SSA_SEND_ICRQ,
	SSA_SEND_ICRP,
	SSA_SEND_ICCN,
	SSA_ESTABLISH,
	SSA_PEER_CDN,
	SSA_SEND_CDN,
	SSA_FSM_ERROR,
	SSA_TEARDOWN,
	SSA_SLI,
	SSA_WEN,
	SSA__COUNT,
};

struct session;

/* What the machine does to a session.  act[a] runs action a: 0, or -1
 * when it cannot complete (the call then ends locally); NULL for
 * SSA_NOTHING and SSA_FSM_ERROR, which is set_cdn() with "FSM error"
 * and then act[SSA_SEND_CDN]. */
struct ssfsm_ops {
	int (*act[SSA__COUNT])(struct session *);
	void (*set_state)(struct session *, int state);
	void (*set_cdn)(
	    struct session *, uint16_t result, uint16_t error, const char *msg);
};

/* The actions, before the first event. */
void ssfsm_init(const struct ssfsm_ops *);

const char *ss_state_name(int state);
const char *ss_event_name(enum ss_event);
const char *ss_action_name(enum ss_action);
/* The row for (state, event): 0 with action/next filled (next may be
 * SS_NOCHANGE), or -1 when the table has none. */
int ssfsm_lookup(int state, enum ss_event, enum ss_action *, int *next);
/* What happens to (state, event) when the table has no row: an FSM
 * error (CDN 16, back to idle) in an open state, nothing in idle.  The
 * same as ssfsm_lookup() otherwise. */
void ssfsm_resolve(int state, enum ss_event, enum ss_action *, int *next);
/* Run one event on a session. */
void ssfsm_event(struct session *, enum ss_event);

#endif
