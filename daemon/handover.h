/*
 * Graceful restart: the state one l2tpv3d hands to the next (a freshly
 * executed binary, perhaps a newer build), and its byte format.  This
 * file and handover.c are pure: no I/O, no daemon objects; tunnel.c
 * fills and applies the structs, l2tpv3d.c moves the bytes (a memfd).
 *
 * Format: the magic "L2TPHOVR", a format version (u32), then the
 * records in a fixed order, integers big-endian, every count bounded.
 * A reader that meets another version refuses the whole state with a
 * message: it never guesses at a layout it does not know.  Bump
 * HO_VERSION on any change of layout or meaning.
 */
#ifndef L2TP_DAEMON_HANDOVER_H
#define L2TP_DAEMON_HANDOVER_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/reliable.h"
#include "proto/buf.h"

#define HO_MAGIC "L2TPHOVR"
#define HO_MAGIC_LEN 8
#define HO_VERSION 2
#define HO_NAME_MAX 64
#define HO_TEXT_MAX 64
#define HO_NONCE_MAX 64
#define HO_COOKIE_MAX 8
#define HO_IFNAME_MAX 16
#define HO_PATH_MAX 108
#define HO_NCTR_MAX 128 /* counters per tunnel */
#define HO_MSGS_MAX 32768 /* queued messages per tunnel */
#define HO_MSG_LEN_MAX 65535
#define HO_CTL_MAX 2

struct ho_session {
	char name[HO_NAME_MAX]; /* its configured name */
	uint32_t local_id;
	uint32_t remote_id;
	uint32_t call_serial;
	uint64_t tie_breaker;
	int64_t up_since; /* monotonic seconds */
	uint8_t state; /* enum ss_state */
	uint8_t initiator, cisco, remote_down, local_down, peer_seq;
	uint8_t l2ss_default, dp_up;
	uint16_t peer_mtu;
	uint32_t sli_received, sli_sent, wen_received;
	uint8_t local_cookie_len;
	uint8_t local_cookie[HO_COOKIE_MAX];
	uint8_t peer_cookie_len;
	uint8_t peer_cookie[HO_COOKIE_MAX];
	char ifname[HO_IFNAME_MAX];
};

struct ho_msg {
	/* Borrowed in the streaming writer and reader (the reliable
	 * layer's bytes, the decoded buffer's); malloc'd in a whole state
	 * (ho_decode's, or a caller's for ho_state_free). */
	const uint8_t *data;
	size_t len;
};

struct ho_tunnel {
	char name[HO_NAME_MAX];
	uint32_t local_ccid;
	uint32_t peer_ccid;
	uint64_t tie_breaker;
	uint8_t state; /* enum cc_state */
	uint8_t kind; /* enum tp_kind */
	uint8_t encap; /* enum l2tp_encap: the configuration's */
	uint8_t framing; /* enum l2tp_encap: how proto/ reads it */
	uint8_t initiator, cisco, dp_up;
	int32_t fd; /* its socket, passed by exec; -1: none */
	struct sockaddr_storage local;
	struct sockaddr_storage peer;
	uint16_t peer_rws;
	uint32_t peer_router_id;
	char peer_hostname[HO_TEXT_MAX];
	char peer_vendor[HO_TEXT_MAX];
	uint8_t digest; /* enum l2tp_digest_alg */
	uint8_t local_nonce_len;
	uint8_t local_nonce[HO_NONCE_MAX];
	uint8_t peer_nonce_len;
	uint8_t peer_nonce[HO_NONCE_MAX];
	int64_t up_since; /* monotonic seconds */
	uint64_t hello_deadline; /* monotonic ms; 0: none */
	struct rl_snapshot rl;
	size_t nmsgs;
	struct ho_msg *msgs; /* the send queue, oldest first */
	size_t nctr;
	uint64_t ctr[HO_NCTR_MAX];
	size_t nsessions;
	struct ho_session *sessions;
	/* Not encoded: what msgs and sessions hold room for (a struct
	 * reused from one tunnel to the next, ho_tunnel_reserve()). */
	size_t msgs_cap;
	size_t sessions_cap;
};

struct ho_listener {
	uint8_t encap; /* enum l2tp_encap */
	uint8_t kind; /* enum tp_kind */
	int32_t fd;
	struct sockaddr_storage addr;
};

struct ho_ctl {
	char path[HO_PATH_MAX];
	int32_t fd;
};

struct ho_state {
	uint32_t version; /* written: HO_VERSION unless a test says */
	int32_t pid_fd; /* the locked pid file, or -1 */
	int32_t ctl_lock_fd; /* the control socket's lock, or -1 */
	int32_t metrics_fd; /* metrics-listen's socket, or -1 (version 2) */
	size_t nctl;
	struct ho_ctl ctl[HO_CTL_MAX];
	size_t nlisteners;
	struct ho_listener *listeners;
	size_t ntunnels;
	struct ho_tunnel *tunnels;
};

/*
 * Streaming, one tunnel at a time (what a graceful restart does: no
 * whole state is built on either side).  The writer: the head (st less
 * its tunnels: version, descriptors, control sockets, listeners), then
 * each tunnel, then the count of tunnels patched in; the bytes are
 * those of ho_encode() (which is written with it).  The reader: the
 * head into a state of its own (tunnels NULL), then each tunnel into one
 * reused struct (its messages pointing into buf), the descriptors
 * passed put in place of the ones the state names as it goes.
 */
struct ho_writer {
	struct wbuf w;
	size_t count_off; /* where the tunnel count goes */
	size_t ntunnels; /* written so far */
	size_t in_flight; /* their unacknowledged messages (for the log) */
};
void ho_write_begin(
    struct ho_writer *, uint8_t *buf, size_t cap, const struct ho_state *head);
void ho_write_tunnel(struct ho_writer *, const struct ho_tunnel *);
/* 0 and the length, or -1 when it did not fit in cap. */
int ho_write_end(struct ho_writer *, size_t *len);
/* Upper bounds of the bytes: the head (st's tunnels not counted), and
 * one tunnel with n sessions whose send queue holds msg_bytes (each
 * message's length plus at least 4: rl_memory() is such a bound). */
size_t ho_head_bound(const struct ho_state *head);
size_t ho_tunnel_bound(size_t nsessions, size_t msg_bytes);
/* Room in t for nmsgs messages and nsessions sessions (kept, grown);
 * -1 when out of memory.  ho_tunnel_release() frees the arrays, not
 * the messages (borrowed). */
int ho_tunnel_reserve(struct ho_tunnel *t, size_t nmsgs, size_t nsessions);
void ho_tunnel_release(struct ho_tunnel *t);

struct ho_rd { /* private to handover.c */
	struct rbuf r;
	int bad;
};
struct ho_reader {
	struct ho_rd d;
	size_t ntunnels; /* the count the state announces */
	size_t nread; /* read so far */
	const int32_t *fds; /* the tunnels' descriptors passed, in order */
	size_t nfds, fd_next;
	struct ho_tunnel t; /* the tunnel read last */
};
/* Magic, version and head: 0, or -1 with the reason in err (a version
 * mismatch says both versions) and nothing to free.  head as from
 * ho_decode() with no tunnels: ho_state_free() it. */
int ho_read_begin(struct ho_reader *, const uint8_t *buf, size_t len,
    struct ho_state *head, char *err, size_t errlen);
/* The descriptors received for the tunnels (after the head's, in
 * ho_state_fds() order); without it the state's numbers are left. */
void ho_read_fds(struct ho_reader *, const int32_t *fds, size_t n);
/* 1 and the next tunnel in *t (valid until the next call), 0 at the end
 * (no byte and no descriptor left over), -1 with err. */
int ho_read_tunnel(
    struct ho_reader *, struct ho_tunnel **t, char *err, size_t errlen);
void ho_read_free(struct ho_reader *);

/* Bytes of st in a malloc'd buffer (*out, *len); -1 when out of memory. */
int ho_encode(const struct ho_state *st, uint8_t **out, size_t *len);
/* At least the bytes st takes, and st into buf (cap bytes): 0, or -1
 * when it does not fit.  Writes straight into a mapped memfd. */
size_t ho_encode_bound(const struct ho_state *st);
int
ho_encode_to(const struct ho_state *st, uint8_t *buf, size_t cap, size_t *len);
/* st from bytes; on failure -1 with the reason in err (a version
 * mismatch says both versions), and st holds nothing to free. */
int ho_decode(const uint8_t *buf, size_t len, struct ho_state *st, char *err,
    size_t errlen);
/* Frees what ho_decode (or a caller filling st) allocated. */
void ho_state_free(struct ho_state *st);
/*
 * The descriptors st names, in one fixed order (the pid file, the
 * control socket's lock, metrics-listen, the control sockets, the
 * listeners, the tunnels; -1 entries left out): pointers to them in
 * out, at most max, and how many there are.  The old process sends them
 * in this order, the new one puts what it received back in their place.
 */
/* At most this many descriptors are passed (the state's own limits). */
#define HO_FDS_MAX ((1 << 20) + 2048)
size_t ho_state_fds(struct ho_state *st, int32_t **out, size_t max);

#endif
