/*
 * Configuration: libconfuse parsing into plain structs, validation with
 * messages that name file, line and option, and a printer that writes the
 * normalised form (used by `l2tpv3d -n` and, later, running-config).
 */
#ifndef L2TP_DAEMON_CONFIG_H
#define L2TP_DAEMON_CONFIG_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/digest.h"
#include "proto/l2tp.h"
#include "proto/msg.h"

#define CONF_NAME_MAX 64
#define CONF_SECRET_MAX 128
#define CONF_MAX_LISTEN 8
#define CONF_IFNAME_MAX 16 /* IFNAMSIZ: 15 characters and the NUL */
#define CONF_PATH_MAX 256
#define CONF_COOKIE_MAX 8
#define CONF_MAX_ADDRS 8 /* per session */
#define CONF_MAX_ROUTES 16 /* per session */
#define CONF_USER_DEFAULT "l2tp" /* the daemon's user, if it exists */
#define CONF_SECRET_HIDDEN "<hidden>"

enum dataplane_mode {
	DATAPLANE_KERNEL,
	DATAPLANE_NONE,
};

enum peer_dialect {
	DIALECT_AUTO,
	DIALECT_IETF,
	DIALECT_CISCO,
};

enum tunnel_mode {
	TUNNEL_DYNAMIC,
	TUNNEL_STATIC,
};

/* Timers and limits that have a global default and a per-tunnel value. */
struct timer_conf {
	uint32_t hello_interval; /* s; 0 disables hellos */
	uint16_t rx_window; /* our Receive Window Size, 1..1024 */
	uint32_t retransmit_initial; /* ms, first retransmission timeout */
	uint32_t retransmit_cap; /* ms, backoff cap */
	uint32_t retries; /* before the peer is declared dead */
	uint32_t retry_interval; /* s, persistent re-establish base */
};

/* Data sequencing: bits, so `both` is send | recv. */
enum session_seq {
	SEQ_NONE = 0,
	SEQ_SEND = 0x1,
	SEQ_RECV = 0x2,
	SEQ_BOTH = SEQ_SEND | SEQ_RECV,
};

/* Whether a session's interface gets an IPv6 link-local address. */
enum conf_ipv6_ll {
	CONF_IPV6_LL_AUTO = 0, /* only when it has addresses of ours */
	CONF_IPV6_LL_YES,
	CONF_IPV6_LL_NO,
};

/* A cookie of 0, 4 or 8 bytes. */
struct conf_cookie {
	uint8_t len;
	uint8_t bytes[CONF_COOKIE_MAX];
};

/* An Ethernet address given with mac-address. */
#define CONF_MAC_LEN 6
struct conf_mac {
	uint8_t set; /* 0: derived (config_session_mac) */
	uint8_t addr[CONF_MAC_LEN];
};

/* An IPv4 or IPv6 address and a prefix length. */
struct conf_prefix {
	int family; /* AF_INET, AF_INET6; 0: unset */
	uint8_t len; /* 32 or 128 for a host */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
};

/* `ip addr add LOCAL[/LEN]` or `ip addr add LOCAL peer PEER[/LEN]`. */
struct conf_ifaddr {
	struct conf_prefix local; /* len: the address's prefix */
	struct conf_prefix peer; /* family 0: no peer */
};

/* `ip route add DST/LEN [via GW] dev IFNAME`. */
struct conf_route {
	struct conf_prefix dst;
	struct conf_prefix via; /* family 0: on-link */
};

/* l2spec = auto: not a wire value; each call takes the sublayer the peer
 * asks for in its ICRQ/ICRP (issue 10). */
#define CONF_L2SS_AUTO ((enum l2tp_l2ss)2)

/*
 * A pseudowire.  Cookies follow `ip l2tp add session` and the kernel:
 * `cookie` is put on the packets we send (L2TP_ATTR_COOKIE, which in
 * dynamic mode is the peer's Assigned Cookie), `peer_cookie` is what
 * received packets must carry (L2TP_ATTR_PEER_COOKIE, in dynamic mode the
 * cookie we assign, random, of cookie_len bytes).
 *
 * A provider edge holds 100 000 of these (issue 6), so each is one
 * allocation of what it needs: the names are exact-length strings stored
 * behind the struct, the bulky optional parts are allocated only when
 * configured, and it is never copied.  Once loaded it is immutable and
 * shared: its configuration's list holds one reference and every session
 * object (daemon/session.c) that runs it one more, so a session outlives
 * the configuration that a reload replaces (config_session_ref/unref).
 */
struct session_conf {
	TAILQ_ENTRY(session_conf) entry; /* in its tunnel_conf's list */
	const char *name;
	const char *remote_end_id; /* dynamic; "" = none */
	struct conf_ifaddr *addrs; /* CONF_MAX_ADDRS slots, or NULL */
	struct conf_route *routes; /* CONF_MAX_ROUTES slots, or NULL */
	char *up_script; /* NULL = none */
	char *down_script;
	unsigned int refs;
	int line; /* where it was defined */
	enum l2tp_pw_type pw_type; /* L2TP_PW_ETH or L2TP_PW_ETH_VLAN */
	/* L2TP_L2SS_NONE or _DEFAULT, or CONF_L2SS_AUTO (dynamic): the
	 * sublayer the peer asks for (session_l2ss_default()). */
	enum l2tp_l2ss l2spec;
	enum session_seq seq;
	uint32_t reorder_timeout; /* ms; 0 = no reordering */
	uint32_t mtu; /* always set (defaulted) */
	enum conf_ipv6_ll ipv6_ll;
	uint32_t local_session_id; /* static only */
	uint32_t remote_session_id; /* static only */
	int initiate; /* dynamic: we send the ICRQ */
	int debug;
	uint16_t vlan_id; /* ethernet-vlan only: 1..4094 */
	uint8_t cookie_len; /* dynamic: 0, 4 or 8 */
	uint8_t naddrs;
	uint8_t nroutes;
	uint8_t mtu_set; /* mtu was configured, not derived */
	uint32_t set; /* options the file set: bit i = config_opt(SESSION, i) */
	struct conf_cookie cookie; /* static: sent (ip l2tp `cookie`) */
	struct conf_cookie peer_cookie; /* static: expected on receipt */
	struct conf_mac mac; /* mac-address */
	char ifname[CONF_IFNAME_MAX]; /* "" = the kernel's l2tpethN */
	char bridge[CONF_IFNAME_MAX]; /* "" = none; excludes addrs/routes */
	/* name and remote_end_id follow the struct in the same allocation
	 * (not a flexible array member: the builder embeds the struct). */
};
TAILQ_HEAD(session_conf_list, session_conf);

struct tunnel_conf {
	TAILQ_ENTRY(tunnel_conf) entry;
	char name[CONF_NAME_MAX];
	int line; /* where it was defined, for messages */
	enum tunnel_mode mode;
	enum l2tp_encap encap;
	int family; /* AF_INET or AF_INET6 */
	struct sockaddr_storage local; /* port included (UDP) */
	int has_local;
	struct sockaddr_storage remote; /* port included (UDP) */
	char peer_hostname[CONF_NAME_MAX]; /* optional match on SCCRQ */
	int initiate; /* send SCCRQ (else only answer) */
	int persist;
	enum peer_dialect dialect;
	enum l2tp_digest_alg digest;
	enum l2tp_kdf digest_kdf;
	char secret[CONF_SECRET_MAX];
	size_t secret_len;
	struct timer_conf timers;
	uint32_t local_tunnel_id; /* static mode; 0 = random */
	uint32_t remote_tunnel_id; /* static mode */
	int debug; /* debug logging for this tunnel */
	int keep_on_exit; /* static: leave it in the kernel */
	/* What applying this configuration does to the running tunnel of
	 * the name, as conf_diff() found from the option table's apply
	 * classes: tunnels_reload() follows it. */
	enum {
		CONF_RELOAD_UNKNOWN =
		    0, /* not diffed: restart, the safe side */
		CONF_RELOAD_KEEP, /* in place, or nothing changed */
		CONF_RELOAD_RESTART, /* StopCCN and a new connection */
	} reload;
	uint32_t set; /* options the file set: bit i = config_opt(TUNNEL, i) */
	int reload_seen; /* tunnels_reload(): a running tunnel took it */
	struct session_conf_list sessions; /* in file order */
};
TAILQ_HEAD(tunnel_conf_list, tunnel_conf);

struct daemon_conf {
	char path[256]; /* file it came from */
	char hostname[CONF_NAME_MAX];
	uint32_t router_id; /* host order */
	struct sockaddr_storage listen[CONF_MAX_LISTEN]; /* port included */
	size_t nlisten;
	uint16_t port; /* default UDP port */
	enum dataplane_mode dataplane;
	struct timer_conf timers; /* defaults for tunnels */
	char vendor_name[CONF_NAME_MAX];
	/* Read at start only; l2tpv3d's -G and -R override them. */
	char control_group[CONF_NAME_MAX]; /* of the control sockets */
	char control_socket_ro[108]; /* read-only socket; "" = none */
	/* Control connections answered but not yet established (a
	 * flood of SCCRQs is bounded by these; the oldest goes first). */
	uint32_t half_open_per_peer;
	uint32_t half_open_max;
	char control_ro_group[CONF_NAME_MAX]; /* "" = control_group */
	int control_ro_mode; /* 0660, or 0666 for every local user */
	uint32_t control_max_clients; /* per socket */
	uint32_t control_ro_max_clients;
	uint32_t control_idle_timeout; /* s; 0 = none */
	/* Least privilege (docs/security.md); read at start, -u overrides
	 * user.  "" = not set: the defaults CONF_USER_DEFAULT and root. */
	char user[CONF_NAME_MAX];
	char script_user[CONF_NAME_MAX];
	int log_facility; /* syslog's LOG_DAEMON, LOG_LOCAL0... */
	/* GET /metrics over HTTP; ss_family AF_UNSPEC = off.  Read at
	 * start only. */
	struct sockaddr_storage metrics_listen;
	uint32_t set; /* options the file set: bit i = config_opt(GLOBAL, i) */
	struct tunnel_conf_list tunnels;
	struct tunnel_conf *find_hint; /* config_find_tunnel's last find */
};

/* Load and validate.  On error returns NULL and puts "FILE:LINE: option
 * 'x': why" in errbuf. */
struct daemon_conf *config_load(const char *path, char *errbuf, size_t len);
/* A configuration with every default and no tunnels. */
struct daemon_conf *config_default(void);
void config_free(struct daemon_conf *);
struct tunnel_conf *config_find_tunnel(struct daemon_conf *, const char *);
struct session_conf *config_find_session(struct tunnel_conf *, const char *);
/* 1 when two sessions would set up the same call and kernel objects
 * (everything but `debug`, the scripts and where they were defined). */
int
config_session_same(const struct session_conf *, const struct session_conf *);
/*
 * The Ethernet address of the session's interface: its mac-address, else
 * one derived from values that survive a restart, so that a peer's
 * neighbour cache stays right: a hash of the tunnel's configured local
 * and remote addresses with, in static mode, the four tunnel and session
 * IDs, in dynamic mode the tunnel's and session's names.  The two ends
 * of a pseudowire see local and remote swapped, so their addresses
 * differ.  Locally administered, unicast.
 */
void config_session_mac(const struct tunnel_conf *, const struct session_conf *,
    uint8_t mac[CONF_MAC_LEN]);
/* 1 when the session's remote-end-id is id (len bytes; NULL when the
 * ICRQ carries none); a session without one is a catch-all instead. */
int
config_end_id_equal(const struct session_conf *, const uint8_t *id, size_t len);
/*
 * The session an incoming ICRQ is for: the one whose remote-end-id equals
 * the ICRQ's Remote End ID (id, len; NULL/0 when absent), else the last
 * one without remote-end-id, else NULL.
 */
struct session_conf *
config_match_session(struct tunnel_conf *, const uint8_t *id, size_t len);
/*
 * A copy of a tunnel's own settings, for holders that outlive the
 * configuration it came from; its session list is empty (session
 * objects reference the configuration's sessions instead).  Free it with
 * config_tunnel_free().  NULL when out of memory.
 */
struct tunnel_conf *config_tunnel_dup(const struct tunnel_conf *);
/* One more holder of a session's configuration; each ref is dropped with
 * config_session_unref(), which frees it after the last one. */
struct session_conf *config_session_ref(struct session_conf *);
void config_session_unref(struct session_conf *);
void config_tunnel_free(struct tunnel_conf *);
/*
 * The option table (config.c): every option of the file, the shell and
 * the printers, described once.
 */
enum conf_scope {
	CONF_SCOPE_GLOBAL,
	CONF_SCOPE_TUNNEL,
	CONF_SCOPE_SESSION,
};
/* How a change of the option reaches what runs. */
enum conf_apply {
	CONF_APPLY_IN_PLACE, /* established tunnels and sessions keep going */
	CONF_APPLY_SESSION, /* the session restarts (CDN, new call) */
	CONF_APPLY_TUNNEL, /* the tunnel restarts (StopCCN) */
	CONF_APPLY_START, /* read at start only: saved, used next start */
};
/* conf_optinfo.flags: where the option applies, and how it is given. */
#define CONF_OPT_DYNAMIC 0x01 /* only with mode = dynamic */
#define CONF_OPT_STATIC 0x02 /* only with mode = static */
#define CONF_OPT_UDP 0x04 /* only with encap = udp */
#define CONF_OPT_DIGEST 0x08 /* only with a digest */
#define CONF_OPT_LIST 0x10 /* a list: { "a", "b" } */
#define CONF_OPT_FILE_ONLY 0x20 /* not from the shell (docs/security.md) */
struct conf_optinfo {
	const char *name;
	/* The shell's grammar for the value ("<0-86400>", "(yes|no)",
	 * "ADDRESS"); cmd.h's syntax. */
	char arg[160];
	/* One line for the option, then one per token of arg (cmd.h). */
	char help[512];
	const char *example; /* a valid value that is not the default */
	const char *needs; /* "opt = value" lines it needs, or NULL */
	char range[160]; /* "0..86400", "yes, no": what a message names */
	enum conf_apply apply;
	int flags; /* CONF_OPT_* */
};
/* The options of a scope, in table order; 0 when i is past the end. */
int config_opt(enum conf_scope, size_t i, struct conf_optinfo *);
/* Index of an option of a scope by name, or -1. */
int config_opt_find(enum conf_scope, const char *name);

/* config_print's forms. */
#define CONF_PRINT_ALL 0x1 /* every option, defaults and derived too */
#define CONF_PRINT_HIDE 0x2 /* secrets as <hidden> (read-only socket) */
/*
 * The configuration in the file's own syntax: what the operator set
 * (the `set` bits; `show running-config`, `write memory`), or with
 * CONF_PRINT_ALL every value in effect.  Loading either output gives the
 * same configuration back.
 */
void config_print_flags(const struct daemon_conf *, FILE *, int flags);
/* The option lines of one section as config_print_flags() writes them:
 * the globals (t NULL), a tunnel's own (s NULL) or a session's. */
void
config_print_section(const struct daemon_conf *, const struct tunnel_conf *t,
    const struct session_conf *s, FILE *, int flags);
/* config_print_flags() into a malloc'd string; NULL when out of memory. */
char *config_text(const struct daemon_conf *, int flags);
/* The normalised configuration, every value (CONF_PRINT_ALL). */
void config_print(const struct daemon_conf *, FILE *);
/* The same with every secret printed as <hidden> (read-only socket). */
void config_print_hidden(const struct daemon_conf *, FILE *);
const char *dialect_name(enum peer_dialect);
const char *digest_name(enum l2tp_digest_alg);
const char *pw_type_name(enum l2tp_pw_type);
const char *l2spec_name(enum l2tp_l2ss);
const char *seq_name(enum session_seq);

#endif
