/*
 * A whole daemon without sockets, on a fake clock (see harness.h).
 *
 * Nothing here reimplements the daemon: tunnel.c, session.c, the FSMs
 * and the reliable layer run as in l2tpv3d.  What the harness replaces
 * is the world around them -- sockets (tp_* wrappers, linked with
 * -Wl,--wrap), time (clock_gettime), randomness (arc4random*) and syslog
 * (fuzz_world.c) -- and what it adds is the peer: records of the input become datagrams
 * from 192.0.2.2, with the header and session IDs fixed up on request so
 * that a fuzzer can hold a conversation without guessing our IDs.
 */
#define _GNU_SOURCE
#include <config.h>

#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/config.h"
#include "daemon/log.h"
#include "daemon/pw.h"
#include "daemon/reliable.h"
#include "daemon/session.h"
#include "daemon/transport.h"
#include "daemon/tunnel.h"
#include "proto/buf.h"
#include "proto/digest.h"
#include "proto/msg.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/harness.h"

#define FZ_LOCAL "192.0.2.1"
#define FZ_PEER "192.0.2.2"
#define FZ_PORT 1701
#define FZ_SPOOF_PORT 40001
#define FZ_MAX_LISTENERS 16
#define FZ_MAX_TUNNELS 32
#define FZ_LOOP_PASSES 16
#define FZ_START_S 100000

/* --- the configurations ---------------------------------------------- */

/* Every configuration: tunnel t1 between the harness's two addresses. */
#define FZ_HEAD \
	"hostname = \"fuzz-lns\"\n" \
	"router-id = 192.0.2.1\n" \
	"dataplane = none\n" \
	"tunnel t1 {\n" \
	"\tlocal = " FZ_LOCAL "\n" \
	"\tremote = " FZ_PEER "\n"

static const char *const confs[] = {
	/* 0: responder, IETF, three kinds of session (one initiates). */
	FZ_HEAD "\tinitiate = no\n"
		"\thello-interval = 30\n"
		"\treceive-window = 8\n"
		"\tsession s1 {\n"
		"\t\tremote-end-id = \"101\"\n"
		"\t\tcookie-length = 4\n"
		"\t}\n"
		"\tsession s2 {\n"
		"\t\tremote-end-id = \"102\"\n"
		"\t\tinitiate = yes\n"
		"\t\tl2spec = default\n"
		"\t\tsequencing = both\n"
		"\t\tpw-type = ethernet-vlan\n"
		"\t\tvlan-id = 7\n"
		"\t}\n"
		"\tsession any {\n"
		"\t\tcookie-length = 8\n"
		"\t}\n"
		"}\n",
	/* 1: initiator with an MD5 digest, persistent, short timers. */
	FZ_HEAD "\tinitiate = yes\n"
		"\tpersist = yes\n"
		"\tsecret = \"fuzz-secret\"\n"
		"\tretries = 2\n"
		"\tretransmit-initial = 500\n"
		"\thello-interval = 5\n"
		"\tretry-interval = 1\n"
		"\tsession s1 {\n"
		"\t\tremote-end-id = \"101\"\n"
		"\t\tinitiate = yes\n"
		"\t}\n"
		"}\n",
	/* 2: responder in Cisco's dialect, SHA-1 digest. */
	FZ_HEAD "\tinitiate = no\n"
		"\tpeer-dialect = cisco\n"
		"\tdigest = sha1\n"
		"\tsecret = \"fuzz-secret\"\n"
		"\tsession s1 {\n"
		"\t\tremote-end-id = \"101\"\n"
		"\t}\n"
		"\tsession any {\n"
		"\t}\n"
		"}\n",
	/* 3: responder, automatic dialect, window of 1, no hellos. */
	FZ_HEAD "\tinitiate = no\n"
		"\tpeer-hostname = \"fuzz-lac\"\n"
		"\thello-interval = 0\n"
		"\treceive-window = 1\n"
		"\tsession any {\n"
		"\t\tremote-end-id = \"any\"\n"
		"\t\tinitiate = yes\n"
		"\t}\n"
		"}\n",
	/* 4: initiator, automatic dialect, no digest, one call each way. */
	FZ_HEAD "\tinitiate = yes\n"
		"\tsession s1 {\n"
		"\t\tremote-end-id = \"101\"\n"
		"\t\tinitiate = yes\n"
		"\t}\n"
		"\tsession s2 {\n"
		"\t\tremote-end-id = \"102\"\n"
		"\t\tinitiate = no\n"
		"\t}\n"
		"}\n",
};

size_t
fz_nconfs(void)
{
	return sizeof(confs) / sizeof(confs[0]);
}

const char *
fz_conf_text(size_t i)
{
	return confs[i % fz_nconfs()];
}

/* --- the world: time, randomness, syslog ----------------------------- */

static int fake_on;
static uint64_t fake_ns;
static uint64_t rng_state;

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	if (fake_on &&
	    (id == CLOCK_MONOTONIC || id == CLOCK_MONOTONIC_COARSE ||
		id == CLOCK_MONOTONIC_RAW || id == CLOCK_BOOTTIME)) {
		ts->tv_sec = (time_t)(fake_ns / 1000000000);
		ts->tv_nsec = (long)(fake_ns % 1000000000);
		return 0;
	}
	return (int)syscall(SYS_clock_gettime, id, ts);
}

uint32_t
arc4random(void)
{
	/* xorshift64*: any fixed sequence will do, but a fixed one. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

void
arc4random_buf(void *buf, size_t n)
{
	struct wbuf w;

	wbuf_init(&w, buf, n);
	while (wbuf_len(&w) < n)
		(void)wbuf_put_u8(&w, (uint8_t)arc4random());
}

uint32_t
arc4random_uniform(uint32_t upper)
{
	return upper < 2 ? 0 : arc4random() % upper;
}

/* --- transport.c, socket-free ---------------------------------------- */

struct tp_listener {
	struct sockaddr_storage addr;
	enum l2tp_encap encap;
	tp_input_cb cb;
	void *arg;
};

static struct {
	struct event_base *base;
	struct tp_listener *listeners[FZ_MAX_LISTENERS];
	size_t nlisteners;
	unsigned long sent;
	size_t conf;
	int started;
} fz;

struct tp_listener *__wrap_tp_listen(struct event_base *,
    const struct sockaddr_storage *, enum l2tp_encap, tp_input_cb, void *);
void __wrap_tp_listener_close(struct tp_listener *);
void __wrap_tp_set_rcvbuf(int, int);
enum tp_kind __wrap_tp_listener_kind(const struct tp_listener *);
int __wrap_tp_listener_family(const struct tp_listener *);
enum l2tp_encap __wrap_tp_listener_encap(const struct tp_listener *);
const struct sockaddr_storage *
__wrap_tp_listener_addr(const struct tp_listener *);
int __wrap_tp_listener_send(struct tp_listener *, const void *, size_t,
    const struct sockaddr_storage *, const struct sockaddr_storage *);
int __wrap_tp_tunnel_socket(enum tp_kind, const struct sockaddr_storage *,
    const struct sockaddr_storage *, uint32_t, uint32_t);
void __wrap_tp_read(
    int, enum tp_kind, int, tp_input_cb, void *, struct tp_listener *);
int __wrap_tp_send(int, const void *, size_t);
int __wrap_tp_route_source(
    const struct sockaddr_storage *, struct sockaddr_storage *);

struct tp_listener *
__wrap_tp_listen(struct event_base *base, const struct sockaddr_storage *addr,
    enum l2tp_encap encap, tp_input_cb cb, void *arg)
{
	struct tp_listener *l;

	CHECK(fz.nlisteners < FZ_MAX_LISTENERS);
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->addr = *addr;
	l->encap = encap;
	l->cb = cb;
	l->arg = arg;
	fz.listeners[fz.nlisteners++] = l;
	return l;
}

void
__wrap_tp_listener_close(struct tp_listener *l)
{
	size_t i;

	for (i = 0; i < fz.nlisteners; i++)
		if (fz.listeners[i] == l) {
			fz.listeners[i] = fz.listeners[--fz.nlisteners];
			break;
		}
	free(l);
}

void
__wrap_tp_set_rcvbuf(int fd, int size)
{
}

enum tp_kind
__wrap_tp_listener_kind(const struct tp_listener *l)
{
	/* The kernel's L2TP/IP socket: proto/ sees the UDP framing. */
	return l->encap == L2TP_ENCAP_IP ? TP_L2TPIP : TP_UDP;
}

int
__wrap_tp_listener_family(const struct tp_listener *l)
{
	return l->addr.ss_family;
}

enum l2tp_encap
__wrap_tp_listener_encap(const struct tp_listener *l)
{
	return l->encap;
}

const struct sockaddr_storage *
__wrap_tp_listener_addr(const struct tp_listener *l)
{
	return &l->addr;
}

/* Whatever the daemon sends must be a message a peer accepts. */
static void
check_sent(const void *data, size_t len)
{
	static struct l2tp_msg m;
	struct l2tp_decode_err err;
	struct l2tp_verdict v;

	fz.sent++;
	CHECK(l2tp_ctrl_decode(data, len, L2TP_ENCAP_UDP, &m, &err) == 0);
	if (m.type == L2TP_MT_ZLB)
		return;
	if (l2tp_msg_validate(&m, &v) != 0) {
		fprintf(stderr, "sent %s does not validate: %s\n",
		    l2tp_msg_type_name(m.type), v.reason);
		CHECK(0);
	}
}

int
__wrap_tp_listener_send(struct tp_listener *l, const void *data, size_t len,
    const struct sockaddr_storage *to, const struct sockaddr_storage *from)
{
	check_sent(data, len);
	return 0;
}

int
__wrap_tp_tunnel_socket(enum tp_kind kind, const struct sockaddr_storage *local,
    const struct sockaddr_storage *peer, uint32_t local_ccid,
    uint32_t peer_ccid)
{
	/* Something libevent can watch that never becomes readable. */
	return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

void
__wrap_tp_read(int fd, enum tp_kind kind, int family, tp_input_cb cb, void *arg,
    struct tp_listener *via)
{
}

int
__wrap_tp_send(int fd, const void *data, size_t len)
{
	check_sent(data, len);
	return (int)len;
}

static void
fz_addr(struct sockaddr_storage *ss, const char *a, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	CHECK(inet_pton(AF_INET, a, &sin->sin_addr) == 1);
}

int
__wrap_tp_route_source(
    const struct sockaddr_storage *peer, struct sockaddr_storage *local)
{
	fz_addr(local, FZ_LOCAL, 0);
	return 0;
}

/* --- invariants -------------------------------------------------------- */

/* What we last saw of each connection, to check that Ns and Nr only go
 * forward. */
struct seen {
	const struct tunnel *t;
	const struct rl *rl;
	uint32_t ccid; /* with rl: one connection (malloc reuses rl) */
	uint16_t ns, nr;
	uint16_t max_window;
};
static struct seen seen[FZ_MAX_TUNNELS];

static struct seen *
seen_of(const struct tunnel *t)
{
	size_t i, slot = FZ_MAX_TUNNELS;

	for (i = 0; i < FZ_MAX_TUNNELS; i++) {
		if (seen[i].t == t && seen[i].rl == t->rl &&
		    seen[i].ccid == t->local_ccid)
			return &seen[i];
		/* A connection of the same object replaces the old one. */
		if (seen[i].t == t ||
		    (seen[i].t == NULL && slot == FZ_MAX_TUNNELS))
			slot = i;
	}
	CHECK(slot < FZ_MAX_TUNNELS);
	memset(&seen[slot], 0, sizeof(seen[slot]));
	seen[slot].t = t;
	seen[slot].rl = t->rl;
	seen[slot].ccid = t->local_ccid;
	seen[slot].ns = rl_next_ns(t->rl);
	seen[slot].nr = rl_nr(t->rl);
	seen[slot].max_window = 4;
	return &seen[slot];
}

static void
check_rl(const struct tunnel *t)
{
	struct seen *s = seen_of(t);
	uint16_t ns = rl_next_ns(t->rl), nr = rl_nr(t->rl);
	uint16_t w = t->peer_rws > 32767 ? 32767 : t->peer_rws;

	if (w > s->max_window)
		s->max_window = w;
	CHECK((uint16_t)(ns - s->ns) < 0x8000);
	CHECK((uint16_t)(nr - s->nr) < 0x8000);
	s->ns = ns;
	s->nr = nr;
	CHECK(rl_cwnd(t->rl) >= 1 && rl_cwnd(t->rl) <= s->max_window);
	CHECK(rl_in_flight(t->rl) <= s->max_window);
	CHECK(rl_memory(t->rl) > 0);
	/* A pending deadline always has its timer: a lost message is
	 * retransmitted without waiting for another event. */
	if (rl_next_timeout(t->rl) != 0)
		CHECK(evtimer_pending(t->ev_rl, NULL));
}

static void
check_sessions(const struct tunnel *t)
{
	const struct session *s;
	size_t n = 0;

	for (s = session_first(t); s != NULL; s = session_next(s)) {
		CHECK(s->tunnel == t);
		CHECK(s->state == SS_IDLE || s->state == SS_WAIT_REPLY ||
		    s->state == SS_WAIT_CONNECT || s->state == SS_ESTABLISHED ||
		    s->state == SS_STATIC);
		/* Calls live only on an established connection. */
		if (s->state & SS_OPEN_STATES)
			CHECK(t->state == CC_ESTABLISHED);
		if (s->in_table)
			CHECK(s->local_id != 0 &&
			    session_by_id(s->local_id) == s);
		if (s->state & SS_OPEN_STATES)
			CHECK(s->in_table);
		CHECK(s->local_cookie_len <= SESSION_COOKIE_MAX);
		CHECK(s->peer_cookie_len <= SESSION_COOKIE_MAX);
		CHECK(++n < 1000);
	}
}

void
fz_check(void)
{
	struct tunnel *t;
	size_t n = 0;

	for (t = tunnel_first(); t != NULL; t = tunnel_next(t)) {
		CHECK(++n <= FZ_MAX_TUNNELS / 2);
		CHECK(t->state == CC_IDLE || t->state == CC_WAIT_CTL_REPLY ||
		    t->state == CC_WAIT_CTL_CONN ||
		    t->state == CC_ESTABLISHED || t->state == CC_CLOSING);
		if (t->state == CC_IDLE) {
			CHECK(t->primary && t->rl == NULL && !t->in_ccid);
		} else {
			CHECK(t->rl != NULL && t->in_ccid);
			CHECK(tunnel_by_ccid(t->local_ccid) == t);
			check_rl(t);
		}
		/* Beside the primary: a connection closing, or a candidate
		 * that a new SCCRQ opened and that waits for its SCCCN. */
		if (!t->primary)
			CHECK(t->state == CC_CLOSING ||
			    (t->state == CC_WAIT_CTL_CONN && t->in_half));
		CHECK(memchr(t->peer_hostname, '\0', TUNNEL_TEXT_MAX) != NULL);
		CHECK(memchr(t->stop_msg, '\0', TUNNEL_TEXT_MAX) != NULL);
		check_sessions(t);
	}
	CHECK(n >= 1 && fz_primary() != NULL);
}

/* --- the peer ---------------------------------------------------------- */

struct tunnel *
fz_primary(void)
{
	struct tunnel *t;

	for (t = tunnel_first(); t != NULL; t = tunnel_next(t))
		if (t->primary)
			return t;
	return NULL;
}

/* The connection the peer talks to: the primary's when it has one,
 * else a lingering one. */
static struct tunnel *
target(void)
{
	struct tunnel *t, *p = fz_primary();

	if (p != NULL && p->rl != NULL)
		return p;
	for (t = tunnel_first(); t != NULL; t = tunnel_next(t))
		if (t->rl != NULL)
			return t;
	return p;
}

static const struct session *
nth_call(const struct tunnel *t, uint32_t k)
{
	const struct session *s;

	for (s = session_first(t); s != NULL; s = session_next(s))
		if (s->in_table && k-- == 0)
			return s;
	return NULL;
}

static void
patch_header(struct tunnel *t, uint8_t flags, uint8_t *buf, size_t len)
{
	struct l2tp_ctrl_hdr hdr;
	struct l2tp_decode_err err;
	struct wbuf w;

	if (t == NULL || t->rl == NULL ||
	    l2tp_ctrl_peek(buf, len, L2TP_ENCAP_UDP, &hdr, &err) == -1)
		return;
	wbuf_wrap(&w, buf, len);
	if (flags & FZ_PATCH_CCID)
		(void)wbuf_patch_u32(&w, 4, t->local_ccid);
	if (flags & FZ_PATCH_NS)
		(void)wbuf_patch_u16(&w, 8, rl_nr(t->rl));
	if (flags & FZ_PATCH_NR)
		(void)wbuf_patch_u16(&w, 10, rl_next_ns(t->rl));
}

/* Remote Session ID k (1..15) becomes the ID of our k-th call (0 stays:
 * it means none). */
static void
patch_sessions(struct tunnel *t, uint8_t *buf, size_t len)
{
	static struct l2tp_msg m;
	struct l2tp_decode_err err;
	const struct session *s;
	struct wbuf w;
	uint32_t k;
	size_t i;

	if (t == NULL ||
	    l2tp_ctrl_decode(buf, len, L2TP_ENCAP_UDP, &m, &err) == -1)
		return;
	wbuf_wrap(&w, buf, len);
	for (i = 0; i < m.navps; i++) {
		const struct l2tp_avp *a = &m.avps[i];

		if (!((a->vendor == 0 &&
			  a->type == L2TP_AVP_REMOTE_SESSION_ID) ||
			(a->vendor == L2TP_VENDOR_CISCO &&
			    a->type == L2TP_CISCO_REMOTE_SESSION_ID)) ||
		    (a->flags & L2TP_AVP_F_H) || avp_get_u32(a, &k) == -1 ||
		    k == 0 || k > 15 || (s = nth_call(t, k - 1)) == NULL)
			continue;
		(void)wbuf_patch_u32(&w, (size_t)a->offset + 6, s->local_id);
	}
}

/* Sign as the peer: our key, the nonces mirrored. */
static void
sign(struct tunnel *t, uint8_t *buf, size_t len)
{
	static struct l2tp_msg m;
	struct l2tp_decode_err err;
	struct l2tp_auth peer, tmp;

	if (t == NULL || t->auth.alg == L2TP_DIGEST_NONE ||
	    l2tp_ctrl_decode(buf, len, L2TP_ENCAP_UDP, &m, &err) == -1)
		return;
	peer = t->auth;
	memcpy(peer.local_nonce, t->auth.peer_nonce, t->auth.peer_nonce_len);
	peer.local_nonce_len = t->auth.peer_nonce_len;
	memcpy(peer.peer_nonce, t->auth.local_nonce, t->auth.local_nonce_len);
	peer.peer_nonce_len = t->auth.local_nonce_len;
	tmp = peer;
	if (l2tp_auth_take_peer_nonce(&tmp, &m) == 0 && tmp.peer_nonce_len > 0)
		(void)l2tp_auth_set_local_nonce(
		    &peer, tmp.peer_nonce, tmp.peer_nonce_len);
	(void)l2tp_digest_sign(&peer, m.type, buf, len, L2TP_ENCAP_UDP);
}

static struct tp_listener *
udp_listener(void)
{
	size_t i;

	for (i = 0; i < fz.nlisteners; i++)
		if (fz.listeners[i]->encap == L2TP_ENCAP_UDP &&
		    fz.listeners[i]->addr.ss_family == AF_INET)
			return fz.listeners[i];
	return NULL;
}

void
fz_peer_msg(uint8_t flags, const uint8_t *data, size_t len)
{
	static uint8_t buf[65536];
	struct tunnel *t = target();
	struct tp_listener *l = udp_listener();
	struct tp_packet pkt;

	CHECK(l != NULL && len <= sizeof(buf));
	if (len > 0)
		memcpy(buf, data, len);
	if (flags & (FZ_PATCH_CCID | FZ_PATCH_NS | FZ_PATCH_NR))
		patch_header(t, flags, buf, len);
	if (flags & FZ_PATCH_SID)
		patch_sessions(t, buf, len);
	if (flags & FZ_SIGN)
		sign(t, buf, len);
	memset(&pkt, 0, sizeof(pkt));
	pkt.data = buf;
	pkt.len = len;
	pkt.framing = L2TP_ENCAP_UDP;
	pkt.encap = L2TP_ENCAP_UDP;
	fz_addr(
	    &pkt.peer, FZ_PEER, (flags & FZ_SPOOF) ? FZ_SPOOF_PORT : FZ_PORT);
	fz_addr(&pkt.local, FZ_LOCAL, FZ_PORT);
	pkt.via = l;
	l->cb(&pkt, l->arg);
}

static const uint32_t advance_ms[16] = { 0, 10, 50, 100, 250, 500, 1000, 2000,
	4000, 8000, 16000, 30000, 60000, 120000, 300000, 600000 };

void
fz_advance(uint64_t ms)
{
	int i;

	fake_ns += ms * 1000000;
	/* One pass runs what is due; timers a callback arms for "now" run
	 * in the next.  A timer that keeps re-arming itself at once is a
	 * busy loop. */
	for (i = 0; i < FZ_LOOP_PASSES; i++)
		if (event_base_loop(fz.base, EVLOOP_NONBLOCK) != 0)
			break;
}

static struct session *
first_call(void)
{
	struct tunnel *t = fz_primary();

	return t == NULL ? NULL : (struct session *)nth_call(t, 0);
}

static struct daemon_conf *
load_conf(size_t i)
{
	static int fd = -1;
	const char *text = fz_conf_text(i);
	struct daemon_conf *c;
	char path[64], err[512];
	size_t len = strlen(text);

	if (fd == -1)
		CHECK((fd = memfd_create("fuzz-conf", MFD_CLOEXEC)) != -1);
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(pwrite(fd, text, len, 0) == (ssize_t)len);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((c = config_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "harness configuration %zu: %s\n", i, err);
		CHECK(0);
	}
	return c;
}

static void
run_op(uint8_t op)
{
	struct tunnel *t = fz_primary();
	struct session *s = first_call();

	switch (op) {
	case FZ_OP_CLEAR_TUNNEL:
		if (t != NULL)
			(void)tunnel_clear(t);
		break;
	case FZ_OP_CLEAR_SESSION:
		if (s != NULL)
			(void)session_clear(s, "fuzz");
		break;
	case FZ_OP_RELOAD:
		tunnels_reload(load_conf(fz.conf));
		break;
	case FZ_OP_CIRCUIT_DOWN:
	case FZ_OP_CIRCUIT_UP:
		if (s != NULL)
			session_set_local_circuit(s, op == FZ_OP_CIRCUIT_UP);
		break;
	default:
		break;
	}
}

void
fz_run(const uint8_t *data, size_t size)
{
	const uint8_t *msg;
	struct rbuf r;
	uint16_t len;
	uint8_t op;

	rbuf_init(&r, data, size);
	while (rbuf_get_u8(&r, &op) == 0) {
		if (op >= FZ_OP_ADVANCE && op < FZ_OP_ADVANCE + 16) {
			fz_advance(advance_ms[op & 15]);
		} else if (op > FZ_MSG_MAX) {
			run_op(op);
		} else {
			if (rbuf_get_u16(&r, &len) == -1)
				break;
			if (len > rbuf_left(&r))
				len = (uint16_t)rbuf_left(&r);
			if (rbuf_view(&r, len, &msg) == -1)
				break;
			fz_peer_msg(op, msg, len);
		}
		fz_check();
	}
}

/* --- life ---------------------------------------------------------- */

int
fz_start(size_t conf)
{
	static int logged;
	struct daemon_conf *dc;

	if (!logged) {
		const char *v = getenv("FUZZ_VERBOSE");

		log_init(
		    v != NULL && *v == '1', v != NULL && *v == '1', "fuzz");
		logged = 1;
	}
	CHECK(!fz.started);
	fake_on = 1;
	fake_ns = (uint64_t)FZ_START_S * 1000000000;
	rng_state = 0x9e3779b97f4a7c15ULL;
	memset(seen, 0, sizeof(seen));
	fz.sent = 0;
	fz.conf = conf % fz_nconfs();
	if ((fz.base = event_base_new()) == NULL)
		return -1;
	/* pw.c hears of tunnels as an observer, as in the daemon. */
	dc = load_conf(fz.conf);
	pw_init(fz.base, dc);
	if (tunnels_init(fz.base, dc) == -1) {
		tunnels_free();
		event_base_free(fz.base);
		return -1;
	}
	fz.started = 1;
	/* Initiators open from a timer armed for "now". */
	fz_advance(0);
	fz_check();
	return 0;
}

void
fz_stop(void)
{
	if (!fz.started)
		return;
	tunnels_free();
	CHECK(fz.nlisteners == 0);
	event_base_free(fz.base);
	fz.base = NULL;
	fz.started = 0;
	fake_on = 0;
}

void
fz_clock(int on)
{
	fake_on = on;
}

unsigned long
fz_sent(void)
{
	return fz.sent;
}

/* --- a peer that brings the tunnel up --------------------------------- */

static void
record(struct wbuf *out, uint8_t flags, const struct wbuf *msg)
{
	(void)wbuf_put_u8(out, flags);
	(void)wbuf_put_u16(out, (uint16_t)wbuf_len(msg));
	(void)wbuf_put_bytes(out, wbuf_data(msg), wbuf_len(msg));
}

size_t
fz_prologue(int cisco, uint8_t *buf, size_t cap)
{
	static const uint16_t pw[] = { L2TP_PW_ETH_VLAN, L2TP_PW_ETH };
	uint8_t m1[256], m2[64];
	struct l2tp_msg_writer mw;
	struct wbuf w1, w2, out;
	size_t len;

	wbuf_init(&w1, m1, sizeof(m1));
	(void)l2tp_mw_begin(&mw, &w1, L2TP_ENCAP_UDP, 0, 0, 0);
	(void)l2tp_mw_msgtype(&mw, 0, L2TP_MT_SCCRQ);
	if (cisco)
		(void)l2tp_mw_avp_u16(
		    &mw, 0, L2TP_AVP_PROTOCOL_VERSION, 1, 0x0100);
	(void)l2tp_mw_avp_str(&mw, 0, L2TP_AVP_HOST_NAME, 1, "fuzz-lac");
	(void)l2tp_mw_avp_u16(&mw, 0, L2TP_AVP_RECV_WINDOW, 1, 16);
	if (cisco) {
		(void)l2tp_mw_avp_u32(&mw, L2TP_VENDOR_CISCO,
		    L2TP_CISCO_ASSIGNED_CCID, 1, 0x4fa07d3f);
		(void)l2tp_mw_avp_u16_list(
		    &mw, L2TP_VENDOR_CISCO, L2TP_CISCO_PW_CAPS, 1, pw, 2);
		(void)l2tp_mw_avp_u16(
		    &mw, L2TP_VENDOR_CISCO, L2TP_CISCO_DRAFT_AVP_VERSION, 1, 1);
	} else {
		(void)l2tp_mw_avp_u32(
		    &mw, 0, L2TP_AVP_ROUTER_ID, 1, 0x0a000002);
		(void)l2tp_mw_avp_u32(
		    &mw, 0, L2TP_AVP_ASSIGNED_CCID, 1, 0x1234);
		(void)l2tp_mw_avp_u16_list(&mw, 0, L2TP_AVP_PW_CAPS, 1, pw, 2);
	}
	if (l2tp_mw_end(&mw, &len) == -1)
		return 0;
	wbuf_init(&w2, m2, sizeof(m2));
	(void)l2tp_mw_begin(&mw, &w2, L2TP_ENCAP_UDP, 0, 1, 0);
	(void)l2tp_mw_msgtype(&mw, 0, L2TP_MT_SCCCN);
	if (l2tp_mw_end(&mw, &len) == -1)
		return 0;
	wbuf_init(&out, buf, cap);
	record(&out, 0, &w1);
	record(&out, FZ_PATCH_CCID | FZ_PATCH_NS | FZ_PATCH_NR, &w2);
	return wbuf_ok(&out) ? wbuf_len(&out) : 0;
}
