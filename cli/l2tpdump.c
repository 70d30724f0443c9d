/*
 * l2tpdump: decode L2TPv3 from a capture file or a live interface.
 *
 * Frames are walked to their L2TP datagram by proto/pcapwalk.c and decoded
 * with the same proto/ code the daemon uses, so what l2tpdump accepts or
 * rejects is what l2tpv3d would.  Exit status: 0 when every L2TP packet
 * decoded, validated and (with -s) authenticated, 1 when one did not, 2
 * for usage and I/O errors.
 */
#include <arpa/inet.h>
#include <sys/socket.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/avp.h"
#include "proto/buf.h"
#include "proto/data.h"
#include "proto/digest.h"
#include "proto/dump.h"
#include "proto/l2tp.h"
#include "proto/msg.h"
#include "proto/pcapwalk.h"
#include "proto/sbuf.h"
#include "proto/schema.h"

#define EXIT_DECODE 1
#define EXIT_USAGE 2
#define MAX_PORTS 16
#define MAX_CONNS 1024
#define SNAPLEN 262144

/*
 * A control connection seen in the capture, remembered for the nonces its
 * SCCRQ and SCCRP carried: every later digest covers them.
 */
struct conn {
	int family;
	uint8_t init_addr[16];
	uint8_t resp_addr[16];
	uint32_t init_ccid;
	uint32_t resp_ccid;
	uint8_t init_nonce[L2TP_NONCE_MAX];
	size_t init_nonce_len;
	uint8_t resp_nonce[L2TP_NONCE_MAX];
	size_t resp_nonce_len;
};

struct options {
	const char *file;
	const char *ifname;
	char *filter;
	uint16_t ports[MAX_PORTS];
	size_t nports;
	int verbose;
	int json;
	const char *secret;
	enum l2tp_digest_alg alg; /* NONE: as the Digest Type says */
	int kdf; /* -1: try both for SHA-1 */
	uint8_t cookie_len;
	uint8_t l2ss;
	unsigned long max_count; /* 0: no limit */
};

struct dumper {
	struct options o;
	pcap_t *pcap;
	int linktype;
	int live;
	unsigned long frame;
	unsigned long l2tp_packets;
	unsigned long failures;
	struct conn *conns;
	size_t nconns;
	struct sbuf out;
	struct sbuf tmp;
	/* A file's filter runs here, not in libpcap, so that packet numbers
	 * stay those of the file (and of tshark). */
	struct bpf_program file_filter;
	int has_file_filter;
	struct l2tp_msg msg;
};

/* What one packet came to, for the text line and the JSON object. */
struct pkt_ctx {
	const struct pcap_pkthdr *ph;
	const struct l2tp_walk *w;
};

/* The signal handler's only way to reach the capture. */
static pcap_t *stop_pcap;

static void
usage(FILE *f)
{
	fputs("usage: l2tpdump [-hjlv] [-c cookielen] [-m count] "
	      "[-p port] [-s secret]\n"
	      "                [--digest md5|sha1] [--kdf md5|same] "
	      "-r file | -i interface\n"
	      "                [filter expression]\n"
	      "  -r FILE     read a pcap or pcapng file (- for stdin)\n"
	      "  -i IF       capture live on interface IF\n"
	      "  -p PORT     also take UDP port PORT as L2TP (default 1701; "
	      "repeatable)\n"
	      "  -v          full AVP dump\n"
	      "  -j          one JSON object per packet\n"
	      "  -s SECRET   unhide AVPs and verify message digests\n"
	      "  --digest A  expect digest algorithm md5 or sha1 "
	      "(default: as sent)\n"
	      "  --kdf K     SHA-1 key derivation: md5 (as Wireshark) or "
	      "same (default: either)\n"
	      "  -c LEN      data packets carry a cookie of LEN (0, 4, 8) "
	      "bytes\n"
	      "  -l          data packets carry the default L2-Specific "
	      "Sublayer\n"
	      "  -m COUNT    stop after COUNT L2TP packets\n"
	      "  -h          this help\n",
	    f);
}

static void
on_signal(int sig)
{
	(void)sig;
	if (stop_pcap != NULL)
		pcap_breakloop(stop_pcap);
}

/* Drop the trailing newline a dump may end with; we place our own. */
static void
chomp(struct sbuf *b)
{
	while (b->len > 0 && b->s[b->len - 1] == '\n')
		b->s[--b->len] = '\0';
}

static const char *
encap_name(enum l2tp_encap encap)
{
	return encap == L2TP_ENCAP_IP ? "ip" : "udp";
}

static void
format_addr(
    const struct l2tp_walk *w, const uint8_t *addr, char *buf, size_t len)
{
	int af = w->family == 6 ? AF_INET6 : AF_INET;

	if (inet_ntop(af, addr, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

/* "1 12:00:01.000123 10.0.0.1.1701 -> 10.0.0.2.1701 udp " */
static void
text_prefix(struct dumper *d, const struct pkt_ctx *c)
{
	const struct l2tp_walk *w = c->w;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	time_t sec = c->ph->ts.tv_sec;
	struct tm tm;
	size_t i;

	format_addr(w, w->src, src, sizeof(src));
	format_addr(w, w->dst, dst, sizeof(dst));
	gmtime_r(&sec, &tm);
	sbuf_printf(&d->out, "%lu %02d:%02d:%02d.%06ld ", d->frame, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)c->ph->ts.tv_usec);
	for (i = 0; i < w->nvlans; i++)
		sbuf_printf(&d->out, "vlan %u ", w->vlan[i]);
	if (w->encap == L2TP_ENCAP_UDP)
		sbuf_printf(&d->out, "%s.%u -> %s.%u udp ", src, w->sport, dst,
		    w->dport);
	else
		sbuf_printf(&d->out, "%s -> %s %s ", src, dst,
		    w->ip_proto == L2TP_UTI_PROTO ? "uti" : "ip");
}

/* The opening of the packet's JSON object, up to a trailing comma. */
static void
json_prefix(struct dumper *d, const struct pkt_ctx *c)
{
	const struct l2tp_walk *w = c->w;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	size_t i;

	format_addr(w, w->src, src, sizeof(src));
	format_addr(w, w->dst, dst, sizeof(dst));
	sbuf_printf(&d->out,
	    "{\"frame\":%lu,\"time\":%lld.%06ld,\"src\":", d->frame,
	    (long long)c->ph->ts.tv_sec, (long)c->ph->ts.tv_usec);
	sbuf_json_str(&d->out, src);
	sbuf_puts(&d->out, ",\"dst\":");
	sbuf_json_str(&d->out, dst);
	if (w->encap == L2TP_ENCAP_UDP)
		sbuf_printf(
		    &d->out, ",\"sport\":%u,\"dport\":%u", w->sport, w->dport);
	if (w->nvlans > 0) {
		sbuf_puts(&d->out, ",\"vlan\":[");
		for (i = 0; i < w->nvlans; i++)
			sbuf_printf(&d->out, "%s%u", i ? "," : "", w->vlan[i]);
		sbuf_putc(&d->out, ']');
	}
	sbuf_printf(&d->out, ",\"encap\":\"%s\",",
	    w->ip_proto == L2TP_UTI_PROTO ? "uti" : encap_name(w->encap));
}

static void
begin_packet(struct dumper *d, const struct pkt_ctx *c)
{
	sbuf_reset(&d->out);
	if (d->o.json)
		json_prefix(d, c);
	else
		text_prefix(d, c);
}

static void
end_packet(struct dumper *d)
{
	if (d->o.json)
		sbuf_putc(&d->out, '}');
	sbuf_putc(&d->out, '\n');
	fputs(d->out.s != NULL ? d->out.s : "", stdout);
	if (d->live)
		fflush(stdout);
}

/*
 * A packet that is L2TP but could not be decoded.  detail may be NULL.
 * In text the reason ends the packet's line; in JSON it is "error".
 */
static void
report_failure(
    struct dumper *d, const char *what, const char *reason, const char *detail)
{
	d->failures++;
	if (d->o.json) {
		sbuf_printf(&d->out, "\"failed\":\"%s\",\"error\":", what);
		sbuf_json_str(&d->out, reason);
		if (detail != NULL) {
			sbuf_puts(&d->out, ",\"detail\":");
			sbuf_json_str(&d->out, detail);
		}
		return;
	}
	sbuf_printf(
	    &d->out, "%s FAILED (packet %lu): %s", what, d->frame, reason);
	if (detail != NULL)
		sbuf_printf(&d->out, " (%s)", detail);
}

static void
report_decode_error(
    struct dumper *d, const char *what, const struct l2tp_decode_err *err)
{
	char name[64], detail[128];

	if (err->avp_index < 0) {
		report_failure(d, what, l2tp_strerror(err->code), NULL);
		return;
	}
	avp_name(err->vendor, err->type, name, sizeof(name));
	snprintf(detail, sizeof(detail), "AVP #%d %u:%u %s", err->avp_index,
	    err->vendor, err->type, name);
	report_failure(d, what, l2tp_strerror(err->code), detail);
}

/* Nonce tracking. */

static int
same_addr(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, 16) == 0;
}

static void
copy_nonce(const struct l2tp_avp *a, uint8_t *dst, size_t *dst_len)
{
	if (a == NULL || avp_get_bytes(a, dst, L2TP_NONCE_MAX, dst_len) == -1)
		*dst_len = 0;
}

static int
assigned_ccid(const struct l2tp_msg *m, uint32_t *ccid)
{
	const struct l2tp_avp *a = l2tp_msg_find_alias(
	    m, L2TP_AVP_ASSIGNED_CCID, L2TP_CISCO_ASSIGNED_CCID);

	return a == NULL ? -1 : avp_get_u32(a, ccid);
}

static const struct l2tp_avp *
find_nonce(const struct l2tp_msg *m)
{
	return l2tp_msg_find_alias(
	    m, L2TP_AVP_CTRL_AUTH_NONCE, L2TP_CISCO_AUTH_NONCE);
}

static struct conn *
conn_add(struct dumper *d)
{
	struct conn *c;

	if (d->nconns == MAX_CONNS) {
		/* Forget the oldest: a capture that long has moved on. */
		memmove(&d->conns[0], &d->conns[1],
		    (MAX_CONNS - 1) * sizeof(d->conns[0]));
		d->nconns--;
	}
	c = &d->conns[d->nconns++];
	memset(c, 0, sizeof(*c));
	return c;
}

static void
learn_sccrq(
    struct dumper *d, const struct l2tp_walk *w, const struct l2tp_msg *m)
{
	struct conn *c = NULL;
	uint32_t ccid;
	size_t i;

	if (assigned_ccid(m, &ccid) == -1)
		return;
	/* A retransmitted SCCRQ names the same connection again. */
	for (i = d->nconns; i-- > 0;) {
		if (d->conns[i].init_ccid == ccid &&
		    same_addr(d->conns[i].init_addr, w->src) &&
		    same_addr(d->conns[i].resp_addr, w->dst)) {
			c = &d->conns[i];
			break;
		}
	}
	if (c == NULL)
		c = conn_add(d);
	c->family = w->family;
	memcpy(c->init_addr, w->src, 16);
	memcpy(c->resp_addr, w->dst, 16);
	c->init_ccid = ccid;
	copy_nonce(find_nonce(m), c->init_nonce, &c->init_nonce_len);
}

static void
learn_sccrp(
    struct dumper *d, const struct l2tp_walk *w, const struct l2tp_msg *m)
{
	struct conn *c;
	size_t i;

	for (i = d->nconns; i-- > 0;) {
		c = &d->conns[i];
		if (c->init_ccid != m->hdr.ccid ||
		    !same_addr(c->init_addr, w->dst) ||
		    !same_addr(c->resp_addr, w->src))
			continue;
		if (assigned_ccid(m, &c->resp_ccid) == -1)
			c->resp_ccid = 0;
		copy_nonce(find_nonce(m), c->resp_nonce, &c->resp_nonce_len);
		return;
	}
}

static void
learn_conn(
    struct dumper *d, const struct l2tp_walk *w, const struct l2tp_msg *m)
{
	if (m->type == L2TP_MT_SCCRQ)
		learn_sccrq(d, w, m);
	else if (m->type == L2TP_MT_SCCRP)
		learn_sccrp(d, w, m);
}

/* Set the auth's nonces from the sender's point of view: the peer is the
 * sender, local is the receiver.  -1 when the connection is unknown. */
static int
nonces_for(const struct dumper *d, const struct l2tp_walk *w,
    const struct l2tp_msg *m, struct l2tp_auth *auth)
{
	const struct conn *c;
	size_t i;

	if (m->type == L2TP_MT_SCCRQ)
		return 0;
	for (i = d->nconns; i-- > 0;) {
		c = &d->conns[i];
		if (m->hdr.ccid == c->resp_ccid &&
		    same_addr(c->init_addr, w->src)) {
			memcpy(auth->peer_nonce, c->init_nonce, L2TP_NONCE_MAX);
			auth->peer_nonce_len = c->init_nonce_len;
			memcpy(
			    auth->local_nonce, c->resp_nonce, L2TP_NONCE_MAX);
			auth->local_nonce_len = c->resp_nonce_len;
			return 0;
		}
		if (m->hdr.ccid == c->init_ccid &&
		    same_addr(c->resp_addr, w->src)) {
			memcpy(auth->peer_nonce, c->resp_nonce, L2TP_NONCE_MAX);
			auth->peer_nonce_len = c->resp_nonce_len;
			memcpy(
			    auth->local_nonce, c->init_nonce, L2TP_NONCE_MAX);
			auth->local_nonce_len = c->init_nonce_len;
			return 0;
		}
	}
	return -1;
}

static int
verify_with(const struct dumper *d, const struct l2tp_msg *m,
    struct l2tp_auth *auth, enum l2tp_digest_alg alg, enum l2tp_kdf kdf)
{
	struct l2tp_auth keyed;

	if (l2tp_auth_init(
		&keyed, alg, kdf, d->o.secret, strlen(d->o.secret)) == -1)
		return -1;
	memcpy(auth->key, keyed.key, sizeof(auth->key));
	auth->key_len = keyed.key_len;
	auth->alg = alg;
	return l2tp_digest_verify(auth, m);
}

/* "ok", "bad", "unknown" (connection not seen), or NULL (no digest). */
static const char *
check_digest(
    struct dumper *d, const struct l2tp_walk *w, const struct l2tp_msg *m)
{
	const struct l2tp_avp *a;
	struct l2tp_auth auth;
	enum l2tp_digest_alg alg;

	a = l2tp_msg_find_alias(
	    m, L2TP_AVP_MESSAGE_DIGEST, L2TP_CISCO_MESSAGE_DIGEST);
	if (a == NULL || d->o.secret == NULL)
		return NULL;
	alg = l2tp_digest_alg_of(a);
	if (alg == L2TP_DIGEST_NONE ||
	    (d->o.alg != L2TP_DIGEST_NONE && alg != d->o.alg))
		return "bad";
	memset(&auth, 0, sizeof(auth));
	if (nonces_for(d, w, m, &auth) == -1)
		return "unknown";
	if (d->o.kdf != -1)
		return verify_with(d, m, &auth, alg, d->o.kdf) == 0 ? "ok"
								    : "bad";
	/* SHA-1 keys are derived two ways in the field; accept either.  For
	 * MD5 the two are the same. */
	if (verify_with(d, m, &auth, alg, L2TP_KDF_MD5) == 0 ||
	    (alg == L2TP_DIGEST_SHA1 &&
		verify_with(d, m, &auth, alg, L2TP_KDF_SAME_HASH) == 0))
		return "ok";
	return "bad";
}

static int
has_hidden(const struct l2tp_msg *m)
{
	size_t i;

	for (i = 0; i < m->navps; i++)
		if (m->avps[i].hidden)
			return 1;
	return 0;
}

static void
render_msg(struct dumper *d, const struct l2tp_msg *m)
{
	sbuf_reset(&d->tmp);
	if (d->o.json) {
		l2tp_msg_dump_json(m, &d->tmp);
		chomp(&d->tmp);
		sbuf_puts(&d->out, "\"msg\":");
		sbuf_puts(&d->out, d->tmp.s != NULL ? d->tmp.s : "null");
		return;
	}
	if (d->o.verbose)
		l2tp_msg_dump_full(m, &d->tmp);
	else
		l2tp_msg_dump_line(m, &d->tmp);
	chomp(&d->tmp);
	if (d->o.verbose) {
		/* The prefix's trailing space would end the line. */
		if (d->out.len > 0 && d->out.s[d->out.len - 1] == ' ')
			d->out.s[--d->out.len] = '\0';
		sbuf_putc(&d->out, '\n');
	}
	sbuf_puts(&d->out, d->tmp.s != NULL ? d->tmp.s : "");
}

static void
render_digest(struct dumper *d, const char *digest)
{
	if (digest == NULL)
		return;
	/* A capture whose digests do not verify fails like a bad decode:
	 * scripts check the exit status, not the text. */
	if (strcmp(digest, "bad") == 0)
		d->failures++;
	if (d->o.json) {
		sbuf_printf(&d->out, ",\"digest\":\"%s\"", digest);
		return;
	}
	if (strcmp(digest, "ok") == 0)
		sbuf_puts(&d->out, " digest ok");
	else if (strcmp(digest, "bad") == 0)
		sbuf_puts(&d->out, " DIGEST BAD");
	else
		sbuf_puts(&d->out, " digest unchecked (SCCRQ/SCCRP not seen)");
}

static void
render_verdict(struct dumper *d, int valid, const struct l2tp_verdict *v)
{
	if (valid) {
		if (d->o.json)
			sbuf_puts(&d->out, ",\"valid\":true");
		return;
	}
	d->failures++;
	if (d->o.json) {
		sbuf_puts(&d->out, ",\"valid\":false,\"error\":");
		sbuf_json_str(&d->out, l2tp_strerror(v->err));
		sbuf_puts(&d->out, ",\"reason\":");
		sbuf_json_str(&d->out, v->reason);
		sbuf_printf(&d->out,
		    ",\"action\":\"%s\",\"result\":%u,\"errorCode\":%u",
		    l2tp_action_name(v->action), v->result, v->error);
		return;
	}
	sbuf_printf(&d->out,
	    "\n  REJECT (packet %lu): %s: %s [%s, result %u error %u]",
	    d->frame, l2tp_strerror(v->err), v->reason,
	    l2tp_action_name(v->action), v->result, v->error);
}

static void
handle_control(struct dumper *d, const struct l2tp_walk *w)
{
	struct l2tp_msg *m = &d->msg;
	struct l2tp_decode_err err;
	struct l2tp_verdict v;
	const char *digest;
	int valid;

	if (l2tp_ctrl_decode(w->payload, w->payload_len, w->encap, m, &err) ==
	    -1) {
		report_decode_error(d, "decode", &err);
		return;
	}
	learn_conn(d, w, m);
	/* The digest covers the message as sent, so check before unhiding. */
	digest = check_digest(d, w, m);
	if (d->o.secret != NULL && has_hidden(m) &&
	    l2tp_msg_unhide(m, d->o.secret, strlen(d->o.secret), &err) == -1) {
		report_decode_error(d, "unhide", &err);
		return;
	}
	valid = l2tp_msg_validate(m, &v) == 0;
	render_msg(d, m);
	render_digest(d, digest);
	render_verdict(d, valid, &v);
}

static void
handle_data(struct dumper *d, const struct l2tp_walk *w)
{
	struct l2tp_data_hdr h;
	size_t off;

	if (l2tp_data_decode(w->payload, w->payload_len, w->encap,
		d->o.cookie_len, d->o.l2ss, &h, &off) == -1) {
		report_failure(d, "data decode", l2tp_strerror(L2TP_E_SHORT),
		    "check -c and -l");
		return;
	}
	if (d->o.json) {
		sbuf_printf(
		    &d->out, "\"data\":{\"sessionId\":%u", h.session_id);
		if (h.cookie_len > 0) {
			sbuf_puts(&d->out, ",\"cookie\":\"");
			sbuf_hex(&d->out, h.cookie, h.cookie_len);
			sbuf_putc(&d->out, '"');
		}
		if (h.l2ss == L2TP_L2SS_DEFAULT && h.seq_valid)
			sbuf_printf(&d->out, ",\"seq\":%u", h.seq);
		sbuf_printf(
		    &d->out, ",\"payloadLength\":%zu}", w->payload_len - off);
		return;
	}
	sbuf_printf(&d->out, "DATA session=%u", h.session_id);
	if (h.cookie_len > 0) {
		sbuf_puts(&d->out, " cookie=");
		sbuf_hex(&d->out, h.cookie, h.cookie_len);
	}
	if (h.l2ss == L2TP_L2SS_DEFAULT && h.seq_valid)
		sbuf_printf(&d->out, " seq=%u", h.seq);
	sbuf_printf(&d->out, " len=%zu", w->payload_len - off);
}

static void
handle_l2tp(struct dumper *d, const struct l2tp_walk *w)
{
	struct l2tp_decode_err err;

	switch (l2tp_classify(w->payload, w->payload_len, w->encap)) {
	case L2TP_PKT_DATA:
		handle_data(d, w);
		break;
	case L2TP_PKT_CONTROL:
		handle_control(d, w);
		break;
	case L2TP_PKT_V2:
		report_failure(
		    d, "decode", l2tp_strerror(L2TP_E_VERSION_2), NULL);
		break;
	case L2TP_PKT_INVALID:
		/* The control decoder names what is wrong best. */
		if (l2tp_ctrl_decode(w->payload, w->payload_len, w->encap,
			&d->msg, &err) == 0)
			err.code = L2TP_E_BITS;
		err.avp_index = -1;
		report_decode_error(d, "decode", &err);
		break;
	}
}

static void
on_frame(u_char *user, const struct pcap_pkthdr *ph, const u_char *bytes)
{
	struct dumper *d = (struct dumper *)user;
	struct l2tp_walk w;
	struct pkt_ctx c;
	enum l2tp_walk_result res;
	char why[96];

	d->frame++;
	if (d->has_file_filter &&
	    pcap_offline_filter(&d->file_filter, ph, bytes) == 0)
		return;
	res = l2tp_walk_frame(
	    d->linktype, bytes, ph->caplen, d->o.ports, d->o.nports, &w);
	if (res == L2TP_WALK_NOT_L2TP || res == L2TP_WALK_LINKTYPE)
		return;
	d->l2tp_packets++;
	c.ph = ph;
	c.w = &w;
	begin_packet(d, &c);
	if (res == L2TP_WALK_FRAGMENT) {
		report_failure(
		    d, "decode", "IP fragment, not reassembled", NULL);
	} else if (res == L2TP_WALK_TRUNCATED) {
		snprintf(why, sizeof(why), "captured %zu of %zu bytes",
		    w.payload_len, w.wire_len);
		report_failure(d, "decode", "truncated by the capture", why);
	} else {
		handle_l2tp(d, &w);
	}
	end_packet(d);
	if (d->o.max_count != 0 && d->l2tp_packets >= d->o.max_count)
		pcap_breakloop(d->pcap);
}

static int
parse_number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > max || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

static int
parse_long_option(struct options *o, int which, const char *arg)
{
	if (which == 'D') {
		if (strcmp(arg, "md5") == 0)
			o->alg = L2TP_DIGEST_MD5;
		else if (strcmp(arg, "sha1") == 0)
			o->alg = L2TP_DIGEST_SHA1;
		else
			return -1;
		return 0;
	}
	if (strcmp(arg, "md5") == 0)
		o->kdf = L2TP_KDF_MD5;
	else if (strcmp(arg, "same") == 0)
		o->kdf = L2TP_KDF_SAME_HASH;
	else
		return -1;
	return 0;
}

/* Join the words after the options into one filter expression. */
static char *
join_filter(int argc, char **argv)
{
	struct sbuf b;
	int i;

	if (argc == 0)
		return NULL;
	sbuf_init(&b);
	for (i = 0; i < argc; i++) {
		if (i > 0)
			sbuf_putc(&b, ' ');
		sbuf_puts(&b, argv[i]);
	}
	if (b.failed) {
		sbuf_free(&b);
		return NULL;
	}
	return sbuf_take(&b);
}

static int
parse_options(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "digest", required_argument, NULL, 'D' },
		{ "kdf", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long n;
	int ch;

	memset(o, 0, sizeof(*o));
	o->ports[o->nports++] = L2TP_UDP_PORT;
	o->kdf = -1;
	while ((ch = getopt_long(
		    argc, argv, "c:hi:jlm:p:r:s:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if (parse_number(optarg, 8, &n) == -1 ||
			    (n != 0 && n != 4 && n != 8)) {
				fprintf(stderr,
				    "l2tpdump: -c: cookie length "
				    "is 0, 4 or 8\n");
				return -1;
			}
			o->cookie_len = (uint8_t)n;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'i':
			o->ifname = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'l':
			o->l2ss = L2TP_L2SS_DEFAULT;
			break;
		case 'm':
			if (parse_number(optarg, ULONG_MAX, &o->max_count) ==
			    -1) {
				fprintf(stderr, "l2tpdump: -m: bad count\n");
				return -1;
			}
			break;
		case 'p':
			if (parse_number(optarg, 65535, &n) == -1 || n == 0 ||
			    o->nports == MAX_PORTS) {
				fprintf(stderr,
				    "l2tpdump: -p: bad port or "
				    "too many\n");
				return -1;
			}
			o->ports[o->nports++] = (uint16_t)n;
			break;
		case 'r':
			o->file = optarg;
			break;
		case 's':
			o->secret = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'D':
		case 'K':
			if (parse_long_option(o, ch, optarg) == -1) {
				fprintf(stderr,
				    "l2tpdump: --%s: bad value %s\n",
				    ch == 'D' ? "digest" : "kdf", optarg);
				return -1;
			}
			break;
		default:
			return -1;
		}
	}
	if ((o->file == NULL) == (o->ifname == NULL)) {
		fprintf(stderr, "l2tpdump: give exactly one of -r and -i\n");
		return -1;
	}
	o->filter = join_filter(argc - optind, argv + optind);
	return 0;
}

static pcap_t *
open_live(const char *ifname, char *errbuf)
{
	pcap_t *p;

	p = pcap_create(ifname, errbuf);
	if (p == NULL)
		return NULL;
	/* Immediate mode: a control message is shown when it passes, not
	 * when a kernel buffer fills. */
	if (pcap_set_snaplen(p, SNAPLEN) != 0 || pcap_set_promisc(p, 1) != 0 ||
	    pcap_set_immediate_mode(p, 1) != 0 || pcap_activate(p) < 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	return p;
}

/* The kernel filter for live captures without one of the user's: what
 * the walk takes as L2TP, IPv6 with extension headers (the kernel refuses
 * "protochain"'s loop) and any VLAN-tagged frame; the walk sorts those. */
static char *
default_filter(const struct options *o)
{
	struct sbuf b;
	size_t i;

	sbuf_init(&b);
	for (i = 0; i < o->nports; i++)
		sbuf_printf(&b, "udp port %u or ", o->ports[i]);
	sbuf_puts(&b,
	    "ip proto 115 or ip proto 120 or (ip6 and not ip6 proto 6 and not "
	    "ip6 proto 17 and not ip6 proto 58) or vlan");
	if (b.failed) {
		sbuf_free(&b);
		return NULL;
	}
	return sbuf_take(&b);
}

static int
compile_filter(pcap_t *p, const char *expr, struct bpf_program *prog)
{
	if (pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		fprintf(stderr, "l2tpdump: filter \"%s\": %s\n", expr,
		    pcap_geterr(p));
		return -1;
	}
	return 0;
}

static int
set_filter(pcap_t *p, const char *expr)
{
	struct bpf_program prog;
	int rc;

	if (compile_filter(p, expr, &prog) == -1)
		return -1;
	rc = pcap_setfilter(p, &prog);
	if (rc == -1)
		fprintf(stderr, "l2tpdump: filter: %s\n", pcap_geterr(p));
	pcap_freecode(&prog);
	return rc;
}

/* libpcap's message often starts with the name already ("x.pcap: No
 * such file or directory"): print the name once. */
static void
report_open_error(const char *name, const char *errbuf)
{
	size_t n = strlen(name);

	if (strncmp(errbuf, name, n) == 0 && errbuf[n] == ':')
		fprintf(stderr, "l2tpdump: %s\n", errbuf);
	else
		fprintf(stderr, "l2tpdump: %s: %s\n", name, errbuf);
}

static int
open_capture(struct dumper *d)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	char *filter;
	int rc;

	errbuf[0] = '\0';
	if (d->o.file != NULL)
		d->pcap = pcap_open_offline(d->o.file, errbuf);
	else
		d->pcap = open_live(d->o.ifname, errbuf);
	if (d->pcap == NULL) {
		report_open_error(
		    d->o.file != NULL ? d->o.file : d->o.ifname, errbuf);
		return -1;
	}
	d->live = d->o.ifname != NULL;
	d->linktype = pcap_datalink(d->pcap);
	if (!l2tp_walk_linktype_known(d->linktype)) {
		fprintf(stderr, "l2tpdump: link type %s (%d) not supported\n",
		    pcap_datalink_val_to_name(d->linktype), d->linktype);
		return -1;
	}
	if (d->o.filter != NULL && !d->live) {
		if (compile_filter(d->pcap, d->o.filter, &d->file_filter) == -1)
			return -1;
		d->has_file_filter = 1;
		return 0;
	}
	if (d->o.filter != NULL)
		return set_filter(d->pcap, d->o.filter);
	if (!d->live)
		return 0;
	/* The default filter only spares the CPU; without it all works. */
	filter = default_filter(&d->o);
	rc = filter != NULL ? set_filter(d->pcap, filter) : -1;
	if (rc == -1)
		fprintf(stderr, "l2tpdump: capturing without a filter\n");
	free(filter);
	return 0;
}

static void
install_signals(pcap_t *p)
{
	struct sigaction sa;

	stop_pcap = p;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int
run(struct dumper *d)
{
	int rc;

	if (open_capture(d) == -1)
		return EXIT_USAGE;
	if (d->live)
		install_signals(d->pcap);
	rc = pcap_loop(d->pcap, -1, on_frame, (u_char *)d);
	fflush(stdout);
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "l2tpdump: %s\n", pcap_geterr(d->pcap));
		return EXIT_USAGE;
	}
	if (d->out.failed || d->tmp.failed) {
		fprintf(stderr, "l2tpdump: out of memory\n");
		return EXIT_USAGE;
	}
	if (d->failures > 0) {
		fprintf(stderr, "l2tpdump: %lu of %lu L2TP packets failed\n",
		    d->failures, d->l2tp_packets);
		return EXIT_DECODE;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct dumper *d;
	int rc;

	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		perror("l2tpdump");
		return EXIT_USAGE;
	}
	if (parse_options(&d->o, argc, argv) == -1) {
		usage(stderr);
		free(d);
		return EXIT_USAGE;
	}
	d->conns = calloc(MAX_CONNS, sizeof(*d->conns));
	if (d->conns == NULL) {
		perror("l2tpdump");
		free(d);
		return EXIT_USAGE;
	}
	sbuf_init(&d->out);
	sbuf_init(&d->tmp);
	rc = run(d);
	if (d->has_file_filter)
		pcap_freecode(&d->file_filter);
	if (d->pcap != NULL)
		pcap_close(d->pcap);
	stop_pcap = NULL;
	sbuf_free(&d->out);
	sbuf_free(&d->tmp);
	free(d->o.filter);
	free(d->conns);
	free(d);
	return rc;
}
