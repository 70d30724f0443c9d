/*
 * Prometheus exposition of the daemon's counters (daemon/metrics.h).
 *
 * A scrape of 10 000 tunnels and 100 000 sessions is some 20 MB of
 * text; formatting it in one go would hold the event loop for a good
 * fraction of a second, long enough to delay hellos.  So a scrape is
 * two steps:
 *
 *  - metrics_scrape_new() copies what the page shows out of the live
 *    objects in one pass over the tunnels and their sessions: the
 *    counters, and each label value escaped once, into one arena.  A
 *    copy, not pointers, because the page is written over many turns of
 *    the loop, between which tunnels and sessions may go (a reload, a
 *    peer's StopCCN); and the page is then one instant's view.
 *  - metrics_scrape_more() writes the next slice (about
 *    METRICS_SLICE bytes) from that copy.  The HTTP server pulls slices
 *    as the client reads, the control socket as its client reads, so
 *    the loop serves hellos between slices.
 *
 * The exposition format wants every family whole (HELP, TYPE, its
 * series), so the copy is walked once per family.  Series are written
 * with memcpy and a hand-rolled decimal conversion: no printf per line.
 *
 * Kernel counters (a netlink round trip per session) are fetched in
 * slices too, just before the first kernel family, for the sessions
 * that had a kernel session when the copy was taken; a session is found
 * again by its Session ID and must still carry the same names.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/dataplane.h"
#include "daemon/metrics.h"
#include "daemon/pw.h"
#include "daemon/service.h"
#include "daemon/session.h"
#include "daemon/tunnel.h"
#include "proto/msg.h"
#include "proto/schema.h"

/* Netlink queries per slice while fetching kernel counters. */
#define KSTATS_SLICE 256

static struct {
	time_t start_wall;
	struct timespec start_mono;
	/* The last finished scrape, for l2tpv3d_scrape_*. */
	double collect_s;
	double slice_max_s;
	uint64_t scrapes;
} mt;

/* Per-tunnel values, in the order of tunnel_metrics[]. */
enum {
	TV_UP,
	TV_UPTIME,
	TV_SESSIONS,
	TV_RETRANSMITS,
	TV_DUPLICATES,
	TV_DIGEST,
	TV_MALFORMED,
	TV_CHANGES,
	TV_ZLB,
	TV_ACK,
	TV__COUNT
};

/* A primary tunnel as the copy keeps it. */
struct mtun {
	uint32_t name; /* arena: the escaped tunnel name */
	uint32_t labels; /* arena: tunnel="x",peer="y" */
	uint16_t name_len;
	uint16_t labels_len;
	int state;
	uint64_t v[TV__COUNT];
	struct tunnel_counters ctr;
};

/* A session: its tunnel (index into tun) and escaped name. */
struct msess {
	uint32_t tun;
	uint32_t name; /* arena */
	uint16_t name_len;
	uint8_t up;
};

/* A session that had a kernel session, and its counters once fetched. */
struct mkern {
	uint32_t sess; /* index into sess */
	uint32_t local_id;
	int ok; /* counters fetched */
	struct dp_session_stats st;
};

/* What the page is made of, one family (or fetch step) after another. */
enum fam_kind {
	F_DAEMON,
	F_TUNNEL, /* one value per tunnel: tunnel_metrics[arg] */
	F_STATE,
	F_TYPES, /* per message type: offset arg into tunnel_counters */
	F_TOLERATED,
	F_SESSION_UP,
	F_KFETCH,
	F_KERNEL, /* kernel_metrics[arg] */
};

struct metrics_scrape {
	struct sbuf arena; /* escaped label text */
	struct mtun *tun;
	size_t ntun;
	struct msess *sess;
	size_t nsess;
	struct mkern *kern;
	size_t nkern;
	size_t fam; /* cursor: index into page[] */
	size_t row; /* cursor: the next row of that family */
	struct timespec t0;
	double slice_max_s;
};

void
metrics_init(void)
{
	mt.start_wall = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &mt.start_mono);
}

static double
since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* --- writing --------------------------------------------------------- */

static void
put(struct sbuf *sb, const char *s, size_t n)
{
	(void)sbuf_putn(sb, s, n);
}

#define PUTS(sb, lit) put((sb), (lit), sizeof(lit) - 1)

static void
put_str(struct sbuf *sb, const char *s)
{
	put(sb, s, strlen(s));
}

static void
put_u64(struct sbuf *sb, uint64_t v)
{
	char buf[24];
	size_t i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(sb, buf + i, sizeof(buf) - i);
}

static void
put_arena(
    struct sbuf *sb, const struct metrics_scrape *sc, uint32_t off, size_t len)
{
	put(sb, sc->arena.s + off, len);
}

static void
family(struct sbuf *sb, const char *name, const char *type, const char *help)
{
	PUTS(sb, "# HELP ");
	put_str(sb, name);
	put(sb, " ", 1);
	put_str(sb, help);
	PUTS(sb, "\n# TYPE ");
	put_str(sb, name);
	put(sb, " ", 1);
	put_str(sb, type);
	put(sb, "\n", 1);
}

/* --- the copy -------------------------------------------------------- */

/* A label value into the arena: backslash, double quote and newline
 * escaped; its offset and length. */
static int
arena_label(struct sbuf *a, const char *v, uint32_t *off, uint16_t *len)
{
	size_t start = a->len;

	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			sbuf_putc(a, '\\');
		if (*v == '\n')
			sbuf_putn(a, "\\n", 2);
		else
			sbuf_putc(a, *v);
	}
	if (a->failed || a->len - start > UINT16_MAX || a->len > UINT32_MAX)
		return -1;
	*off = (uint32_t)start;
	*len = (uint16_t)(a->len - start);
	return 0;
}

static int
copy_tunnel(struct metrics_scrape *sc, const struct tunnel *t)
{
	struct mtun *m = &sc->tun[sc->ntun];
	uint32_t peer_off;
	uint16_t peer_len;
	char a[64], esc[2 * CONF_NAME_MAX];
	size_t start;

	if (arena_label(&sc->arena, t->conf->name, &m->name, &m->name_len) ==
	    -1)
		return -1;
	/* tunnel="x",peer="y": the name is copied once more, so a series
	 * is a single memcpy of its labels. */
	start = sc->arena.len;
	PUTS(&sc->arena, "tunnel=\"");
	/* Not from the arena into itself: growing it may move it first
	 * (a use after free at 10 000 tunnels). */
	if (m->name_len > sizeof(esc))
		return -1;
	memcpy(esc, sc->arena.s + m->name, m->name_len);
	put(&sc->arena, esc, m->name_len);
	PUTS(&sc->arena, "\",peer=\"");
	if (arena_label(&sc->arena,
		addr_str(
		    t->rl != NULL ? &t->peer : &t->conf->remote, a, sizeof(a)),
		&peer_off, &peer_len) == -1)
		return -1;
	put(&sc->arena, "\"", 1);
	if (sc->arena.failed || sc->arena.len - start > UINT16_MAX)
		return -1;
	m->labels = (uint32_t)start;
	m->labels_len = (uint16_t)(sc->arena.len - start);
	m->state = t->state;
	m->v[TV_UP] = (uint64_t)service_tunnel_up(t);
	m->v[TV_UPTIME] = tunnel_uptime(t);
	m->v[TV_SESSIONS] = 0; /* counted with the sessions */
	m->v[TV_RETRANSMITS] = tunnel_retransmits(t);
	m->v[TV_DUPLICATES] = tunnel_duplicates(t);
	m->v[TV_DIGEST] = t->ctr.digest_failures;
	m->v[TV_MALFORMED] = t->ctr.malformed;
	m->v[TV_CHANGES] = t->ctr.state_changes;
	m->v[TV_ZLB] = t->ctr.zlb_sent;
	m->v[TV_ACK] = t->ctr.ack_sent;
	m->ctr = t->ctr;
	return 0;
}

static int
copy_session(struct metrics_scrape *sc, const struct session *s, int kern)
{
	struct msess *ms = &sc->sess[sc->nsess];

	ms->tun = (uint32_t)(sc->ntun - 1);
	ms->up = (uint8_t)service_session_up(s);
	sc->tun[sc->ntun - 1].v[TV_SESSIONS] += ms->up;
	if (arena_label(&sc->arena, s->conf->name, &ms->name, &ms->name_len) ==
	    -1)
		return -1;
	if (kern && s->dp_up) {
		sc->kern[sc->nkern].sess = (uint32_t)sc->nsess;
		sc->kern[sc->nkern].local_id = s->local_id;
		sc->nkern++;
	}
	sc->nsess++;
	return 0;
}

static int
scrape_copy(struct metrics_scrape *sc)
{
	struct tunnel *t;
	const struct session *s;
	size_t nt = 0, ns = 0, nk = 0;
	int kern = pw_active();

	for (t = tunnel_first(); t != NULL; t = tunnel_next(t)) {
		if (!t->primary)
			continue;
		nt++;
		for (s = session_first(t); s != NULL; s = session_next(s)) {
			ns++;
			nk += kern && s->dp_up;
		}
	}
	if (nt > UINT32_MAX || ns > UINT32_MAX)
		return -1;
	sc->tun = calloc(nt > 0 ? nt : 1, sizeof(*sc->tun));
	sc->sess = calloc(ns > 0 ? ns : 1, sizeof(*sc->sess));
	sc->kern = calloc(nk > 0 ? nk : 1, sizeof(*sc->kern));
	if (sc->tun == NULL || sc->sess == NULL || sc->kern == NULL)
		return -1;
	for (t = tunnel_first(); t != NULL && sc->ntun < nt;
	     t = tunnel_next(t)) {
		if (!t->primary)
			continue;
		if (copy_tunnel(sc, t) == -1)
			return -1;
		sc->ntun++;
		for (s = session_first(t); s != NULL && sc->nsess < ns;
		     s = session_next(s))
			if (copy_session(sc, s, kern && sc->nkern < nk) == -1)
				return -1;
	}
	return 0;
}

/* --- the page, family by family ------------------------------------- */

static const char *
type_name(unsigned int slot)
{
	/* tunnel.h: slot 0 counts ZLBs, the others are message types. */
	return slot == 0 ? "ZLB" : l2tp_msg_type_name((uint16_t)slot);
}

static void
tunnel_row(struct sbuf *sb, const struct metrics_scrape *sc,
    const struct mtun *t, const char *name, const char *extra,
    const char *extra_val, uint64_t v)
{
	put_str(sb, name);
	put(sb, "{", 1);
	put_arena(sb, sc, t->labels, t->labels_len);
	if (extra != NULL) {
		put(sb, ",", 1);
		put_str(sb, extra);
		PUTS(sb, "=\"");
		put_str(sb, extra_val);
		put(sb, "\"", 1);
	}
	PUTS(sb, "} ");
	put_u64(sb, v);
	put(sb, "\n", 1);
}

/* tunnel="t",session="s" */
static void
session_labels(
    struct sbuf *sb, const struct metrics_scrape *sc, const struct msess *s)
{
	const struct mtun *t = &sc->tun[s->tun];

	PUTS(sb, "{tunnel=\"");
	put_arena(sb, sc, t->name, t->name_len);
	PUTS(sb, "\",session=\"");
	put_arena(sb, sc, s->name, s->name_len);
	put(sb, "\"", 1);
}

static const struct {
	const char *name;
	const char *type;
	const char *help;
} tunnel_metrics[TV__COUNT] = {
	[TV_UP] = { "l2tpv3d_tunnel_up", "gauge",
	    "1 when the control connection is established (static: the "
	    "kernel tunnel exists)." },
	[TV_UPTIME] = { "l2tpv3d_tunnel_uptime_seconds", "gauge",
	    "Seconds since the control connection was established, 0 when "
	    "down." },
	[TV_SESSIONS] = { "l2tpv3d_tunnel_sessions", "gauge",
	    "Sessions of the tunnel that are up." },
	[TV_RETRANSMITS] = { "l2tpv3d_tunnel_retransmits_total", "counter",
	    "Control messages retransmitted." },
	[TV_DUPLICATES] = { "l2tpv3d_tunnel_duplicates_total", "counter",
	    "Duplicate control messages received." },
	[TV_DIGEST] = { "l2tpv3d_tunnel_digest_failures_total", "counter",
	    "Control messages dropped for a missing or wrong Message "
	    "Digest." },
	[TV_MALFORMED] = { "l2tpv3d_tunnel_malformed_total", "counter",
	    "Control messages dropped as malformed." },
	[TV_CHANGES] = { "l2tpv3d_tunnel_state_changes_total", "counter",
	    "Control connection state changes." },
	[TV_ZLB] = { "l2tpv3d_tunnel_zlb_sent_total", "counter",
	    "Zero-length body acknowledgements sent." },
	[TV_ACK] = { "l2tpv3d_tunnel_ack_sent_total", "counter",
	    "Explicit ACK messages sent." },
};

static const struct {
	const char *name;
	const char *help;
	const char *reason; /* NULL: no reason label */
	size_t off;
} kernel_metrics[] = {
	{ "l2tpv3d_session_tx_packets_total", "Packets sent (kernel).", NULL,
	    offsetof(struct dp_session_stats, tx_packets) },
	{ "l2tpv3d_session_tx_bytes_total", "Bytes sent (kernel).", NULL,
	    offsetof(struct dp_session_stats, tx_bytes) },
	{ "l2tpv3d_session_tx_errors_total", "Send errors (kernel).", NULL,
	    offsetof(struct dp_session_stats, tx_errors) },
	{ "l2tpv3d_session_rx_packets_total", "Packets received (kernel).",
	    NULL, offsetof(struct dp_session_stats, rx_packets) },
	{ "l2tpv3d_session_rx_bytes_total", "Bytes received (kernel).", NULL,
	    offsetof(struct dp_session_stats, rx_bytes) },
	{ "l2tpv3d_session_rx_errors_total", "Receive errors (kernel).", NULL,
	    offsetof(struct dp_session_stats, rx_errors) },
	{ "l2tpv3d_session_rx_out_of_sequence_total",
	    "Packets received out of sequence (kernel).", NULL,
	    offsetof(struct dp_session_stats, rx_oos_packets) },
	{ "l2tpv3d_session_rx_discards_total",
	    "Packets discarded by the kernel, by reason.", "cookie",
	    offsetof(struct dp_session_stats, rx_cookie_discards) },
	{ "l2tpv3d_session_rx_discards_total", NULL, "sequence",
	    offsetof(struct dp_session_stats, rx_seq_discards) },
	{ "l2tpv3d_session_rx_discards_total", NULL, "invalid",
	    offsetof(struct dp_session_stats, rx_invalid) },
};

#define NKERNEL (sizeof(kernel_metrics) / sizeof(kernel_metrics[0]))

static const struct {
	enum fam_kind kind;
	size_t arg;
	const char *name;
	const char *help;
} page[] = {
	{ F_DAEMON, 0, NULL, NULL },
	{ F_TUNNEL, TV_UP, NULL, NULL },
	{ F_TUNNEL, TV_UPTIME, NULL, NULL },
	{ F_TUNNEL, TV_SESSIONS, NULL, NULL },
	{ F_TUNNEL, TV_RETRANSMITS, NULL, NULL },
	{ F_TUNNEL, TV_DUPLICATES, NULL, NULL },
	{ F_TUNNEL, TV_DIGEST, NULL, NULL },
	{ F_TUNNEL, TV_MALFORMED, NULL, NULL },
	{ F_TUNNEL, TV_CHANGES, NULL, NULL },
	{ F_TUNNEL, TV_ZLB, NULL, NULL },
	{ F_TUNNEL, TV_ACK, NULL, NULL },
	{ F_STATE, 0, "l2tpv3d_tunnel_state",
	    "Always 1; the state label is the control connection's state." },
	{ F_TYPES, offsetof(struct tunnel_counters, sent),
	    "l2tpv3d_tunnel_messages_sent_total",
	    "Control messages sent, by type (first transmissions)." },
	{ F_TYPES, offsetof(struct tunnel_counters, received),
	    "l2tpv3d_tunnel_messages_received_total",
	    "Control messages received, by type." },
	{ F_TYPES, offsetof(struct tunnel_counters, retransmitted),
	    "l2tpv3d_tunnel_messages_retransmitted_total",
	    "Control messages retransmitted, by type." },
	{ F_TOLERATED, 0, "l2tpv3d_tunnel_tolerated_deviations_total",
	    "Messages accepted although they deviate from RFC 3931, by "
	    "deviation." },
	{ F_SESSION_UP, 0, "l2tpv3d_session_up",
	    "1 when the session (pseudowire) is established." },
	{ F_KFETCH, 0, NULL, NULL },
	{ F_KERNEL, 0, NULL, NULL },
	{ F_KERNEL, 1, NULL, NULL },
	{ F_KERNEL, 2, NULL, NULL },
	{ F_KERNEL, 3, NULL, NULL },
	{ F_KERNEL, 4, NULL, NULL },
	{ F_KERNEL, 5, NULL, NULL },
	{ F_KERNEL, 6, NULL, NULL },
	{ F_KERNEL, 7, NULL, NULL },
	{ F_KERNEL, 8, NULL, NULL },
	{ F_KERNEL, 9, NULL, NULL },
};

#define NPAGE (sizeof(page) / sizeof(page[0]))

static void
one(struct sbuf *sb, const char *name, const char *type, const char *help,
    uint64_t v)
{
	family(sb, name, type, help);
	put_str(sb, name);
	put(sb, " ", 1);
	put_u64(sb, v);
	put(sb, "\n", 1);
}

static void
one_seconds(struct sbuf *sb, const char *name, const char *help, double v)
{
	family(sb, name, "gauge", help);
	sbuf_printf(sb, "%s %.6f\n", name, v);
}

static void
daemon_metrics(struct sbuf *sb)
{
	const struct tunnel_global_stats *g = tunnels_global_stats();
	struct service_counts c;
	struct timespec now;
	size_t k;

	clock_gettime(CLOCK_MONOTONIC, &now);
	service_count(&c);
	family(sb, "l2tpv3d_build_info", "gauge",
	    "Always 1; the version label is l2tpv3d's.");
	sbuf_printf(
	    sb, "l2tpv3d_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	one(sb, "l2tpv3d_start_time_seconds", "gauge",
	    "When the daemon started, in seconds since the epoch.",
	    (uint64_t)mt.start_wall);
	one(sb, "l2tpv3d_uptime_seconds", "gauge",
	    "Seconds since the daemon started.",
	    (uint64_t)(now.tv_sec - mt.start_mono.tv_sec));
	one(sb, "l2tpv3d_tunnels", "gauge", "Configured tunnels.",
	    (uint64_t)c.tunnels);
	one(sb, "l2tpv3d_tunnels_established", "gauge",
	    "Tunnels up: established (static: the kernel tunnel exists).",
	    (uint64_t)c.tunnels_up);
	one(sb, "l2tpv3d_sessions_established", "gauge",
	    "Sessions up, over every tunnel.", (uint64_t)c.sessions_up);
	for (k = 0; k < tunnel_global_nfields; k++)
		one(sb, tunnel_global_fields[k].metric, "counter",
		    tunnel_global_fields[k].help,
		    tunnel_global_value(g, &tunnel_global_fields[k]));
	one(sb, "l2tpv3d_scrapes_total", "counter",
	    "Metrics pages written in full before this one.", mt.scrapes);
	one_seconds(sb, "l2tpv3d_scrape_collect_seconds",
	    "This page: time to copy the counters out of the tunnels and "
	    "sessions (one turn of the event loop).",
	    mt.collect_s);
	one_seconds(sb, "l2tpv3d_scrape_slice_max_seconds",
	    "The last full page: the longest slice written in one turn of "
	    "the event loop.",
	    mt.slice_max_s);
}

/* The family's HELP and TYPE, where a family starts. */
static void
fam_header(struct sbuf *sb, size_t f)
{
	switch (page[f].kind) {
	case F_TUNNEL:
		family(sb, tunnel_metrics[page[f].arg].name,
		    tunnel_metrics[page[f].arg].type,
		    tunnel_metrics[page[f].arg].help);
		break;
	case F_KERNEL:
		/* Rows without help continue the family above them. */
		if (kernel_metrics[page[f].arg].help != NULL)
			family(sb, kernel_metrics[page[f].arg].name, "counter",
			    kernel_metrics[page[f].arg].help);
		break;
	case F_TYPES:
	case F_TOLERATED:
		family(sb, page[f].name, "counter", page[f].help);
		break;
	case F_STATE:
	case F_SESSION_UP:
		family(sb, page[f].name, "gauge", page[f].help);
		break;
	default:
		break;
	}
}

static size_t
fam_rows(const struct metrics_scrape *sc, size_t f)
{
	switch (page[f].kind) {
	case F_DAEMON:
		return 1;
	case F_SESSION_UP:
		return sc->nsess;
	case F_KFETCH:
		return (sc->nkern + KSTATS_SLICE - 1) / KSTATS_SLICE;
	case F_KERNEL:
		return sc->nkern;
	default:
		return sc->ntun;
	}
}

/* Fetch one slice of kernel counters: session i of the copy is found
 * again by its ID and must still have the same names. */
static void
kfetch(struct metrics_scrape *sc, size_t slice)
{
	const struct msess *ms;
	const struct mtun *mtu;
	struct session *s;
	size_t i, end = (slice + 1) * KSTATS_SLICE;

	for (i = slice * KSTATS_SLICE; i < sc->nkern && i < end; i++) {
		ms = &sc->sess[sc->kern[i].sess];
		mtu = &sc->tun[ms->tun];
		s = session_by_id(sc->kern[i].local_id);
		if (s == NULL || !s->dp_up ||
		    strlen(s->conf->name) != ms->name_len ||
		    strncmp(s->conf->name, sc->arena.s + ms->name,
			ms->name_len) != 0 ||
		    strlen(s->tunnel->conf->name) != mtu->name_len ||
		    strncmp(s->tunnel->conf->name, sc->arena.s + mtu->name,
			mtu->name_len) != 0)
			continue; /* gone, or names that needed escaping */
		sc->kern[i].ok =
		    pw_session_stats(s, NULL, &sc->kern[i].st) == 0;
	}
}

static void
row(struct metrics_scrape *sc, struct sbuf *sb, size_t f, size_t i)
{
	const struct mtun *t = &sc->tun[i];
	const struct mkern *k;
	const uint32_t *v;
	unsigned int j;
	uint64_t kv;

	switch (page[f].kind) {
	case F_DAEMON:
		daemon_metrics(sb);
		break;
	case F_TUNNEL:
		tunnel_row(sb, sc, t, tunnel_metrics[page[f].arg].name, NULL,
		    NULL, t->v[page[f].arg]);
		break;
	case F_STATE:
		tunnel_row(sb, sc, t, page[f].name, "state",
		    cc_state_name(t->state), 1);
		break;
	case F_TYPES:
		/* Only the types seen: a series appears with the first
		 * message of its type. */
		v = (const uint32_t *)(const void *)((const char *)&t->ctr +
		    page[f].arg);
		for (j = 0; j < TUNNEL_NTYPES; j++)
			if (v[j] != 0)
				tunnel_row(sb, sc, t, page[f].name, "type",
				    type_name(j), v[j]);
		break;
	case F_TOLERATED:
		for (j = 0; j < L2TP_DEV__COUNT; j++)
			if (t->ctr.tolerated[j] != 0)
				tunnel_row(sb, sc, t, page[f].name, "deviation",
				    l2tp_deviation_key(j), t->ctr.tolerated[j]);
		break;
	case F_SESSION_UP:
		PUTS(sb, "l2tpv3d_session_up");
		session_labels(sb, sc, &sc->sess[i]);
		PUTS(sb, "} ");
		put_u64(sb, sc->sess[i].up);
		put(sb, "\n", 1);
		break;
	case F_KFETCH:
		kfetch(sc, i);
		break;
	case F_KERNEL:
		k = &sc->kern[i];
		if (!k->ok)
			break;
		memcpy(&kv,
		    (const char *)&k->st + kernel_metrics[page[f].arg].off,
		    sizeof(kv));
		put_str(sb, kernel_metrics[page[f].arg].name);
		session_labels(sb, sc, &sc->sess[k->sess]);
		if (kernel_metrics[page[f].arg].reason != NULL) {
			PUTS(sb, ",reason=\"");
			put_str(sb, kernel_metrics[page[f].arg].reason);
			put(sb, "\"", 1);
		}
		PUTS(sb, "} ");
		put_u64(sb, kv);
		put(sb, "\n", 1);
		break;
	}
}

struct metrics_scrape *
metrics_scrape_new(void)
{
	struct metrics_scrape *sc;

	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &sc->t0);
	sbuf_init(&sc->arena);
	if (scrape_copy(sc) == -1) {
		metrics_scrape_free(sc);
		return NULL;
	}
	sc->slice_max_s = since(&sc->t0);
	mt.collect_s = sc->slice_max_s;
	return sc;
}

int
metrics_scrape_more(struct metrics_scrape *sc, struct sbuf *out)
{
	size_t limit = out->len + METRICS_SLICE;
	struct timespec t0;
	double dt;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (sc->fam < NPAGE && out->len < limit) {
		if (sc->row == 0)
			fam_header(out, sc->fam);
		if (sc->row < fam_rows(sc, sc->fam))
			row(sc, out, sc->fam, sc->row++);
		if (sc->row >= fam_rows(sc, sc->fam)) {
			sc->fam++;
			sc->row = 0;
		}
	}
	if (out->failed)
		return -1;
	dt = since(&t0);
	if (dt > sc->slice_max_s)
		sc->slice_max_s = dt;
	if (sc->fam < NPAGE)
		return 1;
	mt.slice_max_s = sc->slice_max_s;
	mt.scrapes++;
	return 0;
}

void
metrics_scrape_free(struct metrics_scrape *sc)
{
	if (sc == NULL)
		return;
	sbuf_free(&sc->arena);
	free(sc->tun);
	free(sc->sess);
	free(sc->kern);
	free(sc);
}

void
metrics_render(struct sbuf *out)
{
	struct metrics_scrape *sc;
	int rc;

	if ((sc = metrics_scrape_new()) == NULL) {
		out->failed = 1;
		return;
	}
	do
		rc = metrics_scrape_more(sc, out);
	while (rc == 1);
	metrics_scrape_free(sc);
}
