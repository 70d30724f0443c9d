/*
 * Tunnels: control connections and what happens to their messages.
 *
 * A datagram goes: transport -> tunnel_input (classify, peek the CCID)
 * -> tunnel_rx (decode, authenticate) -> the reliable layer -> deliver
 * (validate, dispatch) -> the FSM -> actions here, which build messages
 * (tunnel_msg.c) and hand them back to the reliable layer, whose
 * transmit callback stamps Nr, signs and sends.
 *
 * Nothing is freed while the reliable layer or the FSM is on the stack:
 * a connection that ends is marked dead and released by tunnel_settle()
 * at the end of the event handler that ended it.
 */
#include <config.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "daemon/handover.h"
#include "daemon/log.h"
#include "daemon/observers.h"
#include "daemon/reliable.h"
#include "daemon/tunnel.h"
#include "daemon/tunnel_pace.h"
#include "proto/dump.h"
#include "proto/pktpeek.h"
#include "proto/schema.h"

#define TN_MAX_LISTENERS (CONF_MAX_LISTEN + 4)
#define TN_RETRY_CAP_S 300
#define TN_V2_LOG_SLOTS 32
#define TN_V2_LOG_INTERVAL_S 60
#define TN_SHUTDOWN_POLL_MS 50
/* A configured peer talking to a connection we do not know prompts a
 * new one at most this often (see unknown_ccid_input). */
#define TN_RECOVER_INTERVAL_S 5

struct v2_seen {
	uint32_t hash;
	time_t when;
};

static struct {
	struct event_base *base;
	struct daemon_conf *conf;
	struct idtable by_ccid;
	struct idtable by_peer;
	struct idtable by_half; /* half-open, by peer address */
	TAILQ_HEAD(, tunnel) half; /* the same, oldest first */
	size_t nhalf;
	uint64_t half_seq;
	struct tunnel_list tunnels;
	size_t ntunnels; /* in tunnels */
	struct tp_listener *listeners[TN_MAX_LISTENERS];
	size_t nlisteners;
	struct tunnel_global_stats stats;
	struct v2_seen v2_seen[TN_V2_LOG_SLOTS];
	int shutting_down;
	int frozen; /* a graceful restart is under way */
	struct event *ev_shutdown;
	uint64_t shutdown_deadline;
	void (*shutdown_done)(void *);
	void *shutdown_arg;
} tn;

/* Decoded messages are large; one per role, never on the stack. */
static struct l2tp_msg rx_msg; /* arriving datagram */
static struct l2tp_msg dl_msg; /* in-order delivery */
static struct l2tp_msg dbg_msg; /* debug dumps of what we send */

static void tunnel_input(struct tp_packet *, void *);
static void tunnel_settle(struct tunnel *);

static struct observers observers;

void
tunnels_observe(const struct tunnel_observer *o)
{
	if (observers_add(&observers, o) == -1)
		fatalx("tunnels_observe: too many observers");
}

/* Tell every observer that has `fn`: fn(args). */
#define NOTIFY(fn, ...) \
	OBSERVERS_NOTIFY(&observers, struct tunnel_observer, fn, __VA_ARGS__)

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static time_t
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void
timer_arm(struct event *ev, uint64_t ms)
{
	struct timeval tv;

	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)((ms % 1000) * 1000);
	evtimer_add(ev, &tv);
}

/* How long a closing connection lingers: the whole retransmission
 * schedule, so every retransmission of the peer's is acknowledged. */
static uint64_t
tunnel_hold_ms(const struct tunnel *t)
{
	const struct timer_conf *tc = &t->conf->timers;
	uint64_t rto = tc->retransmit_initial ? tc->retransmit_initial : 1000;
	uint64_t cap = tc->retransmit_cap ? tc->retransmit_cap : 8000;
	uint64_t total = 0;
	uint32_t i;

	for (i = 0; i <= tc->retries; i++) {
		total += rto < cap ? rto : cap;
		rto *= 2;
	}
	return total;
}

const struct daemon_conf *
tunnels_conf(void)
{
	return tn.conf;
}

struct event_base *
tunnels_base(void)
{
	return tn.base;
}

const struct tunnel_global_stats *
tunnels_global_stats(void)
{
	return &tn.stats;
}

struct tunnel *
tunnel_first(void)
{
	return TAILQ_FIRST(&tn.tunnels);
}

struct tunnel *
tunnel_next(struct tunnel *t)
{
	return TAILQ_NEXT(t, entry);
}

struct tunnel *
tunnel_find(const char *name)
{
	struct tunnel *t;

	TAILQ_FOREACH(t, &tn.tunnels, entry)
		if (t->primary && strcmp(t->conf->name, name) == 0)
			return t;
	return NULL;
}

struct tunnel *
tunnel_by_ccid(uint32_t ccid)
{
	struct idt_node *n = idt_find(&tn.by_ccid, ccid);

	return n == NULL ? NULL : idt_entry(n, struct tunnel, by_ccid);
}

uint64_t
tunnel_uptime(const struct tunnel *t)
{
	if (t->state != CC_ESTABLISHED || t->up_since == 0)
		return 0;
	return (uint64_t)(now_s() - t->up_since);
}

uint64_t
tunnel_duplicates(const struct tunnel *t)
{
	return t->ctr.duplicates +
	    (t->rl != NULL ? rl_stats(t->rl)->rx_duplicates : 0);
}

uint64_t
tunnel_retransmits(const struct tunnel *t)
{
	return t->ctr.retransmits +
	    (t->rl != NULL ? rl_stats(t->rl)->tx_retransmits : 0);
}

const char *
tunnel_digest_name(const struct tunnel *t)
{
	switch (t->auth.alg) {
	case L2TP_DIGEST_MD5:
		return "md5";
	case L2TP_DIGEST_SHA1:
		return "sha1";
	default:
		return "none";
	}
}

static unsigned int
type_slot(uint16_t type)
{
	if (type == L2TP_MT_ZLB)
		return 0;
	return type < TUNNEL_NTYPES ? type : 0;
}

/* --- listeners ---------------------------------------------------- */

static struct tp_listener *
listener_find(int family, enum l2tp_encap encap)
{
	size_t i;

	for (i = 0; i < tn.nlisteners; i++)
		if (tp_listener_family(tn.listeners[i]) == family &&
		    tp_listener_encap(tn.listeners[i]) == encap)
			return tn.listeners[i];
	return NULL;
}

static struct tp_listener *
listener_add(const struct sockaddr_storage *addr, enum l2tp_encap encap)
{
	struct tp_listener *l;

	if (tn.nlisteners == TN_MAX_LISTENERS)
		return NULL;
	l = tp_listen(tn.base, addr, encap, tunnel_input, NULL);
	if (l != NULL)
		tn.listeners[tn.nlisteners++] = l;
	return l;
}

/* IP encapsulation listens on demand: one socket per family. */
static struct tp_listener *
listener_get(int family, enum l2tp_encap encap)
{
	struct tp_listener *l = listener_find(family, encap);
	struct sockaddr_storage any;

	if (l != NULL || encap != L2TP_ENCAP_IP)
		return l;
	memset(&any, 0, sizeof(any));
	any.ss_family = family;
	return listener_add(&any, encap);
}

/* --- debug dumps -------------------------------------------------- */

static void
tunnel_dump(const struct tunnel *t, const char *dir, const struct l2tp_msg *m)
{
	struct sbuf sb;

	if (!(t->conf->debug & TUNNEL_DEBUG_PACKETS))
		return;
	sbuf_init(&sb);
	if (l2tp_msg_dump_full(m, &sb) == 0 && sb.s != NULL)
		log_debug_forced("tunnel %s: %s %s", t->conf->name, dir, sb.s);
	sbuf_free(&sb);
}

static void
tunnel_dump_raw(
    const struct tunnel *t, const char *dir, const uint8_t *dgram, size_t len)
{
	struct l2tp_decode_err err;

	if ((t->conf->debug & TUNNEL_DEBUG_PACKETS) &&
	    l2tp_ctrl_decode(dgram, len, t->framing, &dbg_msg, &err) == 0)
		tunnel_dump(t, dir, &dbg_msg);
}

/* --- the wire ------------------------------------------------------ */

static void
tunnel_wire_send(struct tunnel *t, const uint8_t *dgram, size_t len)
{
	if (t->quiet)
		return;
	if (t->fd != -1)
		(void)tp_send(t->fd, dgram, len);
	else if (t->shared != NULL)
		(void)tp_listener_send(
		    t->shared, dgram, len, &t->peer, &t->local);
}

static void
tunnel_sign(struct tunnel *t, uint8_t *dgram, size_t len, uint16_t type)
{
	if (t->auth.alg != L2TP_DIGEST_NONE &&
	    l2tp_digest_sign(&t->auth, type, dgram, len, t->framing) == -1)
		log_warnx("tunnel %s: cannot sign %s", t->conf->name,
		    l2tp_msg_type_name(type));
}

static void
rl_cb_transmit(void *arg, uint8_t *dgram, size_t len, int retransmit)
{
	struct tunnel *t = arg;
	uint16_t type = L2TP_MT_ZLB;

	(void)l2tp_ctrl_set_nr(dgram, len, t->framing, rl_nr(t->rl));
	(void)l2tp_ctrl_peek_type(dgram, len, t->framing, &type);
	tunnel_sign(t, dgram, len, type);
	if (retransmit)
		t->ctr.retransmitted[type_slot(type)]++;
	else
		t->ctr.sent[type_slot(type)]++;
	tunnel_dump_raw(t, retransmit ? "retransmit" : "send", dgram, len);
	tunnel_wire_send(t, dgram, len);
}

/* With a digest in use a ZLB (which cannot carry one) is never sent: the
 * acknowledgement is an ACK message, or Cisco's 9:0 = 102. */
static void
rl_cb_send_ack(void *arg)
{
	struct tunnel *t = arg;
	uint8_t buf[256];
	struct wbuf w;
	size_t len;

	/* Without the peer's connection ID (its SCCRP was refused before it
	 * told us) an acknowledgement would address no connection. */
	if (t->peer_ccid == 0)
		return;
	if (t->auth.alg != L2TP_DIGEST_NONE) {
		if (tmsg_build(
			tn.conf, t, L2TP_MT_ACK, buf, sizeof(buf), &len) == -1)
			return;
		(void)l2tp_ctrl_set_nr(buf, len, t->framing, rl_nr(t->rl));
		tunnel_sign(t, buf, len, L2TP_MT_ACK);
		t->ctr.ack_sent++;
		t->ctr.sent[L2TP_MT_ACK]++;
	} else {
		wbuf_init(&w, buf, sizeof(buf));
		if (l2tp_build_zlb(&w, t->framing, t->peer_ccid,
			rl_next_ns(t->rl), rl_nr(t->rl), &len) == -1)
			return;
		t->ctr.zlb_sent++;
		t->ctr.sent[0]++;
	}
	tunnel_dump_raw(t, "send", buf, len);
	tunnel_wire_send(t, buf, len);
}

static void
rl_cb_peer_dead(void *arg)
{
	struct tunnel *t = arg;
	char vis[STR_VIS_SIZE(TUNNEL_TEXT_MAX)];

	/* A connection that was replaced or never established: its peer
	 * may well have forgotten it; the tunnel is not the worse for it. */
	if (!t->primary) {
		log_debug("tunnel %s: connection %u (%s) ends unanswered",
		    t->conf->name, t->local_ccid, cc_state_name(t->state));
		ccfsm_event(t, CCE_PEER_DEAD);
		return;
	}
	log_warnx("tunnel %s: peer %s not responding after %u retries",
	    t->conf->name,
	    t->peer_hostname[0] ? str_vis(vis, sizeof(vis), t->peer_hostname)
				: "?",
	    t->conf->timers.retries);
	ccfsm_event(t, CCE_PEER_DEAD);
}

static void rl_cb_deliver(void *, const uint8_t *, size_t);

static const struct rl_ops tunnel_rl_ops = {
	.transmit = rl_cb_transmit,
	.deliver = rl_cb_deliver,
	.send_ack = rl_cb_send_ack,
	.peer_dead = rl_cb_peer_dead,
};

static void
tunnel_rl_rearm(struct tunnel *t)
{
	uint64_t next, now;

	if (t->rl == NULL)
		return;
	next = rl_next_timeout(t->rl);
	if (next == 0) {
		evtimer_del(t->ev_rl);
		t->rl_deadline = 0;
		return;
	}
	if (next == t->rl_deadline && evtimer_pending(t->ev_rl, NULL))
		return;
	t->rl_deadline = next;
	now = now_ms();
	timer_arm(t->ev_rl, next > now ? next - now : 0);
}

int
tunnel_send_msg(struct tunnel *t, const uint8_t *buf, size_t len)
{
	uint8_t *copy;

	/* Frozen, the Ns it would take is already the new process's. */
	if (t->rl == NULL || tn.frozen)
		return -1;
	if ((copy = malloc(len)) == NULL) {
		log_warn("tunnel %s", t->conf->name);
		return -1;
	}
	memcpy(copy, buf, len);
	rl_send(t->rl, copy, len, now_ms());
	/* Sessions send from their own events too (a retry timer, a link
	 * event, a command), which end in no tunnel_settle(): without this
	 * a lost ICRQ, SLI or CDN would wait for the next tunnel event. */
	tunnel_rl_rearm(t);
	return 0;
}

static int
tunnel_send(struct tunnel *t, uint16_t type)
{
	uint8_t buf[L2TP_MSG_MAX_LEN];
	size_t len;

	if (t->rl == NULL)
		return -1;
	if (tmsg_build(tn.conf, t, type, buf, sizeof(buf), &len) == -1) {
		log_warnx("tunnel %s: cannot build %s", t->conf->name,
		    l2tp_msg_type_name(type));
		return -1;
	}
	return tunnel_send_msg(t, buf, len);
}

/* --- connection set-up and release --------------------------------- */

static void
tunnel_sock_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tunnel *t = arg;

	tp_read(fd, t->kind, t->local.ss_family, tunnel_input, NULL, NULL);
}

static uint16_t
conf_port(const struct sockaddr_storage *ss)
{
	uint16_t p = addr_port(ss);

	return p != 0 ? p : tn.conf->port;
}

/*
 * The listener a connection answering pkt can send through: the one it
 * came on, or one on the same port.  Until the peer has answered our
 * SCCRP a connection has no socket of its own (a flood of SCCRQs costs
 * no file descriptors); it gets one when established.
 */
static struct tp_listener *
answer_listener(const struct tunnel *t, const struct tp_packet *pkt)
{
	struct tp_listener *l = pkt->via;

	if (l == NULL)
		l = listener_find(pkt->peer.ss_family, pkt->encap);
	if (l == NULL || tp_listener_kind(l) != TP_UDP ||
	    addr_port(tp_listener_addr(l)) != addr_port(&t->local))
		return NULL;
	return l;
}

/* The connection's own socket (the kernel tunnel lives on it). */
static int
tunnel_own_socket(struct tunnel *t)
{
	int fd;

	if (t->fd != -1 || t->kind == TP_RAWIP)
		return 0;
	fd = tp_tunnel_socket(
	    t->kind, &t->local, &t->peer, t->local_ccid, t->peer_ccid);
	if (fd == -1)
		return -1;
	t->ev_sock =
	    event_new(tn.base, fd, EV_READ | EV_PERSIST, tunnel_sock_cb, t);
	if (t->ev_sock == NULL || event_add(t->ev_sock, NULL) == -1) {
		if (t->ev_sock != NULL)
			event_free(t->ev_sock);
		t->ev_sock = NULL;
		close(fd);
		return -1;
	}
	t->fd = fd;
	t->shared = NULL;
	return 0;
}

/*
 * A connection that is over (closing) and has the same addresses and
 * ports as its successor gives its socket up, and sends what it still
 * sends through the listener: two connected sockets with one address
 * pair would leave it to the kernel which one gets the successor's
 * datagrams -- the kernel tunnel's among them.
 */
static void
close_later_cb(evutil_socket_t fd, short what, void *arg)
{
	close((int)(intptr_t)arg);
}

static void
tunnel_yield_socket(struct tunnel *old, const struct tunnel *n)
{
	struct timeval now = { 0, 0 };
	struct tp_listener *l;

	if (old->fd == -1 || old->kind != TP_UDP ||
	    !addr_equal(&old->peer, &n->peer) ||
	    addr_port(&old->peer) != addr_port(&n->peer) ||
	    !addr_equal(&old->local, &n->local) ||
	    addr_port(&old->local) != addr_port(&n->local))
		return;
	l = listener_find(old->local.ss_family, L2TP_ENCAP_UDP);
	if (l == NULL ||
	    addr_port(tp_listener_addr(l)) != addr_port(&old->local))
		return;
	event_free(old->ev_sock);
	old->ev_sock = NULL;
	/* The datagram being handled may have come on that socket, and
	 * its read loop goes on: it is closed after this event. */
	if (event_base_once(tn.base, -1, EV_TIMEOUT, close_later_cb,
		(void *)(intptr_t)old->fd, &now) == -1)
		close(old->fd);
	old->fd = -1;
	old->shared = l;
}

/* Addresses, CCID, socket, reliable layer.  pkt is the SCCRQ we answer,
 * NULL when we initiate. */
static int
tunnel_conn_setup(struct tunnel *t, const struct tp_packet *pkt)
{
	struct rl_params p;
	struct tp_listener *l;
	char abuf[64];

	if (pkt != NULL) {
		t->peer = pkt->peer;
		t->local = pkt->local;
	} else {
		t->peer = t->conf->remote;
		if (t->conf->has_local)
			t->local = t->conf->local;
		else if (tp_route_source(&t->peer, &t->local) == -1) {
			log_warnx("tunnel %s: no route to %s", t->conf->name,
			    addr_str(&t->peer, abuf, sizeof(abuf)));
			return -1;
		}
		if (t->conf->encap == L2TP_ENCAP_UDP) {
			addr_set_port(&t->peer, conf_port(&t->conf->remote));
			addr_set_port(&t->local, conf_port(&t->conf->local));
		}
	}
	l = listener_get(t->peer.ss_family, t->conf->encap);
	if (t->conf->encap == L2TP_ENCAP_UDP)
		t->kind = TP_UDP;
	else if (l != NULL)
		t->kind = tp_listener_kind(l);
	else
		return -1;
	t->framing = t->kind == TP_RAWIP ? L2TP_ENCAP_IP : L2TP_ENCAP_UDP;
	t->local_ccid = idt_alloc_id(&tn.by_ccid);
	idt_insert(&tn.by_ccid, &t->by_ccid, t->local_ccid);
	t->in_ccid = 1;
	if (t->kind == TP_RAWIP)
		t->shared = l;
	else if (pkt != NULL && t->kind == TP_UDP &&
	    (t->shared = answer_listener(t, pkt)) != NULL)
		; /* its own socket once established */
	else if (tunnel_own_socket(t) == -1)
		return -1;
	memset(&p, 0, sizeof(p));
	p.local_window = t->conf->timers.rx_window;
	p.peer_window = 4;
	p.rto_initial_ms = t->conf->timers.retransmit_initial;
	p.rto_cap_ms = t->conf->timers.retransmit_cap;
	p.max_retries = t->conf->timers.retries;
	if ((t->rl = rl_new(&p, &tunnel_rl_ops, t)) == NULL)
		return -1;
	if (t->auth.alg != L2TP_DIGEST_NONE) {
		arc4random_buf(t->auth.local_nonce, L2TP_NONCE_LEN);
		t->auth.local_nonce_len = L2TP_NONCE_LEN;
		t->auth.peer_nonce_len = 0;
	}
	arc4random_buf(t->local_challenge, sizeof(t->local_challenge));
	t->challenge_sent = 0;
	t->peer_challenge_len = 0;
	t->cisco = t->conf->dialect == DIALECT_CISCO;
	t->peer_rws = 4;
	t->peer_router_id = 0;
	t->peer_hostname[0] = t->peer_vendor[0] = '\0';
	t->stop_sent = 0;
	t->rl_deadline = 0;
	return 0;
}

static void half_remove(struct tunnel *);

static void
tunnel_conn_release(struct tunnel *t)
{
	half_remove(t);
	/* Before its socket goes: the kernel tunnel lives on it. */
	NOTIFY(down, t);
	if (t->rl != NULL) {
		t->ctr.duplicates += rl_stats(t->rl)->rx_duplicates;
		t->ctr.retransmits += rl_stats(t->rl)->tx_retransmits;
		rl_free(t->rl);
		t->rl = NULL;
	}
	if (t->ev_sock != NULL) {
		event_free(t->ev_sock);
		t->ev_sock = NULL;
	}
	if (t->fd != -1) {
		close(t->fd);
		t->fd = -1;
	}
	if (t->in_ccid) {
		idt_remove(&tn.by_ccid, &t->by_ccid);
		t->in_ccid = 0;
	}
	evtimer_del(t->ev_rl);
	evtimer_del(t->ev_state);
	t->shared = NULL;
	t->local_ccid = t->peer_ccid = 0;
	t->up_since = 0;
	t->initiator = 0;
}

/* --- objects ----------------------------------------------------- */

static void tunnel_state_cb(evutil_socket_t, short, void *);
static void tunnel_rl_cb(evutil_socket_t, short, void *);

/* A connection object for tc, idle, on the list; sessions is 0 for
 * none (a candidate), else they are tc's or those of from (a lingering
 * connection it replaces). */
static struct tunnel *
tunnel_alloc(
    const struct tunnel_conf *tc, const struct tunnel *from, int sessions)
{
	struct tunnel *t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		log_warn("tunnel %s", tc->name);
		return NULL;
	}
	TAILQ_INIT(&t->sessions);
	t->fd = -1;
	t->state = CC_IDLE;
	t->ev_rl = evtimer_new(tn.base, tunnel_rl_cb, t);
	t->ev_state = evtimer_new(tn.base, tunnel_state_cb, t);
	t->conf = config_tunnel_dup(tc);
	if (t->ev_rl == NULL || t->ev_state == NULL || t->conf == NULL ||
	    (sessions && session_tunnel_attach(t, tc, from) == -1)) {
		session_tunnel_detach(t);
		if (t->conf != NULL)
			config_tunnel_free(t->conf);
		if (t->ev_rl != NULL)
			event_free(t->ev_rl);
		if (t->ev_state != NULL)
			event_free(t->ev_state);
		free(t);
		return NULL;
	}
	t->conf->debug = tc->debug ? TUNNEL_DEBUG_ALL : 0;
	if (tc->digest != L2TP_DIGEST_NONE && tc->secret_len > 0 &&
	    l2tp_auth_init(&t->auth, tc->digest, tc->digest_kdf, tc->secret,
		tc->secret_len) == -1)
		log_warnx("tunnel %s: cannot set up the digest", tc->name);
	TAILQ_INSERT_TAIL(&tn.tunnels, t, entry);
	tn.ntunnels++;
	return t;
}

static void
tunnel_make_primary(struct tunnel *t)
{
	t->primary = 1;
	idt_insert(&tn.by_peer, &t->by_peer, addr_hash(&t->conf->remote));
	t->in_peer = 1;
}

/* A primary for tc: its sessions are tc's, or those of from (a lingering
 * connection it replaces). */
static struct tunnel *
tunnel_new(
    const struct tunnel_conf *tc, const struct tunnel *from, int autostart)
{
	struct tunnel *t;

	if ((t = tunnel_alloc(tc, from, 1)) == NULL)
		return NULL;
	tunnel_make_primary(t);
	if (tc->mode == TUNNEL_STATIC)
		NOTIFY(static_start, t);
	else if (autostart && tc->initiate)
		timer_arm(t->ev_state, 0);
	return t;
}

static void
tunnel_free(struct tunnel *t)
{
	if (t->conf->mode == TUNNEL_STATIC)
		NOTIFY(static_stop, t, t->conf->keep_on_exit, NULL);
	tunnel_conn_release(t);
	tunnel_pace_forget(t);
	if (t->in_peer)
		idt_remove(&tn.by_peer, &t->by_peer);
	TAILQ_REMOVE(&tn.tunnels, t, entry);
	tn.ntunnels--;
	event_free(t->ev_rl);
	event_free(t->ev_state);
	session_tunnel_detach(t);
	explicit_bzero(t->conf->secret, sizeof(t->conf->secret));
	config_tunnel_free(t->conf);
	explicit_bzero(&t->auth, sizeof(t->auth));
	free(t);
}

/* The connection stops being the configured tunnel's: it lingers (acks
 * only) until it is dead, then is freed.  Returns the new primary. */
static struct tunnel *
tunnel_demote(struct tunnel *t, int replace)
{
	struct tunnel *n = NULL;

	if (!t->primary)
		return NULL;
	t->primary = 0;
	if (t->in_peer) {
		idt_remove(&tn.by_peer, &t->by_peer);
		t->in_peer = 0;
	}
	if (replace && (n = tunnel_new(t->conf, t, 0)) != NULL) {
		n->failures = t->failures;
		n->peer_going = t->peer_going;
		n->ctr = t->ctr;
		memset(&t->ctr, 0, sizeof(t->ctr));
	}
	return n;
}

/* --- daemon-wide counters ----------------------------------------- */

#define GF(f) offsetof(struct tunnel_global_stats, f)
const struct tunnel_global_field tunnel_global_fields[] = {
	{ "data packets dropped", "dataPacketsDropped",
	    "l2tpv3d_data_packets_dropped_total",
	    "Data packets that reached the daemon's sockets (the kernel "
	    "carries data).",
	    GF(data_drops) },
	{ "L2TPv2 dropped", "l2tpv2Dropped",
	    "l2tpv3d_l2tpv2_packets_dropped_total", "L2TPv2 packets dropped.",
	    GF(v2_drops) },
	{ "malformed", "malformed", "l2tpv3d_malformed_packets_total",
	    "Packets without a valid control header, owned by no tunnel.",
	    GF(malformed) },
	{ "unknown CCID", "unknownCcid", "l2tpv3d_unknown_ccid_total",
	    "Control messages for a Control Connection ID we do not have.",
	    GF(unknown_ccid) },
	{ "unknown peers", "unknownPeers", "l2tpv3d_sccrq_refused_total",
	    "SCCRQs refused: the peer is not configured.", GF(unknown_peer) },
	{ "stateless StopCCNs", "statelessStopccn",
	    "l2tpv3d_stateless_stopccn_total",
	    "StopCCNs sent without a tunnel (answers to refused SCCRQs).",
	    GF(stateless_stopccn) },
	{ "SCCRQ retransmissions", "sccrqRetransmissions",
	    "l2tpv3d_sccrq_retransmissions_total",
	    "SCCRQs that repeated one a half-open connection answered.",
	    GF(sccrq_retransmits) },
	{ "half-open dropped", "halfOpenDropped",
	    "l2tpv3d_half_open_dropped_total",
	    "Half-open connections dropped, the oldest first, to make room "
	    "(max-half-open, max-half-open-per-peer).",
	    GF(half_open_dropped) },
	{ "connections replaced", "connectionsReplaced",
	    "l2tpv3d_connections_replaced_total",
	    "Connections retired once a new one from the same peer was "
	    "proven.",
	    GF(replaced) },
};
#undef GF
const size_t tunnel_global_nfields =
    sizeof(tunnel_global_fields) / sizeof(tunnel_global_fields[0]);

uint64_t
tunnel_global_value(
    const struct tunnel_global_stats *g, const struct tunnel_global_field *f)
{
	uint64_t v;

	memcpy(&v, (const char *)g + f->off, sizeof(v));
	return v;
}

/* --- half-open connections and candidates -------------------------- */

static int conf_same(const struct tunnel_conf *, const struct tunnel_conf *);

/*
 * A configured tunnel's primary, idle until this SCCRQ, holds its
 * half-open connection in its own slot: one per configured tunnel, so
 * the configuration bounds them, and the caps (max-half-open,
 * max-half-open-per-peer) count only the connections an SCCRQ creates
 * beside a busy primary (candidates).  A concentrator that opens all
 * its tunnels at once is not cut down to the caps (issue 14's restart
 * storm: 10 000 tunnels against a cap of 4 096).
 */
static void
half_add(struct tunnel *t)
{
	if (t->in_half)
		return;
	idt_insert(&tn.by_half, &t->by_half, addr_hash(&t->peer));
	t->in_half = 1;
	t->half_own = t->primary;
	if (t->half_own)
		return;
	TAILQ_INSERT_TAIL(&tn.half, t, half_entry);
	t->half_seq = ++tn.half_seq;
	tn.nhalf++;
}

static void
half_remove(struct tunnel *t)
{
	if (!t->in_half)
		return;
	idt_remove(&tn.by_half, &t->by_half);
	t->in_half = 0;
	if (t->half_own) {
		t->half_own = 0;
		return;
	}
	TAILQ_REMOVE(&tn.half, t, half_entry);
	tn.nhalf--;
}

/*
 * The half-open connection this very SCCRQ created: same address and
 * port, same Assigned Control Connection ID, same bytes.  Only that is
 * a retransmission; anything else from the peer is a new connection.
 */
static struct tunnel *
half_find(const struct tp_packet *pkt, uint32_t peer_ccid, uint32_t hash)
{
	struct idt_node *n = idt_find(&tn.by_half, addr_hash(&pkt->peer));
	struct tunnel *t;

	for (; n != NULL; n = idt_find_next(n)) {
		t = idt_entry(n, struct tunnel, by_half);
		if (addr_equal(&t->peer, &pkt->peer) &&
		    addr_port(&t->peer) == addr_port(&pkt->peer) &&
		    t->framing == pkt->framing && t->peer_ccid == peer_ccid &&
		    t->sccrq_hash == hash)
			return t;
	}
	return NULL;
}

static void
half_drop(struct tunnel *t)
{
	static struct log_rate lr;
	char abuf[64];

	tn.stats.half_open_dropped++;
	log_ratelimited(&lr, LOG_WARNING,
	    "tunnel %s: too many half-open connections, dropping the oldest "
	    "(from %s port %u, %llu dropped so far)",
	    t->conf->name, addr_str(&t->peer, abuf, sizeof(abuf)),
	    addr_port(&t->peer),
	    (unsigned long long)tn.stats.half_open_dropped);
	ccfsm_event(t, CCE_EVICT);
	tunnel_settle(t);
}

/* Room for one more half-open connection from peer: the oldest from
 * that address go first, then the oldest of all. */
static void
half_make_room(const struct sockaddr_storage *peer)
{
	struct idt_node *n;
	struct tunnel *t, *oldest;
	size_t count;

	for (;;) {
		count = 0;
		oldest = NULL;
		n = idt_find(&tn.by_half, addr_hash(peer));
		for (; n != NULL; n = idt_find_next(n)) {
			t = idt_entry(n, struct tunnel, by_half);
			if (t->half_own || !addr_equal(&t->peer, peer))
				continue;
			count++;
			if (oldest == NULL || t->half_seq < oldest->half_seq)
				oldest = t;
		}
		if (count < tn.conf->half_open_per_peer || oldest == NULL)
			break;
		half_drop(oldest);
	}
	while (tn.nhalf >= tn.conf->half_open_max && !TAILQ_EMPTY(&tn.half))
		half_drop(TAILQ_FIRST(&tn.half));
}

/* A connection beside p's, for a new SCCRQ: no sessions, not primary. */
static struct tunnel *
tunnel_candidate_new(const struct tunnel *p)
{
	struct tunnel *c = tunnel_alloc(p->conf, NULL, 0);

	if (c != NULL)
		c->conf->debug = p->conf->debug;
	return c;
}

/* The primary a candidate would replace: same name and settings (a
 * reload may have changed them since). */
static struct tunnel *
tunnel_owner(const struct tunnel *c)
{
	struct idt_node *n = idt_find(&tn.by_peer, addr_hash(&c->conf->remote));
	struct tunnel *p;

	for (; n != NULL; n = idt_find_next(n)) {
		p = idt_entry(n, struct tunnel, by_peer);
		if (strcmp(p->conf->name, c->conf->name) == 0)
			return conf_same(p->conf, c->conf) ? p : NULL;
	}
	return NULL;
}

static void
counters_add(struct tunnel_counters *to, const struct tunnel_counters *from)
{
	size_t i;

	for (i = 0; i < TUNNEL_NTYPES; i++) {
		to->sent[i] += from->sent[i];
		to->received[i] += from->received[i];
		to->retransmitted[i] += from->retransmitted[i];
	}
	to->digest_failures += from->digest_failures;
	to->malformed += from->malformed;
	to->bad_nr += from->bad_nr;
	to->state_changes += from->state_changes;
	to->zlb_sent += from->zlb_sent;
	to->ack_sent += from->ack_sent;
	to->duplicates += from->duplicates;
	to->retransmits += from->retransmits;
}

/*
 * A candidate has proven itself (the peer answered our SCCRP, with the
 * digest and nonces when configured): it becomes the tunnel, and the
 * connection it replaces closes.  A peer that reused its connection ID
 * has forgotten the old connection, and a StopCCN would reach its new
 * one: that old connection closes without a word.
 */
static int
tunnel_promote(struct tunnel *c)
{
	struct tunnel *p = tunnel_owner(c);
	struct tunnel_conf *conf;
	char abuf[64];

	if (p == NULL || (conf = config_tunnel_dup(p->conf)) == NULL)
		return -1;
	if (session_tunnel_attach(c, NULL, p) == -1) {
		config_tunnel_free(conf);
		return -1;
	}
	counters_add(&c->ctr, &p->ctr);
	memset(&p->ctr, 0, sizeof(p->ctr));
	/* The tunnel's settings as they are now: a reload may have changed
	 * timers, debug or scripts in place since the SCCRQ. */
	explicit_bzero(c->conf->secret, sizeof(c->conf->secret));
	config_tunnel_free(c->conf);
	c->conf = conf;
	rl_set_timers(c->rl, conf->timers.retransmit_initial,
	    conf->timers.retransmit_cap, conf->timers.retries);
	(void)tunnel_demote(p, 0);
	tunnel_make_primary(c);
	tn.stats.replaced++;
	log_info("tunnel %s: new connection from %s port %u established "
		 "(local %u, remote %u), closing the one in state %s",
	    c->conf->name, addr_str(&c->peer, abuf, sizeof(abuf)),
	    addr_port(&c->peer), c->local_ccid, c->peer_ccid,
	    cc_state_name(p->state));
	if (p->state & CC_OPEN_STATES) {
		if (p->peer_ccid == c->peer_ccid &&
		    addr_equal(&p->peer, &c->peer))
			p->quiet = 1;
		tunnel_set_stop(p, L2TP_STOPCCN_GENERAL_CLEAR, 0,
		    "replaced by a new connection");
	}
	ccfsm_event(p, CCE_CLOSE);
	if (p->state == CC_CLOSING)
		tunnel_yield_socket(p, c);
	tunnel_settle(p);
	return 0;
}

/*
 * The first retry after a loss comes soon, TN_FIRST_RETRY_MS plus a
 * random share of a window that grows with the number of tunnels
 * (TN_STORM_US each, at most retry-interval): when a peer that holds
 * all of them restarts, they come back spread out at a pace it can
 * take, and a lone tunnel does not wait for nothing.  Later retries
 * back off from retry-interval, with up to a quarter more at random.
 */
#define TN_FIRST_RETRY_MS 1000
#define TN_STORM_US 400
/* Attempts in a row without backoff while the peer restarts. */
#define TN_PEER_GOING_MAX 30

static uint64_t
first_retry_ms(uint64_t base_s)
{
	uint64_t window = (uint64_t)tn.ntunnels * TN_STORM_US / 1000;

	if (window > base_s * 1000)
		window = base_s * 1000;
	return TN_FIRST_RETRY_MS + arc4random_uniform((uint32_t)window + 1);
}

static void
tunnel_schedule_retry(struct tunnel *t)
{
	uint64_t base =
	    t->conf->timers.retry_interval ? t->conf->timers.retry_interval : 1;
	uint64_t delay, ms;

	/* An attempt that went unanswered while the peer restarts is no
	 * failure of ours either (tunnel_reopen_soon). */
	if (t->failures > 0 && t->peer_going > 0 &&
	    t->peer_going < TN_PEER_GOING_MAX) {
		t->failures = 0;
		t->peer_going++;
	}
	if (t->failures == 0)
		ms = first_retry_ms(base);
	else {
		delay = base << (t->failures < 16 ? t->failures - 1 : 15);
		if (delay > TN_RETRY_CAP_S)
			delay = TN_RETRY_CAP_S;
		ms = delay * 1000 +
		    arc4random_uniform((uint32_t)(delay * 250) + 1);
	}
	t->failures++;
	log_info("tunnel %s: retrying in %llu.%03llu s", t->conf->name,
	    (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000));
	timer_arm(t->ev_state, ms);
}

/* End of every event handler: release what died, re-arm what lives. */
static void
tunnel_settle(struct tunnel *t)
{
	if (t->state != CC_DEAD) {
		tunnel_rl_rearm(t);
		return;
	}
	tunnel_conn_release(t);
	if (!t->primary) {
		tunnel_free(t);
		return;
	}
	tunnel_set_state(t, CC_IDLE);
	if (tn.shutting_down || t->conf->mode != TUNNEL_DYNAMIC)
		return;
	if (t->conf->initiate && t->conf->persist)
		tunnel_schedule_retry(t);
}

/* Frozen for a graceful restart, a timer that fires waits for the thaw
 * (the new process has its deadline): no polling, which would take the
 * CPU the new process needs (10 000 tunnels). */
#define TN_FIRED_STATE 1
#define TN_FIRED_RL 2

static void
tunnel_state_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tunnel *t = arg;

	if (tn.frozen) {
		t->fired_frozen |= TN_FIRED_STATE;
		return;
	}

	switch (t->state) {
	case CC_IDLE:
		if (!(t->conf->initiate || t->recovering) || tn.shutting_down ||
		    !t->primary) {
			tunnel_pace_forget(t);
			break;
		}
		/* Full window: the pace arms our timer when it is our
		 * turn. */
		if (!tunnel_pace_admit(t))
			break;
		t->recovering = 0;
		ccfsm_event(t, CCE_OPEN);
		if (t->state != CC_WAIT_CTL_REPLY)
			tunnel_pace_done(t, 0);
		break;
	case CC_ESTABLISHED:
		/* hello-interval seconds of silence: the HELLO goes out
		 * reliably, so a dead peer shows as retries running out. */
		if (tunnel_send(t, L2TP_MT_HELLO) == 0)
			timer_arm(t->ev_state,
			    (uint64_t)t->conf->timers.hello_interval * 1000);
		break;
	case CC_WAIT_CTL_CONN:
	case CC_CLOSING:
		ccfsm_event(t, CCE_TIMEOUT);
		break;
	}
	tunnel_settle(t);
}

static void
tunnel_rl_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tunnel *t = arg;

	if (tn.frozen) {
		t->fired_frozen |= TN_FIRED_RL;
		return;
	}
	t->rl_deadline = 0;
	if (t->rl != NULL)
		rl_timer(t->rl, now_ms());
	tunnel_settle(t);
}

static void
tunnel_hello_rearm(struct tunnel *t)
{
	if (t->state == CC_ESTABLISHED && t->conf->timers.hello_interval > 0)
		timer_arm(t->ev_state,
		    (uint64_t)t->conf->timers.hello_interval * 1000);
}

/* --- FSM actions --------------------------------------------------- */

/*
 * A persistent tunnel whose connection ends does not wait for it: the
 * old connection lingers in closing (it still acknowledges a
 * retransmitted StopCCN) while a new primary tries again on
 * tunnel_schedule_retry's schedule (soon after the loss of an
 * established connection, backing off after failed attempts).  A peer
 * that restarted gets its tunnels back within seconds, not after the
 * closing hold (31 s).
 */

static void
tunnel_reopen_soon(struct tunnel *t)
{
	struct tunnel *n;

	if (!t->primary || tn.shutting_down ||
	    t->conf->mode != TUNNEL_DYNAMIC || !t->conf->initiate ||
	    !t->conf->persist)
		return;
	if ((n = tunnel_demote(t, 1)) == NULL)
		return;
	/* A peer that says it is shutting down is likely restarting: no
	 * failure of ours, so no backoff for a while (TN_PEER_GOING_MAX
	 * attempts refused or unanswered in a row). */
	if (!t->stop_sent && t->stop_result == L2TP_STOPCCN_SHUTTING_DOWN &&
	    t->peer_going < TN_PEER_GOING_MAX) {
		n->failures = 0;
		n->peer_going = t->peer_going + 1;
	}
	tunnel_schedule_retry(n);
}

void
tunnel_set_state(struct tunnel *t, int state)
{
	int old = t->state;

	if (old == state)
		return;
	t->state = state;
	t->ctr.state_changes++;
	NOTIFY(changed, t);
	evtimer_del(t->ev_state);
	if (old == CC_WAIT_CTL_CONN)
		half_remove(t);
	/* An opening ends; an idle waiter that got busy otherwise leaves
	 * the queue (tunnel_pace.c). */
	if (old == CC_WAIT_CTL_REPLY)
		tunnel_pace_done(t, state == CC_ESTABLISHED);
	else if (state != CC_WAIT_CTL_REPLY)
		tunnel_pace_forget(t);
	/* Answered SCCRQs had no socket of their own until now. */
	if (state == CC_ESTABLISHED && tunnel_own_socket(t) == -1)
		log_warnx("tunnel %s: no socket of its own; the kernel "
			  "dataplane cannot use it",
		    t->conf->name);
	if (state == CC_ESTABLISHED || old == CC_ESTABLISHED)
		log_info("tunnel %s: %s -> %s (local %u, remote %u, %s)",
		    t->conf->name, cc_state_name(old), cc_state_name(state),
		    t->local_ccid, t->peer_ccid, t->cisco ? "cisco" : "ietf");
	switch (state) {
	case CC_ESTABLISHED:
		t->up_since = now_s();
		t->failures = 0;
		t->peer_going = 0;
		t->recovering = 0;
		tunnel_hello_rearm(t);
		break;
	case CC_WAIT_CTL_CONN:
	case CC_CLOSING:
		timer_arm(t->ev_state, tunnel_hold_ms(t));
		/* FALLTHROUGH */
	default:
		t->up_since = 0;
		break;
	}
	/* Calls live only on an established connection; when it ends the
	 * peer ends its calls too, so no CDN goes out. */
	if (state == CC_ESTABLISHED) {
		NOTIFY(up, t);
		session_tunnel_up(t);
	} else if (old == CC_ESTABLISHED) {
		session_tunnel_down(t);
		NOTIFY(down, t);
	}
	if (state == CC_CLOSING)
		tunnel_reopen_soon(t);
}

void
tunnel_set_stop(
    struct tunnel *t, uint16_t result, uint16_t error, const char *msg)
{
	t->stop_result = result;
	t->stop_error = error;
	snprintf(t->stop_msg, sizeof(t->stop_msg), "%.*s",
	    (int)sizeof(t->stop_msg) - 1, msg ? msg : "");
}

int
tunnel_act_send_sccrq(struct tunnel *t)
{
	if (tunnel_conn_setup(t, NULL) == -1)
		return -1;
	t->initiator = 1;
	t->tie_breaker = (uint64_t)arc4random() << 32 | arc4random();
	/* The peer is restarting: its port may be closed for seconds.  Our
	 * probe is repeated every retransmit-initial, not backed off to
	 * retransmit-cap, so that we hear within a second when it is back;
	 * the opening pace (tunnel_pace.c) keeps the probes to a few per
	 * peer.  Once it answers, SCCRQs back off as usual: an LNS busy
	 * with thousands of them is not sent each again every second. */
	if (t->peer_going && tunnel_pace_probing(t))
		rl_set_timers(t->rl, t->conf->timers.retransmit_initial,
		    t->conf->timers.retransmit_initial,
		    t->conf->timers.retries);
	return tunnel_send(t, L2TP_MT_SCCRQ);
}

int
tunnel_act_send_sccrp(struct tunnel *t)
{
	return tunnel_send(t, L2TP_MT_SCCRP);
}

int
tunnel_act_send_scccn(struct tunnel *t)
{
	return tunnel_send(t, L2TP_MT_SCCCN);
}

int
tunnel_act_establish(struct tunnel *t)
{
	/* The reliable layer acknowledges the SCCCN.  A candidate now
	 * replaces the tunnel's connection. */
	return t->primary ? 0 : tunnel_promote(t);
}

int
tunnel_act_peer_stopped(struct tunnel *t)
{
	char vis[STR_VIS_SIZE(TUNNEL_TEXT_MAX)];

	log_info(
	    "tunnel %s: peer closed the connection: result %u error %u%s%s",
	    t->conf->name, t->stop_result, t->stop_error,
	    t->stop_msg[0] ? ": " : "", str_vis(vis, sizeof(vis), t->stop_msg));
	return 0;
}

int
tunnel_act_send_stopccn(struct tunnel *t)
{
	log_info("tunnel %s: sending StopCCN result %u error %u%s%s",
	    t->conf->name, t->stop_result, t->stop_error,
	    t->stop_msg[0] ? ": " : "", t->stop_msg);
	t->stop_sent = 1;
	/* A StopCCN to Control Connection ID 0 addresses no connection
	 * (proto/'s schema refuses it, as a peer does): with no ID from the
	 * peer the connection just closes. */
	if (t->peer_ccid == 0)
		return 0;
	return tunnel_send(t, L2TP_MT_STOPCCN);
}

int
tunnel_act_teardown(struct tunnel *t)
{
	log_debug("tunnel %s: connection released", t->conf->name);
	return 0;
}

int
tunnel_act_quiet_close(struct tunnel *t)
{
	/* Our SCCRQ must not be retransmitted: arriving after the peer's
	 * connection is up, it would look like a peer that restarted. */
	t->quiet = 1;
	log_info("tunnel %s: lost the tie break, answering the peer's SCCRQ",
	    t->conf->name);
	return 0;
}

/* --- receiving ----------------------------------------------------- */

static void
copy_string_avp(const struct l2tp_msg *m, uint16_t type, char *out, size_t len)
{
	const struct l2tp_avp *a = l2tp_msg_find(m, 0, type);

	out[0] = '\0';
	if (a != NULL)
		(void)avp_get_string(a, out, len);
}

/* Cisco draft mode: vendor-9 IDs in place of the IETF ones.  A Cisco in
 * "IETF mode" sends both and is answered in IETF. */
static int
msg_is_cisco_draft(const struct l2tp_msg *m)
{
	int cisco_ids = l2tp_msg_find(m, L2TP_VENDOR_CISCO,
			    L2TP_CISCO_DRAFT_AVP_VERSION) != NULL ||
	    l2tp_msg_find(m, L2TP_VENDOR_CISCO, L2TP_CISCO_ASSIGNED_CCID) !=
		NULL;

	return cisco_ids && l2tp_msg_find(m, 0, L2TP_AVP_ASSIGNED_CCID) == NULL;
}

static uint32_t
msg_assigned_ccid(const struct l2tp_msg *m)
{
	const struct l2tp_avp *a = l2tp_msg_find_alias(
	    m, L2TP_AVP_ASSIGNED_CCID, L2TP_CISCO_ASSIGNED_CCID);
	uint32_t v;

	return a != NULL && avp_get_u32(a, &v) == 0 ? v : 0;
}

/* A Challenge in SCCRQ/SCCRP is answered in our SCCRP/SCCCN. */
static void
record_challenge(struct tunnel *t, const struct l2tp_msg *m)
{
	const struct l2tp_avp *a = l2tp_msg_find(m, 0, L2TP_AVP_CHALLENGE);
	size_t len;

	t->peer_challenge_len = 0;
	if (a != NULL && !a->hidden &&
	    avp_get_bytes(
		a, t->peer_challenge, sizeof(t->peer_challenge), &len) == 0)
		t->peer_challenge_len = (uint8_t)len;
}

/*
 * When we challenged the peer, its SCCRP (initiator side) or SCCCN
 * (responder side) must answer; a wrong or missing answer means the peer
 * does not know the secret: StopCCN "not authorised".
 */
static int
challenge_answered(struct tunnel *t, const struct l2tp_msg *m)
{
	if (!t->challenge_sent)
		return 1;
	if (l2tp_challenge_verify(m, (uint8_t)m->type, t->conf->secret,
		t->conf->secret_len, t->local_challenge,
		sizeof(t->local_challenge)) == 0)
		return 1;
	t->ctr.digest_failures++;
	log_warnx("tunnel %s: %s with a missing or wrong Challenge Response",
	    t->conf->name, l2tp_msg_type_name(m->type));
	tunnel_set_stop(
	    t, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "challenge response mismatch");
	ccfsm_event(t, CCE_RX_BAD);
	return 0;
}

/* What SCCRQ and SCCRP tell us about the peer. */
static void
record_peer(struct tunnel *t, const struct l2tp_msg *m)
{
	const struct l2tp_avp *a;
	uint16_t rws;

	t->peer_ccid = msg_assigned_ccid(m);
	copy_string_avp(
	    m, L2TP_AVP_HOST_NAME, t->peer_hostname, sizeof(t->peer_hostname));
	copy_string_avp(
	    m, L2TP_AVP_VENDOR_NAME, t->peer_vendor, sizeof(t->peer_vendor));
	if ((a = l2tp_msg_find(m, 0, L2TP_AVP_ROUTER_ID)) != NULL)
		(void)avp_get_u32(a, &t->peer_router_id);
	a = l2tp_msg_find(m, 0, L2TP_AVP_RECV_WINDOW);
	if (a != NULL && avp_get_u16(a, &rws) == 0 && rws > 0) {
		t->peer_rws = rws;
		rl_set_peer_window(t->rl, rws);
	}
	if (t->conf->dialect == DIALECT_AUTO)
		t->cisco = msg_is_cisco_draft(m);
	record_challenge(t, m);
}

static void
record_stop(struct tunnel *t, const struct l2tp_msg *m)
{
	const struct l2tp_avp *a = l2tp_msg_find(m, 0, L2TP_AVP_RESULT_CODE);
	struct rbuf r;
	size_t n;

	tunnel_set_stop(t, 0, 0, NULL);
	if (a == NULL)
		return;
	avp_reader(a, &r);
	(void)rbuf_get_u16(&r, &t->stop_result);
	(void)rbuf_get_u16(&r, &t->stop_error);
	n = rbuf_left(&r);
	if (n >= sizeof(t->stop_msg))
		n = sizeof(t->stop_msg) - 1;
	if (rbuf_get_bytes(&r, t->stop_msg, n) == 0)
		t->stop_msg[n] = '\0';
}

static void
tunnel_dispatch(struct tunnel *t, const struct l2tp_msg *m)
{
	switch (m->type) {
	case L2TP_MT_SCCRQ:
		record_peer(t, m);
		ccfsm_event(t, CCE_RX_SCCRQ);
		break;
	case L2TP_MT_SCCRP:
		if (t->state == CC_WAIT_CTL_REPLY)
			record_peer(t, m);
		if (t->peer_ccid == 0) {
			tunnel_set_stop(t, L2TP_STOPCCN_GENERAL_ERROR,
			    L2TP_ERR_BAD_VALUE,
			    "no Assigned Control Connection ID");
			ccfsm_event(t, CCE_RX_BAD);
			break;
		}
		if (challenge_answered(t, m))
			ccfsm_event(t, CCE_RX_SCCRP);
		break;
	case L2TP_MT_SCCCN:
		if (!t->primary && t->state == CC_WAIT_CTL_CONN &&
		    tunnel_owner(t) == NULL) {
			/* Its tunnel was removed or changed meanwhile. */
			tunnel_set_stop(t, L2TP_STOPCCN_GENERAL_CLEAR, 0,
			    "tunnel no longer configured");
			ccfsm_event(t, CCE_RX_BAD);
			break;
		}
		if (challenge_answered(t, m))
			ccfsm_event(t, CCE_RX_SCCCN);
		break;
	case L2TP_MT_STOPCCN:
		if (t->state != CC_CLOSING)
			record_stop(t, m);
		ccfsm_event(t, CCE_RX_STOPCCN);
		break;
	case L2TP_MT_HELLO:
		/* Its acknowledgement is all a HELLO asks for. */
		break;
	case L2TP_MT_ICRQ:
	case L2TP_MT_ICRP:
	case L2TP_MT_ICCN:
	case L2TP_MT_CDN:
	case L2TP_MT_WEN:
	case L2TP_MT_SLI:
		if (t->state == CC_ESTABLISHED)
			session_input(t, m);
		else
			log_debug("tunnel %s: %s ignored in state %s",
			    t->conf->name, l2tp_msg_type_name(m->type),
			    cc_state_name(t->state));
		break;
	default:
		log_debug("tunnel %s: %s ignored", t->conf->name,
		    l2tp_msg_type_name(m->type));
		break;
	}
}

/*
 * Count what the peer sends that we accept against the RFC's letter, and
 * say so once per kind: an operator sees what the peer does without a
 * log line per message.
 */
static void
tunnel_tolerate(
    struct tunnel *t, const struct l2tp_msg *m, const struct l2tp_verdict *v)
{
	char label[96];
	unsigned int d;

	for (d = 0; d < L2TP_DEV__COUNT; d++) {
		if (!(v->deviations & (1u << d)))
			continue;
		t->ctr.tolerated[d]++;
		if (t->ctr.tolerated_logged & (1u << d))
			continue;
		t->ctr.tolerated_logged |= (uint8_t)(1u << d);
		l2tp_avp_label(v->dev_avp[d].vendor, v->dev_avp[d].type, label,
		    sizeof(label));
		log_info("tunnel %s: tolerating the peer's %s: %s in %s "
			 "(counted, logged once)",
		    t->conf->name, l2tp_deviation_name(d), label,
		    l2tp_msg_type_name(m->type));
	}
}

static void
rl_cb_deliver(void *arg, const uint8_t *dgram, size_t len)
{
	struct tunnel *t = arg;
	struct l2tp_msg *m = &dl_msg;
	struct l2tp_decode_err err;
	struct l2tp_verdict v;

	if (l2tp_ctrl_decode(dgram, len, t->framing, m, &err) == -1) {
		t->ctr.malformed++;
		return;
	}
	t->ctr.received[type_slot(m->type)]++;
	tunnel_dump(t, "recv", m);
	if (t->conf->secret_len > 0 &&
	    l2tp_msg_unhide(m, t->conf->secret, t->conf->secret_len, &err) ==
		-1) {
		tunnel_set_stop(t, L2TP_STOPCCN_GENERAL_ERROR,
		    L2TP_ERR_BAD_VALUE, "cannot unhide AVP");
		ccfsm_event(t, CCE_RX_BAD);
		return;
	}
	if (l2tp_msg_validate(m, &v) == 0) {
		if (v.deviations != 0)
			tunnel_tolerate(t, m, &v);
		tunnel_dispatch(t, m);
		return;
	}
	switch (v.action) {
	case L2TP_ACT_STOPCCN:
		log_warnx("tunnel %s: bad %s: %s", t->conf->name,
		    l2tp_msg_type_name(m->type), v.reason);
		/* The StopCCN goes to the peer's connection, which an SCCRP
		 * we refuse still names. */
		if (t->peer_ccid == 0 && m->type == L2TP_MT_SCCRP)
			t->peer_ccid = msg_assigned_ccid(m);
		tunnel_set_stop(t, v.result, v.error, v.reason);
		ccfsm_event(t, CCE_RX_BAD);
		break;
	case L2TP_ACT_CDN:
		if (t->state == CC_ESTABLISHED)
			session_input_bad(t, m, &v);
		else
			log_warnx("tunnel %s: bad %s in state %s: %s",
			    t->conf->name, l2tp_msg_type_name(m->type),
			    cc_state_name(t->state), v.reason);
		break;
	case L2TP_ACT_DROP:
		t->ctr.malformed++;
		log_debug("tunnel %s: dropped %s: %s", t->conf->name,
		    l2tp_msg_type_name(m->type), v.reason);
		break;
	default:
		break;
	}
}

int
tunnel_msg_authentic(struct tunnel *t, const struct l2tp_msg *m)
{
	char abuf[64];

	/* A ZLB cannot carry a digest: on a tunnel with one it proves
	 * nothing, so it acknowledges nothing (RFC 3931 5.4.1; we and
	 * Cisco acknowledge with a signed ACK). */
	if (t->auth.alg == L2TP_DIGEST_NONE)
		return 1;
	if (m->type == L2TP_MT_SCCRQ || m->type == L2TP_MT_SCCRP)
		(void)l2tp_auth_take_peer_nonce(&t->auth, m);
	if (l2tp_digest_verify(&t->auth, m) == 0)
		return 1;
	t->ctr.digest_failures++;
	/* Logged at 1, 2, 4, 8...: visible, never a flood. */
	if ((t->ctr.digest_failures & (t->ctr.digest_failures - 1)) == 0)
		log_warnx("tunnel %s: %s from %s with a missing or wrong "
			  "digest dropped (%llu so far)",
		    t->conf->name, l2tp_msg_type_name(m->type),
		    addr_str(&t->peer, abuf, sizeof(abuf)),
		    (unsigned long long)t->ctr.digest_failures);
	return 0;
}

static void
tunnel_rx(struct tunnel *t, const struct tp_packet *pkt)
{
	struct l2tp_msg *m = &rx_msg;
	struct l2tp_decode_err err;

	if (t->rl == NULL || pkt->framing != t->framing ||
	    !addr_equal(&pkt->peer, &t->peer)) {
		tn.stats.unknown_ccid++;
		return;
	}
	if (l2tp_ctrl_decode(pkt->data, pkt->len, pkt->framing, m, &err) ==
	    -1) {
		t->ctr.malformed++;
		log_debug("tunnel %s: malformed message dropped: %s",
		    t->conf->name, l2tp_strerror(err.code));
		return;
	}
	if (!tunnel_msg_authentic(t, m))
		return;
	/* RFC 3931 lets the responder answer from another port. */
	if (t->state == CC_WAIT_CTL_REPLY && t->kind == TP_UDP &&
	    addr_port(&pkt->peer) != addr_port(&t->peer)) {
		t->peer = pkt->peer;
		if (connect(t->fd, (const struct sockaddr *)&t->peer,
			addr_len(&t->peer)) == -1)
			log_warn("tunnel %s: reconnect", t->conf->name);
	}
	(void)tunnel_msg_sequence(t, m, pkt->data, pkt->len);
}

int
tunnel_msg_sequence(struct tunnel *t, const struct l2tp_msg *m,
    const uint8_t *dgram, size_t len)
{
	int is_ack = l2tp_msg_is_ack(m);

	if (is_ack) {
		t->ctr.received[m->type == L2TP_MT_ZLB ? 0 : L2TP_MT_ACK]++;
		tunnel_dump(t, "recv", m);
	}
	if (rl_recv(t->rl, m->hdr.ns, m->hdr.nr, is_ack, dgram, len,
		now_ms()) == -1) {
		t->ctr.bad_nr++;
		log_debug("tunnel %s: %s acknowledging Nr %u we never sent: "
			  "dropped",
		    t->conf->name, l2tp_msg_type_name(m->type), m->hdr.nr);
		return -1;
	}
	/* Only a message that passed every check shows the peer alive. */
	tunnel_hello_rearm(t);
	return 0;
}

/* --- SCCRQs: new connections --------------------------------------- */

/*
 * Refuse the SCCRQ m (from pkt) with a StopCCN and no connection.  It
 * carries an Assigned Control Connection ID of ours, unused, as Cisco's
 * refusals do: the peer needs one to acknowledge it, and a zero one is
 * invalid.  Its acknowledgement then finds no connection, and is counted.
 */
static void
stateless_stopccn(const struct tp_packet *pkt, const struct l2tp_msg *m,
    uint16_t result, uint16_t error, const char *text)
{
	struct tp_listener *l = pkt->via;
	uint32_t peer_ccid = msg_assigned_ccid(m);
	uint8_t buf[512];
	size_t len;

	if (l == NULL)
		l = listener_find(pkt->peer.ss_family, pkt->encap);
	if (l == NULL || peer_ccid == 0 ||
	    tmsg_stateless_stopccn(pkt->framing, msg_is_cisco_draft(m),
		peer_ccid, idt_alloc_id(&tn.by_ccid), result, error, text, buf,
		sizeof(buf), &len) == -1)
		return;
	tn.stats.stateless_stopccn++;
	(void)tp_listener_send(l, buf, len, &pkt->peer, &pkt->local);
}

/* The configured tunnel an SCCRQ is for: same address and
 * encapsulation, and the Host Name when the configuration names one. */
static struct tunnel *
sccrq_match(const struct tp_packet *pkt, const char *hostname)
{
	struct idt_node *n = idt_find(&tn.by_peer, addr_hash(&pkt->peer));
	struct tunnel *t, *any = NULL;

	for (; n != NULL; n = idt_find_next(n)) {
		t = idt_entry(n, struct tunnel, by_peer);
		if (!addr_equal(&t->conf->remote, &pkt->peer) ||
		    t->conf->encap != pkt->encap ||
		    t->conf->mode != TUNNEL_DYNAMIC)
			continue;
		if (t->conf->peer_hostname[0] == '\0')
			any = t;
		else if (strcmp(t->conf->peer_hostname, hostname) == 0)
			return t;
	}
	return any;
}

/* 1: our SCCRQ wins, -1: the peer's does, 0: a tie (both give up).
 * RFC 3931: the lower Tie Breaker value wins, and an SCCRQ with one
 * wins over an SCCRQ without. */
static int
tie_break(const struct tunnel *t, const struct l2tp_msg *m)
{
	const struct l2tp_avp *a = l2tp_msg_find(m, 0, L2TP_AVP_TIE_BREAKER);
	uint64_t theirs;

	if (a == NULL || avp_get_u64(a, &theirs) == -1)
		return 1;
	if (t->tie_breaker == theirs)
		return 0;
	return t->tie_breaker < theirs ? 1 : -1;
}

/* Answer the SCCRQ from t, which is idle. */
static void
sccrq_accept(struct tunnel *t, const struct tp_packet *pkt,
    const struct l2tp_msg *m, uint32_t hash)
{
	t->initiator = 0;
	if (tunnel_conn_setup(t, pkt) == -1) {
		tunnel_conn_release(t);
		if (!t->primary)
			tunnel_free(t);
		return;
	}
	t->peer_ccid = msg_assigned_ccid(m);
	t->sccrq_hash = hash;
	if (t->conf->dialect == DIALECT_AUTO)
		t->cisco = msg_is_cisco_draft(m);
	if (t->auth.alg != L2TP_DIGEST_NONE)
		(void)l2tp_auth_take_peer_nonce(&t->auth, m);
	(void)rl_recv(
	    t->rl, m->hdr.ns, m->hdr.nr, 0, pkt->data, pkt->len, now_ms());
	if (t->state == CC_WAIT_CTL_CONN)
		half_add(t);
	else if (t->state == CC_IDLE) {
		/* Not delivered after all: nothing may stay set up for it. */
		tunnel_conn_release(t);
		if (!t->primary) {
			tunnel_free(t);
			return;
		}
	}
	tunnel_settle(t);
}

/* Refusals a peer (or anyone using its address) can cause at will are
 * logged at most once a second each. */
static struct {
	struct log_rate unknown, auth, bad, shutdown, beside, closing;
} sccrq_lr;

static void
sccrq_input(const struct tp_packet *pkt)
{
	struct l2tp_msg *m = &rx_msg;
	struct l2tp_decode_err err;
	struct l2tp_verdict v;
	struct tunnel *t, *old, *closing = NULL;
	char host[TUNNEL_TEXT_MAX], vis[STR_VIS_SIZE(TUNNEL_TEXT_MAX)];
	char abuf[64];
	uint32_t peer_ccid, hash;
	int r;

	/* An SCCRQ opens a connection: its Ns is 0, or the reliable layer
	 * would never deliver it and the connection set up for it would
	 * sit idle with its socket. */
	if (l2tp_ctrl_decode(pkt->data, pkt->len, pkt->framing, m, &err) ==
		-1 ||
	    m->type != L2TP_MT_SCCRQ || m->hdr.ns != 0) {
		tn.stats.malformed++;
		return;
	}
	peer_ccid = msg_assigned_ccid(m);
	copy_string_avp(m, L2TP_AVP_HOST_NAME, host, sizeof(host));
	addr_str(&pkt->peer, abuf, sizeof(abuf));
	if ((t = sccrq_match(pkt, host)) == NULL) {
		tn.stats.unknown_peer++;
		log_ratelimited(&sccrq_lr.unknown, LOG_INFO,
		    "SCCRQ from unknown peer %s (host \"%s\"): not authorized",
		    abuf, str_vis(vis, sizeof(vis), host));
		stateless_stopccn(
		    pkt, m, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "not authorized");
		return;
	}
	/* A retransmission of an SCCRQ we answered and whose SCCCN has not
	 * come yet: the reliable layer acknowledges it again. */
	hash = idt_hash_bytes(pkt->data, pkt->len);
	if ((old = half_find(pkt, peer_ccid, hash)) != NULL) {
		tn.stats.sccrq_retransmits++;
		tunnel_rx(old, pkt);
		tunnel_settle(old);
		return;
	}
	if (t->auth.alg != L2TP_DIGEST_NONE &&
	    l2tp_digest_verify(&t->auth, m) == -1) {
		t->ctr.digest_failures++;
		log_ratelimited(&sccrq_lr.auth, LOG_WARNING,
		    "tunnel %s: SCCRQ from %s failed authentication (%llu so "
		    "far)",
		    t->conf->name, abuf,
		    (unsigned long long)t->ctr.digest_failures);
		stateless_stopccn(pkt, m, L2TP_STOPCCN_NOT_AUTHORIZED, 0,
		    "authentication failed");
		return;
	}
	if (l2tp_msg_validate(m, &v) == -1) {
		t->ctr.malformed++;
		log_ratelimited(&sccrq_lr.bad, LOG_WARNING,
		    "tunnel %s: bad SCCRQ from %s: %s", t->conf->name, abuf,
		    v.reason);
		if (v.action == L2TP_ACT_STOPCCN)
			stateless_stopccn(pkt, m, v.result, v.error, v.reason);
		return;
	}
	if (tn.shutting_down) {
		log_ratelimited(&sccrq_lr.shutdown, LOG_INFO,
		    "tunnel %s: SCCRQ from %s refused: shutting down",
		    t->conf->name, abuf);
		stateless_stopccn(
		    pkt, m, L2TP_STOPCCN_SHUTTING_DOWN, 0, "shutting down");
		return;
	}
	if (peer_ccid == t->refused_ccid) {
		/* A late copy of an SCCRQ that lost the tie break. */
		stateless_stopccn(pkt, m, L2TP_STOPCCN_ALREADY_EXISTS, 0,
		    "lost the tie breaker");
		return;
	}
	if (t->state == CC_WAIT_CTL_REPLY) {
		/* Both sides opened at once. */
		r = tie_break(t, m);
		if (r > 0) {
			log_info("tunnel %s: simultaneous open, our SCCRQ wins",
			    t->conf->name);
			t->refused_ccid = peer_ccid;
			stateless_stopccn(pkt, m, L2TP_STOPCCN_ALREADY_EXISTS,
			    0, "lost the tie breaker");
			return;
		}
		old = t;
		t = tunnel_demote(old, 1);
		ccfsm_event(old, CCE_TIE_LOST);
		tunnel_settle(old);
		if (t == NULL)
			return;
		if (r == 0) {
			/* Equal values: both give up and try again. */
			if (t->conf->initiate)
				tunnel_schedule_retry(t);
			return;
		}
	} else if (t->state == CC_CLOSING) {
		/* The old connection is over; the peer opens anew. */
		log_ratelimited(&sccrq_lr.closing, LOG_INFO,
		    "tunnel %s: new SCCRQ from %s port %u while the connection "
		    "closes: a new connection",
		    t->conf->name, abuf, addr_port(&pkt->peer));
		old = t;
		/* A peer that reuses its connection ID would take our
		 * StopCCN's retransmissions for its new connection's. */
		if (old->peer_ccid == peer_ccid)
			old->quiet = 1;
		t = tunnel_demote(old, 1);
		tunnel_settle(old);
		if (t == NULL)
			return;
		closing = old;
	} else if (t->state != CC_IDLE) {
		/* Established or half-open: the new one must prove itself
		 * before it replaces anything. */
		log_ratelimited(&sccrq_lr.beside, LOG_INFO,
		    "tunnel %s: new SCCRQ from %s port %u: answered beside the "
		    "connection in state %s",
		    t->conf->name, abuf, addr_port(&pkt->peer),
		    cc_state_name(t->state));
		/* Only candidates count against the caps (half_add). */
		half_make_room(&pkt->peer);
		if ((t = tunnel_candidate_new(t)) == NULL)
			return;
	}
	evtimer_del(t->ev_state);
	sccrq_accept(t, pkt, m, hash);
	/* Not freed meanwhile: it lingers for its closing period. */
	if (closing != NULL)
		tunnel_yield_socket(closing, t);
}

/* --- the way in -------------------------------------------------- */

static void
log_v2_peer(const struct sockaddr_storage *peer)
{
	uint32_t h = addr_hash(peer);
	time_t now = now_s();
	struct v2_seen *slot = &tn.v2_seen[h % TN_V2_LOG_SLOTS];
	char abuf[64];

	if (slot->hash == h && slot->when != 0 &&
	    now - slot->when < TN_V2_LOG_INTERVAL_S)
		return;
	slot->hash = h;
	slot->when = now;
	log_warnx("L2TPv2 peer at %s: dropped (this is an L2TPv3 daemon)",
	    addr_str(peer, abuf, sizeof(abuf)));
}

/* The configured dynamic tunnel for this peer address and encapsulation
 * that has no connection at all; NULL when it has one (or none is
 * configured). */
static struct tunnel *
idle_tunnel_of(const struct tp_packet *pkt)
{
	struct idt_node *n = idt_find(&tn.by_peer, addr_hash(&pkt->peer));
	struct tunnel *t;

	for (; n != NULL; n = idt_find_next(n)) {
		t = idt_entry(n, struct tunnel, by_peer);
		if (addr_equal(&t->conf->remote, &pkt->peer) &&
		    t->conf->encap == pkt->encap &&
		    t->conf->mode == TUNNEL_DYNAMIC && t->state == CC_IDLE)
			return t;
	}
	return NULL;
}

/*
 * A message for a connection ID we do not know.  From a configured peer
 * whose tunnel has no connection here, it is a peer that still runs the
 * connection we lost by restarting: unanswered, it would notice only
 * when its retransmissions run out (80 s, issue 10).  We open a new
 * connection instead, whatever `initiate` says; the peer takes it in
 * place of the old one once it completes.  Acknowledgements and StopCCN
 * prompt nothing (they come from connections ending), nor does anything
 * while the tunnel has a connection, and at most one SCCRQ goes out per
 * TN_RECOVER_INTERVAL_S per tunnel, so a spoofed flood from the peer's
 * address costs one SCCRQ every few seconds.
 */
static void
unknown_ccid_input(const struct tp_packet *pkt)
{
	struct tunnel *t;
	uint16_t type;
	time_t now;
	char abuf[64];

	if (tn.shutting_down ||
	    l2tp_ctrl_peek_type(pkt->data, pkt->len, pkt->framing, &type) ==
		-1 ||
	    type == L2TP_MT_ZLB || type == L2TP_MT_ACK ||
	    type == L2TP_MT_STOPCCN || type == L2TP_MT_SCCRQ)
		return;
	if ((t = idle_tunnel_of(pkt)) == NULL || !t->primary)
		return;
	now = now_s();
	if (t->recover_at != 0 && now - t->recover_at < TN_RECOVER_INTERVAL_S)
		return;
	t->recover_at = now;
	log_info("tunnel %s: %s from %s for a connection we do not know "
		 "(we restarted?): opening a new one",
	    t->conf->name, l2tp_msg_type_name(type),
	    addr_str(&pkt->peer, abuf, sizeof(abuf)));
	evtimer_del(t->ev_state);
	ccfsm_event(t, CCE_OPEN);
	tunnel_settle(t);
}

static void
tunnel_input(struct tp_packet *pkt, void *arg)
{
	struct l2tp_ctrl_hdr hdr;
	struct l2tp_decode_err err;
	struct tunnel *t;

	switch (l2tp_classify(pkt->data, pkt->len, pkt->framing)) {
	case L2TP_PKT_CONTROL:
		break;
	case L2TP_PKT_DATA:
		tn.stats.data_drops++;
		return;
	case L2TP_PKT_V2:
		tn.stats.v2_drops++;
		log_v2_peer(&pkt->peer);
		return;
	default:
		tn.stats.malformed++;
		return;
	}
	if (l2tp_ctrl_peek(pkt->data, pkt->len, pkt->framing, &hdr, &err) ==
	    -1) {
		tn.stats.malformed++;
		return;
	}
	if (hdr.ccid == 0) {
		sccrq_input(pkt);
		return;
	}
	if ((t = tunnel_by_ccid(hdr.ccid)) == NULL) {
		tn.stats.unknown_ccid++;
		unknown_ccid_input(pkt);
		return;
	}
	tunnel_rx(t, pkt);
	tunnel_settle(t);
}

/* --- life of the daemon ------------------------------------------- */

/* `listen` as the loader fills it when the file has none (or says the
 * same): every address, port `port`. */
static int
listen_is_default(const struct daemon_conf *conf)
{
	size_t i;

	if (conf->nlisten != 2 ||
	    conf->listen[0].ss_family == conf->listen[1].ss_family)
		return 0;
	for (i = 0; i < 2; i++)
		if (!addr_is_unspecified(&conf->listen[i]) ||
		    addr_port(&conf->listen[i]) != conf->port)
			return 0;
	return 1;
}

/*
 * The default `listen` is opened only when a dynamic UDP tunnel needs
 * it: a daemon with static tunnels alone opens no port to the network.
 * -1 when one is needed and none could open.
 */
static int
listeners_default(const struct daemon_conf *conf)
{
	struct tunnel_conf *tc;
	int needed = 0;
	size_t i;

	if (!listen_is_default(conf) ||
	    listener_find(AF_INET, L2TP_ENCAP_UDP) ||
	    listener_find(AF_INET6, L2TP_ENCAP_UDP))
		return 0;
	TAILQ_FOREACH(tc, &conf->tunnels, entry)
		if (tc->mode == TUNNEL_DYNAMIC && tc->encap == L2TP_ENCAP_UDP)
			needed = 1;
	if (!needed)
		return 0;
	for (i = 0; i < conf->nlisten; i++)
		(void)listener_add(&conf->listen[i], L2TP_ENCAP_UDP);
	if (tn.nlisteners == 0) {
		log_warnx("no listening socket could be opened");
		return -1;
	}
	return 0;
}

/* The control-connection FSM's actions: ctlconn_fsm.c calls them
 * through this table, never by name. */
static const struct ccfsm_ops cc_ops = {
	.act = {
		[CCA_SEND_SCCRQ] = tunnel_act_send_sccrq,
		[CCA_SEND_SCCRP] = tunnel_act_send_sccrp,
		[CCA_SEND_SCCCN] = tunnel_act_send_scccn,
		[CCA_ESTABLISH] = tunnel_act_establish,
		[CCA_PEER_STOPPED] = tunnel_act_peer_stopped,
		[CCA_SEND_STOPCCN] = tunnel_act_send_stopccn,
		[CCA_TEARDOWN] = tunnel_act_teardown,
		[CCA_QUIET_CLOSE] = tunnel_act_quiet_close,
	},
	.set_state = tunnel_set_state,
	.set_stop = tunnel_set_stop,
};

int
tunnels_init(struct event_base *base, struct daemon_conf *conf)
{
	struct tunnel_conf *tc;
	size_t i;

	ccfsm_init(&cc_ops);
	sessions_init(base, tunnel_send_msg);
	tn.base = base;
	tn.conf = conf;
	TAILQ_INIT(&tn.tunnels);
	TAILQ_INIT(&tn.half);
	if (idt_init(&tn.by_ccid, 10) == -1 ||
	    idt_init(&tn.by_peer, 10) == -1 || idt_init(&tn.by_half, 6) == -1)
		return -1;
	if (!listen_is_default(conf)) {
		for (i = 0; i < conf->nlisten; i++)
			(void)listener_add(&conf->listen[i], L2TP_ENCAP_UDP);
		if (tn.nlisteners == 0) {
			log_warnx("no listening socket could be opened");
			return -1;
		}
	}
	if (listeners_default(conf) == -1)
		return -1;
	TAILQ_FOREACH(tc, &conf->tunnels, entry) {
		if (tc->encap == L2TP_ENCAP_IP && tc->mode == TUNNEL_DYNAMIC)
			(void)listener_get(tc->remote.ss_family, L2TP_ENCAP_IP);
		(void)tunnel_new(tc, NULL, 1);
	}
	return 0;
}

/*
 * After a crash the connections open spread over a window that grows
 * with their number, TN_RECOVER_SPREAD_MS apart on average (500 a
 * second), at most TN_RECOVER_WINDOW_MS: 10 000 tunnels do not open in
 * lock-step, and one tunnel does not wait for nothing.
 */
#define TN_RECOVER_SPREAD_MS 2
#define TN_RECOVER_WINDOW_MS 20000

static int
recoverable(const struct tunnel *t)
{
	return t->primary && t->state == CC_IDLE &&
	    t->conf->mode == TUNNEL_DYNAMIC && !t->conf->initiate;
}

void
tunnels_recover(void)
{
	struct tunnel *t;
	unsigned int n = 0, window;

	TAILQ_FOREACH(t, &tn.tunnels, entry) {
		if (recoverable(t))
			n++;
	}
	window = n * TN_RECOVER_SPREAD_MS;
	if (window > TN_RECOVER_WINDOW_MS)
		window = TN_RECOVER_WINDOW_MS;
	TAILQ_FOREACH(t, &tn.tunnels, entry) {
		if (!recoverable(t))
			continue;
		t->recovering = 1;
		timer_arm(t->ev_state, arc4random_uniform(window + 1));
	}
	if (n > 0)
		log_info("the last run did not end cleanly: opening %u "
			 "connection%s that peers may still hold",
		    n, n == 1 ? "" : "s");
}

static int
sockaddr_same(
    const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return a->ss_family == b->ss_family &&
	    (a->ss_family == AF_UNSPEC ||
		(addr_equal(a, b) && addr_port(a) == addr_port(b)));
}

/* Are two settings of a tunnel one connection (a candidate and the
 * primary it would replace: tunnel_owner)?  Everything the peer saw or
 * the kernel holds must match.  Whether a reload restarts a tunnel is
 * the option table's to say, through conf_diff() (tunnels_reload). */
static int
conf_same(const struct tunnel_conf *a, const struct tunnel_conf *b)
{
	return a->mode == b->mode && a->encap == b->encap &&
	    a->family == b->family && a->has_local == b->has_local &&
	    (!a->has_local || sockaddr_same(&a->local, &b->local)) &&
	    sockaddr_same(&a->remote, &b->remote) &&
	    strcmp(a->peer_hostname, b->peer_hostname) == 0 &&
	    a->initiate == b->initiate && a->persist == b->persist &&
	    a->dialect == b->dialect && a->digest == b->digest &&
	    a->digest_kdf == b->digest_kdf && a->secret_len == b->secret_len &&
	    memcmp(a->secret, b->secret, a->secret_len) == 0 &&
	    a->local_tunnel_id == b->local_tunnel_id &&
	    a->remote_tunnel_id == b->remote_tunnel_id;
}

/* Stop a tunnel for good (StopCCN if it is open).  A static tunnel
 * leaves to `next` (NULL: none) the kernel objects it will adopt. */
static void
tunnel_retire(struct tunnel *t, const char *why, const struct tunnel_conf *next)
{
	if (t->state == CC_STATIC)
		NOTIFY(static_stop, t, 0, next);
	(void)tunnel_demote(t, 0);
	/* Every state change goes through the FSM table: idle and static
	 * tunnels just end, open ones send StopCCN first. */
	if (t->state == CC_IDLE || t->state == CC_STATIC)
		evtimer_del(t->ev_state);
	else
		tunnel_set_stop(t, L2TP_STOPCCN_GENERAL_CLEAR, 0, why);
	ccfsm_event(t, CCE_CLOSE);
	tunnel_settle(t);
}

int
tunnel_clear(struct tunnel *t)
{
	if (!t->primary || !(t->state & CC_OPEN_STATES))
		return -1;
	log_info("tunnel %s: cleared by the operator", t->conf->name);
	tunnel_set_stop(t, L2TP_STOPCCN_GENERAL_CLEAR, 0, "cleared");
	ccfsm_event(t, CCE_CLOSE);
	tunnel_settle(t);
	return 0;
}

/*
 * Timers change in place (issue 12: a new hello-interval must not cost
 * the pseudowires): the retransmission settings from the next
 * transmission on, hello-interval from now (the silence so far counts),
 * retry-interval at the next retry, hold times from the next one.  The
 * receive window we advertised stays for this connection; the new one
 * goes into the next SCCRQ/SCCRP.
 */
static int
timers_same(const struct timer_conf *a, const struct timer_conf *b)
{
	return a->hello_interval == b->hello_interval &&
	    a->rx_window == b->rx_window &&
	    a->retransmit_initial == b->retransmit_initial &&
	    a->retransmit_cap == b->retransmit_cap &&
	    a->retries == b->retries && a->retry_interval == b->retry_interval;
}

static void
tunnel_reload_timers(struct tunnel *t, const struct tunnel_conf *tc)
{
	const struct timer_conf *n = &tc->timers;

	if (timers_same(&t->conf->timers, n))
		return;
	log_info("tunnel %s: timers changed in place (hello %u s, "
		 "retransmit %u-%u ms, %u retries)",
	    t->conf->name, n->hello_interval, n->retransmit_initial,
	    n->retransmit_cap, n->retries);
	t->conf->timers = *n;
	if (t->rl != NULL)
		rl_set_timers(t->rl, n->retransmit_initial, n->retransmit_cap,
		    n->retries);
	if (t->state == CC_ESTABLISHED) {
		evtimer_del(t->ev_state);
		tunnel_hello_rearm(t);
	}
}

/* `debug tunnel` at run time outlives reloads that leave the tunnel's
 * `debug` option as it was; a changed option wins. */
static void
tunnel_reload_debug(struct tunnel *t, const struct tunnel_conf *tc)
{
	const struct tunnel_conf *old = NULL;

	if (tn.conf != NULL)
		old = config_find_tunnel(tn.conf, t->conf->name);
	if (old == NULL || old->debug != tc->debug)
		t->conf->debug = tc->debug ? TUNNEL_DEBUG_ALL : 0;
}

void
tunnels_reload(struct daemon_conf *nc)
{
	struct tunnel *t, *next, *last = TAILQ_LAST(&tn.tunnels, tunnel_list);
	struct tunnel_conf *tc;

	/* Up to the tunnels there were: a restarted one goes to the tail,
	 * and with two static tunnels (always re-applied) the walk would
	 * never end. */
	for (t = TAILQ_FIRST(&tn.tunnels); t != NULL; t = next) {
		next = t == last ? NULL : TAILQ_NEXT(t, entry);
		if (!t->primary)
			continue;
		tc = config_find_tunnel(nc, t->conf->name);
		if (tc != NULL)
			tc->reload_seen = 1;
		if (tc == NULL) {
			log_info("tunnel %s: removed from the configuration",
			    t->conf->name);
			tunnel_retire(t, "removed from configuration", NULL);
		} else if (tc->reload != CONF_RELOAD_KEEP ||
		    t->conf->mode == TUNNEL_STATIC) {
			/* A static tunnel is always re-applied: what is
			 * unchanged in the kernel is adopted as it is. */
			log_info("tunnel %s: %s", t->conf->name,
			    t->conf->mode == TUNNEL_STATIC
				? "re-applying the static configuration"
				: "configuration changed, restarting");
			tunnel_retire(t, "configuration changed", tc);
			(void)tunnel_new(tc, NULL, 1);
		} else {
			tunnel_reload_debug(t, tc);
			tunnel_reload_timers(t, tc);
			t->conf->line = tc->line;
			session_tunnel_reload(t, tc);
		}
	}
	/* tunnel_conf pointers into the old configuration die here: every
	 * tunnel holds its own copy, and references to the session
	 * configurations its sessions run. */
	config_free(tn.conf);
	tn.conf = nc;
	(void)listeners_default(nc);
	TAILQ_FOREACH(tc, &nc->tunnels, entry) {
		/* Not tunnel_find(): a walk of every tunnel for each. */
		if (tc->reload_seen)
			continue;
		log_info("tunnel %s: added", tc->name);
		if (tc->encap == L2TP_ENCAP_IP && tc->mode == TUNNEL_DYNAMIC)
			(void)listener_get(tc->remote.ss_family, L2TP_ENCAP_IP);
		(void)tunnel_new(tc, NULL, 1);
	}
}

static int
shutdown_pending(void)
{
	struct tunnel *t;

	TAILQ_FOREACH(t, &tn.tunnels, entry)
		if (t->state == CC_CLOSING && t->stop_sent && t->rl != NULL &&
		    !rl_idle(t->rl))
			return 1;
	return 0;
}

static void
shutdown_poll(evutil_socket_t fd, short what, void *arg)
{
	if (shutdown_pending() && now_ms() < tn.shutdown_deadline)
		return;
	event_free(tn.ev_shutdown);
	tn.ev_shutdown = NULL;
	tn.shutdown_done(tn.shutdown_arg);
}

void
tunnels_shutdown(unsigned int timeout_ms, void (*done)(void *), void *arg)
{
	struct tunnel *t, *next;
	struct timeval tv = { 0, TN_SHUTDOWN_POLL_MS * 1000 };

	if (tn.shutting_down)
		return;
	tn.shutting_down = 1;
	tn.shutdown_done = done;
	tn.shutdown_arg = arg;
	tn.shutdown_deadline = now_ms() + timeout_ms;
	for (t = TAILQ_FIRST(&tn.tunnels); t != NULL; t = next) {
		next = TAILQ_NEXT(t, entry);
		if (t->state == CC_IDLE) {
			evtimer_del(t->ev_state);
			continue;
		}
		if (t->state & CC_OPEN_STATES) {
			tunnel_set_stop(
			    t, L2TP_STOPCCN_SHUTTING_DOWN, 0, "shutting down");
			ccfsm_event(t, CCE_CLOSE);
		}
		tunnel_settle(t);
	}
	tn.ev_shutdown =
	    event_new(tn.base, -1, EV_PERSIST, shutdown_poll, NULL);
	if (tn.ev_shutdown == NULL || event_add(tn.ev_shutdown, &tv) == -1) {
		done(arg);
		return;
	}
}

void
tunnels_free(void)
{
	struct tunnel *t;
	size_t i;

	while ((t = TAILQ_FIRST(&tn.tunnels)) != NULL)
		tunnel_free(t);
	for (i = 0; i < tn.nlisteners; i++)
		tp_listener_close(tn.listeners[i]);
	tn.nlisteners = 0;
	if (tn.ev_shutdown != NULL) {
		event_free(tn.ev_shutdown);
		tn.ev_shutdown = NULL;
	}
	idt_destroy(&tn.by_ccid);
	idt_destroy(&tn.by_peer);
	idt_destroy(&tn.by_half);
	config_free(tn.conf);
	tn.conf = NULL;
}

/* --- graceful restart ---------------------------------------------- */

void
tunnels_freeze(int frozen)
{
	struct tunnel *t;
	size_t i;

	tn.frozen = frozen;
	for (i = 0; i < tn.nlisteners; i++)
		tp_listener_pause(tn.listeners[i], frozen);
	TAILQ_FOREACH(t, &tn.tunnels, entry) {
		if (t->ev_sock != NULL) {
			if (frozen)
				(void)event_del(t->ev_sock);
			else
				(void)event_add(t->ev_sock, NULL);
		}
		/* Thawed: what fired meanwhile fires now, a moment late. */
		if (!frozen && (t->fired_frozen & TN_FIRED_STATE))
			timer_arm(t->ev_state, 0);
		if (!frozen && (t->fired_frozen & TN_FIRED_RL))
			timer_arm(t->ev_rl, 0);
		t->fired_frozen = 0;
	}
}

/* The counters, flat, in a fixed order (the format's). */
static size_t
counters_pack(const struct tunnel_counters *c, uint64_t *v)
{
	size_t i, n = 0;

	for (i = 0; i < TUNNEL_NTYPES; i++) {
		v[n++] = c->sent[i];
		v[n++] = c->received[i];
		v[n++] = c->retransmitted[i];
	}
	v[n++] = c->digest_failures;
	v[n++] = c->malformed;
	v[n++] = c->bad_nr;
	v[n++] = c->state_changes;
	v[n++] = c->zlb_sent;
	v[n++] = c->ack_sent;
	v[n++] = c->duplicates;
	v[n++] = c->retransmits;
	return n;
}

static void
counters_unpack(struct tunnel_counters *c, const uint64_t *v, size_t nv)
{
	uint64_t all[HO_NCTR_MAX] = { 0 };
	size_t i, n = 0;

	memcpy(all, v, (nv < HO_NCTR_MAX ? nv : HO_NCTR_MAX) * sizeof(*v));
	for (i = 0; i < TUNNEL_NTYPES; i++) {
		c->sent[i] = (uint32_t)all[n++];
		c->received[i] = (uint32_t)all[n++];
		c->retransmitted[i] = (uint32_t)all[n++];
	}
	c->digest_failures = all[n++];
	c->malformed = all[n++];
	c->bad_nr = all[n++];
	c->state_changes = all[n++];
	c->zlb_sent = all[n++];
	c->ack_sent = all[n++];
	c->duplicates = all[n++];
	c->retransmits = all[n++];
}

/* A queued datagram, pointed at, not copied: the connection is frozen
 * and encoded before the loop turns again. */
static void
export_msg(void *arg, const uint8_t *dgram, size_t len)
{
	struct ho_tunnel *h = arg;

	if (ho_tunnel_reserve(h, h->nmsgs + 1, 0) == -1)
		return; /* the count stays short: the export fails */
	h->msgs[h->nmsgs].data = dgram;
	h->msgs[h->nmsgs].len = len;
	h->nmsgs++;
}

/* When the state timer (the hello) fires, on the monotonic clock: the
 * event's expiry is on the wall clock (libevent's event_pending()). */
static uint64_t
hello_deadline(const struct tunnel *t)
{
	struct timeval tv, now;
	int64_t left;

	if (!evtimer_pending(t->ev_state, &tv))
		return 0;
	evutil_gettimeofday(&now, NULL);
	left = ((int64_t)tv.tv_sec - now.tv_sec) * 1000 +
	    ((int64_t)tv.tv_usec - now.tv_usec) / 1000;
	return now_ms() + (uint64_t)(left > 0 ? left : 0);
}

/* t into h, whose arrays are reused from one tunnel to the next. */
static int
tunnel_export(const struct tunnel *t, struct ho_tunnel *h)
{
	struct session *s;
	size_t n;

	snprintf(h->name, sizeof(h->name), "%s", t->conf->name);
	h->local_ccid = t->local_ccid;
	h->peer_ccid = t->peer_ccid;
	h->tie_breaker = t->tie_breaker;
	h->state = (uint8_t)t->state;
	h->kind = (uint8_t)t->kind;
	h->encap = (uint8_t)t->conf->encap;
	h->framing = (uint8_t)t->framing;
	h->initiator = t->initiator;
	h->cisco = t->cisco;
	h->dp_up = t->dp_up;
	h->fd = t->fd;
	h->local = t->local;
	h->peer = t->peer;
	h->peer_rws = t->peer_rws;
	h->peer_router_id = t->peer_router_id;
	snprintf(
	    h->peer_hostname, sizeof(h->peer_hostname), "%s", t->peer_hostname);
	snprintf(h->peer_vendor, sizeof(h->peer_vendor), "%s", t->peer_vendor);
	h->digest = (uint8_t)t->auth.alg;
	h->local_nonce_len = (uint8_t)t->auth.local_nonce_len;
	memcpy(h->local_nonce, t->auth.local_nonce, sizeof(h->local_nonce));
	h->peer_nonce_len = (uint8_t)t->auth.peer_nonce_len;
	memcpy(h->peer_nonce, t->auth.peer_nonce, sizeof(h->peer_nonce));
	h->up_since = (int64_t)t->up_since;
	h->hello_deadline = hello_deadline(t);
	h->nmsgs = h->nsessions = 0;
	rl_export(t->rl, &h->rl, export_msg, h);
	if ((uint16_t)(h->rl.tx_ns - h->rl.tx_una) != h->nmsgs)
		return -1;
	h->nctr = counters_pack(&t->ctr, h->ctr);
	n = 0;
	TAILQ_FOREACH(s, &t->sessions, entry)
		n++;
	if (ho_tunnel_reserve(h, 0, n) == -1)
		return -1;
	TAILQ_FOREACH(s, &t->sessions, entry)
		if (s->state == SS_ESTABLISHED)
			session_handover_export(
			    s, &h->sessions[h->nsessions++]);
	return 0;
}

int
tunnels_handover_listeners(struct ho_state *st, char *err, size_t errlen)
{
	struct ho_listener *l;
	size_t i;

	if (tn.shutting_down) {
		snprintf(err, errlen, "the daemon is shutting down");
		return -1;
	}
	st->listeners = calloc(tn.nlisteners + 1, sizeof(*st->listeners));
	if (st->listeners == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < tn.nlisteners; i++) {
		l = &st->listeners[st->nlisteners++];
		l->encap = (uint8_t)tp_listener_encap(tn.listeners[i]);
		l->kind = (uint8_t)tp_listener_kind(tn.listeners[i]);
		l->fd = tp_listener_fd(tn.listeners[i]);
		l->addr = *tp_listener_addr(tn.listeners[i]);
	}
	return 0;
}

/* Handed over: established primaries only; a connection being set up
 * or closed is left to the peer's retransmissions (docs/restart.md). */
static int
tunnel_handed_over(const struct tunnel *t)
{
	return t->primary && t->state == CC_ESTABLISHED &&
	    t->conf->mode == TUNNEL_DYNAMIC && t->rl != NULL;
}

size_t
tunnels_handover_bound(size_t *ntunnels)
{
	struct tunnel *t;
	struct session *s;
	size_t n, bytes = 0;

	*ntunnels = 0;
	TAILQ_FOREACH(t, &tn.tunnels, entry) {
		if (!tunnel_handed_over(t))
			continue;
		n = 0;
		TAILQ_FOREACH(s, &t->sessions, entry)
			n++;
		/* rl_memory(): the queued bytes and more than 4 each. */
		bytes += ho_tunnel_bound(n, rl_memory(t->rl));
		(*ntunnels)++;
	}
	return bytes;
}

int
tunnels_handover_export(struct ho_writer *w, int32_t *fds, size_t max,
    size_t *nfds, char *err, size_t errlen)
{
	struct ho_tunnel h;
	struct tunnel *t;
	int rc = 0;

	*nfds = 0;
	if (tn.shutting_down) {
		snprintf(err, errlen, "the daemon is shutting down");
		return -1;
	}
	memset(&h, 0, sizeof(h));
	TAILQ_FOREACH(t, &tn.tunnels, entry) {
		if (!tunnel_handed_over(t))
			continue;
		if (tunnel_export(t, &h) == -1) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
			break;
		}
		/* In ho_state_fds() order: the tunnels' after the head's
		 * (none in this state). */
		if (h.fd >= 0) {
			if (*nfds == max) {
				snprintf(
				    err, errlen, "more tunnels than counted");
				rc = -1;
				break;
			}
			fds[(*nfds)++] = h.fd;
		}
		ho_write_tunnel(w, &h);
	}
	ho_tunnel_release(&h);
	return rc;
}

static int
import_check(
    const struct tunnel *t, const struct ho_tunnel *h, char *err, size_t errlen)
{
	const char *why = NULL;

	if (t == NULL)
		why = "not in the configuration";
	else if (t->conf->mode != TUNNEL_DYNAMIC)
		why = "not dynamic in the configuration";
	else if (t->state != CC_IDLE || t->rl != NULL)
		why = "busy";
	else if ((uint8_t)t->conf->encap != h->encap)
		why = "its encapsulation changed";
	else if (!addr_is_unspecified(&t->conf->remote) &&
	    !addr_equal(&t->conf->remote, &h->peer))
		why = "its peer address changed";
	else if ((uint8_t)t->auth.alg != h->digest)
		why = "its digest changed";
	else if (tunnel_by_ccid(h->local_ccid) != NULL || h->local_ccid == 0)
		why = "its connection ID is taken";
	else if (h->fd < 0 && h->kind != TP_RAWIP)
		why = "it has no socket";
	if (why == NULL)
		return 0;
	snprintf(err, errlen, "tunnel %s (connection %u): %s", h->name,
	    h->local_ccid, why);
	return -1;
}

static int
tunnel_import(struct tunnel *t, struct ho_tunnel *h, char *err, size_t errlen)
{
	uint8_t **dgrams;
	size_t *lens, i;
	uint64_t now;

	evtimer_del(t->ev_state); /* no SCCRQ: it is open */
	/* The queue's bytes are the state's (borrowed): the layer gets
	 * copies of its own. */
	dgrams = calloc(h->nmsgs + 1, sizeof(*dgrams));
	lens = calloc(h->nmsgs + 1, sizeof(*lens));
	for (i = 0; dgrams != NULL && lens != NULL && i < h->nmsgs; i++) {
		if ((dgrams[i] = malloc(h->msgs[i].len)) == NULL)
			break;
		memcpy(dgrams[i], h->msgs[i].data, h->msgs[i].len);
		lens[i] = h->msgs[i].len;
	}
	if (dgrams != NULL && lens != NULL && i == h->nmsgs)
		t->rl = rl_import(
		    &h->rl, dgrams, lens, h->nmsgs, &tunnel_rl_ops, t);
	else if (dgrams != NULL)
		while (i > 0)
			free(dgrams[--i]);
	free(dgrams);
	free(lens);
	if (t->rl == NULL) {
		snprintf(
		    err, errlen, "tunnel %s: inconsistent send queue", h->name);
		return -1;
	}
	t->local_ccid = h->local_ccid;
	idt_insert(&tn.by_ccid, &t->by_ccid, t->local_ccid);
	t->in_ccid = 1;
	t->peer_ccid = h->peer_ccid;
	t->tie_breaker = h->tie_breaker;
	t->kind = (enum tp_kind)h->kind;
	t->framing = (enum l2tp_encap)h->framing;
	t->initiator = h->initiator;
	t->cisco = h->cisco;
	t->local = h->local;
	t->peer = h->peer;
	t->peer_rws = h->peer_rws;
	t->peer_router_id = h->peer_router_id;
	snprintf(
	    t->peer_hostname, sizeof(t->peer_hostname), "%s", h->peer_hostname);
	snprintf(t->peer_vendor, sizeof(t->peer_vendor), "%s", h->peer_vendor);
	t->auth.local_nonce_len = h->local_nonce_len;
	memcpy(t->auth.local_nonce, h->local_nonce, h->local_nonce_len);
	t->auth.peer_nonce_len = h->peer_nonce_len;
	memcpy(t->auth.peer_nonce, h->peer_nonce, h->peer_nonce_len);
	t->up_since = (time_t)h->up_since;
	counters_unpack(&t->ctr, h->ctr, h->nctr);
	if (h->fd >= 0) {
		t->ev_sock = event_new(
		    tn.base, h->fd, EV_READ | EV_PERSIST, tunnel_sock_cb, t);
		if (t->ev_sock == NULL || event_add(t->ev_sock, NULL) == -1) {
			snprintf(err, errlen,
			    "tunnel %s: cannot watch its "
			    "socket",
			    h->name);
			return -1;
		}
		t->fd = h->fd;
		h->fd = -1;
	} else
		t->shared = listener_get(t->peer.ss_family, L2TP_ENCAP_IP);
	/* Not through tunnel_set_state(): nothing about it is new. */
	t->state = CC_ESTABLISHED;
	NOTIFY(handover, t, h->dp_up);
	for (i = 0; i < h->nsessions; i++)
		if (session_handover_import(t, &h->sessions[i]) == -1) {
			snprintf(err, errlen,
			    "tunnel %s: session %s (%u) does not match the "
			    "configuration",
			    h->name, h->sessions[i].name,
			    h->sessions[i].local_id);
			return -1;
		}
	now = now_ms();
	if (h->hello_deadline != 0)
		timer_arm(t->ev_state,
		    h->hello_deadline > now ? h->hello_deadline - now : 0);
	else
		tunnel_hello_rearm(t);
	tunnel_rl_rearm(t);
	return 0;
}

/* The configured tunnels by name, for the import: a lookup each, not a
 * walk over 10 000 (docs/restart.md). */
struct name_ent {
	struct idt_node node;
	struct tunnel *t;
};

static struct name_ent *
names_index(struct idtable *ix)
{
	struct name_ent *e;
	struct tunnel *t;
	size_t n = 0;

	if (idt_init(ix, 10) == -1 ||
	    (e = calloc(tn.ntunnels + 1, sizeof(*e))) == NULL)
		return NULL;
	TAILQ_FOREACH(t, &tn.tunnels, entry)
		if (t->primary && n < tn.ntunnels) {
			e[n].t = t;
			idt_insert(ix, &e[n].node,
			    idt_hash_bytes(
				t->conf->name, strlen(t->conf->name)));
			n++;
		}
	return e;
}

static struct tunnel *
names_find(const struct idtable *ix, const char *name)
{
	struct idt_node *n;
	struct name_ent *e;

	for (n = idt_find(ix, idt_hash_bytes(name, strlen(name))); n != NULL;
	     n = idt_find_next(n)) {
		e = idt_entry(n, struct name_ent, node);
		if (strcmp(e->t->conf->name, name) == 0)
			return e->t;
	}
	return NULL;
}

int
tunnels_handover_import(struct ho_reader *rd, char *err, size_t errlen)
{
	struct ho_tunnel *h;
	struct name_ent *ents;
	struct idtable ix;
	struct tunnel **ts, *t;
	size_t i, n = 0;
	int rc;

	/* The count announced is bounded by the bytes (64 a tunnel). */
	ts = calloc(rd->ntunnels + 1, sizeof(*ts));
	if (ts == NULL || (ents = names_index(&ix)) == NULL) {
		free(ts);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Each one as it is read: no whole state is built. */
	while ((rc = ho_read_tunnel(rd, &h, err, errlen)) == 1) {
		t = names_find(&ix, h->name);
		if (import_check(t, h, err, errlen) == -1 ||
		    tunnel_import(t, h, err, errlen) == -1) {
			rc = -1;
			break;
		}
		ts[n++] = t;
	}
	idt_destroy(&ix);
	free(ents);
	/* Calls that were being set up: placed again (only now: nothing
	 * is sent before every connection is ours). */
	for (i = 0; i < n && rc == 0; i++)
		session_handover_resume(ts[i]);
	free(ts);
	if (rc == 0)
		log_info("graceful restart: %zu connection%s taken over", n,
		    n == 1 ? "" : "s");
	return rc;
}
