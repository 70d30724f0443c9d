/*
 * Reliable delivery of control messages (RFC 3931, with RFC 2661
 * appendix A's slow start and congestion avoidance), kept apart from the
 * state machines: this layer knows sequence numbers, windows and timers,
 * never message meanings.
 *
 * It is a pure state machine driven by explicit time (now_ms), so tests
 * run it on a fake clock.  The owner (a tunnel) arms one libevent timer at
 * rl_next_timeout() and calls rl_timer() when it fires.
 *
 * Sending: the owner builds a message with Ns = rl_next_ns() and hands the
 * datagram to rl_send(), which takes ownership.  It goes out at once if
 * the window allows, else waits.  Every (re)transmission goes through
 * ops->transmit, where the owner writes the current Nr (rl_nr()) and signs
 * the digest.
 *
 * Receiving: the owner decodes and authenticates, then calls rl_recv()
 * with Ns/Nr.  Acks free the send queue; a message in sequence is
 * delivered through ops->deliver, followed by any queued ones that became
 * in sequence; a duplicate is acknowledged again and dropped; one ahead
 * (within our window) is copied and queued.
 */
#ifndef L2TP_DAEMON_RELIABLE_H
#define L2TP_DAEMON_RELIABLE_H

#include <stddef.h>
#include <stdint.h>

struct rl_ops {
	/* Put a datagram on the wire (Nr to be refreshed by the owner). */
	void (*transmit)(void *arg, uint8_t *dgram, size_t len, int retransmit);
	/* An in-order message for the FSM. */
	void (*deliver)(void *arg, const uint8_t *dgram, size_t len);
	/* Nothing to piggy-back on: send an explicit ack (ZLB, or ACK with a
	 * digest) carrying rl_next_ns() and rl_nr(). */
	void (*send_ack)(void *arg);
	/* Retries ran out: the peer is unreachable. */
	void (*peer_dead)(void *arg);
};

struct rl_params {
	uint16_t local_window;          /* what we advertise (queue bound) */
	uint16_t peer_window;           /* the peer's RWS; 4 if absent */
	uint32_t rto_initial_ms;        /* 1000 */
	uint32_t rto_cap_ms;            /* 8000 */
	uint32_t max_retries;           /* 5 */
	uint32_t ack_delay_ms;          /* delay before a lone ZLB */
};

struct rl_stats {
	uint64_t tx_msgs;
	uint64_t tx_retransmits;
	uint64_t tx_acks;
	uint64_t rx_msgs;
	uint64_t rx_duplicates;
	uint64_t rx_out_of_order;
	uint64_t rx_out_of_window;
	uint64_t rx_acks;
};

struct rl;

struct rl *rl_new(const struct rl_params *, const struct rl_ops *, void *arg);
void rl_free(struct rl *);
/* The peer's Receive Window Size becomes known (SCCRQ/SCCRP). */
void rl_set_peer_window(struct rl *, uint16_t);

uint16_t rl_next_ns(const struct rl *);
uint16_t rl_nr(const struct rl *);
void rl_send(struct rl *, uint8_t *dgram, size_t len, uint64_t now_ms);
/* is_ack_only: a ZLB or explicit ACK (it carries no Ns of its own). */
void rl_recv(struct rl *, uint16_t ns, uint16_t nr, int is_ack_only,
    const uint8_t *dgram, size_t len, uint64_t now_ms);
/* Absolute time of the next deadline, or 0 when nothing is pending. */
uint64_t rl_next_timeout(const struct rl *);
void rl_timer(struct rl *, uint64_t now_ms);
/* Nothing unacknowledged and nothing waiting to go. */
int rl_idle(const struct rl *);
size_t rl_in_flight(const struct rl *);
const struct rl_stats *rl_stats(const struct rl *);
/* Congestion window (for tests and `show tunnel detail`). */
uint16_t rl_cwnd(const struct rl *);

#endif
