/*
 * Opening pace: how many SCCRQs of ours may wait for their answer at
 * once, per peer address (issue 14, restart storms).
 *
 * A concentrator with 10 000 tunnels to one LNS would otherwise send
 * 10 000 SCCRQs in one burst, at a cold start or when the LNS comes back
 * from a restart: the LNS takes them slower than they come, answers
 * late, the SCCRQs are retransmitted and fall into their exponential
 * backoff, and the tunnels come back in tens of seconds.  Like TCP's
 * congestion window, the number of openings in flight to a peer starts
 * small, grows by PACE_WINDOW_GROW for each one that succeeds (nine
 * times as many per round trip: a peer that answers is not held back
 * for long; growing by one, 3 000 tunnels took three times as long to
 * come up on a loaded machine) up to PACE_WINDOW_MAX, and halves when
 * one fails; a tunnel that
 * finds the window full waits its turn in arrival order (the order of
 * its own jittered timer), and goes a moment after a slot frees.  A
 * peer that is down or restarting gets a few SCCRQs at a time (the
 * probes, PACE_WINDOW_MIN), not all of them, and once it answers the
 * rest follow at the pace it answers at.
 */
#include <config.h>
#include <stdlib.h>
#include <event2/event.h>
#include "daemon/addr.h"
#include "daemon/tunnel.h"
#include "daemon/tunnel_pace.h"

#define PACE_WINDOW_MIN 8
#define PACE_WINDOW_GROW 8
#define PACE_WINDOW_MAX 4096
/* A waiter goes within this many microseconds after its slot frees:
 * when a batch of answers frees hundreds of slots at once, their
 * SCCRQs leave spread over this time, not in one burst. */
#define PACE_KICK_JITTER_US 50000

struct pace_peer {
	struct idt_node node;
	struct sockaddr_storage addr;
	unsigned int inflight;
	unsigned int window;
	int answered; /* a success since the last failure */
	TAILQ_HEAD(, tunnel) waiting;
};

static struct idtable pace_peers;
static int pace_ready;

static struct pace_peer *
pace_peer_get(const struct sockaddr_storage *addr)
{
	uint32_t key = addr_hash(addr);
	struct idt_node *n;
	struct pace_peer *p;

	if (!pace_ready) {
		if (idt_init(&pace_peers, 4) == -1)
			return NULL;
		pace_ready = 1;
	}
	for (n = idt_find(&pace_peers, key); n != NULL; n = idt_find_next(n)) {
		p = idt_entry(n, struct pace_peer, node);
		if (addr_equal(&p->addr, addr))
			return p;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->addr = *addr;
	p->window = PACE_WINDOW_MIN;
	TAILQ_INIT(&p->waiting);
	idt_insert(&pace_peers, &p->node, key);
	return p;
}

static void
pace_peer_put(struct pace_peer *p)
{
	if (p->inflight > 0 || !TAILQ_EMPTY(&p->waiting))
		return;
	idt_remove(&pace_peers, &p->node);
	free(p);
}

/* Slots free: the longest waiters go, each a moment apart. */
static void
pace_kick(struct pace_peer *p)
{
	struct tunnel *t;
	struct timeval tv;

	while (
	    p->inflight < p->window && (t = TAILQ_FIRST(&p->waiting)) != NULL) {
		TAILQ_REMOVE(&p->waiting, t, pace_entry);
		t->pace_queued = 0;
		t->pace_counted = 1;
		p->inflight++;
		/* Waiters are idle (tunnel_set_state forgets the others):
		 * their state timer is theirs to take. */
		tv.tv_sec = 0;
		tv.tv_usec =
		    (suseconds_t)arc4random_uniform(PACE_KICK_JITTER_US + 1);
		evtimer_add(t->ev_state, &tv);
	}
}

int
tunnel_pace_admit(struct tunnel *t)
{
	struct pace_peer *p = t->pace;

	if (t->pace_counted)
		return 1;
	if (t->pace_queued)
		return 0;
	if (p == NULL && (p = pace_peer_get(&t->conf->remote)) == NULL)
		return 1; /* no memory for the pace: go unpaced */
	t->pace = p;
	if (p->inflight < p->window && TAILQ_EMPTY(&p->waiting)) {
		p->inflight++;
		t->pace_counted = 1;
		return 1;
	}
	TAILQ_INSERT_TAIL(&p->waiting, t, pace_entry);
	t->pace_queued = 1;
	return 0;
}

void
tunnel_pace_done(struct tunnel *t, int ok)
{
	struct pace_peer *p = t->pace;

	if (p == NULL || !t->pace_counted)
		return;
	t->pace_counted = 0;
	p->inflight--;
	p->answered = ok;
	if (ok) {
		p->window += PACE_WINDOW_GROW;
		if (p->window > PACE_WINDOW_MAX)
			p->window = PACE_WINDOW_MAX;
	} else if ((p->window /= 2) < PACE_WINDOW_MIN)
		p->window = PACE_WINDOW_MIN;
	pace_kick(p);
	t->pace = NULL;
	pace_peer_put(p);
}

void
tunnel_pace_forget(struct tunnel *t)
{
	struct pace_peer *p = t->pace;

	if (p == NULL)
		return;
	if (t->pace_queued) {
		TAILQ_REMOVE(&p->waiting, t, pace_entry);
		t->pace_queued = 0;
	}
	if (t->pace_counted) {
		t->pace_counted = 0;
		p->inflight--;
		pace_kick(p);
	}
	t->pace = NULL;
	pace_peer_put(p);
}

int
tunnel_pace_probing(const struct tunnel *t)
{
	return t->pace == NULL || !t->pace->answered;
}
