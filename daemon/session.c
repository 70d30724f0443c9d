/*
 * Sessions: calls set up over an established tunnel.
 *
 * A session message goes: tunnel_dispatch -> session_input, which finds
 * the session (an ICRQ by its Remote End ID among the tunnel's configured
 * sessions, anything else by its Remote Session ID in the daemon-wide
 * table), checks what the FSM cannot know (IDs, PW type, cookies), and
 * runs one FSM event.  Replies to calls we have no session for (no match,
 * unknown ID) are "stateless" CDNs with our Local Session ID 0.
 *
 * Simultaneous ICRQs for the same circuit (both ends initiate): the ICRQ
 * with the lower session tie breaker (9:9, or AVP 5 in the IETF form)
 * wins, like the control connection's tie breaker in RFC 3931; an ICRQ
 * with one wins over an ICRQ without.  The winner answers the loser's
 * ICRQ with CDN result 13; the loser forgets its own call and answers the
 * winner's ICRQ.  On equal values both refuse and both retry later.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "daemon/handover.h"
#include "daemon/log.h"
#include "daemon/observers.h"
#include "daemon/reliable.h"
#include "daemon/session.h"
#include "daemon/tunnel.h"
#include "proto/l2tp.h"

static struct observers observers;

void
sessions_observe(const struct session_observer *o)
{
	if (observers_add(&observers, o) == -1)
		fatalx("sessions_observe: too many observers");
}

/* Tell every observer that has `fn`: fn(args). */
#define NOTIFY(fn, ...) \
	OBSERVERS_NOTIFY(&observers, struct session_observer, fn, __VA_ARGS__)

#define SS_RETRY_CAP_S 60
#define SS_RETRY_JITTER_MS 1000
#define SS_END_ID_MAX 64

static struct {
	struct idtable by_id;
	int ready;
	uint32_t call_serial;
	/* From tunnels_init(): so that session.c does not call tunnel.c. */
	struct event_base *base;
	int (*send)(struct tunnel *, const uint8_t *, size_t);
} ss;

void
sessions_init(struct event_base *base,
    int (*send)(struct tunnel *, const uint8_t *, size_t))
{
	ss.base = base;
	ss.send = send;
}

static time_t
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static const char *
tname(const struct session *s)
{
	return s->tunnel->conf->name;
}

/* --- the ID table ------------------------------------------------- */

static int
table_ready(void)
{
	if (!ss.ready && idt_init(&ss.by_id, 8) == 0)
		ss.ready = 1;
	return ss.ready ? 0 : -1;
}

struct session *
session_by_id(uint32_t local_id)
{
	struct idt_node *n;

	if (!ss.ready || local_id == 0 ||
	    (n = idt_find(&ss.by_id, local_id)) == NULL)
		return NULL;
	return idt_entry(n, struct session, by_id);
}

/* A call gets our ID and, when configured, a random cookie. */
static int
call_begin(struct session *s)
{
	if (table_ready() == -1)
		return -1;
	s->local_cookie_len = s->conf->cookie_len;
	if (s->local_cookie_len > sizeof(s->local_cookie) ||
	    (s->local_cookie_len > 0 &&
		RAND_bytes(s->local_cookie, s->local_cookie_len) != 1)) {
		log_warnx(
		    "session %s/%s: no random cookie", tname(s), s->conf->name);
		s->local_cookie_len = 0;
		return -1;
	}
	s->local_id = idt_alloc_id(&ss.by_id);
	idt_insert(&ss.by_id, &s->by_id, s->local_id);
	s->in_table = 1;
	s->remote_down = 0;
	/* auto: none until the peer asks for the sublayer. */
	s->l2ss_default = s->conf->l2spec == L2TP_L2SS_DEFAULT;
	return 0;
}

/* A session selector: its name, or our session ID; NULL: any. */
int
session_selected(const struct session *s, const char *sel)
{
	char id[16];

	if (sel == NULL || strcmp(s->conf->name, sel) == 0)
		return 1;
	snprintf(id, sizeof(id), "%u", s->local_id);
	return s->local_id != 0 && strcmp(id, sel) == 0;
}

static void
call_end(struct session *s)
{
	NOTIFY(down, s);
	if (s->in_table) {
		idt_remove(&ss.by_id, &s->by_id);
		s->in_table = 0;
	}
	s->local_id = s->remote_id = 0;
	s->local_cookie_len = s->peer_cookie_len = 0;
	explicit_bzero(s->local_cookie, sizeof(s->local_cookie));
	explicit_bzero(s->peer_cookie, sizeof(s->peer_cookie));
	s->peer_mtu = 0;
	s->peer_seq = 0;
	s->remote_down = 0;
	s->up_since = 0;
}

/* --- sending ------------------------------------------------------ */

static void
smsg_hdr_of(const struct tunnel *t, int cisco, struct smsg_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->framing = t->framing;
	h->peer_ccid = t->peer_ccid;
	h->ns = rl_next_ns(t->rl);
	h->nr = rl_nr(t->rl);
	h->cisco = cisco;
	h->digest = t->auth.alg;
}

static int
session_send(struct session *s, uint16_t type)
{
	struct tunnel *t = s->tunnel;
	uint8_t buf[L2TP_MSG_MAX_LEN];
	struct smsg_hdr h;
	size_t len;

	if (t->rl == NULL)
		return -1;
	smsg_hdr_of(t, s->cisco, &h);
	if (smsg_build(&h, s, type, buf, sizeof(buf), &len) == -1) {
		log_warnx("session %s/%s: cannot build %s", tname(s),
		    s->conf->name, l2tp_msg_type_name(type));
		return -1;
	}
	return ss.send(t, buf, len);
}

/* A CDN for a call that has no session here. */
static void
stateless_cdn(struct tunnel *t, int cisco, uint32_t peer_session_id,
    uint16_t result, uint16_t error, const char *text)
{
	uint8_t buf[L2TP_MSG_MAX_LEN];
	struct smsg_hdr h;
	size_t len;

	if (t->rl == NULL || peer_session_id == 0)
		return;
	log_info("tunnel %s: CDN to peer session %u: result %u error %u: %s",
	    t->conf->name, peer_session_id, result, error, text);
	smsg_hdr_of(t, cisco, &h);
	if (smsg_build_cdn(&h, peer_session_id, result, error, text, buf,
		sizeof(buf), &len) == 0)
		(void)ss.send(t, buf, len);
}

/* --- retries ------------------------------------------------------ */

/* The timer exists only while a retry is pending: a session costs no
 * libevent event for the rest of its life. */
static void
retry_cancel(struct session *s)
{
	if (s->ev_retry != NULL) {
		event_free(s->ev_retry);
		s->ev_retry = NULL;
	}
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;

	retry_cancel(s);
	if (s->state == SS_IDLE && s->tunnel->state == CC_ESTABLISHED &&
	    s->conf->initiate)
		ssfsm_event(s, SSE_OPEN);
}

/* Backoff with jitter: two ends that keep colliding drift apart. */
static void
schedule_retry(struct session *s)
{
	uint64_t ms = (uint64_t)1000 << (s->failures < 6 ? s->failures : 6);
	struct timeval tv;

	if (ms > SS_RETRY_CAP_S * 1000)
		ms = SS_RETRY_CAP_S * 1000;
	ms += arc4random_uniform(SS_RETRY_JITTER_MS);
	s->failures++;
	if (s->ev_retry == NULL &&
	    (s->ev_retry = evtimer_new(ss.base, retry_cb, s)) == NULL) {
		log_warnx("session %s/%s: no timer for a new call", tname(s),
		    s->conf->name);
		return;
	}
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)((ms % 1000) * 1000);
	evtimer_add(s->ev_retry, &tv);
	log_debug("session %s/%s: new call in %llu ms", tname(s), s->conf->name,
	    (unsigned long long)ms);
}

/* --- the last CDN's text -------------------------------------------- */

static const char no_text[] = "";

static void
cdn_text_free(struct session *s)
{
	if (s->cdn_msg != no_text)
		free((char *)s->cdn_msg);
	s->cdn_msg = no_text;
}

/* At most SESSION_TEXT_MAX - 1 characters of it, allocated only when
 * there are any; out of memory, the text is lost, not the CDN. */
static void
cdn_text_set(struct session *s, const char *text, size_t len)
{
	char *copy = NULL;

	if (len >= SESSION_TEXT_MAX)
		len = SESSION_TEXT_MAX - 1;
	if (len > 0 && (copy = strndup(text, len)) == NULL)
		log_warn("session %s/%s: CDN text", tname(s), s->conf->name);
	cdn_text_free(s);
	if (copy != NULL && copy[0] != '\0')
		s->cdn_msg = copy;
	else
		free(copy);
}

/* --- objects ------------------------------------------------------ */

/* The incoming-call FSM's actions: session_fsm.c calls them through this
 * table, never by name. */
static const struct ssfsm_ops ss_ops = {
	.act = {
		[SSA_SEND_ICRQ] = session_act_send_icrq,
		[SSA_SEND_ICRP] = session_act_send_icrp,
		[SSA_SEND_ICCN] = session_act_send_iccn,
		[SSA_ESTABLISH] = session_act_establish,
		[SSA_PEER_CDN] = session_act_peer_cdn,
		[SSA_SEND_CDN] = session_act_send_cdn,
		[SSA_TEARDOWN] = session_act_teardown,
		[SSA_SLI] = session_act_sli,
		[SSA_WEN] = session_act_wen,
	},
	.set_state = session_set_state,
	.set_cdn = session_set_cdn,
};

static struct session *
session_new(struct tunnel *t, struct session_conf *sc)
{
	struct session *s;

	/* Before the first event of any session (an assignment). */
	ssfsm_init(&ss_ops);
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_warn("session %s/%s", t->conf->name, sc->name);
		return NULL;
	}
	s->tunnel = t;
	s->conf = config_session_ref(sc);
	s->state = SS_IDLE;
	s->cdn_msg = no_text;
	TAILQ_INSERT_TAIL(&t->sessions, s, entry);
	return s;
}

static void
session_free(struct session *s)
{
	TAILQ_REMOVE(&s->tunnel->sessions, s, entry);
	call_end(s);
	retry_cancel(s);
	cdn_text_free(s);
	config_session_unref(s->conf);
	free(s);
}

int
session_tunnel_attach(
    struct tunnel *t, const struct tunnel_conf *tc, const struct tunnel *from)
{
	struct session_conf *sc;
	const struct session *o;

	TAILQ_INIT(&t->sessions);
	if (from != NULL) {
		TAILQ_FOREACH(o, &from->sessions, entry)
			if (session_new(t, o->conf) == NULL)
				return -1;
		return 0;
	}
	if (tc == NULL)
		return 0;
	TAILQ_FOREACH(sc, &tc->sessions, entry)
		if (session_new(t, sc) == NULL)
			return -1;
	return 0;
}

void
session_tunnel_detach(struct tunnel *t)
{
	struct session *s;

	while ((s = TAILQ_FIRST(&t->sessions)) != NULL)
		session_free(s);
}

void
session_tunnel_up(struct tunnel *t)
{
	struct session *s;

	TAILQ_FOREACH(s, &t->sessions, entry) {
		s->failures = 0;
		if (s->conf->initiate)
			ssfsm_event(s, SSE_OPEN);
	}
}

void
session_tunnel_down(struct tunnel *t)
{
	struct session *s;

	TAILQ_FOREACH(s, &t->sessions, entry) {
		retry_cancel(s);
		ssfsm_event(s, SSE_TUNNEL_DOWN);
	}
}

size_t
session_count(const struct tunnel *t)
{
	const struct session *s;
	size_t n = 0;

	TAILQ_FOREACH(s, &t->sessions, entry)
		if (s->state != SS_IDLE)
			n++;
	return n;
}

struct session *
session_first(const struct tunnel *t)
{
	return TAILQ_FIRST(&t->sessions);
}

struct session *
session_next(const struct session *s)
{
	return TAILQ_NEXT(s, entry);
}

uint64_t
session_uptime(const struct session *s)
{
	if (s->state != SS_ESTABLISHED || s->up_since == 0)
		return 0;
	return (uint64_t)(now_s() - s->up_since);
}

/* --- reading messages --------------------------------------------- */

static int
msg_u32(const struct l2tp_msg *m, uint16_t ietf, uint16_t cisco, uint32_t *v)
{
	const struct l2tp_avp *a = l2tp_msg_find_alias(m, ietf, cisco);

	return a != NULL && avp_get_u32(a, v) == 0 ? 0 : -1;
}

static int
msg_u16(const struct l2tp_msg *m, uint16_t ietf, int cisco, uint16_t *v)
{
	const struct l2tp_avp *a = cisco < 0
	    ? l2tp_msg_find(m, 0, ietf)
	    : l2tp_msg_find_alias(m, ietf, (uint16_t)cisco);

	return a != NULL && avp_get_u16(a, v) == 0 ? 0 : -1;
}

/* The vendor-9 IDs without the IETF ones: Cisco's draft form. */
static int
msg_is_cisco_draft(const struct l2tp_msg *m)
{
	return l2tp_msg_find(
		   m, L2TP_VENDOR_CISCO, L2TP_CISCO_LOCAL_SESSION_ID) != NULL &&
	    l2tp_msg_find(m, 0, L2TP_AVP_LOCAL_SESSION_ID) == NULL;
}

/* The peer's Assigned Cookie: -1 unless absent, 4 or 8 bytes (what the
 * kernel can carry). */
static int
record_peer_cookie(struct session *s, const struct l2tp_msg *m)
{
	const struct l2tp_avp *a = l2tp_msg_find_alias(
	    m, L2TP_AVP_ASSIGNED_COOKIE, L2TP_CISCO_ASSIGNED_COOKIE);
	size_t len;

	s->peer_cookie_len = 0;
	if (a == NULL)
		return 0;
	if ((a->len != 4 && a->len != 8) ||
	    avp_get_bytes(a, s->peer_cookie, sizeof(s->peer_cookie), &len) ==
		-1)
		return -1;
	s->peer_cookie_len = (uint8_t)len;
	return 0;
}

/*
 * Data Sequencing (70) in ICRQ, ICRP or ICCN: whether the peer wants
 * what we send sequenced (RFC 3931 5.4.4).  Only with a sublayer to
 * carry the numbers: check_call() refuses the call otherwise, and in an
 * ICCN, too late to refuse, the request is left unmet.
 */
static void
record_peer_seq(struct session *s, const struct l2tp_msg *m)
{
	uint16_t dseq;

	if (msg_u16(m, L2TP_AVP_DATA_SEQUENCING, -1, &dseq) != 0)
		return;
	s->peer_seq = dseq != L2TP_DSEQ_NONE && session_l2ss_default(s);
	if (dseq != L2TP_DSEQ_NONE && !s->peer_seq)
		log_warnx("session %s/%s: the peer asks for sequencing "
			  "without a sublayer; not sequencing",
		    tname(s), s->conf->name);
}

static void
record_peer_call(struct session *s, const struct l2tp_msg *m)
{
	const struct l2tp_avp *a =
	    l2tp_msg_find(m, L2TP_VENDOR_CISCO, L2TP_CISCO_INTERFACE_MTU);

	(void)msg_u32(m, L2TP_AVP_LOCAL_SESSION_ID, L2TP_CISCO_LOCAL_SESSION_ID,
	    &s->remote_id);
	s->peer_mtu = 0;
	if (a != NULL)
		(void)avp_get_u16(a, &s->peer_mtu);
	record_peer_seq(s, m);
}

static void
record_cdn(struct session *s, const struct l2tp_msg *m)
{
	const struct l2tp_avp *a = l2tp_msg_find(m, 0, L2TP_AVP_RESULT_CODE);
	char text[SESSION_TEXT_MAX];
	struct rbuf r;
	size_t n;

	session_set_cdn(s, 0, 0, NULL);
	s->cdn_by_peer = 1;
	if (a == NULL)
		return;
	avp_reader(a, &r);
	(void)rbuf_get_u16(&r, &s->cdn_result);
	(void)rbuf_get_u16(&r, &s->cdn_error);
	n = rbuf_left(&r);
	if (n >= sizeof(text))
		n = sizeof(text) - 1;
	if (rbuf_get_bytes(&r, text, n) == 0)
		cdn_text_set(s, text, n);
}

/*
 * The sublayer of the call, in *dflt (1: the default one, 0: none; it
 * comes in as the call has it so far): with l2spec = auto the one the
 * peer's ICRQ or ICRP asks for (AVP 69; absent, it stays as it is),
 * otherwise ours, which the peer must ask for too.  0, or -1 with the
 * reason.
 */
static int
negotiate_l2ss(const struct session_conf *sc, const struct l2tp_msg *m,
    int *dflt, char *why, size_t len)
{
	uint16_t l2ss;

	if (msg_u16(m, L2TP_AVP_L2_SPECIFIC_SUBLAYER, -1, &l2ss) != 0)
		return 0;
	if (l2ss != L2TP_L2SS_NONE && l2ss != L2TP_L2SS_DEFAULT) {
		snprintf(why, len,
		    "the peer asks for L2-Specific Sublayer %u; none (0) and "
		    "default (1) are supported",
		    l2ss);
		return -1;
	}
	if (sc->l2spec == CONF_L2SS_AUTO) {
		*dflt = l2ss == L2TP_L2SS_DEFAULT;
		return 0;
	}
	if (l2ss == (uint16_t)sc->l2spec)
		return 0;
	snprintf(why, len,
	    "the peer asks for L2-Specific Sublayer %s (%u), session %s is "
	    "configured with %s",
	    l2spec_name(l2ss), l2ss, sc->name, l2spec_name(sc->l2spec));
	return -1;
}

/*
 * What must hold for a call on this circuit whatever the state: the PW
 * type we are configured for, a cookie the kernel can carry, the
 * sublayer (*l2ss_dflt, see negotiate_l2ss(); the caller keeps it once
 * the call is accepted).  0, or -1 with the CDN codes filled in.
 */
static int
check_call(const struct session_conf *sc, const struct l2tp_msg *m,
    int *l2ss_dflt, uint16_t *result, uint16_t *error, char *why, size_t len)
{
	const struct l2tp_avp *ck = l2tp_msg_find_alias(
	    m, L2TP_AVP_ASSIGNED_COOKIE, L2TP_CISCO_ASSIGNED_COOKIE);
	uint16_t pw, dseq;

	*error = 0;
	if (msg_u16(m, L2TP_AVP_PW_TYPE, L2TP_CISCO_PW_TYPE, &pw) == 0 &&
	    pw != (uint16_t)sc->pw_type) {
		*result = L2TP_CDN_PW_TYPE_UNSUPPORTED;
		snprintf(why, len, "pseudowire type %u, session %s is %s", pw,
		    sc->name, pw_type_name(sc->pw_type));
		return -1;
	}
	*result = L2TP_CDN_GENERAL_ERROR;
	*error = L2TP_ERR_BAD_VALUE;
	if (ck != NULL && ck->len != 4 && ck->len != 8) {
		snprintf(
		    why, len, "cookie of %u bytes (4 or 8 supported)", ck->len);
		return -1;
	}
	if (negotiate_l2ss(sc, m, l2ss_dflt, why, len) == -1)
		return -1;
	if (msg_u16(m, L2TP_AVP_DATA_SEQUENCING, -1, &dseq) == 0 &&
	    dseq != L2TP_DSEQ_NONE && !*l2ss_dflt) {
		*result = L2TP_CDN_SEQ_WITHOUT_L2SS;
		*error = 0;
		snprintf(why, len, "sequencing requested without a sublayer");
		return -1;
	}
	*result = *error = 0;
	return 0;
}

/* 1: our ICRQ wins, -1: theirs does.  Equal values: both refuse. */
static int
tie_break(const struct session *s, const struct l2tp_msg *m)
{
	const struct l2tp_avp *a = l2tp_msg_find_alias(
	    m, L2TP_AVP_TIE_BREAKER, L2TP_CISCO_SESSION_TIE_BREAKER);
	uint64_t theirs;

	if (a == NULL || avp_get_u64(a, &theirs) == -1)
		return 1;
	return s->tie_breaker <= theirs ? 1 : -1;
}

/*
 * The session an incoming ICRQ is for, as config_match_session() finds
 * it in a configuration, among the sessions of this tunnel object (a
 * lingering connection runs those of an older configuration).  The
 * Remote End ID is copied out to end_id, NUL-terminated ("" when
 * absent), its length in *idlen (it may hold NULs: VECTOR CCS sends
 * 00 00 00 03 00 00).
 */
static struct session *
icrq_match(struct tunnel *t, const struct l2tp_msg *m, char *end_id, size_t len,
    size_t *idlen)
{
	const struct l2tp_avp *a = l2tp_msg_find_alias(
	    m, L2TP_AVP_REMOTE_END_ID, L2TP_CISCO_REMOTE_END_ID);
	struct session *s, *catchall = NULL;
	size_t n = 0;

	*idlen = 0;
	/* Copied out through the AVP getter (packet bytes stay in proto/);
	 * an ID too long for the buffer matches no session. */
	end_id[0] = '\0';
	if (a != NULL) {
		if (len == 0 || avp_get_bytes(a, end_id, len - 1, &n) == -1)
			return NULL;
		end_id[n] = '\0';
		*idlen = n;
	}
	TAILQ_FOREACH(s, &t->sessions, entry) {
		if (s->conf->remote_end_id[0] == '\0')
			catchall = s;
		else if (config_end_id_equal(s->conf,
			     a != NULL ? (const uint8_t *)end_id : NULL, n))
			return s;
	}
	return catchall;
}

/* Make room for the peer's call on a circuit that has one already. */
static int
icrq_resolve(
    struct session *s, const struct l2tp_msg *m, int cisco, uint32_t peer_id)
{
	if (s->state == SS_WAIT_REPLY) {
		if (tie_break(s, m) > 0) {
			log_info("session %s/%s: simultaneous ICRQs, ours "
				 "wins",
			    tname(s), s->conf->name);
			stateless_cdn(s->tunnel, cisco, peer_id,
			    L2TP_CDN_LOST_TIE_BREAKER, 0,
			    "lost the session tie breaker");
			return -1;
		}
		log_info("session %s/%s: simultaneous ICRQs, the peer's wins",
		    tname(s), s->conf->name);
		ssfsm_event(s, SSE_TIE_LOST);
	} else if (s->state != SS_IDLE) {
		/* The peer places the call anew: it forgot the old one. */
		session_set_cdn(
		    s, L2TP_CDN_GENERAL_ERROR, 0, "replaced by a new call");
		ssfsm_event(s, SSE_CLOSE);
	}
	return 0;
}

static void
icrq_input(struct tunnel *t, const struct l2tp_msg *m)
{
	struct session *s;
	char end_id[SS_END_ID_MAX], why[128];
	char vis[STR_VIS_SIZE(SS_END_ID_MAX)];
	size_t idlen;
	uint32_t peer_id = 0, rsid = 0;
	uint16_t result, error;
	int cisco = msg_is_cisco_draft(m), l2ss_dflt;

	(void)msg_u32(m, L2TP_AVP_LOCAL_SESSION_ID, L2TP_CISCO_LOCAL_SESSION_ID,
	    &peer_id);
	(void)msg_u32(
	    m, L2TP_AVP_REMOTE_SESSION_ID, L2TP_CISCO_REMOTE_SESSION_ID, &rsid);
	if (rsid != 0) {
		stateless_cdn(t, cisco, peer_id, L2TP_CDN_GENERAL_ERROR,
		    L2TP_ERR_BAD_VALUE, "Remote Session ID is not 0 in ICRQ");
		return;
	}
	if ((s = icrq_match(t, m, end_id, sizeof(end_id), &idlen)) == NULL) {
		snprintf(why, sizeof(why),
		    "no session configured for remote end id %s",
		    str_visn(vis, sizeof(vis), end_id, idlen));
		stateless_cdn(
		    t, cisco, peer_id, L2TP_CDN_NO_FACILITIES_PERM, 0, why);
		return;
	}
	l2ss_dflt = s->conf->l2spec == L2TP_L2SS_DEFAULT;
	if (check_call(s->conf, m, &l2ss_dflt, &result, &error, why,
		sizeof(why)) == -1) {
		stateless_cdn(t, cisco, peer_id, result, error, why);
		return;
	}
	if (icrq_resolve(s, m, cisco, peer_id) == -1)
		return;
	retry_cancel(s);
	if (call_begin(s) == -1) {
		stateless_cdn(t, cisco, peer_id, L2TP_CDN_NO_FACILITIES_TEMP,
		    L2TP_ERR_NO_RESOURCES, "out of resources");
		return;
	}
	s->initiator = 0;
	s->cisco = cisco;
	s->l2ss_default = l2ss_dflt;
	(void)record_peer_cookie(s, m);
	record_peer_call(s, m);
	ssfsm_event(s, SSE_RX_ICRQ);
}

static void
icrp_input(struct session *s, const struct l2tp_msg *m)
{
	char why[128];
	uint16_t result, error;
	int l2ss_dflt = s->l2ss_default;

	if (s->state == SS_WAIT_REPLY) {
		if (check_call(s->conf, m, &l2ss_dflt, &result, &error, why,
			sizeof(why)) == -1 ||
		    record_peer_cookie(s, m) == -1) {
			if (result == 0) {
				result = L2TP_CDN_GENERAL_ERROR;
				error = L2TP_ERR_BAD_VALUE;
				snprintf(why, sizeof(why), "bad cookie");
			}
			record_peer_call(s, m);
			session_set_cdn(s, result, error, why);
			ssfsm_event(s, SSE_RX_BAD);
			return;
		}
		s->l2ss_default = l2ss_dflt;
		record_peer_call(s, m);
	}
	ssfsm_event(s, SSE_RX_ICRP);
}

static void
sli_input(struct session *s, const struct l2tp_msg *m)
{
	uint16_t cs;

	if (s->state == SS_ESTABLISHED &&
	    msg_u16(m, L2TP_AVP_CIRCUIT_STATUS, L2TP_CISCO_CIRCUIT_STATUS,
		&cs) == 0)
		s->remote_down = (cs & L2TP_CS_ACTIVE) == 0;
	ssfsm_event(s, SSE_RX_SLI);
}

/* A message about a call: the session it names, on this tunnel. */
static struct session *
find_call(struct tunnel *t, const struct l2tp_msg *m)
{
	struct session *s;
	uint32_t id = 0;

	(void)msg_u32(
	    m, L2TP_AVP_REMOTE_SESSION_ID, L2TP_CISCO_REMOTE_SESSION_ID, &id);
	s = session_by_id(id);
	return s != NULL && s->tunnel == t ? s : NULL;
}

void
session_input(struct tunnel *t, const struct l2tp_msg *m)
{
	struct session *s;
	uint32_t peer_id = 0;

	if (m->type == L2TP_MT_ICRQ) {
		icrq_input(t, m);
		return;
	}
	if ((s = find_call(t, m)) == NULL) {
		/* RFC 3931: a CDN for an unknown call needs no answer;
		 * anything else is told the session ID is invalid. */
		log_debug("tunnel %s: %s for unknown session", t->conf->name,
		    l2tp_msg_type_name(m->type));
		if (m->type == L2TP_MT_CDN)
			return;
		(void)msg_u32(m, L2TP_AVP_LOCAL_SESSION_ID,
		    L2TP_CISCO_LOCAL_SESSION_ID, &peer_id);
		stateless_cdn(t, msg_is_cisco_draft(m), peer_id,
		    L2TP_CDN_GENERAL_ERROR, L2TP_ERR_BAD_SESSION_ID,
		    "invalid session id");
		return;
	}
	switch (m->type) {
	case L2TP_MT_ICRP:
		icrp_input(s, m);
		break;
	case L2TP_MT_ICCN:
		if (s->state == SS_WAIT_CONNECT)
			record_peer_seq(s, m);
		ssfsm_event(s, SSE_RX_ICCN);
		break;
	case L2TP_MT_CDN:
		if (s->state != SS_IDLE)
			record_cdn(s, m);
		ssfsm_event(s, SSE_RX_CDN);
		break;
	case L2TP_MT_SLI:
		sli_input(s, m);
		break;
	case L2TP_MT_WEN:
		ssfsm_event(s, SSE_RX_WEN);
		break;
	default:
		log_debug("session %s/%s: %s ignored", tname(s), s->conf->name,
		    l2tp_msg_type_name(m->type));
		break;
	}
}

void
session_input_bad(
    struct tunnel *t, const struct l2tp_msg *m, const struct l2tp_verdict *v)
{
	struct session *s;
	uint32_t peer_id = 0;

	log_warnx("tunnel %s: bad %s: %s", t->conf->name,
	    l2tp_msg_type_name(m->type), v->reason);
	if (m->type != L2TP_MT_ICRQ && (s = find_call(t, m)) != NULL) {
		/* A refused ICRP still names the peer's session: our CDN
		 * carries it, so the peer can match it at once. */
		if (s->state == SS_WAIT_REPLY && s->remote_id == 0)
			(void)msg_u32(m, L2TP_AVP_LOCAL_SESSION_ID,
			    L2TP_CISCO_LOCAL_SESSION_ID, &s->remote_id);
		session_set_cdn(s, v->result, v->error, v->reason);
		ssfsm_event(s, SSE_RX_BAD);
		return;
	}
	if (m->type == L2TP_MT_CDN)
		return;
	(void)msg_u32(m, L2TP_AVP_LOCAL_SESSION_ID, L2TP_CISCO_LOCAL_SESSION_ID,
	    &peer_id);
	stateless_cdn(
	    t, msg_is_cisco_draft(m), peer_id, v->result, v->error, v->reason);
}

int
session_clear(struct session *s, const char *why)
{
	if (!(s->state & SS_OPEN_STATES))
		return -1;
	session_set_cdn(s, L2TP_CDN_ADMIN, 0, why);
	ssfsm_event(s, SSE_CLOSE);
	return 0;
}

/* Place our call now, not after a retry delay: the configuration asks
 * for it. */
static void
session_restart(struct session *s)
{
	retry_cancel(s);
	s->failures = 0;
	if (s->state == SS_IDLE && s->tunnel->state == CC_ESTABLISHED &&
	    s->conf->initiate)
		ssfsm_event(s, SSE_OPEN);
}

/* A session gone from the configuration: CDN, then it goes (a peer's
 * ICRQ for it is refused from now on). */
static void
session_remove(struct session *s)
{
	log_info("session %s/%s: removed from the configuration", tname(s),
	    s->conf->name);
	(void)session_clear(s, "removed from configuration");
	session_free(s);
}

/* The session runs next's settings from now on (the configuration is
 * shared, never copied: this swaps references). */
static void
session_adopt(struct session *s, struct session_conf *next)
{
	struct session_conf *old = s->conf;

	s->conf = config_session_ref(next);
	config_session_unref(old);
}

/* Changed: the call ends (CDN, and the kernel session with its
 * interface, addresses and routes) under the old settings, and is placed
 * again with the new ones.  Unchanged but for `debug` or the scripts (or
 * where it is in the file): the call goes on, and the next script run is
 * the new one's. */
static void
session_change(struct session *s, struct session_conf *next)
{
	if (config_session_same(s->conf, next)) {
		session_adopt(s, next);
		return;
	}
	log_info("session %s/%s: configuration changed, restarting", tname(s),
	    s->conf->name);
	(void)session_clear(s, "configuration changed");
	session_adopt(s, next);
	session_restart(s);
}

static void
session_add(struct tunnel *t, struct session_conf *next)
{
	struct session *s;

	if ((s = session_new(t, next)) == NULL)
		return;
	log_info("session %s/%s: added", t->conf->name, next->name);
	session_restart(s);
}

static struct session *
session_find(const struct tunnel *t, const char *name)
{
	struct session *s;

	TAILQ_FOREACH(s, &t->sessions, entry)
		if (strcmp(s->conf->name, name) == 0)
			return s;
	return NULL;
}

void
session_tunnel_reload(struct tunnel *t, struct tunnel_conf *next)
{
	struct session *s, *n;
	struct session_conf *nsc;

	for (s = TAILQ_FIRST(&t->sessions); s != NULL; s = n) {
		n = TAILQ_NEXT(s, entry);
		if ((nsc = config_find_session(next, s->conf->name)) == NULL)
			session_remove(s);
		else
			session_change(s, nsc);
	}
	TAILQ_FOREACH(nsc, &next->sessions, entry)
		if (session_find(t, nsc->name) == NULL)
			session_add(t, nsc);
}

void
session_set_local_circuit(struct session *s, int up)
{
	if (s->local_down == !up)
		return;
	s->local_down = !up;
	if (s->state == SS_ESTABLISHED && session_send(s, L2TP_MT_SLI) == 0)
		s->sli_sent++;
}

/* --- FSM actions -------------------------------------------------- */

void
session_set_state(struct session *s, int state)
{
	int old = s->state;

	if (old == state)
		return;
	s->state = state;
	NOTIFY(changed, s);
	if (state == SS_ESTABLISHED) {
		s->up_since = now_s();
		s->failures = 0;
		log_info("session %s/%s: established (local %u, remote %u, %s)",
		    tname(s), s->conf->name, s->local_id, s->remote_id,
		    s->cisco ? "cisco" : "ietf");
		NOTIFY(up, s);
		return;
	}
	if (state != SS_IDLE)
		return;
	if (old == SS_ESTABLISHED)
		log_info("session %s/%s: down", tname(s), s->conf->name);
	if (s->conf->initiate && s->tunnel->state == CC_ESTABLISHED)
		schedule_retry(s);
}

void
session_set_cdn(
    struct session *s, uint16_t result, uint16_t error, const char *msg)
{
	s->cdn_result = result;
	s->cdn_error = error;
	s->cdn_by_peer = 0;
	cdn_text_set(s, msg != NULL ? msg : "", msg != NULL ? strlen(msg) : 0);
}

int
session_act_send_icrq(struct session *s)
{
	if (call_begin(s) == -1)
		return -1;
	s->initiator = 1;
	s->cisco = s->tunnel->cisco;
	s->tie_breaker = (uint64_t)arc4random() << 32 | arc4random();
	s->call_serial = ++ss.call_serial;
	return session_send(s, L2TP_MT_ICRQ);
}

int
session_act_send_icrp(struct session *s)
{
	return session_send(s, L2TP_MT_ICRP);
}

int
session_act_send_iccn(struct session *s)
{
	return session_send(s, L2TP_MT_ICCN);
}

int
session_act_establish(struct session *s)
{
	/* The reliable layer acknowledges the ICCN. */
	return 0;
}

int
session_act_peer_cdn(struct session *s)
{
	char vis[STR_VIS_SIZE(SESSION_TEXT_MAX)];

	log_info("session %s/%s: peer disconnected: result %u error %u%s%s",
	    tname(s), s->conf->name, s->cdn_result, s->cdn_error,
	    s->cdn_msg[0] ? ": " : "", str_vis(vis, sizeof(vis), s->cdn_msg));
	call_end(s);
	return 0;
}

int
session_act_send_cdn(struct session *s)
{
	int rc;

	log_info("session %s/%s: sending CDN result %u error %u%s%s", tname(s),
	    s->conf->name, s->cdn_result, s->cdn_error,
	    s->cdn_msg[0] ? ": " : "", s->cdn_msg);
	rc = session_send(s, L2TP_MT_CDN);
	call_end(s);
	return rc;
}

int
session_act_teardown(struct session *s)
{
	call_end(s);
	return 0;
}

int
session_act_sli(struct session *s)
{
	s->sli_received++;
	log_info("session %s/%s: peer's circuit is %s", tname(s), s->conf->name,
	    s->remote_down ? "down" : "up");
	NOTIFY(remote_circuit, s);
	return 0;
}

int
session_act_wen(struct session *s)
{
	s->wen_received++;
	return 0;
}

/* --- graceful restart ---------------------------------------------- */

void
session_handover_export(const struct session *s, struct ho_session *h)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", s->conf->name);
	h->local_id = s->local_id;
	h->remote_id = s->remote_id;
	h->call_serial = s->call_serial;
	h->tie_breaker = s->tie_breaker;
	h->up_since = (int64_t)s->up_since;
	h->state = (uint8_t)s->state;
	h->initiator = s->initiator;
	h->cisco = s->cisco;
	h->remote_down = s->remote_down;
	h->local_down = s->local_down;
	h->peer_seq = s->peer_seq;
	h->l2ss_default = s->l2ss_default;
	h->dp_up = s->dp_up;
	h->peer_mtu = s->peer_mtu;
	h->sli_received = s->sli_received;
	h->sli_sent = s->sli_sent;
	h->wen_received = s->wen_received;
	h->local_cookie_len = s->local_cookie_len;
	memcpy(h->local_cookie, s->local_cookie, sizeof(h->local_cookie));
	h->peer_cookie_len = s->peer_cookie_len;
	memcpy(h->peer_cookie, s->peer_cookie, sizeof(h->peer_cookie));
	snprintf(h->ifname, sizeof(h->ifname), "%s", s->dp_ifname);
}

int
session_handover_import(struct tunnel *t, const struct ho_session *h)
{
	struct session *s;

	if (h->state != SS_ESTABLISHED || h->local_id == 0 ||
	    (s = session_find(t, h->name)) == NULL || s->state != SS_IDLE ||
	    table_ready() == -1 || session_by_id(h->local_id) != NULL ||
	    h->local_cookie_len > sizeof(s->local_cookie) ||
	    h->peer_cookie_len > sizeof(s->peer_cookie))
		return -1;
	retry_cancel(s);
	s->local_id = h->local_id;
	idt_insert(&ss.by_id, &s->by_id, s->local_id);
	s->in_table = 1;
	s->remote_id = h->remote_id;
	s->call_serial = h->call_serial;
	s->tie_breaker = h->tie_breaker;
	s->up_since = (time_t)h->up_since;
	s->initiator = h->initiator;
	s->cisco = h->cisco;
	s->remote_down = h->remote_down;
	s->local_down = h->local_down;
	s->peer_seq = h->peer_seq;
	s->l2ss_default = h->l2ss_default;
	s->peer_mtu = h->peer_mtu;
	s->sli_received = h->sli_received;
	s->sli_sent = h->sli_sent;
	s->wen_received = h->wen_received;
	s->local_cookie_len = h->local_cookie_len;
	memcpy(s->local_cookie, h->local_cookie, sizeof(s->local_cookie));
	s->peer_cookie_len = h->peer_cookie_len;
	memcpy(s->peer_cookie, h->peer_cookie, sizeof(s->peer_cookie));
	snprintf(s->dp_ifname, sizeof(s->dp_ifname), "%s", h->ifname);
	/* Not through session_set_state(): the call is not new. */
	s->state = SS_ESTABLISHED;
	NOTIFY(handover, s, h->dp_up);
	return 0;
}

void
session_handover_resume(struct tunnel *t)
{
	struct session *s;

	TAILQ_FOREACH(s, &t->sessions, entry)
		if (s->state == SS_IDLE && s->conf->initiate)
			ssfsm_event(s, SSE_OPEN);
}
