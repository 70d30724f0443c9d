/*
 * Reliable delivery of control messages: RFC 3931 keeps RFC 2661's
 * sequence rules (section 5.8) and appendix A's slow start and congestion
 * avoidance.  See reliable.h for the contract.
 *
 * Send side: a FIFO of owned datagrams with consecutive Ns.  The first
 * in_flight entries have been transmitted and wait for an ack; tx_next
 * points at the first one waiting for the window to open.
 *
 * Receive side: rx_nr is the Ns we expect next.  Messages ahead of it
 * (within our window) are copied into a ring of pointers allocated on the
 * first out-of-order arrival and freed once it drains, so a quiet tunnel
 * costs only this struct.
 *
 * Retransmission (a choice, after RFC 2661 appendix A): on a timeout only
 * the oldest unacknowledged message is sent again.  Its loss is what
 * stalls the peer; the ones after it are probably queued out of order
 * there, and resending them all would flood a peer whose cwnd we have
 * just collapsed to 1.  When the ack for it arrives, the next oldest gets
 * a fresh timer and is resent only if it, too, was lost.
 *
 * All sequence arithmetic is modulo 2^16: "a is before b" iff
 * (int16_t)(a - b) < 0, and distances are (uint16_t)(a - b).
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "daemon/reliable.h"

#define RL_DEFAULT_LOCAL_WINDOW 64
#define RL_DEFAULT_PEER_WINDOW 4
#define RL_DEFAULT_RTO_MS 1000
#define RL_DEFAULT_RTO_CAP_MS 8000
#define RL_DEFAULT_MAX_RETRIES 5
#define RL_DEFAULT_ACK_DELAY_MS 100
/* More than half the sequence space in flight would make old and new
 * Ns indistinguishable. */
#define RL_MAX_WINDOW 32767

struct rl_txmsg {
	STAILQ_ENTRY(rl_txmsg) entry;
	uint8_t *dgram;
	size_t len;
};

struct rl_rxmsg {
	size_t len;
	uint8_t data[];
};

struct rl {
	struct rl_params p;
	struct rl_ops ops;
	void *arg;
	struct rl_stats stats;

	/* Send side. */
	STAILQ_HEAD(, rl_txmsg) txq;
	struct rl_txmsg *tx_next; /* first not yet transmitted */
	uint16_t tx_una; /* Ns of the oldest unacknowledged */
	uint16_t tx_ns; /* Ns for the next new message */
	uint16_t in_flight;
	uint16_t cwnd;
	uint16_t ssthresh;
	uint16_t ca_acks; /* acks counted towards the next +1 in CA */
	uint32_t rto_ms;
	uint32_t retries;
	uint64_t rtx_deadline; /* 0: timer off */

	/* Receive side. */
	uint16_t rx_nr; /* next Ns expected from the peer */
	uint16_t ooo_head; /* ring slot of rx_nr */
	uint16_t ooo_count; /* messages waiting in the ring */
	struct rl_rxmsg **ooo; /* local_window slots, or NULL */
	uint64_t ack_deadline; /* 0: no delayed ack scheduled */
	int ack_owed; /* Nr moved and no datagram told the peer */

	uint64_t now; /* the latest time we were given */
	int dead;
};

static uint16_t
clamp_window(uint32_t w, uint16_t dflt)
{
	if (w == 0)
		return dflt;
	return w > RL_MAX_WINDOW ? RL_MAX_WINDOW : (uint16_t)w;
}

/* A zero parameter means "the default", so a zeroed struct is usable. */
static void
params_normalise(struct rl_params *p, const struct rl_params *in)
{
	if (in != NULL)
		*p = *in;
	else
		memset(p, 0, sizeof(*p));
	p->local_window =
	    clamp_window(p->local_window, RL_DEFAULT_LOCAL_WINDOW);
	p->peer_window = clamp_window(p->peer_window, RL_DEFAULT_PEER_WINDOW);
	if (p->rto_initial_ms == 0)
		p->rto_initial_ms = RL_DEFAULT_RTO_MS;
	if (p->rto_cap_ms == 0)
		p->rto_cap_ms = RL_DEFAULT_RTO_CAP_MS;
	if (p->rto_cap_ms < p->rto_initial_ms)
		p->rto_cap_ms = p->rto_initial_ms;
	if (p->max_retries == 0)
		p->max_retries = RL_DEFAULT_MAX_RETRIES;
	if (p->ack_delay_ms == 0)
		p->ack_delay_ms = RL_DEFAULT_ACK_DELAY_MS;
}

void
rl_set_timers(struct rl *rl, uint32_t rto_initial_ms, uint32_t rto_cap_ms,
    uint32_t max_retries)
{
	struct rl_params p = rl->p;

	p.rto_initial_ms = rto_initial_ms;
	p.rto_cap_ms = rto_cap_ms;
	p.max_retries = max_retries;
	params_normalise(&rl->p, &p);
	/* A backoff under way keeps going, within the new cap. */
	if (rl->rto_ms > rl->p.rto_cap_ms)
		rl->rto_ms = rl->p.rto_cap_ms;
	if (rl->in_flight == 0)
		rl->rto_ms = rl->p.rto_initial_ms;
}

struct rl *
rl_new(const struct rl_params *params, const struct rl_ops *ops, void *arg)
{
	struct rl *rl;

	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	params_normalise(&rl->p, params);
	rl->ops = *ops;
	rl->arg = arg;
	STAILQ_INIT(&rl->txq);
	rl->cwnd = 1;
	rl->ssthresh = rl->p.peer_window;
	rl->rto_ms = rl->p.rto_initial_ms;
	return rl;
}

static void
ooo_release(struct rl *rl)
{
	uint16_t i;

	if (rl->ooo == NULL)
		return;
	for (i = 0; i < rl->p.local_window; i++)
		free(rl->ooo[i]);
	free(rl->ooo);
	rl->ooo = NULL;
	rl->ooo_head = 0;
	rl->ooo_count = 0;
}

void
rl_free(struct rl *rl)
{
	struct rl_txmsg *m;

	if (rl == NULL)
		return;
	while ((m = STAILQ_FIRST(&rl->txq)) != NULL) {
		STAILQ_REMOVE_HEAD(&rl->txq, entry);
		free(m->dgram);
		free(m);
	}
	ooo_release(rl);
	free(rl);
}

uint16_t
rl_next_ns(const struct rl *rl)
{
	return rl->tx_ns;
}

uint16_t
rl_nr(const struct rl *rl)
{
	return rl->rx_nr;
}

uint16_t
rl_cwnd(const struct rl *rl)
{
	return rl->cwnd;
}

size_t
rl_in_flight(const struct rl *rl)
{
	return rl->in_flight;
}

int
rl_idle(const struct rl *rl)
{
	return STAILQ_EMPTY(&rl->txq);
}

const struct rl_stats *
rl_stats(const struct rl *rl)
{
	return &rl->stats;
}

size_t
rl_memory(const struct rl *rl)
{
	const struct rl_txmsg *m;
	size_t bytes = sizeof(*rl);
	uint16_t i;

	STAILQ_FOREACH(m, &rl->txq, entry)
		bytes += sizeof(*m) + m->len;
	if (rl->ooo == NULL)
		return bytes;
	bytes += rl->p.local_window * sizeof(*rl->ooo);
	for (i = 0; i < rl->p.local_window; i++)
		if (rl->ooo[i] != NULL)
			bytes += sizeof(*rl->ooo[i]) + rl->ooo[i]->len;
	return bytes;
}

uint64_t
rl_next_timeout(const struct rl *rl)
{
	if (rl->rtx_deadline == 0)
		return rl->ack_deadline;
	if (rl->ack_deadline == 0)
		return rl->rtx_deadline;
	return rl->rtx_deadline < rl->ack_deadline ? rl->rtx_deadline
						   : rl->ack_deadline;
}

/* Every datagram carries our current Nr, so it is as good as an ack. */
static void
ack_sent(struct rl *rl)
{
	rl->ack_owed = 0;
	rl->ack_deadline = 0;
}

static void
send_ack_now(struct rl *rl)
{
	ack_sent(rl);
	rl->stats.tx_acks++;
	rl->ops.send_ack(rl->arg);
}

static void
transmit(struct rl *rl, struct rl_txmsg *m, int retransmit)
{
	ack_sent(rl);
	if (retransmit)
		rl->stats.tx_retransmits++;
	else
		rl->stats.tx_msgs++;
	rl->ops.transmit(rl->arg, m->dgram, m->len, retransmit);
}

static uint16_t
send_window(const struct rl *rl)
{
	return rl->cwnd < rl->p.peer_window ? rl->cwnd : rl->p.peer_window;
}

/* Send what is waiting, in order, as far as the window allows. */
static void
push(struct rl *rl)
{
	struct rl_txmsg *m;

	while (!rl->dead && (m = rl->tx_next) != NULL &&
	    rl->in_flight < send_window(rl)) {
		/* State first: transmit() calls out to the owner. */
		rl->tx_next = STAILQ_NEXT(m, entry);
		if (rl->in_flight++ == 0)
			rl->rtx_deadline = rl->now + rl->rto_ms;
		transmit(rl, m, 0);
	}
}

/* Declared once; from then on the layer transmits nothing. */
static void
go_dead(struct rl *rl)
{
	if (rl->dead)
		return;
	rl->dead = 1;
	rl->rtx_deadline = 0;
	rl->ack_deadline = 0;
	rl->ops.peer_dead(rl->arg);
}

void
rl_send(struct rl *rl, uint8_t *dgram, size_t len, uint64_t now_ms)
{
	struct rl_txmsg *m;

	rl->now = now_ms;
	rl->tx_ns++;
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		/* The Ns is spent and the peer would wait for it forever:
		 * reliability is lost, so say so rather than limp on. */
		free(dgram);
		go_dead(rl);
		return;
	}
	m->dgram = dgram;
	m->len = len;
	STAILQ_INSERT_TAIL(&rl->txq, m, entry);
	if (rl->tx_next == NULL)
		rl->tx_next = m;
	push(rl);
}

void
rl_set_peer_window(struct rl *rl, uint16_t w)
{
	uint16_t old = rl->p.peer_window;

	rl->p.peer_window = clamp_window(w, RL_DEFAULT_PEER_WINDOW);
	/* Before any loss ssthresh is "the peer's window"; after one it is
	 * what the loss taught us, but never above the window. */
	if (rl->ssthresh == old || rl->ssthresh > rl->p.peer_window)
		rl->ssthresh = rl->p.peer_window;
	if (rl->cwnd > rl->p.peer_window)
		rl->cwnd = rl->p.peer_window;
	push(rl);
}

/* Appendix A: +1 per ack below ssthresh, +1 per cwnd acks above it. */
static void
cwnd_grow(struct rl *rl)
{
	if (rl->cwnd >= rl->p.peer_window)
		return;
	if (rl->cwnd < rl->ssthresh) {
		rl->cwnd++;
		return;
	}
	if (++rl->ca_acks >= rl->cwnd) {
		rl->ca_acks = 0;
		rl->cwnd++;
	}
}

/*
 * An Nr past the newest message we transmitted acknowledges what we
 * never sent: forged or corrupt (RFC 3931 4.2).  One before tx_una is
 * only stale (reordered), and harmless.
 */
static int
nr_valid(const struct rl *rl, uint16_t nr)
{
	uint16_t n = (uint16_t)(nr - rl->tx_una);

	return n <= rl->in_flight || n >= 0x8000;
}

/*
 * Nr acknowledges every message before it.  An Nr that acknowledges
 * nothing new is ignored.  Each acknowledged message counts as one ack for
 * cwnd growth, so a cumulative ack is not worth less than several.
 */
static void
process_nr(struct rl *rl, uint16_t nr)
{
	uint16_t n = (uint16_t)(nr - rl->tx_una);
	struct rl_txmsg *m;

	if (n == 0 || n > rl->in_flight)
		return;
	rl->in_flight -= n;
	rl->tx_una = nr;
	while (n-- > 0) {
		m = STAILQ_FIRST(&rl->txq);
		STAILQ_REMOVE_HEAD(&rl->txq, entry);
		free(m->dgram);
		free(m);
		cwnd_grow(rl);
	}
	/* Progress: the peer is alive, the next oldest gets a fresh timer. */
	rl->retries = 0;
	rl->rto_ms = rl->p.rto_initial_ms;
	rl->rtx_deadline = rl->in_flight > 0 ? rl->now + rl->rto_ms : 0;
}

static void
deliver(struct rl *rl, const uint8_t *dgram, size_t len)
{
	rl->rx_nr++;
	if (rl->ooo != NULL)
		rl->ooo_head = (rl->ooo_head + 1) % rl->p.local_window;
	rl->ack_owed = 1;
	rl->stats.rx_msgs++;
	/* Nr is already advanced, so a reply sent from here piggy-backs the
	 * ack. */
	rl->ops.deliver(rl->arg, dgram, len);
}

/* Deliver what the last delivery put in sequence. */
static void
deliver_queued(struct rl *rl)
{
	struct rl_rxmsg *q;

	while (!rl->dead && rl->ooo != NULL &&
	    (q = rl->ooo[rl->ooo_head]) != NULL) {
		rl->ooo[rl->ooo_head] = NULL;
		rl->ooo_count--;
		deliver(rl, q->data, q->len);
		free(q);
	}
}

static void
ooo_store(struct rl *rl, uint16_t ahead, const uint8_t *dgram, size_t len)
{
	struct rl_rxmsg *q;
	size_t slot;

	if (rl->ooo == NULL) {
		rl->ooo = calloc(rl->p.local_window, sizeof(*rl->ooo));
		if (rl->ooo == NULL)
			return; /* as if lost: the peer will resend it */
		rl->ooo_head = 0;
	}
	slot = (rl->ooo_head + (size_t)ahead) % rl->p.local_window;
	if (rl->ooo[slot] != NULL) {
		rl->stats.rx_duplicates++;
		return;
	}
	if ((q = malloc(sizeof(*q) + len)) == NULL)
		return;
	q->len = len;
	if (len > 0)
		memcpy(q->data, dgram, len);
	rl->ooo[slot] = q;
	rl->ooo_count++;
	rl->stats.rx_out_of_order++;
}

int
rl_recv(struct rl *rl, uint16_t ns, uint16_t nr, int is_ack_only,
    const uint8_t *dgram, size_t len, uint64_t now_ms)
{
	uint16_t ahead = (uint16_t)(ns - rl->rx_nr);

	if (rl->dead)
		return 0;
	if (!nr_valid(rl, nr)) {
		rl->stats.rx_bad_nr++;
		return -1;
	}
	rl->now = now_ms;
	process_nr(rl, nr);
	if (is_ack_only) {
		rl->stats.rx_acks++;
	} else if (ahead == 0) {
		deliver(rl, dgram, len);
		deliver_queued(rl);
	} else if (ahead >= 0x8000) {
		/* Before rx_nr: our ack was lost and the peer is resending;
		 * answer at once so it stops. */
		rl->stats.rx_duplicates++;
		send_ack_now(rl);
	} else if (ahead < rl->p.local_window) {
		/* The peer gains nothing from an immediate ack here (there
		 * is no fast retransmit); the delayed one tells it our Nr. */
		ooo_store(rl, ahead, dgram, len);
		rl->ack_owed = 1;
	} else {
		rl->stats.rx_out_of_window++;
	}
	if (rl->ooo != NULL && rl->ooo_count == 0)
		ooo_release(rl);
	/* Waiting messages go after the deliveries so they carry the new
	 * Nr. */
	push(rl);
	if (!rl->dead && rl->ack_owed && rl->ack_deadline == 0)
		rl->ack_deadline = now_ms + rl->p.ack_delay_ms;
	return 0;
}

static void
retransmit_timeout(struct rl *rl)
{
	uint64_t rto;

	if (rl->retries >= rl->p.max_retries) {
		go_dead(rl);
		return;
	}
	rl->retries++;
	rl->ssthresh = rl->cwnd / 2 > 1 ? rl->cwnd / 2 : 1;
	rl->cwnd = 1;
	rl->ca_acks = 0;
	rto = (uint64_t)rl->rto_ms * 2;
	rl->rto_ms = rto > rl->p.rto_cap_ms ? rl->p.rto_cap_ms : (uint32_t)rto;
	rl->rtx_deadline = rl->now + rl->rto_ms;
	transmit(rl, STAILQ_FIRST(&rl->txq), 1);
}

void
rl_timer(struct rl *rl, uint64_t now_ms)
{
	if (rl->dead)
		return;
	rl->now = now_ms;
	if (rl->rtx_deadline != 0 && now_ms >= rl->rtx_deadline) {
		retransmit_timeout(rl);
		if (rl->dead)
			return;
	}
	/* A retransmission carried our Nr and cancelled this. */
	if (rl->ack_deadline != 0 && now_ms >= rl->ack_deadline)
		send_ack_now(rl);
}

void
rl_export(const struct rl *rl, struct rl_snapshot *s,
    void (*each)(void *, const uint8_t *, size_t), void *arg)
{
	const struct rl_txmsg *m;

	memset(s, 0, sizeof(*s));
	s->params = rl->p;
	s->stats = rl->stats;
	s->tx_una = rl->tx_una;
	s->tx_ns = rl->tx_ns;
	s->in_flight = rl->in_flight;
	s->cwnd = rl->cwnd;
	s->ssthresh = rl->ssthresh;
	s->ca_acks = rl->ca_acks;
	s->rx_nr = rl->rx_nr;
	s->ack_owed = (uint8_t)rl->ack_owed;
	s->dead = (uint8_t)rl->dead;
	s->rto_ms = rl->rto_ms;
	s->retries = rl->retries;
	s->rtx_deadline = rl->rtx_deadline;
	s->ack_deadline = rl->ack_deadline;
	STAILQ_FOREACH(m, &rl->txq, entry)
		each(arg, m->dgram, m->len);
}

static void
dgrams_free(uint8_t **dgrams, size_t from, size_t n)
{
	for (; from < n; from++)
		free(dgrams[from]);
}

struct rl *
rl_import(const struct rl_snapshot *s, uint8_t **dgrams, const size_t *lens,
    size_t n, const struct rl_ops *ops, void *arg)
{
	struct rl_txmsg *m;
	struct rl *rl;
	size_t i;

	if (s->in_flight > n || (uint16_t)(s->tx_ns - s->tx_una) != n ||
	    (rl = rl_new(&s->params, ops, arg)) == NULL) {
		dgrams_free(dgrams, 0, n);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if ((m = calloc(1, sizeof(*m))) == NULL) {
			dgrams_free(dgrams, i, n);
			rl_free(rl);
			return NULL;
		}
		m->dgram = dgrams[i];
		m->len = lens[i];
		STAILQ_INSERT_TAIL(&rl->txq, m, entry);
		if (i == s->in_flight)
			rl->tx_next = m;
	}
	rl->stats = s->stats;
	rl->tx_una = s->tx_una;
	rl->tx_ns = s->tx_ns;
	rl->in_flight = s->in_flight;
	rl->cwnd = s->cwnd;
	rl->ssthresh = s->ssthresh;
	rl->ca_acks = s->ca_acks;
	rl->rx_nr = s->rx_nr;
	rl->ack_owed = s->ack_owed;
	rl->dead = s->dead;
	rl->rto_ms = s->rto_ms;
	rl->retries = s->retries;
	rl->rtx_deadline = s->rtx_deadline;
	rl->ack_deadline = s->ack_deadline;
	return rl;
}
