/*
 * The graceful-restart state format (handover.h).  Written with the
 * bounded writer into a buffer sized from counts; read with the bounded
 * reader, whose failures stick (struct ho_rd), so each record is read
 * whole and checked once.  One tunnel at a time both ways: the whole
 * state's ho_encode/ho_decode are loops over the same writer/reader.
 */
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/handover.h"
#include "proto/buf.h"

/* --- writing ------------------------------------------------------- */

static void
put_str(struct wbuf *w, const char *s, size_t max)
{
	size_t n = strnlen(s, max - 1);

	(void)wbuf_put_u16(w, (uint16_t)n);
	(void)wbuf_put_bytes(w, s, n);
}

static void
put_addr(struct wbuf *w, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	uint8_t zero[16] = { 0 };

	(void)wbuf_put_u8(w, (uint8_t)ss->ss_family);
	if (ss->ss_family == AF_INET) {
		(void)wbuf_put_bytes(w, &s4->sin_addr, 4);
		(void)wbuf_put_bytes(w, zero, 12);
		(void)wbuf_put_u16(w, ntohs(s4->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		(void)wbuf_put_bytes(w, &s6->sin6_addr, 16);
		(void)wbuf_put_u16(w, ntohs(s6->sin6_port));
	} else {
		(void)wbuf_put_bytes(w, zero, 16);
		(void)wbuf_put_u16(w, 0);
	}
}

static void
put_rl(struct wbuf *w, const struct rl_snapshot *r)
{
	const struct rl_params *p = &r->params;
	const struct rl_stats *s = &r->stats;

	(void)wbuf_put_u16(w, p->local_window);
	(void)wbuf_put_u16(w, p->peer_window);
	(void)wbuf_put_u32(w, p->rto_initial_ms);
	(void)wbuf_put_u32(w, p->rto_cap_ms);
	(void)wbuf_put_u32(w, p->max_retries);
	(void)wbuf_put_u32(w, p->ack_delay_ms);
	(void)wbuf_put_u64(w, s->tx_msgs);
	(void)wbuf_put_u64(w, s->tx_retransmits);
	(void)wbuf_put_u64(w, s->tx_acks);
	(void)wbuf_put_u64(w, s->rx_msgs);
	(void)wbuf_put_u64(w, s->rx_duplicates);
	(void)wbuf_put_u64(w, s->rx_out_of_order);
	(void)wbuf_put_u64(w, s->rx_out_of_window);
	(void)wbuf_put_u64(w, s->rx_acks);
	(void)wbuf_put_u64(w, s->rx_bad_nr);
	(void)wbuf_put_u16(w, r->tx_una);
	(void)wbuf_put_u16(w, r->tx_ns);
	(void)wbuf_put_u16(w, r->in_flight);
	(void)wbuf_put_u16(w, r->cwnd);
	(void)wbuf_put_u16(w, r->ssthresh);
	(void)wbuf_put_u16(w, r->ca_acks);
	(void)wbuf_put_u16(w, r->rx_nr);
	(void)wbuf_put_u8(w, r->ack_owed);
	(void)wbuf_put_u8(w, r->dead);
	(void)wbuf_put_u32(w, r->rto_ms);
	(void)wbuf_put_u32(w, r->retries);
	(void)wbuf_put_u64(w, r->rtx_deadline);
	(void)wbuf_put_u64(w, r->ack_deadline);
}

static void
put_session(struct wbuf *w, const struct ho_session *s)
{
	put_str(w, s->name, sizeof(s->name));
	(void)wbuf_put_u32(w, s->local_id);
	(void)wbuf_put_u32(w, s->remote_id);
	(void)wbuf_put_u32(w, s->call_serial);
	(void)wbuf_put_u64(w, s->tie_breaker);
	(void)wbuf_put_u64(w, (uint64_t)s->up_since);
	(void)wbuf_put_u8(w, s->state);
	(void)wbuf_put_u8(w, s->initiator);
	(void)wbuf_put_u8(w, s->cisco);
	(void)wbuf_put_u8(w, s->remote_down);
	(void)wbuf_put_u8(w, s->local_down);
	(void)wbuf_put_u8(w, s->peer_seq);
	(void)wbuf_put_u8(w, s->l2ss_default);
	(void)wbuf_put_u8(w, s->dp_up);
	(void)wbuf_put_u16(w, s->peer_mtu);
	(void)wbuf_put_u32(w, s->sli_received);
	(void)wbuf_put_u32(w, s->sli_sent);
	(void)wbuf_put_u32(w, s->wen_received);
	(void)wbuf_put_u8(w, s->local_cookie_len);
	(void)wbuf_put_bytes(w, s->local_cookie, HO_COOKIE_MAX);
	(void)wbuf_put_u8(w, s->peer_cookie_len);
	(void)wbuf_put_bytes(w, s->peer_cookie, HO_COOKIE_MAX);
	put_str(w, s->ifname, sizeof(s->ifname));
}

static void
put_tunnel(struct wbuf *w, const struct ho_tunnel *t)
{
	size_t i;

	put_str(w, t->name, sizeof(t->name));
	(void)wbuf_put_u32(w, t->local_ccid);
	(void)wbuf_put_u32(w, t->peer_ccid);
	(void)wbuf_put_u64(w, t->tie_breaker);
	(void)wbuf_put_u8(w, t->state);
	(void)wbuf_put_u8(w, t->kind);
	(void)wbuf_put_u8(w, t->encap);
	(void)wbuf_put_u8(w, t->framing);
	(void)wbuf_put_u8(w, t->initiator);
	(void)wbuf_put_u8(w, t->cisco);
	(void)wbuf_put_u8(w, t->dp_up);
	(void)wbuf_put_u32(w, (uint32_t)t->fd);
	put_addr(w, &t->local);
	put_addr(w, &t->peer);
	(void)wbuf_put_u16(w, t->peer_rws);
	(void)wbuf_put_u32(w, t->peer_router_id);
	put_str(w, t->peer_hostname, sizeof(t->peer_hostname));
	put_str(w, t->peer_vendor, sizeof(t->peer_vendor));
	(void)wbuf_put_u8(w, t->digest);
	(void)wbuf_put_u8(w, t->local_nonce_len);
	(void)wbuf_put_bytes(w, t->local_nonce, HO_NONCE_MAX);
	(void)wbuf_put_u8(w, t->peer_nonce_len);
	(void)wbuf_put_bytes(w, t->peer_nonce, HO_NONCE_MAX);
	(void)wbuf_put_u64(w, (uint64_t)t->up_since);
	(void)wbuf_put_u64(w, t->hello_deadline);
	put_rl(w, &t->rl);
	(void)wbuf_put_u32(w, (uint32_t)t->nmsgs);
	for (i = 0; i < t->nmsgs; i++) {
		(void)wbuf_put_u32(w, (uint32_t)t->msgs[i].len);
		(void)wbuf_put_bytes(w, t->msgs[i].data, t->msgs[i].len);
	}
	(void)wbuf_put_u32(w, (uint32_t)t->nctr);
	for (i = 0; i < t->nctr; i++)
		(void)wbuf_put_u64(w, t->ctr[i]);
	(void)wbuf_put_u32(w, (uint32_t)t->nsessions);
	for (i = 0; i < t->nsessions; i++)
		put_session(w, &t->sessions[i]);
}

/* Everything but the tunnels, which follow their count. */
static void
put_head(struct wbuf *w, const struct ho_state *st)
{
	size_t i;

	(void)wbuf_put_bytes(w, HO_MAGIC, HO_MAGIC_LEN);
	(void)wbuf_put_u32(w, st->version);
	(void)wbuf_put_u32(w, (uint32_t)st->pid_fd);
	(void)wbuf_put_u32(w, (uint32_t)st->ctl_lock_fd);
	(void)wbuf_put_u32(w, (uint32_t)st->metrics_fd);
	(void)wbuf_put_u32(w, (uint32_t)st->nctl);
	for (i = 0; i < st->nctl; i++) {
		put_str(w, st->ctl[i].path, sizeof(st->ctl[i].path));
		(void)wbuf_put_u32(w, (uint32_t)st->ctl[i].fd);
	}
	(void)wbuf_put_u32(w, (uint32_t)st->nlisteners);
	for (i = 0; i < st->nlisteners; i++) {
		(void)wbuf_put_u8(w, st->listeners[i].encap);
		(void)wbuf_put_u8(w, st->listeners[i].kind);
		(void)wbuf_put_u32(w, (uint32_t)st->listeners[i].fd);
		put_addr(w, &st->listeners[i].addr);
	}
}

void
ho_write_begin(
    struct ho_writer *wr, uint8_t *buf, size_t cap, const struct ho_state *head)
{
	wbuf_init(&wr->w, buf, cap);
	wr->ntunnels = 0;
	wr->in_flight = 0;
	wr->count_off = 0;
	put_head(&wr->w, head);
	(void)wbuf_reserve(&wr->w, 4, &wr->count_off);
}

void
ho_write_tunnel(struct ho_writer *wr, const struct ho_tunnel *t)
{
	put_tunnel(&wr->w, t);
	wr->ntunnels++;
	wr->in_flight += t->rl.in_flight;
}

int
ho_write_end(struct ho_writer *wr, size_t *len)
{
	if (!wbuf_ok(&wr->w) || wr->ntunnels > UINT32_MAX ||
	    wbuf_patch_u32(&wr->w, wr->count_off, (uint32_t)wr->ntunnels) == -1)
		return -1;
	*len = wbuf_len(&wr->w);
	return 0;
}

/* At least the encoded size: no field is written longer than it is in
 * memory (a string's length prefix fits in its array's unused NUL, an
 * address's 19 bytes in a sockaddr_storage), so the memfd is sized once
 * from counts, before anything is encoded. */
size_t
ho_head_bound(const struct ho_state *st)
{
	return sizeof(*st) + HO_MAGIC_LEN + 64 +
	    st->nlisteners * sizeof(*st->listeners);
}

size_t
ho_tunnel_bound(size_t nsessions, size_t msg_bytes)
{
	return sizeof(struct ho_tunnel) + 64 +
	    nsessions * sizeof(struct ho_session) + msg_bytes;
}

size_t
ho_encode_bound(const struct ho_state *st)
{
	size_t i, j, m, n = ho_head_bound(st);

	for (i = 0; i < st->ntunnels; i++) {
		for (j = 0, m = 0; j < st->tunnels[i].nmsgs; j++)
			m += 4 + st->tunnels[i].msgs[j].len;
		n += ho_tunnel_bound(st->tunnels[i].nsessions, m);
	}
	return n;
}

int
ho_encode_to(const struct ho_state *st, uint8_t *buf, size_t cap, size_t *len)
{
	struct ho_writer wr;
	size_t i;

	ho_write_begin(&wr, buf, cap, st);
	for (i = 0; i < st->ntunnels; i++)
		ho_write_tunnel(&wr, &st->tunnels[i]);
	return ho_write_end(&wr, len);
}

int
ho_encode(const struct ho_state *st, uint8_t **out, size_t *len)
{
	size_t cap = ho_encode_bound(st);
	uint8_t *buf;

	if ((buf = malloc(cap)) == NULL)
		return -1;
	if (ho_encode_to(st, buf, cap, len) == -1) {
		/* The bound is wrong: a bug, not a state too big. */
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

/* Room for n of sz bytes, doubling from cap; 0 when too large. */
static size_t
next_cap(size_t cap, size_t n, size_t sz)
{
	size_t c = cap > 0 ? cap : 8;

	while (c < n && c <= SIZE_MAX / 2)
		c *= 2;
	return c < n || c > SIZE_MAX / sz ? 0 : c;
}

int
ho_tunnel_reserve(struct ho_tunnel *t, size_t nmsgs, size_t nsessions)
{
	struct ho_session *s;
	struct ho_msg *m;
	size_t c;

	if (nmsgs > t->msgs_cap) {
		if ((c = next_cap(t->msgs_cap, nmsgs, sizeof(*m))) == 0 ||
		    (m = realloc(t->msgs, c * sizeof(*m))) == NULL)
			return -1;
		t->msgs = m;
		t->msgs_cap = c;
	}
	if (nsessions > t->sessions_cap) {
		if ((c = next_cap(t->sessions_cap, nsessions, sizeof(*s))) ==
			0 ||
		    (s = realloc(t->sessions, c * sizeof(*s))) == NULL)
			return -1;
		t->sessions = s;
		t->sessions_cap = c;
	}
	return 0;
}

void
ho_tunnel_release(struct ho_tunnel *t)
{
	free(t->msgs);
	free(t->sessions);
	t->msgs = NULL;
	t->sessions = NULL;
	t->nmsgs = t->nsessions = t->msgs_cap = t->sessions_cap = 0;
}

/* --- reading ------------------------------------------------------- */

/* A reader whose first failure sticks (struct ho_rd): read a record,
 * check once. */

static uint8_t
get_u8(struct ho_rd *d)
{
	uint8_t v = 0;

	if (rbuf_get_u8(&d->r, &v) == -1)
		d->bad = 1;
	return v;
}

static uint16_t
get_u16(struct ho_rd *d)
{
	uint16_t v = 0;

	if (rbuf_get_u16(&d->r, &v) == -1)
		d->bad = 1;
	return v;
}

static uint32_t
get_u32(struct ho_rd *d)
{
	uint32_t v = 0;

	if (rbuf_get_u32(&d->r, &v) == -1)
		d->bad = 1;
	return v;
}

static uint64_t
get_u64(struct ho_rd *d)
{
	uint64_t v = 0;

	if (rbuf_get_u64(&d->r, &v) == -1)
		d->bad = 1;
	return v;
}

static void
get_bytes(struct ho_rd *d, void *p, size_t n)
{
	if (rbuf_get_bytes(&d->r, p, n) == -1) {
		memset(p, 0, n);
		d->bad = 1;
	}
}

static void
get_str(struct ho_rd *d, char *s, size_t max)
{
	uint16_t n = get_u16(d);

	s[0] = '\0';
	if (d->bad || n >= max) {
		d->bad = 1;
		return;
	}
	get_bytes(d, s, n);
	s[n] = '\0';
}

static uint8_t
get_len(struct ho_rd *d, size_t max)
{
	uint8_t n = get_u8(d);

	if (n > max)
		d->bad = 1;
	return n;
}

static void
get_addr(struct ho_rd *d, struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	uint8_t fam = get_u8(d), a[16];
	uint16_t port;

	get_bytes(d, a, sizeof(a));
	port = get_u16(d);
	memset(ss, 0, sizeof(*ss));
	if (fam == AF_INET) {
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a, 4);
		s4->sin_port = htons(port);
	} else if (fam == AF_INET6) {
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a, 16);
		s6->sin6_port = htons(port);
	} else if (fam != AF_UNSPEC)
		d->bad = 1;
}

static void
get_rl(struct ho_rd *d, struct rl_snapshot *r)
{
	struct rl_params *p = &r->params;
	struct rl_stats *s = &r->stats;

	p->local_window = get_u16(d);
	p->peer_window = get_u16(d);
	p->rto_initial_ms = get_u32(d);
	p->rto_cap_ms = get_u32(d);
	p->max_retries = get_u32(d);
	p->ack_delay_ms = get_u32(d);
	s->tx_msgs = get_u64(d);
	s->tx_retransmits = get_u64(d);
	s->tx_acks = get_u64(d);
	s->rx_msgs = get_u64(d);
	s->rx_duplicates = get_u64(d);
	s->rx_out_of_order = get_u64(d);
	s->rx_out_of_window = get_u64(d);
	s->rx_acks = get_u64(d);
	s->rx_bad_nr = get_u64(d);
	r->tx_una = get_u16(d);
	r->tx_ns = get_u16(d);
	r->in_flight = get_u16(d);
	r->cwnd = get_u16(d);
	r->ssthresh = get_u16(d);
	r->ca_acks = get_u16(d);
	r->rx_nr = get_u16(d);
	r->ack_owed = get_u8(d);
	r->dead = get_u8(d);
	r->rto_ms = get_u32(d);
	r->retries = get_u32(d);
	r->rtx_deadline = get_u64(d);
	r->ack_deadline = get_u64(d);
}

static void
get_session(struct ho_rd *d, struct ho_session *s)
{
	get_str(d, s->name, sizeof(s->name));
	s->local_id = get_u32(d);
	s->remote_id = get_u32(d);
	s->call_serial = get_u32(d);
	s->tie_breaker = get_u64(d);
	s->up_since = (int64_t)get_u64(d);
	s->state = get_u8(d);
	s->initiator = get_u8(d);
	s->cisco = get_u8(d);
	s->remote_down = get_u8(d);
	s->local_down = get_u8(d);
	s->peer_seq = get_u8(d);
	s->l2ss_default = get_u8(d);
	s->dp_up = get_u8(d);
	s->peer_mtu = get_u16(d);
	s->sli_received = get_u32(d);
	s->sli_sent = get_u32(d);
	s->wen_received = get_u32(d);
	s->local_cookie_len = get_len(d, HO_COOKIE_MAX);
	get_bytes(d, s->local_cookie, HO_COOKIE_MAX);
	s->peer_cookie_len = get_len(d, HO_COOKIE_MAX);
	get_bytes(d, s->peer_cookie, HO_COOKIE_MAX);
	get_str(d, s->ifname, sizeof(s->ifname));
}

/* A count that the rest of the buffer could hold at min bytes each. */
static size_t
get_count(struct ho_rd *d, size_t max, size_t min)
{
	uint32_t n = get_u32(d);

	if (d->bad || n > max || (size_t)n * min > rbuf_left(&d->r)) {
		d->bad = 1;
		return 0;
	}
	return n;
}

/* The send queue: its bytes stay in the buffer (borrowed). */
static void
get_msgs(struct ho_rd *d, struct ho_tunnel *t)
{
	size_t i, n = get_count(d, HO_MSGS_MAX, 4);
	const uint8_t *p;
	uint32_t len;

	t->nmsgs = 0;
	if (d->bad || n == 0)
		return;
	if (ho_tunnel_reserve(t, n, 0) == -1) {
		d->bad = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		len = get_u32(d);
		if (d->bad || len == 0 || len > HO_MSG_LEN_MAX ||
		    rbuf_view(&d->r, len, &p) == -1) {
			d->bad = 1;
			return;
		}
		t->msgs[i].data = p;
		t->msgs[i].len = len;
		t->nmsgs = i + 1;
	}
}

/* One tunnel into t, whose arrays are reused (grown as needed). */
static int
get_tunnel(struct ho_rd *d, struct ho_tunnel *t)
{
	size_t i, n;

	t->nmsgs = t->nsessions = 0;
	get_str(d, t->name, sizeof(t->name));
	t->local_ccid = get_u32(d);
	t->peer_ccid = get_u32(d);
	t->tie_breaker = get_u64(d);
	t->state = get_u8(d);
	t->kind = get_u8(d);
	t->encap = get_u8(d);
	t->framing = get_u8(d);
	t->initiator = get_u8(d);
	t->cisco = get_u8(d);
	t->dp_up = get_u8(d);
	t->fd = (int32_t)get_u32(d);
	get_addr(d, &t->local);
	get_addr(d, &t->peer);
	t->peer_rws = get_u16(d);
	t->peer_router_id = get_u32(d);
	get_str(d, t->peer_hostname, sizeof(t->peer_hostname));
	get_str(d, t->peer_vendor, sizeof(t->peer_vendor));
	t->digest = get_u8(d);
	t->local_nonce_len = get_len(d, HO_NONCE_MAX);
	get_bytes(d, t->local_nonce, HO_NONCE_MAX);
	t->peer_nonce_len = get_len(d, HO_NONCE_MAX);
	get_bytes(d, t->peer_nonce, HO_NONCE_MAX);
	t->up_since = (int64_t)get_u64(d);
	t->hello_deadline = get_u64(d);
	get_rl(d, &t->rl);
	if (d->bad)
		return -1;
	get_msgs(d, t);
	t->nctr = get_count(d, HO_NCTR_MAX, 8);
	for (i = 0; i < t->nctr; i++)
		t->ctr[i] = get_u64(d);
	n = get_count(d, 1 << 20, 40);
	if (d->bad || ho_tunnel_reserve(t, 0, n) == -1)
		return -1;
	t->nsessions = n;
	for (i = 0; i < n && !d->bad; i++)
		get_session(d, &t->sessions[i]);
	return d->bad ? -1 : 0;
}

/* Everything before the tunnels' count. */
static int
get_head(struct ho_rd *d, struct ho_state *st)
{
	size_t i, n;

	st->pid_fd = (int32_t)get_u32(d);
	st->ctl_lock_fd = (int32_t)get_u32(d);
	st->metrics_fd = (int32_t)get_u32(d);
	st->nctl = get_count(d, HO_CTL_MAX, 6);
	for (i = 0; i < st->nctl; i++) {
		get_str(d, st->ctl[i].path, sizeof(st->ctl[i].path));
		st->ctl[i].fd = (int32_t)get_u32(d);
	}
	n = get_count(d, 1024, 25);
	if (d->bad)
		return -1;
	if (n > 0 &&
	    (st->listeners = calloc(n, sizeof(*st->listeners))) == NULL)
		return -1;
	st->nlisteners = n;
	for (i = 0; i < n; i++) {
		st->listeners[i].encap = get_u8(d);
		st->listeners[i].kind = get_u8(d);
		st->listeners[i].fd = (int32_t)get_u32(d);
		get_addr(d, &st->listeners[i].addr);
	}
	return d->bad ? -1 : 0;
}

static int
read_fail(struct ho_reader *rd, char *err, size_t errlen)
{
	rd->d.bad = 1;
	snprintf(err, errlen,
	    "handover state truncated or malformed near byte %zu",
	    rbuf_pos(&rd->d.r));
	return -1;
}

int
ho_read_begin(struct ho_reader *rd, const uint8_t *buf, size_t len,
    struct ho_state *st, char *err, size_t errlen)
{
	char magic[HO_MAGIC_LEN];

	memset(rd, 0, sizeof(*rd));
	memset(st, 0, sizeof(*st));
	st->pid_fd = st->ctl_lock_fd = st->metrics_fd = -1;
	rbuf_init(&rd->d.r, buf, len);
	get_bytes(&rd->d, magic, sizeof(magic));
	if (rd->d.bad || memcmp(magic, HO_MAGIC, HO_MAGIC_LEN) != 0) {
		snprintf(err, errlen, "not a handover state (no %s magic)",
		    HO_MAGIC);
		return -1;
	}
	st->version = get_u32(&rd->d);
	if (rd->d.bad || st->version != HO_VERSION) {
		snprintf(err, errlen,
		    "handover state format version %u, this build reads "
		    "version %u only",
		    st->version, HO_VERSION);
		return -1;
	}
	if (get_head(&rd->d, st) == -1 ||
	    (rd->ntunnels = get_count(&rd->d, 1 << 20, 64), rd->d.bad)) {
		(void)read_fail(rd, err, errlen);
		ho_state_free(st);
		return -1;
	}
	return 0;
}

void
ho_read_fds(struct ho_reader *rd, const int32_t *fds, size_t n)
{
	rd->fds = fds;
	rd->nfds = n;
	rd->fd_next = 0;
}

int
ho_read_tunnel(
    struct ho_reader *rd, struct ho_tunnel **t, char *err, size_t errlen)
{
	if (rd->d.bad)
		return read_fail(rd, err, errlen);
	if (rd->nread == rd->ntunnels) {
		if (rbuf_left(&rd->d.r) != 0)
			return read_fail(rd, err, errlen);
		if (rd->fds != NULL && rd->fd_next != rd->nfds) {
			rd->d.bad = 1;
			snprintf(err, errlen,
			    "the state names %zu tunnel descriptors, %zu "
			    "were passed",
			    rd->fd_next, rd->nfds);
			return -1;
		}
		return 0;
	}
	if (get_tunnel(&rd->d, &rd->t) == -1)
		return read_fail(rd, err, errlen);
	rd->nread++;
	/* The old one's number: ours, passed in the same order. */
	if (rd->fds != NULL && rd->t.fd >= 0) {
		if (rd->fd_next == rd->nfds) {
			rd->d.bad = 1;
			snprintf(err, errlen,
			    "the state names more tunnel descriptors than "
			    "the %zu passed",
			    rd->nfds);
			return -1;
		}
		rd->t.fd = rd->fds[rd->fd_next++];
	}
	*t = &rd->t;
	return 1;
}

void
ho_read_free(struct ho_reader *rd)
{
	ho_tunnel_release(&rd->t);
}

/* A tunnel the reader lent, into a whole state's own memory. */
static int
tunnel_copy(struct ho_tunnel *dst, const struct ho_tunnel *src)
{
	uint8_t *p;
	size_t i;

	*dst = *src;
	dst->msgs = NULL;
	dst->sessions = NULL;
	dst->nmsgs = dst->nsessions = dst->msgs_cap = dst->sessions_cap = 0;
	if (ho_tunnel_reserve(dst, src->nmsgs, src->nsessions) == -1)
		return -1;
	for (i = 0; i < src->nmsgs; i++) {
		if ((p = malloc(src->msgs[i].len)) == NULL)
			return -1;
		memcpy(p, src->msgs[i].data, src->msgs[i].len);
		dst->msgs[i].data = p;
		dst->msgs[i].len = src->msgs[i].len;
		dst->nmsgs = i + 1;
	}
	if (src->nsessions > 0)
		memcpy(dst->sessions, src->sessions,
		    src->nsessions * sizeof(*src->sessions));
	dst->nsessions = src->nsessions;
	return 0;
}

int
ho_decode(const uint8_t *buf, size_t len, struct ho_state *st, char *err,
    size_t errlen)
{
	struct ho_reader rd;
	struct ho_tunnel *t;
	int rc = 0;

	if (ho_read_begin(&rd, buf, len, st, err, errlen) == -1)
		return -1;
	if (rd.ntunnels > 0 &&
	    (st->tunnels = calloc(rd.ntunnels, sizeof(*st->tunnels))) == NULL)
		rc = -1;
	while (rc != -1 && (rc = ho_read_tunnel(&rd, &t, err, errlen)) == 1)
		if (tunnel_copy(&st->tunnels[st->ntunnels++], t) == -1)
			rc = -1;
	if (rc == -1 && !rd.d.bad)
		snprintf(err, errlen, "out of memory");
	ho_read_free(&rd);
	if (rc == -1) {
		ho_state_free(st);
		return -1;
	}
	return 0;
}

void
ho_state_free(struct ho_state *st)
{
	size_t i, j;

	for (i = 0; i < st->ntunnels; i++) {
		for (j = 0; j < st->tunnels[i].nmsgs; j++)
			free((void *)(uintptr_t)st->tunnels[i].msgs[j].data);
		ho_tunnel_release(&st->tunnels[i]);
	}
	free(st->tunnels);
	free(st->listeners);
	memset(st, 0, sizeof(*st));
	st->pid_fd = st->ctl_lock_fd = st->metrics_fd = -1;
}

static void
fd_add(int32_t *fd, int32_t **out, size_t max, size_t *n)
{
	if (*fd < 0)
		return;
	if (*n < max)
		out[*n] = fd;
	(*n)++;
}

size_t
ho_state_fds(struct ho_state *st, int32_t **out, size_t max)
{
	size_t i, n = 0;

	fd_add(&st->pid_fd, out, max, &n);
	fd_add(&st->ctl_lock_fd, out, max, &n);
	fd_add(&st->metrics_fd, out, max, &n);
	for (i = 0; i < st->nctl; i++)
		fd_add(&st->ctl[i].fd, out, max, &n);
	for (i = 0; i < st->nlisteners; i++)
		fd_add(&st->listeners[i].fd, out, max, &n);
	for (i = 0; i < st->ntunnels; i++)
		fd_add(&st->tunnels[i].fd, out, max, &n);
	return n;
}
