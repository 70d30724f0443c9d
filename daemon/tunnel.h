/*
 * Tunnels: one struct tunnel per control connection.
 *
 * Every configured tunnel has a "primary" object for its whole life (idle
 * while down, so `show tunnel` and persistent retries have a home).  A
 * control connection that must linger after being replaced -- the loser
 * of a tie break, a connection the peer forgot after a restart -- is
 * demoted: it stays in the CCID table until its closing period ends, then
 * is freed.
 *
 * A new SCCRQ for a tunnel whose connection is established or half-open
 * is answered by a candidate: a connection object beside the primary,
 * with no sessions and no socket of its own.  Only when the candidate is
 * established (SCCCN received, digest and nonces verified) does it
 * become the primary and the old connection close: a replayed or
 * spoofed SCCRQ costs one half-open connection, never the running one.
 * Half-open connections we answered are counted per peer address and in
 * total (max-half-open-per-peer, max-half-open); the oldest is dropped
 * to make room.  Incoming datagrams find their tunnel by our CCID (a hash
 * lookup); SCCRQs (CCID 0) find the configured tunnel through a hash of
 * the peer's address.  No per-packet or per-timer walk over tunnels.
 */
#ifndef L2TP_DAEMON_TUNNEL_H
#define L2TP_DAEMON_TUNNEL_H

#include <sys/queue.h>
#include <stdint.h>
#include <time.h>

#include <event2/event.h>

#include "daemon/config.h"
#include "daemon/ctlconn_fsm.h"
#include "daemon/idtable.h"
#include "daemon/session.h"
#include "daemon/transport.h"
#include "proto/digest.h"
#include "proto/schema.h"

/* Counters per message type are indexed by type (1..20); slot 0 holds
 * ZLBs, slot 20 every acknowledgement message (type 20 or Cisco 9:0). */
#define TUNNEL_NTYPES 21
#define TUNNEL_TEXT_MAX 64

/* Run-time debug switches in conf.debug (`debug tunnel NAME ...`); the
 * configuration's `debug = yes` turns on both. */
#define TUNNEL_DEBUG_PACKETS 0x1 /* message dumps */
#define TUNNEL_DEBUG_FSM 0x2 /* state transitions */
#define TUNNEL_DEBUG_ALL (TUNNEL_DEBUG_PACKETS | TUNNEL_DEBUG_FSM)

struct tunnel_counters {
	uint32_t sent[TUNNEL_NTYPES];
	uint32_t received[TUNNEL_NTYPES];
	uint32_t retransmitted[TUNNEL_NTYPES];
	uint64_t digest_failures;
	uint64_t malformed;
	/* Nr acknowledging what we never sent (RFC 3931 4.2): dropped. */
	uint64_t bad_nr;
	uint64_t state_changes;
	uint64_t zlb_sent;
	uint64_t ack_sent;
	/* Totals of control connections that have ended (the reliable
	 * layer's own counters go with it). */
	uint64_t duplicates;
	uint64_t retransmits;
	/* What the peer sends that the RFC frowns on and we accept
	 * (proto/schema.h), per kind; each kind is logged once. */
	uint32_t tolerated[L2TP_DEV__COUNT];
	uint8_t tolerated_logged;
};

struct tunnel {
	TAILQ_ENTRY(tunnel) entry;
	struct idt_node by_ccid; /* key: our CCID */
	struct idt_node by_peer; /* primaries; key: peer address hash */
	/* Half-open (answered SCCRQ, no SCCCN yet); key: peer address
	 * hash, and on a list oldest first. */
	struct idt_node by_half;
	TAILQ_ENTRY(tunnel) half_entry;
	struct pace_peer *pace; /* opening pace of our peer, when paced */
	TAILQ_ENTRY(tunnel) pace_entry;
	uint32_t sccrq_hash; /* of the SCCRQ we answered */
	uint64_t half_seq; /* order of arrival among half-open ones */
	/* The tunnel's own copy of its settings: reloads free the
	 * configuration it came from.  Its debug field holds
	 * TUNNEL_DEBUG_* bits; its session list is empty. */
	struct tunnel_conf *conf;
	/* One per configured session, each holding a reference to that
	 * session's configuration (shared with the daemon's). */
	struct session_list sessions;
	int state; /* enum cc_state */
	unsigned int primary : 1;
	unsigned int in_ccid : 1;
	unsigned int in_peer : 1;
	unsigned int in_half : 1;
	unsigned int half_own : 1; /* in_half on the primary: uncapped */
	unsigned int initiator : 1;
	unsigned int cisco : 1; /* speaking Cisco's draft dialect */
	unsigned int stop_sent : 1;
	unsigned int quiet : 1; /* lost a tie break: send nothing */
	unsigned int dp_up : 1; /* a kernel tunnel exists (pw.c) */
	unsigned int recovering : 1; /* opens once though initiate = no */
	unsigned int pace_counted : 1; /* holds an opening slot */
	unsigned int pace_queued : 1; /* waits for one (tunnel_pace.c) */
	uint8_t dp_busy_tries; /* static: kernel IDs still being freed */
	uint32_t local_ccid;
	uint32_t peer_ccid;
	uint64_t tie_breaker;
	uint32_t refused_ccid; /* the peer's SCCRQ that lost a tie */
	enum tp_kind kind;
	enum l2tp_encap framing; /* how proto/ reads our datagrams */
	int fd; /* own socket, or -1 */
	struct tp_listener *shared; /* raw IP: the socket we share */
	struct sockaddr_storage local;
	struct sockaddr_storage peer;
	struct rl *rl;
	struct event *ev_sock;
	struct event *ev_rl; /* the reliable layer's deadline */
	struct event *ev_state; /* hello, retry, closing, SCCCN wait */
	struct event *ev_dp_busy; /* static: programming again (pw.c) */
	uint64_t rl_deadline;
	/* Fired while frozen (graceful restart): fire again at a thaw. */
	uint8_t fired_frozen;
	struct l2tp_auth auth;
	/* The v2-era Challenge (Cisco dialect with a secret): the one the
	 * peer sent us to answer, and ours, sent in SCCRQ/SCCRP. */
	uint8_t peer_challenge[L2TP_CHALLENGE_MAX];
	uint8_t peer_challenge_len;
	uint8_t local_challenge[L2TP_CHALLENGE_LEN];
	unsigned int challenge_sent : 1;
	uint16_t peer_rws;
	uint32_t peer_router_id;
	char peer_hostname[TUNNEL_TEXT_MAX];
	char peer_vendor[TUNNEL_TEXT_MAX];
	uint16_t stop_result;
	uint16_t stop_error;
	char stop_msg[TUNNEL_TEXT_MAX];
	uint32_t failures; /* consecutive; persist backoff */
	uint8_t peer_going; /* attempts refused by a peer shutting down */
	time_t up_since; /* monotonic seconds; 0 when down */
	time_t recover_at; /* last SCCRQ for a peer we lost (monotonic s) */
	struct tunnel_counters ctr;
};
TAILQ_HEAD(tunnel_list, tunnel);

/* Daemon-wide counters of what no tunnel owns. */
struct tunnel_global_stats {
	uint64_t data_drops; /* data packets (no dataplane here) */
	uint64_t v2_drops; /* L2TPv2 packets */
	uint64_t malformed; /* not even a control header */
	uint64_t unknown_ccid;
	uint64_t unknown_peer; /* SCCRQs refused: not authorised */
	uint64_t stateless_stopccn;
	uint64_t sccrq_retransmits; /* the same SCCRQ again */
	uint64_t half_open_dropped; /* the oldest, for room */
	uint64_t replaced; /* connections retired by a proven one */
};

/* One daemon-wide counter, for every output that shows them: the text
 * of `show statistics`, the JSON of `show statistics daemon json`, and
 * the metrics (a Prometheus counter). */
struct tunnel_global_field {
	const char *text;
	const char *json;
	const char *metric;
	const char *help;
	size_t off; /* in struct tunnel_global_stats, a uint64_t */
};
extern const struct tunnel_global_field tunnel_global_fields[];
extern const size_t tunnel_global_nfields;
uint64_t tunnel_global_value(
    const struct tunnel_global_stats *, const struct tunnel_global_field *);

int tunnels_init(struct event_base *, struct daemon_conf *);
/* Apply a new configuration (takes ownership): new tunnels start,
 * removed ones stop with StopCCN, changed ones restart. */
void tunnels_reload(struct daemon_conf *);
/* The previous run ended without a clean shutdown: its peers may still
 * run the connections it had.  Tunnels that only answer open one
 * connection each (jittered over a few seconds), which the peer takes in
 * place of the one it holds. */
void tunnels_recover(void);
/* StopCCN to every open connection; done() runs once all are
 * acknowledged or after timeout_ms. */
void tunnels_shutdown(unsigned int timeout_ms, void (*done)(void *), void *arg);
void tunnels_free(void);

/*
 * Graceful restart (docs/restart.md).  Freeze: stop reading the
 * sockets and running the connections' timers (nothing is sent until
 * thawed), so that the state exported stays true.  Export: the
 * listeners and the established connections with their established
 * calls, the descriptors named in it (left open here).  Import, in the
 * new process after tunnels_init(): each connection checked against
 * the configuration (a dynamic tunnel of that name, idle, with the same
 * encapsulation, peer address and digest) and taken up where it was;
 * -1 with the reason in err when anything does not match.
 */
struct ho_state;
struct ho_writer;
struct ho_reader;
void tunnels_freeze(int frozen);
/* The listeners into st (sent before the freeze: they do not change
 * while a restart is under way). */
int tunnels_handover_listeners(struct ho_state *, char *err, size_t errlen);
/* Bytes the connections take at most (ho_tunnel_bound()), and how many
 * there are, from counts: nothing is exported. */
size_t tunnels_handover_bound(size_t *ntunnels);
/* Each connection exported into one reused struct and written to w at
 * once, its socket appended to fds (at most max; *nfds). */
int tunnels_handover_export(struct ho_writer *w, int32_t *fds, size_t max,
    size_t *nfds, char *err, size_t errlen);
/* Each connection read from rd (after ho_read_begin/ho_read_fds) and
 * taken up at once; -1 at the first that fails. */
int tunnels_handover_import(struct ho_reader *, char *err, size_t errlen);
const struct daemon_conf *tunnels_conf(void);
struct event_base *tunnels_base(void);
const struct tunnel_global_stats *tunnels_global_stats(void);

/* Iteration (control commands, reload): every tunnel object, primaries
 * and lingering ones alike. */
struct tunnel *tunnel_first(void);
struct tunnel *tunnel_next(struct tunnel *);
/* The primary tunnel of that configured name. */
struct tunnel *tunnel_find(const char *name);
struct tunnel *tunnel_by_ccid(uint32_t);
/* Seconds since established, 0 when not. */
uint64_t tunnel_uptime(const struct tunnel *);
/* Counters including the current connection's reliable-layer ones. */
uint64_t tunnel_duplicates(const struct tunnel *);
uint64_t tunnel_retransmits(const struct tunnel *);
const char *tunnel_digest_name(const struct tunnel *);
/* `clear tunnel`: StopCCN to the peer if the connection is open; a
 * persistent initiator comes back like after any failure.  -1 when
 * there was nothing open to clear. */
int tunnel_clear(struct tunnel *);

/* Send a built message reliably (sessions build their own); the
 * buffer is copied.  0, or -1 when the connection cannot send. */
int tunnel_send_msg(struct tunnel *, const uint8_t *msg, size_t len);

/*
 * Who else hears of a tunnel's life: the pseudowire code (pw.c, the
 * kernel objects) and the service status (service.c) subscribe, so that
 * tunnel.c calls neither by name (no loop between the files).  Every
 * member may be NULL.  up: established; down: no longer (or freed);
 * static_start/static_stop: a static tunnel begins or ends (keep: leave
 * its kernel objects; next: the configuration that takes over, or
 * NULL); handover: imported from the previous process, which had a
 * kernel tunnel or not; changed: any state change of any tunnel.
 */
struct tunnel_observer {
	void (*changed)(struct tunnel *);
	void (*up)(struct tunnel *);
	void (*down)(struct tunnel *);
	int (*static_start)(struct tunnel *);
	void (*static_stop)(
	    struct tunnel *, int keep, const struct tunnel_conf *next);
	void (*handover)(struct tunnel *, int had_kernel_tunnel);
};
/* Subscribe (each once; before tunnels_init()). */
void tunnels_observe(const struct tunnel_observer *);

/* The FSM's actions (ctlconn_fsm.c calls them through struct ccfsm_ops,
 * which tunnels_init() hands it). */
void tunnel_set_state(struct tunnel *, int);
void tunnel_set_stop(
    struct tunnel *, uint16_t result, uint16_t error, const char *msg);
int tunnel_act_send_sccrq(struct tunnel *);
int tunnel_act_send_sccrp(struct tunnel *);
int tunnel_act_send_scccn(struct tunnel *);
int tunnel_act_establish(struct tunnel *);
int tunnel_act_peer_stopped(struct tunnel *);
int tunnel_act_send_stopccn(struct tunnel *);
int tunnel_act_teardown(struct tunnel *);
int tunnel_act_quiet_close(struct tunnel *);

/* The receive path's two checks after decoding (tunnel.c; exported for
 * the unit tests).  Authentic: 1 when the tunnel has no digest or the
 * message's verifies -- never for a ZLB on a tunnel with a digest (it
 * cannot carry one); failures are counted and dropped.  Sequence: hand
 * it to the reliable layer; -1 when its Nr acknowledges what we never
 * sent (dropped, counted in ctr.bad_nr). */
int tunnel_msg_authentic(struct tunnel *, const struct l2tp_msg *);
int tunnel_msg_sequence(
    struct tunnel *, const struct l2tp_msg *, const uint8_t *, size_t);

/* Message builders (tunnel_msg.c).  They lay the message out with the
 * tunnel's current Ns/Nr and dialect and reserve the digest; signing
 * happens at transmission.  dc: the daemon's configuration in effect
 * (host name, Router ID, vendor). */
int tmsg_build(const struct daemon_conf *dc, struct tunnel *, uint16_t type,
    uint8_t *buf, size_t cap, size_t *len);
/* A StopCCN that needs no tunnel: the answer to an SCCRQ we refuse,
 * with local_ccid (unused, not 0) as its Assigned Control Connection ID,
 * in Cisco's draft form when cisco. */
int tmsg_stateless_stopccn(enum l2tp_encap framing, int cisco,
    uint32_t peer_ccid, uint32_t local_ccid, uint16_t result, uint16_t error,
    const char *text, uint8_t *buf, size_t cap, size_t *len);

#endif
