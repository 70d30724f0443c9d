/*
 * Sessions (pseudowires): one struct session per configured session of a
 * tunnel, for the tunnel object's whole life.  A session is idle (no
 * IDs) until a call is set up -- by us with an ICRQ once the tunnel is
 * established, or by the peer's ICRQ matched to it by Remote End ID --
 * and returns to idle when the call ends (CDN either way, or the tunnel
 * going down).  Live sessions are in one daemon-wide hash table keyed by
 * our Session ID, which is what the peer puts in the Remote Session ID of
 * every session message.
 *
 * Memory per session is the struct alone while nothing is pending (issue
 * 6: 100 000 of them on a provider edge): the configuration is shared
 * with the daemon's (one reference held), the retry timer exists only
 * while a retry is scheduled, and the last CDN's text only once there
 * was one.
 */
#ifndef L2TP_DAEMON_SESSION_H
#define L2TP_DAEMON_SESSION_H

#include <sys/queue.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <event2/event.h>

#include "daemon/config.h"
#include "daemon/idtable.h"
#include "daemon/session_fsm.h"
#include "proto/msg.h"
#include "proto/schema.h"

#define SESSION_COOKIE_MAX 8
#define SESSION_TEXT_MAX 64 /* of a CDN's text kept */

struct tunnel;

struct session {
	TAILQ_ENTRY(session) entry; /* the tunnel's list */
	struct idt_node by_id; /* key: local_id, while a call exists */
	struct tunnel *tunnel;
	struct session_conf *conf; /* shared: this session holds a ref */
	struct event *ev_retry; /* NULL unless a retry is scheduled */
	/* The last CDN, sent or received (kept for `show session`); the
	 * text is "" or allocated. */
	const char *cdn_msg;
	uint64_t tie_breaker; /* of our ICRQ */
	time_t up_since; /* monotonic seconds; 0 when down */
	int state; /* enum ss_state */
	unsigned int in_table : 1;
	unsigned int initiator : 1; /* this call: we sent the ICRQ */
	unsigned int cisco : 1; /* this call speaks Cisco's draft form */
	unsigned int remote_down : 1; /* peer's circuit status: down */
	unsigned int local_down : 1; /* our attachment circuit: down */
	unsigned int dp_up : 1; /* a kernel session exists (pw.c) */
	unsigned int dp_failed : 1; /* static: the kernel refused it */
	unsigned int peer_seq : 1; /* its Data Sequencing: sequence for it */
	unsigned int cdn_by_peer : 1;
	/* This call's L2-Specific Sublayer: the default one (else none);
	 * with l2spec = auto, what the peer asked for. */
	unsigned int l2ss_default : 1;
	uint32_t local_id; /* ours: the peer sends it as Remote ID */
	uint32_t remote_id; /* the peer's */
	uint32_t call_serial;
	uint32_t failures; /* consecutive; retry backoff */
	uint32_t sli_received;
	uint32_t sli_sent;
	uint32_t wen_received;
	uint16_t cdn_result;
	uint16_t cdn_error;
	uint16_t peer_mtu; /* 9:14, 0 when not given */
	/* The cookie we assigned: received packets must carry it. */
	uint8_t local_cookie_len;
	uint8_t local_cookie[SESSION_COOKIE_MAX];
	/* The peer's Assigned Cookie: we put it on what we send. */
	uint8_t peer_cookie_len;
	uint8_t peer_cookie[SESSION_COOKIE_MAX];
	char dp_ifname[16]; /* its interface (IFNAMSIZ) */
};
TAILQ_HEAD(session_list, session);

/* Sessions of a new tunnel object: one per session of tc, or, when from
 * is not NULL, one per session of that object (a connection that takes
 * over from another keeps its sessions' settings).  Detach at its end.
 * 0, or -1 when out of memory. */
int session_tunnel_attach(
    struct tunnel *, const struct tunnel_conf *tc, const struct tunnel *from);
void session_tunnel_detach(struct tunnel *);
/* The tunnel reached established (we open our calls) or left it (every
 * call ends, without CDNs: the peer tears its sessions down too). */
void session_tunnel_up(struct tunnel *);
void session_tunnel_down(struct tunnel *);
size_t session_count(const struct tunnel *); /* calls, not configs */

/* A valid session message arrived on an established tunnel. */
void session_input(struct tunnel *, const struct l2tp_msg *);
/* A session message the schema refused: CDN with the verdict's codes. */
void session_input_bad(
    struct tunnel *, const struct l2tp_msg *, const struct l2tp_verdict *);

/* End the call with CDN (result 3, administrative), e.g. `clear
 * session`; an initiator places it again after its retry delay.  -1
 * when there is no call. */
int session_clear(struct session *, const char *why);
/* A reload kept the tunnel: sessions no longer in next end with CDN
 * and go (a peer's ICRQ for them is refused); changed ones end with CDN
 * and are placed again with the new settings; new ones start. */
void session_tunnel_reload(struct tunnel *, struct tunnel_conf *next);

/* Our attachment circuit changed: SLI to the peer when established. */
void session_set_local_circuit(struct session *, int up);

/* Lookup for control commands. */
struct session *session_by_id(uint32_t local_id);
struct session *session_first(const struct tunnel *);
struct session *session_next(const struct session *);
uint64_t session_uptime(const struct session *);
/* Does the selector (a session's name or our session ID; NULL: any)
 * name it? */
int session_selected(const struct session *, const char *sel);
/* The sublayer this session's packets carry: 1 the default one, 0 none
 * (for l2spec = auto, the one negotiated for the current call).  This
 * and session_mtu() are in session_msg.c, with the messages that carry
 * them. */
int session_l2ss_default(const struct session *);
/* Its interface MTU, for the current call. */
unsigned int session_mtu(const struct session *);

/* Graceful restart (daemon/handover.h): an established call's state,
 * and a call of t's session of that name taken up in that state, with
 * its kernel session adopted as it is.  Calls not established are not
 * carried: an initiator places them again.  -1 when t has no session
 * of that name, it is busy, or the ID is taken. */
struct ho_session;
void session_handover_export(const struct session *, struct ho_session *);
int session_handover_import(struct tunnel *, const struct ho_session *);
/* After the import: place the calls that were not carried. */
void session_handover_resume(struct tunnel *);

/* What sessions need of the tunnel layer, handed by tunnels_init(): the
 * event base (retry timers) and how to send a built message reliably on
 * a tunnel (tunnel_send_msg()). */
void sessions_init(
    struct event_base *, int (*send)(struct tunnel *, const uint8_t *, size_t));

/*
 * Who else hears of a session's life, as for tunnels (tunnel.h): pw.c
 * (the kernel session, its link's carrier) and service.c (status)
 * subscribe, so that session.c calls neither by name.  Every member may
 * be NULL.  up: established; down: the call ends or the session is
 * freed; remote_circuit: the peer's circuit status changed
 * (s->remote_down); handover: imported from the previous process, which
 * had a kernel session or not; changed: any state change.
 */
struct session_observer {
	void (*changed)(struct session *);
	void (*up)(struct session *);
	void (*down)(struct session *);
	void (*remote_circuit)(struct session *);
	void (*handover)(struct session *, int had_kernel_session);
};
/* Subscribe (each once). */
void sessions_observe(const struct session_observer *);

/* The FSM's actions (session_fsm.c calls them through struct
 * ssfsm_ops, which session.c hands it). */
void session_set_state(struct session *, int);
void session_set_cdn(
    struct session *, uint16_t result, uint16_t error, const char *msg);
int session_act_send_icrq(struct session *);
int session_act_send_icrp(struct session *);
int session_act_send_iccn(struct session *);
int session_act_establish(struct session *);
int session_act_peer_cdn(struct session *);
int session_act_send_cdn(struct session *);
int session_act_teardown(struct session *);
int session_act_sli(struct session *);
int session_act_wen(struct session *);

/*
 * Message builders (session_msg.c).  The header fields come from the
 * caller so tests can build without a live tunnel; dialect CISCO is
 * Cisco's draft form (vendor-9 AVPs), IETF is RFC 3931.
 */
struct smsg_hdr {
	enum l2tp_encap framing;
	uint32_t peer_ccid;
	uint16_t ns;
	uint16_t nr;
	int cisco;
	enum l2tp_digest_alg digest; /* reserve the digest AVP */
};
int smsg_build(const struct smsg_hdr *, const struct session *, uint16_t type,
    uint8_t *buf, size_t cap, size_t *len);
/* A CDN for a call we have no session for (Local Session ID 0). */
int smsg_build_cdn(const struct smsg_hdr *, uint32_t peer_session_id,
    uint16_t result, uint16_t error, const char *text, uint8_t *buf, size_t cap,
    size_t *len);

#endif
