/*
 * Sockets.  Listeners receive SCCRQs (and anything else that reaches the
 * port); every tunnel then gets a socket of its own, connected to its
 * peer, because the kernel dataplane attaches to exactly that socket.
 *
 * Three kinds of socket carry control messages:
 *   UDP      port 1701 (or configured); messages as on the wire.
 *   L2TPIP   the kernel's IPPROTO_L2TP socket: it strips the 4-byte zero
 *            Session ID on receive and adds it on send, so proto/ sees
 *            the UDP framing.
 *   RAWIP    a raw socket for protocol 115, used when the kernel has no
 *            L2TP/IP: IPv4 datagrams arrive with their IP header (skipped
 *            here), and proto/ sees the Session ID (IP framing).  Raw
 *            sockets see every protocol-115 datagram, so tunnels share the
 *            listener's socket instead of opening their own.
 */
#ifndef L2TP_DAEMON_TRANSPORT_H
#define L2TP_DAEMON_TRANSPORT_H

#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "daemon/addr.h"
#include "proto/msg.h"

enum tp_kind {
	TP_UDP,
	TP_L2TPIP,
	TP_RAWIP,
};

struct tp_listener;

/* One received datagram, as the input callback sees it. */
struct tp_packet {
	const uint8_t *data; /* the L2TP bytes */
	size_t len;
	enum l2tp_encap framing; /* how proto/ must read data */
	enum l2tp_encap encap; /* what the wire carried */
	struct sockaddr_storage peer; /* source (with port for UDP) */
	struct sockaddr_storage local; /* destination (with our port) */
	struct tp_listener *via; /* listener it came on, or NULL */
};

typedef void (*tp_input_cb)(struct tp_packet *, void *arg);

/* Listen on addr (port included for UDP) with the given encapsulation;
 * for IP, the kernel's L2TP/IP socket when available, else a raw one.
 * NULL (with a log line) on failure. */
/* Listeners are opened as this user from now on (-1: as we are): the
 * one the engine runs as after dropping root (l2tpv3d.c). */
void tp_set_owner(uid_t);
struct tp_listener *tp_listen(struct event_base *,
    const struct sockaddr_storage *, enum l2tp_encap, tp_input_cb, void *);
void tp_listener_close(struct tp_listener *);
/* Graceful restart: a listener socket the previous process passed
 * (tp_listen() of that address takes it instead of opening one); the
 * ones nothing took are closed by tp_inherited_close().  A listener's
 * socket, and reading from it paused or not. */
int tp_inherit(
    const struct sockaddr_storage *, enum l2tp_encap, enum tp_kind, int fd);
void tp_inherited_close(void);
int tp_listener_fd(const struct tp_listener *);
void tp_listener_pause(struct tp_listener *, int paused);
/* Ask for a receive buffer of size bytes on any socket (past rmem_max
 * when we may): listeners and the link-event socket take bursts. */
void tp_set_rcvbuf(int fd, int size);
enum tp_kind tp_listener_kind(const struct tp_listener *);
int tp_listener_family(const struct tp_listener *);
enum l2tp_encap tp_listener_encap(const struct tp_listener *);
const struct sockaddr_storage *tp_listener_addr(const struct tp_listener *);
/* Send through a listener (unconnected): to `to`, from `from`'s address
 * when it is given (so replies leave from the address that was asked). */
int tp_listener_send(struct tp_listener *, const void *, size_t,
    const struct sockaddr_storage *to, const struct sockaddr_storage *from);

/* A tunnel's own socket: bound to local (port included), connected to
 * peer.  For L2TPIP the connection IDs are bound too.  -1 on failure. */
int tp_tunnel_socket(enum tp_kind, const struct sockaddr_storage *local,
    const struct sockaddr_storage *peer, uint32_t local_ccid,
    uint32_t peer_ccid);
/* Read up to a batch of datagrams from fd and hand each to cb. */
void tp_read(int fd, enum tp_kind, int family, tp_input_cb, void *arg,
    struct tp_listener *via);
/* Send on a connected socket. */
int tp_send(int fd, const void *, size_t);

/* The source address the routing table picks toward peer (port 0). */
int tp_route_source(
    const struct sockaddr_storage *peer, struct sockaddr_storage *local);

#endif
