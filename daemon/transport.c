/*
 * Sockets for control messages: listeners, per-tunnel connected sockets,
 * the receive loop and address helpers.  No protocol knowledge beyond
 * where the L2TP bytes start in what a socket returns.
 */
#include <config.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/l2tp.h>

#include <sys/fsuid.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/idtable.h"
#include "daemon/log.h"
#include "daemon/transport.h"
#include "proto/pktpeek.h"

#ifndef IPPROTO_L2TP
#define IPPROTO_L2TP 115
#endif

/* Datagrams read per wake-up of one socket, so a busy socket cannot
 * starve the others. */
#define TP_READ_BATCH 64
/*
 * Every SCCRQ arrives on a listener: a peer (or a reboot of one) opening
 * thousands of tunnels at once sends thousands in a burst.  The default
 * buffer (rmem_default, ~200 KiB: ~250 datagrams as the kernel counts
 * them) drops the rest and each drop costs a 1 s retransmission, so
 * listeners ask for enough for 10 000 SCCRQs (see docs/performance.md).
 */
#define TP_LISTEN_RCVBUF (8 * 1024 * 1024)
#define TP_MAX_DGRAM 65536

struct tp_listener {
	int fd;
	int family;
	enum tp_kind kind;
	enum l2tp_encap encap;
	struct sockaddr_storage addr;
	struct event *ev;
	tp_input_cb cb;
	void *arg;
};

static uint8_t rx_buf[TP_MAX_DGRAM];

static int
tp_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Ask for the destination address of every datagram, so a reply (and a
 * new tunnel's socket) uses the address the peer talked to. */
static void
tp_want_pktinfo(int fd, int family)
{
	int one = 1;

	if (family == AF_INET6)
		(void)setsockopt(
		    fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	else
		(void)setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
}

/* The kernel's L2TP/IP sockets name peers with sockaddr_l2tpip[6], which
 * carry the connection ID where sockaddr_in[6] has padding. */
static socklen_t
tp_to_l2tpip(const struct sockaddr_storage *ss, uint32_t ccid,
    struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	if (ss->ss_family == AF_INET6) {
		struct sockaddr_l2tpip6 *l6 = (struct sockaddr_l2tpip6 *)out;

		l6->l2tp_family = AF_INET6;
		l6->l2tp_addr = ((const struct sockaddr_in6 *)ss)->sin6_addr;
		l6->l2tp_scope_id =
		    ((const struct sockaddr_in6 *)ss)->sin6_scope_id;
		l6->l2tp_conn_id = ccid;
		return sizeof(*l6);
	} else {
		struct sockaddr_l2tpip *l4 = (struct sockaddr_l2tpip *)out;

		l4->l2tp_family = AF_INET;
		l4->l2tp_addr = ((const struct sockaddr_in *)ss)->sin_addr;
		l4->l2tp_conn_id = ccid;
		return sizeof(*l4);
	}
}

/* Back to a plain sockaddr (no port), whatever the socket kind wrote. */
static void
tp_from_name(const struct sockaddr_storage *name, enum tp_kind kind,
    struct sockaddr_storage *out)
{
	if (kind == TP_UDP) {
		*out = *name;
		return;
	}
	memset(out, 0, sizeof(*out));
	out->ss_family = name->ss_family;
	if (name->ss_family == AF_INET)
		((struct sockaddr_in *)out)->sin_addr =
		    ((const struct sockaddr_in *)name)->sin_addr;
	else if (name->ss_family == AF_INET6)
		((struct sockaddr_in6 *)out)->sin6_addr =
		    ((const struct sockaddr_in6 *)name)->sin6_addr;
}

static int
tp_open(int family, enum l2tp_encap encap, enum tp_kind *kind)
{
	int fd;

	if (encap == L2TP_ENCAP_UDP) {
		*kind = TP_UDP;
		return socket(family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	}
	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_L2TP);
	if (fd != -1) {
		*kind = TP_L2TPIP;
		return fd;
	}
	*kind = TP_RAWIP;
	return socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_L2TP);
}

static const char *
tp_kind_note(enum tp_kind kind)
{
	switch (kind) {
	case TP_RAWIP:
		return " (raw socket)";
	case TP_L2TPIP:
		return " (kernel L2TP/IP socket)";
	default:
		return "";
	}
}

/* SO_RCVBUFFORCE passes rmem_max when we have CAP_NET_ADMIN; without
 * it, SO_RCVBUF gets as much as rmem_max allows. */
void
tp_set_rcvbuf(int fd, int size)
{
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) ==
	    -1)
		(void)setsockopt(
		    fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static void
tp_listener_read(evutil_socket_t fd, short what, void *arg)
{
	struct tp_listener *l = arg;

	tp_read(fd, l->kind, l->family, l->cb, l->arg, l);
}

/* Who our sockets belong to: the user the engine runs as after it drops
 * root (priv.c), or -1 for whoever we are. */
static uid_t tp_owner = (uid_t)-1;

void
tp_set_owner(uid_t uid)
{
	tp_owner = uid;
}

/*
 * A listener is opened as the user our tunnel sockets will be opened as:
 * SO_REUSEPORT lets only sockets of one user share a port (the socket's
 * owner is the creator's filesystem uid), and the engine opens tunnel
 * sockets on the listener's port after dropping root.
 */
static int
tp_open_owned(int family, enum l2tp_encap encap, enum tp_kind *kind)
{
	int fd, saved;
	uid_t old;

	if (tp_owner == (uid_t)-1 || tp_owner == geteuid())
		return tp_open(family, encap, kind);
	old = (uid_t)setfsuid(tp_owner);
	fd = tp_open(family, encap, kind);
	saved = errno;
	(void)setfsuid(old);
	errno = saved;
	return fd;
}

/*
 * Graceful restart: listeners the previous process passed us, bound
 * and with their options set.  Binding anew would fail (the previous
 * process keeps its sockets until we are ready), so tp_listen() takes
 * one of these first.  Few: a linear search.
 */
#define TP_INHERIT_MAX 16
static struct {
	struct sockaddr_storage addr;
	enum l2tp_encap encap;
	enum tp_kind kind;
	int fd;
} tp_inh[TP_INHERIT_MAX];
static size_t tp_ninh;

int
tp_inherit(const struct sockaddr_storage *addr, enum l2tp_encap encap,
    enum tp_kind kind, int fd)
{
	if (tp_ninh == TP_INHERIT_MAX)
		return -1;
	tp_inh[tp_ninh].addr = *addr;
	tp_inh[tp_ninh].encap = encap;
	tp_inh[tp_ninh].kind = kind;
	tp_inh[tp_ninh].fd = fd;
	tp_ninh++;
	return 0;
}

static int
tp_inherited_take(const struct sockaddr_storage *addr, enum l2tp_encap encap,
    enum tp_kind *kind)
{
	size_t i;
	int fd;

	for (i = 0; i < tp_ninh; i++) {
		if (tp_inh[i].encap != encap ||
		    !addr_equal(&tp_inh[i].addr, addr) ||
		    (encap == L2TP_ENCAP_UDP &&
			addr_port(&tp_inh[i].addr) != addr_port(addr)))
			continue;
		fd = tp_inh[i].fd;
		*kind = tp_inh[i].kind;
		tp_inh[i] = tp_inh[--tp_ninh];
		return fd;
	}
	return -1;
}

void
tp_inherited_close(void)
{
	while (tp_ninh > 0)
		close(tp_inh[--tp_ninh].fd);
}

int
tp_listener_fd(const struct tp_listener *l)
{
	return l->fd;
}

void
tp_listener_pause(struct tp_listener *l, int paused)
{
	if (l->ev == NULL)
		return;
	if (paused)
		(void)event_del(l->ev);
	else
		(void)event_add(l->ev, NULL);
}

struct tp_listener *
tp_listen(struct event_base *base, const struct sockaddr_storage *addr,
    enum l2tp_encap encap, tp_input_cb cb, void *arg)
{
	struct tp_listener *l;
	struct sockaddr_storage name;
	socklen_t namelen = addr_len(addr);
	char abuf[INET6_ADDRSTRLEN];
	int one = 1;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->family = addr->ss_family;
	l->encap = encap;
	l->addr = *addr;
	l->cb = cb;
	l->arg = arg;
	if ((l->fd = tp_inherited_take(addr, encap, &l->kind)) != -1)
		goto watch; /* bound and set up by the previous process */
	l->fd = tp_open_owned(l->family, encap, &l->kind);
	if (l->fd == -1) {
		log_warn("socket for %s listener on %s",
		    encap == L2TP_ENCAP_UDP ? "UDP" : "IP/115",
		    addr_str(addr, abuf, sizeof(abuf)));
		free(l);
		return NULL;
	}
	if (l->family == AF_INET6)
		(void)setsockopt(
		    l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	tp_want_pktinfo(l->fd, l->family);
	tp_set_rcvbuf(l->fd, TP_LISTEN_RCVBUF);
	name = *addr;
	if (l->kind == TP_L2TPIP)
		namelen = tp_to_l2tpip(addr, 0, &name);
	else if (l->kind == TP_RAWIP)
		addr_set_port(&name, 0);
	if (tp_set_nonblock(l->fd) == -1 ||
	    bind(l->fd, (struct sockaddr *)&name, namelen) == -1) {
		if (errno == EADDRINUSE)
			log_warnx("bind %s port %u: in use by another process "
				  "(another l2tpv3d?)",
			    addr_str(addr, abuf, sizeof(abuf)),
			    addr_port(addr));
		else
			log_warn("bind %s port %u",
			    addr_str(addr, abuf, sizeof(abuf)),
			    addr_port(addr));
		close(l->fd);
		free(l);
		return NULL;
	}
	/*
	 * Bound without SO_REUSEADDR or SO_REUSEPORT, so the bind fails if
	 * anything else holds the port (a second daemon, a local process
	 * waiting for our SCCRQs).  SO_REUSEPORT set only now lets our own
	 * tunnel sockets share the port; the kernel lets only sockets of
	 * the same user join, so no other user can bind it after us, with
	 * or without SO_REUSEADDR, on this address or a more specific one.
	 */
	if (l->kind == TP_UDP &&
	    setsockopt(l->fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ==
		-1)
		log_warn("SO_REUSEPORT");
watch:
	l->ev =
	    event_new(base, l->fd, EV_READ | EV_PERSIST, tp_listener_read, l);
	/* The lowest priority when the loop has three (l2tpv3d.c): what
	 * floods in here waits for the tunnels' own work. */
	if (l->ev != NULL)
		(void)event_priority_set(l->ev, 2);
	if (l->ev == NULL || event_add(l->ev, NULL) == -1) {
		log_warnx("cannot watch listener socket");
		tp_listener_close(l);
		return NULL;
	}
	log_info("listening on %s %s %u%s", addr_str(addr, abuf, sizeof(abuf)),
	    encap == L2TP_ENCAP_UDP ? "UDP port" : "IP protocol",
	    encap == L2TP_ENCAP_UDP ? addr_port(addr) : L2TP_IP_PROTO,
	    tp_kind_note(l->kind));
	return l;
}

void
tp_listener_close(struct tp_listener *l)
{
	if (l == NULL)
		return;
	if (l->ev != NULL)
		event_free(l->ev);
	close(l->fd);
	free(l);
}

enum tp_kind
tp_listener_kind(const struct tp_listener *l)
{
	return l->kind;
}

int
tp_listener_family(const struct tp_listener *l)
{
	return l->family;
}

enum l2tp_encap
tp_listener_encap(const struct tp_listener *l)
{
	return l->encap;
}

const struct sockaddr_storage *
tp_listener_addr(const struct tp_listener *l)
{
	return &l->addr;
}

/* Put the source address in a control message so an unconnected socket
 * answers from the address it was asked on. */
static size_t
tp_put_src(struct msghdr *mh, void *cbuf, size_t cap,
    const struct sockaddr_storage *from)
{
	struct cmsghdr *cm;

	mh->msg_control = cbuf;
	mh->msg_controllen = cap;
	cm = CMSG_FIRSTHDR(mh);
	if (from->ss_family == AF_INET6) {
		struct in6_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		pi.ipi6_addr = ((const struct sockaddr_in6 *)from)->sin6_addr;
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		return CMSG_SPACE(sizeof(pi));
	} else {
		struct in_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = ((const struct sockaddr_in *)from)->sin_addr;
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		return CMSG_SPACE(sizeof(pi));
	}
}

int
tp_listener_send(struct tp_listener *l, const void *buf, size_t len,
    const struct sockaddr_storage *to, const struct sockaddr_storage *from)
{
	struct sockaddr_storage name = *to;
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf;
	struct iovec iov;
	struct msghdr mh;

	memset(&mh, 0, sizeof(mh));
	mh.msg_namelen = addr_len(to);
	if (l->kind == TP_L2TPIP)
		mh.msg_namelen = tp_to_l2tpip(to, 0, &name);
	else if (l->kind == TP_RAWIP)
		addr_set_port(&name, 0);
	mh.msg_name = &name;
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (from != NULL && from->ss_family == l->family &&
	    !addr_is_unspecified(from))
		mh.msg_controllen =
		    tp_put_src(&mh, cbuf.buf, sizeof(cbuf.buf), from);
	if (sendmsg(l->fd, &mh, 0) == -1) {
		if (errno != EAGAIN)
			log_warn("sendmsg");
		return -1;
	}
	return 0;
}

int
tp_tunnel_socket(enum tp_kind kind, const struct sockaddr_storage *local,
    const struct sockaddr_storage *peer, uint32_t local_ccid,
    uint32_t peer_ccid)
{
	struct sockaddr_storage lname, pname;
	socklen_t llen, plen;
	char abuf[INET6_ADDRSTRLEN];
	int fd, one = 1;

	if (kind == TP_RAWIP)
		return -1;
	fd = socket(local->ss_family, SOCK_DGRAM | SOCK_CLOEXEC,
	    kind == TP_UDP ? IPPROTO_UDP : IPPROTO_L2TP);
	if (fd == -1) {
		log_warn("tunnel socket");
		return -1;
	}
	lname = *local;
	pname = *peer;
	llen = plen = addr_len(local);
	if (kind == TP_L2TPIP) {
		llen = tp_to_l2tpip(local, local_ccid, &lname);
		plen = tp_to_l2tpip(peer, peer_ccid, &pname);
	}
	/* SO_REUSEPORT lets the tunnel share the listener's address and
	 * port (see tp_listen); being connected, it is preferred for its
	 * peer's datagrams. */
	if (kind == TP_UDP)
		(void)setsockopt(
		    fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (local->ss_family == AF_INET6)
		(void)setsockopt(
		    fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	tp_want_pktinfo(fd, local->ss_family);
	if (tp_set_nonblock(fd) == -1 ||
	    bind(fd, (struct sockaddr *)&lname, llen) == -1 ||
	    connect(fd, (struct sockaddr *)&pname, plen) == -1) {
		log_warn("tunnel socket %s -> %s",
		    addr_str(local, abuf, sizeof(abuf)),
		    addr_str(peer, abuf, sizeof(abuf)));
		close(fd);
		return -1;
	}
	return fd;
}

int
tp_send(int fd, const void *buf, size_t len)
{
	if (send(fd, buf, len, 0) == -1) {
		/* ECONNREFUSED: an ICMP error from an earlier datagram; the
		 * reliable layer retransmits, so only remember it quietly. */
		if (errno != EAGAIN && errno != ECONNREFUSED)
			log_warn("send");
		return -1;
	}
	return 0;
}

static void
tp_pktinfo_dst(struct msghdr *mh, struct sockaddr_storage *local)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_PKTINFO &&
		    local->ss_family == AF_INET) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			((struct sockaddr_in *)local)->sin_addr = pi.ipi_addr;
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_PKTINFO &&
		    local->ss_family == AF_INET6) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			((struct sockaddr_in6 *)local)->sin6_addr =
			    pi.ipi6_addr;
		}
	}
}

void
tp_read(int fd, enum tp_kind kind, int family, tp_input_cb cb, void *arg,
    struct tp_listener *via)
{
	struct sockaddr_storage name, bound;
	socklen_t blen = sizeof(bound);
	union {
		struct cmsghdr align;
		uint8_t buf[256];
	} cbuf;
	struct tp_packet pkt;
	struct iovec iov;
	struct msghdr mh;
	ssize_t n;
	int i;

	memset(&bound, 0, sizeof(bound));
	if (getsockname(fd, (struct sockaddr *)&bound, &blen) == -1)
		bound.ss_family = family;
	for (i = 0; i < TP_READ_BATCH; i++) {
		memset(&mh, 0, sizeof(mh));
		memset(&name, 0, sizeof(name));
		iov.iov_base = rx_buf;
		iov.iov_len = sizeof(rx_buf);
		mh.msg_name = &name;
		mh.msg_namelen = sizeof(name);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		n = recvmsg(fd, &mh, 0);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNREFUSED)
				log_warn("recvmsg");
			return;
		}
		memset(&pkt, 0, sizeof(pkt));
		pkt.via = via;
		tp_from_name(&name, kind, &pkt.peer);
		tp_from_name(&bound, kind, &pkt.local);
		if (kind == TP_UDP)
			addr_set_port(&pkt.local, addr_port(&bound));
		tp_pktinfo_dst(&mh, &pkt.local);
		pkt.encap = kind == TP_UDP ? L2TP_ENCAP_UDP : L2TP_ENCAP_IP;
		pkt.framing = kind == TP_RAWIP ? L2TP_ENCAP_IP : L2TP_ENCAP_UDP;
		pkt.data = rx_buf;
		pkt.len = (size_t)n;
		if (kind == TP_RAWIP && family == AF_INET &&
		    l2tp_ipv4_payload(rx_buf, (size_t)n, &pkt.data, &pkt.len) ==
			-1)
			continue;
		cb(&pkt, arg);
	}
}

int
tp_route_source(
    const struct sockaddr_storage *peer, struct sockaddr_storage *local)
{
	struct sockaddr_storage probe = *peer;
	socklen_t len = sizeof(*local);
	int fd, rc = -1;

	/* A UDP connect() only consults the routing table: nothing is
	 * sent, and the chosen source is what getsockname() returns. */
	if (addr_port(&probe) == 0)
		addr_set_port(&probe, L2TP_UDP_PORT);
	fd = socket(peer->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&probe, addr_len(&probe)) == 0 &&
	    getsockname(fd, (struct sockaddr *)local, &len) == 0) {
		addr_set_port(local, 0);
		rc = 0;
	}
	close(fd);
	return rc;
}
