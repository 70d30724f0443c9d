/*
 * The control socket's framing, shared by l2tpv3d and l2tpsh.
 *
 * Every frame: u32 length of what follows the 8-byte header, u16 protocol
 * version (CTL_VERSION), u16 frame type; all big-endian.  A client sends
 * CTL_REQUEST frames whose payload is one command line ("show tunnel
 * json").  The daemon answers each with zero or more CTL_DATA frames
 * (output text, streamed in chunks) and one CTL_END frame whose payload is
 * u32 status (0 = success) then an optional message.  A frame with a
 * version the peer does not speak gets CTL_END with CTL_STATUS_VERSION.
 *
 * An interactive client also asks, on the same connection and answered
 * the same way (DATA frames, then END):
 *   CTL_COMPLETE  payload: a partial line.  The words that may replace
 *                 its last word (nothing when it ends in a space), one a
 *                 line: keywords and live names.
 *   CTL_DESCRIBE  payload: a partial line (`?`).  What may come next,
 *                 "TOKEN<TAB>HELP" a line, "<cr>" when it is complete.
 *   CTL_STATE     no payload.  The connection's CLI state, "key=value"
 *                 a line: prompt, node, pager.
 * A daemon that predates them answers "unexpected frame type" and closes
 * the connection, so the version stays 1.
 */
#ifndef L2TP_PROTO_CTLPROTO_H
#define L2TP_PROTO_CTLPROTO_H

#include <stddef.h>
#include <stdint.h>

#include "proto/buf.h"

#define CTL_VERSION 1
#define CTL_HDR_LEN 8
#define CTL_MAX_PAYLOAD (64 * 1024)
/* Where l2tpv3d listens and l2tpsh connects unless told otherwise. */
#define CTL_SOCKET_DEFAULT RUNSTATEDIR "/l2tpv3d/l2tpv3d.sock"

enum ctl_frame_type {
	CTL_REQUEST = 1,
	CTL_DATA = 2,
	CTL_END = 3,
	CTL_COMPLETE = 4,
	CTL_DESCRIBE = 5,
	CTL_STATE = 6,
};

enum ctl_status {
	CTL_STATUS_OK = 0,
	CTL_STATUS_ERROR = 1, /* the command failed */
	CTL_STATUS_UNKNOWN = 2, /* no such command */
	CTL_STATUS_DENIED = 3, /* not allowed on this socket */
	CTL_STATUS_VERSION = 4,
	CTL_STATUS_INCOMPLETE = 5, /* command needs more words */
};

struct ctl_frame_hdr {
	uint32_t len;
	uint16_t version;
	uint16_t type;
};

int ctl_put_hdr(struct wbuf *, uint16_t type, uint32_t payload_len);
/* 0 and *hdr filled when CTL_HDR_LEN bytes are there; -1 if short. */
int ctl_get_hdr(struct rbuf *, struct ctl_frame_hdr *);
int ctl_put_end(struct wbuf *, uint32_t status, const char *message);
/* Read the status of a CTL_END payload; the reader is left at the message
 * (which may be empty).  -1 if the payload is shorter than the status. */
int ctl_get_end(struct rbuf *, uint32_t *status);
/* A short text for a status, for answers that carry no message. */
const char *ctl_status_str(uint32_t status);

#endif
