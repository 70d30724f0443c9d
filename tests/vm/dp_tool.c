/*
 * dp_tool: drive daemon/dataplane.c from the command line, so the VM
 * tests can set up one side of a tunnel with our netlink code and the
 * other with `ip l2tp`.  Keywords are ip-l2tp's, so a test can mirror a
 * command line word for word:
 *
 *   dp_tool tunnel-add    tunnel_id N peer_tunnel_id N [encap udp|ip]
 *                         local ADDR remote ADDR [udp_sport P]
 *                         [udp_dport P] [udp_csum on|off]
 *                         [udp6_csum_tx on|off] [udp6_csum_rx on|off]
 *   dp_tool tunnel-ensure (same arguments; prints created|adopted|replaced)
 *   dp_tool tunnel-get    TUNNEL_ID   (exit 3 when absent)
 *   dp_tool tunnel-del    TUNNEL_ID
 *   dp_tool session-add   tunnel_id N peer_tunnel_id N session_id N
 *                         peer_session_id N [cookie HEX] [peer_cookie HEX]
 *                         [l2spec_type none|default]
 *                         [seq none|send|recv|both] [reorder_timeout MS]
 *                         [name IFNAME]
 *   dp_tool session-ensure (same arguments)
 *   dp_tool session-get   TUNNEL_ID SESSION_ID   (exit 3 when absent)
 *   dp_tool session-del   TUNNEL_ID SESSION_ID
 *   dp_tool link-up|link-down IFNAME
 *   dp_tool link-mtu      IFNAME MTU
 *   dp_tool link-carrier  IFNAME on|off
 *   dp_tool link-master   IFNAME BRIDGE
 *   dp_tool addr-add      IFNAME ADDR [peer ADDR]
 *   dp_tool route-add     DST [via GW] dev IFNAME
 *   dp_tool managed       TUNNEL-KEYWORDS -- SESSION-KEYWORDS
 *       a managed tunnel, as the daemon makes them: dp_tool opens the
 *       connected UDP or L2TP/IP socket itself and hands it to the
 *       kernel, creates the session, prints "ready" and holds the socket
 *       until its standard input ends (the tunnel dies with the socket)
 *
 * The get commands print "key value" lines.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/l2tp.h>

#ifndef IPPROTO_L2TP /* glibc's netinet/in.h hides linux/in.h's */
#define IPPROTO_L2TP 115
#endif

#include "daemon/dataplane.h"
#include "daemon/log.h"

#define EXIT_ABSENT 3

static void
usage(void)
{
	fprintf(stderr,
	    "usage: dp_tool tunnel-add|tunnel-ensure KEYWORD VALUE...\n"
	    "       dp_tool tunnel-get|tunnel-del TUNNEL_ID\n"
	    "       dp_tool session-add|session-ensure KEYWORD VALUE...\n"
	    "       dp_tool session-get|session-del TUNNEL_ID SESSION_ID\n"
	    "       dp_tool link-up|link-down IFNAME\n"
	    "       dp_tool link-mtu IFNAME MTU\n"
	    "       dp_tool link-carrier IFNAME on|off\n"
	    "       dp_tool link-master IFNAME BRIDGE\n"
	    "       dp_tool addr-add IFNAME ADDR [peer ADDR]\n"
	    "       dp_tool route-add DST [via GW] dev IFNAME\n");
	exit(2);
}

static uint32_t
parse_u32(const char *s, uint32_t max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *s == '\0' || *end != '\0' || v > max)
		fatalx("bad number: %s", s);
	return (uint32_t)v;
}

static int
parse_onoff(const char *s)
{
	if (strcmp(s, "on") == 0)
		return 1;
	if (strcmp(s, "off") == 0)
		return 0;
	fatalx("expected on or off: %s", s);
}

static void
parse_addr(const char *s, struct dp_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->u.v4) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, s, &a->u.v6) == 1)
		a->family = AF_INET6;
	else
		fatalx("bad address: %s", s);
}

/* A numeric keyword, as `ip l2tp` spells it, and where it goes. */
struct num_kw {
	const char *kw;
	size_t off;
	size_t size; /* 2 or 4 */
};

#define NUM_KW(kw, type, field) \
	{ \
		kw, offsetof(type, field), sizeof(((type *)0)->field) \
	}

static const struct num_kw tunnel_nums[] = {
	NUM_KW("tunnel_id", struct dp_tunnel_cfg, tunnel_id),
	NUM_KW("peer_tunnel_id", struct dp_tunnel_cfg, peer_tunnel_id),
	NUM_KW("udp_sport", struct dp_tunnel_cfg, local_port),
	NUM_KW("udp_dport", struct dp_tunnel_cfg, peer_port),
	{ NULL, 0, 0 },
};

static const struct num_kw session_nums[] = {
	NUM_KW("tunnel_id", struct dp_session_cfg, tunnel_id),
	NUM_KW("peer_tunnel_id", struct dp_session_cfg, peer_tunnel_id),
	NUM_KW("session_id", struct dp_session_cfg, session_id),
	NUM_KW("peer_session_id", struct dp_session_cfg, peer_session_id),
	NUM_KW("reorder_timeout", struct dp_session_cfg, reorder_timeout_ms),
	NUM_KW("pw_type", struct dp_session_cfg, pw_type),
	{ NULL, 0, 0 },
};

/* 1 when k is one of the table's keywords (the value stored), else 0. */
static int
set_num(const struct num_kw *tab, void *cfg, const char *k, const char *v)
{
	uint16_t u16;
	uint32_t u32;

	for (; tab->kw != NULL; tab++) {
		if (strcmp(k, tab->kw) != 0)
			continue;
		if (tab->size == sizeof(u16)) {
			u16 = (uint16_t)parse_u32(v, UINT16_MAX);
			memcpy((char *)cfg + tab->off, &u16, sizeof(u16));
		} else {
			u32 = parse_u32(v, UINT32_MAX);
			memcpy((char *)cfg + tab->off, &u32, sizeof(u32));
		}
		return 1;
	}
	return 0;
}

/* KEYWORD VALUE pairs, each to fn (0: not its keyword or value). */
static void
parse_pairs(int argc, char **argv, const char *what, void *cfg,
    int (*fn)(void *, const char *, const char *))
{
	int i;

	for (i = 0; i + 1 < argc; i += 2)
		if (!fn(cfg, argv[i], argv[i + 1]))
			fatalx("unknown %s keyword or value: %s %s", what,
			    argv[i], argv[i + 1]);
	if (i != argc)
		usage();
}

static int
tunnel_pair(void *cfg, const char *k, const char *v)
{
	struct dp_tunnel_cfg *c = cfg;

	if (set_num(tunnel_nums, c, k, v))
		return 1;
	if (strcmp(k, "encap") == 0 && strcmp(v, "udp") == 0)
		c->encap = DP_ENCAP_UDP;
	else if (strcmp(k, "encap") == 0 && strcmp(v, "ip") == 0)
		c->encap = DP_ENCAP_IP;
	else if (strcmp(k, "local") == 0)
		parse_addr(v, &c->local);
	else if (strcmp(k, "remote") == 0)
		parse_addr(v, &c->peer);
	else if (strcmp(k, "udp_csum") == 0)
		c->udp_csum = parse_onoff(v);
	else if (strcmp(k, "udp6_csum_tx") == 0)
		c->udp6_csum_tx = parse_onoff(v);
	else if (strcmp(k, "udp6_csum_rx") == 0)
		c->udp6_csum_rx = parse_onoff(v);
	else
		return 0;
	return 1;
}

static void
parse_tunnel(int argc, char **argv, struct dp_tunnel_cfg *c)
{
	dp_tunnel_cfg_init(c);
	parse_pairs(argc, argv, "tunnel", c, tunnel_pair);
}

static void
parse_seq(const char *v, struct dp_session_cfg *c)
{
	c->send_seq = strcmp(v, "send") == 0 || strcmp(v, "both") == 0;
	c->recv_seq = strcmp(v, "recv") == 0 || strcmp(v, "both") == 0;
	if (!c->send_seq && !c->recv_seq && strcmp(v, "none") != 0)
		fatalx("seq: expected none, send, recv or both: %s", v);
}

static void
parse_cookie(const char *v, uint8_t *cookie, size_t *len)
{
	if (dp_cookie_parse(v, cookie, len) < 0)
		fatalx("cookie: expected 8 or 16 hex digits: %s", v);
}

static int
session_pair(void *cfg, const char *k, const char *v)
{
	struct dp_session_cfg *c = cfg;

	if (set_num(session_nums, c, k, v))
		return 1;
	if (strcmp(k, "cookie") == 0)
		parse_cookie(v, c->cookie, &c->cookie_len);
	else if (strcmp(k, "peer_cookie") == 0)
		parse_cookie(v, c->peer_cookie, &c->peer_cookie_len);
	else if (strcmp(k, "l2spec_type") == 0 && strcmp(v, "none") == 0)
		c->l2spec = DP_L2SPEC_NONE;
	else if (strcmp(k, "l2spec_type") == 0 && strcmp(v, "default") == 0)
		c->l2spec = DP_L2SPEC_DEFAULT;
	else if (strcmp(k, "seq") == 0)
		parse_seq(v, c);
	else if (strcmp(k, "name") == 0 && strlen(v) < sizeof(c->ifname))
		strcpy(c->ifname, v);
	else
		return 0;
	return 1;
}

static void
parse_session(int argc, char **argv, struct dp_session_cfg *c)
{
	dp_session_cfg_init(c);
	parse_pairs(argc, argv, "session", c, session_pair);
}

static void
print_addr(const char *key, const struct dp_addr *a)
{
	char buf[INET6_ADDRSTRLEN] = "-";

	if (a->family != 0)
		inet_ntop(a->family, &a->u, buf, sizeof(buf));
	printf("%s %s\n", key, buf);
}

static void
print_cookie(const char *key, const uint8_t *cookie, size_t len)
{
	size_t i;

	printf("%s ", key);
	for (i = 0; i < len; i++)
		printf("%02x", cookie[i]);
	printf("%s\n", len == 0 ? "-" : "");
}

static int
cmd_tunnel_get(struct dataplane *dp, uint32_t tid)
{
	static const char *const encap[] = { "udp", "ip" };
	struct dp_tunnel_cfg c;
	int rc;

	if ((rc = dp_tunnel_get(dp, tid, &c)) <= 0)
		return rc < 0 ? 1 : EXIT_ABSENT;
	printf("tunnel_id %" PRIu32 "\n", c.tunnel_id);
	printf("peer_tunnel_id %" PRIu32 "\n", c.peer_tunnel_id);
	printf("encap %s\n", c.encap <= DP_ENCAP_IP ? encap[c.encap] : "other");
	print_addr("local", &c.local);
	print_addr("remote", &c.peer);
	printf("udp_sport %u\nudp_dport %u\n", c.local_port, c.peer_port);
	printf("udp_csum %d\n", c.udp_csum);
	printf("udp6_csum_tx %d\nudp6_csum_rx %d\n", c.udp6_csum_tx,
	    c.udp6_csum_rx);
	return 0;
}

static int
cmd_session_get(struct dataplane *dp, uint32_t tid, uint32_t sid)
{
	struct dp_session_cfg c;
	struct dp_session_stats s;
	int rc;

	if ((rc = dp_session_get(dp, tid, sid, &c, &s)) <= 0)
		return rc < 0 ? 1 : EXIT_ABSENT;
	printf("tunnel_id %" PRIu32 "\nsession_id %" PRIu32 "\n", c.tunnel_id,
	    c.session_id);
	printf("peer_tunnel_id %" PRIu32 "\npeer_session_id %" PRIu32 "\n",
	    c.peer_tunnel_id, c.peer_session_id);
	printf("pw_type %u\n", c.pw_type);
	printf("ifname %s\n", c.ifname[0] != '\0' ? c.ifname : "-");
	print_cookie("cookie", c.cookie, c.cookie_len);
	print_cookie("peer_cookie", c.peer_cookie, c.peer_cookie_len);
	printf("send_seq %d\nrecv_seq %d\n", c.send_seq, c.recv_seq);
	printf("reorder_timeout %" PRIu32 "\n", c.reorder_timeout_ms);
	printf("tx_packets %" PRIu64 "\ntx_bytes %" PRIu64
	       "\ntx_errors %" PRIu64 "\n",
	    s.tx_packets, s.tx_bytes, s.tx_errors);
	printf("rx_packets %" PRIu64 "\nrx_bytes %" PRIu64
	       "\nrx_errors %" PRIu64 "\n",
	    s.rx_packets, s.rx_bytes, s.rx_errors);
	printf("rx_seq_discards %" PRIu64 "\nrx_oos_packets %" PRIu64 "\n",
	    s.rx_seq_discards, s.rx_oos_packets);
	printf("rx_cookie_discards %" PRIu64 "\nrx_invalid %" PRIu64 "\n",
	    s.rx_cookie_discards, s.rx_invalid);
	return 0;
}

static int
print_ensured(int rc)
{
	static const char *const what[] = { "created", "adopted", "replaced" };

	if (rc < 0 || rc > DP_REPLACED)
		return 1;
	printf("%s\n", what[rc]);
	return 0;
}

/*
 * The daemon programs again from its event loop while the kernel frees
 * an old object (DP_BUSY); a command line tool may just wait.  A busy ID
 * here always follows a deletion by the same call, a replacement.
 */
static int
ensure_waiting(struct dataplane *dp, const void *cfg,
    int (*ensure)(struct dataplane *, const void *))
{
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	int rc, i;

	if ((rc = ensure(dp, cfg)) != DP_BUSY)
		return rc;
	for (i = 0; i < 40 && rc == DP_BUSY; i++) {
		nanosleep(&pause, NULL);
		rc = ensure(dp, cfg);
	}
	return rc == DP_CREATED ? DP_REPLACED : rc == DP_BUSY ? -1 : rc;
}

static int
tunnel_ensure_cb(struct dataplane *dp, const void *cfg)
{
	return dp_tunnel_ensure(dp, cfg);
}

static int
session_ensure_cb(struct dataplane *dp, const void *cfg)
{
	return dp_session_ensure(dp, cfg);
}

static int
cmd_route_add(struct dataplane *dp, int argc, char **argv)
{
	const char *gw = NULL, *dev = NULL;
	int i;

	if (argc < 3)
		usage();
	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "via") == 0)
			gw = argv[i + 1];
		else if (strcmp(argv[i], "dev") == 0)
			dev = argv[i + 1];
		else
			usage();
	}
	if (dev == NULL || i != argc)
		usage();
	return dp_route_add(dp, argv[0], gw, dev) < 0;
}

static int
cmd_addr_add(struct dataplane *dp, int argc, char **argv)
{
	if (argc == 2)
		return dp_link_add_addr(dp, argv[0], argv[1], NULL) < 0;
	if (argc == 4 && strcmp(argv[2], "peer") == 0)
		return dp_link_add_addr(dp, argv[0], argv[1], argv[3]) < 0;
	usage();
	return 1;
}

/* addr/port (UDP) or addr/conn_id (L2TP/IP) as a socket address. */
static socklen_t
sockaddr_of(const struct dp_addr *a, enum dp_encap encap, uint16_t port,
    uint32_t conn_id, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_l2tpip *l2 = (struct sockaddr_l2tpip *)ss;
	struct sockaddr_l2tpip6 *l26 = (struct sockaddr_l2tpip6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (encap == DP_ENCAP_IP && a->family == AF_INET) {
		l2->l2tp_family = AF_INET;
		l2->l2tp_addr = a->u.v4;
		l2->l2tp_conn_id = conn_id;
		return sizeof(*l2);
	}
	if (encap == DP_ENCAP_IP) {
		l26->l2tp_family = AF_INET6;
		l26->l2tp_addr = a->u.v6;
		l26->l2tp_conn_id = conn_id;
		return sizeof(*l26);
	}
	if (a->family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_addr = a->u.v4;
		sin->sin_port = htons(port);
		return sizeof(*sin);
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_addr = a->u.v6;
	sin6->sin6_port = htons(port);
	return sizeof(*sin6);
}

/* The connected socket a control connection would have. */
static int
tunnel_socket(const struct dp_tunnel_cfg *c)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	fd = socket(c->local.family, SOCK_DGRAM,
	    c->encap == DP_ENCAP_IP ? IPPROTO_L2TP : IPPROTO_UDP);
	if (fd == -1)
		fatal("socket");
	len =
	    sockaddr_of(&c->local, c->encap, c->local_port, c->tunnel_id, &ss);
	if (bind(fd, (struct sockaddr *)&ss, len) == -1)
		fatal("bind");
	len = sockaddr_of(
	    &c->peer, c->encap, c->peer_port, c->peer_tunnel_id, &ss);
	if (connect(fd, (struct sockaddr *)&ss, len) == -1)
		fatal("connect");
	return fd;
}

static int
cmd_managed(struct dataplane *dp, int argc, char **argv)
{
	struct dp_tunnel_cfg t;
	struct dp_session_cfg s;
	char buf[64];
	int sep;

	for (sep = 0; sep < argc && strcmp(argv[sep], "--") != 0; sep++)
		;
	if (sep == argc)
		usage();
	parse_tunnel(sep, argv, &t);
	parse_session(argc - sep - 1, argv + sep + 1, &s);
	if (t.local.family == 0 || t.peer.family != t.local.family)
		fatalx("managed: local and remote addresses needed");
	t.fd = tunnel_socket(&t);
	if (dp_tunnel_create(dp, &t) < 0 || dp_session_create(dp, &s) < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	close(t.fd);
	return 0;
}

/* The commands that take the ip-l2tp keyword lists. */
static int
run_config_cmd(struct dataplane *dp, const char *cmd, int argc, char **argv)
{
	struct dp_tunnel_cfg t;
	struct dp_session_cfg s;

	if (strcmp(cmd, "tunnel-add") == 0) {
		parse_tunnel(argc, argv, &t);
		return dp_tunnel_create(dp, &t) < 0;
	}
	if (strcmp(cmd, "tunnel-ensure") == 0) {
		parse_tunnel(argc, argv, &t);
		return print_ensured(ensure_waiting(dp, &t, tunnel_ensure_cb));
	}
	if (strcmp(cmd, "session-add") == 0) {
		parse_session(argc, argv, &s);
		return dp_session_create(dp, &s) < 0;
	}
	if (strcmp(cmd, "session-ensure") == 0) {
		parse_session(argc, argv, &s);
		return print_ensured(ensure_waiting(dp, &s, session_ensure_cb));
	}
	if (strcmp(cmd, "managed") == 0)
		return cmd_managed(dp, argc, argv);
	return -1;
}

static int
run(struct dataplane *dp, const char *cmd, int argc, char **argv)
{
	int rc;

	if ((rc = run_config_cmd(dp, cmd, argc, argv)) >= 0)
		return rc;
	if (strcmp(cmd, "tunnel-get") == 0 && argc == 1)
		return cmd_tunnel_get(dp, parse_u32(argv[0], UINT32_MAX));
	if (strcmp(cmd, "tunnel-del") == 0 && argc == 1)
		return dp_tunnel_delete(dp, parse_u32(argv[0], UINT32_MAX)) < 0;
	if (strcmp(cmd, "session-get") == 0 && argc == 2)
		return cmd_session_get(dp, parse_u32(argv[0], UINT32_MAX),
		    parse_u32(argv[1], UINT32_MAX));
	if (strcmp(cmd, "session-del") == 0 && argc == 2)
		return dp_session_delete(dp, parse_u32(argv[0], UINT32_MAX),
			   parse_u32(argv[1], UINT32_MAX)) < 0;
	if (strcmp(cmd, "link-up") == 0 && argc == 1)
		return dp_link_set_up(dp, argv[0], 1) < 0;
	if (strcmp(cmd, "link-down") == 0 && argc == 1)
		return dp_link_set_up(dp, argv[0], 0) < 0;
	if (strcmp(cmd, "link-mtu") == 0 && argc == 2)
		return dp_link_set_mtu(dp, argv[0], parse_u32(argv[1], 65535)) <
		    0;
	if (strcmp(cmd, "link-carrier") == 0 && argc == 2)
		return dp_link_set_carrier(dp, argv[0], parse_onoff(argv[1])) <
		    0;
	if (strcmp(cmd, "link-master") == 0 && argc == 2)
		return dp_link_enslave(dp, argv[0], argv[1]) < 0;
	if (strcmp(cmd, "addr-add") == 0)
		return cmd_addr_add(dp, argc, argv);
	if (strcmp(cmd, "route-add") == 0)
		return cmd_route_add(dp, argc, argv);
	usage();
	return 1;
}

int
main(int argc, char **argv)
{
	struct dataplane *dp;
	int rc;

	log_init(1, getenv("DP_TOOL_DEBUG") != NULL, "dp_tool");
	if (argc < 2)
		usage();
	if ((dp = dp_open()) == NULL)
		return 1;
	rc = run(dp, argv[1], argc - 2, argv + 2);
	dp_close(dp);
	return rc;
}
