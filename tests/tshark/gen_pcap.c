/*
 * gen_pcap: write a classic pcap file holding one complete L2TPv3 exchange
 * between two LCCEs, every L2TP byte built by proto/, for tshark to judge.
 *
 *   A -> B  SCCRQ        B -> A  SCCRP        A -> B  SCCCN
 *   B -> A  ACK          A -> B  HELLO        B -> A  ZLB
 *   A -> B  ICRQ         B -> A  ICRP         A -> B  ICCN
 *   B -> A  ZLB          data A -> B, B -> A, A -> B
 *   A -> B  SLI          B -> A  CDN          A -> B  StopCCN
 *   B -> A  ACK
 *
 * With -d, every message but the ZLBs carries a Message Digest signed by
 * its sender, and SCCRQ/SCCRP carry the two nonces.  The IP and UDP
 * headers are written here (a capture needs them); checksums are real so
 * that no dissector complains.  Frames are LINKTYPE_RAW (bare IP).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto/buf.h"
#include "proto/data.h"
#include "proto/digest.h"
#include "proto/l2tp.h"
#include "proto/msg.h"

#define PCAP_MAGIC 0xa1b2c3d4u
#define LINKTYPE_RAW 101
#define FRAME_MAX 2048
#define IPPROTO_UDP_NUM 17
#define TS_START 1700000000u

enum { LCCE_A, LCCE_B };

struct lcce {
	const char *host;
	uint8_t addr4[4];
	uint8_t addr6[16];
	uint32_t router_id;
	uint32_t ccid;
	uint32_t session;
	uint8_t cookie[L2TP_COOKIE_MAX];
	uint8_t cookie_len;
	uint8_t nonce[L2TP_NONCE_LEN];
	uint16_t ns, nr;
	uint32_t data_seq;
	struct l2tp_auth auth;
};

struct gen {
	FILE *f;
	enum l2tp_encap encap;
	int ipv6;
	enum l2tp_digest_alg alg;
	unsigned int frames;
	uint16_t ip_id;
	struct lcce peer[2];
};

static void
die(const char *msg)
{
	fprintf(stderr, "gen_pcap: %s\n", msg);
	exit(1);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: gen_pcap [-6] [-e udp|ip] [-d none|md5|sha1] "
	    "[-k md5|same] [-s secret] -o out.pcap\n");
	exit(2);
}

static void
put_u32_native(FILE *f, uint32_t v)
{
	if (fwrite(&v, sizeof(v), 1, f) != 1)
		die("write failed");
}

static void
put_u16_native(FILE *f, uint16_t v)
{
	if (fwrite(&v, sizeof(v), 1, f) != 1)
		die("write failed");
}

/* The classic pcap file header, in host byte order as the format allows. */
static void
pcap_begin(FILE *f)
{
	put_u32_native(f, PCAP_MAGIC);
	put_u16_native(f, 2);
	put_u16_native(f, 4);
	put_u32_native(f, 0); /* thiszone */
	put_u32_native(f, 0); /* sigfigs */
	put_u32_native(f, 65535);
	put_u32_native(f, LINKTYPE_RAW);
}

static void
pcap_record(struct gen *g, const uint8_t *frame, size_t len)
{
	unsigned int n = g->frames++;

	put_u32_native(g->f, TS_START + n / 100);
	put_u32_native(g->f, (n % 100) * 10000);
	put_u32_native(g->f, (uint32_t)len);
	put_u32_native(g->f, (uint32_t)len);
	if (fwrite(frame, 1, len, g->f) != len)
		die("write failed");
}

/* Internet checksum: add the 16-bit words of a region to a running sum. */
static uint32_t
csum_add(uint32_t sum, struct rbuf *r)
{
	uint16_t word;
	uint8_t last;

	while (rbuf_get_u16(r, &word) == 0)
		sum += word;
	if (rbuf_get_u8(r, &last) == 0)
		sum += (uint32_t)last << 8;
	return sum;
}

static uint32_t
csum_bytes(uint32_t sum, const uint8_t *p, size_t len)
{
	struct rbuf r;

	rbuf_init(&r, p, len);
	return csum_add(sum, &r);
}

/* Sum of what a writer holds from off to its end. */
static uint32_t
csum_written(uint32_t sum, const struct wbuf *w, size_t off)
{
	struct rbuf r;

	if (wbuf_reader(w, off, wbuf_len(w) - off, &r) == -1)
		die("checksum range");
	return csum_add(sum, &r);
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
put_ip_header(struct gen *g, struct wbuf *w, const struct lcce *src,
    const struct lcce *dst, uint8_t proto, size_t payload_len)
{
	size_t hdr_off = wbuf_len(w), csum_off;

	if (g->ipv6) {
		wbuf_put_u32(w, 0x60000000u);
		wbuf_put_u16(w, (uint16_t)payload_len);
		wbuf_put_u8(w, proto);
		wbuf_put_u8(w, 64);
		wbuf_put_bytes(w, src->addr6, 16);
		wbuf_put_bytes(w, dst->addr6, 16);
		return;
	}
	wbuf_put_u8(w, 0x45);
	wbuf_put_u8(w, 0);
	wbuf_put_u16(w, (uint16_t)(20 + payload_len));
	wbuf_put_u16(w, g->ip_id++);
	wbuf_put_u16(w, 0x4000); /* DF */
	wbuf_put_u8(w, 64);
	wbuf_put_u8(w, proto);
	wbuf_reserve(w, 2, &csum_off);
	wbuf_put_bytes(w, src->addr4, 4);
	wbuf_put_bytes(w, dst->addr4, 4);
	wbuf_patch_u16(w, csum_off, csum_fold(csum_written(0, w, hdr_off)));
}

/* UDP checksum over the pseudo-header (RFC 768, RFC 8200) and datagram. */
static uint16_t
udp_checksum(const struct gen *g, const struct lcce *src,
    const struct lcce *dst, const struct wbuf *w, size_t udp_off)
{
	uint32_t sum = 0;
	uint16_t c;

	if (g->ipv6) {
		sum = csum_bytes(sum, src->addr6, 16);
		sum = csum_bytes(sum, dst->addr6, 16);
	} else {
		sum = csum_bytes(sum, src->addr4, 4);
		sum = csum_bytes(sum, dst->addr4, 4);
	}
	sum += IPPROTO_UDP_NUM + (uint32_t)(wbuf_len(w) - udp_off);
	c = csum_fold(csum_written(sum, w, udp_off));
	return c == 0 ? 0xffff : c; /* 0 would mean "no checksum" */
}

/* Wrap an L2TP datagram in IP (and UDP) and write it to the capture. */
static void
emit(struct gen *g, int from, const uint8_t *l2tp, size_t len)
{
	const struct lcce *src = &g->peer[from], *dst = &g->peer[!from];
	uint8_t frame[FRAME_MAX];
	struct wbuf w;
	size_t udp_off, csum_off;

	wbuf_init(&w, frame, sizeof(frame));
	if (g->encap == L2TP_ENCAP_IP) {
		put_ip_header(g, &w, src, dst, L2TP_IP_PROTO, len);
		wbuf_put_bytes(&w, l2tp, len);
	} else {
		put_ip_header(g, &w, src, dst, IPPROTO_UDP_NUM, 8 + len);
		udp_off = wbuf_len(&w);
		wbuf_put_u16(&w, L2TP_UDP_PORT);
		wbuf_put_u16(&w, L2TP_UDP_PORT);
		wbuf_put_u16(&w, (uint16_t)(8 + len));
		wbuf_reserve(&w, 2, &csum_off);
		wbuf_put_bytes(&w, l2tp, len);
		wbuf_patch_u16(
		    &w, csum_off, udp_checksum(g, src, dst, &w, udp_off));
	}
	if (!wbuf_ok(&w))
		die("frame too large");
	pcap_record(g, frame, wbuf_len(&w));
}

/* Start a control message from `from`; Ns advances unless it is an ACK. */
static void
msg_begin(struct gen *g, int from, struct l2tp_msg_writer *mw, struct wbuf *w,
    uint16_t type)
{
	struct lcce *me = &g->peer[from], *them = &g->peer[!from];
	uint32_t ccid = type == L2TP_MT_SCCRQ ? 0 : them->ccid;

	if (l2tp_mw_begin(mw, w, g->encap, ccid, me->ns, me->nr) == -1 ||
	    l2tp_mw_msgtype(mw, L2TP_VENDOR_IETF, type) == -1)
		die("cannot begin a message");
	if (g->alg != L2TP_DIGEST_NONE &&
	    l2tp_mw_digest(
		mw, L2TP_VENDOR_IETF, l2tp_digest_wire_type(g->alg)) == -1)
		die("cannot reserve the digest");
	if (type != L2TP_MT_ACK) {
		them->nr = (uint16_t)(me->ns + 1);
		me->ns++;
	}
}

static void
msg_end(struct gen *g, int from, struct l2tp_msg_writer *mw, uint16_t type,
    uint8_t *buf)
{
	size_t len;

	if (l2tp_mw_end(mw, &len) == -1)
		die("message does not fit");
	if (g->alg != L2TP_DIGEST_NONE &&
	    l2tp_digest_sign(&g->peer[from].auth, type, buf, len, g->encap) ==
		-1)
		die("cannot sign");
	emit(g, from, buf, len);
}

static void
send_zlb(struct gen *g, int from)
{
	struct lcce *me = &g->peer[from];
	uint8_t buf[64];
	struct wbuf w;
	size_t len;

	wbuf_init(&w, buf, sizeof(buf));
	if (l2tp_build_zlb(
		&w, g->encap, g->peer[!from].ccid, me->ns, me->nr, &len) == -1)
		die("cannot build a ZLB");
	emit(g, from, buf, len);
}

/* A message with nothing but its type (and digest): HELLO, ACK, SCCCN. */
static void
send_bare(struct gen *g, int from, uint16_t type)
{
	struct l2tp_msg_writer mw;
	uint8_t buf[L2TP_MSG_MAX_LEN];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof(buf));
	msg_begin(g, from, &mw, &w, type);
	msg_end(g, from, &mw, type, buf);
}

static void
send_sccrq_sccrp(struct gen *g, int from, uint16_t type)
{
	static const uint16_t pw_caps[] = { L2TP_PW_ETH, L2TP_PW_ETH_VLAN };
	struct lcce *me = &g->peer[from];
	struct l2tp_msg_writer mw;
	uint8_t buf[L2TP_MSG_MAX_LEN];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof(buf));
	msg_begin(g, from, &mw, &w, type);
	l2tp_mw_avp_str(&mw, 0, L2TP_AVP_HOST_NAME, 1, me->host);
	l2tp_mw_avp_str(&mw, 0, L2TP_AVP_VENDOR_NAME, 0, "l2tpv3d");
	l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_ROUTER_ID, 1, me->router_id);
	l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_ASSIGNED_CCID, 1, me->ccid);
	l2tp_mw_avp_u16_list(&mw, 0, L2TP_AVP_PW_CAPS, 1, pw_caps, 2);
	l2tp_mw_avp_u16(&mw, 0, L2TP_AVP_RECV_WINDOW, 1, 16);
	if (g->alg != L2TP_DIGEST_NONE)
		l2tp_mw_avp(&mw, 0, L2TP_AVP_CTRL_AUTH_NONCE, 1, me->nonce,
		    sizeof(me->nonce));
	msg_end(g, from, &mw, type, buf);
}

/* ICRQ (from A) and ICRP (from B): session IDs, cookie, PW settings. */
static void
send_icrq_icrp(struct gen *g, int from, uint16_t type)
{
	struct lcce *me = &g->peer[from], *them = &g->peer[!from];
	struct l2tp_msg_writer mw;
	uint8_t buf[L2TP_MSG_MAX_LEN];
	struct wbuf w;
	int is_rq = type == L2TP_MT_ICRQ;

	wbuf_init(&w, buf, sizeof(buf));
	msg_begin(g, from, &mw, &w, type);
	l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_LOCAL_SESSION_ID, 1, me->session);
	l2tp_mw_avp_u32(
	    &mw, 0, L2TP_AVP_REMOTE_SESSION_ID, 1, is_rq ? 0 : them->session);
	l2tp_mw_avp(
	    &mw, 0, L2TP_AVP_ASSIGNED_COOKIE, 1, me->cookie, me->cookie_len);
	if (is_rq) {
		l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_CALL_SERIAL, 1, 1);
		l2tp_mw_avp_u16(&mw, 0, L2TP_AVP_PW_TYPE, 1, L2TP_PW_ETH);
		l2tp_mw_avp_str(&mw, 0, L2TP_AVP_REMOTE_END_ID, 1, "pw-100");
	}
	l2tp_mw_avp_u16(
	    &mw, 0, L2TP_AVP_L2_SPECIFIC_SUBLAYER, 1, L2TP_L2SS_DEFAULT);
	l2tp_mw_avp_u16(&mw, 0, L2TP_AVP_DATA_SEQUENCING, 1, L2TP_DSEQ_ALL);
	l2tp_mw_avp_u16(
	    &mw, 0, L2TP_AVP_CIRCUIT_STATUS, 1, L2TP_CS_ACTIVE | L2TP_CS_NEW);
	msg_end(g, from, &mw, type, buf);
}

static void
send_iccn(struct gen *g, int from)
{
	struct lcce *me = &g->peer[from], *them = &g->peer[!from];
	struct l2tp_msg_writer mw;
	uint8_t buf[L2TP_MSG_MAX_LEN];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof(buf));
	msg_begin(g, from, &mw, &w, L2TP_MT_ICCN);
	l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_LOCAL_SESSION_ID, 1, me->session);
	l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_REMOTE_SESSION_ID, 1, them->session);
	l2tp_mw_avp_u64(&mw, 0, L2TP_AVP_TX_CONNECT_SPEED, 0, 1000000000);
	l2tp_mw_avp_u16(
	    &mw, 0, L2TP_AVP_L2_SPECIFIC_SUBLAYER, 1, L2TP_L2SS_DEFAULT);
	l2tp_mw_avp_u16(&mw, 0, L2TP_AVP_DATA_SEQUENCING, 1, L2TP_DSEQ_ALL);
	msg_end(g, from, &mw, L2TP_MT_ICCN, buf);
}

/* SLI (circuit down) and CDN: about the session both sides know. */
static void
send_sli_cdn(struct gen *g, int from, uint16_t type)
{
	struct lcce *me = &g->peer[from], *them = &g->peer[!from];
	struct l2tp_msg_writer mw;
	uint8_t buf[L2TP_MSG_MAX_LEN];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof(buf));
	msg_begin(g, from, &mw, &w, type);
	if (type == L2TP_MT_CDN)
		l2tp_mw_avp_result(&mw, L2TP_CDN_ADMIN, L2TP_ERR_NONE,
		    "administratively down");
	l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_LOCAL_SESSION_ID, 1, me->session);
	l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_REMOTE_SESSION_ID, 1, them->session);
	if (type == L2TP_MT_SLI)
		l2tp_mw_avp_u16(&mw, 0, L2TP_AVP_CIRCUIT_STATUS, 1, 0);
	msg_end(g, from, &mw, type, buf);
}

static void
send_stopccn(struct gen *g, int from)
{
	struct l2tp_msg_writer mw;
	uint8_t buf[L2TP_MSG_MAX_LEN];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof(buf));
	msg_begin(g, from, &mw, &w, L2TP_MT_STOPCCN);
	l2tp_mw_avp_result(
	    &mw, L2TP_STOPCCN_SHUTTING_DOWN, L2TP_ERR_NONE, "Admin Action");
	l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_ASSIGNED_CCID, 1, g->peer[from].ccid);
	msg_end(g, from, &mw, L2TP_MT_STOPCCN, buf);
}

/* A data packet toward the peer: its session ID and the cookie it
 * assigned, then an Ethernet frame (the session's pseudowire type). */
static void
send_data(struct gen *g, int from)
{
	static const char text[] = "l2tpv3d wire test frame, padded to 46 "
				   "bytes.";
	struct lcce *me = &g->peer[from], *them = &g->peer[!from];
	struct l2tp_data_hdr h;
	uint8_t buf[256];
	struct wbuf w;

	memset(&h, 0, sizeof(h));
	h.session_id = them->session;
	h.cookie_len = them->cookie_len;
	memcpy(h.cookie, them->cookie, them->cookie_len);
	h.l2ss = L2TP_L2SS_DEFAULT;
	h.seq_valid = 1;
	h.seq = me->data_seq++ & L2TP_L2SS_SEQ_MASK;
	wbuf_init(&w, buf, sizeof(buf));
	if (l2tp_data_encode(&w, g->encap, &h) == -1)
		die("cannot encode a data header");
	/* Ethernet: locally administered MACs ending in 1 (A) and 2 (B),
	 * the local experimental EtherType so the payload is plain data. */
	wbuf_put_u32(&w, 0x02000000);
	wbuf_put_u16(&w, (uint16_t)(1 + !from));
	wbuf_put_u32(&w, 0x02000000);
	wbuf_put_u16(&w, (uint16_t)(1 + from));
	wbuf_put_u16(&w, 0x88b5);
	wbuf_put_bytes(&w, text, sizeof(text) - 1);
	if (!wbuf_ok(&w))
		die("data packet too large");
	emit(g, from, buf, wbuf_len(&w));
}

static void
setup_peers(struct gen *g, enum l2tp_kdf kdf, const char *secret)
{
	static const uint8_t cookie_a[4] = { 0xc0, 0x0c, 0x1e, 0xaa };
	static const uint8_t cookie_b[8] = { 0xc0, 0x0c, 0x1e, 0xbb, 0x01, 0x02,
		0x03, 0x04 };
	/* Documentation prefixes: 192.0.2.1/2, 2001:db8::1/2. */
	static const uint8_t addr4_a[4] = { 192, 0, 2, 1 };
	static const uint8_t addr4_b[4] = { 192, 0, 2, 2 };
	static const uint8_t addr6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t addr6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 2 };
	struct lcce *a = &g->peer[LCCE_A], *b = &g->peer[LCCE_B];
	size_t i;

	memset(g->peer, 0, sizeof(g->peer));
	a->host = "lcce-a.example";
	b->host = "lcce-b.example";
	memcpy(a->addr4, addr4_a, 4);
	memcpy(b->addr4, addr4_b, 4);
	memcpy(a->addr6, addr6_a, 16);
	memcpy(b->addr6, addr6_b, 16);
	a->router_id = 0xc0000201;
	b->router_id = 0xc0000202;
	a->ccid = 0x0a0a0a0a;
	b->ccid = 0x0b0b0b0b;
	a->session = 0x11111111;
	b->session = 0x22222222;
	memcpy(a->cookie, cookie_a, sizeof(cookie_a));
	a->cookie_len = sizeof(cookie_a);
	memcpy(b->cookie, cookie_b, sizeof(cookie_b));
	b->cookie_len = sizeof(cookie_b);
	for (i = 0; i < L2TP_NONCE_LEN; i++) {
		a->nonce[i] = (uint8_t)(0x10 + i);
		b->nonce[i] = (uint8_t)(0xa0 + i);
	}
	if (g->alg == L2TP_DIGEST_NONE)
		return;
	for (i = 0; i < 2; i++) {
		struct lcce *me = &g->peer[i], *them = &g->peer[!i];

		if (l2tp_auth_init(
			&me->auth, g->alg, kdf, secret, strlen(secret)) == -1 ||
		    l2tp_auth_set_local_nonce(
			&me->auth, me->nonce, sizeof(me->nonce)) == -1)
			die("cannot set up authentication");
		memcpy(me->auth.peer_nonce, them->nonce, sizeof(them->nonce));
		me->auth.peer_nonce_len = sizeof(them->nonce);
	}
}

static void
write_exchange(struct gen *g)
{
	send_sccrq_sccrp(g, LCCE_A, L2TP_MT_SCCRQ);
	send_sccrq_sccrp(g, LCCE_B, L2TP_MT_SCCRP);
	send_bare(g, LCCE_A, L2TP_MT_SCCCN);
	send_bare(g, LCCE_B, L2TP_MT_ACK);
	send_bare(g, LCCE_A, L2TP_MT_HELLO);
	send_zlb(g, LCCE_B);
	send_icrq_icrp(g, LCCE_A, L2TP_MT_ICRQ);
	send_icrq_icrp(g, LCCE_B, L2TP_MT_ICRP);
	send_iccn(g, LCCE_A);
	send_zlb(g, LCCE_B);
	send_data(g, LCCE_A);
	send_data(g, LCCE_B);
	send_data(g, LCCE_A);
	send_sli_cdn(g, LCCE_A, L2TP_MT_SLI);
	send_sli_cdn(g, LCCE_B, L2TP_MT_CDN);
	send_stopccn(g, LCCE_A);
	send_bare(g, LCCE_B, L2TP_MT_ACK);
}

int
main(int argc, char **argv)
{
	struct gen g;
	enum l2tp_kdf kdf = L2TP_KDF_DEFAULT;
	const char *secret = "s3cr3t-key", *out = NULL;
	int ch;

	memset(&g, 0, sizeof(g));
	g.encap = L2TP_ENCAP_UDP;
	g.alg = L2TP_DIGEST_NONE;
	while ((ch = getopt(argc, argv, "6d:e:k:o:s:")) != -1) {
		switch (ch) {
		case '6':
			g.ipv6 = 1;
			break;
		case 'd':
			if (strcmp(optarg, "none") == 0)
				g.alg = L2TP_DIGEST_NONE;
			else if (strcmp(optarg, "md5") == 0)
				g.alg = L2TP_DIGEST_MD5;
			else if (strcmp(optarg, "sha1") == 0)
				g.alg = L2TP_DIGEST_SHA1;
			else
				usage();
			break;
		case 'e':
			if (strcmp(optarg, "udp") == 0)
				g.encap = L2TP_ENCAP_UDP;
			else if (strcmp(optarg, "ip") == 0)
				g.encap = L2TP_ENCAP_IP;
			else
				usage();
			break;
		case 'k':
			if (strcmp(optarg, "md5") == 0)
				kdf = L2TP_KDF_MD5;
			else if (strcmp(optarg, "same") == 0)
				kdf = L2TP_KDF_SAME_HASH;
			else
				usage();
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			secret = optarg;
			break;
		default:
			usage();
		}
	}
	if (out == NULL || optind != argc || secret[0] == '\0')
		usage();

	setup_peers(&g, kdf, secret);
	if ((g.f = fopen(out, "wb")) == NULL) {
		fprintf(stderr, "gen_pcap: %s: %s\n", out, strerror(errno));
		return 1;
	}
	pcap_begin(g.f);
	write_exchange(&g);
	if (fclose(g.f) != 0)
		die("close failed");
	return 0;
}
