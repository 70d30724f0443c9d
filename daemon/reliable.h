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
 *
 * Ownership: rl_send() takes a malloc'd datagram and free()s it once it
 * is acknowledged, or in rl_free().  rl_recv() copies what it keeps.
 *
 * Callbacks and re-entry: ops->deliver may call rl_send() (a reply then
 * piggy-backs the ack, because Nr has already moved) and
 * rl_set_peer_window(); ops->transmit and ops->send_ack may only call the
 * const getters (rl_nr(), rl_next_ns(), ...); ops->peer_dead may call
 * rl_send() (the datagram is kept, never sent).  No callback may call
 * rl_recv(), rl_timer() or rl_free(): the owner frees the rl later, from
 * its own event, never from inside a callback.  After peer_dead (called
 * at most once) the layer is inert: it transmits, delivers and times
 * nothing more.
 *
 * Memory: the struct is about 230 bytes plus 32 bytes per queued sent
 * message; the reorder ring (local_window pointers) exists only while
 * out-of-order messages wait in it.
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

/* A zero field (or a NULL params) means the default shown; windows are
 * capped at 32767, half the sequence space. */
struct rl_params {
	uint16_t local_window; /* what we advertise (queue bound); 64 */
	uint16_t peer_window; /* the peer's RWS; 4 if absent */
	uint32_t rto_initial_ms; /* 1000 */
	uint32_t rto_cap_ms; /* 8000 */
	uint32_t max_retries; /* 5 */
	uint32_t ack_delay_ms; /* delay before a lone ZLB; 100 */
};

struct rl_stats {
	uint64_t tx_msgs; /* first transmissions */
	uint64_t tx_retransmits;
	uint64_t tx_acks; /* explicit acks (ops->send_ack) */
	uint64_t rx_msgs; /* delivered in order */
	uint64_t rx_duplicates; /* already delivered or queued */
	uint64_t rx_out_of_order; /* queued ahead of a gap */
	uint64_t rx_out_of_window; /* dropped, too far ahead */
	uint64_t rx_acks; /* ack-only messages received */
	uint64_t rx_bad_nr; /* Nr beyond what we sent: dropped */
};

struct rl;

struct rl *rl_new(const struct rl_params *, const struct rl_ops *, void *arg);
void rl_free(struct rl *);
/* The peer's Receive Window Size becomes known (SCCRQ/SCCRP); messages
 * waiting for the window may go out at once (timed by the latest now_ms
 * the layer was given). */
void rl_set_peer_window(struct rl *, uint16_t);
/* New retransmission settings for a running connection (a reload): they
 * apply from the next (re)transmission on; 0 means the default, as in
 * rl_new().  Windows stay as negotiated. */
void rl_set_timers(struct rl *, uint32_t rto_initial_ms, uint32_t rto_cap_ms,
    uint32_t max_retries);

uint16_t rl_next_ns(const struct rl *);
uint16_t rl_nr(const struct rl *);
/* Takes dgram (malloc'd, its Ns = rl_next_ns()); the Ns is consumed. */
void rl_send(struct rl *, uint8_t *dgram, size_t len, uint64_t now_ms);
/* is_ack_only: a ZLB or explicit ACK (it carries no Ns of its own).
 * -1 when the message acknowledges what we never sent (RFC 3931 4.2:
 * invalid): dropped whole -- nothing acknowledged, delivered or
 * acknowledged back -- and counted in rx_bad_nr. */
int rl_recv(struct rl *, uint16_t ns, uint16_t nr, int is_ack_only,
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
/* Bytes held now: the struct, queued datagrams and the reorder ring
 * (for `show memory` and the per-tunnel budget). */
size_t rl_memory(const struct rl *);

/*
 * Graceful restart (daemon/handover.c): the layer's state, to be
 * carried to a new process.  The send queue goes separately, oldest
 * first (the first in_flight of it transmitted); out-of-order messages
 * waiting in the receive ring do not go (the peer sends them again).
 * Deadlines are absolute, on the owner's clock (CLOCK_MONOTONIC).
 */
struct rl_snapshot {
	struct rl_params params;
	struct rl_stats stats;
	uint16_t tx_una;
	uint16_t tx_ns;
	uint16_t in_flight;
	uint16_t cwnd;
	uint16_t ssthresh;
	uint16_t ca_acks;
	uint16_t rx_nr;
	uint8_t ack_owed;
	uint8_t dead;
	uint32_t rto_ms;
	uint32_t retries;
	uint64_t rtx_deadline;
	uint64_t ack_deadline;
};

/* The state, and each queued datagram to each() (oldest first). */
void rl_export(const struct rl *, struct rl_snapshot *,
    void (*each)(void *, const uint8_t *, size_t), void *arg);
/* A layer in that state; takes the n malloc'd datagrams (freed even on
 * failure).  NULL when the snapshot is inconsistent (in_flight more
 * than n, n not tx_ns - tx_una) or out of memory. */
struct rl *rl_import(const struct rl_snapshot *, uint8_t **dgrams,
    const size_t *lens, size_t n, const struct rl_ops *, void *arg);

#endif
