/*
 * codec_bench: how fast proto/ decodes and validates control messages.
 *
 * A realistic mix is built once with proto/'s own writer: connection
 * set-up in the IETF form and in Cisco's draft form, session set-up in
 * both forms, the keepalive traffic that dominates a steady state (HELLO,
 * ZLB, ACK and Cisco's 9:0 ACK with its digest) and teardown.  Each
 * message must decode and validate before timing starts, so a codec
 * change that rejects one fails the benchmark instead of speeding it up.
 *
 *   codec_bench [-t SECONDS]   messages/s on one core, as JSON lines
 *   codec_bench -n COUNT       exactly COUNT messages through
 *                              bench_loop(), for callgrind:
 *       valgrind --tool=callgrind --toggle-collect=bench_loop \
 *           codec_bench -n 100000    (instructions / 100000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench_clock.h"

#include "proto/buf.h"
#include "proto/l2tp.h"
#include "proto/msg.h"
#include "proto/schema.h"

#define MSG_BUF 512

struct sample {
	const char *name;
	uint8_t bytes[MSG_BUF];
	size_t len;
};

/* Fills one sample with the AVPs after the Message Type. */
typedef void (*build_fn)(struct l2tp_msg_writer *);

static const uint16_t pw_caps[] = { L2TP_PW_ETH, L2TP_PW_ETH_VLAN };
static const uint16_t cisco_pw_caps[] = { 5, 4, 6, 7, 1, 3, 10, 9, 11 };

static void
build_sccrq_ietf(struct l2tp_msg_writer *mw)
{
	l2tp_mw_avp_str(mw, 0, L2TP_AVP_HOST_NAME, 1, "lac-0001.example.net");
	l2tp_mw_avp_str(mw, 0, L2TP_AVP_VENDOR_NAME, 0, "l2tpv3d");
	l2tp_mw_avp_u16(mw, 0, L2TP_AVP_FIRMWARE_REV, 0, 0x0100);
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_ROUTER_ID, 1, 0x0a4d0001);
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_ASSIGNED_CCID, 1, 0x1234abcd);
	l2tp_mw_avp_u16_list(mw, 0, L2TP_AVP_PW_CAPS, 1, pw_caps, 2);
	l2tp_mw_avp_u16(mw, 0, L2TP_AVP_RECV_WINDOW, 1, 64);
	l2tp_mw_avp_u64(mw, 0, L2TP_AVP_TIE_BREAKER, 0, 0x0102030405060708);
}

/* As Cisco IOS sends it in its default (draft) mode. */
static void
build_sccrq_cisco(struct l2tp_msg_writer *mw)
{
	static const uint8_t version[] = { 0x01, 0x00 };

	l2tp_mw_avp(mw, 0, L2TP_AVP_PROTOCOL_VERSION, 1, version, 2);
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_FRAMING_CAPS, 1, 0);
	l2tp_mw_avp_u64(mw, 0, L2TP_AVP_TIE_BREAKER, 0, 0x1122334455667788);
	l2tp_mw_avp_u16(mw, 0, L2TP_AVP_FIRMWARE_REV, 0, 0x1130);
	l2tp_mw_avp_str(mw, 0, L2TP_AVP_HOST_NAME, 1, "PE1");
	l2tp_mw_avp_str(mw, 0, L2TP_AVP_VENDOR_NAME, 0, "Cisco Systems, Inc.");
	l2tp_mw_avp_u16(mw, 0, L2TP_AVP_RECV_WINDOW, 1, 1024);
	l2tp_mw_avp_u32(mw, 9, L2TP_CISCO_ASSIGNED_CCID, 1, 0x3e8a77c1);
	l2tp_mw_avp_u16_list(mw, 9, L2TP_CISCO_PW_CAPS, 1, cisco_pw_caps, 9);
	l2tp_mw_avp_u16(mw, 9, L2TP_CISCO_DRAFT_AVP_VERSION, 1, 1);
}

static void
build_sccrp(struct l2tp_msg_writer *mw)
{
	l2tp_mw_avp_str(mw, 0, L2TP_AVP_HOST_NAME, 1, "lns-01.example.net");
	l2tp_mw_avp_str(mw, 0, L2TP_AVP_VENDOR_NAME, 0, "l2tpv3d");
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_ROUTER_ID, 1, 0x0a4dfffe);
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_ASSIGNED_CCID, 1, 0x55aa55aa);
	l2tp_mw_avp_u16_list(mw, 0, L2TP_AVP_PW_CAPS, 1, pw_caps, 2);
	l2tp_mw_avp_u16(mw, 0, L2TP_AVP_RECV_WINDOW, 1, 64);
}

static void
build_scccn(struct l2tp_msg_writer *mw)
{
	(void)mw; /* the Message Type alone */
}

static void
build_icrq_ietf(struct l2tp_msg_writer *mw)
{
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_LOCAL_SESSION_ID, 1, 0x00010001);
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_REMOTE_SESSION_ID, 1, 0);
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_CALL_SERIAL, 1, 1);
	l2tp_mw_avp_u16(mw, 0, L2TP_AVP_PW_TYPE, 1, L2TP_PW_ETH);
	l2tp_mw_avp_str(mw, 0, L2TP_AVP_REMOTE_END_ID, 1, "pw-100");
	l2tp_mw_avp_u16(mw, 0, L2TP_AVP_CIRCUIT_STATUS, 1, 0x0001);
	l2tp_mw_avp_u16(
	    mw, 0, L2TP_AVP_L2_SPECIFIC_SUBLAYER, 1, L2TP_L2SS_DEFAULT);
	l2tp_mw_avp_u16(mw, 0, L2TP_AVP_DATA_SEQUENCING, 1, L2TP_DSEQ_NONE);
}

static void
build_icrq_cisco(struct l2tp_msg_writer *mw)
{
	l2tp_mw_avp_u32(mw, 9, L2TP_CISCO_LOCAL_SESSION_ID, 1, 0x00004e21);
	l2tp_mw_avp_u32(mw, 9, L2TP_CISCO_REMOTE_SESSION_ID, 1, 0);
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_CALL_SERIAL, 1, 7);
	l2tp_mw_avp_u16(mw, 9, L2TP_CISCO_PW_TYPE, 1, L2TP_PW_ETH_VLAN);
	l2tp_mw_avp_str(mw, 9, L2TP_CISCO_REMOTE_END_ID, 1, "100");
	l2tp_mw_avp_u16(mw, 9, L2TP_CISCO_CIRCUIT_STATUS, 1, 0x0001);
}

static void
build_iccn(struct l2tp_msg_writer *mw)
{
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_LOCAL_SESSION_ID, 1, 0x00010001);
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_REMOTE_SESSION_ID, 1, 0x00020002);
	l2tp_mw_avp_u64(mw, 0, L2TP_AVP_TX_CONNECT_SPEED, 0, 1000000000);
	l2tp_mw_avp_u16(mw, 0, L2TP_AVP_DATA_SEQUENCING, 1, L2TP_DSEQ_NONE);
}

static void
build_cisco_ack(struct l2tp_msg_writer *mw)
{
	/* Cisco acknowledges with 9:0 and its 17-byte 9:12 digest. */
	l2tp_mw_digest(mw, L2TP_VENDOR_CISCO, L2TP_DIGEST_TYPE_MD5);
}

static void
build_stopccn(struct l2tp_msg_writer *mw)
{
	l2tp_mw_avp_result(
	    mw, L2TP_STOPCCN_SHUTTING_DOWN, L2TP_ERR_NONE, "Admin Action");
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_ASSIGNED_CCID, 1, 0x1234abcd);
}

static void
build_cdn(struct l2tp_msg_writer *mw)
{
	l2tp_mw_avp_result(mw, L2TP_CDN_ADMIN, L2TP_ERR_NONE, NULL);
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_LOCAL_SESSION_ID, 1, 0x00010001);
	l2tp_mw_avp_u32(mw, 0, L2TP_AVP_REMOTE_SESSION_ID, 1, 0x00020002);
}

static void
build_nothing(struct l2tp_msg_writer *mw)
{
	(void)mw;
}

struct recipe {
	const char *name;
	uint16_t vendor; /* of the Message Type AVP */
	uint16_t type; /* L2TP_MT_ZLB: header only */
	build_fn build;
};

/* Steady state weighs as much as set-up: HELLO, ZLB and both ACKs are
 * four of the twelve. */
static const struct recipe recipes[] = {
	{ "SCCRQ", 0, L2TP_MT_SCCRQ, build_sccrq_ietf },
	{ "SCCRQ-cisco", 0, L2TP_MT_SCCRQ, build_sccrq_cisco },
	{ "SCCRP", 0, L2TP_MT_SCCRP, build_sccrp },
	{ "SCCCN", 0, L2TP_MT_SCCCN, build_scccn },
	{ "ICRQ", 0, L2TP_MT_ICRQ, build_icrq_ietf },
	{ "ICRQ-cisco", 0, L2TP_MT_ICRQ, build_icrq_cisco },
	{ "ICCN", 0, L2TP_MT_ICCN, build_iccn },
	{ "HELLO", 0, L2TP_MT_HELLO, build_nothing },
	{ "ZLB", 0, L2TP_MT_ZLB, build_nothing },
	{ "ACK", 0, L2TP_MT_ACK, build_nothing },
	{ "ACK-cisco", 9, L2TP_MT_ACK, build_cisco_ack },
	{ "StopCCN", 0, L2TP_MT_STOPCCN, build_stopccn },
	{ "CDN", 0, L2TP_MT_CDN, build_cdn },
};
#define NSAMPLES (sizeof(recipes) / sizeof(recipes[0]))

static struct sample samples[NSAMPLES];

static void
die(const char *what, const char *name)
{
	fprintf(stderr, "codec_bench: %s: %s\n", name, what);
	exit(1);
}

static void
build_sample(const struct recipe *r, struct sample *s)
{
	struct l2tp_msg_writer mw;
	struct wbuf w;

	s->name = r->name;
	wbuf_init(&w, s->bytes, sizeof(s->bytes));
	if (r->type == L2TP_MT_ZLB) {
		if (l2tp_build_zlb(
			&w, L2TP_ENCAP_UDP, 0x1234abcd, 5, 9, &s->len) == -1)
			die("cannot build", r->name);
		return;
	}
	if (l2tp_mw_begin(&mw, &w, L2TP_ENCAP_UDP, 0x1234abcd, 4, 9) == -1 ||
	    l2tp_mw_msgtype(&mw, r->vendor, r->type) == -1)
		die("cannot build", r->name);
	r->build(&mw);
	if (l2tp_mw_end(&mw, &s->len) == -1)
		die("cannot build", r->name);
}

/* What the daemon does to every control message before its FSMs see it. */
static int
decode_validate(const struct sample *s, struct l2tp_msg *m)
{
	struct l2tp_decode_err err;
	struct l2tp_verdict v;

	if (l2tp_ctrl_decode(s->bytes, s->len, L2TP_ENCAP_UDP, m, &err) == -1)
		return -1;
	return l2tp_msg_validate(m, &v);
}

static void
build_all(struct l2tp_msg *m)
{
	size_t i;

	for (i = 0; i < NSAMPLES; i++) {
		build_sample(&recipes[i], &samples[i]);
		if (decode_validate(&samples[i], m) == -1)
			die("does not decode and validate", samples[i].name);
	}
}

/* The measured work; not inlined so callgrind can collect just this. */
static __attribute__((noinline)) unsigned long
bench_loop(unsigned long count, struct l2tp_msg *m)
{
	unsigned long i, ok = 0;

	for (i = 0; i < count; i++)
		ok += decode_validate(&samples[i % NSAMPLES], m) == 0;
	return ok;
}

static void
print_result(const char *name, double value, const char *unit,
    const char *sample, double seconds)
{
	printf("{\"name\":\"%s\",\"value\":%.0f,\"unit\":\"%s\","
	       "\"parameters\":{\"mix\":\"%s\",\"seconds\":%.1f}}\n",
	    name, value, unit, sample, seconds);
}

/* Messages/s over `seconds`, in batches so the clock costs nothing. */
static double
rate(const struct sample *only, double seconds, struct l2tp_msg *m)
{
	const unsigned long batch = 10000;
	unsigned long n = 0, i;
	double start = bench_now(), elapsed;

	do {
		if (only == NULL)
			n += bench_loop(batch, m);
		else
			for (i = 0; i < batch; i++)
				n += decode_validate(only, m) == 0;
		elapsed = bench_now() - start;
	} while (elapsed < seconds);
	return (double)n / elapsed;
}

int
main(int argc, char **argv)
{
	static struct l2tp_msg m;
	double seconds = 2;
	long count = -1;
	int ch, per_type = 0;
	size_t i;

	while ((ch = getopt(argc, argv, "n:t:p")) != -1) {
		switch (ch) {
		case 'n':
			count = atol(optarg);
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 'p':
			per_type = 1;
			break;
		default:
			fprintf(stderr,
			    "usage: codec_bench [-p] [-t SECONDS] "
			    "| -n COUNT\n");
			return 2;
		}
	}
	build_all(&m);
	if (count >= 0) {
		if (bench_loop((unsigned long)count, &m) !=
		    (unsigned long)count)
			die("a message failed in the loop", "mix");
		printf("%ld messages\n", count);
		return 0;
	}
	print_result("codec_decode_validate", rate(NULL, seconds, &m), "msgs/s",
	    "all", seconds);
	for (i = 0; per_type && i < NSAMPLES; i++)
		print_result("codec_decode_validate_type",
		    rate(&samples[i], seconds / 4, &m), "msgs/s",
		    samples[i].name, seconds / 4);
	return 0;
}
