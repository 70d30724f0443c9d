/*
 * The opening pace (daemon/tunnel_pace.c): SCCRQs in flight per peer
 * address, a window of 8 that grows by 8 per answer and halves per
 * failure; waiters go in arrival order when slots free, with their
 * state timer armed; a peer is "probing" until it answers.
 */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <event2/event.h>

#include <cmocka.h>

#include "daemon/config.h"
#include "daemon/tunnel.h"
#include "daemon/tunnel_pace.h"

#define NT 40

static struct event_base *base;
static struct tunnel *tun[NT];
static struct tunnel_conf conf_b, conf_c;

static void
noop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

static void
set_peer(struct tunnel_conf *c, const char *ip)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&c->remote;

	memset(c, 0, sizeof(*c));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(1701);
	assert_int_equal(inet_pton(AF_INET, ip, &sin->sin_addr), 1);
}

static int
setup(void **state)
{
	int i;

	(void)state;
	assert_non_null(base = event_base_new());
	set_peer(&conf_b, "192.0.2.1");
	set_peer(&conf_c, "192.0.2.2");
	for (i = 0; i < NT; i++) {
		assert_non_null(tun[i] = calloc(1, sizeof(*tun[i])));
		tun[i]->conf = i < NT - 1 ? &conf_b : &conf_c;
		assert_non_null(
		    tun[i]->ev_state = evtimer_new(base, noop_cb, tun[i]));
	}
	return 0;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < NT; i++) {
		tunnel_pace_forget(tun[i]);
		event_free(tun[i]->ev_state);
		free(tun[i]);
	}
	event_base_free(base);
	return 0;
}

static int
armed(int i)
{
	return evtimer_pending(tun[i]->ev_state, NULL) != 0;
}

static void
test_window(void **state)
{
	int i;

	(void)state;
	/* Eight go at once; the ninth to the 30th wait, unarmed. */
	for (i = 0; i < 8; i++)
		assert_int_equal(tunnel_pace_admit(tun[i]), 1);
	for (i = 8; i < 30; i++) {
		assert_int_equal(tunnel_pace_admit(tun[i]), 0);
		assert_false(armed(i));
	}
	/* Asking again changes nothing. */
	assert_int_equal(tunnel_pace_admit(tun[8]), 0);
	assert_int_equal(tunnel_pace_admit(tun[0]), 1);
	/* Another peer has a window of its own. */
	assert_int_equal(tunnel_pace_admit(tun[NT - 1]), 1);
	assert_true(tunnel_pace_probing(tun[0]));

	/* An answer: window 16, 7 in flight, so the 9 longest waiters go,
	 * their timers armed, in arrival order. */
	tunnel_pace_done(tun[0], 1);
	for (i = 8; i < 17; i++) {
		assert_true(armed(i));
		assert_int_equal(tunnel_pace_admit(tun[i]), 1);
	}
	for (i = 17; i < 30; i++)
		assert_false(armed(i));
	assert_false(tunnel_pace_probing(tun[1]));

	/* A failure: window 8, 15 in flight; nobody more goes until the
	 * flight is under 8, and the peer is probing again. */
	tunnel_pace_done(tun[1], 0);
	assert_true(tunnel_pace_probing(tun[2]));
	for (i = 2; i < 8; i++)
		tunnel_pace_done(tun[i], 0);
	/* 9 in flight (8..16), window 8 (halving stops there). */
	assert_false(armed(17));
	/* A waiter that leaves frees no slot; those in flight that are
	 * forgotten free theirs without a verdict: at 7 in flight the
	 * next waiter (18, 17 left) goes. */
	tunnel_pace_forget(tun[17]);
	tunnel_pace_forget(tun[8]);
	assert_false(armed(18));
	tunnel_pace_forget(tun[9]);
	assert_true(armed(18));
	assert_false(armed(19));
	assert_true(tunnel_pace_probing(tun[10]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_window, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
