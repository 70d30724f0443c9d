/*
 * The kernel L2TP dataplane: tunnels and sessions over generic netlink
 * (family "l2tp", libnl-genl-3), and the links they create (l2tpethN)
 * over rtnetlink (libnl-route-3): up/down, MTU, bridge, addresses and
 * routes.  No shelling out to `ip`.
 *
 * Static tunnels are created exactly as `ip l2tp add tunnel/session`
 * does with the same arguments, so a peer configured by hand
 * interoperates; dp_tunnel_cfg_init() and dp_session_cfg_init() set
 * iproute2's defaults.
 *
 * Every call is blocking, on one generic-netlink and one rtnetlink
 * socket kept for the life of the handle.  Every function returns 0 on
 * success and -1 after logging why (log_warnx), unless it says
 * otherwise.
 */
#ifndef L2TP_DAEMON_DATAPLANE_H
#define L2TP_DAEMON_DATAPLANE_H

#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>

struct dataplane;

enum dp_encap {
	DP_ENCAP_UDP = 0, /* L2TP_ENCAPTYPE_UDP */
	DP_ENCAP_IP = 1, /* L2TP_ENCAPTYPE_IP: IP protocol 115 */
	DP_ENCAP_OTHER = 0xff, /* read back: not an L2TPv3 tunnel */
};

enum dp_l2spec {
	DP_L2SPEC_NONE = 0, /* Cisco's default for Ethernet */
	DP_L2SPEC_DEFAULT = 1, /* iproute2's default: 4 bytes, S bit */
};

#define DP_PW_ETH_VLAN 0x0004
#define DP_PW_ETH 0x0005
#define DP_COOKIE_MAX 8
#define DP_MAC_LEN 6

struct dp_addr {
	sa_family_t family; /* AF_INET or AF_INET6; 0 = unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

#define DP_OWNER_MAX 144 /* "session " and two names */

struct dp_tunnel_cfg {
	uint32_t tunnel_id; /* our Control Connection ID */
	uint32_t peer_tunnel_id;
	enum dp_encap encap;
	/*
	 * Managed tunnel: a connected UDP or L2TP/IP socket (the control
	 * connection's); the kernel takes addresses and ports from it.
	 * Static tunnel: -1, and the fields below describe the socket the
	 * kernel creates itself.
	 */
	int fd;
	struct dp_addr local, peer;
	uint16_t local_port, peer_port; /* UDP only */
	int udp_csum; /* IPv4 UDP: send checksums (iproute2: off) */
	int udp6_csum_tx; /* IPv6 UDP: send checksums (iproute2: on) */
	int udp6_csum_rx; /* IPv6 UDP: require checksums (iproute2: on) */
	/* Whose it is, for log lines ("tunnel NAME"); "" = "dataplane". */
	char owner[DP_OWNER_MAX];
};

struct dp_session_cfg {
	uint32_t tunnel_id, peer_tunnel_id;
	uint32_t session_id, peer_session_id;
	/*
	 * The kernel's pseudowire type.  Only DP_PW_ETH has a kernel
	 * driver (l2tp_eth): it refuses DP_PW_ETH_VLAN with
	 * EPROTONOSUPPORT, so an Ethernet VLAN pseudowire is a DP_PW_ETH
	 * session with a VLAN interface on top (dp_vlan_ensure).
	 */
	uint16_t pw_type;
	/*
	 * The kernel puts `cookie` on every packet it sends and accepts
	 * only packets carrying `peer_cookie`.  So `cookie` is the PEER's
	 * Assigned Cookie and `peer_cookie` is the one WE assigned:
	 * `ip l2tp ... cookie X peer_cookie Y` on one side pairs with
	 * `cookie Y peer_cookie X` on the other.
	 */
	uint8_t cookie[DP_COOKIE_MAX];
	size_t cookie_len; /* 0, 4 or 8 */
	uint8_t peer_cookie[DP_COOKIE_MAX];
	size_t peer_cookie_len;
	enum dp_l2spec l2spec;
	int send_seq, recv_seq;
	uint32_t reorder_timeout_ms; /* 0 = none */
	char ifname[IFNAMSIZ]; /* "" = the kernel's l2tpethN */
	/* Whose it is, for log lines ("session T/S"); "" = "dataplane". */
	char owner[DP_OWNER_MAX];
};

/* The kernel's per-session counters (L2TP_ATTR_STATS). */
struct dp_session_stats {
	uint64_t tx_packets, tx_bytes, tx_errors;
	uint64_t rx_packets, rx_bytes, rx_errors;
	uint64_t rx_seq_discards, rx_oos_packets;
	uint64_t rx_cookie_discards, rx_invalid;
};

/* What dp_tunnel_ensure()/dp_session_ensure() found and did. */
enum dp_ensure {
	DP_CREATED, /* nothing there: created */
	DP_ADOPTED, /* an identical one was there: kept as is */
	DP_REPLACED, /* a different one was there: deleted and recreated */
	/* The kernel still holds the ID for an object it is freeing (it
	 * frees deleted tunnels from a work queue): call again shortly.
	 * Not waited for here, so the event loop never sleeps. */
	DP_BUSY,
};

/*
 * Open both netlink sockets and find the "l2tp" family.  When the family
 * is missing, try `modprobe` once; if it is still missing, say so in one
 * line naming the modules and return NULL (the caller runs without a
 * dataplane).
 */
struct dataplane *dp_open(void);
void dp_close(struct dataplane *);

void dp_tunnel_cfg_init(struct dp_tunnel_cfg *);
void dp_session_cfg_init(struct dp_session_cfg *);

int dp_tunnel_create(struct dataplane *, const struct dp_tunnel_cfg *);
int dp_tunnel_delete(struct dataplane *, uint32_t tunnel_id);
/* 1 and *out filled when found, 0 when there is no such tunnel, -1. */
int dp_tunnel_get(
    struct dataplane *, uint32_t tunnel_id, struct dp_tunnel_cfg *out);
/*
 * 0 when `have` (from dp_tunnel_get) is what `want` would create, else 1
 * with the first difference described in why[].
 */
int dp_tunnel_diff(const struct dp_tunnel_cfg *want,
    const struct dp_tunnel_cfg *have, char *why, size_t whylen);
/* Adopt an identical kernel tunnel, replace a different one, or create
 * it; -1 on failure, else an enum dp_ensure. */
int dp_tunnel_ensure(struct dataplane *, const struct dp_tunnel_cfg *);

int dp_session_create(struct dataplane *, const struct dp_session_cfg *);
int
dp_session_delete(struct dataplane *, uint32_t tunnel_id, uint32_t session_id);
/* 1 when found (out and stats filled; either may be NULL), 0, or -1. */
int dp_session_get(struct dataplane *, uint32_t tunnel_id, uint32_t session_id,
    struct dp_session_cfg *out, struct dp_session_stats *stats);
int dp_session_diff(const struct dp_session_cfg *want,
    const struct dp_session_cfg *have, char *why, size_t whylen);
int dp_session_ensure(struct dataplane *, const struct dp_session_cfg *);

/* Links, by interface name. */
int dp_link_set_up(struct dataplane *, const char *ifname, int up);
int dp_link_set_mtu(struct dataplane *, const char *ifname, unsigned mtu);
/*
 * MTU (unless 0) and up in one request, as one step of session setup;
 * when that fails, each is tried alone so the log says which.  0 or -1.
 * ipv6_ll 0: the link comes up without an IPv6 link-local address (so
 * it sends nothing of its own: no DAD, RS or MLD); this costs a second
 * request, since the kernel applies that setting after the flags.
 */
int dp_link_set_mtu_up(
    struct dataplane *, const char *ifname, unsigned mtu, int ipv6_ll);
/* IFLA_INET6_ADDR_GEN_MODE (IN6_ADDR_GEN_MODE_*); the kernel applies it
 * when the link next comes up.  0 or -1 (logged). */
int dp_link_set_addr_gen_mode(struct dataplane *, const char *ifname, int mode);
/* The link's Ethernet address.  One that is up and cannot change it
 * live is taken down for it: bring it up afterwards. */
int dp_link_set_mac(
    struct dataplane *, const char *ifname, const uint8_t mac[DP_MAC_LEN]);
/*
 * arp_notify and ndisc_notify on the link: when it comes up, and when
 * its address changes, the kernel announces its addresses (gratuitous
 * ARP for IPv4; for IPv6 an unsolicited Neighbour Advertisement, for an
 * address added later once its DAD is over), so that a peer's neighbour
 * cache is right at once.  Only IPv4 addresses present when the link
 * comes up are announced: add them first.
 */
int dp_link_set_notify(struct dataplane *, const char *ifname);
/*
 * Carrier follows the peer's circuit status.  l2tp_eth devices have no
 * carrier control in older kernels; there "carrier off" falls back to
 * setting the link administratively down (and "on" to up).
 */
int dp_link_set_carrier(struct dataplane *, const char *ifname, int on);
int dp_link_enslave(struct dataplane *, const char *ifname, const char *bridge);
/*
 * An 802.1Q VLAN interface `ifname` with VLAN ID vid on top of parent
 * (module 8021q); one that is already there as asked is kept.
 */
int dp_vlan_ensure(
    struct dataplane *, const char *parent, const char *ifname, uint16_t vid);
/* "10.42.1.1" or "10.42.1.1/24", with an optional peer ("10.42.1.2");
 * an address already present is not an error. */
int dp_link_add_addr(struct dataplane *, const char *ifname, const char *local,
    const char *peer);
/* Route `dst` ("192.168.0.0/24") via `gw` (may be NULL) out of ifname;
 * an identical route already present is not an error. */
int dp_route_add(
    struct dataplane *, const char *dst, const char *gw, const char *ifname);

/* Parse "0a0b0c0d" / 16 hex digits into a cookie; -1 when malformed. */
int dp_cookie_parse(const char *hex, uint8_t *cookie, size_t *len);

#endif
