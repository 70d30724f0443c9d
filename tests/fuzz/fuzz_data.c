/*
 * Fuzz target for the data-packet header decoder.
 *
 * The first input byte picks the encapsulation (bit 0: IP, else UDP); the
 * rest is the packet.  It is decoded with every cookie length and both
 * sublayer settings (the header does not say which the session uses);
 * each header that decodes is encoded again, and that must decode to the
 * same header, exactly as long as the original's payload offset says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/buf.h"
#include "proto/data.h"
#include "proto/l2tp.h"
#include "proto/msg.h"
#include "tests/fuzz/fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* UDP word + Session ID + the largest cookie + sublayer, with slack. */
#define HDR_CAP 64

static void
check_same(const struct l2tp_data_hdr *a, const struct l2tp_data_hdr *b)
{
	CHECK(a->session_id == b->session_id);
	CHECK(a->cookie_len == b->cookie_len);
	CHECK(memcmp(a->cookie, b->cookie, a->cookie_len) == 0);
	CHECK(a->l2ss == b->l2ss);
	if (a->l2ss == L2TP_L2SS_DEFAULT) {
		CHECK(a->seq_valid == b->seq_valid);
		CHECK(a->seq == b->seq);
	}
}

static void
check_one(const uint8_t *pkt, size_t len, enum l2tp_encap encap,
    uint8_t cookie_len, uint8_t l2ss)
{
	struct l2tp_data_hdr h, again;
	uint8_t buf[HDR_CAP];
	struct wbuf w;
	size_t off, off2;
	uint32_t sid;

	memset(&h, 0, sizeof(h));
	if (l2tp_data_decode(pkt, len, encap, cookie_len, l2ss, &h, &off) == -1)
		return;
	CHECK(off <= len);
	CHECK(h.cookie_len == cookie_len && h.l2ss == l2ss);
	CHECK(h.seq <= L2TP_L2SS_SEQ_MASK);
	CHECK(l2tp_data_session_id(pkt, len, encap, &sid) == 0);
	CHECK(sid == h.session_id);
	CHECK(l2tp_classify(pkt, len, encap) == L2TP_PKT_DATA);

	wbuf_init(&w, buf, sizeof(buf));
	CHECK(l2tp_data_encode(&w, encap, &h) == 0 && wbuf_ok(&w));
	CHECK(wbuf_len(&w) == off);
	memset(&again, 0, sizeof(again));
	CHECK(l2tp_data_decode(buf, wbuf_len(&w), encap, cookie_len, l2ss,
		  &again, &off2) == 0);
	CHECK(off2 == off);
	check_same(&h, &again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t cookie_lens[] = { 0, 4, 8 };
	enum l2tp_encap encap;
	const uint8_t *pkt;
	struct rbuf r;
	uint32_t sid;
	uint8_t sel;
	size_t len, i;

	rbuf_init(&r, data, size);
	if (rbuf_get_u8(&r, &sel) == -1)
		return 0;
	encap = (sel & 1) ? L2TP_ENCAP_IP : L2TP_ENCAP_UDP;
	len = rbuf_left(&r);
	if (rbuf_view(&r, len, &pkt) == -1)
		return 0;
	(void)l2tp_data_session_id(pkt, len, encap, &sid);
	for (i = 0; i < sizeof(cookie_lens); i++) {
		check_one(pkt, len, encap, cookie_lens[i], L2TP_L2SS_NONE);
		check_one(pkt, len, encap, cookie_lens[i], L2TP_L2SS_DEFAULT);
	}
	return 0;
}
