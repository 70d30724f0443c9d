/*
 * Data packet headers: encode and decode tables over raw bytes for both
 * encapsulations, every cookie length and both sublayers, plus the
 * malformed cases (short, control bit, wrong version, zero Session ID).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "proto/data.h"

struct data_case {
	const char *name;
	enum l2tp_encap encap;
	struct l2tp_data_hdr hdr;
	uint8_t wire[24];
	size_t wire_len;
};

#define COOKIE4 \
	{ \
		0xde, 0xad, 0xbe, 0xef \
	}
#define COOKIE8 \
	{ \
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef \
	}

static const struct data_case cases[] = {
	{ "udp, no cookie, no sublayer", L2TP_ENCAP_UDP,
	    { 0x0000abcd, 0, { 0 }, L2TP_L2SS_NONE, 0, 0 },
	    { 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0xab, 0xcd }, 8 },
	{ "udp, cookie 4, sequenced", L2TP_ENCAP_UDP,
	    { 0x12345678, 4, COOKIE4, L2TP_L2SS_DEFAULT, 1, 0x123456 },
	    { 0x00, 0x03, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78, 0xde, 0xad, 0xbe,
		0xef, 0x40, 0x12, 0x34, 0x56 },
	    16 },
	{ "udp, cookie 8, sublayer without S", L2TP_ENCAP_UDP,
	    { 0xffffffff, 8, COOKIE8, L2TP_L2SS_DEFAULT, 0, 0 },
	    { 0x00, 0x03, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x01, 0x23, 0x45,
		0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x00, 0x00, 0x00 },
	    20 },
	{ "udp, cookie 8, no sublayer", L2TP_ENCAP_UDP,
	    { 0x00000001, 8, COOKIE8, L2TP_L2SS_NONE, 0, 0 },
	    { 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x23, 0x45,
		0x67, 0x89, 0xab, 0xcd, 0xef },
	    16 },
	{ "ip, no cookie, sequence 0", L2TP_ENCAP_IP,
	    { 0x00000001, 0, { 0 }, L2TP_L2SS_DEFAULT, 1, 0 },
	    { 0x00, 0x00, 0x00, 0x01, 0x40, 0x00, 0x00, 0x00 }, 8 },
	{ "ip, cookie 4, no sublayer", L2TP_ENCAP_IP,
	    { 0xcafe0001, 4, COOKIE4, L2TP_L2SS_NONE, 0, 0 },
	    { 0xca, 0xfe, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef }, 8 },
	{ "ip, cookie 8, max sequence", L2TP_ENCAP_IP,
	    { 0x80000000, 8, COOKIE8, L2TP_L2SS_DEFAULT, 1, 0xffffff },
	    { 0x80, 0x00, 0x00, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd,
		0xef, 0x40, 0xff, 0xff, 0xff },
	    16 },
	{ "ip, no cookie, no sublayer", L2TP_ENCAP_IP,
	    { 0x00000007, 0, { 0 }, L2TP_L2SS_NONE, 0, 0 },
	    { 0x00, 0x00, 0x00, 0x07 }, 4 },
};

static void
assert_hdr_equal(const struct l2tp_data_hdr *a, const struct l2tp_data_hdr *b)
{
	assert_int_equal(a->session_id, b->session_id);
	assert_int_equal(a->cookie_len, b->cookie_len);
	assert_memory_equal(a->cookie, b->cookie, a->cookie_len);
	assert_int_equal(a->l2ss, b->l2ss);
	assert_int_equal(a->seq_valid, b->seq_valid);
	assert_int_equal(a->seq, b->seq);
}

static void
test_encode_table(void **state)
{
	uint8_t out[64];
	struct wbuf w;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("%s\n", cases[i].name);
		wbuf_init(&w, out, sizeof(out));
		assert_int_equal(
		    l2tp_data_encode(&w, cases[i].encap, &cases[i].hdr), 0);
		assert_int_equal(wbuf_len(&w), cases[i].wire_len);
		assert_memory_equal(out, cases[i].wire, cases[i].wire_len);
	}
}

static void
test_decode_table(void **state)
{
	struct l2tp_data_hdr h;
	uint8_t pkt[64];
	struct wbuf w;
	size_t i, off, n;
	uint32_t sid;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct data_case *c = &cases[i];

		print_message("%s\n", c->name);
		/* A payload after the header must be left alone. */
		n = c->wire_len;
		wbuf_init(&w, pkt, sizeof(pkt));
		wbuf_put_bytes(&w, c->wire, n);
		wbuf_put_bytes(&w, "\xaa\xbb\xcc", 3);
		assert_int_equal(l2tp_data_decode(pkt, wbuf_len(&w), c->encap,
				     c->hdr.cookie_len, c->hdr.l2ss, &h, &off),
		    0);
		assert_hdr_equal(&h, &c->hdr);
		assert_int_equal(off, n);
		assert_int_equal(
		    l2tp_data_session_id(pkt, n, c->encap, &sid), 0);
		assert_int_equal(sid, c->hdr.session_id);
	}
}

/* Every prefix shorter than the full header is refused. */
static void
test_decode_short(void **state)
{
	struct l2tp_data_hdr h;
	size_t i, n, off;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct data_case *c = &cases[i];

		for (n = 0; n < c->wire_len; n++) {
			off = 12345;
			assert_int_equal(
			    l2tp_data_decode(c->wire, n, c->encap,
				c->hdr.cookie_len, c->hdr.l2ss, &h, &off),
			    -1);
			assert_int_equal(off, 12345);
		}
	}
	assert_int_equal(
	    l2tp_data_decode(NULL, 0, L2TP_ENCAP_IP, 0, 0, &h, &off), -1);
}

struct bad_case {
	const char *name;
	enum l2tp_encap encap;
	uint8_t cookie_len;
	uint8_t l2ss;
	uint8_t wire[16];
	size_t wire_len;
};

static const struct bad_case bad_cases[] = {
	{ "udp control bit", L2TP_ENCAP_UDP, 0, 0,
	    { 0x80, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 }, 8 },
	{ "udp version 2", L2TP_ENCAP_UDP, 0, 0,
	    { 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 }, 8 },
	{ "udp version 0", L2TP_ENCAP_UDP, 0, 0,
	    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 }, 8 },
	{ "udp session 0", L2TP_ENCAP_UDP, 0, 0,
	    { 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, 8 },
	{ "ip session 0 (a control message)", L2TP_ENCAP_IP, 0, 0,
	    { 0x00, 0x00, 0x00, 0x00, 0xc8, 0x03, 0x00, 0x0c }, 8 },
	{ "cookie length 3", L2TP_ENCAP_IP, 3, 0,
	    { 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04 }, 8 },
	{ "cookie length 16", L2TP_ENCAP_IP, 16, 0,
	    { 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04 }, 8 },
	{ "unknown sublayer", L2TP_ENCAP_IP, 0, 2,
	    { 0x00, 0x00, 0x00, 0x01, 0x40, 0x00, 0x00, 0x01 }, 8 },
	{ "unknown encap", (enum l2tp_encap)7, 0, 0,
	    { 0x00, 0x00, 0x00, 0x01, 0x40, 0x00, 0x00, 0x01 }, 8 },
};

static void
test_decode_bad(void **state)
{
	struct l2tp_data_hdr h;
	uint32_t sid;
	size_t i, off;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		print_message("%s\n", c->name);
		assert_int_equal(
		    l2tp_data_decode(c->wire, c->wire_len, c->encap,
			c->cookie_len, c->l2ss, &h, &off),
		    -1);
	}
	/* The Session ID alone: control bit and zero are not data. */
	assert_int_equal(
	    l2tp_data_session_id(bad_cases[0].wire, 8, L2TP_ENCAP_UDP, &sid),
	    -1);
	assert_int_equal(
	    l2tp_data_session_id(bad_cases[4].wire, 8, L2TP_ENCAP_IP, &sid),
	    -1);
	assert_int_equal(
	    l2tp_data_session_id(bad_cases[4].wire, 3, L2TP_ENCAP_IP, &sid),
	    -1);
}

/* Reserved bits are ignored on receipt (as the kernel does); without the S
 * bit the sequence field means nothing and reads as 0. */
static void
test_decode_lenient(void **state)
{
	static const uint8_t udp_reserved[] = { 0x7f, 0xf3, 0xff, 0xff, 0x00,
		0x00, 0x00, 0x05, 0xbf, 0x12, 0x34, 0x56 };
	struct l2tp_data_hdr h;
	size_t off;

	(void)state;
	assert_int_equal(l2tp_data_decode(udp_reserved, sizeof(udp_reserved),
			     L2TP_ENCAP_UDP, 0, L2TP_L2SS_DEFAULT, &h, &off),
	    0);
	assert_int_equal(h.session_id, 5);
	assert_int_equal(h.seq_valid, 0);
	assert_int_equal(h.seq, 0);
	assert_int_equal(off, sizeof(udp_reserved));
}

static void
test_encode_bad(void **state)
{
	struct l2tp_data_hdr h = { 1, 4, COOKIE4, L2TP_L2SS_DEFAULT, 1, 1 };
	uint8_t out[32];
	struct wbuf w;

	(void)state;
	wbuf_init(&w, out, sizeof(out));
	h.session_id = 0;
	assert_int_equal(l2tp_data_encode(&w, L2TP_ENCAP_IP, &h), -1);
	h.session_id = 1;
	h.cookie_len = 5;
	assert_int_equal(l2tp_data_encode(&w, L2TP_ENCAP_IP, &h), -1);
	h.cookie_len = 4;
	h.seq = L2TP_L2SS_SEQ_MASK + 1;
	assert_int_equal(l2tp_data_encode(&w, L2TP_ENCAP_UDP, &h), -1);
	h.seq = 1;
	h.l2ss = 9;
	assert_int_equal(l2tp_data_encode(&w, L2TP_ENCAP_UDP, &h), -1);
	assert_int_equal(wbuf_len(&w), 0);

	/* Too small: nothing half-written is left behind. */
	h.l2ss = L2TP_L2SS_DEFAULT;
	wbuf_init(&w, out, 15);
	assert_int_equal(wbuf_put_u8(&w, 0x99), 0);
	assert_int_equal(l2tp_data_encode(&w, L2TP_ENCAP_UDP, &h), -1);
	assert_int_equal(wbuf_len(&w), 1);
	assert_true(wbuf_ok(&w));
	assert_int_equal(l2tp_data_encode(&w, L2TP_ENCAP_IP, &h), 0);
	assert_int_equal(wbuf_len(&w), 13);
}

/* Encode then decode gives the same header for every combination. */
static void
test_round_trip(void **state)
{
	static const uint8_t cookie_lens[] = { 0, 4, 8 };
	struct l2tp_data_hdr in, out;
	uint8_t pkt[32];
	struct wbuf w;
	size_t off;
	int encap, ci, l2ss, s;

	(void)state;
	for (encap = 0; encap <= 1; encap++)
		for (ci = 0; ci < 3; ci++)
			for (l2ss = 0; l2ss <= 1; l2ss++)
				for (s = 0; s <= 1; s++) {
					memset(&in, 0, sizeof(in));
					in.session_id = 0x01020304;
					in.cookie_len = cookie_lens[ci];
					memset(in.cookie, 0x5a, in.cookie_len);
					in.l2ss = (uint8_t)l2ss;
					in.seq_valid = (uint8_t)(l2ss && s);
					in.seq = in.seq_valid ? 0xabcdef : 0;
					wbuf_init(&w, pkt, sizeof(pkt));
					assert_int_equal(
					    l2tp_data_encode(&w, encap, &in),
					    0);
					assert_int_equal(
					    l2tp_data_decode(pkt, wbuf_len(&w),
						encap, in.cookie_len, in.l2ss,
						&out, &off),
					    0);
					assert_hdr_equal(&out, &in);
					assert_int_equal(off, wbuf_len(&w));
				}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_table),
		cmocka_unit_test(test_decode_table),
		cmocka_unit_test(test_decode_short),
		cmocka_unit_test(test_decode_bad),
		cmocka_unit_test(test_decode_lenient),
		cmocka_unit_test(test_encode_bad),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
