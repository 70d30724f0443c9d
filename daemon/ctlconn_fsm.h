/*
 * The control-connection state machine (RFC 3931, control connection
 * states), as a transition table in the manner of ospfd's neighbour FSM.
 * States are bits so one row can cover several; an event with no row is
 * an FSM error.  The machine never touches sockets: its actions are
 * functions tunnel.c hands it once (struct ccfsm_ops), so that the table
 * calls tunnel.c without knowing it (no loop between the files).
 */
#ifndef L2TP_DAEMON_CTLCONN_FSM_H
#define L2TP_DAEMON_CTLCONN_FSM_H

#include <stdint.h>

enum cc_state {
	CC_IDLE = 0x01,
	CC_WAIT_CTL_REPLY = 0x02,
	CC_WAIT_CTL_CONN = 0x04,
	CC_ESTABLISHED = 0x08,
	CC_CLOSING = 0x10, /* StopCCN sent or received; acks only */
	CC_DEAD = 0x20, /* resources are released after the event */
	/* mode = static: no control connection, never in the FSM. */
	CC_STATIC = 0x40,
};
#define CC_ANY 0x3f
#define CC_OPEN_STATES (CC_WAIT_CTL_REPLY | CC_WAIT_CTL_CONN | CC_ESTABLISHED)
#define CC_NOCHANGE 0

enum cc_event {
	CCE_OPEN, /* start as initiator */
	CCE_RX_SCCRQ,
	CCE_RX_SCCRP,
	CCE_RX_SCCCN,
	CCE_RX_STOPCCN,
	CCE_RX_BAD, /* a message the schema says to StopCCN for */
	CCE_PEER_DEAD, /* the reliable layer ran out of retries */
	CCE_CLOSE, /* administrative close or shutdown */
	CCE_TIMEOUT, /* the state timer: no SCCCN, closing done */
	CCE_TIE_LOST, /* the peer's SCCRQ won the tie breaker */
	CCE_STATIC_UP, /* a static tunnel is in place (no signalling) */
	/* Too many half-open connections: the oldest goes, silently (it
	 * is unproven: a StopCCN would only amplify a flood). */
	CCE_EVICT,
	CCE__COUNT,
};

enum cc_action {
	CCA_NOTHING,
	CCA_SEND_SCCRQ,
	CCA_SEND_SCCRP,
	CCA_SEND_SCCCN,
	CCA_ESTABLISH,
	CCA_PEER_STOPPED,
	CCA_SEND_STOPCCN,
	CCA_FSM_ERROR,
	CCA_TEARDOWN,
	CCA_QUIET_CLOSE,
	CCA__COUNT,
};

struct tunnel;

/* What the machine does to a tunnel.  act[a] runs action a: 0, or -1
 * when it cannot complete (the connection then ends locally); NULL for
 * CCA_NOTHING and CCA_FSM_ERROR, which is set_stop() with "FSM error"
 * and then act[CCA_SEND_STOPCCN]. */
struct ccfsm_ops {
	int (*act[CCA__COUNT])(struct tunnel *);
	void (*set_state)(struct tunnel *, int state);
	void (*set_stop)(
	    struct tunnel *, uint16_t result, uint16_t error, const char *msg);
};

/* The actions, once, before the first event. */
void ccfsm_init(const struct ccfsm_ops *);

const char *cc_state_name(int state);
const char *cc_event_name(enum cc_event);
/* The row for (state, event): 0 and action/next filled, or -1 when the
 * table has none (an FSM error). next may be CC_NOCHANGE. */
int ccfsm_lookup(int state, enum cc_event, enum cc_action *, int *next);
/* Run one event on a tunnel. */
void ccfsm_event(struct tunnel *, enum cc_event);

#endif
