/*
 * Prometheus exposition of the daemon's counters (daemon/metrics.h).
 *
 * Every family is written whole (HELP, TYPE, then its series), as the
 * format requires, so the tunnels are walked once per family; their
 * label text ({tunnel="...",peer="..."}) is built once per scrape.
 * Kernel counters cost a netlink round trip per session and are read
 * once per scrape, only for sessions that have a kernel session.
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

#define LABELS_MAX 320 /* tunnel="...",session="..." escaped */

static struct {
	time_t start_wall;
	struct timespec start_mono;
} mt;

/* A scrape's view of one primary tunnel. */
struct mtun {
	const struct tunnel *t;
	char labels[LABELS_MAX]; /* tunnel="x",peer="y" (no braces) */
};

/* A session with a kernel session, and its counters. */
struct mkern {
	const struct session *s;
	struct dp_session_stats st;
};

struct scrape {
	struct sbuf *out;
	struct mtun *tun;
	size_t ntun;
	struct mkern *kern;
	size_t nkern;
};

void
metrics_init(void)
{
	mt.start_wall = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &mt.start_mono);
}

/* A label value: backslash, double quote and newline escaped. */
static void
label_value(char *dst, size_t len, const char *v)
{
	size_t n = 0;

	for (; *v != '\0' && n + 3 < len; v++) {
		if (*v == '\\' || *v == '"' || *v == '\n') {
			dst[n++] = '\\';
			dst[n++] = *v == '\n' ? 'n' : *v;
		} else
			dst[n++] = *v;
	}
	dst[n] = '\0';
}

static void
family(struct sbuf *sb, const char *name, const char *type, const char *help)
{
	sbuf_printf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const char *
type_name(unsigned int slot)
{
	/* tunnel.h: slot 0 counts ZLBs, the others are message types. */
	return slot == 0 ? "ZLB" : l2tp_msg_type_name((uint16_t)slot);
}

static int
scrape_collect(struct scrape *sc)
{
	struct tunnel *t;
	const struct session *s;
	char name[2 * CONF_NAME_MAX], peer[2 * 64], a[64];
	size_t nt = 0, nk = 0, i;

	for (t = tunnel_first(); t != NULL; t = tunnel_next(t)) {
		if (!t->primary)
			continue;
		nt++;
		if (!pw_active())
			continue;
		for (s = session_first(t); s != NULL; s = session_next(s))
			nk += s->dp_up;
	}
	sc->tun = calloc(nt > 0 ? nt : 1, sizeof(*sc->tun));
	sc->kern = calloc(nk > 0 ? nk : 1, sizeof(*sc->kern));
	if (sc->tun == NULL || sc->kern == NULL)
		return -1;
	for (t = tunnel_first(), i = 0; t != NULL && i < nt;
	     t = tunnel_next(t)) {
		if (!t->primary)
			continue;
		label_value(name, sizeof(name), t->conf->name);
		label_value(peer, sizeof(peer),
		    tp_addr_str(t->rl != NULL ? &t->peer : &t->conf->remote, a,
			sizeof(a)));
		sc->tun[i].t = t;
		snprintf(sc->tun[i].labels, sizeof(sc->tun[i].labels),
		    "tunnel=\"%s\",peer=\"%s\"", name, peer);
		i++;
		for (s = session_first(t); s != NULL && sc->nkern < nk;
		     s = session_next(s))
			if (s->dp_up &&
			    pw_session_stats(s, &sc->kern[sc->nkern].st) == 0)
				sc->kern[sc->nkern++].s = s;
	}
	sc->ntun = i;
	return 0;
}

/* One gauge or counter per tunnel. */
static void
per_tunnel(struct scrape *sc, const char *name, const char *type,
    const char *help, uint64_t (*value)(const struct tunnel *))
{
	size_t i;

	family(sc->out, name, type, help);
	for (i = 0; i < sc->ntun; i++)
		sbuf_printf(sc->out, "%s{%s} %llu\n", name, sc->tun[i].labels,
		    (unsigned long long)value(sc->tun[i].t));
}

static uint64_t
v_up(const struct tunnel *t)
{
	return service_tunnel_up(t);
}

static uint64_t
v_uptime(const struct tunnel *t)
{
	return tunnel_uptime(t);
}

static uint64_t
v_sessions(const struct tunnel *t)
{
	const struct session *s;
	uint64_t n = 0;

	for (s = session_first(t); s != NULL; s = session_next(s))
		n += service_session_up(s);
	return n;
}

static uint64_t
v_retransmits(const struct tunnel *t)
{
	return tunnel_retransmits(t);
}

static uint64_t
v_duplicates(const struct tunnel *t)
{
	return tunnel_duplicates(t);
}

static uint64_t
v_digest(const struct tunnel *t)
{
	return t->ctr.digest_failures;
}

static uint64_t
v_malformed(const struct tunnel *t)
{
	return t->ctr.malformed;
}

static uint64_t
v_changes(const struct tunnel *t)
{
	return t->ctr.state_changes;
}

static uint64_t
v_zlb(const struct tunnel *t)
{
	return t->ctr.zlb_sent;
}

static uint64_t
v_ack(const struct tunnel *t)
{
	return t->ctr.ack_sent;
}

static const struct {
	const char *name;
	const char *type;
	const char *help;
	uint64_t (*value)(const struct tunnel *);
} tunnel_metrics[] = {
	{ "l2tpv3d_tunnel_up", "gauge",
	    "1 when the control connection is established (static: the "
	    "kernel tunnel exists).",
	    v_up },
	{ "l2tpv3d_tunnel_uptime_seconds", "gauge",
	    "Seconds since the control connection was established, 0 when "
	    "down.",
	    v_uptime },
	{ "l2tpv3d_tunnel_sessions", "gauge",
	    "Sessions of the tunnel that are up.", v_sessions },
	{ "l2tpv3d_tunnel_retransmits_total", "counter",
	    "Control messages retransmitted.", v_retransmits },
	{ "l2tpv3d_tunnel_duplicates_total", "counter",
	    "Duplicate control messages received.", v_duplicates },
	{ "l2tpv3d_tunnel_digest_failures_total", "counter",
	    "Control messages dropped for a missing or wrong Message Digest.",
	    v_digest },
	{ "l2tpv3d_tunnel_malformed_total", "counter",
	    "Control messages dropped as malformed.", v_malformed },
	{ "l2tpv3d_tunnel_state_changes_total", "counter",
	    "Control connection state changes.", v_changes },
	{ "l2tpv3d_tunnel_zlb_sent_total", "counter",
	    "Zero-length body acknowledgements sent.", v_zlb },
	{ "l2tpv3d_tunnel_ack_sent_total", "counter",
	    "Explicit ACK messages sent.", v_ack },
};

/* l2tpv3d_tunnel_state: the state as a label, one series per tunnel. */
static void
tunnel_state(struct scrape *sc)
{
	size_t i;

	family(sc->out, "l2tpv3d_tunnel_state", "gauge",
	    "Always 1; the state label is the control connection's state.");
	for (i = 0; i < sc->ntun; i++)
		sbuf_printf(sc->out,
		    "l2tpv3d_tunnel_state{%s,state=\"%s\"} 1\n",
		    sc->tun[i].labels, cc_state_name(sc->tun[i].t->state));
}

/* Messages per type; only the types seen, so series appear with the
 * first message of their type. */
static void
per_type(struct scrape *sc, const char *name, const char *help, size_t off)
{
	const uint32_t *v;
	unsigned int k;
	size_t i;

	family(sc->out, name, "counter", help);
	for (i = 0; i < sc->ntun; i++) {
		v = (const uint32_t *)(const void
			*)((const char *)&sc->tun[i].t->ctr + off);
		for (k = 0; k < TUNNEL_NTYPES; k++)
			if (v[k] != 0)
				sbuf_printf(sc->out, "%s{%s,type=\"%s\"} %u\n",
				    name, sc->tun[i].labels, type_name(k),
				    v[k]);
	}
}

/* What peers send that we accept against the RFC's letter, by kind
 * (proto/schema.h); only kinds seen. */
static void
tolerated(struct scrape *sc)
{
	const struct tunnel_counters *c;
	unsigned int d;
	size_t i;

	family(sc->out, "l2tpv3d_tunnel_tolerated_deviations_total", "counter",
	    "Messages accepted although they deviate from RFC 3931, by "
	    "deviation.");
	for (i = 0; i < sc->ntun; i++) {
		c = &sc->tun[i].t->ctr;
		for (d = 0; d < L2TP_DEV__COUNT; d++)
			if (c->tolerated[d] != 0)
				sbuf_printf(sc->out,
				    "l2tpv3d_tunnel_tolerated_deviations_total"
				    "{%s,deviation=\"%s\"} %u\n",
				    sc->tun[i].labels, l2tp_deviation_key(d),
				    c->tolerated[d]);
	}
}

static void
session_labels(char *buf, size_t len, const struct session *s)
{
	char tn[2 * CONF_NAME_MAX], sn[2 * CONF_NAME_MAX];

	label_value(tn, sizeof(tn), s->tunnel->conf->name);
	label_value(sn, sizeof(sn), s->conf->name);
	snprintf(buf, len, "tunnel=\"%s\",session=\"%s\"", tn, sn);
}

static void
session_up(struct scrape *sc)
{
	const struct session *s;
	char labels[LABELS_MAX];
	size_t i;

	family(sc->out, "l2tpv3d_session_up", "gauge",
	    "1 when the session (pseudowire) is established.");
	for (i = 0; i < sc->ntun; i++)
		for (s = session_first(sc->tun[i].t); s != NULL;
		     s = session_next(s)) {
			session_labels(labels, sizeof(labels), s);
			sbuf_printf(sc->out, "l2tpv3d_session_up{%s} %d\n",
			    labels, service_session_up(s));
		}
}

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

static void
session_kernel(struct scrape *sc)
{
	char labels[LABELS_MAX];
	uint64_t v;
	size_t i, k;

	for (k = 0; k < sizeof(kernel_metrics) / sizeof(kernel_metrics[0]);
	     k++) {
		/* Rows without help continue the family above them. */
		if (kernel_metrics[k].help != NULL)
			family(sc->out, kernel_metrics[k].name, "counter",
			    kernel_metrics[k].help);
		for (i = 0; i < sc->nkern; i++) {
			session_labels(labels, sizeof(labels), sc->kern[i].s);
			memcpy(&v,
			    (const char *)&sc->kern[i].st +
				kernel_metrics[k].off,
			    sizeof(v));
			if (kernel_metrics[k].reason != NULL)
				sbuf_printf(sc->out,
				    "%s{%s,reason=\"%s\"} %llu\n",
				    kernel_metrics[k].name, labels,
				    kernel_metrics[k].reason,
				    (unsigned long long)v);
			else
				sbuf_printf(sc->out, "%s{%s} %llu\n",
				    kernel_metrics[k].name, labels,
				    (unsigned long long)v);
		}
	}
}

static void
one(struct sbuf *sb, const char *name, const char *type, const char *help,
    unsigned long long v)
{
	family(sb, name, type, help);
	sbuf_printf(sb, "%s %llu\n", name, v);
}

static void
daemon_metrics(struct sbuf *sb)
{
	const struct tunnel_global_stats *g = tunnels_global_stats();
	struct service_counts c;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	service_count(&c);
	family(sb, "l2tpv3d_build_info", "gauge",
	    "Always 1; the version label is l2tpv3d's.");
	sbuf_printf(
	    sb, "l2tpv3d_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	one(sb, "l2tpv3d_start_time_seconds", "gauge",
	    "When the daemon started, in seconds since the epoch.",
	    (unsigned long long)mt.start_wall);
	one(sb, "l2tpv3d_uptime_seconds", "gauge",
	    "Seconds since the daemon started.",
	    (unsigned long long)(now.tv_sec - mt.start_mono.tv_sec));
	one(sb, "l2tpv3d_tunnels", "gauge", "Configured tunnels.",
	    (unsigned long long)c.tunnels);
	one(sb, "l2tpv3d_tunnels_established", "gauge",
	    "Tunnels up: established (static: the kernel tunnel exists).",
	    (unsigned long long)c.tunnels_up);
	one(sb, "l2tpv3d_sessions_established", "gauge",
	    "Sessions up, over every tunnel.",
	    (unsigned long long)c.sessions_up);
	one(sb, "l2tpv3d_data_packets_dropped_total", "counter",
	    "Data packets that reached the daemon's sockets (the kernel "
	    "carries data).",
	    (unsigned long long)g->data_drops);
	one(sb, "l2tpv3d_l2tpv2_packets_dropped_total", "counter",
	    "L2TPv2 packets dropped.", (unsigned long long)g->v2_drops);
	one(sb, "l2tpv3d_malformed_packets_total", "counter",
	    "Packets without a valid control header, owned by no tunnel.",
	    (unsigned long long)g->malformed);
	one(sb, "l2tpv3d_unknown_ccid_total", "counter",
	    "Control messages for a Control Connection ID we do not have.",
	    (unsigned long long)g->unknown_ccid);
	one(sb, "l2tpv3d_sccrq_refused_total", "counter",
	    "SCCRQs refused: the peer is not configured.",
	    (unsigned long long)g->unknown_peer);
	one(sb, "l2tpv3d_stateless_stopccn_total", "counter",
	    "StopCCNs sent without a tunnel (answers to refused SCCRQs).",
	    (unsigned long long)g->stateless_stopccn);
}

void
metrics_render(struct sbuf *out)
{
	struct scrape sc;
	size_t k;

	memset(&sc, 0, sizeof(sc));
	sc.out = out;
	daemon_metrics(out);
	if (scrape_collect(&sc) == -1) {
		out->failed = 1;
		goto done;
	}
	for (k = 0; k < sizeof(tunnel_metrics) / sizeof(tunnel_metrics[0]); k++)
		per_tunnel(&sc, tunnel_metrics[k].name, tunnel_metrics[k].type,
		    tunnel_metrics[k].help, tunnel_metrics[k].value);
	tunnel_state(&sc);
	per_type(&sc, "l2tpv3d_tunnel_messages_sent_total",
	    "Control messages sent, by type (first transmissions).",
	    offsetof(struct tunnel_counters, sent));
	per_type(&sc, "l2tpv3d_tunnel_messages_received_total",
	    "Control messages received, by type.",
	    offsetof(struct tunnel_counters, received));
	per_type(&sc, "l2tpv3d_tunnel_messages_retransmitted_total",
	    "Control messages retransmitted, by type.",
	    offsetof(struct tunnel_counters, retransmitted));
	tolerated(&sc);
	session_up(&sc);
	session_kernel(&sc);
done:
	free(sc.tun);
	free(sc.kern);
}
