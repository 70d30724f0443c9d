/*
 * Data packet headers (RFC 3931), laid out as the Linux kernel builds and
 * parses them (net/l2tp/l2tp_core.c):
 *
 *   UDP:  u16 flags (T=0, version 3) | u16 reserved 0 | u32 Session ID
 *   IP:   u32 Session ID (non-zero; zero means a control message)
 *   then: cookie (0, 4 or 8 bytes)
 *   then, with the default L2-Specific Sublayer:
 *         u32: bit 0x40000000 = S, low 24 bits = sequence number
 *
 * Over UDP the reserved bits are ignored on receipt, as the kernel does;
 * of the sublayer only S and the sequence are read.
 */
#include <string.h>

#include "proto/data.h"

#define L2TP_DATA_VERSION 3
#define L2TP_DATA_UDP_WORD 0x00030000u /* T=0, version 3, reserved 0 */

static int
cookie_len_ok(uint8_t len)
{
	return len == 0 || len == 4 || len == 8;
}

static int
l2ss_ok(uint8_t l2ss)
{
	return l2ss == L2TP_L2SS_NONE || l2ss == L2TP_L2SS_DEFAULT;
}

/* Everything up to and including the Session ID. */
static int
read_session_id(struct rbuf *r, enum l2tp_encap encap, uint32_t *sid)
{
	uint16_t flags;

	if (encap == L2TP_ENCAP_UDP) {
		if (rbuf_get_u16(r, &flags) == -1)
			return -1;
		if ((flags & L2TP_HDR_T) ||
		    (flags & L2TP_HDR_VER_MASK) != L2TP_DATA_VERSION)
			return -1;
		if (rbuf_skip(r, 2) == -1)
			return -1;
	} else if (encap != L2TP_ENCAP_IP)
		return -1;
	if (rbuf_get_u32(r, sid) == -1)
		return -1;
	/* Session ID 0 is never a data session (over IP it is control). */
	return *sid == 0 ? -1 : 0;
}

int
l2tp_data_session_id(
    const void *pkt, size_t len, enum l2tp_encap encap, uint32_t *session_id)
{
	struct rbuf r;

	rbuf_init(&r, pkt, len);
	return read_session_id(&r, encap, session_id);
}

static int
read_sublayer(struct rbuf *r, struct l2tp_data_hdr *h)
{
	uint32_t word;

	if (h->l2ss != L2TP_L2SS_DEFAULT)
		return 0;
	if (rbuf_get_u32(r, &word) == -1)
		return -1;
	h->seq_valid = (word & L2TP_L2SS_S_BIT) != 0;
	/* Without the S bit the sequence field is undefined; keep it 0. */
	h->seq = h->seq_valid ? word & L2TP_L2SS_SEQ_MASK : 0;
	return 0;
}

int
l2tp_data_decode(const void *pkt, size_t len, enum l2tp_encap encap,
    uint8_t cookie_len, uint8_t l2ss, struct l2tp_data_hdr *h,
    size_t *payload_off)
{
	struct rbuf r;

	memset(h, 0, sizeof(*h));
	if (!cookie_len_ok(cookie_len) || !l2ss_ok(l2ss))
		return -1;
	h->cookie_len = cookie_len;
	h->l2ss = l2ss;
	rbuf_init(&r, pkt, len);
	if (read_session_id(&r, encap, &h->session_id) == -1 ||
	    rbuf_get_bytes(&r, h->cookie, cookie_len) == -1 ||
	    read_sublayer(&r, h) == -1) {
		memset(h, 0, sizeof(*h));
		return -1;
	}
	*payload_off = rbuf_pos(&r);
	return 0;
}

static int
data_hdr_ok(enum l2tp_encap encap, const struct l2tp_data_hdr *h)
{
	if (encap != L2TP_ENCAP_UDP && encap != L2TP_ENCAP_IP)
		return 0;
	return h->session_id != 0 && cookie_len_ok(h->cookie_len) &&
	    l2ss_ok(h->l2ss) && h->seq <= L2TP_L2SS_SEQ_MASK;
}

int
l2tp_data_encode(
    struct wbuf *w, enum l2tp_encap encap, const struct l2tp_data_hdr *h)
{
	size_t start = wbuf_len(w);

	if (!wbuf_ok(w) || !data_hdr_ok(encap, h))
		return -1;
	if (encap == L2TP_ENCAP_UDP)
		wbuf_put_u32(w, L2TP_DATA_UDP_WORD);
	wbuf_put_u32(w, h->session_id);
	wbuf_put_bytes(w, h->cookie, h->cookie_len);
	if (h->l2ss == L2TP_L2SS_DEFAULT)
		wbuf_put_u32(w, h->seq_valid ? L2TP_L2SS_S_BIT | h->seq : 0);
	if (!wbuf_ok(w)) {
		wbuf_truncate(w, start);
		return -1;
	}
	return 0;
}
