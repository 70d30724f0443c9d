/*
 * The graceful-restart state format (handover.h).  Written with the
 * bounded writer into a buffer that doubles until the state fits; read
 * with the bounded reader, whose failures stick (struct rd), so each
 * record is read whole and checked once.
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

static void
put_state(struct wbuf *w, const struct ho_state *st)
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
	(void)wbuf_put_u32(w, (uint32_t)st->ntunnels);
	for (i = 0; i < st->ntunnels; i++)
		put_tunnel(w, &st->tunnels[i]);
}

/* At least the encoded size: no field is written longer than it is in
 * memory (a string's length prefix fits in its array's unused NUL, an
 * address's 19 bytes in a sockaddr_storage), so one pass does at 10 000
 * tunnels what doubling from 4 KiB did in a dozen. */
size_t
ho_encode_bound(const struct ho_state *st)
{
	size_t i, j, n = sizeof(*st) + HO_MAGIC_LEN + 64;

	n += st->nlisteners * sizeof(*st->listeners);
	for (i = 0; i < st->ntunnels; i++) {
		n += sizeof(st->tunnels[i]) + 64;
		n +=
		    st->tunnels[i].nsessions * sizeof(*st->tunnels[i].sessions);
		for (j = 0; j < st->tunnels[i].nmsgs; j++)
			n += 4 + st->tunnels[i].msgs[j].len;
	}
	return n;
}

int
ho_encode(const struct ho_state *st, uint8_t **out, size_t *len)
{
	struct wbuf w;
	size_t cap = ho_encode_bound(st);
	uint8_t *buf;

	for (;;) {
		if ((buf = malloc(cap)) == NULL)
			return -1;
		wbuf_init(&w, buf, cap);
		put_state(&w, st);
		if (wbuf_ok(&w))
			break;
		free(buf);
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	*out = buf;
	*len = wbuf_len(&w);
	return 0;
}

int
ho_encode_to(const struct ho_state *st, uint8_t *buf, size_t cap, size_t *len)
{
	struct wbuf w;

	wbuf_init(&w, buf, cap);
	put_state(&w, st);
	if (!wbuf_ok(&w))
		return -1;
	*len = wbuf_len(&w);
	return 0;
}

/* --- reading ------------------------------------------------------- */

/* A reader whose first failure sticks: read a record, check once. */
struct rd {
	struct rbuf r;
	int bad;
};

static uint8_t
get_u8(struct rd *d)
{
	uint8_t v = 0;

	if (rbuf_get_u8(&d->r, &v) == -1)
		d->bad = 1;
	return v;
}

static uint16_t
get_u16(struct rd *d)
{
	uint16_t v = 0;

	if (rbuf_get_u16(&d->r, &v) == -1)
		d->bad = 1;
	return v;
}

static uint32_t
get_u32(struct rd *d)
{
	uint32_t v = 0;

	if (rbuf_get_u32(&d->r, &v) == -1)
		d->bad = 1;
	return v;
}

static uint64_t
get_u64(struct rd *d)
{
	uint64_t v = 0;

	if (rbuf_get_u64(&d->r, &v) == -1)
		d->bad = 1;
	return v;
}

static void
get_bytes(struct rd *d, void *p, size_t n)
{
	if (rbuf_get_bytes(&d->r, p, n) == -1) {
		memset(p, 0, n);
		d->bad = 1;
	}
}

static void
get_str(struct rd *d, char *s, size_t max)
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
get_len(struct rd *d, size_t max)
{
	uint8_t n = get_u8(d);

	if (n > max)
		d->bad = 1;
	return n;
}

static void
get_addr(struct rd *d, struct sockaddr_storage *ss)
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
get_rl(struct rd *d, struct rl_snapshot *r)
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
get_session(struct rd *d, struct ho_session *s)
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
get_count(struct rd *d, size_t max, size_t min)
{
	uint32_t n = get_u32(d);

	if (d->bad || n > max || (size_t)n * min > rbuf_left(&d->r)) {
		d->bad = 1;
		return 0;
	}
	return n;
}

static int
get_msgs(struct rd *d, struct ho_tunnel *t)
{
	size_t i, n = get_count(d, HO_MSGS_MAX, 4);
	uint32_t len;

	if (n == 0)
		return d->bad ? -1 : 0;
	if ((t->msgs = calloc(n, sizeof(*t->msgs))) == NULL)
		return -1;
	for (i = 0; i < n && !d->bad; i++) {
		len = get_u32(d);
		if (d->bad || len == 0 || len > HO_MSG_LEN_MAX ||
		    len > rbuf_left(&d->r) ||
		    (t->msgs[i].data = malloc(len)) == NULL) {
			d->bad = 1;
			break;
		}
		t->nmsgs = i + 1;
		t->msgs[i].len = len;
		get_bytes(d, t->msgs[i].data, len);
	}
	return d->bad ? -1 : 0;
}

static int
get_tunnel(struct rd *d, struct ho_tunnel *t)
{
	size_t i, n;

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
	if (d->bad || get_msgs(d, t) == -1)
		return -1;
	t->nctr = get_count(d, HO_NCTR_MAX, 8);
	for (i = 0; i < t->nctr; i++)
		t->ctr[i] = get_u64(d);
	n = get_count(d, 1 << 20, 40);
	if (d->bad)
		return -1;
	if (n > 0 && (t->sessions = calloc(n, sizeof(*t->sessions))) == NULL)
		return -1;
	t->nsessions = n;
	for (i = 0; i < n && !d->bad; i++)
		get_session(d, &t->sessions[i]);
	return d->bad ? -1 : 0;
}

static int
get_state(struct rd *d, struct ho_state *st)
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
	n = get_count(d, 1 << 20, 64);
	if (d->bad)
		return -1;
	if (n > 0 && (st->tunnels = calloc(n, sizeof(*st->tunnels))) == NULL)
		return -1;
	st->ntunnels = n;
	for (i = 0; i < n; i++)
		if (get_tunnel(d, &st->tunnels[i]) == -1)
			return -1;
	if (rbuf_left(&d->r) != 0)
		d->bad = 1;
	return d->bad ? -1 : 0;
}

int
ho_decode(const uint8_t *buf, size_t len, struct ho_state *st, char *err,
    size_t errlen)
{
	char magic[HO_MAGIC_LEN];
	struct rd d;

	memset(st, 0, sizeof(*st));
	st->pid_fd = st->ctl_lock_fd = st->metrics_fd = -1;
	rbuf_init(&d.r, buf, len);
	d.bad = 0;
	get_bytes(&d, magic, sizeof(magic));
	if (d.bad || memcmp(magic, HO_MAGIC, HO_MAGIC_LEN) != 0) {
		snprintf(err, errlen, "not a handover state (no %s magic)",
		    HO_MAGIC);
		return -1;
	}
	st->version = get_u32(&d);
	if (d.bad || st->version != HO_VERSION) {
		snprintf(err, errlen,
		    "handover state format version %u, this build reads "
		    "version %u only",
		    st->version, HO_VERSION);
		return -1;
	}
	if (get_state(&d, st) == -1) {
		snprintf(err, errlen,
		    "handover state truncated or malformed near byte %zu",
		    rbuf_pos(&d.r));
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
			free(st->tunnels[i].msgs[j].data);
		free(st->tunnels[i].msgs);
		free(st->tunnels[i].sessions);
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
