/*
 * Fuzz target for the reliable layer (daemon/reliable.c) alone: pure,
 * on a fake clock, against a peer that the input plays.
 *
 * Input: four parameter bytes (our window 1..16, the peer's 1..8, the
 * initial retransmission timeout, retries 1..4), then records:
 *   0x00..0x3f  we send a message (it carries its Ns in its bytes);
 *               bit 0: the next delivery answers from inside deliver
 *   0x40..0x7f  the peer's datagram: u16 Ns, u16 Nr follow; bit 0: an
 *               ack-only message (ZLB); bit 1: Ns/Nr are offsets from
 *               what we expect/sent, not absolute
 *   0x80..0x8f  the clock moves by a table step; the timer runs if due
 *   0x90        the peer's window changes: one byte follows
 * Invariants: deliveries come in sequence with no gap, first
 * transmissions leave in Ns order and only within the window, a
 * retransmission is of the oldest message in flight, nothing happens
 * after peer_dead (called at most once), deadlines lie in the future,
 * cwnd stays within 1..window, and every datagram is freed (LSan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/reliable.h"
#include "proto/buf.h"
#include "tests/fuzz/fuzz_check.h"

#define MSG_LEN 2

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	struct rl *rl;
	uint64_t now;
	uint16_t tx_expect; /* Ns of the next first transmission */
	uint16_t una; /* oldest Ns not known to be acknowledged */
	uint16_t rx_expect; /* Ns the next delivery must carry */
	uint16_t max_window;
	uint16_t sent_nr; /* highest Nr the peer sent, as acked so far */
	int dead;
	int reply;
	unsigned long delivered, transmits;
} st;

static uint16_t
ns_of(const uint8_t *d, size_t len)
{
	struct rbuf r;
	uint16_t ns = 0;

	rbuf_init(&r, d, len);
	CHECK(rbuf_get_u16(&r, &ns) == 0);
	return ns;
}

static uint8_t *
new_msg(uint16_t ns)
{
	uint8_t *d = malloc(MSG_LEN);
	struct wbuf w;

	CHECK(d != NULL);
	wbuf_init(&w, d, MSG_LEN);
	(void)wbuf_put_u16(&w, ns);
	return d;
}

static void
cb_transmit(void *arg, uint8_t *d, size_t len, int retransmit)
{
	uint16_t ns = ns_of(d, len);

	CHECK(!st.dead);
	CHECK(rl_nr(st.rl) == st.rx_expect);
	st.transmits++;
	if (retransmit) {
		CHECK(ns == st.una);
		return;
	}
	CHECK(ns == st.tx_expect);
	st.tx_expect++;
	CHECK(rl_in_flight(st.rl) <= st.max_window);
}

static void
cb_deliver(void *arg, const uint8_t *d, size_t len)
{
	CHECK(!st.dead);
	CHECK(len == MSG_LEN && ns_of(d, len) == st.rx_expect);
	st.rx_expect++;
	st.delivered++;
	/* Nr has moved before the delivery, so a reply carries the ack. */
	CHECK(rl_nr(st.rl) == st.rx_expect);
	if (st.reply) {
		st.reply = 0;
		rl_send(st.rl, new_msg(rl_next_ns(st.rl)), MSG_LEN, st.now);
	}
}

static void
cb_send_ack(void *arg)
{
	CHECK(!st.dead);
}

static void
cb_peer_dead(void *arg)
{
	CHECK(!st.dead);
	st.dead = 1;
}

static const struct rl_ops ops = { cb_transmit, cb_deliver, cb_send_ack,
	cb_peer_dead };

static const uint32_t steps_ms[16] = { 0, 1, 10, 50, 99, 100, 101, 250, 500,
	1000, 2000, 4000, 8000, 16000, 60000, 600000 };

/* Acknowledging Nr frees what it covers: una follows when it is within
 * what is in flight (the layer ignores any other Nr). */
static void
peer_acks(uint16_t nr, size_t in_flight_before)
{
	uint16_t n = (uint16_t)(nr - st.una);

	if (n != 0 && n <= in_flight_before)
		st.una = nr;
}

static void
check_state(void)
{
	uint64_t next = rl_next_timeout(st.rl);

	CHECK(rl_cwnd(st.rl) >= 1 && rl_cwnd(st.rl) <= st.max_window);
	CHECK(rl_in_flight(st.rl) <= st.max_window);
	CHECK(rl_in_flight(st.rl) == (uint16_t)(st.tx_expect - st.una));
	CHECK(rl_nr(st.rl) == st.rx_expect);
	CHECK(rl_memory(st.rl) > 0);
	CHECK(rl_stats(st.rl)->rx_msgs == st.delivered);
	if (st.dead)
		CHECK(next == 0);
	else
		CHECK(next == 0 || next > st.now);
	CHECK(rl_idle(st.rl) ==
	    (rl_in_flight(st.rl) == 0 && st.tx_expect == rl_next_ns(st.rl)));
}

static void
peer_datagram(uint8_t op, struct rbuf *r)
{
	uint16_t ns, nr;
	uint8_t msg[MSG_LEN];
	struct wbuf w;
	size_t before = rl_in_flight(st.rl);

	if (rbuf_get_u16(r, &ns) == -1 || rbuf_get_u16(r, &nr) == -1)
		return;
	if (op & 2) {
		ns = (uint16_t)(st.rx_expect + (int8_t)ns);
		nr = (uint16_t)(st.una + (nr % (before + 2)));
	}
	wbuf_init(&w, msg, sizeof(msg));
	(void)wbuf_put_u16(&w, ns);
	if (!st.dead)
		peer_acks(nr, before);
	rl_recv(st.rl, ns, nr, op & 1, msg, sizeof(msg), st.now);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rl_params p;
	struct rbuf r;
	uint8_t b[4], op, w;

	rbuf_init(&r, data, size);
	if (rbuf_get_bytes(&r, b, sizeof(b)) == -1)
		return 0;
	memset(&st, 0, sizeof(st));
	memset(&p, 0, sizeof(p));
	p.local_window = (uint16_t)(1 + b[0] % 16);
	p.peer_window = (uint16_t)(1 + b[1] % 8);
	p.rto_initial_ms = 100u * (1 + b[2] % 8);
	p.rto_cap_ms = 800;
	p.max_retries = 1u + b[3] % 4;
	st.max_window = p.peer_window;
	st.now = 1000;
	CHECK((st.rl = rl_new(&p, &ops, NULL)) != NULL);
	while (rbuf_get_u8(&r, &op) == 0) {
		if (op < 0x40) {
			st.reply = op & 1;
			rl_send(
			    st.rl, new_msg(rl_next_ns(st.rl)), MSG_LEN, st.now);
		} else if (op < 0x80) {
			peer_datagram(op, &r);
		} else if (op < 0x90) {
			st.now += steps_ms[op & 15];
			rl_timer(st.rl, st.now);
		} else if (op == 0x90 && rbuf_get_u8(&r, &w) == 0) {
			/* 0 stands for the default, 4. */
			if ((w == 0 ? 4 : w) > st.max_window)
				st.max_window = w == 0 ? 4 : w;
			rl_set_peer_window(st.rl, w);
		}
		check_state();
	}
	rl_free(st.rl);
	return 0;
}
