/*
 * Reliable delivery (daemon/reliable.c) on a fake clock.
 *
 * A "side" is one rl instance plus a recorder of everything it does
 * through its callbacks.  Test datagrams are 9 bytes (Ns, Nr, ack-only
 * flag, message id), written and read through proto/buf.h as the daemon
 * would; the transmit callback refreshes Nr like the owner does.  The last
 * tests wire two sides back to back through a seeded lossy, reordering,
 * duplicating network and check that everything arrives exactly once and
 * in order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto/buf.h"
#include "daemon/reliable.h"

#define MSG_LEN 9
#define LOG_CAP 512

struct fmsg {
	uint16_t ns;
	uint16_t nr;
	uint8_t ack_only;
	uint32_t id;
};

struct txrec {
	struct fmsg m;
	int retransmit;
	uint64_t at;
};

struct net;

struct side {
	struct rl *rl;
	const uint64_t *now;
	struct net *net; /* NULL: record only */
	struct side *peer;

	struct txrec tx[LOG_CAP];
	size_t ntx;
	uint16_t tx_expect_ns; /* first transmissions must go in Ns order */
	struct fmsg acks[LOG_CAP];
	uint64_t ack_at[LOG_CAP];
	size_t nacks;
	uint32_t delivered[LOG_CAP];
	size_t ndelivered;
	uint32_t rx_expect; /* next message id deliver must see */
	uint32_t next_id; /* id of the next message this side sends */
	int deaths;
	int reply_pct; /* chance that deliver answers from inside */
	uint32_t to_send;
	uint64_t next_app_at;
};

/* xorshift64*: a seeded PRNG of our own, so runs repeat everywhere. */
static uint32_t
prng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 2685821657736338717ULL) >> 32);
}

static void
msg_write(uint8_t *d, const struct fmsg *m)
{
	struct wbuf w;

	wbuf_init(&w, d, MSG_LEN);
	wbuf_put_u16(&w, m->ns);
	wbuf_put_u16(&w, m->nr);
	wbuf_put_u8(&w, m->ack_only);
	wbuf_put_u32(&w, m->id);
	assert_true(wbuf_ok(&w));
}

static void
msg_read(const uint8_t *d, size_t len, struct fmsg *m)
{
	struct rbuf r;

	rbuf_init(&r, d, len);
	assert_int_equal(rbuf_get_u16(&r, &m->ns), 0);
	assert_int_equal(rbuf_get_u16(&r, &m->nr), 0);
	assert_int_equal(rbuf_get_u8(&r, &m->ack_only), 0);
	assert_int_equal(rbuf_get_u32(&r, &m->id), 0);
	assert_int_equal(rbuf_left(&r), 0);
}

/* ---- the fake network: a min-heap of packets by arrival time ---- */

struct pkt {
	uint64_t at;
	uint64_t seq; /* ties keep sending order */
	struct side *to;
	uint8_t data[MSG_LEN];
};

struct net {
	struct pkt *heap;
	size_t n, cap;
	uint64_t seq;
	uint64_t rng;
	unsigned loss_pct, dup_pct, delay_max_ms;
	uint64_t now;
	uint64_t sent, dropped, duplicated;
};

static int
pkt_before(const struct pkt *a, const struct pkt *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static void
heap_push(struct net *n, const struct pkt *p)
{
	size_t i, parent;
	struct pkt tmp;

	if (n->n == n->cap) {
		n->cap = n->cap ? n->cap * 2 : 256;
		n->heap = realloc(n->heap, n->cap * sizeof(*n->heap));
		assert_non_null(n->heap);
	}
	i = n->n++;
	n->heap[i] = *p;
	while (i > 0) {
		parent = (i - 1) / 2;
		if (!pkt_before(&n->heap[i], &n->heap[parent]))
			break;
		tmp = n->heap[i];
		n->heap[i] = n->heap[parent];
		n->heap[parent] = tmp;
		i = parent;
	}
}

static void
heap_pop(struct net *n, struct pkt *out)
{
	size_t i = 0, l, r, m;
	struct pkt tmp;

	*out = n->heap[0];
	n->heap[0] = n->heap[--n->n];
	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < n->n && pkt_before(&n->heap[l], &n->heap[m]))
			m = l;
		if (r < n->n && pkt_before(&n->heap[r], &n->heap[m]))
			m = r;
		if (m == i)
			break;
		tmp = n->heap[i];
		n->heap[i] = n->heap[m];
		n->heap[m] = tmp;
		i = m;
	}
}

static void
net_put(struct net *n, struct side *to, const uint8_t *data)
{
	struct pkt p;
	int copies = 1;

	n->sent++;
	if (prng_next(&n->rng) % 100 < n->loss_pct) {
		n->dropped++;
		return;
	}
	if (prng_next(&n->rng) % 100 < n->dup_pct) {
		n->duplicated++;
		copies = 2;
	}
	while (copies-- > 0) {
		p.at = n->now + prng_next(&n->rng) % (n->delay_max_ms + 1);
		p.seq = n->seq++;
		p.to = to;
		memcpy(p.data, data, MSG_LEN);
		heap_push(n, &p);
	}
}

/* ---- the recorder: rl callbacks ---- */

static void
side_send(struct side *s)
{
	struct fmsg m = { rl_next_ns(s->rl), 0, 0, s->next_id++ };
	uint8_t *d = malloc(MSG_LEN);

	assert_non_null(d);
	msg_write(d, &m);
	rl_send(s->rl, d, MSG_LEN, *s->now);
}

static void
rec_transmit(void *arg, uint8_t *dgram, size_t len, int retransmit)
{
	struct side *s = arg;
	struct fmsg m;

	msg_read(dgram, len, &m);
	/* What the owner does: refresh Nr before every (re)transmission. */
	m.nr = rl_nr(s->rl);
	msg_write(dgram, &m);
	if (!retransmit) {
		assert_int_equal(m.ns, s->tx_expect_ns);
		s->tx_expect_ns++;
	}
	assert_true(rl_in_flight(s->rl) <= rl_cwnd(s->rl) || retransmit);
	if (s->ntx < LOG_CAP) {
		s->tx[s->ntx].m = m;
		s->tx[s->ntx].retransmit = retransmit;
		s->tx[s->ntx].at = *s->now;
	}
	s->ntx++;
	if (s->net != NULL)
		net_put(s->net, s->peer, dgram);
}

static void
rec_deliver(void *arg, const uint8_t *dgram, size_t len)
{
	struct side *s = arg;
	struct fmsg m;

	msg_read(dgram, len, &m);
	assert_int_equal(m.ack_only, 0);
	/* Exactly once and in order. */
	assert_int_equal(m.id, s->rx_expect);
	s->rx_expect++;
	if (s->ndelivered < LOG_CAP)
		s->delivered[s->ndelivered] = m.id;
	s->ndelivered++;
	if (s->reply_pct >= 100 ||
	    (s->reply_pct > 0 && s->net != NULL &&
		(int)(prng_next(&s->net->rng) % 100) < s->reply_pct))
		side_send(s);
}

static void
rec_send_ack(void *arg)
{
	struct side *s = arg;
	struct fmsg m = { rl_next_ns(s->rl), rl_nr(s->rl), 1, 0 };
	uint8_t d[MSG_LEN];

	if (s->nacks < LOG_CAP) {
		s->acks[s->nacks] = m;
		s->ack_at[s->nacks] = *s->now;
	}
	s->nacks++;
	if (s->net != NULL) {
		msg_write(d, &m);
		net_put(s->net, s->peer, d);
	}
}

static void
rec_peer_dead(void *arg)
{
	struct side *s = arg;

	s->deaths++;
}

static const struct rl_ops rec_ops = {
	.transmit = rec_transmit,
	.deliver = rec_deliver,
	.send_ack = rec_send_ack,
	.peer_dead = rec_peer_dead,
};

static struct side *
side_new(const struct rl_params *p, const uint64_t *now)
{
	struct side *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->now = now;
	s->rl = rl_new(p, &rec_ops, s);
	assert_non_null(s->rl);
	return s;
}

static void
side_free(struct side *s)
{
	rl_free(s->rl);
	free(s);
}

/* Hand a side a data message from its peer, as the owner would. */
static void
recv_msg(struct side *s, uint16_t ns, uint16_t nr, uint32_t id)
{
	struct fmsg m = { ns, nr, 0, id };
	uint8_t d[MSG_LEN];

	msg_write(d, &m);
	rl_recv(s->rl, ns, nr, 0, d, MSG_LEN, *s->now);
}

static void
recv_ack(struct side *s, uint16_t nr)
{
	struct fmsg m = { rl_next_ns(s->rl), nr, 1, 0 };
	uint8_t d[MSG_LEN];

	msg_write(d, &m);
	rl_recv(s->rl, m.ns, nr, 1, d, MSG_LEN, *s->now);
}

/* Pass a recorded transmission of a to its peer b. */
static void
forward_tx(struct side *a, size_t i, struct side *b)
{
	uint8_t d[MSG_LEN];

	msg_write(d, &a->tx[i].m);
	rl_recv(b->rl, a->tx[i].m.ns, a->tx[i].m.nr, 0, d, MSG_LEN, *b->now);
}

/* ---- unit tests ---- */

static void
test_in_order_exchange(void **state)
{
	uint64_t now = 0;
	struct side *a = side_new(NULL, &now), *b = side_new(NULL, &now);

	(void)state;
	b->reply_pct = 100; /* b answers every message from deliver */
	side_send(a);
	assert_int_equal(a->ntx, 1);
	assert_int_equal(a->tx[0].m.ns, 0);
	assert_int_equal(a->tx[0].m.nr, 0);
	assert_int_equal(a->tx[0].retransmit, 0);
	assert_int_equal(rl_next_ns(a->rl), 1);
	assert_int_equal(rl_next_timeout(a->rl), 1000);

	now = 10;
	forward_tx(a, 0, b);
	assert_int_equal(b->ndelivered, 1);
	assert_int_equal(b->delivered[0], 0);
	/* The reply carries Ns 0 and acknowledges a's message. */
	assert_int_equal(b->ntx, 1);
	assert_int_equal(b->tx[0].m.ns, 0);
	assert_int_equal(b->tx[0].m.nr, 1);
	assert_int_equal(b->nacks, 0);

	now = 20;
	forward_tx(b, 0, a);
	assert_true(rl_idle(a->rl));
	assert_int_equal(rl_in_flight(a->rl), 0);
	assert_int_equal(a->ndelivered, 1);
	assert_int_equal(rl_nr(a->rl), 1);
	/* Nothing to piggy-back on: only the delayed ack is pending. */
	assert_int_equal(rl_next_timeout(a->rl), 20 + 100);
	now = 120;
	rl_timer(a->rl, now);
	assert_int_equal(a->nacks, 1);
	assert_int_equal(a->acks[0].ns, 1);
	assert_int_equal(a->acks[0].nr, 1);
	recv_ack(b, a->acks[0].nr);
	assert_true(rl_idle(b->rl));
	assert_int_equal(rl_next_timeout(a->rl), 0);
	assert_int_equal(rl_next_timeout(b->rl), 0);
	assert_int_equal(rl_stats(a->rl)->tx_msgs, 1);
	assert_int_equal(rl_stats(a->rl)->rx_msgs, 1);
	assert_int_equal(rl_stats(a->rl)->tx_acks, 1);
	assert_int_equal(rl_stats(b->rl)->rx_acks, 1);
	side_free(a);
	side_free(b);
}

static void
test_piggyback_cancels_delayed_ack(void **state)
{
	uint64_t now = 0;
	struct side *b = side_new(NULL, &now);

	(void)state;
	recv_msg(b, 0, 0, 0);
	assert_int_equal(rl_next_timeout(b->rl), 100);
	now = 50;
	side_send(b);
	assert_int_equal(b->ntx, 1);
	assert_int_equal(b->tx[0].m.nr, 1);
	/* Only the retransmission timer is left. */
	assert_int_equal(rl_next_timeout(b->rl), 50 + 1000);
	now = 200;
	rl_timer(b->rl, now);
	assert_int_equal(b->nacks, 0);
	assert_int_equal(b->ntx, 1);
	side_free(b);
}

static void
test_delayed_ack_fires(void **state)
{
	static const struct {
		uint32_t ack_delay_ms; /* 0: the default */
		uint64_t expect_at;
	} rows[] = { { 0, 100 }, { 250, 250 }, { 1, 1 } };
	struct rl_params p;
	uint64_t now;
	struct side *b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&p, 0, sizeof(p));
		p.ack_delay_ms = rows[i].ack_delay_ms;
		now = 0;
		b = side_new(&p, &now);
		recv_msg(b, 0, 0, 0);
		recv_msg(b, 1, 0, 1);
		/* The second delivery does not push the deadline back. */
		assert_int_equal(rl_next_timeout(b->rl), rows[i].expect_at);
		now = rows[i].expect_at - 1;
		rl_timer(b->rl, now);
		assert_int_equal(b->nacks, 0);
		now = rows[i].expect_at;
		rl_timer(b->rl, now);
		assert_int_equal(b->nacks, 1);
		assert_int_equal(b->acks[0].ns, 0);
		assert_int_equal(b->acks[0].nr, 2);
		assert_int_equal(rl_next_timeout(b->rl), 0);
		rl_timer(b->rl, now + 1000);
		assert_int_equal(b->nacks, 1);
		side_free(b);
	}
}

/*
 * Peer window 4 (the default) with slow start: each step acknowledges up
 * to nr, then checks cwnd, what is in flight, and which Ns went out.
 */
static void
test_window_limits_in_flight(void **state)
{
	static const struct {
		uint16_t ack_nr;
		uint16_t cwnd;
		size_t in_flight;
		uint16_t first_ns, last_ns; /* transmitted by this step */
	} steps[] = {
		{ 1, 2, 2, 1, 2 }, { 3, 4, 4, 3, 6 },
		{ 4, 4, 4, 7, 7 }, /* capped at the peer's window */
		{ 8, 4, 4, 8, 11 },
		{ 12, 4, 0, 1, 0 }, /* all sent: nothing left */
	};
	uint64_t now = 0;
	struct side *a = side_new(NULL, &now);
	size_t i, before, k;

	(void)state;
	for (i = 0; i < 12; i++)
		side_send(a);
	assert_int_equal(a->ntx, 1);
	assert_int_equal(rl_in_flight(a->rl), 1);
	assert_false(rl_idle(a->rl));
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		before = a->ntx;
		now += 10;
		recv_ack(a, steps[i].ack_nr);
		assert_int_equal(rl_cwnd(a->rl), steps[i].cwnd);
		assert_int_equal(rl_in_flight(a->rl), steps[i].in_flight);
		assert_int_equal(a->ntx - before,
		    (uint16_t)(steps[i].last_ns + 1 - steps[i].first_ns));
		for (k = before; k < a->ntx; k++) {
			assert_int_equal(
			    a->tx[k].m.ns, steps[i].first_ns + (k - before));
			assert_int_equal(a->tx[k].retransmit, 0);
		}
	}
	assert_true(rl_idle(a->rl));
	assert_int_equal(rl_stats(a->rl)->tx_msgs, 12);
	side_free(a);
}

static void
test_slow_start_and_collapse(void **state)
{
	/* cwnd after n acks, counted from the timeout. */
	static const struct {
		unsigned acks;
		uint16_t cwnd;
	} after_loss[] = {
		{ 0, 1 }, { 1, 2 }, { 6, 7 }, { 7, 8 }, /* slow start to 8 */
		{ 14, 8 }, { 15, 9 }, /* then +1 per 8 */
		{ 23, 9 }, { 24, 10 }, /* then +1 per 9 */
	};
	struct rl_params p = { .peer_window = 16 };
	uint64_t now = 0;
	struct side *a = side_new(&p, &now);
	uint16_t una = 0;
	unsigned acks = 0;
	size_t i, ntx;

	(void)state;
	for (i = 0; i < 80; i++)
		side_send(a);
	/* Slow start: +1 per ack up to ssthresh = peer window, then capped. */
	for (i = 1; i <= 20; i++) {
		recv_ack(a, ++una);
		assert_int_equal(rl_cwnd(a->rl), i + 1 > 16 ? 16 : i + 1);
		assert_true(rl_in_flight(a->rl) <= rl_cwnd(a->rl));
	}
	assert_int_equal(rl_in_flight(a->rl), 16);
	/* The timeout: only the oldest goes again, cwnd collapses. */
	ntx = a->ntx;
	now = rl_next_timeout(a->rl);
	rl_timer(a->rl, now);
	assert_int_equal(a->ntx, ntx + 1);
	assert_int_equal(a->tx[ntx].m.ns, una);
	assert_int_equal(a->tx[ntx].retransmit, 1);
	assert_int_equal(rl_cwnd(a->rl), 1);
	for (i = 0; i < sizeof(after_loss) / sizeof(after_loss[0]); i++) {
		while (acks < after_loss[i].acks) {
			recv_ack(a, ++una);
			acks++;
		}
		assert_int_equal(rl_cwnd(a->rl), after_loss[i].cwnd);
	}
	/* A second loss halves the grown window again. */
	now = rl_next_timeout(a->rl);
	rl_timer(a->rl, now);
	assert_int_equal(rl_cwnd(a->rl), 1);
	for (i = 0; i < 5; i++)
		recv_ack(a, ++una);
	assert_int_equal(rl_cwnd(a->rl), 5); /* ssthresh 10 / 2 = 5 */
	recv_ack(a, ++una);
	assert_int_equal(rl_cwnd(a->rl), 5);
	assert_int_equal(rl_stats(a->rl)->tx_retransmits, 2);
	side_free(a);
}

static void
test_retransmit_backoff_and_death(void **state)
{
	static const struct {
		struct rl_params p;
		uint64_t rtx_at[8]; /* then death at dead_at */
		size_t nrtx;
		uint64_t dead_at;
	} rows[] = {
		{ { 0 }, { 1000, 3000, 7000, 15000, 23000 }, 5, 31000 },
		{ { .rto_initial_ms = 500,
		      .rto_cap_ms = 3000,
		      .max_retries = 3 },
		    { 500, 1500, 3500 }, 3, 6500 },
		{ { .max_retries = 1 }, { 1000 }, 1, 3000 },
	};
	uint64_t now;
	struct side *a;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		now = 0;
		a = side_new(&rows[i].p, &now);
		side_send(a);
		side_send(a); /* waits: cwnd is 1 */
		for (k = 0; k < rows[i].nrtx; k++) {
			now = rl_next_timeout(a->rl);
			assert_int_equal(now, rows[i].rtx_at[k]);
			/* Early is not due. */
			rl_timer(a->rl, now - 1);
			assert_int_equal(a->ntx, 1 + k);
			rl_timer(a->rl, now);
			assert_int_equal(a->ntx, 2 + k);
			assert_int_equal(a->tx[1 + k].m.ns, 0);
			assert_int_equal(a->tx[1 + k].retransmit, 1);
			assert_int_equal(a->deaths, 0);
		}
		now = rl_next_timeout(a->rl);
		assert_int_equal(now, rows[i].dead_at);
		rl_timer(a->rl, now);
		assert_int_equal(a->deaths, 1);
		assert_int_equal(rl_next_timeout(a->rl), 0);
		/* Inert from now on: no more sends, no second death. */
		side_send(a);
		rl_timer(a->rl, now + 100000);
		recv_msg(a, 0, 1, 0);
		assert_int_equal(a->deaths, 1);
		assert_int_equal(a->ntx, 1 + rows[i].nrtx);
		assert_int_equal(a->ndelivered, 0);
		side_free(a); /* frees the queued datagrams */
	}
}

/* New timers on a running connection (a reload, issue 12): a backoff
 * under way keeps its next deadline, then follows the new cap and retry
 * budget; the next message starts from the new initial RTO. */
static void
test_set_timers(void **state)
{
	uint64_t now = 0;
	struct side *a = side_new(NULL, &now);

	(void)state;
	side_send(a);
	side_send(a);
	now = 1000;
	rl_timer(a->rl, now); /* first retransmission; next at 3000 */
	assert_int_equal(rl_next_timeout(a->rl), 3000);
	rl_set_timers(a->rl, 200, 1500, 2);
	assert_int_equal(rl_next_timeout(a->rl), 3000);
	now = 3000;
	rl_timer(a->rl, now); /* second: the backoff is capped at 1500 */
	assert_int_equal(rl_next_timeout(a->rl), 4500);
	now = 4500;
	rl_timer(a->rl, now); /* two retries were the budget: dead */
	assert_int_equal(a->deaths, 1);
	side_free(a);

	/* Nothing in flight: the next message uses the new initial RTO. */
	now = 0;
	a = side_new(NULL, &now);
	rl_set_timers(a->rl, 200, 1500, 2);
	side_send(a);
	assert_int_equal(rl_next_timeout(a->rl), 200);
	/* 0 means the default, as in rl_new(). */
	rl_set_timers(a->rl, 0, 0, 0);
	recv_ack(a, 1);
	side_send(a);
	assert_int_equal(rl_next_timeout(a->rl), 1000);
	side_free(a);
}

/* Progress after a loss restores the initial RTO and the full retry
 * budget for the next message. */
static void
test_ack_resets_backoff(void **state)
{
	static const uint64_t rtx_at[] = { 2500, 4500, 8500, 16500, 24500 };
	uint64_t now = 0;
	struct side *a = side_new(NULL, &now);
	size_t k;

	(void)state;
	side_send(a);
	side_send(a);
	now = 1000;
	rl_timer(a->rl, now);
	assert_int_equal(rl_next_timeout(a->rl), 3000);
	now = 1500;
	recv_ack(a, 1);
	assert_int_equal(a->tx[a->ntx - 1].m.ns, 1);
	for (k = 0; k < sizeof(rtx_at) / sizeof(rtx_at[0]); k++) {
		now = rl_next_timeout(a->rl);
		assert_int_equal(now, rtx_at[k]);
		rl_timer(a->rl, now);
		assert_int_equal(a->tx[a->ntx - 1].m.ns, 1);
		assert_int_equal(a->tx[a->ntx - 1].retransmit, 1);
	}
	assert_int_equal(a->deaths, 0);
	now = rl_next_timeout(a->rl);
	assert_int_equal(now, 32500);
	rl_timer(a->rl, now);
	assert_int_equal(a->deaths, 1);
	side_free(a);
}

/* A message ahead of a gap is not acked at once (no fast retransmit to
 * trigger), but the delayed ack tells the peer what we have. */
static void
test_out_of_order_acked_later(void **state)
{
	uint64_t now = 0;
	struct side *b = side_new(NULL, &now);

	(void)state;
	recv_msg(b, 0, 0, 0);
	now = 100;
	rl_timer(b->rl, now);
	assert_int_equal(b->nacks, 1);
	now = 500;
	recv_msg(b, 2, 0, 2);
	assert_int_equal(b->nacks, 1);
	assert_int_equal(b->ndelivered, 1);
	assert_int_equal(rl_next_timeout(b->rl), 600);
	now = 600;
	rl_timer(b->rl, now);
	assert_int_equal(b->nacks, 2);
	assert_int_equal(b->acks[1].nr, 1);
	side_free(b);
}

static void
test_nr_acks_and_frees(void **state)
{
	struct rl_params p = { .peer_window = 8 };
	uint64_t now = 0;
	struct side *a = side_new(&p, &now);

	(void)state;
	side_send(a);
	/* Bogus Nrs change nothing: one acking an unsent message, one
	 * stale, one acking nothing. */
	recv_ack(a, 2);
	recv_ack(a, 65535);
	recv_ack(a, 0);
	assert_int_equal(rl_in_flight(a->rl), 1);
	assert_int_equal(rl_cwnd(a->rl), 1);
	recv_ack(a, 1);
	assert_true(rl_idle(a->rl));
	assert_int_equal(rl_next_timeout(a->rl), 0);
	assert_int_equal(rl_cwnd(a->rl), 2);

	side_send(a);
	side_send(a);
	side_send(a); /* waits */
	assert_int_equal(rl_in_flight(a->rl), 2);
	/* The Nr of a data message acks too, and cumulatively. */
	now = 400;
	recv_msg(a, 0, 3, 0);
	assert_int_equal(rl_in_flight(a->rl), 1);
	assert_int_equal(a->tx[a->ntx - 1].m.ns, 3);
	/* The queued one went out after the delivery: it carries Nr 1. */
	assert_int_equal(a->tx[a->ntx - 1].m.nr, 1);
	assert_int_equal(rl_next_timeout(a->rl), 1400);
	side_send(a);
	side_send(a);
	/* Progress restarts the timer for the new oldest message. */
	now = 900;
	recv_ack(a, 4);
	assert_int_equal(rl_in_flight(a->rl), 2);
	assert_int_equal(rl_next_timeout(a->rl), 1900);
	side_send(a);
	side_send(a);
	/* Freed at rl_free while unacknowledged (ASan checks). */
	side_free(a);
}

/* Our Ns wraps 65535 -> 0, with acks covering the wrap. */
static void
test_wrap_send(void **state)
{
	struct rl_params p = { .peer_window = 4 };
	uint64_t now = 0;
	struct side *a = side_new(&p, &now);
	uint32_t i, total = 65536 + 7;

	(void)state;
	for (i = 0; i < total; i++) {
		side_send(a);
		if (rl_in_flight(a->rl) >= rl_cwnd(a->rl))
			recv_ack(a, rl_next_ns(a->rl));
		now++;
	}
	recv_ack(a, rl_next_ns(a->rl));
	assert_true(rl_idle(a->rl));
	assert_int_equal(rl_next_ns(a->rl), 7);
	assert_int_equal(a->tx_expect_ns, 7);
	assert_int_equal(rl_stats(a->rl)->tx_msgs, total);
	assert_int_equal(rl_stats(a->rl)->tx_retransmits, 0);

	/* Three in flight across the wrap, acked by one Nr of 0. */
	side_free(a);
	now = 0;
	a = side_new(&p, &now);
	for (i = 0; i < 65533; i++) {
		side_send(a);
		recv_ack(a, rl_next_ns(a->rl));
	}
	side_send(a);
	side_send(a);
	side_send(a);
	assert_int_equal(rl_in_flight(a->rl), 3);
	assert_int_equal(rl_next_ns(a->rl), 0);
	recv_ack(a, 65535);
	assert_int_equal(rl_in_flight(a->rl), 1);
	recv_ack(a, 0);
	assert_true(rl_idle(a->rl));
	side_free(a);
}

/* The peer's Ns wraps; reordering and duplicates across the wrap. */
static void
test_wrap_recv(void **state)
{
	struct rl_params p = { .local_window = 8 };
	uint64_t now = 0;
	struct side *b = side_new(&p, &now);
	uint32_t id;
	size_t acks;

	(void)state;
	for (id = 0; id < 65534; id++)
		recv_msg(b, (uint16_t)id, 0, id);
	assert_int_equal(rl_nr(b->rl), 65534);
	/* 0 and 65535 arrive before 65534. */
	recv_msg(b, 0, 0, 65536);
	recv_msg(b, 65535, 0, 65535);
	assert_int_equal(b->rx_expect, 65534);
	recv_msg(b, 65534, 0, 65534);
	assert_int_equal(b->rx_expect, 65537);
	assert_int_equal(rl_nr(b->rl), 1);
	/* Old messages from before the wrap are duplicates, acked at once. */
	acks = b->nacks;
	recv_msg(b, 65535, 0, 65535);
	assert_int_equal(b->nacks, acks + 1);
	assert_int_equal(b->acks[0].nr, 1);
	recv_msg(b, 65000, 0, 65000);
	assert_int_equal(b->nacks, acks + 2);
	assert_int_equal(rl_stats(b->rl)->rx_duplicates, 2);
	/* The edge of the half space: 32768 behind is old, 32767 ahead is
	 * new (and out of window). */
	recv_msg(b, 1 + 32768, 0, 0);
	assert_int_equal(rl_stats(b->rl)->rx_duplicates, 3);
	recv_msg(b, 1 + 32767, 0, 0);
	assert_int_equal(rl_stats(b->rl)->rx_out_of_window, 1);
	assert_int_equal(b->nacks, acks + 3);
	assert_int_equal(b->rx_expect, 65537);
	assert_int_equal(rl_stats(b->rl)->rx_msgs, 65537);
	side_free(b);
}

static void
test_duplicate_reacked_not_delivered(void **state)
{
	uint64_t now = 0;
	struct side *b = side_new(NULL, &now);

	(void)state;
	recv_msg(b, 0, 0, 0);
	assert_int_equal(b->ndelivered, 1);
	assert_int_equal(b->nacks, 0);
	now = 30;
	recv_msg(b, 0, 0, 0);
	assert_int_equal(b->ndelivered, 1);
	assert_int_equal(b->nacks, 1);
	assert_int_equal(b->acks[0].nr, 1);
	assert_int_equal(b->ack_at[0], 30);
	/* The prompt ack also served the delayed one. */
	assert_int_equal(rl_next_timeout(b->rl), 0);
	assert_int_equal(rl_stats(b->rl)->rx_duplicates, 1);
	assert_int_equal(rl_stats(b->rl)->rx_msgs, 1);
	side_free(b);
}

/*
 * Arrival orders at a receiver expecting Ns 0 (message id = Ns): after
 * each arrival, how many have been delivered; then the counters.
 */
static void
test_reorder_table(void **state)
{
	static const struct {
		const char *name;
		uint16_t window;
		uint16_t arrive[10];
		size_t delivered[10];
		size_t n;
		uint64_t dup, ooo, oow;
	} rows[] = {
		{ "gap filled last", 8, { 2, 3, 1, 0 }, { 0, 0, 0, 4 }, 4, 0, 3,
		    0 },
		{ "in order", 8, { 0, 1, 2 }, { 1, 2, 3 }, 3, 0, 0, 0 },
		{ "swap", 8, { 1, 0, 3, 2 }, { 0, 2, 2, 4 }, 4, 0, 2, 0 },
		{ "two gaps", 8, { 3, 1, 0, 2, 4 }, { 0, 0, 2, 4, 5 }, 5, 0, 2,
		    0 },
		{ "ooo copy dropped", 8, { 2, 2, 0, 1, 2 }, { 0, 0, 1, 3, 3 },
		    5, 2, 1, 0 },
		{ "beyond window", 4, { 4, 0, 4, 3, 1, 2 },
		    { 0, 1, 1, 1, 2, 5 }, 6, 0, 2, 1 },
		{ "window edge", 4, { 3, 0, 1, 2 }, { 0, 1, 2, 4 }, 4, 0, 1,
		    0 },
		{ "window 1", 1, { 1, 0, 1 }, { 0, 1, 2 }, 3, 0, 0, 1 },
	};
	const struct rl_stats *st;
	struct rl_params p;
	uint64_t now;
	struct side *b;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&p, 0, sizeof(p));
		p.local_window = rows[i].window;
		now = 0;
		b = side_new(&p, &now);
		for (k = 0; k < rows[i].n; k++) {
			recv_msg(b, rows[i].arrive[k], 0, rows[i].arrive[k]);
			if (b->ndelivered != rows[i].delivered[k])
				fail_msg("%s: arrival %zu: %zu delivered, want "
					 "%zu",
				    rows[i].name, k, b->ndelivered,
				    rows[i].delivered[k]);
		}
		st = rl_stats(b->rl);
		if (st->rx_duplicates != rows[i].dup ||
		    st->rx_out_of_order != rows[i].ooo ||
		    st->rx_out_of_window != rows[i].oow)
			fail_msg("%s: dup %ju ooo %ju oow %ju", rows[i].name,
			    (uintmax_t)st->rx_duplicates,
			    (uintmax_t)st->rx_out_of_order,
			    (uintmax_t)st->rx_out_of_window);
		side_free(b);
	}
}

/*
 * The per-tunnel budget (10,000 tunnels in 4 KiB each): an idle rl is
 * small, the reorder ring exists only while something waits in it, and
 * acknowledged datagrams are gone.
 */
static void
test_memory_bounded(void **state)
{
	struct rl_params p = { .local_window = 1024, .peer_window = 1024 };
	uint64_t now = 0;
	struct side *a = side_new(&p, &now);
	size_t idle = rl_memory(a->rl);
	uint16_t ns;

	(void)state;
	assert_true(idle <= 512);
	recv_msg(a, 5, 0, 5);
	assert_true(rl_memory(a->rl) >= idle + 1024 * sizeof(void *));
	for (ns = 1; ns < 5; ns++)
		recv_msg(a, ns, 0, ns);
	assert_int_equal(a->ndelivered, 0);
	assert_true(
	    rl_memory(a->rl) >= idle + 1024 * sizeof(void *) + 5 * MSG_LEN);
	recv_msg(a, 0, 0, 0);
	assert_int_equal(a->ndelivered, 6);
	assert_int_equal(rl_memory(a->rl), idle);
	side_send(a);
	assert_true(rl_memory(a->rl) > idle + MSG_LEN);
	recv_ack(a, 1);
	assert_int_equal(rl_memory(a->rl), idle);
	side_free(a);
}

/* Re-entry: deliver answers with rl_send, which may find a window full
 * and queue; the queued ones still go in order later. */
static void
test_reply_from_deliver_queued(void **state)
{
	uint64_t now = 0;
	struct side *b = side_new(NULL, &now);

	(void)state;
	b->reply_pct = 100;
	recv_msg(b, 1, 0, 1);
	recv_msg(b, 2, 0, 2);
	recv_msg(b, 0, 0, 0); /* delivers 0, 1, 2: three replies */
	assert_int_equal(b->ndelivered, 3);
	assert_int_equal(b->ntx, 1); /* cwnd 1 */
	assert_int_equal(b->tx[0].m.nr, 1);
	assert_int_equal(rl_next_timeout(b->rl), 100);
	now = 100;
	rl_timer(b->rl, now);
	assert_int_equal(b->nacks, 1);
	assert_int_equal(b->acks[0].nr, 3);
	recv_ack(b, 1);
	assert_int_equal(b->ntx, 3);
	assert_int_equal(b->tx[1].m.ns, 1);
	assert_int_equal(b->tx[2].m.ns, 2);
	assert_int_equal(b->tx[2].m.nr, 3);
	side_free(b);
}

static void
test_set_peer_window(void **state)
{
	uint64_t now = 0;
	struct side *a = side_new(NULL, &now);
	uint16_t una = 0;
	int i;

	(void)state;
	for (i = 0; i < 40; i++)
		side_send(a);
	for (i = 0; i < 10; i++)
		recv_ack(a, ++una);
	assert_int_equal(rl_cwnd(a->rl), 4); /* the default peer window */
	rl_set_peer_window(a->rl, 32);
	for (i = 0; i < 10; i++)
		recv_ack(a, ++una);
	assert_int_equal(rl_cwnd(a->rl), 14); /* ssthresh followed */
	rl_set_peer_window(a->rl, 2);
	assert_int_equal(rl_cwnd(a->rl), 2);
	assert_true(rl_in_flight(a->rl) > 2); /* sent before the change */
	side_free(a);
}

/* ---- two sides through a lossy, reordering, duplicating network ---- */

struct sim_case {
	uint64_t seed;
	uint16_t window_a, window_b; /* each side's local window */
	uint32_t msgs; /* originated by each side */
	unsigned loss_pct, dup_pct, delay_max_ms;
	int reply_pct;
};

static void
sim_app(struct side *s, struct net *n)
{
	uint32_t burst = 1 + prng_next(&n->rng) % 8;

	while (burst-- > 0 && s->to_send > 0) {
		side_send(s);
		s->to_send--;
	}
	s->next_app_at = n->now + prng_next(&n->rng) % 60;
}

static void
sim_packet(struct net *n)
{
	struct pkt p;
	struct fmsg m;

	heap_pop(n, &p);
	msg_read(p.data, MSG_LEN, &m);
	rl_recv(p.to->rl, m.ns, m.nr, m.ack_only, p.data, MSG_LEN, n->now);
}

static int
sim_done(struct side *a, struct side *b)
{
	return a->to_send == 0 && b->to_send == 0 &&
	    a->rx_expect == b->next_id && b->rx_expect == a->next_id &&
	    rl_idle(a->rl) && rl_idle(b->rl);
}

/* The earliest pending event; which kind it is comes back in *what. */
static uint64_t
sim_next(struct net *n, struct side *s[2], int *what)
{
	uint64_t best = UINT64_MAX, t;
	int i;

	*what = -1;
	if (n->n > 0) {
		best = n->heap[0].at;
		*what = 0;
	}
	for (i = 0; i < 2; i++) {
		t = rl_next_timeout(s[i]->rl);
		if (t != 0 && t < best) {
			best = t;
			*what = 1 + i;
		}
		if (s[i]->to_send > 0 && s[i]->next_app_at < best) {
			best = s[i]->next_app_at;
			*what = 3 + i;
		}
	}
	return best;
}

static void
test_simulation(void **state)
{
	const struct sim_case *c = *state;
	struct rl_params pa = { .local_window = c->window_a,
		.max_retries = 40 };
	struct rl_params pb = { .local_window = c->window_b,
		.max_retries = 40 };
	struct net n = { .rng = c->seed * 0x9e3779b97f4a7c15ULL + 1,
		.loss_pct = c->loss_pct,
		.dup_pct = c->dup_pct,
		.delay_max_ms = c->delay_max_ms };
	struct side *s[2];
	uint64_t steps, rtx;
	int what, i;

	s[0] = side_new(&pa, &n.now);
	s[1] = side_new(&pb, &n.now);
	for (i = 0; i < 2; i++) {
		s[i]->net = &n;
		s[i]->peer = s[1 - i];
		s[i]->to_send = c->msgs;
		s[i]->reply_pct = c->reply_pct;
	}
	/* As after SCCRQ/SCCRP: each learns the other's window. */
	rl_set_peer_window(s[0]->rl, c->window_b);
	rl_set_peer_window(s[1]->rl, c->window_a);
	for (steps = 0; !sim_done(s[0], s[1]); steps++) {
		if (steps > 50000000)
			fail_msg("seed %ju: no progress", (uintmax_t)c->seed);
		n.now = sim_next(&n, s, &what);
		if (what == 0)
			sim_packet(&n);
		else if (what == 1 || what == 2)
			rl_timer(s[what - 1]->rl, n.now);
		else if (what == 3 || what == 4)
			sim_app(s[what - 3], &n);
		else
			fail_msg("seed %ju: stalled", (uintmax_t)c->seed);
	}
	rtx = 0;
	for (i = 0; i < 2; i++) {
		assert_int_equal(s[i]->deaths, 0);
		assert_true(s[i]->next_id >= c->msgs);
		assert_int_equal(
		    rl_stats(s[i]->rl)->rx_msgs, s[1 - i]->next_id);
		assert_int_equal(rl_stats(s[i]->rl)->tx_msgs, s[i]->next_id);
		rtx += rl_stats(s[i]->rl)->tx_retransmits;
	}
	/* A lossy run that never retransmitted would test nothing. */
	if (c->loss_pct > 0)
		assert_true(rtx > 0);
	print_message("seed %ju: %u+%u msgs, %ju retransmits, %ju ms, "
		      "%ju pkts (%ju lost, %ju dup)\n",
	    (uintmax_t)c->seed, s[0]->next_id, s[1]->next_id, (uintmax_t)rtx,
	    (uintmax_t)n.now, (uintmax_t)n.sent, (uintmax_t)n.dropped,
	    (uintmax_t)n.duplicated);
	side_free(s[0]);
	side_free(s[1]);
	free(n.heap);
}

static const struct sim_case sim_cases[] = {
	{ 1, 4, 4, 2000, 20, 5, 300, 30 }, { 2, 64, 64, 3000, 20, 5, 300, 30 },
	{ 3, 1024, 1024, 5000, 20, 5, 400, 30 },
	{ 4, 1024, 1024, 5000, 5, 20, 1500, 10 }, /* heavy reordering */
	{ 5, 1, 1, 500, 30, 10, 200, 50 },
	{ 6, 64, 4, 3000, 15, 5, 500, 30 }, /* asymmetric windows */
	{ 7, 1024, 64, 70000, 10, 5, 300, 0 }, /* both Ns wrap */
	{ 8, 16, 16, 3000, 0, 0, 50, 30 }, /* a clean network */
};

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_exchange),
		cmocka_unit_test(test_piggyback_cancels_delayed_ack),
		cmocka_unit_test(test_delayed_ack_fires),
		cmocka_unit_test(test_window_limits_in_flight),
		cmocka_unit_test(test_slow_start_and_collapse),
		cmocka_unit_test(test_retransmit_backoff_and_death),
		cmocka_unit_test(test_ack_resets_backoff),
		cmocka_unit_test(test_set_timers),
		cmocka_unit_test(test_nr_acks_and_frees),
		cmocka_unit_test(test_out_of_order_acked_later),
		cmocka_unit_test(test_wrap_send),
		cmocka_unit_test(test_wrap_recv),
		cmocka_unit_test(test_duplicate_reacked_not_delivered),
		cmocka_unit_test(test_reorder_table),
		cmocka_unit_test(test_memory_bounded),
		cmocka_unit_test(test_reply_from_deliver_queued),
		cmocka_unit_test(test_set_peer_window),
		cmocka_unit_test_prestate(
		    test_simulation, (void *)&sim_cases[0]),
		cmocka_unit_test_prestate(
		    test_simulation, (void *)&sim_cases[1]),
		cmocka_unit_test_prestate(
		    test_simulation, (void *)&sim_cases[2]),
		cmocka_unit_test_prestate(
		    test_simulation, (void *)&sim_cases[3]),
		cmocka_unit_test_prestate(
		    test_simulation, (void *)&sim_cases[4]),
		cmocka_unit_test_prestate(
		    test_simulation, (void *)&sim_cases[5]),
		cmocka_unit_test_prestate(
		    test_simulation, (void *)&sim_cases[6]),
		cmocka_unit_test_prestate(
		    test_simulation, (void *)&sim_cases[7]),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
