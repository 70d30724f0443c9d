/*
 * The control-connection transition table (daemon/ctlconn_fsm.c): every
 * row that RFC 3931's state machine needs, and the pairs that must fall
 * through to the FSM-error handling.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/ctlconn_fsm.h"

struct row {
	int state;
	enum cc_event ev;
	enum cc_action action;
	int next;
};

static const struct row expected[] = {
	{ CC_IDLE, CCE_OPEN, CCA_SEND_SCCRQ, CC_WAIT_CTL_REPLY },
	{ CC_IDLE, CCE_RX_SCCRQ, CCA_SEND_SCCRP, CC_WAIT_CTL_CONN },
	{ CC_WAIT_CTL_REPLY, CCE_RX_SCCRP, CCA_SEND_SCCCN, CC_ESTABLISHED },
	{ CC_WAIT_CTL_REPLY, CCE_TIE_LOST, CCA_QUIET_CLOSE, CC_CLOSING },
	{ CC_WAIT_CTL_REPLY, CCE_CLOSE, CCA_TEARDOWN, CC_DEAD },
	{ CC_WAIT_CTL_CONN, CCE_RX_SCCCN, CCA_ESTABLISH, CC_ESTABLISHED },
	{ CC_WAIT_CTL_CONN, CCE_TIMEOUT, CCA_SEND_STOPCCN, CC_CLOSING },
	{ CC_WAIT_CTL_CONN, CCE_CLOSE, CCA_SEND_STOPCCN, CC_CLOSING },
	{ CC_ESTABLISHED, CCE_RX_STOPCCN, CCA_PEER_STOPPED, CC_CLOSING },
	{ CC_WAIT_CTL_REPLY, CCE_RX_STOPCCN, CCA_PEER_STOPPED, CC_CLOSING },
	{ CC_ESTABLISHED, CCE_RX_BAD, CCA_SEND_STOPCCN, CC_CLOSING },
	{ CC_ESTABLISHED, CCE_CLOSE, CCA_SEND_STOPCCN, CC_CLOSING },
	{ CC_ESTABLISHED, CCE_PEER_DEAD, CCA_TEARDOWN, CC_DEAD },
	{ CC_CLOSING, CCE_PEER_DEAD, CCA_TEARDOWN, CC_DEAD },
	{ CC_CLOSING, CCE_TIMEOUT, CCA_TEARDOWN, CC_DEAD },
	{ CC_CLOSING, CCE_RX_STOPCCN, CCA_NOTHING, CC_NOCHANGE },
	{ CC_CLOSING, CCE_CLOSE, CCA_NOTHING, CC_NOCHANGE },
	{ CC_IDLE, CCE_CLOSE, CCA_TEARDOWN, CC_DEAD },
	/* A half-open connection dropped for room goes without a word. */
	{ CC_WAIT_CTL_CONN, CCE_EVICT, CCA_TEARDOWN, CC_DEAD },
};

static void
test_rows(void **state)
{
	enum cc_action action;
	size_t i;
	int next;

	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		assert_int_equal(ccfsm_lookup(expected[i].state, expected[i].ev,
				     &action, &next),
		    0);
		assert_int_equal(action, expected[i].action);
		assert_int_equal(next, expected[i].next);
	}
}

/* Messages out of place have no row: the FSM answers them with StopCCN
 * result 7 in the open states. */
static void
test_fsm_errors(void **state)
{
	static const struct {
		int state;
		enum cc_event ev;
	} missing[] = {
		{ CC_WAIT_CTL_REPLY, CCE_RX_SCCCN },
		{ CC_WAIT_CTL_REPLY, CCE_RX_SCCRQ },
		{ CC_WAIT_CTL_CONN, CCE_RX_SCCRP },
		{ CC_ESTABLISHED, CCE_RX_SCCRP },
		{ CC_ESTABLISHED, CCE_RX_SCCCN },
		{ CC_ESTABLISHED, CCE_OPEN },
		{ CC_IDLE, CCE_RX_SCCRP },
		{ CC_ESTABLISHED, CCE_TIE_LOST },
		/* Only half-open connections are dropped for room. */
		{ CC_ESTABLISHED, CCE_EVICT },
	};
	enum cc_action action;
	size_t i;
	int next;

	for (i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
		assert_int_equal(ccfsm_lookup(missing[i].state, missing[i].ev,
				     &action, &next),
		    -1);
}

/* Every event has a row in the dead state or is harmless there: a dead
 * connection never sends. */
static void
test_dead_is_inert(void **state)
{
	enum cc_action action;
	int ev, next;

	for (ev = 0; ev < CCE__COUNT; ev++)
		if (ccfsm_lookup(CC_DEAD, (enum cc_event)ev, &action, &next) ==
		    0)
			assert_int_equal(action, CCA_NOTHING);
}

static void
test_names(void **state)
{
	int ev;

	assert_string_equal(cc_state_name(CC_ESTABLISHED), "established");
	assert_string_equal(cc_state_name(CC_WAIT_CTL_REPLY), "wait-ctl-reply");
	assert_string_equal(cc_state_name(0x4000), "?");
	for (ev = 0; ev < CCE__COUNT; ev++)
		assert_true(strcmp(cc_event_name((enum cc_event)ev), "?") != 0);
	assert_string_equal(cc_event_name(CCE__COUNT), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_fsm_errors),
		cmocka_unit_test(test_dead_is_inert),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
