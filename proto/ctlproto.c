/*
 * Control-socket framing (see ctlproto.h).
 */
#include <string.h>

#include "proto/ctlproto.h"

int
ctl_put_hdr(struct wbuf *w, uint16_t type, uint32_t payload_len)
{
	wbuf_put_u32(w, payload_len);
	wbuf_put_u16(w, CTL_VERSION);
	wbuf_put_u16(w, type);
	return wbuf_ok(w) ? 0 : -1;
}

int
ctl_get_hdr(struct rbuf *r, struct ctl_frame_hdr *h)
{
	if (rbuf_left(r) < CTL_HDR_LEN)
		return -1;
	rbuf_get_u32(r, &h->len);
	rbuf_get_u16(r, &h->version);
	rbuf_get_u16(r, &h->type);
	return 0;
}

int
ctl_put_end(struct wbuf *w, uint32_t status, const char *message)
{
	size_t mlen = message == NULL ? 0 : strlen(message);

	if (mlen > CTL_MAX_PAYLOAD - 4)
		mlen = CTL_MAX_PAYLOAD - 4;
	ctl_put_hdr(w, CTL_END, (uint32_t)(4 + mlen));
	wbuf_put_u32(w, status);
	wbuf_put_bytes(w, message, mlen);
	return wbuf_ok(w) ? 0 : -1;
}

int
ctl_get_end(struct rbuf *r, uint32_t *status)
{
	return rbuf_get_u32(r, status);
}

const char *
ctl_status_str(uint32_t status)
{
	static const char *const names[] = {
		[CTL_STATUS_OK] = "ok",
		[CTL_STATUS_ERROR] = "command failed",
		[CTL_STATUS_UNKNOWN] = "unknown command",
		[CTL_STATUS_DENIED] = "permission denied",
		[CTL_STATUS_VERSION] = "unsupported protocol version",
		[CTL_STATUS_INCOMPLETE] = "incomplete command",
	};

	if (status >= sizeof(names) / sizeof(names[0]))
		return "unknown status";
	return names[status];
}
